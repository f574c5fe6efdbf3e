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
    assert_non_null(ve_phone_normalize("+58 414 1234567", out, sizeof out));
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rif_spellings_normalize),
        cmocka_unit_test(test_phones_landline_and_mobile),
        cmocka_unit_test(test_states_are_iso_codes),
        cmocka_unit_test(test_dea_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
