/*
 * A maximum bipartite matching (Kuhn's augmenting paths), shared by the
 * two engines wherever several resources are chosen at one time: the
 * school engine's real rooms of a virtual room, the XHSTT solver's open
 * roles. Left items 0..nleft-1, right items 0..nright-1; left i may take
 * the right items adj[off[i]] .. adj[off[i+1]-1].
 */
#ifndef BIS_TIMETABLE_MATCH_H
#define BIS_TIMETABLE_MATCH_H

/*
 * Matches as many left items as possible. pref (or NULL) names, per left
 * item, the right item it keeps if it can (-1: none): what it holds now,
 * so a re-matching moves as little as it must. out[i] receives left i's
 * right item or -1. scratch holds 2 * nright ints (NULL: allocated here).
 * Returns how many left items are matched.
 */
int tt_match(int nleft, const int *off, const int *adj, int nright, const int *pref,
             int *out, int *scratch);

#endif
