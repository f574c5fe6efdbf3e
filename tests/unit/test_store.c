/*
 * Stores as specifications: migrations bring an empty store to the latest
 * version in one step and are idempotent; a store newer than the binary is
 * refused; the pool of school stores stays within its bound, closing the
 * least recently used idle store first and never one in use, and a school
 * whose store is slow to open holds up neither the other schools nor opens
 * twice; migration sources render for every dialect, and a name missing
 * from the dialect table is an error, never SQL.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/embedded.h"
#include "core/util.h"
#include "db/dialect.h"
#include "db/migrate.h"
#include "db/pool.h"

static char dir[256];
static struct db_backend backend;

static void store_path(const char *code, char *out, size_t n)
{
    snprintf(out, n, "%s/schools/%s.sqlite", dir, code);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/bis-unit-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    char schools[300];
    snprintf(schools, sizeof schools, "%s/schools", dir);
    const char *err;
    if (mkdir(schools, 0700) != 0 ||
        db_backend_init(&backend, dir, NULL, 1, &err) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_backend_cleanup(&backend);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void make_store(const char *code)
{
    char path[512];
    store_path(code, path, sizeof path);
    struct store s;
    const char *err = NULL;
    assert_int_equal(store_open(&s, code, path, true, &err), 0);
    assert_int_equal(migrate_store(s.conn, MIGRATE_SCHOOL, NULL, NULL, &err),
                     0);
    store_close(&s);
}

static void test_migrations_reach_latest_once(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/m.sqlite", dir);
    struct store s;
    const char *err = NULL;
    assert_int_equal(store_open(&s, "m", path, true, &err), 0);
    int64_t from = -1, to = -1;
    assert_int_equal(
        migrate_store(s.conn, MIGRATE_MASTER, &from, &to, &err), 0);
    assert_int_equal(from, 0);
    assert_int_equal(to, migrate_latest(MIGRATE_MASTER));
    assert_int_equal(
        migrate_store(s.conn, MIGRATE_MASTER, &from, &to, &err), 0);
    assert_int_equal(from, to);
    int64_t rows = 0;
    assert_int_equal(db_query_int(s.conn, &err, &rows,
                                  "SELECT count(*) FROM schema_migrations",
                                  ""),
                     0);
    assert_int_equal(rows, migrate_latest(MIGRATE_MASTER));
    store_close(&s);
}

static void test_store_newer_than_binary_is_refused(void **state)
{
    (void)state;
    make_store("future");
    char path[512];
    store_path("future", path, sizeof path);
    struct store s;
    const char *err = NULL;
    assert_int_equal(store_open(&s, "future", path, false, &err), 0);
    assert_int_equal(db_run(s.conn, &err,
                            "INSERT INTO schema_migrations VALUES (999, "
                            "'999_future.sql', '2030-01-01T00:00:00Z')",
                            ""),
                     0);
    assert_int_equal(migrate_store(s.conn, MIGRATE_SCHOOL, NULL, NULL, &err),
                     MIGRATE_TOO_NEW);
    store_close(&s);
    struct school_pool *pool = pool_new(&backend, 4, true);
    struct store *st;
    assert_int_equal(pool_acquire(pool, "future", &st, &err), POOL_TOO_NEW);
    assert_int_equal(pool_open_count(pool), 0);
    pool_free(&pool);
}

static void test_pool_stays_bounded_and_evicts_least_recent(void **state)
{
    (void)state;
    make_store("a1");
    make_store("b2");
    make_store("c3");
    struct school_pool *pool = pool_new(&backend, 2, false);
    const char *err = NULL;
    struct store *a, *b, *c;
    assert_int_equal(pool_acquire(pool, "a1", &a, &err), POOL_OK);
    pool_release(pool, a);
    assert_int_equal(pool_acquire(pool, "b2", &b, &err), POOL_OK);
    pool_release(pool, b);
    /* a1 is the least recently used: opening c3 closes it */
    assert_int_equal(pool_acquire(pool, "c3", &c, &err), POOL_OK);
    assert_int_equal(pool_open_count(pool), 2);
    /* a store in use is never closed, even past the bound */
    struct store *a2;
    assert_int_equal(pool_acquire(pool, "b2", &b, &err), POOL_OK);
    assert_int_equal(pool_acquire(pool, "a1", &a2, &err), POOL_OK);
    assert_int_equal(pool_open_count(pool), 3);
    int64_t v = 0;
    assert_int_equal(db_query_int(c->conn, &err, &v,
                                  "SELECT max(version) FROM schema_migrations",
                                  ""),
                     0);
    assert_int_equal(v, migrate_latest(MIGRATE_SCHOOL));
    pool_release(pool, c);
    pool_release(pool, b);
    pool_release(pool, a2);
    assert_true(pool_open_count(pool) <= 2);
    assert_int_equal(pool_acquire(pool, "missing", &a, &err), POOL_MISSING);
    pool_free(&pool);
}

static void test_values_bind_as_values_not_sql(void **state)
{
    (void)state;
    make_store("bind");
    char path[512];
    store_path("bind", path, sizeof path);
    struct store s;
    const char *err = NULL;
    assert_int_equal(store_open(&s, "bind", path, false, &err), 0);
    const char *evil = "x'); DROP TABLE users; --";
    struct db_value v[2] = {{'t', "k", 0}, {'t', evil, 0}};
    struct db_stmt *st = db_query_values(
        s.conn, &err, "INSERT INTO tenant_settings (key, value) VALUES (?, ?)", 2, v);
    assert_non_null(st);
    assert_int_equal(db_step(st, &err), DB_DONE);
    db_finish(&st);
    st = db_query(s.conn, &err, "SELECT value FROM tenant_settings WHERE key = ?",
                  "t", "k");
    assert_int_equal(db_step(st, &err), DB_ROW);
    assert_string_equal(db_text(st, 0), evil);
    db_finish(&st);
    int64_t n = -1;
    assert_int_equal(db_query_int(s.conn, &err, &n,
                                  "SELECT count(*) FROM users", ""),
                     0);
    assert_int_equal(n, 0);
    assert_int_equal(db_run(s.conn, &err,
                            "INSERT INTO tenant_settings (key, value) VALUES (?, ?)",
                            "tt", "k", "dup"),
                     DB_CONSTRAINT);
    store_close(&s);
}

static void same_names(const struct embedded_file *a,
                       const struct embedded_file *b)
{
    int i = 0;
    for (; a[i].name && b[i].name; i++)
        assert_string_equal(a[i].name, b[i].name);
    assert_null(a[i].name);
    assert_null(b[i].name);
}

static void test_postgres_migrations_mirror_sqlite_versions(void **state)
{
    (void)state;
    same_names(embedded_master_migrations, embedded_pg_master_migrations);
    same_names(embedded_school_migrations, embedded_pg_school_migrations);
}

/* A school store left at version 1 by an older binary. */
static void make_old_store(const char *code)
{
    char path[512];
    store_path(code, path, sizeof path);
    struct store s;
    const char *err = NULL;
    int64_t v;
    assert_int_equal(store_open(&s, code, path, true, &err), 0);
    assert_int_equal(migrate_current(s.conn, &v, &err), 0);
    assert_string_equal(embedded_school_migrations[0].name, "001_school.sql");
    assert_int_equal(db_exec(s.conn,
                             (const char *)embedded_school_migrations[0].data,
                             &err),
                     0);
    assert_int_equal(db_run(s.conn, &err,
                            "INSERT INTO schema_migrations VALUES (1, "
                            "'001_school.sql', '2026-01-01T00:00:00Z')",
                            ""),
                     0);
    store_close(&s);
    assert_true(migrate_latest(MIGRATE_SCHOOL) > 1);
}

struct opener {
    struct school_pool *pool;
    const char *code;
    struct store *store;
    int rc;
    int done; /* read with __atomic */
};

static void *open_in_thread(void *arg)
{
    struct opener *o = arg;
    const char *err = NULL;
    o->rc = pool_acquire(o->pool, o->code, &o->store, &err);
    __atomic_store_n(&o->done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void test_slow_opening_school_holds_up_no_other_school(void **state)
{
    (void)state;
    make_old_store("lenta");
    make_store("rapida");
    struct school_pool *pool = pool_new(&backend, 8, true);
    const char *err = NULL;
    struct store *fast;
    assert_int_equal(pool_acquire(pool, "rapida", &fast, &err), POOL_OK);
    pool_release(pool, fast);

    /* Another connection writes to lenta: migrating it at open must wait
     * (up to the 5 s busy timeout) for that write to end. */
    char path[512];
    store_path("lenta", path, sizeof path);
    struct store writer;
    assert_int_equal(store_open(&writer, "writer", path, false, &err), 0);
    assert_int_equal(db_begin(writer.conn, DB_TX_WRITE, &err), 0);

    struct opener slow[2] = {{pool, "lenta", NULL, -99, 0},
                             {pool, "lenta", NULL, -99, 0}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(
            pthread_create(&th[i], NULL, open_in_thread, &slow[i]), 0);
    usleep(300 * 1000);
    assert_int_equal(__atomic_load_n(&slow[0].done, __ATOMIC_SEQ_CST), 0);

    /* the open school answers at once while lenta's opening waits */
    double t0 = time_mono_ms();
    assert_int_equal(pool_acquire(pool, "rapida", &fast, &err), POOL_OK);
    double waited = time_mono_ms() - t0;
    pool_release(pool, fast);
    assert_true(waited < 1000.0);
    assert_int_equal(__atomic_load_n(&slow[0].done, __ATOMIC_SEQ_CST), 0);
    assert_int_equal(__atomic_load_n(&slow[1].done, __ATOMIC_SEQ_CST), 0);

    db_rollback(writer.conn);
    store_close(&writer);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    /* both requests got the one store, opened and migrated once */
    assert_int_equal(slow[0].rc, POOL_OK);
    assert_int_equal(slow[1].rc, POOL_OK);
    assert_ptr_equal(slow[0].store, slow[1].store);
    assert_int_equal(pool_open_count(pool), 2);
    int64_t v = 0;
    assert_int_equal(db_query_int(slow[0].store->conn, &err, &v,
                                  "SELECT max(version) FROM schema_migrations",
                                  ""),
                     0);
    assert_int_equal(v, migrate_latest(MIGRATE_SCHOOL));
    pool_release(pool, slow[0].store);
    pool_release(pool, slow[1].store);
    pool_free(&pool);
}

static void test_failed_opening_is_not_kept_and_is_retried(void **state)
{
    (void)state;
    struct school_pool *pool = pool_new(&backend, 8, true);
    const char *err = NULL;
    struct store *st;
    assert_int_equal(pool_acquire(pool, "luego", &st, &err), POOL_MISSING);
    assert_int_equal(pool_open_count(pool), 0);
    make_store("luego");
    assert_int_equal(pool_acquire(pool, "luego", &st, &err), POOL_OK);
    assert_int_equal(pool_open_count(pool), 1);
    pool_release(pool, st);
    pool_free(&pool);
}

static int no_files(void *arg, const char *path, char **text_r)
{
    (void)arg;
    (void)path;
    *text_r = NULL;
    return -1;
}

static void test_dialect_names_render_and_unknown_names_fail(void **state)
{
    (void)state;
    char err[256], *sql = NULL;
    assert_int_equal(dialect_render(DIALECT_POSTGRES, "x.sql",
                                    "{{let roles = 'a'}}\n"
                                    "CREATE TABLE t (id {{id_pk}}, "
                                    "r TEXT CHECK (r IN ({{roles}})));\n",
                                    no_files, NULL, &sql, err, sizeof err),
                     0);
    assert_string_equal(sql, "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT "
                             "AS IDENTITY PRIMARY KEY, r TEXT CHECK (r IN "
                             "('a')));\n");
    free(sql);
    for (int d = 0; d < DIALECT_COUNT; d++) {
        assert_int_equal(dialect_render((enum dialect)d, "y.sql",
                                        "-- ok\nCREATE TABLE t (n {{ints}});",
                                        no_files, NULL, &sql, err,
                                        sizeof err),
                         -1);
        assert_null(sql);
        assert_non_null(strstr(err, "y.sql:2"));
        assert_non_null(strstr(err, "{{ints}}"));
    }
    assert_int_equal(dialect_render(DIALECT_SQLITE, "z.sql",
                                    "{{include shared/none.sql}}", no_files,
                                    NULL, &sql, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "shared/none.sql"));
    /* {{only D: SQL}}: the statement for D, nothing (not even its line)
     * for the others; a directive without its dialect is an error */
    const char *only = "A;\n{{only postgres: CREATE INDEX i ON t (c);}}\nB;\n";
    assert_int_equal(dialect_render(DIALECT_POSTGRES, "o.sql", only, no_files,
                                    NULL, &sql, err, sizeof err),
                     0);
    assert_string_equal(sql, "A;\nCREATE INDEX i ON t (c);\nB;\n");
    free(sql);
    assert_int_equal(dialect_render(DIALECT_SQLITE, "o.sql", only, no_files,
                                    NULL, &sql, err, sizeof err),
                     0);
    assert_string_equal(sql, "A;\nB;\n");
    free(sql);
    assert_int_equal(dialect_render(DIALECT_SQLITE, "p.sql",
                                    "{{only CREATE INDEX i ON t (c);}}",
                                    no_files, NULL, &sql, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "only without"));
    /* what the binary applies holds no name left unrendered */
    const struct embedded_file *series[] = {
        embedded_master_migrations, embedded_school_migrations,
        embedded_pg_master_migrations, embedded_pg_school_migrations};
    for (int i = 0; i < 4; i++)
        for (const struct embedded_file *f = series[i]; f->name; f++)
            assert_null(strstr((const char *)f->data, "{{"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrations_reach_latest_once),
        cmocka_unit_test(test_store_newer_than_binary_is_refused),
        cmocka_unit_test(test_pool_stays_bounded_and_evicts_least_recent),
        cmocka_unit_test(test_values_bind_as_values_not_sql),
        cmocka_unit_test(test_postgres_migrations_mirror_sqlite_versions),
        cmocka_unit_test(test_slow_opening_school_holds_up_no_other_school),
        cmocka_unit_test(test_failed_opening_is_not_kept_and_is_retried),
        cmocka_unit_test(test_dialect_names_render_and_unknown_names_fail),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
