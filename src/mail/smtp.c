/*
 * Sending one message (see internal.h): through SMTP with libcurl, or into
 * the outbox directory as an .eml file when no SMTP server is configured.
 *
 * SMTP: STARTTLS is used when the server offers it (CURLUSESSL_TRY) and
 * required with require_tls (CURLUSESSL_ALL); smtps:// is TLS from the
 * first byte. Connect and whole-transfer timeouts keep a hung server from
 * stalling the worker. The server's last reply line is kept (a debug
 * callback sees every reply), so an admin reads "550 5.1.1 No such user"
 * rather than a libcurl code; a 5xx reply to the envelope or the data is
 * permanent (not retried), anything else is tried again later.
 *
 * Outbox: written to a temporary name, synced and renamed, so a reader
 * never sees half a message.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "mail/internal.h"
#include "mail/mail.h"

struct upload {
    const char *data;
    size_t len, pos;
};

static size_t read_message(char *buf, size_t size, size_t nitems, void *arg)
{
    struct upload *u = arg;
    size_t room = size * nitems, left = u->len - u->pos;
    size_t n = left < room ? left : room;
    memcpy(buf, u->data + u->pos, n);
    u->pos += n;
    return n;
}

struct reply {
    char last[512]; /* the last refusal (4xx or 5xx) */
};

/* Keeps the server's last refusal line (curl reports replies as
 * HEADER_IN): the reply to QUIT that follows it is of no interest. */
static int on_debug(CURL *c, curl_infotype type, char *data, size_t size,
                    void *arg)
{
    (void)c;
    struct reply *r = arg;
    if (type != CURLINFO_HEADER_IN || size < 3 ||
        (data[0] != '4' && data[0] != '5'))
        return 0;
    size_t n = size;
    while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'))
        n--;
    /* keep the last line of a multi-line reply */
    const char *line = data;
    for (size_t i = 0; i + 1 < n; i++)
        if (data[i] == '\n')
            line = data + i + 1;
    n -= (size_t)(line - data);
    if (n >= sizeof r->last)
        n = sizeof r->last - 1;
    memcpy(r->last, line, n);
    r->last[n] = '\0';
    for (char *c2 = r->last; *c2; c2++)
        if ((unsigned char)*c2 < 0x20)
            *c2 = ' ';
    return 0;
}

/* Ends a transfer when the worker is stopping. */
static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
                       curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    return arg && atomic_load((atomic_bool *)arg) ? 1 : 0;
}

int mail_smtp_send(const struct mail_config *cfg, const char *to,
                   const char *message, atomic_bool *abort, char *reply,
                   size_t reply_n, bool *permanent_r)
{
    *permanent_r = false;
    reply[0] = '\0';
    CURL *c = curl_easy_init();
    if (c == NULL) {
        snprintf(reply, reply_n, "libcurl could not start");
        return -1;
    }
    char from_addr[256], from_env[260], to_env[260];
    mail_address_of(cfg->mail_from, from_addr, sizeof from_addr);
    snprintf(from_env, sizeof from_env, "<%s>", from_addr);
    snprintf(to_env, sizeof to_env, "<%s>", to);
    struct curl_slist *rcpt = curl_slist_append(NULL, to_env);
    struct upload up = {.data = message, .len = strlen(message)};
    struct reply last = {{0}};
    char curl_error[CURL_ERROR_SIZE] = "";

    curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_env);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up.len);
    curl_easy_setopt(c, CURLOPT_USE_SSL,
                     cfg->require_tls ? (long)CURLUSESSL_ALL
                                      : (long)CURLUSESSL_TRY);
    if (cfg->smtp_user && *cfg->smtp_user) {
        curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp_user);
        curl_easy_setopt(c, CURLOPT_PASSWORD,
                         cfg->smtp_password ? cfg->smtp_password : "");
    }
    if (cfg->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_error);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, &last);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, abort);

    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    if (rc == CURLE_OK)
        return 0;
    /* A refusal of the sender, recipient or message itself will not
     * change by trying again; a refused login, TLS or a network fault
     * may (once the operator fixes it or the server is back). */
    *permanent_r = code >= 500 && code < 600 && rc != CURLE_LOGIN_DENIED &&
                   rc != CURLE_USE_SSL_FAILED;
    if (last.last[0] && code >= 400)
        snprintf(reply, reply_n, "%s", last.last);
    else
        snprintf(reply, reply_n, "%s", curl_error[0] ? curl_error
                                                     : curl_easy_strerror(rc));
    return -1;
}

int mail_outbox_write(const char *dir, const char *store, int64_t id,
                      const char *message, char *path_r, size_t path_n,
                      char *error, size_t error_n)
{
    if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
        snprintf(error, error_n, "outbox %s: %s", dir, strerror(errno));
        return -1;
    }
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    char tmp[4096];
    snprintf(path_r, path_n, "%s/%s-%s-%lld.eml", dir, stamp, store,
             (long long)id);
    snprintf(tmp, sizeof tmp, "%s/.%s-%s-%lld.tmp", dir, stamp, store,
             (long long)id);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) {
        snprintf(error, error_n, "outbox %s: %s", tmp, strerror(errno));
        return -1;
    }
    size_t len = strlen(message), done = 0;
    while (done < len) {
        ssize_t w = write(fd, message + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    bool ok = done == len && fsync(fd) == 0;
    if (close(fd) < 0)
        ok = false;
    if (!ok || rename(tmp, path_r) < 0) {
        snprintf(error, error_n, "outbox %s: %s", path_r, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}
