/*
 * bischeduler: the command line's entry point. Dispatches `bischeduler
 * COMMAND ...` to the command's file (the table below) and answers --help
 * and --version itself; the top-level help lists the commands from the same
 * table. See cli.h for the exit statuses and the language policy.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct cli_command *const commands[] = {
    &cli_init, &cli_serve,     &cli_migrate, &cli_tenant,
    &cli_user, &cli_timetable, &cli_xhstt,
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void main_help(FILE *f)
{
    fputs("Usage: bischeduler COMMAND [options]\n"
          "BiScheduler: a school platform for Venezuelan schools.\n\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-10s%s\n", commands[i]->name, commands[i]->summary);
    fputs("\n'bischeduler COMMAND --help' tells more. Exit status: 0 done, "
          "1 an\nerror in what was asked, 2 a usage error.\n",
          f);
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fputs("bischeduler: libsodium cannot start\n", stderr);
        return CLI_EXIT_FAIL;
    }
    if (argc < 2) {
        main_help(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        main_help(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("bischeduler %s\n", BIS_VERSION);
        return 0;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, cmd) == 0)
            return commands[i]->run(argc - 1, argv + 1);
    return cli_usage_error(NULL, "unknown command '%s'", cmd);
}
