/*
 * What a mail shows of its school (mail_set_look in src/mail/mail.h): the
 * mail layer sits below platform and school, so the CLI, which may use
 * both, installs this function at start-up. The name is the school's
 * registry name (struct tenant); platform mail (t == NULL) keeps the
 * master school's name the mail module read. Colours and logo come from
 * the school's branding once that part is merged (branding_get).
 */
#include "cli/cli.h"
#include "core/util.h"
#include "mail/mail.h"
#include "platform/platform.h"

static void cli_mail_look(struct store *store, const struct tenant *t,
                          struct mail_look *look_r)
{
    (void)store;
    if (t != NULL)
        str_copy(look_r->name, sizeof look_r->name, t->name);
}

void cli_mail_look_install(void)
{
    mail_set_look(cli_mail_look);
}
