/*
 * The routing table and the role table, as specifications: every route
 * declares a permission, platform routes live on the master host only,
 * patterns match what they should and nothing else, and each role holds
 * exactly the permissions of the design.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"

#define ALL_PERMS 0x1fffu /* through PERM_MANAGE_RECORDS */

static void test_every_route_declares_a_permission(void **state)
{
    (void)state;
    for (size_t i = 0; i < routes_count; i++) {
        unsigned p = routes[i].perm;
        bool declared = p == ROUTE_PUBLIC || p == ROUTE_SESSION ||
                        (p != 0 && (p & ~ALL_PERMS) == 0);
        if (!declared)
            fail_msg("route %s %s declares no permission", routes[i].method,
                     routes[i].pattern);
        assert_non_null(routes[i].handler);
    }
}

static void test_only_sign_in_branding_links_and_invitations_are_public(
    void **state)
{
    (void)state;
    for (size_t i = 0; i < routes_count; i++) {
        if (routes[i].perm != ROUTE_PUBLIC)
            continue;
        const char *p = routes[i].pattern;
        /* issue 14: the logo (sign-in page, mail), the forgotten password
         * and the one-time links it and invitations mail */
        if (strcmp(p, "/api/v1/branding") != 0 &&
            strcmp(p, "/api/v1/branding/logo") != 0 &&
            strcmp(p, "/api/v1/auth/password-reset") != 0 &&
            strcmp(p, "/api/v1/auth/links/{token}") != 0 &&
            strcmp(p, "/api/v1/auth/login") != 0 &&
            strcmp(p, "/api/v1/auth/support") != 0 &&
            /* issue #15: a calendar feed, its secret token the key */
            strcmp(p, "/ical/{file}") != 0 &&
            strncmp(p, "/api/v1/invitations/{token}", 27) != 0)
            fail_msg("route %s %s is public", routes[i].method, p);
    }
}

static void test_platform_routes_are_master_only_and_need_platform_perms(
    void **state)
{
    (void)state;
    const unsigned platform_perms =
        PERM_CREATE_TENANTS | PERM_MANAGE_INVITATIONS |
        PERM_VIEW_PLATFORM_ANALYTICS | PERM_ACCESS_ALL_TENANTS;
    for (size_t i = 0; i < routes_count; i++) {
        if (strncmp(routes[i].pattern, "/api/v1/platform/", 17) != 0)
            continue;
        assert_int_equal(routes[i].scope, SCOPE_MASTER);
        assert_true((routes[i].perm & ~platform_perms) == 0);
    }
}

static void test_no_two_routes_share_method_and_pattern(void **state)
{
    (void)state;
    for (size_t i = 0; i < routes_count; i++)
        for (size_t j = i + 1; j < routes_count; j++)
            if (strcmp(routes[i].method, routes[j].method) == 0 &&
                strcmp(routes[i].pattern, routes[j].pattern) == 0)
                fail_msg("duplicate route %s %s", routes[i].method,
                         routes[i].pattern);
}

static void test_patterns_capture_parameters(void **state)
{
    (void)state;
    char params[2][128];
    assert_true(route_match("/api/v1/platform/tenants/{code}/suspend",
                            "/api/v1/platform/tenants/demo/suspend", params));
    assert_string_equal(params[0], "demo");
    assert_true(route_match("/api/v1/auth/tokens/{id}", "/api/v1/auth/tokens/42",
                            params));
    assert_string_equal(params[0], "42");
    assert_false(route_match("/api/v1/auth/tokens/{id}",
                             "/api/v1/auth/tokens/", params));
    assert_false(route_match("/api/v1/auth/tokens/{id}",
                             "/api/v1/auth/tokens/4/2", params));
    assert_false(route_match("/api/v1/users", "/api/v1/users/", params));
    assert_false(route_match("/api/v1/users", "/api/v1/user", params));
}

static void test_roles_hold_exactly_the_designed_permissions(void **state)
{
    (void)state;
    assert_int_equal(role_permissions("platform_admin"),
                     PERM_CREATE_TENANTS | PERM_MANAGE_INVITATIONS |
                         PERM_VIEW_PLATFORM_ANALYTICS |
                         PERM_ACCESS_ALL_TENANTS);
    assert_int_equal(role_permissions("school_admin"),
                     PERM_MANAGE_SCHOOL_SETTINGS | PERM_INVITE_USERS |
                         PERM_VIEW_SCHOOL_ANALYTICS | PERM_MANAGE_RECORDS);
    assert_int_equal(role_permissions("teacher"),
                     PERM_MANAGE_OWN_PREFERENCES | PERM_VIEW_SCHEDULES |
                         PERM_MARK_ATTENDANCE);
    assert_int_equal(role_permissions("parent"),
                     PERM_VIEW_OWN_CHILDREN_SCHEDULES |
                         PERM_RECEIVE_NOTIFICATIONS);
    assert_int_equal(role_permissions("root"), 0);
    assert_int_equal(role_permissions(""), 0);
    assert_true(role_is_school_role("teacher"));
    assert_false(role_is_school_role("platform_admin"));
}

static void test_school_codes_are_validated(void **state)
{
    (void)state;
    assert_null(tenant_code_check("demo"));
    assert_null(tenant_code_check("colegio-san-jose-2"));
    assert_non_null(tenant_code_check("a"));
    assert_non_null(tenant_code_check("Demo"));
    assert_non_null(tenant_code_check("-demo"));
    assert_non_null(tenant_code_check("demo-"));
    assert_non_null(tenant_code_check("de_mo"));
    assert_non_null(tenant_code_check("admin"));
    assert_non_null(tenant_code_check("www"));
    assert_non_null(
        tenant_code_check("a-very-long-school-code-that-exceeds-forty"));
}

static void test_password_and_email_policies(void **state)
{
    (void)state;
    assert_non_null(password_check_policy("short"));
    assert_non_null(password_check_policy("123456789"));
    assert_null(password_check_policy("1234567890"));
    assert_null(email_check("director@demo.localhost"));
    assert_non_null(email_check("director"));
    assert_non_null(email_check("a@b"));
    assert_non_null(email_check("a@@b.c"));
    assert_non_null(email_check("a b@c.d"));
    char pw[17];
    password_generate(pw);
    assert_int_equal(strlen(pw), 16);
    assert_null(password_check_policy(pw));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_route_declares_a_permission),
        cmocka_unit_test(
            test_only_sign_in_branding_links_and_invitations_are_public),
        cmocka_unit_test(
            test_platform_routes_are_master_only_and_need_platform_perms),
        cmocka_unit_test(test_no_two_routes_share_method_and_pattern),
        cmocka_unit_test(test_patterns_capture_parameters),
        cmocka_unit_test(test_roles_hold_exactly_the_designed_permissions),
        cmocka_unit_test(test_school_codes_are_validated),
        cmocka_unit_test(test_password_and_email_policies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
