/*
 * The store interface. A `struct db_conn` is one connection to one store (the
 * master store or one school's store); what talks to it goes through a small
 * driver table, so the SQLite driver here and a PostgreSQL driver later serve
 * the same callers with the same SQL text (`?` placeholders only: values are
 * always bound, never spliced).
 *
 * A connection is not thread-safe: `struct store` pairs it with a mutex, and
 * callers hold it with store_lock() or inside a transaction (store_begin()).
 *
 * Errors: functions return 0 or a negative DB_ code and, where they take one,
 * set *error_r to an English message kept in a per-thread buffer by the
 * driver: it stays valid after the handle is closed or the transaction
 * rolled back, until the next error on the same thread.
 */
#ifndef BIS_DB_DB_H
#define BIS_DB_DB_H
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

enum {
    DB_ROW = 1,
    DB_DONE = 0,
    DB_ERROR = -1,
    DB_CONSTRAINT = -2, /* unique or check constraint failed */
    DB_BUSY = -3,
};

struct db_conn;
struct db_stmt;

/* What a transaction is for. */
enum db_tx {
    DB_TX_WRITE,    /* reads and writes; writers wait for each other */
    DB_TX_SNAPSHOT, /* reads only, all from one consistent snapshot */
};

struct db_driver {
    const char *name;
    int (*open)(const char *target, bool create, struct db_conn **conn_r,
                const char **error_r);
    void (*close)(struct db_conn *conn);
    /* Runs a script of one or more statements without parameters. */
    int (*exec)(struct db_conn *conn, const char *sql, const char **error_r);
    int (*prepare)(struct db_conn *conn, const char *sql,
                   struct db_stmt **stmt_r, const char **error_r);
    void (*bind_text)(struct db_stmt *stmt, int idx, const char *value);
    void (*bind_int)(struct db_stmt *stmt, int idx, int64_t value);
    void (*bind_null)(struct db_stmt *stmt, int idx);
    /* DB_ROW, DB_DONE or an error code. */
    int (*step)(struct db_stmt *stmt, const char **error_r);
    int (*column_count)(struct db_stmt *stmt);
    const char *(*column_name)(struct db_stmt *stmt, int col);
    const char *(*column_text)(struct db_stmt *stmt, int col);
    int64_t (*column_int)(struct db_stmt *stmt, int col);
    bool (*column_null)(struct db_stmt *stmt, int col);
    /* Ends use of a statement (it may be cached for reuse). */
    void (*finish)(struct db_stmt *stmt);
    int (*changes)(struct db_conn *conn);
    /* Transactions: SQL text never starts or ends one (see db_begin()). */
    int (*begin)(struct db_conn *conn, enum db_tx kind, const char **error_r);
    int (*commit)(struct db_conn *conn, const char **error_r);
    void (*rollback)(struct db_conn *conn);
    /* Optional: called when the store is locked/unlocked (PostgreSQL
     * borrows a pooled connection in between, in one transaction). */
    int (*enter)(struct db_conn *conn, const char **error_r);
    void (*leave)(struct db_conn *conn);
};

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_postgres_driver;

/* PostgreSQL (postgres.c): a pool of connections shared by all stores. */
struct pg_pool;
struct pg_pool *pg_pool_new(const char *conninfo, int size);
void pg_pool_free(struct pg_pool **pool);
int pg_pool_open_count(struct pg_pool *pool);
/* A handle on the schema of store `name` ("master" or a school code). */
int db_pg_open(struct pg_pool *pool, const char *name, struct db_conn **conn_r);
const char *db_pg_schema(struct db_conn *conn);
bool db_conn_is_pg(struct db_conn *conn);

/*
 * Where the stores live: SQLite files under a data directory (the master
 * store DIR/master.sqlite, schools DIR/schools/CODE.sqlite), or schemas of
 * one PostgreSQL database ("platform", "school_CODE").
 */
struct db_backend {
    char *dir;          /* SQLite: the data directory */
    struct pg_pool *pg; /* PostgreSQL: set when the backend is PostgreSQL */
};
int db_backend_init(struct db_backend *b, const char *data_dir,
                    const char *database_url, int pool_size,
                    const char **error_r);
void db_backend_cleanup(struct db_backend *b);
/* SQLite: the file of store `name` (DIR/master.sqlite, DIR/schools/C.sqlite). */
void db_sqlite_path(const struct db_backend *b, const char *name, char *out,
                    size_t n);
/* 1 if the store `name` exists, 0 if not, -1 on error. */
int db_store_exists(const struct db_backend *b, const char *name,
                    const char **error_r);
/* Removes a store (a failed creation's leftovers). */
void db_store_remove(const struct db_backend *b, const char *name);

struct db_conn_base {
    const struct db_driver *driver;
};

/* Driver dispatch. */
int db_exec(struct db_conn *conn, const char *sql, const char **error_r);
int db_step(struct db_stmt *stmt, const char **error_r);
const char *db_text(struct db_stmt *stmt, int col); /* "" for NULL */
const char *db_text_or_null(struct db_stmt *stmt, int col);
int64_t db_int(struct db_stmt *stmt, int col);
bool db_null(struct db_stmt *stmt, int col);
int db_column_count(struct db_stmt *stmt);
const char *db_column_name(struct db_stmt *stmt, int col);
void db_finish(struct db_stmt **stmt);
int db_changes(struct db_conn *conn);
/*
 * Transactions on a connection whose store the caller holds (store_lock()).
 * Most code uses store_begin()/store_end() instead. A failed commit rolls
 * back; rolling back never replaces the message of the failure before it.
 */
int db_begin(struct db_conn *conn, enum db_tx kind, const char **error_r);
int db_commit(struct db_conn *conn, const char **error_r);
void db_rollback(struct db_conn *conn);

/*
 * Prepares `sql` and binds the variadic values described by `types`, one
 * letter each: 't' const char * (NULL binds NULL), 'i' int64_t, 'n' NULL
 * (no argument). Returns NULL on error (with *error_r set).
 */
struct db_stmt *db_query(struct db_conn *conn, const char **error_r,
                         const char *sql, const char *types, ...);
/* A value to bind, for queries whose parameters are built at run time. */
struct db_value {
    char type; /* 't' text, 'i' integer, 'n' NULL */
    const char *text;
    int64_t integer;
};
struct db_stmt *db_query_values(struct db_conn *conn, const char **error_r,
                                const char *sql, int n,
                                const struct db_value *values);
/* Like db_query, then steps to completion; DB_DONE (0) or an error code. */
int db_run(struct db_conn *conn, const char **error_r, const char *sql,
           const char *types, ...);
/* Runs a query returning one integer; `*value_r` untouched if no row. */
int db_query_int(struct db_conn *conn, const char **error_r, int64_t *value_r,
                 const char *sql, const char *types, ...);

/* A store: a connection and the lock that serializes its users. */
struct store {
    struct db_conn *conn;
    pthread_mutex_t lock;
    char name[64]; /* "master" or the school code, for logs */
};

/* Opens a SQLite file as a store. */
int store_open(struct store *store, const char *name, const char *target,
               bool create, const char **error_r);
/* Opens the store `name` ("master" or a school code) of a backend; with
 * `create`, a SQLite file may be created (PostgreSQL: see store_create). */
int store_open_named(struct store *store, const struct db_backend *b,
                     const char *name, const char **error_r);
bool store_is_pg(const struct store *store);
void store_close(struct store *store);
void store_lock(struct store *store);
void store_unlock(struct store *store);
/* Locks the store and begins a write transaction (SQLite: immediate). */
int store_begin(struct store *store, const char **error_r);
/*
 * Locks the store and begins a read-only transaction on one snapshot: every
 * read until store_end() sees the store as it was at the first, whatever
 * other connections commit meanwhile (SQLite: a deferred transaction and a
 * first read, in WAL mode; PostgreSQL: REPEATABLE READ READ ONLY).
 */
int store_begin_snapshot(struct store *store, const char **error_r);
/* Commits (ok) or rolls back (!ok), then unlocks; returns the commit result. */
int store_end(struct store *store, bool ok, const char **error_r);

#endif
