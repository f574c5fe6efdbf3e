/*
 * A new school's code from its name, and whether a code is free (see
 * invitations.h). The name is read as UTF-8: Latin letters with accents
 * become their base letter (á -> a, ñ -> n, ü -> u), anything that is not
 * a letter or digit separates words; words that say what kind of school it
 * is ("Unidad Educativa", "U.E.") and articles are left out unless nothing
 * else remains; the words are joined with hyphens up to SUGGEST_MAX
 * characters. A code in use (or reserved) gets "-2", "-3", ... appended.
 */
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "platform/invitations.h"
#include "platform/platform.h"

#define SUGGEST_MAX 24
#define WORDS_MAX 32

/* The base letter of a two-byte UTF-8 Latin-1 letter, or 0. */
static char latin1_base(unsigned char b1, unsigned char b2)
{
    if (b1 != 0xC3)
        return 0;
    static const char map[65] = "AAAAAAACEEEEIIII" "DNOOOOO*OUUUUYTs"
                                "aaaaaaaceeeeiiii" "dnooooo/ouuuuyty";
    char c = map[b2 & 0x3F];
    return (c == '*' || c == '/') ? 0 : c;
}

static bool skipped_word(const char *w)
{
    static const char *const words[] = {
        "u", "e", "p", "ue", "uep", "ueb", "uen", "ueip", "ee", "eb",
        "unidad", "educativa", "educativo", "de", "del", "la", "las", "el",
        "los", "y", "en", NULL};
    for (int i = 0; words[i]; i++)
        if (strcmp(w, words[i]) == 0)
            return true;
    return false;
}

/* Splits `name` into lowercase ASCII words; returns how many. */
static int split_words(const char *name, char words[][SUGGEST_MAX + 1])
{
    int n = 0;
    size_t len = 0;
    for (const unsigned char *s = (const unsigned char *)name;; s++) {
        char c = 0;
        if (*s >= 'A' && *s <= 'Z')
            c = (char)(*s - 'A' + 'a');
        else if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
            c = (char)*s;
        else if (*s >= 0xC0 && s[1]) {
            c = latin1_base(s[0], s[1]);
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            /* skip the continuation bytes of this character */
            while ((s[1] & 0xC0) == 0x80)
                s++;
        }
        if (c) {
            if (len < SUGGEST_MAX && n < WORDS_MAX)
                words[n][len++] = c;
            continue;
        }
        if (len && n < WORDS_MAX) {
            words[n][len] = '\0';
            n++;
        }
        len = 0;
        if (*s == '\0')
            break;
    }
    return n;
}

int invitation_code_check(struct platform *p, const char *code,
                          const char **message_r, const char **error_r)
{
    const char *msg = tenant_code_check(code);
    if (msg) {
        *message_r = msg;
        return 0;
    }
    struct tenant t;
    int found = strcmp(code, MASTER_CODE) == 0 ? 1 : tenant_find(p, code, &t);
    if (found < 0) {
        *error_r = "tenant lookup failed";
        return -1;
    }
    if (found) {
        *message_r = "Ya existe un plantel con ese código; elija otro.";
        return 0;
    }
    *message_r = "El código está disponible.";
    return 1;
}

int invitation_code_suggest(struct platform *p, const char *name, char *out,
                            size_t n, const char **error_r)
{
    char words[WORDS_MAX][SUGGEST_MAX + 1];
    int nw = split_words(name, words);
    bool keep_all = true;
    for (int i = 0; i < nw; i++)
        if (!skipped_word(words[i]))
            keep_all = false;
    char base[SUGGEST_MAX + 1] = "";
    size_t len = 0;
    for (int i = 0; i < nw; i++) {
        if (!keep_all && skipped_word(words[i]))
            continue;
        size_t wl = strlen(words[i]);
        if (len == 0) {
            memcpy(base, words[i], wl + 1);
            len = wl;
        } else if (len + 1 + wl <= SUGGEST_MAX) {
            base[len++] = '-';
            memcpy(base + len, words[i], wl + 1);
            len += wl;
        } else {
            break;
        }
    }
    if (len < 2) {
        /* "plantel", or "plantel-x" for a one-letter name */
        char tmp[16] = "plantel";
        if (len == 1) {
            tmp[7] = '-';
            tmp[8] = base[0];
            tmp[9] = '\0';
        }
        str_copy(base, sizeof base, tmp);
    }
    const char *msg = NULL;
    for (int k = 1; k < 100; k++) {
        char code[SUGGEST_MAX + 8];
        if (k == 1)
            snprintf(code, sizeof code, "%s", base);
        else
            snprintf(code, sizeof code, "%s-%d", base, k);
        int rc = invitation_code_check(p, code, &msg, error_r);
        if (rc < 0)
            return -1;
        if (rc == 1) {
            str_copy(out, n, code);
            return 0;
        }
    }
    str_copy(out, n, "");
    return 0;
}
