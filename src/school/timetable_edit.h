/*
 * Editing a timetable by hand (issue #15, the grid): move a lesson to
 * another slot, swap two, lock or unlock a lesson, copy a timetable into a
 * new draft, the free slots of a lesson while it is dragged, and the grid's
 * own reading (lessons, bell schedules, the clashes it holds). Only drafts
 * not being generated are edited; every change is checked at once by
 * tt_check.c against the timetable as stored, in the write's transaction,
 * and written with its audit row (before/after) in that transaction.
 *
 * The SQL lives here; src/http/h_timetable_edit.c parses and replies.
 * Functions take the store themselves (store_begin / store_lock).
 */
#ifndef BIS_SCHOOL_TIMETABLE_EDIT_H
#define BIS_SCHOOL_TIMETABLE_EDIT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "db/db.h"
#include "school/tt_check.h"

enum tt_edit_result {
    TT_EDIT_OK = 0,
    TT_EDIT_ERROR = -1,     /* store failure: *error_r (English) */
    TT_EDIT_NOT_FOUND = -2, /* no such timetable */
    TT_EDIT_NOT_DRAFT = -3, /* active or archived: copy it first */
    TT_EDIT_BUSY = -4,      /* being generated (queued or running) */
    TT_EDIT_LOCKED = -5,    /* a moved lesson is locked */
    TT_EDIT_CLASH = -6,     /* *clash_r says what, in Spanish */
    TT_EDIT_INVALID = -7,   /* a lesson not of this timetable, a bad slot:
                               clash_r->message says which; repair: the
                               set-up cannot give a timetable */
    TT_EDIT_QUEUE_FULL = -8, /* repair: the generation runner is full */
};

/* The teachers' unavailability from approved `avoid` preferences on a
 * time or a day. Caller holds the store. *u_r malloc'ed (free()). */
int tt_edit_unavailable_load(struct store *s, struct tt_unavailable **u_r,
                             int *n_r, const char **error_r);

/*
 * Moves: lesson -> (day, period) for each of moves[0..n) (a swap is two),
 * checked as one change and written with one audit row per lesson.
 * *lessons_r: on success, the moved lessons as the API shows them.
 */
int tt_edit_move(struct store *s, const struct actor *actor, int64_t tt_id,
                 const struct tt_move *moves, int n, struct tt_clash *clash_r,
                 json_t **lessons_r, const char **error_r);
/* Swaps lessons a and b: each takes the other's slot (both placed). */
int tt_edit_swap(struct store *s, const struct actor *actor, int64_t tt_id,
                 int64_t a, int64_t b, struct tt_clash *clash_r,
                 json_t **lessons_r, const char **error_r);

/* Locks or unlocks a lesson of a draft; *lesson_r the lesson after. */
int tt_edit_lock(struct store *s, const struct actor *actor, int64_t tt_id,
                 int64_t lesson_id, bool locked, json_t **lesson_r,
                 const char **error_r);

/* A new draft (source 'copy', "Copia de NAME") with the lessons of tt_id,
 * whatever its status; *tt_r the new timetable (school_timetable_json). */
int tt_edit_copy(struct store *s, const struct actor *actor, int64_t tt_id,
                 json_t **tt_r, const char **error_r);

/* {"lesson_id","slots":[{"day","period"}]}: where lesson_id could go. */
int tt_edit_free_slots(struct store *s, int64_t tt_id, int64_t lesson_id,
                       json_t **slots_r, const char **error_r);

/* The grid: school_timetable_json(tt, true) (each lesson with its
 * section's "schedule_id") plus "editable",
 * "schedules" [{"id","name","days":[1..],"rows":[{"number","is_break",
 * "starts_at","ends_at"}]}] and "clashes" [{"kind","lesson_id",
 * "other_lesson_id","day","period","message"}]. */
int tt_edit_grid(struct store *s, int64_t tt_id, json_t **grid_r,
                 const char **error_r);

/*
 * Repair (timetable_repair.c): re-runs the solver on draft tt_id of school
 * `code` around its locked lessons (pinned; the others start where they
 * are), on the generation runner's threads. TT_EDIT_OK (queued: follow its
 * job_state), NOT_FOUND, NOT_DRAFT, BUSY (a generation of the school is
 * queued or running), INVALID (*message_r, Spanish, malloc'ed: one problem
 * a line), QUEUE_FULL, ERROR. Takes the store.
 */
int tt_edit_repair(struct store *s, const char *code, const struct actor *actor,
                   int64_t tt_id, int time_limit, char **message_r,
                   const char **error_r);

#endif
