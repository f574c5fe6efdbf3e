/*
 * The demo school's look (bischeduler init --demo): colours, a motto,
 * contacts and a small logo, so a newcomer who opens the demo sees a
 * school that wears its own image. The logo is drawn here with cairo (a
 * shield in the primary colour with a gold border, an open book and a
 * star: no font, so it looks the same on every machine), written as PNG,
 * and stored through the same path as an upload (branding_logo_reencode,
 * then branding_logo_set), each write audited like the API's.
 */
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "school/branding.h"

#define DEMO_PRIMARY "#7a1f3d"   /* vinotinto */
#define DEMO_SECONDARY "#e3a72f" /* gold */
#define DEMO_LOGO_SIDE 192

struct png_buf {
    unsigned char *data;
    size_t size, cap;
    bool failed;
};

static cairo_status_t png_write(void *closure, const unsigned char *in,
                                unsigned int len)
{
    struct png_buf *b = closure;
    if (b->size + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16384;
        while (cap < b->size + len)
            cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (d == NULL) {
            b->failed = true;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->size, in, len);
    b->size += len;
    return CAIRO_STATUS_SUCCESS;
}

static void rgb(cairo_t *cr, unsigned v)
{
    cairo_set_source_rgb(cr, ((v >> 16) & 255) / 255.0,
                         ((v >> 8) & 255) / 255.0, (v & 255) / 255.0);
}

/* The shield's outline on a 100 x 100 grid. */
static void shield_path(cairo_t *cr, double inset)
{
    double l = 12 + inset, r = 88 - inset, t = 6 + inset;
    cairo_new_path(cr);
    cairo_move_to(cr, l, t);
    cairo_line_to(cr, r, t);
    cairo_line_to(cr, r, 52);
    cairo_curve_to(cr, r, 74 - inset * 0.3, 68, 88 - inset, 50, 96 - inset);
    cairo_curve_to(cr, 32, 88 - inset, l, 74 - inset * 0.3, l, 52);
    cairo_close_path(cr);
}

/* A five-pointed star centred on (cx, cy). */
static void star_path(cairo_t *cr, double cx, double cy, double ro, double ri)
{
    cairo_new_path(cr);
    for (int i = 0; i < 10; i++) {
        double a = -M_PI / 2 + i * M_PI / 5;
        double rr = i % 2 ? ri : ro;
        double x = cx + rr * cos(a), y = cy + rr * sin(a);
        if (i == 0)
            cairo_move_to(cr, x, y);
        else
            cairo_line_to(cr, x, y);
    }
    cairo_close_path(cr);
}

/* The demo's logo as PNG bytes (caller frees), or NULL. */
static unsigned char *demo_logo(size_t *size_r)
{
    cairo_surface_t *s = cairo_image_surface_create(
        CAIRO_FORMAT_ARGB32, DEMO_LOGO_SIDE, DEMO_LOGO_SIDE);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, DEMO_LOGO_SIDE / 100.0, DEMO_LOGO_SIDE / 100.0);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);

    shield_path(cr, 0); /* gold border */
    rgb(cr, 0xe3a72f);
    cairo_fill(cr);
    shield_path(cr, 4); /* vinotinto field */
    rgb(cr, 0x7a1f3d);
    cairo_fill(cr);

    star_path(cr, 50, 26, 11, 4.6); /* the star */
    rgb(cr, 0xe3a72f);
    cairo_fill(cr);

    /* the open book: two pages meeting at the spine */
    cairo_new_path(cr);
    cairo_move_to(cr, 50, 50);
    cairo_curve_to(cr, 42, 44, 32, 44, 25, 47);
    cairo_line_to(cr, 25, 70);
    cairo_curve_to(cr, 32, 67, 42, 67, 50, 73);
    cairo_curve_to(cr, 58, 67, 68, 67, 75, 70);
    cairo_line_to(cr, 75, 47);
    cairo_curve_to(cr, 68, 44, 58, 44, 50, 50);
    cairo_close_path(cr);
    rgb(cr, 0xffffff);
    cairo_fill(cr);
    cairo_set_line_width(cr, 1.6); /* the spine and a few lines of text */
    rgb(cr, 0x7a1f3d);
    cairo_move_to(cr, 50, 51);
    cairo_line_to(cr, 50, 71);
    for (int i = 0; i < 3; i++) {
        double y = 54 + i * 5;
        cairo_move_to(cr, 30, y);
        cairo_curve_to(cr, 36, y - 2, 41, y - 2, 46, y + 1);
        cairo_move_to(cr, 54, y + 1);
        cairo_curve_to(cr, 59, y - 2, 64, y - 2, 70, y);
    }
    cairo_stroke(cr);

    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    struct png_buf b = {0};
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_write_to_png_stream(s, png_write, &b);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS || b.failed) {
        free(b.data);
        return NULL;
    }
    *size_r = b.size;
    return b.data;
}

int branding_demo_seed(struct store *s, const struct actor *actor,
                       const char *email, const char **error_r)
{
    struct branding in = {0}, after;
    snprintf(in.primary, sizeof in.primary, "%s", DEMO_PRIMARY);
    snprintf(in.secondary, sizeof in.secondary, "%s", DEMO_SECONDARY);
    snprintf(in.motto, sizeof in.motto, "%s",
             "Educar con amor, formar para la vida");
    snprintf(in.phone, sizeof in.phone, "%s", "0212-5550142");
    snprintf(in.email, sizeof in.email, "%s", email);
    snprintf(in.address, sizeof in.address, "%s",
             "Av. Francisco de Miranda, Los Palos Grandes, Caracas");
    if (branding_update(s, actor, &in,
                        BRANDING_PRIMARY | BRANDING_SECONDARY |
                            BRANDING_MOTTO | BRANDING_PHONE |
                            BRANDING_EMAIL | BRANDING_ADDRESS,
                        &after, error_r) < 0)
        return -1;
    size_t drawn_size = 0, size = 0;
    unsigned char *drawn = demo_logo(&drawn_size), *png = NULL;
    if (drawn == NULL) {
        *error_r = "cannot draw the demo logo";
        return -1;
    }
    const char *msg = branding_logo_reencode(drawn, drawn_size, &png, &size);
    free(drawn);
    if (msg) {
        *error_r = msg;
        return -1;
    }
    char etag[33];
    int rc = branding_logo_set(s, actor, png, size, etag, error_r);
    free(png);
    return rc < 0 ? -1 : 0;
}
