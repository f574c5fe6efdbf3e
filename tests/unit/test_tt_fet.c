/*
 * The FET importer and writers: real FET example files must import with
 * the teachers, classes, lessons and constraints a FET user sees in them,
 * nothing FET enforces may vanish silently (unsupported constraints are
 * listed), errors name the file and line, and a timetable written back as
 * locks must be accepted by FET itself (fet-cl) exactly where we put it.
 *
 * Counts for the example files were checked independently with grep over
 * the files (see the comments at each number).
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
#define SMALL_SCHOOL EXAMPLES "/Denmark/small-school.fet"
#define ARGENTINA EXAMPLES "/Argentina/Horario_ISJ.fet"
#define EEBLJ_NOTURNO EXAMPLES "/Brazil/2/EEBLJ-Noturno.fet"
#define GREECE EXAMPLES "/Greece/Vartholomio/2008-2009.fet"
#define SUBACT "/Germany/secondary-school-1/using_subactivities_constraints/German_subact_constr.fet"
#define SUBACT_V5 EXAMPLES SUBACT
#define KALENGA EXAMPLES "/Namibia/by-Bobby/set-8-2017/KalengaPSY2017T1d.fet"
#define SAUDI_EXAMS EXAMPLES "/Saudi-Arabia/may-not-solve/Arabic_Saudi_Examination.fet"
#define SUBACT_V6 "/usr/share/doc/fet-data/examples/FET-6-official" SUBACT


static bool have_examples(void)
{
    if (access(SMALL_SCHOOL, R_OK) == 0)
        return true;
    print_message("skipped: FET examples (/usr/share/doc/fet-data) are not installed\n");
    return false;
}

static int count_kind(const struct tt_instance *inst, enum tt_kind kind)
{
    int n = 0;
    for (int i = 0; i < inst->nresources; i++)
        n += inst->resources[i].kind == kind;
    return n;
}

static int unsupported(const struct tt_instance *inst, const char *name)
{
    for (int i = 0; i < inst->nunsupported; i++)
        if (strcmp(inst->unsupported[i].name, name) == 0)
            return inst->unsupported[i].count;
    return 0;
}

static bool lesson_has_class(const struct tt_lesson *l, int cls)
{
    for (int i = 0; i < l->nclasses; i++)
        if (l->classes[i] == cls)
            return true;
    return false;
}

/* --- Real example files --------------------------------------------- */

static void test_small_school(void **state)
{
    (void)state;
    if (!have_examples())
        skip();
    struct tt_instance *inst = read_ok(SMALL_SCHOOL);
    assert_int_equal(inst->ndays, 1);
    assert_string_equal(inst->day_names[0], "Daily");
    assert_int_equal(inst->nperiods, 4);
    assert_string_equal(inst->periods[0].name, "13.30 - 14.30");
    assert_string_equal(inst->periods[3].name, "17.00 - 18.00");
    assert_int_equal(count_kind(inst, TT_TEACHER), 9);  /* <Teacher> in Teachers_List */
    assert_int_equal(count_kind(inst, TT_CLASS), 74);   /* grep -c '<Year>' */
    assert_int_equal(count_kind(inst, TT_ROOM), 0);
    assert_int_equal(inst->nsubjects, 17);
    assert_int_equal(inst->nlessons, 25);               /* grep -c '<Activity>' */
    assert_int_equal(inst->nblocks, 25);
    /* The only constraints besides the basic ones are four preferred
       starting times with weight 0 %, which FET ignores. */
    assert_int_equal(inst->nconstraints, 0);
    assert_int_equal(inst->ninactive, 4);
    assert_int_equal(inst->nunsupported, 0);
    /* activity 1: Glenda, Air, six one-student years */
    int b = tt_find_block(inst, 1);
    assert_true(b >= 0);
    const struct tt_lesson *l = &inst->lessons[inst->blocks[b].lesson];
    assert_int_equal(l->nteachers, 1);
    assert_string_equal(inst->resources[l->teachers[0]].name, "Glenda");
    assert_string_equal(inst->subjects[l->subject], "Air");
    assert_int_equal(l->nclasses, 6);
    assert_int_equal(l->students, 6);
    assert_false(l->needs_room);
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

/* An exam timetable: 171 exams tied to one hour and 109 to another, every
   exam in one of 19 rooms, and the second hour closed in some rooms on four
   days, so that only the first hour seats the 171. The search used to put
   them in the second hour and stay there (52 hard violations after 70,000
   steps); the rooms now rule that hour out before the search. */
static void test_exam_hours_follow_the_rooms(void **state)
{
    (void)state;
    if (!have_examples())
        skip();
    struct tt_instance *inst = read_ok(SAUDI_EXAMS);
    assert_int_equal(inst->nblocks, 280);
    assert_int_equal(count_kind(inst, TT_ROOM), 19);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        struct tt_result r;
        struct tt_solution *sol = solve_steps(inst, TT_METHOD_AUTO, seed, 3000, &r);
        assert_int_equal(r.cost.hard, 0);
        /* the 171 share the first hour, one per room and day */
        int first = 0;
        for (int b = 0; b < inst->nblocks; b++) {
            assert_true(sol->start[b] >= 0);
            assert_true(sol->room[b] >= 0);
            first += sol->start[b] % inst->nperiods == 0;
        }
        assert_int_equal(first, 171);
        tt_solution_free(&sol);
    }
    tt_instance_free(&inst);
}

/* Issue #17, quality: after the first timetable without hard violations,
   the improvement targets the units in soft violations (best start of a
   unit, kicks repaired by the priced repair). FET's own timetables of
   these files, priced by our evaluator: Horario_ISJ 95 (fet-cl 6.8.5,
   seed 1), EEBLJ-Noturno 950 (seed 1) and 855 (seeds 2-6). Before, our
   search stayed at 95 on Horario_ISJ (seeds 1 and 2) and at 1045 on
   EEBLJ-Noturno (seed 3) however many steps it took. */
static struct tt_cost solve_soft(const char *path, uint64_t seed, long steps)
{
    struct tt_instance *inst = read_ok(path);
    struct tt_options opt;
    tt_options_init(&opt);
    opt.seed = seed;
    opt.max_iterations = steps;
    opt.time_limit = 0;
    struct tt_solution *sol = tt_solution_new(inst);
    struct tt_result r;
    char *error = NULL;
    assert_int_equal(tt_solve(inst, sol, &opt, &r, &error), 0);
    struct tt_cost c = tt_evaluate(inst, sol);
    assert_int_equal(c.hard, r.cost.hard);
    assert_int_equal(c.soft, r.cost.soft);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
    return c;
}

static void test_soft_cost_at_most_fets(void **state)
{
    (void)state;
    if (!have_examples())
        skip();
    for (uint64_t seed = 1; seed <= 2; seed++) {
        struct tt_cost c = solve_soft(ARGENTINA, seed, 50000);
        assert_int_equal(c.hard, 0);
        assert_int_equal(c.soft, 0); /* FET's: 95 */
    }
    struct tt_cost c = solve_soft(EEBLJ_NOTURNO, 3, 200000);
    assert_int_equal(c.hard, 0);
    assert_int_equal(c.soft, 855); /* FET's: 950 (seed 1), 855 (seeds 2-6) */
}

/* A Namibian school where the priced repair needs about 460,000 steps
   (17 s); after six restarts the default method switches to FET's and
   finishes in about 150,000 (11 s). */
static void test_switch_to_fet_method_finishes_a_namibian_school(void **state)
{
    (void)state;
    if (!have_examples())
        skip();
    struct tt_instance *inst = read_ok(KALENGA);
    struct tt_result r;
    struct tt_solution *sol = solve_steps(inst, TT_METHOD_AUTO, 1, 250000, &r);
    assert_int_equal(r.cost.hard, 0);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

/* The same school saved by FET 5 and by FET 6 reads to the same model. */
static void test_fet6_file_reads_like_its_fet5_original(void **state)
{
    (void)state;
    if (!have_examples())
        skip();
    struct tt_instance *v5 = read_ok(SUBACT_V5), *v6 = read_ok(SUBACT_V6);
    assert_int_equal(v6->ndays, v5->ndays);
    assert_int_equal(v6->nperiods, v5->nperiods);
    assert_int_equal(v6->nresources, v5->nresources);
    assert_int_equal(v6->nlessons, v5->nlessons);
    assert_int_equal(v6->nblocks, 589);
    assert_int_equal(v6->nblocks, v5->nblocks);
    assert_int_equal(v6->nunsupported, 0);
    for (int t = 0; t < TT_NCTYPES; t++)
        assert_int_equal(count_type(v6, (enum tt_ctype)t), count_type(v5, (enum tt_ctype)t));
    assert_true(count_type(v6, TT_MIN_DAYS) > 0);
    assert_true(count_type(v6, TT_BLOCK_SLOTS) > 0); /* the subactivity constraints */
    tt_instance_free(&v5);
    tt_instance_free(&v6);
}

static void test_argentina_rooms_and_splits(void **state)
{
    (void)state;
    if (!have_examples())
        skip();
    struct tt_instance *inst = read_ok(ARGENTINA);
    assert_int_equal(inst->ndays, 5);
    assert_int_equal(inst->nperiods, 7);
    assert_int_equal(count_kind(inst, TT_TEACHER), 17);
    assert_int_equal(count_kind(inst, TT_CLASS), 6);   /* 6 years, no groups */
    assert_int_equal(count_kind(inst, TT_ROOM), 6);
    /* 116 activities: 64 with Activity_Group_Id 0 plus 20 split ones */
    assert_int_equal(inst->nblocks, 116);
    assert_int_equal(inst->nlessons, 84);
    assert_int_equal(count_type(inst, TT_BLOCK_ROOMS), 116); /* ActivityPreferredRoom */
    /* 19 min days, each with "consecutive if same day": 19 more, hard */
    assert_int_equal(count_type(inst, TT_MIN_DAYS), 38);
    assert_int_equal(count_type(inst, TT_MAX_DAYS_WEEK), 10);
    assert_int_equal(count_type(inst, TT_MAX_GAPS_DAY), 2);
    assert_int_equal(count_type(inst, TT_UNAVAILABLE), 8);   /* 2 teachers + 6 rooms */
    assert_int_equal(inst->nconstraints, 174);
    assert_int_equal(inst->nunsupported, 0);
    int pinned = 0;
    for (int b = 0; b < inst->nblocks; b++)
        pinned += inst->blocks[b].pin_room >= 0; /* all 116 are permanently locked */
    assert_int_equal(pinned, 116);
    for (int i = 0; i < inst->nlessons; i++)
        assert_true(inst->lessons[i].needs_room);
    tt_instance_free(&inst);
}

static void test_greece_unsupported_listed(void **state)
{
    (void)state;
    if (!have_examples())
        skip();
    struct tt_instance *inst = read_ok(GREECE);
    /* grep -c over the file */
    /* --- #17 rtime: the two kinds this file once listed as unsupported
       (6 TeacherIntervalMaxDaysPerWeek, 1 TeachersMaxHoursContinuously)
       are modelled now --- */
    assert_int_equal(inst->nunsupported, 0);
    assert_int_equal(count_type(inst, TT_INTERVAL_MAX_DAYS), 6);
    assert_int_equal(count_type(inst, TT_MAX_CONTINUOUS), 20); /* every teacher */
    assert_int_equal(count_kind(inst, TT_TEACHER), 20);
    assert_int_equal(count_kind(inst, TT_CLASS), 6);
    assert_int_equal(count_type(inst, TT_MIN_DAYS), 78);
    assert_int_equal(count_type(inst, TT_UNAVAILABLE), 15);
    assert_int_equal(count_type(inst, TT_SAME_DAY), 6);
    /* Students(6 classes) + Teachers(20) max gaps per week */
    assert_int_equal(count_type(inst, TT_MAX_GAPS_WEEK), 26);
    assert_int_equal(count_type(inst, TT_MAX_GAPS_DAY), 20);
    /* one teacher + all 20 teachers */
    assert_int_equal(count_type(inst, TT_MAX_PERIODS_DAY), 21);
    assert_int_equal(count_type(inst, TT_EARLY_START), 6);
    int pinned = 0;
    for (int b = 0; b < inst->nblocks; b++)
        pinned += inst->blocks[b].pin_day >= 0 && inst->blocks[b].pin_period >= 0;
    assert_int_equal(pinned, 30); /* 30 hard preferred starting times */
    tt_instance_free(&inst);
}

/* --- A hand-written file --------------------------------------------- */

static const char hand_fet[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<fet version=\"6.0.0\">\n"
    "<Days_List><Number_of_Days>3</Number_of_Days>\n"
    "<Day><Name>Lun</Name></Day><Day><Name>Mar</Name></Day><Day><Name>Mié</Name></Day>\n"
    "</Days_List>\n"
    "<Hours_List><Number_of_Hours>4</Number_of_Hours>\n"
    "<Hour><Name>H1</Name></Hour><Hour><Name>H2</Name></Hour>\n"
    "<Hour><Name>H3</Name></Hour><Hour><Name>H4</Name></Hour>\n"
    "</Hours_List>\n"
    "<Subjects_List><Subject><Name>Mate</Name></Subject><Subject><Name>Arte</Name></Subject>"
    "</Subjects_List>\n"
    "<Teachers_List><Teacher><Name>Ana</Name></Teacher><Teacher><Name>Beto</Name></Teacher>"
    "</Teachers_List>\n"
    "<Students_List>\n"
    "<Year><Name>1</Name><Number_of_Students>40</Number_of_Students>\n"
    "  <Group><Name>1A</Name><Number_of_Students>25</Number_of_Students>\n"
    "    <Subgroup><Name>1A-x</Name><Number_of_Students>12</Number_of_Students></Subgroup>\n"
    "    <Subgroup><Name>1A-y</Name><Number_of_Students>13</Number_of_Students></Subgroup>\n"
    "  </Group>\n"
    "  <Group><Name>1B</Name><Number_of_Students>15</Number_of_Students></Group>\n"
    "</Year>\n"
    "<Year><Name>2</Name><Number_of_Students>30</Number_of_Students></Year>\n"
    "<Year><Name>3</Name><Number_of_Students>15</Number_of_Students>\n"
    "  <Group><Name>1B</Name><Number_of_Students>15</Number_of_Students></Group>\n"
    "</Year>\n"
    "</Students_List>\n"
    "<Activities_List>\n"
    "<Activity><Teacher>Ana</Teacher><Subject>Mate</Subject><Students>1</Students>"
    "<Duration>2</Duration><Total_Duration>3</Total_Duration><Id>1</Id>"
    "<Activity_Group_Id>1</Activity_Group_Id><Active>true</Active></Activity>\n"
    "<Activity><Teacher>Ana</Teacher><Subject>Mate</Subject><Students>1</Students>"
    "<Duration>1</Duration><Total_Duration>3</Total_Duration><Id>2</Id>"
    "<Activity_Group_Id>1</Activity_Group_Id><Active>true</Active></Activity>\n"
    "<Activity><Teacher>Beto</Teacher><Subject>Arte</Subject><Activity_Tag>taller</Activity_Tag>"
    "<Students>1A-x</Students><Students>2</Students><Duration>1</Duration><Id>3</Id>"
    "<Activity_Group_Id>0</Activity_Group_Id><Active>true</Active></Activity>\n"
    "<Activity><Teacher>Beto</Teacher><Subject>Arte</Subject><Students>1B</Students>"
    "<Duration>1</Duration><Id>4</Id><Activity_Group_Id>0</Activity_Group_Id>"
    "<Active>false</Active></Activity>\n"
    "<Activity><Teacher>Ana</Teacher><Subject>Mate</Subject><Students>3</Students>"
    "<Duration>1</Duration><Id>5</Id><Activity_Group_Id>0</Activity_Group_Id>"
    "<Active>true</Active><Number_Of_Students>14</Number_Of_Students></Activity>\n"
    "<Activity><Teacher>Beto</Teacher><Subject>Arte</Subject><Students>2</Students>"
    "<Duration>1</Duration><Id>6</Id><Activity_Group_Id>0</Activity_Group_Id>"
    "<Active>true</Active></Activity>\n"
    "<Activity><Teacher>Beto</Teacher><Subject>Arte</Subject><Students>2</Students>"
    "<Duration>1</Duration><Id>7</Id><Activity_Group_Id>7</Activity_Group_Id></Activity>\n"
    "<Activity><Teacher>Beto</Teacher><Subject>Arte</Subject><Students>2</Students>"
    "<Duration>1</Duration><Id>8</Id><Activity_Group_Id>7</Activity_Group_Id></Activity>\n"
    "</Activities_List>\n"
    "<Rooms_List>\n"
    "<Room><Name>R1</Name><Building></Building><Capacity>30</Capacity></Room>\n"
    "<Room><Name>Lab &amp; Co</Name><Capacity>20</Capacity><Virtual>false</Virtual></Room>\n"
    "<Room><Name>V</Name><Capacity>60</Capacity><Virtual>true</Virtual>"
    "<Number_of_Sets_of_Real_Rooms>1</Number_of_Sets_of_Real_Rooms><Set_of_Real_Rooms>"
    "<Number_of_Real_Rooms>1</Number_of_Real_Rooms><Real_Room>R1</Real_Room>"
    "</Set_of_Real_Rooms></Room>\n"
    "</Rooms_List>\n"
    "<Time_Constraints_List>\n"
    "<ConstraintBasicCompulsoryTime><Weight_Percentage>100</Weight_Percentage>"
    "<Active>true</Active></ConstraintBasicCompulsoryTime>\n"
    "<ConstraintBreakTimes><Weight_Percentage>100</Weight_Percentage>"
    "<Break_Time><Day>Mar</Day><Hour>H3</Hour></Break_Time>"
    "<Active>true</Active></ConstraintBreakTimes>\n"
    "<ConstraintTeacherNotAvailableTimes><Weight_Percentage>100</Weight_Percentage>"
    "<Teacher>Ana</Teacher><Not_Available_Time><Day>Lun</Day><Hour>H1</Hour>"
    "</Not_Available_Time><Not_Available_Time><Day>Mié</Day><Hour>H4</Hour>"
    "</Not_Available_Time><Active>true</Active></ConstraintTeacherNotAvailableTimes>\n"
    "<ConstraintStudentsSetNotAvailableTimes><Weight_Percentage>100</Weight_Percentage>"
    "<Students>1A</Students><Not_Available_Time><Day>Mié</Day><Hour>H1</Hour>"
    "</Not_Available_Time></ConstraintStudentsSetNotAvailableTimes>\n"
    "<ConstraintMinDaysBetweenActivities><Weight_Percentage>95</Weight_Percentage>"
    "<Consecutive_If_Same_Day>true</Consecutive_If_Same_Day><Number_of_Activities>2"
    "</Number_of_Activities><Activity_Id>1</Activity_Id><Activity_Id>2</Activity_Id>"
    "<MinDays>1</MinDays><Active>true</Active></ConstraintMinDaysBetweenActivities>\n"
    "<ConstraintMinDaysBetweenActivities><Weight_Percentage>100</Weight_Percentage>"
    "<Activity_Id>3</Activity_Id><Activity_Id>4</Activity_Id><MinDays>1</MinDays>"
    "<Active>true</Active></ConstraintMinDaysBetweenActivities>\n"
    "<ConstraintTeacherMaxGapsPerWeek><Weight_Percentage>100</Weight_Percentage>"
    "<Teacher_Name>Beto</Teacher_Name><Max_Gaps>0</Max_Gaps><Active>false</Active>"
    "</ConstraintTeacherMaxGapsPerWeek>\n"
    "<ConstraintActivityPreferredStartingTime><Weight_Percentage>100</Weight_Percentage>"
    "<Activity_Id>5</Activity_Id><Preferred_Day>Mar</Preferred_Day>"
    "<Preferred_Hour>H2</Preferred_Hour><Permanently_Locked>true</Permanently_Locked>"
    "<Active>true</Active></ConstraintActivityPreferredStartingTime>\n"
    "<ConstraintTwoActivitiesOrdered><Weight_Percentage>100</Weight_Percentage>"
    "<First_Activity_Id>1</First_Activity_Id><Second_Activity_Id>3</Second_Activity_Id>"
    "<Active>true</Active></ConstraintTwoActivitiesOrdered>\n"
    "<ConstraintStudentsSetMaxRoomChangesPerDay><Weight_Percentage>100</Weight_Percentage>"
    "<Students>1</Students><Max_Room_Changes_Per_Day>1</Max_Room_Changes_Per_Day>"
    "<Active>true</Active></ConstraintStudentsSetMaxRoomChangesPerDay>\n"
    "</Time_Constraints_List>\n"
    "<Space_Constraints_List>\n"
    "<ConstraintBasicCompulsorySpace><Weight_Percentage>100</Weight_Percentage>"
    "</ConstraintBasicCompulsorySpace>\n"
    "<ConstraintTeacherHomeRoom><Weight_Percentage>100</Weight_Percentage>"
    "<Teacher>Ana</Teacher><Room>Lab &amp; Co</Room><Active>true</Active>"
    "</ConstraintTeacherHomeRoom>\n"
    "<ConstraintSubjectPreferredRoom><Weight_Percentage>50</Weight_Percentage>"
    "<Subject>Arte</Subject><Room>R1</Room><Active>true</Active>"
    "</ConstraintSubjectPreferredRoom>\n"
    "<ConstraintActivityPreferredRoom><Weight_Percentage>100</Weight_Percentage>"
    "<Activity_Id>7</Activity_Id><Room>R1</Room><Permanently_Locked>false</Permanently_Locked>"
    "</ConstraintActivityPreferredRoom>\n"
    "<ConstraintActivityPreferredRoom><Weight_Percentage>100</Weight_Percentage>"
    "<Activity_Id>3</Activity_Id><Room>R1</Room><Permanently_Locked>true</Permanently_Locked>"
    "<Active>true</Active></ConstraintActivityPreferredRoom>\n"
    "</Space_Constraints_List>\n"
    "</fet>\n";

static struct tt_instance *read_hand(void)
{
    char *path = tmp_path("hand.fet");
    write_file(path, hand_fet);
    struct tt_instance *inst = read_ok(path);
    free(path);
    return inst;
}

static const struct tt_constraint *find_con(const struct tt_instance *inst, enum tt_ctype type,
                                            int resource)
{
    for (int i = 0; i < inst->nconstraints; i++)
        if (inst->constraints[i].type == type &&
            (resource < 0 || inst->constraints[i].resource == resource))
            return &inst->constraints[i];
    fail_msg("constraint of type %d for resource %d missing", type, resource);
    return NULL;
}

static void test_hand_written_model(void **state)
{
    (void)state;
    struct tt_instance *inst = read_hand();
    assert_string_equal(inst->name, "hand");
    assert_int_equal(inst->ndays, 3);
    assert_string_equal(inst->day_names[2], "Mié");
    assert_int_equal(inst->nperiods, 4);

    /* students: atomic sets 1A-x, 1A-y, 1B (shared by years 1 and 3), 2 */
    assert_int_equal(count_kind(inst, TT_CLASS), 4);
    int ax = res(inst, TT_CLASS, "1A-x"), ay = res(inst, TT_CLASS, "1A-y");
    int b1 = res(inst, TT_CLASS, "1B"), y2 = res(inst, TT_CLASS, "2");
    assert_string_equal(inst->resources[ax].group, "1A");
    assert_string_equal(inst->resources[b1].group, "1");
    assert_null(inst->resources[y2].group);
    assert_int_equal(inst->resources[ay].capacity, 13);
    assert_int_equal(inst->resources[y2].capacity, 30);
    int ana = res(inst, TT_TEACHER, "Ana"), lab = res(inst, TT_ROOM, "Lab & Co");
    int r1 = res(inst, TT_ROOM, "R1");
    assert_int_equal(inst->resources[r1].capacity, 30);

    /* the split activity 1+2 is one lesson with two blocks in id order;
       the inactive activity 4 is gone; the split activity 7+8 is two
       lessons because only part 7 must have a room */
    assert_int_equal(inst->nlessons, 6);
    assert_int_equal(inst->nblocks, 7);
    assert_int_equal(tt_find_block(inst, 4), -1);
    int bl1 = tt_find_block(inst, 1), bl2 = tt_find_block(inst, 2);
    int bl3 = tt_find_block(inst, 3), bl5 = tt_find_block(inst, 5), bl6 = tt_find_block(inst, 6);
    assert_int_equal(inst->blocks[bl1].lesson, inst->blocks[bl2].lesson);
    const struct tt_lesson *split = &inst->lessons[inst->blocks[bl1].lesson];
    assert_int_equal(split->nblocks, 2);
    assert_int_equal(split->blocks[0], bl1);
    assert_int_equal(inst->blocks[bl1].length, 2);
    assert_int_equal(inst->blocks[bl2].length, 1);
    /* year 1 = 1A-x, 1A-y, 1B; year 3 = 1B only */
    assert_int_equal(split->nclasses, 3);
    assert_true(lesson_has_class(split, ax) && lesson_has_class(split, ay) &&
                lesson_has_class(split, b1));
    assert_int_equal(split->students, 40);
    const struct tt_lesson *l5 = &inst->lessons[inst->blocks[bl5].lesson];
    assert_int_equal(l5->nclasses, 1);
    assert_int_equal(l5->classes[0], b1);
    assert_int_equal(l5->students, 14); /* Number_Of_Students given */
    const struct tt_lesson *l3 = &inst->lessons[inst->blocks[bl3].lesson];
    assert_int_equal(l3->students, 12 + 30); /* computed from its sets */
    assert_string_equal(l3->tag, "taller");
    assert_string_equal(inst->subjects[l3->subject], "Arte");

    /* break, unavailability, min days, pins */
    assert_int_equal(inst->closed[1], (uint64_t)1 << 2);
    assert_int_equal(inst->closed[0], 0);
    const struct tt_constraint *c = find_con(inst, TT_UNAVAILABLE, ana);
    assert_true(c->hard);
    assert_int_equal(c->slots[0], 1);
    assert_int_equal(c->slots[2], 8);
    c = find_con(inst, TT_UNAVAILABLE, ay); /* group 1A -> both subgroups */
    assert_int_equal(c->slots[2], 1);
    find_con(inst, TT_UNAVAILABLE, ax);
    assert_int_equal(count_type(inst, TT_UNAVAILABLE), 3);
    c = find_con(inst, TT_MIN_DAYS, -1);
    assert_false(c->hard);
    assert_int_equal(c->weight, 95);
    assert_int_equal(c->n, 1);
    assert_int_equal(c->flag, 0);
    assert_int_equal(c->nitems, 2);
    assert_string_equal(c->origin, "ConstraintMinDaysBetweenActivities");
    /* "consecutive if same day" is hard in FET whatever the weight: its own
       constraint, n = 0 */
    const struct tt_constraint *cons = &inst->constraints[c - inst->constraints + 1];
    assert_int_equal(cons->type, TT_MIN_DAYS);
    assert_true(cons->hard);
    assert_int_equal(cons->n, 0);
    assert_int_equal(cons->flag, 1);
    assert_int_equal(cons->nitems, 2);
    /* the second min days names the inactive activity 4: nothing left */
    assert_int_equal(count_type(inst, TT_MIN_DAYS), 2);
    assert_int_equal(inst->blocks[bl5].pin_day, 1);
    assert_int_equal(inst->blocks[bl5].pin_period, 1);

    /* rooms: activity 3 locked in R1; Ana's home room covers 1, 2 and 5;
       activity 6 only has a 50 % subject preferred room, and FET may leave
       such an activity without a room */
    assert_int_equal(inst->blocks[bl3].pin_room, r1);
    assert_true(l3->needs_room);
    assert_true(split->needs_room);
    assert_false(inst->lessons[inst->blocks[bl6].lesson].needs_room);
    int bl7 = tt_find_block(inst, 7), bl8 = tt_find_block(inst, 8);
    const struct tt_lesson *l7 = &inst->lessons[inst->blocks[bl7].lesson];
    const struct tt_lesson *l8 = &inst->lessons[inst->blocks[bl8].lesson];
    assert_true(l7 != l8);
    assert_true(l7->needs_room);
    assert_false(l8->needs_room);
    assert_int_equal(l7->nblocks, 1);
    assert_int_equal(l8->nblocks, 1);
    assert_int_equal(l8->blocks[0], bl8);
    assert_int_equal(l8->nclasses, 1);
    assert_int_equal(l8->classes[0], y2);
    assert_int_equal(l8->nteachers, 1);
    assert_int_equal(inst->blocks[bl7].pin_room, -1); /* not permanently locked */
    assert_int_equal(count_type(inst, TT_BLOCK_ROOMS), 4);
    for (int i = 0; i < inst->nconstraints; i++) {
        c = &inst->constraints[i];
        if (c->type != TT_BLOCK_ROOMS)
            continue;
        assert_int_equal(c->nrooms, 1);
        if (c->rooms[0] == lab) {
            assert_int_equal(c->nitems, 3);
            assert_string_equal(c->origin, "ConstraintTeacherHomeRoom");
        } else if (strcmp(c->origin, "ConstraintSubjectPreferredRoom") == 0) {
            assert_false(c->hard);
            assert_int_equal(c->weight, 50);
            assert_int_equal(c->nitems, 4); /* activities 3, 6, 7 and 8 */
        }
    }

    /* min days + its hard consecutive part, two activities ordered (#17 pairs) */
    assert_int_equal(inst->nconstraints, 10);
    assert_int_equal(count_type(inst, TT_ORDERED), 1);
    assert_int_equal(inst->ninactive, 1);
    assert_int_equal(inst->nunsupported, 1);
    assert_int_equal(unsupported(inst, "ConstraintStudentsSetMaxRoomChangesPerDay"), 1);
    /* a virtual room and its one set of real rooms (#17) */
    const struct tt_resource *v = &inst->resources[res(inst, TT_ROOM, "V")];
    assert_int_equal(v->nsets, 1);
    assert_int_equal(v->set_len[0], 1);
    assert_int_equal(v->sets[0][0], res(inst, TT_ROOM, "R1"));
    tt_instance_free(&inst);
}

/* --- Errors ------------------------------------------------------------ */

static char *read_error(const char *name, const char *text)
{
    char *path = tmp_path(name);
    write_file(path, text);
    char *err = NULL;
    struct tt_instance *inst = tt_fet_read(path, &err);
    free(path);
    assert_null(inst);
    assert_non_null(err);
    return err;
}

static int line_of(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    assert_non_null(p);
    int line = 1;
    for (const char *s = text; s < p; s++)
        line += *s == '\n';
    return line;
}

static void test_errors_name_file_and_line(void **state)
{
    (void)state;
    char *err = read_error("roto.fet", "<?xml version=\"1.0\"?>\n<fet>\n<Days_List>\n"
                                       "<Day><Name>Lun</Name></Dia>\n</fet>\n");
    assert_non_null(strstr(err, "roto.fet, línea 4: XML mal formado"));
    free(err);

    /* an activity naming a teacher that does not exist */
    char *text = xstrdup(hand_fet);
    char *p = strstr(text, "<Teacher>Beto</Teacher><Subject>Arte</Subject><Students>2<");
    assert_non_null(p);
    memcpy(p, "<Teacher>Beta</Teacher>", strlen("<Teacher>Beto</Teacher>"));
    err = read_error("docente.fet", text);
    char expect[128];
    snprintf(expect, sizeof(expect), "docente.fet, línea %d: el docente «Beta» no existe",
             line_of(text, "<Teacher>Beta"));
    if (!strstr(err, expect))
        fail_msg("got «%s», want «%s»", err, expect);
    free(err);
    free(text);

    /* a constraint naming an unknown day */
    text = xstrdup(hand_fet);
    p = strstr(text, "<Day>Mar</Day><Hour>H3</Hour>");
    assert_non_null(p);
    memcpy(p, "<Day>Dom</Day>", strlen("<Day>Mar</Day>"));
    err = read_error("dia.fet", text);
    snprintf(expect, sizeof(expect), "dia.fet, línea %d: el día «Dom» no existe",
             line_of(text, "<Day>Dom"));
    assert_non_null(strstr(err, expect));
    free(err);
    free(text);

    /* an unknown activity id in a constraint */
    text = xstrdup(hand_fet);
    p = strstr(text, "<Activity_Id>5</Activity_Id><Preferred_Day>");
    assert_non_null(p);
    p[strlen("<Activity_Id>")] = '9';
    err = read_error("actividad.fet", text);
    assert_non_null(strstr(err, "la actividad 9 no existe"));
    free(err);
    free(text);

    /* nesting deeper than 64 elements */
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_adds(&sb, "<fet>\n");
    for (int i = 0; i < 70; i++)
        strbuf_adds(&sb, "<a>");
    for (int i = 0; i < 70; i++)
        strbuf_adds(&sb, "</a>");
    strbuf_adds(&sb, "\n</fet>\n");
    err = read_error("hondo.fet", sb.data);
    assert_non_null(strstr(err, "hondo.fet, línea 2: el XML anida más de 64"));
    free(err);
    strbuf_cleanup(&sb);

    /* not a FET file, and a DOCTYPE */
    err = read_error("otro.fet", "<html><body/></html>\n");
    assert_non_null(strstr(err, "no es un archivo de FET"));
    free(err);
    err = read_error("dtd.fet", "<!DOCTYPE fet [<!ENTITY a \"aaaa\">]>\n<fet>&a;</fet>\n");
    assert_non_null(strstr(err, "DOCTYPE"));
    free(err);

    /* files over 64 MiB are refused before reading */
    char *path = tmp_path("grande.fet");
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(ftruncate(fileno(fp), (off_t)65 << 20), 0);
    fclose(fp);
    struct tt_instance *inst = tt_fet_read(path, &err);
    assert_null(inst);
    assert_non_null(strstr(err, "grande.fet: el archivo pesa más de 64 MiB"));
    free(err);
    unlink(path);
    free(path);

    inst = tt_fet_read("/nonexistent/x.fet", &err);
    assert_null(inst);
    assert_non_null(strstr(err, "No se pudo abrir"));
    free(err);
}

/* --- Writers ----------------------------------------------------------- */

static void test_write_solution_and_locks(void **state)
{
    (void)state;
    struct tt_instance *inst = read_hand();
    struct tt_solution *sol = tt_solution_new(inst);
    int np = inst->nperiods;
    sol->start[tt_find_block(inst, 1)] = 0 * np + 1; /* Lun H2, double */
    sol->start[tt_find_block(inst, 2)] = 2 * np + 2; /* Mié H3 */
    sol->start[tt_find_block(inst, 3)] = 1 * np + 0; /* Mar H1 in R1 */
    sol->room[tt_find_block(inst, 3)] = res(inst, TT_ROOM, "R1");
    sol->start[tt_find_block(inst, 5)] = 1 * np + 1; /* Mar H2 in Lab & Co */
    sol->room[tt_find_block(inst, 5)] = res(inst, TT_ROOM, "Lab & Co");
    /* activity 6 stays unplaced */

    char *out = tmp_path("hand_activities.xml"), *err = NULL;
    assert_int_equal(tt_fet_write_solution(inst, sol, out, &err), 0);
    char *text = slurp(out);
    assert_string_equal(text, "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<Activities_Timetable>\n"
                              "<Activity>\n\t<Id>1</Id>\n\t<Day>Lun</Day>\n\t<Hour>H2</Hour>\n"
                              "\t<Room></Room>\n</Activity>\n"
                              "<Activity>\n\t<Id>2</Id>\n\t<Day>Mié</Day>\n\t<Hour>H3</Hour>\n"
                              "\t<Room></Room>\n</Activity>\n"
                              "<Activity>\n\t<Id>3</Id>\n\t<Day>Mar</Day>\n\t<Hour>H1</Hour>\n"
                              "\t<Room>R1</Room>\n</Activity>\n"
                              "<Activity>\n\t<Id>5</Id>\n\t<Day>Mar</Day>\n\t<Hour>H2</Hour>\n"
                              "\t<Room>Lab &amp; Co</Room>\n</Activity>\n"
                              "</Activities_Timetable>\n");
    free(text);
    free(out);

    /* The locked copy reads back with every placed block pinned where we
       put it, and its other content unchanged. */
    char *in = tmp_path("hand.fet");
    out = tmp_path("hand_locked.fet");
    assert_int_equal(tt_fet_write_locked(inst, sol, in, out, &err), 0);
    text = slurp(out);
    assert_non_null(strstr(text, "<ConstraintActivityPreferredStartingTime>\n"
                                 "\t<Weight_Percentage>100</Weight_Percentage>\n"
                                 "\t<Activity_Id>2</Activity_Id>\n"
                                 "\t<Preferred_Day>Mié</Preferred_Day>\n"
                                 "\t<Preferred_Hour>H3</Preferred_Hour>\n"
                                 "\t<Permanently_Locked>true</Permanently_Locked>\n"
                                 "\t<Active>true</Active>\n"
                                 "\t<Comments></Comments>\n"
                                 "</ConstraintActivityPreferredStartingTime>\n"));
    assert_non_null(strstr(text, "\t<Room>Lab &amp; Co</Room>\n"
                                 "\t<Permanently_Locked>true</Permanently_Locked>\n"));
    free(text);
    struct tt_instance *locked = read_ok(out);
    assert_int_equal(locked->nblocks, inst->nblocks);
    for (int b = 0; b < inst->nblocks; b++) {
        int lb = tt_find_block(locked, inst->blocks[b].ext_id);
        const struct tt_block *k = &locked->blocks[lb];
        if (sol->start[b] < 0) {
            assert_int_equal(k->pin_day, -1);
            continue;
        }
        assert_int_equal(k->pin_day * np + k->pin_period, sol->start[b]);
        if (sol->room[b] >= 0)
            assert_string_equal(locked->resources[k->pin_room].name,
                                inst->resources[sol->room[b]].name);
    }
    assert_int_equal(locked->nunsupported, inst->nunsupported);
    tt_instance_free(&locked);

    /* a timetable with a DOCTYPE is refused before any entity expands
       (a "billion laughs" file would otherwise take gigabytes) */
    char *bomb = tmp_path("bomb_activities.xml");
    write_file(bomb, "<?xml version=\"1.0\"?>\n"
                     "<!DOCTYPE Activities_Timetable [\n"
                     "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
                     "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
                     "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
                     "]>\n"
                     "<Activities_Timetable><Activity><Id>1</Id><Day>&c;</Day>"
                     "<Hour>H1</Hour><Room></Room></Activity></Activities_Timetable>\n");
    struct tt_solution *read = tt_solution_new(inst);
    err = NULL;
    assert_int_equal(tt_fet_read_solution(inst, bomb, read, &err), -1);
    assert_non_null(err);
    assert_string_equal(err, "bomb_activities.xml, línea 2: un horario de FET no lleva "
                             "declaración DOCTYPE.");
    free(err);
    err = NULL;
    tt_solution_free(&read);
    free(bomb);

    /* a solution for another instance is refused */
    struct tt_solution *wrong = tt_solution_new(inst);
    wrong->nblocks = 2;
    assert_int_equal(tt_fet_write_locked(inst, wrong, in, out, &err), -1);
    assert_non_null(err);
    free(err);
    tt_solution_free(&wrong);

    free(in);
    free(out);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static char *xml_field(const char *p, const char *end, const char *tag)
{
    char open[32], close[32];
    snprintf(open, sizeof(open), "<%s>", tag);
    snprintf(close, sizeof(close), "</%s>", tag);
    const char *a = strstr(p, open);
    assert_true(a && a < end);
    a += strlen(open);
    const char *b = strstr(a, close);
    assert_non_null(b);
    return xstrndup(a, (size_t)(b - a));
}

static int name_index(char **names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    fail_msg("name %s not found", name);
    return -1;
}

/* Reads FET's <name>_activities.xml into a solution. */
static struct tt_solution *read_fet_timetable(const struct tt_instance *inst, const char *path)
{
    char *text = slurp(path);
    struct tt_solution *sol = tt_solution_new(inst);
    char **hours = xmalloc((size_t)inst->nperiods * sizeof(char *));
    for (int i = 0; i < inst->nperiods; i++)
        hours[i] = inst->periods[i].name;
    int n = 0;
    for (const char *p = strstr(text, "<Activity>"); p; p = strstr(p + 1, "<Activity>")) {
        const char *end = strstr(p, "</Activity>");
        assert_non_null(end);
        char *id = xml_field(p, end, "Id"), *day = xml_field(p, end, "Day");
        char *hour = xml_field(p, end, "Hour"), *room = xml_field(p, end, "Room");
        int b = tt_find_block(inst, atol(id));
        assert_true(b >= 0);
        sol->start[b] = name_index(inst->day_names, inst->ndays, day) * inst->nperiods +
                        name_index(hours, inst->nperiods, hour);
        sol->room[b] = *room ? res(inst, TT_ROOM, room) : -1;
        free(id), free(day), free(hour), free(room);
        n++;
    }
    assert_int_equal(n, inst->nblocks);
    free(hours);
    free(text);
    return sol;
}

/* FET solves the original; we read its timetable, lock it with our writer
   and FET must accept the locked file and keep every activity in place. */
static void fet_round_trip(const char *example, const char *name, bool check_refusal)
{
    struct tt_instance *inst = read_ok(example);
    char *dir1 = tmp_path("fet1"), *dir2 = tmp_path("fet2");
    char *out = run_fet_cl(example, dir1, 10);
    if (!strstr(out, "Simulation successful"))
        fail_msg("fet-cl could not solve %s:\n%s", example, out);
    free(out);
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_addf(&sb, "%s/timetables/%s/%s_activities.xml", dir1, name, name);
    struct tt_solution *sol = read_fet_timetable(inst, sb.data);
    strbuf_cleanup(&sb);

    char *locked = tmp_path("locked.fet"), *err = NULL;
    assert_int_equal(tt_fet_write_locked(inst, sol, example, locked, &err), 0);
    out = run_fet_cl(locked, dir2, 10);
    if (!strstr(out, "Simulation successful"))
        fail_msg("fet-cl rejected our locks for %s:\n%s", example, out);
    free(out);
    strbuf_init(&sb);
    strbuf_addf(&sb, "%s/timetables/locked/locked_activities.xml", dir2);
    struct tt_solution *again = read_fet_timetable(inst, sb.data);
    strbuf_cleanup(&sb);
    for (int b = 0; b < inst->nblocks; b++) {
        assert_int_equal(again->start[b], sol->start[b]);
        assert_int_equal(again->room[b], sol->room[b]);
    }

    /* and FET refuses a timetable that breaks its rules: every activity
       in the first slot makes teachers and students clash */
    char *dir3 = tmp_path("fet3");
    if (check_refusal) {
        for (int b = 0; b < inst->nblocks; b++)
            again->start[b] = 0;
        assert_int_equal(tt_fet_write_locked(inst, again, example, locked, &err), 0);
        out = run_fet_cl(locked, dir3, 1);
        assert_null(strstr(out, "Simulation successful"));
        free(out);
    }

    tt_solution_free(&again);
    tt_solution_free(&sol);
    free(locked);
    free(dir1);
    free(dir2);
    free(dir3);
    tt_instance_free(&inst);
}

static void test_fet_accepts_locked_timetables(void **state)
{
    (void)state;
    if (!have_examples() || !have_fet_cl())
        skip();
    fet_round_trip(SMALL_SCHOOL, "small-school", true);
    fet_round_trip(ARGENTINA, "Horario_ISJ", false); /* with rooms */
}

static int setup(void **state)
{
    (void)state;
    return make_tmpdir("test_tt_fet");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_school),
        cmocka_unit_test(test_argentina_rooms_and_splits),
        cmocka_unit_test(test_fet6_file_reads_like_its_fet5_original),
        cmocka_unit_test(test_greece_unsupported_listed),
        cmocka_unit_test(test_exam_hours_follow_the_rooms),
        cmocka_unit_test(test_switch_to_fet_method_finishes_a_namibian_school),
        cmocka_unit_test(test_soft_cost_at_most_fets),
        cmocka_unit_test(test_hand_written_model),
        cmocka_unit_test(test_errors_name_file_and_line),
        cmocka_unit_test(test_write_solution_and_locks),
        cmocka_unit_test(test_fet_accepts_locked_timetables),
    };
    return cmocka_run_group_tests(tests, setup, tmpdir_teardown);
}
