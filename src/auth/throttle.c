/*
 * Per-address sign-in throttle: a fixed table of slots indexed by a hash of
 * the client address, each counting failed sign-ins in a 15-minute window.
 * Memory is bounded whatever the traffic. A slot holds no key: every address
 * that hashes to it adds to the same count, so a collision can only make two
 * addresses share a budget, never reset a window that is still open (and so
 * never lift a limit). IPv6 clients are counted by their /64 prefix, which is
 * what one client usually controls.
 *
 * The counts survive a restart: each failure is also written to the master
 * store's login_address_failures (ip_throttle_persist), and the server loads
 * the windows still open when it starts (ip_throttle_restore).
 *
 * Being over the limit does not refuse every sign-in from the address (a
 * whole school may sit behind one NAT address): h_login still checks the
 * password, and a wrong one then locks that email at once.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "auth/auth.h"
#include "core/util.h"

#define SLOTS 4096

static struct {
    int64_t window_start;
    int failures;
} slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* The text the count is kept under: the address, or an IPv6 /64 prefix. */
static void address_key(const char *ip, char key[64])
{
    unsigned char a6[16];
    if (strchr(ip, ':') != NULL && inet_pton(AF_INET6, ip, a6) == 1 &&
        !(memcmp(a6, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)) {
        memset(a6 + 8, 0, 8);
        char text[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, a6, text, sizeof text);
        snprintf(key, 64, "%s/64", text);
        return;
    }
    str_copy(key, 64, ip);
}

unsigned ip_throttle_slot(const char *ip)
{
    char key[64];
    address_key(ip, key);
    uint64_t h = 1469598103934665603ull;
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return (unsigned)(h % SLOTS);
}

static bool open_window(int64_t start, int64_t now)
{
    return now - start < LOGIN_ADDRESS_WINDOW;
}

bool ip_throttle_blocked(const char *ip)
{
    unsigned i = ip_throttle_slot(ip);
    int64_t now = time_now();
    pthread_mutex_lock(&lock);
    bool blocked = open_window(slots[i].window_start, now) &&
                   slots[i].failures >= LOGIN_MAX_FAILURES_PER_ADDRESS;
    pthread_mutex_unlock(&lock);
    return blocked;
}

static void add_failures(unsigned i, int64_t start, int n, int64_t now)
{
    if (!open_window(slots[i].window_start, now)) {
        slots[i].window_start = start;
        slots[i].failures = 0;
    } else if (start < slots[i].window_start) {
        slots[i].window_start = start;
    }
    slots[i].failures += n;
}

void ip_throttle_failure(const char *ip)
{
    unsigned i = ip_throttle_slot(ip);
    int64_t now = time_now();
    pthread_mutex_lock(&lock);
    add_failures(i, now, 1, now);
    pthread_mutex_unlock(&lock);
}

void ip_throttle_reset(void)
{
    pthread_mutex_lock(&lock);
    memset(slots, 0, sizeof slots);
    pthread_mutex_unlock(&lock);
}

int ip_throttle_persist(struct store *master, const char *ip,
                        const char **error_r)
{
    char key[64];
    address_key(ip, key);
    int64_t now = time_now(), expired = now - LOGIN_ADDRESS_WINDOW;
    if (db_run(master->conn, error_r,
               "DELETE FROM login_address_failures WHERE window_start <= ?",
               "i", expired) < 0)
        return -1;
    return db_run(master->conn, error_r,
                  "INSERT INTO login_address_failures (address, failures,"
                  " window_start) VALUES (?, 1, ?)"
                  " ON CONFLICT (address) DO UPDATE SET"
                  " failures = login_address_failures.failures + 1",
                  "ti", key, now) < 0
               ? -1
               : 0;
}

int ip_throttle_restore(struct store *master, const char **error_r)
{
    int64_t now = time_now();
    struct db_stmt *st = db_query(
        master->conn, error_r,
        "SELECT address, failures, window_start FROM login_address_failures"
        " WHERE window_start > ?",
        "i", now - LOGIN_ADDRESS_WINDOW);
    if (st == NULL)
        return -1;
    int rc;
    pthread_mutex_lock(&lock);
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        /* a stored key (address or "prefix/64") maps to its own slot */
        add_failures(ip_throttle_slot(db_text(st, 0)), db_int(st, 2),
                     (int)db_int(st, 1), now);
    }
    pthread_mutex_unlock(&lock);
    db_finish(&st);
    return rc < 0 ? -1 : 0;
}
