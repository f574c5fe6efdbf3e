/*
 * Internals shared by the evaluator, the explainer and the solver. Not part
 * of the public API: the layout of struct tt_eval changes as the solver
 * needs.
 */
#ifndef BIS_TIMETABLE_INTERNAL_H
#define BIS_TIMETABLE_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>

#include "timetable/timetable.h"

/* Which family a constraint type belongs to in the evaluator. */
enum tt_family {
    TT_FAM_RESOURCE, /* priced from one resource's busy periods, day by day */
    TT_FAM_UNARY,    /* sum over its blocks of a per-block price */
    TT_FAM_SET       /* priced from all its blocks together */
};
enum tt_family tt_family_of(const struct tt_constraint *c);

struct tt_eval {
    const struct tt_instance *inst;
    struct tt_solution *sol;
    int ndays, nper, nslots, nres;
    uint16_t *cnt;          /* [nres * nslots] lessons of a resource in a slot */
    int *occ;               /* [nres * nslots] the block there when cnt is 1 and
                               known, -1 when free, -2 when unknown */
    uint8_t *sday;          /* [nslots] the day of a slot (no division in hot loops) */
    uint64_t *busy;         /* [nres * ndays] periods where cnt > 0 */
    uint64_t *ignore;       /* [nres * ndays] periods never counted as gaps */
    uint64_t *valid_start;  /* [(maxlen + 1) * ndays] starts a block of that length may take */
    int maxlen;
    /* per block: the teachers and classes it occupies */
    int **bres;
    int *nbres;
    /* per block: the constraints over blocks it belongs to */
    int **bcons;
    int *nbcons;
    /* per resource: the constraints on that resource */
    int **rcons;
    int *nrcons;
    /* per constraint: blocks (derived for subject/room families), units, day values */
    int **citems;
    int *nci;
    long *units;
    int *cmode;             /* same start/day/period: the most common value */
    int *dayval;            /* [nconstraints * ndays] for resource constraints */
    /* per block: built-in hard units (unplaced, bad start, pins, rooms) */
    long *builtin;
    long clash;             /* sum over resources and slots of max(0, cnt - 1) */
    /* Breakout weights for the repair search: each hard constraint and each
       resource's clashes weigh cw / rw (start at 1); whard is the weighted
       hard cost. The reported cost never uses them. */
    long *cw, *rw, *bw;
    long whard;
    long hard_other, soft;  /* constraint costs */
    long builtin_total;
    /* rooms a block may take (hard rules), computed once */
    int **room_ok;
    int *nroom_ok;
    /* --- #17 rooms --- */
    int **rblk;             /* per resource with a building rule: its blocks */
    int *nrblk;
    uint8_t *room_rule;     /* per block: a rule of rooms.c reads its room
                               (2: a room-set rule, 1: building rules) */
    struct tt_tags *tags;   /* #17 tags: slot counts of tag/selection rules (tags.c) */
};

/* Raises by one the weight of every hard violation present now. */
void tt_eval_bump_weights(struct tt_eval *ev);
/* Back to weight 1 everywhere. */
void tt_eval_reset_weights(struct tt_eval *ev);

/* Units of constraint c right now (recomputed, not cached). */
long tt_eval_units_now(const struct tt_eval *ev, int c);
/* Units block b alone has in constraint ci of the unary family (allowed
   starts, slots, rooms) at its current position. */
long tt_eval_unary_units(const struct tt_eval *ev, int ci, int b);
/* Built-in hard units of block b at its current position. */
long tt_eval_builtin(const struct tt_eval *ev, int b);
/* Idle periods of resource r on day d. */
int tt_eval_gaps(const struct tt_eval *ev, int r, int d);
/* Can block b start at slot s as far as the day's shape goes (segment,
   closed periods, day end)? */
bool tt_start_fits(const struct tt_eval *ev, int b, int s);
/* Whether room is acceptable for block b under the hard room rules. */
bool tt_room_fits(const struct tt_eval *ev, int b, int room);

/* Appends v to a list that grows by powers of two (model.c). */
void tt_push(int **arr, int *n, int v);

/* The periods a block of len periods starting at period p occupies, as a
   mask on its day. */
static inline uint64_t tt_run_mask(int len, int p)
{
    return (len >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << len) - 1)) << p;
}

static inline int tt_popcount(uint64_t x)
{
    return __builtin_popcountll(x);
}

/* Units of one pair of blocks of a pairwise constraint (min days, not
   overlapping, min gap): block bi at si and bj at sj, both placed. */
bool tt_pairwise(enum tt_ctype t);
long tt_pair_units(const struct tt_eval *ev, const struct tt_constraint *c, int bi, int si, int bj,
                   int sj);

/* --- #17 rooms (rooms.c) --- */
/* Day value of a building rule (TT_BUILDING_*) for its resource on day d. */
int tt_building_day_value(const struct tt_eval *ev, const struct tt_constraint *c, int d);
/* Units of TT_SAME_ROOM_IF_CONSECUTIVE / TT_MAX_DIFFERENT_ROOMS now. */
long tt_room_set_units(const struct tt_eval *ev, int ci);
/* Distinct rooms the placed blocks of constraint ci use. */
int tt_rooms_distinct(const struct tt_eval *ev, int ci);
/* The per-resource block lists the building rules read (tt_eval_new /
   tt_eval_free). */
void tt_rooms_eval_init(struct tt_eval *ev);
void tt_rooms_eval_free(struct tt_eval *ev);
/* For the solver, block b (not placed) about to start at s and whose room
   a rule of rooms.c reads: the free room of room_ok (tried from index off;
   all of them for a room-set rule, 8 for building rules) that leaves the
   cheapest timetable under the breakout weights, or the room at off when
   none is free (or -1 when b does not need one). */
int tt_rooms_pick(struct tt_eval *ev, int b, int s, int off);
/* Buildings of rooms in range (tt_instance_validate). */
int tt_rooms_validate(const struct tt_instance *inst, char **error_r);
/* --- #17 virtual rooms (rooms.c) --- */
/* Virtual rooms' sets and pinned real rooms (tt_instance_validate). */
int tt_vrooms_validate(const struct tt_instance *inst, char **error_r);
/* Built-in hard units of block b, placed in a virtual room: a set without
   one of its rooms, pinned real rooms not taken. */
long tt_vrooms_builtin(const struct tt_eval *ev, int b);
/* For block b (not placed) in virtual room room at s: real[0..nsets-1]
   (the current choice on entry, tried first) become free real rooms, one
   per set, all different, by matching; a set with none free takes its
   least busy room. */
void tt_vrooms_choose(const struct tt_eval *ev, int b, int room, int s, int *real);
/* Can block b (not placed) take virtual room room at s: the room open
   then and a free real room for every set? */
bool tt_vroom_open(const struct tt_eval *ev, int b, int room, int s);
static inline bool tt_is_virtual(const struct tt_instance *inst, int room)
{
    return room >= 0 && inst->resources[room].nsets > 0;
}
/* --- dedup (eval.c) --- */
/* The sum of the k - n smallest of v[0..k-1] (0 when k <= n), sorting v in
   place: the units of "at most n days / rooms" rules (TT_MAX_DAYS_WEEK,
   TT_INTERVAL_MAX_DAYS, TT_MAX_DIFFERENT_ROOMS), the lessons on the lightest
   days or least used rooms that would have to move. */
long tt_sum_lightest(int *v, int k, int n);
/* --- #17 rtime (rtime.c): the resource time-pattern constraints --- */
/* Day value and fold (see day_value/fold_days in eval.c) of TT_MAX_CONTINUOUS,
   TT_INTERVAL_MAX_DAYS, TT_MIN_RESTING, TT_ENDS_DAY and TT_MAX_SPAN_DAY with
   its one-day exception (flag). */
bool tt_rtime_type(const struct tt_constraint *c);
int tt_rtime_day_value(const struct tt_eval *ev, const struct tt_constraint *c, int d);
long tt_rtime_fold(const struct tt_eval *ev, const struct tt_constraint *c, const int *dv);
/* One line in plain words for constraint ci, which is violated now. */
void tt_rtime_explain(const struct tt_eval *ev, int ci, enum tt_lang lang, char *buf, int n);
/* --- #17 tags (tags.c): activity-tag and time-slot-selection rules --- */
long tt_tags_set_units(const struct tt_eval *ev, int ci);
bool tt_tags_pairwise(enum tt_ctype t);
long tt_tags_pair_units(const struct tt_eval *ev, const struct tt_constraint *c, int bi, int si,
                        int bj, int sj);
/* For explanations: the periods of day d the items of ci occupy; the
   units of a day's mask under a max-in-a-row limit n (and the longest
   row); how many items occupy slot s. */
uint64_t tt_tags_day_mask(const struct tt_eval *ev, int ci, int d);
long tt_tags_run_units(const struct tt_eval *ev, uint64_t m, int n, int *longest_r);
int tt_tags_count_at(const struct tt_eval *ev, int ci, int s);
/* The incremental state: built once the evaluator's blocks are placed,
   updated for constraint ci when block b moves from os to ns (before its
   units are recomputed), freed with the evaluator. */
void tt_tags_init(struct tt_eval *ev);
void tt_tags_moved(struct tt_eval *ev, int ci, int b, int os, int ns);
void tt_tags_free(struct tt_eval *ev);
/* --- #17 pairs (pairs.c): the pairwise rules over named activities
   (consecutive, grouped, ordered, max days between); tt_pair_units hands
   them to tt_pairs_units. */
bool tt_pairs_type(enum tt_ctype t);
long tt_pairs_units(const struct tt_eval *ev, const struct tt_constraint *c, int bi, int si,
                    int bj, int sj);
/* --- end #17 pairs */

#endif
