/*
 * The school year's calendar (issue #16, part `calendar`): GET
 * /api/v1/calendar (the year, its non-school days and its school days by
 * month; school admins, teachers and parents), POST /api/v1/calendar/days
 * (a holiday, break or closure over a range of dates), DELETE
 * /api/v1/calendar/days/{id} (one day becomes a school day again) and POST
 * /api/v1/calendar/holidays (the national holidays that are missing, back).
 * Every write answers with the calendar as it now stands, so the page
 * redraws from the reply. The rules and the SQL are in
 * src/school/calendar_edit.c (the school-day rule itself in calendar.c).
 */
#include <stdlib.h>
#include <string.h>

#include "http/h_records.h"
#include "school/calendar.h"

static const char year_not_found[] = "Año escolar no encontrado.";
static const char no_current_year[] =
    "El plantel aún no tiene un año escolar actual: créelo en Estructura.";
static const char day_not_found[] = "Ese día no está en el calendario.";
static const char year_id_message[] = "year_id debe ser el id de un año escolar.";

/* The optional ?year_id= (0 when absent); false after a 422. */
static bool query_year(struct request *r, int64_t *year_r)
{
    *year_r = 0;
    const char *q = request_query(r, "year_id");
    if (q == NULL || *q == '\0')
        return true;
    char *end = NULL;
    long long v = strtoll(q, &end, 10);
    if (*end != '\0' || v <= 0 || q[0] < '1' || q[0] > '9') {
        reply_invalid(r, "year_id", year_id_message);
        return false;
    }
    *year_r = v;
    return true;
}

/* The optional "year_id" member (0 when absent); a finding if bad. */
static int64_t body_year(struct request *r, struct field_errors *fe)
{
    json_t *v = json_object_get(r->json, "year_id");
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
        field_error(fe, "year_id", year_id_message);
        return 0;
    }
    return json_integer_value(v);
}

/* Replies `status` with the calendar of `year_id` (0: the current year),
 * with `extra` (taken, may be NULL) merged in: {added, calendar}. */
static void reply_calendar(struct request *r, unsigned status, int64_t year_id, json_t *extra)
{
    const char *err = NULL;
    json_t *cal = NULL;
    int rc = calendar_json(r->school, year_id, &cal, &err);
    if (rc == REC_NOT_FOUND) {
        json_decref(extra);
        reply_err_msg(r, ERR_NOT_FOUND, year_id ? year_not_found : no_current_year);
        return;
    }
    if (rc != REC_OK) {
        json_decref(extra);
        reply_store_error(r, err);
        return;
    }
    if (extra) {
        json_object_set_new(extra, "calendar", cal);
        cal = extra;
    }
    reply_json(r, status, cal);
}

void h_calendar_get(struct request *r)
{
    int64_t year;
    if (!query_year(r, &year))
        return;
    reply_calendar(r, 200, year, NULL);
}

void h_calendar_days_add(struct request *r)
{
    static const char *const kinds[] = {"feriado", "vacaciones", "cierre", "otro", NULL};
    char from[11] = "", to[11] = "", kind[16] = "", name[101] = "";
    const struct field f[] = {
        {.key = "from", .required = true, .max_len = 10,
         .message = "Indique la fecha de inicio (AAAA-MM-DD).", .check = records_check_date,
         .text = from, .text_size = sizeof from},
        {.key = "to", .max_len = 10, .message = "Indique la fecha final (AAAA-MM-DD).",
         .check = records_check_date, .text = to, .text_size = sizeof to},
        {.key = "kind", .type = FIELD_ENUM, .required = true, .choices = kinds,
         .message = "Indique el tipo de día: feriado, vacaciones, cierre u otro.", .text = kind,
         .text_size = sizeof kind},
        {.key = "name", .required = true, .min_len = 1, .max_len = 100,
         .message = "Indique el nombre (hasta 100 caracteres), como «Vacaciones de Navidad».",
         .text = name, .text_size = sizeof name},
    };
    struct field_errors fe = {0};
    fields_parse(r->json, f, sizeof f / sizeof f[0], &fe);
    if (from[0] && to[0] && strcmp(to, from) < 0)
        field_error(&fe, "to", "La fecha final debe ser igual o posterior a la de inicio.");
    int64_t year = body_year(r, &fe);
    if (fields_reply(r, &fe) < 0)
        return;
    struct actor actor;
    request_actor(r, &actor);
    struct rec_errors errs = {0};
    const char *err = NULL;
    int added = 0;
    int rc = calendar_add_days(r->school, &actor, year, from, to, kind, name, &errs, &added,
                               &err);
    if (rc != REC_OK) {
        records_reply(r, rc, &errs, err, year_not_found, 201, NULL);
        return;
    }
    reply_calendar(r, 201, year, json_pack("{s:i}", "added", added));
}

void h_calendar_days_delete(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, day_not_found))
        return;
    struct actor actor;
    request_actor(r, &actor);
    const char *err = NULL;
    int64_t year = 0;
    int rc = calendar_remove_day(r->school, &actor, id, &year, &err);
    if (rc != REC_OK) {
        records_reply(r, rc, &(struct rec_errors){0}, err, day_not_found, 200, NULL);
        return;
    }
    reply_calendar(r, 200, year, NULL);
}

void h_calendar_holidays(struct request *r)
{
    struct field_errors fe = {0};
    int64_t year = body_year(r, &fe);
    if (fields_reply(r, &fe) < 0)
        return;
    struct actor actor;
    request_actor(r, &actor);
    const char *err = NULL;
    int added = 0;
    int rc = calendar_holidays_restore(r->school, &actor, year, &year, &added, &err);
    if (rc != REC_OK) {
        records_reply(r, rc, &(struct rec_errors){0}, err, year ? year_not_found : no_current_year,
                      200, NULL);
        return;
    }
    reply_calendar(r, 200, year, json_pack("{s:i}", "added", added));
}
