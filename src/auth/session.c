/*
 * Sessions, API tokens, users' identities and sign-in lockouts. A session or
 * token row lives in the store of the school (or platform) that issued it,
 * so presenting it on another school's host finds nothing: that is the
 * isolation. Only SHA-256 hashes of tokens are stored.
 */
#include <string.h>

#include "auth/auth.h"
#include "core/util.h"

enum principal_kind session_token_kind(const char *token)
{
    if (strncmp(token, "s_", 2) == 0)
        return PRINCIPAL_SCHOOL;
    if (strncmp(token, "p_", 2) == 0)
        return PRINCIPAL_PLATFORM;
    return PRINCIPAL_NONE;
}

enum principal_kind api_token_kind(const char *token)
{
    if (strncmp(token, "bis_", 4) != 0)
        return PRINCIPAL_NONE;
    return session_token_kind(token + 4);
}

static bool token_shape_ok(const char *hex)
{
    if (strlen(hex) != 64)
        return false;
    for (const char *p = hex; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

int session_create(struct store *store, enum principal_kind kind,
                   int64_t user_id, const char *role,
                   const char *support_actor, const char *ip,
                   const char *user_agent, const struct session_limits *lim,
                   char token_r[80], char csrf_r[65], const char **error_r)
{
    char hex[65], hash[65];
    random_hex(hex, 32);
    snprintf(token_r, 80, "%s_%s", kind == PRINCIPAL_PLATFORM ? "p" : "s",
             hex);
    sha256_hex(token_r, hash);
    random_hex(csrf_r, 32);
    int64_t now = time_now();
    char ua[256];
    str_copy(ua, sizeof ua, user_agent ? user_agent : "");
    if (!str_is_utf8(ua, strlen(ua)))
        ua[0] = '\0';
    /* A support session belongs to no user of this store: NULL user_id. */
    static const char sql[] =
        "INSERT INTO sessions (id_hash, user_id, support_actor, role,"
        " csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    int rc;
    if (user_id != 0)
        rc = db_run(store->conn, error_r, sql, "titttiiitt", hash, user_id,
                    support_actor, role, csrf_r, now, now,
                    now + lim->max_seconds, ip, ua);
    else
        rc = db_run(store->conn, error_r, sql, "tntttiiitt", hash,
                    support_actor, role, csrf_r, now, now,
                    now + lim->max_seconds, ip, ua);
    return rc < 0 ? -1 : 0;
}

int user_find_for_signin(struct store *store, const char *email,
                         int64_t *id_r, char *hash_r, char *role_r,
                         const char **error_r)
{
    struct db_stmt *st = db_query(
        store->conn, error_r,
        "SELECT id, password_hash, role FROM users WHERE email = ? AND"
        " disabled = 0 AND password_hash <> ''",
        "t", email);
    int rc = st ? db_step(st, error_r) : DB_ERROR;
    if (rc == DB_ROW) {
        *id_r = db_int(st, 0);
        str_copy(hash_r, PASSWORD_HASH_MAX, db_text(st, 1));
        str_copy(role_r, 32, db_text(st, 2));
    }
    db_finish(&st);
    return rc < 0 ? -1 : rc == DB_ROW;
}

int user_load(struct store *store, enum principal_kind kind, int64_t user_id,
              struct principal *who, const char **error_r)
{
    (void)kind;
    struct db_stmt *st =
        db_query(store->conn, error_r,
                 "SELECT email, name, role FROM users WHERE id = ? AND"
                 " disabled = 0",
                 "i", user_id);
    if (st == NULL)
        return -1;
    int rc = db_step(st, error_r);
    if (rc == DB_ROW) {
        str_copy(who->email, sizeof who->email, db_text(st, 0));
        str_copy(who->name, sizeof who->name, db_text(st, 1));
        str_copy(who->role, sizeof who->role, db_text(st, 2));
        who->perms = role_permissions(who->role);
        who->user_id = user_id;
        rc = 1;
    }
    db_finish(&st);
    return rc < 0 ? -1 : rc;
}

int session_lookup(struct store *store, enum principal_kind kind,
                   const char *token, const struct session_limits *lim,
                   struct principal *who, const char **error_r)
{
    if (session_token_kind(token) != kind || !token_shape_ok(token + 2))
        return 0;
    char hash[65];
    sha256_hex(token, hash);
    struct db_stmt *st = db_query(
        store->conn, error_r,
        "SELECT s.user_id, s.support_actor, s.role, s.csrf_token,"
        " s.last_seen_at, s.expires_at, u.email, u.name, u.role"
        " FROM sessions s LEFT JOIN users u ON u.id = s.user_id AND"
        " u.disabled = 0"
        " WHERE s.id_hash = ?",
        "t", hash);
    if (st == NULL)
        return -1;
    int rc = db_step(st, error_r);
    if (rc != DB_ROW) {
        db_finish(&st);
        return rc < 0 ? -1 : 0;
    }
    int64_t now = time_now();
    int64_t user_id = db_int(st, 0);
    bool support = !db_null(st, 1);
    int64_t last_seen = db_int(st, 4), expires = db_int(st, 5);
    bool user_ok = support || !db_null(st, 6);
    memset(who, 0, sizeof *who);
    who->kind = kind;
    who->user_id = support ? 0 : user_id;
    who->support = support;
    if (support) {
        str_copy(who->email, sizeof who->email, db_text(st, 1));
        snprintf(who->name, sizeof who->name, "Soporte de la plataforma");
        str_copy(who->role, sizeof who->role, db_text(st, 2));
    } else {
        str_copy(who->email, sizeof who->email, db_text(st, 6));
        str_copy(who->name, sizeof who->name, db_text(st, 7));
        str_copy(who->role, sizeof who->role, db_text(st, 8));
    }
    str_copy(who->csrf_token, sizeof who->csrf_token, db_text(st, 3));
    str_copy(who->session_hash, sizeof who->session_hash, hash);
    who->perms = role_permissions(who->role);
    db_finish(&st);
    if (!user_ok || now - last_seen > lim->idle_seconds || now >= expires) {
        db_run(store->conn, NULL, "DELETE FROM sessions WHERE id_hash = ?",
               "t", hash);
        session_cache_forget(hash);
        memset(who, 0, sizeof *who);
        return 0;
    }
    /* Refresh the idle clock at most once a minute (or twice per idle
     * period when that is shorter): reads mostly stay reads. */
    int64_t refresh = lim->idle_seconds / 2 < 60 ? lim->idle_seconds / 2 : 60;
    if (now - last_seen >= refresh)
        db_run(store->conn, NULL,
               "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", "it",
               now, hash);
    return 1;
}

int session_delete(struct store *store, const char *session_hash,
                   const char **error_r)
{
    session_cache_forget(session_hash);
    return db_run(store->conn, error_r,
                  "DELETE FROM sessions WHERE id_hash = ?", "t",
                  session_hash) < 0
               ? -1
               : 0;
}

int api_token_create(struct store *store, int64_t user_id, const char *name,
                     enum principal_kind kind, char token_r[80],
                     int64_t *id_r, const char **error_r)
{
    char hex[65], hash[65], now[21];
    random_hex(hex, 32);
    snprintf(token_r, 80, "bis_%s_%s", kind == PRINCIPAL_PLATFORM ? "p" : "s",
             hex);
    sha256_hex(token_r, hash);
    time_format_utc(time_now(), now);
    return db_query_int(store->conn, error_r, id_r,
                        "INSERT INTO api_tokens (user_id, name, token_hash,"
                        " created_at) VALUES (?, ?, ?, ?) RETURNING id",
                        "ittt", user_id, name, hash, now);
}

int api_token_lookup(struct store *store, enum principal_kind kind,
                     const char *token, struct principal *who,
                     const char **error_r)
{
    if (api_token_kind(token) != kind || !token_shape_ok(token + 6))
        return 0;
    char hash[65];
    sha256_hex(token, hash);
    struct db_stmt *st = db_query(
        store->conn, error_r,
        "SELECT t.id, t.user_id, t.last_used_at FROM api_tokens t"
        " WHERE t.token_hash = ? AND t.revoked_at IS NULL",
        "t", hash);
    if (st == NULL)
        return -1;
    int rc = db_step(st, error_r);
    if (rc != DB_ROW) {
        db_finish(&st);
        return rc < 0 ? -1 : 0;
    }
    int64_t id = db_int(st, 0), user_id = db_int(st, 1);
    char last_used[32];
    str_copy(last_used, sizeof last_used, db_text(st, 2));
    db_finish(&st);
    memset(who, 0, sizeof *who);
    who->kind = kind;
    rc = user_load(store, kind, user_id, who, error_r);
    if (rc != 1)
        return rc;
    who->via_token = true;
    who->token_id = id;
    /* Record use at minute granularity, without a write on every call. */
    char now[21];
    time_format_utc(time_now(), now);
    if (strncmp(last_used, now, 16) != 0)
        db_run(store->conn, NULL,
               "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", "ti",
               now, id);
    return 1;
}

bool login_is_locked(struct store *store, const char *email)
{
    int64_t until = 0;
    db_query_int(store->conn, NULL, &until,
                 "SELECT locked_until FROM login_failures WHERE email = ?",
                 "t", email);
    return until > time_now();
}

int login_record_failure(struct store *store, const char *email,
                         const char **error_r)
{
    int64_t now = time_now();
    /* Failures older than the lock window are forgotten. */
    if (db_run(store->conn, error_r,
               "INSERT INTO login_failures (email, failures, locked_until,"
               " last_failure_at) VALUES (?, 1, 0, ?)"
               " ON CONFLICT (email) DO UPDATE SET"
               " failures = CASE WHEN login_failures.last_failure_at < ? OR"
               "   login_failures.locked_until > 0 THEN 1"
               "   ELSE login_failures.failures + 1 END,"
               " locked_until = 0, last_failure_at = excluded.last_failure_at",
               "tii", email, now, now - LOGIN_LOCK_SECONDS) < 0)
        return -1;
    return db_run(store->conn, error_r,
                  "UPDATE login_failures SET locked_until = ?"
                  " WHERE email = ? AND failures >= ?",
                  "iti", now + LOGIN_LOCK_SECONDS, email,
                  (int64_t)LOGIN_MAX_FAILURES) < 0
               ? -1
               : 0;
}

int login_clear_failures(struct store *store, const char *email,
                         const char **error_r)
{
    return db_run(store->conn, error_r,
                  "DELETE FROM login_failures WHERE email = ?", "t",
                  email) < 0
               ? -1
               : 0;
}

int login_lock_now(struct store *store, const char *email,
                   const char **error_r)
{
    int64_t now = time_now();
    return db_run(store->conn, error_r,
                  "INSERT INTO login_failures (email, failures, locked_until,"
                  " last_failure_at) VALUES (?, ?, ?, ?)"
                  " ON CONFLICT (email) DO UPDATE SET"
                  " failures = excluded.failures,"
                  " locked_until = excluded.locked_until,"
                  " last_failure_at = excluded.last_failure_at",
                  "tiii", email, (int64_t)LOGIN_MAX_FAILURES,
                  now + LOGIN_LOCK_SECONDS, now) < 0
               ? -1
               : 0;
}

int auth_end_user_access(struct store *store, int64_t user_id,
                         const char **error_r)
{
    char now[21];
    time_format_utc(time_now(), now);
    if (db_run(store->conn, error_r, "DELETE FROM sessions WHERE user_id = ?",
               "i", user_id) < 0)
        return -1;
    return db_run(store->conn, error_r,
                  "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND"
                  " revoked_at IS NULL",
                  "ti", now, user_id) < 0
               ? -1
               : 0;
}

int auth_end_support_sessions(struct store *store, const char *admin_email,
                              const char **error_r)
{
    return db_run(store->conn, error_r,
                  "DELETE FROM sessions WHERE support_actor = ?", "t",
                  admin_email) < 0
               ? -1
               : 0;
}

int auth_cancel_support_tickets(struct store *master, int64_t user_id,
                                const char **error_r)
{
    return db_run(master->conn, error_r,
                  "UPDATE support_tickets SET expires_at = 0 WHERE user_id = ?"
                  " AND used_at IS NULL",
                  "i", user_id) < 0
               ? -1
               : 0;
}

int auth_end_all_sessions(struct store *school, const char **error_r)
{
    return db_run(school->conn, error_r, "DELETE FROM sessions", "") < 0
               ? -1
               : 0;
}
