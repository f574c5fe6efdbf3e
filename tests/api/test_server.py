"""What server.c does for every reply and request: security headers,
request ids, body and header limits."""

import pytest

from conftest import BASE, PASSWORD, assert_error, assert_ok, describe


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


def _user(email, role="teacher", password=PASSWORD, name="Persona de Prueba"):
    return {"email": email, "name": name, "role": role, "password": password}


def _emails(client):
    return [u["email"] for u in assert_ok(client.get("/api/v1/users"))["items"]]


@pytest.fixture(scope="module")
def limited(module_instances):
    """A server with a small body limit."""
    inst = module_instances("limits")
    inst.init()
    inst.create_school("alpha", "Colegio Alfa")
    inst.add_user("alpha", "director@alpha.test", "school_admin")
    inst.start("--max-body", "4096")
    return inst


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


def test_body_over_max_body_answers_413_and_changes_nothing(limited):
    c = limited.login("alpha", "director@alpha.test")
    before = assert_ok(c.get("/api/v1/settings"))
    big_name = "Escuela " + "x" * 5000
    assert_error(c.patch("/api/v1/settings", json={"name": big_name}), 413, "body_too_large")
    assert assert_ok(c.get("/api/v1/settings")) == before
    r = c.post("/api/v1/users", json=_user("grande@alpha.test", name="N" * 5000))
    assert_error(r, 413, "body_too_large")
    assert "grande@alpha.test" not in _emails(c)
    # a body under the limit is fine
    body = assert_ok(c.patch("/api/v1/settings", json={"name": "Colegio Alfa Dos"}))
    assert body["name"] == "Colegio Alfa Dos"


def test_body_over_the_default_limit_of_1_mib_answers_413(world):
    c = world.client("alpha")
    data = b'{"email":"docente@alpha.test","password":"' + b"x" * (1024 * 1024 + 10) + b'"}'
    r = c.post("/api/v1/auth/login", data=data, content_type="application/json")
    assert_error(r, 413, "body_too_large")


def test_chunked_body_over_max_body_answers_413_and_changes_nothing(limited):
    c = limited.login("alpha", "director@alpha.test")
    before = assert_ok(c.get("/api/v1/settings"))

    def chunks():
        yield b'{"name":"'
        for _ in range(10):
            yield b"y" * 1000
        yield b'"}'

    r = c.patch("/api/v1/settings", data=chunks(), content_type="application/json")
    assert r.request.headers.get("Transfer-Encoding") == "chunked"
    assert_error(r, 413, "body_too_large")
    assert assert_ok(c.get("/api/v1/settings")) == before


def test_headers_over_64_kib_are_refused_with_431(world):
    import socket
    with socket.create_connection(("127.0.0.1", world.port), timeout=10) as s:
        try:
            s.sendall(b"GET /api/v1/branding HTTP/1.1\r\nHost: " + world.host("alpha").encode()
                      + b"\r\nX-Relleno: " + b"a" * 100_000 + b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass    # the server may answer and close before reading it all
        try:
            head = s.recv(200)
        except ConnectionResetError:
            head = b"(reset before the reply could be read)"
    assert head.startswith(b"HTTP/1.1 431"), head
