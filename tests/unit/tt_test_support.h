/*
 * Helpers shared by the timetabling engine's unit tests (test_tt_*.c).
 *
 * Several test files check the engine against FET's command-line program
 * (fet-cl) and read small crafted files; they all need the same few helpers:
 * whether fet-cl is installed (the test skips cleanly when it is not), a path
 * inside the test's temporary directory, writing and reading a whole file,
 * reading a FET file that must be valid, and counting rules or looking up
 * resources of an instance. Include this header after <cmocka.h>. The functions are static inline
 * so a test file that uses only some of them compiles without warnings;
 * tmpdir is the test's temporary directory, made by its group setup.
 */
#ifndef TT_TEST_SUPPORT_H
#define TT_TEST_SUPPORT_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/util.h"
#include "timetable/timetable.h"

/* The test's temporary directory (mkdtemp in the group setup). */
static char tmpdir[64] __attribute__((unused));

/* Makes tmpdir, /tmp/<test>.XXXXXX (for a group setup): 0 or -1. */
static inline int make_tmpdir(const char *test)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/%s.XXXXXX", test);
    return mkdtemp(tmpdir) ? 0 : -1;
}

/* Group teardown: removes tmpdir and what the tests left in it. */
static inline int tmpdir_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static inline bool have_fet_cl(void)
{
    if (system("command -v fet-cl >/dev/null 2>&1") == 0)
        return true;
    print_message("skipped: fet-cl is not installed\n");
    return false;
}

/* name inside tmpdir; the caller frees it. */
static inline char *tmp_path(const char *name)
{
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_addf(&sb, "%s/%s", tmpdir, name);
    return strbuf_steal(&sb);
}

static inline void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
}

/* The whole file; the caller frees it. */
static inline char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open %s", path);
    struct strbuf sb;
    strbuf_init(&sb);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
        strbuf_add(&sb, buf, n);
    fclose(fp);
    return strbuf_steal(&sb);
}

/* Runs fet-cl on input for about seconds, its output in outdir; returns
   what it printed (the caller frees it). Needs tmpdir. */
static inline char *run_fet_cl(const char *input, const char *outdir, int seconds)
{
    char *log = tmp_path("fet-cl.log");
    struct strbuf cmd;
    strbuf_init(&cmd);
    /* fet-cl does not always honour its own time limit (it spins on a
       locked timetable it can not complete), hence timeout(1) */
    strbuf_addf(&cmd,
                "timeout -k 1 %d fet-cl --inputfile='%s' --outputdir='%s' "
                "--timelimitseconds=%d >'%s' 2>&1",
                seconds + 2, input, outdir, seconds, log);
    int rc = system(cmd.data);
    (void)rc; /* the output says what happened */
    strbuf_cleanup(&cmd);
    char *text = slurp(log);
    unlink(log);
    free(log);
    return text;
}

/* True when fet-cl completes a timetable for input within about seconds. */
static inline bool fet_cl_solves(const char *input, const char *outdir, int seconds)
{
    char *text = run_fet_cl(input, outdir, seconds);
    bool ok = strstr(text, "Simulation successful") != NULL;
    free(text);
    return ok;
}

/* A FET file that must read without error. */
/* A file of the repository by its path from the root (rel), found from
   this test's own source path. */
static inline void data_path(char *out, size_t n, const char *rel)
{
    const char *file = __FILE__;
    const char *cut = strstr(file, "tests/unit/");
    int len = cut ? (int)(cut - file) : 0;
    snprintf(out, n, "%.*s%s", len, file, rel);
}

static inline struct tt_instance *read_ok(const char *path)
{
    char *err = NULL;
    struct tt_instance *inst = tt_fet_read(path, &err);
    if (!inst)
        fail_msg("%s: %s", path, err);
    return inst;
}

/* How many rules of this type the instance holds. */
static inline int count_type(const struct tt_instance *inst, enum tt_ctype type)
{
    int n = 0;
    for (int i = 0; i < inst->nconstraints; i++)
        n += inst->constraints[i].type == type;
    return n;
}

/* A resource that must exist. */
static inline int res(const struct tt_instance *inst, enum tt_kind k, const char *name)
{
    int r = tt_find_resource(inst, k, name);
    if (r < 0)
        fail_msg("resource %s missing", name);
    return r;
}

/* The slot of (day, period). */
static inline int slot(const struct tt_instance *inst, int day, int period)
{
    return day * inst->nperiods + period;
}

#endif
