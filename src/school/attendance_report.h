/*
 * What attendance adds up to (issue #16, part `report`): the Ministry's
 * monthly report per grade (attendance_report.c), its .xlsx laid out like
 * the Ministry's sheet and its printable PDF (attendance_report_files.c),
 * the chronic-absence list with the representatives to call, and the
 * school's attendance rate of the last 30 days for the platform's figures
 * (tenant_analytics metric attendance_rate_pct).
 *
 * Everything is computed from the schema of migrations/school/011 and the
 * school's calendar (school/calendar.h decides which dates are school
 * days): a section's day is taken when it has an attendance_sessions row
 * of block 0; the students enrolled in it that day (enrolments, never
 * students.section_id) without an absent or justified mark were present
 * (late counts as present). A day not taken is reported as such, never as
 * absence. Each reader loads its rows once (sections, enrolments, the
 * month's sessions and its absent/justified marks) on one snapshot and
 * adds them up in memory, so a school of 10,000 students costs a handful
 * of queries.
 *
 * Definitions (docs/API.md repeats them):
 * - DÍAS HÁBILES: the month's school days.
 * - V/H/TOTAL and CANTIDAD DE SECCIONES of a grade: the students enrolled
 *   in a section of the grade on the month's last school day (the month's
 *   last day when it has none), and the sections holding them.
 * - SUMATORIA: over the school days, the students present (enrolled that
 *   day in a section of the grade whose day was taken, not marked absent
 *   or justified), also split V/H. PROMEDIO = sumatoria / días hábiles
 *   (2 decimals, halves up). PORCENTAJE = sumatoria / recorded
 *   student-days x 100 (1 decimal, halves up), a recorded student-day
 *   being a student enrolled in a section on a school day it was taken:
 *   enrolment counted per day, so a student who came or left mid-month
 *   weighs only the days enrolled, and a day not taken is no absence.
 *   With the same students all month and every day taken it is the
 *   Ministry's PROMEDIO / TOTAL x 100. Null when a divisor is 0.
 * - Days not taken of a grade: school days on which some section of it
 *   with students enrolled that day has no record.
 * - Movement (school-wide, V/H): inicial = enrolled on the month's first
 *   day, except enrolments that begin that day as ingreso/reingreso;
 *   ingresos = enrolments beginning in the month as ingreso or reingreso;
 *   egresos = enrolments ending in the month by retiro or graduación (a
 *   change of section is neither); final = inicial + ingresos - egresos.
 */
#ifndef BIS_SCHOOL_ATTENDANCE_REPORT_H
#define BIS_SCHOOL_ATTENDANCE_REPORT_H
#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "school/exports.h"

/* One grade's line of the report (or the total line). */
struct attendance_grade_line {
    int64_t grade_id; /* 0 on the total line */
    char grade[64];
    char level[24];
    int number;
    int sections, v, h;
    int64_t sum, sum_v, sum_h;
    int days_not_taken;
    int64_t enrolled_days; /* student-days enrolled on school days */
    int64_t recorded_days; /* of those, in sections taken that day */
};

/* One grade on one school day (for the plot). */
struct attendance_day_cell {
    int present, enrolled, taken; /* taken: enrolled in sections taken */
};

struct attendance_vh {
    int v, h;
};

struct attendance_month {
    struct export_context ctx; /* the school, its codes, today */
    char month[8];             /* "2025-10" */
    int school_days;
    char (*days)[11];          /* the school days, in order */
    struct attendance_grade_line *grades; /* by level and number */
    int n_grades;
    struct attendance_grade_line total;
    struct attendance_day_cell *daily;    /* [day * n_grades + grade] */
    struct attendance_vh initial, ingresos, egresos, final_;
    /* branding for the PDF: primary colour and logo (PNG or NULL) */
    char primary[8];
    unsigned char *logo;
    size_t logo_len;
};

/* The report of `month` ("YYYY-MM"). Takes the store itself (a snapshot).
 * EXPORT_OK (a month no school year overlaps: no school days, no grades,
 * year_id 0); EXPORT_STORE_ERROR. */
int attendance_month_load(struct store *s, const char *default_name,
                          const char *month, struct attendance_month *m_r,
                          const char **error_r);
void attendance_month_free(struct attendance_month *m);
/* The report as the API's JSON (docs/API.md). */
json_t *attendance_month_json(const struct attendance_month *m);
/* "septiembre de 2025" */
void attendance_month_label(const char *month, char *out, size_t n);

/* attendance_report_files.c: the same report as files. */
int attendance_month_xlsx(const struct attendance_month *m,
                          struct export_file *out_r, const char **error_r);
int attendance_month_pdf(const struct attendance_month *m,
                         struct export_file *out_r, const char **error_r);

/* Chronic absence over the last 30 calendar days up to today (school
 * local): each active student with at least 10 recorded days (school days
 * on which their section's attendance was taken while they were enrolled
 * in it) and under 80 % present: {"as_of", "from", "items": [{student_id,
 * names, section, percent, recorded_days, present_days, level: "alto" |
 * "critico" (under 70 %), representatives: [{name, phone, email,
 * relationship}]}]}, lowest percent first. Takes the store itself. */
#define ATTENDANCE_CHRONIC_DAYS 30
#define ATTENDANCE_CHRONIC_MIN_RECORDED 10
int attendance_chronic_list(struct store *s, json_t **list_r,
                            const char **error_r);

/* The school's attendance rate over the last 30 days (present student-days
 * over recorded student-days), a whole percent, for the platform's figures
 * (statistics_set_school_figure). Caller holds the store. 1 with *value_r,
 * 0 when nothing was recorded, -1 on error. */
int attendance_rate_figure(struct store *s, int64_t *value_r,
                           const char **error_r);

#endif
