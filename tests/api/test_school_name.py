"""A school renamed in its settings shows the new name everywhere."""

from conftest import ADMIN_EMAIL, assert_ok


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
