/*
 * Moving a school: `tenant export` writes one portable JSON archive with
 * all of a school's data; `tenant import` restores it on either backend,
 * so a school moves from an embedded platform to a PostgreSQL one (or
 * back) with two commands.
 *
 * The archive holds the school's registry entry and every row of its
 * lasting tables (settings, users, API tokens, audit log), values as text,
 * at the exporting binary's schema version; sessions and sign-in failure
 * counters are transient and stay behind (users sign in again). An import
 * needs the same schema version (migrate first) and a code not in use; it
 * writes the new store in one transaction before the school is registered,
 * so a failed import leaves nothing behind.
 *
 * An export reads every table from one snapshot (store_begin_snapshot()),
 * so a server writing meanwhile never yields an archive whose tables
 * disagree (a token whose user is missing, an audit row for a user that is
 * not there). For the test that proves it, BISCHEDULER_EXPORT_PAUSE_AFTER=
 * TABLE makes the export stop after reading TABLE, say so on stderr and
 * wait for a line on stdin (a hook with no effect when the variable is
 * unset).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "db/migrate.h"
#include "platform/platform.h"

#define ARCHIVE_FORMAT "bischeduler-school-archive"
#define ARCHIVE_VERSION 1

/* In foreign-key order: the accounts, then the school's records (issue
 * 13), so that an archive holds everything a deletion would remove. */
static const char *const tables[] = {
    "tenant_settings", "school_branding", "users",
    "api_tokens",      "audit_log",       "school_years",
    "lapsos",          "grades",          "rooms",
    "sections",        "subjects",        "students",
    "enrolments",      "representatives", "student_representatives",
    "authorized_pickups", "staff",        "staff_subjects", NULL};

static json_t *export_table(struct store *s, const char *table,
                            const char **error_r)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1", table);
    struct db_stmt *st = db_query(s->conn, error_r, sql, "");
    if (st == NULL)
        return NULL;
    json_t *columns = json_array(), *rows = json_array();
    int rc;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        int n = db_column_count(st);
        if (json_array_size(columns) == 0)
            for (int i = 0; i < n; i++)
                json_array_append_new(columns,
                                      json_string(db_column_name(st, i)));
        json_t *row = json_array();
        for (int i = 0; i < n; i++) {
            const char *v = db_text_or_null(st, i);
            json_array_append_new(row, v ? json_string(v) : json_null());
        }
        json_array_append_new(rows, row);
    }
    db_finish(&st);
    if (rc < 0) {
        json_decref(columns);
        json_decref(rows);
        return NULL;
    }
    return json_pack("{s:o,s:o}", "columns", columns, "rows", rows);
}

/* The test hook described at the top of the file. */
static void pause_after(const char *table)
{
    const char *want = getenv("BISCHEDULER_EXPORT_PAUSE_AFTER");
    if (want == NULL || strcmp(want, table) != 0)
        return;
    fprintf(stderr, "export paused after %s\n", table);
    fflush(stderr);
    int c;
    while ((c = getchar()) != EOF && c != '\n')
        ;
}

int tenant_export(struct platform *p, const char *code, FILE *out,
                  const char **error_r)
{
    return tenant_export_marked(p, code, out, NULL, error_r);
}

int tenant_export_marked(struct platform *p, const char *code, FILE *out,
                         int64_t *audit_mark_r, const char **error_r)
{
    struct tenant t;
    int found = tenant_find(p, code, &t);
    if (found != 1) {
        *error_r = found == 0 ? "no school with that code" : "store error";
        return -1;
    }
    struct store *s;
    if (pool_acquire(p->pool, code, &s, error_r) != POOL_OK)
        return -1;
    char now[21];
    time_format_utc(time_now(), now);
    json_t *data = json_object();
    int64_t version = 0;
    int rc = 0;
    /* One snapshot: a consistent picture of the school. */
    if (store_begin_snapshot(s, error_r) < 0) {
        pool_release(p->pool, s);
        json_decref(data);
        return -1;
    }
    if (db_query_int(s->conn, error_r, &version,
                     "SELECT max(version) FROM schema_migrations", "") < 0)
        rc = -1;
    int64_t mark = 0;
    if (rc == 0 &&
        db_query_int(s->conn, error_r, &mark,
                     "SELECT coalesce(max(id), 0) FROM audit_log", "") < 0)
        rc = -1;
    if (audit_mark_r)
        *audit_mark_r = mark;
    for (int i = 0; rc == 0 && tables[i]; i++) {
        json_t *tj = export_table(s, tables[i], error_r);
        if (tj == NULL)
            rc = -1;
        else
            json_object_set_new(data, tables[i], tj);
        pause_after(tables[i]);
    }
    if (store_end(s, rc == 0, rc == 0 ? error_r : NULL) < 0)
        rc = -1;
    pool_release(p->pool, s);
    if (rc < 0) {
        json_decref(data);
        return -1;
    }
    json_t *archive = json_pack(
        "{s:s,s:i,s:s,s:I,s:{s:s,s:s,s:s,s:s},s:o}", "format", ARCHIVE_FORMAT,
        "format_version", ARCHIVE_VERSION, "exported_at", now,
        "schema_version", (json_int_t)version, "tenant", "code", t.code,
        "name", t.name, "status", t.status, "created_at", t.created_at,
        "tables", data);
    if (t.is_master) {
        json_decref(archive);
        *error_r = "the master school cannot be exported as a guest school";
        return -1;
    }
    rc = json_dumpf(archive, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(archive);
    if (rc != 0 || fflush(out) != 0) {
        *error_r = "cannot write the archive";
        return -1;
    }
    return 0;
}

static bool identifier_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 40)
        return false;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || *c == '_' ||
              (c != s && *c >= '0' && *c <= '9')))
            return false;
    return true;
}

/* Inserts one table's rows (inside the caller's transaction). */
static int import_table(struct store *s, const char *table, json_t *tj,
                        const char **error_r)
{
    json_t *columns = json_object_get(tj, "columns");
    json_t *rows = json_object_get(tj, "rows");
    if (!json_is_array(columns) || !json_is_array(rows)) {
        *error_r = "archive table without columns and rows";
        return -1;
    }
    size_t ncol = json_array_size(columns);
    if (json_array_size(rows) == 0)
        return 0;
    if (ncol == 0 || ncol > 64) {
        *error_r = "archive table with a wrong number of columns";
        return -1;
    }
    /* Column names are spliced into SQL: only plain identifiers pass. */
    struct strbuf sql;
    strbuf_init(&sql);
    strbuf_addf(&sql, "INSERT INTO %s (", table);
    for (size_t i = 0; i < ncol; i++) {
        const char *c = json_string_value(json_array_get(columns, i));
        if (c == NULL || !identifier_ok(c)) {
            strbuf_cleanup(&sql);
            *error_r = "archive column name is not valid";
            return -1;
        }
        strbuf_addf(&sql, "%s%s", i ? ", " : "", c);
    }
    strbuf_adds(&sql, ") VALUES (");
    for (size_t i = 0; i < ncol; i++)
        strbuf_adds(&sql, i ? ", ?" : "?");
    strbuf_adds(&sql, ")");
    struct db_value vals[64];
    int rc = 0;
    size_t r;
    json_t *row;
    json_array_foreach(rows, r, row)
    {
        if (!json_is_array(row) || json_array_size(row) != ncol) {
            *error_r = "archive row does not match its columns";
            rc = -1;
            break;
        }
        for (size_t i = 0; i < ncol; i++) {
            json_t *v = json_array_get(row, i);
            if (!json_is_null(v) && !json_is_string(v)) {
                *error_r = "archive value is not text";
                rc = -1;
                break;
            }
            vals[i] = (struct db_value){json_is_null(v) ? 'n' : 't',
                                        json_string_value(v), 0};
        }
        if (rc < 0)
            break;
        struct db_stmt *st =
            db_query_values(s->conn, error_r, sql.data, (int)ncol, vals);
        if (st == NULL || db_step(st, error_r) < 0)
            rc = -1;
        db_finish(&st);
        if (rc < 0)
            break;
    }
    strbuf_cleanup(&sql);
    if (rc == 0 && store_is_pg(s) && strcmp(table, "tenant_settings") != 0 &&
        strcmp(table, "school_branding") != 0 &&
        strcmp(table, "student_representatives") != 0 &&
        strcmp(table, "staff_subjects") != 0) {
        /* explicit ids do not advance PostgreSQL's identity sequences */
        char fix[200];
        snprintf(fix, sizeof fix,
                 "SELECT setval(pg_get_serial_sequence('%s', 'id'),"
                 " (SELECT coalesce(max(id), 0) + 1 FROM %s), false)",
                 table, table);
        struct db_stmt *st = db_query(s->conn, error_r, fix, "");
        if (st == NULL || db_step(st, error_r) < 0)
            rc = -1;
        db_finish(&st);
    }
    return rc;
}

int tenant_import(struct platform *p, FILE *in, const struct actor *actor,
                  struct tenant *t_r, const char **message_r,
                  const char **error_r)
{
    json_error_t jerr;
    json_t *a = json_loadf(in, JSON_REJECT_DUPLICATES, &jerr);
    if (a == NULL || !json_is_object(a)) {
        json_decref(a);
        *message_r = "the file is not a BiScheduler school archive (not JSON)";
        return TENANT_INVALID;
    }
    const char *format = json_string_value(json_object_get(a, "format"));
    json_t *tenant = json_object_get(a, "tenant");
    json_t *data = json_object_get(a, "tables");
    const char *code = json_string_value(json_object_get(tenant, "code"));
    const char *name = json_string_value(json_object_get(tenant, "name"));
    const char *status = json_string_value(json_object_get(tenant, "status"));
    json_int_t version =
        json_integer_value(json_object_get(a, "schema_version"));
    int rc = TENANT_INVALID;
    if (format == NULL || strcmp(format, ARCHIVE_FORMAT) != 0 ||
        !json_is_object(data) || code == NULL || name == NULL ||
        status == NULL) {
        *message_r = "the file is not a BiScheduler school archive";
        goto out;
    }
    if (version != migrate_latest(MIGRATE_SCHOOL)) {
        *message_r = "the archive's schema version differs from this "
                     "binary's: export it with the same version";
        goto out;
    }
    if (tenant_code_check(code) != NULL) {
        *message_r = tenant_code_check(code);
        goto out;
    }
    if (strcmp(status, "active") != 0 && strcmp(status, "suspended") != 0 &&
        strcmp(status, "inactive") != 0) {
        *message_r = "the archive's school status is not valid";
        goto out;
    }
    struct tenant existing;
    int found = tenant_find(p, code, &existing);
    if (found != 0) {
        *message_r = found > 0 ? "a school with that code already exists"
                               : "cannot check the code";
        rc = found > 0 ? TENANT_EXISTS : TENANT_ERROR;
        goto out;
    }
    rc = tenant_create_with(p, code, name, status, data, actor, t_r,
                            message_r, error_r);
out:
    json_decref(a);
    return rc;
}

int tenant_restore_tables(struct store *s, json_t *data, const char **error_r)
{
    /* The new store's default settings give way to the archive's. */
    if (db_run(s->conn, error_r, "DELETE FROM tenant_settings", "") < 0)
        return -1;
    for (int i = 0; tables[i]; i++) {
        json_t *tj = json_object_get(data, tables[i]);
        if (tj != NULL && import_table(s, tables[i], tj, error_r) < 0)
            return -1;
    }
    return 0;
}
