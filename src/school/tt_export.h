/*
 * A school timetable going out (issue #15): as files to print or open in a
 * spreadsheet (tt_export.c: CSV and .xlsx; tt_export_pdf.c: PDF), as
 * calendar subscriptions (calendar_feeds.c: iCalendar at a secret URL),
 * and as the reports made from it (tt_reports.c: carga horaria, teacher
 * satisfaction). Every reader starts from school_timetable_load()
 * (timetables.h).
 *
 * Files (tt_export_load then one writer):
 * - CSV: the columns of the CSV folder format's solution.csv plus room:
 *   section, day, period, length, subject, teacher, room; each named by
 *   the code it was imported with, else by its name; placed lessons only
 *   (solution.csv cannot say "not placed"), in section, day, period order.
 * - .xlsx: one worksheet per section (or teacher) in the Venezuelan
 *   HORARIO grid: the school, the title, then HORA and the days across,
 *   one row per row of the bell schedule, breaks as RECESO rows, a lesson
 *   "MATERIA / PROFESOR / (Aula)" on three lines in one cell merged over
 *   the periods of its block.
 * - PDF: one A4 landscape page per section (or teacher) with the same
 *   grid, the school's name, logo and colour.
 * A teacher's page follows the bell schedule most of their lessons
 * follow; a lesson of a section on another schedule goes in the row of
 * its period number.
 */
#ifndef BIS_SCHOOL_TT_EXPORT_H
#define BIS_SCHOOL_TT_EXPORT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "core/util.h"
#include "db/db.h"
#include "school/exports.h"
#include "school/timetables.h"

enum tt_export_by { TT_EXPORT_BY_SECTION, TT_EXPORT_BY_TEACHER };

/* What a timetable's files are made from, read on one snapshot. */
struct tt_export {
    struct export_context ctx; /* the school; the timetable's year */
    struct school_timetable *tt;
    char primary[8];           /* branding colour "#rrggbb" */
    unsigned char *logo;       /* PNG or NULL */
    size_t logo_len;
    int64_t only;              /* PDF/.xlsx: this section's or teacher's
                                  page alone (0: every page) */
};

/* Loads timetable `id` (0: the active one). Takes the store itself.
 * EXPORT_OK, EXPORT_NOT_FOUND (no such timetable, or none active) or
 * EXPORT_STORE_ERROR with *error_r. */
int tt_export_load(struct store *s, const char *default_name, int64_t id,
                   struct tt_export *x_r, const char **error_r);
void tt_export_free(struct tt_export *x);

int tt_export_csv(const struct tt_export *x, struct export_file *out_r,
                  const char **error_r);
int tt_export_xlsx(const struct tt_export *x, enum tt_export_by by,
                   struct export_file *out_r, const char **error_r);
int tt_export_pdf(const struct tt_export *x, enum tt_export_by by,
                  struct export_file *out_r, const char **error_r);

/* ---- calendar subscriptions (calendar_feeds.c) ----
 * A feed is a teacher's or a section's week of the ACTIVE timetable as
 * iCalendar, at /ical/TOKEN.ics: TOKEN is "bis_c_" and 48 hex characters,
 * shown once; the store keeps its SHA-256 only. A revoked feed, or one of
 * a teacher or section that no longer exists, is simply unknown.
 * Who: a school admin (`admin`) makes and revokes any feed; a teacher
 * only feeds of their own week (the staff row whose user_id is theirs),
 * and sees only those. Writes are audited (entity calendar_feed). */
#define CALENDAR_FEED_PREFIX "bis_c_"
#define CALENDAR_FEED_TOKEN_SIZE 55 /* prefix (6), 48 hex, NUL */

enum calendar_feed_result {
    FEED_OK = 1,
    FEED_NOT_FOUND = 0,     /* no such target/feed, or not the asker's */
    FEED_STORE_ERROR = -1,
};
/* kind "teacher" or "section"; target_id 0 with kind teacher: the
 * asker's own staff row. On FEED_OK *feed_r is the new feed's JSON and
 * token_r its token. */
int calendar_feed_create(struct store *s, const struct actor *actor,
                         bool admin, const char *kind, int64_t target_id,
                         char token_r[CALENDAR_FEED_TOKEN_SIZE],
                         json_t **feed_r, const char **error_r);
/* The feeds not revoked, newest first: [{id, kind, target_id, target,
 * created_at, created_by}]. NULL on a store error. */
json_t *calendar_feeds_list(struct store *s, bool admin, int64_t user_id,
                            const char **error_r);
int calendar_feed_revoke(struct store *s, const struct actor *actor,
                         bool admin, int64_t id, const char **error_r);
/* The calendar of the feed with this token into *ics_r (text/calendar,
 * CRLF lines); uid_domain names the school in each event's UID.
 * FEED_OK, FEED_NOT_FOUND (unknown or revoked) or FEED_STORE_ERROR. */
int calendar_feed_ics(struct store *s, const char *default_name,
                      const char *uid_domain, const char *token,
                      struct strbuf *ics_r, const char **error_r);

/* ---- reports (tt_reports.c) ----
 * Both read timetable `id` (0: the active one) and take the store
 * themselves; EXPORT_OK with *report_r, EXPORT_NOT_FOUND, or
 * EXPORT_STORE_ERROR.
 *
 * Carga horaria: per teacher (active staff whose cargo is Docente, and
 * anyone with lessons in the timetable), the periods of each subject and
 * their total against max_weekly_periods (0: no maximum), placed or not:
 * {"timetable": {id, name, status}, "teachers": [{staff_id, teacher,
 * code, max_weekly_periods, total, over, unplaced, subjects:
 * [{subject_id, subject, code, periods}]}], "unassigned_periods"}
 * (lessons without a teacher), teachers by last names. */
int tt_teaching_load(struct store *s, int64_t id, json_t **report_r,
                     const char **error_r);
/* The report as CSV (docente, codigo, materia, horas, total_docente,
 * maximo, excede): a row per teacher and subject. */
int tt_teaching_load_csv(const json_t *report, const char *today,
                         struct export_file *out_r);

/* Teacher satisfaction: per teacher with approved preferences (neutral
 * ones aside), the weighted share met by the timetable, weights time 40,
 * day 30, subject 20, room 10. Met means: avoid/dislike a time (day,
 * period), a day, a subject or a room: no lesson of theirs there, on that
 * day, of that subject, in that room; like/prefer: at least one. The
 * school's figure is the average over those teachers:
 * {"timetable": {...}, "average": 0-100 with one decimal or null,
 * "teachers_counted", "teachers": [{staff_id, teacher, score, met,
 * preferences, details: [{id, kind, level, weight, met, label}]}]}. */
int tt_teacher_satisfaction(struct store *s, int64_t id, json_t **report_r,
                            const char **error_r);
/* The school's average satisfaction with its active timetable, rounded to
 * a whole percent, for the platform's figures (tenant_analytics metric
 * teacher_satisfaction_pct). Caller holds the store. 1 with *value_r, 0
 * when there is nothing to measure (no active timetable or no approved
 * preference), -1 on error. */
int tt_satisfaction_figure(struct store *s, int64_t *value_r,
                           const char **error_r);

/* ---- the pages both grids lay out (tt_export.c) ---- */

/* One section's or teacher's week. */
struct tt_page {
    char title[256];           /* "1er Año A", "María Pérez" */
    int64_t id;                /* section or staff id */
    const struct bell_schedule *schedule; /* NULL: rows are bare periods */
    int days[TIMETABLE_MAX_DAYS]; /* the days shown, 1..7, in order */
    int ndays;
    int nperiods;              /* class periods shown (no schedule) */
    const struct school_lesson **lessons; /* placed, of this page */
    int nlessons;
};
/* The pages of tt, by section (in the timetable's order) or by teacher
 * (by name), or only the one of section/teacher `only` (0: all); *n_r of
 * them. Free with tt_pages_free. */
struct tt_page *tt_pages(const struct school_timetable *tt,
                         enum tt_export_by by, int64_t only, int *n_r);
void tt_pages_free(struct tt_page *pages, int n);

/* A grid row: a bell row (break or class period) or a bare period. */
struct tt_row {
    bool is_break;
    int period;                /* class period number, 0 for a break */
    char label[32];            /* "07:00 - 07:40", "1.ª hora" */
};
/* The rows of a page (at most TIMETABLE_MAX_PERIODS). */
int tt_page_rows(const struct tt_page *p, struct tt_row *rows);
/* The page's lesson covering (day, period), or NULL; *starts_r true when
 * it starts there (false: a block begun in an earlier period). */
const struct school_lesson *tt_page_at(const struct tt_page *p, int day,
                                       int period, bool *starts_r);
/* The grid rows rows[from..to] a lesson starting in rows[from] covers
 * when they are consecutive class periods: to, else -1 (a block across a
 * break or past the day's end is drawn in its first row only). */
int tt_rows_span(const struct tt_row *rows, int nrows, int from,
                 int length);
/* A lesson's cell: "MATERIA\nProfesor\n(Aula)" (by section) or
 * "MATERIA\nSección\n(Aula)" (by teacher); lines without a value are
 * left out. */
void tt_cell_text(const struct school_lesson *l, enum tt_export_by by,
                  char *out, size_t n);
/* "LUNES" .. "DOMINGO" */
const char *tt_day_name_upper(int day);
/* "Año escolar 2025-2026 · NAME · generado el dd/mm/aaaa" */
void tt_export_subtitle(const struct tt_export *x, char *out, size_t n);

#endif
