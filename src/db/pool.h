/*
 * A bounded pool of open school stores. A request acquires its school's
 * store (opening the file on first use, checking its schema version) and
 * releases it when done; when more than `max_open` stores are open the least
 * recently used idle ones are closed, so a thousand schools do not need a
 * thousand open files.
 */
#ifndef BIS_DB_POOL_H
#define BIS_DB_POOL_H
#include <stdbool.h>

#include "db/db.h"

struct school_pool;

enum {
    POOL_OK = 0,
    POOL_ERROR = -1,
    POOL_TOO_NEW = -2,   /* store newer than the binary */
    POOL_OUTDATED = -3,  /* store older and auto-migration is off */
    POOL_MISSING = -4,   /* no store file */
};

/* `backend` must outlive the pool. */
struct school_pool *pool_new(const struct db_backend *backend, int max_open,
                             bool auto_migrate);
void pool_free(struct school_pool **pool);
/* On success *store_r is usable until pool_release(). */
int pool_acquire(struct school_pool *pool, const char *code,
                 struct store **store_r, const char **error_r);
void pool_release(struct school_pool *pool, struct store *store);
/* Closes the store of `code` if it is open and idle (after a restore, say). */
void pool_forget(struct school_pool *pool, const char *code);
/* Closes the store of `code`, waiting up to timeout_ms for its users to
 * release it (a school being deleted); 0 closed or not open, -1 still in
 * use. */
int pool_forget_wait(struct school_pool *pool, const char *code,
                     int timeout_ms);
int pool_open_count(struct school_pool *pool);

#endif
