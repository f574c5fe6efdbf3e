"""Grades, sections, subjects and rooms (h_structure.c,
src/school/structure.c), through the API on the suite's backend."""

import pytest

from conftest import assert_error, assert_ok, store_execute, store_rows
from support.records import insert_student


@pytest.fixture(scope="module")
def school(module_instances):
    inst = module_instances("structure")
    inst.init()
    for code in ("norte", "sur"):
        inst.create_school(code, f"U.E. {code.title()}")
        inst.add_user(code, f"directora@{code}.test", "school_admin")
    inst.add_user("norte", "docente@norte.test", "teacher")
    inst.start()
    c = inst.login("norte", "directora@norte.test")
    assert_ok(c.post("/api/v1/years", json={"name": "2025-2026", "starts_on": "2025-09-15",
                                             "ends_on": "2026-07-15"}), 201)
    return inst


def director(inst, code="norte"):
    return inst.login(code, f"directora@{code}.test")


def audit(c, entity, action):
    return assert_ok(c.get("/api/v1/audit", params={"entity": entity, "action": action}))["items"]


def foreign_id(inst, table, obj_id):
    """Gives an object of school sur an id no object of norte has."""
    store_execute(inst.school_store("sur"), f"UPDATE {table} SET id = ? WHERE id = ?",
                  (800000 + obj_id, obj_id))
    return 800000 + obj_id


def test_grades_have_canonical_names_and_are_listed_by_level_then_number(school):
    c = director(school)
    for level, n in (("media_general", 3), ("primaria", 1), ("media_tecnica", 6),
                     ("media_general", 1), ("inicial", 3)):
        assert_ok(c.post("/api/v1/grades", json={"level": level, "number": n}), 201)
    items = assert_ok(c.get("/api/v1/grades"))["items"]
    assert [(g["level_label"], g["name"]) for g in items] == [
        ("Educación Inicial", "3er Grupo"), ("Primaria", "1er Grado"), ("Media General", "1er Año"),
        ("Media General", "3er Año"), ("Media Técnica", "6to Año")], items
    rows = audit(c, "grade", "create")
    assert rows[0]["after"]["name"] == "3er Grupo", rows


def test_grades_outside_the_catalogue_are_refused(school):
    c = director(school)
    err = assert_error(c.post("/api/v1/grades", json={"level": "universidad", "number": "uno"}),
                       422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"level", "number"}, err
    assert_error(c.post("/api/v1/grades", json={"level": "inicial", "number": 4}), 422, "invalid",
                 field="number")
    assert_error(c.post("/api/v1/grades", json={"level": "media_general", "number": 6}), 422,
                 "invalid", field="number")
    assert_error(c.post("/api/v1/grades", json={"level": "primaria", "number": 1}), 409, "conflict")
    teacher = school.login("norte", "docente@norte.test")
    assert_error(teacher.post("/api/v1/grades", json={"level": "primaria", "number": 2}),
                 403, "forbidden")


def grade(c, name):
    return next(g for g in assert_ok(c.get("/api/v1/grades"))["items"] if g["name"] == name)


def test_sections_are_listed_by_grade_then_letter_with_their_room(school):
    c = director(school)
    room = assert_ok(c.post("/api/v1/rooms", json={"name": "Aula 12", "capacity": 35}), 201)
    assert room["kind"] == "aula", room
    g1, g3 = grade(c, "1er Año"), grade(c, "3er Año")
    made = []
    for g, letter in ((g3, "b"), (g1, "Única"), (g3, "A"), (g1, "C")):
        made.append(assert_ok(c.post("/api/v1/sections", json={
            "grade_id": g["id"], "letter": letter, "shift": "tarde", "capacity": 32,
            "room_id": room["id"]}), 201))
    assert made[0]["letter"] == "B" and made[0]["name"] == "3er Año B", made[0]
    assert made[0]["room"] == "Aula 12" and made[0]["room_id"] == room["id"]
    assert made[0]["shift"] == "tarde" and made[0]["students"] == 0
    items = assert_ok(c.get("/api/v1/sections"))["items"]
    assert [s["name"] for s in items] == ["1er Año C", "1er Año Única", "3er Año A", "3er Año B"], items
    rows = audit(c, "section", "create")
    assert rows[0]["after"]["name"] == "1er Año C", rows


def test_section_refusals_name_every_invalid_member(school):
    c = director(school)
    before = assert_ok(c.get("/api/v1/sections"))
    err = assert_error(c.post("/api/v1/sections", json={
        "grade_id": "uno", "letter": "AB", "shift": "noche", "capacity": 500, "room_id": "x"}),
        422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"grade_id", "letter", "shift", "capacity", "room_id"}, err
    err = assert_error(c.post("/api/v1/sections", json={"grade_id": 999999, "letter": "A",
                                                         "room_id": 999999}), 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"grade_id", "room_id"}, err
    g1 = grade(c, "1er Año")
    assert_error(c.post("/api/v1/sections", json={"grade_id": g1["id"], "letter": "c"}), 409,
                 "conflict", field="letter")
    assert assert_ok(c.get("/api/v1/sections")) == before


def test_a_section_patch_is_audited_with_what_changed(school):
    c = director(school)
    s = next(s for s in assert_ok(c.get("/api/v1/sections"))["items"] if s["name"] == "3er Año A")
    after = assert_ok(c.patch(f"/api/v1/sections/{s['id']}", json={"capacity": 28, "room_id": None}))
    assert after["capacity"] == 28 and after["room_id"] is None and after["room"] is None, after
    assert after["shift"] == "tarde", "a partial update changed another member"
    row = audit(c, "section", "update")[0]
    assert row["before"] == {"capacity": 32, "room_id": s["room_id"], "room": "Aula 12"}, row
    assert row["after"] == {"capacity": 28, "room_id": None, "room": None}, row
    assert_error(c.patch(f"/api/v1/sections/{s['id']}", json={"letter": "B"}), 409, "conflict")


def test_a_section_with_students_cannot_be_deleted_an_empty_one_can(school):
    c = director(school)
    secs = {s["name"]: s for s in assert_ok(c.get("/api/v1/sections"))["items"]}
    full = secs["1er Año C"]
    insert_student(school.school_store("norte"), "V31000001", "Marta", "León", "H", full["id"])
    assert assert_ok(c.get("/api/v1/sections"))["items"][0]["girls"] == 1
    assert_error(c.delete(f"/api/v1/sections/{full['id']}"), 409, "section_not_empty")
    empty = secs["3er Año B"]
    assert assert_ok(c.delete(f"/api/v1/sections/{empty['id']}")) == {"id": empty["id"], "deleted": True}
    names = [s["name"] for s in assert_ok(c.get("/api/v1/sections"))["items"]]
    assert "3er Año B" not in names and "1er Año C" in names
    row = audit(c, "section", "delete")[0]
    assert row["before"]["name"] == "3er Año B" and row["after"] is None, row
    assert_error(c.delete(f"/api/v1/sections/{empty['id']}"), 404, "not_found")


def test_subjects_are_created_listed_changed_and_deleted(school):
    c = director(school)
    m = assert_ok(c.post("/api/v1/subjects", json={"name": "Matemática", "code": "mat-1",
                                                    "level": "media_general"}), 201)
    assert m["code"] == "MAT-1" and m["level"] == "media_general", m
    assert_ok(c.post("/api/v1/subjects", json={"name": "Lenguaje", "code": "LEN",
                                               "level": "primaria"}), 201)
    assert_ok(c.post("/api/v1/subjects", json={"name": "Biología", "code": "BIO",
                                               "level": "media_general"}), 201)
    items = assert_ok(c.get("/api/v1/subjects"))["items"]
    assert [s["name"] for s in items] == ["Lenguaje", "Biología", "Matemática"], items
    err = assert_error(c.post("/api/v1/subjects", json={"name": "", "code": "a b", "level": "x"}),
                       422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"name", "code", "level"}, err
    assert_error(c.post("/api/v1/subjects", json={"name": "Otra", "code": "Mat-1",
                                                   "level": "primaria"}), 409, "conflict", field="code")
    m2 = assert_ok(c.patch(f"/api/v1/subjects/{m['id']}", json={"name": "Matemáticas"}))
    assert m2["name"] == "Matemáticas" and m2["code"] == "MAT-1"
    row = audit(c, "subject", "update")[0]
    assert row["before"] == {"name": "Matemática"} and row["after"] == {"name": "Matemáticas"}, row
    bio = next(s for s in items if s["code"] == "BIO")
    assert_ok(c.delete(f"/api/v1/subjects/{bio['id']}"))
    assert "BIO" not in [s["code"] for s in assert_ok(c.get("/api/v1/subjects"))["items"]]
    assert audit(c, "subject", "delete")[0]["before"]["code"] == "BIO"


def test_rooms_are_created_listed_changed_and_deleted(school):
    c = director(school)
    lab = assert_ok(c.post("/api/v1/rooms", json={"name": "Laboratorio de Química", "capacity": 24,
                                                  "kind": "laboratorio"}), 201)
    assert lab["kind"] == "laboratorio" and lab["capacity"] == 24
    err = assert_error(c.post("/api/v1/rooms", json={"name": "x" * 101, "capacity": -1,
                                                      "kind": "piscina"}), 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"name", "capacity", "kind"}, err
    assert_error(c.post("/api/v1/rooms", json={"name": "Aula 12"}), 409, "conflict", field="name")
    names = [r["name"] for r in assert_ok(c.get("/api/v1/rooms"))["items"]]
    assert names == ["Aula 12", "Laboratorio de Química"], names
    r2 = assert_ok(c.patch(f"/api/v1/rooms/{lab['id']}", json={"kind": "computacion"}))
    assert r2["kind"] == "computacion" and r2["capacity"] == 24
    # deleting a section's home room leaves the section without one
    aula = next(r for r in assert_ok(c.get("/api/v1/rooms"))["items"] if r["name"] == "Aula 12")
    assert_ok(c.delete(f"/api/v1/rooms/{aula['id']}"))
    assert all(s["room_id"] is None for s in assert_ok(c.get("/api/v1/sections"))["items"])
    assert audit(c, "room", "delete")[0]["before"]["name"] == "Aula 12"


def test_objects_of_another_school_are_not_found_and_stay_untouched(school):
    sur = director(school, "sur")
    g = assert_ok(sur.post("/api/v1/grades", json={"level": "primaria", "number": 2}), 201)
    s = assert_ok(sur.post("/api/v1/sections", json={"grade_id": g["id"], "letter": "A"}), 201)
    m = assert_ok(sur.post("/api/v1/subjects", json={"name": "Inglés", "code": "ING",
                                                      "level": "primaria"}), 201)
    r = assert_ok(sur.post("/api/v1/rooms", json={"name": "Cancha", "kind": "cancha"}), 201)
    sid = foreign_id(school, "sections", s["id"])
    mid = foreign_id(school, "subjects", m["id"])
    rid = foreign_id(school, "rooms", r["id"])
    c = director(school)
    for path in (f"/api/v1/sections/{sid}", f"/api/v1/subjects/{mid}", f"/api/v1/rooms/{rid}"):
        assert_error(c.patch(path, json={"capacity": 1} if "subjects" not in path else {"name": "X"}),
                     404, "not_found")
        assert_error(c.delete(path), 404, "not_found")
    assert [x["letter"] for x in assert_ok(sur.get("/api/v1/sections"))["items"]] == ["A"]
    assert [x["name"] for x in assert_ok(sur.get("/api/v1/subjects"))["items"]] == ["Inglés"]
    assert [x["capacity"] for x in assert_ok(sur.get("/api/v1/rooms"))["items"]] == [0]
    assert_error(c.get("/api/v1/sections", params={"year_id": "x"}), 422, "invalid", field="year_id")
