"""Which school answers: the Host header, unknown, suspended and inactive schools."""

import re

from conftest import (ADMIN_EMAIL, BASE, SCHOOLS, assert_error, assert_ok, cli_ok,
                      describe, wait_until)


def _spanish_html(r):
    assert r.headers.get("Content-Type", "").startswith("text/html"), describe(r)
    assert re.search(r'<html[^>]*\blang="es', r.text, re.I), \
        f"HTML page not marked as Spanish (lang=\"es...\"): {r.text[:400]!r}"


def test_unknown_school_answers_404(world):
    c = world.client(host=f"bischeduler-nadie.{BASE}:{world.port}")
    assert_error(c.get("/api/v1/branding"), 404, "school_not_found")
    assert_error(c.post("/api/v1/auth/login", json={"email": "a@b.test", "password": "x" * 12}),
                 404, "school_not_found")


def test_unrelated_hosts_answer_404(world):
    for host in (f"example.com:{world.port}", f"bischeduler.example.com:{world.port}",
                 f"bischeduler-alpha.{BASE}.evil.test:{world.port}",
                 f"www.{BASE}:{world.port}", f"127.0.0.1:{world.port}"):
        r = world.client(host=host).get("/api/v1/branding")
        assert_error(r, 404, "school_not_found")


def test_unknown_school_shows_spanish_page_to_browsers(world):
    c = world.client(host=f"bischeduler-nadie.{BASE}:{world.port}")
    r = c.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 404, describe(r)
    _spanish_html(r)
    assert "plantel no encontrado" in r.text.lower(), f"page does not say the school was not found: {r.text[:600]!r}"


def test_healthz_answers_on_any_host(world):
    for host in (world.host(), world.host("alpha"), f"bischeduler-nadie.{BASE}:{world.port}",
                 f"example.com:{world.port}"):
        r = world.client(host=host).get("/healthz")
        assert r.status_code == 200, describe(r)
        assert r.json() == {"status": "ok"}, describe(r)


def test_master_host_and_alias_answer_ueipab_branding(world):
    for host in (world.host(), f"scheduler.{BASE}:{world.port}", f"bischeduler.{BASE}"):
        body = assert_ok(world.client(host=host).get("/api/v1/branding"))
        school = body["school"]
        assert school["code"] == "ueipab", body
        assert school["is_master"] is True, body
        assert school["name"], body
        assert school["timezone"], body


def test_guest_host_answers_its_own_branding(world):
    for code in ("alpha", "beta"):
        body = assert_ok(world.branding(code))
        assert body["school"]["code"] == code, body
        assert body["school"]["name"] == SCHOOLS[code], body   # UTF-8 kept intact
        assert body["school"]["is_master"] is False, body


def test_platform_routes_answer_404_on_a_guest_host(world):
    c = world.login("alpha", "director@alpha.test")
    assert_error(c.get("/api/v1/platform/tenants"), 404)
    assert_error(c.post("/api/v1/platform/tenants", json={"code": "desde-guest", "name": "X", "admin_name": "Dir", "admin_email": "dir@nuevo.test"}), 404)
    assert_error(c.post("/api/v1/platform/tenants/alpha/support-access", json={"reason": "x"}), 404)
    anonymous = world.client("alpha")
    assert_error(anonymous.get("/api/v1/platform/tenants"), 404)


def _branding_status(world, code, status):
    return wait_until(lambda: world.branding(code).status_code == status, timeout=3.0)


def test_school_suspended_or_deactivated_with_cli_answers_503_until_activated(world):
    assert_ok(world.branding("pausa"))
    before = world.login("pausa", "director@pausa.test")
    cli_ok("tenant", "suspend", "pausa", "--data", world.data)
    try:
        assert _branding_status(world, "pausa", 503), describe(world.branding("pausa"))
        assert_error(world.branding("pausa"), 503, "school_unavailable")
        # nobody gets in, not even with a session opened before
        assert_error(before.get("/api/v1/auth/me"), 503, "school_unavailable")
        assert_error(world.client("pausa").login("director@pausa.test"), 503, "school_unavailable")
        # the other schools are not affected
        assert_ok(world.branding("alpha"))
        # the platform sees the status
        tenants = assert_ok(world.cached_login("ueipab", ADMIN_EMAIL).get("/api/v1/platform/tenants"))
        status = {t["code"]: t["status"] for t in tenants["items"]}
        assert status.get("pausa") == "suspended", tenants
    finally:
        cli_ok("tenant", "activate", "pausa", "--data", world.data)
    assert _branding_status(world, "pausa", 200), describe(world.branding("pausa"))
    assert world.client("pausa").login("director@pausa.test").status_code == 200

    cli_ok("tenant", "deactivate", "pausa", "--data", world.data)
    try:
        assert _branding_status(world, "pausa", 503), describe(world.branding("pausa"))
        assert_error(world.branding("pausa"), 503, "school_unavailable")
    finally:
        cli_ok("tenant", "activate", "pausa", "--data", world.data)
    assert _branding_status(world, "pausa", 200), describe(world.branding("pausa"))


def test_school_suspended_through_the_api_answers_503_until_activated(world, platform_admin):
    tenant = assert_ok(platform_admin.post("/api/v1/platform/tenants/pausa2/suspend"))
    assert tenant["code"] == "pausa2" and tenant["status"] == "suspended", tenant
    assert _branding_status(world, "pausa2", 503), describe(world.branding("pausa2"))
    assert_error(world.branding("pausa2"), 503, "school_unavailable")

    tenant = assert_ok(platform_admin.post("/api/v1/platform/tenants/pausa2/activate"))
    assert tenant["status"] == "active", tenant
    assert _branding_status(world, "pausa2", 200), describe(world.branding("pausa2"))

    tenant = assert_ok(platform_admin.post("/api/v1/platform/tenants/pausa2/deactivate"))
    assert tenant["status"] == "inactive", tenant
    assert _branding_status(world, "pausa2", 503), describe(world.branding("pausa2"))
    assert_error(world.branding("pausa2"), 503, "school_unavailable")


def test_suspending_an_unknown_school_answers_404(platform_admin):
    assert_error(platform_admin.post("/api/v1/platform/tenants/no-existe/suspend"), 404)



def test_unavailable_school_shows_spanish_page_to_browsers(world, platform_admin):
    assert_ok(platform_admin.post("/api/v1/platform/tenants", json={"code": "cerrada", "name": "Escuela Cerrada", "admin_name": "Dir", "admin_email": "dir@nuevo.test"}), 201)
    for action in ("suspend", "deactivate"):
        assert_ok(platform_admin.post(f"/api/v1/platform/tenants/cerrada/{action}"))
        assert _branding_status(world, "cerrada", 503)
        r = world.client("cerrada").get("/", headers={"Accept": "text/html,*/*;q=0.8"})
        assert r.status_code == 503, describe(r)
        _spanish_html(r)


def test_school_and_user_created_with_the_cli_are_served_by_the_running_server(world):
    assert_error(world.branding("encaliente"), 404, "school_not_found")
    cli_ok("tenant", "create", "--data", world.data, "--code", "encaliente", "--name", "Escuela En Caliente")
    assert _branding_status(world, "encaliente", 200), describe(world.branding("encaliente"))
    assert assert_ok(world.branding("encaliente"))["school"]["name"] == "Escuela En Caliente"
    cli_ok("user", "add", "--data", world.data, "--school", "encaliente", "--email", "dir@encaliente.test",
           "--role", "school_admin", "--name", "Directora", "--password-file", world.pwfile)
    assert world.client("encaliente").login("dir@encaliente.test").status_code == 200
