/*
 * A timetable as a printable PDF (tt_export.h): one A4 landscape page per
 * section or teacher, the school's logo at the top right and its name in
 * its colour, the title ("Horario de 1er Año A"), the year, the
 * timetable's name and the date, then the HORARIO grid: HORA and the days
 * across, a row per row of the bell schedule (breaks as thin RECESO
 * bands), each lesson a box over the periods of its block with
 * "MATERIA / Profesor / (Aula)" on three lines, "Página N de M" below.
 */
#include <stdio.h>
#include <string.h>

#include "school/branding.h"
#include "school/export_pdf.h"
#include "school/tt_export.h"

#define PAGE_W EXPORT_A4_H /* landscape */
#define PAGE_H EXPORT_A4_W
#define MARGIN 36.0
#define LOGO_SIDE 56.0
#define GRID_TOP 112.0
#define GRID_BOTTOM (PAGE_H - 40.0)
#define HEAD_H 18.0
#define BREAK_H 13.0
#define HOUR_W 78.0

static void box(cairo_t *cr, double x, double y, double w, double h,
                double fill_rgb[3], double fill)
{
    if (fill_rgb) {
        /* the colour lightened to `fill` (1 = white) */
        cairo_set_source_rgb(cr, fill_rgb[0] + (1 - fill_rgb[0]) * fill,
                             fill_rgb[1] + (1 - fill_rgb[1]) * fill,
                             fill_rgb[2] + (1 - fill_rgb[2]) * fill);
        cairo_rectangle(cr, x, y, w, h);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
    cairo_set_line_width(cr, 0.5);
    cairo_rectangle(cr, x, y, w, h);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
}

static void draw_page(struct export_pdf *pdf, const struct tt_export *x,
                      const struct tt_page *p, enum tt_export_by by,
                      const char *sub, double primary[3], int page,
                      int pages)
{
    cairo_t *cr = pdf->cr;
    double text_w = PAGE_W - 2 * MARGIN;
    double head_w = x->logo ? text_w - LOGO_SIDE - 12 : text_w;
    if (x->logo)
        export_pdf_logo(cr, x->logo, x->logo_len,
                        PAGE_W - MARGIN - LOGO_SIDE, MARGIN - 8, LOGO_SIDE);
    cairo_set_source_rgb(cr, primary[0], primary[1], primary[2]);
    export_pdf_text(pdf, MARGIN, MARGIN - 8, head_w, PANGO_ALIGN_LEFT, true,
                    15, x->ctx.school_name);
    cairo_set_source_rgb(cr, 0, 0, 0);
    char title[320];
    snprintf(title, sizeof title, "Horario de %s%s",
             by == TT_EXPORT_BY_TEACHER ? "prof. " : "", p->title);
    export_pdf_text(pdf, MARGIN, MARGIN + 18, head_w, PANGO_ALIGN_LEFT, true,
                    13, title);
    export_pdf_text(pdf, MARGIN, MARGIN + 40, head_w, PANGO_ALIGN_LEFT, false,
                    9, sub);
    cairo_set_source_rgb(cr, primary[0], primary[1], primary[2]);
    cairo_rectangle(cr, MARGIN, GRID_TOP - 14, text_w, 2.5);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);

    struct tt_row rows[TIMETABLE_MAX_PERIODS];
    int nrows = tt_page_rows(p, rows);
    int nclass = 0, nbreak = 0;
    for (int i = 0; i < nrows; i++)
        rows[i].is_break ? nbreak++ : nclass++;
    double avail = GRID_BOTTOM - GRID_TOP - HEAD_H - nbreak * BREAK_H;
    double row_h = nclass ? avail / nclass : 0;
    if (row_h > 60)
        row_h = 60;
    double day_w = p->ndays ? (text_w - HOUR_W) / p->ndays : 0;
    double ys[TIMETABLE_MAX_PERIODS + 1];
    double y = GRID_TOP + HEAD_H;
    for (int i = 0; i < nrows; i++) {
        ys[i] = y;
        y += rows[i].is_break ? BREAK_H : row_h;
    }
    ys[nrows] = y;

    /* the header row */
    box(cr, MARGIN, GRID_TOP, HOUR_W, HEAD_H, primary, 0.8);
    export_pdf_text(pdf, MARGIN, GRID_TOP + 3, HOUR_W, PANGO_ALIGN_CENTER,
                    true, 8, "HORA");
    for (int d = 0; d < p->ndays; d++) {
        double cx = MARGIN + HOUR_W + d * day_w;
        box(cr, cx, GRID_TOP, day_w, HEAD_H, primary, 0.8);
        export_pdf_text(pdf, cx, GRID_TOP + 3, day_w, PANGO_ALIGN_CENTER,
                        true, 8, tt_day_name_upper(p->days[d]));
    }
    if (nrows == 0)
        export_pdf_text(pdf, MARGIN, GRID_TOP + HEAD_H + 6, text_w,
                        PANGO_ALIGN_LEFT, false, 9,
                        "No hay clases colocadas en este horario.");
    double grey[3] = {0.5, 0.5, 0.5};
    for (int ri = 0; ri < nrows; ri++) {
        const struct tt_row *rw = &rows[ri];
        double h = ys[ri + 1] - ys[ri];
        box(cr, MARGIN, ys[ri], HOUR_W, h, NULL, 1);
        if (rw->is_break) {
            box(cr, MARGIN + HOUR_W, ys[ri], day_w * p->ndays, h, grey, 0.8);
            export_pdf_text(pdf, MARGIN, ys[ri] + 1.5, HOUR_W,
                            PANGO_ALIGN_CENTER, false, 6, rw->label);
            export_pdf_text(pdf, MARGIN + HOUR_W, ys[ri] + 1.5,
                            day_w * p->ndays, PANGO_ALIGN_CENTER, true, 7,
                            "RECESO");
            continue;
        }
        char hour[64];
        snprintf(hour, sizeof hour, "%d.ª hora\n%s", rw->period, rw->label);
        if (strstr(rw->label, "hora"))
            snprintf(hour, sizeof hour, "%s", rw->label);
        export_pdf_text_box(pdf, MARGIN + 2, ys[ri], HOUR_W - 4, h,
                            PANGO_ALIGN_CENTER, false, 7, hour);
        for (int d = 0; d < p->ndays; d++) {
            double cx = MARGIN + HOUR_W + d * day_w;
            bool starts;
            const struct school_lesson *l =
                tt_page_at(p, p->days[d], rw->period, &starts);
            int to = ri;
            if (l && !starts) {
                int from = ri - (rw->period - l->period);
                if (from >= 0 && tt_rows_span(rows, nrows, from, l->length) >= ri)
                    continue; /* drawn with its first row */
            } else if (l) {
                int span = tt_rows_span(rows, nrows, ri, l->length);
                if (span > ri)
                    to = span;
            }
            double bh = ys[to + 1] - ys[ri];
            if (l == NULL) {
                box(cr, cx, ys[ri], day_w, bh, NULL, 1);
                continue;
            }
            box(cr, cx, ys[ri], day_w, bh, primary, 0.88);
            char text[768];
            tt_cell_text(l, by, text, sizeof text);
            export_pdf_text_box(pdf, cx + 3, ys[ri] + 2, day_w - 6, bh - 4,
                                PANGO_ALIGN_CENTER, false, 7, text);
        }
    }
    char foot[64];
    snprintf(foot, sizeof foot, "Página %d de %d", page, pages);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    export_pdf_text(pdf, MARGIN, PAGE_H - 28, text_w, PANGO_ALIGN_CENTER,
                    false, 7, foot);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_show_page(cr);
}

int tt_export_pdf(const struct tt_export *x, enum tt_export_by by,
                  struct export_file *out_r, const char **error_r)
{
    memset(out_r, 0, sizeof *out_r);
    int npages;
    struct tt_page *pages = tt_pages(x->tt, by, x->only, &npages);
    char sub[512];
    tt_export_subtitle(x, sub, sizeof sub);
    double primary[3];
    export_pdf_color(x->primary[0] ? x->primary : BRANDING_DEFAULT_PRIMARY,
                     primary);
    struct export_pdf pdf;
    export_pdf_open(&pdf, PAGE_W, PAGE_H, "Horario");
    if (npages == 0) {
        struct tt_page empty = {.title = "", .ndays = 0};
        str_copy(empty.title, sizeof empty.title, x->tt->name);
        draw_page(&pdf, x, &empty, TT_EXPORT_BY_SECTION, sub, primary, 1, 1);
    }
    for (int i = 0; i < npages; i++)
        draw_page(&pdf, x, &pages[i], by, sub, primary, i + 1, npages);
    tt_pages_free(pages, npages);
    int rc = export_pdf_close(&pdf, out_r, error_r);
    if (rc == EXPORT_OK)
        str_copy(out_r->today, sizeof out_r->today, x->ctx.today);
    return rc;
}
