/*
 * A school's branding (see branding.h): the one `school_branding` row of
 * its store. A school that never set its branding has no row; readers then
 * get the defaults (BRANDING_DEFAULT_*, empty texts, no logo). The logo is
 * kept as base64 text of the re-encoded PNG so that every dialect stores it
 * alike; branding_logo() decodes it for the HTTP handler and the PDFs.
 */
#include "school/branding.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

int branding_get(struct store *store, struct branding *b_r,
                 const char **error_r)
{
    memset(b_r, 0, sizeof *b_r);
    str_copy(b_r->primary, sizeof b_r->primary, BRANDING_DEFAULT_PRIMARY);
    str_copy(b_r->secondary, sizeof b_r->secondary,
             BRANDING_DEFAULT_SECONDARY);
    struct db_stmt *st = db_query(
        store->conn, error_r,
        "SELECT primary_color, secondary_color, motto, phone, email, address,"
        " CASE WHEN logo_png IS NULL THEN 0 ELSE 1 END, logo_etag"
        " FROM school_branding WHERE id = 1", /* an integer on both backends */
        "");
    if (st == NULL)
        return -1;
    int rc = db_step(st, error_r);
    if (rc == DB_ROW) {
        if (db_text(st, 0)[0])
            str_copy(b_r->primary, sizeof b_r->primary, db_text(st, 0));
        if (db_text(st, 1)[0])
            str_copy(b_r->secondary, sizeof b_r->secondary, db_text(st, 1));
        str_copy(b_r->motto, sizeof b_r->motto, db_text(st, 2));
        str_copy(b_r->phone, sizeof b_r->phone, db_text(st, 3));
        str_copy(b_r->email, sizeof b_r->email, db_text(st, 4));
        str_copy(b_r->address, sizeof b_r->address, db_text(st, 5));
        b_r->has_logo = db_int(st, 6) != 0;
        if (b_r->has_logo)
            str_copy(b_r->logo_etag, sizeof b_r->logo_etag, db_text(st, 7));
    }
    db_finish(&st);
    return rc < 0 ? -1 : 0;
}

int branding_logo(struct store *store, unsigned char **png_r, size_t *size_r,
                  char etag_r[33], const char **error_r)
{
    *png_r = NULL;
    *size_r = 0;
    etag_r[0] = '\0';
    struct db_stmt *st = db_query(
        store->conn, error_r,
        "SELECT logo_png, logo_etag FROM school_branding"
        " WHERE id = 1 AND logo_png IS NOT NULL",
        "");
    if (st == NULL)
        return -1;
    int rc = db_step(st, error_r);
    if (rc != DB_ROW) {
        db_finish(&st);
        return rc < 0 ? -1 : 0;
    }
    const char *b64 = db_text(st, 0);
    size_t len = strlen(b64);
    unsigned char *png = malloc(len / 4 * 3 + 3);
    size_t n = 0;
    if (png == NULL ||
        sodium_base642bin(png, len / 4 * 3 + 3, b64, len, NULL, &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        free(png);
        db_finish(&st);
        if (error_r)
            *error_r = "the stored logo is not valid base64";
        return -1;
    }
    str_copy(etag_r, 33, db_text(st, 1));
    db_finish(&st);
    *png_r = png;
    *size_r = n;
    return 1;
}
