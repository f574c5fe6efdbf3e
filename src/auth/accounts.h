/*
 * The people of one store, as their admin lists and changes them
 * (accounts.c): a school's users (school admins) or the platform admins
 * (the master store). Creating one goes through an invitation
 * (account_invite(), links.h) or user_create() (platform/users.c).
 *
 * A user as JSON: {id, email, name, role, role_label, created_at, cargo
 * (null when unset), state ("invited", "active", "disabled"), support:
 * false, school (when given)}.
 */
#ifndef BIS_AUTH_ACCOUNTS_H
#define BIS_AUTH_ACCOUNTS_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "db/db.h"

enum {
    ACCOUNT_OK = 0,
    ACCOUNT_INVALID = 1,   /* *message_r and *field_r: Spanish */
    ACCOUNT_NOT_FOUND = 2,
};

/* A page of users with id > after_id; *next_r the next cursor (0: none).
 * `school` (borrowed, may be NULL) is each item's "school". Takes the
 * store's lock itself. */
int account_list(struct store *s, int64_t after_id, int limit, json_t *school,
                 json_t **items_r, int64_t *next_r, const char **error_r);

/* One user (store_lock or a transaction held): 1 found, 0 not, -1. */
int account_get(struct store *s, int64_t id, json_t *school, json_t **user_r,
                const char **error_r);

/* What PATCH may change; NULL / -1 / !has_cargo: unchanged. */
struct account_change {
    const char *name;
    const char *role;
    bool has_cargo;
    char cargo[64]; /* "" clears it */
    int disabled;   /* -1 unchanged, 0 enable, 1 disable */
};

/*
 * Changes a user in one transaction with its audit row (only what
 * changed). The actor may not disable themselves or change their own
 * role (ACCOUNT_INVALID). Disabling ends their sessions and API tokens.
 * *user_r the user after. ACCOUNT_OK, ACCOUNT_INVALID, ACCOUNT_NOT_FOUND
 * or -1.
 */
int account_update(struct store *s, int64_t id,
                   const struct account_change *c, const struct actor *actor,
                   json_t *school, json_t **user_r, const char **message_r,
                   const char **field_r, const char **error_r);

/* The account an email names (store_lock held): 1 with its id, name and
 * whether it is enabled; 0 none; -1 error. */
int account_find_by_email(struct store *s, const char *email, int64_t *id_r,
                          char *name_r, size_t name_size, bool *usable_r,
                          const char **error_r);

#endif
