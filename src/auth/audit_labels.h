/*
 * The audit log as a person reads it (audit_labels.c): the Spanish name of
 * an action on a thing ("Modificó estudiante"), the name of the thing
 * itself (the student's name, the school's name), looked up when the log
 * is read and, for a thing since deleted, taken from the row's own
 * before/after, and what an update changed as a list of
 * {field, label, before, after} with Spanish field labels and values
 * written for people (dates dd/mm/aaaa, "Sí"/"No", a section's name
 * rather than its number). Used by audit_query.c; nothing here writes.
 */
#ifndef BIS_AUTH_AUDIT_LABELS_H
#define BIS_AUTH_AUDIT_LABELS_H
#include <jansson.h>
#include <stdbool.h>

#include "db/db.h"

/* "Creó estudiante", "Inició sesión"... into buf (always Spanish). */
const char *audit_action_label(const char *action, const char *entity,
                               char *buf, size_t n);

/*
 * Adds to `item` (a row of audit_query: action, entity, entity_id, before,
 * after) its "label", "entity_label" (string or null) and "changes". The
 * caller holds the store's lock; `platform` says whether `s` is the master
 * store (whose things are schools and invitations) or a school's.
 */
void audit_describe(struct store *s, bool platform, json_t *item);

#endif
