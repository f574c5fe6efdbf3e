/*
 * Attendance (issue #16, part `take`):
 *   GET /api/v1/attendance/sections?date=        the sections the signed-in
 *                                                teacher (or admin) takes
 *   GET /api/v1/attendance?section_id=&date=[&block=]
 *   PUT /api/v1/attendance {section_id, date, block?, client_time?, marks}
 *   GET /api/v1/me/children/{id}/attendance?month=YYYY-MM   a parent's child
 * Parse, call src/school/attendance.c (attendance.h), reply. A teacher's
 * section that is not theirs answers 403 not_your_section; a parent's
 * student who is not their child answers 404 like an unknown id; a day that
 * is not a school day, 422 not_school_day with the calendar's reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/h_records.h"
#include "school/attendance.h"

static const char section_not_found[] = "Sección no encontrada.";
static const char student_not_found[] = "Estudiante no encontrado.";

/* Trims surrounding spaces in place. */
static void trim(char *s)
{
    size_t len = strlen(s), a = 0;
    while (a < len && (s[a] == ' ' || s[a] == '\t'))
        a++;
    while (len > a && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    memmove(s, s + a, len - a);
    s[len - a] = '\0';
}

static void viewer_of(struct request *r, struct attendance_viewer *v)
{
    v->user_id = r->who.user_id;
    v->admin = (r->who.perms & PERM_MANAGE_RECORDS) != 0;
}

/* A date in ?date= (today when absent): false after a 422. */
static bool query_date(struct request *r, char out[11])
{
    const char *v = request_query(r, "date");
    if (v == NULL) {
        store_lock(r->school);
        rec_today(r->school, out);
        store_unlock(r->school);
        return true;
    }
    if (strlen(v) != 10 || records_check_date(v, out, 11) != NULL) {
        reply_invalid(r, "date", "Indique una fecha válida (AAAA-MM-DD).");
        return false;
    }
    return true;
}

/* A small non-negative integer in ?key= (absent: 0); -1 after a 422. */
static int query_small(struct request *r, const char *key, int max,
                       const char *message, int64_t *out)
{
    const char *v = request_query(r, key);
    *out = 0;
    if (v == NULL)
        return 0;
    char *end = NULL;
    long long n = strtoll(v, &end, 10);
    if (*v == '\0' || *end != '\0' || n < 0 || n > max || strlen(v) > 18) {
        reply_invalid(r, key, message);
        return -1;
    }
    *out = n;
    return 0;
}

static void attendance_reply(struct request *r, int rc,
                             const struct rec_errors *errs, const char *why,
                             const char *err, json_t *obj)
{
    if (rc == ATT_NOT_YOURS) {
        reply_err(r, ERR_NOT_YOUR_SECTION);
        return;
    }
    if (rc == ATT_NOT_SCHOOL_DAY) {
        reply_err_field(r, ERR_NOT_SCHOOL_DAY, "date",
                        why ? why : "Ese día no hay clases.");
        return;
    }
    records_reply(r, rc, errs, err, section_not_found, 200, obj);
}

void h_attendance_sections(struct request *r)
{
    char date[11];
    if (!query_date(r, date))
        return;
    struct attendance_viewer v;
    viewer_of(r, &v);
    const char *err = NULL;
    json_t *o = NULL;
    int rc = attendance_sections(r->school, &v, date, &o, &err);
    records_reply(r, rc, NULL, err, section_not_found, 200, o);
}

void h_attendance_get(struct request *r)
{
    int64_t section_id = 0, block = 0;
    char date[11];
    const char *sid = request_query(r, "section_id");
    if (sid == NULL) {
        reply_invalid(r, "section_id", "Indique la sección.");
        return;
    }
    if (query_small(r, "section_id", 2000000000, "Indique la sección.",
                    &section_id) < 0 ||
        query_small(r, "block", ATTENDANCE_BLOCKS_MAX,
                    "El bloque debe ser un número de 0 a 12.", &block) < 0 ||
        !query_date(r, date))
        return;
    struct attendance_viewer v;
    viewer_of(r, &v);
    struct rec_errors errs = {0};
    const char *err = NULL;
    json_t *o = NULL;
    int rc = section_id > 0
                 ? attendance_get(r->school, &v, section_id, date, (int)block,
                                  &errs, &o, &err)
                 : REC_NOT_FOUND;
    attendance_reply(r, rc, &errs, NULL, err, o);
}

void h_attendance_put(struct request *r)
{
    struct attendance_input in = {0};
    char date[11] = "", client_time[64] = "";
    int64_t block = 0;
    bool has_block = false, has_client_time = false;
    const struct field f[] = {
        {.key = "section_id", .type = FIELD_INT, .required = true,
         .message = "Indique la sección.", .integer = &in.section_id},
        {.key = "date", .type = FIELD_LINE, .required = true,
         .max_len = 10, .message = "Indique una fecha válida (AAAA-MM-DD).",
         .check = records_check_date, .text = date, .text_size = sizeof date},
        {.key = "block", .type = FIELD_INT,
         .message = "El bloque debe ser un número de 0 a 12.",
         .integer = &block, .present = &has_block},
        {.key = "client_time", .type = FIELD_LINE, .max_len = 40,
         .message = "La hora del dispositivo debe ser un instante UTC "
                    "(AAAA-MM-DDTHH:MM:SSZ).",
         .text = client_time, .text_size = sizeof client_time,
         .present = &has_client_time},
    };
    struct field_errors errs = {0};
    fields_parse(r->json, f, sizeof f / sizeof f[0], &errs);
    if (has_block && (block < 0 || block > ATTENDANCE_BLOCKS_MAX))
        field_error(&errs, "block", "El bloque debe ser un número de 0 a 12.");
    in.block = (int)block;
    str_copy(in.date, sizeof in.date, date);
    if (has_client_time && client_time[0] &&
        !attendance_client_time(client_time, in.client_time))
        field_error(&errs, "client_time",
                    "La hora del dispositivo debe ser un instante UTC "
                    "(AAAA-MM-DDTHH:MM:SSZ).");
    json_t *marks = json_object_get(r->json, "marks");
    size_t n = 0;
    if (marks != NULL && !json_is_array(marks))
        field_error(&errs, "marks",
                    "Las marcas deben ser una lista de estudiantes.");
    else if ((n = json_array_size(marks)) > ATTENDANCE_MARKS_MAX)
        field_error(&errs, "marks",
                    "Una lista admite como máximo 300 estudiantes.");
    else if (n > 0)
        in.marks = xcalloc(n, sizeof *in.marks);
    /* the names of the findings on each mark's members (live until the
     * reply) */
    struct mark_names {
        char status[40], reason[40];
    } *names = in.marks ? xcalloc(n, sizeof *names) : NULL;
    for (size_t i = 0; in.marks && i < n; i++) {
        struct attendance_mark_input *m = &in.marks[in.marks_n++];
        json_t *o = json_array_get(marks, i);
        snprintf(m->field, sizeof m->field, "marks[%zu].student_id", i);
        snprintf(names[i].status, sizeof names[i].status, "marks[%zu].status", i);
        snprintf(names[i].reason, sizeof names[i].reason, "marks[%zu].reason", i);
        if (!json_is_object(o)) {
            field_error(&errs, m->field,
                        "Cada marca indica un estudiante y su estado.");
            continue;
        }
        json_t *id = json_object_get(o, "student_id");
        json_t *st = json_object_get(o, "status");
        json_t *reason = json_object_get(o, "reason");
        if (!json_is_integer(id) || json_integer_value(id) <= 0)
            field_error(&errs, m->field, "Indique el estudiante.");
        else
            m->student_id = json_integer_value(id);
        m->status = json_is_string(st)
                        ? attendance_status_parse(json_string_value(st))
                        : -1;
        if (m->status < 0)
            field_error(&errs, names[i].status,
                        "El estado debe ser presente, ausente, tarde o "
                        "justificado.");
        const char *text = json_is_string(reason) ? json_string_value(reason)
                           : reason == NULL || json_is_null(reason) ? ""
                                                                   : NULL;
        if (text == NULL || strlen(text) > ATTENDANCE_REASON_MAX ||
            field_text_check(text, false) != NULL) {
            field_error(&errs, names[i].reason,
                        "El motivo admite hasta 200 caracteres, en una línea.");
            continue;
        }
        str_copy(m->reason, sizeof m->reason, text);
        trim(m->reason);
        if (m->status == ATT_JUSTIFIED && m->reason[0] == '\0')
            field_error(&errs, names[i].reason,
                        "Indique el motivo de la falta justificada.");
    }
    if (fields_reply(r, &errs) < 0) {
        free(in.marks);
        free(names);
        return;
    }
    struct attendance_viewer v;
    viewer_of(r, &v);
    struct actor actor;
    request_actor(r, &actor);
    char base_url[512];
    request_link(r, &r->tenant, "", base_url, sizeof base_url);
    struct rec_errors rerrs = {0};
    const char *err = NULL, *why = NULL;
    json_t *o = NULL;
    int rc = attendance_put(r->school, &actor, &v, &in, &r->tenant, base_url,
                            &rerrs, &o, &why, &err);
    attendance_reply(r, rc, &rerrs, why, err, o);
    free(in.marks);
    free(names);
}

void h_me_child_attendance(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, student_not_found))
        return;
    const char *month = request_query(r, "month");
    char m[8];
    if (month == NULL) {
        char today[11];
        store_lock(r->school);
        rec_today(r->school, today);
        store_unlock(r->school);
        snprintf(m, sizeof m, "%.7s", today);
    } else {
        char probe[11];
        if (strlen(month) != 7 ||
            (snprintf(probe, sizeof probe, "%s-01", month),
             records_check_date(probe, probe, sizeof probe) != NULL)) {
            reply_invalid(r, "month", "Indique un mes válido (AAAA-MM).");
            return;
        }
        str_copy(m, sizeof m, month);
    }
    const char *err = NULL;
    json_t *o = NULL;
    int rc = attendance_child_month(r->school, r->who.user_id, id, m, &o, &err);
    records_reply(r, rc, NULL, err, student_not_found, 200, o);
}
