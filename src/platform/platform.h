/*
 * The platform: the master store, the schools (tenants) it lists, the pool
 * of open school stores and the server-wide settings. `struct tenant` is a
 * by-value snapshot that travels explicitly into every function touching a
 * school's data; there is no "current school" anywhere.
 */
#ifndef BIS_PLATFORM_PLATFORM_H
#define BIS_PLATFORM_PLATFORM_H
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "auth/auth.h"
#include "db/db.h"
#include "db/pool.h"

#define MASTER_CODE "ueipab"
#define DEFAULT_TIMEZONE "America/Caracas"

struct tenant {
    int64_t id;
    char code[41];
    char name[256];
    char status[16]; /* active | suspended | inactive */
    bool is_master;
    char created_at[21];
    char updated_at[21];
};

struct platform_options {
    const char *data_dir;     /* SQLite: the data directory, or */
    const char *database_url; /* PostgreSQL: postgresql://... */
    int max_open_schools;
    bool auto_migrate;
    int db_pool_size; /* PostgreSQL connections */
};

struct platform {
    char *data_dir; /* for messages */
    struct db_backend backend;
    char base_domain[254];
    struct store master;
    struct school_pool *pool;
    /* tenant snapshot cache, refreshed after TENANT_CACHE_MS */
    pthread_rwlock_t cache_lock;
    struct tenant_cache_entry *cache; /* TENANT_CACHE_SLOTS entries */
};

/* Opens an initialized platform; the master store must be up to date. */
int platform_open(struct platform *p, const struct platform_options *opt,
                  const char **error_r);
void platform_close(struct platform *p);
/* Creates a new platform (master store, UEIPAB's store) where `opt` says. */
int platform_init(const struct platform_options *opt, const char *base_domain,
                  const char *master_name, const char **error_r);

/* NULL if a valid new school code, else a Spanish message. */
const char *tenant_code_check(const char *code);

/*
 * Finds a school by code through the cache (fresh within a second, so a
 * change made by the CLI reaches a running server within a second).
 * Returns 1 found, 0 unknown, -1 on a store error.
 */
int tenant_find(struct platform *p, const char *code, struct tenant *t_r);
/* Drops a cached snapshot after a change made by this process. */
void tenant_cache_forget(struct platform *p, const char *code);

/* The school a Host header names: 1 found, 0 unknown, -1 error. */
int tenant_resolve_host(struct platform *p, const char *host,
                        struct tenant *t_r);
/* "bischeduler-CODE.BASE" or "bischeduler.BASE" for the master. */
void tenant_host(const struct platform *p, const struct tenant *t, char *out,
                 size_t n);

enum tenant_result {
    TENANT_OK = 0,
    TENANT_ERROR = -1,    /* store error: error_r says what */
    TENANT_INVALID = -2,  /* message_r says what, field_r which field */
    TENANT_EXISTS = -3,
    TENANT_NOT_FOUND = -4,
};

/*
 * Creates a guest school: its store at the latest schema (written to a
 * temporary file and renamed into place), then its row in the master store
 * with an audit row, in one transaction.
 */
int tenant_create(struct platform *p, const char *code, const char *name,
                  const struct actor *actor, struct tenant *t_r,
                  const char **message_r, const char **field_r,
                  const char **error_r);
/* The same, with a status and (for an import) the archive's tables. */
int tenant_create_full(struct platform *p, const char *code, const char *name,
                       const char *status, json_t *data,
                       const struct actor *actor, struct tenant *t_r,
                       const char **message_r, const char **field_r,
                       const char **error_r);
int tenant_create_with(struct platform *p, const char *code, const char *name,
                       const char *status, json_t *data,
                       const struct actor *actor, struct tenant *t_r,
                       const char **message_r, const char **error_r);

/* transfer.c: a school's portable archive (JSON). */
int tenant_export(struct platform *p, const char *code, FILE *out,
                  const char **error_r);
/* The same; *audit_mark_r (may be NULL) gets the newest audit row's id
 * inside the archive, so a later change to the school can be told. */
int tenant_export_marked(struct platform *p, const char *code, FILE *out,
                         int64_t *audit_mark_r, const char **error_r);
/* Messages (message_r) are English: these are operators' commands. */
int tenant_import(struct platform *p, FILE *in, const struct actor *actor,
                  struct tenant *t_r, const char **message_r,
                  const char **error_r);
/* Replaces a new store's rows with an archive's (caller's transaction). */
int tenant_restore_tables(struct store *s, json_t *data, const char **error_r);

/*
 * status: active, suspended or inactive; action is audited. Every change
 * also ends the school's sessions (none survives a suspension); its API
 * tokens are kept (refused while the school is not active).
 */
int tenant_set_status(struct platform *p, const char *code,
                      const char *status, const struct actor *actor,
                      struct tenant *t_r, const char **error_r);
/* Renames a school in the platform's registry (audited in the master).
 * TENANT_OK, TENANT_NOT_FOUND or TENANT_ERROR; *error_r says why on any
 * failure. */
int tenant_rename(struct platform *p, const char *code, const char *name,
                  const struct actor *actor, const char **error_r);
/* Every school, ordered by code; caller frees *list_r. */
int tenant_list(struct platform *p, struct tenant **list_r, int *n_r,
                const char **error_r);
json_t *tenant_to_json(const struct platform *p, const struct tenant *t);

/* School settings (in the school's store). */
#define SETTING_NAME "name"
#define SETTING_TIMEZONE "timezone"
/* Reads a setting into out (default if absent). Caller holds the store. */
void school_setting(struct store *store, const char *key, const char *dflt,
                    char *out, size_t n);

/* Platform settings (in the master store). */
int platform_setting_get(struct platform *p, const char *key, char *out,
                         size_t n);

/*
 * Creates a user. For a school user `store` is the school's store; when the
 * school is the master school, `p` is consulted so an email names one
 * account on that host. For a platform_admin, `store` is the master store.
 * Runs its own transaction with an audit row. Returns TENANT_ codes.
 */
int user_create(struct platform *p, struct store *store, bool is_master_school,
                const char *email, const char *name, const char *role,
                const char *password, const struct actor *actor,
                int64_t *id_r, const char **message_r, const char **field_r,
                const char **error_r);
/*
 * Sets a password and ends the user's sessions and API tokens (and, for a
 * platform admin in the master store, their support tickets and support
 * sessions in every school).
 */
int user_set_password(struct platform *p, struct store *store,
                      const char *email, const char *password,
                      const struct actor *actor, const char **message_r,
                      const char **error_r);
/*
 * Whether `email` (lowercased) names an account in the other half of the
 * master host: the master school's store for a platform admin, the master
 * store for a user of the master school; false for any other school.
 */
int user_email_elsewhere(struct platform *p, bool platform_admin,
                         bool is_master_school, const char *email,
                         bool *taken_r, const char **error_r);
/*
 * After a platform admin's new password (or disabling): their support
 * sessions in every school end, one store at a time (call it after the
 * master store's transaction: lock order).
 */
int user_end_support_sessions(struct platform *p, const char *email,
                              const char **error_r);

#endif
