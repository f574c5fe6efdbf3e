/*
 * The school's own domain: what a school keeps in its store and the SQL
 * that reads and writes it, one file per feature (settings.c today;
 * students.c, representatives.c, teachers.c, attendance.c ... as they
 * come). Handlers in src/http/h_<feature>.c parse the request, call these
 * and reply; tests/api/test_<feature>.py test them through the API.
 *
 * This layer depends on db/, core/ and auth/ (for the audit row every
 * write carries), never on http/ or platform/. Functions that write run
 * their own transaction with the audit row, or say they expect the
 * caller's; functions that read expect store_lock().
 */
#ifndef BIS_SCHOOL_SCHOOL_H
#define BIS_SCHOOL_SCHOOL_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "auth/auth.h"
#include "db/db.h"

/* (Same definitions as platform.h, which reads these two settings.) */
#define SETTING_NAME "name"
#define SETTING_TIMEZONE "timezone"
#define DEFAULT_TIMEZONE "America/Caracas"

/* settings.c: the school's name, time zone and profile. */

/* Checks and normalizes `in` into `out`: NULL, or a Spanish message. */
typedef const char *(*school_setting_check_fn)(const char *in, char *out,
                                               size_t n);
struct school_setting_def {
    const char *key;
    school_setting_check_fn check;
    bool clearable;      /* "" removes it */
    size_t max_len;      /* bytes */
    const char *message; /* Spanish: when missing or too long */
    bool is_public;      /* shown without signing in (GET /api/v1/branding) */
};
extern const struct school_setting_def school_settings[];
extern const size_t school_settings_count;

#define SCHOOL_SETTINGS_MAX 8
#define SCHOOL_SETTING_VALUE_MAX 512
struct setting_update {
    const char *key;
    char value[SCHOOL_SETTING_VALUE_MAX]; /* "" removes the setting */
};

/* The time zones a school may choose (a list, never typed in): the IANA
 * name and the Spanish label shown ("Caracas (UTC−4)"); NULL-terminated. */
struct school_timezone {
    const char *name, *label;
};
extern const struct school_timezone school_timezones[];
/* The label of a zone of the list, NULL if not in it. */
const char *school_timezone_label(const char *name);

/* Typed options (tenant_settings.type): stored as the JSON text of the
 * value, checked by `check` (NULL or a Spanish message). */
#define SETTING_TYPE_STRING "string"
#define SETTING_TYPE_INTEGER "integer"
#define SETTING_TYPE_BOOLEAN "boolean"
#define SETTING_TYPE_JSON "json"
struct school_option_def {
    const char *key;
    const char *type; /* SETTING_TYPE_* */
    bool is_public;
    const char *dflt; /* JSON text */
    const char *(*check)(json_t *v);
};
extern const struct school_option_def school_options[];
extern const size_t school_options_count;
#define SCHOOL_OPTIONS_MAX 8
const struct school_option_def *school_option_find(const char *key);
/* Checks v for option d and writes its stored text into out: NULL, or a
 * Spanish message. */
const char *school_option_check(const struct school_option_def *d, json_t *v,
                                char *out, size_t n);

/* Every setting as JSON (null when unset) plus state_name, timezone_label
 * and the typed options; the name defaults to `default_name`. Caller holds
 * the store. */
json_t *school_settings_json(struct store *s, const char *default_name);
/* The public settings only (anyone may read them). Caller holds the store. */
json_t *school_public_settings_json(struct store *s,
                                    const char *default_name);
/* Writes the updates; inside the caller's transaction. */
int school_settings_write(struct store *s, const struct setting_update *u,
                          int n, const char **error_r);
/* Writes the updates and their audit row (before and after) in one
 * transaction; *after_r the settings after. */
int school_settings_update(struct store *s, const char *default_name,
                           const struct actor *actor,
                           const struct setting_update *u, int n,
                           json_t **after_r, const char **error_r);

/* The school's users: auth/accounts.c (the SQL the platform admins'
 * list shares), served by http/h_users.c. */

#endif
