"""People (h_users.c, h_links.c, auth/links.c, auth/accounts.c): a school
admin invites, edits, disables and resets users; a platform admin does the
same over platform admins; anyone may ask for a reset link; a link opens
once, on its own school's host, within its time. Links are read from the
mail queued for the person (support/links.py), as they would read it."""

import secrets
import time

from conftest import (ADMIN_EMAIL, PASSWORD, assert_error, assert_ok, link_token, mails_to,
                      store_execute, store_rows)

NEW_PASSWORD = "Contraseña-nueva-2026"
DIRECTOR = ("alpha", "director@alpha.test")


def _director(world):
    return world.cached_login(*DIRECTOR)


def _invite(world, email, role="teacher", name="Docente Invitada", cargo="Docente", code="alpha"):
    c = world.cached_login(code, f"director@{code}.test")
    body = {"email": email, "name": name, "role": role}
    if cargo:
        body["cargo"] = cargo
    return assert_ok(c.post("/api/v1/users", json=body), 201)


def _accept(world, email, code="alpha", password=PASSWORD):
    """The invited person opens the mailed link and chooses a password."""
    token = link_token(world.school_store(code), email, "account_invitation")
    assert_ok(world.client(code).post(f"/api/v1/auth/links/{token}", json={"password": password}))


def _listed(c, email, path="/api/v1/users"):
    items = assert_ok(c.get(path, params={"limit": 500}))["items"]
    return next(u for u in items if u["email"] == email)


def test_invited_teacher_opens_the_link_sets_a_password_and_signs_in(world):
    c = _director(world)
    user = _invite(world, "invitada@alpha.test")
    assert user["state"] == "invited" and user["cargo"] == "Docente", user
    assert user["mail"] and user["mail"]["to"] == "invitada@alpha.test", user
    # before the link is used the account cannot sign in, and says no more
    # than for an unknown email
    for email in ("invitada@alpha.test", "nadie-aqui@alpha.test"):
        assert_error(world.client("alpha").login(email, "cualquier-cosa-1"), 401, "invalid_credentials")
    mails = mails_to(world.school_store("alpha"), "invitada@alpha.test")
    assert [m[0] for m in mails] == ["account_invitation"], mails
    token = link_token(world.school_store("alpha"), "invitada@alpha.test", "account_invitation")
    assert token not in str(store_rows(world.school_store("alpha"), "SELECT * FROM account_links"))
    anon = world.client("alpha")
    link = assert_ok(anon.get(f"/api/v1/auth/links/{token}"))
    assert link["purpose"] == "invitation" and link["name"] == "Docente Invitada", link
    assert link["email"] == "invitada@alpha.test" and link["school"]["name"] == "Colegio Alfa", link
    # the password policy, then the password
    assert_error(anon.post(f"/api/v1/auth/links/{token}", json={"password": "corta"}),
                 422, "invalid", field="password")
    done = assert_ok(anon.post(f"/api/v1/auth/links/{token}", json={"password": NEW_PASSWORD}))
    assert done["next"] == "signin" and done["email"] == "invitada@alpha.test", done
    me = assert_ok(world.client("alpha").login("invitada@alpha.test", NEW_PASSWORD))
    assert me["user"]["role"] == "teacher", me
    assert _listed(c, "invitada@alpha.test")["state"] == "active"
    # the link worked once
    assert_error(anon.get(f"/api/v1/auth/links/{token}"), 410, "link_used")


def test_each_link_that_cannot_be_used_says_why(world):
    c = _director(world)
    store = world.school_store("alpha")
    anon = world.client("alpha")

    def get(token, host="alpha"):
        return world.client(host).get(f"/api/v1/auth/links/{token}")

    # unknown: nonsense, a well-formed token of nobody, one of this school's shape
    assert_error(get("no-es-un-enlace"), 404, "link_unknown")
    assert_error(get(secrets.token_hex(32)), 404, "link_unknown")
    u = _invite(world, "vencida@alpha.test")
    token = link_token(store, "vencida@alpha.test", "account_invitation")
    assert_error(get(token[:8] + secrets.token_hex(28)), 404, "link_unknown")
    # another school's host: refused there, and nothing happens
    err = assert_error(get(token, "beta"), 409, "link_other_school")
    assert "otro plantel" in err["message"]
    assert_error(world.client("beta").post(f"/api/v1/auth/links/{token}",
                                           json={"password": NEW_PASSWORD}), 409, "link_other_school")
    assert _listed(c, "vencida@alpha.test")["state"] == "invited"
    # expired
    store_execute(store, "UPDATE account_links SET expires_at = 1 WHERE user_id = ?", (u["id"],))
    err = assert_error(get(token), 410, "link_expired")
    assert "7 días" in err["message"]
    assert_error(anon.post(f"/api/v1/auth/links/{token}", json={"password": NEW_PASSWORD}),
                 410, "link_expired")
    # replaced: the admin sends the invitation again; the older link is void
    assert_ok(c.post(f"/api/v1/users/{u['id']}/invitation"), 202)
    newer = link_token(store, "vencida@alpha.test", "account_invitation")
    assert newer != token
    assert_error(get(token), 410, "link_replaced")
    assert assert_ok(get(newer))["purpose"] == "invitation"
    # disabled account
    assert_ok(c.patch(f"/api/v1/users/{u['id']}", json={"disabled": True}))
    assert_error(get(newer), 403, "link_disabled")
    assert_error(anon.post(f"/api/v1/auth/links/{newer}", json={"password": NEW_PASSWORD}),
                 403, "link_disabled")
    # enabled again, the newest link works, then is used
    assert_ok(c.patch(f"/api/v1/users/{u['id']}", json={"disabled": False}))
    assert_ok(anon.post(f"/api/v1/auth/links/{newer}", json={"password": NEW_PASSWORD}))
    assert_error(anon.post(f"/api/v1/auth/links/{newer}", json={"password": NEW_PASSWORD}),
                 410, "link_used")


def test_reset_link_works_once_and_ends_the_other_sessions_and_tokens(world):
    _invite(world, "olvido@alpha.test")
    _accept(world, "olvido@alpha.test")
    old = world.login("alpha", "olvido@alpha.test")
    token = assert_ok(old.post("/api/v1/auth/tokens", json={"name": "script"}), 201)["token"]
    bearer = world.client("alpha")
    bearer.bearer = token
    assert_ok(bearer.get("/api/v1/auth/me"))
    answer = assert_ok(world.client("alpha").post("/api/v1/auth/password-reset",
                                                  json={"email": "Olvido@Alpha.test"}), 202)
    reset = link_token(world.school_store("alpha"), "olvido@alpha.test", "password_reset")
    anon = world.client("alpha")
    link = assert_ok(anon.get(f"/api/v1/auth/links/{reset}"))
    assert link["purpose"] == "reset", link
    assert_ok(anon.post(f"/api/v1/auth/links/{reset}", json={"password": NEW_PASSWORD}))
    # the session and the API token opened with the old password are over
    assert_error(old.get("/api/v1/auth/me"), 401, "unauthenticated")
    assert_error(bearer.get("/api/v1/auth/me"), 401, "unauthenticated")
    # used twice: refused the second time, the password stays the first one
    err = assert_error(anon.post(f"/api/v1/auth/links/{reset}", json={"password": "Otra-clave-distinta-9"}),
                       410, "link_used")
    assert "ya se usó" in err["message"]
    assert_error(world.client("alpha").login("olvido@alpha.test", PASSWORD), 401)
    assert_ok(world.client("alpha").login("olvido@alpha.test", NEW_PASSWORD))
    assert answer["message"]


def test_password_reset_answers_the_same_whether_or_not_the_email_exists(world):
    _invite(world, "existe@alpha.test")
    _accept(world, "existe@alpha.test")
    anon = world.client("alpha")
    known = anon.post("/api/v1/auth/password-reset", json={"email": "existe@alpha.test"})
    unknown = anon.post("/api/v1/auth/password-reset", json={"email": "no-existe@alpha.test"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert mails_to(world.school_store("alpha"), "existe@alpha.test", "password_reset")
    assert not mails_to(world.school_store("alpha"), "no-existe@alpha.test")
    # a malformed address is a 422 either way
    assert_error(anon.post("/api/v1/auth/password-reset", json={"email": "no es correo"}),
                 422, "invalid", field="email")
    # per email: the sixth request within the hour is refused, known or not
    for email in ("existe@alpha.test", "no-existe@alpha.test"):
        for _ in range(4):
            assert_ok(anon.post("/api/v1/auth/password-reset", json={"email": email}), 202)
        assert_error(anon.post("/api/v1/auth/password-reset", json={"email": email}),
                     429, "too_many_attempts")


def test_a_disabled_user_is_refused_at_once(world):
    c = _director(world)
    u = _invite(world, "baja@alpha.test")
    _accept(world, "baja@alpha.test")
    session = world.login("alpha", "baja@alpha.test")
    assert_ok(session.get("/api/v1/auth/me"))          # cached from here on
    token = assert_ok(session.post("/api/v1/auth/tokens", json={"name": "script"}), 201)["token"]
    bearer = world.client("alpha")
    bearer.bearer = token
    assert_ok(bearer.get("/api/v1/auth/me"))
    after = assert_ok(c.patch(f"/api/v1/users/{u['id']}", json={"disabled": True}))
    assert after["state"] == "disabled", after
    # the very next request: no second of grace from the session cache
    assert_error(session.get("/api/v1/auth/me"), 401, "unauthenticated")
    assert_error(bearer.get("/api/v1/auth/me"), 401, "unauthenticated")
    assert_error(world.client("alpha").login("baja@alpha.test"), 401, "invalid_credentials")
    # no reset link for a disabled account either (same public answer)
    assert_ok(world.client("alpha").post("/api/v1/auth/password-reset",
                                         json={"email": "baja@alpha.test"}), 202)
    assert not mails_to(world.school_store("alpha"), "baja@alpha.test", "password_reset")
    # enabled again: signs in anew; what was ended stays ended
    assert _listed(c, "baja@alpha.test")["state"] == "disabled"
    assert_ok(c.patch(f"/api/v1/users/{u['id']}", json={"disabled": False}))
    assert_error(session.get("/api/v1/auth/me"), 401)
    assert_error(bearer.get("/api/v1/auth/me"), 401)
    assert_ok(world.client("alpha").login("baja@alpha.test"))
    audit = store_rows(world.school_store("alpha"),
                       "SELECT before_json, after_json FROM audit_log WHERE action = 'update'"
                       " AND entity = 'user' AND entity_id = ? ORDER BY id", (str(u["id"]),))
    assert [a[1] for a in audit] == ['{"disabled":true}', '{"disabled":false}'], audit


def test_admin_edits_name_role_and_cargo_and_every_invalid_field_is_reported(world):
    c = _director(world)
    u = _invite(world, "editable@alpha.test", cargo=None)
    assert u["cargo"] is None
    err = assert_error(c.patch(f"/api/v1/users/{u['id']}",
                               json={"name": "", "role": "rey", "cargo": "Rey", "disabled": "sí"}),
                       422, "invalid")
    assert sorted(e["field"] for e in err["errors"]) == ["cargo", "disabled", "name", "role"]
    after = assert_ok(c.patch(f"/api/v1/users/{u['id']}",
                              json={"name": "Nombre Nuevo", "role": "school_admin", "cargo": "Subdirector(a)"}))
    assert (after["name"], after["role"], after["cargo"]) == ("Nombre Nuevo", "school_admin", "Subdirector(a)")
    assert assert_ok(c.patch(f"/api/v1/users/{u['id']}", json={"cargo": ""}))["cargo"] is None
    assert_error(c.patch("/api/v1/users/999999", json={"name": "X"}), 404, "not_found")
    # an admin can neither disable nor demote themselves
    me = _listed(c, "director@alpha.test")
    err = assert_error(c.patch(f"/api/v1/users/{me['id']}", json={"disabled": True}),
                       422, "invalid", field="disabled")
    assert "propia cuenta" in err["message"]
    assert_error(c.patch(f"/api/v1/users/{me['id']}", json={"role": "teacher"}),
                 422, "invalid", field="role")
    assert _listed(c, "director@alpha.test")["state"] == "active"


def test_resend_and_reset_are_offered_only_when_they_make_sense(world):
    c = _director(world)
    u = _invite(world, "estados@alpha.test")
    # still invited: no reset link, the invitation again instead
    assert_error(c.post(f"/api/v1/users/{u['id']}/password-reset"), 409, "conflict")
    assert_ok(c.post(f"/api/v1/users/{u['id']}/invitation"), 202)
    _accept(world, "estados@alpha.test")
    assert_error(c.post(f"/api/v1/users/{u['id']}/invitation"), 409, "conflict")
    sent = assert_ok(c.post(f"/api/v1/users/{u['id']}/password-reset"), 202)
    assert sent["mail"]["to"] == "estados@alpha.test", sent
    reset = link_token(world.school_store("alpha"), "estados@alpha.test", "password_reset")
    assert assert_ok(world.client("alpha").get(f"/api/v1/auth/links/{reset}"))["purpose"] == "reset"
    # a reset link expires within the hour
    expires = store_rows(world.school_store("alpha"), "SELECT expires_at FROM account_links"
                         " WHERE user_id = ? AND purpose = 'reset'", (u["id"],))
    assert [3500 <= int(e) - time.time() <= 3600 for (e,) in expires] == [True], expires
    assert_error(c.post("/api/v1/users/999999/invitation"), 404, "not_found")


def test_an_invited_email_of_another_account_is_refused(world):
    _invite(world, "doble@alpha.test")
    _accept(world, "doble@alpha.test")
    c = _director(world)
    assert_error(c.post("/api/v1/users", json={"email": "doble@alpha.test", "name": "Otra",
                                               "role": "parent"}), 409, "conflict")
    # on the master host an email names one account across the two stores
    u = world.cached_login("ueipab", "director@ueipab.test")
    assert_error(u.post("/api/v1/users", json={"email": ADMIN_EMAIL, "name": "X", "role": "teacher"}),
                 409, "conflict")


def test_platform_admin_invites_another_platform_admin(world):
    pa = world.cached_login("ueipab", ADMIN_EMAIL)
    body = assert_ok(pa.post("/api/v1/platform/users",
                             json={"email": "colega@plataforma.test", "name": "Colega Plataforma",
                                   "role": "platform_admin"}), 201)
    assert body["state"] == "invited" and body["role"] == "platform_admin", body
    assert_error(pa.post("/api/v1/platform/users", json={"email": "x@plataforma.test", "name": "X",
                                                         "role": "teacher"}), 422, "invalid", field="role")
    # the master school's users and the platform admins share the master host
    assert_error(pa.post("/api/v1/platform/users", json={"email": "director@ueipab.test", "name": "X",
                                                         "role": "platform_admin"}), 409, "conflict")
    token = link_token(world.master_store, "colega@plataforma.test", "account_invitation")
    # a platform link does not open on a school's host
    assert_error(world.client("alpha").get(f"/api/v1/auth/links/{token}"), 409, "link_other_school")
    anon = world.client()
    link = assert_ok(anon.get(f"/api/v1/auth/links/{token}"))
    assert link["platform"] is True and link["purpose"] == "invitation", link
    assert_ok(anon.post(f"/api/v1/auth/links/{token}", json={"password": NEW_PASSWORD}))
    colega = world.client()
    me = assert_ok(colega.login("colega@plataforma.test", NEW_PASSWORD))
    assert me["user"]["role"] == "platform_admin", me
    listed = _listed(pa, "colega@plataforma.test", "/api/v1/platform/users")
    assert listed["state"] == "active", listed
    # forgotten password on the master host reaches platform admins too
    assert_ok(world.client().post("/api/v1/auth/password-reset",
                                  json={"email": "colega@plataforma.test"}), 202)
    link_token(world.master_store, "colega@plataforma.test", "password_reset")
    # disabled by another platform admin: out at once
    assert_ok(pa.patch(f"/api/v1/platform/users/{listed['id']}", json={"disabled": True}))
    assert_error(colega.get("/api/v1/auth/me"), 401)
    me_pa = _listed(pa, ADMIN_EMAIL, "/api/v1/platform/users")
    assert_error(pa.patch(f"/api/v1/platform/users/{me_pa['id']}", json={"disabled": True}),
                 422, "invalid", field="disabled")
    # school users never reach the platform's people
    assert_error(_director(world).get("/api/v1/platform/users"), 404)
