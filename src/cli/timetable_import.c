/*
 * bischeduler timetable import --school C FILE|FOLDER [--dry-run]: brings
 * a school's existing timetable in from a FET file or a CSV folder
 * (docs/TIMETABLE.md), through the same code as the page's upload
 * (school/timetable_import.c): the set-up (sections, subjects, teachers,
 * rooms, bell schedule, assignments) matched or created, and the
 * timetable the file holds as a draft. The report describes the school's
 * file, so it is in Spanish (cli.h's language policy); usage errors stay
 * English. --json prints the report as the API gives it instead.
 *
 * cli_timetable_run (timetable.c) hands `timetable import ...` here before
 * parsing, since this verb works on a school's store and takes the store
 * options the other verbs do not.
 *
 * Exit status: 0 imported (or, with --dry-run, planned); 1 the file was
 * refused (every reason listed) or the store failed; 2 a usage error.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/util.h"
#include "school/timetable_import.h"

bool cli_timetable_is_import(int argc, char **argv)
{
    static const char *const valued[] = {"--data", "--database", "--school",
                                         "--name", NULL};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strncmp(argv[i], "--", 2) != 0)
            return strcmp(argv[i], "import") == 0;
        for (int k = 0; valued[k]; k++)
            if (strcmp(argv[i], valued[k]) == 0)
                i++;
    }
    return false;
}

static void print_group(json_t *report, const char *key, const char *label,
                        const char *created_word, const char *matched_word)
{
    json_t *g = json_object_get(report, key);
    json_t *c = json_object_get(g, "created"), *m = json_object_get(g, "matched");
    cli_out(stdout, "%s: %zu %s, %zu %s\n", label, json_array_size(c),
            created_word, json_array_size(m), matched_word);
    size_t i;
    json_t *v;
    if (json_array_size(c)) {
        cli_out(stdout, "  %s:", created_word);
        json_array_foreach(c, i, v)
            cli_out(stdout, "%s %s", i ? "," : "",
                    json_string_value(json_object_get(v, "name")));
        fputc('\n', stdout);
    }
}

static void print_report(json_t *r)
{
    bool dry = json_is_true(json_object_get(r, "dry_run"));
    cli_out(stdout, "Horario %s (%s)\n",
            json_string_value(json_object_get(r, "file")),
            strcmp(json_string_value(json_object_get(r, "source")), "fet") == 0
                ? "archivo FET"
                : "carpeta CSV");
    printf("%s\n", dry ? "Simulación: no se guardó nada."
                       : "Importación guardada.");
    json_t *y = json_object_get(r, "year");
    if (json_string_value(json_object_get(y, "name")))
        cli_out(stdout, "Año escolar: %s\n",
                json_string_value(json_object_get(y, "name")));
    json_t *grades = json_object_get(r, "grades_created");
    if (json_array_size(grades)) {
        size_t i;
        json_t *v;
        printf("Grados creados:");
        json_array_foreach(grades, i, v)
            cli_out(stdout, "%s %s", i ? "," : "", json_string_value(v));
        fputc('\n', stdout);
    }
    print_group(r, "sections", "Secciones", "nuevas", "existentes");
    print_group(r, "subjects", "Materias", "nuevas", "existentes");
    print_group(r, "teachers", "Docentes", "nuevos", "existentes");
    print_group(r, "rooms", "Aulas", "nuevas", "existentes");
    json_t *b = json_object_get(r, "bell_schedule");
    cli_out(stdout, "Horario de timbres: «%s» (%s)\n",
            json_string_value(json_object_get(b, "name")),
            json_is_true(json_object_get(b, "created")) ? "nuevo" : "existente");
    json_t *a = json_object_get(r, "assignments");
    printf("Asignaciones docentes: %lld nuevas, %lld existentes; plan de "
           "estudio: %lld filas nuevas\n",
           (long long)json_integer_value(json_object_get(a, "created")),
           (long long)json_integer_value(json_object_get(a, "matched")),
           (long long)json_integer_value(json_object_get(
               json_object_get(r, "study_plan"), "created")));
    json_t *t = json_object_get(r, "timetable");
    if (json_is_object(t))
        cli_out(stdout,
                "%s «%s»: %lld clases, %lld ubicadas, %lld fijas; costo: "
                "%lld violaciones duras, %lld de costo blando\n",
                strcmp(json_string_value(json_object_get(t, "status")),
                       "active") == 0
                    ? "Horario activo"
                    : "Borrador",
                json_string_value(json_object_get(t, "name")),
                (long long)json_integer_value(json_object_get(t, "lessons")),
                (long long)json_integer_value(json_object_get(t, "placed")),
                (long long)json_integer_value(json_object_get(t, "locked")),
                (long long)json_integer_value(json_object_get(t, "hard")),
                (long long)json_integer_value(json_object_get(t, "soft")));
    else
        printf("El archivo no trae un horario: solo se importó la "
               "configuración.\n");
    json_t *w = json_object_get(r, "warnings");
    if (json_array_size(w)) {
        printf("Advertencias:\n");
        size_t i;
        json_t *v;
        json_array_foreach(w, i, v)
            cli_out(stdout, "  - %s\n", json_string_value(v));
    }
}

int cli_timetable_import_run(const struct cli_command *cmd, int argc,
                             char **argv)
{
    struct cli_args a;
    struct cli_store st = {0};
    const char *school = NULL, *name = NULL;
    bool dry_run = false, json = false, activate = false;
    const struct cli_option opts[] = {
        CLI_STORE_OPTIONS(&st),
        {.name = "school", .value = "C", .text = &school,
         .help = "import: the code of the school to import into"},
        {.name = "dry-run", .flag = &dry_run,
         .help = "import: report what the import would do and write nothing"},
        {.name = "name", .value = "TEXT", .text = &name,
         .help = "import: the name of the draft timetable (default "
                 "\"Importado de FILE\")"},
        {.name = "activate", .flag = &activate,
         .help = "import: make the imported timetable the active one at once "
                 "when it has no clash (the active one, if any, is archived)"},
        {.name = "json", .flag = &json,
         .help = "import: print the report as JSON (as the API gives it)"},
    };
    int rc = cli_parse(cmd, opts, CLI_COUNT(opts), &st, argc, argv, &a);
    if (rc != CLI_RUN)
        return rc;
    if (school == NULL)
        return cli_usage_error("timetable", "import needs --school C");
    const char *path = a.v[1];

    char *message = NULL;
    struct timetable_source *src = NULL;
    if (timetable_source_read_path(path, &src, &message) < 0) {
        rc = cli_fail("%s", message);
        free(message);
        return rc;
    }
    struct cli_platform cp;
    if (cli_platform_open(&st, &cp, NULL)) {
        timetable_source_free(&src);
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
        struct timetable_import_options o = {
            .dry_run = dry_run, .name = name, .activate = activate};
        json_t *report = NULL;
        int ir = timetable_import(s, &cp.actor, src, &o, &report, &message,
                                  &err);
        pool_release(cp.p.pool, s);
        if (ir == TIMETABLE_IMPORT_INVALID) {
            rc = cli_fail("%s:\n%s", path, message);
        } else if (ir != TIMETABLE_IMPORT_OK) {
            rc = cli_fail("the import failed: %s", err ? err : "?");
        } else {
            rc = 0;
            if (json) {
                char *text = json_dumps(report, JSON_INDENT(2));
                cli_out(stdout, "%s\n", text);
                free(text);
            } else {
                print_report(report);
            }
        }
        free(message);
        json_decref(report);
    }
    cli_platform_close(&cp);
    timetable_source_free(&src);
    return rc;
}
