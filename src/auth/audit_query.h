/*
 * Reading the audit log (audit_query.c): filters by action, entity, actor
 * (email) and a UTC instant range, newest first, paged by id. Each item
 * names its actor (the user's name today) and is described in Spanish by
 * audit_labels.c (label, entity_label, changes). audit_actions() lists the
 * kinds of rows present in one store, for the page's filter. Writing the
 * log is audit_write() (audit.c). Handler: src/http/h_audit.c; tests:
 * tests/api/test_audit.py.
 */
#ifndef BIS_AUTH_AUDIT_QUERY_H
#define BIS_AUTH_AUDIT_QUERY_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/tz.h"
#include "db/db.h"

struct audit_filter {
    int64_t before_id; /* 0: from the newest */
    const char *action, *entity, *actor; /* NULL or "": any */
    const char *from, *to; /* UTC instants "YYYY-MM-DDTHH:MM:SSZ"; "": open */
    int limit;
    bool platform; /* the master store's log (its things are schools) */
};

/* Items with `at` in `tz`; *next_r the cursor of the next page (0: none).
 * Takes the store's lock itself. */
int audit_query(struct store *s, const struct tz *tz,
                const struct audit_filter *f, json_t **items_r,
                int64_t *next_r, const char **error_r);

/*
 * The distinct (action, entity) pairs of the store's log, each with its
 * Spanish label, sorted by label: [{action, entity, label}].
 */
int audit_actions(struct store *s, json_t **items_r, const char **error_r);

#endif
