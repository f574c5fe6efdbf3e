/*
 * GET and PATCH /api/v1/settings: the school's own settings (its name,
 * time zone and profile). The settings and their checks live in
 * src/school/settings.c; a rename also reaches the platform's registry.
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
    reply_json(r, 200, j);
}

void h_settings_patch(struct request *r)
{
    struct setting_update u[SCHOOL_SETTINGS_MAX];
    struct field f[SCHOOL_SETTINGS_MAX];
    bool present[SCHOOL_SETTINGS_MAX];
    size_t nf = request_settings_fields(f, u, present, false);
    if (fields_read(r, r->json, f, nf) < 0)
        return;
    int n = request_settings_updates(u, present, nf);
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
                          "El nombre quedó guardado en la escuela, pero el "
                          "registro de la plataforma no pudo actualizarse. "
                          "Intente de nuevo en unos minutos.");
            log_msg(LOG_ERROR, "tenant_rename %s: %s", r->tenant.code,
                    err ? err : "?");
            return;
        }
    }
    reply_json(r, 200, after);
}
