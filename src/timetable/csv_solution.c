/*
 * Timetables in our folder format (docs/TIMETABLE.md): reading a
 * solution.csv back into a solution of an instance, and writing a solution
 * as solution.csv or as JSON. Rows name a lesson by what a school sees
 * (section, subject, teacher), matched to blocks through the lesson
 * matcher of csv_common.c.
 */
#include "timetable/csv_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

/* --- Solutions ------------------------------------------------------------ */

int tt_csv_read_solution(const struct tt_instance *inst, const char *path, struct tt_solution *sol,
                         char **error_r)
{
    static const char *const cols[] = {"section", "day",     "period", "length",
                                       "subject", "teacher", "room",   NULL};
    const char *name = str_base_name(path);
    if (sol->nblocks != inst->nblocks) {
        csv_fail(error_r, "%s: la solución no corresponde a este horario", name);
        return -1;
    }
    struct csv c;
    int rc = tcsv_load(path, name, cols, 6, &c, error_r);
    if (rc == 0)
        csv_fail(error_r, "No existe el archivo «%s».", path);
    if (rc <= 0)
        return -1;
    for (int b = 0; b < sol->nblocks; b++)
        sol->start[b] = sol->room[b] = -1;
    int csec = csv_col(&c, "section"), cd = csv_col(&c, "day"), cp = csv_col(&c, "period"),
        clen = csv_col(&c, "length"), csub = csv_col(&c, "subject"), ct = csv_col(&c, "teacher"),
        cr = csv_col(&c, "room");
    struct tcsv_index ix;
    tcsv_index_build(&ix, inst);
    struct tcsv_matcher m;
    tcsv_matcher_build(&m, inst);
    bool *used = xcalloc((size_t)(inst->nblocks ? inst->nblocks : 1), sizeof(bool));
    struct ilist classes = {0}, teachers = {0};
    rc = -1;
    for (int i = 0; i < c.nrows; i++) {
        const char *secs = csv_get(&c, i, csec), *subj = csv_get(&c, i, csub);
        const char *tea = csv_get(&c, i, ct), *day = csv_get(&c, i, cd);
        const char *per = csv_get(&c, i, cp), *lens = csv_get(&c, i, clen);
        const char *room = csv_get(&c, i, cr);
        int line = c.line[i];
        char buf[TCSV_MAX_FIELD + 1], *parts[TCSV_MAX_FIELD];
        classes.n = teachers.n = 0;
        str_copy(buf, sizeof(buf), secs);
        int n = tcsv_split_plus(buf, parts, TCSV_MAX_FIELD);
        if (n <= 0) {
            csv_fail_at(error_r, name, line, "falta la sección o la lista «%s» tiene un elemento vacío",
                    secs);
            goto out;
        }
        for (int k = 0; k < n; k++) {
            if (!tcsv_index_section(&ix, parts[k], &classes)) {
                csv_fail_at(error_r, name, line, "la sección «%s» no existe en el horario", parts[k]);
                goto out;
            }
        }
        ilist_sort(&classes);
        int subject = -1;
        if (*subj && (subject = tcsv_map_get(&ix.subject, subj)) < 0) {
            csv_fail_at(error_r, name, line, "la materia «%s» no existe en el horario", subj);
            goto out;
        }
        str_copy(buf, sizeof(buf), tea);
        n = tcsv_split_plus(buf, parts, TCSV_MAX_FIELD);
        if (n < 0) {
            csv_fail_at(error_r, name, line, "la lista de docentes «%s» tiene un elemento vacío", tea);
            goto out;
        }
        for (int k = 0; k < n; k++) {
            int t = tcsv_map_get(&ix.teacher, parts[k]);
            if (t < 0) {
                csv_fail_at(error_r, name, line, "el docente «%s» no existe en el horario", parts[k]);
                goto out;
            }
            ilist_add_unique(&teachers, t);
        }
        ilist_sort(&teachers);
        int len, d, p, rm = -1;
        if (!tcsv_int(lens, 1, inst->nperiods, &len)) {
            csv_fail_at(error_r, name, line, "la duración «%s» no es un número entre 1 y %d", lens,
                    inst->nperiods);
            goto out;
        }
        if (!tcsv_int(day, 1, inst->ndays, &d)) {
            csv_fail_at(error_r, name, line, "el día «%s» no es un número entre 1 y %d", day,
                    inst->ndays);
            goto out;
        }
        if ((p = tcsv_map_get(&ix.period, per)) < 0) {
            csv_fail_at(error_r, name, line, "el período «%s» no existe en el horario", per);
            goto out;
        }
        if (p + len > inst->nperiods) {
            csv_fail_at(error_r, name, line,
                    "un bloque de %d períodos que empieza en el período «%s» pasa del final del "
                    "día",
                    len, per);
            goto out;
        }
        if (*room && (rm = tcsv_map_get(&ix.room, room)) < 0) {
            csv_fail_at(error_r, name, line, "el aula «%s» no existe en el horario", room);
            goto out;
        }
        int first = tcsv_matcher_first(&m, subject, &classes, &teachers);
        if (first < 0) {
            csv_fail_at(error_r, name, line,
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
                csv_fail_at(error_r, name, line,
                        "hay más filas que bloques de %d períodos (%d) en la clase de «%s» con la "
                        "materia «%s» y el docente «%s»",
                        len, of_len, secs, subj, tea);
            else
                csv_fail_at(error_r, name, line,
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
    tcsv_matcher_free(&m);
    tcsv_index_free(&ix);
    csv_free(&c);
    return rc;
}

/* Section codes of a lesson as lessons.csv wrote them: a group when the
   lesson holds all its subgroups, else the subgroups; pointers into inst. */
static int lesson_codes(const struct tt_instance *inst, const struct tcsv_index *ix,
                        const struct tt_lesson *les, const char ***codes_r)
{
    const char **codes = xmalloc((size_t)(les->nclasses ? les->nclasses : 1) * sizeof(char *));
    int n = 0;
    for (int i = 0; i < les->nclasses; i++) {
        const struct tt_resource *res = &inst->resources[les->classes[i]];
        const char *code = res->name;
        int g = res->group ? tcsv_map_get(&ix->group, res->group) : -1;
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
    struct tcsv_index ix;
    tcsv_index_build(&ix, inst);
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
    tcsv_index_free(&ix);
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
        csv_fail(error_r, "No se pudo escribir «%s»: %s", path, strerror(errno));
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
        csv_fail(error_r, "No se pudo escribir «%s»: %s", path, strerror(err));
    }
    strbuf_cleanup(&tmp);
    return ok ? 0 : -1;
}

static void csv_field(struct strbuf *sb, const char *s, bool last)
{
    csv_put(sb, s, last ? CSV_PUT_LAST : 0);
}

int tt_csv_write_solution(const struct tt_instance *inst, const struct tt_solution *sol,
                          const char *path, char **error_r)
{
    if (sol->nblocks != inst->nblocks) {
        csv_fail(error_r, "La solución no corresponde a este horario.");
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
        csv_fail(error_r, "La solución no corresponde a este horario.");
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
        /* a virtual room (FET): the real room it takes of each set */
        if (rm >= 0 && rm < inst->nresources && inst->resources[rm].nsets > 0 && sol->real &&
            placed(inst, sol, b)) {
            const int *real = sol->real + (size_t)b * sol->nreal;
            strbuf_adds(&sb, ", \"real_rooms\": [");
            for (int k = 0; k < inst->resources[rm].nsets && k < sol->nreal; k++) {
                if (k)
                    strbuf_adds(&sb, ", ");
                json_str_or_null(&sb, real[k] >= 0 && real[k] < inst->nresources
                                          ? inst->resources[real[k]].name
                                          : NULL);
            }
            strbuf_adds(&sb, "]");
        }
        strbuf_adds(&sb, "}");
    }
    strbuf_adds(&sb, inst->nblocks ? "\n]}\n" : "]}\n");
    int rc = write_atomic(path, sb.data, sb.len, error_r);
    strbuf_cleanup(&sb);
    out_free(&o);
    return rc;
}
