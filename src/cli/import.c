/*
 * bischeduler import matricula --school C FILE [--dry-run] [--skip-invalid]:
 * enrols a school's Matrícula spreadsheet (.xls, .xlsx or .csv) from the
 * command line, through the same code as the upload
 * (school/matricula_import.c). The report describes the school's file, so
 * it is in Spanish (cli.h's language policy); usage errors stay English.
 *
 * Exit status: 0 imported (or, with --dry-run, planned) with no rejected
 * row, or with --skip-invalid; 1 the file was refused (not a spreadsheet,
 * corrupt, missing columns ...) or the store failed; 2 a usage error; 3
 * rows were rejected and the import is all-or-nothing: nothing written.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/util.h"
#include "school/matricula.h"

#define CLI_EXIT_REJECTED 3
#define CLI_PROBLEMS_SHOWN 50

static void print_names(const char *label, json_t *a)
{
    if (json_array_size(a) == 0)
        return;
    cli_out(stdout, "%s:", label);
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
        cli_out(stdout, "%s %s", i ? "," : "", json_string_value(v));
    fputc('\n', stdout);
}

static void print_report(const struct mat_import_report *r, bool dry_run,
                         const char *file)
{
    cli_out(stdout, "Matrícula %s (%s, %d columnas)\n", file, r->format,
            r->layout);
    printf("%s\n", dry_run ? "Simulación: no se guardó nada."
                   : r->committed ? "Importación guardada."
                                  : "No se guardó nada.");
    printf("Filas: %d\nEstudiantes nuevos: %d\nActualizados: %d\n"
           "Sin cambios: %d\nRechazados: %d\nAdvertencias: %d\n"
           "Representantes nuevos: %d\nRepresentantes actualizados: %d\n",
           r->rows, r->created, r->updated, r->unchanged, r->rejected,
           r->warnings, r->representatives_created,
           r->representatives_updated);
    print_names("Grados creados", r->grades_created);
    print_names("Secciones creadas", r->sections_created);
    for (size_t i = 0; i < r->problems.n && i < CLI_PROBLEMS_SHOWN; i++) {
        const struct mat_problem *p = &r->problems.v[i];
        cli_out(stdout, "Fila %d%s%s: %s%s%s%s\n", p->row,
                p->column[0] ? ", " : "", p->column,
                p->warning ? "(advertencia) " : "", p->message,
                p->value[0] ? " Valor: " : "", p->value);
    }
    if (r->problems.n > CLI_PROBLEMS_SHOWN)
        printf("... y %zu problemas más.\n",
               r->problems.n - CLI_PROBLEMS_SHOWN);
}

int cli_import_run(const struct cli_command *cmd, int argc, char **argv)
{
    struct cli_args a;
    struct cli_store st = {0};
    const char *school = NULL;
    bool dry_run = false, skip_invalid = false;
    const struct cli_option opts[] = {
        CLI_STORE_OPTIONS(&st),
        {.name = "school", .value = "C", .text = &school,
         .help = "the code of the school to enrol the students in"},
        {.name = "dry-run", .flag = &dry_run,
         .help = "report what the import would do and write nothing"},
        {.name = "skip-invalid", .flag = &skip_invalid,
         .help = "import the accepted rows even when others are rejected "
                 "(default: all or nothing)"},
    };
    int rc = cli_parse(cmd, opts, CLI_COUNT(opts), &st, argc, argv, &a);
    if (rc != CLI_RUN)
        return rc;
    if (strcmp(a.v[0], "matricula") != 0)
        return cli_usage_error("import", "unknown kind '%s' (matricula)",
                               a.v[0]);
    if (a.n < 2)
        return cli_usage_error("import", "FILE is required");
    if (school == NULL)
        return cli_usage_error("import", "--school is required");
    const char *file = a.v[1];

    char msg[512];
    struct sheet *sh = NULL;
    if (sheet_read_file(file, NULL, &sh, msg, sizeof msg) < 0)
        return cli_fail("%s: %s", file, msg);

    struct cli_platform cp;
    if (cli_platform_open(&st, &cp, NULL)) {
        sheet_free(&sh);
        return CLI_EXIT_FAIL;
    }
    struct tenant t;
    struct store *s = NULL;
    const char *err = NULL;
    if (tenant_find(&cp.p, school, &t) != 1) {
        rc = cli_fail("no school with code '%s'", school);
    } else if (pool_acquire(cp.p.pool, t.code, &s, &err) != POOL_OK) {
        rc = cli_fail("cannot open school %s: %s", t.code, err);
    } else {
        struct mat_import_options o = {.dry_run = dry_run,
                                       .skip_invalid = skip_invalid,
                                       .filename = str_base_name(file)};
        struct mat_import_report r;
        int ir = matricula_import(s, sh, &o, &cp.actor, &r, msg, sizeof msg,
                                  &err);
        pool_release(cp.p.pool, s);
        if (ir == MAT_IMPORT_INVALID)
            rc = cli_fail("%s: %s", file, msg);
        else if (ir == MAT_IMPORT_ERROR)
            rc = cli_fail("the import failed: %s", err ? err : "?");
        else {
            print_report(&r, dry_run, file);
            rc = r.rejected > 0 && !skip_invalid ? CLI_EXIT_REJECTED : 0;
            if (rc)
                printf("Hay filas rechazadas: corríjalas o use "
                       "--skip-invalid.\n");
        }
        mat_import_report_free(&r);
    }
    cli_platform_close(&cp);
    sheet_free(&sh);
    return rc;
}
