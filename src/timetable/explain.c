/*
 * Explanations: every violation of a timetable in plain words, in Spanish
 * or English, naming the teacher, class, room, day and rule involved. The
 * evaluator says how much; this file says what and where, recomputing the
 * details from the evaluator's state (it runs once per report, so clarity
 * beats speed here).
 */
#include "timetable/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

struct out {
    struct tt_violation *v;
    int n, cap;
    enum tt_lang lang;
    const struct tt_instance *inst;
};

/* Adds a violation; fmt_es and fmt_en take the same arguments in order. */
static void add(struct out *o, bool hard, long cost, int ci, const char *fmt_es,
                const char *fmt_en, ...)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 16;
        o->v = xrealloc(o->v, (size_t)o->cap * sizeof(*o->v));
    }
    char buf[1024];
    va_list ap;
    va_start(ap, fmt_en);
    vsnprintf(buf, sizeof(buf), o->lang == TT_ES ? fmt_es : fmt_en, ap);
    va_end(ap);
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_adds(&sb, buf);
    if (ci >= 0) {
        const struct tt_constraint *c = &o->inst->constraints[ci];
        if (c->origin)
            strbuf_addf(&sb, " [%s]", c->origin);
        if (!hard)
            strbuf_addf(&sb, o->lang == TT_ES ? " (peso %d)" : " (weight %d)", c->weight);
    }
    o->v[o->n].hard = hard;
    o->v[o->n].cost = cost;
    o->v[o->n].constraint = ci;
    o->v[o->n].text = strbuf_steal(&sb);
    o->n++;
}

static const char *kind_es(enum tt_kind k)
{
    static const char *const w[] = {"El docente", "La sección", "El aula"};
    return w[k];
}

static const char *kind_en(enum tt_kind k)
{
    static const char *const w[] = {"Teacher", "Class", "Room"};
    return w[k];
}

/* "«Matemática» (C1, T01)" for a block, in a static-size buffer. */
static const char *block_name(const struct tt_instance *inst, int b, char *buf, size_t n)
{
    const struct tt_block *bl = &inst->blocks[b];
    const struct tt_lesson *l = &inst->lessons[bl->lesson];
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_addf(&sb, "«%s»", l->subject >= 0 ? inst->subjects[l->subject] : "?");
    int k = 0;
    for (int i = 0; i < l->nclasses && i < 3; i++, k++)
        strbuf_addf(&sb, "%s%s", k ? ", " : " (", inst->resources[l->classes[i]].name);
    for (int i = 0; i < l->nteachers && i < 3; i++, k++)
        strbuf_addf(&sb, "%s%s", k ? ", " : " (", inst->resources[l->teachers[i]].name);
    if (k)
        strbuf_adds(&sb, ")");
    if (bl->ext_id)
        strbuf_addf(&sb, " [id %ld]", bl->ext_id);
    str_copy(buf, n, sb.data ? sb.data : "");
    strbuf_cleanup(&sb);
    return buf;
}

static void explain_clashes(struct out *o, const struct tt_eval *ev)
{
    const struct tt_instance *inst = ev->inst;
    for (int r = 0; r < inst->nresources; r++) {
        const struct tt_resource *res = &inst->resources[r];
        if (res->nsets > 0) /* #17 virtual rooms: shared, its real rooms clash */
            continue;
        for (int s = 0; s < ev->nslots; s++) {
            int c = ev->cnt[(size_t)r * ev->nslots + s];
            if (c < 2)
                continue;
            const char *day = inst->day_names[s / ev->nper];
            const char *per = inst->periods[s % ev->nper].name;
            add(o, true, c - 1, -1, "%s %s tiene %d clases a la vez el %s, período %s.",
                "%s %s has %d lessons at the same time on %s, period %s.",
                o->lang == TT_ES ? kind_es(res->kind) : kind_en(res->kind), res->name, c, day,
                per);
        }
    }
}

static void explain_builtin(struct out *o, const struct tt_eval *ev)
{
    const struct tt_instance *inst = ev->inst;
    char name[256];
    for (int b = 0; b < inst->nblocks; b++) {
        if (ev->builtin[b] == 0)
            continue;
        const struct tt_block *bl = &inst->blocks[b];
        int s = ev->sol->start[b], room = ev->sol->room[b];
        block_name(inst, b, name, sizeof(name));
        if (s < 0) {
            add(o, true, bl->length, -1, "%s no tiene día ni hora asignados.",
                "%s has no day and time.", name);
            continue;
        }
        const char *day = inst->day_names[s / ev->nper];
        const char *per = inst->periods[s % ev->nper].name;
        if (!tt_start_fits(ev, b, s))
            add(o, true, 1, -1, "%s empieza el %s, período %s, y cruza un recreo, una hora cerrada o el final del día.",
                "%s starts on %s, period %s, and crosses a break, a closed period or the end of the day.",
                name, day, per);
        if (bl->pin_day >= 0 && s / ev->nper != bl->pin_day)
            add(o, true, 1, -1, "%s está fijado al %s pero quedó el %s.",
                "%s is pinned to %s but was placed on %s.", name, inst->day_names[bl->pin_day], day);
        if (bl->pin_period >= 0 && s % ev->nper != bl->pin_period)
            add(o, true, 1, -1, "%s está fijado al período %s pero quedó en el período %s.",
                "%s is pinned to period %s but was placed in period %s.", name,
                inst->periods[bl->pin_period].name, per);
        if (inst->lessons[bl->lesson].needs_room && room < 0)
            add(o, true, 1, -1, "%s necesita un aula y no tiene ninguna.",
                "%s needs a room and has none.", name);
        else if (room >= 0 && !tt_room_fits(ev, b, room))
            add(o, true, 1, -1, "%s está en el aula %s, que no le sirve (no permitida, de otro tipo, pequeña o distinta de la fijada).",
                "%s is in room %s, which does not suit it (not allowed, other type, too small or not the pinned one).",
                name, inst->resources[room].name);
        if (room >= 0 && inst->resources[room].nsets > 0) { /* #17 virtual rooms */
            long u = tt_vrooms_builtin(ev, b);
            if (u > 0)
                add(o, true, u, -1, "%s está en el aula virtual %s sin un aula real de cada uno de sus conjuntos (o sin las aulas reales fijadas).",
                    "%s is in virtual room %s without a real room from each of its sets (or without its pinned real rooms).",
                    name, inst->resources[room].name);
        }
    }
}

static void explain_resource(struct out *o, const struct tt_eval *ev, int ci)
{
    const struct tt_instance *inst = ev->inst;
    const struct tt_constraint *c = &inst->constraints[ci];
    const struct tt_resource *res = &inst->resources[c->resource];
    const char *who = o->lang == TT_ES ? kind_es(res->kind) : kind_en(res->kind);
    long units = ev->units[ci];
    long cost = c->hard ? units : units * c->weight;
    const int *dv = ev->dayval + (size_t)ci * ev->ndays;
    int total = 0;
    for (int d = 0; d < ev->ndays; d++)
        total += dv[d];
    /* --- #17 rtime: resource time patterns, one line each (rtime.c) --- */
    if (tt_rtime_type(c)) {
        char text[1024];
        tt_rtime_explain(ev, ci, o->lang, text, (int)sizeof(text));
        add(o, c->hard, cost, ci, "%s", "%s", text);
        return;
    }
    switch (c->type) {
    case TT_UNAVAILABLE:
    case TT_MAX_GAPS_DAY:
    case TT_MAX_PERIODS_DAY:
    case TT_MIN_PERIODS_DAY:
    case TT_MAX_SPAN_DAY:
        for (int d = 0; d < ev->ndays; d++) {
            if (dv[d] == 0)
                continue;
            long dc = c->hard ? dv[d] : (long)dv[d] * c->weight;
            const char *day = inst->day_names[d];
            uint64_t m = ev->busy[(size_t)c->resource * ev->ndays + d];
            int pc = tt_popcount(m);
            if (c->type == TT_UNAVAILABLE)
                add(o, c->hard, dc, ci, "%s %s tiene %d período(s) de clase el %s en horas en que no está disponible.",
                    "%s %s has %d lesson period(s) on %s at times when it is unavailable.", who,
                    res->name, dv[d], day);
            else if (c->type == TT_MAX_GAPS_DAY)
                add(o, c->hard, dc, ci, "%s %s tiene %d hora(s) libre(s) entre clases el %s (máximo %d).",
                    "%s %s has %d idle period(s) between lessons on %s (at most %d).", who,
                    res->name, tt_eval_gaps(ev, c->resource, d), day, c->n);
            else if (c->type == TT_MAX_PERIODS_DAY)
                add(o, c->hard, dc, ci, "%s %s tiene %d períodos de clase el %s (máximo %d).",
                    "%s %s has %d lesson periods on %s (at most %d).", who, res->name, pc, day,
                    c->n);
            else if (c->type == TT_MIN_PERIODS_DAY)
                add(o, c->hard, dc, ci, "%s %s tiene %d período(s) de clase el %s (mínimo %d).",
                    "%s %s has %d lesson period(s) on %s (at least %d).", who, res->name, pc, day,
                    c->n);
            else
                add(o, c->hard, dc, ci, "%s %s pasa %d períodos entre su primera y su última clase el %s (máximo %d).",
                    "%s %s spans %d periods from first to last lesson on %s (at most %d).", who,
                    res->name, 64 - __builtin_clzll(m) - __builtin_ctzll(m), day, c->n);
        }
        return;
    case TT_MAX_GAPS_WEEK: {
        char days[512] = "";
        size_t len = 0;
        for (int d = 0; d < ev->ndays; d++)
            if (dv[d] > 0 && len < sizeof(days) - 64)
                len += (size_t)snprintf(days + len, sizeof(days) - len, "%s%s %d", len ? ", " : "",
                                        inst->day_names[d], dv[d]);
        add(o, c->hard, cost, ci, "%s %s tiene %d hora(s) libre(s) entre clases en la semana (máximo %d): %s.",
            "%s %s has %d idle period(s) between lessons in the week (at most %d): %s.", who,
            res->name, total, c->n, days);
        return;
    }
    case TT_MAX_DAYS_WEEK:
        total = 0;
        for (int d = 0; d < ev->ndays; d++)
            total += dv[d] > 0;
        add(o, c->hard, cost, ci, "%s %s tiene clases %d días de la semana (máximo %d).",
            "%s %s has lessons on %d days of the week (at most %d).", who, res->name, total, c->n);
        return;
    case TT_MIN_DAYS_WEEK:
        add(o, c->hard, cost, ci, "%s %s tiene clases solo %d días de la semana (mínimo %d).",
            "%s %s has lessons on only %d days of the week (at least %d).", who, res->name, total,
            c->n);
        return;
    case TT_EARLY_START: {
        int second = 0, late = 0;
        for (int d = 0; d < ev->ndays; d++) {
            second += dv[d] == 1;
            late += dv[d] == 2;
        }
        add(o, c->hard, cost, ci, "%s %s empieza en el segundo período %d día(s) (máximo %d) y más tarde %d día(s) (ninguno permitido).",
            "%s %s starts at the second period on %d day(s) (at most %d) and later on %d day(s) (none allowed).",
            who, res->name, second, c->n, late);
        return;
    }
    case TT_PREFERENCE:
        add(o, c->hard, cost, ci,
            c->level < 0 ? "%s %s tiene %d período(s) de clase en horas o días que prefiere evitar."
                         : "%s %s tiene clases fuera de las horas o días que prefiere (%d unidades).",
            c->level < 0 ? "%s %s has %d lesson period(s) at times or days it would rather avoid."
                         : "%s %s has lessons outside its preferred times or days (%d units).",
            who, res->name, (int)units);
        return;
    /* --- #17 rooms --- */
    case TT_BUILDING_CHANGES_DAY:
    case TT_BUILDING_MIN_GAPS:
        for (int d = 0; d < ev->ndays; d++) {
            if (dv[d] == 0)
                continue;
            long dc = c->hard ? dv[d] : (long)dv[d] * c->weight;
            if (c->type == TT_BUILDING_CHANGES_DAY)
                add(o, c->hard, dc, ci, "%s %s cambia de edificio %d vez/veces el %s (máximo %d).",
                    "%s %s changes building %d time(s) on %s (at most %d).", who, res->name,
                    dv[d] + c->n, inst->day_names[d], c->n);
            else
                add(o, c->hard, dc, ci, "%s %s cambia de edificio %d vez/veces el %s sin dejar al menos %d período(s) entre las dos clases.",
                    "%s %s changes building %d time(s) on %s without at least %d period(s) between the two lessons.",
                    who, res->name, dv[d], inst->day_names[d], c->n);
        }
        return;
    case TT_BUILDING_CHANGES_WEEK:
        add(o, c->hard, cost, ci, "%s %s cambia de edificio %d vez/veces en la semana (máximo %d).",
            "%s %s changes building %d time(s) in the week (at most %d).", who, res->name, total,
            c->n);
        return;
    default:
        return;
    }
}

/* --- #17 pairs: consecutive, grouped, ordered, max days between --- */

/* "Lunes, período 3" (or "sin ubicar") for block b, in buf. */
static const char *pair_where(const struct out *o, const struct tt_eval *ev, int b, char *buf,
                              size_t n)
{
    int s = ev->sol->start[b];
    if (s < 0)
        snprintf(buf, n, "%s", o->lang == TT_ES ? "sin ubicar" : "not placed");
    else
        snprintf(buf, n, o->lang == TT_ES ? "%s, período %s" : "%s, period %s",
                 ev->inst->day_names[s / ev->nper], ev->inst->periods[s % ev->nper].name);
    return buf;
}

static void explain_pairs(struct out *o, const struct tt_eval *ev, int ci)
{
    const struct tt_instance *inst = ev->inst;
    const struct tt_constraint *c = &inst->constraints[ci];
    const int *it = ev->citems[ci];
    int n = ev->nci[ci];
    long cost = c->hard ? ev->units[ci] : ev->units[ci] * c->weight;
    char na[256], nb[256], nc[256], wa[128], wb[128], wc[128];
    if (n < 2)
        return;
    if (c->type == TT_GROUPED3) {
        if (n != 3)
            return;
        add(o, c->hard, cost, ci,
            "%s (%s), %s (%s) y %s (%s) deben ir seguidas el mismo día, en cualquier orden, "
            "con solo recreos entre ellas: %ld par(es) no lo están.",
            "%s (%s), %s (%s) and %s (%s) must follow each other on the same day, in any "
            "order, with only breaks between them: %ld pair(s) do not.",
            block_name(inst, it[0], na, sizeof(na)), pair_where(o, ev, it[0], wa, sizeof(wa)),
            block_name(inst, it[1], nb, sizeof(nb)), pair_where(o, ev, it[1], wb, sizeof(wb)),
            block_name(inst, it[2], nc, sizeof(nc)), pair_where(o, ev, it[2], wc, sizeof(wc)),
            ev->units[ci]);
        return;
    }
    if (c->type == TT_MAX_DAYS_BETWEEN) {
        int lo = ev->ndays, hi = -1;
        for (int i = 0; i < n; i++) {
            int s = ev->sol->start[it[i]];
            if (s >= 0) {
                lo = s / ev->nper < lo ? s / ev->nper : lo;
                hi = s / ev->nper > hi ? s / ev->nper : hi;
            }
        }
        if (hi < 0)
            return;
        add(o, c->hard, cost, ci,
            "Los %d bloques (con %s) deben quedar a lo sumo a %d día(s) entre sí; el primero "
            "está el %s y el último el %s: %ld par(es) quedan más lejos.",
            "The %d blocks (with %s) must be at most %d day(s) apart; the earliest is on %s "
            "and the latest on %s: %ld pair(s) are further apart.",
            n, block_name(inst, it[0], na, sizeof(na)), c->n, inst->day_names[lo],
            inst->day_names[hi], ev->units[ci]);
        return;
    }
    /* two activities: one line per pair that breaks the rule, the first
       activity (items[0]) with each other one */
    int a = it[0];
    for (int i = 1; i < n; i++) {
        int b = it[i], sa = ev->sol->start[a], sb = ev->sol->start[b];
        if (sa < 0 || sb < 0 || tt_pair_units(ev, c, a, sa, b, sb) == 0)
            continue;
        long pc = c->hard ? 1 : c->weight;
        block_name(inst, a, na, sizeof(na));
        block_name(inst, b, nb, sizeof(nb));
        pair_where(o, ev, a, wa, sizeof(wa));
        pair_where(o, ev, b, wb, sizeof(wb));
        if (c->type == TT_CONSECUTIVE)
            add(o, c->hard, pc, ci,
                "%s (%s) debe empezar justo cuando termina %s (%s), el mismo día; entre ambas solo "
                "puede haber recreos.",
                "%s (%s) must start right when %s (%s) ends, on the same day; only breaks may lie "
                "between them.",
                nb, wb, na, wa);
        else if (c->type == TT_GROUPED)
            add(o, c->hard, pc, ci,
                "%s (%s) y %s (%s) deben ir una junto a la otra el mismo día, en cualquier orden; "
                "entre ambas solo puede haber recreos.",
                "%s (%s) and %s (%s) must be side by side on the same day, in either order; only "
                "breaks may lie between them.",
                na, wa, nb, wb);
        else if (c->type == TT_ORDERED)
            add(o, c->hard, pc, ci,
                "%s (%s) debe empezar después de que termine %s (%s), en el orden de la semana.",
                "%s (%s) must start after %s (%s) ends, in the order of the week.", nb, wb, na,
                wa);
        else if (c->type == TT_ORDERED_IF_SAME_DAY)
            add(o, c->hard, pc, ci,
                "%s (%s) debe empezar después de que termine %s (%s), porque están el mismo día.",
                "%s (%s) must start after %s (%s) ends, since both are on the same day.", nb, wb,
                na, wa);
    }
}
/* --- end #17 pairs */

static void explain_blocks(struct out *o, const struct tt_eval *ev, int ci)
{
    const struct tt_instance *inst = ev->inst;
    const struct tt_constraint *c = &inst->constraints[ci];
    long units = ev->units[ci];
    long cost = c->hard ? units : units * c->weight;
    char name[256];
    const int *it = ev->citems[ci];
    int n = ev->nci[ci];
    switch (c->type) {
    case TT_BLOCK_STARTS:
    case TT_BLOCK_SLOTS:
    case TT_BLOCK_ROOMS:
        /* say which blocks, one line for the constraint */
        for (int i = 0; i < n; i++) {
            int b = it[i], s = ev->sol->start[b];
            if (s < 0)
                continue;
            bool bad;
            uint64_t sel = c->slots ? c->slots[s / ev->nper] : 0;
            int p = s % ev->nper;
            uint64_t m = tt_run_mask(inst->blocks[b].length, p);
            if (c->type == TT_BLOCK_STARTS)
                bad = !((sel >> p) & 1);
            else if (c->type == TT_BLOCK_SLOTS)
                bad = (m & ~sel) != 0;
            else {
                bad = true;
                for (int k = 0; k < c->nrooms; k++)
                    if (c->rooms[k] == ev->sol->room[b])
                        bad = false;
            }
            if (!bad)
                continue;
            block_name(inst, b, name, sizeof(name));
            long bc = c->hard ? 1 : c->weight;
            if (c->type == TT_BLOCK_ROOMS)
                add(o, c->hard, bc, ci, "%s no está en una de las aulas indicadas para ella.",
                    "%s is not in one of the rooms given for it.", name);
            else
                add(o, c->hard, bc, ci, "%s está el %s, período %s, fuera de las horas permitidas.",
                    "%s is on %s, period %s, outside its allowed times.", name,
                    inst->day_names[s / ev->nper], inst->periods[p].name);
        }
        return;
    case TT_MIN_DAYS:
        block_name(inst, it[0], name, sizeof(name));
        if (c->n == 0) {
            add(o, c->hard, cost, ci, "Los %d bloques de %s, si quedan el mismo día, deben ir seguidos: %ld par(es) no lo están.",
                "The %d blocks of %s must follow each other when on the same day: %ld pair(s) do not.",
                n, name, units);
            return;
        }
        add(o, c->hard, cost, ci, "Los %d bloques de %s deben quedar al menos a %d día(s) entre sí: %ld par(es) no lo cumplen.",
            "The %d blocks of %s must be at least %d day(s) apart: %ld pair(s) are not.", n, name,
            c->n, units);
        return;
    case TT_SAME_START:
    case TT_SAME_DAY:
    case TT_SAME_PERIOD: {
        block_name(inst, it[0], name, sizeof(name));
        const char *what_es = c->type == TT_SAME_START ? "a la misma hora del mismo día"
                              : c->type == TT_SAME_DAY ? "el mismo día"
                                                       : "en el mismo período";
        const char *what_en = c->type == TT_SAME_START ? "at the same time"
                              : c->type == TT_SAME_DAY ? "on the same day"
                                                       : "in the same period";
        add(o, c->hard, cost, ci, "%d clases deben empezar %s (con %s); %ld no lo hacen.",
            "%d lessons must start %s (with %s); %ld do not.", n,
            o->lang == TT_ES ? what_es : what_en, name, units);
        return;
    }
    case TT_NOT_OVERLAPPING:
        block_name(inst, it[0], name, sizeof(name));
        add(o, c->hard, cost, ci, "%d clases (con %s) no deben coincidir y se solapan %ld período(s).",
            "%d lessons (with %s) must not overlap and overlap for %ld period(s).", n, name, units);
        return;
    case TT_MIN_GAP:
        block_name(inst, it[0], name, sizeof(name));
        add(o, c->hard, cost, ci, "%d clases (con %s) deben dejar %d período(s) libres entre ellas el mismo día; %ld par(es) no lo hacen.",
            "%d lessons (with %s) must leave %d free period(s) between them on the same day; %ld pair(s) do not.",
            n, name, c->n, units);
        return;
    /* --- #17 pairs --- */
    case TT_CONSECUTIVE:
    case TT_GROUPED:
    case TT_GROUPED3:
    case TT_ORDERED:
    case TT_ORDERED_IF_SAME_DAY:
    case TT_MAX_DAYS_BETWEEN:
        explain_pairs(o, ev, ci);
        return;
    /* --- end #17 pairs */
    case TT_SUBJECT_MAX_DAY:
        for (int d = 0; d < ev->ndays; d++) {
            int k = 0;
            for (int i = 0; i < n; i++) {
                int s = ev->sol->start[it[i]];
                if (s >= 0 && s / ev->nper == d)
                    k += inst->blocks[it[i]].length;
            }
            if (k <= c->n)
                continue;
            long dc = c->hard ? k - c->n : (long)(k - c->n) * c->weight;
            add(o, c->hard, dc, ci, "La sección %s tiene %d períodos de «%s» el %s (máximo %d).",
                "Class %s has %d periods of «%s» on %s (at most %d).",
                inst->resources[c->resource].name, k, inst->subjects[c->subject],
                inst->day_names[d], c->n);
        }
        return;
    case TT_PREFERENCE:
        if (c->pref_kind == TT_PREF_SUBJECT)
            add(o, c->hard, cost, ci,
                c->level < 0 ? "El docente %s dicta «%s», materia que prefiere no dictar."
                             : "El docente %s dicta materias distintas de «%s», la que prefiere.",
                c->level < 0 ? "Teacher %s teaches «%s», a subject they would rather not teach."
                             : "Teacher %s teaches subjects other than «%s», the one they prefer.",
                inst->resources[c->resource].name,
                c->subject >= 0 ? inst->subjects[c->subject] : "?");
        else
            add(o, c->hard, cost, ci,
                c->level < 0 ? "El docente %s da clases en el aula %s, que prefiere evitar."
                             : "El docente %s da clases fuera del aula %s, la que prefiere.",
                c->level < 0 ? "Teacher %s teaches in room %s, which they would rather avoid."
                             : "Teacher %s teaches outside room %s, the one they prefer.",
                inst->resources[c->resource].name,
                c->nrooms ? inst->resources[c->rooms[0]].name : "?");
        return;
    case TT_ROOM_STABILITY:
        add(o, c->hard, cost, ci, "La sección %s usa %ld aula(s) más de una.",
            "Class %s uses %ld room(s) more than one.", inst->resources[c->resource].name, units);
        return;
    /* --- #17 rooms --- */
    case TT_SAME_ROOM_IF_CONSECUTIVE:
        block_name(inst, it[0], name, sizeof(name));
        add(o, c->hard, cost, ci, "%d clases (con %s) deben quedar en la misma aula cuando van seguidas; %ld par(es) seguidos están en aulas distintas.",
            "%d lessons (with %s) must stay in the same room when one follows the other; %ld such pair(s) are in different rooms.",
            n, name, units);
        return;
    case TT_MAX_DIFFERENT_ROOMS:
        block_name(inst, it[0], name, sizeof(name));
        add(o, c->hard, cost, ci, "%d clases (con %s) usan %d aulas distintas (máximo %d): %ld clase(s) fuera de las %d más usadas.",
            "%d lessons (with %s) use %d different rooms (at most %d): %ld lesson(s) outside the %d most used.",
            n, name, tt_rooms_distinct(ev, ci), c->n, units, c->n);
        return;
    default:
        return;
    }
}

/* --- #17 tags: activity-tag and time-slot-selection rules --- */
static bool is_tags_type(enum tt_ctype t)
{
    return t == TT_TAG_MAX_DAY || t == TT_TAG_MAX_RUN || t == TT_TAG_MIN_GAP_ORDERED ||
           t == TT_OCCUPY_MAX_SLOTS || t == TT_MAX_SIMULTANEOUS;
}

static void explain_tags(struct out *o, const struct tt_eval *ev, int ci)
{
    const struct tt_instance *inst = ev->inst;
    const struct tt_constraint *c = &inst->constraints[ci];
    const char *tag = c->tag ? c->tag : "?", *tag2 = c->tag2 ? c->tag2 : "?";
    const char *who = "", *rname = "";
    if (c->resource >= 0) {
        const struct tt_resource *res = &inst->resources[c->resource];
        who = o->lang == TT_ES ? kind_es(res->kind) : kind_en(res->kind);
        rname = res->name;
    }
    long units = ev->units[ci];
    long cost = c->hard ? units : units * c->weight;
    char name[256];
    switch (c->type) {
    case TT_TAG_MAX_DAY:
    case TT_TAG_MAX_RUN:
        for (int d = 0; d < ev->ndays; d++) {
            uint64_t m = tt_tags_day_mask(ev, ci, d);
            int longest, k = tt_popcount(m);
            long du = c->type == TT_TAG_MAX_DAY ? (k > c->n ? k - c->n : 0)
                                                : tt_tags_run_units(ev, m, c->n, &longest);
            if (du == 0)
                continue;
            long dc = c->hard ? du : du * c->weight;
            if (c->type == TT_TAG_MAX_DAY)
                add(o, c->hard, dc, ci, "%s %s tiene %d períodos de clases con la etiqueta «%s» el %s (máximo %d).",
                    "%s %s has %d periods of lessons tagged «%s» on %s (at most %d).", who,
                    rname, k, tag, inst->day_names[d], c->n);
            else
                add(o, c->hard, dc, ci, "%s %s tiene %d períodos seguidos de clases con la etiqueta «%s» el %s (máximo %d seguidos).",
                    "%s %s has %d periods in a row of lessons tagged «%s» on %s (at most %d in a row).",
                    who, rname, longest, tag, inst->day_names[d], c->n);
        }
        return;
    case TT_TAG_MIN_GAP_ORDERED:
        add(o, c->hard, cost, ci, "%s %s tiene %ld caso(s) de una clase con la etiqueta «%s» seguida el mismo día de una con «%s» con menos de %d período(s) entre ambas.",
            "%s %s has %ld case(s) of a lesson tagged «%s» followed on the same day by one tagged «%s» with fewer than %d period(s) between them.",
            who, rname, units, tag, tag2, c->n);
        return;
    case TT_OCCUPY_MAX_SLOTS: {
        int k = 0;
        for (int d = 0; d < ev->ndays; d++)
            k += tt_popcount(tt_tags_day_mask(ev, ci, d) & (c->slots ? c->slots[d] : 0));
        block_name(inst, ev->citems[ci][0], name, sizeof(name));
        add(o, c->hard, cost, ci, "%d clases (con %s) ocupan %d de las horas seleccionadas (máximo %d).",
            "%d lessons (with %s) occupy %d of the selected time slots (at most %d).",
            ev->nci[ci], name, k, c->n);
        return;
    }
    case TT_MAX_SIMULTANEOUS:
        block_name(inst, ev->citems[ci][0], name, sizeof(name));
        for (int s = 0; s < ev->nslots && c->slots; s++) {
            int d = s / ev->nper, p = s % ev->nper;
            if (!((c->slots[d] >> p) & 1))
                continue;
            int k = tt_tags_count_at(ev, ci, s);
            if (k <= c->n)
                continue;
            long dc = c->hard ? k - c->n : (long)(k - c->n) * c->weight;
            add(o, c->hard, dc, ci, "%d de las %d clases indicadas (con %s) coinciden el %s, período %s (máximo %d a la vez).",
                "%d of the %d listed lessons (with %s) are at the same time on %s, period %s (at most %d at once).",
                k, ev->nci[ci], name, inst->day_names[d], inst->periods[p].name, c->n);
        }
        return;
    default:
        return;
    }
}

static int by_cost(const void *a, const void *b)
{
    const struct tt_violation *x = a, *y = b;
    if (x->hard != y->hard)
        return x->hard ? -1 : 1;
    return x->cost < y->cost ? 1 : x->cost > y->cost ? -1 : 0;
}

int tt_explain(const struct tt_instance *inst, const struct tt_solution *sol,
               enum tt_lang lang, struct tt_violation **out_r)
{
    struct out o = {NULL, 0, 0, lang, inst};
    struct tt_eval *ev = tt_eval_new(inst, sol);
    explain_clashes(&o, ev);
    explain_builtin(&o, ev);
    for (int ci = 0; ci < inst->nconstraints; ci++) {
        if (ev->units[ci] == 0)
            continue;
        if (tt_family_of(&inst->constraints[ci]) == TT_FAM_RESOURCE)
            explain_resource(&o, ev, ci);
        else if (is_tags_type(inst->constraints[ci].type)) /* #17 tags */
            explain_tags(&o, ev, ci);
        else
            explain_blocks(&o, ev, ci);
    }
    tt_eval_free(&ev);
    if (o.n > 1)
        qsort(o.v, (size_t)o.n, sizeof(*o.v), by_cost);
    *out_r = o.v;
    return o.n;
}

void tt_violations_free(struct tt_violation *v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i].text);
    free(v);
}
