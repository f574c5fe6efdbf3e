/*
 * The request body reader (src/http/fields.c): every invalid member is
 * found in one pass, text is trimmed and refused with control characters,
 * passwords are kept as typed, optional settings may be cleared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/fields.h"

static json_t *obj(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (j == NULL)
        fail_msg("bad test JSON %s: %s", text, e.text);
    return j;
}

static void test_every_invalid_member_is_found(void **state)
{
    (void)state;
    static const char *const roles[] = {"teacher", "parent", NULL};
    char name[21], email[64], role[16], pw[64];
    int64_t n = 0;
    const struct field f[] = {
        {.key = "name", .required = true, .max_len = 20, .message = "nombre",
         .text = name, .text_size = sizeof name},
        {.key = "email", .type = FIELD_EMAIL, .required = true,
         .message = "correo", .text = email, .text_size = sizeof email},
        {.key = "role", .type = FIELD_ENUM, .choices = roles,
         .required = true, .message = "rol", .text = role,
         .text_size = sizeof role},
        {.key = "password", .type = FIELD_PASSWORD, .required = true,
         .max_len = 10, .message = "clave", .text = pw,
         .text_size = sizeof pw},
        {.key = "n", .type = FIELD_INT, .message = "número", .integer = &n},
    };
    json_t *j = obj("{\"name\":\"   \",\"email\":\"x\",\"role\":\"rey\","
                    "\"password\":\"12345678901\",\"n\":\"7\"}");
    struct field_errors errs = {0};
    fields_parse(j, f, 5, &errs);
    assert_int_equal(errs.n, 5);
    const char *want[] = {"name", "email", "role", "password", "n"};
    for (int i = 0; i < 5; i++)
        assert_string_equal(errs.e[i].field, want[i]);
    assert_string_equal(errs.e[0].message, "nombre");
    json_decref(j);

    j = obj("{\"name\":\"  Ana  Pérez \",\"email\":\" Ana@X.TEST \","
            "\"role\":\"parent\",\"password\":\" ab \",\"n\":7}");
    memset(&errs, 0, sizeof errs);
    fields_parse(j, f, 5, &errs);
    assert_int_equal(errs.n, 0);
    assert_string_equal(name, "Ana  Pérez");
    assert_string_equal(email, "ana@x.test");
    assert_string_equal(role, "parent");
    assert_string_equal(pw, " ab ");
    assert_int_equal(n, 7);
    json_decref(j);
}

static void test_control_characters_are_refused(void **state)
{
    (void)state;
    assert_null(field_text_check("Colegio Ñandú «Sur»", false));
    assert_non_null(field_text_check("a\x1b[2Jb", false));
    assert_non_null(field_text_check("a\tb", false));
    assert_non_null(field_text_check("a\nb", false));
    assert_non_null(field_text_check("a\x7f", false));
    assert_non_null(field_text_check("a\xc2\x9b" "2J", false)); /* C1 CSI */
    assert_null(field_text_check("línea 1\nlínea 2", true));
    assert_non_null(field_text_check("línea 1\r\nlínea 2", true));
    assert_non_null(field_text_check("a\x1b", true));
}

static void test_absent_optional_and_cleared_members(void **state)
{
    (void)state;
    char phone[32] = "sin tocar", rif[32] = "sin tocar";
    bool has_phone = true, has_rif = true;
    const struct field f[] = {
        {.key = "phone", .clearable = true, .message = "tel", .text = phone,
         .text_size = sizeof phone, .present = &has_phone},
        {.key = "rif", .clearable = true, .message = "rif", .text = rif,
         .text_size = sizeof rif, .present = &has_rif},
    };
    json_t *j = obj("{\"phone\":\"\"}");
    struct field_errors errs = {0};
    fields_parse(j, f, 2, &errs);
    assert_int_equal(errs.n, 0);
    assert_true(has_phone);
    assert_string_equal(phone, "");
    assert_false(has_rif);
    assert_string_equal(rif, "sin tocar");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_invalid_member_is_found),
        cmocka_unit_test(test_control_characters_are_refused),
        cmocka_unit_test(test_absent_optional_and_cleared_members),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
