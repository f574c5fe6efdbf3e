/*
 * The per-address sign-in throttle (src/auth/throttle.c): a limit, once
 * reached, holds for its window whatever other addresses do. Two addresses
 * that hash to the same slot share a budget; the second must never reset the
 * first's window (which would lift its limit). IPv6 clients count per /64.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "auth/auth.h"

/* Finds an IPv4 address other than `ip` that lands in the same slot. */
static void colliding_address(const char *ip, char out[32])
{
    unsigned want = ip_throttle_slot(ip);
    for (unsigned i = 1; i < (1u << 20); i++) {
        snprintf(out, 32, "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255,
                 i & 255);
        if (strcmp(out, ip) != 0 && ip_throttle_slot(out) == want)
            return;
    }
    fail_msg("no colliding address found");
}

static void fail_n(const char *ip, int n)
{
    for (int i = 0; i < n; i++)
        ip_throttle_failure(ip);
}

static void test_limit_blocks_at_the_threshold(void **state)
{
    (void)state;
    ip_throttle_reset();
    fail_n("192.0.2.7", LOGIN_MAX_FAILURES_PER_ADDRESS - 1);
    assert_false(ip_throttle_blocked("192.0.2.7"));
    fail_n("192.0.2.7", 1);
    assert_true(ip_throttle_blocked("192.0.2.7"));
}

static void test_a_colliding_address_cannot_lift_a_limit(void **state)
{
    (void)state;
    ip_throttle_reset();
    const char *a = "198.51.100.23";
    char b[32];
    colliding_address(a, b);
    assert_int_equal(ip_throttle_slot(a), ip_throttle_slot(b));
    fail_n(a, LOGIN_MAX_FAILURES_PER_ADDRESS);
    assert_true(ip_throttle_blocked(a));
    /* the colliding address fails once: the limit of `a` must hold */
    ip_throttle_failure(b);
    assert_true(ip_throttle_blocked(a));
    fail_n(b, 10);
    assert_true(ip_throttle_blocked(a));
    /* they share the budget: `b` is over it too, never under */
    assert_true(ip_throttle_blocked(b));
}

static void test_colliding_addresses_add_up(void **state)
{
    (void)state;
    ip_throttle_reset();
    const char *a = "203.0.113.9";
    char b[32];
    colliding_address(a, b);
    fail_n(a, LOGIN_MAX_FAILURES_PER_ADDRESS / 2);
    fail_n(b, LOGIN_MAX_FAILURES_PER_ADDRESS - LOGIN_MAX_FAILURES_PER_ADDRESS / 2);
    assert_true(ip_throttle_blocked(a));
    assert_true(ip_throttle_blocked(b));
}

static void test_ipv6_counts_per_64(void **state)
{
    (void)state;
    ip_throttle_reset();
    /* one client rotating through its /64 */
    for (int i = 0; i < LOGIN_MAX_FAILURES_PER_ADDRESS; i++) {
        char ip[64];
        snprintf(ip, sizeof ip, "2001:db8:1:2::%x", i + 1);
        ip_throttle_failure(ip);
    }
    assert_true(ip_throttle_blocked("2001:db8:1:2:ffff::1"));
    assert_int_equal(ip_throttle_slot("2001:db8:1:2::1"),
                     ip_throttle_slot("2001:db8:1:2:abcd::9"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit_blocks_at_the_threshold),
        cmocka_unit_test(test_a_colliding_address_cannot_lift_a_limit),
        cmocka_unit_test(test_colliding_addresses_add_up),
        cmocka_unit_test(test_ipv6_counts_per_64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
