/*
 * Driver-independent helpers over the driver table: typed binding from a
 * format string, and the store (connection + mutex) with its transactions.
 */
#include "db/db.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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
    pthread_mutex_unlock(&store->lock);
}

int store_begin(struct store *store, const char **error_r)
{
    store_lock(store);
    if (db_exec(store->conn, "BEGIN IMMEDIATE", error_r) < 0) {
        store_unlock(store);
        return -1;
    }
    return 0;
}

int store_end(struct store *store, bool ok, const char **error_r)
{
    int rc = 0;
    if (ok) {
        rc = db_exec(store->conn, "COMMIT", error_r);
        if (rc < 0)
            db_exec(store->conn, "ROLLBACK", NULL);
    } else {
        db_exec(store->conn, "ROLLBACK", NULL);
    }
    store_unlock(store);
    return rc;
}
