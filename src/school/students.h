/*
 * The school's students, their enrolment history, their representatives
 * and the people authorized to pick them up (students.c,
 * representatives.c), over the tables of migrations/school/004_records.sql.
 *
 * The columns a request may set are tables of struct rec_column
 * (student_columns[], representative_columns[], authorized_columns[]): the
 * handlers turn them into request fields, check and normalize every value
 * (cédulas, dates, phones, emails) and hand this layer a JSON object of
 * normalized values keyed by column name. This layer checks what needs the
 * store (the section is of the current year, a representative's id exists,
 * a cédula is not another student's), writes the rows and one audit row per
 * changed record holding only what changed (before and after), all in one
 * transaction. Findings that need the store come back as struct
 * rec_problems with field names as the API spells them
 * ("representatives[1].cedula").
 *
 * Enrolments: a student enrolled in a section has one open enrolment
 * (ends_on NULL) and students.section_id names its section. A move closes
 * it the day before the move's date (end_reason 'cambio') and opens the
 * next (start_reason 'cambio'); a withdrawal closes it on the date
 * (end_reason 'retiro') and clears section_id.
 */
#ifndef BIS_SCHOOL_STUDENTS_H
#define BIS_SCHOOL_STUDENTS_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "db/db.h"

/* How a column's value is read and checked. */
enum rec_kind {
    STU_LINE,       /* one line of text */
    STU_TEXT,       /* text that may hold line breaks */
    STU_CEDULA,     /* ve_cedula_normalize (the student's: see handler) */
    STU_BIRTH_DATE, /* ve_date_normalize, 1990-01-01 .. today */
    STU_DATE,       /* ve_date_normalize */
    STU_PHONE,      /* ve_phone_normalize */
    STU_EMAIL,      /* ve_email_normalize */
    STU_ENUM,       /* one of choices */
    STU_FLAG,       /* a JSON boolean, stored 0/1 */
};

struct rec_column {
    const char *key; /* the JSON member and the column */
    enum rec_kind kind;
    bool required; /* on create */
    size_t max_len;
    const char *message; /* Spanish: missing, wrong type or too long */
    const char *const *choices; /* STU_ENUM, NULL-terminated */
};

extern const struct rec_column student_columns[];
extern const size_t student_columns_count;
extern const struct rec_column representative_columns[];
extern const size_t representative_columns_count;
extern const struct rec_column authorized_columns[];
extern const size_t authorized_columns_count;

/* Results of the functions below (a store failure is -1). */
enum {
    STU_OK = 0,
    STU_INVALID = 1,   /* see the problems */
    STU_NOT_FOUND = 2, /* no such student or representative */
    STU_CONFLICT = 3,  /* e.g. withdrawing a student already withdrawn */
};

#define STU_PROBLEMS_MAX 24
struct rec_problems {
    int n;
    struct {
        char field[64];
        const char *message; /* static Spanish text */
    } p[STU_PROBLEMS_MAX];
};
void rec_problem(struct rec_problems *p, const char *field,
                 const char *message);

#define STUDENT_REPS_MAX 3
#define STUDENT_AUTHORIZED_MAX 2

/* A representative of a student, by id or by their fields. */
struct rep_input {
    int64_t id;   /* 0: find or create by cols.cedula */
    json_t *cols; /* normalized representative_columns given (owned) */
    char relationship[101];
    bool is_primary;
    bool may_pick_up;
};

struct student_input {
    json_t *cols;       /* normalized student_columns given (owned) */
    int64_t section_id; /* 0: not given */
    /* create: enrolled_on; update: moved_on ("" = today, school-local) */
    char date[11];
    bool reps_given; /* replace the representatives with reps[0..nreps) */
    int nreps;
    struct rep_input reps[STUDENT_REPS_MAX];
    bool authorized_given; /* replace the authorized persons */
    int nauthorized;
    json_t *authorized[STUDENT_AUTHORIZED_MAX]; /* authorized_columns */
};
void student_input_free(struct student_input *in);

/* Today's date in the school's time zone, "YYYY-MM-DD". Takes no lock:
 * call with the store held. */
void records_today(struct store *s, char out[11]);
/* `date` plus `days` days ("YYYY-MM-DD"). */
void records_date_add(const char *date, int days, char out[11]);

/* The list's search key: names lowercased without accents, then the
 * cédula's digits ("perez gomez maria 12345678"). Also how a query is
 * folded. */
void students_search_key(const char *first_names, const char *last_names,
                         const char *cedula, char *out, size_t n);
/* Inside the caller's transaction: gives every student whose search key
 * is '' (a row written without it) its key. The list calls it before a
 * search; a bulk writer (the import) may call it once at the end. */
int students_search_fill(struct store *s, const char **error_r);
/* Lowercase ASCII without accents; anything but letters and digits becomes
 * one space. */
void records_fold(const char *in, char *out, size_t n);

/* Each function that writes runs its own transaction with its audit rows;
 * the readers take the store's lock themselves. */
int student_create(struct store *s, const struct actor *actor,
                   struct student_input *in, int64_t *id_r,
                   struct rec_problems *probs, const char **error_r);
/* Changes the given columns; a section_id other than the current one is a
 * move on in->date. */
int student_update(struct store *s, const struct actor *actor, int64_t id,
                   struct student_input *in, struct rec_problems *probs,
                   const char **error_r);
/* Status retirado, the open enrolment closed on `date` ("" today). */
int student_withdraw(struct store *s, const struct actor *actor, int64_t id,
                     const char *date, const char *reason,
                     struct rec_problems *probs, const char **error_r);
/* STUDENT as the API shows it (every column, section, representatives,
 * authorized, history). */
int student_get(struct store *s, int64_t id, json_t **student_r,
                const char **error_r);

struct student_filter {
    const char *q; /* names or cédula digits; NULL or "": all */
    int64_t grade_id, section_id; /* 0: any */
    const char *status;           /* NULL: any */
    int limit;
    int64_t offset;
};
int students_list(struct store *s, const struct student_filter *f,
                  json_t **items_r, int64_t *total_r, const char **error_r);

/* representatives.c */
int representatives_list(struct store *s, const char *q, int limit,
                         int64_t offset, json_t **items_r, int64_t *total_r,
                         const char **error_r);
/* Every column + children [{id, first_names, last_names, section,
 * relationship}]. */
int representative_get(struct store *s, int64_t id, json_t **rep_r,
                       const char **error_r);
int representative_update(struct store *s, const struct actor *actor,
                          int64_t id, json_t *cols,
                          struct rec_problems *probs, const char **error_r);
/* Inside the caller's transaction: the representative of `in` (by id, or
 * by cédula, created when new), with the given fields written and
 * audited; `field` prefixes the problems ("representatives[0]"). */
int representative_resolve(struct store *s, const struct actor *actor,
                           const struct rep_input *in, const char *field,
                           int64_t *id_r, struct rec_problems *probs,
                           const char **error_r);

/* Shared by students.c and representatives.c: a record's columns as JSON
 * (STU_FLAG as booleans) from a row whose columns follow `cols` from index
 * `first`. */
void rec_row_columns(struct db_stmt *st, int first,
                     const struct rec_column *cols, size_t n, json_t *out);
/* "a, b, c" of the table's keys. */
void rec_column_list(const struct rec_column *cols, size_t n,
                     const char *prefix, char *out, size_t size);
/* The members of `after` whose value differs from `current`: *before_r
 * and *after_r hold only those (both NULL if nothing changed). */
void rec_diff(json_t *current, json_t *after, json_t **before_r,
              json_t **changed_r);
/* Writes `cols` (keys of table `t` only) into row `id` of `table`, with
 * updated_at. */
int rec_update_row(struct store *s, const char *table,
                   const struct rec_column *t, size_t nt, int64_t id,
                   json_t *cols, const char **error_r);
/* Inserts a row of `cols` plus created_at/updated_at; *id_r its id. */
int rec_insert_row(struct store *s, const char *table,
                   const struct rec_column *t, size_t nt, json_t *cols,
                   int64_t *id_r, const char **error_r);

#endif
