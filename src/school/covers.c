/*
 * Cover for absent teachers (portal.h): absences, who could cover each of
 * an absent teacher's lessons, and the cover itself.
 *
 * How it works: an absence is a teacher away from starts_on to ends_on
 * (school-local dates, inclusive, at most ABSENCE_MAX_DAYS). For the
 * cover list the active timetable is read whole (school_timetable_load)
 * with the school's teachers, the subjects each can teach, the absences
 * and the covers of those dates; then for every date of the absence and
 * every lesson the teacher gives on that weekday, each other teacher is
 * checked: absent that date, or a lesson of their own overlapping it in
 * time (unless someone else covers that one), or another cover
 * overlapping it, means busy, never proposed. The free ones come
 * qualified first (staff_subjects has the subject), then by the periods
 * they already give that date, then by their week's load. Assigning a
 * cover runs the same check inside the write's transaction, so two
 * secretaries cannot give one teacher two classes at once; the refusal
 * names what keeps the teacher busy. Deleting or shortening an absence
 * drops the covers of the dates it no longer spans. Every write carries
 * its audit row (entities teacher_absence and lesson_cover).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"
#include "core/util.h"
#include "school/portal.h"

#define SUGGESTIONS_MAX 20

static json_t *absence_json(struct store *s, int64_t id)
{
    struct db_stmt *st = db_query(
        s->conn, NULL,
        "SELECT a.id, a.staff_id, st.first_names || ' ' || st.last_names,"
        " a.starts_on, a.ends_on, a.reason, a.created_at"
        " FROM teacher_absences a JOIN staff st ON st.id = a.staff_id"
        " WHERE a.id = ?",
        "i", id);
    json_t *o = NULL;
    if (st && db_step(st, NULL) == DB_ROW)
        o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s}", "id",
                      (json_int_t)db_int(st, 0), "staff_id",
                      (json_int_t)db_int(st, 1), "teacher", db_text(st, 2),
                      "starts_on", db_text(st, 3), "ends_on", db_text(st, 4),
                      "reason", db_text(st, 5), "created_at", db_text(st, 6));
    db_finish(&st);
    return o;
}

int portal_absences_list(struct store *s, int64_t staff_id, const char *from,
                         const char *to, json_t **items_r,
                         const char **error_r)
{
    *items_r = NULL;
    from = from ? from : "";
    to = to ? to : "";
    store_lock(s);
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT a.id FROM teacher_absences a WHERE (? = 0 OR a.staff_id = ?)"
        " AND (? = '' OR a.ends_on >= ?) AND (? = '' OR a.starts_on <= ?)"
        " ORDER BY a.starts_on DESC, a.id DESC LIMIT 500",
        "iitttt", staff_id, staff_id, from, from, to, to);
    int64_t *ids = NULL;
    int n = 0, rc = st ? DB_DONE : DB_ERROR;
    while (st && (rc = db_step(st, error_r)) == DB_ROW) {
        ids = xrealloc(ids, (size_t)(n + 1) * sizeof *ids);
        ids[n++] = db_int(st, 0);
    }
    db_finish(&st);
    json_t *items = json_array();
    for (int i = 0; rc == DB_DONE && i < n; i++) {
        json_t *o = absence_json(s, ids[i]);
        if (o)
            json_array_append_new(items, o);
    }
    store_unlock(s);
    free(ids);
    if (rc != DB_DONE) {
        json_decref(items);
        return REC_ERROR;
    }
    *items_r = items;
    return REC_OK;
}

int portal_absence_get(struct store *s, int64_t id, json_t **absence_r,
                       const char **error_r)
{
    (void)error_r;
    store_lock(s);
    *absence_r = absence_json(s, id);
    store_unlock(s);
    return *absence_r ? REC_OK : REC_NOT_FOUND;
}

static int finish(struct store *s, int rc, const char **error_r)
{
    if (store_end(s, rc == REC_OK, rc == REC_OK ? error_r : NULL) < 0 &&
        rc == REC_OK)
        return REC_ERROR;
    return rc;
}

static const char *member(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

static int64_t date_days(const char *date)
{
    int y, m, d;
    if (tz_parse_date(date, &y, &m, &d) < 0)
        return 0;
    return tz_days_from_civil(y, m, d);
}

static void days_date(int64_t days, char out[11])
{
    int y, m, d;
    tz_civil_from_days(days, &y, &m, &d);
    unsigned uy = (unsigned)y % 10000u, um = (unsigned)m % 100u,
             ud = (unsigned)d % 100u;
    char buf[32];
    snprintf(buf, sizeof buf, "%04u-%02u-%02u", uy, um, ud);
    str_copy(out, 11, buf);
}

static json_t *cover_json(struct store *s, int64_t id)
{
    struct db_stmt *st = db_query(
        s->conn, NULL,
        "SELECT c.id, c.lesson_id, c.date, c.staff_id,"
        " st.first_names || ' ' || st.last_names,"
        " g.name || ' ' || sc.letter, sb.name"
        " FROM lesson_covers c JOIN staff st ON st.id = c.staff_id"
        " JOIN timetable_lessons l ON l.id = c.lesson_id"
        " JOIN sections sc ON sc.id = l.section_id"
        " JOIN grades g ON g.id = sc.grade_id"
        " JOIN subjects sb ON sb.id = l.subject_id WHERE c.id = ?",
        "i", id);
    json_t *o = NULL;
    if (st && db_step(st, NULL) == DB_ROW)
        o = json_pack("{s:I,s:I,s:s,s:I,s:s,s:s,s:s}", "id",
                      (json_int_t)db_int(st, 0), "lesson_id",
                      (json_int_t)db_int(st, 1), "date", db_text(st, 2),
                      "staff_id", (json_int_t)db_int(st, 3), "teacher",
                      db_text(st, 4), "section", db_text(st, 5), "subject",
                      db_text(st, 6));
    db_finish(&st);
    return o;
}

/* Deletes (with audit rows) the covers of `staff_id`'s lessons dated
 * from..to that no absence of theirs spans any more. */
static int drop_orphan_covers(struct store *s, const struct actor *actor,
                              int64_t staff_id, const char *from,
                              const char *to, const char **error_r)
{
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT c.id FROM lesson_covers c"
        " JOIN timetable_lessons l ON l.id = c.lesson_id"
        " WHERE l.staff_id = ? AND c.date >= ? AND c.date <= ?"
        " AND NOT EXISTS (SELECT 1 FROM teacher_absences a"
        " WHERE a.staff_id = ? AND a.starts_on <= c.date"
        " AND a.ends_on >= c.date)",
        "itti", staff_id, from, to, staff_id);
    int64_t *ids = NULL;
    int n = 0, rc = st ? DB_DONE : DB_ERROR;
    while (st && (rc = db_step(st, error_r)) == DB_ROW) {
        ids = xrealloc(ids, (size_t)(n + 1) * sizeof *ids);
        ids[n++] = db_int(st, 0);
    }
    db_finish(&st);
    for (int i = 0; rc == DB_DONE && i < n; i++) {
        json_t *before = cover_json(s, ids[i]);
        if (db_run(s->conn, error_r, "DELETE FROM lesson_covers WHERE id = ?",
                   "i", ids[i]) < 0 ||
            rec_audit(s, actor, "delete", "lesson_cover", ids[i], before,
                      NULL, error_r) < 0)
            rc = DB_ERROR;
        json_decref(before);
    }
    free(ids);
    return rc == DB_DONE ? 0 : -1;
}

/* ---- absences ------------------------------------------------------------ */

int portal_absence_write(struct store *s, const struct actor *actor,
                         int64_t id, const struct absence_input *in,
                         struct rec_errors *errs, json_t **absence_r,
                         const char **error_r)
{
    *absence_r = NULL;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    json_t *before = NULL, *after = NULL;
    int rc = REC_OK;
    if (id) {
        before = absence_json(s, id);
        if (before == NULL) {
            rc = REC_NOT_FOUND;
            goto out;
        }
    }
    int64_t staff = in->has_staff ? in->staff_id
                                  : json_integer_value(
                                        json_object_get(before, "staff_id"));
    const char *starts = in->has_starts ? in->starts_on
                                        : member(before, "starts_on");
    const char *ends = in->has_ends ? in->ends_on
                       : before     ? member(before, "ends_on")
                                    : starts;
    const char *reason = in->has_reason ? in->reason : member(before, "reason");
    int64_t found = 0;
    if (db_query_int(s->conn, error_r, &found,
                     "SELECT id FROM staff WHERE id = ?", "i", staff) < 0) {
        rc = REC_ERROR;
        goto out;
    }
    if (found == 0)
        rec_error(errs, "staff_id", "El docente indicado no existe.");
    int64_t a = date_days(starts), z = date_days(ends);
    if (z < a)
        rec_error(errs, "ends_on",
                  "La fecha final no puede ser anterior a la inicial.");
    else if (z - a + 1 > ABSENCE_MAX_DAYS)
        rec_error(errs, "ends_on",
                  "Una ausencia abarca como máximo 92 días: regístrela por "
                  "partes.");
    if (errs->n) {
        rc = REC_INVALID;
        goto out;
    }
    found = 0;
    if (db_query_int(s->conn, error_r, &found,
                     "SELECT id FROM teacher_absences WHERE staff_id = ?"
                     " AND id <> ? AND starts_on <= ? AND ends_on >= ?",
                     "iitt", staff, id, ends, starts) < 0) {
        rc = REC_ERROR;
        goto out;
    }
    if (found) {
        rec_error(errs, "starts_on",
                  "Ese docente ya tiene una ausencia registrada en esas "
                  "fechas: modifíquela en lugar de registrar otra.");
        rc = REC_CONFLICT;
        goto out;
    }
    char now[21];
    time_format_utc(time_now(), now);
    rc = REC_ERROR;
    if (id == 0) {
        if (db_query_int(s->conn, error_r, &id,
                         "INSERT INTO teacher_absences (staff_id, starts_on,"
                         " ends_on, reason, created_by, created_at)"
                         " VALUES (?, ?, ?, ?, NULLIF(?, 0), ?) RETURNING id",
                         "itttit", staff, starts, ends, reason,
                         actor->user_id, now) < 0 ||
            id == 0)
            goto out;
    } else {
        if (db_run(s->conn, error_r,
                   "UPDATE teacher_absences SET staff_id = ?, starts_on = ?,"
                   " ends_on = ?, reason = ? WHERE id = ?",
                   "ittti", staff, starts, ends, reason, id) < 0)
            goto out;
        /* the dates (or teacher) it no longer spans lose their covers */
        if (drop_orphan_covers(
                s, actor,
                json_integer_value(json_object_get(before, "staff_id")),
                member(before, "starts_on"), member(before, "ends_on"),
                error_r) < 0)
            goto out;
    }
    after = absence_json(s, id);
    rc = REC_OK;
    if (!json_equal(before, after) &&
        rec_audit(s, actor, before ? "update" : "create", "teacher_absence",
                  id, before, after, error_r) < 0)
        rc = REC_ERROR;
out:
    json_decref(before);
    rc = finish(s, rc, error_r);
    if (rc == REC_OK)
        *absence_r = after;
    else
        json_decref(after);
    return rc;
}

int portal_absence_delete(struct store *s, const struct actor *actor,
                          int64_t id, const char **error_r)
{
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    json_t *before = absence_json(s, id);
    int rc = REC_NOT_FOUND;
    if (before) {
        rc = REC_ERROR;
        if (db_run(s->conn, error_r,
                   "DELETE FROM teacher_absences WHERE id = ?", "i", id) >= 0 &&
            drop_orphan_covers(
                s, actor,
                json_integer_value(json_object_get(before, "staff_id")),
                member(before, "starts_on"), member(before, "ends_on"),
                error_r) == 0 &&
            rec_audit(s, actor, "delete", "teacher_absence", id, before, NULL,
                      error_r) >= 0)
            rc = REC_OK;
    }
    json_decref(before);
    return finish(s, rc, error_r);
}

/* ---- who is free ---------------------------------------------------------- */

struct teacher {
    int64_t id;
    char *name;
    int week_load;
};

struct away {
    int64_t staff_id;
    int64_t from, to; /* day numbers */
};

struct cover_row {
    int64_t id, lesson_id, staff_id;
    int64_t day; /* day number of its date */
    char *teacher;
};

/* What one check needs: the timetable and the rows around it. */
struct cover_world {
    struct school_timetable *tt;
    struct teacher *teachers;
    int nteachers;
    int64_t (*quals)[2]; /* (staff_id, subject_id) */
    int nquals;
    struct away *aways;
    int naways;
    struct cover_row *covers;
    int ncovers;
};

static void world_free(struct cover_world *w)
{
    school_timetable_free(&w->tt);
    for (int i = 0; i < w->nteachers; i++)
        free(w->teachers[i].name);
    free(w->teachers);
    free(w->quals);
    free(w->aways);
    for (int i = 0; i < w->ncovers; i++)
        free(w->covers[i].teacher);
    free(w->covers);
    memset(w, 0, sizeof *w);
}

/* Reads the active timetable and, for dates from..to, who is away and
 * who covers what: REC_OK, PORTAL_NO_TIMETABLE or REC_ERROR. Caller holds
 * the store. */
static int world_load(struct store *s, const char *from, const char *to,
                      struct cover_world *w, const char **error_r)
{
    memset(w, 0, sizeof *w);
    int64_t tid = 0;
    int rc = school_timetable_active(s, &tid, error_r);
    if (rc <= 0)
        return rc == 0 ? PORTAL_NO_TIMETABLE : REC_ERROR;
    rc = school_timetable_load(s, tid, &w->tt, error_r);
    if (rc <= 0)
        return rc == 0 ? PORTAL_NO_TIMETABLE : REC_ERROR;
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT st.id, st.first_names || ' ' || st.last_names FROM staff st"
        " WHERE st.active = 1 AND (st.cargo = 'Docente'"
        " OR EXISTS (SELECT 1 FROM staff_subjects ss"
        " WHERE ss.staff_id = st.id)"
        " OR EXISTS (SELECT 1 FROM timetable_lessons l"
        " WHERE l.timetable_id = ? AND l.staff_id = st.id))"
        " ORDER BY st.last_names, st.first_names, st.id",
        "i", tid);
    int step = st ? DB_DONE : DB_ERROR;
    while (st && (step = db_step(st, error_r)) == DB_ROW) {
        w->teachers = xrealloc(w->teachers,
                               (size_t)(w->nteachers + 1) * sizeof *w->teachers);
        struct teacher *t = &w->teachers[w->nteachers++];
        t->id = db_int(st, 0);
        t->name = xstrdup(db_text(st, 1));
        t->week_load = 0;
        for (int i = 0; i < w->tt->nlessons; i++)
            if (w->tt->lessons[i].staff_id == t->id && w->tt->lessons[i].day)
                t->week_load += w->tt->lessons[i].length;
    }
    db_finish(&st);
    if (step != DB_DONE)
        return REC_ERROR;
    st = db_query(s->conn, error_r,
                  "SELECT staff_id, subject_id FROM staff_subjects", "");
    step = st ? DB_DONE : DB_ERROR;
    while (st && (step = db_step(st, error_r)) == DB_ROW) {
        w->quals = xrealloc(w->quals, (size_t)(w->nquals + 1) * sizeof *w->quals);
        w->quals[w->nquals][0] = db_int(st, 0);
        w->quals[w->nquals++][1] = db_int(st, 1);
    }
    db_finish(&st);
    if (step != DB_DONE)
        return REC_ERROR;
    st = db_query(s->conn, error_r,
                  "SELECT staff_id, starts_on, ends_on FROM teacher_absences"
                  " WHERE starts_on <= ? AND ends_on >= ?",
                  "tt", to, from);
    step = st ? DB_DONE : DB_ERROR;
    while (st && (step = db_step(st, error_r)) == DB_ROW) {
        w->aways = xrealloc(w->aways, (size_t)(w->naways + 1) * sizeof *w->aways);
        w->aways[w->naways].staff_id = db_int(st, 0);
        w->aways[w->naways].from = date_days(db_text(st, 1));
        w->aways[w->naways++].to = date_days(db_text(st, 2));
    }
    db_finish(&st);
    if (step != DB_DONE)
        return REC_ERROR;
    st = db_query(s->conn, error_r,
                  "SELECT c.id, c.lesson_id, c.staff_id, c.date,"
                  " st.first_names || ' ' || st.last_names"
                  " FROM lesson_covers c"
                  " JOIN timetable_lessons l ON l.id = c.lesson_id"
                  " JOIN staff st ON st.id = c.staff_id"
                  " WHERE l.timetable_id = ? AND c.date >= ? AND c.date <= ?",
                  "itt", tid, from, to);
    step = st ? DB_DONE : DB_ERROR;
    while (st && (step = db_step(st, error_r)) == DB_ROW) {
        w->covers = xrealloc(w->covers, (size_t)(w->ncovers + 1) * sizeof *w->covers);
        struct cover_row *c = &w->covers[w->ncovers++];
        c->id = db_int(st, 0);
        c->lesson_id = db_int(st, 1);
        c->staff_id = db_int(st, 2);
        c->day = date_days(db_text(st, 3));
        c->teacher = xstrdup(db_text(st, 4));
    }
    db_finish(&st);
    return step == DB_DONE ? REC_OK : REC_ERROR;
}

static const struct cover_row *cover_of(const struct cover_world *w,
                                        int64_t lesson_id, int64_t day)
{
    for (int i = 0; i < w->ncovers; i++)
        if (w->covers[i].lesson_id == lesson_id && w->covers[i].day == day)
            return &w->covers[i];
    return NULL;
}

static bool is_away(const struct cover_world *w, int64_t staff_id,
                    int64_t day)
{
    for (int i = 0; i < w->naways; i++)
        if (w->aways[i].staff_id == staff_id && w->aways[i].from <= day &&
            day <= w->aways[i].to)
            return true;
    return false;
}

static bool qualified(const struct cover_world *w, int64_t staff_id,
                      int64_t subject_id)
{
    for (int i = 0; i < w->nquals; i++)
        if (w->quals[i][0] == staff_id && w->quals[i][1] == subject_id)
            return true;
    return false;
}

static const struct school_lesson *lesson_by_id(const struct cover_world *w,
                                                int64_t id)
{
    for (int i = 0; i < w->tt->nlessons; i++)
        if (w->tt->lessons[i].id == id)
            return &w->tt->lessons[i];
    return NULL;
}

static void lesson_words(const struct school_timetable *tt,
                         const struct school_lesson *l, const char *date,
                         char *out, size_t n)
{
    int a, z;
    char when[40] = "";
    if (portal_lesson_span(tt, l, &a, &z))
        snprintf(when, sizeof when, " de %02d:%02d a %02d:%02d", a / 60,
                 a % 60, z / 60, z % 60);
    else if (l->length > 1)
        snprintf(when, sizeof when, " en las horas %d a %d", l->period,
                 l->period + l->length - 1);
    else
        snprintf(when, sizeof when, " en la hora %d", l->period);
    snprintf(out, n, "%s (%s) el %s %.2s/%.2s/%.4s%s", l->section_name,
             l->subject_name, portal_day_name(l->day), date + 8, date + 5,
             date, when);
}

/* Why teacher `staff_id` cannot give lesson `l` on `date` (day number
 * `day`): NULL when free, else a Spanish sentence (malloc'ed) when `why`,
 * or "" (static) when not. `load_r` (may be NULL): the class periods they
 * give that date. */
static char *busy_reason(const struct cover_world *w, int64_t staff_id,
                         const char *name, const struct school_lesson *l,
                         const char *date, int64_t day, bool why,
                         int *load_r)
{
    static char none[] = "";
    char buf[400], what[300];
    char *reason = NULL;
    int load = 0;
    if (is_away(w, staff_id, day)) {
        if (!why)
            return none;
        snprintf(buf, sizeof buf, "%s está ausente el %s %.2s/%.2s/%.4s.",
                 name, portal_day_name(l->day), date + 8, date + 5, date);
        return xstrdup(buf);
    }
    for (int i = 0; i < w->tt->nlessons; i++) {
        const struct school_lesson *o = &w->tt->lessons[i];
        if (o->staff_id != staff_id || o->day != l->day)
            continue;
        const struct cover_row *c = cover_of(w, o->id, day);
        if (c && c->staff_id != staff_id)
            continue; /* someone else gives it that date */
        load += o->length;
        if (reason == NULL && o->id != l->id && portal_lessons_overlap(w->tt, o, l)) {
            if (!why)
                return none;
            lesson_words(w->tt, o, date, what, sizeof what);
            snprintf(buf, sizeof buf, "%s no está libre: tiene %s.",
                     name, what);
            reason = xstrdup(buf);
        }
    }
    for (int i = 0; reason == NULL && i < w->ncovers; i++) {
        const struct cover_row *c = &w->covers[i];
        if (c->staff_id != staff_id || c->day != day || c->lesson_id == l->id)
            continue;
        const struct school_lesson *o = lesson_by_id(w, c->lesson_id);
        if (o == NULL)
            continue;
        load += o->length;
        if (portal_lessons_overlap(w->tt, o, l)) {
            if (!why)
                return none;
            lesson_words(w->tt, o, date, what, sizeof what);
            snprintf(buf, sizeof buf, "%s no está libre: ya cubre %s.",
                     name, what);
            reason = xstrdup(buf);
        }
    }
    if (load_r)
        *load_r = load;
    return reason;
}

/* ---- the cover list -------------------------------------------------------- */

struct suggestion {
    const struct teacher *t;
    bool qualified;
    int load_day;
};

static int suggestion_cmp(const void *a, const void *b)
{
    const struct suggestion *x = a, *y = b;
    if (x->qualified != y->qualified)
        return x->qualified ? -1 : 1;
    if (x->load_day != y->load_day)
        return x->load_day - y->load_day;
    if (x->t->week_load != y->t->week_load)
        return x->t->week_load - y->t->week_load;
    return 0; /* then the teachers' order (names): the sort is stable */
}

static int lesson_time_cmp(const struct school_timetable *tt,
                           const struct school_lesson *a,
                           const struct school_lesson *b)
{
    int as, ae, bs, be;
    if (portal_lesson_span(tt, a, &as, &ae) &&
        portal_lesson_span(tt, b, &bs, &be) && as != bs)
        return as - bs;
    return a->period - b->period;
}

int portal_absence_cover(struct store *s, int64_t id, json_t **cover_r,
                         const char **error_r)
{
    *cover_r = NULL;
    struct cover_world w;
    memset(&w, 0, sizeof w);
    store_lock(s);
    json_t *absence = absence_json(s, id);
    int rc = absence ? world_load(s, member(absence, "starts_on"),
                                  member(absence, "ends_on"), &w, error_r)
                     : REC_NOT_FOUND;
    store_unlock(s);
    if (rc == PORTAL_NO_TIMETABLE) {
        /* nothing published yet: no lessons to cover */
        world_free(&w);
        *cover_r = json_pack("{s:o,s:n,s:[]}", "absence", absence,
                             "timetable", "lessons");
        return REC_OK;
    }
    if (rc != REC_OK) {
        json_decref(absence);
        world_free(&w);
        return rc;
    }
    int64_t staff = json_integer_value(json_object_get(absence, "staff_id"));
    int64_t a = date_days(member(absence, "starts_on"));
    int64_t z = date_days(member(absence, "ends_on"));
    const struct school_lesson **mine =
        xcalloc((size_t)w.tt->nlessons + 1, sizeof *mine);
    struct suggestion *sug =
        xcalloc((size_t)w.nteachers + 1, sizeof *sug);
    json_t *lessons = json_array();
    for (int64_t day = a; day <= z; day++) {
        char date[11];
        days_date(day, date);
        int wd = portal_weekday(date);
        int n = 0;
        for (int i = 0; i < w.tt->nlessons; i++)
            if (w.tt->lessons[i].staff_id == staff &&
                w.tt->lessons[i].day == wd)
                mine[n++] = &w.tt->lessons[i];
        /* by time of day (a handful: insertion sort) */
        for (int i = 1; i < n; i++)
            for (int k = i; k > 0 && lesson_time_cmp(w.tt, mine[k - 1], mine[k]) > 0; k--) {
                const struct school_lesson *t = mine[k];
                mine[k] = mine[k - 1];
                mine[k - 1] = t;
            }
        for (int i = 0; i < n; i++) {
            const struct school_lesson *l = mine[i];
            int ns = 0;
            for (int k = 0; k < w.nteachers; k++) {
                const struct teacher *t = &w.teachers[k];
                int load = 0;
                if (t->id == staff)
                    continue;
                char *why = busy_reason(&w, t->id, t->name, l, date, day,
                                        false, &load);
                if (why)
                    continue; /* never a busy or absent teacher */
                sug[ns].t = t;
                sug[ns].qualified = qualified(&w, t->id, l->subject_id);
                sug[ns++].load_day = load;
            }
            /* insertion sort: stable, and a school has a few dozen */
            for (int p = 1; p < ns; p++)
                for (int k = p; k > 0 && suggestion_cmp(&sug[k - 1], &sug[k]) > 0; k--) {
                    struct suggestion t = sug[k];
                    sug[k] = sug[k - 1];
                    sug[k - 1] = t;
                }
            json_t *js = json_array();
            for (int k = 0; k < ns && k < SUGGESTIONS_MAX; k++)
                json_array_append_new(
                    js, json_pack("{s:I,s:s,s:b,s:i,s:i}", "staff_id",
                                  (json_int_t)sug[k].t->id, "name",
                                  sug[k].t->name, "qualified",
                                  sug[k].qualified, "load_day",
                                  sug[k].load_day, "load_week",
                                  sug[k].t->week_load));
            const struct cover_row *c = cover_of(&w, l->id, day);
            json_array_append_new(
                lessons,
                json_pack("{s:s,s:i,s:o,s:o,s:o}", "date", date, "day", wd,
                          "lesson", portal_lesson_json(w.tt, l), "cover",
                          c ? json_pack("{s:I,s:I,s:s}", "id",
                                        (json_int_t)c->id, "staff_id",
                                        (json_int_t)c->staff_id, "teacher",
                                        c->teacher)
                            : json_null(),
                          "suggestions", js));
        }
    }
    free(mine);
    free(sug);
    json_t *head = json_pack("{s:I,s:s}", "id", (json_int_t)w.tt->id, "name",
                             w.tt->name);
    world_free(&w);
    *cover_r = json_pack("{s:o,s:o,s:o}", "absence", absence, "timetable",
                         head, "lessons", lessons);
    return REC_OK;
}

/* ---- assigning a cover ----------------------------------------------------- */

int portal_cover_set(struct store *s, const struct actor *actor,
                     int64_t lesson_id, const char *date, int64_t staff_id,
                     struct rec_errors *errs, json_t **cover_r,
                     char **message_r, const char **error_r)
{
    *cover_r = NULL;
    *message_r = NULL;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    struct cover_world w;
    json_t *before = NULL, *after = NULL;
    int rc = world_load(s, date, date, &w, error_r);
    if (rc != REC_OK)
        goto out;
    int64_t day = date_days(date);
    const struct school_lesson *l = lesson_by_id(&w, lesson_id);
    if (l == NULL || l->day == 0)
        rec_error(errs, "lesson_id", "La clase no está en el horario activo.");
    else if (portal_weekday(date) != l->day) {
        static const char *const on_day[] = {
            "", "Esa clase es los lunes: elija un lunes.",
            "Esa clase es los martes: elija un martes.",
            "Esa clase es los miércoles: elija un miércoles.",
            "Esa clase es los jueves: elija un jueves.",
            "Esa clase es los viernes: elija un viernes.",
            "Esa clase es los sábados: elija un sábado.",
            "Esa clase es los domingos: elija un domingo."};
        rec_error(errs, "date", on_day[l->day]);
    }
    char name[256] = "";
    int64_t active = -1;
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT first_names || ' ' || last_names, active FROM staff"
        " WHERE id = ?",
        "i", staff_id);
    int step = st ? db_step(st, error_r) : DB_ERROR;
    if (step == DB_ROW) {
        str_copy(name, sizeof name, db_text(st, 0));
        active = db_int(st, 1);
    }
    db_finish(&st);
    if (step < 0) {
        rc = REC_ERROR;
        goto out;
    }
    if (active < 0)
        rec_error(errs, "staff_id", "El docente indicado no existe.");
    else if (active == 0)
        rec_error(errs, "staff_id", "El docente indicado no está activo.");
    else if (l && l->staff_id == staff_id)
        rec_error(errs, "staff_id",
                  "Es el docente de esa clase: elija a otro para cubrirla.");
    if (errs->n) {
        rc = REC_INVALID;
        goto out;
    }
    char *why = busy_reason(&w, staff_id, name, l, date, day, true, NULL);
    if (why) {
        *message_r = why;
        rc = PORTAL_BUSY;
        goto out;
    }
    const struct cover_row *c = cover_of(&w, l->id, day);
    rc = REC_ERROR;
    int64_t id = c ? c->id : 0;
    if (c && c->staff_id == staff_id) {
        after = cover_json(s, id);
        rc = after ? REC_OK : REC_ERROR;
        goto out;
    }
    char now[21];
    time_format_utc(time_now(), now);
    if (c) {
        before = cover_json(s, id);
        if (db_run(s->conn, error_r,
                   "UPDATE lesson_covers SET staff_id = ?,"
                   " created_by = NULLIF(?, 0), created_at = ? WHERE id = ?",
                   "iiti", staff_id, actor->user_id, now, id) < 0)
            goto out;
    } else if (db_query_int(s->conn, error_r, &id,
                            "INSERT INTO lesson_covers (lesson_id, date,"
                            " staff_id, created_by, created_at)"
                            " VALUES (?, ?, ?, NULLIF(?, 0), ?) RETURNING id",
                            "itiit", lesson_id, date, staff_id,
                            actor->user_id, now) < 0 ||
               id == 0)
        goto out;
    after = cover_json(s, id);
    if (after && rec_audit(s, actor, before ? "update" : "create",
                           "lesson_cover", id, before, after, error_r) >= 0)
        rc = REC_OK;
out:
    json_decref(before);
    world_free(&w);
    rc = finish(s, rc, error_r);
    if (rc == REC_OK)
        *cover_r = after;
    else
        json_decref(after);
    return rc;
}

int portal_cover_delete(struct store *s, const struct actor *actor,
                        int64_t id, const char **error_r)
{
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    json_t *before = cover_json(s, id);
    int rc = REC_NOT_FOUND;
    if (before) {
        rc = REC_ERROR;
        if (db_run(s->conn, error_r, "DELETE FROM lesson_covers WHERE id = ?",
                   "i", id) >= 0 &&
            rec_audit(s, actor, "delete", "lesson_cover", id, before, NULL,
                      error_r) >= 0)
            rc = REC_OK;
    }
    json_decref(before);
    return finish(s, rc, error_r);
}
