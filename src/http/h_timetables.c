/*
 * The school's timetables (issue #15, part "generate"): list, create (a
 * generated draft, started in the background, or an empty one), one
 * timetable with its lessons, generation progress and report, activate,
 * cancel a generation, discard a draft, compare a draft with the active
 * one. The work is in src/school/tt_generate.h (timetables_store.c,
 * tt_runner.c); generation never runs on a request thread: POST answers
 * 202 with Location at once and the page polls GET.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/fields.h"
#include "http/h_records.h"
#include "http/http.h"
#include "school/timetables.h"
#include "school/tt_generate.h"

static const char tt_not_found[] = "Horario no encontrado.";

/* The timetable as GET shows it: the shared reading plus the job. */
static json_t *timetable_full(struct request *r, int64_t id, const char **err, int *rc_r)
{
    struct school_timetable *tt = NULL;
    store_lock(r->school);
    int rc = school_timetable_load(r->school, id, &tt, err);
    if (rc == 1 && (!strcmp(tt->job_state, "queued") || !strcmp(tt->job_state, "running")) &&
        !tt_runner_holds(r->tenant.code, id)) {
        /* no runner holds it: the server stopped meanwhile */
        school_timetable_orphan(r->school, id, err);
        school_timetable_free(&tt);
        rc = school_timetable_load(r->school, id, &tt, err);
    }
    json_t *o = NULL;
    if (rc == 1) {
        o = school_timetable_json(tt, true);
        json_t *job = school_timetable_job_json(r->school, id, err);
        if (job)
            json_object_update(o, job);
        json_decref(job);
    }
    store_unlock(r->school);
    school_timetable_free(&tt);
    *rc_r = rc;
    return o;
}

void h_timetables_list(struct request *r)
{
    const char *err = NULL;
    json_t *items = NULL;
    store_lock(r->school);
    int rc = school_timetables_list(r->school, &items, &err);
    store_unlock(r->school);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void h_timetables_get(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, tt_not_found))
        return;
    const char *err = NULL;
    int rc = 0;
    json_t *o = timetable_full(r, id, &err, &rc);
    if (rc < 0)
        reply_store_error(r, err);
    else if (!o)
        reply_err_msg(r, ERR_NOT_FOUND, tt_not_found);
    else
        reply_json(r, 200, o);
}

/* 422 with every problem of the set-up, one a line. */
static void reply_setup(struct request *r, const char *text)
{
    json_t *list = json_array();
    const char *p = text;
    while (p && *p) {
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
               json_pack("{s:{s:s,s:s,s:o}}", "error", "code", d->code, "message", d->message,
                         "problems", list));
}

static void reply_location(struct request *r, unsigned status, int64_t id)
{
    const char *err = NULL;
    int rc = 0;
    json_t *o = timetable_full(r, id, &err, &rc);
    if (!o) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, status, o);
    char loc[64];
    snprintf(loc, sizeof(loc), "/api/v1/timetables/%lld", (long long)id);
    if (r->resp)
        MHD_add_response_header(r->resp, "Location", loc);
}

void h_timetables_create(struct request *r)
{
    bool generate = false, has_name = false;
    int64_t limit = TT_TIME_LIMIT_DEFAULT;
    char name[TT_NAME_MAX * 4 + 1] = "";
    const struct field f[] = {
        {.key = "generate", .type = FIELD_BOOL,
         .message = "Indique si el horario se genera (true) o empieza vacío (false).",
         .boolean = &generate},
        {.key = "time_limit", .type = FIELD_INT,
         .message = "El tiempo máximo es un número de segundos entre 1 y 600.",
         .integer = &limit},
        {.key = "name", .max_len = TT_NAME_MAX, .min_len = 1,
         .message = "El nombre tiene de 1 a 100 caracteres.", .text = name,
         .text_size = sizeof name, .present = &has_name},
    };
    struct field_errors errs = {0};
    fields_parse(r->json, f, sizeof f / sizeof f[0], &errs);
    if (limit < 1 || limit > TT_TIME_LIMIT_MAX)
        field_error(&errs, "time_limit",
                    "El tiempo máximo es un número de segundos entre 1 y 600.");
    if (fields_reply(r, &errs) < 0)
        return;
    if (!has_name || !*name) {
        char day[21];
        time_format_utc(time_now(), day);
        snprintf(name, sizeof name, "%s del %.2s/%.2s/%.4s",
                 generate ? "Horario generado" : "Horario", day + 8, day + 5, day);
    }
    struct actor actor;
    request_actor(r, &actor);
    const char *err = NULL;
    int64_t id = 0;
    if (!generate) {
        int rc = store_begin(r->school, &err);
        if (rc == 0)
            rc = school_timetable_insert(r->school, &actor, name, "manual", false, 0, &id, &err);
        if (store_end(r->school, rc == 0, &err) < 0 || rc < 0) {
            reply_store_error(r, err);
            return;
        }
        reply_location(r, 201, id);
        return;
    }
    char *message = NULL;
    int rc = school_timetable_start(r->school, r->tenant.code, &actor, name, (int)limit, &id,
                                    &message, &err);
    switch (rc) {
    case TT_OK:
        reply_location(r, 202, id);
        break;
    case TT_INVALID:
        reply_setup(r, message);
        break;
    case TT_BUSY:
        reply_err_msg(r, ERR_TIMETABLE_BUSY,
                      "Ya hay un horario generándose en el plantel: espere a que termine o "
                      "cancélelo.");
        break;
    case TT_QUEUE_FULL:
        reply_err(r, ERR_GENERATOR_BUSY);
        break;
    default:
        reply_store_error(r, err);
    }
    free(message);
}

void h_timetables_activate(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, tt_not_found))
        return;
    struct actor actor;
    request_actor(r, &actor);
    const char *err = NULL;
    int rc = school_timetable_activate(r->school, &actor, id, &err);
    switch (rc) {
    case TT_OK:
        reply_location(r, 200, id);
        break;
    case TT_NOT_FOUND:
        reply_err_msg(r, ERR_NOT_FOUND, tt_not_found);
        break;
    case TT_NOT_DRAFT:
        reply_err(r, ERR_TIMETABLE_NOT_DRAFT);
        break;
    case TT_BUSY:
        reply_err(r, ERR_TIMETABLE_BUSY);
        break;
    case TT_NOT_READY:
        reply_err(r, ERR_TIMETABLE_NOT_READY);
        break;
    default:
        reply_store_error(r, err);
    }
}

void h_timetables_cancel(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, tt_not_found))
        return;
    const char *err = NULL;
    int rc = 0;
    json_t *o = timetable_full(r, id, &err, &rc);
    if (!o) {
        if (rc < 0)
            reply_store_error(r, err);
        else
            reply_err_msg(r, ERR_NOT_FOUND, tt_not_found);
        return;
    }
    char job[12];
    str_copy(job, sizeof job, json_string_value(json_object_get(o, "job_state")));
    json_decref(o);
    if (strcmp(job, "queued") && strcmp(job, "running")) {
        reply_err(r, ERR_TIMETABLE_NOT_RUNNING);
        return;
    }
    bool held = tt_runner_cancel(r->tenant.code, id);
    /* a job still queued was taken out: the row says so now; a running
     * one writes 'cancelled' itself as it stops */
    if (!held || !tt_runner_holds(r->tenant.code, id)) {
        struct actor actor;
        request_actor(r, &actor);
        if (store_begin(r->school, &err) < 0) {
            reply_store_error(r, err);
            return;
        }
        int w = school_timetable_mark_cancelled(r->school, &actor, id, &err);
        if (store_end(r->school, w >= 0, &err) < 0 || w < 0) {
            reply_store_error(r, err);
            return;
        }
    }
    reply_location(r, 202, id);
}

void h_timetables_delete(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, tt_not_found))
        return;
    struct actor actor;
    request_actor(r, &actor);
    const char *err = NULL;
    int rc = school_timetable_discard(r->school, &actor, id, &err);
    switch (rc) {
    case TT_OK:
        reply_json(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)id, "deleted", 1));
        break;
    case TT_NOT_FOUND:
        reply_err_msg(r, ERR_NOT_FOUND, tt_not_found);
        break;
    case TT_NOT_DRAFT:
        reply_err(r, ERR_TIMETABLE_NOT_DRAFT);
        break;
    case TT_BUSY:
        reply_err(r, ERR_TIMETABLE_BUSY);
        break;
    default:
        reply_store_error(r, err);
    }
}

void h_timetables_compare(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, tt_not_found))
        return;
    const char *err = NULL;
    json_t *o = NULL;
    store_lock(r->school);
    int rc = school_timetable_compare(r->school, id, &o, &err);
    store_unlock(r->school);
    switch (rc) {
    case TT_OK:
        reply_json(r, 200, o);
        break;
    case TT_NOT_FOUND:
        reply_err_msg(r, ERR_NOT_FOUND, tt_not_found);
        break;
    case TT_NO_ACTIVE:
        reply_err(r, ERR_TIMETABLE_NO_ACTIVE);
        break;
    default:
        reply_store_error(r, err);
    }
}
