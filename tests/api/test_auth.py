"""Signing in and out, sessions and where they are valid."""

import time

from conftest import (ADMIN_EMAIL, PASSWORD, SCHOOLS, assert_error, assert_ok, describe,
                      set_cookies, store_rows)


def _check_user(user, email, role, code, support=False):
    assert user["email"] == email, user
    assert user["role"] == role, user
    assert user["school"]["code"] == code, user
    assert user["school"]["name"], user
    assert user["support"] is support, user
    assert user.get("id") is not None, user
    assert isinstance(user.get("name"), str), user
    assert not any("password" in k or "hash" in k for k in user), f"user leaks secrets: {user}"


def test_school_user_signs_in_and_sees_who_they_are(world):
    c = world.client("alpha")
    r = c.login("docente@alpha.test")
    body = assert_ok(r)
    _check_user(body["user"], "docente@alpha.test", "teacher", "alpha")
    assert body["user"]["school"]["name"] == SCHOOLS["alpha"]
    assert isinstance(body["csrf_token"], str) and len(body["csrf_token"]) >= 16, body
    me = assert_ok(c.get("/api/v1/auth/me"))
    _check_user(me["user"], "docente@alpha.test", "teacher", "alpha")
    assert me["csrf_token"], me


def test_platform_admin_signs_in_on_the_master_host(world):
    c = world.client()
    body = assert_ok(c.login(ADMIN_EMAIL))
    _check_user(body["user"], ADMIN_EMAIL, "platform_admin", "ueipab")


def test_ueipab_school_user_signs_in_on_the_master_host(world):
    c = world.client()
    body = assert_ok(c.login("director@ueipab.test"))
    _check_user(body["user"], "director@ueipab.test", "school_admin", "ueipab")


def test_wrong_password_answers_401_like_an_unknown_email(world):
    wrong = world.client("beta").login("director@beta.test", "esta-no-es-la-clave")
    e1 = assert_error(wrong, 401, "invalid_credentials")
    unknown = world.client("beta").login("nadie@beta.test", "esta-no-es-la-clave")
    e2 = assert_error(unknown, 401, "invalid_credentials")
    assert e1["message"] == e2["message"], "the message tells a known email from an unknown one"
    for r in (wrong, unknown):
        assert not [c for c in set_cookies(r) if c["name"] == "bis_session" and c["value"]], \
            f"a failed sign-in set a session cookie: {r.headers}"


def test_credentials_of_one_school_do_not_open_another(world):
    assert_error(world.client("beta").login("docente@alpha.test"), 401, "invalid_credentials")
    # a school user of a guest school is not a user of the master school either
    assert_error(world.client().login("director@alpha.test"), 401, "invalid_credentials")
    # nor is a platform admin a user of a guest school
    assert_error(world.client("alpha").login(ADMIN_EMAIL), 401, "invalid_credentials")


def test_session_cookie_is_httponly_samesite_lax_and_host_only(world):
    c = world.client("alpha")
    r = c.login("representante@alpha.test")
    assert r.status_code == 200, describe(r)
    cookies = [x for x in set_cookies(r) if x["name"] == "bis_session"]
    assert len(cookies) == 1, r.headers
    attrs = cookies[0]["attrs"]
    assert "httponly" in attrs, cookies[0]["raw"]
    assert attrs.get("samesite", "").lower() == "lax", cookies[0]["raw"]
    assert attrs.get("path") == "/", cookies[0]["raw"]
    assert "domain" not in attrs, f"cookie is not host-only: {cookies[0]['raw']}"
    assert len(cookies[0]["value"]) >= 20, "session id too short to be unguessable"


def test_each_sign_in_gets_a_different_session(world):
    a = world.login("alpha", "docente@alpha.test")
    b = world.login("alpha", "docente@alpha.test")
    assert a.session_cookie != b.session_cookie
    assert a.csrf != b.csrf


def test_requests_without_a_session_answer_401(world):
    c = world.client("alpha")
    for path in ("/api/v1/auth/me", "/api/v1/settings", "/api/v1/users", "/api/v1/audit",
                 "/api/v1/auth/tokens"):
        assert_error(c.get(path), 401, "unauthenticated")
    # a write without a session is unauthenticated, not a CSRF matter
    assert_error(c.patch("/api/v1/settings", json={"name": "Anónima"}), 401, "unauthenticated")
    c.cookies["bis_session"] = "invented-session-value-0123456789"
    assert_error(c.get("/api/v1/auth/me"), 401, "unauthenticated")


def test_session_of_school_a_is_refused_on_school_b(world):
    a = world.login("alpha", "director@alpha.test")
    b = world.client("beta")
    b.cookies["bis_session"] = a.session_cookie
    b.csrf = a.csrf
    assert_error(b.get("/api/v1/auth/me"), 401, "unauthenticated")
    assert_error(b.get("/api/v1/settings"), 401, "unauthenticated")
    assert_error(b.patch("/api/v1/settings", json={"name": "Robada"}), 401, "unauthenticated")
    assert assert_ok(world.branding("beta"))["school"]["name"] == SCHOOLS["beta"]
    # and it still works where it was issued
    assert_ok(a.get("/api/v1/auth/me"))


def test_guest_session_is_refused_on_the_master_host_and_vice_versa(world):
    guest = world.login("alpha", "director@alpha.test")
    on_master = world.client()
    on_master.cookies["bis_session"] = guest.session_cookie
    assert_error(on_master.get("/api/v1/auth/me"), 401, "unauthenticated")

    for email in (ADMIN_EMAIL, "director@ueipab.test"):
        master = world.login("ueipab", email)
        on_guest = world.client("alpha")
        on_guest.cookies["bis_session"] = master.session_cookie
        assert_error(on_guest.get("/api/v1/auth/me"), 401, "unauthenticated")


def test_logout_ends_the_session_and_replaying_the_cookie_answers_401(world):
    c = world.login("alpha", "docente@alpha.test")
    old_cookie = c.session_cookie
    r = c.post("/api/v1/auth/logout")
    assert assert_ok(r) == {"ok": True}
    cleared = [x for x in set_cookies(r) if x["name"] == "bis_session"]
    assert cleared, f"logout did not clear the cookie: {r.headers}"
    assert "bis_session" not in c.cookies, cleared
    assert_error(c.get("/api/v1/auth/me"), 401, "unauthenticated")
    replay = world.client("alpha")
    replay.cookies["bis_session"] = old_cookie
    replay.csrf = c.csrf
    assert_error(replay.get("/api/v1/auth/me"), 401, "unauthenticated")


def test_logout_without_csrf_token_is_refused(world):
    c = world.login("alpha", "docente@alpha.test")
    assert_error(c.post("/api/v1/auth/logout", csrf=None), 403, "csrf_missing")
    assert_ok(c.get("/api/v1/auth/me"))


def test_login_without_json_content_type_answers_415(world):
    c = world.client("alpha")
    r = c.post("/api/v1/auth/login", json={"email": "docente@alpha.test", "password": PASSWORD},
               content_type="text/plain")
    assert_error(r, 415, "unsupported_media_type")


def test_five_failures_lock_the_account(instances):
    inst = instances("lockout")
    inst.init()
    inst.create_school("alpha", "Colegio Alfa")
    inst.add_user("alpha", "cerrado@alpha.test", "teacher")
    inst.start()
    c = inst.client("alpha")
    first = None
    for i in range(5):
        r = c.login("cerrado@alpha.test", f"equivocada-{i}")
        err = assert_error(r, 401, "invalid_credentials")
        first = first or err["message"]
    # the right password no longer opens it
    assert_error(c.login("cerrado@alpha.test"), 429, "too_many_attempts")
    assert_error(c.login("cerrado@alpha.test", "equivocada-otra"), 429, "too_many_attempts")
    assert "bis_session" not in c.cookies


def _teacher_server(instances, name, *flags):
    inst = instances(name)
    inst.init()
    inst.create_school("alpha", "Colegio Alfa")
    inst.add_user("alpha", "docente@alpha.test", "teacher")
    return inst.start(*flags)


def test_sessions_expire_when_idle_and_at_their_maximum_age(instances):
    idle = _teacher_server(instances, "idle", "--session-idle", "2")
    capped = _teacher_server(instances, "capped", "--session-idle", "60", "--session-max", "2")
    unused = idle.login("alpha", "docente@alpha.test")
    old = capped.login("alpha", "docente@alpha.test")
    assert_ok(unused.get("/api/v1/auth/me"))
    assert_ok(old.get("/api/v1/auth/me"))
    time.sleep(3)
    assert_error(unused.get("/api/v1/auth/me"), 401, "unauthenticated")   # idle for 3 s
    assert_error(old.get("/api/v1/auth/me"), 401, "unauthenticated")      # older than --session-max
    # signing in again works
    assert_ok(idle.login("alpha", "docente@alpha.test").get("/api/v1/auth/me"))


def test_a_session_in_use_outlives_its_idle_expiry(instances):
    busy = _teacher_server(instances, "busy", "--session-idle", "3")
    c = busy.login("alpha", "docente@alpha.test")
    for _ in range(6):          # 6 s of use, one request a second
        assert_ok(c.get("/api/v1/auth/me"))
        time.sleep(1)
    assert_ok(c.get("/api/v1/auth/me"))


def _fail_from_this_address(c, n, start=0):
    # n failures spread over many emails: no email reaches its own lockout
    for i in range(start, start + n):
        r = c.post("/api/v1/auth/login",
                   json={"email": f"intruso{i}@alpha.test", "password": "no-es-la-clave"})
        assert r.status_code == 401, describe(r)


def test_an_address_over_its_limit_still_signs_in_right_passwords_but_not_wrong_ones(instances):
    """One NAT address for a whole school: 100 failures from it must not lock
    everyone out; a wrong password from it then locks that email at once,
    the refusal is audited, and a restart does not lift the limit."""
    inst = _teacher_server(instances, "ipblock")
    inst.add_user("alpha", "director@alpha.test", "school_admin")
    inst.add_user("alpha", "tercera@alpha.test", "teacher")
    c = inst.client("alpha")
    _fail_from_this_address(c, 100)
    # the right password of an account that is not locked still works
    assert_ok(inst.client("alpha").login("docente@alpha.test"))
    # a wrong one is refused as "too many attempts", and locks that email
    r = c.post("/api/v1/auth/login",
               json={"email": "director@alpha.test", "password": "no-es-la-clave"})
    err = assert_error(r, 429, "too_many_attempts")
    assert "intent" in err["message"], err
    assert_error(inst.client("alpha").login("director@alpha.test"), 429, "too_many_attempts")
    # the refusal left an audit row that names the reason (the school's
    # admin is the one locked out: read the store)
    rows = store_rows(inst.school_store("alpha"),
                      "SELECT action, actor, after_json FROM audit_log WHERE request_id = ?",
                      (r.headers["X-Request-Id"],))
    assert len(rows) == 1 and rows[0][0] == "login_failed", rows
    assert rows[0][1] == "director@alpha.test" and "address_limit" in rows[0][2], rows

    # a restart does not lift the limit: a first wrong password is refused at once
    inst.stop()
    inst.start()
    r = inst.client("alpha").post("/api/v1/auth/login",
                                  json={"email": "tercera@alpha.test", "password": "mal"})
    assert_error(r, 429, "too_many_attempts")
    assert_ok(inst.client("alpha").login("docente@alpha.test"))
    # and the email locked before the restart is still locked
    assert_error(inst.client("alpha").login("director@alpha.test"), 429, "too_many_attempts")


def test_below_the_address_limit_a_wrong_password_is_a_plain_failure(instances):
    inst = _teacher_server(instances, "ipbelow")
    c = inst.client("alpha")
    _fail_from_this_address(c, 99)
    r = c.post("/api/v1/auth/login",
               json={"email": "docente@alpha.test", "password": "no-es-la-clave"})
    assert_error(r, 401, "invalid_credentials")
    assert_ok(inst.client("alpha").login("docente@alpha.test"))
