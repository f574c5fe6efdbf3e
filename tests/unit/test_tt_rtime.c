/*
 * Resource time patterns (issue #17, part rtime): FET's max hours
 * continuously, interval max days per week, min resting hours, activity
 * (activities) end students day and max span per day's one-day exception.
 *
 * Each rule is priced by hand on small placements, the violating ones
 * included, with the boundary cases fet-cl was asked about on crafted files
 * (a break ends a continuous run; an interval's end hour is not in it; a
 * break counts as resting; one day may reach the span + 1); the
 * incremental evaluator must agree with a full evaluation after every
 * random move with these rules present; and on tests/data/fet/rtime.fet,
 * which uses every FET variant, fet-cl's own timetable prices hard 0 with
 * us, our solver's timetable locked into the file is accepted by fet-cl,
 * and a timetable that breaks a rule prices > 0 and is refused by fet-cl.
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

#include "core/util.h"
#include "timetable/timetable.h"
#include "tt_test_support.h"

/* 5 days x 6 periods (Spanish day names), teachers T1 and T2, classes C1
   and C2, one subject. */
static struct tt_instance *school(void)
{
    struct tt_instance *inst = tt_instance_new("rtime");
    for (int p = 0; p < 6; p++)
        tt_add_period(inst, NULL, 420 + 40 * p, 460 + 40 * p);
    tt_add_resource(inst, TT_TEACHER, "T1");
    tt_add_resource(inst, TT_TEACHER, "T2");
    tt_add_resource(inst, TT_CLASS, "C1");
    tt_add_resource(inst, TT_CLASS, "C2");
    tt_add_subject(inst, "Matemática");
    tt_add_subject(inst, "Física");
    return inst;
}

/* One block of len periods of subject for a class and/or a teacher. */
static int block(struct tt_instance *inst, int subject, const char *cls, const char *teacher,
                 int len)
{
    int l = tt_add_lesson(inst, subject);
    if (cls)
        tt_lesson_add_class(inst, l, res(inst, TT_CLASS, cls));
    if (teacher)
        tt_lesson_add_teacher(inst, l, res(inst, TT_TEACHER, teacher));
    return tt_lesson_add_block(inst, l, len, 0);
}

static struct tt_constraint *rule(struct tt_instance *inst, enum tt_ctype type, const char *who,
                                  enum tt_kind kind, int n, int flag)
{
    int r = res(inst, kind, who);
    struct tt_constraint *c = tt_add_constraint(inst, type, true, 1, true, "prueba");
    c->resource = r;
    c->n = n;
    c->flag = flag;
    return c;
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

static long hard(const struct tt_instance *inst, const struct tt_solution *sol)
{
    return tt_evaluate(inst, sol).hard;
}

/* --- Prices by hand ----------------------------------------------------- */

static void test_max_continuous_counts_periods_beyond_n_in_each_run(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int b[5];
    for (int i = 0; i < 5; i++)
        b[i] = block(inst, 0, NULL, "T1", 1);
    int big = block(inst, 1, NULL, "T1", 3);
    rule(inst, TT_MAX_CONTINUOUS, "T1", TT_TEACHER, 2, 0);
    struct tt_solution *sol = tt_solution_new(inst);
    /* Monday 0-1-2 (a run of 3) and 4-5 (a run of 2) */
    sol->start[b[0]] = slot(inst, 0, 0);
    sol->start[b[1]] = slot(inst, 0, 1);
    sol->start[b[2]] = slot(inst, 0, 2);
    sol->start[b[3]] = slot(inst, 0, 4);
    sol->start[b[4]] = slot(inst, 0, 5);
    sol->start[big] = slot(inst, 1, 0);
    assert_int_equal(hard(inst, sol), 1 + 1); /* Monday 3 > 2, Tuesday's block of 3 */
    assert_true(explained(inst, sol, TT_ES, "El docente T1 tiene más de 2 períodos de clase seguidos",
                          "Lunes 3, Martes 3"));
    assert_true(explained(inst, sol, TT_EN, "Teacher T1 has more than 2 lesson periods in a row",
                          NULL));
    /* a free period ends a run: 0-1, 3-4-5 -> 1 unit on Monday */
    sol->start[b[2]] = slot(inst, 0, 3);
    sol->start[big] = slot(inst, 2, 3);
    assert_int_equal(hard(inst, sol), 2);
    sol->start[big] = -1; /* unplaced: 3 built-in units, none of ours */
    sol->start[b[3]] = slot(inst, 3, 0);
    assert_int_equal(hard(inst, sol), 3);
    tt_solution_free(&sol);

    /* FET's break (a closed period) ends a run too: fet-cl accepts a
       teacher at 1, 2 and 4 with a break at 3 under max 2 continuously */
    tt_instance_free(&inst);
    inst = school();
    for (int i = 0; i < 3; i++)
        b[i] = block(inst, 0, NULL, "T1", 1);
    rule(inst, TT_MAX_CONTINUOUS, "T1", TT_TEACHER, 2, 0);
    inst->closed[0] = (uint64_t)1 << 2;
    sol = tt_solution_new(inst);
    sol->start[b[0]] = slot(inst, 0, 0);
    sol->start[b[1]] = slot(inst, 0, 1);
    sol->start[b[2]] = slot(inst, 0, 3);
    assert_int_equal(hard(inst, sol), 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_interval_max_days_counts_days_touching_the_interval(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int a = block(inst, 0, "C1", NULL, 1), b = block(inst, 0, "C1", NULL, 1);
    int two = block(inst, 1, "C1", NULL, 2);
    /* periods 1 and 2 (FET: start hour 2, end hour 4, which is not in it) */
    struct tt_constraint *c = rule(inst, TT_INTERVAL_MAX_DAYS, "C1", TT_CLASS, 1, 0);
    for (int d = 0; d < 5; d++)
        for (int p = 1; p < 3; p++)
            tt_constraint_set_slot(c, d, p);
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 0, 2);
    sol->start[b] = slot(inst, 1, 3); /* the end hour: outside */
    sol->start[two] = slot(inst, 4, 4);
    assert_int_equal(hard(inst, sol), 0);
    sol->start[b] = slot(inst, 1, 1);
    assert_int_equal(hard(inst, sol), 1); /* 2 days, the lightest has 1 period */
    assert_true(explained(inst, sol, TT_ES, "La sección C1 tiene clases entre los períodos 2 y 3 en 2 días (máximo 1)",
                          "Lunes, Martes"));
    assert_true(explained(inst, sol, TT_EN, "Class C1 has lessons in periods 2 to 3 on 2 days (at most 1)",
                          NULL));
    /* a double lesson that only overlaps the interval counts (fet-cl
       refuses it as well) */
    sol->start[b] = slot(inst, 0, 4);
    sol->start[two] = slot(inst, 2, 0);
    assert_int_equal(hard(inst, sol), 1);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_min_resting_counts_missing_periods_between_days(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int a = block(inst, 0, NULL, "T1", 1), b = block(inst, 0, NULL, "T1", 1);
    rule(inst, TT_MIN_RESTING, "T1", TT_TEACHER, 3, 0);
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 0, 5); /* last period Monday */
    sol->start[b] = slot(inst, 1, 1); /* rest: 0 + 1 */
    assert_int_equal(hard(inst, sol), 2);
    assert_true(explained(inst, sol, TT_ES, "El docente T1 descansa menos de 3 períodos", "Lunes a Martes 1"));
    assert_true(explained(inst, sol, TT_EN, "Teacher T1 rests fewer than 3 periods", "Lunes to Martes 1"));
    sol->start[a] = slot(inst, 0, 3); /* rest 2 + 1 */
    assert_int_equal(hard(inst, sol), 0);
    sol->start[b] = slot(inst, 2, 0); /* Tuesday empty: nothing to price */
    sol->start[a] = slot(inst, 0, 5);
    assert_int_equal(hard(inst, sol), 0);
    /* Friday's end to Monday's start only when circular */
    sol->start[a] = slot(inst, 4, 5);
    sol->start[b] = slot(inst, 0, 0);
    assert_int_equal(hard(inst, sol), 0);
    inst->constraints[0].flag = 1;
    assert_int_equal(hard(inst, sol), 3);
    tt_solution_free(&sol);

    /* a break (closed period) at the end of the day rests (fet-cl: a
       teacher at 4, break at 6, then at 2 the next day meets 2 hours and
       not 3) */
    inst->constraints[0].flag = 0;
    inst->closed[0] = (uint64_t)1 << 5;
    sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 0, 4);
    sol->start[b] = slot(inst, 1, 1);
    assert_int_equal(hard(inst, sol), 1);
    inst->constraints[0].n = 2;
    assert_int_equal(hard(inst, sol), 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_ends_day_prices_the_class_periods_after_the_block(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int last = block(inst, 0, "C1", "T1", 1);
    int other = block(inst, 1, "C1", "T2", 2);
    int teacher_only = block(inst, 1, NULL, "T1", 1);
    int c2 = block(inst, 1, "C2", NULL, 1);
    struct tt_constraint *c = rule(inst, TT_ENDS_DAY, "C1", TT_CLASS, 0, 0);
    tt_constraint_add_item(c, last);
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[last] = slot(inst, 0, 2);
    sol->start[other] = slot(inst, 0, 0);
    sol->start[teacher_only] = slot(inst, 0, 4); /* not the class's */
    sol->start[c2] = slot(inst, 0, 5);           /* another class */
    assert_int_equal(hard(inst, sol), 0);
    sol->start[other] = slot(inst, 0, 3);
    assert_int_equal(hard(inst, sol), 2);
    assert_true(explained(inst, sol, TT_ES, "La sección C1 tiene 2 período(s) de clase después de clases que deben terminar su día",
                          "«Matemática» el Lunes"));
    assert_true(explained(inst, sol, TT_EN, "Class C1 has 2 lesson period(s) after lessons that must end its day",
                          NULL));
    sol->start[other] = slot(inst, 1, 3); /* another day */
    assert_int_equal(hard(inst, sol), 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_span_exception_lets_one_day_reach_n_plus_one(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int b[4];
    for (int i = 0; i < 4; i++)
        b[i] = block(inst, 0, NULL, "T1", 1);
    rule(inst, TT_MAX_SPAN_DAY, "T1", TT_TEACHER, 2, 1);
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[b[0]] = slot(inst, 0, 0);
    sol->start[b[1]] = slot(inst, 0, 2); /* span 3 = 2 + 1: the one exception */
    sol->start[b[2]] = slot(inst, 1, 0);
    sol->start[b[3]] = slot(inst, 1, 1);
    assert_int_equal(hard(inst, sol), 0);
    sol->start[b[3]] = slot(inst, 1, 2); /* a second day of 3 */
    assert_int_equal(hard(inst, sol), 1);
    assert_true(explained(inst, sol, TT_ES, "El docente T1 pasa más de 2 períodos entre su primera y su última clase (solo un día puede llegar a 3)",
                          "Lunes 3, Martes 3"));
    assert_true(explained(inst, sol, TT_EN, "only one day may reach 3", NULL));
    sol->start[b[3]] = slot(inst, 1, 1);
    sol->start[b[1]] = slot(inst, 0, 3); /* span 4: over even with it */
    assert_int_equal(hard(inst, sol), 1);
    inst->constraints[0].flag = 0; /* without the exception: every period over */
    assert_int_equal(hard(inst, sol), 2);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

/* Soft rules cost weight x units. */
static void test_soft_rule_costs_weight_per_unit(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int a = block(inst, 0, NULL, "T1", 1), b = block(inst, 0, NULL, "T1", 1);
    struct tt_constraint *c = rule(inst, TT_MIN_RESTING, "T1", TT_TEACHER, 3, 0);
    c->hard = false;
    c->weight = 7;
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 2, 5);
    sol->start[b] = slot(inst, 3, 0);
    struct tt_cost cost = tt_evaluate(inst, sol);
    assert_int_equal(cost.hard, 0);
    assert_int_equal(cost.soft, 3 * 7);
    assert_true(explained(inst, sol, TT_ES, "descansa menos de 3", "(peso 7)"));
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

/* --- Incremental evaluation --------------------------------------------- */

static void test_incremental_cost_equals_full_evaluation_with_time_patterns(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    tt_add_resource(inst, TT_CLASS, "C3");
    tt_add_resource(inst, TT_ROOM, "R1");
    int items[40], nitems = 0;
    static const char *const cls[] = {"C1", "C2", "C3"};
    for (int i = 0; i < 36; i++) {
        int l = tt_add_lesson(inst, i % 2);
        tt_lesson_add_class(inst, l, res(inst, TT_CLASS, cls[i % 3]));
        if (i % 4 == 0) /* a lesson of two classes */
            tt_lesson_add_class(inst, l, res(inst, TT_CLASS, cls[(i + 1) % 3]));
        tt_lesson_add_teacher(inst, l, res(inst, TT_TEACHER, i % 2 ? "T1" : "T2"));
        items[nitems++] = tt_lesson_add_block(inst, l, 1 + i % 3, 0);
    }
    inst->closed[2] = (uint64_t)1 << 3;
    static const enum tt_ctype types[] = {TT_MAX_CONTINUOUS, TT_INTERVAL_MAX_DAYS, TT_MIN_RESTING,
                                          TT_MAX_SPAN_DAY};
    for (size_t t = 0; t < 4; t++) {
        for (int r = 0; r < 5; r++) { /* T1 T2 C1 C2 C3 */
            struct tt_constraint *c = tt_add_constraint(inst, types[t], (t + r) % 2, 3, true, NULL);
            c->resource = r;
            c->n = 1 + (int)(t + r) % 3;
            c->flag = r % 2 == 0;
            for (int d = 0; d < 5; d++)
                for (int p = r % 3; p < 4; p++)
                    tt_constraint_set_slot(c, d, p);
        }
    }
    /* each class: a rule over its blocks that must end the day */
    for (int k = 0; k < 3; k++) {
        int r = res(inst, TT_CLASS, cls[k]);
        struct tt_constraint *c = tt_add_constraint(inst, TT_ENDS_DAY, k != 1, 2, false, NULL);
        c->resource = r;
        for (int i = 0; i < nitems; i++) {
            const struct tt_lesson *l = &inst->lessons[inst->blocks[items[i]].lesson];
            bool has = false;
            for (int j = 0; j < l->nclasses; j++)
                has = has || l->classes[j] == r;
            if (has && i % 5 < 2)
                tt_constraint_add_item(c, items[i]);
        }
    }

    struct tt_solution *sol = tt_solution_new(inst);
    struct tt_eval *ev = tt_eval_new(inst, sol);
    uint64_t x = 987654321;
    long seen_hard = 0, seen_soft = 0;
    for (int step = 0; step < 4000; step++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int b = (int)((x >> 33) % (uint64_t)inst->nblocks);
        int s = (int)((x >> 17) % (uint64_t)(inst->ndays * inst->nperiods + 1)) - 1;
        struct tt_cost inc = tt_eval_move(ev, b, s, -1);
        struct tt_cost full = tt_evaluate(inst, tt_eval_solution(ev));
        assert_int_equal(inc.hard, full.hard);
        assert_int_equal(inc.soft, full.soft);
        seen_hard += inc.hard > 0;
        seen_soft += inc.soft > 0;
    }
    assert_true(seen_hard > 0 && seen_soft > 0); /* the rules did bite */
    tt_eval_free(&ev);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

/* --- The FET file ------------------------------------------------------- */


/* tests/data/fet/rtime.fet (in the repository), from this file's path. */
static void data_file(char *out, size_t n)
{
    const char *file = __FILE__;
    const char *cut = strstr(file, "tests/unit/");
    int len = cut ? (int)(cut - file) : 0;
    snprintf(out, n, "%.*stests/data/fet/rtime.fet", len, file);
}

static struct tt_instance *read_rtime(void)
{
    char path[1024], *err = NULL;
    data_file(path, sizeof(path));
    struct tt_instance *inst = tt_fet_read(path, &err);
    if (!inst)
        fail_msg("%s: %s", path, err);
    return inst;
}

static const struct tt_constraint *find(const struct tt_instance *inst, const char *origin, int r)
{
    for (int i = 0; i < inst->nconstraints; i++) {
        const struct tt_constraint *c = &inst->constraints[i];
        if (strcmp(c->origin, origin) == 0 && c->resource == r)
            return c;
    }
    fail_msg("no %s for resource %d", origin, r);
    return NULL;
}

static void test_fet_file_reads_every_variant(void **state)
{
    (void)state;
    struct tt_instance *inst = read_rtime();
    assert_int_equal(inst->nunsupported, 0);
    /* teachers Ana Beto Caro Dani; atomic sets 1A 1B 2 */
    int ana = res(inst, TT_TEACHER, "Ana"), beto = res(inst, TT_TEACHER, "Beto");
    int caro = res(inst, TT_TEACHER, "Caro");
    int s1a = res(inst, TT_CLASS, "1A"), s1b = res(inst, TT_CLASS, "1B");
    int s2 = res(inst, TT_CLASS, "2");
    /* Ana, every teacher (4), set 2, every set (3, at 90 %) */
    assert_int_equal(count_type(inst, TT_MAX_CONTINUOUS), 1 + 4 + 1 + 3);
    const struct tt_constraint *c = find(inst, "ConstraintTeacherMaxHoursContinuously", ana);
    assert_true(c->hard);
    assert_int_equal(c->n, 2);
    c = find(inst, "ConstraintStudentsMaxHoursContinuously", s1b);
    assert_false(c->hard);
    assert_int_equal(c->weight, 90);
    assert_int_equal(c->n, 4);
    /* Beto, every teacher, set 1 (1A, 1B), every set */
    assert_int_equal(count_type(inst, TT_INTERVAL_MAX_DAYS), 1 + 4 + 2 + 3);
    c = find(inst, "ConstraintTeacherIntervalMaxDaysPerWeek", beto);
    assert_int_equal(c->n, 2);
    assert_int_equal(c->slots[0], 0x3);  /* hours 1 and 2: hour 3 ends it */
    assert_int_equal(c->slots[4], 0x3);
    c = find(inst, "ConstraintTeachersIntervalMaxDaysPerWeek", caro);
    assert_int_equal(c->slots[2], 0x30); /* hour 5 to the end of the day */
    c = find(inst, "ConstraintStudentsSetIntervalMaxDaysPerWeek", s1a);
    assert_int_equal(c->slots[0], 0x20);
    assert_int_equal(c->n, 3);
    assert_int_equal(count_type(inst, TT_MIN_RESTING), 1 + 4 + 1 + 3);
    c = find(inst, "ConstraintTeacherMinRestingHours", caro);
    assert_int_equal(c->n, 3);
    assert_int_equal(c->flag, 0);
    c = find(inst, "ConstraintStudentsSetMinRestingHours", s2);
    assert_int_equal(c->n, 2);
    assert_int_equal(c->flag, 1);
    /* activity 5 (year 1: 1A, 1B); sport of year 1 (1A, 1B) and 2 */
    assert_int_equal(count_type(inst, TT_ENDS_DAY), 2 + 3);
    c = find(inst, "ConstraintActivityEndsStudentsDay", s1b);
    assert_int_equal(c->nitems, 1);
    assert_int_equal(c->items[0], tt_find_block(inst, 5));
    c = find(inst, "ConstraintActivitiesEndStudentsDay", s2);
    assert_int_equal(c->nitems, 2);
    c = find(inst, "ConstraintActivitiesEndStudentsDay", s1a);
    assert_int_equal(c->nitems, 2);
    c = find(inst, "ConstraintTeacherMaxSpanPerDay", caro);
    assert_int_equal(c->type, TT_MAX_SPAN_DAY);
    assert_int_equal(c->n, 4);
    assert_int_equal(c->flag, 1);
    tt_instance_free(&inst);
}

static void test_fet_errors_name_the_line(void **state)
{
    (void)state;
    char path[1024], *err = NULL;
    data_file(path, sizeof(path));
    char *orig = slurp(path);
    static const struct {
        const char *from, *to, *msg;
    } cases[] = {
        {"<Interval_End_Hour>3</Interval_End_Hour>", "<Interval_End_Hour>1</Interval_End_Hour>",
         "termina antes de empezar"},
        {"<Interval_End_Hour>3</Interval_End_Hour>", "<Interval_End_Hour>9</Interval_End_Hour>",
         "la hora «9» no existe"},
        {"<Minimum_Resting_Hours>3</Minimum_Resting_Hours>",
         "<Minimum_Resting_Hours>7</Minimum_Resting_Hours>", "entre 0 y 6"},
        {"<Maximum_Hours_Continuously>2</Maximum_Hours_Continuously>",
         "<Maximum_Hours_Continuously>-1</Maximum_Hours_Continuously>", "Maximum_Hours_Continuously"},
        {"<Activity_Id>5</Activity_Id>", "<Activity_Id>x</Activity_Id>", "no es un número de actividad"},
    };
    char *bad = str_fmt("%s/bad.fet", tmpdir);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *at = strstr(orig, cases[i].from);
        assert_non_null(at);
        FILE *fp = fopen(bad, "wb");
        assert_non_null(fp);
        fwrite(orig, 1, (size_t)(at - orig), fp);
        fputs(cases[i].to, fp);
        fputs(at + strlen(cases[i].from), fp);
        fclose(fp);
        struct tt_instance *inst = tt_fet_read(bad, &err);
        assert_null(inst);
        if (!strstr(err, cases[i].msg) || !strstr(err, "bad.fet") || !strstr(err, "línea"))
            fail_msg("case %zu: %s", i, err);
        free(err);
        err = NULL;
    }
    free(bad);
    free(orig);
}

/* --- Against fet-cl ------------------------------------------------------ */

static long units_of(const struct tt_instance *inst, const struct tt_solution *sol,
                     enum tt_ctype type)
{
    struct tt_violation *v = NULL;
    int n = tt_explain(inst, sol, TT_EN, &v);
    long u = 0;
    for (int i = 0; i < n; i++)
        if (v[i].hard && v[i].constraint >= 0 && inst->constraints[v[i].constraint].type == type)
            u += v[i].cost;
    tt_violations_free(v, n);
    return u;
}

static void test_fet_cl_and_we_agree_on_the_crafted_file(void **state)
{
    (void)state;
    if (!have_fet_cl())
        skip();
    char path[1024], *err = NULL;
    data_file(path, sizeof(path));
    struct tt_instance *inst = read_rtime();

    /* (a) FET's own timetable has no hard violation for us */
    char *out1 = str_fmt("%s/fet1", tmpdir);
    assert_true(fet_cl_solves(path, out1, 10));
    char *xml = str_fmt("%s/timetables/rtime/rtime_activities.xml", out1);
    struct tt_solution *fets = tt_solution_new(inst);
    if (tt_fet_read_solution(inst, xml, fets, &err) != 0)
        fail_msg("%s", err);
    assert_int_equal(tt_evaluate(inst, fets).hard, 0);

    /* (b) ours, locked into the file, is accepted by fet-cl in place */
    struct tt_options opt;
    tt_options_init(&opt);
    opt.time_limit = 10;
    opt.seed = 17;
    opt.stop_at_feasible = true;
    struct tt_solution *ours = tt_solution_new(inst);
    struct tt_result r;
    if (tt_solve(inst, ours, &opt, &r, &err) != 0)
        fail_msg("%s", err);
    assert_int_equal(r.cost.hard, 0);
    char *locked = str_fmt("%s/locked.fet", tmpdir), *out2 = str_fmt("%s/fet2", tmpdir);
    assert_int_equal(tt_fet_write_locked(inst, ours, path, locked, &err), 0);
    assert_true(fet_cl_solves(locked, out2, 10));
    char *xml2 = str_fmt("%s/timetables/locked/locked_activities.xml", out2);
    struct tt_solution *back = tt_solution_new(inst);
    if (tt_fet_read_solution(inst, xml2, back, &err) != 0)
        fail_msg("%s", err);
    for (int b = 0; b < inst->nblocks; b++)
        assert_int_equal(back->start[b], ours->start[b]);

    /* (c) activity 5 must end year 1's day: swapped with one of Beto's
       other single lessons of year 1 (same teacher, same students, so
       nothing else changes), it no longer does; we price it and fet-cl
       refuses the locked timetable */
    int b5 = tt_find_block(inst, 5);
    int swapped = -1;
    for (long id = 6; id <= 7 && swapped < 0; id++) {
        int o = tt_find_block(inst, id);
        int t = ours->start[b5];
        ours->start[b5] = ours->start[o];
        ours->start[o] = t;
        if (units_of(inst, ours, TT_ENDS_DAY) > 0 && tt_evaluate(inst, ours).hard ==
                                                       units_of(inst, ours, TT_ENDS_DAY))
            swapped = o;
        else
            ours->start[o] = ours->start[b5], ours->start[b5] = t;
    }
    assert_true(swapped >= 0);
    char *out3 = str_fmt("%s/fet3", tmpdir);
    assert_int_equal(tt_fet_write_locked(inst, ours, path, locked, &err), 0);
    assert_false(fet_cl_solves(locked, out3, 1));

    free(out1), free(out2), free(out3), free(xml), free(xml2), free(locked);
    tt_solution_free(&fets);
    tt_solution_free(&ours);
    tt_solution_free(&back);
    tt_instance_free(&inst);
}

static int setup(void **state)
{
    (void)state;
    return make_tmpdir("test_tt_rtime");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_max_continuous_counts_periods_beyond_n_in_each_run),
        cmocka_unit_test(test_interval_max_days_counts_days_touching_the_interval),
        cmocka_unit_test(test_min_resting_counts_missing_periods_between_days),
        cmocka_unit_test(test_ends_day_prices_the_class_periods_after_the_block),
        cmocka_unit_test(test_span_exception_lets_one_day_reach_n_plus_one),
        cmocka_unit_test(test_soft_rule_costs_weight_per_unit),
        cmocka_unit_test(test_incremental_cost_equals_full_evaluation_with_time_patterns),
        cmocka_unit_test(test_fet_file_reads_every_variant),
        cmocka_unit_test(test_fet_errors_name_the_line),
        cmocka_unit_test(test_fet_cl_and_we_agree_on_the_crafted_file),
    };
    return cmocka_run_group_tests(tests, setup, tmpdir_teardown);
}
