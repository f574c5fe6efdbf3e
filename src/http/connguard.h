/*
 * Connection guard (connguard.c): bounds what slow or numerous connections
 * can hold. Every TCP connection is tracked from libmicrohttpd's
 * connection notifications; a request must finish its headers within
 * `header_timeout` seconds of the connection opening (or of the previous
 * reply on a kept-alive connection), and one client address may hold at
 * most `per_ip_limit` connections. Trusted proxies are exempt from both:
 * their connections carry many clients, and the proxy bounds those itself.
 */
#ifndef BIS_HTTP_CONNGUARD_H
#define BIS_HTTP_CONNGUARD_H
#include <microhttpd.h>
#include <stdbool.h>

struct server_config;
struct conn_guard;

/* Starts the guard's watcher thread. `cfg` must outlive the guard. */
struct conn_guard *conn_guard_new(const struct server_config *cfg);
/* Stops the watcher; call after MHD_stop_daemon. */
void conn_guard_free(struct conn_guard **g);

/* MHD_OPTION_NOTIFY_CONNECTION callback; its closure is the guard. */
void conn_guard_notify(void *cls, struct MHD_Connection *c,
                       void **socket_context,
                       enum MHD_ConnectionNotificationCode toe);
/* MHD_OPTION_UNESCAPE_CALLBACK: %XX decoding that notes a decoded NUL. */
size_t conn_guard_unescape(void *cls, struct MHD_Connection *c, char *s);

/* A request's headers are complete / its reply is done. */
void conn_guard_request_begins(struct MHD_Connection *c);
void conn_guard_request_ends(struct MHD_Connection *c);
/* MHD_OPTION_URI_LOG_CALLBACK: notes where the raw target lies. */
void *conn_guard_uri_log(void *cls, const char *uri, struct MHD_Connection *c);
/* True if the request's target held a NUL, escaped (%00) or a raw byte
 * that libmicrohttpd cut it at; `url` and `version` as on_request got
 * them. Clears the marks for the connection's next request. */
bool conn_guard_target_nul(struct MHD_Connection *c, const char *url,
                           const char *version);

#endif
