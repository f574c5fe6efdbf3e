/*
 * The mail templates (src/mail/render.c): {{key}} substitution, escaping
 * in the HTML part, a missing variable refused, and every template of
 * templates/mail/ rendering with exactly the variables agreed in the plan
 * of issue #14 (a typo in a template or a caller fails here).
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
#include "mail/internal.h"
#include "mail/mail.h"

static void test_placeholders_are_replaced_and_escaped_in_html(void **state)
{
    (void)state;
    char err[128];
    json_t *v = json_pack("{s:s}", "name", "Ana <b>& \"Pérez\"");
    char *t = mail_render_text("Hola, {{name}}.", v, NULL, false, err,
                               sizeof err);
    assert_string_equal(t, "Hola, Ana <b>& \"Pérez\".");
    free(t);
    char *h = mail_render_text("<p>{{name}}</p>", v, NULL, true, err,
                               sizeof err);
    assert_string_equal(h, "<p>Ana &lt;b&gt;&amp; &quot;Pérez&quot;</p>");
    free(h);
    json_decref(v);
}

static void test_missing_variable_is_an_error(void **state)
{
    (void)state;
    char err[128] = "";
    json_t *v = json_pack("{s:s}", "name", "Ana");
    assert_null(mail_render_text("{{nmae}}", v, NULL, false, err, sizeof err));
    assert_non_null(strstr(err, "nmae"));
    assert_null(mail_render_text("{{name", v, NULL, false, err, sizeof err));
    assert_null(mail_render_text("{{ bad key }}", v, NULL, false, err,
                                 sizeof err));
    json_decref(v);
}

static void test_module_values_cannot_be_replaced_by_a_caller(void **state)
{
    (void)state;
    char err[128];
    json_t *v = json_pack("{s:s}", "content", "<script>");
    json_t *raw = json_pack("{s:s}", "content", "<p>cuerpo</p>");
    char *h = mail_render_text("{{content}}", v, raw, true, err, sizeof err);
    assert_string_equal(h, "<p>cuerpo</p>");
    free(h);
    json_decref(v);
    json_decref(raw);
}

static json_t *common(void)
{
    return json_pack("{s:s,s:s,s:s,s:s}", "school_name", "U.E. Ejemplo",
                     "school_color", "#1f4e79", "school_logo_url", "",
                     "base_url", "http://bischeduler-ejemplo.localhost:8080");
}

static void check_template(const char *name, json_t *vars, const char *want)
{
    char *subject, *text, *html, err[256] = "";
    int rc = mail_render_template(name, vars, &subject, &text, &html, err,
                                  sizeof err);
    if (rc < 0)
        fail_msg("%s: %s", name, err);
    assert_null(strchr(subject, '\n'));
    assert_non_null(strstr(text, want));
    assert_non_null(strstr(html, want));
    assert_non_null(strstr(text, "U.E. Ejemplo"));
    assert_non_null(strstr(html, "U.E. Ejemplo"));
    assert_non_null(strstr(html, "<!DOCTYPE html>"));
    free(subject);
    free(text);
    free(html);
    /* every agreed variable is needed: without any one, no mail */
    const char *key;
    json_t *value;
    json_object_foreach(vars, key, value) {
        if (strcmp(key, "school_logo_url") == 0)
            continue;
        json_t *less = json_copy(vars);
        json_object_del(less, key);
        if (mail_render_template(name, less, &subject, &text, &html, err,
                                 sizeof err) == 0)
            fail_msg("%s renders without %s", name, key);
        json_decref(less);
    }
}

static void test_every_template_renders_with_the_agreed_variables(void **state)
{
    (void)state;
    json_t *v = common();
    json_object_update_new(v, json_pack("{s:s,s:s,s:s}", "invited_school",
                                    "Colegio Nuevo", "link",
                                    "http://x/invitacion#abc", "expires_on",
                                    "6 de enero de 2027"));
    check_template("school_invitation", v, "http://x/invitacion#abc");
    json_decref(v);

    v = common();
    json_object_update_new(v, json_pack("{s:s,s:s,s:s,s:s}", "name", "Ana",
                                    "role_label", "docente", "link",
                                    "http://x/clave/t1", "expires_in",
                                    "7 días"));
    check_template("account_invitation", v, "http://x/clave/t1");
    json_decref(v);

    v = common();
    json_object_update_new(v, json_pack("{s:s,s:s,s:s}", "name", "Ana", "link",
                                    "http://x/clave/t2", "expires_in",
                                    "1 hora"));
    check_template("password_reset", v, "http://x/clave/t2");
    json_decref(v);
}

static void test_logo_appears_only_when_set(void **state)
{
    (void)state;
    json_t *v = common();
    json_object_update_new(v, json_pack("{s:s,s:s,s:s}", "name", "Ana", "link",
                                    "http://x/clave/t2", "expires_in",
                                    "1 hora"));
    char *subject, *text, *html, err[256];
    assert_int_equal(mail_render_template("password_reset", v, &subject,
                                          &text, &html, err, sizeof err),
                     0);
    assert_null(strstr(html, "<img"));
    free(subject), free(text), free(html);
    json_object_set_new(v, "school_logo_url",
                        json_string("http://x/api/v1/branding/logo"));
    assert_int_equal(mail_render_template("password_reset", v, &subject,
                                          &text, &html, err, sizeof err),
                     0);
    assert_non_null(strstr(html, "<img src=\"http://x/api/v1/branding/logo\""));
    free(subject), free(text), free(html);
    json_decref(v);
}

/* Text on the school's colour stays readable: white on a dark blue, dark
 * on a yellow a school may choose. */
static void test_text_on_the_school_colour_is_readable(void **state)
{
    (void)state;
    static const struct {
        const char *bg, *fg;
    } cases[] = {{"#1f4e79", "color:#ffffff"}, {"#f2b134", "color:#1a1a1a"},
                 {"#ffffff", "color:#1a1a1a"}, {"#7a1f3d", "color:#ffffff"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *v = common();
        json_object_update_new(
            v, json_pack("{s:s,s:s,s:s,s:s}", "name", "Ana", "link",
                         "http://x/clave/t3", "expires_in", "1 hora",
                         "school_color", cases[i].bg));
        char *subject, *text, *html, err[256];
        assert_int_equal(mail_render_template("password_reset", v, &subject,
                                              &text, &html, err, sizeof err),
                         0);
        char want[64];
        snprintf(want, sizeof want, "background:%s;%s;", cases[i].bg,
                 cases[i].fg);
        if (strstr(html, want) == NULL)
            fail_msg("%s: no \"%s\" in the HTML", cases[i].bg, want);
        free(subject), free(text), free(html);
        json_decref(v);
    }
}

static void test_unknown_template_is_an_error(void **state)
{
    (void)state;
    json_t *v = common();
    char *subject, *text, *html, err[256];
    assert_int_equal(mail_render_template("no_such", v, &subject, &text,
                                          &html, err, sizeof err),
                     -1);
    assert_int_equal(mail_render_template("../x", v, &subject, &text, &html,
                                          err, sizeof err),
                     -1);
    json_decref(v);
}

static void test_spanish_date(void **state)
{
    (void)state;
    char d[64];
    mail_date_es(1799193600, d, sizeof d); /* 2027-01-06T00:00:00Z */
    assert_string_equal(d, "6 de enero de 2027");
}

/* The message: CRLF lines of at most 78 characters, the Spanish subject
 * and name as RFC 2047 words, both parts quoted-printable. */
static void test_message_is_wire_safe(void **state)
{
    (void)state;
    char long_text[2048];
    memset(long_text, 'a', 300);
    strcpy(long_text + 300, " ñandú = ok\n.punto al inicio\nfin ");
    struct mail_message m = {
        .from = "Plantel Niño Jesús <no-reply@ejemplo.test>",
        .to_email = "ana@ejemplo.test", .to_name = "Ana Pérez",
        .subject = "Invitación para registrar U.E. Los Próceres en UEIPAB",
        .body_text = long_text, .body_html = "<p>Olá</p>", .store = "master",
        .id = 7, .date = 1799193600};
    char *msg = mail_message_build(&m);
    assert_non_null(strstr(msg, "Date: Wed, 06 Jan 2027 00:00:00 +0000\r\n"));
    assert_non_null(strstr(msg, "Subject: =?UTF-8?B?"));
    assert_non_null(strstr(msg, "To: =?UTF-8?B?"));
    assert_non_null(strstr(msg, "<ana@ejemplo.test>\r\n"));
    assert_non_null(strstr(msg, "From: =?UTF-8?B?"));
    assert_non_null(strstr(msg, "<no-reply@ejemplo.test>\r\n"));
    assert_non_null(strstr(msg, "Message-ID: <master.7."));
    assert_non_null(strstr(msg, "multipart/alternative"));
    assert_non_null(strstr(msg, "=C3=B1and=C3=BA =3D ok\r\n"));
    assert_non_null(strstr(msg, "\r\n=2Epunto al inicio"));
    assert_non_null(strstr(msg, "fin=20\r\n")); /* trailing space kept */
    size_t col = 0;
    for (const char *c = msg; *c; c++) {
        if (*c == '\n') {
            assert_true(c > msg && c[-1] == '\r');
            col = 0;
            continue;
        }
        col++;
        assert_true(col <= 78 + 1);
    }
    free(msg);
}

/* The outbox's plain part is UTF-8 as it is, so a link stays whole for
 * a person reading the file; a line over 998 bytes is still encoded. */
static void test_outbox_text_keeps_links_whole(void **state)
{
    (void)state;
    const char *link = "http://bischeduler-demo.localhost:8080/clave/"
                       "2a97516c7fb58e50dff9389324b712c678974ff11c4b1d505c8f"
                       "145a67177a24";
    char *text = str_fmt("Hola, Ana Pérez:\n\n%s\n", link);
    struct mail_message m = {
        .from = "BiScheduler <no-reply@ejemplo.test>",
        .to_email = "ana@ejemplo.test", .to_name = "", .subject = "Hola",
        .body_text = text, .body_html = "<p>Hola</p>", .store = "demo",
        .id = 1, .date = 1799193600, .text_8bit = true};
    char *msg = mail_message_build(&m);
    assert_non_null(strstr(msg, "Content-Transfer-Encoding: 8bit\r\n\r\n"
                                "Hola, Ana Pérez:\r\n\r\n"));
    char *whole = str_fmt("\r\n%s\r\n", link);
    assert_non_null(strstr(msg, whole));
    free(whole);
    free(msg);
    free(text);
    char long_line[1200];
    memset(long_line, 'x', sizeof long_line - 1);
    long_line[sizeof long_line - 1] = '\0';
    m.body_text = long_line;
    msg = mail_message_build(&m);
    assert_null(strstr(msg, "Content-Transfer-Encoding: 8bit"));
    free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_placeholders_are_replaced_and_escaped_in_html),
        cmocka_unit_test(test_missing_variable_is_an_error),
        cmocka_unit_test(test_module_values_cannot_be_replaced_by_a_caller),
        cmocka_unit_test(test_every_template_renders_with_the_agreed_variables),
        cmocka_unit_test(test_logo_appears_only_when_set),
        cmocka_unit_test(test_unknown_template_is_an_error),
        cmocka_unit_test(test_text_on_the_school_colour_is_readable),
        cmocka_unit_test(test_spanish_date),
        cmocka_unit_test(test_message_is_wire_safe),
        cmocka_unit_test(test_outbox_text_keeps_links_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
