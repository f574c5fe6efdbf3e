/*
 * bischeduler: the command line. One binary serves the platform and
 * administers it: init, serve, migrate, tenant, user, timetable. Most read
 * its data directory from --data or BISCHEDULER_DATA. Exit status: 0 done,
 * 1 a user error (message on stderr), 2 a usage error.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/util.h"
#include "db/migrate.h"
#include "http/http.h"
#include "platform/platform.h"
#include "platform/statistics.h"

#define EXIT_USER 1
#define EXIT_USAGE 2

static const char *prog = "bischeduler";

static int migrate_all(const char *data, bool check, long jobs);
int cmd_timetable(int argc, char **argv); /* cli_timetable.c */
int cmd_xhstt(int argc, char **argv);     /* cli_xhstt.c */

static int usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s %s: ", prog, cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s %s --help'.\n", prog, cmd);
    return EXIT_USAGE;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return EXIT_USER;
}

/* --database URL (or BISCHEDULER_DATABASE): the PostgreSQL backend. */
static const char *database_url;

static const char *data_dir_or_env(const char *flag)
{
    if (flag)
        return flag;
    const char *env = getenv("BISCHEDULER_DATA");
    return env && *env ? env : NULL;
}

/*
 * Where the platform lives: --data DIR (SQLite) or --database URL
 * (PostgreSQL), from flags or the environment. 0, or a usage error.
 */
static int resolve_target(const char *cmd, const char **data)
{
    if (database_url == NULL) {
        const char *env = getenv("BISCHEDULER_DATABASE");
        if (env && *env)
            database_url = env;
    }
    if (database_url != NULL) {
        if (*data != NULL)
            return usage_error(cmd, "give --data or --database, not both");
        if (strncmp(database_url, "postgresql://", 13) != 0 &&
            strncmp(database_url, "postgres://", 11) != 0)
            return usage_error(cmd, "--database must be a postgresql:// URL");
        return 0;
    }
    *data = data_dir_or_env(*data);
    if (*data == NULL)
        return usage_error(cmd, "--data DIR (or --database URL) is required");
    return 0;
}

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

static bool parse_int(const char *s, long min, long max, long *out)
{
    if (s == NULL || *s == '\0')
        return false;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* Reads the first line of a file (or "-" for stdin) as a password. */
static int read_password_file(const char *path, char *out, size_t n)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (f == NULL)
        return -1;
    if (fgets(out, (int)n, f) == NULL)
        out[0] = '\0';
    if (f != stdin)
        fclose(f);
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}

static void cli_actor(struct actor *a, char request_id[17])
{
    random_hex(request_id, 8);
    a->user_id = 0;
    a->email = "cli";
    a->role = "operator";
    a->ip = "local";
    a->request_id = request_id;
}

static int open_platform(const char *data, struct platform *p)
{
    struct platform_options opt = {data, database_url, 64, false, 4};
    const char *err;
    if (platform_open(p, &opt, &err) < 0)
        return fail("cannot open the platform in %s: %s",
                    data ? data : "the database", err);
    return 0;
}

/* ---- init ---------------------------------------------------------- */

static const char init_help[] =
    "Usage: bischeduler init --data DIR [options]\n"
    "Creates a new platform in DIR: the master store, the master school\n"
    "UEIPAB (code 'ueipab') and its first platform administrator.\n\n"
    "  --data DIR                 data directory (or BISCHEDULER_DATA), or\n"
    "  --database URL             postgresql://... (or BISCHEDULER_DATABASE):\n"
    "                             the master store in schema 'platform', each\n"
    "                             school in schema 'school_CODE'\n"
    "  --base-domain D            host names are bischeduler[-CODE].D\n"
    "                             (default: localhost)\n"
    "  --name NAME                the master school's name (default: UEIPAB)\n"
    "  --admin-email E            platform admin email\n"
    "                             (default: admin@ueipab.edu.ve)\n"
    "  --admin-password-file F    read the admin's password from the first\n"
    "                             line of F ('-' for stdin); otherwise one is\n"
    "                             generated and printed once\n"
    "  --demo                     also create the guest school 'demo' with a\n"
    "                             school admin (password printed once)\n";

static int cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},
        {"database", required_argument, 0, 'B'},
        {"base-domain", required_argument, 0, 'b'},
        {"name", required_argument, 0, 'n'},
        {"admin-email", required_argument, 0, 'e'},
        {"admin-password-file", required_argument, 0, 'p'},
        {"demo", no_argument, 0, 'D'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *data = NULL, *base = env_or("BISCHEDULER_BASE_DOMAIN",
                                            "localhost");
    const char *name = "UEIPAB", *email = "admin@ueipab.edu.ve",
               *pwfile = NULL;
    bool demo = false;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'B': database_url = optarg; break;
        case 'b': base = optarg; break;
        case 'n': name = optarg; break;
        case 'e': email = optarg; break;
        case 'p': pwfile = optarg; break;
        case 'D': demo = true; break;
        case 'h': fputs(init_help, stdout); return 0;
        default: return usage_error("init", "unknown option");
        }
    }
    if (optind != argc)
        return usage_error("init", "unexpected argument '%s'", argv[optind]);
    if (resolve_target("init", &data) != 0)
        return EXIT_USAGE;
    if (strlen(base) < 1 || strlen(base) > 200 || strchr(base, '/') ||
        strchr(base, ':'))
        return usage_error("init", "--base-domain must be a domain name");

    char password[PASSWORD_MAX + 2];
    bool generated = false;
    if (pwfile) {
        if (read_password_file(pwfile, password, sizeof password) < 0)
            return fail("cannot read the password file %s", pwfile);
        const char *msg = password_check_policy(password);
        if (msg)
            return fail("%s", msg);
    } else {
        password_generate(password);
        generated = true;
    }
    const char *err;
    struct platform_options iopt = {data, database_url, 16, false, 2};
    if (platform_init(&iopt, base, name, &err) < 0)
        return fail("cannot create the platform in %s: %s",
                    data ? data : "the database", err);
    struct platform p;
    if (open_platform(data, &p))
        return EXIT_USER;
    struct actor actor;
    char rid[17];
    cli_actor(&actor, rid);
    const char *msg = NULL, *field = NULL;
    int rc = user_create(&p, &p.master, false, email, "Administrador de la "
                         "plataforma", "platform_admin", password, &actor,
                         NULL, &msg, &field, &err);
    if (rc != TENANT_OK) {
        platform_close(&p);
        return fail("cannot create the platform admin: %s",
                    msg ? msg : err);
    }
    printf("Platform created in %s (base domain %s).\n",
           data ? data : "the PostgreSQL database", base);
    printf("Platform admin: %s\n", email);
    if (generated)
        printf("Platform admin password (shown only now): %s\n", password);
    if (demo) {
        struct tenant t;
        rc = tenant_create(&p, "demo", "Unidad Educativa Demo", &actor, &t,
                           &msg, &field, &err);
        if (rc != TENANT_OK) {
            platform_close(&p);
            return fail("cannot create the demo school: %s", msg ? msg : err);
        }
        struct store *s;
        char demo_pw[17], demo_email[300];
        password_generate(demo_pw);
        snprintf(demo_email, sizeof demo_email, "director@demo.%s", base);
        if (pool_acquire(p.pool, "demo", &s, &err) != POOL_OK) {
            platform_close(&p);
            return fail("cannot open the demo school: %s", err);
        }
        rc = user_create(&p, s, false, demo_email, "Director de la Escuela "
                         "Demo", "school_admin", demo_pw, &actor, NULL, &msg,
                         &field, &err);
        pool_release(p.pool, s);
        if (rc != TENANT_OK) {
            platform_close(&p);
            return fail("cannot create the demo school admin: %s",
                        msg ? msg : err);
        }
        printf("Demo school: demo (Unidad Educativa Demo)\n");
        printf("Demo school admin: %s\n", demo_email);
        printf("Demo school admin password (shown only now): %s\n", demo_pw);
    }
    platform_close(&p);
    return 0;
}

/* ---- serve --------------------------------------------------------- */

static const char serve_help[] =
    "Usage: bischeduler serve --data DIR [options]\n"
    "Serves the web app and the JSON API until SIGTERM or SIGINT, then lets\n"
    "requests in flight finish (up to 30 s).\n\n"
    "  --data DIR              data directory (or BISCHEDULER_DATA), or\n"
    "  --database URL          postgresql://... (or BISCHEDULER_DATABASE)\n"
    "  --db-pool N             PostgreSQL connections, 1-256 (default 8)\n"
    "  --listen ADDR:PORT      (or BISCHEDULER_LISTEN; default 127.0.0.1:8080)\n"
    "  --base-domain D         override the base domain set at init\n"
    "                          (or BISCHEDULER_BASE_DOMAIN)\n"
    "  --threads N             worker threads, 1-64 (default: CPU cores)\n"
    "  --max-body BYTES        largest request body, 1 KiB-512 MiB\n"
    "                          (default 1048576; larger gets 413)\n"
    "  --max-open-schools N    school stores kept open, 1-100000 (default 256)\n"
    "  --session-idle SECONDS  idle expiry of sessions (default 7200)\n"
    "  --session-max SECONDS   absolute expiry of sessions (default 43200)\n"
    "  --timeout SECONDS       idle connection timeout (default 30)\n"
    "  --header-timeout SECONDS  time a request has to send its headers,\n"
    "                          from the connection's start or the previous\n"
    "                          reply; 0-3600, 0 = none (default 10)\n"
    "  --max-connections-per-ip N  connections one client address may hold,\n"
    "                          0-100000, 0 = no limit (default 128); trusted\n"
    "                          proxies are exempt from both limits\n"
    "  --auto-migrate          bring every store up to date at start (as\n"
    "                          'migrate' does; refuses to start if one fails)\n"
    "                          and any store older than the binary when opened\n"
    "  --cookie-secure         always mark the session cookie Secure\n"
    "  --public-url URL        the master host as users reach it, e.g.\n"
    "                          https://bischeduler.example.edu.ve: the scheme\n"
    "                          and port of the links the server writes\n"
    "                          (default http://bischeduler.BASE:PORT with\n"
    "                          the --listen port, https://bischeduler.BASE\n"
    "                          with --cookie-secure; or\n"
    "                          BISCHEDULER_PUBLIC_URL)\n"
    "  --trusted-proxy ADDRS   comma-separated proxy addresses (e.g.\n"
    "                          127.0.0.1) whose X-Forwarded-For names the\n"
    "                          client and whose X-Forwarded-Proto: https makes\n"
    "                          the cookie Secure (or BISCHEDULER_TRUSTED_PROXY)\n"
    "  --quiet                 no access log lines\n";

/* http(s)://bischeduler.BASE[:PORT][/]: links are built from its scheme
 * and port, so nothing else may be in it. */
static bool public_url_valid(const char *u, const char *base)
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
        long port;
        char digits[8];
        size_t n = strcspn(h + 1, "/");
        if (n == 0 || n >= sizeof digits)
            return false;
        memcpy(digits, h + 1, n);
        digits[n] = '\0';
        if (!parse_int(digits, 1, 65535, &port))
            return false;
        h += 1 + n;
    }
    return *h == '\0' || strcmp(h, "/") == 0;
}

static int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},
        {"database", required_argument, 0, 'B'},
        {"listen", required_argument, 0, 'l'},
        {"base-domain", required_argument, 0, 'b'},
        {"threads", required_argument, 0, 't'},
        {"max-body", required_argument, 0, 'm'},
        {"max-open-schools", required_argument, 0, 'o'},
        {"session-idle", required_argument, 0, 'i'},
        {"session-max", required_argument, 0, 'x'},
        {"timeout", required_argument, 0, 'T'},
        {"header-timeout", required_argument, 0, 'H'},
        {"max-connections-per-ip", required_argument, 0, 'I'},
        {"auto-migrate", no_argument, 0, 'a'},
        {"cookie-secure", no_argument, 0, 's'},
        {"trusted-proxy", required_argument, 0, 'P'},
        {"public-url", required_argument, 0, 'U'},
        {"db-pool", required_argument, 0, 'C'},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *data = NULL;
    const char *listen = env_or("BISCHEDULER_LISTEN", "127.0.0.1:8080");
    const char *base = getenv("BISCHEDULER_BASE_DOMAIN");
    const char *threads_s = getenv("BISCHEDULER_THREADS");
    const char *max_body_s = getenv("BISCHEDULER_MAX_BODY");
    long threads = sysconf(_SC_NPROCESSORS_ONLN), max_body = 1048576,
         max_open = 256, idle = 7200, max_s = 43200, timeout = 30,
         db_pool = 8, header_timeout = 10, per_ip = 128;
    bool auto_migrate = false, secure = false, quiet = false;
    const char *proxies = getenv("BISCHEDULER_TRUSTED_PROXY");
    const char *public_url = getenv("BISCHEDULER_PUBLIC_URL");
    if (threads < 1)
        threads = 2;
    if (threads_s && !parse_int(threads_s, 1, 64, &threads))
        return usage_error("serve", "BISCHEDULER_THREADS must be 1-64");
    if (max_body_s && !parse_int(max_body_s, 1024, 512L << 20, &max_body))
        return usage_error("serve",
                           "BISCHEDULER_MAX_BODY must be 1024-536870912");
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'B': database_url = optarg; break;
        case 'l': listen = optarg; break;
        case 'b': base = optarg; break;
        case 't':
            if (!parse_int(optarg, 1, 64, &threads))
                return usage_error("serve", "--threads must be 1-64");
            break;
        case 'm':
            if (!parse_int(optarg, 1024, 512L << 20, &max_body))
                return usage_error("serve",
                                   "--max-body must be 1024-536870912");
            break;
        case 'o':
            if (!parse_int(optarg, 1, 100000, &max_open))
                return usage_error("serve",
                                   "--max-open-schools must be 1-100000");
            break;
        case 'i':
            if (!parse_int(optarg, 1, 30L * 86400, &idle))
                return usage_error("serve", "--session-idle must be "
                                            "1-2592000 seconds");
            break;
        case 'x':
            if (!parse_int(optarg, 1, 90L * 86400, &max_s))
                return usage_error("serve", "--session-max must be "
                                            "1-7776000 seconds");
            break;
        case 'T':
            if (!parse_int(optarg, 1, 3600, &timeout))
                return usage_error("serve", "--timeout must be 1-3600");
            break;
        case 'H':
            if (!parse_int(optarg, 0, 3600, &header_timeout))
                return usage_error("serve", "--header-timeout must be 0-3600");
            break;
        case 'I':
            if (!parse_int(optarg, 0, 100000, &per_ip))
                return usage_error("serve",
                                   "--max-connections-per-ip must be 0-100000");
            break;
        case 'a': auto_migrate = true; break;
        case 's': secure = true; break;
        case 'P':
            proxies = optarg;
            break;
        case 'U': public_url = optarg; break;
        case 'C':
            if (!parse_int(optarg, 1, 256, &db_pool))
                return usage_error("serve", "--db-pool must be 1-256");
            break;
        case 'q': quiet = true; break;
        case 'h': fputs(serve_help, stdout); return 0;
        default: return usage_error("serve", "unknown option");
        }
    }
    if (optind != argc)
        return usage_error("serve", "unexpected argument '%s'", argv[optind]);
    if (resolve_target("serve", &data) != 0)
        return EXIT_USAGE;
    char addr[64];
    const char *colon = strrchr(listen, ':');
    long port;
    if (colon == NULL || (size_t)(colon - listen) >= sizeof addr ||
        !parse_int(colon + 1, 1, 65535, &port))
        return usage_error("serve", "--listen must be ADDR:PORT, e.g. "
                                    "127.0.0.1:8080");
    memcpy(addr, listen, (size_t)(colon - listen));
    addr[colon - listen] = '\0';

    if (auto_migrate && migrate_all(data, false, 2) != 0)
        return fail("some stores could not be migrated (see above); fix or "
                    "restore them, or start without --auto-migrate");
    struct platform p;
    struct platform_options opt = {data, database_url, (int)max_open,
                                   auto_migrate, (int)db_pool};
    const char *err;
    if (platform_open(&p, &opt, &err) < 0)
        return fail("cannot open the platform in %s: %s",
                    data ? data : "the database", err);
    if (base)
        str_copy(p.base_domain, sizeof p.base_domain, base);
    if (public_url && !public_url_valid(public_url, p.base_domain)) {
        platform_close(&p);
        return usage_error("serve",
                           "--public-url must be http(s)://bischeduler.%s"
                           "[:PORT], the master host as users reach it",
                           p.base_domain);
    }

    struct server_config cfg = {
        .listen_addr = addr,
        .port = (unsigned short)port,
        .threads = (int)threads,
        .max_body = (size_t)max_body,
        .connection_timeout = (int)timeout,
        .header_timeout = (int)header_timeout,
        .per_ip_limit = (int)per_ip,
        .session = {(int)idle, (int)max_s},
        .log_requests = !quiet,
        .cookie_secure = secure,
        .public_url = public_url,
    };
    if (proxies) {
        /* comma-separated IP addresses, as the peer address reads */
        char list[1024];
        str_copy(list, sizeof list, proxies);
        char *save = NULL;
        for (char *a = strtok_r(list, ",", &save); a;
             a = strtok_r(NULL, ",", &save)) {
            unsigned char buf[sizeof(struct in6_addr)];
            if ((inet_pton(AF_INET, a, buf) != 1 &&
                 inet_pton(AF_INET6, a, buf) != 1) ||
                cfg.trusted_proxies == 8) {
                platform_close(&p);
                return usage_error("serve", "--trusted-proxy takes up to 8 "
                                            "IP addresses, comma-separated");
            }
            str_copy(cfg.trusted_proxy[cfg.trusted_proxies++],
                     sizeof cfg.trusted_proxy[0], a);
        }
    }
    /* Signals are taken by sigwait below, not by the worker threads. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    log_flusher_start();
    struct server *srv = server_start(&p, &cfg, &err);
    if (srv == NULL) {
        log_flusher_stop();
        platform_close(&p);
        return fail("cannot serve on %s: %s", listen, err);
    }
    fprintf(stderr, "listening on http://%s:%ld\n", addr, port);
    log_msg(LOG_INFO, "serving %s: http://bischeduler.%s:%ld (UEIPAB), "
                      "http://bischeduler-CODE.%s:%ld (guest schools)",
            data ? data : "PostgreSQL", p.base_domain, port, p.base_domain,
            port);
    int sig = 0;
    sigwait(&set, &sig);
    log_msg(LOG_INFO, "received %s: finishing requests in flight",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    server_stop(srv, 30);
    log_flusher_stop();
    platform_close(&p);
    log_msg(LOG_INFO, "stopped");
    return 0;
}

/* ---- migrate ------------------------------------------------------- */

static const char migrate_help[] =
    "Usage: bischeduler migrate --data DIR [--check] [--jobs N]\n"
    "Brings the master store and every school's store to this binary's\n"
    "schema version, one transaction per store, schools in parallel. A run\n"
    "that stops half way is resumed by running it again. Exit status 1 if\n"
    "any store could not be migrated (each is named on stderr).\n\n"
    "  --data DIR   data directory (or BISCHEDULER_DATA), or\n"
    "  --database URL  postgresql://... (or BISCHEDULER_DATABASE)\n"
    "  --check      change nothing; exit 1 if any store is behind or newer\n"
    "  --jobs N     schools migrated at once, 1-16 (default 2)\n";

struct migrate_job {
    struct tenant *list;
    int n;
    int next;
    bool check;
    const struct db_backend *backend;
    pthread_mutex_t lock;
    int failed, migrated, behind;
};

/* Migrates (or checks) one store; prints what happened. -1 if it failed. */
static int migrate_one(const struct db_backend *b, const char *name,
                       enum migrate_series series, bool check,
                       int64_t *from_r, int64_t *to_r, char *msg, size_t n)
{
    const char *err = NULL;
    int exists = db_store_exists(b, name, &err);
    if (exists <= 0) {
        snprintf(msg, n, "%s", exists == 0 ? "store is missing"
                                           : (err ? err : "cannot look"));
        return -1;
    }
    struct store s;
    if (store_open_named(&s, b, name, &err) < 0) {
        snprintf(msg, n, "%s", err ? err : "cannot open");
        return -1;
    }
    store_lock(&s);
    int rc;
    if (check) {
        rc = migrate_current(s.conn, from_r, &err);
        *to_r = *from_r;
        if (rc == 0 && *from_r > migrate_latest(series)) {
            err = "store is newer than this binary";
            rc = -1;
        }
    } else {
        rc = migrate_store(s.conn, series, from_r, to_r, &err);
    }
    snprintf(msg, n, "%s", err ? err : "");
    store_unlock(&s);
    store_close(&s);
    return rc < 0 ? -1 : 0;
}

static void *migrate_worker(void *arg)
{
    struct migrate_job *job = arg;
    for (;;) {
        pthread_mutex_lock(&job->lock);
        int i = job->next++;
        pthread_mutex_unlock(&job->lock);
        if (i >= job->n)
            return NULL;
        const char *code = job->list[i].code;
        int64_t from = 0, to = 0;
        char msg[256];
        int rc = migrate_one(job->backend, code, MIGRATE_SCHOOL, job->check,
                             &from, &to, msg, sizeof msg);
        pthread_mutex_lock(&job->lock);
        if (rc < 0) {
            job->failed++;
            fprintf(stderr, "school %s: cannot migrate: %s\n", code, msg);
        } else if (job->check && from < migrate_latest(MIGRATE_SCHOOL)) {
            job->behind++;
            fprintf(stderr, "school %s: at version %lld, latest is %lld\n",
                    code, (long long)from,
                    (long long)migrate_latest(MIGRATE_SCHOOL));
        } else if (to != from) {
            job->migrated++;
            printf("school %s: migrated from version %lld to %lld\n", code,
                   (long long)from, (long long)to);
        }
        pthread_mutex_unlock(&job->lock);
    }
}

/*
 * Migrates (or, with check, inspects) the master store and every school,
 * `jobs` schools at a time; prints a line per school that changed or
 * failed. Returns 0, or EXIT_USER if any store failed or is behind.
 */
static int migrate_all(const char *data, bool check, long jobs)
{
    struct db_backend b;
    const char *err;
    if (db_backend_init(&b, data, database_url, (int)jobs + 1, &err) < 0)
        return fail("%s", err);
    int64_t from = 0, to = 0;
    char msg[256];
    if (migrate_one(&b, "master", MIGRATE_MASTER, check, &from, &to, msg,
                    sizeof msg) < 0) {
        fprintf(stderr, "master store: cannot migrate: %s\n", msg);
        db_backend_cleanup(&b);
        return EXIT_USER;
    }
    if (check && from != migrate_latest(MIGRATE_MASTER)) {
        fprintf(stderr, "master store: at version %lld, this binary has %lld\n",
                (long long)from, (long long)migrate_latest(MIGRATE_MASTER));
        db_backend_cleanup(&b);
        return EXIT_USER;
    }
    if (!check && to != from)
        printf("master store: migrated from version %lld to %lld\n",
               (long long)from, (long long)to);

    struct platform p;
    if (open_platform(data, &p)) {
        db_backend_cleanup(&b);
        return EXIT_USER;
    }
    struct migrate_job job = {0};
    if (tenant_list(&p, &job.list, &job.n, &err) < 0) {
        platform_close(&p);
        db_backend_cleanup(&b);
        return fail("cannot list schools: %s", err);
    }
    platform_close(&p);
    job.check = check;
    job.backend = &b;
    pthread_mutex_init(&job.lock, NULL);
    pthread_t th[16];
    for (long i = 0; i < jobs; i++)
        pthread_create(&th[i], NULL, migrate_worker, &job);
    for (long i = 0; i < jobs; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&job.lock);
    printf("%d schools: %d migrated, %d already up to date, %d failed%s\n",
           job.n, job.migrated, job.n - job.migrated - job.failed - job.behind,
           job.failed, check ? " (check only)" : "");
    if (check && job.behind)
        printf("%d schools need 'bischeduler migrate'\n", job.behind);
    free(job.list);
    db_backend_cleanup(&b);
    return job.failed || job.behind ? EXIT_USER : 0;
}

static int cmd_migrate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},
        {"database", required_argument, 0, 'B'},
        {"check", no_argument, 0, 'c'},
        {"jobs", required_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *data = NULL;
    bool check = false;
    long jobs = 2;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'B': database_url = optarg; break;
        case 'c': check = true; break;
        case 'j':
            if (!parse_int(optarg, 1, 16, &jobs))
                return usage_error("migrate", "--jobs must be 1-16");
            break;
        case 'h': fputs(migrate_help, stdout); return 0;
        default: return usage_error("migrate", "unknown option");
        }
    }
    if (optind != argc)
        return usage_error("migrate", "unexpected argument '%s'",
                           argv[optind]);
    if (resolve_target("migrate", &data) != 0)
        return EXIT_USAGE;
    return migrate_all(data, check, jobs);
}

/* ---- tenant -------------------------------------------------------- */

static const char tenant_help[] =
    "Usage: bischeduler tenant COMMAND --data DIR\n"
    "  list                          the schools of the platform\n"
    "  create --code C --name N      a guest school, answering on\n"
    "                                bischeduler-C.<base domain>\n"
    "  suspend C | activate C | deactivate C\n"
    "                                change a guest school's status\n"
    "                                (suspended and inactive answer 503)\n"
    "  export C FILE                 write school C's data to a portable\n"
    "                                archive (JSON; '-' for stdout)\n"
    "  import FILE                   restore an archive as a new school, on\n"
    "                                either backend ('-' for stdin)\n\n"
    "  --data DIR   data directory (or BISCHEDULER_DATA), or\n"
    "  --database URL  postgresql://... (or BISCHEDULER_DATABASE)\n";

static int cmd_tenant(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},
        {"database", required_argument, 0, 'B'},
        {"code", required_argument, 0, 'c'},
        {"name", required_argument, 0, 'n'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *data = NULL, *code = NULL, *name = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'B': database_url = optarg; break;
        case 'c': code = optarg; break;
        case 'n': name = optarg; break;
        case 'h': fputs(tenant_help, stdout); return 0;
        default: return usage_error("tenant", "unknown option");
        }
    }
    if (optind >= argc)
        return usage_error("tenant", "a command is required "
                                     "(list, create, suspend, activate, "
                                     "deactivate)");
    const char *sub = argv[optind++];
    if (resolve_target("tenant", &data) != 0)
        return EXIT_USAGE;
    const char *status = NULL;
    if (strcmp(sub, "suspend") == 0)
        status = "suspended";
    else if (strcmp(sub, "activate") == 0)
        status = "active";
    else if (strcmp(sub, "deactivate") == 0)
        status = "inactive";
    bool is_export = strcmp(sub, "export") == 0;
    bool is_import = strcmp(sub, "import") == 0;
    if (!status && !is_export && !is_import && strcmp(sub, "list") != 0 &&
        strcmp(sub, "create") != 0)
        return usage_error("tenant", "unknown command '%s'", sub);
    if (status && optind != argc - 1)
        return usage_error("tenant", "%s takes one school code", sub);
    if (is_export && optind != argc - 2)
        return usage_error("tenant", "export takes a school code and a file");
    if (is_import && optind != argc - 1)
        return usage_error("tenant", "import takes a file");
    if (!status && !is_export && !is_import && optind != argc)
        return usage_error("tenant", "unexpected argument '%s'",
                           argv[optind]);
    if (strcmp(sub, "create") == 0 && (code == NULL || name == NULL))
        return usage_error("tenant", "create needs --code and --name");

    struct platform p;
    if (open_platform(data, &p))
        return EXIT_USER;
    struct actor actor;
    char rid[17];
    cli_actor(&actor, rid);
    const char *err = NULL, *msg = NULL, *field = NULL;
    int rc = 0;
    struct tenant t;
    if (is_export) {
        const char *file = argv[optind + 1];
        bool to_stdout = strcmp(file, "-") == 0;
        char tmp[4200];
        snprintf(tmp, sizeof tmp, "%s.part", file);
        FILE *f = to_stdout ? stdout : fopen(tmp, "w");
        if (f == NULL) {
            rc = fail("cannot write %s", file);
        } else if (tenant_export(&p, argv[optind], f, &err) < 0) {
            if (!to_stdout) {
                fclose(f);
                unlink(tmp);
            }
            rc = fail("cannot export school %s: %s", argv[optind], err);
        } else if (!to_stdout && (fclose(f) != 0 || rename(tmp, file) != 0)) {
            unlink(tmp);
            rc = fail("cannot write %s", file);
        } else if (!to_stdout) {
            printf("School %s exported to %s\n", argv[optind], file);
        }
    } else if (is_import) {
        const char *file = argv[optind];
        FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
        if (f == NULL) {
            rc = fail("cannot read %s", file);
        } else {
            int r = tenant_import(&p, f, &actor, &t, &msg, &err);
            if (f != stdin)
                fclose(f);
            if (r == TENANT_OK) {
                char host[512];
                tenant_host(&p, &t, host, sizeof host);
                printf("School %s imported (%s): %s\n", t.code, t.status,
                       host);
            } else {
                rc = fail("cannot import %s: %s", file, msg ? msg : err);
            }
        }
    } else if (strcmp(sub, "list") == 0) {
        struct tenant *list;
        int n;
        if (tenant_list(&p, &list, &n, &err) < 0) {
            rc = fail("cannot list schools: %s", err);
        } else {
            printf("%-24s %-10s %-7s %s\n", "CODE", "STATUS", "PLAN", "NAME");
            for (int i = 0; i < n; i++)
                printf("%-24s %-10s %-7s %s\n", list[i].code, list[i].status,
                       list[i].is_master ? "master" : "guest", list[i].name);
            free(list);
        }
    } else if (strcmp(sub, "create") == 0) {
        int r = tenant_create(&p, code, name, &actor, &t, &msg, &field, &err);
        if (r == TENANT_OK) {
            char host[512];
            tenant_host(&p, &t, host, sizeof host);
            printf("School %s created: %s\n", t.code, host);
        } else {
            rc = fail("%s", msg ? msg : err);
        }
    } else {
        int r = tenant_set_status(&p, argv[optind], status, &actor, &t, &err);
        if (r == TENANT_OK)
            printf("School %s is now %s\n", t.code, t.status);
        else if (r == TENANT_NOT_FOUND)
            rc = fail("no guest school with code '%s'", argv[optind]);
        else
            rc = fail("%s", err);
    }
    platform_close(&p);
    return rc;
}

/* ---- user ---------------------------------------------------------- */

static const char user_help[] =
    "Usage: bischeduler user COMMAND --data DIR --school C --email E ...\n"
    "  add --school C --email E --role R [--name N] [--password-file F]\n"
    "      R is school_admin, teacher or parent; platform_admin only with\n"
    "      --school ueipab (a platform user). Without --password-file a\n"
    "      password is generated and printed once.\n"
    "  passwd --school C --email E [--password-file F]\n"
    "      sets a new password, ends the user's sessions, API tokens and\n"
    "      support sessions, lifts a lockout.\n\n"
    "  --data DIR   data directory (or BISCHEDULER_DATA), or\n"
    "  --database URL  postgresql://... (or BISCHEDULER_DATABASE)\n";

static int cmd_user(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},
        {"database", required_argument, 0, 'B'},
        {"school", required_argument, 0, 's'},
        {"email", required_argument, 0, 'e'},
        {"role", required_argument, 0, 'r'},
        {"name", required_argument, 0, 'n'},
        {"password-file", required_argument, 0, 'p'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *data = NULL, *school = NULL, *email = NULL, *role = NULL,
               *name = NULL, *pwfile = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'B': database_url = optarg; break;
        case 's': school = optarg; break;
        case 'e': email = optarg; break;
        case 'r': role = optarg; break;
        case 'n': name = optarg; break;
        case 'p': pwfile = optarg; break;
        case 'h': fputs(user_help, stdout); return 0;
        default: return usage_error("user", "unknown option");
        }
    }
    if (optind != argc - 1)
        return usage_error("user", "one command is required (add, passwd)");
    const char *sub = argv[optind];
    bool add = strcmp(sub, "add") == 0;
    if (!add && strcmp(sub, "passwd") != 0)
        return usage_error("user", "unknown command '%s'", sub);
    if (resolve_target("user", &data) != 0)
        return EXIT_USAGE;
    if (school == NULL || email == NULL || (add && role == NULL))
        return usage_error("user", add ? "add needs --school, --email and "
                                         "--role"
                                       : "passwd needs --school and --email");
    char password[PASSWORD_MAX + 2];
    bool generated = false;
    if (pwfile) {
        if (read_password_file(pwfile, password, sizeof password) < 0)
            return fail("cannot read the password file %s", pwfile);
    } else {
        password_generate(password);
        generated = true;
    }
    struct platform p;
    if (open_platform(data, &p))
        return EXIT_USER;
    struct tenant t;
    int found = tenant_find(&p, school, &t);
    if (found != 1) {
        platform_close(&p);
        return fail("no school with code '%s'", school);
    }
    bool platform_user = add && strcmp(role, "platform_admin") == 0;
    if (platform_user && !t.is_master) {
        platform_close(&p);
        return fail("platform_admin accounts belong to the master school "
                    "(--school %s)", MASTER_CODE);
    }
    struct actor actor;
    char rid[17];
    cli_actor(&actor, rid);
    struct store *store = NULL;
    const char *err = NULL, *msg = NULL, *field = NULL;
    if (platform_user) {
        store = &p.master;
    } else if (pool_acquire(p.pool, t.code, &store, &err) != POOL_OK) {
        platform_close(&p);
        return fail("cannot open school %s: %s", t.code, err);
    }
    int rc;
    if (add) {
        rc = user_create(&p, store, t.is_master, email, name ? name : email,
                         role, password, &actor, NULL, &msg, &field, &err);
    } else {
        rc = user_set_password(&p, store, email, password, &actor, &msg,
                               &err);
        if (rc == TENANT_NOT_FOUND && t.is_master) {
            /* on the master host the email may be a platform user's */
            rc = user_set_password(&p, &p.master, email, password, &actor,
                                   &msg, &err);
        }
    }
    if (!platform_user)
        pool_release(p.pool, store);
    platform_close(&p);
    if (rc != TENANT_OK)
        return fail("%s", msg ? msg : err);
    printf("%s %s in school %s\n", add ? "Added" : "New password for", email,
           t.code);
    if (generated)
        printf("Password (shown only now): %s\n", password);
    return 0;
}

/* ---- main ---------------------------------------------------------- */

/* ---- statistics ----------------------------------------------------- */

static const char statistics_help[] =
    "Usage: bischeduler statistics record (--data DIR | --database URL)\n"
    "Records today's anonymized platform figures (schools by status,\n"
    "accounts by role, sign-ins in 30 days) as the day's history in the\n"
    "master store; today is a date in the master school's time zone. Run\n"
    "it daily (cron); serving the figures (GET /api/v1/platform/statistics)\n"
    "records nothing.\n";

static int cmd_statistics(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},
        {"database", required_argument, 0, 'B'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *data = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'B': database_url = optarg; break;
        case 'h': fputs(statistics_help, stdout); return 0;
        default: return usage_error("statistics", "unknown option");
        }
    }
    if (optind != argc - 1 || strcmp(argv[optind], "record") != 0)
        return usage_error("statistics", "the command is 'record'");
    if (resolve_target("statistics", &data) != 0)
        return EXIT_USAGE;
    struct platform p;
    if (open_platform(data, &p))
        return EXIT_USER;
    char tz[64] = DEFAULT_TIMEZONE;
    struct store *s;
    const char *err = NULL;
    if (pool_acquire(p.pool, MASTER_CODE, &s, &err) == POOL_OK) {
        store_lock(s);
        school_setting(s, SETTING_TIMEZONE, DEFAULT_TIMEZONE, tz, sizeof tz);
        store_unlock(s);
        pool_release(p.pool, s);
    }
    struct platform_figures f;
    int rc = statistics_compute(&p, tz, &f, &err);
    if (rc == 0)
        rc = statistics_record(&p, &f, &err);
    platform_close(&p);
    if (rc < 0)
        return fail("cannot record the statistics: %s", err ? err : "?");
    printf("recorded the figures of %s (%lld schools, %d unreadable)\n",
           f.day, (long long)f.total, f.unreadable);
    return 0;
}

static const char main_help[] =
    "Usage: bischeduler COMMAND [options]\n"
    "BiScheduler: a school platform for Venezuelan schools.\n\n"
    "Commands:\n"
    "  init      create a new platform in a data directory\n"
    "  serve     serve the web app and the API\n"
    "  migrate   bring every store to this binary's schema\n"
    "  tenant    list, create, suspend, activate, deactivate schools\n"
    "  user      add users, set passwords\n"
    "  statistics record the day's platform figures\n"
    "  timetable solve, check and explain weekly timetables (CSV or FET)\n"
    "  xhstt     read, evaluate and solve XHSTT benchmark archives\n\n"
    "'bischeduler COMMAND --help' tells more. Exit status: 0 done, 1 an\n"
    "error in what was asked, 2 a usage error.\n";

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "bischeduler: libsodium cannot start\n");
        return EXIT_USER;
    }
    if (argc < 2) {
        fputs(main_help, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        fputs(main_help, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("bischeduler %s\n", BIS_VERSION);
        return 0;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {{"init", cmd_init},       {"serve", cmd_serve},
                {"migrate", cmd_migrate}, {"tenant", cmd_tenant},
                {"user", cmd_user},       {"timetable", cmd_timetable},
                {"xhstt", cmd_xhstt},     {"statistics", cmd_statistics}};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        if (strcmp(cmds[i].name, cmd) == 0) {
            opterr = 1;
            return cmds[i].fn(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "bischeduler: unknown command '%s'\n", cmd);
    fputs(main_help, stderr);
    return EXIT_USAGE;
}
