/*
 * A school's branding (branding.c): logo, primary and secondary colours,
 * motto, contact phone and email, and address, kept in its store's
 * `school_branding` row. The web app (GET /api/v1/branding), the mails
 * (mail_enqueue) and the PDFs read it through branding_get(). A logo is
 * accepted only as PNG or JPEG by content, size-limited, and stored
 * re-encoded as PNG (so no metadata of the uploaded file survives).
 */
#ifndef BIS_SCHOOL_BRANDING_H
#define BIS_SCHOOL_BRANDING_H
#include <stdbool.h>
#include <stddef.h>

#include "auth/auth.h"
#include "db/db.h"

#define BRANDING_DEFAULT_PRIMARY "#1f4e79"
#define BRANDING_DEFAULT_SECONDARY "#f2b134"

struct branding {
    char primary[8];   /* "#rrggbb" (the default if unset) */
    char secondary[8];
    char motto[201];
    char phone[33];
    char email[255];
    char address[401];
    bool has_logo;
    char logo_etag[33]; /* changes with the logo; "" if none */
};

/* Reads the school's branding; caller holds the store (any transaction).
 * Returns 0, or -1 with *error_r. */
int branding_get(struct store *store, struct branding *b_r,
                 const char **error_r);

/* The logo as PNG bytes (caller frees *png_r); 1 found, 0 none, -1 error.
 * Caller holds the store. */
int branding_logo(struct store *store, unsigned char **png_r, size_t *size_r,
                  char etag_r[33], const char **error_r);

/* --- Writes (branding.c) and the logo's decoding (logo.c): used by
 * src/http/h_branding.c. Each write runs its own transaction with its
 * audit row (before -> after of what changed). */

/* Which members of a struct branding a branding_update() sets. */
enum {
    BRANDING_PRIMARY = 1 << 0,
    BRANDING_SECONDARY = 1 << 1,
    BRANDING_MOTTO = 1 << 2,
    BRANDING_PHONE = 1 << 3,
    BRANDING_EMAIL = 1 << 4,
    BRANDING_ADDRESS = 1 << 5,
};

/* Checks "#rrggbb" (lowercased into out): NULL or a Spanish message. */
const char *branding_color_check(const char *in, char *out, size_t n);

/* Sets the members named by `which` from `in` (already checked); *after_r
 * the branding after. Returns 0, or -1 with *error_r. */
int branding_update(struct store *store, const struct actor *actor,
                    const struct branding *in, unsigned which,
                    struct branding *after_r, const char **error_r);

/* Stores `png` (from branding_logo_reencode) as the logo; its new etag in
 * etag_r. 0 or -1. */
int branding_logo_set(struct store *store, const struct actor *actor,
                      const unsigned char *png, size_t size, char etag_r[33],
                      const char **error_r);
/* Removes the logo: 1 removed, 0 there was none, -1 error. */
int branding_logo_delete(struct store *store, const struct actor *actor,
                         const char **error_r);

#define BRANDING_LOGO_MAX_BYTES (1024 * 1024) /* the uploaded file */
#define BRANDING_LOGO_MAX_SIDE 4096           /* the uploaded image, px */
#define BRANDING_LOGO_SIDE 512                /* the stored logo, at most */

/* Decodes an uploaded PNG or JPEG, recognized by its content (never by its
 * name or declared type), within the limits above, and re-encodes it as a
 * PNG scaled down to BRANDING_LOGO_SIDE px: nothing of the uploaded file
 * but its pixels survives. Returns NULL with *png_r (caller frees), or a
 * Spanish message saying why the file was refused. */
const char *branding_logo_reencode(const unsigned char *in, size_t size,
                                   unsigned char **png_r, size_t *size_r);

/* The demo school's look (branding_demo.c, bischeduler init --demo): its
 * colours, motto, contacts (email as given) and a drawn logo, each write
 * audited for `actor`. Returns 0, or -1 with *error_r. */
int branding_demo_seed(struct store *s, const struct actor *actor,
                       const char *email, const char **error_r);

#endif
