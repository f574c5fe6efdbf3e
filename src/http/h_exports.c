/*
 * GET /api/v1/exports/matricula.xlsx, /api/v1/exports/enrolment.xlsx and
 * /api/v1/exports/enrolment.pdf (?year_id=, default the current year):
 * the school's Matrícula and its enrolment statistics as files to
 * download, named after the school's code and the school-local date
 * (matricula-CODE-YYYY-MM-DD.xlsx, estadistica-matricula-CODE-....xlsx or
 * .pdf). The files are made in src/school/matricula_export.c and
 * enrolment_stats.c; a year of another school is simply not found.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"
#include "http/http.h"
#include "school/exports.h"

#define XLSX_TYPE \
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* ?year_id=: 0 when absent, -1 (with a 422 sent) when not an id. */
static int64_t year_param(struct request *r)
{
    const char *s = request_query(r, "year_id");
    if (s == NULL || *s == '\0')
        return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end != '\0' || v < 1 || end - s > 18) {
        reply_invalid(r, "year_id", "El año escolar indicado no es válido.");
        return -1;
    }
    return v;
}

static void reply_failure(struct request *r, int rc, const char *err)
{
    if (rc == EXPORT_NOT_FOUND)
        reply_err_msg(r, ERR_NOT_FOUND, "El año escolar no existe.");
    else if (rc == EXPORT_STORE_ERROR)
        reply_store_error(r, err);
    else
        reply_internal(r, err ? err : "export failed");
}

static void reply_file(struct request *r, struct export_file *f,
                       const char *type, const char *stem, const char *ext)
{
    char name[160];
    snprintf(name, sizeof name, "%s-%s-%s.%s", stem, r->tenant.code,
             f->today, ext);
    reply_bytes(r, 200, type, name, f->data, f->len);
    f->data = NULL; /* the reply owns it */
    f->len = 0;
}

void h_export_matricula(struct request *r)
{
    int64_t year = year_param(r);
    if (year < 0)
        return;
    struct export_file f;
    const char *err = NULL;
    int rc = matricula_export_xlsx(r->school, r->tenant.name, year, &f, &err);
    if (rc < 0) {
        reply_failure(r, rc, err);
        return;
    }
    reply_file(r, &f, XLSX_TYPE, "matricula", "xlsx");
}

static void enrolment(struct request *r, bool pdf)
{
    int64_t year = year_param(r);
    if (year < 0)
        return;
    struct enrolment_stats st;
    const char *err = NULL;
    int rc = enrolment_stats_load(r->school, r->tenant.name, year, &st, &err);
    if (rc < 0) {
        reply_failure(r, rc, err);
        return;
    }
    struct export_file f;
    rc = pdf ? enrolment_stats_pdf(&st, &f, &err)
             : enrolment_stats_xlsx(&st, &f, &err);
    enrolment_stats_free(&st);
    if (rc < 0) {
        reply_failure(r, rc, err);
        return;
    }
    reply_file(r, &f, pdf ? "application/pdf" : XLSX_TYPE,
               "estadistica-matricula", pdf ? "pdf" : "xlsx");
}

void h_export_enrolment_xlsx(struct request *r)
{
    enrolment(r, false);
}

void h_export_enrolment_pdf(struct request *r)
{
    enrolment(r, true);
}
