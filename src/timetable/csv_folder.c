/*
 * Our own instance format, read: a folder of small CSV files a school can
 * edit in a spreadsheet (docs/TIMETABLE.md). The timetable written back
 * (CSV or JSON) and read again is in csv_solution.c.
 *
 * How it works: every file goes through the strict RFC 4180 reader of
 * core (core/csv.c, through tcsv_load) that checks the size, row and field
 * limits, the UTF-8 and the header against the columns that file allows, and keeps each row's line
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
    struct tcsv_index ix;
    struct tcsv_map secmap;
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
    int rc = tcsv_load(path.data, file, cols, nreq, c, r->error_r);
    strbuf_cleanup(&path);
    if (rc == 0 && required) {
        csv_fail(r->error_r, "Falta el archivo obligatorio %s en la carpeta «%s».", file, r->dir);
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
    if (!tcsv_int(s, 1, MAX_WEIGHT, &w))
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
            csv_fail_at(r->error_r, c.name, c.line[i], "regla desconocida «%s»; las reglas son: %s",
                    name, sb.data);
            strbuf_cleanup(&sb);
            goto fail;
        }
        if (seen[k]) {
            csv_fail_at(r->error_r, c.name, c.line[i], "la regla «%s» ya aparece en la línea %d", name,
                    seen[k]);
            goto fail;
        }
        seen[k] = c.line[i];
        struct rule *ru = &r->rules[k];
        if (*val) {
            if (ru->vmax == 0) {
                csv_fail_at(r->error_r, c.name, c.line[i], "la regla «%s» no lleva valor (value)",
                        name);
                goto fail;
            }
            if (!tcsv_int(val, ru->vmin, ru->vmax, &ru->value)) {
                csv_fail_at(r->error_r, c.name, c.line[i],
                        "el valor «%s» de la regla «%s» debe ser un número entre %d y %d", val,
                        name, ru->vmin, ru->vmax);
                goto fail;
            }
        }
        /* subject_max_per_day is off until a row asks for it */
        if (k == R_SUBJECT_MAX)
            ru->on = true;
        if (*w && parse_weight(w, ru) < 0) {
            csv_fail_at(r->error_r, c.name, c.line[i],
                    "el peso «%s» debe ser «hard», «off» o un número entre 1 y %d", w, MAX_WEIGHT);
            goto fail;
        }
        if (k == R_SUBJECT_MAX && ru->on && !*val) {
            csv_fail_at(r->error_r, c.name, c.line[i],
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
            csv_fail_at(r->error_r, c.name, c.line[i], "el tipo «%s» no es «class» ni «break»", kind);
            goto fail;
        }
        int start = -1, end = -1;
        if ((*st && !tcsv_parse_hhmm(st, &start)) || (*en && !tcsv_parse_hhmm(en, &end))) {
            csv_fail_at(r->error_r, c.name, c.line[i], "la hora «%s» no tiene el formato HH:MM",
                    *st && !tcsv_parse_hhmm(st, &start) ? st : en);
            goto fail;
        }
        if (start >= 0 && end >= 0 && end <= start) {
            csv_fail_at(r->error_r, c.name, c.line[i], "la hora de fin %s no es posterior al inicio %s",
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
        if (!tcsv_int(name, 1, 1000000, &num) || num != inst->nperiods + 1) {
            csv_fail_at(r->error_r, c.name, c.line[i],
                    "el período «%s» no sigue la numeración: se esperaba %d (los períodos de "
                    "clase van numerados 1, 2, 3... en orden)",
                    name, inst->nperiods + 1);
            goto fail;
        }
        if (inst->nperiods == TT_MAX_PERIODS) {
            csv_fail_at(r->error_r, c.name, c.line[i], "hay más de %d períodos de clase por día",
                    TT_MAX_PERIODS);
            goto fail;
        }
        tcsv_map_put(&r->ix.period, name, tt_add_period(inst, name, start, end));
    }
    if (inst->nperiods == 0) {
        csv_fail(r->error_r, "periods.csv: no hay ningún período de clase (kind=class)");
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
        if (!tcsv_int(csv_get(&c, i, cd), 1, 1000000, &d) || d != n + 1) {
            csv_fail_at(r->error_r, c.name, c.line[i],
                    "el día «%s» no sigue la numeración: se esperaba %d", csv_get(&c, i, cd),
                    n + 1);
            goto fail;
        }
        if (n == TT_MAX_DAYS) {
            csv_fail_at(r->error_r, c.name, c.line[i], "hay más de %d días", TT_MAX_DAYS);
            goto fail;
        }
        const char *name = csv_get(&c, i, cn);
        names[n++] = *name ? name : NULL;
    }
    if (n == 0) {
        csv_fail(r->error_r, "days.csv: no hay ningún día");
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
            csv_fail_at(r->error_r, c.name, c.line[i], "falta el código del aula (room)");
            goto fail;
        }
        if (tcsv_map_get(&r->ix.room, code) >= 0) {
            csv_fail_at(r->error_r, c.name, c.line[i], "el aula «%s» está repetida", code);
            goto fail;
        }
        if (*cap && !tcsv_int(cap, 0, MAX_CAPACITY, &capacity)) {
            csv_fail_at(r->error_r, c.name, c.line[i], "la capacidad «%s» no es un número entre 0 y %d",
                    cap, MAX_CAPACITY);
            goto fail;
        }
        int res = tt_add_resource(r->inst, TT_ROOM, code);
        r->inst->resources[res].capacity = capacity;
        if (*type)
            r->inst->resources[res].room_type = xstrdup(type);
        tcsv_map_put(&r->ix.room, code, res);
    }
    csv_free(&c);
    return 1;
fail:
    csv_free(&c);
    return -1;
}

static int find_room(struct reader *r, const struct csv *c, int row, const char *code)
{
    int room = tcsv_map_get(&r->ix.room, code);
    if (room < 0)
        csv_fail_at(r->error_r, c->name, c->line[row], "el aula «%s» no está en rooms.csv%s", code,
                r->have_rooms ? "" : " (no hay rooms.csv)");
    return room;
}

/* A section or teacher code must be there and can not hold the list
   separator. */
static bool bad_code(struct reader *r, const struct csv *c, int row, const char *code,
                     const char *what)
{
    if (!*code)
        csv_fail_at(r->error_r, c->name, c->line[row], "falta el código %s", what);
    else if (strchr(code, '+'))
        csv_fail_at(r->error_r, c->name, c->line[row], "el código %s «%s» no puede llevar «+»", what,
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
        if (tcsv_map_get(&r->secmap, code) >= 0) {
            csv_fail_at(r->error_r, c.name, c.line[i], "la sección «%s» está repetida", code);
            goto fail;
        }
        if (*st && !tcsv_int(st, 0, MAX_CAPACITY, &s->students)) {
            csv_fail_at(r->error_r, c.name, c.line[i],
                    "el número de estudiantes «%s» no es un número entre 0 y %d", st, MAX_CAPACITY);
            goto fail;
        }
        if (*room && (s->room = find_room(r, &c, i, room)) < 0)
            goto fail;
        s->code = xstrdup(code);
        tcsv_map_put(&r->secmap, code, i);
        r->nsecs++;
    }
    for (int i = 0; i < c.nrows; i++) {
        const char *parent = csv_get(&c, i, cp);
        if (!*parent)
            continue;
        int p = tcsv_map_get(&r->secmap, parent);
        if (p < 0 || p == i) {
            csv_fail_at(r->error_r, c.name, c.line[i],
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
            csv_fail_at(r->error_r, c.name, c.line[i],
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
        tcsv_map_put(&r->ix.cls, s->code, s->res);
    }
    /* a split section without a head count of its own has its subgroups'
       (secs[i] is row i) */
    for (int i = 0; i < r->nsecs; i++) {
        const struct sec *s = &r->secs[i];
        if (s->parent >= 0 && !*csv_get(&c, s->parent, cst))
            r->secs[s->parent].students += s->students;
    }
    tcsv_index_add_groups(&r->ix, r->inst);
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
            csv_fail_at(r->error_r, c.name, c.line[i], "falta el código de la materia (subject)");
            goto fail;
        }
        if (tcsv_map_get(&r->ix.subject, code) >= 0) {
            csv_fail_at(r->error_r, c.name, c.line[i], "la materia «%s» está repetida", code);
            goto fail;
        }
        tcsv_map_put(&r->ix.subject, code, tt_add_subject(r->inst, code));
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
        if (tcsv_map_get(&r->ix.teacher, code) >= 0) {
            csv_fail_at(r->error_r, c.name, c.line[i], "el docente «%s» está repetido", code);
            goto fail;
        }
        int res = tt_add_resource(r->inst, TT_TEACHER, code);
        tcsv_map_put(&r->ix.teacher, code, res);
        for (size_t k = 0; k < sizeof(limits) / sizeof(limits[0]); k++) {
            const char *v = csv_get(&c, i, csv_col(&c, limits[k].col));
            int n;
            if (!*v)
                continue;
            if (!tcsv_int(v, 0, limits[k].max, &n)) {
                csv_fail_at(r->error_r, c.name, c.line[i], "%s «%s» no es un número entre 0 y %d",
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
    char buf[TCSV_MAX_FIELD + 1], *parts[TCSV_MAX_FIELD];
    str_copy(buf, sizeof(buf), csv_get(c, row, col));
    int n = tcsv_split_plus(buf, parts, TCSV_MAX_FIELD);
    if (n == 0) {
        csv_fail_at(r->error_r, c->name, c->line[row], "falta la sección");
        return -1;
    }
    if (n < 0) {
        csv_fail_at(r->error_r, c->name, c->line[row],
                "la lista de secciones «%s» tiene un elemento vacío", csv_get(c, row, col));
        return -1;
    }
    int students = 0;
    for (int i = 0; i < n; i++) {
        int s = tcsv_map_get(&r->secmap, parts[i]);
        if (s < 0) {
            csv_fail_at(r->error_r, c->name, c->line[row], "la sección «%s» no está en sections.csv",
                    parts[i]);
            return -1;
        }
        students += r->secs[s].students;
        tcsv_index_section(&r->ix, parts[i], out);
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
    char buf[TCSV_MAX_FIELD + 1], *parts[TCSV_MAX_FIELD];
    str_copy(buf, sizeof(buf), csv_get(c, row, col));
    int n = tcsv_split_plus(buf, parts, TCSV_MAX_FIELD);
    if (n < 0) {
        csv_fail_at(r->error_r, c->name, c->line[row],
                "la lista de docentes «%s» tiene un elemento vacío", csv_get(c, row, col));
        return -1;
    }
    for (int i = 0; i < n; i++) {
        int t = tcsv_map_get(&r->ix.teacher, parts[i]);
        if (t < 0) {
            csv_fail_at(r->error_r, c->name, c->line[row], "el docente «%s» no está en teachers.csv",
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
    int s = tcsv_map_get(&r->ix.subject, code);
    if (s < 0 && !*code)
        csv_fail_at(r->error_r, c->name, c->line[row], "falta la materia");
    else if (s < 0)
        csv_fail_at(r->error_r, c->name, c->line[row], "la materia «%s» no está en subjects.csv", code);
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
        if (!tcsv_int(ppws, 1, maxppw, &ppw)) {
            csv_fail_at(r->error_r, c.name, c.line[i],
                    "periods_per_week «%s» no es un número entre 1 y %d", ppws, maxppw);
            goto fail;
        }
        const char *bls = csv_get(&c, i, cb);
        char buf[TCSV_MAX_FIELD + 1], *parts[TCSV_MAX_FIELD];
        str_copy(buf, sizeof(buf), bls);
        int nb = tcsv_split_plus(buf, parts, TCSV_MAX_FIELD), len[TCSV_MAX_FIELD], sum = 0;
        if (nb <= 0) {
            csv_fail_at(r->error_r, c.name, c.line[i],
                    "blocks «%s» debe ser una lista de bloques como «2+2+1»", bls);
            goto fail;
        }
        for (int k = 0; k < nb; k++) {
            if (!tcsv_int(parts[k], 1, inst->nperiods, &len[k])) {
                csv_fail_at(r->error_r, c.name, c.line[i],
                        "el bloque «%s» no es un número de períodos entre 1 y %d", parts[k],
                        inst->nperiods);
                goto fail;
            }
            sum += len[k];
        }
        if (sum != ppw) {
            csv_fail_at(r->error_r, c.name, c.line[i],
                    "los bloques «%s» suman %d períodos pero periods_per_week es %d", bls, sum,
                    ppw);
            goto fail;
        }
        if (inst->nblocks + nb > MAX_BLOCKS) {
            csv_fail_at(r->error_r, c.name, c.line[i], "hay más de %d bloques en total", MAX_BLOCKS);
            goto fail;
        }
        const char *rl = csv_get(&c, i, cr), *rt = csv_get(&c, i, crt);
        char rbuf[TCSV_MAX_FIELD + 1], *rparts[TCSV_MAX_FIELD];
        str_copy(rbuf, sizeof(rbuf), rl);
        int nr = tcsv_split_plus(rbuf, rparts, TCSV_MAX_FIELD);
        if (nr < 0) {
            csv_fail_at(r->error_r, c.name, c.line[i], "la lista de aulas «%s» tiene un elemento vacío",
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
                csv_fail_at(r->error_r, c.name, c.line[i], "ningún aula de rooms.csv es de tipo «%s»",
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
        char sbuf[TCSV_MAX_FIELD + 1], *sparts[TCSV_MAX_FIELD];
        str_copy(sbuf, sizeof(sbuf), csv_get(&c, i, csec));
        int ns = tcsv_split_plus(sbuf, sparts, TCSV_MAX_FIELD);
        for (int k = 0; k < ns; k++) {
            struct ilist one = {0};
            tcsv_index_section(&r->ix, sparts[k], &one);
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

/* --- Optional files after lessons ----------------------------------------- */

static int parse_day(struct reader *r, const struct csv *c, int row, const char *s)
{
    int d;
    if (!tcsv_int(s, 1, r->inst->ndays, &d)) {
        csv_fail_at(r->error_r, c->name, c->line[row], "el día «%s» no es un número entre 1 y %d", s,
                r->inst->ndays);
        return -1;
    }
    return d - 1;
}

static int parse_period(struct reader *r, const struct csv *c, int row, const char *s)
{
    int p = tcsv_map_get(&r->ix.period, s);
    if (p < 0)
        csv_fail_at(r->error_r, c->name, c->line[row], "el período «%s» no está en periods.csv", s);
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
    struct tcsv_matcher m;
    tcsv_matcher_build(&m, inst);
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
        int l = tcsv_matcher_first(&m, subject, &classes, by_teacher ? &teachers : NULL);
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
                csv_fail_at(r->error_r, c.name, c.line[i], "no hay ninguna clase %s en lessons.csv",
                        what.data);
            else if (by_teacher)
                csv_fail_at(r->error_r, c.name, c.line[i], "hay %d clases iguales %s en lessons.csv",
                        count, what.data);
            else
                csv_fail_at(r->error_r, c.name, c.line[i],
                        "hay %d clases %s en lessons.csv; agregue la columna teacher para "
                        "distinguirlas",
                        count, what.data);
            strbuf_cleanup(&what);
            goto fail;
        }
        const struct tt_lesson *les = &inst->lessons[l];
        int k;
        if (!tcsv_int(csv_get(&c, i, cb), 1, les->nblocks, &k)) {
            csv_fail_at(r->error_r, c.name, c.line[i],
                    "el bloque «%s» no existe: la clase tiene %d bloque%s (se cuentan desde 1)",
                    csv_get(&c, i, cb), les->nblocks, les->nblocks == 1 ? "" : "s");
            goto fail;
        }
        int b = les->blocks[k - 1];
        if (pinned[b]) {
            csv_fail_at(r->error_r, c.name, c.line[i], "ese bloque ya se fijó en la línea %d",
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
                csv_fail_at(r->error_r, c.name, c.line[i],
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
                csv_fail_at(r->error_r, c.name, c.line[i],
                        "la clase no usa aula (indique room o room_type en lessons.csv)");
                goto fail;
            }
            bool allowed = les->nrooms == 0;
            for (int j = 0; j < les->nrooms; j++)
                allowed = allowed || les->rooms[j] == rm;
            if (!allowed) {
                csv_fail_at(r->error_r, c.name, c.line[i],
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
    tcsv_matcher_free(&m);
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
            int t = tcsv_map_get(&r->ix.teacher, name);
            if (t < 0) {
                csv_fail_at(r->error_r, c.name, c.line[i], "el docente «%s» no está en teachers.csv",
                        name);
                goto fail;
            }
            ilist_push(&res, t);
        } else if (strcmp(kind, "section") == 0) {
            if (tcsv_map_get(&r->secmap, name) < 0 || !tcsv_index_section(&r->ix, name, &res)) {
                csv_fail_at(r->error_r, c.name, c.line[i], "la sección «%s» no está en sections.csv",
                        name);
                goto fail;
            }
        } else if (strcmp(kind, "room") == 0) {
            int rm = find_room(r, &c, i, name);
            if (rm < 0)
                goto fail;
            ilist_push(&res, rm);
        } else {
            csv_fail_at(r->error_r, c.name, c.line[i],
                    "el tipo «%s» no es «teacher», «section» ni «room»", kind);
            goto fail;
        }
        int d = -1, p = -1;
        if (!*day && !*per) {
            csv_fail_at(r->error_r, c.name, c.line[i],
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
        int t = tcsv_map_get(&r->ix.teacher, tname);
        if (t < 0) {
            csv_fail_at(r->error_r, c.name, c.line[i], "el docente «%s» no está en teachers.csv",
                    tname);
            goto fail;
        }
        int k = 0;
        while (k < 4 && strcmp(kinds[k], kind) != 0)
            k++;
        if (k == 4) {
            csv_fail_at(r->error_r, c.name, c.line[i],
                    "el tipo «%s» no es «time», «day», «subject» ni «room»", kind);
            goto fail;
        }
        int lv = 0;
        while (lv < 4 && strcmp(levels[lv].name, lname) != 0)
            lv++;
        if (lv == 4) {
            csv_fail_at(r->error_r, c.name, c.line[i],
                    "el nivel «%s» no es «avoid», «dislike», «like» ni «prefer»", lname);
            goto fail;
        }
        const char *v[4];
        for (int j = 0; j < 4; j++) {
            v[j] = csv_get(&c, i, csv_col(&c, what[j]));
            if (uses[k][j] == 2 && !*v[j]) {
                csv_fail_at(r->error_r, c.name, c.line[i], "una preferencia de tipo «%s» necesita %s",
                        kind, what[j]);
                goto fail;
            }
            if (uses[k][j] == 0 && *v[j]) {
                csv_fail_at(r->error_r, c.name, c.line[i],
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
        struct tcsv_map pairs = {0};
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
                int ci = tcsv_map_get(&pairs, key);
                if (ci < 0) {
                    ci = inst->nconstraints;
                    tcsv_map_put(&pairs, key, ci);
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
        tcsv_map_free(&pairs);
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
    r.inst = tt_instance_new(str_base_name(name));
    free(name);
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        csv_fail(error_r, "La carpeta «%s» no existe o no es una carpeta.", dir);
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
    tcsv_index_free(&r.ix);
    tcsv_map_free(&r.secmap);
    for (int i = 0; i < r.nsecs; i++)
        free(r.secs[i].code);
    free(r.secs);
    return r.inst;
}
