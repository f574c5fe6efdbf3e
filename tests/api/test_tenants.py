"""Schools on the platform console (h_platform.c): list, create with
validated codes, support access."""

import json
import secrets
from datetime import datetime, timedelta, timezone

import pytest

from conftest import (ADMIN_EMAIL, SCHOOLS, all_pages, assert_error, assert_ok, cli_ok,
                           latest_version, store_exists, store_version)


TENANT_FIELDS = {"id", "code", "name", "status", "plan_type", "created_at", "updated_at", "host"}


def _support_rows(client):
    return all_pages(client, "/api/v1/audit", params={"action": "support_access"})


def test_school_list_shows_every_school_with_its_status_and_host(platform_admin):
    items = assert_ok(platform_admin.get("/api/v1/platform/tenants"))["items"]
    by_code = {t["code"]: t for t in items}
    for code, name in SCHOOLS.items():
        assert code in by_code, by_code.keys()
        assert by_code[code]["name"] == name or code in ("ajustes", "bitacora")
    for t in items:
        assert TENANT_FIELDS <= set(t), t
    assert by_code["ueipab"]["plan_type"] == "master"
    assert by_code["alpha"]["plan_type"] == "guest"
    assert by_code["alpha"]["status"] == "active"
    assert by_code["alpha"]["host"].startswith("bischeduler-alpha.localhost"), by_code["alpha"]


def test_school_created_through_the_api_answers_on_its_own_host(world, platform_admin):
    assert_error(world.branding("nueva"), 404, "school_not_found")
    assert not store_exists(world.school_store("nueva"))
    tenant = assert_ok(platform_admin.post("/api/v1/platform/tenants",
                                           json={"code": "nueva", "name": "Escuela Nueva Esperanza", "admin_name": "Dir", "admin_email": "dir@nuevo.test"}), 201)
    assert TENANT_FIELDS <= set(tenant), tenant
    assert tenant["code"] == "nueva" and tenant["name"] == "Escuela Nueva Esperanza", tenant
    assert tenant["status"] == "active" and tenant["plan_type"] == "guest", tenant
    assert tenant["host"].startswith("bischeduler-nueva.localhost"), tenant
    school = assert_ok(world.branding("nueva"))["school"]
    assert school == {**school, "code": "nueva", "name": "Escuela Nueva Esperanza", "is_master": False}
    assert school["timezone"], school
    codes = [t["code"] for t in assert_ok(platform_admin.get("/api/v1/platform/tenants"))["items"]]
    assert codes.count("nueva") == 1
    assert "nueva" in cli_ok("tenant", "list", "--data", world.data).out
    store = world.school_store("nueva")
    assert store_exists(store), f"no store {store} for the new school"
    assert store_version(store) == latest_version("school")


def test_support_access_opens_a_one_time_support_session(world, platform_admin):
    demo_admin = world.cached_login("demo", "director@demo.test")
    platform_before = {r["id"] for r in _support_rows(platform_admin)}
    school_before = {r["id"] for r in _support_rows(demo_admin)}

    r = platform_admin.post("/api/v1/platform/tenants/demo/support-access",
                            json={"reason": "Ayuda con la configuración"})
    ticket = assert_ok(r, 201)
    assert isinstance(ticket["token"], str) and len(ticket["token"]) >= 20, ticket
    assert "bischeduler-demo.localhost" in ticket["url"], ticket
    expires = datetime.fromisoformat(ticket["expires_at"].replace("Z", "+00:00"))
    left = expires - datetime.now(timezone.utc)
    assert timedelta(0) < left <= timedelta(minutes=11), ticket

    support = world.client("demo")
    body = assert_ok(support.post("/api/v1/auth/support", json={"token": ticket["token"]}))
    assert body["user"]["role"] == "school_admin", body
    assert body["user"]["support"] is True, body
    assert body["user"]["school"]["code"] == "demo", body
    assert body.get("csrf_token"), body
    assert support.session_cookie, "no session cookie for the support session"
    support.csrf = body["csrf_token"]
    me = assert_ok(support.get("/api/v1/auth/me"))
    assert me["user"]["support"] is True and me["user"]["role"] == "school_admin", me
    assert_ok(support.get("/api/v1/settings"))

    # the token works once
    again = world.client("demo")
    assert_error(again.post("/api/v1/auth/support", json={"token": ticket["token"]}), 401)
    assert "bis_session" not in again.cookies

    # the support session is a demo session only
    elsewhere = world.client()
    elsewhere.cookies["bis_session"] = support.session_cookie
    assert_error(elsewhere.get("/api/v1/auth/me"), 401, "unauthenticated")

    new_platform = [r for r in _support_rows(platform_admin) if r["id"] not in platform_before]
    new_school = [r for r in _support_rows(demo_admin) if r["id"] not in school_before]
    assert new_platform, "no support_access row in the platform audit log"
    assert new_school, "no support_access row in the demo school's audit log"
    assert new_platform[0]["actor"] == ADMIN_EMAIL, new_platform
    assert ADMIN_EMAIL in json.dumps(new_school), f"school log does not say who entered: {new_school}"


def test_support_token_of_one_school_does_not_open_another(world, platform_admin):
    ticket = assert_ok(platform_admin.post("/api/v1/platform/tenants/demo/support-access",
                                           json={"reason": "Revisión"}), 201)
    c = world.client("alpha")
    assert_error(c.post("/api/v1/auth/support", json={"token": ticket["token"]}), 401)
    assert "bis_session" not in c.cookies
    # the master host has no support sessions: the ticket is not valid there
    c = world.client()
    assert_error(c.post("/api/v1/auth/support", json={"token": ticket["token"]}), 401, "unauthenticated")
    assert "bis_session" not in c.cookies
    # and the token was not used up by those attempts
    assert_ok(world.client("demo").post("/api/v1/auth/support", json={"token": ticket["token"]}))


def test_made_up_support_token_answers_401(world):
    c = world.client("demo")
    assert_error(c.post("/api/v1/auth/support", json={"token": secrets.token_hex(32)}), 401)
    assert "bis_session" not in c.cookies


def test_support_access_to_an_unknown_school_answers_404(platform_admin):
    r = platform_admin.post("/api/v1/platform/tenants/no-existe/support-access", json={"reason": "Revisión de datos"})
    assert_error(r, 404)


def test_support_access_without_csrf_token_is_refused(platform_admin):
    r = platform_admin.post("/api/v1/platform/tenants/demo/support-access",
                            json={"reason": "Revisión de datos"}, csrf=None)
    assert_error(r, 403, "csrf_missing")


@pytest.mark.parametrize("code", [
    "Mayusculas", "a", "admin", "-guion", "guion-", "con espacio", "x" * 41, "eñe", "api", "www",
])
def test_invalid_school_code_answers_422(world, platform_admin, code):
    r = platform_admin.post("/api/v1/platform/tenants", json={"code": code, "name": "Escuela", "admin_name": "Dir", "admin_email": "dir@nuevo.test"})
    assert_error(r, 422, "invalid", field="code")
    codes = {t["code"] for t in assert_ok(platform_admin.get("/api/v1/platform/tenants"))["items"]}
    assert code not in codes and code.lower() not in codes


def test_school_without_a_name_answers_422(platform_admin):
    r = platform_admin.post("/api/v1/platform/tenants", json={"code": "sin-nombre", "name": "", "admin_name": "Dir", "admin_email": "dir@nuevo.test"})
    assert_error(r, 422, "invalid", field="name")


@pytest.mark.parametrize("code", ["ab", "a-1", "x" * 40])
def test_school_codes_at_the_limits_are_accepted(world, platform_admin, code):
    assert_ok(platform_admin.post("/api/v1/platform/tenants", json={"code": code, "name": f"Escuela {code}", "admin_name": "Dir", "admin_email": "dir@nuevo.test"}), 201)
    assert assert_ok(world.branding(code))["school"]["code"] == code


def test_duplicate_school_code_answers_409(platform_admin):
    r = platform_admin.post("/api/v1/platform/tenants", json={"code": "alpha", "name": "Otra Alfa", "admin_name": "Dir", "admin_email": "dir@nuevo.test"})
    assert_error(r, 409, "conflict")
    r = platform_admin.post("/api/v1/platform/tenants", json={"code": "ueipab", "name": "Otra UEIPAB", "admin_name": "Dir", "admin_email": "dir@nuevo.test"})
    assert_error(r, 409, "conflict", field="code")     # the main school's code is taken, like any other
