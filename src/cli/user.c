/*
 * bischeduler user: accounts from the command line. add creates a user in a
 * school (a platform admin in the master school's platform store); passwd
 * sets a new password, which ends the user's sessions and lifts a lockout.
 * Without --password-file a password is generated and printed once.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/util.h"
#include "platform/platform.h"

struct user_request {
    bool add;
    const char *school, *email, *role, *name;
    const char *password;
};

/* Adds the user or sets the password in the store the school names. */
static int apply(struct cli_platform *cp, const struct tenant *t,
                 const struct user_request *u)
{
    struct platform *p = &cp->p;
    bool platform_user = u->add && strcmp(u->role, "platform_admin") == 0;
    if (platform_user && !t->is_master)
        return cli_fail("platform_admin accounts belong to the master school "
                        "(--school %s)", MASTER_CODE);
    struct store *store = NULL;
    const char *err = NULL, *msg = NULL, *field = NULL;
    if (platform_user)
        store = &p->master;
    else if (pool_acquire(p->pool, t->code, &store, &err) != POOL_OK)
        return cli_fail("cannot open school %s: %s", t->code, err);
    int rc;
    if (u->add) {
        rc = user_create(p, store, t->is_master, u->email,
                         u->name ? u->name : u->email, u->role, u->password,
                         &cp->actor, NULL, &msg, &field, &err);
    } else {
        rc = user_set_password(p, store, u->email, u->password, &cp->actor,
                               &msg, &err);
        if (rc == TENANT_NOT_FOUND && t->is_master) {
            /* on the master host the email may be a platform user's */
            rc = user_set_password(p, &p->master, u->email, u->password,
                                   &cp->actor, &msg, &err);
        }
    }
    if (!platform_user)
        pool_release(p->pool, store);
    return rc == TENANT_OK ? 0 : cli_fail("%s", msg ? msg : err);
}

int cli_user_run(const struct cli_command *cmd, int argc, char **argv)
{
    struct cli_args a;
    struct cli_store st = {0};
    struct user_request u = {0};
    const char *pwfile = NULL;
    const struct cli_option opts[] = {
        CLI_STORE_OPTIONS(&st),
        {.name = "school", .value = "C", .text = &u.school,
         .help = "the school's code"},
        {.name = "email", .value = "E", .text = &u.email,
         .help = "the user's email"},
        {.name = "role", .value = "R", .text = &u.role,
         .help = "add: school_admin, teacher, parent or platform_admin"},
        {.name = "name", .value = "N", .text = &u.name,
         .help = "add: the user's name (default: the email)"},
        {.name = "password-file", .value = "F", .text = &pwfile,
         .help = "read the password from the first line of F ('-' for "
                 "stdin)"},
    };
    int rc = cli_parse(cmd, opts, CLI_COUNT(opts), &st, argc, argv, &a);
    if (rc != CLI_RUN)
        return rc;
    u.add = strcmp(a.v[0], "add") == 0;
    if (u.school == NULL || u.email == NULL || (u.add && u.role == NULL))
        return cli_usage_error("user", u.add ? "add needs --school, --email "
                                               "and --role"
                                             : "passwd needs --school and "
                                               "--email");
    char password[PASSWORD_MAX + 2];
    bool generated = pwfile == NULL;
    if (generated)
        password_generate(password);
    else if (cli_read_password_file(pwfile, password, sizeof password) < 0)
        return cli_fail("cannot read the password file %s", pwfile);
    u.password = password;

    struct cli_platform cp;
    if (cli_platform_open(&st, &cp, NULL))
        return CLI_EXIT_FAIL;
    struct tenant t;
    if (tenant_find(&cp.p, u.school, &t) != 1)
        rc = cli_fail("no school with code '%s'", u.school);
    else
        rc = apply(&cp, &t, &u);
    cli_platform_close(&cp);
    if (rc != 0)
        return rc;
    cli_out(stdout, "%s %s in school %s\n", u.add ? "Added" : "New password for",
            u.email, t.code);
    if (generated)
        printf("Password (shown only now): %s\n", password);
    return 0;
}
