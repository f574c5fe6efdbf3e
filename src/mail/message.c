/*
 * One mail as an RFC 5322 message (see internal.h): headers (Date,
 * Message-ID, From, To, Subject, MIME-Version), then a
 * multipart/alternative body with the plain text part first and the HTML
 * part last (the last is what a mail program prefers). Non-ASCII header
 * text (a name, the subject) is an RFC 2047 encoded-word in UTF-8/base64;
 * the bodies are quoted-printable (short lines, 7-bit: any SMTP server
 * takes them), except the plain part of an outbox file, which is UTF-8 as
 * it is (8bit), so a person reading the .eml in a text editor sees whole
 * links. Lines end in CRLF.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/crypto.h"
#include "core/util.h"
#include "mail/internal.h"

static bool is_ascii_printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

/* The length of the header line being written (since the last CRLF). */
static size_t line_len(const struct strbuf *sb)
{
    size_t i = sb->len;
    while (i > 0 && sb->data[i - 1] != '\n')
        i--;
    return sb->len - i;
}

/* Header text: as it is if plain ASCII, else encoded-words (whole UTF-8
 * characters each) sized so that no header line passes 78 characters
 * (RFC 5322; each word at most 75, RFC 2047), folded onto new lines. */
static void add_header_text(struct strbuf *sb, const char *s)
{
    if (is_ascii_printable(s)) {
        strbuf_adds(sb, s);
        return;
    }
    size_t n = strlen(s), i = 0;
    bool first = true;
    while (i < n) {
        /* the word is 12 + 4 * ceil(take / 3) characters; 36 bytes make
         * a 60-character word, which fits after "Subject: " or a fold */
        size_t col = first ? line_len(sb) : 1;
        if (col + 12 + 8 > 78) { /* not even two characters fit: fold */
            strbuf_adds(sb, "\r\n ");
            col = 1;
            first = true;
        }
        size_t room = (78 - col - 12) / 4 * 3;
        size_t take = n - i < room ? n - i : room;
        if (take > 36)
            take = 36;
        while (take < n - i && take > 4 &&
               ((unsigned char)s[i + take] & 0xc0) == 0x80)
            take--; /* do not split a character */
        char b64[128];
        sodium_bin2base64(b64, sizeof b64, (const unsigned char *)s + i, take,
                          sodium_base64_VARIANT_ORIGINAL);
        strbuf_addf(sb, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", b64);
        first = false;
        i += take;
    }
}

/* A quoted phrase for a display name if it has specials. */
static void add_display_name(struct strbuf *sb, const char *name)
{
    if (!is_ascii_printable(name)) {
        add_header_text(sb, name);
        return;
    }
    if (strpbrk(name, "()<>[]:;@\\,.\"") == NULL) {
        strbuf_adds(sb, name);
        return;
    }
    strbuf_adds(sb, "\"");
    for (const char *c = name; *c; c++) {
        if (*c == '"' || *c == '\\')
            strbuf_adds(sb, "\\");
        strbuf_add(sb, c, 1);
    }
    strbuf_adds(sb, "\"");
}

void mail_address_of(const char *from, char *out, size_t n)
{
    const char *lt = strrchr(from, '<');
    const char *gt = lt ? strchr(lt, '>') : NULL;
    if (lt && gt && gt > lt + 1) {
        size_t len = (size_t)(gt - lt - 1);
        snprintf(out, n, "%.*s", (int)len, lt + 1);
    } else {
        str_copy(out, n, from);
    }
}

static void add_mailbox(struct strbuf *sb, const char *name, const char *addr)
{
    if (name && *name) {
        add_display_name(sb, name);
        /* fold before the address if it would pass 78 characters */
        if (line_len(sb) + strlen(addr) + 3 > 78)
            strbuf_adds(sb, "\r\n");
        strbuf_addf(sb, " <%s>", addr);
    } else {
        strbuf_adds(sb, addr);
    }
}

/* Quoted-printable (RFC 2045): lines of at most 76 characters with soft
 * breaks, CRLF line ends, '=' and non-ASCII bytes as =XX. */
static void add_quoted_printable(struct strbuf *sb, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    int col = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\r')
            continue;
        if (*p == '\n') {
            strbuf_adds(sb, "\r\n");
            col = 0;
            continue;
        }
        bool end_of_line = p[1] == '\n' || p[1] == '\0' ||
                           (p[1] == '\r' && p[2] == '\n');
        bool plain = (*p >= 33 && *p <= 126 && *p != '=') ||
                     ((*p == ' ' || *p == '\t') && !end_of_line);
        /* a '.' opening a line is escaped too (SMTP dot-stuffing safety) */
        if (*p == '.' && col == 0)
            plain = false;
        int width = plain ? 1 : 3;
        if (col + width > 75) {
            strbuf_adds(sb, "=\r\n");
            col = 0;
        }
        if (plain) {
            strbuf_add(sb, (const char *)p, 1);
        } else {
            char enc[3] = {'=', hex[*p >> 4], hex[*p & 15]};
            strbuf_add(sb, enc, 3);
        }
        col += width;
    }
    strbuf_adds(sb, "\r\n");
}

/* The text with CRLF line ends, as it is (8bit). */
static void add_8bit(struct strbuf *sb, const char *s)
{
    for (; *s; s++) {
        if (*s == '\r')
            continue;
        if (*s == '\n')
            strbuf_adds(sb, "\r\n");
        else
            strbuf_add(sb, s, 1);
    }
    strbuf_adds(sb, "\r\n");
}

/* Whether every line fits the 998-byte limit of RFC 5322. */
static bool lines_fit(const char *s)
{
    size_t col = 0;
    for (; *s; s++) {
        col = *s == '\n' ? 0 : col + 1;
        if (col > 998)
            return false;
    }
    return true;
}

char *mail_message_build(const struct mail_message *m)
{
    struct strbuf sb;
    strbuf_init(&sb);
    char date[64];
    time_t t = (time_t)m->date;
    struct tm tm;
    gmtime_r(&t, &tm);
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
                                       "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"};
    snprintf(date, sizeof date, "%s, %02d %s %04d %02d:%02d:%02d +0000",
             days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    char from_addr[256];
    mail_address_of(m->from, from_addr, sizeof from_addr);
    const char *domain = strchr(from_addr, '@');
    domain = domain && domain[1] ? domain + 1 : "bischeduler.invalid";
    char rnd[17], boundary[64];
    random_hex(rnd, 8);
    snprintf(boundary, sizeof boundary, "=_bis_%s", rnd);

    strbuf_addf(&sb, "Date: %s\r\n", date);
    strbuf_addf(&sb, "Message-ID: <%s.%lld.%s@%s>\r\n", m->store,
                (long long)m->id, rnd, domain);
    strbuf_adds(&sb, "From: ");
    /* the configured From, its display name encoded if need be */
    const char *lt = strrchr(m->from, '<');
    if (lt && lt > m->from) {
        char name[256];
        size_t n = (size_t)(lt - m->from);
        while (n > 0 && m->from[n - 1] == ' ')
            n--;
        snprintf(name, sizeof name, "%.*s", (int)n, m->from);
        add_mailbox(&sb, name, from_addr);
    } else {
        strbuf_adds(&sb, from_addr);
    }
    strbuf_adds(&sb, "\r\nTo: ");
    add_mailbox(&sb, m->to_name, m->to_email);
    strbuf_adds(&sb, "\r\nSubject: ");
    add_header_text(&sb, m->subject);
    strbuf_adds(&sb, "\r\nMIME-Version: 1.0\r\n"
                     "Auto-Submitted: auto-generated\r\n");
    strbuf_addf(&sb,
                "Content-Type: multipart/alternative; boundary=\"%s\"\r\n"
                "\r\n"
                "This is a MIME message.\r\n"
                "\r\n--%s\r\n"
                "Content-Type: text/plain; charset=UTF-8\r\n",
                boundary, boundary);
    if (m->text_8bit && lines_fit(m->body_text)) {
        strbuf_adds(&sb, "Content-Transfer-Encoding: 8bit\r\n\r\n");
        add_8bit(&sb, m->body_text);
    } else {
        strbuf_adds(&sb, "Content-Transfer-Encoding: quoted-printable\r\n"
                         "\r\n");
        add_quoted_printable(&sb, m->body_text);
    }
    strbuf_addf(&sb,
                "\r\n--%s\r\n"
                "Content-Type: text/html; charset=UTF-8\r\n"
                "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
                boundary);
    add_quoted_printable(&sb, m->body_html);
    strbuf_addf(&sb, "\r\n--%s--\r\n", boundary);
    return strbuf_steal(&sb);
}
