/*
 * bischeduler init: creates a new platform (the master store, the master
 * school UEIPAB and its first platform administrator), and with --demo a
 * guest school with a school admin and a generated school of about 300
 * students enrolled through the Matrícula import (school/matricula_demo.c)
 * and a look of its own (school/branding_demo.c: colours, motto, logo).
 * Generated passwords are printed once.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/links.h"
#include "cli/cli.h"
#include "core/util.h"
#include "platform/platform.h"
#include "school/attendance_demo.h"
#include "school/branding.h"
#include "school/calendar.h"
#include "school/matricula.h"
#include "school/records.h"
#include "school/timetable_import.h"

#define DEMO_SEED 20250915u
#define DEMO_STUDENTS 300

/* Enrols the demo school's generated Matrícula through the real import,
 * and gives it a few classrooms and subjects. */
static int enrol_demo(struct store *s, const struct actor *actor)
{
    /* the demo's today: the school's, or BISCHEDULER_DEMO_TODAY (a hidden
     * option for tests: the same demo on any date they run) */
    char today[16];
    const char *fixed = getenv("BISCHEDULER_DEMO_TODAY");
    int64_t day;
    if (fixed && calendar_day_number(fixed, &day))
        calendar_date_of(day, today);
    else {
        store_lock(s);
        rec_today(s, today);
        store_unlock(s);
    }
    int month = atoi(today + 5);
    int start_year = atoi(today) - (month >= 8 ? 0 : 1);
    /* attendance (issue #16): the students were enrolled when classes
     * began (mid-September), so the weeks before today have a roster */
    char began[48];
    snprintf(began, sizeof began, "%04d-09-15", start_year);
    if (strcmp(today, began) < 0)
        str_copy(began, sizeof began, today);
    char *csv = NULL;
    size_t len = 0;
    matricula_demo_csv(DEMO_SEED, DEMO_STUDENTS, start_year, &csv, &len);
    char msg[512];
    struct sheet *sh = NULL;
    int rc = sheet_read(csv, len, NULL, &sh, msg, sizeof msg);
    free(csv);
    if (rc < 0)
        return cli_fail("cannot read the demo Matrícula: %s", msg);
    struct mat_import_options o = {.filename = "matricula-demo.csv",
                                   .today = began};
    struct mat_import_report r;
    const char *err = NULL;
    rc = matricula_import(s, sh, &o, actor, &r, msg, sizeof msg, &err);
    sheet_free(&sh);
    if (rc != MAT_IMPORT_OK) {
        int n = r.rejected;
        if (rc == MAT_IMPORT_REJECTED && r.problems.n)
            snprintf(msg, sizeof msg, "row %d: %s", r.problems.v[0].row,
                     r.problems.v[0].message);
        mat_import_report_free(&r);
        return cli_fail("cannot enrol the demo students (%d rejected): %s", n,
                        rc == MAT_IMPORT_ERROR ? (err ? err : "?") : msg);
    }
    printf("Demo school enrolled: %d students, %d representatives, %zu "
           "sections\n",
           r.created, r.representatives_created,
           json_array_size(r.sections_created));
    mat_import_report_free(&r);
    if (school_demo_seed_structure(s, actor, &err) < 0)
        return cli_fail("cannot create the demo rooms and subjects: %s", err);
    if (school_demo_seed_staff(s, actor, &err) < 0)
        return cli_fail("cannot create the demo staff: %s", err);
    /* timetables (issue #15): the UEIPAB week as the demo's set-up and its
     * active timetable */
    json_t *week = NULL;
    if (timetable_import_demo(s, actor, &week, &err) < 0)
        return cli_fail("cannot give the demo school its timetable: %s", err);
    printf("Demo school timetable: %lld lessons in %zu sections\n",
           (long long)json_integer_value(json_object_get(
               json_object_get(week, "timetable"), "lessons")),
           json_array_size(json_object_get(
               json_object_get(week, "sections"), "matched")) +
               json_array_size(json_object_get(
                   json_object_get(week, "sections"), "created")));
    json_decref(week);
    /* attendance (issue #16): the calendar's breaks and two months of
     * generated attendance before today */
    struct attendance_demo_report ar;
    if (attendance_demo_seed(s, actor, DEMO_SEED, today, &ar, &err) < 0)
        return cli_fail("cannot give the demo school its attendance: %s", err);
    if (ar.sessions)
        printf("Demo school attendance: %d school days from %s to %s, %d "
               "lists taken (%d not taken), %d absences, %d late, %d "
               "justified\n",
               ar.school_days, ar.from, ar.to, ar.sessions, ar.not_taken,
               ar.absent, ar.late, ar.justified);
    return 0;
}

/* The demo school's public URL: public_url's scheme and port on the host
 * bischeduler-demo.BASE. */
static void demo_url(const char *public_url, const char *base, char *out,
                     size_t n)
{
    const char *scheme = strncmp(public_url, "https://", 8) == 0 ? "https"
                                                                 : "http";
    const char *h = strstr(public_url, "://");
    h = h ? h + 3 : public_url;
    size_t hl = strcspn(h, "/");
    const char *colon = memchr(h, ':', hl);
    int pl = colon ? (int)(h + hl - colon) : 0;
    snprintf(out, n, "%s://bischeduler-demo.%s%.*s", scheme, base, pl,
             colon ? colon : "");
}

/* Invites the demo's teacher by mail (account_invite; queued in the demo
 * store), so a newcomer finds that mail in the outbox (DATA/outbox/,
 * written by the first `serve`) and can follow its link to choose her
 * password; the link is built on --public-url. */
static int invite_demo_teacher(struct platform *p, struct store *s,
                               const struct tenant *t, const char *base,
                               const char *public_url,
                               const struct actor *actor, char *email,
                               size_t email_n)
{
    char url[512];
    demo_url(public_url, base, url, sizeof url);
    snprintf(email, email_n, "docente@demo.%s", base);
    const char *msg = NULL, *field = NULL, *err = NULL;
    int rc = account_invite(p, s, t, false, email, "Docente Invitada de la Demo",
                            "teacher", "Docente", url, actor, NULL, &msg,
                            &field, &err);
    if (rc != TENANT_OK)
        return cli_fail("cannot invite the demo teacher: %s", msg ? msg : err);
    return 0;
}

/* Creates the guest school 'demo' and its admin; prints the password. */
static int create_demo(struct platform *p, const char *base,
                       const char *public_url, const struct actor *actor)
{
    const char *err = NULL, *msg = NULL, *field = NULL;
    struct tenant t;
    if (tenant_create(p, "demo", "Unidad Educativa Demo", actor, &t, &msg,
                      &field, &err) != TENANT_OK)
        return cli_fail("cannot create the demo school: %s", msg ? msg : err);
    struct store *s;
    char demo_pw[17], demo_email[300];
    password_generate(demo_pw);
    snprintf(demo_email, sizeof demo_email, "director@demo.%s", base);
    if (pool_acquire(p->pool, "demo", &s, &err) != POOL_OK)
        return cli_fail("cannot open the demo school: %s", err);
    int rc = user_create(p, s, false, demo_email, "Director del Plantel Demo",
                         "school_admin", demo_pw, actor, NULL, &msg, &field,
                         &err);
    char teacher[300];
    if (rc == TENANT_OK &&
        (enrol_demo(s, actor) != 0 ||
         invite_demo_teacher(p, s, &t, base, public_url, actor, teacher,
                             sizeof teacher) != 0)) {
        pool_release(p->pool, s);
        return CLI_EXIT_FAIL;
    }
    /* branding: the demo wears a look of its own (colours, motto, logo) */
    char demo_contact[300];
    snprintf(demo_contact, sizeof demo_contact, "secretaria@demo.%s", base);
    if (rc == TENANT_OK &&
        branding_demo_seed(s, actor, demo_contact, &err) < 0) {
        pool_release(p->pool, s);
        return cli_fail("cannot give the demo school its look: %s", err);
    }
    pool_release(p->pool, s);
    if (rc != TENANT_OK)
        return cli_fail("cannot create the demo school admin: %s",
                        msg ? msg : err);
    printf("Demo school: demo (Unidad Educativa Demo)\n");
    cli_out(stdout, "Demo school admin: %s\n", demo_email);
    printf("Demo school admin password (shown only now): %s\n", demo_pw);
    cli_out(stdout, "Demo teacher invited by mail: %s (the mail is in the "
                    "outbox once the server runs; its link sets her "
                    "password)\n",
            teacher);
    return 0;
}

int cli_init_run(const struct cli_command *cmd, int argc, char **argv)
{
    struct cli_args args;
    struct cli_store st = {0};
    const char *base = "localhost", *name = "UEIPAB",
               *email = "admin@ueipab.edu.ve", *pwfile = NULL,
               *public_url = NULL;
    bool demo = false;
    const struct cli_option opts[] = {
        CLI_STORE_OPTIONS(&st),
        {.name = "base-domain", .value = "D", .text = &base,
         .env = "BISCHEDULER_BASE_DOMAIN",
         .help = "host names are bischeduler[-CODE].D (default: localhost)"},
        {.name = "name", .value = "NAME", .text = &name,
         .help = "the master school's name (default: UEIPAB)"},
        {.name = "admin-email", .value = "E", .text = &email,
         .help = "platform admin email (default: admin@ueipab.edu.ve)"},
        {.name = "admin-password-file", .value = "F", .text = &pwfile,
         .help = "read the admin's password from the first line of F ('-' "
                 "for stdin); otherwise one is generated and printed once"},
        {.name = "public-url", .value = "URL", .text = &public_url,
         .env = "BISCHEDULER_PUBLIC_URL",
         .help = "the master host as users will reach it, as given to serve: "
                 "links in the mail init queues (the demo's) take its scheme "
                 "and port (default http://bischeduler.BASE:8080, serve's "
                 "default)"},
        {.name = "demo", .flag = &demo,
         .help = "also create the guest school 'demo' with a school admin "
                 "(password printed once)"},
    };
    int rc = cli_parse(cmd, opts, CLI_COUNT(opts), &st, argc, argv, &args);
    if (rc != CLI_RUN)
        return rc;
    if (strlen(base) < 1 || strlen(base) > 200 || strchr(base, '/') ||
        strchr(base, ':'))
        return cli_usage_error("init", "--base-domain must be a domain name");
    char default_url[300];
    snprintf(default_url, sizeof default_url, "http://bischeduler.%s:8080",
             base);
    if (public_url == NULL || *public_url == '\0')
        public_url = default_url;
    else if (!cli_public_url_valid(public_url, base))
        return cli_usage_error("init",
                               "--public-url must be http(s)://bischeduler.%s"
                               "[:PORT], the master host as users reach it",
                               base);

    char password[PASSWORD_MAX + 2];
    bool generated = false;
    if (pwfile) {
        if (cli_read_password_file(pwfile, password, sizeof password) < 0)
            return cli_fail("cannot read the password file %s", pwfile);
        const char *msg = password_check_policy(password);
        if (msg)
            return cli_fail("%s", msg);
    } else {
        password_generate(password);
        generated = true;
    }
    const char *err;
    struct platform_options iopt = {
        .data_dir = st.data,
        .database_url = st.database,
        .max_open_schools = 16,
        .db_pool_size = 2,
    };
    if (platform_init(&iopt, base, name, &err) < 0)
        return cli_fail("cannot create the platform in %s: %s",
                        cli_store_where(&st), err);
    struct cli_platform cp;
    if (cli_platform_open(&st, &cp, NULL))
        return CLI_EXIT_FAIL;
    const char *msg = NULL, *field = NULL;
    rc = user_create(&cp.p, &cp.p.master, false, email,
                     "Administrador de la plataforma", "platform_admin",
                     password, &cp.actor, NULL, &msg, &field, &err);
    if (rc != TENANT_OK) {
        cli_platform_close(&cp);
        return cli_fail("cannot create the platform admin: %s",
                        msg ? msg : err);
    }
    cli_out(stdout, "Platform created in %s (base domain %s).\n",
            cli_store_where(&st), base);
    cli_out(stdout, "Platform admin: %s\n", email);
    if (generated)
        printf("Platform admin password (shown only now): %s\n", password);
    rc = demo ? create_demo(&cp.p, base, public_url, &cp.actor) : 0;
    cli_platform_close(&cp);
    return rc;
}
