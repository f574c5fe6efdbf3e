/*
 * The school's set-up as an engine instance (src/school/tt_build.c) on a
 * migrated SQLite school store: two bell schedules (a morning one with a
 * break and an afternoon one) laid on one grid by time of day, each
 * section kept to its own periods; a fresh build from the assignments
 * (the plan de estudio's split, "any qualified teacher" given to the least
 * loaded one, a laboratory subject needing a laboratory); a build from a
 * timetable's rows keeps each row's place and pins the locked one, and a
 * solution saved back places every row and leaves the locked one where it
 * was; day/period <-> grid slot round trip; pre-check messages.
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
#include "school/tt_build.h"

static char dir[256];
static struct store store;

static void sql(const char *q)
{
    const char *err = NULL;
    if (db_exec(store.conn, q, &err) != 0)
        fail_msg("%s: %s", q, err ? err : "?");
}

static int64_t one(const char *q)
{
    int64_t v = -1;
    const char *err = NULL;
    if (db_query_int(store.conn, &err, &v, q, "") < 0)
        fail_msg("%s: %s", q, err ? err : "?");
    return v;
}

#define T "'2026-09-01T00:00:00Z'"

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/bis-ttbuild-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    char path[300];
    snprintf(path, sizeof path, "%s/s.sqlite", dir);
    const char *err = NULL;
    if (store_open(&store, "prueba", path, true, &err) != 0 ||
        migrate_store(store.conn, MIGRATE_SCHOOL, NULL, NULL, &err) != 0)
        return -1;
    sql("INSERT INTO school_years (id, name, starts_on, ends_on, is_current, created_at)"
        " VALUES (1, '2026-2027', '2026-09-15', '2027-07-15', 1, " T ");"
        "INSERT INTO grades (id, level, number, name) VALUES (1, 'media_general', 1, '1er Año');"
        /* morning: 07:00-07:40, 07:40-08:20, break, 08:40-09:20; afternoon 13:00-13:40, 13:40-14:20 */
        "INSERT INTO bell_schedules (id, name, days, created_at, updated_at) VALUES"
        " (7, 'Mañana', 31, " T ", " T "), (8, 'Tarde', 15, " T ", " T ");"
        "INSERT INTO bell_periods (schedule_id, position, kind, starts_at, ends_at) VALUES"
        " (7, 1, 'class', '07:00', '07:40'), (7, 2, 'class', '07:40', '08:20'),"
        " (7, 3, 'break', '08:20', '08:40'), (7, 4, 'class', '08:40', '09:20'),"
        " (8, 1, 'class', '13:00', '13:40'), (8, 2, 'class', '13:40', '14:20');"
        "INSERT INTO rooms (id, name, kind, created_at, updated_at) VALUES"
        " (3, 'Aula 1', 'aula', " T ", " T "), (4, 'Laboratorio', 'laboratorio', " T ", " T ");"
        "INSERT INTO sections (id, year_id, grade_id, letter, created_at, bell_schedule_id, room_id)"
        " VALUES (10, 1, 1, 'A', " T ", 7, 3), (11, 1, 1, 'B', " T ", 8, NULL);"
        "INSERT INTO subjects (id, name, code, level, room_kind, created_at, updated_at) VALUES"
        " (5, 'Castellano', 'CAS', 'media_general', NULL, " T ", " T "),"
        " (6, 'Química', 'QUI', 'media_general', 'laboratorio', " T ", " T ");"
        "INSERT INTO staff (id, cedula, first_names, last_names, created_at, updated_at) VALUES"
        " (20, 'V1', 'Ana', 'Pérez', " T ", " T "), (21, 'V2', 'Luis', 'Gil', " T ", " T "),"
        " (22, 'V3', 'Eva', 'Mora', " T ", " T ");"
        "INSERT INTO staff_subjects (staff_id, subject_id) VALUES (21, 6), (22, 6);"
        "INSERT INTO study_plan (grade_id, subject_id, periods_per_week, blocks, created_at, updated_at)"
        " VALUES (1, 5, 4, '2+2', " T ", " T "), (1, 6, 2, '1+1', " T ", " T ");"
        /* Castellano by Ana in both; Química by whoever is qualified and least loaded */
        "INSERT INTO teaching_assignments (id, section_id, subject_id, staff_id, periods_per_week,"
        " blocks, created_at, updated_at) VALUES"
        " (1, 10, 5, 20, NULL, NULL, " T ", " T "), (2, 11, 5, 20, NULL, NULL, " T ", " T "),"
        " (3, 10, 6, 21, 3, '1+1+1', " T ", " T "), (4, 11, 6, NULL, NULL, NULL, " T ", " T ");");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(&store);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void fresh_build_lays_both_schedules_on_one_grid(void **state)
{
    (void)state;
    /* Ana avoids lunes 1st period and the whole viernes (hard), likes
     * martes (soft); a pending preference is ignored */
    sql("INSERT INTO teacher_preferences (staff_id, kind, day, period, level, status, created_at,"
        " updated_at) VALUES (20, 'time', 1, 1, 'avoid', 'approved', " T ", " T "),"
        " (20, 'day', 5, NULL, 'avoid', 'approved', " T ", " T "),"
        " (20, 'day', 2, NULL, 'like', 'approved', " T ", " T "),"
        " (20, 'day', 3, NULL, 'avoid', 'pending', " T ", " T ");");
    struct school_tt *b = NULL;
    char *err = NULL;
    store_lock(&store);
    int rc = school_tt_build(&store, 0, &b, &err);
    store_unlock(&store);
    assert_int_equal(rc, 1);
    assert_null(err);
    const struct tt_instance *inst = b->inst;
    /* 3 morning + 2 afternoon periods, lunes a viernes */
    assert_int_equal(inst->nperiods, 5);
    assert_int_equal(inst->ndays, 5);
    /* breaks: after 07:40-08:20 (a break row) and after 09:20 (a gap) */
    assert_true(inst->break_after & 2u);
    assert_true(inst->break_after & 4u);
    assert_false(inst->break_after & 1u);
    /* blocks: Castellano 2+2 twice, Química 1+1+1 (override) and 1+1 (plan) */
    assert_int_equal(inst->nblocks, 9);
    /* "any qualified teacher": Eva (0 periods) before Luis (3) */
    bool eva = false;
    for (int k = 0; k < inst->nblocks; k++)
        if (b->blocks[k].assignment_id == 4) {
            assert_int_equal(b->blocks[k].staff_id, 22);
            eva = true;
        }
    assert_true(eva);
    /* Química needs a laboratory; Castellano of 1er Año A its home room */
    for (int l = 0; l < inst->nlessons; l++) {
        const struct tt_lesson *les = &inst->lessons[l];
        if (!strcmp(inst->subjects[les->subject], "Química")) {
            assert_true(les->needs_room);
            assert_string_equal(les->room_type, "laboratorio");
        }
    }
    /* day/period <-> slot: the afternoon's period 1 is the grid's fourth */
    assert_int_equal(school_tt_slot(b, 8, 2, 1), 1 * 5 + 3);
    assert_int_equal(school_tt_slot(b, 7, 1, 3), 2);
    assert_int_equal(school_tt_slot(b, 7, 1, 4), -1);
    int day, period;
    int blk = -1;
    for (int k = 0; k < inst->nblocks && blk < 0; k++)
        if (b->blocks[k].section_id == 11)
            blk = k;
    assert_true(school_tt_place(b, blk, 1 * 5 + 4, &day, &period));
    assert_int_equal(day, 2);
    assert_int_equal(period, 2);
    assert_false(school_tt_place(b, blk, 0, &day, &period)); /* a morning slot */
    /* solved, no section leaves its own schedule, no clash */
    struct tt_solution *sol = tt_solution_new(inst);
    struct tt_options o;
    tt_options_init(&o);
    o.time_limit = 5;
    o.seed = 1;
    struct tt_result res;
    char *serr = NULL;
    assert_int_equal(tt_solve(inst, sol, &o, &res, &serr), 0);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    for (int k = 0; k < inst->nblocks; k++) {
        assert_true(school_tt_place(b, k, sol->start[k], &day, &period));
        if (b->blocks[k].schedule_id == 8)
            assert_true(day <= 4); /* the afternoon runs lunes a jueves */
    }
    /* the avoided times are hard unavailability, the liked day a preference */
    int ana = -1, hard = 0, soft = 0;
    for (int r = 0; r < inst->nresources; r++)
        if (inst->resources[r].kind == TT_TEACHER && b->resource_ids[r] == 20)
            ana = r;
    assert_true(ana >= 0);
    for (int c = 0; c < inst->nconstraints; c++) {
        const struct tt_constraint *con = &inst->constraints[c];
        if (con->resource != ana)
            continue;
        if (con->type == TT_UNAVAILABLE) {
            hard++;
            assert_true(con->slots[0] == 1u || con->slots[4] == 0x1fu);
        } else if (con->type == TT_PREFERENCE) {
            soft++;
            assert_int_equal(con->level, TT_LIKE);
            assert_int_equal(con->pref_kind, TT_PREF_DAY);
        }
    }
    assert_int_equal(hard, 2);
    assert_int_equal(soft, 1);
    for (int k = 0; k < inst->nblocks; k++)
        if (b->blocks[k].staff_id == 20) {
            assert_true(school_tt_place(b, k, sol->start[k], &day, &period));
            assert_true(day != 5);
            assert_false(day == 1 && b->blocks[k].schedule_id == 7 && period == 1);
        }
    tt_solution_free(&sol);
    sql("DELETE FROM teacher_preferences;");
    char *text = NULL;
    assert_int_equal(school_tt_precheck(b, &text), 0);
    assert_string_equal(text, "");
    free(text);
    school_tt_free(&b);
}

static void a_timetable_keeps_its_rows_and_its_locked_lesson(void **state)
{
    (void)state;
    sql("INSERT INTO timetables (id, name, created_at, updated_at) VALUES (1, 'B', " T ", " T ");"
        "INSERT INTO timetable_lessons (id, timetable_id, section_id, subject_id, staff_id, room_id,"
        " assignment_id, day, period, length, locked) VALUES"
        " (100, 1, 10, 5, 20, 3, 1, 1, 1, 2, 1), (101, 1, 10, 5, 20, 3, 1, NULL, NULL, 2, 0),"
        " (102, 1, 11, 5, 20, NULL, 2, 3, 1, 2, 0), (103, 1, 11, 5, 20, NULL, 2, NULL, NULL, 2, 0);");
    struct school_tt *b = NULL;
    char *err = NULL;
    store_lock(&store);
    assert_int_equal(school_tt_build(&store, 99, &b, &err), 0);
    assert_int_equal(school_tt_build(&store, 1, &b, &err), 1);
    store_unlock(&store);
    const struct tt_instance *inst = b->inst;
    assert_int_equal(inst->nblocks, 4);
    int locked = -1;
    for (int k = 0; k < 4; k++) {
        assert_true(b->blocks[k].lesson_id >= 100);
        if (b->blocks[k].lesson_id == 100)
            locked = k;
        if (b->blocks[k].lesson_id == 102)
            assert_int_equal(b->start->start[k], 2 * 5 + 3); /* miércoles, afternoon 1 */
        if (b->blocks[k].lesson_id == 101)
            assert_int_equal(b->start->start[k], -1);
    }
    assert_true(locked >= 0);
    assert_int_equal(inst->blocks[locked].pin_day, 0);
    assert_int_equal(inst->blocks[locked].pin_period, 0);
    /* the two rows of one assignment are one lesson (different days) */
    assert_int_equal(inst->lessons[inst->blocks[0].lesson].nblocks, 2);
    struct tt_solution *sol = tt_solution_new(inst);
    tt_solution_copy(sol, b->start);
    struct tt_options o;
    tt_options_init(&o);
    o.time_limit = 5;
    o.seed = 2;
    struct tt_result res;
    char *serr = NULL;
    assert_int_equal(tt_solve(inst, sol, &o, &res, &serr), 0);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    const char *e = NULL;
    store_lock(&store);
    assert_int_equal(school_tt_save(&store, 1, b, sol, &e), 4);
    store_unlock(&store);
    assert_int_equal(one("SELECT COUNT(*) FROM timetable_lessons WHERE timetable_id = 1"
                         " AND day IS NULL"), 0);
    assert_int_equal(one("SELECT day * 100 + period FROM timetable_lessons WHERE id = 100"), 101);
    assert_int_equal(one("SELECT room_id FROM timetable_lessons WHERE id = 101"), 3);
    assert_int_equal(one("SELECT COUNT(*) FROM timetable_lessons WHERE section_id = 11"
                         " AND (period > 2 OR day > 4)"), 0);
    tt_solution_free(&sol);
    school_tt_free(&b);
}

static void set_up_that_cannot_work_is_explained(void **state)
{
    (void)state;
    /* no laboratory any more, Ana over her maximum, a section with no schedule */
    sql("DELETE FROM rooms WHERE id = 4; UPDATE staff SET max_weekly_periods = 4 WHERE id = 20;");
    struct school_tt *b = NULL;
    char *err = NULL;
    store_lock(&store);
    assert_int_equal(school_tt_build(&store, 0, &b, &err), 1);
    store_unlock(&store);
    char *text = NULL;
    assert_true(school_tt_precheck(b, &text) >= 2);
    assert_non_null(strstr(text, "La materia Química necesita un laboratorio y el plantel no tiene ninguno."));
    assert_non_null(strstr(text, "Ana Pérez tiene 8 horas semanales asignadas y su máximo es 4."));
    free(text);
    school_tt_free(&b);
    sql("UPDATE sections SET bell_schedule_id = NULL WHERE id = 11;");
    store_lock(&store);
    assert_int_equal(school_tt_build(&store, 0, &b, &err), -2);
    store_unlock(&store);
    assert_null(b);
    assert_non_null(strstr(err, "La sección 1er Año B no tiene horario de timbre: asígnele uno."));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fresh_build_lays_both_schedules_on_one_grid),
        cmocka_unit_test(a_timetable_keeps_its_rows_and_its_locked_lesson),
        cmocka_unit_test(set_up_that_cannot_work_is_explained),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
