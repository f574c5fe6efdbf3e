/*
 * Spreadsheets in, as a grid of UTF-8 text: the first worksheet of an .xls
 * (BIFF8, read with FreeXL), an .xlsx (a zip read with libzip, its XML with
 * xml_scan or expat) or a .csv (core/csv.c: UTF-8 or Windows-1252, comma or semicolon).
 * The format is told from the bytes, never from the file name.
 *
 * Every cell comes out as text: a number cell as its shortest decimal
 * ("12345678", "1500.5"), a date-formatted cell as an ISO date
 * ("2015-03-09") or date-time, a boolean as "1"/"0", an empty cell as "".
 * Text is trimmed of nothing: the reader reports what the file holds.
 *
 * The grid is compact (one text arena and an offset per cell) so that a
 * 10,000-row, 130-column sheet stays within a few tens of MiB. Reading is
 * bounded by struct sheet_limits and refuses, with a Spanish message and
 * nothing allocated, files that are not spreadsheets, password-protected
 * or corrupt files, zip bombs (entry sizes and compression ratios over the
 * limits) and XML bombs (a DTD or entity declaration in any part).
 *
 * This layer depends on core/ only; it knows nothing of the Matrícula.
 */
#ifndef BIS_SHEET_SHEET_H
#define BIS_SHEET_SHEET_H
#include <stddef.h>
#include <stdint.h>

enum sheet_format { SHEET_XLS = 1, SHEET_XLSX, SHEET_CSV };

struct sheet_limits {
    size_t max_bytes;        /* the file itself */
    size_t max_unpacked;     /* xlsx: sum of the uncompressed parts read */
    unsigned max_ratio;      /* xlsx: uncompressed/compressed of any part */
    int max_rows;            /* rows of the grid (after trailing blanks) */
    int max_cols;
    size_t max_cell;         /* bytes of one cell's text */
};
/* 32 MiB file, 256 MiB unpacked, ratio 200, 20,000 rows, 256 columns,
 * 4 KiB per cell. */
extern const struct sheet_limits sheet_default_limits;

struct sheet {
    enum sheet_format format;
    int rows, cols;    /* trailing blank rows and columns dropped */
    uint32_t *off;     /* rows*cols offsets into text; 0: empty cell */
    char *text;        /* NUL-terminated strings; text[0] == '\0' */
    size_t text_len;
};

/* Reads the first worksheet of the file held in data[0..len). On success
 * 0 and *sheet_r; on failure -1 and a Spanish message for the user in
 * err[0..errn), *sheet_r NULL. `lim` may be NULL for the defaults. */
int sheet_read(const void *data, size_t len, const struct sheet_limits *lim,
               struct sheet **sheet_r, char *err, size_t errn);
/* Same, from a file on disk. */
int sheet_read_file(const char *path, const struct sheet_limits *lim,
                    struct sheet **sheet_r, char *err, size_t errn);

/* The cell's text, "" when empty or outside the grid. row, col 0-based. */
const char *sheet_cell(const struct sheet *s, int row, int col);

/* The format of these bytes (0 when none of the three: a CSV is any text
 * that is valid UTF-8 or Windows-1252 without NUL bytes). */
enum sheet_format sheet_sniff(const void *data, size_t len);
const char *sheet_format_name(enum sheet_format f); /* "xls", "xlsx", "csv" */

void sheet_free(struct sheet **s);

#endif
