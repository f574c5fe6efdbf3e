/*
 * The school's structure (records.h): its grades from the catalogue of
 * levels (Educación Inicial 1er-3er Grupo, Primaria 1er-6to Grado, Media
 * General 1er-5to Año, Media Técnica 1er-6to Año, each with its canonical
 * name), the sections of each grade in a school year (letter A-Z or
 * "Única", shift, capacity, home room, with their active students counted
 * by gender), the subjects it teaches and its rooms. Lists are ordered for
 * people: grades by level then number, sections by grade then letter.
 */
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "db/rows.h"
#include "school/records.h"

#define LEVEL_ORDER                                                          \
    "CASE g.level WHEN 'inicial' THEN 1 WHEN 'primaria' THEN 2"              \
    " WHEN 'media_general' THEN 3 ELSE 4 END"

static int finish(struct store *s, int rc, const char **error_r)
{
    if (store_end(s, rc == REC_OK, rc == REC_OK ? error_r : NULL) < 0 &&
        rc == REC_OK)
        return REC_ERROR;
    return rc;
}

/* One object of a list query run under the caller's lock. */
static json_t *one(struct store *s, const char *sql, int64_t id,
                   db_row_json_fn row)
{
    struct db_stmt *st = db_query(s->conn, NULL, sql, "i", id);
    json_t *o = NULL;
    if (st && db_step(st, NULL) == DB_ROW)
        o = row(st, NULL);
    db_finish(&st);
    return o;
}

/* ---- grades ---- */

static json_t *grade_row(struct db_stmt *st, void *ctx)
{
    (void)ctx;
    return json_pack("{s:I,s:s,s:s,s:I,s:s}", "id", (json_int_t)db_int(st, 0),
                     "level", db_text(st, 1), "level_label",
                     rec_level_label(db_text(st, 1)), "number",
                     (json_int_t)db_int(st, 2), "name", db_text(st, 3));
}

#define GRADE_SQL "SELECT g.id, g.level, g.number, g.name FROM grades g"

int school_grades_list(struct store *s, json_t **items_r,
                       const char **error_r)
{
    bool more;
    return store_rows_json(s,
                           GRADE_SQL " ORDER BY " LEVEL_ORDER ", g.number",
                           0, NULL, 0, grade_row, NULL, items_r, &more,
                           error_r);
}

static int grade_insert(struct store *s, const struct actor *actor,
                        const char *level, int number, int64_t *id_r,
                        const char **error_r)
{
    char name[32];
    rec_grade_name(level, number, name, sizeof name);
    int64_t id = 0;
    if (db_query_int(s->conn, error_r, &id,
                     "INSERT INTO grades (level, number, name)"
                     " VALUES (?, ?, ?) RETURNING id",
                     "tit", level, (int64_t)number, name) < 0 ||
        id == 0)
        return -1;
    json_t *g = one(s, GRADE_SQL " WHERE g.id = ?", id, grade_row);
    int rc = rec_audit(s, actor, "create", "grade", id, NULL, g, error_r);
    json_decref(g);
    *id_r = id;
    return rc;
}

int school_grade_ensure(struct store *s, const struct actor *actor,
                        const char *level, int number, int64_t *id_r,
                        bool *created_r, const char **error_r)
{
    if (created_r)
        *created_r = false;
    if (!rec_level_valid(level) || number < 1 ||
        number > rec_level_max(level)) {
        if (error_r)
            *error_r = "grade outside the catalogue";
        return -1;
    }
    int64_t id = 0;
    if (db_query_int(s->conn, error_r, &id,
                     "SELECT id FROM grades WHERE level = ? AND number = ?",
                     "ti", level, (int64_t)number) < 0)
        return -1;
    if (id == 0) {
        if (grade_insert(s, actor, level, number, &id, error_r) < 0)
            return -1;
        if (created_r)
            *created_r = true;
    }
    *id_r = id;
    return 0;
}

int school_grade_create(struct store *s, const struct actor *actor,
                        const char *level, int64_t number,
                        struct rec_errors *errs, json_t **grade_r,
                        const char **error_r)
{
    *grade_r = NULL;
    if (!rec_level_valid(level))
        rec_error(errs, "level",
                  "El nivel no es válido (inicial, primaria, media_general "
                  "o media_tecnica).");
    else if (number < 1 || number > rec_level_max(level))
        rec_error(errs, "number",
                  "Ese grado no existe en el nivel (Inicial 1-3, Primaria "
                  "1-6, Media General 1-5, Media Técnica 1-6).");
    if (errs->n)
        return REC_INVALID;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    int64_t id = 0;
    int rc = REC_OK;
    if (db_query_int(s->conn, error_r, &id,
                     "SELECT id FROM grades WHERE level = ? AND number = ?",
                     "ti", level, number) < 0)
        rc = REC_ERROR;
    else if (id) {
        rec_error(errs, "number", "Ese grado ya existe.");
        rc = REC_CONFLICT;
    } else if (grade_insert(s, actor, level, (int)number, &id, error_r) < 0)
        rc = REC_ERROR;
    if (rc == REC_OK)
        *grade_r = one(s, GRADE_SQL " WHERE g.id = ?", id, grade_row);
    rc = finish(s, rc, error_r);
    if (rc != REC_OK) {
        json_decref(*grade_r);
        *grade_r = NULL;
    }
    return rc;
}

/* ---- sections ---- */

const char *school_section_letter(const char *in, char *out, size_t n)
{
    char t[16];
    size_t len = strlen(in);
    if (len == 1 && ((in[0] >= 'A' && in[0] <= 'Z') ||
                     (in[0] >= 'a' && in[0] <= 'z'))) {
        char c[2] = {(char)(in[0] & ~0x20), 0};
        str_copy(out, n, c);
        return NULL;
    }
    if (len < sizeof t) {
        str_copy(t, sizeof t, in);
        str_lower(t);
        /* Ú (C3 9A) -> ú (C3 BA) */
        if ((unsigned char)t[0] == 0xc3 && (unsigned char)t[1] == 0x9a)
            t[1] = (char)0xba;
        if (strcmp(t, "unica") == 0 || strcmp(t, "\xc3\xbanica") == 0) {
            str_copy(out, n, "\xc3\x9anica");
            return NULL;
        }
    }
    return "La sección debe ser una letra de la A a la Z, o «Única».";
}

static json_t *section_row(struct db_stmt *st, void *ctx)
{
    (void)ctx;
    char name[64];
    snprintf(name, sizeof name, "%s %s", db_text(st, 3), db_text(st, 5));
    json_t *o = json_pack(
        "{s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:o,s:o,s:I,s:I,s:I}", "id",
        (json_int_t)db_int(st, 0), "year_id", (json_int_t)db_int(st, 1),
        "grade_id", (json_int_t)db_int(st, 2), "grade", db_text(st, 3),
        "level", db_text(st, 4), "letter", db_text(st, 5), "name", name,
        "shift", db_text(st, 6), "capacity", (json_int_t)db_int(st, 7),
        "room_id",
        db_null(st, 8) ? json_null() : json_integer(db_int(st, 8)), "room",
        db_null(st, 8) ? json_null() : json_string(db_text(st, 9)),
        "students", (json_int_t)db_int(st, 10), "boys",
        (json_int_t)db_int(st, 11), "girls", (json_int_t)db_int(st, 12));
    /* setup (#15): its bell schedule and the code it was imported with */
    json_object_set_new(o, "bell_schedule_id",
                        db_null(st, 13) ? json_null()
                                        : json_integer(db_int(st, 13)));
    json_object_set_new(o, "bell_schedule",
                        db_null(st, 13) ? json_null()
                                        : json_string(db_text(st, 14)));
    json_object_set_new(o, "code",
                        db_null(st, 15) ? json_null()
                                        : json_string(db_text(st, 15)));
    return o;
}

#define SECTION_SQL                                                          \
    "SELECT sc.id, sc.year_id, sc.grade_id, g.name, g.level, sc.letter,"     \
    " sc.shift, sc.capacity, sc.room_id, r.name,"                            \
    " (SELECT COUNT(*) FROM students st WHERE st.section_id = sc.id"         \
    "  AND st.status = 'activo'),"                                           \
    " (SELECT COUNT(*) FROM students st WHERE st.section_id = sc.id"         \
    "  AND st.status = 'activo' AND st.gender = 'V'),"                       \
    " (SELECT COUNT(*) FROM students st WHERE st.section_id = sc.id"         \
    "  AND st.status = 'activo' AND st.gender = 'H'),"                       \
    " sc.bell_schedule_id, bs.name, sc.code"                                 \
    " FROM sections sc JOIN grades g ON g.id = sc.grade_id"                  \
    " LEFT JOIN rooms r ON r.id = sc.room_id"                                \
    " LEFT JOIN bell_schedules bs ON bs.id = sc.bell_schedule_id"
#define SECTION_ORDER                                                        \
    " ORDER BY " LEVEL_ORDER ", g.number,"                                   \
    " CASE WHEN length(sc.letter) = 1 THEN 0 ELSE 1 END, sc.letter"

int school_sections_list(struct store *s, int64_t year_id, json_t **items_r,
                         const char **error_r)
{
    if (year_id == 0) {
        store_lock(s);
        int rc = school_year_current(s, &year_id, error_r);
        store_unlock(s);
        if (rc < 0)
            return -1;
    }
    const struct db_value v[] = {{'i', NULL, year_id}};
    bool more;
    return store_rows_json(s, SECTION_SQL " WHERE sc.year_id = ?" SECTION_ORDER,
                           1, v, 0, section_row, NULL, items_r, &more,
                           error_r);
}

json_t *school_section_json(struct store *s, int64_t id)
{
    return one(s, SECTION_SQL " WHERE sc.id = ?", id, section_row);
}

int school_section_ensure(struct store *s, const struct actor *actor,
                          int64_t year_id, int64_t grade_id,
                          const char *letter, int64_t *id_r, bool *created_r,
                          const char **error_r)
{
    if (created_r)
        *created_r = false;
    char l[16];
    const char *msg = school_section_letter(letter, l, sizeof l);
    if (msg) {
        if (error_r)
            *error_r = msg;
        return -1;
    }
    int64_t id = 0;
    if (db_query_int(s->conn, error_r, &id,
                     "SELECT id FROM sections WHERE year_id = ?"
                     " AND grade_id = ? AND letter = ?",
                     "iit", year_id, grade_id, l) < 0)
        return -1;
    if (id == 0) {
        char now[21];
        time_format_utc(time_now(), now);
        if (db_query_int(s->conn, error_r, &id,
                         "INSERT INTO sections (year_id, grade_id, letter,"
                         " created_at) VALUES (?, ?, ?, ?) RETURNING id",
                         "iitt", year_id, grade_id, l, now) < 0 ||
            id == 0)
            return -1;
        json_t *o = school_section_json(s, id);
        int rc = rec_audit(s, actor, "create", "section", id, NULL, o,
                           error_r);
        json_decref(o);
        if (rc < 0)
            return -1;
        if (created_r)
            *created_r = true;
    }
    *id_r = id;
    return 0;
}

/* Checks what needs the store; findings in errs. */
static int section_validate(struct store *s, int64_t year_id, int64_t self,
                            struct section_input *in,
                            struct rec_errors *errs, const char **error_r)
{
    int64_t found = 0;
    if (in->has_letter &&
        school_section_letter(in->letter, in->letter, sizeof in->letter))
        rec_error(errs, "letter",
                  "La sección debe ser una letra de la A a la Z, o «Única».");
    if (in->has_grade) {
        if (db_query_int(s->conn, error_r, &found,
                         "SELECT id FROM grades WHERE id = ?", "i",
                         in->grade_id) < 0)
            return REC_ERROR;
        if (found == 0)
            rec_error(errs, "grade_id", "El grado indicado no existe.");
    }
    if (in->has_room && in->room_id != 0) {
        found = 0;
        if (db_query_int(s->conn, error_r, &found,
                         "SELECT id FROM rooms WHERE id = ?", "i",
                         in->room_id) < 0)
            return REC_ERROR;
        if (found == 0)
            rec_error(errs, "room_id", "El aula indicada no existe.");
    }
    if (in->has_bell && in->bell_schedule_id != 0) {
        found = 0;
        if (db_query_int(s->conn, error_r, &found,
                         "SELECT id FROM bell_schedules WHERE id = ?", "i",
                         in->bell_schedule_id) < 0)
            return REC_ERROR;
        if (found == 0)
            rec_error(errs, "bell_schedule_id",
                      "El horario de timbres indicado no existe.");
    }
    if (errs->n)
        return REC_INVALID;
    found = 0;
    if (db_query_int(s->conn, error_r, &found,
                     "SELECT id FROM sections WHERE year_id = ?"
                     " AND grade_id = ? AND letter = ? AND id <> ?",
                     "iiti", year_id, in->grade_id, in->letter, self) < 0)
        return REC_ERROR;
    if (found) {
        rec_error(errs, "letter",
                  "Ese grado ya tiene esa sección en el año escolar.");
        return REC_CONFLICT;
    }
    return REC_OK;
}

int school_section_create(struct store *s, const struct actor *actor,
                          struct section_input *in, struct rec_errors *errs,
                          json_t **section_r, const char **error_r)
{
    *section_r = NULL;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    int64_t year = 0, id = 0;
    int rc = REC_ERROR;
    if (school_year_ensure_current(s, actor, NULL, &year, NULL, error_r) < 0)
        goto out;
    in->has_grade = in->has_letter = true;
    rc = section_validate(s, year, 0, in, errs, error_r);
    if (rc != REC_OK)
        goto out;
    char now[21];
    time_format_utc(time_now(), now);
    if (db_query_int(s->conn, error_r, &id,
                     "INSERT INTO sections (year_id, grade_id, letter, shift,"
                     " capacity, room_id, bell_schedule_id, created_at)"
                     " VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), ?)"
                     " RETURNING id",
                     "iittiiit", year, in->grade_id, in->letter,
                     in->has_shift ? in->shift : "manana",
                     in->has_capacity ? in->capacity : 0,
                     in->has_room ? in->room_id : 0,
                     in->has_bell ? in->bell_schedule_id : 0, now) < 0 ||
        id == 0) {
        rc = REC_ERROR;
        goto out;
    }
    *section_r = school_section_json(s, id);
    if (rec_audit(s, actor, "create", "section", id, NULL, *section_r,
                  error_r) < 0)
        rc = REC_ERROR;
out:
    rc = finish(s, rc, error_r);
    if (rc != REC_OK) {
        json_decref(*section_r);
        *section_r = NULL;
    }
    return rc;
}

int school_section_update(struct store *s, const struct actor *actor,
                          int64_t id, struct section_input *in,
                          struct rec_errors *errs, json_t **section_r,
                          const char **error_r)
{
    *section_r = NULL;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    json_t *before = school_section_json(s, id), *after = NULL;
    int rc = REC_NOT_FOUND;
    if (before == NULL)
        goto out;
    int64_t year = json_integer_value(json_object_get(before, "year_id"));
    if (!in->has_grade)
        in->grade_id = json_integer_value(json_object_get(before, "grade_id"));
    if (!in->has_letter)
        str_copy(in->letter, sizeof in->letter,
                 json_string_value(json_object_get(before, "letter")));
    if (!in->has_shift)
        str_copy(in->shift, sizeof in->shift,
                 json_string_value(json_object_get(before, "shift")));
    if (!in->has_capacity)
        in->capacity = json_integer_value(json_object_get(before, "capacity"));
    if (!in->has_room)
        in->room_id = json_integer_value(json_object_get(before, "room_id"));
    if (!in->has_bell)
        in->bell_schedule_id = json_integer_value(
            json_object_get(before, "bell_schedule_id"));
    rc = section_validate(s, year, id, in, errs, error_r);
    if (rc != REC_OK)
        goto out;
    if (db_run(s->conn, error_r,
               "UPDATE sections SET grade_id = ?, letter = ?, shift = ?,"
               " capacity = ?, room_id = NULLIF(?, 0),"
               " bell_schedule_id = NULLIF(?, 0) WHERE id = ?",
               "ittiiii", in->grade_id, in->letter, in->shift, in->capacity,
               in->room_id, in->bell_schedule_id, id) < 0) {
        rc = REC_ERROR;
        goto out;
    }
    after = school_section_json(s, id);
    if (!json_equal(before, after) &&
        rec_audit(s, actor, "update", "section", id, before, after,
                  error_r) < 0)
        rc = REC_ERROR;
out:
    json_decref(before);
    rc = finish(s, rc, error_r);
    if (rc == REC_OK)
        *section_r = after;
    else
        json_decref(after);
    return rc;
}

int school_section_delete(struct store *s, const struct actor *actor,
                          int64_t id, const char **error_r)
{
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    json_t *before = school_section_json(s, id);
    int rc = REC_NOT_FOUND;
    int64_t used = 0;
    if (before == NULL)
        goto out;
    rc = REC_ERROR;
    if (db_query_int(s->conn, error_r, &used,
                     "SELECT (SELECT COUNT(*) FROM students"
                     " WHERE section_id = ?) + (SELECT COUNT(*) FROM"
                     " enrolments WHERE section_id = ?)",
                     "ii", id, id) < 0)
        goto out;
    if (used) {
        rc = REC_NOT_EMPTY;
        goto out;
    }
    if (db_run(s->conn, error_r, "DELETE FROM sections WHERE id = ?", "i",
               id) < 0 ||
        rec_audit(s, actor, "delete", "section", id, before, NULL,
                  error_r) < 0)
        goto out;
    rc = REC_OK;
out:
    json_decref(before);
    return finish(s, rc, error_r);
}

/* ---- subjects and rooms ---- */

static json_t *subject_row(struct db_stmt *st, void *ctx)
{
    (void)ctx;
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:o}", "id",
                     (json_int_t)db_int(st, 0), "name", db_text(st, 1),
                     "code", db_text(st, 2), "level", db_text(st, 3),
                     "level_label", rec_level_label(db_text(st, 3)),
                     "room_kind",
                     db_null(st, 4) ? json_null()
                                    : json_string(db_text(st, 4)));
}

#define SUBJECT_SQL                                                          \
    "SELECT g.id, g.name, g.code, g.level, g.room_kind FROM subjects g"

int school_subjects_list(struct store *s, json_t **items_r,
                         const char **error_r)
{
    bool more;
    return store_rows_json(
        s, SUBJECT_SQL " ORDER BY " LEVEL_ORDER ", g.name, g.id", 0, NULL, 0,
        subject_row, NULL, items_r, &more, error_r);
}

static json_t *room_row(struct db_stmt *st, void *ctx)
{
    (void)ctx;
    return json_pack("{s:I,s:s,s:I,s:s}", "id", (json_int_t)db_int(st, 0),
                     "name", db_text(st, 1), "capacity",
                     (json_int_t)db_int(st, 2), "kind", db_text(st, 3));
}

#define ROOM_SQL "SELECT id, name, capacity, kind FROM rooms"

int school_rooms_list(struct store *s, json_t **items_r,
                      const char **error_r)
{
    bool more;
    return store_rows_json(s, ROOM_SQL " ORDER BY name, id", 0, NULL, 0,
                           room_row, NULL, items_r, &more, error_r);
}

/* Create (id 0) or update a subject or room: one shape for both. The
 * caller has begun the transaction; simple_end() ends it. */
struct simple_kind {
    const char *entity, *table, *select_one;
    db_row_json_fn row;
    const char *unique_col, *unique_field, *unique_message;
};

static const struct simple_kind subject_kind = {
    "subject", "subjects", SUBJECT_SQL " WHERE g.id = ?", subject_row,
    "code", "code", "Ya existe una materia con ese código."};
static const struct simple_kind room_kind = {
    "room", "rooms", ROOM_SQL " WHERE id = ?", room_row, "name", "name",
    "Ya existe un aula con ese nombre."};

static int simple_begin(struct store *s, const struct simple_kind *k,
                        int64_t id, json_t **before_r)
{
    *before_r = NULL;
    if (id) {
        *before_r = one(s, k->select_one, id, k->row);
        if (*before_r == NULL)
            return REC_NOT_FOUND;
    }
    return REC_OK;
}

static int simple_unique(struct store *s, const struct simple_kind *k,
                         int64_t id, const char *value,
                         struct rec_errors *errs, const char **error_r)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE %s = ? AND id <> ?",
             k->table, k->unique_col);
    int64_t found = 0;
    if (db_query_int(s->conn, error_r, &found, sql, "ti", value, id) < 0)
        return REC_ERROR;
    if (found) {
        rec_error(errs, k->unique_field, k->unique_message);
        return REC_CONFLICT;
    }
    return REC_OK;
}

static int simple_end(struct store *s, const struct actor *actor,
                      const struct simple_kind *k, int rc, int64_t id,
                      json_t *before, json_t **obj_r, const char **error_r)
{
    json_t *after = NULL;
    if (rc == REC_OK) {
        after = one(s, k->select_one, id, k->row);
        if (!json_equal(before, after) &&
            rec_audit(s, actor, before ? "update" : "create", k->entity, id,
                      before, after, error_r) < 0)
            rc = REC_ERROR;
    }
    json_decref(before);
    rc = finish(s, rc, error_r);
    if (rc == REC_OK)
        *obj_r = after;
    else
        json_decref(after);
    return rc;
}

static const char *member(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

int school_subject_write(struct store *s, const struct actor *actor,
                         int64_t id, const struct subject_input *in,
                         struct rec_errors *errs, json_t **subject_r,
                         const char **error_r)
{
    *subject_r = NULL;
    json_t *before;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    int rc = simple_begin(s, &subject_kind, id, &before);
    if (rc != REC_OK)
        return simple_end(s, actor, &subject_kind, rc, id, before, subject_r,
                          error_r);
    const char *name = in->has_name ? in->name : member(before, "name");
    const char *code = in->has_code ? in->code : member(before, "code");
    const char *level = in->has_level ? in->level : member(before, "level");
    const char *needs_kind =
        in->has_room_kind ? in->room_kind : member(before, "room_kind");
    if (needs_kind[0] == '\0')
        needs_kind = NULL;
    rc = simple_unique(s, &subject_kind, id, code, errs, error_r);
    char now[21];
    time_format_utc(time_now(), now);
    if (rc == REC_OK && id == 0 &&
        (db_query_int(s->conn, error_r, &id,
                      "INSERT INTO subjects (name, code, level, room_kind,"
                      " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
                      " RETURNING id",
                      "tttttt", name, code, level, needs_kind, now, now) < 0 ||
         id == 0))
        rc = REC_ERROR;
    else if (rc == REC_OK && before &&
             db_run(s->conn, error_r,
                    "UPDATE subjects SET name = ?, code = ?, level = ?,"
                    " room_kind = ?, updated_at = ? WHERE id = ?",
                    "ttttti", name, code, level, needs_kind, now, id) < 0)
        rc = REC_ERROR;
    return simple_end(s, actor, &subject_kind, rc, id, before, subject_r,
                      error_r);
}

int school_room_write(struct store *s, const struct actor *actor,
                      int64_t id, const struct room_input *in,
                      struct rec_errors *errs, json_t **room_r,
                      const char **error_r)
{
    *room_r = NULL;
    json_t *before;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    int rc = simple_begin(s, &room_kind, id, &before);
    if (rc != REC_OK)
        return simple_end(s, actor, &room_kind, rc, id, before, room_r,
                          error_r);
    const char *name = in->has_name ? in->name : member(before, "name");
    const char *kind = in->has_kind ? in->kind
                       : before     ? member(before, "kind")
                                    : "aula";
    int64_t capacity =
        in->has_capacity
            ? in->capacity
            : json_integer_value(json_object_get(before, "capacity"));
    rc = simple_unique(s, &room_kind, id, name, errs, error_r);
    char now[21];
    time_format_utc(time_now(), now);
    if (rc == REC_OK && id == 0 &&
        (db_query_int(s->conn, error_r, &id,
                      "INSERT INTO rooms (name, capacity, kind, created_at,"
                      " updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                      "tittt", name, capacity, kind, now, now) < 0 ||
         id == 0))
        rc = REC_ERROR;
    else if (rc == REC_OK && before &&
             db_run(s->conn, error_r,
                    "UPDATE rooms SET name = ?, capacity = ?, kind = ?,"
                    " updated_at = ? WHERE id = ?",
                    "titti", name, capacity, kind, now, id) < 0)
        rc = REC_ERROR;
    return simple_end(s, actor, &room_kind, rc, id, before, room_r, error_r);
}

static int simple_delete(struct store *s, const struct actor *actor,
                         const struct simple_kind *k, int64_t id,
                         const char **error_r)
{
    json_t *before;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    int rc = simple_begin(s, k, id, &before);
    char sql[64];
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id = ?", k->table);
    if (rc == REC_OK &&
        (db_run(s->conn, error_r, sql, "i", id) < 0 ||
         rec_audit(s, actor, "delete", k->entity, id, before, NULL,
                   error_r) < 0))
        rc = REC_ERROR;
    json_decref(before);
    return finish(s, rc, error_r);
}

int school_subject_delete(struct store *s, const struct actor *actor,
                          int64_t id, const char **error_r)
{
    return simple_delete(s, actor, &subject_kind, id, error_r);
}

int school_room_delete(struct store *s, const struct actor *actor,
                       int64_t id, const char **error_r)
{
    return simple_delete(s, actor, &room_kind, id, error_r);
}
