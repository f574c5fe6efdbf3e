/*
 * The request's way through, in order: health and metrics (any host), the
 * school from the Host header, the route, the school's store, identity,
 * CSRF, permission, body, handler. Each step fails closed with its status.
 */
#include <string.h>

#include "core/util.h"
#include "http/http.h"

bool route_match(const char *pattern, const char *path, char params[2][128])
{
    int np = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            size_t n = strcspn(s, "/");
            if (close == NULL || n == 0 || n >= 128 || np >= 2)
                return false;
            memcpy(params[np], s, n);
            params[np][n] = '\0';
            np++;
            p = close + 1;
            s += n;
            continue;
        }
        if (*p != *s)
            return false;
        p++;
        s++;
    }
    return *p == '\0' && *s == '\0';
}

static bool is_write(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* Finds the principal from the bearer token or the session cookie. */
static int authenticate(struct request *r, bool *via_cookie)
{
    const char *token = NULL;
    bool bearer = false;
    const char *auth = request_header(r, "Authorization");
    if (auth != NULL && strncmp(auth, "Bearer ", 7) == 0) {
        token = auth + 7;
        bearer = true;
    } else {
        token = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND,
                                            "bis_session");
    }
    *via_cookie = !bearer;
    if (token == NULL || strlen(token) > 100)
        return 0;
    enum principal_kind kind =
        bearer ? api_token_kind(token) : session_token_kind(token);
    struct store *store;
    if (kind == PRINCIPAL_PLATFORM && r->tenant.is_master)
        store = &r->p->master;
    else if (kind == PRINCIPAL_SCHOOL)
        store = r->school;
    else
        return 0;
    /* A session checked within the last second needs no store read. */
    if (!bearer) {
        if (session_cache_get(r->tenant.code, token, &r->who) &&
            r->who.kind == kind) {
            r->who_store = store;
            return 1;
        }
    }
    const char *err = NULL;
    store_lock(store);
    int rc = bearer ? api_token_lookup(store, kind, token, &r->who, &err)
                    : session_lookup(store, kind, token, &r->cfg->session,
                                     &r->who, &err);
    store_unlock(store);
    if (rc == 1 && !bearer)
        session_cache_put(r->tenant.code, token, &r->who);
    if (rc < 0) {
        reply_store_error(r, err);
        return -1;
    }
    if (rc == 1)
        r->who_store = store;
    else
        memset(&r->who, 0, sizeof r->who);
    return rc;
}

static bool acquire_school(struct request *r)
{
    const char *err = NULL;
    int rc = pool_acquire(r->p->pool, r->tenant.code, &r->school, &err);
    if (rc == POOL_OK)
        return true;
    r->school = NULL;
    log_msg(LOG_ERROR, "school %s store unavailable: %s", r->tenant.code, err);
    if (request_wants_html(r))
        reply_html_error(r, 503, "Servicio no disponible",
                         "Los datos de este plantel no están disponibles en "
                         "este momento. Intente de nuevo más tarde.");
    else
        reply_err_msg(r, ERR_STORE_UNAVAILABLE,
                      "Los datos de este plantel no están disponibles en "
                      "este momento. Intente de nuevo más tarde.");
    return false;
}

void router_dispatch(struct request *r)
{
    const char *path = r->url;
    if (strcmp(path, "/healthz") == 0) {
        h_healthz(r);
        return;
    }
    if (strcmp(path, "/metrics") == 0) {
        if (!r->loopback)
            reply_err(r, ERR_NOT_FOUND);
        else
            metrics_render(r);
        return;
    }

    /* The web app's assets are the same for every school. */
    if (strncmp(path, "/assets/", 8) == 0 &&
        (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0) &&
        static_serve(r))
        return;

    int rc = tenant_resolve_host(r->p, request_header(r, "Host"), &r->tenant);
    if (rc < 0) {
        reply_store_error(r, "master store lookup failed");
        return;
    }
    if (rc == 0) {
        if (request_wants_html(r))
            reply_html_error(r, 404, "Plantel no encontrado",
                             "No existe un plantel en esta dirección. "
                             "Verifique el enlace que recibió.");
        else
            reply_err(r, ERR_SCHOOL_NOT_FOUND);
        return;
    }
    r->has_tenant = true;
    if (strcmp(r->tenant.status, "active") != 0) {
        const char *msg = strcmp(r->tenant.status, "suspended") == 0
                              ? "Este plantel está suspendido temporalmente."
                              : "Este plantel no está activo.";
        if (request_wants_html(r))
            reply_html_error(r, 503, "Plantel no disponible", msg);
        else
            reply_err_msg(r, ERR_SCHOOL_UNAVAILABLE, msg);
        return;
    }

    const struct route *route = NULL;
    bool path_known = false;
    for (size_t i = 0; i < routes_count; i++) {
        char params[2][128];
        if (!route_match(routes[i].pattern, path, params))
            continue;
        path_known = true;
        if (strcmp(routes[i].method, r->method) == 0) {
            route = &routes[i];
            memcpy(r->params, params, sizeof params);
            break;
        }
    }
    if (route == NULL) {
        if ((strcmp(r->method, "GET") == 0 ||
             strcmp(r->method, "HEAD") == 0) &&
            static_serve(r))
            return;
        if (path_known)
            reply_err(r, ERR_METHOD_NOT_ALLOWED);
        else if ((strcmp(r->method, "GET") == 0 ||
                  strcmp(r->method, "HEAD") == 0) &&
                 static_serve_not_found(r))
            return;
        else
            reply_err(r, ERR_NOT_FOUND);
        return;
    }
    if (route->scope == SCOPE_MASTER && !r->tenant.is_master) {
        reply_err(r, ERR_NOT_FOUND);
        return;
    }
    if (!acquire_school(r))
        return;

    if (route->perm != ROUTE_PUBLIC) {
        bool via_cookie = false;
        rc = authenticate(r, &via_cookie);
        if (rc < 0)
            return;
        if (rc == 0) {
            reply_err(r, ERR_UNAUTHENTICATED);
            return;
        }
        if (via_cookie && is_write(r->method)) {
            const char *csrf = request_header(r, "X-CSRF-Token");
            if (csrf == NULL || !str_equal_ct(csrf, r->who.csrf_token)) {
                reply_err(r, ERR_CSRF_MISSING);
                return;
            }
        }
        if (route->perm != ROUTE_SESSION && (r->who.perms & route->perm) == 0) {
            reply_err(r, ERR_FORBIDDEN);
            return;
        }
    }

    if (route->json_body) {
        const char *ct = request_header(r, "Content-Type");
        if (ct == NULL || strncmp(ct, "application/json", 16) != 0) {
            reply_err(r, ERR_UNSUPPORTED_MEDIA_TYPE);
            return;
        }
        json_error_t jerr;
        r->json = r->body ? json_loadb(r->body, r->body_len,
                                       JSON_REJECT_DUPLICATES, &jerr)
                          : NULL;
        if (r->json == NULL || !json_is_object(r->json)) {
            reply_err(r, ERR_BAD_JSON);
            return;
        }
    }
    route->handler(r);
}
