/*
 * bench/timetable_moves/check.c: the grid's clash check alone
 * (src/school/tt_check.c), in memory, on the same kind of timetable as
 * bench.py builds through the API: S sections on the UEIPAB day, each with
 * two-period lessons at periods 1-2, 3-4, 5-6 and 7-8 every day, teachers
 * chosen so that none is in two places. Times single calls of
 * tt_check_moves() (a refused move onto another lesson of the section, an
 * accepted one to periods 9-10, a swap) and of tt_check_free_slots(), and
 * prints p50/p99/max per kind for 10 and 50 sections (200 and 1,000
 * lessons). Built by `cmake --build build --target bench_tt_check`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "school/tt_check.h"

static struct bell_period day_rows[] = {
    {1, false, "07:00", "07:40"}, {2, false, "07:40", "08:20"},
    {3, false, "08:20", "09:00"}, {4, false, "09:00", "09:40"},
    {0, true, "09:40", "10:00"},  {5, false, "10:00", "10:40"},
    {6, false, "10:40", "11:20"}, {7, false, "11:20", "12:00"},
    {8, false, "12:00", "12:40"}, {0, true, "12:40", "13:00"},
    {9, false, "13:00", "13:40"}, {10, false, "13:40", "14:20"},
};
static struct bell_schedule schedule = {1, "Media General", 31, day_rows, 12, 10};

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, int nlessons, double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp);
    printf("%5d lessons  %-9s p50 %7.2f us  p99 %7.2f us  max %8.2f us  (%d calls)\n",
           nlessons, what, t[n / 2], t[(int)(n * 0.99)], t[n - 1], n);
}

static void run(int nsections)
{
    int teachers = nsections * 2;
    int n = nsections * 5 * 4;
    struct school_lesson *l = calloc((size_t)n, sizeof *l);
    char names[64][32];
    for (int i = 0; i < 64; i++)
        snprintf(names[i], sizeof names[i], "Nombre %d", i);
    int k = 0;
    for (int s = 0; s < nsections; s++)
        for (int d = 1; d <= 5; d++)
            for (int b = 0; b < 4; b++, k++)
                l[k] = (struct school_lesson){
                    .id = k + 1, .section_id = s + 1, .subject_id = (d + b) % 8 + 1,
                    .staff_id = (s + 2 * d + 5 * b) % teachers + 1,
                    .room_id = s + 1, .day = d, .period = 1 + 2 * b,
                    .length = 2, .schedule_id = 1,
                    .section_name = names[s % 64], .subject_name = names[b],
                    .teacher_name = names[d], .room_name = names[s % 64]};
    struct school_timetable tt = {.id = 1, .lessons = l, .nlessons = n,
                                  .schedules = &schedule, .nschedules = 1};
    if (tt_check_all(&tt, NULL, 0, NULL, NULL) != 0) {
        fprintf(stderr, "the generated timetable clashes\n");
        exit(1);
    }
    enum { CALLS = 20000 };
    static double refused[CALLS], accepted[CALLS], swap[CALLS], slots[CALLS / 10];
    srand(15);
    struct tt_clash c;
    for (int i = 0; i < CALLS; i++) {
        const struct school_lesson *a = &l[rand() % n];
        const struct school_lesson *busy = &l[(a - l) / 4 * 4 + ((a - l) % 4 + 1) % 4];
        struct tt_move m1 = {a->id, a->day, busy->period};
        double t = now_us();
        int rc = tt_check_moves(&tt, NULL, 0, &m1, 1, &c);
        refused[i] = now_us() - t;
        struct tt_move m2 = {a->id, a->day, 9};
        t = now_us();
        int rc2 = tt_check_moves(&tt, NULL, 0, &m2, 1, &c);
        accepted[i] = now_us() - t;
        struct tt_move sw[2] = {{a->id, busy->day, busy->period},
                                {busy->id, a->day, a->period}};
        t = now_us();
        int rc3 = tt_check_moves(&tt, NULL, 0, sw, 2, &c);
        swap[i] = now_us() - t;
        if (rc != 1 || rc2 != 0 || rc3 < 0) {
            fprintf(stderr, "unexpected result %d %d %d: %s\n", rc, rc2, rc3, c.message);
            exit(1);
        }
    }
    struct tt_slot out[280];
    for (int i = 0; i < CALLS / 10; i++) {
        double t = now_us();
        tt_check_free_slots(&tt, NULL, 0, l[rand() % n].id, out, 280);
        slots[i] = now_us() - t;
    }
    report("refused", n, refused, CALLS);
    report("accepted", n, accepted, CALLS);
    report("swap", n, swap, CALLS);
    report("freeslots", n, slots, CALLS / 10);
    free(l);
}

int main(void)
{
    run(10);
    run(50);
    return 0;
}
