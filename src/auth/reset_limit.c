/*
 * The limit on forgotten-password requests (POST /api/v1/auth/password-
 * reset): at most RESET_PER_EMAIL requests for one email and
 * RESET_PER_ADDRESS from one client address (ip_throttle_slot: IPv6 by its
 * /64) per hour, so the form cannot be used to flood someone's mailbox or
 * the mail queue. The same fixed-table scheme as throttle.c: colliding keys
 * share a budget (a collision can only make the limit stricter), memory is
 * bounded, and the counts are kept in memory only (a restart lifts them;
 * nothing is revealed by it). The limit applies whether or not the email
 * names an account, so its answer reveals nothing either.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "auth/auth.h"
#include "core/util.h"

#define SLOTS 2048
#define WINDOW 3600

static struct {
    int64_t window_start;
    int count;
} email_slots[SLOTS], address_slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned email_slot(const char *email)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *p = email; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return (unsigned)(h % SLOTS);
}

/* Counts one request in a slot; false if it is over `max`. */
static bool take(int64_t *start, int *count, int max, int64_t now)
{
    if (now - *start >= WINDOW) {
        *start = now;
        *count = 0;
    }
    if (*count >= max)
        return false;
    (*count)++;
    return true;
}

bool reset_limit_allow(const char *ip, const char *email)
{
    int64_t now = time_now();
    unsigned e = email_slot(email), a = ip_throttle_slot(ip) % SLOTS;
    pthread_mutex_lock(&lock);
    bool ok = take(&address_slots[a].window_start, &address_slots[a].count,
                   RESET_PER_ADDRESS, now);
    if (ok)
        ok = take(&email_slots[e].window_start, &email_slots[e].count,
                  RESET_PER_EMAIL, now);
    pthread_mutex_unlock(&lock);
    return ok;
}
