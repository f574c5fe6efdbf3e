/*
 * Small helpers every module uses: growable strings, time, random tokens,
 * hashing and structured logging. Nothing here knows about schools.
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

/* Copies src into dst of size n, always NUL-terminated. */
void str_copy(char *dst, size_t n, const char *src);
/* ASCII lowercase in place. */
void str_lower(char *s);
bool str_is_utf8(const char *s, size_t n);

/* Seconds since the epoch (UTC). */
int64_t time_now(void);
/* Monotonic milliseconds. */
double time_mono_ms(void);
/* "2026-11-27T08:48:00Z" */
void time_format_utc(int64_t t, char out[21]);
/* Parses the format above; -1 on anything else. */
int time_parse_utc(const char *s, int64_t *t_r);

/* n random bytes as 2n lowercase hex characters plus NUL. */
void random_hex(char *out, size_t nbytes);
/* SHA-256 of s as 64 hex characters plus NUL. */
void sha256_hex(const char *s, char out[65]);
/* Constant-time comparison of two NUL-terminated strings. */
bool str_equal_ct(const char *a, const char *b);

/* Structured logging: one JSON object per line on stderr. */
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Writes an already formatted JSON line (adds the newline). */
void log_json_line(const char *json);
/*
 * Buffered lines, for the access log: each thread appends to its own
 * buffer, written out when it fills up and by a flusher thread every
 * LOG_FLUSH_MS, so a busy server makes one write per few dozen requests
 * and an idle one still shows every line within a fraction of a second.
 * Lines are never split between writes.
 */
#define LOG_FLUSH_MS 200
void log_buffered_line(const char *line, size_t len);
void log_flusher_start(void);
/* Stops the flusher, writes out and frees every buffer. */
void log_flusher_stop(void);

#endif
