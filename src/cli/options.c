/*
 * The one option parser of the command line (see cli.h), its --help
 * generator and the message helpers every command uses.
 *
 * Parsing walks argv once: an argument starting with "--" is looked up in
 * the command's table by name (a value follows as "=VALUE" or as the next
 * argument), anything else is positional. Each value is checked as its
 * destination's type says and stored at once; the first bad one is a usage
 * error naming the option. Environment variables are read first, checked
 * the same way (and named in the message), so that an option on the
 * command line overrides its variable. --help is written from the same table. Also
 * here: the messages every command writes (cli_fail, cli_out, usage
 * errors) and the interruption flag of the searches.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/term.h"
#include "core/util.h"

#define HELP_COLUMN 28
#define HELP_WIDTH 79

/* ---- messages ------------------------------------------------------ */

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *safe = term_escape_dup(msg, TERM_KEEP_NONE);
    if (cmd)
        fprintf(stderr, "bischeduler %s: %s\nTry 'bischeduler %s --help'.\n",
                cmd, safe, cmd);
    else
        fprintf(stderr, "bischeduler: %s\nTry 'bischeduler --help'.\n", safe);
    free(safe);
    return CLI_EXIT_USAGE;
}

static void vout(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *text = xmalloc((size_t)(n > 0 ? n : 0) + 1);
    vsnprintf(text, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    char *safe = term_escape_dup(text, TERM_KEEP_NEWLINE | TERM_KEEP_TAB);
    fprintf(f, "%s%s", prefix, safe);
    free(safe);
    free(text);
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vout(stderr, "bischeduler: ", fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_EXIT_FAIL;
}

void cli_out(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vout(f, "", fmt, ap);
    va_end(ap);
}

/* ---- values -------------------------------------------------------- */

int cli_value_u64(const char *value, void *arg)
{
    if (*value == '\0' || *value == '-')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(value, &end, 10);
    if (*end != '\0' || errno == ERANGE)
        return -1;
    *(uint64_t *)arg = (uint64_t)v;
    return 0;
}

/* Stores value in o's destination; 0, or -1 when it is not acceptable. */
static int store_value(const struct cli_option *o, const char *value)
{
    char *end;
    if (o->text) {
        *o->text = value;
    } else if (o->integer) {
        errno = 0;
        long v = strtol(value, &end, 10);
        if (*value == '\0' || *end != '\0' || errno == ERANGE ||
            v < o->min || v > o->max)
            return -1;
        *o->integer = v;
    } else if (o->real) {
        double v = strtod(value, &end);
        if (*value == '\0' || *end != '\0' || !(v > 0) ||
            (o->real_max > 0 && v > o->real_max))
            return -1;
        *o->real = v;
    } else if (o->choice) {
        for (int i = 0; o->choices[i]; i++) {
            if (strcmp(o->choices[i], value) == 0) {
                *o->choice = i;
                return 0;
            }
        }
        return -1;
    } else if (o->parse) {
        return o->parse(value, o->arg);
    }
    return 0;
}

/* What a good value is, for the message about a bad one. */
static void describe_expected(const struct cli_option *o, char *out,
                              size_t n)
{
    if (o->expects) {
        snprintf(out, n, "%s", o->expects);
    } else if (o->integer) {
        snprintf(out, n, "a whole number from %ld to %ld", o->min, o->max);
    } else if (o->real && o->real_max > 0) {
        snprintf(out, n, "a number more than 0 and at most %g", o->real_max);
    } else if (o->real) {
        snprintf(out, n, "a number more than 0");
    } else if (o->choice) {
        size_t used = (size_t)snprintf(out, n, "one of");
        for (int i = 0; o->choices[i] && used < n; i++)
            used += (size_t)snprintf(out + used, n - used, "%s %s",
                                     i ? "," : "", o->choices[i]);
    } else {
        snprintf(out, n, "a valid value");
    }
}

static int bad_value(const char *cmd, const struct cli_option *o,
                     const char *source)
{
    char expected[256];
    describe_expected(o, expected, sizeof expected);
    return cli_usage_error(cmd, "%s must be %s", source, expected);
}

/* ---- parsing ------------------------------------------------------- */

static const struct cli_option *find(const struct cli_option *opts,
                                     size_t nopts, const char *name,
                                     size_t len)
{
    for (const struct cli_option *o = opts; o < opts + nopts; o++)
        if (strlen(o->name) == len && memcmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

/* Whether word is the first word of one of cmd's sub-commands. */
static bool is_subcommand(const struct cli_command *cmd, const char *word)
{
    size_t n = strlen(word);
    for (const struct cli_subcommand *s = cmd->subcommands; s->synopsis; s++)
        if (strncmp(s->synopsis, word, n) == 0 &&
            (s->synopsis[n] == '\0' || s->synopsis[n] == ' '))
            return true;
    return false;
}

static bool takes_value(const struct cli_option *o)
{
    return o->flag == NULL;
}

int cli_parse(const struct cli_command *cmd, const struct cli_option *opts,
              size_t nopts, struct cli_store *st, int argc, char **argv,
              struct cli_args *args_r)
{
    const char *name = cmd->name;
    /* the environment first, so that the command line overrides it */
    for (const struct cli_option *o = opts; o < opts + nopts; o++) {
        const char *v = o->env ? getenv(o->env) : NULL;
        if (v == NULL || *v == '\0')
            continue;
        if (!takes_value(o))
            *o->flag = true;
        else if (store_value(o, v) < 0)
            return bad_value(name, o, o->env);
    }
    args_r->n = 0;
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (options_done || a[0] != '-' || strcmp(a, "-") == 0) {
            if (args_r->n == (int)(sizeof args_r->v / sizeof args_r->v[0]))
                return cli_usage_error(name, "too many arguments");
            args_r->v[args_r->n++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            options_done = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_help(stdout, cmd, opts, nopts);
            return 0;
        }
        if (a[1] != '-')
            return cli_usage_error(name, "unknown option '%s'", a);
        const char *eq = strchr(a + 2, '=');
        size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
        const struct cli_option *o = find(opts, nopts, a + 2, len);
        if (o == NULL)
            return cli_usage_error(name, "unknown option '%.*s'",
                                   (int)len + 2, a);
        char flagname[80];
        snprintf(flagname, sizeof flagname, "--%s", o->name);
        const char *value = NULL;
        if (!takes_value(o)) {
            if (eq)
                return cli_usage_error(name, "%s takes no value", flagname);
            *o->flag = true;
        } else {
            if (eq)
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else
                return cli_usage_error(name, "%s needs a value (%s)",
                                       flagname, o->value);
            if (store_value(o, value) < 0)
                return bad_value(name, o, flagname);
        }
        if (o->given)
            *o->given = true;
    }
    if (args_r->n < cmd->min_args)
        return cli_usage_error(name, "%s", cmd->args_missing);
    if (args_r->n > cmd->max_args)
        return cli_usage_error(name, "unexpected argument '%s'",
                               args_r->v[cmd->max_args]);
    if (cmd->subcommands && args_r->n > 0 &&
        !is_subcommand(cmd, args_r->v[0]))
        return cli_usage_error(name, "unknown command '%s'", args_r->v[0]);
    if (st != NULL && cli_store_resolve(name, st) != 0)
        return CLI_EXIT_USAGE;
    return CLI_RUN;
}

/* ---- interruption -------------------------------------------------- */

static volatile int interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

volatile int *cli_interrupt_flag(void)
{
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    return &interrupted;
}

/* ---- --help -------------------------------------------------------- */

/* Writes left, then text (and "(or ENV)") from HELP_COLUMN, wrapped at
   HELP_WIDTH and at every '\n'; a new line first when left is too wide. */
static void help_entry(FILE *f, const char *left, const char *text,
                       const char *env)
{
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_adds(&sb, text ? text : "");
    if (env)
        strbuf_addf(&sb, " (or %s)", env);
    int col = fprintf(f, "%s", left);
    if (col > HELP_COLUMN - 2) {
        fputc('\n', f);
        col = 0;
    }
    bool line_empty = true;
    const char *p = sb.data;
    while (*p) {
        if (*p == '\n' || *p == ' ') {
            if (*p == '\n') {
                fputc('\n', f);
                col = 0;
                line_empty = true;
            }
            p++;
            continue;
        }
        int len = (int)strcspn(p, " \n");
        if (!line_empty && col + 1 + len > HELP_WIDTH) {
            fputc('\n', f);
            col = 0;
            line_empty = true;
        }
        if (col < HELP_COLUMN)
            col += fprintf(f, "%*s", HELP_COLUMN - col, "");
        else if (!line_empty)
            col += fprintf(f, " ");
        col += fprintf(f, "%.*s", len, p);
        line_empty = false;
        p += len;
    }
    fputc('\n', f);
    strbuf_cleanup(&sb);
}

void cli_help(FILE *f, const struct cli_command *cmd,
              const struct cli_option *opts, size_t nopts)
{
    fprintf(f, "Usage: bischeduler %s %s\n", cmd->name, cmd->usage);
    if (cmd->about)
        fprintf(f, "%s\n", cmd->about);
    if (cmd->subcommands) {
        fputs("\nCommands:\n", f);
        for (const struct cli_subcommand *s = cmd->subcommands; s->synopsis;
             s++) {
            char left[256];
            snprintf(left, sizeof left, "  %s", s->synopsis);
            help_entry(f, left, s->help, NULL);
        }
    }
    fputs("\nOptions:\n", f);
    for (const struct cli_option *o = opts; o < opts + nopts; o++) {
        char left[128];
        snprintf(left, sizeof left, "  --%s%s%s", o->name, o->value ? " " : "",
                 o->value ? o->value : "");
        help_entry(f, left, o->help, o->env);
    }
    help_entry(f, "  --help", "this text", NULL);
    if (cmd->notes)
        fprintf(f, "\n%s\n", cmd->notes);
}
