/*
 * The students module's pure helpers: the accent-free search key the list
 * searches, the folding of a query, the day arithmetic of a move (the
 * enrolment closes the day before) and the record diff an audit row holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "school/students.h"

static void fold_is(const char *in, const char *want)
{
    char out[128];
    records_fold(in, out, sizeof out);
    assert_string_equal(out, want);
}

static void test_fold_takes_accents_and_case_off(void **state)
{
    (void)state;
    fold_is("Ñandú Álvaro", "nandu alvaro");
    fold_is("  MUÑOZ   Peña ", "munoz pena");
    fold_is("José-Luis O'Higgins", "jose luis o higgins");
    fold_is("Çelik Ünal Øyvind", "celik unal oyvind");
    fold_is("V-12.345.678", "v 12 345 678");
    fold_is("%_*", ""); /* no LIKE wildcard survives */
    fold_is("日本 ana", "ana");
    char small[6];
    records_fold("abcdefghij", small, sizeof small);
    assert_true(strlen(small) < sizeof small);
}

static void test_search_key_holds_names_and_cedula_digits(void **state)
{
    (void)state;
    char key[128];
    students_search_key("María José", "Pérez Gómez", "V12345678", key,
                        sizeof key);
    assert_string_equal(key, "perez gomez maria jose 12345678");
    students_search_key("Ana", "Díaz", "1129876543", key, sizeof key);
    assert_string_equal(key, "diaz ana 1129876543");
}

static void test_date_add_crosses_months_years_and_leap_days(void **state)
{
    (void)state;
    char out[11];
    records_date_add("2026-01-12", -1, out);
    assert_string_equal(out, "2026-01-11");
    records_date_add("2026-03-01", -1, out);
    assert_string_equal(out, "2026-02-28");
    records_date_add("2024-03-01", -1, out);
    assert_string_equal(out, "2024-02-29");
    records_date_add("2026-01-01", -1, out);
    assert_string_equal(out, "2025-12-31");
    records_date_add("2025-12-31", 1, out);
    assert_string_equal(out, "2026-01-01");
}

static void test_diff_keeps_only_what_changed(void **state)
{
    (void)state;
    json_t *cur = json_pack("{s:s,s:s,s:b,s:n}", "first_names", "Carla",
                            "phone", "0414-1112233", "cedula_escolar", 0,
                            "section_id");
    json_t *after = json_pack("{s:s,s:s,s:b,s:s}", "first_names",
                              "Carla Andrea", "phone", "0414-1112233",
                              "cedula_escolar", 0, "email", "c@x.test");
    json_t *b, *a;
    rec_diff(cur, after, &b, &a);
    json_t *want_b = json_pack("{s:s,s:n}", "first_names", "Carla", "email");
    json_t *want_a = json_pack("{s:s,s:s}", "first_names", "Carla Andrea",
                               "email", "c@x.test");
    assert_true(json_equal(b, want_b));
    assert_true(json_equal(a, want_a));
    json_decref(b);
    json_decref(a);
    json_decref(want_b);
    json_decref(want_a);
    json_t *same = json_pack("{s:s}", "phone", "0414-1112233");
    rec_diff(cur, same, &b, &a);
    assert_null(b);
    assert_null(a);
    json_decref(same);
    json_decref(after);
    json_decref(cur);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold_takes_accents_and_case_off),
        cmocka_unit_test(test_search_key_holds_names_and_cedula_digits),
        cmocka_unit_test(test_date_add_crosses_months_years_and_leap_days),
        cmocka_unit_test(test_diff_keeps_only_what_changed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
