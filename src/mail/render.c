/*
 * Mail templates (see internal.h): the files of templates/mail/, compiled
 * into the binary as embedded_mail, filled by {{key}} substitution. A
 * template is NAME.subject, NAME.txt and NAME.html; the bodies are put
 * into layout.txt / layout.html as {{content}}. Values are HTML-escaped in
 * the HTML part; a key without a value is an error, so a typo in a
 * template or a caller's missing variable fails when the mail is queued
 * (and in the tests), never as a mail with a hole in it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"
#include "core/util.h"
#include "mail/internal.h"

#define MAIL_KEY_MAX 64

const char *mail_template_file(const char *name)
{
    for (int i = 0; embedded_mail[i].name; i++)
        if (strcmp(embedded_mail[i].name, name) == 0)
            return (const char *)embedded_mail[i].data;
    return NULL;
}

static void add_html_escaped(struct strbuf *sb, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': strbuf_adds(sb, "&amp;"); break;
        case '<': strbuf_adds(sb, "&lt;"); break;
        case '>': strbuf_adds(sb, "&gt;"); break;
        case '"': strbuf_adds(sb, "&quot;"); break;
        case '\'': strbuf_adds(sb, "&#39;"); break;
        default: strbuf_add(sb, s, 1);
        }
    }
}

static bool key_ok(const char *k, size_t n)
{
    if (n == 0 || n >= MAIL_KEY_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') ||
              k[i] == '_'))
            return false;
    return true;
}

char *mail_render_text(const char *text, json_t *vars, json_t *raw, bool html,
                       char *error, size_t error_n)
{
    struct strbuf sb;
    strbuf_init(&sb);
    const char *p = text;
    for (;;) {
        const char *open = strstr(p, "{{");
        if (open == NULL) {
            strbuf_adds(&sb, p);
            break;
        }
        strbuf_add(&sb, p, (size_t)(open - p));
        const char *key = open + 2;
        const char *close = strstr(key, "}}");
        size_t n = close ? (size_t)(close - key) : 0;
        if (close == NULL || !key_ok(key, n)) {
            snprintf(error, error_n, "bad placeholder at \"%.20s\"", open);
            strbuf_cleanup(&sb);
            return NULL;
        }
        char k[MAIL_KEY_MAX];
        memcpy(k, key, n);
        k[n] = '\0';
        /* The module's own values first: a caller cannot replace them. */
        json_t *v = raw ? json_object_get(raw, k) : NULL;
        bool escape = false;
        if (v == NULL && vars) {
            v = json_object_get(vars, k);
            escape = html;
        }
        if (v == NULL || !json_is_string(v)) {
            snprintf(error, error_n, "no value for {{%s}}", k);
            strbuf_cleanup(&sb);
            return NULL;
        }
        if (escape)
            add_html_escaped(&sb, json_string_value(v));
        else
            strbuf_adds(&sb, json_string_value(v));
        p = close + 2;
    }
    return strbuf_steal(&sb);
}

/* One part: NAME.EXT rendered, then wrapped in layout.EXT if given. */
static char *render_part(const char *name, const char *ext,
                         const char *layout, json_t *vars, json_t *raw,
                         char *error, size_t error_n)
{
    char file[128];
    snprintf(file, sizeof file, "%s.%s", name, ext);
    const char *text = mail_template_file(file);
    if (text == NULL) {
        snprintf(error, error_n, "no mail template %s", file);
        return NULL;
    }
    bool html = strcmp(ext, "html") == 0;
    char *body = mail_render_text(text, vars, raw, html, error, error_n);
    if (body == NULL || layout == NULL)
        return body;
    const char *frame = mail_template_file(layout);
    if (frame == NULL) {
        free(body);
        snprintf(error, error_n, "no mail template %s", layout);
        return NULL;
    }
    json_object_set_new(raw, "content", json_string(body));
    free(body);
    char *out = mail_render_text(frame, vars, raw, html, error, error_n);
    json_object_del(raw, "content");
    return out;
}

/* The text colour readable on a "#rrggbb" background: dark on a light
 * colour (a school may choose yellow), white otherwise (WCAG relative
 * luminance, threshold where both contrasts are equal). */
static const char *on_color(const char *bg)
{
    unsigned r, g, b;
    if (bg == NULL || sscanf(bg, "#%2x%2x%2x", &r, &g, &b) != 3)
        return "#ffffff";
    double c[3] = {r / 255.0, g / 255.0, b / 255.0};
    for (int i = 0; i < 3; i++)
        c[i] = c[i] <= 0.03928 ? c[i] / 12.92
                               : pow((c[i] + 0.055) / 1.055, 2.4);
    double l = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    return l > 0.179 ? "#1a1a1a" : "#ffffff";
}

int mail_render_template(const char *name, json_t *vars, char **subject_r,
                         char **text_r, char **html_r, char *error,
                         size_t error_n)
{
    *subject_r = *text_r = *html_r = NULL;
    for (const char *c = name; *c; c++)
        if (!key_ok(c, 1)) {
            snprintf(error, error_n, "bad template name \"%s\"", name);
            return -1;
        }
    vars = vars ? json_copy(vars) : json_object();
    /* What the module itself writes into the HTML, unescaped: the logo. */
    json_t *raw = json_object();
    const char *logo = json_string_value(json_object_get(vars, "school_logo_url"));
    if (logo && *logo) {
        struct strbuf img;
        strbuf_init(&img);
        strbuf_adds(&img, "<img src=\"");
        add_html_escaped(&img, logo);
        strbuf_adds(&img, "\" alt=\"\" height=\"40\" style=\"height:40px;"
                          "vertical-align:middle;margin-right:12px;"
                          "background:#ffffff;border-radius:4px;\">");
        json_object_set_new(raw, "logo_img", json_string(img.data));
        strbuf_cleanup(&img);
    } else {
        json_object_set_new(raw, "logo_img", json_string(""));
    }
    json_object_set_new(raw, "school_on_color",
                        json_string(on_color(json_string_value(
                            json_object_get(vars, "school_color")))));
    char *subject = render_part(name, "subject", NULL, vars, raw, error,
                                error_n);
    if (subject) {
        /* One line: the file's newline and any in a value become spaces. */
        for (char *c = subject; *c; c++)
            if (*c == '\r' || *c == '\n' || *c == '\t')
                *c = ' ';
        size_t n = strlen(subject);
        while (n > 0 && subject[n - 1] == ' ')
            subject[--n] = '\0';
        json_object_set_new(vars, "subject", json_string(subject));
    }
    char *text = subject ? render_part(name, "txt", "layout.txt", vars, raw,
                                       error, error_n)
                         : NULL;
    char *html = text ? render_part(name, "html", "layout.html", vars, raw,
                                    error, error_n)
                      : NULL;
    json_decref(raw);
    json_decref(vars);
    if (html == NULL) {
        free(subject);
        free(text);
        return -1;
    }
    *subject_r = subject;
    *text_r = text;
    *html_r = html;
    return 0;
}
