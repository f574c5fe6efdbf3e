/*
 * A small read-only XML tree for the timetable file formats (FET, XHSTT):
 * expat turns a file into elements with their attributes, the text of leaf
 * elements and the line of each start tag. DOCTYPE declarations are refused
 * (no entity tricks) and nesting is limited, so a hostile file costs at most
 * its size in memory.
 */
#ifndef BIS_TIMETABLE_XML_H
#define BIS_TIMETABLE_XML_H

#include <stdbool.h>
#include <stddef.h>

struct xnode {
    char *name;
    char *text;            /* leaf elements only; NULL otherwise */
    char **attrs;          /* name, value, ..., NULL; NULL when none */
    int line;
    struct xnode *kids, *last, *next;
};

/* Reads and parses a whole file of at most max_bytes. On error returns
 * NULL with a Spanish message in *error_r naming the file (and the line).
 * what names the format in messages ("un archivo FET"). */
struct xnode *xml_load(const char *path, long max_bytes, const char *what, char **error_r);
void xml_free(struct xnode *n);
/* The parts of xml_load, for callers that need the bytes too. */
char *xml_read_file(const char *path, long max_bytes, size_t *len_r, char **error_r);
struct xnode *xml_parse(const char *data, size_t len, const char *fname, const char *what,
                        char **error_r);

const char *xml_text(const struct xnode *n);                 /* "" when none */
const struct xnode *xml_child(const struct xnode *n, const char *name);
const char *xml_child_text(const struct xnode *n, const char *name); /* NULL: no child */
const char *xml_attr(const struct xnode *n, const char *name);       /* NULL: none */

struct strbuf;
/* Appends s with &, <, >, " and ' escaped (element text and attributes). */
void xml_escape(struct strbuf *sb, const char *s);

/* The first error of a reader: sets *error_r, unless already set, to
   "fname, línea N: message" (n's line; "fname: message" when n is NULL).
   Returns -1. */
int xml_fail(char **error_r, const char *fname, const struct xnode *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Open addressing from a borrowed string to an int; keeps the first value
 * of a key. Zero-initialize, free with smap_free. */
struct strmap {
    const char **keys;
    int *vals;
    size_t cap, n;
};
int smap_get(const struct strmap *m, const char *key); /* -1: absent */
void smap_put(struct strmap *m, const char *key, int val);
void smap_free(struct strmap *m);

#endif
