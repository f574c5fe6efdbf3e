/*
 * Driver-independent helpers over the driver table: typed binding from a
 * format string, and the store (connection + mutex) with its transactions.
 */
#include "db/db.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

#define DRV(conn) (((struct db_conn_base *)(conn))->driver)

/* Statements remember their connection's driver in their first field too. */
struct db_stmt_base {
    const struct db_driver *driver;
};
#define SDRV(stmt) (((struct db_stmt_base *)(stmt))->driver)

int db_exec(struct db_conn *conn, const char *sql, const char **error_r)
{
    return DRV(conn)->exec(conn, sql, error_r);
}

int db_step(struct db_stmt *stmt, const char **error_r)
{
    return SDRV(stmt)->step(stmt, error_r);
}

const char *db_text(struct db_stmt *stmt, int col)
{
    const char *s = SDRV(stmt)->column_text(stmt, col);
    return s ? s : "";
}

const char *db_text_or_null(struct db_stmt *stmt, int col)
{
    if (SDRV(stmt)->column_null(stmt, col))
        return NULL;
    return SDRV(stmt)->column_text(stmt, col);
}

int64_t db_int(struct db_stmt *stmt, int col)
{
    return SDRV(stmt)->column_int(stmt, col);
}

bool db_null(struct db_stmt *stmt, int col)
{
    return SDRV(stmt)->column_null(stmt, col);
}

int db_column_count(struct db_stmt *stmt)
{
    return SDRV(stmt)->column_count(stmt);
}

const char *db_column_name(struct db_stmt *stmt, int col)
{
    return SDRV(stmt)->column_name(stmt, col);
}

void db_finish(struct db_stmt **stmt)
{
    if (*stmt != NULL)
        SDRV(*stmt)->finish(*stmt);
    *stmt = NULL;
}

int db_changes(struct db_conn *conn)
{
    return DRV(conn)->changes(conn);
}

int db_begin(struct db_conn *conn, enum db_tx kind, const char **error_r)
{
    return DRV(conn)->begin(conn, kind, error_r);
}

int db_commit(struct db_conn *conn, const char **error_r)
{
    return DRV(conn)->commit(conn, error_r);
}

void db_rollback(struct db_conn *conn)
{
    DRV(conn)->rollback(conn);
}

static struct db_stmt *db_vquery(struct db_conn *conn, const char **error_r,
                                 const char *sql, const char *types,
                                 va_list ap)
{
    const struct db_driver *d = DRV(conn);
    struct db_stmt *stmt;
    if (d->prepare(conn, sql, &stmt, error_r) < 0)
        return NULL;
    int idx = 1;
    for (const char *t = types; *t; t++, idx++) {
        switch (*t) {
        case 't': {
            const char *v = va_arg(ap, const char *);
            if (v == NULL)
                d->bind_null(stmt, idx);
            else
                d->bind_text(stmt, idx, v);
            break;
        }
        case 'i':
            d->bind_int(stmt, idx, va_arg(ap, int64_t));
            break;
        case 'n':
            d->bind_null(stmt, idx);
            break;
        default:
            abort(); /* a programming error, caught by any test */
        }
    }
    return stmt;
}

struct db_stmt *db_query(struct db_conn *conn, const char **error_r,
                         const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct db_stmt *stmt = db_vquery(conn, error_r, sql, types, ap);
    va_end(ap);
    return stmt;
}

struct db_stmt *db_query_values(struct db_conn *conn, const char **error_r,
                                const char *sql, int n,
                                const struct db_value *values)
{
    const struct db_driver *d = DRV(conn);
    struct db_stmt *stmt;
    if (d->prepare(conn, sql, &stmt, error_r) < 0)
        return NULL;
    for (int i = 0; i < n; i++) {
        if (values[i].type == 'i')
            d->bind_int(stmt, i + 1, values[i].integer);
        else if (values[i].type == 't' && values[i].text != NULL)
            d->bind_text(stmt, i + 1, values[i].text);
        else
            d->bind_null(stmt, i + 1);
    }
    return stmt;
}

int db_run(struct db_conn *conn, const char **error_r, const char *sql,
           const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct db_stmt *stmt = db_vquery(conn, error_r, sql, types, ap);
    va_end(ap);
    if (stmt == NULL)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(stmt, error_r)) == DB_ROW)
        ;
    db_finish(&stmt);
    return rc;
}

int db_query_int(struct db_conn *conn, const char **error_r, int64_t *value_r,
                 const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct db_stmt *stmt = db_vquery(conn, error_r, sql, types, ap);
    va_end(ap);
    if (stmt == NULL)
        return DB_ERROR;
    int rc = db_step(stmt, error_r);
    if (rc == DB_ROW) {
        if (!db_null(stmt, 0))
            *value_r = db_int(stmt, 0);
        rc = DB_DONE;
    }
    db_finish(&stmt);
    return rc;
}

int store_open(struct store *store, const char *name, const char *target,
               bool create, const char **error_r)
{
    memset(store, 0, sizeof *store);
    str_copy(store->name, sizeof store->name, name);
    pthread_mutex_init(&store->lock, NULL);
    if (db_sqlite_driver.open(target, create, &store->conn, error_r) < 0) {
        pthread_mutex_destroy(&store->lock);
        store->conn = NULL;
        return -1;
    }
    return 0;
}

/* DIR/master.sqlite, or DIR/schools/CODE.sqlite for a school. */
void db_sqlite_path(const struct db_backend *b, const char *name, char *out,
                    size_t n)
{
    if (strcmp(name, "master") == 0)
        snprintf(out, n, "%s/master.sqlite", b->dir);
    else
        snprintf(out, n, "%s/schools/%s.sqlite", b->dir, name);
}

int store_open_named(struct store *store, const struct db_backend *b,
                     const char *name, const char **error_r)
{
    if (b->pg == NULL) {
        char path[4096];
        db_sqlite_path(b, name, path, sizeof path);
        return store_open(store, name, path, false, error_r);
    }
    memset(store, 0, sizeof *store);
    str_copy(store->name, sizeof store->name, name);
    pthread_mutex_init(&store->lock, NULL);
    return db_pg_open(b->pg, name, &store->conn);
}

bool store_is_pg(const struct store *store)
{
    return DRV(store->conn) == &db_postgres_driver;
}

bool db_conn_is_pg(struct db_conn *conn)
{
    return DRV(conn) == &db_postgres_driver;
}

int db_backend_init(struct db_backend *b, const char *data_dir,
                    const char *database_url, int pool_size,
                    const char **error_r)
{
    memset(b, 0, sizeof *b);
    if (database_url != NULL) {
        if (strncmp(database_url, "postgresql://", 13) != 0 &&
            strncmp(database_url, "postgres://", 11) != 0) {
            *error_r = "--database must be a postgresql:// URL";
            return -1;
        }
        b->pg = pg_pool_new(database_url, pool_size);
        return 0;
    }
    if (data_dir == NULL) {
        *error_r = "--data DIR or --database URL is required";
        return -1;
    }
    b->dir = xstrdup(data_dir);
    return 0;
}

void db_backend_cleanup(struct db_backend *b)
{
    pg_pool_free(&b->pg);
    free(b->dir);
    b->dir = NULL;
}

int db_store_exists(const struct db_backend *b, const char *name,
                    const char **error_r)
{
    if (b->pg == NULL) {
        char path[4096];
        db_sqlite_path(b, name, path, sizeof path);
        return access(path, F_OK) == 0 ? 1 : 0;
    }
    struct store s;
    if (store_open_named(&s, b, name, error_r) < 0)
        return -1;
    int64_t n = 0;
    store_lock(&s);
    int rc = db_query_int(s.conn, error_r, &n,
                          "SELECT count(*) FROM pg_namespace WHERE nspname = ?",
                          "t", db_pg_schema(s.conn));
    store_unlock(&s);
    store_close(&s);
    return rc < 0 ? -1 : n > 0;
}

void db_store_remove(const struct db_backend *b, const char *name)
{
    if (b->pg == NULL) {
        char path[4096];
        db_sqlite_path(b, name, path, sizeof path);
        unlink(path);
        return;
    }
    struct store s;
    if (store_open_named(&s, b, name, NULL) < 0)
        return;
    /* the schema name is made from a validated code: quote it anyway */
    char sql[200];
    snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS \"%s\" CASCADE",
             db_pg_schema(s.conn));
    store_lock(&s);
    db_exec(s.conn, sql, NULL);
    store_unlock(&s);
    store_close(&s);
}

void store_close(struct store *store)
{
    if (store->conn == NULL)
        return;
    DRV(store->conn)->close(store->conn);
    store->conn = NULL;
    pthread_mutex_destroy(&store->lock);
}

void store_lock(struct store *store)
{
    pthread_mutex_lock(&store->lock);
}

void store_unlock(struct store *store)
{
    if (DRV(store->conn)->leave)
        DRV(store->conn)->leave(store->conn);
    pthread_mutex_unlock(&store->lock);
}

static int store_begin_kind(struct store *store, enum db_tx kind,
                            const char **error_r)
{
    store_lock(store);
    if (db_begin(store->conn, kind, error_r) < 0) {
        store_unlock(store);
        return -1;
    }
    return 0;
}

int store_begin(struct store *store, const char **error_r)
{
    return store_begin_kind(store, DB_TX_WRITE, error_r);
}

int store_begin_snapshot(struct store *store, const char **error_r)
{
    return store_begin_kind(store, DB_TX_SNAPSHOT, error_r);
}

int store_end(struct store *store, bool ok, const char **error_r)
{
    int rc = 0;
    if (ok)
        rc = db_commit(store->conn, error_r);
    else
        db_rollback(store->conn);
    store_unlock(store);
    return rc;
}
