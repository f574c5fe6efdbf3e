/*
 * Per-address sign-in throttle: a fixed table of slots keyed by a hash of
 * the client address, each counting failures in a 15-minute window. Memory
 * is bounded whatever the traffic; a collision can only make two addresses
 * share a budget, never lift a limit.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "auth/auth.h"
#include "core/util.h"

#define SLOTS 4096
#define WINDOW (15 * 60)
#define MAX_FAILURES_PER_IP 100

static struct {
    uint64_t key;
    int64_t window_start;
    int failures;
} slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t hash_ip(const char *ip)
{
    uint64_t h = 1469598103934665603ull;
    for (; *ip; ip++)
        h = (h ^ (unsigned char)*ip) * 1099511628211ull;
    return h | 1;
}

bool ip_throttle_blocked(const char *ip)
{
    uint64_t k = hash_ip(ip);
    int64_t now = time_now();
    pthread_mutex_lock(&lock);
    bool blocked = slots[k % SLOTS].key == k &&
                   now - slots[k % SLOTS].window_start < WINDOW &&
                   slots[k % SLOTS].failures >= MAX_FAILURES_PER_IP;
    pthread_mutex_unlock(&lock);
    return blocked;
}

void ip_throttle_failure(const char *ip)
{
    uint64_t k = hash_ip(ip);
    int64_t now = time_now();
    pthread_mutex_lock(&lock);
    if (slots[k % SLOTS].key != k ||
        now - slots[k % SLOTS].window_start >= WINDOW) {
        slots[k % SLOTS].key = k;
        slots[k % SLOTS].window_start = now;
        slots[k % SLOTS].failures = 0;
    }
    slots[k % SLOTS].failures++;
    pthread_mutex_unlock(&lock);
}
