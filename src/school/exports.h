/*
 * The school's records going out as files: the Matrícula in its 130-column
 * government layout (.xlsx, matricula_export.c) and the enrolment
 * statistics per grade and section with V/H counts (.xlsx and a printable
 * A4 PDF, enrolment_stats.c). exports.c holds what they share: the school
 * year and profile a report is about, and writing an .xlsx to memory.
 *
 * Every export reads one consistent snapshot of the store (it takes the
 * store itself: callers must not hold it) and returns the whole file in
 * memory, owned by the caller (export_file_free). The Matrícula is
 * written row by row (libxlsxwriter's constant_memory mode) so a school of
 * 10,000 students does not hold its sheet in memory.
 *
 * Which students:
 * - Matrícula: every student enrolled at some time in the year (a section
 *   of that year is their current section_id, or one of their enrolment
 *   periods), in their last section of that year, whatever their status.
 * - Statistics: per section of the year, the active students whose current
 *   section it is, plus those who finished the year there (an enrolment
 *   closed by promotion or graduation), so a past year still shows its
 *   enrolment.
 */
#ifndef BIS_SCHOOL_EXPORTS_H
#define BIS_SCHOOL_EXPORTS_H
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

enum export_status {
    EXPORT_OK = 0,
    EXPORT_STORE_ERROR = -1, /* the store failed: try again */
    EXPORT_NOT_FOUND = -2,   /* no such school year in this school */
    EXPORT_WRITE_ERROR = -3, /* the file could not be written (a defect) */
};

/* What a report is about: the school (name, RIF and DEA code from its
 * settings), the year (0 and "" when the school has no year yet) and the
 * school-local date it is generated on. */
struct export_context {
    char school_name[256];
    char rif[48];
    char dea_code[48];
    char today[11]; /* YYYY-MM-DD */
    int64_t year_id;
    char year_name[64];
};

/* A generated file, owned by the caller. */
struct export_file {
    unsigned char *data;
    size_t len;
    char today[11]; /* the date it was generated on, for its name */
};
void export_file_free(struct export_file *f);

/* exports.c: the report's context; year_id 0 means the current year (or
 * the latest one when none is current). Caller holds the store. */
int export_context_load(struct store *s, const char *default_name,
                        int64_t year_id, struct export_context *ctx_r,
                        const char **error_r);
/* dd/mm/yyyy of an ISO date (the input itself when it is not one). */
void export_date_display(const char *iso, char out[11]);

/* exports.c, for the export modules: an .xlsx written to a temporary
 * file (libxlsxwriter writes files only), then read into memory. */
struct lxw_workbook;
struct export_xlsx {
    char path[256];
    struct lxw_workbook *wb;
};
/* constant_memory: rows must then be written in order, top to bottom. */
int export_xlsx_open(struct export_xlsx *x, int constant_memory,
                     const char **error_r);
/* Closes the workbook (writing the file) into *out_r; removes the file. */
int export_xlsx_close(struct export_xlsx *x, struct export_file *out_r,
                      const char **error_r);
/* Abandons the workbook without producing a file. */
void export_xlsx_discard(struct export_xlsx *x);

/* matricula_export.c: the Matrícula of year_id (0: current) as .xlsx. */
int matricula_export_xlsx(struct store *s, const char *default_name,
                          int64_t year_id, struct export_file *out_r,
                          const char **error_r);

/* enrolment_stats.c: enrolment per grade and section. */
struct enrolment_section {
    char grade[64];
    char level[24];
    int number;
    char letter[24];
    int boys, girls; /* V, H */
};
struct enrolment_stats {
    struct export_context ctx;
    struct enrolment_section *v; /* by level, grade number, letter */
    size_t n;
    int boys, girls;
    /* branding: the primary colour ("#rrggbb") and the logo (PNG, or NULL) */
    char primary[8];
    unsigned char *logo;
    size_t logo_len;
};
/* The statistics of year_id (0: current). Takes the store itself. */
int enrolment_stats_load(struct store *s, const char *default_name,
                         int64_t year_id, struct enrolment_stats *st_r,
                         const char **error_r);
void enrolment_stats_free(struct enrolment_stats *st);
int enrolment_stats_xlsx(const struct enrolment_stats *st,
                         struct export_file *out_r, const char **error_r);
int enrolment_stats_pdf(const struct enrolment_stats *st,
                        struct export_file *out_r, const char **error_r);

#endif
