/*
 * Reports made from a timetable (tt_export.h): the carga horaria (each
 * teacher's periods per subject and in total against their maximum) and
 * teacher satisfaction (the weighted share of each teacher's approved
 * preferences the timetable meets, and the school's average, which the
 * platform records daily in tenant_analytics through
 * tt_satisfaction_figure, installed by the command line).
 *
 * Both load the timetable with school_timetable_load() and count in
 * memory: a school has at most a few hundred lessons and preferences.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/util.h"
#include "school/tt_export.h"

static json_t *timetable_ref(const struct school_timetable *tt)
{
    return json_pack("{s:I,s:s,s:s}", "id", (json_int_t)tt->id, "name",
                     tt->name, "status", tt->status);
}

/* Loads timetable id (0: active) on the caller's lock. */
static int load_tt(struct store *s, int64_t id, struct school_timetable **tt_r,
                   const char **error_r)
{
    *tt_r = NULL;
    if (id == 0) {
        int found = school_timetable_active(s, &id, error_r);
        if (found <= 0)
            return found < 0 ? EXPORT_STORE_ERROR : EXPORT_NOT_FOUND;
    }
    int found = school_timetable_load(s, id, tt_r, error_r);
    return found < 0 ? EXPORT_STORE_ERROR
           : found == 0 ? EXPORT_NOT_FOUND
                        : EXPORT_OK;
}

/* ---- carga horaria ------------------------------------------------------ */

int tt_teaching_load(struct store *s, int64_t id, json_t **report_r,
                     const char **error_r)
{
    *report_r = NULL;
    if (store_begin_snapshot(s, error_r) < 0)
        return EXPORT_STORE_ERROR;
    struct school_timetable *tt = NULL;
    int rc = load_tt(s, id, &tt, error_r);
    struct db_stmt *st = NULL;
    if (rc == EXPORT_OK) {
        st = db_query(
            s->conn, error_r,
            "SELECT id, trim(first_names || ' ' || last_names), code,"
            " max_weekly_periods FROM staff"
            " WHERE (active = 1 AND cargo = 'Docente') OR id IN"
            " (SELECT staff_id FROM timetable_lessons WHERE timetable_id = ?)"
            " ORDER BY last_names, first_names, id",
            "i", tt->id);
        if (st == NULL)
            rc = EXPORT_STORE_ERROR;
    }
    json_t *teachers = json_array();
    int step = DB_DONE;
    while (rc == EXPORT_OK && (step = db_step(st, error_r)) == DB_ROW) {
        int64_t staff = db_int(st, 0);
        int64_t max = db_int(st, 3);
        const char *code = db_text_or_null(st, 2);
        json_t *subjects = json_array();
        int total = 0, unplaced = 0;
        for (int i = 0; i < tt->nlessons; i++) {
            const struct school_lesson *l = &tt->lessons[i];
            if (l->staff_id != staff)
                continue;
            total += l->length;
            if (l->day == 0)
                unplaced += l->length;
            size_t k;
            json_t *it = NULL;
            json_array_foreach(subjects, k, it)
            {
                if (json_integer_value(json_object_get(it, "subject_id")) ==
                    l->subject_id)
                    break;
                it = NULL;
            }
            if (it == NULL) {
                it = json_pack("{s:I,s:s,s:s,s:i}", "subject_id",
                               (json_int_t)l->subject_id, "subject",
                               l->subject_name, "code", l->subject_code,
                               "periods", 0);
                json_array_append_new(subjects, it);
            }
            json_object_set_new(
                it, "periods",
                json_integer(json_integer_value(json_object_get(it, "periods")) +
                             l->length));
        }
        json_array_append_new(
            teachers,
            json_pack("{s:I,s:s,s:o,s:I,s:i,s:b,s:i,s:o}", "staff_id",
                      (json_int_t)staff, "teacher", db_text(st, 1), "code",
                      code ? json_string(code) : json_null(),
                      "max_weekly_periods", (json_int_t)max, "total", total,
                      "over", max > 0 && total > max, "unplaced", unplaced,
                      "subjects", subjects));
    }
    db_finish(&st);
    if (step < 0)
        rc = EXPORT_STORE_ERROR;
    const char *end_err = NULL;
    store_end(s, true, &end_err);
    if (rc != EXPORT_OK) {
        json_decref(teachers);
        school_timetable_free(&tt);
        return rc;
    }
    int unassigned = 0;
    for (int i = 0; i < tt->nlessons; i++)
        if (tt->lessons[i].staff_id == 0)
            unassigned += tt->lessons[i].length;
    *report_r = json_pack("{s:o,s:o,s:i}", "timetable", timetable_ref(tt),
                          "teachers", teachers, "unassigned_periods",
                          unassigned);
    school_timetable_free(&tt);
    return EXPORT_OK;
}

int tt_teaching_load_csv(const json_t *report, const char *today,
                         struct export_file *out_r)
{
    memset(out_r, 0, sizeof *out_r);
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_adds(&sb,
                "docente,codigo,materia,horas,total_docente,maximo,excede\r\n");
    size_t i, k;
    json_t *t, *sub;
    json_array_foreach(json_object_get(report, "teachers"), i, t)
    {
        const char *name = json_string_value(json_object_get(t, "teacher"));
        const char *code = json_string_value(json_object_get(t, "code"));
        char total[16], max[16], hours[16];
        snprintf(total, sizeof total, "%lld",
                 (long long)json_integer_value(json_object_get(t, "total")));
        json_int_t m = json_integer_value(json_object_get(t, "max_weekly_periods"));
        snprintf(max, sizeof max, "%lld", (long long)m);
        const char *over =
            json_is_true(json_object_get(t, "over")) ? "sí" : "no";
        json_t *subjects = json_object_get(t, "subjects");
        size_t n = json_array_size(subjects);
        for (k = 0; k < (n ? n : 1); k++) {
            sub = json_array_get(subjects, k);
            snprintf(hours, sizeof hours, "%lld",
                     (long long)json_integer_value(
                         json_object_get(sub, "periods")));
            unsigned f = CSV_PUT_TEXT | CSV_PUT_CRLF;
            csv_put(&sb, name, f);
            csv_put(&sb, code ? code : "", f);
            csv_put(&sb,
                    sub ? json_string_value(json_object_get(sub, "subject"))
                        : "",
                    f);
            csv_put(&sb, sub ? hours : "0", f);
            csv_put(&sb, total, f);
            csv_put(&sb, m > 0 ? max : "", f);
            csv_put(&sb, over, f | CSV_PUT_LAST);
        }
    }
    out_r->len = sb.len;
    out_r->data = (unsigned char *)strbuf_steal(&sb);
    str_copy(out_r->today, sizeof out_r->today, today);
    return EXPORT_OK;
}

/* ---- teacher satisfaction ----------------------------------------------- */

static const char *const DAY_NAMES[8] = {"",       "lunes",  "martes",
                                         "miércoles", "jueves", "viernes",
                                         "sábado", "domingo"};

static int kind_weight(const char *kind)
{
    return strcmp(kind, "time") == 0      ? 40
           : strcmp(kind, "day") == 0     ? 30
           : strcmp(kind, "subject") == 0 ? 20
                                          : 10;
}

static const char *level_words(const char *level)
{
    return strcmp(level, "avoid") == 0     ? "Evitar"
           : strcmp(level, "dislike") == 0 ? "Preferiblemente no"
           : strcmp(level, "like") == 0    ? "Le gusta"
                                           : "Prefiere";
}

/* Whether the teacher's lessons in tt touch what the preference names. */
static bool touches(const struct school_timetable *tt, int64_t staff,
                    const char *kind, int day, int period, int64_t subject,
                    int64_t room)
{
    for (int i = 0; i < tt->nlessons; i++) {
        const struct school_lesson *l = &tt->lessons[i];
        if (l->staff_id != staff)
            continue;
        if (strcmp(kind, "time") == 0) {
            if (l->day == day && l->period <= period &&
                period < l->period + l->length)
                return true;
        } else if (strcmp(kind, "day") == 0) {
            if (l->day == day)
                return true;
        } else if (strcmp(kind, "subject") == 0) {
            if (l->subject_id == subject)
                return true;
        } else if (l->room_id == room) {
            return true;
        }
    }
    return false;
}

static double round1(double v)
{
    return round(v * 10.0) / 10.0;
}

/* Teachers' scores into *teachers_r (may be NULL) and the average.
 * Caller holds the store. */
static int satisfaction(struct store *s, const struct school_timetable *tt,
                        json_t **teachers_r, double *avg_r, int *n_r,
                        const char **error_r)
{
    *avg_r = 0;
    *n_r = 0;
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT p.id, p.staff_id, trim(st.first_names || ' ' || st.last_names),"
        " p.kind, p.day, p.period, p.subject_id, p.room_id, p.level,"
        " sb.name, r.name"
        " FROM teacher_preferences p JOIN staff st ON st.id = p.staff_id"
        " LEFT JOIN subjects sb ON sb.id = p.subject_id"
        " LEFT JOIN rooms r ON r.id = p.room_id"
        " WHERE p.status = 'approved' AND p.level <> 'neutral'"
        " ORDER BY st.last_names, st.first_names, p.staff_id, p.id",
        "");
    if (st == NULL)
        return -1;
    json_t *teachers = json_array();
    json_t *cur = NULL;
    int64_t cur_staff = 0;
    int sum_w = 0, met_w = 0, npref = 0, nmet = 0;
    double total = 0;
    int rc;
    for (;;) {
        rc = db_step(st, error_r);
        int64_t staff = rc == DB_ROW ? db_int(st, 1) : 0;
        if (cur && (rc != DB_ROW || staff != cur_staff)) {
            double score = sum_w ? 100.0 * met_w / sum_w : 0;
            json_object_set_new(cur, "score", json_real(round1(score)));
            json_object_set_new(cur, "met", json_integer(nmet));
            json_object_set_new(cur, "preferences", json_integer(npref));
            json_array_append_new(teachers, cur);
            total += score;
            (*n_r)++;
            cur = NULL;
        }
        if (rc != DB_ROW)
            break;
        if (cur == NULL) {
            cur = json_pack("{s:I,s:s,s:[]}", "staff_id", (json_int_t)staff,
                            "teacher", db_text(st, 2), "details");
            cur_staff = staff;
            sum_w = met_w = npref = nmet = 0;
        }
        const char *kind = db_text(st, 3);
        const char *level = db_text(st, 8);
        int day = (int)db_int(st, 4), period = (int)db_int(st, 5);
        bool negative =
            strcmp(level, "avoid") == 0 || strcmp(level, "dislike") == 0;
        bool hit = touches(tt, staff, kind, day, period, db_int(st, 6),
                           db_int(st, 7));
        bool met = negative ? !hit : hit;
        int w = kind_weight(kind);
        sum_w += w;
        met_w += met ? w : 0;
        npref++;
        nmet += met;
        char what[300];
        const char *dname = day >= 1 && day <= 7 ? DAY_NAMES[day] : "?";
        if (strcmp(kind, "time") == 0)
            snprintf(what, sizeof what, "el %s, %d.ª hora", dname, period);
        else if (strcmp(kind, "day") == 0)
            snprintf(what, sizeof what, "el %s", dname);
        else if (strcmp(kind, "subject") == 0)
            snprintf(what, sizeof what, "la materia %s", db_text(st, 9));
        else
            snprintf(what, sizeof what, "el aula %s", db_text(st, 10));
        char label[400];
        snprintf(label, sizeof label, "%s %s: %s", level_words(level), what,
                 met ? "cumplida" : "no cumplida");
        json_array_append_new(
            json_object_get(cur, "details"),
            json_pack("{s:I,s:s,s:s,s:i,s:b,s:s}", "id",
                      (json_int_t)db_int(st, 0), "kind", kind, "level", level,
                      "weight", w, "met", met, "label", label));
    }
    db_finish(&st);
    if (rc < 0) {
        json_decref(cur);
        json_decref(teachers);
        return -1;
    }
    *avg_r = *n_r ? total / *n_r : 0;
    if (teachers_r)
        *teachers_r = teachers;
    else
        json_decref(teachers);
    return 0;
}

int tt_teacher_satisfaction(struct store *s, int64_t id, json_t **report_r,
                            const char **error_r)
{
    *report_r = NULL;
    if (store_begin_snapshot(s, error_r) < 0)
        return EXPORT_STORE_ERROR;
    struct school_timetable *tt = NULL;
    int rc = load_tt(s, id, &tt, error_r);
    json_t *teachers = NULL;
    double avg = 0;
    int n = 0;
    if (rc == EXPORT_OK &&
        satisfaction(s, tt, &teachers, &avg, &n, error_r) < 0)
        rc = EXPORT_STORE_ERROR;
    const char *end_err = NULL;
    store_end(s, true, &end_err);
    if (rc == EXPORT_OK)
        *report_r = json_pack("{s:o,s:o,s:i,s:o}", "timetable",
                              timetable_ref(tt), "average",
                              n ? json_real(round1(avg)) : json_null(),
                              "teachers_counted", n, "teachers", teachers);
    school_timetable_free(&tt);
    return rc;
}

int tt_satisfaction_figure(struct store *s, int64_t *value_r,
                           const char **error_r)
{
    struct school_timetable *tt = NULL;
    int rc = load_tt(s, 0, &tt, error_r);
    if (rc != EXPORT_OK)
        return rc == EXPORT_NOT_FOUND ? 0 : -1;
    double avg = 0;
    int n = 0;
    rc = satisfaction(s, tt, NULL, &avg, &n, error_r);
    school_timetable_free(&tt);
    if (rc < 0)
        return -1;
    if (n == 0)
        return 0;
    *value_r = (int64_t)llround(avg);
    return 1;
}
