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
 */
#include <errno.h>
#include <freexl.h>
#include <stdio.h>
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

static int cell_to_grid(struct sheet_grid *g, unsigned row, unsigned col,
                        const FreeXL_CellValue *v)
{
    char num[32];
    const char *s = NULL;
    switch (v->type) {
    case FREEXL_CELL_INT:
        snprintf(num, sizeof(num), "%d", v->value.int_value);
        s = num;
        break;
    case FREEXL_CELL_DOUBLE:
        sheet_number_text(v->value.double_value, num);
        s = num;
        break;
    case FREEXL_CELL_TEXT:
    case FREEXL_CELL_SST_TEXT:
    case FREEXL_CELL_DATE:
    case FREEXL_CELL_DATETIME:
    case FREEXL_CELL_TIME:
        s = v->value.text_value;
        break;
    default:
        return 0;
    }
    if (s == NULL)
        return 0;
    return sheet_grid_set(g, (int)row, (int)col, s, strlen(s));
}

int sheet_read_xls(const void *data, size_t len, const struct sheet_limits *lim,
                   struct sheet **sheet_r, char *err, size_t errn)
{
    char path[4096];
    if (write_temp(data, len, path, sizeof(path), err, errn) < 0)
        return -1;
    const void *h = NULL;
    int rc = freexl_open(path, &h);
    unlink(path);
    if (rc != FREEXL_OK) {
        if (h != NULL)
            freexl_close(h);
        return freexl_error(rc, err, errn);
    }
    unsigned info = 0;
    if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
        info == FREEXL_BIFF_OBFUSCATED) {
        freexl_close(h);
        return sheet_fail(err, errn, "%s", protected_msg);
    }
    unsigned sheets = 0;
    if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &sheets) != FREEXL_OK || sheets == 0) {
        freexl_close(h);
        return sheet_fail(err, errn, "La hoja está vacía: el archivo .xls no tiene hojas.");
    }
    unsigned rows = 0;
    unsigned short cols = 0;
    if ((rc = freexl_select_active_worksheet(h, 0)) != FREEXL_OK ||
        (rc = freexl_worksheet_dimensions(h, &rows, &cols)) != FREEXL_OK) {
        freexl_close(h);
        return freexl_error(rc, err, errn);
    }
    struct sheet_grid g;
    sheet_grid_init(&g, lim, err, errn);
    rc = 0;
    for (unsigned r = 0; rc == 0 && r < rows; r++)
        for (unsigned c = 0; rc == 0 && c < cols; c++) {
            FreeXL_CellValue v;
            int x = freexl_get_cell_value(h, r, (unsigned short)c, &v);
            if (x != FREEXL_OK)
                rc = freexl_error(x, err, errn);
            else
                rc = cell_to_grid(&g, r, c, &v);
        }
    freexl_close(h);
    if (rc == 0)
        rc = sheet_grid_finish(&g, SHEET_XLS, sheet_r);
    sheet_grid_cleanup(&g);
    return rc;
}
