/*
 * Reading a school timetable (src/school/timetables.c) on a migrated
 * SQLite school store: the lessons come with the names of their section,
 * subject, teacher and room, sorted by grade, section, day and period with
 * unplaced lessons last; the section's bell schedule comes with its day
 * (class periods numbered, breaks not); an unknown id is "not found"; the
 * active timetable is found; the JSON carries nulls where nothing is set.
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
#include "school/timetables.h"

static char dir[256];
static struct store store;

static void sql(const char *q)
{
    const char *err = NULL;
    if (db_exec(store.conn, q, &err) != 0)
        fail_msg("%s: %s", q, err ? err : "?");
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/bis-timetables-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    char path[300];
    snprintf(path, sizeof path, "%s/s.sqlite", dir);
    const char *err = NULL;
    if (store_open(&store, "prueba", path, true, &err) != 0 ||
        migrate_store(store.conn, MIGRATE_SCHOOL, NULL, NULL, &err) != 0)
        return -1;
    sql(
        "INSERT INTO school_years (id, name, starts_on, ends_on, is_current,"
        " created_at) VALUES (1, '2026-2027', '2026-09-15', '2027-07-15', 1, '2026-09-01T00:00:00Z');"
        "INSERT INTO grades (id, level, number, name) VALUES"
        " (1, 'media_general', 2, '2do Año'), (2, 'media_general', 1, '1er Año');"
        "INSERT INTO bell_schedules (id, name, days, created_at, updated_at)"
        " VALUES (7, 'Media General', 31, '2026-09-01T00:00:00Z', '2026-09-01T00:00:00Z');"
        "INSERT INTO bell_periods (schedule_id, position, kind, starts_at,"
        " ends_at) VALUES (7, 1, 'class', '07:00', '07:40'),"
        " (7, 2, 'class', '07:40', '08:20'), (7, 3, 'break', '08:20', '08:40'),"
        " (7, 4, 'class', '08:40', '09:20');"
        "INSERT INTO rooms (id, name, created_at, updated_at) VALUES"
        " (3, 'Laboratorio 1', '2026-09-01T00:00:00Z', '2026-09-01T00:00:00Z');"
        "INSERT INTO sections (id, year_id, grade_id, letter, created_at,"
        " bell_schedule_id, code) VALUES (10, 1, 1, 'A', '2026-09-01T00:00:00Z', 7, NULL),"
        " (11, 1, 2, 'B', '2026-09-01T00:00:00Z', 7, 'C1');"
        "INSERT INTO subjects (id, name, code, level, created_at, updated_at)"
        " VALUES (5, 'Castellano', 'CAS', 'media_general', '2026-09-01T00:00:00Z', '2026-09-01T00:00:00Z');"
        "INSERT INTO staff (id, cedula, first_names, last_names, created_at,"
        " updated_at, code) VALUES (9, 'V1', 'Ana', 'Pérez', '2026-09-01T00:00:00Z', '2026-09-01T00:00:00Z', 'T01');"
        "INSERT INTO timetables (id, name, status, created_at, updated_at)"
        " VALUES (1, 'Borrador', 'draft', '2026-09-01T00:00:00Z', '2026-09-01T00:00:00Z'),"
        " (2, 'Vigente', 'active', '2026-09-01T00:00:00Z', '2026-09-01T00:00:00Z');"
        "INSERT INTO timetable_lessons (id, timetable_id, section_id,"
        " subject_id, staff_id, room_id, day, period, length) VALUES"
        " (100, 1, 10, 5, 9, 3, 2, 1, 2), (101, 1, 10, 5, NULL, NULL, NULL,"
        " NULL, 1), (102, 1, 10, 5, 9, NULL, 1, 3, 1),"
        " (103, 1, 11, 5, 9, NULL, 5, 1, 2);");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(&store);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void lessons_sorted_with_names(void **state)
{
    (void)state;
    struct school_timetable *tt = NULL;
    const char *err = NULL;
    assert_int_equal(school_timetable_load(&store, 1, &tt, &err), 1);
    assert_string_equal(tt->name, "Borrador");
    assert_string_equal(tt->status, "draft");
    assert_false(tt->has_cost);
    assert_int_equal(tt->nlessons, 4);
    /* 1er Año B before 2do Año A, although its grade row came second. */
    assert_int_equal(tt->lessons[0].id, 103);
    assert_string_equal(tt->lessons[0].section_name, "1er Año B");
    assert_string_equal(tt->lessons[0].section_code, "C1");
    /* In 2do Año A: Monday, then Tuesday, then the unplaced lesson. */
    assert_int_equal(tt->lessons[1].id, 102);
    assert_int_equal(tt->lessons[2].id, 100);
    assert_int_equal(tt->lessons[3].id, 101);
    assert_int_equal(tt->lessons[3].day, 0);
    assert_null(tt->lessons[3].teacher_name);
    assert_null(tt->lessons[1].section_code);
    assert_string_equal(tt->lessons[2].teacher_name, "Ana Pérez");
    assert_string_equal(tt->lessons[2].teacher_code, "T01");
    assert_string_equal(tt->lessons[2].room_name, "Laboratorio 1");
    assert_string_equal(tt->lessons[2].subject_code, "CAS");
    assert_int_equal(tt->lessons[2].length, 2);

    /* One schedule, shared by both sections: 3 class periods, a break. */
    assert_int_equal(tt->nschedules, 1);
    const struct bell_schedule *b = school_timetable_schedule(tt, 7);
    assert_non_null(b);
    assert_int_equal(b->nrows, 4);
    assert_int_equal(b->nclass, 3);
    assert_true(b->rows[2].is_break);
    assert_int_equal(b->rows[3].number, 3);
    assert_string_equal(b->rows[3].starts_at, "08:40");
    assert_null(school_timetable_schedule(tt, 8));

    json_t *j = school_timetable_json(tt, true);
    json_t *l = json_array_get(json_object_get(j, "lessons"), 3);
    assert_true(json_is_null(json_object_get(l, "day")));
    assert_true(json_is_null(json_object_get(l, "staff_id")));
    assert_true(json_is_null(json_object_get(j, "cost")));
    json_t *bare = school_timetable_json(tt, false);
    assert_null(json_object_get(bare, "lessons"));
    json_decref(bare);
    json_decref(j);
    school_timetable_free(&tt);
    assert_null(tt);
}

static void unknown_and_active(void **state)
{
    (void)state;
    struct school_timetable *tt = NULL;
    const char *err = NULL;
    assert_int_equal(school_timetable_load(&store, 99, &tt, &err), 0);
    assert_null(tt);
    int64_t id = 0;
    assert_int_equal(school_timetable_active(&store, &id, &err), 1);
    assert_int_equal(id, 2);
    sql("UPDATE timetables SET status = 'archived' WHERE id = 2");
    assert_int_equal(school_timetable_active(&store, &id, &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lessons_sorted_with_names),
        cmocka_unit_test(unknown_and_active),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
