/*
 * Venezuelan identifiers a school's profile and its records carry: the RIF
 * (tax id), the state (ISO 3166-2:VE), phone numbers, the Ministry's school
 * code (código DEA), cédulas and cédulas escolares, dates and emails as
 * people write them. Each check returns NULL if the value is acceptable, else a
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

/* (Implemented with the Matrícula import; the records API uses them too.)
 * Cédula de identidad: "V12345678" from "V-12.345.678", "v 12345678",
 * "12.345.678" (a bare number is V), "E-81234567"; 6 to 9 digits. */
const char *ve_cedula_normalize(const char *in, char *out, size_t n);
/* Cédula escolar: its 10 or 11 digits ("1157424268" from "V-1157424268",
 * "1.15.7424268"): birth order (1-9), two digits of the birth year, the
 * mother's or representative's cédula. */
const char *ve_cedula_escolar_normalize(const char *in, char *out, size_t n);
/* NULL when the year inside a normalized cédula escolar matches the ISO
 * birth date, else a Spanish warning (a mismatch is not a rejection). */
const char *ve_cedula_escolar_year_warning(const char *cedula_escolar,
                                           const char *birth_date);
/* "2015-03-09" from "09/03/2015", "9/3/2015", "09-03-2015", "2015-03-09",
 * or an Excel serial day number ("42072", 1900 date system); the date must
 * exist and lie between 1900-01-01 and 2100-12-31. */
const char *ve_date_normalize(const char *in, char *out, size_t n);
/* Lowercased and checked: one @, a dotted domain, no spaces. */
const char *ve_email_normalize(const char *in, char *out, size_t n);

#endif
