/*
 * The school's own settings: its display name, its time zone (dates a
 * school sees are local dates in this zone, chosen from school_timezones[])
 * and its profile: RIF, código DEA, state, municipality, address and phone.
 * Each setting has its check (school_settings[]); src/http/h_settings.c
 * turns the table into request fields, and invitation acceptance uses the
 * same table for a new school's profile.
 *
 * Besides these texts a school has typed options (school_options[]: an
 * integer, a boolean, a JSON value), each with its default and check.
 * Every setting is a row of `tenant_settings` (key, type, value as text,
 * is_public): public ones (the name, the time zone, whether the sign-in
 * page shows the contacts) are what GET /api/v1/branding shows to anyone;
 * the others only the school's admins see (GET /api/v1/settings).
 */
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"
#include "core/util.h"
#include "school/school.h"
#include "school/venezuela.h"

/* The zones a school may choose, with what a person reads. Zones without
 * daylight saving time only, so the offset in the label always holds. */
const struct school_timezone school_timezones[] = {
    {"America/Caracas", "Caracas (UTC−4)"},
    {"America/Bogota", "Bogotá (UTC−5)"},
    {"America/Panama", "Panamá (UTC−5)"},
    {"America/Lima", "Lima (UTC−5)"},
    {"America/Guayaquil", "Guayaquil, Quito (UTC−5)"},
    {"America/Mexico_City", "Ciudad de México (UTC−6)"},
    {"America/La_Paz", "La Paz (UTC−4)"},
    {"America/Manaus", "Manaos (UTC−4)"},
    {"America/Santo_Domingo", "Santo Domingo (UTC−4)"},
    {"America/Puerto_Rico", "San Juan de Puerto Rico (UTC−4)"},
    {"America/Argentina/Buenos_Aires", "Buenos Aires (UTC−3)"},
    {"America/Montevideo", "Montevideo (UTC−3)"},
    {"America/Sao_Paulo", "São Paulo (UTC−3)"},
    {NULL, NULL},
};

const char *school_timezone_label(const char *name)
{
    for (int i = 0; school_timezones[i].name; i++)
        if (strcmp(school_timezones[i].name, name) == 0)
            return school_timezones[i].label;
    return NULL;
}

static const char *check_timezone(const char *in, char *out, size_t n)
{
    if (school_timezone_label(in) == NULL || !tz_name_valid(in))
        return "Elija la zona horaria de la lista.";
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
     "El nombre es obligatorio (máximo 200 caracteres).", true},
    {SETTING_TIMEZONE, check_timezone, false, 64,
     "Elija la zona horaria de la lista.", true},
    {"rif", ve_rif_normalize, true, 40,
     "Indique el RIF (por ejemplo, J-12345678-9).", false},
    {"dea_code", ve_dea_normalize, true, 40,
     "Indique el código DEA (5 a 20 letras y dígitos).", false},
    {"state", check_state, true, 8, "Indique el estado (por ejemplo, VE-A).", false},
    {"municipality", NULL, true, 100,
     "El municipio es obligatorio (máximo 100 caracteres).", false},
    {"address", NULL, true, 300,
     "La dirección es obligatoria (máximo 300 caracteres).", false},
    {"phone", ve_phone_normalize, true, 40,
     "Indique el teléfono (por ejemplo, 0212-5551234).", false},
};
const size_t school_settings_count =
    sizeof school_settings / sizeof school_settings[0];
/* Callers size their arrays with SCHOOL_SETTINGS_MAX. */
_Static_assert(sizeof school_settings / sizeof school_settings[0] <=
                   SCHOOL_SETTINGS_MAX,
               "raise SCHOOL_SETTINGS_MAX in school.h");

/* Typed options. */

static const char *check_passing_grade(json_t *v)
{
    if (!json_is_integer(v) || json_integer_value(v) < 1 ||
        json_integer_value(v) > 20)
        return "La nota mínima aprobatoria es un número entero del 1 al 20.";
    return NULL;
}

static const char *check_boolean(json_t *v)
{
    return json_is_boolean(v) ? NULL : "Indique sí o no (true o false).";
}

static const char *check_school_days(json_t *v)
{
    static const char msg[] =
        "Indique los días de clase como una lista de días de la semana "
        "(1 lunes ... 7 domingo), sin repetir.";
    if (!json_is_array(v) || json_array_size(v) == 0 ||
        json_array_size(v) > 7)
        return msg;
    bool seen[8] = {false};
    size_t i;
    json_t *d;
    json_array_foreach(v, i, d)
    {
        if (!json_is_integer(d))
            return msg;
        json_int_t k = json_integer_value(d);
        if (k < 1 || k > 7 || seen[k])
            return msg;
        seen[k] = true;
    }
    return NULL;
}

const struct school_option_def school_options[] = {
    {"passing_grade", SETTING_TYPE_INTEGER, false, "10",
     check_passing_grade},
    {"show_contacts_on_signin", SETTING_TYPE_BOOLEAN, true, "true",
     check_boolean},
    {"school_days", SETTING_TYPE_JSON, false, "[1,2,3,4,5]",
     check_school_days},
    /* attendance (issue #16): taken per block of periods, not per day */
    {"attendance_per_block", SETTING_TYPE_BOOLEAN, false, "false",
     check_boolean},
};
const size_t school_options_count =
    sizeof school_options / sizeof school_options[0];
_Static_assert(sizeof school_options / sizeof school_options[0] <=
                   SCHOOL_OPTIONS_MAX,
               "raise SCHOOL_OPTIONS_MAX in school.h");

const struct school_option_def *school_option_find(const char *key)
{
    for (size_t i = 0; i < school_options_count; i++)
        if (strcmp(school_options[i].key, key) == 0)
            return &school_options[i];
    return NULL;
}

const char *school_option_check(const struct school_option_def *d, json_t *v,
                                char *out, size_t n)
{
    const char *msg = d->check(v);
    if (msg)
        return msg;
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (text == NULL || strlen(text) >= n) {
        free(text);
        return "El valor es demasiado largo.";
    }
    str_copy(out, n, text);
    free(text);
    return NULL;
}

/* The stored text of `key` (or its default) into out. */
static void stored_value(struct store *s, const char *key, const char *dflt,
                         char *out, size_t n)
{
    str_copy(out, n, dflt);
    struct db_stmt *st = db_query(
        s->conn, NULL, "SELECT value FROM tenant_settings WHERE key = ?", "t",
        key);
    if (st && db_step(st, NULL) == DB_ROW)
        str_copy(out, n, db_text(st, 0));
    db_finish(&st);
}

/* Adds each option (public ones only, with only_public) to o, typed. */
static void options_json(struct store *s, json_t *o, bool only_public)
{
    for (size_t i = 0; i < school_options_count; i++) {
        const struct school_option_def *d = &school_options[i];
        if (only_public && !d->is_public)
            continue;
        char v[SCHOOL_SETTING_VALUE_MAX];
        stored_value(s, d->key, d->dflt, v, sizeof v);
        json_t *j = json_loads(v, JSON_DECODE_ANY, NULL);
        if (j == NULL || d->check(j) != NULL) { /* never written so */
            json_decref(j);
            j = json_loads(d->dflt, JSON_DECODE_ANY, NULL);
        }
        json_object_set_new(o, d->key, j);
    }
}

json_t *school_public_settings_json(struct store *s, const char *default_name)
{
    json_t *o = json_object();
    for (size_t i = 0; i < school_settings_count; i++) {
        const struct school_setting_def *d = &school_settings[i];
        if (!d->is_public)
            continue;
        const char *dflt = strcmp(d->key, SETTING_NAME) == 0 ? default_name
                           : strcmp(d->key, SETTING_TIMEZONE) == 0
                               ? DEFAULT_TIMEZONE
                               : "";
        char v[SCHOOL_SETTING_VALUE_MAX];
        stored_value(s, d->key, dflt, v, sizeof v);
        json_object_set_new(o, d->key, v[0] ? json_string(v) : json_null());
    }
    options_json(s, o, true);
    return o;
}

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
    const char *tz = json_string_value(json_object_get(o, SETTING_TIMEZONE));
    const char *label = tz ? school_timezone_label(tz) : NULL;
    json_object_set_new(o, "timezone_label",
                        json_string(label ? label : tz ? tz : ""));
    options_json(s, o, false);
    return o;
}

/* The type and visibility a key is stored with. */
static void key_kind(const char *key, const char **type_r, int64_t *pub_r)
{
    *type_r = SETTING_TYPE_STRING;
    *pub_r = 0;
    const struct school_option_def *d = school_option_find(key);
    if (d) {
        *type_r = d->type;
        *pub_r = d->is_public;
        return;
    }
    for (size_t i = 0; i < school_settings_count; i++)
        if (strcmp(school_settings[i].key, key) == 0)
            *pub_r = school_settings[i].is_public;
}

int school_settings_write(struct store *s, const struct setting_update *u,
                          int n, const char **error_r)
{
    for (int i = 0; i < n; i++) {
        const char *type;
        int64_t pub;
        key_kind(u[i].key, &type, &pub);
        int rc = u[i].value[0]
                     ? db_run(s->conn, error_r,
                              "INSERT INTO tenant_settings"
                              " (key, value, type, is_public)"
                              " VALUES (?, ?, ?, ?)"
                              " ON CONFLICT (key) DO UPDATE SET"
                              " value = excluded.value, type = excluded.type,"
                              " is_public = excluded.is_public",
                              "ttti", u[i].key, u[i].value, type, pub)
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
