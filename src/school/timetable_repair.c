/*
 * Repairing a draft by hand's side (issue #15, the grid): "reparar" re-runs
 * the solver on the draft around its locked lessons. The draft is read as a
 * problem by the generate part's school_tt_build() (from the timetable:
 * each lesson a block starting where it is, locked lessons pinned to their
 * slot and room), checked by school_tt_precheck(), marked queued and
 * audited (`repair` of `timetable`) in one transaction, then handed to the
 * generation runner (tt_runner_submit): the search runs on the runner's own
 * threads, never on a request thread, writes its progress to the row and,
 * at the end, the lessons, cost and report, as a generation does. The page
 * follows it through the timetable's job_state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "school/records.h"
#include "school/timetable_edit.h"
#include "school/tt_generate.h"

int tt_edit_repair(struct store *s, const char *code, const struct actor *actor,
                   int64_t tt_id, int time_limit, char **message_r,
                   const char **error_r)
{
    *message_r = NULL;
    if (store_begin(s, error_r) < 0)
        return TT_EDIT_ERROR;
    int rc = TT_EDIT_OK;
    struct school_tt *b = NULL;
    char status[16] = "";
    struct db_stmt *st = db_query(s->conn, error_r,
                                  "SELECT status FROM timetables WHERE id = ?",
                                  "i", tt_id);
    int step = st ? db_step(st, error_r) : DB_ERROR;
    if (step == DB_ROW)
        str_copy(status, sizeof status, db_text(st, 0));
    db_finish(&st);
    int64_t busy = 0;
    if (step < 0)
        rc = TT_EDIT_ERROR;
    else if (step == DB_DONE)
        rc = TT_EDIT_NOT_FOUND;
    else if (strcmp(status, "draft") != 0)
        rc = TT_EDIT_NOT_DRAFT;
    else if (db_query_int(s->conn, error_r, &busy,
                          "SELECT COUNT(*) FROM timetables"
                          " WHERE job_state IN ('queued', 'running')",
                          "") < 0)
        rc = TT_EDIT_ERROR;
    else if (busy)
        rc = TT_EDIT_BUSY;
    if (rc == TT_EDIT_OK) {
        char *berr = NULL;
        int built = school_tt_build(s, tt_id, &b, &berr);
        if (built == -1) {
            static __thread char buf[256];
            str_copy(buf, sizeof buf, berr ? berr : "store error");
            *error_r = buf;
            rc = TT_EDIT_ERROR;
            free(berr);
        } else if (built == 0) {
            rc = TT_EDIT_NOT_FOUND;
            free(berr);
        } else if (built != 1) {
            *message_r = berr ? berr : xstrdup("No se pudo preparar el horario.");
            rc = TT_EDIT_INVALID;
        } else {
            free(berr);
            char *text = NULL;
            if (school_tt_precheck(b, &text) > 0) {
                *message_r = text;
                text = NULL;
                rc = TT_EDIT_INVALID;
            }
            free(text);
        }
    }
    if (rc == TT_EDIT_OK) {
        int locked = 0;
        for (int i = 0; i < b->inst->nblocks; i++)
            locked += b->blocks[i].locked;
        char now[21];
        time_format_utc(time_now(), now);
        json_t *after = json_pack("{s:s,s:i,s:i,s:i}", "job_state", "queued",
                                  "time_limit", time_limit, "lessons",
                                  b->inst->nblocks, "locked", locked);
        if (db_run(s->conn, error_r,
                   "UPDATE timetables SET job_state = 'queued', time_limit = ?,"
                   " progress = '{}', error = '', updated_at = ? WHERE id = ?",
                   "iti", (int64_t)time_limit, now, tt_id) < 0 ||
            rec_audit(s, actor, "repair", "timetable", tt_id, NULL, after,
                      error_r) < 0)
            rc = TT_EDIT_ERROR;
        json_decref(after);
    }
    if (store_end(s, rc == TT_EDIT_OK, error_r) < 0 && rc == TT_EDIT_OK)
        rc = TT_EDIT_ERROR;
    if (rc != TT_EDIT_OK) {
        school_tt_free(&b);
        return rc;
    }
    if (tt_runner_submit(code, tt_id, b, time_limit, actor) != TT_OK) {
        char now[21];
        time_format_utc(time_now(), now);
        if (store_begin(s, error_r) == 0)
            store_end(s,
                      db_run(s->conn, error_r,
                             "UPDATE timetables SET job_state = 'failed', error = ?,"
                             " updated_at = ? WHERE id = ?",
                             "tti",
                             "El generador de horarios está ocupado: intente de "
                             "nuevo en unos minutos.",
                             now, tt_id) >= 0,
                      error_r);
        return TT_EDIT_QUEUE_FULL;
    }
    return TT_EDIT_OK;
}
