/*
 * The active timetable as people read it, and cover for absent teachers
 * (issue #15, part `portal`).
 *
 * Views (tt_views.c): the week of one section, teacher or room of the
 * ACTIVE timetable; the teacher's own week (the staff row whose user_id is
 * theirs); a parent's children and each child's week (representatives.
 * user_id -> student_representatives -> students.section_id); the day's
 * view of a date with the covers of that date. Every view starts from
 * school_timetable_load() (timetables.h) and keeps the lessons of its
 * target, each with the times of day its section's bell schedule gives it.
 *
 * Covers (covers.c): teacher absences (a staff member away from one date to
 * another, inclusive), for an absence the lessons the teacher would give on
 * those dates and, for each, who could cover it: the teachers free at that
 * time (no lesson of theirs then, no other cover then, not absent that
 * day) qualified for the subject (staff_subjects) first, then any free
 * teacher, least loaded that day first; and the cover itself (lesson_covers:
 * who gives a lesson of the active timetable on a date), refused when the
 * teacher is not free.
 *
 * Results are the rec_status codes of records.h (REC_OK, REC_ERROR,
 * REC_NOT_FOUND, REC_INVALID with findings, REC_CONFLICT) plus the two
 * below. Objects come back as the JSON the API replies with (docs/API.md,
 * "Timetable views and covers"). Functions take the store's lock (or
 * transaction) themselves; writes carry their audit row.
 */
#ifndef BIS_SCHOOL_PORTAL_H
#define BIS_SCHOOL_PORTAL_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "db/db.h"
#include "school/records.h"
#include "school/timetables.h"

enum {
    PORTAL_NO_TIMETABLE = -10, /* no active timetable (covers: 404) */
    PORTAL_BUSY = -11,         /* the teacher is not free: *message_r says why */
};

enum portal_target {
    PORTAL_SECTION = 0,
    PORTAL_TEACHER,
    PORTAL_ROOM,
};

/* ---- tt_views.c ---------------------------------------------------------- */

/* The week of a section, teacher (staff id) or room of the active
 * timetable: {timetable, view {kind, id, name}, days, slots, lessons};
 * timetable null and no lessons when none is active. REC_NOT_FOUND when
 * the target does not exist. */
int portal_week(struct store *s, enum portal_target kind, int64_t id,
                json_t **week_r, const char **error_r);

/* The day's view of `date` ("YYYY-MM-DD") for a target: the week's
 * members restricted to the date's weekday, plus date and day, each lesson
 * with its cover that date (or null) and whether its teacher is absent;
 * a teacher's view also lists the lessons they cover that date. */
int portal_day(struct store *s, enum portal_target kind, int64_t id,
               const char *date, json_t **day_r, const char **error_r);

/* The staff row of a signed-in teacher: 1 (*staff_id_r), 0 when their
 * account is linked to none, -1 on a store error. Takes the lock. */
int portal_teacher_of_user(struct store *s, int64_t user_id,
                           int64_t *staff_id_r, const char **error_r);

/* The covers a teacher gives from `from` ("YYYY-MM-DD") for `days` days,
 * in the active timetable: [{id, date, day, lesson}] by date and time (at
 * most 100); an empty list without an active timetable. */
int portal_teacher_covers(struct store *s, int64_t staff_id, const char *from,
                          int days, json_t **list_r, const char **error_r);

/* The children of a parent user: {items: [{id, first_names, last_names,
 * section_id, section}]}, sorted by name. */
int portal_children(struct store *s, int64_t user_id, json_t **list_r,
                    const char **error_r);

/* A child's week: REC_NOT_FOUND unless student_id is a child of the parent
 * user (never telling whether it exists); a child with no section gets an
 * empty week. */
int portal_child_week(struct store *s, int64_t user_id, int64_t student_id,
                      json_t **week_r, const char **error_r);

/* ---- covers.c ------------------------------------------------------------ */

#define ABSENCE_MAX_DAYS 92 /* one absence spans at most this many dates */

struct absence_input {
    int64_t staff_id;
    char starts_on[11], ends_on[11];
    char reason[201];
    bool has_staff, has_starts, has_ends, has_reason;
};

/* Absences, newest first; filters 0/NULL for none: staff, and dates the
 * absence overlaps (from..to). */
int portal_absences_list(struct store *s, int64_t staff_id, const char *from,
                         const char *to, json_t **items_r,
                         const char **error_r);
int portal_absence_get(struct store *s, int64_t id, json_t **absence_r,
                       const char **error_r);
/* Creates (id 0) or changes an absence; findings under staff_id,
 * starts_on, ends_on; REC_CONFLICT when it overlaps another absence of
 * the same teacher. */
int portal_absence_write(struct store *s, const struct actor *actor,
                         int64_t id, const struct absence_input *in,
                         struct rec_errors *errs, json_t **absence_r,
                         const char **error_r);
/* Deletes an absence and the covers of the teacher's lessons on its dates
 * (unless another absence of theirs still spans the date). */
int portal_absence_delete(struct store *s, const struct actor *actor,
                          int64_t id, const char **error_r);

/* For an absence: {absence, timetable {id, name} (null: none active, no
 * lessons), lessons: [{date, day, lesson, cover, suggestions: [{staff_id,
 * name, qualified, load_day, load_week}]}]}. */
int portal_absence_cover(struct store *s, int64_t id, json_t **cover_r,
                         const char **error_r);

/* Assigns (or changes) who covers lesson `lesson_id` of the active
 * timetable on `date`: REC_INVALID with findings (lesson_id, date,
 * staff_id), PORTAL_NO_TIMETABLE, PORTAL_BUSY with a Spanish *message_r
 * (malloc'ed) naming what keeps the teacher busy. */
int portal_cover_set(struct store *s, const struct actor *actor,
                     int64_t lesson_id, const char *date, int64_t staff_id,
                     struct rec_errors *errs, json_t **cover_r,
                     char **message_r, const char **error_r);
int portal_cover_delete(struct store *s, const struct actor *actor,
                        int64_t id, const char **error_r);

/* ---- shared by tt_views.c and covers.c ----------------------------------- */

/* The ISO weekday (1 = lunes .. 7) of a valid "YYYY-MM-DD", 0 if invalid. */
int portal_weekday(const char *date);

/* A placed lesson's time of day, in minutes after midnight, from its
 * section's bell schedule: false when the schedule does not give it. */
bool portal_lesson_span(const struct school_timetable *tt,
                        const struct school_lesson *l, int *start_r,
                        int *end_r);
/* Whether two placed lessons on the same weekday overlap in time (by the
 * clock when both have times, else by period numbers). */
bool portal_lessons_overlap(const struct school_timetable *tt,
                            const struct school_lesson *a,
                            const struct school_lesson *b);
/* A lesson as the views show it: timetables.h's members plus starts_at
 * and ends_at ("HH:MM" or null). */
json_t *portal_lesson_json(const struct school_timetable *tt,
                           const struct school_lesson *l);
/* "lunes", "martes" ... for 1..7. */
const char *portal_day_name(int day);

#endif
