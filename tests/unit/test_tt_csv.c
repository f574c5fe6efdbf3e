/*
 * The timetable folder format (docs/TIMETABLE.md): the real UEIPAB folder
 * reads into the model its README describes, the school's own timetable
 * reads back onto the right slots, what we write reads back the same, and
 * every mistake a school can make in a spreadsheet is refused with a
 * Spanish message naming the file and the line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "timetable/timetable.h"
#include "tt_test_support.h"

/* tests/data/ueipab-2025 (in the repository) relative to the repository
   root, which is this file's path without tests/unit/test_tt_csv.c. */
static void ueipab_dir(char *out, size_t n)
{
    const char *file = __FILE__;
    const char *cut = strstr(file, "tests/unit/");
    int len = cut ? (int)(cut - file) : 0;
    snprintf(out, n, "%.*stests/data/ueipab-2025", len, file);
}

/* --- temp folders ------------------------------------------------------- */

static char *make_dir(void)
{
    char *dir = xstrdup("/tmp/tt_csv_XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void put(const char *dir, const char *file, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void drop(const char *dir, const char *file)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    unlink(path);
}

static void remove_dir(char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                drop(dir, e->d_name);
        closedir(d);
    }
    rmdir(dir);
    free(dir);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    struct strbuf sb;
    strbuf_init(&sb);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&sb, buf, n);
    fclose(f);
    return strbuf_steal(&sb);
}

/* A small valid folder: one section, one lesson of two double periods. */
static char *minimal_folder(void)
{
    char *dir = make_dir();
    put(dir, "periods.csv",
        "period,start,end,kind\n1,07:00,07:40,class\n2,07:40,08:20,class\n"
        ",08:20,08:40,break\n3,08:40,09:20,class\n4,09:20,10:00,class\n");
    put(dir, "sections.csv", "section,name\nA,1er año\n");
    put(dir, "subjects.csv", "subject,name\nMAT,Matemática\nBIO,Biología\n");
    put(dir, "teachers.csv", "teacher\nT1\nT2\n");
    put(dir, "lessons.csv", "section,subject,teacher,periods_per_week,blocks\nA,MAT,T1,4,2+2\n");
    return dir;
}

/* Reading must fail with a message holding every one of the substrings. */
static void expect_error(const char *dir, ...)
{
    char *err = NULL;
    struct tt_instance *inst = tt_csv_read(dir, &err);
    if (inst)
        fail_msg("%s read without error", dir);
    assert_non_null(err);
    va_list ap;
    va_start(ap, dir);
    for (const char *s; (s = va_arg(ap, const char *)) != NULL;)
        if (!strstr(err, s))
            fail_msg("message «%s» lacks «%s»", err, s);
    va_end(ap);
    free(err);
}

static const struct tt_constraint *find_con(const struct tt_instance *inst, enum tt_ctype type,
                                            int resource, int nth)
{
    for (int i = 0; i < inst->nconstraints; i++) {
        const struct tt_constraint *c = &inst->constraints[i];
        if (c->type == type && c->resource == resource && nth-- == 0)
            return c;
    }
    fail_msg("no constraint of type %d on resource %d", type, resource);
    return NULL;
}

static int res_of(const struct tt_instance *inst, enum tt_kind kind, const char *name)
{
    int r = tt_find_resource(inst, kind, name);
    if (r < 0)
        fail_msg("no resource %s", name);
    return r;
}

/* The lesson of section/subject/teacher in UEIPAB (one class each). */
static int ueipab_lesson(const struct tt_instance *inst, const char *sec, const char *subj,
                         const char *teacher)
{
    int c = res_of(inst, TT_CLASS, sec), s = tt_find_subject(inst, subj);
    int t = res_of(inst, TT_TEACHER, teacher);
    for (int l = 0; l < inst->nlessons; l++) {
        const struct tt_lesson *les = &inst->lessons[l];
        if (les->subject == s && les->nclasses == 1 && les->classes[0] == c &&
            les->nteachers == 1 && les->teachers[0] == t)
            return l;
    }
    fail_msg("no lesson %s %s %s", sec, subj, teacher);
    return -1;
}

/* Blocks of one lesson with the same length are interchangeable: a
   solution file says where a lesson's double periods are, not which is
   which. Checks that every lesson has the same (length, start, room)s. */
static void assert_same_placement(const struct tt_instance *inst, const struct tt_solution *a,
                                  const struct tt_solution *b)
{
    bool *taken = calloc((size_t)inst->nblocks, sizeof(bool));
    for (int l = 0; l < inst->nlessons; l++) {
        const struct tt_lesson *les = &inst->lessons[l];
        for (int i = 0; i < les->nblocks; i++) {
            int x = les->blocks[i];
            bool found = false;
            for (int k = 0; k < les->nblocks && !found; k++) {
                int y = les->blocks[k];
                if (!taken[y] && inst->blocks[y].length == inst->blocks[x].length &&
                    b->start[y] == a->start[x] && b->room[y] == a->room[x])
                    taken[y] = found = true;
            }
            if (!found)
                fail_msg("block %d (start %d, room %d) not read back", x, a->start[x], a->room[x]);
        }
    }
    free(taken);
}

/* --- UEIPAB ------------------------------------------------------------- */

static void test_ueipab_model(void **state)
{
    (void)state;
    char dir[1024];
    ueipab_dir(dir, sizeof(dir));
    char *err = NULL;
    struct tt_instance *inst = tt_csv_read(dir, &err);
    if (!inst)
        fail_msg("%s", err);
    assert_string_equal(inst->name, "ueipab-2025");
    assert_int_equal(inst->ndays, 5);
    assert_string_equal(inst->day_names[0], "Lunes");
    assert_int_equal(inst->nperiods, 10);
    assert_string_equal(inst->periods[0].name, "1");
    assert_int_equal(inst->periods[0].start, 7 * 60);
    assert_int_equal(inst->periods[9].end, 14 * 60 + 20);
    assert_int_equal(inst->break_after, (1u << 3) | (1u << 7));
    int nt = 0, nc = 0, nr = 0;
    for (int r = 0; r < inst->nresources; r++) {
        nt += inst->resources[r].kind == TT_TEACHER;
        nc += inst->resources[r].kind == TT_CLASS;
        nr += inst->resources[r].kind == TT_ROOM;
    }
    assert_int_equal(nc, 6);
    assert_int_equal(nt, 16);
    assert_int_equal(nr, 0);
    assert_int_equal(inst->nsubjects, 15);
    assert_int_equal(inst->nlessons, 71);
    assert_int_equal(inst->nblocks, 137);
    int periods = 0, singles = 0;
    for (int b = 0; b < inst->nblocks; b++) {
        periods += inst->blocks[b].length;
        singles += inst->blocks[b].length == 1;
        assert_int_equal(inst->blocks[b].pin_day, -1);
    }
    assert_int_equal(periods, 268);
    assert_int_equal(singles, 6);
    /* C1 S07 T08 6 2+2+2 */
    int l = ueipab_lesson(inst, "C1", "S07", "T08");
    assert_int_equal(inst->lessons[l].nblocks, 3);
    assert_false(inst->lessons[l].needs_room);
    /* subject_spread: hard, one per lesson of two or more blocks */
    assert_int_equal(count_type(inst, TT_MIN_DAYS), 52);
    for (int i = 0; i < inst->nconstraints; i++) {
        const struct tt_constraint *c = &inst->constraints[i];
        if (c->type != TT_MIN_DAYS)
            continue;
        assert_true(c->hard);
        assert_int_equal(c->n, 1);
        assert_true(c->nitems >= 2);
        int les = inst->blocks[c->items[0]].lesson;
        assert_int_equal(c->nitems, inst->lessons[les].nblocks);
    }
    /* gaps: one per teacher (10) and per class (100), no idle period asked */
    assert_int_equal(count_type(inst, TT_MAX_GAPS_WEEK), 22);
    const struct tt_constraint *g =
        find_con(inst, TT_MAX_GAPS_WEEK, res_of(inst, TT_TEACHER, "T05"), 0);
    assert_false(g->hard);
    assert_int_equal(g->weight, 10);
    assert_int_equal(g->n, 0);
    g = find_con(inst, TT_MAX_GAPS_WEEK, res_of(inst, TT_CLASS, "C4"), 0);
    assert_false(g->hard);
    assert_int_equal(g->weight, 100);
    assert_int_equal(inst->nconstraints, 52 + 22);
    tt_instance_free(&inst);
    assert_null(inst);
}

static void test_ueipab_solution(void **state)
{
    (void)state;
    char dir[1024], path[1100];
    ueipab_dir(dir, sizeof(dir));
    char *err = NULL;
    struct tt_instance *inst = tt_csv_read(dir, &err);
    if (!inst)
        fail_msg("%s", err);
    struct tt_solution *sol = tt_solution_new(inst);
    snprintf(path, sizeof(path), "%s/solution.csv", dir);
    if (tt_csv_read_solution(inst, path, sol, &err) < 0)
        fail_msg("%s", err);
    for (int b = 0; b < inst->nblocks; b++)
        if (sol->start[b] < 0)
            fail_msg("block %d unplaced", b);
    /* C1,2,9,1,S13,T11 then C1,4,9,1,S13,T11: Tuesday and Thursday, 9th */
    int l = ueipab_lesson(inst, "C1", "S13", "T11");
    assert_int_equal(sol->start[inst->lessons[l].blocks[0]], 1 * 10 + 8);
    assert_int_equal(sol->start[inst->lessons[l].blocks[1]], 3 * 10 + 8);
    /* C6,5,9,2,S07,T08: the second block of C6 S07 (the first is C6,3,3) */
    l = ueipab_lesson(inst, "C6", "S07", "T08");
    assert_int_equal(sol->start[inst->lessons[l].blocks[0]], 2 * 10 + 2);
    assert_int_equal(sol->start[inst->lessons[l].blocks[1]], 4 * 10 + 8);
    assert_int_equal(sol->room[inst->lessons[l].blocks[1]], -1);

    /* what we write reads back the same */
    char *tmp = make_dir();
    snprintf(path, sizeof(path), "%s/out.csv", tmp);
    if (tt_csv_write_solution(inst, sol, path, &err) < 0)
        fail_msg("%s", err);
    char *text = read_text(path);
    assert_true(strncmp(text,
                        "section,day,period,length,subject,teacher,room\n"
                        "C1,1,1,2,S12,T01,\nC1,1,3,2,S11,T05,\n",
                        83) == 0);
    int lines = 0;
    for (char *p = text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + 137);
    free(text);
    struct tt_solution *back = tt_solution_new(inst);
    if (tt_csv_read_solution(inst, path, back, &err) < 0)
        fail_msg("%s", err);
    assert_memory_equal(back->start, sol->start, (size_t)inst->nblocks * sizeof(int));
    tt_solution_free(&back);

    /* JSON: 137 blocks with the times of the bell schedule */
    snprintf(path, sizeof(path), "%s/out.json", tmp);
    if (tt_json_write_solution(inst, sol, path, &err) < 0)
        fail_msg("%s", err);
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);
    if (!j)
        fail_msg("not JSON: %s", jerr.text);
    assert_string_equal(json_string_value(json_object_get(j, "instance")), "ueipab-2025");
    json_t *blocks = json_object_get(j, "blocks");
    assert_int_equal(json_array_size(blocks), 137);
    /* sorted by section, day, period: the first is C1 Monday 1st */
    json_t *b0 = json_array_get(blocks, 0);
    assert_string_equal(json_string_value(json_object_get(b0, "section")), "C1");
    assert_string_equal(json_string_value(json_array_get(json_object_get(b0, "sections"), 0)),
                        "C1");
    assert_string_equal(json_string_value(json_object_get(b0, "subject")), "S12");
    assert_string_equal(json_string_value(json_array_get(json_object_get(b0, "teachers"), 0)),
                        "T01");
    assert_int_equal(json_integer_value(json_object_get(b0, "day")), 1);
    assert_string_equal(json_string_value(json_object_get(b0, "day_name")), "Lunes");
    assert_string_equal(json_string_value(json_object_get(b0, "period")), "1");
    assert_string_equal(json_string_value(json_object_get(b0, "start")), "07:00");
    assert_string_equal(json_string_value(json_object_get(b0, "end")), "08:20");
    assert_int_equal(json_integer_value(json_object_get(b0, "length")), 2);
    assert_true(json_is_null(json_object_get(b0, "room")));
    json_decref(j);
    /* no temporary file is left behind */
    snprintf(path, sizeof(path), "%s/out.json.tmp", tmp);
    assert_int_not_equal(access(path, F_OK), 0);

    /* an unplaced block is written with day null and left out of the CSV */
    int b = inst->lessons[l].blocks[1];
    sol->start[b] = -1;
    snprintf(path, sizeof(path), "%s/out.json", tmp);
    assert_int_equal(tt_json_write_solution(inst, sol, path, &err), 0);
    j = json_load_file(path, 0, &jerr);
    assert_non_null(j);
    int nulls = 0;
    json_t *v;
    size_t i;
    json_array_foreach(json_object_get(j, "blocks"), i, v) {
        nulls += json_is_null(json_object_get(v, "day"));
    }
    assert_int_equal(nulls, 1);
    json_decref(j);
    snprintf(path, sizeof(path), "%s/out.csv", tmp);
    assert_int_equal(tt_csv_write_solution(inst, sol, path, &err), 0);
    back = tt_solution_new(inst);
    assert_int_equal(tt_csv_read_solution(inst, path, back, &err), 0);
    assert_int_equal(back->start[b], -1);
    assert_memory_equal(back->start, sol->start, (size_t)inst->nblocks * sizeof(int));
    tt_solution_free(&back);
    remove_dir(tmp);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
}

/* --- mistakes ------------------------------------------------------------- */

static void test_missing_required_file(void **state)
{
    (void)state;
    char *dir = minimal_folder();
    char *err = NULL;
    struct tt_instance *inst = tt_csv_read(dir, &err);
    if (!inst)
        fail_msg("minimal folder: %s", err);
    tt_instance_free(&inst);
    drop(dir, "lessons.csv");
    expect_error(dir, "Falta el archivo obligatorio lessons.csv", NULL);
    remove_dir(dir);
    expect_error("/nonexistent/tt", "no existe", NULL);
}

static void test_unknown_teacher(void **state)
{
    (void)state;
    char *dir = minimal_folder();
    put(dir, "lessons.csv",
        "section,subject,teacher,periods_per_week,blocks\nA,MAT,T1,4,2+2\n\nA,BIO,T99,2,2\n");
    /* the empty line still counts */
    expect_error(dir, "lessons.csv, línea 4: ", "«T99»", "teachers.csv", NULL);
    put(dir, "lessons.csv", "section,subject,teacher,periods_per_week,blocks\nA,MAT,T1+,4,2+2\n");
    expect_error(dir, "lessons.csv, línea 2: ", "elemento vacío", NULL);
    put(dir, "lessons.csv", "section,subject,teacher,periods_per_week,blocks\nB,MAT,T1,4,2+2\n");
    expect_error(dir, "lessons.csv, línea 2: ", "«B»", "sections.csv", NULL);
    remove_dir(dir);
}

static void test_blocks_must_sum(void **state)
{
    (void)state;
    char *dir = minimal_folder();
    put(dir, "lessons.csv", "section,subject,teacher,periods_per_week,blocks\nA,MAT,T1,4,2+1\n");
    expect_error(dir, "lessons.csv, línea 2: ", "«2+1»", "suman 3", "es 4", NULL);
    put(dir, "lessons.csv", "section,subject,teacher,periods_per_week,blocks\nA,MAT,T1,5,5\n");
    expect_error(dir, "lessons.csv, línea 2: ", "entre 1 y 4", NULL);
    remove_dir(dir);
}

static void test_unknown_column(void **state)
{
    (void)state;
    char *dir = minimal_folder();
    put(dir, "lessons.csv", "section,subject,techer,periods_per_week,blocks\nA,MAT,T1,4,2+2\n");
    expect_error(dir, "lessons.csv, línea 1: ", "«techer»", NULL);
    put(dir, "lessons.csv", "section,subject,periods_per_week,blocks\nA,MAT,4,2+2\n");
    expect_error(dir, "lessons.csv, línea 1: ", "falta la columna obligatoria «teacher»", NULL);
    put(dir, "lessons.csv",
        "section,subject,teacher,periods_per_week,blocks\nA,MAT,T1,4,2+2,extra\n");
    expect_error(dir, "lessons.csv, línea 2: ", "más campos", NULL);
    remove_dir(dir);
}

static void test_unknown_rule(void **state)
{
    (void)state;
    char *dir = minimal_folder();
    put(dir, "rules.csv", "rule,value,weight\nteacher_gaps,,5\nno_such_rule,,hard\n");
    expect_error(dir, "rules.csv, línea 3: ", "«no_such_rule»", NULL);
    put(dir, "rules.csv", "rule,value,weight\nteacher_gaps,,-5\n");
    expect_error(dir, "rules.csv, línea 2: ", "«-5»", NULL);
    put(dir, "rules.csv", "rule,value,weight\nsubject_max_per_day,,5\n");
    expect_error(dir, "rules.csv, línea 2: ", "necesita un valor", NULL);
    remove_dir(dir);
}

static void test_limits(void **state)
{
    (void)state;
    char *dir = minimal_folder();
    char name[202];
    memset(name, 'x', 200);
    name[200] = '\0';
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_addf(&sb, "subject,name\nMAT,%s\n", name);
    put(dir, "subjects.csv", sb.data);
    char *err = NULL;
    struct tt_instance *inst = tt_csv_read(dir, &err);
    if (!inst)
        fail_msg("200 bytes refused: %s", err);
    tt_instance_free(&inst);
    strbuf_cleanup(&sb);
    strbuf_addf(&sb, "subject,name\nMAT,\"%sx\"\n", name);
    put(dir, "subjects.csv", sb.data);
    expect_error(dir, "subjects.csv, línea 2: ", "«name»", "200 bytes", NULL);
    strbuf_cleanup(&sb);
    put(dir, "subjects.csv", "subject\nMAT\n");

    /* 20,000 rows, not one more */
    strbuf_adds(&sb, "teacher\n");
    for (int i = 0; i < 20001; i++)
        strbuf_addf(&sb, "T%d\n", i);
    put(dir, "teachers.csv", sb.data);
    expect_error(dir, "teachers.csv, línea 20002: ", "20000 filas", NULL);
    strbuf_cleanup(&sb);

    /* 4 MiB */
    strbuf_adds(&sb, "teacher,name\n");
    while (sb.len <= 4 * 1024 * 1024)
        strbuf_adds(&sb, "T1,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
    put(dir, "teachers.csv", sb.data);
    expect_error(dir, "teachers.csv", "4 MiB", NULL);
    strbuf_cleanup(&sb);
    remove_dir(dir);
}

static void test_bad_csv(void **state)
{
    (void)state;
    char *dir = minimal_folder();
    put(dir, "teachers.csv", "teacher\nT1\n\"T2\n");
    expect_error(dir, "teachers.csv, línea 3: ", "comillas sin cerrar", NULL);
    put(dir, "teachers.csv", "teacher\nT1\nT\xff\n");
    expect_error(dir, "teachers.csv, línea 3: ", "UTF-8", NULL);
    put(dir, "teachers.csv", "teacher\nT1\nT1\n");
    expect_error(dir, "teachers.csv, línea 3: ", "repetido", NULL);
    put(dir, "teachers.csv", "");
    expect_error(dir, "teachers.csv", "vacío", NULL);
    put(dir, "teachers.csv", "teacher\nT1\nT2\n");
    put(dir, "periods.csv", "period,start,end\n1,07:00,07:40\n3,07:40,08:20\n");
    expect_error(dir, "periods.csv, línea 3: ", "se esperaba 2", NULL);
    put(dir, "periods.csv", "period,start,end\n1,07:00,7h40\n");
    expect_error(dir, "periods.csv, línea 2: ", "HH:MM", NULL);
    remove_dir(dir);
}

static void test_solution_mistakes(void **state)
{
    (void)state;
    char *dir = minimal_folder();
    char *err = NULL, path[512];
    struct tt_instance *inst = tt_csv_read(dir, &err);
    if (!inst)
        fail_msg("%s", err);
    struct tt_solution *sol = tt_solution_new(inst);
    snprintf(path, sizeof(path), "%s/solution.csv", dir);
    static const struct {
        const char *rows, *want;
    } cases[] = {
        {"A,1,1,2,BIO,T1\n", "solution.csv, línea 2: no hay ninguna clase"},
        {"A,1,1,2,MAT,T1\nA,2,1,2,MAT,T1\nA,3,1,2,MAT,T1\n",
         "solution.csv, línea 4: hay más filas"},
        {"A,1,1,1,MAT,T1\n", "solution.csv, línea 2: la clase de «A» con la materia «MAT» y el "
                             "docente «T1» no tiene bloques de 1"},
        {"A,1,4,2,MAT,T1\n", "solution.csv, línea 2: un bloque de 2 períodos que empieza en el "
                             "período «4» pasa del final"},
        {"A,6,1,2,MAT,T1\n", "solution.csv, línea 2: el día «6»"},
        {"A,1,9,2,MAT,T1\n", "solution.csv, línea 2: el período «9»"},
        {"Z,1,1,2,MAT,T1\n", "solution.csv, línea 2: la sección «Z»"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct strbuf sb;
        strbuf_init(&sb);
        strbuf_addf(&sb, "section,day,period,length,subject,teacher\n%s", cases[i].rows);
        put(dir, "solution.csv", sb.data);
        strbuf_cleanup(&sb);
        err = NULL;
        assert_int_equal(tt_csv_read_solution(inst, path, sol, &err), -1);
        assert_non_null(err);
        if (!strstr(err, cases[i].want))
            fail_msg("message «%s» lacks «%s»", err, cases[i].want);
        free(err);
    }
    /* a block never mentioned stays unplaced */
    put(dir, "solution.csv", "section,day,period,length,subject,teacher\nA,2,3,2,MAT,T1\n");
    assert_int_equal(tt_csv_read_solution(inst, path, sol, &err), 0);
    assert_int_equal(sol->start[0], 4 + 2);
    assert_int_equal(sol->start[1], -1);
    tt_solution_free(&sol);
    tt_instance_free(&inst);
    remove_dir(dir);
}

/* --- every optional file -------------------------------------------------- */

static void test_full_folder(void **state)
{
    (void)state;
    char *dir = make_dir();
    put(dir, "periods.csv",
        "period,start,end,kind\n,06:50,07:00,break\n1,07:00,07:40,class\n2,07:40,08:20,class\n"
        ",08:20,08:40,break\n3,08:40,09:20,class\n4,09:20,10:00,class\n,10:00,10:20,break\n"
        "5,10:20,11:00,class\n6,11:00,11:40,class\n,11:40,12:00,break\n");
    put(dir, "days.csv", "day,name\n1,Lun\n2,Mar\n3,\n");
    put(dir, "rooms.csv",
        "room,name,capacity,type\nR1,Aula 1,30,\nR2,Aula 2,20,\nLAB,Laboratorio,25,laboratorio\n");
    put(dir, "sections.csv",
        "section,name,students,parent,room\n1A,Primero A,30,,R1\n2A,Segundo,,,\n"
        "2A-1,Grupo 1,15,2A,R2\n2A-2,Grupo 2,14,2A,\n");
    put(dir, "subjects.csv", "subject,name\nMAT,Matemática\nBIO,Biología\nEF,Educación física\n");
    /* a spreadsheet's export: BOM, CRLF, quotes, a blank row */
    put(dir, "teachers.csv",
        "\xEF\xBB\xBFteacher,name,max_periods_per_day,max_days_per_week,max_gaps_per_day\r\n"
        "T1,\"Pérez, Ana \"\"la profe\"\"\",4,,\r\n,,,,\r\nT2, Luis ,,2,1\r\nT3,,,,\r\n");
    put(dir, "lessons.csv",
        "room_type,section,subject,teacher,periods_per_week,blocks,room\n"
        ",1A,MAT,T1,4,2+2,\n"              /* 0: home room R1 */
        ",2A,MAT,T1,2,2,\n"                /* 1: both subgroups, no home room */
        "laboratorio,2A-1,BIO,T2,3,2+1,\n" /* 2: room type */
        ",2A-2,BIO,T3+T2,2,1+1,LAB\n"      /* 3: team teaching in LAB */
        ",1A+2A,EF,,2,2,\n"                /* 4: no teacher, three classes */
        ",2A-1,EF,T3,1,1,\n"               /* 5: the subgroup's home room R2 */
        ",2A-2,EF,T3,1,1,\n");             /* 6: no home room */
    put(dir, "pins.csv",
        "section,subject,block,teacher,day,period,room\n1A,MAT,2,,3,1,R1\n"
        "2A-2,BIO,1,T2+T3,1,,\n");
    put(dir, "unavailable.csv",
        "kind,name,day,period\nteacher,T1,1,1\nteacher,T1,2,\nsection,2A,3,6\nroom,LAB,,1\n");
    put(dir, "preferences.csv",
        "teacher,kind,day,period,subject,room,level\nT1,time,1,2,,,avoid\nT2,day,3,,,,prefer\n"
        "T3,subject,,,EF,,like\nT3,room,,,,LAB,dislike\n");
    put(dir, "rules.csv",
        "rule,value,weight\nteacher_gaps,1,7\nclass_gaps,,hard\nsubject_spread,,30\n"
        "subject_max_per_day,1,20\nteacher_limits,,hard\nteacher_preferences,,3\n"
        "room_stability,,off\n");
    char *err = NULL;
    struct tt_instance *inst = tt_csv_read(dir, &err);
    if (!inst)
        fail_msg("%s", err);

    assert_int_equal(inst->ndays, 3);
    assert_string_equal(inst->day_names[0], "Lun");
    assert_string_equal(inst->day_names[2], "Miércoles");
    assert_int_equal(inst->nperiods, 6);
    assert_int_equal(inst->break_after, (1u << 1) | (1u << 3));

    int r1 = res_of(inst, TT_ROOM, "R1"), r2 = res_of(inst, TT_ROOM, "R2");
    int lab = res_of(inst, TT_ROOM, "LAB");
    assert_int_equal(inst->resources[r1].capacity, 30);
    assert_null(inst->resources[r1].room_type);
    assert_string_equal(inst->resources[lab].room_type, "laboratorio");
    int c1a = res_of(inst, TT_CLASS, "1A"), g1 = res_of(inst, TT_CLASS, "2A-1");
    int g2 = res_of(inst, TT_CLASS, "2A-2");
    assert_int_equal(tt_find_resource(inst, TT_CLASS, "2A"), -1);
    assert_null(inst->resources[c1a].group);
    assert_string_equal(inst->resources[g1].group, "2A");
    assert_string_equal(inst->resources[g2].group, "2A");
    assert_int_equal(inst->resources[g1].capacity, 15);
    int t1 = res_of(inst, TT_TEACHER, "T1"), t2 = res_of(inst, TT_TEACHER, "T2");
    int t3 = res_of(inst, TT_TEACHER, "T3");

    assert_int_equal(inst->nlessons, 7);
    const struct tt_lesson *L = inst->lessons;
    assert_true(L[0].needs_room);
    assert_int_equal(L[0].nrooms, 1);
    assert_int_equal(L[0].rooms[0], r1);
    assert_int_equal(L[0].students, 30);
    assert_int_equal(L[1].nclasses, 2);
    assert_false(L[1].needs_room);
    assert_int_equal(L[1].students, 29);
    assert_true(L[2].needs_room);
    assert_string_equal(L[2].room_type, "laboratorio");
    assert_int_equal(L[2].nrooms, 0);
    assert_int_equal(L[3].nteachers, 2);
    assert_int_equal(L[3].nrooms, 1);
    assert_int_equal(L[3].rooms[0], lab);
    assert_int_equal(L[4].nteachers, 0);
    assert_int_equal(L[4].nclasses, 3);
    assert_int_equal(L[4].students, 59);
    assert_false(L[4].needs_room);
    assert_int_equal(L[5].rooms[0], r2);
    assert_false(L[6].needs_room);

    /* pins */
    const struct tt_block *pb = &inst->blocks[L[0].blocks[1]];
    assert_int_equal(pb->pin_day, 2);
    assert_int_equal(pb->pin_period, 0);
    assert_int_equal(pb->pin_room, r1);
    pb = &inst->blocks[L[3].blocks[0]];
    assert_int_equal(pb->pin_day, 0);
    assert_int_equal(pb->pin_period, -1);
    assert_int_equal(pb->pin_room, -1);
    assert_int_equal(inst->blocks[L[0].blocks[0]].pin_day, -1);

    /* teachers.csv limits, hard by rules.csv */
    assert_int_equal(count_type(inst, TT_MAX_PERIODS_DAY), 1);
    const struct tt_constraint *c = find_con(inst, TT_MAX_PERIODS_DAY, t1, 0);
    assert_true(c->hard);
    assert_int_equal(c->n, 4);
    assert_int_equal(find_con(inst, TT_MAX_DAYS_WEEK, t2, 0)->n, 2);
    assert_int_equal(find_con(inst, TT_MAX_GAPS_DAY, t2, 0)->n, 1);

    /* unavailability: one per resource */
    assert_int_equal(count_type(inst, TT_UNAVAILABLE), 4);
    c = find_con(inst, TT_UNAVAILABLE, t1, 0);
    assert_true(c->hard);
    assert_string_equal(c->origin, "unavailable.csv");
    assert_int_equal(c->slots[0], 1);
    assert_int_equal(c->slots[1], 0x3f);
    assert_int_equal(c->slots[2], 0);
    assert_int_equal(find_con(inst, TT_UNAVAILABLE, g1, 0)->slots[2], 1u << 5);
    assert_int_equal(find_con(inst, TT_UNAVAILABLE, g2, 0)->slots[2], 1u << 5);
    c = find_con(inst, TT_UNAVAILABLE, lab, 0);
    for (int d = 0; d < 3; d++)
        assert_int_equal(c->slots[d], 1);

    /* preferences, weight of teacher_preferences */
    assert_int_equal(count_type(inst, TT_PREFERENCE), 4);
    c = find_con(inst, TT_PREFERENCE, t1, 0);
    assert_false(c->hard);
    assert_int_equal(c->weight, 3);
    assert_int_equal(c->pref_kind, TT_PREF_TIME);
    assert_int_equal(c->level, TT_AVOID);
    assert_int_equal(c->slots[0], 1u << 1);
    c = find_con(inst, TT_PREFERENCE, t2, 0);
    assert_int_equal(c->pref_kind, TT_PREF_DAY);
    assert_int_equal(c->level, TT_PREFER);
    assert_int_equal(c->slots[2], 0x3f);
    c = find_con(inst, TT_PREFERENCE, t3, 0);
    assert_int_equal(c->pref_kind, TT_PREF_SUBJECT);
    assert_int_equal(c->level, TT_LIKE);
    assert_int_equal(c->subject, tt_find_subject(inst, "EF"));
    c = find_con(inst, TT_PREFERENCE, t3, 1);
    assert_int_equal(c->pref_kind, TT_PREF_ROOM);
    assert_int_equal(c->level, TT_DISLIKE);
    assert_int_equal(c->nrooms, 1);
    assert_int_equal(c->rooms[0], lab);

    /* rules */
    assert_int_equal(count_type(inst, TT_MIN_DAYS), 3);
    for (int i = 0; i < inst->nconstraints; i++) {
        c = &inst->constraints[i];
        if (c->type == TT_MIN_DAYS) {
            assert_false(c->hard);
            assert_int_equal(c->weight, 30);
        } else if (c->type == TT_MAX_GAPS_WEEK) {
            bool teacher = inst->resources[c->resource].kind == TT_TEACHER;
            assert_int_equal(c->hard, !teacher);
            assert_int_equal(c->n, teacher ? 1 : 0);
            if (teacher)
                assert_int_equal(c->weight, 7);
        }
    }
    assert_int_equal(count_type(inst, TT_MAX_GAPS_WEEK), 3 + 3);
    /* (class, subject) pairs; n is at least the longest block */
    assert_int_equal(count_type(inst, TT_SUBJECT_MAX_DAY), 8);
    for (int i = 0; i < inst->nconstraints; i++) {
        c = &inst->constraints[i];
        if (c->type != TT_SUBJECT_MAX_DAY)
            continue;
        bool single = c->resource == g2 && c->subject == tt_find_subject(inst, "BIO");
        assert_int_equal(c->n, single ? 1 : 2);
        assert_int_equal(c->weight, 20);
    }
    assert_int_equal(count_type(inst, TT_ROOM_STABILITY), 0);

    /* output names sections the way lessons.csv did */
    struct tt_solution *sol = tt_solution_new(inst);
    for (int b = 0; b < inst->nblocks; b++)
        sol->start[b] = (b % 3) * 6 + (b % 2) * 2;
    sol->room[L[3].blocks[1]] = lab;
    char path[512];
    snprintf(path, sizeof(path), "%s/sol.csv", dir);
    if (tt_csv_write_solution(inst, sol, path, &err) < 0)
        fail_msg("%s", err);
    char *text = read_text(path);
    if (!strstr(text, "\n1A+2A,") || !strstr(text, "\n2A,") || !strstr(text, ",BIO,T3+T2,LAB\n"))
        fail_msg("unexpected CSV:\n%s", text);
    free(text);
    struct tt_solution *back = tt_solution_new(inst);
    if (tt_csv_read_solution(inst, path, back, &err) < 0)
        fail_msg("%s", err);
    assert_same_placement(inst, sol, back);
    tt_solution_free(&back);
    snprintf(path, sizeof(path), "%s/sol.json", dir);
    assert_int_equal(tt_json_write_solution(inst, sol, path, &err), 0);
    json_t *j = json_load_file(path, 0, NULL);
    assert_non_null(j);
    json_t *v;
    size_t i;
    int seen = 0;
    json_array_foreach(json_object_get(j, "blocks"), i, v) {
        if (strcmp(json_string_value(json_object_get(v, "subject")), "EF") != 0 ||
            json_array_size(json_object_get(v, "sections")) != 2)
            continue;
        seen++;
        json_t *s = json_object_get(v, "sections");
        assert_string_equal(json_string_value(json_array_get(s, 0)), "1A");
        assert_string_equal(json_string_value(json_array_get(s, 1)), "2A");
        assert_int_equal(json_array_size(json_object_get(v, "teachers")), 0);
    }
    assert_int_equal(seen, 1);
    json_decref(j);
    tt_solution_free(&sol);
    tt_instance_free(&inst);

    /* mistakes in the optional files */
    put(dir, "pins.csv", "section,subject,block,day\n2A-2,EF,2,1\n");
    expect_error(dir, "pins.csv, línea 2: ", "bloque «2» no existe", NULL);
    put(dir, "pins.csv", "section,subject,block,day\n2A-2,BIO,1,1\n2A-2,BIO,1,2\n");
    expect_error(dir, "pins.csv, línea 3: ", "línea 2", NULL);
    put(dir, "pins.csv", "section,subject,block,room\n2A-2,EF,1,R1\n");
    expect_error(dir, "pins.csv, línea 2: ", "no usa aula", NULL);
    drop(dir, "pins.csv");
    put(dir, "unavailable.csv", "kind,name,day,period\nstudent,T1,1,1\n");
    expect_error(dir, "unavailable.csv, línea 2: ", "«student»", NULL);
    put(dir, "unavailable.csv", "kind,name,day,period\nteacher,T1,4,1\n");
    expect_error(dir, "unavailable.csv, línea 2: ", "el día «4»", NULL);
    drop(dir, "unavailable.csv");
    put(dir, "preferences.csv", "teacher,kind,level,day\nT1,day,love,1\n");
    expect_error(dir, "preferences.csv, línea 2: ", "«love»", NULL);
    put(dir, "preferences.csv", "teacher,kind,level,day\nT1,subject,like,1\n");
    expect_error(dir, "preferences.csv, línea 2: ", "subject", NULL);
    drop(dir, "preferences.csv");
    put(dir, "sections.csv", "section,parent\n1A,\n2A,1A\n2A-1,2A\n");
    expect_error(dir, "sections.csv, línea 4: ", "un nivel", NULL);
    put(dir, "sections.csv", "section,room\n1A,R9\n");
    expect_error(dir, "sections.csv, línea 2: ", "«R9»", "rooms.csv", NULL);
    remove_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ueipab_model),
        cmocka_unit_test(test_ueipab_solution),
        cmocka_unit_test(test_missing_required_file),
        cmocka_unit_test(test_unknown_teacher),
        cmocka_unit_test(test_blocks_must_sum),
        cmocka_unit_test(test_unknown_column),
        cmocka_unit_test(test_unknown_rule),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_bad_csv),
        cmocka_unit_test(test_solution_mistakes),
        cmocka_unit_test(test_full_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
