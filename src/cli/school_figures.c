/*
 * The school figures the platform's statistics record per school but
 * cannot compute itself (statistics_set_school_figure in
 * src/platform/statistics.h): the platform layer never calls the school
 * layer, so the command line, which links both, installs them at start.
 * - teacher satisfaction with the active timetable (tenant_analytics
 *   metric teacher_satisfaction_pct, a whole percent;
 *   src/school/tt_reports.c);
 * - the attendance rate of the last 30 days (attendance_rate_pct, a whole
 *   percent; src/school/attendance_report.c), also averaged over the
 *   network for the platform's dashboard (issue #16, part report).
 */
#include "cli/cli.h"
#include "platform/statistics.h"
#include "school/attendance_report.h"
#include "school/tt_export.h"

void cli_school_figures_install(void)
{
    statistics_set_school_figure("teacher_satisfaction_pct",
                                 tt_satisfaction_figure);
    statistics_set_school_figure("attendance_rate_pct",
                                 attendance_rate_figure);
    statistics_average_school_figure("attendance_rate_pct");
}
