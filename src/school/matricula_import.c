/*
 * Applying a Matrícula to the school's store (see matricula.h).
 *
 * How it works: the sheet is mapped (matricula_map), then one write
 * transaction is opened. What the store already holds is loaded once into
 * memory, keyed for the rows: grades and the current year's sections (a
 * few dozen), every student by cédula (id, section, a 64-bit fingerprint
 * of its stored fields, of its representative links and of its authorized
 * pick-ups) and every representative by cédula (id, fingerprint). Each row
 * is then normalized (matricula_row) and compared by fingerprint: only what
 * differs is written, with prepared statements the driver caches, so
 * re-importing the same file writes nothing and a 10,000-row file costs
 * one pass. A representative's fields are taken from the first row that
 * names them in the file (siblings' rows may disagree; the first wins, so a
 * re-import stays unchanged). The whole import leaves one audit row. A dry
 * run, or an all-or-nothing import that found rejected rows, rolls the
 * transaction back: the report is what a commit would have done.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/log.h"
#include "core/tz.h"
#include "core/tzcache.h"
#include "core/util.h"
#include "school/matricula.h"
#include "school/records.h"
#include "school/school.h"
#include "school/students.h"


/* ---- stored columns, from the column table ------------------------- */

/* Student columns stored as they come (grade, section and age are not
 * columns of students). */
static const struct {
    const char *name;
    int index;
} stu_cols[] = {
#define STUDENT_COL(f, h, k) {#f, MS_##f},
#define REP_COL(f, h, k)
#define AUTH_COL(f, h, k)
#include "school/matricula_columns.def"
#undef STUDENT_COL
#undef REP_COL
#undef AUTH_COL
};
static const struct {
    const char *name;
    int index;
} rep_cols[] = {
#define STUDENT_COL(f, h, k)
#define REP_COL(f, h, k) {#f, MR_##f},
#define AUTH_COL(f, h, k)
#include "school/matricula_columns.def"
#undef STUDENT_COL
#undef REP_COL
#undef AUTH_COL
};
#define N_STU_COLS (sizeof stu_cols / sizeof stu_cols[0])
#define N_REP_COLS (sizeof rep_cols / sizeof rep_cols[0])

static bool stu_stored(size_t i)
{
    const char *n = stu_cols[i].name;
    return strcmp(n, "grade") != 0 && strcmp(n, "section") != 0 &&
           strcmp(n, "age") != 0;
}
static bool rep_stored(size_t i)
{
    return strcmp(rep_cols[i].name, "relationship") != 0;
}

/* The SQL, built once from the tables above. */
struct sql_set {
    char *stu_select, *stu_insert, *stu_update;
    char *rep_select, *rep_insert, *rep_update;
    /* batch inserts: one JSON array of rows as the last parameter */
    char *stu_batch, *rep_batch, *enrol_batch, *link_batch, *pickup_batch;
    /* the same, one row per statement (SQLite: no round trips, and its
     * JSON functions re-parse a row for every value read) */
    char *stu_row, *rep_row, *enrol_row, *link_row, *pickup_row;
    bool pg;
    int stu_n, rep_n; /* stored columns */
};

/* "INSERT INTO t (cols) VALUES (?, ... ?<tail>)<returning>" with n
 * placeholders. */
static char *row_sql(const char *head, int n, const char *tail,
                     const char *returning)
{
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_adds(&sb, head);
    strbuf_adds(&sb, " VALUES (");
    for (int i = 0; i < n; i++)
        strbuf_adds(&sb, i ? ", ?" : "?");
    strbuf_addf(&sb, "%s)%s", tail, returning);
    return strbuf_steal(&sb);
}

/* "SELECT <value ->> 0, ...> FROM json_each(?)": the rows of a JSON array
 * of arrays, on SQLite (json_each) or PostgreSQL (json_array_elements). */
static void batch_select(struct strbuf *sb, const char *fn, int n,
                         const char *const *casts, const char *tail)
{
    strbuf_adds(sb, " SELECT ");
    for (int i = 0; i < n; i++) {
        if (casts && casts[i])
            strbuf_addf(sb, "%sCAST(value ->> %d AS %s)", i ? ", " : "", i,
                        casts[i]);
        else
            strbuf_addf(sb, "%svalue ->> %d", i ? ", " : "", i);
    }
    strbuf_addf(sb, "%s FROM %s(?)", tail, fn);
}

static void sql_build(struct sql_set *q, bool pg)
{
    /* jsonb: parsed once, not at every ->> */
    const char *fn = pg ? "jsonb_array_elements" : "json_each";
    q->pg = pg;
    struct strbuf sel, ins, vals, upd;
    strbuf_init(&sel), strbuf_init(&ins), strbuf_init(&vals),
        strbuf_init(&upd);
    strbuf_adds(&sel, "SELECT id, section_id, cedula_raw");
    strbuf_adds(&ins, "INSERT INTO students (cedula_raw");
    strbuf_adds(&vals, "?");
    strbuf_adds(&upd, "UPDATE students SET cedula_raw = ?");
    q->stu_n = 0;
    for (size_t i = 0; i < N_STU_COLS; i++) {
        if (!stu_stored(i))
            continue;
        q->stu_n++;
        strbuf_addf(&sel, ", %s", stu_cols[i].name);
        strbuf_addf(&ins, ", %s", stu_cols[i].name);
        strbuf_adds(&vals, ", ?");
        strbuf_addf(&upd, ", %s = ?", stu_cols[i].name);
    }
    strbuf_adds(&sel, " FROM students");
    strbuf_addf(&ins, ", section_id, search_text, created_at, updated_at)"
                      " VALUES (%s, ?, ?, ?, ?) RETURNING id",
                vals.data);
    strbuf_adds(&upd, ", section_id = ?, search_text = ?, updated_at = ?"
                      " WHERE id = ?");
    q->stu_select = strbuf_steal(&sel);
    q->stu_insert = strbuf_steal(&ins);
    q->stu_update = strbuf_steal(&upd);
    strbuf_cleanup(&vals);
    {
        /* cedula_raw, the stored columns, section_id; then the times */
        const char *casts[64] = {0};
        int k = 1;
        strbuf_init(&ins);
        strbuf_adds(&ins, "INSERT INTO students (cedula_raw");
        for (size_t i = 0; i < N_STU_COLS; i++) {
            if (!stu_stored(i))
                continue;
            if (stu_cols[i].index == MS_cedula_escolar)
                casts[k] = "BIGINT";
            k++;
            strbuf_addf(&ins, ", %s", stu_cols[i].name);
        }
        casts[k++] = "BIGINT"; /* section_id, then search_text */
        k++;
        strbuf_adds(&ins, ", section_id, search_text, created_at,"
                          " updated_at)");
        q->stu_row = row_sql(ins.data, k + 2, "", " RETURNING id, cedula");
        batch_select(&ins, fn, k, casts, ", ?, ?");
        strbuf_adds(&ins, " RETURNING id, cedula");
        q->stu_batch = strbuf_steal(&ins);
    }

    strbuf_init(&sel), strbuf_init(&ins), strbuf_init(&vals),
        strbuf_init(&upd);
    strbuf_adds(&sel, "SELECT id, cedula_raw");
    strbuf_adds(&ins, "INSERT INTO representatives (cedula_raw");
    strbuf_adds(&vals, "?");
    strbuf_adds(&upd, "UPDATE representatives SET cedula_raw = ?");
    q->rep_n = 0;
    for (size_t i = 0; i < N_REP_COLS; i++) {
        if (!rep_stored(i))
            continue;
        q->rep_n++;
        strbuf_addf(&sel, ", %s", rep_cols[i].name);
        strbuf_addf(&ins, ", %s", rep_cols[i].name);
        strbuf_adds(&vals, ", ?");
        strbuf_addf(&upd, ", %s = ?", rep_cols[i].name);
    }
    strbuf_adds(&sel, " FROM representatives");
    strbuf_addf(&ins, ", created_at, updated_at) VALUES (%s, ?, ?)"
                      " RETURNING id",
                vals.data);
    strbuf_adds(&upd, ", updated_at = ? WHERE id = ?");
    q->rep_select = strbuf_steal(&sel);
    q->rep_insert = strbuf_steal(&ins);
    q->rep_update = strbuf_steal(&upd);
    strbuf_cleanup(&vals);

    strbuf_init(&ins);
    strbuf_adds(&ins, "INSERT INTO representatives (cedula_raw");
    for (size_t i = 0; i < N_REP_COLS; i++)
        if (rep_stored(i))
            strbuf_addf(&ins, ", %s", rep_cols[i].name);
    strbuf_adds(&ins, ", created_at, updated_at)");
    q->rep_row = row_sql(ins.data, 1 + q->rep_n + 2, "",
                         " RETURNING id, cedula");
    batch_select(&ins, fn, 1 + q->rep_n, NULL, ", ?, ?");
    strbuf_adds(&ins, " RETURNING id, cedula");
    q->rep_batch = strbuf_steal(&ins);

    static const char *const ints2[] = {"BIGINT", "BIGINT"};
    strbuf_init(&ins);
    strbuf_adds(&ins, "INSERT INTO enrolments (student_id, section_id,"
                      " starts_on, start_reason, created_at)");
    q->enrol_row = row_sql("INSERT INTO enrolments (student_id, section_id,"
                           " starts_on, created_at, start_reason)",
                           4, ", 'ingreso'", "");
    batch_select(&ins, fn, 2, ints2, ", ?, 'ingreso', ?");
    q->enrol_batch = strbuf_steal(&ins);

    static const char *const link_casts[] = {"BIGINT", "BIGINT", "BIGINT",
                                             NULL, "BIGINT"};
    strbuf_init(&ins);
    strbuf_adds(&ins, "INSERT INTO student_representatives (student_id,"
                      " representative_id, position, relationship,"
                      " is_primary, may_pick_up)");
    q->link_row = row_sql(ins.data, 5, ", 1", "");
    batch_select(&ins, fn, 5, link_casts, ", 1");
    q->link_batch = strbuf_steal(&ins);

    static const char *const pick_casts[] = {"BIGINT", "BIGINT", NULL, NULL,
                                             NULL, NULL, NULL};
    strbuf_init(&ins);
    strbuf_adds(&ins, "INSERT INTO authorized_pickups (student_id, position,"
                      " first_names, last_names, cedula, cedula_raw, phone)");
    q->pickup_row = row_sql(ins.data, 7, "", "");
    batch_select(&ins, fn, 7, pick_casts, "");
    q->pickup_batch = strbuf_steal(&ins);
}

static void sql_free(struct sql_set *q)
{
    free(q->stu_select), free(q->stu_insert), free(q->stu_update);
    free(q->rep_select), free(q->rep_insert), free(q->rep_update);
    free(q->stu_batch), free(q->rep_batch), free(q->enrol_batch);
    free(q->link_batch), free(q->pickup_batch);
    free(q->stu_row), free(q->rep_row), free(q->enrol_row);
    free(q->link_row), free(q->pickup_row);
}

/* ---- fingerprints -------------------------------------------------- */

#define FP_INIT 0xcbf29ce484222325ULL
static uint64_t fp_add(uint64_t h, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    h ^= 0x1f; /* field separator */
    h *= 0x100000001b3ULL;
    return h;
}
static uint64_t fp_add_int(uint64_t h, int64_t v)
{
    char b[24];
    snprintf(b, sizeof b, "%lld", (long long)v);
    return fp_add(h, b);
}

/* ---- the in-memory index of existing people ------------------------ */

struct person {
    char cedula[24];
    int64_t id;
    int64_t section_id; /* students: 0 when none */
    uint64_t fields, links, pickups;
    bool touched;       /* already applied in this import */
};

struct people {
    struct person *v;
    size_t n, cap;
    uint32_t *by_ced; /* open addressing: index + 1, 0 empty */
    uint32_t *by_id;
    size_t slots;     /* power of two */
};

static uint64_t hash_str(const char *s)
{
    return fp_add(FP_INIT, s);
}
static uint64_t hash_id(int64_t id)
{
    uint64_t x = (uint64_t)id * 0x9e3779b97f4a7c15ULL;
    return x ^ (x >> 29);
}

static void people_reserve(struct people *pp, size_t want)
{
    if (want * 2 <= pp->slots && want <= pp->cap)
        return;
    size_t cap = pp->cap ? pp->cap : 256;
    while (cap < want)
        cap *= 2;
    pp->v = xrealloc(pp->v, cap * sizeof *pp->v);
    pp->cap = cap;
    size_t slots = 512;
    while (slots < cap * 2)
        slots *= 2;
    free(pp->by_ced);
    free(pp->by_id);
    pp->by_ced = xcalloc(slots, sizeof *pp->by_ced);
    pp->by_id = xcalloc(slots, sizeof *pp->by_id);
    pp->slots = slots;
    for (size_t i = 0; i < pp->n; i++) {
        size_t k = hash_str(pp->v[i].cedula) & (slots - 1);
        while (pp->by_ced[k])
            k = (k + 1) & (slots - 1);
        pp->by_ced[k] = (uint32_t)i + 1;
        if (pp->v[i].id <= 0) /* pending or planned: not looked up by id */
            continue;
        k = hash_id(pp->v[i].id) & (slots - 1);
        while (pp->by_id[k])
            k = (k + 1) & (slots - 1);
        pp->by_id[k] = (uint32_t)i + 1;
    }
}

static struct person *people_find(struct people *pp, const char *ced)
{
    if (pp->slots == 0)
        return NULL;
    size_t k = hash_str(ced) & (pp->slots - 1);
    while (pp->by_ced[k]) {
        struct person *x = &pp->v[pp->by_ced[k] - 1];
        if (strcmp(x->cedula, ced) == 0)
            return x;
        k = (k + 1) & (pp->slots - 1);
    }
    return NULL;
}

static struct person *people_find_id(struct people *pp, int64_t id)
{
    if (pp->slots == 0)
        return NULL;
    size_t k = hash_id(id) & (pp->slots - 1);
    while (pp->by_id[k]) {
        struct person *x = &pp->v[pp->by_id[k] - 1];
        if (x->id == id)
            return x;
        k = (k + 1) & (pp->slots - 1);
    }
    return NULL;
}

static struct person *people_add(struct people *pp, const char *ced,
                                 int64_t id)
{
    people_reserve(pp, pp->n + 1);
    struct person *x = &pp->v[pp->n];
    memset(x, 0, sizeof *x);
    str_copy(x->cedula, sizeof x->cedula, ced);
    x->id = id;
    size_t k = hash_str(ced) & (pp->slots - 1);
    while (pp->by_ced[k])
        k = (k + 1) & (pp->slots - 1);
    pp->by_ced[k] = (uint32_t)pp->n + 1;
    if (id > 0) {
        k = hash_id(id) & (pp->slots - 1);
        while (pp->by_id[k])
            k = (k + 1) & (pp->slots - 1);
        pp->by_id[k] = (uint32_t)pp->n + 1;
    }
    pp->n++;
    return x;
}

static void people_free(struct people *pp)
{
    free(pp->v);
    free(pp->by_ced);
    free(pp->by_id);
    memset(pp, 0, sizeof *pp);
}

/* ---- grades and sections ------------------------------------------- */

struct grade {
    int64_t id;
    char level[16];
    int number;
};
struct section {
    int64_t id, grade_id;
    char letter[16];
};

/* The state of one import. */
struct run {
    struct store *s;
    const struct actor *actor;
    const struct sheet *sh;
    const struct mat_mapping *m;
    struct mat_import_report *rep;
    struct sql_set q;
    const char **error_r;
    char now[21];
    char today[16], yesterday[16];
    int64_t year_id;
    bool dry;        /* plan only: nothing is written, new rows get */
    int64_t fake_id; /* negative ids */
    struct grade *grades;
    size_t ngrades;
    struct section *sections;
    size_t nsections;
    struct people students, reps;
    /* rows waiting to be written in batches (JSON arrays of arrays, one
     * statement per table per batch: PostgreSQL pays a round trip per
     * statement); people are named by cédula until their ids are known */
    json_t *q_reps, *q_students, *q_enrol, *q_links, *q_pickups;
    size_t q_rows;
    int rep_ced_col[MAT_REPS], auth_ced_col[MAT_AUTHS], stu_ced_col;
};

static int day_offset(const char *iso, int delta, char out[16])
{
    int y, mo, d;
    if (tz_parse_date(iso, &y, &mo, &d) < 0)
        return -1;
    tz_civil_from_days(tz_days_from_civil(y, mo, d) + delta, &y, &mo, &d);
    snprintf(out, 16, "%04d-%02d-%02d", y, mo, d);
    return 0;
}

/* The current school year's id (records.h: created, with its three
 * lapsos and audit row, when none is current). A dry run only reads:
 * -1 stands for the year a commit would create. */
static int year_ensure_current(struct run *u)
{
    if (u->dry) {
        int64_t id = 0;
        int rc = school_year_current(u->s, &id, u->error_r);
        if (rc < 0)
            return -1;
        u->year_id = rc == 1 ? id : -1;
        return 0;
    }
    return school_year_ensure_current(u->s, u->actor, u->today, &u->year_id,
                                      NULL, u->error_r);
}

static int load_structure(struct run *u)
{
    struct db_conn *c = u->s->conn;
    struct db_stmt *st =
        db_query(c, u->error_r, "SELECT id, level, number FROM grades", "");
    if (!st)
        return -1;
    int rc;
    while ((rc = db_step(st, u->error_r)) == DB_ROW) {
        u->grades = xrealloc(u->grades, (u->ngrades + 1) * sizeof *u->grades);
        struct grade *g = &u->grades[u->ngrades++];
        g->id = db_int(st, 0);
        str_copy(g->level, sizeof g->level, db_text(st, 1));
        g->number = (int)db_int(st, 2);
    }
    db_finish(&st);
    if (rc < 0)
        return -1;
    st = db_query(c, u->error_r,
                  "SELECT id, grade_id, letter FROM sections WHERE year_id = ?",
                  "i", u->year_id);
    if (!st)
        return -1;
    while ((rc = db_step(st, u->error_r)) == DB_ROW) {
        u->sections = xrealloc(u->sections,
                               (u->nsections + 1) * sizeof *u->sections);
        struct section *x = &u->sections[u->nsections++];
        x->id = db_int(st, 0);
        x->grade_id = db_int(st, 1);
        str_copy(x->letter, sizeof x->letter, db_text(st, 2));
    }
    db_finish(&st);
    return rc < 0 ? -1 : 0;
}

/* The section of the row's grade and letter, created as needed (in a dry
 * run, only in memory, with a negative id); 0 on a store error. */
static int64_t section_for(struct run *u, const struct mat_row *row)
{
    struct db_conn *c = u->s->conn;
    int64_t gid = 0;
    for (size_t i = 0; i < u->ngrades; i++)
        if (strcmp(u->grades[i].level, row->level) == 0 &&
            u->grades[i].number == row->grade_number)
            gid = u->grades[i].id;
    if (gid == 0) {
        if (u->dry)
            gid = --u->fake_id;
        else if (db_query_int(c, u->error_r, &gid,
                              "INSERT INTO grades (level, number, name)"
                              " VALUES (?, ?, ?) RETURNING id",
                              "tit", row->level, (int64_t)row->grade_number,
                              row->grade_name) < 0)
            return 0;
        u->grades = xrealloc(u->grades, (u->ngrades + 1) * sizeof *u->grades);
        struct grade *g = &u->grades[u->ngrades++];
        g->id = gid;
        str_copy(g->level, sizeof g->level, row->level);
        g->number = row->grade_number;
        json_array_append_new(u->rep->grades_created,
                              json_string(row->grade_name));
    }
    for (size_t i = 0; i < u->nsections; i++)
        if (u->sections[i].grade_id == gid &&
            strcmp(u->sections[i].letter, row->section) == 0)
            return u->sections[i].id;
    int64_t sid = u->dry ? --u->fake_id : 0;
    if (!u->dry &&
        db_query_int(c, u->error_r, &sid,
                     "INSERT INTO sections (year_id, grade_id, letter,"
                     " created_at) VALUES (?, ?, ?, ?) RETURNING id",
                     "iitt", u->year_id, gid, row->section, u->now) < 0)
        return 0;
    u->sections =
        xrealloc(u->sections, (u->nsections + 1) * sizeof *u->sections);
    struct section *x = &u->sections[u->nsections++];
    x->id = sid;
    x->grade_id = gid;
    str_copy(x->letter, sizeof x->letter, row->section);
    char name[64];
    snprintf(name, sizeof name, "%s %s", row->grade_name, row->section);
    json_array_append_new(u->rep->sections_created, json_string(name));
    return sid;
}

/* ---- loading what is stored ---------------------------------------- */

static int load_students(struct run *u)
{
    struct db_conn *c = u->s->conn;
    struct db_stmt *st = db_query(c, u->error_r, u->q.stu_select, "");
    if (!st)
        return -1;
    int rc;
    while ((rc = db_step(st, u->error_r)) == DB_ROW) {
        /* columns: id, section_id, cedula_raw, then the stored ones in
         * stu_cols order; cedula is among them */
        const char *ced = "";
        uint64_t h = fp_add(FP_INIT, db_text(st, 2));
        int col = 3;
        for (size_t i = 0; i < N_STU_COLS; i++) {
            if (!stu_stored(i))
                continue;
            const char *v = db_text(st, col++);
            if (stu_cols[i].index == MS_cedula)
                ced = v;
            h = fp_add(h, v);
        }
        struct person *x = people_add(&u->students, ced, db_int(st, 0));
        x->section_id = db_null(st, 1) ? 0 : db_int(st, 1);
        x->fields = h;
        x->links = FP_INIT;
        x->pickups = FP_INIT;
    }
    db_finish(&st);
    if (rc < 0)
        return -1;
    st = db_query(c, u->error_r,
                  "SELECT student_id, representative_id, position,"
                  " relationship, is_primary, may_pick_up"
                  " FROM student_representatives"
                  " ORDER BY student_id, position",
                  "");
    if (!st)
        return -1;
    while ((rc = db_step(st, u->error_r)) == DB_ROW) {
        struct person *x = people_find_id(&u->students, db_int(st, 0));
        struct person *rp = people_find_id(&u->reps, db_int(st, 1));
        if (!x || !rp)
            continue;
        uint64_t h = x->links;
        h = fp_add(h, rp->cedula);
        h = fp_add_int(h, db_int(st, 2));
        h = fp_add(h, db_text(st, 3));
        h = fp_add_int(h, db_int(st, 4));
        h = fp_add_int(h, db_int(st, 5));
        x->links = h;
    }
    db_finish(&st);
    if (rc < 0)
        return -1;
    st = db_query(c, u->error_r,
                  "SELECT student_id, position, first_names, last_names,"
                  " cedula, cedula_raw, phone FROM authorized_pickups"
                  " ORDER BY student_id, position",
                  "");
    if (!st)
        return -1;
    while ((rc = db_step(st, u->error_r)) == DB_ROW) {
        struct person *x = people_find_id(&u->students, db_int(st, 0));
        if (!x)
            continue;
        uint64_t h = fp_add_int(x->pickups, db_int(st, 1));
        for (int i = 2; i <= 6; i++)
            h = fp_add(h, db_text(st, i));
        x->pickups = h;
    }
    db_finish(&st);
    return rc < 0 ? -1 : 0;
}

static int load_reps(struct run *u)
{
    struct db_stmt *st = db_query(u->s->conn, u->error_r, u->q.rep_select,
                                  "");
    if (!st)
        return -1;
    int rc;
    while ((rc = db_step(st, u->error_r)) == DB_ROW) {
        const char *ced = "";
        uint64_t h = fp_add(FP_INIT, db_text(st, 1));
        int col = 2;
        for (size_t i = 0; i < N_REP_COLS; i++) {
            if (!rep_stored(i))
                continue;
            const char *v = db_text(st, col++);
            if (rep_cols[i].index == MR_cedula)
                ced = v;
            h = fp_add(h, v);
        }
        struct person *x = people_add(&u->reps, ced, db_int(st, 0));
        x->fields = h;
    }
    db_finish(&st);
    return rc < 0 ? -1 : 0;
}

/* ---- problems ------------------------------------------------------ */

static void problem_add(struct mat_problems *p, int row, int col,
                        bool warning, const char *column, const char *value,
                        const char *message)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 64;
        p->v = xrealloc(p->v, p->cap * sizeof *p->v);
    }
    struct mat_problem *x = &p->v[p->n++];
    memset(x, 0, sizeof *x);
    x->row = row;
    x->col = col;
    x->warning = warning;
    str_copy(x->column, sizeof x->column, column ? column : "");
    str_copy(x->value, sizeof x->value, value ? value : "");
    str_copy(x->message, sizeof x->message, message);
    if (warning)
        p->warnings++;
    else
        p->errors++;
}

/* The sheet's text of layout column `ci` in sheet row `row` (0-based). */
static const char *raw_cell(const struct run *u, int row, int ci)
{
    if (ci < 0 || u->m->col[ci] < 0)
        return "";
    return sheet_cell(u->sh, row, u->m->col[ci]);
}

static int layout_index(int block, int person, int index)
{
    for (int i = 0; i < MAT_COLUMNS; i++)
        if (mat_columns[i].block == block &&
            mat_columns[i].person == person && mat_columns[i].index == index)
            return i;
    return -1;
}

/* ---- applying one row ---------------------------------------------- */

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* stu_cols indexes of the names, for the search key */
#define first_col stu_col_of(MS_first_names)
#define last_col stu_col_of(MS_last_names)
static size_t stu_col_of(int index)
{
    for (size_t i = 0; i < N_STU_COLS; i++)
        if (stu_cols[i].index == index)
            return i;
    return 0;
}

static const char *stu_value(const struct mat_row *r, size_t i)
{
    const char *v = nz(r->student[stu_cols[i].index]);
    if (v[0] == '\0') {
        if (stu_cols[i].index == MS_status)
            return "activo";
        if (stu_cols[i].index == MS_academic_condition)
            return "regular";
        if (stu_cols[i].index == MS_cedula_escolar)
            return "0";
    }
    return v;
}

/* Upserts representative n of the row: *id_r the person (their id is 0
 * while their insert waits in the batch), NULL when they have no cédula
 * (a warning). 0, or -1 on a store error. */
static int apply_rep(struct run *u, const struct mat_row *r, int n,
                     int sheet_row, struct person **id_r)
{
    *id_r = NULL;
    const char *ced = nz(r->rep[n][MR_cedula]);
    if (ced[0] == '\0') {
        char msg[128];
        snprintf(msg, sizeof msg,
                 "El representante %d no tiene cédula: no se registró.",
                 n + 1);
        problem_add(&u->rep->problems, r->sheet_row, 0, true, "", "", msg);
        return 0;
    }
    const char *raw = raw_cell(u, sheet_row, u->rep_ced_col[n]);
    struct person *x = people_find(&u->reps, ced);
    if (x && x->touched) { /* the first row naming them gave their fields */
        *id_r = x;
        return 0;
    }
    uint64_t h = fp_add(FP_INIT, raw);
    for (size_t i = 0; i < N_REP_COLS; i++)
        if (rep_stored(i))
            h = fp_add(h, nz(r->rep[n][rep_cols[i].index]));
    if (x && x->fields == h) {
        x->touched = true;
        *id_r = x;
        return 0;
    }
    if (u->dry) {
        if (x)
            u->rep->representatives_updated++;
        else {
            x = people_add(&u->reps, ced, --u->fake_id);
            u->rep->representatives_created++;
        }
        x->fields = h;
        x->touched = true;
        *id_r = x;
        return 0;
    }
    struct db_value v[40];
    int k = 0;
    v[k++] = (struct db_value){'t', raw, 0};
    for (size_t i = 0; i < N_REP_COLS; i++)
        if (rep_stored(i))
            v[k++] = (struct db_value){'t', nz(r->rep[n][rep_cols[i].index]),
                                       0};
    v[k++] = (struct db_value){'t', u->now, 0};
    if (x) {
        v[k++] = (struct db_value){'i', NULL, x->id};
        struct db_stmt *st = db_query_values(u->s->conn, u->error_r,
                                             u->q.rep_update, k, v);
        int rc = st ? db_step(st, u->error_r) : -1;
        db_finish(&st);
        if (rc < 0)
            return -1;
        x->fields = h;
        x->touched = true;
        u->rep->representatives_updated++;
        *id_r = x;
        return 0;
    }
    json_t *row = json_array();
    for (int i = 0; i < k - 1; i++) /* the values but updated_at */
        json_array_append_new(row, json_string(v[i].text));
    json_array_append_new(u->q_reps, row);
    x = people_add(&u->reps, ced, 0);
    x->fields = h;
    x->touched = true;
    u->rep->representatives_created++;
    *id_r = x;
    return 0;
}

/* Applies one accepted row; 0, or -1 on a store error. */
static int apply_row(struct run *u, const struct mat_row *r, int sheet_row)
{
    struct db_conn *c = u->s->conn;
    int64_t section_id = section_for(u, r);
    if (section_id == 0)
        return -1;

    /* representatives first: the links need their ids */
    /* their cédulas, copied: a later representative of the row may grow
     * (move) the people array that rp points into */
    char rep_ced[MAT_REPS][sizeof ((struct person *)0)->cedula];
    const char *rep_id[MAT_REPS] = {NULL};
    for (int n = 0; n < MAT_REPS; n++) {
        if (!r->rep_present[n])
            continue;
        struct person *rp = NULL;
        if (apply_rep(u, r, n, sheet_row, &rp) < 0)
            return -1;
        const char *id = rp ? rp->cedula : NULL;
        for (int k = 0; k < n && id != NULL; k++)
            if (rep_id[k] && strcmp(rep_id[k], id) == 0) {
                char msg[160];
                snprintf(msg, sizeof msg,
                         "El representante %d repite la cédula del "
                         "representante %d: se registró una sola vez.",
                         n + 1, k + 1);
                problem_add(&u->rep->problems, r->sheet_row, 0, true, "",
                            nz(r->rep[n][MR_cedula]), msg);
                id = NULL;
            }
        if (id != NULL) {
            snprintf(rep_ced[n], sizeof rep_ced[n], "%s", id);
            id = rep_ced[n];
        }
        rep_id[n] = id;
    }
    uint64_t links = FP_INIT;
    for (int n = 0; n < MAT_REPS; n++) {
        if (rep_id[n] == NULL)
            continue;
        links = fp_add(links, rep_id[n]);
        links = fp_add_int(links, n + 1);
        links = fp_add(links, nz(r->rep[n][MR_relationship]));
        links = fp_add_int(links, n == 0);
        links = fp_add_int(links, 1);
    }
    uint64_t pickups = FP_INIT;
    for (int n = 0; n < MAT_AUTHS; n++) {
        if (!r->auth_present[n])
            continue;
        pickups = fp_add_int(pickups, n + 1);
        pickups = fp_add(pickups, nz(r->auth[n][MA_first_names]));
        pickups = fp_add(pickups, nz(r->auth[n][MA_last_names]));
        pickups = fp_add(pickups, nz(r->auth[n][MA_cedula]));
        pickups = fp_add(pickups, raw_cell(u, sheet_row, u->auth_ced_col[n]));
        pickups = fp_add(pickups, nz(r->auth[n][MA_phone]));
    }

    const char *ced = nz(r->student[MS_cedula]);
    const char *raw = raw_cell(u, sheet_row, u->stu_ced_col);
    uint64_t h = fp_add(FP_INIT, raw);
    for (size_t i = 0; i < N_STU_COLS; i++)
        if (stu_stored(i))
            h = fp_add(h, stu_value(r, i));
    struct person *x = people_find(&u->students, ced);
    bool is_new = x == NULL;
    if (x && x->fields == h && x->section_id == section_id &&
        x->links == links && x->pickups == pickups) {
        u->rep->unchanged++;
        return 0;
    }
    if (u->dry) {
        if (is_new) {
            x = people_add(&u->students, ced, --u->fake_id);
            u->rep->created++;
        } else {
            u->rep->updated++;
        }
        x->fields = h;
        x->section_id = section_id;
        x->links = links;
        x->pickups = pickups;
        x->touched = true;
        return 0;
    }

    struct db_value v[40];
    int k = 0;
    v[k++] = (struct db_value){'t', raw, 0};
    for (size_t i = 0; i < N_STU_COLS; i++) {
        if (!stu_stored(i))
            continue;
        if (stu_cols[i].index == MS_cedula_escolar)
            v[k++] = (struct db_value){'i', NULL,
                                       strcmp(stu_value(r, i), "1") == 0};
        else
            v[k++] = (struct db_value){'t', stu_value(r, i), 0};
    }
    /* the students list's search key (students.c), kept with the names */
    char key[512];
    students_search_key(stu_value(r, first_col), stu_value(r, last_col), ced,
                        key, sizeof key);
    v[k++] = (struct db_value){'i', NULL, section_id};
    v[k++] = (struct db_value){'t', key, 0};
    v[k++] = (struct db_value){'t', u->now, 0};
    int64_t sid;
    if (is_new) {
        json_t *row = json_array();
        for (int i = 0; i < k - 3; i++) { /* but section_id, key, time */
            char num[24];
            if (v[i].type == 'i')
                snprintf(num, sizeof num, "%lld", (long long)v[i].integer);
            json_array_append_new(row, json_string(v[i].type == 'i'
                                                       ? num
                                                       : v[i].text));
        }
        json_array_append_new(row, json_integer((json_int_t)section_id));
        json_array_append_new(row, json_string(key));
        json_array_append_new(u->q_students, row);
        json_array_append_new(u->q_enrol,
                              json_pack("[s,I]", ced, (json_int_t)section_id));
        x = people_add(&u->students, ced, 0);
        x->links = FP_INIT;
        x->pickups = FP_INIT;
        sid = 0;
        u->rep->created++;
    } else {
        sid = x->id;
        if (x->fields != h || x->section_id != section_id) {
            v[k++] = (struct db_value){'i', NULL, sid};
            struct db_stmt *st =
                db_query_values(c, u->error_r, u->q.stu_update, k, v);
            int rc = st ? db_step(st, u->error_r) : -1;
            db_finish(&st);
            if (rc < 0)
                return -1;
        }
        if (x->section_id != section_id) {
            /* a move: the open period ends the day before the new one
             * opens (a period opened today just changes section) */
            if (db_run(c, u->error_r,
                       "UPDATE enrolments SET section_id = ?"
                       " WHERE student_id = ? AND ends_on IS NULL"
                       " AND starts_on >= ?",
                       "iit", section_id, sid, u->today) < 0)
                return -1;
            if (db_changes(c) == 0) {
                int64_t open = 0;
                if (db_query_int(c, u->error_r, &open,
                                 "SELECT count(*) FROM enrolments"
                                 " WHERE student_id = ? AND ends_on IS NULL",
                                 "i", sid) < 0)
                    return -1;
                if (open &&
                    db_run(c, u->error_r,
                           "UPDATE enrolments SET ends_on = ?,"
                           " end_reason = 'cambio'"
                           " WHERE student_id = ? AND ends_on IS NULL",
                           "ti", u->yesterday, sid) < 0)
                    return -1;
                if (db_run(c, u->error_r,
                           "INSERT INTO enrolments (student_id, section_id,"
                           " starts_on, start_reason, created_at)"
                           " VALUES (?, ?, ?, ?, ?)",
                           "iittt", sid, section_id, u->today,
                           open ? "cambio" : "reingreso", u->now) < 0)
                    return -1;
            }
        }
        u->rep->updated++;
    }
    x->fields = h;
    x->section_id = section_id;
    x->touched = true;

    if (x->links != links) {
        if (!is_new &&
            db_run(c, u->error_r,
                   "DELETE FROM student_representatives WHERE student_id = ?",
                   "i", sid) < 0)
            return -1;
        for (int n = 0; n < MAT_REPS; n++)
            if (rep_id[n])
                json_array_append_new(
                    u->q_links,
                    json_pack("[s,s,i,s,i]", ced, rep_id[n], n + 1,
                              nz(r->rep[n][MR_relationship]), n == 0));
        x->links = links;
    }
    if (x->pickups != pickups) {
        if (!is_new &&
            db_run(c, u->error_r,
                   "DELETE FROM authorized_pickups WHERE student_id = ?", "i",
                   sid) < 0)
            return -1;
        for (int n = 0; n < MAT_AUTHS; n++)
            if (r->auth_present[n])
                json_array_append_new(
                    u->q_pickups,
                    json_pack("[s,i,s,s,s,s,s]", ced, n + 1,
                              nz(r->auth[n][MA_first_names]),
                              nz(r->auth[n][MA_last_names]),
                              nz(r->auth[n][MA_cedula]),
                              raw_cell(u, sheet_row, u->auth_ced_col[n]),
                              nz(r->auth[n][MA_phone])));
        x->pickups = pickups;
    }
    return 0;
}

/* ---- writing the batches ------------------------------------------ */

#define BATCH_ROWS 500

/* Runs one batch statement: `pre` text values, then the JSON array. With
 * `ids`, each returned (id, cedula) sets that person's id. */
static int batch_rows(struct run *u, const char *sql, json_t *rows, int npre,
                      const char *pre0, const char *pre1, struct people *ids)
{
    size_t i;
    json_t *r;
    struct db_value v[64];
    json_array_foreach(rows, i, r) {
        int k = 0;
        size_t j;
        json_t *e;
        json_array_foreach(r, j, e) {
            if (k >= 60)
                break;
            if (json_is_integer(e)) {
                v[k] = (struct db_value){'i', NULL, json_integer_value(e)};
            } else {
                v[k] = (struct db_value){'t', json_string_value(e), 0};
            }
            k++;
        }
        if (npre > 0)
            v[k++] = (struct db_value){'t', pre0, 0};
        if (npre > 1)
            v[k++] = (struct db_value){'t', pre1, 0};
        struct db_stmt *st = db_query_values(u->s->conn, u->error_r, sql, k, v);
        int rc = st ? db_step(st, u->error_r) : -1;
        if (rc == DB_ROW && ids) {
            struct person *x = people_find(ids, db_text(st, 1));
            if (x)
                x->id = db_int(st, 0);
        }
        db_finish(&st);
        if (rc < 0)
            return -1;
    }
    json_array_clear(rows);
    return 0;
}

static int batch_run(struct run *u, const char *sql, const char *one,
                     json_t *rows, int npre, const char *pre0,
                     const char *pre1, struct people *ids)
{
    if (json_array_size(rows) == 0)
        return 0;
    if (!u->q.pg)
        return batch_rows(u, one, rows, npre, pre0, pre1, ids);
    char *text = json_dumps(rows, JSON_COMPACT);
    if (!text) {
        *u->error_r = "a batch could not be encoded";
        return -1;
    }
    struct db_value v[3];
    int k = 0;
    if (npre > 0)
        v[k++] = (struct db_value){'t', pre0, 0};
    if (npre > 1)
        v[k++] = (struct db_value){'t', pre1, 0};
    v[k++] = (struct db_value){'t', text, 0};
    struct db_stmt *st = db_query_values(u->s->conn, u->error_r, sql, k, v);
    int rc = st ? DB_DONE : -1;
    while (st && (rc = db_step(st, u->error_r)) == DB_ROW)
        if (ids) {
            struct person *x = people_find(ids, db_text(st, 1));
            if (x)
                x->id = db_int(st, 0);
        }
    db_finish(&st);
    free(text);
    json_array_clear(rows);
    return rc < 0 ? -1 : 0;
}

/* The id of a person named by cédula, once written. */
static json_int_t id_of(struct people *pp, const char *ced)
{
    struct person *x = people_find(pp, ced);
    return x ? (json_int_t)x->id : 0;
}

/* Writes what waits: representatives and students first (their ids come
 * back), then the rows that name them. */
static int flush(struct run *u)
{
    if (batch_run(u, u->q.rep_batch, u->q.rep_row, u->q_reps, 2, u->now,
                  u->now, &u->reps) < 0 ||
        batch_run(u, u->q.stu_batch, u->q.stu_row, u->q_students, 2, u->now,
                  u->now, &u->students) < 0)
        return -1;
    size_t i;
    json_t *r;
    json_array_foreach(u->q_enrol, i, r)
        json_array_set_new(r, 0,
                           json_integer(id_of(&u->students,
                                              json_string_value(
                                                  json_array_get(r, 0)))));
    json_array_foreach(u->q_links, i, r) {
        json_int_t sid = id_of(&u->students,
                               json_string_value(json_array_get(r, 0)));
        json_int_t rid = id_of(&u->reps,
                               json_string_value(json_array_get(r, 1)));
        json_array_set_new(r, 0, json_integer(sid));
        json_array_set_new(r, 1, json_integer(rid));
    }
    json_array_foreach(u->q_pickups, i, r)
        json_array_set_new(r, 0,
                           json_integer(id_of(&u->students,
                                              json_string_value(
                                                  json_array_get(r, 0)))));
    if (batch_run(u, u->q.enrol_batch, u->q.enrol_row, u->q_enrol, 2,
                  u->today, u->now, NULL) < 0 ||
        batch_run(u, u->q.link_batch, u->q.link_row, u->q_links, 0, NULL,
                  NULL, NULL) < 0 ||
        batch_run(u, u->q.pickup_batch, u->q.pickup_row, u->q_pickups, 0,
                  NULL, NULL, NULL) < 0)
        return -1;
    u->q_rows = 0;
    return 0;
}

/* ---- the import ---------------------------------------------------- */

/* Today in the school's time zone. */
static void school_today(struct store *s, char out[16])
{
    char zone[64] = DEFAULT_TIMEZONE;
    struct db_stmt *st = db_query(s->conn, NULL,
                                  "SELECT value FROM tenant_settings WHERE key = ?",
                                  "t", SETTING_TIMEZONE);
    if (st && db_step(st, NULL) == DB_ROW)
        str_copy(zone, sizeof zone, db_text(st, 0));
    db_finish(&st);
    const struct tz *tz = tz_cached(zone);
    if (!tz)
        tz = tz_cached(DEFAULT_TIMEZONE);
    char d[TZ_DATE_SIZE];
    tz_local_date(tz, time_now(), d);
    str_copy(out, 16, d);
}

static json_t *audit_summary(const struct mat_import_options *o,
                             const struct mat_import_report *r)
{
    return json_pack("{s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:O,s:O}",
                     "filename", o->filename ? o->filename : "", "format",
                     r->format, "rows", r->rows, "created", r->created,
                     "updated", r->updated, "unchanged", r->unchanged,
                     "rejected", r->rejected, "representatives_created",
                     r->representatives_created, "representatives_updated",
                     r->representatives_updated, "grades_created",
                     r->grades_created, "sections_created",
                     r->sections_created);
}

/* PostgreSQL: a large import leaves up to 4 MB of new rows in the search
 * index's pending list (GIN's fast update: inserts append there, and a
 * merge into the index proper happens when the list is full or at the next
 * autovacuum, up to a minute later). Until then every search reads the
 * whole list: 5 ms more per search on a school of 10,000 just imported.
 * After a commit that created many students the import merges it once
 * (tens of ms); a smaller import leaves a short list (a 1,000-student file
 * about 80 pages, the merge costing more than its searches would) for
 * autovacuum. Not a part of the import: a failure is logged, not reported. */
#define GIN_MERGE_MIN 2000

static void gin_merge(struct store *s)
{
    const char *err = NULL;
    int64_t pages = 0;
    store_lock(s);
    int rc = db_query_int(s->conn, &err, &pages,
                          "SELECT gin_clean_pending_list("
                          "CAST('students_search_trgm' AS regclass))",
                          "");
    store_unlock(s);
    if (rc < 0)
        log_msg(LOG_WARN, "%s: merging the search index's pending list: %s",
                s->name, err ? err : "failed");
}

int matricula_import(struct store *s, const struct sheet *sh,
                     const struct mat_import_options *o,
                     const struct actor *actor, struct mat_import_report *rep,
                     char *msg, size_t msgn, const char **error_r)
{
    memset(rep, 0, sizeof *rep);
    rep->format = sheet_format_name(sh->format);
    rep->dry_run = o->dry_run;
    rep->grades_created = json_array();
    rep->sections_created = json_array();
    if (msgn)
        msg[0] = '\0';
    struct mat_mapping *m = xcalloc(1, sizeof *m);
    if (matricula_map(sh, m, msg, msgn) < 0) {
        free(m);
        return MAT_IMPORT_INVALID;
    }
    rep->layout = m->layout;

    struct run u = {.s = s, .actor = actor, .sh = sh, .m = m, .rep = rep, .error_r = error_r,
                    .dry = o->dry_run};
    sql_build(&u.q, store_is_pg(s));
    u.q_reps = json_array();
    u.q_students = json_array();
    u.q_enrol = json_array();
    u.q_links = json_array();
    u.q_pickups = json_array();
    u.stu_ced_col = layout_index(0, 0, MS_cedula);
    for (int n = 0; n < MAT_REPS; n++)
        u.rep_ced_col[n] = layout_index(1, n + 1, MR_cedula);
    for (int n = 0; n < MAT_AUTHS; n++)
        u.auth_ced_col[n] = layout_index(2, n + 1, MA_cedula);
    time_format_utc(time_now(), u.now);

    /* a dry run reads one snapshot and writes nothing; a commit that
     * finds rejected rows (all or nothing) rolls its writes back */
    int rc = o->dry_run ? store_begin_snapshot(s, error_r)
                        : store_begin(s, error_r);
    if (rc < 0)
        goto out_free;
    if (o->today && o->today[0])
        str_copy(u.today, sizeof u.today, o->today);
    else
        school_today(s, u.today);
    if (day_offset(u.today, -1, u.yesterday) < 0) {
        *error_r = "bad date for today";
        rc = -1;
    }
    if (rc == 0)
        rc = year_ensure_current(&u);
    if (rc == 0)
        rc = load_structure(&u);
    if (rc == 0)
        rc = load_reps(&u);
    if (rc == 0)
        rc = load_students(&u);

    /* cédulas seen in this file, and the row that first had each */
    struct people seen = {0};
    struct mat_row row;
    for (int i = m->header_row + 1; rc == 0 && i < sh->rows; i++) {
        memset(&row, 0, sizeof row);
        matricula_row(sh, m, i, &row, &rep->problems);
        if (row.blank) {
            mat_row_free(&row);
            continue;
        }
        rep->rows++;
        const char *ced = nz(row.student[MS_cedula]);
        if (!row.rejected && ced[0]) {
            struct person *first = people_find(&seen, ced);
            if (first) {
                char m2[200];
                snprintf(m2, sizeof m2,
                         "La cédula %s ya aparece en la fila %lld: se "
                         "rechaza esta fila.",
                         ced, (long long)first->id);
                problem_add(&rep->problems, row.sheet_row,
                            u.m->col[u.stu_ced_col] + 1, false,
                            mat_columns[u.stu_ced_col].header,
                            raw_cell(&u, i, u.stu_ced_col), m2);
                row.rejected = true;
            } else {
                people_add(&seen, ced, row.sheet_row);
            }
        }
        if (row.rejected)
            rep->rejected++;
        else
            rc = apply_row(&u, &row, i);
        if (rc == 0 && ++u.q_rows >= BATCH_ROWS && !u.dry)
            rc = flush(&u);
        mat_row_free(&row);
    }
    people_free(&seen);
    if (rc == 0 && !u.dry)
        rc = flush(&u);
    rep->warnings = (int)rep->problems.warnings;

    bool write = rc == 0 && !o->dry_run &&
                 (rep->rejected == 0 || o->skip_invalid);
    if (write) {
        json_t *after = audit_summary(o, rep);
        struct audit_entry e = {"import", "matricula", NULL, NULL, after};
        rc = audit_write(s, actor, &e, error_r);
        json_decref(after);
    }
    if (write && rc == 0) {
        rc = store_end(s, true, error_r);
        rep->committed = rc == 0;
        if (rc == 0 && u.q.pg && rep->created >= GIN_MERGE_MIN)
            gin_merge(s);
    } else {
        store_end(s, false, NULL);
    }
    if (rc == 0 && !o->dry_run && rep->rejected > 0 && !o->skip_invalid)
        rc = MAT_IMPORT_REJECTED;
out_free:
    people_free(&u.students);
    people_free(&u.reps);
    free(u.grades);
    free(u.sections);
    sql_free(&u.q);
    json_decref(u.q_reps);
    json_decref(u.q_students);
    json_decref(u.q_enrol);
    json_decref(u.q_links);
    json_decref(u.q_pickups);
    free(m);
    return rc < 0 ? MAT_IMPORT_ERROR : rc;
}

json_t *mat_import_report_json(const struct mat_import_report *r,
                               size_t max_problems)
{
    json_t *probs = json_array();
    for (size_t i = 0; i < r->problems.n && i < max_problems; i++) {
        const struct mat_problem *p = &r->problems.v[i];
        json_array_append_new(
            probs, json_pack("{s:i,s:i,s:s,s:s,s:s,s:s}", "row", p->row,
                             "column_number", p->col, "column", p->column,
                             "value", p->value, "message", p->message,
                             "severity", p->warning ? "warning" : "error"));
    }
    return json_pack(
        "{s:s,s:i,s:s,s:b,s:i,s:i,s:i,s:i,s:i,s:i,s:O,s:O,s:i,s:i,s:o,s:I}",
        "format", r->format ? r->format : "", "layout", r->layout, "mode",
        r->dry_run ? "dry_run" : "commit", "committed", r->committed, "rows",
        r->rows, "created", r->created, "updated", r->updated, "unchanged",
        r->unchanged, "rejected", r->rejected, "warnings", r->warnings,
        "grades_created",
        r->grades_created ? r->grades_created : json_array(),
        "sections_created",
        r->sections_created ? r->sections_created : json_array(),
        "representatives_created", r->representatives_created,
        "representatives_updated", r->representatives_updated, "problems",
        probs, "problems_total", (json_int_t)r->problems.n);
}

void mat_import_report_free(struct mat_import_report *r)
{
    json_decref(r->grades_created);
    json_decref(r->sections_created);
    r->grades_created = r->sections_created = NULL;
    mat_problems_free(&r->problems);
}

int mat_problems_xlsx(const struct mat_problems *p, char **data_r,
                      size_t *len_r)
{
    *data_r = NULL;
    *len_r = 0;
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/bis-problems-XXXXXX.xlsx",
             dir && dir[0] ? dir : "/tmp");
    int fd = mkstemps(path, 5);
    if (fd < 0)
        return -1;
    close(fd);
    lxw_workbook_options wo = {.constant_memory = LXW_TRUE,
                               .tmpdir = dir && dir[0] ? (char *)dir : NULL};
    lxw_workbook *wb = workbook_new_opt(path, &wo);
    if (!wb) {
        unlink(path);
        return -1;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Problemas");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    static const char *const head[] = {"Fila", "Columna", "Valor", "Mensaje",
                                       "Tipo"};
    for (int i = 0; i < 5; i++)
        worksheet_write_string(ws, 0, (lxw_col_t)i, head[i], bold);
    worksheet_set_column(ws, 1, 2, 30, NULL);
    worksheet_set_column(ws, 3, 3, 70, NULL);
    for (size_t i = 0; i < p->n; i++) {
        const struct mat_problem *x = &p->v[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        worksheet_write_number(ws, row, 0, x->row, NULL);
        worksheet_write_string(ws, row, 1, x->column, NULL);
        worksheet_write_string(ws, row, 2, x->value, NULL);
        worksheet_write_string(ws, row, 3, x->message, NULL);
        worksheet_write_string(ws, row, 4, x->warning ? "Advertencia" : "Error",
                               NULL);
    }
    if (workbook_close(wb) != LXW_NO_ERROR) {
        unlink(path);
        return -1;
    }
    FILE *f = fopen(path, "rb");
    unlink(path);
    if (!f)
        return -1;
    struct strbuf sb;
    strbuf_init(&sb);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_add(&sb, buf, n);
    fclose(f);
    *len_r = sb.len;
    *data_r = strbuf_steal(&sb);
    return 0;
}
