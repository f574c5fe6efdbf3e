/*
 * The core CSV reader (core/csv.c), as a school's spreadsheet export meets
 * it: quoted fields with separators, quotes and line breaks; CRLF and a
 * byte order mark; comma or semicolon; UTF-8 or Windows-1252; and every
 * refusal names the file and the line, within bounded sizes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unistd.h>

#include "core/csv.h"
#include "core/util.h"

static struct csv parse_ok(const char *text, const struct csv_options *o)
{
    struct csv c;
    char *err = NULL;
    int rc = csv_parse(&c, text, strlen(text), o, &err);
    if (rc != 0)
        fail_msg("%s", err);
    assert_null(err);
    return c;
}

static void expect_error(const char *text, const struct csv_options *o, const char *msg)
{
    struct csv c;
    char *err = NULL;
    assert_int_equal(csv_parse(&c, text, strlen(text), o, &err), -1);
    assert_non_null(err);
    if (strcmp(err, msg) != 0)
        fail_msg("got «%s», expected «%s»", err, msg);
    assert_int_equal(c.nrows, 0);
    assert_null(c.cols);
    free(err);
}

static void quoted_fields_keep_separators_quotes_and_line_breaks(void **state)
{
    (void)state;
    struct csv_options o = {.name = "alumnos.csv"};
    struct csv c = parse_ok("cedula,nombre,direccion\n"
                            "V-1,\"Pérez, Ana\",\"Calle 1\nCasa \"\"El Sol\"\"\"\n"
                            "V-2, Luis ,\n",
                            &o);
    assert_int_equal(c.ncols, 3);
    assert_int_equal(c.nrows, 2);
    assert_string_equal(csv_get(&c, 0, 1), "Pérez, Ana");
    assert_string_equal(csv_get(&c, 0, 2), "Calle 1\nCasa \"El Sol\"");
    assert_string_equal(csv_get(&c, 1, 1), "Luis"); /* unquoted: trimmed */
    assert_string_equal(csv_get(&c, 1, 2), "");
    /* the second row starts on line 4: the address took two lines */
    assert_int_equal(c.line[0], 2);
    assert_int_equal(c.line[1], 4);
    assert_int_equal(csv_col(&c, "nombre"), 1);
    assert_int_equal(csv_col(&c, "edad"), -1);
    assert_string_equal(csv_get(&c, 0, -1), "");
    csv_free(&c);
}

static void crlf_bom_and_blank_rows(void **state)
{
    (void)state;
    struct csv_options o = {.name = "a.csv"};
    struct csv c = parse_ok("\xEF\xBB\xBF" "a,b\r\n\r\n1,2\r\n,\r\n  ,\r\n3,\"4\r\n5\"\r\n", &o);
    assert_string_equal(c.cols[0], "a"); /* the BOM is not part of the name */
    assert_int_equal(c.nrows, 2);
    assert_string_equal(csv_get(&c, 1, 1), "4\r\n5");
    assert_int_equal(c.line[0], 3);
    assert_int_equal(c.line[1], 6);
    csv_free(&c);
}

static void separator_is_detected_or_fixed(void **state)
{
    (void)state;
    struct csv_options o = {.name = "s.csv"};
    /* a Spanish-locale spreadsheet: semicolons, decimal commas */
    struct csv c = parse_ok("nombre;promedio;nota\n\"Díaz; Rosa\";15,5;\"a,b\"\n", &o);
    assert_int_equal(c.separator, ';');
    assert_int_equal(c.ncols, 3);
    assert_string_equal(csv_get(&c, 0, 0), "Díaz; Rosa");
    assert_string_equal(csv_get(&c, 0, 1), "15,5");
    csv_free(&c);
    /* a quoted semicolon in a comma header does not count */
    c = parse_ok("\"a;b;c\",d\n1,2\n", &o);
    assert_int_equal(c.separator, ',');
    assert_string_equal(c.cols[0], "a;b;c");
    csv_free(&c);
    /* fixed: a semicolon is then just text */
    o.separator = ',';
    c = parse_ok("a;b\n1;2\n", &o);
    assert_int_equal(c.ncols, 1);
    assert_string_equal(csv_get(&c, 0, 0), "1;2");
    csv_free(&c);
}

static void windows_1252_is_converted_when_allowed(void **state)
{
    (void)state;
    /* what Excel on Windows saves: María, Peña, 5 €, “comillas” */
    const char *text = "nombre,nota\nMar\xED" "a Pe\xF1" "a,5 \x80\n\x93" "hola\x94,1\n";
    struct csv_options o = {.name = "excel.csv", .encoding = CSV_AUTO};
    struct csv c = parse_ok(text, &o);
    assert_true(c.converted);
    assert_string_equal(csv_get(&c, 0, 0), "María Peña");
    assert_string_equal(csv_get(&c, 0, 1), "5 €");
    assert_string_equal(csv_get(&c, 1, 0), "“hola”");
    csv_free(&c);
    /* valid UTF-8 is left alone */
    c = parse_ok("n\nMaría\n", &o);
    assert_false(c.converted);
    assert_string_equal(csv_get(&c, 0, 0), "María");
    csv_free(&c);
    /* a byte that is no Windows-1252 character */
    expect_error("n\nok\nmal\x81\n", &o,
                 "excel.csv, línea 3: el texto no es UTF-8 ni Windows-1252 válido");
    /* UTF-8 only: refused, naming the line */
    o.encoding = CSV_UTF8;
    expect_error(text, &o, "excel.csv, línea 2: el texto no es UTF-8 válido");
}

static void malformed_input_names_the_line(void **state)
{
    (void)state;
    struct csv_options o = {.name = "x.csv", .max_field = 10, .max_cols = 3, .max_rows = 2};
    expect_error("a,b\n1,\"ab\n2\n", &o, "x.csv, línea 2: hay unas comillas sin cerrar");
    expect_error("a,b\n\n1,\"x\"y\n", &o, "x.csv, línea 3: hay texto después de cerrar las comillas");
    expect_error("a,b\n1\n", &o, "x.csv, línea 2: la fila tiene 1 campo y el encabezado 2");
    expect_error("a,b\n1,2,3\n", &o,
                 "x.csv, línea 2: la fila tiene más campos que las 2 columnas del encabezado");
    expect_error("a,b,c,d\n", &o, "x.csv, línea 1: el encabezado tiene más de 3 columnas");
    expect_error("a,b\n1,12345678901\n", &o, "x.csv, línea 2: el campo «b» tiene más de 10 bytes");
    expect_error("a,b\n1,2\n3,4\n5,6\n", &o, "x.csv, línea 4: el archivo tiene más de 2 filas");
    expect_error("\n,,\n", &o, "x.csv: el archivo está vacío (falta la línea de encabezado)");
    /* a NUL byte is no text */
    static const char nul[] = "a,b\n1,x\0y\n";
    struct csv c;
    char *err = NULL;
    assert_int_equal(csv_parse(&c, nul, sizeof(nul) - 1, &o, &err), -1);
    assert_string_equal(err, "x.csv, línea 2: el texto no es UTF-8 válido");
    free(err);
}

static int only_known(void *arg, const char *name, char **cols, int ncols, int line, char **error_r)
{
    (void)arg;
    for (int i = 0; i < ncols; i++) {
        str_lower(cols[i]);
        if (strcmp(cols[i], "cedula") != 0 && strcmp(cols[i], "nombre") != 0) {
            csv_fail_at(error_r, name, line, "columna desconocida «%s»", cols[i]);
            return -1;
        }
    }
    return 0;
}

static void header_check_runs_before_the_rows(void **state)
{
    (void)state;
    struct csv_options o = {.name = "h.csv", .check_header = only_known};
    struct csv c = parse_ok("Cedula,NOMBRE\nV-1,Ana\n", &o);
    assert_int_equal(csv_col(&c, "nombre"), 1);
    csv_free(&c);
    /* the header's fault is reported, not the broken row after it */
    expect_error("\ncedula,edad\n1,\"\n", &o, "h.csv, línea 2: columna desconocida «edad»");
}

static void files_are_bounded_and_a_missing_one_is_no_error(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_csv_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof(path), "%s/f.csv", dir);
    struct csv c;
    char *err = NULL;
    struct csv_options o = {.name = "f.csv", .max_bytes = 16};
    assert_int_equal(csv_load(&c, path, &o, &err), 0);
    assert_null(err);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("a,b\n1,2\n", f);
    fclose(f);
    assert_int_equal(csv_load(&c, path, &o, &err), 1);
    assert_int_equal(c.nrows, 1);
    assert_string_equal(csv_get(&c, 0, 1), "2");
    csv_free(&c);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("a,b\n1,2\n3,4\n5,6\n7,8\n", f);
    fclose(f);
    assert_int_equal(csv_load(&c, path, &o, &err), -1);
    assert_string_equal(err, "f.csv: el archivo pesa más de 16 bytes");
    free(err);
    err = NULL;
    o.max_bytes = 0; /* the default, 4 MiB */
    assert_int_equal(csv_load(&c, dir, &o, &err), -1);
    assert_string_equal(err, "f.csv: no es un archivo normal");
    free(err);
    unlink(path);
    rmdir(dir);
}

/* each_record: every record, of any width, handed over as it is read. */
struct seen {
    int records, fields, last_line, stop_at;
    char first[32];
};

static int see_record(void *arg, char **fields, int n, int line, char **error_r)
{
    struct seen *s = arg;
    if (++s->records == s->stop_at) {
        csv_fail_at(error_r, "x.csv", line, "basta");
        return -1;
    }
    if (s->records == 1)
        snprintf(s->first, sizeof(s->first), "%s", fields[0]);
    s->fields += n;
    s->last_line = line;
    return 0;
}

static void records_can_be_streamed_to_a_callback(void **state)
{
    (void)state;
    const char *text = "Título\n\na;b;c\n1;\"x\ny\"\n;;\n2\n";
    struct seen seen = {0};
    struct csv_options o = {.name = "x.csv", .separator = ';', .each_record = see_record,
                            .arg = &seen};
    struct csv c;
    char *err = NULL;
    assert_int_equal(csv_parse(&c, text, strlen(text), &o, &err), 0);
    assert_null(err);
    assert_int_equal(seen.records, 4); /* the blank line and ";;" skipped */
    assert_int_equal(seen.fields, 1 + 3 + 2 + 1);
    assert_string_equal(seen.first, "Título");
    assert_int_equal(seen.last_line, 7);
    assert_int_equal(c.nrows, 0); /* nothing stored */
    csv_free(&c);
    /* blank is no error; the callback may stop the parse */
    struct seen none = {0};
    o.arg = &none;
    assert_int_equal(csv_parse(&c, ";;\n", 3, &o, &err), 0);
    assert_int_equal(none.records, 0);
    csv_free(&c);
    struct seen stop = {.stop_at = 2};
    o.arg = &stop;
    assert_int_equal(csv_parse(&c, text, strlen(text), &o, &err), -1);
    assert_string_equal(err, "x.csv, línea 3: basta");
    free(err);
    csv_free(&c);
}

/* What csv_put writes, the reader reads back as it was; a download's
 * formula-looking text is shown as text. */
static void written_fields_read_back_and_formulas_stay_text(void **state)
{
    (void)state;
    const char *v[] = {"plain", "a,b", "say \"hi\"", "two\nlines", " pad ",
                       ""};
    struct strbuf sb;
    strbuf_init(&sb);
    for (int i = 0; i < 6; i++)
        csv_put(&sb, v[i], i == 5 ? CSV_PUT_LAST : 0);
    for (int i = 0; i < 6; i++)
        csv_put(&sb, v[i], i == 5 ? CSV_PUT_LAST : 0);
    assert_string_equal(sb.data,
                        "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\","
                        "\" pad \",\nplain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\","
                        "\" pad \",\n");
    struct csv_options o = {.name = "w.csv", .separator = ','};
    struct csv c = parse_ok(sb.data, &o);
    assert_int_equal(c.nrows, 1);
    for (int i = 0; i < 5; i++)
        assert_string_equal(csv_get(&c, 0, i), i == 4 ? " pad " : v[i]);
    csv_free(&c);
    strbuf_cleanup(&sb);

    strbuf_init(&sb);
    csv_put(&sb, "=SUM(A1)", CSV_PUT_TEXT);
    csv_put(&sb, "-3", CSV_PUT_TEXT | CSV_PUT_LAST | CSV_PUT_CRLF);
    assert_string_equal(sb.data, "'=SUM(A1),'-3\r\n");
    strbuf_cleanup(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quoted_fields_keep_separators_quotes_and_line_breaks),
        cmocka_unit_test(crlf_bom_and_blank_rows),
        cmocka_unit_test(separator_is_detected_or_fixed),
        cmocka_unit_test(windows_1252_is_converted_when_allowed),
        cmocka_unit_test(malformed_input_names_the_line),
        cmocka_unit_test(header_check_runs_before_the_rows),
        cmocka_unit_test(files_are_bounded_and_a_missing_one_is_no_error),
        cmocka_unit_test(records_can_be_streamed_to_a_callback),
        cmocka_unit_test(written_fields_read_back_and_formulas_stay_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
