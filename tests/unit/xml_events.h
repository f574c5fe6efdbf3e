/*
 * The events of an XML document as one string, read two ways: by expat
 * (the reference) and by src/sheet/xml_scan (the worksheet reader), in
 * chunks of a given size. "S name k=v k=v\n", "T text\n" (adjacent text
 * joined, however either parser cut it), "E name\n". Used by
 * tests/unit/test_xml_scan.c and the differential fuzz target
 * tests/fuzz/fuzz_xml_scan.c.
 */
#ifndef BIS_TEST_XML_EVENTS_H
#define BIS_TEST_XML_EVENTS_H
#include <expat.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sheet/xml_scan.h"

struct xml_events {
    char *log;
    size_t len, cap;
    char *text;         /* text waiting to be joined */
    size_t tlen, tcap;
    bool doctype;
};

static inline void xev_put(char **b, size_t *len, size_t *cap, const char *p, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t c = *cap ? *cap : 256;
        while (c < *len + n + 1)
            c *= 2;
        char *nb = realloc(*b, c);
        if (nb == NULL)
            abort();
        *b = nb;
        *cap = c;
    }
    memcpy(*b + *len, p, n);
    *len += n;
    (*b)[*len] = '\0';
}

static inline void xev_flush(struct xml_events *e)
{
    if (e->tlen == 0)
        return;
    xev_put(&e->log, &e->len, &e->cap, "T ", 2);
    xev_put(&e->log, &e->len, &e->cap, e->text, e->tlen);
    xev_put(&e->log, &e->len, &e->cap, "\n", 1);
    e->tlen = 0;
}

static inline void xev_start(void *ud, const char *name, const char **atts)
{
    struct xml_events *e = ud;
    xev_flush(e);
    xev_put(&e->log, &e->len, &e->cap, "S ", 2);
    xev_put(&e->log, &e->len, &e->cap, name, strlen(name));
    for (int i = 0; atts[i] != NULL; i += 2) {
        xev_put(&e->log, &e->len, &e->cap, " ", 1);
        xev_put(&e->log, &e->len, &e->cap, atts[i], strlen(atts[i]));
        xev_put(&e->log, &e->len, &e->cap, "=", 1);
        xev_put(&e->log, &e->len, &e->cap, atts[i + 1], strlen(atts[i + 1]));
    }
    xev_put(&e->log, &e->len, &e->cap, "\n", 1);
}

static inline void xev_end(void *ud, const char *name)
{
    struct xml_events *e = ud;
    xev_flush(e);
    xev_put(&e->log, &e->len, &e->cap, "E ", 2);
    xev_put(&e->log, &e->len, &e->cap, name, strlen(name));
    xev_put(&e->log, &e->len, &e->cap, "\n", 1);
}

static inline void xev_text(void *ud, const char *s, int n)
{
    struct xml_events *e = ud;
    xev_put(&e->text, &e->tlen, &e->tcap, s, (size_t)n);
}

static inline void xev_doctype(void *ud)
{
    ((struct xml_events *)ud)->doctype = true;
}

static inline void XMLCALL xev_expat_doctype(void *ud, const XML_Char *name,
                                             const XML_Char *sysid, const XML_Char *pubid,
                                             int internal)
{
    (void)name, (void)sysid, (void)pubid, (void)internal;
    xev_doctype(ud);
}

static inline void xev_free(struct xml_events *e)
{
    free(e->log);
    free(e->text);
    memset(e, 0, sizeof *e);
}

/* expat's reading: true when well-formed. DOCTYPEs are refused, as the
   reader refuses them. */
static inline bool xev_expat(const char *doc, size_t n, struct xml_events *e)
{
    memset(e, 0, sizeof *e);
    XML_Parser p = XML_ParserCreate(NULL);
    XML_SetUserData(p, e);
    XML_SetElementHandler(p, xev_start, xev_end);
    XML_SetCharacterDataHandler(p, xev_text);
    XML_SetStartDoctypeDeclHandler(p, xev_expat_doctype);
    bool ok = XML_Parse(p, doc, (int)n, 1) == XML_STATUS_OK && !e->doctype;
    XML_ParserFree(p);
    xev_flush(e);
    return ok;
}

/* xml_scan's reading in chunks of `chunk` bytes (0: one chunk), the last
   call empty. */
static inline bool xev_scan(const char *doc, size_t n, size_t chunk, struct xml_events *e,
                            unsigned long *line)
{
    memset(e, 0, sizeof *e);
    static const struct xml_scan_handlers h = {
        .start = xev_start, .end = xev_end, .text = xev_text, .doctype = xev_doctype};
    struct xml_scan *s = xml_scan_new(&h, e);
    bool ok = true;
    size_t step = chunk ? chunk : (n ? n : 1);
    for (size_t i = 0; ok && i < n; i += step)
        ok = xml_scan_feed(s, doc + i, n - i < step ? n - i : step, false) == 0;
    if (ok)
        ok = xml_scan_feed(s, "", 0, true) == 0;
    if (line)
        *line = xml_scan_line(s);
    xml_scan_free(s);
    xev_flush(e);
    return ok && !e->doctype;
}

#endif
