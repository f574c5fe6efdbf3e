/*
 * Calendar subscriptions of the active timetable (issue #15, part
 * exports): GET/POST /api/v1/calendar-feeds, DELETE
 * /api/v1/calendar-feeds/{id}, and the public GET /ical/TOKEN.ics that a
 * calendar program fetches. A school admin makes feeds of any teacher or
 * section; a teacher only of their own week (another's is not found). The
 * secret URL is in the creation's answer only. The feeds and the calendar
 * are made in src/school/calendar_feeds.c.
 */
#include <stdio.h>
#include <string.h>

#include "http/fields.h"
#include "http/http.h"
#include "http/records_fields.h"
#include "school/tt_export.h"

static bool is_admin(struct request *r)
{
    return (r->who.perms & PERM_MANAGE_RECORDS) != 0;
}

void h_calendar_feeds_list(struct request *r)
{
    const char *err = NULL;
    json_t *items =
        calendar_feeds_list(r->school, is_admin(r), r->who.user_id, &err);
    if (items == NULL) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200,
               json_pack("{s:o,s:n}", "items", items, "next_cursor"));
}

void h_calendar_feeds_create(struct request *r)
{
    static const char *const kinds[] = {"teacher", "section", NULL};
    char kind[16] = "";
    int64_t target = 0;
    const struct field f[] = {
        {.key = "kind", .type = FIELD_ENUM, .required = true,
         .choices = kinds,
         .message = "Indique teacher (un docente) o section (una sección).",
         .text = kind, .text_size = sizeof kind},
        {.key = "target_id", .type = FIELD_INT,
         .message = "Indique el docente o la sección.", .integer = &target},
    };
    if (fields_read(r, r->json, f, sizeof f / sizeof f[0]) < 0)
        return;
    struct field_errors errs = {0};
    if (target < 0 || (target == 0 && strcmp(kind, "section") == 0))
        field_error(&errs, "target_id",
                    strcmp(kind, "section") == 0
                        ? "Indique la sección."
                        : "Indique el docente.");
    if (fields_reply(r, &errs) < 0)
        return;
    struct actor a;
    request_actor(r, &a);
    char token[CALENDAR_FEED_TOKEN_SIZE];
    json_t *feed = NULL;
    const char *err = NULL;
    int rc = calendar_feed_create(r->school, &a, is_admin(r), kind, target,
                                  token, &feed, &err);
    if (rc == FEED_NOT_FOUND) {
        reply_err_msg(r, ERR_NOT_FOUND,
                      strcmp(kind, "section") == 0
                          ? "La sección no existe."
                          : "El docente no existe o no es usted.");
        return;
    }
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    char path[96], url[512];
    snprintf(path, sizeof path, "/ical/%s.ics", token);
    request_link(r, &r->tenant, path, url, sizeof url);
    json_object_set_new(feed, "url", json_string(url));
    memset(token, 0, sizeof token);
    reply_json(r, 201, feed);
}

void h_calendar_feeds_delete(struct request *r)
{
    int64_t id = rec_path_id(r->params[0]);
    struct actor a;
    request_actor(r, &a);
    const char *err = NULL;
    int rc = id > 0 ? calendar_feed_revoke(r->school, &a, is_admin(r), id,
                                           &err)
                    : FEED_NOT_FOUND;
    if (rc == FEED_NOT_FOUND) {
        reply_err_msg(r, ERR_NOT_FOUND, "La suscripción no existe.");
        return;
    }
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200,
               json_pack("{s:I,s:b}", "id", (json_int_t)id, "revoked", 1));
}

void h_calendar_feed_ics(struct request *r)
{
    char token[CALENDAR_FEED_TOKEN_SIZE + 8];
    size_t n = strlen(r->params[0]);
    if (n < 5 || n - 4 >= sizeof token ||
        strcmp(r->params[0] + n - 4, ".ics") != 0) {
        reply_err(r, ERR_NOT_FOUND);
        return;
    }
    memcpy(token, r->params[0], n - 4);
    token[n - 4] = '\0';
    struct strbuf ics;
    const char *err = NULL;
    int rc = calendar_feed_ics(r->school, r->tenant.name, r->tenant.code,
                               token, &ics, &err);
    if (rc == FEED_NOT_FOUND) {
        strbuf_cleanup(&ics);
        reply_err_msg(r, ERR_NOT_FOUND,
                      "Esta suscripción de calendario no existe o fue "
                      "revocada.");
        return;
    }
    if (rc < 0) {
        strbuf_cleanup(&ics);
        reply_store_error(r, err);
        return;
    }
    size_t len = ics.len;
    reply_bytes(r, 200, "text/calendar; charset=utf-8", NULL,
                strbuf_steal(&ics), len);
}
