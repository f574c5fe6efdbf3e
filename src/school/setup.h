/*
 * The week's set-up of a school, what the timetable is generated from
 * (issue #15): bell schedules with their periods and breaks and the school
 * days they apply to, and which one each section follows (bells.c); the
 * plan de estudio of each grade and the teaching assignments of each
 * section (plan.c); the teachers' own availability and preferences, which
 * a school admin approves or rejects (preferences.c). The tables are those
 * of migrations/school/010_timetables.sql.
 *
 * As in records.h: writers check what needs the store and report every
 * finding at once in a struct rec_errors; each write runs in its own
 * transaction with its audit row (before and after of what changed);
 * objects come back as the JSON the API replies with (docs/API.md).
 * Findings about members of a list ("periods[2].ends_at") are named in a
 * struct setup_names the caller keeps until the reply is sent.
 */
#ifndef BIS_SCHOOL_SETUP_H
#define BIS_SCHOOL_SETUP_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "db/db.h"
#include "school/records.h"

/* Names of findings built at run time. */
struct setup_names {
    int n;
    char s[REC_ERRORS_MAX][48];
};
/* A finding under "<list>[<i>].<member>" (member may be NULL). */
void setup_error(struct rec_errors *errs, struct setup_names *names,
                 const char *list, int i, const char *member,
                 const char *message);

/* "lunes" .. "domingo" for 1..7; "" otherwise. */
const char *setup_day_name(int day);

/* ---- bells.c ------------------------------------------------------- */

#define BELL_ROWS_MAX 40
#define BELLS_MAX 100 /* bell schedules of a school */
struct bell_row_input {
    bool is_break;
    char starts_at[8], ends_at[8]; /* "HH:MM" */
};
struct bell_input {
    bool has_name, has_days, has_periods;
    char name[101];
    int days; /* bit d-1 for day d */
    struct bell_row_input rows[BELL_ROWS_MAX];
    int nrows;
};
/* Checks the day's rows: times "HH:MM", each ending after it starts, in
 * order without overlapping, at least one class period, no break first
 * or last. Findings named "periods[i].starts_at" and so on. */
void bells_check_rows(const struct bell_input *in, struct rec_errors *errs,
                      struct setup_names *names);
/* The UEIPAB day: ten 40-minute periods 07:00-14:20, breaks 09:40-10:00
 * and 12:40-13:00, lunes a viernes, named "Horario UEIPAB" unless the
 * input has a name. */
void bells_template_ueipab(struct bell_input *in);

/* Every bell schedule by name. Takes the lock itself. */
int bells_list(struct store *s, json_t **items_r, const char **error_r);
/* One schedule as JSON (NULL if none). Caller holds the store. */
json_t *bells_json(struct store *s, int64_t id);
/* REC_OK (*obj_r), REC_NOT_FOUND or REC_ERROR. Takes the lock. */
int bells_get(struct store *s, int64_t id, json_t **obj_r,
              const char **error_r);
/* Create (id 0: name and periods required) or change; the periods given
 * replace the day's. 409 (REC_CONFLICT) on a name in use. */
int bells_write(struct store *s, const struct actor *actor, int64_t id,
                const struct bell_input *in, struct rec_errors *errs,
                struct setup_names *names, json_t **obj_r,
                const char **error_r);
/* Its sections are left with no bell schedule. */
int bells_delete(struct store *s, const struct actor *actor, int64_t id,
                 const char **error_r);
/* Puts sections on schedule `id` (each audited as a section update);
 * *obj_r the schedule. A section that does not exist is a finding named
 * "section_ids". */
int bells_apply(struct store *s, const struct actor *actor, int64_t id,
                const int64_t *section_ids, int n, struct rec_errors *errs,
                json_t **obj_r, const char **error_r);

/* ---- plan.c -------------------------------------------------------- */

#define PLAN_BLOCKS_MAX 64
/* Normalizes "2 + 2+2" into "2+2+2" (out) and checks that it sums to
 * `periods` (0: any sum); *sum_r the sum. NULL if valid, else a Spanish
 * message. */
const char *plan_check_blocks(const char *blocks, int64_t periods,
                              char *out, size_t n, int64_t *sum_r);
/* "1+1+...+1" of `periods` ones, or periods split in twos ("2+2+1"). */
void plan_default_blocks(int64_t periods, char *out, size_t n);

struct plan_input {
    bool has_grade, has_subject, has_periods, has_blocks;
    int64_t grade_id, subject_id, periods;
    char blocks[PLAN_BLOCKS_MAX];
};
/* The plan of a grade (0: every grade), by grade then subject. */
int plan_list(struct store *s, int64_t grade_id, json_t **items_r,
              const char **error_r);
int plan_write(struct store *s, const struct actor *actor, int64_t id,
               struct plan_input *in, struct rec_errors *errs,
               json_t **obj_r, const char **error_r);
int plan_delete(struct store *s, const struct actor *actor, int64_t id,
                const char **error_r);

struct assignment_input {
    bool has_section, has_subject, has_staff, has_periods, has_blocks;
    int64_t section_id, subject_id;
    int64_t staff_id; /* 0: any qualified teacher */
    int64_t periods;  /* 0: the plan de estudio's */
    char blocks[PLAN_BLOCKS_MAX]; /* "": the plan's (or derived) */
};
/* Assignments of the current year's sections; section_id / staff_id
 * (0: any) narrow the list. */
int assignments_list(struct store *s, int64_t section_id, int64_t staff_id,
                     json_t **items_r, const char **error_r);
int assignment_write(struct store *s, const struct actor *actor, int64_t id,
                     struct assignment_input *in, struct rec_errors *errs,
                     json_t **obj_r, const char **error_r);
int assignment_delete(struct store *s, const struct actor *actor, int64_t id,
                      const char **error_r);

/* ---- preferences.c ------------------------------------------------- */

#define PREFS_MAX 400
struct pref_input {
    char kind[8];  /* time, day, subject, room */
    int64_t day, period, subject_id, room_id; /* 0: not given */
    char level[8]; /* avoid, dislike, neutral, like, prefer */
};
/* The staff member linked to a user: 1 (*staff_id_r), 0 none, -1 error. */
int prefs_staff_of_user(struct store *s, int64_t user_id,
                        int64_t *staff_id_r, const char **error_r);
/* The teacher's page: {staff, grid {days, periods}, subjects, rooms,
 * items}. Takes the lock. */
int prefs_mine(struct store *s, int64_t staff_id, json_t **obj_r,
               const char **error_r);
/* Replaces the teacher's preferences with `in` (neutral ones are not
 * kept): one left as it was keeps its status, a new or changed one is
 * pending. *obj_r as prefs_mine(). */
int prefs_replace(struct store *s, const struct actor *actor,
                  int64_t staff_id, const struct pref_input *in, int n,
                  struct rec_errors *errs, struct setup_names *names,
                  json_t **obj_r, const char **error_r);
/* For the school admin: status "" (any), "pending", "approved" or
 * "rejected"; staff_id 0: every teacher. By teacher, then kind. */
int prefs_list(struct store *s, const char *status, int64_t staff_id,
               json_t **items_r, const char **error_r);
int prefs_decide(struct store *s, const struct actor *actor, int64_t id,
                 bool approve, json_t **obj_r, const char **error_r);
int prefs_delete(struct store *s, const struct actor *actor, int64_t id,
                 const char **error_r);

#endif
