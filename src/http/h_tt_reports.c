/*
 * Reports of a timetable (issue #15, part exports):
 * GET /api/v1/reports/teaching-load?timetable_id=&format=json|csv (the
 * carga horaria) and GET /api/v1/reports/teacher-satisfaction
 * ?timetable_id= (each teacher's share of approved preferences met and the
 * school's average); without timetable_id, the active timetable. Made in
 * src/school/tt_reports.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/fields.h"
#include "http/http.h"
#include "school/tt_export.h"

/* ?timetable_id=: 0 when absent, -1 (with a 422 sent) when not an id. */
static int64_t timetable_query(struct request *r)
{
    const char *s = request_query(r, "timetable_id");
    if (s == NULL || *s == '\0')
        return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end != '\0' || v < 1 || end - s > 18) {
        reply_invalid(r, "timetable_id", "El horario indicado no es válido.");
        return -1;
    }
    return v;
}

static void reply_missing(struct request *r, int64_t id)
{
    reply_err_msg(r, ERR_NOT_FOUND,
                  id ? "El horario no existe."
                     : "El plantel no tiene un horario activo.");
}

void h_report_teaching_load(struct request *r)
{
    int64_t id = timetable_query(r);
    if (id < 0)
        return;
    const char *format = request_query(r, "format");
    bool csv = format && strcmp(format, "csv") == 0;
    if (format && *format && !csv && strcmp(format, "json") != 0) {
        reply_invalid(r, "format", "El formato debe ser json o csv.");
        return;
    }
    json_t *report = NULL;
    const char *err = NULL;
    int rc = tt_teaching_load(r->school, id, &report, &err);
    if (rc == EXPORT_NOT_FOUND) {
        reply_missing(r, id);
        return;
    }
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    if (!csv) {
        reply_json(r, 200, report);
        return;
    }
    struct export_context ctx;
    char today[11] = "";
    store_lock(r->school);
    if (export_context_load(r->school, r->tenant.name, 0, &ctx, &err) == 0)
        str_copy(today, sizeof today, ctx.today);
    store_unlock(r->school);
    struct export_file f;
    tt_teaching_load_csv(report, today, &f);
    json_decref(report);
    char name[128];
    snprintf(name, sizeof name, "carga-horaria-%s-%s.csv", r->tenant.code,
             f.today);
    reply_bytes(r, 200, "text/csv; charset=utf-8", name, f.data, f.len);
}

void h_report_teacher_satisfaction(struct request *r)
{
    int64_t id = timetable_query(r);
    if (id < 0)
        return;
    json_t *report = NULL;
    const char *err = NULL;
    int rc = tt_teacher_satisfaction(r->school, id, &report, &err);
    if (rc == EXPORT_NOT_FOUND) {
        reply_missing(r, id);
        return;
    }
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200, report);
}
