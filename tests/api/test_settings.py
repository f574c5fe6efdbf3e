"""School settings (h_settings.c): name, time zone and profile."""

from conftest import ADMIN_EMAIL, assert_error, assert_ok, store_execute, store_rows


def test_renamed_school_shows_new_name_to_users_and_platform(instances):
    inst = instances("rename")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.add_user("norte", "directora@norte.test", "school_admin")
    inst.start()
    director = inst.login("norte", "directora@norte.test")
    assert_ok(director.patch("/api/v1/settings",
                             json={"name": "U.E. Colegio del Norte"}))
    me = assert_ok(director.get("/api/v1/auth/me"))
    assert me["user"]["school"]["name"] == "U.E. Colegio del Norte", me
    assert assert_ok(inst.branding("norte"))["school"]["name"] == \
        "U.E. Colegio del Norte"
    admin = inst.login("ueipab", ADMIN_EMAIL)
    tenants = assert_ok(admin.get("/api/v1/platform/tenants"))["items"]
    names = {t["code"]: t["name"] for t in tenants}
    assert names["norte"] == "U.E. Colegio del Norte", names
    audit = assert_ok(admin.get("/api/v1/audit", params={"entity": "tenant",
                                                         "action": "update"}))
    assert audit["items"] and audit["items"][0]["after"] == \
        {"name": "U.E. Colegio del Norte"}, audit


def test_rename_of_a_school_gone_from_the_registry_says_so(instances):
    """The school's settings commit before the registry follows; when the
    registry has lost the school meanwhile, the reply says so (404
    school_not_found) instead of a 503 without a cause."""
    inst = instances("rename-gone")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.add_user("norte", "directora@norte.test", "school_admin")
    inst.start()
    director = inst.login("norte", "directora@norte.test")
    # the server knows the school (its registry snapshot lives a second)
    assert_ok(director.get("/api/v1/settings"))
    # (its figures first: PostgreSQL keeps the foreign key the refresher's rows hold)
    store_execute(inst.master_store, "DELETE FROM tenant_analytics WHERE tenant_id IN"
                                     " (SELECT id FROM tenants WHERE subdomain = 'norte')")
    store_execute(inst.master_store, "DELETE FROM tenants WHERE subdomain = 'norte'")
    r = director.patch("/api/v1/settings", json={"name": "U.E. Norte Nuevo"})
    assert_error(r, 404, "school_not_found")
    # the handler ran: the school's own settings took the name
    assert store_rows(inst.school_store("norte"),
                      "SELECT value FROM tenant_settings WHERE key = 'name'") == [("U.E. Norte Nuevo",)]


def test_invalid_timezone_answers_422(world):
    c = world.cached_login("alpha", "director@alpha.test")
    before = assert_ok(c.get("/api/v1/settings"))
    for tz in ("Mars/Olympus", "", "../../etc/passwd"):
        assert_error(c.patch("/api/v1/settings", json={"timezone": tz}), 422, "invalid", field="timezone")
    assert assert_ok(c.get("/api/v1/settings")) == before


def test_valid_timezone_is_accepted(world):
    c = world.cached_login("alpha", "director@alpha.test")
    old = assert_ok(c.get("/api/v1/settings"))["timezone"]
    name = assert_ok(c.get("/api/v1/settings"))["name"]
    try:
        body = assert_ok(c.patch("/api/v1/settings", json={"timezone": "America/Bogota"}))
        assert body == {**body, "timezone": "America/Bogota", "name": name}, "a partial update changed the name"
        assert assert_ok(world.branding("alpha"))["school"]["timezone"] == "America/Bogota"
    finally:
        assert_ok(c.patch("/api/v1/settings", json={"timezone": old}))
