/*
 * The school's week as an engine instance (tt_build.h says how the school
 * maps onto the engine). It reads the set-up in a few queries into small
 * arrays (sections, staff, rooms, subjects, bell schedules), lays the bell
 * schedules on one grid by time of day, makes one engine lesson per
 * teaching assignment (fresh) or per group of a timetable's rows, then the
 * rules and the approved preferences. school_tt_save() writes a solution
 * back as timetable_lessons rows; school_tt_precheck() lists, in Spanish,
 * set-up that cannot give a timetable before any search starts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "school/tt_build.h"

struct sec {
    int64_t id, schedule_id, room_id, grade_id;
    char *name;
    int res;   /* class resource, -1 until used */
    int sched; /* index in b->schedules, -1 none */
};
struct person {
    int64_t id;
    char *name;
    int max_weekly;
    int res;
    int load;
};
struct room {
    int64_t id;
    char *name;
    char kind[16];
    int capacity;
    int res;
};
struct subj {
    int64_t id;
    char *name;
    char *room_kind; /* NULL: any room */
    int idx;         /* engine subject, -1 until used */
};
/* An assignment (fresh) or a timetable row: what becomes blocks. */
struct unit {
    int64_t lesson_id, assignment_id, section_id, subject_id, staff_id, room_id;
    int day, period, length; /* row: its place and length */
    bool locked;
    int parts[40]; /* fresh: the split */
    int nparts;
    int sec, subj, person; /* indexes in the arrays, person -1 none */
    int lesson;            /* engine lesson */
};

struct ctx {
    struct store *s;
    struct school_tt *b;
    struct sec *secs;
    int nsecs;
    struct person *staff;
    int nstaff;
    struct room *rooms;
    int nrooms;
    struct subj *subjs;
    int nsubjs;
    struct unit *units;
    int nunits, capunits;
    struct strbuf problems; /* fatal, Spanish */
    struct strbuf notes;
};

static int find_sec(const struct ctx *c, int64_t id)
{
    for (int i = 0; i < c->nsecs; i++)
        if (c->secs[i].id == id)
            return i;
    return -1;
}
static int find_person(const struct ctx *c, int64_t id)
{
    for (int i = 0; i < c->nstaff; i++)
        if (c->staff[i].id == id)
            return i;
    return -1;
}
static int find_room(const struct ctx *c, int64_t id)
{
    for (int i = 0; i < c->nrooms; i++)
        if (c->rooms[i].id == id)
            return i;
    return -1;
}
static int find_subj(const struct ctx *c, int64_t id)
{
    for (int i = 0; i < c->nsubjs; i++)
        if (c->subjs[i].id == id)
            return i;
    return -1;
}

static int hhmm(const char *t)
{
    if (strlen(t) < 5 || t[2] != ':')
        return -1;
    return ((t[0] - '0') * 10 + (t[1] - '0')) * 60 + (t[3] - '0') * 10 +
           (t[4] - '0');
}

/* "2+2+2" into parts; the number of parts, -1 when malformed. */
static int parse_split(const char *s, int *parts, int max)
{
    int n = 0;
    const char *p = s;
    while (*p) {
        while (*p == ' ')
            p++;
        if (*p < '1' || *p > '9')
            return -1;
        int v = 0;
        while (*p >= '0' && *p <= '9') {
            v = v * 10 + (*p - '0');
            if (v > 12)
                return -1;
            p++;
        }
        while (*p == ' ')
            p++;
        if (n == max)
            return -1;
        parts[n++] = v;
        if (*p == '+')
            p++;
        else if (*p)
            return -1;
    }
    return n;
}

/* --- Loading ---------------------------------------------------------- */

#define CURRENT_SECTIONS                                                   \
    "(sec.year_id IN (SELECT id FROM school_years WHERE is_current = 1)" \
    " OR NOT EXISTS (SELECT 1 FROM school_years WHERE is_current = 1))"

static int load_base(struct ctx *c, const char **error_r)
{
    struct db_conn *conn = c->s->conn;
    struct db_stmt *st = db_query(
        conn, error_r,
        "SELECT sec.id, COALESCE(sec.bell_schedule_id, 0), COALESCE(sec.room_id, 0),"
        " sec.grade_id, g.name, sec.letter FROM sections sec"
        " JOIN grades g ON g.id = sec.grade_id ORDER BY g.level, g.number, sec.letter",
        "");
    if (!st)
        return -1;
    int rc;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        c->secs = xrealloc(c->secs, (size_t)(c->nsecs + 1) * sizeof(*c->secs));
        struct sec *x = &c->secs[c->nsecs++];
        x->id = db_int(st, 0);
        x->schedule_id = db_int(st, 1);
        x->room_id = db_int(st, 2);
        x->grade_id = db_int(st, 3);
        x->name = str_fmt("%s %s", db_text(st, 4), db_text(st, 5));
        x->res = -1;
        x->sched = -1;
    }
    db_finish(&st);
    if (rc < 0)
        return -1;
    st = db_query(conn, error_r,
                  "SELECT id, first_names, last_names, max_weekly_periods FROM staff", "");
    if (!st)
        return -1;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        c->staff = xrealloc(c->staff, (size_t)(c->nstaff + 1) * sizeof(*c->staff));
        struct person *x = &c->staff[c->nstaff++];
        x->id = db_int(st, 0);
        const char *last = db_text(st, 2);
        x->name = *last ? str_fmt("%s %s", db_text(st, 1), last) : xstrdup(db_text(st, 1));
        x->max_weekly = (int)db_int(st, 3);
        x->res = -1;
        x->load = 0;
    }
    db_finish(&st);
    if (rc < 0)
        return -1;
    st = db_query(conn, error_r, "SELECT id, name, kind, capacity FROM rooms ORDER BY name", "");
    if (!st)
        return -1;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        c->rooms = xrealloc(c->rooms, (size_t)(c->nrooms + 1) * sizeof(*c->rooms));
        struct room *x = &c->rooms[c->nrooms++];
        x->id = db_int(st, 0);
        x->name = xstrdup(db_text(st, 1));
        str_copy(x->kind, sizeof(x->kind), db_text(st, 2));
        x->capacity = (int)db_int(st, 3);
        x->res = -1;
    }
    db_finish(&st);
    if (rc < 0)
        return -1;
    st = db_query(conn, error_r, "SELECT id, name, room_kind FROM subjects", "");
    if (!st)
        return -1;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        c->subjs = xrealloc(c->subjs, (size_t)(c->nsubjs + 1) * sizeof(*c->subjs));
        struct subj *x = &c->subjs[c->nsubjs++];
        x->id = db_int(st, 0);
        x->name = xstrdup(db_text(st, 1));
        const char *k = db_text_or_null(st, 2);
        x->room_kind = k && *k ? xstrdup(k) : NULL;
        x->idx = -1;
    }
    db_finish(&st);
    return rc < 0 ? -1 : 0;
}

static struct unit *new_unit(struct ctx *c)
{
    if (c->nunits == c->capunits) {
        c->capunits = c->capunits ? c->capunits * 2 : 64;
        c->units = xrealloc(c->units, (size_t)c->capunits * sizeof(*c->units));
    }
    struct unit *u = &c->units[c->nunits++];
    memset(u, 0, sizeof(*u));
    u->person = -1;
    return u;
}

/* Fresh: every assignment of the current year's sections with its split. */
static int load_assignments(struct ctx *c, const char **error_r)
{
    struct db_stmt *st = db_query(
        c->s->conn, error_r,
        "SELECT a.id, a.section_id, a.subject_id, COALESCE(a.staff_id, 0),"
        " a.periods_per_week, a.blocks, p.periods_per_week, p.blocks"
        " FROM teaching_assignments a JOIN sections sec ON sec.id = a.section_id"
        " LEFT JOIN study_plan p ON p.grade_id = sec.grade_id AND p.subject_id = a.subject_id"
        " WHERE " CURRENT_SECTIONS " ORDER BY a.id",
        "");
    if (!st)
        return -1;
    int rc;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        struct unit *u = new_unit(c);
        u->assignment_id = db_int(st, 0);
        u->section_id = db_int(st, 1);
        u->subject_id = db_int(st, 2);
        u->staff_id = db_int(st, 3);
        u->sec = find_sec(c, u->section_id);
        u->subj = find_subj(c, u->subject_id);
        u->person = u->staff_id ? find_person(c, u->staff_id) : -1;
        const char *sname = u->subj >= 0 ? c->subjs[u->subj].name : "?";
        const char *cname = u->sec >= 0 ? c->secs[u->sec].name : "?";
        int periods = 0;
        const char *split = NULL;
        if (!db_null(st, 4)) {
            periods = (int)db_int(st, 4);
            split = db_text_or_null(st, 5);
            if ((!split || !*split) && !db_null(st, 6) && db_int(st, 6) == periods)
                split = db_text_or_null(st, 7);
        } else if (!db_null(st, 6)) {
            periods = (int)db_int(st, 6);
            split = db_text_or_null(st, 5);
            if (!split || !*split)
                split = db_text_or_null(st, 7);
        } else {
            strbuf_addf(&c->problems,
                        "%s en %s no tiene horas semanales: indíquelas en el plan de "
                        "estudio del año o en la asignación.\n",
                        sname, cname);
            c->nunits--;
            continue;
        }
        if (split && *split) {
            u->nparts = parse_split(split, u->parts, 40);
            int sum = 0;
            for (int k = 0; k < u->nparts; k++)
                sum += u->parts[k];
            if (u->nparts <= 0 || sum != periods) {
                strbuf_addf(&c->problems,
                            "%s en %s: los bloques «%s» no suman %d horas.\n", sname,
                            cname, split, periods);
                c->nunits--;
                continue;
            }
        } else { /* doubles, and a single for an odd count */
            u->nparts = 0;
            for (int left = periods; left > 0 && u->nparts < 40; left -= 2)
                u->parts[u->nparts++] = left >= 2 ? 2 : 1;
        }
    }
    db_finish(&st);
    return rc < 0 ? -1 : 0;
}

/* From a timetable: its rows. 0 when the timetable does not exist. */
static int load_rows(struct ctx *c, int64_t timetable_id, const char **error_r)
{
    int64_t found = 0;
    if (db_query_int(c->s->conn, error_r, &found,
                     "SELECT COUNT(*) FROM timetables WHERE id = ?", "i",
                     timetable_id) < 0)
        return -1;
    if (!found)
        return 0;
    struct db_stmt *st = db_query(
        c->s->conn, error_r,
        "SELECT id, section_id, subject_id, COALESCE(staff_id, 0), COALESCE(room_id, 0),"
        " COALESCE(assignment_id, 0), COALESCE(day, 0), COALESCE(period, 0), length,"
        " locked FROM timetable_lessons WHERE timetable_id = ?"
        " ORDER BY section_id, subject_id, staff_id, id",
        "i", timetable_id);
    if (!st)
        return -1;
    int rc;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        struct unit *u = new_unit(c);
        u->lesson_id = db_int(st, 0);
        u->section_id = db_int(st, 1);
        u->subject_id = db_int(st, 2);
        u->staff_id = db_int(st, 3);
        u->room_id = db_int(st, 4);
        u->assignment_id = db_int(st, 5);
        u->day = (int)db_int(st, 6);
        u->period = (int)db_int(st, 7);
        u->length = (int)db_int(st, 8);
        u->locked = db_int(st, 9) != 0;
        u->sec = find_sec(c, u->section_id);
        u->subj = find_subj(c, u->subject_id);
        u->person = u->staff_id ? find_person(c, u->staff_id) : -1;
        u->parts[0] = u->length;
        u->nparts = 1;
    }
    db_finish(&st);
    return rc < 0 ? -1 : 1;
}

/* --- The grid ------------------------------------------------------- */

struct iv {
    int start, end, sched, number;
};
static int iv_cmp(const void *a, const void *b)
{
    const struct iv *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* Loads the schedules the used sections follow and lays them on a grid. */
static int build_grid(struct ctx *c, const char **error_r)
{
    struct school_tt *b = c->b;
    struct tt_instance *inst = b->inst;
    for (int i = 0; i < c->nsecs; i++) {
        struct sec *x = &c->secs[i];
        if (x->res < 0 || !x->schedule_id)
            continue;
        int k = 0;
        while (k < b->nschedules && b->schedules[k].id != x->schedule_id)
            k++;
        if (k == b->nschedules) {
            b->schedules = xrealloc(b->schedules, (size_t)(k + 1) * sizeof(*b->schedules));
            memset(&b->schedules[k], 0, sizeof(b->schedules[k]));
            b->schedules[k].id = x->schedule_id;
            b->nschedules++;
        }
        x->sched = k;
    }
    struct iv *ivs = NULL;
    int niv = 0;
    for (int k = 0; k < b->nschedules; k++) {
        struct school_tt_schedule *sc = &b->schedules[k];
        int64_t days = 31;
        if (db_query_int(c->s->conn, error_r, &days,
                         "SELECT days FROM bell_schedules WHERE id = ?", "i", sc->id) < 0) {
            free(ivs);
            return -1;
        }
        sc->days = (int)days;
        struct db_stmt *st = db_query(c->s->conn, error_r,
                                      "SELECT starts_at, ends_at FROM bell_periods"
                                      " WHERE schedule_id = ? AND kind = 'class'"
                                      " ORDER BY position",
                                      "i", sc->id);
        if (!st) {
            free(ivs);
            return -1;
        }
        int rc;
        while ((rc = db_step(st, error_r)) == DB_ROW && sc->nclass < TT_MAX_PERIODS) {
            ivs = xrealloc(ivs, (size_t)(niv + 1) * sizeof(*ivs));
            ivs[niv].start = hhmm(db_text(st, 0));
            ivs[niv].end = hhmm(db_text(st, 1));
            ivs[niv].sched = k;
            ivs[niv].number = ++sc->nclass;
            niv++;
        }
        db_finish(&st);
        if (rc < 0) {
            free(ivs);
            return -1;
        }
    }
    qsort(ivs, (size_t)niv, sizeof(*ivs), iv_cmp);
    /* clusters of overlapping class periods are the grid's periods */
    int ng = 0, cs = 0, ce = -1;
    int starts[TT_MAX_PERIODS], ends[TT_MAX_PERIODS];
    for (int i = 0; i < niv; i++) {
        if (ng == 0 || ivs[i].start >= ce) {
            if (ng == TT_MAX_PERIODS) {
                strbuf_adds(&c->problems, "Los horarios de timbre tienen demasiados períodos "
                                          "distintos en el día (máximo 64).\n");
                break;
            }
            cs = ivs[i].start;
            ce = ivs[i].end;
            starts[ng] = cs;
            ends[ng] = ce;
            ng++;
        } else if (ivs[i].end > ce) {
            ce = ends[ng - 1] = ivs[i].end;
        }
        b->schedules[ivs[i].sched].grid[ivs[i].number - 1] = ng - 1;
    }
    free(ivs);
    for (int k = 0; k < b->nschedules; k++) {
        struct school_tt_schedule *sc = &b->schedules[k];
        for (int p = 1; p < sc->nclass; p++)
            if (sc->grid[p] <= sc->grid[p - 1]) {
                char *name = NULL;
                struct db_stmt *st = db_query(c->s->conn, error_r,
                                              "SELECT name FROM bell_schedules WHERE id = ?",
                                              "i", sc->id);
                if (st && db_step(st, error_r) == DB_ROW)
                    name = xstrdup(db_text(st, 0));
                db_finish(&st);
                strbuf_addf(&c->problems,
                            "El horario de timbre «%s» se solapa con otro de modo que sus "
                            "períodos %d y %d caen a la misma hora: ajuste sus horas.\n",
                            name ? name : "?", p, p + 1);
                free(name);
                break;
            }
    }
    int ndays = 0;
    int alldays = 0;
    for (int k = 0; k < b->nschedules; k++)
        alldays |= b->schedules[k].days;
    for (int d = 0; d < 7; d++)
        if (alldays & (1 << d))
            ndays = d + 1;
    if (ndays == 0)
        ndays = 5;
    tt_set_days(inst, ndays, NULL);
    for (int g = 0; g < ng; g++) {
        char name[16];
        snprintf(name, sizeof(name), "%d", g + 1);
        tt_add_period(inst, name, starts[g], ends[g]);
        if (g + 1 < ng && ends[g] < starts[g + 1])
            inst->break_after |= (uint64_t)1 << g;
    }
    for (int d = 0; d < ndays; d++)
        if (!(alldays & (1 << d)))
            inst->closed[d] = ng >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << ng) - 1);
    return 0;
}

/* --- Building --------------------------------------------------------- */

static int person_res(struct ctx *c, int i)
{
    struct person *x = &c->staff[i];
    if (x->res < 0) {
        x->res = tt_add_resource(c->b->inst, TT_TEACHER, x->name);
        c->b->resource_ids = xrealloc(c->b->resource_ids,
                                      (size_t)c->b->inst->nresources * sizeof(int64_t));
        c->b->resource_ids[x->res] = x->id;
    }
    return x->res;
}
static int room_res(struct ctx *c, int i)
{
    struct room *x = &c->rooms[i];
    if (x->res < 0) {
        x->res = tt_add_resource(c->b->inst, TT_ROOM, x->name);
        struct tt_resource *r = &c->b->inst->resources[x->res];
        r->capacity = x->capacity;
        r->room_type = strcmp(x->kind, "aula") ? xstrdup(x->kind) : NULL;
        c->b->resource_ids = xrealloc(c->b->resource_ids,
                                      (size_t)c->b->inst->nresources * sizeof(int64_t));
        c->b->resource_ids[x->res] = x->id;
    }
    return x->res;
}

static const char *kind_label(const char *k)
{
    if (!strcmp(k, "laboratorio"))
        return "un laboratorio";
    if (!strcmp(k, "cancha"))
        return "una cancha";
    if (!strcmp(k, "computacion"))
        return "una sala de computación";
    if (!strcmp(k, "biblioteca"))
        return "una biblioteca";
    return "un aula";
}

/* "Cualquier docente calificado": the least loaded qualified teacher. */
static int choose_teachers(struct ctx *c, const char **error_r)
{
    for (int i = 0; i < c->nunits; i++)
        if (c->units[i].person >= 0)
            for (int k = 0; k < c->units[i].nparts; k++)
                c->staff[c->units[i].person].load += c->units[i].parts[k];
    for (int i = 0; i < c->nunits; i++) {
        struct unit *u = &c->units[i];
        if (u->person >= 0 || u->lesson_id)
            continue;
        int periods = 0;
        for (int k = 0; k < u->nparts; k++)
            periods += u->parts[k];
        struct db_stmt *st = db_query(c->s->conn, error_r,
                                      "SELECT ss.staff_id FROM staff_subjects ss"
                                      " JOIN staff t ON t.id = ss.staff_id"
                                      " WHERE ss.subject_id = ? AND t.active = 1"
                                      " ORDER BY ss.staff_id",
                                      "i", u->subject_id);
        if (!st)
            return -1;
        int best = -1, rc;
        bool best_fits = false;
        while ((rc = db_step(st, error_r)) == DB_ROW) {
            int p = find_person(c, db_int(st, 0));
            if (p < 0)
                continue;
            bool fits = !c->staff[p].max_weekly ||
                        c->staff[p].load + periods <= c->staff[p].max_weekly;
            if (best < 0 || (fits && !best_fits) ||
                (fits == best_fits && c->staff[p].load < c->staff[best].load)) {
                best = p;
                best_fits = fits;
            }
        }
        db_finish(&st);
        if (rc < 0)
            return -1;
        if (best < 0) {
            strbuf_addf(&c->problems,
                        "Ningún docente está calificado para %s (%s): indique el docente "
                        "de la asignación o las materias que dicta algún docente.\n",
                        u->subj >= 0 ? c->subjs[u->subj].name : "?",
                        u->sec >= 0 ? c->secs[u->sec].name : "?");
            continue;
        }
        u->person = best;
        u->staff_id = c->staff[best].id;
        c->staff[best].load += periods;
    }
    return 0;
}

static int sched_of_block(const struct school_tt *b, int block)
{
    int64_t id = b->blocks[block].schedule_id;
    for (int k = 0; k < b->nschedules; k++)
        if (b->schedules[k].id == id)
            return k;
    return -1;
}

/* The soft and hard rules every school gets, and the section's own
 * periods and days as the only ones its class may use. */
static void add_rules(struct ctx *c)
{
    struct tt_instance *inst = c->b->inst;
    for (int l = 0; l < inst->nlessons; l++) {
        if (inst->lessons[l].nblocks < 2)
            continue;
        /* blocks of one assignment on different days: hard while the
         * section has days enough, else a soft wish */
        int days = 0, sk = sched_of_block(c->b, inst->lessons[l].blocks[0]);
        for (int d = 0; d < inst->ndays; d++)
            days += sk >= 0 && (c->b->schedules[sk].days & (1 << d)) ? 1 : 0;
        bool hard = inst->lessons[l].nblocks <= days;
        struct tt_constraint *con = tt_add_constraint(inst, TT_MIN_DAYS, hard, hard ? 1 : 50,
                                                      false, "subject_spread");
        con->n = 1;
        for (int k = 0; k < inst->lessons[l].nblocks; k++)
            tt_constraint_add_item(con, inst->lessons[l].blocks[k]);
    }
    for (int r = 0; r < inst->nresources; r++) {
        enum tt_kind kind = inst->resources[r].kind;
        if (kind == TT_ROOM)
            continue;
        struct tt_constraint *con = tt_add_constraint(
            inst, TT_MAX_GAPS_WEEK, false, kind == TT_TEACHER ? 10 : 100, false,
            kind == TT_TEACHER ? "teacher_gaps" : "class_gaps");
        con->resource = r;
        con->n = 0;
    }
    for (int i = 0; i < c->nsecs; i++) {
        struct sec *x = &c->secs[i];
        if (x->res < 0 || x->sched < 0)
            continue;
        const struct school_tt_schedule *sc = &c->b->schedules[x->sched];
        bool used[TT_MAX_PERIODS] = {false};
        for (int p = 0; p < sc->nclass; p++)
            used[sc->grid[p]] = true;
        int n = 0;
        for (int d = 0; d < inst->ndays; d++)
            for (int g = 0; g < inst->nperiods; g++)
                n += !(sc->days & (1 << d)) || !used[g];
        if (n == 0)
            continue;
        struct tt_constraint *con =
            tt_add_constraint(inst, TT_UNAVAILABLE, true, 1, true, "bell_schedule");
        con->resource = x->res;
        for (int d = 0; d < inst->ndays; d++)
            for (int g = 0; g < inst->nperiods; g++)
                if (!(sc->days & (1 << d)) || !used[g])
                    tt_constraint_set_slot(con, d, g);
    }
}

/* Approved preferences of the teachers in the instance. */
static int add_preferences(struct ctx *c, const char **error_r)
{
    struct school_tt *b = c->b;
    struct tt_instance *inst = b->inst;
    struct db_stmt *st = db_query(
        c->s->conn, error_r,
        "SELECT staff_id, kind, COALESCE(day, 0), COALESCE(period, 0),"
        " COALESCE(subject_id, 0), COALESCE(room_id, 0), level FROM teacher_preferences"
        " WHERE status = 'approved' ORDER BY id",
        "");
    if (!st)
        return -1;
    static const struct {
        const char *name;
        int level;
    } levels[] = {{"avoid", TT_AVOID}, {"dislike", TT_DISLIKE}, {"neutral", TT_INDIFFERENT},
                  {"like", TT_LIKE},   {"prefer", TT_PREFER}};
    int rc;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        int p = find_person(c, db_int(st, 0));
        if (p < 0 || c->staff[p].res < 0)
            continue;
        int res = c->staff[p].res;
        const char *kind = db_text(st, 1);
        int day = (int)db_int(st, 2), period = (int)db_int(st, 3);
        int level = TT_INDIFFERENT;
        for (size_t k = 0; k < sizeof(levels) / sizeof(levels[0]); k++)
            if (!strcmp(levels[k].name, db_text(st, 6)))
                level = levels[k].level;
        if (level == TT_INDIFFERENT)
            continue;
        int pk = !strcmp(kind, "time")  ? TT_PREF_TIME
                 : !strcmp(kind, "day") ? TT_PREF_DAY
                 : !strcmp(kind, "subject") ? TT_PREF_SUBJECT
                                            : TT_PREF_ROOM;
        int g = -1;
        if (pk == TT_PREF_TIME) {
            /* the period on the schedule most of the teacher's periods use */
            int votes[64] = {0}, best = -1;
            for (int k = 0; k < inst->nblocks; k++) {
                int sk = sched_of_block(b, k);
                bool theirs = false;
                const struct tt_lesson *les = &inst->lessons[inst->blocks[k].lesson];
                for (int t = 0; t < les->nteachers; t++)
                    theirs |= les->teachers[t] == res;
                if (theirs && sk >= 0 && sk < 64) {
                    votes[sk] += inst->blocks[k].length;
                    if (best < 0 || votes[sk] > votes[best])
                        best = sk;
                }
            }
            if (best < 0 || period < 1 || period > b->schedules[best].nclass)
                continue;
            g = b->schedules[best].grid[period - 1];
        }
        if ((pk == TT_PREF_TIME || pk == TT_PREF_DAY) && (day < 1 || day > inst->ndays))
            continue;
        int subject = -1, room = -1;
        if (pk == TT_PREF_SUBJECT) {
            int si = find_subj(c, db_int(st, 4));
            if (si < 0 || c->subjs[si].idx < 0)
                continue;
            subject = c->subjs[si].idx;
        } else if (pk == TT_PREF_ROOM) {
            int ri = find_room(c, db_int(st, 5));
            if (ri < 0 || c->rooms[ri].res < 0)
                continue;
            room = c->rooms[ri].res;
        }
        bool timed = pk == TT_PREF_TIME || pk == TT_PREF_DAY;
        struct tt_constraint *con;
        if (timed && level == TT_AVOID) {
            con = tt_add_constraint(inst, TT_UNAVAILABLE, true, 1, true, "teacher_preferences");
        } else {
            con = tt_add_constraint(inst, TT_PREFERENCE, false, 10, timed, "teacher_preferences");
            con->pref_kind = pk;
            con->level = level;
            con->subject = subject;
            if (room >= 0)
                tt_constraint_add_room(con, room);
        }
        con->resource = res;
        if (timed)
            for (int gg = 0; gg < inst->nperiods; gg++)
                if (g < 0 || gg == g)
                    tt_constraint_set_slot(con, day - 1, gg);
    }
    db_finish(&st);
    return rc < 0 ? -1 : 0;
}

/* Engine lessons and blocks from the units. */
static void build_lessons(struct ctx *c)
{
    struct school_tt *b = c->b;
    struct tt_instance *inst = b->inst;
    int capb = 0;
    for (int i = 0; i < c->nunits; i++) {
        struct unit *u = &c->units[i];
        if (u->sec < 0 || u->subj < 0)
            continue;
        struct sec *x = &c->secs[u->sec];
        struct subj *sj = &c->subjs[u->subj];
        /* rows of one (section, subject, teacher, assignment) are one lesson */
        int les = -1;
        if (u->lesson_id && i > 0) {
            const struct unit *v = &c->units[i - 1];
            if (v->lesson_id && v->section_id == u->section_id &&
                v->subject_id == u->subject_id && v->staff_id == u->staff_id &&
                v->assignment_id == u->assignment_id && v->sec >= 0 && v->subj >= 0)
                les = v->lesson;
        }
        if (les < 0) {
            if (sj->idx < 0)
                sj->idx = tt_add_subject(inst, sj->name);
            les = tt_add_lesson(inst, sj->idx);
            if (x->res < 0) {
                x->res = tt_add_resource(inst, TT_CLASS, x->name);
                b->resource_ids = xrealloc(b->resource_ids,
                                           (size_t)inst->nresources * sizeof(int64_t));
                b->resource_ids[x->res] = x->id;
            }
            tt_lesson_add_class(inst, les, x->res);
            if (u->person >= 0)
                tt_lesson_add_teacher(inst, les, person_res(c, u->person));
            struct tt_lesson *l = &inst->lessons[les];
            if (sj->room_kind && strcmp(sj->room_kind, "aula") != 0) {
                l->needs_room = true;
                l->room_type = xstrdup(sj->room_kind);
                for (int r = 0; r < c->nrooms; r++)
                    if (!strcmp(c->rooms[r].kind, sj->room_kind))
                        room_res(c, r);
            } else if (x->room_id && find_room(c, x->room_id) >= 0) {
                int rr = room_res(c, find_room(c, x->room_id));
                l = &inst->lessons[les];
                l->needs_room = true;
                tt_lesson_add_room(inst, les, rr);
            }
        }
        u->lesson = les;
        for (int k = 0; k < u->nparts; k++) {
            int blk = tt_lesson_add_block(inst, les, u->parts[k], 0);
            if (blk >= capb) {
                capb = capb ? capb * 2 : 256;
                while (capb <= blk)
                    capb *= 2;
                b->blocks = xrealloc(b->blocks, (size_t)capb * sizeof(*b->blocks));
            }
            struct school_tt_block *sb = &b->blocks[blk];
            sb->lesson_id = u->lesson_id;
            sb->assignment_id = u->assignment_id;
            sb->section_id = u->section_id;
            sb->subject_id = u->subject_id;
            sb->staff_id = u->staff_id;
            sb->room_id = u->room_id;
            sb->schedule_id = x->schedule_id;
            sb->length = u->parts[k];
            sb->locked = u->locked;
        }
    }
}

/* Rows' places as the starting solution; locked rows pinned. */
static void place_rows(struct ctx *c)
{
    struct school_tt *b = c->b;
    struct tt_instance *inst = b->inst;
    b->start = tt_solution_new(inst);
    for (int k = 0; k < inst->nblocks; k++) {
        const struct school_tt_block *sb = &b->blocks[k];
        b->start->start[k] = -1;
        b->start->room[k] = -1;
        if (!sb->lesson_id)
            continue;
        const struct unit *u = NULL;
        for (int i = 0; i < c->nunits && !u; i++)
            if (c->units[i].lesson_id == sb->lesson_id)
                u = &c->units[i];
        if (!u || !u->day)
            continue;
        int slot = school_tt_slot(b, sb->schedule_id, u->day, u->period);
        if (slot < 0)
            continue;
        b->start->start[k] = slot;
        const struct tt_lesson *les = &inst->lessons[inst->blocks[k].lesson];
        int rr = u->room_id ? find_room(c, u->room_id) : -1;
        if (les->needs_room && rr >= 0)
            b->start->room[k] = room_res(c, rr);
        if (sb->locked) {
            inst->blocks[k].pin_day = slot / inst->nperiods;
            inst->blocks[k].pin_period = slot % inst->nperiods;
            if (b->start->room[k] >= 0)
                inst->blocks[k].pin_room = b->start->room[k];
        }
    }
}

static void ctx_cleanup(struct ctx *c)
{
    for (int i = 0; i < c->nsecs; i++)
        free(c->secs[i].name);
    for (int i = 0; i < c->nstaff; i++)
        free(c->staff[i].name);
    for (int i = 0; i < c->nrooms; i++)
        free(c->rooms[i].name);
    for (int i = 0; i < c->nsubjs; i++) {
        free(c->subjs[i].name);
        free(c->subjs[i].room_kind);
    }
    free(c->secs);
    free(c->staff);
    free(c->rooms);
    free(c->subjs);
    free(c->units);
    strbuf_cleanup(&c->problems);
    strbuf_cleanup(&c->notes);
}

int school_tt_build(struct store *s, int64_t timetable_id, struct school_tt **out_r,
                    char **error_r)
{
    *out_r = NULL;
    *error_r = NULL;
    struct ctx c = {0};
    c.s = s;
    strbuf_init(&c.problems);
    strbuf_init(&c.notes);
    struct school_tt *b = xcalloc(1, sizeof(*b));
    c.b = b;
    b->inst = tt_instance_new("plantel");
    const char *err = NULL;
    int rc = load_base(&c, &err);
    if (rc == 0) {
        if (timetable_id) {
            rc = load_rows(&c, timetable_id, &err);
            if (rc == 0) {
                ctx_cleanup(&c);
                school_tt_free(&b);
                return 0;
            }
            rc = rc < 0 ? -1 : 0;
        } else {
            rc = load_assignments(&c, &err);
        }
    }
    if (rc == 0)
        rc = choose_teachers(&c, &err);
    if (rc < 0) {
        *error_r = xstrdup(err ? err : "store error");
        ctx_cleanup(&c);
        school_tt_free(&b);
        return -1;
    }
    if (c.nunits == 0)
        strbuf_adds(&c.problems,
                    timetable_id ? "El horario no tiene clases.\n"
                                 : "El plantel no tiene asignaciones docentes: indique qué "
                                   "docente dicta cada materia en cada sección.\n");
    /* sections with no bell schedule */
    for (int i = 0; i < c.nunits; i++) {
        struct unit *u = &c.units[i];
        if (u->sec >= 0 && !c.secs[u->sec].schedule_id && c.secs[u->sec].res != -2) {
            strbuf_addf(&c.problems,
                        "La sección %s no tiene horario de timbre: asígnele uno.\n",
                        c.secs[u->sec].name);
            c.secs[u->sec].res = -2; /* said once */
        }
    }
    if (c.problems.len) {
        *error_r = strbuf_steal(&c.problems);
        size_t n = strlen(*error_r);
        if (n && (*error_r)[n - 1] == '\n')
            (*error_r)[n - 1] = '\0';
        ctx_cleanup(&c);
        school_tt_free(&b);
        return -2;
    }
    build_lessons(&c);
    if (build_grid(&c, &err) < 0) {
        *error_r = xstrdup(err ? err : "store error");
        ctx_cleanup(&c);
        school_tt_free(&b);
        return -1;
    }
    if (!c.problems.len) {
        add_rules(&c);
        place_rows(&c);
        if (add_preferences(&c, &err) < 0) {
            *error_r = xstrdup(err ? err : "store error");
            ctx_cleanup(&c);
            school_tt_free(&b);
            return -1;
        }
    }
    if (c.problems.len) {
        *error_r = strbuf_steal(&c.problems);
        size_t n = strlen(*error_r);
        if (n && (*error_r)[n - 1] == '\n')
            (*error_r)[n - 1] = '\0';
        ctx_cleanup(&c);
        school_tt_free(&b);
        return -2;
    }
    /* lab subjects with no room of their kind */
    for (int l = 0; l < b->inst->nlessons; l++) {
        const struct tt_lesson *les = &b->inst->lessons[l];
        if (!les->room_type)
            continue;
        bool any = false;
        for (int r = 0; r < c.nrooms && !any; r++)
            any = !strcmp(c.rooms[r].kind, les->room_type);
        if (!any) {
            char line[300];
            snprintf(line, sizeof(line), "La materia %s necesita %s y el plantel no tiene ninguno.\n",
                     b->inst->subjects[les->subject], kind_label(les->room_type));
            if (!strstr(c.notes.data ? c.notes.data : "", line))
                strbuf_adds(&c.notes, line);
        }
    }
    for (int i = 0; i < c.nstaff; i++)
        if (c.staff[i].res >= 0 && c.staff[i].max_weekly &&
            c.staff[i].load > c.staff[i].max_weekly)
            strbuf_addf(&c.notes,
                        "%s tiene %d horas semanales asignadas y su máximo es %d.\n",
                        c.staff[i].name, c.staff[i].load, c.staff[i].max_weekly);
    b->notes = strbuf_steal(&c.notes);
    if (!b->notes)
        b->notes = xstrdup("");
    char *verr = NULL;
    if (tt_instance_validate(b->inst, &verr) != 0) {
        *error_r = verr ? verr : xstrdup("instancia inválida");
        ctx_cleanup(&c);
        school_tt_free(&b);
        return -2;
    }
    ctx_cleanup(&c);
    *out_r = b;
    return 1;
}

int school_tt_precheck(const struct school_tt *b, char **text_r)
{
    struct strbuf sb;
    strbuf_init(&sb);
    int n = 0;
    if (b->notes && *b->notes) {
        strbuf_adds(&sb, b->notes);
        for (const char *p = b->notes; *p; p++)
            n += *p == '\n';
    }
    char *diag = NULL;
    int nd = tt_diagnose(b->inst, TT_ES, &diag);
    if (nd > 0 && diag) {
        strbuf_adds(&sb, diag);
        n += nd;
    }
    free(diag);
    char *t = strbuf_steal(&sb);
    if (!t)
        t = xstrdup("");
    size_t len = strlen(t);
    while (len && t[len - 1] == '\n')
        t[--len] = '\0';
    *text_r = t;
    return n;
}

void school_tt_free(struct school_tt **bp)
{
    struct school_tt *b = *bp;
    if (!b)
        return;
    tt_solution_free(&b->start);
    tt_instance_free(&b->inst);
    free(b->blocks);
    free(b->resource_ids);
    free(b->schedules);
    free(b->notes);
    free(b);
    *bp = NULL;
}

bool school_tt_place(const struct school_tt *b, int block, int slot, int *day_r,
                     int *period_r)
{
    int np = b->inst->nperiods;
    if (slot < 0 || np <= 0 || block < 0 || block >= b->inst->nblocks)
        return false;
    int sk = sched_of_block(b, block);
    if (sk < 0)
        return false;
    int g = slot % np;
    const struct school_tt_schedule *sc = &b->schedules[sk];
    for (int p = 0; p < sc->nclass; p++)
        if (sc->grid[p] == g) {
            *day_r = slot / np + 1;
            *period_r = p + 1;
            return true;
        }
    return false;
}

int school_tt_slot(const struct school_tt *b, int64_t schedule_id, int day, int period)
{
    for (int k = 0; k < b->nschedules; k++) {
        const struct school_tt_schedule *sc = &b->schedules[k];
        if (sc->id != schedule_id)
            continue;
        if (day < 1 || day > b->inst->ndays || period < 1 || period > sc->nclass)
            return -1;
        return (day - 1) * b->inst->nperiods + sc->grid[period - 1];
    }
    return -1;
}

int64_t school_tt_room_id(const struct school_tt *b, int resource)
{
    if (resource < 0 || resource >= b->inst->nresources ||
        b->inst->resources[resource].kind != TT_ROOM)
        return 0;
    return b->resource_ids[resource];
}

int school_tt_save(struct store *s, int64_t timetable_id, const struct school_tt *b,
                   const struct tt_solution *sol, const char **error_r)
{
    int n = 0;
    for (int k = 0; k < b->inst->nblocks; k++) {
        const struct school_tt_block *sb = &b->blocks[k];
        int day = 0, period = 0;
        bool placed = school_tt_place(b, k, sol->start[k], &day, &period);
        int64_t room = school_tt_room_id(b, sol->room[k]);
        int rc;
        if (sb->lesson_id) {
            struct db_value v[5] = {
                {placed ? 'i' : 'n', NULL, day}, {placed ? 'i' : 'n', NULL, period},
                {room ? 'i' : 'n', NULL, room},  {'i', NULL, sb->lesson_id},
                {'i', NULL, timetable_id},
            };
            struct db_stmt *st = db_query_values(
                s->conn, error_r,
                "UPDATE timetable_lessons SET day = ?, period = ?, room_id = ?"
                " WHERE id = ? AND timetable_id = ?",
                5, v);
            if (!st)
                return -1;
            rc = db_step(st, error_r);
            db_finish(&st);
            if (rc == DB_DONE)
                rc = 0;
        } else {
            char types[12] = "iiiiiiiiii";
            /* timetable, section, subject, staff, room, assignment, day, period, length */
            types[3] = sb->staff_id ? 'i' : 'n';
            types[4] = room ? 'i' : 'n';
            types[5] = sb->assignment_id ? 'i' : 'n';
            types[6] = placed ? 'i' : 'n';
            types[7] = placed ? 'i' : 'n';
            types[8] = 'i';
            types[9] = '\0';
            struct db_value v[9] = {
                {'i', NULL, timetable_id},     {'i', NULL, sb->section_id},
                {'i', NULL, sb->subject_id},   {types[3], NULL, sb->staff_id},
                {types[4], NULL, room},        {types[5], NULL, sb->assignment_id},
                {types[6], NULL, day},         {types[7], NULL, period},
                {'i', NULL, sb->length},
            };
            struct db_stmt *st = db_query_values(
                s->conn, error_r,
                "INSERT INTO timetable_lessons (timetable_id, section_id, subject_id,"
                " staff_id, room_id, assignment_id, day, period, length, locked)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                9, v);
            if (!st)
                return -1;
            rc = db_step(st, error_r);
            db_finish(&st);
            if (rc == DB_DONE)
                rc = 0;
        }
        if (rc < 0)
            return -1;
        n++;
    }
    return n;
}
