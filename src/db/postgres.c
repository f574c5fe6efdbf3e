/*
 * The PostgreSQL driver. Every school is a schema ("school_<code>", the
 * master store is "platform") in one database, served by one bounded pool
 * of connections shared by all schools.
 *
 * A `struct db_conn` here is a handle on one schema, not a connection: when
 * its store is locked (db_enter) it borrows a pooled connection, opens a
 * transaction and selects its schema with set_config('search_path', ...,
 * true), which lasts only until that transaction ends; leaving (db_leave)
 * commits and hands the connection back idle, in no transaction. So a
 * pooled connection never carries one school's schema into another's work
 * (and pgbouncer in transaction mode would be safe).
 *
 * SQL is the same text as for SQLite: '?' placeholders are rewritten to $n
 * and values always travel as parameters. Transactions are the driver's
 * begin/commit/rollback entries, never SQL text: a write transaction is the
 * handle's own (READ COMMITTED, already open once entered); a snapshot
 * starts one of its own, REPEATABLE READ READ ONLY.
 *
 * When the server is unreachable, entering fails with DB_ERROR (the
 * request gets 503) and the broken connection is dropped; the next request
 * connects afresh, so a restarted PostgreSQL is picked up without a restart
 * of ours.
 */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "db/db.h"

/* 64: the Matrícula import writes a representative (33 columns) in one
 * statement */
#define MAX_PARAMS 64

struct pg_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    char *conninfo;
    int size, open;
    PGconn **idle;
    int nidle;
};

struct db_stmt {
    const struct db_driver *driver; /* must be first: see db.c */
    struct db_conn *conn;
    char *sql; /* rewritten to $n */
    char *values[MAX_PARAMS];
    bool is_null[MAX_PARAMS];
    int nparams;
    PGresult *res;
    int row; /* current row, -1 before the first step */
    bool done;
};

struct db_conn {
    const struct db_driver *driver; /* must be first */
    struct pg_pool *pool;
    char schema[72];
    PGconn *pg;   /* borrowed while entered */
    bool in_tx;   /* a transaction is open on pg */
    bool failed;  /* a statement failed: the transaction must roll back */
    int changes;
    char *error; /* the thread's error buffer (see set_error) */
};

/*
 * Error texts live in a per-thread buffer, not in the handle: callers may
 * read a message after the handle is closed or the transaction is undone
 * (rolling back never replaces the message of the failure that caused it).
 */
static _Thread_local char thread_error[512];

struct pg_pool *pg_pool_new(const char *conninfo, int size)
{
    struct pg_pool *p = xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    /* A server that does not answer must not hang requests for long. */
    if (strstr(conninfo, "connect_timeout") != NULL) {
        p->conninfo = xstrdup(conninfo);
    } else {
        size_t n = strlen(conninfo) + 32;
        p->conninfo = xmalloc(n);
        snprintf(p->conninfo, n, "%s%sconnect_timeout=5", conninfo,
                 strchr(conninfo, '?') ? "&" : "?");
    }
    p->size = size > 0 ? size : 1;
    p->idle = xcalloc((size_t)p->size, sizeof *p->idle);
    return p;
}

void pg_pool_free(struct pg_pool **pool)
{
    struct pg_pool *p = *pool;
    if (p == NULL)
        return;
    for (int i = 0; i < p->nidle; i++)
        PQfinish(p->idle[i]);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->freed);
    free(p->idle);
    free(p->conninfo);
    free(p);
    *pool = NULL;
}

static void set_error(struct db_conn *c, const char *prefix, const char *msg)
{
    c->error = thread_error;
    snprintf(thread_error, sizeof thread_error, "%s%s", prefix,
             msg ? msg : "");
    size_t n = strlen(thread_error);
    while (n > 0 &&
           (thread_error[n - 1] == '\n' || thread_error[n - 1] == ' '))
        thread_error[--n] = '\0';
}

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Borrows a connection: an idle one, a new one, or waits for one. */
static PGconn *pool_get(struct pg_pool *p, char *err, size_t errn)
{
    pthread_mutex_lock(&p->lock);
    while (p->nidle == 0 && p->open >= p->size)
        pthread_cond_wait(&p->freed, &p->lock);
    if (p->nidle > 0) {
        PGconn *pg = p->idle[--p->nidle];
        pthread_mutex_unlock(&p->lock);
        return pg;
    }
    p->open++;
    pthread_mutex_unlock(&p->lock);
    PGconn *pg = PQconnectdb(p->conninfo);
    if (PQstatus(pg) != CONNECTION_OK) {
        snprintf(err, errn, "cannot connect to PostgreSQL: %s",
                 PQerrorMessage(pg));
        PQfinish(pg);
        pthread_mutex_lock(&p->lock);
        p->open--;
        pthread_cond_signal(&p->freed);
        pthread_mutex_unlock(&p->lock);
        return NULL;
    }
    /* NOTICEs ("already exists, skipping") are not errors: keep them off
     * stderr, which carries the server's JSON log. */
    PQsetNoticeProcessor(pg, ignore_notice, NULL);
    /* Every value crosses as text in UTC; no session state is relied on. */
    PQclear(PQexec(pg, "SET TIME ZONE 'UTC'"));
    return pg;
}

/* Returns a connection; a broken one, or one left in a transaction, is
 * closed instead of pooled. */
static void pool_put(struct pg_pool *p, PGconn *pg)
{
    bool healthy = PQstatus(pg) == CONNECTION_OK &&
                   PQtransactionStatus(pg) == PQTRANS_IDLE;
    pthread_mutex_lock(&p->lock);
    if (healthy) {
        p->idle[p->nidle++] = pg;
    } else {
        p->open--;
    }
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
    if (!healthy)
        PQfinish(pg);
}

int pg_pool_open_count(struct pg_pool *p)
{
    pthread_mutex_lock(&p->lock);
    int n = p->open;
    pthread_mutex_unlock(&p->lock);
    return n;
}

static int begin_tx(struct db_conn *c, enum db_tx kind)
{
    PGresult *r = PQexec(c->pg, kind == DB_TX_SNAPSHOT
                                    ? "BEGIN ISOLATION LEVEL REPEATABLE READ "
                                      "READ ONLY"
                                    : "BEGIN");
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (ok) {
        const char *params[1] = {c->schema};
        r = PQexecParams(c->pg,
                         "SELECT set_config('search_path', $1, true)", 1,
                         NULL, params, NULL, NULL, 0);
        ok = PQresultStatus(r) == PGRES_TUPLES_OK;
        if (!ok)
            set_error(c, "", PQresultErrorMessage(r));
        PQclear(r);
    } else {
        set_error(c, "", PQerrorMessage(c->pg));
    }
    c->in_tx = ok;
    c->failed = false;
    return ok ? 0 : DB_ERROR;
}

static int end_tx(struct db_conn *c, bool commit)
{
    if (!c->in_tx)
        return 0;
    bool do_commit = commit && !c->failed;
    PGresult *r = PQexec(c->pg, do_commit ? "COMMIT" : "ROLLBACK");
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok && do_commit) /* a failed rollback must not hide why it rolled back */
        set_error(c, "", PQresultErrorMessage(r));
    PQclear(r);
    c->in_tx = false;
    c->failed = false;
    if (commit && !do_commit)
        return DB_ERROR; /* the failed statement's message stays current */
    return ok ? 0 : DB_ERROR;
}

static int enter_tx(struct db_conn *c, enum db_tx kind, const char **error_r)
{
    if (c->pg != NULL && c->in_tx)
        return 0;
    /*
     * Idle pooled connections may have died with a server restart: such a
     * one is dropped and the next tried, up to a fresh connection.
     */
    for (int attempt = 0; attempt <= c->pool->size; attempt++) {
        if (c->pg == NULL) {
            c->error = thread_error;
            c->pg = pool_get(c->pool, thread_error, sizeof thread_error);
            if (c->pg == NULL)
                break;
        }
        if (begin_tx(c, kind) == 0)
            return 0;
        bool dead = PQstatus(c->pg) != CONNECTION_OK;
        pool_put(c->pool, c->pg);
        c->pg = NULL;
        if (!dead)
            break;
    }
    if (error_r)
        *error_r = thread_error;
    return DB_ERROR;
}

static int pg_enter(struct db_conn *c, const char **error_r)
{
    return enter_tx(c, DB_TX_WRITE, error_r);
}

static int pg_begin(struct db_conn *c, enum db_tx kind, const char **error_r)
{
    if (kind == DB_TX_SNAPSHOT && c->pg != NULL && c->in_tx) {
        /* A snapshot's isolation is set as it begins: end what ran before. */
        if (end_tx(c, true) < 0) {
            if (error_r)
                *error_r = thread_error;
            return DB_ERROR;
        }
    }
    return enter_tx(c, kind, error_r);
}

static int pg_commit(struct db_conn *c, const char **error_r)
{
    if (c->pg == NULL)
        return 0;
    int rc = end_tx(c, true);
    if (rc < 0 && error_r)
        *error_r = thread_error;
    return rc;
}

static void pg_rollback(struct db_conn *c)
{
    if (c->pg != NULL)
        end_tx(c, false);
}

static void pg_leave(struct db_conn *c)
{
    if (c->pg == NULL)
        return;
    end_tx(c, true);
    pool_put(c->pool, c->pg);
    c->pg = NULL;
}

/* The schema of a store name: "platform" for the master store. */
static void schema_of(const char *target, char *out, size_t n)
{
    if (strcmp(target, "master") == 0) {
        snprintf(out, n, "platform");
        return;
    }
    snprintf(out, n, "school_%s", target);
    for (char *p = out; *p; p++)
        if (*p == '-')
            *p = '_';
}

/* target: a pool pointer is passed through open_pg() below. */
static int pg_open(const char *target, bool create, struct db_conn **conn_r,
                   const char **error_r)
{
    (void)target;
    (void)create;
    (void)conn_r;
    if (error_r)
        *error_r = "use db_pg_open()";
    return DB_ERROR;
}

int db_pg_open(struct pg_pool *pool, const char *name, struct db_conn **conn_r)
{
    /* Schema names are built from validated codes; check them again here,
     * where they meet SQL. */
    size_t n = strlen(name);
    if (n == 0 || n > 40)
        return DB_ERROR;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '-'))
            return DB_ERROR;
    struct db_conn *c = xcalloc(1, sizeof *c);
    c->driver = &db_postgres_driver;
    c->pool = pool;
    schema_of(name, c->schema, sizeof c->schema);
    *conn_r = c;
    return 0;
}

const char *db_pg_schema(struct db_conn *c)
{
    return c->schema;
}

static void pg_close(struct db_conn *c)
{
    pg_leave(c);
    free(c);
}

static int map_result(struct db_conn *c, PGresult *r, const char **error_r)
{
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return 0;
    set_error(c, "", PQresultErrorMessage(r));
    if (error_r)
        *error_r = thread_error;
    c->failed = true;
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (state && strncmp(state, "23", 2) == 0)
        return DB_CONSTRAINT;
    if (PQstatus(c->pg) != CONNECTION_OK)
        return DB_ERROR;
    return DB_ERROR;
}

static int pg_exec(struct db_conn *c, const char *sql, const char **error_r)
{
    if (pg_enter(c, error_r) < 0)
        return DB_ERROR;
    PGresult *r = PQexec(c->pg, sql);
    int rc = map_result(c, r, error_r);
    PQclear(r);
    return rc;
}

/* Rewrites '?' outside string literals and identifiers to $1, $2, ... */
static char *rewrite_placeholders(const char *sql, int *n_r)
{
    struct strbuf sb;
    strbuf_init(&sb);
    int n = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            strbuf_add(&sb, p, 1);
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            strbuf_add(&sb, p, 1);
        } else if (*p == '?') {
            strbuf_addf(&sb, "$%d", ++n);
        } else {
            strbuf_add(&sb, p, 1);
        }
    }
    *n_r = n;
    return strbuf_steal(&sb);
}

static int pg_prepare(struct db_conn *c, const char *sql,
                      struct db_stmt **stmt_r, const char **error_r)
{
    struct db_stmt *s = xcalloc(1, sizeof *s);
    s->driver = &db_postgres_driver;
    s->conn = c;
    s->sql = rewrite_placeholders(sql, &s->nparams);
    s->row = -1;
    if (s->nparams > MAX_PARAMS) {
        free(s->sql);
        free(s);
        if (error_r)
            *error_r = "too many parameters";
        return DB_ERROR;
    }
    for (int i = 0; i < MAX_PARAMS; i++)
        s->is_null[i] = true;
    *stmt_r = s;
    return 0;
}

static void pg_bind_text(struct db_stmt *s, int idx, const char *v)
{
    if (idx < 1 || idx > MAX_PARAMS)
        return;
    free(s->values[idx - 1]);
    s->values[idx - 1] = xstrdup(v);
    s->is_null[idx - 1] = false;
}

static void pg_bind_int(struct db_stmt *s, int idx, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    pg_bind_text(s, idx, buf);
}

static void pg_bind_null(struct db_stmt *s, int idx)
{
    if (idx < 1 || idx > MAX_PARAMS)
        return;
    free(s->values[idx - 1]);
    s->values[idx - 1] = NULL;
    s->is_null[idx - 1] = true;
}

static int pg_step(struct db_stmt *s, const char **error_r)
{
    struct db_conn *c = s->conn;
    if (s->res == NULL) {
        if (pg_enter(c, error_r) < 0)
            return DB_ERROR;
        const char *params[MAX_PARAMS];
        for (int i = 0; i < s->nparams; i++)
            params[i] = s->is_null[i] ? NULL : s->values[i];
        s->res = PQexecParams(c->pg, s->sql, s->nparams, NULL, params, NULL,
                              NULL, 0);
        int rc = map_result(c, s->res, error_r);
        if (rc < 0) {
            PQclear(s->res);
            s->res = NULL;
            s->done = true;
            return rc;
        }
        const char *tuples = PQcmdTuples(s->res);
        c->changes = tuples && *tuples ? atoi(tuples) : 0;
    }
    if (s->done)
        return DB_DONE;
    s->row++;
    if (s->row >= PQntuples(s->res)) {
        s->done = true;
        return DB_DONE;
    }
    return DB_ROW;
}

static int pg_column_count(struct db_stmt *s)
{
    return s->res ? PQnfields(s->res) : 0;
}

static const char *pg_column_name(struct db_stmt *s, int col)
{
    return s->res ? PQfname(s->res, col) : NULL;
}

static bool pg_column_null(struct db_stmt *s, int col)
{
    return s->res == NULL || s->row < 0 || s->row >= PQntuples(s->res) ||
           PQgetisnull(s->res, s->row, col);
}

static const char *pg_column_text(struct db_stmt *s, int col)
{
    if (pg_column_null(s, col))
        return NULL;
    return PQgetvalue(s->res, s->row, col);
}

static int64_t pg_column_int(struct db_stmt *s, int col)
{
    const char *v = pg_column_text(s, col);
    return v ? strtoll(v, NULL, 10) : 0;
}

static void pg_finish(struct db_stmt *s)
{
    PQclear(s->res);
    for (int i = 0; i < MAX_PARAMS; i++)
        free(s->values[i]);
    free(s->sql);
    free(s);
}

static int pg_changes(struct db_conn *c)
{
    return c->changes;
}

const struct db_driver db_postgres_driver = {
    .name = "postgres",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .bind_text = pg_bind_text,
    .bind_int = pg_bind_int,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .column_count = pg_column_count,
    .column_name = pg_column_name,
    .column_text = pg_column_text,
    .column_int = pg_column_int,
    .column_null = pg_column_null,
    .finish = pg_finish,
    .changes = pg_changes,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .enter = pg_enter,
    .leave = pg_leave,
};
