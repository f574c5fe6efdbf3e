"""Running the network (issue 14): the console's school list with the
figures the background refresher stored (a GET computes nothing), the
anonymization of platform statistics (no figure from fewer than 3 schools),
usage metering as CSV, the archive download and the deletion of a school
after it with a typed confirmation. One server for the module; refreshes are
forced with `bischeduler statistics record` (the same refresh the server's
thread runs), so nothing waits for a timer."""

import csv
import io
import json
import time

import pytest

from conftest import (ADMIN_EMAIL, assert_error, assert_ok, cli_ok, store_exists, store_rows,
                      table_counts)


@pytest.fixture(scope="module")
def net(module_instances):
    inst = module_instances("network")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.add_user("norte", "directora@norte.test", "school_admin")
    inst.start()
    _wait_first_refresh(inst)
    return inst


def _wait_first_refresh(inst, timeout=15):
    admin = inst.cached_login("ueipab", ADMIN_EMAIL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stats = assert_ok(admin.get("/api/v1/platform/statistics"))
        if stats["computed_at"] is not None:
            return stats
        assert stats["message"].startswith("Aún sin datos"), stats
        time.sleep(0.1)
    pytest.fail("the refresher did not record figures after start")


def _refresh(inst):
    cli_ok("statistics", "record", *inst.store_args())


def _admin(inst):
    return inst.cached_login("ueipab", ADMIN_EMAIL)


def _by_code(inst):
    items = assert_ok(_admin(inst).get("/api/v1/platform/tenants"))["items"]
    return {t["code"]: t for t in items}


def _add_student(client, cedula):
    assert_ok(client.post("/api/v1/students", json={
        "cedula": cedula, "first_names": "Ana", "last_names": "Pérez", "gender": "H",
        "birth_date": "2014-03-02"}), 201)


def test_statistics_from_two_schools_are_refused_and_from_three_shown(net):
    admin = _admin(net)
    stats = assert_ok(admin.get("/api/v1/platform/statistics"))
    assert stats["schools"]["total"] == 2 and stats["schools_counted"] == 2, stats
    assert stats["insufficient"] is True and "insuficiente" in stats["note"], stats
    assert stats["students"] is None and stats["logins_30d"] is None, stats
    assert stats["users"] == {"school_admin": None, "teacher": None, "parent": None}, stats
    # nothing computed from the two schools' data is even stored
    metrics = {m for (m,) in store_rows(net.master_store,
                                        "SELECT metric FROM platform_statistics WHERE day = ?",
                                        (stats["day"],))}
    assert "students" not in metrics and "users_school_admin" not in metrics, metrics
    svg = admin.get("/api/v1/platform/statistics/charts/students.svg")
    assert svg.status_code == 200 and "insuficiente" in svg.text, svg.text[:500]

    net.create_school("sur", "U.E. Sur")
    net.add_user("sur", "docente@sur.test", "teacher")
    _refresh(net)
    stats = assert_ok(admin.get("/api/v1/platform/statistics"))
    assert stats["schools_counted"] == 3 and stats["insufficient"] is False, stats
    assert "note" not in stats, stats
    assert stats["users"] == {"school_admin": 1, "teacher": 1, "parent": 0}, stats
    assert stats["students"] == 0 and stats["storage_bytes"] > 0, stats
    text = json.dumps(stats)
    for secret in ("norte", "sur.test", "U.E."):
        assert secret not in text, f"statistics name a school: {stats}"
    svg = admin.get("/api/v1/platform/statistics/charts/students.svg")
    assert svg.headers["Content-Type"].startswith("image/svg+xml"), svg.headers
    assert "<polyline" in svg.text and "viewBox" in svg.text, svg.text[:500]
    assert "<polyline" in admin.get("/api/v1/platform/statistics/charts/schools.svg").text
    assert_error(admin.get("/api/v1/platform/statistics/charts/otro.svg"), 404)


def test_the_console_list_shows_stored_figures_and_a_get_computes_nothing(net):
    norte = net.cached_login("norte", "directora@norte.test")
    before = _by_code(net)["norte"]["figures"]
    assert before is not None and before["students"] == 0, before
    assert before["users"] == 1 and before["last_activity"] is not None, before
    assert before["storage_bytes"] > 0 and before["computed_at"], before

    _add_student(norte, "21000001")
    master_counts = table_counts(net.master_store)
    for path in ("/api/v1/platform/tenants", "/api/v1/platform/statistics",
                 "/api/v1/platform/usage", "/api/v1/platform/usage.csv",
                 "/api/v1/platform/statistics/charts/students.svg"):
        assert _admin(net).get(path).status_code == 200, path
    assert table_counts(net.master_store) == master_counts, "a GET wrote to the master store"
    assert _by_code(net)["norte"]["figures"]["students"] == 0, "a GET counted the new student"

    _refresh(net)
    after = _by_code(net)["norte"]["figures"]
    assert after["students"] == 1 and after["computed_at"] >= before["computed_at"], after
    assert after["monthly_active_users"] == 1, after   # the director signed in this month
    assert assert_ok(_admin(net).get("/api/v1/platform/statistics"))["students"] == 1


def test_usage_of_a_month_downloads_as_csv(net):
    _refresh(net)
    admin = _admin(net)
    usage = assert_ok(admin.get("/api/v1/platform/usage"))
    month = usage["month"]
    r = admin.get(f"/api/v1/platform/usage.csv?month={month}")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv"), r.headers
    assert f'filename="uso-{month}.csv"' in r.headers["Content-Disposition"], r.headers
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8"))))
    by = {row["codigo"]: row for row in rows}
    assert set(by) >= {"ueipab", "norte", "sur"}, rows
    assert by["norte"]["plantel"] == "U.E. Norte" and by["norte"]["estudiantes"] == "1", by["norte"]
    assert by["norte"]["usuarios"] == "1" and by["norte"]["usuarios_activos_mes"] == "1", by
    assert int(by["norte"]["almacenamiento_bytes"]) > 0 and by["norte"]["mes"] == month, by
    assert by["sur"]["usuarios"] == "1" and by["sur"]["usuarios_activos_mes"] == "0", by
    assert by["norte"]["estado"] == "activo", by
    # the JSON says the same
    json_norte = next(i for i in usage["items"] if i["code"] == "norte")
    assert json_norte["students"] == 1, usage
    # a month without measurements: the header only; a bad month: 422
    empty = admin.get("/api/v1/platform/usage.csv?month=2001-01").content.decode("utf-8")
    assert empty.splitlines() == [
        "mes,codigo,plantel,estado,estudiantes,docentes,usuarios,almacenamiento_bytes,"
        "usuarios_activos_mes,calculado_en"], empty
    assert_error(admin.get("/api/v1/platform/usage.csv?month=2026-13"), 422, "invalid", field="month")


def test_suspending_ends_the_schools_sessions(net):
    norte = net.login("norte", "directora@norte.test")
    admin = _admin(net)
    assert_ok(admin.post("/api/v1/platform/tenants/norte/suspend"))
    assert_ok(admin.post("/api/v1/platform/tenants/norte/activate"))
    assert_error(norte.get("/api/v1/auth/me"), 401)
    # deactivating does the same, and each change is in the platform's log
    norte = net.login("norte", "directora@norte.test")
    assert assert_ok(admin.post("/api/v1/platform/tenants/norte/deactivate"))["status"] == "inactive"
    assert_error(norte.get("/api/v1/auth/me"), 503, "school_unavailable")
    assert _by_code(net)["norte"]["status"] == "inactive"
    assert_ok(admin.post("/api/v1/platform/tenants/norte/activate"))
    assert_error(norte.get("/api/v1/auth/me"), 401)
    for action, before, after in (("suspend", "active", "suspended"),
                                  ("deactivate", "active", "inactive"),
                                  ("activate", "inactive", "active")):
        rows = [e for e in _audit(net, action) if e["entity_id"] == "norte"]
        assert rows and rows[0]["before"] == {"status": before} \
            and rows[0]["after"] == {"status": after}, (action, rows)


def _audit(inst, action):
    return assert_ok(_admin(inst).get("/api/v1/audit", params={"action": action}))["items"]


def test_a_school_is_deleted_only_after_its_export_and_a_typed_confirmation(net):
    admin = _admin(net)
    assert_error(admin.delete("/api/v1/platform/tenants/ueipab", json={"confirm": "ueipab"}),
                 409, "master_school")
    assert_error(admin.get("/api/v1/platform/tenants/ueipab/export"), 409, "master_school")
    assert_error(admin.delete("/api/v1/platform/tenants/sur", json={"confirm": "sur"}),
                 409, "export_required")
    assert_error(admin.delete("/api/v1/platform/tenants/nadie", json={"confirm": "nadie"}), 404)

    r = admin.get("/api/v1/platform/tenants/sur/export")
    assert r.status_code == 200, r.text
    assert 'filename="plantel-sur-' in r.headers["Content-Disposition"], r.headers
    archive = r.json()
    assert archive["tenant"]["code"] == "sur" and "students" in archive["tables"], archive.keys()
    assert [u[archive["tables"]["users"]["columns"].index("email")]
            for u in archive["tables"]["users"]["rows"]] == ["docente@sur.test"]
    assert any(e["entity_id"] == "sur" for e in _audit(net, "export")), _audit(net, "export")
    assert _by_code(net)["sur"]["exported_at"] is not None

    assert_error(admin.delete("/api/v1/platform/tenants/sur", json={"confirm": "Sur"}),
                 422, "invalid", field="confirm")
    assert_error(admin.delete("/api/v1/platform/tenants/sur", json={}), 422, "invalid",
                 field="confirm")

    # a school that changed after its archive must be exported again
    assert admin.get("/api/v1/platform/tenants/norte/export").status_code == 200
    _add_student(net.login("norte", "directora@norte.test"), "21000002")
    assert_error(admin.delete("/api/v1/platform/tenants/norte", json={"confirm": "norte"}),
                 409, "export_required")

    assert "sur" in _by_code(net)
    assert store_exists(net.school_store("sur"))
    deleted = assert_ok(admin.delete("/api/v1/platform/tenants/sur", json={"confirm": "sur"}))
    assert deleted == {"code": "sur", "deleted": True}, deleted
    assert_error(net.branding("sur"), 404, "school_not_found")
    assert "sur" not in _by_code(net) and "norte" in _by_code(net)
    assert not store_exists(net.school_store("sur"))
    rows = [e for e in _audit(net, "delete") if e["entity_id"] == "sur"]
    assert len(rows) == 1, rows
    # the next refresh still works without it
    _refresh(net)
    assert assert_ok(admin.get("/api/v1/platform/statistics"))["schools"]["total"] == 2
