/*
 * The school's own settings: its display name and its time zone (dates a
 * school sees are local dates in this zone).
 */
#include <string.h>

#include "core/tz.h"
#include "core/util.h"
#include "http/http.h"

static json_t *settings_json(struct store *s, const struct tenant *t)
{
    char name[256], tz[64];
    school_setting(s, SETTING_NAME, t->name, name, sizeof name);
    school_setting(s, SETTING_TIMEZONE, DEFAULT_TIMEZONE, tz, sizeof tz);
    return json_pack("{s:s,s:s}", "name", name, "timezone", tz);
}

void h_settings_get(struct request *r)
{
    store_lock(r->school);
    json_t *j = settings_json(r->school, &r->tenant);
    store_unlock(r->school);
    reply_json(r, 200, j);
}

void h_settings_patch(struct request *r)
{
    json_t *jname = json_object_get(r->json, "name");
    json_t *jtz = json_object_get(r->json, "timezone");
    const char *name = NULL, *tz = NULL;
    if (jname) {
        name = json_string_value(jname);
        if (name == NULL || strlen(name) == 0 || strlen(name) > 200) {
            reply_invalid(r, "name", "El nombre es obligatorio (máximo 200 "
                                     "caracteres).");
            return;
        }
    }
    if (jtz) {
        tz = json_string_value(jtz);
        if (tz == NULL || !tz_name_valid(tz)) {
            reply_invalid(r, "timezone",
                          "La zona horaria no es válida (por ejemplo, "
                          "America/Caracas).");
            return;
        }
    }
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    if (store_begin(r->school, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    json_t *before = settings_json(r->school, &r->tenant);
    int rc = 0;
    static const char upsert[] =
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value";
    if (name)
        rc = db_run(r->school->conn, &err, upsert, "tt", SETTING_NAME, name);
    if (rc == 0 && tz)
        rc = db_run(r->school->conn, &err, upsert, "tt", SETTING_TIMEZONE, tz);
    json_t *after = settings_json(r->school, &r->tenant);
    struct audit_entry e = {"update", "settings", NULL, before, after};
    if (rc == 0)
        rc = audit_write(r->school, &actor, &e, &err);
    json_decref(before);
    if (store_end(r->school, rc == 0, &err) < 0 || rc < 0) {
        json_decref(after);
        reply_store_error(r, err);
        return;
    }
    /* The platform's registry carries the same name (after the school's
     * own transaction: lock order is master first, never both here). */
    if (name && tenant_rename(r->p, r->tenant.code, name, &actor, &err) < 0) {
        json_decref(after);
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200, after);
}
