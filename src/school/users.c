/*
 * The school's users as the school sees them (see school.h): the list of
 * accounts of its store, paged by id.
 */
#include "auth/auth.h"
#include "db/rows.h"
#include "school/school.h"

static json_t *user_row(struct db_stmt *st, void *school)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:O,s:b}", "id",
                     (json_int_t)db_int(st, 0), "email", db_text(st, 1),
                     "name", db_text(st, 2), "role", db_text(st, 3),
                     "role_label", role_label(db_text(st, 3)), "created_at",
                     db_text(st, 4), "school", (json_t *)school, "support",
                     0);
}

int school_users_list(struct store *s, int64_t after_id, int limit,
                      json_t *school, json_t **items_r, int64_t *next_r,
                      const char **error_r)
{
    const struct db_value v[] = {{'i', NULL, after_id},
                                 {'i', NULL, (int64_t)limit + 1}};
    bool more = false;
    if (store_rows_json(s,
                        "SELECT id, email, name, role, created_at FROM users"
                        " WHERE id > ? ORDER BY id LIMIT ?",
                        2, v, limit, user_row, school, items_r, &more,
                        error_r) < 0)
        return -1;
    size_t n = json_array_size(*items_r);
    *next_r = more && n ? json_integer_value(json_object_get(
                              json_array_get(*items_r, n - 1), "id"))
                        : 0;
    return 0;
}
