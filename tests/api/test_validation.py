"""Input the server refuses: too large, not JSON, invalid fields, conflicts."""

import pytest

from conftest import ADMIN_EMAIL, PASSWORD, assert_error, assert_ok, cli


USER_FIELDS = {"id", "email", "name", "role", "school", "support"}


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


def test_invalid_json_answers_400(world):
    c = world.cached_login("alpha", "director@alpha.test")
    before = assert_ok(c.get("/api/v1/settings"))
    for raw in (b"{no es json", b"[1, 2]", b'"texto"', b""):
        r = c.patch("/api/v1/settings", data=raw, content_type="application/json")
        assert_error(r, 400, "bad_json")
    assert assert_ok(c.get("/api/v1/settings")) == before
    r = world.client("alpha").post("/api/v1/auth/login", data=b"{email:", content_type="application/json")
    assert_error(r, 400, "bad_json")


@pytest.mark.parametrize("payload, field", [
    (_user("no-es-un-correo"), "email"),
    (_user("a@"), "email"),
    (_user("corta@alpha.test", password="123456789"), "password"),
    (_user("rol@alpha.test", role="superuser"), "role"),
    (_user("plataforma@alpha.test", role="platform_admin"), "role"),
    (_user("sin-nombre@alpha.test", name=""), "name"),
])
def test_invalid_new_user_answers_422_naming_the_field(world, payload, field):
    c = world.cached_login("alpha", "director@alpha.test")
    assert_error(c.post("/api/v1/users", json=payload), 422, "invalid", field=field)
    assert payload["email"] not in _emails(c)


def test_invalid_timezone_answers_422(world):
    c = world.cached_login("alpha", "director@alpha.test")
    before = assert_ok(c.get("/api/v1/settings"))
    for tz in ("Mars/Olympus", "", "../../etc/passwd"):
        assert_error(c.patch("/api/v1/settings", json={"timezone": tz}), 422, "invalid", field="timezone")
    assert assert_ok(c.get("/api/v1/settings")) == before


def test_valid_timezone_is_accepted(world):
    c = world.cached_login("alpha", "director@alpha.test")
    old = assert_ok(c.get("/api/v1/settings"))["timezone"]
    name = assert_ok(c.get("/api/v1/settings"))["name"]
    try:
        body = assert_ok(c.patch("/api/v1/settings", json={"timezone": "America/Bogota"}))
        assert body == {**body, "timezone": "America/Bogota", "name": name}, "a partial update changed the name"
        assert assert_ok(world.branding("alpha"))["school"]["timezone"] == "America/Bogota"
    finally:
        assert_ok(c.patch("/api/v1/settings", json={"timezone": old}))


@pytest.mark.parametrize("code", [
    "Mayusculas", "a", "admin", "-guion", "guion-", "con espacio", "x" * 41, "eñe", "api", "www",
])
def test_invalid_school_code_answers_422(world, platform_admin, code):
    r = platform_admin.post("/api/v1/platform/tenants", json={"code": code, "name": "Escuela"})
    assert_error(r, 422, "invalid", field="code")
    codes = {t["code"] for t in assert_ok(platform_admin.get("/api/v1/platform/tenants"))["items"]}
    assert code not in codes and code.lower() not in codes


def test_school_without_a_name_answers_422(platform_admin):
    r = platform_admin.post("/api/v1/platform/tenants", json={"code": "sin-nombre", "name": ""})
    assert_error(r, 422, "invalid", field="name")


@pytest.mark.parametrize("code", ["ab", "a-1", "x" * 40])
def test_school_codes_at_the_limits_are_accepted(world, platform_admin, code):
    assert_ok(platform_admin.post("/api/v1/platform/tenants", json={"code": code, "name": f"Escuela {code}"}), 201)
    assert assert_ok(world.branding(code))["school"]["code"] == code


def test_invalid_school_code_is_refused_by_the_cli(world):
    for code in ("admin", "Mayus", "-x"):
        res = cli("tenant", "create", "--data", world.data, "--code", code, "--name", "Escuela")
        assert res.rc == 1, res
        assert res.err.strip(), res


def test_duplicate_school_code_answers_409(platform_admin):
    r = platform_admin.post("/api/v1/platform/tenants", json={"code": "alpha", "name": "Otra Alfa"})
    assert_error(r, 409, "conflict")
    r = platform_admin.post("/api/v1/platform/tenants", json={"code": "ueipab", "name": "Otra UEIPAB"})
    assert_error(r, 409, "conflict", field="code")     # the main school's code is taken, like any other


def test_duplicate_email_in_a_school_answers_409(world):
    c = world.cached_login("alpha", "director@alpha.test")
    assert_error(c.post("/api/v1/users", json=_user("docente@alpha.test")), 409, "conflict")
    assert _emails(c).count("docente@alpha.test") == 1


def test_new_user_can_sign_in_and_is_listed(world):
    c = world.cached_login("alpha", "director@alpha.test")
    r = c.post("/api/v1/users", json=_user("recien@alpha.test", role="parent", name="Recién Llegada"))
    user = assert_ok(r, 201)
    assert user["email"] == "recien@alpha.test" and user["role"] == "parent", user
    assert user["name"] == "Recién Llegada", user
    assert not any("password" in k or "hash" in k for k in user), user
    listed = [u for u in assert_ok(c.get("/api/v1/users"))["items"] if u["email"] == "recien@alpha.test"]
    assert len(listed) == 1, listed
    assert not any("password" in k or "hash" in k for k in listed[0]), listed[0]
    me = assert_ok(world.login("alpha", "recien@alpha.test").get("/api/v1/auth/me"))
    assert me["user"]["role"] == "parent"
    assert USER_FIELDS <= set(listed[0]), f"listed user lacks fields of USER: {listed[0]}"
    assert USER_FIELDS <= set(user), f"created user lacks fields of USER: {user}"
    assert user["school"]["code"] == "alpha" and user["support"] is False, user


def test_platform_user_email_cannot_become_a_ueipab_school_user(world):
    c = world.cached_login("ueipab", "director@ueipab.test")
    assert_error(c.post("/api/v1/users", json=_user(ADMIN_EMAIL)), 409, "conflict")
    # the platform admin still signs in as platform admin
    body = assert_ok(world.client().login(ADMIN_EMAIL))
    assert body["user"]["role"] == "platform_admin"


def test_ueipab_school_user_email_cannot_become_a_platform_user_via_cli(world):
    pw = world.pwfile
    res = cli("user", "add", "--data", world.data, "--school", "ueipab", "--email", "director@ueipab.test",
              "--role", "platform_admin", "--name", "Doble", "--password-file", pw)
    assert res.rc == 1, res
    res = cli("user", "add", "--data", world.data, "--school", "ueipab", "--email", ADMIN_EMAIL,
              "--role", "teacher", "--name", "Doble", "--password-file", pw)
    assert res.rc == 1, res
    body = assert_ok(world.client().login("director@ueipab.test"))
    assert body["user"]["role"] == "school_admin"


def test_same_email_may_exist_in_two_different_schools(world):
    for code in ("alpha", "beta"):
        c = world.cached_login(code, f"director@{code}.test")
        assert_ok(c.post("/api/v1/users", json=_user("familia@dos.test", role="parent")), 201)
    for code in ("alpha", "beta"):
        body = assert_ok(world.client(code).login("familia@dos.test"))
        assert body["user"]["school"]["code"] == code


def test_platform_admin_role_only_in_the_master_school_via_cli(world):
    res = cli("user", "add", "--data", world.data, "--school", "alpha", "--email", "p@alpha.test",
              "--role", "platform_admin", "--name", "P", "--password-file", world.pwfile)
    assert res.rc == 1, res


def test_unknown_api_path_answers_404_json(world):
    assert_error(world.client("alpha").get("/api/v1/no-existe"), 404, "not_found")


def test_wrong_method_answers_405(world):
    assert_error(world.client("alpha").request("DELETE", "/api/v1/branding"), 405, "method_not_allowed")


def test_user_list_is_paged_with_limit_and_next_cursor(world):
    c = world.cached_login("alpha", "director@alpha.test")
    everyone = [u["id"] for u in assert_ok(c.get("/api/v1/users", params={"limit": 500}))["items"]]
    assert len(everyone) >= 3, everyone
    first = assert_ok(c.get("/api/v1/users", params={"limit": 1}))
    assert len(first["items"]) == 1 and first["next_cursor"], first
    ids, cursor = [first["items"][0]["id"]], first["next_cursor"]
    while cursor:
        body = assert_ok(c.get("/api/v1/users", params={"limit": 1, "cursor": cursor}))
        ids += [u["id"] for u in body["items"]]
        cursor = body.get("next_cursor")
        assert len(ids) <= len(everyone), "pagination does not end"
    assert ids == everyone


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


def test_hostile_json_is_refused_without_harm(world):
    c = world.cached_login("alpha", "director@alpha.test")
    before = assert_ok(c.get("/api/v1/settings"))
    assert_error(c.patch("/api/v1/settings", data=b"[" * 200000, content_type="application/json"), 400, "bad_json")
    # invalid UTF-8 and an escaped NUL are refused by the JSON parser itself
    r = c.patch("/api/v1/settings", data=b'{"name":"\xff\xfe invalido"}', content_type="application/json")
    assert_error(r, 400, "bad_json")
    r = c.patch("/api/v1/settings", json={"name": "con\u0000nulo"})
    assert_error(r, 400, "bad_json")
    assert assert_ok(c.get("/api/v1/settings")) == before
    assert world.client().get("/healthz").status_code == 200


def test_overlong_email_answers_422(world):
    c = world.cached_login("alpha", "director@alpha.test")
    email = "a" * 250 + "@alpha.test"
    assert_error(c.post("/api/v1/users", json=_user(email)), 422, "invalid", field="email")


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


# --------------------------------------------------------------------------
# One reader for every body: all invalid fields at once, no control characters


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
    # absent members count too
    err = assert_error(c.post("/api/v1/users", json={"name": "Ana"}), 422, "invalid")
    assert _fields(err) == ["email", "role", "password"]


def test_every_invalid_field_of_a_sign_in_is_reported(world):
    err = assert_error(world.client("alpha").post("/api/v1/auth/login", json={"email": 5}),
                       422, "invalid", field="email")
    assert _fields(err) == ["email", "password"]


def test_every_invalid_field_of_a_new_school_is_reported(platform_admin):
    r = platform_admin.post("/api/v1/platform/tenants", json={"code": "Con Espacio", "name": "  "})
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
    r = platform_admin.post("/api/v1/platform/tenants", json={"code": "control", "name": name})
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


# --------------------------------------------------------------------------
# A store that fails is a 503 (try again); a defect of ours is a 500


def test_a_busy_store_answers_503_and_asks_to_try_again(instances):
    inst = instances("busy")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.add_user("norte", "directora@norte.test", "school_admin")
    inst.start()
    if inst.on_postgres:
        pytest.skip("holds a SQLite write lock")
    c = inst.login("norte", "directora@norte.test")
    import sqlite3
    con = sqlite3.connect(str(inst.school_store("norte")), timeout=1, isolation_level=None)
    try:
        con.execute("BEGIN EXCLUSIVE")
        r = c.patch("/api/v1/settings", json={"address": "Calle 1"}, timeout=30)
    finally:
        con.execute("ROLLBACK")
        con.close()
    err = assert_error(r, 503, "store_unavailable")
    assert "Intente de nuevo" in err["message"], err
    assert_ok(c.patch("/api/v1/settings", json={"address": "Calle 1"}))


def test_a_defect_answers_500_and_says_it_is_ours(instances):
    inst = instances("defect")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.start()
    if inst.on_postgres:
        pytest.skip("PostgreSQL refuses text that is not UTF-8")
    from conftest import store_execute
    # a stored name that is not UTF-8 cannot become JSON: our defect to
    # guard against, not a reason to ask the user to try again
    store_execute(inst.school_store("norte"),
                  "UPDATE settings SET value = CAST(X'436fff' AS TEXT) WHERE key = 'name'")
    err = assert_error(inst.client("norte").get("/api/v1/branding"), 500, "internal")
    assert "defecto" in err["message"] and "Intente de nuevo" not in err["message"], err
    assert "internal error" in inst.stderr_text()
