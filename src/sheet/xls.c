/*
 * .xls (BIFF8 in an OLE compound file), read with FreeXL: the first
 * worksheet's cells as text. FreeXL opens only a path, so the bytes go to
 * a private temporary file (mkstemp under $TMPDIR, mode 0600) that is
 * unlinked as soon as FreeXL has read it. FreeXL tells dates from numbers
 * by the cell's format and gives them as "YYYY-MM-DD" (with the time when
 * it has one); numbers come out as their shortest decimal text. A file
 * with a FILEPASS record (saved with a password) and FreeXL's errors
 * (a damaged or crafted file, an OLE file with no workbook such as a .doc)
 * become Spanish messages.
 *
 * FreeXL runs in a child process. Fuzzing (tests/fuzz/fuzz_xls.c) found
 * that Debian 12's FreeXL 1.0.6 reads out of bounds (a string handed to
 * iconv with a length past its buffer) and leaks on some crafted files: a
 * server must not run that on an upload in its own address space. The
 * child is a new image of the running program (posix_spawn of
 * /proc/self/exe, so it works the same in the server, the command line,
 * the tests and the fuzzers): a constructor in this file sees
 * BIS_XLS_READER=<path> in its environment, and instead of the program
 * it runs the reader (with an address-space limit and an alarm), writes
 * the raw cells to fd 3 and leaves with _exit. It is a new image rather
 * than a bare fork because the server is multithreaded: a forked copy
 * inherits the locks other threads held at that instant (the sanitizer's
 * allocator, iconv's module table) and can wait on them for ever; that
 * happened under AddressSanitizer once the timetable runner added threads.
 * The stream: status, then one record per cell (row, column, type, number
 * or text). The parent builds the grid from it with its own limits; a
 * child that crashes, is killed or stops mid-stream means a damaged file.
 */
#include <errno.h>
#include <fcntl.h>
#include <freexl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "sheet/grid.h"

static const char protected_msg[] =
    "El archivo está protegido con contraseña: ábralo en Excel, quítele la contraseña y "
    "guárdelo de nuevo antes de importarlo.";

static int freexl_error(int rc, char *err, size_t errn)
{
    switch (rc) {
    case FREEXL_INSUFFICIENT_MEMORY:
        return sheet_fail(err, errn, "No hay memoria suficiente para leer el archivo .xls.");
    case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
    case FREEXL_BIFF_ILLEGAL_SHEET_INDEX:
        return sheet_fail(err, errn, "El archivo no es una hoja de cálculo de Excel: no contiene "
                                     "un libro con hojas (¿es un documento de Word u otro "
                                     "programa?).");
    case FREEXL_UNSUPPORTED_CHARSET:
        return sheet_fail(err, errn, "El archivo .xls usa una codificación de caracteres que no "
                                     "se puede leer: guárdelo como .xlsx.");
    default:
        return sheet_fail(err, errn, "El archivo .xls está dañado o incompleto y no se puede "
                                     "leer (código %d): ábralo en Excel y guárdelo de nuevo.",
                          rc);
    }
}

/* The bytes in a new private file; its path in path[]. */
static int write_temp(const void *data, size_t len, char *path, size_t pathn, char *err,
                      size_t errn)
{
    const char *dir = getenv("TMPDIR");
    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
    snprintf(path, pathn, "%s/bis-sheet-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0)
        return sheet_fail(err, errn, "No se pudo preparar la lectura del archivo .xls "
                                     "(archivo temporal).");
    const char *p = data;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            unlink(path);
            return sheet_fail(err, errn, "No se pudo preparar la lectura del archivo .xls "
                                         "(archivo temporal).");
        }
        done += (size_t)n;
    }
    close(fd);
    return 0;
}

/* --- The child: FreeXL to a pipe ---------------------------------------- */

enum { REC_CELL = 1, REC_END, REC_ERROR, REC_PROTECTED, REC_NO_SHEETS };

struct out {
    int fd;
    size_t n;
    bool failed;
    unsigned char buf[64 * 1024];
};

static void out_flush(struct out *o)
{
    size_t done = 0;
    while (!o->failed && done < o->n) {
        ssize_t n = write(o->fd, o->buf + done, o->n - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            o->failed = true; /* the parent stopped reading: just finish */
        else
            done += (size_t)n;
    }
    o->n = 0;
}

static void out_add(struct out *o, const void *p, size_t n)
{
    const unsigned char *b = p;
    while (n > 0) {
        if (o->n == sizeof(o->buf))
            out_flush(o);
        size_t k = sizeof(o->buf) - o->n < n ? sizeof(o->buf) - o->n : n;
        memcpy(o->buf + o->n, b, k);
        o->n += k;
        b += k;
        n -= k;
    }
}

static void out_rec(struct out *o, unsigned char kind, int32_t code)
{
    out_add(o, &kind, 1);
    out_add(o, &code, sizeof(code));
}

static int child_read(const char *path, struct out *o)
{
    const void *h = NULL;
    int rc = freexl_open(path, &h);
    if (rc != FREEXL_OK) {
        out_rec(o, REC_ERROR, rc);
        return 0; /* the handle of a failed open is left: the process ends */
    }
    unsigned info = 0;
    if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
        info == FREEXL_BIFF_OBFUSCATED) {
        out_rec(o, REC_PROTECTED, 0);
        return 0;
    }
    unsigned sheets = 0;
    if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &sheets) != FREEXL_OK || sheets == 0) {
        out_rec(o, REC_NO_SHEETS, 0);
        return 0;
    }
    unsigned rows = 0;
    unsigned short cols = 0;
    if ((rc = freexl_select_active_worksheet(h, 0)) != FREEXL_OK ||
        (rc = freexl_worksheet_dimensions(h, &rows, &cols)) != FREEXL_OK) {
        out_rec(o, REC_ERROR, rc);
        return 0;
    }
    for (unsigned r = 0; r < rows && !o->failed; r++)
        for (unsigned c = 0; c < cols; c++) {
            FreeXL_CellValue v;
            if ((rc = freexl_get_cell_value(h, r, (unsigned short)c, &v)) != FREEXL_OK) {
                out_rec(o, REC_ERROR, rc);
                return 0;
            }
            char num[32];
            const char *s = NULL;
            switch (v.type) {
            case FREEXL_CELL_INT:
                snprintf(num, sizeof(num), "%d", v.value.int_value);
                s = num;
                break;
            case FREEXL_CELL_DOUBLE:
                sheet_number_text(v.value.double_value, num);
                s = num;
                break;
            case FREEXL_CELL_TEXT:
            case FREEXL_CELL_SST_TEXT:
            case FREEXL_CELL_DATE:
            case FREEXL_CELL_DATETIME:
            case FREEXL_CELL_TIME:
                s = v.value.text_value;
                break;
            }
            if (s == NULL || s[0] == '\0')
                continue;
            uint32_t len = (uint32_t)strnlen(s, 1u << 20);
            uint32_t pos[2] = {r, c};
            out_rec(o, REC_CELL, 0);
            out_add(o, pos, sizeof(pos));
            out_add(o, &len, sizeof(len));
            out_add(o, s, len);
        }
    out_rec(o, REC_END, 0);
    freexl_close(h);
    return 0;
}

#define READER_ENV "BIS_XLS_READER"
enum { READER_FD = 3 };

static void child(const char *path, int fd)
{
    /* a crafted file may make FreeXL allocate or loop without end */
    signal(SIGALRM, SIG_DFL);
    alarm(60);
#if !defined(__SANITIZE_ADDRESS__) && !defined(BIS_FUZZ)
    /* 1 GiB more than the fresh image's own address space (the sanitizers
       reserve terabytes of it: no limit under them) */
    unsigned long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f != NULL) {
        if (fscanf(f, "%lu", &pages) != 1)
            pages = 0;
        fclose(f);
    }
    if (pages > 0) {
        rlim_t max = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (1ul << 30);
        struct rlimit as = {.rlim_cur = max, .rlim_max = max};
        setrlimit(RLIMIT_AS, &as);
    }
#endif
    static struct out o;
    o.fd = fd;
    child_read(path, &o);
    out_flush(&o);
    close(fd);
    _exit(o.failed ? 1 : 0);
}

/* The spawned image: the reader, never the program it was started as. */
__attribute__((constructor)) static void reader_entry(void)
{
    const char *path = getenv(READER_ENV);
    if (path != NULL && path[0] != '\0')
        child(path, READER_FD);
}

/* Starts the reader of path writing to wfd; its pid, or -1. */
static pid_t spawn_reader(const char *path, int wfd)
{
    extern char **environ;
    size_t n = 0;
    while (environ[n] != NULL)
        n++;
    char **env = xmalloc((n + 2) * sizeof(*env));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], READER_ENV "=", sizeof(READER_ENV)) != 0)
            env[k++] = environ[i];
    size_t vn = sizeof(READER_ENV "=") + strlen(path);
    char *var = xmalloc(vn);
    snprintf(var, vn, READER_ENV "=%s", path);
    env[k++] = var;
    env[k] = NULL;
    /* dup2 onto itself would keep close-on-exec: move it out of the way */
    int fd = wfd == READER_FD ? fcntl(wfd, F_DUPFD_CLOEXEC, 10) : wfd;
    pid_t pid = -1;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    char *argv[] = {(char *)"bischeduler-xls-reader", NULL};
    if (fd >= 0 && posix_spawn_file_actions_init(&fa) == 0) {
        if (posix_spawnattr_init(&at) == 0) {
            /* the calling thread may block signals, the server ignores
               some: the reader starts with none blocked and SIGALRM's
               default (its alarm must end it) */
            sigset_t none, def;
            sigemptyset(&none);
            sigemptyset(&def);
            sigaddset(&def, SIGALRM);
            sigaddset(&def, SIGTERM);
            sigaddset(&def, SIGINT);
            if (posix_spawnattr_setsigmask(&at, &none) == 0 &&
                posix_spawnattr_setsigdefault(&at, &def) == 0 &&
                posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) ==
                    0 &&
                posix_spawn_file_actions_adddup2(&fa, fd, READER_FD) == 0 &&
                posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) == 0 &&
                posix_spawn(&pid, "/proc/self/exe", &fa, &at, argv, env) != 0)
                pid = -1;
            posix_spawnattr_destroy(&at);
        }
        posix_spawn_file_actions_destroy(&fa);
    }
    if (fd != wfd && fd >= 0)
        close(fd);
    free(var);
    free(env);
    return pid;
}

/* --- The parent: the stream into the grid -------------------------------- */

struct in {
    int fd;
    size_t pos, len;
    unsigned char buf[64 * 1024];
};

/* n bytes from the pipe, through a buffer (a cell is a few bytes: one
   read(2) each would cost more than the cell). */
static bool read_exact(struct in *in, void *p, size_t n)
{
    unsigned char *b = p;
    while (n > 0) {
        if (in->pos == in->len) {
            ssize_t k = read(in->fd, in->buf, sizeof(in->buf));
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                return false;
            in->pos = 0;
            in->len = (size_t)k;
        }
        size_t k = in->len - in->pos < n ? in->len - in->pos : n;
        memcpy(b, in->buf + in->pos, k);
        in->pos += k;
        b += k;
        n -= k;
    }
    return true;
}

/* Reads the child's records into g: 0 at REC_END, 1 when the stream broke
   off (a damaged file), -1 with the message set. */
static int parse_stream(struct in *fd, struct sheet_grid *g, char *cell)
{
    for (;;) {
        unsigned char kind;
        int32_t code;
        if (!read_exact(fd, &kind, 1) || !read_exact(fd, &code, sizeof(code)))
            return 1;
        switch (kind) {
        case REC_END:
            return 0;
        case REC_ERROR:
            return freexl_error(code, g->err, g->errn);
        case REC_PROTECTED:
            return sheet_fail(g->err, g->errn, "%s", protected_msg);
        case REC_NO_SHEETS:
            return sheet_fail(g->err, g->errn,
                              "La hoja está vacía: el archivo .xls no tiene hojas.");
        case REC_CELL:
            break;
        default:
            return 1;
        }
        uint32_t pos[2], len;
        if (!read_exact(fd, pos, sizeof(pos)) || !read_exact(fd, &len, sizeof(len)))
            return 1;
        if (pos[0] > INT32_MAX || pos[1] > INT32_MAX)
            return 1;
        if (len > g->lim->max_cell)
            return sheet_grid_put(g, (int)pos[0], (int)pos[1], 1, len);
        if (!read_exact(fd, cell, len))
            return 1;
        if (sheet_grid_set(g, (int)pos[0], (int)pos[1], cell, len) < 0)
            return -1;
    }
}

int sheet_read_xls(const void *data, size_t len, const struct sheet_limits *lim,
                   struct sheet **sheet_r, char *err, size_t errn)
{
    char path[4096];
    if (write_temp(data, len, path, sizeof(path), err, errn) < 0)
        return -1;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        unlink(path);
        return sheet_fail(err, errn, "No se pudo preparar la lectura del archivo .xls.");
    }
    pid_t pid = spawn_reader(path, fds[1]);
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        unlink(path);
        return sheet_fail(err, errn, "No se pudo preparar la lectura del archivo .xls.");
    }
    close(fds[1]);
    struct sheet_grid g;
    sheet_grid_init(&g, lim, err, errn);
    char *cell = xmalloc(lim->max_cell + 1);
    struct in *in = xmalloc(sizeof(*in));
    in->fd = fds[0];
    in->pos = in->len = 0;
    int rc = parse_stream(in, &g, cell);
    free(in);
    free(cell);
    close(fds[0]);
    if (rc != 0)
        kill(pid, SIGKILL); /* refused or broken off: the rest is not wanted */
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    unlink(path);
    if (rc == 1 || (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)))
        rc = sheet_fail(err, errn, "El archivo .xls está dañado o incompleto y no se puede leer: "
                                   "ábralo en Excel y guárdelo de nuevo.");
    if (rc == 0)
        rc = sheet_grid_finish(&g, SHEET_XLS, sheet_r);
    sheet_grid_cleanup(&g);
    return rc;
}
