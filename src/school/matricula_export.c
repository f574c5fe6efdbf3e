/*
 * The school's Matrícula as .xlsx, in the 130-column government layout of
 * matricula_columns.def: title rows 1-2 (the school's name; "Matrícula
 * <year> — generada el <date>"), the headers on row 3, then one row per
 * student of the year (exports.h says which), ordered by grade, section
 * and name.
 *
 * The values are written so that importing the file into an empty school
 * gives back every record: the cédula as the school's file had it
 * (cedula_raw, else the normalized one), "Sí"/"No" for the cédula escolar
 * flag, dates as real date cells (dd/mm/yyyy), the Spanish labels of
 * gender, status and condition, incomes as numbers, the grade's canonical
 * name ("1er Año") and the section's letter; Edad is computed for today.
 *
 * Three queries read one snapshot with the same FROM and ORDER BY: the
 * students, their representatives (by position) and their authorized
 * persons. The rows come out in the same order, so the three streams are
 * merged student by student and each sheet row is written and forgotten
 * (libxlsxwriter's constant_memory mode).
 *
 * Store columns are found by name in each result (SELECT s.*, r.*): the
 * .def's field names are the store's column names, except grade, section
 * and age (computed) and relationship (of student_representatives).
 */
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "core/tz.h"
#include "core/util.h"
#include "school/exports.h"
#include "school/matricula.h"

/* The layout, from the .def (kept here so the export does not depend on
 * the mapper's tables). */
struct xcol {
    const char *header;
    enum mat_kind kind;
    const char *field;
};
static const struct xcol student_cols[MS_COUNT] = {
#define STUDENT_COL(f, h, k) {h, MK_##k, #f},
#define REP_COL(f, h, k)
#define AUTH_COL(f, h, k)
#include "school/matricula_columns.def"
#undef STUDENT_COL
#undef REP_COL
#undef AUTH_COL
};
static const struct xcol rep_cols[MR_COUNT] = {
#define STUDENT_COL(f, h, k)
#define REP_COL(f, h, k) {h, MK_##k, #f},
#define AUTH_COL(f, h, k)
#include "school/matricula_columns.def"
#undef STUDENT_COL
#undef REP_COL
#undef AUTH_COL
};
static const struct xcol auth_cols[MA_COUNT] = {
#define STUDENT_COL(f, h, k)
#define REP_COL(f, h, k)
#define AUTH_COL(f, h, k) {h, MK_##k, #f},
#include "school/matricula_columns.def"
#undef STUDENT_COL
#undef REP_COL
#undef AUTH_COL
};

/* The students of year ? (bound twice): their section is the year's
 * section that is their current one, else their last enrolment's. */
#define MX_FROM                                                              \
    " FROM students s"                                                       \
    " JOIN sections sec ON sec.id = COALESCE("                               \
    "  (SELECT x.id FROM sections x WHERE x.id = s.section_id"              \
    "    AND x.year_id = ?),"                                                \
    "  (SELECT e.section_id FROM enrolments e"                               \
    "    JOIN sections y ON y.id = e.section_id"                             \
    "    WHERE e.student_id = s.id AND y.year_id = ?"                        \
    "    ORDER BY e.starts_on DESC, e.id DESC LIMIT 1))"                     \
    " JOIN grades g ON g.id = sec.grade_id"
#define MX_ORDER                                                             \
    " ORDER BY CASE g.level WHEN 'inicial' THEN 1 WHEN 'primaria' THEN 2"    \
    " WHEN 'media_general' THEN 3 ELSE 4 END, g.number, sec.letter,"         \
    " s.last_names, s.first_names, s.id"

static const char *const SQL_STUDENTS =
    "SELECT s.*, g.name AS mx_grade, sec.letter AS mx_section" MX_FROM
        MX_ORDER;
static const char *const SQL_REPS =
    "SELECT s.id AS mx_student, sr.position AS mx_position,"
    " sr.relationship, r.*" MX_FROM
    " JOIN student_representatives sr ON sr.student_id = s.id"
    " JOIN representatives r ON r.id = sr.representative_id" MX_ORDER
    ", sr.position";
static const char *const SQL_AUTHS =
    "SELECT s.id AS mx_student, a.position AS mx_position, a.first_names,"
    " a.last_names, a.cedula, a.cedula_raw, a.phone" MX_FROM
    " JOIN authorized_pickups a ON a.student_id = s.id" MX_ORDER
    ", a.position";

/* ---- labels ------------------------------------------------------------ */

static const char *label(const char *v, const char *const (*pairs)[2])
{
    for (int i = 0; pairs[i][0]; i++)
        if (strcmp(v, pairs[i][0]) == 0)
            return pairs[i][1];
    return v;
}
static const char *const GENDERS[][2] = {
    {"V", "Masculino"}, {"H", "Femenino"}, {NULL, NULL}};
static const char *const STATUSES[][2] = {{"activo", "Activo"},
                                          {"retirado", "Retirado"},
                                          {"graduado", "Graduado"},
                                          {"no_inscrito", "No inscrito"},
                                          {NULL, NULL}};
static const char *const CONDITIONS[][2] = {
    {"regular", "Regular"},
    {"repitiente", "Repitiente"},
    {"arrastra_materias", "Arrastra materias"},
    {NULL, NULL}};

/* ---- cells ------------------------------------------------------------- */

struct mx {
    lxw_worksheet *ws;
    lxw_format *date_fmt, *head_fmt, *title_fmt;
    int today_y, today_m, today_d;
};

/* Column indexes of a result, by the layout's field names. */
struct colmap {
    int field[(int)MS_COUNT > (int)MR_COUNT ? (int)MS_COUNT : (int)MR_COUNT];
    int raw;      /* cedula_raw */
    int extra[4]; /* per query: grade, section, id, birth date ... */
};

static int column_of(struct db_stmt *st, const char *name)
{
    int n = db_column_count(st);
    for (int i = 0; i < n; i++) {
        const char *c = db_column_name(st, i);
        if (c && strcmp(c, name) == 0)
            return i;
    }
    return -1;
}

static void map_columns(struct db_stmt *st, const struct xcol *cols, int n,
                        struct colmap *m)
{
    for (int i = 0; i < n; i++)
        m->field[i] = column_of(st, cols[i].field);
    m->raw = column_of(st, "cedula_raw");
}

/* Every column of the layout must come from the store (the schema and
 * the .def agree): a missing one is a defect, not an empty column. */
static int check_columns(const struct xcol *cols, int n,
                         const struct colmap *m, const char **error_r)
{
    for (int i = 0; i < n; i++) {
        enum mat_kind k = cols[i].kind;
        if (m->field[i] < 0 && k != MK_GRADE && k != MK_SECTION &&
            k != MK_AGE) {
            *error_r = "a Matrícula column has no store column (the schema "
                       "and matricula_columns.def disagree)";
            return EXPORT_WRITE_ERROR;
        }
    }
    return EXPORT_OK;
}

static const char *value_of(struct db_stmt *st, int col)
{
    return col < 0 ? "" : db_text(st, col);
}

static void put_text(struct mx *x, int row, int col, const char *v)
{
    if (v && *v)
        worksheet_write_string(x->ws, (lxw_row_t)row, (lxw_col_t)col, v,
                               NULL);
}

static void put_date(struct mx *x, int row, int col, const char *v)
{
    int y, m, d;
    if (tz_parse_date(v, &y, &m, &d) == 0) {
        lxw_datetime dt = {y, m, d, 0, 0, 0};
        worksheet_write_datetime(x->ws, (lxw_row_t)row, (lxw_col_t)col, &dt,
                                 x->date_fmt);
    } else {
        put_text(x, row, col, v);
    }
}

static void put_number_or_text(struct mx *x, int row, int col, const char *v)
{
    if (!v || !*v)
        return;
    char *end;
    double d = strtod(v, &end);
    if (*end == '\0' && end != v)
        worksheet_write_number(x->ws, (lxw_row_t)row, (lxw_col_t)col, d,
                               NULL);
    else
        put_text(x, row, col, v);
}

static void put_age(struct mx *x, int row, int col, const char *birth)
{
    int y, m, d;
    if (tz_parse_date(birth, &y, &m, &d) < 0)
        return;
    int age = x->today_y - y;
    if (x->today_m < m || (x->today_m == m && x->today_d < d))
        age--;
    if (age >= 0)
        worksheet_write_number(x->ws, (lxw_row_t)row, (lxw_col_t)col, age,
                               NULL);
}

/* One cell of column kind `kind` from the current row of `st`. */
static void put_value(struct mx *x, int row, int col, enum mat_kind kind,
                      struct db_stmt *st, int field_col, int raw_col)
{
    const char *v = value_of(st, field_col);
    switch (kind) {
    case MK_CEDULA: {
        const char *raw = value_of(st, raw_col);
        put_text(x, row, col, *raw ? raw : v);
        break;
    }
    case MK_YESNO:
        if (*v)
            put_text(x, row, col, strcmp(v, "1") == 0 ? "Sí" : "No");
        break;
    case MK_DATE:
        put_date(x, row, col, v);
        break;
    case MK_GENDER:
        put_text(x, row, col, label(v, GENDERS));
        break;
    case MK_STATUS:
        put_text(x, row, col, label(v, STATUSES));
        break;
    case MK_CONDITION:
        put_text(x, row, col, label(v, CONDITIONS));
        break;
    case MK_INCOME:
        put_number_or_text(x, row, col, v);
        break;
    default:
        put_text(x, row, col, v);
        break;
    }
}

/* ---- the sheet --------------------------------------------------------- */

static void write_head(struct mx *x, const struct export_context *ctx)
{
    char date[11], title[160];
    export_date_display(ctx->today, date);
    if (ctx->year_name[0])
        snprintf(title, sizeof title, "Matrícula %s — generada el %s",
                 ctx->year_name, date);
    else
        snprintf(title, sizeof title, "Matrícula — generada el %s", date);
    worksheet_write_string(x->ws, 0, 0, ctx->school_name, x->title_fmt);
    worksheet_write_string(x->ws, 1, 0, title, NULL);
    int c = 0;
    for (int i = 0; i < MS_COUNT; i++)
        worksheet_write_string(x->ws, 2, (lxw_col_t)c++,
                               student_cols[i].header, x->head_fmt);
    for (int p = 0; p < MAT_REPS; p++)
        for (int i = 0; i < MR_COUNT; i++)
            worksheet_write_string(x->ws, 2, (lxw_col_t)c++,
                                   rep_cols[i].header, x->head_fmt);
    for (int p = 0; p < MAT_AUTHS; p++)
        for (int i = 0; i < MA_COUNT; i++)
            worksheet_write_string(x->ws, 2, (lxw_col_t)c++,
                                   auth_cols[i].header, x->head_fmt);
}

/* Writes the rows; the three statements are open on one snapshot. */
static int write_rows(struct mx *x, struct db_stmt *sst, struct db_stmt *rst,
                      struct db_stmt *ast, const char **error_r)
{
    struct colmap sm, rm, am;
    int rrc = db_step(rst, error_r), arc = db_step(ast, error_r);
    int src = db_step(sst, error_r);
    if (rrc < 0 || arc < 0 || src < 0)
        return EXPORT_STORE_ERROR;
    map_columns(sst, student_cols, MS_COUNT, &sm);
    sm.extra[0] = column_of(sst, "mx_grade");
    sm.extra[1] = column_of(sst, "mx_section");
    sm.extra[2] = column_of(sst, "id");
    sm.extra[3] = column_of(sst, "birth_date");
    map_columns(rst, rep_cols, MR_COUNT, &rm);
    rm.extra[0] = column_of(rst, "mx_student");
    rm.extra[1] = column_of(rst, "mx_position");
    map_columns(ast, auth_cols, MA_COUNT, &am);
    am.extra[0] = column_of(ast, "mx_student");
    am.extra[1] = column_of(ast, "mx_position");
    if (check_columns(student_cols, MS_COUNT, &sm, error_r) < 0 ||
        check_columns(rep_cols, MR_COUNT, &rm, error_r) < 0 ||
        check_columns(auth_cols, MA_COUNT, &am, error_r) < 0)
        return EXPORT_WRITE_ERROR;

    int row = 3;
    for (; src == DB_ROW; src = db_step(sst, error_r), row++) {
        int64_t id = db_int(sst, sm.extra[2]);
        for (int i = 0; i < MS_COUNT; i++) {
            enum mat_kind k = student_cols[i].kind;
            if (k == MK_GRADE)
                put_text(x, row, i, value_of(sst, sm.extra[0]));
            else if (k == MK_SECTION)
                put_text(x, row, i, value_of(sst, sm.extra[1]));
            else if (k == MK_AGE)
                put_age(x, row, i, value_of(sst, sm.extra[3]));
            else
                put_value(x, row, i, k, sst, sm.field[i], sm.raw);
        }
        for (; rrc == DB_ROW && db_int(rst, rm.extra[0]) == id;
             rrc = db_step(rst, error_r)) {
            int pos = (int)db_int(rst, rm.extra[1]);
            if (pos < 1 || pos > MAT_REPS)
                continue;
            int base = MS_COUNT + (pos - 1) * MR_COUNT;
            for (int i = 0; i < MR_COUNT; i++)
                put_value(x, row, base + i, rep_cols[i].kind, rst,
                          rm.field[i], rm.raw);
        }
        for (; arc == DB_ROW && db_int(ast, am.extra[0]) == id;
             arc = db_step(ast, error_r)) {
            int pos = (int)db_int(ast, am.extra[1]);
            if (pos < 1 || pos > MAT_AUTHS)
                continue;
            int base = MS_COUNT + MAT_REPS * MR_COUNT + (pos - 1) * MA_COUNT;
            for (int i = 0; i < MA_COUNT; i++)
                put_value(x, row, base + i, auth_cols[i].kind, ast,
                          am.field[i], am.raw);
        }
        if (rrc < 0 || arc < 0)
            return EXPORT_STORE_ERROR;
    }
    return src < 0 ? EXPORT_STORE_ERROR : EXPORT_OK;
}

int matricula_export_xlsx(struct store *s, const char *default_name,
                          int64_t year_id, struct export_file *out_r,
                          const char **error_r)
{
    memset(out_r, 0, sizeof *out_r);
    if (store_begin_snapshot(s, error_r) < 0)
        return EXPORT_STORE_ERROR;
    struct export_context ctx;
    int rc = export_context_load(s, default_name, year_id, &ctx, error_r);
    struct export_xlsx xf = {0};
    struct db_stmt *sst = NULL, *rst = NULL, *ast = NULL;
    if (rc < 0)
        goto out;
    rc = export_xlsx_open(&xf, 1, error_r);
    if (rc < 0)
        goto out;

    struct mx x = {0};
    tz_parse_date(ctx.today, &x.today_y, &x.today_m, &x.today_d);
    x.ws = workbook_add_worksheet(xf.wb, "Matrícula");
    x.date_fmt = workbook_add_format(xf.wb);
    format_set_num_format(x.date_fmt, "dd/mm/yyyy");
    x.head_fmt = workbook_add_format(xf.wb);
    format_set_bold(x.head_fmt);
    x.title_fmt = workbook_add_format(xf.wb);
    format_set_bold(x.title_fmt);
    format_set_font_size(x.title_fmt, 14);
    worksheet_set_column(x.ws, 0, MAT_COLUMNS - 1, 18, NULL);
    worksheet_freeze_panes(x.ws, 3, 0);
    write_head(&x, &ctx);

    sst = db_query(s->conn, error_r, SQL_STUDENTS, "ii", ctx.year_id,
                   ctx.year_id);
    rst = db_query(s->conn, error_r, SQL_REPS, "ii", ctx.year_id,
                   ctx.year_id);
    ast = db_query(s->conn, error_r, SQL_AUTHS, "ii", ctx.year_id,
                   ctx.year_id);
    rc = sst && rst && ast ? write_rows(&x, sst, rst, ast, error_r)
                           : EXPORT_STORE_ERROR;
    db_finish(&sst);
    db_finish(&rst);
    db_finish(&ast);
    if (rc == EXPORT_OK) {
        rc = export_xlsx_close(&xf, out_r, error_r);
        str_copy(out_r->today, sizeof out_r->today, ctx.today);
    }
out:
    if (xf.wb)
        export_xlsx_discard(&xf);
    const char *end_err = NULL;
    store_end(s, true, &end_err); /* a read: nothing to commit */
    return rc;
}
