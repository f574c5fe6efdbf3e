/*
 * Our own instance format: a folder of small CSV files a school can edit in
 * a spreadsheet (docs/TIMETABLE.md), and a timetable written back as CSV
 * or JSON.
 *
 * How it works: every file goes through one strict RFC 4180 reader
 * (csv_load) that checks the size, row and field limits, the UTF-8 and the
 * header against the columns that file allows, and keeps each row's line
 * number so that every later message can say "lessons.csv, línea 12: ...".
 * The files are then read in dependency order (rules, periods, days,
 * rooms, sections, subjects, teachers, lessons, pins, unavailability,
 * preferences) into a struct tt_instance through the builder functions,
 * and the rules of rules.csv (or their defaults) become constraints at the
 * end, when every lesson is known.
 *
 * Names are looked up through small hash maps built here (struct index)
 * rather than the linear tt_find_* functions, so that a folder at the row
 * limits still reads in well under a second.
 *
 * Sections: a section split into subgroups is represented by its subgroups
 * (the atomic class groups of the model, with resource.group = the section
 * code). Output never needs extra state to print sections the way
 * lessons.csv wrote them: a lesson holding every subgroup of a group is
 * printed as the group's code, otherwise as the subgroups' codes.
 */
#include "timetable/timetable.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

#define CSV_MAX_BYTES (4L * 1024 * 1024)
#define CSV_MAX_ROWS 20000
#define CSV_MAX_FIELD 200
#define CSV_MAX_COLS 16
/* blocks over all lessons: far beyond any school, and a solution file
   (one row per block) must stay within the row limit */
#define MAX_BLOCKS CSV_MAX_ROWS
#define MAX_CAPACITY 100000
#define MAX_WEIGHT 1000000

/* --- Errors ------------------------------------------------------------ */

static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *s = xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static void fail(char **error_r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(char **error_r, const char *fmt, ...)
{
    if (!error_r)
        return;
    va_list ap;
    va_start(ap, fmt);
    *error_r = vformat(fmt, ap);
    va_end(ap);
}

/* "file, línea N: message" */
static void fail_at(char **error_r, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fail_at(char **error_r, const char *file, int line, const char *fmt, ...)
{
    if (!error_r)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *m = vformat(fmt, ap);
    va_end(ap);
    fail(error_r, "%s, línea %d: %s", file, line, m);
    free(m);
}

/* --- Small containers ---------------------------------------------------- */

struct ilist {
    int *v;
    int n, cap;
};

static void ilist_push(struct ilist *l, int x)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, (size_t)l->cap * sizeof(int));
    }
    l->v[l->n++] = x;
}

static bool ilist_has(const struct ilist *l, int x)
{
    for (int i = 0; i < l->n; i++)
        if (l->v[i] == x)
            return true;
    return false;
}

static void ilist_add_unique(struct ilist *l, int x)
{
    if (!ilist_has(l, x))
        ilist_push(l, x);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void ilist_sort(struct ilist *l)
{
    if (l->n > 1)
        qsort(l->v, (size_t)l->n, sizeof(int), cmp_int);
}

/* Open addressing, string keys (copied), int values; never shrinks. */
struct map {
    char **keys;
    int *vals;
    size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static size_t map_find(const struct map *m, const char *k)
{
    size_t i = (size_t)hash_str(k) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], k) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static int map_get(const struct map *m, const char *k)
{
    if (!m->cap)
        return -1;
    size_t i = map_find(m, k);
    return m->keys[i] ? m->vals[i] : -1;
}

static void map_put(struct map *m, const char *k, int v)
{
    if ((m->n + 1) * 2 > m->cap) {
        struct map big = {0};
        big.cap = m->cap ? m->cap * 2 : 64;
        big.keys = xcalloc(big.cap, sizeof(char *));
        big.vals = xcalloc(big.cap, sizeof(int));
        for (size_t i = 0; i < m->cap; i++) {
            if (m->keys[i]) {
                size_t j = map_find(&big, m->keys[i]);
                big.keys[j] = m->keys[i];
                big.vals[j] = m->vals[i];
            }
        }
        big.n = m->n;
        free(m->keys);
        free(m->vals);
        *m = big;
    }
    size_t i = map_find(m, k);
    if (!m->keys[i]) {
        m->keys[i] = xstrdup(k);
        m->n++;
    }
    m->vals[i] = v;
}

static void map_free(struct map *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

/* Names of an instance by kind; groups map to lists of atomic classes. */
struct index {
    struct map teacher, room, cls, subject, period, group;
    struct ilist *members; /* per group value */
    int nmembers;
};

static void index_add_groups(struct index *ix, const struct tt_instance *inst)
{
    for (int r = 0; r < inst->nresources; r++) {
        const struct tt_resource *res = &inst->resources[r];
        if (res->kind != TT_CLASS || !res->group)
            continue;
        int g = map_get(&ix->group, res->group);
        if (g < 0) {
            g = ix->nmembers++;
            ix->members = xrealloc(ix->members, (size_t)ix->nmembers * sizeof(struct ilist));
            memset(&ix->members[g], 0, sizeof(struct ilist));
            map_put(&ix->group, res->group, g);
        }
        ilist_push(&ix->members[g], r);
    }
}

static void index_build(struct index *ix, const struct tt_instance *inst)
{
    memset(ix, 0, sizeof(*ix));
    for (int r = 0; r < inst->nresources; r++) {
        const struct tt_resource *res = &inst->resources[r];
        struct map *m = res->kind == TT_TEACHER ? &ix->teacher
                        : res->kind == TT_ROOM  ? &ix->room
                                                : &ix->cls;
        if (map_get(m, res->name) < 0)
            map_put(m, res->name, r);
    }
    for (int s = 0; s < inst->nsubjects; s++)
        if (map_get(&ix->subject, inst->subjects[s]) < 0)
            map_put(&ix->subject, inst->subjects[s], s);
    for (int p = 0; p < inst->nperiods; p++)
        if (map_get(&ix->period, inst->periods[p].name) < 0)
            map_put(&ix->period, inst->periods[p].name, p);
    index_add_groups(ix, inst);
}

static void index_free(struct index *ix)
{
    map_free(&ix->teacher);
    map_free(&ix->room);
    map_free(&ix->cls);
    map_free(&ix->subject);
    map_free(&ix->period);
    map_free(&ix->group);
    for (int i = 0; i < ix->nmembers; i++)
        free(ix->members[i].v);
    free(ix->members);
    memset(ix, 0, sizeof(*ix));
}

/* Atomic classes of one section code: the class itself, or a group's
   subgroups. false when the code is unknown. */
static bool index_section(const struct index *ix, const char *code, struct ilist *out)
{
    int r = map_get(&ix->cls, code);
    if (r >= 0) {
        ilist_add_unique(out, r);
        return true;
    }
    int g = map_get(&ix->group, code);
    if (g < 0)
        return false;
    for (int i = 0; i < ix->members[g].n; i++)
        ilist_add_unique(out, ix->members[g].v[i]);
    return true;
}

/* --- Fields -------------------------------------------------------------- */

/* Splits a "+"-joined list held in buf (modified) into trimmed parts.
   Returns the count, 0 for an empty field, -1 when a part is empty
   ("T01+" or "T01++T02"). */
static int split_plus(char *buf, char **parts, int max)
{
    char *s = buf;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return 0;
    int n = 0;
    for (;;) {
        char *end = strchr(s, '+');
        if (end)
            *end = '\0';
        while (*s == ' ' || *s == '\t')
            s++;
        size_t len = strlen(s);
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            s[--len] = '\0';
        if (!len || n == max)
            return -1;
        parts[n++] = s;
        if (!end)
            return n;
        s = end + 1;
    }
}

/* A whole number in [lo, hi]: digits only. */
static bool parse_int(const char *s, int lo, int hi, int *out)
{
    if (!*s)
        return false;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
        if (v > hi)
            return false;
    }
    if (v < lo)
        return false;
    *out = (int)v;
    return true;
}

/* "7:00" or "07:00" into minutes after midnight. */
static bool parse_hhmm(const char *s, int *out)
{
    int h = 0, m = 0, i = 0, nd = 0;
    for (; s[i] >= '0' && s[i] <= '9' && nd < 2; i++, nd++)
        h = h * 10 + (s[i] - '0');
    if (nd == 0 || s[i] != ':')
        return false;
    i++;
    if (!(s[i] >= '0' && s[i] <= '9' && s[i + 1] >= '0' && s[i + 1] <= '9') || s[i + 2])
        return false;
    m = (s[i] - '0') * 10 + (s[i + 1] - '0');
    if (h > 24 || m > 59 || (h == 24 && m))
        return false;
    *out = h * 60 + m;
    return true;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* --- The CSV reader ------------------------------------------------------ */

struct csv {
    const char *name; /* file name for messages */
    int ncols;
    char *cols[CSV_MAX_COLS];
    int nrows, caprows;
    int *line;   /* line of every row */
    char **cell; /* nrows x ncols */
};

static void csv_free(struct csv *c)
{
    for (int i = 0; i < c->ncols; i++)
        free(c->cols[i]);
    for (long i = 0; i < (long)c->nrows * c->ncols; i++)
        free(c->cell[i]);
    free(c->cell);
    free(c->line);
    memset(c, 0, sizeof(*c));
}

static int csv_col(const struct csv *c, const char *name)
{
    for (int i = 0; i < c->ncols; i++)
        if (strcmp(c->cols[i], name) == 0)
            return i;
    return -1;
}

/* The cell of row in column col, "" when the column is absent. */
static const char *csv_get(const struct csv *c, int row, int col)
{
    return col < 0 ? "" : c->cell[(long)row * c->ncols + col];
}

static void free_fields(char **f, int n)
{
    for (int i = 0; i < n; i++)
        free(f[i]);
}

/* Checks the header against the columns the file allows; the first nreq
   of cols are required. */
static int csv_header(struct csv *c, char **f, int nf, int line, const char *const *cols, int nreq,
                      char **error_r)
{
    for (int i = 0; i < nf; i++) {
        str_lower(f[i]);
        if (!f[i][0]) {
            fail_at(error_r, c->name, line, "la columna %d del encabezado no tiene nombre", i + 1);
            return -1;
        }
        bool known = false;
        for (int k = 0; cols[k]; k++)
            known = known || strcmp(cols[k], f[i]) == 0;
        if (!known) {
            struct strbuf sb;
            strbuf_init(&sb);
            for (int k = 0; cols[k]; k++)
                strbuf_addf(&sb, "%s%s", k ? ", " : "", cols[k]);
            fail_at(error_r, c->name, line,
                    "columna desconocida «%s»; las columnas válidas son: %s", f[i], sb.data);
            strbuf_cleanup(&sb);
            return -1;
        }
        for (int j = 0; j < i; j++) {
            if (strcmp(f[j], f[i]) == 0) {
                fail_at(error_r, c->name, line, "la columna «%s» aparece dos veces", f[i]);
                return -1;
            }
        }
    }
    for (int k = 0; k < nreq; k++) {
        bool found = false;
        for (int i = 0; i < nf; i++)
            found = found || strcmp(cols[k], f[i]) == 0;
        if (!found) {
            fail_at(error_r, c->name, line, "falta la columna obligatoria «%s»", cols[k]);
            return -1;
        }
    }
    c->ncols = nf;
    for (int i = 0; i < nf; i++)
        c->cols[i] = f[i];
    return 0;
}

static int csv_parse(struct csv *c, const char *buf, size_t len, const char *const *cols, int nreq,
                     char **error_r)
{
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        len -= 3;
    }
    size_t pos = 0;
    int line = 1;
    bool have_header = false;
    char *f[CSV_MAX_COLS];
    int nf = 0;
    while (pos < len) {
        /* empty lines are ignored */
        if (buf[pos] == '\n' || buf[pos] == '\r') {
            if (buf[pos] == '\r' && pos + 1 < len && buf[pos + 1] == '\n')
                pos++;
            pos++;
            line++;
            continue;
        }
        int rec_line = line;
        int maxf = have_header ? c->ncols : CSV_MAX_COLS;
        bool all_empty = true;
        nf = 0;
        for (;;) {
            char val[CSV_MAX_FIELD + 1];
            size_t vlen = 0;
            const char *col = have_header && nf < c->ncols ? c->cols[nf] : NULL;
            size_t p = pos;
            while (p < len && (buf[p] == ' ' || buf[p] == '\t'))
                p++;
            if (p < len && buf[p] == '"') {
                int open_line = line;
                pos = p + 1;
                for (;;) {
                    if (pos >= len) {
                        fail_at(error_r, c->name, open_line, "hay unas comillas sin cerrar");
                        goto fail;
                    }
                    char ch = buf[pos++];
                    if (ch == '"') {
                        if (pos < len && buf[pos] == '"')
                            pos++;
                        else
                            break;
                    } else if (ch == '\n') {
                        line++;
                    }
                    if (vlen == CSV_MAX_FIELD)
                        goto too_long;
                    val[vlen++] = ch;
                }
                while (pos < len && (buf[pos] == ' ' || buf[pos] == '\t'))
                    pos++;
                if (pos < len && buf[pos] != ',' && buf[pos] != '\n' && buf[pos] != '\r') {
                    fail_at(error_r, c->name, line, "hay texto después de cerrar las comillas");
                    goto fail;
                }
            } else {
                size_t e = p;
                while (e < len && buf[e] != ',' && buf[e] != '\n' && buf[e] != '\r')
                    e++;
                pos = e;
                while (e > p && (buf[e - 1] == ' ' || buf[e - 1] == '\t'))
                    e--;
                if (e - p > CSV_MAX_FIELD)
                    goto too_long;
                vlen = e - p;
                memcpy(val, buf + p, vlen);
            }
            val[vlen] = '\0';
            if (!str_is_utf8(val, vlen)) {
                fail_at(error_r, c->name, line, "el texto no es UTF-8 válido");
                goto fail;
            }
            if (nf == maxf) {
                if (have_header)
                    fail_at(error_r, c->name, rec_line,
                            "la fila tiene más campos que las %d columnas del encabezado",
                            c->ncols);
                else
                    fail_at(error_r, c->name, rec_line, "el encabezado tiene más de %d columnas",
                            CSV_MAX_COLS);
                goto fail;
            }
            f[nf++] = xstrndup(val, vlen);
            if (vlen)
                all_empty = false;
            if (pos < len && buf[pos] == ',') {
                pos++;
                continue;
            }
            if (pos < len && buf[pos] == '\r')
                pos++;
            if (pos < len && buf[pos] == '\n')
                pos++;
            line++;
            break;
        too_long:
            if (col)
                fail_at(error_r, c->name, line, "el campo «%s» tiene más de %d bytes", col,
                        CSV_MAX_FIELD);
            else
                fail_at(error_r, c->name, line, "un campo tiene más de %d bytes", CSV_MAX_FIELD);
            goto fail;
        }
        if (all_empty) {
            /* a spreadsheet's blank row: ",,,," */
            free_fields(f, nf);
            continue;
        }
        if (!have_header) {
            if (csv_header(c, f, nf, rec_line, cols, nreq, error_r) < 0)
                goto fail;
            have_header = true;
            continue;
        }
        if (nf != c->ncols) {
            fail_at(error_r, c->name, rec_line, "la fila tiene %d campo%s y el encabezado %d", nf,
                    nf == 1 ? "" : "s", c->ncols);
            goto fail;
        }
        if (c->nrows == CSV_MAX_ROWS) {
            fail_at(error_r, c->name, rec_line, "el archivo tiene más de %d filas", CSV_MAX_ROWS);
            goto fail;
        }
        if (c->nrows == c->caprows) {
            c->caprows = c->caprows ? c->caprows * 2 : 64;
            c->line = xrealloc(c->line, (size_t)c->caprows * sizeof(int));
            c->cell = xrealloc(c->cell, (size_t)c->caprows * (size_t)c->ncols * sizeof(char *));
        }
        c->line[c->nrows] = rec_line;
        memcpy(&c->cell[(long)c->nrows * c->ncols], f, (size_t)nf * sizeof(char *));
        c->nrows++;
    }
    if (!have_header) {
        fail(error_r, "%s: el archivo está vacío (falta la línea de encabezado)", c->name);
        return -1;
    }
    return 0;
fail:
    free_fields(f, nf);
    return -1;
}

/* Reads path into c. Returns 1 when read, 0 when the file does not exist,
   -1 on error. */
static int csv_load(const char *path, const char *name, const char *const *cols, int nreq,
                    struct csv *c, char **error_r)
{
    memset(c, 0, sizeof(*c));
    c->name = name;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        fail(error_r, "%s: no se pudo abrir el archivo (%s)", name, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        fail(error_r, "%s: no es un archivo normal", name);
        close(fd);
        return -1;
    }
    if (st.st_size > CSV_MAX_BYTES) {
        fail(error_r, "%s: el archivo pesa más de 4 MiB", name);
        close(fd);
        return -1;
    }
    /* read one byte more than allowed in case the file grew meanwhile */
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fail(error_r, "%s: no se pudo leer el archivo (%s)", name, strerror(errno));
            free(buf);
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len == cap) {
            if (cap > (size_t)CSV_MAX_BYTES) {
                fail(error_r, "%s: el archivo pesa más de 4 MiB", name);
                free(buf);
                close(fd);
                return -1;
            }
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    close(fd);
    int rc = csv_parse(c, buf, len, cols, nreq, error_r);
    free(buf);
    if (rc < 0) {
        csv_free(c);
        return -1;
    }
    return 1;
}

/* --- Rules ------------------------------------------------------------- */

enum {
    R_TEACHER_GAPS,
    R_CLASS_GAPS,
    R_SUBJECT_SPREAD,
    R_SUBJECT_MAX,
    R_TEACHER_LIMITS,
    R_TEACHER_PREFS,
    R_ROOM_STABILITY,
    NRULES
};

struct rule {
    const char *name;
    bool on;
    bool hard;
    int weight;
    int value;
    int vmin, vmax; /* vmax 0: the rule takes no value */
};

static const struct rule rule_defaults[NRULES] = {
    {"teacher_gaps", true, false, 10, 0, 0, TT_MAX_DAYS *TT_MAX_PERIODS},
    {"class_gaps", true, false, 100, 0, 0, TT_MAX_DAYS *TT_MAX_PERIODS},
    {"subject_spread", true, true, 1, 1, 1, TT_MAX_DAYS - 1},
    {"subject_max_per_day", false, false, 20, 0, 1, TT_MAX_PERIODS},
    {"teacher_limits", true, false, 50, 0, 0, 0},
    {"teacher_preferences", true, false, 10, 0, 0, 0},
    {"room_stability", true, false, 5, 0, 0, 0},
};

/* --- Reading a folder ---------------------------------------------------- */

struct sec {
    char *code;
    int parent; /* index in secs, -1 */
    int nchildren;
    int students;
    int room; /* home room resource, -1 */
    int res;  /* class resource when atomic, -1 for a split section */
};

struct reader {
    const char *dir;
    char **error_r;
    struct tt_instance *inst;
    struct index ix;
    struct map secmap;
    struct sec *secs;
    int nsecs;
    bool have_rooms;
    struct rule rules[NRULES];
};

static int rd_load(struct reader *r, const char *file, bool required, const char *const *cols,
                   int nreq, struct csv *c)
{
    struct strbuf path;
    strbuf_init(&path);
    strbuf_addf(&path, "%s/%s", r->dir, file);
    int rc = csv_load(path.data, file, cols, nreq, c, r->error_r);
    strbuf_cleanup(&path);
    if (rc == 0 && required) {
        fail(r->error_r, "Falta el archivo obligatorio %s en la carpeta «%s».", file, r->dir);
        return -1;
    }
    return rc;
}

/* A weight cell: "hard", "off" or a positive integer. */
static int parse_weight(const char *s, struct rule *ru)
{
    if (strcasecmp(s, "hard") == 0) {
        ru->on = ru->hard = true;
        ru->weight = 1;
        return 0;
    }
    if (strcasecmp(s, "off") == 0) {
        ru->on = false;
        return 0;
    }
    int w;
    if (!parse_int(s, 1, MAX_WEIGHT, &w))
        return -1;
    ru->on = true;
    ru->hard = false;
    ru->weight = w;
    return 0;
}

static int read_rules(struct reader *r)
{
    static const char *const cols[] = {"rule", "value", "weight", NULL};
    memcpy(r->rules, rule_defaults, sizeof(r->rules));
    struct csv c;
    int rc = rd_load(r, "rules.csv", false, cols, 1, &c);
    if (rc <= 0)
        return rc;
    int crule = csv_col(&c, "rule"), cval = csv_col(&c, "value"), cw = csv_col(&c, "weight");
    int seen[NRULES] = {0};
    for (int i = 0; i < c.nrows; i++) {
        const char *name = csv_get(&c, i, crule), *val = csv_get(&c, i, cval);
        const char *w = csv_get(&c, i, cw);
        int k = 0;
        while (k < NRULES && strcmp(rule_defaults[k].name, name) != 0)
            k++;
        if (k == NRULES) {
            struct strbuf sb;
            strbuf_init(&sb);
            for (int j = 0; j < NRULES; j++)
                strbuf_addf(&sb, "%s%s", j ? ", " : "", rule_defaults[j].name);
            fail_at(r->error_r, c.name, c.line[i], "regla desconocida «%s»; las reglas son: %s",
                    name, sb.data);
            strbuf_cleanup(&sb);
            goto fail;
        }
        if (seen[k]) {
            fail_at(r->error_r, c.name, c.line[i], "la regla «%s» ya aparece en la línea %d", name,
                    seen[k]);
            goto fail;
        }
        seen[k] = c.line[i];
        struct rule *ru = &r->rules[k];
        if (*val) {
            if (ru->vmax == 0) {
                fail_at(r->error_r, c.name, c.line[i], "la regla «%s» no lleva valor (value)",
                        name);
                goto fail;
            }
            if (!parse_int(val, ru->vmin, ru->vmax, &ru->value)) {
                fail_at(r->error_r, c.name, c.line[i],
                        "el valor «%s» de la regla «%s» debe ser un número entre %d y %d", val,
                        name, ru->vmin, ru->vmax);
                goto fail;
            }
        }
        /* subject_max_per_day is off until a row asks for it */
        if (k == R_SUBJECT_MAX)
            ru->on = true;
        if (*w && parse_weight(w, ru) < 0) {
            fail_at(r->error_r, c.name, c.line[i],
                    "el peso «%s» debe ser «hard», «off» o un número entre 1 y %d", w, MAX_WEIGHT);
            goto fail;
        }
        if (k == R_SUBJECT_MAX && ru->on && !*val) {
            fail_at(r->error_r, c.name, c.line[i],
                    "la regla «%s» necesita un valor (value): los períodos por día", name);
            goto fail;
        }
    }
    csv_free(&c);
    return 1;
fail:
    csv_free(&c);
    return -1;
}

static int read_periods(struct reader *r)
{
    static const char *const cols[] = {"period", "start", "end", "kind", NULL};
    struct csv c;
    if (rd_load(r, "periods.csv", true, cols, 1, &c) < 0)
        return -1;
    struct tt_instance *inst = r->inst;
    int cp = csv_col(&c, "period"), cs = csv_col(&c, "start"), ce = csv_col(&c, "end"),
        ck = csv_col(&c, "kind");
    for (int i = 0; i < c.nrows; i++) {
        const char *kind = csv_get(&c, i, ck), *name = csv_get(&c, i, cp);
        const char *st = csv_get(&c, i, cs), *en = csv_get(&c, i, ce);
        bool is_break = strcasecmp(kind, "break") == 0;
        if (*kind && !is_break && strcasecmp(kind, "class") != 0) {
            fail_at(r->error_r, c.name, c.line[i], "el tipo «%s» no es «class» ni «break»", kind);
            goto fail;
        }
        int start = -1, end = -1;
        if ((*st && !parse_hhmm(st, &start)) || (*en && !parse_hhmm(en, &end))) {
            fail_at(r->error_r, c.name, c.line[i], "la hora «%s» no tiene el formato HH:MM",
                    *st && !parse_hhmm(st, &start) ? st : en);
            goto fail;
        }
        if (start >= 0 && end >= 0 && end <= start) {
            fail_at(r->error_r, c.name, c.line[i], "la hora de fin %s no es posterior al inicio %s",
                    en, st);
            goto fail;
        }
        if (is_break) {
            /* a break before the first period means nothing to the model */
            if (inst->nperiods > 0)
                inst->break_after |= (uint64_t)1 << (inst->nperiods - 1);
            continue;
        }
        int num;
        if (!parse_int(name, 1, 1000000, &num) || num != inst->nperiods + 1) {
            fail_at(r->error_r, c.name, c.line[i],
                    "el período «%s» no sigue la numeración: se esperaba %d (los períodos de "
                    "clase van numerados 1, 2, 3... en orden)",
                    name, inst->nperiods + 1);
            goto fail;
        }
        if (inst->nperiods == TT_MAX_PERIODS) {
            fail_at(r->error_r, c.name, c.line[i], "hay más de %d períodos de clase por día",
                    TT_MAX_PERIODS);
            goto fail;
        }
        map_put(&r->ix.period, name, tt_add_period(inst, name, start, end));
    }
    if (inst->nperiods == 0) {
        fail(r->error_r, "periods.csv: no hay ningún período de clase (kind=class)");
        goto fail;
    }
    /* a break after the last period means nothing either */
    inst->break_after &= ((uint64_t)1 << (inst->nperiods - 1)) - 1;
    csv_free(&c);
    return 0;
fail:
    csv_free(&c);
    return -1;
}

static int read_days(struct reader *r)
{
    static const char *const cols[] = {"day", "name", NULL};
    struct csv c;
    int rc = rd_load(r, "days.csv", false, cols, 1, &c);
    if (rc <= 0)
        return rc;
    const char *names[TT_MAX_DAYS];
    int n = 0, cd = csv_col(&c, "day"), cn = csv_col(&c, "name");
    for (int i = 0; i < c.nrows; i++) {
        int d;
        if (!parse_int(csv_get(&c, i, cd), 1, 1000000, &d) || d != n + 1) {
            fail_at(r->error_r, c.name, c.line[i],
                    "el día «%s» no sigue la numeración: se esperaba %d", csv_get(&c, i, cd),
                    n + 1);
            goto fail;
        }
        if (n == TT_MAX_DAYS) {
            fail_at(r->error_r, c.name, c.line[i], "hay más de %d días", TT_MAX_DAYS);
            goto fail;
        }
        const char *name = csv_get(&c, i, cn);
        names[n++] = *name ? name : NULL;
    }
    if (n == 0) {
        fail(r->error_r, "days.csv: no hay ningún día");
        goto fail;
    }
    tt_set_days(r->inst, n, names);
    csv_free(&c);
    return 1;
fail:
    csv_free(&c);
    return -1;
}

static int read_rooms(struct reader *r)
{
    static const char *const cols[] = {"room", "name", "capacity", "type", NULL};
    struct csv c;
    int rc = rd_load(r, "rooms.csv", false, cols, 1, &c);
    if (rc <= 0)
        return rc;
    r->have_rooms = true;
    int cr = csv_col(&c, "room"), ccap = csv_col(&c, "capacity"), ct = csv_col(&c, "type");
    for (int i = 0; i < c.nrows; i++) {
        const char *code = csv_get(&c, i, cr), *cap = csv_get(&c, i, ccap);
        const char *type = csv_get(&c, i, ct);
        int capacity = 0;
        if (!*code) {
            fail_at(r->error_r, c.name, c.line[i], "falta el código del aula (room)");
            goto fail;
        }
        if (map_get(&r->ix.room, code) >= 0) {
            fail_at(r->error_r, c.name, c.line[i], "el aula «%s» está repetida", code);
            goto fail;
        }
        if (*cap && !parse_int(cap, 0, MAX_CAPACITY, &capacity)) {
            fail_at(r->error_r, c.name, c.line[i], "la capacidad «%s» no es un número entre 0 y %d",
                    cap, MAX_CAPACITY);
            goto fail;
        }
        int res = tt_add_resource(r->inst, TT_ROOM, code);
        r->inst->resources[res].capacity = capacity;
        if (*type)
            r->inst->resources[res].room_type = xstrdup(type);
        map_put(&r->ix.room, code, res);
    }
    csv_free(&c);
    return 1;
fail:
    csv_free(&c);
    return -1;
}

static int find_room(struct reader *r, const struct csv *c, int row, const char *code)
{
    int room = map_get(&r->ix.room, code);
    if (room < 0)
        fail_at(r->error_r, c->name, c->line[row], "el aula «%s» no está en rooms.csv%s", code,
                r->have_rooms ? "" : " (no hay rooms.csv)");
    return room;
}

/* A section or teacher code must be there and can not hold the list
   separator. */
static bool bad_code(struct reader *r, const struct csv *c, int row, const char *code,
                     const char *what)
{
    if (!*code)
        fail_at(r->error_r, c->name, c->line[row], "falta el código %s", what);
    else if (strchr(code, '+'))
        fail_at(r->error_r, c->name, c->line[row], "el código %s «%s» no puede llevar «+»", what,
                code);
    return !*code || strchr(code, '+');
}

static int read_sections(struct reader *r)
{
    static const char *const cols[] = {"section", "name", "students", "parent", "room", NULL};
    struct csv c;
    if (rd_load(r, "sections.csv", true, cols, 1, &c) < 0)
        return -1;
    int cs = csv_col(&c, "section"), cst = csv_col(&c, "students"), cp = csv_col(&c, "parent"),
        cr = csv_col(&c, "room");
    r->secs = xcalloc((size_t)(c.nrows ? c.nrows : 1), sizeof(struct sec));
    for (int i = 0; i < c.nrows; i++) {
        const char *code = csv_get(&c, i, cs), *st = csv_get(&c, i, cst);
        const char *room = csv_get(&c, i, cr);
        struct sec *s = &r->secs[i];
        s->parent = s->room = s->res = -1;
        if (bad_code(r, &c, i, code, "de la sección"))
            goto fail;
        if (map_get(&r->secmap, code) >= 0) {
            fail_at(r->error_r, c.name, c.line[i], "la sección «%s» está repetida", code);
            goto fail;
        }
        if (*st && !parse_int(st, 0, MAX_CAPACITY, &s->students)) {
            fail_at(r->error_r, c.name, c.line[i],
                    "el número de estudiantes «%s» no es un número entre 0 y %d", st, MAX_CAPACITY);
            goto fail;
        }
        if (*room && (s->room = find_room(r, &c, i, room)) < 0)
            goto fail;
        s->code = xstrdup(code);
        map_put(&r->secmap, code, i);
        r->nsecs++;
    }
    for (int i = 0; i < c.nrows; i++) {
        const char *parent = csv_get(&c, i, cp);
        if (!*parent)
            continue;
        int p = map_get(&r->secmap, parent);
        if (p < 0 || p == i) {
            fail_at(r->error_r, c.name, c.line[i],
                    p < 0 ? "la sección madre «%s» no está en sections.csv"
                          : "la sección «%s» no puede ser subgrupo de sí misma",
                    parent);
            goto fail;
        }
        r->secs[i].parent = p;
        r->secs[p].nchildren++;
    }
    for (int i = 0; i < c.nrows; i++) {
        int p = r->secs[i].parent;
        if (p >= 0 && r->secs[p].parent >= 0) {
            fail_at(r->error_r, c.name, c.line[i],
                    "la sección «%s» es a su vez subgrupo de «%s»: solo se admite un nivel de "
                    "subgrupos",
                    r->secs[p].code, r->secs[r->secs[p].parent].code);
            goto fail;
        }
    }
    /* only sections without subgroups are places a class group can be */
    for (int i = 0; i < r->nsecs; i++) {
        struct sec *s = &r->secs[i];
        if (s->nchildren)
            continue;
        s->res = tt_add_resource(r->inst, TT_CLASS, s->code);
        r->inst->resources[s->res].capacity = s->students;
        if (s->parent >= 0)
            r->inst->resources[s->res].group = xstrdup(r->secs[s->parent].code);
        map_put(&r->ix.cls, s->code, s->res);
    }
    /* a split section without a head count of its own has its subgroups'
       (secs[i] is row i) */
    for (int i = 0; i < r->nsecs; i++) {
        const struct sec *s = &r->secs[i];
        if (s->parent >= 0 && !*csv_get(&c, s->parent, cst))
            r->secs[s->parent].students += s->students;
    }
    index_add_groups(&r->ix, r->inst);
    csv_free(&c);
    return 0;
fail:
    csv_free(&c);
    return -1;
}

static int read_subjects(struct reader *r)
{
    static const char *const cols[] = {"subject", "name", NULL};
    struct csv c;
    if (rd_load(r, "subjects.csv", true, cols, 1, &c) < 0)
        return -1;
    int cs = csv_col(&c, "subject");
    for (int i = 0; i < c.nrows; i++) {
        const char *code = csv_get(&c, i, cs);
        if (!*code) {
            fail_at(r->error_r, c.name, c.line[i], "falta el código de la materia (subject)");
            goto fail;
        }
        if (map_get(&r->ix.subject, code) >= 0) {
            fail_at(r->error_r, c.name, c.line[i], "la materia «%s» está repetida", code);
            goto fail;
        }
        map_put(&r->ix.subject, code, tt_add_subject(r->inst, code));
    }
    csv_free(&c);
    return 0;
fail:
    csv_free(&c);
    return -1;
}

static void add_resource_rule(struct reader *r, int k, enum tt_ctype type, int res, int n)
{
    const struct rule *ru = &r->rules[k];
    struct tt_constraint *con =
        tt_add_constraint(r->inst, type, ru->hard, ru->weight, false, ru->name);
    con->resource = res;
    con->n = n;
}

static int read_teachers(struct reader *r)
{
    static const char *const cols[] = {
        "teacher", "name", "max_periods_per_day", "max_days_per_week", "max_gaps_per_day", NULL};
    static const struct {
        const char *col;
        enum tt_ctype type;
        int max;
    } limits[] = {
        {"max_periods_per_day", TT_MAX_PERIODS_DAY, TT_MAX_PERIODS},
        {"max_days_per_week", TT_MAX_DAYS_WEEK, TT_MAX_DAYS},
        {"max_gaps_per_day", TT_MAX_GAPS_DAY, TT_MAX_PERIODS},
    };
    struct csv c;
    if (rd_load(r, "teachers.csv", true, cols, 1, &c) < 0)
        return -1;
    int ct = csv_col(&c, "teacher");
    for (int i = 0; i < c.nrows; i++) {
        const char *code = csv_get(&c, i, ct);
        if (bad_code(r, &c, i, code, "del docente"))
            goto fail;
        if (map_get(&r->ix.teacher, code) >= 0) {
            fail_at(r->error_r, c.name, c.line[i], "el docente «%s» está repetido", code);
            goto fail;
        }
        int res = tt_add_resource(r->inst, TT_TEACHER, code);
        map_put(&r->ix.teacher, code, res);
        for (size_t k = 0; k < sizeof(limits) / sizeof(limits[0]); k++) {
            const char *v = csv_get(&c, i, csv_col(&c, limits[k].col));
            int n;
            if (!*v)
                continue;
            if (!parse_int(v, 0, limits[k].max, &n)) {
                fail_at(r->error_r, c.name, c.line[i], "%s «%s» no es un número entre 0 y %d",
                        limits[k].col, v, limits[k].max);
                goto fail;
            }
            if (r->rules[R_TEACHER_LIMITS].on)
                add_resource_rule(r, R_TEACHER_LIMITS, limits[k].type, res, n);
        }
    }
    csv_free(&c);
    return 0;
fail:
    csv_free(&c);
    return -1;
}

/* The atomic classes of a "+"-joined section field (sorted); *nsec_r and
 *sec_r: how many sections were named, and the first one. */
static int parse_sections(struct reader *r, const struct csv *c, int row, int col,
                          struct ilist *out, int *students_r, int *nsec_r, int *sec_r)
{
    char buf[CSV_MAX_FIELD + 1], *parts[CSV_MAX_FIELD];
    str_copy(buf, sizeof(buf), csv_get(c, row, col));
    int n = split_plus(buf, parts, CSV_MAX_FIELD);
    if (n == 0) {
        fail_at(r->error_r, c->name, c->line[row], "falta la sección");
        return -1;
    }
    if (n < 0) {
        fail_at(r->error_r, c->name, c->line[row],
                "la lista de secciones «%s» tiene un elemento vacío", csv_get(c, row, col));
        return -1;
    }
    int students = 0;
    for (int i = 0; i < n; i++) {
        int s = map_get(&r->secmap, parts[i]);
        if (s < 0) {
            fail_at(r->error_r, c->name, c->line[row], "la sección «%s» no está en sections.csv",
                    parts[i]);
            return -1;
        }
        students += r->secs[s].students;
        index_section(&r->ix, parts[i], out);
        if (i == 0 && sec_r)
            *sec_r = s;
    }
    ilist_sort(out);
    if (students_r)
        *students_r = students;
    if (nsec_r)
        *nsec_r = n;
    return 0;
}

/* The teachers of a "+"-joined field, in its order; empty is none. */
static int parse_teachers(struct reader *r, const struct csv *c, int row, int col,
                          struct ilist *out)
{
    char buf[CSV_MAX_FIELD + 1], *parts[CSV_MAX_FIELD];
    str_copy(buf, sizeof(buf), csv_get(c, row, col));
    int n = split_plus(buf, parts, CSV_MAX_FIELD);
    if (n < 0) {
        fail_at(r->error_r, c->name, c->line[row],
                "la lista de docentes «%s» tiene un elemento vacío", csv_get(c, row, col));
        return -1;
    }
    for (int i = 0; i < n; i++) {
        int t = map_get(&r->ix.teacher, parts[i]);
        if (t < 0) {
            fail_at(r->error_r, c->name, c->line[row], "el docente «%s» no está en teachers.csv",
                    parts[i]);
            return -1;
        }
        ilist_add_unique(out, t);
    }
    return 0;
}

static int parse_subject(struct reader *r, const struct csv *c, int row, int col)
{
    const char *code = csv_get(c, row, col);
    int s = map_get(&r->ix.subject, code);
    if (s < 0 && !*code)
        fail_at(r->error_r, c->name, c->line[row], "falta la materia");
    else if (s < 0)
        fail_at(r->error_r, c->name, c->line[row], "la materia «%s» no está en subjects.csv", code);
    return s;
}

static int read_lessons(struct reader *r)
{
    static const char *const cols[] = {"section", "subject", "teacher",   "periods_per_week",
                                       "blocks",  "room",    "room_type", NULL};
    struct csv c;
    if (rd_load(r, "lessons.csv", true, cols, 5, &c) < 0)
        return -1;
    struct tt_instance *inst = r->inst;
    int csec = csv_col(&c, "section"), csub = csv_col(&c, "subject"), ct = csv_col(&c, "teacher"),
        cppw = csv_col(&c, "periods_per_week"), cb = csv_col(&c, "blocks"),
        cr = csv_col(&c, "room"), crt = csv_col(&c, "room_type");
    int maxppw = inst->ndays * inst->nperiods;
    struct ilist classes = {0}, teachers = {0}, rooms = {0};
    for (int i = 0; i < c.nrows; i++) {
        classes.n = teachers.n = rooms.n = 0;
        int students = 0, nsec = 0, sec = -1, subject, ppw;
        if (parse_sections(r, &c, i, csec, &classes, &students, &nsec, &sec) < 0 ||
            (subject = parse_subject(r, &c, i, csub)) < 0 ||
            parse_teachers(r, &c, i, ct, &teachers) < 0)
            goto fail;
        const char *ppws = csv_get(&c, i, cppw);
        if (!parse_int(ppws, 1, maxppw, &ppw)) {
            fail_at(r->error_r, c.name, c.line[i],
                    "periods_per_week «%s» no es un número entre 1 y %d", ppws, maxppw);
            goto fail;
        }
        const char *bls = csv_get(&c, i, cb);
        char buf[CSV_MAX_FIELD + 1], *parts[CSV_MAX_FIELD];
        str_copy(buf, sizeof(buf), bls);
        int nb = split_plus(buf, parts, CSV_MAX_FIELD), len[CSV_MAX_FIELD], sum = 0;
        if (nb <= 0) {
            fail_at(r->error_r, c.name, c.line[i],
                    "blocks «%s» debe ser una lista de bloques como «2+2+1»", bls);
            goto fail;
        }
        for (int k = 0; k < nb; k++) {
            if (!parse_int(parts[k], 1, inst->nperiods, &len[k])) {
                fail_at(r->error_r, c.name, c.line[i],
                        "el bloque «%s» no es un número de períodos entre 1 y %d", parts[k],
                        inst->nperiods);
                goto fail;
            }
            sum += len[k];
        }
        if (sum != ppw) {
            fail_at(r->error_r, c.name, c.line[i],
                    "los bloques «%s» suman %d períodos pero periods_per_week es %d", bls, sum,
                    ppw);
            goto fail;
        }
        if (inst->nblocks + nb > MAX_BLOCKS) {
            fail_at(r->error_r, c.name, c.line[i], "hay más de %d bloques en total", MAX_BLOCKS);
            goto fail;
        }
        const char *rl = csv_get(&c, i, cr), *rt = csv_get(&c, i, crt);
        char rbuf[CSV_MAX_FIELD + 1], *rparts[CSV_MAX_FIELD];
        str_copy(rbuf, sizeof(rbuf), rl);
        int nr = split_plus(rbuf, rparts, CSV_MAX_FIELD);
        if (nr < 0) {
            fail_at(r->error_r, c.name, c.line[i], "la lista de aulas «%s» tiene un elemento vacío",
                    rl);
            goto fail;
        }
        for (int k = 0; k < nr; k++) {
            int room = find_room(r, &c, i, rparts[k]);
            if (room < 0)
                goto fail;
            ilist_add_unique(&rooms, room);
        }
        if (*rt) {
            bool any = false;
            for (int k = 0; k < inst->nresources && !any; k++)
                any = inst->resources[k].kind == TT_ROOM && inst->resources[k].room_type &&
                      strcmp(inst->resources[k].room_type, rt) == 0;
            if (!any) {
                fail_at(r->error_r, c.name, c.line[i], "ningún aula de rooms.csv es de tipo «%s»",
                        rt);
                goto fail;
            }
        }
        /* a single-section lesson with no room of its own uses the home room */
        if (nr == 0 && !*rt && nsec == 1) {
            const struct sec *s = &r->secs[sec];
            int home = s->room >= 0 ? s->room : s->parent >= 0 ? r->secs[s->parent].room : -1;
            if (home >= 0)
                ilist_push(&rooms, home);
        }
        int l = tt_add_lesson(inst, subject);
        for (int k = 0; k < teachers.n; k++)
            tt_lesson_add_teacher(inst, l, teachers.v[k]);
        /* in the order lessons.csv names them, so output can echo it */
        char sbuf[CSV_MAX_FIELD + 1], *sparts[CSV_MAX_FIELD];
        str_copy(sbuf, sizeof(sbuf), csv_get(&c, i, csec));
        int ns = split_plus(sbuf, sparts, CSV_MAX_FIELD);
        for (int k = 0; k < ns; k++) {
            struct ilist one = {0};
            index_section(&r->ix, sparts[k], &one);
            for (int j = 0; j < one.n; j++)
                tt_lesson_add_class(inst, l, one.v[j]);
            free(one.v);
        }
        for (int k = 0; k < rooms.n; k++)
            tt_lesson_add_room(inst, l, rooms.v[k]);
        for (int k = 0; k < nb; k++)
            tt_lesson_add_block(inst, l, len[k], 0);
        struct tt_lesson *les = &inst->lessons[l];
        les->needs_room = rooms.n > 0 || *rt;
        if (*rt)
            les->room_type = xstrdup(rt);
        les->students = students;
    }
    free(classes.v);
    free(teachers.v);
    free(rooms.v);
    csv_free(&c);
    return 0;
fail:
    free(classes.v);
    free(teachers.v);
    free(rooms.v);
    csv_free(&c);
    return -1;
}

/* --- Finding lessons by what a row names ------------------------------- */

/* Lessons keyed by subject, sorted classes and (optionally) sorted
   teachers; lessons with equal keys are chained in their order. */
struct matcher {
    struct map with, without;
    int *next_with, *next_without;
};

static void sorted_copy(const int *v, int n, struct ilist *out)
{
    out->n = 0;
    for (int i = 0; i < n; i++)
        ilist_push(out, v[i]);
    ilist_sort(out);
}

static void lesson_key(struct strbuf *sb, int subject, const struct ilist *classes,
                       const struct ilist *teachers)
{
    sb->len = 0;
    strbuf_addf(sb, "%d|", subject);
    for (int i = 0; i < classes->n; i++)
        strbuf_addf(sb, "%d,", classes->v[i]);
    if (teachers) {
        strbuf_adds(sb, "|");
        for (int i = 0; i < teachers->n; i++)
            strbuf_addf(sb, "%d,", teachers->v[i]);
    }
}

static void matcher_build(struct matcher *m, const struct tt_instance *inst)
{
    memset(m, 0, sizeof(*m));
    size_t n = (size_t)(inst->nlessons ? inst->nlessons : 1);
    m->next_with = xmalloc(n * sizeof(int));
    m->next_without = xmalloc(n * sizeof(int));
    struct strbuf sb;
    strbuf_init(&sb);
    struct ilist cl = {0}, te = {0};
    /* backwards, so that every chain starts at the first lesson */
    for (int l = inst->nlessons - 1; l >= 0; l--) {
        const struct tt_lesson *les = &inst->lessons[l];
        sorted_copy(les->classes, les->nclasses, &cl);
        sorted_copy(les->teachers, les->nteachers, &te);
        lesson_key(&sb, les->subject, &cl, &te);
        m->next_with[l] = map_get(&m->with, sb.data);
        map_put(&m->with, sb.data, l);
        lesson_key(&sb, les->subject, &cl, NULL);
        m->next_without[l] = map_get(&m->without, sb.data);
        map_put(&m->without, sb.data, l);
    }
    free(cl.v);
    free(te.v);
    strbuf_cleanup(&sb);
}

static void matcher_free(struct matcher *m)
{
    map_free(&m->with);
    map_free(&m->without);
    free(m->next_with);
    free(m->next_without);
}

/* First lesson matching; follow next_with / next_without for the rest. */
static int matcher_first(const struct matcher *m, int subject, const struct ilist *classes,
                         const struct ilist *teachers)
{
    struct strbuf sb;
    strbuf_init(&sb);
    lesson_key(&sb, subject, classes, teachers);
    int l = map_get(teachers ? &m->with : &m->without, sb.data);
    strbuf_cleanup(&sb);
    return l;
}

/* --- Optional files after lessons ----------------------------------------- */

static int parse_day(struct reader *r, const struct csv *c, int row, const char *s)
{
    int d;
    if (!parse_int(s, 1, r->inst->ndays, &d)) {
        fail_at(r->error_r, c->name, c->line[row], "el día «%s» no es un número entre 1 y %d", s,
                r->inst->ndays);
        return -1;
    }
    return d - 1;
}

static int parse_period(struct reader *r, const struct csv *c, int row, const char *s)
{
    int p = map_get(&r->ix.period, s);
    if (p < 0)
        fail_at(r->error_r, c->name, c->line[row], "el período «%s» no está en periods.csv", s);
    return p;
}

static int read_pins(struct reader *r)
{
    static const char *const cols[] = {"section", "subject", "block", "teacher",
                                       "day",     "period",  "room",  NULL};
    struct csv c;
    int rc = rd_load(r, "pins.csv", false, cols, 3, &c);
    if (rc <= 0)
        return rc;
    struct tt_instance *inst = r->inst;
    int csec = csv_col(&c, "section"), csub = csv_col(&c, "subject"), cb = csv_col(&c, "block"),
        ct = csv_col(&c, "teacher"), cd = csv_col(&c, "day"), cp = csv_col(&c, "period"),
        cr = csv_col(&c, "room");
    struct matcher m;
    matcher_build(&m, inst);
    int *pinned = xcalloc((size_t)(inst->nblocks ? inst->nblocks : 1), sizeof(int));
    struct ilist classes = {0}, teachers = {0};
    for (int i = 0; i < c.nrows; i++) {
        classes.n = teachers.n = 0;
        int subject;
        bool by_teacher = *csv_get(&c, i, ct) != '\0';
        if (parse_sections(r, &c, i, csec, &classes, NULL, NULL, NULL) < 0 ||
            (subject = parse_subject(r, &c, i, csub)) < 0 ||
            parse_teachers(r, &c, i, ct, &teachers) < 0)
            goto fail;
        ilist_sort(&teachers);
        int l = matcher_first(&m, subject, &classes, by_teacher ? &teachers : NULL);
        int count = 0;
        for (int k = l; k >= 0; k = by_teacher ? m.next_with[k] : m.next_without[k])
            count++;
        if (count != 1) {
            struct strbuf what;
            strbuf_init(&what);
            strbuf_addf(&what, "de «%s» con la materia «%s»", csv_get(&c, i, csec),
                        csv_get(&c, i, csub));
            if (by_teacher)
                strbuf_addf(&what, " y el docente «%s»", csv_get(&c, i, ct));
            if (count == 0)
                fail_at(r->error_r, c.name, c.line[i], "no hay ninguna clase %s en lessons.csv",
                        what.data);
            else if (by_teacher)
                fail_at(r->error_r, c.name, c.line[i], "hay %d clases iguales %s en lessons.csv",
                        count, what.data);
            else
                fail_at(r->error_r, c.name, c.line[i],
                        "hay %d clases %s en lessons.csv; agregue la columna teacher para "
                        "distinguirlas",
                        count, what.data);
            strbuf_cleanup(&what);
            goto fail;
        }
        const struct tt_lesson *les = &inst->lessons[l];
        int k;
        if (!parse_int(csv_get(&c, i, cb), 1, les->nblocks, &k)) {
            fail_at(r->error_r, c.name, c.line[i],
                    "el bloque «%s» no existe: la clase tiene %d bloque%s (se cuentan desde 1)",
                    csv_get(&c, i, cb), les->nblocks, les->nblocks == 1 ? "" : "s");
            goto fail;
        }
        int b = les->blocks[k - 1];
        if (pinned[b]) {
            fail_at(r->error_r, c.name, c.line[i], "ese bloque ya se fijó en la línea %d",
                    pinned[b]);
            goto fail;
        }
        pinned[b] = c.line[i];
        struct tt_block *blk = &inst->blocks[b];
        const char *day = csv_get(&c, i, cd), *per = csv_get(&c, i, cp);
        const char *room = csv_get(&c, i, cr);
        if (*day && (blk->pin_day = parse_day(r, &c, i, day)) < 0)
            goto fail;
        if (*per) {
            if ((blk->pin_period = parse_period(r, &c, i, per)) < 0)
                goto fail;
            if (blk->pin_period + blk->length > inst->nperiods) {
                fail_at(r->error_r, c.name, c.line[i],
                        "un bloque de %d períodos que empieza en el período «%s» pasa del final "
                        "del día",
                        blk->length, per);
                goto fail;
            }
        }
        if (*room) {
            int rm = find_room(r, &c, i, room);
            if (rm < 0)
                goto fail;
            if (!les->needs_room) {
                fail_at(r->error_r, c.name, c.line[i],
                        "la clase no usa aula (indique room o room_type en lessons.csv)");
                goto fail;
            }
            bool allowed = les->nrooms == 0;
            for (int j = 0; j < les->nrooms; j++)
                allowed = allowed || les->rooms[j] == rm;
            if (!allowed) {
                fail_at(r->error_r, c.name, c.line[i],
                        "el aula «%s» no está entre las aulas permitidas para la clase", room);
                goto fail;
            }
            blk->pin_room = rm;
        }
    }
    rc = 1;
    goto out;
fail:
    rc = -1;
out:
    free(classes.v);
    free(teachers.v);
    free(pinned);
    matcher_free(&m);
    csv_free(&c);
    return rc;
}

/* Marks day d (or every day when d < 0) and period p (or every period when
   p < 0) in the constraint's slots. */
static void set_slots(const struct tt_instance *inst, struct tt_constraint *con, int d, int p)
{
    for (int dd = 0; dd < inst->ndays; dd++) {
        if (d >= 0 && dd != d)
            continue;
        for (int pp = 0; pp < inst->nperiods; pp++)
            if (p < 0 || pp == p)
                tt_constraint_set_slot(con, dd, pp);
    }
}

static int read_unavailable(struct reader *r)
{
    static const char *const cols[] = {"kind", "name", "day", "period", NULL};
    struct csv c;
    int rc = rd_load(r, "unavailable.csv", false, cols, 3, &c);
    if (rc <= 0)
        return rc;
    struct tt_instance *inst = r->inst;
    int ck = csv_col(&c, "kind"), cn = csv_col(&c, "name"), cd = csv_col(&c, "day"),
        cp = csv_col(&c, "period");
    /* one constraint per resource, made on its first row */
    int *con_of = xmalloc((size_t)(inst->nresources ? inst->nresources : 1) * sizeof(int));
    for (int i = 0; i < inst->nresources; i++)
        con_of[i] = -1;
    struct ilist res = {0};
    for (int i = 0; i < c.nrows; i++) {
        const char *kind = csv_get(&c, i, ck), *name = csv_get(&c, i, cn);
        const char *day = csv_get(&c, i, cd), *per = csv_get(&c, i, cp);
        res.n = 0;
        if (strcmp(kind, "teacher") == 0) {
            int t = map_get(&r->ix.teacher, name);
            if (t < 0) {
                fail_at(r->error_r, c.name, c.line[i], "el docente «%s» no está en teachers.csv",
                        name);
                goto fail;
            }
            ilist_push(&res, t);
        } else if (strcmp(kind, "section") == 0) {
            if (map_get(&r->secmap, name) < 0 || !index_section(&r->ix, name, &res)) {
                fail_at(r->error_r, c.name, c.line[i], "la sección «%s» no está en sections.csv",
                        name);
                goto fail;
            }
        } else if (strcmp(kind, "room") == 0) {
            int rm = find_room(r, &c, i, name);
            if (rm < 0)
                goto fail;
            ilist_push(&res, rm);
        } else {
            fail_at(r->error_r, c.name, c.line[i],
                    "el tipo «%s» no es «teacher», «section» ni «room»", kind);
            goto fail;
        }
        int d = -1, p = -1;
        if (!*day && !*per) {
            fail_at(r->error_r, c.name, c.line[i],
                    "indique el día (day), el período (period) o ambos");
            goto fail;
        }
        if ((*day && (d = parse_day(r, &c, i, day)) < 0) ||
            (*per && (p = parse_period(r, &c, i, per)) < 0))
            goto fail;
        for (int k = 0; k < res.n; k++) {
            int x = res.v[k];
            if (con_of[x] < 0) {
                con_of[x] = inst->nconstraints;
                struct tt_constraint *con =
                    tt_add_constraint(inst, TT_UNAVAILABLE, true, 1, true, "unavailable.csv");
                con->resource = x;
            }
            set_slots(inst, &inst->constraints[con_of[x]], d, p);
        }
    }
    rc = 1;
    goto out;
fail:
    rc = -1;
out:
    free(res.v);
    free(con_of);
    csv_free(&c);
    return rc;
}

static int read_preferences(struct reader *r)
{
    static const char *const cols[] = {"teacher", "kind",    "level", "day",
                                       "period",  "subject", "room",  NULL};
    static const char *const kinds[] = {"time", "day", "subject", "room"};
    static const struct {
        const char *name;
        enum tt_level level;
    } levels[] = {
        {"avoid", TT_AVOID}, {"dislike", TT_DISLIKE}, {"like", TT_LIKE}, {"prefer", TT_PREFER}};
    struct csv c;
    int rc = rd_load(r, "preferences.csv", false, cols, 3, &c);
    if (rc <= 0)
        return rc;
    struct tt_instance *inst = r->inst;
    const struct rule *ru = &r->rules[R_TEACHER_PREFS];
    int ct = csv_col(&c, "teacher"), ck = csv_col(&c, "kind"), cl = csv_col(&c, "level");
    /* which of day, period, subject, room each kind uses: 2 = required,
       1 = optional, 0 = must be empty */
    static const char *const what[] = {"day", "period", "subject", "room"};
    static const int uses[4][4] = {{1, 2, 0, 0}, {2, 0, 0, 0}, {0, 0, 2, 0}, {0, 0, 0, 2}};
    for (int i = 0; i < c.nrows; i++) {
        const char *tname = csv_get(&c, i, ct), *kind = csv_get(&c, i, ck);
        const char *lname = csv_get(&c, i, cl);
        int t = map_get(&r->ix.teacher, tname);
        if (t < 0) {
            fail_at(r->error_r, c.name, c.line[i], "el docente «%s» no está en teachers.csv",
                    tname);
            goto fail;
        }
        int k = 0;
        while (k < 4 && strcmp(kinds[k], kind) != 0)
            k++;
        if (k == 4) {
            fail_at(r->error_r, c.name, c.line[i],
                    "el tipo «%s» no es «time», «day», «subject» ni «room»", kind);
            goto fail;
        }
        int lv = 0;
        while (lv < 4 && strcmp(levels[lv].name, lname) != 0)
            lv++;
        if (lv == 4) {
            fail_at(r->error_r, c.name, c.line[i],
                    "el nivel «%s» no es «avoid», «dislike», «like» ni «prefer»", lname);
            goto fail;
        }
        const char *v[4];
        for (int j = 0; j < 4; j++) {
            v[j] = csv_get(&c, i, csv_col(&c, what[j]));
            if (uses[k][j] == 2 && !*v[j]) {
                fail_at(r->error_r, c.name, c.line[i], "una preferencia de tipo «%s» necesita %s",
                        kind, what[j]);
                goto fail;
            }
            if (uses[k][j] == 0 && *v[j]) {
                fail_at(r->error_r, c.name, c.line[i],
                        "la columna %s no se usa en una preferencia de tipo «%s»", what[j], kind);
                goto fail;
            }
        }
        int d = -1, p = -1, subject = -1, room = -1;
        if ((*v[0] && (d = parse_day(r, &c, i, v[0])) < 0) ||
            (*v[1] && (p = parse_period(r, &c, i, v[1])) < 0) ||
            (*v[2] && (subject = parse_subject(r, &c, i, csv_col(&c, "subject"))) < 0) ||
            (*v[3] && (room = find_room(r, &c, i, v[3])) < 0))
            goto fail;
        if (!ru->on)
            continue;
        struct tt_constraint *con = tt_add_constraint(inst, TT_PREFERENCE, ru->hard, ru->weight,
                                                      k <= TT_PREF_DAY, ru->name);
        con->resource = t;
        con->pref_kind = k;
        con->level = levels[lv].level;
        con->subject = subject;
        if (k <= TT_PREF_DAY)
            set_slots(inst, con, d, p);
        if (room >= 0)
            tt_constraint_add_room(con, room);
    }
    csv_free(&c);
    return 1;
fail:
    csv_free(&c);
    return -1;
}

/* The constraints rules.csv (or its defaults) asks for. */
static void build_rules(struct reader *r)
{
    struct tt_instance *inst = r->inst;
    const struct rule *ru;
    ru = &r->rules[R_SUBJECT_SPREAD];
    if (ru->on) {
        for (int l = 0; l < inst->nlessons; l++) {
            const struct tt_lesson *les = &inst->lessons[l];
            if (les->nblocks < 2)
                continue;
            struct tt_constraint *con =
                tt_add_constraint(inst, TT_MIN_DAYS, ru->hard, ru->weight, false, ru->name);
            con->n = ru->value;
            les = &inst->lessons[l];
            for (int k = 0; k < les->nblocks; k++)
                tt_constraint_add_item(con, les->blocks[k]);
        }
    }
    if (r->rules[R_TEACHER_GAPS].on)
        for (int t = 0; t < inst->nresources; t++)
            if (inst->resources[t].kind == TT_TEACHER)
                add_resource_rule(r, R_TEACHER_GAPS, TT_MAX_GAPS_WEEK, t,
                                  r->rules[R_TEACHER_GAPS].value);
    if (r->rules[R_CLASS_GAPS].on)
        for (int k = 0; k < inst->nresources; k++)
            if (inst->resources[k].kind == TT_CLASS)
                add_resource_rule(r, R_CLASS_GAPS, TT_MAX_GAPS_WEEK, k,
                                  r->rules[R_CLASS_GAPS].value);
    ru = &r->rules[R_SUBJECT_MAX];
    if (ru->on) {
        /* one per (class, subject) pair, in lesson order */
        struct map pairs = {0};
        char key[32];
        for (int l = 0; l < inst->nlessons; l++) {
            const struct tt_lesson *les = &inst->lessons[l];
            if (les->subject < 0)
                continue;
            int longest = 0;
            for (int k = 0; k < les->nblocks; k++)
                if (inst->blocks[les->blocks[k]].length > longest)
                    longest = inst->blocks[les->blocks[k]].length;
            for (int k = 0; k < les->nclasses; k++) {
                snprintf(key, sizeof(key), "%d,%d", les->classes[k], les->subject);
                int ci = map_get(&pairs, key);
                if (ci < 0) {
                    ci = inst->nconstraints;
                    map_put(&pairs, key, ci);
                    struct tt_constraint *con = tt_add_constraint(
                        inst, TT_SUBJECT_MAX_DAY, ru->hard, ru->weight, false, ru->name);
                    les = &inst->lessons[l];
                    con->resource = les->classes[k];
                    con->subject = les->subject;
                    con->n = ru->value;
                }
                if (inst->constraints[ci].n < longest)
                    inst->constraints[ci].n = longest;
            }
        }
        map_free(&pairs);
    }
    if (r->have_rooms && r->rules[R_ROOM_STABILITY].on) {
        bool *uses = xcalloc((size_t)(inst->nresources ? inst->nresources : 1), sizeof(bool));
        for (int l = 0; l < inst->nlessons; l++)
            if (inst->lessons[l].needs_room)
                for (int k = 0; k < inst->lessons[l].nclasses; k++)
                    uses[inst->lessons[l].classes[k]] = true;
        for (int k = 0; k < inst->nresources; k++)
            if (uses[k])
                add_resource_rule(r, R_ROOM_STABILITY, TT_ROOM_STABILITY, k, 0);
        free(uses);
    }
}

struct tt_instance *tt_csv_read(const char *dir, char **error_r)
{
    struct reader r;
    memset(&r, 0, sizeof(r));
    r.dir = dir;
    r.error_r = error_r;
    /* the folder's name names the instance */
    char *name = xstrdup(dir);
    size_t n = strlen(name);
    while (n > 1 && name[n - 1] == '/')
        name[--n] = '\0';
    r.inst = tt_instance_new(base_name(name));
    free(name);
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        fail(error_r, "La carpeta «%s» no existe o no es una carpeta.", dir);
        goto fail;
    }
    if (read_rules(&r) < 0 || read_periods(&r) < 0 || read_days(&r) < 0 || read_rooms(&r) < 0 ||
        read_sections(&r) < 0 || read_subjects(&r) < 0 || read_teachers(&r) < 0 ||
        read_lessons(&r) < 0 || read_pins(&r) < 0 || read_unavailable(&r) < 0 ||
        read_preferences(&r) < 0)
        goto fail;
    build_rules(&r);
    if (tt_instance_validate(r.inst, error_r) < 0)
        goto fail;
    goto out;
fail:
    tt_instance_free(&r.inst);
out:
    index_free(&r.ix);
    map_free(&r.secmap);
    for (int i = 0; i < r.nsecs; i++)
        free(r.secs[i].code);
    free(r.secs);
    return r.inst;
}

/* --- Solutions ------------------------------------------------------------ */

int tt_csv_read_solution(const struct tt_instance *inst, const char *path, struct tt_solution *sol,
                         char **error_r)
{
    static const char *const cols[] = {"section", "day",     "period", "length",
                                       "subject", "teacher", "room",   NULL};
    const char *name = base_name(path);
    if (sol->nblocks != inst->nblocks) {
        fail(error_r, "%s: la solución no corresponde a este horario", name);
        return -1;
    }
    struct csv c;
    int rc = csv_load(path, name, cols, 6, &c, error_r);
    if (rc == 0)
        fail(error_r, "No existe el archivo «%s».", path);
    if (rc <= 0)
        return -1;
    for (int b = 0; b < sol->nblocks; b++)
        sol->start[b] = sol->room[b] = -1;
    int csec = csv_col(&c, "section"), cd = csv_col(&c, "day"), cp = csv_col(&c, "period"),
        clen = csv_col(&c, "length"), csub = csv_col(&c, "subject"), ct = csv_col(&c, "teacher"),
        cr = csv_col(&c, "room");
    struct index ix;
    index_build(&ix, inst);
    struct matcher m;
    matcher_build(&m, inst);
    bool *used = xcalloc((size_t)(inst->nblocks ? inst->nblocks : 1), sizeof(bool));
    struct ilist classes = {0}, teachers = {0};
    rc = -1;
    for (int i = 0; i < c.nrows; i++) {
        const char *secs = csv_get(&c, i, csec), *subj = csv_get(&c, i, csub);
        const char *tea = csv_get(&c, i, ct), *day = csv_get(&c, i, cd);
        const char *per = csv_get(&c, i, cp), *lens = csv_get(&c, i, clen);
        const char *room = csv_get(&c, i, cr);
        int line = c.line[i];
        char buf[CSV_MAX_FIELD + 1], *parts[CSV_MAX_FIELD];
        classes.n = teachers.n = 0;
        str_copy(buf, sizeof(buf), secs);
        int n = split_plus(buf, parts, CSV_MAX_FIELD);
        if (n <= 0) {
            fail_at(error_r, name, line, "falta la sección o la lista «%s» tiene un elemento vacío",
                    secs);
            goto out;
        }
        for (int k = 0; k < n; k++) {
            if (!index_section(&ix, parts[k], &classes)) {
                fail_at(error_r, name, line, "la sección «%s» no existe en el horario", parts[k]);
                goto out;
            }
        }
        ilist_sort(&classes);
        int subject = -1;
        if (*subj && (subject = map_get(&ix.subject, subj)) < 0) {
            fail_at(error_r, name, line, "la materia «%s» no existe en el horario", subj);
            goto out;
        }
        str_copy(buf, sizeof(buf), tea);
        n = split_plus(buf, parts, CSV_MAX_FIELD);
        if (n < 0) {
            fail_at(error_r, name, line, "la lista de docentes «%s» tiene un elemento vacío", tea);
            goto out;
        }
        for (int k = 0; k < n; k++) {
            int t = map_get(&ix.teacher, parts[k]);
            if (t < 0) {
                fail_at(error_r, name, line, "el docente «%s» no existe en el horario", parts[k]);
                goto out;
            }
            ilist_add_unique(&teachers, t);
        }
        ilist_sort(&teachers);
        int len, d, p, rm = -1;
        if (!parse_int(lens, 1, inst->nperiods, &len)) {
            fail_at(error_r, name, line, "la duración «%s» no es un número entre 1 y %d", lens,
                    inst->nperiods);
            goto out;
        }
        if (!parse_int(day, 1, inst->ndays, &d)) {
            fail_at(error_r, name, line, "el día «%s» no es un número entre 1 y %d", day,
                    inst->ndays);
            goto out;
        }
        if ((p = map_get(&ix.period, per)) < 0) {
            fail_at(error_r, name, line, "el período «%s» no existe en el horario", per);
            goto out;
        }
        if (p + len > inst->nperiods) {
            fail_at(error_r, name, line,
                    "un bloque de %d períodos que empieza en el período «%s» pasa del final del "
                    "día",
                    len, per);
            goto out;
        }
        if (*room && (rm = map_get(&ix.room, room)) < 0) {
            fail_at(error_r, name, line, "el aula «%s» no existe en el horario", room);
            goto out;
        }
        int first = matcher_first(&m, subject, &classes, &teachers);
        if (first < 0) {
            fail_at(error_r, name, line,
                    "no hay ninguna clase de «%s» con la materia «%s» y el docente «%s» en el "
                    "horario",
                    secs, subj, tea);
            goto out;
        }
        int found = -1, of_len = 0;
        for (int l = first; l >= 0 && found < 0; l = m.next_with[l]) {
            const struct tt_lesson *les = &inst->lessons[l];
            for (int k = 0; k < les->nblocks && found < 0; k++) {
                int b = les->blocks[k];
                if (inst->blocks[b].length != len)
                    continue;
                of_len++;
                if (!used[b])
                    found = b;
            }
        }
        if (found < 0) {
            if (of_len)
                fail_at(error_r, name, line,
                        "hay más filas que bloques de %d períodos (%d) en la clase de «%s» con la "
                        "materia «%s» y el docente «%s»",
                        len, of_len, secs, subj, tea);
            else
                fail_at(error_r, name, line,
                        "la clase de «%s» con la materia «%s» y el docente «%s» no tiene bloques "
                        "de %d períodos",
                        secs, subj, tea, len);
            goto out;
        }
        used[found] = true;
        sol->start[found] = (d - 1) * inst->nperiods + p;
        sol->room[found] = rm;
    }
    rc = 0;
out:
    if (rc < 0)
        for (int b = 0; b < sol->nblocks; b++)
            sol->start[b] = sol->room[b] = -1;
    free(classes.v);
    free(teachers.v);
    free(used);
    matcher_free(&m);
    index_free(&ix);
    csv_free(&c);
    return rc;
}

/* Section codes of a lesson as lessons.csv wrote them: a group when the
   lesson holds all its subgroups, else the subgroups; pointers into inst. */
static int lesson_codes(const struct tt_instance *inst, const struct index *ix,
                        const struct tt_lesson *les, const char ***codes_r)
{
    const char **codes = xmalloc((size_t)(les->nclasses ? les->nclasses : 1) * sizeof(char *));
    int n = 0;
    for (int i = 0; i < les->nclasses; i++) {
        const struct tt_resource *res = &inst->resources[les->classes[i]];
        const char *code = res->name;
        int g = res->group ? map_get(&ix->group, res->group) : -1;
        if (g >= 0) {
            bool all = true;
            for (int k = 0; k < ix->members[g].n && all; k++) {
                bool in = false;
                for (int j = 0; j < les->nclasses && !in; j++)
                    in = les->classes[j] == ix->members[g].v[k];
                all = in;
            }
            if (all)
                code = res->group;
        }
        bool dup = false;
        for (int k = 0; k < n && !dup; k++)
            dup = strcmp(codes[k], code) == 0;
        if (!dup)
            codes[n++] = code;
    }
    *codes_r = codes;
    return n;
}

static char *join_names(const char **names, int n)
{
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_adds(&sb, "");
    for (int i = 0; i < n; i++) {
        if (i)
            strbuf_adds(&sb, "+");
        strbuf_adds(&sb, names[i]);
    }
    return strbuf_steal(&sb);
}

/* Compares digit runs as numbers, so that C2 sorts before C10. */
static int natcmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
            while (*a == '0')
                a++;
            while (*b == '0')
                b++;
            size_t na = strspn(a, "0123456789"), nb = strspn(b, "0123456789");
            if (na != nb)
                return na < nb ? -1 : 1;
            int c = strncmp(a, b, na);
            if (c)
                return c;
            a += na;
            b += nb;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++;
        b++;
    }
    return *a ? 1 : *b ? -1 : 0;
}

/* What both writers print of every lesson. */
struct out {
    const struct tt_instance *inst;
    const struct tt_solution *sol;
    const char ***codes; /* per lesson */
    int *ncodes;
    char **section;  /* per lesson, "+"-joined */
    char **teachers; /* per lesson, "+"-joined */
    int *order;      /* blocks sorted by section, start */
};

static int out_cmp(const void *pa, const void *pb, void *arg)
{
    const struct out *o = arg;
    int a = *(const int *)pa, b = *(const int *)pb;
    int la = o->inst->blocks[a].lesson, lb = o->inst->blocks[b].lesson;
    int c = natcmp(o->section[la], o->section[lb]);
    if (c)
        return c;
    /* unplaced blocks last */
    unsigned sa = (unsigned)o->sol->start[a], sb = (unsigned)o->sol->start[b];
    if (sa != sb)
        return sa < sb ? -1 : 1;
    return (a > b) - (a < b);
}

static void out_init(struct out *o, const struct tt_instance *inst, const struct tt_solution *sol)
{
    memset(o, 0, sizeof(*o));
    o->inst = inst;
    o->sol = sol;
    struct index ix;
    index_build(&ix, inst);
    size_t nl = (size_t)(inst->nlessons ? inst->nlessons : 1);
    o->codes = xcalloc(nl, sizeof(*o->codes));
    o->ncodes = xcalloc(nl, sizeof(int));
    o->section = xcalloc(nl, sizeof(char *));
    o->teachers = xcalloc(nl, sizeof(char *));
    for (int l = 0; l < inst->nlessons; l++) {
        const struct tt_lesson *les = &inst->lessons[l];
        o->ncodes[l] = lesson_codes(inst, &ix, les, &o->codes[l]);
        o->section[l] = join_names(o->codes[l], o->ncodes[l]);
        const char **tn = xmalloc((size_t)(les->nteachers ? les->nteachers : 1) * sizeof(char *));
        for (int k = 0; k < les->nteachers; k++)
            tn[k] = inst->resources[les->teachers[k]].name;
        o->teachers[l] = join_names(tn, les->nteachers);
        free(tn);
    }
    index_free(&ix);
    o->order = xmalloc((size_t)(inst->nblocks ? inst->nblocks : 1) * sizeof(int));
    for (int b = 0; b < inst->nblocks; b++)
        o->order[b] = b;
    qsort_r(o->order, (size_t)inst->nblocks, sizeof(int), out_cmp, o);
}

static void out_free(struct out *o)
{
    for (int l = 0; l < o->inst->nlessons; l++) {
        free(o->codes[l]);
        free(o->section[l]);
        free(o->teachers[l]);
    }
    free(o->codes);
    free(o->ncodes);
    free(o->section);
    free(o->teachers);
    free(o->order);
}

/* Whether a solution's start is a real slot of the instance. */
static bool placed(const struct tt_instance *inst, const struct tt_solution *sol, int b)
{
    return sol->start[b] >= 0 && sol->start[b] < inst->ndays * inst->nperiods;
}

/* Writes data to path.tmp and renames it over path, so that a reader never
   sees half a file. */
static int write_atomic(const char *path, const char *data, size_t len, char **error_r)
{
    struct strbuf tmp;
    strbuf_init(&tmp);
    strbuf_addf(&tmp, "%s.tmp", path);
    FILE *f = fopen(tmp.data, "wb");
    if (!f) {
        fail(error_r, "No se pudo escribir «%s»: %s", path, strerror(errno));
        strbuf_cleanup(&tmp);
        return -1;
    }
    bool ok = fwrite(data, 1, len, f) == len && fflush(f) == 0 && fsync(fileno(f)) == 0;
    int err = errno;
    if (fclose(f) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (ok && rename(tmp.data, path) != 0) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        unlink(tmp.data);
        fail(error_r, "No se pudo escribir «%s»: %s", path, strerror(err));
    }
    strbuf_cleanup(&tmp);
    return ok ? 0 : -1;
}

static void csv_field(struct strbuf *sb, const char *s, bool last)
{
    size_t n = strlen(s);
    bool quote = strpbrk(s, ",\"\r\n") != NULL ||
                 (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'));
    if (!quote) {
        strbuf_adds(sb, s);
    } else {
        strbuf_adds(sb, "\"");
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                strbuf_add(sb, "\"", 1); /* a quote is written twice */
            strbuf_add(sb, p, 1);
        }
        strbuf_adds(sb, "\"");
    }
    strbuf_adds(sb, last ? "\n" : ",");
}

int tt_csv_write_solution(const struct tt_instance *inst, const struct tt_solution *sol,
                          const char *path, char **error_r)
{
    if (sol->nblocks != inst->nblocks) {
        fail(error_r, "La solución no corresponde a este horario.");
        return -1;
    }
    struct out o;
    out_init(&o, inst, sol);
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_adds(&sb, "section,day,period,length,subject,teacher,room\n");
    for (int i = 0; i < inst->nblocks; i++) {
        int b = o.order[i];
        if (!placed(inst, sol, b))
            continue;
        const struct tt_block *blk = &inst->blocks[b];
        const struct tt_lesson *les = &inst->lessons[blk->lesson];
        int d = sol->start[b] / inst->nperiods, p = sol->start[b] % inst->nperiods;
        char num[16];
        csv_field(&sb, o.section[blk->lesson], false);
        snprintf(num, sizeof(num), "%d", d + 1);
        csv_field(&sb, num, false);
        csv_field(&sb, inst->periods[p].name, false);
        snprintf(num, sizeof(num), "%d", blk->length);
        csv_field(&sb, num, false);
        csv_field(&sb, les->subject >= 0 ? inst->subjects[les->subject] : "", false);
        csv_field(&sb, o.teachers[blk->lesson], false);
        int rm = sol->room[b];
        csv_field(&sb, rm >= 0 && rm < inst->nresources ? inst->resources[rm].name : "", true);
    }
    int rc = write_atomic(path, sb.data, sb.len, error_r);
    strbuf_cleanup(&sb);
    out_free(&o);
    return rc;
}

static void json_time(struct strbuf *sb, int minutes)
{
    if (minutes < 0)
        strbuf_adds(sb, "null");
    else
        strbuf_addf(sb, "\"%02d:%02d\"", minutes / 60, minutes % 60);
}

static void json_str_or_null(struct strbuf *sb, const char *s)
{
    if (s)
        strbuf_add_json_string(sb, s);
    else
        strbuf_adds(sb, "null");
}

int tt_json_write_solution(const struct tt_instance *inst, const struct tt_solution *sol,
                           const char *path, char **error_r)
{
    if (sol->nblocks != inst->nblocks) {
        fail(error_r, "La solución no corresponde a este horario.");
        return -1;
    }
    struct out o;
    out_init(&o, inst, sol);
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_adds(&sb, "{\"instance\": ");
    strbuf_add_json_string(&sb, inst->name);
    strbuf_adds(&sb, ", \"blocks\": [");
    for (int i = 0; i < inst->nblocks; i++) {
        int b = o.order[i];
        const struct tt_block *blk = &inst->blocks[b];
        int l = blk->lesson;
        const struct tt_lesson *les = &inst->lessons[l];
        strbuf_adds(&sb, i ? ",\n  {\"section\": " : "\n  {\"section\": ");
        strbuf_add_json_string(&sb, o.section[l]);
        strbuf_adds(&sb, ", \"sections\": [");
        for (int k = 0; k < o.ncodes[l]; k++) {
            if (k)
                strbuf_adds(&sb, ", ");
            strbuf_add_json_string(&sb, o.codes[l][k]);
        }
        strbuf_adds(&sb, "], \"subject\": ");
        json_str_or_null(&sb, les->subject >= 0 ? inst->subjects[les->subject] : NULL);
        strbuf_adds(&sb, ", \"teachers\": [");
        for (int k = 0; k < les->nteachers; k++) {
            if (k)
                strbuf_adds(&sb, ", ");
            strbuf_add_json_string(&sb, inst->resources[les->teachers[k]].name);
        }
        strbuf_adds(&sb, "]");
        if (placed(inst, sol, b)) {
            int d = sol->start[b] / inst->nperiods, p = sol->start[b] % inst->nperiods;
            int last =
                p + blk->length - 1 < inst->nperiods ? p + blk->length - 1 : inst->nperiods - 1;
            strbuf_addf(&sb, ", \"day\": %d, \"day_name\": ", d + 1);
            strbuf_add_json_string(&sb, inst->day_names[d]);
            strbuf_adds(&sb, ", \"period\": ");
            strbuf_add_json_string(&sb, inst->periods[p].name);
            strbuf_adds(&sb, ", \"start\": ");
            json_time(&sb, inst->periods[p].start);
            strbuf_adds(&sb, ", \"end\": ");
            json_time(&sb, inst->periods[last].end);
        } else {
            strbuf_adds(&sb, ", \"day\": null, \"day_name\": null, \"period\": null, "
                             "\"start\": null, \"end\": null");
        }
        strbuf_addf(&sb, ", \"length\": %d, \"room\": ", blk->length);
        int rm = sol->room[b];
        json_str_or_null(&sb, rm >= 0 && rm < inst->nresources ? inst->resources[rm].name : NULL);
        strbuf_adds(&sb, "}");
    }
    strbuf_adds(&sb, inst->nblocks ? "\n]}\n" : "]}\n");
    int rc = write_atomic(path, sb.data, sb.len, error_r);
    strbuf_cleanup(&sb);
    out_free(&o);
    return rc;
}
