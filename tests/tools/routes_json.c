/*
 * routes_json: prints the server's routing table and the roles' permissions
 * as one JSON object, read from the linked code itself (routes[] of
 * src/http/routes.c, role_permissions() of src/auth/roles.c), so that
 * tests/api/test_isolation.py covers every route the binary has, including
 * one added tomorrow, without parsing C.
 *
 *   {"route_public": N, "route_session": N,
 *    "routes": [{"method", "pattern", "perm", "scope": "school"|"master",
 *                "json_body"}...],
 *    "roles": {"platform_admin": N, "school_admin": N, ...}}
 */
#include <jansson.h>
#include <stdio.h>

#include "auth/auth.h"
#include "http/http.h"

/* Every role the design names (src/auth/roles.c); a role missing here gets
 * no permission bits, which the isolation test would report as 403s. */
static const char *const role_names[] = {"platform_admin", "school_admin",
                                         "teacher", "parent"};

int main(void)
{
    json_t *out = json_object();
    json_object_set_new(out, "route_public", json_integer(ROUTE_PUBLIC));
    json_object_set_new(out, "route_session", json_integer(ROUTE_SESSION));
    json_t *list = json_array();
    for (size_t i = 0; i < routes_count; i++) {
        const struct route *rt = &routes[i];
        json_array_append_new(
            list,
            json_pack("{s:s, s:s, s:I, s:s, s:b}", "method", rt->method,
                      "pattern", rt->pattern, "perm", (json_int_t)rt->perm,
                      "scope",
                      rt->scope == SCOPE_MASTER ? "master" : "school",
                      "json_body", rt->json_body));
    }
    json_object_set_new(out, "routes", list);
    json_t *roles = json_object();
    for (size_t i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
        json_object_set_new(roles, role_names[i],
                            json_integer(role_permissions(role_names[i])));
    json_object_set_new(out, "roles", roles);
    int rc = json_dumpf(out, stdout, JSON_INDENT(1) | JSON_SORT_KEYS);
    json_decref(out);
    if (rc != 0 || fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
        fprintf(stderr, "routes_json: cannot write the table\n");
        return 1;
    }
    return 0;
}
