/*
 * A user's API tokens as the user manages them (tokens.c): list, create
 * (with its audit row), revoke. Minting and looking a token up at sign-in
 * stay in session.c (api_token_create, api_token_lookup). Handlers:
 * src/http/h_tokens.c; tests: tests/api/test_csrf_and_tokens.py.
 */
#ifndef BIS_AUTH_TOKENS_H
#define BIS_AUTH_TOKENS_H
#include <jansson.h>
#include <stdint.h>

#include "auth/auth.h"

/* The user's live tokens, newest first, as JSON items. */
int tokens_list(struct store *s, int64_t user_id, json_t **items_r,
                const char **error_r);
/* Creates one and its audit row; token (80 bytes) is shown once. */
int tokens_issue(struct store *s, int64_t user_id, enum principal_kind kind,
                 const char *name, const struct actor *actor, char *token,
                 int64_t *id_r, const char **error_r);
/* 1 revoked (audited), 0 no such live token of this user, -1 error. */
int tokens_revoke(struct store *s, int64_t user_id, int64_t id,
                  const struct actor *actor, const char **error_r);

#endif
