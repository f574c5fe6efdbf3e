/*
 * Small integer helpers the readers and solvers share: a growable list of
 * ints, the int comparison for qsort, and strict number parsing (the one
 * place that decides what counts as a number in a file we read). Library
 * bis_base: the C library only.
 */
#ifndef BIS_CORE_INTS_H
#define BIS_CORE_INTS_H
#include <stdbool.h>

/* A growable list of ints; zero-initialize, free with ilist_free. */
struct ilist {
    int *v;
    int n, cap;
};
void ilist_push(struct ilist *l, int x);
bool ilist_has(const struct ilist *l, int x);
void ilist_add_unique(struct ilist *l, int x);
void ilist_sort(struct ilist *l);
void ilist_free(struct ilist *l);

/* qsort comparison of two ints, ascending. */
int int_cmp(const void *a, const void *b);

/* A whole number in decimal: optional white space (space, tab, CR, LF)
   around it, an optional "-", digits; nothing else (no "+", no "0x", no
   trailing text). false when s is NULL, empty, not such a number or out
   of range. */
bool long_parse(const char *s, long *out);
/* The same, in [lo, hi]. */
bool int_parse(const char *s, long lo, long hi, int *out);

#endif
