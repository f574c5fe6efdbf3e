/*
 * Structured logging: one JSON object per line on stderr (built with
 * jansson). Each line is written with a single write(2) so lines from many
 * threads never mix. Part of library bis_core, not of bis_base.
 */
#include "core/log.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

static enum log_level min_level = LOG_INFO;

void log_set_level(enum log_level level)
{
    min_level = level;
}

static void write_all(const char *p, size_t left)
{
    while (left > 0) {
        ssize_t w = write(STDERR_FILENO, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        p += w;
        left -= (size_t)w;
    }
}

void log_json_line(const char *json)
{
    size_t n = strlen(json);
    char *line = xmalloc(n + 1);
    memcpy(line, json, n);
    line[n] = '\n';
    write_all(line, n + 1);
    free(line);
}

#define LOG_BUFFER_SIZE 16384

struct log_buffer {
    pthread_mutex_t lock;
    size_t len;
    struct log_buffer *next;
    char data[LOG_BUFFER_SIZE];
};

static _Thread_local struct log_buffer *thread_buffer;
static struct log_buffer *all_buffers;
static pthread_mutex_t all_buffers_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t flusher;
static atomic_bool flusher_running;

void log_buffered_line(const char *line, size_t len)
{
    if (!atomic_load(&flusher_running) || len + 1 > LOG_BUFFER_SIZE) {
        log_json_line(line);
        return;
    }
    struct log_buffer *b = thread_buffer;
    if (b == NULL) {
        b = xcalloc(1, sizeof *b);
        pthread_mutex_init(&b->lock, NULL);
        pthread_mutex_lock(&all_buffers_lock);
        b->next = all_buffers;
        all_buffers = b;
        pthread_mutex_unlock(&all_buffers_lock);
        thread_buffer = b;
    }
    pthread_mutex_lock(&b->lock);
    if (b->len + len + 1 > LOG_BUFFER_SIZE) {
        write_all(b->data, b->len);
        b->len = 0;
    }
    memcpy(b->data + b->len, line, len);
    b->data[b->len + len] = '\n';
    b->len += len + 1;
    pthread_mutex_unlock(&b->lock);
}

static void flush_all(void)
{
    pthread_mutex_lock(&all_buffers_lock);
    for (struct log_buffer *b = all_buffers; b; b = b->next) {
        pthread_mutex_lock(&b->lock);
        write_all(b->data, b->len);
        b->len = 0;
        pthread_mutex_unlock(&b->lock);
    }
    pthread_mutex_unlock(&all_buffers_lock);
}

static void *flusher_main(void *arg)
{
    (void)arg;
    while (atomic_load(&flusher_running)) {
        struct timespec ts = {0, LOG_FLUSH_MS * 1000000L};
        nanosleep(&ts, NULL);
        flush_all();
    }
    return NULL;
}

void log_flusher_start(void)
{
    atomic_store(&flusher_running, true);
    if (pthread_create(&flusher, NULL, flusher_main, NULL) != 0)
        atomic_store(&flusher_running, false);
}

void log_flusher_stop(void)
{
    if (!atomic_exchange(&flusher_running, false))
        return;
    pthread_join(flusher, NULL);
    flush_all();
    pthread_mutex_lock(&all_buffers_lock);
    while (all_buffers) {
        struct log_buffer *b = all_buffers;
        all_buffers = b->next;
        pthread_mutex_destroy(&b->lock);
        free(b);
    }
    pthread_mutex_unlock(&all_buffers_lock);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    if (level < min_level)
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char ts[21];
    time_format_utc(time_now(), ts);
    json_t *o = json_pack("{s:s,s:s,s:s}", "ts", ts, "level", names[level],
                          "msg", msg);
    if (o == NULL) /* message was not UTF-8 */
        o = json_pack("{s:s,s:s,s:s}", "ts", ts, "level", names[level],
                      "msg", "(unprintable message)");
    char *s = json_dumps(o, JSON_COMPACT);
    log_json_line(s);
    free(s);
    json_decref(o);
}
