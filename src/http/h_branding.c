/*
 * The school's branding over HTTP: GET /api/v1/branding (public: what the
 * sign-in page and the app's frame need: the school's name, colours, motto,
 * contacts and logo URL), PATCH /api/v1/branding (school admin), and the
 * logo: PUT/DELETE /api/v1/branding/logo (school admin) and GET (public,
 * with an ETag and cache headers). The SQL is in src/school/branding.c.
 */
#include <string.h>

#include "core/util.h"
#include "http/fields.h"
#include "http/http.h"
#include "school/branding.h"
#include "school/school.h"

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
    store_unlock(r->school);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200,
               json_pack("{s:{s:s,s:s,s:b,s:s},s:o}", "school", "code",
                         r->tenant.code, "name", name, "is_master",
                         r->tenant.is_master, "timezone", tz, "branding",
                         branding_json(&b)));
}
