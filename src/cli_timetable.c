/*
 * bischeduler timetable: the timetabling engine on the command line.
 *   solve FILE   build a timetable (FILE: a CSV folder or a .fet file)
 *   check FILE   price a timetable and explain every violation
 *   info FILE    what was read: sizes, unsupported constraints, diagnosis
 * Progress goes to stderr, results to stdout. Exit status: 0 done, 1 an
 * error in the input (or no timetable without hard violations when
 * --require-feasible), 2 a usage error.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/util.h"
#include "timetable/timetable.h"

int cmd_timetable(int argc, char **argv);

static const char timetable_help[] =
    "Usage: bischeduler timetable COMMAND FILE [options]\n"
    "  solve FILE   build a weekly timetable and print its cost and every\n"
    "               violation in plain words\n"
    "  check FILE   price a given timetable (--solution) and explain it\n"
    "  info FILE    sizes, unsupported constraints and an infeasibility\n"
    "               diagnosis, without solving\n\n"
    "FILE is a folder of CSV files (docs/TIMETABLE.md) or a FET file (.fet).\n\n"
    "Options:\n"
    "  --time-limit S     stop searching after S seconds (default 10)\n"
    "  --seed N           random seed (default 1); the same seed and\n"
    "                     --iterations give the same timetable anywhere\n"
    "  --iterations N     stop after N search steps instead of a time limit\n"
    "  --threads 1|2      search on one or both cores (default 1)\n"
    "  --out FILE         write the timetable: .csv (solution.csv columns +\n"
    "                     room), .json, .xml (FET activities timetable) or\n"
    "                     .fet (the input FET file with every lesson locked)\n"
    "  --solution FILE    the timetable to check: CSV (solution.csv columns)\n"
    "                     or a FET activities timetable (.xml)\n"
    "  --report FILE      write the figures as JSON (for benchmarks): sizes,\n"
    "                     hard, soft, seconds to read, to solve and to the\n"
    "                     first timetable without hard violations,\n"
    "                     unsupported constraints\n"
    "  --stop-at-feasible stop at the first timetable with no hard violation\n"
    "  --method auto|repair|fet\n"
    "                     how hard violations are removed: the priced repair,\n"
    "                     FET's method (push lessons out and place them again;\n"
    "                     only for clashes, min days and allowed times), or\n"
    "                     the repair switching to FET's after 6 restarts\n"
    "                     when the rules allow (auto, the default)\n"
    "  --lang es|en       language of explanations (default es)\n"
    "  --max-violations N print at most N violations (default 50)\n"
    "  --quiet            no progress lines\n";

static volatile int interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

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
};

static bool print_progress(const struct tt_progress *p, void *arg)
{
    struct progress_state *ps = arg;
    if (!ps->quiet)
        fprintf(stderr,
                ps->lang == TT_ES ? "[%6.1f s] %ld pasos, mejor: %ld duras, %ld blandas\n"
                                  : "[%6.1f s] %ld steps, best: %ld hard, %ld soft\n",
                p->elapsed, p->iterations, p->best.hard, p->best.soft);
    return !interrupted;
}

static void print_unsupported(const struct tt_instance *inst, enum tt_lang lang)
{
    if (inst->nunsupported == 0)
        return;
    printf(lang == TT_ES ? "Restricciones que el motor no modela (no se tienen en cuenta):\n"
                         : "Constraints the engine does not model (not taken into account):\n");
    for (int i = 0; i < inst->nunsupported; i++)
        printf("  %s: %d\n", inst->unsupported[i].name, inst->unsupported[i].count);
}

static void print_sizes(const struct tt_instance *inst, enum tt_lang lang)
{
    int n[3] = {0, 0, 0}, periods = 0;
    for (int r = 0; r < inst->nresources; r++)
        n[inst->resources[r].kind]++;
    for (int b = 0; b < inst->nblocks; b++)
        periods += inst->blocks[b].length;
    printf(lang == TT_ES
               ? "%s: %d días x %d períodos; %d docentes, %d secciones, %d aulas; %d clases en %d bloques (%d períodos); %d restricciones\n"
               : "%s: %d days x %d periods; %d teachers, %d classes, %d rooms; %d lessons in %d blocks (%d periods); %d constraints\n",
           inst->name, inst->ndays, inst->nperiods, n[TT_TEACHER], n[TT_CLASS], n[TT_ROOM],
           inst->nlessons, inst->nblocks, periods, inst->nconstraints);
    if (inst->ninactive)
        printf(lang == TT_ES ? "%d restricciones inactivas en el archivo (ignoradas)\n"
                             : "%d constraints marked inactive in the file (ignored)\n",
               inst->ninactive);
}

static void print_result(const struct tt_instance *inst, const struct tt_solution *sol,
                         enum tt_lang lang, int max_violations)
{
    struct tt_cost c = tt_evaluate(inst, sol);
    struct tt_stats st = tt_statistics(inst, sol);
    printf(lang == TT_ES ? "Costo: %ld violaciones duras, %ld de costo blando\n"
                         : "Cost: %ld hard violations, %ld soft cost\n",
           c.hard, c.soft);
    printf(lang == TT_ES
               ? "Horas libres entre clases: docentes %d, secciones %d; bloques sin ubicar: %d\n"
               : "Idle periods between lessons: teachers %d, classes %d; unplaced blocks: %d\n",
           st.teacher_gaps, st.class_gaps, st.unplaced);
    struct tt_violation *v = NULL;
    int n = tt_explain(inst, sol, lang, &v);
    if (n > 0)
        printf(lang == TT_ES ? "Violaciones (%d):\n" : "Violations (%d):\n", n);
    for (int i = 0; i < n && i < max_violations; i++)
        printf("  %s %s\n", v[i].hard ? (lang == TT_ES ? "[dura]  " : "[hard]  ")
                                      : (lang == TT_ES ? "[blanda]" : "[soft]  "),
               v[i].text);
    if (n > max_violations)
        printf(lang == TT_ES ? "  ... y %d más\n" : "  ... and %d more\n", n - max_violations);
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

int cmd_timetable(int argc, char **argv)
{
    static const struct option opts[] = {
        {"time-limit", required_argument, 0, 't'},
        {"seed", required_argument, 0, 's'},
        {"iterations", required_argument, 0, 'i'},
        {"threads", required_argument, 0, 'j'},
        {"out", required_argument, 0, 'o'},
        {"solution", required_argument, 0, 'S'},
        {"report", required_argument, 0, 'r'},
        {"stop-at-feasible", no_argument, 0, 'f'},
        {"method", required_argument, 0, 'M'},
        {"lang", required_argument, 0, 'l'},
        {"max-violations", required_argument, 0, 'm'},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    struct tt_options opt;
    tt_options_init(&opt);
    const char *out = NULL, *solution = NULL, *report = NULL;
    enum tt_lang lang = TT_ES;
    long max_violations = 50;
    bool quiet = false;
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            opt.time_limit = strtod(optarg, &end);
            if (*end || !(opt.time_limit > 0) || opt.time_limit > 86400)
                goto bad_usage;
            break;
        case 's':
            opt.seed = strtoull(optarg, &end, 10);
            if (*end || !*optarg)
                goto bad_usage;
            break;
        case 'i':
            opt.max_iterations = strtol(optarg, &end, 10);
            if (*end || opt.max_iterations < 1)
                goto bad_usage;
            break;
        case 'j':
            opt.threads = (int)strtol(optarg, &end, 10);
            if (*end || opt.threads < 1 || opt.threads > 2)
                goto bad_usage;
            break;
        case 'o': out = optarg; break;
        case 'S': solution = optarg; break;
        case 'r': report = optarg; break;
        case 'f': opt.stop_at_feasible = true; break;
        case 'M':
            if (strcmp(optarg, "auto") == 0)
                opt.method = TT_METHOD_AUTO;
            else if (strcmp(optarg, "repair") == 0)
                opt.method = TT_METHOD_REPAIR;
            else if (strcmp(optarg, "fet") == 0)
                opt.method = TT_METHOD_FET;
            else
                goto bad_usage;
            break;
        case 'l':
            if (strcmp(optarg, "es") == 0)
                lang = TT_ES;
            else if (strcmp(optarg, "en") == 0)
                lang = TT_EN;
            else
                goto bad_usage;
            break;
        case 'm':
            max_violations = strtol(optarg, &end, 10);
            if (*end || max_violations < 0)
                goto bad_usage;
            break;
        case 'q': quiet = true; break;
        case 'h': fputs(timetable_help, stdout); return 0;
        default: goto bad_usage;
        }
    }
    if (argc - optind != 2)
        goto bad_usage;
    const char *sub = argv[optind], *path = argv[optind + 1];
    if (strcmp(sub, "solve") != 0 && strcmp(sub, "check") != 0 && strcmp(sub, "info") != 0)
        goto bad_usage;

    double t0 = time_mono_s();
    char *error = NULL;
    struct tt_instance *inst = read_instance(path, &error);
    if (!inst) {
        fprintf(stderr, "bischeduler: %s\n", error);
        free(error);
        return 1;
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
            printf(lang == TT_ES ? "El horario no puede tener solución:\n%s"
                                 : "The timetable cannot have a solution:\n%s",
                   diag);
        else
            printf(lang == TT_ES ? "No se detectan imposibilidades evidentes.\n"
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
                fprintf(stderr, "bischeduler: cannot write %s\n", report);
                status = 1;
            }
        }
    } else if (strcmp(sub, "check") == 0) {
        if (!solution) {
            fprintf(stderr, "bischeduler timetable check: --solution FILE is required\n");
            status = 2;
        } else if ((ends_with(solution, ".xml")
                        ? tt_fet_read_solution(inst, solution, sol, &error)
                        : tt_csv_read_solution(inst, solution, sol, &error)) < 0) {
            fprintf(stderr, "bischeduler: %s\n", error);
            free(error);
            status = 1;
        } else {
            print_result(inst, sol, lang, (int)max_violations);
        }
    } else {
        struct progress_state ps = {quiet, lang};
        opt.progress = print_progress;
        opt.progress_arg = &ps;
        opt.cancel = &interrupted;
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        struct tt_result res;
        if (tt_solve(inst, sol, &opt, &res, &error) < 0) {
            fprintf(stderr, "bischeduler: %s", error);
            if (error[strlen(error) - 1] != '\n')
                fputc('\n', stderr);
            free(error);
            status = 1;
        } else {
            char when[32];
            if (res.seconds_to_feasible < 0)
                snprintf(when, sizeof(when), "%s", lang == TT_ES ? "nunca" : "never");
            else
                snprintf(when, sizeof(when), "%.3f s", res.seconds_to_feasible);
            printf(lang == TT_ES
                       ? "Lectura %.3f s; búsqueda %.3f s, %ld pasos; sin violaciones duras desde: %s\n"
                       : "Read %.3f s; search %.3f s, %ld steps; no hard violation since: %s\n",
                   read_s, res.seconds, res.iterations, when);
            print_result(inst, sol, lang, (int)max_violations);
            if (out && write_output(inst, sol, out, path, &error) < 0) {
                fprintf(stderr, "bischeduler: %s\n", error);
                free(error);
                status = 1;
            }
            if (report && write_report(report, inst, &res, sol, read_s) < 0) {
                fprintf(stderr, "bischeduler: cannot write %s\n", report);
                status = 1;
            }
        }
    }
    tt_solution_free(&sol);
    tt_instance_free(&inst);
    return status;

bad_usage:
    fprintf(stderr, "bischeduler timetable: bad usage\nTry 'bischeduler timetable --help'.\n");
    return 2;
}
