/*
 * A school's timetables as the rest of the school reads them (issue #15):
 * one timetable with its lessons, each lesson with the names of its
 * section, subject, teacher and room, and the bell schedules its sections
 * follow. Pages, exports, the grid's clash check, covers and the portals
 * all start from school_timetable_load(); the set-up (bell schedules, plan,
 * assignments, preferences), generation, editing, covers and exports each
 * live in their own module next to this one.
 *
 * Days are 1 = lunes .. 7 = domingo; a lesson's period is the number of a
 * class period of its section's bell schedule (1-based, breaks not
 * counted). Callers hold store_lock() (see school.h).
 */
#ifndef BIS_SCHOOL_TIMETABLES_H
#define BIS_SCHOOL_TIMETABLES_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

#define TIMETABLE_MAX_DAYS 7
#define TIMETABLE_MAX_PERIODS 40 /* positions of a bell schedule's day */

/* One row of a bell schedule's day: a class period or a break. */
struct bell_period {
    int number;          /* class period number 1.., 0 for a break */
    bool is_break;
    char starts_at[6];   /* "HH:MM" */
    char ends_at[6];
};

struct bell_schedule {
    int64_t id;
    char *name;
    int days;            /* bit d-1 for day d (31 = lunes a viernes) */
    struct bell_period *rows; /* the day in order, breaks included */
    int nrows;
    int nclass;          /* class periods (rows with number > 0) */
};

struct school_lesson {
    int64_t id;
    int64_t section_id, subject_id;
    int64_t staff_id, room_id, assignment_id; /* 0 = none */
    int day, period;     /* 0, 0 = not placed */
    int length;          /* class periods */
    bool locked;
    int64_t schedule_id; /* the section's bell schedule, 0 = none */
    char *section_name;  /* "1er Año A" */
    char *section_code;  /* as imported ("C1"), NULL when none */
    char *subject_name;
    char *subject_code;
    char *teacher_name;  /* "Nombres Apellidos", NULL when none */
    char *teacher_code;  /* NULL when none */
    char *room_name;     /* NULL when none */
};

struct school_timetable {
    int64_t id;
    char *name;
    char status[12];     /* draft, active, archived */
    char source[12];     /* generated, imported, copy, manual */
    char job_state[12];  /* none, queued, running, done, failed, cancelled */
    int64_t year_id;     /* 0 = none */
    bool has_cost;
    long cost_hard, cost_soft;
    char *created_at, *updated_at, *activated_at; /* activated_at NULL */
    struct school_lesson *lessons; /* sorted by section, day, period */
    int nlessons;
    struct bell_schedule *schedules; /* those its sections follow */
    int nschedules;
};

/* Loads timetable `id`: 1 found (*tt_r set), 0 not found, -1 store error
 * (*error_r, English, for the log). */
int school_timetable_load(struct store *s, int64_t id,
                          struct school_timetable **tt_r,
                          const char **error_r);
void school_timetable_free(struct school_timetable **tt);

/* The active timetable's id: 1 (and *id_r), 0 when none, -1 on error. */
int school_timetable_active(struct store *s, int64_t *id_r,
                            const char **error_r);

/* The bell schedule of tt with this id, NULL when not among them. */
const struct bell_schedule *
school_timetable_schedule(const struct school_timetable *tt, int64_t id);

/* The timetable as the API shows it: id, name, status, source,
 * job_state, year_id, cost {hard, soft} or null, dates, and with_lessons:
 * "lessons": [{id, section_id, section, subject_id, subject,
 * subject_code, staff_id, teacher, room_id, room, day, period, length,
 * locked}] (ids null when none, day/period null when not placed). */
json_t *school_timetable_json(const struct school_timetable *tt,
                              bool with_lessons);

#endif
