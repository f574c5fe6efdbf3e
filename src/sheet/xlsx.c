/*
 * .xlsx (Office Open XML), read from memory with libzip and xml_scan
 * (expat for a part in an encoding other than UTF-8): the first
 * worksheet's cells as text.
 *
 * The parts are read in the order the cells need them: the package's
 * relationships _rels/.rels (where the workbook is: xl/workbook.xml
 * nearly always, and when that part is missing), the workbook (the first
 * <sheet>'s relationship id, the 1904 date system), its relationships
 * xl/_rels/workbook.xml.rels (the worksheet's part name),
 * xl/styles.xml (which cell formats show dates: the built-in formats 14-22
 * and 45-47 and custom format codes with d, m or y outside quotes and
 * brackets), xl/sharedStrings.xml (each string put once into the grid's
 * arena, rich text runs joined, phonetic runs left out), then the
 * worksheet, streamed straight into the grid: cells are
 * placed by their reference ("AB12"), so skipped rows and cells cost
 * nothing.
 *
 * A zip is hostile until proven otherwise. Before anything is inflated,
 * the number of entries (from the end-of-central-directory record) and
 * every entry's declared size and compression ratio are checked against
 * the limits; while inflating, the bytes actually produced are counted
 * (the declared sizes may lie) against the entry's declared size, the
 * ratio and the total allowed. Any XML part with a document type
 * declaration is refused at once (no DTD, no entities: no XML bomb); for
 * a part read by expat, its billion-laughs protection is set tighter than
 * its default as a second fence. Every refusal is a Spanish message
 * saying why.
 *
 * Why not expat for everything: a 10,000-student worksheet is 68 MB of
 * markup (openpyxl writes inline strings), and expat's general tokenizer
 * took half of an import's time (1.1 s of CPU to read it); xml_scan, which
 * reads only plain UTF-8 and hands the same events to the same handlers,
 * reads it in 0.7 s all told. The differential fuzz target fuzz_xml_scan
 * holds the two to the same reading.
 */
#define XML_DTD 1 /* Debian's expat has it: declares the billion-laughs fence */
#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/util.h"
#include "sheet/grid.h"
#include "sheet/xml_scan.h"

/* An entry may inflate up to this much before its ratio counts: small
   parts compress well and are harmless. */
#define RATIO_FLOOR (1u << 20)
#define MAX_ENTRIES 10000
#define MAX_XFS 65536
#define MAX_NUMFMTS 4096

enum fmt_kind { FMT_NONE, FMT_DATE, FMT_DATETIME, FMT_TIME };

struct numfmt {
    unsigned id;
    unsigned char kind;
};

struct xlsx {
    zip_t *za;
    const struct sheet_limits *lim;
    char *err;
    size_t errn;
    XML_Parser parser;
    const char *part;       /* the part being parsed, for messages */
    bool failed;            /* a handler refused: the message is set */
    size_t unpacked;        /* bytes inflated so far, every part */

    /* workbook and its relationships */
    bool date1904;
    bool have_sheet;
    char *sheet_rid;
    char *sheet_part;
    char *wb_part;          /* "xl/workbook.xml" */
    char *wb_dir;           /* "xl/" (or "" at the root) */
    char *styles_part, *sst_part;

    /* styles */
    int in_numfmts, in_cellxfs;
    struct numfmt *fmts;
    size_t nfmts;
    unsigned char *xf_kind;
    size_t nxf, capxf;

    /* text of the element being collected (<t>, <v>) */
    bool collecting;
    int in_rph;             /* phonetic runs: not part of the text */
    char *buf;
    size_t blen;
    bool too_long;

    /* shared strings: arena offset and length of each */
    uint32_t *sst;
    uint32_t *sst_len;
    size_t nsst, capsst;

    /* the worksheet */
    struct sheet_grid g;
    int row, col;           /* current row and cell (0-based) */
    char ctype[16];         /* the cell's t="" */
    long cstyle;            /* the cell's s="" */
    bool in_c, in_is, in_sheetdata;
};

static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (int i = 0; atts[i] != NULL; i += 2)
        if (strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

static void stop(struct xlsx *x)
{
    x->failed = true;
    if (x->parser != NULL)
        XML_StopParser(x->parser, XML_FALSE);
}

/* --- Collected text ------------------------------------------------------ */

static void text_reset(struct xlsx *x)
{
    x->blen = 0;
    x->too_long = false;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int n)
{
    struct xlsx *x = ud;
    if (!x->collecting || x->in_rph > 0 || x->too_long)
        return;
    if (x->blen + (size_t)n > x->lim->max_cell * 2 + 16) {
        /* room for the _xHHHH_ escapes decoded later, and no more */
        x->too_long = true;
        return;
    }
    memcpy(x->buf + x->blen, s, (size_t)n);
    x->blen += (size_t)n;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* OOXML writes characters XML cannot hold (a line's CR) as "_x000D_":
   decoded in place (the UTF-8 is never longer than the escape). */
static void decode_escapes(struct xlsx *x)
{
    char *b = x->buf;
    size_t r = 0, w = 0, n = x->blen;
    while (r < n) {
        if (b[r] == '_' && r + 7 <= n && b[r + 1] == 'x' && b[r + 6] == '_') {
            int h0 = hexval(b[r + 2]), h1 = hexval(b[r + 3]), h2 = hexval(b[r + 4]),
                h3 = hexval(b[r + 5]);
            if (h0 >= 0 && h1 >= 0 && h2 >= 0 && h3 >= 0) {
                unsigned cp = (unsigned)(h0 << 12 | h1 << 8 | h2 << 4 | h3);
                r += 7;
                if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
                    continue;
                if (cp < 0x80) {
                    b[w++] = (char)cp;
                } else if (cp < 0x800) {
                    b[w++] = (char)(0xC0 | (cp >> 6));
                    b[w++] = (char)(0x80 | (cp & 0x3F));
                } else {
                    b[w++] = (char)(0xE0 | (cp >> 12));
                    b[w++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    b[w++] = (char)(0x80 | (cp & 0x3F));
                }
                continue;
            }
        }
        b[w++] = b[r++];
    }
    x->blen = w;
    if (w > x->lim->max_cell)
        x->too_long = true;
}

/* --- Reading a part ------------------------------------------------------ */

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    struct xlsx *x = ud;
    sheet_fail(x->err, x->errn,
               "El archivo .xlsx fue rechazado: la parte %s contiene una declaración DOCTYPE "
               "(posible bomba XML), algo que Excel nunca escribe.",
               x->part);
    stop(x);
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param,
                              const XML_Char *value, int value_len, const XML_Char *base,
                              const XML_Char *sysid, const XML_Char *pubid,
                              const XML_Char *notation)
{
    (void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)sysid,
        (void)pubid, (void)notation;
    on_doctype(ud, NULL, NULL, NULL, 0);
}

static void scan_doctype(void *ud)
{
    on_doctype(ud, NULL, NULL, NULL, 0);
}

static bool scan_stopped(void *ud)
{
    return ((struct xlsx *)ud)->failed;
}

static int damaged(struct xlsx *x, const char *why)
{
    return sheet_fail(x->err, x->errn,
                      "El archivo .xlsx está dañado o incompleto (%s): ábralo en Excel y "
                      "guárdelo de nuevo.",
                      why);
}

static int bomb(struct xlsx *x, const char *name)
{
    char size[32];
    sheet_size_text(x->lim->max_unpacked, size);
    return sheet_fail(x->err, x->errn,
                      "El archivo .xlsx fue rechazado: la parte %s se expande a un tamaño "
                      "desproporcionado (posible bomba zip; límite %s en total, "
                      "compresión de %u a 1).",
                      name, size, x->lim->max_ratio);
}

/* Parses the part named name (case-insensitive) with the handlers given:
   1 when parsed, 0 when the zip has no such part, -1 with the message. */
static int parse_part(struct xlsx *x, const char *name, XML_StartElementHandler start,
                      XML_EndElementHandler end)
{
    zip_int64_t idx = zip_name_locate(x->za, name, ZIP_FL_NOCASE);
    if (idx < 0)
        return 0;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(x->za, (zip_uint64_t)idx, 0, &st) < 0 ||
        !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
        return damaged(x, name);
    zip_file_t *zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
    if (zf == NULL) {
        int ze = zip_error_code_zip(zip_get_error(x->za));
        if (ze == ZIP_ER_NOPASSWD || ze == ZIP_ER_WRONGPASSWD || ze == ZIP_ER_ENCRNOTSUPP)
            return sheet_fail(x->err, x->errn,
                              "El archivo está protegido con contraseña: ábralo en Excel, "
                              "quítele la contraseña y guárdelo de nuevo antes de importarlo.");
        return damaged(x, name);
    }
    /* plain UTF-8 (what Excel, LibreOffice and openpyxl write) goes
       through xml_scan; a part in another encoding through expat */
    XML_Parser p = NULL;
    struct xml_scan *scan = NULL;
    const struct xml_scan_handlers handlers = {
        .start = start, .end = end, .text = on_text, .doctype = scan_doctype,
        .stopped = scan_stopped};
    x->part = name;
    enum { CHUNK = 64 * 1024 };
    char *chunk = xmalloc(CHUNK);
    zip_uint64_t got = 0;
    int rc = 1;
    for (;;) {
        zip_int64_t n = zip_fread(zf, chunk, CHUNK);
        if (n < 0) {
            rc = damaged(x, name);
            break;
        }
        got += (zip_uint64_t)n;
        x->unpacked += (size_t)n;
        if (got > st.size) {
            rc = sheet_fail(x->err, x->errn,
                            "El archivo .xlsx fue rechazado: la parte %s se expande a más de lo "
                            "que declara (posible bomba zip).",
                            name);
            break;
        }
        if (x->unpacked > x->lim->max_unpacked ||
            (got > RATIO_FLOOR && got / (st.comp_size ? st.comp_size : 1) > x->lim->max_ratio)) {
            rc = bomb(x, name);
            break;
        }
        if (p == NULL && scan == NULL) {
            if (xml_scan_plain(chunk, (size_t)n)) {
                scan = xml_scan_new(&handlers, x);
            } else {
                p = XML_ParserCreate(NULL);
                x->parser = p;
                XML_SetUserData(p, x);
                XML_SetElementHandler(p, start, end);
                XML_SetCharacterDataHandler(p, on_text);
                XML_SetStartDoctypeDeclHandler(p, on_doctype);
                XML_SetEntityDeclHandler(p, on_entity);
                XML_SetBillionLaughsAttackProtectionMaximumAmplification(p, 20.0f);
                XML_SetBillionLaughsAttackProtectionActivationThreshold(p, 1u << 20);
            }
        }
        bool bad = scan ? xml_scan_feed(scan, chunk, (size_t)n, n == 0) < 0
                        : XML_Parse(p, chunk, (int)n, n == 0) == XML_STATUS_ERROR;
        if (bad) {
            if (x->failed) {
                rc = -1;
            } else {
                char why[160];
                snprintf(why, sizeof(why), "XML inválido en %s, línea %lu", name,
                         scan ? xml_scan_line(scan)
                              : (unsigned long)XML_GetCurrentLineNumber(p));
                rc = damaged(x, why);
            }
            break;
        }
        if (n == 0)
            break;
    }
    free(chunk);
    if (p != NULL)
        XML_ParserFree(p);
    xml_scan_free(scan);
    x->parser = NULL;
    zip_fclose(zf);
    return rc;
}

/* --- The workbook and its relationships ---------------------------------- */

static void XMLCALL wb_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    struct xlsx *x = ud;
    const char *n = local(el);
    if (strcmp(n, "workbookPr") == 0) {
        const char *v = attr(atts, "date1904");
        x->date1904 = v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    } else if (strcmp(n, "sheet") == 0 && !x->have_sheet) {
        const char *id = attr(atts, "id");
        x->have_sheet = true;
        if (id != NULL)
            x->sheet_rid = xstrdup(id);
    }
}

static void XMLCALL no_end(void *ud, const XML_Char *el)
{
    (void)ud, (void)el;
}

/* A relationship's target as a part name: absolute within the package,
   or relative to the folder of the part that holds the relationship. */
static char *resolve_target(const char *dir, const char *target)
{
    if (target[0] == '/')
        return xstrdup(target + 1);
    while (strncmp(target, "./", 2) == 0)
        target += 2;
    return str_fmt("%s%s", dir, target);
}

static void XMLCALL root_rels_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    struct xlsx *x = ud;
    if (strcmp(local(el), "Relationship") != 0 || x->wb_part != NULL)
        return;
    const char *type = attr(atts, "Type"), *target = attr(atts, "Target");
    size_t n = type ? strlen(type) : 0;
    if (target != NULL && n >= 15 && strcmp(type + n - 15, "/officeDocument") == 0)
        x->wb_part = resolve_target("", target);
}

static void XMLCALL rels_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    struct xlsx *x = ud;
    if (strcmp(local(el), "Relationship") != 0)
        return;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target"), *type = attr(atts, "Type");
    if (id == NULL || target == NULL)
        return;
    size_t n = type ? strlen(type) : 0;
    if (strcmp(id, x->sheet_rid) == 0 && x->sheet_part == NULL)
        x->sheet_part = resolve_target(x->wb_dir, target);
    else if (n >= 7 && strcmp(type + n - 7, "/styles") == 0 && x->styles_part == NULL)
        x->styles_part = resolve_target(x->wb_dir, target);
    else if (n >= 14 && strcmp(type + n - 14, "/sharedStrings") == 0 && x->sst_part == NULL)
        x->sst_part = resolve_target(x->wb_dir, target);
}

/* --- Styles: which cell formats are dates -------------------------------- */

static unsigned char builtin_kind(unsigned id)
{
    if (id >= 14 && id <= 17)
        return FMT_DATE;
    if (id == 22)
        return FMT_DATETIME;
    if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47))
        return FMT_TIME;
    return FMT_NONE;
}

/* A custom format code: a date when it shows a day, month or year outside
   quoted text, [brackets] (colours, locales, elapsed time) and escaped
   characters; a time when it shows only hours, minutes or seconds. */
static unsigned char code_kind(const char *code)
{
    bool d = false, m = false, y = false, h = false, s = false;
    for (const char *p = code; *p; p++) {
        char c = *p;
        if (c == '"') {
            p = strchr(p + 1, '"');
            if (p == NULL)
                break;
        } else if (c == '[') {
            p = strchr(p + 1, ']');
            if (p == NULL)
                break;
        } else if (c == '\\' || c == '_' || c == '*') {
            if (p[1] == '\0')
                break;
            p++;
        } else if (c == ';') {
            break; /* the first section decides */
        } else {
            switch (c | 0x20) {
            case 'd': d = true; break;
            case 'm': m = true; break;
            case 'y': y = true; break;
            case 'h': h = true; break;
            case 's': s = true; break;
            case 'e': y = true; break; /* era year */
            }
        }
    }
    if (strcmp(code, "General") == 0)
        return FMT_NONE;
    if (d || y)
        return h || s ? FMT_DATETIME : FMT_DATE;
    if (h || s)
        return FMT_TIME;
    return m ? FMT_DATE : FMT_NONE;
}

static void XMLCALL styles_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    struct xlsx *x = ud;
    const char *n = local(el);
    if (strcmp(n, "numFmts") == 0) {
        x->in_numfmts++;
    } else if (strcmp(n, "cellXfs") == 0) {
        x->in_cellxfs++;
    } else if (strcmp(n, "numFmt") == 0 && x->in_numfmts > 0 && x->nfmts < MAX_NUMFMTS) {
        const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
        if (id == NULL || code == NULL)
            return;
        if (x->fmts == NULL)
            x->fmts = xmalloc(MAX_NUMFMTS * sizeof(*x->fmts));
        x->fmts[x->nfmts].id = (unsigned)strtoul(id, NULL, 10);
        x->fmts[x->nfmts].kind = code_kind(code);
        x->nfmts++;
    } else if (strcmp(n, "xf") == 0 && x->in_cellxfs > 0 && x->nxf < MAX_XFS) {
        const char *idv = attr(atts, "numFmtId");
        unsigned id = idv ? (unsigned)strtoul(idv, NULL, 10) : 0;
        unsigned char kind = builtin_kind(id);
        for (size_t i = 0; i < x->nfmts; i++)
            if (x->fmts[i].id == id)
                kind = x->fmts[i].kind;
        if (x->nxf == x->capxf) {
            x->capxf = x->capxf ? x->capxf * 2 : 64;
            x->xf_kind = xrealloc(x->xf_kind, x->capxf);
        }
        x->xf_kind[x->nxf++] = kind;
    }
}

static void XMLCALL styles_end(void *ud, const XML_Char *el)
{
    struct xlsx *x = ud;
    const char *n = local(el);
    if (strcmp(n, "numFmts") == 0)
        x->in_numfmts--;
    else if (strcmp(n, "cellXfs") == 0)
        x->in_cellxfs--;
}

/* --- Shared strings ------------------------------------------------------ */

static void XMLCALL sst_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    (void)atts;
    struct xlsx *x = ud;
    const char *n = local(el);
    if (strcmp(n, "si") == 0) {
        text_reset(x);
        x->in_rph = 0;
    } else if (strcmp(n, "t") == 0) {
        x->collecting = true;
    } else if (strcmp(n, "rPh") == 0) {
        x->in_rph++;
    }
}

static void XMLCALL sst_end(void *ud, const XML_Char *el)
{
    struct xlsx *x = ud;
    const char *n = local(el);
    if (strcmp(n, "t") == 0) {
        x->collecting = false;
    } else if (strcmp(n, "rPh") == 0) {
        x->in_rph--;
    } else if (strcmp(n, "si") == 0) {
        if (x->nsst == x->capsst) {
            x->capsst = x->capsst ? x->capsst * 2 : 256;
            x->sst = xrealloc(x->sst, x->capsst * sizeof(uint32_t));
            x->sst_len = xrealloc(x->sst_len, x->capsst * sizeof(uint32_t));
        }
        uint32_t off = 1, len = (uint32_t)x->lim->max_cell + 1;
        if (!x->too_long)
            decode_escapes(x);
        if (!x->too_long) {
            /* kept even when too long for a cell: refused only if used */
            if (sheet_grid_text(&x->g, x->buf, x->blen, &off) < 0) {
                stop(x);
                return;
            }
            len = (uint32_t)x->blen;
        }
        x->sst[x->nsst] = off;
        x->sst_len[x->nsst] = len;
        x->nsst++;
        text_reset(x);
    }
}

/* --- The worksheet ------------------------------------------------------- */

/* "AB12" -> column 27, row 11 (0-based); the row is -1 when absent. */
static bool parse_ref(const char *ref, int *row_r, int *col_r)
{
    const char *p = ref;
    int col = 0, n = 0;
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
        if (++n > 3)
            return false;
        col = col * 26 + ((*p | 0x20) - 'a' + 1);
        p++;
    }
    if (n == 0)
        return false;
    long row = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
        if (++digits > 7)
            return false;
        row = row * 10 + (*p - '0');
        p++;
    }
    if (*p != '\0' || (digits > 0 && row == 0))
        return false;
    *col_r = col - 1;
    *row_r = digits ? (int)row - 1 : -1;
    return true;
}

/* The worksheet elements the reader acts on, by local name: found
   without a chain of string comparisons (they run once per cell). */
enum ws_el { WS_OTHER, WS_SHEETDATA, WS_ROW, WS_C, WS_V, WS_IS, WS_T, WS_RPH };

static enum ws_el ws_element(const char *el)
{
    const char *n = local(el);
    switch (n[0]) {
    case 'c':
        return n[1] == '\0' ? WS_C : WS_OTHER;
    case 'v':
        return n[1] == '\0' ? WS_V : WS_OTHER;
    case 't':
        return n[1] == '\0' ? WS_T : WS_OTHER;
    case 'i':
        return n[1] == 's' && n[2] == '\0' ? WS_IS : WS_OTHER;
    case 'r':
        if (n[1] == 'o' && n[2] == 'w' && n[3] == '\0')
            return WS_ROW;
        return n[1] == 'P' && n[2] == 'h' && n[3] == '\0' ? WS_RPH : WS_OTHER;
    case 's':
        return strcmp(n, "sheetData") == 0 ? WS_SHEETDATA : WS_OTHER;
    default:
        return WS_OTHER;
    }
}

/* A cell's attributes r, t and s in one pass (NULL when absent). */
static void cell_attrs(const char **atts, const char **r, const char **t, const char **s)
{
    *r = *t = *s = NULL;
    for (int i = 0; atts[i] != NULL; i += 2) {
        const char *a = atts[i];
        if (a[0] == '\0' || a[1] != '\0')
            a = local(a);
        if (a[0] == '\0' || a[1] != '\0')
            continue;
        if (a[0] == 'r')
            *r = atts[i + 1];
        else if (a[0] == 't')
            *t = atts[i + 1];
        else if (a[0] == 's')
            *s = atts[i + 1];
    }
}

static void XMLCALL ws_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    struct xlsx *x = ud;
    enum ws_el e = ws_element(el);
    if (e == WS_SHEETDATA) {
        x->in_sheetdata = true;
        x->row = -1;
    } else if (!x->in_sheetdata) {
        return;
    } else if (e == WS_ROW) {
        const char *r = attr(atts, "r");
        long v = r ? strtol(r, NULL, 10) : 0;
        if (r != NULL && (v < 1 || v > 1048576)) {
            damaged(x, "una fila tiene un número inválido");
            stop(x);
            return;
        }
        x->row = r ? (int)v - 1 : x->row + 1;
        x->col = -1;
    } else if (e == WS_C) {
        const char *r, *t, *s;
        cell_attrs(atts, &r, &t, &s);
        int row = x->row < 0 ? 0 : x->row, col = x->col + 1;
        if (r != NULL) {
            int rr;
            if (!parse_ref(r, &rr, &col)) {
                damaged(x, "una celda tiene una referencia inválida");
                stop(x);
                return;
            }
            if (rr >= 0)
                row = rr;
        }
        x->row = row;
        x->col = col;
        if (t == NULL)
            t = "n";
        size_t tl = 0;
        while (t[tl] != '\0' && tl + 1 < sizeof(x->ctype)) {
            x->ctype[tl] = t[tl];
            tl++;
        }
        x->ctype[tl] = '\0';
        x->cstyle = s ? strtol(s, NULL, 10) : 0;
        x->in_c = true;
        x->in_is = false;
        x->in_rph = 0;
        text_reset(x);
    } else if (!x->in_c) {
        return;
    } else if (e == WS_V) {
        x->collecting = !x->in_is;
    } else if (e == WS_IS) {
        x->in_is = true;
    } else if (e == WS_T && x->in_is) {
        x->collecting = true;
    } else if (e == WS_RPH) {
        x->in_rph++;
    }
}

/* "0", "-12", "12345678": up to 15 digits, no leading zero, no sign on
   zero (what strtod and sheet_number_text would give back unchanged). */
static bool plain_integer(const char *p, size_t n)
{
    size_t i = p[0] == '-' ? 1 : 0;
    if (n <= i || n - i > 15 || (p[i] == '0' && (n - i > 1 || i == 1)))
        return false;
    for (; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return true;
}

/* The collected value of the cell that just ended, into the grid. */
static int put_cell(struct xlsx *x)
{
    struct sheet_grid *g = &x->g;
    if (x->too_long)
        return sheet_grid_put(g, x->row, x->col, 1, x->lim->max_cell + 1);
    if (x->blen == 0)
        return 0;
    x->buf[x->blen] = '\0';
    const char *t = x->ctype;
    if (t[0] == 's' && t[1] == '\0') {
        char *end;
        unsigned long i = strtoul(x->buf, &end, 10);
        if (*end != '\0' || i >= x->nsst) {
            damaged(x, "una celda usa un texto compartido que no existe");
            return -1;
        }
        return sheet_grid_put(g, x->row, x->col, x->sst[i], x->sst_len[i]);
    }
    if (t[0] == 'n' && t[1] == '\0') {
        unsigned char kind = x->cstyle >= 0 && (size_t)x->cstyle < x->nxf
                                 ? x->xf_kind[x->cstyle]
                                 : FMT_NONE;
        /* most numbers are plain integers, already in their shortest form
           (the cédulas, the phones): no conversion back and forth */
        if (kind == FMT_NONE && plain_integer(x->buf, x->blen))
            return sheet_grid_set(g, x->row, x->col, x->buf, x->blen);
        char *end;
        double v = strtod(x->buf, &end);
        if (*end == '\0') {
            char num[32];
            if (kind == FMT_NONE ||
                !sheet_serial_text(v, x->date1904, kind == FMT_DATETIME && v != trunc(v),
                                   kind == FMT_TIME, num))
                sheet_number_text(v, num);
            return sheet_grid_set(g, x->row, x->col, num, strlen(num));
        }
    }
    /* inlineStr, str (a formula's text), b ("1"/"0"), e ("#N/A"), d (ISO) */
    decode_escapes(x);
    if (x->too_long)
        return sheet_grid_put(g, x->row, x->col, 1, x->lim->max_cell + 1);
    return sheet_grid_set(g, x->row, x->col, x->buf, x->blen);
}

static void XMLCALL ws_end(void *ud, const XML_Char *el)
{
    struct xlsx *x = ud;
    enum ws_el e = ws_element(el);
    if (e == WS_SHEETDATA) {
        x->in_sheetdata = false;
    } else if (!x->in_c) {
        return;
    } else if (e == WS_V || e == WS_T) {
        x->collecting = false;
    } else if (e == WS_RPH) {
        x->in_rph--;
    } else if (e == WS_C) {
        x->in_c = false;
        x->collecting = false;
        if (put_cell(x) < 0)
            stop(x);
    }
}

/* --- The archive --------------------------------------------------------- */

/* The entry count of the end-of-central-directory record, before libzip
   allocates anything for them; -1 when there is no such record. */
static long eocd_entries(const unsigned char *p, size_t len)
{
    if (len < 22)
        return -1;
    size_t lo = len > 65535 + 22 ? len - 65535 - 22 : 0;
    for (size_t i = len - 22 + 1; i-- > lo;)
        if (memcmp(p + i, "PK\x05\x06", 4) == 0)
            return p[i + 10] | p[i + 11] << 8;
    return -1;
}

/* Every entry's declared size and ratio, before any is inflated. */
static int check_entries(struct xlsx *x)
{
    zip_int64_t n = zip_get_num_entries(x->za, 0);
    if (n <= 0)
        return damaged(x, "el archivo comprimido no tiene contenido");
    if (n > MAX_ENTRIES)
        return sheet_fail(x->err, x->errn,
                          "El archivo .xlsx fue rechazado: contiene más de %d partes.",
                          MAX_ENTRIES);
    zip_uint64_t total = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(x->za, (zip_uint64_t)i, 0, &st) < 0 || !(st.valid & ZIP_STAT_SIZE) ||
            !(st.valid & ZIP_STAT_COMP_SIZE))
            return damaged(x, "no se pueden leer sus partes");
        const char *name = st.valid & ZIP_STAT_NAME ? st.name : "?";
        total += st.size;
        if (st.size > x->lim->max_unpacked || total > (zip_uint64_t)x->lim->max_unpacked * 4)
            return bomb(x, name);
        if (st.size > RATIO_FLOOR &&
            (st.comp_size == 0 || st.size / st.comp_size > x->lim->max_ratio))
            return bomb(x, name);
    }
    return 0;
}

static void xlsx_cleanup(struct xlsx *x)
{
    if (x->za != NULL)
        zip_discard(x->za);
    free(x->sheet_rid);
    free(x->sheet_part);
    free(x->wb_part);
    free(x->wb_dir);
    free(x->styles_part);
    free(x->sst_part);
    free(x->fmts);
    free(x->xf_kind);
    free(x->buf);
    free(x->sst);
    free(x->sst_len);
    sheet_grid_cleanup(&x->g);
}

int sheet_read_xlsx(const void *data, size_t len, const struct sheet_limits *lim,
                    struct sheet **sheet_r, char *err, size_t errn)
{
    struct xlsx x = {.lim = lim, .err = err, .errn = errn};
    sheet_grid_init(&x.g, lim, err, errn);
    long entries = eocd_entries(data, len);
    if (entries < 0) {
        damaged(&x, "el archivo comprimido está truncado");
        goto fail;
    }
    if (entries > MAX_ENTRIES) {
        sheet_fail(err, errn, "El archivo .xlsx fue rechazado: contiene más de %d partes.",
                   MAX_ENTRIES);
        goto fail;
    }
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (src != NULL) {
        x.za = zip_open_from_source(src, ZIP_RDONLY, &ze);
        if (x.za == NULL)
            zip_source_free(src);
    }
    zip_error_fini(&ze);
    if (x.za == NULL) {
        damaged(&x, "el archivo comprimido no se puede abrir");
        goto fail;
    }
    if (check_entries(&x) < 0)
        goto fail;
    x.buf = xmalloc(lim->max_cell * 2 + 17);

    int rc = parse_part(&x, "_rels/.rels", root_rels_start, no_end);
    if (rc < 0)
        goto fail;
    if (x.wb_part == NULL || zip_name_locate(x.za, x.wb_part, ZIP_FL_NOCASE) < 0) {
        free(x.wb_part);
        x.wb_part = xstrdup("xl/workbook.xml");
    }
    const char *slash = strrchr(x.wb_part, '/');
    x.wb_dir = xstrndup(x.wb_part, slash ? (size_t)(slash - x.wb_part) + 1 : 0);
    rc = parse_part(&x, x.wb_part, wb_start, no_end);
    if (rc == 0) {
        if (zip_name_locate(x.za, "mimetype", 0) >= 0 ||
            zip_name_locate(x.za, "content.xml", 0) >= 0)
            sheet_fail(err, errn, "El archivo es una hoja de OpenDocument (.ods), que no se "
                                  "puede leer: guárdela como .xlsx, .xls o .csv.");
        else
            sheet_fail(err, errn, "El archivo es un .zip pero no un libro de Excel (.xlsx): "
                                  "no contiene xl/workbook.xml.");
        goto fail;
    }
    if (rc < 0)
        goto fail;
    if (x.sheet_rid == NULL) {
        sheet_fail(err, errn, "La hoja está vacía: el libro no tiene hojas.");
        goto fail;
    }
    char *rels = str_fmt("%s_rels/%s.rels", x.wb_dir, x.wb_part + strlen(x.wb_dir));
    rc = parse_part(&x, rels, rels_start, no_end);
    free(rels);
    if (rc < 0)
        goto fail;
    if (x.sheet_part == NULL) {
        damaged(&x, "falta la relación de la primera hoja");
        goto fail;
    }
    /* styles and shared strings where the relationships say, else where
       every writer puts them */
    if (x.styles_part == NULL)
        x.styles_part = str_fmt("%sstyles.xml", x.wb_dir);
    if (x.sst_part == NULL)
        x.sst_part = str_fmt("%ssharedStrings.xml", x.wb_dir);
    if (parse_part(&x, x.styles_part, styles_start, styles_end) < 0)
        goto fail;
    if (parse_part(&x, x.sst_part, sst_start, sst_end) < 0)
        goto fail;
    rc = parse_part(&x, x.sheet_part, ws_start, ws_end);
    if (rc == 0) {
        char why[200];
        snprintf(why, sizeof(why), "falta la hoja %.150s", x.sheet_part);
        damaged(&x, why);
    }
    if (rc <= 0)
        goto fail;
    rc = sheet_grid_finish(&x.g, SHEET_XLSX, sheet_r);
    xlsx_cleanup(&x);
    return rc;
fail:
    xlsx_cleanup(&x);
    return -1;
}
