/*
 * Random tokens, hashing and constant-time comparison (libsodium; library
 * bis_core). Included by core/util.h.
 */
#ifndef BIS_CORE_CRYPTO_H
#define BIS_CORE_CRYPTO_H
#include <stdbool.h>
#include <stddef.h>

/* n random bytes as 2n lowercase hex characters plus NUL. */
void random_hex(char *out, size_t nbytes);
/* SHA-256 of s as 64 hex characters plus NUL. */
void sha256_hex(const char *s, char out[65]);
/* Constant-time comparison of two NUL-terminated strings. */
bool str_equal_ct(const char *a, const char *b);

#endif
