"""School years, lapsos and the promotion to a new year (h_years.c,
src/school/years.c), through the API on the suite's backend."""

from datetime import datetime, timedelta, timezone

import pytest

from conftest import assert_error, assert_ok, store_execute, store_rows
from support.records import insert_student

LAPSOS = [{"number": 1, "starts_on": "2025-09-15", "ends_on": "2025-12-12"},
          {"number": 2, "starts_on": "2026-01-07", "ends_on": "2026-03-27"},
          {"number": 3, "starts_on": "2026-04-06", "ends_on": "2026-07-15"}]


@pytest.fixture(scope="module")
def school(module_instances):
    inst = module_instances("years")
    inst.init()
    for code in ("norte", "sur", "vacia"):
        inst.create_school(code, f"U.E. {code.title()}")
        inst.add_user(code, f"directora@{code}.test", "school_admin")
    inst.start()
    return inst


def director(inst, code="norte"):
    return inst.login(code, f"directora@{code}.test")


def audit(c, entity, action):
    return assert_ok(c.get("/api/v1/audit", params={"entity": entity, "action": action}))["items"]


def test_a_year_with_its_lapsos_is_created_listed_and_the_first_is_current(school):
    c = director(school)
    y = assert_ok(c.post("/api/v1/years", json={
        "name": "2025-2026", "starts_on": "2025-09-15", "ends_on": "2026-07-15",
        "lapsos": LAPSOS}), 201)
    assert y["name"] == "2025-2026" and y["is_current"] is True, y
    assert y["lapsos"] == LAPSOS, y
    listed = assert_ok(c.get("/api/v1/years"))
    assert listed["items"] == [y] and listed["total"] == 1 and listed["next_cursor"] is None
    rows = audit(c, "school_year", "create")
    assert rows and rows[0]["after"]["name"] == "2025-2026", rows


def test_a_year_without_lapsos_gets_three_default_ones_inside_it(school):
    c = director(school)
    y = assert_ok(c.post("/api/v1/years", json={
        "name": "2023-2024", "starts_on": "2023-09-18", "ends_on": "2024-07-12"}), 201)
    assert y["is_current"] is False, "a second year must not take the current mark by itself"
    assert [l["number"] for l in y["lapsos"]] == [1, 2, 3], y
    assert y["lapsos"][0]["starts_on"] == "2023-09-18" and y["lapsos"][2]["ends_on"] == "2024-07-12"
    for a, b in zip(y["lapsos"], y["lapsos"][1:]):
        assert a["ends_on"] < b["starts_on"], y


def test_every_invalid_member_is_reported_at_once_and_nothing_is_written(school):
    c = director(school)
    before = assert_ok(c.get("/api/v1/years"))
    err = assert_error(c.post("/api/v1/years", json={
        "name": "2025-2027", "starts_on": "2025-13-01", "ends_on": "2026-07-15",
        "lapsos": [{"starts_on": "x"}]}), 422, "invalid")
    fields = {e["field"] for e in err["errors"]}
    assert fields == {"name", "starts_on", "lapsos"}, err
    assert all(e["message"] and not e["message"].startswith("The") for e in err["errors"])
    # dates outside the year, lapsos overlapping
    err = assert_error(c.post("/api/v1/years", json={
        "name": "2027-2028", "starts_on": "2027-09-15", "ends_on": "2027-07-15"}), 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"ends_on"}, err
    bad = [{"number": 1, "starts_on": "2027-09-15", "ends_on": "2027-12-12"},
           {"number": 2, "starts_on": "2027-12-01", "ends_on": "2028-03-27"},
           {"number": 3, "starts_on": "2028-04-06", "ends_on": "2028-07-15"}]
    err = assert_error(c.post("/api/v1/years", json={
        "name": "2027-2028", "starts_on": "2027-09-15", "ends_on": "2028-07-15",
        "lapsos": bad}), 422, "invalid", field="lapsos")
    assert "2.º lapso" in err["message"], err
    outside = [dict(l) for l in bad]
    outside[1] = {"number": 2, "starts_on": "2028-01-07", "ends_on": "2028-03-27"}
    outside[2] = {"number": 3, "starts_on": "2028-04-06", "ends_on": "2028-08-15"}
    err = assert_error(c.post("/api/v1/years", json={
        "name": "2027-2028", "starts_on": "2027-09-15", "ends_on": "2028-07-15",
        "lapsos": outside}), 422, "invalid", field="lapsos")
    assert "dentro" in err["message"], err
    # overlapping another year
    assert_error(c.post("/api/v1/years", json={
        "name": "2026-2027", "starts_on": "2026-07-01", "ends_on": "2027-07-15"}), 422, "invalid",
        field="starts_on")
    assert assert_ok(c.get("/api/v1/years")) == before


def test_a_duplicate_name_is_a_conflict(school):
    c = director(school)
    assert_error(c.post("/api/v1/years", json={
        "name": "2025-2026", "starts_on": "2025-09-15", "ends_on": "2026-07-15"}), 409,
        "conflict", field="name")


def test_patch_moves_dates_and_the_current_mark_with_an_audit_of_what_changed(school):
    c = director(school)
    years = {y["name"]: y for y in assert_ok(c.get("/api/v1/years"))["items"]}
    old = years["2023-2024"]
    y = assert_ok(c.patch(f"/api/v1/years/{old['id']}", json={"ends_on": "2024-07-19", "is_current": True}))
    assert y["ends_on"] == "2024-07-19" and y["is_current"] is True, y
    assert y["lapsos"][2]["ends_on"] == "2024-07-12", "lapsos only change when given"
    now = {x["name"]: x["is_current"] for x in assert_ok(c.get("/api/v1/years"))["items"]}
    assert now == {"2025-2026": False, "2023-2024": True}, now
    row = audit(c, "school_year", "update")[0]
    assert row["before"] == {"ends_on": "2024-07-12", "is_current": False}, row
    assert row["after"] == {"ends_on": "2024-07-19", "is_current": True}, row
    # is_current false is refused: another year is marked current instead
    assert_error(c.patch(f"/api/v1/years/{old['id']}", json={"is_current": False}), 422, "invalid",
                 field="is_current")
    # a lapso pushed out of the year
    assert_error(c.patch(f"/api/v1/years/{old['id']}", json={"starts_on": "2023-10-01"}), 422,
                 "invalid", field="lapsos")
    y = assert_ok(c.patch(f"/api/v1/years/{years['2025-2026']['id']}", json={"is_current": True}))
    assert y["is_current"] is True


def test_a_year_of_another_school_is_not_found(school):
    sur = director(school, "sur")
    # a year of sur whose id no year of norte has (lapsos refer to years,
    # so it is written with its id rather than renumbered)
    store_execute(school.school_store("sur"),
                  "INSERT INTO school_years (id, name, starts_on, ends_on, is_current, created_at)"
                  " VALUES (700001, '2030-2031', '2030-09-15', '2031-07-15', 1, '2026-01-01T00:00:00Z')")
    y = {"id": 1}
    c = director(school)
    foreign = 700000 + y["id"]
    assert_error(c.patch(f"/api/v1/years/{foreign}", json={"is_current": True}), 404, "not_found")
    assert_error(c.post(f"/api/v1/years/{foreign}/promote", json={
        "name": "2031-2032", "starts_on": "2031-09-15", "ends_on": "2032-07-15"}), 404, "not_found")
    assert_error(c.patch("/api/v1/years/abc", json={}), 404, "not_found")
    mine = assert_ok(sur.get("/api/v1/years"))["items"]
    assert [x["name"] for x in mine] == ["2030-2031"] and mine[0]["is_current"] is True


def test_promotion_carries_sections_and_students_into_the_new_current_year(school):
    c = director(school)
    store = school.school_store("norte")
    y = next(x for x in assert_ok(c.get("/api/v1/years"))["items"] if x["name"] == "2025-2026")
    assert y["is_current"]
    grades = {}
    for level, n in (("media_general", 1), ("media_general", 5), ("primaria", 6)):
        g = assert_ok(c.post("/api/v1/grades", json={"level": level, "number": n}), 201)
        grades[g["name"] if level != "primaria" else "6to Grado"] = g
    sec = {}
    for grade, letter in (("1er Año", "A"), ("1er Año", "B"), ("5to Año", "A"), ("6to Grado", "U")):
        s = assert_ok(c.post("/api/v1/sections", json={"grade_id": grades[grade]["id"], "letter": letter,
                                                       "capacity": 30}), 201)
        assert s["year_id"] == y["id"]
        sec[s["name"]] = s
    st = {
        "ana": insert_student(store, "V30000001", "Ana", "Pérez", "H", sec["1er Año A"]["id"]),
        "luis": insert_student(store, "V30000002", "Luis", "Rojas", "V", sec["1er Año A"]["id"],
                               condition="repitiente"),
        "rita": insert_student(store, "V30000003", "Rita", "Gil", "H", sec["1er Año A"]["id"]),
        "juan": insert_student(store, "V30000004", "Juan", "Díaz", "V", sec["1er Año B"]["id"]),
        "eva": insert_student(store, "V30000005", "Eva", "Mora", "H", sec["5to Año A"]["id"]),
        "leo": insert_student(store, "V30000006", "Leo", "Paz", "V", sec["5to Año A"]["id"]),
        "ida": insert_student(store, "V30000007", "Ida", "Sosa", "H", sec["1er Año A"]["id"],
                              status="retirado"),
        "tom": insert_student(store, "V30000008", "Tom", "Ruiz", "V", sec["6to Grado U"]["id"]),
    }
    listed = {s["name"]: s for s in assert_ok(c.get("/api/v1/sections"))["items"]}
    assert (listed["1er Año A"]["students"], listed["1er Año A"]["boys"], listed["1er Año A"]["girls"]) == (3, 1, 2)

    # refused: a withdrawn student cannot repeat, the name is not a year; nothing written
    err = assert_error(c.post(f"/api/v1/years/{y['id']}/promote", json={
        "name": "2026", "starts_on": "2026-09-14", "ends_on": "2027-07-16",
        "repeat_student_ids": [st["ida"]]}), 422, "invalid")
    assert {e["field"] for e in err["errors"]} >= {"name"}, err
    err = assert_error(c.post(f"/api/v1/years/{y['id']}/promote", json={
        "name": "2026-2027", "starts_on": "2026-07-01", "ends_on": "2027-07-16",
        "repeat_student_ids": [st["ida"]]}), 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"starts_on", "repeat_student_ids"}, err
    assert len(assert_ok(c.get("/api/v1/years"))["items"]) == 2

    res = assert_ok(c.post(f"/api/v1/years/{y['id']}/promote", json={
        "name": "2026-2027", "starts_on": "2026-09-14", "ends_on": "2027-07-16",
        "repeat_student_ids": [st["rita"], st["leo"]]}), 201)
    assert res["year"]["name"] == "2026-2027" and res["year"]["is_current"] is True, res
    assert (res["students_promoted"], res["students_graduated"], res["students_repeating"]) == (4, 1, 2), res
    # 2do Año A, 2do Año B, 1er Año U (from 6to Grado), 1er Año A and 5to Año A for the repeaters
    assert res["sections_created"] == 5, res
    years = {x["name"]: x["is_current"] for x in assert_ok(c.get("/api/v1/years"))["items"]}
    assert years == {"2026-2027": True, "2025-2026": False, "2023-2024": False}, years

    now = {s["name"]: s for s in assert_ok(c.get("/api/v1/sections"))["items"]}
    assert list(now) == ["1er Año A", "1er Año U", "2do Año A", "2do Año B", "5to Año A"], list(now)
    assert now["2do Año A"]["students"] == 2 and now["2do Año B"]["students"] == 1
    assert now["1er Año A"]["students"] == 1 and now["5to Año A"]["students"] == 1
    assert now["1er Año U"]["students"] == 1
    assert now["2do Año A"]["capacity"] == 30, "a promoted section keeps its capacity"
    old = {s["name"]: s["students"] for s in
           assert_ok(c.get("/api/v1/sections", params={"year_id": y["id"]}))["items"]}
    assert old == {"1er Año A": 0, "1er Año B": 0, "5to Año A": 0, "6to Grado U": 0}, old
    assert "2do Año" in [g["name"] for g in assert_ok(c.get("/api/v1/grades"))["items"]]

    def student(sid):
        return store_rows(store, "SELECT status, academic_condition, section_id FROM students WHERE id = ?",
                          (sid,))[0]

    def history(sid):
        return store_rows(store, "SELECT section_id, starts_on, ends_on, start_reason, end_reason"
                          " FROM enrolments WHERE student_id = ? ORDER BY id", (sid,))

    assert student(st["ana"]) == ("activo", "regular", now["2do Año A"]["id"])
    assert student(st["luis"]) == ("activo", "regular", now["2do Año A"]["id"]), \
        "a repeater who passes is regular again"
    assert student(st["rita"]) == ("activo", "repitiente", now["1er Año A"]["id"])
    assert student(st["eva"]) == ("graduado", "regular", None)
    assert student(st["leo"]) == ("activo", "repitiente", now["5to Año A"]["id"])
    assert student(st["ida"])[0:2] == ("retirado", "regular")
    assert history(st["ana"]) == [
        (sec["1er Año A"]["id"], "2025-09-15", "2026-07-15", "ingreso", "promocion"),
        (now["2do Año A"]["id"], "2026-09-14", None, "promocion", None)]
    assert history(st["eva"]) == [
        (sec["5to Año A"]["id"], "2025-09-15", "2026-07-15", "ingreso", "graduacion")]
    assert history(st["ida"]) == [
        (sec["1er Año A"]["id"], "2025-09-15", "2025-11-30", "ingreso", "retiro")]
    row = audit(c, "school_year", "promote")[0]
    assert row["before"] == {"from_year": "2025-2026"}, row
    assert row["after"]["students_graduated"] == 1 and row["after"]["year"] == "2026-2027", row


def test_the_first_section_of_a_new_school_opens_the_year_containing_today(school):
    """school_year_ensure_current(): September to July, school-local date."""
    c = director(school, "vacia")
    assert assert_ok(c.get("/api/v1/sections"))["items"] == []
    g = assert_ok(c.post("/api/v1/grades", json={"level": "inicial", "number": 2}), 201)
    assert g["name"] == "2do Grupo" and g["level_label"] == "Educación Inicial", g
    s = assert_ok(c.post("/api/v1/sections", json={"grade_id": g["id"], "letter": "única"}), 201)
    assert s["name"] == "2do Grupo Única" and s["shift"] == "manana", s
    today = (datetime.now(timezone.utc) - timedelta(hours=4)).date()     # America/Caracas
    first = today.year if today.month >= 8 else today.year - 1
    years = assert_ok(c.get("/api/v1/years"))["items"]
    assert len(years) == 1, years
    y = years[0]
    assert y["name"] == f"{first}-{first + 1}" and y["is_current"], y
    assert y["starts_on"] == f"{first}-09-01" and y["ends_on"] == f"{first + 1}-07-31", y
    assert len(y["lapsos"]) == 3
    assert s["year_id"] == y["id"]
