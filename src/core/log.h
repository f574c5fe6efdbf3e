/*
 * Structured logging, one JSON object per line on stderr (jansson; library
 * bis_core). Included by core/util.h.
 */
#ifndef BIS_CORE_LOG_H
#define BIS_CORE_LOG_H
#include <stddef.h>

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
