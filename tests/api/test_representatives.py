"""Representatives (h_representatives.c, src/school/representatives.c): one
person per cédula linked to all their children, the list and its search,
PATCH with validation and audit, isolation between schools."""

import pytest

from conftest import assert_error, assert_ok
from support.students_setup import make_structure


@pytest.fixture(scope="module")
def school(module_instances):
    inst = module_instances("representatives")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.create_school("sur", "U.E. Sur")
    inst.add_user("norte", "directora@norte.test", "school_admin")
    inst.add_user("sur", "director@sur.test", "school_admin")
    inst.start()
    inst.admin = inst.login("norte", "directora@norte.test")
    inst.ids = make_structure(inst.admin)
    return inst


_seq = iter(range(20_000_000, 99_999_999, 7907))


def child(school, reps, **kw):
    body = {"cedula": str(next(_seq)), "first_names": "Hijo", "last_names": "Prueba",
            "gender": "V", "birth_date": "2013-02-03", "section_id": school.ids["1A"],
            "representatives": reps}
    body.update(kw)
    return assert_ok(school.admin.post("/api/v1/students", json=body), 201)


def test_a_representative_shows_all_their_children(school):
    father = {"cedula": "E-81.234.567", "first_names": "Andrés", "last_names": "Quintero",
              "relationship": "Padre"}
    a = child(school, [father], first_names="Ana")
    b = child(school, [{"id": a["representatives"][0]["id"], "relationship": "Padre"}],
              first_names="Beto", section_id=school.ids["2A"])
    rid = a["representatives"][0]["id"]
    assert b["representatives"][0]["id"] == rid
    rep = assert_ok(school.admin.get(f"/api/v1/representatives/{rid}"))
    assert rep["cedula"] == "E81234567" and rep["cedula_raw"] == "E-81.234.567", rep
    assert sorted(c["first_names"] for c in rep["children"]) == ["Ana", "Beto"], rep
    assert {c["section"] for c in rep["children"]} == {"1er Año A", "2do Año A"}, rep
    listed = assert_ok(school.admin.get("/api/v1/representatives", params={"q": "quintero"}))
    assert [(i["id"], i["children"]) for i in listed["items"]] == [(rid, 2)], listed
    by_digits = assert_ok(school.admin.get("/api/v1/representatives", params={"q": "81234"}))
    assert [i["id"] for i in by_digits["items"]] == [rid], by_digits


def test_an_unknown_representative_id_is_refused_on_the_field(school):
    r = school.admin.post("/api/v1/students", json={
        "cedula": str(next(_seq)), "first_names": "A", "last_names": "B", "gender": "V",
        "birth_date": "2013-01-01", "representatives": [{"id": 10 ** 9}]})
    assert_error(r, 422, "invalid", field="representatives[0].id")
    r = school.admin.post("/api/v1/students", json={
        "cedula": str(next(_seq)), "first_names": "A", "last_names": "B", "gender": "V",
        "birth_date": "2013-01-01", "representatives": [{"cedula": str(next(_seq))}]})
    err = assert_error(r, 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"representatives[0].first_names",
                                                   "representatives[0].last_names"}, err


def test_patch_validates_and_audits_only_what_changed(school):
    s = child(school, [{"cedula": "V-14.000.111", "first_names": "Rosa", "last_names": "Linares",
                        "mobile_phone": "0414-0000001"}])
    rid = s["representatives"][0]["id"]
    r = school.admin.patch(f"/api/v1/representatives/{rid}", json={
        "email": "rosa@", "mobile_phone": "abc", "birth_date": "31/02/1980"})
    err = assert_error(r, 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"email", "mobile_phone", "birth_date"}, err
    p = assert_ok(school.admin.patch(f"/api/v1/representatives/{rid}", json={
        "email": "Rosa@Linares.TEST", "mobile_phone": "0414-0000001", "profession": "Docente"}))
    assert p["email"] == "rosa@linares.test" and p["profession"] == "Docente", p
    audit = assert_ok(school.admin.get("/api/v1/audit", params={"entity": "representative",
                                                                "action": "update"}))
    row = next(i for i in audit["items"] if i["entity_id"] == str(rid))
    assert row["before"] == {"email": "", "profession": ""}, row
    assert row["after"] == {"email": "rosa@linares.test", "profession": "Docente"}, row


def test_a_cedula_of_another_representative_is_refused(school):
    a = child(school, [{"cedula": "V-14.000.222", "first_names": "Uno", "last_names": "A"}])
    b = child(school, [{"cedula": "V-14.000.333", "first_names": "Dos", "last_names": "B"}])
    r = school.admin.patch(f"/api/v1/representatives/{b['representatives'][0]['id']}",
                           json={"cedula": "14000222"})
    assert_error(r, 422, "invalid", field="cedula")
    assert a["representatives"][0]["id"] != b["representatives"][0]["id"]


def test_replacing_a_students_representatives(school):
    s = child(school, [{"cedula": "V-14.000.444", "first_names": "Primero", "last_names": "R"}])
    p = assert_ok(school.admin.patch(f"/api/v1/students/{s['id']}", json={
        "representatives": [{"cedula": "V-14.000.555", "first_names": "Segundo",
                             "last_names": "R", "relationship": "Tío"}]}))
    assert [r["first_names"] for r in p["representatives"]] == ["Segundo"], p
    old = assert_ok(school.admin.get(f"/api/v1/representatives/{s['representatives'][0]['id']}"))
    assert old["children"] == [], old
    audit = assert_ok(school.admin.get("/api/v1/audit", params={"entity": "student",
                                                                "action": "update"}))
    row = next(i for i in audit["items"] if i["entity_id"] == str(s["id"]))
    assert set(row["after"]) == {"representatives"}, row


def test_another_schools_representative_is_not_found(school):
    sur = school.login("sur", "director@sur.test")
    for path in (f"/api/v1/representatives/{10 ** 9}", "/api/v1/representatives/x"):
        assert_error(school.admin.get(path), 404, "not_found")
        assert_error(school.admin.patch(path, json={"profession": "X"}), 404, "not_found")
    assert assert_ok(sur.get("/api/v1/representatives"))["total"] == 0
