/*
 * The solver: a greedy construction followed by local search.
 *
 * What moves is a unit: a block, or the blocks a hard "same starting time"
 * constraint ties together. Each unit has a domain, the starts allowed by
 * the hard rules that depend on nothing else (the day's shape, pins,
 * allowed starts and slots, unavailability of its teachers and classes), so
 * the search never wastes time there.
 *
 * 1. Construction: units in order of difficulty (fewest starts, most
 *    periods), each at its cheapest start.
 * 2. Repair, while hard > 0: take a unit in conflict and price every start
 *    in its domain three ways: a plain move, a Kempe chain (the units that
 *    would clash at the new start swap into the old one, recursively) and
 *    an ejection (the units that would clash leave the timetable, to be
 *    placed by later steps). Take the cheapest; a start the unit just left
 *    is tabu for a few steps. Costs here use breakout weights: when no
 *    start improves, every hard violation present weighs one more and the
 *    unit stays, so the search climbs out of local minima instead of
 *    cycling (internal.h, tt_eval_bump_weights).
 * 3. Improvement, once hard = 0: late acceptance hill climbing (a move is
 *    taken when it is no worse than the cost of L steps ago) over random
 *    moves, Kempe chains, swaps of two units that share a teacher or class,
 *    and room changes. Half the steps move a unit in a soft violation (its
 *    own share: a block outside its preferred times, a pair too close for
 *    min days, a rule of its teacher or class), and some of those take the
 *    best start of the unit's domain by a plain move or a Kempe chain.
 *    When the improvement stalls, a kick (iterated local search) moves a
 *    few such units at random, clashes or not, and the repair removes the
 *    clashes, pricing the soft cost too; a kick whose repair fails goes
 *    back to the timetable before it, and kicks get rarer. Late acceptance
 *    has no temperature to tune against the clock, so a run is a function
 *    of the seed and the number of iterations.
 *
 * After FIRST_RESTART repair steps without a better timetable (then 1.5
 * times more each time), the search goes back to the best timetable with
 * fresh weights: repair runs have heavy tails, restarts cut them.
 *
 * The cost compared is hard * HARD_WEIGHT + soft. With two threads, each
 * searches from its own seed and the better result wins (ties: the first).
 */
#include "timetable/internal.h"
#include "timetable/rng.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"

#define HARD_WEIGHT 100000LL
/* Settings chosen by experiment on the UEIPAB instance and FET's official
   examples (bench/README.md): a short late-acceptance list converges fast
   on school-sized problems; a short tabu tenure plus breakout weights
   leave local minima without cycling. */
#define LAHC_LENGTH 50
#define TABU_BASE 2
#define TABU_RAND 4
/* steps without a better timetable before the repair restarts from the
   best one (then 1.5 times longer each time) */
#define FIRST_RESTART 5000
/* FET's method (fet_step): recursion depth and units one placement may
   push out; the repair switches to it after this many restarts */
#define FET_LEVELS 14
#define FET_PUSH 8
#define FET_AFTER_RESTARTS 6
/* Improvement: draws for a unit in a soft violation (improve_unit) */
#define SOFT_TRIES 8
/* percent of improvement steps on a unit in a soft violation that try
   all its starts (best_start) */
#define BEST_PCT 10
/* pairwise rules over at most this many blocks are checked pair by pair */
#define PAIR_SCAN 16
/* Kicks (iterated local search, kick): after max(KICK_AFTER_MIN,
   KICK_AFTER_UNITS x units) improvement steps without a better timetable,
   KICK_MIN + [0, KICK_RAND) units move at random; the repair gets
   KICK_REPAIR steps to remove the clashes (else back to the timetable before
   the kick, and the wait doubles); every KICK_BACK kicks without a
   better timetable the kick starts from the best one */
#define KICK_AFTER_MIN 5000
#define KICK_AFTER_MAX 100000000L
#define KICK_AFTER_UNITS 50
#define KICK_MIN 2
#define KICK_RAND 3
#define KICK_REPAIR 200
#define KICK_BACK 4

/* A placed block in a hard pairwise rule with a block of the unit being
   placed by FET's method. */
struct partner {
    int b, b2, y, len, len2;
    const struct tt_constraint *c;
};

struct prep {
    int nunits;
    int **ublocks;      /* blocks of each unit */
    int *nub;
    int *unit_of;       /* per block */
    int **dom;          /* allowed starts of each unit */
    int *ndom;
    uint64_t *udom;     /* [nunits * ndays] the same as masks */
    int *ulen;          /* longest block of each unit */
    int **rblocks;      /* per resource: blocks that occupy it (teachers, classes) */
    int *nrb;
    bool fet_ok;        /* every hard rule is one FET's method keeps */
};

static int find_root(int *parent, int x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* Whether block b may start at s under the hard rules that depend on b alone. */
static bool start_allowed(const struct tt_eval *ev, const uint64_t *hard_unavail, int b, int s)
{
    const struct tt_instance *inst = ev->inst;
    const struct tt_block *bl = &inst->blocks[b];
    if (!tt_start_fits(ev, b, s))
        return false;
    int d = s / ev->nper, p = s % ev->nper;
    if (bl->pin_day >= 0 && d != bl->pin_day)
        return false;
    if (bl->pin_period >= 0 && p != bl->pin_period)
        return false;
    uint64_t mask = tt_run_mask(bl->length, p);
    for (int i = 0; i < ev->nbres[b]; i++)
        if (hard_unavail[(size_t)ev->bres[b][i] * ev->ndays + d] & mask)
            return false;
    for (int i = 0; i < ev->nbcons[b]; i++) {
        const struct tt_constraint *c = &inst->constraints[ev->bcons[b][i]];
        if (!c->hard || !c->slots)
            continue;
        if (c->type == TT_BLOCK_STARTS && !((c->slots[d] >> p) & 1))
            return false;
        if (c->type == TT_BLOCK_SLOTS && (mask & ~c->slots[d]))
            return false;
    }
    return true;
}

static void prep_free(struct prep *pp, const struct tt_instance *inst)
{
    for (int u = 0; u < pp->nunits; u++) {
        free(pp->ublocks[u]);
        free(pp->dom[u]);
    }
    for (int r = 0; r < inst->nresources; r++)
        free(pp->rblocks[r]);
    free(pp->ublocks);
    free(pp->nub);
    free(pp->unit_of);
    free(pp->dom);
    free(pp->ndom);
    free(pp->udom);
    free(pp->ulen);
    free(pp->rblocks);
    free(pp->nrb);
    memset(pp, 0, sizeof(*pp));
}

/* Rooms open over the run of len periods from period p of day d. */
static int rooms_open(const struct tt_eval *ev, const uint64_t *hu, const bool *in_union, int d,
                      int p, int len)
{
    if (p + len > ev->nper)
        return 0;
    uint64_t mask = tt_run_mask(len, p);
    if (ev->inst->closed[d] & mask)
        return 0;
    int n = 0;
    for (int r = 0; r < ev->inst->nresources; r++)
        n += in_union[r] && !(hu[(size_t)r * ev->ndays + d] & mask);
    return n;
}

/* Adds block b, when it needs a room, to a group's room need: how many
   blocks, the shortest, and the rooms any of them may take. */
static void add_room_need(const struct tt_eval *ev, int b, int *need, int *minlen, bool *in_union)
{
    const struct tt_instance *inst = ev->inst;
    if (ev->nroom_ok[b] == 0 || !inst->lessons[inst->blocks[b].lesson].needs_room)
        return;
    (*need)++;
    if (inst->blocks[b].length < *minlen)
        *minlen = inst->blocks[b].length;
    for (int k = 0; k < ev->nroom_ok[b]; k++)
        in_union[ev->room_ok[b][k]] = true;
}

/* Starts that cannot hold enough rooms, removed from the units' domains
   (ban, per unit and day, a mask of periods): a hard same-start group
   needs as many open rooms at its start as it has blocks that need one;
   the blocks of a hard same-period constraint need as many (day, room)
   pairs at their common period. Exam files tie 171 exams to one hour
   that only one of the hours can seat; without this the search settles
   on the other hour and no single move can bring them all across. */
static void prune_by_rooms(const struct prep *pp, const struct tt_eval *ev, const uint64_t *hu,
                           uint64_t *ban)
{
    const struct tt_instance *inst = ev->inst;
    bool *in_union = xcalloc((size_t)inst->nresources + 1, sizeof(bool));
    /* same-start units */
    for (int u = 0; u < pp->nunits; u++) {
        int need = 0, minlen = TT_MAX_PERIODS;
        memset(in_union, 0, (size_t)inst->nresources * sizeof(bool));
        for (int i = 0; i < pp->nub[u]; i++)
            add_room_need(ev, pp->ublocks[u][i], &need, &minlen, in_union);
        if (need < 2)
            continue;
        for (int d = 0; d < ev->ndays; d++)
            for (int p = 0; p < ev->nper; p++)
                if (rooms_open(ev, hu, in_union, d, p, minlen) < need)
                    ban[(size_t)u * ev->ndays + d] |= (uint64_t)1 << p;
    }
    /* same-period constraints */
    for (int ci = 0; ci < inst->nconstraints; ci++) {
        const struct tt_constraint *c = &inst->constraints[ci];
        if (c->type != TT_SAME_PERIOD || !c->hard)
            continue;
        int need = 0, minlen = TT_MAX_PERIODS;
        memset(in_union, 0, (size_t)inst->nresources * sizeof(bool));
        for (int i = 0; i < c->nitems; i++)
            add_room_need(ev, c->items[i], &need, &minlen, in_union);
        if (need < 2)
            continue;
        for (int p = 0; p < ev->nper; p++) {
            int cap = 0;
            for (int d = 0; d < ev->ndays; d++)
                cap += rooms_open(ev, hu, in_union, d, p, minlen);
            if (cap >= need)
                continue;
            for (int i = 0; i < c->nitems; i++) {
                int u = pp->unit_of[c->items[i]];
                for (int d = 0; d < ev->ndays; d++)
                    ban[(size_t)u * ev->ndays + d] |= (uint64_t)1 << p;
            }
        }
    }
    free(in_union);
}

static void prep_init(struct prep *pp, const struct tt_eval *ev)
{
    const struct tt_instance *inst = ev->inst;
    int nb = inst->nblocks;
    memset(pp, 0, sizeof(*pp));

    /* units: blocks tied by hard same-start constraints */
    int *parent = xmalloc((size_t)(nb + 1) * sizeof(int));
    for (int b = 0; b < nb; b++)
        parent[b] = b;
    for (int ci = 0; ci < inst->nconstraints; ci++) {
        const struct tt_constraint *c = &inst->constraints[ci];
        if (c->type != TT_SAME_START || !c->hard)
            continue;
        for (int i = 1; i < c->nitems; i++) {
            int a = find_root(parent, c->items[0]), z = find_root(parent, c->items[i]);
            if (a != z)
                parent[z] = a;
        }
    }
    pp->unit_of = xmalloc((size_t)(nb + 1) * sizeof(int));
    int *unit_of_root = xmalloc((size_t)(nb + 1) * sizeof(int));
    for (int b = 0; b < nb; b++)
        unit_of_root[b] = -1;
    pp->ublocks = xcalloc((size_t)nb + 1, sizeof(int *));
    pp->nub = xcalloc((size_t)nb + 1, sizeof(int));
    for (int b = 0; b < nb; b++) {
        int r = find_root(parent, b);
        if (unit_of_root[r] < 0)
            unit_of_root[r] = pp->nunits++;
        int u = unit_of_root[r];
        pp->unit_of[b] = u;
        tt_push(&pp->ublocks[u], &pp->nub[u], b);
    }
    free(parent);
    free(unit_of_root);
    pp->ulen = xcalloc((size_t)pp->nunits + 1, sizeof(int));
    for (int u = 0; u < pp->nunits; u++)
        for (int i = 0; i < pp->nub[u]; i++)
            if (inst->blocks[pp->ublocks[u][i]].length > pp->ulen[u])
                pp->ulen[u] = inst->blocks[pp->ublocks[u][i]].length;

    /* hard unavailability of each resource */
    uint64_t *hu = xcalloc((size_t)inst->nresources * ev->ndays + 1, sizeof(uint64_t));
    for (int ci = 0; ci < inst->nconstraints; ci++) {
        const struct tt_constraint *c = &inst->constraints[ci];
        if (c->type == TT_UNAVAILABLE && c->hard && c->slots && c->resource >= 0)
            for (int d = 0; d < ev->ndays; d++)
                hu[(size_t)c->resource * ev->ndays + d] |= c->slots[d];
    }
    pp->dom = xcalloc((size_t)pp->nunits + 1, sizeof(int *));
    pp->ndom = xcalloc((size_t)pp->nunits + 1, sizeof(int));
    pp->udom = xcalloc((size_t)pp->nunits * ev->ndays + 1, sizeof(uint64_t));
    uint64_t *ban = xcalloc((size_t)pp->nunits * ev->ndays + 1, sizeof(uint64_t));
    prune_by_rooms(pp, ev, hu, ban);
    for (int u = 0; u < pp->nunits; u++) {
        for (int s = 0; s < ev->nslots; s++) {
            bool ok = !((ban[(size_t)u * ev->ndays + s / ev->nper] >> (s % ev->nper)) & 1);
            for (int i = 0; i < pp->nub[u] && ok; i++)
                ok = start_allowed(ev, hu, pp->ublocks[u][i], s);
            if (ok) {
                tt_push(&pp->dom[u], &pp->ndom[u], s);
                pp->udom[(size_t)u * ev->ndays + s / ev->nper] |= (uint64_t)1 << (s % ev->nper);
            }
        }
    }
    free(hu);
    free(ban);
    /* FET's method keeps clashes and pairwise rules itself; the rules
       that only narrow a unit's starts are in its domain */
    pp->fet_ok = true;
    for (int ci = 0; ci < inst->nconstraints; ci++) {
        enum tt_ctype t = inst->constraints[ci].type;
        if (inst->constraints[ci].hard && !tt_pairwise(t) && t != TT_SAME_START &&
            t != TT_UNAVAILABLE && t != TT_BLOCK_STARTS && t != TT_BLOCK_SLOTS &&
            t != TT_BLOCK_ROOMS)
            pp->fet_ok = false;
    }
    /* #17 virtual rooms: FET's method saves and restores the occupancy of
       a block's teachers, classes and room only, not of real rooms */
    if (tt_max_sets(inst) > 0)
        pp->fet_ok = false;
    pp->rblocks = xcalloc((size_t)inst->nresources + 1, sizeof(int *));
    pp->nrb = xcalloc((size_t)inst->nresources + 1, sizeof(int));
    for (int b = 0; b < nb; b++)
        for (int i = 0; i < ev->nbres[b]; i++)
            tt_push(&pp->rblocks[ev->bres[b][i]], &pp->nrb[ev->bres[b][i]], b);
}

/* --- Diagnosis ------------------------------------------------------ */

static const char *res_kind_word(enum tt_kind k, enum tt_lang lang)
{
    static const char *const es[] = {"El docente", "La sección", "El aula"};
    static const char *const en[] = {"Teacher", "Class", "Room"};
    return lang == TT_ES ? es[k] : en[k];
}

static void describe_block(struct strbuf *sb, const struct tt_instance *inst, int b,
                           enum tt_lang lang)
{
    const struct tt_block *bl = &inst->blocks[b];
    const struct tt_lesson *l = &inst->lessons[bl->lesson];
    strbuf_addf(sb, "%s %d", lang == TT_ES ? "el bloque de" : "the block of", bl->length);
    strbuf_adds(sb, lang == TT_ES ? " período(s) de «" : " period(s) of «");
    strbuf_adds(sb, l->subject >= 0 ? inst->subjects[l->subject] : "?");
    strbuf_adds(sb, "»");
    for (int i = 0; i < l->nclasses && i < 3; i++)
        strbuf_addf(sb, "%s%s", i ? ", " : " (", inst->resources[l->classes[i]].name);
    for (int i = 0; i < l->nteachers && i < 3; i++)
        strbuf_addf(sb, "%s%s", (i || l->nclasses) ? ", " : " (",
                    inst->resources[l->teachers[i]].name);
    if (l->nclasses || l->nteachers)
        strbuf_adds(sb, ")");
    if (bl->ext_id)
        strbuf_addf(sb, " [id %ld]", bl->ext_id);
}

int tt_diagnose(const struct tt_instance *inst, enum tt_lang lang, char **text_r)
{
    struct strbuf sb;
    strbuf_init(&sb);
    int problems = 0;
    struct tt_eval *ev = tt_eval_new(inst, NULL);
    struct prep pp;
    prep_init(&pp, ev);
    const int max_listed = 20;
#define NOTE_START()                                                                     \
    do {                                                                                 \
        if (++problems <= max_listed)                                                    \
            strbuf_adds(&sb, "- ");                                                      \
    } while (0)

    /* 1. resources with more periods than free slots */
    int *load = xcalloc((size_t)inst->nresources + 1, sizeof(int));
    for (int b = 0; b < inst->nblocks; b++)
        for (int i = 0; i < ev->nbres[b]; i++)
            load[ev->bres[b][i]] += inst->blocks[b].length;
    for (int r = 0; r < inst->nresources; r++) {
        if (inst->resources[r].kind == TT_ROOM || load[r] == 0)
            continue;
        int free_slots = 0;
        for (int d = 0; d < ev->ndays; d++) {
            uint64_t blocked = ev->ignore[(size_t)r * ev->ndays + d];
            free_slots += ev->nper - tt_popcount(blocked & (ev->nper == 64 ? ~(uint64_t)0
                                                                             : (((uint64_t)1 << ev->nper) - 1)));
        }
        if (load[r] > free_slots) {
            NOTE_START();
            if (problems <= max_listed) {
                if (lang == TT_ES)
                    strbuf_addf(&sb, "%s «%s» tiene %d períodos de clase pero solo %d períodos disponibles en la semana.\n",
                                res_kind_word(inst->resources[r].kind, lang),
                                inst->resources[r].name, load[r], free_slots);
                else
                    strbuf_addf(&sb, "%s «%s» has %d lesson periods but only %d available periods in the week.\n",
                                res_kind_word(inst->resources[r].kind, lang),
                                inst->resources[r].name, load[r], free_slots);
            }
        }
    }
    free(load);

    /* 2. units with no possible start, blocks with no possible room */
    for (int u = 0; u < pp.nunits; u++) {
        if (pp.ndom[u] > 0)
            continue;
        NOTE_START();
        if (problems <= max_listed) {
            describe_block(&sb, inst, pp.ublocks[u][0], lang);
            if (lang == TT_ES)
                strbuf_adds(&sb, pp.nub[u] > 1
                                     ? ": no hay ningún inicio posible para él y las clases que deben empezar a la misma hora (fijaciones, indisponibilidad, recreos, franjas permitidas o aulas libres).\n"
                                     : ": no hay ningún inicio posible (fijaciones, indisponibilidad de docentes o secciones, recreos, franjas permitidas o aulas libres).\n");
            else
                strbuf_adds(&sb, pp.nub[u] > 1
                                     ? ": no start is possible for it and the lessons that must start with it (pins, unavailability, breaks, allowed times or free rooms).\n"
                                     : ": no start is possible (pins, unavailability of teachers or classes, breaks, allowed times or free rooms).\n");
        }
    }
    for (int b = 0; b < inst->nblocks; b++) {
        if (!inst->lessons[inst->blocks[b].lesson].needs_room || ev->nroom_ok[b] > 0)
            continue;
        NOTE_START();
        if (problems <= max_listed) {
            describe_block(&sb, inst, b, lang);
            strbuf_adds(&sb, lang == TT_ES
                                 ? ": ningún aula cumple lo pedido (aulas permitidas, tipo o capacidad).\n"
                                 : ": no room meets its requirements (allowed rooms, type or capacity).\n");
        }
    }
    /* 3. lessons with more blocks than days while they must be on different days */
    for (int ci = 0; ci < inst->nconstraints; ci++) {
        const struct tt_constraint *c = &inst->constraints[ci];
        if (c->type != TT_MIN_DAYS || !c->hard || c->n < 1)
            continue;
        int need_days = (c->nitems - 1) * c->n + 1;
        if (need_days <= ev->ndays)
            continue;
        NOTE_START();
        if (problems <= max_listed) {
            if (lang == TT_ES)
                strbuf_addf(&sb, "%d bloques deben quedar a %d día(s) de distancia entre sí, pero la semana tiene %d días (",
                            c->nitems, c->n, ev->ndays);
            else
                strbuf_addf(&sb, "%d blocks must be %d day(s) apart, but the week has %d days (",
                            c->nitems, c->n, ev->ndays);
            describe_block(&sb, inst, c->items[0], lang);
            strbuf_adds(&sb, ").\n");
        }
    }
#undef NOTE_START
    if (problems > max_listed)
        strbuf_addf(&sb, lang == TT_ES ? "... y %d problemas más.\n" : "... and %d more problems.\n",
                    problems - max_listed);
    prep_free(&pp, inst);
    tt_eval_free(&ev);
    *text_r = strbuf_steal(&sb);
    return problems;
}

/* --- Search --------------------------------------------------------- */

struct shared {
    const struct tt_instance *inst;
    const struct tt_options *opt;
    double t0;
    pthread_mutex_t lock;
    struct tt_cost best;
    long iterations;
    volatile int stop;
    bool cancelled;
    double t_feasible;
};

struct search {
    struct shared *sh;
    const struct prep *pp;
    struct tt_eval *ev;
    uint64_t rng;
    struct tt_solution *best;
    struct tt_solution *kick_save; /* the timetable before the last kick */
    struct tt_cost best_cost;
    long iter;
    int *tabu;            /* [nunits * nslots] iteration until which a start is tabu */
    int *visit;           /* per unit: == visit_stamp when pushed in this attempt */
    int *rank;            /* per unit: place in the construction order */
    int *tried;           /* [nunits * nslots] times a unit was pushed out of a start */
    int *tabu_u, *tabu_s; /* circular list of the last pushes (FET's) */
    int tabu_n, tabu_at;
    int *lvl;             /* [FET_LEVELS * (2 + FET_PUSH) * nslots] per level */
    int *lvl_idx;         /* [FET_LEVELS * nslots] */
    int *vstack;          /* units marked pushed, to unmark on undo */
    int vn;
    long fcalls, fcalls_max;
    bool fet_mode;        /* the repair has switched to FET's method */
    struct partner *part; /* of the unit being placed */
    int npart, partcap;
    /* the partners sorted by day (build_partners): for each day, entries
       (partner index << 1 | always); always = broken by every start that
       day, otherwise priced per start */
    int *pday;            /* [ndays * partcap] */
    int *npday;           /* [ndays] */
    unsigned *umark;      /* per unit: == ustamp when listed already */
    unsigned ustamp;
    unsigned *dmark;      /* the same for day_partners */
    unsigned dstamp;
    int *owner;           /* [nres * nslots] a cache: the block last found
                             alone in a slot the evaluator marks unknown */
    int **occp, *occv;    /* fet_occ_save: evaluator marks to restore */
    int occn, occcap;
    unsigned *rchk;       /* per resource: stamp << 1 | res_rule_broken's answer */
    unsigned rstamp;
    int restarts;
    int visit_stamp;
    /* journal of the moves of one compound move, for undo */
    int *jb, *js, *jr;
    int *jreal;            /* #17 virtual rooms: real rooms, nreal per entry */
    int jn, jcap;
    /* Kempe chain work space */
    int *mark;            /* per unit: 1 moves to t2, 2 moves to t1 */
    int *chain;
    int nchain;
    long long *hist;      /* late acceptance history */
    double t_feasible;
    int id;
};

static inline long long scalar(struct tt_cost c)
{
    return c.hard * HARD_WEIGHT + c.soft;
}

/* The repair search's cost: hard violations under their breakout weights. */
static inline long long wscalar(const struct tt_eval *ev)
{
    return ev->whard * HARD_WEIGHT + ev->soft;
}

static bool cost_less(struct tt_cost a, struct tt_cost b)
{
    return a.hard < b.hard || (a.hard == b.hard && a.soft < b.soft);
}

/* Is room free over block b's periods starting at s? (b is not placed) */
static bool room_free(const struct tt_eval *ev, int room, int s, int len)
{
    const uint16_t *cnt = ev->cnt + (size_t)room * ev->nslots + s;
    for (int i = 0; i < len; i++)
        if (cnt[i])
            return false;
    /* nor closed or unavailable then */
    uint64_t mask = tt_run_mask(len, s % ev->nper);
    return !(ev->ignore[(size_t)room * ev->ndays + s / ev->nper] & mask);
}

/* #17 virtual rooms: a virtual room is usable when open and a free real
   room is left for each of its sets */
static bool room_usable(const struct tt_eval *ev, int b, int room, int s, int len)
{
    if (ev->sol->real && tt_is_virtual(ev->inst, room))
        return tt_vroom_open(ev, b, room, s);
    return room_free(ev, room, s, len);
}

static int pick_room(struct search *se, int b, int s)
{
    const struct tt_eval *ev = se->ev;
    int n = ev->nroom_ok[b];
    if (n == 0)
        return -1;
    if (ev->room_rule && ev->room_rule[b]) /* #17 rooms: priced choice (rooms.c) */
        return tt_rooms_pick(se->ev, b, s, rng_below(&se->rng, n));
    int len = ev->inst->blocks[b].length;
    int cur = ev->sol->room[b];
    if (cur >= 0 && room_usable(ev, b, cur, s, len)) {
        for (int i = 0; i < n; i++)
            if (ev->room_ok[b][i] == cur)
                return cur;
    }
    int off = rng_below(&se->rng, n);
    for (int i = 0; i < n; i++) {
        int room = ev->room_ok[b][(off + i) % n];
        if (room_usable(ev, b, room, s, len))
            return room;
    }
    /* no free room: a lesson that needs one takes a busy one (a clash the
       repair will see); one that only prefers a room goes without */
    if (!ev->inst->lessons[ev->inst->blocks[b].lesson].needs_room)
        return -1;
    return ev->room_ok[b][off];
}

/* Every move of a compound move goes through the journal so that it can be
   undone exactly. */
static struct tt_cost jmove(struct search *se, int b, int s, int room)
{
    if (se->jn == se->jcap) {
        se->jcap = se->jcap ? se->jcap * 2 : 64;
        se->jb = xrealloc(se->jb, (size_t)se->jcap * sizeof(int));
        se->js = xrealloc(se->js, (size_t)se->jcap * sizeof(int));
        se->jr = xrealloc(se->jr, (size_t)se->jcap * sizeof(int));
        if (se->ev->sol->nreal > 0) /* #17 virtual rooms */
            se->jreal = xrealloc(se->jreal, (size_t)se->jcap * (size_t)se->ev->sol->nreal *
                                                sizeof(int));
    }
    se->jb[se->jn] = b;
    se->js[se->jn] = se->ev->sol->start[b];
    se->jr[se->jn] = se->ev->sol->room[b];
    int nreal = se->ev->sol->nreal;
    if (nreal > 0)
        memcpy(se->jreal + (size_t)se->jn * nreal, se->ev->sol->real + (size_t)b * nreal,
               (size_t)nreal * sizeof(int));
    se->jn++;
    return tt_eval_move(se->ev, b, s, room);
}

static void jundo_to(struct search *se, int mark)
{
    int nreal = se->ev->sol->nreal;
    while (se->jn > mark) {
        se->jn--;
        tt_eval_move_real(se->ev, se->jb[se->jn], se->js[se->jn], se->jr[se->jn],
                          nreal > 0 ? se->jreal + (size_t)se->jn * nreal : NULL);
    }
}

static void jundo(struct search *se)
{
    jundo_to(se, 0);
}

/* Lifts unit u out of the timetable (its rooms are kept for later). */
static void unit_lift(struct search *se, int u)
{
    const struct prep *pp = se->pp;
    for (int i = 0; i < pp->nub[u]; i++) {
        int b = pp->ublocks[u][i];
        if (se->ev->sol->start[b] >= 0)
            jmove(se, b, -1, se->ev->sol->room[b]);
    }
}

/* Places a lifted unit u at start s, choosing rooms. */
static struct tt_cost unit_place(struct search *se, int u, int s)
{
    const struct prep *pp = se->pp;
    struct tt_cost c = tt_eval_cost(se->ev);
    for (int i = 0; i < pp->nub[u]; i++) {
        int b = pp->ublocks[u][i];
        c = jmove(se, b, s, se->ev->nroom_ok[b] > 0 ? pick_room(se, b, s) : -1);
    }
    return c;
}

static struct tt_cost unit_move(struct search *se, int u, int s)
{
    const struct prep *pp = se->pp;
    bool rooms = false;
    for (int i = 0; i < pp->nub[u] && !rooms; i++)
        rooms = se->ev->nroom_ok[pp->ublocks[u][i]] > 0;
    if (!rooms && pp->nub[u] == 1) {
        /* the common case: one block, no room to choose */
        return jmove(se, pp->ublocks[u][0], s, -1);
    }
    unit_lift(se, u);
    return unit_place(se, u, s);
}

static int unit_start(const struct search *se, int u)
{
    return se->ev->sol->start[se->pp->ublocks[u][0]];
}

static int unit_length(const struct search *se, int u)
{
    return se->pp->ulen[u];
}

static bool unit_allows(const struct search *se, int u, int s)
{
    int nd = se->ev->ndays, np = se->ev->nper;
    return (se->pp->udom[(size_t)u * nd + s / np] >> (s % np)) & 1;
}

static int slot_owner(struct search *se, int r, int t);

/* The blocks of resource r (teacher or class) over the slots [s, s + len)
   of one day, in block order, as a scan of rblocks[r] finds them: from the
   evaluator's occupant of each slot (occ), or slot_owner where it is marked
   unknown. With slot_order, in slot order instead when every occupant is
   known (the order unit_conflicts has always used). Their count, or -1
   when a slot holds two or more blocks (a clash: the caller scans
   rblocks[r]). */
static int window_blocks(struct search *se, int r, int s, int len, int *found, bool slot_order)
{
    const struct tt_eval *ev = se->ev;
    int p = s % ev->nper;
    if (p + len > ev->nper)
        len = ev->nper - p;
    const uint16_t *cnt = ev->cnt + (size_t)r * ev->nslots + s;
    const int *occ = ev->occ + (size_t)r * ev->nslots + s;
    int nf = 0;
    bool sorted = true;
    for (int k = 0; k < len; k++) {
        if (cnt[k] == 0)
            continue;
        if (cnt[k] > 1)
            return -1;
        slot_order &= occ[k] >= 0;
        int b2 = occ[k] >= 0 ? occ[k] : slot_owner(se, r, s + k);
        if (b2 < 0)
            return -1;
        if (nf > 0 && found[nf - 1] == b2)
            continue;
        sorted &= nf == 0 || found[nf - 1] < b2;
        found[nf++] = b2;
    }
    if (!sorted && !slot_order) {
        for (int a = 1; a < nf; a++) {
            int v = found[a], z = a - 1;
            while (z >= 0 && found[z] > v) {
                found[z + 1] = found[z];
                z--;
            }
            found[z + 1] = v;
        }
    }
    return nf;
}

/* Builds the Kempe chain that moves unit u from its start t1 to t2: the
   units that share a teacher or class with a unit arriving at t2 and sit
   there move to t1, and so on, until nothing more clashes. Only units of
   the same length starting exactly at t1 or t2 may join; anything else
   (or a chain over 64 units) gives up. Returns the chain length, 0 when
   impossible. */
static int kempe_build(struct search *se, int u, int t2)
{
    const struct prep *pp = se->pp;
    const struct tt_eval *ev = se->ev;
    int t1 = unit_start(se, u);
    int len = unit_length(se, u);
    if (t1 < 0 || t1 == t2)
        return 0;
    if (t1 / ev->nper == t2 / ev->nper && (t1 < t2 ? t2 - t1 : t1 - t2) < len)
        return 0;
    se->nchain = 0;
    se->chain[se->nchain++] = u;
    se->mark[u] = 1;
    bool ok = true;
    for (int k = 0; k < se->nchain && ok; k++) {
        int x = se->chain[k];
        int to = se->mark[x] == 1 ? t2 : t1;
        int from_other = se->mark[x] == 1 ? 2 : 1;
        for (int i = 0; i < pp->nub[x] && ok; i++) {
            int b = pp->ublocks[x][i];
            for (int j = 0; j < ev->nbres[b] && ok; j++) {
                int r = ev->bres[b][j];
                /* skip resources free over the arrival window */
                int tp = to % ev->nper;
                if (!(ev->busy[(size_t)r * ev->ndays + to / ev->nper] &
                      tt_run_mask(tp + len > ev->nper ? ev->nper - tp : len, tp)))
                    continue;
                int found[TT_MAX_PERIODS];
                int nf = window_blocks(se, r, to, len, found, false);
                int nq = nf >= 0 ? nf : pp->nrb[r];
                for (int q = 0; q < nq && ok; q++) {
                    int b2 = nf >= 0 ? found[q] : pp->rblocks[r][q];
                    int y = pp->unit_of[b2];
                    if (se->mark[y])
                        continue;
                    int s2 = ev->sol->start[b2];
                    /* placed blocks never cross a day's end, so slot
                       numbers alone tell whether they overlap */
                    if (s2 < 0 || s2 >= to + len || s2 + ev->inst->blocks[b2].length <= to)
                        continue; /* no overlap with the arrival */
                    if (s2 != to || unit_length(se, y) != len || unit_start(se, y) != to ||
                        !unit_allows(se, y, to == t2 ? t1 : t2) || se->nchain >= 64) {
                        ok = false;
                        break;
                    }
                    se->mark[y] = from_other;
                    se->chain[se->nchain++] = y;
                }
            }
        }
    }
    if (!ok) {
        for (int k = 0; k < se->nchain; k++)
            se->mark[se->chain[k]] = 0;
        return 0;
    }
    return se->nchain;
}

/* Applies the chain kempe_build made (through the journal). */
static struct tt_cost kempe_apply(struct search *se, int t1, int t2)
{
    for (int k = 0; k < se->nchain; k++)
        unit_lift(se, se->chain[k]);
    struct tt_cost c = tt_eval_cost(se->ev);
    for (int k = 0; k < se->nchain; k++) {
        int x = se->chain[k];
        c = unit_place(se, x, se->mark[x] == 1 ? t2 : t1);
    }
    for (int k = 0; k < se->nchain; k++)
        se->mark[se->chain[k]] = 0;
    return c;
}

/* Tries the Kempe move of u to t2: cost, or hard = -1 when impossible.
   The move stays applied (journal) for the caller to keep or undo. */
static struct tt_cost kempe_move(struct search *se, int u, int t2)
{
    int t1 = unit_start(se, u);
    if (kempe_build(se, u, t2) < 2)
    {
        for (int k = 0; k < se->nchain; k++)
            se->mark[se->chain[k]] = 0;
        se->nchain = 0;
        return (struct tt_cost){-1, 0};
    }
    return kempe_apply(se, t1, t2);
}

/* Ejection: unit u goes to s and the units that would clash with it there
   (sharing a teacher or class) leave the timetable, to be placed again
   by later repair steps. */
static struct tt_cost eject_move(struct search *se, int u, int s)
{
    const struct prep *pp = se->pp;
    const struct tt_eval *ev = se->ev;
    int len = unit_length(se, u);
    int n = 0;
    for (int i = 0; i < pp->nub[u]; i++) {
        int b = pp->ublocks[u][i];
        for (int j = 0; j < ev->nbres[b]; j++) {
            int r = ev->bres[b][j];
            int p = s % ev->nper;
            if (!(ev->busy[(size_t)r * ev->ndays + s / ev->nper] &
                  tt_run_mask(p + len > ev->nper ? ev->nper - p : len, p)))
                continue;
            int found[TT_MAX_PERIODS];
            int nf = window_blocks(se, r, s, len, found, false);
            int nq = nf >= 0 ? nf : pp->nrb[r];
            for (int q = 0; q < nq; q++) {
                int b2 = nf >= 0 ? found[q] : pp->rblocks[r][q];
                int y = pp->unit_of[b2];
                int s2 = ev->sol->start[b2];
                if (y == u || s2 < 0 || s2 >= s + len || s2 + ev->inst->blocks[b2].length <= s)
                    continue;
                unit_lift(se, y);
                n++;
            }
        }
    }
    if (n == 0)
        return (struct tt_cost){-1, 0};
    return unit_move(se, u, s);
}

/* Does resource r carry a broken hard resource rule? With `cached`,
   answered once per stamp (se->rstamp: one scan of conflicting_unit, in
   which nothing moves). */
static bool res_rule_broken(struct search *se, int r, bool cached)
{
    const struct tt_eval *ev = se->ev;
    if (cached && se->rchk[r] >> 1 == se->rstamp)
        return se->rchk[r] & 1;
    bool bad = false;
    for (int i = 0; i < ev->nrcons[r] && !bad; i++) {
        int ci = ev->rcons[r][i];
        bad = ev->inst->constraints[ci].hard && ev->units[ci] > 0;
    }
    if (cached)
        se->rchk[r] = se->rstamp << 1 | (unsigned)bad;
    return bad;
}

/* Does block b take part in a hard violation? (cached: res_rule_broken) */
static bool block_in_conflict(struct search *se, int b, bool cached)
{
    const struct tt_eval *ev = se->ev;
    const struct tt_instance *inst = ev->inst;
    if (ev->builtin[b] > 0)
        return true;
    int s = ev->sol->start[b];
    if (s < 0)
        return true;
    int len = inst->blocks[b].length;
    int room = ev->sol->room[b];
    /* #17 virtual rooms: the real rooms, not the virtual one, clash */
    int rl[TT_MAX_SETS + 1], nroom = 0;
    if (ev->sol->real && tt_is_virtual(inst, room)) {
        const int *real = ev->sol->real + (size_t)b * ev->sol->nreal;
        for (int k = 0; k < inst->resources[room].nsets; k++)
            if (real[k] >= 0)
                rl[nroom++] = real[k];
    } else if (room >= 0) {
        rl[nroom++] = room;
    }
    int nr = ev->nbres[b] + nroom;
    for (int k = 0; k < nr; k++) {
        int r = k < ev->nbres[b] ? ev->bres[b][k] : rl[k - ev->nbres[b]];
        const uint16_t *cnt = ev->cnt + (size_t)r * ev->nslots + s;
        for (int i = 0; i < len && s % ev->nper + i < ev->nper; i++)
            if (cnt[i] > 1)
                return true;
        if (res_rule_broken(se, r, cached))
            return true;
    }
    for (int i = 0; i < ev->nbcons[b]; i++) {
        int ci = ev->bcons[b][i];
        const struct tt_constraint *c = &inst->constraints[ci];
        if (!c->hard || ev->units[ci] == 0)
            continue;
        /* in a same start/day/period constraint only the blocks away from
           the common value are the problem (exam files tie 171 together) */
        if (c->type == TT_SAME_START || c->type == TT_SAME_DAY || c->type == TT_SAME_PERIOD) {
            int v = c->type == TT_SAME_START ? s : c->type == TT_SAME_DAY ? s / ev->nper
                                                                         : s % ev->nper;
            if (v == ev->cmode[ci])
                continue;
        }
        return true;
    }
    return false;
}

static void note_best(struct search *se, struct tt_cost c)
{
    if (!cost_less(c, se->best_cost))
        return;
    se->best_cost = c;
    tt_solution_copy(se->best, se->ev->sol);
    if (c.hard == 0 && se->t_feasible < 0)
        se->t_feasible = time_mono_s() - se->sh->t0;
    struct shared *sh = se->sh;
    pthread_mutex_lock(&sh->lock);
    if (cost_less(c, sh->best))
        sh->best = c;
    if (c.hard == 0 && (sh->t_feasible < 0 || se->t_feasible < sh->t_feasible))
        sh->t_feasible = se->t_feasible;
    pthread_mutex_unlock(&sh->lock);
}

/* Greedy construction: hardest units first, each at its cheapest start. */
static void construct(struct search *se)
{
    const struct prep *pp = se->pp;
    const struct tt_instance *inst = se->ev->inst;
    int n = pp->nunits;
    int *order = xmalloc((size_t)(n + 1) * sizeof(int));
    long *key = xmalloc((size_t)(n + 1) * sizeof(long));
    for (int u = 0; u < n; u++) {
        order[u] = u;
        int periods = 0, res = 0;
        for (int i = 0; i < pp->nub[u]; i++) {
            int b = pp->ublocks[u][i];
            periods += inst->blocks[b].length;
            res += se->ev->nbres[b];
        }
        /* few starts first, then long and crowded units; random tie-break */
        key[u] = (long)pp->ndom[u] * 100000 - (long)periods * 1000 - res * 10 -
                 rng_below(&se->rng, 10);
    }
    for (int i = 1; i < n; i++) { /* insertion sort is fine at these sizes */
        int u = order[i];
        int j = i - 1;
        while (j >= 0 && key[order[j]] > key[u]) {
            order[j + 1] = order[j];
            j--;
        }
        order[j + 1] = u;
    }
    for (int k = 0; k < n; k++)
        se->rank[order[k]] = k;
    for (int k = 0; k < n; k++) {
        int u = order[k];
        if (pp->ndom[u] == 0 || unit_start(se, u) >= 0)
            continue;
        long long best = -1;
        int best_s = -1, ties = 0;
        for (int i = 0; i < pp->ndom[u]; i++) {
            int s = pp->dom[u][i];
            se->jn = 0;
            long long f = scalar(unit_move(se, u, s));
            jundo(se);
            if (best < 0 || f < best) {
                best = f;
                best_s = s;
                ties = 1;
            } else if (f == best && rng_below(&se->rng, ++ties) == 0) {
                best_s = s;
            }
        }
        se->jn = 0;
        unit_move(se, u, best_s);
        se->jn = 0;
    }
    free(order);
    free(key);
}

static bool should_stop(struct search *se)
{
    struct shared *sh = se->sh;
    const struct tt_options *opt = sh->opt;
    if (sh->stop)
        return true;
    if (opt->max_iterations > 0 && se->iter >= opt->max_iterations)
        return true;
    if ((se->iter & 63) != 0)
        return false;
    if (opt->cancel && *opt->cancel) {
        sh->cancelled = true;
        sh->stop = 1;
        return true;
    }
    if (opt->max_iterations <= 0 && opt->time_limit > 0 &&
        time_mono_s() - sh->t0 >= opt->time_limit) {
        sh->stop = 1;
        return true;
    }
    return false;
}

/* A unit that takes part in a hard violation, or -1: scanned from a
   random place so that every conflict gets its turn. */
static int conflicting_unit(struct search *se)
{
    const struct prep *pp = se->pp;
    int n = pp->nunits;
    int off = rng_below(&se->rng, n);
    if (++se->rstamp >= 1u << 30) {
        memset(se->rchk, 0, ((size_t)se->ev->nres + 1) * sizeof(unsigned));
        se->rstamp = 1;
    }
    for (int k = 0; k < n; k++) {
        int cand = off + k < n ? off + k : off + k - n;
        if (pp->ndom[cand] == 0 || (pp->ndom[cand] == 1 && unit_start(se, cand) >= 0))
            continue;
        for (int i = 0; i < pp->nub[cand]; i++)
            if (block_in_conflict(se, pp->ublocks[cand][i], true))
                return cand;
    }
    return -1;
}

/* Keeps (s, kind) priced f when it is the cheapest so far (best < 0: none
   yet); among equals, each has the same chance (reservoir sampling). */
static void best_pick(struct search *se, long long *best, int *best_s, int *best_kind,
                      int *ties, long long f, int s, int kind)
{
    if (*best < 0 || f < *best) {
        *best = f;
        *best_s = s;
        *best_kind = kind;
        *ties = 1;
    } else if (f == *best && rng_below(&se->rng, ++*ties) == 0) {
        *best_s = s;
        *best_kind = kind;
    }
}

/* One repair step: a unit in conflict goes to the best start it can reach
   by a plain move or a Kempe chain, avoiding recently left starts. */
static void repair_step(struct search *se)
{
    const struct prep *pp = se->pp;
    int u = conflicting_unit(se);
    if (u < 0)
        u = rng_below(&se->rng, pp->nunits);
    if (pp->ndom[u] == 0)
        return;
    int cur = unit_start(se, u);
    long long best = -1, now = wscalar(se->ev);
    int best_s = -1, best_kind = 0, ties = 0;
    for (int i = 0; i < pp->ndom[u]; i++) {
        int s = pp->dom[u][i];
        if (s == cur)
            continue;
        bool tabu = se->tabu[(size_t)u * se->ev->nslots + s] > se->iter;
        for (int kind = 0; kind < 3; kind++) {
            se->jn = 0;
            struct tt_cost c = kind == 0   ? unit_move(se, u, s)
                               : kind == 1 ? kempe_move(se, u, s)
                                           : eject_move(se, u, s);
            long long f = wscalar(se->ev);
            jundo(se);
            if (c.hard < 0)
                continue;
            /* a tabu start is taken only when it beats the best ever */
            if (tabu && !cost_less(c, se->best_cost))
                continue;
            best_pick(se, &best, &best_s, &best_kind, &ties, f, s, kind);
        }
    }
    /* no step improves: a local minimum; weigh what is violated here more
       so that the search leaves it (the breakout method) */
    /* No step improves: a local minimum. Weigh what is violated here more
       and stay (the breakout method): the next steps see a landscape in
       which leaving is an improvement. */
    if (best < 0 || best >= now) {
        tt_eval_bump_weights(se->ev);
        if (best < 0 || best > now)
            return;
    }
    if (best_s < 0)
        return;
    if (cur >= 0)
        se->tabu[(size_t)u * se->ev->nslots + cur] = (int)(se->iter + TABU_BASE + rng_below(&se->rng, TABU_RAND));
    se->jn = 0;
    struct tt_cost c = best_kind == 0   ? unit_move(se, u, best_s)
                       : best_kind == 1 ? kempe_move(se, u, best_s)
                                        : eject_move(se, u, best_s);
    se->jn = 0;
    note_best(se, c);
}

/* --- Placement by recursive pushing (FET's method) -------------------- */

/* A fresh stamp for se->umark (cleared when the counter wraps). */
static void next_ustamp(struct search *se)
{
    if (++se->ustamp == 0) {
        memset(se->umark, 0, ((size_t)se->pp->nunits + 1) * sizeof(unsigned));
        se->ustamp = 1;
    }
}

/* The placed partners of unit u's blocks in hard pairwise rules. */
static void build_partners(struct search *se, int u)
{
    const struct prep *pp = se->pp;
    const struct tt_eval *ev = se->ev;
    se->npart = 0;
    for (int i = 0; i < pp->nub[u]; i++) {
        int b = pp->ublocks[u][i];
        for (int j = 0; j < ev->nbcons[b]; j++) {
            const struct tt_constraint *c = &ev->inst->constraints[ev->bcons[b][j]];
            if (!c->hard || !tt_pairwise(c->type))
                continue;
            int ci = ev->bcons[b][j];
            for (int q = 0; q < ev->nci[ci]; q++) {
                int b2 = ev->citems[ci][q];
                if (pp->unit_of[b2] == u || ev->sol->start[b2] < 0)
                    continue;
                if (se->npart == se->partcap) {
                    se->partcap = se->partcap ? 2 * se->partcap : 64;
                    se->part = xrealloc(se->part, (size_t)se->partcap * sizeof(*se->part));
                }
                se->part[se->npart++] = (struct partner){b, b2, pp->unit_of[b2],
                                                         ev->inst->blocks[b].length,
                                                         ev->inst->blocks[b2].length, c};
            }
        }
    }
    /* Per day of the start, which partners clash: min days depend only on
       the day (same day: broken for n >= 1), not overlapping and min gap
       only matter on the partner's day; any other pairwise rule is priced
       per start. A unit listed as always broken once a day needs no second
       entry that day: unit_conflicts lists each unit once. */
    se->pday = xrealloc(se->pday, ((size_t)ev->ndays * se->partcap + 1) * sizeof(int));
    for (int d = 0; d < ev->ndays; d++)
        se->npday[d] = -1; /* day_partners lists a day when first needed */
}

/* The list of build_partners for day d (made on first use). */
static const int *day_partners(struct search *se, int d, int *n_r)
{
    const struct tt_eval *ev = se->ev;
    int *list = se->pday + (size_t)d * se->partcap;
    if (se->npday[d] < 0) {
        int n = 0;
        if (++se->dstamp == 0) {
            memset(se->dmark, 0, ((size_t)se->pp->nunits + 1) * sizeof(unsigned));
            se->dstamp = 1;
        }
        for (int i = 0; i < se->npart; i++) {
            const struct partner *pa = &se->part[i];
            int dj = ev->sday[ev->sol->start[pa->b2]];
            int dist = d > dj ? d - dj : dj - d;
            enum tt_ctype t = pa->c->type;
            bool always = false, check = true;
            if (t == TT_MIN_DAYS) {
                always = dist < pa->c->n;
                check = !always && dist == 0 && pa->c->flag;
            } else if (t == TT_NOT_OVERLAPPING || t == TT_MIN_GAP) {
                check = dist == 0;
            }
            if (always) {
                if (se->dmark[pa->y] == se->dstamp)
                    continue;
                se->dmark[pa->y] = se->dstamp;
                list[n++] = i << 1 | 1;
            } else if (check) {
                list[n++] = i << 1;
            }
        }
        se->npday[d] = n;
    }
    *n_r = se->npday[d];
    return list;
}

/* Adds unit y to the conflicts out[0..*n) once; false when y may not be
   pushed (pinned, or pushed already in this attempt) or out is full. */
static bool add_conflict(struct search *se, int y, int *out, int *n, int max)
{
    if (se->umark[y] == se->ustamp)
        return true;
    if (se->pp->ndom[y] <= 1 || se->visit[y] == se->visit_stamp || *n >= max)
        return false;
    se->umark[y] = se->ustamp;
    out[(*n)++] = y;
    return true;
}

/* The block alone (cnt 1) in slot t of resource r, which the evaluator
   marks unknown (occ -2, after a clash there ended): remembered in
   se->owner, checked before use (it must still cover t). */
static int slot_owner(struct search *se, int r, int t)
{
    const struct tt_eval *ev = se->ev;
    const struct prep *pp = se->pp;
    int *o = se->owner + (size_t)r * ev->nslots + t;
    int b2 = *o;
    if (b2 >= 0) {
        int s2 = ev->sol->start[b2];
        if (s2 >= 0 && s2 <= t && t < s2 + ev->inst->blocks[b2].length)
            return b2;
    }
    for (int q = 0; q < pp->nrb[r]; q++) {
        b2 = pp->rblocks[r][q];
        int s2 = ev->sol->start[b2];
        if (s2 >= 0 && s2 <= t && t < s2 + ev->inst->blocks[b2].length) {
            *o = b2;
            return b2;
        }
    }
    return -1;
}

/* Whether partner pa is broken with the unit starting at s. */
static bool partner_broken(const struct tt_eval *ev, const struct partner *pa, int s)
{
    int s2 = ev->sol->start[pa->b2];
    if (pa->c->type == TT_MIN_DAYS) {
        int di = ev->sday[s], dj = ev->sday[s2];
        int dist = di > dj ? di - dj : dj - di;
        return dist < pa->c->n ||
               (dist == 0 && pa->c->flag && s + pa->len != s2 && s2 + pa->len2 != s);
    }
    return tt_pair_units(ev, pa->c, pa->b, s, pa->b2, s2) != 0;
}

/* The units that must leave for unit u to start at s: those on one of
   its teachers or classes then, and the partners (build_partners) a hard
   pairwise rule forbids next to s. Their count (out, at most max), or -1
   when one of them may not move: pinned, or pushed already in this
   attempt. */
static int unit_conflicts(struct search *se, int u, int s, int *out, int max)
{
    const struct prep *pp = se->pp;
    const struct tt_eval *ev = se->ev;
    int n = 0;
    int d = ev->sday[s], p = s - d * ev->nper;
    next_ustamp(se);
    for (int i = 0; i < pp->nub[u]; i++) {
        int b = pp->ublocks[u][i];
        int len = ev->inst->blocks[b].length;
        if (p + len > ev->nper)
            len = ev->nper - p;
        uint64_t mask = tt_run_mask(len, p);
        for (int j = 0; j < ev->nbres[b]; j++) {
            int r = ev->bres[b][j];
            if (!(ev->busy[(size_t)r * ev->ndays + d] & mask))
                continue;
            /* the blocks over the window: in slot order when the
               evaluator knows every occupant, else in block order (as a
               scan of rblocks[r] finds them); that order decides whom
               fet_swap moves first */
            int found[TT_MAX_PERIODS];
            int nf = window_blocks(se, r, s, len, found, true);
            if (nf < 0) {
                /* a clash in the window: every block of r over it */
                for (int q = 0; q < pp->nrb[r]; q++) {
                    int b2 = pp->rblocks[r][q];
                    int s2 = ev->sol->start[b2];
                    int y = pp->unit_of[b2];
                    if (y == u || s2 < 0 || s2 >= s + len ||
                        s2 + ev->inst->blocks[b2].length <= s)
                        continue;
                    if (!add_conflict(se, y, out, &n, max))
                        return -1;
                }
                continue;
            }
            for (int k = 0; k < nf; k++) {
                int y = pp->unit_of[found[k]];
                if (y != u && !add_conflict(se, y, out, &n, max))
                    return -1;
            }
        }
    }
    /* partners in hard pairwise rules (min days between lessons), as
       build_partners sorted them for this day */
    int nl;
    const int *list = day_partners(se, d, &nl);
    for (int k = 0; k < nl; k++) {
        const struct partner *pa = &se->part[list[k] >> 1];
        if (!(list[k] & 1) && !partner_broken(ev, pa, s))
            continue;
        if (!add_conflict(se, pa->y, out, &n, max))
            return -1;
    }
    return n;
}

/* Every start of unit u's domain priced by unit_conflicts (in shuffle
   order idx), then ord[0..*nord) sorted by pushes, stable (the shuffle
   breaks ties); starts where a unit may not be pushed are left out. */
static void fet_order(struct search *se, int u, int nd, const int *idx, int *key, int *conf,
                      int *ord, int *nord)
{
    const struct prep *pp = se->pp;
    for (int i = 0; i < nd; i++) {
        int k = unit_conflicts(se, u, pp->dom[u][idx[i]], conf + (size_t)i * FET_PUSH, FET_PUSH);
        key[i] = k < 0 ? 1000 : k;
    }
    int m = 0;
    for (int k = 0; k <= FET_PUSH; k++)
        for (int i = 0; i < nd; i++)
            if (key[i] == k)
                ord[m++] = i;
    *nord = m;
}

/* The evaluator marks a slot "unknown" (occ -2) after a clash there and
   "known" again when it empties; unit_conflicts' order depends on that
   mark. A try that is undone can turn unknown slots known, so before it
   the marks of the slots it touches (teachers and classes of the pushed
   units and of u at s) are saved, and restored after the undo: the
   timetable is then exactly the one fet_swap priced. */
static void occ_save_block(struct search *se, int b, int s)
{
    const struct tt_eval *ev = se->ev;
    if (s < 0)
        return;
    int len = ev->inst->blocks[b].length, p = s % ev->nper;
    if (p + len > ev->nper)
        len = ev->nper - p;
    for (int j = 0; j < ev->nbres[b]; j++) {
        int *occ = ev->occ + (size_t)ev->bres[b][j] * ev->nslots + s;
        for (int k = 0; k < len; k++) {
            if (se->occn == se->occcap) {
                se->occcap = se->occcap ? 2 * se->occcap : 256;
                se->occp = xrealloc(se->occp, (size_t)se->occcap * sizeof(*se->occp));
                se->occv = xrealloc(se->occv, (size_t)se->occcap * sizeof(*se->occv));
            }
            se->occp[se->occn] = occ + k;
            se->occv[se->occn++] = occ[k];
        }
    }
}

static void fet_occ_save(struct search *se, int u, int s, const int *out, int n)
{
    const struct prep *pp = se->pp;
    se->occn = 0;
    for (int k = 0; k < n; k++)
        for (int i = 0; i < pp->nub[out[k]]; i++) {
            int b = pp->ublocks[out[k]][i];
            occ_save_block(se, b, se->ev->sol->start[b]);
        }
    for (int i = 0; i < pp->nub[u]; i++)
        occ_save_block(se, pp->ublocks[u][i], s);
}

static void fet_occ_restore(struct search *se)
{
    while (se->occn > 0) {
        se->occn--;
        *se->occp[se->occn] = se->occv[se->occn];
    }
}

/* Places unit u (not placed) at a start where nothing clashes, or pushes
   out what is there and places the pushed units the same way, depth
   first, up to FET_LEVELS deep and se->fcalls_max calls in all. Slots in
   random order, sorted by how many units they push; below level 5 only
   the best slot is tried. On failure everything is undone. */
static bool fet_swap(struct search *se, int u, int level)
{
    const struct prep *pp = se->pp;
    const struct tt_eval *ev = se->ev;
    if (level >= FET_LEVELS || se->fcalls >= se->fcalls_max)
        return false;
    se->fcalls++;
    int nd = pp->ndom[u];
    /* per level: slot order, pushes per slot and the units pushed */
    int *ord = se->lvl + (size_t)level * (2 + FET_PUSH) * ev->nslots;
    int *key = ord + ev->nslots;
    int *conf = key + ev->nslots;
    int *idx = se->lvl_idx + (size_t)level * ev->nslots;
    for (int i = 0; i < nd; i++)
        idx[i] = i;
    build_partners(se, u);
    for (int i = nd - 1; i > 0; i--) {
        int j = rng_below(&se->rng, i + 1);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
    /* From level 5 on only the first start in that order is followed
       further (99 % of the calls on JMSS), so only it is needed: the
       starts are priced in shuffle order, each only as far as it could
       still push fewer units than the best so far, and a start that
       pushes none ends the scan. Only when that start breaks a rule the
       pushes do not see (a room) are all starts priced as below, on the
       same timetable (fet_occ_restore). */
    bool lazy = level >= 5;
    int nord = 0;
    if (lazy) {
        int best = -1, kbest = FET_PUSH + 1;
        for (int i = 0; i < nd && kbest > 0; i++) {
            int k = unit_conflicts(se, u, pp->dom[u][idx[i]], conf + (size_t)i * FET_PUSH,
                                   kbest - 1);
            if (k >= 0) {
                best = i;
                kbest = k;
            }
        }
        if (best >= 0) {
            ord[nord++] = best;
            key[best] = kbest;
        }
    } else {
        fet_order(se, u, nd, idx, key, conf, ord, &nord);
    }
    for (int i = 0; i < nord; i++) {
        int s = pp->dom[u][idx[ord[i]]];
        int n = key[ord[i]];
        const int *out = conf + (size_t)ord[i] * FET_PUSH;
        int mark = se->jn, vmark = se->vn;
        if (lazy)
            fet_occ_save(se, u, s, out, n);
        for (int k = 0; k < n; k++)
            unit_lift(se, out[k]);
        unit_move(se, u, s);
        if (ev->clash != 0 || ev->hard_other != 0) {
            jundo_to(se, mark);
            if (lazy) {
                /* the rest of the order after all, as if priced before
                   this try; its first start is the one just tried */
                fet_occ_restore(se);
                lazy = false;
                fet_order(se, u, nd, idx, key, conf, ord, &nord);
            }
            continue;
        }
        if (n == 0)
            return true;
        if (level == FET_LEVELS - 1 || se->fcalls >= se->fcalls_max) {
            jundo_to(se, mark);
            return false;
        }
        for (int k = 0; k < n; k++) {
            se->visit[out[k]] = se->visit_stamp;
            se->vstack[se->vn++] = out[k];
        }
        bool all = true;
        for (int k = 0; k < n && all; k++)
            all = fet_swap(se, out[k], level + 1);
        if (all)
            return true;
        jundo_to(se, mark);
        while (se->vn > vmark)
            se->visit[se->vstack[--se->vn]] = 0;
        if (level >= 5)
            return false;
    }
    return false;
}

/* One step of FET's method on a timetable whose only hard violations are
   units left out: the first of them in construction order is placed by
   fet_swap; if that fails, it goes to the start whose pushed units were
   pushed least often before, and those leave. */
static void fet_step(struct search *se)
{
    const struct prep *pp = se->pp;
    struct tt_eval *ev = se->ev;
    int u = -1;
    for (int x = 0; x < pp->nunits; x++)
        if (unit_start(se, x) < 0 && pp->ndom[x] > 0 && (u < 0 || se->rank[x] < se->rank[u]))
            u = x;
    if (u < 0)
        return;
    se->visit_stamp++;
    se->visit[u] = se->visit_stamp;
    se->fcalls = 0;
    se->fcalls_max = 2L * pp->nunits;
    se->vn = 0;
    se->jn = 0;
    if (fet_swap(se, u, 0)) {
        se->jn = 0;
        note_best(se, tt_eval_cost(ev));
        return;
    }
    jundo(se);
    /* forced: fewest pushes of the least pushed units */
    se->visit_stamp++;
    se->visit[u] = se->visit_stamp;
    int conf[FET_PUSH];
    long best_min = -1, best_sum = 0;
    build_partners(se, u);
    int best_n = 0, best_s = -1, ties = 0;
    for (int i = 0; i < pp->ndom[u]; i++) {
        int s = pp->dom[u][i];
        int n = unit_conflicts(se, u, s, conf, FET_PUSH);
        if (n <= 0)
            continue;
        long mn = -1, sum = 0;
        for (int k = 0; k < n; k++) {
            long t = se->tried[(size_t)conf[k] * ev->nslots + unit_start(se, conf[k])];
            sum += t;
            if (mn < 0 || t < mn)
                mn = t;
        }
        bool better = best_s < 0 || mn < best_min || (mn == best_min && sum < best_sum) ||
                      (mn == best_min && sum == best_sum && n < best_n);
        bool same = best_s >= 0 && mn == best_min && sum == best_sum && n == best_n;
        if (better) {
            best_min = mn;
            best_sum = sum;
            best_n = n;
            best_s = s;
            ties = 1;
        } else if (same && rng_below(&se->rng, ++ties) == 0) {
            best_s = s;
        }
    }
    if (best_s < 0)
        return;
    int n = unit_conflicts(se, u, best_s, conf, FET_PUSH);
    for (int k = 0; k < n; k++) {
        int y = conf[k], ys = unit_start(se, y);
        se->tried[(size_t)y * ev->nslots + ys]++;
        int at = se->tabu_at;
        if (se->tabu_u[at] >= 0)
            se->tried[(size_t)se->tabu_u[at] * ev->nslots + se->tabu_s[at]]--;
        se->tabu_u[at] = y;
        se->tabu_s[at] = ys;
        se->tabu_at = (at + 1) % se->tabu_n;
    }
    se->jn = 0;
    for (int k = 0; k < n; k++)
        unit_lift(se, conf[k]);
    unit_move(se, u, best_s);
    se->jn = 0;
    if (ev->clash != 0 || ev->hard_other != 0) {
        /* a rule other than a clash broke: lift u again */
        unit_lift(se, u);
        se->jn = 0;
    }
}

/* Does block b take part in a soft violation now? A constraint over its
   blocks with units, or a rule on one of its teachers, classes or its
   room with units (every block of a teacher with too many idle periods
   counts: moving any of them may help). */
static bool block_soft_bad(const struct search *se, int b)
{
    const struct tt_eval *ev = se->ev;
    const struct tt_constraint *cs = ev->inst->constraints;
    int s = ev->sol->start[b];
    for (int i = 0; i < ev->nbcons[b]; i++) {
        int ci = ev->bcons[b][i];
        const struct tt_constraint *c = &cs[ci];
        if (c->hard || ev->units[ci] == 0)
            continue;
        /* the rules priced block by block or pair by pair: this block's
           own share (a teacher's preferred times cover all their lessons) */
        if (tt_family_of(c) == TT_FAM_UNARY) {
            if (tt_eval_unary_units(ev, ci, b) > 0)
                return true;
            continue;
        }
        if (tt_pairwise(c->type) && s >= 0 && ev->nci[ci] <= PAIR_SCAN) {
            for (int j = 0; j < ev->nci[ci]; j++) {
                int b2 = ev->citems[ci][j];
                int s2 = ev->sol->start[b2];
                if (b2 != b && s2 >= 0 && tt_pair_units(ev, c, b, s, b2, s2) > 0)
                    return true;
            }
            continue;
        }
        return true;
    }
    int room = ev->sol->room[b];
    int nr = ev->nbres[b] + (room >= 0);
    for (int k = 0; k < nr; k++) {
        int r = k < ev->nbres[b] ? ev->bres[b][k] : room;
        for (int i = 0; i < ev->nrcons[r]; i++) {
            int ci = ev->rcons[r][i];
            if (!cs[ci].hard && ev->units[ci] > 0)
                return true;
        }
    }
    return false;
}

/* The unit an improvement step moves: half the time one in a soft
   violation (up to SOFT_TRIES random draws; moving a unit that breaks
   nothing seldom lowers the cost), otherwise any. */
static int improve_unit(struct search *se, bool *bad_r)
{
    const struct prep *pp = se->pp;
    int u = rng_below(&se->rng, pp->nunits);
    *bad_r = false;
    if (rng_below(&se->rng, 2) == 0)
        return u;
    for (int k = 0; k < SOFT_TRIES; k++) {
        for (int i = 0; i < pp->nub[u]; i++)
            if (block_soft_bad(se, pp->ublocks[u][i])) {
                *bad_r = true;
                return u;
            }
        u = rng_below(&se->rng, pp->nunits);
    }
    return u;
}

/* The best a unit in a soft violation can do: every start of its domain
   by a plain move and by a Kempe chain, the cheapest without hard
   violations (ties at random) applied through the journal; hard = -1 when
   none keeps the timetable free of them. */
static struct tt_cost best_start(struct search *se, int u)
{
    const struct prep *pp = se->pp;
    int cur = unit_start(se, u);
    long long best = -1;
    int best_s = -1, best_kind = 0, ties = 0;
    for (int i = 0; i < pp->ndom[u]; i++) {
        int s = pp->dom[u][i];
        if (s == cur)
            continue;
        for (int kind = 0; kind < 2; kind++) {
            se->jn = 0;
            struct tt_cost c = kind == 0 ? unit_move(se, u, s) : kempe_move(se, u, s);
            jundo(se);
            if (c.hard != 0)
                continue;
            long long f = scalar(c);
            best_pick(se, &best, &best_s, &best_kind, &ties, f, s, kind);
        }
    }
    se->jn = 0;
    if (best_s < 0)
        return (struct tt_cost){-1, 0};
    return best_kind == 0 ? unit_move(se, u, best_s) : kempe_move(se, u, best_s);
}

/* Late acceptance: take a candidate no worse than now or than L steps
   ago; the list remembers the cost after each decision. */
static bool lahc_accept(struct search *se, long long f, long long cur)
{
    long long *h = &se->hist[se->iter % LAHC_LENGTH];
    bool ok = f <= cur || f <= *h;
    *h = ok ? f : cur;
    return ok;
}

/* One late-acceptance step over a random neighbour: a move, a swap of two
   units that share a teacher or class, a Kempe chain or another room. */
static void improve_step(struct search *se)
{
    const struct prep *pp = se->pp;
    struct tt_eval *ev = se->ev;
    long long cur = scalar(tt_eval_cost(ev));
    int kind = rng_below(&se->rng, 100);
    bool bad;
    int u = improve_unit(se, &bad);
    if (pp->ndom[u] == 0)
        return;
    struct tt_cost c;
    se->jn = 0;
    if (bad && kind < BEST_PCT) {
        c = best_start(se, u);
        if (c.hard != 0) {
            jundo(se);
            return;
        }
    } else if (kind < 35) {
        /* swap with a unit that shares a teacher or class */
        int b = pp->ublocks[u][rng_below(&se->rng, pp->nub[u])];
        if (ev->nbres[b] == 0)
            return;
        int r = ev->bres[b][rng_below(&se->rng, ev->nbres[b])];
        int b2 = pp->rblocks[r][rng_below(&se->rng, pp->nrb[r])];
        int u2 = pp->unit_of[b2];
        int s1 = unit_start(se, u), s2 = unit_start(se, u2);
        if (u2 == u || s1 < 0 || s2 < 0 || s1 == s2 || !unit_allows(se, u, s2) ||
            !unit_allows(se, u2, s1))
            return;
        unit_lift(se, u);
        unit_lift(se, u2);
        unit_place(se, u, s2);
        c = unit_place(se, u2, s1);
    } else if (kind < 60) {
        int s = pp->dom[u][rng_below(&se->rng, pp->ndom[u])];
        c = kempe_move(se, u, s);
        if (c.hard < 0) {
            jundo(se);
            return;
        }
    } else if (kind < 68) {
        /* another room for one block */
        int b = pp->ublocks[u][rng_below(&se->rng, pp->nub[u])];
        if (ev->nroom_ok[b] < 2 || ev->sol->start[b] < 0)
            return;
        int room = ev->room_ok[b][rng_below(&se->rng, ev->nroom_ok[b])];
        if (room == ev->sol->room[b] && !tt_is_virtual(ev->inst, room))
            return;
        if (room == ev->sol->room[b]) {
            /* #17 virtual rooms: the same one, its real rooms chosen again
               (lifted first, so that the busy ones give way) */
            int s0 = ev->sol->start[b];
            jmove(se, b, -1, room);
            c = jmove(se, b, s0, room);
        } else {
            c = jmove(se, b, ev->sol->start[b], room);
        }
    } else {
        /* move a unit to another start */
        int s = pp->dom[u][rng_below(&se->rng, pp->ndom[u])];
        if (s == unit_start(se, u))
            return;
        c = unit_move(se, u, s);
    }
    if (lahc_accept(se, scalar(c), cur)) {
        se->jn = 0;
        note_best(se, c);
        return;
    }
    jundo(se);
}

/* A kick (iterated local search) when the improvement has stalled: a few
   units in soft violations go to random starts of their domains, clashes
   or not; the repair then removes the hard violations it made, pricing
   the soft cost too, and the improvement goes on from there. */
static void kick(struct search *se)
{
    const struct prep *pp = se->pp;
    int n = KICK_MIN + rng_below(&se->rng, KICK_RAND);
    for (int k = 0; k < n; k++) {
        int u = rng_below(&se->rng, pp->nunits);
        for (int t = 0; t < 4 * SOFT_TRIES; t++) {
            bool bad = false;
            for (int i = 0; i < pp->nub[u] && !bad; i++)
                bad = block_soft_bad(se, pp->ublocks[u][i]);
            if (bad && pp->ndom[u] > 1)
                break;
            u = rng_below(&se->rng, pp->nunits);
        }
        if (pp->ndom[u] < 2)
            continue;
        int s = pp->dom[u][rng_below(&se->rng, pp->ndom[u])];
        if (s == unit_start(se, u))
            continue;
        se->jn = 0;
        unit_move(se, u, s);
        se->jn = 0;
    }
}

/* Puts every block where sol has it (the search's weights and tabu list
   stay). */
static void restore(struct search *se, const struct tt_solution *sol)
{
    const struct tt_instance *inst = se->ev->inst;
    for (int b = 0; b < inst->nblocks; b++)
        tt_eval_move(se->ev, b, -1, se->ev->sol->room[b]);
    for (int b = 0; b < inst->nblocks; b++)
        tt_eval_move(se->ev, b, sol->start[b], sol->room[b]);
}

/* Puts every block back where the best timetable has it and forgets the
   breakout weights and the tabu list. */
static void restart_from_best(struct search *se)
{
    const struct tt_instance *inst = se->ev->inst;
    for (int b = 0; b < inst->nblocks; b++)
        tt_eval_move(se->ev, b, -1, se->ev->sol->room[b]);
    int nreal = se->best->nreal;
    for (int b = 0; b < inst->nblocks; b++)
        tt_eval_move_real(se->ev, b, se->best->start[b], se->best->room[b],
                          nreal > 0 ? se->best->real + (size_t)b * nreal : NULL);
    tt_eval_reset_weights(se->ev);
    memset(se->tabu, 0, (size_t)se->pp->nunits * se->ev->nslots * sizeof(int));
}

static void report(struct search *se, bool improved)
{
    struct shared *sh = se->sh;
    const struct tt_options *opt = sh->opt;
    if (!opt->progress || se->id != 0)
        return;
    struct tt_progress p;
    pthread_mutex_lock(&sh->lock);
    p.best = sh->best;
    pthread_mutex_unlock(&sh->lock);
    p.elapsed = time_mono_s() - sh->t0;
    p.iterations = se->iter;
    p.improved = improved;
    if (!opt->progress(&p, opt->progress_arg)) {
        sh->cancelled = true;
        sh->stop = 1;
    }
}

/* Lifts every unit in a clash or a broken hard rule: what is left has
   units out of the timetable as its only hard violations. */
static void lift_conflicts(struct search *se)
{
    for (int guard = 0; guard < 4 && (se->ev->clash || se->ev->hard_other); guard++)
        for (int u = 0; u < se->pp->nunits; u++) {
            bool bad = false;
            for (int i = 0; i < se->pp->nub[u] && !bad; i++)
                bad = se->ev->sol->start[se->pp->ublocks[u][i]] >= 0 &&
                      block_in_conflict(se, se->pp->ublocks[u][i], false);
            if (bad) {
                se->jn = 0;
                unit_lift(se, u);
                se->jn = 0;
            }
        }
}

/* Switches the repair to FET's method: a new construction, then every
   unit in a clash or a broken rule leaves and fet_step places them. */
static void start_fet(struct search *se)
{
    const struct tt_instance *inst = se->ev->inst;
    for (int b = 0; b < inst->nblocks; b++)
        tt_eval_move(se->ev, b, -1, se->ev->sol->room[b]);
    tt_eval_reset_weights(se->ev);
    construct(se);
    lift_conflicts(se);
    se->fet_mode = true;
}

static void *search_run(void *arg)
{
    struct search *se = arg;
    struct shared *sh = se->sh;
    const struct tt_options *opt = sh->opt;
    construct(se);
    if (opt->method == TT_METHOD_FET && se->pp->fet_ok) {
        lift_conflicts(se);
        se->fet_mode = true;
    }
    note_best(se, tt_eval_cost(se->ev));
    double interval = opt->progress_interval > 0 ? opt->progress_interval : 1.0;
    double next_report = interval;
    report(se, true);
    bool improving = false;
    long stale = 0;
    long restart_after = FIRST_RESTART;
    /* after the first timetable without hard violations: steps since the
       last kick or since the repair after it began, and kicks since the
       last better timetable */
    long since_kick = 0, kick_repair = 0;
    int kicks = 0;
    bool kicked = false; /* kick_save holds a timetable */
    long kick_base = KICK_AFTER_MIN > (long)KICK_AFTER_UNITS * se->pp->nunits
                         ? KICK_AFTER_MIN : (long)KICK_AFTER_UNITS * se->pp->nunits;
    long kick_after = kick_base;
    while (!should_stop(se)) {
        struct tt_cost before = se->best_cost;
        struct tt_cost cur = tt_eval_cost(se->ev);
        if (cur.hard > 0 && se->best_cost.hard == 0) {
            /* a kick's clashes: the priced repair, back to the timetable
               before the kick when it takes too long */
            improving = false;
            if (++kick_repair > KICK_REPAIR) {
                /* the repair did not make it: back to the timetable
                   before the kick, and kick less often */
                restore(se, kicked ? se->kick_save : se->best);
                kick_repair = 0;
                if (kick_after < KICK_AFTER_MAX)
                    kick_after *= 2;
            } else {
                repair_step(se);
            }
        } else if (cur.hard > 0 && se->fet_mode) {
            improving = false;
            if (se->ev->clash || se->ev->hard_other)
                lift_conflicts(se);
            fet_step(se);
        } else if (cur.hard > 0) {
            improving = false;
            repair_step(se);
        } else {
            if (!improving) {
                long long f = scalar(cur);
                for (int i = 0; i < LAHC_LENGTH; i++)
                    se->hist[i] = f;
                improving = true;
            }
            if (kick_repair > 0) /* a kick repaired: the usual wait again */
                kick_after = kick_base;
            kick_repair = 0;
            improve_step(se);
            if (++since_kick >= kick_after && stale >= kick_after) {
                /* stalled: kick, from the best timetable after a few
                   kicks that found nothing better */
                if (++kicks % KICK_BACK == 0)
                    restore(se, se->best);
                tt_solution_copy(se->kick_save, se->ev->sol);
                kicked = true;
                kick(se);
                since_kick = 0;
            }
        }
        se->iter++;
        stale = cost_less(se->best_cost, before) ? 0 : stale + 1;
        if (stale == 0)
            kicks = 0;
        if (cur.hard > 0 && se->best_cost.hard > 0 && !se->fet_mode && stale >= restart_after) {
            /* Repair runs have heavy tails: after a long stretch without a
               better timetable, go back to the best one with fresh weights,
               and wait longer before the next restart. After a few, on
               rules FET's method can keep, switch to it. */
            restart_from_best(se);
            if (++se->restarts == FET_AFTER_RESTARTS && se->pp->fet_ok &&
                opt->method == TT_METHOD_AUTO)
                start_fet(se);
            restart_after += restart_after / 2;
            stale = 0;
        }
        if (se->best_cost.hard == 0 && (se->best_cost.soft == 0 || opt->stop_at_feasible)) {
            sh->stop = 1;
            break;
        }
        if (se->id == 0 && opt->progress && (se->iter & 255) == 0) {
            double t = time_mono_s() - sh->t0;
            if (t >= next_report) {
                next_report = t + interval;
                report(se, false);
            }
        }
    }
    return NULL;
}

void tt_options_init(struct tt_options *o)
{
    memset(o, 0, sizeof(*o));
    o->time_limit = 10;
    o->seed = 1;
    o->threads = 1;
    o->progress_interval = 1.0;
}

int tt_solve(const struct tt_instance *inst, struct tt_solution *sol,
             const struct tt_options *opt, struct tt_result *res, char **error_r)
{
    memset(res, 0, sizeof(*res));
    res->seconds_to_feasible = -1;
    if (tt_instance_validate(inst, error_r) < 0)
        return -1;
    char *diag = NULL;
    if (tt_diagnose(inst, TT_ES, &diag) > 0) {
        struct strbuf sb;
        strbuf_init(&sb);
        strbuf_adds(&sb, "El horario no puede tener solución:\n");
        strbuf_adds(&sb, diag);
        free(diag);
        *error_r = strbuf_steal(&sb);
        return -1;
    }
    free(diag);

    struct shared sh;
    memset(&sh, 0, sizeof(sh));
    sh.inst = inst;
    sh.opt = opt;
    sh.t0 = time_mono_s();
    sh.best.hard = -1;
    sh.best = (struct tt_cost){1L << 60, 1L << 60};
    sh.t_feasible = -1;
    pthread_mutex_init(&sh.lock, NULL);

    int nthreads = opt->threads >= 2 ? 2 : 1;
    struct search se[2];
    struct prep pp;
    memset(se, 0, sizeof(se));
    for (int t = 0; t < nthreads; t++) {
        /* start from the caller's pins only: placed blocks count as hints
           only when they are pinned */
        struct tt_solution *start = tt_solution_new(inst);
        se[t].ev = tt_eval_new(inst, start);
        tt_solution_free(&start);
        if (t == 0)
            prep_init(&pp, se[0].ev);
        se[t].sh = &sh;
        se[t].pp = &pp;
        se[t].id = t;
        se[t].rng = opt->seed * 0x9E3779B97F4A7C15ULL + (uint64_t)t * 0xD1B54A32D192ED03ULL + 1;
        se[t].best = tt_solution_new(inst);
        se[t].kick_save = tt_solution_new(inst);
        se[t].best_cost = (struct tt_cost){1L << 60, 1L << 60};
        se[t].tabu = xcalloc((size_t)pp.nunits * se[t].ev->nslots + 1, sizeof(int));
        se[t].mark = xcalloc((size_t)pp.nunits + 1, sizeof(int));
        se[t].visit = xcalloc((size_t)pp.nunits + 1, sizeof(int));
        se[t].rank = xcalloc((size_t)pp.nunits + 1, sizeof(int));
        se[t].tried = xcalloc((size_t)pp.nunits * se[t].ev->nslots + 1, sizeof(int));
        se[t].tabu_n = pp.nunits * se[t].ev->nslots;
        se[t].tabu_u = xmalloc(((size_t)se[t].tabu_n + 1) * sizeof(int));
        se[t].tabu_s = xmalloc(((size_t)se[t].tabu_n + 1) * sizeof(int));
        for (int i = 0; i < se[t].tabu_n; i++)
            se[t].tabu_u[i] = -1;
        se[t].lvl = xmalloc(((size_t)FET_LEVELS * (2 + FET_PUSH) * se[t].ev->nslots + 1) * sizeof(int));
        se[t].lvl_idx = xmalloc(((size_t)FET_LEVELS * se[t].ev->nslots + 1) * sizeof(int));
        se[t].vstack = xmalloc(((size_t)pp.nunits + 1) * sizeof(int));
        se[t].npday = xcalloc((size_t)se[t].ev->ndays + 1, sizeof(int));
        se[t].umark = xcalloc((size_t)pp.nunits + 1, sizeof(unsigned));
        se[t].dmark = xcalloc((size_t)pp.nunits + 1, sizeof(unsigned));
        se[t].rchk = xcalloc((size_t)se[t].ev->nres + 1, sizeof(unsigned));
        se[t].owner = xmalloc(((size_t)se[t].ev->nres * se[t].ev->nslots + 1) * sizeof(int));
        for (size_t i = 0; i < (size_t)se[t].ev->nres * se[t].ev->nslots; i++)
            se[t].owner[i] = -1;
        se[t].chain = xmalloc(65 * sizeof(int));
        se[t].hist = xmalloc((size_t)LAHC_LENGTH * sizeof(long long));
        se[t].t_feasible = -1;
    }
    pthread_t th;
    bool threaded = nthreads == 2 && pthread_create(&th, NULL, search_run, &se[1]) == 0;
    search_run(&se[0]);
    if (threaded)
        pthread_join(th, NULL);
    else if (nthreads == 2)
        search_run(&se[1]);

    int win = 0;
    if (nthreads == 2 && cost_less(se[1].best_cost, se[0].best_cost))
        win = 1;
    tt_solution_copy(sol, se[win].best);
    res->cost = se[win].best_cost;
    res->seconds = time_mono_s() - sh.t0;
    res->seconds_to_feasible = sh.t_feasible;
    res->cancelled = sh.cancelled;
    for (int t = 0; t < nthreads; t++) {
        res->iterations += se[t].iter;
        tt_eval_free(&se[t].ev);
        tt_solution_free(&se[t].best);
        tt_solution_free(&se[t].kick_save);
        free(se[t].tabu);
        free(se[t].mark);
        free(se[t].visit);
        free(se[t].rank);
        free(se[t].tried);
        free(se[t].tabu_u);
        free(se[t].tabu_s);
        free(se[t].lvl);
        free(se[t].lvl_idx);
        free(se[t].vstack);
        free(se[t].part);
        free(se[t].pday);
        free(se[t].npday);
        free(se[t].umark);
        free(se[t].dmark);
        free(se[t].rchk);
        free(se[t].owner);
        free(se[t].occp);
        free(se[t].occv);
        free(se[t].chain);
        free(se[t].jb);
        free(se[t].js);
        free(se[t].jr);
        free(se[t].jreal);
        free(se[t].hist);
    }
    prep_free(&pp, inst);
    pthread_mutex_destroy(&sh.lock);
    return 0;
}
