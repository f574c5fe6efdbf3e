/*
 * The demo school's attendance (issue #16, part demo): `init --demo` gives
 * the demo school its calendar's breaks and about two months of generated
 * attendance, so the monthly report, its plot and the chronic-absence list
 * show real-looking figures at once. See attendance_demo.c for how the
 * figures are drawn.
 */
#ifndef BIS_SCHOOL_ATTENDANCE_DEMO_H
#define BIS_SCHOOL_ATTENDANCE_DEMO_H
#include <stdint.h>

#include "auth/auth.h"
#include "db/db.h"

/* What attendance_demo_seed wrote, for init's summary line. */
struct attendance_demo_report {
    char from[11], to[11]; /* the dates generated ("" when none) */
    int school_days;       /* school days in from..to */
    int sessions;          /* attendance_sessions rows (block 0) */
    int not_taken;         /* (section, school day) pairs left not taken */
    int absent, late, justified; /* attendance_marks rows by status */
    int present;           /* students present (late included) */
    int alerts;            /* runs of 3+ unjustified absences (alert rows) */
    int ingresos, egresos, moves; /* enrolment movement inside the dates */
};

/*
 * Gives the current school year of the demo school its breaks (the
 * calendar part's calendar_demo_breaks), a little enrolment movement
 * (late ingresos, withdrawals, a change of section) and generated
 * attendance for every school day from the first day of the month two
 * months before `today` (clipped to the year) to the day before `today`
 * ("YYYY-MM-DD"; NULL: today in the school's zone). The same seed gives the
 * same attendance. Run once, on a demo school with its students enrolled
 * and no attendance; writes in its own transactions, each audited.
 * 0, or -1 with *error_r.
 */
int attendance_demo_seed(struct store *s, const struct actor *actor,
                         uint64_t seed, const char *today,
                         struct attendance_demo_report *rep_r,
                         const char **error_r);

#endif
