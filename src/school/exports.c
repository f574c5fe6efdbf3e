/*
 * What the school's exports share (exports.h): the context of a report
 * (which school year, the school's name and codes, today's school-local
 * date) and the round trip of an .xlsx through a temporary file, since
 * libxlsxwriter only writes to files. The temporary file lives in $TMPDIR
 * (or /tmp), is created with mkstemps (private, unique) and removed as
 * soon as its bytes are read back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/tz.h"
#include "core/tzcache.h"
#include "core/util.h"
#include "school/exports.h"
#include "school/school.h"

void export_file_free(struct export_file *f)
{
    free(f->data);
    f->data = NULL;
    f->len = 0;
}

static void setting(struct store *s, const char *key, const char *dflt,
                    char *out, size_t n)
{
    str_copy(out, n, dflt);
    struct db_stmt *st = db_query(
        s->conn, NULL, "SELECT value FROM tenant_settings WHERE key = ?", "t", key);
    if (st && db_step(st, NULL) == DB_ROW)
        str_copy(out, n, db_text(st, 0));
    db_finish(&st);
}

int export_context_load(struct store *s, const char *default_name,
                        int64_t year_id, struct export_context *ctx_r,
                        const char **error_r)
{
    memset(ctx_r, 0, sizeof *ctx_r);
    setting(s, SETTING_NAME, default_name ? default_name : "",
            ctx_r->school_name, sizeof ctx_r->school_name);
    setting(s, "rif", "", ctx_r->rif, sizeof ctx_r->rif);
    setting(s, "dea_code", "", ctx_r->dea_code, sizeof ctx_r->dea_code);
    char tz[64];
    setting(s, SETTING_TIMEZONE, DEFAULT_TIMEZONE, tz, sizeof tz);
    char today[TZ_DATE_SIZE];
    tz_local_date(tz_cached(tz), time_now(), today);
    str_copy(ctx_r->today, sizeof ctx_r->today, today);

    /* The year asked for, else the current one, else the latest. */
    struct db_stmt *st =
        year_id > 0
            ? db_query(s->conn, error_r,
                       "SELECT id, name FROM school_years WHERE id = ?", "i",
                       year_id)
            : db_query(s->conn, error_r,
                       "SELECT id, name FROM school_years"
                       " ORDER BY is_current DESC, starts_on DESC, id DESC"
                       " LIMIT 1",
                       "");
    if (st == NULL)
        return EXPORT_STORE_ERROR;
    int rc = db_step(st, error_r);
    if (rc == DB_ROW) {
        ctx_r->year_id = db_int(st, 0);
        str_copy(ctx_r->year_name, sizeof ctx_r->year_name, db_text(st, 1));
    }
    db_finish(&st);
    if (rc < 0)
        return EXPORT_STORE_ERROR;
    if (year_id > 0 && ctx_r->year_id == 0)
        return EXPORT_NOT_FOUND;
    return EXPORT_OK;
}

void export_date_display(const char *iso, char out[11])
{
    int y, m, d;
    if (iso && tz_parse_date(iso, &y, &m, &d) == 0) /* y in 1900..2999 */
        snprintf(out, 11, "%02u/%02u/%04u", (unsigned)d % 100u,
                 (unsigned)m % 100u, (unsigned)y % 10000u);
    else
        str_copy(out, 11, iso ? iso : "");
}

/* ---- .xlsx through a temporary file ---------------------------------- */

static const char *tmp_dir(void)
{
    const char *d = getenv("TMPDIR");
    return d && *d && strlen(d) < 200 ? d : "/tmp";
}

int export_xlsx_open(struct export_xlsx *x, int constant_memory,
                     const char **error_r)
{
    memset(x, 0, sizeof *x);
    snprintf(x->path, sizeof x->path, "%s/bischeduler-export-XXXXXX.xlsx",
             tmp_dir());
    int fd = mkstemps(x->path, 5);
    if (fd < 0) {
        *error_r = "cannot create a temporary file for the export";
        x->path[0] = '\0';
        return EXPORT_WRITE_ERROR;
    }
    close(fd);
    lxw_workbook_options opt = {
        .constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE,
        .tmpdir = (char *)tmp_dir(),
    };
    x->wb = workbook_new_opt(x->path, &opt);
    if (x->wb == NULL) {
        unlink(x->path);
        x->path[0] = '\0';
        *error_r = "libxlsxwriter could not start a workbook";
        return EXPORT_WRITE_ERROR;
    }
    return EXPORT_OK;
}

void export_xlsx_discard(struct export_xlsx *x)
{
    if (x->wb) {
        /* closing is the only way to free it; the file is then removed */
        workbook_close(x->wb);
        x->wb = NULL;
    }
    if (x->path[0])
        unlink(x->path);
    x->path[0] = '\0';
}

int export_xlsx_close(struct export_xlsx *x, struct export_file *out_r,
                      const char **error_r)
{
    lxw_error e = workbook_close(x->wb);
    x->wb = NULL;
    int rc = EXPORT_WRITE_ERROR;
    FILE *f = NULL;
    if (e != LXW_NO_ERROR) {
        *error_r = lxw_strerror(e);
        goto out;
    }
    f = fopen(x->path, "rb");
    struct stat sb;
    if (f == NULL || fstat(fileno(f), &sb) < 0 || sb.st_size <= 0) {
        *error_r = "the export's temporary file cannot be read back";
        goto out;
    }
    out_r->data = xmalloc((size_t)sb.st_size);
    out_r->len = fread(out_r->data, 1, (size_t)sb.st_size, f);
    if (out_r->len != (size_t)sb.st_size) {
        export_file_free(out_r);
        *error_r = "the export's temporary file was cut short";
        goto out;
    }
    rc = EXPORT_OK;
out:
    if (f)
        fclose(f);
    unlink(x->path);
    x->path[0] = '\0';
    return rc;
}
