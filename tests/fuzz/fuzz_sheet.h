/*
 * What the sheet fuzz targets share: read the bytes with limits small
 * enough that every input runs fast (the same code paths as the defaults),
 * then check what a caller relies on: the grid within the limits, every
 * cell a NUL-terminated string inside the arena no longer than max_cell.
 * A broken promise aborts (libFuzzer reports it as a crash), and so do
 * AddressSanitizer's findings and leaks.
 */
#ifndef BIS_FUZZ_SHEET_H
#define BIS_FUZZ_SHEET_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sheet/sheet.h"

static const struct sheet_limits fuzz_limits = {
    .max_bytes = 1u << 20,
    .max_unpacked = 8u << 20,
    .max_ratio = 200,
    .max_rows = 2000,
    .max_cols = 256,
    .max_cell = 4096,
};

static inline void fuzz_check_sheet(const struct sheet *s)
{
    if (s->rows <= 0 || s->cols <= 0 || s->rows > fuzz_limits.max_rows ||
        s->cols > fuzz_limits.max_cols || s->text == NULL || s->text[0] != '\0' ||
        s->text_len == 0 || s->text[s->text_len - 1] != '\0')
        abort();
    for (int r = 0; r < s->rows; r++)
        for (int c = 0; c < s->cols; c++) {
            uint32_t off = s->off[(size_t)r * (size_t)s->cols + (size_t)c];
            if (off >= s->text_len)
                abort();
            if (strlen(sheet_cell(s, r, c)) > fuzz_limits.max_cell)
                abort();
        }
}

static inline int fuzz_sheet_bytes(const uint8_t *data, size_t size)
{
    struct sheet *s = NULL;
    char err[512];
    if (sheet_read(data, size, &fuzz_limits, &s, err, sizeof(err)) == 0) {
        fuzz_check_sheet(s);
        sheet_free(&s);
    } else if (s != NULL || err[0] == '\0') {
        abort(); /* a refusal returns nothing and always says why */
    }
    return 0;
}

#endif
