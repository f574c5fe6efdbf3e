/*
 * What the handlers of the school's structure and staff (h_years.c,
 * h_structure.c, h_staff.c) share: reading an {id} path parameter, a date
 * field check, the findings of a records writer (school/records.h) merged
 * into the request's field errors, and the reply for a writer's result.
 */
#ifndef BIS_HTTP_H_RECORDS_H
#define BIS_HTTP_H_RECORDS_H
#include <jansson.h>
#include <stdint.h>

#include "http/fields.h"
#include "http/http.h"
#include "school/records.h"

/* The {id} parameter as a positive id; false after a 404 with `message`. */
bool records_id(struct request *r, int64_t *id_r, const char *message);
/* A field check: an ISO date "YYYY-MM-DD" that exists. */
const char *records_check_date(const char *in, char *out, size_t n);
/* Reads an optional array of positive ids (member `key`, at most `max`);
 * a finding in errs if it is not one. Returns the count (-1 if invalid,
 * 0 if absent); *present_r says whether it was given. */
int records_ids(json_t *obj, const char *key, int64_t *out, int max,
                bool *present_r, const char *message,
                struct field_errors *errs);
/* An optional id member that may be null (0): false and a finding if it
 * is neither. */
bool records_nullable_id(json_t *obj, const char *key, int64_t *id_r,
                         bool *present_r, const char *message,
                         struct field_errors *errs);
/* Replies for a writer's result: `status` with `obj` on REC_OK (taking
 * it), else the error (422 with every finding, 409, 404 with
 * `not_found`, 503). */
void records_reply(struct request *r, int rc, const struct rec_errors *errs,
                   const char *err, const char *not_found, unsigned status,
                   json_t *obj);
/* {"items": items, "next_cursor": null, "total": n}, or the store error. */
void records_reply_list(struct request *r, int rc, json_t *items,
                        const char *err);

#endif
