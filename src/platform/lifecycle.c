/*
 * Exporting and deleting a school from the console (see lifecycle.h).
 *
 * Why the audit mark: "an archive was downloaded after the school's last
 * change" needs the archive's own snapshot, not a clock. The export reads
 * the newest audit row id inside its snapshot; every write to a school is
 * audited, so a row with a larger id (other than a sign-in or sign-out)
 * means data the archive does not hold, and the deletion is refused until
 * a new archive is downloaded.
 *
 * Order of a deletion: the checks; the master transaction (the school
 * disappears from the registry, so no new request reaches it); the caches
 * forgotten; the store closed in the pool once requests in flight release
 * it; then the store removed. If a request still held it after 10 s the
 * store is left on disk and logged (the registry row is gone either way).
 */
#include "platform/lifecycle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

int tenant_export_download(struct platform *p, const char *code,
                           const struct actor *actor, char **data_r,
                           size_t *len_r, const char **error_r)
{
    struct tenant t;
    int found = tenant_find(p, code, &t);
    if (found < 0) {
        *error_r = "tenant lookup failed";
        return TENANT_ERROR;
    }
    if (found == 0)
        return TENANT_NOT_FOUND;
    if (t.is_master)
        return TENANT_IS_MASTER;
    char now[21];
    time_format_utc(time_now(), now);
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    if (f == NULL) {
        *error_r = "cannot allocate the archive";
        return TENANT_ERROR;
    }
    int64_t mark = 0;
    int rc = tenant_export_marked(p, code, f, &mark, error_r);
    fclose(f);
    if (rc < 0) {
        free(data);
        return TENANT_ERROR;
    }
    if (store_begin(&p->master, error_r) < 0) {
        free(data);
        return TENANT_ERROR;
    }
    rc = db_run(p->master.conn, error_r,
                "UPDATE tenants SET exported_at = ?, export_audit_mark = ?"
                " WHERE subdomain = ?",
                "tit", now, mark, code);
    if (rc == 0 && db_changes(p->master.conn) != 1) {
        *error_r = "the school left the registry during its export";
        rc = -1;
    }
    if (rc == 0) {
        json_t *after = json_pack("{s:s,s:I}", "exported_at", now, "bytes",
                                  (json_int_t)len);
        struct audit_entry e = {"export", "tenant", code, NULL, after};
        rc = audit_write(&p->master, actor, &e, error_r);
        json_decref(after);
    }
    if (store_end(&p->master, rc == 0, error_r) < 0 || rc < 0) {
        free(data);
        return TENANT_ERROR;
    }
    *data_r = data;
    *len_r = len;
    return TENANT_OK;
}

/* 1 if the school changed after the archive's mark, 0 if not, -1 error. */
static int changed_since(struct platform *p, const char *code, int64_t mark,
                         const char **error_r)
{
    struct store *s;
    int prc = pool_acquire(p->pool, code, &s, error_r);
    if (prc == POOL_MISSING)
        return 0; /* no store: nothing an archive could miss */
    if (prc != POOL_OK)
        return -1;
    int64_t newer = 0;
    store_lock(s);
    int rc = db_query_int(s->conn, error_r, &newer,
                          "SELECT count(*) FROM audit_log WHERE id > ? AND"
                          " action NOT IN ('login', 'logout',"
                          " 'login_failed')",
                          "i", mark);
    store_unlock(s);
    pool_release(p->pool, s);
    return rc < 0 ? -1 : newer > 0;
}

/* Removes the store's files or schema. */
static void remove_store(struct platform *p, const char *code)
{
    db_store_remove(&p->backend, code);
    if (p->backend.pg != NULL)
        return;
    char path[4096], side[4200];
    db_sqlite_path(&p->backend, code, path, sizeof path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

int tenant_delete(struct platform *p, const char *code, const char *confirm,
                  const struct actor *actor, const char **message_r,
                  const char **error_r)
{
    struct tenant t;
    int found = tenant_find(p, code, &t);
    if (found < 0) {
        *error_r = "tenant lookup failed";
        return TENANT_ERROR;
    }
    if (found == 0)
        return TENANT_NOT_FOUND;
    if (t.is_master)
        return TENANT_IS_MASTER;
    if (strcmp(confirm, t.code) != 0) {
        *message_r = "Para confirmar, escriba el código del plantel "
                     "exactamente como aparece.";
        return TENANT_INVALID;
    }
    /* the last download */
    char exported[64] = "";
    int64_t mark = 0;
    store_lock(&p->master);
    struct db_stmt *st = db_query(p->master.conn, error_r,
                                  "SELECT exported_at, export_audit_mark FROM"
                                  " tenants WHERE subdomain = ?",
                                  "t", code);
    int rc = st ? db_step(st, error_r) : -1;
    if (rc == DB_ROW) {
        if (db_text_or_null(st, 0))
            str_copy(exported, sizeof exported, db_text(st, 0));
        mark = db_int(st, 1);
    }
    db_finish(&st);
    store_unlock(&p->master);
    if (rc < 0)
        return TENANT_ERROR;
    if (rc != DB_ROW)
        return TENANT_NOT_FOUND;
    int64_t at = 0;
    if (exported[0] == '\0' || time_parse_utc(exported, &at) < 0 ||
        time_now() - at > TENANT_EXPORT_VALID_SECONDS) {
        *message_r = "Antes de eliminar el plantel, descargue su copia "
                     "(vale 24 horas).";
        return TENANT_NEEDS_EXPORT;
    }
    int changed = changed_since(p, code, mark, error_r);
    if (changed < 0)
        return TENANT_ERROR;
    if (changed) {
        *message_r = "El plantel cambió después de la última copia: "
                     "descárguela de nuevo antes de eliminarlo.";
        return TENANT_NEEDS_EXPORT;
    }

    if (store_begin(&p->master, error_r) < 0)
        return TENANT_ERROR;
    static const char *const cleanup[] = {
        "DELETE FROM tenant_analytics WHERE tenant_id = ?",
        "DELETE FROM tenant_usage WHERE tenant_id = ?",
        "DELETE FROM support_tickets WHERE tenant_id = ?",
        "UPDATE tenant_invitations SET tenant_id = NULL WHERE tenant_id = ?",
        "DELETE FROM tenants WHERE id = ? AND plan_type = 'guest'",
    };
    rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof cleanup / sizeof cleanup[0];
         i++)
        rc = db_run(p->master.conn, error_r, cleanup[i], "i", t.id);
    if (rc == 0 && db_changes(p->master.conn) != 1) {
        *error_r = "the school left the registry meanwhile";
        rc = -1;
    }
    if (rc == 0) {
        json_t *before = tenant_to_json(p, &t);
        json_object_set_new(before, "exported_at", json_string(exported));
        struct audit_entry e = {"delete", "tenant", code, before, NULL};
        rc = audit_write(&p->master, actor, &e, error_r);
        json_decref(before);
    }
    if (store_end(&p->master, rc == 0, error_r) < 0 || rc < 0)
        return TENANT_ERROR;
    tenant_cache_forget(p, code);
    session_cache_forget_school(code);
    if (pool_forget_wait(p->pool, code, 10000) < 0) {
        log_msg(LOG_ERROR,
                "tenant delete: school %s is gone from the registry but its "
                "store is still in use; remove it by hand",
                code);
        return TENANT_OK;
    }
    remove_store(p, code);
    log_msg(LOG_INFO, "tenant delete: school %s and its store removed", code);
    return TENANT_OK;
}
