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

#include "core/util.h"

/* The periods that the items of constraint ci occupy, as a mask per day
   (masks[0..ndays)), in one pass over the items. */
static void day_masks(const struct tt_eval *ev, int ci, uint64_t *masks)
{
    const struct tt_instance *inst = ev->inst;
    const int *it = ev->citems[ci];
    memset(masks, 0, (size_t)ev->ndays * sizeof(uint64_t));
    for (int i = 0; i < ev->nci[ci]; i++) {
        int s = ev->sol->start[it[i]];
        if (s >= 0) {
            int d = ev->sday[s];
            masks[d] |= tt_run_mask(inst->blocks[it[i]].length, s - d * ev->nper);
        }
    }
    /* a block misplaced over the day's end counts only its day's periods */
    if (ev->nper < 64)
        for (int d = 0; d < ev->ndays; d++)
            masks[d] &= ((uint64_t)1 << ev->nper) - 1;
}

/* Incremental state of an evaluator: for each kept constraint (the four
   set kinds, unless an item is listed twice) how many of its items cover
   each slot, the per-day mask of covered periods, and for max
   simultaneous the blocks over the limit in selected slots. A move then
   updates the moved block's periods instead of walking every item. */
struct tt_tags {
    int *at;          /* per constraint: index of its state, -1 when none */
    uint16_t *cnt;    /* [nkept * nslots] */
    uint64_t *mask;   /* [nkept * ndays] */
    long *over;       /* [nkept] */
};

static bool kept_type(enum tt_ctype t)
{
    return t == TT_TAG_MAX_DAY || t == TT_TAG_MAX_RUN || t == TT_OCCUPY_MAX_SLOTS ||
           t == TT_MAX_SIMULTANEOUS;
}

/* Adds (sign +1) or removes (-1) block b at start s to kept state k. */
static void cover(struct tt_eval *ev, const struct tt_constraint *c, int k, int b, int s,
                  int sign)
{
    if (s < 0)
        return;
    struct tt_tags *tg = ev->tags;
    int d = ev->sday[s], p = s - d * ev->nper, len = ev->inst->blocks[b].length;
    if (p + len > ev->nper)
        len = ev->nper - p;
    uint16_t *cnt = tg->cnt + (size_t)k * ev->nslots + s;
    uint64_t *mask = tg->mask + (size_t)k * ev->ndays + d;
    uint64_t sel = c->slots ? c->slots[d] : 0;
    for (int i = 0; i < len; i++) {
        bool selected = (sel >> (p + i)) & 1;
        if (sign > 0) {
            if (cnt[i]++ == 0)
                *mask |= (uint64_t)1 << (p + i);
            if (selected && cnt[i] > c->n)
                tg->over[k]++;
        } else {
            if (selected && cnt[i] > c->n)
                tg->over[k]--;
            if (--cnt[i] == 0)
                *mask &= ~((uint64_t)1 << (p + i));
        }
    }
}

void tt_tags_init(struct tt_eval *ev)
{
    const struct tt_instance *inst = ev->inst;
    int nc = inst->nconstraints, nkept = 0;
    int *at = xmalloc(((size_t)nc + 1) * sizeof(int));
    int *seen = NULL; /* per block: the last constraint that listed it */
    for (int ci = 0; ci < nc; ci++) {
        at[ci] = -1;
        if (!kept_type(inst->constraints[ci].type) || ev->nci[ci] >= 65535)
            continue; /* more items than a slot count holds: the long way */
        if (!seen) {
            seen = xmalloc(((size_t)inst->nblocks + 1) * sizeof(int));
            for (int b = 0; b < inst->nblocks; b++)
                seen[b] = -1;
        }
        /* items listed twice are priced the long way (rare: hand-made) */
        bool dup = false;
        for (int i = 0; i < ev->nci[ci] && !dup; i++) {
            dup = seen[ev->citems[ci][i]] == ci;
            seen[ev->citems[ci][i]] = ci;
        }
        if (!dup)
            at[ci] = nkept++;
    }
    free(seen);
    if (nkept == 0) {
        free(at);
        return;
    }
    struct tt_tags *tg = xcalloc(1, sizeof(*tg));
    tg->at = at;
    tg->cnt = xcalloc((size_t)nkept * ev->nslots + 1, sizeof(uint16_t));
    tg->mask = xcalloc((size_t)nkept * ev->ndays + 1, sizeof(uint64_t));
    tg->over = xcalloc((size_t)nkept + 1, sizeof(long));
    ev->tags = tg;
    for (int ci = 0; ci < nc; ci++)
        if (at[ci] >= 0)
            for (int i = 0; i < ev->nci[ci]; i++)
                cover(ev, &inst->constraints[ci], at[ci], ev->citems[ci][i],
                      ev->sol->start[ev->citems[ci][i]], +1);
}

void tt_tags_moved(struct tt_eval *ev, int ci, int b, int os, int ns)
{
    if (!ev->tags || ev->tags->at[ci] < 0)
        return;
    const struct tt_constraint *c = &ev->inst->constraints[ci];
    cover(ev, c, ev->tags->at[ci], b, os, -1);
    cover(ev, c, ev->tags->at[ci], b, ns, +1);
}

void tt_tags_free(struct tt_eval *ev)
{
    if (!ev->tags)
        return;
    free(ev->tags->at);
    free(ev->tags->cnt);
    free(ev->tags->mask);
    free(ev->tags->over);
    free(ev->tags);
    ev->tags = NULL;
}

uint64_t tt_tags_day_mask(const struct tt_eval *ev, int ci, int d)
{
    uint64_t masks[TT_MAX_DAYS];
    day_masks(ev, ci, masks);
    return masks[d];
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
    uint64_t buf[TT_MAX_DAYS];
    const uint64_t *masks = buf;
    int kept = ev->tags ? ev->tags->at[ci] : -1;
    if (kept >= 0 && c->type == TT_MAX_SIMULTANEOUS)
        return ev->tags->over[kept];
    if (kept >= 0)
        masks = ev->tags->mask + (size_t)kept * ev->ndays;
    else if (c->type != TT_MAX_SIMULTANEOUS)
        day_masks(ev, ci, buf);
    long u = 0;
    switch (c->type) {
    case TT_TAG_MAX_DAY:
        for (int d = 0; d < ev->ndays; d++) {
            int k = tt_popcount(masks[d]);
            if (k > c->n)
                u += k - c->n;
        }
        return u;
    case TT_TAG_MAX_RUN:
        for (int d = 0; d < ev->ndays; d++)
            if (tt_popcount(masks[d]) > c->n)
                u += tt_tags_run_units(ev, masks[d], c->n, NULL);
        return u;
    case TT_OCCUPY_MAX_SLOTS: {
        if (!c->slots)
            return 0;
        long occupied = 0;
        for (int d = 0; d < ev->ndays; d++)
            occupied += tt_popcount(masks[d] & c->slots[d]);
        return occupied > c->n ? occupied - c->n : 0;
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
