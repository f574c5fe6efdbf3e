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
