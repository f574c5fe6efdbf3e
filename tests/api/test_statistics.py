"""Platform statistics: anonymized counts over every school, recorded daily."""

from conftest import ADMIN_EMAIL, assert_error, assert_ok, store_rows


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

    stats = assert_ok(admin.get("/api/v1/platform/statistics"))
    assert stats["schools"] == {"total": 3, "active": 2, "suspended": 1,
                                "inactive": 0}, stats
    assert stats["users"] == {"school_admin": 1, "teacher": 2, "parent": 1}, stats
    assert stats["logins_30d"] >= 1, stats
    text = str(stats)
    for secret in ("norte.test", "sur.test", "U.E. Norte"):
        assert secret not in text, f"statistics leak {secret!r}: {stats}"

    # the day's figures are kept in the master store
    rows = {metric: int(value) for metric, value in store_rows(
        inst.master_store, "SELECT metric, value FROM platform_statistics WHERE day = ?",
        (stats["day"],))}
    per_school = int(store_rows(inst.master_store, "SELECT count(DISTINCT tenant_id) FROM"
                                " tenant_analytics WHERE day = ?", (stats["day"],))[0][0])
    assert rows["schools_suspended"] == 1 and rows["users_teacher"] == 2, rows
    assert per_school == 3


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
