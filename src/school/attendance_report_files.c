/*
 * The monthly attendance report as files (attendance_report.h): an .xlsx
 * laid out like the Ministry's sheet (the letterhead lines, the plantel,
 * código DEA and month, then one row per grade under the two-row header
 * GRADO | CANTIDAD DE SECCIONES | MATRÍCULA V H TOTAL | DÍAS HÁBILES |
 * SUMATORIA DE LA ASISTENCIA V H TOTAL | PROMEDIO | PORCENTAJE | DÍAS SIN
 * REGISTRO, the TOTAL row, and the month's MOVIMIENTO DE MATRÍCULA below)
 * and a printable A4 landscape PDF of the same table with the school's
 * logo, name, código DEA and month (cairo/pango through export_pdf.c).
 * Numbers are written as numbers, so the sheet can be summed; an average
 * or percent with nothing to divide by is left blank.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "core/util.h"
#include "school/attendance_report.h"
#include "school/branding.h"
#include "school/export_pdf.h"

#define NCOLS 12

/* One line's cells as text (for the PDF) and numbers (for the sheet);
 * average and percent are NAN-free: has_avg/has_pct say whether set. */
struct cells {
    int sections, v, h, total, days;
    int64_t sum_v, sum_h, sum;
    bool has_avg, has_pct;
    double avg, pct;
    int not_taken;
};

static struct cells line_cells(const struct attendance_grade_line *g,
                               int days)
{
    struct cells c = {
        .sections = g->sections, .v = g->v, .h = g->h, .total = g->v + g->h,
        .days = days, .sum_v = g->sum_v, .sum_h = g->sum_h, .sum = g->sum,
        .not_taken = g->days_not_taken};
    if (days > 0) {
        c.has_avg = true;
        c.avg = (double)((2 * g->sum * 100 + days) / (2 * days)) / 100.0;
    }
    if (g->recorded_days > 0) {
        int64_t den = g->recorded_days;
        c.has_pct = true;
        c.pct = (double)((2 * g->sum * 1000 + den) / (2 * den)) / 10.0;
    }
    return c;
}

static void codes_line(const struct export_context *ctx, char *out, size_t n)
{
    if (ctx->dea_code[0] && ctx->rif[0])
        snprintf(out, n, "Código DEA: %s · RIF: %s", ctx->dea_code, ctx->rif);
    else if (ctx->dea_code[0])
        snprintf(out, n, "Código DEA: %s", ctx->dea_code);
    else if (ctx->rif[0])
        snprintf(out, n, "Código DEA: (sin registrar) · RIF: %s", ctx->rif);
    else
        str_copy(out, n, "Código DEA: (sin registrar)");
}

/* "SEPTIEMBRE DE 2025" */
static void month_upper(const char *month, char *out, size_t n)
{
    attendance_month_label(month, out, n);
    for (char *p = out; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
}

static void decimal_comma(double v, int places, char *out, size_t n)
{
    snprintf(out, n, "%.*f", places, v);
    char *dot = strchr(out, '.');
    if (dot)
        *dot = ',';
}

/* ---- .xlsx ------------------------------------------------------------- */

#define FIRST_ROW 8 /* the first grade's row (0-based) */

static void xlsx_line(lxw_worksheet *ws, lxw_row_t row, const char *label,
                      struct cells c, lxw_format *f, lxw_format *f2,
                      lxw_format *f1)
{
    worksheet_write_string(ws, row, 0, label, f);
    worksheet_write_number(ws, row, 1, c.sections, f);
    worksheet_write_number(ws, row, 2, c.v, f);
    worksheet_write_number(ws, row, 3, c.h, f);
    worksheet_write_number(ws, row, 4, c.total, f);
    worksheet_write_number(ws, row, 5, c.days, f);
    worksheet_write_number(ws, row, 6, (double)c.sum_v, f);
    worksheet_write_number(ws, row, 7, (double)c.sum_h, f);
    worksheet_write_number(ws, row, 8, (double)c.sum, f);
    if (c.has_avg)
        worksheet_write_number(ws, row, 9, c.avg, f2);
    else
        worksheet_write_blank(ws, row, 9, f2);
    if (c.has_pct)
        worksheet_write_number(ws, row, 10, c.pct, f1);
    else
        worksheet_write_blank(ws, row, 10, f1);
    worksheet_write_number(ws, row, 11, c.not_taken, f);
}

int attendance_month_xlsx(const struct attendance_month *m,
                          struct export_file *out_r, const char **error_r)
{
    memset(out_r, 0, sizeof *out_r);
    struct export_xlsx xf;
    int rc = export_xlsx_open(&xf, 0, error_r);
    if (rc < 0)
        return rc;
    lxw_workbook *wb = xf.wb;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Asistencia");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *title = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 13);
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_border(head, LXW_BORDER_THIN);
    format_set_align(head, LXW_ALIGN_CENTER);
    format_set_align(head, LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(head);
    format_set_bg_color(head, 0xD9D9D9);
    lxw_format *cell = workbook_add_format(wb);
    format_set_border(cell, LXW_BORDER_THIN);
    lxw_format *cell2 = workbook_add_format(wb);
    format_set_border(cell2, LXW_BORDER_THIN);
    format_set_num_format(cell2, "0.00");
    lxw_format *cell1 = workbook_add_format(wb);
    format_set_border(cell1, LXW_BORDER_THIN);
    format_set_num_format(cell1, "0.0");
    lxw_format *tot = workbook_add_format(wb);
    format_set_border(tot, LXW_BORDER_THIN);
    format_set_bold(tot);
    lxw_format *tot2 = workbook_add_format(wb);
    format_set_border(tot2, LXW_BORDER_THIN);
    format_set_bold(tot2);
    format_set_num_format(tot2, "0.00");
    lxw_format *tot1 = workbook_add_format(wb);
    format_set_border(tot1, LXW_BORDER_THIN);
    format_set_bold(tot1);
    format_set_num_format(tot1, "0.0");

    worksheet_set_column(ws, 0, 0, 22, NULL);
    worksheet_set_column(ws, 1, 1, 13, NULL);
    worksheet_set_column(ws, 2, 8, 9, NULL);
    worksheet_set_column(ws, 9, 11, 13, NULL);
    worksheet_set_column(ws, 5, 5, 10, NULL);

    char t[700], codes[160], mon[40];
    codes_line(&m->ctx, codes, sizeof codes);
    month_upper(m->month, mon, sizeof mon);
    worksheet_write_string(ws, 0, 0, "REPÚBLICA BOLIVARIANA DE VENEZUELA",
                           bold);
    worksheet_write_string(
        ws, 1, 0, "MINISTERIO DEL PODER POPULAR PARA LA EDUCACIÓN", bold);
    snprintf(t, sizeof t, "Plantel: %s", m->ctx.school_name);
    worksheet_write_string(ws, 2, 0, t, title);
    worksheet_write_string(ws, 3, 0, codes, NULL);
    snprintf(t, sizeof t, "RESUMEN MENSUAL DE ASISTENCIA — MES: %s — AÑO "
             "ESCOLAR %s", mon, m->ctx.year_name);
    worksheet_write_string(ws, 4, 0, t, title);

    /* the two header rows */
    worksheet_merge_range(ws, 6, 0, 7, 0, "GRADO", head);
    worksheet_merge_range(ws, 6, 1, 7, 1, "CANTIDAD DE SECCIONES", head);
    worksheet_merge_range(ws, 6, 2, 6, 4, "MATRÍCULA", head);
    worksheet_write_string(ws, 7, 2, "V", head);
    worksheet_write_string(ws, 7, 3, "H", head);
    worksheet_write_string(ws, 7, 4, "TOTAL", head);
    worksheet_merge_range(ws, 6, 5, 7, 5, "DÍAS HÁBILES", head);
    worksheet_merge_range(ws, 6, 6, 6, 8, "SUMATORIA DE LA ASISTENCIA",
                          head);
    worksheet_write_string(ws, 7, 6, "V", head);
    worksheet_write_string(ws, 7, 7, "H", head);
    worksheet_write_string(ws, 7, 8, "TOTAL", head);
    worksheet_merge_range(ws, 6, 9, 7, 9, "PROMEDIO DE ASISTENCIA", head);
    worksheet_merge_range(ws, 6, 10, 7, 10, "PORCENTAJE DE ASISTENCIA",
                          head);
    worksheet_merge_range(ws, 6, 11, 7, 11, "DÍAS SIN REGISTRO", head);
    worksheet_set_row(ws, 6, 30, NULL);

    lxw_row_t row = FIRST_ROW;
    for (int g = 0; g < m->n_grades; g++, row++)
        xlsx_line(ws, row, m->grades[g].grade,
                  line_cells(&m->grades[g], m->school_days), cell, cell2,
                  cell1);
    xlsx_line(ws, row, "TOTAL", line_cells(&m->total, m->school_days), tot,
              tot2, tot1);
    row += 2;

    worksheet_write_string(ws, row, 0, "MOVIMIENTO DE MATRÍCULA", head);
    worksheet_write_string(ws, row, 1, "V", head);
    worksheet_write_string(ws, row, 2, "H", head);
    worksheet_write_string(ws, row, 3, "TOTAL", head);
    const char *labels[4] = {"MATRÍCULA INICIAL", "INGRESOS", "EGRESOS",
                             "MATRÍCULA FINAL"};
    const struct attendance_vh *vh[4] = {&m->initial, &m->ingresos,
                                         &m->egresos, &m->final_};
    for (int k = 0; k < 4; k++) {
        row++;
        lxw_format *f = k == 3 ? tot : cell;
        worksheet_write_string(ws, row, 0, labels[k], f);
        worksheet_write_number(ws, row, 1, vh[k]->v, f);
        worksheet_write_number(ws, row, 2, vh[k]->h, f);
        worksheet_write_number(ws, row, 3, vh[k]->v + vh[k]->h, f);
    }
    row += 2;
    worksheet_write_string(
        ws, row, 0,
        "Matrícula del último día hábil del mes. Porcentaje: presentes "
        "sobre los estudiantes inscritos cada día en secciones que "
        "registraron asistencia. Días sin registro: días hábiles en que "
        "alguna sección del grado no registró asistencia (no se cuentan "
        "como inasistencia).",
        NULL);
    char date[11];
    export_date_display(m->ctx.today, date);
    snprintf(t, sizeof t, "Generado el %s.", date);
    worksheet_write_string(ws, row + 1, 0, t, NULL);

    rc = export_xlsx_close(&xf, out_r, error_r);
    str_copy(out_r->today, sizeof out_r->today, m->ctx.today);
    return rc;
}

/* ---- PDF ---------------------------------------------------------------- */

#define PAGE_W EXPORT_A4_H /* landscape */
#define PAGE_H EXPORT_A4_W
#define MARGIN 36.0
#define ROW_H 18.0
#define HEAD_H 40.0
#define LOGO_SIDE 60.0

static const double COL_W[NCOLS] = {129, 70, 45, 45, 55, 55,
                                    55,  55, 60, 75, 80, 45};
static const char *const HEADS[NCOLS] = {
    "Grado", "Secciones", "V", "H", "Total", "Días hábiles", "Asist. V",
    "Asist. H", "Sumatoria", "Promedio", "Porcentaje", "Sin registro"};

static void pdf_row(struct export_pdf *pdf, double x0, double y, double h,
                    bool bold, double fill, const char *cells[NCOLS])
{
    cairo_t *cr = pdf->cr;
    double w = 0;
    for (int c = 0; c < NCOLS; c++)
        w += COL_W[c];
    if (fill < 1.0) {
        cairo_set_source_rgb(cr, fill, fill, fill);
        cairo_rectangle(cr, x0, y, w, h);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
    cairo_set_line_width(cr, 0.5);
    cairo_rectangle(cr, x0, y, w, h);
    cairo_stroke(cr);
    double x = x0;
    for (int c = 0; c < NCOLS; c++) {
        cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
        if (c) {
            cairo_move_to(cr, x, y);
            cairo_line_to(cr, x, y + h);
            cairo_stroke(cr);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        export_pdf_text_box(pdf, x + 3, y, COL_W[c] - 6, h,
                            c == 0 ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT,
                            bold, 8, cells[c]);
        x += COL_W[c];
    }
}

static void pdf_line(struct export_pdf *pdf, double x0, double y,
                     const char *label, struct cells c, bool bold,
                     double fill)
{
    char b[NCOLS][32];
    snprintf(b[1], 32, "%d", c.sections);
    snprintf(b[2], 32, "%d", c.v);
    snprintf(b[3], 32, "%d", c.h);
    snprintf(b[4], 32, "%d", c.total);
    snprintf(b[5], 32, "%d", c.days);
    snprintf(b[6], 32, "%lld", (long long)c.sum_v);
    snprintf(b[7], 32, "%lld", (long long)c.sum_h);
    snprintf(b[8], 32, "%lld", (long long)c.sum);
    if (c.has_avg)
        decimal_comma(c.avg, 2, b[9], 32);
    else
        str_copy(b[9], 32, "—");
    if (c.has_pct) {
        decimal_comma(c.pct, 1, b[10], 32);
        strcat(b[10], " %");
    } else {
        str_copy(b[10], 32, "—");
    }
    snprintf(b[11], 32, "%d", c.not_taken);
    const char *cells[NCOLS] = {label, b[1], b[2], b[3], b[4],  b[5],
                                b[6],  b[7], b[8], b[9], b[10], b[11]};
    pdf_row(pdf, x0, y, ROW_H, bold, fill, cells);
}

int attendance_month_pdf(const struct attendance_month *m,
                         struct export_file *out_r, const char **error_r)
{
    memset(out_r, 0, sizeof *out_r);
    char mon[40], codes[160], sub[200], t[700];
    attendance_month_label(m->month, mon, sizeof mon);
    codes_line(&m->ctx, codes, sizeof codes);
    snprintf(sub, sizeof sub, "Año escolar %s · Días hábiles del mes: %d",
             m->ctx.year_name[0] ? m->ctx.year_name : "—", m->school_days);
    snprintf(t, sizeof t, "Resumen mensual de asistencia — %s", mon);

    struct export_pdf pdf;
    export_pdf_open(&pdf, PAGE_W, PAGE_H, t);
    cairo_t *cr = pdf.cr;
    double text_w = PAGE_W - 2 * MARGIN;
    double primary[3];
    export_pdf_color(m->primary[0] ? m->primary : BRANDING_DEFAULT_PRIMARY,
                     primary);
    double head_w = m->logo ? text_w - LOGO_SIDE - 12 : text_w;
    if (m->logo)
        export_pdf_logo(cr, m->logo, m->logo_len, PAGE_W - MARGIN - LOGO_SIDE,
                        MARGIN, LOGO_SIDE);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    export_pdf_text(&pdf, MARGIN, MARGIN, head_w, PANGO_ALIGN_LEFT, false, 8,
                    "República Bolivariana de Venezuela · Ministerio del "
                    "Poder Popular para la Educación");
    cairo_set_source_rgb(cr, primary[0], primary[1], primary[2]);
    export_pdf_text(&pdf, MARGIN, MARGIN + 14, head_w, PANGO_ALIGN_LEFT, true,
                    15, m->ctx.school_name);
    cairo_set_source_rgb(cr, 0, 0, 0);
    export_pdf_text(&pdf, MARGIN, MARGIN + 38, head_w, PANGO_ALIGN_LEFT,
                    false, 10, codes);
    export_pdf_text(&pdf, MARGIN, MARGIN + 58, head_w, PANGO_ALIGN_LEFT, true,
                    13, t);
    export_pdf_text(&pdf, MARGIN, MARGIN + 78, head_w, PANGO_ALIGN_LEFT,
                    false, 10, sub);
    cairo_set_source_rgb(cr, primary[0], primary[1], primary[2]);
    cairo_rectangle(cr, MARGIN, MARGIN + 98, text_w, 3);
    cairo_fill(cr);

    double y = MARGIN + 112, x0 = MARGIN;
    pdf_row(&pdf, x0, y, HEAD_H, true, 0.85, (const char **)HEADS);
    y += HEAD_H;
    if (m->n_grades == 0) {
        cairo_set_source_rgb(cr, 0, 0, 0);
        export_pdf_text(&pdf, x0 + 4, y + 3, text_w, PANGO_ALIGN_LEFT, false,
                        9, "No hubo estudiantes inscritos en este mes.");
        y += ROW_H;
    }
    for (int g = 0; g < m->n_grades; g++) {
        if (y + 2 * ROW_H > PAGE_H - MARGIN - 20) {
            cairo_show_page(cr);
            y = MARGIN;
            pdf_row(&pdf, x0, y, HEAD_H, true, 0.85, (const char **)HEADS);
            y += HEAD_H;
        }
        pdf_line(&pdf, x0, y, m->grades[g].grade,
                 line_cells(&m->grades[g], m->school_days), false, 1.0);
        y += ROW_H;
    }
    pdf_line(&pdf, x0, y, "Total", line_cells(&m->total, m->school_days),
             true, 0.92);
    y += ROW_H + 16;

    /* the movement: 6 rows; on a new page when it does not fit */
    if (y + 6 * ROW_H + 40 > PAGE_H - MARGIN) {
        cairo_show_page(cr);
        y = MARGIN;
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    export_pdf_text(&pdf, x0, y, text_w, PANGO_ALIGN_LEFT, true, 11,
                    "Movimiento de matrícula del mes");
    y += 20;
    static const double MW[4] = {160, 60, 60, 60};
    const char *labels[5] = {"", "Matrícula inicial", "Ingresos", "Egresos",
                             "Matrícula final"};
    const struct attendance_vh *vh[5] = {NULL, &m->initial, &m->ingresos,
                                         &m->egresos, &m->final_};
    for (int k = 0; k < 5; k++) {
        char v[16], h[16], tt[16];
        const char *cells[4] = {labels[k], "V", "H", "Total"};
        if (k) {
            snprintf(v, sizeof v, "%d", vh[k]->v);
            snprintf(h, sizeof h, "%d", vh[k]->h);
            snprintf(tt, sizeof tt, "%d", vh[k]->v + vh[k]->h);
            cells[1] = v;
            cells[2] = h;
            cells[3] = tt;
        }
        double fill = k == 0 ? 0.85 : k == 4 ? 0.92 : 1.0;
        double x = x0, w = MW[0] + MW[1] + MW[2] + MW[3];
        if (fill < 1.0) {
            cairo_set_source_rgb(cr, fill, fill, fill);
            cairo_rectangle(cr, x0, y, w, ROW_H);
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
        cairo_set_line_width(cr, 0.5);
        cairo_rectangle(cr, x0, y, w, ROW_H);
        cairo_stroke(cr);
        for (int c = 0; c < 4; c++) {
            cairo_set_source_rgb(cr, 0, 0, 0);
            export_pdf_text_box(&pdf, x + 3, y, MW[c] - 6, ROW_H,
                                c ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT,
                                k == 0 || k == 4, 8, cells[c]);
            x += MW[c];
        }
        y += ROW_H;
    }
    y += 10;
    char date[11], foot[512];
    export_date_display(m->ctx.today, date);
    snprintf(foot, sizeof foot,
             "Matrícula del último día hábil del mes. Porcentaje: presentes "
             "sobre los estudiantes inscritos cada día en secciones que "
             "registraron asistencia. Sin registro: días hábiles en que "
             "alguna sección del grado no registró asistencia (no se cuentan "
             "como inasistencia). Generado el %s.",
             date);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    export_pdf_text_box(&pdf, x0, y, text_w, 30, PANGO_ALIGN_LEFT, false, 8,
                        foot);
    cairo_show_page(cr);
    int rc = export_pdf_close(&pdf, out_r, error_r);
    if (rc == EXPORT_OK)
        str_copy(out_r->today, sizeof out_r->today, m->ctx.today);
    return rc;
}
