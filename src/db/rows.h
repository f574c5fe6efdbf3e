/*
 * Reading a list (rows.c): runs one query under the store's lock and turns
 * each row into a JSON value with a small function of the caller's, so a
 * feature module's list is its SQL and its row shape, nothing else. Stops
 * after `limit` rows (0: no limit) and says whether there were more (for
 * pages: the caller asks for one row past the page by passing the page
 * size as `limit` and a SQL LIMIT of one more).
 */
#ifndef BIS_DB_ROWS_H
#define BIS_DB_ROWS_H
#include <jansson.h>
#include <stdbool.h>

#include "db/db.h"

/* One row as JSON (new reference); NULL is a defect of the caller. */
typedef json_t *(*db_row_json_fn)(struct db_stmt *st, void *ctx);

/* *items_r a new array on success; -1 (and *error_r) on a store error. */
int store_rows_json(struct store *s, const char *sql, int n,
                    const struct db_value *values, int limit,
                    db_row_json_fn row, void *ctx, json_t **items_r,
                    bool *more_r, const char **error_r);

#endif
