/*
 * A short-lived cache of validated sessions, so a busy school's reads do not
 * each open a read transaction on its store just to find out who is asking.
 *
 * An entry is keyed by (school code, token) and trusted for
 * at most SESSION_CACHE_MS; after that the session is read from the store
 * again (which also refreshes its idle clock and notices a deletion made
 * by another process, such as `bischeduler user passwd`). Sign-out through
 * this server removes the entry at once. The table has a fixed number of
 * sets of WAYS entries each: a token may sit in any entry of its set, and a
 * new one replaces the set's oldest, so memory stays bounded and two busy
 * sessions whose tokens share a set do not evict each other.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "auth/auth.h"
#include "core/util.h"

#define SLOTS 4096
#define WAYS 4
#define SETS (SLOTS / WAYS)
#define STRIPES 64
#define SESSION_CACHE_MS 1000.0

struct slot {
    char code[41];
    char token[80];
    struct principal who;
    double loaded_ms;
};

static struct slot slots[SLOTS];
static pthread_mutex_t stripes[STRIPES];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_stripes(void)
{
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_init(&stripes[i], NULL);
}

static unsigned slot_of(const char *token)
{
    /* tokens are "s_" or "p_" and random hex: hash them all the same */
    uint32_t h = 2166136261u;
    for (; *token; token++)
        h = (h ^ (unsigned char)*token) * 16777619u;
    return (h % SETS) * WAYS; /* the first entry of the token's set */
}

bool session_cache_get(const char *code, const char *token,
                       struct principal *who)
{
    pthread_once(&once, init_stripes);
    unsigned set = slot_of(token);
    pthread_mutex_t *m = &stripes[(set / WAYS) % STRIPES];
    bool hit = false;
    double now = time_mono_ms();
    pthread_mutex_lock(m);
    for (unsigned i = set; i < set + WAYS && !hit; i++) {
        struct slot *s = &slots[i];
        if (s->loaded_ms > 0 && now - s->loaded_ms < SESSION_CACHE_MS &&
            str_equal_ct(s->token, token) && strcmp(s->code, code) == 0) {
            *who = s->who;
            hit = true;
        }
    }
    pthread_mutex_unlock(m);
    return hit;
}

void session_cache_put(const char *code, const char *token,
                       const struct principal *who)
{
    pthread_once(&once, init_stripes);
    unsigned set = slot_of(token);
    pthread_mutex_t *m = &stripes[(set / WAYS) % STRIPES];
    pthread_mutex_lock(m);
    /* the same token's entry, else the set's oldest (empty ones are 0) */
    struct slot *s = &slots[set];
    for (unsigned i = set; i < set + WAYS; i++) {
        if (strcmp(slots[i].token, token) == 0) {
            s = &slots[i];
            break;
        }
        if (slots[i].loaded_ms < s->loaded_ms)
            s = &slots[i];
    }
    str_copy(s->code, sizeof s->code, code);
    str_copy(s->token, sizeof s->token, token);
    s->who = *who;
    s->loaded_ms = time_mono_ms();
    pthread_mutex_unlock(m);
}

/* Sign-out is rare: finding the entry by its hash may scan the table. */
void session_cache_forget(const char *hash)
{
    pthread_once(&once, init_stripes);
    for (unsigned i = 0; i < SLOTS; i++) {
        pthread_mutex_t *m = &stripes[(i / WAYS) % STRIPES];
        pthread_mutex_lock(m);
        if (slots[i].loaded_ms > 0 &&
            strcmp(slots[i].who.session_hash, hash) == 0)
            memset(&slots[i], 0, sizeof slots[i]);
        pthread_mutex_unlock(m);
    }
}

/* Suspension is rarer still: drop every entry of the school. */
void session_cache_forget_school(const char *code)
{
    pthread_once(&once, init_stripes);
    for (unsigned i = 0; i < SLOTS; i++) {
        pthread_mutex_t *m = &stripes[(i / WAYS) % STRIPES];
        pthread_mutex_lock(m);
        if (slots[i].loaded_ms > 0 && strcmp(slots[i].code, code) == 0)
            memset(&slots[i], 0, sizeof slots[i]);
        pthread_mutex_unlock(m);
    }
}

/*
 * A user disabled, or given a new password: drop their cached sessions at
 * once, so the next request reads the store (where they are gone). A
 * school's user is cached under the school's code; a platform admin under
 * whichever host they signed in on, so "master" matches every code.
 */
void session_cache_forget_user(const char *store_name, int64_t user_id)
{
    pthread_once(&once, init_stripes);
    bool platform = strcmp(store_name, "master") == 0;
    for (unsigned i = 0; i < SLOTS; i++) {
        pthread_mutex_t *m = &stripes[(i / WAYS) % STRIPES];
        pthread_mutex_lock(m);
        struct slot *s = &slots[i];
        if (s->loaded_ms > 0 && !s->who.support &&
            s->who.user_id == user_id &&
            (platform ? s->who.kind == PRINCIPAL_PLATFORM
                      : s->who.kind == PRINCIPAL_SCHOOL &&
                            strcmp(s->code, store_name) == 0))
            memset(s, 0, sizeof *s);
        pthread_mutex_unlock(m);
    }
}
