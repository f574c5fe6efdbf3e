/*
 * The PostgreSQL driver. Every school is a schema ("school_<code>", the
 * master store is "platform") in one database, served by one bounded pool
 * of connections shared by all schools.
 *
 * A `struct db_conn` here is a handle on one schema, not a connection: while
 * its store is locked it borrows a pooled connection (a `struct pg_link`)
 * for one transaction, which selects its schema with
 * set_config('search_path', ..., true): that lasts only until the
 * transaction ends. Leaving (db_leave) commits and hands the connection
 * back idle, in no transaction. So a pooled connection never carries one
 * school's schema into another's work.
 *
 * A transaction is opened lazily, with its first statement: BEGIN (READ
 * COMMITTED for a write transaction, REPEATABLE READ READ ONLY for a
 * snapshot, begun as such), the search path and the statement go to the
 * server in one pipeline, one round trip; a lock that runs no statement
 * costs none, and COMMIT is one more. A snapshot's view is fixed by its
 * first statement either way (PostgreSQL takes it then, not at BEGIN).
 *
 * Statements are prepared once per pooled connection and SQL text (named
 * "s<n>", a bounded LRU of STMT_CACHE per connection) and then only bound
 * and executed, so the server neither parses nor analyses them again. The
 * same prepared statement serves every school: PostgreSQL revalidates a
 * cached plan whenever the search path differs from the one it was planned
 * under, so each school's execution reads its own schema's tables
 * (tests/api/test_postgres.py proves it with one pooled connection). DDL
 * (a migration) invalidates plans too, and they are re-planned; one whose
 * result columns changed type fails with "cached plan must not change
 * result type", or a statement the server no longer has (DISCARD ALL, a
 * pooler) with "does not exist": the connection's cache is then forgotten
 * (DEALLOCATE ALL), and when the failed statement was its transaction's
 * first, the transaction is begun again and the statement re-prepared,
 * invisibly to the caller; later in a transaction the statement fails
 * (the work before it cannot be replayed) and the next request works.
 *
 * SQL is the same text as for SQLite: '?' placeholders are rewritten to $n
 * and values always travel as parameters. Transactions are the driver's
 * begin/commit/rollback entries, never SQL text: a write transaction is the
 * handle's own (READ COMMITTED, open from its first statement); a snapshot
 * starts one of its own, REPEATABLE READ READ ONLY, after committing what
 * ran before it.
 *
 * When the server is unreachable, a transaction's first statement fails
 * with DB_ERROR (the request gets 503) and the broken connection is
 * dropped; the next request connects afresh, so a restarted PostgreSQL is
 * picked up without a restart of ours.
 */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "db/db.h"

/* 64: the Matrícula import writes a representative (33 columns) in one
 * statement */
#define MAX_PARAMS 64
/* prepared statements kept per pooled connection */
#define STMT_CACHE 128

/* One prepared statement of a pooled connection. */
struct cached {
    uint64_t hash;
    char *sql;     /* rewritten ($n); NULL: a free slot */
    unsigned id;   /* prepared as "s<id>" */
    uint64_t used; /* LRU clock */
};

/* A pooled connection and its prepared statements. */
struct pg_link {
    PGconn *pg;
    struct cached cache[STMT_CACHE];
    uint64_t clock;
    unsigned next_id;
    bool flush; /* the server may hold stale statements: DEALLOCATE ALL */
};

struct pg_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    char *conninfo;
    int size, open;
    struct pg_link **idle;
    int nidle;
};

struct db_stmt {
    const struct db_driver *driver; /* must be first: see db.c */
    struct db_conn *conn;
    char *sql; /* rewritten to $n */
    uint64_t hash;
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
    struct pg_link *link; /* borrowed while entered */
    bool in_tx;           /* a transaction is open on link */
    enum db_tx kind;      /* of the open or next transaction */
    bool failed;          /* a statement failed: the transaction must roll back */
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

static void cache_forget(struct pg_link *l)
{
    for (int i = 0; i < STMT_CACHE; i++) {
        free(l->cache[i].sql);
        l->cache[i].sql = NULL;
    }
}

static void link_close(struct pg_link *l)
{
    PQfinish(l->pg);
    cache_forget(l);
    free(l);
}

void pg_pool_free(struct pg_pool **pool)
{
    struct pg_pool *p = *pool;
    if (p == NULL)
        return;
    for (int i = 0; i < p->nidle; i++)
        link_close(p->idle[i]);
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
static struct pg_link *pool_get(struct pg_pool *p, char *err, size_t errn)
{
    pthread_mutex_lock(&p->lock);
    while (p->nidle == 0 && p->open >= p->size)
        pthread_cond_wait(&p->freed, &p->lock);
    if (p->nidle > 0) {
        struct pg_link *l = p->idle[--p->nidle];
        pthread_mutex_unlock(&p->lock);
        return l;
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
    struct pg_link *l = xcalloc(1, sizeof *l);
    l->pg = pg;
    return l;
}

/* Returns a connection; a broken one, or one left in a transaction, is
 * closed instead of pooled. */
static void pool_put(struct pg_pool *p, struct pg_link *l)
{
    bool healthy = PQstatus(l->pg) == CONNECTION_OK &&
                   PQtransactionStatus(l->pg) == PQTRANS_IDLE &&
                   PQpipelineStatus(l->pg) == PQ_PIPELINE_OFF;
    pthread_mutex_lock(&p->lock);
    if (healthy) {
        p->idle[p->nidle++] = l;
    } else {
        p->open--;
    }
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
    if (!healthy)
        link_close(l);
}

int pg_pool_open_count(struct pg_pool *p)
{
    pthread_mutex_lock(&p->lock);
    int n = p->open;
    pthread_mutex_unlock(&p->lock);
    return n;
}

static const char *begin_sql(enum db_tx kind)
{
    return kind == DB_TX_SNAPSHOT
               ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
               : "BEGIN";
}

/*
 * Opens the transaction with one simple query: BEGIN and the search path
 * (the schema name is validated, and escaped here all the same). For
 * scripts (pg_exec); statements open theirs in their own pipeline.
 */
static int begin_tx(struct db_conn *c)
{
    PGconn *pg = c->link->pg;
    char *lit = PQescapeLiteral(pg, c->schema, strlen(c->schema));
    if (lit == NULL) {
        set_error(c, "", PQerrorMessage(pg));
        return DB_ERROR;
    }
    char sql[256];
    snprintf(sql, sizeof sql,
             "%s; SELECT set_config('search_path', %s, true)%s",
             begin_sql(c->kind), lit,
             c->link->flush ? "; DEALLOCATE ALL" : "");
    PQfreemem(lit);
    PGresult *r = PQexec(pg, sql);
    ExecStatusType st = PQresultStatus(r);
    bool ok = st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
    if (!ok)
        set_error(c, "", PQresultErrorMessage(r));
    PQclear(r);
    if (ok && c->link->flush) {
        cache_forget(c->link);
        c->link->flush = false;
    }
    /* a failed BEGIN; SET may leave a transaction open: end it */
    if (!ok && PQtransactionStatus(pg) != PQTRANS_IDLE)
        PQclear(PQexec(pg, "ROLLBACK"));
    c->in_tx = ok;
    c->failed = false;
    return ok ? 0 : DB_ERROR;
}

static int end_tx(struct db_conn *c, bool commit)
{
    if (!c->in_tx)
        return 0;
    bool do_commit = commit && !c->failed;
    PGresult *r = PQexec(c->link->pg, do_commit ? "COMMIT" : "ROLLBACK");
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

/* Ends the transaction (if any); the next one is a write transaction
 * unless db_begin() says otherwise. */
static int finish_tx(struct db_conn *c, bool commit)
{
    int rc = c->link != NULL ? end_tx(c, commit) : 0;
    c->kind = DB_TX_WRITE;
    return rc;
}

/* Borrows a connection if the handle has none. */
static int borrow(struct db_conn *c)
{
    if (c->link != NULL)
        return 0;
    c->error = thread_error;
    c->link = pool_get(c->pool, thread_error, sizeof thread_error);
    return c->link != NULL ? 0 : DB_ERROR;
}

/* Hands a connection back (closed if broken, see pool_put). */
static void give_back(struct db_conn *c)
{
    pool_put(c->pool, c->link);
    c->link = NULL;
    c->in_tx = false;
    c->failed = false;
}

/* For scripts: a transaction open on a borrowed connection. */
static int enter_tx(struct db_conn *c, const char **error_r)
{
    if (c->link != NULL && c->in_tx)
        return 0;
    /*
     * Idle pooled connections may have died with a server restart: such a
     * one is dropped and the next tried, up to a fresh connection.
     */
    for (int attempt = 0; attempt <= c->pool->size; attempt++) {
        if (borrow(c) < 0)
            break;
        if (begin_tx(c) == 0)
            return 0;
        bool dead = PQstatus(c->link->pg) != CONNECTION_OK;
        give_back(c);
        if (!dead)
            break;
    }
    if (error_r)
        *error_r = thread_error;
    return DB_ERROR;
}

static int pg_enter(struct db_conn *c, const char **error_r)
{
    return enter_tx(c, error_r);
}

static int pg_begin(struct db_conn *c, enum db_tx kind, const char **error_r)
{
    if (kind == DB_TX_SNAPSHOT && c->link != NULL && c->in_tx) {
        /* A snapshot's isolation is set as it begins: end what ran before. */
        if (end_tx(c, true) < 0) {
            if (error_r)
                *error_r = thread_error;
            return DB_ERROR;
        }
    }
    if (!c->in_tx)
        c->kind = kind; /* begun with its first statement */
    return 0;
}

static int pg_commit(struct db_conn *c, const char **error_r)
{
    int rc = finish_tx(c, true);
    if (rc < 0 && error_r)
        *error_r = thread_error;
    return rc;
}

static void pg_rollback(struct db_conn *c)
{
    finish_tx(c, false);
}

static void pg_leave(struct db_conn *c)
{
    finish_tx(c, true);
    if (c->link != NULL)
        give_back(c);
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
    c->kind = DB_TX_WRITE;
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

/* Records a failed statement's error; DB_CONSTRAINT or DB_ERROR. */
static int fail_with(struct db_conn *c, PGresult *r, const char **error_r)
{
    set_error(c, "", r ? PQresultErrorMessage(r)
                       : PQerrorMessage(c->link->pg));
    if (error_r)
        *error_r = thread_error;
    if (c->in_tx)
        c->failed = true;
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (state && strncmp(state, "23", 2) == 0)
        return DB_CONSTRAINT;
    return DB_ERROR;
}

static int pg_exec(struct db_conn *c, const char *sql, const char **error_r)
{
    if (enter_tx(c, error_r) < 0)
        return DB_ERROR;
    PGresult *r = PQexec(c->link->pg, sql);
    ExecStatusType st = PQresultStatus(r);
    int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK
                 ? 0
                 : fail_with(c, r, error_r);
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

static uint64_t hash_sql(const char *s)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static int pg_prepare(struct db_conn *c, const char *sql,
                      struct db_stmt **stmt_r, const char **error_r)
{
    struct db_stmt *s = xcalloc(1, sizeof *s);
    s->driver = &db_postgres_driver;
    s->conn = c;
    s->sql = rewrite_placeholders(sql, &s->nparams);
    s->hash = hash_sql(s->sql);
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

/* --- the statement cache --- */

static struct cached *cache_find(struct pg_link *l, const char *sql,
                                 uint64_t hash)
{
    for (int i = 0; i < STMT_CACHE; i++) {
        struct cached *e = &l->cache[i];
        if (e->sql != NULL && e->hash == hash && strcmp(e->sql, sql) == 0)
            return e;
    }
    return NULL;
}

/* A slot for a new statement: a free one, or the least recently used,
 * whose name goes to *evicted_r to be deallocated (0: none). */
static struct cached *cache_slot(struct pg_link *l, unsigned *evicted_r)
{
    struct cached *victim = &l->cache[0];
    *evicted_r = 0;
    for (int i = 0; i < STMT_CACHE; i++) {
        struct cached *e = &l->cache[i];
        if (e->sql == NULL)
            return e;
        if (e->used < victim->used)
            victim = e;
    }
    *evicted_r = victim->id;
    free(victim->sql);
    victim->sql = NULL;
    return victim;
}

/* What one pipeline sends, in this order. */
enum cmd { CMD_BEGIN, CMD_PATH, CMD_FLUSH, CMD_DROP, CMD_PARSE, CMD_EXEC };

struct plan {
    bool begin;    /* BEGIN and the search path: opens the transaction */
    bool flush;    /* DEALLOCATE ALL */
    unsigned drop; /* DEALLOCATE s<drop> (an evicted statement), 0: none */
    bool parse;    /* prepare s<id> */
    unsigned id;   /* execute s<id>; 0: unnamed, parsed again */
};

enum { PIPE_OK = 0, PIPE_ERROR = -1, PIPE_DEAD = -2 };

/*
 * Sends what `pl` says and the statement in one pipeline (one round trip)
 * and reads every result. PIPE_OK: *res_r is the statement's result.
 * PIPE_ERROR: *err_r is the first command's error (the later ones were
 * skipped) and *err_cmd_r which command it was. PIPE_DEAD: the connection
 * broke (it is left in pipeline mode: pool_put() closes it).
 */
static int run_pipeline(struct db_conn *c, struct db_stmt *s,
                        const char *const *params, const struct plan *pl,
                        PGresult **res_r, PGresult **err_r, int *err_cmd_r)
{
    PGconn *pg = c->link->pg;
    enum cmd cmds[6];
    int n = 0;
    char name[16], drop[32];
    snprintf(name, sizeof name, "s%u", pl->id);
    *res_r = *err_r = NULL;
    if (PQenterPipelineMode(pg) != 1)
        return PIPE_DEAD;
    bool sent = true;
    if (pl->begin) {
        const char *path[1] = {c->schema};
        sent = PQsendQueryParams(pg, begin_sql(c->kind), 0, NULL, NULL,
                                 NULL, NULL, 0) == 1 &&
               PQsendQueryParams(pg,
                                 "SELECT set_config('search_path', $1, true)",
                                 1, NULL, path, NULL, NULL, 0) == 1;
        cmds[n++] = CMD_BEGIN;
        cmds[n++] = CMD_PATH;
    }
    if (sent && pl->flush) {
        sent = PQsendQueryParams(pg, "DEALLOCATE ALL", 0, NULL, NULL, NULL,
                                 NULL, 0) == 1;
        cmds[n++] = CMD_FLUSH;
    }
    if (sent && pl->drop) {
        snprintf(drop, sizeof drop, "DEALLOCATE s%u", pl->drop);
        sent = PQsendQueryParams(pg, drop, 0, NULL, NULL, NULL, NULL, 0) == 1;
        cmds[n++] = CMD_DROP;
    }
    if (sent && pl->parse) {
        sent = PQsendPrepare(pg, name, s->sql, s->nparams, NULL) == 1;
        cmds[n++] = CMD_PARSE;
    }
    if (sent) {
        sent = (pl->id ? PQsendQueryPrepared(pg, name, s->nparams, params,
                                             NULL, NULL, 0)
                       : PQsendQueryParams(pg, s->sql, s->nparams, NULL,
                                           params, NULL, NULL, 0)) == 1;
        cmds[n++] = CMD_EXEC;
    }
    if (!sent || PQpipelineSync(pg) != 1)
        return PIPE_DEAD;
    for (int i = 0; i < n; i++) {
        PGresult *r = PQgetResult(pg);
        if (r == NULL)
            return PIPE_DEAD;
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            if (cmds[i] == CMD_EXEC)
                *res_r = r;
            else
                PQclear(r);
        } else if (st == PGRES_PIPELINE_ABORTED || *err_r != NULL) {
            PQclear(r);
        } else {
            *err_r = r;
            *err_cmd_r = (int)cmds[i];
        }
        /* each command's results end with a NULL */
        PGresult *more;
        while ((more = PQgetResult(pg)) != NULL)
            PQclear(more);
    }
    PGresult *sync = PQgetResult(pg);
    bool synced = sync != NULL && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
    PQclear(sync);
    if (!synced || PQexitPipelineMode(pg) != 1 ||
        PQstatus(pg) != CONNECTION_OK) {
        PQclear(*res_r);
        *res_r = NULL;
        if (*err_r == NULL)
            return PIPE_DEAD;
        /* the error explains the broken connection */
        return PQstatus(pg) != CONNECTION_OK ? PIPE_DEAD : PIPE_ERROR;
    }
    return *err_r ? PIPE_ERROR : PIPE_OK;
}

/* The server no longer has our prepared statement as we prepared it: its
 * result type changed (DDL), it was deallocated (DISCARD ALL, a pooler),
 * or a name of ours is taken. */
static bool stale(PGresult *err, int cmd, const struct plan *pl)
{
    const char *state = PQresultErrorField(err, PG_DIAG_SQLSTATE);
    if (state == NULL)
        return false;
    if (cmd == CMD_EXEC && pl->id)
        return strcmp(state, "0A000") == 0 || strcmp(state, "26000") == 0;
    if (cmd == CMD_PARSE)
        return strcmp(state, "42P05") == 0;
    if (cmd == CMD_DROP)
        return strcmp(state, "26000") == 0;
    return false;
}

/* Runs the statement: opens the transaction with it if none is open. */
static int execute(struct db_stmt *s, const char **error_r)
{
    struct db_conn *c = s->conn;
    const char *params[MAX_PARAMS];
    for (int i = 0; i < s->nparams; i++)
        params[i] = s->is_null[i] ? NULL : s->values[i];
    bool retried = false;
    for (int attempt = 0; attempt <= c->pool->size + 1; attempt++) {
        if (borrow(c) < 0)
            break;
        struct pg_link *l = c->link;
        struct plan pl = {.begin = !c->in_tx};
        struct cached *e = NULL;
        if (!c->failed) { /* a failed transaction only gets its error */
            if (l->flush) {
                cache_forget(l);
                pl.flush = true;
            }
            e = cache_find(l, s->sql, s->hash);
            if (e == NULL) {
                e = cache_slot(l, &pl.drop);
                e->id = ++l->next_id;
                pl.parse = true;
            }
            pl.id = e->id;
        }
        PGresult *res, *err;
        int err_cmd = -1;
        int rc = run_pipeline(c, s, params, &pl, &res, &err, &err_cmd);
        if (rc == PIPE_DEAD) {
            set_error(c, "", err ? PQresultErrorMessage(err)
                                 : PQerrorMessage(l->pg));
            PQclear(err);
            if (!pl.begin) {
                /* the transaction is lost: nothing more may run in it */
                c->failed = true;
                break;
            }
            /* nothing ran yet: another connection, or a fresh one */
            give_back(c);
            continue;
        }
        c->in_tx = PQtransactionStatus(l->pg) != PQTRANS_IDLE;
        if (pl.flush && (rc == PIPE_OK || err_cmd > CMD_FLUSH))
            l->flush = false;
        if (rc == PIPE_OK) {
            if (e != NULL) {
                if (pl.parse) {
                    e->sql = xstrdup(s->sql);
                    e->hash = s->hash;
                }
                e->used = ++l->clock;
            }
            s->res = res;
            return 0;
        }
        if (stale(err, err_cmd, &pl)) {
            /* forget every statement: what made this one stale (a
             * migration, DISCARD ALL) likely made the others so too */
            cache_forget(l);
            l->flush = true;
            if (pl.begin && !retried) {
                /* it was the transaction's first statement: begin again */
                retried = true;
                PQclear(err);
                if (c->in_tx)
                    PQclear(PQexec(l->pg, "ROLLBACK"));
                c->in_tx = false;
                c->failed = false;
                if (PQstatus(l->pg) != CONNECTION_OK)
                    give_back(c);
                continue;
            }
        }
        if (e != NULL && pl.parse && err_cmd == CMD_EXEC) {
            /* prepared, then failed as it ran (a constraint, say): the
             * server keeps it, so the cache must name it or it leaks */
            e->sql = xstrdup(s->sql);
            e->hash = s->hash;
            e->used = ++l->clock;
        }
        if (pl.drop && err_cmd < CMD_DROP)
            l->flush = true; /* the evicted statement was not deallocated */
        /* (a slot whose statement was not prepared stays free) */
        rc = fail_with(c, err, error_r);
        PQclear(err);
        return rc;
    }
    if (error_r)
        *error_r = thread_error;
    return DB_ERROR;
}

static int pg_step(struct db_stmt *s, const char **error_r)
{
    struct db_conn *c = s->conn;
    if (s->res == NULL) {
        if (s->done)
            return DB_DONE;
        int rc = execute(s, error_r);
        if (rc < 0) {
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
