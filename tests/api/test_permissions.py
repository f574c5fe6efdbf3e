"""Each role is refused (403 forbidden) where it lacks the permission."""

import pytest

from conftest import ADMIN_EMAIL, assert_error, assert_ok

SCHOOL_ADMIN_ROUTES = [
    ("GET", "/api/v1/settings", None),
    ("PATCH", "/api/v1/settings", {"name": "Tomada"}),
    ("GET", "/api/v1/users", None),
    ("POST", "/api/v1/users", {"email": "intruso@alpha.test", "name": "Intruso",
                               "role": "school_admin", "password": "Intruso-2024-x"}),
    ("GET", "/api/v1/audit", None),
]

PLATFORM_ROUTES = [
    ("GET", "/api/v1/platform/tenants", None),
    ("POST", "/api/v1/platform/tenants", {"code": "por-director", "name": "No"}),
    ("POST", "/api/v1/platform/tenants/alpha/suspend", None),
    ("POST", "/api/v1/platform/tenants/alpha/support-access", {"reason": "curiosidad"}),
    ("GET", "/api/v1/platform/invitations", None),
]


@pytest.mark.parametrize("email", ["docente@alpha.test", "representante@alpha.test"])
def test_teachers_and_parents_cannot_manage_settings_users_or_audit(world, email):
    c = world.cached_login("alpha", email)
    for method, path, body in SCHOOL_ADMIN_ROUTES:
        kw = {"json": body} if body is not None else {}
        assert_error(c.request(method, path, **kw), 403, "forbidden")
    # what they may do still works
    assert_ok(c.get("/api/v1/auth/me"))
    admin = world.cached_login("alpha", "director@alpha.test")
    emails = [u["email"] for u in assert_ok(admin.get("/api/v1/users"))["items"]]
    assert "intruso@alpha.test" not in emails
    assert assert_ok(admin.get("/api/v1/settings"))["name"] != "Tomada"


def test_school_admin_of_the_master_school_cannot_use_platform_routes(world):
    c = world.cached_login("ueipab", "director@ueipab.test")
    for method, path, body in PLATFORM_ROUTES:
        kw = {"json": body} if body is not None else {}
        assert_error(c.request(method, path, **kw), 403, "forbidden")
    assert_ok(world.branding("alpha"))   # not suspended by the refused request


def test_teacher_of_the_master_school_cannot_use_platform_routes(world):
    c = world.cached_login("ueipab", "docente@ueipab.test")
    assert_error(c.get("/api/v1/platform/tenants"), 403, "forbidden")
    assert_error(c.get("/api/v1/audit"), 403, "forbidden")


def test_school_admin_may_use_school_admin_routes(world):
    c = world.cached_login("alpha", "director@alpha.test")
    assert_ok(c.get("/api/v1/settings"))
    assert_ok(c.get("/api/v1/users"))
    assert_ok(c.get("/api/v1/audit"))


def test_platform_admin_may_use_platform_routes(world):
    c = world.cached_login("ueipab", ADMIN_EMAIL)
    body = assert_ok(c.get("/api/v1/platform/tenants"))
    codes = {t["code"] for t in body["items"]}
    assert {"ueipab", "alpha", "beta"} <= codes, codes
    assert_ok(c.get("/api/v1/audit"))
    assert_ok(c.get("/api/v1/platform/invitations"))
