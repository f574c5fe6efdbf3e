/*
 * Accounts, roles, sessions, API tokens, sign-in throttling and the audit
 * log. Every function that touches a store takes that store explicitly: a
 * school's users live in the school's store, platform users in the master
 * store, and nothing here knows which school is "current".
 *
 * Functions that write (session_create, audit_write, ...) expect the caller
 * to hold a transaction (store_begin), so the change and its audit row
 * commit together; functions that only read expect store_lock().
 */
#ifndef BIS_AUTH_AUTH_H
#define BIS_AUTH_AUTH_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

/* Permissions, as designed: each role has a fixed set. */
enum permission {
    PERM_CREATE_TENANTS = 1u << 0,
    PERM_MANAGE_INVITATIONS = 1u << 1,
    PERM_VIEW_PLATFORM_ANALYTICS = 1u << 2,
    PERM_ACCESS_ALL_TENANTS = 1u << 3,
    PERM_MANAGE_SCHOOL_SETTINGS = 1u << 4,
    PERM_INVITE_USERS = 1u << 5,
    PERM_VIEW_SCHOOL_ANALYTICS = 1u << 6,
    PERM_MANAGE_OWN_PREFERENCES = 1u << 7,
    PERM_VIEW_SCHEDULES = 1u << 8,
    PERM_MARK_ATTENDANCE = 1u << 9,
    PERM_VIEW_OWN_CHILDREN_SCHEDULES = 1u << 10,
    PERM_RECEIVE_NOTIFICATIONS = 1u << 11,
    /* The school's records: years, structure, students, representatives,
     * staff, the Matrícula import and export. */
    PERM_MANAGE_RECORDS = 1u << 12,
};

/* The permissions of a role; 0 for an unknown role. */
unsigned role_permissions(const char *role);
bool role_is_school_role(const char *role);
/* The role's Spanish name, for messages. */
const char *role_label(const char *role);

/* Passwords: Argon2id via libsodium. */
#define PASSWORD_MIN 10
#define PASSWORD_MAX 256
#define PASSWORD_HASH_MAX 128
/* NULL if acceptable, else a Spanish message. */
const char *password_check_policy(const char *password);
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);
bool password_verify(const char *hash, const char *password);
/* Spends the time a verification takes, for unknown accounts. */
void password_verify_dummy(const char *password);
/* A random password of 16 characters that passes the policy. */
void password_generate(char out[17]);

/* NULL if `email` (already lowercased) is acceptable, else Spanish. */
const char *email_check(const char *email);

/* Who did something: written into the audit log. */
struct actor {
    int64_t user_id; /* 0 when none (CLI, unknown email) */
    const char *email;
    const char *role;
    const char *ip;
    const char *request_id;
};
/*
 * The role of an actor who is a platform admin inside a school (a support
 * session): audit_write() records it as role platform_admin with the row's
 * `support` flag set, the actor being the admin's email.
 */
#define ACTOR_ROLE_SUPPORT "support"

struct audit_entry {
    const char *action;
    const char *entity;
    const char *entity_id; /* may be NULL */
    json_t *before;        /* borrowed, may be NULL */
    json_t *after;         /* borrowed, may be NULL */
};

/* Inside the caller's transaction. */
int audit_write(struct store *store, const struct actor *actor,
                const struct audit_entry *entry, const char **error_r);

/* The signed-in party of a request. */
enum principal_kind { PRINCIPAL_NONE, PRINCIPAL_SCHOOL, PRINCIPAL_PLATFORM };

struct principal {
    enum principal_kind kind;
    int64_t user_id; /* 0 for a support session */
    char email[256];
    char name[256];
    char role[32];
    unsigned perms;
    bool support; /* a platform admin in a guest school */
    bool via_token;
    int64_t token_id;
    char session_hash[65];
    char csrf_token[65];
};

struct session_limits {
    int idle_seconds;
    int max_seconds;
};

/*
 * Creates a session (inside a transaction). Tokens are "s_<hex>" for school
 * sessions and "p_<hex>" for platform sessions; only their SHA-256 is stored.
 */
int session_create(struct store *store, enum principal_kind kind,
                   int64_t user_id, const char *role,
                   const char *support_actor, const char *ip,
                   const char *user_agent, const struct session_limits *lim,
                   char token_r[80], char csrf_r[65], const char **error_r);
/*
 * Looks up a session token (with store_lock held). Returns 1 and fills
 * *who if valid, 0 if unknown or expired (an expired one is deleted).
 */
int session_lookup(struct store *store, enum principal_kind kind,
                   const char *token, const struct session_limits *lim,
                   struct principal *who, const char **error_r);
int session_delete(struct store *store, const char *session_hash,
                   const char **error_r);

/*
 * Validated sessions cached for a second, keyed by school code and token
 * (session_cache.c). session_delete() forgets the entry.
 */
bool session_cache_get(const char *code, const char *token,
                       struct principal *who);
void session_cache_put(const char *code, const char *token,
                       const struct principal *who);
void session_cache_forget(const char *hash);
/* Forgets every cached session of a school (suspended, deactivated). */
void session_cache_forget_school(const char *code);
/* Forgets every cached session of one user of store `store_name` (a
 * school code, or "master" for a platform admin): disabled, new password. */
void session_cache_forget_user(const char *store_name, int64_t user_id);
/* Which store a token belongs to, from its prefix. */
enum principal_kind session_token_kind(const char *token);

/* API tokens: "bis_s_<hex>" / "bis_p_<hex>", stored hashed. */
int api_token_create(struct store *store, int64_t user_id, const char *name,
                     enum principal_kind kind, char token_r[80],
                     int64_t *id_r, const char **error_r);
int api_token_lookup(struct store *store, enum principal_kind kind,
                     const char *token, struct principal *who,
                     const char **error_r);
enum principal_kind api_token_kind(const char *token);

/*
 * Ending access (inside the caller's transaction): a user's sessions and
 * API tokens (a new password); the support sessions a platform admin holds
 * in one school's store; that admin's unused support tickets (master
 * store); every session of a school (suspension, deactivation).
 */
int auth_end_user_access(struct store *store, int64_t user_id,
                         const char **error_r);
int auth_end_support_sessions(struct store *store, const char *admin_email,
                              const char **error_r);
int auth_cancel_support_tickets(struct store *master, int64_t user_id,
                                const char **error_r);
int auth_end_all_sessions(struct store *school, const char **error_r);

/*
 * The enabled account with a password (an invited one, password_hash '',
 * is treated as unknown: no Argon2id on an empty hash, nothing revealed)
 * an email names in `store`, for sign-in: its id,
 * Argon2id hash (PASSWORD_HASH_MAX bytes) and role (32 bytes). 1 found,
 * 0 not, -1 error. (Caller holds the store.)
 */
int user_find_for_signin(struct store *store, const char *email,
                         int64_t *id_r, char *hash_r, char *role_r,
                         const char **error_r);

/* Fills name/email/role/perms of a user; 1 found, 0 not, <0 error. */
int user_load(struct store *store, enum principal_kind kind, int64_t user_id,
              struct principal *who, const char **error_r);

/*
 * Sign-in lockout, kept per email whether or not an account exists, so the
 * replies never reveal which emails exist. (Caller holds the store.)
 */
#define LOGIN_MAX_FAILURES 5
#define LOGIN_LOCK_SECONDS (15 * 60)
bool login_is_locked(struct store *store, const char *email);
int login_record_failure(struct store *store, const char *email,
                         const char **error_r);
int login_clear_failures(struct store *store, const char *email,
                         const char **error_r);

/*
 * Per-address limit on failed sign-ins (throttle.c): counted in memory
 * (bounded; colliding addresses share a budget), persisted in the master
 * store so that a restart does not lift it. Over the limit an address may
 * still sign in with a right password; a wrong one locks the email at once.
 */
#define LOGIN_MAX_FAILURES_PER_ADDRESS 100
#define LOGIN_ADDRESS_WINDOW (15 * 60)
bool ip_throttle_blocked(const char *ip);
void ip_throttle_failure(const char *ip);
/* Writes the failure to the master store (inside the caller's transaction). */
int ip_throttle_persist(struct store *master, const char *ip,
                        const char **error_r);
/* Loads the windows still open from the master store (store_lock held). */
int ip_throttle_restore(struct store *master, const char **error_r);
/* The slot an address counts in (for tests), and a reset (for tests). */
unsigned ip_throttle_slot(const char *ip);
void ip_throttle_reset(void);
/* Locks an email at once (a wrong password from an address over its limit). */
int login_lock_now(struct store *store, const char *email,
                   const char **error_r);

/*
 * Forgotten-password requests (reset_limit.c), per hour: this many for one
 * email and from one address, whether or not the email names an account.
 */
#define RESET_PER_EMAIL 5
#define RESET_PER_ADDRESS 100
/* Counts a request; false when the email or the address is over its limit. */
bool reset_limit_allow(const char *ip, const char *email);

#endif
