/*
 * The HTTP side: the server (libmicrohttpd with a thread pool), the request
 * a handler sees, the reply helpers and the routing table. A request passes
 * through fixed steps (router.c): school from the Host header, identity from
 * the session cookie or bearer token, CSRF check on cookie writes, the
 * route's declared permission, then its handler, which parses and validates
 * input, talks to the store and replies.
 */
#ifndef BIS_HTTP_HTTP_H
#define BIS_HTTP_HTTP_H
#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "auth/auth.h"
#include "core/util.h"
#include "platform/platform.h"

struct server_config {
    const char *listen_addr; /* "127.0.0.1" */
    unsigned short port;
    int threads;
    size_t max_body;
    /* the body limit of the upload routes (server.c: upload_route),
     * e.g. POST /api/v1/imports/matricula: the file itself */
    size_t max_upload;
    int connection_timeout;
    /* seconds a request has to send its headers (0: no limit), and the
     * connections one client address may hold (0: no limit); trusted
     * proxies are exempt from both (connguard.c) */
    int header_timeout;
    int per_ip_limit;
    struct session_limits session;
    bool log_requests;
    bool cookie_secure;
    /* The master host's URL as users reach it, e.g.
     * "https://bischeduler.example.edu.ve": the scheme and port of every
     * link the server writes (never the request's Host). NULL: http, the
     * listen port (https, no port, with cookie_secure). */
    const char *public_url;
    /* peers whose X-Forwarded-For/-Proto are believed (the proxy) */
    int trusted_proxies;
    char trusted_proxy[8][64];
};

struct server;

/* Every step of routing and every handler works on this. */
struct request {
    struct server *srv;
    struct platform *p;
    const struct server_config *cfg;
    struct MHD_Connection *conn;
    const char *method;
    const char *url; /* path only, owned by MHD */
    char request_id[17];
    char ip[64];      /* the client: the peer, or what a trusted proxy says */
    bool loopback;    /* the client is this machine (not via a proxy) */
    bool secure;      /* reached over TLS (trusted X-Forwarded-Proto) */
    double start_ms;

    /* body, collected up to body_limit (cfg->max_body, or cfg->max_upload
     * on an upload route) */
    char *body;
    size_t body_len, body_cap, body_limit;
    bool body_too_large;
    json_t *json; /* the parsed object, for routes that take one */

    /* routing results */
    bool has_tenant;
    struct tenant tenant;
    struct store *school; /* this school's store, acquired from the pool */
    struct principal who;
    struct store *who_store; /* where the principal lives */
    char params[2][128];     /* {path} parameters, in order */

    /* the reply */
    unsigned status;
    struct MHD_Response *resp;
    bool is_page; /* HTML, CSS or JS of the web app: the app's CSP */
    char cookie[200]; /* Set-Cookie value, if any */
};

typedef void (*handler_fn)(struct request *r);

/* A route's permission: one of these, or a mask of enum permission. */
#define ROUTE_PUBLIC 0x40000000u  /* no identity needed */
#define ROUTE_SESSION 0x20000000u /* any signed-in user of this school */

enum route_scope {
    SCOPE_SCHOOL = 1, /* any school host */
    SCOPE_MASTER,     /* the master host only (platform routes) */
};

struct route {
    const char *method;
    const char *pattern; /* "/api/v1/things/{id}" */
    unsigned perm;       /* ROUTE_PUBLIC, ROUTE_SESSION or permission bits */
    enum route_scope scope;
    bool json_body; /* the handler expects a JSON object body */
    handler_fn handler;
};

extern const struct route routes[];
extern const size_t routes_count;

/* router.c */
void router_dispatch(struct request *r);
/* Matches a path against a pattern, filling params; true on match. */
bool route_match(const char *pattern, const char *path,
                 char params[2][128]);

/* reply.c: replies. Each takes ownership of what it is given. */
void reply_json(struct request *r, unsigned status, json_t *body);
/* A reply whose JSON text is already written; takes the buffer. */
void reply_json_text(struct request *r, unsigned status, struct strbuf *sb);
void reply_buffer(struct request *r, unsigned status, const char *type,
                  const void *data, size_t len, bool copy);
/* A downloadable body (a file the server made): takes `data` (malloc'd),
 * sends it with Content-Type `type` and, when `filename` is given,
 * Content-Disposition: attachment. */
void reply_bytes(struct request *r, unsigned status, const char *type,
                 const char *filename, void *data, size_t len);
void reply_html_error(struct request *r, unsigned status, const char *title,
                      const char *text);

/* The registry of error codes (errors.def): ERR_NOT_FOUND, ... */
enum api_error {
#define ERR(name, code, status, message) ERR_##name,
#include "http/errors.def"
#undef ERR
    ERR_COUNT_
};
struct api_error_def {
    const char *code; /* stable English identifier */
    unsigned status;
    const char *message; /* default Spanish message */
};
extern const struct api_error_def api_errors[ERR_COUNT_];
const struct api_error_def *api_error_find(const char *code);
/* An error reply with the registry's message, or a more precise one. */
void reply_err(struct request *r, enum api_error e);
void reply_err_msg(struct request *r, enum api_error e, const char *message);
/* An error about one field (error.field; a 422 also lists it in
 * error.errors). */
void reply_err_field(struct request *r, enum api_error e, const char *field,
                     const char *message);
void reply_invalid(struct request *r, const char *field, const char *message);
/* The store failed or is busy: 503, "try again" (logs `error`). */
void reply_store_error(struct request *r, const char *error);
/* A defect in our code: 500 (logs `what`). */
void reply_internal(struct request *r, const char *what);
/* By code; the code must be in the registry (kept for router.c). */
void reply_error(struct request *r, unsigned status, const char *code,
                 const char *message);

bool request_wants_html(struct request *r);
const char *request_header(struct request *r, const char *name);
const char *request_query(struct request *r, const char *name);

/* The actor of a request, for the audit log. */
void request_actor(struct request *r, struct actor *a);

/* static.c: the web app's files and pages. Returns true if it replied. */
bool static_serve(struct request *r);
/* webui (issue 14): index.html with 404 for a browser's unknown page. */
bool static_serve_not_found(struct request *r);
void static_init(void);

/* metrics.c */
void metrics_record(unsigned status, double ms);
void metrics_render(struct request *r);

/* server.c */
struct server *server_start(struct platform *p, const struct server_config *c,
                            const char **error_r);
/* Stops accepting, lets requests in flight finish (up to grace_seconds). */
void server_stop(struct server *s, int grace_seconds);

/* Handlers (one file per resource). */
void h_healthz(struct request *r);
void h_branding(struct request *r);
void h_login(struct request *r);
void h_support_login(struct request *r);
void h_me(struct request *r);
void h_logout(struct request *r);
void h_tokens_list(struct request *r);
void h_tokens_create(struct request *r);
void h_tokens_revoke(struct request *r);
void h_settings_get(struct request *r);
void h_settings_patch(struct request *r);
void h_users_list(struct request *r);
void h_users_create(struct request *r);
void h_audit_list(struct request *r);
void h_audit_actions(struct request *r); /* webui (issue 14) */
void h_tenants_list(struct request *r);
void h_tenants_create(struct request *r);
void h_tenants_suspend(struct request *r);
void h_tenants_activate(struct request *r);
void h_tenants_deactivate(struct request *r);
void h_tenants_support(struct request *r);
void h_statistics(struct request *r);
/* network (issue 14): console figures, export, delete, usage, charts */
void h_tenants_export(struct request *r);
void h_tenants_delete(struct request *r);
void h_statistics_chart(struct request *r);
void h_usage(struct request *r);
void h_usage_csv(struct request *r);
/* timetables (issue #15), part grid: editing by hand (h_timetable_edit.c) */
void h_timetable_grid(struct request *r);
void h_timetable_moves(struct request *r);
void h_timetable_free_slots(struct request *r);
void h_timetable_lesson_patch(struct request *r);
void h_timetable_copy(struct request *r);
void h_timetable_repair(struct request *r);
void h_invitations_list(struct request *r);
void h_invitations_create(struct request *r);
void h_invitation_get(struct request *r);
void h_invitation_accept(struct request *r);
/* schools (issue #14): h_invitations.c, h_platform.c */
void h_invitations_resend(struct request *r);
void h_invitations_revoke(struct request *r);
void h_invitation_code(struct request *r);
void h_tenants_admins(struct request *r);
/* records: export (h_exports.c) */
void h_export_matricula(struct request *r);
void h_export_enrolment_xlsx(struct request *r);
void h_export_enrolment_pdf(struct request *r);
/* records: structure (h_years.c, h_structure.c, h_staff.c) */
void h_years_list(struct request *r);
void h_years_create(struct request *r);
void h_years_patch(struct request *r);
void h_years_promote(struct request *r);
void h_grades_list(struct request *r);
void h_grades_create(struct request *r);
void h_sections_list(struct request *r);
void h_sections_create(struct request *r);
void h_sections_patch(struct request *r);
void h_sections_delete(struct request *r);
void h_subjects_list(struct request *r);
void h_subjects_create(struct request *r);
void h_subjects_patch(struct request *r);
void h_subjects_delete(struct request *r);
void h_rooms_list(struct request *r);
void h_rooms_create(struct request *r);
void h_rooms_patch(struct request *r);
void h_rooms_delete(struct request *r);
void h_staff_list(struct request *r);
void h_staff_create(struct request *r);
void h_staff_get(struct request *r);
void h_staff_patch(struct request *r);
/* records: students (h_students.c, h_representatives.c) */
void h_students_list(struct request *r);
void h_students_get(struct request *r);
void h_students_create(struct request *r);
void h_students_patch(struct request *r);
void h_students_withdraw(struct request *r);
void h_representatives_list(struct request *r);
void h_representatives_get(struct request *r);
void h_representatives_patch(struct request *r);
/* records: import */
void h_imports_matricula(struct request *r);
void h_representatives_invite(struct request *r);
/* people (h_users.c, h_links.c) */
void h_users_patch(struct request *r);
void h_users_invitation(struct request *r);
void h_users_reset(struct request *r);
void h_platform_users_list(struct request *r);
void h_platform_users_create(struct request *r);
void h_platform_users_patch(struct request *r);
void h_platform_users_invitation(struct request *r);
void h_platform_users_reset(struct request *r);
void h_password_reset(struct request *r);
void h_link_get(struct request *r);
void h_link_use(struct request *r);
/* mail (h_mail.c) */
void h_mail_list(struct request *r);
/* branding (h_branding.c; h_branding above) */
void h_branding_patch(struct request *r);
void h_branding_logo_get(struct request *r);
void h_branding_logo_put(struct request *r);
void h_branding_logo_delete(struct request *r);
/* timetables (issue #15), part import (h_timetable_import.c) */
void h_timetable_import(struct request *r);
/* setup (issue #15): h_bells.c, h_plan.c, h_preferences.c */
void h_bells_list(struct request *r);
void h_bells_create(struct request *r);
void h_bells_get(struct request *r);
void h_bells_patch(struct request *r);
void h_bells_delete(struct request *r);
void h_bells_apply(struct request *r);
void h_plan_list(struct request *r);
void h_plan_create(struct request *r);
void h_plan_patch(struct request *r);
void h_plan_delete(struct request *r);
void h_assignments_list(struct request *r);
void h_assignments_create(struct request *r);
void h_assignments_patch(struct request *r);
void h_assignments_delete(struct request *r);
void h_preferences_list(struct request *r);
void h_preferences_approve(struct request *r);
void h_preferences_reject(struct request *r);
void h_preferences_delete(struct request *r);
void h_my_preferences_get(struct request *r);
void h_my_preferences_put(struct request *r);
/* timetables: exports, calendar feeds, reports (issue #15, part exports;
 * h_tt_exports.c, h_calendar_feeds.c, h_tt_reports.c) */
void h_timetable_export(struct request *r);
void h_calendar_feeds_list(struct request *r);
void h_calendar_feeds_create(struct request *r);
void h_calendar_feeds_delete(struct request *r);
void h_calendar_feed_ics(struct request *r);
void h_report_teaching_load(struct request *r);
void h_report_teacher_satisfaction(struct request *r);
/* attendance (issue #16, part report): h_attendance_report.c */
void h_report_attendance_monthly(struct request *r);
void h_report_chronic_absence(struct request *r);
/* portal (issue #15): h_portal.c */
void h_tt_active_week(struct request *r);
void h_tt_active_day(struct request *r);
void h_me_timetable(struct request *r);
void h_me_children(struct request *r);
void h_me_child_timetable(struct request *r);
void h_absences_list(struct request *r);
void h_absences_create(struct request *r);
void h_absences_get(struct request *r);
void h_absences_patch(struct request *r);
void h_absences_delete(struct request *r);
void h_absences_cover(struct request *r);
void h_covers_put(struct request *r);
void h_covers_delete(struct request *r);

/* request.c: helpers every handler may use. */
/* The user JSON of the principal. */
json_t *principal_to_json(struct request *r);
/* Reads a string member; NULL if absent or not a string. */
const char *json_str(json_t *obj, const char *key);
/* Parses ?limit= (default 50, max 500); -1 and a 422 reply if bad. */
int request_limit(struct request *r);
/* Parses ?cursor= as a positive id; 0 when absent, -1 and a 422 if bad. */
int64_t request_cursor(struct request *r);
/* A link into school `t` (the master when NULL): the configured public
 * scheme and port, the host from the base domain, then `path` (which
 * starts with "/"). Never reads the request's Host header. */
void request_link(struct request *r, const struct tenant *t,
                  const char *path, char *out, size_t n);

/* timetables (issue #15, part generate): h_timetables.c */
void h_timetables_list(struct request *r);
void h_timetables_create(struct request *r);
void h_timetables_get(struct request *r);
void h_timetables_delete(struct request *r);
void h_timetables_activate(struct request *r);
void h_timetables_cancel(struct request *r);
void h_timetables_compare(struct request *r);

/* attendance (issue #16, part take): h_attendance.c */
void h_attendance_sections(struct request *r);
void h_attendance_get(struct request *r);
void h_attendance_put(struct request *r);
void h_me_child_attendance(struct request *r);
/* attendance (issue #16), part calendar: h_calendar.c */
void h_calendar_get(struct request *r);
void h_calendar_days_add(struct request *r);
void h_calendar_days_delete(struct request *r);
void h_calendar_holidays(struct request *r);

#endif
