/*
 * Replies: JSON bodies, raw buffers, HTML error pages, and the registry of
 * error codes (errors.def, an X-macro list: name, code, HTTP status,
 * default Spanish message). A handler replies an error by name,
 * reply_err(r, ERR_NOT_FOUND), or with a more precise message,
 * reply_err_msg(). Two failures are kept apart: the store failed or is
 * busy (503 store_unavailable: the user may try again) and our own code
 * went wrong (500 internal: a defect, logged; retrying will not help).
 * A reply only records the response; server.c sends it with the common
 * headers.
 */
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "http/http.h"

const struct api_error_def api_errors[ERR_COUNT_] = {
#define ERR(name, code, status, message) [ERR_##name] = {#code, status, message},
#include "http/errors.def"
#undef ERR
};

const struct api_error_def *api_error_find(const char *code)
{
    for (int i = 0; i < ERR_COUNT_; i++)
        if (strcmp(api_errors[i].code, code) == 0)
            return &api_errors[i];
    return NULL;
}

static void set_reply(struct request *r, unsigned status,
                      struct MHD_Response *resp)
{
    if (r->resp) /* a handler replied twice: keep the first */
    {
        MHD_destroy_response(resp);
        return;
    }
    r->status = status;
    r->resp = resp;
}

void reply_buffer(struct request *r, unsigned status, const char *type,
                  const void *data, size_t len, bool copy)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, (void *)data,
        copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
    r->is_page = strncmp(type, "text/", 5) == 0 &&
                 strncmp(type, "text/plain", 10) != 0;
    MHD_add_response_header(resp, "Content-Type", type);
    set_reply(r, status, resp);
}

void reply_bytes(struct request *r, unsigned status, const char *type,
                 const char *filename, void *data, size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (filename) {
        /* the name is ours (school code, date): no quoting needed beyond
         * refusing a quote or a control character */
        char cd[256];
        bool plain = strlen(filename) < 200;
        for (const char *c = filename; plain && *c; c++)
            plain = *c > 0x20 && *c < 0x7f && *c != '"' && *c != '\\';
        snprintf(cd, sizeof cd, "attachment; filename=\"%s\"",
                 plain ? filename : "download");
        MHD_add_response_header(resp, "Content-Disposition", cd);
    }
    set_reply(r, status, resp);
}

void reply_json(struct request *r, unsigned status, json_t *body)
{
    char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (s == NULL) {
        /* json_pack() refused a value (say, text that is not UTF-8): a
         * defect of ours, not something a retry fixes. */
        reply_internal(r, "a JSON reply could not be built");
        return;
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(s), s, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type",
                            "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    set_reply(r, status, resp);
}

void reply_json_text(struct request *r, unsigned status, struct strbuf *sb)
{
    size_t len = sb->len;
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, strbuf_steal(sb), MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type",
                            "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    set_reply(r, status, resp);
}

void reply_err_msg(struct request *r, enum api_error e, const char *message)
{
    const struct api_error_def *d = &api_errors[e];
    json_t *body = json_pack("{s:{s:s,s:s}}", "error", "code", d->code,
                             "message", message ? message : d->message);
    if (body == NULL) /* a message that is not UTF-8: keep the default */
        body = json_pack("{s:{s:s,s:s}}", "error", "code", d->code,
                         "message", d->message);
    reply_json(r, d->status, body);
}

void reply_err(struct request *r, enum api_error e)
{
    reply_err_msg(r, e, NULL);
}

void reply_error(struct request *r, unsigned status, const char *code,
                 const char *message)
{
    const struct api_error_def *d = api_error_find(code);
    if (d == NULL || d->status != status)
        log_msg(LOG_WARN, "reply with unregistered error %u %s", status, code);
    reply_json(r, status,
               json_pack("{s:{s:s,s:s}}", "error", "code", code, "message",
                         message));
}

void reply_err_field(struct request *r, enum api_error e, const char *field,
                     const char *message)
{
    const struct api_error_def *d = &api_errors[e];
    json_t *err = json_pack("{s:s,s:s}", "code", d->code, "message",
                            message ? message : d->message);
    if (field) {
        json_object_set_new(err, "field", json_string(field));
        if (e == ERR_INVALID)
            json_object_set_new(
                err, "errors",
                json_pack("[{s:s,s:s}]", "field", field, "message",
                          message ? message : d->message));
    }
    reply_json(r, d->status, json_pack("{s:o}", "error", err));
}

void reply_invalid(struct request *r, const char *field, const char *message)
{
    reply_err_field(r, ERR_INVALID, field, message);
}

void reply_store_error(struct request *r, const char *error)
{
    log_msg(LOG_ERROR, "store error school=%s request=%s: %s",
            r->has_tenant ? r->tenant.code : "-", r->request_id,
            error ? error : "?");
    reply_err(r, ERR_STORE_UNAVAILABLE);
}

void reply_internal(struct request *r, const char *what)
{
    log_msg(LOG_ERROR, "internal error school=%s request=%s: %s",
            r->has_tenant ? r->tenant.code : "-", r->request_id,
            what ? what : "?");
    /* Built by hand: this must not fail the way a json_pack() may. */
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_adds(&sb, "{\"error\":{\"code\":\"");
    strbuf_adds(&sb, api_errors[ERR_INTERNAL].code);
    strbuf_adds(&sb, "\",\"message\":");
    strbuf_add_json_string(&sb, api_errors[ERR_INTERNAL].message);
    strbuf_adds(&sb, "}}");
    reply_json_text(r, api_errors[ERR_INTERNAL].status, &sb);
}

void reply_html_error(struct request *r, unsigned status, const char *title,
                      const char *text)
{
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_addf(&sb,
                "<!doctype html><html lang=\"es-VE\"><head><meta "
                "charset=\"utf-8\"><meta name=\"viewport\" "
                "content=\"width=device-width, initial-scale=1\"><title>%s"
                "</title><link rel=\"icon\" href=\"/assets/favicon.svg\">"
                "<link rel=\"stylesheet\" href=\"/assets/app.css\">"
                "</head><body><main class=\"error-page\"><h1>%s</h1><p>%s</p>"
                "</main></body></html>",
                title, title, text);
    size_t len = sb.len;
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, strbuf_steal(&sb), MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", "text/html; charset=utf-8");
    r->is_page = true;
    set_reply(r, status, resp);
}
