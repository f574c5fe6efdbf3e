/*
 * Reading a request body, declaratively. A handler lists the members it
 * takes (struct field: key, type, required, limits, check, destination) and
 * calls fields_read(): every member is checked, each invalid one is
 * collected, and if any is invalid the reply is one 422 naming them all
 * (error.errors: [{"field","message"}], error.field the first). A handler
 * may add its own findings (a check that needs the store, say) to the same
 * list with field_error() before replying with fields_reply().
 *
 * Text is trimmed of surrounding spaces (passwords are not) and refused if
 * it holds control characters (C0, DEL and C1; a multi-line text may hold
 * line breaks): a name with an ESC sequence must not reach a terminal.
 */
#ifndef BIS_HTTP_FIELDS_H
#define BIS_HTTP_FIELDS_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

enum field_type {
    FIELD_LINE = 0, /* single-line text (names, codes, ...) */
    FIELD_TEXT,     /* multi-line text: \n allowed */
    FIELD_EMAIL,    /* single-line, lowercased, checked as an address */
    FIELD_PASSWORD, /* not trimmed, control characters allowed */
    FIELD_INT,
    FIELD_BOOL,
    FIELD_ENUM, /* single-line, one of `choices` */
};

/* Checks (and may normalize) `in` into `out`; NULL if valid, else a
 * Spanish message. */
typedef const char *(*field_check_fn)(const char *in, char *out, size_t n);

struct field {
    const char *key;
    enum field_type type;
    bool required;
    bool clearable; /* "" is accepted and means "remove" (null is not) */
    size_t min_len, max_len; /* bytes, after trimming; 0: no limit */
    /* Spanish message when absent (if required), of the wrong type or
     * length; the check's own message otherwise. */
    const char *message;
    field_check_fn check;
    const char *const *choices; /* FIELD_ENUM, NULL-terminated */
    /* destinations (any may be NULL) */
    char *text;
    size_t text_size;
    int64_t *integer;
    bool *boolean;
    bool *present; /* set true when the member was given (even cleared) */
};

#define FIELD_ERRORS_MAX 24
struct field_errors {
    int n;
    struct {
        const char *field;
        const char *message;
    } e[FIELD_ERRORS_MAX];
};

/* Checks the members of `obj` against `f[0..n)`, filling destinations and
 * adding a finding per invalid member to `errs`. */
void fields_parse(json_t *obj, const struct field *f, size_t n,
                  struct field_errors *errs);
void field_error(struct field_errors *errs, const char *field,
                 const char *message);
/* Replies 422 with every finding and returns -1; 0 (no reply) if none. */
int fields_reply(struct request *r, const struct field_errors *errs);
/* fields_parse() then fields_reply(). */
int fields_read(struct request *r, json_t *obj, const struct field *f,
                size_t n);
/* The control-character rule alone, for text that is not a JSON member:
 * NULL if `s` is clean, else the Spanish message. */
const char *field_text_check(const char *s, bool multiline);

/* request.c: the school's settings (school_settings[]) as fields whose
 * destinations are u[i] (present[i] says which were given); with
 * all_required every setting must be given. Returns the count. */
struct setting_update;
size_t request_settings_fields(struct field *f, struct setting_update *u,
                               bool *present, bool all_required);
/* Keeps the given ones at the front of u; returns how many. */
int request_settings_updates(struct setting_update *u, const bool *present,
                             size_t n);
/* request.c: field checks shared by handlers. A new school's code
 * (tenant_code_check) and a new password (the policy). */
const char *request_check_code(const char *in, char *out, size_t n);
const char *request_check_password(const char *in, char *out, size_t n);

#endif
