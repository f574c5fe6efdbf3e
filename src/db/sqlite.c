/*
 * The SQLite driver: one file per store, WAL journal, foreign keys on, a busy
 * timeout so the CLI and a running server can share a file, and a small
 * per-connection cache of prepared statements (the hot read paths prepare the
 * same few SQL texts thousands of times a second).
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "db/db.h"

#define STMT_CACHE 48

struct db_stmt {
    const struct db_driver *driver; /* must be first: see db.c */
    sqlite3_stmt *st;
    struct db_conn *conn;
    bool in_use;
    bool cached;
};

struct db_conn {
    const struct db_driver *driver; /* must be first */
    sqlite3 *db;
    struct db_stmt cache[STMT_CACHE];
    int next_victim;
};

static int map_rc(struct db_conn *c, int rc, const char **error_r)
{
    /* copied: the caller may read it after a rollback or a close */
    static _Thread_local char msg[512];
    str_copy(msg, sizeof msg, sqlite3_errmsg(c->db));
    if (error_r)
        *error_r = msg;
    switch (rc) {
    case SQLITE_CONSTRAINT:
        return DB_CONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return DB_BUSY;
    default:
        return DB_ERROR;
    }
}

static int sq_open(const char *target, bool create, struct db_conn **conn_r,
                   const char **error_r)
{
    struct db_conn *c = xcalloc(1, sizeof *c);
    c->driver = &db_sqlite_driver;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (create)
        flags |= SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(target, &c->db, flags, NULL);
    if (rc != SQLITE_OK) {
        if (error_r)
            *error_r = c->db ? sqlite3_errmsg(c->db) : "cannot open store";
        /* error text must outlive the handle: keep a static copy */
        static _Thread_local char msg[256];
        if (error_r) {
            str_copy(msg, sizeof msg, *error_r);
            *error_r = msg;
        }
        sqlite3_close(c->db);
        free(c);
        return DB_ERROR;
    }
    sqlite3_extended_result_codes(c->db, 0);
    sqlite3_busy_timeout(c->db, 5000);
    const char *err = NULL;
    if (sqlite3_exec(c->db,
                     "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                     "PRAGMA synchronous=NORMAL;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        static _Thread_local char msg2[256];
        str_copy(msg2, sizeof msg2, sqlite3_errmsg(c->db));
        err = msg2;
        sqlite3_close(c->db);
        free(c);
        if (error_r)
            *error_r = err;
        return DB_ERROR;
    }
    *conn_r = c;
    return 0;
}

static void sq_close(struct db_conn *c)
{
    for (int i = 0; i < STMT_CACHE; i++)
        if (c->cache[i].st)
            sqlite3_finalize(c->cache[i].st);
    sqlite3_close(c->db);
    free(c);
}

static int sq_exec(struct db_conn *c, const char *sql, const char **error_r)
{
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return map_rc(c, rc, error_r);
    return 0;
}

static int sq_prepare(struct db_conn *c, const char *sql,
                      struct db_stmt **stmt_r, const char **error_r)
{
    for (int i = 0; i < STMT_CACHE; i++) {
        struct db_stmt *s = &c->cache[i];
        if (s->st && !s->in_use && strcmp(sqlite3_sql(s->st), sql) == 0) {
            s->in_use = true;
            *stmt_r = s;
            return 0;
        }
    }
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
                                NULL);
    if (rc != SQLITE_OK)
        return map_rc(c, rc, error_r);
    /* Find a free cache slot; if all are busy, hand out an uncached one. */
    for (int tries = 0; tries < STMT_CACHE; tries++) {
        int i = (c->next_victim + tries) % STMT_CACHE;
        struct db_stmt *s = &c->cache[i];
        if (s->in_use)
            continue;
        if (s->st)
            sqlite3_finalize(s->st);
        s->driver = &db_sqlite_driver;
        s->st = st;
        s->conn = c;
        s->in_use = true;
        s->cached = true;
        c->next_victim = (i + 1) % STMT_CACHE;
        *stmt_r = s;
        return 0;
    }
    struct db_stmt *s = xcalloc(1, sizeof *s);
    s->driver = &db_sqlite_driver;
    s->st = st;
    s->conn = c;
    s->in_use = true;
    *stmt_r = s;
    return 0;
}

static void sq_bind_text(struct db_stmt *s, int idx, const char *v)
{
    sqlite3_bind_text(s->st, idx, v, -1, SQLITE_TRANSIENT);
}

static void sq_bind_int(struct db_stmt *s, int idx, int64_t v)
{
    sqlite3_bind_int64(s->st, idx, v);
}

static void sq_bind_null(struct db_stmt *s, int idx)
{
    sqlite3_bind_null(s->st, idx);
}

static int sq_step(struct db_stmt *s, const char **error_r)
{
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    return map_rc(s->conn, rc, error_r);
}

static int sq_column_count(struct db_stmt *s)
{
    return sqlite3_column_count(s->st);
}

static const char *sq_column_name(struct db_stmt *s, int col)
{
    return sqlite3_column_name(s->st, col);
}

static const char *sq_column_text(struct db_stmt *s, int col)
{
    return (const char *)sqlite3_column_text(s->st, col);
}

static int64_t sq_column_int(struct db_stmt *s, int col)
{
    return sqlite3_column_int64(s->st, col);
}

static bool sq_column_null(struct db_stmt *s, int col)
{
    return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

static void sq_finish(struct db_stmt *s)
{
    if (s->cached) {
        sqlite3_reset(s->st);
        sqlite3_clear_bindings(s->st);
        s->in_use = false;
        return;
    }
    sqlite3_finalize(s->st);
    free(s);
}

static int sq_changes(struct db_conn *c)
{
    return sqlite3_changes(c->db);
}

/*
 * A write transaction takes the write lock at once (IMMEDIATE), so it never
 * fails half way on a lock upgrade. A snapshot is a deferred transaction: in
 * WAL mode its snapshot is fixed by the first read, made here, so that what
 * others commit after store_begin_snapshot() returns is never seen.
 */
static int sq_begin(struct db_conn *c, enum db_tx kind, const char **error_r)
{
    if (kind == DB_TX_WRITE)
        return sq_exec(c, "BEGIN IMMEDIATE", error_r);
    int rc = sq_exec(c, "BEGIN DEFERRED", error_r);
    if (rc == 0)
        rc = sq_exec(c, "SELECT count(*) FROM sqlite_master", error_r);
    if (rc < 0 && !sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static int sq_commit(struct db_conn *c, const char **error_r)
{
    int rc = sq_exec(c, "COMMIT", error_r);
    if (rc < 0 && !sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static void sq_rollback(struct db_conn *c)
{
    if (!sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

const struct db_driver db_sqlite_driver = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .bind_text = sq_bind_text,
    .bind_int = sq_bind_int,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .column_count = sq_column_count,
    .column_name = sq_column_name,
    .column_text = sq_column_text,
    .column_int = sq_column_int,
    .column_null = sq_column_null,
    .finish = sq_finish,
    .changes = sq_changes,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
};
