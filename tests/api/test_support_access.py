"""The audit trail of support access: refused tickets and what a platform
admin writes inside a school through a support session."""

from conftest import ADMIN_EMAIL, assert_error, assert_ok, audit_row, store_rows


def test_a_refused_support_ticket_leaves_a_platform_audit_row(world, platform_admin):
    c = world.client("demo")
    r = c.post("/api/v1/auth/support", json={"token": "bis_t_" + "0" * 64})
    assert_error(r, 401, "unauthenticated")
    row = audit_row(platform_admin, r.headers["X-Request-Id"], action="support_access_failed")
    assert row["entity"] == "tenant" and row["entity_id"] == "demo", row
    assert row["ip"] == "127.0.0.1", row


def test_writes_in_a_support_session_are_flagged_and_name_the_admin(world, platform_admin):
    ticket = assert_ok(platform_admin.post("/api/v1/platform/tenants/demo/support-access",
                                           json={"reason": "Ajuste de dirección"}), 201)
    support = world.client("demo")
    body = assert_ok(support.post("/api/v1/auth/support", json={"token": ticket["token"]}))
    support.csrf = body["csrf_token"]
    r = support.patch("/api/v1/settings", json={"address": "Av. Soporte 1"})
    assert_ok(r)
    director = world.cached_login("demo", "director@demo.test")
    row = audit_row(director, r.headers["X-Request-Id"])
    assert row["action"] == "update" and row["actor"] == ADMIN_EMAIL, row
    assert row["role"] == "platform_admin" and row["support"] is True, row
    flagged = store_rows(world.school_store("demo"),
                         "SELECT support, actor FROM audit_log WHERE request_id = ?",
                         (r.headers["X-Request-Id"],))
    assert [(int(f), a) for f, a in flagged] == [(1, ADMIN_EMAIL)], flagged
    # the school's own writes are not flagged
    r = director.patch("/api/v1/settings", json={"address": "Av. Principal 2"})
    assert_ok(r)
    mine = store_rows(world.school_store("demo"),
                      "SELECT support FROM audit_log WHERE request_id = ?",
                      (r.headers["X-Request-Id"],))
    assert [int(f) for (f,) in mine] == [0], mine
    assert audit_row(director, r.headers["X-Request-Id"])["support"] is False


def test_refused_tickets_count_toward_the_address_limit_and_stay_audited(instances):
    inst = instances("support-limit")
    inst.init()
    inst.create_school("demo", "Escuela Demo")
    inst.start()
    admin = inst.login("ueipab", ADMIN_EMAIL)
    ticket = assert_ok(admin.post("/api/v1/platform/tenants/demo/support-access",
                                  json={"reason": "Revisión"}), 201)
    c = inst.client("demo")
    for i in range(100):
        r = c.post("/api/v1/auth/support", json={"token": f"bis_t_{i:064d}"})
        assert_error(r, 401, "unauthenticated")
    # over the limit even a good ticket is refused unread (and stays unused)
    r = c.post("/api/v1/auth/support", json={"token": ticket["token"]})
    assert_error(r, 429, "too_many_attempts")
    row = audit_row(admin, r.headers["X-Request-Id"], action="support_access_failed")
    assert row["after"]["reason"] == "address_limit", row
