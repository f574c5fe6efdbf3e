/*
 * The school's branding over HTTP: GET /api/v1/branding (public: what the
 * sign-in page and the app's frame need: the school's name, colours, motto,
 * contacts and logo URL), PATCH /api/v1/branding (school admin), and the
 * logo: PUT/DELETE /api/v1/branding/logo (school admin) and GET (public,
 * with an ETag and cache headers). The SQL is in src/school/branding.c.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/fields.h"
#include "http/http.h"
#include "school/branding.h"
#include "school/school.h"
#include "school/venezuela.h"

/* The branding as JSON (as GET /api/v1/branding's "branding"). */
static json_t *branding_json(const struct branding *b)
{
    char url[80];
    snprintf(url, sizeof url, "/api/v1/branding/logo?v=%s", b->logo_etag);
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o}", "primary_color",
                     b->primary, "secondary_color", b->secondary, "motto",
                     b->motto, "phone", b->phone, "email", b->email,
                     "address", b->address, "logo_url",
                     b->has_logo ? json_string(url) : json_null(),
                     "logo_etag",
                     b->has_logo ? json_string(b->logo_etag) : json_null());
}

/* 200 with the branding as it is now. */
static void reply_branding(struct request *r)
{
    struct branding b;
    const char *err = NULL;
    store_lock(r->school);
    int rc = branding_get(r->school, &b, &err);
    store_unlock(r->school);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200, branding_json(&b));
}

void h_branding(struct request *r)
{
    char name[256], tz[64];
    struct branding b;
    const char *err = NULL;
    store_lock(r->school);
    school_setting(r->school, SETTING_NAME, r->tenant.name, name, sizeof name);
    school_setting(r->school, SETTING_TIMEZONE, DEFAULT_TIMEZONE, tz,
                   sizeof tz);
    int rc = branding_get(r->school, &b, &err);
    json_t *pub = rc == 0 ? school_public_settings_json(r->school,
                                                        r->tenant.name)
                          : NULL;
    store_unlock(r->school);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200,
               json_pack("{s:{s:s,s:s,s:b,s:s},s:o,s:o}", "school", "code",
                         r->tenant.code, "name", name, "is_master",
                         r->tenant.is_master, "timezone", tz, "branding",
                         branding_json(&b), "settings", pub));
}

/* PATCH /api/v1/branding: any of the members; every invalid one is named
 * in one 422 and nothing is written. */
void h_branding_patch(struct request *r)
{
    struct branding in;
    memset(&in, 0, sizeof in);
    bool present[6] = {false};
    const struct field f[] = {
        {.key = "primary_color", .max_len = 7, .check = branding_color_check,
         .message = "Indique el color como #rrggbb (por ejemplo, #1f4e79).",
         .text = in.primary, .text_size = sizeof in.primary,
         .present = &present[0]},
        {.key = "secondary_color", .max_len = 7,
         .check = branding_color_check,
         .message = "Indique el color como #rrggbb (por ejemplo, #f2b134).",
         .text = in.secondary, .text_size = sizeof in.secondary,
         .present = &present[1]},
        {.key = "motto", .clearable = true, .max_len = 200,
         .message = "El lema puede tener hasta 200 caracteres.",
         .text = in.motto, .text_size = sizeof in.motto,
         .present = &present[2]},
        {.key = "phone", .clearable = true, .max_len = 32,
         .check = ve_phone_normalize,
         .message = "Indique el teléfono (por ejemplo, 0212-5551234).",
         .text = in.phone, .text_size = sizeof in.phone,
         .present = &present[3]},
        {.key = "email", .clearable = true, .max_len = 254,
         .check = ve_email_normalize,
         .message = "Indique un correo válido (por ejemplo, "
                    "secretaria@plantel.edu.ve).",
         .text = in.email, .text_size = sizeof in.email,
         .present = &present[4]},
        {.key = "address", .type = FIELD_TEXT, .clearable = true,
         .max_len = 400,
         .message = "La dirección puede tener hasta 400 caracteres.",
         .text = in.address, .text_size = sizeof in.address,
         .present = &present[5]},
    };
    if (fields_read(r, r->json, f, sizeof f / sizeof f[0]) < 0)
        return;
    static const unsigned bits[6] = {BRANDING_PRIMARY, BRANDING_SECONDARY,
                                     BRANDING_MOTTO,   BRANDING_PHONE,
                                     BRANDING_EMAIL,   BRANDING_ADDRESS};
    unsigned which = 0;
    for (int i = 0; i < 6; i++)
        if (present[i])
            which |= bits[i];
    struct actor actor;
    request_actor(r, &actor);
    struct branding after;
    const char *err = NULL;
    if (branding_update(r->school, &actor, &in, which, &after, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200, branding_json(&after));
}

/* Whether If-None-Match names `etag` (or is "*"). */
static bool etag_matches(const char *inm, const char *etag)
{
    if (inm == NULL || etag[0] == '\0')
        return false;
    if (strcmp(inm, "*") == 0)
        return true;
    char quoted[40];
    snprintf(quoted, sizeof quoted, "\"%s\"", etag);
    return strstr(inm, quoted) != NULL;
}

/* GET /api/v1/branding/logo: public, cacheable. With ?v=ETAG (the URL
 * GET /api/v1/branding gives) the bytes never change, so a year; without,
 * five minutes and then a revalidation (304 while the ETag matches). */
void h_branding_logo_get(struct request *r)
{
    unsigned char *png = NULL;
    size_t size = 0;
    char etag[33];
    const char *err = NULL;
    store_lock(r->school);
    int rc = branding_logo(r->school, &png, &size, etag, &err);
    store_unlock(r->school);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    if (rc == 0) {
        reply_err_msg(r, ERR_NOT_FOUND, "El plantel no tiene logo.");
        return;
    }
    const char *v = request_query(r, "v");
    const char *cache = v && strcmp(v, etag) == 0
                            ? "public, max-age=31536000, immutable"
                            : "public, max-age=300";
    char quoted[40];
    snprintf(quoted, sizeof quoted, "\"%s\"", etag);
    struct MHD_Response *resp;
    unsigned status;
    if (etag_matches(request_header(r, "If-None-Match"), etag)) {
        free(png);
        resp = MHD_create_response_from_buffer(0, NULL,
                                               MHD_RESPMEM_PERSISTENT);
        status = 304;
    } else {
        resp = MHD_create_response_from_buffer(size, png,
                                               MHD_RESPMEM_MUST_FREE);
        MHD_add_response_header(resp, "Content-Type", "image/png");
        status = 200;
    }
    MHD_add_response_header(resp, "ETag", quoted);
    MHD_add_response_header(resp, "Cache-Control", cache);
    if (r->resp) {
        MHD_destroy_response(resp);
        return;
    }
    r->status = status;
    r->resp = resp;
}

/* PUT /api/v1/branding/logo: the image as the raw body (image/png or
 * image/jpeg; the content decides, the declared type must only be one of
 * the two). Stored re-encoded; a refused file leaves the logo as it was. */
void h_branding_logo_put(struct request *r)
{
    const char *type = request_header(r, "Content-Type");
    if (type == NULL || (strncmp(type, "image/png", 9) != 0 &&
                         strncmp(type, "image/jpeg", 10) != 0)) {
        reply_err_msg(r, ERR_UNSUPPORTED_MEDIA_TYPE,
                      "Envíe el logo como imagen PNG o JPEG.");
        return;
    }
    if (r->body_len > BRANDING_LOGO_MAX_BYTES) {
        reply_err_msg(r, ERR_BODY_TOO_LARGE,
                      "El archivo es demasiado grande: el logo puede pesar "
                      "hasta 1 MB.");
        return;
    }
    if (r->body_len == 0) {
        reply_invalid(r, "logo", "Elija una imagen PNG o JPEG.");
        return;
    }
    unsigned char *png = NULL;
    size_t size = 0;
    const char *msg = branding_logo_reencode((const unsigned char *)r->body,
                                             r->body_len, &png, &size);
    if (msg) {
        reply_invalid(r, "logo", msg);
        return;
    }
    struct actor actor;
    request_actor(r, &actor);
    char etag[33];
    const char *err = NULL;
    int rc = branding_logo_set(r->school, &actor, png, size, etag, &err);
    free(png);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    reply_branding(r);
}

/* DELETE /api/v1/branding/logo: 200 with the branding, or 404 when there
 * is none. */
void h_branding_logo_delete(struct request *r)
{
    struct actor actor;
    request_actor(r, &actor);
    const char *err = NULL;
    int rc = branding_logo_delete(r->school, &actor, &err);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    if (rc == 0) {
        reply_err_msg(r, ERR_NOT_FOUND, "El plantel no tiene logo.");
        return;
    }
    reply_branding(r);
}
