/*
 * bischeduler: the command line's entry point and its table of commands.
 * Each row names a command, what `bischeduler --help` says of it, its usage
 * line and sub-commands for its own --help (the options come from the
 * command's file; a sub-command's first word is what the command accepts
 * as its first argument), how many positional arguments it takes, and the
 * function that runs it. main() answers --help and --version itself and
 * hands everything else to the row's function. See cli.h for the exit
 * statuses and the language policy.
 */
#include <malloc.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* timetable and xhstt: a verb and the file it works on */
#define VERB_AND_FILE                                                        \
    .usage = "COMMAND FILE [options]", .min_args = 2, .max_args = 2,        \
    .args_missing = "a command and a FILE are required"

static const struct cli_command commands[] = {
    {.name = "init", .run = cli_init_run,
     .summary = "create a new platform in a data directory",
     .usage = "--data DIR [options]",
     .about = "Creates a new platform: the master store, the master school\n"
              "UEIPAB (code 'ueipab') and its first platform administrator.\n"
              "On PostgreSQL the master store lives in schema 'platform' "
              "and\neach school in schema 'school_CODE'."},
    {.name = "serve", .run = cli_serve_run,
     .summary = "serve the web app and the API",
     .usage = "--data DIR [options]",
     .about = "Serves the web app and the JSON API until SIGTERM or SIGINT, "
              "then lets\nrequests in flight finish (up to 30 s)."},
    {.name = "migrate", .run = cli_migrate_run,
     .summary = "bring every store to this binary's schema",
     .usage = "--data DIR [--check] [--jobs N]",
     .about = "Brings the master store and every school's store to this "
              "binary's\nschema version, one transaction per store, schools "
              "in parallel. A run\nthat stops half way is resumed by running "
              "it again. Exit status 1 if\nany store could not be migrated "
              "(each is named on stderr)."},
    {.name = "tenant", .run = cli_tenant_run,
     .summary = "list, create, suspend, activate, deactivate schools",
     .usage = "COMMAND --data DIR", .min_args = 1, .max_args = 3,
     .args_missing = "a command is required (list, create, suspend, "
                     "activate, deactivate, export, import)",
     .subcommands = (const struct cli_subcommand[]){
         {"list", "the schools of the platform"},
         {"create --code C --name N",
          "a guest school, answering on bischeduler-C.<base domain>"},
         {"suspend C", "a guest school answers 503 until activated"},
         {"activate C", "it answers again"},
         {"deactivate C", "it answers 503: the school has left"},
         {"export C FILE", "write school C's data to a portable archive "
                           "(JSON; '-' for stdout)"},
         {"import FILE", "restore an archive as a new school, on either "
                         "backend ('-' for stdin)"},
         {NULL, NULL}}},
    {.name = "user", .run = cli_user_run,
     .summary = "add users, set passwords",
     .usage = "COMMAND --data DIR --school C --email E ...",
     .min_args = 1, .max_args = 1,
     .args_missing = "one command is required (add, passwd)",
     .notes = "Without --password-file a password is generated and printed "
              "once.",
     .subcommands = (const struct cli_subcommand[]){
         {"add --school C --email E --role R [--name N] [--password-file F]",
          "R is school_admin, teacher or parent; platform_admin only with "
          "--school ueipab (a platform user)"},
         {"passwd --school C --email E [--password-file F]",
          "sets a new password, ends the user's sessions, API tokens and "
          "support sessions, lifts a lockout"},
         {NULL, NULL}}},
    {.name = "statistics", .run = cli_statistics_run,
     .summary = "refresh the platform's figures now",
     .usage = "record --data DIR", .min_args = 1, .max_args = 1,
     .args_missing = "the command is 'record'",
     .about = "Measures every school now (students, teachers, accounts, "
              "sign-ins,\nstorage) and records each school's figures of the "
              "day and month and\nthe day's anonymized aggregates in the "
              "master store, as the server's\nbackground refresher does "
              "(serve --statistics-interval); days are\nin the master "
              "school's time zone. Serving the figures records nothing.",
     .subcommands = (const struct cli_subcommand[]){
         {"record", "record today's figures"},
         {NULL, NULL}}},
    /* records: import */
    {.name = "import", .run = cli_import_run,
     .summary = "enrol a school's student list, the Matricula (.xls/.xlsx/.csv)",
     .usage = "matricula --data DIR --school C FILE [--dry-run] "
              "[--skip-invalid]",
     .min_args = 2, .max_args = 2,
     .args_missing = "the kind (matricula) and FILE are required",
     .about = "Imports the students, representatives and authorized "
              "pick-ups of FILE\ninto school C (grades and sections of the "
              "current school year created\nas needed). The report is in "
              "Spanish.",
     .notes = "Exit status: 0 imported (or planned, with --dry-run); 1 the "
              "file was refused or the store failed; 2 a usage error; 3 rows "
              "were rejected and, without --skip-invalid, nothing was "
              "written.",
     .subcommands = (const struct cli_subcommand[]){
         {"matricula FILE", "the Matricula student list (lista de "
                            "estudiantes)"},
         {NULL, NULL}}},
    {.name = "timetable", .run = cli_timetable_run,
     .summary = "solve, check and explain weekly timetables (CSV or FET)",
     VERB_AND_FILE,
     .about = "FILE is a folder of CSV files (docs/TIMETABLE.md) or a FET "
              "file (.fet).\nResults and messages about FILE are in Spanish "
              "unless --lang en.",
     .subcommands = (const struct cli_subcommand[]){
         {"solve FILE",
          "build a weekly timetable and print its cost and every violation "
          "in plain words"},
         {"check FILE",
          "price a given timetable (--solution) and explain it"},
         {"info FILE",
          "sizes, unsupported constraints and an infeasibility diagnosis, "
          "without solving"},
         /* issue #15, part import */
         {"import --school C FILE|FOLDER [--dry-run]",
          "bring a school's timetable in: its set-up (sections, subjects, "
          "teachers, rooms, bell schedule, assignments) matched or created, "
          "and the timetable in the file as a draft; see `timetable import "
          "--help`"},
         {"generate --school C [--time-limit S] [--activate]",
          "generate a school's timetable from its set-up, as a draft "
          "(--activate: the active one when it has no clash)"},
         {NULL, NULL}}},
    {.name = "xhstt", .run = cli_xhstt_run,
     .summary = "read, evaluate and solve XHSTT benchmark archives",
     VERB_AND_FILE,
     .about = "FILE is an XHSTT archive (.xml); the first instance is used "
              "unless\n--instance names one. Results are in Spanish.",
     .subcommands = (const struct cli_subcommand[]){
         {"info FILE", "sizes and constraints of the instance"},
         {"check FILE", "the infeasibility and objective of every solution "
                        "stored in FILE (or of --solution FILE), as the "
                        "format defines them"},
         {"solve FILE", "solve the instance and print its cost"},
         {NULL, NULL}}},
    /* records: export (issue 13) */
    {.name = "export", .run = cli_export_run,
     .summary = "write a school's student list or enrolment statistics",
     .usage = "matricula|enrolment --data DIR --school C --output F",
     .min_args = 1, .max_args = 1,
     .args_missing = "a command is required (matricula, enrolment)",
     .about = "The same files as GET /api/v1/exports/...: the student "
              "list (matricula) in\nits 130-column layout (.xlsx), or the "
              "enrolment per grade and section\nwith V/H counts (.xlsx, or "
              "PDF with --format pdf). Results are in Spanish.",
     .subcommands = (const struct cli_subcommand[]){
         {"matricula --school C --output FILE",
          "the students of the year, one row each, importable back"},
         {"enrolment --school C --output FILE [--format xlsx|pdf]",
          "V, H and total per section, per grade and for the school"},
         {NULL, NULL}}},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void main_help(FILE *f)
{
    fputs("Usage: bischeduler COMMAND [options]\n"
          "BiScheduler: a school platform for Venezuelan schools.\n\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-12s%s\n", commands[i].name, commands[i].summary);
    fputs("\n'bischeduler COMMAND --help' tells more. Exit status: 0 done, "
          "1 an\nerror in what was asked, 2 a usage error.\n",
          f);
}

int main(int argc, char **argv)
{
    /* Blocks of 128 KiB and more get pages of their own, whatever freed
       before: an import's big buffers (the upload, the grid's arena as it
       doubles) grow by mremap instead of copying and go back to the system
       when freed. glibc's default raises this threshold as big blocks are
       freed, after which they come from the heap and a realloc holds old
       and new at once: the 10,000-student import's peak RSS in the server
       was 62-65 MiB with it, 46-55 MiB without (bench/matricula). Fixing
       the threshold also fixes the heap's trim threshold at 128 KiB,
       which shrinks and regrows the heap thousands of times in an import
       (20,000 brk calls): 8 MiB keeps the CPU time as it was. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
    if (sodium_init() < 0) {
        fputs("bischeduler: libsodium cannot start\n", stderr);
        return CLI_EXIT_FAIL;
    }
    cli_mail_look_install();
    cli_school_figures_install();
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
        if (strcmp(commands[i].name, cmd) == 0)
            return commands[i].run(&commands[i], argc - 1, argv + 1);
    return cli_usage_error(NULL, "unknown command '%s'", cmd);
}
