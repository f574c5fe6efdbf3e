/*
 * Applies the embedded migrations. The version is the number before the
 * first '_' of the file name; files are embedded sorted by name.
 */
#include "db/migrate.h"

#include <stdlib.h>

#include "core/embedded.h"
#include "core/util.h"

/* The SQLite rendering; the PostgreSQL one has the same versions (both come
 * from the same sources, see tools/embed.c). */
static const struct embedded_file *series_files(enum migrate_series series)
{
    return series == MIGRATE_MASTER ? embedded_master_migrations
                                    : embedded_school_migrations;
}

static const struct embedded_file *files_for(struct db_conn *conn,
                                             enum migrate_series series)
{
    if (!db_conn_is_pg(conn))
        return series_files(series);
    return series == MIGRATE_MASTER ? embedded_pg_master_migrations
                                    : embedded_pg_school_migrations;
}

static int64_t file_version(const struct embedded_file *f)
{
    return strtoll(f->name, NULL, 10);
}

int64_t migrate_latest(enum migrate_series series)
{
    int64_t v = 0;
    for (const struct embedded_file *f = series_files(series); f->name; f++)
        if (file_version(f) > v)
            v = file_version(f);
    return v;
}

static const char create_table_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

int migrate_current(struct db_conn *conn, int64_t *version_r,
                    const char **error_r)
{
    if (db_exec(conn, create_table_sql, error_r) < 0)
        return MIGRATE_ERROR;
    *version_r = 0;
    if (db_query_int(conn, error_r, version_r,
                     "SELECT max(version) FROM schema_migrations", "") < 0)
        return MIGRATE_ERROR;
    return MIGRATE_OK;
}

int migrate_apply_in_tx(struct db_conn *conn, enum migrate_series series,
                        const char **error_r)
{
    int64_t current;
    if (migrate_current(conn, &current, error_r) < 0)
        return MIGRATE_ERROR;
    if (current > migrate_latest(series)) {
        if (error_r)
            *error_r = "store is newer than this binary";
        return MIGRATE_TOO_NEW;
    }
    char now[21];
    time_format_utc(time_now(), now);
    for (const struct embedded_file *f = files_for(conn, series); f->name;
         f++) {
        int64_t v = file_version(f);
        if (v <= current)
            continue;
        if (db_exec(conn, (const char *)f->data, error_r) < 0)
            return MIGRATE_ERROR;
        if (db_run(conn, error_r,
                   "INSERT INTO schema_migrations (version, name, applied_at)"
                   " VALUES (?, ?, ?)",
                   "itt", v, f->name, now) < 0)
            return MIGRATE_ERROR;
    }
    return MIGRATE_OK;
}

int migrate_store(struct db_conn *conn, enum migrate_series series,
                  int64_t *from_r, int64_t *to_r, const char **error_r)
{
    int64_t current;
    if (migrate_current(conn, &current, error_r) < 0)
        return MIGRATE_ERROR;
    if (from_r)
        *from_r = current;
    if (to_r)
        *to_r = current;
    int64_t latest = migrate_latest(series);
    if (current > latest) {
        if (error_r)
            *error_r = "store is newer than this binary";
        return MIGRATE_TOO_NEW;
    }
    if (current == latest)
        return MIGRATE_OK;
    if (db_begin(conn, DB_TX_WRITE, error_r) < 0)
        return MIGRATE_ERROR;
    /* Re-read inside the transaction: another process may have migrated. */
    int rc = migrate_apply_in_tx(conn, series, error_r);
    if (rc != MIGRATE_OK) {
        db_rollback(conn);
        return rc;
    }
    if (db_commit(conn, error_r) < 0)
        return MIGRATE_ERROR;
    if (to_r)
        *to_r = latest;
    return MIGRATE_OK;
}
