/*
 * tz: IANA time zones without the C library's global state.
 *
 * The platform stores every instant as UTC seconds since the Unix epoch and
 * shows a school's dates and times in the school's IANA time zone
 * (America/Caracas by default). localtime() and setenv("TZ") share one
 * process-wide zone, which is wrong for a server that serves many schools
 * from many threads, so this module reads the compiled zone files itself.
 *
 * How it works: tz_load() reads /usr/share/zoneinfo/<name>, a TZif file
 * (RFC 8536, versions 1 to 4). It keeps the transition table (the 64-bit
 * block of version 2+ files, the 32-bit block of version 1 files) and the
 * POSIX TZ rule of the footer ("EST5EDT,M3.2.0,M11.1.0"), which gives the
 * offset for instants after the last transition: the Mm.w.d, Jn and n day
 * forms, transition times from -167 to 167 hours, and quoted names such as
 * "<-04>4" are supported. Before the first transition, time type 0 applies.
 * Leap-second ("right/") zone files are refused: their clock is not Unix
 * time.
 *
 * Ownership and threads: a struct tz is immutable once loaded, so one
 * instance may be shared by any number of threads without locking. The
 * caller that loaded it frees it with tz_free() once no thread uses it.
 * Nothing in this module keeps global mutable state.
 *
 * Dates: "local date" means the civil date on the school's wall clock. The
 * date helpers use the proleptic Gregorian calendar; day 0 is 1970-01-01.
 */
#ifndef BISCHEDULER_CORE_TZ_H
#define BISCHEDULER_CORE_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The zone every school gets unless it chooses another. */
#define TZ_DEFAULT_NAME "America/Caracas"

/* Longest accepted zone name, in bytes. */
#define TZ_NAME_MAX 64

/* Buffer sizes for the formatting functions, terminating NUL included. */
#define TZ_RFC3339_SIZE 32
#define TZ_DATE_SIZE 11

/* A loaded time zone. Opaque; read-only after tz_load(). */
struct tz;

/*
 * Loads the zone <name> from /usr/share/zoneinfo. The name may contain only
 * ASCII letters, digits, '_', '+', '-' and '/', must not start with '/',
 * contain "..", or exceed TZ_NAME_MAX bytes. On success returns 0 and stores
 * a new zone in *tz_r, owned by the caller (free with tz_free()). On failure
 * returns -1, sets *tz_r to NULL and, if error_r is not NULL, stores a static
 * English message in *error_r.
 */
int tz_load(const char *name, struct tz **tz_r, const char **error_r);

/*
 * Like tz_load(), but parses a TZif image already in memory (size bytes at
 * data). Useful for tests and for zone data that does not come from the
 * system directory. The zone keeps no pointer into data after the call.
 */
int tz_parse_tzif(const void *data, size_t size, struct tz **tz_r,
                  const char **error_r);

/* Frees *tz (which may be NULL) and sets *tz to NULL. */
void tz_free(struct tz **tz);

/* True if name passes tz_load()'s validation and its zone file loads. */
bool tz_name_valid(const char *name);

/* The UTC offset, in seconds east of Greenwich, at the given instant. */
int tz_offset(const struct tz *tz, int64_t unix_seconds);

/*
 * Writes the instant as local time with its numeric UTC offset, for example
 * "2026-11-27T04:48:00-04:00" or "2010-06-01T08:00:00-04:30"; never "Z".
 * RFC 3339 offsets have no seconds: a historical offset with seconds (local
 * mean time before ~1912) is truncated toward zero to whole minutes and the
 * wall-clock time is computed with that offset, so the string still names
 * the exact instant. Instants outside the years 0001..9999 are clamped to
 * that range. out receives TZ_RFC3339_SIZE bytes at most.
 */
void tz_format_rfc3339(const struct tz *tz, int64_t unix_seconds,
                       char out[TZ_RFC3339_SIZE]);

/*
 * Writes the local date of the instant as "YYYY-MM-DD". Instants outside
 * the years 0001..9999 are clamped to that range.
 */
void tz_local_date(const struct tz *tz, int64_t unix_seconds,
                   char out[TZ_DATE_SIZE]);

/*
 * Stores in *unix_r the instant at which the local date yyyy_mm_dd begins
 * (local 00:00). The date must be a real calendar date in the years
 * 1900..2999 written as tz_parse_date() expects. If local midnight does not
 * exist that day (a DST gap), the day begins at the first valid local
 * instant after it (for a date a zone skipped entirely, like Samoa's
 * 2011-12-30, that is the start of the next day); if it occurs twice, the
 * day begins at the first one.
 * Returns 0, or -1 (leaving *unix_r untouched) on a bad date.
 */
int tz_local_midnight(const struct tz *tz, const char *yyyy_mm_dd,
                      int64_t *unix_r);

/*
 * Parses exactly "YYYY-MM-DD" (four, two and two ASCII digits, nothing
 * before or after) naming a real calendar date in the years 1900..2999.
 * Returns 0 and stores the parts, or -1 and leaves them untouched.
 */
int tz_parse_date(const char *s, int *y_r, int *m_r, int *d_r);

/* True if y is a Gregorian leap year. */
bool tz_is_leap_year(int64_t y);

/* Days in month m (1..12) of year y; 0 for a month out of range. */
int tz_days_in_month(int64_t y, int m);

/*
 * Days from 1970-01-01 to the civil date y-m-d (negative before it).
 * m must be 1..12 and d 1..31; a day past the end of the month counts on
 * into the next month. Exact for |y| < 2^31.
 */
int64_t tz_days_from_civil(int y, int m, int d);

/*
 * The inverse of tz_days_from_civil(): the civil date of day number days.
 * Exact for dates whose year fits in an int (|days| < 7.8e11).
 */
void tz_civil_from_days(int64_t days, int *y_r, int *m_r, int *d_r);

#endif /* BISCHEDULER_CORE_TZ_H */
