/*
 * Activity-tag and time-slot-selection rules (issue #17, part "tags"):
 * the evaluator's side of FET's
 *   - activity tag max hours daily / continuously (TT_TAG_MAX_DAY,
 *     TT_TAG_MAX_RUN): per resource, the periods of its lessons that carry
 *     a tag, in a day or in one unbroken row;
 *   - min gaps between an ordered pair of activity tags
 *     (TT_TAG_MIN_GAP_ORDERED): per resource and day, a lesson with the
 *     second tag that comes after one with the first tag starts at least n
 *     periods after the first one ends;
 *   - activities occupy max time slots from a selection
 *     (TT_OCCUPY_MAX_SLOTS) and activities max simultaneous in selected
 *     time slots (TT_MAX_SIMULTANEOUS).
 *
 * The model keeps a single tag per lesson while a FET activity may carry
 * several, so the FET reader resolves tags when it reads the file: each
 * constraint lists as its items exactly the blocks it is about (one
 * resource's tagged blocks, or the listed activities). Everything here is
 * then computed from the items' current starts: the tag rules and the
 * selections are set constraints (recomputed from their few blocks when
 * one of them moves), the ordered pair is a pairwise rule (a move prices
 * only the pairs of the moved block, and FET's method of the solver keeps
 * it like min days).
 *
 * Semantics checked against fet-cl 6.8.5 on crafted files (docs/TIMETABLING.md):
 * a break or a free period ends a row; the periods between an ordered pair
 * count whatever fills them (a lesson without the tags, a break); every
 * period of a multi-period activity occupies its slot.
 */
#include "timetable/internal.h"

#include <stdlib.h>
#include <string.h>

/* The periods (a mask on day d) that the items of constraint ci occupy. */
uint64_t tt_tags_day_mask(const struct tt_eval *ev, int ci, int d)
{
    const struct tt_instance *inst = ev->inst;
    const int *it = ev->citems[ci];
    uint64_t m = 0;
    for (int i = 0; i < ev->nci[ci]; i++) {
        int s = ev->sol->start[it[i]];
        if (s >= 0 && ev->sday[s] == d)
            m |= tt_run_mask(inst->blocks[it[i]].length, s - d * ev->nper);
    }
    /* a block misplaced over the day's end counts only its day's periods */
    return ev->nper < 64 ? m & (((uint64_t)1 << ev->nper) - 1) : m;
}

/* Units of a day's mask m under a max-in-a-row limit n: over every
   maximal row (ended by a free period or a break), the periods beyond n.
   The longest row goes to *longest_r when not NULL. */
long tt_tags_run_units(const struct tt_eval *ev, uint64_t m, int n, int *longest_r)
{
    uint64_t brk = ev->inst->break_after;
    long u = 0;
    int cur = 0, longest = 0;
    for (int p = 0; p <= ev->nper; p++) {
        bool busy = p < ev->nper && ((m >> p) & 1);
        if (busy)
            cur++;
        if (!busy || ((brk >> p) & 1)) {
            if (cur > n)
                u += cur - n;
            if (cur > longest)
                longest = cur;
            cur = 0;
        }
    }
    if (longest_r)
        *longest_r = longest;
    return u;
}

/* How many of the items of ci occupy slot s. */
int tt_tags_count_at(const struct tt_eval *ev, int ci, int s)
{
    const int *it = ev->citems[ci];
    int k = 0;
    for (int i = 0; i < ev->nci[ci]; i++) {
        int st = ev->sol->start[it[i]];
        if (st >= 0 && st <= s && s < st + ev->inst->blocks[it[i]].length &&
            ev->sday[st] == ev->sday[s])
            k++;
    }
    return k;
}

/* Simultaneous: over the selected slots, the blocks beyond n in each. */
static long simultaneous_units(const struct tt_eval *ev, int ci)
{
    const struct tt_constraint *c = &ev->inst->constraints[ci];
    if (!c->slots)
        return 0;
    int cnt[TT_MAX_DAYS * TT_MAX_PERIODS];
    memset(cnt, 0, (size_t)ev->nslots * sizeof(cnt[0]));
    const int *it = ev->citems[ci];
    long u = 0;
    for (int i = 0; i < ev->nci[ci]; i++) {
        int s = ev->sol->start[it[i]];
        if (s < 0)
            continue;
        int d = ev->sday[s], p = s - d * ev->nper;
        uint64_t m = tt_run_mask(ev->inst->blocks[it[i]].length, p) & c->slots[d];
        if (ev->nper < 64)
            m &= ((uint64_t)1 << ev->nper) - 1;
        while (m) {
            int q = __builtin_ctzll(m);
            m &= m - 1;
            if (++cnt[d * ev->nper + q] > c->n)
                u++;
        }
    }
    return u;
}

long tt_tags_set_units(const struct tt_eval *ev, int ci)
{
    const struct tt_constraint *c = &ev->inst->constraints[ci];
    long u = 0;
    switch (c->type) {
    case TT_TAG_MAX_DAY:
        for (int d = 0; d < ev->ndays; d++) {
            int k = tt_popcount(tt_tags_day_mask(ev, ci, d));
            if (k > c->n)
                u += k - c->n;
        }
        return u;
    case TT_TAG_MAX_RUN:
        for (int d = 0; d < ev->ndays; d++) {
            uint64_t m = tt_tags_day_mask(ev, ci, d);
            if (tt_popcount(m) > c->n)
                u += tt_tags_run_units(ev, m, c->n, NULL);
        }
        return u;
    case TT_OCCUPY_MAX_SLOTS: {
        if (!c->slots)
            return 0;
        long k = 0;
        for (int d = 0; d < ev->ndays; d++)
            k += tt_popcount(tt_tags_day_mask(ev, ci, d) & c->slots[d]);
        return k > c->n ? k - c->n : 0;
    }
    case TT_MAX_SIMULTANEOUS:
        return simultaneous_units(ev, ci);
    default:
        return 0;
    }
}

bool tt_tags_pairwise(enum tt_ctype t)
{
    return t == TT_TAG_MIN_GAP_ORDERED;
}

/* Whether block b is among items [from, to) of c. */
static bool listed(const struct tt_constraint *c, int from, int to, int b)
{
    for (int i = from; i < to; i++)
        if (c->items[i] == b)
            return true;
    return false;
}

long tt_tags_pair_units(const struct tt_eval *ev, const struct tt_constraint *c, int bi, int si,
                        int bj, int sj)
{
    if (ev->sday[si] != ev->sday[sj])
        return 0;
    int k = c->flag < c->nitems ? c->flag : c->nitems;
    int ei = si + ev->inst->blocks[bi].length, ej = sj + ev->inst->blocks[bj].length;
    long u = 0;
    /* bi first, bj second: bj starting at or after bi must leave n periods */
    if (sj >= si && sj - ei < c->n && listed(c, 0, k, bi) && listed(c, k, c->nitems, bj))
        u++;
    if (si >= sj && si - ej < c->n && listed(c, 0, k, bj) && listed(c, k, c->nitems, bi))
        u++;
    return u;
}
