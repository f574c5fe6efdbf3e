/*
 * FET's virtual rooms (issue #17): a block placed in a virtual room takes
 * one real room of each of its sets, all different, at its times. FET's
 * semantics, checked with fet-cl on locked copies of the crafted file
 * tests/data/fet/virtual-rooms.fet: two activities may share the virtual
 * room at once when their real rooms differ; a real room shared with
 * another lesson, or not available then, is refused; the virtual room's
 * own unavailable times count; the real rooms of a locked activity may be
 * listed in any order. Here: the file reads whole, hand-made timetables
 * are priced exactly (with the violations named), the incremental
 * evaluator equals a full evaluation over thousands of random moves that
 * also set real rooms, and fet-cl and we agree both ways.
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

static struct tt_instance *read_crafted(char *path, size_t n)
{
    data_path(path, n, "tests/data/fet/virtual-rooms.fet");
    return read_ok(path);
}

/* Block of FET activity id. */
static int blk(const struct tt_instance *inst, long id)
{
    int b = tt_find_block(inst, id);
    if (b < 0)
        fail_msg("activity %ld missing", id);
    return b;
}

static void test_crafted_file_reads_the_sets_of_real_rooms(void **state)
{
    (void)state;
    char path[4096];
    struct tt_instance *inst = read_crafted(path, sizeof(path));
    assert_int_equal(inst->nunsupported, 0);
    assert_int_equal(tt_max_sets(inst), 2);
    const struct tt_resource *v1 = &inst->resources[res(inst, TT_ROOM, "V1")];
    const struct tt_resource *v2 = &inst->resources[res(inst, TT_ROOM, "V2")];
    assert_int_equal(v1->nsets, 2);
    assert_int_equal(v1->set_len[0], 2);
    assert_int_equal(v1->sets[0][0], res(inst, TT_ROOM, "R1"));
    assert_int_equal(v1->sets[1][1], res(inst, TT_ROOM, "R4"));
    assert_int_equal(v2->nsets, 2);
    assert_int_equal(v2->set_len[0], 3);
    assert_int_equal(v2->set_len[1], 2);
    assert_int_equal(inst->resources[res(inst, TT_ROOM, "R1")].nsets, 0);
    struct tt_solution *sol = tt_solution_new(inst);
    assert_int_equal(sol->nreal, 2);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

/* Loads an activities timetable given as text. */
static struct tt_solution *load(const struct tt_instance *inst, const char *xml)
{
    char *p = tmp_path("sol.xml");
    write_file(p, xml);
    struct tt_solution *sol = tt_solution_new(inst);
    char *err = NULL;
    if (tt_fet_read_solution(inst, p, sol, &err) != 0)
        fail_msg("%s", err);
    unlink(p);
    free(p);
    return sol;
}

#define ACT(id, day, hour, room, reals)                                                        \
    "<Activity><Id>" #id "</Id><Day>" day "</Day><Hour>" hour "</Hour><Room>" room "</Room>" \
        reals "</Activity>\n"
#define RR(a, b) "<Real_Room>" a "</Real_Room><Real_Room>" b "</Real_Room>"

static long count_text(const struct tt_instance *inst, const struct tt_solution *sol,
                       const char *needle)
{
    struct tt_violation *v = NULL;
    int n = tt_explain(inst, sol, TT_EN, &v);
    long c = 0;
    for (int i = 0; i < n; i++)
        if (strstr(v[i].text, needle))
            c += v[i].cost;
    tt_violations_free(v, n);
    return c;
}

static void test_exact_prices(void **state)
{
    (void)state;
    char path[4096];
    struct tt_instance *inst = read_crafted(path, sizeof(path));

    /* (a) clean: 1 and 2 share V1 at Mo 3 with different real rooms (FET
       accepts that), real rooms listed out of set order for 2 */
    struct tt_solution *sol = load(inst, "<Activities_Timetable>\n"
        ACT(1, "Mo", "3", "V1", RR("R1", "R3"))
        ACT(2, "Mo", "3", "V1", RR("R4", "R2"))
        ACT(3, "Mo", "1", "R1", "")
        ACT(4, "Tu", "1", "Hall", "")
        ACT(5, "Tu", "3", "V2", RR("R3", "R2"))
        ACT(6, "Tu", "1", "V1", RR("R2", "R4"))
        "</Activities_Timetable>\n");
    int b2 = blk(inst, 2);
    assert_int_equal(sol->real[b2 * sol->nreal + 0], res(inst, TT_ROOM, "R2"));
    assert_int_equal(sol->real[b2 * sol->nreal + 1], res(inst, TT_ROOM, "R4"));
    struct tt_cost c = tt_evaluate(inst, sol);
    assert_int_equal(c.hard, 0);
    assert_int_equal(c.soft, 0);
    tt_solution_free(&sol);

    /* (b) every kind of violation once: R1 shared by 1 (in V1) and 3 at
       Mo 1; R4 not available Mo 1; V2 not available Tu 1; 6 (two periods,
       Tu 2-3) takes R2 for both sets: R2 is not in V1's second set, and
       the block clashes with itself in R2 in each period */
    sol = load(inst, "<Activities_Timetable>\n"
        ACT(1, "Mo", "1", "V1", RR("R1", "R4"))
        ACT(2, "Tu", "2", "V1", RR("R3", "R1"))
        ACT(3, "Mo", "1", "R1", "")
        ACT(4, "Mo", "2", "Hall", "")
        ACT(5, "Tu", "1", "V2", RR("R2", "R3"))
        ACT(6, "Tu", "2", "V1", RR("R2", "R2"))
        "</Activities_Timetable>\n");
    c = tt_evaluate(inst, sol);
    assert_int_equal(c.hard, 6);
    assert_int_equal(c.soft, 0);
    assert_int_equal(count_text(inst, sol, "Room R1 has 2 lessons"), 1);
    assert_int_equal(count_text(inst, sol, "Room R2 has 2 lessons"), 2);
    assert_int_equal(count_text(inst, sol, "Room R4 has 1 lesson period(s) on Mo"), 1);
    assert_int_equal(count_text(inst, sol, "Room V2 has 1 lesson period(s) on Tu"), 1);
    assert_int_equal(count_text(inst, sol, "in virtual room V1 without a real room"), 1);

    /* (c) no real rooms at all for 1: a unit per set */
    int b1 = blk(inst, 1);
    sol->real[b1 * sol->nreal] = sol->real[b1 * sol->nreal + 1] = -1;
    assert_int_equal(tt_evaluate(inst, sol).hard, 6 - 1 - 1 + 2);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

/* Pinned real rooms (FET's preferred room with real rooms, as in
   SPAIN_20-21-locked): exactly those, any order, one unit otherwise. */
static void test_pinned_real_rooms(void **state)
{
    (void)state;
    char path[4096];
    struct tt_instance *inst = read_crafted(path, sizeof(path));
    int b = blk(inst, 1);
    int r2 = res(inst, TT_ROOM, "R2"), r3 = res(inst, TT_ROOM, "R3");
    inst->blocks[b].pin_real = xmalloc(2 * sizeof(int));
    inst->blocks[b].pin_real[0] = r3;
    inst->blocks[b].pin_real[1] = r2;
    inst->blocks[b].npin_real = 2;
    struct tt_solution *sol = tt_solution_new(inst);
    struct tt_eval *ev = tt_eval_new(inst, sol);
    /* the evaluator chooses the pinned ones */
    tt_eval_move(ev, b, slot(inst, 0, 2), res(inst, TT_ROOM, "V1"));
    const struct tt_solution *cur = tt_eval_solution(ev);
    assert_int_equal(cur->real[b * cur->nreal], r2);
    assert_int_equal(cur->real[b * cur->nreal + 1], r3);
    long base = tt_eval_cost(ev).hard;
    int other[2] = {r2, res(inst, TT_ROOM, "R4")};
    assert_int_equal(tt_eval_move_real(ev, b, slot(inst, 0, 2), res(inst, TT_ROOM, "V1"), other)
                         .hard,
                     base + 1);
    assert_int_equal(tt_evaluate(inst, tt_eval_solution(ev)).hard, base + 1);
    tt_eval_free(&ev);
    tt_solution_free(&sol);
    tt_instance_free(&inst);

    /* SPAIN_20-21-locked pins the real rooms of some activities */
    const char *spain = "/usr/share/doc/fet-data/examples/FET-5-official/Spain/"
                        "4-secondary-and-vocational-school/SPAIN_20-21-locked.fet";
    if (access(spain, R_OK) != 0) {
        print_message("skipped: FET examples are not installed\n");
        return;
    }
    inst = read_ok(spain);
    assert_int_equal(inst->nunsupported, 0);
    int pinned = 0;
    for (int i = 0; i < inst->nblocks; i++)
        pinned += inst->blocks[i].npin_real > 0;
    assert_int_equal(pinned, 28); /* grep: 28 preferred rooms with real rooms */
    tt_instance_free(&inst);
}

/* Random moves (times, rooms among real and virtual ones, real rooms
   chosen by the evaluator or given, valid or not): the incremental price
   equals a full evaluation after each, and undoing a move with the saved
   real rooms gives back the price exactly. */
static void test_incremental_equals_full(void **state)
{
    (void)state;
    char path[4096];
    struct tt_instance *inst = read_crafted(path, sizeof(path));
    /* soft unavailability of a real room too */
    struct tt_constraint *c = tt_add_constraint(inst, TT_UNAVAILABLE, false, 7, true, "test");
    c->resource = res(inst, TT_ROOM, "R2");
    tt_constraint_set_slot(c, 1, 0);
    tt_constraint_set_slot(c, 0, 2);
    static const char *const rooms[] = {"V1", "V2", "R1", "R2", "R3", "R4", "Hall"};
    struct tt_solution *sol = tt_solution_new(inst);
    struct tt_eval *ev = tt_eval_new(inst, sol);
    uint64_t x = 99;
    long worst_soft = 0;
    int nslots = inst->ndays * inst->nperiods;
    for (int step = 0; step < 5000; step++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int b = (int)((x >> 33) % (uint64_t)inst->nblocks);
        int s = (int)((x >> 17) % (uint64_t)(nslots + 1)) - 1;
        int room = (x >> 9) % 8 == 0 ? -1 : res(inst, TT_ROOM, rooms[(x >> 12) % 7]);
        const struct tt_solution *cur = tt_eval_solution(ev);
        int os = cur->start[b], oroom = cur->room[b];
        int oreal[2] = {cur->real[b * 2], cur->real[b * 2 + 1]};
        struct tt_cost before = tt_eval_cost(ev), inc;
        if ((x >> 40) % 3 == 0) {
            int real[2];
            for (int k = 0; k < 2; k++) /* any room, virtual ones and -1 too */
                real[k] = (int)((x >> (44 + 5 * k)) % 8) == 7
                              ? -1
                              : res(inst, TT_ROOM, rooms[(x >> (44 + 5 * k)) % 7]);
            inc = tt_eval_move_real(ev, b, s, room, real);
        } else {
            inc = tt_eval_move(ev, b, s, room);
        }
        struct tt_cost full = tt_evaluate(inst, tt_eval_solution(ev));
        assert_int_equal(inc.hard, full.hard);
        assert_int_equal(inc.soft, full.soft);
        if (full.soft > worst_soft)
            worst_soft = full.soft;
        if ((x >> 60) % 4 == 0) { /* undo exactly */
            struct tt_cost back = tt_eval_move_real(ev, b, os, oroom, oreal);
            assert_int_equal(back.hard, before.hard);
            assert_int_equal(back.soft, before.soft);
        }
    }
    assert_true(worst_soft > 0);
    tt_eval_free(&ev);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

static void test_fet_cl_and_we_agree(void **state)
{
    (void)state;
    if (!have_fet_cl())
        skip();
    char path[4096];
    struct tt_instance *inst = read_crafted(path, sizeof(path));

    /* (a) FET's timetable prices at hard 0 with us, real rooms read */
    char *out1 = tmp_path("fet");
    assert_true(fet_cl_solves(path, out1, 10));
    char *xml = str_fmt("%s/timetables/virtual-rooms/virtual-rooms_activities.xml", out1);
    struct tt_solution *fet = tt_solution_new(inst);
    char *err = NULL;
    if (tt_fet_read_solution(inst, xml, fet, &err) != 0)
        fail_msg("%s", err);
    assert_int_equal(tt_evaluate(inst, fet).hard, 0);
    int b1 = blk(inst, 1);
    assert_int_equal(fet->room[b1], res(inst, TT_ROOM, "V1"));
    assert_true(fet->real[b1 * fet->nreal] >= 0 && fet->real[b1 * fet->nreal + 1] >= 0);

    /* (b) ours, locked into the file (real rooms too), is accepted */
    struct tt_options opt;
    tt_options_init(&opt);
    opt.seed = 3;
    opt.max_iterations = 100000;
    opt.stop_at_feasible = true;
    struct tt_solution *sol = tt_solution_new(inst);
    struct tt_result r;
    assert_int_equal(tt_solve(inst, sol, &opt, &r, &err), 0);
    assert_int_equal(r.cost.hard, 0);
    assert_int_equal(tt_evaluate(inst, sol).hard, 0);
    char *locked = tmp_path("locked.fet");
    assert_int_equal(tt_fet_write_locked(inst, sol, path, locked, &err), 0);
    char *text = slurp(locked);
    assert_non_null(strstr(text, "<Number_of_Real_Rooms>2</Number_of_Real_Rooms>"));
    free(text);
    char *out2 = tmp_path("ours");
    assert_true(fet_cl_solves(locked, out2, 10));

    /* (c) one real room changed (the first change, in block, set and room
       order, that breaks a rule): > 0 with us, refused by fet-cl */
    bool found = false;
    for (int b = 0; b < inst->nblocks && !found; b++) {
        int room = sol->room[b];
        if (room < 0 || inst->resources[room].nsets == 0)
            continue;
        const struct tt_resource *v = &inst->resources[room];
        for (int k = 0; k < v->nsets && !found; k++) {
            int keep = sol->real[b * sol->nreal + k];
            for (int i = 0; i < v->set_len[k] && !found; i++) {
                int other = sol->real[b * sol->nreal + 1 - k];
                if (v->sets[k][i] == keep || v->sets[k][i] == other)
                    continue; /* FET refuses a room twice as wrong data */
                sol->real[b * sol->nreal + k] = v->sets[k][i];
                found = tt_evaluate(inst, sol).hard > 0;
            }
            if (!found)
                sol->real[b * sol->nreal + k] = keep;
        }
    }
    assert_true(found);
    assert_int_equal(tt_fet_write_locked(inst, sol, path, locked, &err), 0);
    char *out3 = tmp_path("bad");
    assert_false(fet_cl_solves(locked, out3, 2));

    free(out1);
    free(out2);
    free(out3);
    free(xml);
    free(locked);
    tt_solution_free(&sol);
    tt_solution_free(&fet);
    tt_instance_free(&inst);
}

/* The five official examples with virtual rooms read with nothing left
   unmodelled. */
static void test_official_examples_read_whole(void **state)
{
    (void)state;
    static const char *const files[] = {
        "Germany/secondary-school-1/test-virtual-rooms-1/German-test-virtual-rooms-1.fet",
        "Germany/secondary-school-1/test-virtual-rooms-2/German-test-virtual-rooms-2.fet",
        "Germany/secondary-school-1/test-virtual-rooms-3/German-test-virtual-rooms-3.fet",
        "Spain/4-secondary-and-vocational-school/SPAIN_20-21.fet",
        "Spain/4-secondary-and-vocational-school/SPAIN_20-21-locked.fet",
    };
    static const int virtual_rooms[] = {4, 1, 1, 20, 20}; /* grep '<Virtual>true' */
    for (int i = 0; i < 5; i++) {
        char *p = str_fmt("/usr/share/doc/fet-data/examples/FET-5-official/%s", files[i]);
        if (access(p, R_OK) != 0) {
            print_message("skipped: FET examples are not installed\n");
            free(p);
            return;
        }
        struct tt_instance *inst = read_ok(p);
        assert_int_equal(inst->nunsupported, 0);
        int n = 0;
        for (int r = 0; r < inst->nresources; r++)
            n += inst->resources[r].nsets > 0;
        assert_int_equal(n, virtual_rooms[i]);
        tt_instance_free(&inst);
        free(p);
    }
}

static int setup(void **state)
{
    (void)state;
    return make_tmpdir("test_tt_vrooms");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crafted_file_reads_the_sets_of_real_rooms),
        cmocka_unit_test(test_exact_prices),
        cmocka_unit_test(test_pinned_real_rooms),
        cmocka_unit_test(test_incremental_equals_full),
        cmocka_unit_test(test_fet_cl_and_we_agree),
        cmocka_unit_test(test_official_examples_read_whole),
    };
    return cmocka_run_group_tests(tests, setup, tmpdir_teardown);
}
