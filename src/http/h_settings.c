/*
 * GET and PATCH /api/v1/settings: the school's own settings (its name,
 * time zone and profile, and its typed options). The settings and their
 * checks live in src/school/settings.c; a rename also reaches the
 * platform's registry. GET also lists the time zones to choose from.
 */
#include <string.h>

#include "core/util.h"
#include "http/fields.h"
#include "http/http.h"
#include "school/school.h"

void h_settings_get(struct request *r)
{
    store_lock(r->school);
    json_t *j = school_settings_json(r->school, r->tenant.name);
    store_unlock(r->school);
    json_t *zones = json_array();
    for (int i = 0; school_timezones[i].name; i++)
        json_array_append_new(zones,
                              json_pack("{s:s,s:s}", "value",
                                        school_timezones[i].name, "label",
                                        school_timezones[i].label));
    json_object_set_new(j, "timezone_choices", zones);
    reply_json(r, 200, j);
}

void h_settings_patch(struct request *r)
{
    struct setting_update u[SCHOOL_SETTINGS_MAX + SCHOOL_OPTIONS_MAX];
    struct field f[SCHOOL_SETTINGS_MAX];
    bool present[SCHOOL_SETTINGS_MAX];
    size_t nf = request_settings_fields(f, u, present, false);
    struct field_errors errs = {0};
    fields_parse(r->json, f, nf, &errs);
    int n = request_settings_updates(u, present, nf);
    /* the typed options: each checked against its type and range */
    for (size_t i = 0; i < school_options_count; i++) {
        const struct school_option_def *d = &school_options[i];
        json_t *v = json_object_get(r->json, d->key);
        if (v == NULL)
            continue;
        u[n].key = d->key;
        const char *msg =
            school_option_check(d, v, u[n].value, sizeof u[n].value);
        if (msg)
            field_error(&errs, d->key, msg);
        else
            n++;
    }
    if (fields_reply(r, &errs) < 0)
        return;
    if (n == 0) { /* nothing to change: nothing to audit */
        h_settings_get(r);
        return;
    }
    const char *name = NULL;
    for (int i = 0; i < n; i++)
        if (strcmp(u[i].key, SETTING_NAME) == 0)
            name = u[i].value;
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    json_t *after = NULL;
    if (school_settings_update(r->school, r->tenant.name, &actor, u, n,
                               &after, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    /* The platform's registry carries the same name (after the school's
     * own transaction: lock order is master first, never both here). The
     * school's settings are saved by now: if the registry could not follow,
     * say so rather than "try again" alone; repeating the request renames
     * the registry (the settings write is then a no-op). */
    if (name) {
        int rc = tenant_rename(r->p, r->tenant.code, name, &actor, &err);
        if (rc == TENANT_NOT_FOUND) {
            json_decref(after);
            reply_err(r, ERR_SCHOOL_NOT_FOUND);
            return;
        }
        if (rc != TENANT_OK) {
            json_decref(after);
            reply_err_msg(r, ERR_STORE_UNAVAILABLE,
                          "El nombre quedó guardado en el plantel, pero el "
                          "registro de la plataforma no pudo actualizarse. "
                          "Intente de nuevo en unos minutos.");
            log_msg(LOG_ERROR, "tenant_rename %s: %s", r->tenant.code,
                    err ? err : "?");
            return;
        }
    }
    reply_json(r, 200, after);
}
