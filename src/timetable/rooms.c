/*
 * Buildings and room-set rules (issue #17, part "rooms"): FET's building
 * changes of a teacher or students set, ActivitiesSameRoomIfConsecutive
 * and ActivitiesOccupyMaxDifferentRooms.
 *
 * Buildings: a room may belong to one building (resource.building, 1 +
 * index in inst->buildings, 0 = none). A building rule looks at one
 * resource's day: its lessons in time order, keeping only those whose room
 * is in a building (a lesson without a room, or in a room without a
 * building, is skipped: it neither breaks nor makes a change). Two
 * neighbours of that sequence in different buildings are a change; the
 * periods between them (free, break, or a lesson skipped as above) are its
 * gap. These are FET's semantics, checked with fet-cl on crafted files
 * (tests/unit/test_tt_rooms.c, tests/data/fet/rooms-*.fet). Changes never
 * span two days. The evaluator keeps, for each resource with such a rule,
 * the list of its blocks; a day is recomputed from the blocks placed on
 * it, which happens whenever one of them moves or changes room (eval.c's
 * reprice_days).
 *
 * Room sets: pairs of blocks of the list that follow each other on a day
 * (one ends where the other starts; FET's break periods sit between, so a
 * break separates them) must share the room when both have one; and the
 * blocks of the list must use at most n distinct rooms. Blocks without a
 * room are ignored, as FET does with activities it gives no room. A unit
 * of the latter is a lesson outside the n most used rooms.
 */
#include "timetable/internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

int tt_add_building(struct tt_instance *inst, const char *name)
{
    for (int i = 0; i < inst->nbuildings; i++)
        if (strcmp(inst->buildings[i], name) == 0)
            return i + 1;
    inst->buildings =
        xrealloc(inst->buildings, (size_t)(inst->nbuildings + 1) * sizeof(*inst->buildings));
    inst->buildings[inst->nbuildings++] = xstrdup(name);
    return inst->nbuildings;
}

int tt_rooms_validate(const struct tt_instance *inst, char **error_r)
{
    for (int r = 0; r < inst->nresources; r++) {
        int b = inst->resources[r].building;
        if (b < 0 || b > inst->nbuildings || (b > 0 && inst->resources[r].kind != TT_ROOM)) {
            *error_r = str_fmt("El recurso «%s» apunta a un edificio que no existe.",
                               inst->resources[r].name);
            return -1;
        }
    }
    return tt_vrooms_validate(inst, error_r); /* #17 virtual rooms */
}

static bool is_building_rule(enum tt_ctype t)
{
    return t == TT_BUILDING_CHANGES_DAY || t == TT_BUILDING_CHANGES_WEEK ||
           t == TT_BUILDING_MIN_GAPS;
}

void tt_rooms_eval_init(struct tt_eval *ev)
{
    const struct tt_instance *inst = ev->inst;
    bool *wanted = xcalloc((size_t)ev->nres + 1, sizeof(bool));
    bool any = false;
    for (int ci = 0; ci < inst->nconstraints; ci++) {
        const struct tt_constraint *c = &inst->constraints[ci];
        if (is_building_rule(c->type) && c->resource >= 0) {
            wanted[c->resource] = true;
            any = true;
        }
    }
    if (any) {
        ev->rblk = xcalloc((size_t)ev->nres + 1, sizeof(int *));
        ev->nrblk = xcalloc((size_t)ev->nres + 1, sizeof(int));
        for (int b = 0; b < inst->nblocks; b++)
            for (int k = 0; k < ev->nbres[b]; k++) {
                int r = ev->bres[b][k];
                if (wanted[r])
                    tt_push(&ev->rblk[r], &ev->nrblk[r], b);
            }
    }
    /* blocks whose room one of these rules reads: the solver chooses
       their rooms by price (tt_rooms_pick) */
    for (int ci = 0; ci < inst->nconstraints; ci++) {
        const struct tt_constraint *c = &inst->constraints[ci];
        bool by_items = c->type == TT_SAME_ROOM_IF_CONSECUTIVE || c->type == TT_MAX_DIFFERENT_ROOMS;
        bool by_res = is_building_rule(c->type) && c->resource >= 0 && ev->rblk;
        if (!by_items && !by_res)
            continue;
        if (!ev->room_rule)
            ev->room_rule = xcalloc((size_t)inst->nblocks + 1, 1);
        /* 2: a room-set rule, every free room is priced; 1: building
           rules only, up to 8 (a building has several rooms alike) */
        for (int i = 0; by_items && i < c->nitems; i++)
            ev->room_rule[c->items[i]] = 2;
        for (int i = 0; by_res && i < ev->nrblk[c->resource]; i++)
            if (!ev->room_rule[ev->rblk[c->resource][i]])
                ev->room_rule[ev->rblk[c->resource][i]] = 1;
    }
    free(wanted);
}

void tt_rooms_eval_free(struct tt_eval *ev)
{
    free(ev->room_rule);
    ev->room_rule = NULL;
    if (!ev->rblk)
        return;
    for (int r = 0; r < ev->nres; r++)
        free(ev->rblk[r]);
    free(ev->rblk);
    free(ev->nrblk);
    ev->rblk = NULL;
    ev->nrblk = NULL;
}

/* Is room free over the periods block b (not placed) would take from s,
   and open then? */
static bool room_open(const struct tt_eval *ev, int room, int b, int s)
{
    if (tt_is_virtual(ev->inst, room)) /* #17 virtual rooms */
        return tt_vroom_open(ev, b, room, s);
    int len = ev->inst->blocks[b].length, p = s % ev->nper;
    if (p + len > ev->nper)
        return false;
    const uint16_t *cnt = ev->cnt + (size_t)room * ev->nslots + s;
    for (int i = 0; i < len; i++)
        if (cnt[i])
            return false;
    return !(ev->ignore[(size_t)room * ev->ndays + ev->sday[s]] & tt_run_mask(len, p));
}

int tt_rooms_pick(struct tt_eval *ev, int b, int s, int off)
{
    int n = ev->nroom_ok[b];
    if (n == 0)
        return -1;
    int os = ev->sol->start[b], oroom = ev->sol->room[b];
    int best = -1, tried = 0;
    long best_hard = 0, best_soft = 0;
    /* free rooms are priced, two evaluator moves each: all of them for a
       room-set rule, at most 8 for building rules */
    int most = ev->room_rule && ev->room_rule[b] == 2 ? n : 8;
    for (int i = 0; i < n && tried < most; i++) {
        int room = ev->room_ok[b][(off + i) % n];
        if (!room_open(ev, room, b, s))
            continue;
        tried++;
        tt_eval_move(ev, b, s, room);
        if (best < 0 || ev->whard < best_hard || (ev->whard == best_hard && ev->soft < best_soft)) {
            best = room;
            best_hard = ev->whard;
            best_soft = ev->soft;
        }
    }
    if (tried)
        tt_eval_move(ev, b, os, oroom);
    if (best >= 0)
        return best;
    /* none free: as the solver does, a lesson that needs a room takes a
       busy one (a clash the repair sees), one that only prefers goes
       without */
    return ev->inst->lessons[ev->inst->blocks[b].lesson].needs_room ? ev->room_ok[b][off % n]
                                                                    : -1;
}

int tt_rooms_distinct(const struct tt_eval *ev, int ci)
{
    const int *it = ev->citems[ci];
    int k = 0;
    for (int i = 0; i < ev->nci[ci]; i++) {
        int r = ev->sol->room[it[i]];
        if (ev->sol->start[it[i]] < 0 || r < 0)
            continue;
        bool dup = false;
        for (int j = 0; j < i && !dup; j++)
            dup = ev->sol->start[it[j]] >= 0 && ev->sol->room[it[j]] == r;
        k += !dup;
    }
    return k;
}

/* One lesson of a resource's building sequence. */
struct visit {
    int start, end; /* periods on the day: [start, end) */
    int building;
};

/* The resource's lessons on day d that sit in a building, in time order
   (ties by block index, so the order depends on the timetable alone).
   Returns how many; *heap_r is set when v was too small. */
static int day_visits(const struct tt_eval *ev, int r, int d, struct visit *v, int cap,
                      struct visit **heap_r)
{
    const struct tt_instance *inst = ev->inst;
    *heap_r = NULL;
    if (!ev->rblk)
        return 0;
    const int *blk = ev->rblk[r];
    int nb = ev->nrblk[r], n = 0;
    if (nb > cap) {
        *heap_r = xmalloc((size_t)nb * sizeof(struct visit));
        v = *heap_r;
    }
    for (int i = 0; i < nb; i++) {
        int b = blk[i], s = ev->sol->start[b], room = ev->sol->room[b];
        if (s < 0 || ev->sday[s] != d || room < 0 || inst->resources[room].building == 0)
            continue;
        int p = s - d * ev->nper;
        struct visit x = {p, p + inst->blocks[b].length, inst->resources[room].building};
        int j = n++;
        for (; j > 0 && v[j - 1].start > x.start; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
    return n;
}

int tt_building_day_value(const struct tt_eval *ev, const struct tt_constraint *c, int d)
{
    struct visit small[64], *heap;
    int n = day_visits(ev, c->resource, d, small, 64, &heap);
    const struct visit *v = heap ? heap : small;
    int changes = 0, short_gaps = 0;
    for (int i = 1; i < n; i++) {
        if (v[i].building == v[i - 1].building)
            continue;
        changes++;
        if (v[i].start - v[i - 1].end < c->n)
            short_gaps++;
    }
    free(heap);
    switch (c->type) {
    case TT_BUILDING_CHANGES_DAY:
        return changes > c->n ? changes - c->n : 0;
    case TT_BUILDING_CHANGES_WEEK:
        return changes; /* eval.c's fold_days sums the week */
    case TT_BUILDING_MIN_GAPS:
        return short_gaps;
    default:
        return 0;
    }
}

long tt_room_set_units(const struct tt_eval *ev, int ci)
{
    const struct tt_instance *inst = ev->inst;
    const struct tt_constraint *c = &inst->constraints[ci];
    const int *it = ev->citems[ci];
    int n = ev->nci[ci];
    const int *start = ev->sol->start, *room = ev->sol->room;
    long u = 0;
    if (c->type == TT_SAME_ROOM_IF_CONSECUTIVE) {
        for (int i = 0; i < n; i++) {
            int si = start[it[i]], ri = room[it[i]];
            if (si < 0 || ri < 0)
                continue;
            int ei = si + inst->blocks[it[i]].length;
            for (int j = i + 1; j < n; j++) {
                int sj = start[it[j]], rj = room[it[j]];
                if (sj < 0 || rj < 0 || rj == ri || ev->sday[si] != ev->sday[sj])
                    continue;
                int ej = sj + inst->blocks[it[j]].length;
                /* ends are slots: a block ending at the day's last period
                   "ends" at the next day's first slot, never a start of
                   the same day, so the day check above suffices */
                if (ei == sj || ej == si)
                    u++;
            }
        }
        return u;
    }
    if (c->type == TT_MAX_DIFFERENT_ROOMS) {
        /* units: the blocks outside the n most used rooms, the lessons
           that would have to move (as TT_MAX_DAYS_WEEK does with days):
           zero exactly when at most n rooms are used, and each lesson
           moved off a little-used room lowers it, which guides the search
           where counting rooms would be flat */
        int rooms_small[64], uses_small[64], k = 0;
        int *rooms_seen = n > 64 ? xmalloc((size_t)n * sizeof(int)) : rooms_small;
        int *uses = n > 64 ? xmalloc((size_t)n * sizeof(int)) : uses_small;
        for (int i = 0; i < n; i++) {
            int r = room[it[i]];
            if (start[it[i]] < 0 || r < 0)
                continue;
            int j = 0;
            while (j < k && rooms_seen[j] != r)
                j++;
            if (j == k) {
                rooms_seen[k] = r;
                uses[k++] = 0;
            }
            uses[j]++;
        }
        u += tt_sum_lightest(uses, k, c->n); /* the k - n least used rooms */
        if (rooms_seen != rooms_small) {
            free(rooms_seen);
            free(uses);
        }
        return u;
    }
    return 0;
}

/* --- #17 virtual rooms ---------------------------------------------------
 *
 * FET's virtual rooms (checked with fet-cl on tests/data/fet/virtual-rooms.fet):
 * a block in a virtual room takes one real room of each of its sets, all
 * different; the real rooms are busy then (a clash with any other lesson
 * in them) and their unavailable times count; the virtual room's own
 * capacity, building and unavailable times are the ones rules read, and two
 * blocks may sit in the same virtual room at once when their real rooms
 * differ. The solution keeps the real rooms per block (sol->real); the
 * evaluator chooses them when a move does not give them, by a matching of
 * sets to free real rooms (tt_vrooms_choose).
 */

int tt_room_add_set(struct tt_instance *inst, int room)
{
    struct tt_resource *r = &inst->resources[room];
    r->sets = xrealloc(r->sets, (size_t)(r->nsets + 1) * sizeof(*r->sets));
    r->set_len = xrealloc(r->set_len, (size_t)(r->nsets + 1) * sizeof(int));
    r->sets[r->nsets] = NULL;
    r->set_len[r->nsets] = 0;
    return r->nsets++;
}

void tt_room_set_add(struct tt_instance *inst, int room, int set, int real)
{
    struct tt_resource *r = &inst->resources[room];
    for (int i = 0; i < r->set_len[set]; i++)
        if (r->sets[set][i] == real)
            return;
    tt_push(&r->sets[set], &r->set_len[set], real);
}

int tt_max_sets(const struct tt_instance *inst)
{
    int m = 0;
    for (int r = 0; r < inst->nresources; r++)
        if (inst->resources[r].nsets > m)
            m = inst->resources[r].nsets;
    return m;
}

static bool is_real_room(const struct tt_instance *inst, int r)
{
    return r >= 0 && r < inst->nresources && inst->resources[r].kind == TT_ROOM &&
           inst->resources[r].nsets == 0;
}

int tt_vrooms_validate(const struct tt_instance *inst, char **error_r)
{
    for (int r = 0; r < inst->nresources; r++) {
        const struct tt_resource *v = &inst->resources[r];
        if (v->nsets == 0)
            continue;
        bool ok = v->kind == TT_ROOM && v->nsets <= TT_MAX_SETS;
        for (int k = 0; k < v->nsets && ok; k++) {
            ok = v->set_len[k] > 0;
            for (int i = 0; i < v->set_len[k] && ok; i++)
                ok = is_real_room(inst, v->sets[k][i]);
        }
        if (!ok) {
            *error_r = str_fmt("El aula virtual «%s» debe tener entre 1 y %d conjuntos de aulas "
                               "reales, ninguno vacío.",
                               v->name, TT_MAX_SETS);
            return -1;
        }
    }
    for (int b = 0; b < inst->nblocks; b++)
        for (int i = 0; i < inst->blocks[b].npin_real; i++)
            if (!is_real_room(inst, inst->blocks[b].pin_real[i])) {
                *error_r = str_fmt("Un bloque está fijado a un aula real que no existe.");
                return -1;
            }
    return 0;
}

static bool in_list(const int *v, int n, int x)
{
    for (int i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

long tt_vrooms_builtin(const struct tt_eval *ev, int b)
{
    const struct tt_instance *inst = ev->inst;
    int room = ev->sol->room[b];
    const struct tt_resource *v = &inst->resources[room];
    const int *real = ev->sol->real + (size_t)b * ev->sol->nreal;
    long u = 0;
    for (int k = 0; k < v->nsets; k++)
        if (real[k] < 0 || !in_list(v->sets[k], v->set_len[k], real[k]))
            u++;
    /* pinned real rooms: exactly those, in any order */
    const struct tt_block *bl = &inst->blocks[b];
    if (bl->npin_real > 0) {
        bool same = bl->npin_real == v->nsets;
        for (int k = 0; k < v->nsets && same; k++)
            same = in_list(bl->pin_real, bl->npin_real, real[k]);
        u += !same;
    }
    return u;
}

/* Is real room r free and open over len periods from s? */
static bool real_open(const struct tt_eval *ev, int r, int s, int len)
{
    const uint16_t *cnt = ev->cnt + (size_t)r * ev->nslots + s;
    for (int i = 0; i < len; i++)
        if (cnt[i])
            return false;
    return !(ev->ignore[(size_t)r * ev->ndays + ev->sday[s]] & tt_run_mask(len, s % ev->nper));
}

struct vmatch {
    const struct tt_eval *ev;
    const struct tt_resource *v;
    const struct tt_block *bl;
    int s, len;
    const int *pref;       /* the current real rooms, tried first */
    int *got;              /* per set: the matched room or -1 */
    uint32_t seen;         /* sets visited in this augmenting search */
};

static bool allowed(const struct vmatch *m, int r)
{
    return m->bl->npin_real == 0 || in_list(m->bl->pin_real, m->bl->npin_real, r);
}

static int owner_of(const struct vmatch *m, int r)
{
    for (int k = 0; k < m->v->nsets; k++)
        if (m->got[k] == r)
            return k;
    return -1;
}

/* Kuhn's augmenting path from set k. Not tt_match (match.h), on purpose:
   this one runs inside every move's pricing, so it tests a room's being
   free as it meets it rather than building the candidate lists first, and
   tries the set's current room first within the search. */
static bool augment(struct vmatch *m, int k)
{
    m->seen |= (uint32_t)1 << k;
    int n = m->v->set_len[k];
    for (int i = -1; i < n; i++) {
        int r = i < 0 ? (m->pref ? m->pref[k] : -1) : m->v->sets[k][i];
        if (r < 0 || (i >= 0 && m->pref && r == m->pref[k]))
            continue;
        if (i < 0 && !in_list(m->v->sets[k], n, r))
            continue;
        if (!allowed(m, r) || !real_open(m->ev, r, m->s, m->len))
            continue;
        int o = owner_of(m, r);
        if (o < 0 || (!(m->seen & ((uint32_t)1 << o)) && augment(m, o))) {
            m->got[k] = r;
            return true;
        }
    }
    return false;
}

/* The number of sets matched to free real rooms for block b (not placed)
   in virtual room room at s; got[] receives the rooms (-1 unmatched). */
static int vmatch_run(const struct tt_eval *ev, int b, int room, int s, const int *pref, int *got)
{
    struct vmatch m = {ev, &ev->inst->resources[room], &ev->inst->blocks[b], s, 0, pref, got, 0};
    m.len = m.bl->length;
    if (s % ev->nper + m.len > ev->nper)
        m.len = ev->nper - s % ev->nper;
    int matched = 0;
    for (int k = 0; k < m.v->nsets; k++)
        got[k] = -1;
    for (int k = 0; k < m.v->nsets; k++) {
        m.seen = 0;
        matched += augment(&m, k);
    }
    return matched;
}

bool tt_vroom_open(const struct tt_eval *ev, int b, int room, int s)
{
    const struct tt_resource *v = &ev->inst->resources[room];
    int len = ev->inst->blocks[b].length, p = s % ev->nper;
    if (p + len > ev->nper ||
        (ev->ignore[(size_t)room * ev->ndays + ev->sday[s]] & tt_run_mask(len, p)))
        return false;
    int got[TT_MAX_SETS];
    return vmatch_run(ev, b, room, s, NULL, got) == v->nsets;
}

void tt_vrooms_choose(const struct tt_eval *ev, int b, int room, int s, int *real)
{
    const struct tt_resource *v = &ev->inst->resources[room];
    const struct tt_block *bl = &ev->inst->blocks[b];
    int got[TT_MAX_SETS], pref[TT_MAX_SETS];
    for (int k = 0; k < v->nsets; k++)
        pref[k] = real[k];
    vmatch_run(ev, b, room, s, pref, got);
    /* sets left without a free room: the allowed room of the set least
       busy then that the block does not use yet (a clash the repair sees),
       else the first one */
    for (int k = 0; k < v->nsets; k++) {
        if (got[k] >= 0)
            continue;
        int best = -1;
        long best_busy = 0;
        for (int i = 0; i < v->set_len[k]; i++) {
            int r = v->sets[k][i];
            if ((bl->npin_real > 0 && !in_list(bl->pin_real, bl->npin_real, r)) ||
                in_list(got, v->nsets, r))
                continue;
            long busy = 0;
            const uint16_t *cnt = ev->cnt + (size_t)r * ev->nslots + s;
            for (int j = 0; j < bl->length && s % ev->nper + j < ev->nper; j++)
                busy += cnt[j];
            if (best < 0 || busy < best_busy) {
                best = r;
                best_busy = busy;
            }
        }
        got[k] = best >= 0 ? best : v->sets[k][0];
    }
    for (int k = 0; k < v->nsets; k++)
        real[k] = got[k];
}
