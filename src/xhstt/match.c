/*
 * A maximum bipartite matching by augmenting paths (Kuhn), for the
 * solver's rooms at one time (solve.c, rematch_move): left items are open
 * roles, right items resources.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "xhstt/internal.h"

struct kuhn {
    const int *off, *adj;
    int *owner, *vis, stamp;
    int *out;
};

static bool augment(struct kuhn *k, int i)
{
    for (int j = k->off[i]; j < k->off[i + 1]; j++) {
        int r = k->adj[j];
        if (k->vis[r] == k->stamp)
            continue;
        k->vis[r] = k->stamp;
        if (k->owner[r] < 0 || augment(k, k->owner[r])) {
            k->owner[r] = i;
            k->out[i] = r;
            return true;
        }
    }
    return false;
}

int xh_match(int n, const int *off, const int *adj, const int *first, int nright, int *out)
{
    struct kuhn k = {.off = off, .adj = adj, .out = out};
    k.owner = xmalloc(((size_t)nright + 1) * sizeof(int));
    k.vis = xcalloc((size_t)nright + 1, sizeof(int));
    for (int r = 0; r < nright; r++)
        k.owner[r] = -1;
    int matched = 0;
    for (int i = 0; i < n; i++) {
        out[i] = -1;
        int r = first ? first[i] : -1;
        if (r < 0 || k.owner[r] >= 0)
            continue;
        for (int j = off[i]; j < off[i + 1]; j++)
            if (adj[j] == r) {
                k.owner[r] = i;
                out[i] = r;
                matched++;
                break;
            }
    }
    for (int i = 0; i < n; i++)
        if (out[i] < 0) {
            k.stamp++;
            matched += augment(&k, i);
        }
    free(k.owner);
    free(k.vis);
    return matched;
}
