/*
 * The grid's clash check (see tt_check.h): moves applied to a view of a
 * loaded timetable, each moved lesson checked against its own slot (school
 * day, day's end, breaks), its teacher's unavailability and every other
 * placed lesson. No SQL and no allocation: lessons are looked up by a
 * linear scan, which for a school's few hundred lessons is a few
 * microseconds, well under the grid's 5 ms budget for a move.
 */
#include "school/tt_check.h"

#include <stdio.h>
#include <string.h>

static const char *const day_names[] = {"",       "lunes",   "martes",
                                        "miércoles", "jueves", "viernes",
                                        "sábado", "domingo"};

const char *tt_day_name(int day)
{
    return day >= 1 && day <= 7 ? day_names[day] : "";
}

const char *tt_clash_kind_name(enum tt_clash_kind kind)
{
    switch (kind) {
    case TT_CLASH_TEACHER: return "teacher";
    case TT_CLASH_SECTION: return "section";
    case TT_CLASH_ROOM: return "room";
    case TT_CLASH_UNAVAILABLE: return "unavailable";
    case TT_CLASH_BREAK: return "break";
    case TT_CLASH_DAY_END: return "day_end";
    case TT_CLASH_NO_SCHOOL: return "no_school_day";
    case TT_CLASH_NONE: break;
    }
    return "none";
}

/* ---- where a lesson sits ---- */

/* A lesson at a slot: its period range and, when its section has a bell
 * schedule, its time of day in minutes. */
struct span {
    int day, p0, p1; /* p1 inclusive */
    bool timed;
    int t0, t1; /* [t0, t1) minutes */
};

static int minutes(const char *hhmm)
{
    if (!hhmm || strlen(hhmm) < 5)
        return -1;
    return ((hhmm[0] - '0') * 10 + (hhmm[1] - '0')) * 60 +
           (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
}

static const struct bell_schedule *schedule_of(const struct school_timetable *tt,
                                               const struct school_lesson *l)
{
    if (l->schedule_id == 0)
        return NULL;
    for (int i = 0; i < tt->nschedules; i++)
        if (tt->schedules[i].id == l->schedule_id)
            return &tt->schedules[i];
    return NULL;
}

/* The row of class period `number`, -1 when the schedule has none. */
static int row_of(const struct bell_schedule *b, int number)
{
    for (int r = 0; r < b->nrows; r++)
        if (!b->rows[r].is_break && b->rows[r].number == number)
            return r;
    return -1;
}

static struct span span_at(const struct bell_schedule *b, int len, int day,
                           int period)
{
    struct span s = {day, period, period + len - 1, false, 0, 0};
    if (!b)
        return s;
    int r0 = row_of(b, s.p0), r1 = row_of(b, s.p1);
    if (r0 < 0 || r1 < 0)
        return s;
    s.t0 = minutes(b->rows[r0].starts_at);
    s.t1 = minutes(b->rows[r1].ends_at);
    s.timed = s.t0 >= 0 && s.t1 > s.t0;
    return s;
}

static bool overlap(const struct span *a, const struct span *b)
{
    if (a->day != b->day)
        return false;
    if (a->timed && b->timed)
        return a->t0 < b->t1 && b->t0 < a->t1;
    return a->p0 <= b->p1 && b->p0 <= a->p1;
}

/* The first period of a (its own numbering) that meets b. */
static int first_meeting_period(const struct bell_schedule *ba,
                                const struct span *a, const struct span *b)
{
    if (!(a->timed && b->timed))
        return a->p0 > b->p0 ? a->p0 : b->p0;
    for (int p = a->p0; p <= a->p1; p++) {
        struct span one = span_at(ba, 1, a->day, p);
        if (one.timed && one.t0 < b->t1 && b->t0 < one.t1)
            return p;
    }
    return a->p0;
}

/* ---- the check ---- */

struct view {
    const struct school_timetable *tt;
    const struct tt_move *moves;
    int nmoves;
};

static const struct tt_move *move_of(const struct view *v, int64_t id)
{
    for (int i = 0; i < v->nmoves; i++)
        if (v->moves[i].lesson_id == id)
            return &v->moves[i];
    return NULL;
}

/* Where lesson l is in the view: false when not placed. */
static bool placed(const struct view *v, const struct school_lesson *l,
                   int *day, int *period)
{
    const struct tt_move *m = move_of(v, l->id);
    *day = m ? m->day : l->day;
    *period = m ? m->period : l->period;
    return *day > 0 && *period > 0;
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "—";
}

static void say(struct tt_clash *c, enum tt_clash_kind kind,
                const struct school_lesson *l, int64_t other, int day,
                int period)
{
    c->kind = kind;
    c->lesson_id = l->id;
    c->other_id = other;
    c->day = day;
    c->period = period;
}

/* The lesson's own slot: school day, day's end, breaks. */
static bool check_slot(const struct school_timetable *tt,
                       const struct school_lesson *l, int day, int period,
                       struct tt_clash *c)
{
    const struct bell_schedule *b = schedule_of(tt, l);
    int len = l->length > 0 ? l->length : 1;
    if (!b)
        return true;
    if (!(b->days & (1 << (day - 1)))) {
        say(c, TT_CLASH_NO_SCHOOL, l, 0, day, period);
        snprintf(c->message, sizeof c->message,
                 "El %s no es día de clases de %s.", tt_day_name(day),
                 or_dash(l->section_name));
        return false;
    }
    if (period + len - 1 > b->nclass) {
        say(c, TT_CLASH_DAY_END, l, 0, day, period);
        if (len > 1)
            snprintf(c->message, sizeof c->message,
                     "%s de %s: el bloque de %d horas empezando en la "
                     "%d.ª hora pasaría del final del día (el %s tiene %d "
                     "horas de clase).",
                     or_dash(l->subject_name), or_dash(l->section_name), len,
                     period, tt_day_name(day), b->nclass);
        else
            snprintf(c->message, sizeof c->message,
                     "El %s solo tiene %d horas de clase para %s.",
                     tt_day_name(day), b->nclass, or_dash(l->section_name));
        return false;
    }
    int r0 = row_of(b, period), r1 = row_of(b, period + len - 1);
    for (int r = r0; r0 >= 0 && r <= r1; r++) {
        if (b->rows[r].is_break) {
            say(c, TT_CLASH_BREAK, l, 0, day, period);
            int before = r > 0 ? b->rows[r - 1].number : period;
            snprintf(c->message, sizeof c->message,
                     "%s de %s: el bloque de %d horas cruzaría el receso "
                     "del %s después de la %d.ª hora (%s-%s).",
                     or_dash(l->subject_name), or_dash(l->section_name), len,
                     tt_day_name(day), before, b->rows[r].starts_at,
                     b->rows[r].ends_at);
            return false;
        }
    }
    return true;
}

static bool check_unavailable(const struct school_lesson *l, int day,
                              int period, const struct tt_unavailable *u,
                              int nu, struct tt_clash *c)
{
    if (l->staff_id == 0)
        return true;
    int len = l->length > 0 ? l->length : 1;
    for (int i = 0; i < nu; i++) {
        if (u[i].staff_id != l->staff_id || u[i].day != day)
            continue;
        if (u[i].period == 0) {
            say(c, TT_CLASH_UNAVAILABLE, l, 0, day, period);
            snprintf(c->message, sizeof c->message,
                     "El prof. %s no está disponible el %s.",
                     or_dash(l->teacher_name), tt_day_name(day));
            return false;
        }
        if (u[i].period >= period && u[i].period < period + len) {
            say(c, TT_CLASH_UNAVAILABLE, l, 0, day, u[i].period);
            snprintf(c->message, sizeof c->message,
                     "El prof. %s no está disponible el %s, %d.ª hora.",
                     or_dash(l->teacher_name), tt_day_name(day),
                     u[i].period);
            return false;
        }
    }
    return true;
}

/* What lesson a (at sa) and lesson b (at sb) clash on, most telling
 * first: the teacher, the section, the room. */
static enum tt_clash_kind pair_kind(const struct school_lesson *a,
                                    const struct span *sa,
                                    const struct school_lesson *b,
                                    const struct span *sb)
{
    if (!overlap(sa, sb))
        return TT_CLASH_NONE;
    if (a->staff_id && a->staff_id == b->staff_id)
        return TT_CLASH_TEACHER;
    if (a->section_id == b->section_id)
        return TT_CLASH_SECTION;
    if (a->room_id && a->room_id == b->room_id)
        return TT_CLASH_ROOM;
    return TT_CLASH_NONE;
}

static void say_pair(struct tt_clash *c, enum tt_clash_kind kind,
                     const struct school_lesson *a, int day, int period,
                     const struct school_lesson *b)
{
    say(c, kind, a, b->id, day, period);
    const char *day_name = tt_day_name(day);
    switch (kind) {
    case TT_CLASH_TEACHER:
        snprintf(c->message, sizeof c->message,
                 "El prof. %s ya tiene %s (%s) el %s, %d.ª hora.",
                 or_dash(a->teacher_name), or_dash(b->section_name),
                 or_dash(b->subject_name), day_name, period);
        break;
    case TT_CLASH_SECTION:
        snprintf(c->message, sizeof c->message,
                 "%s ya tiene %s el %s, %d.ª hora.", or_dash(a->section_name),
                 or_dash(b->subject_name), day_name, period);
        break;
    case TT_CLASH_ROOM:
        snprintf(c->message, sizeof c->message,
                 "El aula %s ya está ocupada por %s (%s) el %s, %d.ª hora.",
                 or_dash(a->room_name), or_dash(b->section_name),
                 or_dash(b->subject_name), day_name, period);
        break;
    default:
        break;
    }
}

/* Lesson l (moved to day/period in view v) against everything. */
static bool check_one(const struct view *v, const struct school_lesson *l,
                      int day, int period, const struct tt_unavailable *u,
                      int nu, struct tt_clash *c)
{
    const struct school_timetable *tt = v->tt;
    if (!check_slot(tt, l, day, period, c))
        return false;
    if (!check_unavailable(l, day, period, u, nu, c))
        return false;
    const struct bell_schedule *bl = schedule_of(tt, l);
    int len = l->length > 0 ? l->length : 1;
    struct span sl = span_at(bl, len, day, period);
    enum tt_clash_kind best = TT_CLASH_NONE;
    const struct school_lesson *with = NULL;
    struct span sw = {0};
    for (int i = 0; i < tt->nlessons; i++) {
        const struct school_lesson *o = &tt->lessons[i];
        int od, op;
        if (o->id == l->id || !placed(v, o, &od, &op) || od != day)
            continue;
        struct span so = span_at(schedule_of(tt, o),
                                 o->length > 0 ? o->length : 1, od, op);
        enum tt_clash_kind k = pair_kind(l, &sl, o, &so);
        if (k != TT_CLASH_NONE && (best == TT_CLASH_NONE || k < best)) {
            best = k;
            with = o;
            sw = so;
            if (k == TT_CLASH_TEACHER)
                break;
        }
    }
    if (best == TT_CLASH_NONE)
        return true;
    say_pair(c, best, l, day, first_meeting_period(bl, &sl, &sw), with);
    return false;
}

static const struct school_lesson *lesson_by_id(const struct school_timetable *tt,
                                                int64_t id)
{
    for (int i = 0; i < tt->nlessons; i++)
        if (tt->lessons[i].id == id)
            return &tt->lessons[i];
    return NULL;
}

int tt_check_moves(const struct school_timetable *tt,
                   const struct tt_unavailable *u, int nu,
                   const struct tt_move *moves, int nmoves,
                   struct tt_clash *clash_r)
{
    memset(clash_r, 0, sizeof *clash_r);
    struct view v = {tt, moves, nmoves};
    for (int i = 0; i < nmoves; i++) {
        const struct school_lesson *l = lesson_by_id(tt, moves[i].lesson_id);
        if (!l) {
            clash_r->lesson_id = moves[i].lesson_id;
            snprintf(clash_r->message, sizeof clash_r->message,
                     "La clase indicada no es de este horario.");
            return -1;
        }
        if (moves[i].day < 1 || moves[i].day > TIMETABLE_MAX_DAYS ||
            moves[i].period < 1 || moves[i].period > TIMETABLE_MAX_PERIODS) {
            clash_r->lesson_id = l->id;
            snprintf(clash_r->message, sizeof clash_r->message,
                     "El día debe ser de 1 (lunes) a 7 (domingo) y la hora "
                     "de 1 a %d.", TIMETABLE_MAX_PERIODS);
            return -1;
        }
    }
    for (int i = 0; i < nmoves; i++) {
        const struct school_lesson *l = lesson_by_id(tt, moves[i].lesson_id);
        if (!check_one(&v, l, moves[i].day, moves[i].period, u, nu, clash_r))
            return 1;
    }
    return 0;
}

int tt_check_free_slots(const struct school_timetable *tt,
                        const struct tt_unavailable *u, int nu,
                        int64_t lesson_id, struct tt_slot *slots, int max)
{
    const struct school_lesson *l = lesson_by_id(tt, lesson_id);
    if (!l)
        return -1;
    const struct bell_schedule *b = schedule_of(tt, l);
    int nclass = 0, days = 31;
    if (b) {
        nclass = b->nclass;
        days = b->days;
    } else {
        for (int i = 0; i < tt->nschedules; i++)
            if (tt->schedules[i].nclass > nclass)
                nclass = tt->schedules[i].nclass;
        if (nclass == 0)
            nclass = TIMETABLE_MAX_PERIODS;
    }
    int n = 0;
    struct tt_clash c;
    for (int day = 1; day <= TIMETABLE_MAX_DAYS; day++) {
        if (!(days & (1 << (day - 1))))
            continue;
        for (int p = 1; p <= nclass; p++) {
            if (day == l->day && p == l->period)
                continue;
            struct tt_move m = {lesson_id, day, p};
            if (tt_check_moves(tt, u, nu, &m, 1, &c) != 0)
                continue;
            if (n < max)
                slots[n] = (struct tt_slot){day, p};
            n++;
        }
    }
    return n;
}

int tt_check_all(const struct school_timetable *tt,
                 const struct tt_unavailable *u, int nu,
                 void (*fn)(const struct tt_clash *c, void *arg), void *arg)
{
    int count = 0;
    struct tt_clash c;
    for (int i = 0; i < tt->nlessons; i++) {
        const struct school_lesson *a = &tt->lessons[i];
        if (a->day <= 0 || a->period <= 0)
            continue;
        memset(&c, 0, sizeof c);
        if (!check_slot(tt, a, a->day, a->period, &c) ||
            !check_unavailable(a, a->day, a->period, u, nu, &c)) {
            count++;
            if (fn)
                fn(&c, arg);
        }
        const struct bell_schedule *ba = schedule_of(tt, a);
        struct span sa = span_at(ba, a->length > 0 ? a->length : 1, a->day,
                                 a->period);
        for (int j = i + 1; j < tt->nlessons; j++) {
            const struct school_lesson *b = &tt->lessons[j];
            if (b->day != a->day || b->period <= 0)
                continue;
            struct span sb = span_at(schedule_of(tt, b),
                                     b->length > 0 ? b->length : 1, b->day,
                                     b->period);
            enum tt_clash_kind k = pair_kind(a, &sa, b, &sb);
            if (k == TT_CLASH_NONE)
                continue;
            memset(&c, 0, sizeof c);
            say_pair(&c, k, a, a->day, first_meeting_period(ba, &sa, &sb), b);
            count++;
            if (fn)
                fn(&c, arg);
        }
    }
    return count;
}
