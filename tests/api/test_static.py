"""The web app's files (static.c): ETags, revalidation, no escape from
the assets directory, the pages' Content-Security-Policy."""

from conftest import describe


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


def test_unknown_pages_answer_404_with_the_app_and_api_paths_stay_json(world):
    """A browser's unknown address gets the web app (which shows "Página no
    encontrada") with status 404; /api/ and programs keep the JSON 404."""
    c = world.client("alpha")
    html = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    for path in ("/no-existe", "/estudiantes/abc/xyz", "/auditoria/otra"):
        r = c.get(path, headers=html)
        assert r.status_code == 404, (path, describe(r))
        assert r.headers["Content-Type"].startswith("text/html"), (path, describe(r))
        assert 'lang="es-VE"' in r.text and "/assets/app.js" in r.text, (path, r.text[:300])
        assert "Content-Security-Policy" in r.headers and "script-src 'self'" in r.headers["Content-Security-Policy"]
    for path in ("/estudiantes/12", "/estudiantes/12/editar", "/estudiantes/nuevo", "/auditoria"):
        assert c.get(path, headers=html).status_code == 200, path
    for path, headers in (("/api/v1/no-existe", html), ("/no-existe", {"Accept": "application/json"})):
        r = c.get(path, headers=headers)
        assert r.status_code == 404, (path, describe(r))
        assert r.json()["error"]["code"] == "not_found", (path, describe(r))
