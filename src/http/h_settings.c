/*
 * The school's own settings: its display name, its time zone (dates a
 * school sees are local dates in this zone) and its profile: RIF, código
 * DEA, state, municipality, address and phone. Every field has its check;
 * the same checks serve an invitation's acceptance (h_invitations.c).
 */
#include <string.h>

#include "core/tz.h"
#include "core/util.h"
#include "http/http.h"
#include "platform/venezuela.h"

typedef const char *(*setting_check_fn)(const char *in, char *out, size_t n);

static const char *check_name(const char *in, char *out, size_t n)
{
    size_t len = strlen(in);
    if (len == 0 || len > 200)
        return "El nombre es obligatorio (máximo 200 caracteres).";
    snprintf(out, n, "%s", in);
    return NULL;
}

static const char *check_timezone(const char *in, char *out, size_t n)
{
    if (!tz_name_valid(in))
        return "La zona horaria no es válida (por ejemplo, America/Caracas).";
    snprintf(out, n, "%s", in);
    return NULL;
}

static const char *check_state(const char *in, char *out, size_t n)
{
    const char *msg = ve_state_check(in, NULL);
    if (msg == NULL)
        snprintf(out, n, "%s", in);
    return msg;
}

static const char *check_municipality(const char *in, char *out, size_t n)
{
    size_t len = strlen(in);
    if (len == 0 || len > 100)
        return "El municipio es obligatorio (máximo 100 caracteres).";
    snprintf(out, n, "%s", in);
    return NULL;
}

static const char *check_address(const char *in, char *out, size_t n)
{
    size_t len = strlen(in);
    if (len == 0 || len > 300)
        return "La dirección es obligatoria (máximo 300 caracteres).";
    snprintf(out, n, "%s", in);
    return NULL;
}

static const struct {
    const char *key;
    setting_check_fn check;
    bool clearable; /* "" removes it */
} fields[] = {
    {SETTING_NAME, check_name, false},
    {SETTING_TIMEZONE, check_timezone, false},
    {"rif", ve_rif_normalize, true},
    {"dea_code", ve_dea_normalize, true},
    {"state", check_state, true},
    {"municipality", check_municipality, true},
    {"address", check_address, true},
    {"phone", ve_phone_normalize, true},
};
#define NFIELDS (sizeof fields / sizeof fields[0])

json_t *settings_json(struct store *s, const struct tenant *t)
{
    json_t *o = json_object();
    for (size_t i = 0; i < NFIELDS; i++) {
        char v[512];
        const char *dflt = strcmp(fields[i].key, SETTING_NAME) == 0 ? t->name
                           : strcmp(fields[i].key, SETTING_TIMEZONE) == 0
                               ? DEFAULT_TIMEZONE
                               : "";
        school_setting(s, fields[i].key, dflt, v, sizeof v);
        json_object_set_new(o, fields[i].key,
                            v[0] ? json_string(v) : json_null());
    }
    const char *state_name = NULL;
    json_t *st = json_object_get(o, "state");
    if (json_is_string(st))
        ve_state_check(json_string_value(st), &state_name);
    json_object_set_new(o, "state_name",
                        state_name ? json_string(state_name) : json_null());
    return o;
}

int settings_parse(struct request *r, json_t *obj, const char *const *keys,
                   const char *const *required, struct setting_update *out,
                   int *n_r)
{
    int n = 0;
    for (size_t i = 0; i < NFIELDS; i++) {
        const char *key = fields[i].key;
        const char *as = key;
        /* callers may name the members differently (e.g. "name") */
        for (int k = 0; keys && keys[k]; k += 2)
            if (strcmp(keys[k], key) == 0)
                as = keys[k + 1];
        json_t *v = json_object_get(obj, as);
        bool needed = false;
        for (int k = 0; required && required[k]; k++)
            if (strcmp(required[k], key) == 0)
                needed = true;
        if (v == NULL && !needed)
            continue;
        const char *s = json_string_value(v);
        if (s == NULL || (s[0] == '\0' && (needed || !fields[i].clearable))) {
            char tmp[8];
            const char *msg = fields[i].check("", tmp, sizeof tmp);
            reply_invalid(r, as, msg ? msg : "Este campo es obligatorio.");
            return -1;
        }
        out[n].key = key;
        if (s[0] == '\0') {
            out[n++].value[0] = '\0';
            continue;
        }
        const char *msg = fields[i].check(s, out[n].value,
                                          sizeof out[n].value);
        if (msg) {
            reply_invalid(r, as, msg);
            return -1;
        }
        n++;
    }
    *n_r = n;
    return 0;
}

int settings_write(struct store *s, const struct setting_update *u, int n,
                   const char **error_r)
{
    for (int i = 0; i < n; i++) {
        int rc = u[i].value[0]
                     ? db_run(s->conn, error_r,
                              "INSERT INTO settings (key, value) VALUES (?, ?)"
                              " ON CONFLICT (key) DO UPDATE SET"
                              " value = excluded.value",
                              "tt", u[i].key, u[i].value)
                     : db_run(s->conn, error_r,
                              "DELETE FROM settings WHERE key = ?", "t",
                              u[i].key);
        if (rc < 0)
            return -1;
    }
    return 0;
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
    struct setting_update u[SETTINGS_MAX];
    int n = 0;
    if (settings_parse(r, r->json, NULL, NULL, u, &n) < 0)
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
    if (store_begin(r->school, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    json_t *before = settings_json(r->school, &r->tenant);
    int rc = settings_write(r->school, u, n, &err);
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
