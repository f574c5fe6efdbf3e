/*
 * The monthly attendance report and the chronic-absence list (issue #16,
 * part `report`):
 *   GET /api/v1/reports/attendance-monthly?month=YYYY-MM[&format=json|xlsx|pdf]
 *       (month default: the school's current month) -> the report's JSON,
 *       or the same report as asistencia-CODE-YYYY-MM.xlsx / .pdf;
 *   GET /api/v1/reports/chronic-absence -> the students under 80 % over
 *       the last 30 days, with their representatives to call.
 * Both for school admins (manage_records). The numbers are made in
 * src/school/attendance_report.c, the files in attendance_report_files.c;
 * a month no school year overlaps is an empty report ("year": null).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/fields.h"
#include "http/http.h"
#include "school/attendance_report.h"
#include "school/records.h"

#define XLSX_TYPE \
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* "YYYY-MM" with a month 01..12 and a year 2000..2999. */
static bool month_ok(const char *s)
{
    if (strlen(s) != 7 || s[4] != '-')
        return false;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = atoi(s), m = atoi(s + 5);
    return y >= 2000 && y <= 2999 && m >= 1 && m <= 12;
}

void h_report_attendance_monthly(struct request *r)
{
    const char *month = request_query(r, "month");
    const char *format = request_query(r, "format");
    char cur[11];
    bool bad_month = month && *month && !month_ok(month);
    bool xlsx = format && strcmp(format, "xlsx") == 0;
    bool pdf = format && strcmp(format, "pdf") == 0;
    bool bad_format = format && *format && !xlsx && !pdf &&
                      strcmp(format, "json") != 0;
    if (bad_month || bad_format) {
        struct field_errors errs = {0};
        if (bad_month)
            field_error(&errs, "month",
                        "El mes debe tener la forma AAAA-MM, por ejemplo "
                        "2025-10.");
        if (bad_format)
            field_error(&errs, "format",
                        "El formato debe ser json, xlsx o pdf.");
        fields_reply(r, &errs);
        return;
    }
    if (month == NULL || *month == '\0') {
        store_lock(r->school);
        rec_today(r->school, cur);
        store_unlock(r->school);
        cur[7] = '\0';
        month = cur;
    }
    struct attendance_month m;
    const char *err = NULL;
    int rc = attendance_month_load(r->school, r->tenant.name, month, &m, &err);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    if (!xlsx && !pdf) {
        reply_json(r, 200, attendance_month_json(&m));
        attendance_month_free(&m);
        return;
    }
    struct export_file f;
    rc = pdf ? attendance_month_pdf(&m, &f, &err)
             : attendance_month_xlsx(&m, &f, &err);
    attendance_month_free(&m);
    if (rc < 0) {
        reply_internal(r, err ? err : "attendance report file failed");
        return;
    }
    char name[160];
    snprintf(name, sizeof name, "asistencia-%s-%.7s.%s", r->tenant.code,
             month, pdf ? "pdf" : "xlsx");
    reply_bytes(r, 200, pdf ? "application/pdf" : XLSX_TYPE, name, f.data,
                f.len);
}

void h_report_chronic_absence(struct request *r)
{
    json_t *list = NULL;
    const char *err = NULL;
    if (attendance_chronic_list(r->school, &list, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200, list);
}
