/*
 * Unit tests for src/platform/charts: the dashboard's server-drawn SVG
 * plots. They check what a person looking at the plot on a phone would
 * notice: every label stays inside the drawing (a value cut at the right
 * edge, a note running off it), the numbers and dates are written the
 * Venezuelan way, and text from the caller cannot break the SVG.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/charts.h"

/* Every <text> must leave room for its text inside the 320 viewBox, at
 * about 0.55 of its font size a character (0.63 in bold). */
static void assert_labels_inside(const char *svg)
{
    const char *p = svg;
    while ((p = strstr(p, "<text x=\"")) != NULL) {
        double x = atof(p + 9);
        const char *anchor = strstr(p, "text-anchor=\"");
        const char *body = strchr(p, '>') + 1;
        const char *end = strstr(body, "</text>");
        assert_non_null(anchor);
        assert_non_null(end);
        int chars = 0;
        for (const char *c = body; c < end; c++)
            chars += ((unsigned char)*c & 0xC0) != 0x80;
        const char *size = strstr(p, "font-size=\"");
        const char *weight = strstr(p, "font-weight=\"");
        assert_non_null(size);
        assert_non_null(weight);
        double em = atof(size + 11) *
                    (strncmp(weight + 13, "bold", 4) == 0 ? 0.63 : 0.55);
        double w = em * chars;
        if (strncmp(anchor + 13, "start", 5) == 0)
            assert_true(x >= 0 && x + w <= 320 + 1);
        else if (strncmp(anchor + 13, "end", 3) == 0)
            assert_true(x - w >= -1 && x <= 320);
        else
            assert_true(x - w / 2 >= -1 && x + w / 2 <= 320 + 1);
        p = end;
    }
}

static void one_day_of_many_students_fits_and_reads_venezuelan(void **state)
{
    (void)state;
    struct statistics_point pts[] = {{"2026-12-07", 12345}};
    size_t len = 0;
    char *svg = chart_svg("Estudiantes activos en la red", "estudiantes", pts,
                          1, "vacío", &len);
    assert_non_null(svg);
    assert_int_equal(strlen(svg), len);
    assert_non_null(strstr(svg, "viewBox=\"0 0 320 216\""));
    assert_non_null(strstr(svg, ">12.345 estudiantes</text>"));
    assert_non_null(strstr(svg, ">7 dic 2026</text>"));
    assert_non_null(strstr(svg, "<polyline"));
    assert_labels_inside(svg);
    free(svg);
}

static void the_last_day_at_the_right_edge_keeps_its_value_inside(void **state)
{
    (void)state;
    struct statistics_point pts[] = {
        {"2026-11-01", 3}, {"2026-11-20", 4}, {"2026-12-07", 5}};
    size_t len = 0;
    char *svg = chart_svg("Planteles activos", "planteles", pts, 3, "vacío",
                          &len);
    assert_non_null(strstr(svg, ">5 planteles</text>"));
    assert_non_null(strstr(svg, ">1 nov 2026</text>"));
    assert_labels_inside(svg);
    free(svg);
}

static void an_empty_chart_wraps_its_note_inside_the_drawing(void **state)
{
    (void)state;
    size_t len = 0;
    char *svg = chart_svg("Estudiantes", "estudiantes", NULL, 0,
                          "Aún sin datos, o insuficiente: se muestran cuando "
                          "hay al menos 3 planteles.",
                          &len);
    assert_null(strstr(svg, "<polyline"));
    assert_non_null(strstr(svg, ">Aún sin datos, o insuficiente:</text>"));
    assert_non_null(strstr(svg, ">se muestran cuando hay al menos 3</text>"));
    assert_non_null(strstr(svg, ">planteles.</text>"));
    assert_labels_inside(svg);
    free(svg);
}

static void caller_text_is_escaped(void **state)
{
    (void)state;
    size_t len = 0;
    char *svg = chart_svg("A <b> & \"c\"", "u", NULL, 0, "x <script>", &len);
    assert_null(strstr(svg, "<b>"));
    assert_null(strstr(svg, "<script>"));
    assert_non_null(strstr(svg, "A &lt;b&gt; &amp; &quot;c&quot;"));
    free(svg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_day_of_many_students_fits_and_reads_venezuelan),
        cmocka_unit_test(the_last_day_at_the_right_edge_keeps_its_value_inside),
        cmocka_unit_test(an_empty_chart_wraps_its_note_inside_the_drawing),
        cmocka_unit_test(caller_text_is_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
