/*
 * XHSTT internals shared by the evaluator and the solver: a solution's
 * state with each resource's occupancy, and the cost of one point of
 * application of one constraint, computed from that state.
 */
#ifndef BIS_TIMETABLE_XHSTT_INTERNAL_H
#define BIS_TIMETABLE_XHSTT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "xhstt/xhstt.h"

/* The bytes of an archive file of at most max_bytes, inflated first when
   it is gzip-compressed (gz.c); NULL with a Spanish message on error. */
char *xh_read_bytes(const char *path, long max_bytes, size_t *len_r, char **error_r);

struct xh_state {
    const struct xh_instance *inst;
    const struct xh_solution *sol;
    int nt;
    /* cnt[r * nt + t]: meets of resource r occupying time t */
    int *cnt;
    /* meets of each event (indexes in sol->meets), kept up to date by the
       solver */
    int **emeets;
    int *nemeets;
    int *emeets_cap;
    double *workload;     /* per resource: workload of its assigned meets */
    /* time groups as position lists, and per constraint the time group
       membership of each time as bits (spread events) */
    int *scratch;         /* nt + nevents ints */
    /* The solver's tightening of LimitBusyTimes (NULL when evaluating):
       forced[c][p] has bit k set when point p must be busy in time group
       k in any complete timetable without clashes (it has more busy times
       than there are times outside the group), so being idle there counts
       as below the minimum instead of as allowed. On such timetables the
       cost is the same; elsewhere it steers the search towards them. */
    uint64_t **forced;
    /* Busy times as bits, kept by xh_state_occupy so that the resource
       points cost a few word operations instead of a scan of every time:
       busy[r * nw + w] has bit t % 64 of word t / 64 set when resource r
       is busy at t; clashes[r] is the sum over t of max(0, cnt - 1). */
    int nw;
    uint64_t *busy;
    long *clashes;
    /* per time group: its times as bits (nw words), and its first time
       when its times are consecutive (else -1) */
    uint64_t *tgbits;
    int *tgrun;
    /* per constraint: its times as bits (AvoidUnavailableTimes), or for a
       SpreadEvents of at most 64 time groups the groups holding each time
       as bits ([t], bit k for its k-th time group); else NULL */
    uint64_t **cbits;
};

void xh_state_init(struct xh_state *st, const struct xh_instance *inst,
                   const struct xh_solution *sol);
void xh_state_free(struct xh_state *st);
/* Adds (sign 1) or removes (-1) meet m's occupancy of its resources. */
void xh_state_occupy(struct xh_state *st, int m, int sign);
void xh_state_add_meet(struct xh_state *st, int m);
void xh_state_remove_meet(struct xh_state *st, int m);

/* Weight x f(deviation) of point p of constraint c. */
long xh_point_cost(const struct xh_state *st, int c, int p);
/* The deviation alone. */
long xh_point_deviation(const struct xh_state *st, int c, int p);


#endif
