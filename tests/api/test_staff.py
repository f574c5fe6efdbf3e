"""Teachers and other staff (h_staff.c, src/school/staff.c), through the
API on the suite's backend."""

import pytest

from conftest import assert_error, assert_ok, store_execute


@pytest.fixture(scope="module")
def school(module_instances):
    inst = module_instances("staff")
    inst.init()
    for code in ("norte", "sur"):
        inst.create_school(code, f"U.E. {code.title()}")
        inst.add_user(code, f"directora@{code}.test", "school_admin")
    inst.add_user("norte", "profe@norte.test", "teacher")
    inst.start()
    return inst


def director(inst, code="norte"):
    return inst.login(code, f"directora@{code}.test")


def audit(c, entity, action):
    return assert_ok(c.get("/api/v1/audit", params={"entity": entity, "action": action}))["items"]


@pytest.fixture(scope="module")
def subjects(school):
    c = director(school)
    return [assert_ok(c.post("/api/v1/subjects", json={"name": n, "code": k, "level": "media_general"}), 201)
            for n, k in (("Física", "FIS"), ("Química", "QUI"))]


def test_a_teacher_is_stored_normalized_with_the_subjects_they_teach(school, subjects):
    c = director(school)
    t = assert_ok(c.post("/api/v1/staff", json={
        "cedula": "v-12.345.678", "first_names": "  María José ", "last_names": "Rondón Peña",
        "email": "MJ.Rondon@Colegio.EDU.VE", "phone": "0414 123 4567", "cargo": "Docente",
        "max_weekly_periods": 36, "subject_ids": [subjects[1]["id"], subjects[0]["id"]]}), 201)
    assert t["cedula"] == "V12345678" and t["first_names"] == "María José", t
    assert t["email"] == "mj.rondon@colegio.edu.ve" and t["phone"] == "0414-1234567", t
    assert t["active"] is True and t["user_id"] is None and t["max_weekly_periods"] == 36
    assert [s["name"] for s in t["subjects"]] == ["Física", "Química"], t
    assert sorted(t["subject_ids"]) == sorted(s["id"] for s in subjects)
    assert assert_ok(c.get(f"/api/v1/staff/{t['id']}")) == t
    row = audit(c, "staff", "create")[0]
    assert row["after"]["cedula"] == "V12345678", row


def test_staff_defaults_to_docente_and_lists_by_last_names_with_search(school):
    c = director(school)
    s = assert_ok(c.post("/api/v1/staff", json={"cedula": "E-81234567", "first_names": "Ana",
                                                "last_names": "Álvarez"}), 201)
    assert s["cargo"] == "Docente" and s["cedula"] == "E81234567", s
    assert_ok(c.post("/api/v1/staff", json={"cedula": "9876543", "first_names": "Pedro",
                                            "last_names": "Zambrano", "cargo": "Director(a)"}), 201)
    items = assert_ok(c.get("/api/v1/staff"))["items"]
    assert [x["last_names"] for x in items] == ["Rondón Peña", "Zambrano", "Álvarez"] or \
        [x["last_names"] for x in items] == ["Álvarez", "Rondón Peña", "Zambrano"], items
    assert [x["last_names"] for x in assert_ok(c.get("/api/v1/staff", params={"q": "zamb"}))["items"]] \
        == ["Zambrano"]
    assert [x["last_names"] for x in assert_ok(c.get("/api/v1/staff", params={"q": "MARÍA JOSÉ"}))["items"]] \
        == ["Rondón Peña"]
    assert [x["last_names"] for x in assert_ok(c.get("/api/v1/staff", params={"q": "345.678"}))["items"]] \
        == ["Rondón Peña"]
    assert assert_ok(c.get("/api/v1/staff", params={"q": "nadie"}))["items"] == []


def test_every_invalid_member_is_reported_at_once(school):
    c = director(school)
    before = assert_ok(c.get("/api/v1/staff"))
    err = assert_error(c.post("/api/v1/staff", json={
        "cedula": "abc", "first_names": "", "email": "x@", "phone": "123", "cargo": "Rey",
        "max_weekly_periods": 99, "active": "sí", "user_id": "uno", "subject_ids": ["x"]}),
        422, "invalid")
    assert {e["field"] for e in err["errors"]} == {
        "cedula", "first_names", "last_names", "email", "phone", "cargo", "max_weekly_periods",
        "active", "user_id", "subject_ids"}, err
    err = assert_error(c.post("/api/v1/staff", json={
        "cedula": "V-20111222", "first_names": "Luis", "last_names": "Mora",
        "user_id": 999999, "subject_ids": [999999]}), 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"user_id", "subject_ids"}, err
    assert_error(c.post("/api/v1/staff", json={"cedula": "12345678", "first_names": "Otra",
                                               "last_names": "Persona"}), 409, "conflict", field="cedula")
    assert assert_ok(c.get("/api/v1/staff")) == before


def test_a_member_is_linked_to_a_user_and_changes_are_audited(school, subjects):
    c = director(school)
    users = assert_ok(c.get("/api/v1/users"))["items"]
    profe = next(u for u in users if u["email"] == "profe@norte.test")
    t = next(x for x in assert_ok(c.get("/api/v1/staff"))["items"] if x["cedula"] == "V12345678")
    after = assert_ok(c.patch(f"/api/v1/staff/{t['id']}", json={
        "user_id": profe["id"], "cargo": "Coordinador(a)", "subject_ids": [subjects[0]["id"]]}))
    assert after["user_id"] == profe["id"] and after["cargo"] == "Coordinador(a)", after
    assert [s["name"] for s in after["subjects"]] == ["Física"]
    assert after["email"] == t["email"], "a partial update changed another member"
    row = audit(c, "staff", "update")[0]
    assert row["before"]["cargo"] == "Docente" and row["after"]["cargo"] == "Coordinador(a)", row
    assert "email" not in row["after"], row
    other = next(x for x in assert_ok(c.get("/api/v1/staff"))["items"] if x["last_names"] == "Zambrano")
    assert_error(c.patch(f"/api/v1/staff/{other['id']}", json={"user_id": profe["id"]}), 422,
                 "invalid", field="user_id")
    cleared = assert_ok(c.patch(f"/api/v1/staff/{t['id']}", json={"user_id": None, "active": False,
                                                                  "email": ""}))
    assert cleared["user_id"] is None and cleared["active"] is False and cleared["email"] == ""


def test_staff_of_another_school_is_not_found_and_untouched(school):
    sur = director(school, "sur")
    s = assert_ok(sur.post("/api/v1/staff", json={"cedula": "V-5555555", "first_names": "Rosa",
                                                  "last_names": "Sur"}), 201)
    store_execute(school.school_store("sur"), "UPDATE staff SET id = ? WHERE id = ?",
                  (800000 + s["id"], s["id"]))
    c = director(school)
    assert_error(c.get(f"/api/v1/staff/{800000 + s['id']}"), 404, "not_found")
    assert_error(c.patch(f"/api/v1/staff/{800000 + s['id']}", json={"cargo": "Otro"}), 404, "not_found")
    assert_error(c.get("/api/v1/staff/0"), 404, "not_found")
    assert [x["cargo"] for x in assert_ok(sur.get("/api/v1/staff"))["items"]] == ["Docente"]
    assert assert_ok(c.get("/api/v1/staff", params={"q": "Rosa"}))["items"] == []
