/*
 * Venezuelan identifiers as a secretary types them: accepted in the usual
 * spellings, stored in one normal form, refused with a message otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "school/venezuela.h"

static void rif_ok(const char *in, const char *want)
{
    char out[32];
    const char *msg = ve_rif_normalize(in, out, sizeof out);
    if (msg)
        fail_msg("RIF %s refused: %s", in, msg);
    assert_string_equal(out, want);
}

static void test_rif_spellings_normalize(void **state)
{
    (void)state;
    rif_ok("J-31234567-8", "J-31234567-8");
    rif_ok("j312345678", "J-31234567-8");
    rif_ok("G 20000001 2", "G-20000001-2");
    rif_ok("V.12345678.9", "V-12345678-9");
    char out[32];
    assert_non_null(ve_rif_normalize("X-31234567-8", out, sizeof out));
    assert_non_null(ve_rif_normalize("J-3123456-8", out, sizeof out));
    assert_non_null(ve_rif_normalize("J-312345678-99", out, sizeof out));
    assert_non_null(ve_rif_normalize("J-3123A567-8", out, sizeof out));
    assert_non_null(ve_rif_normalize("", out, sizeof out));
}

static void test_phones_landline_and_mobile(void **state)
{
    (void)state;
    char out[32];
    assert_null(ve_phone_normalize("02125551234", out, sizeof out));
    assert_string_equal(out, "0212-5551234");
    assert_null(ve_phone_normalize("(0274) 244-5566", out, sizeof out));
    assert_string_equal(out, "0274-2445566");
    assert_null(ve_phone_normalize("0414 123 4567", out, sizeof out));
    assert_string_equal(out, "0414-1234567");
    assert_null(ve_phone_normalize("0426-1234567", out, sizeof out));
    assert_non_null(ve_phone_normalize("0415-1234567", out, sizeof out));
    assert_non_null(ve_phone_normalize("0999-1234567", out, sizeof out));
    assert_non_null(ve_phone_normalize("0414-123456", out, sizeof out));
    assert_null(ve_phone_normalize("+58 414 1234567", out, sizeof out));
    assert_string_equal(out, "0414-1234567");
    assert_null(ve_phone_normalize(" +58 (212) 555-1234", out, sizeof out));
    assert_string_equal(out, "0212-5551234");
    assert_non_null(ve_phone_normalize("+57 414 1234567", out, sizeof out));
    assert_non_null(ve_phone_normalize("+58 0414 1234567", out, sizeof out));
    assert_non_null(ve_phone_normalize("+58 415 1234567", out, sizeof out));
}

static void test_states_are_iso_codes(void **state)
{
    (void)state;
    const char *name = NULL;
    assert_null(ve_state_check("VE-A", &name));
    assert_string_equal(name, "Distrito Capital");
    assert_null(ve_state_check("VE-X", &name));
    assert_string_equal(name, "La Guaira");
    assert_null(ve_state_check("VE-Z", &name));
    assert_non_null(ve_state_check("VE-Q", &name));
    assert_non_null(ve_state_check("Mérida", &name));
    assert_non_null(ve_state_check("ve-a", &name));
}

static void test_dea_codes(void **state)
{
    (void)state;
    char out[32];
    assert_null(ve_dea_normalize("od 1234-5678", out, sizeof out));
    assert_string_equal(out, "OD12345678");
    assert_non_null(ve_dea_normalize("ab", out, sizeof out));
    assert_non_null(ve_dea_normalize("OD12345678OD12345678X", out, sizeof out));
    assert_non_null(ve_dea_normalize("OD-12/34", out, sizeof out));
}

/* Each accepted spelling gives the normal form; each refusal says why in
 * Spanish. */
static void norm_ok(const char *(*f)(const char *, char *, size_t),
                    const char *in, const char *want)
{
    char out[300];
    const char *msg = f(in, out, sizeof out);
    if (msg)
        fail_msg("\"%s\" refused: %s", in, msg);
    assert_string_equal(out, want);
}

static void norm_refused(const char *(*f)(const char *, char *, size_t),
                         const char *in, const char *want_in_msg)
{
    char out[300] = "untouched";
    const char *msg = f(in, out, sizeof out);
    if (msg == NULL)
        fail_msg("\"%s\" accepted as \"%s\"", in, out);
    if (strstr(msg, want_in_msg) == NULL)
        fail_msg("\"%s\": message \"%s\" lacks \"%s\"", in, msg, want_in_msg);
}

static void test_cedula_spellings_normalize(void **state)
{
    (void)state;
    norm_ok(ve_cedula_normalize, "V-12.345.678", "V12345678");
    norm_ok(ve_cedula_normalize, "v 12345678", "V12345678");
    norm_ok(ve_cedula_normalize, "V12345678", "V12345678");
    norm_ok(ve_cedula_normalize, "12.345.678", "V12345678");
    norm_ok(ve_cedula_normalize, " 12345678 ", "V12345678");
    norm_ok(ve_cedula_normalize, "E-81234567", "E81234567");
    norm_ok(ve_cedula_normalize, "e.81.234.567", "E81234567");
    norm_ok(ve_cedula_normalize, "V-123456", "V123456");
    norm_ok(ve_cedula_normalize, "V-123456789", "V123456789");
    norm_ok(ve_cedula_normalize, "V 12 345 678", "V12345678");
}

static void test_cedula_refusals_say_why(void **state)
{
    (void)state;
    norm_refused(ve_cedula_normalize, "V-12345", "de 6 a 9 dígitos");
    norm_refused(ve_cedula_normalize, "V-1234567890", "cédula no es válida");
    norm_refused(ve_cedula_normalize, "J-12345678", "use V o E");
    norm_refused(ve_cedula_normalize, "V-1234A678", "cédula no es válida");
    norm_refused(ve_cedula_normalize, "12..345.678", "cédula no es válida");
    norm_refused(ve_cedula_normalize, "12.345.678.", "cédula no es válida");
    norm_refused(ve_cedula_normalize, "", "de 6 a 9 dígitos");
    norm_refused(ve_cedula_normalize, "V-", "de 6 a 9 dígitos");
    norm_refused(ve_cedula_normalize, "V-00012345", "de 6 a 9 dígitos");
}

static void test_cedula_escolar_spellings(void **state)
{
    (void)state;
    norm_ok(ve_cedula_escolar_normalize, "1157424268", "1157424268");
    norm_ok(ve_cedula_escolar_normalize, "V-1157424268", "1157424268");
    norm_ok(ve_cedula_escolar_normalize, "1.15.7424268", "1157424268");
    norm_ok(ve_cedula_escolar_normalize, "21512345678", "21512345678");
    norm_refused(ve_cedula_escolar_normalize, "115742426", "10 u 11 dígitos");
    norm_refused(ve_cedula_escolar_normalize, "115742426812", "10 u 11");
    norm_refused(ve_cedula_escolar_normalize, "0157424268", "cédula escolar");
    norm_refused(ve_cedula_escolar_normalize, "E-1157424268", "cédula escolar");
    norm_refused(ve_cedula_escolar_normalize, "11574X4268", "cédula escolar");
}

static void test_cedula_escolar_year_is_a_warning(void **state)
{
    (void)state;
    assert_null(ve_cedula_escolar_year_warning("1157424268", "2015-03-09"));
    assert_null(ve_cedula_escolar_year_warning("21012345678", "2010-12-31"));
    const char *w = ve_cedula_escolar_year_warning("1157424268", "2016-03-09");
    assert_non_null(w);
    assert_non_null(strstr(w, "no coincide con la fecha de nacimiento"));
    /* nothing to compare: no warning */
    assert_null(ve_cedula_escolar_year_warning("1157424268", ""));
    assert_null(ve_cedula_escolar_year_warning("", "2015-03-09"));
}

static void test_dates_in_every_spelling(void **state)
{
    (void)state;
    norm_ok(ve_date_normalize, "09/03/2015", "2015-03-09");
    norm_ok(ve_date_normalize, "9/3/2015", "2015-03-09");
    norm_ok(ve_date_normalize, "09-03-2015", "2015-03-09");
    norm_ok(ve_date_normalize, "09.03.2015", "2015-03-09");
    norm_ok(ve_date_normalize, "2015-03-09", "2015-03-09");
    norm_ok(ve_date_normalize, " 2015-3-9 ", "2015-03-09");
    norm_ok(ve_date_normalize, "2015/03/09", "2015-03-09");
    norm_ok(ve_date_normalize, "2015-03-09 00:00:00", "2015-03-09");
    norm_ok(ve_date_normalize, "2015-03-09T00:00:00", "2015-03-09");
    norm_ok(ve_date_normalize, "29/02/2016", "2016-02-29");
    norm_ok(ve_date_normalize, "29/02/2000", "2000-02-29");
    norm_ok(ve_date_normalize, "31/12/2100", "2100-12-31");
}

static void test_dates_excel_serials_1900_system(void **state)
{
    (void)state;
    norm_ok(ve_date_normalize, "42072", "2015-03-09");
    norm_ok(ve_date_normalize, "42072.75", "2015-03-09");
    norm_ok(ve_date_normalize, "1", "1900-01-01");
    norm_ok(ve_date_normalize, "59", "1900-02-28");
    norm_ok(ve_date_normalize, "61", "1900-03-01");
    norm_ok(ve_date_normalize, "36526", "2000-01-01");
    norm_ok(ve_date_normalize, "45658", "2025-01-01");
    norm_ok(ve_date_normalize, "73415", "2100-12-31");
    /* the Lotus 1-2-3 leap day that never was */
    norm_refused(ve_date_normalize, "60", "29/02/1900");
    norm_refused(ve_date_normalize, "0", "fuera de rango");
    norm_refused(ve_date_normalize, "73416", "entre 1900 y 2100");
    norm_refused(ve_date_normalize, "1234567", "fuera de rango");
}

static void test_dates_refused(void **state)
{
    (void)state;
    norm_refused(ve_date_normalize, "31/02/2015", "no existe");
    norm_refused(ve_date_normalize, "29/02/2015", "no existe");
    norm_refused(ve_date_normalize, "29/02/1900", "no existe");
    norm_refused(ve_date_normalize, "00/01/2015", "no existe");
    norm_refused(ve_date_normalize, "15/13/2015", "no existe");
    norm_refused(ve_date_normalize, "01/01/1899", "entre 1900 y 2100");
    norm_refused(ve_date_normalize, "2101-01-01", "entre 1900 y 2100");
    norm_refused(ve_date_normalize, "09/03/15", "dd/mm/aaaa");
    norm_refused(ve_date_normalize, "9 de marzo de 2015", "dd/mm/aaaa");
    norm_refused(ve_date_normalize, "09/03-2015", "dd/mm/aaaa");
    norm_refused(ve_date_normalize, "", "dd/mm/aaaa");
    norm_refused(ve_date_normalize, "2015-03-09x", "dd/mm/aaaa");
    norm_refused(ve_date_normalize, "-5", "dd/mm/aaaa");
}

static void test_emails(void **state)
{
    (void)state;
    norm_ok(ve_email_normalize, "Maria.Perez@Gmail.com", "maria.perez@gmail.com");
    norm_ok(ve_email_normalize, "  ana+cole@correo.com.ve ",
            "ana+cole@correo.com.ve");
    norm_refused(ve_email_normalize, "maria.perez", "correo electrónico");
    norm_refused(ve_email_normalize, "maria@@gmail.com", "nombre@dominio.com");
    norm_refused(ve_email_normalize, "maria@gmail", "nombre@dominio.com");
    norm_refused(ve_email_normalize, "maria perez@gmail.com", "no es válido");
    norm_refused(ve_email_normalize, "@gmail.com", "no es válido");
    norm_refused(ve_email_normalize, "maria@", "no es válido");
    norm_refused(ve_email_normalize, "maria@.gmail.com", "no es válido");
    norm_refused(ve_email_normalize, "maria@gmail..com", "no es válido");
    norm_refused(ve_email_normalize, "a@b.c,d@e.f", "no es válido");
    char longmail[300];
    memset(longmail, 'a', 260);
    memcpy(longmail + 250, "@gmail.com", 11);
    norm_refused(ve_email_normalize, longmail, "demasiado largo");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rif_spellings_normalize),
        cmocka_unit_test(test_phones_landline_and_mobile),
        cmocka_unit_test(test_states_are_iso_codes),
        cmocka_unit_test(test_dea_codes),
        cmocka_unit_test(test_cedula_spellings_normalize),
        cmocka_unit_test(test_cedula_refusals_say_why),
        cmocka_unit_test(test_cedula_escolar_spellings),
        cmocka_unit_test(test_cedula_escolar_year_is_a_warning),
        cmocka_unit_test(test_dates_in_every_spelling),
        cmocka_unit_test(test_dates_excel_serials_1900_system),
        cmocka_unit_test(test_dates_refused),
        cmocka_unit_test(test_emails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
