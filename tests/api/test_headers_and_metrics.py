"""Headers every reply carries, request ids, and the /metrics endpoint."""

from conftest import BASE, PASSWORD, describe, parse_metrics


def _replies(world):
    anon = world.client("alpha")
    nobody = world.client(host=f"bischeduler-nadie.{BASE}:{world.port}")
    signed = world.client("alpha")
    return [
        anon.get("/healthz"),
        anon.get("/api/v1/branding"),
        anon.get("/api/v1/auth/me"),                                   # 401
        anon.get("/api/v1/no-existe"),                                 # 404
        anon.request("DELETE", "/api/v1/branding"),                    # 405
        anon.get("/", headers={"Accept": "text/html"}),                # web app
        nobody.get("/api/v1/branding"),                                # 404 unknown school
        nobody.get("/", headers={"Accept": "text/html"}),              # 404 HTML page
        signed.login("docente@alpha.test", PASSWORD),                  # 200 + cookie
        signed.login("docente@alpha.test", "equivocada-123"),          # 401
        anon.post("/api/v1/auth/login", data=b"{x", content_type="application/json"),  # 400
    ]


def test_every_reply_carries_the_security_headers(world):
    for r in _replies(world):
        where = describe(r)
        csp = r.headers.get("Content-Security-Policy")
        assert csp, f"no Content-Security-Policy: {where}"
        assert "'unsafe-inline'" not in csp, f"CSP allows inline code: {csp}"
        assert "frame-ancestors 'none'" in csp, f"CSP lets other sites frame the app: {csp}"
        assert r.headers.get("X-Content-Type-Options", "").lower() == "nosniff", where
        rp = r.headers.get("Referrer-Policy", "")
        assert rp and rp.lower() != "unsafe-url", f"Referrer-Policy {rp!r}: {where}"


def test_every_reply_carries_a_distinct_request_id(world):
    ids = []
    for r in _replies(world):
        rid = r.headers.get("X-Request-Id")
        assert rid and rid.strip(), f"no X-Request-Id: {describe(r)}"
        ids.append(rid)
    assert len(set(ids)) == len(ids), ids


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


def test_assets_are_served_with_etags_and_revalidated(world):
    c = world.client("alpha")
    r = c.get("/assets/app.css")
    assert r.status_code == 200, describe(r)
    assert r.headers.get("Content-Type", "").startswith("text/css"), describe(r)
    etag = r.headers.get("ETag")
    assert etag, f"no ETag: {r.headers}"
    again = c.get("/assets/app.css", headers={"If-None-Match": etag})
    assert again.status_code == 304, describe(again)
    assert again.content == b""
    assert again.headers.get("X-Content-Type-Options", "").lower() == "nosniff"
    assert c.get("/assets/no-existe.js").status_code == 404


def test_assets_cannot_escape_their_directory(world):
    import http.client
    for path in ("/assets/../../../../../../etc/passwd", "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
                 "/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/../../../../etc/passwd"):
        conn = http.client.HTTPConnection("127.0.0.1", world.port, timeout=10)
        conn.request("GET", path, headers={"Host": world.host("alpha")})
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        assert b"root:" not in body, f"{path} served /etc/passwd"
        assert resp.status == 404, (path, resp.status, body[:200])
        assert b'"not_found"' in body, (path, resp.status, body[:200])


def test_pages_allow_only_their_own_files_and_data_replies_nothing(world):
    page = world.client().get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200, describe(page)
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp, csp
    data = world.client().get("/api/v1/branding")
    assert data.headers["Content-Security-Policy"].startswith("default-src 'none'"), \
        data.headers["Content-Security-Policy"]


def test_assets_revalidate_with_strong_weak_and_listed_etags(world):
    c = world.client()
    first = c.get("/assets/app.css")
    assert first.status_code == 200, describe(first)
    etag = first.headers["ETag"]
    for header in (etag, "W/" + etag, '"otra", W/' + etag, "*"):
        r = c.get("/assets/app.css", headers={"If-None-Match": header})
        assert r.status_code == 304, (header, describe(r))
    assert c.get("/assets/app.css", headers={"If-None-Match": '"otra"'}).status_code == 200
