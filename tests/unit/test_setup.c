/*
 * The pure rules of the timetable set-up (src/school/setup.h): blocks of
 * the plan de estudio ("2+2+2", normalized, each 1-12, summing to the
 * weekly periods), their default split, the checks of a bell schedule's
 * day (times, order, overlaps, breaks at the ends, at least one class
 * period) with the name of every wrong row, and the UEIPAB template.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "school/setup.h"

static void blocks_are_normalized_and_must_sum(void **state)
{
    (void)state;
    char out[PLAN_BLOCKS_MAX];
    int64_t sum = 0;
    assert_null(plan_check_blocks(" 2 + 2+2 ", 6, out, sizeof out, &sum));
    assert_string_equal(out, "2+2+2");
    assert_int_equal(sum, 6);
    assert_null(plan_check_blocks("12", 0, out, sizeof out, &sum));
    assert_int_equal(sum, 12);
    assert_non_null(plan_check_blocks("2+1", 4, out, sizeof out, NULL));
    assert_non_null(plan_check_blocks("13", 0, out, sizeof out, NULL));
    assert_non_null(plan_check_blocks("0+2", 0, out, sizeof out, NULL));
    assert_non_null(plan_check_blocks("2,2", 0, out, sizeof out, NULL));
    assert_non_null(plan_check_blocks("2++2", 0, out, sizeof out, NULL));
    assert_non_null(plan_check_blocks("+2", 0, out, sizeof out, NULL));
    assert_non_null(plan_check_blocks("", 0, out, sizeof out, NULL));
    /* 41 ones: more blocks than a week may hold */
    char many[128] = "1";
    for (int i = 1; i < 41; i++)
        strcat(many, "+1");
    assert_non_null(plan_check_blocks(many, 0, out, sizeof out, NULL));
}

static void default_blocks_go_in_twos(void **state)
{
    (void)state;
    char out[PLAN_BLOCKS_MAX];
    plan_default_blocks(5, out, sizeof out);
    assert_string_equal(out, "2+2+1");
    plan_default_blocks(1, out, sizeof out);
    assert_string_equal(out, "1");
    plan_default_blocks(40, out, sizeof out);
    int64_t sum = 0;
    assert_null(plan_check_blocks(out, 40, out, sizeof out, &sum));
}

static void add(struct bell_input *in, bool is_break, const char *from,
                const char *to)
{
    struct bell_row_input *r = &in->rows[in->nrows++];
    r->is_break = is_break;
    strcpy(r->starts_at, from);
    strcpy(r->ends_at, to);
}

static bool has(const struct rec_errors *e, const char *field)
{
    for (int i = 0; i < e->n; i++)
        if (strcmp(e->e[i].field, field) == 0)
            return true;
    return false;
}

static void a_day_names_every_wrong_row(void **state)
{
    (void)state;
    struct bell_input in = {0};
    struct rec_errors errs = {0};
    struct setup_names names = {0};
    add(&in, true, "06:40", "07:00");  /* a break first */
    add(&in, false, "07:00", "07:40");
    add(&in, false, "07:30", "08:10"); /* overlaps the one before */
    add(&in, false, "09:00", "08:50"); /* ends before it starts */
    add(&in, false, "24:00", "25:00"); /* not a time */
    add(&in, true, "10:00", "10:20");  /* a break last */
    bells_check_rows(&in, &errs, &names);
    assert_true(has(&errs, "periods[0].kind"));
    assert_true(has(&errs, "periods[2].starts_at"));
    assert_true(has(&errs, "periods[3].ends_at"));
    assert_true(has(&errs, "periods[4].starts_at"));
    assert_true(has(&errs, "periods[4].ends_at"));
    assert_false(has(&errs, "periods[1].starts_at"));
    assert_false(has(&errs, "periods[5].kind")); /* one end is reported */
    struct bell_input breaks = {0};
    struct rec_errors e2 = {0};
    struct setup_names n2 = {0};
    add(&breaks, true, "10:00", "10:20");
    bells_check_rows(&breaks, &e2, &n2);
    assert_true(has(&e2, "periods"));
}

static void the_ueipab_template_is_a_valid_day(void **state)
{
    (void)state;
    struct bell_input in = {0};
    bells_template_ueipab(&in);
    assert_string_equal(in.name, "Horario UEIPAB");
    assert_int_equal(in.days, 31);
    assert_int_equal(in.nrows, 12);
    int classes = 0;
    for (int i = 0; i < in.nrows; i++)
        classes += !in.rows[i].is_break;
    assert_int_equal(classes, 10);
    assert_string_equal(in.rows[0].starts_at, "07:00");
    assert_string_equal(in.rows[11].ends_at, "14:20");
    assert_true(in.rows[4].is_break && strcmp(in.rows[4].starts_at, "09:40") == 0);
    assert_true(in.rows[9].is_break && strcmp(in.rows[9].ends_at, "13:00") == 0);
    struct rec_errors errs = {0};
    struct setup_names names = {0};
    bells_check_rows(&in, &errs, &names);
    assert_int_equal(errs.n, 0);
    struct bell_input named = {.has_name = true, .name = "Media General"};
    bells_template_ueipab(&named);
    assert_string_equal(named.name, "Media General");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blocks_are_normalized_and_must_sum),
        cmocka_unit_test(default_blocks_go_in_twos),
        cmocka_unit_test(a_day_names_every_wrong_row),
        cmocka_unit_test(the_ueipab_template_is_a_valid_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
