"""Platform statistics: anonymized counts over every school, measured by the
server's background refresher (or `bischeduler statistics record`) and only
read by the API: serving them changes no data and cycles no school through
the pool. More in test_network.py (anonymization, the console's figures)."""

import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from conftest import (ADMIN_EMAIL, assert_error, assert_ok, cli_ok, parse_metrics, store_execute,
                      store_rows, table_counts)


def _stores(inst, codes):
    return {"master": inst.master_store, **{c: inst.school_store(c) for c in codes}}


def _counts(stores):
    return {name: table_counts(s) for name, s in stores.items()}


def _open_stores(inst):
    text = inst.client().get("/metrics").text
    return next(v for name, _labels, v in parse_metrics(text)[1]
                if name == "bischeduler_open_school_stores")


def _wait_figures(inst, client, timeout=15):
    """The refresher runs once at start: its first figures."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stats = assert_ok(client.get("/api/v1/platform/statistics"))
        if stats["computed_at"] is not None:
            return stats
        time.sleep(0.1)
    raise AssertionError(f"no figures after start: {inst.stderr_text()[-2000:]}")


def test_platform_admin_sees_anonymized_counts_of_every_school(instances):
    inst = instances("stats")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.create_school("sur", "U.E. Sur")
    inst.add_user("norte", "directora@norte.test", "school_admin")
    inst.add_user("norte", "docente1@norte.test", "teacher")
    inst.add_user("sur", "docente2@sur.test", "teacher")
    inst.add_user("sur", "mama@sur.test", "parent")
    inst.start()
    inst.login("norte", "directora@norte.test")
    admin = inst.login("ueipab", ADMIN_EMAIL)
    assert_ok(admin.post("/api/v1/platform/tenants/sur/suspend"))
    _wait_figures(inst, admin)

    # the figures are those of the last refresh: the operator's command
    # runs one now (the server's thread runs the same one periodically)
    res = cli_ok("statistics", "record", *inst.store_args())
    stores = _stores(inst, ["ueipab", "norte", "sur"])
    before = _counts(stores)
    stats = assert_ok(admin.get("/api/v1/platform/statistics"))
    assert stats["day"] in res.out, res
    assert stats["schools"] == {"total": 3, "active": 2, "suspended": 1,
                                "inactive": 0}, stats
    assert stats["users"] == {"school_admin": 1, "teacher": 2, "parent": 1}, stats
    assert stats["logins_30d"] >= 1, stats
    assert stats["schools_counted"] == 3 and stats["insufficient"] is False, stats
    text = str(stats)
    for secret in ("norte.test", "sur.test", "U.E. Norte"):
        assert secret not in text, f"statistics leak {secret!r}: {stats}"

    # a GET changes no data
    assert _counts(stores) == before

    rows = {metric: int(value) for metric, value in store_rows(
        inst.master_store, "SELECT metric, value FROM platform_statistics WHERE day = ?",
        (stats["day"],))}
    assert {k: rows[k] for k in ("schools_active", "schools_suspended", "schools_inactive",
                                 "users_school_admin", "users_teacher", "users_parent",
                                 "logins_30d")} == {
        "schools_active": 2, "schools_suspended": 1, "schools_inactive": 0,
        "users_school_admin": 1, "users_teacher": 2, "users_parent": 1,
        "logins_30d": stats["logins_30d"]}, rows
    per_school = {}
    for code, metric, value in store_rows(
            inst.master_store,
            "SELECT t.subdomain, a.metric, a.value FROM tenant_analytics a"
            " JOIN tenants t ON t.id = a.tenant_id WHERE a.day = ?", (stats["day"],)):
        per_school.setdefault(code, {})[metric] = int(value)
    assert {k: per_school["norte"][k] for k in ("users_school_admin", "users_teacher",
                                                "users_parent", "logins_30d", "users")} == {
        "users_school_admin": 1, "users_teacher": 1, "users_parent": 0, "logins_30d": 1,
        "users": 2}, per_school
    assert per_school["sur"]["users_parent"] == 1 and per_school["sur"]["logins_30d"] == 0
    assert set(per_school) == {"ueipab", "norte", "sur"}, per_school
    # recording the same day again replaces it
    n = len(store_rows(inst.master_store, "SELECT id FROM tenant_analytics WHERE day = ?",
                       (stats["day"],)))
    cli_ok("statistics", "record", *inst.store_args())
    assert len(store_rows(inst.master_store, "SELECT id FROM tenant_analytics WHERE day = ?",
                          (stats["day"],))) == n == 3 * 9


def test_the_background_refresher_picks_up_changes_on_its_own(instances):
    inst = instances("stats-thread")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.start("--statistics-interval", "1")
    admin = inst.login("ueipab", ADMIN_EMAIL)
    _wait_figures(inst, admin)
    inst.add_user("norte", "docente@norte.test", "teacher")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        items = assert_ok(admin.get("/api/v1/platform/tenants"))["items"]
        figures = next(t["figures"] for t in items if t["code"] == "norte")
        if figures and figures["users"] == 1:
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f"the refresher did not count the new user: {items}")


def test_the_day_is_in_the_master_schools_calendar(instances):
    inst = instances("stats-day")
    inst.init()
    # a zone whose date differs from UTC's right now
    # (Kiritimati, UTC+14, is a day ahead from 10:00 UTC; Pago Pago, UTC-11, a
    # day behind until 11:00 UTC)
    tz = "Pacific/Kiritimati" if datetime.now(timezone.utc).hour >= 10 else "Pacific/Pago_Pago"
    store_execute(inst.school_store("ueipab"),
                  "INSERT INTO tenant_settings (key, value) VALUES ('timezone', ?) ON CONFLICT (key)"
                  " DO UPDATE SET value = excluded.value", (tz,))
    inst.start()
    admin = inst.login("ueipab", ADMIN_EMAIL)
    day = _wait_figures(inst, admin)["day"]
    utc_day = datetime.now(timezone.utc).date().isoformat()
    local_days = {datetime.now(ZoneInfo(tz)).date().isoformat()}
    assert day in local_days and day != utc_day, (day, tz, utc_day)


def test_statistics_do_not_cycle_every_school_through_the_pool(instances):
    inst = instances("stats-pool")
    inst.init()
    codes = [f"escuela-{i}" for i in range(6)]
    for code in codes:
        inst.create_school(code, f"Escuela {code}")
    inst.add_user("escuela-0", "dir@e0.test", "school_admin")
    inst.add_user("escuela-5", "docente@e5.test", "teacher")
    inst.start()
    admin = inst.login("ueipab", ADMIN_EMAIL)
    inst.login("escuela-0", "dir@e0.test")
    open_before = _open_stores(inst)
    stats = _wait_figures(inst, admin)
    assert stats["schools"]["total"] == 7 and stats["users"]["teacher"] == 1, stats
    assert _open_stores(inst) == open_before, "statistics opened school stores in the pool"


def test_school_admin_cannot_read_platform_statistics(instances):
    inst = instances("stats2")
    inst.init()
    inst.add_user("ueipab", "direccion@ueipab.test", "school_admin")
    inst.create_school("norte", "U.E. Norte")
    inst.add_user("norte", "directora@norte.test", "school_admin")
    inst.start()
    school_admin = inst.login("ueipab", "direccion@ueipab.test")
    assert_error(school_admin.get("/api/v1/platform/statistics"), 403, "forbidden")
    guest = inst.login("norte", "directora@norte.test")
    assert_error(guest.get("/api/v1/platform/statistics"), 404)
