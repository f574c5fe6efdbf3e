/*
 * Loaded time zones, shared by every thread: a zone file is read once per
 * process and kept until exit (there are a few hundred zones at most).
 */
#ifndef BIS_CORE_TZCACHE_H
#define BIS_CORE_TZCACHE_H
#include "core/tz.h"

/* The zone by name, or America/Caracas if the name does not load. */
const struct tz *tz_cached(const char *name);

#endif
