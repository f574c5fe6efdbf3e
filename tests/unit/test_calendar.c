/*
 * The school year's calendar (src/school/calendar.c and calendar_edit.c):
 * the date maths (day numbers both ways, weekdays, Easter of many years
 * against a table of known dates, Venezuela's national holidays of a
 * year), then on a migrated SQLite school store the holidays a new year
 * gets, its count of school days, a break added over a range and removed,
 * the holidays re-added, and the demo's breaks, which never replace a
 * holiday. The expected counts were worked out apart from this code (a
 * short Python script over datetime and dateutil.easter) and are written
 * here as numbers.
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
#include "school/calendar.h"
#include "school/records.h"

static char dir[256];
static int serial;
static const struct actor cli = {0, "prueba@cli", "school_admin", "", ""};

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/bis-calendar-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- date maths ---- */

static void test_day_numbers_round_trip_and_refuse_dates_that_do_not_exist(void **st)
{
    (void)st;
    int64_t d = -1;
    assert_true(calendar_day_number("1970-01-01", &d));
    assert_int_equal(d, 0);
    assert_true(calendar_day_number("2000-03-01", &d));
    assert_int_equal(d, 11017);
    /* every day of 1900..2999 comes back as itself, one after another */
    int64_t first, last;
    assert_true(calendar_day_number("1900-01-01", &first));
    assert_true(calendar_day_number("2999-12-31", &last));
    assert_int_equal(last - first + 1, 401767);
    for (int64_t k = first; k <= last; k++) {
        char s[11];
        calendar_date_of(k, s);
        int64_t back = 0;
        assert_true(calendar_day_number(s, &back));
        assert_int_equal(back, k);
    }
    static const char *const bad[] = {"2026-02-29", "2025-13-01", "2025-00-10", "2025-04-31",
                                      "2025-1-01",  "25-01-01",   "2025-01-01x", "",
                                      "2025/01/01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(calendar_day_number(bad[i], &d));
    assert_false(calendar_day_number(NULL, &d));
    assert_true(calendar_day_number("2024-02-29", &d));
}

static void test_weekdays(void **st)
{
    (void)st;
    static const struct {
        const char *date;
        int weekday;
    } cases[] = {{"1970-01-01", 4}, {"2000-02-29", 2}, {"2026-12-07", 1},
                 {"2026-12-13", 7}, {"2026-02-16", 1}, {"2026-04-03", 5},
                 {"1900-01-01", 1}, {"2999-12-31", 2}, {"1969-12-31", 3}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t d;
        assert_true(calendar_day_number(cases[i].date, &d));
        assert_int_equal(calendar_weekday(d), cases[i].weekday);
    }
}

static void test_easter_of_many_years_matches_the_table(void **st)
{
    (void)st;
    /* Gregorian Easter Sundays, including the earliest (22 March) and the
       latest (25 April) possible dates */
    static const char *const table[] = {
        "1583-04-10", "1818-03-22", "1900-04-15", "1943-04-25", "1954-04-18", "1961-04-02",
        "1981-04-19", "1999-04-04", "2000-04-23", "2001-04-15", "2002-03-31", "2003-04-20",
        "2004-04-11", "2005-03-27", "2006-04-16", "2007-04-08", "2008-03-23", "2009-04-12",
        "2010-04-04", "2011-04-24", "2012-04-08", "2013-03-31", "2014-04-20", "2015-04-05",
        "2016-03-27", "2017-04-16", "2018-04-01", "2019-04-21", "2020-04-12", "2021-04-04",
        "2022-04-17", "2023-04-09", "2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28",
        "2028-04-16", "2029-04-01", "2030-04-21", "2031-04-13", "2032-03-28", "2033-04-17",
        "2034-04-09", "2035-03-25", "2036-04-13", "2037-04-05", "2038-04-25", "2039-04-10",
        "2040-04-01", "2049-04-18", "2100-03-28", "2285-03-22", "2400-04-16",
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        char got[11];
        calendar_date_of(calendar_easter(atoi(table[i])), got);
        assert_string_equal(got, table[i]);
        int64_t d = calendar_easter(atoi(table[i]));
        assert_int_equal(calendar_weekday(d), 7);
    }
}

static void test_national_holidays_of_2026_in_date_order(void **st)
{
    (void)st;
    static const char *const want[] = {
        "2026-01-01", "2026-02-16", "2026-02-17", "2026-04-02", "2026-04-03",
        "2026-04-19", "2026-05-01", "2026-06-24", "2026-07-05", "2026-07-24",
        "2026-10-12", "2026-12-24", "2026-12-25", "2026-12-31",
    };
    struct calendar_holiday h[CALENDAR_HOLIDAYS_MAX];
    int n = calendar_national_holidays(2026, h);
    assert_int_equal(n, (int)(sizeof want / sizeof want[0]));
    for (int i = 0; i < n; i++) {
        assert_string_equal(h[i].date, want[i]);
        assert_non_null(h[i].name);
        assert_true(h[i].name[0] != '\0');
    }
    /* Carnaval is the Monday and Tuesday before Ash Wednesday; Holy
       Thursday and Good Friday precede Easter */
    assert_non_null(strstr(h[1].name, "Carnaval"));
    assert_non_null(strstr(h[2].name, "Carnaval"));
    assert_non_null(strstr(h[3].name, "Jueves Santo"));
    assert_non_null(strstr(h[4].name, "Viernes Santo"));
    /* 2027: Easter on 28 March, so Carnaval on 8-9 February */
    n = calendar_national_holidays(2027, h);
    assert_string_equal(h[1].date, "2027-02-08");
    assert_string_equal(h[2].date, "2027-02-09");
    assert_string_equal(h[3].date, "2027-03-25");
    assert_string_equal(h[4].date, "2027-03-26");
}

/* ---- a year in a store ---- */

static void open_store(struct store *s)
{
    char path[300];
    snprintf(path, sizeof path, "%s/s%d.sqlite", dir, ++serial);
    const char *err = NULL;
    assert_int_equal(store_open(s, "prueba", path, true, &err), 0);
    assert_int_equal(migrate_store(s->conn, MIGRATE_SCHOOL, NULL, NULL, &err), 0);
}

/* The current year opened for 2026-12-07: 2026-09-01 to 2027-07-31. */
static int64_t open_year(struct store *s)
{
    const char *err = NULL;
    int64_t id = 0;
    assert_int_equal(store_begin(s, &err), 0);
    assert_int_equal(school_year_ensure_current(s, &cli, "2026-12-07", &id, NULL, &err), 0);
    assert_int_equal(store_end(s, true, &err), 0);
    return id;
}

static int school_days(struct store *s, int64_t year)
{
    const char *err = NULL;
    json_t *cal = NULL;
    assert_int_equal(calendar_json(s, year, &cal, &err), REC_OK);
    int n = (int)json_integer_value(json_object_get(cal, "school_days"));
    /* the months add up to the year */
    int sum = 0;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(cal, "months"), i, m)
        sum += (int)json_integer_value(json_object_get(m, "school_days"));
    assert_int_equal(sum, n);
    json_decref(cal);
    return n;
}

static int64_t count(struct store *s, const char *sql)
{
    int64_t n = -1;
    const char *err = NULL;
    store_lock(s);
    assert_int_equal(db_query_int(s->conn, &err, &n, sql, ""), 0);
    store_unlock(s);
    return n;
}

static void test_a_new_year_gets_its_holidays_and_its_school_days(void **st)
{
    (void)st;
    struct store s;
    open_store(&s);
    int64_t year = open_year(&s);
    /* 14 national holidays fall in 2026-09-01..2027-07-31 (two on a
       weekend), each with its audit row */
    assert_int_equal(count(&s, "SELECT COUNT(*) FROM calendar_days WHERE kind = 'feriado'"), 14);
    assert_int_equal(count(&s, "SELECT COUNT(*) FROM audit_log WHERE entity = 'calendar_day'"
                               " AND action = 'create'"),
                     14);
    /* 239 weekdays, 12 of them holidays */
    assert_int_equal(school_days(&s, year), 227);
    assert_int_equal(school_days(&s, 0), 227);
    const char *err = NULL;
    json_t *cal = NULL;
    assert_int_equal(calendar_json(&s, year, &cal, &err), REC_OK);
    assert_int_equal(json_integer_value(json_object_get(cal, "weekdays")), 239);
    assert_int_equal(json_integer_value(json_object_get(cal, "required")), 200);
    json_t *months = json_object_get(cal, "months");
    assert_int_equal(json_array_size(months), 11);
    assert_string_equal(json_string_value(json_object_get(json_array_get(months, 5), "month")),
                        "2027-02");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(months, 5), "school_days")),
                     18);
    json_decref(cal);
    assert_int_equal(calendar_json(&s, 999, &cal, &err), REC_NOT_FOUND);
    store_close(&s);
}

static void test_a_break_is_added_over_weekdays_then_a_day_removed(void **st)
{
    (void)st;
    struct store s;
    open_store(&s);
    int64_t year = open_year(&s);
    const char *err = NULL;
    struct rec_errors errs = {0};
    int added = 0;
    /* Carnaval week: Monday 8 to Sunday 14 February 2027; the holidays on
       Monday and Tuesday become part of the break */
    assert_int_equal(calendar_add_days(&s, &cli, year, "2027-02-08", "2027-02-14", "vacaciones",
                                       "Semana de Carnaval", &errs, &added, &err),
                     REC_OK);
    assert_int_equal(added, 5);
    assert_int_equal(count(&s, "SELECT COUNT(*) FROM calendar_days WHERE date >= '2027-02-08'"
                               " AND date <= '2027-02-14'"),
                     5);
    assert_int_equal(school_days(&s, year), 224);
    /* the same again writes nothing */
    assert_int_equal(calendar_add_days(&s, &cli, 0, "2027-02-08", "2027-02-14", "vacaciones",
                                       "Semana de Carnaval", &errs, &added, &err),
                     REC_OK);
    assert_int_equal(added, 0);
    /* bad input: every finding, nothing written */
    struct rec_errors bad = {0};
    assert_int_equal(calendar_add_days(&s, &cli, year, "2027-08-02", "2027-08-01", "fiesta", "",
                                       &bad, &added, &err),
                     REC_INVALID);
    assert_int_equal(bad.n, 4); /* to before from, kind, name, outside the year */
    /* removing Wednesday makes it a school day again */
    int64_t id = 0;
    store_lock(&s);
    assert_int_equal(db_query_int(s.conn, &err, &id,
                                  "SELECT id FROM calendar_days WHERE date = '2027-02-10'", ""),
                     0);
    store_unlock(&s);
    int64_t of = 0;
    assert_int_equal(calendar_remove_day(&s, &cli, id, &of, &err), REC_OK);
    assert_int_equal(of, year);
    assert_int_equal(school_days(&s, year), 225);
    assert_int_equal(calendar_remove_day(&s, &cli, id, &of, &err), REC_NOT_FOUND);
    /* a removed holiday comes back with the national holidays */
    assert_int_equal(count(&s, "SELECT COUNT(*) FROM calendar_days WHERE date = '2026-10-12'"), 1);
    store_lock(&s);
    assert_int_equal(db_query_int(s.conn, &err, &id,
                                  "SELECT id FROM calendar_days WHERE date = '2026-10-12'", ""),
                     0);
    store_unlock(&s);
    assert_int_equal(calendar_remove_day(&s, &cli, id, NULL, &err), REC_OK);
    assert_int_equal(school_days(&s, year), 226);
    int64_t back = 0;
    assert_int_equal(calendar_holidays_restore(&s, &cli, 0, &back, &added, &err), REC_OK);
    assert_int_equal(added, 1);
    assert_int_equal(back, year);
    assert_int_equal(school_days(&s, year), 225);
    store_close(&s);
}

static void test_the_demo_breaks_keep_the_holidays(void **st)
{
    (void)st;
    struct store s;
    open_store(&s);
    int64_t year = open_year(&s);
    const char *err = NULL;
    /* Christmas 2026-12-19..2027-01-06 (10 weekdays beside its 4
       holidays) and Holy Monday to Wednesday 2027 (22-24 March) */
    assert_int_equal(calendar_demo_breaks(&s, &cli, 0, &err), 12);
    assert_int_equal(school_days(&s, year), 215);
    assert_int_equal(count(&s, "SELECT COUNT(*) FROM calendar_days WHERE kind = 'feriado'"), 14);
    assert_int_equal(count(&s, "SELECT COUNT(*) FROM calendar_days WHERE kind = 'vacaciones'"
                               " AND date IN ('2027-03-22', '2027-03-24', '2026-12-21',"
                               " '2027-01-06')"),
                     4);
    /* run again: nothing more */
    assert_int_equal(calendar_demo_breaks(&s, &cli, year, &err), 0);
    store_close(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_day_numbers_round_trip_and_refuse_dates_that_do_not_exist),
        cmocka_unit_test(test_weekdays),
        cmocka_unit_test(test_easter_of_many_years_matches_the_table),
        cmocka_unit_test(test_national_holidays_of_2026_in_date_order),
        cmocka_unit_test(test_a_new_year_gets_its_holidays_and_its_school_days),
        cmocka_unit_test(test_a_break_is_added_over_weekdays_then_a_day_removed),
        cmocka_unit_test(test_the_demo_breaks_keep_the_holidays),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
