/*
 * The school year rules of src/school/years.c and the helpers of
 * records.c, on a migrated SQLite school store in a temporary directory:
 * which year school_year_ensure_current() opens for a given local date
 * (September to July; August counts with the year about to start), its
 * default lapsos, the checks of a year's name, dates and lapsos, and the
 * canonical grade and section names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/migrate.h"
#include "school/records.h"

static char dir[256];
static int serial;
static const struct actor cli = {0, "prueba@cli", "school_admin", "", ""};

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/bis-years-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A fresh migrated school store. */
static void open_store(struct store *s)
{
    char path[300];
    snprintf(path, sizeof path, "%s/s%d.sqlite", dir, ++serial);
    const char *err = NULL;
    assert_int_equal(store_open(s, "prueba", path, true, &err), 0);
    assert_int_equal(migrate_store(s->conn, MIGRATE_SCHOOL, NULL, NULL, &err),
                     0);
}

/* The current year's name after ensure_current(today). */
static void ensure(struct store *s, const char *today, char name[16],
                   bool *created_r)
{
    const char *err = NULL;
    int64_t id = 0;
    assert_int_equal(store_begin(s, &err), 0);
    assert_int_equal(
        school_year_ensure_current(s, &cli, today, &id, created_r, &err), 0);
    assert_int_equal(store_end(s, true, &err), 0);
    store_lock(s);
    json_t *y = school_year_json(s, id);
    store_unlock(s);
    assert_non_null(y);
    assert_true(json_is_true(json_object_get(y, "is_current")));
    snprintf(name, 16, "%s", json_string_value(json_object_get(y, "name")));
    json_decref(y);
}

static void test_ensure_current_opens_the_year_containing_the_date(void **st)
{
    (void)st;
    static const struct {
        const char *today, *name;
    } cases[] = {
        {"2026-12-07", "2026-2027"}, {"2027-03-01", "2026-2027"},
        {"2027-07-31", "2026-2027"}, {"2026-08-10", "2026-2027"},
        {"2026-09-01", "2026-2027"}, {"2026-01-01", "2025-2026"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct store s;
        open_store(&s);
        char name[16];
        bool created = false;
        ensure(&s, cases[i].today, name, &created);
        assert_string_equal(name, cases[i].name);
        assert_true(created);
        int64_t n = 0;
        const char *err = NULL;
        store_lock(&s);
        assert_int_equal(db_query_int(s.conn, &err, &n,
                                      "SELECT COUNT(*) FROM lapsos", ""),
                         0);
        assert_int_equal(n, 3);
        n = 0;
        assert_int_equal(
            db_query_int(s.conn, &err, &n,
                         "SELECT COUNT(*) FROM audit_log WHERE action ="
                         " 'create' AND entity = 'school_year'",
                         ""),
            0);
        assert_int_equal(n, 1);
        store_unlock(&s);
        /* a second call finds it and creates nothing */
        ensure(&s, "2030-01-01", name, &created);
        assert_string_equal(name, cases[i].name);
        assert_false(created);
        store_close(&s);
    }
}

static void test_default_lapsos_follow_the_calendar_or_split_the_year(
    void **st)
{
    (void)st;
    struct lapso_dates l[3];
    school_year_default_lapsos("2025-09-15", "2026-07-15", l);
    assert_string_equal(l[0].starts_on, "2025-09-15");
    assert_string_equal(l[0].ends_on, "2025-12-15");
    assert_string_equal(l[1].starts_on, "2026-01-07");
    assert_string_equal(l[1].ends_on, "2026-03-31");
    assert_string_equal(l[2].starts_on, "2026-04-01");
    assert_string_equal(l[2].ends_on, "2026-07-15");
    /* a short, unusual year: cut in three contiguous parts */
    school_year_default_lapsos("2026-01-10", "2026-06-30", l);
    assert_string_equal(l[0].starts_on, "2026-01-10");
    assert_string_equal(l[2].ends_on, "2026-06-30");
    assert_true(strcmp(l[0].ends_on, l[1].starts_on) < 0);
    assert_true(strcmp(l[1].ends_on, l[2].starts_on) < 0);
}

static int findings(struct year_input in, const char *field)
{
    struct rec_errors e = {0};
    school_year_check(&in, &e);
    for (int i = 0; i < e.n; i++)
        if (strcmp(e.e[i].field, field) == 0)
            return e.n;
    return e.n ? -e.n : 0;
}

static void test_year_checks(void **st)
{
    (void)st;
    struct year_input ok = {.name = "2025-2026",
                            .starts_on = "2025-09-15",
                            .ends_on = "2026-07-15"};
    assert_int_equal(findings(ok, "name"), 0);
    struct year_input y = ok;
    strcpy(y.name, "2025-2027");
    assert_int_equal(findings(y, "name"), 1);
    strcpy(y.name, "2025/2026");
    assert_int_equal(findings(y, "name"), 1);
    y = ok;
    strcpy(y.starts_on, "2024-09-15"); /* not in the name's first year */
    assert_int_equal(findings(y, "starts_on"), 1);
    y = ok;
    strcpy(y.ends_on, "2026-02-30");
    assert_int_equal(findings(y, "ends_on"), 1);
    y = ok;
    y.has_lapsos = true;
    struct lapso_dates good[3] = {{"2025-09-15", "2025-12-12"},
                                  {"2026-01-07", "2026-03-27"},
                                  {"2026-04-06", "2026-07-15"}};
    memcpy(y.lapsos, good, sizeof good);
    assert_int_equal(findings(y, "lapsos"), 0);
    strcpy(y.lapsos[1].starts_on, "2025-12-12"); /* touches the 1st */
    assert_int_equal(findings(y, "lapsos"), 1);
    memcpy(y.lapsos, good, sizeof good);
    strcpy(y.lapsos[2].ends_on, "2026-07-16"); /* past the year */
    assert_int_equal(findings(y, "lapsos"), 1);
    memcpy(y.lapsos, good, sizeof good);
    strcpy(y.lapsos[0].ends_on, "2025-09-01"); /* ends before it starts */
    assert_int_equal(findings(y, "lapsos"), 1);
}

static void test_grade_and_section_names(void **st)
{
    (void)st;
    char out[32];
    rec_grade_name("inicial", 1, out, sizeof out);
    assert_string_equal(out, "1er Grupo");
    rec_grade_name("primaria", 2, out, sizeof out);
    assert_string_equal(out, "2do Grado");
    rec_grade_name("media_general", 3, out, sizeof out);
    assert_string_equal(out, "3er Año");
    rec_grade_name("media_tecnica", 6, out, sizeof out);
    assert_string_equal(out, "6to Año");
    assert_int_equal(rec_level_max("media_general"), 5);
    assert_int_equal(rec_level_max("media_tecnica"), 6);
    assert_int_equal(rec_level_max("universidad"), 0);
    assert_null(school_section_letter("b", out, sizeof out));
    assert_string_equal(out, "B");
    assert_null(school_section_letter("UNICA", out, sizeof out));
    assert_string_equal(out, "Única");
    assert_null(school_section_letter("\xc3\x9aNICA", out, sizeof out));
    assert_string_equal(out, "Única");
    assert_non_null(school_section_letter("AB", out, sizeof out));
    assert_non_null(school_section_letter("1", out, sizeof out));
    assert_non_null(school_section_letter("", out, sizeof out));
}

/* What the import uses to place a row: the grade and the section of the
 * current year, created once, found after. */
static void test_grade_and_section_ensure_create_once(void **st)
{
    (void)st;
    struct store s;
    open_store(&s);
    const char *err = NULL;
    int64_t year = 0, grade = 0, grade2 = 0, a = 0, a2 = 0, u = 0;
    bool created = false;
    assert_int_equal(store_begin(&s, &err), 0);
    assert_int_equal(school_year_ensure_current(&s, &cli, "2026-12-07",
                                                &year, NULL, &err),
                     0);
    assert_int_equal(school_grade_ensure(&s, &cli, "media_general", 1,
                                         &grade, &created, &err),
                     0);
    assert_true(created);
    assert_int_equal(school_grade_ensure(&s, &cli, "media_general", 1,
                                         &grade2, &created, &err),
                     0);
    assert_false(created);
    assert_int_equal(grade, grade2);
    assert_int_equal(school_grade_ensure(&s, &cli, "media_general", 6,
                                         &grade2, &created, &err),
                     -1);
    assert_int_equal(school_section_ensure(&s, &cli, year, grade, "a", &a,
                                           &created, &err),
                     0);
    assert_true(created);
    assert_int_equal(school_section_ensure(&s, &cli, year, grade, "A", &a2,
                                           &created, &err),
                     0);
    assert_false(created);
    assert_int_equal(a, a2);
    assert_int_equal(school_section_ensure(&s, &cli, year, grade, "única",
                                           &u, &created, &err),
                     0);
    assert_true(created && u != a);
    assert_int_equal(school_section_ensure(&s, &cli, year, grade, "AB", &u,
                                           &created, &err),
                     -1);
    assert_int_equal(store_end(&s, true, &err), 0);
    store_lock(&s);
    json_t *j = school_section_json(&s, a);
    store_unlock(&s);
    assert_string_equal(json_string_value(json_object_get(j, "name")),
                        "1er Año A");
    json_decref(j);
    store_close(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ensure_current_opens_the_year_containing_the_date),
        cmocka_unit_test(test_default_lapsos_follow_the_calendar_or_split_the_year),
        cmocka_unit_test(test_year_checks),
        cmocka_unit_test(test_grade_and_section_names),
        cmocka_unit_test(test_grade_and_section_ensure_create_once),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
