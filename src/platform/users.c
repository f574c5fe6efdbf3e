/*
 * Creating users and changing passwords, for the CLI and the API alike. On
 * the master school's host one sign-in page serves platform users (master
 * store) and UEIPAB's school users (UEIPAB's store), so an email may name
 * only one account across the two. A new password ends everything the old
 * one opened: sessions, API tokens and, for a platform admin, support
 * tickets and the support sessions they opened in schools.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "platform/platform.h"

static int email_taken(struct store *store, const char *email, bool *taken_r,
                       const char **error_r)
{
    int64_t n = 0;
    if (db_query_int(store->conn, error_r, &n,
                     "SELECT count(*) FROM users WHERE email = ?", "t",
                     email) < 0)
        return -1;
    *taken_r = n > 0;
    return 0;
}

int user_create(struct platform *p, struct store *store, bool is_master_school,
                const char *email_in, const char *name, const char *role,
                const char *password, const struct actor *actor,
                int64_t *id_r, const char **message_r, const char **field_r,
                const char **error_r)
{
    char email[256];
    if (strlen(email_in) >= sizeof email) {
        *message_r = "El correo electrónico no es válido.";
        *field_r = "email";
        return TENANT_INVALID;
    }
    str_copy(email, sizeof email, email_in);
    str_lower(email);
    const char *msg;
    if ((msg = email_check(email)) != NULL) {
        *message_r = msg;
        *field_r = "email";
        return TENANT_INVALID;
    }
    size_t nlen = strlen(name);
    if (nlen == 0 || nlen > 200 || !str_is_utf8(name, nlen)) {
        *message_r = "El nombre es obligatorio (máximo 200 caracteres).";
        *field_r = "name";
        return TENANT_INVALID;
    }
    bool platform = strcmp(role, "platform_admin") == 0;
    if (!platform && !role_is_school_role(role)) {
        *message_r = "El rol no es válido (school_admin, teacher o parent).";
        *field_r = "role";
        return TENANT_INVALID;
    }
    if ((msg = password_check_policy(password)) != NULL) {
        *message_r = msg;
        *field_r = "password";
        return TENANT_INVALID;
    }
    /* The other half of the master host: the other store must not have it. */
    bool taken = false;
    if (user_email_elsewhere(p, platform, is_master_school, email, &taken,
                             error_r) < 0)
        return TENANT_ERROR;
    if (taken) {
        *message_r = "Ya existe una cuenta con ese correo en este plantel.";
        *field_r = "email";
        return TENANT_EXISTS;
    }
    char hash[PASSWORD_HASH_MAX];
    if (password_hash(password, hash) != 0) {
        *error_r = "password hashing failed (out of memory?)";
        return TENANT_ERROR;
    }
    char now[21];
    time_format_utc(time_now(), now);
    if (store_begin(store, error_r) < 0)
        return TENANT_ERROR;
    int64_t id = 0;
    int rc = db_query_int(store->conn, error_r, &id,
                          "INSERT INTO users (email, name, role, password_hash,"
                          " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
                          " RETURNING id",
                          "tttttt", email, name, role, hash, now, now);
    if (rc == DB_CONSTRAINT) {
        store_end(store, false, NULL);
        *message_r = "Ya existe una cuenta con ese correo.";
        *field_r = "email";
        return TENANT_EXISTS;
    }
    if (rc == 0) {
        char idstr[24];
        snprintf(idstr, sizeof idstr, "%lld", (long long)id);
        json_t *after = json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)id,
                                  "email", email, "name", name, "role", role);
        struct audit_entry e = {"create", "user", idstr, NULL, after};
        rc = audit_write(store, actor, &e, error_r);
        json_decref(after);
    }
    if (store_end(store, rc == 0, error_r) < 0 || rc < 0)
        return TENANT_ERROR;
    if (id_r)
        *id_r = id;
    return TENANT_OK;
}

int user_email_elsewhere(struct platform *p, bool platform_admin,
                         bool is_master_school, const char *email,
                         bool *taken_r, const char **error_r)
{
    *taken_r = false;
    struct store *other = NULL;
    bool other_from_pool = false;
    if (platform_admin) {
        if (pool_acquire(p->pool, MASTER_CODE, &other, error_r) != POOL_OK)
            return -1;
        other_from_pool = true;
    } else if (is_master_school) {
        other = &p->master;
    }
    if (other == NULL)
        return 0;
    store_lock(other);
    int rc = email_taken(other, email, taken_r, error_r);
    store_unlock(other);
    if (other_from_pool)
        pool_release(p->pool, other);
    return rc;
}

/*
 * A platform admin's support sessions live in the schools' stores: after a
 * new password they are ended school by school (one store at a time, after
 * the master store's transaction, keeping the lock order).
 */
int user_end_support_sessions(struct platform *p, const char *email,
                                const char **error_r)
{
    struct tenant *list = NULL;
    int n = 0;
    if (tenant_list(p, &list, &n, error_r) < 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        struct store *school = NULL;
        int prc = pool_acquire(p->pool, list[i].code, &school, error_r);
        if (prc == POOL_MISSING)
            continue;
        if (prc != POOL_OK) {
            rc = -1;
            break;
        }
        if (store_begin(school, error_r) < 0) {
            rc = -1;
        } else {
            rc = auth_end_support_sessions(school, email, error_r);
            if (store_end(school, rc == 0, error_r) < 0)
                rc = -1;
        }
        pool_release(p->pool, school);
    }
    free(list);
    return rc;
}

int user_set_password(struct platform *p, struct store *store,
                      const char *email_in, const char *password,
                      const struct actor *actor, const char **message_r,
                      const char **error_r)
{
    char email[256];
    str_copy(email, sizeof email, email_in);
    str_lower(email);
    const char *msg = password_check_policy(password);
    if (msg) {
        *message_r = msg;
        return TENANT_INVALID;
    }
    char hash[PASSWORD_HASH_MAX];
    if (password_hash(password, hash) != 0) {
        *error_r = "password hashing failed (out of memory?)";
        return TENANT_ERROR;
    }
    char now[21];
    time_format_utc(time_now(), now);
    if (store_begin(store, error_r) < 0)
        return TENANT_ERROR;
    int64_t id = 0;
    int rc = db_query_int(store->conn, error_r, &id,
                          "UPDATE users SET password_hash = ?, updated_at = ?"
                          " WHERE email = ? RETURNING id",
                          "ttt", hash, now, email);
    if (rc == 0 && id == 0) {
        store_end(store, false, NULL);
        *message_r = "No existe una cuenta con ese correo.";
        return TENANT_NOT_FOUND;
    }
    bool platform_user = store == &p->master;
    if (rc == 0) {
        /* a new password ends every session and API token (and a platform
         * admin's unused support tickets) and clears any lockout */
        rc = auth_end_user_access(store, id, error_r);
        if (rc == 0 && platform_user)
            rc = auth_cancel_support_tickets(store, id, error_r);
        if (rc == 0)
            rc = login_clear_failures(store, email, error_r);
    }
    if (rc == 0) {
        char idstr[24];
        snprintf(idstr, sizeof idstr, "%lld", (long long)id);
        struct audit_entry e = {"update", "user_password", idstr, NULL, NULL};
        rc = audit_write(store, actor, &e, error_r);
    }
    if (store_end(store, rc == 0, error_r) < 0 || rc < 0)
        return TENANT_ERROR;
    session_cache_forget_user(store->name, id);
    if (platform_user && user_end_support_sessions(p, email, error_r) < 0)
        return TENANT_ERROR;
    return TENANT_OK;
}
