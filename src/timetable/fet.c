/*
 * FET files (.fet, versions 5 and 6) in and out.
 *
 * Reading: expat turns the file into a small generic DOM (element name,
 * text of leaf elements, children, line of the start tag); the importer
 * then walks it section by section in a fixed order (days, hours, subjects,
 * teachers, students, rooms, activities, time constraints, space
 * constraints), whatever order the file uses. Every FET constraint element
 * goes through one table from element name to handler; an element without
 * a handler, or one whose options the engine can not express, is listed in
 * inst->unsupported so that nothing is dropped silently. Constraints FET
 * itself ignores (Active false, or weight 0 %) are counted in
 * inst->ninactive.
 *
 * Students: FET's atomic sets are subgroups; a group without subgroups and
 * a year without groups are atomic too. Each atomic set becomes one
 * TT_CLASS resource; every year, group and subgroup name maps to the atomic
 * sets below it. FET lets one group or subgroup appear under several years
 * (it is the same set), so sets are deduplicated by name.
 *
 * Activities: activities sharing a nonzero Activity_Group_Id are the parts
 * of one split activity: one lesson, one block per part in Id order (a part
 * that was edited to differ from the first one gets a lesson of its own).
 * Inactive activities are skipped, and constraints ignore their ids, as FET
 * does.
 *
 * Rooms: FET gives a room only to activities touched by a room constraint,
 * and may leave one without a room unless such a constraint weighs 100 %;
 * so needs_room is set by 100 % room constraints only (a split activity
 * whose parts disagree becomes two lessons). Home rooms apply, as in FET,
 * to activities with exactly that teacher or students set and no preferred
 * room constraint of their own.
 *
 * Writing: the activities timetable FET writes as <name>_activities.xml,
 * and a copy of the input with every placed block locked in time and room
 * (the same elements FET writes in <name>_data_and_timetable.fet), so FET
 * can check a timetable of ours: it solves the locked file at once exactly
 * when the timetable satisfies FET's constraints.
 */
#include "timetable/timetable.h"

#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/ints.h"
#include "core/util.h"
#include "timetable/xml.h"

#define FET_MAX_BYTES ((long)64 << 20)

/* --- Import state ------------------------------------------------------- */

/* A students set: a year, group or subgroup, and its atomic sets. */
struct sset {
    int *atoms;          /* TT_CLASS resources */
    int natoms;
    int students;
};

/* One FET activity. */
struct act {
    long id, gid;
    int duration;
    bool active;
    const struct xnode *node;
    int subject;
    int *teachers, nteachers;
    int *sets, nsets;        /* struct sset indexes, as listed */
    const char **tags;       /* borrowed from the DOM */
    int ntags;
    int students;
    int part;                /* 1-based component number in its split activity */
    int block;               /* -1 when inactive */
};

struct deferred {
    const struct xnode *c;
    const struct handler *h;
    bool hard;
    int weight;
};

struct fet {
    struct tt_instance *inst;
    const char *fname;
    char *error;
    struct strmap days, hours, teachers, rooms, subjects, setmap;
    struct sset *sets;
    int nsets;
    struct act *acts;        /* sorted by id */
    int nacts;
    bool *pref_room;         /* per block: some preferred room constraint */
    bool *hard_room;         /* per block: some room constraint at 100 % */
    struct deferred *home;   /* home room constraints, applied last */
    int nhome;
};

/* Constraint being imported. */
struct cinfo {
    const char *name;
    bool hard;
    int weight;
};

/* The first error, with the line of n (xml.c). */
#define fail(f, n, ...) xml_fail(&(f)->error, (f)->fname, (n), __VA_ARGS__)

static bool parse_bool(const char *s, bool *v)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    static const char *const yes[] = {"true", "yes", "1"}, *const no[] = {"false", "no", "0"};
    for (int i = 0; i < 3; i++) {
        size_t ly = strlen(yes[i]), ln = strlen(no[i]);
        if (strncmp(s, yes[i], ly) == 0 && strspn(s + ly, " \t\r\n") == strlen(s + ly)) {
            *v = true;
            return true;
        }
        if (strncmp(s, no[i], ln) == 0 && strspn(s + ln, " \t\r\n") == strlen(s + ln)) {
            *v = false;
            return true;
        }
    }
    return false;
}

/* An integer child in [lo, hi]. */
static int get_int(struct fet *f, const struct xnode *n, const char *name, long lo, long hi,
                   int *out)
{
    const struct xnode *k = xml_child(n, name);
    long v;
    if (!k)
        return fail(f, n, "falta <%s> en <%s>.", name, n->name);
    if (!long_parse(xml_text(k), &v) || v < lo || v > hi)
        return fail(f, k, "<%s> debe ser un número entero entre %ld y %ld, no «%s».", name, lo,
                    hi, xml_text(k));
    *out = (int)v;
    return 0;
}

/* An optional boolean child. */
static int get_bool(struct fet *f, const struct xnode *n, const char *name, bool dflt, bool *out)
{
    const struct xnode *k = xml_child(n, name);
    *out = dflt;
    if (k && !parse_bool(xml_text(k), out))
        return fail(f, k, "<%s> debe ser true o false, no «%s».", name, xml_text(k));
    return 0;
}

static int find_day(struct fet *f, const struct xnode *n, const char *name)
{
    int d = smap_get(&f->days, name);
    if (d < 0)
        return fail(f, n, "el día «%s» no existe en Days_List.", name);
    return d;
}

static int find_hour(struct fet *f, const struct xnode *n, const char *name)
{
    int h = smap_get(&f->hours, name);
    if (h < 0)
        return fail(f, n, "la hora «%s» no existe en Hours_List.", name);
    return h;
}

static int find_teacher(struct fet *f, const struct xnode *n, const char *name)
{
    int t = smap_get(&f->teachers, name);
    if (t < 0)
        return fail(f, n, "el docente «%s» no existe en Teachers_List.", name);
    return t;
}

static int find_room(struct fet *f, const struct xnode *n, const char *name)
{
    int r = smap_get(&f->rooms, name);
    if (r < 0)
        return fail(f, n, "el aula «%s» no existe en Rooms_List.", name);
    return r;
}

static int find_set(struct fet *f, const struct xnode *n, const char *name)
{
    int s = smap_get(&f->setmap, name);
    if (s < 0)
        return fail(f, n, "el grupo de estudiantes «%s» no existe en Students_List.", name);
    return s;
}

static int find_subject(struct fet *f, const struct xnode *n, const char *name)
{
    int s = smap_get(&f->subjects, name);
    if (s < 0)
        return fail(f, n, "la materia «%s» no existe en Subjects_List.", name);
    return s;
}

static int cmp_act_id(const void *a, const void *b)
{
    long x = ((const struct act *)a)->id, y = ((const struct act *)b)->id;
    return x < y ? -1 : x > y;
}

/* The activity of an <Activity_Id>-like element; NULL with f->error set
   when unknown, NULL without error when inactive (to be ignored). */
static struct act *find_act(struct fet *f, const struct xnode *k)
{
    long id;
    if (!long_parse(xml_text(k), &id)) {
        fail(f, k, "«%s» no es un número de actividad.", xml_text(k));
        return NULL;
    }
    struct act key = {.id = id};
    struct act *a = bsearch(&key, f->acts, (size_t)f->nacts, sizeof(*a), cmp_act_id);
    if (!a) {
        fail(f, k, "la actividad %ld no existe en Activities_List.", id);
        return NULL;
    }
    return a->active ? a : NULL;
}

static void int_add_unique(int **arr, int *n, int v)
{
    for (int i = 0; i < *n; i++)
        if ((*arr)[i] == v)
            return;
    *arr = xrealloc(*arr, (size_t)(*n + 1) * sizeof(int));
    (*arr)[(*n)++] = v;
}

/* --- Basic data --------------------------------------------------------- */

/* Day or Hour entries: <Name> inside, or the text itself in old files. */
static int read_names(struct fet *f, const struct xnode *list, const char *item,
                      const char *label, int max, const char ***names_r, int *n_r,
                      struct strmap *map)
{
    int n = 0;
    const char **names = NULL;
    for (const struct xnode *k = list ? list->kids : NULL; k; k = k->next) {
        if (strcmp(k->name, item) != 0)
            continue;
        if (n >= max) {
            free(names);
            return fail(f, k, "el archivo define más de %d %s; el máximo es %d.", max, label,
                        max);
        }
        const char *name = k->kids ? xml_child_text(k, "Name") : xml_text(k);
        if (!name || !*name) {
            free(names);
            return fail(f, k, "<%s> sin nombre.", item);
        }
        names = xrealloc(names, (size_t)(n + 1) * sizeof(char *));
        names[n] = name;
        smap_put(map, name, n);
        n++;
    }
    if (n == 0) {
        free(names);
        return fail(f, list, "el archivo no define %s (<%s>).", label, item);
    }
    *names_r = names;
    *n_r = n;
    return 0;
}

static int read_time_grid(struct fet *f, const struct xnode *root)
{
    const char **names = NULL;
    int n = 0;
    if (read_names(f, xml_child(root, "Days_List"), "Day", "días", TT_MAX_DAYS, &names, &n,
                   &f->days))
        return -1;
    tt_set_days(f->inst, n, names);
    free(names);
    if (read_names(f, xml_child(root, "Hours_List"), "Hour", "horas", TT_MAX_PERIODS, &names, &n,
                   &f->hours))
        return -1;
    for (int i = 0; i < n; i++)
        tt_add_period(f->inst, names[i], -1, -1);
    free(names);
    return 0;
}

/* Subjects, teachers and rooms: flat lists of named elements. */
static int read_flat_lists(struct fet *f, const struct xnode *root)
{
    struct tt_instance *inst = f->inst;
    for (const struct xnode *k = xml_child(xml_child(root, "Subjects_List"), "Subject"); k; k = k->next) {
        const char *name = xml_child_text(k, "Name");
        if (strcmp(k->name, "Subject") != 0 || !name || smap_get(&f->subjects, name) >= 0)
            continue;
        smap_put(&f->subjects, name, tt_add_subject(inst, name));
    }
    for (const struct xnode *k = xml_child(xml_child(root, "Teachers_List"), "Teacher"); k; k = k->next) {
        const char *name = xml_child_text(k, "Name");
        if (strcmp(k->name, "Teacher") != 0 || !name || smap_get(&f->teachers, name) >= 0)
            continue;
        smap_put(&f->teachers, name, tt_add_resource(inst, TT_TEACHER, name));
    }
    for (const struct xnode *k = xml_child(xml_child(root, "Rooms_List"), "Room"); k; k = k->next) {
        const char *name = xml_child_text(k, "Name");
        if (strcmp(k->name, "Room") != 0 || !name || smap_get(&f->rooms, name) >= 0)
            continue;
        int r = tt_add_resource(inst, TT_ROOM, name);
        smap_put(&f->rooms, name, r);
        if (xml_child(k, "Capacity") &&
            get_int(f, k, "Capacity", 0, 10000000, &inst->resources[r].capacity))
            return -1;
        /* --- #17 rooms --- */
        const char *building = xml_child_text(k, "Building");
        if (building && strspn(building, " \t\r\n") < strlen(building))
            inst->resources[r].building = tt_add_building(inst, building);
        bool is_virtual;
        if (get_bool(f, k, "Virtual", false, &is_virtual))
            return -1;
    }
    /* --- #17 virtual rooms: their sets of real rooms, once every room is
       known (a set may name a room listed after it) --- */
    for (const struct xnode *k = xml_child(xml_child(root, "Rooms_List"), "Room"); k; k = k->next) {
        bool is_virtual;
        const char *name = xml_child_text(k, "Name");
        if (strcmp(k->name, "Room") != 0 || !name)
            continue;
        if (get_bool(f, k, "Virtual", false, &is_virtual))
            return -1;
        if (!is_virtual)
            continue;
        int r = smap_get(&f->rooms, name);
        if (inst->resources[r].nsets > 0)
            continue; /* a second room of that name: FET's first one counts */
        for (const struct xnode *st = k->kids; st; st = st->next) {
            if (strcmp(st->name, "Set_of_Real_Rooms") != 0)
                continue;
            int set = tt_room_add_set(inst, r);
            for (const struct xnode *rr = st->kids; rr; rr = rr->next) {
                if (strcmp(rr->name, "Real_Room") != 0)
                    continue;
                int real = find_room(f, rr, xml_text(rr));
                if (real < 0)
                    return -1;
                tt_room_set_add(inst, r, set, real);
            }
        }
        if (inst->resources[r].nsets == 0)
            return fail(f, k, "el aula virtual «%s» no tiene conjuntos de aulas reales.", name);
    }
    return 0;
}

static int new_set(struct fet *f, const char *name, int students)
{
    f->sets = xrealloc(f->sets, (size_t)(f->nsets + 1) * sizeof(*f->sets));
    struct sset *s = &f->sets[f->nsets];
    memset(s, 0, sizeof(*s));
    s->students = students;
    smap_put(&f->setmap, name, f->nsets);
    return f->nsets++;
}

static int make_atomic(struct fet *f, const char *name, int students, const char *parent)
{
    int s = new_set(f, name, students);
    int r = tt_add_resource(f->inst, TT_CLASS, name);
    f->inst->resources[r].capacity = students;
    f->inst->resources[r].group = parent ? xstrdup(parent) : NULL;
    int_add_unique(&f->sets[s].atoms, &f->sets[s].natoms, r);
    return s;
}

static void set_absorb(struct fet *f, int into, int from)
{
    for (int i = 0; i < f->sets[from].natoms; i++)
        int_add_unique(&f->sets[into].atoms, &f->sets[into].natoms, f->sets[from].atoms[i]);
}

/* One level of Students_List: a year, group or subgroup element; returns
   its set, reusing an existing set of the same name. */
static int read_set(struct fet *f, const struct xnode *n, const char *parent, int level)
{
    static const char *const below[] = {"Group", "Subgroup", NULL};
    const char *name = xml_child_text(n, "Name");
    if (!name || !*name)
        return fail(f, n, "<%s> sin nombre.", n->name);
    int existing = smap_get(&f->setmap, name);
    if (existing >= 0)
        return existing;
    int students = 0;
    if (xml_child(n, "Number_of_Students") &&
        get_int(f, n, "Number_of_Students", 0, 10000000, &students))
        return -1;
    const char *kid_name = below[level];
    const struct xnode *first = kid_name ? xml_child(n, kid_name) : NULL;
    if (!first)
        return make_atomic(f, name, students, parent);
    int s = new_set(f, name, students);
    for (const struct xnode *k = first; k; k = k->next) {
        if (strcmp(k->name, kid_name) != 0)
            continue;
        int sub = read_set(f, k, name, level + 1);
        if (sub < 0)
            return -1;
        set_absorb(f, s, sub);
    }
    return s;
}

static int read_students(struct fet *f, const struct xnode *root)
{
    for (const struct xnode *k = xml_child(xml_child(root, "Students_List"), "Year"); k; k = k->next)
        if (strcmp(k->name, "Year") == 0 && read_set(f, k, NULL, 0) < 0)
            return -1;
    return 0;
}

/* --- Activities --------------------------------------------------------- */

static int read_activity(struct fet *f, const struct xnode *n, struct act *a)
{
    memset(a, 0, sizeof(*a));
    a->node = n;
    a->block = -1;
    a->subject = -1;
    long v;
    const struct xnode *k = xml_child(n, "Id");
    if (!k || !long_parse(xml_text(k), &a->id) || a->id <= 0)
        return fail(f, k ? k : n, "la actividad no tiene un <Id> válido.");
    k = xml_child(n, "Activity_Group_Id");
    if (k && (!long_parse(xml_text(k), &a->gid) || a->gid < 0))
        return fail(f, k, "<Activity_Group_Id> no válido: «%s».", xml_text(k));
    if (get_int(f, n, "Duration", 1, TT_MAX_PERIODS, &a->duration) ||
        get_bool(f, n, "Active", true, &a->active))
        return -1;
    int computed = 0;
    bool have_number = false;
    for (k = n->kids; k; k = k->next) {
        const char *t = xml_text(k);
        if (strcmp(k->name, "Teacher") == 0) {
            int r = find_teacher(f, k, t);
            if (r < 0)
                return -1;
            int_add_unique(&a->teachers, &a->nteachers, r);
        } else if (strcmp(k->name, "Students") == 0) {
            int s = find_set(f, k, t);
            if (s < 0)
                return -1;
            int before = a->nsets;
            int_add_unique(&a->sets, &a->nsets, s);
            if (a->nsets > before)
                computed += f->sets[s].students;
        } else if (strcmp(k->name, "Subject") == 0) {
            if (*t && (a->subject = find_subject(f, k, t)) < 0)
                return -1;
        } else if (strcmp(k->name, "Activity_Tag") == 0) {
            a->tags = xrealloc(a->tags, (size_t)(a->ntags + 1) * sizeof(char *));
            a->tags[a->ntags++] = t;
        } else if (strcmp(k->name, "Number_Of_Students") == 0) {
            if (!long_parse(t, &v) || v < 0 || v > 10000000)
                return fail(f, k, "<Number_Of_Students> no válido: «%s».", t);
            a->students = (int)v;
            have_number = true;
        }
    }
    /* FET writes the head count only when it is set by hand; otherwise it
       is the sum over the students sets. */
    if (!have_number)
        a->students = computed;
    return 0;
}

static void act_free(struct act *a)
{
    free(a->teachers);
    free(a->sets);
    free(a->tags);
}

/* Whether two parts of a split activity have the same people and subject
   (FET lets one edit the parts separately). */
static bool same_lesson(const struct act *a, const struct act *b)
{
    if (a->subject != b->subject || a->students != b->students ||
        a->nteachers != b->nteachers || a->nsets != b->nsets)
        return false;
    for (int i = 0; i < a->nteachers; i++) {
        bool found = false;
        for (int j = 0; j < b->nteachers && !found; j++)
            found = a->teachers[i] == b->teachers[j];
        if (!found)
            return false;
    }
    for (int i = 0; i < a->nsets; i++) {
        bool found = false;
        for (int j = 0; j < b->nsets && !found; j++)
            found = a->sets[i] == b->sets[j];
        if (!found)
            return false;
    }
    return true;
}

static int new_lesson(struct fet *f, const struct act *a)
{
    struct tt_instance *inst = f->inst;
    int l = tt_add_lesson(inst, a->subject);
    for (int i = 0; i < a->nteachers; i++)
        tt_lesson_add_teacher(inst, l, a->teachers[i]);
    /* atomic classes in a stable order */
    int *atoms = NULL, natoms = 0;
    for (int i = 0; i < a->nsets; i++) {
        const struct sset *s = &f->sets[a->sets[i]];
        for (int j = 0; j < s->natoms; j++)
            int_add_unique(&atoms, &natoms, s->atoms[j]);
    }
    if (natoms)
        qsort(atoms, (size_t)natoms, sizeof(int), int_cmp);
    for (int i = 0; i < natoms; i++)
        tt_lesson_add_class(inst, l, atoms[i]);
    free(atoms);
    inst->lessons[l].students = a->students;
    inst->lessons[l].tag = a->ntags ? xstrdup(a->tags[0]) : NULL;
    return l;
}

/* Order: split activities together (by group id), then by id. */
static int cmp_act_group(const void *pa, const void *pb)
{
    const struct act *a = *(const struct act *const *)pa, *b = *(const struct act *const *)pb;
    long ka = a->gid ? a->gid : a->id, kb = b->gid ? b->gid : b->id;
    if (ka != kb)
        return ka < kb ? -1 : 1;
    if ((a->gid == 0) != (b->gid == 0))
        return a->gid == 0 ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int read_activities(struct fet *f, const struct xnode *root)
{
    const struct xnode *list = xml_child(root, "Activities_List");
    int cap = 0;
    for (const struct xnode *k = list ? list->kids : NULL; k; k = k->next) {
        if (strcmp(k->name, "Activity") != 0)
            continue;
        if (f->nacts == cap) {
            cap = cap ? cap * 2 : 256;
            f->acts = xrealloc(f->acts, (size_t)cap * sizeof(*f->acts));
        }
        if (read_activity(f, k, &f->acts[f->nacts])) {
            act_free(&f->acts[f->nacts]);
            return -1;
        }
        f->nacts++;
    }
    if (f->nacts)
        qsort(f->acts, (size_t)f->nacts, sizeof(*f->acts), cmp_act_id);
    for (int i = 1; i < f->nacts; i++)
        if (f->acts[i].id == f->acts[i - 1].id)
            return fail(f, f->acts[i].node, "la actividad %ld está repetida.", f->acts[i].id);

    struct act **order = xmalloc((size_t)(f->nacts ? f->nacts : 1) * sizeof(*order));
    for (int i = 0; i < f->nacts; i++)
        order[i] = &f->acts[i];
    if (f->nacts)
        qsort(order, (size_t)f->nacts, sizeof(*order), cmp_act_group);
    for (int i = 0; i < f->nacts;) {
        int j = i + 1;
        while (j < f->nacts && order[i]->gid != 0 && order[j]->gid == order[i]->gid)
            j++;
        /* order[i..j) is one (possibly split) activity; parts numbered by id */
        const struct act *first = NULL;
        int lesson = -1;
        for (int p = i; p < j; p++) {
            struct act *a = order[p];
            a->part = p - i + 1;
            if (!a->active)
                continue;
            if (!first || !same_lesson(first, a)) {
                int l = new_lesson(f, a);
                if (!first) {
                    first = a;
                    lesson = l;
                }
                a->block = tt_lesson_add_block(f->inst, l, a->duration, a->id);
            } else {
                a->block = tt_lesson_add_block(f->inst, lesson, a->duration, a->id);
            }
        }
        i = j;
    }
    free(order);
    f->pref_room = xcalloc((size_t)(f->inst->nblocks ? f->inst->nblocks : 1), sizeof(bool));
    f->hard_room = xcalloc((size_t)(f->inst->nblocks ? f->inst->nblocks : 1), sizeof(bool));
    return 0;
}

/* --- Constraints: helpers ----------------------------------------------- */

struct handler;
typedef int (*handler_fn)(struct fet *f, const struct xnode *c, const struct cinfo *ci,
                          const struct handler *h);
struct handler {
    const char *name;
    handler_fn fn;
    int type;            /* enum tt_ctype, where the family needs one */
    int who;             /* family-specific selector */
    const char *field;   /* the number, where there is one */
};

/* who for resource constraints */
enum { W_TEACHER, W_TEACHERS, W_SET, W_STUDENTS, W_ROOM };
/* who for preferred times */
enum { SEL_ID, SEL_FILTER, SEL_COMPONENT };
/* who for rooms */
enum { R_ACTIVITY, R_SUBJECT, R_TAG, R_SUBJECT_TAG, R_TEACHER_HOME, R_SET_HOME };

/* Reads (day, hour) pairs: children item, each with children dname and
   hname, into a per-day mask. */
static int read_slots(struct fet *f, const struct xnode *c, const char *item, const char *dname,
                      const char *hname, uint64_t mask[TT_MAX_DAYS])
{
    memset(mask, 0, TT_MAX_DAYS * sizeof(uint64_t));
    for (const struct xnode *k = c->kids; k; k = k->next) {
        if (strcmp(k->name, item) != 0)
            continue;
        const char *dn = xml_child_text(k, dname), *hn = xml_child_text(k, hname);
        if (!dn || !hn)
            return fail(f, k, "<%s> necesita <%s> y <%s>.", item, dname, hname);
        int d = find_day(f, k, dn), h = d < 0 ? -1 : find_hour(f, k, hn);
        if (h < 0)
            return -1;
        mask[d] |= (uint64_t)1 << h;
    }
    return 0;
}

static struct tt_constraint *add_con(struct fet *f, enum tt_ctype type, const struct cinfo *ci,
                                     bool with_slots)
{
    return tt_add_constraint(f->inst, type, ci->hard, ci->weight, with_slots, ci->name);
}

static void copy_slots(struct tt_constraint *con, const uint64_t mask[TT_MAX_DAYS])
{
    memcpy(con->slots, mask, TT_MAX_DAYS * sizeof(uint64_t));
}

/* The resources a per-resource constraint applies to: one teacher or
   room, every teacher, the atomic sets of a students set, or every class. */
static int resources_of(struct fet *f, const struct xnode *c, int who, int **res_r, int *n_r)
{
    struct tt_instance *inst = f->inst;
    *res_r = NULL;
    *n_r = 0;
    if (who == W_TEACHERS || who == W_STUDENTS) {
        enum tt_kind kind = who == W_TEACHERS ? TT_TEACHER : TT_CLASS;
        for (int i = 0; i < inst->nresources; i++)
            if (inst->resources[i].kind == kind)
                int_add_unique(res_r, n_r, i);
        return 0;
    }
    const char *field = who == W_TEACHER ? "Teacher_Name" : who == W_SET ? "Students" : "Room";
    const struct xnode *k = xml_child(c, field);
    if (!k && who == W_TEACHER)
        k = xml_child(c, field = "Teacher");
    if (!k)
        return fail(f, c, "falta <%s> en <%s>.", field, c->name);
    int r;
    if (who == W_TEACHER) {
        if ((r = find_teacher(f, k, xml_text(k))) < 0)
            return -1;
        int_add_unique(res_r, n_r, r);
    } else if (who == W_ROOM) {
        if ((r = find_room(f, k, xml_text(k))) < 0)
            return -1;
        int_add_unique(res_r, n_r, r);
    } else {
        if ((r = find_set(f, k, xml_text(k))) < 0)
            return -1;
        for (int i = 0; i < f->sets[r].natoms; i++)
            int_add_unique(res_r, n_r, f->sets[r].atoms[i]);
    }
    return 0;
}

/* Blocks of the active activities listed as children named field. */
static int blocks_by_id(struct fet *f, const struct xnode *c, const char *field, int **items_r,
                        int *n_r)
{
    *items_r = NULL;
    *n_r = 0;
    for (const struct xnode *k = c->kids; k; k = k->next) {
        if (strcmp(k->name, field) != 0)
            continue;
        const struct act *a = find_act(f, k);
        if (f->error) {
            free(*items_r);
            *items_r = NULL;
            return -1;
        }
        if (a)
            int_add_unique(items_r, n_r, a->block);
    }
    return 0;
}

static bool has_tag(const struct act *a, const char *tag)
{
    for (int i = 0; i < a->ntags; i++)
        if (strcmp(a->tags[i], tag) == 0)
            return true;
    return false;
}

static bool has_int(const int *v, int n, int x)
{
    for (int i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

/* FET's filters match an activity whose students share a subgroup with the
   filter's set (Rules::studentsSetsRelated): a filter on a year takes the
   activities of its groups and subgroups too. Verified with fet-cl on the
   Belize example, whose music lessons are per class under a year filter. */
static bool sets_related(const struct fet *f, const struct act *a, int set)
{
    const struct sset *want = &f->sets[set];
    for (int i = 0; i < a->nsets; i++) {
        const struct sset *have = &f->sets[a->sets[i]];
        for (int j = 0; j < have->natoms; j++)
            if (has_int(want->atoms, want->natoms, have->atoms[j]))
                return true;
    }
    return false;
}

/* Blocks of the activities matching FET's filters (teacher among the
   activity's teachers, students sharing a subgroup with the set, subject, tag among its
   tags, duration; empty = any) and, when component > 0, only that part of
   each activity (a single activity is its own part 1, as in FET). */
static int blocks_by_filter(struct fet *f, const struct xnode *c, int component, int **items_r,
                            int *n_r)
{
    *items_r = NULL;
    *n_r = 0;
    const char *tn = xml_child_text(c, "Teacher_Name"), *sn = xml_child_text(c, "Students_Name");
    const char *subn = xml_child_text(c, "Subject_Name"), *tag = xml_child_text(c, "Activity_Tag_Name");
    const char *dur = xml_child_text(c, "Duration");
    int teacher = -1, set = -1, subject = -1;
    long duration = -1;
    if (tn && *tn && (teacher = find_teacher(f, xml_child(c, "Teacher_Name"), tn)) < 0)
        return -1;
    if (sn && *sn && (set = find_set(f, xml_child(c, "Students_Name"), sn)) < 0)
        return -1;
    if (subn && *subn && (subject = find_subject(f, xml_child(c, "Subject_Name"), subn)) < 0)
        return -1;
    if (dur && strspn(dur, " \t\r\n") < strlen(dur) && !long_parse(dur, &duration))
        return fail(f, xml_child(c, "Duration"), "<Duration> no válida: «%s».", dur);
    for (int i = 0; i < f->nacts; i++) {
        const struct act *a = &f->acts[i];
        if (!a->active || (teacher >= 0 && !has_int(a->teachers, a->nteachers, teacher)) ||
            (set >= 0 && !sets_related(f, a, set)) ||
            (subject >= 0 && a->subject != subject) || (tag && *tag && !has_tag(a, tag)) ||
            (duration >= 1 && a->duration != duration) || (component > 0 && a->part != component))
            continue;
        int_add_unique(items_r, n_r, a->block);
    }
    return 0;
}

/* --- Constraint families ------------------------------------------------ */

static int h_nothing(struct fet *f, const struct xnode *c, const struct cinfo *ci,
                     const struct handler *h)
{
    (void)f, (void)c, (void)ci, (void)h;
    return 0; /* basic compulsory constraints: the engine always enforces them */
}

static int h_break_times(struct fet *f, const struct xnode *c, const struct cinfo *ci,
                         const struct handler *h)
{
    (void)h;
    if (!ci->hard) {
        tt_note_unsupported(f->inst, ci->name);
        return 0;
    }
    uint64_t mask[TT_MAX_DAYS];
    if (read_slots(f, c, "Break_Time", "Day", "Hour", mask))
        return -1;
    for (int d = 0; d < f->inst->ndays; d++)
        f->inst->closed[d] |= mask[d];
    return 0;
}

static int h_not_available(struct fet *f, const struct xnode *c, const struct cinfo *ci,
                           const struct handler *h)
{
    uint64_t mask[TT_MAX_DAYS];
    int *res, nres;
    if (read_slots(f, c, "Not_Available_Time", "Day", "Hour", mask) ||
        resources_of(f, c, h->who, &res, &nres))
        return -1;
    for (int i = 0; i < nres; i++) {
        struct tt_constraint *con = add_con(f, TT_UNAVAILABLE, ci, true);
        con->resource = res[i];
        copy_slots(con, mask);
    }
    free(res);
    return 0;
}

/* Constraints over a list of activity ids: same start/day/hour, not
   overlapping, min days, min gaps. */
static int h_activity_ids(struct fet *f, const struct xnode *c, const struct cinfo *ci,
                          const struct handler *h)
{
    int n = 0;
    bool consecutive = false;
    if (h->field && get_int(f, c, h->field, 0, 1000, &n))
        return -1;
    if (h->type == TT_MIN_DAYS && get_bool(f, c, "Consecutive_If_Same_Day", false, &consecutive))
        return -1;
    int *items, nitems;
    if (blocks_by_id(f, c, "Activity_Id", &items, &nitems))
        return -1;
    if (nitems >= 2 && ci->weight > 0) { /* fewer: nothing to relate (inactive activities) */
        struct tt_constraint *con = add_con(f, (enum tt_ctype)h->type, ci, false);
        con->n = n;
        for (int i = 0; i < nitems; i++)
            tt_constraint_add_item(con, items[i]);
    }
    if (nitems >= 2 && consecutive) {
        /* FET places activities that end up on the same day one after the
           other whatever the weight of the min days part (even 0 %): that
           part is hard, kept as its own constraint (n = 0). */
        struct cinfo hard = {ci->name, true, 1};
        struct tt_constraint *con = add_con(f, TT_MIN_DAYS, &hard, false);
        con->n = 0;
        con->flag = 1;
        for (int i = 0; i < nitems; i++)
            tt_constraint_add_item(con, items[i]);
    }
    free(items);
    return 0;
}

/* ConstraintActivityPreferredStartingTime: a pin when hard, otherwise a
   soft preference for the day, the hour or both. */
static int h_preferred_start(struct fet *f, const struct xnode *c, const struct cinfo *ci,
                             const struct handler *h)
{
    (void)h;
    const struct xnode *k = xml_child(c, "Activity_Id");
    if (!k)
        return fail(f, c, "falta <Activity_Id> en <%s>.", c->name);
    const struct act *a = find_act(f, k);
    if (!a)
        return f->error ? -1 : 0;
    const char *dn = xml_child_text(c, "Preferred_Day"), *hn = xml_child_text(c, "Preferred_Hour");
    int d = -1, p = -1;
    if (dn && *dn && (d = find_day(f, xml_child(c, "Preferred_Day"), dn)) < 0)
        return -1;
    if (hn && *hn && (p = find_hour(f, xml_child(c, "Preferred_Hour"), hn)) < 0)
        return -1;
    if (d < 0 && p < 0)
        return 0;
    if (ci->hard) {
        struct tt_block *b = &f->inst->blocks[a->block];
        if (d >= 0)
            b->pin_day = d;
        if (p >= 0)
            b->pin_period = p;
        return 0;
    }
    struct tt_constraint *con = add_con(f, TT_BLOCK_STARTS, ci, true);
    tt_constraint_add_item(con, a->block);
    for (int dd = 0; dd < f->inst->ndays; dd++)
        for (int pp = 0; pp < f->inst->nperiods; pp++)
            if ((d < 0 || d == dd) && (p < 0 || p == pp))
                tt_constraint_set_slot(con, dd, pp);
    return 0;
}

/* Preferred starting times / time slots of one activity (SEL_ID), of the
   activities matching filters (SEL_FILTER) or of one component of them
   (SEL_COMPONENT). */
static int h_preferred_times(struct fet *f, const struct xnode *c, const struct cinfo *ci,
                             const struct handler *h)
{
    uint64_t mask[TT_MAX_DAYS];
    int rc = h->type == TT_BLOCK_STARTS
                 ? read_slots(f, c, "Preferred_Starting_Time", "Preferred_Starting_Day",
                              "Preferred_Starting_Hour", mask)
                 : read_slots(f, c, "Preferred_Time_Slot", "Preferred_Day", "Preferred_Hour",
                              mask);
    if (rc)
        return -1;
    int *items, nitems, component = 0;
    if (h->who == SEL_COMPONENT && get_int(f, c, "Component_Number", 1, 1000, &component))
        return -1;
    if (h->who == SEL_ID ? blocks_by_id(f, c, "Activity_Id", &items, &nitems)
                         : blocks_by_filter(f, c, component, &items, &nitems))
        return -1;
    if (nitems > 0) {
        struct tt_constraint *con = add_con(f, (enum tt_ctype)h->type, ci, true);
        copy_slots(con, mask);
        for (int i = 0; i < nitems; i++)
            tt_constraint_add_item(con, items[i]);
    }
    free(items);
    return 0;
}

/* Per-resource limits: gaps, hours, days, span, early start. */
static int h_limit(struct fet *f, const struct xnode *c, const struct cinfo *ci,
                   const struct handler *h)
{
    int n;
    if (get_int(f, c, h->field, 0, 1000, &n))
        return -1;
    bool flag = false, exception = false;
    if (h->type == TT_MIN_PERIODS_DAY &&
        get_bool(f, c, "Allow_Empty_Days", h->who == W_TEACHER || h->who == W_TEACHERS, &flag))
        return -1;
    if (get_bool(f, c, "Allow_One_Day_Exception_of_Plus_One", false, &exception))
        return -1;
    if (exception && h->type != TT_MAX_SPAN_DAY) { /* FET has it for spans only */
        tt_note_unsupported(f->inst, ci->name);
        return 0;
    }
    if (h->type == TT_MAX_SPAN_DAY)
        flag = exception; /* #17 rtime: one day may reach the span + 1 */
    int *res, nres;
    if (resources_of(f, c, h->who, &res, &nres))
        return -1;
    for (int i = 0; i < nres; i++) {
        struct tt_constraint *con = add_con(f, (enum tt_ctype)h->type, ci, false);
        con->resource = res[i];
        con->n = n;
        con->flag = flag;
    }
    free(res);
    return 0;
}

/* The rooms of a room constraint: <Room> or <Preferred_Room> children. */
static int rooms_of(struct fet *f, const struct xnode *c, int **rooms_r, int *n_r)
{
    *rooms_r = NULL;
    *n_r = 0;
    for (const struct xnode *k = c->kids; k; k = k->next) {
        if (strcmp(k->name, "Room") != 0 && strcmp(k->name, "Preferred_Room") != 0)
            continue;
        int r = find_room(f, k, xml_text(k));
        if (r < 0) {
            free(*rooms_r);
            *rooms_r = NULL;
            return -1;
        }
        int_add_unique(rooms_r, n_r, r);
    }
    if (*n_r == 0)
        return fail(f, c, "<%s> no indica ningún aula.", c->name);
    return 0;
}

static bool room_match(const struct fet *f, const struct act *a, int who, int subject,
                       const char *tag, int owner)
{
    switch (who) {
    case R_SUBJECT:
        return a->subject == subject;
    case R_TAG:
        return has_tag(a, tag);
    case R_SUBJECT_TAG:
        return a->subject == subject && has_tag(a, tag);
    case R_TEACHER_HOME: /* FET: activities with this and only this teacher */
        return a->nteachers == 1 && a->teachers[0] == owner && !f->pref_room[a->block];
    case R_SET_HOME: /* FET: activities with this and only this students set */
        return a->nsets == 1 && a->sets[0] == owner && !f->pref_room[a->block];
    }
    return false;
}

/* Preferred and home rooms. FET lets preferred rooms override home rooms,
   so home rooms are deferred until every preferred room is known. */
static int h_rooms(struct fet *f, const struct xnode *c, const struct cinfo *ci,
                   const struct handler *h)
{
    struct tt_instance *inst = f->inst;
    int *rooms, nrooms;
    if (rooms_of(f, c, &rooms, &nrooms))
        return -1;
    int *items = NULL, nitems = 0;
    bool locked = false;
    if (h->who == R_ACTIVITY) {
        if (blocks_by_id(f, c, "Activity_Id", &items, &nitems) ||
            get_bool(f, c, "Permanently_Locked", false, &locked))
            goto out_err;
    } else {
        int subject = -1, owner = -1;
        const char *tag = NULL;
        const struct xnode *k;
        if (h->who == R_SUBJECT || h->who == R_SUBJECT_TAG) {
            if (!(k = xml_child(c, "Subject")) || (subject = find_subject(f, k, xml_text(k))) < 0)
                goto missing;
        }
        if (h->who == R_TAG || h->who == R_SUBJECT_TAG) {
            if (!(k = xml_child(c, "Activity_Tag")))
                goto missing;
            tag = xml_text(k);
        }
        if (h->who == R_TEACHER_HOME &&
            (!(k = xml_child(c, "Teacher")) || (owner = find_teacher(f, k, xml_text(k))) < 0))
            goto missing;
        if (h->who == R_SET_HOME &&
            (!(k = xml_child(c, "Students")) || (owner = find_set(f, k, xml_text(k))) < 0))
            goto missing;
        for (int i = 0; i < f->nacts; i++)
            if (f->acts[i].active && room_match(f, &f->acts[i], h->who, subject, tag, owner))
                int_add_unique(&items, &nitems, f->acts[i].block);
    }
    if (nitems > 0) {
        struct tt_constraint *con = add_con(f, TT_BLOCK_ROOMS, ci, false);
        for (int i = 0; i < nrooms; i++)
            tt_constraint_add_room(con, rooms[i]);
        for (int i = 0; i < nitems; i++) {
            tt_constraint_add_item(con, items[i]);
            struct tt_block *b = &inst->blocks[items[i]];
            if (ci->hard)
                f->hard_room[items[i]] = true;
            if (h->who != R_TEACHER_HOME && h->who != R_SET_HOME)
                f->pref_room[items[i]] = true;
            if (h->who == R_ACTIVITY && ci->hard && locked && nrooms == 1)
                b->pin_room = rooms[0];
            /* #17 virtual rooms: the real rooms it must take there (FET
               allows them at 100 % only) */
            if (h->who == R_ACTIVITY && ci->hard && nrooms == 1 && b->npin_real == 0)
                for (const struct xnode *k = c->kids; k; k = k->next) {
                    if (strcmp(k->name, "Real_Room") != 0)
                        continue;
                    int real = find_room(f, k, xml_text(k));
                    if (real < 0)
                        goto out_err;
                    int_add_unique(&b->pin_real, &b->npin_real, real);
                }
        }
    }
    free(items);
    free(rooms);
    return 0;
missing:
    if (!f->error)
        fail(f, c, "a <%s> le falta un dato.", c->name);
out_err:
    free(items);
    free(rooms);
    return -1;
}

static int h_defer_home(struct fet *f, const struct xnode *c, const struct cinfo *ci,
                        const struct handler *h)
{
    f->home = xrealloc(f->home, (size_t)(f->nhome + 1) * sizeof(*f->home));
    f->home[f->nhome++] = (struct deferred){c, h, ci->hard, ci->weight};
    return 0;
}

/* --- #17 rtime: resource time patterns (evaluated in rtime.c) --- */

/* Teacher(s)/StudentsSet/Students IntervalMaxDaysPerWeek: at most
   Max_Days_Per_Week days with a lesson in the hours from
   Interval_Start_Hour up to, not including, Interval_End_Hour (empty: the
   end of the day, as FET's files say; checked with fet-cl). A lesson that
   only overlaps the interval counts. */
static int h_interval_days(struct fet *f, const struct xnode *c, const struct cinfo *ci,
                           const struct handler *h)
{
    int n;
    if (get_int(f, c, "Max_Days_Per_Week", 0, TT_MAX_DAYS, &n))
        return -1;
    const struct xnode *ks = xml_child(c, "Interval_Start_Hour");
    const struct xnode *ke = xml_child(c, "Interval_End_Hour");
    if (!ks)
        return fail(f, c, "falta <Interval_Start_Hour> en <%s>.", c->name);
    int from = find_hour(f, ks, xml_text(ks)), to = f->inst->nperiods;
    if (from < 0)
        return -1;
    const char *et = ke ? xml_text(ke) : "";
    if (strspn(et, " \t\r\n") < strlen(et) && (to = find_hour(f, ke, et)) < 0)
        return -1;
    if (to <= from)
        return fail(f, ke ? ke : c, "el intervalo de <%s> termina antes de empezar.", c->name);
    int *res, nres;
    if (resources_of(f, c, h->who, &res, &nres))
        return -1;
    for (int i = 0; i < nres; i++) {
        struct tt_constraint *con = add_con(f, TT_INTERVAL_MAX_DAYS, ci, true);
        con->resource = res[i];
        con->n = n;
        for (int d = 0; d < f->inst->ndays; d++)
            for (int p = from; p < to; p++)
                tt_constraint_set_slot(con, d, p);
    }
    free(res);
    return 0;
}

/* Teacher(s)/StudentsSet/Students MinRestingHours: from the last lesson of
   a day to the first of the next at least Minimum_Resting_Hours hours
   (breaks count); Circular: also from the last day to the first. FET
   refuses more hours than a day has, and so do we. */
static int h_resting(struct fet *f, const struct xnode *c, const struct cinfo *ci,
                     const struct handler *h)
{
    int n;
    bool circular;
    if (get_int(f, c, "Minimum_Resting_Hours", 0, f->inst->nperiods, &n) ||
        get_bool(f, c, "Circular", false, &circular))
        return -1;
    int *res, nres;
    if (resources_of(f, c, h->who, &res, &nres))
        return -1;
    for (int i = 0; i < nres; i++) {
        struct tt_constraint *con = add_con(f, TT_MIN_RESTING, ci, false);
        con->resource = res[i];
        con->n = n;
        con->flag = circular;
    }
    free(res);
    return 0;
}

/* ActivityEndsStudentsDay (SEL_ID) and ActivitiesEndStudentsDay
   (SEL_FILTER): no lesson of the activity's subgroups after it that day.
   One constraint per subgroup, over the blocks that have it, so that the
   evaluator re-prices it whenever anything of that subgroup moves. */
static int h_ends_day(struct fet *f, const struct xnode *c, const struct cinfo *ci,
                      const struct handler *h)
{
    struct tt_instance *inst = f->inst;
    int *items, nitems;
    if (h->who == SEL_ID ? blocks_by_id(f, c, "Activity_Id", &items, &nitems)
                         : blocks_by_filter(f, c, 0, &items, &nitems))
        return -1;
    int *classes = NULL, nclasses = 0;
    for (int i = 0; i < nitems; i++) {
        const struct tt_lesson *l = &inst->lessons[inst->blocks[items[i]].lesson];
        for (int k = 0; k < l->nclasses; k++)
            int_add_unique(&classes, &nclasses, l->classes[k]);
    }
    for (int j = 0; j < nclasses; j++) {
        struct tt_constraint *con = add_con(f, TT_ENDS_DAY, ci, false);
        con->resource = classes[j];
        for (int i = 0; i < nitems; i++) {
            const struct tt_lesson *l = &inst->lessons[inst->blocks[items[i]].lesson];
            if (has_int(l->classes, l->nclasses, classes[j]))
                tt_constraint_add_item(con, items[i]);
        }
    }
    free(classes);
    free(items);
    return 0;
}

/* --- #17 tags: activity-tag and time-slot-selection rules -------------- */
/* FET activities may carry several tags while a lesson keeps one, so the
   tags are resolved here: each constraint lists the blocks it is about
   (tags.c prices them). */

/* Per resource res[i], the blocks of the active activities that carry tag
   and that resource (a teacher of the activity or an atomic set of its
   students), in lists[i] / nl[i]. */
static void tagged_blocks(struct fet *f, const char *tag, const int *res, int nres, int ***lists_r,
                          int **nl_r)
{
    int nr = f->inst->nresources;
    int *pos = xmalloc((size_t)(nr ? nr : 1) * sizeof(int));
    for (int r = 0; r < nr; r++)
        pos[r] = -1;
    for (int i = 0; i < nres; i++)
        pos[res[i]] = i;
    int **lists = xcalloc((size_t)(nres ? nres : 1), sizeof(int *));
    int *nl = xcalloc((size_t)(nres ? nres : 1), sizeof(int));
    for (int i = 0; i < f->nacts; i++) {
        const struct act *a = &f->acts[i];
        if (!a->active || !has_tag(a, tag))
            continue;
        for (int t = 0; t < a->nteachers; t++)
            if (pos[a->teachers[t]] >= 0)
                int_add_unique(&lists[pos[a->teachers[t]]], &nl[pos[a->teachers[t]]], a->block);
        for (int s = 0; s < a->nsets; s++) {
            const struct sset *set = &f->sets[a->sets[s]];
            for (int j = 0; j < set->natoms; j++)
                if (pos[set->atoms[j]] >= 0)
                    int_add_unique(&lists[pos[set->atoms[j]]], &nl[pos[set->atoms[j]]], a->block);
        }
    }
    free(pos);
    *lists_r = lists;
    *nl_r = nl;
}

static void free_lists(int **lists, int *nl, int n)
{
    for (int i = 0; i < n; i++)
        free(lists[i]);
    free(lists);
    free(nl);
}

/* A tag child: the first of names present, with text. */
static const char *tag_field(struct fet *f, const struct xnode *c, const char *a, const char *b)
{
    const struct xnode *k = xml_child(c, a);
    if (!k && b)
        k = xml_child(c, b);
    if (!k || !*xml_text(k)) {
        fail(f, k ? k : c, "falta la etiqueta de actividad <%s> en <%s>.", a, c->name);
        return NULL;
    }
    return xml_text(k);
}

/* Teacher(s)/Students(Set) ActivityTagMaxHoursDaily / Continuously: per
   resource, its blocks carrying the tag; none where they can not exceed
   the limit. */
static int h_tag_limit(struct fet *f, const struct xnode *c, const struct cinfo *ci,
                       const struct handler *h)
{
    int n;
    if (get_int(f, c, h->field, 0, 1000, &n))
        return -1;
    const char *tag = tag_field(f, c, "Activity_Tag_Name", "Activity_Tag");
    int *res, nres;
    if (!tag || resources_of(f, c, h->who, &res, &nres))
        return -1;
    int **lists, *nl;
    tagged_blocks(f, tag, res, nres, &lists, &nl);
    for (int i = 0; i < nres; i++) {
        int total = 0;
        for (int j = 0; j < nl[i]; j++)
            total += f->inst->blocks[lists[i][j]].length;
        if (total <= n)
            continue;
        struct tt_constraint *con = add_con(f, (enum tt_ctype)h->type, ci, false);
        con->resource = res[i];
        con->n = n;
        con->tag = xstrdup(tag);
        for (int j = 0; j < nl[i]; j++)
            tt_constraint_add_item(con, lists[i][j]);
    }
    free_lists(lists, nl, nres);
    free(res);
    return 0;
}

/* Teacher(s)/Students(Set) MinGapsBetweenOrderedPairOfActivityTags: per
   resource, its first-tag blocks then its second-tag blocks. FET refuses
   an activity with both tags; so does the reader. */
static int h_tag_pair(struct fet *f, const struct xnode *c, const struct cinfo *ci,
                      const struct handler *h)
{
    int n;
    if (get_int(f, c, h->field, 0, 1000, &n))
        return -1;
    const char *t1 = tag_field(f, c, "First_Activity_Tag", NULL);
    const char *t2 = t1 ? tag_field(f, c, "Second_Activity_Tag", NULL) : NULL;
    int *res, nres;
    if (!t2 || resources_of(f, c, h->who, &res, &nres))
        return -1;
    int **first, *n1, **second, *n2;
    tagged_blocks(f, t1, res, nres, &first, &n1);
    tagged_blocks(f, t2, res, nres, &second, &n2);
    int rc = 0;
    for (int i = 0; i < nres && rc == 0; i++) {
        for (int j = 0; j < n1[i] && rc == 0; j++)
            if (has_int(second[i], n2[i], first[i][j]))
                rc = fail(f, c, "la actividad %ld tiene las dos etiquetas de <%s> («%s» y «%s»); "
                                "FET tampoco lo admite.",
                          f->inst->blocks[first[i][j]].ext_id, c->name, t1, t2);
        if (rc || n1[i] == 0 || n2[i] == 0)
            continue;
        struct tt_constraint *con = add_con(f, (enum tt_ctype)h->type, ci, false);
        con->resource = res[i];
        con->n = n;
        con->flag = n1[i];
        con->tag = xstrdup(t1);
        con->tag2 = xstrdup(t2);
        for (int j = 0; j < n1[i]; j++)
            tt_constraint_add_item(con, first[i][j]);
        for (int j = 0; j < n2[i]; j++)
            tt_constraint_add_item(con, second[i][j]);
    }
    free_lists(first, n1, nres);
    free_lists(second, n2, nres);
    free(res);
    return rc;
}

/* ActivitiesOccupyMaxTimeSlotsFromSelection and
   ActivitiesMaxSimultaneousInSelectedTimeSlots: listed activities and
   selected slots; none where the activities can not exceed the limit. */
static int h_selection(struct fet *f, const struct xnode *c, const struct cinfo *ci,
                       const struct handler *h)
{
    int n;
    uint64_t mask[TT_MAX_DAYS];
    if (get_int(f, c, h->field, 0, 1000000, &n) ||
        read_slots(f, c, "Selected_Time_Slot", "Selected_Day", "Selected_Hour", mask))
        return -1;
    int *items, nitems;
    if (blocks_by_id(f, c, "Activity_Id", &items, &nitems))
        return -1;
    long most = h->type == TT_MAX_SIMULTANEOUS ? nitems : 0;
    for (int i = 0; i < nitems && h->type == TT_OCCUPY_MAX_SLOTS; i++)
        most += f->inst->blocks[items[i]].length;
    if (most > n) {
        struct tt_constraint *con = add_con(f, (enum tt_ctype)h->type, ci, true);
        copy_slots(con, mask);
        con->n = n;
        for (int i = 0; i < nitems; i++)
            tt_constraint_add_item(con, items[i]);
    }
    free(items);
    return 0;
}

#define TAGS(name, fn, type, who, field) {name, fn, type, who, field}
/* --- #17 pairs --------------------------------------------------------- */

/* Two or three activities named First_/Second_/Third_Activity_Id
   (consecutive, grouped, ordered): items in that order, the first one
   first. FET ignores the rule when one of them is inactive; the same
   activity twice can never hold and is refused. */
static int h_pair_ids(struct fet *f, const struct xnode *c, const struct cinfo *ci,
                      const struct handler *h)
{
    static const char *const field[3] = {"First_Activity_Id", "Second_Activity_Id",
                                         "Third_Activity_Id"};
    int want = h->type == TT_GROUPED3 ? 3 : 2, blocks[3] = {-1, -1, -1};
    bool inactive = false;
    for (int i = 0; i < want; i++) {
        const struct xnode *k = xml_child(c, field[i]);
        if (!k)
            return fail(f, c, "falta <%s> en <%s>.", field[i], c->name);
        const struct act *a = find_act(f, k);
        if (f->error)
            return -1;
        if (!a) {
            inactive = true;
            continue;
        }
        blocks[i] = a->block;
        for (int j = 0; j < i; j++)
            if (!inactive && blocks[j] == blocks[i])
                return fail(f, k, "<%s> nombra dos veces la actividad %ld.", c->name, a->id);
    }
    if (inactive)
        return 0;
    struct tt_constraint *con = add_con(f, (enum tt_ctype)h->type, ci, false);
    for (int i = 0; i < want; i++)
        tt_constraint_add_item(con, blocks[i]);
    return 0;
}

#define PAIR(name, type) {name, h_pair_ids, type, 0, NULL}
/* --- end #17 pairs */

#define ACT(name, type, field) {name, h_activity_ids, type, 0, field}
#define LIM(name, type, who, field) {name, h_limit, type, who, field}
#define TIMES(name, type, sel) {name, h_preferred_times, type, sel, NULL}
#define ROOMS(name, who) {name, h_rooms, 0, who, NULL}
#define HOME(name, who) {name, h_defer_home, 0, who, NULL}

static const struct handler time_handlers[] = {
    {"ConstraintBasicCompulsoryTime", h_nothing, 0, 0, NULL},
    {"ConstraintBreakTimes", h_break_times, 0, 0, NULL},
    {"ConstraintTeacherNotAvailableTimes", h_not_available, 0, W_TEACHER, NULL},
    {"ConstraintStudentsSetNotAvailableTimes", h_not_available, 0, W_SET, NULL},
    {"ConstraintActivityPreferredStartingTime", h_preferred_start, 0, 0, NULL},
    TIMES("ConstraintActivityPreferredStartingTimes", TT_BLOCK_STARTS, SEL_ID),
    TIMES("ConstraintActivitiesPreferredStartingTimes", TT_BLOCK_STARTS, SEL_FILTER),
    TIMES("ConstraintSubactivitiesPreferredStartingTimes", TT_BLOCK_STARTS, SEL_COMPONENT),
    TIMES("ConstraintActivityPreferredTimeSlots", TT_BLOCK_SLOTS, SEL_ID),
    TIMES("ConstraintActivitiesPreferredTimeSlots", TT_BLOCK_SLOTS, SEL_FILTER),
    TIMES("ConstraintSubactivitiesPreferredTimeSlots", TT_BLOCK_SLOTS, SEL_COMPONENT),
    ACT("ConstraintMinDaysBetweenActivities", TT_MIN_DAYS, "MinDays"),
    ACT("ConstraintMinGapsBetweenActivities", TT_MIN_GAP, "MinGaps"),
    ACT("ConstraintActivitiesSameStartingTime", TT_SAME_START, NULL),
    ACT("ConstraintActivitiesSameStartingHour", TT_SAME_PERIOD, NULL),
    ACT("ConstraintActivitiesSameStartingDay", TT_SAME_DAY, NULL),
    ACT("ConstraintActivitiesNotOverlapping", TT_NOT_OVERLAPPING, NULL),
    LIM("ConstraintTeacherMaxGapsPerWeek", TT_MAX_GAPS_WEEK, W_TEACHER, "Max_Gaps"),
    LIM("ConstraintTeachersMaxGapsPerWeek", TT_MAX_GAPS_WEEK, W_TEACHERS, "Max_Gaps"),
    LIM("ConstraintTeacherMaxGapsPerDay", TT_MAX_GAPS_DAY, W_TEACHER, "Max_Gaps"),
    LIM("ConstraintTeachersMaxGapsPerDay", TT_MAX_GAPS_DAY, W_TEACHERS, "Max_Gaps"),
    LIM("ConstraintStudentsSetMaxGapsPerWeek", TT_MAX_GAPS_WEEK, W_SET, "Max_Gaps"),
    LIM("ConstraintStudentsMaxGapsPerWeek", TT_MAX_GAPS_WEEK, W_STUDENTS, "Max_Gaps"),
    LIM("ConstraintStudentsSetMaxGapsPerDay", TT_MAX_GAPS_DAY, W_SET, "Max_Gaps"),
    LIM("ConstraintStudentsMaxGapsPerDay", TT_MAX_GAPS_DAY, W_STUDENTS, "Max_Gaps"),
    LIM("ConstraintTeacherMaxDaysPerWeek", TT_MAX_DAYS_WEEK, W_TEACHER, "Max_Days_Per_Week"),
    LIM("ConstraintTeachersMaxDaysPerWeek", TT_MAX_DAYS_WEEK, W_TEACHERS, "Max_Days_Per_Week"),
    LIM("ConstraintStudentsSetMaxDaysPerWeek", TT_MAX_DAYS_WEEK, W_SET, "Max_Days_Per_Week"),
    LIM("ConstraintStudentsMaxDaysPerWeek", TT_MAX_DAYS_WEEK, W_STUDENTS, "Max_Days_Per_Week"),
    LIM("ConstraintTeacherMinDaysPerWeek", TT_MIN_DAYS_WEEK, W_TEACHER, "Minimum_Days_Per_Week"),
    LIM("ConstraintTeachersMinDaysPerWeek", TT_MIN_DAYS_WEEK, W_TEACHERS,
        "Minimum_Days_Per_Week"),
    LIM("ConstraintTeacherMaxHoursDaily", TT_MAX_PERIODS_DAY, W_TEACHER, "Maximum_Hours_Daily"),
    LIM("ConstraintTeachersMaxHoursDaily", TT_MAX_PERIODS_DAY, W_TEACHERS,
        "Maximum_Hours_Daily"),
    LIM("ConstraintStudentsSetMaxHoursDaily", TT_MAX_PERIODS_DAY, W_SET, "Maximum_Hours_Daily"),
    LIM("ConstraintStudentsMaxHoursDaily", TT_MAX_PERIODS_DAY, W_STUDENTS,
        "Maximum_Hours_Daily"),
    LIM("ConstraintTeacherMinHoursDaily", TT_MIN_PERIODS_DAY, W_TEACHER, "Minimum_Hours_Daily"),
    LIM("ConstraintTeachersMinHoursDaily", TT_MIN_PERIODS_DAY, W_TEACHERS,
        "Minimum_Hours_Daily"),
    LIM("ConstraintStudentsSetMinHoursDaily", TT_MIN_PERIODS_DAY, W_SET, "Minimum_Hours_Daily"),
    LIM("ConstraintStudentsMinHoursDaily", TT_MIN_PERIODS_DAY, W_STUDENTS,
        "Minimum_Hours_Daily"),
    LIM("ConstraintTeacherMaxSpanPerDay", TT_MAX_SPAN_DAY, W_TEACHER, "Max_Span"),
    LIM("ConstraintTeachersMaxSpanPerDay", TT_MAX_SPAN_DAY, W_TEACHERS, "Max_Span"),
    LIM("ConstraintStudentsSetMaxSpanPerDay", TT_MAX_SPAN_DAY, W_SET, "Max_Span"),
    LIM("ConstraintStudentsMaxSpanPerDay", TT_MAX_SPAN_DAY, W_STUDENTS, "Max_Span"),
    LIM("ConstraintStudentsSetEarlyMaxBeginningsAtSecondHour", TT_EARLY_START, W_SET,
        "Max_Beginnings_At_Second_Hour"),
    LIM("ConstraintStudentsEarlyMaxBeginningsAtSecondHour", TT_EARLY_START, W_STUDENTS,
        "Max_Beginnings_At_Second_Hour"),
    /* --- #17 rtime --- */
    LIM("ConstraintTeacherMaxHoursContinuously", TT_MAX_CONTINUOUS, W_TEACHER,
        "Maximum_Hours_Continuously"),
    LIM("ConstraintTeachersMaxHoursContinuously", TT_MAX_CONTINUOUS, W_TEACHERS,
        "Maximum_Hours_Continuously"),
    LIM("ConstraintStudentsSetMaxHoursContinuously", TT_MAX_CONTINUOUS, W_SET,
        "Maximum_Hours_Continuously"),
    LIM("ConstraintStudentsMaxHoursContinuously", TT_MAX_CONTINUOUS, W_STUDENTS,
        "Maximum_Hours_Continuously"),
    {"ConstraintTeacherIntervalMaxDaysPerWeek", h_interval_days, 0, W_TEACHER, NULL},
    {"ConstraintTeachersIntervalMaxDaysPerWeek", h_interval_days, 0, W_TEACHERS, NULL},
    {"ConstraintStudentsSetIntervalMaxDaysPerWeek", h_interval_days, 0, W_SET, NULL},
    {"ConstraintStudentsIntervalMaxDaysPerWeek", h_interval_days, 0, W_STUDENTS, NULL},
    {"ConstraintTeacherMinRestingHours", h_resting, 0, W_TEACHER, NULL},
    {"ConstraintTeachersMinRestingHours", h_resting, 0, W_TEACHERS, NULL},
    {"ConstraintStudentsSetMinRestingHours", h_resting, 0, W_SET, NULL},
    {"ConstraintStudentsMinRestingHours", h_resting, 0, W_STUDENTS, NULL},
    {"ConstraintActivityEndsStudentsDay", h_ends_day, 0, SEL_ID, NULL},
    {"ConstraintActivitiesEndStudentsDay", h_ends_day, 0, SEL_FILTER, NULL},
    /* --- #17 tags --- */
    TAGS("ConstraintTeacherActivityTagMaxHoursDaily", h_tag_limit, TT_TAG_MAX_DAY, W_TEACHER,
         "Maximum_Hours_Daily"),
    TAGS("ConstraintTeachersActivityTagMaxHoursDaily", h_tag_limit, TT_TAG_MAX_DAY, W_TEACHERS,
         "Maximum_Hours_Daily"),
    TAGS("ConstraintStudentsSetActivityTagMaxHoursDaily", h_tag_limit, TT_TAG_MAX_DAY, W_SET,
         "Maximum_Hours_Daily"),
    TAGS("ConstraintStudentsActivityTagMaxHoursDaily", h_tag_limit, TT_TAG_MAX_DAY, W_STUDENTS,
         "Maximum_Hours_Daily"),
    TAGS("ConstraintTeacherActivityTagMaxHoursContinuously", h_tag_limit, TT_TAG_MAX_RUN,
         W_TEACHER, "Maximum_Hours_Continuously"),
    TAGS("ConstraintTeachersActivityTagMaxHoursContinuously", h_tag_limit, TT_TAG_MAX_RUN,
         W_TEACHERS, "Maximum_Hours_Continuously"),
    TAGS("ConstraintStudentsSetActivityTagMaxHoursContinuously", h_tag_limit, TT_TAG_MAX_RUN,
         W_SET, "Maximum_Hours_Continuously"),
    TAGS("ConstraintStudentsActivityTagMaxHoursContinuously", h_tag_limit, TT_TAG_MAX_RUN,
         W_STUDENTS, "Maximum_Hours_Continuously"),
    TAGS("ConstraintTeacherMinGapsBetweenOrderedPairOfActivityTags", h_tag_pair,
         TT_TAG_MIN_GAP_ORDERED, W_TEACHER, "MinGaps"),
    TAGS("ConstraintTeachersMinGapsBetweenOrderedPairOfActivityTags", h_tag_pair,
         TT_TAG_MIN_GAP_ORDERED, W_TEACHERS, "MinGaps"),
    TAGS("ConstraintStudentsSetMinGapsBetweenOrderedPairOfActivityTags", h_tag_pair,
         TT_TAG_MIN_GAP_ORDERED, W_SET, "MinGaps"),
    TAGS("ConstraintStudentsMinGapsBetweenOrderedPairOfActivityTags", h_tag_pair,
         TT_TAG_MIN_GAP_ORDERED, W_STUDENTS, "MinGaps"),
    TAGS("ConstraintActivitiesOccupyMaxTimeSlotsFromSelection", h_selection, TT_OCCUPY_MAX_SLOTS,
         0, "Max_Number_of_Occupied_Time_Slots"),
    TAGS("ConstraintActivitiesMaxSimultaneousInSelectedTimeSlots", h_selection,
         TT_MAX_SIMULTANEOUS, 0, "Max_Number_of_Simultaneous_Activities"),
    /* --- #17 pairs --- */
    PAIR("ConstraintTwoActivitiesConsecutive", TT_CONSECUTIVE),
    PAIR("ConstraintTwoActivitiesGrouped", TT_GROUPED),
    PAIR("ConstraintThreeActivitiesGrouped", TT_GROUPED3),
    PAIR("ConstraintTwoActivitiesOrdered", TT_ORDERED),
    PAIR("ConstraintTwoActivitiesOrderedIfSameDay", TT_ORDERED_IF_SAME_DAY),
    ACT("ConstraintMaxDaysBetweenActivities", TT_MAX_DAYS_BETWEEN, "MaxDays"),
    /* --- end #17 pairs */
    {NULL, NULL, 0, 0, NULL},
};

static const struct handler space_handlers[] = {
    {"ConstraintBasicCompulsorySpace", h_nothing, 0, 0, NULL},
    {"ConstraintRoomNotAvailableTimes", h_not_available, 0, W_ROOM, NULL},
    ROOMS("ConstraintActivityPreferredRoom", R_ACTIVITY),
    ROOMS("ConstraintActivityPreferredRooms", R_ACTIVITY),
    ROOMS("ConstraintSubjectPreferredRoom", R_SUBJECT),
    ROOMS("ConstraintSubjectPreferredRooms", R_SUBJECT),
    ROOMS("ConstraintActivityTagPreferredRoom", R_TAG),
    ROOMS("ConstraintActivityTagPreferredRooms", R_TAG),
    ROOMS("ConstraintSubjectActivityTagPreferredRoom", R_SUBJECT_TAG),
    ROOMS("ConstraintSubjectActivityTagPreferredRooms", R_SUBJECT_TAG),
    HOME("ConstraintTeacherHomeRoom", R_TEACHER_HOME),
    HOME("ConstraintTeacherHomeRooms", R_TEACHER_HOME),
    HOME("ConstraintStudentsSetHomeRoom", R_SET_HOME),
    HOME("ConstraintStudentsSetHomeRooms", R_SET_HOME),
    /* --- #17 rooms: buildings and room sets (rooms.c) --- */
    LIM("ConstraintTeacherMaxBuildingChangesPerDay", TT_BUILDING_CHANGES_DAY, W_TEACHER,
        "Max_Building_Changes_Per_Day"),
    LIM("ConstraintTeachersMaxBuildingChangesPerDay", TT_BUILDING_CHANGES_DAY, W_TEACHERS,
        "Max_Building_Changes_Per_Day"),
    LIM("ConstraintStudentsSetMaxBuildingChangesPerDay", TT_BUILDING_CHANGES_DAY, W_SET,
        "Max_Building_Changes_Per_Day"),
    LIM("ConstraintStudentsMaxBuildingChangesPerDay", TT_BUILDING_CHANGES_DAY, W_STUDENTS,
        "Max_Building_Changes_Per_Day"),
    LIM("ConstraintTeacherMaxBuildingChangesPerWeek", TT_BUILDING_CHANGES_WEEK, W_TEACHER,
        "Max_Building_Changes_Per_Week"),
    LIM("ConstraintTeachersMaxBuildingChangesPerWeek", TT_BUILDING_CHANGES_WEEK, W_TEACHERS,
        "Max_Building_Changes_Per_Week"),
    LIM("ConstraintStudentsSetMaxBuildingChangesPerWeek", TT_BUILDING_CHANGES_WEEK, W_SET,
        "Max_Building_Changes_Per_Week"),
    LIM("ConstraintStudentsMaxBuildingChangesPerWeek", TT_BUILDING_CHANGES_WEEK, W_STUDENTS,
        "Max_Building_Changes_Per_Week"),
    LIM("ConstraintTeacherMinGapsBetweenBuildingChanges", TT_BUILDING_MIN_GAPS, W_TEACHER,
        "Min_Gaps_Between_Building_Changes"),
    LIM("ConstraintTeachersMinGapsBetweenBuildingChanges", TT_BUILDING_MIN_GAPS, W_TEACHERS,
        "Min_Gaps_Between_Building_Changes"),
    LIM("ConstraintStudentsSetMinGapsBetweenBuildingChanges", TT_BUILDING_MIN_GAPS, W_SET,
        "Min_Gaps_Between_Building_Changes"),
    LIM("ConstraintStudentsMinGapsBetweenBuildingChanges", TT_BUILDING_MIN_GAPS, W_STUDENTS,
        "Min_Gaps_Between_Building_Changes"),
    ACT("ConstraintActivitiesSameRoomIfConsecutive", TT_SAME_ROOM_IF_CONSECUTIVE, NULL),
    ACT("ConstraintActivitiesOccupyMaxDifferentRooms", TT_MAX_DIFFERENT_ROOMS,
        "Max_Number_of_Different_Rooms"),
    {NULL, NULL, 0, 0, NULL},
};

static int read_constraints(struct fet *f, const struct xnode *list,
                            const struct handler *table)
{
    for (const struct xnode *c = list ? list->kids : NULL; c; c = c->next) {
        const char *wp_text = xml_child_text(c, "Weight_Percentage");
        double wp = 100.0;
        if (wp_text) {
            char *end;
            wp = strtod(wp_text, &end);
            if (end == wp_text || wp < 0 || wp > 100 || isnan(wp))
                return fail(f, xml_child(c, "Weight_Percentage"),
                            "<Weight_Percentage> debe estar entre 0 y 100, no «%s».", wp_text);
        }
        bool active;
        if (get_bool(f, c, "Active", true, &active))
            return -1;
        bool keeps_consecutive = false;
        if (wp <= 0 && strcmp(c->name, "ConstraintMinDaysBetweenActivities") == 0 &&
            get_bool(f, c, "Consecutive_If_Same_Day", false, &keeps_consecutive))
            return -1;
        if (!active || (wp <= 0 && !keeps_consecutive)) { /* FET ignores both */
            f->inst->ninactive++;
            continue;
        }
        const struct handler *h = table;
        while (h->name && strcmp(h->name, c->name) != 0)
            h++;
        if (!h->name) {
            tt_note_unsupported(f->inst, c->name);
            continue;
        }
        long w = lround(wp);
        /* weight 0 reaches here only for min days' consecutive part */
        struct cinfo ci = {c->name, wp >= 100.0, wp <= 0 ? 0 : w < 1 ? 1 : (int)w};
        if (h->fn(f, c, &ci, h))
            return -1;
    }
    return 0;
}

static int read_home_rooms(struct fet *f)
{
    for (int i = 0; i < f->nhome; i++) {
        const struct deferred *d = &f->home[i];
        struct cinfo ci = {d->c->name, d->hard, d->weight};
        if (h_rooms(f, d->c, &ci, d->h))
            return -1;
    }
    return 0;
}

/* FET gives a room only to activities with a room constraint at 100 %
   (below that it may leave them without one), and room constraints name
   single parts of a split activity. A lesson whose parts disagree is split
   in two, since needs_room belongs to the lesson. */
static void settle_rooms(struct fet *f)
{
    struct tt_instance *inst = f->inst;
    int nlessons = inst->nlessons;
    for (int l = 0; l < nlessons; l++) {
        struct tt_lesson *les = &inst->lessons[l];
        int with = 0;
        for (int i = 0; i < les->nblocks; i++)
            with += f->hard_room[les->blocks[i]];
        les->needs_room = with > 0;
        if (with == 0 || with == les->nblocks)
            continue;
        int n = tt_add_lesson(inst, les->subject);
        les = &inst->lessons[l]; /* tt_add_lesson may move the array */
        struct tt_lesson *split = &inst->lessons[n];
        for (int i = 0; i < les->nteachers; i++)
            tt_lesson_add_teacher(inst, n, les->teachers[i]);
        for (int i = 0; i < les->nclasses; i++)
            tt_lesson_add_class(inst, n, les->classes[i]);
        split->students = les->students;
        split->tag = les->tag ? xstrdup(les->tag) : NULL;
        /* the model's block lists grow by powers of two */
        int cap = 1;
        while (cap < les->nblocks - with)
            cap *= 2;
        split->blocks = xmalloc((size_t)cap * sizeof(int));
        int kept = 0;
        for (int i = 0; i < les->nblocks; i++) {
            int b = les->blocks[i];
            if (f->hard_room[b]) {
                les->blocks[kept++] = b;
            } else {
                inst->blocks[b].lesson = n;
                split->blocks[split->nblocks++] = b;
            }
        }
        les->nblocks = kept;
    }
}

static char *stem(const char *fname)
{
    const char *dot = strrchr(fname, '.');
    return dot && dot != fname ? xstrndup(fname, (size_t)(dot - fname)) : xstrdup(fname);
}

struct tt_instance *tt_fet_read(const char *path, char **error_r)
{
    *error_r = NULL;
    const char *fname = str_base_name(path);
    struct xnode *root = xml_load(path, FET_MAX_BYTES, "un archivo FET", error_r);
    if (!root)
        return NULL;

    struct fet f = {0};
    f.fname = fname;
    char *name = stem(fname);
    f.inst = tt_instance_new(name);
    free(name);
    if (strcmp(root->name, "fet") != 0)
        fail(&f, root, "no es un archivo de FET (la raíz es <%s>, no <fet>).", root->name);
    else if (read_time_grid(&f, root) == 0 && read_flat_lists(&f, root) == 0 &&
             read_students(&f, root) == 0 && read_activities(&f, root) == 0 &&
             read_constraints(&f, xml_child(root, "Time_Constraints_List"), time_handlers) == 0 &&
             read_constraints(&f, xml_child(root, "Space_Constraints_List"), space_handlers) == 0 &&
             read_home_rooms(&f) == 0)
        settle_rooms(&f);

    if (!f.error && tt_instance_validate(f.inst, &f.error) != 0 && !f.error)
        f.error = str_fmt("%s: el horario importado no es válido.", fname);
    for (int i = 0; i < f.nacts; i++)
        act_free(&f.acts[i]);
    free(f.acts);
    for (int i = 0; i < f.nsets; i++)
        free(f.sets[i].atoms);
    free(f.sets);
    free(f.pref_room);
    free(f.hard_room);
    free(f.home);
    smap_free(&f.days);
    smap_free(&f.hours);
    smap_free(&f.teachers);
    smap_free(&f.rooms);
    smap_free(&f.subjects);
    smap_free(&f.setmap);
    xml_free(root);
    if (f.error) {
        tt_instance_free(&f.inst);
        *error_r = f.error;
        return NULL;
    }
    return f.inst;
}

/* --- Writing ------------------------------------------------------------ */

static long fet_id(const struct tt_instance *inst, int b)
{
    return inst->blocks[b].ext_id ? inst->blocks[b].ext_id : b + 1;
}

static int write_text(const char *path, const char *data, size_t len, char **error_r)
{
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        *error_r = str_fmt("No se pudo crear «%s»: %s.", path, strerror(errno));
        return -1;
    }
    bool ok = fwrite(data, 1, len, fp) == len;
    ok = fclose(fp) == 0 && ok;
    if (!ok) {
        *error_r = str_fmt("No se pudo escribir «%s».", path);
        return -1;
    }
    return 0;
}

static bool check_solution(const struct tt_instance *inst, const struct tt_solution *sol,
                           char **error_r)
{
    if (sol->nblocks != inst->nblocks) {
        *error_r = str_fmt("La solución tiene %d bloques y el horario %d.", sol->nblocks,
                           inst->nblocks);
        return false;
    }
    int nsets_max = tt_max_sets(inst);
    for (int b = 0; b < sol->nblocks; b++) {
        if (sol->start[b] >= inst->ndays * inst->nperiods ||
            sol->room[b] >= inst->nresources ||
            (sol->room[b] >= 0 && inst->resources[sol->room[b]].kind != TT_ROOM)) {
            *error_r = str_fmt("La solución ubica el bloque %ld en un período o aula que no "
                               "existe.", fet_id(inst, b));
            return false;
        }
        int room = sol->room[b]; /* #17 virtual rooms */
        for (int k = 0; room >= 0 && k < inst->resources[room].nsets; k++) {
            int r = sol->nreal == nsets_max ? sol->real[(size_t)b * sol->nreal + k] : -2;
            if (r < -1 || r >= inst->nresources || (r >= 0 && inst->resources[r].kind != TT_ROOM)) {
                *error_r = str_fmt("La solución ubica el bloque %ld en un aula real que no "
                                   "existe.", fet_id(inst, b));
                return false;
            }
        }
    }
    return true;
}

/* --- #17 virtual rooms: the real rooms of block b in a virtual room, as
   FET writes them in a timetable (counted in a locked room constraint) */
static void add_real_rooms(struct strbuf *sb, const struct tt_instance *inst,
                           const struct tt_solution *sol, int b, bool counted)
{
    int room = sol->room[b];
    if (room < 0 || inst->resources[room].nsets == 0)
        return;
    int ns = inst->resources[room].nsets;
    const int *real = sol->real + (size_t)b * sol->nreal;
    int n = 0;
    for (int k = 0; k < ns; k++)
        n += real[k] >= 0;
    if (n == 0)
        return;
    if (counted)
        strbuf_addf(sb, "\t<Number_of_Real_Rooms>%d</Number_of_Real_Rooms>\n", n);
    for (int k = 0; k < ns; k++) {
        if (real[k] < 0)
            continue;
        strbuf_adds(sb, "\t<Real_Room>");
        xml_escape(sb, inst->resources[real[k]].name);
        strbuf_adds(sb, "</Real_Room>\n");
    }
}

/* Placed blocks in FET id order. */
static int *placed_blocks(const struct tt_instance *inst, const struct tt_solution *sol, int *n_r)
{
    int *order = xmalloc((size_t)(inst->nblocks ? inst->nblocks : 1) * sizeof(int));
    int n = 0;
    for (int b = 0; b < inst->nblocks; b++)
        if (sol->start[b] >= 0)
            order[n++] = b;
    /* insertion sort is fine: blocks come from the file almost in id order */
    for (int i = 1; i < n; i++) {
        int x = order[i], j = i;
        for (; j > 0 && fet_id(inst, order[j - 1]) > fet_id(inst, x); j--)
            order[j] = order[j - 1];
        order[j] = x;
    }
    *n_r = n;
    return order;
}

int tt_fet_write_solution(const struct tt_instance *inst, const struct tt_solution *sol,
                          const char *path, char **error_r)
{
    *error_r = NULL;
    if (!check_solution(inst, sol, error_r))
        return -1;
    struct strbuf sb;
    strbuf_init(&sb);
    /* FET's own layout, byte order mark included */
    strbuf_adds(&sb, "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<Activities_Timetable>\n");
    int n;
    int *order = placed_blocks(inst, sol, &n);
    for (int i = 0; i < n; i++) {
        int b = order[i];
        strbuf_addf(&sb, "<Activity>\n\t<Id>%ld</Id>\n\t<Day>", fet_id(inst, b));
        xml_escape(&sb, inst->day_names[sol->start[b] / inst->nperiods]);
        strbuf_adds(&sb, "</Day>\n\t<Hour>");
        xml_escape(&sb, inst->periods[sol->start[b] % inst->nperiods].name);
        strbuf_adds(&sb, "</Hour>\n\t<Room>");
        if (sol->room[b] >= 0)
            xml_escape(&sb, inst->resources[sol->room[b]].name);
        strbuf_adds(&sb, "</Room>\n");
        add_real_rooms(&sb, inst, sol, b, false);
        strbuf_adds(&sb, "</Activity>\n");
    }
    strbuf_adds(&sb, "</Activities_Timetable>\n");
    free(order);
    int rc = write_text(path, sb.data, sb.len, error_r);
    strbuf_cleanup(&sb);
    return rc;
}

int tt_fet_write_locked(const struct tt_instance *inst, const struct tt_solution *sol,
                        const char *fet_in, const char *path, char **error_r)
{
    *error_r = NULL;
    if (!check_solution(inst, sol, error_r))
        return -1;
    for (int b = 0; b < inst->nblocks; b++) {
        if (sol->start[b] >= 0 && inst->blocks[b].ext_id <= 0) {
            *error_r = str_fmt("El bloque %d no viene de un archivo FET; no se puede fijar en "
                               "«%s».", b + 1, str_base_name(fet_in));
            return -1;
        }
    }
    size_t len;
    char *data = xml_read_file(fet_in, FET_MAX_BYTES, &len, error_r);
    if (!data)
        return -1;
    static const char time_end[] = "</Time_Constraints_List>";
    static const char space_end[] = "</Space_Constraints_List>";
    char *t = strstr(data, time_end), *s = strstr(data, space_end);
    if (!t || !s || s < t) {
        *error_r = str_fmt("%s: no se encontraron las listas de restricciones de FET.",
                           str_base_name(fet_in));
        free(data);
        return -1;
    }
    int n;
    int *order = placed_blocks(inst, sol, &n);
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_add(&sb, data, (size_t)(t - data));
    for (int i = 0; i < n; i++) {
        int b = order[i];
        strbuf_addf(&sb,
                    "<ConstraintActivityPreferredStartingTime>\n"
                    "\t<Weight_Percentage>100</Weight_Percentage>\n"
                    "\t<Activity_Id>%ld</Activity_Id>\n\t<Preferred_Day>",
                    inst->blocks[b].ext_id);
        xml_escape(&sb, inst->day_names[sol->start[b] / inst->nperiods]);
        strbuf_adds(&sb, "</Preferred_Day>\n\t<Preferred_Hour>");
        xml_escape(&sb, inst->periods[sol->start[b] % inst->nperiods].name);
        strbuf_adds(&sb, "</Preferred_Hour>\n"
                         "\t<Permanently_Locked>true</Permanently_Locked>\n"
                         "\t<Active>true</Active>\n"
                         "\t<Comments></Comments>\n"
                         "</ConstraintActivityPreferredStartingTime>\n");
    }
    strbuf_add(&sb, t, (size_t)(s - t));
    for (int i = 0; i < n; i++) {
        int b = order[i];
        if (sol->room[b] < 0)
            continue;
        strbuf_addf(&sb,
                    "<ConstraintActivityPreferredRoom>\n"
                    "\t<Weight_Percentage>100</Weight_Percentage>\n"
                    "\t<Activity_Id>%ld</Activity_Id>\n\t<Room>",
                    inst->blocks[b].ext_id);
        xml_escape(&sb, inst->resources[sol->room[b]].name);
        strbuf_adds(&sb, "</Room>\n");
        add_real_rooms(&sb, inst, sol, b, true);
        strbuf_adds(&sb, "\t<Permanently_Locked>true</Permanently_Locked>\n"
                         "\t<Active>true</Active>\n"
                         "\t<Comments></Comments>\n"
                         "</ConstraintActivityPreferredRoom>\n");
    }
    strbuf_add(&sb, s, len - (size_t)(s - data));
    free(order);
    free(data);
    int rc = write_text(path, sb.data, sb.len, error_r);
    strbuf_cleanup(&sb);
    return rc;
}
