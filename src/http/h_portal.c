/*
 * Views of the active timetable (issue #15, part `portal`):
 *   GET /api/v1/timetables/active/week?section_id=|staff_id=|room_id=
 *   GET /api/v1/timetables/active/day?date=&section_id=|staff_id=|room_id=
 *   GET /api/v1/me/timetable[?date=]        the signed-in teacher's week (with
 *                                           their covers of the next 31 days)
 *                                           or day
 *   GET /api/v1/me/children                 the signed-in parent's children
 *   GET /api/v1/me/children/{id}/timetable  one child's week
 * and cover for absent teachers:
 *   GET, POST /api/v1/absences; GET, PATCH, DELETE /api/v1/absences/{id};
 *   GET /api/v1/absences/{id}/cover (lessons and who could cover them);
 *   PUT /api/v1/covers {lesson_id, date, staff_id}; DELETE /api/v1/covers/{id}.
 * Parse, call src/school/tt_views.c or covers.c (portal.h), reply. What is
 * not the teacher's or parent's own answers 404, like an unknown id.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/h_records.h"
#include "school/portal.h"

static const char *const target_keys[] = {"section_id", "staff_id",
                                          "room_id"};
static const char *const target_missing[] = {
    "Sección no encontrada.", "Docente no encontrado.", "Aula no encontrada."};
static const char absence_not_found[] = "Ausencia no encontrada.";
static const char cover_not_found[] = "Suplencia no encontrada.";
static const char student_not_found[] = "Estudiante no encontrado.";

/* A positive id in ?key=: 1 given (and *id_r), 0 absent, -1 invalid. */
static int query_id(struct request *r, const char *key, int64_t *id_r)
{
    const char *v = request_query(r, key);
    if (v == NULL)
        return 0;
    char *end = NULL;
    long long n = strtoll(v, &end, 10);
    if (*v == '\0' || *end != '\0' || n <= 0 || strlen(v) > 18)
        return -1;
    *id_r = n;
    return 1;
}

/* A date in ?key=: 1 given (out set), 0 absent, -1 invalid (422 sent). */
static int query_date(struct request *r, const char *key, char out[11])
{
    const char *v = request_query(r, key);
    if (v == NULL)
        return 0;
    if (strlen(v) != 10 || records_check_date(v, out, 11) != NULL) {
        reply_invalid(r, key, "Indique una fecha válida (AAAA-MM-DD).");
        return -1;
    }
    return 1;
}

/* The replies every route here shares. */
static void portal_reply(struct request *r, int rc, const struct rec_errors *errs,
                         const char *err, const char *not_found,
                         unsigned status, json_t *obj)
{
    if (rc == PORTAL_NO_TIMETABLE) {
        json_decref(obj);
        reply_err(r, ERR_NO_ACTIVE_TIMETABLE);
        return;
    }
    struct rec_errors none = {0};
    records_reply(r, rc, errs ? errs : &none, err, not_found, status, obj);
}

/* Which of section_id, staff_id, room_id: false after a 422. */
static bool read_target(struct request *r, enum portal_target *kind_r,
                        int64_t *id_r)
{
    int given = 0;
    for (int k = 0; k < 3; k++) {
        int64_t id = 0;
        int rc = query_id(r, target_keys[k], &id);
        if (rc < 0) {
            reply_invalid(r, target_keys[k],
                          "Indique el número de la sección, docente o aula.");
            return false;
        }
        if (rc > 0) {
            given++;
            *kind_r = (enum portal_target)k;
            *id_r = id;
        }
    }
    if (given != 1) {
        reply_invalid(r, "section_id",
                      "Indique una sola de section_id, staff_id o room_id.");
        return false;
    }
    return true;
}

static void today(struct request *r, char out[11])
{
    store_lock(r->school);
    rec_today(r->school, out);
    store_unlock(r->school);
}

/* ---- views ------------------------------------------------------------------ */

void h_tt_active_week(struct request *r)
{
    enum portal_target kind = PORTAL_SECTION;
    int64_t id = 0;
    if (!read_target(r, &kind, &id))
        return;
    const char *err = NULL;
    json_t *o = NULL;
    int rc = portal_week(r->school, kind, id, &o, &err);
    portal_reply(r, rc, NULL, err, target_missing[kind], 200, o);
}

void h_tt_active_day(struct request *r)
{
    enum portal_target kind = PORTAL_SECTION;
    int64_t id = 0;
    char date[11];
    int d = query_date(r, "date", date);
    if (d < 0 || !read_target(r, &kind, &id))
        return;
    if (d == 0)
        today(r, date);
    const char *err = NULL;
    json_t *o = NULL;
    int rc = portal_day(r->school, kind, id, date, &o, &err);
    portal_reply(r, rc, NULL, err, target_missing[kind], 200, o);
}

void h_me_timetable(struct request *r)
{
    char date[11];
    int d = query_date(r, "date", date);
    if (d < 0)
        return;
    const char *err = NULL;
    int64_t staff = 0;
    int rc = portal_teacher_of_user(r->school, r->who.user_id, &staff, &err);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    if (rc == 0) {
        /* an account linked to no staff member: nothing of theirs to show
         * (the page asks them to have it linked) */
        reply_json(r, 200,
                   json_pack("{s:n,s:n,s:[],s:[],s:[],s:[]}", "timetable",
                             "view", "days", "slots", "lessons", "covers"));
        return;
    }
    json_t *o = NULL;
    rc = d ? portal_day(r->school, PORTAL_TEACHER, staff, date, &o, &err)
           : portal_week(r->school, PORTAL_TEACHER, staff, &o, &err);
    if (rc == REC_OK && !d) {
        /* the week also lists the covers they give in the next 31 days */
        json_t *covers = NULL;
        today(r, date);
        rc = portal_teacher_covers(r->school, staff, date, 31, &covers, &err);
        if (rc == REC_OK)
            json_object_set_new(o, "covers", covers);
    }
    portal_reply(r, rc, NULL, err, target_missing[PORTAL_TEACHER], 200, o);
}

void h_me_children(struct request *r)
{
    const char *err = NULL;
    json_t *o = NULL;
    int rc = portal_children(r->school, r->who.user_id, &o, &err);
    portal_reply(r, rc, NULL, err, student_not_found, 200, o);
}

void h_me_child_timetable(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, student_not_found))
        return;
    const char *err = NULL;
    json_t *o = NULL;
    int rc = portal_child_week(r->school, r->who.user_id, id, &o, &err);
    portal_reply(r, rc, NULL, err, student_not_found, 200, o);
}

/* ---- absences ---------------------------------------------------------------- */

void h_absences_list(struct request *r)
{
    int64_t staff = 0;
    char from[11] = "", to[11] = "";
    if (query_id(r, "staff_id", &staff) < 0) {
        reply_invalid(r, "staff_id", "Indique el número del docente.");
        return;
    }
    if (query_date(r, "from", from) < 0 || query_date(r, "to", to) < 0)
        return;
    const char *err = NULL;
    json_t *items = NULL;
    int rc = portal_absences_list(r->school, staff, from, to, &items, &err);
    records_reply_list(r, rc, items, err);
}

void h_absences_get(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, absence_not_found))
        return;
    const char *err = NULL;
    json_t *o = NULL;
    int rc = portal_absence_get(r->school, id, &o, &err);
    portal_reply(r, rc, NULL, err, absence_not_found, 200, o);
}

static void absence_write(struct request *r, int64_t id)
{
    struct absence_input in = {0};
    bool create = id == 0;
    const struct field f[] = {
        {.key = "staff_id", .type = FIELD_INT, .required = create,
         .message = "Indique el docente ausente.", .integer = &in.staff_id,
         .present = &in.has_staff},
        {.key = "starts_on", .required = create, .max_len = 10,
         .message = "Indique desde qué fecha falta (AAAA-MM-DD).",
         .check = records_check_date, .text = in.starts_on,
         .text_size = sizeof in.starts_on, .present = &in.has_starts},
        {.key = "ends_on", .max_len = 10,
         .message = "Indique hasta qué fecha falta (AAAA-MM-DD).",
         .check = records_check_date, .text = in.ends_on,
         .text_size = sizeof in.ends_on, .present = &in.has_ends},
        {.key = "reason", .clearable = true, .max_len = 200,
         .message = "El motivo admite hasta 200 caracteres.",
         .text = in.reason, .text_size = sizeof in.reason,
         .present = &in.has_reason},
    };
    struct field_errors fe = {0};
    fields_parse(r->json, f, sizeof f / sizeof f[0], &fe);
    if (in.has_staff && in.staff_id <= 0)
        field_error(&fe, "staff_id", "Indique el docente ausente.");
    if (fields_reply(r, &fe) < 0)
        return;
    struct rec_errors errs = {0};
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    json_t *o = NULL;
    int rc = portal_absence_write(r->school, &actor, id, &in, &errs, &o, &err);
    portal_reply(r, rc, &errs, err, absence_not_found, create ? 201 : 200, o);
}

void h_absences_create(struct request *r)
{
    absence_write(r, 0);
}

void h_absences_patch(struct request *r)
{
    int64_t id;
    if (records_id(r, &id, absence_not_found))
        absence_write(r, id);
}

void h_absences_delete(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, absence_not_found))
        return;
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    int rc = portal_absence_delete(r->school, &actor, id, &err);
    portal_reply(r, rc, NULL, err, absence_not_found, 200,
                 rc == REC_OK ? json_pack("{s:b}", "ok", 1) : NULL);
}

void h_absences_cover(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, absence_not_found))
        return;
    const char *err = NULL;
    json_t *o = NULL;
    int rc = portal_absence_cover(r->school, id, &o, &err);
    portal_reply(r, rc, NULL, err, absence_not_found, 200, o);
}

/* ---- covers ------------------------------------------------------------------ */

void h_covers_put(struct request *r)
{
    int64_t lesson = 0, staff = 0;
    char date[11] = "";
    const struct field f[] = {
        {.key = "lesson_id", .type = FIELD_INT, .required = true,
         .message = "Indique la clase que se cubre.", .integer = &lesson},
        {.key = "date", .required = true, .max_len = 10,
         .message = "Indique la fecha de la suplencia (AAAA-MM-DD).",
         .check = records_check_date, .text = date, .text_size = sizeof date},
        {.key = "staff_id", .type = FIELD_INT, .required = true,
         .message = "Indique el docente que cubre la clase.",
         .integer = &staff},
    };
    struct field_errors fe = {0};
    fields_parse(r->json, f, sizeof f / sizeof f[0], &fe);
    if (json_object_get(r->json, "lesson_id") && lesson <= 0)
        field_error(&fe, "lesson_id", "Indique la clase que se cubre.");
    if (json_object_get(r->json, "staff_id") && staff <= 0)
        field_error(&fe, "staff_id", "Indique el docente que cubre la clase.");
    if (fields_reply(r, &fe) < 0)
        return;
    struct rec_errors errs = {0};
    const char *err = NULL;
    char *busy = NULL;
    struct actor actor;
    request_actor(r, &actor);
    json_t *o = NULL;
    int rc = portal_cover_set(r->school, &actor, lesson, date, staff, &errs,
                              &o, &busy, &err);
    if (rc == PORTAL_BUSY) {
        reply_err_msg(r, ERR_TEACHER_BUSY, busy);
        free(busy);
        return;
    }
    free(busy);
    portal_reply(r, rc, &errs, err, cover_not_found, 200, o);
}

void h_covers_delete(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, cover_not_found))
        return;
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    int rc = portal_cover_delete(r->school, &actor, id, &err);
    portal_reply(r, rc, NULL, err, cover_not_found, 200,
                 rc == REC_OK ? json_pack("{s:b}", "ok", 1) : NULL);
}
