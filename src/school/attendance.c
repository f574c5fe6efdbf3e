/*
 * Daily attendance (attendance.h): who takes which section, reading a
 * section's attendance of a date and block, writing it, and the day's
 * record derived from the blocks.
 *
 * How it works: a section's roster on a date is read from enrolments
 * (starts_on <= date, ends_on NULL or >= date), never from
 * students.section_id, so a student who moved or left mid-month is on the
 * lists of exactly the days they were enrolled. A write reads the roster
 * and the stored marks inside its transaction, refuses (every finding at
 * once) a student who is not on the roster, keeps only the marks that are
 * not "present", and audits the students whose status changed. A school
 * that takes attendance per block (the boolean option
 * attendance_per_block) has blocks = the runs of class periods of the
 * section's bell schedule between breaks; writing a block rebuilds the
 * day's record (block 0) from every block taken that day: absent if
 * absent in every one of them (justified if all those absences were
 * justified), late if late in any, present otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "mail/mail.h"
#include "school/attendance.h"
#include "school/calendar.h"
#include "school/students.h"

static const char *const status_names[] = {"present", "absent", "late",
                                           "justified"};

int attendance_status_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (s && strcmp(s, status_names[i]) == 0)
            return i;
    return -1;
}

const char *attendance_status_name(int status)
{
    return status >= 0 && status < 4 ? status_names[status] : "present";
}

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool attendance_client_time(const char *in, char out[25])
{
    /* YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z */
    size_t len = strlen(in);
    if (len < 20 || len > 30 || !digits(in, 4) || in[4] != '-' ||
        !digits(in + 5, 2) || in[7] != '-' || !digits(in + 8, 2) ||
        in[10] != 'T' || !digits(in + 11, 2) || in[13] != ':' ||
        !digits(in + 14, 2) || in[16] != ':' || !digits(in + 17, 2) ||
        in[len - 1] != 'Z')
        return false;
    char date[11];
    memcpy(date, in, 10);
    date[10] = '\0';
    int64_t day;
    if (!calendar_day_number(date, &day))
        return false;
    if (atoi(in + 11) > 23 || atoi(in + 14) > 59 || atoi(in + 17) > 60)
        return false;
    char ms[4] = "000";
    if (len > 20) {
        if (in[19] != '.' || len == 21 || !digits(in + 20, (int)(len - 21)))
            return false;
        for (size_t i = 0; i < 3 && 20 + i < len - 1; i++)
            ms[i] = in[20 + i];
    } else if (in[19] != 'Z') {
        return false;
    }
    memcpy(out, in, 19);
    out[19] = '.';
    memcpy(out + 20, ms, 3);
    out[23] = 'Z';
    out[24] = '\0';
    return true;
}

bool attendance_per_block(struct store *s)
{
    struct db_stmt *st =
        db_query(s->conn, NULL, "SELECT value FROM tenant_settings WHERE key = ?",
                 "t", ATTENDANCE_PER_BLOCK_OPTION);
    bool on = false;
    if (st && db_step(st, NULL) == DB_ROW) {
        const char *v = db_text(st, 0);
        on = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
    }
    db_finish(&st);
    return on;
}

/* ---- sections, blocks, rosters ------------------------------------------ */

struct section_info {
    int64_t id, grade_id, bell_id;
    char name[80], grade[64];
};

/* REC_OK, REC_NOT_FOUND or REC_ERROR. Caller holds the store. */
static int section_load(struct store *s, int64_t id, struct section_info *sec,
                        const char **error_r)
{
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT sc.id, g.name, sc.letter, g.id, sc.bell_schedule_id"
        " FROM sections sc JOIN grades g ON g.id = sc.grade_id"
        " WHERE sc.id = ?",
        "i", id);
    if (st == NULL)
        return REC_ERROR;
    int rc = db_step(st, error_r);
    if (rc == DB_ROW) {
        sec->id = db_int(st, 0);
        str_copy(sec->grade, sizeof sec->grade, db_text(st, 1));
        snprintf(sec->name, sizeof sec->name, "%s %s", db_text(st, 1),
                 db_text(st, 2));
        sec->grade_id = db_int(st, 3);
        sec->bell_id = db_null(st, 4) ? 0 : db_int(st, 4);
    }
    db_finish(&st);
    return rc == DB_ROW ? REC_OK : rc == DB_DONE ? REC_NOT_FOUND : REC_ERROR;
}

static json_t *section_json(const struct section_info *sec)
{
    return json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)sec->id, "name",
                     sec->name, "grade", sec->grade, "grade_id",
                     (json_int_t)sec->grade_id);
}

/* Whether the user teaches the section in the active timetable, or
 * covers a lesson of it that date: 1, 0, -1. Caller holds the store. */
static int teaches(struct store *s, int64_t user_id, int64_t section_id,
                   const char *date, const char **error_r)
{
    int64_t found = 0;
    if (db_query_int(
            s->conn, error_r, &found,
            "SELECT COUNT(*) FROM timetable_lessons l"
            " JOIN timetables t ON t.id = l.timetable_id"
            " WHERE t.status = 'active' AND l.section_id = ?"
            " AND (l.staff_id IN (SELECT id FROM staff WHERE user_id = ?)"
            " OR EXISTS (SELECT 1 FROM lesson_covers c WHERE c.lesson_id = l.id"
            " AND c.date = ? AND c.staff_id IN"
            " (SELECT id FROM staff WHERE user_id = ?)))",
            "iiti", section_id, user_id, date, user_id) < 0)
        return -1;
    return found > 0;
}

static int may_take(struct store *s, const struct attendance_viewer *v,
                    int64_t section_id, const char *date, const char **error_r)
{
    if (v->admin)
        return REC_OK;
    int t = teaches(s, v->user_id, section_id, date, error_r);
    return t < 0 ? REC_ERROR : t ? REC_OK : ATT_NOT_YOURS;
}

struct block_span {
    char starts_at[6], ends_at[6];
};

/* The blocks of a bell schedule: runs of class periods between breaks. */
static int blocks_load(struct store *s, int64_t bell_id,
                       struct block_span out[ATTENDANCE_BLOCKS_MAX], int *n_r,
                       const char **error_r)
{
    *n_r = 0;
    if (bell_id == 0)
        return 0;
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT kind, starts_at, ends_at FROM bell_periods"
        " WHERE schedule_id = ? ORDER BY position",
        "i", bell_id);
    if (st == NULL)
        return -1;
    int rc, n = 0;
    bool open = false;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        if (strcmp(db_text(st, 0), "class") != 0) {
            open = false;
            continue;
        }
        if (!open) {
            if (n == ATTENDANCE_BLOCKS_MAX)
                continue;
            str_copy(out[n].starts_at, sizeof out[n].starts_at,
                     db_text(st, 1));
            n++;
            open = true;
        }
        str_copy(out[n - 1].ends_at, sizeof out[n - 1].ends_at,
                 db_text(st, 2));
    }
    db_finish(&st);
    *n_r = n;
    return rc == DB_DONE ? 0 : -1;
}

static json_t *block_json(int b, const struct block_span *sp, bool taken)
{
    char label[160];
    snprintf(label, sizeof label, "Bloque %d (%s a %s)", b, sp->starts_at,
             sp->ends_at);
    return json_pack("{s:i,s:s,s:s,s:s,s:b}", "block", b, "label", label,
                     "starts_at", sp->starts_at, "ends_at", sp->ends_at,
                     "taken", taken);
}

struct pupil {
    int64_t id;
    char *first, *last;
    char gender[2];
    int status, old_status; /* enum attendance_status */
    char *reason, *old_reason;
};

struct roster {
    struct pupil *p;
    int n;
};

static void roster_free(struct roster *r)
{
    for (int i = 0; i < r->n; i++) {
        free(r->p[i].first);
        free(r->p[i].last);
        free(r->p[i].reason);
        free(r->p[i].old_reason);
    }
    free(r->p);
    r->p = NULL;
    r->n = 0;
}

static int pupil_cmp(const void *a, const void *b);

/* The students enrolled in the section on `date`, by name. */
static int roster_load(struct store *s, int64_t section_id, const char *date,
                       struct roster *r, const char **error_r)
{
    r->p = NULL;
    r->n = 0;
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT DISTINCT st.id, st.first_names, st.last_names, st.gender"
        " FROM enrolments e JOIN students st ON st.id = e.student_id"
        " WHERE e.section_id = ? AND e.starts_on <= ?"
        " AND (e.ends_on IS NULL OR e.ends_on >= ?)"
        " ORDER BY st.last_names, st.first_names, st.id",
        "itt", section_id, date, date);
    if (st == NULL)
        return -1;
    int rc;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        r->p = xrealloc(r->p, (size_t)(r->n + 1) * sizeof *r->p);
        struct pupil *p = &r->p[r->n++];
        memset(p, 0, sizeof *p);
        p->id = db_int(st, 0);
        p->first = xstrdup(db_text(st, 1));
        p->last = xstrdup(db_text(st, 2));
        str_copy(p->gender, sizeof p->gender, db_text(st, 3));
        p->reason = xstrdup("");
        p->old_reason = xstrdup("");
    }
    db_finish(&st);
    if (r->n > 1)
        qsort(r->p, (size_t)r->n, sizeof *r->p, pupil_cmp);
    return rc == DB_DONE ? 0 : -1;
}

/* By last names then first names as people sort them: accents folded
 * (Álvarez before Blanco), then id. */
static int pupil_cmp(const void *a, const void *b)
{
    const struct pupil *x = a, *y = b;
    char kx[512], ky[512], t[256];
    snprintf(t, sizeof t, "%s", x->last);
    records_fold(t, kx, 256);
    snprintf(t, sizeof t, "%s", x->first);
    records_fold(t, kx + strlen(kx) + 1, 256);
    kx[strlen(kx)] = ' ';
    snprintf(t, sizeof t, "%s", y->last);
    records_fold(t, ky, 256);
    snprintf(t, sizeof t, "%s", y->first);
    records_fold(t, ky + strlen(ky) + 1, 256);
    ky[strlen(ky)] = ' ';
    int c = strcmp(kx, ky);
    return c ? c : x->id < y->id ? -1 : x->id > y->id;
}

static struct pupil *roster_find(struct roster *r, int64_t id)
{
    for (int i = 0; i < r->n; i++)
        if (r->p[i].id == id)
            return &r->p[i];
    return NULL;
}

struct session {
    int64_t id; /* 0: not taken */
    char taken_at[32], client_time[32], updated_at[32];
    char *taken_by; /* a person's name, NULL if unknown */
};

static int session_load(struct store *s, int64_t section_id, const char *date,
                        int block, struct session *ses, const char **error_r)
{
    memset(ses, 0, sizeof *ses);
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT a.id, a.taken_at, a.client_time, a.updated_at, u.name"
        " FROM attendance_sessions a LEFT JOIN users u ON u.id = a.taken_by"
        " WHERE a.section_id = ? AND a.date = ? AND a.block = ?",
        "iti", section_id, date, (int64_t)block);
    if (st == NULL)
        return -1;
    int rc = db_step(st, error_r);
    if (rc == DB_ROW) {
        ses->id = db_int(st, 0);
        str_copy(ses->taken_at, sizeof ses->taken_at, db_text(st, 1));
        str_copy(ses->client_time, sizeof ses->client_time, db_text(st, 2));
        str_copy(ses->updated_at, sizeof ses->updated_at, db_text(st, 3));
        if (!db_null(st, 4))
            ses->taken_by = xstrdup(db_text(st, 4));
    }
    db_finish(&st);
    return rc == DB_ROW || rc == DB_DONE ? 0 : -1;
}

/* The stored marks of a session into the roster's old_status/old_reason
 * (and status/reason, the starting point of an edit). */
static int marks_load(struct store *s, int64_t session_id, struct roster *r,
                      const char **error_r)
{
    if (session_id == 0)
        return 0;
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT student_id, status, reason FROM attendance_marks"
        " WHERE session_id = ?",
        "i", session_id);
    if (st == NULL)
        return -1;
    int rc;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        struct pupil *p = roster_find(r, db_int(st, 0));
        if (p == NULL)
            continue;
        p->status = p->old_status = attendance_status_parse(db_text(st, 1));
        if (p->status < 0)
            p->status = p->old_status = ATT_PRESENT;
        free(p->reason);
        free(p->old_reason);
        p->reason = xstrdup(db_text(st, 2));
        p->old_reason = xstrdup(db_text(st, 2));
    }
    db_finish(&st);
    return rc == DB_DONE ? 0 : -1;
}

/* The reply: {section, date, block, school_day, why, taken, taken_at,
 * taken_by, students, counts}. */
static json_t *attendance_json(const struct section_info *sec,
                               const char *date, int block, bool school_day,
                               const char *why, const struct session *ses,
                               const struct roster *r)
{
    json_t *students = json_array();
    int counts[4] = {0, 0, 0, 0};
    for (int i = 0; i < r->n; i++) {
        const struct pupil *p = &r->p[i];
        int st = ses->id ? p->old_status : ATT_PRESENT;
        counts[st]++;
        json_array_append_new(
            students,
            json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)p->id,
                      "first_names", p->first, "last_names", p->last,
                      "gender", p->gender, "status",
                      attendance_status_name(st), "reason",
                      ses->id ? p->old_reason : ""));
    }
    json_t *o = json_pack(
        "{s:o,s:s,s:i,s:b,s:o,s:b,s:o,s:o,s:o,s:{s:i,s:i,s:i,s:i}}",
        "section", section_json(sec), "date", date, "block", block,
        "school_day", school_day, "why", why ? json_string(why) : json_null(),
        "taken", ses->id != 0, "taken_at",
        ses->id ? json_string(ses->taken_at) : json_null(), "taken_by",
        ses->taken_by ? json_string(ses->taken_by) : json_null(), "students",
        students, "counts", "present", counts[ATT_PRESENT], "absent",
        counts[ATT_ABSENT], "late", counts[ATT_LATE], "justified",
        counts[ATT_JUSTIFIED]);
    return o;
}

/* Checks a block number against the school's setting and the section's
 * bell schedule; a finding under "block" when it is not one. */
static int block_check(struct store *s, const struct section_info *sec,
                       int block, struct rec_errors *errs,
                       const char **error_r)
{
    if (block == 0)
        return 0;
    if (!attendance_per_block(s)) {
        rec_error(errs, "block",
                  "El plantel toma la asistencia por día, no por bloques.");
        return 0;
    }
    struct block_span spans[ATTENDANCE_BLOCKS_MAX];
    int n = 0;
    if (blocks_load(s, sec->bell_id, spans, &n, error_r) < 0)
        return -1;
    if (block < 1 || block > n)
        rec_error(errs, "block",
                  n ? "La sección no tiene ese bloque en su horario de timbres."
                    : "La sección no tiene horario de timbres: tome la "
                      "asistencia del día.");
    return 0;
}

/* ---- reading ---------------------------------------------------------------- */

int attendance_get(struct store *s, const struct attendance_viewer *v,
                   int64_t section_id, const char *date, int block,
                   struct rec_errors *errs, json_t **att_r,
                   const char **error_r)
{
    *att_r = NULL;
    struct section_info sec;
    struct roster r = {0};
    struct session ses = {0};
    store_lock(s);
    int rc = section_load(s, section_id, &sec, error_r);
    if (rc == REC_OK)
        rc = may_take(s, v, section_id, date, error_r);
    if (rc == REC_OK) {
        if (block_check(s, &sec, block, errs, error_r) < 0)
            rc = REC_ERROR;
        else if (errs->n)
            rc = REC_INVALID;
    }
    const char *why = NULL;
    int school_day = 0;
    if (rc == REC_OK) {
        school_day = calendar_school_day(s, date, &why, error_r);
        if (school_day < 0 || roster_load(s, section_id, date, &r, error_r) < 0 ||
            session_load(s, section_id, date, block, &ses, error_r) < 0 ||
            marks_load(s, ses.id, &r, error_r) < 0)
            rc = REC_ERROR;
    }
    store_unlock(s);
    if (rc == REC_OK)
        *att_r = attendance_json(&sec, date, block, school_day == 1, why, &ses, &r);
    roster_free(&r);
    free(ses.taken_by);
    return rc;
}

/* The year whose dates contain `date`, else the current one (0: none). */
static int year_of_date(struct store *s, const char *date, int64_t *id_r,
                        const char **error_r)
{
    *id_r = 0;
    if (db_query_int(s->conn, error_r, id_r,
                     "SELECT id FROM school_years WHERE starts_on <= ?"
                     " AND ends_on >= ? ORDER BY is_current DESC, id DESC"
                     " LIMIT 1",
                     "tt", date, date) < 0)
        return -1;
    if (*id_r)
        return 0;
    return school_year_current(s, id_r, error_r) < 0 ? -1 : 0;
}

#define SECTIONS_SQL                                                          \
    "SELECT sc.id, g.name, sc.letter, g.id, sc.bell_schedule_id,"             \
    " (SELECT COUNT(DISTINCT e.student_id) FROM enrolments e"                  \
    "  WHERE e.section_id = sc.id AND e.starts_on <= ?"                        \
    "  AND (e.ends_on IS NULL OR e.ends_on >= ?))"                             \
    " FROM sections sc JOIN grades g ON g.id = sc.grade_id"
#define SECTIONS_ORDER                                                        \
    " ORDER BY CASE g.level WHEN 'inicial' THEN 1 WHEN 'primaria' THEN 2"     \
    " WHEN 'media_general' THEN 3 ELSE 4 END, g.number,"                     \
    " CASE WHEN length(sc.letter) = 1 THEN 0 ELSE 1 END, sc.letter"

int attendance_sections(struct store *s, const struct attendance_viewer *v,
                        const char *date, json_t **list_r,
                        const char **error_r)
{
    *list_r = NULL;
    store_lock(s);
    const char *why = NULL;
    int school_day = calendar_school_day(s, date, &why, error_r);
    bool per_block = attendance_per_block(s);
    struct db_stmt *st = NULL;
    int64_t year = 0;
    if (school_day < 0) {
        store_unlock(s);
        return REC_ERROR;
    }
    if (v->admin) {
        if (year_of_date(s, date, &year, error_r) < 0) {
            store_unlock(s);
            return REC_ERROR;
        }
        st = db_query(s->conn, error_r,
                      SECTIONS_SQL " WHERE sc.year_id = ?" SECTIONS_ORDER, "tti",
                      date, date, year);
    } else {
        st = db_query(
            s->conn, error_r,
            SECTIONS_SQL
            " WHERE sc.id IN (SELECT l.section_id FROM timetable_lessons l"
            " JOIN timetables t ON t.id = l.timetable_id"
            " WHERE t.status = 'active' AND (l.staff_id IN"
            " (SELECT id FROM staff WHERE user_id = ?) OR EXISTS (SELECT 1"
            " FROM lesson_covers c WHERE c.lesson_id = l.id AND c.date = ?"
            " AND c.staff_id IN (SELECT id FROM staff WHERE user_id = ?))))"
            SECTIONS_ORDER,
            "ttiti", date, date, v->user_id, date, v->user_id);
    }
    json_t *items = json_array();
    int rc = st ? DB_DONE : DB_ERROR;
    struct item {
        int64_t id, bell;
        uint32_t taken; /* bit b: block b was taken (bit 0: the day) */
    } *meta = NULL;
    int n = 0;
    while (st && (rc = db_step(st, error_r)) == DB_ROW) {
        char name[80];
        snprintf(name, sizeof name, "%s %s", db_text(st, 1), db_text(st, 2));
        json_array_append_new(
            items, json_pack("{s:I,s:s,s:s,s:I,s:I}", "id",
                             (json_int_t)db_int(st, 0), "name", name, "grade",
                             db_text(st, 1), "grade_id",
                             (json_int_t)db_int(st, 3), "students",
                             (json_int_t)db_int(st, 5)));
        meta = xrealloc(meta, (size_t)(n + 1) * sizeof *meta);
        meta[n].id = db_int(st, 0);
        meta[n].bell = db_null(st, 4) ? 0 : db_int(st, 4);
        meta[n].taken = 0;
        n++;
    }
    db_finish(&st);
    /* Whether each was taken (the day; and each block when per block): one
       query for the date, not one per section. */
    if (rc == DB_DONE && n > 0) {
        struct db_stmt *q = db_query(
            s->conn, error_r,
            "SELECT section_id, block FROM attendance_sessions WHERE date = ?",
            "t", date);
        int qr = q ? DB_DONE : DB_ERROR;
        while (q && (qr = db_step(q, error_r)) == DB_ROW) {
            int64_t sid = db_int(q, 0), b = db_int(q, 1);
            if (b < 0 || b > ATTENDANCE_BLOCKS_MAX)
                continue;
            for (int i = 0; i < n; i++)
                if (meta[i].id == sid)
                    meta[i].taken |= (uint32_t)1 << b;
        }
        db_finish(&q);
        if (qr != DB_DONE)
            rc = DB_ERROR;
    }
    /* Blocks come from the section's bell schedule; sections share a few
       schedules, so each is read once. */
    struct bell_blocks {
        int64_t bell;
        struct block_span spans[ATTENDANCE_BLOCKS_MAX];
        int n;
    } *bells = NULL;
    int nbells = 0;
    for (int i = 0; rc == DB_DONE && i < n; i++) {
        json_t *it = json_array_get(items, (size_t)i);
        json_object_set_new(it, "taken", json_boolean(meta[i].taken & 1));
        if (!per_block)
            continue;
        int k = 0;
        while (k < nbells && bells[k].bell != meta[i].bell)
            k++;
        if (k == nbells) {
            bells = xrealloc(bells, (size_t)(nbells + 1) * sizeof *bells);
            bells[k].bell = meta[i].bell;
            if (blocks_load(s, meta[i].bell, bells[k].spans, &bells[k].n,
                            error_r) < 0) {
                rc = DB_ERROR;
                break;
            }
            nbells++;
        }
        json_t *blocks = json_array();
        for (int b = 0; b < bells[k].n; b++)
            json_array_append_new(
                blocks, block_json(b + 1, &bells[k].spans[b],
                                   (meta[i].taken >> (b + 1)) & 1));
        json_object_set_new(it, "blocks", blocks);
    }
    free(bells);
    store_unlock(s);
    free(meta);
    if (rc != DB_DONE) {
        json_decref(items);
        return REC_ERROR;
    }
    *list_r = json_pack("{s:s,s:b,s:o,s:b,s:o}", "date", date, "school_day",
                        school_day == 1, "why",
                        why ? json_string(why) : json_null(), "per_block",
                        per_block, "items", items);
    return REC_OK;
}

/* ---- writing ---------------------------------------------------------------- */

/* The audit view of one student's status. */
static json_t *mark_audit(const struct pupil *p, int status, const char *reason)
{
    char name[256];
    snprintf(name, sizeof name, "%s, %s", p->last, p->first);
    json_t *o = json_pack("{s:I,s:s,s:s}", "student_id", (json_int_t)p->id,
                          "student", name, "status",
                          attendance_status_name(status));
    if (reason && *reason)
        json_object_set_new(o, "reason", json_string(reason));
    return o;
}

/* Writes a session whose roster holds the new status/reason of every
 * student (old_status/old_reason: what was stored): the session row
 * inserted or touched, the marks replaced, and one audit row with the
 * students whose status changed (none changed on a session already
 * taken: no audit row). *changed_r (may be NULL) says whether anything
 * changed. Inside the caller's transaction. */
static int session_write(struct store *s, const struct actor *actor,
                         const struct section_info *sec, const char *date,
                         int block, struct session *ses, struct roster *r,
                         const char *client_time, bool *changed_r,
                         const char **error_r)
{
    char now[21];
    time_format_utc(time_now(), now);
    json_t *before = json_array(), *after = json_array();
    for (int i = 0; i < r->n; i++) {
        struct pupil *p = &r->p[i];
        int old = ses->id ? p->old_status : ATT_PRESENT;
        const char *old_reason = ses->id ? p->old_reason : "";
        if (old == p->status && strcmp(old_reason, p->reason) == 0)
            continue;
        json_array_append_new(before, mark_audit(p, old, old_reason));
        json_array_append_new(after, mark_audit(p, p->status, p->reason));
    }
    bool created = ses->id == 0;
    bool changed = created || json_array_size(after) > 0;
    int rc = 0;
    /* a support session has no user of this school: NULL */
    int64_t taken_by = actor->user_id;
    if (created) {
        if (db_query_int(
                s->conn, error_r, &ses->id,
                "INSERT INTO attendance_sessions (section_id, date, block,"
                " taken_by, taken_at, updated_at, client_time)"
                " VALUES (?, ?, ?, NULLIF(?, 0), ?, ?, ?) RETURNING id",
                "itiitt" "t", sec->id, date, (int64_t)block, taken_by, now,
                now, client_time) < 0 ||
            ses->id == 0)
            rc = -1;
        str_copy(ses->taken_at, sizeof ses->taken_at, now);
    } else if (changed || client_time[0]) {
        rc = db_run(s->conn, error_r,
                    "UPDATE attendance_sessions SET taken_by = NULLIF(?, 0),"
                    " updated_at = ?, client_time = CASE WHEN ? = '' THEN"
                    " client_time ELSE ? END WHERE id = ?",
                    "ittti", taken_by, now, client_time, client_time,
                    ses->id) < 0
                 ? -1
                 : 0;
    }
    if (rc == 0 && changed) {
        if (db_run(s->conn, error_r,
                   "DELETE FROM attendance_marks WHERE session_id = ?", "i",
                   ses->id) < 0)
            rc = -1;
        /* the marks in one statement per 100 (one round trip, not 35) */
        for (int from = 0; rc == 0 && from < r->n; from += 100) {
            struct strbuf sql;
            strbuf_init(&sql);
            strbuf_adds(&sql, "INSERT INTO attendance_marks (session_id,"
                              " student_id, status, reason) VALUES ");
            struct db_value v[400];
            int nv = 0;
            for (int i = from; i < r->n && i < from + 100; i++) {
                struct pupil *p = &r->p[i];
                if (p->status == ATT_PRESENT)
                    continue;
                strbuf_adds(&sql, nv ? ", (?, ?, ?, ?)" : "(?, ?, ?, ?)");
                v[nv++] = (struct db_value){'i', NULL, ses->id};
                v[nv++] = (struct db_value){'i', NULL, p->id};
                v[nv++] = (struct db_value){
                    't', attendance_status_name(p->status), 0};
                v[nv++] = (struct db_value){'t', p->reason, 0};
            }
            if (nv) {
                struct db_stmt *st =
                    db_query_values(s->conn, error_r, sql.data, nv, v);
                if (st == NULL || db_step(st, error_r) != DB_DONE)
                    rc = -1;
                db_finish(&st);
            }
            strbuf_cleanup(&sql);
        }
    }
    if (rc == 0 && changed) {
        json_t *b = json_pack("{s:s,s:s,s:i,s:b,s:O}", "section", sec->name,
                              "date", date, "block", block, "taken", !created,
                              "students", before);
        json_t *a = json_pack("{s:s,s:s,s:i,s:b,s:O}", "section", sec->name,
                              "date", date, "block", block, "taken", true,
                              "students", after);
        if (rec_audit(s, actor, "attendance.mark", "section", sec->id, b, a,
                      error_r) < 0)
            rc = -1;
        json_decref(b);
        json_decref(a);
    }
    json_decref(before);
    json_decref(after);
    if (changed_r)
        *changed_r = changed;
    return rc;
}

/* Rebuilds the day's record (block 0) from the blocks taken that day.
 * Inside the caller's transaction. */
static int day_from_blocks(struct store *s, const struct actor *actor,
                           const struct section_info *sec, const char *date,
                           const char **error_r)
{
    struct roster r = {0};
    struct session day = {0};
    int rc = -1;
    if (roster_load(s, sec->id, date, &r, error_r) < 0 ||
        session_load(s, sec->id, date, 0, &day, error_r) < 0 ||
        marks_load(s, day.id, &r, error_r) < 0)
        goto out;
    /* per student: blocks taken, absences (and how many justified), late */
    int *absent = xcalloc((size_t)r.n + 1, sizeof *absent);
    int *justified = xcalloc((size_t)r.n + 1, sizeof *justified);
    bool *late = xcalloc((size_t)r.n + 1, sizeof *late);
    int64_t taken = 0;
    if (db_query_int(s->conn, error_r, &taken,
                     "SELECT COUNT(*) FROM attendance_sessions WHERE"
                     " section_id = ? AND date = ? AND block > 0",
                     "it", sec->id, date) < 0)
        goto free_counts;
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT m.student_id, m.status FROM attendance_marks m"
        " JOIN attendance_sessions a ON a.id = m.session_id"
        " WHERE a.section_id = ? AND a.date = ? AND a.block > 0",
        "it", sec->id, date);
    if (st == NULL)
        goto free_counts;
    int qr;
    while ((qr = db_step(st, error_r)) == DB_ROW) {
        int64_t id = db_int(st, 0);
        int k = -1;
        for (int i = 0; i < r.n; i++)
            if (r.p[i].id == id)
                k = i;
        if (k < 0)
            continue;
        int m = attendance_status_parse(db_text(st, 1));
        if (m == ATT_ABSENT)
            absent[k]++;
        else if (m == ATT_JUSTIFIED) {
            absent[k]++;
            justified[k]++;
        } else if (m == ATT_LATE)
            late[k] = true;
    }
    db_finish(&st);
    if (qr != DB_DONE)
        goto free_counts;
    for (int i = 0; i < r.n; i++) {
        struct pupil *p = &r.p[i];
        int next = ATT_PRESENT;
        if (taken > 0 && absent[i] == taken)
            next = justified[i] == absent[i] ? ATT_JUSTIFIED : ATT_ABSENT;
        else if (late[i])
            next = ATT_LATE;
        /* a justified day keeps its reason (from the day's record if one
         * was given there, else the blocks') */
        if (next != ATT_JUSTIFIED) {
            free(p->reason);
            p->reason = xstrdup("");
        } else if (!(p->status == ATT_JUSTIFIED && p->reason[0])) {
            free(p->reason);
            p->reason = NULL;
            struct db_stmt *q = db_query(
                s->conn, error_r,
                "SELECT m.reason FROM attendance_marks m"
                " JOIN attendance_sessions a ON a.id = m.session_id"
                " WHERE a.section_id = ? AND a.date = ? AND a.block > 0"
                " AND m.student_id = ? AND m.status = 'justified'"
                " ORDER BY a.block LIMIT 1",
                "iti", sec->id, date, p->id);
            if (q && db_step(q, NULL) == DB_ROW)
                p->reason = xstrdup(db_text(q, 0));
            db_finish(&q);
            if (p->reason == NULL)
                p->reason = xstrdup("");
        }
        p->status = next;
    }
    rc = session_write(s, actor, sec, date, 0, &day, &r, "", NULL, error_r);
free_counts:
    free(absent);
    free(justified);
    free(late);
out:
    roster_free(&r);
    free(day.taken_by);
    return rc;
}

int attendance_put(struct store *s, const struct actor *actor,
                   const struct attendance_viewer *v,
                   const struct attendance_input *in, const struct tenant *t,
                   const char *base_url, struct rec_errors *errs,
                   json_t **att_r, const char **why_r, const char **error_r)
{
    *att_r = NULL;
    *why_r = NULL;
    struct section_info sec;
    struct roster r = {0};
    struct session ses = {0};
    bool applied = true;
    int queued = 0;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    int rc = section_load(s, in->section_id, &sec, error_r);
    if (rc == REC_OK)
        rc = may_take(s, v, in->section_id, in->date, error_r);
    if (rc != REC_OK)
        goto out;
    int day = calendar_school_day(s, in->date, why_r, error_r);
    if (day < 0) {
        rc = REC_ERROR;
        goto out;
    }
    if (day == 0) {
        rc = ATT_NOT_SCHOOL_DAY;
        goto out;
    }
    if (block_check(s, &sec, in->block, errs, error_r) < 0 ||
        roster_load(s, in->section_id, in->date, &r, error_r) < 0) {
        rc = REC_ERROR;
        goto out;
    }
    /* every student named must be on the day's roster, once */
    for (int i = 0; i < in->marks_n; i++) {
        const struct attendance_mark_input *m = &in->marks[i];
        struct pupil *p = roster_find(&r, m->student_id);
        bool repeated = false;
        for (int j = 0; j < i; j++)
            if (in->marks[j].student_id == m->student_id)
                repeated = true;
        if (p == NULL || repeated) {
            rec_error(errs, m->field,
                      repeated ? "El estudiante aparece más de una vez en la lista."
                               : "El estudiante no está inscrito en esta "
                                 "sección en esa fecha.");
        }
    }
    if (errs->n) {
        rc = REC_INVALID;
        goto out;
    }
    if (session_load(s, in->section_id, in->date, in->block, &ses, error_r) < 0 ||
        marks_load(s, ses.id, &r, error_r) < 0) {
        rc = REC_ERROR;
        goto out;
    }
    /* a later edit already stored wins over an older one sent late */
    char client_time[25] = "";
    if (in->client_time[0]) {
        str_copy(client_time, sizeof client_time, in->client_time);
    } else {
        char now[21];
        time_format_utc(time_now(), now);
        /* the server's instant, in the same form as a device's */
        snprintf(client_time, sizeof client_time, "%.19s.000Z", now);
    }
    if (ses.id && ses.client_time[0] && strcmp(client_time, ses.client_time) < 0) {
        applied = false;
        goto out;
    }
    /* the new statuses: present unless marked */
    for (int i = 0; i < r.n; i++) {
        r.p[i].status = ATT_PRESENT;
        free(r.p[i].reason);
        r.p[i].reason = xstrdup("");
    }
    for (int i = 0; i < in->marks_n; i++) {
        struct pupil *p = roster_find(&r, in->marks[i].student_id);
        p->status = in->marks[i].status;
        free(p->reason);
        p->reason = xstrdup(p->status == ATT_PRESENT ? "" : in->marks[i].reason);
    }
    if (session_write(s, actor, &sec, in->date, in->block, &ses, &r,
                      client_time, NULL, error_r) < 0 ||
        (in->block > 0 && day_from_blocks(s, actor, &sec, in->date, error_r) < 0)) {
        rc = REC_ERROR;
        goto out;
    }
    /* the absence alerts: every student absent that day (the day's record) */
    {
        int64_t *ids = NULL;
        int n = 0;
        struct db_stmt *st = db_query(
            s->conn, error_r,
            "SELECT m.student_id FROM attendance_marks m"
            " JOIN attendance_sessions a ON a.id = m.session_id"
            " WHERE a.section_id = ? AND a.date = ? AND a.block = 0"
            " AND m.status = 'absent'",
            "it", in->section_id, in->date);
        int qr = st ? DB_DONE : DB_ERROR;
        while (st && (qr = db_step(st, error_r)) == DB_ROW) {
            ids = xrealloc(ids, (size_t)(n + 1) * sizeof *ids);
            ids[n++] = db_int(st, 0);
        }
        db_finish(&st);
        if (qr != DB_DONE ||
            (n && attendance_alerts_check(s, actor, t, base_url, ids, n, in->date,
                                          &queued, error_r) < 0))
            rc = REC_ERROR;
        free(ids);
    }
out:
    /* the reply, as GET shows it, from what is now stored: the block's
     * session and marks (re-read: taken_by's name, taken_at) */
    if (rc == REC_OK) {
        for (int i = 0; applied && i < r.n; i++) {
            struct pupil *p = &r.p[i];
            p->old_status = p->status;
            free(p->old_reason);
            p->old_reason = xstrdup(p->reason);
        }
        struct session now_ses;
        if (session_load(s, in->section_id, in->date, in->block, &now_ses,
                         error_r) < 0)
            rc = REC_ERROR;
        else
            *att_r = attendance_json(&sec, in->date, in->block, true, NULL,
                                     &now_ses, &r);
        free(now_ses.taken_by);
    }
    if (store_end(s, rc == REC_OK && applied, rc == REC_OK ? error_r : NULL) < 0 &&
        rc == REC_OK)
        rc = REC_ERROR;
    roster_free(&r);
    free(ses.taken_by);
    if (rc != REC_OK) {
        json_decref(*att_r);
        *att_r = NULL;
        return rc;
    }
    if (queued)
        mail_notify(s->name);
    json_object_set_new(*att_r, "applied", json_boolean(applied));
    return REC_OK;
}

/* ---- a parent's view ---------------------------------------------------- */

int attendance_child_month(struct store *s, int64_t user_id,
                           int64_t student_id, const char *month,
                           json_t **month_r, const char **error_r)
{
    *month_r = NULL;
    char first[11], last[11];
    snprintf(first, sizeof first, "%.7s-01", month);
    int64_t d0, d1;
    if (!calendar_day_number(first, &d0))
        return REC_INVALID;
    /* the month's last day: the day before the next month's first */
    int y = atoi(month), m = atoi(month + 5);
    char next[16];
    unsigned ny = (unsigned)(m == 12 ? y + 1 : y) % 10000u,
             nm = (unsigned)(m == 12 ? 1 : m + 1) % 100u;
    snprintf(next, sizeof next, "%04u-%02u-01", ny, nm);
    if (!calendar_day_number(next, &d1))
        return REC_INVALID;
    d1--;
    calendar_date_of(d1, last);

    store_lock(s);
    int64_t mine = 0;
    int rc = REC_OK;
    if (db_query_int(s->conn, error_r, &mine,
                     "SELECT COUNT(*) FROM student_representatives sr"
                     " JOIN representatives r ON r.id = sr.representative_id"
                     " WHERE sr.student_id = ? AND r.user_id = ?",
                     "ii", student_id, user_id) < 0) {
        store_unlock(s);
        return REC_ERROR;
    }
    if (mine == 0) {
        store_unlock(s);
        return REC_NOT_FOUND;
    }
    json_t *student = NULL;
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT st.id, st.first_names, st.last_names,"
        " COALESCE(g.name || ' ' || sc.letter, '')"
        " FROM students st LEFT JOIN sections sc ON sc.id = st.section_id"
        " LEFT JOIN grades g ON g.id = sc.grade_id WHERE st.id = ?",
        "i", student_id);
    if (st && db_step(st, error_r) == DB_ROW) {
        char names[512];
        snprintf(names, sizeof names, "%s %s", db_text(st, 1), db_text(st, 2));
        student = json_pack("{s:I,s:s,s:s,s:s,s:o}", "id",
                            (json_int_t)db_int(st, 0), "names", names,
                            "first_names", db_text(st, 1), "last_names",
                            db_text(st, 2), "section",
                            db_text(st, 3)[0] ? json_string(db_text(st, 3))
                                              : json_null());
    }
    db_finish(&st);
    if (student == NULL) {
        store_unlock(s);
        return REC_ERROR;
    }
    /* the calendars of the year(s) the month's first and last days are in */
    struct school_calendar cal[2];
    bool loaded[2] = {false, false};
    const char *ends[2] = {first, last};
    for (int k = 0; k < 2 && rc == REC_OK; k++) {
        int lr = calendar_load_for_date(s, ends[k], &cal[k], error_r);
        if (lr == REC_OK)
            loaded[k] = true;
        else if (lr != REC_NOT_FOUND)
            rc = REC_ERROR;
    }
    /* the day records (block 0) of the sections the student was in */
    int span = (int)(d1 - d0 + 1);
    int status[31];
    char *reasons[31] = {NULL};
    for (int i = 0; i < 31; i++)
        status[i] = -1;
    if (rc == REC_OK) {
        st = db_query(
            s->conn, error_r,
            "SELECT a.date, m.status, m.reason FROM attendance_sessions a"
            " JOIN enrolments e ON e.section_id = a.section_id"
            " AND e.student_id = ? AND e.starts_on <= a.date"
            " AND (e.ends_on IS NULL OR e.ends_on >= a.date)"
            " LEFT JOIN attendance_marks m ON m.session_id = a.id"
            " AND m.student_id = ?"
            " WHERE a.block = 0 AND a.date >= ? AND a.date <= ?"
            " ORDER BY a.date, a.id",
            "iitt", student_id, student_id, first, last);
        int qr = st ? DB_DONE : DB_ERROR;
        while (st && (qr = db_step(st, error_r)) == DB_ROW) {
            int64_t d;
            if (!calendar_day_number(db_text(st, 0), &d) || d < d0 || d > d1)
                continue;
            int i = (int)(d - d0);
            int v = db_null(st, 1) ? ATT_PRESENT
                                   : attendance_status_parse(db_text(st, 1));
            if (v < 0)
                v = ATT_PRESENT;
            /* moved that day: the later section's record wins */
            status[i] = v;
            free(reasons[i]);
            reasons[i] = xstrdup(db_null(st, 2) ? "" : db_text(st, 2));
        }
        db_finish(&st);
        if (qr != DB_DONE)
            rc = REC_ERROR;
    }
    store_unlock(s);
    json_t *days = json_array();
    int totals[4] = {0, 0, 0, 0}, school_days = 0, taken = 0;
    for (int i = 0; rc == REC_OK && i < span; i++) {
        char date[11];
        calendar_date_of(d0 + i, date);
        bool school = false;
        for (int k = 0; k < 2; k++)
            if (loaded[k] && calendar_day_kind(&cal[k], date) == CAL_SCHOOL)
                school = true;
        int v = school ? status[i] : -1;
        if (school)
            school_days++;
        if (v >= 0) {
            taken++;
            totals[v]++;
        }
        json_array_append_new(
            days, json_pack("{s:s,s:b,s:o,s:o}", "date", date, "school_day",
                            school, "status",
                            v >= 0 ? json_string(attendance_status_name(v))
                                   : json_null(),
                            "reason",
                            v >= 0 && reasons[i] && reasons[i][0]
                                ? json_string(reasons[i])
                                : json_null()));
    }
    for (int k = 0; k < 2; k++)
        if (loaded[k])
            calendar_cleanup(&cal[k]);
    for (int i = 0; i < 31; i++)
        free(reasons[i]);
    if (rc != REC_OK) {
        json_decref(student);
        json_decref(days);
        return rc;
    }
    char mon[8];
    snprintf(mon, sizeof mon, "%.7s", month);
    *month_r = json_pack(
        "{s:o,s:s,s:o,s:{s:i,s:i,s:i,s:i,s:i,s:i}}", "student", student,
        "month", mon, "days", days, "totals", "school_days", school_days,
        "taken", taken, "present", totals[ATT_PRESENT], "absent",
        totals[ATT_ABSENT], "late", totals[ATT_LATE], "justified",
        totals[ATT_JUSTIFIED]);
    return REC_OK;
}
