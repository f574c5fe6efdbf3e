/*
 * The school year and its structure, and the staff: school years with
 * their three lapsos and the promotion from one year to the next
 * (years.c); grades, sections, subjects and rooms (structure.c); teachers
 * and other staff with the subjects they can teach (staff.c). The shared
 * helpers (the list of findings, the audit row of a change, the school's
 * local date) are in records.c.
 *
 * Writers validate what needs the store (a grade that exists, a lapso
 * inside its year, a free section letter) and report every finding at
 * once in a struct rec_errors, with the JSON member it concerns and a
 * Spanish message; the handler turns them into one 422. Each write runs
 * in its own transaction with its audit row (before and after of what
 * changed), except the functions that say they expect the caller's.
 * Objects come back as the JSON the API replies with (docs/API.md).
 */
#ifndef BIS_SCHOOL_RECORDS_H
#define BIS_SCHOOL_RECORDS_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "db/db.h"

/* Results of the writers (and of the single-object readers). */
enum rec_status {
    REC_OK = 0,
    REC_ERROR = -1,     /* the store failed: *error_r says why */
    REC_NOT_FOUND = -2, /* no such object in this school */
    REC_INVALID = -3,   /* findings in the rec_errors */
    REC_CONFLICT = -4,  /* a name/code/cédula in use: the finding says which */
    REC_NOT_EMPTY = -5, /* a section that still has students */
};

#define REC_ERRORS_MAX 24
struct rec_errors {
    int n;
    struct {
        const char *field;   /* static or owned by the caller's input */
        const char *message; /* static Spanish text */
    } e[REC_ERRORS_MAX];
};
/* Adds a finding (the first per field wins). */
void rec_error(struct rec_errors *errs, const char *field,
               const char *message);

/* records.c: the school's local date today ("YYYY-MM-DD"), from its
 * time zone setting. Caller holds the store. */
void rec_today(struct store *s, char out[11]);
/* Writes an audit row; for an update, only the members whose values
 * differ between before and after are kept. Inside the caller's
 * transaction. `before`/`after` are borrowed, either may be NULL. */
int rec_audit(struct store *s, const struct actor *actor, const char *action,
              const char *entity, int64_t id, json_t *before, json_t *after,
              const char **error_r);
/* Levels: "inicial", "primaria", "media_general", "media_tecnica". */
bool rec_level_valid(const char *level);
const char *rec_level_label(const char *level);
/* The highest grade number of a level (3, 6, 5, 6); 0 if unknown. */
int rec_level_max(const char *level);
/* The canonical grade name: "1er Grupo", "2do Grado", "5to Año". */
void rec_grade_name(const char *level, int number, char *out, size_t n);

/* ---- years.c ---------------------------------------------------------- */

struct lapso_dates {
    char starts_on[11], ends_on[11];
};

struct year_input {
    char name[16];             /* "2025-2026" */
    char starts_on[11], ends_on[11];
    bool has_lapsos;           /* else three default lapsos */
    struct lapso_dates lapsos[3];
    bool is_current;
};

struct year_patch {
    bool has_starts_on, has_ends_on, has_lapsos, make_current;
    char starts_on[11], ends_on[11];
    struct lapso_dates lapsos[3];
};

struct promote_input {
    char name[16];
    char starts_on[11], ends_on[11];
    const int64_t *repeat_ids; /* students kept in their grade */
    int repeat_n;
};

/* Checks a year's name, dates and lapsos (filling default lapsos when it
 * has none); findings go to errs under "name", "starts_on", "ends_on",
 * "lapsos". */
void school_year_check(struct year_input *in, struct rec_errors *errs);
/* The three default lapsos of a year: 1st to mid-December, 2nd from
 * early January to the end of March, 3rd from April to the year's end
 * (or the year cut in thirds when its dates are unusual). */
void school_year_default_lapsos(const char *starts_on, const char *ends_on,
                                struct lapso_dates out[3]);

/* Every year, newest first. Takes the store's lock itself. */
int school_years_list(struct store *s, json_t **items_r,
                      const char **error_r);
/* One year as JSON (NULL if none). Caller holds the store. */
json_t *school_year_json(struct store *s, int64_t id);
/* A new year, with the national holidays inside it (calendar.h) like a
 * promoted one. */
int school_year_create(struct store *s, const struct actor *actor,
                       struct year_input *in, struct rec_errors *errs,
                       json_t **year_r, const char **error_r);
int school_year_update(struct store *s, const struct actor *actor,
                       int64_t id, const struct year_patch *p,
                       struct rec_errors *errs, json_t **year_r,
                       const char **error_r);
/* Promotes year `from_id` into a new current year (see docs/API.md):
 * *result_r {year, sections_created, students_promoted,
 * students_graduated, students_repeating}. */
int school_year_promote(struct store *s, const struct actor *actor,
                        int64_t from_id, const struct promote_input *in,
                        struct rec_errors *errs, json_t **result_r,
                        const char **error_r);

/* The current year's id: 1 and *id_r when there is one, 0 when none, -1
 * on a store error. Caller holds the store (or its transaction). */
int school_year_current(struct store *s, int64_t *id_r, const char **error_r);
/* The current year, created when there is none: the year (September to
 * July) containing `today` (school-local "YYYY-MM-DD"; NULL: today in the
 * school's zone), e.g. 2026-2027 for 2026-12-07 (August counts with the
 * year about to start), with three default lapsos, the national holidays
 * (calendar_prefill_holidays) and its audit row.
 * Inside the caller's transaction (store_begin). *created_r (may be NULL)
 * says whether it was created. */
int school_year_ensure_current(struct store *s, const struct actor *actor,
                               const char *today, int64_t *id_r,
                               bool *created_r, const char **error_r);

/* ---- structure.c ------------------------------------------------------ */

/* Grades by level, then number. Takes the lock itself. */
int school_grades_list(struct store *s, json_t **items_r,
                       const char **error_r);
int school_grade_create(struct store *s, const struct actor *actor,
                        const char *level, int64_t number,
                        struct rec_errors *errs, json_t **grade_r,
                        const char **error_r);
/* The grade (level, number), created (with its audit row) when missing.
 * Inside the caller's transaction. */
int school_grade_ensure(struct store *s, const struct actor *actor,
                        const char *level, int number, int64_t *id_r,
                        bool *created_r, const char **error_r);

struct section_input {
    bool has_grade, has_letter, has_shift, has_capacity, has_room;
    bool has_bell; /* setup (#15): the section's bell schedule */
    int64_t grade_id;
    char letter[16]; /* "A".."Z", "Única" (normalized by the writer) */
    char shift[8];   /* "manana" | "tarde" */
    int64_t capacity;
    int64_t room_id; /* 0: none */
    int64_t bell_schedule_id; /* 0: none */
};
/* A section's letter: "A" from "a", "Única" from "unica" or "ÚNICA";
 * NULL if valid (out written), else a Spanish message. */
const char *school_section_letter(const char *in, char *out, size_t n);
/* The section (year, grade, letter), created (shift mañana, with its
 * audit row) when missing: for the import. `letter` as people write it
 * ("a", "unica"); -1 with *error_r on a letter that is none. Inside the
 * caller's transaction. */
int school_section_ensure(struct store *s, const struct actor *actor,
                          int64_t year_id, int64_t grade_id,
                          const char *letter, int64_t *id_r, bool *created_r,
                          const char **error_r);
/* The sections of a year (year_id 0: the current year; none: an empty
 * list), by grade then letter. Takes the lock itself. */
int school_sections_list(struct store *s, int64_t year_id, json_t **items_r,
                         const char **error_r);
json_t *school_section_json(struct store *s, int64_t id);
/* In the current year (created when there is none). */
int school_section_create(struct store *s, const struct actor *actor,
                          struct section_input *in, struct rec_errors *errs,
                          json_t **section_r, const char **error_r);
int school_section_update(struct store *s, const struct actor *actor,
                          int64_t id, struct section_input *in,
                          struct rec_errors *errs, json_t **section_r,
                          const char **error_r);
int school_section_delete(struct store *s, const struct actor *actor,
                          int64_t id, const char **error_r);

struct subject_input {
    bool has_name, has_code, has_level;
    char name[101], code[13], level[16];
    bool has_room_kind; /* setup (#15): the room type it needs */
    char room_kind[16]; /* "": any room */
};
int school_subjects_list(struct store *s, json_t **items_r,
                         const char **error_r);
int school_subject_write(struct store *s, const struct actor *actor,
                         int64_t id /* 0: create */,
                         const struct subject_input *in,
                         struct rec_errors *errs, json_t **subject_r,
                         const char **error_r);
int school_subject_delete(struct store *s, const struct actor *actor,
                          int64_t id, const char **error_r);

struct room_input {
    bool has_name, has_capacity, has_kind;
    char name[101], kind[16];
    int64_t capacity;
};
int school_rooms_list(struct store *s, json_t **items_r,
                      const char **error_r);
int school_room_write(struct store *s, const struct actor *actor,
                      int64_t id /* 0: create */, const struct room_input *in,
                      struct rec_errors *errs, json_t **room_r,
                      const char **error_r);
int school_room_delete(struct store *s, const struct actor *actor,
                       int64_t id, const char **error_r);

/* ---- staff.c ---------------------------------------------------------- */

/* Director(a), Subdirector(a), Secretario(a), Coordinador(a), Docente,
 * Administrativo, Obrero, Otro; NULL-terminated. */
extern const char *const staff_cargos[];

#define STAFF_SUBJECTS_MAX 64
struct staff_input {
    bool has_cedula, has_first, has_last, has_email, has_phone, has_cargo,
        has_max, has_active, has_user, has_subjects;
    char cedula[16], cedula_raw[41];
    char first_names[101], last_names[101];
    char email[255], phone[41], cargo[32];
    int64_t max_weekly_periods;
    bool active;
    int64_t user_id; /* 0: none */
    int64_t subject_ids[STAFF_SUBJECTS_MAX];
    int subjects_n;
};
/* Staff by last names, first names; `q` (may be NULL or "") matches
 * names (case-insensitive) or cédula digits. Takes the lock itself. */
int school_staff_list(struct store *s, const char *q, json_t **items_r,
                      const char **error_r);
/* One member as JSON (NULL if none). Caller holds the store. */
json_t *school_staff_json(struct store *s, int64_t id);
int school_staff_write(struct store *s, const struct actor *actor,
                       int64_t id /* 0: create */,
                       const struct staff_input *in, struct rec_errors *errs,
                       json_t **staff_r, const char **error_r);

#endif
