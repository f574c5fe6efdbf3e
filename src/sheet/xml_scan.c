/*
 * xml_scan: the streaming reader of plain UTF-8 XML (see xml_scan.h).
 *
 * The bytes of the current chunk and whatever a previous chunk left
 * unfinished sit in one buffer. Text runs to the next '<' (memchr) and is
 * handed over as is when it holds no '&'; a tag is copied into a scratch
 * buffer where its name and attributes are cut and decoded in place. Every
 * token is checked once, byte by byte, for UTF-8 and control characters;
 * the same pass counts the lines.
 */
#include "xml_scan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"

struct xml_scan {
    const struct xml_scan_handlers *h;
    void *ud;
    char *buf;              /* pending bytes: an unfinished token */
    size_t len, cap;
    char *tag;              /* a tag, cut and decoded */
    size_t tagcap;
    char *txt;              /* text with entities, decoded */
    size_t txtcap;
    char *stack[XML_SCAN_MAX_DEPTH];
    size_t stacklen[XML_SCAN_MAX_DEPTH];
    int depth;
    bool seen_root, root_closed, at_start, bom_checked, failed;
    unsigned long line;
};

struct xml_scan *xml_scan_new(const struct xml_scan_handlers *h, void *ud)
{
    struct xml_scan *s = xcalloc(1, sizeof *s);
    s->h = h;
    s->ud = ud;
    s->line = 1;
    s->at_start = true;
    return s;
}

void xml_scan_free(struct xml_scan *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < s->depth; i++)
        free(s->stack[i]);
    free(s->buf);
    free(s->tag);
    free(s->txt);
    free(s);
}

unsigned long xml_scan_line(const struct xml_scan *s)
{
    return s->line;
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool xml_scan_plain(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        u += 3;
        n -= 3;
    }
    if (n >= 2 && (u[0] == 0 || u[1] == 0 || (u[0] == 0xFE && u[1] == 0xFF) ||
                   (u[0] == 0xFF && u[1] == 0xFE)))
        return false; /* UTF-16 or UTF-32 */
    if (n < 5 || memcmp(u, "<?xml", 5) != 0)
        return true;
    const unsigned char *end = memchr(u, '>', n);
    if (end == NULL)
        return false; /* a declaration longer than a chunk: expat's */
    size_t dl = (size_t)(end - u);
    for (size_t i = 0; i + 8 < dl; i++) {
        if (memcmp(u + i, "encoding", 8) != 0)
            continue;
        size_t k = i + 8;
        while (k < dl && (is_space(u[k]) || u[k] == '='))
            k++;
        if (k >= dl || (u[k] != '"' && u[k] != '\''))
            return false;
        unsigned char q = u[k++];
        size_t v = k;
        while (k < dl && u[k] != q)
            k++;
        size_t vl = k - v;
        return (vl == 5 && strncasecmp((const char *)u + v, "utf-8", 5) == 0) ||
               (vl == 4 && strncasecmp((const char *)u + v, "utf8", 4) == 0);
    }
    return true;
}

/* Checks n bytes: well-formed UTF-8 (no overlongs, surrogates or code
   points past U+10FFFF), no control characters but tab, CR and LF;
   counts the line feeds. */
static bool check_bytes(struct xml_scan *s, const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p, *e = u + n;
    while (u < e) {
        unsigned char c = *u;
        if (c >= 0x20 && c < 0x80) {
            u++;
            continue;
        }
        if (c < 0x20) {
            if (c == '\n')
                s->line++;
            else if (c != '\t' && c != '\r')
                return false;
            u++;
            continue;
        }
        int more;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF)
            more = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            more = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            more = 3, cp = c & 0x07;
        else
            return false;
        if (e - u <= more)
            return false;
        for (int i = 1; i <= more; i++) {
            if ((u[i] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (u[i] & 0x3F);
        }
        if ((more == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE ||
                           cp == 0xFFFF)) ||
            (more == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        u += more + 1;
    }
    return true;
}

static void reserve(char **b, size_t *cap, size_t n)
{
    if (n <= *cap)
        return;
    size_t c = *cap ? *cap : 256;
    while (c < n)
        c *= 2;
    *b = xrealloc(*b, c);
    *cap = c;
}

/* Decodes the reference that starts at p ('&') within [p, e): the bytes
   go to out (at most 4), *used is how many input bytes it took. -1 when
   it is not a predefined entity or a valid character reference. */
static int decode_ref(const char *p, const char *e, char *out, size_t *used)
{
    const char *semi = memchr(p, ';', (size_t)(e - p));
    /* room for leading zeros ("&#0000065;"), which XML allows */
    if (semi == NULL || semi - p > 40)
        return -1;
    size_t nl = (size_t)(semi - p - 1);
    const char *nm = p + 1;
    *used = nl + 2;
    if (nl == 2 && memcmp(nm, "lt", 2) == 0)
        return out[0] = '<', 1;
    if (nl == 2 && memcmp(nm, "gt", 2) == 0)
        return out[0] = '>', 1;
    if (nl == 3 && memcmp(nm, "amp", 3) == 0)
        return out[0] = '&', 1;
    if (nl == 4 && memcmp(nm, "quot", 4) == 0)
        return out[0] = '"', 1;
    if (nl == 4 && memcmp(nm, "apos", 4) == 0)
        return out[0] = '\'', 1;
    if (nl < 2 || nm[0] != '#')
        return -1;
    uint32_t cp = 0;
    bool hex = nm[1] == 'x';
    size_t i = hex ? 2 : 1;
    if (i >= nl)
        return -1;
    for (; i < nl; i++) {
        char c = nm[i];
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (hex && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        cp = cp * (hex ? 16 : 10) + (uint32_t)d;
        if (cp > 0x10FFFF)
            return -1;
    }
    if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        return -1;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes the references of [p, e) into out (never longer); the length,
   or -1 on a bad reference or a '<'. */
static long decode_into(const char *p, const char *e, char *out)
{
    char *w = out;
    while (p < e) {
        const char *amp = memchr(p, '&', (size_t)(e - p));
        const char *stop = amp ? amp : e;
        if (memchr(p, '<', (size_t)(stop - p)) != NULL)
            return -1;
        memmove(w, p, (size_t)(stop - p));
        w += stop - p;
        if (amp == NULL)
            break;
        size_t used;
        int k = decode_ref(amp, e, w, &used);
        if (k < 0)
            return -1;
        w += k;
        p = amp + used;
    }
    return w - out;
}

/* XML's line ends: "\r\n" and a lone "\r" become "\n" (out may be in). */
static size_t eol(const char *in, size_t n, char *out)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i] == '\r') {
            out[w++] = '\n';
            if (i + 1 < n && in[i + 1] == '\n')
                i++;
        } else {
            out[w++] = in[i];
        }
    }
    return w;
}

static bool stopped(struct xml_scan *s)
{
    return s->h->stopped != NULL && s->h->stopped(s->ud);
}

static int emit(struct xml_scan *s, const char *p, size_t n, bool refs);

/* Text between tags. */
static int text(struct xml_scan *s, const char *p, size_t n)
{
    if (n == 0)
        return 0;
    if (!check_bytes(s, p, n))
        return -1;
    if (s->depth == 0) {
        for (size_t i = 0; i < n; i++)
            if (!is_space((unsigned char)p[i]))
                return -1;
        return 0;
    }
    if (memchr(p, '>', n) != NULL && memmem(p, n, "]]>", 3) != NULL)
        return -1;
    return emit(s, p, n, memchr(p, '&', n) != NULL);
}

/* Hands text over, its line ends normalized and, with refs, its
   references decoded. */
static int emit(struct xml_scan *s, const char *p, size_t n, bool refs)
{
    bool cr = memchr(p, '\r', n) != NULL;
    if (!refs && !cr) {
        s->h->text(s->ud, p, (int)n);
    } else {
        reserve(&s->txt, &s->txtcap, n);
        size_t m = eol(p, n, s->txt);
        long k = refs ? decode_into(s->txt, s->txt + m, s->txt) : (long)m;
        if (k < 0)
            return -1;
        s->h->text(s->ud, s->txt, (int)k);
    }
    return stopped(s) ? -1 : 0;
}

static bool name_char(unsigned char c)
{
    return !is_space(c) && c != '/' && c != '>' && c != '=' && c != '"' && c != '\'' &&
           c != '<' && c != '&';
}

static bool name_start(unsigned char c)
{
    return name_char(c) && !(c >= '0' && c <= '9') && c != '-' && c != '.';
}

/* A start or empty-element tag: t[0..n) is "<...>" copied to s->tag. */
static int start_tag(struct xml_scan *s, char *t, size_t n)
{
    char *p = t + 1, *e = t + n - 1; /* past '<', at '>' */
    bool empty = e > p && e[-1] == '/';
    if (empty)
        e--;
    if (p >= e || !name_start((unsigned char)*p))
        return -1;
    char *name = p;
    while (p < e && name_char((unsigned char)*p))
        p++;
    size_t namelen = (size_t)(p - name);
    const char *atts[2 * XML_SCAN_MAX_ATTS + 1];
    int na = 0;
    char *nameend = p;
    for (;;) {
        bool sep = false;
        while (p < e && is_space((unsigned char)*p))
            p++, sep = true;
        if (p == e)
            break;
        if (!sep || na >= 2 * XML_SCAN_MAX_ATTS || !name_start((unsigned char)*p))
            return -1;
        char *an = p;
        while (p < e && name_char((unsigned char)*p))
            p++;
        char *anend = p;
        while (p < e && is_space((unsigned char)*p))
            p++;
        if (p == e || *p != '=')
            return -1;
        p++;
        while (p < e && is_space((unsigned char)*p))
            p++;
        if (p == e || (*p != '"' && *p != '\''))
            return -1;
        char q = *p++;
        char *v = p;
        char *ve = memchr(v, q, (size_t)(e - v));
        if (ve == NULL)
            return -1;
        /* line ends, then literal white space as spaces, then references
           (a character reference keeps its character) */
        size_t raw = eol(v, (size_t)(ve - v), v);
        for (size_t i = 0; i < raw; i++)
            if (v[i] == '\t' || v[i] == '\n')
                v[i] = ' ';
        long vl = decode_into(v, v + raw, v);
        if (vl < 0)
            return -1;
        *anend = '\0';
        v[vl] = '\0';
        for (int i = 0; i < na; i += 2)
            if (strcmp(atts[i], an) == 0)
                return -1;
        atts[na++] = an;
        atts[na++] = v;
        p = ve + 1;
    }
    atts[na] = NULL;
    *nameend = '\0';
    if (s->depth == 0 && s->seen_root)
        return -1;
    s->seen_root = true;
    s->h->start(s->ud, name, atts);
    if (stopped(s))
        return -1;
    if (empty) {
        s->h->end(s->ud, name);
        if (s->depth == 0)
            s->root_closed = true;
        return stopped(s) ? -1 : 0;
    }
    if (s->depth >= XML_SCAN_MAX_DEPTH)
        return -1;
    s->stack[s->depth] = xmalloc(namelen + 1);
    memcpy(s->stack[s->depth], name, namelen + 1);
    s->stacklen[s->depth] = namelen;
    s->depth++;
    return 0;
}

static int end_tag(struct xml_scan *s, char *t, size_t n)
{
    char *p = t + 2, *e = t + n - 1;
    while (e > p && is_space((unsigned char)e[-1]))
        e--;
    size_t l = (size_t)(e - p);
    if (s->depth == 0)
        return -1;
    int d = s->depth - 1;
    if (l != s->stacklen[d] || memcmp(p, s->stack[d], l) != 0)
        return -1;
    s->h->end(s->ud, s->stack[d]);
    free(s->stack[d]);
    s->depth = d;
    if (d == 0)
        s->root_closed = true;
    return stopped(s) ? -1 : 0;
}

/* The end of the tag starting at p ('<'), quotes skipped; NULL when the
   buffer ends first. */
static const char *tag_end(const char *p, const char *e)
{
    for (const char *q = p + 1; q < e; q++) {
        if (*q == '>')
            return q;
        if (*q == '"' || *q == '\'') {
            const char *c = memchr(q + 1, *q, (size_t)(e - q - 1));
            if (c == NULL)
                return NULL;
            q = c;
        } else if (*q == '<') {
            return q; /* never valid: the caller refuses it */
        }
    }
    return NULL;
}

/* Reads the tokens of [p, e): how many bytes were used (the rest waits
   for more), or -1. */
static long scan(struct xml_scan *s, const char *b, size_t n, bool last)
{
    const char *p = b, *e = b + n;
    while (p < e) {
        if (*p != '<') {
            const char *lt = memchr(p, '<', (size_t)(e - p));
            const char *stop = lt ? lt : e;
            if (lt == NULL && !last) {
                /* keep an unfinished reference (or UTF-8 sequence) */
                const char *amp = memrchr(p, '&', (size_t)(e - p));
                if (amp != NULL && memchr(amp, ';', (size_t)(e - amp)) == NULL)
                    stop = amp;
                while (stop > p && ((unsigned char)stop[-1] & 0xC0) == 0x80)
                    stop--;
                if (stop > p && (unsigned char)stop[-1] >= 0xC0)
                    stop--;
                /* and a '\r' or "]]" whose '\n' or '>' may follow */
                while (stop > p && (stop[-1] == '\r' || stop[-1] == ']') && e - stop < 2)
                    stop--;
            }
            if (text(s, p, (size_t)(stop - p)) < 0)
                return -1;
            if (stop > p)
                s->at_start = false;
            p = stop;
            if (lt == NULL)
                break;
            continue;
        }
        size_t left = (size_t)(e - p);
        s->at_start = s->at_start && p == b;
        if (left >= 4 && memcmp(p, "<!--", 4) == 0) {
            const char *c = memmem(p + 4, left - 4, "-->", 3);
            if (c == NULL)
                break;
            if (!check_bytes(s, p, (size_t)(c + 3 - p)) ||
                memmem(p + 4, (size_t)(c - p - 4), "--", 2) != NULL)
                return -1;
            p = c + 3;
        } else if (left >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
            const char *c = memmem(p + 9, left - 9, "]]>", 3);
            if (c == NULL)
                break;
            if (s->depth == 0 || !check_bytes(s, p, (size_t)(c + 3 - p)))
                return -1;
            if (c > p + 9 && emit(s, p + 9, (size_t)(c - p - 9), false) < 0)
                return -1;
            p = c + 3;
        } else if (left >= 2 && p[1] == '!') {
            if (left < 9 && !last && memcmp(p, "<![CDATA[", left) == 0)
                break;
            if (left < 9 && !last)
                break;
            if (left >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0 && s->h->doctype != NULL) {
                s->h->doctype(s->ud);
                return -1;
            }
            return -1;
        } else if (left >= 2 && p[1] == '?') {
            const char *c = memmem(p + 2, left - 2, "?>", 2);
            if (c == NULL)
                break;
            if (!check_bytes(s, p, (size_t)(c + 2 - p)))
                return -1;
            bool decl = (size_t)(c - p) >= 5 && memcmp(p + 2, "xml", 3) == 0 &&
                        (is_space((unsigned char)p[5]) || p + 5 == c);
            if (decl && !(s->at_start && p == b && !s->seen_root))
                return -1;
            p = c + 2;
        } else {
            const char *c = tag_end(p, e);
            if (c == NULL || (left < 2 && !last))
                break;
            if (*c != '>')
                return -1;
            size_t tl = (size_t)(c + 1 - p);
            if (!check_bytes(s, p, tl))
                return -1;
            reserve(&s->tag, &s->tagcap, tl + 1);
            memcpy(s->tag, p, tl);
            s->tag[tl] = '\0';
            int rc = p[1] == '/' ? end_tag(s, s->tag, tl) : start_tag(s, s->tag, tl);
            if (rc < 0)
                return -1;
            p = c + 1;
        }
        s->at_start = false;
    }
    return p - b;
}

int xml_scan_feed(struct xml_scan *s, const char *p, size_t n, bool last)
{
    if (s->failed)
        return -1;
    const char *b = p;
    size_t bn = n;
    bool inbuf = s->len > 0; /* b points into s->buf */
    if (inbuf) {
        reserve(&s->buf, &s->cap, s->len + n);
        memcpy(s->buf + s->len, p, n);
        s->len += n;
        b = s->buf;
        bn = s->len;
    }
    if (!s->bom_checked) {
        /* one byte order mark, at the very start */
        if (bn < 3 && !last && memcmp(b, "\xEF\xBB\xBF", bn) == 0) {
            if (!inbuf && bn > 0) {
                reserve(&s->buf, &s->cap, bn);
                memcpy(s->buf, b, bn);
                s->len = bn;
            }
            return 0;
        }
        s->bom_checked = true;
        if (bn >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0) {
            b += 3;
            bn -= 3;
        }
    }
    long used = scan(s, b, bn, last);
    if (used < 0 || (last && ((size_t)used < bn || s->depth > 0 || !s->root_closed))) {
        s->failed = true;
        return -1;
    }
    size_t rest = bn - (size_t)used;
    if (rest > XML_SCAN_MAX_TOKEN) {
        s->failed = true;
        return -1;
    }
    if (inbuf) {
        memmove(s->buf, b + used, rest);
    } else if (rest > 0) {
        reserve(&s->buf, &s->cap, rest);
        memcpy(s->buf, b + used, rest);
    }
    s->len = rest;
    return 0;
}
