/*
 * One-time account links (see links.h): making them, finding them and
 * using them, in the store the account lives in. A token is 64 hex
 * characters: an 8-character tag of the store it was made for, then 28
 * random bytes; only its SHA-256 is stored. A link is valid until it
 * expires (expires_at, epoch seconds), is used (used_at) or is replaced by
 * a newer link of the same purpose (voided_at); its account must not be
 * disabled. Using one sets the password and ends everything the old
 * password opened, in the caller's transaction with its audit row.
 *
 * account_invite() itself, which also needs the platform (an email's
 * other store) and the mail queue, lives above this layer
 * (src/http/account_invite.c); its store half is account_invite_write().
 */
#include "auth/links.h"

#include <stdio.h>
#include <string.h>

#include "core/util.h"

void account_link_tag(const char *store_name, char tag_r[9])
{
    char h[65];
    sha256_hex(store_name, h);
    memcpy(tag_r, h, 8);
    tag_r[8] = '\0';
}

bool account_link_token_ok(const char *token)
{
    size_t n = 0;
    for (const char *p = token; *p; p++, n++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return n == 64;
}

int account_link_create(struct store *store, int64_t user_id,
                        const char *purpose, const struct actor *actor,
                        char token_r[65], const char **error_r)
{
    bool reset = strcmp(purpose, LINK_RESET) == 0;
    if (!reset && strcmp(purpose, LINK_INVITATION) != 0) {
        *error_r = "unknown link purpose";
        return -1;
    }
    char tag[9], rnd[57], hash[65], now[21];
    account_link_tag(store->name, tag);
    random_hex(rnd, 28);
    snprintf(token_r, 65, "%s%s", tag, rnd);
    sha256_hex(token_r, hash);
    int64_t t = time_now();
    time_format_utc(t, now);
    /* a newer link voids the older ones of the same purpose */
    if (db_run(store->conn, error_r,
               "UPDATE account_links SET voided_at = ? WHERE user_id = ? AND"
               " purpose = ? AND used_at IS NULL AND voided_at IS NULL",
               "iit", t, user_id, purpose) < 0)
        return -1;
    int64_t expires =
        t + (reset ? LINK_RESET_SECONDS : LINK_INVITATION_SECONDS);
    return db_run(store->conn, error_r,
                  "INSERT INTO account_links (token_hash, user_id, purpose,"
                  " expires_at, created_by, created_at)"
                  " VALUES (?, ?, ?, ?, ?, ?)",
                  "tititt", hash, user_id, purpose, expires,
                  actor && actor->email ? actor->email : "", now) < 0
               ? -1
               : 0;
}

int account_link_find(struct store *store, const char *token,
                      struct account_link *l, const char **error_r)
{
    memset(l, 0, sizeof *l);
    l->state = LINK_UNKNOWN;
    if (!account_link_token_ok(token))
        return 0;
    char hash[65];
    sha256_hex(token, hash);
    struct db_stmt *st = db_query(
        store->conn, error_r,
        "SELECT l.id, l.user_id, l.purpose, l.expires_at, l.used_at,"
        " l.voided_at, u.email, u.name, u.role, u.disabled"
        " FROM account_links l JOIN users u ON u.id = l.user_id"
        " WHERE l.token_hash = ?",
        "t", hash);
    if (st == NULL)
        return -1;
    int rc = db_step(st, error_r);
    if (rc == DB_ROW) {
        l->id = db_int(st, 0);
        l->user_id = db_int(st, 1);
        str_copy(l->purpose, sizeof l->purpose, db_text(st, 2));
        str_copy(l->email, sizeof l->email, db_text(st, 6));
        str_copy(l->name, sizeof l->name, db_text(st, 7));
        str_copy(l->role, sizeof l->role, db_text(st, 8));
        /* the order of the checks is the order a person can fix them */
        if (db_int(st, 9) != 0)
            l->state = LINK_DISABLED;
        else if (!db_null(st, 4))
            l->state = LINK_USED;
        else if (!db_null(st, 5))
            l->state = LINK_REPLACED;
        else if (db_int(st, 3) <= time_now())
            l->state = LINK_EXPIRED;
        else
            l->state = LINK_VALID;
    }
    db_finish(&st);
    return rc < 0 ? -1 : 0;
}

int account_link_use(struct store *store, const char *token,
                     const char *password_hash, const char *ip,
                     const char *request_id, struct account_link *l,
                     const char **error_r)
{
    /* read again inside the write transaction: two uses cannot both win */
    if (account_link_find(store, token, l, error_r) < 0)
        return -1;
    if (l->state != LINK_VALID)
        return 0;
    int64_t t = time_now();
    char now[21], idstr[24];
    time_format_utc(t, now);
    int rc = db_run(store->conn, error_r,
                    "UPDATE users SET password_hash = ?, updated_at = ?"
                    " WHERE id = ?",
                    "tti", password_hash, now, l->user_id);
    if (rc == 0)
        rc = db_run(store->conn, error_r,
                    "UPDATE account_links SET used_at = ? WHERE id = ?", "ii",
                    t, l->id);
    if (rc == 0)
        rc = db_run(store->conn, error_r,
                    "UPDATE account_links SET voided_at = ? WHERE user_id = ?"
                    " AND used_at IS NULL AND voided_at IS NULL",
                    "ii", t, l->user_id);
    if (rc == 0)
        rc = auth_end_user_access(store, l->user_id, error_r);
    if (rc == 0)
        rc = login_clear_failures(store, l->email, error_r);
    if (rc == 0) {
        snprintf(idstr, sizeof idstr, "%lld", (long long)l->user_id);
        struct actor who = {l->user_id, l->email, l->role, ip, request_id};
        json_t *after = json_pack("{s:s}", "purpose", l->purpose);
        struct audit_entry e = {"link_used", "user_password", idstr, NULL,
                                after};
        rc = audit_write(store, &who, &e, error_r);
        json_decref(after);
    }
    if (rc < 0)
        return -1;
    session_cache_forget_user(store->name, l->user_id);
    return 0;
}

int account_invite_write(struct store *store, const char *email,
                         const char *name, const char *role,
                         const char *cargo, const struct actor *actor,
                         int64_t *user_id_r, char token_r[65],
                         const char **error_r)
{
    struct db_stmt *st =
        db_query(store->conn, error_r,
                 "SELECT id, password_hash, name, role, cargo FROM users"
                 " WHERE email = ?",
                 "t", email);
    if (st == NULL)
        return -1;
    int step = db_step(st, error_r);
    int64_t id = 0;
    json_t *before = NULL;
    if (step == DB_ROW) {
        if (db_text(st, 1)[0] != '\0') {
            db_finish(&st);
            return 1;
        }
        id = db_int(st, 0);
        before = json_pack("{s:s,s:s,s:s?}", "name", db_text(st, 2), "role",
                           db_text(st, 3), "cargo", db_text_or_null(st, 4));
    }
    db_finish(&st);
    if (step < 0)
        return -1;
    char now[21], idstr[24];
    time_format_utc(time_now(), now);
    const char *c = cargo && cargo[0] ? cargo : NULL;
    int rc;
    if (id == 0)
        rc = db_query_int(store->conn, error_r, &id,
                          "INSERT INTO users (email, name, role, password_hash,"
                          " cargo, created_at, updated_at)"
                          " VALUES (?, ?, ?, '', ?, ?, ?) RETURNING id",
                          "tttttt", email, name, role, c, now, now);
    else
        rc = db_run(store->conn, error_r,
                    "UPDATE users SET name = ?, role = ?, cargo = ?,"
                    " updated_at = ? WHERE id = ?",
                    "tttti", name, role, c, now, id);
    if (rc == DB_CONSTRAINT) {
        json_decref(before);
        return 1;
    }
    if (rc == 0)
        rc = account_link_create(store, id, LINK_INVITATION, actor, token_r,
                                 error_r);
    if (rc == 0) {
        snprintf(idstr, sizeof idstr, "%lld", (long long)id);
        json_t *after = json_pack("{s:I,s:s,s:s,s:s,s:s?}", "id",
                                  (json_int_t)id, "email", email, "name",
                                  name, "role", role, "cargo", c);
        struct audit_entry e = {"invite", "user", idstr, before, after};
        rc = audit_write(store, actor, &e, error_r);
        json_decref(after);
    }
    json_decref(before);
    if (rc < 0)
        return -1;
    *user_id_r = id;
    return 0;
}
