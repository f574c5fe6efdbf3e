/*
 * Daily attendance (issue #16, part `take`): who may take a section's
 * attendance, reading and writing it, the day's record derived from the
 * blocks of a school that takes attendance per block, a parent's view of
 * a child's month and the mail after three consecutive absences.
 *
 * The data (migrations/school/011_attendance.sql): one attendance_sessions
 * row per section, date and block (block 0: the day's record, the one the
 * Ministry's report counts), and attendance_marks rows only for the
 * students who were not simply present (absent, late, justified with its
 * reason). A student enrolled in the section that date (enrolments, not
 * students.section_id) without a mark was present; a day without a
 * session is "not taken", never absent. Only school days
 * (school/calendar.h) can be taken.
 *
 * Who: a school admin (PERM_MANAGE_RECORDS) any section; a teacher the
 * sections of the ACTIVE timetable where a lesson is theirs (their staff
 * row's user_id), or where they cover a lesson that date. Anything else:
 * ATT_NOT_YOURS (the API answers 403 not_your_section). A parent sees only
 * their own children (representatives.user_id); another student is
 * REC_NOT_FOUND, like an unknown id.
 *
 * A write (attendance_put) runs in one transaction: the session upserted,
 * its marks replaced, the audit row "attendance.mark" (before/after of the
 * students whose status changed), the day's record rebuilt from the blocks
 * when a block was written, and the absence alerts (attendance_alerts.c):
 * a student absent (not justified) on 3 or more consecutive school days
 * gets one mail per run to each representative with an email (mail_enqueue
 * in the same transaction; attendance_alerts dedupes by the run's first
 * day). An offline device sends client_time (when the edit was made); an
 * edit older than the one stored is not applied ("applied": false).
 *
 * Results are the rec_status codes of records.h plus the ATT_* below.
 * Objects come back as the JSON the API replies with (docs/API.md,
 * "Attendance"). Functions take the store's lock or transaction themselves.
 */
#ifndef BIS_SCHOOL_ATTENDANCE_H
#define BIS_SCHOOL_ATTENDANCE_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "db/db.h"
#include "school/records.h"

struct tenant;

enum {
    ATT_NOT_SCHOOL_DAY = -20, /* *why_r says why (Spanish) */
    ATT_NOT_YOURS = -21,      /* a teacher's section that is not theirs */
};

#define ATTENDANCE_MARKS_MAX 300  /* marks of one PUT */
#define ATTENDANCE_REASON_MAX 200 /* bytes of a reason */
#define ATTENDANCE_BLOCKS_MAX 12  /* blocks of a day (schema: block <= 12) */
/* The option of tenant_settings (boolean) that turns blocks on. */
#define ATTENDANCE_PER_BLOCK_OPTION "attendance_per_block"

/* Who asks: a user, and whether they may take any section. */
struct attendance_viewer {
    int64_t user_id;
    bool admin;
};

enum attendance_status {
    ATT_PRESENT = 0,
    ATT_ABSENT,
    ATT_LATE,
    ATT_JUSTIFIED,
};
/* "present", "absent", "late", "justified"; -1 for anything else. */
int attendance_status_parse(const char *s);
const char *attendance_status_name(int status);

struct attendance_mark_input {
    int64_t student_id;
    int status;                            /* enum attendance_status */
    char reason[ATTENDANCE_REASON_MAX + 1]; /* "" none */
    char field[40]; /* "marks[3].student_id": the name of its findings */
};

struct attendance_input {
    int64_t section_id;
    char date[11];
    int block;             /* 0: the day */
    char client_time[25];  /* "YYYY-MM-DDTHH:MM:SS.mmmZ", "" when not given */
    struct attendance_mark_input *marks;
    int marks_n;
};

/* Normalizes an ISO 8601 UTC instant ("2026-12-07T13:05:00Z", with or
 * without fractions of a second) to "YYYY-MM-DDTHH:MM:SS.mmmZ" (out of
 * 25); false when it is not one. */
bool attendance_client_time(const char *in, char out[25]);

/* The sections a viewer takes on `date` (teachers: theirs in the active
 * timetable and their covers that date; admins: every section of the
 * year containing the date, else of the current year):
 * {date, school_day, why, per_block, items: [{id, name, grade, grade_id,
 * students, taken, blocks?: [{block, label, starts_at, ends_at, taken}]}]}. */
int attendance_sections(struct store *s, const struct attendance_viewer *v,
                        const char *date, json_t **list_r,
                        const char **error_r);

/* A section's attendance on a date and block: {section {id, name, grade},
 * date, block, school_day, why, taken, taken_at, taken_by, students:
 * [{id, first_names, last_names, gender, status, reason}], counts}.
 * REC_NOT_FOUND (no such section), ATT_NOT_YOURS, REC_INVALID (a block
 * the section does not have; finding under "block"). */
int attendance_get(struct store *s, const struct attendance_viewer *v,
                   int64_t section_id, const char *date, int block,
                   struct rec_errors *errs, json_t **att_r,
                   const char **error_r);

/* Takes (or re-takes) a section's attendance: the GET body plus "applied".
 * REC_NOT_FOUND, ATT_NOT_YOURS, ATT_NOT_SCHOOL_DAY (*why_r),
 * REC_INVALID (findings: marks[i].student_id of a student not enrolled in
 * the section that date or repeated, block). `t` and `base_url` are for
 * the absence mail (t may be NULL: the master school). */
int attendance_put(struct store *s, const struct actor *actor,
                   const struct attendance_viewer *v,
                   const struct attendance_input *in, const struct tenant *t,
                   const char *base_url, struct rec_errors *errs,
                   json_t **att_r, const char **why_r, const char **error_r);

/* A parent's child's month ("YYYY-MM"): {student {id, names, first_names,
 * last_names, section}, month, days: [{date, school_day, status, reason}],
 * totals {school_days, taken, present, absent, late, justified}}.
 * REC_NOT_FOUND unless the student is a child of parent user `user_id`. */
int attendance_child_month(struct store *s, int64_t user_id,
                           int64_t student_id, const char *month,
                           json_t **month_r, const char **error_r);

/* Whether the school takes attendance per block. Caller holds the store. */
bool attendance_per_block(struct store *s);

/* ---- attendance_alerts.c ------------------------------------------------ */

/* After a write of `date` (inside its transaction): for each of the
 * students, their run of consecutive unjustified absences through `date`;
 * a run of 3 or more school days not yet alerted gets an attendance_alerts
 * row, one mail to each representative with an email and an audit row
 * "attendance.alert" (by `actor`, whose write caused it). *queued_r (may
 * be NULL) counts the mails queued. */
int attendance_alerts_check(struct store *s, const struct actor *actor,
                            const struct tenant *t,
                            const char *base_url, const int64_t *student_ids,
                            int n, const char *date, int *queued_r,
                            const char **error_r);

#endif
