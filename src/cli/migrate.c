/*
 * bischeduler migrate: brings the master store and every school's store to
 * this binary's schema version, one transaction per store, schools in
 * parallel (--jobs threads pulling the next school from a shared index).
 * With --check it changes nothing and says which stores are behind. serve
 * --auto-migrate runs the same through cli_migrate_all.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/util.h"
#include "db/migrate.h"
#include "platform/platform.h"

struct migrate_job {
    struct tenant *list;
    int n;
    int next;
    bool check;
    const struct db_backend *backend;
    pthread_mutex_t lock;
    int failed, migrated, behind;
};

/* Migrates (or checks) one store. -1 if it failed, msg says why. */
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
            cli_out(stderr, "school %s: cannot migrate: %s\n", code, msg);
        } else if (job->check && from < migrate_latest(MIGRATE_SCHOOL)) {
            job->behind++;
            cli_out(stderr, "school %s: at version %lld, latest is %lld\n",
                    code, (long long)from,
                    (long long)migrate_latest(MIGRATE_SCHOOL));
        } else if (to != from) {
            job->migrated++;
            cli_out(stdout, "school %s: migrated from version %lld to %lld\n",
                    code, (long long)from, (long long)to);
        }
        pthread_mutex_unlock(&job->lock);
    }
}

/* The master store first: 0, or 1 after saying why not. */
static int migrate_master(const struct db_backend *b, bool check)
{
    int64_t from = 0, to = 0;
    char msg[256];
    if (migrate_one(b, "master", MIGRATE_MASTER, check, &from, &to, msg,
                    sizeof msg) < 0) {
        cli_out(stderr, "master store: cannot migrate: %s\n", msg);
        return CLI_EXIT_FAIL;
    }
    if (check && from != migrate_latest(MIGRATE_MASTER)) {
        fprintf(stderr, "master store: at version %lld, this binary has %lld\n",
                (long long)from, (long long)migrate_latest(MIGRATE_MASTER));
        return CLI_EXIT_FAIL;
    }
    if (!check && to != from)
        printf("master store: migrated from version %lld to %lld\n",
               (long long)from, (long long)to);
    return 0;
}

/* Every school, `jobs` at a time, on an initialised backend. */
static int migrate_schools(const struct cli_store *st,
                           const struct db_backend *b, bool check, long jobs)
{
    struct cli_platform cp;
    if (cli_platform_open(st, &cp, NULL))
        return CLI_EXIT_FAIL;
    struct migrate_job job = {.check = check, .backend = b};
    const char *err;
    int rc = tenant_list(&cp.p, &job.list, &job.n, &err);
    cli_platform_close(&cp);
    if (rc < 0)
        return cli_fail("cannot list schools: %s", err);
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
    return job.failed || job.behind ? CLI_EXIT_FAIL : 0;
}

int cli_migrate_all(const struct cli_store *st, bool check, long jobs)
{
    struct db_backend b;
    const char *err;
    if (db_backend_init(&b, st->data, st->database, (int)jobs + 1, &err) < 0)
        return cli_fail("%s", err);
    int rc = migrate_master(&b, check);
    if (rc == 0)
        rc = migrate_schools(st, &b, check, jobs);
    db_backend_cleanup(&b);
    return rc;
}

int cli_migrate_run(const struct cli_command *cmd, int argc, char **argv)
{
    struct cli_args args;
    struct cli_store st = {0};
    bool check = false;
    long jobs = 2;
    const struct cli_option opts[] = {
        CLI_STORE_OPTIONS(&st),
        {.name = "check", .flag = &check,
         .help = "change nothing; exit 1 if any store is behind or newer"},
        {.name = "jobs", .value = "N", .integer = &jobs, .min = 1, .max = 16,
         .help = "schools migrated at once, 1-16 (default 2)"},
    };
    int rc = cli_parse(cmd, opts, CLI_COUNT(opts), &st, argc, argv, &args);
    return rc != CLI_RUN ? rc : cli_migrate_all(&st, check, jobs);
}
