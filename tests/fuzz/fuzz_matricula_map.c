/*
 * libFuzzer target for the Matrícula column mapper (src/school/
 * matricula_map.c): the input bytes are read as a spreadsheet (a CSV,
 * mostly: sheet_read tells the format from the bytes), the header row is
 * looked for and mapped, and every row after it normalized. Besides the
 * sanitizers' own checks, the harness asserts what the import relies on:
 * every value of a row is a string, problems name a row and column that
 * exist, a rejected row has an error and a blank row has no problem.
 *
 * Built by tests/fuzz/run (clang -fsanitize=fuzzer,address) with its seed
 * corpus tests/fuzz/corpus/matricula_map/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "school/matricula.h"
#include "sheet/sheet.h"

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond))                                                         \
            abort();                                                         \
    } while (0)

static void check_row(const struct sheet *s, const struct mat_row *r,
                      const struct mat_problems *p, size_t first)
{
    for (int i = 0; i < MS_COUNT; i++)
        CHECK(r->student[i] != NULL);
    for (int n = 0; n < MAT_REPS; n++)
        for (int i = 0; i < MR_COUNT; i++)
            CHECK(r->rep[n][i] != NULL);
    for (int n = 0; n < MAT_AUTHS; n++)
        for (int i = 0; i < MA_COUNT; i++)
            CHECK(r->auth[n][i] != NULL);
    CHECK(r->cedula_raw != NULL && r->level != NULL);
    bool error = false;
    for (size_t i = first; i < p->n; i++) {
        const struct mat_problem *x = &p->v[i];
        CHECK(x->row == r->sheet_row);
        CHECK(x->col >= 0 && x->col <= s->cols);
        CHECK(x->message[0] != '\0');
        CHECK(strlen(x->value) < sizeof x->value);
        error = error || !x->warning;
    }
    CHECK(error == r->rejected);
    if (r->blank)
        CHECK(p->n == first);
    if (!r->rejected && !r->blank) {
        /* what the store's CHECKs demand of an accepted student */
        CHECK(strcmp(r->student[MS_gender], "V") == 0 ||
              strcmp(r->student[MS_gender], "H") == 0);
        CHECK(r->grade_number >= 1 && r->grade_number <= 6);
        CHECK(r->section[0] != '\0');
        CHECK(strlen(r->student[MS_birth_date]) == 10);
        CHECK(r->student[MS_cedula][0] != '\0');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sheet_limits lim = sheet_default_limits;
    lim.max_bytes = 1 << 20;
    lim.max_unpacked = 4 << 20;
    lim.max_rows = 500;
    struct sheet *s = NULL;
    char err[512];
    if (sheet_read(data, size, &lim, &s, err, sizeof err) != 0) {
        CHECK(s == NULL && err[0] != '\0');
        return 0;
    }
    struct mat_mapping m;
    if (matricula_map(s, &m, err, sizeof err) == 0) {
        CHECK(m.header_row >= 0 && m.header_row < 10);
        for (int j = 0; j < MAT_COLUMNS; j++)
            CHECK(m.col[j] >= -1 && m.col[j] < s->cols);
        struct mat_problems p = {0};
        for (int row = m.header_row + 1; row < s->rows; row++) {
            struct mat_row r;
            size_t first = p.n;
            if (matricula_row(s, &m, row, &r, &p) == 0)
                check_row(s, &r, &p, first);
            mat_row_free(&r);
            if (p.n > 1000)
                mat_problems_free(&p);
        }
        mat_problems_free(&p);
    } else {
        CHECK(err[0] != '\0');
    }
    sheet_free(&s);
    return 0;
}
