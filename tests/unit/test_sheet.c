/*
 * The spreadsheet reader (src/sheet/) as an import meets it: real .xls
 * (xlwt) and .xlsx (openpyxl) files and hand-built ones, written by
 * tests/tools/make_sheet_fixtures.py into $SHEET_FIXTURES before this test
 * runs (a CTest fixture). Cells come out as the text a user sees (numbers
 * in their shortest form, dates as ISO dates), placed where the file puts
 * them; and every hostile or broken file is refused with a Spanish message
 * that says why, nothing returned and nothing leaked (the asan build runs
 * this too), nothing left behind in $TMPDIR.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <iconv.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sheet/sheet.h"

static const char *dir;

static char *path_of(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return path;
}

static struct sheet *read_ok(const char *name, const struct sheet_limits *lim)
{
    struct sheet *s = (struct sheet *)1;
    char err[512] = "";
    if (sheet_read_file(path_of(name), lim, &s, err, sizeof(err)) != 0)
        fail_msg("%s: %s", name, err);
    assert_non_null(s);
    return s;
}

/* The file is refused with a message holding `why`; nothing returned. */
static void refused(const char *name, const struct sheet_limits *lim, const char *why)
{
    struct sheet *s = (struct sheet *)1;
    char err[512] = "";
    if (sheet_read_file(path_of(name), lim, &s, err, sizeof(err)) != -1)
        fail_msg("%s was read, expected «%s»", name, why);
    assert_null(s);
    if (strstr(err, why) == NULL)
        fail_msg("%s: got «%s», expected «%s»", name, err, why);
}

#define CELL(s, r, c, text) assert_string_equal(sheet_cell(s, r, c), text)

static void xls_cells_read_as_text_first_sheet_only(void **state)
{
    (void)state;
    struct sheet *s = read_ok("basic.xls", NULL);
    assert_int_equal(s->format, SHEET_XLS);
    assert_int_equal(s->rows, 4);
    assert_int_equal(s->cols, 5);
    CELL(s, 0, 0, "Cédula");
    CELL(s, 0, 2, "Fecha de nacimiento");
    CELL(s, 1, 0, "12345678");        /* a number cell: no ".0", no exponent */
    CELL(s, 1, 1, "José Ñáñez");      /* accents come out as UTF-8 */
    CELL(s, 1, 2, "2015-03-09");      /* a DD/MM/YYYY cell: an ISO date */
    CELL(s, 1, 3, "15.5");
    CELL(s, 1, 4, "2024-01-31 07:30:00");
    CELL(s, 2, 1, "");                /* the blank row is kept */
    CELL(s, 3, 1, "fila suelta");
    CELL(s, 9, 9, "");                /* outside the grid */
    CELL(s, -1, 0, "");
    sheet_free(&s);
    assert_null(s);
    sheet_free(&s); /* twice is harmless */
}

/* Debian's openpyxl writes its text as inline strings; hand.xlsx has the
   shared ones. */
static void xlsx_from_openpyxl_inline_strings_dates_booleans_sparse_rows(void **state)
{
    (void)state;
    struct sheet *s = read_ok("basic.xlsx", NULL);
    assert_int_equal(s->format, SHEET_XLSX);
    assert_int_equal(s->rows, 10);
    assert_int_equal(s->cols, 5);
    CELL(s, 0, 0, "Cédula");
    CELL(s, 1, 0, "12345678");
    CELL(s, 1, 1, "José Ñáñez");
    CELL(s, 1, 2, "2015-03-09");
    CELL(s, 1, 3, "15.5");
    CELL(s, 1, 4, "1");
    CELL(s, 2, 2, "2014-12-31 18:45:00");
    CELL(s, 2, 3, "0.1");
    CELL(s, 2, 4, "0");
    CELL(s, 5, 1, "");
    CELL(s, 9, 1, "fila dispersa"); /* B10 */
    CELL(s, 9, 4, "José Ñáñez");
    sheet_free(&s);
}

/* hand.xlsx: what Excel and other writers do that openpyxl does not. */
static void xlsx_inline_and_rich_text_references_and_date_formats(void **state)
{
    (void)state;
    /* deflated, stored, and with its parts under other names (found
       through the relationships) */
    const char *files[] = {"hand.xlsx", "stored.xlsx", "renamed.xlsx"};
    for (int i = 0; i < 3; i++) {
        struct sheet *s = read_ok(files[i], NULL);
        /* AB12 is the last cell with text; AC12 (a style only) and A13 (an
           empty inline string) do not widen or lengthen the grid */
        assert_int_equal(s->rows, 12);
        assert_int_equal(s->cols, 28);
        CELL(s, 0, 0, "Cédula");
        CELL(s, 0, 1, "Nombre y apellido");     /* rich runs joined, phonetic left out */
        CELL(s, 0, 2, "línea 1\r\nlínea 2");    /* _x000D_ decoded */
        CELL(s, 1, 0, "en línea");               /* cells without references */
        CELL(s, 1, 1, "1");                      /* t="b" */
        CELL(s, 1, 2, "Cédulax");                /* a formula's text */
        CELL(s, 1, 3, "#N/A");                   /* an error */
        CELL(s, 2, 0, "2015-03-09");             /* built-in format 14 */
        CELL(s, 2, 1, "1900-01-01");             /* custom dd/mm/yyyy, serial 1 */
        CELL(s, 2, 2, "42072");                  /* "d"0.00: a quoted d is no date */
        CELL(s, 2, 3, "1234");                   /* [Red]#,##0 */
        CELL(s, 2, 4, "2024-01-31 07:30:00");    /* format 22 */
        CELL(s, 2, 5, "1900-02-29");             /* Lotus's leap day, serial 60 */
        CELL(s, 2, 6, "1900-03-01");             /* serial 61 */
        CELL(s, 3, 0, "12345678");               /* 1.2345678E7 */
        CELL(s, 3, 1, "0.1");
        CELL(s, 3, 2, "-3");
        CELL(s, 3, 3, "1500.5");
        CELL(s, 11, 27, "Cédula");
        /* a shared string is stored once however many cells use it */
        assert_ptr_equal(sheet_cell(s, 0, 0), sheet_cell(s, 11, 27));
        sheet_free(&s);
    }
}

/* A worksheet in ISO-8859-1 and shared strings in UTF-16: not what the
   fast reader takes, read through expat all the same. */
static void xlsx_parts_in_other_encodings(void **state)
{
    (void)state;
    struct sheet *s = read_ok("encodings.xlsx", NULL);
    assert_int_equal(s->rows, 1);
    assert_int_equal(s->cols, 2);
    CELL(s, 0, 0, "Sección Ñ");
    CELL(s, 0, 1, "Niño");
    sheet_free(&s);
}

static void xlsx_1904_date_system(void **state)
{
    (void)state;
    struct sheet *s = read_ok("date1904.xlsx", NULL);
    CELL(s, 2, 0, "2019-03-10"); /* 42072 days after 1904-01-01 */
    CELL(s, 2, 1, "1904-01-02");
    sheet_free(&s);
}

static void xlsx_without_shared_strings(void **state)
{
    (void)state;
    struct sheet *s = read_ok("no_shared.xlsx", NULL);
    assert_int_equal(s->rows, 2);
    assert_int_equal(s->cols, 2);
    CELL(s, 0, 0, "");
    CELL(s, 1, 1, "7");
    sheet_free(&s);
}

static void csv_windows1252_semicolons_and_utf8_bom(void **state)
{
    (void)state;
    struct sheet *s = read_ok("semicolon_1252.csv", NULL);
    assert_int_equal(s->format, SHEET_CSV);
    assert_int_equal(s->rows, 4); /* trailing ";;" rows dropped */
    assert_int_equal(s->cols, 3);
    CELL(s, 0, 0, "Cédula");
    CELL(s, 0, 2, "Dirección");
    CELL(s, 1, 0, "12.345.678");
    CELL(s, 1, 1, "José Peña");
    CELL(s, 1, 2, "Calle Ñ; casa 3");
    CELL(s, 2, 0, "");            /* a blank row stays where it is */
    CELL(s, 3, 0, "V-9.876.543"); /* row 4, as a spreadsheet shows it */
    sheet_free(&s);
    /* a title line without separators, rows of any width, a line break
       inside quotes: rows where a spreadsheet program shows them */
    s = read_ok("titled.csv", NULL);
    assert_int_equal(s->rows, 5);
    assert_int_equal(s->cols, 3);
    CELL(s, 0, 0, "MATRÍCULA 2025-2026");
    CELL(s, 2, 2, "Dirección");
    CELL(s, 3, 1, "Ana\r\nMaría");
    CELL(s, 3, 2, "Barquisimeto");
    CELL(s, 4, 1, "Luis");
    CELL(s, 4, 2, "");
    sheet_free(&s);
    s = read_ok("utf8.csv", NULL);
    CELL(s, 0, 0, "cedula");
    CELL(s, 2, 1, "Luis, hijo");
    sheet_free(&s);
}

static void the_format_is_told_from_the_bytes(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        enum sheet_format f;
    } cases[] = {
        {"basic.xls", SHEET_XLS},   {"basic.xlsx", SHEET_XLSX},
        {"encrypted.xlsx", SHEET_XLSX}, {"utf8.csv", SHEET_CSV},
        {"semicolon_1252.csv", SHEET_CSV}, {"image.png", 0},
        {"random.bin", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        FILE *f = fopen(path_of(cases[i].file), "rb");
        assert_non_null(f);
        static char buf[1 << 16];
        size_t n = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        if (sheet_sniff(buf, n) != cases[i].f)
            fail_msg("%s: sniffed %d, expected %d", cases[i].file, sheet_sniff(buf, n),
                     cases[i].f);
    }
    assert_int_equal(sheet_sniff("", 0), 0);
    assert_int_equal(sheet_sniff("a\0b", 3), 0);
    assert_string_equal(sheet_format_name(SHEET_XLS), "xls");
    assert_string_equal(sheet_format_name(SHEET_XLSX), "xlsx");
    assert_string_equal(sheet_format_name(SHEET_CSV), "csv");
}

static void password_protected_files_are_refused(void **state)
{
    (void)state;
    refused("encrypted.xlsx", NULL, "protegido con contraseña");
    refused("filepass.xls", NULL, "protegido con contraseña");
}

static void corrupt_files_are_refused(void **state)
{
    (void)state;
    refused("truncated.xlsx", NULL, "está dañado o incompleto");
    refused("truncated.xls", NULL, "está dañado o incompleto");
    refused("bad_xml.xlsx", NULL, "XML inválido en xl/worksheets/sheet1.xml");
    refused("bad_sst_index.xlsx", NULL, "texto compartido que no existe");
    refused("missing_sheet.xlsx", NULL, "falta la hoja xl/worksheets/sheet1.xml");
}

/* Inputs on which Debian's FreeXL 1.0.6 reads out of bounds (AddressSanitizer
   says so) or leaks: FreeXL runs in a child process, so only that file
   fails; under the asan build this test would abort if it ran in ours. */
static void a_file_that_faults_inside_freexl_fails_alone(void **state)
{
    (void)state;
    refused("freexl-iconv-overread.xls", NULL, "El archivo .xls está dañado o incompleto");
    refused("freexl-leak.xls", NULL, "La hoja está vacía");
    struct sheet *s = read_ok("basic.xls", NULL); /* and the next file reads */
    CELL(s, 1, 1, "José Ñáñez");
    sheet_free(&s);
}

static void what_is_not_a_spreadsheet_is_refused(void **state)
{
    (void)state;
    refused("image.png", NULL, "no es una hoja de cálculo");
    refused("random.bin", NULL, "no es una hoja de cálculo");
    refused("not_xlsx.zip", NULL, "no un libro de Excel");
    refused("calc.ods", NULL, "OpenDocument (.ods)");
    refused("no-such-file.xlsx", NULL, "no existe");
}

static void empty_sheets_and_files_are_refused(void **state)
{
    (void)state;
    refused("empty.xls", NULL, "La hoja está vacía");
    refused("empty.xlsx", NULL, "La hoja está vacía");
    refused("empty.csv", NULL, "La hoja está vacía");
    struct sheet *s = (struct sheet *)1;
    char err[256];
    assert_int_equal(sheet_read("", 0, NULL, &s, err, sizeof(err)), -1);
    assert_null(s);
    assert_string_equal(err, "El archivo está vacío.");
}

static void zip_bombs_are_refused_before_inflating(void **state)
{
    (void)state;
    /* ~200 MB of zeros declared honestly: the ratio refuses it up front */
    refused("zip_bomb.xlsx", NULL, "posible bomba zip");
    /* declared sizes that lie: the bytes actually inflated give it away */
    refused("lying_sizes.xlsx", NULL, "se expande a más de lo que declara (posible bomba zip)");
    /* a total unpacked limit smaller than the parts */
    struct sheet_limits lim = sheet_default_limits;
    lim.max_unpacked = 1024;
    refused("hand.xlsx", &lim, "límite 1 KiB en total");
}

static void xml_bombs_are_refused(void **state)
{
    (void)state;
    refused("xml_bomb.xlsx", NULL, "declaración DOCTYPE (posible bomba XML)");
    refused("xml_bomb_sst.xlsx", NULL, "xl/sharedStrings.xml contiene una declaración DOCTYPE");
}

static void files_over_the_limits_are_refused_naming_the_limit(void **state)
{
    (void)state;
    const char *files[] = {"basic.xls", "basic.xlsx", "semicolon_1252.csv"};
    for (int i = 0; i < 3; i++) {
        struct sheet_limits lim = sheet_default_limits;
        lim.max_bytes = 100;
        refused(files[i], &lim, "El archivo pesa más de 100 bytes");
        lim = sheet_default_limits;
        lim.max_rows = 2;
        refused(files[i], &lim, "más de 2 filas");
        lim = sheet_default_limits;
        lim.max_cols = 2;
        refused(files[i], &lim, "más de 2 columnas");
        lim = sheet_default_limits;
        lim.max_cell = 5;
        refused(files[i], &lim, i == 2 ? "más de 5 bytes" : "La celda A1 tiene un texto "
                                                           "demasiado largo (más de 5 bytes)");
    }
    /* exactly at the limits: read */
    struct sheet_limits lim = sheet_default_limits;
    lim.max_rows = 10;
    lim.max_cols = 5;
    struct sheet *s = read_ok("basic.xlsx", &lim);
    sheet_free(&s);
}

/* .xls goes through a temporary file: none may stay behind. */
static void no_temporary_file_is_left_behind(void **state)
{
    (void)state;
    char tmp[] = "/tmp/test_sheet_XXXXXX";
    assert_non_null(mkdtemp(tmp));
    const char *old = getenv("TMPDIR");
    char *saved = old ? strdup(old) : NULL;
    setenv("TMPDIR", tmp, 1);
    struct sheet *s = read_ok("basic.xls", NULL);
    sheet_free(&s);
    refused("filepass.xls", NULL, "contraseña");
    refused("truncated.xls", NULL, "dañado");
    if (saved) {
        setenv("TMPDIR", saved, 1);
        free(saved);
    } else {
        unsetenv("TMPDIR");
    }
    DIR *d = opendir(tmp);
    assert_non_null(d);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            files++;
    closedir(d);
    rmdir(tmp);
    assert_int_equal(files, 0);
}

/* A Matrícula-sized sheet (10,000 rows x 130 columns) is read whole in a
   child process whose peak memory stays well under 40 MiB (the file
   itself included). Not measured under the sanitizers, which multiply
   memory. */
static void a_10000_by_130_sheet_stays_under_40_mib(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct sheet *s = NULL;
        char err[256];
        int rc = sheet_read_file(path_of("big.xlsx"), NULL, &s, err, sizeof(err));
        const char *date = sheet_cell(s, 0, 2); /* serial 40003, format 14 */
        int ok = rc == 0 && s->rows == 10000 && s->cols == 130 &&
                 strcmp(sheet_cell(s, 9999, 127), "V-127") == 0 &&
                 strcmp(sheet_cell(s, 0, 0), "10000007") == 0 &&
                 strcmp(date, "2009-07-09") == 0;
        if (rc == 0 && !ok)
            fprintf(stderr, "big.xlsx: %dx%d, C1 «%s»\n", s->rows, s->cols, date);
        if (rc != 0)
            fprintf(stderr, "big.xlsx: %s\n", err);
        sheet_free(&s);
        _exit(ok ? 0 : 1);
    }
    int status;
    struct rusage ru;
    assert_int_equal(wait4(pid, &status, 0, &ru), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
#if defined(__SANITIZE_ADDRESS__)
    (void)ru;
#else
    print_message("big.xlsx: peak RSS %ld KiB\n", ru.ru_maxrss);
    assert_true(ru.ru_maxrss < 40 * 1024);
#endif
}

/* The server reads uploads while its other threads allocate (requests,
   the mail worker, the timetable runner). A reader that shared their
   memory and locks (a bare fork) could inherit a lock held at that
   instant and wait for ever: under AddressSanitizer one .xls import in
   the API suite hung for the reader's full 60 s alarm. Here two threads
   allocate without pause while .xls files are read: each read must come
   back with its cells, in seconds. */
static volatile int churning;

static void *churn(void *arg)
{
    int kind = (int)(intptr_t)arg;
    while (churning) {
        if (kind == 0) {
            void *p[64];
            for (int i = 0; i < 64; i++)
                p[i] = malloc((size_t)(16 + i * 97));
            for (int i = 0; i < 64; i++)
                free(p[i]);
        } else if (kind == 1) {
            void *h = dlopen("libgcc_s.so.1", RTLD_NOW);
            if (h != NULL)
                dlclose(h);
        } else {
            iconv_t cd = iconv_open("UTF-8", "CP1252");
            if (cd != (iconv_t)-1)
                iconv_close(cd);
        }
    }
    return NULL;
}

static void xls_reads_while_other_threads_allocate(void **state)
{
    (void)state;
    churning = 1;
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&t[i], NULL, churn, (void *)(intptr_t)i), 0);
    time_t start = time(NULL);
    for (int i = 0; i < 40; i++) {
        struct sheet *s = read_ok("basic.xls", NULL);
        CELL(s, 0, 0, "Cédula");
        sheet_free(&s);
    }
    churning = 0;
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    /* forty reads take about a second; a hung one would take the alarm's 60 */
    assert_true(time(NULL) - start < 30);
}

int main(void)
{
    dir = getenv("SHEET_FIXTURES");
    if (dir == NULL) {
        fprintf(stderr, "SHEET_FIXTURES is not set (run through ctest)\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xls_cells_read_as_text_first_sheet_only),
        cmocka_unit_test(xls_reads_while_other_threads_allocate),
        cmocka_unit_test(xlsx_from_openpyxl_inline_strings_dates_booleans_sparse_rows),
        cmocka_unit_test(xlsx_inline_and_rich_text_references_and_date_formats),
        cmocka_unit_test(xlsx_parts_in_other_encodings),
        cmocka_unit_test(xlsx_1904_date_system),
        cmocka_unit_test(xlsx_without_shared_strings),
        cmocka_unit_test(csv_windows1252_semicolons_and_utf8_bom),
        cmocka_unit_test(the_format_is_told_from_the_bytes),
        cmocka_unit_test(password_protected_files_are_refused),
        cmocka_unit_test(corrupt_files_are_refused),
        cmocka_unit_test(a_file_that_faults_inside_freexl_fails_alone),
        cmocka_unit_test(what_is_not_a_spreadsheet_is_refused),
        cmocka_unit_test(empty_sheets_and_files_are_refused),
        cmocka_unit_test(zip_bombs_are_refused_before_inflating),
        cmocka_unit_test(xml_bombs_are_refused),
        cmocka_unit_test(files_over_the_limits_are_refused_naming_the_limit),
        cmocka_unit_test(no_temporary_file_is_left_behind),
        cmocka_unit_test(a_10000_by_130_sheet_stays_under_40_mib),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
