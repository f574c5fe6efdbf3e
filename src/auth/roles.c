/*
 * Roles and their permissions: the design's fixed table. A platform admin
 * holds no school permission; entering a school needs the audited
 * support-access action, which yields a school_admin session.
 */
#include <string.h>

#include "auth/auth.h"

static const struct {
    const char *role;
    const char *label;
    unsigned perms;
} roles[] = {
    {"platform_admin", "Administrador de plataforma",
     PERM_CREATE_TENANTS | PERM_MANAGE_INVITATIONS |
         PERM_VIEW_PLATFORM_ANALYTICS | PERM_ACCESS_ALL_TENANTS},
    {"school_admin", "Administrador del plantel",
     PERM_MANAGE_SCHOOL_SETTINGS | PERM_INVITE_USERS |
         PERM_VIEW_SCHOOL_ANALYTICS | PERM_MANAGE_RECORDS},
    {"teacher", "Docente",
     PERM_MANAGE_OWN_PREFERENCES | PERM_VIEW_SCHEDULES | PERM_MARK_ATTENDANCE},
    {"parent", "Representante",
     PERM_VIEW_OWN_CHILDREN_SCHEDULES | PERM_RECEIVE_NOTIFICATIONS},
};

unsigned role_permissions(const char *role)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(roles[i].role, role) == 0)
            return roles[i].perms;
    return 0;
}

bool role_is_school_role(const char *role)
{
    return strcmp(role, "school_admin") == 0 || strcmp(role, "teacher") == 0 ||
           strcmp(role, "parent") == 0;
}

const char *role_label(const char *role)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(roles[i].role, role) == 0)
            return roles[i].label;
    return role;
}
