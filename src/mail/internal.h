/*
 * The mail module's inner interfaces (not for other modules): the template
 * renderer (render.c), the message builder (message.c), the sender
 * (smtp.c, outbox.c) and the wake-up set shared by mail_notify() and the
 * worker (mail.c, worker.c).
 */
#ifndef BIS_MAIL_INTERNAL_H
#define BIS_MAIL_INTERNAL_H
#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Replaces every {{key}} of `text` by the string value of `key` in `raw`
 * (inserted as it is: only values the mail module builds itself) or,
 * failing that, in `vars` (HTML-escaped when `html`). A key in neither, a
 * value that is not a string, or an unclosed {{ is an error: NULL is
 * returned and `error` (English) says which. The result is malloc'ed.
 */
char *mail_render_text(const char *text, json_t *vars, json_t *raw, bool html,
                       char *error, size_t error_n);

/* The embedded file templates/mail/NAME, or NULL. */
const char *mail_template_file(const char *name);

/*
 * Renders template `name` (NAME.subject, NAME.txt, NAME.html wrapped in
 * layout.txt / layout.html) with `vars`. The subject is one line (line
 * breaks in values become spaces). 0, or -1 with `error`.
 */
int mail_render_template(const char *name, json_t *vars, char **subject_r,
                         char **text_r, char **html_r, char *error,
                         size_t error_n);

/* The RFC 5322 message of one mail, CRLF line ends (message.c). */
struct mail_message {
    const char *from;     /* "Name <addr>" or "addr" */
    const char *to_email;
    const char *to_name;  /* may be "" */
    const char *subject;
    const char *body_text;
    const char *body_html;
    const char *store;    /* for the Message-ID */
    int64_t id;
    int64_t date;         /* epoch seconds */
    bool text_8bit;       /* the plain part as UTF-8 text (the outbox: links
                             stay whole for a reader); lines over 998
                             bytes fall back to quoted-printable */
};
char *mail_message_build(const struct mail_message *m);
/* The address part of "Name <addr>" (or the whole), into out. */
void mail_address_of(const char *from, char *out, size_t n);

/* Pending stores (mail.c): codes named by mail_notify() or mail_enqueue(),
 * taken by the worker. Waits until a code is pending, `until` (epoch
 * seconds; 0: forever) passes or mail_pending_stop(); returns the codes
 * taken (caller frees each and the array) and their count, or -1 when
 * stopping. */
int mail_pending_wait(int64_t until, char ***codes_r);
void mail_pending_add(const char *code);
void mail_pending_stop(bool stop);

struct mail_config;
/* Sends one message through cfg->smtp_url (smtp.c). 0 sent; -1 with the
 * server's last reply (or libcurl's reason) in `reply`, and *permanent_r
 * when the server refused it for good (a 5xx reply). Gives up soon after
 * *abort becomes true (shutdown). */
int mail_smtp_send(const struct mail_config *cfg, const char *to,
                   const char *message, atomic_bool *abort, char *reply,
                   size_t reply_n, bool *permanent_r);
/* Writes DIR/<UTC time>-<store>-<id>.eml atomically (temp + rename). */
int mail_outbox_write(const char *dir, const char *store, int64_t id,
                      const char *message, char *path_r, size_t path_n,
                      char *error, size_t error_n);

#endif
