/*
 * Drawing the school's printable PDFs (export_pdf.c): a cairo PDF surface
 * written into memory, text set by pango in DejaVu Sans, the school's logo
 * and colours. The enrolment statistics (enrolment_stats.c) and the
 * timetables (tt_export_pdf.c) draw with these; each page's layout is
 * their own.
 *
 * Usage: export_pdf_open(), draw on p.cr (cairo_show_page between
 * pages), export_pdf_close() hands the bytes over. Each PDF has its own
 * pango font map, freed on close (pango's default map lives as long as
 * the thread).
 */
#ifndef BIS_SCHOOL_EXPORT_PDF_H
#define BIS_SCHOOL_EXPORT_PDF_H
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"
#include "school/exports.h"

#define EXPORT_PDF_FONT "DejaVu Sans"
#define EXPORT_A4_W 595.28 /* points */
#define EXPORT_A4_H 841.89

struct export_pdf {
    struct strbuf sb;
    cairo_surface_t *surf;
    cairo_t *cr;
    PangoFontMap *fm;
    PangoContext *pc;
    PangoLayout *lay;
};

/* A PDF of pages w x h points, with its title in the metadata. */
void export_pdf_open(struct export_pdf *p, double w, double h,
                     const char *title);
/* Finishes the document into *out_r (owned by the caller); frees p.
 * EXPORT_OK, or EXPORT_WRITE_ERROR with *error_r. */
int export_pdf_close(struct export_pdf *p, struct export_file *out_r,
                     const char **error_r);

/* One line of text at (x, y) in a box w wide, ellipsized when longer. */
void export_pdf_text(struct export_pdf *p, double x, double y, double w,
                     PangoAlignment align, bool bold, int size,
                     const char *s);
/* Text wrapped at word ends inside the box (x, y, w, h), centred
 * vertically, ellipsized when it does not fit. */
void export_pdf_text_box(struct export_pdf *p, double x, double y, double w,
                         double h, PangoAlignment align, bool bold, int size,
                         const char *s);

/* "#rrggbb" as cairo's 0..1 components (black if malformed). */
void export_pdf_color(const char *hex, double rgb[3]);
/* Draws a PNG (the school's re-encoded logo) fitted in the square box at
 * (x, y) of side `side`, right-aligned in it. Nothing if unreadable. */
void export_pdf_logo(cairo_t *cr, const unsigned char *png, size_t len,
                     double x, double y, double side);

#endif
