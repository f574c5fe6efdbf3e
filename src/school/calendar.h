/*
 * The school year's calendar (issue #16, part `calendar`): which dates are
 * school days (días hábiles). A school day is a weekday (Monday to Friday)
 * from the year's starts_on to its ends_on, inclusive, that is not a row of
 * calendar_days (a national holiday, a break, a closure). calendar.c is the
 * only place that rule lives: attendance (a day that is not a school day
 * cannot be taken), the monthly report (DÍAS HÁBILES) and the chronic
 * absence list read the calendar through this header.
 *
 * National holidays (Venezuela): 1 January, Carnaval (the Monday and
 * Tuesday before Ash Wednesday), Holy Thursday and Good Friday (from
 * Easter, computed), 19 April, 1 May, 24 June, 5 July, 24 July, 12 October,
 * 24, 25 and 31 December. A new school year gets those that fall inside it
 * prefilled (kind "feriado"), each editable and removable.
 *
 * Dates are "YYYY-MM-DD" school-local dates. The loaders read with the
 * caller holding the store (inside its transaction or lock): they are
 * called from within attendance and report reads.
 */
#ifndef BIS_SCHOOL_CALENDAR_H
#define BIS_SCHOOL_CALENDAR_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "db/db.h"
#include "school/records.h"

/* Days the law requires in a school year. */
#define CALENDAR_REQUIRED_DAYS 200
/* A school year spans at most this many days (the loader refuses more). */
#define CALENDAR_MAX_SPAN 731

/* One school year's calendar, loaded. */
struct school_calendar {
    int64_t year_id;
    char year_name[32];          /* "2025-2026" */
    char starts_on[11], ends_on[11];
    int span;                    /* days from starts_on to ends_on, inclusive */
    unsigned char *kind;         /* per day: 0 school day, else CAL_* below */
};

enum {
    CAL_SCHOOL = 0,
    CAL_WEEKEND,
    CAL_FERIADO,
    CAL_VACACIONES,
    CAL_CIERRE,
    CAL_OTRO,
};

/* Days since 1970-01-01 of a "YYYY-MM-DD" date; false if not a valid date. */
bool calendar_day_number(const char *date, int64_t *day_r);
/* The "YYYY-MM-DD" of a day number. */
void calendar_date_of(int64_t day, char out[11]);
/* 1 Monday .. 7 Sunday. */
int calendar_weekday(int64_t day);

/* Easter Sunday of a civil year (Gregorian), as a day number. */
int64_t calendar_easter(int year);

struct calendar_holiday {
    char date[11];
    const char *name; /* "Carnaval", "Jueves Santo", "Día de la Independencia" */
};
/* The national holidays of a civil year, in date order; their count
 * (at most CALENDAR_HOLIDAYS_MAX). */
#define CALENDAR_HOLIDAYS_MAX 16
int calendar_national_holidays(int year, struct calendar_holiday out[CALENDAR_HOLIDAYS_MAX]);

/* The calendar of year `year_id`. Caller holds the store. REC_OK,
 * REC_NOT_FOUND (no such year), REC_ERROR. */
int calendar_load(struct store *s, int64_t year_id, struct school_calendar *cal_r,
                  const char **error_r);
/* The calendar of the year whose dates contain `date`: REC_OK, or
 * REC_NOT_FOUND when no school year contains it. Caller holds the store. */
int calendar_load_for_date(struct store *s, const char *date, struct school_calendar *cal_r,
                           const char **error_r);
void calendar_cleanup(struct school_calendar *cal);

/* What `date` is in the loaded year: CAL_SCHOOL, another CAL_*, or -1
 * when the date is outside the year. */
int calendar_day_kind(const struct school_calendar *cal, const char *date);
static inline bool calendar_is_school_day(const struct school_calendar *cal, const char *date)
{
    return calendar_day_kind(cal, date) == CAL_SCHOOL;
}
/* School days from `from` to `to` inclusive (clipped to the year). */
int calendar_count_school_days(const struct school_calendar *cal, const char *from,
                               const char *to);
/* The school days from `from` to `to` inclusive (clipped to the year), as
 * day numbers, into a new array (*days_r, free()) of *n_r. */
int calendar_school_days(const struct school_calendar *cal, const char *from, const char *to,
                         int64_t **days_r, int *n_r);

/* Whether `date` is a school day of the school (the year containing it
 * loaded and dropped): 1 yes, 0 no (or no year contains it), -1 error.
 * Caller holds the store. *why_r (may be NULL) gets a Spanish reason for
 * a 0, one per kind of day (static text, without the day's name): "Es
 * sábado o domingo: no hay clases.", "Es feriado: no hay clases.", "La
 * fecha está fuera del año escolar.", ... */
int calendar_school_day(struct store *s, const char *date, const char **why_r,
                        const char **error_r);

/* Prefills the national holidays inside year `year_id` (those not already
 * there), each with its audit row. Caller holds the store in a write
 * transaction. Returns how many it added, or -1. Called when a year is
 * created, promoted or opened (years.c) and by calendar_holidays_restore
 * (POST /api/v1/calendar/holidays). */
int calendar_prefill_holidays(struct store *s, const struct actor *actor, int64_t year_id,
                              const char **error_r);

/* ---- the API (GET/POST/DELETE /api/v1/calendar...: calendar_edit.c) ---- */

/* {year: {id, name, starts_on, ends_on}, school_days, required: 200,
 *  weekdays, days: [{id, date, kind, name}], months: [{month: "2025-09",
 *  school_days}]}. year_id 0: the current year. Takes the lock itself. */
int calendar_json(struct store *s, int64_t year_id, json_t **cal_r, const char **error_r);

/* Adds non-school days: every date from `from` to `to` (NULL or "":
 * `from`) inclusive in the year (year_id 0: the current one; weekends
 * skipped), of `kind` ("feriado", "vacaciones", "cierre", "otro") with
 * `name`; a date already there is updated. *added_r: the days written
 * (new or changed). REC_INVALID with every finding (dates outside the
 * year, to before from, only a weekend, unknown kind, no name or one too
 * long, no current year), REC_NOT_FOUND for an unknown year_id. Audited. */
int calendar_add_days(struct store *s, const struct actor *actor, int64_t year_id,
                      const char *from, const char *to, const char *kind, const char *name,
                      struct rec_errors *errs, int *added_r, const char **error_r);
/* Removes one non-school day (it becomes a school day again); *year_id_r
 * (may be NULL) gets its year. REC_NOT_FOUND for an unknown id. Audited. */
int calendar_remove_day(struct store *s, const struct actor *actor, int64_t id,
                        int64_t *year_id_r, const char **error_r);
/* Re-adds the national holidays of year `year_id` (0: the current one)
 * that are missing (calendar_prefill_holidays in its own transaction);
 * *year_id_r (may be NULL) gets the year, *added_r how many. REC_OK,
 * REC_NOT_FOUND (no such year, or no current one), REC_ERROR. */
int calendar_holidays_restore(struct store *s, const struct actor *actor, int64_t year_id,
                              int64_t *year_id_r, int *added_r, const char **error_r);
/* The demo school's breaks (init --demo): Christmas (19 December to 6
 * January) and the Monday to Wednesday of Holy Week as "vacaciones",
 * around the holidays already there (never replacing one), in year
 * `year_id` (0: the current one). Its own transaction, audited. Returns
 * the days added, or -1. */
int calendar_demo_breaks(struct store *s, const struct actor *actor, int64_t year_id,
                         const char **error_r);

#endif
