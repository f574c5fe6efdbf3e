/*
 * store_rows_json() (see rows.h): the loop every list shares.
 */
#include "db/rows.h"

int store_rows_json(struct store *s, const char *sql, int n,
                    const struct db_value *values, int limit,
                    db_row_json_fn row, void *ctx, json_t **items_r,
                    bool *more_r, const char **error_r)
{
    bool more = false;
    int count = 0;
    store_lock(s);
    struct db_stmt *st = db_query_values(s->conn, error_r, sql, n, values);
    json_t *items = json_array();
    int rc = st ? DB_ROW : DB_ERROR;
    while (st && (rc = db_step(st, error_r)) == DB_ROW) {
        if (limit > 0 && count == limit) {
            more = true;
            break;
        }
        json_array_append_new(items, row(st, ctx));
        count++;
    }
    db_finish(&st);
    store_unlock(s);
    if (rc < 0) {
        json_decref(items);
        return -1;
    }
    *items_r = items;
    if (more_r)
        *more_r = more;
    return 0;
}
