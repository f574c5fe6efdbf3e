/*
 * POST /api/v1/imports/matricula: a school admin uploads the Matrícula
 * spreadsheet as the raw request body (any Content-Type; up to serve
 * --max-upload, decided in server.c before the body is read). The file is
 * read into a grid (src/sheet), then planned or committed by
 * matricula_import() (src/school/matricula_import.c), which holds the SQL.
 *
 * ?mode=dry_run (default) | commit, &skip_invalid=0|1, &filename=NAME (for
 * the report and the audit row), &report=xlsx: the dry run's problems as
 * a workbook. A refused file answers 422 invalid_file with the reason in
 * Spanish; an all-or-nothing commit with rejected rows 422
 * import_rejected with the report in error.report. Nothing is written in
 * either case.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "auth/links.h"
#include "http/http.h"
#include "mail/mail.h"
#include "school/matricula.h"

#define REPORT_PROBLEMS_MAX 1000

static const char XLSX_TYPE[] =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/* "0"/"1" (or absent: dflt); -1 and a 422 reply when it is anything else. */
static int query_bool(struct request *r, const char *name, int dflt)
{
    const char *v = request_query(r, name);
    if (v == NULL || v[0] == '\0')
        return dflt;
    if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
        return 0;
    if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
        return 1;
    reply_invalid(r, name, "Use 0 o 1.");
    return -1;
}

static void reply_xlsx(struct request *r, const struct mat_problems *p)
{
    char *data = NULL;
    size_t len = 0;
    if (mat_problems_xlsx(p, &data, &len) < 0) {
        reply_internal(r, "the problems workbook could not be written");
        return;
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, data, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", XLSX_TYPE);
    MHD_add_response_header(resp, "Content-Disposition",
                            "attachment; filename=\"problemas-matricula.xlsx\"");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (r->resp) {
        MHD_destroy_response(resp);
        return;
    }
    r->status = 200;
    r->resp = resp;
}

void h_imports_matricula(struct request *r)
{
    const char *mode = request_query(r, "mode");
    if (mode && mode[0] && strcmp(mode, "dry_run") != 0 &&
        strcmp(mode, "commit") != 0) {
        reply_invalid(r, "mode", "El modo debe ser dry_run o commit.");
        return;
    }
    const char *report = request_query(r, "report");
    if (report && report[0] && strcmp(report, "xlsx") != 0 &&
        strcmp(report, "json") != 0) {
        reply_invalid(r, "report", "El informe debe ser json o xlsx.");
        return;
    }
    bool xlsx = report && strcmp(report, "xlsx") == 0;
    int skip = query_bool(r, "skip_invalid", 0);
    if (skip < 0)
        return;
    const char *fname = request_query(r, "filename");
    if (fname && (strlen(fname) > 200 || !str_is_utf8(fname, strlen(fname)))) {
        reply_invalid(r, "filename",
                      "El nombre del archivo no es válido (máximo 200 "
                      "caracteres).");
        return;
    }
    if (r->body_len == 0) {
        reply_err_msg(r, ERR_INVALID_FILE,
                      "No se recibió ningún archivo: envíe la hoja de "
                      "cálculo (.xls, .xlsx o .csv) como contenido.");
        return;
    }
    char msg[512];
    struct sheet *sh = NULL;
    int rc = sheet_read(r->body, r->body_len, NULL, &sh, msg, sizeof msg);
    /* the grid holds what is needed: give the file's bytes back now */
    free(r->body);
    r->body = NULL;
    r->body_len = r->body_cap = 0;
    if (rc < 0) {
        reply_err_msg(r, ERR_INVALID_FILE, msg);
        return;
    }
    struct mat_import_options o = {
        .dry_run = xlsx || mode == NULL || strcmp(mode, "commit") != 0,
        .skip_invalid = skip == 1,
        .filename = fname,
    };
    struct actor actor;
    request_actor(r, &actor);
    struct mat_import_report rep;
    const char *err = NULL;
    rc = matricula_import(r->school, sh, &o, &actor, &rep, msg, sizeof msg,
                          &err);
    sheet_free(&sh);
    if (rc == MAT_IMPORT_INVALID) {
        reply_err_msg(r, ERR_INVALID_FILE, msg);
    } else if (rc == MAT_IMPORT_ERROR) {
        reply_store_error(r, err);
    } else if (xlsx) {
        reply_xlsx(r, &rep.problems);
    } else if (rc == MAT_IMPORT_REJECTED) {
        const struct api_error_def *d = &api_errors[ERR_IMPORT_REJECTED];
        reply_json(r, d->status,
                   json_pack("{s:{s:s,s:s,s:o}}", "error", "code", d->code,
                             "message", d->message, "report",
                             mat_import_report_json(&rep,
                                                    REPORT_PROBLEMS_MAX)));
    } else {
        reply_json(r, 200, mat_import_report_json(&rep, REPORT_PROBLEMS_MAX));
    }
    mat_import_report_free(&rep);
}

/*
 * POST /api/v1/representatives/invitations {representative_ids?: [ids],
 * all?: true}: a parent account for each representative with an email and
 * no account yet, invited like POST /api/v1/users (account_invite: a mail
 * with a link, valid 7 days, to choose a password; no password is made or
 * shown here) and linked to the representative, hence to their children.
 * The reply lists who was invited and the state of each one's mail.
 */
#define INVITE_IDS_MAX 500
#define INVITE_PER_REQUEST 100

void h_representatives_invite(struct request *r)
{
    json_t *ids_j = json_object_get(r->json, "representative_ids");
    json_t *all_j = json_object_get(r->json, "all");
    bool all = json_is_true(all_j);
    if (all_j && !json_is_boolean(all_j)) {
        reply_invalid(r, "all", "Indique true o false.");
        return;
    }
    if ((ids_j && !json_is_array(ids_j)) ||
        json_array_size(ids_j) > INVITE_IDS_MAX || (!all && !ids_j)) {
        reply_invalid(r, "representative_ids",
                      "Indique la lista de representantes (hasta 500) o "
                      "\"all\": true.");
        return;
    }
    size_t n = all ? 0 : json_array_size(ids_j);
    int64_t ids[INVITE_IDS_MAX];
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(ids_j, i);
        if (!json_is_integer(v) || json_integer_value(v) <= 0) {
            reply_invalid(r, "representative_ids",
                          "Cada representante se indica por su id (un "
                          "entero positivo).");
            return;
        }
        ids[i] = (int64_t)json_integer_value(v);
    }
    const char *err = NULL;
    json_t *cands = NULL, *skipped = NULL;
    if (representatives_invitable(r->school, ids, n, all, INVITE_PER_REQUEST,
                                  &cands, &skipped, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    struct actor actor;
    request_actor(r, &actor);
    char base[400];
    request_link(r, &r->tenant, "", base, sizeof base);
    json_t *items = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(cands, i, c) {
        json_int_t rep_id = json_integer_value(json_object_get(c, "representative_id"));
        const char *email = json_str(c, "email"), *name = json_str(c, "name");
        const char *msg = NULL, *field = NULL;
        int64_t uid = 0;
        int rc = account_invite(r->p, r->school, &r->tenant, false, email,
                                name[0] ? name : email, "parent", NULL, base,
                                &actor, &uid, &msg, &field, &err);
        if (rc == TENANT_OK &&
            representative_link_user(r->school, rep_id, uid, &actor, &err) <
                0) {
            json_decref(cands), json_decref(skipped), json_decref(items);
            reply_store_error(r, err);
            return;
        }
        if (rc == TENANT_INVALID || rc == TENANT_EXISTS) {
            json_array_append_new(
                skipped, json_pack("{s:I,s:s}", "representative_id", rep_id,
                                   "reason", msg ? msg : "No se pudo invitar."));
            continue;
        }
        if (rc != TENANT_OK) {
            json_decref(cands), json_decref(skipped), json_decref(items);
            reply_store_error(r, err);
            return;
        }
        char idstr[24];
        snprintf(idstr, sizeof idstr, "%lld", (long long)uid);
        store_lock(r->school);
        json_t *mail = mail_state_json(r->school, "user", idstr);
        store_unlock(r->school);
        json_array_append_new(
            items, json_pack("{s:I,s:I,s:s,s:s,s:o}", "representative_id",
                             rep_id, "user_id", (json_int_t)uid, "email",
                             email, "name", name, "mail",
                             mail ? mail : json_null()));
    }
    json_decref(cands);
    reply_json(r, 200, json_pack("{s:o,s:o}", "items", items, "skipped", skipped));
}
