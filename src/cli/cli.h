/*
 * The command line: one binary that serves the platform and administers
 * it. main.c holds the table of commands (name, summary, usage, sub-commands,
 * the function that runs it) and dispatches `bischeduler COMMAND` to one
 * file per command (init.c, serve.c, migrate.c, tenant.c, user.c,
 * timetable.c, xhstt.c). Each declares its options in a table of struct
 * cli_option, which options.c both parses and turns into the command's
 * --help, so the help cannot drift from what is accepted. store.c opens the
 * platform for the commands that work on it.
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

#include "platform/platform.h"

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
 * env names a variable that gives the value when the option is not on the
 * command line; given (optional) tells whether it was on the command line.
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

/* A sub-command in a command's --help ("list", "add --school C ..."); its
   first word is a value the command's first argument may take. */
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
    int min_args, max_args; /* how many positional arguments it takes */
    const char *args_missing; /* the usage error when too few */
    int (*run)(const struct cli_command *cmd, int argc, char **argv);
};

struct cli_store;

/* The positional arguments left after the options, in order. */
struct cli_args {
    int n;
    char *v[8];
};

/*
 * Parses argv[1..argc-1] (argv[0] is the command's name) against the
 * nopts options of opts: `--name VALUE`, `--name=VALUE`, options before or
 * after the positional arguments, `--` ends the options, `-` alone is a
 * positional argument (stdin or stdout); environment variables are read
 * first, so the command line overrides them. Then checks the number of
 * positional arguments, the first against cmd->subcommands and, when st is
 * not NULL, where the platform lives (cli_store_resolve). Returns CLI_RUN
 * to go on, 0 after printing --help (or -h), or CLI_EXIT_USAGE after
 * printing a usage error.
 */
int cli_parse(const struct cli_command *cmd, const struct cli_option *opts,
              size_t nopts, struct cli_store *st, int argc, char **argv,
              struct cli_args *args_r);
#define CLI_COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* Writes the command's --help, generated from cmd and opts. */
void cli_help(FILE *f, const struct cli_command *cmd,
              const struct cli_option *opts, size_t nopts);

/* A custom reader for a uint64_t (random seeds). */
int cli_value_u64(const char *value, void *arg);

/* The options of a search, shared by timetable solve and xhstt solve. */
#define CLI_SEARCH_OPTIONS(limit, iterations, seed, threads, quiet)          \
    {.name = "time-limit", .value = "S", .real = (limit), .real_max = 86400, \
     .help = "stop searching after S seconds (default 10)"},                 \
    {.name = "iterations", .value = "N", .integer = (iterations), .min = 1, \
     .max = 1L << 62,                                                        \
     .help = "stop after N search steps instead of a time limit; with the "  \
             "same --seed the same result on any machine"},                  \
    {.name = "seed", .value = "N", .parse = cli_value_u64, .arg = (seed),    \
     .expects = "a whole number from 0", .help = "random seed (default 1)"}, \
    {.name = "threads", .value = "1|2", .integer = (threads), .min = 1,      \
     .max = 2, .help = "search on one core or on both (default 1)"},         \
    {.name = "quiet", .flag = (quiet), .help = "no progress lines"}

/* "bischeduler CMD: MESSAGE" and the --help hint on stderr; returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "bischeduler: MESSAGE" on stderr, escaped; returns 1. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* printf to f with control characters escaped (newline and tab kept). */
void cli_out(FILE *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Catches SIGINT and SIGTERM from now on; the flag they set to 1, for a
   search's `cancel` (it then stops and reports the best it found). */
volatile int *cli_interrupt_flag(void);

/* ---- where the platform lives (store.c) ---------------------------- */

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
 * cli_parse calls it.
 */
int cli_store_resolve(const char *cmd, struct cli_store *st);

/* Where it is, for messages: the directory or "the PostgreSQL database". */
const char *cli_store_where(const struct cli_store *st);

/* An open platform and the actor its audit rows name ("cli", operator). */
struct cli_platform {
    struct platform p;
    struct actor actor;
    char request_id[17];
};

/*
 * Opens the platform where st says, with the pool sizes of tuning (NULL:
 * what a one-off command needs). 0, or 1 after printing why not.
 */
int cli_platform_open(const struct cli_store *st, struct cli_platform *cp,
                      const struct platform_options *tuning);
void cli_platform_close(struct cli_platform *cp);

/* Reads the first line of a file ("-" for stdin); 0, or -1. */
int cli_read_password_file(const char *path, char *out, size_t n);

/* ---- the commands (main.c's table names them) ----------------------- */

int cli_init_run(const struct cli_command *cmd, int argc, char **argv);
int cli_serve_run(const struct cli_command *cmd, int argc, char **argv);
int cli_migrate_run(const struct cli_command *cmd, int argc, char **argv);
int cli_tenant_run(const struct cli_command *cmd, int argc, char **argv);
int cli_user_run(const struct cli_command *cmd, int argc, char **argv);
int cli_statistics_run(const struct cli_command *cmd, int argc, char **argv);
int cli_timetable_run(const struct cli_command *cmd, int argc, char **argv);
/* timetable_import.c: `timetable import` (issue #15), which works on a
   school's store; cli_timetable_run hands it over when the verb is import */
bool cli_timetable_is_import(int argc, char **argv);
int cli_timetable_import_run(const struct cli_command *cmd, int argc,
                             char **argv);
/* timetable generate --school C (issue #15): timetable_generate.c */
int cli_timetable_generate_run(const struct cli_command *cmd, int argc, char **argv);
int cli_xhstt_run(const struct cli_command *cmd, int argc, char **argv);
/* export.c: the Matrícula and the enrolment statistics (issue 13) */
int cli_export_run(const struct cli_command *cmd, int argc, char **argv);
int cli_import_run(const struct cli_command *cmd, int argc, char **argv);

/* migrate.c: every store to this binary's schema (also serve
   --auto-migrate). 0, or 1 when a store failed or is behind. */
int cli_migrate_all(const struct cli_store *st, bool check, long jobs);

/* Installs how mail learns a school's name and branding (mail_look.c). */
void cli_mail_look_install(void);
/* Installs the school figures the platform's statistics record
 * (school_figures.c: teacher satisfaction, issue #15). */
void cli_school_figures_install(void);

/* Whether u is http(s)://bischeduler.BASE[:PORT][/] (serve.c): links in
 * mail take their scheme and port from it. */
bool cli_public_url_valid(const char *u, const char *base);

#endif
