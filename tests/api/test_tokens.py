"""API tokens (h_tokens.c): made by a session, used without CSRF until
revoked, stored only as hashes, valid on their own host only."""

from conftest import assert_error, assert_ok, describe, store_rows


def _settings(client):
    return assert_ok(client.get("/api/v1/settings"))


def test_api_token_works_without_csrf_until_revoked(world):
    admin = world.login("ajustes", "director@ajustes.test")
    r = admin.post("/api/v1/auth/tokens", json={"name": "script de inscripciones"})
    created = assert_ok(r, 201)
    assert created["name"] == "script de inscripciones", created
    assert created.get("id") is not None and created.get("created_at"), created
    secret = created["token"]
    assert isinstance(secret, str) and len(secret) >= 20, created

    script = world.client("ajustes")
    script.bearer = secret
    me = assert_ok(script.get("/api/v1/auth/me"))
    assert me["user"]["email"] == "director@ajustes.test", me
    tz = _settings(script)["timezone"]
    body = assert_ok(script.patch("/api/v1/settings", json={"timezone": tz}))   # no CSRF header
    assert body["timezone"] == tz

    listed = assert_ok(admin.get("/api/v1/auth/tokens"))["items"]
    mine = [t for t in listed if t["id"] == created["id"]]
    assert len(mine) == 1, listed
    assert mine[0]["name"] == "script de inscripciones"
    assert mine[0].get("last_used_at"), f"last_used_at not set after use: {mine[0]}"
    assert secret not in str(listed), "the token secret is shown again in the list"

    # valid only for the school that issued it
    elsewhere = world.client("alpha")
    elsewhere.bearer = secret
    assert_error(elsewhere.get("/api/v1/auth/me"), 401, "unauthenticated")

    assert assert_ok(admin.delete(f"/api/v1/auth/tokens/{created['id']}")) == {"ok": True}
    assert_error(script.get("/api/v1/auth/me"), 401, "unauthenticated")
    assert_error(script.patch("/api/v1/settings", json={"timezone": tz}), 401, "unauthenticated")


def test_made_up_bearer_token_answers_401(world):
    c = world.client("ajustes")
    c.bearer = "bis_" + "x" * 40
    assert_error(c.get("/api/v1/auth/me"), 401, "unauthenticated")


def test_token_revocation_needs_csrf_with_a_cookie_session(world):
    admin = world.login("ajustes", "director@ajustes.test")
    created = assert_ok(admin.post("/api/v1/auth/tokens", json={"name": "otro"}), 201)
    assert_error(admin.delete(f"/api/v1/auth/tokens/{created['id']}", csrf=None), 403, "csrf_missing")
    assert_error(admin.post("/api/v1/auth/tokens", json={"name": "sin csrf"}, csrf=None), 403, "csrf_missing")
    script = world.client("ajustes")
    script.bearer = created["token"]
    assert_ok(script.get("/api/v1/auth/me"))
    r = admin.delete(f"/api/v1/auth/tokens/{created['id']}")
    assert r.status_code == 200, describe(r)


def test_a_user_cannot_revoke_another_users_token(world):
    admin = world.login("alpha", "director@alpha.test")
    created = assert_ok(admin.post("/api/v1/auth/tokens", json={"name": "del director"}), 201)
    teacher = world.login("alpha", "docente@alpha.test")
    r = teacher.delete(f"/api/v1/auth/tokens/{created['id']}")
    assert_error(r, 404, "not_found")      # another user's token is never found
    assert created["id"] not in [t["id"] for t in assert_ok(teacher.get("/api/v1/auth/tokens"))["items"]]
    script = world.client("alpha")
    script.bearer = created["token"]
    assert_ok(script.get("/api/v1/auth/me"))
    assert_ok(admin.delete(f"/api/v1/auth/tokens/{created['id']}"))


def test_platform_admin_api_token_works_on_the_master_host_only(world, platform_admin):
    created = assert_ok(platform_admin.post("/api/v1/auth/tokens", json={"name": "informes"}), 201)
    script = world.client()
    script.bearer = created["token"]
    assert assert_ok(script.get("/api/v1/auth/me"))["user"]["role"] == "platform_admin"
    assert_ok(script.get("/api/v1/platform/tenants"))
    elsewhere = world.client("alpha")
    elsewhere.bearer = created["token"]
    assert_error(elsewhere.get("/api/v1/auth/me"), 401, "unauthenticated")
    assert created["id"] in [t["id"] for t in assert_ok(platform_admin.get("/api/v1/auth/tokens"))["items"]]
    assert_ok(platform_admin.delete(f"/api/v1/auth/tokens/{created['id']}"))
    assert_error(script.get("/api/v1/platform/tenants"), 401, "unauthenticated")


def test_logout_with_an_api_token_says_it_ends_nothing(world):
    admin = world.login("ajustes", "director@ajustes.test")
    created = assert_ok(admin.post("/api/v1/auth/tokens", json={"name": "salida"}), 201)
    script = world.client("ajustes")
    script.bearer = created["token"]
    err = assert_error(script.post("/api/v1/auth/logout"), 409, "token_not_ended")
    assert "revoque" in err["message"], err
    # it did not pretend: the token still works, and so does the session
    assert_ok(script.get("/api/v1/auth/me"))
    assert_ok(admin.get("/api/v1/auth/me"))
    assert_ok(admin.delete(f"/api/v1/auth/tokens/{created['id']}"))


def test_session_and_api_tokens_are_stored_only_as_hashes(world):
    c = world.login("alpha", "director@alpha.test")
    session = c.session_cookie
    token = assert_ok(c.post("/api/v1/auth/tokens", json={"name": "copia"}), 201)["token"]
    store = world.school_store("alpha")
    stored = [v for (v,) in store_rows(store, "SELECT id_hash FROM sessions")]
    stored += [v for (v,) in store_rows(store, "SELECT token_hash FROM api_tokens")]
    passwords = [v for (v,) in store_rows(store, "SELECT password_hash FROM users")]
    assert stored and all(len(v) == 64 for v in stored), stored
    assert session not in stored and token not in stored
    assert all(session not in v and token not in v for v in stored + passwords)
    # an invited user has no password yet (''); every password is an Argon2id hash
    assert any(passwords) and all(p == "" or p.startswith("$argon2id$") for p in passwords), passwords
