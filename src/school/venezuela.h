/*
 * Venezuelan identifiers a school's profile carries: the RIF (tax id), the
 * state (ISO 3166-2:VE), phone numbers and the Ministry's school code
 * (código DEA). Each check returns NULL if the value is acceptable, else a
 * Spanish message, and writes the normalized form into `out`.
 */
#ifndef BIS_SCHOOL_VENEZUELA_H
#define BIS_SCHOOL_VENEZUELA_H
#include <stddef.h>

/* "J-12345678-9" from "j123456789", "J-12345678-9", "J 12345678 9". */
const char *ve_rif_normalize(const char *in, char *out, size_t n);
/* "0414-1234567" from "04141234567", "0414 123 4567", "(0212) 555-1234". */
const char *ve_phone_normalize(const char *in, char *out, size_t n);
/* "VE-A" .. "VE-Z"; the name is returned through *name_r. */
const char *ve_state_check(const char *code, const char **name_r);
/* Uppercase letters and digits, 5-20 characters. */
const char *ve_dea_normalize(const char *in, char *out, size_t n);

#endif
