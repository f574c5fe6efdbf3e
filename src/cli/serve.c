/*
 * bischeduler serve: serves the web app and the JSON API until SIGTERM or
 * SIGINT, then lets requests in flight finish. The signals are taken by
 * sigwait in the main thread, so the server's threads never see them.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/util.h"
#include "http/http.h"
#include "mail/mail.h"
#include "platform/platform.h"
#include "platform/statistics.h"
#include "school/tt_generate.h"

struct listen_at {
    char addr[64];
    unsigned short port;
};

/* ADDR:PORT, the port 1-65535. */
static int parse_listen(const char *value, void *arg)
{
    struct listen_at *l = arg;
    const char *colon = strrchr(value, ':');
    if (colon == NULL || (size_t)(colon - value) >= sizeof l->addr)
        return -1;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || port < 1 || port > 65535)
        return -1;
    memcpy(l->addr, value, (size_t)(colon - value));
    l->addr[colon - value] = '\0';
    l->port = (unsigned short)port;
    return 0;
}

/* Up to 8 comma-separated IP addresses, as the peer address reads. */
static int parse_proxies(const char *value, void *arg)
{
    struct server_config *cfg = arg;
    char list[1024];
    if (strlen(value) >= sizeof list)
        return -1;
    str_copy(list, sizeof list, value);
    cfg->trusted_proxies = 0;
    char *save = NULL;
    for (char *a = strtok_r(list, ",", &save); a;
         a = strtok_r(NULL, ",", &save)) {
        unsigned char buf[sizeof(struct in6_addr)];
        if ((inet_pton(AF_INET, a, buf) != 1 &&
             inet_pton(AF_INET6, a, buf) != 1) ||
            cfg->trusted_proxies == 8)
            return -1;
        str_copy(cfg->trusted_proxy[cfg->trusted_proxies++],
                 sizeof cfg->trusted_proxy[0], a);
    }
    return 0;
}

/* http(s)://bischeduler.BASE[:PORT][/]: links are built from its scheme
 * and port, so nothing else may be in it. */
bool cli_public_url_valid(const char *u, const char *base)
{
    const char *h = strncmp(u, "https://", 8) == 0  ? u + 8
                    : strncmp(u, "http://", 7) == 0 ? u + 7
                                                    : NULL;
    size_t bl = strlen(base);
    if (h == NULL || strncmp(h, "bischeduler.", 12) != 0 ||
        strncasecmp(h + 12, base, bl) != 0)
        return false;
    h += 12 + bl;
    if (*h == ':') {
        size_t n = strcspn(h + 1, "/");
        char *end;
        long port = n > 0 && n < 6 ? strtol(h + 1, &end, 10) : 0;
        if (port < 1 || port > 65535 || end != h + 1 + n)
            return false;
        h += 1 + n;
    }
    return *h == '\0' || strcmp(h, "/") == 0;
}

/* The mail options, checked; 0, or a usage error's exit code. */
static int mail_options(struct mail_config *m, const char *smtp_url,
                        const char *user, const char *password_file,
                        const char *mail_from, const char *outbox,
                        const char *data, const char *base, char *password,
                        size_t password_n, char *outbox_dir,
                        size_t outbox_n, char *from, size_t from_n)
{
    if (smtp_url && *smtp_url) {
        if ((strncmp(smtp_url, "smtp://", 7) != 0 &&
             strncmp(smtp_url, "smtps://", 8) != 0) ||
            strpbrk(smtp_url, " \r\n") != NULL || strlen(smtp_url) > 1000)
            return cli_usage_error("serve", "--smtp-url must be "
                                            "smtp://HOST:PORT or "
                                            "smtps://HOST:PORT");
        m->smtp_url = smtp_url;
    }
    if (user && *user)
        m->smtp_user = user;
    if (m->ca_file && access(m->ca_file, R_OK) != 0)
        return cli_usage_error("serve", "--smtp-ca-file: cannot read %s",
                               m->ca_file);
    if (password_file) {
        if (cli_read_password_file(password_file, password, password_n) < 0)
            return cli_fail("cannot read the SMTP password from %s",
                            password_file);
        m->smtp_password = password;
    } else if (getenv("BISCHEDULER_SMTP_PASSWORD")) {
        /* for containers that pass secrets in the environment; never a
         * flag, so the password is not in `ps` */
        const char *env = getenv("BISCHEDULER_SMTP_PASSWORD");
        if (strlen(env) >= password_n || strpbrk(env, "\r\n"))
            return cli_usage_error("serve", "BISCHEDULER_SMTP_PASSWORD is "
                                            "too long or holds a line break");
        str_copy(password, password_n, env);
        m->smtp_password = password;
    }
    if (m->smtp_password && (user == NULL || *user == '\0'))
        return cli_usage_error("serve", "an SMTP password needs --smtp-user");
    if (mail_from && *mail_from) {
        const char *at = strchr(mail_from, '@');
        if (at == NULL || strpbrk(mail_from, "\r\n") != NULL ||
            strlen(mail_from) >= from_n)
            return cli_usage_error("serve", "--mail-from must be an address, "
                                            "e.g. \"Colegio <no-reply@"
                                            "example.edu.ve>\"");
        str_copy(from, from_n, mail_from);
    } else {
        snprintf(from, from_n, "BiScheduler <no-reply@bischeduler.%s>", base);
    }
    m->mail_from = from;
    if (outbox && *outbox)
        str_copy(outbox_dir, outbox_n, outbox);
    else if (data)
        snprintf(outbox_dir, outbox_n, "%s/outbox", data);
    else
        outbox_dir[0] = '\0';
    m->outbox_dir = m->smtp_url || outbox_dir[0] == '\0' ? NULL : outbox_dir;
    return 0;
}

/* Generation threads: BISCHEDULER_TT_THREADS (1-8); by default half the
 * CPUs (at least 1, at most 4), so the request threads keep the rest. */
static int tt_threads(void)
{
    const char *v = getenv("BISCHEDULER_TT_THREADS");
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int n = v ? atoi(v) : (int)(cpus > 1 ? cpus / 2 : 1);
    if (!v && n > 4)
        n = 4;
    return n < 1 ? 1 : n > 8 ? 8 : n;
}

/* Runs the server until a signal; 0, or 1 if it cannot start. */
static int serve(struct platform *p, const struct server_config *cfg,
                 const struct mail_config *mail, const char *where,
                 long stats_interval)
{
    static const int stop_signals[] = {SIGTERM, SIGINT};
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
        sigaddset(&set, stop_signals[i]);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* before the server's threads */
    signal(SIGPIPE, SIG_IGN);

    log_flusher_start();
    const char *err;
    struct server *srv = server_start(p, cfg, &err);
    if (srv == NULL) {
        log_flusher_stop();
        return cli_fail("cannot serve on %s:%u: %s", cfg->listen_addr,
                        cfg->port, err);
    }
    /* stderr is the JSON log (one object a line); the operator's line is
     * on stdout. */
    /* Mail: sent by a background thread; without SMTP or an outbox it
     * stays queued (and visible) until a restart with one. */
    bool mailing = false;
    if (mail->smtp_url || mail->outbox_dir) {
        if (mail_worker_start(p, mail, &err) < 0)
            log_msg(LOG_ERROR, "mail: cannot start the sender: %s", err);
        else
            mailing = true;
    } else {
        log_msg(LOG_WARN, "mail: no --smtp-url and no --outbox: mail stays "
                          "queued");
    }
    printf("listening on http://%s:%u\n", cfg->listen_addr, cfg->port);
    if (mailing && mail->smtp_url == NULL)
        cli_out(stdout, "mail is not sent: each one is written to %s/\n",
                mail->outbox_dir);
    fflush(stdout);
    log_msg(LOG_INFO, "serving %s: http://bischeduler.%s:%u (UEIPAB), "
                      "http://bischeduler-CODE.%s:%u (guest schools)",
            where, p->base_domain, cfg->port, p->base_domain, cfg->port);
    /* timetables (#15): generations run on their own threads */
    if (tt_runner_start(p->pool, tt_threads(), 64) < 0)
        log_msg(LOG_WARN, "timetables: the generation runner did not start");
    /* network: the platform figures, refreshed in the background */
    if (statistics_refresher_start(p, stats_interval) < 0)
        log_msg(LOG_WARN, "statistics: the refresher did not start");
    int sig = 0;
    sigwait(&set, &sig);
    statistics_refresher_stop();
    log_msg(LOG_INFO, "received %s: finishing requests in flight",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    server_stop(srv, 30);
    tt_runner_stop();
    if (mailing)
        mail_worker_stop();
    log_flusher_stop();
    return 0;
}

int cli_serve_run(const struct cli_command *cmd, int argc, char **argv)
{
    struct cli_args args;
    struct cli_store st = {0};
    struct listen_at at;
    parse_listen("127.0.0.1:8080", &at);
    const char *base = NULL, *public_url = NULL;
    long threads = sysconf(_SC_NPROCESSORS_ONLN), max_body = 1048576,
         max_upload = 32L << 20,
         max_open = 256, idle = 7200, max_s = 43200, timeout = 30,
         db_pool = 8, header_timeout = 10, per_ip = 128,
         stats_interval = STATISTICS_DEFAULT_INTERVAL;
    if (threads < 1)
        threads = 2;
    if (threads > 64)
        threads = 64;
    bool auto_migrate = false, secure = false, quiet = false,
         require_tls = false;
    const char *smtp_url = NULL, *smtp_user = NULL, *smtp_password_file = NULL,
               *smtp_ca_file = NULL,
               *mail_from = NULL, *outbox = NULL;
    struct server_config cfg = {.trusted_proxies = 0};
    const struct cli_option opts[] = {
        CLI_STORE_OPTIONS(&st),
        {.name = "db-pool", .value = "N", .integer = &db_pool, .min = 1,
         .max = 256, .help = "PostgreSQL connections, 1-256 (default 8)"},
        {.name = "listen", .value = "ADDR:PORT", .parse = parse_listen,
         .arg = &at, .env = "BISCHEDULER_LISTEN",
         .expects = "ADDR:PORT, e.g. 127.0.0.1:8080",
         .help = "where to listen (default 127.0.0.1:8080)"},
        {.name = "base-domain", .value = "D", .text = &base,
         .env = "BISCHEDULER_BASE_DOMAIN",
         .help = "override the base domain set at init"},
        {.name = "threads", .value = "N", .integer = &threads, .min = 1,
         .max = 64, .env = "BISCHEDULER_THREADS",
         .help = "worker threads, 1-64 (default: CPU cores)"},
        {.name = "max-body", .value = "BYTES", .integer = &max_body,
         .min = 1024, .max = 512L << 20, .env = "BISCHEDULER_MAX_BODY",
         .help = "largest request body, 1 KiB-512 MiB (default 1048576; "
                 "larger gets 413)"},
        {.name = "max-upload", .value = "BYTES", .integer = &max_upload,
         .min = 1024, .max = 512L << 20, .env = "BISCHEDULER_MAX_UPLOAD",
         .help = "largest uploaded file (POST /api/v1/imports/matricula), "
                 "1 KiB-512 MiB (default 33554432; larger gets 413)"},
        {.name = "max-open-schools", .value = "N", .integer = &max_open,
         .min = 1, .max = 100000,
         .help = "school stores kept open, 1-100000 (default 256)"},
        {.name = "session-idle", .value = "SECONDS", .integer = &idle,
         .min = 1, .max = 30L * 86400,
         .help = "idle expiry of sessions (default 7200)"},
        {.name = "session-max", .value = "SECONDS", .integer = &max_s,
         .min = 1, .max = 90L * 86400,
         .help = "absolute expiry of sessions (default 43200)"},
        {.name = "timeout", .value = "SECONDS", .integer = &timeout, .min = 1,
         .max = 3600, .help = "idle connection timeout (default 30)"},
        {.name = "header-timeout", .value = "SECONDS",
         .integer = &header_timeout, .min = 0, .max = 3600,
         .help = "time a request has to send its headers, counted from the "
                 "connection's start or the previous reply (0-3600; 0: no "
                 "limit; default 10)"},
        {.name = "max-connections-per-ip", .value = "N", .integer = &per_ip,
         .min = 0, .max = 100000,
         .help = "connections one client address may hold, 0-100000, 0 = no "
                 "limit (default 128); trusted proxies are exempt from both "
                 "limits"},
        {.name = "auto-migrate", .flag = &auto_migrate,
         .help = "bring every store up to date at start (as 'migrate' does; "
                 "refuses to start if one fails) and any store older than "
                 "the binary when opened"},
        {.name = "cookie-secure", .flag = &secure,
         .help = "always mark the session cookie Secure"},
        {.name = "public-url", .value = "URL", .text = &public_url,
         .env = "BISCHEDULER_PUBLIC_URL",
         .help = "the master host as users reach it, e.g. "
                 "https://bischeduler.example.edu.ve: the scheme and port of "
                 "the links the server writes (default "
                 "http://bischeduler.BASE:PORT with the --listen port, "
                 "https://bischeduler.BASE with --cookie-secure)"},
        {.name = "trusted-proxy", .value = "ADDRS", .parse = parse_proxies,
         .arg = &cfg, .env = "BISCHEDULER_TRUSTED_PROXY",
         .expects = "up to 8 IP addresses, comma-separated",
         .help = "comma-separated proxy addresses (e.g. 127.0.0.1) whose "
                 "X-Forwarded-For names the client and whose "
                 "X-Forwarded-Proto: https makes the cookie Secure"},
        {.name = "quiet", .flag = &quiet, .help = "no access log lines"},
        /* mail (src/mail/, docs/OPERATIONS.md "Mail") */
        {.name = "smtp-url", .value = "URL", .text = &smtp_url,
         .env = "BISCHEDULER_SMTP_URL",
         .help = "send mail through this SMTP server: smtp://HOST:PORT "
                 "(STARTTLS when offered) or smtps://HOST:PORT (TLS); "
                 "without it mail is written to the outbox"},
        {.name = "smtp-user", .value = "NAME", .text = &smtp_user,
         .env = "BISCHEDULER_SMTP_USER",
         .help = "authenticate to the SMTP server as NAME"},
        {.name = "smtp-password-file", .value = "FILE",
         .text = &smtp_password_file,
         .env = "BISCHEDULER_SMTP_PASSWORD_FILE",
         .help = "the SMTP password, the first line of FILE (the "
                 "password itself may come in BISCHEDULER_SMTP_PASSWORD; "
                 "never on the command line)"},
        {.name = "smtp-ca-file", .value = "FILE", .text = &smtp_ca_file,
         .env = "BISCHEDULER_SMTP_CA_FILE",
         .help = "trust the SMTP server's certificate if signed by the CAs "
                 "in FILE (PEM) instead of the system's"},
        {.name = "smtp-require-tls", .flag = &require_tls,
         .help = "refuse to send unless the SMTP connection is encrypted "
                 "(STARTTLS required on smtp://)"},
        {.name = "mail-from", .value = "\"NAME <ADDR>\"", .text = &mail_from,
         .env = "BISCHEDULER_MAIL_FROM",
         .help = "the sender of every mail (default "
                 "\"BiScheduler <no-reply@bischeduler.BASE>\")"},
        {.name = "outbox", .value = "DIR", .text = &outbox,
         .env = "BISCHEDULER_OUTBOX",
         .help = "without --smtp-url: write each mail as an .eml file into "
                 "DIR (default DATA/outbox with --data)"},
        {.name = "statistics-interval", .value = "SECONDS",
         .integer = &stats_interval, .min = 1, .max = 7L * 86400,
         .env = "BISCHEDULER_STATISTICS_INTERVAL",
         .help = "how often the platform's figures (console, usage, "
                 "statistics) are refreshed in the background, 1-604800 "
                 "(default 3600); once at start too"},
    };
    int rc = cli_parse(cmd, opts, CLI_COUNT(opts), &st, argc, argv, &args);
    if (rc != CLI_RUN)
        return rc;

    if (auto_migrate && cli_migrate_all(&st, false, 2) != 0)
        return cli_fail("some stores could not be migrated (see above); fix "
                        "or restore them, or start without --auto-migrate");
    struct cli_platform cp;
    struct platform_options tuning = {
        .max_open_schools = (int)max_open,
        .auto_migrate = auto_migrate,
        .db_pool_size = (int)db_pool,
    };
    if (cli_platform_open(&st, &cp, &tuning))
        return CLI_EXIT_FAIL;
    if (base)
        str_copy(cp.p.base_domain, sizeof cp.p.base_domain, base);
    if (public_url && !cli_public_url_valid(public_url, cp.p.base_domain)) {
        cli_platform_close(&cp);
        return cli_usage_error("serve",
                               "--public-url must be http(s)://bischeduler.%s"
                               "[:PORT], the master host as users reach it",
                               cp.p.base_domain);
    }
    cfg.listen_addr = at.addr;
    cfg.port = at.port;
    cfg.threads = (int)threads;
    cfg.max_body = (size_t)max_body;
    cfg.max_upload = (size_t)max_upload;
    cfg.connection_timeout = (int)timeout;
    cfg.header_timeout = (int)header_timeout;
    cfg.per_ip_limit = (int)per_ip;
    cfg.session.idle_seconds = (int)idle;
    cfg.session.max_seconds = (int)max_s;
    cfg.log_requests = !quiet;
    cfg.cookie_secure = secure;
    cfg.public_url = public_url;
    struct mail_config mail = {.require_tls = require_tls,
                               .ca_file = smtp_ca_file && *smtp_ca_file
                                              ? smtp_ca_file
                                              : NULL};
    char password[1024] = "", outbox_dir[4096], from[512];
    rc = mail_options(&mail, smtp_url, smtp_user, smtp_password_file,
                      mail_from, outbox, st.data, cp.p.base_domain, password,
                      sizeof password, outbox_dir, sizeof outbox_dir, from,
                      sizeof from);
    if (rc == 0)
        rc = serve(&cp.p, &cfg, &mail, st.data ? st.data : "PostgreSQL",
                   stats_interval);
    memset(password, 0, sizeof password);
    cli_platform_close(&cp);
    if (rc == 0)
        log_msg(LOG_INFO, "stopped");
    return rc;
}
