/*
 * Request bodies of the records API (students, representatives, authorized
 * pick-up persons): a table of struct rec_column (src/school/students.h)
 * becomes a table of struct field, read with fields_parse(), and the valid
 * members become a JSON object of normalized values (cédulas, dates, phones
 * and emails through the ve_* normalizers) the school layer writes.
 *
 * Nested objects (the representatives of a student) report their findings
 * as "representatives[1].cedula": those names live in a struct rec_names
 * the caller keeps until the reply is sent.
 */
#ifndef BIS_HTTP_RECORDS_FIELDS_H
#define BIS_HTTP_RECORDS_FIELDS_H
#include <jansson.h>
#include <stdbool.h>

#include "http/fields.h"
#include "school/students.h"

struct rec_names {
    int n;
    char s[FIELD_ERRORS_MAX][64];
};

/* Reads the members of `obj` named by table `t`: every finding goes to
 * `errs` (named prefix.key when `prefix` is not ""); returns the valid
 * members as normalized values (a cédula also as cedula_raw, what was
 * sent). `create`: the table's required members must be present.
 * `escolar`: a STU_CEDULA is a cédula escolar. */
json_t *rec_fields_parse(json_t *obj, const struct rec_column *t, size_t nt,
                         bool create, bool escolar, const char *prefix,
                         struct field_errors *errs, struct rec_names *names);
/* A finding under a name built at run time (kept in `names`). */
void rec_field_error(struct field_errors *errs, struct rec_names *names,
                     const char *name, const char *message);
/* The school layer's findings, added to `errs`. */
void rec_problems_to_errors(const struct rec_problems *p,
                            struct field_errors *errs);
/* The id of a path parameter: a positive integer, or 0 (not found). */
int64_t rec_path_id(const char *s);
/* ?limit= (1-200, default 50) and ?cursor= (an offset, default 0): -1 on
 * a bad value, with a finding in errs. */
int rec_page(struct request *r, int *limit_r, int64_t *offset_r,
             struct field_errors *errs);
/* The reply of a page: {items, next_cursor ("N" or null), total}. */
void rec_reply_page(struct request *r, json_t *items, int limit,
                    int64_t offset, int64_t total);

#endif
