/*
 * The network's figures (master host, platform admins): GET
 * /api/v1/platform/statistics (the latest recorded day, anonymized), the
 * dashboard's plots as SVG drawn here from the recorded history
 * (src/platform/charts.c), and the usage of a month for billing, as JSON or
 * CSV. Every one reads what the background refresher stored
 * (src/platform/statistics.c): a GET computes nothing from a school's
 * store and records nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/util.h"
#include "http/http.h"
#include "platform/charts.h"
#include "platform/statistics.h"

void h_statistics(struct request *r)
{
    const char *err = NULL;
    json_t *out = statistics_latest_json(r->p, &err);
    if (out == NULL) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200, out);
}

/* The plots of the dashboard: {name} is schools.svg or students.svg. */
void h_statistics_chart(struct request *r)
{
    static const struct {
        const char *file, *metric, *title, *unit, *empty;
    } charts[] = {
        {"schools.svg", "schools_active", "Planteles activos", "planteles",
         "Aún sin datos: las cifras se calculan en segundo plano."},
        {"students.svg", "students", "Estudiantes activos en la red",
         "estudiantes",
         "Aún sin datos, o insuficiente: se muestran cuando hay al menos 3 "
         "planteles."},
    };
    int which = -1;
    for (int i = 0; i < 2; i++)
        if (strcmp(r->params[0], charts[i].file) == 0)
            which = i;
    if (which < 0) {
        reply_err_msg(r, ERR_NOT_FOUND, "Gráfico no encontrado.");
        return;
    }
    struct statistics_point *pts = NULL;
    int n = 0;
    const char *err = NULL;
    if (statistics_history(r->p, charts[which].metric, CHART_MAX_DAYS, &pts,
                           &n, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    size_t len = 0;
    char *svg = chart_svg(charts[which].title, charts[which].unit, pts, n,
                          charts[which].empty, &len);
    free(pts);
    reply_bytes(r, 200, "image/svg+xml; charset=utf-8", NULL, svg, len);
}

/* ?month=YYYY-MM (default: this month in the master school's calendar);
 * 0, or -1 after replying 422. */
static int usage_month(struct request *r, char month[8])
{
    const char *q = request_query(r, "month");
    if (q == NULL || q[0] == '\0') {
        statistics_current_month(r->p, month);
        return 0;
    }
    bool ok = strlen(q) == 7 && q[4] == '-';
    for (int i = 0; ok && i < 7; i++)
        ok = i == 4 || (q[i] >= '0' && q[i] <= '9');
    int mm = ok ? (q[5] - '0') * 10 + (q[6] - '0') : 0;
    if (!ok || mm < 1 || mm > 12 || strncmp(q, "1900", 4) < 0) {
        reply_invalid(r, "month",
                      "Indique el mes como AAAA-MM (por ejemplo 2026-12).");
        return -1;
    }
    memcpy(month, q, 8);
    return 0;
}

void h_usage(struct request *r)
{
    char month[8];
    if (usage_month(r, month) < 0)
        return;
    const char *err = NULL;
    json_t *items = statistics_usage_json(r->p, month, &err);
    if (items == NULL) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200, json_pack("{s:s,s:o}", "month", month, "items", items));
}

/* A field of the usage download (core/csv.h), shown as text. */
static void csv_field(struct strbuf *sb, const char *v, bool last)
{
    csv_put(sb, v, CSV_PUT_TEXT | CSV_PUT_CRLF | (last ? CSV_PUT_LAST : 0));
}

void h_usage_csv(struct request *r)
{
    char month[8];
    if (usage_month(r, month) < 0)
        return;
    const char *err = NULL;
    json_t *items = statistics_usage_json(r->p, month, &err);
    if (items == NULL) {
        reply_store_error(r, err);
        return;
    }
    static const char *const cols[] = {
        "students", "teachers", "users", "storage_bytes",
        "monthly_active_users"};
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_adds(&sb, "mes,codigo,plantel,estado,estudiantes,docentes,"
                     "usuarios,almacenamiento_bytes,usuarios_activos_mes,"
                     "calculado_en\r\n");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        csv_field(&sb, month, false);
        csv_field(&sb, json_string_value(json_object_get(it, "code")), false);
        csv_field(&sb, json_string_value(json_object_get(it, "name")), false);
        const char *st = json_string_value(json_object_get(it, "status"));
        csv_field(&sb,
                  strcmp(st, "active") == 0      ? "activo"
                  : strcmp(st, "suspended") == 0 ? "suspendido"
                                                 : "inactivo",
                  false);
        for (int k = 0; k < 5; k++) {
            char num[32];
            snprintf(num, sizeof num, "%lld",
                     (long long)json_integer_value(
                         json_object_get(it, cols[k])));
            csv_field(&sb, num, false);
        }
        csv_field(&sb,
                  json_string_value(json_object_get(it, "computed_at")),
                  true);
    }
    json_decref(items);
    char filename[40];
    snprintf(filename, sizeof filename, "uso-%s.csv", month);
    size_t len = sb.len;
    reply_bytes(r, 200, "text/csv; charset=utf-8", filename,
                strbuf_steal(&sb), len);
}
