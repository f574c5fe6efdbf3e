/*
 * The Matrícula mapper as a school's secretary meets it: the government
 * file in its 130- and 122-column layouts, a header people have mangled, a
 * file missing the columns an import needs, the Nth representative block,
 * and every value spelled the ways people spell it, normalized or refused
 * with the row, the column, the value and a Spanish message. Sheets are
 * built in memory (struct sheet), no file and no store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "school/matricula.h"

/* ---- Sheets in memory ----------------------------------------------- */

#define G_ROWS 16
#define G_COLS 160

struct grid {
    int rows, cols;
    const char *cell[G_ROWS][G_COLS];
};

static void g_set(struct grid *g, int r, int c, const char *v)
{
    assert_true(r < G_ROWS && c < G_COLS);
    g->cell[r][c] = v;
    if (r + 1 > g->rows)
        g->rows = r + 1;
    if (c + 1 > g->cols)
        g->cols = c + 1;
}

/* Packs the grid as the sheet reader would: one text arena, offsets. */
static struct sheet *g_sheet(const struct grid *g)
{
    struct sheet *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->format = SHEET_CSV;
    s->rows = g->rows;
    s->cols = g->cols;
    s->off = calloc((size_t)(g->rows * g->cols) + 1, sizeof *s->off);
    size_t len = 1;
    for (int r = 0; r < g->rows; r++)
        for (int c = 0; c < g->cols; c++)
            if (g->cell[r][c])
                len += strlen(g->cell[r][c]) + 1;
    s->text = malloc(len);
    assert_non_null(s->off);
    assert_non_null(s->text);
    s->text[0] = '\0';
    size_t k = 1;
    for (int r = 0; r < g->rows; r++) {
        for (int c = 0; c < g->cols; c++) {
            const char *v = g->cell[r][c];
            if (v == NULL || v[0] == '\0')
                continue;
            s->off[r * g->cols + c] = (uint32_t)k;
            memcpy(s->text + k, v, strlen(v) + 1);
            k += strlen(v) + 1;
        }
    }
    s->text_len = k;
    return s;
}

static void s_free(struct sheet **s)
{
    free((*s)->off);
    free((*s)->text);
    free(*s);
    *s = NULL;
}

/* Column index in mat_columns of a representative's / authorized
 * person's field. */
static int rep_j(int person, int field)
{
    return MS_COUNT + (person - 1) * MR_COUNT + field;
}
static int auth_j(int person, int field)
{
    return MS_COUNT + MAT_REPS * MR_COUNT + (person - 1) * MA_COUNT + field;
}

/* The government file: two title rows, the header on row 3, every column
 * in order; `cols` 130 or 122. Data row 4 (index 3) gets a good student
 * with representative 1. */
static void government_file(struct grid *g, int cols)
{
    memset(g, 0, sizeof *g);
    g_set(g, 0, 0, "U.E. Instituto Privado Andrés Bello");
    g_set(g, 1, 0, "Lista de estudiantes 26/09/2025");
    for (int j = 0; j < cols; j++)
        g_set(g, 2, j, mat_columns[j].header);
    g_set(g, 3, MS_grade, "1er. Año");
    g_set(g, 3, MS_section, "a");
    g_set(g, 3, MS_first_names, "  María   José ");
    g_set(g, 3, MS_last_names, "Pérez Rodríguez");
    g_set(g, 3, MS_cedula, "V-30.123.456");
    g_set(g, 3, MS_cedula_escolar, "No");
    g_set(g, 3, MS_birth_date, "2012-05-14");
    g_set(g, 3, MS_gender, "Femenino");
    g_set(g, 3, MS_age, "13");
    g_set(g, 3, MS_status, "Activo");
    g_set(g, 3, MS_academic_condition, "Regular");
    g_set(g, 3, rep_j(1, MR_first_names), "Carmen");
    g_set(g, 3, rep_j(1, MR_last_names), "Rodríguez");
    g_set(g, 3, rep_j(1, MR_cedula), "12.345.678");
    g_set(g, 3, rep_j(1, MR_relationship), "madre");
    g_set(g, 3, rep_j(1, MR_mobile_phone), "(0414) 123-4567");
    g_set(g, 3, rep_j(1, MR_monthly_income), "1.234,50");
    g_set(g, 3, 0 + MS_COUNT + MR_COUNT + MR_first_names, ""); /* rep 2 */
    g->cols = cols > g->cols ? cols : g->cols;
}

static const struct mat_problem *find_problem(const struct mat_problems *p,
                                              int row, const char *column)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].row == row && strcmp(p->v[i].column, column) == 0)
            return &p->v[i];
    return NULL;
}

static void dump_problems(const struct mat_problems *p)
{
    for (size_t i = 0; i < p->n; i++)
        fprintf(stderr, "  row %d col %d [%s] '%s': %s%s\n", p->v[i].row,
                p->v[i].col, p->v[i].column, p->v[i].value,
                p->v[i].message, p->v[i].warning ? " (warning)" : "");
}

/* ---- Layouts -------------------------------------------------------- */

static void test_130_layout_maps_every_column(void **state)
{
    (void)state;
    struct grid g;
    government_file(&g, 130);
    g_set(&g, 3, auth_j(2, MA_first_names), "Luis");
    g_set(&g, 3, auth_j(2, MA_last_names), "Gómez");
    g_set(&g, 3, auth_j(2, MA_cedula), "E-81.234.567");
    g_set(&g, 3, auth_j(2, MA_phone), "+58 424 7654321");
    struct sheet *s = g_sheet(&g);
    struct mat_mapping m;
    char err[512];
    assert_int_equal(matricula_map(s, &m, err, sizeof err), 0);
    assert_int_equal(m.header_row, 2);
    assert_int_equal(m.layout, 130);
    assert_int_equal(m.unknown_cols, 0);
    for (int j = 0; j < MAT_COLUMNS; j++)
        assert_int_equal(m.col[j], j);

    struct mat_row r;
    struct mat_problems p = {0};
    assert_int_equal(matricula_row(s, &m, 3, &r, &p), 0);
    if (p.n)
        dump_problems(&p);
    assert_int_equal(p.n, 0);
    assert_false(r.rejected);
    assert_false(r.blank);
    assert_int_equal(r.sheet_row, 4);
    assert_string_equal(r.grade_name, "1er Año");
    assert_string_equal(r.level, "media_general");
    assert_int_equal(r.grade_number, 1);
    assert_string_equal(r.section, "A");
    assert_string_equal(r.student[MS_grade], "1er Año");
    assert_string_equal(r.student[MS_first_names], "María José");
    assert_string_equal(r.student[MS_cedula], "V30123456");
    assert_string_equal(r.cedula_raw, "V-30.123.456");
    assert_string_equal(r.student[MS_cedula_escolar], "0");
    assert_string_equal(r.student[MS_birth_date], "2012-05-14");
    assert_string_equal(r.student[MS_gender], "H");
    assert_string_equal(r.student[MS_age], "");
    assert_string_equal(r.student[MS_status], "activo");
    assert_string_equal(r.student[MS_academic_condition], "regular");
    assert_string_equal(r.student[MS_email], "");
    assert_true(r.rep_present[0]);
    assert_false(r.rep_present[1]);
    assert_false(r.rep_present[2]);
    assert_string_equal(r.rep[0][MR_cedula], "V12345678");
    assert_string_equal(r.rep_cedula_raw[0], "12.345.678");
    assert_string_equal(r.rep[0][MR_relationship], "Madre");
    assert_string_equal(r.rep[0][MR_mobile_phone], "0414-1234567");
    assert_string_equal(r.rep[0][MR_monthly_income], "1234.50");
    assert_false(r.auth_present[0]);
    assert_true(r.auth_present[1]);
    assert_string_equal(r.auth[1][MA_cedula], "E81234567");
    assert_string_equal(r.auth[1][MA_phone], "0424-7654321");
    assert_string_equal(r.auth[1][MA_last_names], "Gómez");
    mat_row_free(&r);
    assert_null(r.buf);
    mat_problems_free(&p);
    s_free(&s);
}

static void test_122_layout_with_reordered_student_block(void **state)
{
    (void)state;
    struct grid g;
    memset(&g, 0, sizeof g);
    /* the student block backwards, then the three representative blocks;
     * header on row 1 */
    for (int j = 0; j < MS_COUNT; j++)
        g_set(&g, 0, MS_COUNT - 1 - j, mat_columns[j].header);
    for (int j = MS_COUNT; j < MS_COUNT + MAT_REPS * MR_COUNT; j++)
        g_set(&g, 0, j, mat_columns[j].header);
    int c_grade = MS_COUNT - 1 - MS_grade, c_name = MS_COUNT - 1 - MS_first_names;
    g_set(&g, 1, c_grade, "6to año");
    g_set(&g, 1, MS_COUNT - 1 - MS_section, "Única");
    g_set(&g, 1, c_name, "Pedro");
    g_set(&g, 1, MS_COUNT - 1 - MS_last_names, "Díaz");
    g_set(&g, 1, MS_COUNT - 1 - MS_cedula, "1157424268");
    g_set(&g, 1, MS_COUNT - 1 - MS_gender, "M");
    g_set(&g, 1, MS_COUNT - 1 - MS_birth_date, "09/03/2015");
    g_set(&g, 1, rep_j(3, MR_first_names), "Rosa");
    g_set(&g, 1, rep_j(3, MR_last_names), "Díaz");
    g_set(&g, 1, rep_j(3, MR_cedula), "V 7.424.268");
    struct sheet *s = g_sheet(&g);
    struct mat_mapping m;
    char err[512];
    assert_int_equal(matricula_map(s, &m, err, sizeof err), 0);
    assert_int_equal(m.header_row, 0);
    assert_int_equal(m.layout, 122);
    assert_int_equal(m.col[MS_grade], c_grade);
    assert_int_equal(m.col[MS_first_names], c_name);
    assert_int_equal(m.col[rep_j(2, MR_cedula)], rep_j(2, MR_cedula));
    assert_int_equal(m.col[auth_j(1, MA_first_names)], -1);

    struct mat_row r;
    struct mat_problems p = {0};
    assert_int_equal(matricula_row(s, &m, 1, &r, &p), 0);
    if (p.n)
        dump_problems(&p);
    assert_int_equal(p.n, 0);
    assert_string_equal(r.grade_name, "6to Año");
    assert_string_equal(r.level, "media_tecnica");
    assert_string_equal(r.section, "Única");
    assert_string_equal(r.student[MS_first_names], "Pedro");
    /* no flag column value: 10 digits make a cédula escolar */
    assert_string_equal(r.student[MS_cedula], "1157424268");
    assert_string_equal(r.student[MS_cedula_escolar], "1");
    assert_string_equal(r.student[MS_gender], "V");
    assert_string_equal(r.student[MS_birth_date], "2015-03-09");
    assert_false(r.rep_present[0]);
    assert_true(r.rep_present[2]);
    assert_string_equal(r.rep[2][MR_cedula], "V7424268");
    assert_string_equal(r.rep[2][MR_first_names], "Rosa");
    assert_false(r.auth_present[0]);
    assert_string_equal(r.auth[0][MA_first_names], "");
    mat_row_free(&r);
    mat_problems_free(&p);
    s_free(&s);
}

static void test_mangled_header_still_maps(void **state)
{
    (void)state;
    static const char *const headers[] = {
        "  GRADO ", "seccion", "NOMBRE:", "apellido.",
        "Cedula  de   identidad", "Es cedula escolar?", "genero",
        "FECHA DE NACIMIENTO", "Observaciones", "nombre de  REPRESENTANTE",
        "Cédula de Identidad de representante", "Apellido de Representante",
        "CORREO ELECTRONICO", "Teléfono\u00a0celular",
    };
    struct grid g;
    memset(&g, 0, sizeof g);
    g_set(&g, 0, 0, "Colegio San José");
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
        g_set(&g, 3, (int)i, headers[i]);
    struct sheet *s = g_sheet(&g);
    struct mat_mapping m;
    char err[512];
    assert_int_equal(matricula_map(s, &m, err, sizeof err), 0);
    assert_int_equal(m.header_row, 3);
    assert_int_equal(m.layout, 0);
    assert_int_equal(m.unknown_cols, 1); /* Observaciones */
    assert_int_equal(m.col[MS_grade], 0);
    assert_int_equal(m.col[MS_section], 1);
    assert_int_equal(m.col[MS_first_names], 2);
    assert_int_equal(m.col[MS_last_names], 3);
    assert_int_equal(m.col[MS_cedula], 4);
    assert_int_equal(m.col[MS_cedula_escolar], 5);
    assert_int_equal(m.col[MS_gender], 6);
    assert_int_equal(m.col[MS_birth_date], 7);
    assert_int_equal(m.col[rep_j(1, MR_first_names)], 9);
    assert_int_equal(m.col[rep_j(1, MR_cedula)], 10);
    assert_int_equal(m.col[rep_j(1, MR_last_names)], 11);
    assert_int_equal(m.col[rep_j(2, MR_first_names)], -1);
    assert_int_equal(m.col[MS_email], 12);
    assert_int_equal(m.col[MS_phone], 13);
    s_free(&s);
}

static void test_missing_required_columns_named(void **state)
{
    (void)state;
    struct grid g;
    memset(&g, 0, sizeof g);
    g_set(&g, 0, 0, "Grado");
    g_set(&g, 0, 1, "Nombre");
    g_set(&g, 0, 2, "Apellido");
    g_set(&g, 0, 3, "Ciudad");
    g_set(&g, 1, 0, "1er Grado");
    struct sheet *s = g_sheet(&g);
    struct mat_mapping m;
    char err[512];
    assert_int_equal(matricula_map(s, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "Faltan las columnas obligatorias"));
    assert_non_null(strstr(err, "«Sección»"));
    assert_non_null(strstr(err, "«Cédula de identidad»"));
    assert_non_null(strstr(err, "«Género»"));
    assert_non_null(strstr(err, "«Fecha de nacimiento»"));
    assert_null(strstr(err, "«Grado»"));
    assert_null(strstr(err, "«Nombre»"));
    assert_null(strstr(err, "«Apellido»"));
    s_free(&s);

    /* only one missing: named, in the singular */
    struct grid g1;
    government_file(&g1, 122);
    g1.cell[2][MS_gender] = "Sexo del estudiante";
    s = g_sheet(&g1);
    assert_int_equal(matricula_map(s, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "Falta la columna obligatoria «Género»"));
    s_free(&s);

    /* no header within the first 10 rows */
    struct grid g2;
    memset(&g2, 0, sizeof g2);
    for (int r = 0; r < 10; r++)
        g_set(&g2, r, 0, "título");
    g_set(&g2, 10, 0, "Grado");
    g_set(&g2, 10, 1, "Nombre");
    s = g_sheet(&g2);
    assert_int_equal(matricula_map(s, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "No se encontró la fila de encabezados"));
    assert_non_null(strstr(err, "Fecha de nacimiento"));
    s_free(&s);
}

static void test_nth_representative_header_is_person_n(void **state)
{
    (void)state;
    static const char *const headers[] = {
        "Grado", "Sección", "Nombre", "Apellido", "Cédula de identidad",
        "Género", "Fecha de nacimiento",
        "Nombre de Representante", "Apellido de Representante",
        "Cédula de identidad de Representante",
        "Nombre de Representante", "Cédula de identidad de Representante",
        "Apellido de Representante", "Parentesco de Representante",
        "Nombre de Representante", "Apellido de Representante",
        "Cédula de identidad de Representante",
        "Nombre de Representante", /* a fourth: ignored */
    };
    static const char *const row[] = {
        "3er Grupo", "B", "Ana", "Ruiz", "21512345678", "F", "2021-01-10",
        "Luis", "Ruiz", "V-12345678",
        "Eva", "E-81234567", "Mora", "abuela",
        "José", "Ruiz", "15.555.666",
        "Nadie",
    };
    struct grid g;
    memset(&g, 0, sizeof g);
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
        g_set(&g, 0, (int)i, headers[i]);
        g_set(&g, 1, (int)i, row[i]);
    }
    struct sheet *s = g_sheet(&g);
    struct mat_mapping m;
    char err[512];
    assert_int_equal(matricula_map(s, &m, err, sizeof err), 0);
    assert_int_equal(m.unknown_cols, 1);
    assert_int_equal(m.col[rep_j(1, MR_first_names)], 7);
    assert_int_equal(m.col[rep_j(2, MR_first_names)], 10);
    assert_int_equal(m.col[rep_j(2, MR_last_names)], 12);
    assert_int_equal(m.col[rep_j(3, MR_cedula)], 16);

    struct mat_row r;
    struct mat_problems p = {0};
    assert_int_equal(matricula_row(s, &m, 1, &r, &p), 0);
    if (p.errors)
        dump_problems(&p);
    assert_false(r.rejected);
    assert_string_equal(r.grade_name, "3er Grupo");
    assert_string_equal(r.level, "inicial");
    assert_string_equal(r.rep[0][MR_first_names], "Luis");
    assert_string_equal(r.rep[1][MR_first_names], "Eva");
    assert_string_equal(r.rep[1][MR_last_names], "Mora");
    assert_string_equal(r.rep[1][MR_cedula], "E81234567");
    /* the first "Parentesco" is representative 1's, wherever it stands */
    assert_string_equal(r.rep[0][MR_relationship], "Abuela");
    assert_string_equal(r.rep[1][MR_relationship], "");
    assert_string_equal(r.rep[2][MR_cedula], "V15555666");
    assert_true(r.rep_present[0] && r.rep_present[1] && r.rep_present[2]);
    /* born 2021 but the cédula escolar says 15: a warning only */
    assert_int_equal(p.errors, 0);
    assert_int_equal(p.warnings, 1);
    assert_int_equal(p.v[0].col, 5);
    assert_true(p.v[0].warning);
    assert_string_equal(p.v[0].value, "21512345678");
    assert_non_null(strstr(p.v[0].message, "no coincide"));
    mat_row_free(&r);
    mat_problems_free(&p);
    s_free(&s);
}

/* ---- One value at a time -------------------------------------------- */

/* A sheet with the required columns and any others; the data row holds a
 * good student, with the (header, value) pairs given replacing or adding
 * to it. Row 2 of the sheet. */
struct one {
    struct sheet *s;
    struct mat_mapping m;
    struct mat_row r;
    struct mat_problems p;
};

static void one_row(struct one *o, const char *const *pairs)
{
    static const char *const base[] = {
        "Grado", "1er. Grado", "Sección", "A", "Nombre", "Ana",
        "Apellido", "Pérez", "Cédula de identidad", "V-30.111.222",
        "Género", "Femenino", "Fecha de nacimiento", "09/03/2015", NULL,
    };
    struct grid g;
    memset(&g, 0, sizeof g);
    int c = 0;
    for (int i = 0; base[i]; i += 2, c++) {
        g_set(&g, 0, c, base[i]);
        g_set(&g, 1, c, base[i + 1]);
    }
    for (int i = 0; pairs[i]; i += 2) {
        int at = -1;
        for (int k = 0; k < c && at < 0; k++)
            if (strcmp(g.cell[0][k], pairs[i]) == 0 &&
                strstr(pairs[i], "Representante") == NULL)
                at = k;
        if (at < 0) {
            at = c++;
            g_set(&g, 0, at, pairs[i]);
        }
        g_set(&g, 1, at, pairs[i + 1]);
    }
    memset(o, 0, sizeof *o);
    o->s = g_sheet(&g);
    char err[512];
    assert_int_equal(matricula_map(o->s, &o->m, err, sizeof err), 0);
    assert_int_equal(matricula_row(o->s, &o->m, 1, &o->r, &o->p), 0);
}

static void one_free(struct one *o)
{
    mat_row_free(&o->r);
    mat_problems_free(&o->p);
    s_free(&o->s);
}

/* The student's value of column j after reading `raw` under `header`:
 * accepted as `want`, no problem. */
static void student_ok(const char *header, int j, const char *raw,
                       const char *want)
{
    const char *pairs[] = {header, raw, NULL};
    struct one o;
    one_row(&o, pairs);
    if (o.p.n) {
        dump_problems(&o.p);
        fail_msg("%s \"%s\" not accepted", header, raw);
    }
    if (strcmp(o.r.student[j], want) != 0)
        fail_msg("%s \"%s\" gave \"%s\", want \"%s\"", header, raw,
                 o.r.student[j], want);
    one_free(&o);
}

/* Refused: the row rejected, one error naming the row, the column, the
 * value as written and a Spanish message holding `want_msg`. */
static void student_refused(const char *header, const char *raw,
                            const char *want_msg)
{
    const char *pairs[] = {header, raw, NULL};
    struct one o;
    one_row(&o, pairs);
    const struct mat_problem *pr = find_problem(&o.p, 2, header);
    if (pr == NULL || pr->warning || !o.r.rejected) {
        dump_problems(&o.p);
        fail_msg("%s \"%s\" not refused", header, raw);
    }
    assert_int_equal(o.p.errors, 1);
    /* the value as written (cut to the problem's room) */
    assert_int_equal(strncmp(pr->value, raw, sizeof pr->value - 1), 0);
    assert_string_equal(sheet_cell(o.s, 0, pr->col - 1), header);
    if (strstr(pr->message, want_msg) == NULL)
        fail_msg("%s \"%s\": \"%s\" lacks \"%s\"", header, raw, pr->message,
                 want_msg);
    one_free(&o);
}

static void test_grades_normalized(void **state)
{
    (void)state;
    static const struct {
        const char *in, *name, *level;
        int number;
    } t[] = {
        {"1er. Grado", "1er Grado", "primaria", 1},
        {"1ER. AÑO", "1er Año", "media_general", 1},
        {"1er año", "1er Año", "media_general", 1},
        {"3er Grupo", "3er Grupo", "inicial", 3},
        {"2do. grupo", "2do Grupo", "inicial", 2},
        {"6to año", "6to Año", "media_tecnica", 6},
        {"6to. Grado", "6to Grado", "primaria", 6},
        {"5to Año", "5to Año", "media_general", 5},
        {"4to Año Media Técnica", "4to Año", "media_tecnica", 4},
        {"Primer Grado", "1er Grado", "primaria", 1},
        {"2º año", "2do Año", "media_general", 2},
        {"  3ER   GRADO  ", "3er Grado", "primaria", 3},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        const char *pairs[] = {"Grado", t[i].in, NULL};
        struct one o;
        one_row(&o, pairs);
        if (o.p.n) {
            dump_problems(&o.p);
            fail_msg("grade \"%s\" refused", t[i].in);
        }
        assert_string_equal(o.r.grade_name, t[i].name);
        assert_string_equal(o.r.student[MS_grade], t[i].name);
        assert_string_equal(o.r.level, t[i].level);
        assert_int_equal(o.r.grade_number, t[i].number);
        one_free(&o);
    }
    student_refused("Grado", "4to Grupo", "Educación Inicial va del 1er al 3er");
    student_refused("Grado", "7mo Grado", "Primaria va del 1er al 6to");
    student_refused("Grado", "7mo Año", "1er al 5to Año");
    student_refused("Grado", "1er", "grado no es válido");
    student_refused("Grado", "Año", "grado no es válido");
    student_refused("Grado", "12 Grado", "grado no es válido");
    student_refused("Grado", "1er Grado B", "grado no es válido");
}

static void test_sections_normalized(void **state)
{
    (void)state;
    student_ok("Sección", MS_section, "a", "A");
    student_ok("Sección", MS_section, " B ", "B");
    student_ok("Sección", MS_section, "Única", "Única");
    student_ok("Sección", MS_section, "Unica", "Única");
    student_ok("Sección", MS_section, "U", "Única");
    student_ok("Sección", MS_section, "ÚNICA", "Única");
    student_ok("Sección", MS_section, "Sección C", "C");
    student_refused("Sección", "AB", "sección no es válida");
    student_refused("Sección", "1", "sección no es válida");
}

static void test_genders_yes_no_status_condition(void **state)
{
    (void)state;
    student_ok("Género", MS_gender, "Masculino", "V");
    student_ok("Género", MS_gender, "FEMENINO", "H");
    student_ok("Género", MS_gender, "M", "V");
    student_ok("Género", MS_gender, "f", "H");
    student_ok("Género", MS_gender, "V", "V");
    student_ok("Género", MS_gender, "H", "H");
    student_refused("Género", "X", "Masculino o Femenino");
    student_ok("¿Es cédula escolar?", MS_cedula_escolar, "No", "0");
    student_refused("¿Es cédula escolar?", "Quizás", "«Sí» o «No»");
    student_ok("Estatus", MS_status, "Activo", "activo");
    student_ok("Estatus", MS_status, "RETIRADO", "retirado");
    student_ok("Estatus", MS_status, "Graduado", "graduado");
    student_ok("Estatus", MS_status, "No inscrito", "no_inscrito");
    student_refused("Estatus", "Suspendido", "Activo, Retirado, Graduado");
    student_ok("Condición", MS_academic_condition, "Regular", "regular");
    student_ok("Condición", MS_academic_condition, "repitiente",
               "repitiente");
    student_ok("Condición", MS_academic_condition, "Arrastra Materias",
               "arrastra_materias");
    student_refused("Condición", "Becado", "Regular, Repitiente o Arrastra");
}

static void test_student_cedulas(void **state)
{
    (void)state;
    student_ok("Cédula de identidad", MS_cedula, "V-12.345.678", "V12345678");
    student_ok("Cédula de identidad", MS_cedula, "12345678", "V12345678");
    student_ok("Cédula de identidad", MS_cedula, "E-81234567", "E81234567");
    /* 10 digits, no flag: a cédula escolar (born 2015 like the base row) */
    student_ok("Cédula de identidad", MS_cedula, "1157424268", "1157424268");
    student_ok("Cédula de identidad", MS_cedula_escolar, "1157424268", "1");
    student_ok("Cédula de identidad", MS_cedula, "V-1157424268", "1157424268");
    student_refused("Cédula de identidad", "V-12A45678", "cédula no es válida");
    student_refused("Cédula de identidad", "12345", "de 6 a 9 dígitos");

    /* the flag decides */
    const char *escolar[] = {"Cédula de identidad", "1.15.7424268",
                             "¿Es cédula escolar?", "Sí", NULL};
    struct one o;
    one_row(&o, escolar);
    assert_int_equal(o.p.n, 0);
    assert_string_equal(o.r.student[MS_cedula], "1157424268");
    assert_string_equal(o.r.student[MS_cedula_escolar], "1");
    assert_string_equal(o.r.cedula_raw, "1.15.7424268");
    one_free(&o);

    const char *flag_no[] = {"Cédula de identidad", "1157424268",
                             "¿Es cédula escolar?", "No", NULL};
    one_row(&o, flag_no);
    assert_true(o.r.rejected);
    assert_int_equal(o.p.errors, 1);
    assert_non_null(strstr(o.p.v[0].message, "dice No"));
    one_free(&o);

    const char *flag_si[] = {"Cédula de identidad", "V-12345678",
                             "¿Es cédula escolar?", "Si", NULL};
    one_row(&o, flag_si);
    assert_true(o.r.rejected);
    assert_non_null(strstr(o.p.v[0].message, "cédula escolar no es válida"));
    one_free(&o);

    /* the year inside does not match the birth date: a warning */
    const char *year[] = {"Cédula de identidad", "1107424268",
                          "¿Es cédula escolar?", "Sí", NULL};
    one_row(&o, year);
    assert_false(o.r.rejected);
    assert_int_equal(o.p.errors, 0);
    assert_int_equal(o.p.warnings, 1);
    assert_true(o.p.v[0].warning);
    assert_int_equal(o.p.v[0].row, 2);
    assert_string_equal(o.p.v[0].column, "Cédula de identidad");
    assert_string_equal(o.p.v[0].value, "1107424268");
    assert_string_equal(o.r.student[MS_cedula], "1107424268");
    one_free(&o);
}

static void test_dates(void **state)
{
    (void)state;
    const char *h = "Fecha de nacimiento";
    student_ok(h, MS_birth_date, "2015-03-09", "2015-03-09"); /* date cell */
    student_ok(h, MS_birth_date, "2015-03-09 00:00:00", "2015-03-09");
    student_ok(h, MS_birth_date, "09/03/2015", "2015-03-09");
    student_ok(h, MS_birth_date, "9/3/2015", "2015-03-09");
    student_ok(h, MS_birth_date, "09-03-2015", "2015-03-09");
    student_ok(h, MS_birth_date, "42072", "2015-03-09"); /* Excel serial */
    student_refused(h, "60", "29/02/1900");
    student_refused(h, "31/02/2015", "no existe");
    student_refused(h, "marzo 2015", "dd/mm/aaaa");
    student_refused(h, "01/01/2090", "posterior a hoy");
}

static void test_phones_emails_blood(void **state)
{
    (void)state;
    const char *h = "Teléfono celular";
    student_ok(h, MS_phone, "(0414) 123-4567", "0414-1234567");
    student_ok(h, MS_phone, "0414-1234567", "0414-1234567");
    student_ok(h, MS_phone, "04141234567", "0414-1234567");
    student_ok(h, MS_phone, "+58 414 1234567", "0414-1234567");
    student_ok(h, MS_phone, "4141234567", "0414-1234567"); /* number cell */
    student_refused(h, "0414-12345", "teléfono no es válido");
    student_refused(h, "0800-1234567", "teléfono no es válido");
    student_ok("Correo electrónico", MS_email, " Ana.Perez@Gmail.COM ",
               "ana.perez@gmail.com");
    student_refused("Correo electrónico", "ana@perez", "correo electrónico");
    const char *b = "Grupo sanguíneo";
    student_ok(b, MS_blood_type, "O+", "O+");
    student_ok(b, MS_blood_type, "a-", "A-");
    student_ok(b, MS_blood_type, "AB+", "AB+");
    student_ok(b, MS_blood_type, "O RH+", "O+");
    student_ok(b, MS_blood_type, "o Rh -", "O-");
    student_ok(b, MS_blood_type, "0+", "O+");
    student_ok(b, MS_blood_type, "B positivo", "B+");
    student_refused(b, "C+", "grupo sanguíneo no es válido");
    student_refused(b, "AB", "grupo sanguíneo no es válido");
}

static void test_text_names_and_age(void **state)
{
    (void)state;
    student_ok("Dirección", MS_address, "  Calle 5,\n casa   12  ",
               "Calle 5, casa 12");
    student_ok("Nombre", MS_first_names, "Ana\u00a0 María", "Ana María");
    student_ok("Dirección", MS_address, "-", "");
    student_refused("Dirección", "Calle\x01 5", "caracteres de control");
    student_refused("Nombre", "12345", "debe tener letras");
    char name[120];
    memset(name, 'a', 101);
    name[101] = '\0';
    student_refused("Nombre", name, "100 caracteres");
    char text[220];
    memset(text, 'b', 201);
    text[201] = '\0';
    student_refused("Alergias", text, "200 caracteres");
    memset(text, 'b', 200);
    text[200] = '\0';
    student_ok("Alergias", MS_allergies, text, text);
    /* Edad is computed, never read */
    student_ok("Edad", MS_age, "cuarenta", "");
    student_ok("Condición de pago", MS_payment_condition, " Beca  parcial",
               "Beca parcial");
}

/* A representative's value under `header` (the first block). */
static void rep_value(const char *header, const char *raw, int field,
                      const char *want, bool want_warning)
{
    const char *pairs[] = {"Nombre de Representante", "Carmen",
                           "Apellido de Representante", "Pérez",
                           "Cédula de identidad de Representante", "V-9876543",
                           header, raw, NULL};
    struct one o;
    one_row(&o, pairs);
    if (o.p.errors) {
        dump_problems(&o.p);
        fail_msg("%s \"%s\" refused", header, raw);
    }
    assert_int_equal(o.p.warnings, want_warning ? 1 : 0);
    if (strcmp(o.r.rep[0][field], want) != 0)
        fail_msg("%s \"%s\" gave \"%s\", want \"%s\"", header, raw,
                 o.r.rep[0][field], want);
    one_free(&o);
}

static void test_representative_values(void **state)
{
    (void)state;
    const char *inc = "Ingreso mensual de Representante";
    rep_value(inc, "1.234,50", MR_monthly_income, "1234.50", false);
    rep_value(inc, "1500", MR_monthly_income, "1500.00", false);
    rep_value(inc, "2.500", MR_monthly_income, "2500.00", false);
    rep_value(inc, "1500.5", MR_monthly_income, "1500.50", false);
    rep_value(inc, "1.234.567,8", MR_monthly_income, "1234567.80", false);
    rep_value(inc, "Bs. 300,00", MR_monthly_income, "300.00", false);
    const char *mar = "Estado civil de Representante";
    rep_value(mar, "Casado/a", MR_marital_status, "Casado/a", false);
    rep_value(mar, "casada", MR_marital_status, "Casado/a", false);
    rep_value(mar, "SOLTERO", MR_marital_status, "Soltero/a", false);
    rep_value(mar, "Viuda", MR_marital_status, "Viudo/a", false);
    rep_value(mar, "Divorciado(a)", MR_marital_status, "Divorciado/a", false);
    rep_value(mar, "Comprometida", MR_marital_status, "Comprometida", true);
    const char *rel = "Parentesco de Representante";
    rep_value(rel, "MADRE", MR_relationship, "Madre", false);
    rep_value(rel, "tio", MR_relationship, "Tío", false);
    rep_value(rel, "tutor legal", MR_relationship, "Tutor Legal", false);
    rep_value(rel, "  Madre   de crianza ", MR_relationship, "Madre de crianza",
              false);
    rep_value("Género de Representante", "Masculino", MR_gender, "V", false);
    rep_value("Grupo sanguíneo de Representante", "AB RH-", MR_blood_type,
              "AB-", false);
    rep_value("Fecha de nacimiento de Representante", "28/02/1980",
              MR_birth_date, "1980-02-28", false);
    rep_value("Teléfono de domicilio de Representante", "0212 555 1234",
              MR_home_phone, "0212-5551234", false);

    const char *bad_income[] = {"Nombre de Representante", "Carmen",
                                "Apellido de Representante", "Pérez",
                                "Cédula de identidad de Representante",
                                "V-9876543", inc, "mil bolívares", NULL};
    struct one o;
    one_row(&o, bad_income);
    assert_true(o.r.rejected);
    const struct mat_problem *pr = find_problem(&o.p, 2, inc);
    assert_non_null(pr);
    assert_string_equal(pr->value, "mil bolívares");
    assert_non_null(strstr(pr->message, "ingreso mensual no es válido"));
    one_free(&o);
}

static void test_representative_blocks_whole_or_absent(void **state)
{
    (void)state;
    struct one o;
    /* a cédula without names */
    const char *no_names[] = {"Nombre de Representante", "",
                              "Apellido de Representante", "",
                              "Cédula de identidad de Representante",
                              "V-9876543", NULL};
    one_row(&o, no_names);
    assert_true(o.r.rejected);
    assert_true(o.r.rep_present[0]);
    assert_int_equal(o.p.errors, 2);
    assert_non_null(find_problem(&o.p, 2, "Nombre de Representante"));
    assert_non_null(strstr(find_problem(&o.p, 2, "Apellido de Representante")
                               ->message,
                           "Falta el apellido del representante 1"));
    one_free(&o);

    /* names without a cédula */
    const char *no_cedula[] = {"Nombre de Representante", "Carmen",
                               "Apellido de Representante", "Pérez",
                               "Cédula de identidad de Representante", " ",
                               NULL};
    one_row(&o, no_cedula);
    assert_true(o.r.rejected);
    assert_int_equal(o.p.errors, 1);
    assert_non_null(strstr(o.p.v[0].message,
                           "Falta la cédula del representante 1"));
    assert_string_equal(o.p.v[0].column,
                        "Cédula de identidad de Representante");
    one_free(&o);

    /* a fully empty block is absent; other data alone is ignored, said */
    const char *phone_only[] = {"Teléfono celular de Representante",
                                "0414-1234567", NULL};
    one_row(&o, phone_only);
    assert_false(o.r.rejected);
    assert_false(o.r.rep_present[0]);
    assert_int_equal(o.p.warnings, 1);
    assert_string_equal(o.r.rep[0][MR_mobile_phone], "");
    one_free(&o);

    /* the same person twice in one row */
    const char *twice[] = {"Nombre de Representante", "Carmen",
                           "Apellido de Representante", "Pérez",
                           "Cédula de identidad de Representante", "9876543",
                           "Nombre de Representante", "Carmen",
                           "Apellido de Representante", "Pérez",
                           "Cédula de identidad de Representante", "V-9.876.543",
                           NULL};
    one_row(&o, twice);
    assert_true(o.r.rejected);
    assert_int_equal(o.p.errors, 1);
    assert_non_null(strstr(o.p.v[0].message, "misma cédula"));
    one_free(&o);

    /* an authorized person needs names; the cédula may be missing */
    const char *auth[] = {"Nombre (Representante autorizado)", "Luis",
                          "Apellido (Representante autorizado)", "Gómez",
                          NULL};
    one_row(&o, auth);
    assert_false(o.r.rejected);
    assert_true(o.r.auth_present[0]);
    assert_string_equal(o.r.auth[0][MA_cedula], "");
    one_free(&o);
    const char *auth_bad[] = {"Nombre (Representante autorizado)", "",
                              "Apellido (Representante autorizado)", "",
                              "Cédula (Representante autorizado)",
                              "V-5555555", NULL};
    one_row(&o, auth_bad);
    assert_true(o.r.rejected);
    assert_int_equal(o.p.errors, 2);
    assert_non_null(strstr(o.p.v[0].message,
                           "de la persona autorizada 1"));
    one_free(&o);
    /* a file without the last-name column: the name is enough */
    const char *no_last_col[] = {"Nombre de Representante", "Carmen",
                                 "Cédula de identidad de Representante",
                                 "V-9876543", NULL};
    one_row(&o, no_last_col);
    assert_false(o.r.rejected);
    assert_true(o.r.rep_present[0]);
    assert_string_equal(o.r.rep[0][MR_last_names], "");
    one_free(&o);
}

static void test_missing_values_and_blank_rows(void **state)
{
    (void)state;
    struct grid g;
    government_file(&g, 130);
    g.cell[3][MS_gender] = " ";
    g.cell[3][MS_first_names] = NULL;
    /* a row of spaces, and an empty one */
    for (int c = 0; c < 130; c += 7)
        g_set(&g, 4, c, "  ");
    g_set(&g, 6, MS_grade, "2do Grado");
    struct sheet *s = g_sheet(&g);
    struct mat_mapping m;
    char err[512];
    assert_int_equal(matricula_map(s, &m, err, sizeof err), 0);
    struct mat_row r;
    struct mat_problems p = {0};
    assert_int_equal(matricula_row(s, &m, 3, &r, &p), 0);
    assert_true(r.rejected);
    assert_int_equal(p.errors, 2);
    const struct mat_problem *pr = find_problem(&p, 4, "Género");
    assert_non_null(pr);
    assert_int_equal(pr->col, MS_gender + 1);
    assert_string_equal(pr->message, "Falta el género del estudiante.");
    assert_non_null(find_problem(&p, 4, "Nombre"));
    mat_row_free(&r);

    for (int row = 4; row <= 5; row++) {
        assert_int_equal(matricula_row(s, &m, row, &r, &p), 0);
        assert_true(r.blank);
        assert_false(r.rejected);
        assert_int_equal(r.sheet_row, row + 1);
        mat_row_free(&r);
    }
    assert_int_equal(p.n, 2);

    /* a row with only a grade: every other required value missing */
    assert_int_equal(matricula_row(s, &m, 6, &r, &p), 0);
    assert_true(r.rejected);
    assert_int_equal(p.errors, 2 + 6);
    /* a row's problems come in the order of its columns */
    for (size_t i = 3; i < p.n; i++)
        assert_true(p.v[i - 1].col <= p.v[i].col);
    assert_int_equal(p.v[2].col, MS_section + 1);
    mat_row_free(&r);
    mat_problems_free(&p);
    s_free(&s);
}

static void test_labels(void **state)
{
    (void)state;
    assert_string_equal(mat_gender_label("V"), "Masculino");
    assert_string_equal(mat_gender_label("H"), "Femenino");
    assert_string_equal(mat_status_label("activo"), "Activo");
    assert_string_equal(mat_status_label("no_inscrito"), "No inscrito");
    assert_string_equal(mat_condition_label("arrastra_materias"),
                        "Arrastra materias");
    assert_string_equal(mat_level_label("media_general"), "Media General");
    assert_string_equal(mat_level_label("inicial"), "Educación Inicial");
    assert_string_equal(mat_yesno_label("1"), "Sí");
    assert_string_equal(mat_status_label("otro"), "otro");
    assert_string_equal(mat_gender_label(NULL), "");
    /* the table: 130 columns, the Nth block is person N */
    assert_int_equal(MAT_COLUMNS, 130);
    assert_string_equal(mat_columns[0].header, "Grado");
    assert_string_equal(mat_columns[60].header, "Nombre de Representante");
    assert_int_equal(mat_columns[60].person, 2);
    assert_int_equal(mat_columns[60].block, 1);
    assert_string_equal(mat_columns[129].header,
                        "Teléfono (Representante autorizado)");
    assert_int_equal(mat_columns[129].person, 2);
    assert_int_equal(mat_columns[129].index, MA_phone);
    assert_int_equal(mat_columns[MS_cedula].kind, MK_CEDULA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_130_layout_maps_every_column),
        cmocka_unit_test(test_122_layout_with_reordered_student_block),
        cmocka_unit_test(test_mangled_header_still_maps),
        cmocka_unit_test(test_missing_required_columns_named),
        cmocka_unit_test(test_nth_representative_header_is_person_n),
        cmocka_unit_test(test_grades_normalized),
        cmocka_unit_test(test_sections_normalized),
        cmocka_unit_test(test_genders_yes_no_status_condition),
        cmocka_unit_test(test_student_cedulas),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_phones_emails_blood),
        cmocka_unit_test(test_text_names_and_age),
        cmocka_unit_test(test_representative_values),
        cmocka_unit_test(test_representative_blocks_whole_or_absent),
        cmocka_unit_test(test_missing_values_and_blank_rows),
        cmocka_unit_test(test_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
