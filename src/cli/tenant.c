/*
 * bischeduler tenant: the schools of the platform. list, create, the status
 * changes (suspend, activate, deactivate), export to a portable archive and
 * import from one. Names read from the store are printed escaped (cli_out),
 * so a name holding control characters cannot drive the terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static int create(struct platform *p, const char *code, const char *name,
                  const struct actor *actor)
{
    struct tenant t;
    const char *err = NULL, *msg = NULL, *field = NULL;
    if (tenant_create(p, code, name, actor, &t, &msg, &field, &err) !=
        TENANT_OK)
        return cli_fail("%s", msg ? msg : err);
    return print_created(p, &t, "created");
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

int cli_tenant_run(const struct cli_command *cmd, int argc, char **argv)
{
    struct cli_args a;
    struct cli_store st = {0};
    const char *code = NULL, *name = NULL;
    const struct cli_option opts[] = {
        CLI_STORE_OPTIONS(&st),
        {.name = "code", .value = "C", .text = &code,
         .help = "create: the new school's code"},
        {.name = "name", .value = "N", .text = &name,
         .help = "create: the new school's name"},
    };
    int rc = cli_parse(cmd, opts, CLI_COUNT(opts), &st, argc, argv, &a);
    if (rc != CLI_RUN)
        return rc;
    if (check_usage(&a, code, name) != 0)
        return CLI_EXIT_USAGE;

    struct cli_platform cp;
    if (cli_platform_open(&st, &cp, NULL))
        return CLI_EXIT_FAIL;
    const char *sub = a.v[0];
    if (strcmp(sub, "list") == 0)
        rc = list(&cp.p);
    else if (strcmp(sub, "create") == 0)
        rc = create(&cp.p, code, name, &cp.actor);
    else if (strcmp(sub, "export") == 0)
        rc = export_school(&cp.p, a.v[1], a.v[2]);
    else if (strcmp(sub, "import") == 0)
        rc = import_school(&cp.p, a.v[1], &cp.actor);
    else
        rc = set_status(&cp.p, a.v[1], status_of(sub), &cp.actor);
    cli_platform_close(&cp);
    return rc;
}
