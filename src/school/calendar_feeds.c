/*
 * Calendar subscriptions (tt_export.h): a teacher's or a section's week of
 * the active timetable as iCalendar (RFC 5545) at a secret, revocable URL.
 *
 * The token is random (24 bytes as hex after "bis_c_"), shown once on
 * creation; the store keeps its SHA-256, so a leaked database gives no
 * working URL. Reading a feed needs no session: the token is the key.
 *
 * The calendar: one weekly recurring event per lesson of the target and
 * per lapso of the current school year (lapsos leave out the holidays
 * between them; a year without lapsos is one range; a school without a
 * year gets the next 52 weeks), starting the first day of the range on
 * the lesson's weekday, at its bell schedule's times, in the school's
 * time zone (a VTIMEZONE with the zone's offset: Venezuela's zones keep
 * no daylight saving time), until the range's last day. A lesson whose
 * section has no bell schedule has no times and is left out. No active
 * timetable: a calendar without events, which fills in once one is
 * activated, since calendar programs fetch the URL again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/tz.h"
#include "core/tzcache.h"
#include "core/util.h"
#include "school/school.h"
#include "school/tt_export.h"

/* ---- the feeds ---------------------------------------------------------- */

static int own_staff(struct store *s, int64_t user_id, int64_t *staff_r,
                     const char **error_r)
{
    *staff_r = 0;
    if (user_id <= 0)
        return 0;
    return db_query_int(s->conn, error_r, staff_r,
                        "SELECT id FROM staff WHERE user_id = ?"
                        " ORDER BY id LIMIT 1",
                        "i", user_id) == DB_DONE
               ? 0
               : -1;
}

/* The target's name ("1er Año A", "María Pérez"): 1, 0 when none. */
static int target_name(struct store *s, const char *kind, int64_t id,
                       char *out, size_t n, const char **error_r)
{
    struct db_stmt *st =
        strcmp(kind, "section") == 0
            ? db_query(s->conn, error_r,
                       "SELECT g.name || ' ' || sc.letter FROM sections sc"
                       " JOIN grades g ON g.id = sc.grade_id"
                       " WHERE sc.id = ?",
                       "i", id)
            : db_query(s->conn, error_r,
                       "SELECT trim(first_names || ' ' || last_names) FROM staff"
                       " WHERE id = ?",
                       "i", id);
    if (st == NULL)
        return -1;
    int rc = db_step(st, error_r);
    if (rc == DB_ROW)
        str_copy(out, n, db_text(st, 0));
    db_finish(&st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

static json_t *feed_json(int64_t id, const char *kind, int64_t target_id,
                         const char *target, const char *created_at)
{
    return json_pack("{s:I,s:s,s:I,s:s,s:s}", "id", (json_int_t)id, "kind",
                     kind, "target_id", (json_int_t)target_id, "target",
                     target, "created_at", created_at);
}

int calendar_feed_create(struct store *s, const struct actor *actor,
                         bool admin, const char *kind, int64_t target_id,
                         char token_r[CALENDAR_FEED_TOKEN_SIZE],
                         json_t **feed_r, const char **error_r)
{
    *feed_r = NULL;
    if (store_begin(s, error_r) < 0)
        return FEED_STORE_ERROR;
    int rc = FEED_OK;
    int64_t mine = 0;
    if (own_staff(s, actor->user_id, &mine, error_r) < 0)
        rc = FEED_STORE_ERROR;
    if (rc == FEED_OK && target_id == 0 && strcmp(kind, "teacher") == 0)
        target_id = mine;
    /* a teacher: their own week only */
    if (rc == FEED_OK && !admin &&
        (strcmp(kind, "teacher") != 0 || mine == 0 || target_id != mine))
        rc = FEED_NOT_FOUND;
    char name[256] = "";
    if (rc == FEED_OK) {
        int found = target_id > 0 ? target_name(s, kind, target_id, name,
                                                sizeof name, error_r)
                                  : 0;
        rc = found < 0 ? FEED_STORE_ERROR : found ? FEED_OK : FEED_NOT_FOUND;
    }
    char now[21], hash[65];
    time_format_utc(time_now(), now);
    int64_t id = 0;
    if (rc == FEED_OK) {
        char hex[49];
        random_hex(hex, 24);
        snprintf(token_r, CALENDAR_FEED_TOKEN_SIZE, CALENDAR_FEED_PREFIX "%s",
                 hex);
        sha256_hex(token_r, hash);
        struct db_stmt *st = db_query(
            s->conn, error_r,
            "INSERT INTO calendar_feeds (kind, target_id, token_hash,"
            " created_by, created_at) VALUES (?, ?, ?, NULLIF(?, 0), ?)"
            " RETURNING id",
            "titit", kind, target_id, hash,
            actor->user_id > 0 ? actor->user_id : (int64_t)0, now);
        if (st == NULL || db_step(st, error_r) != DB_ROW)
            rc = FEED_STORE_ERROR;
        else
            id = db_int(st, 0);
        db_finish(&st);
    }
    if (rc == FEED_OK) {
        *feed_r = feed_json(id, kind, target_id, name, now);
        char eid[24];
        snprintf(eid, sizeof eid, "%lld", (long long)id);
        json_t *after = json_pack("{s:s,s:I,s:s}", "kind", kind, "target_id",
                                  (json_int_t)target_id, "target", name);
        struct audit_entry e = {"create", "calendar_feed", eid, NULL, after};
        if (audit_write(s, actor, &e, error_r) < 0)
            rc = FEED_STORE_ERROR;
        json_decref(after);
    }
    if (store_end(s, rc == FEED_OK, error_r) < 0 && rc == FEED_OK)
        rc = FEED_STORE_ERROR;
    if (rc != FEED_OK) {
        json_decref(*feed_r);
        *feed_r = NULL;
        memset(token_r, 0, CALENDAR_FEED_TOKEN_SIZE);
    }
    return rc;
}

static const char *const SQL_FEEDS =
    "SELECT f.id, f.kind, f.target_id, f.created_at,"
    " CASE f.kind WHEN 'section' THEN"
    "  (SELECT g.name || ' ' || sc.letter FROM sections sc"
    "   JOIN grades g ON g.id = sc.grade_id WHERE sc.id = f.target_id)"
    " ELSE (SELECT trim(first_names || ' ' || last_names) FROM staff"
    "   WHERE id = f.target_id) END"
    " FROM calendar_feeds f WHERE f.revoked_at IS NULL";

json_t *calendar_feeds_list(struct store *s, bool admin, int64_t user_id,
                            const char **error_r)
{
    store_lock(s);
    int64_t mine = 0;
    json_t *items = NULL;
    if (!admin && own_staff(s, user_id, &mine, error_r) < 0)
        goto out;
    char sql[1024];
    snprintf(sql, sizeof sql, "%s%s ORDER BY f.id DESC", SQL_FEEDS,
             admin ? "" : " AND f.kind = 'teacher' AND f.target_id = ?");
    struct db_stmt *st = admin ? db_query(s->conn, error_r, sql, "")
                               : db_query(s->conn, error_r, sql, "i", mine);
    if (st == NULL)
        goto out;
    items = json_array();
    int rc;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        const char *target = db_text_or_null(st, 4);
        if (target == NULL)
            continue; /* its teacher or section is gone: the feed is dead */
        json_array_append_new(items,
                              feed_json(db_int(st, 0), db_text(st, 1),
                                        db_int(st, 2), target,
                                        db_text(st, 3)));
    }
    db_finish(&st);
    if (rc < 0) {
        json_decref(items);
        items = NULL;
    }
out:
    store_unlock(s);
    return items;
}

int calendar_feed_revoke(struct store *s, const struct actor *actor,
                         bool admin, int64_t id, const char **error_r)
{
    if (store_begin(s, error_r) < 0)
        return FEED_STORE_ERROR;
    int rc = FEED_OK;
    int64_t mine = 0;
    if (!admin && own_staff(s, actor->user_id, &mine, error_r) < 0)
        rc = FEED_STORE_ERROR;
    char kind[16] = "";
    int64_t target = 0;
    if (rc == FEED_OK) {
        struct db_stmt *st = db_query(
            s->conn, error_r,
            "SELECT kind, target_id FROM calendar_feeds"
            " WHERE id = ? AND revoked_at IS NULL",
            "i", id);
        int step = st ? db_step(st, error_r) : -1;
        if (step == DB_ROW) {
            str_copy(kind, sizeof kind, db_text(st, 0));
            target = db_int(st, 1);
        }
        db_finish(&st);
        rc = step < 0 ? FEED_STORE_ERROR
             : step == DB_ROW ? FEED_OK
                              : FEED_NOT_FOUND;
    }
    if (rc == FEED_OK && !admin &&
        (strcmp(kind, "teacher") != 0 || mine == 0 || target != mine))
        rc = FEED_NOT_FOUND;
    char now[21];
    time_format_utc(time_now(), now);
    if (rc == FEED_OK &&
        db_run(s->conn, error_r,
               "UPDATE calendar_feeds SET revoked_at = ? WHERE id = ?", "ti",
               now, id) != DB_DONE)
        rc = FEED_STORE_ERROR;
    if (rc == FEED_OK) {
        char eid[24];
        snprintf(eid, sizeof eid, "%lld", (long long)id);
        json_t *before = json_pack("{s:s,s:I}", "kind", kind, "target_id",
                                   (json_int_t)target);
        json_t *after = json_pack("{s:s}", "revoked_at", now);
        struct audit_entry e = {"revoke", "calendar_feed", eid, before,
                                after};
        if (audit_write(s, actor, &e, error_r) < 0)
            rc = FEED_STORE_ERROR;
        json_decref(before);
        json_decref(after);
    }
    if (store_end(s, rc == FEED_OK, error_r) < 0 && rc == FEED_OK)
        rc = FEED_STORE_ERROR;
    return rc;
}

/* ---- iCalendar ------------------------------------------------------ */

/* A content line: NAME:value with TEXT escaping (when `text`) and folding
 * at 75 octets, never inside a UTF-8 character; CRLF at the end. */
static void ics_line(struct strbuf *sb, const char *name, const char *value,
                     bool text)
{
    struct strbuf line;
    strbuf_init(&line);
    strbuf_adds(&line, name);
    strbuf_adds(&line, ":");
    for (const char *c = value; *c; c++) {
        if (text && (*c == '\\' || *c == ';' || *c == ',')) {
            strbuf_add(&line, "\\", 1);
            strbuf_add(&line, c, 1);
        } else if (text && *c == '\n') {
            strbuf_adds(&line, "\\n");
        } else if ((unsigned char)*c >= 0x20 || *c == '\t') {
            strbuf_add(&line, c, 1);
        }
    }
    size_t col = 0;
    for (size_t i = 0; i < line.len; i++) {
        unsigned char ch = (unsigned char)line.data[i];
        bool starts_char = (ch & 0xC0) != 0x80;
        if (col >= 74 && starts_char) {
            strbuf_adds(sb, "\r\n ");
            col = 1;
        }
        strbuf_add(sb, &line.data[i], 1);
        col++;
    }
    strbuf_adds(sb, "\r\n");
    strbuf_cleanup(&line);
}

/* YYYY-MM-DD of a day number since 1970-01-01. */
static void day_iso(int64_t days, char out[11])
{
    int y, m, d;
    tz_civil_from_days(days, &y, &m, &d);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u,
             (unsigned)m % 100u, (unsigned)d % 100u);
}

struct range {
    char from[11], to[11]; /* YYYY-MM-DD, inclusive */
};

#define MAX_RANGES 3

/* The current year's lapsos (or the year itself, or the next 52 weeks). */
static int feed_ranges(struct store *s, const char *today,
                       struct range ranges[MAX_RANGES], int *n_r,
                       const char **error_r)
{
    *n_r = 0;
    int64_t year = 0;
    char ystart[16] = "", yend[16] = "";
    struct db_stmt *st = db_query(s->conn, error_r,
                                  "SELECT id, starts_on, ends_on FROM"
                                  " school_years ORDER BY is_current DESC,"
                                  " starts_on DESC, id DESC LIMIT 1",
                                  "");
    if (st == NULL)
        return -1;
    int rc = db_step(st, error_r);
    if (rc == DB_ROW) {
        year = db_int(st, 0);
        str_copy(ystart, sizeof ystart, db_text(st, 1));
        str_copy(yend, sizeof yend, db_text(st, 2));
    }
    db_finish(&st);
    if (rc < 0)
        return -1;
    if (year) {
        st = db_query(s->conn, error_r,
                      "SELECT starts_on, ends_on FROM lapsos"
                      " WHERE year_id = ? ORDER BY number",
                      "i", year);
        if (st == NULL)
            return -1;
        while ((rc = db_step(st, error_r)) == DB_ROW && *n_r < MAX_RANGES) {
            str_copy(ranges[*n_r].from, 11, db_text(st, 0));
            str_copy(ranges[*n_r].to, 11, db_text(st, 1));
            (*n_r)++;
        }
        db_finish(&st);
        if (rc < 0)
            return -1;
        if (*n_r == 0) {
            str_copy(ranges[0].from, 11, ystart);
            str_copy(ranges[0].to, 11, yend);
            *n_r = 1;
        }
        return 0;
    }
    int y, m, d;
    if (tz_parse_date(today, &y, &m, &d) < 0)
        return 0;
    str_copy(ranges[0].from, 11, today);
    day_iso(tz_days_from_civil(y, m, d) + 364, ranges[0].to);
    *n_r = 1;
    return 0;
}

/* ISO weekday (1 = Monday) of a day number since 1970-01-01 (Thursday). */
static int weekday(int64_t days)
{
    int64_t w = (days + 3) % 7;
    if (w < 0)
        w += 7;
    return (int)w + 1;
}

static void ics_date_time(int64_t days, const char *hhmm, char out[16])
{
    int y, m, d;
    tz_civil_from_days(days, &y, &m, &d);
    unsigned hh = 0, mm = 0;
    if (sscanf(hhmm, "%u:%u", &hh, &mm) != 2)
        hh = mm = 0;
    snprintf(out, 16, "%04u%02u%02uT%02u%02u00", (unsigned)y % 10000u,
             (unsigned)m % 100u, (unsigned)d % 100u, hh % 100u, mm % 100u);
}

/* The class row of period p in schedule b, NULL when it has none. */
static const struct bell_period *class_row(const struct bell_schedule *b,
                                           int p)
{
    for (int i = 0; b && i < b->nrows; i++)
        if (b->rows[i].number == p)
            return &b->rows[i];
    return NULL;
}

static void ics_events(struct strbuf *sb, const struct school_timetable *tt,
                       const char *kind, int64_t target,
                       const struct tz *tz, const char *tzid,
                       const struct range *ranges,
                       int nranges, const char *uid_domain)
{
    char stamp[21], dtstamp[17];
    time_format_utc(time_now(), stamp);
    /* 2026-01-01T00:00:00Z -> 20260101T000000Z */
    snprintf(dtstamp, sizeof dtstamp, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", stamp,
             stamp + 5, stamp + 8, stamp + 11, stamp + 14, stamp + 17);
    bool by_section = strcmp(kind, "section") == 0;
    for (int i = 0; i < tt->nlessons; i++) {
        const struct school_lesson *l = &tt->lessons[i];
        if ((by_section ? l->section_id : l->staff_id) != target ||
            l->day < 1 || l->day > 7)
            continue;
        const struct bell_schedule *b =
            school_timetable_schedule(tt, l->schedule_id);
        const struct bell_period *first = class_row(b, l->period);
        const struct bell_period *last =
            class_row(b, l->period + l->length - 1);
        if (first == NULL || last == NULL)
            continue;
        char summary[512], desc[768];
        snprintf(summary, sizeof summary, "%s (%s)", l->subject_name,
                 by_section ? (l->teacher_name ? l->teacher_name : "sin docente")
                            : l->section_name);
        snprintf(desc, sizeof desc, "%s\nSección: %s\nDocente: %s%s%s",
                 l->subject_name, l->section_name,
                 l->teacher_name ? l->teacher_name : "sin asignar",
                 l->room_name ? "\nAula: " : "",
                 l->room_name ? l->room_name : "");
        for (int k = 0; k < nranges; k++) {
            int y, m, d;
            if (tz_parse_date(ranges[k].from, &y, &m, &d) < 0)
                continue;
            int64_t from = tz_days_from_civil(y, m, d);
            if (tz_parse_date(ranges[k].to, &y, &m, &d) < 0)
                continue;
            int64_t to = tz_days_from_civil(y, m, d);
            int64_t day = from + ((l->day - weekday(from)) + 7) % 7;
            if (day > to)
                continue;
            /* UNTIL: the end of the range's last day, in UTC */
            char next[11];
            day_iso(to + 1, next);
            int64_t until = 0;
            if (tz_local_midnight(tz, next, &until) < 0)
                continue;
            char u[21], rule[64], start[16], end[16], uid[160];
            time_format_utc(until - 1, u);
            snprintf(rule, sizeof rule,
                     "FREQ=WEEKLY;UNTIL=%.4s%.2s%.2sT%.2s%.2s%.2sZ", u, u + 5,
                     u + 8, u + 11, u + 14, u + 17);
            ics_date_time(day, first->starts_at, start);
            ics_date_time(day, last->ends_at, end);
            snprintf(uid, sizeof uid, "tt%lld-l%lld-%d@%s.bischeduler",
                     (long long)tt->id, (long long)l->id, k + 1, uid_domain);
            strbuf_adds(sb, "BEGIN:VEVENT\r\n");
            ics_line(sb, "UID", uid, false);
            ics_line(sb, "DTSTAMP", dtstamp, false);
            char prop[96];
            snprintf(prop, sizeof prop, "DTSTART;TZID=%s", tzid);
            ics_line(sb, prop, start, false);
            snprintf(prop, sizeof prop, "DTEND;TZID=%s", tzid);
            ics_line(sb, prop, end, false);
            ics_line(sb, "RRULE", rule, false);
            ics_line(sb, "SUMMARY", summary, true);
            if (l->room_name)
                ics_line(sb, "LOCATION", l->room_name, true);
            ics_line(sb, "DESCRIPTION", desc, true);
            strbuf_adds(sb, "END:VEVENT\r\n");
        }
    }
}

int calendar_feed_ics(struct store *s, const char *default_name,
                      const char *uid_domain, const char *token,
                      struct strbuf *ics_r, const char **error_r)
{
    strbuf_init(ics_r);
    if (strncmp(token, CALENDAR_FEED_PREFIX, strlen(CALENDAR_FEED_PREFIX)) ||
        strlen(token) != CALENDAR_FEED_TOKEN_SIZE - 1)
        return FEED_NOT_FOUND;
    char hash[65];
    sha256_hex(token, hash);
    if (store_begin_snapshot(s, error_r) < 0)
        return FEED_STORE_ERROR;
    int rc = FEED_OK;
    char kind[16] = "", name[256] = "", school[256], tzname[64];
    int64_t target = 0, tt_id = 0;
    struct school_timetable *tt = NULL;
    struct range ranges[MAX_RANGES];
    int nranges = 0;
    struct db_stmt *st = db_query(s->conn, error_r,
                                  "SELECT kind, target_id FROM calendar_feeds"
                                  " WHERE token_hash = ? AND revoked_at IS NULL",
                                  "t", hash);
    int step = st ? db_step(st, error_r) : -1;
    if (step == DB_ROW) {
        str_copy(kind, sizeof kind, db_text(st, 0));
        target = db_int(st, 1);
    }
    db_finish(&st);
    rc = step < 0 ? FEED_STORE_ERROR : step == DB_ROW ? FEED_OK : FEED_NOT_FOUND;
    if (rc == FEED_OK) {
        int found = target_name(s, kind, target, name, sizeof name, error_r);
        rc = found < 0 ? FEED_STORE_ERROR : found ? FEED_OK : FEED_NOT_FOUND;
    }
    str_copy(school, sizeof school, default_name ? default_name : "");
    str_copy(tzname, sizeof tzname, DEFAULT_TIMEZONE);
    for (int k = 0; rc == FEED_OK && k < 2; k++) {
        st = db_query(s->conn, error_r,
                      "SELECT value FROM tenant_settings WHERE key = ?", "t",
                      k ? SETTING_TIMEZONE : SETTING_NAME);
        if (st == NULL) {
            rc = FEED_STORE_ERROR;
            break;
        }
        if (db_step(st, NULL) == DB_ROW)
            str_copy(k ? tzname : school, k ? sizeof tzname : sizeof school,
                     db_text(st, 0));
        db_finish(&st);
    }
    const struct tz *tz = tz_cached(tzname);
    char today[TZ_DATE_SIZE];
    tz_local_date(tz, time_now(), today);
    if (rc == FEED_OK) {
        int found = school_timetable_active(s, &tt_id, error_r);
        if (found < 0 ||
            (found && school_timetable_load(s, tt_id, &tt, error_r) < 0) ||
            feed_ranges(s, today, ranges, &nranges, error_r) < 0)
            rc = FEED_STORE_ERROR;
    }
    const char *end_err = NULL;
    store_end(s, true, &end_err);
    if (rc != FEED_OK) {
        school_timetable_free(&tt);
        return rc;
    }

    struct strbuf *sb = ics_r;
    char line[600];
    strbuf_adds(sb, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
    ics_line(sb, "PRODID", "-//BiScheduler//Horarios//ES", false);
    ics_line(sb, "CALSCALE", "GREGORIAN", false);
    ics_line(sb, "METHOD", "PUBLISH", false);
    snprintf(line, sizeof line, "Horario de %s%s — %s",
             strcmp(kind, "teacher") == 0 ? "prof. " : "", name, school);
    ics_line(sb, "X-WR-CALNAME", line, true);
    ics_line(sb, "X-WR-TIMEZONE", tzname, false);
    /* the zone as it is now (no daylight saving time in Venezuela) */
    int off = tz_offset(tz, time_now());
    int aoff = off < 0 ? -off : off;
    char offs[8];
    snprintf(offs, sizeof offs, "%c%02d%02d", off < 0 ? '-' : '+',
             (aoff / 3600) % 100, (aoff / 60) % 60);
    strbuf_adds(sb, "BEGIN:VTIMEZONE\r\n");
    ics_line(sb, "TZID", tzname, false);
    strbuf_adds(sb, "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n");
    ics_line(sb, "TZOFFSETFROM", offs, false);
    ics_line(sb, "TZOFFSETTO", offs, false);
    strbuf_adds(sb, "END:STANDARD\r\nEND:VTIMEZONE\r\n");
    if (tt)
        ics_events(sb, tt, kind, target, tz, tzname, ranges, nranges,
                   uid_domain);
    strbuf_adds(sb, "END:VCALENDAR\r\n");
    school_timetable_free(&tt);
    return FEED_OK;
}
