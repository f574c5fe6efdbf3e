/*
 * Schools as tenants: creating the platform, creating schools (a store file
 * per school plus a row in the master store), changing their status, and
 * finding the school a request's Host names. Lookups go through a small
 * snapshot cache so the hot path does not lock the master store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "db/migrate.h"
#include "platform/platform.h"

#define TENANT_CACHE_MS 1000.0
#define TENANT_CACHE_SLOTS 4096

struct tenant_cache_entry {
    struct tenant t;
    double loaded_ms;
    bool found;
};

static const char *const reserved_codes[] = {
    "www", "api", "admin", "app", "mail", "static", "assets", "scheduler",
    "bischeduler", "platform", "master", "test", "localhost", "status",
    "metrics", "support", NULL};

const char *tenant_code_check(const char *code)
{
    size_t n = strlen(code);
    if (n < 2 || n > 40)
        return "El código del plantel debe tener entre 2 y 40 caracteres.";
    for (const char *c = code; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '-'))
            return "El código solo puede tener letras minúsculas, dígitos y "
                   "guiones.";
    if (code[0] == '-' || code[n - 1] == '-')
        return "El código no puede empezar ni terminar con un guion.";
    for (int i = 0; reserved_codes[i]; i++)
        if (strcmp(code, reserved_codes[i]) == 0)
            return "Ese código está reservado; elija otro.";
    return NULL;
}

static int mkdir_p(const char *path)
{
    if (mkdir(path, 0750) == 0 || errno == EEXIST)
        return 0;
    return -1;
}

void school_setting(struct store *store, const char *key, const char *dflt,
                    char *out, size_t n)
{
    str_copy(out, n, dflt);
    struct db_stmt *st = db_query(store->conn, NULL,
                                  "SELECT value FROM tenant_settings WHERE key = ?",
                                  "t", key);
    if (st && db_step(st, NULL) == DB_ROW)
        str_copy(out, n, db_text(st, 0));
    db_finish(&st);
}

int platform_setting_get(struct platform *p, const char *key, char *out,
                         size_t n)
{
    store_lock(&p->master);
    struct db_stmt *st = db_query(
        p->master.conn, NULL,
        "SELECT value FROM platform_settings WHERE key = ?", "t", key);
    int found = 0;
    if (st && db_step(st, NULL) == DB_ROW) {
        str_copy(out, n, db_text(st, 0));
        found = 1;
    }
    db_finish(&st);
    store_unlock(&p->master);
    return found;
}

/*
 * Creates a store at the latest schema in one step: SQLite writes a new
 * file under a temporary name and renames it into place; PostgreSQL
 * creates the schema and its tables in one transaction. `school_name` is
 * the school's initial name setting (NULL for the master store).
 */
static int create_store(const struct db_backend *b, const char *name,
                        const char *school_name, const char **error_r)
{
    enum migrate_series series =
        school_name ? MIGRATE_SCHOOL : MIGRATE_MASTER;
    int exists = db_store_exists(b, name, error_r);
    if (exists != 0) {
        if (exists > 0)
            *error_r = "a store with this name already exists";
        return -1;
    }
    struct store s;
    char path[4096], tmp[4200];
    if (b->pg == NULL) {
        db_sqlite_path(b, name, path, sizeof path);
        snprintf(tmp, sizeof tmp, "%s.new", path);
        unlink(tmp);
        if (store_open(&s, name, tmp, true, error_r) < 0)
            return -1;
    } else if (store_open_named(&s, b, name, error_r) < 0) {
        return -1;
    }
    store_lock(&s);
    int rc = db_begin(s.conn, DB_TX_WRITE, error_r);
    if (rc == 0 && b->pg) {
        char sql[160];
        snprintf(sql, sizeof sql, "CREATE SCHEMA \"%s\"",
                 db_pg_schema(s.conn));
        rc = db_exec(s.conn, sql, error_r);
    }
    if (rc == 0)
        rc = migrate_apply_in_tx(s.conn, series, error_r);
    if (rc == 0 && school_name)
        rc = db_run(s.conn, error_r,
                    "INSERT INTO tenant_settings (key, value, is_public)"
                    " VALUES (?, ?, 1), (?, ?, 1)",
                    "tttt", SETTING_NAME, school_name, SETTING_TIMEZONE,
                    DEFAULT_TIMEZONE);
    if (rc < 0)
        db_rollback(s.conn);
    else
        rc = db_commit(s.conn, error_r);
    if (rc == 0 && b->pg == NULL)
        rc = db_exec(s.conn, "PRAGMA wal_checkpoint(TRUNCATE)", error_r);
    store_unlock(&s);
    store_close(&s);
    if (b->pg != NULL)
        return rc < 0 ? -1 : 0;
    char side[4300];
    snprintf(side, sizeof side, "%s-wal", tmp);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", tmp);
    unlink(side);
    if (rc < 0 || rename(tmp, path) != 0) {
        if (rc == 0)
            *error_r = "cannot rename the new store into place";
        unlink(tmp);
        return -1;
    }
    return 0;
}

static void row_to_tenant(struct db_stmt *st, struct tenant *t)
{
    memset(t, 0, sizeof *t);
    t->id = db_int(st, 0);
    str_copy(t->code, sizeof t->code, db_text(st, 1));
    str_copy(t->name, sizeof t->name, db_text(st, 2));
    str_copy(t->status, sizeof t->status, db_text(st, 3));
    t->is_master = strcmp(db_text(st, 4), "master") == 0;
    str_copy(t->created_at, sizeof t->created_at, db_text(st, 5));
    str_copy(t->updated_at, sizeof t->updated_at, db_text(st, 6));
}

#define TENANT_COLUMNS \
    "id, subdomain, name, status, plan_type, created_at, updated_at"

static int load_tenant(struct store *master, const char *code,
                       struct tenant *t, const char **error_r)
{
    struct db_stmt *st =
        db_query(master->conn, error_r,
                 "SELECT " TENANT_COLUMNS " FROM tenants WHERE subdomain = ?",
                 "t", code);
    if (st == NULL)
        return -1;
    int rc = db_step(st, error_r);
    if (rc == DB_ROW) {
        row_to_tenant(st, t);
        rc = 1;
    }
    db_finish(&st);
    return rc < 0 ? -1 : rc;
}

int platform_init(const struct platform_options *opt, const char *base_domain,
                  const char *master_name, const char **error_r)
{
    struct db_backend b;
    if (db_backend_init(&b, opt->data_dir, opt->database_url, 2, error_r) < 0)
        return -1;
    int rc = -1;
    if (b.pg == NULL) {
        char schools[4096];
        snprintf(schools, sizeof schools, "%s/schools", b.dir);
        if (mkdir_p(b.dir) < 0 || mkdir_p(schools) < 0) {
            *error_r = "cannot create the data directory";
            goto out;
        }
    }
    int exists = db_store_exists(&b, "master", error_r);
    if (exists != 0) {
        if (exists > 0)
            *error_r = "a platform already exists there";
        goto out;
    }
    if (create_store(&b, MASTER_CODE, master_name, error_r) < 0)
        goto out;
    if (create_store(&b, "master", NULL, error_r) < 0) {
        db_store_remove(&b, MASTER_CODE);
        goto out;
    }
    struct store m;
    if (store_open_named(&m, &b, "master", error_r) < 0)
        goto out;
    char now[21];
    time_format_utc(time_now(), now);
    if (store_begin(&m, error_r) == 0) {
        rc = db_run(m.conn, error_r,
                    "INSERT INTO tenants (subdomain, name, status, plan_type,"
                    " created_at, updated_at) VALUES (?, ?, 'active',"
                    " 'master', ?, ?)",
                    "tttt", MASTER_CODE, master_name, now, now);
        if (rc == 0)
            rc = db_run(m.conn, error_r,
                        "INSERT INTO platform_settings (key, value) VALUES"
                        " ('base_domain', ?)",
                        "t", base_domain);
        if (store_end(&m, rc == 0, rc == 0 ? error_r : NULL) < 0)
            rc = -1;
    }
    store_close(&m);
    if (rc < 0) {
        db_store_remove(&b, "master");
        db_store_remove(&b, MASTER_CODE);
    }
out:
    db_backend_cleanup(&b);
    return rc < 0 ? -1 : 0;
}

int platform_open(struct platform *p, const struct platform_options *opt,
                  const char **error_r)
{
    memset(p, 0, sizeof *p);
    if (db_backend_init(&p->backend, opt->data_dir, opt->database_url,
                        opt->db_pool_size, error_r) < 0)
        return -1;
    int exists = db_store_exists(&p->backend, "master", error_r);
    if (exists <= 0) {
        if (exists == 0)
            *error_r = "no platform there (run 'bischeduler init')";
        db_backend_cleanup(&p->backend);
        return -1;
    }
    if (store_open_named(&p->master, &p->backend, "master", error_r) < 0) {
        db_backend_cleanup(&p->backend);
        return -1;
    }
    int64_t v = 0;
    int rc = 0;
    store_lock(&p->master);
    if (migrate_current(p->master.conn, &v, error_r) < 0) {
        rc = -1;
    } else if (v > migrate_latest(MIGRATE_MASTER)) {
        *error_r = "the master store is newer than this binary";
        rc = -1;
    } else if (v < migrate_latest(MIGRATE_MASTER)) {
        if (!opt->auto_migrate) {
            *error_r = "the master store needs 'bischeduler migrate'";
            rc = -1;
        } else if (migrate_store(p->master.conn, MIGRATE_MASTER, NULL, NULL,
                                 error_r) < 0) {
            rc = -1;
        }
    }
    store_unlock(&p->master);
    if (rc < 0) {
        store_close(&p->master);
        db_backend_cleanup(&p->backend);
        return -1;
    }
    p->data_dir = xstrdup(opt->database_url ? "(postgresql)" : opt->data_dir);
    p->pool = pool_new(&p->backend, opt->max_open_schools, opt->auto_migrate);
    pthread_rwlock_init(&p->cache_lock, NULL);
    p->cache = xcalloc(TENANT_CACHE_SLOTS, sizeof *p->cache);
    if (!platform_setting_get(p, "base_domain", p->base_domain,
                              sizeof p->base_domain))
        str_copy(p->base_domain, sizeof p->base_domain, "localhost");
    return 0;
}

void platform_close(struct platform *p)
{
    pool_free(&p->pool);
    store_close(&p->master);
    pthread_rwlock_destroy(&p->cache_lock);
    free(p->cache);
    free(p->data_dir);
    db_backend_cleanup(&p->backend);
    memset(p, 0, sizeof *p);
}

static unsigned code_slot(const char *code)
{
    uint32_t h = 2166136261u;
    for (; *code; code++)
        h = (h ^ (unsigned char)*code) * 16777619u;
    return h % TENANT_CACHE_SLOTS;
}

/*
 * The cache is a fixed table indexed by a hash of the code: a collision
 * replaces the older snapshot, so unknown codes probed by strangers cannot
 * grow it, and a lookup is one comparison.
 */
int tenant_find(struct platform *p, const char *code, struct tenant *t_r)
{
    unsigned i = code_slot(code);
    double now = time_mono_ms();
    pthread_rwlock_rdlock(&p->cache_lock);
    struct tenant_cache_entry *e = &p->cache[i];
    if (e->loaded_ms > 0 && now - e->loaded_ms < TENANT_CACHE_MS &&
        strcmp(e->t.code, code) == 0) {
        bool found = e->found;
        if (found)
            *t_r = e->t;
        pthread_rwlock_unlock(&p->cache_lock);
        return found ? 1 : 0;
    }
    pthread_rwlock_unlock(&p->cache_lock);

    struct tenant t;
    const char *err;
    store_lock(&p->master);
    int rc = load_tenant(&p->master, code, &t, &err);
    store_unlock(&p->master);
    if (rc < 0) {
        log_msg(LOG_ERROR, "tenant lookup %s: %s", code, err);
        return -1;
    }
    if (rc == 0) {
        memset(&t, 0, sizeof t);
        str_copy(t.code, sizeof t.code, code);
    }
    pthread_rwlock_wrlock(&p->cache_lock);
    e = &p->cache[i];
    e->t = t;
    e->found = rc == 1;
    e->loaded_ms = time_mono_ms();
    pthread_rwlock_unlock(&p->cache_lock);
    if (rc == 1)
        *t_r = t;
    return rc;
}

void tenant_cache_forget(struct platform *p, const char *code)
{
    unsigned i = code_slot(code);
    pthread_rwlock_wrlock(&p->cache_lock);
    if (strcmp(p->cache[i].t.code, code) == 0)
        p->cache[i].loaded_ms = 0;
    pthread_rwlock_unlock(&p->cache_lock);
}

int tenant_resolve_host(struct platform *p, const char *host,
                        struct tenant *t_r)
{
    if (host == NULL)
        return 0;
    char h[256];
    str_copy(h, sizeof h, host);
    char *colon = strrchr(h, ':');
    if (colon && strchr(h, ']') == NULL)
        *colon = '\0';
    str_lower(h);
    size_t hn = strlen(h);
    if (hn > 0 && h[hn - 1] == '.') /* fully qualified form */
        h[--hn] = '\0';
    size_t bn = strlen(p->base_domain);
    if (hn <= bn + 1 || h[hn - bn - 1] != '.' ||
        strcmp(h + hn - bn, p->base_domain) != 0)
        return 0;
    h[hn - bn - 1] = '\0'; /* the label(s) before the base domain */
    if (strcmp(h, "bischeduler") == 0 || strcmp(h, "scheduler") == 0)
        return tenant_find(p, MASTER_CODE, t_r);
    if (strncmp(h, "bischeduler-", 12) != 0)
        return 0;
    const char *code = h + 12;
    if (tenant_code_check(code) != NULL || strcmp(code, MASTER_CODE) == 0)
        return 0;
    return tenant_find(p, code, t_r);
}

void tenant_host(const struct platform *p, const struct tenant *t, char *out,
                 size_t n)
{
    if (t->is_master)
        snprintf(out, n, "bischeduler.%s", p->base_domain);
    else
        snprintf(out, n, "bischeduler-%s.%s", t->code, p->base_domain);
}

json_t *tenant_to_json(const struct platform *p, const struct tenant *t)
{
    char host[512];
    tenant_host(p, t, host, sizeof host);
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id",
                     (json_int_t)t->id, "code", t->code, "name", t->name,
                     "status", t->status, "plan_type",
                     t->is_master ? "master" : "guest", "created_at",
                     t->created_at, "updated_at", t->updated_at, "host", host);
}

int tenant_create(struct platform *p, const char *code, const char *name,
                  const struct actor *actor, struct tenant *t_r,
                  const char **message_r, const char **field_r,
                  const char **error_r)
{
    return tenant_create_full(p, code, name, "active", NULL, actor, t_r,
                              message_r, field_r, error_r);
}

int tenant_create_with(struct platform *p, const char *code, const char *name,
                       const char *status, json_t *data,
                       const struct actor *actor, struct tenant *t_r,
                       const char **message_r, const char **error_r)
{
    const char *field = NULL;
    return tenant_create_full(p, code, name, status, data, actor, t_r,
                              message_r, &field, error_r);
}

int tenant_create_full(struct platform *p, const char *code, const char *name,
                       const char *status, json_t *data,
                       const struct actor *actor, struct tenant *t_r,
                       const char **message_r, const char **field_r,
                       const char **error_r)
{
    const char *msg = tenant_code_check(code);
    if (msg) {
        *message_r = msg;
        *field_r = "code";
        return TENANT_INVALID;
    }
    size_t nlen = strlen(name);
    if (nlen == 0 || nlen > 200 || !str_is_utf8(name, nlen)) {
        *message_r = "El nombre del plantel es obligatorio (máximo 200 "
                     "caracteres).";
        *field_r = "name";
        return TENANT_INVALID;
    }
    struct tenant existing;
    store_lock(&p->master);
    int found = load_tenant(&p->master, code, &existing, error_r);
    store_unlock(&p->master);
    if (found < 0)
        return TENANT_ERROR;
    if (found == 1) {
        *message_r = "Ya existe un plantel con ese código.";
        *field_r = "code";
        return TENANT_EXISTS;
    }
    if (create_store(&p->backend, code, name, error_r) < 0)
        return TENANT_ERROR;
    if (data != NULL) {
        /* an imported school's rows, in one transaction, before it exists
         * for anyone */
        struct store s;
        if (store_open_named(&s, &p->backend, code, error_r) < 0)
            goto undo_file;
        int irc = store_begin(&s, error_r);
        if (irc == 0) {
            irc = tenant_restore_tables(&s, data, error_r);
            if (store_end(&s, irc == 0, irc == 0 ? error_r : NULL) < 0)
                irc = -1;
        }
        store_close(&s);
        if (irc < 0)
            goto undo_file;
    }

    char now[21];
    time_format_utc(time_now(), now);
    if (store_begin(&p->master, error_r) < 0)
        goto undo_file;
    int rc = db_run(p->master.conn, error_r,
                    "INSERT INTO tenants (subdomain, name, status, plan_type,"
                    " master_tenant_id, created_at, updated_at) VALUES"
                    " (?, ?, ?, 'guest', (SELECT id FROM tenants WHERE"
                    " plan_type = 'master'), ?, ?)",
                    "ttttt", code, name, status, now, now);
    if (rc == DB_CONSTRAINT) {
        store_end(&p->master, false, NULL);
        *message_r = "Ya existe un plantel con ese código.";
        *field_r = "code";
        /* the store is ours: create_store refuses existing ones */
        db_store_remove(&p->backend, code);
        return TENANT_EXISTS;
    }
    struct tenant t;
    if (rc == 0)
        rc = load_tenant(&p->master, code, &t, error_r) == 1 ? 0 : -1;
    if (rc == 0) {
        json_t *after = tenant_to_json(p, &t);
        struct audit_entry e = {data ? "import" : "create", "tenant", code,
                                NULL, after};
        rc = audit_write(&p->master, actor, &e, error_r);
        json_decref(after);
    }
    if (store_end(&p->master, rc == 0, error_r) < 0 || rc < 0)
        goto undo_file;
    tenant_cache_forget(p, code);
    *t_r = t;
    return TENANT_OK;

undo_file:
    db_store_remove(&p->backend, code);
    return TENANT_ERROR;
}

int tenant_set_status(struct platform *p, const char *code,
                      const char *status, const struct actor *actor,
                      struct tenant *t_r, const char **error_r)
{
    static const struct {
        const char *status, *action;
    } actions[] = {{"active", "activate"},
                   {"suspended", "suspend"},
                   {"inactive", "deactivate"}};
    const char *action = NULL;
    for (size_t i = 0; i < 3; i++)
        if (strcmp(actions[i].status, status) == 0)
            action = actions[i].action;
    if (action == NULL)
        return TENANT_INVALID;
    if (store_begin(&p->master, error_r) < 0)
        return TENANT_ERROR;
    struct tenant before, after;
    int rc = load_tenant(&p->master, code, &before, error_r);
    if (rc == 0 || (rc == 1 && before.is_master)) {
        store_end(&p->master, false, NULL);
        return TENANT_NOT_FOUND;
    }
    char now[21];
    time_format_utc(time_now(), now);
    rc = rc < 0 ? -1
                : db_run(p->master.conn, error_r,
                         "UPDATE tenants SET status = ?, updated_at = ?"
                         " WHERE subdomain = ?",
                         "ttt", status, now, code);
    if (rc == 0)
        rc = load_tenant(&p->master, code, &after, error_r) == 1 ? 0 : -1;
    if (rc == 0) {
        json_t *jb = json_pack("{s:s}", "status", before.status);
        json_t *ja = json_pack("{s:s}", "status", after.status);
        struct audit_entry e = {action, "tenant", code, jb, ja};
        rc = audit_write(&p->master, actor, &e, error_r);
        json_decref(jb);
        json_decref(ja);
    }
    if (store_end(&p->master, rc == 0, error_r) < 0 || rc < 0)
        return TENANT_ERROR;
    tenant_cache_forget(p, code);
    session_cache_forget_school(code);
    /*
     * Any status change ends the school's sessions: suspending or
     * deactivating signs everyone out, and activating clears what might
     * have been opened before (or in the second another server still
     * believed the school active), so no session outlives a suspension.
     * After the master's commit, one store at a time (lock order).
     */
    struct store *school = NULL;
    int prc = pool_acquire(p->pool, code, &school, error_r);
    if (prc == POOL_OK) {
        rc = store_begin(school, error_r);
        if (rc == 0) {
            rc = auth_end_all_sessions(school, error_r);
            if (store_end(school, rc == 0, error_r) < 0)
                rc = -1;
        }
        pool_release(p->pool, school);
        session_cache_forget_school(code);
        if (rc < 0)
            return TENANT_ERROR;
    } else if (prc != POOL_MISSING) {
        return TENANT_ERROR;
    }
    *t_r = after;
    return TENANT_OK;
}

int tenant_rename(struct platform *p, const char *code, const char *name,
                  const struct actor *actor, const char **error_r)
{
    if (store_begin(&p->master, error_r) < 0)
        return TENANT_ERROR;
    struct tenant before;
    int rc = load_tenant(&p->master, code, &before, error_r);
    if (rc == 1 && strcmp(before.name, name) == 0) {
        store_end(&p->master, false, NULL);
        return TENANT_OK;
    }
    if (rc != 1) {
        /* Every failure says what failed: the caller's settings may have
         * committed already and it logs this. */
        store_end(&p->master, false, NULL);
        if (rc == 0 && error_r)
            *error_r = "no such school in the registry";
        else if (error_r && *error_r == NULL)
            *error_r = "the registry could not be read";
        return rc == 0 ? TENANT_NOT_FOUND : TENANT_ERROR;
    }
    char now[21];
    time_format_utc(time_now(), now);
    rc = db_run(p->master.conn, error_r,
                "UPDATE tenants SET name = ?, updated_at = ?"
                " WHERE subdomain = ?",
                "ttt", name, now, code);
    if (rc == 0) {
        json_t *jb = json_pack("{s:s}", "name", before.name);
        json_t *ja = json_pack("{s:s}", "name", name);
        struct audit_entry e = {"update", "tenant", code, jb, ja};
        rc = audit_write(&p->master, actor, &e, error_r);
        json_decref(jb);
        json_decref(ja);
    }
    if (store_end(&p->master, rc == 0, error_r) < 0 || rc < 0)
        return TENANT_ERROR;
    tenant_cache_forget(p, code);
    return TENANT_OK;
}

int tenant_list(struct platform *p, struct tenant **list_r, int *n_r,
                const char **error_r)
{
    store_lock(&p->master);
    struct db_stmt *st = db_query(
        p->master.conn, error_r,
        "SELECT " TENANT_COLUMNS " FROM tenants ORDER BY plan_type DESC,"
        " subdomain",
        "");
    if (st == NULL) {
        store_unlock(&p->master);
        return -1;
    }
    int n = 0, cap = 16, rc;
    struct tenant *list = xmalloc((size_t)cap * sizeof *list);
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        if (n == cap) {
            cap *= 2;
            list = xrealloc(list, (size_t)cap * sizeof *list);
        }
        row_to_tenant(st, &list[n++]);
    }
    db_finish(&st);
    store_unlock(&p->master);
    if (rc < 0) {
        free(list);
        return -1;
    }
    *list_r = list;
    *n_r = n;
    return 0;
}
