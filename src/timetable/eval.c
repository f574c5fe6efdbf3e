/*
 * The evaluator: prices a timetable as (hard, soft) and keeps that price
 * current as blocks move, touching only what a move changes.
 *
 * State per resource: how many lessons it has in each slot (cnt) and, per
 * day, a bit mask of the periods where it is busy. A clash is a slot with
 * cnt > 1. Constraints fall in three families (internal.h):
 *   - resource constraints (gaps, periods per day, days per week,
 *     unavailability, time preferences) keep one value per day, computed
 *     from the resource's busy mask; a move recomputes only the days it
 *     touched, then folds the days into units;
 *   - unary constraints over blocks (allowed starts, slots, rooms) price
 *     each block alone, so a move adds the difference for that block;
 *   - set constraints (min days, same start, not overlapping, subject per
 *     day, room stability, ...) are recomputed from their few blocks.
 * Built-in hard rules per block (placed at all, fits the day's shape, pins,
 * room rules) are priced per block.
 */
#include "timetable/internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/ints.h"
#include "core/util.h"

enum tt_family tt_family_of(const struct tt_constraint *c)
{
    switch (c->type) {
    case TT_UNAVAILABLE:
    case TT_MAX_GAPS_DAY:
    case TT_MAX_GAPS_WEEK:
    case TT_MAX_PERIODS_DAY:
    case TT_MIN_PERIODS_DAY:
    case TT_MAX_DAYS_WEEK:
    case TT_MIN_DAYS_WEEK:
    case TT_MAX_SPAN_DAY:
    case TT_EARLY_START:
    /* --- #17 rooms --- */
    case TT_BUILDING_CHANGES_DAY:
    case TT_BUILDING_CHANGES_WEEK:
    case TT_BUILDING_MIN_GAPS:
    /* --- #17 rtime --- */
    case TT_MAX_CONTINUOUS:
    case TT_INTERVAL_MAX_DAYS:
    case TT_MIN_RESTING:
    case TT_ENDS_DAY:
        return TT_FAM_RESOURCE;
    case TT_PREFERENCE:
        return (c->pref_kind == TT_PREF_TIME || c->pref_kind == TT_PREF_DAY) ? TT_FAM_RESOURCE
                                                                              : TT_FAM_SET;
    case TT_BLOCK_STARTS:
    case TT_BLOCK_SLOTS:
    case TT_BLOCK_ROOMS:
        return TT_FAM_UNARY;
    default:
        return TT_FAM_SET;
    }
}

/* Preference units are scaled so that the kinds weigh 40/30/20/10. */
static int pref_factor(int kind)
{
    static const int f[4] = {4, 3, 2, 1};
    return f[kind & 3];
}

static inline uint64_t day_mask(const struct tt_eval *ev)
{
    return ev->nper == 64 ? ~(uint64_t)0 : (((uint64_t)1 << ev->nper) - 1);
}

int tt_eval_gaps(const struct tt_eval *ev, int r, int d)
{
    uint64_t m = ev->busy[(size_t)r * ev->ndays + d];
    if (!m)
        return 0;
    int first = __builtin_ctzll(m), last = 63 - __builtin_clzll(m);
    uint64_t span = (last == 63 ? ~(uint64_t)0 : (((uint64_t)1 << (last + 1)) - 1)) &
                    ~(((uint64_t)1 << first) - 1);
    return tt_popcount(span & ~m & ~ev->ignore[(size_t)r * ev->ndays + d]);
}

/* The value of a resource constraint on one day. */
static int day_value(const struct tt_eval *ev, const struct tt_constraint *c, int d)
{
    int r = c->resource;
    uint64_t m = ev->busy[(size_t)r * ev->ndays + d];
    int pc = tt_popcount(m);
    switch (c->type) {
    case TT_UNAVAILABLE:
        return c->slots ? tt_popcount(m & c->slots[d]) : 0;
    case TT_MAX_GAPS_DAY: {
        int g = tt_eval_gaps(ev, r, d);
        return g > c->n ? g - c->n : 0;
    }
    case TT_MAX_GAPS_WEEK:
        return tt_eval_gaps(ev, r, d);
    case TT_MAX_PERIODS_DAY:
        return pc > c->n ? pc - c->n : 0;
    case TT_MIN_PERIODS_DAY:
        if (pc == 0)
            return c->flag ? 0 : c->n;
        return pc < c->n ? c->n - pc : 0;
    case TT_MAX_DAYS_WEEK:
        return pc; /* folded into the periods of the lightest extra days */
    case TT_MIN_DAYS_WEEK:
        return pc > 0;
    case TT_MAX_SPAN_DAY: {
        if (!m)
            return 0;
        int span = 64 - __builtin_clzll(m) - __builtin_ctzll(m);
        return span > c->n ? span - c->n : 0;
    }
    case TT_EARLY_START: {
        if (!m)
            return 0;
        /* periods the group could have used before its first lesson */
        uint64_t before = (((uint64_t)1 << __builtin_ctzll(m)) - 1) &
                          ~ev->ignore[(size_t)r * ev->ndays + d];
        int late = tt_popcount(before);
        return late > 2 ? 2 : late; /* 0 first period, 1 second, 2 later */
    }
    case TT_PREFERENCE: {
        uint64_t sel = c->slots ? c->slots[d] : 0;
        int n = c->level < 0 ? tt_popcount(m & sel) : tt_popcount(m & ~sel);
        return n * (c->level < 0 ? -c->level : c->level) * pref_factor(c->pref_kind);
    }
    /* --- #17 rooms --- */
    case TT_BUILDING_CHANGES_DAY:
    case TT_BUILDING_CHANGES_WEEK:
    case TT_BUILDING_MIN_GAPS:
        return tt_building_day_value(ev, c, d);
    /* --- #17 rtime --- */
    case TT_MAX_CONTINUOUS:
    case TT_INTERVAL_MAX_DAYS:
    case TT_MIN_RESTING:
    case TT_ENDS_DAY:
        return tt_rtime_day_value(ev, c, d);
    default:
        return 0;
    }
}

/* --- dedup: the lightest loads beyond a limit --- */
long tt_sum_lightest(int *v, int k, int n)
{
    if (k <= n)
        return 0;
    for (int i = 1; i < k; i++) /* insertion sort, ascending */
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            int t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    long sum = 0;
    for (int i = 0; i < k - n; i++)
        sum += v[i];
    return sum;
}
/* --- end dedup */

/* Folds the day values of a resource constraint into units. */
static long fold_days(const struct tt_eval *ev, const struct tt_constraint *c, const int *dv)
{
    long sum = 0;
    switch (c->type) {
    case TT_MAX_GAPS_WEEK:
    case TT_BUILDING_CHANGES_WEEK: /* #17 rooms */
        for (int d = 0; d < ev->ndays; d++)
            sum += dv[d];
        return sum > c->n ? sum - c->n : 0;
    case TT_MAX_DAYS_WEEK: {
        /* Units: the periods on the lightest days beyond the limit, the
           lessons that would have to move. Zero exactly when the limit holds,
           and every lesson moved off a light day lowers it, which guides
           the search better than counting days. */
        int loads[TT_MAX_DAYS], k = 0;
        for (int d = 0; d < ev->ndays; d++)
            if (dv[d] > 0)
                loads[k++] = dv[d];
        return tt_sum_lightest(loads, k, c->n);
    }
    case TT_MIN_DAYS_WEEK:
        for (int d = 0; d < ev->ndays; d++)
            sum += dv[d];
        return sum < c->n ? c->n - sum : 0;
    case TT_EARLY_START: {
        long second = 0, late = 0;
        for (int d = 0; d < ev->ndays; d++) {
            second += dv[d] == 1;
            late += dv[d] == 2;
        }
        return late + (second > c->n ? second - c->n : 0);
    }
    /* --- #17 rtime --- */
    case TT_MAX_SPAN_DAY: /* with or without its one-day exception */
    case TT_INTERVAL_MAX_DAYS:
    case TT_MIN_RESTING:
        return tt_rtime_fold(ev, c, dv);
    default:
        for (int d = 0; d < ev->ndays; d++)
            sum += dv[d];
        return sum;
    }
}

static inline int block_day(const struct tt_eval *ev, int s)
{
    return s / ev->nper;
}

/* Periods (as a mask on its day) that block b occupies when starting at s. */
static inline uint64_t block_mask(const struct tt_eval *ev, int b, int s)
{
    return tt_run_mask(ev->inst->blocks[b].length, s % ev->nper);
}

bool tt_start_fits(const struct tt_eval *ev, int b, int s)
{
    if (s < 0 || s >= ev->nslots)
        return false;
    int len = ev->inst->blocks[b].length;
    if (len > ev->maxlen)
        return false;
    int d = s / ev->nper, p = s % ev->nper;
    return (ev->valid_start[(size_t)len * ev->ndays + d] >> p) & 1;
}

bool tt_room_fits(const struct tt_eval *ev, int b, int room)
{
    const struct tt_instance *inst = ev->inst;
    const struct tt_block *bl = &inst->blocks[b];
    const struct tt_lesson *l = &inst->lessons[bl->lesson];
    if (room < 0 || room >= inst->nresources || inst->resources[room].kind != TT_ROOM)
        return false;
    if (bl->pin_room >= 0 && bl->pin_room != room)
        return false;
    if (l->nrooms > 0) {
        bool found = false;
        for (int i = 0; i < l->nrooms && !found; i++)
            found = l->rooms[i] == room;
        if (!found)
            return false;
    }
    const struct tt_resource *r = &inst->resources[room];
    if (l->room_type && (!r->room_type || strcmp(l->room_type, r->room_type) != 0))
        return false;
    if (l->students > 0 && r->capacity > 0 && r->capacity < l->students)
        return false;
    return true;
}

long tt_eval_builtin(const struct tt_eval *ev, int b)
{
    const struct tt_instance *inst = ev->inst;
    const struct tt_block *bl = &inst->blocks[b];
    int s = ev->sol->start[b], room = ev->sol->room[b];
    if (s < 0)
        return bl->length;
    long u = 0;
    if (!tt_start_fits(ev, b, s))
        u++;
    if (bl->pin_day >= 0 && s / ev->nper != bl->pin_day)
        u++;
    if (bl->pin_period >= 0 && s % ev->nper != bl->pin_period)
        u++;
    if (inst->lessons[bl->lesson].needs_room && room < 0)
        u++;
    else if (room >= 0 && !tt_room_fits(ev, b, room))
        u++;
    if (ev->sol->real && tt_is_virtual(inst, room)) /* #17 virtual rooms */
        u += tt_vrooms_builtin(ev, b);
    return u;
}

static bool in_rooms(const struct tt_constraint *c, int room)
{
    for (int i = 0; i < c->nrooms; i++)
        if (c->rooms[i] == room)
            return true;
    return false;
}

/* Price of one block under a unary constraint. */
static long unary_units(const struct tt_eval *ev, const struct tt_constraint *c, int b)
{
    int s = ev->sol->start[b];
    switch (c->type) {
    case TT_BLOCK_STARTS:
        if (s < 0)
            return 0;
        return c->slots && ((c->slots[block_day(ev, s)] >> (s % ev->nper)) & 1) ? 0 : 1;
    case TT_BLOCK_SLOTS:
        if (s < 0)
            return 0;
        return tt_popcount(block_mask(ev, b, s) & ~(c->slots ? c->slots[block_day(ev, s)] : 0));
    case TT_BLOCK_ROOMS:
        if (s < 0)
            return 0;
        return in_rooms(c, ev->sol->room[b]) ? 0 : 1;
    default:
        return 0;
    }
}

long tt_eval_unary_units(const struct tt_eval *ev, int ci, int b)
{
    return unary_units(ev, &ev->inst->constraints[ci], b);
}

/* How many of v share the most common value (v is reordered); the value
   goes to *mode_r. Constraints over a hundred blocks exist (FET exam
   files), so not quadratic. */
static int mode_count(int *v, int n, int *mode_r)
{
    int best = 0;
    *mode_r = -1;
    if (n <= 8) {
        for (int i = 0; i < n; i++) {
            int k = 0;
            for (int j = 0; j < n; j++)
                k += v[j] == v[i];
            if (k > best) {
                best = k;
                *mode_r = v[i];
            }
        }
        return best;
    }
    qsort(v, (size_t)n, sizeof(int), int_cmp);
    for (int i = 0; i < n;) {
        int j = i;
        while (j < n && v[j] == v[i])
            j++;
        if (j - i > best) {
            best = j - i;
            *mode_r = v[i];
        }
        i = j;
    }
    return best;
}

/* Units of a set constraint from its blocks' positions. */
/* Units of one pair of blocks of a pairwise constraint (min days, not
   overlapping, min gap), block bi at si and bj at sj, both placed. */
long tt_pair_units(const struct tt_eval *ev, const struct tt_constraint *c, int bi, int si, int bj,
                   int sj)
{
    if (tt_tags_pairwise(c->type)) /* #17 tags */
        return tt_tags_pair_units(ev, c, bi, si, bj, sj);
    int di = ev->sday[si], dj = ev->sday[sj];
    int ei = si + ev->inst->blocks[bi].length;
    int ej = sj + ev->inst->blocks[bj].length;
    if (c->type == TT_MIN_DAYS) {
        int dist = di > dj ? di - dj : dj - di;
        long u = dist < c->n;
        if (dist == 0 && c->flag && ei != sj && ej != si)
            u++;
        return u;
    }
    /* --- #17 pairs --- */
    if (tt_pairs_type(c->type))
        return tt_pairs_units(ev, c, bi, si, bj, sj);
    /* --- end #17 pairs */
    if (di != dj)
        return 0;
    if (c->type == TT_NOT_OVERLAPPING) {
        int lo = si > sj ? si : sj, hi = ei < ej ? ei : ej;
        return hi > lo ? hi - lo : 0;
    }
    int gap = si >= ej ? si - ej : sj >= ei ? sj - ei : -1;
    return gap < c->n;
}

bool tt_pairwise(enum tt_ctype t)
{
    return t == TT_MIN_DAYS || t == TT_NOT_OVERLAPPING || t == TT_MIN_GAP ||
           tt_tags_pairwise(t) || /* #17 tags */
           tt_pairs_type(t);     /* #17 pairs */
}

/* Units of the pairs of a pairwise constraint that include block b, with b
   at sb (the other blocks where they are). */
static long pair_units_with(const struct tt_eval *ev, int ci, int b, int sb)
{
    const struct tt_constraint *c = &ev->inst->constraints[ci];
    const int *it = ev->citems[ci];
    int n = ev->nci[ci];
    long u = 0;
    if (sb < 0)
        return 0;
    for (int j = 0; j < n; j++) {
        int sj = ev->sol->start[it[j]];
        if (it[j] != b && sj >= 0)
            u += tt_pair_units(ev, c, b, sb, it[j], sj);
    }
    return u;
}

static long set_units(const struct tt_eval *ev, int ci, int *mode_r)
{
    const struct tt_instance *inst = ev->inst;
    const struct tt_constraint *c = &inst->constraints[ci];
    const int *it = ev->citems[ci];
    int n = ev->nci[ci];
    const int *start = ev->sol->start;
    int nper = ev->nper;
    long u = 0;
    switch (c->type) {
    case TT_MIN_DAYS:
    case TT_NOT_OVERLAPPING:
    case TT_MIN_GAP:
    case TT_TAG_MIN_GAP_ORDERED: /* #17 tags */
    /* --- #17 pairs --- */
    case TT_CONSECUTIVE:
    case TT_GROUPED:
    case TT_GROUPED3:
    case TT_ORDERED:
    case TT_ORDERED_IF_SAME_DAY:
    case TT_MAX_DAYS_BETWEEN:
    /* --- end #17 pairs */
        for (int i = 0; i < n; i++) {
            int si = start[it[i]];
            if (si < 0)
                continue;
            for (int j = i + 1; j < n; j++)
                if (start[it[j]] >= 0)
                    u += tt_pair_units(ev, c, it[i], si, it[j], start[it[j]]);
        }
        return u;
    case TT_SAME_START:
    case TT_SAME_DAY:
    case TT_SAME_PERIOD: {
        int v[64], k = 0;
        int *heap = n > 64 ? xmalloc((size_t)n * sizeof(int)) : v;
        for (int i = 0; i < n; i++) {
            int s = start[it[i]];
            if (s < 0)
                continue;
            heap[k++] = c->type == TT_SAME_START ? s : c->type == TT_SAME_DAY ? s / nper : s % nper;
        }
        int mode;
        u = k - mode_count(heap, k, &mode);
        if (mode_r)
            *mode_r = mode;
        if (heap != v)
            free(heap);
        return u;
    }
    case TT_SUBJECT_MAX_DAY: {
        int per_day[TT_MAX_DAYS] = {0};
        for (int i = 0; i < n; i++) {
            int s = start[it[i]];
            if (s >= 0)
                per_day[s / nper] += inst->blocks[it[i]].length;
        }
        for (int d = 0; d < ev->ndays; d++)
            if (per_day[d] > c->n)
                u += per_day[d] - c->n;
        return u;
    }
    case TT_PREFERENCE: {
        int f = pref_factor(c->pref_kind) * (c->level < 0 ? -c->level : c->level);
        for (int i = 0; i < n; i++) {
            const struct tt_block *bl = &inst->blocks[it[i]];
            bool match;
            if (c->pref_kind == TT_PREF_SUBJECT) {
                match = inst->lessons[bl->lesson].subject == c->subject;
            } else {
                if (ev->sol->room[it[i]] < 0)
                    continue;
                match = in_rooms(c, ev->sol->room[it[i]]);
            }
            if (match == (c->level < 0))
                u += (long)bl->length * f;
        }
        return u;
    }
    /* --- #17 tags --- */
    case TT_TAG_MAX_DAY:
    case TT_TAG_MAX_RUN:
    case TT_OCCUPY_MAX_SLOTS:
    case TT_MAX_SIMULTANEOUS:
        return tt_tags_set_units(ev, ci);
    case TT_ROOM_STABILITY: {
        int seen[64], k = 0;
        for (int i = 0; i < n; i++) {
            int room = ev->sol->room[it[i]];
            if (room < 0)
                continue;
            bool dup = false;
            for (int j = 0; j < k && !dup; j++)
                dup = seen[j] == room;
            if (!dup && k < 64)
                seen[k++] = room;
        }
        return k > 1 ? k - 1 : 0;
    }
    /* --- #17 rooms --- */
    case TT_SAME_ROOM_IF_CONSECUTIVE:
    case TT_MAX_DIFFERENT_ROOMS:
        return tt_room_set_units(ev, ci);
    default:
        return 0;
    }
}

long tt_eval_units_now(const struct tt_eval *ev, int ci)
{
    const struct tt_constraint *c = &ev->inst->constraints[ci];
    switch (tt_family_of(c)) {
    case TT_FAM_RESOURCE: {
        int dv[TT_MAX_DAYS];
        for (int d = 0; d < ev->ndays; d++)
            dv[d] = day_value(ev, c, d);
        return fold_days(ev, c, dv);
    }
    case TT_FAM_UNARY: {
        long u = 0;
        for (int i = 0; i < ev->nci[ci]; i++)
            u += unary_units(ev, c, ev->citems[ci][i]);
        return u;
    }
    default:
        return set_units(ev, ci, NULL);
    }
}

static inline void add_units(struct tt_eval *ev, const struct tt_constraint *c, long du)
{
    if (c->hard) {
        ev->hard_other += du;
        ev->whard += du * ev->cw[c - ev->inst->constraints];
    } else {
        ev->soft += du * c->weight;
    }
}

/* --- #17 virtual rooms --- */
/* The rooms block b takes in room with real rooms real: room, then its real
   rooms when it is virtual (out holds TT_MAX_SETS + 1). */
static int block_rooms(const struct tt_eval *ev, int room, const int *real, int *out)
{
    if (room < 0)
        return 0;
    out[0] = room;
    if (!real) /* no virtual room in the instance: the hot path */
        return 1;
    int n = 1;
    const struct tt_resource *v = &ev->inst->resources[room];
    /* a virtual room given as a real one (a broken rule, tt_vrooms_builtin)
       takes nothing: it never clashes */
    for (int k = 0; k < v->nsets; k++)
        if (real[k] >= 0 && !tt_is_virtual(ev->inst, real[k]))
            out[n++] = real[k];
    return n;
}

static inline int *block_real(const struct tt_eval *ev, int b)
{
    return ev->sol->real ? ev->sol->real + (size_t)b * ev->sol->nreal : NULL;
}

/* Occupy (sign +1) or free (sign -1) len slots from s (day d, period p)
   of resource r for block b; clashes: a second lesson there is a clash. */
static inline __attribute__((always_inline)) void occupy_res(struct tt_eval *ev, int b, int r,
                                                             int s, int len, int d, int p,
                                                             int sign, bool clashes)
{
    uint16_t *cnt = ev->cnt + (size_t)r * ev->nslots + s;
    uint64_t *busy = ev->busy + (size_t)r * ev->ndays + d;
    for (int i = 0; i < len; i++) {
        int *occ = ev->occ + (size_t)r * ev->nslots + s;
        if (sign > 0) {
            if (cnt[i] >= 1) {
                if (clashes) {
                    ev->clash++;
                    ev->whard += ev->rw[r];
                }
                occ[i] = -2;
            } else {
                *busy |= (uint64_t)1 << (p + i);
                occ[i] = b;
            }
            cnt[i]++;
        } else {
            cnt[i]--;
            if (cnt[i] >= 1) {
                if (clashes) {
                    ev->clash--;
                    ev->whard -= ev->rw[r];
                }
                occ[i] = -2;
            } else {
                *busy &= ~((uint64_t)1 << (p + i));
                occ[i] = -1;
            }
        }
    }
}

/* Occupy (sign +1) or free (sign -1) the slots of block b at its position. */
static void occupy(struct tt_eval *ev, int b, int sign)
{
    int s = ev->sol->start[b];
    if (s < 0)
        return;
    int len = ev->inst->blocks[b].length;
    int d = s / ev->nper, p = s % ev->nper;
    if (p + len > ev->nper)
        len = ev->nper - p;
    int room = ev->sol->room[b];
    for (int k = 0; k < ev->nbres[b]; k++)
        occupy_res(ev, b, ev->bres[b][k], s, len, d, p, sign, true);
    if (room < 0)
        return;
    const int *real = block_real(ev, b);
    if (!real || !tt_is_virtual(ev->inst, room)) {
        occupy_res(ev, b, room, s, len, d, p, sign, true);
        return;
    }
    /* a virtual room is busy but never in a clash: its real rooms are */
    int rl[TT_MAX_SETS + 1];
    int nroom = block_rooms(ev, room, real, rl);
    for (int k = 0; k < nroom; k++)
        occupy_res(ev, b, rl[k], s, len, d, p, sign, k > 0);
}

/* Re-prices the resource constraints of the resources of block b (in room
   with real rooms real) on day d. */
static void reprice_days(struct tt_eval *ev, int b, int room, const int *real, int d)
{
    int rl[TT_MAX_SETS + 1];
    int nr = ev->nbres[b] + block_rooms(ev, room, real, rl);
    for (int k = 0; k < nr; k++) {
        int r = k < ev->nbres[b] ? ev->bres[b][k] : rl[k - ev->nbres[b]];
        for (int i = 0; i < ev->nrcons[r]; i++) {
            int ci = ev->rcons[r][i];
            const struct tt_constraint *c = &ev->inst->constraints[ci];
            int *dv = ev->dayval + (size_t)ci * ev->ndays;
            int v = day_value(ev, c, d);
            if (v == dv[d])
                continue;
            dv[d] = v;
            long u = fold_days(ev, c, dv);
            add_units(ev, c, u - ev->units[ci]);
            ev->units[ci] = u;
        }
    }
}

struct tt_cost tt_eval_move(struct tt_eval *ev, int b, int start, int room)
{
    return tt_eval_move_real(ev, b, start, room, NULL);
}

struct tt_cost tt_eval_move_real(struct tt_eval *ev, int b, int start, int room,
                                 const int *real)
{
    int os = ev->sol->start[b], oroom = ev->sol->room[b];
    const struct tt_instance *inst = ev->inst;
    /* #17 virtual rooms: the real rooms before and after */
    int *cur = block_real(ev, b);
    int oreal[TT_MAX_SETS];
    if (cur)
        memcpy(oreal, cur, (size_t)ev->sol->nreal * sizeof(int));
    if (os == start && oroom == room &&
        (!cur || !tt_is_virtual(inst, room) || !real ||
         memcmp(real, cur, (size_t)inst->resources[room].nsets * sizeof(int)) == 0))
        return tt_eval_cost(ev);
    for (int i = 0; i < ev->nbcons[b]; i++) {
        int ci = ev->bcons[b][i];
        const struct tt_constraint *c = &inst->constraints[ci];
        if (tt_family_of(c) == TT_FAM_UNARY)
            add_units(ev, c, -unary_units(ev, c, b));
    }
    occupy(ev, b, -1);
    ev->sol->start[b] = start;
    ev->sol->room[b] = room;
    bool real_changed = false;
    if (cur && tt_is_virtual(inst, room)) {
        int ns = inst->resources[room].nsets;
        if (real)
            memcpy(cur, real, (size_t)ns * sizeof(int));
        else if (start >= 0)
            tt_vrooms_choose(ev, b, room, start, cur);
        real_changed = memcmp(cur, oreal, (size_t)ns * sizeof(int)) != 0;
    }
    occupy(ev, b, +1);
    if (os >= 0)
        reprice_days(ev, b, oroom, cur ? oreal : NULL, os / ev->nper);
    if (start >= 0 &&
        (os < 0 || start / ev->nper != os / ev->nper || room != oroom || real_changed))
        reprice_days(ev, b, room, cur, start / ev->nper);
    for (int i = 0; i < ev->nbcons[b]; i++) {
        int ci = ev->bcons[b][i];
        const struct tt_constraint *c = &inst->constraints[ci];
        if (tt_family_of(c) == TT_FAM_UNARY) {
            add_units(ev, c, unary_units(ev, c, b));
        } else if (tt_pairwise(c->type)) {
            /* only the pairs with b change: O(n) instead of O(n^2) */
            long du = pair_units_with(ev, ci, b, start) - pair_units_with(ev, ci, b, os);
            add_units(ev, c, du);
            ev->units[ci] += du;
        } else {
            tt_tags_moved(ev, ci, b, os, start); /* #17 tags */
            long u = set_units(ev, ci, &ev->cmode[ci]);
            add_units(ev, c, u - ev->units[ci]);
            ev->units[ci] = u;
        }
    }
    long bu = tt_eval_builtin(ev, b);
    ev->builtin_total += bu - ev->builtin[b];
    ev->whard += (bu - ev->builtin[b]) * ev->bw[b];
    ev->builtin[b] = bu;
    return tt_eval_cost(ev);
}

void tt_eval_bump_weights(struct tt_eval *ev)
{
    const struct tt_instance *inst = ev->inst;
    for (int ci = 0; ci < inst->nconstraints; ci++) {
        if (inst->constraints[ci].hard && ev->units[ci] > 0) {
            ev->cw[ci]++;
            ev->whard += ev->units[ci];
        }
    }
    for (int b = 0; b < inst->nblocks; b++) {
        if (ev->builtin[b] > 0) {
            ev->bw[b]++;
            ev->whard += ev->builtin[b];
        }
    }
    if (ev->clash == 0)
        return;
    for (int r = 0; r < ev->nres; r++) {
        if (tt_is_virtual(inst, r)) /* #17 virtual rooms: never in a clash */
            continue;
        const uint16_t *cnt = ev->cnt + (size_t)r * ev->nslots;
        long k = 0;
        for (int s = 0; s < ev->nslots; s++)
            k += cnt[s] > 1 ? cnt[s] - 1 : 0;
        if (k) {
            ev->rw[r]++;
            ev->whard += k;
        }
    }
}

void tt_eval_reset_weights(struct tt_eval *ev)
{
    const struct tt_instance *inst = ev->inst;
    for (int ci = 0; ci < inst->nconstraints; ci++)
        ev->cw[ci] = 1;
    for (int r = 0; r < ev->nres; r++)
        ev->rw[r] = 1;
    for (int b = 0; b < inst->nblocks; b++)
        ev->bw[b] = 1;
    ev->whard = ev->clash + ev->hard_other + ev->builtin_total;
}

struct tt_cost tt_eval_cost(const struct tt_eval *ev)
{
    struct tt_cost c = {ev->clash + ev->hard_other + ev->builtin_total, ev->soft};
    return c;
}

const struct tt_solution *tt_eval_solution(const struct tt_eval *ev)
{
    return ev->sol;
}

/* Blocks a derived constraint is about: a class's lessons of a subject, a
   teacher's lessons, a class's lessons that need rooms. */
static void derive_items(struct tt_eval *ev, int ci)
{
    const struct tt_instance *inst = ev->inst;
    const struct tt_constraint *c = &inst->constraints[ci];
    for (int b = 0; b < inst->nblocks; b++) {
        const struct tt_lesson *l = &inst->lessons[inst->blocks[b].lesson];
        bool has = false;
        for (int k = 0; k < ev->nbres[b] && !has; k++)
            has = ev->bres[b][k] == c->resource;
        if (!has)
            continue;
        if (c->type == TT_SUBJECT_MAX_DAY && l->subject != c->subject)
            continue;
        if (c->type == TT_ROOM_STABILITY && !l->needs_room)
            continue;
        tt_push(&ev->citems[ci], &ev->nci[ci], b);
    }
}

struct tt_eval *tt_eval_new(const struct tt_instance *inst, const struct tt_solution *sol)
{
    struct tt_eval *ev = xcalloc(1, sizeof(*ev));
    ev->inst = inst;
    ev->ndays = inst->ndays;
    ev->nper = inst->nperiods;
    ev->nslots = inst->ndays * inst->nperiods;
    ev->sday = xmalloc((size_t)ev->nslots + 1);
    for (int sl = 0; sl < ev->nslots; sl++)
        ev->sday[sl] = (uint8_t)(sl / inst->nperiods);
    ev->nres = inst->nresources;
    int nb = inst->nblocks, nc = inst->nconstraints, nr = inst->nresources;
    ev->sol = tt_solution_new(inst);
    ev->cnt = xcalloc((size_t)nr * ev->nslots + 1, sizeof(uint16_t));
    ev->occ = xmalloc(((size_t)nr * ev->nslots + 1) * sizeof(int));
    for (size_t i = 0; i < (size_t)nr * ev->nslots; i++)
        ev->occ[i] = -1;
    ev->busy = xcalloc((size_t)nr * ev->ndays + 1, sizeof(uint64_t));
    ev->ignore = xcalloc((size_t)nr * ev->ndays + 1, sizeof(uint64_t));

    /* where blocks of each length may start: inside one segment, not over a
       closed period, not past the day's end */
    ev->maxlen = inst->nperiods;
    ev->valid_start = xcalloc((size_t)(ev->maxlen + 1) * ev->ndays, sizeof(uint64_t));
    for (int len = 1; len <= ev->maxlen; len++) {
        for (int d = 0; d < ev->ndays; d++) {
            uint64_t ok = 0;
            for (int p = 0; p + len <= ev->nper; p++) {
                bool fits = true;
                for (int i = 0; i < len && fits; i++) {
                    if ((inst->closed[d] >> (p + i)) & 1)
                        fits = false;
                    if (i < len - 1 && ((inst->break_after >> (p + i)) & 1))
                        fits = false;
                }
                if (fits)
                    ok |= (uint64_t)1 << p;
            }
            ev->valid_start[(size_t)len * ev->ndays + d] = ok;
        }
    }

    ev->bres = xcalloc((size_t)nb + 1, sizeof(int *));
    ev->nbres = xcalloc((size_t)nb + 1, sizeof(int));
    ev->bcons = xcalloc((size_t)nb + 1, sizeof(int *));
    ev->nbcons = xcalloc((size_t)nb + 1, sizeof(int));
    ev->builtin = xcalloc((size_t)nb + 1, sizeof(long));
    for (int b = 0; b < nb; b++) {
        const struct tt_lesson *l = &inst->lessons[inst->blocks[b].lesson];
        for (int i = 0; i < l->nteachers; i++)
            tt_push(&ev->bres[b], &ev->nbres[b], l->teachers[i]);
        for (int i = 0; i < l->nclasses; i++)
            tt_push(&ev->bres[b], &ev->nbres[b], l->classes[i]);
    }
    tt_rooms_eval_init(ev); /* #17 rooms */
    ev->rcons = xcalloc((size_t)nr + 1, sizeof(int *));
    ev->nrcons = xcalloc((size_t)nr + 1, sizeof(int));
    ev->citems = xcalloc((size_t)nc + 1, sizeof(int *));
    ev->nci = xcalloc((size_t)nc + 1, sizeof(int));
    ev->units = xcalloc((size_t)nc + 1, sizeof(long));
    ev->cmode = xcalloc((size_t)nc + 1, sizeof(int));
    ev->cw = xmalloc(((size_t)nc + 1) * sizeof(long));
    ev->rw = xmalloc(((size_t)nr + 1) * sizeof(long));
    for (int ci = 0; ci < nc; ci++)
        ev->cw[ci] = 1;
    for (int r = 0; r < nr; r++)
        ev->rw[r] = 1;
    ev->bw = xmalloc(((size_t)nb + 1) * sizeof(long));
    for (int b = 0; b < nb; b++)
        ev->bw[b] = 1;
    ev->dayval = xcalloc((size_t)nc * ev->ndays + 1, sizeof(int));
    for (int ci = 0; ci < nc; ci++) {
        const struct tt_constraint *c = &inst->constraints[ci];
        if (tt_family_of(c) == TT_FAM_RESOURCE) {
            tt_push(&ev->rcons[c->resource], &ev->nrcons[c->resource], ci);
            if (c->type == TT_UNAVAILABLE && c->hard && c->slots)
                for (int d = 0; d < ev->ndays; d++)
                    ev->ignore[(size_t)c->resource * ev->ndays + d] |= c->slots[d];
            continue;
        }
        bool derived = c->type == TT_SUBJECT_MAX_DAY || c->type == TT_ROOM_STABILITY ||
                       (c->type == TT_PREFERENCE && c->resource >= 0);
        if (derived) {
            derive_items(ev, ci);
        } else {
            for (int i = 0; i < c->nitems; i++) {
                /* a block listed twice in a pairwise constraint is one
                   block, not a pair with itself (the moves price pairs
                   with the moved block alone) */
                bool seen = false;
                for (int j = 0; j < ev->nci[ci] && tt_pairwise(c->type) && !seen; j++)
                    seen = ev->citems[ci][j] == c->items[i];
                if (!seen)
                    tt_push(&ev->citems[ci], &ev->nci[ci], c->items[i]);
            }
        }
        for (int i = 0; i < ev->nci[ci]; i++) {
            int b = ev->citems[ci][i];
            bool dup = ev->nbcons[b] > 0 && ev->bcons[b][ev->nbcons[b] - 1] == ci;
            if (!dup)
                tt_push(&ev->bcons[b], &ev->nbcons[b], ci);
        }
    }
    for (int r = 0; r < nr; r++)
        for (int d = 0; d < ev->ndays; d++)
            ev->ignore[(size_t)r * ev->ndays + d] |= inst->closed[d];

    /* Rooms each block may take under the hard rules. A block that needs no
       room but has soft room preferences (FET's preferred rooms under
       100 %) may take one of those rooms when it is free. */
    ev->room_ok = xcalloc((size_t)nb + 1, sizeof(int *));
    ev->nroom_ok = xcalloc((size_t)nb + 1, sizeof(int));
    for (int b = 0; b < nb; b++) {
        bool needs = inst->lessons[inst->blocks[b].lesson].needs_room, wants = false;
        for (int i = 0; i < ev->nbcons[b] && !needs && !wants; i++) {
            const struct tt_constraint *c = &inst->constraints[ev->bcons[b][i]];
            wants = c->type == TT_BLOCK_ROOMS && !c->hard;
        }
        if (!needs && !wants)
            continue;
        for (int room = 0; room < nr; room++) {
            if (!tt_room_fits(ev, b, room))
                continue;
            bool ok = true, preferred = false;
            for (int i = 0; i < ev->nbcons[b] && ok; i++) {
                const struct tt_constraint *c = &inst->constraints[ev->bcons[b][i]];
                if (c->type == TT_BLOCK_ROOMS && c->hard && !in_rooms(c, room))
                    ok = false;
                if (c->type == TT_BLOCK_ROOMS && !c->hard && in_rooms(c, room))
                    preferred = true;
            }
            if (ok && (needs || preferred))
                tt_push(&ev->room_ok[b], &ev->nroom_ok[b], room);
        }
    }

    /* price the starting position */
    if (sol) {
        tt_solution_copy(ev->sol, sol);
        for (int b = 0; b < nb; b++)
            occupy(ev, b, +1);
    }
    tt_tags_init(ev); /* #17 tags */
    for (int ci = 0; ci < nc; ci++) {
        const struct tt_constraint *c = &inst->constraints[ci];
        if (tt_family_of(c) == TT_FAM_RESOURCE)
            for (int d = 0; d < ev->ndays; d++)
                ev->dayval[(size_t)ci * ev->ndays + d] = day_value(ev, c, d);
        if (tt_family_of(c) == TT_FAM_SET)
            ev->units[ci] = set_units(ev, ci, &ev->cmode[ci]);
        else
            ev->units[ci] = tt_eval_units_now(ev, ci);
        add_units(ev, c, ev->units[ci]);
    }
    for (int b = 0; b < nb; b++) {
        ev->builtin[b] = tt_eval_builtin(ev, b);
        ev->builtin_total += ev->builtin[b];
        ev->whard += ev->builtin[b] * ev->bw[b];
    }
    return ev;
}

void tt_eval_free(struct tt_eval **evp)
{
    struct tt_eval *ev = *evp;
    if (!ev)
        return;
    int nb = ev->inst->nblocks, nc = ev->inst->nconstraints, nr = ev->nres;
    for (int b = 0; b < nb; b++) {
        free(ev->bres[b]);
        free(ev->bcons[b]);
        free(ev->room_ok[b]);
    }
    for (int r = 0; r < nr; r++)
        free(ev->rcons[r]);
    for (int ci = 0; ci < nc; ci++)
        free(ev->citems[ci]);
    free(ev->bres);
    free(ev->nbres);
    free(ev->bcons);
    free(ev->nbcons);
    free(ev->room_ok);
    free(ev->nroom_ok);
    free(ev->rcons);
    free(ev->nrcons);
    free(ev->citems);
    free(ev->nci);
    free(ev->units);
    free(ev->cmode);
    free(ev->cw);
    free(ev->rw);
    free(ev->bw);
    free(ev->dayval);
    free(ev->builtin);
    free(ev->cnt);
    free(ev->sday);
    free(ev->occ);
    free(ev->busy);
    free(ev->ignore);
    free(ev->valid_start);
    tt_rooms_eval_free(ev); /* #17 rooms */
    tt_tags_free(ev); /* #17 tags */
    tt_solution_free(&ev->sol);
    free(ev);
    *evp = NULL;
}

struct tt_cost tt_evaluate(const struct tt_instance *inst, const struct tt_solution *sol)
{
    struct tt_eval *ev = tt_eval_new(inst, sol);
    struct tt_cost c = tt_eval_cost(ev);
    tt_eval_free(&ev);
    return c;
}

struct tt_stats tt_statistics(const struct tt_instance *inst, const struct tt_solution *sol)
{
    struct tt_eval *ev = tt_eval_new(inst, sol);
    struct tt_stats st = {0, 0, 0};
    for (int r = 0; r < inst->nresources; r++) {
        if (inst->resources[r].kind == TT_ROOM)
            continue;
        for (int d = 0; d < inst->ndays; d++) {
            int g = tt_eval_gaps(ev, r, d);
            if (inst->resources[r].kind == TT_TEACHER)
                st.teacher_gaps += g;
            else
                st.class_gaps += g;
        }
    }
    for (int b = 0; b < inst->nblocks; b++)
        st.unplaced += sol->start[b] < 0;
    tt_eval_free(&ev);
    return st;
}
