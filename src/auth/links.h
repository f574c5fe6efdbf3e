/*
 * One-time account links (links.c): the only way a person sets a password
 * through the web. An invitation link (7 days) lets a newly invited user
 * (a school's teacher, parent or admin, a new school's first admin, a
 * platform admin) choose a first password; a reset link (1 hour) lets a
 * user who forgot theirs choose a new one. A link is a random token mailed
 * to the person; only its hash is stored (`account_links`, in the store the
 * account lives in). It works once, on the host of its own school; using
 * it ends the user's other sessions and API tokens.
 */
#ifndef BIS_AUTH_LINKS_H
#define BIS_AUTH_LINKS_H
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "db/db.h"

struct platform;
struct tenant;

#define LINK_INVITATION "invitation"
#define LINK_RESET "reset"
#define LINK_INVITATION_SECONDS (7 * 86400)
#define LINK_RESET_SECONDS 3600
/* The web page that opens a link: BASE_URL + LINK_PATH + token. */
#define LINK_PATH "/clave/"

/*
 * Creates a link for `user_id` inside the caller's write transaction on
 * `store`; earlier unused links of the same purpose for that user stop
 * working. Writes the token (64 hex characters) to token_r.
 */
int account_link_create(struct store *store, int64_t user_id,
                        const char *purpose, const struct actor *actor,
                        char token_r[65], const char **error_r);

/*
 * Invites a person: creates the account without a password (it cannot
 * sign in until the link is used), or reuses an account of that email
 * that has no password yet, creates its invitation link and queues the
 * `account_invitation` mail (mail_enqueue) with the link built on
 * `base_url` (the school's public URL from request_link, no trailing
 * slash), all in one transaction of `store` with an audit row. `t` is the
 * school (NULL with platform_admin for a platform admin in the master
 * store). Returns TENANT_OK, TENANT_INVALID (message_r, field_r: Spanish),
 * TENANT_EXISTS (an account with a password has that email) or
 * TENANT_ERROR.
 */
int account_invite(struct platform *p, struct store *store,
                   const struct tenant *t, bool platform_admin,
                   const char *email, const char *name, const char *role,
                   const char *cargo, const char *base_url,
                   const struct actor *actor, int64_t *user_id_r,
                   const char **message_r, const char **field_r,
                   const char **error_r);

/* ---- Used by the people part's handlers (added with links.c) ---------- */

/* What a link is when someone opens it. */
enum link_state {
    LINK_VALID = 0,
    LINK_UNKNOWN,  /* no such link in this store (or not a link at all) */
    LINK_EXPIRED,
    LINK_USED,
    LINK_REPLACED, /* a newer link of the same purpose was sent */
    LINK_DISABLED, /* the account was disabled */
};

struct account_link {
    int64_t id, user_id;
    char purpose[16];
    char email[256], name[256], role[32];
    enum link_state state;
};

/*
 * A token is 8 hex characters naming the store it was made for (the first
 * 8 of SHA-256 of the store's name: "master" or the school code) and 56
 * random ones, so that a link of one school opened on another's host can
 * be told apart from a mistyped one without searching every store.
 */
void account_link_tag(const char *store_name, char tag_r[9]);
/* 64 lowercase hex characters. */
bool account_link_token_ok(const char *token);

/* Looks a link up (store_lock or a transaction held). 0 with *link_r
 * filled (state LINK_UNKNOWN when there is none), -1 on a store error. */
int account_link_find(struct store *store, const char *token,
                      struct account_link *link_r, const char **error_r);

/*
 * Uses a link inside the caller's write transaction when it is still
 * valid (link_r->state LINK_VALID afterwards): stores `password_hash`,
 * marks the link used and voids the user's other unused links, ends every
 * session and API token of the user (and forgets them in the session
 * cache), clears the sign-in lockout and writes the audit row. Returns 0
 * (check link_r->state) or -1.
 */
int account_link_use(struct store *store, const char *token,
                     const char *password_hash, const char *ip,
                     const char *request_id, struct account_link *link_r,
                     const char **error_r);

/*
 * The store half of account_invite(), inside the caller's transaction:
 * the account (new, or the invited one of that email, whose name, role
 * and cargo are updated) and its invitation link, audited. `email` is
 * lowercased and checked by the caller. Returns 0, 1 when an account
 * with a password has that email (nothing written), -1 on error.
 */
int account_invite_write(struct store *store, const char *email,
                         const char *name, const char *role,
                         const char *cargo, const struct actor *actor,
                         int64_t *user_id_r, char token_r[65],
                         const char **error_r);

/*
 * Mails an existing account a new link (src/http/account_invite.c): an
 * invitation again (the account has no password yet) or a password reset
 * (it has one), voiding the older link of that purpose, with the mail and
 * the audit row in one transaction. `t` is the school (NULL: platform
 * mail). ACCOUNT_OK, ACCOUNT_NOT_FOUND, ACCOUNT_INVALID (*message_r: the
 * account is disabled, or in the wrong state for that link) or -1.
 */
int account_send_link(struct store *store, const struct tenant *t,
                      int64_t user_id, const char *purpose,
                      const char *base_url, const struct actor *actor,
                      const char **message_r, const char **error_r);

#endif
