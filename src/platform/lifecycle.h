/*
 * The end of a school's life on the platform (lifecycle.c): downloading
 * its archive from the console (recorded: when, and the newest audit row
 * inside it) and deleting it, which is allowed only when an archive was
 * downloaded within TENANT_EXPORT_VALID_SECONDS and the school has not
 * changed since (no audit row newer than the archive's, sign-ins and
 * sign-outs aside), the typed confirmation is the school's code, and the
 * school is not the master school. Both are audited in the master audit
 * log. Handlers: src/http/h_platform.c; tests: tests/api/test_network.py.
 */
#ifndef BIS_PLATFORM_LIFECYCLE_H
#define BIS_PLATFORM_LIFECYCLE_H
#include <stddef.h>

#include "platform/platform.h"

/* How long a downloaded archive allows a deletion: 24 hours. */
#define TENANT_EXPORT_VALID_SECONDS 86400

enum {
    TENANT_IS_MASTER = -20,  /* the master school: never exported/deleted */
    TENANT_NEEDS_EXPORT = -21, /* no fresh archive: message_r says why */
};

/*
 * The school's archive (JSON, malloc'd into *data_r, *len_r bytes), with
 * the download recorded in the registry (tenants.exported_at,
 * export_audit_mark) and audited as "export". TENANT_OK,
 * TENANT_NOT_FOUND, TENANT_IS_MASTER or TENANT_ERROR.
 */
int tenant_export_download(struct platform *p, const char *code,
                           const struct actor *actor, char **data_r,
                           size_t *len_r, const char **error_r);

/*
 * Deletes a guest school: its registry row and the rows that refer to it
 * (statistics, usage, support tickets; invitations keep their history
 * without it), audited as "delete" with what the row held, in one master
 * transaction; then its store (SQLite file with WAL and shared memory, or
 * PostgreSQL schema) once no request uses it. `confirm` must equal the
 * code. TENANT_OK, TENANT_NOT_FOUND, TENANT_IS_MASTER, TENANT_INVALID
 * (confirmation; message_r), TENANT_NEEDS_EXPORT (message_r) or
 * TENANT_ERROR.
 */
int tenant_delete(struct platform *p, const char *code, const char *confirm,
                  const struct actor *actor, const char **message_r,
                  const char **error_r);

#endif
