/*
 * bischeduler xhstt: XHSTT archives (the International Timetabling
 * Competition 2011 format) on the command line.
 *   info FILE    sizes and constraint types of the instance
 *   check FILE   the cost of every solution stored in the file
 *   solve FILE   solve the instance; --out writes it back as XHSTT
 * Results go to stdout, progress to stderr, in Spanish (they describe the
 * content of the file; see cli.h). Exit status: 0 done, 1 an error in the
 * input (or, with --require-feasible, no feasible solution), 2 a usage
 * error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/util.h"
#include "xhstt/xhstt.h"

static void print_info(const struct xh_instance *in)
{
    int dur = 0, open = 0;
    for (int e = 0; e < in->nevents; e++) {
        dur += in->events[e].duration;
        for (int i = 0; i < in->events[e].neres; i++)
            open += in->events[e].eres[i].res < 0;
    }
    cli_out(stdout, "%s (%s): %d horas, %d recursos, %d eventos (duración total %d), "
            "%d roles abiertos, %d restricciones\n",
            in->id, in->name, in->ntimes, in->nres, in->nevents, dur, open, in->ncons);
    int count[XH_NCTYPES] = {0};
    for (int c = 0; c < in->ncons; c++)
        count[in->cons[c].type]++;
    for (int t = 0; t < XH_NCTYPES; t++)
        if (count[t])
            cli_out(stdout, "  %s: %d\n", xh_ctype_name((enum xh_ctype)t), count[t]);
}

static void print_cost(const struct xh_instance *in, const struct xh_solution *sol,
                       bool verbose)
{
    long *per = xcalloc((size_t)in->ncons + 1, sizeof(long));
    struct xh_cost c = xh_evaluate(in, sol, per);
    cli_out(stdout, "%s\t%ld\t%ld\n", sol->group && *sol->group ? sol->group : "-", c.infeasibility,
            c.objective);
    for (int i = 0; verbose && i < in->ncons; i++)
        if (per[i])
            cli_out(stdout, "  %s %s «%s»: %ld\n", in->cons[i].required ? "[obligatoria]" : "[preferida] ",
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

static int parse_checkpoints(const char *s, void *arg)
{
    struct xh_options *o = arg;
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

int cli_xhstt_run(const struct cli_command *cmd, int argc, char **argv)
{
    struct cli_args a;
    const char *instance = NULL, *solution = NULL, *out = NULL, *report = NULL;
    bool verbose = false, quiet = false, require_feasible = false;
    struct xh_options o;
    xh_options_init(&o);
    long threads = o.threads;
    const struct cli_option opts[] = {
        CLI_SEARCH_OPTIONS(&o.time_limit, &o.max_iterations, &o.seed, &threads,
                           &quiet),
        {.name = "instance", .value = "ID", .text = &instance,
         .help = "the instance to use"},
        {.name = "solution", .value = "FILE", .text = &solution,
         .help = "check: the solutions of this XHSTT file instead"},
        {.name = "verbose", .flag = &verbose,
         .help = "check, solve: the cost of every constraint too"},
        {.name = "out", .value = "FILE", .text = &out,
         .help = "solve: write the instance and the solution as XHSTT"},
        {.name = "checkpoints", .value = "S,..", .parse = parse_checkpoints,
         .arg = &o, .expects = "up to 8 positive seconds, comma-separated",
         .help = "solve: also report the best cost at these seconds"},
        {.name = "report", .value = "FILE", .text = &report,
         .help = "solve: write the figures as JSON (benchmarks)"},
        {.name = "require-feasible", .flag = &require_feasible,
         .help = "solve: exit 1 when infeasibility is not 0"},
    };
    int rc = cli_parse(cmd, opts, CLI_COUNT(opts), NULL, argc, argv, &a);
    if (rc != CLI_RUN)
        return rc;
    const char *sub = a.v[0], *path = a.v[1];
    o.threads = (int)threads;
    struct xh_archive ar;
    char *err = NULL;
    if (xh_read(path, instance, &ar, &err) != 0) {
        cli_fail("%s", err);
        free(err);
        return 1;
    }
    rc = 0;
    if (strcmp(sub, "info") == 0) {
        print_info(ar.inst);
    } else if (strcmp(sub, "check") == 0) {
        struct xh_archive other = {0};
        const struct xh_archive *from = &ar;
        if (solution) {
            if (xh_read(solution, ar.inst->id, &other, &err) != 0) {
                cli_fail("%s", err);
                free(err);
                xh_archive_free(&ar);
                return 1;
            }
            /* the solutions refer to their own copy of the instance: both
               must agree, which reading them against it checks */
            from = &other;
        }
        if (from->nsols == 0) {
            cli_fail("El archivo no trae ninguna solución de «%s».", ar.inst->id);
            rc = 1;
        } else {
            cli_out(stdout, "solución\tinfactibilidad\tobjetivo\n");
            for (int i = 0; i < from->nsols; i++)
                print_cost(from->inst, &from->sols[i], verbose);
        }
        xh_archive_free(&other);
    } else {
        struct progress_arg pa = {quiet};
        o.progress = on_progress;
        o.progress_arg = &pa;
        o.cancel = cli_interrupt_flag();
        struct xh_solution sol = {0};
        struct xh_result res;
        if (xh_solve(ar.inst, &sol, &o, &res, &err) != 0) {
            cli_fail("%s", err);
            free(err);
            rc = 1;
        } else {
            cli_out(stdout, "%s: infactibilidad %ld, objetivo %ld (%.1f s, %ld pasos)\n", ar.inst->id,
                    res.cost.infeasibility, res.cost.objective, res.seconds, res.iterations);
            for (int i = 0; i < o.ncheckpoints; i++)
                cli_out(stdout, "  a los %g s: infactibilidad %ld, objetivo %ld\n", o.checkpoints[i],
                        res.at_checkpoint[i].infeasibility, res.at_checkpoint[i].objective);
            if (verbose)
                print_cost(ar.inst, &sol, true);
            if (out && xh_write(path, ar.inst, &sol, "BiScheduler", out, &err) != 0) {
                cli_fail("%s", err);
                free(err);
                rc = 1;
            }
            if (report && write_report(report, ar.inst, &o, &res) != 0) {
                cli_fail("No se pudo escribir «%s».", report);
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
