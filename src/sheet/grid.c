/*
 * The compact grid the readers fill (see grid.h): a text arena and a
 * matrix of uint32 offsets, limits checked as cells arrive; and the small
 * conversions every reader needs (column names, numbers and serial dates
 * as text).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "sheet/grid.h"

int sheet_fail(char *err, size_t errn, const char *fmt, ...)
{
    if (err != NULL && errn > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errn, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void sheet_col_name(int col, char out[8])
{
    char tmp[8];
    int n = 0;
    unsigned c = (unsigned)col + 1;
    while (c > 0 && n < 7) {
        tmp[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

void sheet_size_text(size_t n, char out[32])
{
    if (n >= (1u << 20) && n % (1u << 20) == 0)
        snprintf(out, 32, "%zu MiB", n >> 20);
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(out, 32, "%zu KiB", n >> 10);
    else
        snprintf(out, 32, "%zu bytes", n);
}

/* --- The grid ------------------------------------------------------------ */

void sheet_grid_init(struct sheet_grid *g, const struct sheet_limits *lim, char *err,
                     size_t errn)
{
    memset(g, 0, sizeof(*g));
    g->lim = lim;
    g->err = err;
    g->errn = errn;
    g->cap = 4096;
    g->text = xmalloc(g->cap);
    g->text[0] = '\0';
    g->len = 1;
}

void sheet_grid_cleanup(struct sheet_grid *g)
{
    free(g->off);
    free(g->text);
    g->off = NULL;
    g->text = NULL;
    g->rcap = g->ccap = g->rows = g->cols = 0;
    g->len = g->cap = 0;
}

/* The arena may hold at most this much: what an .xlsx may unpack, and
   never more than a uint32 offset reaches. */
static size_t arena_max(const struct sheet_limits *lim)
{
    size_t max = lim->max_unpacked > 0 ? lim->max_unpacked : (256u << 20);
    return max < UINT32_MAX ? max : UINT32_MAX - 1;
}

int sheet_grid_text(struct sheet_grid *g, const char *s, size_t n, uint32_t *off_r)
{
    if (n == 0) {
        *off_r = 0;
        return 0;
    }
    size_t max = arena_max(g->lim);
    if (n >= max || g->len > max - n - 1) {
        char size[32];
        sheet_size_text(max, size);
        return sheet_fail(g->err, g->errn,
                          "La hoja tiene demasiado texto (más de %s): no se puede leer.", size);
    }
    if (g->len + n + 1 > g->cap) {
        size_t cap = g->cap;
        while (cap < g->len + n + 1)
            cap = cap / 2 * 3;
        if (cap > max + 1)
            cap = max + 1;
        g->text = xrealloc(g->text, cap);
        g->cap = cap;
    }
    memcpy(g->text + g->len, s, n);
    g->text[g->len + n] = '\0';
    *off_r = (uint32_t)g->len;
    g->len += n + 1;
    return 0;
}

/* Makes room for row, col (within the limits, checked by the caller). */
static void grid_reserve(struct sheet_grid *g, int row, int col)
{
    if (col >= g->ccap) {
        /* while the grid is small (the header row), grow to just what is
           needed, cheaply; later by half again, for amortized growth */
        int ccap = g->rcap <= 64 ? (col + 16) / 16 * 16 : g->ccap + g->ccap / 2;
        if (ccap <= col)
            ccap = col + 1;
        if (ccap > g->lim->max_cols)
            ccap = g->lim->max_cols;
        int rcap = g->rcap < 64 ? 64 : g->rcap;
        uint32_t *off = xcalloc((size_t)rcap * (size_t)ccap, sizeof(uint32_t));
        for (int r = 0; r < g->rows; r++)
            memcpy(off + (size_t)r * (size_t)ccap, g->off + (size_t)r * (size_t)g->ccap,
                   (size_t)g->ccap * sizeof(uint32_t));
        free(g->off);
        g->off = off;
        g->ccap = ccap;
        g->rcap = rcap;
    }
    if (row >= g->rcap) {
        int rcap = g->rcap * 2;
        if (rcap <= row)
            rcap = row + 1;
        if (rcap > g->lim->max_rows)
            rcap = g->lim->max_rows;
        g->off = xrealloc(g->off, (size_t)rcap * (size_t)g->ccap * sizeof(uint32_t));
        memset(g->off + (size_t)g->rcap * (size_t)g->ccap, 0,
               (size_t)(rcap - g->rcap) * (size_t)g->ccap * sizeof(uint32_t));
        g->rcap = rcap;
    }
}

int sheet_grid_put(struct sheet_grid *g, int row, int col, uint32_t off, size_t n)
{
    if (off == 0 || n == 0)
        return 0;
    char name[8];
    if (row < 0 || col < 0)
        return sheet_fail(g->err, g->errn, "El archivo está dañado: una celda no tiene posición "
                                           "válida.");
    if (row >= g->lim->max_rows)
        return sheet_fail(g->err, g->errn,
                          "La hoja tiene más de %d filas, el máximo que se puede importar.",
                          g->lim->max_rows);
    if (col >= g->lim->max_cols)
        return sheet_fail(g->err, g->errn,
                          "La hoja tiene más de %d columnas, el máximo que se puede importar.",
                          g->lim->max_cols);
    if (n > g->lim->max_cell) {
        sheet_col_name(col, name);
        return sheet_fail(g->err, g->errn,
                          "La celda %s%d tiene un texto demasiado largo (más de %zu bytes).", name,
                          row + 1, g->lim->max_cell);
    }
    grid_reserve(g, row, col);
    g->off[(size_t)row * (size_t)g->ccap + (size_t)col] = off;
    if (row >= g->rows)
        g->rows = row + 1;
    if (col >= g->cols)
        g->cols = col + 1;
    return 0;
}

int sheet_grid_set(struct sheet_grid *g, int row, int col, const char *s, size_t n)
{
    if (n == 0)
        return 0;
    /* check the position first: a refused cell costs no arena */
    if (n > g->lim->max_cell || row >= g->lim->max_rows || col >= g->lim->max_cols || row < 0 ||
        col < 0)
        return sheet_grid_put(g, row, col, 1, n);
    uint32_t off;
    if (sheet_grid_text(g, s, n, &off) < 0)
        return -1;
    return sheet_grid_put(g, row, col, off, n);
}

int sheet_grid_finish(struct sheet_grid *g, enum sheet_format f, struct sheet **sheet_r)
{
    *sheet_r = NULL;
    if (g->rows == 0 || g->cols == 0)
        return sheet_fail(g->err, g->errn,
                          "La hoja está vacía: la primera hoja del archivo no tiene datos.");
    /* compact the rows to the used width, in place (cols <= ccap) */
    for (int r = 0; r < g->rows; r++)
        memmove(g->off + (size_t)r * (size_t)g->cols, g->off + (size_t)r * (size_t)g->ccap,
                (size_t)g->cols * sizeof(uint32_t));
    struct sheet *s = xcalloc(1, sizeof(*s));
    s->format = f;
    s->rows = g->rows;
    s->cols = g->cols;
    s->off = xrealloc(g->off, (size_t)g->rows * (size_t)g->cols * sizeof(uint32_t));
    s->text = xrealloc(g->text, g->len);
    s->text_len = g->len;
    g->off = NULL;
    g->text = NULL;
    sheet_grid_cleanup(g);
    *sheet_r = s;
    return 0;
}

/* --- Numbers and dates as text ------------------------------------------- */

void sheet_number_text(double v, char out[32])
{
    if (!isfinite(v)) {
        snprintf(out, 32, "%s", isnan(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        return;
    }
    if (v == 0) {
        snprintf(out, 32, "0");
        return;
    }
    if (fabs(v) < 1e17 && v == trunc(v)) {
        snprintf(out, 32, "%.0f", v);
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(out, 32, "%.*g", p, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil_from_days(long z, int *y_r, int *m_r, int *d_r)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    *y_r = (int)(y + (m <= 2));
    *m_r = (int)m;
    *d_r = (int)d;
}

bool sheet_serial_text(double serial, bool date1904, bool with_time, bool time_only,
                       char out[32])
{
    if (!isfinite(serial) || serial < 0 || serial >= 2958466.0)
        return false;
    long day = (long)floor(serial);
    /* the time of day, rounded to the second */
    long secs = (long)llround((serial - (double)day) * 86400.0);
    if (secs >= 86400) {
        day++;
        secs -= 86400;
    }
    int hh = (int)(secs / 3600), mm = (int)(secs / 60 % 60), ss = (int)(secs % 60);
    if (time_only) {
        snprintf(out, 32, "%02d:%02d:%02d", hh, mm, ss);
        return true;
    }
    int y, m, d;
    if (date1904) {
        /* day 0 is 1904-01-01, 24107 days before 1970-01-01 */
        civil_from_days(day - 24107, &y, &m, &d);
    } else if (day == 60) {
        /* Lotus 1-2-3's leap day that never was, which Excel keeps */
        y = 1900, m = 2, d = 29;
    } else {
        /* day 1 is 1900-01-01; from day 61 on, one day less for the false
           1900-02-29 */
        long unix_day = day < 60 ? day - 25568 : day - 25569;
        civil_from_days(unix_day, &y, &m, &d);
    }
    if (y > 9999)
        return false;
    if (with_time)
        snprintf(out, 32, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, hh, mm, ss);
    else
        snprintf(out, 32, "%04d-%02d-%02d", y, m, d);
    return true;
}
