/*
 * Editing a timetable by hand (issue #15, the grid):
 *   GET   /api/v1/timetables/{id}/grid         lessons, bell schedules, clashes
 *   POST  /api/v1/timetables/{id}/moves        {lesson_id, day, period} or
 *                                              {"swap": [a, b]}
 *   GET   /api/v1/timetables/{id}/free-slots   ?lesson_id=: where it could go
 *   PATCH /api/v1/timetables/{id}/lessons/{lesson_id}  {"locked": bool}
 *   POST  /api/v1/timetables/{id}/copy         a new draft from any timetable
 *   POST  /api/v1/timetables/{id}/repair       {"time_limit"?}: the solver
 *                                              again around the locked
 *                                              lessons, in the background
 * The rules and the SQL are in src/school/timetable_edit.c, the clash check
 * in src/school/tt_check.c. A clash answers 409 timetable_clash with the
 * Spanish sentence naming who clashes where and error.clash {kind,
 * lesson_id, other_lesson_id, day, period}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/fields.h"
#include "http/http.h"
#include "school/timetable_edit.h"

static const char timetable_not_found[] = "Horario no encontrado.";
static const char lesson_not_found[] = "Clase no encontrada en este horario.";

static bool path_id(struct request *r, int which, int64_t *id_r,
                    const char *message)
{
    const char *p = r->params[which];
    char *end = NULL;
    long long id = strtoll(p, &end, 10);
    if (p[0] < '1' || p[0] > '9' || *end != '\0' || id <= 0) {
        reply_err_msg(r, ERR_NOT_FOUND, message);
        return false;
    }
    *id_r = id;
    return true;
}

static void reply_clash(struct request *r, const struct tt_clash *c)
{
    const struct api_error_def *d = &api_errors[ERR_TIMETABLE_CLASH];
    json_t *clash = json_pack(
        "{s:s,s:I,s:o,s:i,s:i}", "kind", tt_clash_kind_name(c->kind),
        "lesson_id", (json_int_t)c->lesson_id, "other_lesson_id",
        c->other_id ? json_integer(c->other_id) : json_null(), "day", c->day,
        "period", c->period);
    reply_json(r, d->status,
               json_pack("{s:{s:s,s:s,s:o}}", "error", "code", d->code,
                         "message", c->message, "clash", clash));
}

/* Replies for a result other than TT_EDIT_OK. */
static void reply_result(struct request *r, int rc, const struct tt_clash *c,
                         const char *err, const char *not_found,
                         const char *invalid_field)
{
    switch (rc) {
    case TT_EDIT_NOT_FOUND: reply_err_msg(r, ERR_NOT_FOUND, not_found); break;
    case TT_EDIT_NOT_DRAFT:
        reply_err_msg(r, ERR_TIMETABLE_NOT_DRAFT,
                      "Solo se edita un borrador: copie este horario a un "
                      "borrador nuevo y edite la copia.");
        break;
    case TT_EDIT_BUSY: reply_err(r, ERR_TIMETABLE_BUSY); break;
    case TT_EDIT_LOCKED: reply_err_msg(r, ERR_LESSON_LOCKED, c->message); break;
    case TT_EDIT_CLASH: reply_clash(r, c); break;
    case TT_EDIT_INVALID: reply_invalid(r, invalid_field, c->message); break;
    default: reply_store_error(r, err); break;
    }
}

void h_timetable_grid(struct request *r)
{
    int64_t id;
    if (!path_id(r, 0, &id, timetable_not_found))
        return;
    const char *err = NULL;
    json_t *g = NULL;
    int rc = tt_edit_grid(r->school, id, &g, &err);
    if (rc == TT_EDIT_OK)
        reply_json(r, 200, g);
    else
        reply_result(r, rc, NULL, err, timetable_not_found, "id");
}

void h_timetable_moves(struct request *r)
{
    int64_t id;
    if (!path_id(r, 0, &id, timetable_not_found))
        return;
    struct field_errors fe = {0};
    json_t *swap = json_object_get(r->json, "swap");
    int64_t lesson = 0, day = 0, period = 0;
    if (swap) {
        if (!json_is_array(swap) || json_array_size(swap) != 2 ||
            !json_is_integer(json_array_get(swap, 0)) ||
            !json_is_integer(json_array_get(swap, 1)) ||
            json_integer_value(json_array_get(swap, 0)) <= 0 ||
            json_integer_value(json_array_get(swap, 1)) <= 0)
            field_error(&fe, "swap",
                        "Indique las dos clases a intercambiar: "
                        "\"swap\": [id, id].");
    } else {
        const struct field f[] = {
            {.key = "lesson_id", .type = FIELD_INT, .required = true,
             .message = "Indique la clase a mover (lesson_id).",
             .integer = &lesson},
            {.key = "day", .type = FIELD_INT, .required = true,
             .message = "Indique el día: de 1 (lunes) a 7 (domingo).",
             .integer = &day},
            {.key = "period", .type = FIELD_INT, .required = true,
             .message = "Indique la hora de clase: de 1 a 40.",
             .integer = &period},
        };
        fields_parse(r->json, f, sizeof f / sizeof f[0], &fe);
        if (json_object_get(r->json, "lesson_id") && lesson <= 0)
            field_error(&fe, "lesson_id",
                        "Indique la clase a mover (lesson_id).");
        if (json_object_get(r->json, "day") && (day < 1 || day > 7))
            field_error(&fe, "day",
                        "Indique el día: de 1 (lunes) a 7 (domingo).");
        if (json_object_get(r->json, "period") &&
            (period < 1 || period > TIMETABLE_MAX_PERIODS))
            field_error(&fe, "period", "Indique la hora de clase: de 1 a 40.");
    }
    if (fields_reply(r, &fe) < 0)
        return;
    struct actor actor;
    request_actor(r, &actor);
    struct tt_clash clash;
    const char *err = NULL;
    json_t *lessons = NULL;
    int rc;
    if (swap) {
        rc = tt_edit_swap(r->school, &actor, id,
                          json_integer_value(json_array_get(swap, 0)),
                          json_integer_value(json_array_get(swap, 1)),
                          &clash, &lessons, &err);
    } else {
        struct tt_move m = {lesson, (int)day, (int)period};
        rc = tt_edit_move(r->school, &actor, id, &m, 1, &clash, &lessons,
                          &err);
    }
    if (rc == TT_EDIT_OK)
        reply_json(r, 200, json_pack("{s:o}", "lessons", lessons));
    else
        reply_result(r, rc, &clash, err, timetable_not_found,
                     swap ? "swap" : "lesson_id");
}

void h_timetable_free_slots(struct request *r)
{
    int64_t id;
    if (!path_id(r, 0, &id, timetable_not_found))
        return;
    const char *q = request_query(r, "lesson_id");
    char *end = NULL;
    long long lesson = q ? strtoll(q, &end, 10) : 0;
    if (!q || q[0] < '1' || q[0] > '9' || *end != '\0' || lesson <= 0) {
        reply_invalid(r, "lesson_id", "Indique la clase (lesson_id).");
        return;
    }
    const char *err = NULL;
    json_t *slots = NULL;
    int rc = tt_edit_free_slots(r->school, id, lesson, &slots, &err);
    if (rc == TT_EDIT_OK)
        reply_json(r, 200, slots);
    else
        reply_result(r, rc, NULL, err, lesson_not_found, "lesson_id");
}

void h_timetable_lesson_patch(struct request *r)
{
    int64_t id, lesson;
    if (!path_id(r, 0, &id, timetable_not_found) ||
        !path_id(r, 1, &lesson, lesson_not_found))
        return;
    bool locked = false;
    const struct field f[] = {
        {.key = "locked", .type = FIELD_BOOL, .required = true,
         .message = "Indique si la clase queda fijada (locked: true o "
                    "false).",
         .boolean = &locked},
    };
    if (fields_read(r, r->json, f, 1) < 0)
        return;
    struct actor actor;
    request_actor(r, &actor);
    const char *err = NULL;
    json_t *l = NULL;
    int rc = tt_edit_lock(r->school, &actor, id, lesson, locked, &l, &err);
    if (rc == TT_EDIT_OK)
        reply_json(r, 200, l);
    else
        reply_result(r, rc, NULL, err, lesson_not_found, "locked");
}

void h_timetable_copy(struct request *r)
{
    int64_t id;
    if (!path_id(r, 0, &id, timetable_not_found))
        return;
    struct actor actor;
    request_actor(r, &actor);
    const char *err = NULL;
    json_t *tt = NULL;
    int rc = tt_edit_copy(r->school, &actor, id, &tt, &err);
    if (rc == TT_EDIT_OK)
        reply_json(r, 201, tt);
    else
        reply_result(r, rc, NULL, err, timetable_not_found, "id");
}

/* 422 timetable_setup: the problems (one per line of `text`) in
 * error.problems, as POST /api/v1/timetables answers them. */
static void reply_problems(struct request *r, const char *text)
{
    json_t *list = json_array();
    for (const char *p = text; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n) {
            char *line = xstrndup(p, n);
            json_array_append_new(list, json_string(line));
            free(line);
        }
        p += n + (e ? 1 : 0);
    }
    const struct api_error_def *d = &api_errors[ERR_TIMETABLE_SETUP];
    reply_json(r, d->status,
               json_pack("{s:{s:s,s:s,s:o}}", "error", "code", d->code,
                         "message", d->message, "problems", list));
}

void h_timetable_repair(struct request *r)
{
    int64_t id;
    if (!path_id(r, 0, &id, timetable_not_found))
        return;
    int64_t limit = 10;
    const struct field f[] = {
        {.key = "time_limit", .type = FIELD_INT,
         .message = "El tiempo máximo es un número de segundos entre 1 y 600.",
         .integer = &limit},
    };
    struct field_errors fe = {0};
    fields_parse(r->json, f, 1, &fe);
    if (limit < 1 || limit > 600)
        field_error(&fe, "time_limit",
                    "El tiempo máximo es un número de segundos entre 1 y 600.");
    if (fields_reply(r, &fe) < 0)
        return;
    struct actor actor;
    request_actor(r, &actor);
    const char *err = NULL;
    char *message = NULL;
    int rc = tt_edit_repair(r->school, r->tenant.code, &actor, id, (int)limit,
                            &message, &err);
    if (rc == TT_EDIT_OK) {
        json_t *g = NULL;
        if (tt_edit_grid(r->school, id, &g, &err) != TT_EDIT_OK) {
            reply_store_error(r, err);
        } else {
            json_object_del(g, "lessons");
            json_object_del(g, "schedules");
            json_object_del(g, "clashes");
            reply_json(r, 202, g);
            char loc[64];
            snprintf(loc, sizeof loc, "/api/v1/timetables/%lld", (long long)id);
            if (r->resp)
                MHD_add_response_header(r->resp, "Location", loc);
        }
    } else if (rc == TT_EDIT_INVALID) {
        reply_problems(r, message);
    } else if (rc == TT_EDIT_QUEUE_FULL) {
        reply_err(r, ERR_GENERATOR_BUSY);
    } else if (rc == TT_EDIT_BUSY) {
        reply_err_msg(r, ERR_TIMETABLE_BUSY,
                      "Ya hay un horario generándose en el plantel: espere a que "
                      "termine o cancélelo.");
    } else {
        reply_result(r, rc, NULL, err, timetable_not_found, "id");
    }
    free(message);
}
