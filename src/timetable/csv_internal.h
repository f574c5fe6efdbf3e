/*
 * Internal to the timetable CSV files (csv_common.c, csv_folder.c,
 * csv_solution.c): limits of the folder format, name lookups, the lesson
 * matcher and field parsers. Not part of the engine's API (timetable.h).
 */
#ifndef BIS_TIMETABLE_CSV_INTERNAL_H
#define BIS_TIMETABLE_CSV_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>

#include "core/csv.h"
#include "core/ints.h"
#include "timetable/timetable.h"

/* The folder format's limits (docs/TIMETABLE.md). */
#define TCSV_MAX_BYTES (4L * 1024 * 1024)
#define TCSV_MAX_ROWS 20000
#define TCSV_MAX_FIELD 200
#define TCSV_MAX_COLS 16
/* blocks over all lessons: far beyond any school, and a solution file
   (one row per block) must stay within the row limit */
#define MAX_BLOCKS TCSV_MAX_ROWS
#define MAX_CAPACITY 100000
#define MAX_WEIGHT 1000000

/* Open addressing, string keys (copied), int values; never shrinks. */
struct tcsv_map {
    char **keys;
    int *vals;
    size_t cap, n;
};
int tcsv_map_get(const struct tcsv_map *m, const char *k); /* -1: absent */
void tcsv_map_put(struct tcsv_map *m, const char *k, int v);
void tcsv_map_free(struct tcsv_map *m);

/* Names of an instance by kind; groups map to lists of atomic classes. */
struct tcsv_index {
    struct tcsv_map teacher, room, cls, subject, period, group;
    struct ilist *members; /* per group value */
    int nmembers;
};
void tcsv_index_build(struct tcsv_index *ix, const struct tt_instance *inst);
void tcsv_index_free(struct tcsv_index *ix);
/* Adds the groups of the classes read so far (while reading a folder). */
void tcsv_index_add_groups(struct tcsv_index *ix, const struct tt_instance *inst);
/* Atomic classes of one section code: the class itself, or a group's
   subgroups. false when the code is unknown. */
bool tcsv_index_section(const struct tcsv_index *ix, const char *code, struct ilist *out);

/* Lessons keyed by subject, sorted classes and (optionally) sorted
   teachers; lessons with equal keys are chained in their order. */
struct tcsv_matcher {
    struct tcsv_map with, without;
    int *next_with, *next_without;
};
void tcsv_matcher_build(struct tcsv_matcher *m, const struct tt_instance *inst);
void tcsv_matcher_free(struct tcsv_matcher *m);
/* First lesson matching; follow next_with / next_without for the rest. */
int tcsv_matcher_first(const struct tcsv_matcher *m, int subject, const struct ilist *classes,
                       const struct ilist *teachers);

/* Splits a "+"-joined list held in buf (modified) into trimmed parts.
   Returns the count, 0 for an empty field, -1 when a part is empty. */
int tcsv_split_plus(char *buf, char **parts, int max);
/* A whole number in [lo, hi]: digits only (a cell is already trimmed). */
bool tcsv_int(const char *s, int lo, int hi, int *out);
/* "7:00" or "07:00" into minutes after midnight. */
bool tcsv_parse_hhmm(const char *s, int *out);

/* Reads path (named name in messages) with the limits and columns of the
   folder format: cols is NULL-terminated, its first nreq are required.
   1 when read, 0 when the file does not exist, -1 on error. */
int tcsv_load(const char *path, const char *name, const char *const *cols, int nreq,
              struct csv *c, char **error_r);

#endif
