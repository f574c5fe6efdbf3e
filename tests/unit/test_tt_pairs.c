/*
 * FET's rules over named activities (issue #17, part "pairs"): two
 * activities consecutive, grouped, ordered and ordered if same day, three
 * activities grouped, max days between activities.
 *
 * Each rule is priced on hand-made placements small enough to count by
 * hand (breaks between lessons allowed, day ends not, as fet-cl does), the
 * pairwise pricing of "grouped" is compared with the plain definition over
 * every placement of a small day, the incremental evaluator is checked
 * against a full evaluation after random moves, and tests/data/fet/
 * pairs.fet (a crafted week with every rule, pins that force a break
 * between consecutive lessons) ties our reading to FET's: fet-cl's own
 * timetable costs 0 hard with us, our solver's timetable locked into the
 * file is accepted by fet-cl, and a timetable that breaks a rule is priced
 * > 0 and refused by fet-cl.
 */
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

#include "core/util.h"
#include "timetable/timetable.h"
#include "tt_test_support.h"

#define EXAMPLES "/usr/share/doc/fet-data/examples/FET-5-official"


/* tests/data/fet/pairs.fet, from this file's path. */
static char *pairs_fet(void)
{
    const char *file = __FILE__;
    const char *cut = strstr(file, "tests/unit/");
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_addf(&sb, "%.*stests/data/fet/pairs.fet", cut ? (int)(cut - file) : 0, file);
    return strbuf_steal(&sb);
}

/* --- Hand-made placements ------------------------------------------------ */

/* A week of ndays days x 6 periods, period 4 (index 3) a break (closed)
   on Monday only, and one teacher per block so that nothing clashes:
   blocks a (1 period), b (2), c (1), x (1). */
static struct tt_instance *week_of(int ndays, int *a, int *b, int *c, int *x)
{
    struct tt_instance *inst = tt_instance_new("pares");
    tt_set_days(inst, ndays, NULL);
    for (int p = 0; p < 6; p++)
        tt_add_period(inst, NULL, 420 + 45 * p, 465 + 45 * p);
    inst->closed[0] = (uint64_t)1 << 3;
    int subject = tt_add_subject(inst, "Física");
    static const char *const who[4] = {"TA", "TB", "TC", "TX"};
    static const int len[4] = {1, 2, 1, 1};
    int *out[4] = {a, b, c, x};
    for (int i = 0; i < 4; i++) {
        int l = tt_add_lesson(inst, subject);
        tt_lesson_add_teacher(inst, l, tt_add_resource(inst, TT_TEACHER, who[i]));
        *out[i] = tt_lesson_add_block(inst, l, len[i], 10 + i);
    }
    return inst;
}

static struct tt_instance *week(int *a, int *b, int *c, int *x)
{
    return week_of(5, a, b, c, x);
}

static int at(const struct tt_instance *inst, int day, int period)
{
    return day * inst->nperiods + period;
}

/* Every block placed on Friday's first period (each has its own teacher:
   no clash), so that only the rule under test costs anything. */
static struct tt_solution *all_placed(const struct tt_instance *inst)
{
    struct tt_solution *sol = tt_solution_new(inst);
    for (int b = 0; b < inst->nblocks; b++)
        sol->start[b] = at(inst, 4, 0);
    return sol;
}

static struct tt_constraint *rule(struct tt_instance *inst, enum tt_ctype type, bool hard,
                                  int n, int b1, int b2, int b3)
{
    struct tt_constraint *c = tt_add_constraint(inst, type, hard, 7, false, "prueba");
    c->n = n;
    tt_constraint_add_item(c, b1);
    tt_constraint_add_item(c, b2);
    if (b3 >= 0)
        tt_constraint_add_item(c, b3);
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

/* Only the one rule under test: drops the constraints (they own memory). */
static void clear_rules(struct tt_instance *inst)
{
    for (int i = 0; i < inst->nconstraints; i++) {
        free(inst->constraints[i].items);
        free(inst->constraints[i].origin);
    }
    inst->nconstraints = 0;
}

static void test_consecutive_lessons_may_have_a_break_between_but_not_a_night(void **state)
{
    (void)state;
    int a, b, c, x;
    struct tt_instance *inst = week(&a, &b, &c, &x);
    struct tt_solution *sol = all_placed(inst);
    rule(inst, TT_CONSECUTIVE, true, 0, a, b, -1);
    sol->start[a] = at(inst, 1, 0);
    sol->start[b] = at(inst, 1, 1); /* right after */
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    sol->start[a] = at(inst, 0, 2);
    sol->start[b] = at(inst, 0, 4); /* the break (index 3) between */
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    sol->start[a] = at(inst, 1, 2);
    sol->start[b] = at(inst, 1, 4); /* Tuesday has no break there: a free period */
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    assert_true(explained(inst, sol, TT_ES, "debe empezar justo cuando termina", "[id 10]"));
    assert_true(explained(inst, sol, TT_EN, "must start right when", "Martes, period 5"));
    sol->start[a] = at(inst, 1, 1);
    sol->start[b] = at(inst, 1, 0); /* the wrong order */
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    sol->start[a] = at(inst, 1, 5);
    sol->start[b] = at(inst, 2, 0); /* the day's last period, then the next day's first */
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    sol->start[b] = -1; /* nothing to relate while one is not placed */
    assert_int_equal(tt_evaluate(inst, sol).hard, 2); /* the unplaced block itself */
    /* soft: the weight per broken pair */
    clear_rules(inst);
    rule(inst, TT_CONSECUTIVE, false, 0, a, b, -1);
    sol->start[b] = at(inst, 2, 0);
    struct tt_cost cost = tt_evaluate(inst, sol);
    assert_int_equal(cost.hard, 0);
    assert_int_equal(cost.soft, 7);
    assert_true(explained(inst, sol, TT_ES, "(peso 7)", NULL));
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_grouped_lessons_go_side_by_side_in_either_order(void **state)
{
    (void)state;
    int a, b, c, x;
    struct tt_instance *inst = week(&a, &b, &c, &x);
    struct tt_solution *sol = all_placed(inst);
    rule(inst, TT_GROUPED, true, 0, a, b, -1);
    sol->start[b] = at(inst, 2, 0);
    sol->start[a] = at(inst, 2, 2); /* b then a */
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    sol->start[a] = at(inst, 0, 2);
    sol->start[b] = at(inst, 0, 4); /* around Monday's break */
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    sol->start[a] = at(inst, 2, 3);
    sol->start[b] = at(inst, 2, 0); /* one free period between */
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    assert_true(explained(inst, sol, TT_ES, "deben ir una junto a la otra", "Miércoles, período 4"));
    assert_true(explained(inst, sol, TT_EN, "must be side by side", NULL));
    sol->start[a] = at(inst, 3, 0);
    sol->start[b] = at(inst, 2, 4); /* end of one day, start of the next */
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);

    /* three: c, b, [break], a on Monday is side by side */
    clear_rules(inst);
    rule(inst, TT_GROUPED3, true, 0, a, b, c);
    sol->start[c] = at(inst, 0, 0);
    sol->start[b] = at(inst, 0, 1);
    sol->start[a] = at(inst, 0, 4);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    /* a one period later: a-b leave the length of c free, which is fine
       for that pair alone, but c-a leave 3 free periods, not b's 2 */
    sol->start[a] = at(inst, 0, 5);
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    assert_true(explained(inst, sol, TT_ES, "deben ir seguidas el mismo día", "1 par(es)"));
    assert_true(explained(inst, sol, TT_EN, "must follow each other on the same day", "Lunes, period 6"));
    sol->start[a] = at(inst, 1, 0);
    sol->start[b] = at(inst, 2, 0); /* three days: no pair together */
    assert_int_equal(tt_evaluate(inst, sol).hard, 3);
    /* b in the middle, the other order */
    sol->start[a] = at(inst, 4, 0);
    sol->start[b] = at(inst, 4, 1);
    sol->start[c] = at(inst, 4, 3);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    sol->start[c] = at(inst, 4, 2); /* overlaps b */
    assert_int_equal(tt_evaluate(inst, sol).hard, 2);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_ordered_lessons_and_max_days_between(void **state)
{
    (void)state;
    int a, b, c, x;
    struct tt_instance *inst = week(&a, &b, &c, &x);
    struct tt_solution *sol = all_placed(inst);
    /* b (2 periods) before x, in the week */
    rule(inst, TT_ORDERED, true, 0, b, x, -1);
    sol->start[b] = at(inst, 1, 4);
    sol->start[x] = at(inst, 2, 0);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    sol->start[x] = at(inst, 1, 0); /* earlier the same day */
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    assert_true(explained(inst, sol, TT_ES, "debe empezar después de que termine", "orden de la semana"));
    assert_true(explained(inst, sol, TT_EN, "must start after", "order of the week"));
    sol->start[x] = at(inst, 1, 5); /* while b still runs */
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    sol->start[x] = at(inst, 0, 5); /* a day before */
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    /* the same only within a day */
    clear_rules(inst);
    rule(inst, TT_ORDERED_IF_SAME_DAY, true, 0, b, x, -1);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    sol->start[x] = at(inst, 1, 1);
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    assert_true(explained(inst, sol, TT_EN, "since both are on the same day", NULL));
    /* at most one day between any two of a, c and x */
    clear_rules(inst);
    rule(inst, TT_MAX_DAYS_BETWEEN, true, 1, a, c, x);
    sol->start[a] = at(inst, 0, 0);
    sol->start[c] = at(inst, 1, 0);
    sol->start[x] = at(inst, 1, 3);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    sol->start[x] = at(inst, 3, 0); /* 3 and 2 days from a and c */
    assert_int_equal(tt_evaluate(inst, sol).hard, 2);
    assert_true(explained(inst, sol, TT_ES, "a lo sumo a 1 día(s)", "2 par(es)"));
    assert_true(explained(inst, sol, TT_EN, "at most 1 day(s) apart", "latest on Jueves"));
    inst->constraints[0].n = 3;
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    inst->constraints[0].n = 0; /* all on one day */
    sol->start[a] = at(inst, 3, 1);
    sol->start[c] = at(inst, 3, 2);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    sol->start[c] = at(inst, 4, 2);
    assert_int_equal(tt_evaluate(inst, sol).hard, 2);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

/* The plain definition: b starts at a's end or later on the same day with
   only closed periods between. */
static bool plain_follows(const struct tt_instance *inst, const struct tt_solution *sol, int a,
                          int b)
{
    int sa = sol->start[a], sb = sol->start[b], n = inst->nperiods;
    if (sa / n != sb / n)
        return false;
    int end = sa % n + inst->blocks[a].length;
    if (sb % n < end)
        return false;
    for (int p = end; p < sb % n; p++)
        if (!((inst->closed[sa / n] >> p) & 1))
            return false;
    return true;
}

/* Every placement of a, b and c on two days with a break on one: the
   pairwise prices are 0 exactly when the definition holds. */
static void test_pairwise_grouping_agrees_with_the_definition_everywhere(void **state)
{
    (void)state;
    int a, b, c, x;
    /* Monday (a break at index 3) and Tuesday */
    struct tt_instance *inst = week_of(2, &a, &b, &c, &x);
    rule(inst, TT_GROUPED3, false, 0, a, b, c)->weight = 1;
    rule(inst, TT_GROUPED, false, 0, a, b, -1)->weight = 10;
    rule(inst, TT_CONSECUTIVE, false, 0, b, c, -1)->weight = 100;
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[x] = 0; /* placed, its own teacher: costs nothing */
    int valid[3][16], nvalid[3] = {0, 0, 0};
    const int blk[3] = {a, b, c};
    for (int i = 0; i < 3; i++)
        for (int s = 0; s < 12; s++) {
            int p = s % 6, len = inst->blocks[blk[i]].length;
            bool ok = p + len <= 6;
            for (int k = 0; k < len && ok; k++)
                ok = !((inst->closed[s / 6] >> (p + k)) & 1);
            if (ok)
                valid[i][nvalid[i]++] = s;
        }
    int together = 0;
    for (int i = 0; i < nvalid[0]; i++)
        for (int j = 0; j < nvalid[1]; j++)
            for (int k = 0; k < nvalid[2]; k++) {
                sol->start[a] = valid[0][i];
                sol->start[b] = valid[1][j];
                sol->start[c] = valid[2][k];
                const int p3[6][3] = {{a, b, c}, {a, c, b}, {b, a, c},
                                      {b, c, a}, {c, a, b}, {c, b, a}};
                bool three = false;
                for (int q = 0; q < 6 && !three; q++)
                    three = plain_follows(inst, sol, p3[q][0], p3[q][1]) &&
                            plain_follows(inst, sol, p3[q][1], p3[q][2]);
                bool two = plain_follows(inst, sol, a, b) || plain_follows(inst, sol, b, a);
                bool cons = plain_follows(inst, sol, b, c);
                /* soft weights 1, 10 and 100 tell the rules' units apart
                   (at most 3, 1 and 1) */
                struct tt_cost cost = tt_evaluate(inst, sol);
                assert_int_equal(cost.hard, 0);
                long g3 = cost.soft % 10, g2 = cost.soft / 10 % 10, c2 = cost.soft / 100;
                if ((g3 == 0) != three || (g2 == 0) != two || (c2 == 0) != cons)
                    fail_msg("a at %d, b at %d, c at %d: grouped3 %ld/%d, grouped %ld/%d, "
                             "consecutive %ld/%d",
                             sol->start[a], sol->start[b], sol->start[c], g3, three, g2, two,
                             c2, cons);
                together += three;
            }
    assert_true(together > 20); /* the case is not vacuous */
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

/* Random moves over a school with every pair rule (hard and soft): the
   incremental cost equals a full evaluation after each one. */
static void test_incremental_cost_equals_full_evaluation_with_pair_rules(void **state)
{
    (void)state;
    struct tt_instance *inst = tt_instance_new("aleatorio");
    tt_set_days(inst, 5, NULL);
    for (int p = 0; p < 7; p++)
        tt_add_period(inst, NULL, -1, -1);
    inst->closed[1] = (uint64_t)1 << 3;
    inst->closed[4] = ((uint64_t)1 << 2) | ((uint64_t)1 << 3);
    int s = tt_add_subject(inst, "Historia");
    int t[3], k[2];
    t[0] = tt_add_resource(inst, TT_TEACHER, "T1");
    t[1] = tt_add_resource(inst, TT_TEACHER, "T2");
    t[2] = tt_add_resource(inst, TT_TEACHER, "T3");
    k[0] = tt_add_resource(inst, TT_CLASS, "C1");
    k[1] = tt_add_resource(inst, TT_CLASS, "C2");
    for (int i = 0; i < 24; i++) {
        int l = tt_add_lesson(inst, s);
        tt_lesson_add_teacher(inst, l, t[i % 3]);
        tt_lesson_add_class(inst, l, k[i % 2]);
        tt_lesson_add_block(inst, l, 1 + i % 3 % 2, 100 + i);
    }
    static const enum tt_ctype types[] = {TT_CONSECUTIVE, TT_GROUPED, TT_GROUPED3, TT_ORDERED,
                                          TT_ORDERED_IF_SAME_DAY, TT_MAX_DAYS_BETWEEN};
    for (int r = 0; r < 24; r++) {
        enum tt_ctype ty = types[r % 6];
        int n = ty == TT_GROUPED3 ? 3 : ty == TT_MAX_DAYS_BETWEEN ? 4 : 2;
        struct tt_constraint *c = tt_add_constraint(inst, ty, r % 4 < 2, 3 + r, false, NULL);
        c->n = r % 3;
        for (int i = 0; i < n; i++)
            tt_constraint_add_item(c, (r * 5 + i * 7) % inst->nblocks);
    }
    /* a min days rule too, to mix with the existing pairwise kinds */
    struct tt_constraint *md = tt_add_constraint(inst, TT_MIN_DAYS, true, 1, false, NULL);
    md->n = 1;
    md->flag = 1;
    for (int b = 0; b < 6; b++)
        tt_constraint_add_item(md, b);
    char *err = NULL;
    assert_int_equal(tt_instance_validate(inst, &err), 0);

    struct tt_solution *sol = tt_solution_new(inst);
    struct tt_eval *ev = tt_eval_new(inst, sol);
    uint64_t x = 987654321;
    long worst = 0;
    for (int step = 0; step < 4000; step++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int b = (int)((x >> 33) % (uint64_t)inst->nblocks);
        int st = (int)((x >> 17) % (uint64_t)(inst->ndays * inst->nperiods + 1)) - 1;
        struct tt_cost inc = tt_eval_move(ev, b, st, -1);
        struct tt_cost full = tt_evaluate(inst, tt_eval_solution(ev));
        assert_int_equal(inc.hard, full.hard);
        assert_int_equal(inc.soft, full.soft);
        worst = inc.soft > worst ? inc.soft : worst;
    }
    assert_true(worst > 0); /* the soft rules were broken on the way */
    tt_eval_free(&ev);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

/* A full week for three classes (every slot taken) with hard pair rules:
   the solver meets them by either method, and FET's method really runs
   (it may, since the rules are pairwise): from the same seed it takes
   another path than the repair, which it would otherwise fall back to. */
static void test_solver_keeps_pair_rules_by_either_method(void **state)
{
    (void)state;
    struct tt_instance *inst = tt_instance_new("semana llena");
    tt_set_days(inst, 5, NULL);
    for (int p = 0; p < 6; p++)
        tt_add_period(inst, NULL, -1, -1);
    int subject = tt_add_subject(inst, "Matemática");
    int t[6], k[3];
    char name[16];
    for (int i = 0; i < 6; i++) {
        snprintf(name, sizeof(name), "T%d", i + 1);
        t[i] = tt_add_resource(inst, TT_TEACHER, name);
    }
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof(name), "C%d", i + 1);
        k[i] = tt_add_resource(inst, TT_CLASS, name);
    }
    int first[3];
    for (int c = 0; c < 3; c++) {
        first[c] = inst->nblocks;
        for (int i = 0; i < 30; i++) {
            int l = tt_add_lesson(inst, subject);
            tt_lesson_add_class(inst, l, k[c]);
            tt_lesson_add_teacher(inst, l, t[(i / 5 + 2 * c) % 6]);
            tt_lesson_add_block(inst, l, 1, 0);
        }
    }
    static const enum tt_ctype kinds[] = {TT_CONSECUTIVE, TT_GROUPED, TT_ORDERED,
                                          TT_ORDERED_IF_SAME_DAY};
    for (int c = 0; c < 3; c++) {
        for (int j = 0; j < 8; j++) {
            struct tt_constraint *r = tt_add_constraint(inst, kinds[j % 4], true, 1, false, NULL);
            tt_constraint_add_item(r, first[c] + 3 * j);
            tt_constraint_add_item(r, first[c] + 3 * j + 1);
        }
        struct tt_constraint *r = tt_add_constraint(inst, TT_GROUPED3, true, 1, false, NULL);
        for (int i = 0; i < 3; i++)
            tt_constraint_add_item(r, first[c] + 25 + i);
        r = tt_add_constraint(inst, TT_MAX_DAYS_BETWEEN, true, 1, false, NULL);
        r->n = 1;
        for (int i = 0; i < 3; i++)
            tt_constraint_add_item(r, first[c] + 2 + 5 * i);
    }
    static const enum tt_method methods[] = {TT_METHOD_REPAIR, TT_METHOD_FET};
    struct tt_solution *sol[2];
    long steps[2];
    for (int m = 0; m < 2; m++) {
        struct tt_options opt;
        tt_options_init(&opt);
        opt.method = methods[m];
        opt.seed = 3;
        opt.max_iterations = 200000;
        opt.stop_at_feasible = true;
        struct tt_result r;
        char *err = NULL;
        sol[m] = tt_solution_new(inst);
        assert_int_equal(tt_solve(inst, sol[m], &opt, &r, &err), 0);
        assert_int_equal(r.cost.hard, 0);
        assert_int_equal(tt_evaluate(inst, sol[m]).hard, 0);
        steps[m] = r.iterations;
    }
    bool same = steps[0] == steps[1];
    for (int b = 0; b < inst->nblocks && same; b++)
        same = sol[0]->start[b] == sol[1]->start[b];
    print_message("steps: repair %ld, FET's method %ld\n", steps[0], steps[1]);
    assert_false(same);
    tt_solution_free(&sol[0]);
    tt_solution_free(&sol[1]);
    tt_instance_free(&inst);
}

/* --- The crafted FET file ------------------------------------------------ */

static const struct tt_constraint *only(const struct tt_instance *inst, enum tt_ctype type,
                                        bool hard)
{
    const struct tt_constraint *found = NULL;
    for (int i = 0; i < inst->nconstraints; i++) {
        if (inst->constraints[i].type != type || inst->constraints[i].hard != hard)
            continue;
        assert_null(found);
        found = &inst->constraints[i];
    }
    assert_non_null(found);
    return found;
}

static long ext(const struct tt_instance *inst, const struct tt_constraint *c, int i)
{
    return inst->blocks[c->items[i]].ext_id;
}

static void test_fet_file_reads_every_pair_rule(void **state)
{
    (void)state;
    char *path = pairs_fet();
    struct tt_instance *inst = read_ok(path);
    assert_int_equal(inst->nunsupported, 0);
    const struct tt_constraint *c = only(inst, TT_CONSECUTIVE, true);
    assert_int_equal(c->nitems, 2);
    assert_int_equal(ext(inst, c, 0), 1);
    assert_int_equal(ext(inst, c, 1), 2);
    c = only(inst, TT_CONSECUTIVE, false); /* 80 % */
    assert_int_equal(c->weight, 80);
    assert_int_equal(ext(inst, c, 0), 15);
    /* grouped 17 and 5: 17 is inactive, so FET ignores the rule */
    c = only(inst, TT_GROUPED, true);
    assert_int_equal(ext(inst, c, 0), 3);
    assert_int_equal(ext(inst, c, 1), 4);
    c = only(inst, TT_GROUPED3, true);
    assert_int_equal(c->nitems, 3);
    assert_int_equal(ext(inst, c, 2), 7);
    c = only(inst, TT_ORDERED, true); /* 9 first, then 8 */
    assert_int_equal(ext(inst, c, 0), 9);
    assert_int_equal(ext(inst, c, 1), 8);
    c = only(inst, TT_ORDERED_IF_SAME_DAY, true);
    assert_int_equal(ext(inst, c, 0), 11);
    c = only(inst, TT_MAX_DAYS_BETWEEN, true);
    assert_int_equal(c->n, 1);
    assert_int_equal(c->nitems, 3);
    assert_string_equal(c->origin, "ConstraintMaxDaysBetweenActivities");

    /* a broken file: errors in Spanish with the line */
    char *text = slurp(path);
    char *bad = tmp_path("bad.fet");
    static const struct {
        const char *from, *to, *error;
    } cases[] = {
        {"<Second_Activity_Id>2</Second_Activity_Id>", "<Second_Activity_Id>1</Second_Activity_Id>",
         "nombra dos veces la actividad 1"},
        {"<Second_Activity_Id>2</Second_Activity_Id>", "", "falta <Second_Activity_Id>"},
        {"<Third_Activity_Id>7</Third_Activity_Id>", "<Third_Activity_Id>70</Third_Activity_Id>",
         "la actividad 70 no existe"},
        {"<MaxDays>1</MaxDays>", "<MaxDays>-1</MaxDays>", "MaxDays"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *p = strstr(text, cases[i].from);
        assert_non_null(p);
        struct strbuf sb;
        strbuf_init(&sb);
        strbuf_add(&sb, text, (size_t)(p - text));
        strbuf_adds(&sb, cases[i].to);
        strbuf_adds(&sb, p + strlen(cases[i].from));
        write_file(bad, sb.data);
        strbuf_cleanup(&sb);
        char *err = NULL;
        struct tt_instance *none = tt_fet_read(bad, &err);
        assert_null(none);
        assert_non_null(err);
        if (!strstr(err, cases[i].error) || !strstr(err, "bad.fet, línea "))
            fail_msg("case %zu: %s", i, err);
        free(err);
    }
    free(bad);
    free(text);
    tt_instance_free(&inst);
    free(path);
}

static int count_hardness(const struct tt_instance *inst, enum tt_ctype type, bool hard)
{
    int n = 0;
    for (int i = 0; i < inst->nconstraints; i++)
        n += inst->constraints[i].type == type && inst->constraints[i].hard == hard;
    return n;
}

/* Official examples now fully read (counts by grep over the files: every
   one of these rules is active, at 100 %, on active activities). */
static void test_official_examples_read_without_unsupported_rules(void **state)
{
    (void)state;
    if (access(EXAMPLES "/Namibia/by-Bobby/set-7-2016/GoreangabJSSY2016T2b.fet", R_OK) != 0) {
        print_message("skipped: FET examples (/usr/share/doc/fet-data) are not installed\n");
        skip();
    }
    struct tt_instance *inst = read_ok(EXAMPLES "/Namibia/by-Bobby/set-7-2016/GoreangabJSSY2016T2b.fet");
    assert_int_equal(inst->nunsupported, 0);
    assert_int_equal(count_hardness(inst, TT_GROUPED, true), 3);
    assert_int_equal(count_hardness(inst, TT_GROUPED3, true), 2);
    tt_instance_free(&inst);
    inst = read_ok(EXAMPLES "/Syria/Hama/2019/Industrial-high-school.fet");
    assert_int_equal(inst->nunsupported, 0);
    assert_int_equal(count_hardness(inst, TT_ORDERED_IF_SAME_DAY, true), 6);
    tt_instance_free(&inst);
    inst = read_ok(EXAMPLES "/Greece/Little-Music-School/MSA.fet");
    assert_int_equal(inst->nunsupported, 0);
    assert_int_equal(count_hardness(inst, TT_CONSECUTIVE, true), 1);
    tt_instance_free(&inst);
}

static struct tt_solution *fet_timetable(const struct tt_instance *inst, const char *dir,
                                         const char *name)
{
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_addf(&sb, "%s/timetables/%s/%s_activities.xml", dir, name, name);
    struct tt_solution *sol = tt_solution_new(inst);
    char *err = NULL;
    if (tt_fet_read_solution(inst, sb.data, sol, &err) != 0)
        fail_msg("%s: %s", sb.data, err);
    strbuf_cleanup(&sb);
    return sol;
}

static long hard_of_type(const struct tt_instance *inst, const struct tt_solution *sol,
                         enum tt_ctype type)
{
    struct tt_violation *v = NULL;
    int n = tt_explain(inst, sol, TT_EN, &v);
    long hard = 0;
    for (int i = 0; i < n; i++)
        if (v[i].hard && v[i].constraint >= 0 && inst->constraints[v[i].constraint].type == type)
            hard += v[i].cost;
    tt_violations_free(v, n);
    return hard;
}

static void test_fet_and_we_agree_on_the_crafted_week(void **state)
{
    (void)state;
    if (!have_fet_cl())
        skip();
    char *path = pairs_fet();
    struct tt_instance *inst = read_ok(path);
    int b1 = tt_find_block(inst, 1), b2 = tt_find_block(inst, 2);

    /* (a) FET's timetable: no hard violation of ours */
    char *dir1 = tmp_path("fet1");
    assert_true(fet_cl_solves(path, dir1, 5));
    struct tt_solution *theirs = fet_timetable(inst, dir1, "pairs");
    assert_int_equal(tt_evaluate(inst, theirs).hard, 0);
    /* the pins leave FET one way: 1 ends right before Monday's break and
       2 starts right after it */
    assert_int_equal(theirs->start[b1], 2);
    assert_int_equal(theirs->start[b2], 4);

    /* (b) our timetable, by either method, locked into the file: FET
       accepts it and keeps every activity where we put it */
    static const enum tt_method methods[] = {TT_METHOD_REPAIR, TT_METHOD_FET};
    struct tt_solution *ours = tt_solution_new(inst);
    for (size_t m = 0; m < 2; m++) {
        struct tt_options opt;
        tt_options_init(&opt);
        opt.method = methods[m];
        opt.seed = 7;
        opt.max_iterations = 20000;
        opt.stop_at_feasible = true;
        struct tt_result r;
        char *err = NULL;
        assert_int_equal(tt_solve(inst, ours, &opt, &r, &err), 0);
        assert_int_equal(r.cost.hard, 0);
    }
    char *locked = tmp_path("locked.fet"), *err = NULL;
    assert_int_equal(tt_fet_write_locked(inst, ours, path, locked, &err), 0);
    char *dir2 = tmp_path("fet2");
    assert_true(fet_cl_solves(locked, dir2, 5));
    struct tt_solution *again = fet_timetable(inst, dir2, "locked");
    for (int b = 0; b < inst->nblocks; b++)
        assert_int_equal(again->start[b], ours->start[b]);

    /* (c) a timetable that breaks a rule: 2 one period later, after a free
       period. We price it, and FET refuses it */
    int s2 = theirs->start[b2];
    theirs->start[b2] = s2 + 1;
    assert_int_equal(hard_of_type(inst, theirs, TT_CONSECUTIVE), 1);
    assert_true(tt_evaluate(inst, theirs).hard >= 1);
    char *dir3 = tmp_path("fet3");
    assert_int_equal(tt_fet_write_locked(inst, theirs, path, locked, &err), 0);
    assert_false(fet_cl_solves(locked, dir3, 1));

    tt_solution_free(&again);
    tt_solution_free(&ours);
    tt_solution_free(&theirs);
    free(dir1);
    free(dir2);
    free(dir3);
    free(locked);
    free(path);
    tt_instance_free(&inst);
}

static int setup(void **state)
{
    (void)state;
    return make_tmpdir("test_tt_pairs");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_consecutive_lessons_may_have_a_break_between_but_not_a_night),
        cmocka_unit_test(test_grouped_lessons_go_side_by_side_in_either_order),
        cmocka_unit_test(test_ordered_lessons_and_max_days_between),
        cmocka_unit_test(test_pairwise_grouping_agrees_with_the_definition_everywhere),
        cmocka_unit_test(test_incremental_cost_equals_full_evaluation_with_pair_rules),
        cmocka_unit_test(test_solver_keeps_pair_rules_by_either_method),
        cmocka_unit_test(test_fet_file_reads_every_pair_rule),
        cmocka_unit_test(test_official_examples_read_without_unsupported_rules),
        cmocka_unit_test(test_fet_and_we_agree_on_the_crafted_week),
    };
    return cmocka_run_group_tests(tests, setup, tmpdir_teardown);
}
