/*
 * tt_match, the bipartite matching both engines use (src/timetable/
 * match.c): it finds a perfect matching where taking the first free item
 * does not, keeps the preferred pairs it can, and on random small graphs
 * matches as many as an exhaustive search.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "timetable/match.h"

static void perfect_where_greedy_fails(void **state)
{
    (void)state;
    /* left 0 may take rooms 0 or 1, left 1 only room 0: first-free gives
       left 0 room 0 and leaves left 1 without */
    const int off[] = {0, 2, 3};
    const int adj[] = {0, 1, 0};
    int out[2], scratch[4];
    assert_int_equal(tt_match(2, off, adj, 2, NULL, out, scratch), 2);
    assert_int_equal(out[0], 1);
    assert_int_equal(out[1], 0);
}

static void preferred_pairs_stay(void **state)
{
    (void)state;
    /* three items, each may take any of three rooms: what they hold now
       (2, 0, 1) is kept whole */
    const int off[] = {0, 3, 6, 9};
    const int adj[] = {0, 1, 2, 0, 1, 2, 0, 1, 2};
    const int pref[] = {2, 0, 1};
    int out[3];
    assert_int_equal(tt_match(3, off, adj, 3, pref, out, NULL), 3);
    assert_memory_equal(out, pref, sizeof pref);
    /* a preference that is not an edge, or out of range, is ignored */
    const int off2[] = {0, 1, 2};
    const int adj2[] = {1, 0};
    const int pref2[] = {0, 7};
    assert_int_equal(tt_match(2, off2, adj2, 2, pref2, out, NULL), 2);
    assert_int_equal(out[0], 1);
    assert_int_equal(out[1], 0);
}

static void unmatched_items_say_so(void **state)
{
    (void)state;
    /* two items want the same single room */
    const int off[] = {0, 1, 2, 2};
    const int adj[] = {0, 0};
    int out[3];
    assert_int_equal(tt_match(3, off, adj, 1, NULL, out, NULL), 1);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], -1);
    assert_int_equal(out[2], -1);
}

/* The largest matching by trying every assignment (small graphs). */
static int best(int i, int n, const uint8_t e[6][6], int m, unsigned used)
{
    if (i == n)
        return 0;
    int b = best(i + 1, n, e, m, used);
    for (int r = 0; r < m; r++)
        if (e[i][r] && !(used & 1u << r)) {
            int v = 1 + best(i + 1, n, e, m, used | 1u << r);
            if (v > b)
                b = v;
        }
    return b;
}

static void as_large_as_exhaustive_search(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252ull;
    for (int round = 0; round < 2000; round++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int n = 1 + (int)(x % 6), m = 1 + (int)(x / 6 % 6);
        uint8_t e[6][6];
        int off[7], adj[36], na = 0, pref[6], out[6];
        for (int i = 0; i < n; i++) {
            off[i] = na;
            pref[i] = -1;
            for (int r = 0; r < m; r++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                e[i][r] = (uint8_t)(x % 3 == 0);
                if (e[i][r]) {
                    adj[na++] = r;
                    if (x % 5 == 0)
                        pref[i] = r;
                }
            }
        }
        off[n] = na;
        int got = tt_match(n, off, adj, m, round % 2 ? pref : NULL, out, NULL);
        assert_int_equal(got, best(0, n, e, m, 0));
        unsigned used = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (out[i] < 0)
                continue;
            assert_true(e[i][out[i]]);
            assert_false(used & 1u << out[i]);
            used |= 1u << out[i];
            count++;
        }
        assert_int_equal(count, got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(perfect_where_greedy_fails),
        cmocka_unit_test(preferred_pairs_stay),
        cmocka_unit_test(unmatched_items_say_so),
        cmocka_unit_test(as_large_as_exhaustive_search),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
