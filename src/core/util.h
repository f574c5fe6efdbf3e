/*
 * Small helpers every module uses: allocation, growable strings and time.
 * Nothing here knows about schools, and nothing here needs a library beyond
 * libc (util.c is in bis_base, the part of core the timetable links).
 */
#ifndef BIS_CORE_UTIL_H
#define BIS_CORE_UTIL_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation that never returns NULL: running out of memory aborts. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A growable NUL-terminated string. */
struct strbuf {
    char *data;
    size_t len, cap;
};
void strbuf_init(struct strbuf *sb);
void strbuf_cleanup(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const char *s, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Gives the buffer to the caller; the strbuf is left empty. */
char *strbuf_steal(struct strbuf *sb);
/* Appends s as a quoted JSON string (s must be valid UTF-8). */
void strbuf_add_json_string(struct strbuf *sb, const char *s);

/* A printf into a new string (messages). */
char *str_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *str_vfmt(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Copies src into dst of size n, always NUL-terminated. */
void str_copy(char *dst, size_t n, const char *src);
/* The last component of a path ("a/b/c.csv" -> "c.csv"), for messages. */
const char *str_base_name(const char *path);
/* ASCII lowercase in place. */
void str_lower(char *s);
bool str_is_utf8(const char *s, size_t n);

/* Seconds since the epoch (UTC). */
int64_t time_now(void);
/* Monotonic milliseconds, and the same in seconds. */
double time_mono_ms(void);
double time_mono_s(void);
/* "2026-11-27T08:48:00Z" */
void time_format_utc(int64_t t, char out[21]);
/* Parses the format above; -1 on anything else. */
int time_parse_utc(const char *s, int64_t *t_r);

/*
 * Randomness and hashing (crypto.h, libsodium) and logging (log.h, jansson)
 * are declared here too, so modules above core see all of core through one
 * header. Their code is in library bis_core, not in bis_base: a timetable
 * file that calls them fails to link (see "Layers" in docs/ARCHITECTURE.md).
 */
#include "core/crypto.h"
#include "core/log.h"

#endif
