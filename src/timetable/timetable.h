/*
 * The timetabling engine: a school's weekly timetable as a model, an
 * evaluator that prices a timetable and explains every violation, and a
 * solver. It knows nothing of HTTP or databases; importers (CSV folders,
 * FET files) fill a struct tt_instance through the builder functions below.
 *
 * Time: days x periods. A slot is day * nperiods + period (both 0-based).
 * A block is one contiguous run of periods of a lesson (a "double period"
 * is a block of length 2); the solver gives every block a starting slot and,
 * when the lesson needs one, a room. A block never crosses a day end, a
 * break between periods, or a closed slot.
 *
 * Resources are teachers, class groups and rooms. A class group that is
 * split into subgroups is represented by its subgroups (the atomic groups
 * that can not be in two places at once); a lesson for the whole group
 * occupies all of them.
 *
 * Cost: (hard, soft). Hard violations make a timetable unusable (clashes,
 * unavailability, pins, ...); soft ones are weighted penalties. Every
 * constraint can be hard or soft; a soft constraint costs weight x units.
 *
 * Ownership: the instance owns every string and array reachable from it.
 * Errors are returned as malloc'ed Spanish messages through error_r.
 */
#ifndef BIS_TIMETABLE_H
#define BIS_TIMETABLE_H
#include <stdbool.h>
#include <stdint.h>

#define TT_MAX_DAYS 35 /* FET 5's limit (its FAQ); an official example has 33 */
#define TT_MAX_PERIODS 64 /* per day: a day's periods fit in a uint64_t */

enum tt_kind { TT_TEACHER = 0, TT_CLASS = 1, TT_ROOM = 2 };

enum tt_lang { TT_ES = 0, TT_EN = 1 };

struct tt_period {
    char *name;       /* "1", "2", ... or FET's hour name */
    int start, end;   /* minutes after midnight, -1 when unknown */
};

struct tt_resource {
    char *name;
    enum tt_kind kind;
    int capacity;     /* rooms: seats; classes: students; 0 = unknown */
    char *room_type;  /* rooms only: "laboratorio", ...; NULL = ordinary */
    char *group;      /* classes: the section a subgroup belongs to, or NULL */
    /* --- #17 rooms --- */
    int building;     /* rooms: 1 + index in inst->buildings, 0 = none */
    /* --- #17 virtual rooms --- */
    /* rooms: a virtual room (FET) when nsets > 0: a block placed in it also
       takes, at its times, one real room of each set (all different). The
       virtual room's own capacity, type and building are the ones rules
       read; it is never in a clash itself (two blocks may share it when
       their real rooms differ), though its unavailability counts. */
    int nsets;
    int **sets;       /* real rooms (resources) of each set */
    int *set_len;
};

/* Sets of real rooms a virtual room may have (tt_instance_validate). */
#define TT_MAX_SETS 16

struct tt_lesson {
    int subject;          /* index in subjects, -1 for none */
    int *teachers;
    int nteachers;
    int *classes;         /* atomic class groups (subgroups) */
    int nclasses;
    int *blocks;          /* indexes in blocks */
    int nblocks;
    int *rooms;           /* rooms allowed (hard); empty = any suitable room */
    int nrooms;
    char *room_type;      /* required room type, NULL for any */
    bool needs_room;      /* false: the lesson takes no room */
    int students;         /* head count for room capacity, 0 = unknown */
    char *tag;            /* free label from the source (FET activity tag) */
};

struct tt_block {
    int lesson;
    int length;           /* periods */
    long ext_id;          /* id in the source (FET activity id), 0 = none */
    int pin_day;          /* -1 = free */
    int pin_period;       /* -1 = free */
    int pin_room;         /* -1 = free */
    /* --- #17 virtual rooms: in its virtual room the block must take
       exactly these real rooms (FET's preferred room with real rooms) */
    int *pin_real;
    int npin_real;
};

enum tt_ctype {
    /* resource may not be used in slots (teacher/class/room unavailability) */
    TT_UNAVAILABLE,
    /* blocks in items may only start in slots */
    TT_BLOCK_STARTS,
    /* every period occupied by the blocks in items must be in slots */
    TT_BLOCK_SLOTS,
    /* blocks in items must use one of rooms */
    TT_BLOCK_ROOMS,
    /* blocks in items: every pair at least n days apart; flag = if two are
       on the same day anyway they must be consecutive (FET's option) */
    TT_MIN_DAYS,
    /* blocks in items start in the same slot / day / period */
    TT_SAME_START,
    TT_SAME_DAY,
    TT_SAME_PERIOD,
    /* blocks in items never overlap in time */
    TT_NOT_OVERLAPPING,
    /* blocks in items: on the same day at least n free periods between */
    TT_MIN_GAP,
    /* per resource, each unit is one period over the limit n */
    TT_MAX_GAPS_DAY,      /* idle periods between lessons in a day */
    TT_MAX_GAPS_WEEK,     /* idle periods in the week */
    TT_MAX_PERIODS_DAY,   /* periods taught/attended in a day */
    TT_MIN_PERIODS_DAY,   /* flag = empty days allowed */
    TT_MAX_DAYS_WEEK,     /* days with at least one lesson */
    TT_MIN_DAYS_WEEK,
    TT_MAX_SPAN_DAY,      /* first to last period of a day; flag = one day
                             may reach n + 1 (FET's exception, #17 rtime) */
    /* resource: start every day at the first period, except at most n days
       that start at the second (FET's early max beginnings at second hour) */
    TT_EARLY_START,
    /* resource (class) and subject: at most n periods of it in a day */
    TT_SUBJECT_MAX_DAY,
    /* resource (teacher) preference, see enum tt_pref_kind / tt_level */
    TT_PREFERENCE,
    /* resource (class): all its lessons in one room; unit = extra room */
    TT_ROOM_STABILITY,
    /* --- #17 rooms --- */
    /* resource: per day, its lessons in time order, keeping those whose
       room is in a building; a change is two neighbours in different
       buildings. Unit = a change over n per day / per week, or a change
       with fewer than n periods between the two lessons. */
    TT_BUILDING_CHANGES_DAY,
    TT_BUILDING_CHANGES_WEEK,
    TT_BUILDING_MIN_GAPS,
    /* blocks in items: two of them on the same day, one ending where the
       other starts, both with a room, in the same room; unit = such a pair
       in different rooms */
    TT_SAME_ROOM_IF_CONSECUTIVE,
    /* blocks in items use at most n distinct rooms; unit = a room over n */
    TT_MAX_DIFFERENT_ROOMS,
    /* --- #17 rtime (rtime.c): resource time patterns --- */
    /* resource: no run of more than n busy periods one after the other (a
       free period, a break or a closed period ends a run) */
    TT_MAX_CONTINUOUS,
    /* resource: at most n days with a lesson in the periods of slots[d]
       (FET's hour interval; the same mask every day) */
    TT_INTERVAL_MAX_DAYS,
    /* resource: at least n periods (breaks included) from its last lesson
       of a day to its first of the next day that has lessons; flag = also
       from the last day to the first (FET's Circular) */
    TT_MIN_RESTING,
    /* resource (class) and blocks in items, each with that class: no
       lesson of the class after any of them on its day */
    TT_ENDS_DAY,
    /* --- #17 tags (tags.c) --- */
    /* items: one resource's blocks that carry an activity tag (FET's
       activity tag max hours daily / continuously): at most n of their
       periods in a day / in a row (a break between periods ends a row) */
    TT_TAG_MAX_DAY,
    TT_TAG_MAX_RUN,
    /* items: one resource's blocks with the first tag (the first flag
       items), then those with the second: on a day, a second-tag block
       starting at or after a first-tag block starts at least n periods
       after it ends (one unit per pair; FET's min gaps between an ordered
       pair of activity tags) */
    TT_TAG_MIN_GAP_ORDERED,
    /* items, slots: the selected slots their periods occupy, at most n */
    TT_OCCUPY_MAX_SLOTS,
    /* items, slots: in each selected slot at most n of them */
    TT_MAX_SIMULTANEOUS,
    /* --- #17 pairs: FET's rules over named activities (pairs.c). items[0]
       is the first activity, items[1] the second (items[2] the third);
       breaks (closed periods) between two blocks do not part them, a day
       end always does. */
    TT_CONSECUTIVE,       /* the second starts right after the first ends */
    TT_GROUPED,           /* the two side by side, either order */
    TT_GROUPED3,          /* the three side by side, any order */
    TT_ORDERED,           /* the second starts after the first ends (week order) */
    TT_ORDERED_IF_SAME_DAY, /* the same, when both are on one day */
    TT_MAX_DAYS_BETWEEN,  /* blocks in items: every pair at most n days apart */
    /* --- end #17 pairs */
    TT_NCTYPES
};

enum tt_pref_kind { TT_PREF_TIME, TT_PREF_DAY, TT_PREF_SUBJECT, TT_PREF_ROOM };
enum tt_level {
    TT_AVOID = -2, TT_DISLIKE = -1, TT_INDIFFERENT = 0, TT_LIKE = 1, TT_PREFER = 2
};

struct tt_constraint {
    enum tt_ctype type;
    bool hard;
    int weight;           /* soft: cost per unit (>= 1) */
    int resource;         /* -1 where unused */
    int subject;          /* TT_SUBJECT_MAX_DAY, TT_PREF_SUBJECT; -1 */
    int n;
    int flag;
    int pref_kind;        /* enum tt_pref_kind */
    int level;            /* enum tt_level */
    int *items;           /* blocks */
    int nitems;
    int *rooms;
    int nrooms;
    uint64_t *slots;      /* per day a mask of periods (ndays words), or NULL */
    char *origin;         /* where it came from, e.g. "ConstraintTeacherMaxGapsPerWeek" */
    char *tag, *tag2;     /* #17 tags: the activity tag(s) named in explanations, or NULL */
};

/* A constraint of the source file the engine does not model, by name. */
struct tt_unsupported {
    char *name;
    int count;
};

struct tt_instance {
    char *name;
    int ndays, nperiods;
    char **day_names;
    struct tt_period *periods;
    uint64_t break_after;       /* bit p: a break between period p and p+1 */
    uint64_t closed[TT_MAX_DAYS]; /* per day: periods nothing may occupy */
    struct tt_resource *resources;
    int nresources;
    char **subjects;
    int nsubjects;
    struct tt_lesson *lessons;
    int nlessons;
    struct tt_block *blocks;
    int nblocks;
    struct tt_constraint *constraints;
    int nconstraints;
    struct tt_unsupported *unsupported;
    int nunsupported;
    int ninactive;              /* constraints the source marks inactive */
    int caps[5];                /* allocation sizes (private) */
    /* --- #17 rooms --- */
    char **buildings;           /* names; rooms point here (resource.building) */
    int nbuildings;
};

/* --- Building an instance ------------------------------------------ */
struct tt_instance *tt_instance_new(const char *name);
void tt_instance_free(struct tt_instance **inst);
/* names may be NULL (Spanish weekday names are used) */
void tt_set_days(struct tt_instance *inst, int ndays, const char *const *names);
int tt_add_period(struct tt_instance *inst, const char *name, int start, int end);
int tt_add_resource(struct tt_instance *inst, enum tt_kind kind, const char *name);
/* -1 when absent */
int tt_find_resource(const struct tt_instance *inst, enum tt_kind kind, const char *name);
int tt_add_subject(struct tt_instance *inst, const char *name);
int tt_find_subject(const struct tt_instance *inst, const char *name);
int tt_add_lesson(struct tt_instance *inst, int subject);
void tt_lesson_add_teacher(struct tt_instance *inst, int lesson, int teacher);
void tt_lesson_add_class(struct tt_instance *inst, int lesson, int cls);
void tt_lesson_add_room(struct tt_instance *inst, int lesson, int room);
int tt_lesson_add_block(struct tt_instance *inst, int lesson, int length, long ext_id);
/* -1 when absent */
int tt_find_block(const struct tt_instance *inst, long ext_id);
/* A new constraint; slots are allocated (all clear) when with_slots. The
   pointer is valid until the next tt_add_constraint (the array grows). */
struct tt_constraint *tt_add_constraint(struct tt_instance *inst, enum tt_ctype type,
                                        bool hard, int weight, bool with_slots,
                                        const char *origin);
void tt_constraint_add_item(struct tt_constraint *c, int block);
void tt_constraint_add_room(struct tt_constraint *c, int room);
void tt_constraint_set_slot(struct tt_constraint *c, int day, int period);
void tt_note_unsupported(struct tt_instance *inst, const char *name);
/* --- #17 rooms --- */
/* The building called name, added when new: 1 + its index in buildings,
   the value a room's building field takes (0 = none). */
int tt_add_building(struct tt_instance *inst, const char *name);
/* --- #17 virtual rooms --- */
/* A new (empty) set of real rooms of room, which becomes virtual: the
   set's index. */
int tt_room_add_set(struct tt_instance *inst, int room);
void tt_room_set_add(struct tt_instance *inst, int room, int set, int real);
/* The most sets of any virtual room (0 without virtual rooms). */
int tt_max_sets(const struct tt_instance *inst);

/* Checks references and limits; fills *error_r (Spanish) on failure. */
int tt_instance_validate(const struct tt_instance *inst, char **error_r);

/* --- Solutions ------------------------------------------------------ */
struct tt_solution {
    int nblocks;
    int *start;   /* slot, -1 = not placed */
    int *room;    /* room resource, -1 = none */
    /* --- #17 virtual rooms: nreal = tt_max_sets(inst); block b in a
       virtual room takes real[b * nreal + k] for its set k (-1 = none);
       read only while b's room is virtual. NULL when nreal is 0. */
    int nreal;
    int *real;
};
struct tt_solution *tt_solution_new(const struct tt_instance *inst);
void tt_solution_free(struct tt_solution **sol);
void tt_solution_copy(struct tt_solution *dst, const struct tt_solution *src);

/* --- Evaluating ----------------------------------------------------- */
struct tt_cost {
    long hard, soft;
};
struct tt_cost tt_evaluate(const struct tt_instance *inst, const struct tt_solution *sol);

/* Counts of the quantities people ask about. */
struct tt_stats {
    int teacher_gaps;   /* idle periods of teachers between lessons */
    int class_gaps;     /* idle periods of class groups between lessons */
    int unplaced;       /* blocks without a start */
};
struct tt_stats tt_statistics(const struct tt_instance *inst, const struct tt_solution *sol);

/* One violation, in plain words. */
struct tt_violation {
    bool hard;
    long cost;            /* units (hard) or weight x units (soft) */
    int constraint;       /* index in constraints, -1 for built-in clashes */
    char *text;
};
/* Every violation of sol, most expensive first. Free with
   tt_violations_free. */
int tt_explain(const struct tt_instance *inst, const struct tt_solution *sol,
               enum tt_lang lang, struct tt_violation **out_r);
void tt_violations_free(struct tt_violation *v, int n);

/* The incremental evaluator the solver uses: keeps per-resource occupancy
   and the cost of every constraint, and updates both as blocks move. */
struct tt_eval;
struct tt_eval *tt_eval_new(const struct tt_instance *inst, const struct tt_solution *sol);
void tt_eval_free(struct tt_eval **ev);
struct tt_cost tt_eval_cost(const struct tt_eval *ev);
/* Moves block b to start (slot or -1) and room; returns the new cost. A
   virtual room gets real rooms chosen by the evaluator (tt_vrooms_choose:
   free ones by matching, its current ones first). */
struct tt_cost tt_eval_move(struct tt_eval *ev, int b, int start, int room);
/* The same with the real rooms given (nsets of room's entries, or NULL to
   have them chosen): puts back exactly a saved position. */
struct tt_cost tt_eval_move_real(struct tt_eval *ev, int b, int start, int room,
                                 const int *real);
const struct tt_solution *tt_eval_solution(const struct tt_eval *ev);

/* --- Solving -------------------------------------------------------- */
struct tt_progress {
    double elapsed;       /* seconds */
    long iterations;
    struct tt_cost best;
    bool improved;
};
/* Return false to cancel the search. */
typedef bool (*tt_progress_fn)(const struct tt_progress *p, void *arg);

/* How the solver removes hard violations (docs/TIMETABLING.md): the
   priced repair; FET's method of pushing lessons out and placing them
   again (only when every hard rule is a clash, a pairwise rule such as
   min days, or one that narrows a lesson's starts; otherwise the repair);
   or the repair, switching to FET's method after six restarts when the
   rules allow (the default). */
enum tt_method { TT_METHOD_AUTO, TT_METHOD_REPAIR, TT_METHOD_FET };

struct tt_options {
    double time_limit;    /* seconds */
    uint64_t seed;
    int threads;          /* 1 or 2 */
    tt_progress_fn progress;
    void *progress_arg;
    double progress_interval; /* seconds between reports */
    volatile int *cancel; /* set to 1 to stop, may be NULL */
    bool stop_at_feasible; /* stop when hard = 0 (benchmarks) */
    long max_iterations;  /* 0 = no limit; with a seed, the same count gives
                             the same timetable on any machine */
    enum tt_method method;
};
void tt_options_init(struct tt_options *o);

struct tt_result {
    struct tt_cost cost;
    double seconds;
    double seconds_to_feasible; /* -1 when never feasible */
    long iterations;
    bool cancelled;
};

/* Diagnoses input that can not have a timetable (a teacher with more
   periods than free slots, a block with no possible start, ...). Returns
   the number of problems; *text_r lists them (Spanish or English). */
int tt_diagnose(const struct tt_instance *inst, enum tt_lang lang, char **text_r);

/* Solves inst into sol: the best timetable found (pinned blocks stay where
   pinned). Refuses (-1, *error_r) input that fails validation or the
   diagnosis. The result is a function of the seed and the number of
   search steps; the time limit, cancellation and the callback only decide
   when to stop. */
int tt_solve(const struct tt_instance *inst, struct tt_solution *sol,
             const struct tt_options *opt, struct tt_result *res, char **error_r);

/* --- Formats -------------------------------------------------------- */
/* Our instance format: a folder of CSV files (docs/TIMETABLE.md). */
struct tt_instance *tt_csv_read(const char *dir, char **error_r);
/* A solution in the folder format (solution.csv columns + room). */
int tt_csv_read_solution(const struct tt_instance *inst, const char *path,
                         struct tt_solution *sol, char **error_r);
int tt_csv_write_solution(const struct tt_instance *inst, const struct tt_solution *sol,
                          const char *path, char **error_r);
int tt_json_write_solution(const struct tt_instance *inst, const struct tt_solution *sol,
                           const char *path, char **error_r);
/* FET files (versions 5 and 6). */
struct tt_instance *tt_fet_read(const char *path, char **error_r);
/* A FET activities timetable (<Activities_Timetable>, FET's
   *_activities.xml) into sol; inst must come from the same FET file. */
int tt_fet_read_solution(const struct tt_instance *inst, const char *path,
                         struct tt_solution *sol, char **error_r);
/* A FET activities timetable (<Activities_Timetable>) FET can read. */
int tt_fet_write_solution(const struct tt_instance *inst, const struct tt_solution *sol,
                          const char *path, char **error_r);
/* A copy of the FET file fet_in with every placed block locked in place
   (preferred starting time and room, 100 %, permanently locked), so that
   FET itself can check and show the timetable. */
int tt_fet_write_locked(const struct tt_instance *inst, const struct tt_solution *sol,
                        const char *fet_in, const char *path, char **error_r);

#endif
