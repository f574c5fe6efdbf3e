/*
 * The HTTP server: libmicrohttpd with a thread pool. Each request gets a
 * `struct request` on its first callback; the body is collected (up to the
 * limit, past which the reply is 413 and nothing runs), the router runs on
 * the last callback, and the completed-callback writes the access log line,
 * records metrics and releases the school's store.
 *
 * Before the router runs, a request with ambiguous framing (two Host or
 * Content-Length headers, Content-Length with Transfer-Encoding) or a NUL
 * in its Host or target is refused with 400; connguard.c bounds how long a
 * request may take to send its headers and how many connections one
 * address may hold.
 *
 * Shutdown: stop accepting (quiesce + close the listening socket), wait for
 * requests in flight to finish, then stop the daemon.
 */
#include <arpa/inet.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/util.h"
#include "http/connguard.h"
#include "http/http.h"

struct server {
    struct MHD_Daemon *daemon;
    struct conn_guard *guard;
    struct platform *p;
    struct server_config cfg;
    atomic_int in_flight;
};

/* The web app's pages and assets: its own files only, nothing inline. */
static const char csp_app[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'";
/* JSON and text replies are never rendered: they may load nothing. */
static const char csp_data[] = "default-src 'none'; frame-ancestors 'none'";

const char *request_header(struct request *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *request_query(struct request *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

bool request_wants_html(struct request *r)
{
    const char *accept = request_header(r, "Accept");
    return accept != NULL && strstr(accept, "text/html") != NULL;
}

void request_actor(struct request *r, struct actor *a)
{
    a->user_id = r->who.user_id;
    a->email = r->who.kind != PRINCIPAL_NONE ? r->who.email : "";
    a->role = r->who.kind != PRINCIPAL_NONE ? r->who.role : "";
    a->ip = r->ip;
    a->request_id = r->request_id;
    /* a support session acts for a platform admin: its rows say so */
    if (r->who.kind != PRINCIPAL_NONE && r->who.support)
        a->role = ACTOR_ROLE_SUPPORT;
}

/*
 * Request ids only need to be unique and unguessable enough for logs: a
 * per-thread generator seeded from the system's randomness, instead of a
 * system call per request.
 */
static void request_id_new(char out[17])
{
    static _Thread_local uint64_t state;
    if (state == 0)
        randombytes_buf(&state, sizeof state);
    /* splitmix64 */
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    snprintf(out, 17, "%016llx", (unsigned long long)z);
}

static void add_common_headers(struct request *r)
{
    struct MHD_Response *resp = r->resp;
    MHD_add_response_header(resp, "Content-Security-Policy",
                            r->is_page ? csp_app : csp_data);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    if (r->cookie[0])
        MHD_add_response_header(resp, "Set-Cookie", r->cookie);
}

static void client_address(struct request *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    str_copy(r->ip, sizeof r->ip, "unknown");
    if (ci == NULL || ci->client_addr == NULL)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, r->ip, sizeof r->ip);
        r->loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, r->ip, sizeof r->ip);
        r->loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    if (r->cfg->cookie_secure)
        r->secure = true;
    bool trusted = false;
    for (int i = 0; i < r->cfg->trusted_proxies; i++)
        if (strcmp(r->cfg->trusted_proxy[i], r->ip) == 0)
            trusted = true;
    if (!trusted)
        return;
    /*
     * Behind our proxy the client is the last address the proxy appended
     * (nginx's $proxy_add_x_forwarded_for); anything before it came from
     * the client and proves nothing.
     */
    const char *xff = request_header(r, "X-Forwarded-For");
    if (xff != NULL) {
        /* forwarded by the proxy (which always sets it): not local, even
         * when the proxy runs on this machine */
        r->loopback = false;
        const char *last = strrchr(xff, ',');
        last = last ? last + 1 : xff;
        while (*last == ' ')
            last++;
        char addr[64];
        str_copy(addr, sizeof addr, last);
        addr[strcspn(addr, " ")] = '\0';
        unsigned char buf[sizeof(struct in6_addr)];
        if (inet_pton(AF_INET, addr, buf) == 1 ||
            inet_pton(AF_INET6, addr, buf) == 1) {
            str_copy(r->ip, sizeof r->ip, addr);
        }
    }
    const char *proto = request_header(r, "X-Forwarded-Proto");
    if (proto != NULL && strcmp(proto, "https") == 0)
        r->secure = true;
}

/*
 * Requests whose framing or target is ambiguous, which libmicrohttpd
 * accepts: two Host or Content-Length headers, Content-Length together with
 * Transfer-Encoding (a proxy and this server could disagree on where the
 * body ends), a NUL in the target (%00 or a raw byte) or a raw NUL in a
 * Host value. libmicrohttpd 0.9.75 cuts a raw NUL byte and what follows
 * from the target or a header value; we see it from where the parsed
 * strings end in its read buffer (conn_guard_target_nul, check_host_end).
 * NULL if the request is fine.
 */
struct framing {
    int hosts, lengths, encodings;
    bool nul;
    /* After a Host value whose C string ended before its line did: the
     * next byte, which must start the next header (a bare LF) */
    const char *host_next;
};

/*
 * libmicrohttpd keeps header lines in its read buffer, with NULs written
 * over each line's CR LF (or bare LF) and over trimmed white space. So
 * after a Host value come white space and NULs up to the next line, and
 * the next line is the next header's key. Anything else means the value
 * held a raw NUL byte, past which libmicrohttpd silently cut it.
 */
static void check_host_end(struct framing *f, const char *value,
                           size_t value_size)
{
    const char *p = value + value_size + 1;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '\0')
        f->host_next = p;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind,
                                    const char *key, size_t key_size,
                                    const char *value, size_t value_size)
{
    (void)kind;
    (void)key_size;
    struct framing *f = cls;
    if (f->host_next != NULL) {
        if (key != f->host_next)
            f->nul = true;
        f->host_next = NULL;
    }
    if (strcasecmp(key, "Host") == 0) {
        f->hosts++;
        if (value == NULL || strlen(value) != value_size)
            f->nul = true;
        else
            check_host_end(f, value, value_size);
    } else if (strcasecmp(key, "Content-Length") == 0) {
        f->lengths++;
    } else if (strcasecmp(key, "Transfer-Encoding") == 0) {
        f->encodings++;
    }
    return MHD_YES;
}

static const char *bad_framing(struct MHD_Connection *conn, const char *url,
                               const char *version)
{
    struct framing f = {0};
    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, count_header, &f);
    if (conn_guard_target_nul(conn, url, version) || f.nul ||
        f.host_next != NULL)
        return "nul";
    if (f.hosts > 1)
        return "duplicate_host";
    if (f.lengths > 1)
        return "duplicate_content_length";
    if (f.lengths > 0 && f.encodings > 0)
        return "content_length_and_transfer_encoding";
    return NULL;
}

/* Routes whose body is a file (cfg.max_upload, not cfg.max_body): decided
 * from the method and path before the body arrives, so a large upload is
 * refused (413) before it is read. records: import; branding: logo */
static bool upload_route(const char *method, const char *url)
{
    if (strcmp(method, "PUT") == 0 &&
        strcmp(url, "/api/v1/branding/logo") == 0) /* branding */
        return true;
    return strcmp(method, "POST") == 0 &&
           (strcmp(url, "/api/v1/imports/matricula") == 0 ||
            strcmp(url, "/api/v1/imports/timetable") == 0); /* #15 import */
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version,
                                  const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct server *s = cls;
    struct request *r = *con_cls;
    if (r == NULL) {
        r = xcalloc(1, sizeof *r);
        r->srv = s;
        r->p = s->p;
        r->cfg = &s->cfg;
        r->conn = conn;
        r->method = method;
        r->url = url;
        r->start_ms = time_mono_ms();
        request_id_new(r->request_id);
        client_address(r);
        atomic_fetch_add(&s->in_flight, 1);
        *con_cls = r;
        conn_guard_request_begins(conn);
        const char *bad = bad_framing(conn, url, version);
        if (bad != NULL) {
            log_msg(LOG_WARN, "refused an ambiguous request (%s) from %s",
                    bad, r->ip);
            reply_err_msg(r, ERR_BAD_REQUEST,
                          "La solicitud no es válida: encabezados repetidos o "
                          "contradictorios, o caracteres no permitidos.");
            add_common_headers(r);
            MHD_add_response_header(r->resp, "Connection", "close");
            enum MHD_Result ret = MHD_queue_response(conn, 400, r->resp);
            MHD_destroy_response(r->resp);
            r->resp = NULL;
            return ret;
        }
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        unsigned long long announced = cl ? strtoull(cl, NULL, 10) : 0;
        r->body_limit = upload_route(method, url) && s->cfg.max_upload
                            ? s->cfg.max_upload
                            : s->cfg.max_body;
        if (announced > r->body_limit)
            r->body_too_large = true; /* drained and discarded, then 413 */
        if (announced > 4 * (unsigned long long)r->body_limit + (8u << 20)) {
            /* Far too large to drain: refuse at once. libmicrohttpd then
             * closes the connection, and a client still sending may see
             * the reset rather than the 413. */
            reply_error(r, 413, "body_too_large",
                        "El contenido enviado es demasiado grande.");
            add_common_headers(r);
            enum MHD_Result ret = MHD_queue_response(conn, 413, r->resp);
            MHD_destroy_response(r->resp);
            r->resp = NULL;
            return ret;
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!r->body_too_large) {
            if (r->body_len + *upload_data_size > r->body_limit) {
                r->body_too_large = true;
                free(r->body);
                r->body = NULL;
                r->body_len = 0;
            } else {
                if (r->body_len + *upload_data_size + 1 > r->body_cap) {
                    /* doubling: an upload of many MiB arrives in small
                     * pieces */
                    size_t cap = r->body_cap ? r->body_cap : 4096;
                    while (cap < r->body_len + *upload_data_size + 1)
                        cap *= 2;
                    r->body = xrealloc(r->body, cap);
                    r->body_cap = cap;
                }
                memcpy(r->body + r->body_len, upload_data, *upload_data_size);
                r->body_len += *upload_data_size;
                r->body[r->body_len] = '\0';
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->body_too_large)
        reply_error(r, 413, "body_too_large",
                    "El contenido enviado es demasiado grande.");
    else
        router_dispatch(r);
    if (r->resp == NULL)
        reply_error(r, 500, "internal", "Error interno.");
    add_common_headers(r);
    enum MHD_Result ret = MHD_queue_response(conn, r->status, r->resp);
    MHD_destroy_response(r->resp);
    r->resp = NULL;
    return ret;
}

/* Appends s as the body of a JSON string (quotes not included). */
static size_t json_escape(char *out, size_t room, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (; *s && n + 7 < room; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c < 0x20 || c >= 0x7f) {
            /* non-ASCII too: a path or header may hold invalid UTF-8 */
            out[n++] = '\\';
            out[n++] = 'u';
            out[n++] = '0';
            out[n++] = '0';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        } else {
            out[n++] = (char)c;
        }
    }
    out[n] = '\0';
    return n;
}

/*
 * One access log line, formatted by hand: this runs for every request, and
 * building it through a JSON library cost a tenth of the server's time.
 */
static void log_request(struct request *r, double ms)
{
    static _Thread_local int64_t ts_second = -1;
    static _Thread_local char ts[21];
    int64_t now = time_now();
    if (now != ts_second) {
        time_format_utc(now, ts);
        ts_second = now;
    }
    char path[512], user[300];
    json_escape(path, sizeof path, r->url);
    bool has_user = r->who.kind != PRINCIPAL_NONE;
    if (has_user)
        json_escape(user, sizeof user, r->who.email);
    char line[1200];
    int n = snprintf(
        line, sizeof line,
        "{\"ts\":\"%s\",\"level\":\"info\",\"msg\":\"request\","
        "\"request_id\":\"%s\",\"school\":%s%s%s,\"user\":%s%s%s,"
        "\"method\":\"%s\",\"path\":\"%s\",\"status\":%u,"
        "\"duration_ms\":%.3f,\"ip\":\"%s\"}",
        ts, r->request_id, r->has_tenant ? "\"" : "",
        r->has_tenant ? r->tenant.code : "null", r->has_tenant ? "\"" : "",
        has_user ? "\"" : "", has_user ? user : "null", has_user ? "\"" : "",
        r->method, path, r->status, ms, r->ip);
    if (n > 0 && (size_t)n < sizeof line)
        log_buffered_line(line, (size_t)n);
}

static void on_completed(void *cls, struct MHD_Connection *conn,
                         void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    struct server *s = cls;
    conn_guard_request_ends(conn);
    struct request *r = *con_cls;
    if (r == NULL)
        return;
    double ms = time_mono_ms() - r->start_ms;
    if (r->status == 0)
        r->status = 499; /* the client went away before a reply */
    metrics_record(r->status, ms);
    if (s->cfg.log_requests)
        log_request(r, ms);
    if (r->school)
        pool_release(s->p->pool, r->school);
    json_decref(r->json);
    free(r->body);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&s->in_flight, 1);
}

/*
 * libmicrohttpd's own messages (a connection it could not accept, a
 * malformed request it answered itself) as our JSON log lines, instead of
 * its plain text on stderr.
 */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    log_msg(LOG_WARN, "libmicrohttpd: %s", msg);
}

struct server *server_start(struct platform *p, const struct server_config *c,
                            const char **error_r)
{
    struct server *s = xcalloc(1, sizeof *s);
    s->p = p;
    s->cfg = *c;
    static_init();
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(c->port);
    if (inet_pton(AF_INET, c->listen_addr, &addr.sin_addr) != 1) {
        *error_r = "the listen address must be an IPv4 address";
        free(s);
        return NULL;
    }
    /* The per-address sign-in limits survive a restart. */
    const char *terr = NULL;
    store_lock(&p->master);
    if (ip_throttle_restore(&p->master, &terr) < 0)
        log_msg(LOG_WARN, "sign-in limits not restored: %s",
                terr ? terr : "?");
    store_unlock(&p->master);
    s->guard = conn_guard_new(&s->cfg);
    if (s->guard == NULL) {
        *error_r = "cannot start the connection guard";
        free(s);
        return NULL;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                     MHD_USE_TURBO | MHD_USE_ERROR_LOG | MHD_USE_ITC;
    s->daemon = MHD_start_daemon(
        flags, c->port, NULL, NULL, on_request, s,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, /* first, to catch all */
        MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)c->threads, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)c->connection_timeout, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)1024, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, conn_guard_notify, s->guard,
        MHD_OPTION_UNESCAPE_CALLBACK, conn_guard_unescape, s->guard,
        MHD_OPTION_URI_LOG_CALLBACK, conn_guard_uri_log, s->guard,
        MHD_OPTION_END);
    if (s->daemon == NULL) {
        *error_r = "cannot listen on that address (in use?)";
        conn_guard_free(&s->guard);
        free(s);
        return NULL;
    }
    return s;
}

void server_stop(struct server *s, int grace_seconds)
{
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    double deadline = time_mono_ms() + grace_seconds * 1000.0;
    while (atomic_load(&s->in_flight) > 0 && time_mono_ms() < deadline)
        usleep(10000);
    if (atomic_load(&s->in_flight) > 0)
        log_msg(LOG_WARN, "stopping with %d requests still in flight",
                atomic_load(&s->in_flight));
    MHD_stop_daemon(s->daemon);
    conn_guard_free(&s->guard);
    free(s);
}
