/*
 * bischeduler tenant: the schools of the platform. list, create, the status
 * changes (suspend, activate, deactivate), export to a portable archive and
 * import from one. Names read from the store are printed escaped (cli_out),
 * so a name holding control characters cannot drive the terminal.
 * `create --admin-name N --admin-email E` also invites the school's first
 * administrator as the console does: an account without a password and
 * the set-password mail (account_invite) with a link on the new school's
 * host, built from --public-url (the master host's public URL, as given
 * to serve; https://bischeduler.BASE if absent). The mail is queued in the
 * school's store; `serve`'s mail worker sends it when it next starts (it
 * sweeps every store at start: another process cannot wake it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/links.h"
#include "cli/cli.h"
#include "core/util.h"
#include "platform/platform.h"

static int list(struct platform *p)
{
    struct tenant *all;
    int n;
    const char *err;
    if (tenant_list(p, &all, &n, &err) < 0)
        return cli_fail("cannot list schools: %s", err);
    printf("%-24s %-10s %-7s %s\n", "CODE", "STATUS", "PLAN", "NAME");
    for (int i = 0; i < n; i++)
        cli_out(stdout, "%-24s %-10s %-7s %s\n", all[i].code, all[i].status,
                all[i].is_master ? "master" : "guest", all[i].name);
    free(all);
    return 0;
}

static int print_created(struct platform *p, const struct tenant *t,
                         const char *how)
{
    char host[512];
    tenant_host(p, t, host, sizeof host);
    cli_out(stdout, "School %s %s: %s\n", t->code, how, host);
    return 0;
}

/* The new school's public URL: --public-url's scheme and port with the
 * school's host. */
static void school_url(struct platform *p, const struct tenant *t,
                       const char *public_url, char *out, size_t n)
{
    const char *scheme = "https", *port = "";
    if (public_url) {
        if (strncmp(public_url, "http://", 7) == 0)
            scheme = "http";
        const char *h = strstr(public_url, "://");
        h = h ? h + 3 : public_url;
        const char *colon = strchr(h, ':');
        if (colon)
            port = colon;
    }
    char host[300];
    tenant_host(p, t, host, sizeof host);
    size_t pl = strcspn(port, "/");
    snprintf(out, n, "%s://%s%.*s", scheme, host, (int)pl, port);
}

static int invite_admin(struct platform *p, const struct tenant *t,
                        const char *admin_name, const char *admin_email,
                        const char *public_url, const struct actor *actor)
{
    struct store *s;
    const char *err = NULL, *msg = NULL, *field = NULL;
    if (pool_acquire(p->pool, t->code, &s, &err) != POOL_OK)
        return cli_fail("school %s created, but its store cannot be opened "
                        "to invite its admin: %s",
                        t->code, err);
    char base_url[512], email[256];
    school_url(p, t, public_url, base_url, sizeof base_url);
    str_copy(email, sizeof email, admin_email);
    str_lower(email); /* as the account keeps it */
    admin_email = email;
    int64_t uid = 0;
    int rc = account_invite(p, s, t, false, admin_email, admin_name,
                            "school_admin", NULL, base_url, actor, &uid, &msg,
                            &field, &err);
    pool_release(p->pool, s);
    if (rc != TENANT_OK)
        return cli_fail("school %s created, but its admin could not be "
                        "invited: %s",
                        t->code, rc == TENANT_ERROR ? err : msg);
    cli_out(stdout,
            "Invitation for %s queued: a set-password link on %s (the "
            "server sends it when it next starts: restart a running one)\n",
            admin_email, base_url);
    return 0;
}

static int create(struct platform *p, const char *code, const char *name,
                  const char *admin_name, const char *admin_email,
                  const char *public_url, const struct actor *actor)
{
    struct tenant t;
    const char *err = NULL, *msg = NULL, *field = NULL;
    if (tenant_create(p, code, name, actor, &t, &msg, &field, &err) !=
        TENANT_OK)
        return cli_fail("%s", msg ? msg : err);
    print_created(p, &t, "created");
    if (admin_email == NULL)
        return 0;
    return invite_admin(p, &t, admin_name, admin_email, public_url, actor);
}

static int set_status(struct platform *p, const char *code,
                      const char *status, const struct actor *actor)
{
    struct tenant t;
    const char *err = NULL;
    int r = tenant_set_status(p, code, status, actor, &t, &err);
    if (r == TENANT_NOT_FOUND)
        return cli_fail("no guest school with code '%s'", code);
    if (r != TENANT_OK)
        return cli_fail("%s", err);
    cli_out(stdout, "School %s is now %s\n", t.code, t.status);
    return 0;
}

/* Writes to FILE.part and renames it, so a failed export leaves nothing. */
static int export_school(struct platform *p, const char *code, const char *file)
{
    const char *err = NULL;
    if (strcmp(file, "-") == 0)
        return tenant_export(p, code, stdout, &err) < 0
                   ? cli_fail("cannot export school %s: %s", code, err)
                   : 0;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.part", file);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return cli_fail("cannot write %s", file);
    if (tenant_export(p, code, f, &err) < 0) {
        fclose(f);
        unlink(tmp);
        return cli_fail("cannot export school %s: %s", code, err);
    }
    if (fclose(f) != 0 || rename(tmp, file) != 0) {
        unlink(tmp);
        return cli_fail("cannot write %s", file);
    }
    cli_out(stdout, "School %s exported to %s\n", code, file);
    return 0;
}

static int import_school(struct platform *p, const char *file,
                  const struct actor *actor)
{
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    if (f == NULL)
        return cli_fail("cannot read %s", file);
    struct tenant t;
    const char *err = NULL, *msg = NULL;
    int r = tenant_import(p, f, actor, &t, &msg, &err);
    if (f != stdin)
        fclose(f);
    if (r != TENANT_OK)
        return cli_fail("cannot import %s: %s", file, msg ? msg : err);
    char how[64];
    snprintf(how, sizeof how, "imported (%s)", t.status);
    return print_created(p, &t, how);
}

/* The status a sub-command sets, or NULL if it sets none. */
static const char *status_of(const char *sub)
{
    static const char *const map[][2] = {{"suspend", "suspended"},
                                         {"activate", "active"},
                                         {"deactivate", "inactive"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(sub, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

/* Checks the sub-command and its arguments; 0, or a usage error. */
static int check_usage(const struct cli_args *a, const char *code,
                       const char *name)
{
    const char *sub = a->v[0];
    int want;
    if (status_of(sub))
        want = 2;
    else if (strcmp(sub, "export") == 0)
        want = 3;
    else if (strcmp(sub, "import") == 0)
        want = 2;
    else
        want = 1; /* list, create */
    if (a->n != want && want == 1)
        return cli_usage_error("tenant", "unexpected argument '%s'", a->v[1]);
    if (a->n != want)
        return cli_usage_error("tenant", "%s takes %s", sub,
                               want == 3 ? "a school code and a file"
                               : status_of(sub) ? "one school code"
                                                : "a file");
    if (strcmp(sub, "create") == 0 && (code == NULL || name == NULL))
        return cli_usage_error("tenant", "create needs --code and --name");
    return 0;
}

/* --admin-name and --admin-email go together, with create only. */
static int check_admin_usage(const char *sub, const char *admin_name,
                             const char *admin_email, const char *public_url)
{
    if ((admin_name || admin_email || public_url) &&
        strcmp(sub, "create") != 0)
        return cli_usage_error("tenant", "--admin-name, --admin-email and "
                                         "--public-url go with create only");
    if ((admin_name == NULL) != (admin_email == NULL))
        return cli_usage_error("tenant",
                               "--admin-name and --admin-email go together");
    if (public_url && strncmp(public_url, "http://", 7) != 0 &&
        strncmp(public_url, "https://", 8) != 0)
        return cli_usage_error("tenant", "--public-url must start with "
                                         "http:// or https://");
    return 0;
}

int cli_tenant_run(const struct cli_command *cmd, int argc, char **argv)
{
    struct cli_args a;
    struct cli_store st = {0};
    const char *code = NULL, *name = NULL, *admin_name = NULL;
    const char *admin_email = NULL, *public_url = NULL;
    const struct cli_option opts[] = {
        CLI_STORE_OPTIONS(&st),
        {.name = "code", .value = "C", .text = &code,
         .help = "create: the new school's code"},
        {.name = "name", .value = "N", .text = &name,
         .help = "create: the new school's name"},
        {.name = "admin-name", .value = "N", .text = &admin_name,
         .help = "create: invite the school's first admin (with "
                 "--admin-email): a set-password link by mail"},
        {.name = "admin-email", .value = "E", .text = &admin_email,
         .help = "create: the first admin's email"},
        {.name = "public-url", .value = "URL", .text = &public_url,
         .help = "create: the master host's public URL, as given to serve "
                 "(scheme and port of the link; default https)"},
    };
    int rc = cli_parse(cmd, opts, CLI_COUNT(opts), &st, argc, argv, &a);
    if (rc != CLI_RUN)
        return rc;
    if (check_usage(&a, code, name) != 0 ||
        check_admin_usage(a.v[0], admin_name, admin_email, public_url) != 0)
        return CLI_EXIT_USAGE;

    struct cli_platform cp;
    if (cli_platform_open(&st, &cp, NULL))
        return CLI_EXIT_FAIL;
    const char *sub = a.v[0];
    if (strcmp(sub, "list") == 0)
        rc = list(&cp.p);
    else if (strcmp(sub, "create") == 0)
        rc = create(&cp.p, code, name, admin_name, admin_email, public_url,
                    &cp.actor);
    else if (strcmp(sub, "export") == 0)
        rc = export_school(&cp.p, a.v[1], a.v[2]);
    else if (strcmp(sub, "import") == 0)
        rc = import_school(&cp.p, a.v[1], &cp.actor);
    else
        rc = set_status(&cp.p, a.v[1], status_of(sub), &cp.actor);
    cli_platform_close(&cp);
    return rc;
}
