/*
 * The CSV reader (csv.h). How it works: the file is read whole (bounded),
 * its byte order mark dropped; a Windows-1252 file, where the caller
 * allows one, is first converted to UTF-8 so that everything after sees
 * UTF-8 only. The separator, when not fixed, is whichever of "," and ";"
 * the header line holds more of (outside quotes). Then one pass splits
 * records, keeping the line each starts on (a quoted field may span
 * lines), and checks every limit as it goes.
 */
#include "core/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

void csv_fail_at(char **error_r, const char *name, int line, const char *fmt, ...)
{
    if (!error_r)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *m = str_vfmt(fmt, ap);
    va_end(ap);
    *error_r = str_fmt("%s, línea %d: %s", name, line, m);
    free(m);
}

void csv_fail(char **error_r, const char *fmt, ...)
{
    if (!error_r)
        return;
    va_list ap;
    va_start(ap, fmt);
    *error_r = str_vfmt(fmt, ap);
    va_end(ap);
}

void csv_free(struct csv *c)
{
    for (int i = 0; i < c->ncols; i++)
        free(c->cols[i]);
    free(c->cols);
    for (long i = 0; i < (long)c->nrows * c->ncols; i++)
        free(c->cell[i]);
    free(c->cell);
    free(c->line);
    memset(c, 0, sizeof(*c));
}

int csv_col(const struct csv *c, const char *name)
{
    for (int i = 0; i < c->ncols; i++)
        if (strcmp(c->cols[i], name) == 0)
            return i;
    return -1;
}

const char *csv_get(const struct csv *c, int row, int col)
{
    return col < 0 ? "" : c->cell[(long)row * c->ncols + col];
}

/* --- Encoding ------------------------------------------------------------ */

/* Windows-1252 bytes 0x80-0x9F as Unicode; 0 where the code page has no
   character. 0xA0-0xFF are the same code points (Latin-1). */
static const unsigned short cp1252[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

/* buf as UTF-8 in a new string (*out_r, *outlen_r); -1 with the line of
   the first byte that is not a Windows-1252 character (NUL included). */
static int from_cp1252(const char *buf, size_t len, char **out_r, size_t *outlen_r, int *line_r)
{
    char *out = xmalloc(len * 3 + 1);
    size_t n = 0;
    int line = 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)buf[i];
        unsigned cp = b;
        if (b == '\n' || (b == '\r' && !(i + 1 < len && buf[i + 1] == '\n')))
            line++;
        if (b >= 0x80 && b < 0xA0)
            cp = cp1252[b - 0x80];
        if (cp == 0) {
            free(out);
            *line_r = line;
            return -1;
        }
        if (cp < 0x80) {
            out[n++] = (char)cp;
        } else if (cp < 0x800) {
            out[n++] = (char)(0xC0 | (cp >> 6));
            out[n++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[n++] = (char)(0xE0 | (cp >> 12));
            out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[n++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    out[n] = '\0';
    *out_r = out;
    *outlen_r = n;
    return 0;
}

/* The separator of the first non-empty line: ";" when it holds more
   semicolons than commas outside quotes, else ",". */
static char detect_separator(const char *buf, size_t len)
{
    size_t i = 0;
    while (i < len && (buf[i] == '\n' || buf[i] == '\r'))
        i++;
    int commas = 0, semicolons = 0;
    bool quoted = false;
    for (; i < len; i++) {
        char ch = buf[i];
        if (ch == '"')
            quoted = !quoted;
        else if (!quoted && (ch == '\n' || ch == '\r'))
            break;
        else if (!quoted && ch == ',')
            commas++;
        else if (!quoted && ch == ';')
            semicolons++;
    }
    return semicolons > commas ? ';' : ',';
}

/* --- Records ------------------------------------------------------------- */

static void free_fields(char **f, int n)
{
    for (int i = 0; i < n; i++)
        free(f[i]);
}

struct parse {
    struct csv *c;
    const struct csv_options *o;
    char sep;
    int max_cols, max_rows, max_field;
    char **error_r;
};

/* Adds a complete record: the header when there is none yet, else a row. */
static int add_record(struct parse *ps, char **f, int nf, int line)
{
    struct csv *c = ps->c;
    if (ps->o->each_record) {
        int rc = ps->o->each_record(ps->o->arg, f, nf, line, ps->error_r);
        free_fields(f, nf);
        return rc < 0 ? -2 : 0; /* -2: the fields are freed already */
    }
    if (!c->cols) {
        c->cols = xmalloc((size_t)nf * sizeof(char *));
        memcpy(c->cols, f, (size_t)nf * sizeof(char *));
        c->ncols = nf;
        if (ps->o->check_header &&
            ps->o->check_header(ps->o->arg, c->name, c->cols, nf, line, ps->error_r) < 0)
            return -2; /* the fields belong to c now */
        return 0;
    }
    if (nf != c->ncols) {
        csv_fail_at(ps->error_r, c->name, line, "la fila tiene %d campo%s y el encabezado %d", nf,
                    nf == 1 ? "" : "s", c->ncols);
        return -1;
    }
    if (c->nrows == ps->max_rows) {
        csv_fail_at(ps->error_r, c->name, line, "el archivo tiene más de %d filas", ps->max_rows);
        return -1;
    }
    if (c->nrows == c->caprows) {
        c->caprows = c->caprows ? c->caprows * 2 : 64;
        c->line = xrealloc(c->line, (size_t)c->caprows * sizeof(int));
        c->cell = xrealloc(c->cell, (size_t)c->caprows * (size_t)c->ncols * sizeof(char *));
    }
    c->line[c->nrows] = line;
    memcpy(&c->cell[(long)c->nrows * c->ncols], f, (size_t)nf * sizeof(char *));
    c->nrows++;
    return 0;
}

static int parse_records(struct parse *ps, const char *buf, size_t len)
{
    struct csv *c = ps->c;
    const char sep = ps->sep;
    size_t pos = 0;
    int line = 1, nf = 0;
    char **f = xmalloc((size_t)ps->max_cols * sizeof(char *));
    char *val = xmalloc((size_t)ps->max_field + 1);
    while (pos < len) {
        /* empty lines are ignored */
        if (buf[pos] == '\n' || buf[pos] == '\r') {
            if (buf[pos] == '\r' && pos + 1 < len && buf[pos + 1] == '\n')
                pos++;
            pos++;
            line++;
            continue;
        }
        int rec_line = line;
        bool have_header = c->cols != NULL;
        int maxf = have_header ? c->ncols : ps->max_cols;
        bool all_empty = true;
        nf = 0;
        for (;;) {
            size_t vlen = 0;
            const char *col = have_header && nf < c->ncols ? c->cols[nf] : NULL;
            size_t p = pos;
            while (p < len && (buf[p] == ' ' || buf[p] == '\t'))
                p++;
            if (p < len && buf[p] == '"') {
                int open_line = line;
                pos = p + 1;
                for (;;) {
                    if (pos >= len) {
                        csv_fail_at(ps->error_r, c->name, open_line, "hay unas comillas sin cerrar");
                        goto fail;
                    }
                    char ch = buf[pos++];
                    if (ch == '"') {
                        if (pos < len && buf[pos] == '"')
                            pos++;
                        else
                            break;
                    } else if (ch == '\n') {
                        line++;
                    } else if (ch == '\r' && !(pos < len && buf[pos] == '\n')) {
                        line++;
                    }
                    if (vlen == (size_t)ps->max_field)
                        goto too_long;
                    val[vlen++] = ch;
                }
                while (pos < len && (buf[pos] == ' ' || buf[pos] == '\t'))
                    pos++;
                if (pos < len && buf[pos] != sep && buf[pos] != '\n' && buf[pos] != '\r') {
                    csv_fail_at(ps->error_r, c->name, line,
                                "hay texto después de cerrar las comillas");
                    goto fail;
                }
            } else {
                size_t e = p;
                while (e < len && buf[e] != sep && buf[e] != '\n' && buf[e] != '\r')
                    e++;
                pos = e;
                while (e > p && (buf[e - 1] == ' ' || buf[e - 1] == '\t'))
                    e--;
                if (e - p > (size_t)ps->max_field)
                    goto too_long;
                vlen = e - p;
                memcpy(val, buf + p, vlen);
            }
            val[vlen] = '\0';
            if (!str_is_utf8(val, vlen)) {
                csv_fail_at(ps->error_r, c->name, line, "el texto no es UTF-8 válido");
                goto fail;
            }
            if (nf == maxf) {
                if (have_header)
                    csv_fail_at(ps->error_r, c->name, rec_line,
                                "la fila tiene más campos que las %d columnas del encabezado",
                                c->ncols);
                else if (ps->o->each_record)
                    csv_fail_at(ps->error_r, c->name, rec_line, "la fila tiene más de %d columnas",
                                ps->max_cols);
                else
                    csv_fail_at(ps->error_r, c->name, rec_line,
                                "el encabezado tiene más de %d columnas", ps->max_cols);
                goto fail;
            }
            f[nf++] = xstrndup(val, vlen);
            if (vlen)
                all_empty = false;
            if (pos < len && buf[pos] == sep) {
                pos++;
                continue;
            }
            if (pos < len && buf[pos] == '\r')
                pos++;
            if (pos < len && buf[pos] == '\n')
                pos++;
            line++;
            break;
        too_long:
            if (col)
                csv_fail_at(ps->error_r, c->name, line, "el campo «%s» tiene más de %d bytes", col,
                            ps->max_field);
            else
                csv_fail_at(ps->error_r, c->name, line, "un campo tiene más de %d bytes",
                            ps->max_field);
            goto fail;
        }
        if (all_empty) {
            /* a spreadsheet's blank row: ",,,," */
            free_fields(f, nf);
            continue;
        }
        int rc = add_record(ps, f, nf, rec_line);
        if (rc == -2) {
            nf = 0;
            goto fail;
        }
        if (rc < 0)
            goto fail;
    }
    free(f);
    free(val);
    if (!c->cols && !ps->o->each_record) {
        csv_fail(ps->error_r, "%s: el archivo está vacío (falta la línea de encabezado)", c->name);
        return -1;
    }
    return 0;
fail:
    free_fields(f, nf);
    free(f);
    free(val);
    return -1;
}

int csv_parse(struct csv *c, const char *buf, size_t len, const struct csv_options *o,
              char **error_r)
{
    memset(c, 0, sizeof(*c));
    c->name = o->name ? o->name : "CSV";
    struct parse ps = {
        .c = c,
        .o = o,
        .max_cols = o->max_cols > 0 ? o->max_cols : CSV_MAX_COLS,
        .max_rows = o->max_rows > 0 ? o->max_rows : CSV_MAX_ROWS,
        .max_field = o->max_field > 0 ? o->max_field : CSV_MAX_FIELD,
        .error_r = error_r,
    };
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        len -= 3;
    }
    char *converted = NULL;
    if (o->encoding == CSV_AUTO && !str_is_utf8(buf, len)) {
        int line;
        if (from_cp1252(buf, len, &converted, &len, &line) < 0) {
            csv_fail_at(error_r, c->name, line, "el texto no es UTF-8 ni Windows-1252 válido");
            return -1;
        }
        buf = converted;
        c->converted = true;
    }
    ps.sep = o->separator ? o->separator : detect_separator(buf, len);
    c->separator = ps.sep;
    int rc = parse_records(&ps, buf, len);
    free(converted);
    if (rc < 0) {
        const char *name = c->name;
        csv_free(c);
        c->name = name;
    }
    return rc;
}

int csv_load(struct csv *c, const char *path, const struct csv_options *o, char **error_r)
{
    memset(c, 0, sizeof(*c));
    const char *name = o->name ? o->name : path;
    long max = o->max_bytes > 0 ? o->max_bytes : CSV_MAX_BYTES;
    char limit[32];
    if (max % (1L << 20) == 0)
        snprintf(limit, sizeof(limit), "%ld MiB", max >> 20);
    else
        snprintf(limit, sizeof(limit), "%ld bytes", max);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        csv_fail(error_r, "%s: no se pudo abrir el archivo (%s)", name, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        csv_fail(error_r, "%s: no es un archivo normal", name);
        close(fd);
        return -1;
    }
    if (st.st_size > max) {
        csv_fail(error_r, "%s: el archivo pesa más de %s", name, limit);
        close(fd);
        return -1;
    }
    /* read one byte more than allowed in case the file grew meanwhile */
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            csv_fail(error_r, "%s: no se pudo leer el archivo (%s)", name, strerror(errno));
            free(buf);
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len == cap) {
            if (cap > (size_t)max) {
                csv_fail(error_r, "%s: el archivo pesa más de %s", name, limit);
                free(buf);
                close(fd);
                return -1;
            }
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    close(fd);
    struct csv_options named = *o;
    named.name = name;
    int rc = csv_parse(c, buf, len, &named, error_r);
    free(buf);
    return rc < 0 ? -1 : 1;
}

/* ---- writing ---------------------------------------------------------- */

void csv_put(struct strbuf *sb, const char *v, unsigned flags)
{
    if (v == NULL)
        v = "";
    size_t n = strlen(v);
    bool quote = strpbrk(v, ",\"\r\n") != NULL ||
                 (n && (v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' ||
                        v[n - 1] == '\t'));
    if (quote)
        strbuf_adds(sb, "\"");
    if ((flags & CSV_PUT_TEXT) && n && strchr("=+-@", v[0]))
        strbuf_adds(sb, "'");
    for (const char *c = v; *c; c++) {
        if (*c == '"')
            strbuf_adds(sb, "\""); /* a quote is written twice */
        strbuf_add(sb, c, 1);
    }
    if (quote)
        strbuf_adds(sb, "\"");
    strbuf_adds(sb, !(flags & CSV_PUT_LAST)   ? ","
                    : (flags & CSV_PUT_CRLF) ? "\r\n"
                                             : "\n");
}
