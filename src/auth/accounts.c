/*
 * The people of a store as their admin sees and changes them (see
 * accounts.h): a school admin over the school's users, a platform admin
 * over platform admins (the master store's users); the tables are the
 * same, so is the SQL. A user's state is "invited" (no password yet: their
 * invitation link is pending), "active" or "disabled". Disabling ends the
 * user's sessions and API tokens in the same transaction and drops their
 * cached sessions at once; enabling again does not bring them back.
 */
#include "auth/accounts.h"

#include <string.h>

#include "core/util.h"
#include "db/rows.h"

#define ACCOUNT_COLUMNS                                                      \
    "SELECT id, email, name, role, created_at, cargo, disabled,"             \
    " CASE WHEN password_hash = '' THEN 0 ELSE 1 END FROM users"

static const char *state_of(struct db_stmt *st)
{
    return db_int(st, 6) ? "disabled" : db_int(st, 7) ? "active" : "invited";
}

static json_t *account_row(struct db_stmt *st, void *school)
{
    json_t *j = json_pack(
        "{s:I,s:s,s:s,s:s,s:s,s:s,s:s?,s:s,s:b}", "id",
        (json_int_t)db_int(st, 0), "email", db_text(st, 1), "name",
        db_text(st, 2), "role", db_text(st, 3), "role_label",
        role_label(db_text(st, 3)), "created_at", db_text(st, 4), "cargo",
        db_text_or_null(st, 5), "state", state_of(st), "support", 0);
    if (j && school)
        json_object_set(j, "school", (json_t *)school);
    return j;
}

int account_list(struct store *s, int64_t after_id, int limit, json_t *school,
                 json_t **items_r, int64_t *next_r, const char **error_r)
{
    const struct db_value v[] = {{'i', NULL, after_id},
                                 {'i', NULL, (int64_t)limit + 1}};
    bool more = false;
    if (store_rows_json(s, ACCOUNT_COLUMNS " WHERE id > ? ORDER BY id LIMIT ?",
                        2, v, limit, account_row, school, items_r, &more,
                        error_r) < 0)
        return -1;
    size_t n = json_array_size(*items_r);
    *next_r = more && n ? json_integer_value(json_object_get(
                              json_array_get(*items_r, n - 1), "id"))
                        : 0;
    return 0;
}

int account_get(struct store *s, int64_t id, json_t *school, json_t **user_r,
                const char **error_r)
{
    *user_r = NULL;
    struct db_stmt *st =
        db_query(s->conn, error_r, ACCOUNT_COLUMNS " WHERE id = ?", "i", id);
    if (st == NULL)
        return -1;
    int rc = db_step(st, error_r);
    if (rc == DB_ROW)
        *user_r = account_row(st, school);
    db_finish(&st);
    return rc < 0 ? -1 : rc == DB_ROW;
}

/* Adds key: before -> after to the audit pair when it changed. */
static void diff(json_t *before, json_t *after, const char *key,
                 json_t *old, json_t *new)
{
    if (!json_equal(old, new)) {
        json_object_set(before, key, old);
        json_object_set(after, key, new);
    }
}

int account_update(struct store *s, int64_t id,
                   const struct account_change *c, const struct actor *actor,
                   json_t *school, json_t **user_r, const char **message_r,
                   const char **field_r, const char **error_r)
{
    *user_r = NULL;
    if (store_begin(s, error_r) < 0)
        return -1;
    json_t *cur = NULL;
    int rc = account_get(s, id, NULL, &cur, error_r);
    if (rc <= 0) {
        store_end(s, false, NULL);
        return rc < 0 ? -1 : ACCOUNT_NOT_FOUND;
    }
    const char *role = c->role ? c->role : json_string_value(json_object_get(cur, "role"));
    bool was_disabled =
        strcmp(json_string_value(json_object_get(cur, "state")), "disabled") ==
        0;
    bool disabled = c->disabled < 0 ? was_disabled : c->disabled == 1;
    bool self = actor->user_id == id;
    if (self && disabled && !was_disabled) {
        json_decref(cur);
        store_end(s, false, NULL);
        *field_r = "disabled";
        *message_r = "No puede desactivar su propia cuenta: pídaselo a otra "
                     "persona con el mismo rol.";
        return ACCOUNT_INVALID;
    }
    if (self && strcmp(role, json_string_value(json_object_get(cur, "role"))) !=
                    0) {
        json_decref(cur);
        store_end(s, false, NULL);
        *field_r = "role";
        *message_r = "No puede cambiar su propio rol: pídaselo a otra "
                     "persona con el mismo rol.";
        return ACCOUNT_INVALID;
    }
    const char *name =
        c->name ? c->name : json_string_value(json_object_get(cur, "name"));
    json_t *old_cargo = json_object_get(cur, "cargo");
    const char *cargo = c->has_cargo ? (c->cargo[0] ? c->cargo : NULL)
                        : json_is_string(old_cargo)
                            ? json_string_value(old_cargo)
                            : NULL;
    char now[21], idstr[24];
    time_format_utc(time_now(), now);
    rc = db_run(s->conn, error_r,
                "UPDATE users SET name = ?, role = ?, cargo = ?, disabled = ?,"
                " updated_at = ? WHERE id = ?",
                "tttiti", name, role, cargo, (int64_t)disabled, now, id);
    if (rc == 0 && disabled && !was_disabled)
        rc = auth_end_user_access(s, id, error_r);
    json_t *before = json_object(), *after = json_object();
    if (rc == 0) {
        json_t *v;
        diff(before, after, "name", json_object_get(cur, "name"),
             v = json_string(name));
        json_decref(v);
        diff(before, after, "role", json_object_get(cur, "role"),
             v = json_string(role));
        json_decref(v);
        v = cargo ? json_string(cargo) : json_null();
        diff(before, after, "cargo", old_cargo ? old_cargo : json_null(), v);
        json_decref(v);
        if (disabled != was_disabled) {
            json_object_set_new(before, "disabled", json_boolean(was_disabled));
            json_object_set_new(after, "disabled", json_boolean(disabled));
        }
        if (json_object_size(after) > 0) {
            snprintf(idstr, sizeof idstr, "%lld", (long long)id);
            struct audit_entry e = {"update", "user", idstr, before, after};
            rc = audit_write(s, actor, &e, error_r);
        }
    }
    json_decref(before);
    json_decref(after);
    json_decref(cur);
    if (rc == 0)
        rc = account_get(s, id, school, user_r, error_r) == 1 ? 0 : -1;
    if (store_end(s, rc == 0, error_r) < 0 || rc < 0) {
        json_decref(*user_r);
        *user_r = NULL;
        return -1;
    }
    if (disabled && !was_disabled)
        session_cache_forget_user(s->name, id);
    return ACCOUNT_OK;
}

int account_find_by_email(struct store *s, const char *email, int64_t *id_r,
                          char *name_r, size_t name_size, bool *usable_r,
                          const char **error_r)
{
    struct db_stmt *st = db_query(
        s->conn, error_r, "SELECT id, name, disabled FROM users WHERE email = ?",
        "t", email);
    if (st == NULL)
        return -1;
    int rc = db_step(st, error_r);
    if (rc == DB_ROW) {
        *id_r = db_int(st, 0);
        str_copy(name_r, name_size, db_text(st, 1));
        *usable_r = db_int(st, 2) == 0;
    }
    db_finish(&st);
    return rc < 0 ? -1 : rc == DB_ROW;
}
