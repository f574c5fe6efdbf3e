/*
 * bischeduler timetable: the timetabling engine on the command line.
 *   solve FILE   build a timetable (FILE: a CSV folder or a .fet file)
 *   check FILE   price a timetable and explain every violation
 *   info FILE    what was read: sizes, unsupported constraints, diagnosis
 * Progress goes to stderr, results to stdout, both in Spanish unless
 * --lang en (the engine's messages, the same the web app shows; see cli.h).
 * Exit status: 0 done, 1 an error in the input (or, for info, a timetable
 * that cannot have a solution), 2 a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "core/util.h"
#include "timetable/timetable.h"

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static struct tt_instance *read_instance(const char *path, char **error_r)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        struct strbuf sb;
        strbuf_init(&sb);
        strbuf_addf(&sb, "No se encuentra «%s».", path);
        *error_r = strbuf_steal(&sb);
        return NULL;
    }
    if (S_ISDIR(st.st_mode))
        return tt_csv_read(path, error_r);
    return tt_fet_read(path, error_r);
}

struct progress_state {
    bool quiet;
    enum tt_lang lang;
    volatile int *cancel;
};

static bool print_progress(const struct tt_progress *p, void *arg)
{
    struct progress_state *ps = arg;
    if (!ps->quiet)
        fprintf(stderr,
                ps->lang == TT_ES ? "[%6.1f s] %ld pasos, mejor: %ld duras, %ld blandas\n"
                                  : "[%6.1f s] %ld steps, best: %ld hard, %ld soft\n",
                p->elapsed, p->iterations, p->best.hard, p->best.soft);
    return !*ps->cancel;
}

static void print_unsupported(const struct tt_instance *inst, enum tt_lang lang)
{
    if (inst->nunsupported == 0)
        return;
    cli_out(stdout, lang == TT_ES ? "Restricciones que el motor no modela (no se tienen en cuenta):\n"
            : "Constraints the engine does not model (not taken into account):\n");
    for (int i = 0; i < inst->nunsupported; i++)
        cli_out(stdout, "  %s: %d\n", inst->unsupported[i].name, inst->unsupported[i].count);
}

static void print_sizes(const struct tt_instance *inst, enum tt_lang lang)
{
    int n[3] = {0, 0, 0}, periods = 0;
    for (int r = 0; r < inst->nresources; r++)
        n[inst->resources[r].kind]++;
    for (int b = 0; b < inst->nblocks; b++)
        periods += inst->blocks[b].length;
    cli_out(stdout, lang == TT_ES
            ? "%s: %d días x %d períodos; %d docentes, %d secciones, %d aulas; %d clases en %d bloques (%d períodos); %d restricciones\n"
            : "%s: %d days x %d periods; %d teachers, %d classes, %d rooms; %d lessons in %d blocks (%d periods); %d constraints\n",
            inst->name, inst->ndays, inst->nperiods, n[TT_TEACHER], n[TT_CLASS], n[TT_ROOM],
            inst->nlessons, inst->nblocks, periods, inst->nconstraints);
    if (inst->ninactive)
        cli_out(stdout, lang == TT_ES ? "%d restricciones inactivas en el archivo (ignoradas)\n"
                : "%d constraints marked inactive in the file (ignored)\n",
                inst->ninactive);
}

static void print_result(const struct tt_instance *inst, const struct tt_solution *sol,
                         enum tt_lang lang, int max_violations)
{
    struct tt_cost c = tt_evaluate(inst, sol);
    struct tt_stats st = tt_statistics(inst, sol);
    cli_out(stdout, lang == TT_ES ? "Costo: %ld violaciones duras, %ld de costo blando\n"
            : "Cost: %ld hard violations, %ld soft cost\n",
            c.hard, c.soft);
    cli_out(stdout, lang == TT_ES
            ? "Horas libres entre clases: docentes %d, secciones %d; bloques sin ubicar: %d\n"
            : "Idle periods between lessons: teachers %d, classes %d; unplaced blocks: %d\n",
            st.teacher_gaps, st.class_gaps, st.unplaced);
    struct tt_violation *v = NULL;
    int n = tt_explain(inst, sol, lang, &v);
    if (n > 0)
        cli_out(stdout, lang == TT_ES ? "Violaciones (%d):\n" : "Violations (%d):\n", n);
    for (int i = 0; i < n && i < max_violations; i++)
        cli_out(stdout, "  %s %s\n", v[i].hard ? (lang == TT_ES ? "[dura]  " : "[hard]  ")
                : (lang == TT_ES ? "[blanda]" : "[soft]  "),
                v[i].text);
    if (n > max_violations)
        cli_out(stdout, lang == TT_ES ? "  ... y %d más\n" : "  ... and %d more\n", n - max_violations);
    tt_violations_free(v, n);
}

static int write_output(const struct tt_instance *inst, const struct tt_solution *sol,
                        const char *out, const char *input, char **error_r)
{
    if (ends_with(out, ".json"))
        return tt_json_write_solution(inst, sol, out, error_r);
    if (ends_with(out, ".xml"))
        return tt_fet_write_solution(inst, sol, out, error_r);
    if (ends_with(out, ".fet")) {
        if (!ends_with(input, ".fet")) {
            *error_r = xstrdup("Solo se puede escribir un archivo .fet cuando la entrada es un archivo FET.");
            return -1;
        }
        return tt_fet_write_locked(inst, sol, input, out, error_r);
    }
    return tt_csv_write_solution(inst, sol, out, error_r);
}

/* The rule a violation comes from: its constraint's origin (e.g.
   "ConstraintMinDaysBetweenActivities"), "built-in" for clashes, blocks
   out and rooms. */
static const char *rule_name(const struct tt_instance *inst, const struct tt_violation *v)
{
    if (v->constraint >= 0 && inst->constraints[v->constraint].origin)
        return inst->constraints[v->constraint].origin;
    return "built-in";
}

static int write_report(const char *path, const struct tt_instance *inst,
                        const struct tt_result *res, const struct tt_solution *sol,
                        double read_s)
{
    struct tt_stats st = tt_statistics(inst, sol);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int periods = 0, nkind[3] = {0, 0, 0};
    for (int b = 0; b < inst->nblocks; b++)
        periods += inst->blocks[b].length;
    for (int r = 0; r < inst->nresources; r++)
        nkind[inst->resources[r].kind]++;
    fprintf(f, "{\"instance\": ");
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_add_json_string(&sb, inst->name);
    fputs(sb.data, f);
    strbuf_cleanup(&sb);
    /* the cost by the rule it comes from, hard and soft apart: where a
       timetable loses (bench/timetable/run) */
    struct tt_violation *v = NULL;
    int nv = tt_explain(inst, sol, TT_EN, &v);
    for (int pass = 0; pass < 2; pass++) {
        bool hard = pass == 0, first = true;
        fprintf(f, hard ? ", \"hard_by_rule\": {" : ", \"soft_by_rule\": {");
        for (int i = 0; i < nv; i++) {
            const char *name = rule_name(inst, &v[i]);
            bool seen = false;
            for (int j = 0; j < i && !seen; j++)
                seen = v[j].hard == hard && strcmp(name, rule_name(inst, &v[j])) == 0;
            if (v[i].hard != hard || seen)
                continue;
            long sum = 0;
            for (int j = i; j < nv; j++)
                if (v[j].hard == hard && strcmp(name, rule_name(inst, &v[j])) == 0)
                    sum += v[j].cost;
            strbuf_init(&sb);
            strbuf_add_json_string(&sb, name);
            fprintf(f, "%s%s: %ld", first ? "" : ", ", sb.data, sum);
            strbuf_cleanup(&sb);
            first = false;
        }
        fputc('}', f);
    }
    tt_violations_free(v, nv);
    fprintf(f,
            ", \"blocks\": %d, \"periods\": %d, \"hard\": %ld, \"soft\": %ld, "
            "\"read_seconds\": %.4f, \"solve_seconds\": %.4f, \"feasible_seconds\": %.4f, "
            "\"iterations\": %ld, \"teacher_gaps\": %d, \"class_gaps\": %d, "
            "\"unsupported\": %d, \"teachers\": %d, \"classes\": %d, \"rooms\": %d}\n",
            inst->nblocks, periods, res->cost.hard, res->cost.soft, read_s, res->seconds,
            res->seconds_to_feasible, res->iterations, st.teacher_gaps, st.class_gaps,
            inst->nunsupported, nkind[TT_TEACHER], nkind[TT_CLASS], nkind[TT_ROOM]);
    return fclose(f) == 0 ? 0 : -1;
}

int cli_timetable_run(const struct cli_command *cmd, int argc, char **argv)
{
    if (cli_timetable_is_import(argc, argv))
        return cli_timetable_import_run(cmd, argc, argv);
    /* generate: a school's timetable from its set-up (timetable_generate.c) */
    if (argc > 1 && strcmp(argv[1], "generate") == 0)
        return cli_timetable_generate_run(cmd, argc, argv);
    struct cli_args a;
    static const char *const methods[] = {"auto", "repair", "fet", NULL};
    static const char *const langs[] = {"es", "en", NULL};
    struct tt_options opt;
    tt_options_init(&opt);
    const char *out = NULL, *solution = NULL, *report = NULL;
    int method = (int)opt.method, lang_index = TT_ES;
    long max_violations = 50, threads = opt.threads;
    bool quiet = false;
    const struct cli_option opts[] = {
        CLI_SEARCH_OPTIONS(&opt.time_limit, &opt.max_iterations, &opt.seed,
                           &threads, &quiet),
        {.name = "out", .value = "FILE", .text = &out,
         .help = "write the timetable: .csv (solution.csv columns + room), "
                 ".json, .xml (FET activities timetable) or .fet (the input "
                 "FET file with every lesson locked)"},
        {.name = "solution", .value = "FILE", .text = &solution,
         .help = "the timetable to check: CSV (solution.csv columns) or a "
                 "FET activities timetable (.xml)"},
        {.name = "report", .value = "FILE", .text = &report,
         .help = "write the figures as JSON (for benchmarks): sizes, hard, "
                 "soft (and both by the rule they come from), seconds to "
                 "read, to solve and to the first timetable without hard "
                 "violations, unsupported constraints; with check, the "
                 "given timetable's"},
        {.name = "stop-at-feasible", .flag = &opt.stop_at_feasible,
         .help = "stop at the first timetable with no hard violation"},
        {.name = "method", .value = "auto|repair|fet", .choice = &method,
         .choices = methods,
         .help = "how hard violations are removed: the priced repair, FET's "
                 "method (push lessons out and place them again; only for "
                 "clashes, min days and allowed times), or the repair "
                 "switching to FET's after 6 restarts when the rules allow "
                 "(auto, the default)"},
        {.name = "lang", .value = "es|en", .choice = &lang_index,
         .choices = langs,
         .help = "language of results and explanations (default es)"},
        {.name = "max-violations", .value = "N", .integer = &max_violations,
         .min = 0, .max = 1L << 30,
         .help = "print at most N violations (default 50)"},
    };
    int rc = cli_parse(cmd, opts, CLI_COUNT(opts), NULL, argc, argv, &a);
    if (rc != CLI_RUN)
        return rc;
    const char *sub = a.v[0], *path = a.v[1];
    if (strcmp(sub, "check") == 0 && !solution)
        return cli_usage_error("timetable", "check needs --solution FILE");
    opt.method = (enum tt_method)method;
    opt.threads = (int)threads;
    enum tt_lang lang = (enum tt_lang)lang_index;

    double t0 = time_mono_s();
    char *error = NULL;
    struct tt_instance *inst = read_instance(path, &error);
    if (!inst) {
        cli_fail("%s", error);
        free(error);
        return CLI_EXIT_FAIL;
    }
    double read_s = time_mono_s() - t0;
    print_sizes(inst, lang);
    print_unsupported(inst, lang);

    int status = 0;
    struct tt_solution *sol = tt_solution_new(inst);
    if (strcmp(sub, "info") == 0) {
        char *diag = NULL;
        int problems = tt_diagnose(inst, lang, &diag);
        if (problems)
            cli_out(stdout, lang == TT_ES ? "El horario no puede tener solución:\n%s"
                    : "The timetable cannot have a solution:\n%s",
                    diag);
        else
            cli_out(stdout, lang == TT_ES ? "No se detectan imposibilidades evidentes.\n"
                    : "No evident infeasibility found.\n");
        free(diag);
        status = problems ? 1 : 0;
        if (report) {
            struct tt_result none;
            memset(&none, 0, sizeof(none));
            none.seconds_to_feasible = -1;
            struct tt_cost empty = tt_evaluate(inst, sol);
            none.cost = empty;
            if (write_report(report, inst, &none, sol, read_s) < 0) {
                cli_fail("No se pudo escribir «%s».", report);
                status = 1;
            }
        }
    } else if (strcmp(sub, "check") == 0) {
        if ((ends_with(solution, ".xml")
                        ? tt_fet_read_solution(inst, solution, sol, &error)
                        : tt_csv_read_solution(inst, solution, sol, &error)) < 0) {
            cli_fail("%s", error);
            free(error);
            status = 1;
        } else {
            print_result(inst, sol, lang, (int)max_violations);
            if (report) {
                struct tt_result priced;
                memset(&priced, 0, sizeof(priced));
                priced.seconds_to_feasible = -1;
                priced.cost = tt_evaluate(inst, sol);
                if (write_report(report, inst, &priced, sol, read_s) < 0) {
                    cli_fail("No se pudo escribir «%s».", report);
                    status = 1;
                }
            }
        }
    } else {
        opt.cancel = cli_interrupt_flag();
        struct progress_state ps = {quiet, lang, opt.cancel};
        opt.progress = print_progress;
        opt.progress_arg = &ps;
        struct tt_result res;
        if (tt_solve(inst, sol, &opt, &res, &error) < 0) {
            size_t len = strlen(error);
            if (len > 0 && error[len - 1] == '\n')
                error[len - 1] = '\0';
            cli_fail("%s", error);
            free(error);
            status = 1;
        } else {
            char when[32];
            if (res.seconds_to_feasible < 0)
                snprintf(when, sizeof(when), "%s", lang == TT_ES ? "nunca" : "never");
            else
                snprintf(when, sizeof(when), "%.3f s", res.seconds_to_feasible);
            cli_out(stdout, lang == TT_ES
                    ? "Lectura %.3f s; búsqueda %.3f s, %ld pasos; sin violaciones duras desde: %s\n"
                    : "Read %.3f s; search %.3f s, %ld steps; no hard violation since: %s\n",
                    read_s, res.seconds, res.iterations, when);
            print_result(inst, sol, lang, (int)max_violations);
            if (out && write_output(inst, sol, out, path, &error) < 0) {
                cli_fail("%s", error);
                free(error);
                status = 1;
            }
            if (report && write_report(report, inst, &res, sol, read_s) < 0) {
                cli_fail("No se pudo escribir «%s».", report);
                status = 1;
            }
        }
    }
    tt_solution_free(&sol);
    tt_instance_free(&inst);
    return status;
}
