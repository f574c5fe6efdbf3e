/*
 * What a mail shows of its school (mail_set_look in src/mail/mail.h): the
 * mail layer sits below platform and school, so the CLI, which may use
 * both, installs this function at start-up. The name is the school's
 * registry name (struct tenant); the colour and the logo are the school's
 * branding (branding_get, read in the caller's transaction on the school's
 * own store). Platform mail (t == NULL, the master store) keeps the master
 * school's name the mail module read and the default colour: the master
 * store holds no branding.
 */
#include "cli/cli.h"
#include "core/log.h"
#include "core/util.h"
#include "mail/mail.h"
#include "platform/platform.h"
#include "school/branding.h"

static void cli_mail_look(struct store *store, const struct tenant *t,
                          struct mail_look *look_r)
{
    if (t == NULL)
        return;
    str_copy(look_r->name, sizeof look_r->name, t->name);
    struct branding b;
    const char *err = NULL;
    if (branding_get(store, &b, &err) < 0) {
        log_msg(LOG_WARN, "mail: branding of %s unreadable: %s", t->code,
                err ? err : "?");
        return;
    }
    str_copy(look_r->color, sizeof look_r->color, b.primary);
    look_r->has_logo = b.has_logo;
    str_copy(look_r->logo_etag, sizeof look_r->logo_etag, b.logo_etag);
}

void cli_mail_look_install(void)
{
    mail_set_look(cli_mail_look);
}
