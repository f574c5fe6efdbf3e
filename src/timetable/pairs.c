/*
 * FET's rules over a few named activities (issue #17, part "pairs"): two
 * activities consecutive, grouped or ordered (always, or only when on the
 * same day), three activities grouped, and max days between activities.
 *
 * Every one of them is a property of pairs of blocks, so the evaluator
 * prices it pair by pair (tt_pair_units hands these types here), a move
 * re-prices only the pairs of the moved block, and the solver's FET method
 * keeps them like min days (solve.c: a partner that breaks the rule is
 * pushed out). Three activities grouped is pairwise too: the three are side
 * by side, in some order, exactly when every pair is on the same day, does
 * not overlap and leaves between them either nothing or exactly the length
 * of the third (sorted x, y, z: the gap of x and z is the two inner gaps
 * plus y's length, so it equals y's length only when both inner gaps are
 * 0). The third block's length is known without its position.
 *
 * One unit per pair that breaks the rule (max days: per pair more than n
 * days apart), as for min days.
 *
 * Breaks: FET lets break times sit between "consecutive" or "grouped"
 * activities. fet-cl 6.8.5 accepts A at hour 1 and B at hour 3 with a
 * break at hour 2 (and over two breaks), and refuses it when hour 2 is
 * merely unavailable for A's teacher, or when A is at a day's last hour
 * and B at the next day's first. So the periods between two blocks are
 * counted without closed periods (FET's break times), and a day end always
 * parts them. (Min days' "consecutive if same day" is stricter in FET: a
 * break between does part them; eval.c keeps that.) A break between
 * periods of the folder format is no period at all, so it parts nothing.
 */
#include "timetable/internal.h"

bool tt_pairs_type(enum tt_ctype t)
{
    return t == TT_CONSECUTIVE || t == TT_GROUPED || t == TT_GROUPED3 || t == TT_ORDERED ||
           t == TT_ORDERED_IF_SAME_DAY || t == TT_MAX_DAYS_BETWEEN;
}

/* Periods of day d in [from, to) that are not closed (0 when to <= from). */
static int open_between(const struct tt_eval *ev, int d, int from, int to)
{
    if (to <= from)
        return 0;
    uint64_t span = tt_run_mask(to - from, from);
    return tt_popcount(span & ~ev->inst->closed[d]);
}

/* Free periods between two blocks on one day, -1 when they overlap or are
   on different days: a at sa, b at sb. */
static int gap(const struct tt_eval *ev, int a, int sa, int b, int sb)
{
    int d = ev->sday[sa];
    if (ev->sday[sb] != d)
        return -1;
    int pa = sa - d * ev->nper, pb = sb - d * ev->nper;
    int ea = pa + ev->inst->blocks[a].length, eb = pb + ev->inst->blocks[b].length;
    if (pb >= ea)
        return open_between(ev, d, ea, pb);
    if (pa >= eb)
        return open_between(ev, d, eb, pa);
    return -1;
}

/* Whether b (at sb) starts right after a (at sa) ends, on the same day,
   with only closed periods between. */
static bool follows(const struct tt_eval *ev, int a, int sa, int b, int sb)
{
    return sb >= sa + ev->inst->blocks[a].length && gap(ev, a, sa, b, sb) == 0;
}

/* The length of the item of c that is neither bi nor bj (0 when none). */
static int third_length(const struct tt_eval *ev, const struct tt_constraint *c, int bi, int bj)
{
    for (int i = 0; i < c->nitems; i++)
        if (c->items[i] != bi && c->items[i] != bj)
            return ev->inst->blocks[c->items[i]].length;
    return 0;
}

long tt_pairs_units(const struct tt_eval *ev, const struct tt_constraint *c, int bi, int si,
                    int bj, int sj)
{
    switch (c->type) {
    case TT_MAX_DAYS_BETWEEN: {
        int di = ev->sday[si], dj = ev->sday[sj];
        return (di > dj ? di - dj : dj - di) > c->n;
    }
    case TT_GROUPED:
        return !follows(ev, bi, si, bj, sj) && !follows(ev, bj, sj, bi, si);
    case TT_GROUPED3: {
        int g = gap(ev, bi, si, bj, sj);
        return !(g == 0 || (g > 0 && g == third_length(ev, c, bi, bj)));
    }
    default:
        break;
    }
    /* the ordered kinds: items[0] is the first, the rule binds it with
       each other item */
    if (c->nitems < 1 || (bi != c->items[0] && bj != c->items[0]))
        return 0;
    int a = bi, sa = si, b = bj, sb = sj;
    if (bj == c->items[0]) {
        a = bj, sa = sj;
        b = bi, sb = si;
    }
    int ea = sa + ev->inst->blocks[a].length;
    switch (c->type) {
    case TT_CONSECUTIVE:
        return !follows(ev, a, sa, b, sb);
    case TT_ORDERED:
        return sb < ea; /* slots run in week order; a block never crosses a day end */
    case TT_ORDERED_IF_SAME_DAY:
        return ev->sday[sa] == ev->sday[sb] && sb < ea;
    default:
        return 0;
    }
}
