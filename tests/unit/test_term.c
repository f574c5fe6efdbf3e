/*
 * What the command line prints of a stored name must not drive the
 * operator's terminal: control characters come out as visible escapes,
 * ordinary Spanish text comes out unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/term.h"

static void assert_escapes(const char *in, unsigned keep, const char *want)
{
    char *got = term_escape_dup(in, keep);
    assert_string_equal(got, want);
    free(got);
}

static void test_spanish_names_pass_unchanged(void **state)
{
    (void)state;
    assert_escapes("Liceo Beta Ñandú «Año 2025»", 0,
                   "Liceo Beta Ñandú «Año 2025»");
    assert_escapes("emoji 😀", 0, "emoji 😀");
    assert_escapes("", 0, "");
}

static void test_escape_sequences_become_visible(void **state)
{
    (void)state;
    /* clear screen, retitle the window, a bell, a DEL */
    assert_escapes("\x1b[2J\x1b]0;pwned\x07x\x7f", 0,
                   "\\x1b[2J\\x1b]0;pwned\\x07x\\x7f");
    assert_escapes("a\rb\nc\td\be", 0, "a\\x0db\\x0ac\\x09d\\x08e");
    /* U+009B is CSI on terminals that read C1 controls */
    assert_escapes("x\xc2\x9b" "31m", 0, "x\\u009b31m");
    /* a backslash is doubled, so "\x1b" typed as text reads back apart */
    assert_escapes("\\x1b", 0, "\\\\x1b");
}

static void test_invalid_utf8_bytes_become_visible(void **state)
{
    (void)state;
    assert_escapes("a\x9b" "b\xff\xc3", 0, "a\\x9bb\\xff\\xc3");
    /* an overlong slash and a UTF-16 surrogate are not valid UTF-8 */
    assert_escapes("\xc0\xaf\xed\xa0\x80", 0,
                   "\\xc0\\xaf\\xed\\xa0\\x80");
}

static void test_tab_and_newline_kept_on_request(void **state)
{
    (void)state;
    assert_escapes("a\tb\nc\x1b", TERM_KEEP_TAB | TERM_KEEP_NEWLINE,
                   "a\tb\nc\\x1b");
    assert_escapes("a\tb\nc", TERM_KEEP_NEWLINE, "a\\x09b\nc");
}

static void test_small_buffer_is_cut_at_a_whole_escape(void **state)
{
    (void)state;
    char buf[6];
    size_t need = term_escape(buf, sizeof buf, "ab\x1b" "cd", 0);
    assert_int_equal(need, 8);
    assert_string_equal(buf, "ab"); /* "\x1b" does not fit whole */
    assert_int_equal(term_escape(NULL, 0, "ñ", 0), 2);
    memset(buf, 'z', sizeof buf);
    term_escape(buf, 1, "abc", 0);
    assert_string_equal(buf, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spanish_names_pass_unchanged),
        cmocka_unit_test(test_escape_sequences_become_visible),
        cmocka_unit_test(test_invalid_utf8_bytes_become_visible),
        cmocka_unit_test(test_tab_and_newline_kept_on_request),
        cmocka_unit_test(test_small_buffer_is_cut_at_a_whole_escape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
