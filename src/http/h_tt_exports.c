/*
 * A timetable going out (issue #15, part exports): its files
 * (GET /api/v1/timetables/{id}/export?format=pdf|xlsx|csv&by=section|
 * teacher[&section_id=|&staff_id=]; {id} may be `active`), named
 * horario-CODE-ID-DATE.EXT; section_id (staff_id with by=teacher) keeps
 * that one page (an id with no lessons there: a page saying so). The
 * files are made in src/school/tt_export.c and tt_export_pdf.c; a
 * timetable of another school is simply not found.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "http/records_fields.h"
#include "school/tt_export.h"

#define XLSX_TYPE \
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* {id}: a positive id, or `active` (0). -1 when neither (not found). */
static int64_t timetable_param(const char *s)
{
    if (strcmp(s, "active") == 0)
        return 0;
    int64_t id = rec_path_id(s);
    return id > 0 ? id : -1;
}

void h_timetable_export(struct request *r)
{
    int64_t id = timetable_param(r->params[0]);
    const char *format = request_query(r, "format");
    const char *by_s = request_query(r, "by");
    struct field_errors errs = {0};
    enum { F_PDF, F_XLSX, F_CSV } f = F_PDF;
    if (format == NULL || *format == '\0' || strcmp(format, "pdf") == 0)
        f = F_PDF;
    else if (strcmp(format, "xlsx") == 0)
        f = F_XLSX;
    else if (strcmp(format, "csv") == 0)
        f = F_CSV;
    else
        field_error(&errs, "format", "El formato debe ser pdf, xlsx o csv.");
    enum tt_export_by by = TT_EXPORT_BY_SECTION;
    if (by_s && *by_s && strcmp(by_s, "section") != 0) {
        if (strcmp(by_s, "teacher") == 0)
            by = TT_EXPORT_BY_TEACHER;
        else
            field_error(&errs, "by",
                        "Indique section (por sección) o teacher (por "
                        "docente).");
    }
    /* one section's (or, by teacher, one teacher's) page alone */
    const char *only_s = request_query(r, by == TT_EXPORT_BY_TEACHER
                                              ? "staff_id"
                                              : "section_id");
    int64_t only = 0;
    if (only_s && *only_s) {
        only = rec_path_id(only_s);
        if (only <= 0)
            field_error(&errs,
                        by == TT_EXPORT_BY_TEACHER ? "staff_id" : "section_id",
                        by == TT_EXPORT_BY_TEACHER
                            ? "El docente indicado no es válido."
                            : "La sección indicada no es válida.");
    }
    if (fields_reply(r, &errs) < 0)
        return;
    if (id < 0) {
        reply_err_msg(r, ERR_NOT_FOUND, "El horario no existe.");
        return;
    }
    struct tt_export x;
    const char *err = NULL;
    int rc = tt_export_load(r->school, r->tenant.name, id, &x, &err);
    if (rc == EXPORT_NOT_FOUND) {
        reply_err_msg(r, ERR_NOT_FOUND,
                      id ? "El horario no existe."
                         : "El plantel no tiene un horario activo.");
        return;
    }
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    x.only = only;
    struct export_file file;
    rc = f == F_PDF    ? tt_export_pdf(&x, by, &file, &err)
         : f == F_XLSX ? tt_export_xlsx(&x, by, &file, &err)
                       : tt_export_csv(&x, &file, &err);
    int64_t tt_id = x.tt->id;
    tt_export_free(&x);
    if (rc < 0) {
        reply_internal(r, err ? err : "timetable export failed");
        return;
    }
    static const char *const ext[] = {"pdf", "xlsx", "csv"};
    static const char *const type[] = {"application/pdf", XLSX_TYPE,
                                       "text/csv; charset=utf-8"};
    char name[160];
    snprintf(name, sizeof name, "horario-%s-%lld%s-%s.%s", r->tenant.code,
             (long long)tt_id,
             f != F_CSV && by == TT_EXPORT_BY_TEACHER ? "-docentes" : "",
             file.today, ext[f]);
    reply_bytes(r, 200, type[f], name, file.data, file.len);
}
