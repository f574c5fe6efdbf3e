/*
 * Teachers' availability and preferences (issue #15). The teacher's own:
 * GET /api/v1/me/preferences (their set, with the week, subjects and
 * rooms to choose from) and PUT /api/v1/me/preferences
 * {"preferences": [{kind, day?, period?, subject_id?, room_id?, level}]}
 * (the whole set; see src/school/preferences.c). A user linked to no
 * staff row gets 200 with "staff": null and the reason in "message"
 * (PUT: 404). The school admin's: GET /api/v1/preferences
 * (?status=, ?staff_id=), POST /api/v1/preferences/{id}/approve and
 * /reject, DELETE /api/v1/preferences/{id}.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/h_records.h"
#include "school/setup.h"

static const char not_found[] = "Preferencia no encontrada.";
static const char no_staff[] =
    "Su usuario no está vinculado a un docente del plantel: pida a la "
    "dirección que lo vincule en Personal.";

/* The staff row of the signed-in user; false after the reply. */
static bool my_staff(struct request *r, int64_t *staff_id_r)
{
    const char *err = NULL;
    int rc = prefs_staff_of_user(r->school, r->who.user_id, staff_id_r, &err);
    if (rc < 0) {
        reply_store_error(r, err);
        return false;
    }
    if (rc == 0) {
        reply_err_msg(r, ERR_NOT_FOUND, no_staff);
        return false;
    }
    return true;
}

void h_my_preferences_get(struct request *r)
{
    /* not linked: 200 with the reason, so the page explains it (a 404
     * would read as a broken page) */
    int64_t staff;
    const char *serr = NULL;
    int linked = prefs_staff_of_user(r->school, r->who.user_id, &staff, &serr);
    if (linked < 0) {
        reply_store_error(r, serr);
        return;
    }
    if (linked == 0) {
        reply_json(r, 200, json_pack("{s:n,s:s,s:[]}", "staff", "message",
                                     no_staff, "items"));
        return;
    }
    json_t *o = NULL;
    const char *err = NULL;
    struct rec_errors none = {0};
    int rc = prefs_mine(r->school, staff, &o, &err);
    records_reply(r, rc, &none, err, no_staff, 200, o);
}

static const char *const kinds[] = {"time", "day", "subject", "room", NULL};
static const char *const levels[] = {"avoid", "dislike", "neutral", "like",
                                     "prefer", NULL};

static bool in_list(const char *s, const char *const *list)
{
    for (int i = 0; s && list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

static int64_t int_member(json_t *o, const char *k, bool *bad)
{
    json_t *v = json_object_get(o, k);
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) <= 0 ||
        json_integer_value(v) > 1000000000) {
        *bad = true;
        return 0;
    }
    return json_integer_value(v);
}

void h_my_preferences_put(struct request *r)
{
    int64_t staff;
    if (!my_staff(r, &staff))
        return;
    json_t *list = json_object_get(r->json, "preferences");
    if (!json_is_array(list) || json_array_size(list) > PREFS_MAX) {
        reply_invalid(r, "preferences",
                      "Envíe sus preferencias como una lista (hasta 400).");
        return;
    }
    size_t n = json_array_size(list);
    struct pref_input *in = xcalloc(n + 1, sizeof *in);
    struct rec_errors errs = {0};
    struct setup_names names = {0};
    size_t i;
    json_t *p;
    json_array_foreach(list, i, p) {
        const char *kind = json_string_value(json_object_get(p, "kind"));
        const char *level = json_string_value(json_object_get(p, "level"));
        bool bad_day = false, bad_period = false, bad_subject = false,
             bad_room = false;
        if (!in_list(kind, kinds))
            setup_error(&errs, &names, "preferences", (int)i, "kind",
                        "El tipo debe ser time (una hora), day (un día), "
                        "subject (una materia) o room (un aula).");
        else
            str_copy(in[i].kind, sizeof in[i].kind, kind);
        if (!in_list(level, levels))
            setup_error(&errs, &names, "preferences", (int)i, "level",
                        "El nivel debe ser avoid, dislike, neutral, like o "
                        "prefer.");
        else
            str_copy(in[i].level, sizeof in[i].level, level);
        in[i].day = int_member(p, "day", &bad_day);
        in[i].period = int_member(p, "period", &bad_period);
        in[i].subject_id = int_member(p, "subject_id", &bad_subject);
        in[i].room_id = int_member(p, "room_id", &bad_room);
        if (bad_day)
            setup_error(&errs, &names, "preferences", (int)i, "day",
                        "Indique el día (1 = lunes a 7 = domingo).");
        if (bad_period)
            setup_error(&errs, &names, "preferences", (int)i, "period",
                        "Indique la hora de clase (1 a 40).");
        if (bad_subject)
            setup_error(&errs, &names, "preferences", (int)i, "subject_id",
                        "subject_id debe ser el id de una materia.");
        if (bad_room)
            setup_error(&errs, &names, "preferences", (int)i, "room_id",
                        "room_id debe ser el id de un aula.");
    }
    const char *err = NULL;
    json_t *o = NULL;
    /* the store's findings (a subject that does not exist, a repeated
     * preference) join the ones above */
    struct actor actor;
    request_actor(r, &actor);
    int rc = prefs_replace(r->school, &actor, staff, in, (int)n, &errs,
                           &names, &o, &err);
    records_reply(r, rc, &errs, err, no_staff, 200, o);
    free(in);
}

void h_preferences_list(struct request *r)
{
    static const char *const statuses[] = {"pending", "approved", "rejected",
                                           NULL};
    const char *status = request_query(r, "status");
    if (status && *status && !in_list(status, statuses)) {
        reply_invalid(r, "status",
                      "status debe ser pending, approved o rejected.");
        return;
    }
    int64_t staff = 0;
    const char *q = request_query(r, "staff_id");
    if (q && *q) {
        char *end = NULL;
        long long v = strtoll(q, &end, 10);
        if (*end != '\0' || v <= 0 || q[0] < '1' || q[0] > '9') {
            reply_invalid(r, "staff_id",
                          "staff_id debe ser el id de un docente.");
            return;
        }
        staff = v;
    }
    const char *err = NULL;
    json_t *items = NULL;
    int rc = prefs_list(r->school, status ? status : "", staff, &items, &err);
    records_reply_list(r, rc, items, err);
}

static void decide(struct request *r, bool approve)
{
    int64_t id;
    if (!records_id(r, &id, not_found))
        return;
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    json_t *o = NULL;
    struct rec_errors none = {0};
    int rc = prefs_decide(r->school, &actor, id, approve, &o, &err);
    records_reply(r, rc, &none, err, not_found, 200, o);
}

void h_preferences_approve(struct request *r)
{
    decide(r, true);
}

void h_preferences_reject(struct request *r)
{
    decide(r, false);
}

void h_preferences_delete(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, not_found))
        return;
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    struct rec_errors none = {0};
    int rc = prefs_delete(r->school, &actor, id, &err);
    records_reply(r, rc, &none, err, not_found, 200,
                  rc == REC_OK ? json_pack("{s:I,s:b}", "id", (json_int_t)id,
                                           "deleted", 1)
                               : NULL);
}
