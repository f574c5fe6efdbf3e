/*
 * Enrolment statistics (estadística de matrícula): for each section of a
 * school year, how many boys (V, varones) and girls (H, hembras) it has,
 * with totals per grade and for the school, the way government reports
 * count them. Who counts is said in exports.h.
 *
 * enrolment_stats_load() reads the counts (one grouped query on one
 * snapshot); the two writers lay the same table out as an .xlsx
 * (libxlsxwriter: title rows 1-2, headers on row 3 like the Matrícula) and
 * as a printable A4 PDF (cairo's PDF surface, text set by pango in DejaVu
 * Sans): the school's name and codes, the year and the date on top, the
 * table with a grade subtotal after each grade's sections and the school's
 * total last, repeated table headers and "Página N de M" on every page.
 * The school's branding shows on the first page: its logo at the top
 * right, its name and a rule under the heading in its primary colour.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "core/util.h"
#include "school/branding.h"
#include "school/export_pdf.h"
#include "school/exports.h"

static const char *const SQL_STATS =
    "SELECT g.name, g.level, g.number, sec.letter,"
    " COALESCE(SUM(CASE WHEN m.gender = 'V' THEN 1 ELSE 0 END), 0),"
    " COALESCE(SUM(CASE WHEN m.gender = 'H' THEN 1 ELSE 0 END), 0)"
    " FROM sections sec JOIN grades g ON g.id = sec.grade_id"
    " LEFT JOIN ("
    "  SELECT st.section_id AS section_id, st.gender AS gender"
    "   FROM students st"
    "   WHERE st.status = 'activo' AND st.section_id IS NOT NULL"
    "  UNION ALL"
    "  SELECT e.section_id AS section_id, st.gender AS gender"
    "   FROM enrolments e JOIN students st ON st.id = e.student_id"
    "   WHERE e.end_reason IN ('promocion', 'graduacion')"
    " ) m ON m.section_id = sec.id"
    " WHERE sec.year_id = ?"
    " GROUP BY sec.id, g.name, g.level, g.number, sec.letter"
    " ORDER BY CASE g.level WHEN 'inicial' THEN 1 WHEN 'primaria' THEN 2"
    " WHEN 'media_general' THEN 3 ELSE 4 END, g.number, sec.letter";

int enrolment_stats_load(struct store *s, const char *default_name,
                         int64_t year_id, struct enrolment_stats *st_r,
                         const char **error_r)
{
    memset(st_r, 0, sizeof *st_r);
    if (store_begin_snapshot(s, error_r) < 0)
        return EXPORT_STORE_ERROR;
    int rc = export_context_load(s, default_name, year_id, &st_r->ctx,
                                 error_r);
    if (rc < 0)
        goto out;
    struct db_stmt *st =
        db_query(s->conn, error_r, SQL_STATS, "i", st_r->ctx.year_id);
    if (st == NULL) {
        rc = EXPORT_STORE_ERROR;
        goto out;
    }
    size_t cap = 0;
    int step;
    while ((step = db_step(st, error_r)) == DB_ROW) {
        if (st_r->n == cap) {
            cap = cap ? cap * 2 : 32;
            st_r->v = xrealloc(st_r->v, cap * sizeof *st_r->v);
        }
        struct enrolment_section *e = &st_r->v[st_r->n++];
        str_copy(e->grade, sizeof e->grade, db_text(st, 0));
        str_copy(e->level, sizeof e->level, db_text(st, 1));
        e->number = (int)db_int(st, 2);
        str_copy(e->letter, sizeof e->letter, db_text(st, 3));
        e->boys = (int)db_int(st, 4);
        e->girls = (int)db_int(st, 5);
        st_r->boys += e->boys;
        st_r->girls += e->girls;
    }
    db_finish(&st);
    if (step < 0)
        rc = EXPORT_STORE_ERROR;
    /* branding: the logo and the primary colour, from the same snapshot */
    struct branding b;
    char etag[33];
    if (rc >= 0 && (branding_get(s, &b, error_r) < 0 ||
                    branding_logo(s, &st_r->logo, &st_r->logo_len, etag,
                                  error_r) < 0))
        rc = EXPORT_STORE_ERROR;
    if (rc >= 0)
        str_copy(st_r->primary, sizeof st_r->primary, b.primary);
out:;
    const char *end_err = NULL;
    store_end(s, true, &end_err); /* a read: nothing to commit */
    if (rc < 0)
        enrolment_stats_free(st_r);
    return rc;
}

void enrolment_stats_free(struct enrolment_stats *st)
{
    free(st->v);
    st->v = NULL;
    st->n = 0;
    free(st->logo);
    st->logo = NULL;
    st->logo_len = 0;
}

/* The table as lines: each section, a subtotal after each grade's last
 * section, the school's total last. */
enum line_kind { LINE_SECTION, LINE_GRADE_TOTAL, LINE_TOTAL };
struct line {
    enum line_kind kind;
    const char *grade, *letter; /* borrowed from the stats */
    int boys, girls;
};

static size_t table_lines(const struct enrolment_stats *st,
                          struct line **lines_r)
{
    struct line *l = xcalloc(st->n * 2 + 1, sizeof *l);
    size_t n = 0;
    int gb = 0, gg = 0;
    for (size_t i = 0; i < st->n; i++) {
        const struct enrolment_section *e = &st->v[i];
        l[n++] = (struct line){LINE_SECTION, e->grade, e->letter, e->boys,
                               e->girls};
        gb += e->boys;
        gg += e->girls;
        if (i + 1 == st->n || strcmp(st->v[i + 1].level, e->level) != 0 ||
            st->v[i + 1].number != e->number) {
            l[n++] = (struct line){LINE_GRADE_TOTAL, e->grade, "", gb, gg};
            gb = gg = 0;
        }
    }
    l[n++] = (struct line){LINE_TOTAL, "", "", st->boys, st->girls};
    *lines_r = l;
    return n;
}

static void line_label(const struct line *l, char *out, size_t n)
{
    if (l->kind == LINE_SECTION)
        str_copy(out, n, l->grade);
    else if (l->kind == LINE_GRADE_TOTAL)
        snprintf(out, n, "Total %s", l->grade);
    else
        str_copy(out, n, "Total general");
}

static void title_line(const struct export_context *ctx, char *out, size_t n)
{
    char date[11];
    export_date_display(ctx->today, date);
    if (ctx->year_name[0])
        snprintf(out, n, "Año escolar %s — generada el %s", ctx->year_name,
                 date);
    else
        snprintf(out, n, "Sin año escolar — generada el %s", date);
}

static void codes_line(const struct export_context *ctx, char *out, size_t n)
{
    out[0] = '\0';
    if (ctx->rif[0] && ctx->dea_code[0])
        snprintf(out, n, "RIF: %s · Código DEA: %s", ctx->rif, ctx->dea_code);
    else if (ctx->rif[0])
        snprintf(out, n, "RIF: %s", ctx->rif);
    else if (ctx->dea_code[0])
        snprintf(out, n, "Código DEA: %s", ctx->dea_code);
}

#define REPORT_TITLE "Matrícula por grado y sección"
static const char *const HEADERS[5] = {"Grado", "Sección", "V", "H",
                                       "Total"};

/* ---- .xlsx --------------------------------------------------------------- */

int enrolment_stats_xlsx(const struct enrolment_stats *st,
                         struct export_file *out_r, const char **error_r)
{
    memset(out_r, 0, sizeof *out_r);
    struct export_xlsx xf;
    int rc = export_xlsx_open(&xf, 0, error_r);
    if (rc < 0)
        return rc;
    lxw_worksheet *ws = workbook_add_worksheet(xf.wb, "Matrícula");
    lxw_format *bold = workbook_add_format(xf.wb);
    format_set_bold(bold);
    lxw_format *title = workbook_add_format(xf.wb);
    format_set_bold(title);
    format_set_font_size(title, 14);
    worksheet_set_column(ws, 0, 0, 24, NULL);
    worksheet_set_column(ws, 1, 4, 10, NULL);

    char t[768], codes[160];
    codes_line(&st->ctx, codes, sizeof codes);
    if (codes[0])
        snprintf(t, sizeof t, "%s (%s)", st->ctx.school_name, codes);
    else
        str_copy(t, sizeof t, st->ctx.school_name);
    worksheet_write_string(ws, 0, 0, t, title);
    char sub[200];
    title_line(&st->ctx, sub, sizeof sub);
    snprintf(t, sizeof t, REPORT_TITLE ", %s", sub);
    worksheet_write_string(ws, 1, 0, t, NULL);
    for (int c = 0; c < 5; c++)
        worksheet_write_string(ws, 2, (lxw_col_t)c, HEADERS[c], bold);

    struct line *lines;
    size_t n = table_lines(st, &lines);
    for (size_t i = 0; i < n; i++) {
        const struct line *l = &lines[i];
        lxw_row_t row = (lxw_row_t)(3 + i);
        lxw_format *f = l->kind == LINE_SECTION ? NULL : bold;
        char label[96];
        line_label(l, label, sizeof label);
        worksheet_write_string(ws, row, 0, label, f);
        if (l->kind == LINE_SECTION)
            worksheet_write_string(ws, row, 1, l->letter, NULL);
        worksheet_write_number(ws, row, 2, l->boys, f);
        worksheet_write_number(ws, row, 3, l->girls, f);
        worksheet_write_number(ws, row, 4, l->boys + l->girls, f);
    }
    free(lines);
    rc = export_xlsx_close(&xf, out_r, error_r);
    str_copy(out_r->today, sizeof out_r->today, st->ctx.today);
    return rc;
}

/* ---- PDF ----------------------------------------------------------------- */

#define PAGE_W 595.28 /* A4 in points */
#define PAGE_H 841.89
#define MARGIN 50.0
#define ROW_H 18.0
#define TABLE_TOP_FIRST 170.0
#define TABLE_TOP_NEXT 90.0
#define TABLE_BOTTOM (PAGE_H - 70.0)
#define LOGO_SIDE 64.0 /* the logo's box on the first page, pt */

/* Column x offsets and widths (the table spans the text width). */
static const double COL_X[5] = {0, 200, 295, 360, 425};
static const double COL_W[5] = {200, 95, 65, 65, 70};

static void table_row(struct export_pdf *pdf, double y, bool bold,
                      double fill, const char *cells[5])
{
    cairo_t *cr = pdf->cr;
    if (fill < 1.0) {
        cairo_set_source_rgb(cr, fill, fill, fill);
        cairo_rectangle(cr, MARGIN, y, PAGE_W - 2 * MARGIN, ROW_H);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, MARGIN, y + ROW_H);
    cairo_line_to(cr, PAGE_W - MARGIN, y + ROW_H);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int c = 0; c < 5; c++)
        export_pdf_text(pdf, MARGIN + COL_X[c] + 4, y + 3, COL_W[c] - 8,
             c >= 2 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT, bold, 9,
             cells[c]);
}

static int rows_per_page(double top)
{
    return (int)((TABLE_BOTTOM - top - ROW_H) / ROW_H);
}

int enrolment_stats_pdf(const struct enrolment_stats *st,
                        struct export_file *out_r, const char **error_r)
{
    memset(out_r, 0, sizeof *out_r);
    const struct export_context *ctx = &st->ctx;
    struct line *lines;
    size_t n = table_lines(st, &lines);
    /* the first page also holds the note of an empty year */
    size_t first = (size_t)rows_per_page(TABLE_TOP_FIRST) - (st->n ? 0 : 1);
    size_t next = (size_t)rows_per_page(TABLE_TOP_NEXT);
    int pages = 1 + (n > first ? (int)((n - first + next - 1) / next) : 0);

    char sub[200], codes[160];
    title_line(ctx, sub, sizeof sub);
    codes_line(ctx, codes, sizeof codes);
    struct export_pdf pdf;
    export_pdf_open(&pdf, PAGE_W, PAGE_H, REPORT_TITLE);
    cairo_t *cr = pdf.cr;
    double text_w = PAGE_W - 2 * MARGIN;
    double primary[3];
    export_pdf_color(st->primary[0] ? st->primary : BRANDING_DEFAULT_PRIMARY,
                primary);

    size_t i = 0;
    for (int page = 1; page <= pages; page++) {
        double y;
        cairo_set_source_rgb(cr, 0, 0, 0);
        if (page == 1) {
            /* the logo at the top right; the heading beside it */
            double head_w = st->logo ? text_w - LOGO_SIDE - 12 : text_w;
            if (st->logo)
                export_pdf_logo(cr, st->logo, st->logo_len,
                          PAGE_W - MARGIN - LOGO_SIDE, MARGIN, LOGO_SIDE);
            cairo_set_source_rgb(cr, primary[0], primary[1], primary[2]);
            export_pdf_text(&pdf, MARGIN, MARGIN, head_w, PANGO_ALIGN_LEFT, true, 16,
                 ctx->school_name);
            cairo_set_source_rgb(cr, 0, 0, 0);
            if (codes[0])
                export_pdf_text(&pdf, MARGIN, MARGIN + 26, head_w, PANGO_ALIGN_LEFT,
                     false, 10, codes);
            export_pdf_text(&pdf, MARGIN, MARGIN + 56, head_w, PANGO_ALIGN_LEFT, true,
                 13, REPORT_TITLE);
            export_pdf_text(&pdf, MARGIN, MARGIN + 78, head_w, PANGO_ALIGN_LEFT,
                 false, 10, sub);
            cairo_set_source_rgb(cr, primary[0], primary[1], primary[2]);
            cairo_rectangle(cr, MARGIN, TABLE_TOP_FIRST - 14, text_w, 3);
            cairo_fill(cr);
            y = TABLE_TOP_FIRST;
        } else {
            char head[640];
            snprintf(head, sizeof head, "%s — " REPORT_TITLE ", %s",
                     ctx->school_name, sub);
            export_pdf_text(&pdf, MARGIN, MARGIN, text_w, PANGO_ALIGN_LEFT, false, 9,
                 head);
            y = TABLE_TOP_NEXT;
        }
        table_row(&pdf, y, true, 0.85, (const char **)HEADERS);
        y += ROW_H;
        if (page == 1 && st->n == 0) {
            cairo_set_source_rgb(cr, 0, 0, 0);
            export_pdf_text(&pdf, MARGIN + 4, y + 3, text_w - 8, PANGO_ALIGN_LEFT,
                 false, 9, "No hay estudiantes inscritos en este año escolar.");
            y += ROW_H;
        }
        size_t room = page == 1 ? first : next;
        for (size_t k = 0; k < room && i < n; k++, i++) {
            const struct line *l = &lines[i];
            char label[96], v[16], h[16], t[16];
            line_label(l, label, sizeof label);
            snprintf(v, sizeof v, "%d", l->boys);
            snprintf(h, sizeof h, "%d", l->girls);
            snprintf(t, sizeof t, "%d", l->boys + l->girls);
            const char *cells[5] = {
                label, l->kind == LINE_SECTION ? l->letter : "", v, h, t};
            table_row(&pdf, y, l->kind != LINE_SECTION,
                      l->kind == LINE_SECTION       ? 1.0
                      : l->kind == LINE_GRADE_TOTAL ? 0.94
                                                    : 0.85,
                      cells);
            y += ROW_H;
        }
        char foot[64];
        snprintf(foot, sizeof foot, "Página %d de %d", page, pages);
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        export_pdf_text(&pdf, MARGIN, PAGE_H - 45, text_w, PANGO_ALIGN_CENTER, false,
             8, foot);
        cairo_show_page(cr);
    }
    free(lines);
    int rc = export_pdf_close(&pdf, out_r, error_r);
    if (rc == EXPORT_OK)
        str_copy(out_r->today, sizeof out_r->today, ctx->today);
    return rc;
}
