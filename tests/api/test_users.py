"""School users (h_users.c): creation with validated fields, listing,
and the e-mail rules between schools and the platform."""

import pytest

from conftest import ADMIN_EMAIL, PASSWORD, assert_error, assert_ok


def _user(email, role="teacher", password=PASSWORD, name="Persona de Prueba"):
    return {"email": email, "name": name, "role": role, "password": password}


def _emails(client):
    return [u["email"] for u in assert_ok(client.get("/api/v1/users"))["items"]]


USER_FIELDS = {"id", "email", "name", "role", "school", "support"}


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


def test_same_email_may_exist_in_two_different_schools(world):
    for code in ("alpha", "beta"):
        c = world.cached_login(code, f"director@{code}.test")
        assert_ok(c.post("/api/v1/users", json=_user("familia@dos.test", role="parent")), 201)
    for code in ("alpha", "beta"):
        body = assert_ok(world.client(code).login("familia@dos.test"))
        assert body["user"]["school"]["code"] == code


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


def test_overlong_email_answers_422(world):
    c = world.cached_login("alpha", "director@alpha.test")
    email = "a" * 250 + "@alpha.test"
    assert_error(c.post("/api/v1/users", json=_user(email)), 422, "invalid", field="email")
