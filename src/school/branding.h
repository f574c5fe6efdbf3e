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

#endif
