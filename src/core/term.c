/*
 * Escaping of text for a terminal (see term.h). One pass over the bytes:
 * a valid UTF-8 sequence is copied unless it encodes a control character;
 * anything else is written as a visible escape. The output is measured as it
 * is written, so the same function sizes a buffer and fills it.
 */
#include "core/term.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is not one. */
static size_t utf8_length(const unsigned char *s, unsigned *cp_r)
{
    unsigned c = s[0];
    size_t n;
    unsigned cp, min;
    if (c < 0x80) {
        *cp_r = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    *cp_r = cp;
    return n;
}

size_t term_escape(char *out, size_t n, const char *s, unsigned keep)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t used = 0, written = 0;
    bool full = false;
    while (*p) {
        unsigned cp = 0;
        size_t len = utf8_length(p, &cp);
        char esc[8];
        const char *piece = (const char *)p;
        size_t plen = len;
        if (len == 0) {
            snprintf(esc, sizeof esc, "\\x%02x", *p);
            piece = esc, plen = 4, len = 1;
        } else if (cp == '\\') {
            piece = "\\\\", plen = 2;
        } else if ((cp == '\n' && (keep & TERM_KEEP_NEWLINE)) ||
                   (cp == '\t' && (keep & TERM_KEEP_TAB))) {
            /* kept as it is */
        } else if (cp < 0x20 || cp == 0x7F) {
            snprintf(esc, sizeof esc, "\\x%02x", cp);
            piece = esc, plen = 4;
        } else if (cp >= 0x80 && cp <= 0x9F) {
            snprintf(esc, sizeof esc, "\\u%04x", cp);
            piece = esc, plen = 6;
        }
        if (!full && out != NULL && used + plen < n) {
            memcpy(out + used, piece, plen);
            written = used + plen;
        } else {
            full = true;
        }
        used += plen;
        p += len;
    }
    if (out != NULL && n > 0)
        out[written] = '\0';
    return used;
}

char *term_escape_dup(const char *s, unsigned keep)
{
    size_t need = term_escape(NULL, 0, s, keep) + 1;
    char *out = xmalloc(need);
    term_escape(out, need, s, keep);
    return out;
}
