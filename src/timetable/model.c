/*
 * Building and validating a struct tt_instance, and solutions. Arrays grow
 * by doubling; names are looked up linearly (instances have at most a few
 * thousand resources and are built once).
 */
#include "timetable/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static const char *const spanish_days[7] = {"Lunes",  "Martes", "Miércoles", "Jueves",
                                            "Viernes", "Sábado", "Domingo"};

enum { CAP_RES, CAP_LES, CAP_BLK, CAP_CON, CAP_SUB };

static void *grow(void *arr, int n, int *cap, size_t size)
{
    if (n < *cap)
        return arr;
    *cap = *cap ? *cap * 2 : 16;
    arr = xrealloc(arr, (size_t)*cap * size);
    memset((char *)arr + (size_t)n * size, 0, (size_t)(*cap - n) * size);
    return arr;
}

void tt_push(int **arr, int *n, int v)
{
    /* small lists: grow by one power of two at a time */
    if ((*n & (*n - 1)) == 0)
        *arr = xrealloc(*arr, (size_t)(*n ? *n * 2 : 1) * sizeof(int));
    (*arr)[(*n)++] = v;
}

struct tt_instance *tt_instance_new(const char *name)
{
    struct tt_instance *inst = xcalloc(1, sizeof(*inst));
    inst->name = xstrdup(name ? name : "");
    tt_set_days(inst, 5, NULL);
    return inst;
}

void tt_instance_free(struct tt_instance **instp)
{
    struct tt_instance *inst = *instp;
    if (!inst)
        return;
    for (int i = 0; i < inst->ndays; i++)
        free(inst->day_names[i]);
    free(inst->day_names);
    for (int i = 0; i < inst->nperiods; i++)
        free(inst->periods[i].name);
    free(inst->periods);
    for (int i = 0; i < inst->nresources; i++) {
        free(inst->resources[i].name);
        free(inst->resources[i].room_type);
        free(inst->resources[i].group);
        for (int k = 0; k < inst->resources[i].nsets; k++) /* #17 virtual rooms */
            free(inst->resources[i].sets[k]);
        free(inst->resources[i].sets);
        free(inst->resources[i].set_len);
    }
    free(inst->resources);
    for (int i = 0; i < inst->nsubjects; i++)
        free(inst->subjects[i]);
    free(inst->subjects);
    for (int i = 0; i < inst->nlessons; i++) {
        struct tt_lesson *l = &inst->lessons[i];
        free(l->teachers);
        free(l->classes);
        free(l->blocks);
        free(l->rooms);
        free(l->room_type);
        free(l->tag);
    }
    free(inst->lessons);
    for (int i = 0; i < inst->nblocks; i++)
        free(inst->blocks[i].pin_real); /* #17 virtual rooms */
    free(inst->blocks);
    for (int i = 0; i < inst->nconstraints; i++) {
        struct tt_constraint *c = &inst->constraints[i];
        free(c->items);
        free(c->rooms);
        free(c->slots);
        free(c->origin);
        free(c->tag); /* #17 tags */
        free(c->tag2);
    }
    free(inst->constraints);
    for (int i = 0; i < inst->nunsupported; i++)
        free(inst->unsupported[i].name);
    free(inst->unsupported);
    /* --- #17 rooms --- */
    for (int i = 0; i < inst->nbuildings; i++)
        free(inst->buildings[i]);
    free(inst->buildings);
    free(inst->name);
    free(inst);
    *instp = NULL;
}

void tt_set_days(struct tt_instance *inst, int ndays, const char *const *names)
{
    for (int i = 0; i < inst->ndays; i++)
        free(inst->day_names[i]);
    if (ndays > TT_MAX_DAYS)
        ndays = TT_MAX_DAYS;
    inst->day_names = xrealloc(inst->day_names, (size_t)(ndays ? ndays : 1) * sizeof(char *));
    for (int i = 0; i < ndays; i++) {
        char buf[32];
        const char *n = names ? names[i] : NULL;
        if (!n) {
            if (i < 7) {
                n = spanish_days[i];
            } else {
                snprintf(buf, sizeof(buf), "Día %d", i + 1);
                n = buf;
            }
        }
        inst->day_names[i] = xstrdup(n);
    }
    inst->ndays = ndays;
}

int tt_add_period(struct tt_instance *inst, const char *name, int start, int end)
{
    if (inst->nperiods >= TT_MAX_PERIODS)
        return -1;
    inst->periods = xrealloc(inst->periods, (size_t)(inst->nperiods + 1) * sizeof(*inst->periods));
    struct tt_period *p = &inst->periods[inst->nperiods];
    char buf[16];
    if (!name) {
        snprintf(buf, sizeof(buf), "%d", inst->nperiods + 1);
        name = buf;
    }
    p->name = xstrdup(name);
    p->start = start;
    p->end = end;
    return inst->nperiods++;
}

int tt_add_resource(struct tt_instance *inst, enum tt_kind kind, const char *name)
{
    inst->resources = grow(inst->resources, inst->nresources, &inst->caps[CAP_RES],
                           sizeof(*inst->resources));
    struct tt_resource *r = &inst->resources[inst->nresources];
    r->name = xstrdup(name);
    r->kind = kind;
    return inst->nresources++;
}

int tt_find_resource(const struct tt_instance *inst, enum tt_kind kind, const char *name)
{
    for (int i = 0; i < inst->nresources; i++)
        if (inst->resources[i].kind == kind && strcmp(inst->resources[i].name, name) == 0)
            return i;
    return -1;
}

int tt_add_subject(struct tt_instance *inst, const char *name)
{
    inst->subjects = grow(inst->subjects, inst->nsubjects, &inst->caps[CAP_SUB], sizeof(char *));
    inst->subjects[inst->nsubjects] = xstrdup(name);
    return inst->nsubjects++;
}

int tt_find_subject(const struct tt_instance *inst, const char *name)
{
    for (int i = 0; i < inst->nsubjects; i++)
        if (strcmp(inst->subjects[i], name) == 0)
            return i;
    return -1;
}

int tt_add_lesson(struct tt_instance *inst, int subject)
{
    inst->lessons = grow(inst->lessons, inst->nlessons, &inst->caps[CAP_LES],
                         sizeof(*inst->lessons));
    struct tt_lesson *l = &inst->lessons[inst->nlessons];
    l->subject = subject;
    return inst->nlessons++;
}

void tt_lesson_add_teacher(struct tt_instance *inst, int lesson, int teacher)
{
    struct tt_lesson *l = &inst->lessons[lesson];
    for (int i = 0; i < l->nteachers; i++)
        if (l->teachers[i] == teacher)
            return;
    tt_push(&l->teachers, &l->nteachers, teacher);
}

void tt_lesson_add_class(struct tt_instance *inst, int lesson, int cls)
{
    struct tt_lesson *l = &inst->lessons[lesson];
    for (int i = 0; i < l->nclasses; i++)
        if (l->classes[i] == cls)
            return;
    tt_push(&l->classes, &l->nclasses, cls);
}

void tt_lesson_add_room(struct tt_instance *inst, int lesson, int room)
{
    struct tt_lesson *l = &inst->lessons[lesson];
    for (int i = 0; i < l->nrooms; i++)
        if (l->rooms[i] == room)
            return;
    tt_push(&l->rooms, &l->nrooms, room);
}

int tt_lesson_add_block(struct tt_instance *inst, int lesson, int length, long ext_id)
{
    inst->blocks = grow(inst->blocks, inst->nblocks, &inst->caps[CAP_BLK],
                        sizeof(*inst->blocks));
    struct tt_block *b = &inst->blocks[inst->nblocks];
    b->lesson = lesson;
    b->length = length;
    b->ext_id = ext_id;
    b->pin_day = b->pin_period = b->pin_room = -1;
    tt_push(&inst->lessons[lesson].blocks, &inst->lessons[lesson].nblocks, inst->nblocks);
    return inst->nblocks++;
}

int tt_find_block(const struct tt_instance *inst, long ext_id)
{
    for (int i = 0; i < inst->nblocks; i++)
        if (inst->blocks[i].ext_id == ext_id)
            return i;
    return -1;
}

struct tt_constraint *tt_add_constraint(struct tt_instance *inst, enum tt_ctype type,
                                        bool hard, int weight, bool with_slots,
                                        const char *origin)
{
    inst->constraints = grow(inst->constraints, inst->nconstraints, &inst->caps[CAP_CON],
                             sizeof(*inst->constraints));
    struct tt_constraint *c = &inst->constraints[inst->nconstraints++];
    memset(c, 0, sizeof(*c));
    c->type = type;
    c->hard = hard;
    c->weight = weight < 1 ? 1 : weight;
    c->resource = -1;
    c->subject = -1;
    if (with_slots)
        c->slots = xcalloc(TT_MAX_DAYS, sizeof(uint64_t));
    c->origin = origin ? xstrdup(origin) : NULL;
    return c;
}

void tt_constraint_add_item(struct tt_constraint *c, int block)
{
    tt_push(&c->items, &c->nitems, block);
}

void tt_constraint_add_room(struct tt_constraint *c, int room)
{
    tt_push(&c->rooms, &c->nrooms, room);
}

void tt_constraint_set_slot(struct tt_constraint *c, int day, int period)
{
    if (!c->slots)
        c->slots = xcalloc(TT_MAX_DAYS, sizeof(uint64_t));
    if (day >= 0 && day < TT_MAX_DAYS && period >= 0 && period < TT_MAX_PERIODS)
        c->slots[day] |= (uint64_t)1 << period;
}

void tt_note_unsupported(struct tt_instance *inst, const char *name)
{
    for (int i = 0; i < inst->nunsupported; i++) {
        if (strcmp(inst->unsupported[i].name, name) == 0) {
            inst->unsupported[i].count++;
            return;
        }
    }
    inst->unsupported = xrealloc(inst->unsupported,
                                 (size_t)(inst->nunsupported + 1) * sizeof(*inst->unsupported));
    inst->unsupported[inst->nunsupported].name = xstrdup(name);
    inst->unsupported[inst->nunsupported].count = 1;
    inst->nunsupported++;
}

static char *fmt_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *fmt_error(const char *fmt, ...)
{
    struct strbuf sb;
    strbuf_init(&sb);
    va_list ap;
    va_start(ap, fmt);
    char buf[512];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    strbuf_adds(&sb, buf);
    return strbuf_steal(&sb);
}

int tt_instance_validate(const struct tt_instance *inst, char **error_r)
{
    if (inst->ndays < 1 || inst->ndays > TT_MAX_DAYS) {
        *error_r = fmt_error("El horario debe tener entre 1 y %d días.", TT_MAX_DAYS);
        return -1;
    }
    if (inst->nperiods < 1 || inst->nperiods > TT_MAX_PERIODS) {
        *error_r = fmt_error("El día debe tener entre 1 y %d períodos de clase.", TT_MAX_PERIODS);
        return -1;
    }
    for (int i = 0; i < inst->nblocks; i++) {
        const struct tt_block *b = &inst->blocks[i];
        if (b->length < 1 || b->length > inst->nperiods) {
            *error_r = fmt_error("Un bloque de %d períodos no cabe en un día de %d períodos.",
                                 b->length, inst->nperiods);
            return -1;
        }
        if (b->pin_day >= inst->ndays || b->pin_period >= inst->nperiods ||
            b->pin_room >= inst->nresources ||
            (b->pin_room >= 0 && inst->resources[b->pin_room].kind != TT_ROOM)) {
            *error_r = fmt_error("Un bloque está fijado a un día, período o aula que no existe.");
            return -1;
        }
    }
    for (int i = 0; i < inst->nlessons; i++) {
        const struct tt_lesson *l = &inst->lessons[i];
        for (int j = 0; j < l->nteachers; j++)
            if (l->teachers[j] < 0 || l->teachers[j] >= inst->nresources ||
                inst->resources[l->teachers[j]].kind != TT_TEACHER)
                goto bad_ref;
        for (int j = 0; j < l->nclasses; j++)
            if (l->classes[j] < 0 || l->classes[j] >= inst->nresources ||
                inst->resources[l->classes[j]].kind != TT_CLASS)
                goto bad_ref;
        for (int j = 0; j < l->nrooms; j++)
            if (l->rooms[j] < 0 || l->rooms[j] >= inst->nresources ||
                inst->resources[l->rooms[j]].kind != TT_ROOM)
                goto bad_ref;
        if (l->subject >= inst->nsubjects)
            goto bad_ref;
    }
    for (int i = 0; i < inst->nconstraints; i++) {
        const struct tt_constraint *c = &inst->constraints[i];
        if (c->resource >= inst->nresources || c->subject >= inst->nsubjects)
            goto bad_ref;
        for (int j = 0; j < c->nitems; j++)
            if (c->items[j] < 0 || c->items[j] >= inst->nblocks)
                goto bad_ref;
        for (int j = 0; j < c->nrooms; j++)
            if (c->rooms[j] < 0 || c->rooms[j] >= inst->nresources ||
                inst->resources[c->rooms[j]].kind != TT_ROOM)
                goto bad_ref;
        bool needs_resource = c->type == TT_UNAVAILABLE || c->type >= TT_MAX_GAPS_DAY;
        /* --- #17 rooms --- */
        if (c->type == TT_SAME_ROOM_IF_CONSECUTIVE || c->type == TT_MAX_DIFFERENT_ROOMS)
            needs_resource = false;
        /* --- #17 tags: rules over listed activities name no resource --- */
        if (c->type == TT_OCCUPY_MAX_SLOTS || c->type == TT_MAX_SIMULTANEOUS)
            needs_resource = false;
        if (tt_pairs_type(c->type)) /* #17 pairs: over blocks, no resource */
            needs_resource = false;
        if (needs_resource && c->resource < 0)
            goto bad_ref;
    }
    if (tt_rooms_validate(inst, error_r) < 0) /* #17 rooms */
        return -1;
    return 0;
bad_ref:
    *error_r = fmt_error("El horario hace referencia a un recurso, materia o bloque que no existe.");
    return -1;
}

struct tt_solution *tt_solution_new(const struct tt_instance *inst)
{
    struct tt_solution *s = xcalloc(1, sizeof(*s));
    s->nblocks = inst->nblocks;
    s->start = xmalloc((size_t)(s->nblocks ? s->nblocks : 1) * sizeof(int));
    s->room = xmalloc((size_t)(s->nblocks ? s->nblocks : 1) * sizeof(int));
    for (int i = 0; i < s->nblocks; i++)
        s->start[i] = s->room[i] = -1;
    /* --- #17 virtual rooms --- */
    s->nreal = tt_max_sets(inst);
    if (s->nreal > 0) {
        size_t n = (size_t)s->nblocks * (size_t)s->nreal;
        s->real = xmalloc((n ? n : 1) * sizeof(int));
        for (size_t i = 0; i < n; i++)
            s->real[i] = -1;
    }
    return s;
}

void tt_solution_free(struct tt_solution **solp)
{
    if (!*solp)
        return;
    free((*solp)->start);
    free((*solp)->room);
    free((*solp)->real);
    free(*solp);
    *solp = NULL;
}

void tt_solution_copy(struct tt_solution *dst, const struct tt_solution *src)
{
    memcpy(dst->start, src->start, (size_t)src->nblocks * sizeof(int));
    memcpy(dst->room, src->room, (size_t)src->nblocks * sizeof(int));
    if (src->real && dst->real && dst->nreal == src->nreal) /* #17 virtual rooms */
        memcpy(dst->real, src->real, (size_t)src->nblocks * (size_t)src->nreal * sizeof(int));
}
