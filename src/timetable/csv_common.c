/*
 * What the timetable folder reader (csv_folder.c) and the solution reader
 * and writers (csv_solution.c) share: name lookups (a hash map and the
 * index of an instance's names), the lesson matcher, field parsers and the
 * loading of one file with our format's limits and columns through the
 * core CSV reader (core/csv.c).
 */
#include "timetable/csv_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static size_t map_find(const struct tcsv_map *m, const char *k)
{
    size_t i = (size_t)hash_str(k) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], k) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

int tcsv_map_get(const struct tcsv_map *m, const char *k)
{
    if (!m->cap)
        return -1;
    size_t i = map_find(m, k);
    return m->keys[i] ? m->vals[i] : -1;
}

void tcsv_map_put(struct tcsv_map *m, const char *k, int v)
{
    if ((m->n + 1) * 2 > m->cap) {
        struct tcsv_map big = {0};
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

void tcsv_map_free(struct tcsv_map *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}


void tcsv_index_add_groups(struct tcsv_index *ix, const struct tt_instance *inst)
{
    for (int r = 0; r < inst->nresources; r++) {
        const struct tt_resource *res = &inst->resources[r];
        if (res->kind != TT_CLASS || !res->group)
            continue;
        int g = tcsv_map_get(&ix->group, res->group);
        if (g < 0) {
            g = ix->nmembers++;
            ix->members = xrealloc(ix->members, (size_t)ix->nmembers * sizeof(struct ilist));
            memset(&ix->members[g], 0, sizeof(struct ilist));
            tcsv_map_put(&ix->group, res->group, g);
        }
        ilist_push(&ix->members[g], r);
    }
}

void tcsv_index_build(struct tcsv_index *ix, const struct tt_instance *inst)
{
    memset(ix, 0, sizeof(*ix));
    for (int r = 0; r < inst->nresources; r++) {
        const struct tt_resource *res = &inst->resources[r];
        struct tcsv_map *m = res->kind == TT_TEACHER ? &ix->teacher
                        : res->kind == TT_ROOM  ? &ix->room
                                                : &ix->cls;
        if (tcsv_map_get(m, res->name) < 0)
            tcsv_map_put(m, res->name, r);
    }
    for (int s = 0; s < inst->nsubjects; s++)
        if (tcsv_map_get(&ix->subject, inst->subjects[s]) < 0)
            tcsv_map_put(&ix->subject, inst->subjects[s], s);
    for (int p = 0; p < inst->nperiods; p++)
        if (tcsv_map_get(&ix->period, inst->periods[p].name) < 0)
            tcsv_map_put(&ix->period, inst->periods[p].name, p);
    tcsv_index_add_groups(ix, inst);
}

void tcsv_index_free(struct tcsv_index *ix)
{
    tcsv_map_free(&ix->teacher);
    tcsv_map_free(&ix->room);
    tcsv_map_free(&ix->cls);
    tcsv_map_free(&ix->subject);
    tcsv_map_free(&ix->period);
    tcsv_map_free(&ix->group);
    for (int i = 0; i < ix->nmembers; i++)
        free(ix->members[i].v);
    free(ix->members);
    memset(ix, 0, sizeof(*ix));
}

/* Atomic classes of one section code: the class itself, or a group's
   subgroups. false when the code is unknown. */
bool tcsv_index_section(const struct tcsv_index *ix, const char *code, struct ilist *out)
{
    int r = tcsv_map_get(&ix->cls, code);
    if (r >= 0) {
        ilist_add_unique(out, r);
        return true;
    }
    int g = tcsv_map_get(&ix->group, code);
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
int tcsv_split_plus(char *buf, char **parts, int max)
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


/* "7:00" or "07:00" into minutes after midnight. */
bool tcsv_parse_hhmm(const char *s, int *out)
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

/* --- Finding lessons by what a row names ------------------------------- */


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

void tcsv_matcher_build(struct tcsv_matcher *m, const struct tt_instance *inst)
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
        m->next_with[l] = tcsv_map_get(&m->with, sb.data);
        tcsv_map_put(&m->with, sb.data, l);
        lesson_key(&sb, les->subject, &cl, NULL);
        m->next_without[l] = tcsv_map_get(&m->without, sb.data);
        tcsv_map_put(&m->without, sb.data, l);
    }
    free(cl.v);
    free(te.v);
    strbuf_cleanup(&sb);
}

void tcsv_matcher_free(struct tcsv_matcher *m)
{
    tcsv_map_free(&m->with);
    tcsv_map_free(&m->without);
    free(m->next_with);
    free(m->next_without);
}

/* First lesson matching; follow next_with / next_without for the rest. */
int tcsv_matcher_first(const struct tcsv_matcher *m, int subject, const struct ilist *classes,
                         const struct ilist *teachers)
{
    struct strbuf sb;
    strbuf_init(&sb);
    lesson_key(&sb, subject, classes, teachers);
    int l = tcsv_map_get(teachers ? &m->with : &m->without, sb.data);
    strbuf_cleanup(&sb);
    return l;
}

/* --- Loading a file ---------------------------------------------------- */

struct columns {
    const char *const *cols;
    int nreq;
};

/* Checks the header against the columns the file allows; the first nreq
   of cols are required. */
static int check_header(void *arg, const char *name, char **f, int nf, int line, char **error_r)
{
    const struct columns *want = arg;
    const char *const *cols = want->cols;
    int nreq = want->nreq;
    for (int i = 0; i < nf; i++) {
        str_lower(f[i]);
        if (!f[i][0]) {
            csv_fail_at(error_r, name, line, "la columna %d del encabezado no tiene nombre", i + 1);
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
            csv_fail_at(error_r, name, line,
                    "columna desconocida «%s»; las columnas válidas son: %s", f[i], sb.data);
            strbuf_cleanup(&sb);
            return -1;
        }
        for (int j = 0; j < i; j++) {
            if (strcmp(f[j], f[i]) == 0) {
                csv_fail_at(error_r, name, line, "la columna «%s» aparece dos veces", f[i]);
                return -1;
            }
        }
    }
    for (int k = 0; k < nreq; k++) {
        bool found = false;
        for (int i = 0; i < nf; i++)
            found = found || strcmp(cols[k], f[i]) == 0;
        if (!found) {
            csv_fail_at(error_r, name, line, "falta la columna obligatoria «%s»", cols[k]);
            return -1;
        }
    }
    return 0;
}

/* Reads path (named name in messages) with the limits and columns of our
   folder format. 1 when read, 0 when the file does not exist, -1 on error. */
int tcsv_load(const char *path, const char *name, const char *const *cols, int nreq,
              struct csv *c, char **error_r)
{
    struct columns want = {cols, nreq};
    struct csv_options o = {
        .name = name,
        .separator = ',',
        .encoding = CSV_UTF8,
        .max_bytes = TCSV_MAX_BYTES,
        .max_rows = TCSV_MAX_ROWS,
        .max_cols = TCSV_MAX_COLS,
        .max_field = TCSV_MAX_FIELD,
        .check_header = check_header,
        .arg = &want,
    };
    return csv_load(c, path, &o, error_r);
}

bool tcsv_int(const char *s, int lo, int hi, int *out)
{
    /* digits only: no sign, and no spaces kept inside quotes */
    size_t n = strlen(s);
    if (n == 0 || s[0] < '0' || s[0] > '9' || s[n - 1] < '0' || s[n - 1] > '9')
        return false;
    return int_parse(s, lo, hi, out);
}
