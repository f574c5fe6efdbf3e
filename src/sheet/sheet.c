/*
 * The format-independent half of the spreadsheet reader: telling the format
 * from the bytes, the refusals common to every format (empty, too big, not
 * a spreadsheet, an .xlsx saved with a password), dispatching to the
 * readers (xls.c, xlsx.c, the CSV reader of core/csv.c below), and the
 * cells of the finished grid. See sheet.h; the grid itself is grid.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/csv.h"
#include "core/util.h"
#include "sheet/grid.h"

const struct sheet_limits sheet_default_limits = {
    .max_bytes = 32u << 20,
    .max_unpacked = 256u << 20,
    .max_ratio = 200,
    .max_rows = 20000,
    .max_cols = 256,
    .max_cell = 4096,
};

const char *sheet_format_name(enum sheet_format f)
{
    switch (f) {
    case SHEET_XLS: return "xls";
    case SHEET_XLSX: return "xlsx";
    case SHEET_CSV: return "csv";
    }
    return "?";
}

const char *sheet_cell(const struct sheet *s, int row, int col)
{
    if (s == NULL || row < 0 || col < 0 || row >= s->rows || col >= s->cols)
        return "";
    return s->text + s->off[(size_t)row * (size_t)s->cols + (size_t)col];
}

void sheet_free(struct sheet **s)
{
    if (s == NULL || *s == NULL)
        return;
    free((*s)->off);
    free((*s)->text);
    free(*s);
    *s = NULL;
}

/* --- Telling the format -------------------------------------------------- */

static const unsigned char cfb_magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

/* A stream of that name in the directory of a compound file. Directory
   entries are 128 bytes, aligned on 128 bytes in the file (sectors are 512
   or 4096 bytes after a 512-byte header), the name in UTF-16LE at the
   start, its byte length (with the NUL) at 0x40, the kind (2: a stream)
   at 0x42. Scanning every aligned slot finds it without following the
   sector chains, which a damaged file could make loop. */
static bool cfb_has_stream(const unsigned char *p, size_t len, const char *name)
{
    size_t n = strlen(name);
    for (size_t at = 512; at + 128 <= len; at += 128) {
        const unsigned char *e = p + at;
        if (e[0x40] != (n + 1) * 2 || e[0x41] != 0 || e[0x42] != 2)
            continue;
        size_t i = 0;
        while (i < n && e[2 * i] == (unsigned char)name[i] && e[2 * i + 1] == 0)
            i++;
        if (i == n && e[2 * n] == 0 && e[2 * n + 1] == 0)
            return true;
    }
    return false;
}

bool sheet_is_encrypted_ooxml(const unsigned char *p, size_t len)
{
    return len >= 512 && memcmp(p, cfb_magic, 8) == 0 &&
           (cfb_has_stream(p, len, "EncryptionInfo") ||
            cfb_has_stream(p, len, "EncryptedPackage"));
}

/* Text a spreadsheet program saves as CSV: valid UTF-8, or Windows-1252
   (no undefined byte), and no control characters but tab, line ends and
   form feed. */
static bool looks_like_text(const unsigned char *p, size_t len)
{
    bool cp1252 = true;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = p[i];
        if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f')
            return false;
        if (b == 0x7F || b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D)
            cp1252 = false;
    }
    return cp1252 || str_is_utf8((const char *)p, len);
}

enum sheet_format sheet_sniff(const void *data, size_t len)
{
    const unsigned char *p = data;
    if (len == 0 || p == NULL)
        return 0;
    if (len >= 8 && memcmp(p, cfb_magic, 8) == 0)
        return sheet_is_encrypted_ooxml(p, len) ? SHEET_XLSX : SHEET_XLS;
    if (len >= 4 && memcmp(p, "PK\x03\x04", 4) == 0)
        return SHEET_XLSX;
    return looks_like_text(p, len) ? SHEET_CSV : 0;
}

/* --- CSV ----------------------------------------------------------------- */

/* Only separators, spaces and line ends (after a byte order mark). */
static bool blank_text(const char *p, size_t len)
{
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3, len -= 3;
    for (size_t i = 0; i < len; i++)
        if (strchr(" \t\r\n\f,;", p[i]) == NULL)
            return false;
    return true;
}

/* The separator: ";" when the first lines (up to 20 that hold either)
   have more semicolons than commas outside quotes. A title line with
   neither does not decide, unlike core/csv.c's look at the first line. */
static char csv_separator(const char *p, size_t len)
{
    long commas = 0, semicolons = 0;
    int lines = 0;
    bool quoted = false, counted = false;
    for (size_t i = 0; i < len && lines < 20; i++) {
        char ch = p[i];
        if (ch == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (ch == ',')
            commas++, counted = true;
        else if (ch == ';')
            semicolons++, counted = true;
        else if (ch == '\n' && counted)
            lines++, counted = false;
    }
    return semicolons > commas ? ';' : ',';
}

struct csv_fill {
    struct sheet_grid g;
    int extra; /* line breaks inside the quoted fields so far */
};

/* Each record goes to the row a spreadsheet program shows it on: its
   line, less the line breaks inside quoted fields above it (blank lines
   stay blank rows). */
static int csv_record(void *arg, char **fields, int n, int line, char **error_r)
{
    (void)error_r;
    struct csv_fill *fill = arg;
    int row = line - 1 - fill->extra;
    for (int col = 0; col < n; col++) {
        size_t len = strlen(fields[col]);
        for (size_t i = 0; i < len; i++)
            if (fields[col][i] == '\n' ||
                (fields[col][i] == '\r' && fields[col][i + 1] != '\n'))
                fill->extra++;
        if (sheet_grid_set(&fill->g, row, col, fields[col], len) < 0)
            return -1;
    }
    return 0;
}

/* core/csv.c reads the file (quotes, separators, encodings, bounds) and
   hands each record over as it goes: the records are never stored twice. */
int sheet_read_csv(const void *data, size_t len, const struct sheet_limits *lim,
                   struct sheet **sheet_r, char *err, size_t errn)
{
    if (blank_text(data, len))
        return sheet_fail(err, errn, "La hoja está vacía: el archivo CSV no tiene datos.");
    struct csv_fill fill = {.extra = 0};
    sheet_grid_init(&fill.g, lim, err, errn);
    struct csv_options o = {
        .name = "El archivo CSV",
        .separator = csv_separator(data, len),
        .encoding = CSV_AUTO,
        .max_bytes = (long)lim->max_bytes,
        .max_cols = lim->max_cols,
        .max_field = lim->max_cell < 1u << 30 ? (int)lim->max_cell : 1 << 30,
        .each_record = csv_record,
        .arg = &fill,
    };
    struct csv c;
    char *msg = NULL;
    int rc = csv_parse(&c, data, len, &o, &msg);
    if (rc < 0 && msg != NULL)
        sheet_fail(err, errn, "%s.", msg); /* else the grid's message is set */
    free(msg);
    csv_free(&c);
    if (rc == 0)
        rc = sheet_grid_finish(&fill.g, SHEET_CSV, sheet_r);
    sheet_grid_cleanup(&fill.g);
    return rc;
}

/* --- Reading ------------------------------------------------------------- */

static int too_big(const struct sheet_limits *lim, char *err, size_t errn)
{
    char size[32];
    sheet_size_text(lim->max_bytes, size);
    return sheet_fail(err, errn, "El archivo pesa más de %s, el máximo que se puede importar.",
                      size);
}

int sheet_read(const void *data, size_t len, const struct sheet_limits *lim,
               struct sheet **sheet_r, char *err, size_t errn)
{
    *sheet_r = NULL;
    if (err != NULL && errn > 0)
        err[0] = '\0';
    if (lim == NULL)
        lim = &sheet_default_limits;
    const unsigned char *p = data;
    if (len == 0 || p == NULL)
        return sheet_fail(err, errn, "El archivo está vacío.");
    if (len > lim->max_bytes)
        return too_big(lim, err, errn);
    if (sheet_is_encrypted_ooxml(p, len))
        return sheet_fail(err, errn,
                          "El archivo está protegido con contraseña: ábralo en Excel, quítele "
                          "la contraseña y guárdelo de nuevo antes de importarlo.");
    switch (sheet_sniff(p, len)) {
    case SHEET_XLS: return sheet_read_xls(p, len, lim, sheet_r, err, errn);
    case SHEET_XLSX: return sheet_read_xlsx(p, len, lim, sheet_r, err, errn);
    case SHEET_CSV: return sheet_read_csv(p, len, lim, sheet_r, err, errn);
    }
    return sheet_fail(err, errn,
                      "El archivo no es una hoja de cálculo: se aceptan archivos de Excel "
                      "(.xls o .xlsx) y CSV.");
}

int sheet_read_file(const char *path, const struct sheet_limits *lim, struct sheet **sheet_r,
                    char *err, size_t errn)
{
    *sheet_r = NULL;
    if (lim == NULL)
        lim = &sheet_default_limits;
    const char *name = str_base_name(path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sheet_fail(err, errn, "No se pudo abrir el archivo %s%s.", name,
                          errno == ENOENT ? ": no existe" : "");
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return sheet_fail(err, errn, "%s no es un archivo normal.", name);
    }
    if ((unsigned long long)st.st_size > lim->max_bytes) {
        close(fd);
        return too_big(lim, err, errn);
    }
    /* one byte more than the size, in case the file grows meanwhile */
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(buf);
            close(fd);
            return sheet_fail(err, errn, "No se pudo leer el archivo %s.", name);
        }
        if (n == 0 || (len += (size_t)n) == cap)
            break;
    }
    close(fd);
    int rc = sheet_read(buf, len, lim, sheet_r, err, errn);
    free(buf);
    return rc;
}
