/*
 * Helpers any handler may use to read a request and describe its caller:
 * JSON members, the ?limit= and ?cursor= of a list, and the signed-in
 * user as JSON, the school settings as request fields. Handlers share
 * these instead of borrowing each other's.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/fields.h"
#include "http/http.h"
#include "school/school.h"

const char *json_str(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int request_limit(struct request *r)
{
    const char *s = request_query(r, "limit");
    if (s == NULL)
        return 50;
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 1 || v > 500) {
        reply_invalid(r, "limit", "El límite debe ser un número entre 1 y "
                                  "500.");
        return -1;
    }
    return (int)v;
}

int64_t request_cursor(struct request *r)
{
    const char *s = request_query(r, "cursor");
    if (s == NULL || *s == '\0')
        return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end != '\0' || v < 1) {
        reply_invalid(r, "cursor", "El cursor de la página no es válido.");
        return -1;
    }
    return v;
}

json_t *principal_to_json(struct request *r)
{
    json_t *school = json_pack("{s:s,s:s}", "code", r->tenant.code, "name",
                               r->tenant.name);
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:b}", "id",
                     (json_int_t)r->who.user_id, "email", r->who.email,
                     "name", r->who.name, "role", r->who.role, "role_label",
                     role_label(r->who.role), "school", school, "support",
                     r->who.support);
}

size_t request_settings_fields(struct field *f, struct setting_update *u,
                               bool *present, bool all_required)
{
    size_t n = school_settings_count;
    for (size_t i = 0; i < n; i++) {
        const struct school_setting_def *d = &school_settings[i];
        u[i].key = d->key;
        u[i].value[0] = '\0';
        f[i] = (struct field){
            .key = d->key,
            .type = FIELD_LINE,
            .required = all_required,
            .clearable = d->clearable && !all_required,
            .max_len = d->max_len,
            .message = d->message,
            .check = d->check,
            .text = u[i].value,
            .text_size = sizeof u[i].value,
            .present = &present[i],
        };
    }
    return n;
}

int request_settings_updates(struct setting_update *u, const bool *present,
                             size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++)
        if (present[i])
            u[k++] = u[i];
    return k;
}

void request_link(struct request *r, const struct tenant *t,
                  const char *path, char *out, size_t n)
{
    char scheme[8] = "http", port[8] = "";
    const char *u = r->cfg->public_url;
    if (u && *u) {
        /* validated at start: http(s)://host[:port][/] */
        if (strncmp(u, "https://", 8) == 0)
            str_copy(scheme, sizeof scheme, "https");
        const char *host = strstr(u, "://");
        host = host ? host + 3 : u;
        size_t hl = strcspn(host, "/");
        const char *colon = memchr(host, ':', hl);
        if (colon && (size_t)(host + hl - colon) < sizeof port)
            snprintf(port, sizeof port, "%.*s", (int)(host + hl - colon),
                     colon);
    } else if (r->cfg->cookie_secure) {
        /* behind a TLS proxy: the listen port is not the public one */
        str_copy(scheme, sizeof scheme, "https");
    } else if (r->cfg->port != 80) {
        snprintf(port, sizeof port, ":%u", (unsigned)r->cfg->port);
    }
    char host[300];
    if (t && !t->is_master)
        tenant_host(r->p, t, host, sizeof host);
    else
        snprintf(host, sizeof host, "bischeduler.%s", r->p->base_domain);
    snprintf(out, n, "%s://%s%s%s", scheme, host, port, path);
}

const char *request_check_code(const char *in, char *out, size_t n)
{
    const char *msg = tenant_code_check(in);
    if (msg == NULL)
        str_copy(out, n, in);
    return msg;
}

const char *request_check_password(const char *in, char *out, size_t n)
{
    const char *msg = password_check_policy(in);
    if (msg == NULL)
        str_copy(out, n, in);
    return msg;
}
