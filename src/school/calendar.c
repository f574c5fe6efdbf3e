/*
 * The school year's calendar: which dates are school days (see
 * calendar.h). A year is loaded as one byte per day from its first to its
 * last date: weekends marked from the date, then the rows of calendar_days
 * over them; every question afterwards (is this a school day, how many
 * school days in a month) is answered from that array without the store.
 * Easter is computed with the Gregorian computus (the anonymous algorithm
 * published by Meeus), from which Carnaval and Holy Week follow. The API
 * half (listing and editing the calendar) is calendar_edit.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"
#include "core/util.h"
#include "school/calendar.h"

/* ---- dates ---- */

bool calendar_day_number(const char *date, int64_t *day_r)
{
    int y, m, d;
    if (date == NULL || strlen(date) != 10 || tz_parse_date(date, &y, &m, &d) < 0)
        return false;
    *day_r = tz_days_from_civil(y, m, d);
    return true;
}

void calendar_date_of(int64_t day, char out[11])
{
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    char t[48];
    snprintf(t, sizeof t, "%04d-%02d-%02d", y, m, d);
    str_copy(out, 11, t);
}

int calendar_weekday(int64_t day)
{
    /* 1970-01-01 was a Thursday (4) */
    int64_t w = (day + 3) % 7;
    if (w < 0)
        w += 7;
    return (int)w + 1;
}

int64_t calendar_easter(int year)
{
    int a = year % 19;
    int b = year / 100, c = year % 100;
    int d = b / 4, e = b % 4;
    int f = (b + 8) / 25;
    int g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31;
    int day = (h + l - 7 * m + 114) % 31 + 1;
    return tz_days_from_civil(year, month, day);
}

static int holiday_cmp(const void *a, const void *b)
{
    return strcmp(((const struct calendar_holiday *)a)->date,
                  ((const struct calendar_holiday *)b)->date);
}

int calendar_national_holidays(int year, struct calendar_holiday out[CALENDAR_HOLIDAYS_MAX])
{
    static const struct {
        int month, day;
        const char *name;
    } fixed[] = {
        {1, 1, "Año Nuevo"},
        {4, 19, "Declaración de la Independencia"},
        {5, 1, "Día del Trabajador"},
        {6, 24, "Batalla de Carabobo"},
        {7, 5, "Día de la Independencia"},
        {7, 24, "Natalicio del Libertador"},
        {10, 12, "Día de la Resistencia Indígena"},
        {12, 24, "Nochebuena"},
        {12, 25, "Navidad"},
        {12, 31, "Fin de Año"},
    };
    int n = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        calendar_date_of(tz_days_from_civil(year, fixed[i].month, fixed[i].day), out[n].date);
        out[n++].name = fixed[i].name;
    }
    int64_t easter = calendar_easter(year);
    static const struct {
        int offset;
        const char *name;
    } movable[] = {
        {-48, "Lunes de Carnaval"},
        {-47, "Martes de Carnaval"},
        {-3, "Jueves Santo"},
        {-2, "Viernes Santo"},
    };
    for (size_t i = 0; i < sizeof movable / sizeof movable[0]; i++) {
        calendar_date_of(easter + movable[i].offset, out[n].date);
        out[n++].name = movable[i].name;
    }
    qsort(out, (size_t)n, sizeof(out[0]), holiday_cmp);
    return n;
}

/* ---- a year, loaded ---- */

static int kind_code(const char *kind)
{
    if (strcmp(kind, "feriado") == 0)
        return CAL_FERIADO;
    if (strcmp(kind, "vacaciones") == 0)
        return CAL_VACACIONES;
    if (strcmp(kind, "cierre") == 0)
        return CAL_CIERRE;
    return CAL_OTRO;
}

int calendar_load(struct store *s, int64_t year_id, struct school_calendar *cal_r,
                  const char **error_r)
{
    memset(cal_r, 0, sizeof(*cal_r));
    struct db_stmt *st = db_query(s->conn, error_r,
                                  "SELECT name, starts_on, ends_on FROM school_years WHERE id = ?",
                                  "i", year_id);
    if (st == NULL)
        return REC_ERROR;
    int rc = db_step(st, error_r);
    if (rc <= 0) {
        db_finish(&st);
        return rc < 0 ? REC_ERROR : REC_NOT_FOUND;
    }
    str_copy(cal_r->year_name, sizeof(cal_r->year_name), db_text(st, 0));
    str_copy(cal_r->starts_on, sizeof(cal_r->starts_on), db_text(st, 1));
    str_copy(cal_r->ends_on, sizeof(cal_r->ends_on), db_text(st, 2));
    db_finish(&st);
    int64_t a, b;
    if (!calendar_day_number(cal_r->starts_on, &a) || !calendar_day_number(cal_r->ends_on, &b) ||
        b < a || b - a + 1 > CALENDAR_MAX_SPAN) {
        *error_r = "school year with unusable dates";
        return REC_ERROR;
    }
    cal_r->year_id = year_id;
    cal_r->span = (int)(b - a + 1);
    cal_r->kind = xmalloc((size_t)cal_r->span);
    for (int i = 0; i < cal_r->span; i++)
        cal_r->kind[i] = calendar_weekday(a + i) >= 6 ? CAL_WEEKEND : CAL_SCHOOL;
    st = db_query(s->conn, error_r, "SELECT date, kind FROM calendar_days WHERE year_id = ?", "i",
                  year_id);
    if (st == NULL) {
        calendar_cleanup(cal_r);
        return REC_ERROR;
    }
    while ((rc = db_step(st, error_r)) > 0) {
        int64_t d;
        if (calendar_day_number(db_text(st, 0), &d) && d >= a && d <= b)
            cal_r->kind[d - a] = (unsigned char)kind_code(db_text(st, 1));
    }
    db_finish(&st);
    if (rc < 0) {
        calendar_cleanup(cal_r);
        return REC_ERROR;
    }
    return REC_OK;
}

int calendar_load_for_date(struct store *s, const char *date, struct school_calendar *cal_r,
                           const char **error_r)
{
    memset(cal_r, 0, sizeof(*cal_r));
    int64_t d;
    if (!calendar_day_number(date, &d))
        return REC_NOT_FOUND;
    int64_t id = 0;
    if (db_query_int(s->conn, error_r, &id,
                     "SELECT id FROM school_years WHERE starts_on <= ? AND ends_on >= ?"
                     " ORDER BY starts_on DESC, id LIMIT 1",
                     "tt", date, date) < 0)
        return REC_ERROR;
    if (id == 0)
        return REC_NOT_FOUND;
    return calendar_load(s, id, cal_r, error_r);
}

void calendar_cleanup(struct school_calendar *cal)
{
    free(cal->kind);
    cal->kind = NULL;
    cal->span = 0;
}

/* The index of a day number in the loaded year, or -1. */
static int index_of(const struct school_calendar *cal, int64_t day)
{
    int64_t a;
    if (cal->kind == NULL || !calendar_day_number(cal->starts_on, &a))
        return -1;
    return day >= a && day - a < cal->span ? (int)(day - a) : -1;
}

int calendar_day_kind(const struct school_calendar *cal, const char *date)
{
    int64_t d;
    if (!calendar_day_number(date, &d))
        return -1;
    int i = index_of(cal, d);
    return i < 0 ? -1 : cal->kind[i];
}

/* [from, to] clipped to the year, as indices; false when empty. */
static bool clip(const struct school_calendar *cal, const char *from, const char *to, int *i_r,
                 int *j_r)
{
    int64_t a, f, t;
    if (cal->kind == NULL || !calendar_day_number(cal->starts_on, &a) ||
        !calendar_day_number(from, &f) || !calendar_day_number(to, &t))
        return false;
    int64_t i = f - a < 0 ? 0 : f - a;
    int64_t j = t - a > cal->span - 1 ? cal->span - 1 : t - a;
    if (i > j)
        return false;
    *i_r = (int)i;
    *j_r = (int)j;
    return true;
}

int calendar_count_school_days(const struct school_calendar *cal, const char *from,
                               const char *to)
{
    int i, j, n = 0;
    if (!clip(cal, from, to, &i, &j))
        return 0;
    for (int k = i; k <= j; k++)
        n += cal->kind[k] == CAL_SCHOOL;
    return n;
}

int calendar_school_days(const struct school_calendar *cal, const char *from, const char *to,
                         int64_t **days_r, int *n_r)
{
    *days_r = NULL;
    *n_r = 0;
    int i, j;
    if (!clip(cal, from, to, &i, &j))
        return 0;
    int64_t a;
    calendar_day_number(cal->starts_on, &a);
    int64_t *days = xmalloc(sizeof(*days) * (size_t)(j - i + 1));
    int n = 0;
    for (int k = i; k <= j; k++)
        if (cal->kind[k] == CAL_SCHOOL)
            days[n++] = a + k;
    *days_r = days;
    *n_r = n;
    return 0;
}

int calendar_school_day(struct store *s, const char *date, const char **why_r,
                        const char **error_r)
{
    if (why_r)
        *why_r = NULL;
    struct school_calendar cal;
    int rc = calendar_load_for_date(s, date, &cal, error_r);
    if (rc == REC_ERROR)
        return -1;
    if (rc == REC_NOT_FOUND) {
        if (why_r)
            *why_r = "La fecha está fuera del año escolar.";
        return 0;
    }
    int kind = calendar_day_kind(&cal, date);
    calendar_cleanup(&cal);
    if (kind == CAL_SCHOOL)
        return 1;
    if (why_r) {
        switch (kind) {
        case CAL_WEEKEND:
            *why_r = "Es sábado o domingo: no hay clases.";
            break;
        case CAL_FERIADO:
            *why_r = "Es feriado: no hay clases.";
            break;
        case CAL_VACACIONES:
            *why_r = "Es un día de vacaciones: no hay clases.";
            break;
        case CAL_CIERRE:
            *why_r = "El plantel está cerrado ese día.";
            break;
        default:
            *why_r = "Ese día no hay clases según el calendario del plantel.";
            break;
        }
    }
    return 0;
}

/* ---- prefilling the national holidays ---- */

int calendar_prefill_holidays(struct store *s, const struct actor *actor, int64_t year_id,
                              const char **error_r)
{
    struct school_calendar cal;
    int rc = calendar_load(s, year_id, &cal, error_r);
    if (rc != REC_OK)
        return rc == REC_NOT_FOUND ? 0 : -1;
    int64_t a;
    calendar_day_number(cal.starts_on, &a);
    int first = atoi(cal.starts_on), last = atoi(cal.ends_on);
    char now[21];
    time_format_utc(time_now(), now);
    int added = 0;
    for (int y = first; y <= last && rc == REC_OK; y++) {
        struct calendar_holiday h[CALENDAR_HOLIDAYS_MAX];
        int n = calendar_national_holidays(y, h);
        for (int i = 0; i < n; i++) {
            int64_t d;
            calendar_day_number(h[i].date, &d);
            int k = index_of(&cal, d);
            /* outside the year, or a day the school already marked (a
               holiday removed by hand stays removed only until a reset) */
            if (k < 0 || (cal.kind[k] != CAL_SCHOOL && cal.kind[k] != CAL_WEEKEND))
                continue;
            int64_t id = 0;
            if (db_query_int(s->conn, error_r, &id,
                             "INSERT INTO calendar_days (year_id, date, kind, name, created_at,"
                             " updated_at) VALUES (?, ?, 'feriado', ?, ?, ?) RETURNING id",
                             "itttt", year_id, h[i].date, h[i].name, now, now) < 0) {
                rc = REC_ERROR;
                break;
            }
            cal.kind[k] = CAL_FERIADO;
            json_t *after = json_pack("{s:I, s:s, s:s, s:s}", "year_id", (json_int_t)year_id,
                                      "date", h[i].date, "kind", "feriado", "name", h[i].name);
            int arc = rec_audit(s, actor, "create", "calendar_day", id, NULL, after, error_r);
            json_decref(after);
            if (arc < 0) {
                rc = REC_ERROR;
                break;
            }
            added++;
        }
    }
    calendar_cleanup(&cal);
    return rc == REC_OK ? added : -1;
}
