/*
 * Passwords and emails. Hashes are libsodium's Argon2id strings with
 * OWASP's recommended cost of 19 MiB and 2 passes: a sign-in costs a few
 * tens of milliseconds and a server signing in one user per thread stays
 * well inside a small machine's memory (libsodium's "interactive" preset
 * takes 64 MiB per sign-in). The cost is stored in each hash, so raising
 * it later only affects new and changed passwords.
 */
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "auth/auth.h"
#include "core/util.h"

#define PASSWORD_OPSLIMIT 2
#define PASSWORD_MEMLIMIT (19u * 1024 * 1024)

const char *password_check_policy(const char *password)
{
    size_t n = strlen(password);
    if (n < PASSWORD_MIN)
        return "La contraseña debe tener al menos 10 caracteres.";
    if (n > PASSWORD_MAX)
        return "La contraseña es demasiado larga (máximo 256 caracteres).";
    if (!str_is_utf8(password, n))
        return "La contraseña contiene caracteres no válidos.";
    return NULL;
}

int password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
    _Static_assert(crypto_pwhash_STRBYTES <= PASSWORD_HASH_MAX,
                   "hash buffer too small");
    return crypto_pwhash_str_alg(out, password, strlen(password),
                                 PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT,
                                 crypto_pwhash_ALG_ARGON2ID13);
}

bool password_verify(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* A hash of a random string, made once per process. */
static char dummy_hash[PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy_hash(void)
{
    char pw[33];
    random_hex(pw, 16);
    password_hash(pw, dummy_hash);
}

void password_verify_dummy(const char *password)
{
    pthread_once(&dummy_once, make_dummy_hash);
    password_verify(dummy_hash, password);
}

void password_generate(char out[17])
{
    static const char alphabet[] =
        "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    for (int i = 0; i < 16; i++)
        out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    out[16] = '\0';
}

const char *email_check(const char *email)
{
    size_t n = strlen(email);
    if (n < 3 || n > 254)
        return "El correo electrónico no es válido.";
    const char *at = strchr(email, '@');
    if (at == NULL || at == email || strchr(at + 1, '@') != NULL)
        return "El correo electrónico no es válido.";
    const char *domain = at + 1;
    if (*domain == '\0' || strchr(domain, '.') == NULL ||
        domain[0] == '.' || email[n - 1] == '.')
        return "El correo electrónico no es válido.";
    for (const char *p = email; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' ||
            c == ',' || c == ';' || c == '\\' || c >= 0x80)
            return "El correo electrónico no es válido.";
    }
    return NULL;
}
