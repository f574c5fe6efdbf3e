/*
 * Reading an XHSTT archive's bytes, plain or gzip-compressed: the archive's
 * files are 2-4 MB of XML that compress about thirty times, so the
 * repository keeps its test instances as .xml.gz. A file is taken as gzip
 * when it starts with gzip's magic bytes (whatever its name), inflated with
 * zlib into memory, and refused, with a Spanish message naming it, when the
 * compressed data is damaged or inflates past the same size limit as a
 * plain file (no decompression bombs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/util.h"
#include "timetable/xml.h"
#include "xhstt/internal.h"

char *xh_read_bytes(const char *path, long max_bytes, size_t *len_r, char **error_r)
{
    size_t len;
    char *data = xml_read_file(path, max_bytes, &len, error_r);
    if (!data)
        return NULL;
    if (len < 2 || (unsigned char)data[0] != 0x1f || (unsigned char)data[1] != 0x8b) {
        *len_r = len;
        return data;
    }
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 15 + 16) != Z_OK) { /* 16: a gzip header */
        free(data);
        *error_r = str_fmt("%s: no se pudo descomprimir.", str_base_name(path));
        return NULL;
    }
    size_t cap = len * 8 + 4096, n = 0;
    char *out = xmalloc(cap + 1);
    zs.next_in = (unsigned char *)data;
    zs.avail_in = (uInt)len;
    int rc = Z_OK;
    while (rc == Z_OK) {
        if (n == cap) {
            if (cap >= (size_t)max_bytes)
                break;
            cap = cap * 2 > (size_t)max_bytes ? (size_t)max_bytes : cap * 2;
            out = xrealloc(out, cap + 1);
        }
        zs.next_out = (unsigned char *)out + n;
        zs.avail_out = (uInt)(cap - n);
        rc = inflate(&zs, Z_NO_FLUSH);
        n = cap - zs.avail_out;
        if (rc == Z_BUF_ERROR && zs.avail_out > 0)
            break; /* the input ended before the stream did */
    }
    inflateEnd(&zs);
    free(data);
    if (rc != Z_STREAM_END) {
        free(out);
        if (n == cap && cap >= (size_t)max_bytes)
            *error_r = str_fmt("%s: descomprimido pesa más de %ld MiB; no se importa.",
                               str_base_name(path), max_bytes >> 20);
        else
            *error_r = str_fmt("%s: el archivo comprimido está dañado.", str_base_name(path));
        return NULL;
    }
    out[n] = '\0';
    *len_r = n;
    return out;
}
