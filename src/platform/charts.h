/*
 * Server-drawn plots for the network's dashboard (charts.c): a line chart
 * of one recorded metric over days, as a self-contained SVG document with
 * a viewBox (it scales to any width, 360 px phones included), Spanish
 * labels, axes with round ticks, and a note in place of the line when
 * there is nothing to draw. Served by GET
 * /api/v1/platform/statistics/charts/{name}.svg (src/http/h_statistics.c).
 */
#ifndef BIS_PLATFORM_CHARTS_H
#define BIS_PLATFORM_CHARTS_H
#include <stddef.h>

#include "platform/statistics.h"

/* The most recorded days a chart shows. */
#define CHART_MAX_DAYS 365

/*
 * The SVG text (malloc'd, *len_r bytes) of `pts` (oldest first; n may be
 * 0). `title` is its <title> and aria-label (the page heads the plot),
 * `unit` names the values ("estudiantes"), `empty` is the note shown when
 * n is 0, wrapped to fit. Every text is escaped.
 */
char *chart_svg(const char *title, const char *unit,
                const struct statistics_point *pts, int n, const char *empty,
                size_t *len_r);

#endif
