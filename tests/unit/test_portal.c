/*
 * The SQL-free helpers of the portal views and covers (src/school/portal.h):
 * the weekday of a date, a lesson's time of day from its section's bell
 * schedule, and whether two lessons overlap by the clock (two bell
 * schedules: Media General's 40-minute periods and Primaria's 45), or by
 * period numbers when a section has no schedule. The cover check that
 * never proposes a busy teacher stands on portal_lessons_overlap().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "school/portal.h"

static void test_weekday_of_dates(void **state)
{
    (void)state;
    assert_int_equal(portal_weekday("2026-12-07"), 1); /* a lunes */
    assert_int_equal(portal_weekday("2026-12-13"), 7);
    assert_int_equal(portal_weekday("1970-01-01"), 4);
    assert_int_equal(portal_weekday("2024-02-29"), 4);
    assert_int_equal(portal_weekday("1969-12-29"), 1); /* before the epoch */
    assert_int_equal(portal_weekday("2026-02-30"), 0);
    assert_int_equal(portal_weekday("ayer"), 0);
    assert_int_equal(portal_weekday(NULL), 0);
}

static struct bell_period row(int number, const char *a, const char *z)
{
    struct bell_period p = {.number = number, .is_break = number == 0};
    strcpy(p.starts_at, a);
    strcpy(p.ends_at, z);
    return p;
}

static struct bell_period media_rows[7], primaria_rows[4];
static struct bell_schedule schedules[2];
static struct school_timetable tt;

static void timetable(void)
{
    media_rows[0] = row(1, "07:00", "07:40");
    media_rows[1] = row(2, "07:40", "08:20");
    media_rows[2] = row(3, "08:20", "09:00");
    media_rows[3] = row(4, "09:00", "09:40");
    media_rows[4] = row(0, "09:40", "10:00");
    media_rows[5] = row(5, "10:00", "10:40");
    media_rows[6] = row(6, "10:40", "11:20");
    primaria_rows[0] = row(1, "07:00", "07:45");
    primaria_rows[1] = row(2, "07:45", "08:30");
    primaria_rows[2] = row(0, "08:30", "08:50");
    primaria_rows[3] = row(3, "08:50", "09:35");
    schedules[0] = (struct bell_schedule){.id = 1, .rows = media_rows, .nrows = 7, .nclass = 6};
    schedules[1] = (struct bell_schedule){.id = 2, .rows = primaria_rows, .nrows = 4, .nclass = 3};
    tt = (struct school_timetable){.schedules = schedules, .nschedules = 2};
}

static struct school_lesson lesson(int64_t schedule, int day, int period, int length)
{
    return (struct school_lesson){.id = period * 10 + day, .schedule_id = schedule,
                                  .day = day, .period = period, .length = length};
}

static void test_a_lesson_has_the_times_of_its_bell_schedule(void **state)
{
    (void)state;
    timetable();
    int a = 0, z = 0;
    struct school_lesson block = lesson(1, 1, 5, 2);
    assert_true(portal_lesson_span(&tt, &block, &a, &z));
    assert_int_equal(a, 10 * 60);
    assert_int_equal(z, 11 * 60 + 20);
    /* the class period after a break is numbered past it */
    struct school_lesson p3 = lesson(2, 1, 3, 1);
    assert_true(portal_lesson_span(&tt, &p3, &a, &z));
    assert_int_equal(a, 8 * 60 + 50);
    /* past the day's end, or no schedule: no times */
    struct school_lesson late = lesson(1, 1, 6, 2);
    assert_false(portal_lesson_span(&tt, &late, &a, &z));
    struct school_lesson none = lesson(0, 1, 1, 1);
    assert_false(portal_lesson_span(&tt, &none, &a, &z));
}

static void test_lessons_overlap_by_the_clock_across_bell_schedules(void **state)
{
    (void)state;
    timetable();
    struct school_lesson media2 = lesson(1, 1, 2, 1);  /* 07:40-08:20 */
    struct school_lesson prim1 = lesson(2, 1, 1, 1);   /* 07:00-07:45 */
    struct school_lesson prim2 = lesson(2, 1, 2, 1);   /* 07:45-08:30 */
    struct school_lesson media3 = lesson(1, 1, 3, 1);  /* 08:20-09:00 */
    struct school_lesson media1 = lesson(1, 1, 1, 1);  /* 07:00-07:40 */
    assert_true(portal_lessons_overlap(&tt, &media2, &prim1));
    assert_true(portal_lessons_overlap(&tt, &media2, &prim2));
    assert_true(portal_lessons_overlap(&tt, &prim2, &media3)); /* 08:20-08:30 */
    assert_false(portal_lessons_overlap(&tt, &media1, &prim2)); /* before it */
    assert_false(portal_lessons_overlap(&tt, &media3, &prim1));
    /* another day never overlaps */
    struct school_lesson tuesday = lesson(2, 2, 1, 1);
    assert_false(portal_lessons_overlap(&tt, &media1, &tuesday));
    /* without a schedule: by period numbers */
    struct school_lesson a = lesson(0, 3, 1, 2), b = lesson(0, 3, 2, 1), c = lesson(0, 3, 3, 1);
    assert_true(portal_lessons_overlap(&tt, &a, &b));
    assert_false(portal_lessons_overlap(&tt, &a, &c));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weekday_of_dates),
        cmocka_unit_test(test_a_lesson_has_the_times_of_its_bell_schedule),
        cmocka_unit_test(test_lessons_overlap_by_the_clock_across_bell_schedules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
