/*
 * The format-independent half of the spreadsheet reader: telling the format
 * from the bytes, dispatching to the xls/xlsx/csv readers, the compact grid
 * and its cells. See sheet.h.
 */
#include <stdlib.h>
#include <string.h>

#include "sheet/sheet.h"

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
