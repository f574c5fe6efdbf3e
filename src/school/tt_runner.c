/*
 * The generation runner (tt_generate.h): a fixed set of threads that take
 * jobs from one queue (bounded), each job the generation of one draft of one
 * school. A job holds its school's store from the pool only while it runs;
 * the search itself runs without the store's lock, which it takes briefly
 * to write its progress (twice a second) and, at the end, the
 * lessons, cost and report with their audit row. Cancelling sets the job's
 * flag (the engine stops at its next step and keeps the best timetable
 * found) or, for a job still queued, takes it out of the queue. Runner
 * threads run at nice 10, below the request threads.
 *
 * school_timetable_start() is what a request calls; school_timetable_generate()
 * runs the same steps on the caller's thread (CLI, demo).
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "school/tt_generate.h"

struct job {
    char code[64];
    int64_t id;
    struct school_tt *b;
    int time_limit;
    struct actor actor;
    char email[256], role[32], ip[64], request_id[40];
    volatile int cancel;
    struct job *next;
};

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool started, stopping;
    struct school_pool *pool;
    pthread_t threads[8];
    int nthreads;
    int max_queue, queued;
    struct job *head, *tail;
    struct job *running[8];
} R = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

/* --- Solving and saving ------------------------------------------------- */

struct progress_ctx {
    struct store *s;
    int64_t id;
    int time_limit;
    volatile int *cancel;
};

static json_t *progress_json(double elapsed, long iterations, struct tt_cost c, int limit,
                             bool done)
{
    int pct = done ? 100 : limit > 0 ? (int)(elapsed * 100.0 / limit) : 0;
    if (!done && pct > 99)
        pct = 99;
    return json_pack("{s:f,s:I,s:I,s:I,s:i}", "elapsed", elapsed, "iterations",
                     (json_int_t)iterations, "hard", (json_int_t)c.hard, "soft",
                     (json_int_t)c.soft, "percent", pct);
}

static bool on_progress(const struct tt_progress *p, void *arg)
{
    struct progress_ctx *pc = arg;
    json_t *j = progress_json(p->elapsed, p->iterations, p->best, pc->time_limit, false);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    const char *err = NULL;
    char now[21];
    time_format_utc(time_now(), now);
    if (store_begin(pc->s, &err) == 0) {
        int rc = db_run(pc->s->conn, &err,
                        "UPDATE timetables SET progress = ?, updated_at = ? WHERE id = ?", "tti",
                        text, now, pc->id);
        store_end(pc->s, rc >= 0, &err);
    }
    free(text);
    return !(pc->cancel && *pc->cancel);
}

/* The Spanish name of a rule of tt_build. */
static const char *rule_label(const char *origin)
{
    static const struct {
        const char *origin, *label;
    } labels[] = {
        {"teacher_gaps", "Horas libres de los docentes entre clases"},
        {"class_gaps", "Horas libres de las secciones entre clases"},
        {"subject_spread", "Bloques de una materia el mismo día"},
        {"bell_schedule", "Clases fuera del horario de timbre de la sección"},
        {"teacher_preferences", "Disponibilidad y preferencias de los docentes"},
    };
    if (!origin)
        return "Choques y clases sin colocar";
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (!strcmp(labels[i].origin, origin))
            return labels[i].label;
    return origin;
}

/* A violation's words for a person: without the engine's trailing rule
 * key and weight (" [teacher_gaps] (peso 10)"). malloc'ed. */
static char *plain_text(const char *text)
{
    char *t = xstrdup(text ? text : "");
    char *k = strstr(t, " [");
    if (k && strchr(k, ']'))
        *k = '\0';
    return t;
}

/* The report: cost by rule and every violation in words. */
static json_t *make_report(const struct school_tt *b, const struct tt_solution *sol,
                           const struct tt_result *res, uint64_t seed)
{
    const struct tt_instance *inst = b->inst;
    struct tt_violation *v = NULL;
    int nv = tt_explain(inst, sol, TT_ES, &v);
    json_t *by = json_array(), *list = json_array();
    for (int i = 0; i < nv; i++) {
        const char *origin = v[i].constraint >= 0 ? inst->constraints[v[i].constraint].origin
                                                  : NULL;
        const char *key = origin ? origin : "clashes";
        json_t *row = NULL;
        for (size_t k = 0; k < json_array_size(by) && !row; k++) {
            json_t *r = json_array_get(by, k);
            if (!strcmp(json_string_value(json_object_get(r, "rule")), key))
                row = r;
        }
        if (!row) {
            row = json_pack("{s:s,s:s,s:I,s:I,s:I}", "rule", key, "label", rule_label(origin),
                            "hard", (json_int_t)0, "soft", (json_int_t)0, "count",
                            (json_int_t)0);
            json_array_append_new(by, row);
        }
        const char *f = v[i].hard ? "hard" : "soft";
        json_object_set_new(row, f,
                            json_integer(json_integer_value(json_object_get(row, f)) + v[i].cost));
        json_object_set_new(row, "count",
                            json_integer(json_integer_value(json_object_get(row, "count")) + 1));
        if (json_array_size(list) < 1000) {
            char *text = plain_text(v[i].text);
            json_array_append_new(list, json_pack("{s:b,s:I,s:s,s:s}", "hard", v[i].hard, "cost",
                                                  (json_int_t)v[i].cost, "rule", key, "text",
                                                  text));
            free(text);
        }
    }
    tt_violations_free(v, nv);
    struct tt_stats st = tt_statistics(inst, sol);
    json_t *notes = json_array();
    if (b->notes) {
        const char *p = b->notes;
        while (*p) {
            const char *e = strchr(p, '\n');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            if (n) {
                char *line = xstrndup(p, n);
                json_array_append_new(notes, json_string(line));
                free(line);
            }
            p += n + (e ? 1 : 0);
        }
    }
    return json_pack("{s:f,s:f,s:I,s:I,s:b,s:i,s:{s:i,s:i,s:i},s:o,s:o,s:I,s:o}", "seconds",
                     res->seconds, "seconds_to_feasible", res->seconds_to_feasible,
                     "iterations", (json_int_t)res->iterations, "seed", (json_int_t)seed,
                     "cancelled", res->cancelled, "blocks", inst->nblocks, "stats",
                     "teacher_gaps", st.teacher_gaps, "class_gaps", st.class_gaps, "unplaced",
                     st.unplaced, "by_rule", by, "violations", list, "violation_count",
                     (json_int_t)nv, "notes", notes);
}

static int set_state(struct store *s, int64_t id, const char *state, const char *error,
                     const char **error_r)
{
    char now[21];
    time_format_utc(time_now(), now);
    if (store_begin(s, error_r) < 0)
        return -1;
    int rc = db_run(s->conn, error_r,
                    "UPDATE timetables SET job_state = ?, error = ?, updated_at = ? WHERE id = ?",
                    "ttti", state, error ? error : "", now, id);
    return store_end(s, rc >= 0, error_r) < 0 || rc < 0 ? -1 : 0;
}

/* Solves b into draft id and saves it: TT_OK, or TT_STORE_ERROR. */
static int solve_and_save(struct store *s, int64_t id, struct school_tt *b, int time_limit,
                          const struct actor *actor, volatile int *cancel,
                          struct tt_cost *cost_r, const char **error_r)
{
    if (set_state(s, id, "running", NULL, error_r) < 0)
        return TT_STORE_ERROR;
    struct tt_solution *sol = tt_solution_new(b->inst);
    if (b->start)
        tt_solution_copy(sol, b->start);
    struct progress_ctx pc = {s, id, time_limit, cancel};
    struct tt_options opt;
    tt_options_init(&opt);
    opt.time_limit = time_limit;
    opt.seed = (uint64_t)id;
    opt.threads = 1;
    opt.progress = on_progress;
    opt.progress_arg = &pc;
    opt.progress_interval = 0.5;
    opt.cancel = cancel;
    struct tt_result res = {0};
    char *serr = NULL;
    if (tt_solve(b->inst, sol, &opt, &res, &serr) < 0) {
        tt_solution_free(&sol);
        int rc = set_state(s, id, "failed", serr ? serr : "No se pudo generar el horario.",
                           error_r);
        free(serr);
        return rc < 0 ? TT_STORE_ERROR : TT_OK;
    }
    struct tt_cost cost = tt_evaluate(b->inst, sol);
    if (cost_r)
        *cost_r = cost;
    json_t *report = make_report(b, sol, &res, opt.seed);
    char *rtext = json_dumps(report, JSON_COMPACT);
    json_decref(report);
    json_t *pj = progress_json(res.seconds, res.iterations, cost, time_limit, true);
    char *ptext = json_dumps(pj, JSON_COMPACT);
    json_decref(pj);
    const char *state = res.cancelled || (cancel && *cancel) ? "cancelled" : "done";
    char now[21];
    time_format_utc(time_now(), now);
    int out = TT_OK;
    if (store_begin(s, error_r) < 0) {
        out = TT_STORE_ERROR;
    } else {
        bool ok = school_tt_save(s, id, b, sol, error_r) >= 0 &&
                  db_run(s->conn, error_r,
                         "UPDATE timetables SET job_state = ?, cost_hard = ?, cost_soft = ?,"
                         " report = ?, progress = ?, error = '', updated_at = ? WHERE id = ?",
                         "tiittti", state, (int64_t)cost.hard,
                         (int64_t)cost.soft, rtext, ptext, now, id) >= 0;
        if (ok) {
            char ids[24];
            snprintf(ids, sizeof(ids), "%lld", (long long)id);
            json_t *after = json_pack("{s:s,s:I,s:I,s:f,s:i}", "job_state", state, "cost_hard",
                                      (json_int_t)cost.hard, "cost_soft", (json_int_t)cost.soft,
                                      "seconds", res.seconds, "blocks", b->inst->nblocks);
            struct audit_entry e = {"generate", "timetable", ids, NULL, after};
            ok = audit_write(s, actor, &e, error_r) >= 0;
            json_decref(after);
        }
        if (store_end(s, ok, error_r) < 0 || !ok)
            out = TT_STORE_ERROR;
    }
    free(rtext);
    free(ptext);
    tt_solution_free(&sol);
    return out;
}

/* --- After a hand edit ----------------------------------------------------- */

int school_tt_recost(struct store *s, int64_t id, const char **error_r)
{
    struct school_tt *b = NULL;
    char *berr = NULL;
    int built = school_tt_build(s, id, &b, &berr);
    if (built < 0 || built == 0) {
        if (built == -1) {
            static __thread char why[160];
            snprintf(why, sizeof why, "%s", berr ? berr : "timetable could not be read");
            *error_r = why;
        } else {
            log_msg(LOG_WARN, "timetable %lld not re-priced after an edit: %s", (long long)id,
                    berr ? berr : "not found");
        }
        free(berr);
        school_tt_free(&b);
        return built == -1 ? -1 : 0;
    }
    free(berr);
    /* the search figures are the generation's: kept from the old report */
    struct tt_result res = {0};
    uint64_t seed = 0;
    struct db_stmt *st =
        db_query(s->conn, error_r, "SELECT COALESCE(report, '') FROM timetables WHERE id = ?",
                 "i", id);
    int step = st ? db_step(st, error_r) : DB_ERROR;
    if (step == DB_ROW) {
        json_t *old = json_loads(db_text(st, 0), 0, NULL);
        res.seconds = json_number_value(json_object_get(old, "seconds"));
        res.seconds_to_feasible = json_number_value(json_object_get(old, "seconds_to_feasible"));
        res.iterations = (long)json_integer_value(json_object_get(old, "iterations"));
        seed = (uint64_t)json_integer_value(json_object_get(old, "seed"));
        json_decref(old);
    }
    db_finish(&st);
    if (step < 0) {
        school_tt_free(&b);
        return -1;
    }
    struct tt_cost cost = tt_evaluate(b->inst, b->start);
    json_t *report = make_report(b, b->start, &res, seed);
    json_object_set_new(report, "edited", json_true());
    char *rtext = json_dumps(report, JSON_COMPACT);
    json_decref(report);
    int rc = db_run(s->conn, error_r,
                    "UPDATE timetables SET cost_hard = ?, cost_soft = ?, report = ? WHERE id = ?",
                    "iiti", (int64_t)cost.hard, (int64_t)cost.soft, rtext, id);
    free(rtext);
    school_tt_free(&b);
    return rc < 0 ? -1 : 0;
}

/* --- The runner ----------------------------------------------------------- */

static void job_free(struct job *j)
{
    if (!j)
        return;
    school_tt_free(&j->b);
    free(j);
}

static void *worker(void *arg)
{
    int slot = (int)(intptr_t)arg;
    /* below the request threads: a search never slows other schools' reads
     * (Linux: a thread's nice value is its own) */
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
    pthread_mutex_lock(&R.mu);
    for (;;) {
        while (!R.stopping && !R.head)
            pthread_cond_wait(&R.cv, &R.mu);
        if (R.stopping)
            break;
        struct job *j = R.head;
        R.head = j->next;
        if (!R.head)
            R.tail = NULL;
        R.queued--;
        R.running[slot] = j;
        pthread_mutex_unlock(&R.mu);

        struct store *s = NULL;
        const char *err = NULL;
        if (pool_acquire(R.pool, j->code, &s, &err) == POOL_OK) {
            if (solve_and_save(s, j->id, j->b, j->time_limit, &j->actor, &j->cancel, NULL,
                               &err) != TT_OK)
                fprintf(stderr,
                        "{\"level\":\"error\",\"msg\":\"timetable %s/%lld: %s\"}\n", j->code,
                        (long long)j->id, err ? err : "store error");
            pool_release(R.pool, s);
        }
        pthread_mutex_lock(&R.mu);
        R.running[slot] = NULL;
        job_free(j);
    }
    pthread_mutex_unlock(&R.mu);
    return NULL;
}

int tt_runner_start(struct school_pool *pool, int threads, int max_queue)
{
    pthread_mutex_lock(&R.mu);
    if (R.started) {
        pthread_mutex_unlock(&R.mu);
        return -1;
    }
    if (threads < 1)
        threads = 1;
    if (threads > 8)
        threads = 8;
    R.pool = pool;
    R.max_queue = max_queue > 0 ? max_queue : 64;
    R.stopping = false;
    R.started = true;
    R.nthreads = 0;
    for (int i = 0; i < threads; i++)
        if (pthread_create(&R.threads[R.nthreads], NULL, worker, (void *)(intptr_t)i) == 0)
            R.nthreads++;
    pthread_mutex_unlock(&R.mu);
    return 0;
}

void tt_runner_stop(void)
{
    pthread_mutex_lock(&R.mu);
    if (!R.started) {
        pthread_mutex_unlock(&R.mu);
        return;
    }
    R.stopping = true;
    for (int i = 0; i < 8; i++)
        if (R.running[i])
            R.running[i]->cancel = 1;
    pthread_cond_broadcast(&R.cv);
    pthread_mutex_unlock(&R.mu);
    for (int i = 0; i < R.nthreads; i++)
        pthread_join(R.threads[i], NULL);
    pthread_mutex_lock(&R.mu);
    while (R.head) {
        struct job *j = R.head;
        R.head = j->next;
        job_free(j);
    }
    R.tail = NULL;
    R.queued = 0;
    R.started = false;
    pthread_mutex_unlock(&R.mu);
}

static void copy_actor(struct job *j, const struct actor *a)
{
    memset(&j->actor, 0, sizeof(j->actor));
    if (!a)
        return;
    j->actor.user_id = a->user_id;
    str_copy(j->email, sizeof(j->email), a->email ? a->email : "");
    str_copy(j->role, sizeof(j->role), a->role ? a->role : "");
    str_copy(j->ip, sizeof(j->ip), a->ip ? a->ip : "");
    str_copy(j->request_id, sizeof(j->request_id), a->request_id ? a->request_id : "");
    j->actor.email = a->email ? j->email : NULL;
    j->actor.role = a->role ? j->role : NULL;
    j->actor.ip = a->ip ? j->ip : NULL;
    j->actor.request_id = a->request_id ? j->request_id : NULL;
}

int tt_runner_submit(const char *code, int64_t id, struct school_tt *b, int time_limit,
                     const struct actor *actor)
{
    struct job *j = xcalloc(1, sizeof(*j));
    str_copy(j->code, sizeof(j->code), code);
    j->id = id;
    j->b = b;
    j->time_limit = time_limit;
    copy_actor(j, actor);
    pthread_mutex_lock(&R.mu);
    if (!R.started || R.stopping || R.nthreads == 0 || R.queued >= R.max_queue) {
        pthread_mutex_unlock(&R.mu);
        job_free(j);
        return TT_QUEUE_FULL;
    }
    if (R.tail)
        R.tail->next = j;
    else
        R.head = j;
    R.tail = j;
    R.queued++;
    pthread_cond_signal(&R.cv);
    pthread_mutex_unlock(&R.mu);
    return TT_OK;
}

/* 1 cancelled while queued (taken out), 2 running (flag set), 0 none. */
static int runner_cancel(const char *code, int64_t id)
{
    int out = 0;
    pthread_mutex_lock(&R.mu);
    for (int i = 0; i < 8 && !out; i++)
        if (R.running[i] && R.running[i]->id == id && !strcmp(R.running[i]->code, code)) {
            R.running[i]->cancel = 1;
            out = 2;
        }
    struct job **pp = &R.head, *prev = NULL;
    while (!out && *pp) {
        struct job *j = *pp;
        if (j->id == id && !strcmp(j->code, code)) {
            *pp = j->next;
            if (R.tail == j)
                R.tail = prev;
            R.queued--;
            job_free(j);
            out = 1;
            break;
        }
        prev = j;
        pp = &j->next;
    }
    pthread_mutex_unlock(&R.mu);
    return out;
}

bool tt_runner_cancel(const char *code, int64_t id)
{
    return runner_cancel(code, id) != 0;
}

bool tt_runner_holds(const char *code, int64_t id)
{
    bool held = false;
    pthread_mutex_lock(&R.mu);
    for (int i = 0; i < 8 && !held; i++)
        held = R.running[i] && R.running[i]->id == id && !strcmp(R.running[i]->code, code);
    for (struct job *j = R.head; j && !held; j = j->next)
        held = j->id == id && !strcmp(j->code, code);
    pthread_mutex_unlock(&R.mu);
    return held;
}

/* --- Starting a generation ------------------------------------------------ */

/* Build, check, create the draft: in one transaction. */
static int prepare(struct store *s, const struct actor *actor, const char *name,
                   int time_limit, bool queued, int64_t *id_r, struct school_tt **b_r,
                   char **message_r, const char **error_r)
{
    *b_r = NULL;
    *message_r = NULL;
    if (store_begin(s, error_r) < 0)
        return TT_STORE_ERROR;
    int out = TT_OK;
    int64_t busy = 0;
    if (db_query_int(s->conn, error_r, &busy,
                     "SELECT COUNT(*) FROM timetables WHERE job_state IN ('queued', 'running')",
                     "") < 0) {
        out = TT_STORE_ERROR;
        goto done;
    }
    if (busy && queued) {
        out = TT_BUSY;
        goto done;
    }
    char *berr = NULL;
    struct school_tt *b = NULL;
    int rc = school_tt_build(s, 0, &b, &berr);
    if (rc == -1) {
        static __thread char buf[256];
        str_copy(buf, sizeof(buf), berr ? berr : "store error");
        *error_r = buf;
        free(berr);
        out = TT_STORE_ERROR;
        goto done;
    }
    if (rc != 1) {
        *message_r = berr ? berr : xstrdup("No se pudo preparar el horario.");
        out = TT_INVALID;
        goto done;
    }
    char *text = NULL;
    if (school_tt_precheck(b, &text) > 0) {
        *message_r = text;
        school_tt_free(&b);
        out = TT_INVALID;
        goto done;
    }
    free(text);
    if (school_timetable_insert(s, actor, name, "generated", true, time_limit, id_r,
                                error_r) < 0) {
        school_tt_free(&b);
        out = TT_STORE_ERROR;
        goto done;
    }
    *b_r = b;
done:
    if (store_end(s, out == TT_OK, error_r) < 0 && out == TT_OK) {
        school_tt_free(b_r);
        out = TT_STORE_ERROR;
    }
    return out;
}

int school_timetable_start(struct store *s, const char *code, const struct actor *actor,
                           const char *name, int time_limit, int64_t *id_r, char **message_r,
                           const char **error_r)
{
    struct school_tt *b = NULL;
    int rc = prepare(s, actor, name, time_limit, true, id_r, &b, message_r, error_r);
    if (rc != TT_OK)
        return rc;
    if (tt_runner_submit(code, *id_r, b, time_limit, actor) != TT_OK) {
        set_state(s, *id_r, "failed", "El generador de horarios está ocupado: intente más tarde.",
                  error_r);
        return TT_QUEUE_FULL;
    }
    return TT_OK;
}

int school_timetable_generate(struct store *s, const struct actor *actor, const char *name,
                              int time_limit, bool activate, int64_t *id_r, char **message_r,
                              const char **error_r)
{
    struct school_tt *b = NULL;
    int rc = prepare(s, actor, name, time_limit, false, id_r, &b, message_r, error_r);
    if (rc != TT_OK)
        return rc;
    struct tt_cost cost = {1, 0};
    rc = solve_and_save(s, *id_r, b, time_limit, actor, NULL, &cost, error_r);
    school_tt_free(&b);
    if (rc != TT_OK)
        return rc;
    if (cost.hard > 0)
        return TT_NOT_READY;
    if (activate) {
        rc = school_timetable_activate(s, actor, *id_r, error_r);
        if (rc != TT_OK)
            return rc == TT_STORE_ERROR ? TT_STORE_ERROR : TT_NOT_READY;
    }
    return TT_OK;
}
