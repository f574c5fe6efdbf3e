/*
 * POST /api/v1/imports/timetable (issue #15, part import): a school admin
 * uploads an existing timetable as the raw request body: a FET file
 * (.fet) or a .zip of a folder in the CSV folder format
 * (docs/TIMETABLE.md), told apart by their bytes (any Content-Type; up to
 * TIMETABLE_IMPORT_MAX_BYTES, and serve --max-upload before the body is
 * read). school/timetable_import.c reads it, matches or creates the
 * school's set-up and makes the file's timetable a draft, in one
 * transaction with its audit row.
 *
 * ?mode=dry_run (default) | commit, &filename=NAME (the report and the
 * draft's name). 200: the import's report (timetable_import.h). A file
 * that cannot be imported answers 422 invalid_file with every reason in
 * Spanish: error.message (one per line) and error.problems (a list);
 * nothing is written.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/http.h"
#include "school/timetable_import.h"

static void reply_refused(struct request *r, const char *message)
{
    const struct api_error_def *d = &api_errors[ERR_INVALID_FILE];
    json_t *problems = json_array();
    char *copy = xstrdup(message), *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save))
        json_array_append_new(problems, json_string(line));
    free(copy);
    reply_json(r, d->status,
               json_pack("{s:{s:s,s:s,s:o}}", "error", "code", d->code,
                         "message", message, "problems", problems));
}

void h_timetable_import(struct request *r)
{
    const char *mode = request_query(r, "mode");
    if (mode && mode[0] && strcmp(mode, "dry_run") != 0 &&
        strcmp(mode, "commit") != 0) {
        reply_invalid(r, "mode", "El modo debe ser dry_run o commit.");
        return;
    }
    const char *fname = request_query(r, "filename");
    if (fname && (strlen(fname) > 200 || !str_is_utf8(fname, strlen(fname)))) {
        reply_invalid(r, "filename",
                      "El nombre del archivo no es válido (máximo 200 "
                      "caracteres).");
        return;
    }
    if (r->body_len == 0) {
        reply_err_msg(r, ERR_INVALID_FILE,
                      "No se recibió ningún archivo: envíe el archivo de FET "
                      "(.fet) o el .zip de la carpeta CSV como contenido.");
        return;
    }
    if (r->body_len > (size_t)TIMETABLE_IMPORT_MAX_BYTES) {
        reply_err_msg(r, ERR_BODY_TOO_LARGE,
                      "El archivo es demasiado grande: un horario ocupa a lo "
                      "sumo 8 MiB.");
        return;
    }
    char *message = NULL;
    struct timetable_source *src = NULL;
    int rc = timetable_source_read_upload(r->body, r->body_len, fname, &src,
                                          &message);
    free(r->body);
    r->body = NULL;
    r->body_len = r->body_cap = 0;
    if (rc < 0) {
        reply_refused(r, message);
        free(message);
        return;
    }
    struct timetable_import_options o = {
        .dry_run = mode == NULL || strcmp(mode, "commit") != 0,
    };
    struct actor actor;
    request_actor(r, &actor);
    json_t *report = NULL;
    const char *err = NULL;
    rc = timetable_import(r->school, &actor, src, &o, &report, &message, &err);
    timetable_source_free(&src);
    if (rc == TIMETABLE_IMPORT_INVALID)
        reply_refused(r, message);
    else if (rc != TIMETABLE_IMPORT_OK)
        reply_store_error(r, err);
    else
        reply_json(r, 200, report);
    free(message);
}
