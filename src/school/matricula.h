/*
 * The Matrícula spreadsheet (../docs/MATRICULA.md in the project docs):
 * mapping a sheet's columns to the school's records, normalizing and
 * checking every value, and importing the rows into the store.
 *
 * matricula_map.c (no store): finds the header row (the first of the first
 * 10 that holds both "Grado" and "Nombre"), maps each column by its header
 * text (forgiving case, surrounding spaces and missing accents; the Nth
 * occurrence of a representative or authorized-person header belongs to
 * person N) and turns a data row into a struct mat_row of normalized
 * values, with a problem for each value it cannot accept.
 *
 * matricula_import.c (the store): plans an import (what each row would
 * create, update or leave unchanged) and commits it, all or nothing or
 * skipping rejected rows. matricula_export.c writes the same layout back.
 */
#ifndef BIS_SCHOOL_MATRICULA_H
#define BIS_SCHOOL_MATRICULA_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sheet/sheet.h"

/* Field indexes of each block, in the order of matricula_columns.def. */
enum mat_student_field {
#define STUDENT_COL(f, h, k) MS_##f,
#define REP_COL(f, h, k)
#define AUTH_COL(f, h, k)
#include "school/matricula_columns.def"
#undef STUDENT_COL
#undef REP_COL
#undef AUTH_COL
    MS_COUNT
};
enum mat_rep_field {
#define STUDENT_COL(f, h, k)
#define REP_COL(f, h, k) MR_##f,
#define AUTH_COL(f, h, k)
#include "school/matricula_columns.def"
#undef STUDENT_COL
#undef REP_COL
#undef AUTH_COL
    MR_COUNT
};
enum mat_auth_field {
#define STUDENT_COL(f, h, k)
#define REP_COL(f, h, k)
#define AUTH_COL(f, h, k) MA_##f,
#include "school/matricula_columns.def"
#undef STUDENT_COL
#undef REP_COL
#undef AUTH_COL
    MA_COUNT
};
enum mat_kind {
    MK_TEXT, MK_NAME, MK_CEDULA, MK_YESNO, MK_DATE, MK_PHONE, MK_EMAIL,
    MK_GENDER, MK_GRADE, MK_SECTION, MK_STATUS, MK_CONDITION, MK_INCOME,
    MK_AGE, MK_BLOOD, MK_MARITAL, MK_RELATIONSHIP,
};
#define MAT_REPS 3
#define MAT_AUTHS 2
#define MAT_COLUMNS (MS_COUNT + MAT_REPS * MR_COUNT + MAT_AUTHS * MA_COUNT)

/* One column of the layout: which block, which person, which field. */
struct mat_column {
    const char *header; /* as the government file spells it */
    enum mat_kind kind;
    const char *field;  /* the .def field name (a store column, mostly) */
    int block;          /* 0 student, 1 representative, 2 authorized */
    int person;         /* 1-based within the block; 0 for the student */
    int index;          /* MS_, MR_ or MA_ value */
};
/* The 130 columns in the government order. */
extern const struct mat_column mat_columns[MAT_COLUMNS];

/* A problem found in the file: spreadsheet row and column (1-based, as a
 * spreadsheet shows them; column 0 when the problem is the whole row), the
 * header, the value as the file had it, a Spanish message. */
struct mat_problem {
    int row, col;
    bool warning; /* a doubt reported, the row still accepted */
    char column[96];
    char value[160];
    char message[224];
};
struct mat_problems {
    struct mat_problem *v;
    size_t n, cap;
    size_t errors, warnings;
};
void mat_problems_free(struct mat_problems *p);

/* Where each column of the layout was found: sheet column (0-based), or
 * -1 when the file does not have it. */
struct mat_mapping {
    int header_row;       /* 0-based sheet row of the header */
    int layout;           /* 130, 122, or 0 for any other set of columns */
    int col[MAT_COLUMNS]; /* by mat_columns[] index */
    int unknown_cols;     /* headers not in the layout (ignored) */
};

/* Finds the header row and maps the columns. -1 with a Spanish message
 * (naming every missing required column: Grado, Sección, Nombre,
 * Apellido, Cédula de identidad, Género, Fecha de nacimiento) when the
 * file cannot be imported. */
int matricula_map(const struct sheet *s, struct mat_mapping *m, char *err,
                  size_t errn);

/* A data row, normalized. Strings point into the row's own buffer and are
 * "" when empty. Representative N / authorized person N is present when
 * its cédula or names are given. */
struct mat_row {
    int sheet_row; /* 1-based */
    bool blank;    /* every cell empty: skipped silently */
    bool rejected; /* at least one error: not importable */
    const char *student[MS_COUNT];
    const char *rep[MAT_REPS][MR_COUNT];
    const char *auth[MAT_AUTHS][MA_COUNT];
    bool rep_present[MAT_REPS], auth_present[MAT_AUTHS];
    /* the grade, parsed: level "inicial" | "primaria" | "media_general" |
     * "media_tecnica", number 1-6; the canonical name ("1er Año"); the
     * section letter "A".."Z" or "Única" */
    const char *level;
    int grade_number;
    char grade_name[32];
    char section[16];
    /* the cédulas as the file wrote them (cleaned of stray spaces), for
     * cedula_raw; "" when absent */
    const char *cedula_raw;
    const char *rep_cedula_raw[MAT_REPS], *auth_cedula_raw[MAT_AUTHS];
    char *buf; /* owned */
    size_t buf_len, buf_cap;
};
/* Normalizes sheet row `row` (0-based) into *out, adding its problems to
 * *p. Returns 0 (the row is rejected when it has an error), -1 when memory
 * runs out. *out is overwritten (not freed): mat_row_free() it after each
 * call. Values: as described below; student[MS_grade] is the canonical
 * grade name, student[MS_section] the section, student[MS_cedula_escolar]
 * "1"/"0" as decided from the flag or, without one, from the cédula's
 * shape; student[MS_age] is always "" (computed, never imported). A
 * representative's relationship is the canonical spelling of a known one
 * ("Tía") or the file's text; marital status "Casado/a" ... */
int matricula_row(const struct sheet *s, const struct mat_mapping *m,
                  int row, struct mat_row *out, struct mat_problems *p);
void mat_row_free(struct mat_row *r);

/* Normalized values, as stored: gender "V"/"H"; status "activo" |
 * "retirado" | "graduado" | "no_inscrito"; academic_condition "regular" |
 * "repitiente" | "arrastra_materias"; cedula_escolar "1"/"0"; dates ISO;
 * phones "0414-1234567"; emails lowercase; income "1234.50"; cédulas
 * "V12345678" (or the digits of a cédula escolar). Their Spanish labels
 * for display and export: */
const char *mat_gender_label(const char *v);      /* "Masculino" */
const char *mat_status_label(const char *v);      /* "Activo" */
const char *mat_condition_label(const char *v);   /* "Regular" */
const char *mat_level_label(const char *level);   /* "Media General" */
const char *mat_yesno_label(const char *v);       /* "1" -> "Sí", "0" -> "No" */
/* (A value none of them knows comes back unchanged; NULL gives "".) */

/* ---- matricula_import.c: applying a Matrícula to the school's store ----
 *
 * matricula_import() maps the sheet, normalizes every row and applies it
 * inside one write transaction: grades and sections of the current school
 * year created as needed (the year itself when none is current), each
 * student matched by cédula (created, updated with a move of section
 * recorded in enrolments, or unchanged), representatives matched by cédula
 * (one person for all their children), links and authorized pick-ups
 * replaced to match the row, one audit row for the whole import. A dry run
 * and an all-or-nothing import with rejected rows roll the transaction
 * back, so they report exactly what a commit would do and write nothing. */
#include <jansson.h>
struct store;
struct actor;

struct mat_import_options {
    bool dry_run;
    bool skip_invalid;    /* commit the accepted rows despite rejected ones */
    const char *filename; /* for the report and the audit row; may be NULL */
    const char *today;    /* school-local ISO date; NULL: now, school's zone */
};

struct mat_import_report {
    const char *format; /* "xls" | "xlsx" | "csv" */
    int layout;         /* 130, 122 or 0 */
    bool dry_run, committed;
    int rows, created, updated, unchanged, rejected, warnings;
    int representatives_created, representatives_updated;
    json_t *grades_created, *sections_created; /* arrays of names */
    struct mat_problems problems;
};

enum {
    MAT_IMPORT_ERROR = -1,   /* the store failed: *error_r (English) */
    MAT_IMPORT_OK = 0,       /* done (committed unless a dry run) */
    MAT_IMPORT_INVALID = 1,  /* the file cannot be imported: msg (Spanish) */
    MAT_IMPORT_REJECTED = 2, /* all or nothing and rows were rejected:
                                nothing written, the report says why */
};

/* Imports the sheet into the school's store (takes the store's lock
 * itself). The report is filled for OK and REJECTED; free it with
 * mat_import_report_free() in every case. */
int matricula_import(struct store *s, const struct sheet *sh,
                     const struct mat_import_options *o,
                     const struct actor *actor, struct mat_import_report *rep,
                     char *msg, size_t msgn, const char **error_r);
/* The REPORT object of the API (docs/API.md), with at most max_problems
 * problems (problems_total says how many there were). */
json_t *mat_import_report_json(const struct mat_import_report *r,
                               size_t max_problems);
void mat_import_report_free(struct mat_import_report *r);
/* The problems as an .xlsx workbook (Fila, Columna, Valor, Mensaje,
 * Tipo), written with libxlsxwriter; *data_r malloc'ed. 0, or -1. */
int mat_problems_xlsx(const struct mat_problems *p, char **data_r,
                      size_t *len_r);

/* ---- matricula_demo.c: the demo school (init --demo) ---------------- */
/* A generated Matrícula of about `students` students (the same for the
 * same seed) as a 130-column CSV whose ages fit the school year starting
 * in September of start_year; returns the number of students. */
int matricula_demo_csv(uint64_t seed, int students, int start_year,
                       char **csv_r, size_t *len_r);
/* A few classrooms and subjects, when the school has none (one audit
 * row). */
int school_demo_seed_structure(struct store *s, const struct actor *actor,
                               const char **error_r);
/* A dozen staff members (direction, secretary, teachers with the demo's
 * subjects), when the school has none; after the structure. */
int school_demo_seed_staff(struct store *s, const struct actor *actor,
                           const char **error_r);

/* ---- rep_invite.c: representatives as parent users ------------------ */
/* The representatives to invite: `ids` (n of them) or, with `all`, every
 * one; *items_r [{representative_id, email, name}] (at most max: those
 * with an email and no account), *skipped_r [{representative_id,
 * reason}] (Spanish; with `all`, only those left for a reason other than
 * having an account). Takes the store's lock itself. */
int representatives_invitable(struct store *s, const int64_t *ids, size_t n,
                              bool all, size_t max, json_t **items_r,
                              json_t **skipped_r, const char **error_r);
/* Links the parent account `user_id` to the representative (audited). */
int representative_link_user(struct store *s, int64_t rep_id, int64_t user_id,
                             const struct actor *actor, const char **error_r);

#endif
