/*
 * Inviting representatives as parent users (POST
 * /api/v1/representatives/invitations): which representatives can be
 * invited (an email, no account yet) and linking the account made for
 * one (representatives.user_id, audited). The account itself is made by
 * user_create() (platform/users.c), as POST /api/v1/users does; the
 * handler (h_imports.c) ties the two together.
 */
#include <string.h>

#include "core/util.h"
#include "school/matricula.h"
#include "school/school.h"

int representatives_invitable(struct store *s, const int64_t *ids, size_t n,
                              bool all, size_t max, json_t **items_r,
                              json_t **skipped_r, const char **error_r)
{
    *items_r = json_array();
    *skipped_r = json_array();
    store_lock(s);
    int rc = 0;
    size_t count = all ? 1 : n;
    for (size_t i = 0; rc == 0 && i < count; i++) {
        struct db_stmt *st =
            all ? db_query(s->conn, error_r,
                           "SELECT id, email, first_names, last_names,"
                           " user_id FROM representatives ORDER BY id",
                           "")
                : db_query(s->conn, error_r,
                           "SELECT id, email, first_names, last_names,"
                           " user_id FROM representatives WHERE id = ?",
                           "i", ids[i]);
        if (!st) {
            rc = -1;
            break;
        }
        int step, found = 0;
        while ((step = db_step(st, error_r)) == DB_ROW) {
            found = 1;
            json_int_t id = (json_int_t)db_int(st, 0);
            const char *email = db_text(st, 1);
            const char *why = NULL;
            if (!db_null(st, 4))
                why = "Ya tiene una cuenta de usuario.";
            else if (email[0] == '\0')
                why = "No tiene correo electrónico.";
            else if (json_array_size(*items_r) >= max)
                why = "Se alcanzó el máximo de invitaciones por solicitud: "
                      "repita la acción.";
            if (why) {
                if (!all || db_null(st, 4))
                    json_array_append_new(
                        *skipped_r, json_pack("{s:I,s:s}", "representative_id",
                                              id, "reason", why));
                continue;
            }
            char name[256];
            snprintf(name, sizeof name, "%s %s", db_text(st, 2),
                     db_text(st, 3));
            json_array_append_new(*items_r,
                                  json_pack("{s:I,s:s,s:s}",
                                            "representative_id", id, "email",
                                            email, "name", name));
        }
        db_finish(&st);
        if (step < 0)
            rc = -1;
        else if (!found)
            json_array_append_new(
                *skipped_r,
                json_pack("{s:I,s:s}", "representative_id",
                          (json_int_t)ids[i], "reason",
                          "No existe ese representante."));
    }
    store_unlock(s);
    if (rc < 0) {
        json_decref(*items_r);
        json_decref(*skipped_r);
        *items_r = *skipped_r = NULL;
    }
    return rc;
}

int representative_link_user(struct store *s, int64_t rep_id, int64_t user_id,
                             const struct actor *actor, const char **error_r)
{
    char now[21], idstr[24];
    time_format_utc(time_now(), now);
    if (store_begin(s, error_r) < 0)
        return -1;
    int rc = db_run(s->conn, error_r,
                    "UPDATE representatives SET user_id = ?, updated_at = ?"
                    " WHERE id = ? AND user_id IS NULL",
                    "iti", user_id, now, rep_id);
    if (rc == 0) {
        snprintf(idstr, sizeof idstr, "%lld", (long long)rep_id);
        json_t *before = json_pack("{s:n}", "user_id");
        json_t *after = json_pack("{s:I}", "user_id", (json_int_t)user_id);
        struct audit_entry e = {"update", "representative", idstr, before,
                                after};
        rc = audit_write(s, actor, &e, error_r);
        json_decref(before);
        json_decref(after);
    }
    if (store_end(s, rc == 0, error_r) < 0 || rc < 0)
        return -1;
    return 0;
}
