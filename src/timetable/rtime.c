/*
 * Resource time patterns (issue #17, part rtime): the per-resource rules
 * FET calls max hours continuously, interval max days per week, min
 * resting hours, activity ends students day, and max span per day with its
 * one-day exception of plus one.
 *
 * They belong to the evaluator's resource family (eval.c): each keeps one
 * value per day computed from the resource's busy mask on that day, and a
 * fold turns the week's values into units. A move re-prices only the days
 * it touches of the resources it touches, so every value here must depend
 * on that resource's day alone:
 *   - max continuously: periods beyond n in each run of busy periods (a
 *     free period, a break or a closed period ends a run, as in FET);
 *   - interval max days: the periods busy inside the interval (a day
 *     counts when any is); folded like max days per week, into the periods
 *     on the lightest days beyond n;
 *   - min resting: the day's first and last busy period, packed in one
 *     int; the fold prices each pair of consecutive days that both have
 *     lessons (circular: last day to first too) by the periods missing to
 *     n, counting every period after the last lesson and before the first
 *     (breaks rest too, as in FET);
 *   - ends day: the class's busy periods after each of the constraint's
 *     blocks placed that day. The blocks all have the class, so moving one
 *     re-prices that class on its old and new day: exact.
 *   - max span with the exception: the day values of TT_MAX_SPAN_DAY; the
 *     fold forgives one period on one day.
 * Semantics were checked against fet-cl on crafted files (tests in
 * tests/unit/test_tt_rtime.c and tests/data/fet/rtime.fet).
 */
#include "timetable/internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

bool tt_rtime_type(const struct tt_constraint *c)
{
    return c->type == TT_MAX_CONTINUOUS || c->type == TT_INTERVAL_MAX_DAYS ||
           c->type == TT_MIN_RESTING || c->type == TT_ENDS_DAY ||
           (c->type == TT_MAX_SPAN_DAY && c->flag);
}

/* The longest run of set bits of m, and (through excess_r) the bits
   beyond n summed over every run. */
static int runs(uint64_t m, int n, int *excess_r)
{
    int longest = 0, excess = 0;
    while (m) {
        m >>= __builtin_ctzll(m);
        int run = ~m ? __builtin_ctzll(~m) : 64;
        if (run > longest)
            longest = run;
        if (run > n)
            excess += run - n;
        m = run >= 64 ? 0 : m >> run;
    }
    if (excess_r)
        *excess_r = excess;
    return longest;
}

/* Busy periods of the class after block b, when b is on day d. */
static int after_block(const struct tt_eval *ev, uint64_t m, int b, int d)
{
    int s = ev->sol->start[b];
    if (s < 0 || ev->sday[s] != d)
        return 0;
    int end = s % ev->nper + ev->inst->blocks[b].length;
    return end >= 64 ? 0 : tt_popcount(m & ~tt_run_mask(end, 0));
}

int tt_rtime_day_value(const struct tt_eval *ev, const struct tt_constraint *c, int d)
{
    uint64_t m = ev->busy[(size_t)c->resource * ev->ndays + d];
    switch (c->type) {
    case TT_MAX_CONTINUOUS: {
        int excess;
        runs(m, c->n, &excess);
        return excess;
    }
    case TT_INTERVAL_MAX_DAYS:
        return c->slots ? tt_popcount(m & c->slots[d]) : 0;
    case TT_MIN_RESTING:
        if (!m)
            return 0;
        return 1 + __builtin_ctzll(m) * 64 + (63 - __builtin_clzll(m));
    case TT_ENDS_DAY: {
        int v = 0;
        for (int i = 0; i < c->nitems; i++)
            v += after_block(ev, m, c->items[i], d);
        return v;
    }
    default:
        return 0;
    }
}

/* Free periods from the last lesson of day a to the first of day b, from
   their packed day values (both nonzero). */
static int rest_between(const struct tt_eval *ev, int va, int vb)
{
    int last = (va - 1) % 64, first = (vb - 1) / 64;
    return ev->nper - 1 - last + first;
}

/* The day after d for resting hours, or -1. */
static int next_day(const struct tt_eval *ev, const struct tt_constraint *c, int d)
{
    if (d + 1 < ev->ndays)
        return d + 1;
    return c->flag && ev->ndays > 1 ? 0 : -1;
}

/* The free periods from day d to the next day (*e_r), or -1 when there is
   no next day or either day has no lessons. */
static int rest_after(const struct tt_eval *ev, const struct tt_constraint *c, const int *dv,
                      int d, int *e_r)
{
    int e = next_day(ev, c, d);
    *e_r = e;
    if (e < 0 || !dv[d] || !dv[e])
        return -1;
    return rest_between(ev, dv[d], dv[e]);
}

long tt_rtime_fold(const struct tt_eval *ev, const struct tt_constraint *c, const int *dv)
{
    long sum = 0;
    switch (c->type) {
    case TT_INTERVAL_MAX_DAYS: {
        /* as TT_MAX_DAYS_WEEK: the periods on the lightest days beyond n */
        int loads[TT_MAX_DAYS], k = 0;
        for (int d = 0; d < ev->ndays; d++)
            if (dv[d] > 0)
                loads[k++] = dv[d];
        return tt_sum_lightest(loads, k, c->n);
    }
    case TT_MIN_RESTING:
        for (int d = 0; d < ev->ndays; d++) {
            int e, rest = rest_after(ev, c, dv, d, &e);
            if (rest >= 0 && rest < c->n)
                sum += c->n - rest;
        }
        return sum;
    case TT_MAX_SPAN_DAY: {
        bool over = false;
        for (int d = 0; d < ev->ndays; d++) {
            sum += dv[d];
            over = over || dv[d] > 0;
        }
        return c->flag && over ? sum - 1 : sum; /* one day may reach n + 1 */
    }
    default:
        for (int d = 0; d < ev->ndays; d++)
            sum += dv[d];
        return sum;
    }
}

static const char *who_word(enum tt_kind k, enum tt_lang lang)
{
    static const char *const es[] = {"El docente", "La sección", "El aula"};
    static const char *const en[] = {"Teacher", "Class", "Room"};
    return lang == TT_ES ? es[k] : en[k];
}

void tt_rtime_explain(const struct tt_eval *ev, int ci, enum tt_lang lang, char *buf, int n)
{
    const struct tt_instance *inst = ev->inst;
    const struct tt_constraint *c = &inst->constraints[ci];
    const struct tt_resource *res = &inst->resources[c->resource];
    const int *dv = ev->dayval + (size_t)ci * ev->ndays;
    const uint64_t *busy = ev->busy + (size_t)c->resource * ev->ndays;
    bool es = lang == TT_ES;
    const char *who = who_word(res->kind, lang);
    struct strbuf list; /* the days (or lessons) at fault */
    strbuf_init(&list);
    struct strbuf sb;
    strbuf_init(&sb);
    switch (c->type) {
    case TT_MAX_CONTINUOUS:
        for (int d = 0; d < ev->ndays; d++)
            if (dv[d] > 0)
                strbuf_addf(&list, "%s%s %d", list.len ? ", " : "", inst->day_names[d],
                            runs(busy[d], c->n, NULL));
        strbuf_addf(&sb,
                    es ? "%s %s tiene más de %d períodos de clase seguidos (los más largos): %s."
                       : "%s %s has more than %d lesson periods in a row (longest runs): %s.",
                    who, res->name, c->n, list.data ? list.data : "");
        break;
    case TT_INTERVAL_MAX_DAYS: {
        int days = 0;
        for (int d = 0; d < ev->ndays; d++)
            if (dv[d] > 0) {
                days++;
                strbuf_addf(&list, "%s%s", list.len ? ", " : "", inst->day_names[d]);
            }
        uint64_t iv = c->slots ? c->slots[0] : 0;
        const char *from = iv ? inst->periods[__builtin_ctzll(iv)].name : "?";
        const char *to = iv ? inst->periods[63 - __builtin_clzll(iv)].name : "?";
        strbuf_addf(&sb,
                    es ? "%s %s tiene clases entre los períodos %s y %s en %d días (máximo %d): %s."
                       : "%s %s has lessons in periods %s to %s on %d days (at most %d): %s.",
                    who, res->name, from, to, days, c->n, list.data ? list.data : "");
        break;
    }
    case TT_MIN_RESTING:
        for (int d = 0; d < ev->ndays; d++) {
            int e, rest = rest_after(ev, c, dv, d, &e);
            if (rest >= 0 && rest < c->n)
                strbuf_addf(&list, "%s%s %s %s %d", list.len ? ", " : "", inst->day_names[d],
                            es ? "a" : "to", inst->day_names[e], rest);
        }
        strbuf_addf(&sb,
                    es ? "%s %s descansa menos de %d períodos entre el final de un día y el "
                         "comienzo del siguiente: %s."
                       : "%s %s rests fewer than %d periods from the end of one day to the start "
                         "of the next: %s.",
                    who, res->name, c->n, list.data ? list.data : "");
        break;
    case TT_ENDS_DAY: {
        long total = 0;
        for (int i = 0; i < c->nitems; i++) {
            int b = c->items[i], s = ev->sol->start[b];
            if (s < 0)
                continue;
            int d = ev->sday[s], k = after_block(ev, busy[d], b, d);
            if (k == 0)
                continue;
            total += k;
            const struct tt_lesson *l = &inst->lessons[inst->blocks[b].lesson];
            strbuf_addf(&list, "%s«%s»", list.len ? ", " : "",
                        l->subject >= 0 ? inst->subjects[l->subject] : "?");
            if (inst->blocks[b].ext_id)
                strbuf_addf(&list, " [id %ld]", inst->blocks[b].ext_id);
            strbuf_addf(&list, es ? " el %s" : " on %s", inst->day_names[d]);
        }
        strbuf_addf(&sb,
                    es ? "%s %s tiene %ld período(s) de clase después de clases que deben "
                         "terminar su día: %s."
                       : "%s %s has %ld lesson period(s) after lessons that must end its day: %s.",
                    who, res->name, total, list.data ? list.data : "");
        break;
    }
    case TT_MAX_SPAN_DAY:
        for (int d = 0; d < ev->ndays; d++)
            if (dv[d] > 0 && busy[d])
                strbuf_addf(&list, "%s%s %d", list.len ? ", " : "", inst->day_names[d],
                            64 - __builtin_clzll(busy[d]) - __builtin_ctzll(busy[d]));
        strbuf_addf(&sb,
                    es ? "%s %s pasa más de %d períodos entre su primera y su última clase "
                         "(solo un día puede llegar a %d): %s."
                       : "%s %s spans more than %d periods from first to last lesson (only one "
                         "day may reach %d): %s.",
                    who, res->name, c->n, c->n + 1, list.data ? list.data : "");
        break;
    default:
        break;
    }
    str_copy(buf, (size_t)n, sb.data ? sb.data : "");
    strbuf_cleanup(&sb);
    strbuf_cleanup(&list);
}
