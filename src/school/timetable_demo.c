/*
 * The demo school's week (issue #15, part import): `init --demo` gives the
 * demo school the UEIPAB 2025 timetable (tests/data/ueipab-2025, compiled
 * into the binary as embedded_demo_timetable) through the real import, so
 * a newcomer sees a full week at once.
 *
 * The folder is written to a private temporary folder with two files
 * changed for the demo: sections.csv names the six UEIPAB groups after the
 * demo's Media General sections (1er Año A, 2do Año A, 3er Año A and B,
 * 4to Año A, 5to Año A), and teachers.csv gives the sixteen coded
 * teachers names: six are the demo's own teachers (matched by name, so
 * they keep their cédula and get the code), the other ten are created
 * and then given a demo cédula. The school's own timetable is imported as
 * a draft, and a timetable generated from the imported set-up (part
 * generate, school_timetable_generate) becomes the active one, so the
 * demo shows both a generated week and a draft to compare it with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/embedded.h"
#include "core/util.h"
#include "school/records.h"
#include "school/timetable_import.h"
#include "school/tt_generate.h"
#include "school/venezuela.h"

/* seconds the engine searches for the demo's timetable (UEIPAB's week
 * has one without clashes within a fraction of a second) */
#define DEMO_GENERATE_SECONDS 2

static const char DEMO_SECTIONS[] =
    "section,name\n"
    "C1,1er año A\n"
    "C2,2do año A\n"
    "C3,3er año A\n"
    "C4,3er año B\n"
    "C5,4to año A\n"
    "C6,5to año A\n";

/* The subjects each one teaches in UEIPAB's week, for the match with the
 * demo's staff (school_demo_seed_staff): a demo teacher takes a code
 * whose weekly load fits their maximum (carga horaria), or the generation
 * refuses the set-up. */
static const char DEMO_TEACHERS[] =
    "teacher,name\n"
    "T01,Jesús Rafael Contreras Molina\n"   /* Matemática */
    "T02,Daniela Moreno Briceño\n"          /* Idiomas */
    "T03,Ana Karina Villasmil Ochoa\n"      /* Biología */
    "T04,María Fernanda Albornoz Rivas\n"   /* Castellano */
    "T05,Héctor Luis Paredes Gil\n"         /* Lógica matemática */
    "T06,Rafael Antonio Sánchez Peña\n"     /* Educación física */
    "T07,Oscar Eduardo Rivas León\n"        /* Innovación TP */
    "T08,Gustavo Adolfo Peña Rangel\n"      /* GHC */
    "T09,Marisol Andreína Carrero Uzcátegui\n" /* Física */
    "T10,Ronald José Dávila Pernía\n"       /* Química */
    "T11,Luis Alberto Rangel Paredes\n"     /* Orientación */
    "T12,Carolina Isabel Méndez Rojas\n"    /* Idiomas */
    "T13,Yajaira Coromoto Barrios Mora\n"   /* Biología */
    "T14,Nelson Enrique Quintero Lobo\n"    /* Orientación */
    "T15,Leidy Carolina Mora Peña\n"        /* Matemática */
    "T16,Freddy Alexander Peña Araujo\n";   /* Grupo de CRP */

static int write_file(const char *dir, const char *name, const void *data,
                      size_t len)
{
    char *path = str_fmt("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    free(path);
    return ok ? 0 : -1;
}

static void remove_files(const char *dir)
{
    for (const struct embedded_file *e = embedded_demo_timetable; e->name;
         e++) {
        char *path = str_fmt("%s/%s", dir, e->name);
        unlink(path);
        free(path);
    }
    rmdir(dir);
}

/* The teachers the import created get a demo cédula (V-21.300.1NN). */
static int give_cedulas(struct store *s, const struct actor *actor,
                        json_t *report, const char **error_r)
{
    json_t *created = json_object_get(json_object_get(report, "teachers"),
                                      "created");
    size_t i;
    json_t *t;
    json_array_foreach(created, i, t) {
        struct staff_input in = {0};
        in.has_cedula = true;
        snprintf(in.cedula_raw, sizeof in.cedula_raw, "V-21.300.%03zu",
                 100 + i);
        const char *msg =
            ve_cedula_normalize(in.cedula_raw, in.cedula, sizeof in.cedula);
        if (msg) {
            *error_r = msg;
            return -1;
        }
        struct rec_errors errs = {0};
        json_t *out = NULL;
        int rc = school_staff_write(
            s, actor, json_integer_value(json_object_get(t, "id")), &in,
            &errs, &out, error_r);
        json_decref(out);
        if (rc != REC_OK) {
            if (rc != REC_ERROR)
                *error_r = errs.n ? errs.e[0].message : "staff refused";
            return -1;
        }
    }
    return 0;
}

/* The active timetable: one generated from the imported set-up (part
 * generate), the school's own imported one staying as a draft to compare
 * with; if the engine finds none without clashes in the time given (a
 * very busy machine), the imported one is activated instead. */
static int activate_generated(struct store *s, const struct actor *actor,
                              json_t *report, const char **error_r)
{
    int64_t id = 0;
    char *message = NULL;
    int rc = school_timetable_generate(s, actor, "Horario 2025-2026",
                                       DEMO_GENERATE_SECONDS, true, &id,
                                       &message, error_r);
    free(message);
    if (rc == TT_OK)
        return 0;
    if (rc == TT_STORE_ERROR)
        return -1;
    if (id && school_timetable_discard(s, actor, id, error_r) == TT_STORE_ERROR)
        return -1;
    int64_t imported = json_integer_value(
        json_object_get(json_object_get(report, "timetable"), "id"));
    rc = school_timetable_activate(s, actor, imported, error_r);
    if (rc != TT_OK) {
        if (rc != TT_STORE_ERROR)
            *error_r = "the demo timetable could not be activated";
        return -1;
    }
    return 0;
}

int timetable_import_demo(struct store *s, const struct actor *actor,
                          json_t **report_r, const char **error_r)
{
    *report_r = NULL;
    const char *tmp = getenv("TMPDIR");
    char *dir = str_fmt("%s/bischeduler-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        free(dir);
        *error_r = "cannot create a temporary folder";
        return -1;
    }
    int rc = 0;
    for (const struct embedded_file *e = embedded_demo_timetable;
         rc == 0 && e->name; e++) {
        if (strcmp(e->name, "sections.csv") == 0)
            rc = write_file(dir, e->name, DEMO_SECTIONS,
                            sizeof DEMO_SECTIONS - 1);
        else if (strcmp(e->name, "teachers.csv") == 0)
            rc = write_file(dir, e->name, DEMO_TEACHERS,
                            sizeof DEMO_TEACHERS - 1);
        else
            rc = write_file(dir, e->name, e->data, e->size);
    }
    struct timetable_source *src = NULL;
    char *message = NULL;
    if (rc < 0)
        *error_r = "cannot write the demo timetable's files";
    else if (timetable_source_read_path(dir, &src, &message) < 0) {
        *error_r = "the demo timetable cannot be read";
        rc = -1;
    }
    remove_files(dir);
    free(dir);
    if (rc == 0) {
        free(src->label);
        src->label = xstrdup("UEIPAB 2025-2026");
        struct timetable_import_options o = {
            .name = "Horario de UEIPAB (importado)"};
        int ir = timetable_import(s, actor, src, &o, report_r, &message,
                                  error_r);
        if (ir == TIMETABLE_IMPORT_INVALID)
            *error_r = "the demo timetable was refused";
        rc = ir == TIMETABLE_IMPORT_OK ? 0 : -1;
    }
    if (rc == 0)
        rc = give_cedulas(s, actor, *report_r, error_r);
    if (rc == 0)
        rc = activate_generated(s, actor, *report_r, error_r);
    if (rc < 0) {
        json_decref(*report_r);
        *report_r = NULL;
    }
    free(message);
    timetable_source_free(&src);
    return rc;
}
