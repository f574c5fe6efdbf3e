/*
 * A school's logo upload, decoded and re-encoded (branding.h:
 * branding_logo_reencode). The file is recognized by its first bytes (PNG
 * signature, or JPEG's SOI marker), never by its name or declared type.
 * Its dimensions are read from its header and refused above
 * BRANDING_LOGO_MAX_SIDE before any pixel is decoded, so a small file
 * cannot ask for a huge image; the decoders run with their errors caught
 * (cairo's PNG reader returns an error surface; libjpeg's error exit jumps
 * back here), libjpeg with a memory cap and a limit on progressive scans.
 * The pixels are then drawn, scaled down to at most BRANDING_LOGO_SIDE px,
 * into a new surface written as PNG by cairo: text chunks, EXIF, ICC
 * profiles and anything else of the uploaded file are gone.
 */
#include <cairo.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h> /* before jpeglib.h, which uses FILE and size_t */
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "school/branding.h"

static const char not_image[] =
    "El archivo no es una imagen PNG o JPEG válida (se revisa su contenido, "
    "no su nombre).";
static const char too_big[] =
    "La imagen es demasiado grande: use una de hasta 4096 × 4096 píxeles.";
static const char bad_png[] =
    "El archivo parece PNG pero está dañado o incompleto: no se puede leer.";
static const char bad_jpeg[] =
    "El archivo parece JPEG pero está dañado, incompleto o en un formato "
    "de color no admitido (use RGB o escala de grises).";

#define JPEG_MAX_SCANS 64
#define JPEG_MAX_MEMORY (96L * 1024 * 1024)

struct mem_reader {
    const unsigned char *data;
    size_t size, pos;
};

static cairo_status_t read_mem(void *closure, unsigned char *out,
                               unsigned int len)
{
    struct mem_reader *m = closure;
    if (len > m->size - m->pos)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(out, m->data + m->pos, len);
    m->pos += len;
    return CAIRO_STATUS_SUCCESS;
}

struct mem_writer {
    unsigned char *data;
    size_t size, cap;
    bool failed;
};

static cairo_status_t write_mem(void *closure, const unsigned char *in,
                                unsigned int len)
{
    struct mem_writer *w = closure;
    if (w->size + len > w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 65536;
        while (cap < w->size + len)
            cap *= 2;
        unsigned char *d = realloc(w->data, cap);
        if (d == NULL) {
            w->failed = true;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        w->data = d;
        w->cap = cap;
    }
    memcpy(w->data + w->size, in, len);
    w->size += len;
    return CAIRO_STATUS_SUCCESS;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static const char *decode_png(const unsigned char *in, size_t size,
                              cairo_surface_t **s_r)
{
    /* signature, then IHDR: length 13, "IHDR", width, height */
    if (size < 33 || be32(in + 8) != 13 || memcmp(in + 12, "IHDR", 4) != 0)
        return bad_png;
    uint32_t w = be32(in + 16), h = be32(in + 20);
    if (w == 0 || h == 0)
        return bad_png;
    if (w > BRANDING_LOGO_MAX_SIDE || h > BRANDING_LOGO_MAX_SIDE)
        return too_big;
    struct mem_reader m = {in, size, 0};
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(read_mem,
                                                                    &m);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return bad_png;
    }
    *s_r = s;
    return NULL;
}

struct jpeg_guard {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
};

static void jpeg_fail(j_common_ptr cinfo)
{
    struct jpeg_guard *g = (struct jpeg_guard *)cinfo->err;
    longjmp(g->jump, 1);
}

static void jpeg_quiet(j_common_ptr cinfo, int level)
{
    (void)cinfo;
    (void)level; /* warnings (corrupt data) are not logged to stderr */
}

static void jpeg_progress(j_common_ptr cinfo)
{
    /* a progressive file with very many scans costs time, not bytes */
    j_decompress_ptr d = (j_decompress_ptr)cinfo;
    if (d->input_scan_number > JPEG_MAX_SCANS)
        jpeg_fail(cinfo);
}

static const char *decode_jpeg(const unsigned char *in, size_t size,
                               cairo_surface_t **s_r)
{
    struct jpeg_decompress_struct cinfo;
    struct jpeg_guard g;
    struct jpeg_progress_mgr progress = {.progress_monitor = jpeg_progress};
    /* volatile: read after a longjmp */
    cairo_surface_t *volatile s = NULL;
    volatile const char *msg = bad_jpeg;
    cinfo.err = jpeg_std_error(&g.mgr);
    g.mgr.error_exit = jpeg_fail;
    g.mgr.emit_message = jpeg_quiet;
    if (setjmp(g.jump)) {
        jpeg_destroy_decompress(&cinfo);
        if (s)
            cairo_surface_destroy(s);
        return (const char *)msg;
    }
    jpeg_create_decompress(&cinfo);
    cinfo.mem->max_memory_to_use = JPEG_MAX_MEMORY;
    cinfo.progress = &progress;
    jpeg_mem_src(&cinfo, in, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.image_width > BRANDING_LOGO_MAX_SIDE ||
        cinfo.image_height > BRANDING_LOGO_MAX_SIDE) {
        jpeg_destroy_decompress(&cinfo);
        return too_big;
    }
    if (cinfo.num_components != 1 && cinfo.num_components != 3) {
        jpeg_destroy_decompress(&cinfo);
        return bad_jpeg; /* CMYK/YCCK: not converted by libjpeg */
    }
    /* cairo's RGB24 is B, G, R, unused on little-endian machines, and
     * X, R, G, B in memory order on big-endian ones */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    cinfo.out_color_space = JCS_EXT_BGRX;
#else
    cinfo.out_color_space = JCS_EXT_XRGB;
#endif
    jpeg_start_decompress(&cinfo);
    s = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
                                   (int)cinfo.output_width,
                                   (int)cinfo.output_height);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        jpeg_fail((j_common_ptr)&cinfo);
    cairo_surface_flush(s);
    unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = data + (size_t)cinfo.output_scanline * (size_t)stride;
        if (jpeg_read_scanlines(&cinfo, &row, 1) != 1)
            jpeg_fail((j_common_ptr)&cinfo); /* truncated */
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    cairo_surface_mark_dirty(s);
    *s_r = s;
    return NULL;
}

const char *branding_logo_reencode(const unsigned char *in, size_t size,
                                   unsigned char **png_r, size_t *size_r)
{
    static const unsigned char png_sig[8] = {0x89, 'P',  'N',  'G',
                                             '\r', '\n', 0x1a, '\n'};
    *png_r = NULL;
    *size_r = 0;
    if (size > BRANDING_LOGO_MAX_BYTES)
        return "El archivo es demasiado grande: el logo puede pesar hasta "
               "1 MB.";
    cairo_surface_t *src = NULL;
    const char *msg;
    if (size >= 8 && memcmp(in, png_sig, 8) == 0)
        msg = decode_png(in, size, &src);
    else if (size >= 3 && in[0] == 0xff && in[1] == 0xd8 && in[2] == 0xff)
        msg = decode_jpeg(in, size, &src);
    else
        msg = not_image;
    if (msg)
        return msg;
    int w = cairo_image_surface_get_width(src);
    int h = cairo_image_surface_get_height(src);
    int side = w > h ? w : h;
    double scale = side > BRANDING_LOGO_SIDE ? (double)BRANDING_LOGO_SIDE / side
                                             : 1.0;
    int ow = (int)(w * scale + 0.5), oh = (int)(h * scale + 0.5);
    if (ow < 1)
        ow = 1;
    if (oh < 1)
        oh = 1;
    cairo_surface_t *out =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, ow, oh);
    cairo_t *cr = cairo_create(out);
    cairo_scale(cr, scale, scale);
    cairo_set_source_surface(cr, src, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(src);
    struct mem_writer wr = {0};
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_write_to_png_stream(out, write_mem, &wr);
    cairo_surface_destroy(out);
    if (st != CAIRO_STATUS_SUCCESS || wr.failed) {
        free(wr.data);
        return "No se pudo procesar la imagen. Intente con otro archivo.";
    }
    *png_r = wr.data;
    *size_r = wr.size;
    return NULL;
}
