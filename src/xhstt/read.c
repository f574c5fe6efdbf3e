/*
 * Reading XHSTT archives: the xml.h tree, walked section by section. Every
 * Reference must name an element of the right kind defined in the same
 * instance; anything else is an error with the line, so a solution is
 * never evaluated against a half-read instance.
 */
#include "xhstt/internal.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ints.h"
#include "core/util.h"
#include "timetable/xml.h"

#define XH_MAX_BYTES ((long)64 << 20)
#define XH_MAX_DURATION 1000
#define XH_MAX_ITEMS 1000000

static const char *const ctype_names[XH_NCTYPES] = {
    [XH_ASSIGN_RESOURCE] = "AssignResourceConstraint",
    [XH_ASSIGN_TIME] = "AssignTimeConstraint",
    [XH_SPLIT_EVENTS] = "SplitEventsConstraint",
    [XH_DISTRIBUTE_SPLIT_EVENTS] = "DistributeSplitEventsConstraint",
    [XH_PREFER_RESOURCES] = "PreferResourcesConstraint",
    [XH_PREFER_TIMES] = "PreferTimesConstraint",
    [XH_AVOID_SPLIT_ASSIGNMENTS] = "AvoidSplitAssignmentsConstraint",
    [XH_SPREAD_EVENTS] = "SpreadEventsConstraint",
    [XH_LINK_EVENTS] = "LinkEventsConstraint",
    [XH_ORDER_EVENTS] = "OrderEventsConstraint",
    [XH_AVOID_CLASHES] = "AvoidClashesConstraint",
    [XH_AVOID_UNAVAILABLE_TIMES] = "AvoidUnavailableTimesConstraint",
    [XH_LIMIT_IDLE_TIMES] = "LimitIdleTimesConstraint",
    [XH_CLUSTER_BUSY_TIMES] = "ClusterBusyTimesConstraint",
    [XH_LIMIT_BUSY_TIMES] = "LimitBusyTimesConstraint",
    [XH_LIMIT_WORKLOAD] = "LimitWorkloadConstraint",
};

const char *xh_ctype_name(enum xh_ctype t)
{
    return t < XH_NCTYPES ? ctype_names[t] : "?";
}

struct reader {
    struct xh_instance *inst;
    const char *fname;
    char *error;
    struct strmap times, tgroups, rtypes, res, rgroups, events, egroups;
};

/* The first error, with the line of n (xml.c). */
#define fail(r, n, ...) xml_fail(&(r)->error, (r)->fname, (n), __VA_ARGS__)

static void push_int(int **arr, int *n, int v)
{
    if ((*n & (*n - 1)) == 0) /* 0, 1, 2, 4, ...: grow to the next power */
        *arr = xrealloc(*arr, (size_t)(*n ? *n * 2 : 1) * sizeof(int));
    (*arr)[(*n)++] = v;
}

static void push_unique(int **arr, int *n, int v)
{
    for (int i = 0; i < *n; i++)
        if ((*arr)[i] == v)
            return;
    push_int(arr, n, v);
}

/* The integer child name of n, or dflt when absent (dflt < lo: required). */
static int get_int(struct reader *r, const struct xnode *n, const char *name, long lo, long hi,
                   int dflt, int *out)
{
    const struct xnode *k = xml_child(n, name);
    if (!k) {
        if (dflt < lo)
            return fail(r, n, "falta <%s> en <%s>.", name, n->name);
        *out = dflt;
        return 0;
    }
    if (!int_parse(xml_text(k), lo, hi, out))
        return fail(r, k, "<%s> debe ser un entero entre %ld y %ld, no «%s».", name, lo, hi,
                     xml_text(k));
    return 0;
}

/* Resolves the Reference attribute of n in map (what names the kind). */
static int ref(struct reader *r, const struct xnode *n, const struct strmap *map,
               const char *what)
{
    const char *id = xml_attr(n, "Reference");
    if (!id)
        return fail(r, n, "<%s> sin atributo Reference.", n->name), -1;
    int v = smap_get(map, id);
    if (v < 0)
        return fail(r, n, "%s «%s» no está definido en la instancia.", what, id), -1;
    return v;
}

static const char *need_id(struct reader *r, const struct xnode *n)
{
    const char *id = xml_attr(n, "Id");
    if (!id || !*id)
        fail(r, n, "<%s> sin atributo Id.", n->name);
    return id;
}

static bool define(struct reader *r, const struct xnode *n, struct strmap *map,
                   const char *id, int idx)
{
    if (smap_get(map, id) >= 0) {
        fail(r, n, "el Id «%s» está repetido.", id);
        return false;
    }
    smap_put(map, id, idx);
    return true;
}

static char *name_of(const struct xnode *n, const char *id)
{
    const char *s = xml_child_text(n, "Name");
    return xstrdup(s && *s ? s : id);
}

/* --- Times ---------------------------------------------------------------- */

static int read_times(struct reader *r, const struct xnode *times)
{
    struct xh_instance *in = r->inst;
    const struct xnode *tgs = xml_child(times, "TimeGroups");
    for (const struct xnode *k = tgs ? tgs->kids : NULL; k; k = k->next) {
        enum xh_tgkind kind = strcmp(k->name, "Day") == 0    ? XH_TG_DAY
                              : strcmp(k->name, "Week") == 0 ? XH_TG_WEEK
                                                             : XH_TG_PLAIN;
        if (kind == XH_TG_PLAIN && strcmp(k->name, "TimeGroup") != 0)
            return fail(r, k, "elemento <%s> inesperado entre los grupos de horas.", k->name);
        const char *id = need_id(r, k);
        if (!id || !define(r, k, &r->tgroups, id, in->ntgroups))
            return -1;
        in->tgroups = xrealloc(in->tgroups, (size_t)(in->ntgroups + 1) * sizeof(*in->tgroups));
        in->tgroups[in->ntgroups++] = (struct xh_timegroup){
            .id = xstrdup(id), .name = name_of(k, id), .kind = kind};
    }
    int n = 0;
    for (const struct xnode *k = times->kids; k; k = k->next)
        n += strcmp(k->name, "Time") == 0;
    if (n == 0)
        return fail(r, times, "la instancia no define ninguna hora (<Time>).");
    in->time_ids = xcalloc((size_t)n, sizeof(char *));
    in->time_names = xcalloc((size_t)n, sizeof(char *));
    in->time_day = xmalloc((size_t)n * sizeof(int));
    for (const struct xnode *k = times->kids; k; k = k->next) {
        if (strcmp(k->name, "Time") != 0)
            continue;
        int t = in->ntimes;
        const char *id = need_id(r, k);
        if (!id || !define(r, k, &r->times, id, t))
            return -1;
        in->time_ids[t] = xstrdup(id);
        in->time_names[t] = name_of(k, id);
        in->time_day[t] = -1;
        in->ntimes++;
        for (const struct xnode *c = k->kids; c; c = c->next) {
            if (strcmp(c->name, "Day") == 0 || strcmp(c->name, "Week") == 0) {
                int g = ref(r, c, &r->tgroups, "El grupo de horas");
                if (g < 0)
                    return -1;
                push_unique(&in->tgroups[g].times, &in->tgroups[g].ntimes, t);
                if (in->tgroups[g].kind == XH_TG_DAY)
                    in->time_day[t] = g;
            } else if (strcmp(c->name, "TimeGroups") == 0) {
                for (const struct xnode *g = c->kids; g; g = g->next) {
                    int gi = ref(r, g, &r->tgroups, "El grupo de horas");
                    if (gi < 0)
                        return -1;
                    push_unique(&in->tgroups[gi].times, &in->tgroups[gi].ntimes, t);
                }
            }
        }
    }
    for (int g = 0; g < in->ntgroups; g++)
        if (in->tgroups[g].ntimes > 1) /* an empty group has no array */
            qsort(in->tgroups[g].times, (size_t)in->tgroups[g].ntimes, sizeof(int), int_cmp);
    return 0;
}

/* --- Resources ------------------------------------------------------------ */

static int read_resources(struct reader *r, const struct xnode *rs)
{
    struct xh_instance *in = r->inst;
    if (!rs)
        return 0;
    const struct xnode *types = xml_child(rs, "ResourceTypes");
    for (const struct xnode *k = types ? types->kids : NULL; k; k = k->next) {
        const char *id = need_id(r, k);
        if (!id || !define(r, k, &r->rtypes, id, in->nrtypes))
            return -1;
        in->rtypes = xrealloc(in->rtypes, (size_t)(in->nrtypes + 1) * sizeof(*in->rtypes));
        in->rtypes[in->nrtypes++] = (struct xh_named){xstrdup(id), name_of(k, id)};
    }
    const struct xnode *groups = xml_child(rs, "ResourceGroups");
    for (const struct xnode *k = groups ? groups->kids : NULL; k; k = k->next) {
        const char *id = need_id(r, k);
        if (!id || !define(r, k, &r->rgroups, id, in->nrgroups))
            return -1;
        const struct xnode *rt = xml_child(k, "ResourceType");
        int type = rt ? ref(r, rt, &r->rtypes, "El tipo de recurso") : -1;
        if (r->error)
            return -1;
        in->rgroups = xrealloc(in->rgroups, (size_t)(in->nrgroups + 1) * sizeof(*in->rgroups));
        in->rgroups[in->nrgroups++] = (struct xh_resgroup){
            .id = xstrdup(id), .name = name_of(k, id), .type = type};
    }
    for (const struct xnode *k = rs->kids; k; k = k->next) {
        if (strcmp(k->name, "Resource") != 0)
            continue;
        const char *id = need_id(r, k);
        if (!id || !define(r, k, &r->res, id, in->nres))
            return -1;
        const struct xnode *rt = xml_child(k, "ResourceType");
        if (!rt)
            return fail(r, k, "el recurso «%s» no tiene <ResourceType>.", id);
        int type = ref(r, rt, &r->rtypes, "El tipo de recurso");
        if (type < 0)
            return -1;
        int ri = in->nres;
        in->res = xrealloc(in->res, (size_t)(in->nres + 1) * sizeof(*in->res));
        in->res[in->nres++] = (struct xh_resource){xstrdup(id), name_of(k, id), type};
        const struct xnode *gs = xml_child(k, "ResourceGroups");
        for (const struct xnode *g = gs ? gs->kids : NULL; g; g = g->next) {
            int gi = ref(r, g, &r->rgroups, "El grupo de recursos");
            if (gi < 0)
                return -1;
            push_unique(&in->rgroups[gi].res, &in->rgroups[gi].nres, ri);
        }
    }
    for (int g = 0; g < in->nrgroups; g++)
        if (in->rgroups[g].nres > 1) /* an empty group has no array */
            qsort(in->rgroups[g].res, (size_t)in->rgroups[g].nres, sizeof(int), int_cmp);
    return 0;
}

/* --- Events --------------------------------------------------------------- */

static void add_to_group(struct xh_instance *in, int g, int e)
{
    struct xh_eventgroup *eg = &in->egroups[g];
    for (int i = 0; i < eg->nevents; i++)
        if (eg->events[i] == e)
            return;
    push_int(&eg->events, &eg->nevents, e);
    push_int(&in->events[e].groups, &in->events[e].ngroups, g);
}

static int read_event_resources(struct reader *r, const struct xnode *k, struct xh_event *ev)
{
    struct xh_instance *in = r->inst;
    const struct xnode *list = xml_child(k, "Resources");
    for (const struct xnode *c = list ? list->kids : NULL; c; c = c->next) {
        struct xh_eres er = {.type = -1, .res = -1, .workload = ev->workload};
        if (xml_attr(c, "Reference")) {
            er.res = ref(r, c, &r->res, "El recurso");
            if (er.res < 0)
                return -1;
            er.type = in->res[er.res].type;
        }
        const struct xnode *rt = xml_child(c, "ResourceType");
        if (rt) {
            int type = ref(r, rt, &r->rtypes, "El tipo de recurso");
            if (type < 0)
                return -1;
            if (er.res >= 0 && type != er.type)
                return fail(r, rt, "el recurso «%s» no es del tipo «%s».",
                            in->res[er.res].id, in->rtypes[type].id);
            er.type = type;
        }
        if (er.res < 0 && er.type < 0)
            return fail(r, c, "un recurso sin asignar necesita <ResourceType>.");
        const char *role = xml_child_text(c, "Role");
        if (role && *role) {
            for (int i = 0; i < ev->neres; i++)
                if (ev->eres[i].role && strcmp(ev->eres[i].role, role) == 0)
                    return fail(r, c, "el evento «%s» repite el rol «%s».", ev->id, role);
            er.role = xstrdup(role);
        } else if (er.res < 0) {
            return fail(r, c, "un recurso sin asignar necesita <Role>.");
        }
        if (get_int(r, c, "Workload", 0, INT_MAX / 4, ev->workload, &er.workload) != 0)
            return -1;
        ev->eres = xrealloc(ev->eres, (size_t)(ev->neres + 1) * sizeof(*ev->eres));
        ev->eres[ev->neres++] = er;
    }
    /* <ResourceGroups>: every resource of each group, preassigned. */
    const struct xnode *groups = xml_child(k, "ResourceGroups");
    for (const struct xnode *c = groups ? groups->kids : NULL; c; c = c->next) {
        int g = ref(r, c, &r->rgroups, "El grupo de recursos");
        if (g < 0)
            return -1;
        for (int i = 0; i < in->rgroups[g].nres; i++) {
            int res = in->rgroups[g].res[i];
            ev->eres = xrealloc(ev->eres, (size_t)(ev->neres + 1) * sizeof(*ev->eres));
            ev->eres[ev->neres++] = (struct xh_eres){
                .type = in->res[res].type, .res = res, .workload = ev->workload};
        }
    }
    return 0;
}

static int read_events(struct reader *r, const struct xnode *es)
{
    struct xh_instance *in = r->inst;
    if (!es)
        return fail(r, NULL, "la instancia no tiene <Events>.");
    const struct xnode *groups = xml_child(es, "EventGroups");
    for (const struct xnode *k = groups ? groups->kids : NULL; k; k = k->next) {
        const char *id = need_id(r, k);
        if (!id || !define(r, k, &r->egroups, id, in->negroups))
            return -1;
        in->egroups = xrealloc(in->egroups, (size_t)(in->negroups + 1) * sizeof(*in->egroups));
        in->egroups[in->negroups++] = (struct xh_eventgroup){
            .id = xstrdup(id), .name = name_of(k, id), .course = strcmp(k->name, "Course") == 0};
    }
    for (const struct xnode *k = es->kids; k; k = k->next) {
        if (strcmp(k->name, "Event") != 0)
            continue;
        const char *id = need_id(r, k);
        if (!id || !define(r, k, &r->events, id, in->nevents))
            return -1;
        int e = in->nevents;
        in->events = xrealloc(in->events, (size_t)(in->nevents + 1) * sizeof(*in->events));
        struct xh_event *ev = &in->events[in->nevents++];
        *ev = (struct xh_event){.id = xstrdup(id), .name = name_of(k, id), .time = -1};
        if (get_int(r, k, "Duration", 1, XH_MAX_DURATION, 0, &ev->duration) != 0 ||
            get_int(r, k, "Workload", 0, INT_MAX / 4, ev->duration, &ev->workload) != 0)
            return -1;
        const struct xnode *t = xml_child(k, "Time");
        if (t && (ev->time = ref(r, t, &r->times, "La hora")) < 0)
            return -1;
        if (ev->time >= 0 && ev->time + ev->duration > in->ntimes)
            return fail(r, t, "el evento «%s» no cabe en las horas a partir de «%s».", id,
                        in->time_ids[ev->time]);
        if (read_event_resources(r, k, ev) != 0)
            return -1;
        const struct xnode *course = xml_child(k, "Course");
        if (course) {
            int g = ref(r, course, &r->egroups, "El curso");
            if (g < 0)
                return -1;
            add_to_group(in, g, e);
        }
        const struct xnode *egs = xml_child(k, "EventGroups");
        for (const struct xnode *c = egs ? egs->kids : NULL; c; c = c->next) {
            int g = ref(r, c, &r->egroups, "El grupo de eventos");
            if (g < 0)
                return -1;
            add_to_group(in, g, e);
        }
    }
    if (in->nevents == 0)
        return fail(r, es, "la instancia no define ningún evento.");
    return 0;
}

/* --- Constraints ---------------------------------------------------------- */

static bool is_event_type(enum xh_ctype t)
{
    return t <= XH_PREFER_TIMES;
}

static void add_point(struct xh_constraint *c, struct xh_point p)
{
    for (int i = 0; i < c->npoints; i++)
        if (c->points[i].a == p.a && c->points[i].b == p.b)
            return;
    c->points = xrealloc(c->points, (size_t)(c->npoints + 1) * sizeof(*c->points));
    c->points[c->npoints++] = p;
}

/* An event as a point: for the resource constraints on events, one point
   per event resource with the constraint's role. */
static void add_event_point(struct reader *r, struct xh_constraint *c, int e)
{
    if (c->type == XH_ASSIGN_RESOURCE || c->type == XH_PREFER_RESOURCES) {
        const struct xh_event *ev = &r->inst->events[e];
        for (int i = 0; i < ev->neres; i++)
            if (ev->eres[i].role && c->role && strcmp(ev->eres[i].role, c->role) == 0)
                add_point(c, (struct xh_point){e, i, 0, 0});
        return;
    }
    add_point(c, (struct xh_point){e, -1, 0, 0});
}

static int read_applies_to(struct reader *r, const struct xnode *k, struct xh_constraint *c)
{
    struct xh_instance *in = r->inst;
    const struct xnode *at = xml_child(k, "AppliesTo");
    if (!at)
        return fail(r, k, "la restricción «%s» no tiene <AppliesTo>.", c->id);
    bool on_groups = c->type == XH_AVOID_SPLIT_ASSIGNMENTS || c->type == XH_SPREAD_EVENTS ||
                     c->type == XH_LINK_EVENTS;
    for (const struct xnode *list = at->kids; list; list = list->next) {
        for (const struct xnode *x = list->kids; x; x = x->next) {
            if (strcmp(list->name, "EventGroups") == 0 &&
                (is_event_type(c->type) || on_groups)) {
                int g = ref(r, x, &r->egroups, "El grupo de eventos");
                if (g < 0)
                    return -1;
                if (on_groups)
                    add_point(c, (struct xh_point){g, -1, 0, 0});
                else
                    for (int i = 0; i < in->egroups[g].nevents; i++)
                        add_event_point(r, c, in->egroups[g].events[i]);
            } else if (strcmp(list->name, "Events") == 0 && is_event_type(c->type)) {
                int e = ref(r, x, &r->events, "El evento");
                if (e < 0)
                    return -1;
                add_event_point(r, c, e);
            } else if (strcmp(list->name, "ResourceGroups") == 0 && c->type >= XH_AVOID_CLASHES) {
                int g = ref(r, x, &r->rgroups, "El grupo de recursos");
                if (g < 0)
                    return -1;
                for (int i = 0; i < in->rgroups[g].nres; i++)
                    add_point(c, (struct xh_point){in->rgroups[g].res[i], -1, 0, 0});
            } else if (strcmp(list->name, "Resources") == 0 && c->type >= XH_AVOID_CLASHES) {
                int res = ref(r, x, &r->res, "El recurso");
                if (res < 0)
                    return -1;
                add_point(c, (struct xh_point){res, -1, 0, 0});
            } else if (strcmp(list->name, "EventPairs") == 0 && c->type == XH_ORDER_EVENTS) {
                const struct xnode *f = xml_child(x, "FirstEvent");
                const struct xnode *s = xml_child(x, "SecondEvent");
                if (!f || !s)
                    return fail(r, x, "<EventPair> necesita <FirstEvent> y <SecondEvent>.");
                struct xh_point p = {ref(r, f, &r->events, "El evento"),
                                     ref(r, s, &r->events, "El evento"), 0, INT_MAX / 4};
                if (r->error ||
                    get_int(r, x, "MinSeparation", 0, INT_MAX / 4, 0, &p.min_sep) != 0 ||
                    get_int(r, x, "MaxSeparation", 0, INT_MAX / 4, INT_MAX / 4, &p.max_sep) != 0)
                    return -1;
                c->points = xrealloc(c->points, (size_t)(c->npoints + 1) * sizeof(*c->points));
                c->points[c->npoints++] = p;
            } else {
                return fail(r, x, "<%s> no es aplicable a %s.", list->name,
                            xh_ctype_name(c->type));
            }
        }
    }
    return 0;
}

/* Times and TimeGroups (PreferTimes, AvoidUnavailableTimes) into a set. */
static int read_time_set(struct reader *r, const struct xnode *k, struct xh_constraint *c)
{
    struct xh_instance *in = r->inst;
    c->times = xcalloc((size_t)in->ntimes, 1);
    const struct xnode *ts = xml_child(k, "Times");
    for (const struct xnode *x = ts ? ts->kids : NULL; x; x = x->next) {
        int t = ref(r, x, &r->times, "La hora");
        if (t < 0)
            return -1;
        c->times[t] = 1;
    }
    const struct xnode *gs = xml_child(k, "TimeGroups");
    for (const struct xnode *x = gs ? gs->kids : NULL; x; x = x->next) {
        int g = ref(r, x, &r->tgroups, "El grupo de horas");
        if (g < 0)
            return -1;
        for (int i = 0; i < in->tgroups[g].ntimes; i++)
            c->times[in->tgroups[g].times[i]] = 1;
    }
    return 0;
}

static int read_resource_set(struct reader *r, const struct xnode *k, struct xh_constraint *c)
{
    struct xh_instance *in = r->inst;
    c->resources = xcalloc((size_t)in->nres + 1, 1);
    const struct xnode *rs = xml_child(k, "Resources");
    for (const struct xnode *x = rs ? rs->kids : NULL; x; x = x->next) {
        int res = ref(r, x, &r->res, "El recurso");
        if (res < 0)
            return -1;
        c->resources[res] = 1;
    }
    const struct xnode *gs = xml_child(k, "ResourceGroups");
    for (const struct xnode *x = gs ? gs->kids : NULL; x; x = x->next) {
        int g = ref(r, x, &r->rgroups, "El grupo de recursos");
        if (g < 0)
            return -1;
        for (int i = 0; i < in->rgroups[g].nres; i++)
            c->resources[in->rgroups[g].res[i]] = 1;
    }
    return 0;
}

/* TimeGroups with (Spread) or without their own Minimum and Maximum. */
static int read_time_groups(struct reader *r, const struct xnode *k, struct xh_constraint *c,
                            bool limits)
{
    const struct xnode *gs = xml_child(k, "TimeGroups");
    for (const struct xnode *x = gs ? gs->kids : NULL; x; x = x->next) {
        int g = ref(r, x, &r->tgroups, "El grupo de horas");
        if (g < 0)
            return -1;
        int lo = 0, hi = INT_MAX / 4;
        if (limits && (get_int(r, x, "Minimum", 0, INT_MAX / 4, 0, &lo) != 0 ||
                       get_int(r, x, "Maximum", 0, INT_MAX / 4, INT_MAX / 4, &hi) != 0))
            return -1;
        int n = c->ntgroups;
        push_int(&c->tgroups, &c->ntgroups, g);
        if (limits) {
            int n2 = n;
            push_int(&c->tg_min, &n2, lo);
            n2 = n;
            push_int(&c->tg_max, &n2, hi);
        }
    }
    return 0;
}

static int read_constraint(struct reader *r, const struct xnode *k, enum xh_ctype type)
{
    struct xh_instance *in = r->inst;
    const char *id = need_id(r, k);
    if (!id)
        return -1;
    in->cons = xrealloc(in->cons, (size_t)(in->ncons + 1) * sizeof(*in->cons));
    struct xh_constraint *c = &in->cons[in->ncons++];
    *c = (struct xh_constraint){.id = xstrdup(id), .name = name_of(k, id), .type = type,
                                .duration = -1, .max = INT_MAX / 4,
                                .max_amount = INT_MAX / 4};
    const char *req = xml_child_text(k, "Required");
    if (!req || (strcmp(req, "true") != 0 && strcmp(req, "false") != 0))
        return fail(r, k, "<Required> debe ser true o false en «%s».", id);
    c->required = strcmp(req, "true") == 0;
    if (get_int(r, k, "Weight", 0, 1000000, -1, &c->weight) != 0)
        return -1;
    const char *fn = xml_child_text(k, "CostFunction");
    if (!fn || strcmp(fn, "Linear") == 0)
        c->fn = XH_LINEAR;
    else if (strcmp(fn, "Quadratic") == 0)
        c->fn = XH_QUADRATIC;
    else if (strcmp(fn, "Step") == 0)
        c->fn = XH_STEP;
    else
        return fail(r, k, "función de costo desconocida «%s» en «%s».", fn, id);
    const char *role = xml_child_text(k, "Role");
    if (role)
        c->role = xstrdup(role);
    if ((type == XH_ASSIGN_RESOURCE || type == XH_PREFER_RESOURCES ||
         type == XH_AVOID_SPLIT_ASSIGNMENTS) && !c->role)
        return fail(r, k, "«%s» necesita <Role>.", id);
    if (read_applies_to(r, k, c) != 0)
        return -1;
    const long big = INT_MAX / 4;
    switch (type) {
    case XH_SPLIT_EVENTS:
        if (get_int(r, k, "MinimumDuration", 1, big, 1, &c->min) != 0 ||
            get_int(r, k, "MaximumDuration", 1, big, (int)big, &c->max) != 0 ||
            get_int(r, k, "MinimumAmount", 0, big, 0, &c->min_amount) != 0 ||
            get_int(r, k, "MaximumAmount", 0, big, (int)big, &c->max_amount) != 0)
            return -1;
        break;
    case XH_DISTRIBUTE_SPLIT_EVENTS:
        if (get_int(r, k, "Duration", 1, big, 0, &c->duration) != 0 ||
            get_int(r, k, "Minimum", 0, big, 0, &c->min) != 0 ||
            get_int(r, k, "Maximum", 0, big, (int)big, &c->max) != 0)
            return -1;
        break;
    case XH_PREFER_RESOURCES:
        return read_resource_set(r, k, c);
    case XH_PREFER_TIMES:
        if (xml_child(k, "Duration") && get_int(r, k, "Duration", 1, big, 0, &c->duration) != 0)
            return -1;
        return read_time_set(r, k, c);
    case XH_AVOID_UNAVAILABLE_TIMES:
        return read_time_set(r, k, c);
    case XH_SPREAD_EVENTS:
        return read_time_groups(r, k, c, true);
    case XH_LIMIT_IDLE_TIMES:
    case XH_CLUSTER_BUSY_TIMES:
    case XH_LIMIT_BUSY_TIMES:
        if (read_time_groups(r, k, c, false) != 0 ||
            get_int(r, k, "Minimum", 0, big, 0, &c->min) != 0 ||
            get_int(r, k, "Maximum", 0, big, (int)big, &c->max) != 0)
            return -1;
        {
            const char *az = xml_child_text(k, "AllowZero");
            c->allow_zero = az && strcmp(az, "true") == 0;
        }
        break;
    case XH_LIMIT_WORKLOAD:
        if (get_int(r, k, "Minimum", 0, big, 0, &c->min) != 0 ||
            get_int(r, k, "Maximum", 0, big, (int)big, &c->max) != 0)
            return -1;
        break;
    default:
        break;
    }
    return 0;
}

static int read_constraints(struct reader *r, const struct xnode *cs)
{
    for (const struct xnode *k = cs ? cs->kids : NULL; k; k = k->next) {
        int type = -1;
        for (int t = 0; t < XH_NCTYPES; t++)
            if (strcmp(k->name, ctype_names[t]) == 0)
                type = t;
        if (type < 0)
            return fail(r, k, "tipo de restricción desconocido <%s>.", k->name);
        if (read_constraint(r, k, (enum xh_ctype)type) != 0)
            return -1;
    }
    return 0;
}

/* --- Solutions ------------------------------------------------------------ */

struct xh_meet *xh_solution_add(const struct xh_instance *inst, struct xh_solution *sol,
                                int event, int duration, int time)
{
    if (sol->nmeets == sol->cap) {
        sol->cap = sol->cap ? sol->cap * 2 : 64;
        sol->meets = xrealloc(sol->meets, (size_t)sol->cap * sizeof(*sol->meets));
    }
    const struct xh_event *ev = &inst->events[event];
    struct xh_meet *m = &sol->meets[sol->nmeets++];
    *m = (struct xh_meet){.event = event, .duration = duration, .time = time};
    m->res = xmalloc((size_t)(ev->neres ? ev->neres : 1) * sizeof(int));
    for (int i = 0; i < ev->neres; i++)
        m->res[i] = ev->eres[i].res;
    return m;
}

void xh_solution_complete(const struct xh_instance *inst, struct xh_solution *sol)
{
    int *covered = xcalloc((size_t)inst->nevents, sizeof(int));
    for (int i = 0; i < sol->nmeets; i++)
        covered[sol->meets[i].event] += sol->meets[i].duration;
    for (int e = 0; e < inst->nevents; e++)
        if (covered[e] < inst->events[e].duration)
            xh_solution_add(inst, sol, e, inst->events[e].duration - covered[e],
                            inst->events[e].time);
    free(covered);
}

void xh_solution_free(struct xh_solution *sol)
{
    for (int i = 0; i < sol->nmeets; i++)
        free(sol->meets[i].res);
    free(sol->meets);
    free(sol->group);
    memset(sol, 0, sizeof(*sol));
}

static int read_solution(struct reader *r, const struct xnode *s, const char *group,
                         struct xh_solution *sol)
{
    struct xh_instance *in = r->inst;
    *sol = (struct xh_solution){.group = xstrdup(group), .running_time = -1};
    int *used = xcalloc((size_t)in->nevents, sizeof(int));
    int rc = 0;
    const struct xnode *es = xml_child(s, "Events");
    for (const struct xnode *k = es ? es->kids : NULL; k && rc == 0; k = k->next) {
        int e = ref(r, k, &r->events, "El evento");
        if (e < 0) {
            rc = -1;
            break;
        }
        const struct xh_event *ev = &in->events[e];
        int dur;
        if (get_int(r, k, "Duration", 1, XH_MAX_DURATION, ev->duration, &dur) != 0) {
            rc = -1;
            break;
        }
        if (used[e] + dur > ev->duration) {
            rc = fail(r, k, "las partes del evento «%s» suman más que su duración (%d).",
                      ev->id, ev->duration);
            break;
        }
        used[e] += dur;
        int t = ev->time;
        const struct xnode *tn = xml_child(k, "Time");
        if (tn) {
            if ((t = ref(r, tn, &r->times, "La hora")) < 0) {
                rc = -1;
                break;
            }
            if (ev->time >= 0 && t != ev->time) {
                rc = fail(r, tn, "el evento «%s» tiene hora preasignada «%s».", ev->id,
                          in->time_ids[ev->time]);
                break;
            }
            if (t + dur > in->ntimes) {
                rc = fail(r, tn, "una parte de «%s» de duración %d no cabe desde «%s».",
                          ev->id, dur, in->time_ids[t]);
                break;
            }
        }
        struct xh_meet *m = xh_solution_add(in, sol, e, dur, t);
        const struct xnode *rs = xml_child(k, "Resources");
        for (const struct xnode *x = rs ? rs->kids : NULL; x; x = x->next) {
            int res = ref(r, x, &r->res, "El recurso");
            const char *role = xml_child_text(x, "Role");
            if (res < 0 || !role) {
                rc = res < 0 ? -1 : fail(r, x, "un recurso de la solución necesita <Role>.");
                break;
            }
            int i = 0;
            while (i < ev->neres && !(ev->eres[i].role && strcmp(ev->eres[i].role, role) == 0))
                i++;
            if (i == ev->neres) {
                rc = fail(r, x, "el evento «%s» no tiene el rol «%s».", ev->id, role);
                break;
            }
            if (ev->eres[i].res >= 0 && ev->eres[i].res != res) {
                rc = fail(r, x, "el rol «%s» de «%s» está preasignado a «%s».", role, ev->id,
                          in->res[ev->eres[i].res].id);
                break;
            }
            if (ev->eres[i].type >= 0 && in->res[res].type != ev->eres[i].type) {
                rc = fail(r, x, "«%s» no es del tipo que pide el rol «%s».", in->res[res].id,
                          role);
                break;
            }
            m->res[i] = res;
        }
    }
    free(used);
    if (rc == 0) {
        const struct xnode *rep = xml_child(s, "Report");
        const char *rt = rep ? xml_child_text(rep, "RunningTime") : NULL;
        if (!rt)
            rt = xml_child_text(s, "RunningTime");
        if (rt)
            sol->running_time = strtod(rt, NULL);
        xh_solution_complete(in, sol);
    }
    return rc;
}

/* --- The archive ---------------------------------------------------------- */

void xh_instance_free(struct xh_instance *in)
{
    if (!in)
        return;
    for (int t = 0; t < in->ntimes; t++) {
        free(in->time_ids[t]);
        free(in->time_names[t]);
    }
    free(in->time_ids);
    free(in->time_names);
    free(in->time_day);
    for (int i = 0; i < in->ntgroups; i++) {
        free(in->tgroups[i].id);
        free(in->tgroups[i].name);
        free(in->tgroups[i].times);
    }
    free(in->tgroups);
    for (int i = 0; i < in->nrtypes; i++) {
        free(in->rtypes[i].id);
        free(in->rtypes[i].name);
    }
    free(in->rtypes);
    for (int i = 0; i < in->nres; i++) {
        free(in->res[i].id);
        free(in->res[i].name);
    }
    free(in->res);
    for (int i = 0; i < in->nrgroups; i++) {
        free(in->rgroups[i].id);
        free(in->rgroups[i].name);
        free(in->rgroups[i].res);
    }
    free(in->rgroups);
    for (int i = 0; i < in->nevents; i++) {
        struct xh_event *ev = &in->events[i];
        for (int j = 0; j < ev->neres; j++)
            free(ev->eres[j].role);
        free(ev->eres);
        free(ev->groups);
        free(ev->id);
        free(ev->name);
    }
    free(in->events);
    for (int i = 0; i < in->negroups; i++) {
        free(in->egroups[i].id);
        free(in->egroups[i].name);
        free(in->egroups[i].events);
    }
    free(in->egroups);
    for (int i = 0; i < in->ncons; i++) {
        struct xh_constraint *c = &in->cons[i];
        free(c->id);
        free(c->name);
        free(c->points);
        free(c->role);
        free(c->tgroups);
        free(c->tg_min);
        free(c->tg_max);
        free(c->times);
        free(c->resources);
    }
    free(in->cons);
    free(in->id);
    free(in->name);
    free(in);
}

void xh_archive_free(struct xh_archive *ar)
{
    for (int i = 0; i < ar->nsols; i++)
        xh_solution_free(&ar->sols[i]);
    free(ar->sols);
    xh_instance_free(ar->inst);
    memset(ar, 0, sizeof(*ar));
}

static int read_instance(struct reader *r, const struct xnode *ix)
{
    const struct xnode *times = xml_child(ix, "Times");
    if (!times)
        return fail(r, ix, "la instancia no tiene <Times>.");
    if (read_times(r, times) != 0 || read_resources(r, xml_child(ix, "Resources")) != 0 ||
        read_events(r, xml_child(ix, "Events")) != 0 ||
        read_constraints(r, xml_child(ix, "Constraints")) != 0)
        return -1;
    return 0;
}

int xh_read(const char *path, const char *instance_id, struct xh_archive *ar, char **error_r)
{
    memset(ar, 0, sizeof(*ar));
    *error_r = NULL;
    size_t len;
    char *data = xh_read_bytes(path, XH_MAX_BYTES, &len, error_r);
    if (!data)
        return -1;
    struct xnode *root = xml_parse(data, len, str_base_name(path), "un archivo XHSTT", error_r);
    free(data);
    if (!root)
        return -1;
    struct reader r = {.fname = str_base_name(path)};
    const struct xnode *ix = NULL;
    if (strcmp(root->name, "HighSchoolTimetableArchive") != 0) {
        fail(&r, root, "no es un archivo XHSTT (la raíz es <%s>).", root->name);
    } else {
        const struct xnode *insts = xml_child(root, "Instances");
        for (const struct xnode *k = insts ? insts->kids : NULL; k && !ix; k = k->next) {
            const char *id = xml_attr(k, "Id");
            if (strcmp(k->name, "Instance") == 0 && id &&
                (!instance_id || strcmp(id, instance_id) == 0))
                ix = k;
        }
        if (!ix && instance_id)
            fail(&r, NULL, "no hay ninguna instancia «%s».", instance_id);
        else if (!ix)
            fail(&r, NULL, "el archivo no contiene ninguna instancia.");
    }
    if (ix) {
        r.inst = xcalloc(1, sizeof(*r.inst));
        r.inst->id = xstrdup(xml_attr(ix, "Id"));
        const struct xnode *md = xml_child(ix, "MetaData");
        r.inst->name = xstrdup(md && xml_child_text(md, "Name") ? xml_child_text(md, "Name")
                                                                 : r.inst->id);
        if (read_instance(&r, ix) == 0) {
            const struct xnode *sgs = xml_child(root, "SolutionGroups");
            for (const struct xnode *g = sgs ? sgs->kids : NULL; g && !r.error; g = g->next) {
                const char *gid = xml_attr(g, "Id");
                for (const struct xnode *s = g->kids; s && !r.error; s = s->next) {
                    const char *sref = xml_attr(s, "Reference");
                    if (strcmp(s->name, "Solution") != 0 || !sref ||
                        strcmp(sref, r.inst->id) != 0)
                        continue;
                    ar->sols = xrealloc(ar->sols, (size_t)(ar->nsols + 1) * sizeof(*ar->sols));
                    if (read_solution(&r, s, gid ? gid : "", &ar->sols[ar->nsols]) == 0)
                        ar->nsols++;
                    else
                        xh_solution_free(&ar->sols[ar->nsols]);
                }
            }
        }
    }
    smap_free(&r.times);
    smap_free(&r.tgroups);
    smap_free(&r.rtypes);
    smap_free(&r.res);
    smap_free(&r.rgroups);
    smap_free(&r.events);
    smap_free(&r.egroups);
    xml_free(root);
    ar->inst = r.inst;
    if (r.error) {
        xh_archive_free(ar);
        *error_r = r.error;
        return -1;
    }
    return 0;
}
