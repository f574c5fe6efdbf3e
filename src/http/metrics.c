/*
 * Prometheus metrics: requests by status, a latency histogram and the number
 * of open school stores. Counters are relaxed atomics: exact totals, no
 * locks on the request path.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "core/util.h"
#include "http/http.h"

static atomic_ullong by_status[600];
static const double bounds_ms[] = {1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000,
                                   2500};
#define NB (sizeof bounds_ms / sizeof bounds_ms[0])
static atomic_ullong buckets[NB + 1];
static atomic_ullong count;
static _Atomic double sum_ms; /* updated with compare-exchange */

void metrics_record(unsigned status, double ms)
{
    if (status < 600)
        atomic_fetch_add_explicit(&by_status[status], 1, memory_order_relaxed);
    size_t b = 0;
    while (b < NB && ms > bounds_ms[b])
        b++;
    atomic_fetch_add_explicit(&buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    double old = atomic_load_explicit(&sum_ms, memory_order_relaxed);
    while (!atomic_compare_exchange_weak(&sum_ms, &old, old + ms))
        ;
}

void metrics_render(struct request *r)
{
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_adds(&sb, "# HELP bischeduler_requests_total HTTP requests by "
                     "status.\n# TYPE bischeduler_requests_total counter\n");
    for (int s = 100; s < 600; s++) {
        unsigned long long n = atomic_load(&by_status[s]);
        if (n)
            strbuf_addf(&sb, "bischeduler_requests_total{status=\"%d\"} %llu\n",
                        s, n);
    }
    strbuf_adds(&sb, "# HELP bischeduler_request_duration_seconds Request "
                     "latency.\n# TYPE bischeduler_request_duration_seconds "
                     "histogram\n");
    unsigned long long cum = 0;
    for (size_t b = 0; b < NB; b++) {
        cum += atomic_load(&buckets[b]);
        strbuf_addf(&sb,
                    "bischeduler_request_duration_seconds_bucket{le=\"%g\"} "
                    "%llu\n",
                    bounds_ms[b] / 1000.0, cum);
    }
    cum += atomic_load(&buckets[NB]);
    strbuf_addf(&sb,
                "bischeduler_request_duration_seconds_bucket{le=\"+Inf\"} "
                "%llu\n",
                cum);
    strbuf_addf(&sb, "bischeduler_request_duration_seconds_sum %.6f\n",
                atomic_load(&sum_ms) / 1000.0);
    strbuf_addf(&sb, "bischeduler_request_duration_seconds_count %llu\n",
                atomic_load(&count));
    strbuf_addf(&sb,
                "# HELP bischeduler_open_school_stores School stores open "
                "in the pool.\n# TYPE bischeduler_open_school_stores gauge\n"
                "bischeduler_open_school_stores %d\n",
                pool_open_count(r->p->pool));
    size_t len = sb.len;
    char *body = strbuf_steal(&sb);
    reply_buffer(r, 200, "text/plain; version=0.0.4; charset=utf-8", body,
                 len, true);
    free(body);
}
