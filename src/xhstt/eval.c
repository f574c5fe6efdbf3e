/*
 * Evaluating an XHSTT solution as the format defines it (the reference
 * evaluator, HSEval, is built on Kingston's KHE; docs/XHSTT.md lists the
 * rules and where they were checked):
 *
 * - every point of application has one integer deviation, and costs
 *   Weight x f(deviation): Linear d, Quadratic d², Step (d > 0). Where a
 *   point has several time groups, their deviations are added first.
 * - infeasibility sums the Required constraints, objective the others.
 * - a meet occupies its start time and the duration - 1 times after it; a
 *   meet without a time occupies nothing.
 * - a resource is busy at a time when some meet of it occupies the time;
 *   two meets at once are one busy time (and a clash).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "xhstt/internal.h"

#define BIG (1L << 40)

static void emeet_push(struct xh_state *st, int e, int m)
{
    if (st->nemeets[e] == st->emeets_cap[e]) {
        st->emeets_cap[e] = st->emeets_cap[e] ? st->emeets_cap[e] * 2 : 4;
        st->emeets[e] = xrealloc(st->emeets[e], (size_t)st->emeets_cap[e] * sizeof(int));
    }
    st->emeets[e][st->nemeets[e]++] = m;
}

void xh_state_occupy(struct xh_state *st, int m, int sign)
{
    const struct xh_meet *mt = &st->sol->meets[m];
    if (mt->time < 0)
        return;
    const struct xh_event *ev = &st->inst->events[mt->event];
    for (int i = 0; i < ev->neres; i++) {
        int r = mt->res[i];
        if (r < 0)
            continue;
        int *c = &st->cnt[(size_t)r * (size_t)st->nt + (size_t)mt->time];
        uint64_t *bits = st->busy + (size_t)r * (size_t)st->nw;
        for (int d = 0; d < mt->duration; d++) {
            int was = c[d], now = was + sign, t = mt->time + d;
            c[d] = now;
            st->clashes[r] += (now > 1 ? now - 1 : 0) - (was > 1 ? was - 1 : 0);
            if ((was > 0) != (now > 0))
                bits[t >> 6] ^= (uint64_t)1 << (t & 63);
        }
        st->workload[r] += sign * (double)ev->eres[i].workload * mt->duration / ev->duration;
    }
}

void xh_state_add_meet(struct xh_state *st, int m)
{
    emeet_push(st, st->sol->meets[m].event, m);
    xh_state_occupy(st, m, 1);
}

void xh_state_remove_meet(struct xh_state *st, int m)
{
    xh_state_occupy(st, m, -1);
    int e = st->sol->meets[m].event;
    for (int i = 0; i < st->nemeets[e]; i++)
        if (st->emeets[e][i] == m) {
            st->emeets[e][i] = st->emeets[e][--st->nemeets[e]];
            break;
        }
}

void xh_state_init(struct xh_state *st, const struct xh_instance *inst,
                   const struct xh_solution *sol)
{
    memset(st, 0, sizeof(*st));
    st->inst = inst;
    st->sol = sol;
    st->nt = inst->ntimes;
    st->cnt = xcalloc((size_t)inst->nres * (size_t)inst->ntimes + 1, sizeof(int));
    st->emeets = xcalloc((size_t)inst->nevents, sizeof(int *));
    st->nemeets = xcalloc((size_t)inst->nevents, sizeof(int));
    st->emeets_cap = xcalloc((size_t)inst->nevents, sizeof(int));
    st->workload = xcalloc((size_t)inst->nres + 1, sizeof(double));
    st->scratch = xcalloc((size_t)(inst->ntimes + inst->nevents + inst->nres) + 1, sizeof(int));
    int nw = st->nw = (inst->ntimes + 63) / 64;
    st->busy = xcalloc((size_t)inst->nres * (size_t)nw + 1, sizeof(uint64_t));
    st->clashes = xcalloc((size_t)inst->nres + 1, sizeof(long));
    st->tgbits = xcalloc((size_t)inst->ntgroups * (size_t)nw + 1, sizeof(uint64_t));
    st->tgrun = xcalloc((size_t)inst->ntgroups + 1, sizeof(int));
    for (int g = 0; g < inst->ntgroups; g++) {
        const struct xh_timegroup *tg = &inst->tgroups[g];
        uint64_t *bits = st->tgbits + (size_t)g * (size_t)nw;
        st->tgrun[g] = tg->ntimes > 0 ? tg->times[0] : -1;
        for (int i = 0; i < tg->ntimes; i++) {
            bits[tg->times[i] >> 6] |= (uint64_t)1 << (tg->times[i] & 63);
            if (tg->times[i] != tg->times[0] + i)
                st->tgrun[g] = -1;
        }
    }
    st->cbits = xcalloc((size_t)inst->ncons + 1, sizeof(uint64_t *));
    for (int c = 0; c < inst->ncons; c++) {
        const struct xh_constraint *con = &inst->cons[c];
        if (con->type == XH_SPREAD_EVENTS && con->ntgroups <= 64) {
            st->cbits[c] = xcalloc((size_t)inst->ntimes + 1, sizeof(uint64_t));
            for (int k = 0; k < con->ntgroups; k++) {
                const struct xh_timegroup *tg = &inst->tgroups[con->tgroups[k]];
                for (int i = 0; i < tg->ntimes; i++)
                    st->cbits[c][tg->times[i]] |= (uint64_t)1 << k;
            }
            continue;
        }
        if (con->type != XH_AVOID_UNAVAILABLE_TIMES || !con->times)
            continue;
        st->cbits[c] = xcalloc((size_t)nw, sizeof(uint64_t));
        for (int t = 0; t < inst->ntimes; t++)
            if (con->times[t])
                st->cbits[c][t >> 6] |= (uint64_t)1 << (t & 63);
    }
    for (int m = 0; m < sol->nmeets; m++)
        if (sol->meets[m].duration > 0) /* the solver's unused parts */
            xh_state_add_meet(st, m);
}

void xh_state_free(struct xh_state *st)
{
    for (int e = 0; e < st->inst->nevents; e++)
        free(st->emeets[e]);
    free(st->emeets);
    free(st->nemeets);
    free(st->emeets_cap);
    free(st->cnt);
    free(st->workload);
    free(st->scratch);
    free(st->busy);
    free(st->clashes);
    free(st->tgbits);
    free(st->tgrun);
    for (int c = 0; c < st->inst->ncons; c++)
        free(st->cbits[c]);
    free(st->cbits);
    memset(st, 0, sizeof(*st));
}

static long outside(long v, long lo, long hi)
{
    return v < lo ? lo - v : v > hi ? v - hi : 0;
}

/* --- Event points --------------------------------------------------------- */

static long dev_event(const struct xh_state *st, const struct xh_constraint *c, int e, int er)
{
    const struct xh_meet *meets = st->sol->meets;
    const int *ms = st->emeets[e];
    int n = st->nemeets[e];
    long dev = 0;
    switch (c->type) {
    case XH_ASSIGN_TIME:
        for (int i = 0; i < n; i++)
            if (meets[ms[i]].time < 0)
                dev += meets[ms[i]].duration;
        return dev;
    case XH_SPLIT_EVENTS:
        for (int i = 0; i < n; i++)
            dev += meets[ms[i]].duration < c->min || meets[ms[i]].duration > c->max;
        return dev + outside(n, c->min_amount, c->max_amount);
    case XH_DISTRIBUTE_SPLIT_EVENTS: {
        long k = 0;
        for (int i = 0; i < n; i++)
            k += meets[ms[i]].duration == c->duration;
        return outside(k, c->min, c->max);
    }
    case XH_PREFER_TIMES:
        for (int i = 0; i < n; i++) {
            const struct xh_meet *m = &meets[ms[i]];
            if (m->time >= 0 && (c->duration < 0 || m->duration == c->duration) &&
                !c->times[m->time])
                dev += m->duration;
        }
        return dev;
    case XH_ASSIGN_RESOURCE:
        for (int i = 0; i < n; i++)
            if (meets[ms[i]].res[er] < 0)
                dev += meets[ms[i]].duration;
        return dev;
    case XH_PREFER_RESOURCES:
        for (int i = 0; i < n; i++) {
            int r = meets[ms[i]].res[er];
            if (r >= 0 && !c->resources[r])
                dev += meets[ms[i]].duration;
        }
        return dev;
    default:
        return 0;
    }
}

/* --- Event group points --------------------------------------------------- */

static long dev_spread(const struct xh_state *st, int ci, const struct xh_eventgroup *g)
{
    const struct xh_instance *in = st->inst;
    const struct xh_constraint *c = &in->cons[ci];
    long dev = 0;
    if (st->cbits[ci]) {
        /* each meet's time adds one to the time groups holding it */
        int count[64] = {0};
        for (int i = 0; i < g->nevents; i++) {
            int e = g->events[i];
            for (int j = 0; j < st->nemeets[e]; j++) {
                int t = st->sol->meets[st->emeets[e][j]].time;
                if (t < 0)
                    continue;
                for (uint64_t b = st->cbits[ci][t]; b; b &= b - 1)
                    count[__builtin_ctzll(b)]++;
            }
        }
        for (int k = 0; k < c->ntgroups; k++)
            dev += outside(count[k], c->tg_min[k], c->tg_max[k]);
        return dev;
    }
    for (int k = 0; k < c->ntgroups; k++) {
        const struct xh_timegroup *tg = &in->tgroups[c->tgroups[k]];
        long count = 0;
        for (int i = 0; i < g->nevents; i++) {
            int e = g->events[i];
            for (int j = 0; j < st->nemeets[e]; j++) {
                int t = st->sol->meets[st->emeets[e][j]].time;
                if (t < 0)
                    continue;
                /* binary search: time groups are sorted */
                int lo = 0, hi = tg->ntimes - 1;
                while (lo <= hi) {
                    int mid = (lo + hi) / 2;
                    if (tg->times[mid] == t) {
                        count++;
                        break;
                    }
                    if (tg->times[mid] < t)
                        lo = mid + 1;
                    else
                        hi = mid - 1;
                }
            }
        }
        dev += outside(count, c->tg_min[k], c->tg_max[k]);
    }
    return dev;
}

static long dev_link(const struct xh_state *st, const struct xh_eventgroup *g)
{
    int nt = st->nt;
    int *count = st->scratch; /* per time: events of the group there */
    int *last = st->scratch + nt; /* per time: the last event counted */
    memset(count, 0, (size_t)nt * sizeof(int));
    for (int t = 0; t < nt; t++)
        last[t] = -1;
    for (int i = 0; i < g->nevents; i++) {
        int e = g->events[i];
        for (int j = 0; j < st->nemeets[e]; j++) {
            const struct xh_meet *m = &st->sol->meets[st->emeets[e][j]];
            if (m->time < 0)
                continue;
            for (int t = m->time; t < m->time + m->duration; t++)
                if (last[t] != i) {
                    last[t] = i;
                    count[t]++;
                }
        }
    }
    long dev = 0;
    for (int t = 0; t < nt; t++)
        dev += count[t] > 0 && count[t] < g->nevents;
    return dev;
}

static long dev_split_assignments(const struct xh_state *st, const struct xh_constraint *c,
                                  const struct xh_eventgroup *g)
{
    int *seen = st->scratch;
    int nseen = 0;
    for (int i = 0; i < g->nevents; i++) {
        int e = g->events[i];
        const struct xh_event *ev = &st->inst->events[e];
        for (int k = 0; k < ev->neres; k++) {
            if (!ev->eres[k].role || strcmp(ev->eres[k].role, c->role) != 0)
                continue;
            for (int j = 0; j < st->nemeets[e]; j++) {
                int r = st->sol->meets[st->emeets[e][j]].res[k];
                if (r < 0)
                    continue;
                int s = 0;
                while (s < nseen && seen[s] != r)
                    s++;
                if (s == nseen && nseen < st->nt + st->inst->nevents + st->inst->nres)
                    seen[nseen++] = r;
            }
        }
    }
    return nseen > 1 ? nseen - 1 : 0;
}

static long dev_order(const struct xh_state *st, const struct xh_point *p)
{
    int e1 = p->a, e2 = p->b;
    if (st->nemeets[e1] == 0 || st->nemeets[e2] == 0)
        return 0;
    long end1 = -BIG, start2 = BIG;
    for (int j = 0; j < st->nemeets[e1]; j++) {
        const struct xh_meet *m = &st->sol->meets[st->emeets[e1][j]];
        if (m->time < 0)
            return 0;
        if (m->time + m->duration > end1)
            end1 = m->time + m->duration;
    }
    for (int j = 0; j < st->nemeets[e2]; j++) {
        const struct xh_meet *m = &st->sol->meets[st->emeets[e2][j]];
        if (m->time < 0)
            return 0;
        if (m->time < start2)
            start2 = m->time;
    }
    return outside(start2 - end1, p->min_sep, p->max_sep);
}

/* --- Resource points ------------------------------------------------------ */

/* Busy times of row busy inside time group g: *first and *last (times,
   -1 when none) and the count. */
static int tg_busy(const struct xh_state *st, const uint64_t *busy, int g, int *first, int *last)
{
    const uint64_t *m = st->tgbits + (size_t)g * (size_t)st->nw;
    int n = 0;
    *first = *last = -1;
    for (int w = 0; w < st->nw; w++) {
        uint64_t b = busy[w] & m[w];
        if (!b)
            continue;
        n += __builtin_popcountll(b);
        if (*first < 0)
            *first = w * 64 + __builtin_ctzll(b);
        *last = w * 64 + 63 - __builtin_clzll(b);
    }
    return n;
}

static bool tg_any(const struct xh_state *st, const uint64_t *busy, int g)
{
    const uint64_t *m = st->tgbits + (size_t)g * (size_t)st->nw;
    for (int w = 0; w < st->nw; w++)
        if (busy[w] & m[w])
            return true;
    return false;
}

static long dev_resource(const struct xh_state *st, int ci, int p)
{
    const struct xh_constraint *c = &st->inst->cons[ci];
    int r = c->points[p].a;
    const struct xh_instance *in = st->inst;
    const int *cnt = st->cnt + (size_t)r * (size_t)st->nt;
    const uint64_t *busy = st->busy + (size_t)r * (size_t)st->nw;
    long dev = 0;
    switch (c->type) {
    case XH_AVOID_CLASHES:
        return st->clashes[r];
    case XH_AVOID_UNAVAILABLE_TIMES:
        if (st->cbits[ci]) {
            for (int w = 0; w < st->nw; w++)
                dev += __builtin_popcountll(busy[w] & st->cbits[ci][w]);
            return dev;
        }
        for (int t = 0; t < st->nt; t++)
            dev += cnt[t] > 0 && c->times[t];
        return dev;
    case XH_LIMIT_IDLE_TIMES: {
        long idle = 0;
        for (int k = 0; k < c->ntgroups; k++) {
            int g = c->tgroups[k];
            const struct xh_timegroup *tg = &in->tgroups[g];
            if (st->tgrun[g] >= 0) {
                /* consecutive times: positions are times less the first */
                int first, lastt;
                int busyn = tg_busy(st, busy, g, &first, &lastt);
                if (busyn >= 2)
                    idle += lastt - first + 1 - busyn;
                continue;
            }
            int first = -1, lastp = -1, busyn = 0;
            for (int i = 0; i < tg->ntimes; i++)
                if (cnt[tg->times[i]] > 0) {
                    if (first < 0)
                        first = i;
                    lastp = i;
                    busyn++;
                }
            if (busyn >= 2)
                idle += lastp - first + 1 - busyn;
        }
        return outside(idle, c->min, c->max);
    }
    case XH_CLUSTER_BUSY_TIMES: {
        long active = 0;
        for (int k = 0; k < c->ntgroups; k++)
            active += tg_any(st, busy, c->tgroups[k]);
        if (active == 0 && c->allow_zero)
            return 0;
        return outside(active, c->min, c->max);
    }
    case XH_LIMIT_BUSY_TIMES:
        for (int k = 0; k < c->ntgroups; k++) {
            int first, lastt;
            long busyn = tg_busy(st, busy, c->tgroups[k], &first, &lastt);
            if (busyn > 0 || (st->forced && st->forced[ci] && k < 64 && st->forced[ci][p] >> k & 1))
                dev += outside(busyn, c->min, c->max);
        }
        return dev;
    case XH_LIMIT_WORKLOAD: {
        double w = st->workload[r];
        if (w < c->min - 0.001)
            return (long)ceil(c->min - 0.001 - w);
        if (w > c->max + 0.001)
            return (long)ceil(w - c->max - 0.001);
        return 0;
    }
    default:
        return 0;
    }
}

long xh_point_deviation(const struct xh_state *st, int ci, int p)
{
    const struct xh_instance *in = st->inst;
    const struct xh_constraint *c = &in->cons[ci];
    const struct xh_point *pt = &c->points[p];
    switch (c->type) {
    case XH_SPREAD_EVENTS:
        return dev_spread(st, ci, &in->egroups[pt->a]);
    case XH_LINK_EVENTS:
        return dev_link(st, &in->egroups[pt->a]);
    case XH_AVOID_SPLIT_ASSIGNMENTS:
        return dev_split_assignments(st, c, &in->egroups[pt->a]);
    case XH_ORDER_EVENTS:
        return dev_order(st, pt);
    default:
        if (c->type >= XH_AVOID_CLASHES)
            return dev_resource(st, ci, p);
        return dev_event(st, c, pt->a, pt->b);
    }
}

long xh_point_cost(const struct xh_state *st, int ci, int p)
{
    const struct xh_constraint *c = &st->inst->cons[ci];
    long d = xh_point_deviation(st, ci, p);
    switch (c->fn) {
    case XH_QUADRATIC:
        return c->weight * d * d;
    case XH_STEP:
        return d > 0 ? c->weight : 0;
    default:
        return c->weight * d;
    }
}

struct xh_cost xh_evaluate(const struct xh_instance *inst, const struct xh_solution *sol,
                           long *per_con)
{
    struct xh_state st;
    xh_state_init(&st, inst, sol);
    struct xh_cost cost = {0, 0};
    for (int c = 0; c < inst->ncons; c++) {
        long sum = 0;
        for (int p = 0; p < inst->cons[c].npoints; p++)
            sum += xh_point_cost(&st, c, p);
        if (per_con)
            per_con[c] = sum;
        if (inst->cons[c].required)
            cost.infeasibility += sum;
        else
            cost.objective += sum;
    }
    xh_state_free(&st);
    return cost;
}
