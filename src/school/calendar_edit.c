/*
 * The school year's calendar as the API and the page see it (issue #16,
 * part `calendar`): the year with its non-school days and its count of
 * school days per month (calendar_json), adding a holiday, a break or a
 * closure as a range of dates (calendar_add_days), removing one day
 * (calendar_remove_day), re-adding the national holidays that are missing
 * (calendar_holidays_restore) and the demo school's breaks
 * (calendar_demo_breaks).
 *
 * The rule of what a school day is stays in calendar.c: this file only
 * writes rows of calendar_days and reads the counts back through
 * calendar_load(). Every write runs in its own transaction and leaves one
 * audit row per day written ("create", "update" or "delete" of
 * "calendar_day", with its year, date, kind and name), the shape
 * calendar_prefill_holidays() writes for a holiday.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "school/calendar.h"

/* A day's name: at most this many bytes (the handler says the same). */
#define CALENDAR_NAME_MAX 100

static const char *const kinds[] = {"feriado", "vacaciones", "cierre", "otro", NULL};

static bool kind_valid(const char *kind)
{
    for (int i = 0; kind && kinds[i]; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return true;
    return false;
}

/* Ends a transaction begun by a writer: commits on REC_OK. */
static int finish(struct store *s, int rc, const char **error_r)
{
    if (store_end(s, rc == REC_OK, rc == REC_OK ? error_r : NULL) < 0 && rc == REC_OK)
        return REC_ERROR;
    return rc;
}

/* The year `year_id` names (0: the current one): REC_OK with its id and
 * dates, REC_NOT_FOUND, REC_ERROR. Caller holds the store. */
static int year_of(struct store *s, int64_t year_id, int64_t *id_r, char name[32],
                   char starts_on[11], char ends_on[11], const char **error_r)
{
    if (year_id == 0) {
        int cur = school_year_current(s, &year_id, error_r);
        if (cur < 0)
            return REC_ERROR;
        if (cur == 0)
            return REC_NOT_FOUND;
    }
    struct db_stmt *st = db_query(s->conn, error_r,
                                  "SELECT name, starts_on, ends_on FROM school_years WHERE id = ?",
                                  "i", year_id);
    if (st == NULL)
        return REC_ERROR;
    int rc = db_step(st, error_r);
    if (rc == DB_ROW) {
        str_copy(name, 32, db_text(st, 0));
        str_copy(starts_on, 11, db_text(st, 1));
        str_copy(ends_on, 11, db_text(st, 2));
    }
    db_finish(&st);
    if (rc < 0)
        return REC_ERROR;
    if (rc != DB_ROW)
        return REC_NOT_FOUND;
    *id_r = year_id;
    return REC_OK;
}

/* ---- reading ---- */

/* The last day of the month of day number `day`. */
static int64_t month_end(int64_t day)
{
    char d[11];
    calendar_date_of(day, d);
    int y = atoi(d), m = atoi(d + 5);
    int64_t next;
    char first[11], t[48];
    snprintf(t, sizeof t, "%04d-%02d-01", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
    str_copy(first, sizeof first, t);
    calendar_day_number(first, &next);
    return next - 1;
}

static int json_locked(struct store *s, int64_t year_id, json_t **cal_r, const char **error_r)
{
    int64_t id = 0;
    char name[32], a[11], b[11];
    int rc = year_of(s, year_id, &id, name, a, b, error_r);
    if (rc != REC_OK)
        return rc;
    struct school_calendar cal;
    rc = calendar_load(s, id, &cal, error_r);
    if (rc != REC_OK)
        return rc;
    int64_t first, last;
    calendar_day_number(cal.starts_on, &first);
    calendar_day_number(cal.ends_on, &last);
    int weekdays = 0;
    for (int64_t d = first; d <= last; d++)
        weekdays += calendar_weekday(d) <= 5;

    json_t *months = json_array();
    for (int64_t m = first; m <= last;) {
        int64_t end = month_end(m);
        if (end > last)
            end = last;
        char from[11], to[11];
        calendar_date_of(m, from);
        calendar_date_of(end, to);
        json_array_append_new(months,
                              json_pack("{s:s%,s:i}", "month", from, (size_t)7, "school_days",
                                        calendar_count_school_days(&cal, from, to)));
        m = end + 1;
    }

    json_t *days = json_array();
    struct db_stmt *st = db_query(s->conn, error_r,
                                  "SELECT id, date, kind, name FROM calendar_days"
                                  " WHERE year_id = ? AND date >= ? AND date <= ?"
                                  " ORDER BY date",
                                  "itt", id, cal.starts_on, cal.ends_on);
    int step = st ? 0 : -1;
    while (st && (step = db_step(st, error_r)) == DB_ROW)
        json_array_append_new(days, json_pack("{s:I,s:s,s:s,s:s}", "id",
                                              (json_int_t)db_int(st, 0), "date", db_text(st, 1),
                                              "kind", db_text(st, 2), "name", db_text(st, 3)));
    db_finish(&st);
    if (step < 0) {
        json_decref(days);
        json_decref(months);
        calendar_cleanup(&cal);
        return REC_ERROR;
    }
    *cal_r = json_pack("{s:{s:I,s:s,s:s,s:s},s:i,s:i,s:i,s:o,s:o}", "year", "id",
                       (json_int_t)id, "name", cal.year_name, "starts_on", cal.starts_on,
                       "ends_on", cal.ends_on, "school_days",
                       calendar_count_school_days(&cal, cal.starts_on, cal.ends_on), "required",
                       CALENDAR_REQUIRED_DAYS, "weekdays", weekdays, "days", days, "months",
                       months);
    calendar_cleanup(&cal);
    return REC_OK;
}

int calendar_json(struct store *s, int64_t year_id, json_t **cal_r, const char **error_r)
{
    *cal_r = NULL;
    store_lock(s);
    int rc = json_locked(s, year_id, cal_r, error_r);
    store_unlock(s);
    return rc;
}

/* ---- writing ---- */

static json_t *day_json(int64_t year_id, const char *date, const char *kind, const char *name)
{
    return json_pack("{s:I,s:s,s:s,s:s}", "year_id", (json_int_t)year_id, "date", date, "kind",
                     kind, "name", name);
}

/* Marks one date of the year as `kind`/`name` (inside the caller's
 * transaction): a new row, or the existing one updated (unless `keep`:
 * then a date already marked is left as it is). *written_r says whether
 * anything changed. */
static int day_put(struct store *s, const struct actor *actor, int64_t year_id,
                   const char *date, const char *kind, const char *name, bool keep,
                   bool *written_r, const char **error_r)
{
    *written_r = false;
    struct db_stmt *st = db_query(s->conn, error_r,
                                  "SELECT id, kind, name FROM calendar_days"
                                  " WHERE year_id = ? AND date = ?",
                                  "it", year_id, date);
    if (st == NULL)
        return -1;
    int rc = db_step(st, error_r);
    int64_t id = 0;
    char old_kind[16] = "", old_name[CALENDAR_NAME_MAX + 1] = "";
    if (rc == DB_ROW) {
        id = db_int(st, 0);
        str_copy(old_kind, sizeof old_kind, db_text(st, 1));
        str_copy(old_name, sizeof old_name, db_text(st, 2));
    }
    db_finish(&st);
    if (rc < 0)
        return -1;
    char now[21];
    time_format_utc(time_now(), now);
    if (id != 0) {
        if (keep || (strcmp(old_kind, kind) == 0 && strcmp(old_name, name) == 0))
            return 0;
        if (db_run(s->conn, error_r,
                   "UPDATE calendar_days SET kind = ?, name = ?, updated_at = ? WHERE id = ?",
                   "ttti", kind, name, now, id) < 0)
            return -1;
        /* what changed, with the date that says which day it was (the
           row is written whole, not through rec_audit's diff, which would
           drop the unchanged date) */
        json_t *before = json_pack("{s:s}", "date", date), *after = json_pack("{s:s}", "date", date);
        if (strcmp(old_kind, kind) != 0) {
            json_object_set_new(before, "kind", json_string(old_kind));
            json_object_set_new(after, "kind", json_string(kind));
        }
        if (strcmp(old_name, name) != 0) {
            json_object_set_new(before, "name", json_string(old_name));
            json_object_set_new(after, "name", json_string(name));
        }
        char idtext[24];
        snprintf(idtext, sizeof idtext, "%lld", (long long)id);
        struct audit_entry e = {"update", "calendar_day", idtext, before, after};
        int arc = audit_write(s, actor, &e, error_r);
        json_decref(before);
        json_decref(after);
        if (arc < 0)
            return -1;
        *written_r = true;
        return 0;
    }
    if (db_query_int(s->conn, error_r, &id,
                     "INSERT INTO calendar_days (year_id, date, kind, name, created_at,"
                     " updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                     "ittttt", year_id, date, kind, name, now, now) < 0 ||
        id == 0)
        return -1;
    json_t *after = day_json(year_id, date, kind, name);
    int arc = rec_audit(s, actor, "create", "calendar_day", id, NULL, after, error_r);
    json_decref(after);
    if (arc < 0)
        return -1;
    *written_r = true;
    return 0;
}

/* Marks the weekdays from day `a` to `b` (inside the year, checked);
 * *written_r counts the days written. */
static int range_put(struct store *s, const struct actor *actor, int64_t year_id, int64_t a,
                     int64_t b, const char *kind, const char *name, bool keep, int *written_r,
                     const char **error_r)
{
    for (int64_t d = a; d <= b; d++) {
        if (calendar_weekday(d) > 5)
            continue;
        char date[11];
        calendar_date_of(d, date);
        bool written;
        if (day_put(s, actor, year_id, date, kind, name, keep, &written, error_r) < 0)
            return -1;
        *written_r += written;
    }
    return 0;
}

int calendar_add_days(struct store *s, const struct actor *actor, int64_t year_id,
                      const char *from, const char *to, const char *kind, const char *name,
                      struct rec_errors *errs, int *added_r, const char **error_r)
{
    *added_r = 0;
    if (to == NULL || to[0] == '\0')
        to = from;
    if (name == NULL)
        name = "";
    int64_t a = 0, b = 0;
    bool fa = calendar_day_number(from, &a), fb = calendar_day_number(to, &b);
    if (!fa)
        rec_error(errs, "from", "Indique la fecha de inicio (AAAA-MM-DD).");
    if (!fb)
        rec_error(errs, "to", "Indique la fecha final (AAAA-MM-DD).");
    if (fa && fb && b < a)
        rec_error(errs, "to", "La fecha final debe ser igual o posterior a la de inicio.");
    if (!kind_valid(kind))
        rec_error(errs, "kind",
                  "Indique el tipo de día: feriado, vacaciones, cierre u otro.");
    if (name[0] == '\0')
        rec_error(errs, "name", "Indique el nombre, como «Vacaciones de Navidad».");
    else if (strlen(name) > CALENDAR_NAME_MAX)
        rec_error(errs, "name", "El nombre admite hasta 100 caracteres.");
    if (fa && fb && b >= a) {
        bool weekday = false;
        for (int64_t d = a; d <= b && !weekday; d++)
            weekday = calendar_weekday(d) <= 5;
        if (!weekday)
            rec_error(errs, "from",
                      "Esas fechas caen en sábado o domingo, que ya no son días hábiles.");
    }
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    int64_t id = 0;
    char yname[32], ya[11], yb[11];
    int rc = year_of(s, year_id, &id, yname, ya, yb, error_r);
    if (rc == REC_NOT_FOUND && year_id == 0) {
        rec_error(errs, "year_id",
                  "El plantel aún no tiene un año escolar actual: créelo en Estructura.");
        rc = REC_INVALID;
    }
    if (rc == REC_OK && (fa || fb)) {
        int64_t ys, ye;
        calendar_day_number(ya, &ys);
        calendar_day_number(yb, &ye);
        static const char outside[] =
            "La fecha debe estar dentro del año escolar (vea sus fechas en el calendario).";
        if (fa && (a < ys || a > ye))
            rec_error(errs, "from", outside);
        if (fb && (b < ys || b > ye))
            rec_error(errs, "to", outside);
    }
    if (rc == REC_OK && errs->n)
        rc = REC_INVALID;
    if (rc == REC_OK &&
        range_put(s, actor, id, a, b, kind, name, false, added_r, error_r) < 0)
        rc = REC_ERROR;
    rc = finish(s, rc, error_r);
    if (rc != REC_OK)
        *added_r = 0;
    return rc;
}

int calendar_remove_day(struct store *s, const struct actor *actor, int64_t id,
                        int64_t *year_id_r, const char **error_r)
{
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    struct db_stmt *st = db_query(s->conn, error_r,
                                  "SELECT year_id, date, kind, name FROM calendar_days WHERE id = ?",
                                  "i", id);
    int rc = st ? db_step(st, error_r) : -1;
    json_t *before = NULL;
    int64_t year_id = 0;
    if (rc == DB_ROW) {
        year_id = db_int(st, 0);
        before = day_json(year_id, db_text(st, 1), db_text(st, 2), db_text(st, 3));
    }
    db_finish(&st);
    rc = rc < 0 ? REC_ERROR : rc == DB_ROW ? REC_OK : REC_NOT_FOUND;
    if (rc == REC_OK &&
        (db_run(s->conn, error_r, "DELETE FROM calendar_days WHERE id = ?", "i", id) < 0 ||
         rec_audit(s, actor, "delete", "calendar_day", id, before, NULL, error_r) < 0))
        rc = REC_ERROR;
    json_decref(before);
    rc = finish(s, rc, error_r);
    if (rc == REC_OK && year_id_r)
        *year_id_r = year_id;
    return rc;
}

int calendar_holidays_restore(struct store *s, const struct actor *actor, int64_t year_id,
                              int64_t *year_id_r, int *added_r, const char **error_r)
{
    *added_r = 0;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    int64_t id = 0;
    char name[32], a[11], b[11];
    int rc = year_of(s, year_id, &id, name, a, b, error_r);
    int n = 0;
    if (rc == REC_OK && (n = calendar_prefill_holidays(s, actor, id, error_r)) < 0)
        rc = REC_ERROR;
    rc = finish(s, rc, error_r);
    if (rc == REC_OK) {
        *added_r = n;
        if (year_id_r)
            *year_id_r = id;
    }
    return rc;
}

int calendar_demo_breaks(struct store *s, const struct actor *actor, int64_t year_id,
                         const char **error_r)
{
    if (store_begin(s, error_r) < 0)
        return -1;
    int64_t id = 0;
    char name[32], a[11], b[11];
    int rc = year_of(s, year_id, &id, name, a, b, error_r);
    if (rc == REC_NOT_FOUND) {
        *error_r = "no school year to give the demo breaks to";
        rc = REC_ERROR;
    }
    int added = 0;
    if (rc == REC_OK) {
        int64_t ys, ye;
        calendar_day_number(a, &ys);
        calendar_day_number(b, &ye);
        int y1 = atoi(a);
        char t[48], from[11], to[11];
        snprintf(t, sizeof t, "%04d-12-19", y1);
        str_copy(from, sizeof from, t);
        snprintf(t, sizeof t, "%04d-01-06", y1 + 1);
        str_copy(to, sizeof to, t);
        int64_t xa, xb;
        calendar_day_number(from, &xa);
        calendar_day_number(to, &xb);
        /* Holy Week: Monday to Wednesday (Thursday and Friday are holidays) */
        int64_t easter = calendar_easter(y1 + 1);
        struct {
            int64_t a, b;
            const char *name;
        } breaks[] = {{xa, xb, "Vacaciones de Navidad"},
                      {easter - 6, easter - 4, "Semana Santa"}};
        for (size_t i = 0; i < sizeof breaks / sizeof breaks[0] && rc == REC_OK; i++) {
            int64_t lo = breaks[i].a < ys ? ys : breaks[i].a;
            int64_t hi = breaks[i].b > ye ? ye : breaks[i].b;
            if (lo <= hi && range_put(s, actor, id, lo, hi, "vacaciones", breaks[i].name, true,
                                      &added, error_r) < 0)
                rc = REC_ERROR;
        }
    }
    rc = finish(s, rc, error_r);
    return rc == REC_OK ? added : -1;
}
