"""The request's way through router.c: CSRF on cookie writes, JSON bodies,
unknown paths and wrong methods."""

from conftest import assert_error, assert_ok


def _settings(client):
    return assert_ok(client.get("/api/v1/settings"))


def test_cookie_write_without_csrf_token_answers_403_and_changes_nothing(world):
    c = world.login("ajustes", "director@ajustes.test")
    before = _settings(c)
    assert_error(c.patch("/api/v1/settings", json={"name": "Sin CSRF"}, csrf=None), 403, "csrf_missing")
    assert_error(c.patch("/api/v1/settings", json={"name": "CSRF falso"}, csrf="0" * 32), 403, "csrf_missing")
    other = world.login("ajustes", "director@ajustes.test")   # another session's token
    assert_error(c.patch("/api/v1/settings", json={"name": "CSRF ajeno"}, csrf=other.csrf), 403, "csrf_missing")
    assert _settings(c) == before


def test_cookie_write_with_the_right_csrf_token_succeeds(world):
    c = world.login("ajustes", "director@ajustes.test")
    body = assert_ok(c.patch("/api/v1/settings", json={"name": "Escuela Ajustes Renovada"}))
    assert body["name"] == "Escuela Ajustes Renovada", body
    assert _settings(c)["name"] == "Escuela Ajustes Renovada"
    assert assert_ok(world.branding("ajustes"))["school"]["name"] == "Escuela Ajustes Renovada"
    # the token from /auth/me works as well (a reloaded page gets it there)
    me = assert_ok(c.get("/api/v1/auth/me"))
    body = assert_ok(c.patch("/api/v1/settings", json={"name": "Escuela Ajustes"}, csrf=me["csrf_token"]))
    assert body["name"] == "Escuela Ajustes"


def test_invalid_json_answers_400(world):
    c = world.cached_login("alpha", "director@alpha.test")
    before = assert_ok(c.get("/api/v1/settings"))
    for raw in (b"{no es json", b"[1, 2]", b'"texto"', b""):
        r = c.patch("/api/v1/settings", data=raw, content_type="application/json")
        assert_error(r, 400, "bad_json")
    assert assert_ok(c.get("/api/v1/settings")) == before
    r = world.client("alpha").post("/api/v1/auth/login", data=b"{email:", content_type="application/json")
    assert_error(r, 400, "bad_json")


def test_unknown_api_path_answers_404_json(world):
    assert_error(world.client("alpha").get("/api/v1/no-existe"), 404, "not_found")


def test_wrong_method_answers_405(world):
    assert_error(world.client("alpha").request("DELETE", "/api/v1/branding"), 405, "method_not_allowed")


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
