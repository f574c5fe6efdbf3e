"""What ends sessions, API tokens and support sessions: a new password
(`user passwd`) and a school's suspension or deactivation."""

import pytest

from conftest import (ADMIN_EMAIL, PASSWORD, assert_error, assert_ok, cli_ok, store_rows,
                      wait_until)

NEW_PASSWORD = "Otra-Clave-Segura-2025"


@pytest.fixture(scope="module")
def inst(module_instances):
    i = module_instances("sessions")
    i.init()
    for code, name in (("alpha", "Colegio Alfa"), ("demo", "Escuela Demo"),
                       ("pausa", "Escuela Pausa")):
        i.create_school(code, name)
    i.add_user("alpha", "docente@alpha.test", "teacher")
    i.add_user("alpha", "otra@alpha.test", "teacher")
    i.add_user("demo", "director@demo.test", "school_admin")
    i.add_user("pausa", "director@pausa.test", "school_admin")
    i.add_user("pausa", "docente@pausa.test", "teacher")
    i.start()
    return i


def _token(client, name="integración"):
    body = assert_ok(client.post("/api/v1/auth/tokens", json={"name": name}), 201)
    return body["token"]


def _bearer(inst, code, token):
    c = inst.client(code)
    c.bearer = token
    return c


def _gone(client):
    """The credential no longer opens /me (within the 1 s session cache)."""
    return wait_until(lambda: client.get("/api/v1/auth/me").status_code == 401, timeout=3)


def test_new_password_ends_sessions_and_api_tokens_but_not_other_users(inst):
    c = inst.login("alpha", "docente@alpha.test")
    token = _token(c)
    other = inst.login("alpha", "otra@alpha.test")
    other_token = _token(other)
    api = _bearer(inst, "alpha", token)
    assert_ok(api.get("/api/v1/auth/me"))

    pw = inst.root / "new-password.txt"
    pw.write_text(NEW_PASSWORD + "\n")
    try:
        cli_ok("user", "passwd", "--school", "alpha", "--email", "docente@alpha.test",
               "--password-file", pw, *inst.store_args())
        assert _gone(c), "the session outlived the password change"
        assert _gone(api), "the API token outlived the password change"
        # the other user of the school keeps both
        assert_ok(other.get("/api/v1/auth/me"))
        assert_ok(_bearer(inst, "alpha", other_token).get("/api/v1/auth/me"))
        # the new password opens a new session; the old one does not
        assert_error(inst.client("alpha").login("docente@alpha.test"), 401,
                     "invalid_credentials")
        assert_ok(inst.client("alpha").login("docente@alpha.test", NEW_PASSWORD))
    finally:
        pw.write_text(PASSWORD + "\n")
        cli_ok("user", "passwd", "--school", "alpha", "--email", "docente@alpha.test",
               "--password-file", pw, *inst.store_args())


def test_platform_admin_new_password_ends_their_support_sessions_and_tickets(inst):
    admin = inst.login("ueipab", ADMIN_EMAIL)
    admin_token = _token(admin)
    ticket = assert_ok(admin.post("/api/v1/platform/tenants/demo/support-access",
                                  json={"reason": "Ayuda con la configuración"}), 201)
    unused = assert_ok(admin.post("/api/v1/platform/tenants/demo/support-access",
                                  json={"reason": "Otra consulta"}), 201)
    support = inst.client("demo")
    body = assert_ok(support.post("/api/v1/auth/support", json={"token": ticket["token"]}))
    assert body["user"]["support"] is True, body
    assert_ok(support.get("/api/v1/auth/me"))
    director = inst.login("demo", "director@demo.test")

    pw = inst.root / "admin-password.txt"
    pw.write_text(NEW_PASSWORD + "\n")
    try:
        cli_ok("user", "passwd", "--school", "ueipab", "--email", ADMIN_EMAIL,
               "--password-file", pw, *inst.store_args())
        assert _gone(admin), "the platform session outlived the password change"
        assert _gone(_bearer(inst, "ueipab", admin_token)), "the platform API token survived"
        assert _gone(support), "the support session in the school survived"
        # a ticket issued before the change no longer opens anything
        assert_error(inst.client("demo").post("/api/v1/auth/support",
                                              json={"token": unused["token"]}), 401)
        # the school's own users are not affected
        assert_ok(director.get("/api/v1/auth/me"))
    finally:
        pw.write_text(PASSWORD + "\n")
        cli_ok("user", "passwd", "--school", "ueipab", "--email", ADMIN_EMAIL,
               "--password-file", pw, *inst.store_args())


@pytest.mark.parametrize("how", ["api", "cli"])
@pytest.mark.parametrize("status", ["suspend", "deactivate"])
def test_suspending_or_deactivating_a_school_ends_its_sessions_for_good(inst, how, status):
    director = inst.login("pausa", "director@pausa.test")
    teacher = inst.login("pausa", "docente@pausa.test")
    token = _token(teacher)
    elsewhere = inst.login("alpha", "docente@alpha.test")
    assert_ok(director.get("/api/v1/auth/me"))   # cached by the server now

    def set_status(action):
        if how == "api":
            admin = inst.login("ueipab", ADMIN_EMAIL)
            assert_ok(admin.post(f"/api/v1/platform/tenants/pausa/{action}"))
        else:
            cli_ok("tenant", action, "pausa", *inst.store_args())

    set_status(status)
    try:
        assert wait_until(lambda: director.get("/api/v1/auth/me").status_code == 503, timeout=3)
    finally:
        set_status("activate")
    assert wait_until(lambda: inst.client("pausa").get("/api/v1/branding").status_code == 200,
                      timeout=3)
    # back: the sessions opened before are over, the school works again
    assert_error(director.get("/api/v1/auth/me"), 401, "unauthenticated")
    assert_error(teacher.get("/api/v1/auth/me"), 401, "unauthenticated")
    left = store_rows(inst.school_store("pausa"), "SELECT count(*) FROM sessions")
    assert int(left[0][0]) == 0, left
    # an API token is revoked only by its owner or a new password: it works again
    assert_ok(_bearer(inst, "pausa", token).get("/api/v1/auth/me"))
    assert_ok(inst.login("pausa", "director@pausa.test").get("/api/v1/auth/me"))
    # other schools' sessions are untouched
    assert_ok(elsewhere.get("/api/v1/auth/me"))
