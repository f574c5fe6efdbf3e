/*
 * The school's own settings: its display name, its time zone (dates a
 * school sees are local dates in this zone) and its profile: RIF, código
 * DEA, state, municipality, address and phone. Each setting has its check
 * (school_settings[]); src/http/h_settings.c turns the table into request
 * fields, and invitation acceptance uses the same table for a new school's
 * profile. Settings are key/value rows of the `settings` table.
 */
#include <string.h>

#include "core/tz.h"
#include "core/util.h"
#include "school/school.h"
#include "school/venezuela.h"

static const char *check_timezone(const char *in, char *out, size_t n)
{
    if (!tz_name_valid(in))
        return "La zona horaria no es válida (por ejemplo, America/Caracas).";
    str_copy(out, n, in);
    return NULL;
}

static const char *check_state(const char *in, char *out, size_t n)
{
    const char *msg = ve_state_check(in, NULL);
    if (msg == NULL)
        str_copy(out, n, in);
    return msg;
}

const struct school_setting_def school_settings[] = {
    {SETTING_NAME, NULL, false, 200,
     "El nombre es obligatorio (máximo 200 caracteres)."},
    {SETTING_TIMEZONE, check_timezone, false, 64,
     "La zona horaria no es válida (por ejemplo, America/Caracas)."},
    {"rif", ve_rif_normalize, true, 40,
     "Indique el RIF (por ejemplo, J-12345678-9)."},
    {"dea_code", ve_dea_normalize, true, 40,
     "Indique el código DEA (5 a 20 letras y dígitos)."},
    {"state", check_state, true, 8, "Indique el estado (por ejemplo, VE-A)."},
    {"municipality", NULL, true, 100,
     "El municipio es obligatorio (máximo 100 caracteres)."},
    {"address", NULL, true, 300,
     "La dirección es obligatoria (máximo 300 caracteres)."},
    {"phone", ve_phone_normalize, true, 40,
     "Indique el teléfono (por ejemplo, 0212-5551234)."},
};
const size_t school_settings_count =
    sizeof school_settings / sizeof school_settings[0];
/* Callers size their arrays with SCHOOL_SETTINGS_MAX. */
_Static_assert(sizeof school_settings / sizeof school_settings[0] <=
                   SCHOOL_SETTINGS_MAX,
               "raise SCHOOL_SETTINGS_MAX in school.h");

json_t *school_settings_json(struct store *s, const char *default_name)
{
    json_t *o = json_object();
    for (size_t i = 0; i < school_settings_count; i++) {
        const char *key = school_settings[i].key;
        const char *dflt = strcmp(key, SETTING_NAME) == 0 ? default_name
                           : strcmp(key, SETTING_TIMEZONE) == 0
                               ? DEFAULT_TIMEZONE
                               : "";
        char v[SCHOOL_SETTING_VALUE_MAX];
        str_copy(v, sizeof v, dflt);
        struct db_stmt *st = db_query(
            s->conn, NULL, "SELECT value FROM tenant_settings WHERE key = ?", "t",
            key);
        if (st && db_step(st, NULL) == DB_ROW)
            str_copy(v, sizeof v, db_text(st, 0));
        db_finish(&st);
        json_object_set_new(o, key, v[0] ? json_string(v) : json_null());
    }
    const char *state_name = NULL;
    json_t *st = json_object_get(o, "state");
    if (json_is_string(st))
        ve_state_check(json_string_value(st), &state_name);
    json_object_set_new(o, "state_name",
                        state_name ? json_string(state_name) : json_null());
    return o;
}

int school_settings_write(struct store *s, const struct setting_update *u,
                          int n, const char **error_r)
{
    for (int i = 0; i < n; i++) {
        int rc = u[i].value[0]
                     ? db_run(s->conn, error_r,
                              "INSERT INTO tenant_settings (key, value) VALUES (?, ?)"
                              " ON CONFLICT (key) DO UPDATE SET"
                              " value = excluded.value",
                              "tt", u[i].key, u[i].value)
                     : db_run(s->conn, error_r,
                              "DELETE FROM tenant_settings WHERE key = ?", "t",
                              u[i].key);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int school_settings_update(struct store *s, const char *default_name,
                           const struct actor *actor,
                           const struct setting_update *u, int n,
                           json_t **after_r, const char **error_r)
{
    *after_r = NULL;
    if (store_begin(s, error_r) < 0)
        return -1;
    json_t *before = school_settings_json(s, default_name);
    int rc = school_settings_write(s, u, n, error_r);
    json_t *after = school_settings_json(s, default_name);
    struct audit_entry e = {"update", "settings", NULL, before, after};
    if (rc == 0)
        rc = audit_write(s, actor, &e, error_r);
    json_decref(before);
    if (store_end(s, rc == 0, error_r) < 0 || rc < 0) {
        json_decref(after);
        return -1;
    }
    *after_r = after;
    return 0;
}
