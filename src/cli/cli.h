/*
 * The command line: one binary that serves the platform and administers
 * it. main.c dispatches `bischeduler COMMAND` to one file per command
 * (init.c, serve.c, migrate.c, tenant.c, user.c, timetable.c, xhstt.c);
 * each describes itself in a struct cli_command and its options in a table
 * of struct cli_option, which options.c both parses and turns into the
 * command's --help, so the help cannot drift from what is accepted.
 *
 * Exit status, for every command: 0 done, 1 an error in what was asked
 * (message on stderr), 2 a usage error (message on stderr naming the
 * option, then "Try 'bischeduler COMMAND --help'.").
 *
 * Language of command output (docs/OPERATIONS.md says the same):
 *   - English: every --help text, --version, every usage error (exit 2),
 *     and everything the operator commands (init, serve, migrate, tenant,
 *     user) write themselves: results, progress, errors.
 *   - Spanish: what describes the content of a school's file or data: the
 *     timetable and xhstt commands' results, progress and errors after
 *     their arguments were accepted (reading a timetable folder, a FET or
 *     XHSTT file, writing their solutions), and later the Matrícula import.
 *     These are the engine's messages, the same ones school admins see in
 *     the web app. `timetable --lang en` switches its results to English.
 *   - A message a library returns (a password or school name refused) is
 *     shown as the library wrote it, after the command's own English words
 *     where there are any; the command line never translates.
 *
 * Terminal safety: everything printed that the command line did not write
 * itself (stored names, file content, library messages) goes through
 * cli_out() / cli_fail(), which escape control characters (core/term.h).
 */
#ifndef BIS_CLI_CLI_H
#define BIS_CLI_CLI_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2
/* cli_parse's answer when the command should go on and run */
#define CLI_RUN (-1)

/*
 * One option. Exactly one destination is set, and it says the type:
 *   flag     bool, set by `--name`                (no value)
 *   text     const char *, `--name VALUE`
 *   integer  long in [min, max]
 *   real     double > 0, and <= real_max when real_max > 0
 *   choice   int, the index of the value in choices (NULL-terminated)
 *   parse    a custom reader: returns 0, or -1 for a bad value; `expects`
 *            then says what a good one is
 * env names a variable read when the option is not on the command line;
 * given (optional) tells whether it was on the command line.
 */
struct cli_option {
    const char *name;  /* without the leading "--" */
    const char *value; /* the value's name in --help; NULL for a flag */
    const char *help;  /* one paragraph; --help wraps it */
    const char *env;
    bool *flag;
    const char **text;
    long *integer;
    long min, max;
    double *real;
    double real_max;
    int *choice;
    const char *const *choices;
    int (*parse)(const char *value, void *arg);
    void *arg;
    const char *expects; /* for a bad value: "--NAME must be EXPECTS" */
    bool *given;
};

/* A sub-command in a command's --help ("list", "add --school C ..."). */
struct cli_subcommand {
    const char *synopsis;
    const char *help; /* one paragraph; --help wraps it */
};

struct cli_command {
    const char *name;
    const char *summary; /* one line in `bischeduler --help` */
    const char *usage;   /* after "Usage: bischeduler NAME " */
    const char *about;   /* paragraph after the usage line, or NULL */
    const struct cli_subcommand *subcommands; /* ends with {NULL}; or NULL */
    const char *notes;   /* paragraph after the options, or NULL */
    int (*run)(int argc, char **argv);
};

/* The positional arguments left after the options, in order. */
struct cli_args {
    int n;
    char *v[8];
};

/*
 * Parses argv[1..argc-1] (argv[0] is the command's name) against opts
 * (ending with {NULL}): `--name VALUE`, `--name=VALUE`, options before or
 * after the positional arguments, `--` ends the options, `-` alone is a
 * positional argument (stdin or stdout). Then reads the environment for
 * options not given. Returns CLI_RUN to go on, 0 after printing --help (or
 * -h), or CLI_EXIT_USAGE after printing a usage error.
 */
int cli_parse(const struct cli_command *cmd, const struct cli_option *opts,
              int argc, char **argv, struct cli_args *args_r);

/* Writes the command's --help, generated from cmd and opts. */
void cli_help(FILE *f, const struct cli_command *cmd,
              const struct cli_option *opts);

/* A custom reader for a uint64_t (random seeds). */
int cli_value_u64(const char *value, void *arg);

/* "bischeduler CMD: MESSAGE" and the --help hint on stderr; returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "bischeduler: MESSAGE" on stderr, escaped; returns 1. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* printf to f with control characters escaped (newline and tab kept). */
void cli_out(FILE *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- where the platform lives (store.c) ---------------------------- */

struct platform;
struct actor;

/* --data DIR or --database URL, from the command line or the environment */
struct cli_store {
    const char *data;
    const char *database;
    bool data_given;
};

/* The two options, for a command's table. */
#define CLI_STORE_OPTIONS(st)                                               \
    {.name = "data", .value = "DIR", .text = &(st)->data,                  \
     .given = &(st)->data_given, .env = "BISCHEDULER_DATA",                \
     .help = "the SQLite data directory"},                               \
    {.name = "database", .value = "URL", .text = &(st)->database,          \
     .env = "BISCHEDULER_DATABASE", .help = "or a PostgreSQL database, postgresql://..."}

/*
 * Checks that exactly one of the two was given (a --database, even from the
 * environment, wins over BISCHEDULER_DATA). 0, or a usage error (2).
 */
int cli_store_resolve(const char *cmd, struct cli_store *st);

/* Where it is, for messages: the directory or "the PostgreSQL database". */
const char *cli_store_where(const struct cli_store *st);

/* Opens the platform; 0, or 1 after printing why not. */
int cli_platform_open(const struct cli_store *st, struct platform *p,
                      int max_open, bool auto_migrate, int db_pool);

/* The actor the audit log names for command-line changes. */
void cli_actor(struct actor *a, char request_id[17]);

/* Reads the first line of a file ("-" for stdin); 0, or -1. */
int cli_read_password_file(const char *path, char *out, size_t n);

/* ---- the commands -------------------------------------------------- */

extern const struct cli_command cli_init, cli_serve, cli_migrate, cli_tenant,
    cli_user, cli_timetable, cli_xhstt;

/* migrate.c: every store to this binary's schema (also serve
   --auto-migrate). 0, or 1 when a store failed or is behind. */
int cli_migrate_all(const struct cli_store *st, bool check, long jobs);

#endif
