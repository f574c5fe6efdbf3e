/*
 * Connection guard: slow-header ("slowloris") and per-address limits that
 * libmicrohttpd does not enforce by itself. Its connection timeout is an
 * idle timeout, which a client sending one byte every few seconds resets
 * forever; and its per-IP limit cannot tell a trusted proxy (many clients)
 * from one client.
 *
 * How it works: every connection gets a `struct tracked` (its socket
 * context) in one list, under one mutex (taken when a connection opens or
 * closes and by the watcher, never per request). A connection is "waiting" from
 * when it opens until its first request's headers are complete (the
 * request handler's first call): it has --header-timeout for that. After
 * each reply it waits again, for the longer of --header-timeout and the
 * idle --timeout (a kept-alive connection may sit idle that long), so a
 * kept-alive connection cannot trickle headers forever either. A watcher
 * thread wakes four times a second and shuts down (shutdown(2), not close:
 * libmicrohttpd still owns the descriptor and closes it) every waiting
 * connection past its deadline. When a connection opens, the
 * connections of its address are counted; one past the limit is shut down
 * at once. libmicrohttpd calls the CLOSED notification before it closes the
 * descriptor, and both that and every shutdown here hold the mutex, so a
 * shut-down descriptor is always still the connection's own.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/util.h"
#include "http/connguard.h"
#include "http/http.h"

struct conn_guard;

struct tracked {
    struct tracked *prev, *next;
    struct conn_guard *g;
    MHD_socket fd;
    unsigned char addr[16]; /* IPv4 in the first 4 bytes */
    int family;
    bool exempt; /* a trusted proxy */
    bool cut;    /* already shut down (under the mutex) */
    bool nul;    /* the request target held a NUL */
    /* The raw target as libmicrohttpd parsed it (conn_guard_uri_log):
     * where it starts in the read buffer and its length as a C string. */
    const char *raw_uri;
    size_t raw_uri_len;
    /* Written by the connection's thread on every request, read by the
     * watcher: atomics, so a request takes no lock. A stale read can only
     * cut a connection that was past its deadline a moment before. */
    atomic_bool waiting; /* for a request's headers */
    atomic_llong since_ms, limit_ms;
};

struct conn_guard {
    const struct server_config *cfg;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t watcher;
    bool stopping;
    struct tracked *head;
    int refused; /* over the per-address limit, since the last report */
};

static void cut(struct tracked *t)
{
    if (!t->cut && t->fd != MHD_INVALID_SOCKET) {
        shutdown(t->fd, SHUT_RDWR);
        t->cut = true;
    }
}

static void *watch(void *arg)
{
    struct conn_guard *g = arg;
    pthread_mutex_lock(&g->lock);
    while (!g->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 250 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&g->wake, &g->lock, &ts);
        long long now = (long long)time_mono_ms();
        int n = 0;
        for (struct tracked *t = g->head; t; t = t->next) {
            long long limit = atomic_load(&t->limit_ms);
            if (atomic_load(&t->waiting) && !t->exempt && !t->cut &&
                limit > 0 && now - atomic_load(&t->since_ms) > limit) {
                cut(t);
                n++;
            }
        }
        int refused = g->refused;
        g->refused = 0;
        /* one line per tick, however many: an attack must not flood the
         * log; written without the mutex, which connections need */
        pthread_mutex_unlock(&g->lock);
        if (n > 0)
            log_msg(LOG_WARN,
                    "closed %d connection(s) that did not send a request's "
                    "headers in time (--header-timeout)",
                    n);
        if (refused > 0)
            log_msg(LOG_WARN,
                    "refused %d connection(s) over the per-address limit "
                    "(--max-connections-per-ip)",
                    refused);
        pthread_mutex_lock(&g->lock);
    }
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

struct conn_guard *conn_guard_new(const struct server_config *cfg)
{
    struct conn_guard *g = xcalloc(1, sizeof *g);
    g->cfg = cfg;
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->wake, NULL);
    if (pthread_create(&g->watcher, NULL, watch, g) != 0) {
        pthread_cond_destroy(&g->wake);
        pthread_mutex_destroy(&g->lock);
        free(g);
        return NULL;
    }
    return g;
}

void conn_guard_free(struct conn_guard **gp)
{
    struct conn_guard *g = *gp;
    if (g == NULL)
        return;
    pthread_mutex_lock(&g->lock);
    g->stopping = true;
    pthread_cond_signal(&g->wake);
    pthread_mutex_unlock(&g->lock);
    pthread_join(g->watcher, NULL);
    pthread_cond_destroy(&g->wake);
    pthread_mutex_destroy(&g->lock);
    free(g);
    *gp = NULL;
}

static bool is_trusted(const struct server_config *cfg, const char *ip)
{
    for (int i = 0; i < cfg->trusted_proxies; i++)
        if (strcmp(cfg->trusted_proxy[i], ip) == 0)
            return true;
    return false;
}

static void opened(struct conn_guard *g, struct MHD_Connection *c,
                   void **socket_context)
{
    struct tracked *t = xcalloc(1, sizeof *t);
    t->g = g;
    t->fd = MHD_INVALID_SOCKET;
    atomic_init(&t->waiting, true);
    atomic_init(&t->since_ms, (long long)time_mono_ms());
    atomic_init(&t->limit_ms, g->cfg->header_timeout * 1000LL);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (ci)
        t->fd = ci->connect_fd;
    char ip[64] = "";
    ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        t->family = sa->sa_family;
        if (sa->sa_family == AF_INET) {
            const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
            memcpy(t->addr, &in->sin_addr, 4);
            inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
        } else if (sa->sa_family == AF_INET6) {
            const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
            memcpy(t->addr, &in6->sin6_addr, 16);
            inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
        }
    }
    t->exempt = is_trusted(g->cfg, ip);
    *socket_context = t;

    pthread_mutex_lock(&g->lock);
    int same = 0;
    if (!t->exempt && g->cfg->per_ip_limit > 0)
        for (struct tracked *o = g->head; o; o = o->next)
            if (!o->cut && o->family == t->family &&
                memcmp(o->addr, t->addr, sizeof t->addr) == 0)
                same++;
    t->next = g->head;
    if (g->head)
        g->head->prev = t;
    g->head = t;
    bool over = !t->exempt && g->cfg->per_ip_limit > 0 &&
                same >= g->cfg->per_ip_limit;
    if (over) {
        cut(t);
        g->refused++;
    }
    pthread_mutex_unlock(&g->lock);
}

static void closed(struct conn_guard *g, struct tracked *t)
{
    pthread_mutex_lock(&g->lock);
    if (t->prev)
        t->prev->next = t->next;
    else
        g->head = t->next;
    if (t->next)
        t->next->prev = t->prev;
    pthread_mutex_unlock(&g->lock);
    free(t);
}

void conn_guard_notify(void *cls, struct MHD_Connection *c,
                       void **socket_context,
                       enum MHD_ConnectionNotificationCode toe)
{
    struct conn_guard *g = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED)
        opened(g, c, socket_context);
    else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        closed(g, *socket_context);
        *socket_context = NULL;
    }
}

static struct tracked *tracked_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

void conn_guard_request_begins(struct MHD_Connection *c)
{
    struct tracked *t = tracked_of(c);
    if (t != NULL)
        atomic_store(&t->waiting, false);
}

void conn_guard_request_ends(struct MHD_Connection *c)
{
    struct tracked *t = tracked_of(c);
    if (t == NULL)
        return;
    /* A kept-alive connection may sit idle up to --timeout before its
     * next request, so its deadline is the longer of the two. */
    const struct server_config *cfg = t->g->cfg;
    int limit = cfg->header_timeout == 0 ? 0
                : cfg->header_timeout > cfg->connection_timeout
                    ? cfg->header_timeout
                    : cfg->connection_timeout;
    atomic_store(&t->limit_ms, limit * 1000LL);
    atomic_store(&t->since_ms, (long long)time_mono_ms());
    atomic_store(&t->waiting, true);
}

void *conn_guard_uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    struct tracked *t = tracked_of(c);
    if (t != NULL) {
        t->raw_uri = uri;
        t->raw_uri_len = strlen(uri);
    }
    return NULL; /* the request's context is created by on_request */
}

bool conn_guard_target_nul(struct MHD_Connection *c, const char *url,
                           const char *version)
{
    /* only the connection's own thread reads or writes these */
    struct tracked *t = tracked_of(c);
    if (t == NULL)
        return false;
    bool nul = t->nul; /* a %00 decoded by conn_guard_unescape */
    const char *uri = t->raw_uri;
    size_t len = t->raw_uri_len;
    t->nul = false;
    t->raw_uri = NULL;
    /* libmicrohttpd parses the request line in place: the target ends
     * where a NUL replaced the space before the version, and the version
     * follows it. A target whose C string ends earlier held a raw NUL
     * byte, which libmicrohttpd would silently cut. Only judged when the
     * URL is still the target seen by the log callback (same buffer). */
    if (uri != NULL && url == uri && version != NULL && version[0] != '\0' &&
        version != uri + len + 1)
        nul = true;
    return nul;
}

size_t conn_guard_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    if (strstr(s, "%00") != NULL) {
        struct tracked *t = tracked_of(c);
        if (t)
            t->nul = true;
    }
    return MHD_http_unescape(s);
}
