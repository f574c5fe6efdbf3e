/*
 * Issue #17, part "tags": FET's activity-tag rules (max hours daily and
 * continuously, min gaps between an ordered pair of tags) and its
 * time-slot-selection rules (activities occupy max time slots from a
 * selection, max simultaneous in selected time slots).
 *
 * Each kind is priced on hand-made placements counted by hand (including
 * violating ones and soft weights), explained in Spanish and English, and
 * checked incremental against full evaluation over random moves. The FET
 * side reads tests/data/fet/tags.fet (every variant of the five kinds,
 * activities with several tags) and, where fet-cl is installed, fet-cl's
 * own timetable is priced at hard 0, our solver's timetable locked into the
 * file is accepted by fet-cl, and a timetable that breaks a tag rule is
 * priced > 0 and refused by fet-cl too.
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

static char tags_fet[1024];

/* tests/data/fet/tags.fet (in the repository): this file's path with
   tests/unit/test_tt_tags.c replaced. */
static void find_tags_fet(void)
{
    const char *file = __FILE__;
    const char *cut = strstr(file, "tests/unit/");
    int len = cut ? (int)(cut - file) : 0;
    snprintf(tags_fet, sizeof(tags_fet), "%.*stests/data/fet/tags.fet", len, file);
}
#define TAGS_FET tags_fet

/* 5 days x 6 periods with a break after the third period (index 2);
   teachers T1, T2, classes C1, C2. */
static struct tt_instance *school(void)
{
    struct tt_instance *inst = tt_instance_new("etiquetas");
    for (int p = 0; p < 6; p++)
        tt_add_period(inst, NULL, 420 + 40 * p, 460 + 40 * p);
    inst->break_after = (uint64_t)1 << 2;
    tt_add_resource(inst, TT_TEACHER, "T1");
    tt_add_resource(inst, TT_TEACHER, "T2");
    tt_add_resource(inst, TT_CLASS, "C1");
    tt_add_resource(inst, TT_CLASS, "C2");
    tt_add_subject(inst, "Química");
    return inst;
}

/* One block of len periods for a class and a teacher. */
static int block(struct tt_instance *inst, const char *cls, const char *teacher, int len)
{
    int l = tt_add_lesson(inst, 0);
    if (cls)
        tt_lesson_add_class(inst, l, res(inst, TT_CLASS, cls));
    if (teacher)
        tt_lesson_add_teacher(inst, l, res(inst, TT_TEACHER, teacher));
    return tt_lesson_add_block(inst, l, len, 0);
}

static bool explained(const struct tt_instance *inst, const struct tt_solution *sol,
                      enum tt_lang lang, const char *a, const char *b)
{
    struct tt_violation *v = NULL;
    int n = tt_explain(inst, sol, lang, &v);
    bool found = false;
    for (int i = 0; i < n && !found; i++)
        found = strstr(v[i].text, a) && (!b || strstr(v[i].text, b));
    if (!found)
        for (int i = 0; i < n; i++)
            print_message("  violation: %s\n", v[i].text);
    tt_violations_free(v, n);
    return found;
}

static struct tt_constraint *tag_rule(struct tt_instance *inst, enum tt_ctype type, bool hard,
                                      int weight, const char *who, int n, const int *items,
                                      int nitems)
{
    struct tt_constraint *c = tt_add_constraint(inst, type, hard, weight, false, "prueba");
    c->resource = tt_find_resource(inst, TT_TEACHER, who);
    if (c->resource < 0)
        c->resource = res(inst, TT_CLASS, who);
    c->n = n;
    c->tag = xstrdup("lab");
    c->tag2 = xstrdup("teo");
    for (int i = 0; i < nitems; i++)
        tt_constraint_add_item(c, items[i]);
    return c;
}

/* --- Prices on hand-made placements ---------------------------------- */

static void test_tag_max_hours_daily_counts_tagged_periods_per_day(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int a = block(inst, "C1", "T1", 2), b = block(inst, "C1", "T1", 1);
    int c = block(inst, "C1", "T1", 1); /* untagged */
    int items[] = {a, b};
    tag_rule(inst, TT_TAG_MAX_DAY, true, 1, "T1", 2, items, 2);
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 0, 0);
    sol->start[b] = slot(inst, 0, 4);
    sol->start[c] = slot(inst, 0, 3);
    /* 3 tagged periods on Monday, limit 2: one unit; the untagged
       lesson does not count */
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    assert_true(explained(inst, sol, TT_ES,
                          "El docente T1 tiene 3 períodos de clases con la etiqueta «lab» el", "(máximo 2)"));
    assert_true(explained(inst, sol, TT_EN, "Teacher T1 has 3 periods of lessons tagged «lab» on",
                          "(at most 2)"));
    sol->start[b] = slot(inst, 1, 4);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    /* soft: weight x units */
    inst->constraints[0].hard = false;
    inst->constraints[0].weight = 7;
    inst->constraints[0].n = 0;
    struct tt_cost cost = tt_evaluate(inst, sol);
    assert_int_equal(cost.hard, 0);
    assert_int_equal(cost.soft, 7 * 3);
    assert_true(explained(inst, sol, TT_ES, "(peso 7)", NULL));
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_tag_max_hours_continuously_rows_end_at_breaks_and_other_lessons(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int a = block(inst, "C1", "T1", 2), b = block(inst, "C1", "T1", 1);
    int c = block(inst, "C1", "T1", 1), d = block(inst, "C1", "T1", 1);
    int other = block(inst, "C1", "T1", 1);
    int items[] = {a, b, c, d};
    tag_rule(inst, TT_TAG_MAX_RUN, true, 1, "C1", 2, items, 4);
    struct tt_solution *sol = tt_solution_new(inst);
    /* a (0-1) and b (2) make a row of 3 before the break: one unit */
    sol->start[a] = slot(inst, 0, 0);
    sol->start[b] = slot(inst, 0, 2);
    /* after the break c (3) and d (4): a row of 2, allowed */
    sol->start[c] = slot(inst, 0, 3);
    sol->start[d] = slot(inst, 0, 4);
    sol->start[other] = slot(inst, 1, 0);
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    assert_true(explained(inst, sol, TT_ES, "La sección C1 tiene 3 períodos seguidos de clases con la etiqueta «lab»",
                          "(máximo 2 seguidos)"));
    assert_true(explained(inst, sol, TT_EN, "Class C1 has 3 periods in a row of lessons tagged «lab»",
                          "(at most 2 in a row)"));
    /* the break splits 2 + 1: allowed */
    sol->start[b] = slot(inst, 0, 5);
    sol->start[d] = slot(inst, 1, 1);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0); /* a 0-1; c 3, b 5 */
    sol->start[b] = slot(inst, 0, 4);                  /* c 3, b 4: 2 after the break */
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    /* an untagged lesson ends a row: 1 + other + 2 */
    sol->start[a] = slot(inst, 2, 0);
    sol->start[b] = slot(inst, 2, 3);
    sol->start[c] = slot(inst, 2, 4);
    sol->start[d] = slot(inst, 2, 5);
    sol->start[other] = slot(inst, 1, 0);
    assert_int_equal(tt_evaluate(inst, sol).hard, 1); /* 3, 4, 5: one over */
    sol->start[other] = slot(inst, 2, 4);
    sol->start[c] = slot(inst, 1, 0);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0); /* 3, (other), 5 */
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_ordered_pair_of_tags_wants_gaps_only_in_that_order(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int lab1 = block(inst, "C1", "T1", 2), lab2 = block(inst, "C1", "T1", 1);
    int teo = block(inst, "C1", "T2", 1);
    int items[] = {lab1, lab2, teo};
    struct tt_constraint *c = tag_rule(inst, TT_TAG_MIN_GAP_ORDERED, true, 1, "C1", 1, items, 3);
    c->flag = 2; /* lab1, lab2 first; teo second */
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[lab1] = slot(inst, 0, 0);
    sol->start[teo] = slot(inst, 0, 2); /* right after lab1 */
    sol->start[lab2] = slot(inst, 1, 0);
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    assert_true(explained(inst, sol, TT_ES, "La sección C1 tiene 1 caso(s) de una clase con la etiqueta «lab» seguida el mismo día de una con «teo»",
                          "menos de 1 período(s)"));
    assert_true(explained(inst, sol, TT_EN, "Class C1 has 1 case(s) of a lesson tagged «lab» followed on the same day by one tagged «teo»",
                          NULL));
    /* the other order is free */
    sol->start[teo] = slot(inst, 0, 0);
    sol->start[lab1] = slot(inst, 0, 1);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    /* one period between, whatever fills it (here the break is not a
       period, a lesson of another tag is) */
    sol->start[lab1] = slot(inst, 0, 0);
    sol->start[teo] = slot(inst, 0, 3);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    /* both first-tag lessons before teo: two pairs */
    sol->start[lab2] = slot(inst, 0, 2);
    assert_int_equal(tt_evaluate(inst, sol).hard, 1); /* lab2 (2) -> teo (3) */
    c = &inst->constraints[0];
    c->n = 2;
    assert_int_equal(tt_evaluate(inst, sol).hard, 2); /* lab1 ends 2, teo 3: 1 < 2 */
    /* other days do not count */
    sol->start[teo] = slot(inst, 4, 5);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_occupy_max_time_slots_counts_every_period_once(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int a = block(inst, "C1", "T1", 2), b = block(inst, "C2", "T2", 1);
    struct tt_constraint *c = tt_add_constraint(inst, TT_OCCUPY_MAX_SLOTS, true, 1, true, "prueba");
    c->n = 1;
    tt_constraint_add_item(c, a);
    tt_constraint_add_item(c, b);
    for (int p = 0; p < 6; p++)
        tt_constraint_set_slot(c, 0, p);
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 0, 0); /* 2 selected slots */
    sol->start[b] = slot(inst, 0, 1); /* same slot again: not a third */
    assert_int_equal(tt_evaluate(inst, sol).hard, 1);
    assert_true(explained(inst, sol, TT_ES, "2 clases (con «Química» (C1, T1)) ocupan 2 de las horas seleccionadas (máximo 1)", NULL));
    assert_true(explained(inst, sol, TT_EN, "2 lessons (with «Química» (C1, T1)) occupy 2 of the selected time slots (at most 1)", NULL));
    sol->start[b] = slot(inst, 0, 3);
    assert_int_equal(tt_evaluate(inst, sol).hard, 2);
    sol->start[a] = slot(inst, 1, 0); /* outside the selection */
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_max_simultaneous_in_selected_slots(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    int a = block(inst, "C1", "T1", 2), b = block(inst, "C2", "T2", 1);
    int c3 = block(inst, NULL, NULL, 1);
    struct tt_constraint *c = tt_add_constraint(inst, TT_MAX_SIMULTANEOUS, false, 5, true, "prueba");
    c->n = 1;
    tt_constraint_add_item(c, a);
    tt_constraint_add_item(c, b);
    tt_constraint_add_item(c, c3);
    tt_constraint_set_slot(c, 0, 1);
    tt_constraint_set_slot(c, 0, 4);
    struct tt_solution *sol = tt_solution_new(inst);
    sol->start[a] = slot(inst, 0, 0); /* covers the selected period 1 */
    sol->start[b] = slot(inst, 0, 1);
    sol->start[c3] = slot(inst, 0, 1);
    struct tt_cost cost = tt_evaluate(inst, sol);
    assert_int_equal(cost.hard, 0);
    assert_int_equal(cost.soft, 5 * 2); /* 3 at period 1, limit 1 */
    assert_true(explained(inst, sol, TT_ES, "3 de las 3 clases indicadas", "(máximo 1 a la vez)"));
    assert_true(explained(inst, sol, TT_EN, "3 of the 3 listed lessons", "(at most 1 at once)"));
    sol->start[c3] = slot(inst, 0, 2); /* not selected */
    sol->start[b] = slot(inst, 0, 4);
    assert_int_equal(tt_evaluate(inst, sol).soft, 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

/* A random school with every kind of this part, hard and soft: the
   incremental evaluator agrees with a full evaluation after every move. */
static void test_incremental_cost_equals_full_evaluation_with_tag_rules(void **state)
{
    (void)state;
    struct tt_instance *inst = school();
    inst->closed[3] = (uint64_t)1 << 5;
    const char *cls[] = {"C1", "C2"}, *tch[] = {"T1", "T2"};
    for (int i = 0; i < 16; i++)
        block(inst, cls[i % 2], tch[(i / 2) % 2], 1 + (i % 3 == 0));
    static const enum tt_ctype types[] = {TT_TAG_MAX_DAY, TT_TAG_MAX_RUN, TT_TAG_MIN_GAP_ORDERED,
                                          TT_OCCUPY_MAX_SLOTS, TT_MAX_SIMULTANEOUS};
    for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
        for (int v = 0; v < 2; v++) {
            struct tt_constraint *c =
                tt_add_constraint(inst, types[t], v == 0, 3 + (int)t, true, "prueba");
            c->resource = res(inst, v ? TT_TEACHER : TT_CLASS, v ? "T2" : "C1");
            c->n = 1 + v;
            for (int b = (int)t + v; b < inst->nblocks; b += 2)
                tt_constraint_add_item(c, b);
            c->flag = c->nitems / 2;
            for (int d = 0; d < 5; d++)
                for (int p = v; p < 6; p += 2)
                    tt_constraint_set_slot(c, d, p);
        }
    }
    /* a block listed twice: priced the long way, the same price */
    for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
        struct tt_constraint *c = tt_add_constraint(inst, types[t], true, 1, true, "prueba");
        c->resource = res(inst, TT_CLASS, "C2");
        c->n = 1;
        for (int b = 1; b < inst->nblocks; b += 3)
            tt_constraint_add_item(c, b);
        tt_constraint_add_item(c, 1);
        c->flag = 2;
        tt_constraint_set_slot(c, 2, 2);
    }
    struct tt_solution *sol = tt_solution_new(inst);
    struct tt_eval *ev = tt_eval_new(inst, sol);
    uint64_t x = 987654321;
    long nonzero = 0;
    for (int step = 0; step < 3000; step++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int b = (int)((x >> 33) % (uint64_t)inst->nblocks);
        int s = (int)((x >> 17) % (uint64_t)(inst->ndays * inst->nperiods + 1)) - 1;
        struct tt_cost inc = tt_eval_move(ev, b, s, -1);
        struct tt_cost full = tt_evaluate(inst, tt_eval_solution(ev));
        assert_int_equal(inc.hard, full.hard);
        assert_int_equal(inc.soft, full.soft);
        nonzero += inc.soft > 0;
    }
    assert_true(nonzero > 100); /* the rules did bite */
    tt_eval_free(&ev);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

/* --- FET files --------------------------------------------------------- */

/* The constraint of type on resource name (-1: none expected). */
static const struct tt_constraint *find_con(const struct tt_instance *inst, enum tt_ctype type,
                                            const char *origin, const char *name)
{
    for (int i = 0; i < inst->nconstraints; i++) {
        const struct tt_constraint *c = &inst->constraints[i];
        if (c->type == type && strcmp(c->origin, origin) == 0 &&
            (!name || (c->resource >= 0 && strcmp(inst->resources[c->resource].name, name) == 0)))
            return c;
    }
    return NULL;
}

static bool has_item(const struct tt_instance *inst, const struct tt_constraint *c, long id)
{
    for (int i = 0; i < c->nitems; i++)
        if (inst->blocks[c->items[i]].ext_id == id)
            return true;
    return false;
}

static void test_fet_file_reads_every_variant(void **state)
{
    (void)state;
    struct tt_instance *inst = read_ok(TAGS_FET);
    assert_int_equal(inst->nunsupported, 0);
    /* T1's "teo" lessons 1-4 */
    const struct tt_constraint *c =
        find_con(inst, TT_TAG_MAX_DAY, "ConstraintTeacherActivityTagMaxHoursDaily", "T1");
    assert_non_null(c);
    assert_true(c->hard);
    assert_int_equal(c->n, 2);
    assert_string_equal(c->tag, "teo");
    assert_int_equal(c->nitems, 4);
    /* all teachers, "lab": T2 has 3 periods of it (6, 7); T1's one lesson
       of 2 periods and T3's can not exceed 2, so they get none */
    c = find_con(inst, TT_TAG_MAX_DAY, "ConstraintTeachersActivityTagMaxHoursDaily", "T2");
    assert_non_null(c);
    assert_int_equal(c->nitems, 2);
    assert_null(find_con(inst, TT_TAG_MAX_DAY, "ConstraintTeachersActivityTagMaxHoursDaily", "T3"));
    /* students: per subgroup; activity 5 carries "x" then "lab" */
    c = find_con(inst, TT_TAG_MAX_DAY, "ConstraintStudentsActivityTagMaxHoursDaily", "a");
    assert_non_null(c);
    assert_true(has_item(inst, c, 5) && has_item(inst, c, 7) && !has_item(inst, c, 6));
    c = find_con(inst, TT_TAG_MAX_DAY, "ConstraintStudentsSetActivityTagMaxHoursDaily", "b");
    assert_non_null(c);
    assert_int_equal(c->nitems, 4); /* the group's four "teo" lessons */
    assert_non_null(find_con(inst, TT_TAG_MAX_RUN, "ConstraintTeacherActivityTagMaxHoursContinuously", "T2"));
    assert_non_null(find_con(inst, TT_TAG_MAX_RUN, "ConstraintTeachersActivityTagMaxHoursContinuously", "T1"));
    assert_non_null(find_con(inst, TT_TAG_MAX_RUN, "ConstraintStudentsSetActivityTagMaxHoursContinuously", "Z"));
    assert_non_null(find_con(inst, TT_TAG_MAX_RUN, "ConstraintStudentsActivityTagMaxHoursContinuously", "a"));
    /* ordered pair: first-tag items first */
    c = find_con(inst, TT_TAG_MIN_GAP_ORDERED, "ConstraintTeacherMinGapsBetweenOrderedPairOfActivityTags", "T3");
    assert_non_null(c);
    assert_int_equal(c->flag, 1);
    assert_int_equal(c->nitems, 5);
    assert_int_equal(inst->blocks[c->items[0]].ext_id, 10);
    assert_string_equal(c->tag, "lab");
    assert_string_equal(c->tag2, "x");
    assert_non_null(find_con(inst, TT_TAG_MIN_GAP_ORDERED, "ConstraintStudentsMinGapsBetweenOrderedPairOfActivityTags", "a"));
    assert_non_null(find_con(inst, TT_TAG_MIN_GAP_ORDERED, "ConstraintStudentsSetMinGapsBetweenOrderedPairOfActivityTags", "Z"));
    assert_non_null(find_con(inst, TT_TAG_MIN_GAP_ORDERED, "ConstraintTeachersMinGapsBetweenOrderedPairOfActivityTags", "T2"));
    c = find_con(inst, TT_OCCUPY_MAX_SLOTS, "ConstraintActivitiesOccupyMaxTimeSlotsFromSelection", NULL);
    assert_non_null(c);
    assert_int_equal(c->n, 2);
    assert_int_equal(c->nitems, 4);
    assert_int_equal(c->slots[0], 0x3f);
    assert_int_equal(c->slots[2], 0);
    c = find_con(inst, TT_MAX_SIMULTANEOUS, "ConstraintActivitiesMaxSimultaneousInSelectedTimeSlots", NULL);
    assert_non_null(c);
    assert_int_equal(c->nitems, 14);
    assert_int_equal(c->slots[1], 1);
    assert_int_equal(count_type(inst, TT_MAX_SIMULTANEOUS), 1);
    tt_instance_free(&inst);
}

/* A copy of tags.fet with text replaced (once). */
static char *variant(const char *name, const char *from, const char *to)
{
    char *text = slurp(TAGS_FET);
    char *at = strstr(text, from);
    assert_non_null(at);
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_add(&sb, text, (size_t)(at - text));
    strbuf_adds(&sb, to);
    strbuf_adds(&sb, at + strlen(from));
    char *path = tmp_path(name);
    write_file(path, sb.data);
    strbuf_cleanup(&sb);
    free(text);
    return path;
}

static void test_fet_errors_and_weights(void **state)
{
    (void)state;
    /* FET refuses an activity with both tags of an ordered pair: so do we */
    char *path = variant("both.fet", "<Activity_Tag>x</Activity_Tag><Activity_Tag>lab</Activity_Tag>",
                         "<Activity_Tag>teo</Activity_Tag><Activity_Tag>lab</Activity_Tag>");
    char *err = NULL;
    assert_null(tt_fet_read(path, &err));
    assert_non_null(strstr(err, "la actividad 5 tiene las dos etiquetas"));
    assert_non_null(strstr(err, "both.fet, línea "));
    free(err);
    free(path);
    /* a missing number names the field and the line */
    path = variant("nomax.fet", "<Max_Number_of_Occupied_Time_Slots>2</Max_Number_of_Occupied_Time_Slots>", "");
    err = NULL;
    assert_null(tt_fet_read(path, &err));
    assert_non_null(strstr(err, "falta <Max_Number_of_Occupied_Time_Slots>"));
    free(err);
    free(path);
    path = variant("badslot.fet", "<Selected_Day>D2</Selected_Day>", "<Selected_Day>D9</Selected_Day>");
    err = NULL;
    assert_null(tt_fet_read(path, &err));
    assert_non_null(strstr(err, "el día «D9» no existe"));
    free(err);
    free(path);
    path = variant("notag.fet", "<Activity_Tag_Name>teo</Activity_Tag_Name>", "");
    err = NULL;
    assert_null(tt_fet_read(path, &err));
    assert_non_null(strstr(err, "falta la etiqueta de actividad"));
    free(err);
    free(path);
    /* below 100 % a rule is soft with its weight */
    path = variant("soft.fet",
                   "<Weight_Percentage>100</Weight_Percentage><Number_of_Activities>4</Number_of_Activities>",
                   "<Weight_Percentage>80</Weight_Percentage><Number_of_Activities>4</Number_of_Activities>");
    struct tt_instance *inst = read_ok(path);
    const struct tt_constraint *c =
        find_con(inst, TT_OCCUPY_MAX_SLOTS, "ConstraintActivitiesOccupyMaxTimeSlotsFromSelection", NULL);
    assert_non_null(c);
    assert_false(c->hard);
    assert_int_equal(c->weight, 80);
    tt_instance_free(&inst);
    free(path);
}

/* The units of the constraints of this part. */
static long tag_units(const struct tt_instance *inst, const struct tt_solution *sol)
{
    struct tt_violation *v = NULL;
    int n = tt_explain(inst, sol, TT_EN, &v);
    long u = 0;
    for (int i = 0; i < n; i++) {
        int ci = v[i].constraint;
        if (ci < 0)
            continue;
        enum tt_ctype t = inst->constraints[ci].type;
        if (t == TT_TAG_MAX_DAY || t == TT_TAG_MAX_RUN || t == TT_TAG_MIN_GAP_ORDERED ||
            t == TT_OCCUPY_MAX_SLOTS || t == TT_MAX_SIMULTANEOUS)
            u += v[i].cost;
    }
    tt_violations_free(v, n);
    return u;
}

static void test_fet_cl_agrees_both_ways(void **state)
{
    (void)state;
    if (!have_fet_cl())
        skip();
    struct tt_instance *inst = read_ok(TAGS_FET);
    char *err = NULL;

    /* (a) fet-cl's timetable: hard 0 with us */
    char *dir1 = tmp_path("fet1");
    assert_true(fet_cl_solves(TAGS_FET, dir1, 10));
    char *xml = tmp_path("fet1/timetables/tags/tags_activities.xml");
    struct tt_solution *fets = tt_solution_new(inst);
    if (tt_fet_read_solution(inst, xml, fets, &err) != 0)
        fail_msg("%s", err);
    struct tt_cost cost = tt_evaluate(inst, fets);
    assert_int_equal(cost.hard, 0);

    /* (b) our timetable, locked into the file, is accepted by fet-cl */
    struct tt_options opt;
    tt_options_init(&opt);
    opt.seed = 3;
    opt.max_iterations = 200000;
    opt.stop_at_feasible = true;
    struct tt_solution *ours = tt_solution_new(inst);
    struct tt_result r;
    if (tt_solve(inst, ours, &opt, &r, &err) != 0)
        fail_msg("%s", err);
    assert_int_equal(r.cost.hard, 0);
    char *locked = tmp_path("locked.fet"), *dir2 = tmp_path("fet2");
    assert_int_equal(tt_fet_write_locked(inst, ours, TAGS_FET, locked, &err), 0);
    assert_true(fet_cl_solves(locked, dir2, 10));

    /* (c) a timetable that breaks only this part's rules (fet-cl's with
       one lesson moved where it clashes with nothing and breaks no other
       rule) costs hard units with us, and fet-cl refuses it */
    struct tt_solution *bad = tt_solution_new(inst);
    long units = 0;
    for (int b = 0; b < inst->nblocks && units == 0; b++) {
        for (int s = 0; s < inst->ndays * inst->nperiods && units == 0; s++) {
            tt_solution_copy(bad, fets);
            bad->start[b] = s;
            long u = tag_units(inst, bad);
            if (u > 0 && tt_evaluate(inst, bad).hard == u)
                units = u;
        }
    }
    assert_true(units > 0);
    char *locked_bad = tmp_path("bad.fet"), *dir3 = tmp_path("fet3");
    assert_int_equal(tt_fet_write_locked(inst, bad, TAGS_FET, locked_bad, &err), 0);
    assert_false(fet_cl_solves(locked_bad, dir3, 1));

    tt_solution_free(&bad);
    tt_solution_free(&ours);
    tt_solution_free(&fets);
    free(locked_bad), free(dir3), free(locked), free(dir2), free(xml), free(dir1);
    tt_instance_free(&inst);
}

static int setup(void **state)
{
    (void)state;
    find_tags_fet();
    return make_tmpdir("test_tt_tags");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tag_max_hours_daily_counts_tagged_periods_per_day),
        cmocka_unit_test(test_tag_max_hours_continuously_rows_end_at_breaks_and_other_lessons),
        cmocka_unit_test(test_ordered_pair_of_tags_wants_gaps_only_in_that_order),
        cmocka_unit_test(test_occupy_max_time_slots_counts_every_period_once),
        cmocka_unit_test(test_max_simultaneous_in_selected_slots),
        cmocka_unit_test(test_incremental_cost_equals_full_evaluation_with_tag_rules),
        cmocka_unit_test(test_fet_file_reads_every_variant),
        cmocka_unit_test(test_fet_errors_and_weights),
        cmocka_unit_test(test_fet_cl_agrees_both_ways),
    };
    return cmocka_run_group_tests(tests, setup, tmpdir_teardown);
}
