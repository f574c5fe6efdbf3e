/*
 * Line charts as SVG (see charts.h). The drawing area is a fixed 320 x 216
 * viewBox, sized so that its 14-unit labels stay about 12 px tall on a
 * 360 px phone (the page heads the plot, so the title is only the
 * document's <title> and label for screen readers): the y axis with five
 * round ticks on the left
 * (0 to a 1-2-5 step times four), days along the x axis placed by their
 * calendar distance (a day without a record leaves a longer segment, not a
 * false even spacing), the first and last day labelled, and the last value
 * written next to its point; with no day, only the note, centred.
 */
#include "platform/charts.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/tz.h"
#include "core/util.h"

#define W 320
#define H 216
#define LEFT 58
#define RIGHT 12
#define TOP 24
#define BOTTOM 46
/* The longest line of the note drawn when there is nothing to plot. */
#define NOTE_LINE 34

static const char *const months[] = {"ene", "feb", "mar", "abr", "may", "jun",
                                     "jul", "ago", "sep", "oct", "nov", "dic"};

static void add_escaped(struct strbuf *sb, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': strbuf_adds(sb, "&amp;"); break;
        case '<': strbuf_adds(sb, "&lt;"); break;
        case '>': strbuf_adds(sb, "&gt;"); break;
        case '"': strbuf_adds(sb, "&quot;"); break;
        default: strbuf_add(sb, s, 1);
        }
    }
}

/* 12345 -> "12.345" (Venezuelan thousands separator). */
static void format_count(int64_t v, char *out, size_t n)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%lld", (long long)(v < 0 ? -v : v));
    size_t len = strlen(digits), o = 0;
    if (v < 0 && o + 1 < n)
        out[o++] = '-';
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = '.';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

/* "2026-12-07" -> "7 dic 2026" */
static void format_day(const char *day, char *out, size_t n)
{
    int y, m, d;
    if (tz_parse_date(day, &y, &m, &d) < 0) {
        str_copy(out, n, day);
        return;
    }
    snprintf(out, n, "%d %s %d", d, months[m - 1], y);
}

static int64_t day_number(const char *day)
{
    int y, m, d;
    if (tz_parse_date(day, &y, &m, &d) < 0)
        return 0;
    return tz_days_from_civil(y, m, d);
}

/* The smallest 1-2-5 step with 4 steps reaching at least vmax. */
static int64_t nice_step(int64_t vmax)
{
    int64_t step = 1;
    for (;;) {
        if (step * 4 >= vmax)
            return step;
        if (step * 2 * 4 >= vmax)
            return step * 2;
        if (step * 5 * 4 >= vmax)
            return step * 5;
        step *= 10;
    }
}

static void text(struct strbuf *sb, double x, double y, const char *anchor,
                 int size, const char *weight, const char *s)
{
    strbuf_addf(sb,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
                "font-size=\"%d\" font-weight=\"%s\">",
                x, y, anchor, size, weight);
    add_escaped(sb, s);
    strbuf_adds(sb, "</text>\n");
}

/* Appends `s` to lines[n..max) in lines of at most NOTE_LINE characters,
 * broken at spaces; returns the new count. */
static int wrap(const char *s, char lines[][NOTE_LINE * 2 + 8], int n, int max)
{
    while (*s && n < max) {
        size_t len = strlen(s), cut = len;
        if (len > NOTE_LINE) {
            cut = 0;
            for (size_t i = 1; i <= NOTE_LINE; i++)
                if (s[i] == ' ')
                    cut = i;
            if (cut == 0)
                cut = NOTE_LINE;
        }
        memcpy(lines[n], s, cut);
        lines[n][cut] = '\0';
        n++;
        s += cut;
        while (*s == ' ')
            s++;
    }
    return n;
}

char *chart_svg(const char *title, const char *unit,
                const struct statistics_point *pts, int n, const char *empty,
                size_t *len_r)
{
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_addf(&sb,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d "
                "%d\" width=\"100%%\" preserveAspectRatio=\"xMidYMid meet\" "
                "role=\"img\" aria-label=\"",
                W, H);
    add_escaped(&sb, title);
    strbuf_adds(&sb, "\" font-family=\"system-ui, sans-serif\" "
                     "fill=\"#222\">\n<title>");
    add_escaped(&sb, title);
    strbuf_adds(&sb, "</title>\n<rect width=\"100%\" height=\"100%\" "
                     "fill=\"#fff\"/>\n");

    const double pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
    int64_t vmax = 0;
    for (int i = 0; i < n; i++)
        if (pts[i].value > vmax)
            vmax = pts[i].value;
    int64_t step = nice_step(vmax);
    /* the y axis: gridlines and round ticks (none around a note: an empty
     * scale would only crowd it) */
    for (int k = 0; n > 0 && k <= 4; k++) {
        double y = TOP + ph - ph * k / 4.0;
        char label[32];
        format_count(step * k, label, sizeof label);
        strbuf_addf(&sb,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                    "stroke=\"%s\" stroke-width=\"1\"/>\n",
                    LEFT, y, W - RIGHT, y, k == 0 ? "#555" : "#ddd");
        text(&sb, LEFT - 6, y + 4, "end", 14, "normal", label);
    }
    if (n > 0)
        strbuf_addf(&sb,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" "
                    "stroke=\"#555\" stroke-width=\"1\"/>\n",
                    LEFT, TOP, LEFT, TOP + ph);

    if (n == 0) {
        /* the note, on two lines at its colon when it has one */
        const char *colon = strstr(empty, ": ");
        char first[256];
        size_t fl = colon ? (size_t)(colon - empty) + 1 : strlen(empty);
        if (fl >= sizeof first)
            fl = sizeof first - 1;
        memcpy(first, empty, fl);
        first[fl] = '\0';
        char lines[8][NOTE_LINE * 2 + 8];
        int nl = wrap(first, lines, 0, 8);
        if (colon)
            nl = wrap(colon + 2, lines, nl, 8);
        for (int i = 0; i < nl; i++)
            text(&sb, W / 2.0, H / 2.0 + 20 * i - 10 * (nl - 1) + 5, "middle",
                 14, i == 0 && colon ? "bold" : "normal", lines[i]);
    } else {
        int64_t d0 = day_number(pts[0].day), d1 = day_number(pts[n - 1].day);
        double span = d1 > d0 ? (double)(d1 - d0) : 0;
        strbuf_adds(&sb, "<polyline fill=\"none\" stroke=\"#1f6feb\" "
                         "stroke-width=\"2.5\" stroke-linejoin=\"round\" "
                         "points=\"");
        double lx = 0, ly = 0;
        for (int i = 0; i < n; i++) {
            double x = span > 0 ? LEFT + pw * (double)(day_number(pts[i].day) -
                                                     d0) / span
                                : LEFT + pw / 2;
            double y = TOP + ph - ph * (double)pts[i].value / (double)(step * 4);
            strbuf_addf(&sb, "%s%.1f,%.1f", i ? " " : "", x, y);
            lx = x;
            ly = y;
        }
        strbuf_adds(&sb, "\"/>\n");
        if (n <= 62)
            for (int i = 0; i < n; i++) {
                double x = span > 0 ? LEFT + pw * (double)(day_number(
                                                            pts[i].day) -
                                                        d0) / span
                                    : LEFT + pw / 2;
                double y = TOP + ph -
                           ph * (double)pts[i].value / (double)(step * 4);
                strbuf_addf(&sb,
                            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" "
                            "fill=\"#1f6feb\"/>\n",
                            x, y);
            }
        char value[48], last[80];
        format_count(pts[n - 1].value, value, sizeof value);
        snprintf(last, sizeof last, "%s %s", value, unit);
        /* right of the point if it fits (about 9.5 units a character in
         * bold 15), else centred above it, kept clear of the y axis and
         * the right edge */
        double tw = 9.5 * (double)strlen(last);
        if (lx + 6 + tw <= W - 2) {
            text(&sb, lx + 6, ly - 9, "start", 15, "bold", last);
        } else {
            double cx = lx;
            if (cx > W - 2 - tw / 2)
                cx = W - 2 - tw / 2;
            if (cx < LEFT + 4 + tw / 2)
                cx = LEFT + 4 + tw / 2;
            text(&sb, cx, ly - 10, "middle", 15, "bold", last);
        }
        /* the x axis: the first and last recorded day */
        char a[32], b[32];
        format_day(pts[0].day, a, sizeof a);
        format_day(pts[n - 1].day, b, sizeof b);
        if (n == 1 || span == 0) {
            text(&sb, LEFT + pw / 2, TOP + ph + 20, "middle", 14, "normal", a);
        } else {
            text(&sb, LEFT, TOP + ph + 20, "start", 14, "normal", a);
            text(&sb, W - RIGHT, TOP + ph + 20, "end", 14, "normal", b);
        }
    }
    char caption[160];
    snprintf(caption, sizeof caption, "%s por día registrado", unit);
    caption[0] = (char)(caption[0] >= 'a' && caption[0] <= 'z'
                            ? caption[0] - 'a' + 'A'
                            : caption[0]);
    if (n > 0)
        text(&sb, LEFT + pw / 2, H - 6, "middle", 14, "normal", caption);
    strbuf_adds(&sb, "</svg>\n");
    *len_r = sb.len;
    return strbuf_steal(&sb);
}
