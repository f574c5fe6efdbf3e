/*
 * Integer helpers (ints.h). Parsing checks the text itself rather than
 * trusting strtol, which would take "+5", " 0x1A" or "5 apples" in part.
 */
#include "core/ints.h"

#include <limits.h>
#include <stdlib.h>

#include "core/util.h"

void ilist_push(struct ilist *l, int x)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, (size_t)l->cap * sizeof(int));
    }
    l->v[l->n++] = x;
}

bool ilist_has(const struct ilist *l, int x)
{
    for (int i = 0; i < l->n; i++)
        if (l->v[i] == x)
            return true;
    return false;
}

void ilist_add_unique(struct ilist *l, int x)
{
    if (!ilist_has(l, x))
        ilist_push(l, x);
}

void ilist_sort(struct ilist *l)
{
    if (l->n > 1)
        qsort(l->v, (size_t)l->n, sizeof(int), int_cmp);
}

void ilist_free(struct ilist *l)
{
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

int int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool long_parse(const char *s, long *out)
{
    if (!s)
        return false;
    while (is_space(*s))
        s++;
    bool neg = *s == '-';
    if (neg)
        s++;
    if (*s < '0' || *s > '9')
        return false;
    unsigned long v = 0, limit = neg ? (unsigned long)LONG_MAX + 1 : (unsigned long)LONG_MAX;
    for (; *s >= '0' && *s <= '9'; s++) {
        unsigned d = (unsigned)(*s - '0');
        if (v > (limit - d) / 10)
            return false;
        v = v * 10 + d;
    }
    while (is_space(*s))
        s++;
    if (*s)
        return false;
    *out = neg ? (v == (unsigned long)LONG_MAX + 1 ? LONG_MIN : -(long)v) : (long)v;
    return true;
}

bool int_parse(const char *s, long lo, long hi, int *out)
{
    long v;
    if (!long_parse(s, &v) || v < lo || v > hi || v < INT_MIN || v > INT_MAX)
        return false;
    *out = (int)v;
    return true;
}
