/*
 * The school's users as the school sees them (see school.h): the list of
 * accounts of its store, paged by id.
 */
#include "auth/auth.h"
#include "school/school.h"

int school_users_list(struct store *s, int64_t after_id, int limit,
                      json_t *school, json_t **items_r, int64_t *next_r,
                      const char **error_r)
{
    store_lock(s);
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT id, email, name, role, created_at FROM users WHERE id > ?"
        " ORDER BY id LIMIT ?",
        "ii", after_id, (int64_t)limit + 1);
    json_t *items = json_array();
    int rc = st ? DB_ROW : DB_ERROR, n = 0;
    int64_t last = 0;
    bool more = false;
    while (st && (rc = db_step(st, error_r)) == DB_ROW) {
        if (n == limit) {
            more = true;
            break;
        }
        last = db_int(st, 0);
        json_array_append_new(
            items,
            json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:O,s:b}", "id",
                      (json_int_t)last, "email", db_text(st, 1), "name",
                      db_text(st, 2), "role", db_text(st, 3), "role_label",
                      role_label(db_text(st, 3)), "created_at",
                      db_text(st, 4), "school", school, "support", 0));
        n++;
    }
    db_finish(&st);
    store_unlock(s);
    if (rc < 0) {
        json_decref(items);
        return -1;
    }
    *items_r = items;
    *next_r = more ? last : 0;
    return 0;
}
