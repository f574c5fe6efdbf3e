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

#endif
