"""The request body reader (src/http/fields.c), as every endpoint that takes
a body uses it: every invalid field is reported at once (error.errors, with
error.field and error.message the first one's), text is trimmed and refused
with control characters (security finding 5), passwords are kept as typed."""

import pytest

from conftest import PASSWORD, assert_error, assert_ok


def _user(email, role="teacher", password=PASSWORD, name="Persona de Prueba"):
    return {"email": email, "name": name, "role": role, "password": password}


def _emails(client):
    return [u["email"] for u in assert_ok(client.get("/api/v1/users"))["items"]]


def _fields(err):
    """The fields error.errors names, in order; error.field is the first."""
    errors = err.get("errors")
    assert isinstance(errors, list) and errors, f"no error.errors: {err}"
    for e in errors:
        assert set(e) == {"field", "message"} and e["message"].strip(), err
    assert err["field"] == errors[0]["field"], err
    return [e["field"] for e in errors]


def test_three_invalid_settings_are_reported_together_and_nothing_changes(world):
    c = world.cached_login("alpha", "director@alpha.test")
    before = assert_ok(c.get("/api/v1/settings"))
    r = c.patch("/api/v1/settings", json={"timezone": "Mars/Olympus", "rif": "X",
                                          "phone": "12", "address": "Av. Bolívar"})
    err = assert_error(r, 422, "invalid", field="timezone")
    assert _fields(err) == ["timezone", "rif", "phone"]
    assert assert_ok(c.get("/api/v1/settings")) == before


def test_every_invalid_field_of_a_new_user_is_reported(world):
    c = world.cached_login("alpha", "director@alpha.test")
    r = c.post("/api/v1/users", json={"email": "no-es-correo", "name": "", "role": "rey",
                                      "password": "corta"})
    err = assert_error(r, 422, "invalid", field="email")
    assert _fields(err) == ["email", "name", "role", "password"]
    # absent members count too (a password is optional: without one the
    # person is invited by mail)
    err = assert_error(c.post("/api/v1/users", json={"name": "Ana", "cargo": "Rey"}), 422, "invalid")
    assert _fields(err) == ["email", "role", "cargo"]


def test_every_invalid_field_of_a_sign_in_is_reported(world):
    err = assert_error(world.client("alpha").post("/api/v1/auth/login", json={"email": 5}),
                       422, "invalid", field="email")
    assert _fields(err) == ["email", "password"]


def test_every_invalid_field_of_a_new_school_is_reported(platform_admin):
    r = platform_admin.post("/api/v1/platform/tenants", json={"code": "Con Espacio", "name": "  ", "admin_name": "Dir", "admin_email": "dir@nuevo.test"})
    err = assert_error(r, 422, "invalid", field="code")
    assert _fields(err) == ["code", "name"]


CONTROL_NAMES = ["Colegio \x1b[31mRojo\x1b[0m", "Colegio\tTab", "Colegio\nDos",
                 "Colegio \u009b2J", "Colegio\x7f"]


@pytest.mark.parametrize("name", CONTROL_NAMES)
def test_control_characters_are_refused_in_names(world, platform_admin, name):
    c = world.cached_login("alpha", "director@alpha.test")
    before = assert_ok(c.get("/api/v1/settings"))
    err = assert_error(c.patch("/api/v1/settings", json={"name": name}), 422, "invalid", field="name")
    assert "control" in err["message"], err
    assert assert_ok(c.get("/api/v1/settings")) == before
    r = c.post("/api/v1/users", json=_user("control@alpha.test", name=name))
    assert_error(r, 422, "invalid", field="name")
    assert "control@alpha.test" not in _emails(c)
    r = platform_admin.post("/api/v1/platform/tenants", json={"code": "control", "name": name, "admin_name": "Dir", "admin_email": "dir@nuevo.test"})
    assert_error(r, 422, "invalid", field="name")
    r = platform_admin.post("/api/v1/platform/invitations",
                            json={"school_name": name, "contact_email": "c@control.test"})
    assert_error(r, 422, "invalid", field="school_name")
    assert_error(c.post("/api/v1/auth/tokens", json={"name": name}), 422, "invalid", field="name")
    codes = {t["code"] for t in assert_ok(platform_admin.get("/api/v1/platform/tenants"))["items"]}
    assert "control" not in codes


def test_a_multi_line_reason_may_break_lines_but_not_escape(world, platform_admin):
    r = platform_admin.post("/api/v1/platform/tenants/demo/support-access",
                            json={"reason": "Revisar\x1b[2J la pantalla"})
    assert_error(r, 422, "invalid", field="reason")
    r = platform_admin.post("/api/v1/platform/tenants/demo/support-access",
                            json={"reason": "Revisar la configuración\nsegún el ticket 12"})
    assert_ok(r, 201)


def test_names_are_trimmed_and_passwords_are_not(world):
    c = world.cached_login("alpha", "director@alpha.test")
    body = assert_ok(c.post("/api/v1/users", json=_user("  Espacios@Alpha.test ", name="  Ana  Pérez ",
                                                         password=" " + PASSWORD + " ")), 201)
    assert body["email"] == "espacios@alpha.test" and body["name"] == "Ana  Pérez", body
    u = world.client("alpha")
    assert_error(u.login("espacios@alpha.test", PASSWORD), 401, "invalid_credentials")
    assert_ok(u.login("espacios@alpha.test", " " + PASSWORD + " "))
