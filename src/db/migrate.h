/*
 * Schema migrations: numbered SQL files (migrations/master/NNN_name.sql and
 * migrations/school/NNN_name.sql), written once for every backend and
 * rendered per dialect at build time (db/dialect.h), compiled into the binary. Each store
 * records the versions it has in `schema_migrations`; all pending migrations
 * of one store apply in one transaction, so a store is always at a version
 * the binary knows, never half way (a crash leaves it at the old version and
 * the next run resumes).
 */
#ifndef BIS_DB_MIGRATE_H
#define BIS_DB_MIGRATE_H
#include <stdint.h>

#include "db/db.h"

enum migrate_series { MIGRATE_MASTER, MIGRATE_SCHOOL };

enum {
    MIGRATE_OK = 0,
    MIGRATE_ERROR = -1,
    MIGRATE_TOO_NEW = -2, /* the store is newer than this binary */
};

/* The highest version this binary knows for a series. */
int64_t migrate_latest(enum migrate_series series);
/* The store's current version (0 for an empty store). */
int migrate_current(struct db_conn *conn, int64_t *version_r,
                    const char **error_r);
/*
 * Brings the store to the latest version in one transaction. *from_r and
 * *to_r (optional) receive the versions before and after.
 */
/* Applies pending migrations inside the caller's transaction. */
int migrate_apply_in_tx(struct db_conn *conn, enum migrate_series series,
                        const char **error_r);
int migrate_store(struct db_conn *conn, enum migrate_series series,
                  int64_t *from_r, int64_t *to_r, const char **error_r);

#endif
