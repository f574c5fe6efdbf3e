/*
 * The sheet layer's private half: the grid the three readers fill and the
 * helpers they share (not part of the layer's API; include only from
 * src/sheet/).
 *
 * A reader puts cells in any order (an .xlsx may skip rows and cells, so
 * cells are placed by their reference). Text goes once into an arena (one
 * growing buffer of NUL-terminated strings, offset 0 the empty string) and
 * the cell holds a uint32 offset into it: no allocation per cell, and a
 * string used by many cells (an .xlsx shared string) is stored once. The
 * offsets live in a matrix whose row stride grows as wider cells appear;
 * sheet_grid_finish() drops the trailing blank rows and columns by
 * compacting the matrix in place. Every limit of struct sheet_limits is
 * checked as the cells arrive, so a refusal comes before the memory is
 * spent.
 */
#ifndef BIS_SHEET_GRID_H
#define BIS_SHEET_GRID_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sheet/sheet.h"

struct sheet_grid {
    const struct sheet_limits *lim;
    uint32_t *off;   /* rcap rows of stride ccap */
    int rcap, ccap;
    int rows, cols;  /* 1 + the last row / column holding text */
    char *text;
    size_t len, cap; /* of text; text[0] == '\0' */
    char *err;
    size_t errn;
};

void sheet_grid_init(struct sheet_grid *g, const struct sheet_limits *lim, char *err,
                     size_t errn);
void sheet_grid_cleanup(struct sheet_grid *g);
/* Adds n bytes of text (plus a NUL) to the arena: 0 and *off_r, or -1 with
   the message set (the arena would outgrow its limit). "" is offset 0. */
int sheet_grid_text(struct sheet_grid *g, const char *s, size_t n, uint32_t *off_r);
/* Places text already in the arena (n bytes long) at row, col (0-based):
   -1 with the message when over a limit. An empty text is not stored. */
int sheet_grid_put(struct sheet_grid *g, int row, int col, uint32_t off, size_t n);
/* The two above together. */
int sheet_grid_set(struct sheet_grid *g, int row, int col, const char *s, size_t n);
/* Hands the grid over as a sheet (the grid is left empty): -1 with the
   message when it holds no text at all. */
int sheet_grid_finish(struct sheet_grid *g, enum sheet_format f, struct sheet **sheet_r);

/* Sets the message (printf-style) into g->err. Returns -1. */
int sheet_fail(char *err, size_t errn, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "A", "Z", "AA", ... for column col (0-based) into out[8]. */
void sheet_col_name(int col, char out[8]);
/* A size for a message: "32 MiB", "64 KiB", "1000 bytes". */
void sheet_size_text(size_t n, char out[32]);
/* A number as its shortest decimal text ("12345678", "1500.5", "1e+300")
   into out[32]. */
void sheet_number_text(double v, char out[32]);
/* A spreadsheet serial day number as "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS"
   (with_time) or "HH:MM:SS" (time_only) into out[32]; false when the
   serial is no date (negative, not finite, after 9999). date1904: the
   1904 date system of old Mac workbooks. */
bool sheet_serial_text(double serial, bool date1904, bool with_time, bool time_only,
                       char out[32]);

int sheet_read_xls(const void *data, size_t len, const struct sheet_limits *lim,
                   struct sheet **sheet_r, char *err, size_t errn);
int sheet_read_xlsx(const void *data, size_t len, const struct sheet_limits *lim,
                    struct sheet **sheet_r, char *err, size_t errn);
int sheet_read_csv(const void *data, size_t len, const struct sheet_limits *lim,
                   struct sheet **sheet_r, char *err, size_t errn);
/* An OLE compound file holding an EncryptionInfo or EncryptedPackage
   stream: an .xlsx saved with a password. */
bool sheet_is_encrypted_ooxml(const unsigned char *p, size_t len);

#endif
