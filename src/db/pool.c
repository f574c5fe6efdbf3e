/*
 * The pool keeps open stores in a doubly linked list in recency order (head
 * = most recent), for eviction, and in a hash table by code, for lookups.
 *
 * Opening a store (a file, or a PostgreSQL handle that may wait for a pooled
 * connection, then checking or migrating its schema) can take long, so it
 * happens outside the pool lock: the first request for a school enters an
 * entry marked `opening` and opens the store unlocked; a request for the same
 * school meanwhile waits on the `opened` condition instead of opening it a
 * second time, and requests for other schools go on. An entry being opened
 * holds a reference, so it is never evicted; one whose opening failed leaves
 * the table at once, and whoever waited for it tries afresh (and so reports
 * its own error).
 */
#include "db/pool.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "db/migrate.h"

struct pool_entry {
    struct store store; /* first: pool_release() maps back from it */
    char code[64];
    int refs;
    bool opening; /* being opened, outside the pool lock */
    bool failed;  /* its opening failed: out of the table, freed by the
                     last holder of a reference */
    struct pool_entry *prev, *next; /* recency list */
    struct pool_entry *hnext;       /* hash bucket chain */
};

#define BUCKETS 1024

struct school_pool {
    pthread_mutex_t lock;
    pthread_cond_t opened; /* an entry's opening ended (well or not) */
    const struct db_backend *backend;
    int max_open;
    bool auto_migrate;
    int open;
    struct pool_entry *head, *tail;
    struct pool_entry *buckets[BUCKETS];
};

static unsigned bucket_of(const char *code)
{
    uint32_t h = 2166136261u;
    for (; *code; code++)
        h = (h ^ (unsigned char)*code) * 16777619u;
    return h % BUCKETS;
}

static void hash_remove(struct school_pool *p, struct pool_entry *e)
{
    struct pool_entry **pp = &p->buckets[bucket_of(e->code)];
    while (*pp && *pp != e)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = e->hnext;
}

static struct pool_entry *hash_find(struct school_pool *p, const char *code)
{
    for (struct pool_entry *e = p->buckets[bucket_of(code)]; e; e = e->hnext)
        if (strcmp(e->code, code) == 0)
            return e;
    return NULL;
}

struct school_pool *pool_new(const struct db_backend *backend, int max_open,
                             bool auto_migrate)
{
    struct school_pool *p = xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->opened, NULL);
    p->backend = backend;
    p->max_open = max_open > 0 ? max_open : 1;
    p->auto_migrate = auto_migrate;
    return p;
}

static void unlink_entry(struct school_pool *p, struct pool_entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        p->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        p->tail = e->prev;
    e->prev = e->next = NULL;
}

static void push_front(struct school_pool *p, struct pool_entry *e)
{
    e->prev = NULL;
    e->next = p->head;
    if (p->head)
        p->head->prev = e;
    p->head = e;
    if (p->tail == NULL)
        p->tail = e;
}

static void close_entry(struct school_pool *p, struct pool_entry *e)
{
    unlink_entry(p, e);
    hash_remove(p, e);
    store_close(&e->store);
    free(e);
    p->open--;
}

void pool_free(struct school_pool **pool)
{
    struct school_pool *p = *pool;
    if (p == NULL)
        return;
    while (p->head)
        close_entry(p, p->head);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->opened);
    free(p);
    *pool = NULL;
}

static void evict_idle(struct school_pool *p)
{
    struct pool_entry *e = p->tail;
    while (p->open >= p->max_open && e != NULL) {
        struct pool_entry *prev = e->prev;
        if (e->refs == 0)
            close_entry(p, e);
        e = prev;
    }
}

/* Opens and checks (or migrates) the store of `code`; no pool lock held. */
static int open_store(struct school_pool *p, const char *code,
                      struct store *store, const char **error_r)
{
    int exists = db_store_exists(p->backend, code, error_r);
    if (exists <= 0) {
        if (exists == 0)
            *error_r = "school store is missing";
        return exists == 0 ? POOL_MISSING : POOL_ERROR;
    }
    if (store_open_named(store, p->backend, code, error_r) < 0)
        return POOL_ERROR;
    int64_t version;
    int rc = POOL_OK;
    store_lock(store);
    if (migrate_current(store->conn, &version, error_r) < 0) {
        rc = POOL_ERROR;
    } else if (version > migrate_latest(MIGRATE_SCHOOL)) {
        *error_r = "school store is newer than this binary";
        rc = POOL_TOO_NEW;
    } else if (version < migrate_latest(MIGRATE_SCHOOL)) {
        if (!p->auto_migrate) {
            *error_r = "school store needs 'bischeduler migrate'";
            rc = POOL_OUTDATED;
        } else if (migrate_store(store->conn, MIGRATE_SCHOOL, NULL, NULL,
                                 error_r) < 0) {
            rc = POOL_ERROR;
        } else {
            log_msg(LOG_INFO, "migrated school store %s at open", code);
        }
    }
    store_unlock(store);
    if (rc != POOL_OK)
        store_close(store);
    return rc;
}

/* Drops a reference to an entry whose opening failed; the last one frees. */
static void drop_failed(struct pool_entry *e)
{
    if (--e->refs == 0)
        free(e);
}

int pool_acquire(struct school_pool *p, const char *code,
                 struct store **store_r, const char **error_r)
{
    pthread_mutex_lock(&p->lock);
    struct pool_entry *e;
    bool counted = false; /* our reference is already on e */
    for (;;) {
        e = hash_find(p, code);
        if (e == NULL || !e->opening)
            break;
        e->refs++;
        while (e->opening)
            pthread_cond_wait(&p->opened, &p->lock);
        if (!e->failed) {
            counted = true;
            break;
        }
        drop_failed(e); /* failed: look again, and open it ourselves */
    }
    if (e != NULL) {
        if (!counted)
            e->refs++;
        if (e != p->head) {
            unlink_entry(p, e);
            push_front(p, e);
        }
        pthread_mutex_unlock(&p->lock);
        *store_r = &e->store;
        return POOL_OK;
    }
    evict_idle(p);
    e = xcalloc(1, sizeof *e);
    str_copy(e->code, sizeof e->code, code);
    e->opening = true;
    e->refs = 1;
    push_front(p, e);
    unsigned b = bucket_of(e->code);
    e->hnext = p->buckets[b];
    p->buckets[b] = e;
    p->open++;
    pthread_mutex_unlock(&p->lock);

    int rc = open_store(p, code, &e->store, error_r);

    pthread_mutex_lock(&p->lock);
    e->opening = false;
    if (rc != POOL_OK) {
        e->failed = true;
        unlink_entry(p, e);
        hash_remove(p, e);
        p->open--;
        drop_failed(e);
    }
    pthread_cond_broadcast(&p->opened);
    pthread_mutex_unlock(&p->lock);
    if (rc != POOL_OK)
        return rc;
    *store_r = &e->store;
    return POOL_OK;
}

void pool_release(struct school_pool *p, struct store *store)
{
    struct pool_entry *e = (struct pool_entry *)store;
    pthread_mutex_lock(&p->lock);
    e->refs--;
    if (p->open > p->max_open)
        evict_idle(p);
    pthread_mutex_unlock(&p->lock);
}

void pool_forget(struct school_pool *p, const char *code)
{
    pthread_mutex_lock(&p->lock);
    struct pool_entry *e = hash_find(p, code);
    if (e != NULL && e->refs == 0)
        close_entry(p, e);
    pthread_mutex_unlock(&p->lock);
}

int pool_forget_wait(struct school_pool *p, const char *code, int timeout_ms)
{
    for (int waited = 0;; waited += 10) {
        pthread_mutex_lock(&p->lock);
        struct pool_entry *e = hash_find(p, code);
        bool gone = e == NULL;
        if (e != NULL && e->refs == 0 && !e->opening) {
            close_entry(p, e);
            gone = true;
        }
        pthread_mutex_unlock(&p->lock);
        if (gone)
            return 0;
        if (waited >= timeout_ms)
            return -1;
        usleep(10000);
    }
}

int pool_open_count(struct school_pool *p)
{
    pthread_mutex_lock(&p->lock);
    int n = p->open;
    pthread_mutex_unlock(&p->lock);
    return n;
}
