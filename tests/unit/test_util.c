/*
 * Hand-written JSON must parse back to what was written: the hot replies
 * and the access log do not go through a JSON library.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/util.h"

static void round_trip(const char *s)
{
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_adds(&sb, "[");
    strbuf_add_json_string(&sb, s);
    strbuf_adds(&sb, "]");
    json_error_t err;
    json_t *j = json_loads(sb.data, 0, &err);
    if (j == NULL)
        fail_msg("not JSON: %s (%s)", sb.data, err.text);
    assert_string_equal(json_string_value(json_array_get(j, 0)), s);
    json_decref(j);
    strbuf_cleanup(&sb);
}

static void test_json_strings_round_trip(void **state)
{
    (void)state;
    round_trip("");
    round_trip("María José Pérez");
    round_trip("comillas \" y barra \\ y /");
    round_trip("línea\nnueva\ttab\r\x01\x1f");
    round_trip("emoji 😀 y ñ");
}

static void test_strbuf_grows_and_formats(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb);
    for (int i = 0; i < 1000; i++)
        strbuf_addf(&sb, "%d,", i);
    assert_int_equal(sb.len, strlen(sb.data));
    assert_memory_equal(sb.data, "0,1,2,", 6);
    char *s = strbuf_steal(&sb);
    assert_null(sb.data);
    free(s);
}

/* util.c checks UTF-8 itself (it is in bis_base, without jansson); it
 * must agree with what jansson accepts, which the JSON layer relies on. */
static void test_utf8_check_agrees_with_jansson(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "", "plain", "Mar\xc3\xad" "a Pe\xc3\xb1" "a", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
        "\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
        "\xf5\x80\x80\x80", "\x80", "a\xe2\x82", "\xef\xbb\xbf" "BOM", "\xff",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t n = strlen(cases[i]);
        json_t *j = json_stringn(cases[i], n);
        assert_int_equal(str_is_utf8(cases[i], n), j != NULL);
        json_decref(j);
    }
    assert_true(str_is_utf8("Mar\xc3\xad" "a", 6));
    assert_false(str_is_utf8("\xc3\xad", 1));     /* cut in the middle */
    assert_false(str_is_utf8("a\0b", 3));         /* NUL refused */
}

static void test_utc_times_round_trip(void **state)
{
    (void)state;
    char out[21];
    time_format_utc(1795250880, out);
    assert_string_equal(out, "2026-11-21T08:48:00Z");
    int64_t t;
    assert_int_equal(time_parse_utc(out, &t), 0);
    assert_int_equal(t, 1795250880);
    assert_int_equal(time_parse_utc("2026-11-22 08:48:00", &t), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_strings_round_trip),
        cmocka_unit_test(test_strbuf_grows_and_formats),
        cmocka_unit_test(test_utf8_check_agrees_with_jansson),
        cmocka_unit_test(test_utc_times_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
