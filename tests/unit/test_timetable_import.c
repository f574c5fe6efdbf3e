/*
 * How the timetable import reads a class group's name as a grade and a
 * letter (school/timetable_import.c): the spellings Venezuelan and other
 * Spanish-speaking schools use in FET files and CSV folders, and names
 * that show no grade (refused, so the import can say which).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "school/timetable_import.h"

static void reads(const char *name, const char *level, int number,
                  const char *letter)
{
    char l[16], x[16];
    int n = -1;
    if (!timetable_import_section_name(name, l, &n, x))
        fail_msg("«%s» was not read as a grade", name);
    if (strcmp(l, level) != 0 || n != number || strcmp(x, letter) != 0)
        fail_msg("«%s» read as %s %d «%s», not %s %d «%s»", name, l, n, x,
                 level, number, letter);
}

static void refused(const char *name)
{
    char l[16], x[16];
    int n;
    if (timetable_import_section_name(name, l, &n, x))
        fail_msg("«%s» was read as %s %d «%s»", name, l, n, x);
}

static void test_media_general_names(void **state)
{
    (void)state;
    reads("1er año", "media_general", 1, "");
    reads("3er año A", "media_general", 3, "A");
    reads("3ER AÑO \"B\"", "media_general", 3, "B");
    reads("5to Año - sección única", "media_general", 5, "Única");
    reads("1º A", "media_general", 1, "A");
    reads("2B", "media_general", 2, "B");
    reads("Cuarto año C", "media_general", 4, "C");
    reads("6to año técnico A", "media_tecnica", 6, "A");
    reads("6º A", "media_tecnica", 6, "A");
}

static void test_primaria_and_inicial_names(void **state)
{
    (void)state;
    reads("2do grado", "primaria", 2, "");
    reads("Primer grado B", "primaria", 1, "B");
    reads("6to Grado A", "primaria", 6, "A");
    reads("3er grupo", "inicial", 3, "");
    reads("4 AÑOS", "inicial", 2, "");
    reads("Sala de 5 años A", "inicial", 3, "A");
}

static void test_names_without_a_grade_are_refused(void **state)
{
    (void)state;
    refused("Bachillerato");
    refused("Eric");
    refused("");
    refused("7mo año");     /* no such grade in Media General */
    refused("9no grado");
    refused("2 años");      /* younger than Educación Inicial's groups */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_media_general_names),
        cmocka_unit_test(test_primaria_and_inicial_names),
        cmocka_unit_test(test_names_without_a_grade_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
