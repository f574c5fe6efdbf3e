/*
 * The small XML tree of xml.h: expat events build elements with their
 * attributes; character data is kept for leaf elements only (the
 * indentation between elements is dropped).
 */
#include "timetable/xml.h"

#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util.h"

#define XML_MAX_DEPTH 64

void xml_free(struct xnode *n)
{
    while (n) {
        struct xnode *next = n->next;
        xml_free(n->kids); /* recursion is bounded by XML_MAX_DEPTH */
        if (n->attrs)
            for (char **a = n->attrs; *a; a++)
                free(*a);
        free(n->attrs);
        free(n->name);
        free(n->text);
        free(n);
        n = next;
    }
}

const char *xml_text(const struct xnode *n)
{
    return n && n->text ? n->text : "";
}

const struct xnode *xml_child(const struct xnode *n, const char *name)
{
    for (const struct xnode *k = n ? n->kids : NULL; k; k = k->next)
        if (strcmp(k->name, name) == 0)
            return k;
    return NULL;
}

const char *xml_child_text(const struct xnode *n, const char *name)
{
    const struct xnode *k = xml_child(n, name);
    return k ? xml_text(k) : NULL;
}

const char *xml_attr(const struct xnode *n, const char *name)
{
    if (n && n->attrs)
        for (char **a = n->attrs; a[0]; a += 2)
            if (strcmp(a[0], name) == 0)
                return a[1];
    return NULL;
}

int xml_fail(char **error_r, const char *fname, const struct xnode *n, const char *fmt, ...)
{
    if (*error_r)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    char *msg = str_vfmt(fmt, ap);
    va_end(ap);
    *error_r = n ? str_fmt("%s, línea %d: %s", fname, n->line, msg)
                 : str_fmt("%s: %s", fname, msg);
    free(msg);
    return -1;
}

void xml_escape(struct strbuf *sb, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': strbuf_adds(sb, "&amp;"); break;
        case '<': strbuf_adds(sb, "&lt;"); break;
        case '>': strbuf_adds(sb, "&gt;"); break;
        case '"': strbuf_adds(sb, "&quot;"); break;
        case '\'': strbuf_adds(sb, "&apos;"); break;
        default: strbuf_add(sb, s, 1);
        }
    }
}

struct dom_parse {
    XML_Parser parser;
    struct xnode *stack[XML_MAX_DEPTH];
    int depth;
    struct xnode *root;
    struct strbuf text;   /* character data of the innermost open element */
    char *error;
    const char *fname, *what;
};

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    struct dom_parse *dp = ud;
    if (dp->depth >= XML_MAX_DEPTH) {
        dp->error = str_fmt("%s, línea %lu: el XML anida más de %d elementos.", dp->fname,
                            (unsigned long)XML_GetCurrentLineNumber(dp->parser), XML_MAX_DEPTH);
        XML_StopParser(dp->parser, XML_FALSE);
        return;
    }
    struct xnode *n = xcalloc(1, sizeof(*n));
    n->name = xstrdup(name);
    n->line = (int)XML_GetCurrentLineNumber(dp->parser);
    if (attrs && attrs[0]) {
        size_t na = 0;
        while (attrs[na])
            na++;
        n->attrs = xcalloc(na + 1, sizeof(char *));
        for (size_t i = 0; i < na; i++)
            n->attrs[i] = xstrdup(attrs[i]);
    }
    if (dp->depth == 0) {
        dp->root = n;
    } else {
        struct xnode *parent = dp->stack[dp->depth - 1];
        if (parent->last)
            parent->last->next = n;
        else
            parent->kids = n;
        parent->last = n;
    }
    dp->stack[dp->depth++] = n;
    dp->text.len = 0; /* the parent's indentation */
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    (void)name;
    struct dom_parse *dp = ud;
    struct xnode *n = dp->stack[--dp->depth];
    if (!n->kids)
        n->text = xstrndup(dp->text.data ? dp->text.data : "", dp->text.len);
    dp->text.len = 0;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct dom_parse *dp = ud;
    if (dp->depth > 0)
        strbuf_add(&dp->text, s, (size_t)len);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    /* Neither format uses one; refusing it rules out entity tricks. */
    struct dom_parse *dp = ud;
    dp->error = str_fmt("%s, línea %lu: %s no lleva declaración DOCTYPE.", dp->fname,
                        (unsigned long)XML_GetCurrentLineNumber(dp->parser), dp->what);
    XML_StopParser(dp->parser, XML_FALSE);
}

char *xml_read_file(const char *path, long max_bytes, size_t *len_r, char **error_r)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        *error_r = str_fmt("No se pudo abrir «%s»: %s.", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(fp);
        *error_r = str_fmt("«%s» no es un archivo.", path);
        return NULL;
    }
    if (st.st_size > max_bytes) {
        fclose(fp);
        *error_r = str_fmt("%s: el archivo pesa más de %ld MiB; no se importa.",
                           str_base_name(path), max_bytes >> 20);
        return NULL;
    }
    char *buf = xmalloc((size_t)st.st_size + 1);
    size_t n = fread(buf, 1, (size_t)st.st_size, fp);
    bool bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        *error_r = str_fmt("No se pudo leer «%s».", path);
        return NULL;
    }
    buf[n] = '\0';
    *len_r = n;
    return buf;
}

struct xnode *xml_parse(const char *data, size_t len, const char *fname, const char *what,
                        char **error_r)
{
    struct dom_parse dp = {0};
    dp.fname = fname;
    dp.what = what;
    strbuf_init(&dp.text);
    dp.parser = XML_ParserCreate(NULL);
    XML_SetUserData(dp.parser, &dp);
    XML_SetElementHandler(dp.parser, on_start, on_end);
    XML_SetCharacterDataHandler(dp.parser, on_text);
    XML_SetStartDoctypeDeclHandler(dp.parser, on_doctype);
    if (len > (size_t)INT32_MAX ||
        XML_Parse(dp.parser, data, (int)len, XML_TRUE) == XML_STATUS_ERROR) {
        if (!dp.error)
            dp.error = str_fmt("%s, línea %lu: XML mal formado (%s).", fname,
                               (unsigned long)XML_GetCurrentLineNumber(dp.parser),
                               XML_ErrorString(XML_GetErrorCode(dp.parser)));
        xml_free(dp.root);
        dp.root = NULL;
    }
    XML_ParserFree(dp.parser);
    strbuf_cleanup(&dp.text);
    if (!dp.root) {
        *error_r = dp.error ? dp.error : str_fmt("%s: el archivo está vacío.", fname);
        return NULL;
    }
    return dp.root;
}

struct xnode *xml_load(const char *path, long max_bytes, const char *what, char **error_r)
{
    size_t len;
    char *data = xml_read_file(path, max_bytes, &len, error_r);
    if (!data)
        return NULL;
    struct xnode *root = xml_parse(data, len, str_base_name(path), what, error_r);
    free(data);
    return root;
}

/* --- Name maps ---------------------------------------------------------- */

static size_t str_hash(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

int smap_get(const struct strmap *m, const char *key)
{
    if (!m->cap)
        return -1;
    for (size_t i = str_hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i])
            return -1;
        if (strcmp(m->keys[i], key) == 0)
            return m->vals[i];
    }
}

void smap_put(struct strmap *m, const char *key, int val)
{
    if ((m->n + 1) * 2 > m->cap) {
        struct strmap old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->keys = xcalloc(m->cap, sizeof(char *));
        m->vals = xcalloc(m->cap, sizeof(int));
        m->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i])
                smap_put(m, old.keys[i], old.vals[i]);
        free(old.keys);
        free(old.vals);
    }
    size_t i = str_hash(key) & (m->cap - 1);
    for (; m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (strcmp(m->keys[i], key) == 0)
            return;
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
}

void smap_free(struct strmap *m)
{
    free(m->keys);
    free(m->vals);
}
