/*
 * Helpers shared by the school-structure and staff modules (records.h):
 * the list of findings a writer reports at once, the audit row of a
 * change (only what changed, for an update), the school's local date,
 * and the catalogue of levels with their canonical grade names.
 */
#include <stdio.h>
#include <string.h>

#include "core/tzcache.h"
#include "core/util.h"
#include "school/records.h"
#include "school/school.h"

void rec_error(struct rec_errors *errs, const char *field,
               const char *message)
{
    for (int i = 0; i < errs->n; i++)
        if (strcmp(errs->e[i].field, field) == 0)
            return;
    if (errs->n < REC_ERRORS_MAX) {
        errs->e[errs->n].field = field;
        errs->e[errs->n].message = message;
        errs->n++;
    }
}

void rec_today(struct store *s, char out[11])
{
    char zone[TZ_NAME_MAX + 1] = DEFAULT_TIMEZONE;
    struct db_stmt *st =
        db_query(s->conn, NULL, "SELECT value FROM tenant_settings WHERE key = ?",
                 "t", SETTING_TIMEZONE);
    if (st && db_step(st, NULL) == DB_ROW)
        str_copy(zone, sizeof zone, db_text(st, 0));
    db_finish(&st);
    tz_local_date(tz_cached(zone), time_now(), out);
}

int rec_audit(struct store *s, const struct actor *actor, const char *action,
              const char *entity, int64_t id, json_t *before, json_t *after,
              const char **error_r)
{
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    json_t *b = NULL, *a = NULL;
    if (strcmp(action, "update") == 0 && json_is_object(before) &&
        json_is_object(after)) {
        b = json_object();
        a = json_object();
        const char *k;
        json_t *v;
        json_object_foreach(after, k, v) {
            json_t *old = json_object_get(before, k);
            if (old == NULL || !json_equal(old, v)) {
                json_object_set(a, k, v);
                if (old)
                    json_object_set(b, k, old);
            }
        }
    } else {
        b = before ? json_incref(before) : NULL;
        a = after ? json_incref(after) : NULL;
    }
    struct audit_entry e = {action, entity, idtext, b, a};
    int rc = audit_write(s, actor, &e, error_r);
    json_decref(b);
    json_decref(a);
    return rc;
}

static const struct {
    const char *level, *label, *unit;
    int max;
} levels[] = {
    {"inicial", "Educación Inicial", "Grupo", 3},
    {"primaria", "Primaria", "Grado", 6},
    {"media_general", "Media General", "Año", 5},
    {"media_tecnica", "Media Técnica", "Año", 6},
};

static int level_index(const char *level)
{
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (level && strcmp(levels[i].level, level) == 0)
            return (int)i;
    return -1;
}

bool rec_level_valid(const char *level)
{
    return level_index(level) >= 0;
}

const char *rec_level_label(const char *level)
{
    int i = level_index(level);
    return i < 0 ? "" : levels[i].label;
}

int rec_level_max(const char *level)
{
    int i = level_index(level);
    return i < 0 ? 0 : levels[i].max;
}

void rec_grade_name(const char *level, int number, char *out, size_t n)
{
    static const char *const ordinal[] = {"", "1er", "2do", "3er",
                                          "4to", "5to", "6to"};
    int i = level_index(level);
    if (i < 0 || number < 1 || number > 6) {
        str_copy(out, n, "");
        return;
    }
    snprintf(out, n, "%s %s", ordinal[number], levels[i].unit);
}
