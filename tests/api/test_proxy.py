"""Behind a proxy: X-Forwarded-For and X-Forwarded-Proto are believed only
from the configured proxy addresses."""

from conftest import assert_ok, audit_row, set_cookies


def _server(instances, name, *flags):
    inst = instances(name)
    inst.init()
    inst.create_school("alpha", "Colegio Alfa")
    inst.add_user("alpha", "director@alpha.test", "school_admin")
    return inst.start(*flags)


def _login(inst, headers):
    c = inst.client("alpha")
    r = c.post("/api/v1/auth/login",
               json={"email": "director@alpha.test", "password": "Clave-Segura-2024"},
               headers=headers)
    assert_ok(r)
    return c, r


def test_trusted_proxy_names_the_client_and_tls(instances):
    inst = _server(instances, "proxied", "--trusted-proxy", "127.0.0.1")
    c, r = _login(inst, {"X-Forwarded-For": "10.9.8.7, 203.0.113.5",
                         "X-Forwarded-Proto": "https"})
    cookie = next(c for c in set_cookies(r) if c["name"] == "bis_session")
    assert "secure" in cookie["attrs"], cookie
    row = audit_row(c, r.headers["X-Request-Id"])
    # the address the proxy appended, not what the client claimed before it
    assert row["ip"] == "203.0.113.5", row
    # through the proxy, /metrics is not "local"
    m = inst.client("alpha").get("/metrics", headers={"X-Forwarded-For": "203.0.113.5"})
    assert m.status_code == 404
    assert inst.client("alpha").get("/metrics").status_code == 200


def test_forged_forwarding_headers_from_others_are_ignored(instances):
    inst = _server(instances, "direct")
    c, r = _login(inst, {"X-Forwarded-For": "203.0.113.5",
                         "X-Forwarded-Proto": "https"})
    cookie = next(c for c in set_cookies(r) if c["name"] == "bis_session")
    assert "secure" not in cookie["attrs"], cookie
    assert audit_row(c, r.headers["X-Request-Id"])["ip"] == "127.0.0.1"
