/*
 * The body reader declared in fields.h: one pass over a handler's field
 * table, collecting every finding, then one 422 with all of them.
 */
#include "http/fields.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static const char control_message[] =
    "No puede contener caracteres de control (tabuladores, saltos de línea "
    "ni secuencias de escape).";
static const char control_message_ml[] =
    "No puede contener caracteres de control (tabuladores ni secuencias de "
    "escape).";

const char *field_text_check(const char *s, bool multiline)
{
    const unsigned char *p = (const unsigned char *)s;
    for (; *p; p++) {
        if (*p == '\n' && multiline)
            continue;
        if (*p < 0x20 || *p == 0x7f)
            return multiline ? control_message_ml : control_message;
        /* C1 controls U+0080..U+009F are C2 80..C2 9F in UTF-8 */
        if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            return multiline ? control_message_ml : control_message;
    }
    return NULL;
}

void field_error(struct field_errors *errs, const char *field,
                 const char *message)
{
    for (int i = 0; i < errs->n; i++) /* one finding per field */
        if (strcmp(errs->e[i].field, field) == 0)
            return;
    if (errs->n < FIELD_ERRORS_MAX) {
        errs->e[errs->n].field = field;
        errs->e[errs->n].message = message;
        errs->n++;
    }
}

static const char *dflt(const struct field *f)
{
    return f->message ? f->message : "Este campo no es válido.";
}

/* Trims spaces at both ends into a fresh string (tabs and line breaks
 * are control characters, refused after). */
static char *trimmed(const char *s)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    return xstrndup(s, n);
}

static void parse_text(const struct field *f, json_t *v,
                       struct field_errors *errs)
{
    const char *raw = json_string_value(v);
    if (raw == NULL) { /* null too: "" is how a member is cleared */
        field_error(errs, f->key, dflt(f));
        return;
    }
    if (strlen(raw) != json_string_length(v)) { /* a \u0000 inside */
        field_error(errs, f->key,
                    f->type == FIELD_PASSWORD ? dflt(f) : control_message);
        return;
    }
    char *s = f->type == FIELD_PASSWORD ? xstrdup(raw) : trimmed(raw);
    size_t len = strlen(s);
    const char *msg = NULL;
    if (len == 0) {
        if (!f->clearable || f->required)
            msg = dflt(f);
        else if (f->text)
            f->text[0] = '\0';
        goto done;
    }
    if (f->type != FIELD_PASSWORD &&
        (msg = field_text_check(s, f->type == FIELD_TEXT)) != NULL)
        goto done;
    if ((f->max_len && len > f->max_len) || len < f->min_len ||
        (f->text && len >= f->text_size)) {
        msg = dflt(f);
        goto done;
    }
    if (f->type == FIELD_EMAIL) {
        str_lower(s);
        if ((msg = email_check(s)) != NULL)
            goto done;
    }
    if (f->type == FIELD_ENUM) {
        bool ok = false;
        for (int i = 0; f->choices && f->choices[i]; i++)
            ok = ok || strcmp(f->choices[i], s) == 0;
        if (!ok) {
            msg = dflt(f);
            goto done;
        }
    }
    char tmp[1024];
    char *out = f->text ? f->text : tmp;
    size_t out_n = f->text ? f->text_size : sizeof tmp;
    if (f->check) {
        msg = f->check(s, out, out_n);
    } else {
        str_copy(out, out_n, s);
    }
done:
    if (msg)
        field_error(errs, f->key, msg);
    free(s);
}

void fields_parse(json_t *obj, const struct field *f, size_t n,
                  struct field_errors *errs)
{
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(obj, f[i].key);
        if (f[i].present)
            *f[i].present = v != NULL;
        if (v == NULL) {
            if (f[i].required)
                field_error(errs, f[i].key, dflt(&f[i]));
            continue;
        }
        switch (f[i].type) {
        case FIELD_INT:
            if (!json_is_integer(v))
                field_error(errs, f[i].key, dflt(&f[i]));
            else if (f[i].integer)
                *f[i].integer = json_integer_value(v);
            break;
        case FIELD_BOOL:
            if (!json_is_boolean(v))
                field_error(errs, f[i].key, dflt(&f[i]));
            else if (f[i].boolean)
                *f[i].boolean = json_is_true(v);
            break;
        default:
            parse_text(&f[i], v, errs);
            break;
        }
    }
}

int fields_reply(struct request *r, const struct field_errors *errs)
{
    if (errs->n == 0)
        return 0;
    json_t *list = json_array();
    for (int i = 0; i < errs->n; i++)
        json_array_append_new(list, json_pack("{s:s,s:s}", "field",
                                              errs->e[i].field, "message",
                                              errs->e[i].message));
    /* message and field are the first finding's, as a client that knows
     * only those (one field per reply) shows them */
    const char *message = errs->e[0].message;
    reply_json(r, api_errors[ERR_INVALID].status,
               json_pack("{s:{s:s,s:s,s:s,s:o}}", "error", "code",
                         api_errors[ERR_INVALID].code, "message", message,
                         "field", errs->e[0].field, "errors", list));
    return -1;
}

int fields_read(struct request *r, json_t *obj, const struct field *f,
                size_t n)
{
    struct field_errors errs = {0};
    fields_parse(obj, f, n, &errs);
    return fields_reply(r, &errs);
}
