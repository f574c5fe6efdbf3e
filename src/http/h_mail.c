/*
 * The mail a school (or the platform) sent: GET /api/v1/mail lists the
 * store's mail_queue, newest first, with each message's state (queued,
 * sent, failed), tries and the server's last reply, so the admin who
 * caused a mail sees whether it left. A school admin (invite_users or
 * manage_school_settings) reads the school's; a platform admin
 * (manage_invitations, on the master host) reads the master store's.
 * Filter ?state=, paged by ?cursor= (an id) and ?limit=. The SQL is in
 * src/mail/mail.c.
 */
#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "mail/mail.h"

void h_mail_list(struct request *r)
{
    bool platform = r->who.kind == PRINCIPAL_PLATFORM;
    unsigned need = platform ? PERM_MANAGE_INVITATIONS
                             : PERM_INVITE_USERS | PERM_MANAGE_SCHOOL_SETTINGS;
    if ((r->who.perms & need) == 0) {
        reply_err(r, ERR_FORBIDDEN);
        return;
    }
    int limit = request_limit(r);
    if (limit < 0)
        return;
    int64_t cursor = request_cursor(r);
    if (cursor < 0)
        return;
    const char *state = request_query(r, "state");
    if (state && *state == '\0')
        state = NULL;
    if (state && strcmp(state, MAIL_QUEUED) != 0 &&
        strcmp(state, MAIL_SENT) != 0 && strcmp(state, MAIL_FAILED) != 0) {
        reply_invalid(r, "state",
                      "El estado debe ser queued, sent o failed.");
        return;
    }
    struct store *store = platform ? &r->p->master : r->school;
    const char *err = NULL;
    json_t *items = NULL;
    int64_t next_id = 0;
    if (mail_list(store, cursor, limit, state, &items, &next_id, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    char next[24];
    snprintf(next, sizeof next, "%lld", (long long)next_id);
    reply_json(r, 200,
               json_pack("{s:o,s:s?}", "items", items, "next_cursor",
                         next_id ? next : NULL));
}
