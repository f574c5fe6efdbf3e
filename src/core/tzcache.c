/* A process-wide list of loaded zones behind a mutex; see tzcache.h. */
#include "core/tzcache.h"

#include <pthread.h>
#include <string.h>

#include "core/util.h"

struct entry {
    char name[TZ_NAME_MAX + 1];
    struct tz *tz;
    struct entry *next;
};

static struct entry *zones;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static const struct tz *find_or_load(const char *name)
{
    for (struct entry *e = zones; e; e = e->next)
        if (strcmp(e->name, name) == 0)
            return e->tz;
    struct tz *tz = NULL;
    const char *err;
    if (tz_load(name, &tz, &err) < 0)
        return NULL;
    struct entry *e = xcalloc(1, sizeof *e);
    str_copy(e->name, sizeof e->name, name);
    e->tz = tz;
    e->next = zones;
    zones = e;
    return tz;
}

const struct tz *tz_cached(const char *name)
{
    pthread_mutex_lock(&lock);
    const struct tz *tz = find_or_load(name);
    if (tz == NULL)
        tz = find_or_load(TZ_DEFAULT_NAME);
    pthread_mutex_unlock(&lock);
    return tz;
}
