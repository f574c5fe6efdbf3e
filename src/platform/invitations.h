/*
 * Invitations (invitations.c): the platform admin invites a school by name
 * and contact email; the invitation is mailed to the contact (the
 * `school_invitation` mail, queued in the same transaction) with a
 * one-time link valid for INVITATION_DAYS days; the contact opens it and
 * the school is created. The admin sees each invitation's status and the
 * state of its mail, may resend it (a new link: the old one stops working,
 * the expiry is renewed, a new mail is queued) or revoke it (the link
 * stops working at once). Only SHA-256 hashes of links are stored. The SQL
 * of tenant_invitations lives here; the handlers are
 * src/http/h_invitations.c and the tests tests/api/test_invitations.py and
 * tests/browser/invitation_mail.test.mjs.
 */
#ifndef BIS_PLATFORM_INVITATIONS_H
#define BIS_PLATFORM_INVITATIONS_H
#include <jansson.h>
#include <stdint.h>

#include "auth/auth.h"
#include "db/db.h"

#define INVITATION_DAYS 30
/* The page that opens an invitation: MASTER_URL + path + token. */
#define INVITATION_PATH "/invitacion#"

/* Statuses as stored ("expired" is computed from expires_at). */
#define INVITATION_PENDING "pending"
#define INVITATION_ACCEPTED "accepted"
#define INVITATION_REVOKED "revoked"
#define INVITATION_EXPIRED "expired"

struct invitation {
    int64_t id;
    char school_name[256];
    char contact_email[256];
    char status[16]; /* as above, "expired" when past expires_at */
    char expires_at[21];
    char token[65]; /* only when just created or resent */
};

/* Why an invitation's mail still in the queue was not sent (its state
 * becomes failed with this as its error; the console shows it). */
#define INVITATION_MAIL_REVOKED "No se envió: la invitación se revocó antes."
#define INVITATION_MAIL_REPLACED "No se envió: la reemplazó un reenvío."

/* Results of resend and revoke. */
enum invitation_result {
    INVITATION_OK = 0,
    INVITATION_ERROR = -1,     /* store error: error_r */
    INVITATION_NOT_FOUND = -2, /* no such id */
    INVITATION_CLOSED = -3,    /* accepted (or revoked, for resend/revoke) */
};

/* "6 de enero de 2027": the day `utc` (YYYY-MM-DDTHH:MM:SSZ) falls on in
 * Venezuela (UTC-4), as a mail says it. */
void invitation_spanish_date(const char *utc, char *out, size_t n);

/*
 * The newest 500 invitations as JSON items with their status (expired ones
 * say so), expires_at, send_count and "mail": the state of the newest mail
 * about each (mail_state_json). Takes the store's lock itself.
 */
int invitation_list(struct store *m, json_t **items_r, const char **error_r);
/*
 * Creates one with its audit row and queues the `school_invitation` mail
 * to the contact, all in one transaction of the master store; the link in
 * the mail is master_url + INVITATION_PATH + token (master_url: the
 * configured public URL of the master host, no trailing slash). Fills inv
 * (token included). The caller wakes the mail worker after it returns.
 */
int invitation_create(struct store *m, const char *school_name,
                      const char *contact_email, const char *master_url,
                      const struct actor *actor, struct invitation *inv,
                      const char **error_r);
/*
 * A new link for a pending or expired invitation: the old link stops
 * working, expires_at is renewed, the mail is queued again (an older one
 * still queued is not sent: INVITATION_MAIL_REPLACED); audited.
 * Returns enum invitation_result; inv filled (token included) on OK.
 */
int invitation_resend(struct store *m, int64_t id, const char *master_url,
                      const struct actor *actor, struct invitation *inv,
                      const char **error_r);
/* Revokes a pending or expired invitation (its link stops working at
 * once; its mail, if still queued, is not sent: INVITATION_MAIL_REVOKED);
 * audited. Returns enum invitation_result. */
int invitation_revoke(struct store *m, int64_t id, const struct actor *actor,
                      struct invitation *inv, const char **error_r);
/*
 * The invitation a link names, whatever its status (inv->status says it):
 * 1 found, 0 not (unknown, or replaced by a resend), -1 error. Takes the
 * store's lock itself.
 */
int invitation_find(struct store *m, const char *token,
                    struct invitation *inv, const char **error_r);
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

/*
 * invitation_code.c: a new school's code, as the acceptance form offers
 * it. invitation_code_suggest() turns a school's name into a short free
 * code ("U.E. San José" -> "san-jose"; lowercase ASCII, accents stripped,
 * articles and "Unidad Educativa" left out, "-2", "-3"... when taken).
 * invitation_code_check() says whether a code can be used: 1 available,
 * 0 not (*message_r says why, Spanish), -1 on a store error.
 */
struct platform;
int invitation_code_suggest(struct platform *p, const char *name, char *out,
                            size_t n, const char **error_r);
int invitation_code_check(struct platform *p, const char *code,
                          const char **message_r, const char **error_r);

#endif
