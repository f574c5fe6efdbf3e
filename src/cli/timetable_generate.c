/*
 * bischeduler timetable generate --school C [--time-limit S] [--activate]
 * [--name N]: generates a draft timetable of a school from its set-up on
 * this thread (school_timetable_generate(), the steps the API's runner
 * takes), prints its cost and, with --activate, makes it the active one
 * when it has no clash. Set-up problems are printed in Spanish, one a line,
 * and nothing is written (exit 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/util.h"
#include "platform/platform.h"
#include "school/timetables.h"
#include "school/tt_generate.h"

int cli_timetable_generate_run(const struct cli_command *cmd, int argc, char **argv)
{
    struct cli_args a;
    struct cli_store st = {0};
    const char *school = NULL, *name = NULL;
    long limit = TT_TIME_LIMIT_DEFAULT;
    bool activate = false;
    const struct cli_option opts[] = {
        CLI_STORE_OPTIONS(&st),
        {.name = "school", .value = "C", .text = &school,
         .help = "the code of the school whose timetable is generated"},
        {.name = "time-limit", .value = "S", .integer = &limit, .min = 1,
         .max = TT_TIME_LIMIT_MAX,
         .help = "seconds the search may take, 1-600 (default 30)"},
        {.name = "name", .value = "N", .text = &name,
         .help = "the draft's name (default \"Horario generado\")"},
        {.name = "activate", .flag = &activate,
         .help = "make it the active timetable when it has no clash"},
    };
    /* the verb alone, no FILE */
    struct cli_command gen = *cmd;
    gen.usage = "generate --school C [--time-limit S] [--name N] [--activate]";
    gen.about = "Generates a draft timetable of school C from its set-up (bell "
                "schedules, plan de estudio, teaching assignments, approved "
                "preferences) and prints its cost; results are in Spanish.";
    gen.subcommands = NULL;
    gen.min_args = gen.max_args = 1;
    gen.args_missing = "generate takes no FILE";
    int rc = cli_parse(&gen, opts, CLI_COUNT(opts), &st, argc, argv, &a);
    if (rc != CLI_RUN)
        return rc;
    if (school == NULL)
        return cli_usage_error("timetable", "--school is required");
    struct cli_platform cp;
    if (cli_platform_open(&st, &cp, NULL))
        return CLI_EXIT_FAIL;
    struct tenant t;
    struct store *s = NULL;
    const char *err = NULL;
    if (tenant_find(&cp.p, school, &t) != 1) {
        rc = cli_fail("no school with code '%s'", school);
    } else if (pool_acquire(cp.p.pool, t.code, &s, &err) != POOL_OK) {
        rc = cli_fail("cannot open school %s: %s", t.code, err);
    } else {
        int64_t id = 0;
        char *message = NULL;
        double t0 = time_mono_s();
        int gr = school_timetable_generate(s, &cp.actor, name ? name : "Horario generado",
                                           (int)limit, activate, &id, &message, &err);
        double secs = time_mono_s() - t0;
        if (gr == TT_INVALID) {
            rc = cli_fail("El plantel aún no puede generar un horario:\n%s",
                          message ? message : "");
        } else if (gr == TT_STORE_ERROR) {
            rc = cli_fail("the generation failed: %s", err ? err : "?");
        } else {
            struct school_timetable *tt = NULL;
            store_lock(s);
            int lr = school_timetable_load(s, id, &tt, &err);
            store_unlock(s);
            if (lr == 1) {
                int placed = 0;
                for (int i = 0; i < tt->nlessons; i++)
                    placed += tt->lessons[i].day > 0;
                printf("Horario %lld «%s»: %d de %d clases colocadas, choques %ld, "
                       "penalización %ld, %.2f s%s\n",
                       (long long)id, tt->name, placed, tt->nlessons, tt->cost_hard,
                       tt->cost_soft, secs,
                       !strcmp(tt->status, "active") ? "; es el horario activo" : "");
            }
            school_timetable_free(&tt);
            if (gr == TT_NOT_READY) {
                printf("El horario tiene choques o clases sin colocar: quedó como "
                       "borrador.\n");
                rc = CLI_EXIT_FAIL;
            } else {
                rc = 0;
            }
        }
        free(message);
        pool_release(cp.p.pool, s);
    }
    cli_platform_close(&cp);
    return rc;
}
