/*
 * The JSON log prints what it is given escaped: a message holding terminal
 * escape sequences, CR LF or invalid UTF-8 (a school name, a path, a
 * libmicrohttpd message) stays one JSON object on one line, with no raw
 * control character that could rewrite an operator's terminal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/util.h"

/* Runs log_msg with stderr sent to a file; returns what was written. */
static char *captured(const char *text)
{
    char path[] = "/tmp/bis_test_log_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    int saved = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    log_msg(LOG_WARN, "school name: %s", text);
    dup2(saved, STDERR_FILENO);
    close(saved);
    static char buf[8192];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    close(fd);
    unlink(path);
    assert_true(n > 0);
    buf[n] = '\0';
    return buf;
}

static void assert_one_clean_line(const char *out)
{
    size_t n = strlen(out);
    assert_true(n > 1 && out[n - 1] == '\n');
    for (size_t i = 0; i + 1 < n; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
            fail_msg("raw control character 0x%02x at %zu in %s",
                     (unsigned char)out[i], i, out);
    json_error_t err;
    json_t *j = json_loadb(out, n - 1, 0, &err);
    if (j == NULL)
        fail_msg("not one JSON object: %s (%s)", out, err.text);
    assert_true(json_is_object(j));
    json_decref(j);
}

static void test_escape_sequences_are_escaped(void **state)
{
    (void)state;
    const char *evil = "Colegio \x1b[2J\x1b]0;pwned\x07\r\n{\"level\":\"error\"}";
    char *out = captured(evil);
    assert_one_clean_line(out);
    json_t *j = json_loads(out, 0, NULL);
    /* the text survives, escaped, in its own member */
    assert_non_null(strstr(json_string_value(json_object_get(j, "msg")),
                           "\x1b[2J"));
    assert_string_equal(json_string_value(json_object_get(j, "level")),
                        "warn");
    json_decref(j);
}

static void test_invalid_utf8_stays_one_line(void **state)
{
    (void)state;
    assert_one_clean_line(captured("Escuela \xff\xfe\x1b[31m"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_sequences_are_escaped),
        cmocka_unit_test(test_invalid_utf8_stays_one_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
