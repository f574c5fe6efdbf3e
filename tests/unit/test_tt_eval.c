/*
 * The timetable evaluator, explainer, diagnosis and solver on small
 * hand-made schools: each constraint priced on a case small enough to
 * count by hand, the incremental evaluator checked against a full
 * evaluation after every move, and the solver's promises (no hard
 * violation on a feasible school, determinism, cancellation, diagnosis).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "timetable/timetable.h"
#include "tt_test_support.h"

/* A school of 5 days x 6 periods with a break after period 3 (index 2),
   teachers T1..T3, classes C1..C2, rooms R1 (30 seats) and LAB (20 seats,
   type "lab"). */
static struct tt_instance *school(void)
{
    struct tt_instance *inst = tt_instance_new("prueba");
    for (int p = 0; p < 6; p++)
        tt_add_period(inst, NULL, 420 + 40 * p, 460 + 40 * p);
    inst->break_after = (uint64_t)1 << 2;
    tt_add_resource(inst, TT_TEACHER, "T1");
    tt_add_resource(inst, TT_TEACHER, "T2");
    tt_add_resource(inst, TT_TEACHER, "T3");
    tt_add_resource(inst, TT_CLASS, "C1");
    tt_add_resource(inst, TT_CLASS, "C2");
    int r1 = tt_add_resource(inst, TT_ROOM, "R1");
    inst->resources[r1].capacity = 30;
    int lab = tt_add_resource(inst, TT_ROOM, "LAB");
    inst->resources[lab].capacity = 20;
    inst->resources[lab].room_type = strdup("lab");
    tt_add_subject(inst, "Matemática");
    tt_add_subject(inst, "Física");
    return inst;
}

/* A lesson of subject for one class and one teacher, with blocks. */
static int lesson(struct tt_instance *inst, int subject, const char *cls, const char *teacher,
                  int nblocks, const int *lengths)
{
    int l = tt_add_lesson(inst, subject);
    if (cls)
        tt_lesson_add_class(inst, l, res(inst, TT_CLASS, cls));
    if (teacher)
        tt_lesson_add_teacher(inst, l, res(inst, TT_TEACHER, teacher));
    int first = inst->nblocks;
    for (int i = 0; i < nblocks; i++)
        tt_lesson_add_block(inst, l, lengths[i], 0);
    return first;
}

static bool explained(const struct tt_instance *inst, const struct tt_solution *sol,
                      enum tt_lang lang, const char *a, const char *b)
{
    struct tt_violation *v = NULL;
    int n = tt_explain(inst, sol, lang, &v);
    bool found = false;
    for (int i = 0; i < n && !found; i++)
        found = strstr(v[i].text, a) && (!b || strstr(v[i].text, b));
    tt_violations_free(v, n);
    return found;
}

static void test_teacher_in_two_classes_at_once_is_one_hard_violation_per_period(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int two[] = {2};
    int a = lesson(inst, 0, "C1", "T1", 1, two);
    int b = lesson(inst, 1, "C2", "T1", 1, two);
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 0, 0);
    sol->start[b] = slot(inst, 0, 1); /* overlaps period 2 */
    struct tt_cost c = tt_evaluate(inst, sol);
    assert_int_equal(c.hard, 1);
    assert_true(explained(inst, sol, TT_ES, "El docente T1 tiene 2 clases a la vez", "Lunes"));
    assert_true(explained(inst, sol, TT_EN, "Teacher T1 has 2 lessons at the same time", "Monday") ||
                explained(inst, sol, TT_EN, "Teacher T1 has 2 lessons at the same time", "Lunes"));
    sol->start[b] = slot(inst, 1, 0);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_class_and_room_clashes_are_hard(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int one[] = {1};
    int a = lesson(inst, 0, "C1", "T1", 1, one);
    int b = lesson(inst, 1, "C1", "T2", 1, one);
    int c = lesson(inst, 1, "C2", "T3", 1, one);
    inst->lessons[inst->blocks[c].lesson].needs_room = true;
    inst->lessons[inst->blocks[a].lesson].needs_room = true;
    struct tt_solution *sol = tt_solution_new(inst);
    int r1 = res(inst, TT_ROOM, "R1");
    sol->start[a] = sol->start[b] = slot(inst, 2, 4);
    sol->start[c] = slot(inst, 2, 4);
    sol->room[a] = sol->room[c] = r1;
    /* C1 twice, R1 twice */
    assert_int_equal(tt_evaluate(inst, sol).hard, 2);
    assert_true(explained(inst, sol, TT_ES, "La sección C1 tiene 2 clases a la vez", "Miércoles"));
    assert_true(explained(inst, sol, TT_ES, "El aula R1 tiene 2 clases a la vez", NULL));
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_unavailable_teacher_period_is_hard_and_named(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int two[] = {2};
    int a = lesson(inst, 0, "C1", "T2", 1, two);
    struct tt_constraint *c = tt_add_constraint(inst, TT_UNAVAILABLE, true, 1, true, NULL);
    c->resource = res(inst, TT_TEACHER, "T2");
    tt_constraint_set_slot(c, 1, 1);
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 1, 0);
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    assert_true(explained(inst, sol, TT_ES, "El docente T2", "no está disponible"));
    sol->start[a] = slot(inst, 1, 3);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_block_may_not_cross_a_break_or_the_end_of_the_day(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int two[] = {2};
    int a = lesson(inst, 0, "C1", "T1", 1, two);
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 0, 2); /* periods 3|4 around the break */
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    assert_true(explained(inst, sol, TT_ES, "cruza un recreo", NULL));
    sol->start[a] = slot(inst, 0, 5); /* would run into Tuesday */
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    sol->start[a] = slot(inst, 0, 3);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    sol->start[a] = -1; /* unplaced: its periods count */
    assert_int_equal(tt_evaluate(inst, sol).hard, 2);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_blocks_of_a_lesson_on_different_days(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int twice[] = {2, 2};
    int a = lesson(inst, 0, "C1", "T1", 2, twice);
    struct tt_constraint *c = tt_add_constraint(inst, TT_MIN_DAYS, true, 1, false, "subject_spread");
    c->n = 1;
    tt_constraint_add_item(c, a);
    tt_constraint_add_item(c, a + 1);
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 3, 0);
    sol->start[a + 1] = slot(inst, 3, 3);
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    assert_true(explained(inst, sol, TT_ES, "deben quedar al menos a 1 día", "Matemática"));
    sol->start[a + 1] = slot(inst, 4, 3);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_pinned_block_must_stay(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int one[] = {1};
    int a = lesson(inst, 0, "C1", "T1", 1, one);
    inst->blocks[a].pin_day = 2;
    inst->blocks[a].pin_period = 4;
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 1, 4);
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    assert_true(explained(inst, sol, TT_ES, "está fijado al Miércoles", NULL));
    sol->start[a] = slot(inst, 2, 4);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_room_must_fit_the_group_and_have_the_type(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int one[] = {1};
    int a = lesson(inst, 1, "C1", "T1", 1, one);
    struct tt_lesson *l = &inst->lessons[inst->blocks[a].lesson];
    l->needs_room = true;
    l->students = 25;
    l->room_type = strdup("lab");
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 0, 0);
    assert_int_equal(tt_evaluate(inst, sol).hard, 1); /* no room */
    assert_true(explained(inst, sol, TT_ES, "necesita un aula", NULL));
    sol->room[a] = res(inst, TT_ROOM, "R1"); /* big enough, not a lab */
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    sol->room[a] = res(inst, TT_ROOM, "LAB"); /* a lab, 20 seats for 25 */
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    l->students = 18;
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_teacher_gaps_are_idle_periods_between_lessons_not_breaks(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int one[] = {1};
    int a = lesson(inst, 0, "C1", "T1", 1, one);
    int b = lesson(inst, 0, "C2", "T1", 1, one);
    struct tt_constraint *c = tt_add_constraint(inst, TT_MAX_GAPS_WEEK, false, 10, false, "teacher_gaps");
    c->resource = res(inst, TT_TEACHER, "T1");
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 0, 0);
    sol->start[b] = slot(inst, 0, 4); /* periods 2, 3, 4 idle: the break is no period */
    struct tt_cost cost = tt_evaluate(inst, sol);
    assert_int_equal(cost.hard, 0);
    assert_int_equal(cost.soft, 30);
    assert_int_equal(tt_statistics(inst, sol).teacher_gaps, 3);
    assert_true(explained(inst, sol, TT_ES, "El docente T1 tiene 3 hora(s) libre(s)", "Lunes 3"));
    sol->start[b] = slot(inst, 0, 1);
    assert_int_equal(tt_evaluate(inst, sol).soft, 0);
    /* a period the teacher is not available is not idle time */
    sol->start[b] = slot(inst, 0, 2);
    struct tt_constraint *u = tt_add_constraint(inst, TT_UNAVAILABLE, true, 1, true, NULL);
    u->resource = res(inst, TT_TEACHER, "T1");
    tt_constraint_set_slot(u, 0, 1);
    assert_int_equal(tt_evaluate(inst, sol).soft, 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_class_gaps_per_day_limit(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int one[] = {1};
    int a = lesson(inst, 0, "C1", "T1", 1, one);
    int b = lesson(inst, 1, "C1", "T2", 1, one);
    struct tt_constraint *c = tt_add_constraint(inst, TT_MAX_GAPS_DAY, true, 1, false, NULL);
    c->resource = res(inst, TT_CLASS, "C1");
    c->n = 1;
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 4, 0);
    sol->start[b] = slot(inst, 4, 3);
    assert_int_equal(tt_evaluate(inst, sol).hard, 1); /* 2 idle, 1 allowed */
    assert_int_equal(tt_statistics(inst, sol).class_gaps, 2);
    assert_true(explained(inst, sol, TT_ES, "La sección C1 tiene 2 hora(s) libre(s) entre clases el Viernes", NULL));
    sol->start[b] = slot(inst, 4, 2);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_subject_at_most_n_periods_a_day(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int twice[] = {2, 1};
    int a = lesson(inst, 0, "C1", "T1", 2, twice);
    struct tt_constraint *c = tt_add_constraint(inst, TT_SUBJECT_MAX_DAY, false, 20, false, NULL);
    c->resource = res(inst, TT_CLASS, "C1");
    c->subject = 0;
    c->n = 2;
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 0, 0);
    sol->start[a + 1] = slot(inst, 0, 3);
    assert_int_equal(tt_evaluate(inst, sol).soft, 20);
    assert_true(explained(inst, sol, TT_ES, "La sección C1 tiene 3 períodos de «Matemática» el Lunes (máximo 2)", NULL));
    sol->start[a + 1] = slot(inst, 1, 3);
    assert_int_equal(tt_evaluate(inst, sol).soft, 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_teacher_periods_per_day_and_days_per_week(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int one[] = {1};
    int blk[4];
    for (int i = 0; i < 4; i++)
        blk[i] = lesson(inst, 0, i % 2 ? "C1" : "C2", "T3", 1, one);
    struct tt_constraint *pd = tt_add_constraint(inst, TT_MAX_PERIODS_DAY, false, 5, false, NULL);
    pd->resource = res(inst, TT_TEACHER, "T3");
    pd->n = 2;
    struct tt_constraint *dw = tt_add_constraint(inst, TT_MAX_DAYS_WEEK, false, 7, false, NULL);
    dw->resource = res(inst, TT_TEACHER, "T3");
    dw->n = 1;
    struct tt_solution *sol = tt_solution_new(inst);
    for (int i = 0; i < 3; i++)
        sol->start[blk[i]] = slot(inst, 0, i);
    sol->start[blk[3]] = slot(inst, 1, 0);
    /* Monday 3 periods (1 over 2) -> 5; two days (1 over 1) -> 7 */
    assert_int_equal(tt_evaluate(inst, sol).soft, 12);
    assert_true(explained(inst, sol, TT_ES, "El docente T3 tiene 3 períodos de clase el Lunes (máximo 2)", NULL));
    assert_true(explained(inst, sol, TT_EN, "Teacher T3 has lessons on 2 days of the week (at most 1)", NULL));
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_teacher_preferences_weigh_time_day_subject_room_40_30_20_10(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int one[] = {1};
    int a = lesson(inst, 0, "C1", "T1", 1, one);
    inst->lessons[inst->blocks[a].lesson].needs_room = true;
    int t1 = res(inst, TT_TEACHER, "T1");
    struct tt_constraint *time = tt_add_constraint(inst, TT_PREFERENCE, false, 1, true, NULL);
    time->resource = t1;
    time->pref_kind = TT_PREF_TIME;
    time->level = TT_DISLIKE;
    tt_constraint_set_slot(time, 0, 0);
    struct tt_constraint *day = tt_add_constraint(inst, TT_PREFERENCE, false, 1, true, NULL);
    day->resource = t1;
    day->pref_kind = TT_PREF_DAY;
    day->level = TT_DISLIKE;
    for (int p = 0; p < 6; p++)
        tt_constraint_set_slot(day, 0, p);
    struct tt_constraint *subj = tt_add_constraint(inst, TT_PREFERENCE, false, 1, false, NULL);
    subj->resource = t1;
    subj->pref_kind = TT_PREF_SUBJECT;
    subj->level = TT_DISLIKE;
    subj->subject = 0;
    struct tt_constraint *room = tt_add_constraint(inst, TT_PREFERENCE, false, 1, false, NULL);
    room->resource = t1;
    room->pref_kind = TT_PREF_ROOM;
    room->level = TT_DISLIKE;
    tt_constraint_add_room(room, res(inst, TT_ROOM, "R1"));
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 0, 0);
    sol->room[a] = res(inst, TT_ROOM, "R1");
    /* one period, disliked on every count: 4 + 3 + 2 + 1 */
    assert_int_equal(tt_evaluate(inst, sol).soft, 10);
    /* avoid weighs double (constraints move as more are added: index them) */
    inst->constraints[inst->nconstraints - 4].level = TT_AVOID;
    assert_int_equal(tt_evaluate(inst, sol).soft, 14);
    /* Tuesday in the lab: only the subject remains */
    sol->start[a] = slot(inst, 1, 0);
    sol->room[a] = res(inst, TT_ROOM, "LAB");
    assert_int_equal(tt_evaluate(inst, sol).soft, 2);
    assert_true(explained(inst, sol, TT_ES, "El docente T1 dicta «Matemática», materia que prefiere no dictar", NULL));
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_room_stability_counts_extra_rooms_of_a_class(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int one[] = {1};
    int a = lesson(inst, 0, "C1", "T1", 1, one);
    int b = lesson(inst, 1, "C1", "T2", 1, one);
    inst->lessons[0].needs_room = inst->lessons[1].needs_room = true;
    struct tt_constraint *c = tt_add_constraint(inst, TT_ROOM_STABILITY, false, 5, false, NULL);
    c->resource = res(inst, TT_CLASS, "C1");
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 0, 0);
    sol->start[b] = slot(inst, 0, 1);
    sol->room[a] = res(inst, TT_ROOM, "R1");
    sol->room[b] = res(inst, TT_ROOM, "LAB");
    assert_int_equal(tt_evaluate(inst, sol).soft, 5);
    assert_true(explained(inst, sol, TT_ES, "La sección C1 usa 1 aula(s) más de una", NULL));
    sol->room[b] = res(inst, TT_ROOM, "R1");
    assert_int_equal(tt_evaluate(inst, sol).soft, 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_same_start_not_overlapping_and_allowed_starts(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int one[] = {1};
    int a = lesson(inst, 0, "C1", "T1", 1, one);
    int b = lesson(inst, 1, "C2", "T2", 1, one);
    int c = lesson(inst, 1, "C2", "T3", 1, one);
    struct tt_constraint *same = tt_add_constraint(inst, TT_SAME_START, true, 1, false, NULL);
    tt_constraint_add_item(same, a);
    tt_constraint_add_item(same, b);
    struct tt_constraint *apart = tt_add_constraint(inst, TT_NOT_OVERLAPPING, false, 3, false, NULL);
    tt_constraint_add_item(apart, a);
    tt_constraint_add_item(apart, c);
    struct tt_constraint *starts = tt_add_constraint(inst, TT_BLOCK_STARTS, false, 4, true, NULL);
    tt_constraint_add_item(starts, c);
    tt_constraint_set_slot(starts, 0, 0);
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 0, 0);
    sol->start[b] = slot(inst, 0, 1);
    sol->start[c] = slot(inst, 0, 0);
    struct tt_cost cost = tt_evaluate(inst, sol);
    assert_int_equal(cost.hard, 1);  /* a and b apart */
    assert_int_equal(cost.soft, 3);  /* a and c overlap one period */
    sol->start[b] = slot(inst, 0, 0);
    sol->start[c] = slot(inst, 0, 1);
    cost = tt_evaluate(inst, sol);
    assert_int_equal(cost.hard, 0);
    assert_int_equal(cost.soft, 4); /* c not at an allowed start */
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

/* One resource constraint on T1 over hand-placed single periods. */
static long price_t1(enum tt_ctype type, int n, int flag, const int *day_period, int count)
{
    struct tt_instance *inst = school();
    int one[] = {1};
    for (int i = 0; i < count; i++)
        lesson(inst, 0, i % 2 ? "C1" : "C2", "T1", 1, one);
    struct tt_constraint *c = tt_add_constraint(inst, type, true, 1, false, NULL);
    c->resource = res(inst, TT_TEACHER, "T1");
    c->n = n;
    c->flag = flag;
    struct tt_solution *sol = tt_solution_new(inst);
    for (int i = 0; i < count; i++)
        sol->start[i] = slot(inst, day_period[2 * i], day_period[2 * i + 1]);
    long hard = tt_evaluate(inst, sol).hard;
    tt_solution_free(&sol);
    tt_instance_free(&inst);
    return hard;
}

static void test_daily_and_weekly_limits_count_what_a_person_would(void **state)
{
    (void)state;
    /* Monday periods 1 and 2, Wednesday period 1 */
    int three[] = {0, 0, 0, 1, 2, 0};
    /* at least 3 periods a day: Monday short by 1, Wednesday by 2; other
       days empty and allowed (flag) */
    assert_int_equal(price_t1(TT_MIN_PERIODS_DAY, 3, 1, three, 3), 3);
    /* empty days not allowed: Tuesday, Thursday, Friday short by 3 each */
    assert_int_equal(price_t1(TT_MIN_PERIODS_DAY, 3, 0, three, 3), 3 + 9);
    /* at least 3 working days: 2 */
    assert_int_equal(price_t1(TT_MIN_DAYS_WEEK, 3, 0, three, 3), 1);
    /* Monday 1st and 6th period: a span of 6 periods, at most 4 */
    int wide[] = {0, 0, 0, 5};
    assert_int_equal(price_t1(TT_MAX_SPAN_DAY, 4, 0, wide, 2), 2);
    /* early start: Monday at the 2nd period (1 allowed), Tuesday at the
       3rd (never allowed), Wednesday at the 2nd (over the allowance) */
    int late[] = {0, 1, 1, 2, 2, 1};
    assert_int_equal(price_t1(TT_EARLY_START, 1, 0, late, 3), 2);
    /* max gaps a day: Monday 1st and 6th: 4 idle, 1 allowed */
    assert_int_equal(price_t1(TT_MAX_GAPS_DAY, 1, 0, wide, 2), 3);
}

static void test_constraints_over_blocks_count_pairs_and_periods(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int one[] = {1}, two[] = {2};
    int a = lesson(inst, 0, "C1", "T1", 1, two);
    int b = lesson(inst, 1, "C2", "T2", 1, one);
    int c = lesson(inst, 1, "C2", "T3", 1, one);
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 0, 0); /* Monday 1-2 */
    sol->start[b] = slot(inst, 0, 3); /* Monday 4 */
    sol->start[c] = slot(inst, 1, 3); /* Tuesday 4 */
    struct tt_constraint *k;
    /* min gap of 2 free periods on the same day: a ends at 2, b starts at
       4: one free period, one pair short */
    k = tt_add_constraint(inst, TT_MIN_GAP, true, 1, false, NULL);
    k->n = 2;
    tt_constraint_add_item(k, a);
    tt_constraint_add_item(k, b);
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    inst->nconstraints = 0;
    free(k->items);
    /* same day: c is on Tuesday, the others on Monday */
    k = tt_add_constraint(inst, TT_SAME_DAY, true, 1, false, NULL);
    tt_constraint_add_item(k, a);
    tt_constraint_add_item(k, b);
    tt_constraint_add_item(k, c);
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    k->type = TT_SAME_PERIOD; /* b and c at period 4, a at 1 */
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    inst->nconstraints = 0;
    free(k->items);
    /* allowed slots: only Monday 1 for a double block: 1 period outside */
    k = tt_add_constraint(inst, TT_BLOCK_SLOTS, true, 1, true, NULL);
    tt_constraint_add_item(k, a);
    tt_constraint_set_slot(k, 0, 0);
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    inst->nconstraints = 0;
    free(k->items);
    free(k->slots);
    /* allowed rooms: a in no room */
    k = tt_add_constraint(inst, TT_BLOCK_ROOMS, false, 7, false, NULL);
    tt_constraint_add_item(k, a);
    tt_constraint_add_room(k, res(inst, TT_ROOM, "LAB"));
    assert_int_equal(tt_evaluate(inst, sol).soft, 7);
    sol->room[a] = res(inst, TT_ROOM, "LAB");
    assert_int_equal(tt_evaluate(inst, sol).soft, 0);
    inst->nconstraints = 0;
    free(k->items);
    free(k->rooms);
    /* min days with "consecutive if same day": a (1-2) and b (4) on Monday
       are too close, and not one after the other either */
    k = tt_add_constraint(inst, TT_MIN_DAYS, true, 1, false, NULL);
    k->n = 1;
    k->flag = 1;
    tt_constraint_add_item(k, a);
    tt_constraint_add_item(k, b);
    assert_int_equal(tt_evaluate(inst, sol).hard, 2);
    k->n = 0; /* only the consecutive part */
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    assert_true(explained(inst, sol, TT_ES, "si quedan el mismo día, deben ir seguidos", NULL));
    sol->start[b] = slot(inst, 0, 2); /* right after a */
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

/* A random school: the incremental evaluator must agree with a full
   evaluation after every single move. */
static void test_incremental_cost_equals_full_evaluation_after_every_move(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int lens[] = {2, 1, 2};
    for (int i = 0; i < 12; i++)
        lesson(inst, i % 2, i % 2 ? "C1" : "C2", i % 3 == 0 ? "T1" : i % 3 == 1 ? "T2" : "T3", 3, lens);
    for (int l = 0; l < inst->nlessons; l++) {
        inst->lessons[l].needs_room = l % 2;
        struct tt_constraint *c = tt_add_constraint(inst, TT_MIN_DAYS, l % 3 == 0, 7, false, NULL);
        c->n = 1;
        c->flag = l % 2;
        for (int i = 0; i < inst->lessons[l].nblocks; i++)
            tt_constraint_add_item(c, inst->lessons[l].blocks[i]);
    }
    static const enum tt_ctype per_res[] = {TT_MAX_GAPS_DAY, TT_MAX_GAPS_WEEK, TT_MAX_PERIODS_DAY,
                                            TT_MIN_PERIODS_DAY, TT_MAX_DAYS_WEEK, TT_MIN_DAYS_WEEK,
                                            TT_MAX_SPAN_DAY, TT_EARLY_START, TT_UNAVAILABLE};
    for (size_t i = 0; i < sizeof(per_res) / sizeof(per_res[0]); i++) {
        for (int r = 0; r < 5; r++) {
            struct tt_constraint *c = tt_add_constraint(inst, per_res[i], (i + r) % 2, (int)i + 1, true, NULL);
            c->resource = r;
            c->n = 1 + (int)(i % 3);
            c->flag = r % 2;
            tt_constraint_set_slot(c, r % 5, (int)i % 6);
        }
    }
    struct tt_constraint *sm = tt_add_constraint(inst, TT_SUBJECT_MAX_DAY, false, 3, false, NULL);
    sm->resource = res(inst, TT_CLASS, "C1");
    sm->subject = 1;
    sm->n = 2;
    struct tt_constraint *st = tt_add_constraint(inst, TT_ROOM_STABILITY, false, 2, false, NULL);
    st->resource = res(inst, TT_CLASS, "C2");
    struct tt_constraint *pr = tt_add_constraint(inst, TT_PREFERENCE, false, 2, false, NULL);
    pr->resource = res(inst, TT_TEACHER, "T2");
    pr->pref_kind = TT_PREF_ROOM;
    pr->level = TT_PREFER;
    tt_constraint_add_room(pr, res(inst, TT_ROOM, "LAB"));
    /* constraints move as more are added: fill each before the next */
    static const enum tt_ctype over_blocks[] = {TT_NOT_OVERLAPPING, TT_MIN_GAP, TT_BLOCK_SLOTS,
                                                TT_BLOCK_ROOMS, TT_SAME_DAY, TT_SAME_PERIOD};
    for (size_t i = 0; i < sizeof(over_blocks) / sizeof(over_blocks[0]); i++) {
        struct tt_constraint *c = tt_add_constraint(inst, over_blocks[i], i % 2, 3, true, NULL);
        c->n = 1;
        for (int b = (int)i; b < inst->nblocks; b += 5)
            tt_constraint_add_item(c, b);
        for (int p = 0; p < 4; p++)
            tt_constraint_set_slot(c, 1, p);
        tt_constraint_add_room(c, res(inst, TT_ROOM, "R1"));
    }
    inst->closed[3] = (uint64_t)1 << 5;

    struct tt_solution *sol = tt_solution_new(inst);
    struct tt_eval *ev = tt_eval_new(inst, sol);
    uint64_t x = 12345;
    for (int step = 0; step < 3000; step++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int b = (int)((x >> 33) % (uint64_t)inst->nblocks);
        int s = (int)((x >> 17) % (uint64_t)(inst->ndays * inst->nperiods + 1)) - 1;
        int room = (int)((x >> 7) % 3) == 0 ? -1 : res(inst, TT_ROOM, (x >> 3) & 1 ? "R1" : "LAB");
        struct tt_cost inc = tt_eval_move(ev, b, s, room);
        struct tt_cost full = tt_evaluate(inst, tt_eval_solution(ev));
        assert_int_equal(inc.hard, full.hard);
        assert_int_equal(inc.soft, full.soft);
    }
    tt_eval_free(&ev);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_diagnosis_names_an_overloaded_teacher_and_an_impossible_block(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int six[] = {6};
    int one[] = {1};
    /* T1: 31 periods in a 30-period week */
    for (int i = 0; i < 5; i++)
        lesson(inst, 0, i % 2 ? "C1" : "C2", "T1", 1, one);
    int lens[] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
    lesson(inst, 0, NULL, "T1", 13, lens);
    /* a block of 6 cannot exist with a break after period 3 */
    lesson(inst, 1, "C2", "T2", 1, six);
    char *text = NULL;
    int n = tt_diagnose(inst, TT_ES, &text);
    assert_true(n >= 2);
    assert_non_null(strstr(text, "El docente «T1» tiene 31 períodos de clase pero solo 30 períodos disponibles"));
    assert_non_null(strstr(text, "no hay ningún inicio posible"));
    free(text);
    /* and the solver refuses at once, with that message */
    struct tt_options opt;
    tt_options_init(&opt);
    opt.time_limit = 60;
    struct tt_solution *sol = tt_solution_new(inst);
    struct tt_result r;
    char *error = NULL;
    assert_int_equal(tt_solve(inst, sol, &opt, &r, &error), -1);
    assert_non_null(strstr(error, "no puede tener solución"));
    free(error);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_diagnosis_class_with_more_lessons_than_periods_and_no_room(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int lens[] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
    lesson(inst, 0, "C1", NULL, 16, lens); /* 32 periods for C1 in 30 */
    int one[] = {1};
    int a = lesson(inst, 1, "C2", "T3", 1, one);
    inst->lessons[inst->blocks[a].lesson].needs_room = true;
    inst->lessons[inst->blocks[a].lesson].room_type = strdup("gimnasio");
    char *text = NULL;
    int n = tt_diagnose(inst, TT_EN, &text);
    assert_int_equal(n, 2);
    assert_non_null(strstr(text, "Class «C1» has 32 lesson periods but only 30"));
    assert_non_null(strstr(text, "no room meets its requirements"));
    free(text);
    tt_instance_free(&inst);
}

/* Solves inst with a method, a seed and a step budget, stopping at the
   first timetable without hard violations; the caller frees the result. */
static struct tt_solution *solve_steps(const struct tt_instance *inst, enum tt_method method,
                                       uint64_t seed, long steps, struct tt_result *r)
{
    struct tt_options opt;
    tt_options_init(&opt);
    opt.method = method;
    opt.seed = seed;
    opt.max_iterations = steps;
    opt.stop_at_feasible = true;
    struct tt_solution *sol = tt_solution_new(inst);
    char *error = NULL;
    assert_int_equal(tt_solve(inst, sol, &opt, r, &error), 0);
    return sol;
}

/* Lessons tied to one period each need a room of their own there: ten
   exams fit two rooms on five days at a period, eleven fit nowhere. */
static struct tt_instance *exams(int n)
{
    struct tt_instance *inst = school();
    int one[] = {1};
    int first = -1;
    for (int i = 0; i < n; i++) {
        int b = lesson(inst, 0, NULL, NULL, 1, one);
        inst->lessons[inst->blocks[b].lesson].needs_room = true;
        if (first < 0)
            first = b;
    }
    struct tt_constraint *k = tt_add_constraint(inst, TT_SAME_PERIOD, true, 1, false, NULL);
    for (int i = 0; i < n; i++)
        tt_constraint_add_item(k, first + i);
    return inst;
}

static void test_lessons_tied_to_a_period_need_rooms_for_all(void **state)
{
    (void)state;
    struct tt_instance *inst = exams(11);
    char *text = NULL;
    assert_true(tt_diagnose(inst, TT_ES, &text) > 0);
    assert_non_null(strstr(text, "no hay ningún inicio posible"));
    assert_non_null(strstr(text, "aulas libres"));
    free(text);
    tt_instance_free(&inst);

    /* ten fit, but not at the first period when R1 is closed on Monday then */
    inst = exams(10);
    struct tt_constraint *c = tt_add_constraint(inst, TT_UNAVAILABLE, true, 1, true, NULL);
    c->resource = res(inst, TT_ROOM, "R1");
    tt_constraint_set_slot(c, 0, 0);
    assert_int_equal(tt_diagnose(inst, TT_ES, &text), 0);
    free(text);
    for (uint64_t seed = 1; seed <= 5; seed++) {
        struct tt_result r;
        struct tt_solution *sol = solve_steps(inst, TT_METHOD_AUTO, seed, 2000, &r);
        assert_int_equal(r.cost.hard, 0);
        for (int b = 0; b < inst->nblocks; b++) {
            assert_true(sol->start[b] % inst->nperiods != 0);
            assert_true(sol->room[b] >= 0);
        }
        tt_solution_free(&sol);
    }
    tt_instance_free(&inst);
}

/* A feasible little school: 2 classes x 10 lessons over 30 slots. */
static struct tt_instance *feasible_school(void)
{
    struct tt_instance *inst = school();
    int two[] = {2, 2};
    static const char *const t[] = {"T1", "T2", "T3"};
    for (int i = 0; i < 10; i++) {
        int b = lesson(inst, i % 2, i % 2 ? "C1" : "C2", t[i % 3], 2, two);
        struct tt_constraint *c = tt_add_constraint(inst, TT_MIN_DAYS, true, 1, false, NULL);
        c->n = 1;
        tt_constraint_add_item(c, b);
        tt_constraint_add_item(c, b + 1);
    }
    for (int r = 0; r < 5; r++) {
        struct tt_constraint *g = tt_add_constraint(inst, TT_MAX_GAPS_WEEK, false, 10, false, NULL);
        g->resource = r;
    }
    return inst;
}

static bool count_progress(const struct tt_progress *p, void *arg)
{
    (void)p;
    (*(int *)arg)++;
    return true;
}

static void test_solver_finds_a_timetable_without_hard_violations(void **state)
{
    (void)state;
    struct tt_instance *inst = feasible_school();
    struct tt_options opt;
    tt_options_init(&opt);
    opt.time_limit = 5;
    int calls = 0;
    opt.progress = count_progress;
    opt.progress_arg = &calls;
    struct tt_solution *sol = tt_solution_new(inst);
    struct tt_result r;
    char *error = NULL;
    assert_int_equal(tt_solve(inst, sol, &opt, &r, &error), 0);
    assert_int_equal(r.cost.hard, 0);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    assert_int_equal(tt_evaluate(inst, sol).soft, r.cost.soft);
    assert_true(r.seconds_to_feasible >= 0);
    assert_true(calls >= 1);
    assert_int_equal(tt_statistics(inst, sol).unplaced, 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_same_seed_and_iterations_give_the_same_timetable(void **state)
{
    (void)state;
    struct tt_instance *inst = feasible_school();
    /* teachers' gaps weigh, so the search runs all its iterations */
    struct tt_solution *a = tt_solution_new(inst), *b = tt_solution_new(inst), *c = tt_solution_new(inst);
    struct tt_options opt;
    tt_options_init(&opt);
    opt.max_iterations = 5000;
    opt.seed = 42;
    struct tt_result r1, r2, r3;
    char *error = NULL;
    assert_int_equal(tt_solve(inst, a, &opt, &r1, &error), 0);
    assert_int_equal(tt_solve(inst, b, &opt, &r2, &error), 0);
    assert_memory_equal(a->start, b->start, sizeof(int) * (size_t)inst->nblocks);
    assert_int_equal(r1.cost.soft, r2.cost.soft);
    opt.seed = 43;
    assert_int_equal(tt_solve(inst, c, &opt, &r3, &error), 0);
    assert_int_equal(r3.cost.hard, 0);
    tt_solution_free(&a);
    tt_solution_free(&b);
    tt_solution_free(&c);
    tt_instance_free(&inst);
}

/* The feasible school with a soft rule no timetable meets (T1 avoids
   every period): the search never reaches cost (0, 0). */
static struct tt_instance *endless_school(void)
{
    struct tt_instance *inst = feasible_school();
    struct tt_constraint *p = tt_add_constraint(inst, TT_PREFERENCE, false, 1, true, NULL);
    p->resource = res(inst, TT_TEACHER, "T1");
    p->pref_kind = TT_PREF_DAY;
    p->level = TT_AVOID;
    for (int d = 0; d < 5; d++)
        for (int q = 0; q < 6; q++)
            tt_constraint_set_slot(p, d, q);
    return inst;
}

static void test_cancel_stops_the_search_at_once(void **state)
{
    (void)state;
    /* an unreachable preference keeps the search going */
    struct tt_instance *inst = endless_school();
    volatile int cancel = 1;
    struct tt_options opt;
    tt_options_init(&opt);
    opt.time_limit = 30;
    opt.cancel = &cancel;
    opt.threads = 2;
    struct tt_solution *sol = tt_solution_new(inst);
    struct tt_result r;
    char *error = NULL;
    assert_int_equal(tt_solve(inst, sol, &opt, &r, &error), 0);
    assert_true(r.cancelled);
    assert_true(r.seconds < 5);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

/* Every period of every class and teacher taken: five classes and five
   teachers, each pair meeting once a day for five days of five periods
   (a Latin square a day). FET's method places such full timetables. */
static struct tt_instance *full_school(void)
{
    struct tt_instance *inst = tt_instance_new("llena");
    for (int p = 0; p < 5; p++)
        tt_add_period(inst, NULL, 420 + 40 * p, 460 + 40 * p);
    char name[8];
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof(name), "T%d", i + 1);
        tt_add_resource(inst, TT_TEACHER, name);
        snprintf(name, sizeof(name), "C%d", i + 1);
        tt_add_resource(inst, TT_CLASS, name);
    }
    tt_add_subject(inst, "Matemática");
    int ones[] = {1, 1, 1, 1, 1};
    for (int c = 0; c < 5; c++)
        for (int t = 0; t < 5; t++) {
            char cn[8], tn[8];
            snprintf(cn, sizeof(cn), "C%d", c + 1);
            snprintf(tn, sizeof(tn), "T%d", t + 1);
            int a = lesson(inst, 0, cn, tn, 5, ones);
            struct tt_constraint *k = tt_add_constraint(inst, TT_MIN_DAYS, true, 1, false, NULL);
            k->n = 1;
            for (int i = 0; i < 5; i++)
                tt_constraint_add_item(k, a + i);
        }
    return inst;
}

static void test_fet_method_fills_a_full_timetable(void **state)
{
    (void)state;
    struct tt_instance *inst = full_school();
    assert_int_equal(inst->ndays, 5);
    for (int m = TT_METHOD_AUTO; m <= TT_METHOD_FET; m++) {
        for (uint64_t seed = 1; seed <= 3; seed++) {
            struct tt_result r;
            struct tt_solution *sol = solve_steps(inst, (enum tt_method)m, seed, 20000, &r);
            assert_int_equal(r.cost.hard, 0);
            assert_int_equal(tt_evaluate(inst, sol).hard, 0);
            for (int b = 0; b < inst->nblocks; b++)
                assert_true(sol->start[b] >= 0);
            tt_solution_free(&sol);
        }
    }
    tt_instance_free(&inst);
}

/* A rule FET's method does not keep (here: at most 4 periods a day for a
   teacher): asked for it, the solver uses the repair, and still solves. */
static void test_fet_method_falls_back_to_the_repair(void **state)
{
    (void)state;
    struct tt_instance *inst = feasible_school();
    struct tt_constraint *k = tt_add_constraint(inst, TT_MAX_PERIODS_DAY, true, 1, false, NULL);
    k->resource = res(inst, TT_TEACHER, "T1");
    k->n = 4;
    struct tt_result r;
    struct tt_solution *sol = solve_steps(inst, TT_METHOD_FET, 1, 20000, &r);
    assert_int_equal(r.cost.hard, 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_time_limit_ends_the_search_and_keeps_the_best(void **state)
{
    (void)state;
    /* every period costs: the search never reaches zero and runs to the limit */
    struct tt_instance *inst = endless_school();
    struct tt_options opt;
    tt_options_init(&opt);
    opt.time_limit = 0.5;
    struct tt_solution *sol = tt_solution_new(inst);
    struct tt_result r;
    char *error = NULL;
    assert_int_equal(tt_solve(inst, sol, &opt, &r, &error), 0);
    assert_false(r.cancelled);
    assert_true(r.seconds >= 0.5);
    assert_true(r.seconds < 30); /* stopped, with a wide margin for slow machines */
    assert_int_equal(r.cost.hard, 0);
    assert_true(r.cost.soft > 0);
    /* the timetable handed back is the one priced */
    struct tt_cost c = tt_evaluate(inst, sol);
    assert_int_equal(c.hard, r.cost.hard);
    assert_int_equal(c.soft, r.cost.soft);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_two_threads_find_a_timetable_without_hard_violations(void **state)
{
    (void)state;
    struct tt_instance *inst = feasible_school();
    struct tt_options opt;
    tt_options_init(&opt);
    opt.time_limit = 10;
    opt.threads = 2;
    struct tt_solution *sol = tt_solution_new(inst);
    struct tt_result r;
    char *error = NULL;
    assert_int_equal(tt_solve(inst, sol, &opt, &r, &error), 0);
    assert_int_equal(r.cost.hard, 0);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    assert_int_equal(tt_statistics(inst, sol).unplaced, 0);
    assert_true(r.iterations > 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_teacher_in_two_classes_at_once_is_one_hard_violation_per_period),
        cmocka_unit_test(test_class_and_room_clashes_are_hard),
        cmocka_unit_test(test_unavailable_teacher_period_is_hard_and_named),
        cmocka_unit_test(test_block_may_not_cross_a_break_or_the_end_of_the_day),
        cmocka_unit_test(test_blocks_of_a_lesson_on_different_days),
        cmocka_unit_test(test_pinned_block_must_stay),
        cmocka_unit_test(test_room_must_fit_the_group_and_have_the_type),
        cmocka_unit_test(test_teacher_gaps_are_idle_periods_between_lessons_not_breaks),
        cmocka_unit_test(test_class_gaps_per_day_limit),
        cmocka_unit_test(test_subject_at_most_n_periods_a_day),
        cmocka_unit_test(test_teacher_periods_per_day_and_days_per_week),
        cmocka_unit_test(test_teacher_preferences_weigh_time_day_subject_room_40_30_20_10),
        cmocka_unit_test(test_room_stability_counts_extra_rooms_of_a_class),
        cmocka_unit_test(test_same_start_not_overlapping_and_allowed_starts),
        cmocka_unit_test(test_daily_and_weekly_limits_count_what_a_person_would),
        cmocka_unit_test(test_constraints_over_blocks_count_pairs_and_periods),
        cmocka_unit_test(test_incremental_cost_equals_full_evaluation_after_every_move),
        cmocka_unit_test(test_diagnosis_names_an_overloaded_teacher_and_an_impossible_block),
        cmocka_unit_test(test_diagnosis_class_with_more_lessons_than_periods_and_no_room),
        cmocka_unit_test(test_lessons_tied_to_a_period_need_rooms_for_all),
        cmocka_unit_test(test_fet_method_fills_a_full_timetable),
        cmocka_unit_test(test_fet_method_falls_back_to_the_repair),
        cmocka_unit_test(test_solver_finds_a_timetable_without_hard_violations),
        cmocka_unit_test(test_same_seed_and_iterations_give_the_same_timetable),
        cmocka_unit_test(test_cancel_stops_the_search_at_once),
        cmocka_unit_test(test_time_limit_ends_the_search_and_keeps_the_best),
        cmocka_unit_test(test_two_threads_find_a_timetable_without_hard_violations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
