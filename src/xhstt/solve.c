/*
 * Solving an XHSTT instance (docs/XHSTT.md has the whole story and the
 * figures behind each choice).
 *
 * 1. Sets and units. Events tied by a Required LinkEvents constraint form
 *    one set, split alike; the i-th meets of a set's events form one unit
 *    with one start time. A set of duration D owns D units; unused ones
 *    have duration 0, so splits and merges allocate nothing. An event with
 *    a preassigned time is one unit fixed there.
 * 2. Splits: the partition that costs least under the set's SplitEvents and
 *    DistributeSplitEvents constraints (ties: fewest parts; no split
 *    constraint: single times); split and merge moves change it later.
 * 3. Domains, per set and part duration: inside one day, and where no
 *    Required PreferTimes or AvoidUnavailableTimes of the set's
 *    preassigned resources forbids it.
 * 4. Construction: open roles (each role group its cheapest resource, then
 *    a descent on the workloads alone so that the groups' workloads fit
 *    every Required LimitWorkload), then units by fewest starts, each at
 *    its cheapest place.
 * 5. Search: phase 1 anneals the hard cost (with ejection chains) until it
 *    is 0; phase 2 anneals hard x w + soft with an adaptive w, and goes
 *    back to the best when a violation stays. Moves: move, follow a soft
 *    link, Kempe chain (some aimed at a resource's idle times and days),
 *    split and merge (in phase 2 followed by an ejection chain), swap,
 *    open role, rooms at one time as a matching (match.c). Every move is priced exactly: the points of application it
 *    touches are recomputed from the state (eval.c), nothing else.
 * 6. Two threads run two seeds; the better result wins.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ints.h"
#include "core/util.h"
#include "timetable/match.h"
#include "timetable/rng.h"
#include "xhstt/internal.h"

#define HARD_WEIGHT 1000
#define TEMP0 3.0  /* phase 2 cools from TEMP0 to TEMP1 */
#define TEMP1 0.05
/* The move mix, in percent of steps: below P_MOVE a unit moves (its soft
   link partners along), up to P_MOVE + 5 a partner follows, up to P_KEMPE
   a Kempe chain, then P_SPLIT % splits, P_SPLIT % merges and the rest
   swaps. In phase 2, P_TARGET % of the steps go first to Kempe chains aimed
   at a resource's idle times and days. */
#define P_MOVE 20
#define P_KEMPE 70
#define P_SPLIT 5
#define P_TARGET 20
#define FEAS_SOFT 1e-3 /* soft against hard in the feasibility phase */
/* The weight of a hard violation in phase 2: it starts at HW_START, grows
   10 % every 1024 steps spent infeasible, shrinks 1 % every 1024 steps
   spent feasible, between HW_MIN and HARD_WEIGHT. */
#define HW_START 20.0
#define HW_MIN 2.0
#define EJECT_FEAS 100 /* phase 2: one step in EJECT_FEAS an ejection chain */
#define STUCK_BLOCKS 64 /* blocks of 1024 steps infeasible at HARD_WEIGHT */
#define MAX_PARTITION 40
#define FEAS_CYCLE 2000000
#define KEMPE_MAX 256 /* units in a Kempe chain */
#define EJECT_DEPTH 16 /* units an ejection chain moves after the first */
#define EJECT_PRICED 4 /* starts priced for each of them */

void xh_options_init(struct xh_options *o)
{
    memset(o, 0, sizeof(*o));
    o->time_limit = 10;
    o->seed = 1;
    o->threads = 1;
    o->progress_interval = 1;
}

/* Events that move together (linked by LinkEvents) and are split alike;
   an event on its own is a set of one. */
struct lset {
    int *events;
    int nevents;
    int duration;         /* of each event */
    bool fixed;           /* a preassigned time: one part, never moved */
    int maxdur;           /* the longest part allowed */
    uint8_t *in_dom;      /* [(d - 1) * ntimes + t]: a part of duration d may
                             start at t */
    int **dom;            /* per duration - 1: the allowed starts */
    int *ndom;
    int **pref;           /* per duration - 1: the allowed starts that every
                             soft PreferTimes of the set's events likes */
    int *npref;
    int *units;           /* one per possible part: duration units */
    int nunits;
};

/* One part of a set: one meet per event of the set, all at the same time
   and of the same duration. Duration 0: an unused part. */
struct unit {
    int set;
    int *meets;
    int nmeets;
};

/* An open role of a meet and the resources it may take. */
struct role {
    int meet, k;
    int *cand;
    int ncand;
    int grp;              /* its role group */
};

/* Open roles that should hold one resource: every meet of an event in one
   role, and the events an AvoidSplitAssignments constraint ties in that
   role. Candidates: those every member allows (the first's when none). */
struct rgroup {
    int *roles;
    int nroles;
    int *cand;
    int ncand;
};

enum { CH_TIME = -1, CH_DURATION = -2 };
enum { NONE = -2 }; /* no candidate (-1 is one: the role left empty) */

struct change {
    int m, k;             /* k >= 0: the resource of event resource k */
    int val, old;
};

struct xs {
    const struct xh_instance *in;
    struct xh_solution *sol;
    struct xh_state st;
    int npts;
    int *pt_c, *pt_p;
    long *pcost;
    uint8_t *phard;
    struct ilist *rpts, *epts;   /* points per resource, per event */
    int *stamp, stampv;
    int *aff, naff;
    long *newc;
    struct lset *sets;
    int nsets;
    struct unit *units;
    int nunits;
    struct ilist *res_units;     /* per resource: units with it preassigned */
    struct role *roles;
    int nroles;
    struct rgroup *rgroups;
    int nrgroups;
    int *role_start;             /* per meet (and one past): its roles */
    struct ilist *holders;       /* per resource: the roles holding it */
    uint8_t *limited;            /* per resource: under a LimitWorkload */
    int *holder_pos;             /* per role: its place there */
    long hard, soft;
    uint64_t rng;
    struct change *ch;
    int chcap;
    int *set_of_event;
    struct ilist *partners;      /* per event: events it is (softly) linked to */
    int *hot;                    /* units touching a hard violation */
    int nhot;
    uint8_t *is_hot;
    uint8_t *is_hotres;          /* find_hot: resources with a hard violation */
    int *chain, *side;           /* Kempe chains: units, and their side */
    int *unit_of_meet;
    int *softres;                /* resources with a soft violation */
    int nsoftres;
    uint8_t *is_softres;
    int *cand;                   /* cheapest_start: the starts it prices */
    bool phase2;
    struct change *base;         /* chain_move: the move it started from */
    int *base_units;
    int *in_chain;
    int nch;
    /* rematch: the roles at one time, their old and matched resources,
       and per resource the role of the set holding it (-1 = none) */
    int *mroles, *mold, *mnew, *moff, *madj;
    int *mvis, mstamp;
    uint8_t *roomlike;           /* per role: no candidate under a LimitWorkload */
};

/* --- Points of application ------------------------------------------------ */

static void index_points(struct xs *x)
{
    const struct xh_instance *in = x->in;
    for (int c = 0; c < in->ncons; c++)
        x->npts += in->cons[c].npoints;
    x->pt_c = xmalloc((size_t)x->npts * sizeof(int) + 1);
    x->pt_p = xmalloc((size_t)x->npts * sizeof(int) + 1);
    x->pcost = xcalloc((size_t)x->npts + 1, sizeof(long));
    x->newc = xcalloc((size_t)x->npts + 1, sizeof(long));
    x->phard = xcalloc((size_t)x->npts + 1, 1);
    x->stamp = xcalloc((size_t)x->npts + 1, sizeof(int));
    x->aff = xcalloc((size_t)x->npts + 1, sizeof(int));
    x->rpts = xcalloc((size_t)in->nres + 1, sizeof(struct ilist));
    x->epts = xcalloc((size_t)in->nevents + 1, sizeof(struct ilist));
    int g = 0;
    for (int c = 0; c < in->ncons; c++) {
        const struct xh_constraint *con = &in->cons[c];
        for (int p = 0; p < con->npoints; p++, g++) {
            x->pt_c[g] = c;
            x->pt_p[g] = p;
            x->phard[g] = con->required;
            const struct xh_point *pt = &con->points[p];
            switch (con->type) {
            case XH_SPREAD_EVENTS:
            case XH_LINK_EVENTS:
            case XH_AVOID_SPLIT_ASSIGNMENTS: {
                const struct xh_eventgroup *eg = &in->egroups[pt->a];
                for (int i = 0; i < eg->nevents; i++)
                    ilist_push(&x->epts[eg->events[i]], g);
                break;
            }
            case XH_ORDER_EVENTS:
                ilist_push(&x->epts[pt->a], g);
                if (pt->b != pt->a)
                    ilist_push(&x->epts[pt->b], g);
                break;
            default:
                if (con->type >= XH_AVOID_CLASHES)
                    ilist_push(&x->rpts[pt->a], g);
                else
                    ilist_push(&x->epts[pt->a], g);
            }
        }
    }
}

static void add_affected(struct xs *x, const struct ilist *l)
{
    for (int i = 0; i < l->n; i++) {
        int g = l->v[i];
        if (x->stamp[g] != x->stampv) {
            x->stamp[g] = x->stampv;
            x->aff[x->naff++] = g;
        }
    }
}

static void add_meet_points(struct xs *x, int m)
{
    const struct xh_meet *mt = &x->sol->meets[m];
    const struct xh_event *ev = &x->in->events[mt->event];
    add_affected(x, &x->epts[mt->event]);
    for (int k = 0; k < ev->neres; k++)
        if (mt->res[k] >= 0)
            add_affected(x, &x->rpts[mt->res[k]]);
}

/* Meet m's open role k takes resource val: mt->res and x->holders. */
static void holders_move(struct xs *x, int m, int k, int val)
{
    struct xh_meet *mt = &x->sol->meets[m];
    int q = x->role_start[m];
    while (q < x->role_start[m + 1] && x->roles[q].k != k)
        q++;
    if (q < x->role_start[m + 1]) {
        if (mt->res[k] >= 0) {
            struct ilist *l = &x->holders[mt->res[k]];
            int last = l->v[--l->n];
            l->v[x->holder_pos[q]] = last;
            x->holder_pos[last] = x->holder_pos[q];
        }
        if (val >= 0) {
            x->holder_pos[q] = x->holders[val].n;
            ilist_push(&x->holders[val], q);
        }
    }
    mt->res[k] = val;
}

static void set_value(struct xs *x, int m, int k, int val)
{
    struct xh_meet *mt = &x->sol->meets[m];
    if (k == CH_DURATION && mt->duration > 0 && val == 0) {
        xh_state_remove_meet(&x->st, m);
        mt->duration = 0;
        return;
    }
    if (k == CH_DURATION && mt->duration == 0) {
        mt->duration = val;
        if (val > 0)
            xh_state_add_meet(&x->st, m);
        return;
    }
    xh_state_occupy(&x->st, m, -1);
    if (k == CH_TIME)
        mt->time = val;
    else if (k == CH_DURATION)
        mt->duration = val;
    else
        holders_move(x, m, k, val);
    xh_state_occupy(&x->st, m, 1);
}

/* Prices the changes queued in x->ch (applied on return): *dh, *ds. */
static void price(struct xs *x, long *dh, long *ds)
{
    x->stampv++;
    x->naff = 0;
    for (int i = 0; i < x->nch; i++) {
        add_meet_points(x, x->ch[i].m);
        if (x->ch[i].k >= 0 && x->ch[i].val >= 0)
            add_affected(x, &x->rpts[x->ch[i].val]);
    }
    long oh = 0, os = 0, nh = 0, ns = 0;
    for (int i = 0; i < x->naff; i++) {
        int g = x->aff[i];
        if (x->phard[g])
            oh += x->pcost[g];
        else
            os += x->pcost[g];
    }
    for (int i = 0; i < x->nch; i++) {
        struct change *c = &x->ch[i];
        const struct xh_meet *mt = &x->sol->meets[c->m];
        c->old = c->k == CH_TIME ? mt->time : c->k == CH_DURATION ? mt->duration : mt->res[c->k];
        set_value(x, c->m, c->k, c->val);
    }
    for (int i = 0; i < x->naff; i++) {
        int g = x->aff[i];
        long v = xh_point_cost(&x->st, x->pt_c[g], x->pt_p[g]);
        x->newc[i] = v;
        if (x->phard[g])
            nh += v;
        else
            ns += v;
    }
    *dh = nh - oh;
    *ds = ns - os;
}

static void commit(struct xs *x, long dh, long ds)
{
    for (int i = 0; i < x->naff; i++)
        x->pcost[x->aff[i]] = x->newc[i];
    x->hard += dh;
    x->soft += ds;
    x->nch = 0;
}

static void undo(struct xs *x)
{
    for (int i = x->nch - 1; i >= 0; i--)
        set_value(x, x->ch[i].m, x->ch[i].k, x->ch[i].old);
    x->nch = 0;
}

static void queue(struct xs *x, int m, int k, int val)
{
    if (x->nch < x->chcap)
        x->ch[x->nch++] = (struct change){m, k, val, 0};
}

static void queue_unit(struct xs *x, const struct unit *u, int kind, int val)
{
    for (int i = 0; i < u->nmeets; i++)
        queue(x, u->meets[i], kind, val);
}

static int unit_time(const struct xs *x, const struct unit *u)
{
    return x->sol->meets[u->meets[0]].time;
}

static int unit_dur(const struct xs *x, const struct unit *u)
{
    return x->sol->meets[u->meets[0]].duration;
}

/* May a part of duration d of set st start at t? */
static bool allowed(const struct xs *x, const struct lset *st, int d, int t)
{
    return d >= 1 && d <= st->maxdur && t >= 0 && t < x->in->ntimes &&
           st->in_dom[(size_t)(d - 1) * (size_t)x->in->ntimes + (size_t)t];
}

static void full_price(struct xs *x)
{
    x->hard = x->soft = 0;
    for (int g = 0; g < x->npts; g++) {
        x->pcost[g] = xh_point_cost(&x->st, x->pt_c[g], x->pt_p[g]);
        if (x->phard[g])
            x->hard += x->pcost[g];
        else
            x->soft += x->pcost[g];
    }
}

/* --- Splits ---------------------------------------------------------------- */

static long fcost(const struct xh_constraint *c, long d)
{
    long v = c->fn == XH_QUADRATIC ? d * d : c->fn == XH_STEP ? (d > 0) : d;
    return v * c->weight * (c->required ? HARD_WEIGHT : 1);
}

/* What parts[0..n) cost event e under its split constraints; *any is set
   when some split constraint applies. */
static long split_cost(const struct xs *x, int e, const int *parts, int n, bool *any)
{
    long cost = 0;
    const struct ilist *l = &x->epts[e];
    for (int i = 0; i < l->n; i++) {
        const struct xh_constraint *c = &x->in->cons[x->pt_c[l->v[i]]];
        long d = 0;
        if (c->type == XH_SPLIT_EVENTS) {
            for (int j = 0; j < n; j++)
                d += parts[j] < c->min || parts[j] > c->max;
            d += n < c->min_amount ? c->min_amount - n : n > c->max_amount ? n - c->max_amount : 0;
            *any = true;
        } else if (c->type == XH_DISTRIBUTE_SPLIT_EVENTS) {
            long k = 0;
            for (int j = 0; j < n; j++)
                k += parts[j] == c->duration;
            d = k < c->min ? c->min - k : k > c->max ? k - c->max : 0;
            *any = true;
        } else {
            continue;
        }
        cost += fcost(c, d);
    }
    return cost;
}

struct partition_search {
    const struct xs *x;
    const int *events;
    int nevents;
    int maxpart;
    int cur[MAX_PARTITION], best[MAX_PARTITION];
    int ncur, nbest;
    long best_cost;
    bool any;
    long visited;
};

static void partitions(struct partition_search *ps, int left, int maxpart)
{
    if (ps->visited++ > 200000)
        return;
    if (left == 0) {
        long cost = 0;
        for (int i = 0; i < ps->nevents; i++)
            cost += split_cost(ps->x, ps->events[i], ps->cur, ps->ncur, &ps->any);
        if (cost < ps->best_cost || (cost == ps->best_cost && ps->ncur < ps->nbest)) {
            ps->best_cost = cost;
            ps->nbest = ps->ncur;
            memcpy(ps->best, ps->cur, (size_t)ps->ncur * sizeof(int));
        }
        return;
    }
    for (int p = maxpart < left ? maxpart : left; p >= 1; p--) {
        ps->cur[ps->ncur++] = p;
        partitions(ps, left - p, p);
        ps->ncur--;
    }
}

/* The parts of a unit of events of duration dur, in *parts (returns n). */
static int choose_split(const struct xs *x, const int *events, int nevents, int dur,
                        int maxpart, int *parts)
{
    bool any = false;
    int one = 1;
    for (int i = 0; i < nevents; i++)
        split_cost(x, events[i], &one, 1, &any);
    if (!any || dur > MAX_PARTITION) {
        /* no split constraint: single times (or as long as a day allows) */
        int n = 0, p = !any ? 1 : maxpart;
        for (int left = dur; left > 0; left -= p)
            parts[n++] = left < p ? left : p;
        return n;
    }
    struct partition_search ps = {.x = x, .events = events, .nevents = nevents,
                                  .best_cost = -1, .nbest = MAX_PARTITION + 1};
    ps.best_cost = (long)1 << 62;
    partitions(&ps, dur, maxpart);
    memcpy(parts, ps.best, (size_t)ps.nbest * sizeof(int));
    return ps.nbest;
}

/* --- Units and domains ---------------------------------------------------- */

static int find_root(int *parent, int v)
{
    while (parent[v] != v)
        v = parent[v] = parent[parent[v]];
    return v;
}

/* The starts of parts of duration d of set st: within one day, and
   where no Required PreferTimes (for that duration) or
   AvoidUnavailableTimes of the set's preassigned resources forbids it; when
   those leave nothing, within one day only. */
static void set_domain(struct xs *x, struct lset *st, int d)
{
    const struct xh_instance *in = x->in;
    int nt = in->ntimes;
    uint8_t *ok_t = st->in_dom + (size_t)(d - 1) * (size_t)nt;
    int *dom = st->dom[d - 1] = xmalloc((size_t)nt * sizeof(int));
    int n = 0;
    for (int pass = 0; pass < 2 && n == 0; pass++) {
        for (int t = 0; t + d <= nt; t++) {
            bool ok = true;
            for (int i = 1; i < d && ok; i++)
                ok = in->time_day[t + i] == in->time_day[t];
            for (int i = 0; i < st->nevents && ok && pass == 0; i++) {
                int e = st->events[i];
                const struct ilist *l = &x->epts[e];
                for (int j = 0; j < l->n && ok; j++) {
                    const struct xh_constraint *c = &in->cons[x->pt_c[l->v[j]]];
                    if (c->type == XH_PREFER_TIMES && c->required &&
                        (c->duration < 0 || c->duration == d))
                        ok = c->times[t];
                }
                const struct xh_event *ev = &in->events[e];
                for (int k = 0; k < ev->neres && ok; k++) {
                    int r = ev->eres[k].res;
                    if (r < 0)
                        continue;
                    const struct ilist *rl = &x->rpts[r];
                    for (int j = 0; j < rl->n && ok; j++) {
                        const struct xh_constraint *c = &in->cons[x->pt_c[rl->v[j]]];
                        if (c->type == XH_AVOID_UNAVAILABLE_TIMES && c->required)
                            for (int i2 = 0; i2 < d && ok; i2++)
                                ok = !c->times[t + i2];
                    }
                }
            }
            if (ok) {
                ok_t[t] = 1;
                dom[n++] = t;
            }
        }
    }
    st->ndom[d - 1] = n;
    /* the starts soft PreferTimes constraints like: moves try them first */
    int *pref = st->pref[d - 1] = xmalloc((size_t)(n ? n : 1) * sizeof(int));
    int np = 0;
    bool any = false;
    for (int j = 0; j < n; j++) {
        bool ok = true;
        for (int i = 0; i < st->nevents && ok; i++) {
            const struct ilist *l = &x->epts[st->events[i]];
            for (int k = 0; k < l->n && ok; k++) {
                const struct xh_constraint *c = &in->cons[x->pt_c[l->v[k]]];
                if (c->type == XH_PREFER_TIMES && !c->required &&
                    (c->duration < 0 || c->duration == d)) {
                    any = true;
                    ok = c->times[dom[j]];
                }
            }
        }
        if (ok)
            pref[np++] = dom[j];
    }
    st->npref[d - 1] = any ? np : 0;
}

static void new_unit(struct xs *x, struct lset *st, int dur, int time)
{
    x->units = xrealloc(x->units, (size_t)(x->nunits + 1) * sizeof(*x->units));
    struct unit *u = &x->units[x->nunits];
    *u = (struct unit){.set = (int)(st - x->sets)};
    u->meets = xmalloc((size_t)st->nevents * sizeof(int));
    for (int i = 0; i < st->nevents; i++) {
        u->meets[u->nmeets++] = x->sol->nmeets;
        xh_solution_add(x->in, x->sol, st->events[i], dur, time);
    }
    st->units = xrealloc(st->units, (size_t)(st->nunits + 1) * sizeof(int));
    st->units[st->nunits++] = x->nunits++;
}

static void build_units(struct xs *x)
{
    const struct xh_instance *in = x->in;
    int ne = in->nevents, nt = in->ntimes;
    /* linked events: union by LinkEvents groups of equal durations */
    int *parent = xmalloc((size_t)ne * sizeof(int));
    for (int e = 0; e < ne; e++)
        parent[e] = e;
    x->partners = xcalloc((size_t)ne + 1, sizeof(struct ilist));
    for (int c = 0; c < in->ncons; c++) {
        const struct xh_constraint *con = &in->cons[c];
        if (con->type != XH_LINK_EVENTS)
            continue;
        if (!con->required) {
            for (int p = 0; p < con->npoints; p++) {
                const struct xh_eventgroup *g = &in->egroups[con->points[p].a];
                for (int i = 0; i < g->nevents; i++)
                    for (int j = 0; j < g->nevents; j++)
                        if (i != j)
                            ilist_push(&x->partners[g->events[i]], g->events[j]);
            }
            continue;
        }
        for (int p = 0; p < con->npoints; p++) {
            const struct xh_eventgroup *g = &in->egroups[con->points[p].a];
            for (int i = 1; i < g->nevents; i++) {
                int a = g->events[0], b = g->events[i];
                if (in->events[a].duration == in->events[b].duration &&
                    in->events[a].time < 0 && in->events[b].time < 0)
                    parent[find_root(parent, b)] = find_root(parent, a);
            }
        }
    }
    int maxday = 0, run = 0;
    for (int t = 0; t < nt; t++) {
        run = t > 0 && in->time_day[t] == in->time_day[t - 1] ? run + 1 : 1;
        if (run > maxday)
            maxday = run;
    }
    if (maxday > MAX_PARTITION)
        maxday = MAX_PARTITION;
    int *done = xcalloc((size_t)ne, sizeof(int));
    int parts[1001]; /* XH_MAX_DURATION single times at most */
    x->sets = xcalloc((size_t)ne, sizeof(*x->sets));
    x->set_of_event = xmalloc((size_t)ne * sizeof(int));
    for (int e = 0; e < ne; e++) {
        int root = find_root(parent, e);
        if (done[root])
            continue;
        done[root] = 1;
        const struct xh_event *ev = &in->events[e];
        struct lset *st = &x->sets[x->nsets++];
        st->events = xmalloc((size_t)ne * sizeof(int));
        for (int f = e; f < ne; f++)
            if (find_root(parent, f) == root)
                st->events[st->nevents++] = f;
        for (int i = 0; i < st->nevents; i++)
            x->set_of_event[st->events[i]] = x->nsets - 1;
        st->duration = ev->duration;
        st->fixed = ev->time >= 0;
        st->maxdur = st->fixed ? ev->duration : ev->duration < maxday ? ev->duration : maxday;
        st->in_dom = xcalloc((size_t)st->maxdur * (size_t)nt, 1);
        st->dom = xcalloc((size_t)st->maxdur, sizeof(int *));
        st->ndom = xcalloc((size_t)st->maxdur, sizeof(int));
        st->pref = xcalloc((size_t)st->maxdur, sizeof(int *));
        st->npref = xcalloc((size_t)st->maxdur, sizeof(int));
        if (st->fixed) {
            st->in_dom[(size_t)(st->maxdur - 1) * (size_t)nt + (size_t)ev->time] = 1;
            for (int d = 0; d < st->maxdur; d++)
                st->dom[d] = xmalloc(sizeof(int));
            st->dom[st->maxdur - 1][0] = ev->time;
            st->ndom[st->maxdur - 1] = 1;
            new_unit(x, st, ev->duration, ev->time);
            continue;
        }
        for (int d = 1; d <= st->maxdur; d++)
            set_domain(x, st, d);
        int np = choose_split(x, st->events, st->nevents, ev->duration, st->maxdur, parts);
        /* as many parts as single times could make; the unused ones wait
           with duration 0 for a split */
        for (int p = 0; p < ev->duration; p++)
            new_unit(x, st, p < np ? parts[p] : 0, -1);
    }
    free(parent);
    free(done);
}

/* LimitBusyTimes points that can not be idle in a time group: a resource
   whose preassigned events fill more times than lie outside the group. */
static void force_busy(struct xs *x)
{
    const struct xh_instance *in = x->in;
    long *load = xcalloc((size_t)in->nres + 1, sizeof(long));
    for (int e = 0; e < in->nevents; e++)
        for (int k = 0; k < in->events[e].neres; k++)
            if (in->events[e].eres[k].res >= 0)
                load[in->events[e].eres[k].res] += in->events[e].duration;
    x->st.forced = xcalloc((size_t)in->ncons + 1, sizeof(uint64_t *));
    for (int c = 0; c < in->ncons; c++) {
        const struct xh_constraint *con = &in->cons[c];
        if (con->type != XH_LIMIT_BUSY_TIMES || con->min == 0)
            continue;
        x->st.forced[c] = xcalloc((size_t)con->npoints + 1, sizeof(uint64_t));
        for (int p = 0; p < con->npoints; p++)
            for (int k = 0; k < con->ntgroups && k < 64; k++)
                if (load[con->points[p].a] > in->ntimes - in->tgroups[con->tgroups[k]].ntimes)
                    x->st.forced[c][p] |= (uint64_t)1 << k;
    }
    free(load);
}

/* --- Open roles ------------------------------------------------------------ */

static void build_roles(struct xs *x)
{
    const struct xh_instance *in = x->in;
    x->role_start = xmalloc((size_t)(x->sol->nmeets + 1) * sizeof(int));
    for (int m = 0; m < x->sol->nmeets; m++) {
        x->role_start[m] = x->nroles;
        const struct xh_meet *mt = &x->sol->meets[m];
        const struct xh_event *ev = &in->events[mt->event];
        for (int k = 0; k < ev->neres; k++) {
            if (ev->eres[k].res >= 0)
                continue;
            struct role ro = {.meet = m, .k = k};
            ro.cand = xmalloc((size_t)(in->nres + 1) * sizeof(int));
            for (int r = 0; r < in->nres; r++) {
                if (in->res[r].type != ev->eres[k].type)
                    continue;
                bool ok = true;
                const struct ilist *l = &x->epts[mt->event];
                for (int j = 0; j < l->n && ok; j++) {
                    const struct xh_constraint *c = &in->cons[x->pt_c[l->v[j]]];
                    const struct xh_point *pt = &c->points[x->pt_p[l->v[j]]];
                    if (c->type == XH_PREFER_RESOURCES && c->required && pt->b == k)
                        ok = c->resources[r];
                }
                if (ok)
                    ro.cand[ro.ncand++] = r;
            }
            if (ro.ncand == 0) {
                /* the Required PreferResources allow nothing: leaving the
                   role empty (AssignResource) may cost less than any
                   resource (DK-HG-12: 1 against 1000) */
                ro.cand[ro.ncand++] = -1;
                for (int r = 0; r < in->nres; r++)
                    if (in->res[r].type == ev->eres[k].type)
                        ro.cand[ro.ncand++] = r;
            }
            if (ro.ncand == 0) {
                free(ro.cand);
                continue;
            }
            x->roles = xrealloc(x->roles, (size_t)(x->nroles + 1) * sizeof(*x->roles));
            x->roles[x->nroles++] = ro;
        }
    }
    x->role_start[x->sol->nmeets] = x->nroles;
}

/* The role groups: (event, event resource) pairs joined when an
   AvoidSplitAssignments constraint (Required or not) names the role for an
   event group holding both events; each role joins its pair's group. */
static void build_role_groups(struct xs *x)
{
    const struct xh_instance *in = x->in;
    int *off = xmalloc((size_t)(in->nevents + 1) * sizeof(int));
    int npairs = 0;
    for (int e = 0; e < in->nevents; e++) {
        off[e] = npairs;
        npairs += in->events[e].neres;
    }
    off[in->nevents] = npairs;
    int *parent = xmalloc((size_t)npairs * sizeof(int) + 1);
    for (int i = 0; i < npairs; i++)
        parent[i] = i;
    for (int c = 0; c < in->ncons; c++) {
        const struct xh_constraint *con = &in->cons[c];
        if (con->type != XH_AVOID_SPLIT_ASSIGNMENTS || !con->role)
            continue;
        for (int p = 0; p < con->npoints; p++) {
            const struct xh_eventgroup *g = &in->egroups[con->points[p].a];
            int first = -1;
            for (int i = 0; i < g->nevents; i++) {
                const struct xh_event *ev = &in->events[g->events[i]];
                for (int k = 0; k < ev->neres; k++) {
                    if (ev->eres[k].res >= 0 || !ev->eres[k].role ||
                        strcmp(ev->eres[k].role, con->role) != 0)
                        continue;
                    int v = off[g->events[i]] + k;
                    if (first < 0)
                        first = v;
                    else
                        parent[find_root(parent, v)] = find_root(parent, first);
                }
            }
        }
    }
    int *gid = xmalloc((size_t)npairs * sizeof(int) + 1);
    for (int i = 0; i < npairs; i++)
        gid[i] = -1;
    for (int i = 0; i < x->nroles; i++) {
        struct role *ro = &x->roles[i];
        int root = find_root(parent, off[x->sol->meets[ro->meet].event] + ro->k);
        if (gid[root] < 0) {
            gid[root] = x->nrgroups;
            x->rgroups = xrealloc(x->rgroups, (size_t)(x->nrgroups + 1) * sizeof(*x->rgroups));
            x->rgroups[x->nrgroups++] = (struct rgroup){0};
        }
        ro->grp = gid[root];
        struct rgroup *g = &x->rgroups[ro->grp];
        g->roles = xrealloc(g->roles, (size_t)(g->nroles + 1) * sizeof(int));
        g->roles[g->nroles++] = i;
    }
    for (int gi = 0; gi < x->nrgroups; gi++) {
        struct rgroup *g = &x->rgroups[gi];
        const struct role *r0 = &x->roles[g->roles[0]];
        g->cand = xmalloc((size_t)r0->ncand * sizeof(int) + 1);
        for (int j = 0; j < r0->ncand; j++) {
            bool all = true;
            for (int i = 1; i < g->nroles && all; i++) {
                const struct role *ro = &x->roles[g->roles[i]];
                bool has = false;
                for (int q = 0; q < ro->ncand && !has; q++)
                    has = ro->cand[q] == r0->cand[j];
                all = has;
            }
            if (all)
                g->cand[g->ncand++] = r0->cand[j];
        }
        if (g->ncand == 0) {
            memcpy(g->cand, r0->cand, (size_t)r0->ncand * sizeof(int));
            g->ncand = r0->ncand;
        }
    }
    free(off);
    free(parent);
    free(gid);
}

/* Queues resource r for every role of group g. */
static void queue_group(struct xs *x, const struct rgroup *g, int r)
{
    for (int i = 0; i < g->nroles; i++) {
        const struct role *ro = &x->roles[g->roles[i]];
        queue(x, ro->meet, ro->k, r);
    }
}

/* The cheapest resource for group g (hard first, ties at random), other
   than its first role's when other_only; NONE when none (-1, no resource,
   may be a candidate). */
static int best_group_resource(struct xs *x, const struct rgroup *g, bool other_only)
{
    const struct role *r0 = &x->roles[g->roles[0]];
    int cur = x->sol->meets[r0->meet].res[r0->k];
    long best = 0;
    int pick = NONE, ties = 0;
    for (int j = 0; j < g->ncand; j++) {
        if (other_only && g->cand[j] == cur)
            continue;
        long dh, ds;
        queue_group(x, g, g->cand[j]);
        price(x, &dh, &ds);
        undo(x);
        long v = dh * HARD_WEIGHT + ds;
        if (pick == NONE || v < best) {
            best = v;
            pick = g->cand[j];
            ties = 1;
        } else if (v == best && rng_below(&x->rng, ++ties) == 0) {
            pick = g->cand[j];
        }
    }
    return pick;
}

/* Every role group in turn (random order) to its cheapest resource. */
static void assign_groups(struct xs *x)
{
    int *order = xmalloc((size_t)x->nrgroups * sizeof(int) + 1);
    for (int i = 0; i < x->nrgroups; i++)
        order[i] = i;
    for (int i = x->nrgroups - 1; i > 0; i--) {
        int j = rng_below(&x->rng, i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int i = 0; i < x->nrgroups; i++) {
        const struct rgroup *g = &x->rgroups[order[i]];
        int r = best_group_resource(x, g, false);
        if (r == NONE)
            continue;
        long dh, ds;
        queue_group(x, g, r);
        price(x, &dh, &ds);
        commit(x, dh, ds);
    }
    free(order);
}

/* --- Construction ----------------------------------------------------------- */

/* The workloads of the resources under a Required LimitWorkload decided
   before any time is: which resource each role group holds is a packing
   (the groups' workloads must add up to within each teacher's limits), and
   the greedy group by group choice leaves a teacher a lesson over or under
   that the search then only mends by splitting lessons against the split
   rules (AU-BG-98). A descent on the workload deviation alone (a group to
   another candidate, or two groups trading resources; moves that leave it
   equal are taken too, to cross plateaus) then fixes the groups that hold
   such resources. Workloads of preassigned resources count as given. */
#define BALANCE_STEPS 200000
static bool group_allows(const struct rgroup *g, int r);
static void balance_workloads(struct xs *x)
{
    const struct xh_instance *in = x->in;
    int nr = in->nres, ng = x->nrgroups;
    double *lo = xmalloc(((size_t)nr + 1) * sizeof(double));
    double *hi = xmalloc(((size_t)nr + 1) * sizeof(double));
    double *w = xcalloc((size_t)nr + 1, sizeof(double));
    for (int r = 0; r < nr; r++) {
        lo[r] = 0;
        hi[r] = 1e18;
    }
    bool any = false;
    for (int c = 0; c < in->ncons; c++) {
        const struct xh_constraint *con = &in->cons[c];
        if (con->type != XH_LIMIT_WORKLOAD || !con->required)
            continue;
        for (int p = 0; p < con->npoints; p++) {
            int r = con->points[p].a;
            lo[r] = lo[r] > con->min ? lo[r] : con->min;
            hi[r] = hi[r] < con->max ? hi[r] : con->max;
            any = true;
        }
    }
    /* each group's workload, and the groups that may hold a limited
       resource */
    double *gw = xcalloc((size_t)ng + 1, sizeof(double));
    int *cur = xmalloc(((size_t)ng + 1) * sizeof(int));
    int *gl = xmalloc(((size_t)ng + 1) * sizeof(int));
    int ngl = 0;
    for (int e = 0; e < in->nevents && any; e++)
        for (int k = 0; k < in->events[e].neres; k++)
            if (in->events[e].eres[k].res >= 0)
                w[in->events[e].eres[k].res] += in->events[e].eres[k].workload;
    for (int gi = 0; gi < ng && any; gi++) {
        const struct rgroup *g = &x->rgroups[gi];
        const struct role *r0 = &x->roles[g->roles[0]];
        cur[gi] = x->sol->meets[r0->meet].res[r0->k];
        for (int i = 0; i < g->nroles; i++) {
            const struct role *ro = &x->roles[g->roles[i]];
            const struct xh_meet *mt = &x->sol->meets[ro->meet];
            const struct xh_event *ev = &in->events[mt->event];
            gw[gi] += (double)ev->eres[ro->k].workload * mt->duration / ev->duration;
        }
        if (cur[gi] >= 0)
            w[cur[gi]] += gw[gi];
        bool lim = false;
        for (int j = 0; j < g->ncand && !lim; j++)
            lim = g->cand[j] >= 0 && hi[g->cand[j]] < 1e18;
        if (lim && g->ncand > 1 && cur[gi] >= 0)
            gl[ngl++] = gi;
    }
#define WDEV(r, v) ((v) < lo[r] - 0.001 ? lo[r] - (v) : (v) > hi[r] + 0.001 ? (v) - hi[r] : 0.0)
    double total = 0;
    for (int r = 0; r < nr && ngl > 0; r++)
        total += WDEV(r, w[r]);
    int *best = xmalloc(((size_t)ng + 1) * sizeof(int));
    memcpy(best, cur, (size_t)ng * sizeof(int));
    double best_total = total;
    for (long step = 0; step < BALANCE_STEPS && total > 0.0005 && ngl > 0; step++) {
        /* now and then a step up by one, to leave a local optimum */
        bool up = rng_below(&x->rng, 50) == 0;
        int g1 = gl[rng_below(&x->rng, ngl)];
        const struct rgroup *g = &x->rgroups[g1];
        int r1 = cur[g1], r2 = g->cand[rng_below(&x->rng, g->ncand)];
        if (r2 < 0 || r2 == r1)
            continue;
        if (rng_below(&x->rng, 2)) {
            /* g1 to r2 */
            double d = WDEV(r1, w[r1] - gw[g1]) + WDEV(r2, w[r2] + gw[g1]) - WDEV(r1, w[r1]) -
                       WDEV(r2, w[r2]);
            if (d <= 0.0005 || (up && d <= 1.0005)) {
                w[r1] -= gw[g1];
                w[r2] += gw[g1];
                cur[g1] = r2;
                total += d;
            }
        } else {
            /* g1 and a group g2 holding r2 trade */
            int g2 = gl[rng_below(&x->rng, ngl)];
            if (g2 == g1 || cur[g2] != r2 || !group_allows(&x->rgroups[g2], r1))
                continue;
            double delta = gw[g1] - gw[g2];
            double d = WDEV(r1, w[r1] - delta) + WDEV(r2, w[r2] + delta) - WDEV(r1, w[r1]) -
                       WDEV(r2, w[r2]);
            if (d <= 0.0005 || (up && d <= 1.0005)) {
                w[r1] -= delta;
                w[r2] += delta;
                cur[g1] = r2;
                cur[g2] = r1;
                total += d;
            }
        }
        if (total < best_total - 0.0005) {
            best_total = total;
            memcpy(best, cur, (size_t)ng * sizeof(int));
        }
    }
    memcpy(cur, best, (size_t)ng * sizeof(int));
    free(best);
#undef WDEV
    for (int i = 0; i < ngl; i++) {
        const struct rgroup *g = &x->rgroups[gl[i]];
        const struct role *r0 = &x->roles[g->roles[0]];
        if (x->sol->meets[r0->meet].res[r0->k] == cur[gl[i]])
            continue;
        long dh, ds;
        queue_group(x, g, cur[gl[i]]);
        price(x, &dh, &ds);
        commit(x, dh, ds);
    }
    free(lo);
    free(hi);
    free(w);
    free(gw);
    free(cur);
    free(gl);
}

static int unit_ndom(const struct xs *x, const struct unit *u)
{
    int d = unit_dur(x, u);
    return d > 0 ? x->sets[u->set].ndom[d - 1] : 0;
}

static int cmp_units_by_domain(const void *a, const void *b, void *arg)
{
    const struct xs *x = arg;
    const struct unit *u = &x->units[*(const int *)a], *v = &x->units[*(const int *)b];
    if (unit_ndom(x, u) != unit_ndom(x, v))
        return unit_ndom(x, u) - unit_ndom(x, v);
    if (unit_dur(x, u) != unit_dur(x, v))
        return unit_dur(x, v) - unit_dur(x, u);
    return *(const int *)a - *(const int *)b;
}

static void construct(struct xs *x)
{
    int *order = xmalloc((size_t)x->nunits * sizeof(int) + 1);
    for (int i = 0; i < x->nunits; i++)
        order[i] = i;
    qsort_r(order, (size_t)x->nunits, sizeof(int), cmp_units_by_domain, x);
    /* open roles first: each role group its cheapest resource, all times
       unplaced, then the workloads balanced */
    assign_groups(x);
    balance_workloads(x);
    for (int i = 0; i < x->nunits; i++) {
        struct unit *u = &x->units[order[i]];
        const struct lset *st = &x->sets[u->set];
        int d = unit_dur(x, u);
        if (st->fixed || d == 0)
            continue;
        const int *dom = st->dom[d - 1];
        long best = 0;
        int pick = -1, ties = 0;
        for (int j = 0; j < st->ndom[d - 1]; j++) {
            long dh, ds;
            queue_unit(x, u, CH_TIME, dom[j]);
            price(x, &dh, &ds);
            long v = dh * HARD_WEIGHT + ds;
            undo(x);
            if (pick < 0 || v < best) {
                best = v;
                pick = dom[j];
                ties = 1;
            } else if (v == best && rng_below(&x->rng, ++ties) == 0) {
                pick = dom[j];
            }
        }
        if (pick >= 0) {
            long dh, ds;
            queue_unit(x, u, CH_TIME, pick);
            price(x, &dh, &ds);
            commit(x, dh, ds);
        }
    }
    /* the roles again, now that times (and so workloads and clashes)
       count */
    for (int pass = 0; pass < 2; pass++)
        assign_groups(x);
    free(order);
}

/* --- Search ---------------------------------------------------------------- */

/* Does unit v, at its time, share a preassigned resource with unit u and
   overlap [t, t + d)? */
/* Does unit v, at its time, overlap [t, t + d)? */
static bool unit_blocks(const struct xs *x, int d, int t, const struct unit *v)
{
    int tv = unit_time(x, v);
    return tv >= 0 && tv < t + d && tv + unit_dur(x, v) > t;
}

/* A Kempe chain between two windows of u's duration: u goes from window
   A (at its time t1) to window B (at t2); every unit sharing a preassigned
   resource with a moved unit and overlapping where it lands must lie
   inside that window and goes to the other window, shifted alike (a double
   lesson in A can trade places with two singles in B). Queues the chain;
   false when it does not close within the limits. */
static bool kempe_move(struct xs *x, struct unit *u, int t2)
{
    int t1 = unit_time(x, u), len = unit_dur(x, u);
    /* windows one time longer than u now and then: a single lesson can
       then trade places with a double */
    if (rng_below(&x->rng, 2))
        len++;
    const int *day = x->in->time_day;
    if (t1 < 0 || abs(t2 - t1) < len || t1 + len > x->in->ntimes || t2 + len > x->in->ntimes ||
        day[t1 + len - 1] != day[t1] || day[t2 + len - 1] != day[t2])
        return false;
    int delta = t2 - t1;
    int n = 0, head = 0;
    int ui = (int)(u - x->units);
    x->chain[n] = ui;
    x->side[n++] = 0; /* 0: A -> B (+delta), 1: B -> A (-delta) */
    x->in_chain[ui] = 1;
    bool ok = true;
    int meets = u->nmeets;
    while (head < n && ok) {
        const struct unit *w = &x->units[x->chain[head]];
        int wside = x->side[head];
        head++;
        int wd = unit_dur(x, w);
        int dest = unit_time(x, w) + (wside == 0 ? delta : -delta);
        int wstart = wside == 0 ? t2 : t1; /* the window w lands in */
        if (!allowed(x, &x->sets[w->set], wd, dest)) {
            ok = false;
            break;
        }
        /* units softly linked to w and with it go along */
        const struct ilist *pl = &x->partners[x->sol->meets[w->meets[0]].event];
        for (int i = 0; i < pl->n && ok; i++) {
            const struct lset *fs = &x->sets[x->set_of_event[pl->v[i]]];
            for (int j = 0; j < fs->nunits; j++) {
                int vi = fs->units[j];
                const struct unit *v = &x->units[vi];
                if (!x->in_chain[vi] && !fs->fixed && unit_time(x, v) == unit_time(x, w) &&
                    unit_dur(x, v) == wd && n < KEMPE_MAX &&
                    meets + v->nmeets <= x->chcap / 2) {
                    x->in_chain[vi] = 1;
                    x->chain[n] = vi;
                    x->side[n++] = wside;
                    meets += v->nmeets;
                    break;
                }
            }
        }
        for (int i = 0; i < w->nmeets && ok; i++) {
            const struct xh_event *ev = &x->in->events[x->sol->meets[w->meets[i]].event];
            for (int k = 0; k < ev->neres && ok; k++) {
                int r = ev->eres[k].res;
                if (r < 0)
                    continue;
                const struct ilist *l = &x->res_units[r];
                for (int j = 0; j < l->n && ok; j++) {
                    int vi = l->v[j];
                    struct unit *v = &x->units[vi];
                    if (x->in_chain[vi] || !unit_blocks(x, wd, dest, v))
                        continue;
                    int tv = unit_time(x, v);
                    if (x->sets[v->set].fixed || tv < wstart ||
                        tv + unit_dur(x, v) > wstart + len || n >= KEMPE_MAX ||
                        meets + v->nmeets > x->chcap / 2) {
                        ok = false;
                        break;
                    }
                    x->in_chain[vi] = 1;
                    x->chain[n] = vi;
                    x->side[n++] = 1 - wside;
                    meets += v->nmeets;
                }
            }
        }
    }
    for (int i = 0; i < n; i++)
        x->in_chain[x->chain[i]] = 0;
    if (!ok)
        return false;
    for (int i = 0; i < n; i++) {
        const struct unit *w = &x->units[x->chain[i]];
        queue_unit(x, w, CH_TIME, unit_time(x, w) + (x->side[i] == 0 ? delta : -delta));
    }
    return true;
}

static int random_start(struct xs *x, const struct lset *st, int d);

/* Splits unit u in two at a random point: the second part takes an
   unused unit of the set and follows the first, or (in phase 2, half the
   time) goes to a random start, where an ejection chain makes room: a
   set spread over days can not have both parts on one. */
static bool split_move(struct xs *x, struct unit *u)
{
    const struct lset *st = &x->sets[u->set];
    int d = unit_dur(x, u), t = unit_time(x, u);
    if (d < 2 || t < 0)
        return false;
    const struct unit *v = NULL;
    for (int i = 0; i < st->nunits && !v; i++)
        if (unit_dur(x, &x->units[st->units[i]]) == 0)
            v = &x->units[st->units[i]];
    int d1 = 1 + rng_below(&x->rng, d - 1);
    if (!v || !allowed(x, st, d1, t))
        return false;
    int t2 = x->phase2 && rng_below(&x->rng, 2) ? random_start(x, st, d - d1) : t + d1;
    if (!allowed(x, st, d - d1, t2) || (t2 < t + d1 && t2 + d - d1 > t))
        return false;
    queue_unit(x, u, CH_DURATION, d1);
    queue_unit(x, v, CH_DURATION, d - d1);
    queue_unit(x, v, CH_TIME, t2);
    return true;
}

/* Merges unit u with another part v of its set, at the start of u (in
   phase 2, half the time ending where u ends). */
static bool merge_move(struct xs *x, struct unit *u)
{
    const struct lset *st = &x->sets[u->set];
    const struct unit *v = &x->units[st->units[rng_below(&x->rng, st->nunits)]];
    int du = unit_dur(x, u), dv = unit_dur(x, v);
    if (v == u || dv == 0 || du == 0)
        return false;
    if (rng_below(&x->rng, 2)) {
        const struct unit *tmp = u;
        u = (struct unit *)v;
        v = tmp;
        int td = du;
        du = dv;
        dv = td;
    }
    int t = unit_time(x, u);
    if (x->phase2 && rng_below(&x->rng, 2))
        t -= dv;
    if (!allowed(x, st, du + dv, t))
        return false;
    /* u's start before its length: no state, even for a moment (or when
       undone), runs past the last time */
    queue_unit(x, v, CH_TIME, -1);
    queue_unit(x, v, CH_DURATION, 0);
    queue_unit(x, u, CH_TIME, t);
    queue_unit(x, u, CH_DURATION, du + dv);
    return true;
}

static void hot_add(struct xs *x, int u)
{
    if (!x->is_hot[u]) {
        x->is_hot[u] = 1;
        x->hot[x->nhot++] = u;
    }
}

static void hot_add_event(struct xs *x, int e)
{
    const struct lset *st = &x->sets[x->set_of_event[e]];
    for (int i = 0; i < st->nunits; i++)
        hot_add(x, st->units[i]);
}

/* The units that touch a violated Required constraint: those of a
   resource with a hard violation, of an event or event group with one. */
static void find_hot(struct xs *x)
{
    for (int i = 0; i < x->nhot; i++)
        x->is_hot[x->hot[i]] = 0;
    x->nhot = 0;
    const struct xh_instance *in = x->in;
    for (int g = 0; g < x->npts; g++) {
        if (!x->phard[g] || x->pcost[g] == 0)
            continue;
        const struct xh_constraint *c = &in->cons[x->pt_c[g]];
        const struct xh_point *pt = &c->points[x->pt_p[g]];
        if (c->type >= XH_AVOID_CLASHES) {
            const struct ilist *l = &x->res_units[pt->a];
            for (int i = 0; i < l->n; i++)
                hot_add(x, l->v[i]);
            if (x->nroles > 0)
                x->is_hotres[pt->a] = 1;
        } else if (c->type == XH_SPREAD_EVENTS || c->type == XH_LINK_EVENTS ||
                   c->type == XH_AVOID_SPLIT_ASSIGNMENTS) {
            const struct xh_eventgroup *eg = &in->egroups[pt->a];
            for (int i = 0; i < eg->nevents; i++)
                hot_add_event(x, eg->events[i]);
        } else {
            hot_add_event(x, pt->a);
            if (c->type == XH_ORDER_EVENTS)
                hot_add_event(x, pt->b);
        }
    }
    /* units holding such a resource in an open role */
    for (int i = 0; i < x->nroles; i++) {
        const struct role *ro = &x->roles[i];
        int r = x->sol->meets[ro->meet].res[ro->k];
        if (r >= 0 && x->is_hotres[r] && x->sol->meets[ro->meet].duration > 0)
            hot_add(x, x->unit_of_meet[ro->meet]);
    }
    if (x->nroles > 0)
        memset(x->is_hotres, 0, (size_t)in->nres);
}

/* The resources whose idle times, busy times or days cost something. */
static void find_soft(struct xs *x)
{
    for (int i = 0; i < x->nsoftres; i++)
        x->is_softres[x->softres[i]] = 0;
    x->nsoftres = 0;
    for (int g = 0; g < x->npts; g++) {
        if (x->phard[g] || x->pcost[g] == 0)
            continue;
        const struct xh_constraint *c = &x->in->cons[x->pt_c[g]];
        if (c->type != XH_LIMIT_IDLE_TIMES && c->type != XH_CLUSTER_BUSY_TIMES &&
            c->type != XH_LIMIT_BUSY_TIMES)
            continue;
        int r = c->points[x->pt_p[g]].a;
        if (!x->is_softres[r] && x->res_units[r].n > 0) {
            x->is_softres[r] = 1;
            x->softres[x->nsoftres++] = r;
        }
    }
}

/* A Kempe chain aimed at a resource's idle times and days: one of its
   units goes next to (or into a gap between) its other lessons. */
static bool target_move(struct xs *x)
{
    int r = x->softres[rng_below(&x->rng, x->nsoftres)];
    const struct ilist *l = &x->res_units[r];
    struct unit *u = &x->units[l->v[rng_below(&x->rng, l->n)]];
    int d = unit_dur(x, u), t1 = unit_time(x, u);
    if (x->sets[u->set].fixed || d == 0 || t1 < 0)
        return false;
    int nt = x->in->ntimes;
    const int *cnt = x->st.cnt + (size_t)r * (size_t)nt;
    const int *day = x->in->time_day;
    int n = 0, pick = -1;
    for (int t = 0; t < nt; t++) {
        if (cnt[t] > 0)
            continue;
        bool next_to = (t > 0 && day[t - 1] == day[t] && cnt[t - 1] > 0) ||
                       (t + 1 < nt && day[t + 1] == day[t] && cnt[t + 1] > 0);
        if (next_to && rng_below(&x->rng, ++n) == 0)
            pick = t;
    }
    if (pick < 0)
        return false;
    /* a double lesson may end at the free time rather than start there */
    if (d > 1 && pick > 0 && rng_below(&x->rng, 2))
        pick -= d - 1;
    if (!allowed(x, &x->sets[u->set], d, pick))
        return false;
    return kempe_move(x, u, pick);
}

/* A unit of an event softly linked to u's event, of u's duration, goes to
   u's time (LinkEvents that are not Required are not tied into sets). */
static bool follow_move(struct xs *x, const struct unit *u)
{
    int e = x->sol->meets[u->meets[0]].event;
    const struct ilist *pl = &x->partners[e];
    int t = unit_time(x, u), d = unit_dur(x, u);
    if (pl->n == 0 || t < 0)
        return false;
    const struct lset *fs = &x->sets[x->set_of_event[pl->v[rng_below(&x->rng, pl->n)]]];
    if (fs->fixed || !allowed(x, fs, d, t))
        return false;
    int nb = 0, pick = -1;
    for (int i = 0; i < fs->nunits; i++) {
        const struct unit *v = &x->units[fs->units[i]];
        if (unit_dur(x, v) == d && unit_time(x, v) != t && rng_below(&x->rng, ++nb) == 0)
            pick = fs->units[i];
    }
    if (pick < 0)
        return false;
    queue_unit(x, &x->units[pick], CH_TIME, t);
    return true;
}

/* A random start for a part of duration d of set st: half the time one
   its soft PreferTimes like, when there are such; -1 when none. */
static int random_start(struct xs *x, const struct lset *st, int d)
{
    if (st->npref[d - 1] > 0 && rng_below(&x->rng, 2))
        return st->pref[d - 1][rng_below(&x->rng, st->npref[d - 1])];
    if (st->ndom[d - 1] == 0)
        return -1;
    return st->dom[d - 1][rng_below(&x->rng, st->ndom[d - 1])];
}

/* A resource of role ro's candidates free over [t, t + d), at random,
   none under a LimitWorkload; NONE when there is none. */
static int free_candidate(struct xs *x, const struct role *ro, int t, int d)
{
    int nt = x->in->ntimes, pick = NONE, n = 0;
    for (int j = 0; j < ro->ncand; j++) {
        if (ro->cand[j] < 0 || x->limited[ro->cand[j]])
            continue;
        const int *cnt = x->st.cnt + (size_t)ro->cand[j] * (size_t)nt + t;
        bool free_ = true;
        for (int k = 0; k < d && free_; k++)
            free_ = cnt[k] == 0;
        if (free_ && rng_below(&x->rng, ++n) == 0)
            pick = ro->cand[j];
    }
    return pick;
}

/* Unit u goes to [t, t + d): each resource it holds in an open role that
   is busy there is exchanged for a candidate free there, if any (rooms
   follow a lesson to its new time). Queued after u's time change.
   Resources under a LimitWorkload (teachers) are kept: handing one
   lesson to another teacher moves workload, and the search then split
   lessons to spread it (AU-BG-98). */
static void roles_follow(struct xs *x, const struct unit *u, int t, int d)
{
    int nt = x->in->ntimes;
    for (int i = 0; i < u->nmeets; i++) {
        int m = u->meets[i];
        for (int q = x->role_start[m]; q < x->role_start[m + 1]; q++) {
            const struct role *ro = &x->roles[q];
            int r = x->sol->meets[m].res[ro->k];
            if (r < 0 || x->limited[r])
                continue;
            bool busy = false;
            for (int k = 0; k < d && !busy; k++)
                busy = x->st.cnt[(size_t)r * (size_t)nt + (size_t)(t + k)] > 0;
            int pick = busy ? free_candidate(x, ro, t, d) : NONE;
            if (pick != NONE)
                queue(x, m, ro->k, pick);
        }
    }
}

/* A role group of a unit touching a hard violation (else a random one),
   NULL when it has none. */
static const struct rgroup *pick_group(struct xs *x)
{
    if (x->nhot > 0) {
        const struct unit *u = &x->units[x->hot[rng_below(&x->rng, x->nhot)]];
        int m = u->meets[rng_below(&x->rng, u->nmeets)];
        int n = x->role_start[m + 1] - x->role_start[m];
        return n > 0 ? &x->rgroups[x->roles[x->role_start[m] + rng_below(&x->rng, n)].grp]
                     : NULL;
    }
    return &x->rgroups[rng_below(&x->rng, x->nrgroups)];
}

static bool group_allows(const struct rgroup *g, int r)
{
    for (int j = 0; j < g->ncand; j++)
        if (g->cand[j] == r)
            return true;
    return false;
}

/* Two role groups trade resources: g1 (as pick_group) takes r2, a group
   holding r2 takes g1's r1; workloads stay as they were. */
static bool swap_groups(struct xs *x)
{
    const struct rgroup *g1 = pick_group(x);
    if (!g1 || g1->ncand < 2)
        return false;
    const struct role *a = &x->roles[g1->roles[0]];
    int r1 = x->sol->meets[a->meet].res[a->k];
    int r2 = g1->cand[rng_below(&x->rng, g1->ncand)];
    if (r1 < 0 || r2 < 0 || r2 == r1 || x->holders[r2].n == 0)
        return false;
    const struct ilist *hl = &x->holders[r2];
    const struct rgroup *g2 = &x->rgroups[x->roles[hl->v[rng_below(&x->rng, hl->n)]].grp];
    if (g2 == g1 || !group_allows(g2, r1))
        return false;
    queue_group(x, g1, r2);
    queue_group(x, g2, r1);
    return true;
}

/* Does meet m occupy time t? */
static bool meet_at(const struct xs *x, int m, int t)
{
    const struct xh_meet *mt = &x->sol->meets[m];
    return mt->duration > 0 && mt->time >= 0 && mt->time <= t && t < mt->time + mt->duration;
}

/* Rooms at one time as a matching: open role q's meet and every role
   holding, at a time t of that meet where q's resource clashes, one of
   the candidates of a role already taken (rooms nobody's workload
   limits) form a set whose members all meet at t, so each needs a
   resource of its own. Their resources are taken off, each is offered
   first its own resource if that is free over its times, then augmenting
   paths (Kuhn) give as many as possible one that is free; the rest keep
   theirs. Queues the changed roles; false when nothing changes. Where a
   greedy choice finds no free room for q, a path that moves another
   lesson to a third room often does. */
#define REMATCH_MAX 64
static bool rematch_move(struct xs *x, int q)
{
    const struct role *r0 = &x->roles[q];
    const struct xh_meet *m0 = &x->sol->meets[r0->meet];
    int cur = m0->res[r0->k];
    if (m0->duration == 0 || m0->time < 0 || !x->roomlike[q])
        return false;
    int nt = x->in->ntimes, t = m0->time + rng_below(&x->rng, m0->duration);
    for (int d = 0; d < m0->duration && cur >= 0; d++)
        if (x->st.cnt[(size_t)cur * (size_t)nt + (size_t)(m0->time + d)] > 1) {
            t = m0->time + d;
            break;
        }
    int n = 0;
    x->mroles[n++] = q;
    x->mstamp++;
    for (int i = 0; i < n; i++) {
        const struct role *ro = &x->roles[x->mroles[i]];
        for (int j = 0; j < ro->ncand && n < REMATCH_MAX; j++) {
            int r = ro->cand[j];
            if (r < 0 || x->limited[r] || x->mvis[r] == x->mstamp)
                continue;
            x->mvis[r] = x->mstamp;
            const struct ilist *hl = &x->holders[r];
            for (int h = 0; h < hl->n && n < REMATCH_MAX; h++) {
                int hq = hl->v[h];
                bool in = false;
                for (int k = 0; k < n && !in; k++)
                    in = x->mroles[k] == hq;
                if (!in && x->roomlike[hq] && meet_at(x, x->roles[hq].meet, t))
                    x->mroles[n++] = hq;
            }
        }
    }
    /* off: the set's resources (unpriced, put back below), then each
       role's candidates free over its times */
    for (int i = 0; i < n; i++) {
        const struct role *ro = &x->roles[x->mroles[i]];
        x->mold[i] = x->sol->meets[ro->meet].res[ro->k];
        if (x->mold[i] >= 0)
            set_value(x, ro->meet, ro->k, -1);
    }
    int na = 0;
    for (int i = 0; i < n; i++) {
        const struct role *ro = &x->roles[x->mroles[i]];
        const struct xh_meet *mt = &x->sol->meets[ro->meet];
        x->moff[i] = na;
        for (int j = 0; j < ro->ncand; j++) {
            int r = ro->cand[j];
            if (r < 0 || x->limited[r])
                continue;
            const int *cnt = x->st.cnt + (size_t)r * (size_t)nt + mt->time;
            bool free_ = true;
            for (int d = 0; d < mt->duration && free_; d++)
                free_ = cnt[d] == 0;
            if (free_)
                x->madj[na++] = r;
        }
    }
    x->moff[n] = na;
    tt_match(n, x->moff, x->madj, x->in->nres, x->mold, x->mnew, NULL);
    bool changed = false;
    for (int i = 0; i < n; i++) {
        const struct role *ro = &x->roles[x->mroles[i]];
        if (x->mold[i] >= 0)
            set_value(x, ro->meet, ro->k, x->mold[i]);
    }
    for (int i = 0; i < n; i++)
        if (x->mnew[i] >= 0 && x->mnew[i] != x->mold[i]) {
            const struct role *ro = &x->roles[x->mroles[i]];
            queue(x, ro->meet, ro->k, x->mnew[i]);
            changed = true;
        }
    return changed;
}

/* Queues a random move; false when none applies. *chain: the move is to
   be followed by an ejection chain (split and merge, which land on other
   lessons). */
static bool random_move(struct xs *x, bool *chain)
{
    *chain = false;
    int kind = rng_below(&x->rng, 100);
    if (x->phase2 && x->nsoftres > 0 && rng_below(&x->rng, 100) < P_TARGET)
        return target_move(x);
    if (x->nroles > 0 && kind < 15) {
        int how = rng_below(&x->rng, 6);
        if (how == 5) {
            /* rooms at a time of a unit touching a hard violation, else
               of a random role, as a matching */
            if (x->nhot > 0) {
                const struct unit *u = &x->units[x->hot[rng_below(&x->rng, x->nhot)]];
                int m = u->meets[rng_below(&x->rng, u->nmeets)];
                int nr = x->role_start[m + 1] - x->role_start[m];
                return nr > 0 && rematch_move(x, x->role_start[m] + rng_below(&x->rng, nr));
            }
            return rematch_move(x, rng_below(&x->rng, x->nroles));
        }
        if (how < 2)
            return swap_groups(x);
        /* a whole role group to one resource: to the cheapest for a group
           of a unit touching a hard violation, else at random */
        if (how < 4) {
            const struct rgroup *g = NULL;
            if (x->nhot > 0) {
                const struct unit *u = &x->units[x->hot[rng_below(&x->rng, x->nhot)]];
                int m = u->meets[rng_below(&x->rng, u->nmeets)];
                int n = x->role_start[m + 1] - x->role_start[m];
                if (n > 0)
                    g = &x->rgroups[x->roles[x->role_start[m] + rng_below(&x->rng, n)].grp];
            }
            if (g) {
                int r = best_group_resource(x, g, true);
                if (r == NONE)
                    return false;
                queue_group(x, g, r);
                return true;
            }
            g = &x->rgroups[rng_below(&x->rng, x->nrgroups)];
            const struct role *r0 = &x->roles[g->roles[0]];
            int r = g->ncand > 0 ? g->cand[rng_below(&x->rng, g->ncand)] : NONE;
            if (r == NONE || r == x->sol->meets[r0->meet].res[r0->k])
                return false;
            queue_group(x, g, r);
            return true;
        }
        /* one meet's resource alone: for a meet of a unit touching a hard
           violation its cheapest other candidate, else a random one */
        const struct role *ro = NULL;
        if (x->nhot > 0) {
            const struct unit *u = &x->units[x->hot[rng_below(&x->rng, x->nhot)]];
            int m = u->meets[rng_below(&x->rng, u->nmeets)];
            int n = x->role_start[m + 1] - x->role_start[m];
            if (n == 0)
                return false;
            ro = &x->roles[x->role_start[m] + rng_below(&x->rng, n)];
        } else {
            ro = &x->roles[rng_below(&x->rng, x->nroles)];
        }
        const struct xh_meet *mt = &x->sol->meets[ro->meet];
        if (ro->ncand < 2 || mt->duration == 0)
            return false;
        int r = NONE;
        if (x->nhot > 0) {
            long best = 0;
            int ties = 0, cur = mt->res[ro->k];
            for (int j = 0; j < ro->ncand; j++) {
                if (ro->cand[j] == cur)
                    continue;
                long dh, ds;
                queue(x, ro->meet, ro->k, ro->cand[j]);
                price(x, &dh, &ds);
                undo(x);
                long v = dh * HARD_WEIGHT + ds;
                if (r == NONE || v < best) {
                    best = v;
                    r = ro->cand[j];
                    ties = 1;
                } else if (v == best && rng_below(&x->rng, ++ties) == 0) {
                    r = ro->cand[j];
                }
            }
        } else {
            r = ro->cand[rng_below(&x->rng, ro->ncand)];
        }
        if (r == NONE || r == mt->res[ro->k])
            return false;
        queue(x, ro->meet, ro->k, r);
        return true;
    }
    struct unit *u = x->nhot > 0 && rng_below(&x->rng, 2)
                         ? &x->units[x->hot[rng_below(&x->rng, x->nhot)]]
                         : &x->units[rng_below(&x->rng, x->nunits)];
    const struct lset *st = &x->sets[u->set];
    int d = unit_dur(x, u), t1 = unit_time(x, u);
    if (st->fixed || d == 0)
        return false;
    if (kind < P_MOVE || t1 < 0) {
        int t = random_start(x, st, d);
        if (t < 0 || t == t1)
            return false;
        queue_unit(x, u, CH_TIME, t);
        if (x->nroles > 0)
            roles_follow(x, u, t, d);
        /* units softly linked to u and with it now go along */
        const struct ilist *pl = &x->partners[x->sol->meets[u->meets[0]].event];
        for (int i = 0; i < pl->n && t1 >= 0; i++) {
            const struct lset *fs = &x->sets[x->set_of_event[pl->v[i]]];
            if (fs->fixed || !allowed(x, fs, d, t))
                continue;
            for (int j = 0; j < fs->nunits; j++) {
                const struct unit *v = &x->units[fs->units[j]];
                if (unit_time(x, v) == t1 && unit_dur(x, v) == d &&
                    x->nch + v->nmeets <= x->chcap) {
                    queue_unit(x, v, CH_TIME, t);
                    break;
                }
            }
        }
        return true;
    }
    if (kind < P_MOVE + 5 && x->partners[x->sol->meets[u->meets[0]].event].n > 0)
        return follow_move(x, u);
    if (kind < P_KEMPE) {
        int t = random_start(x, st, d);
        return t >= 0 && kempe_move(x, u, t);
    }
    if (kind < P_KEMPE + P_SPLIT)
        return *chain = split_move(x, u);
    if (kind < P_KEMPE + 2 * P_SPLIT)
        return *chain = merge_move(x, u);
    /* swap with a unit sharing a preassigned resource */
    const struct xh_meet *m = &x->sol->meets[u->meets[rng_below(&x->rng, u->nmeets)]];
    const struct xh_event *ev = &x->in->events[m->event];
    if (ev->neres == 0)
        return false;
    int r = ev->eres[rng_below(&x->rng, ev->neres)].res;
    if (r < 0 || x->res_units[r].n < 2)
        return false;
    struct unit *v = &x->units[x->res_units[r].v[rng_below(&x->rng, x->res_units[r].n)]];
    int t2 = unit_time(x, v), dv = unit_dur(x, v);
    if (v == u || x->sets[v->set].fixed || t2 < 0 || t2 == t1)
        return false;
    int nu, nv;
    if (d == dv) {
        nu = t2;
        nv = t1;
    } else if (t2 == t1 + d) {
        nv = t1;
        nu = t1 + dv;
    } else if (t1 == t2 + dv) {
        nu = t2;
        nv = t2 + d;
    } else {
        return false;
    }
    if (!allowed(x, st, d, nu) || !allowed(x, &x->sets[v->set], dv, nv))
        return false;
    queue_unit(x, u, CH_TIME, nu);
    queue_unit(x, v, CH_TIME, nv);
    return true;
}

/* Moves unit u to t and commits it. */
static void place_unit(struct xs *x, const struct unit *u, int t)
{
    long dh, ds;
    queue_unit(x, u, CH_TIME, t);
    price(x, &dh, &ds);
    commit(x, dh, ds);
}

/* A random unit that unit u, at its time, lands on (sharing a
   preassigned resource), not yet in the chain; -1 when none. */
static int blocker(struct xs *x, const struct unit *u)
{
    int d = unit_dur(x, u), t = unit_time(x, u);
    int nb = 0, pick = -1;
    for (int i = 0; i < u->nmeets; i++) {
        const struct xh_event *ev = &x->in->events[x->sol->meets[u->meets[i]].event];
        for (int k = 0; k < ev->neres; k++) {
            int r = ev->eres[k].res;
            if (r < 0)
                continue;
            const struct ilist *l = &x->res_units[r];
            for (int j = 0; j < l->n; j++) {
                const struct unit *v = &x->units[l->v[j]];
                if (v != u && !x->in_chain[l->v[j]] && !x->sets[v->set].fixed &&
                    unit_blocks(x, d, t, v) && rng_below(&x->rng, ++nb) == 0)
                    pick = l->v[j];
            }
        }
    }
    return pick;
}

/* The cheapest start of unit v other than its own, hard cost first, ties
   at random; -1 when it has none. Only the starts where v meets the fewest
   lessons of its resources are priced, at most EJECT_PRICED of them. */
static int cheapest_start(struct xs *x, const struct unit *v)
{
    const struct lset *vs = &x->sets[v->set];
    int vd = unit_dur(x, v), vt = unit_time(x, v), nt = x->in->ntimes;
    const int *dom = vs->dom[vd - 1];
    int ndom = vs->ndom[vd - 1];
    int *cand = x->cand;
    /* v out of the way while its resources' lessons are counted */
    for (int i = 0; i < v->nmeets; i++)
        set_value(x, v->meets[i], CH_TIME, -1);
    int fewest = -1, ncand = 0;
    for (int j = 0; j < ndom; j++) {
        int tt = dom[j];
        if (tt == vt)
            continue;
        int clash = 0;
        for (int i = 0; i < v->nmeets; i++) {
            const struct xh_meet *mt = &x->sol->meets[v->meets[i]];
            const struct xh_event *ev = &x->in->events[mt->event];
            for (int k = 0; k < ev->neres; k++) {
                int r = mt->res[k]; /* preassigned, or its open role's */
                if (r < 0)
                    continue;
                const int *cnt = x->st.cnt + (size_t)r * (size_t)nt + tt;
                for (int q = 0; q < vd; q++)
                    clash += cnt[q];
            }
        }
        if (fewest < 0 || clash < fewest) {
            fewest = clash;
            ncand = 0;
        }
        if (clash == fewest) {
            /* a random sample of EJECT_PRICED of them */
            if (ncand < EJECT_PRICED)
                cand[ncand++] = tt;
            else if (rng_below(&x->rng, ++ncand) < EJECT_PRICED)
                cand[rng_below(&x->rng, EJECT_PRICED)] = tt;
        }
    }
    for (int i = 0; i < v->nmeets; i++)
        set_value(x, v->meets[i], CH_TIME, vt);
    if (ncand > EJECT_PRICED)
        ncand = EJECT_PRICED;
    long best = 0;
    int bt = -1, ties = 0;
    for (int j = 0; j < ncand; j++) {
        long dh, ds;
        queue_unit(x, v, CH_TIME, cand[j]);
        price(x, &dh, &ds);
        undo(x);
        long val = dh * HARD_WEIGHT + ds;
        if (bt < 0 || val < best) {
            best = val;
            bt = cand[j];
            ties = 1;
        } else if (val == best && rng_below(&x->rng, ++ties) == 0) {
            bt = cand[j];
        }
    }
    return bt;
}

/* An ejection chain: the move queued in x->ch is made; a unit it lands on
   goes to its cheapest start, a unit that one lands on too, and so on for
   up to EJECT_DEPTH units, none moved twice. With stop_on_gain the chain
   stops as soon as the hard cost is below where it started. The whole is
   kept or rolled back as one move: hard x hw + soft x sw, annealed at
   temperature temp. */
static void chain_move(struct xs *x, double hw, double sw, double temp, bool stop_on_gain)
{
    long h0 = x->hard, s0 = x->soft, dh, ds;
    int nb = x->nch;
    price(x, &dh, &ds);
    memcpy(x->base, x->ch, (size_t)nb * sizeof(*x->ch));
    commit(x, dh, ds);
    int nbu = 0;
    for (int i = 0; i < nb; i++) {
        int ui = x->unit_of_meet[x->base[i].m];
        if (!x->in_chain[ui]) {
            x->in_chain[ui] = 1;
            x->base_units[nbu++] = ui;
        }
    }
    int moved[EJECT_DEPTH], from[EJECT_DEPTH], n = 0, last = -1;
    while (n < EJECT_DEPTH && !(stop_on_gain && x->hard < h0)) {
        int vi = -1;
        if (last >= 0) {
            vi = blocker(x, &x->units[last]);
        } else {
            int k0 = rng_below(&x->rng, nbu);
            for (int j = 0; j < nbu && vi < 0; j++) {
                const struct unit *w = &x->units[x->base_units[(k0 + j) % nbu]];
                if (unit_dur(x, w) > 0 && unit_time(x, w) >= 0)
                    vi = blocker(x, w);
            }
        }
        if (vi < 0)
            break;
        const struct unit *v = &x->units[vi];
        int bt = cheapest_start(x, v);
        if (bt < 0)
            break;
        moved[n] = vi;
        from[n++] = unit_time(x, v);
        x->in_chain[vi] = 1;
        place_unit(x, v, bt);
        last = vi;
    }
    for (int i = 0; i < nbu; i++)
        x->in_chain[x->base_units[i]] = 0;
    for (int i = 0; i < n; i++)
        x->in_chain[moved[i]] = 0;
    double delta = (double)(x->hard - h0) * hw + (double)(x->soft - s0) * sw;
    if (delta <= 0 || rng_unit(&x->rng) < exp(-delta / temp))
        return;
    for (int i = n - 1; i >= 0; i--)
        place_unit(x, &x->units[moved[i]], from[i]);
    for (int i = nb - 1; i >= 0; i--)
        queue(x, x->base[i].m, x->base[i].k, x->base[i].old);
    price(x, &dh, &ds);
    commit(x, dh, ds);
}

/* A hot unit u goes to a random start, then chain_move. */
static void eject_move(struct xs *x, struct unit *u, double hw, double sw, double temp)
{
    const struct lset *st = &x->sets[u->set];
    int d = unit_dur(x, u), t1 = unit_time(x, u);
    if (st->fixed || d == 0 || t1 < 0 || st->ndom[d - 1] < 2)
        return;
    int t = st->dom[d - 1][rng_below(&x->rng, st->ndom[d - 1])];
    if (t == t1)
        return;
    queue_unit(x, u, CH_TIME, t);
    if (x->nroles > 0)
        roles_follow(x, u, t, d);
    chain_move(x, hw, sw, temp, true);
}

struct best {
    int *time;
    int *dur;
    int *res;     /* per meet, per event resource, flattened */
    int *off;
    long hard, soft;
};

static void save_best(const struct xs *x, struct best *b)
{
    for (int m = 0; m < x->sol->nmeets; m++) {
        const struct xh_meet *mt = &x->sol->meets[m];
        b->time[m] = mt->time;
        b->dur[m] = mt->duration;
        int n = x->in->events[mt->event].neres;
        if (n > 0)
            memcpy(b->res + b->off[m], mt->res, (size_t)n * sizeof(int));
    }
    b->hard = x->hard;
    b->soft = x->soft;
}

/* Back to the best timetable: every meet as b has it, then priced anew. */
static void restore_best(struct xs *x, const struct best *b)
{
    for (int m = 0; m < x->sol->nmeets; m++) {
        const struct xh_meet *mt = &x->sol->meets[m];
        int n = x->in->events[mt->event].neres;
        if (mt->duration != b->dur[m] || mt->time != b->time[m]) {
            /* off the timetable first: a longer part never sits, even for
               a moment, where it would run past the last time */
            set_value(x, m, CH_TIME, -1);
            set_value(x, m, CH_DURATION, b->dur[m]);
            set_value(x, m, CH_TIME, b->time[m]);
        }
        for (int k = 0; k < n; k++)
            if (mt->res[k] != b->res[b->off[m] + k])
                set_value(x, m, k, b->res[b->off[m] + k]);
    }
    full_price(x);
}

static bool better(long h1, long s1, long h2, long s2)
{
    return h1 < h2 || (h1 == h2 && s1 < s2);
}

/* Where the search is: phase 2 (feasible) began at t_switch, step
   it_switch. */
struct phase {
    bool feasible;
    double t_switch;
    long it_switch;
};

/* After a kept move: the best so far saved, and phase 2 begun at the first
   feasible timetable. */
static void keep_if_best(struct xs *x, struct best *b, struct xh_result *res, double t0, long it,
                         struct phase *ph)
{
    if (!better(x->hard, x->soft, b->hard, b->soft))
        return;
    save_best(x, b);
    if (x->hard == 0 && res->seconds_to_feasible < 0)
        res->seconds_to_feasible = time_mono_s() - t0;
    if (x->hard == 0 && !ph->feasible) {
        ph->feasible = true;
        ph->t_switch = time_mono_s();
        ph->it_switch = it;
    }
}

static void search(struct xs *x, const struct xh_options *o, struct xh_result *res,
                   struct best *b, double t0)
{
    const double temp0 = TEMP0, temp1 = TEMP1;
    double now = t0, last_progress = t0;
    int next_cp = 0;
    long it = 0;
    /* phase 1 (while infeasible) anneals the hard cost alone at a
       temperature that lets clashes come and go; phase 2 anneals
       hard x 1000 + soft from where phase 1 left, over the time left */
    struct phase ph = {.feasible = x->hard == 0, .t_switch = t0};
    double hw = HW_START;
    int stuck = 0;
    save_best(x, b);
    if (x->hard == 0)
        res->seconds_to_feasible = 0;
    for (;;) {
        if ((it & 255) == 0) {
            now = time_mono_s();
            double el = now - t0;
            while (next_cp < o->ncheckpoints && el >= o->checkpoints[next_cp])
                res->at_checkpoint[next_cp++] = (struct xh_cost){b->hard, b->soft};
            if (o->progress && now - last_progress >= o->progress_interval) {
                last_progress = now;
                o->progress(o->progress_arg, el, (struct xh_cost){b->hard, b->soft}, it);
            }
            if (o->max_iterations > 0 ? it >= o->max_iterations : el >= o->time_limit)
                break;
            if (o->cancel && *o->cancel)
                break;
            if (b->hard == 0 && b->soft == 0)
                break;
        }
        it++;
        if (x->hard > 0 && (it & 511) == 1)
            find_hot(x);
        if (ph.feasible && (it & 511) == 1) {
            x->phase2 = true;
            find_soft(x);
        }
        else if (x->hard == 0 && x->nhot)
            find_hot(x); /* feasible: nothing is hot any more */
        double temp;
        if (!ph.feasible) {
            /* cycles of FEAS_CYCLE steps cooling from 0.6 to 0.02 clashes */
            double frac = (double)(it % FEAS_CYCLE) / FEAS_CYCLE;
            temp = 0.6 * pow(0.02 / 0.6, frac);
        } else {
            double frac =
                o->max_iterations > 0
                    ? (double)(it - ph.it_switch) / (double)(o->max_iterations - ph.it_switch)
                    : (now - ph.t_switch) / (o->time_limit - (ph.t_switch - t0));
            if (frac > 1)
                frac = 1;
            temp = temp0 * pow(temp1 / temp0, frac);
            /* the weight of hard violations follows the search: up while
               it is infeasible, slowly down while feasible */
            if ((it & 1023) == 0) {
                hw = x->hard > 0 ? hw * 1.1 : hw / 1.01;
                hw = hw < HW_MIN ? HW_MIN : hw > HARD_WEIGHT ? HARD_WEIGHT : hw;
                /* a violation no move repairs: back to the best timetable */
                stuck = x->hard > 0 && hw >= HARD_WEIGHT ? stuck + 1 : 0;
                if (stuck > STUCK_BLOCKS && b->hard == 0) {
                    restore_best(x, b);
                    hw = HW_START;
                    stuck = 0;
                }
            }
        }
        if ((x->nhot > 0 && rng_below(&x->rng, 3) == 0) ||
            (ph.feasible && rng_below(&x->rng, EJECT_FEAS) == 0)) {
            struct unit *u = x->nhot > 0 ? &x->units[x->hot[rng_below(&x->rng, x->nhot)]]
                                         : &x->units[rng_below(&x->rng, x->nunits)];
            if (ph.feasible)
                eject_move(x, u, hw, 1, temp);
            else
                eject_move(x, u, 1, FEAS_SOFT, temp);
            keep_if_best(x, b, res, t0, it, &ph);
            continue;
        }
        bool chain;
        if (!random_move(x, &chain)) {
            x->nch = 0;
            continue;
        }
        if (chain && ph.feasible) {
            chain_move(x, hw, 1, temp, false);
            keep_if_best(x, b, res, t0, it, &ph);
            continue;
        }
        long dh, ds;
        price(x, &dh, &ds);
        double delta = ph.feasible ? (double)dh * hw + (double)ds
                                   : (double)dh + (double)ds * FEAS_SOFT;
        bool accept = delta <= 0 || rng_unit(&x->rng) < exp(-delta / temp);
        if (accept) {
            commit(x, dh, ds);
            keep_if_best(x, b, res, t0, it, &ph);
        } else {
            undo(x);
        }
    }
    res->iterations = it;
    double el = time_mono_s() - t0;
    while (next_cp < o->ncheckpoints)
        res->at_checkpoint[next_cp++] = (struct xh_cost){b->hard, b->soft};
    res->seconds = el;
}

static void xs_free(struct xs *x)
{
    for (int u = 0; u < x->nunits; u++)
        free(x->units[u].meets);
    free(x->units);
    for (int i = 0; i < x->nsets; i++) {
        struct lset *st = &x->sets[i];
        for (int d = 0; d < st->maxdur; d++) {
            free(st->dom[d]);
            free(st->pref[d]);
        }
        free(st->dom);
        free(st->ndom);
        free(st->pref);
        free(st->npref);
        free(st->in_dom);
        free(st->units);
        free(st->events);
    }
    free(x->sets);
    free(x->chain);
    free(x->side);
    free(x->in_chain);
    free(x->hot);
    free(x->ch);
    free(x->base);
    free(x->base_units);
    free(x->unit_of_meet);
    free(x->softres);
    free(x->is_softres);
    free(x->cand);
    free(x->is_hot);
    free(x->mroles);
    free(x->mold);
    free(x->mnew);
    free(x->mvis);
    free(x->roomlike);
    free(x->moff);
    free(x->madj);
    free(x->set_of_event);
    for (int e = 0; e < x->in->nevents; e++)
        free(x->partners[e].v);
    free(x->partners);
    for (int r = 0; r < x->in->nres; r++) {
        free(x->rpts[r].v);
        free(x->res_units[r].v);
    }
    for (int e = 0; e < x->in->nevents; e++)
        free(x->epts[e].v);
    free(x->rpts);
    free(x->res_units);
    free(x->epts);
    for (int i = 0; i < x->nroles; i++)
        free(x->roles[i].cand);
    free(x->roles);
    for (int i = 0; i < x->nrgroups; i++) {
        free(x->rgroups[i].roles);
        free(x->rgroups[i].cand);
    }
    free(x->rgroups);
    free(x->role_start);
    for (int r = 0; r < x->in->nres; r++)
        free(x->holders[r].v);
    free(x->holders);
    free(x->limited);
    free(x->holder_pos);
    free(x->is_hotres);
    free(x->pt_c);
    free(x->pt_p);
    free(x->pcost);
    free(x->newc);
    free(x->phard);
    free(x->stamp);
    free(x->aff);
}

/* One search with its own seed, from construction to the time limit. */
static void solve_one(const struct xh_instance *in, const struct xh_options *o, uint64_t seed,
                      double t0, struct xh_solution *sol, struct xh_result *res)
{
    memset(res, 0, sizeof(*res));
    res->seconds_to_feasible = -1;
    memset(sol, 0, sizeof(*sol));
    struct xh_solution work = {0};
    struct xs x = {.in = in, .sol = &work, .rng = seed * 0x9E3779B97F4A7C15ULL + 1};
    index_points(&x);
    build_units(&x);
    xh_state_init(&x.st, in, &work);
    x.res_units = xcalloc((size_t)in->nres + 1, sizeof(struct ilist));
    for (int u = 0; u < x.nunits; u++) {
        const struct xh_meet *m = &work.meets[x.units[u].meets[0]];
        const struct xh_event *ev = &in->events[m->event];
        for (int k = 0; k < ev->neres; k++)
            if (ev->eres[k].res >= 0)
                ilist_push(&x.res_units[ev->eres[k].res], u);
    }
    build_roles(&x);
    build_role_groups(&x);
    x.holders = xcalloc((size_t)in->nres + 1, sizeof(struct ilist));
    x.limited = xcalloc((size_t)in->nres + 1, 1);
    for (int c = 0; c < in->ncons; c++)
        for (int p = 0; p < in->cons[c].npoints && in->cons[c].type == XH_LIMIT_WORKLOAD; p++)
            x.limited[in->cons[c].points[p].a] = 1;
    x.holder_pos = xcalloc((size_t)x.nroles + 1, sizeof(int));
    for (int i = 0; i < x.nroles; i++) {
        int r = work.meets[x.roles[i].meet].res[x.roles[i].k];
        if (r >= 0) {
            x.holder_pos[i] = x.holders[r].n;
            ilist_push(&x.holders[r], i);
        }
    }
    x.is_hotres = xcalloc((size_t)in->nres + 1, 1);
    force_busy(&x);
    x.chain = xmalloc((size_t)x.nunits * sizeof(int) + 1);
    x.side = xmalloc((size_t)x.nunits * sizeof(int) + 1);
    x.in_chain = xcalloc((size_t)x.nunits + 1, sizeof(int));
    x.hot = xmalloc((size_t)x.nunits * sizeof(int) + 1);
    x.chcap = 2 * work.nmeets + 16;
    x.ch = xmalloc((size_t)x.chcap * sizeof(*x.ch));
    x.base = xmalloc((size_t)x.chcap * sizeof(*x.base));
    x.base_units = xmalloc((size_t)x.chcap * sizeof(int));
    x.softres = xmalloc((size_t)in->nres * sizeof(int) + 1);
    x.is_softres = xcalloc((size_t)in->nres + 1, 1);
    x.cand = xmalloc((EJECT_PRICED + 1) * sizeof(int));
    x.unit_of_meet = xmalloc((size_t)work.nmeets * sizeof(int) + 1);
    for (int u = 0; u < x.nunits; u++)
        for (int i = 0; i < x.units[u].nmeets; i++)
            x.unit_of_meet[x.units[u].meets[i]] = u;
    x.is_hot = xcalloc((size_t)x.nunits + 1, 1);
    x.mroles = xmalloc(REMATCH_MAX * sizeof(int));
    x.mold = xmalloc(REMATCH_MAX * sizeof(int));
    x.mnew = xmalloc(REMATCH_MAX * sizeof(int));
    x.moff = xmalloc((REMATCH_MAX + 1) * sizeof(int));
    x.madj = xmalloc(REMATCH_MAX * ((size_t)in->nres + 1) * sizeof(int));
    x.mvis = xcalloc((size_t)in->nres + 1, sizeof(int));
    x.roomlike = xcalloc((size_t)x.nroles + 1, 1);
    for (int i = 0; i < x.nroles; i++) {
        x.roomlike[i] = 1;
        for (int j = 0; j < x.roles[i].ncand; j++)
            if (x.roles[i].cand[j] >= 0 && x.limited[x.roles[i].cand[j]])
                x.roomlike[i] = 0;
    }
    full_price(&x);
    construct(&x);

    struct best b = {0};
    b.time = xmalloc((size_t)work.nmeets * sizeof(int) + 1);
    b.dur = xmalloc((size_t)work.nmeets * sizeof(int) + 1);
    b.off = xmalloc((size_t)work.nmeets * sizeof(int) + 1);
    int total = 0;
    for (int m = 0; m < work.nmeets; m++) {
        b.off[m] = total;
        total += in->events[work.meets[m].event].neres;
    }
    b.res = xmalloc((size_t)total * sizeof(int) + 1);
    search(&x, o, res, &b, t0);
    {
        long h = x.hard, so = x.soft;
        full_price(&x);
        res->price_drift = labs(h - x.hard) + labs(so - x.soft);
    }

    /* the best timetable into sol */
    for (int c = 0; c < in->ncons; c++)
        free(x.st.forced[c]);
    free(x.st.forced);
    xh_state_free(&x.st);
    for (int m = 0; m < work.nmeets; m++) {
        if (b.dur[m] == 0)
            continue;
        struct xh_meet *mt = xh_solution_add(in, sol, work.meets[m].event, b.dur[m], b.time[m]);
        if (in->events[mt->event].neres > 0)
            memcpy(mt->res, b.res + b.off[m],
                   (size_t)in->events[mt->event].neres * sizeof(int));
    }
    xh_solution_free(&work);
    res->cost = xh_evaluate(in, sol, NULL);
    free(b.time);
    free(b.dur);
    free(b.off);
    free(b.res);
    xs_free(&x);
}

struct worker {
    const struct xh_instance *in;
    struct xh_options opt;
    uint64_t seed;
    double t0;
    struct xh_solution sol;
    struct xh_result res;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    solve_one(w->in, &w->opt, w->seed, w->t0, &w->sol, &w->res);
    return NULL;
}

static bool cost_better(struct xh_cost a, struct xh_cost b)
{
    return a.infeasibility < b.infeasibility ||
           (a.infeasibility == b.infeasibility && a.objective < b.objective);
}

int xh_solve(const struct xh_instance *in, struct xh_solution *sol,
             const struct xh_options *o, struct xh_result *res, char **error_r)
{
    *error_r = NULL;
    double t0 = time_mono_s();
    int n = o->threads >= 2 ? 2 : 1;
    struct worker w[2];
    pthread_t th[2];
    for (int i = 0; i < n; i++) {
        w[i] = (struct worker){.in = in, .opt = *o, .seed = o->seed + (uint64_t)i * 7919,
                               .t0 = t0};
        if (i > 0) /* one progress line per report, from the first search */
            w[i].opt.progress = NULL;
    }
    bool threaded = false;
    if (n == 2 && pthread_create(&th[1], NULL, worker_main, &w[1]) == 0)
        threaded = true;
    worker_main(&w[0]);
    if (threaded)
        pthread_join(th[1], NULL);
    else if (n == 2)
        worker_main(&w[1]);
    int best = n == 2 && cost_better(w[1].res.cost, w[0].res.cost) ? 1 : 0;
    *sol = w[best].sol;
    *res = w[best].res;
    if (n == 2) {
        struct worker *other = &w[1 - best];
        for (int k = 0; k < o->ncheckpoints; k++)
            if (cost_better(other->res.at_checkpoint[k], res->at_checkpoint[k]))
                res->at_checkpoint[k] = other->res.at_checkpoint[k];
        if (other->res.seconds_to_feasible >= 0 &&
            (res->seconds_to_feasible < 0 ||
             other->res.seconds_to_feasible < res->seconds_to_feasible))
            res->seconds_to_feasible = other->res.seconds_to_feasible;
        res->iterations += other->res.iterations;
        res->price_drift += other->res.price_drift;
        xh_solution_free(&other->sol);
    }
    res->seconds = time_mono_s() - t0;
    return 0;
}
