/*
 * Helpers: allocation, strings, time, randomness and logging. Logging writes
 * each line with a single write(2) so lines from many threads never mix.
 */
#include "core/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        abort();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        abort();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL)
        abort();
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void strbuf_init(struct strbuf *sb)
{
    sb->data = NULL;
    sb->len = sb->cap = 0;
}

void strbuf_cleanup(struct strbuf *sb)
{
    free(sb->data);
    strbuf_init(sb);
}

static void strbuf_grow(struct strbuf *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    sb->data = xrealloc(sb->data, cap);
    sb->cap = cap;
}

void strbuf_add(struct strbuf *sb, const char *s, size_t n)
{
    strbuf_grow(sb, n);
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void strbuf_adds(struct strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        strbuf_add(sb, tmp, (size_t)n);
        return;
    }
    strbuf_grow(sb, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

char *strbuf_steal(struct strbuf *sb)
{
    char *p = sb->data ? sb->data : xstrdup("");
    strbuf_init(sb);
    return p;
}

void strbuf_add_json_string(struct strbuf *sb, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    strbuf_grow(sb, strlen(s) + 2);
    strbuf_add(sb, "\"", 1);
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        strbuf_add(sb, run, (size_t)(s - run));
        char esc[7] = {'\\', (char)c, 0};
        if (c < 0x20) {
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            esc[6] = 0;
        }
        strbuf_adds(sb, esc);
        run = s + 1;
    }
    strbuf_add(sb, run, (size_t)(s - run));
    strbuf_add(sb, "\"", 1);
}

void str_copy(char *dst, size_t n, const char *src)
{
    if (n == 0)
        return;
    size_t len = src ? strlen(src) : 0;
    if (len >= n)
        len = n - 1;
    if (len)
        memcpy(dst, src, len);
    dst[len] = '\0';
}

void str_lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

bool str_is_utf8(const char *s, size_t n)
{
    /* jansson validates UTF-8 when it builds a string. */
    json_t *j = json_stringn(s, n);
    bool ok = j != NULL;
    json_decref(j);
    return ok && memchr(s, '\0', n) == NULL;
}

int64_t time_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

double time_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void time_format_utc(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int time_parse_utc(const char *s, int64_t *t_r)
{
    struct tm tm = {0};
    const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (end == NULL || *end != '\0')
        return -1;
    *t_r = (int64_t)timegm(&tm);
    return 0;
}

void random_hex(char *out, size_t nbytes)
{
    unsigned char buf[64];
    if (nbytes > sizeof buf)
        abort();
    randombytes_buf(buf, nbytes);
    sodium_bin2hex(out, nbytes * 2 + 1, buf, nbytes);
}

void sha256_hex(const char *s, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(out, 65, h, sizeof h);
}

bool str_equal_ct(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb || la == 0)
        return false;
    return sodium_memcmp(a, b, la) == 0;
}

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
