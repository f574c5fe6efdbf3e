/*
 * xml_scan: a streaming reader of plain UTF-8 XML for the one large part
 * of an .xlsx, its worksheet (tens of MB for a school of 10,000: expat's
 * general tokenizer was half of an import's time).
 *
 * It calls the same start/end/text handlers expat would, with local
 * names kept as written (prefix included), attribute values and text with
 * the five predefined entities and character references decoded, and
 * refuses what is not well-formed: tags that do not match, bytes that are
 * not UTF-8 or are control characters, an undefined entity, text outside
 * the root. A DOCTYPE is never read: it is reported to on_doctype and the
 * scan stops (no entity can be declared, so none can expand). Documents
 * that declare another encoding are the caller's to give to expat
 * (xml_scan_plain tells).
 *
 * Feed it in chunks of any size; a token cut by a chunk's end waits for
 * the next (up to XML_SCAN_MAX_TOKEN bytes).
 */
#ifndef BIS_XML_SCAN_H
#define BIS_XML_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#define XML_SCAN_MAX_TOKEN (1u << 20)
#define XML_SCAN_MAX_DEPTH 64
#define XML_SCAN_MAX_ATTS 64

struct xml_scan_handlers {
    void (*start)(void *ud, const char *name, const char **atts);
    void (*end)(void *ud, const char *name);
    void (*text)(void *ud, const char *s, int len);
    void (*doctype)(void *ud);
    /* polled after every handler: true stops the scan (a handler refused) */
    bool (*stopped)(void *ud);
};

struct xml_scan;

struct xml_scan *xml_scan_new(const struct xml_scan_handlers *h, void *ud);
void xml_scan_free(struct xml_scan *s);

/* Whether the document starting with these bytes (its first chunk) is
   plain UTF-8 without a declaration of another encoding: what xml_scan
   reads. */
bool xml_scan_plain(const char *p, size_t n);

/* The next chunk; last true on the final one (n may be 0). 0 while the
   document is fine, -1 when it is not well-formed (xml_scan_line says
   where) or a handler stopped the scan. */
int xml_scan_feed(struct xml_scan *s, const char *p, size_t n, bool last);

/* The 1-based line of the token being read when the scan failed. */
unsigned long xml_scan_line(const struct xml_scan *s);

#endif
