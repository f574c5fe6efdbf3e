/*
 * Files compiled into the binary by tools/embed.c: the SQL migrations,
 * the web app's assets and the mail templates. Each array ends with an
 * entry whose name is NULL.
 */
#ifndef BIS_CORE_EMBEDDED_H
#define BIS_CORE_EMBEDDED_H
#include <stddef.h>

struct embedded_file {
    const char *name;          /* path relative to its base directory */
    const unsigned char *data; /* NUL-terminated, for SQL text */
    size_t size;               /* without the terminating NUL */
};

extern const struct embedded_file embedded_master_migrations[];
extern const struct embedded_file embedded_school_migrations[];
extern const struct embedded_file embedded_pg_master_migrations[];
extern const struct embedded_file embedded_pg_school_migrations[];
extern const struct embedded_file embedded_web[];
/* templates/mail/ (src/mail/render.c) */
extern const struct embedded_file embedded_mail[];
/* the CSV files of tests/data/ueipab-2025: the demo school's week (issue #15,
 * school/timetable_demo.c) */
extern const struct embedded_file embedded_demo_timetable[];

#endif
