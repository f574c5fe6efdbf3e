/*
 * The PDF drawing the school's printouts share (export_pdf.h): a cairo PDF
 * surface streamed into a strbuf, pango layouts in DejaVu Sans on a font
 * map of the document's own, the logo read from PNG bytes in memory.
 */
#include "school/export_pdf.h"

#include <cairo-pdf.h>
#include <stdio.h>
#include <string.h>

static cairo_status_t pdf_write(void *closure, const unsigned char *data,
                                unsigned int length)
{
    strbuf_add(closure, (const char *)data, length);
    return CAIRO_STATUS_SUCCESS;
}

void export_pdf_open(struct export_pdf *p, double w, double h,
                     const char *title)
{
    memset(p, 0, sizeof *p);
    strbuf_init(&p->sb);
    p->surf = cairo_pdf_surface_create_for_stream(pdf_write, &p->sb, w, h);
    cairo_pdf_surface_set_metadata(p->surf, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(p->surf, CAIRO_PDF_METADATA_CREATOR,
                                   "BiScheduler");
    p->cr = cairo_create(p->surf);
    p->fm = pango_cairo_font_map_new();
    p->pc = pango_font_map_create_context(p->fm);
    pango_cairo_update_context(p->cr, p->pc);
    p->lay = pango_layout_new(p->pc);
}

int export_pdf_close(struct export_pdf *p, struct export_file *out_r,
                     const char **error_r)
{
    g_object_unref(p->lay);
    g_object_unref(p->pc);
    g_object_unref(p->fm);
    cairo_destroy(p->cr);
    cairo_surface_finish(p->surf);
    cairo_status_t cs = cairo_surface_status(p->surf);
    cairo_surface_destroy(p->surf);
    memset(out_r, 0, sizeof *out_r);
    if (cs != CAIRO_STATUS_SUCCESS) {
        strbuf_cleanup(&p->sb);
        *error_r = cairo_status_to_string(cs);
        return EXPORT_WRITE_ERROR;
    }
    out_r->len = p->sb.len;
    out_r->data = (unsigned char *)strbuf_steal(&p->sb);
    return EXPORT_OK;
}

static void set_font(PangoLayout *lay, bool bold, int size)
{
    char font[64];
    snprintf(font, sizeof font, EXPORT_PDF_FONT "%s %d", bold ? " Bold" : "",
             size);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(lay, fd);
    pango_font_description_free(fd);
}

void export_pdf_text(struct export_pdf *p, double x, double y, double w,
                     PangoAlignment align, bool bold, int size, const char *s)
{
    PangoLayout *lay = p->lay;
    set_font(lay, bold, size);
    pango_layout_set_width(lay, (int)(w * PANGO_SCALE));
    pango_layout_set_height(lay, -1);
    pango_layout_set_wrap(lay, PANGO_WRAP_WORD);
    pango_layout_set_ellipsize(lay, PANGO_ELLIPSIZE_END);
    pango_layout_set_alignment(lay, align);
    pango_layout_set_text(lay, s, -1);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, lay);
}

void export_pdf_text_box(struct export_pdf *p, double x, double y, double w,
                         double h, PangoAlignment align, bool bold, int size,
                         const char *s)
{
    PangoLayout *lay = p->lay;
    set_font(lay, bold, size);
    pango_layout_set_width(lay, (int)(w * PANGO_SCALE));
    pango_layout_set_height(lay, (int)(h * PANGO_SCALE));
    pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_ellipsize(lay, PANGO_ELLIPSIZE_END);
    pango_layout_set_alignment(lay, align);
    pango_layout_set_text(lay, s, -1);
    int tw, th;
    pango_layout_get_pixel_size(lay, &tw, &th);
    double dy = th < h ? (h - th) / 2 : 0;
    cairo_move_to(p->cr, x, y + dy);
    pango_cairo_show_layout(p->cr, lay);
    pango_layout_set_height(lay, -1);
}

void export_pdf_color(const char *hex, double rgb[3])
{
    unsigned v = 0;
    rgb[0] = rgb[1] = rgb[2] = 0;
    if (hex && strlen(hex) == 7 && sscanf(hex + 1, "%6x", &v) == 1) {
        rgb[0] = ((v >> 16) & 0xff) / 255.0;
        rgb[1] = ((v >> 8) & 0xff) / 255.0;
        rgb[2] = (v & 0xff) / 255.0;
    }
}

struct png_reader {
    const unsigned char *data;
    size_t size, pos;
};

static cairo_status_t png_read(void *closure, unsigned char *out,
                               unsigned int len)
{
    struct png_reader *m = closure;
    if (len > m->size - m->pos)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(out, m->data + m->pos, len);
    m->pos += len;
    return CAIRO_STATUS_SUCCESS;
}

void export_pdf_logo(cairo_t *cr, const unsigned char *png, size_t len,
                     double x, double y, double side)
{
    struct png_reader m = {png, len, 0};
    cairo_surface_t *img =
        cairo_image_surface_create_from_png_stream(png_read, &m);
    if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS) {
        int w = cairo_image_surface_get_width(img);
        int h = cairo_image_surface_get_height(img);
        double k = side / (w > h ? w : h);
        cairo_save(cr);
        cairo_translate(cr, x + (side - w * k), y);
        cairo_scale(cr, k, k);
        cairo_set_source_surface(cr, img, 0, 0);
        cairo_paint(cr);
        cairo_restore(cr);
    }
    cairo_surface_destroy(img);
}
