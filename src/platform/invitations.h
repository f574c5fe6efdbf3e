/*
 * Invitations (invitations.c): the platform admin invites a school by name
 * and contact email; the contact opens a one-time link (14 days) and the
 * school is created. The SQL of tenant_invitations lives here; the
 * handlers are src/http/h_invitations.c and the tests
 * tests/api/test_invitations.py.
 */
#ifndef BIS_PLATFORM_INVITATIONS_H
#define BIS_PLATFORM_INVITATIONS_H
#include <jansson.h>
#include <stdint.h>

#include "auth/auth.h"
#include "db/db.h"

#define INVITATION_DAYS 14

struct invitation {
    int64_t id;
    char school_name[256];
    char contact_email[256];
    char expires_at[21];
    char token[65]; /* only when just created */
};

/* The newest 500 invitations as JSON items (expired ones say so). */
int invitation_list(struct store *m, json_t **items_r, const char **error_r);
/* Creates one with its audit row; fills inv (token included). With
 * base_url (the public URL, no trailing slash) the school_invitation mail
 * is queued in the same transaction and the mail worker woken. */
int invitation_create(struct store *m, const char *school_name,
                      const char *contact_email, const char *base_url,
                      const struct actor *actor, struct invitation *inv,
                      const char **error_r);
/* A pending, unexpired invitation by token: 1 found, 0 not, -1 error.
 * Takes the store's lock itself. */
int invitation_find_pending(struct store *m, const char *token,
                            struct invitation *inv, const char **error_r);
/*
 * Moves the invitation from one status to another; 1 if it changed, 0 if
 * it was not in `from`, -1 on error. An acceptance claims it first
 * (accepted, no school yet) so a second acceptance finds it taken, then
 * records the new school (tenant_id, with the audit row), or gives it back
 * (pending) if the school could not be created.
 */
int invitation_set_status(struct store *m, int64_t id, const char *from,
                          const char *to, int64_t tenant_id,
                          const struct actor *actor, const char **error_r);

#endif
