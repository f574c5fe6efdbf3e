/*
 * The grid's clash check (issue #15, editing a timetable by hand): would
 * these lessons, put at these slots, clash with the rest of the
 * timetable? Pure logic over a loaded struct school_timetable (no SQL, no
 * store), so a move is checked in microseconds and unit tested alone
 * (tests/unit/test_tt_check.c).
 *
 * How: a set of moves (lesson -> day, period) is applied to a view of the
 * timetable, then each moved lesson is checked, in this order, against
 *   - its own slot: the day must be a school day of its section's bell
 *     schedule, the block must end by the day's last class period and must
 *     not cross a break (receso);
 *   - its teacher's unavailability (approved `avoid` preferences on a time
 *     or a whole day, passed in by the caller);
 *   - every other placed lesson (with the moves applied): the same
 *     section, teacher or room at an overlapping time.
 * Overlap is by time of day when both lessons' sections have a bell
 * schedule (sections on different schedules share teachers and rooms by
 * the clock), else by period numbers. The first clash found is described
 * in Spanish ("El prof. Ana Pérez ya tiene 2do Año A el lunes, 3.ª hora").
 */
#ifndef BIS_SCHOOL_TT_CHECK_H
#define BIS_SCHOOL_TT_CHECK_H
#include <stdbool.h>
#include <stdint.h>

#include "school/timetables.h"

enum tt_clash_kind {
    TT_CLASH_NONE = 0,
    TT_CLASH_TEACHER,     /* the teacher has another lesson then */
    TT_CLASH_SECTION,     /* the section has another lesson then */
    TT_CLASH_ROOM,        /* the room is taken then */
    TT_CLASH_UNAVAILABLE, /* the teacher is unavailable then */
    TT_CLASH_BREAK,       /* the block would cross a break */
    TT_CLASH_DAY_END,     /* the block would run past the day's end */
    TT_CLASH_NO_SCHOOL,   /* not a school day of the bell schedule */
};

/* A teacher's unavailability: (day, period) or, period 0, the whole day. */
struct tt_unavailable {
    int64_t staff_id;
    int day, period;
};

struct tt_move {
    int64_t lesson_id;
    int day, period;
};

struct tt_clash {
    enum tt_clash_kind kind;
    int64_t lesson_id; /* the moved lesson that clashes */
    int64_t other_id;  /* the lesson it meets, 0 when none */
    int day, period;   /* where (the moved lesson's numbering) */
    char message[320]; /* Spanish */
};

/* The stable English name of a kind ("teacher", "section", ...). */
const char *tt_clash_kind_name(enum tt_clash_kind kind);

/*
 * Checks moves[0..nmoves) applied together (a swap is two moves) against
 * tt and the unavailabilities u[0..nu). Returns 0 (no clash), 1 (*clash_r
 * describes the first clash) or -1 (a move names a lesson not in tt, or
 * a slot outside 1..7 / 1..TIMETABLE_MAX_PERIODS: *clash_r->message says
 * which, in Spanish).
 */
int tt_check_moves(const struct school_timetable *tt,
                   const struct tt_unavailable *u, int nu,
                   const struct tt_move *moves, int nmoves,
                   struct tt_clash *clash_r);

/* A slot where a lesson could go. */
struct tt_slot {
    int day, period;
};

/*
 * The slots (day 1..7, period 1..nclass of its section's schedule, or of
 * the longest schedule when it has none) where lesson `lesson_id` alone
 * could go without a clash, its current slot excluded. Writes at most
 * `max` into slots[] and returns how many there are (-1: no such lesson).
 */
int tt_check_free_slots(const struct school_timetable *tt,
                        const struct tt_unavailable *u, int nu,
                        int64_t lesson_id, struct tt_slot *slots, int max);

/*
 * Every clash of the timetable as it stands (each pair once; placed
 * lessons only): calls fn for each; returns the count. For the page's
 * warnings and for tests.
 */
int tt_check_all(const struct school_timetable *tt,
                 const struct tt_unavailable *u, int nu,
                 void (*fn)(const struct tt_clash *c, void *arg), void *arg);

/* "lunes" .. "domingo" (day 1..7), "" otherwise. */
const char *tt_day_name(int day);

#endif
