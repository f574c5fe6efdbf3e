/*
 * bischeduler export matricula|enrolment --school C --output FILE: the same
 * files as GET /api/v1/exports/... (src/school/matricula_export.c and
 * enrolment_stats.c), written from the command line: the Matrícula as
 * .xlsx, the enrolment statistics as .xlsx or, with --format pdf, as a PDF.
 * The file is written to FILE.part and renamed, so a failed export leaves
 * nothing behind; "-" writes to stdout. Like the import, its results and
 * errors about the school's data are in Spanish.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "platform/platform.h"
#include "school/exports.h"

static int write_out(const char *file, const struct export_file *f)
{
    if (strcmp(file, "-") == 0)
        return fwrite(f->data, 1, f->len, stdout) == f->len &&
                       fflush(stdout) == 0
                   ? 0
                   : cli_fail("no se pudo escribir en la salida estándar");
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.part", file);
    FILE *o = fopen(tmp, "wb");
    if (o == NULL)
        return cli_fail("no se pudo escribir %s", file);
    bool ok = fwrite(f->data, 1, f->len, o) == f->len;
    if (fclose(o) != 0 || !ok || rename(tmp, file) != 0) {
        unlink(tmp);
        return cli_fail("no se pudo escribir %s", file);
    }
    return 0;
}

int cli_export_run(const struct cli_command *cmd, int argc, char **argv)
{
    struct cli_args a;
    struct cli_store st = {0};
    const char *school = NULL, *output = NULL;
    static const char *const formats[] = {"xlsx", "pdf", NULL};
    int format = 0;
    long year_id = 0;
    const struct cli_option opts[] = {
        CLI_STORE_OPTIONS(&st),
        {.name = "school", .value = "C", .text = &school,
         .help = "the school's code"},
        {.name = "output", .value = "FILE", .text = &output,
         .help = "where to write the file ('-' for stdout)"},
        {.name = "format", .value = "xlsx|pdf", .choice = &format,
         .choices = formats,
         .help = "enrolment only: a spreadsheet (default) or a printable "
                 "PDF"},
        {.name = "year-id", .value = "N", .integer = &year_id, .min = 1,
         .max = 1L << 62,
         .help = "the school year's id (default: the current year)"},
    };
    int rc = cli_parse(cmd, opts, CLI_COUNT(opts), &st, argc, argv, &a);
    if (rc != CLI_RUN)
        return rc;
    bool matricula = strcmp(a.v[0], "matricula") == 0;
    if (school == NULL)
        return cli_usage_error(cmd->name, "--school is required");
    if (output == NULL)
        return cli_usage_error(cmd->name, "--output is required");
    if (matricula && format != 0)
        return cli_usage_error(cmd->name,
                               "matricula is exported as xlsx only");

    struct cli_platform cp;
    if (cli_platform_open(&st, &cp, NULL))
        return CLI_EXIT_FAIL;
    struct tenant t;
    int found = tenant_find(&cp.p, school, &t);
    if (found <= 0) {
        cli_platform_close(&cp);
        return found < 0 ? cli_fail("no se pudo leer el registro de escuelas")
                         : cli_fail("no existe la escuela '%s'", school);
    }
    struct store *s;
    const char *err = NULL;
    if (pool_acquire(cp.p.pool, t.code, &s, &err) != POOL_OK) {
        cli_platform_close(&cp);
        return cli_fail("no se pudo abrir la escuela %s: %s", t.code,
                        err ? err : "?");
    }
    struct export_file f = {0};
    size_t rows = 0;
    if (matricula) {
        rc = matricula_export_xlsx(s, t.name, year_id, &f, &err);
    } else {
        struct enrolment_stats es;
        rc = enrolment_stats_load(s, t.name, year_id, &es, &err);
        if (rc == EXPORT_OK) {
            rows = (size_t)(es.boys + es.girls);
            rc = format == 1 ? enrolment_stats_pdf(&es, &f, &err)
                             : enrolment_stats_xlsx(&es, &f, &err);
            enrolment_stats_free(&es);
        }
    }
    pool_release(cp.p.pool, s);
    cli_platform_close(&cp);
    if (rc == EXPORT_NOT_FOUND)
        return cli_fail("la escuela %s no tiene el año escolar %ld", t.code,
                        year_id);
    if (rc < 0)
        return cli_fail("no se pudo exportar: %s", err ? err : "?");
    rc = write_out(output, &f);
    export_file_free(&f);
    if (rc != 0 || strcmp(output, "-") == 0)
        return rc;
    if (matricula)
        cli_out(stdout, "Matrícula de %s escrita en %s\n", t.code, output);
    else
        cli_out(stdout,
                "Estadística de matrícula de %s escrita en %s (%zu "
                "estudiante%s)\n",
                t.code, output, rows, rows == 1 ? "" : "s");
    return 0;
}
