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

const char *branding_color_check(const char *in, char *out, size_t n)
{
    static const char msg[] =
        "Indique el color como #rrggbb (por ejemplo, #1f4e79).";
    if (strlen(in) != 7 || in[0] != '#' || n < 8)
        return msg;
    out[0] = '#';
    for (int i = 1; i < 7; i++) {
        char c = in[i];
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return msg;
        out[i] = c;
    }
    out[7] = '\0';
    return NULL;
}

/* The members of `b` named by `which` as JSON (for the audit row). */
static json_t *members_json(const struct branding *b, unsigned which)
{
    json_t *o = json_object();
    if (which & BRANDING_PRIMARY)
        json_object_set_new(o, "primary_color", json_string(b->primary));
    if (which & BRANDING_SECONDARY)
        json_object_set_new(o, "secondary_color", json_string(b->secondary));
    if (which & BRANDING_MOTTO)
        json_object_set_new(o, "motto", json_string(b->motto));
    if (which & BRANDING_PHONE)
        json_object_set_new(o, "phone", json_string(b->phone));
    if (which & BRANDING_EMAIL)
        json_object_set_new(o, "email", json_string(b->email));
    if (which & BRANDING_ADDRESS)
        json_object_set_new(o, "address", json_string(b->address));
    return o;
}

/* Which of `which` differ between a and b. */
static unsigned changed(const struct branding *a, const struct branding *b,
                        unsigned which)
{
    unsigned c = 0;
    if (strcmp(a->primary, b->primary) != 0)
        c |= BRANDING_PRIMARY;
    if (strcmp(a->secondary, b->secondary) != 0)
        c |= BRANDING_SECONDARY;
    if (strcmp(a->motto, b->motto) != 0)
        c |= BRANDING_MOTTO;
    if (strcmp(a->phone, b->phone) != 0)
        c |= BRANDING_PHONE;
    if (strcmp(a->email, b->email) != 0)
        c |= BRANDING_EMAIL;
    if (strcmp(a->address, b->address) != 0)
        c |= BRANDING_ADDRESS;
    return c & which;
}

/* Makes sure the row exists (inside the caller's transaction). */
static int ensure_row(struct store *store, const char *now,
                      const char **error_r)
{
    return db_run(store->conn, error_r,
                  "INSERT INTO school_branding (id, updated_at) VALUES (1, ?)"
                  " ON CONFLICT (id) DO NOTHING",
                  "t", now);
}

int branding_update(struct store *store, const struct actor *actor,
                    const struct branding *in, unsigned which,
                    struct branding *after_r, const char **error_r)
{
    if (store_begin(store, error_r) < 0)
        return -1;
    struct branding before, after;
    int rc = branding_get(store, &before, error_r);
    after = before;
    if (which & BRANDING_PRIMARY)
        str_copy(after.primary, sizeof after.primary, in->primary);
    if (which & BRANDING_SECONDARY)
        str_copy(after.secondary, sizeof after.secondary, in->secondary);
    if (which & BRANDING_MOTTO)
        str_copy(after.motto, sizeof after.motto, in->motto);
    if (which & BRANDING_PHONE)
        str_copy(after.phone, sizeof after.phone, in->phone);
    if (which & BRANDING_EMAIL)
        str_copy(after.email, sizeof after.email, in->email);
    if (which & BRANDING_ADDRESS)
        str_copy(after.address, sizeof after.address, in->address);
    unsigned diff = rc == 0 ? changed(&before, &after, which) : 0;
    if (rc == 0 && diff) {
        char now[21];
        time_format_utc(time_now(), now);
        rc = ensure_row(store, now, error_r);
        if (rc == 0)
            rc = db_run(store->conn, error_r,
                        "UPDATE school_branding SET primary_color = ?,"
                        " secondary_color = ?, motto = ?, phone = ?,"
                        " email = ?, address = ?, updated_at = ? WHERE id = 1",
                        "ttttttt", after.primary, after.secondary,
                        after.motto, after.phone, after.email, after.address,
                        now);
        json_t *jb = members_json(&before, diff);
        json_t *ja = members_json(&after, diff);
        struct audit_entry e = {"update", "branding", NULL, jb, ja};
        if (rc == 0)
            rc = audit_write(store, actor, &e, error_r);
        json_decref(jb);
        json_decref(ja);
    }
    if (store_end(store, rc == 0, error_r) < 0 || rc < 0)
        return -1;
    *after_r = after;
    return 0;
}

int branding_logo_set(struct store *store, const struct actor *actor,
                      const unsigned char *png, size_t size, char etag_r[33],
                      const char **error_r)
{
    /* The etag: a hash of the stored bytes, so the same logo keeps it. */
    unsigned char h[16];
    crypto_generichash(h, sizeof h, png, size, NULL, 0);
    sodium_bin2hex(etag_r, 33, h, sizeof h);
    size_t b64len =
        sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64len);
    if (b64 == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    sodium_bin2base64(b64, b64len, png, size, sodium_base64_VARIANT_ORIGINAL);
    if (store_begin(store, error_r) < 0) {
        free(b64);
        return -1;
    }
    struct branding before;
    int rc = branding_get(store, &before, error_r);
    char now[21];
    time_format_utc(time_now(), now);
    if (rc == 0)
        rc = ensure_row(store, now, error_r);
    if (rc == 0)
        rc = db_run(store->conn, error_r,
                    "UPDATE school_branding SET logo_png = ?, logo_etag = ?,"
                    " updated_at = ? WHERE id = 1",
                    "ttt", b64, etag_r, now);
    json_t *jb = json_pack("{s:o}", "logo",
                           before.has_logo ? json_string(before.logo_etag)
                                           : json_null());
    json_t *ja = json_pack("{s:s,s:I}", "logo", etag_r, "bytes",
                           (json_int_t)size);
    struct audit_entry e = {"update", "branding_logo", NULL, jb, ja};
    if (rc == 0)
        rc = audit_write(store, actor, &e, error_r);
    json_decref(jb);
    json_decref(ja);
    free(b64);
    if (store_end(store, rc == 0, error_r) < 0 || rc < 0)
        return -1;
    return 0;
}

int branding_logo_delete(struct store *store, const struct actor *actor,
                         const char **error_r)
{
    if (store_begin(store, error_r) < 0)
        return -1;
    struct branding before;
    int rc = branding_get(store, &before, error_r);
    int found = rc == 0 && before.has_logo;
    if (found) {
        char now[21];
        time_format_utc(time_now(), now);
        rc = db_run(store->conn, error_r,
                    "UPDATE school_branding SET logo_png = NULL,"
                    " logo_etag = '', updated_at = ? WHERE id = 1",
                    "t", now);
        json_t *jb = json_pack("{s:s}", "logo", before.logo_etag);
        json_t *ja = json_pack("{s:n}", "logo");
        struct audit_entry e = {"delete", "branding_logo", NULL, jb, ja};
        if (rc == 0)
            rc = audit_write(store, actor, &e, error_r);
        json_decref(jb);
        json_decref(ja);
    }
    if (store_end(store, rc == 0, error_r) < 0 || rc < 0)
        return -1;
    return found;
}
