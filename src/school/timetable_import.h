/*
 * Bringing an existing timetable into a school (issue #15, part `import`):
 * a FET file (.fet) or a folder in the CSV folder format
 * (docs/TIMETABLE.md; uploaded as a .zip of it) becomes the school's
 * set-up, and the timetable the file holds becomes a draft.
 *
 * Reading (timetable_source_read_path / _upload) goes through the engine's
 * own readers (tt_csv_read, tt_fet_read), so a file is refused with the
 * same Spanish messages the command line gives; the CSV folder's
 * informational `name` columns and the sections' home rooms are read
 * beside it. The timetable in the file is solution.csv for a folder, and
 * the activities FET pins to a day and hour (locked activities) for a FET
 * file.
 *
 * Importing (timetable_import) matches or creates, in the current school
 * year and in one transaction with one audit row for the whole import:
 *   - sections: each class group of the file (a subgroup counts as its
 *     section) by the grade and letter its name shows ("3er año A",
 *     "1º B", "2do grado"; no letter: "Única", or the grade's only
 *     section), matched first by the code it was imported with
 *     (sections.code); grades are created as needed;
 *   - subjects by code, then by name (FET subjects, which have names only,
 *     get a code made from the name);
 *   - teachers (staff) by code (staff.code), then by name among staff with
 *     no code. A teacher created by the import has no cédula in the file:
 *     its cédula is the placeholder "Sin cédula (CODE)", unique like the
 *     code and never equal to a real cédula (those are V/E and digits);
 *     the staff page shows it as "Sin cédula" and its form starts empty,
 *     and the API refuses the placeholder on save, so the first edit of
 *     that teacher asks for the real one;
 *   - rooms by name; a bell schedule from the day's periods and breaks
 *     (reused when the school has one with the same periods and days);
 *   - teaching assignments (section, subject, teacher, periods and blocks),
 *     the plan de estudio of each grade where it has none yet, and the
 *     subjects each teacher teaches (staff_subjects);
 *   - when the file holds a timetable: a draft (source 'imported') with one
 *     lesson per block and section, unplaced blocks without day and period,
 *     the file's pinned blocks locked, and its cost as the engine prices it.
 * Nothing is written when the file cannot be imported (every reason is
 * listed in Spanish) or the store fails; a dry run does the whole import
 * and rolls it back, so its report is exactly what a commit would do.
 * Callers do not hold the store: timetable_import takes it.
 */
#ifndef BIS_SCHOOL_TIMETABLE_IMPORT_H
#define BIS_SCHOOL_TIMETABLE_IMPORT_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "db/db.h"
#include "timetable/timetable.h"

/* Upload limits: the file posted to the page (a .fet, or a .zip of a CSV
 * folder) and what a .zip may unpack to. */
#define TIMETABLE_IMPORT_MAX_BYTES (8L << 20)
#define TIMETABLE_IMPORT_MAX_UNPACKED (16L << 20)
#define TIMETABLE_IMPORT_MAX_ENTRIES 32

/* What was read from a file. */
struct timetable_source {
    struct tt_instance *inst;
    struct tt_solution *sol; /* NULL: the file holds no timetable */
    bool fet;                /* a FET file, else a CSV folder */
    char *label;             /* the file or folder's name, for the report */
    /* CSV folders: the `name` column of teachers.csv and rooms.csv per
     * resource and of subjects.csv per subject (NULL when none), and the
     * rows of sections.csv (code, name, home room code; NULL when none):
     * a section split into subgroups is no resource of its own */
    char **resource_names;
    char **subject_names;
    char **section_code, **section_name, **section_room;
    int nsection_rows;
    bool *pinned;            /* per block: pinned to a day and period */
};
void timetable_source_free(struct timetable_source **src);

/* Reads a CSV folder or a .fet file. 0, or -1 with a Spanish *message_r
 * (malloc'ed) saying what is wrong in the file. */
int timetable_source_read_path(const char *path,
                               struct timetable_source **src_r,
                               char **message_r);
/* The same for an upload: a FET file or a .zip of a CSV folder (its CSV
 * files at the top or in one folder), told apart by their bytes. */
int timetable_source_read_upload(const void *data, size_t len,
                                 const char *filename,
                                 struct timetable_source **src_r,
                                 char **message_r);

struct timetable_import_options {
    bool dry_run;         /* do it all, report, write nothing */
    const char *today;    /* school-local "YYYY-MM-DD"; NULL: today */
    const char *name;     /* the draft's name; NULL: from the label */
    bool activate;        /* the draft becomes the active timetable (the
                             demo) when it has no clash: the active one,
                             if any, is archived */
};

enum timetable_import_status {
    TIMETABLE_IMPORT_OK = 0,
    TIMETABLE_IMPORT_ERROR = -1,   /* the store failed: *error_r */
    TIMETABLE_IMPORT_INVALID = -2, /* *message_r: why, in Spanish */
};

/*
 * Imports src into the school. On success *report_r (new reference):
 *   {dry_run, committed, source: "csv"|"fet", file,
 *    year: {id, name}, grades_created: [names],
 *    sections: {created: [...], matched: [...]}, subjects: {...},
 *    teachers: {...}, rooms: {...}  (each item {id, code, name}),
 *    bell_schedule: {id, name, created},
 *    assignments: {created, matched}, study_plan: {created},
 *    timetable: {id, name, status, lessons, placed, locked, hard, soft}
 *               or null when the file holds none,
 *    warnings: [Spanish sentences]}
 * (ids of a dry run are those the commit would have had, and are not
 * kept). *message_r is malloc'ed; *error_r static or the driver's.
 */
int timetable_import(struct store *s, const struct actor *actor,
                     const struct timetable_source *src,
                     const struct timetable_import_options *o,
                     json_t **report_r, char **message_r,
                     const char **error_r);

/* The demo school's week (timetable_demo.c): the UEIPAB 2025 folder
 * compiled into the binary, its six groups mapped onto the demo's Media
 * General sections, its teachers onto the demo's staff (the others
 * created with a demo cédula), its own timetable a draft and a timetable
 * generated from that set-up the active one.
 * *report_r as timetable_import's. 0, or -1 with *error_r (English). */
int timetable_import_demo(struct store *s, const struct actor *actor,
                          json_t **report_r, const char **error_r);

/* A section's name read as a grade and a letter ("3er año A": media
 * general, 3, "A"; "2do grado": primaria, 2, "" when it has no letter).
 * false when the name shows no grade. For the import and its tests. */
bool timetable_import_section_name(const char *name, char level[16],
                                   int *number_r, char letter[16]);

#endif
