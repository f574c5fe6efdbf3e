/*
 * XHSTT, the XML format of the International Timetabling Competition 2011
 * and its archive of real high-school instances (docs/XHSTT.md).
 *
 * An instance has times and time groups (Day, Week or plain), resources of
 * resource types and resource groups, events with a duration, an optional
 * preassigned time and resources (each an "event resource": a role, a type
 * and a preassigned resource or none, an open role the solver fills), event
 * groups (Course or plain), and constraints of sixteen types with Required,
 * Weight, a cost function (Linear, Quadratic, Step) and AppliesTo.
 *
 * A solution splits each event into meets (XHSTT's solution events): each
 * has a duration, a start time or none, and a resource for each of the
 * event's roles. A meet of duration d at time t occupies the d times t, t+1,
 * ... in the order the file lists times.
 *
 * Cost: infeasibility (the Required constraints) and objective (the
 * others), each the sum over points of application of
 * Weight x f(deviation), as the format defines them (eval.c).
 *
 * Ownership: the instance owns every string and array reachable from it.
 * Errors are returned as malloc'ed Spanish messages through error_r.
 */
#ifndef BIS_TIMETABLE_XHSTT_H
#define BIS_TIMETABLE_XHSTT_H
#include <stdbool.h>
#include <stdint.h>

enum xh_ctype {
    XH_ASSIGN_RESOURCE,
    XH_ASSIGN_TIME,
    XH_SPLIT_EVENTS,
    XH_DISTRIBUTE_SPLIT_EVENTS,
    XH_PREFER_RESOURCES,
    XH_PREFER_TIMES,
    XH_AVOID_SPLIT_ASSIGNMENTS,
    XH_SPREAD_EVENTS,
    XH_LINK_EVENTS,
    XH_ORDER_EVENTS,
    XH_AVOID_CLASHES,
    XH_AVOID_UNAVAILABLE_TIMES,
    XH_LIMIT_IDLE_TIMES,
    XH_CLUSTER_BUSY_TIMES,
    XH_LIMIT_BUSY_TIMES,
    XH_LIMIT_WORKLOAD,
    XH_NCTYPES
};

/* The element name of a type ("AssignTimeConstraint"). */
const char *xh_ctype_name(enum xh_ctype t);

enum xh_costfn { XH_LINEAR, XH_QUADRATIC, XH_STEP };

enum xh_tgkind { XH_TG_PLAIN, XH_TG_DAY, XH_TG_WEEK };

struct xh_named {
    char *id;
    char *name;
};

struct xh_timegroup {
    char *id, *name;
    enum xh_tgkind kind;
    int *times;      /* ascending */
    int ntimes;
};

struct xh_resource {
    char *id, *name;
    int type;
};

struct xh_resgroup {
    char *id, *name;
    int type;
    int *res;
    int nres;
};

/* One resource of an event: preassigned (res >= 0) or an open role. */
struct xh_eres {
    char *role;       /* NULL when the file gives none */
    int type;         /* resource type, -1 when unknown */
    int res;          /* preassigned resource, -1 for an open role */
    int workload;     /* the event's workload unless the file says */
};

struct xh_event {
    char *id, *name;
    int duration;
    int workload;
    int time;         /* preassigned start time, -1 = none */
    struct xh_eres *eres;
    int neres;
    int *groups;      /* event groups holding the event */
    int ngroups;
};

struct xh_eventgroup {
    char *id, *name;
    bool course;
    int *events;
    int nevents;
};

/* An AppliesTo point of application. */
struct xh_point {
    int a;            /* event, event group, resource or first event */
    int b;            /* event resource index (resource constraints on
                         events: AssignResource, PreferResources); second
                         event of an OrderEvents pair; else -1 */
    int min_sep, max_sep; /* OrderEvents */
};

struct xh_constraint {
    char *id, *name;
    enum xh_ctype type;
    bool required;
    int weight;
    enum xh_costfn fn;
    struct xh_point *points;
    int npoints;
    char *role;           /* AssignResource, PreferResources, AvoidSplitAssignments */
    int *tgroups;         /* Spread, Idle, Cluster, LimitBusy (and their limits) */
    int *tg_min, *tg_max; /* SpreadEvents: per time group */
    int ntgroups;
    uint8_t *times;       /* PreferTimes, AvoidUnavailableTimes: per time, 1 = in */
    uint8_t *resources;   /* PreferResources: per resource, 1 = preferred */
    int duration;         /* PreferTimes (-1 = any), DistributeSplitEvents */
    int min, max;         /* amounts (Split: durations) */
    int min_amount, max_amount; /* SplitEvents */
    bool allow_zero;      /* ClusterBusyTimes, LimitBusyTimes: none is fine */
};

struct xh_instance {
    char *id, *name;
    char **time_ids, **time_names;
    int ntimes;
    int *time_day;        /* the Day time group of each time, -1 = none */
    struct xh_timegroup *tgroups;
    int ntgroups;
    struct xh_named *rtypes;
    int nrtypes;
    struct xh_resource *res;
    int nres;
    struct xh_resgroup *rgroups;
    int nrgroups;
    struct xh_event *events;
    int nevents;
    struct xh_eventgroup *egroups;
    int negroups;
    struct xh_constraint *cons;
    int ncons;
};

/* One meet (solution event). res[i] is the resource of the event's i-th
   event resource (preassigned ones are copied), -1 = unassigned. */
struct xh_meet {
    int event;
    int duration;
    int time;             /* -1 = unassigned */
    int *res;
};

struct xh_solution {
    char *group;          /* the SolutionGroup id it came from, or NULL */
    struct xh_meet *meets;
    int nmeets;
    int cap;
    double running_time;  /* <RunningTime> of the report, -1 when none */
};

struct xh_cost {
    long infeasibility;
    long objective;
};

/* Reading: the first instance of the file (or the one with that id) and
   every solution of it, in file order. A solution whose events do not match
   the instance is an error. */
struct xh_archive {
    struct xh_instance *inst;
    struct xh_solution *sols;
    int nsols;
};
int xh_read(const char *path, const char *instance_id, struct xh_archive *ar, char **error_r);
void xh_archive_free(struct xh_archive *ar);
void xh_instance_free(struct xh_instance *inst);
void xh_solution_free(struct xh_solution *sol);
/* A meet appended to sol (res copied from the event's preassignments). */
struct xh_meet *xh_solution_add(const struct xh_instance *inst, struct xh_solution *sol,
                                int event, int duration, int time);
/* Events the solution does not cover count as one unassigned meet of
   their remaining duration: added here, as the format prescribes. */
void xh_solution_complete(const struct xh_instance *inst, struct xh_solution *sol);

/* Evaluation. per_con (may be NULL) receives each constraint's cost. */
struct xh_cost xh_evaluate(const struct xh_instance *inst, const struct xh_solution *sol,
                           long *per_con);

/* Writing: the input archive's instance followed by one solution group
   holding sol; the result re-reads with xh_read. */
int xh_write(const char *in_path, const struct xh_instance *inst,
             const struct xh_solution *sol, const char *group_id, const char *path,
             char **error_r);

/* Solving. */
typedef void (*xh_progress_fn)(void *arg, double seconds, struct xh_cost cost, long iterations);
struct xh_options {
    double time_limit;    /* seconds */
    long max_iterations;  /* 0 = no limit */
    uint64_t seed;
    int threads;          /* 1 or 2 independent searches (seeds seed and
                             seed + 7919); the better one wins */
    volatile int *cancel;
    xh_progress_fn progress;
    void *progress_arg;
    double progress_interval;
    /* seconds at which to record the best cost (benchmarks), <= 8 */
    double checkpoints[8];
    int ncheckpoints;
};
struct xh_result {
    struct xh_cost cost;
    struct xh_cost at_checkpoint[8];
    double seconds;
    double seconds_to_feasible;   /* -1 when never feasible */
    long iterations;
    /* |hard| + |soft| difference between the cost the search kept step by
       step and a full re-pricing of its timetable at the end: 0 when every
       move was priced exactly (tests) */
    long price_drift;
};
void xh_options_init(struct xh_options *o);
int xh_solve(const struct xh_instance *inst, struct xh_solution *sol,
             const struct xh_options *opt, struct xh_result *res, char **error_r);

#endif
