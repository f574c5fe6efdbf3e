/*
 * The grid's clash check (src/school/tt_check.c) on a small timetable
 * built in memory: two bell schedules (Media General's UEIPAB day, ten
 * 40-minute periods with breaks after the 4th and the 8th, and a Primaria
 * day of 45-minute periods), four sections, five teachers, two rooms.
 * Each clash kind is refused with its Spanish message, a swap is checked
 * as one change, teachers shared between schedules clash by the clock,
 * and the free slots are exactly the ones a move would accept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "school/tt_check.h"

static struct bell_period media_rows[] = {
    {1, false, "07:00", "07:40"}, {2, false, "07:40", "08:20"},
    {3, false, "08:20", "09:00"}, {4, false, "09:00", "09:40"},
    {0, true, "09:40", "10:00"},  {5, false, "10:00", "10:40"},
    {6, false, "10:40", "11:20"}, {7, false, "11:20", "12:00"},
    {8, false, "12:00", "12:40"}, {0, true, "12:40", "13:00"},
    {9, false, "13:00", "13:40"}, {10, false, "13:40", "14:20"},
};
static struct bell_period primaria_rows[] = {
    {1, false, "07:00", "07:45"}, {2, false, "07:45", "08:30"},
    {3, false, "08:30", "09:15"}, {4, false, "09:15", "10:00"},
};

static struct bell_schedule schedules[] = {
    {1, "Media General", 31, media_rows, 12, 10},
    {2, "Primaria", 31, primaria_rows, 4, 4},
};

enum { ANA = 10, LUIS = 11, CARMEN = 12, JOSE = 13, PEDRO = 14 };
enum { AULA1 = 100, LAB = 101, AULA3 = 102 };

#define L(i, sec, secname, subj, tch, tname, room, rname, d, p, len, sch) \
    {.id = i, .section_id = sec, .subject_id = i * 10, .staff_id = tch, \
     .room_id = room, .day = d, .period = p, .length = len,               \
     .schedule_id = sch, .section_name = secname, .subject_name = subj,   \
     .teacher_name = tname, .room_name = rname}

static struct school_lesson base_lessons[] = {
    L(1, 1, "1er Año A", "Matemática", ANA, "Ana Pérez", AULA1, "Aula 1", 1, 1, 2, 1),
    L(2, 2, "2do Año A", "Biología", LUIS, "Luis Rojas", LAB, "Laboratorio", 1, 1, 2, 1),
    L(3, 1, "1er Año A", "Castellano", LUIS, "Luis Rojas", AULA1, "Aula 1", 2, 1, 2, 1),
    L(4, 2, "2do Año A", "Matemática", ANA, "Ana Pérez", LAB, "Laboratorio", 2, 3, 2, 1),
    L(5, 3, "1er Grado A", "Lectura", CARMEN, "Carmen Díaz", AULA3, "Aula 3", 1, 1, 1, 2),
    L(6, 3, "1er Grado A", "Inglés", ANA, "Ana Pérez", AULA3, "Aula 3", 4, 2, 1, 2),
    L(7, 1, "1er Año A", "Inglés", JOSE, "José Gil", 0, NULL, 3, 1, 1, 1),
    L(8, 4, "3er Año A", "Química", PEDRO, "Pedro Luna", LAB, "Laboratorio", 4, 1, 2, 1),
};
#define NLESSONS ((int)(sizeof base_lessons / sizeof base_lessons[0]))

/* José is unavailable on Friday's 3rd period and all Thursday. */
static const struct tt_unavailable unavailable[] = {
    {JOSE, 5, 3},
    {JOSE, 4, 0},
};

static struct school_lesson lessons[NLESSONS];
static struct school_timetable tt;

static int setup(void **state)
{
    (void)state;
    memcpy(lessons, base_lessons, sizeof lessons);
    memset(&tt, 0, sizeof tt);
    tt.id = 1;
    tt.lessons = lessons;
    tt.nlessons = NLESSONS;
    tt.schedules = schedules;
    tt.nschedules = 2;
    return 0;
}

static int move(int64_t id, int day, int period, struct tt_clash *c)
{
    struct tt_move m = {id, day, period};
    return tt_check_moves(&tt, unavailable, 2, &m, 1, c);
}

static void test_the_timetable_as_built_has_no_clash(void **state)
{
    (void)state;
    assert_int_equal(tt_check_all(&tt, unavailable, 2, NULL, NULL), 0);
}

static void test_a_free_slot_is_accepted(void **state)
{
    (void)state;
    struct tt_clash c;
    assert_int_equal(move(1, 5, 1, &c), 0);
    assert_int_equal(c.kind, TT_CLASH_NONE);
}

static void test_teacher_clash_names_the_teacher_section_and_slot(void **state)
{
    (void)state;
    struct tt_clash c;
    /* Luis's Castellano onto Monday 1st: Luis teaches 2do Año A then
     * (and 1er Año A has Matemática: the teacher is named first). */
    assert_int_equal(move(3, 1, 1, &c), 1);
    assert_int_equal(c.kind, TT_CLASH_TEACHER);
    assert_int_equal(c.other_id, 2);
    assert_string_equal(c.message, "El prof. Luis Rojas ya tiene 2do Año A "
                                   "(Biología) el lunes, 1.ª hora.");
}

static void test_section_clash(void **state)
{
    (void)state;
    struct tt_clash c;
    assert_int_equal(move(7, 1, 2, &c), 1);
    assert_int_equal(c.kind, TT_CLASH_SECTION);
    assert_int_equal(c.other_id, 1);
    assert_string_equal(c.message,
                        "1er Año A ya tiene Matemática el lunes, 2.ª hora.");
}

static void test_room_clash(void **state)
{
    (void)state;
    struct tt_clash c;
    assert_int_equal(move(8, 1, 2, &c), 1);
    assert_int_equal(c.kind, TT_CLASH_ROOM);
    assert_int_equal(c.other_id, 2);
    assert_string_equal(c.message, "El aula Laboratorio ya está ocupada por "
                                   "2do Año A (Biología) el lunes, 2.ª hora.");
}

static void test_unavailable_teacher_at_a_time_and_a_whole_day(void **state)
{
    (void)state;
    struct tt_clash c;
    assert_int_equal(move(7, 5, 3, &c), 1);
    assert_int_equal(c.kind, TT_CLASH_UNAVAILABLE);
    assert_string_equal(c.message,
                        "El prof. José Gil no está disponible el viernes, "
                        "3.ª hora.");
    assert_int_equal(move(7, 4, 6, &c), 1);
    assert_int_equal(c.kind, TT_CLASH_UNAVAILABLE);
    assert_string_equal(c.message,
                        "El prof. José Gil no está disponible el jueves.");
    assert_int_equal(move(7, 5, 4, &c), 0);
}

static void test_a_block_never_crosses_a_break(void **state)
{
    (void)state;
    struct tt_clash c;
    assert_int_equal(move(1, 5, 4, &c), 1);
    assert_int_equal(c.kind, TT_CLASH_BREAK);
    assert_non_null(strstr(c.message, "cruzaría el receso del viernes "
                                      "después de la 4.ª hora"));
    assert_int_equal(move(1, 5, 8, &c), 1);
    assert_int_equal(c.kind, TT_CLASH_BREAK);
    assert_int_equal(move(1, 5, 9, &c), 0);
}

static void test_a_block_never_runs_past_the_day(void **state)
{
    (void)state;
    struct tt_clash c;
    assert_int_equal(move(1, 5, 10, &c), 1);
    assert_int_equal(c.kind, TT_CLASH_DAY_END);
    assert_non_null(strstr(c.message, "pasaría del final del día"));
    /* a Primaria lesson has four periods */
    assert_int_equal(move(5, 2, 5, &c), 1);
    assert_int_equal(c.kind, TT_CLASH_DAY_END);
}

static void test_saturday_is_not_a_school_day(void **state)
{
    (void)state;
    struct tt_clash c;
    assert_int_equal(move(7, 6, 1, &c), 1);
    assert_int_equal(c.kind, TT_CLASH_NO_SCHOOL);
    assert_string_equal(c.message, "El sábado no es día de clases de 1er Año A.");
}

static void test_bad_slot_or_lesson_is_an_error(void **state)
{
    (void)state;
    struct tt_clash c;
    assert_int_equal(move(99, 1, 1, &c), -1);
    assert_int_equal(move(1, 0, 1, &c), -1);
    assert_int_equal(move(1, 1, 41, &c), -1);
}

static void test_teachers_shared_between_schedules_clash_by_the_clock(void **state)
{
    (void)state;
    struct tt_clash c;
    /* Ana teaches 1er Grado A on Thursday 07:45-08:30 (Primaria's 2nd). */
    assert_int_equal(move(1, 4, 1, &c), 1); /* 07:00-08:20 */
    assert_int_equal(c.kind, TT_CLASH_TEACHER);
    assert_int_equal(c.other_id, 6);
    assert_string_equal(c.message, "El prof. Ana Pérez ya tiene 1er Grado A "
                                   "(Inglés) el jueves, 2.ª hora.");
    /* 3rd-4th is 08:20-09:40: by numbers no overlap, by the clock there is */
    assert_int_equal(move(1, 4, 3, &c), 1);
    assert_int_equal(c.kind, TT_CLASH_TEACHER);
    assert_int_equal(move(1, 4, 5, &c), 0); /* 10:00-11:20 */
}

static void test_a_swap_is_checked_as_one_change(void **state)
{
    (void)state;
    struct tt_clash c;
    /* Alone, Inglés onto Monday 1st meets Matemática... */
    assert_int_equal(move(7, 1, 1, &c), 1);
    assert_int_equal(c.kind, TT_CLASH_SECTION);
    /* ...swapped with it, both fit. */
    struct tt_move swap[] = {{7, 1, 1}, {1, 3, 1}};
    assert_int_equal(tt_check_moves(&tt, unavailable, 2, swap, 2, &c), 0);
    /* Swapping Matemática (Ana) and Castellano (Luis) of 1er Año A puts
     * Luis on Monday 1st, where he teaches 2do Año A. */
    struct tt_move bad[] = {{1, 2, 1}, {3, 1, 1}};
    assert_int_equal(tt_check_moves(&tt, unavailable, 2, bad, 2, &c), 1);
    assert_int_equal(c.kind, TT_CLASH_TEACHER);
    assert_int_equal(c.lesson_id, 3);
}

static void test_free_slots_are_those_a_move_accepts(void **state)
{
    (void)state;
    struct tt_slot slots[80];
    int n = tt_check_free_slots(&tt, unavailable, 2, 7, slots, 80);
    /* 5 days x 10 periods, less its own slot, less 1er Año A's four
     * busy periods, all Thursday and Friday's 3rd (José). */
    assert_int_equal(n, 50 - 1 - 4 - 10 - 1);
    struct tt_clash c;
    int accepted = 0;
    for (int day = 1; day <= 7; day++)
        for (int p = 1; p <= 12; p++) {
            bool listed = false;
            for (int i = 0; i < n; i++)
                listed |= slots[i].day == day && slots[i].period == p;
            int rc = move(7, day, p, &c);
            if (day == 3 && p == 1)
                continue; /* its own slot */
            assert_int_equal(listed, rc == 0);
            accepted += rc == 0;
        }
    assert_int_equal(accepted, n);
    assert_int_equal(tt_check_free_slots(&tt, unavailable, 2, 99, slots, 80),
                     -1);
}

struct seen {
    int n;
    enum tt_clash_kind kinds[16];
};

static void collect(const struct tt_clash *c, void *arg)
{
    struct seen *s = arg;
    if (s->n < 16)
        s->kinds[s->n] = c->kind;
    s->n++;
}

static void test_check_all_finds_clashes_written_in_place(void **state)
{
    (void)state;
    lessons[2].day = 1; /* Castellano onto Monday 1st, as a bad import */
    lessons[2].period = 1;
    lessons[6].day = 6; /* Inglés on a Saturday */
    struct seen s = {0};
    int n = tt_check_all(&tt, unavailable, 2, collect, &s);
    assert_int_equal(n, s.n);
    /* Castellano vs Matemática (section 1er Año A, and room), vs Biología
     * (teacher Luis); Inglés on Saturday. */
    assert_int_equal(n, 3);
    int teacher = 0, section = 0, no_school = 0;
    for (int i = 0; i < s.n; i++) {
        teacher += s.kinds[i] == TT_CLASH_TEACHER;
        section += s.kinds[i] == TT_CLASH_SECTION;
        no_school += s.kinds[i] == TT_CLASH_NO_SCHOOL;
    }
    assert_int_equal(teacher, 1);
    assert_int_equal(section, 1);
    assert_int_equal(no_school, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_the_timetable_as_built_has_no_clash, setup),
        cmocka_unit_test_setup(test_a_free_slot_is_accepted, setup),
        cmocka_unit_test_setup(test_teacher_clash_names_the_teacher_section_and_slot, setup),
        cmocka_unit_test_setup(test_section_clash, setup),
        cmocka_unit_test_setup(test_room_clash, setup),
        cmocka_unit_test_setup(test_unavailable_teacher_at_a_time_and_a_whole_day, setup),
        cmocka_unit_test_setup(test_a_block_never_crosses_a_break, setup),
        cmocka_unit_test_setup(test_a_block_never_runs_past_the_day, setup),
        cmocka_unit_test_setup(test_saturday_is_not_a_school_day, setup),
        cmocka_unit_test_setup(test_bad_slot_or_lesson_is_an_error, setup),
        cmocka_unit_test_setup(test_teachers_shared_between_schedules_clash_by_the_clock, setup),
        cmocka_unit_test_setup(test_a_swap_is_checked_as_one_change, setup),
        cmocka_unit_test_setup(test_free_slots_are_those_a_move_accepts, setup),
        cmocka_unit_test_setup(test_check_all_finds_clashes_written_in_place, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
