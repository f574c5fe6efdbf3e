/*
 * Kuhn's augmenting paths (match.h). The preferred pairs are taken first,
 * then every left item still free searches for an augmenting path; each
 * search marks the right items it visits with its own stamp, so the marks
 * are never cleared.
 */
#include "timetable/match.h"

#include <stdbool.h>
#include <stdlib.h>

#include "core/util.h"

struct kuhn {
    const int *off, *adj;
    int *owner; /* per right item: its left item or -1 */
    int *seen;  /* per right item: the stamp of the last search to visit it */
    int stamp;
    int *out;
};

static bool augment(struct kuhn *k, int i)
{
    for (int j = k->off[i]; j < k->off[i + 1]; j++) {
        int r = k->adj[j];
        if (k->seen[r] == k->stamp)
            continue;
        k->seen[r] = k->stamp;
        if (k->owner[r] < 0 || augment(k, k->owner[r])) {
            k->owner[r] = i;
            k->out[i] = r;
            return true;
        }
    }
    return false;
}

int tt_match(int nleft, const int *off, const int *adj, int nright, const int *pref,
             int *out, int *scratch)
{
    int *mine = scratch ? NULL : xmalloc(((size_t)nright * 2 + 1) * sizeof(int));
    int *mem = scratch ? scratch : mine;
    struct kuhn k = {off, adj, mem, mem + nright, 0, out};
    for (int r = 0; r < nright; r++) {
        k.owner[r] = -1;
        k.seen[r] = -1;
    }
    int matched = 0;
    for (int i = 0; i < nleft; i++) {
        out[i] = -1;
        int r = pref ? pref[i] : -1;
        if (r < 0 || r >= nright || k.owner[r] >= 0)
            continue;
        for (int j = off[i]; j < off[i + 1]; j++)
            if (adj[j] == r) {
                k.owner[r] = i;
                out[i] = r;
                matched++;
                break;
            }
    }
    for (int i = 0; i < nleft; i++)
        if (out[i] < 0) {
            k.stamp++;
            matched += augment(&k, i);
        }
    free(mine);
    return matched;
}
