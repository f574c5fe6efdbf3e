/*
 * Support access (support.c): a platform admin's one-time ticket into a
 * guest school (10 minutes), kept hashed in the master store and audited.
 * Redeeming it is POST /api/v1/auth/support (src/http/h_auth.c). Tests:
 * tests/api/test_support_access.py and test_tenants.py.
 */
#ifndef BIS_PLATFORM_SUPPORT_H
#define BIS_PLATFORM_SUPPORT_H
#include "platform/platform.h"

#define SUPPORT_TICKET_SECONDS 600

/* Issues a ticket for school `t`: token (65 bytes) shown once, expires_r
 * (21 bytes) UTC. Runs its own transaction with the audit row. */
int support_ticket_issue(struct platform *p, const struct tenant *t,
                         int64_t user_id, const char *reason,
                         const struct actor *actor, char *token,
                         char *expires_r, const char **error_r);

/*
 * Redeems the ticket whose token hashes to `token_hash` for school
 * `tenant_id` (inside the caller's master transaction): marks it used and
 * gives the admin's id and email and the ticket's reason. 1 redeemed,
 * 0 unknown, used or expired, -1 error.
 */
int support_ticket_redeem(struct store *master, const char *token_hash,
                          int64_t tenant_id, int64_t *admin_id_r,
                          char *admin_email_r, size_t email_size,
                          char *reason_r, size_t reason_size,
                          const char **error_r);

#endif
