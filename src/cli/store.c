/*
 * Where the platform lives, for every command that works on it: the
 * --data/--database pair (cli.h's CLI_STORE_OPTIONS), opening the platform
 * with one message when it cannot be opened and with the actor the audit
 * log names for command-line changes, and reading a password from a file.
 */
#include <string.h>

#include "cli/cli.h"
#include "core/util.h"
#include "platform/platform.h"

int cli_store_resolve(const char *cmd, struct cli_store *st)
{
    if (st->database != NULL) {
        if (st->data_given)
            return cli_usage_error(cmd, "give --data or --database, not both");
        if (strncmp(st->database, "postgresql://", 13) != 0 &&
            strncmp(st->database, "postgres://", 11) != 0)
            return cli_usage_error(cmd,
                                   "--database must be a postgresql:// URL");
        st->data = NULL; /* BISCHEDULER_DATA gives way to a database */
        return 0;
    }
    if (st->data == NULL)
        return cli_usage_error(cmd,
                               "--data DIR (or --database URL) is required");
    return 0;
}

const char *cli_store_where(const struct cli_store *st)
{
    return st->data ? st->data : "the PostgreSQL database";
}

int cli_platform_open(const struct cli_store *st, struct cli_platform *cp,
                      const struct platform_options *tuning)
{
    struct platform_options opt = {
        .max_open_schools = 64,
        .db_pool_size = 4,
    };
    if (tuning)
        opt = *tuning;
    opt.data_dir = st->data;
    opt.database_url = st->database;
    const char *err;
    if (platform_open(&cp->p, &opt, &err) < 0)
        return cli_fail("cannot open the platform in %s: %s",
                        cli_store_where(st), err);
    random_hex(cp->request_id, 8);
    cp->actor = (struct actor){
        .user_id = 0,
        .email = "cli",
        .role = "operator",
        .ip = "local",
        .request_id = cp->request_id,
    };
    return 0;
}

void cli_platform_close(struct cli_platform *cp)
{
    platform_close(&cp->p);
}

int cli_read_password_file(const char *path, char *out, size_t n)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (f == NULL)
        return -1;
    if (fgets(out, (int)n, f) == NULL)
        out[0] = '\0';
    if (f != stdin)
        fclose(f);
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}
