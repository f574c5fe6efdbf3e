"""/metrics (metrics.c): request counts, the latency histogram, open stores."""

from conftest import describe, parse_metrics


def _metrics(world):
    r = world.client().get("/metrics")
    assert r.status_code == 200, describe(r)
    assert r.headers.get("Content-Type", "").startswith("text/plain"), describe(r)
    return parse_metrics(r.text), r.text


def _requests_total(types, samples):
    names = [n for n, t in types.items() if t == "counter" and "request" in n]
    assert names, f"no request counter among {types}"
    return sum(v for n, _, v in samples if any(n == x or n == x + "_total" for x in names))


def test_metrics_count_requests_and_show_a_histogram_and_open_stores(world):
    world.client("alpha").get("/api/v1/branding")
    (types, samples), text = _metrics(world)
    before = _requests_total(types, samples)

    hist = [n for n, t in types.items() if t == "histogram"]
    assert hist, f"no histogram in /metrics:\n{text[:2000]}"
    h = hist[0]
    assert any(n == h + "_bucket" and 'le="+Inf"' in labels for n, labels, _ in samples), text[:2000]
    assert any(n == h + "_count" for n, _, _ in samples), text[:2000]
    assert any(n == h + "_sum" for n, _, _ in samples), text[:2000]

    gauges = [n for n, t in types.items() if t == "gauge" and "store" in n]
    assert gauges, f"no gauge of open school stores in /metrics:\n{text[:2000]}"
    assert max(v for n, _, v in samples if n in gauges) >= 1, text[:2000]

    for _ in range(5):
        world.client("beta").get("/api/v1/branding")
    (types, samples), text = _metrics(world)
    assert _requests_total(types, samples) >= before + 5, text[:2000]
