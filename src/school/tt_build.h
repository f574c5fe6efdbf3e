/*
 * A school's week as a timetabling problem (issue #15): the set-up in the
 * store (bell schedules, plan de estudio, teaching assignments, rooms,
 * approved teacher preferences) or an existing timetable's lessons become a
 * struct tt_instance for the engine (src/timetable/timetable.h), with a map
 * from the engine's indexes back to the store's rows, so a solution can be
 * written back as timetable_lessons.
 *
 * How the school maps onto the engine:
 * - Time: every bell schedule the sections follow is laid on one grid by
 *   time of day. Class periods of different schedules that overlap in time
 *   are one grid period (a teacher cannot be in both); a section may only
 *   use the grid periods of its own schedule and its schedule's days (the
 *   others are hard unavailability of its class). A break, or a gap in
 *   time, between two grid periods is a break: no block crosses it.
 * - Blocks: fresh (timetable_id 0), one block per part of each assignment's
 *   split ("2+2+2" = three blocks of 2; the assignment's own periods/blocks
 *   or the grade's plan de estudio); from a timetable, one block per lesson
 *   row, placed where the row is (school_tt.start), locked rows pinned.
 * - "Cualquier docente calificado" (staff_id NULL): a teacher qualified for
 *   the subject (staff_subjects) is chosen before the search, the least
 *   loaded first, within max_weekly_periods when set.
 * - Rooms: a subject with a room_kind needs a room of that kind; any other
 *   lesson takes the section's home room when it has one (hard), or no
 *   room.
 * - Approved preferences: avoid on a time or a day -> TT_UNAVAILABLE
 *   (hard); every other level -> TT_PREFERENCE (soft, the engine weighs
 *   time 4 / day 3 / subject 2 / room 1, i.e. 40/30/20/10 %). A time
 *   preference's period is read on the bell schedule most of the teacher's
 *   lessons follow.
 * - Soft rules as the folder format's defaults: blocks of one assignment
 *   on different days (hard), teacher idle periods (weight 10), section
 *   idle periods (weight 100).
 *
 * Callers hold the store (store_lock() or a transaction); nothing is
 * written here.
 */
#ifndef BIS_SCHOOL_TT_BUILD_H
#define BIS_SCHOOL_TT_BUILD_H
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "timetable/timetable.h"

/* What one engine block stands for in the store. */
struct school_tt_block {
    int64_t lesson_id;     /* timetable_lessons.id; 0 when built fresh */
    int64_t assignment_id; /* 0 = none */
    int64_t section_id, subject_id;
    int64_t staff_id;      /* 0 = none */
    int64_t room_id;       /* the row's room (from a timetable), 0 = none */
    int64_t schedule_id;   /* the section's bell schedule */
    int length;
    bool locked;
};

/* One bell schedule laid on the grid. */
struct school_tt_schedule {
    int64_t id;
    int days;                  /* bit d-1 for day d */
    int nclass;                /* class periods */
    int grid[TT_MAX_PERIODS];  /* class period p (1-based) at grid[p-1] */
};

struct school_tt {
    struct tt_instance *inst;
    /* Where each block is now (from the timetable's rows; -1 not placed,
     * all -1 when built fresh): slots of inst, rooms as resources. */
    struct tt_solution *start;
    struct school_tt_block *blocks; /* inst->nblocks of them */
    /* Ids of inst's resources (staff, section or room id by kind). */
    int64_t *resource_ids;
    struct school_tt_schedule *schedules;
    int nschedules;
    /* Spanish problems found while building that do not stop it (an
     * assignment with no teacher qualified, a plan with no split ...),
     * one per line; "" when none. */
    char *notes;
};

/* Builds the problem: timetable_id 0 from the set-up, else from that
 * timetable's lessons. 1 built (*out_r), 0 timetable not found, -1 store
 * error (*error_r English, for the log), -2 the set-up cannot be built
 * (*error_r Spanish, for the user: no bell schedule, no assignment ...).
 * *error_r is malloc'ed; free it. */
int school_tt_build(struct store *s, int64_t timetable_id,
                    struct school_tt **out_r, char **error_r);
void school_tt_free(struct school_tt **b);

/* Input that cannot give a timetable, in Spanish, one problem a line (a
 * teacher or section with more periods than its week has, a subject that
 * needs a kind of room the school lacks, a teacher over their weekly
 * maximum, a block with no possible start): the number of problems, 0
 * when none; *text_r malloc'ed ("" when none). */
int school_tt_precheck(const struct school_tt *b, char **text_r);

/* The day (1..7) and the class period of the block's section schedule
 * (1-based) of a grid slot; false when the slot is not one of that
 * schedule's class periods. */
bool school_tt_place(const struct school_tt *b, int block, int slot,
                     int *day_r, int *period_r);
/* The grid slot of (day, period) of a bell schedule, -1 when none. */
int school_tt_slot(const struct school_tt *b, int64_t schedule_id, int day,
                   int period);
/* The room id of a room resource index, 0 for -1. */
int64_t school_tt_room_id(const struct school_tt *b, int resource);

/* Writes sol into timetable `timetable_id`'s lessons, inside the caller's
 * transaction (no audit row: the caller audits what it did). b built from
 * that timetable: each block's row gets its day, period and room (a block
 * not placed: day and period NULL); b built fresh: one row per block is
 * inserted. Returns the number of rows written, -1 on a store error. */
int school_tt_save(struct store *s, int64_t timetable_id,
                   const struct school_tt *b, const struct tt_solution *sol,
                   const char **error_r);

#endif
