"""Platform statistics: anonymized counts over every school. Serving them
changes no data and cycles no school through the pool; the day's history is
recorded by `bischeduler statistics record`."""

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

    stores = _stores(inst, ["ueipab", "norte", "sur"])
    before = _counts(stores)
    stats = assert_ok(admin.get("/api/v1/platform/statistics"))
    assert stats["schools"] == {"total": 3, "active": 2, "suspended": 1,
                                "inactive": 0}, stats
    assert stats["users"] == {"school_admin": 1, "teacher": 2, "parent": 1}, stats
    assert stats["logins_30d"] >= 1, stats
    assert stats["schools_unreadable"] == 0, stats
    text = str(stats)
    for secret in ("norte.test", "sur.test", "U.E. Norte"):
        assert secret not in text, f"statistics leak {secret!r}: {stats}"

    # a GET changes no data: no history row, nothing anywhere
    assert _counts(stores) == before
    assert int(store_rows(inst.master_store, "SELECT count(*) FROM platform_statistics")[0][0]) == 0

    # the history is the operator's daily command
    res = cli_ok("statistics", "record", *inst.store_args())
    assert stats["day"] in res.out, res
    rows = {metric: int(value) for metric, value in store_rows(
        inst.master_store, "SELECT metric, value FROM platform_statistics WHERE day = ?",
        (stats["day"],))}
    assert rows == {"schools_active": 2, "schools_suspended": 1, "schools_inactive": 0,
                    "users_school_admin": 1, "users_teacher": 2, "users_parent": 1,
                    "logins_30d": stats["logins_30d"]}, rows
    per_school = {}
    for code, metric, value in store_rows(
            inst.master_store,
            "SELECT t.subdomain, a.metric, a.value FROM tenant_analytics a"
            " JOIN tenants t ON t.id = a.tenant_id WHERE a.day = ?", (stats["day"],)):
        per_school.setdefault(code, {})[metric] = int(value)
    assert per_school["norte"] == {"users_school_admin": 1, "users_teacher": 1,
                                   "users_parent": 0, "logins_30d": 1}, per_school
    assert per_school["sur"] == {"users_school_admin": 0, "users_teacher": 1,
                                 "users_parent": 1, "logins_30d": 0}, per_school
    assert set(per_school) == {"ueipab", "norte", "sur"}, per_school
    # recording the same day again replaces it
    cli_ok("statistics", "record", *inst.store_args())
    assert int(store_rows(inst.master_store, "SELECT count(*) FROM tenant_analytics WHERE day = ?",
                          (stats["day"],))[0][0]) == 12


def test_the_day_is_in_the_master_schools_calendar(instances):
    inst = instances("stats-day")
    inst.init()
    # a zone whose date differs from UTC's right now
    tz = "Pacific/Kiritimati" if datetime.now(timezone.utc).hour >= 12 else "Pacific/Pago_Pago"
    store_execute(inst.school_store("ueipab"),
                  "INSERT INTO tenant_settings (key, value) VALUES ('timezone', ?) ON CONFLICT (key)"
                  " DO UPDATE SET value = excluded.value", (tz,))
    inst.start()
    admin = inst.login("ueipab", ADMIN_EMAIL)
    day = assert_ok(admin.get("/api/v1/platform/statistics"))["day"]
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
    stats = assert_ok(admin.get("/api/v1/platform/statistics"))
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
