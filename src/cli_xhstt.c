/*
 * bischeduler xhstt: XHSTT archives (the International Timetabling
 * Competition 2011 format) on the command line.
 *   info FILE    sizes and constraint types of the instance
 *   check FILE   the cost of every solution stored in the file
 *   solve FILE   solve the instance; --out writes it back as XHSTT
 * Results go to stdout, progress to stderr. Exit status: 0 done, 1 an error
 * in the input (or, with --require-feasible, no feasible solution), 2 a
 * usage error.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "xhstt/xhstt.h"

int cmd_xhstt(int argc, char **argv);

static const char xhstt_help[] =
    "Usage: bischeduler xhstt COMMAND FILE [options]\n"
    "  info FILE    sizes and constraints of the instance\n"
    "  check FILE   the infeasibility and objective of every solution stored\n"
    "               in FILE (or of --solution FILE), as the format defines them\n"
    "  solve FILE   solve the instance and print its cost\n\n"
    "FILE is an XHSTT archive (.xml); the first instance is used unless\n"
    "--instance names one.\n\n"
    "Options:\n"
    "  --instance ID      the instance to use\n"
    "  --solution FILE    check: the solutions of this XHSTT file instead\n"
    "  --verbose          check, solve: the cost of every constraint too\n"
    "  --time-limit S     solve: stop after S seconds (default 10)\n"
    "  --iterations N     solve: stop after N steps instead (reproducible)\n"
    "  --seed N           solve: random seed (default 1)\n"
    "  --threads 1|2      solve: one search, or two with different seeds on\n"
    "                     both cores, keeping the better (default 1)\n"
    "  --checkpoints S,.. solve: also report the best cost at these seconds\n"
    "  --out FILE         solve: write the instance and the solution as XHSTT\n"
    "  --report FILE      solve: write the figures as JSON (benchmarks)\n"
    "  --require-feasible solve: exit 1 when infeasibility is not 0\n"
    "  --quiet            no progress lines\n";

static volatile int interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void print_info(const struct xh_instance *in)
{
    int dur = 0, open = 0;
    for (int e = 0; e < in->nevents; e++) {
        dur += in->events[e].duration;
        for (int i = 0; i < in->events[e].neres; i++)
            open += in->events[e].eres[i].res < 0;
    }
    printf("%s (%s): %d horas, %d recursos, %d eventos (duración total %d), "
           "%d roles abiertos, %d restricciones\n",
           in->id, in->name, in->ntimes, in->nres, in->nevents, dur, open, in->ncons);
    int count[XH_NCTYPES] = {0};
    for (int c = 0; c < in->ncons; c++)
        count[in->cons[c].type]++;
    for (int t = 0; t < XH_NCTYPES; t++)
        if (count[t])
            printf("  %s: %d\n", xh_ctype_name((enum xh_ctype)t), count[t]);
}

static void print_cost(const struct xh_instance *in, const struct xh_solution *sol,
                       bool verbose)
{
    long *per = xcalloc((size_t)in->ncons + 1, sizeof(long));
    struct xh_cost c = xh_evaluate(in, sol, per);
    printf("%s\t%ld\t%ld\n", sol->group && *sol->group ? sol->group : "-", c.infeasibility,
           c.objective);
    for (int i = 0; verbose && i < in->ncons; i++)
        if (per[i])
            printf("  %s %s «%s»: %ld\n", in->cons[i].required ? "[obligatoria]" : "[preferida] ",
                   xh_ctype_name(in->cons[i].type), in->cons[i].name, per[i]);
    free(per);
}

struct progress_arg {
    bool quiet;
};

static void on_progress(void *arg, double seconds, struct xh_cost cost, long iterations)
{
    struct progress_arg *pa = arg;
    if (!pa->quiet)
        fprintf(stderr, "[%6.1f s] %ld pasos, mejor: infactibilidad %ld, objetivo %ld\n",
                seconds, iterations, cost.infeasibility, cost.objective);
}

static int write_report(const char *path, const struct xh_instance *in,
                        const struct xh_options *o, const struct xh_result *res)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int dur = 0;
    for (int e = 0; e < in->nevents; e++)
        dur += in->events[e].duration;
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_add_json_string(&sb, in->id);
    fprintf(f,
            "{\"instance\": %s, \"times\": %d, \"resources\": %d, \"events\": %d, "
            "\"duration\": %d, \"constraints\": %d, \"infeasibility\": %ld, "
            "\"objective\": %ld, \"seconds\": %.3f, \"feasible_seconds\": %.3f, "
            "\"iterations\": %ld, \"checkpoints\": [",
            sb.data, in->ntimes, in->nres, in->nevents, dur, in->ncons,
            res->cost.infeasibility, res->cost.objective, res->seconds,
            res->seconds_to_feasible, res->iterations);
    strbuf_cleanup(&sb);
    for (int i = 0; i < o->ncheckpoints; i++)
        fprintf(f, "%s{\"seconds\": %g, \"infeasibility\": %ld, \"objective\": %ld}",
                i ? ", " : "", o->checkpoints[i], res->at_checkpoint[i].infeasibility,
                res->at_checkpoint[i].objective);
    fprintf(f, "]}\n");
    return fclose(f) == 0 ? 0 : -1;
}

static int parse_checkpoints(const char *s, struct xh_options *o)
{
    o->ncheckpoints = 0;
    while (*s) {
        char *end;
        double v = strtod(s, &end);
        if (end == s || v <= 0 || o->ncheckpoints == 8)
            return -1;
        o->checkpoints[o->ncheckpoints++] = v;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            return -1;
    }
    return o->ncheckpoints ? 0 : -1;
}

int cmd_xhstt(int argc, char **argv)
{
    static const struct option opts[] = {
        {"instance", required_argument, NULL, 'i'},
        {"solution", required_argument, NULL, 's'},
        {"verbose", no_argument, NULL, 'v'},
        {"time-limit", required_argument, NULL, 't'},
        {"iterations", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 'S'},
        {"threads", required_argument, NULL, 'T'},
        {"checkpoints", required_argument, NULL, 'c'},
        {"out", required_argument, NULL, 'o'},
        {"report", required_argument, NULL, 'r'},
        {"require-feasible", no_argument, NULL, 'F'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0}};
    const char *instance = NULL, *solution = NULL, *out = NULL, *report = NULL;
    bool verbose = false, quiet = false, require_feasible = false;
    struct xh_options o;
    xh_options_init(&o);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'i': instance = optarg; break;
        case 's': solution = optarg; break;
        case 'v': verbose = true; break;
        case 'o': out = optarg; break;
        case 'r': report = optarg; break;
        case 'F': require_feasible = true; break;
        case 'q': quiet = true; break;
        case 't':
            o.time_limit = strtod(optarg, &end);
            if (*end || o.time_limit <= 0) {
                fprintf(stderr, "--time-limit: se espera un número de segundos positivo.\n");
                return 2;
            }
            break;
        case 'n':
            o.max_iterations = strtol(optarg, &end, 10);
            if (*end || o.max_iterations <= 0) {
                fprintf(stderr, "--iterations: se espera un entero positivo.\n");
                return 2;
            }
            break;
        case 'S':
            o.seed = strtoull(optarg, &end, 10);
            if (*end) {
                fprintf(stderr, "--seed: se espera un entero.\n");
                return 2;
            }
            break;
        case 'T':
            o.threads = (int)strtol(optarg, &end, 10);
            if (*end || (o.threads != 1 && o.threads != 2)) {
                fprintf(stderr, "--threads: 1 o 2.\n");
                return 2;
            }
            break;
        case 'c':
            if (parse_checkpoints(optarg, &o) != 0) {
                fprintf(stderr, "--checkpoints: se esperan hasta 8 segundos separados por comas.\n");
                return 2;
            }
            break;
        case 'h': fputs(xhstt_help, stdout); return 0;
        default: fputs(xhstt_help, stderr); return 2;
        }
    }
    if (argc - optind != 2) {
        fputs(xhstt_help, stderr);
        return 2;
    }
    const char *cmd = argv[optind], *path = argv[optind + 1];
    if (strcmp(cmd, "info") != 0 && strcmp(cmd, "check") != 0 && strcmp(cmd, "solve") != 0) {
        fprintf(stderr, "Comando desconocido «%s».\n%s", cmd, xhstt_help);
        return 2;
    }
    struct xh_archive ar;
    char *err = NULL;
    if (xh_read(path, instance, &ar, &err) != 0) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return 1;
    }
    int rc = 0;
    if (strcmp(cmd, "info") == 0) {
        print_info(ar.inst);
    } else if (strcmp(cmd, "check") == 0) {
        struct xh_archive other = {0};
        const struct xh_archive *from = &ar;
        if (solution) {
            if (xh_read(solution, ar.inst->id, &other, &err) != 0) {
                fprintf(stderr, "%s\n", err);
                free(err);
                xh_archive_free(&ar);
                return 1;
            }
            /* the solutions refer to their own copy of the instance: both
               must agree, which reading them against it checks */
            from = &other;
        }
        if (from->nsols == 0) {
            fprintf(stderr, "El archivo no trae ninguna solución de «%s».\n", ar.inst->id);
            rc = 1;
        } else {
            printf("solución\tinfactibilidad\tobjetivo\n");
            for (int i = 0; i < from->nsols; i++)
                print_cost(from->inst, &from->sols[i], verbose);
        }
        xh_archive_free(&other);
    } else {
        struct progress_arg pa = {quiet};
        o.progress = on_progress;
        o.progress_arg = &pa;
        o.cancel = &interrupted;
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        struct xh_solution sol = {0};
        struct xh_result res;
        if (xh_solve(ar.inst, &sol, &o, &res, &err) != 0) {
            fprintf(stderr, "%s\n", err);
            free(err);
            rc = 1;
        } else {
            printf("%s: infactibilidad %ld, objetivo %ld (%.1f s, %ld pasos)\n", ar.inst->id,
                   res.cost.infeasibility, res.cost.objective, res.seconds, res.iterations);
            for (int i = 0; i < o.ncheckpoints; i++)
                printf("  a los %g s: infactibilidad %ld, objetivo %ld\n", o.checkpoints[i],
                       res.at_checkpoint[i].infeasibility, res.at_checkpoint[i].objective);
            if (verbose)
                print_cost(ar.inst, &sol, true);
            if (out && xh_write(path, ar.inst, &sol, "BiScheduler", out, &err) != 0) {
                fprintf(stderr, "%s\n", err);
                free(err);
                rc = 1;
            }
            if (report && write_report(report, ar.inst, &o, &res) != 0) {
                fprintf(stderr, "No se pudo escribir «%s».\n", report);
                rc = 1;
            }
            if (rc == 0 && require_feasible && res.cost.infeasibility > 0)
                rc = 1;
        }
        xh_solution_free(&sol);
    }
    xh_archive_free(&ar);
    return rc;
}
