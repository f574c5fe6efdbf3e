/*
 * Generating a school's timetables (issue #15): the drafts' life (create,
 * list, activate, discard, compare: timetables_store.c) and the generation
 * runner (tt_runner.c): its own bounded set of threads with a queue of
 * jobs, never the server's request threads. A request checks the set-up
 * (school_tt_build + school_tt_precheck) and creates a draft whose
 * job_state is 'queued'; a runner thread solves it with the engine, writes
 * its progress to the row while it searches and, at the end, the lessons,
 * the cost and the report (cost by rule and every violation explained in
 * Spanish) in one audited transaction. Cancel and the time limit stop the
 * search; the best timetable found so far is kept.
 *
 * The CLI and the demo use school_timetable_generate(), the same steps on
 * the caller's thread.
 */
#ifndef BIS_SCHOOL_TT_GENERATE_H
#define BIS_SCHOOL_TT_GENERATE_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "db/db.h"
#include "db/pool.h"
#include "school/tt_build.h"

#define TT_TIME_LIMIT_DEFAULT 30
#define TT_TIME_LIMIT_MAX 600
#define TT_NAME_MAX 100

/* Result codes of the calls below. */
enum {
    TT_OK = 1,
    TT_NOT_FOUND = 0,
    TT_STORE_ERROR = -1,
    TT_NOT_DRAFT = -2,    /* only a draft may be activated or discarded */
    TT_BUSY = -3,         /* a generation is queued or running */
    TT_NOT_READY = -4,    /* a draft with clashes or lessons not placed */
    TT_NO_ACTIVE = -5,    /* compare: the school has no active timetable */
    TT_INVALID = -6,      /* the set-up cannot give a timetable (*message) */
    TT_QUEUE_FULL = -7,   /* the runner is not running or its queue is full */
};

/* --- timetables_store.c ------------------------------------------------ */

/* Every timetable, newest first: id, name, status, source, job_state,
 * year_id, cost, dates, progress. Caller holds the store. */
int school_timetables_list(struct store *s, json_t **items_r, const char **error_r);
/* The generation fields of one: time_limit, progress, report, error
 * (objects as stored). NULL when not found or on error. Caller holds the
 * store. */
json_t *school_timetable_job_json(struct store *s, int64_t id, const char **error_r);
/* A new draft (job_state 'queued' when queued, else 'none') and its audit
 * row, in the caller's transaction; *id_r its id. */
int school_timetable_insert(struct store *s, const struct actor *actor,
                            const char *name, const char *source, bool queued,
                            int time_limit, int64_t *id_r, const char **error_r);
/* Makes draft `id` the active one (the old active one archived), audited.
 * TT_OK, TT_NOT_FOUND, TT_NOT_DRAFT, TT_BUSY, TT_NOT_READY, TT_STORE_ERROR. */
int school_timetable_activate(struct store *s, const struct actor *actor, int64_t id,
                              const char **error_r);
/* Deletes draft `id` with its lessons, audited. TT_OK, TT_NOT_FOUND,
 * TT_NOT_DRAFT, TT_BUSY (cancel it first), TT_STORE_ERROR. */
int school_timetable_discard(struct store *s, const struct actor *actor, int64_t id,
                             const char **error_r);
/* Draft `id` against the active timetable: both costs, the cost by rule
 * of each, and the lessons of each that the other does not have at the
 * same place. TT_OK (*out_r), TT_NOT_FOUND, TT_NO_ACTIVE, TT_STORE_ERROR.
 * Caller holds the store. */
int school_timetable_compare(struct store *s, int64_t id, json_t **out_r,
                             const char **error_r);
/* A generation cancelled before it started: job_state 'cancelled' and its
 * audit row, in the caller's transaction. */
int school_timetable_mark_cancelled(struct store *s, const struct actor *actor, int64_t id,
                                    const char **error_r);
/* A queued or running timetable whose job no runner holds and whose row
 * has not changed for 15 s (the server restarted; a CLI generation writes
 * its progress meanwhile): marked failed. Caller holds the store. */
int school_timetable_orphan(struct store *s, int64_t id, const char **error_r);

/* --- tt_runner.c ------------------------------------------------------- */

/* Starts `threads` runner threads (1-8) over the pool's stores; jobs
 * beyond `max_queue` waiting are refused. 0, or -1 if already started. */
int tt_runner_start(struct school_pool *pool, int threads, int max_queue);
/* Cancels every job, waits for the threads and forgets the queue. */
void tt_runner_stop(void);
/* Queues the generation of draft `id` of school `code` from `b` (taken,
 * even on failure). TT_OK or TT_QUEUE_FULL. */
int tt_runner_submit(const char *code, int64_t id, struct school_tt *b, int time_limit,
                     const struct actor *actor);
/* Asks the job of (code, id) to stop: true when the runner holds it. */
bool tt_runner_cancel(const char *code, int64_t id);
/* Whether the runner holds a job for (code, id). */
bool tt_runner_holds(const char *code, int64_t id);

/* Re-prices timetable `id` as its lessons stand now (after a hand edit),
 * in the caller's transaction: cost_hard, cost_soft and the report's cost
 * by rule and violations (marked "edited"; the search figures stay the
 * generation's). A timetable whose set-up cannot be built any more keeps
 * its figures (logged). 0, or -1 on a store error. */
int school_tt_recost(struct store *s, int64_t id, const char **error_r);

/* Checks the set-up and, when it can give a timetable, creates a queued
 * draft and submits it: TT_OK (*id_r), TT_INVALID (*message_r, Spanish,
 * malloc'ed: every problem a line), TT_BUSY (another generation queued or
 * running), TT_QUEUE_FULL, TT_STORE_ERROR (*error_r). Takes the store. */
int school_timetable_start(struct store *s, const char *code, const struct actor *actor,
                           const char *name, int time_limit, int64_t *id_r,
                           char **message_r, const char **error_r);

/* The same on the caller's thread (CLI, demo): generates a draft and,
 * with `activate`, activates it when it has no clash. TT_OK (*id_r),
 * TT_INVALID (*message_r), TT_NOT_READY (generated with hard violations,
 * not activated), TT_STORE_ERROR. Takes the store. */
int school_timetable_generate(struct store *s, const struct actor *actor, const char *name,
                              int time_limit, bool activate, int64_t *id_r,
                              char **message_r, const char **error_r);

#endif
