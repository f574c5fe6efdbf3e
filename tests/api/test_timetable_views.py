"""Views of the active timetable (h_portal.c, src/school/tt_views.c): the
admin's week per section, teacher and room, the day's view, the teacher's
own week and each child's week for a parent; a teacher sees only their
week, a parent only their children's (404 on any other child). The school
is support/portal.py's small week."""

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from conftest import assert_error, assert_ok, cli, store_execute
from support.portal import MONDAY, build_school, portal_users


@pytest.fixture(scope="module")
def school(module_instances):
    inst = module_instances("views")
    inst.init()
    for code in ("norte", "sur"):
        inst.create_school(code, f"U.E. {code.title()}")
        portal_users(inst, code)
    inst.start()
    inst.ids = build_school(inst, "norte", inst.login("norte", "directora@norte.test"))
    return inst


def director(inst, code="norte"):
    return inst.cached_login(code, f"directora@{code}.test")


def cells(week):
    """(section, subject, teacher, day, starts_at, ends_at) of every lesson."""
    return sorted((x["section"], x["subject"], x["teacher"], x["day"], x["starts_at"], x["ends_at"])
                  for x in week["lessons"])


def test_the_section_week_shows_its_lessons_on_its_bell_schedule_and_never_a_draft(school):
    ids = school.ids
    w = assert_ok(director(school).get("/api/v1/timetables/active/week",
                                       params={"section_id": ids["1A"]}))
    assert w["timetable"]["id"] == ids["tt"] and w["timetable"]["name"] == "Horario 2026-2027"
    assert w["view"] == {"kind": "section", "id": ids["1A"], "name": "1er Año A"}
    assert w["days"] == [1, 2, 3, 4, 5]
    assert cells(w) == [
        ("1er Año A", "Castellano", "Rosa Díaz", 2, "07:00", "08:20"),
        ("1er Año A", "Física", "Ana Pérez", 1, "10:00", "11:20"),
        ("1er Año A", "Matemática", "Ana Pérez", 1, "07:00", "08:20")]
    # Juan's lesson is in the draft only
    assert all(x["teacher"] != "Juan Ruiz" for x in w["lessons"])
    # the day's rows: ten periods and the two breaks, in order
    assert [(s["number"], s["is_break"], s["starts_at"]) for s in w["slots"]][:6] == [
        (1, False, "07:00"), (2, False, "07:40"), (3, False, "08:20"), (4, False, "09:00"),
        (0, True, "09:40"), (5, False, "10:00")]
    assert len(w["slots"]) == 12 and w["slots"][-1]["ends_at"] == "14:20"
    lab = next(x for x in w["lessons"] if x["subject"] == "Física")
    assert lab["room"] == "Laboratorio" and lab["period"] == 5 and lab["length"] == 2


def test_a_teacher_on_two_bell_schedules_gets_one_grid_ordered_by_time(school):
    ids = school.ids
    w = assert_ok(director(school).get("/api/v1/timetables/active/week",
                                       params={"staff_id": ids["luis"]}))
    assert w["view"]["kind"] == "teacher" and w["view"]["name"] == "Luis Gómez"
    assert cells(w) == [
        ("2do Año A", "Matemática", "Luis Gómez", 1, "07:00", "08:20"),
        ("2do Año A", "Matemática", "Luis Gómez", 2, "08:20", "09:00"),
        ("6to Grado A", "Matemática", "Luis Gómez", 2, "07:00", "07:45")]
    starts = [s["starts_at"] for s in w["slots"]]
    assert starts == sorted(starts) and "07:45" in starts and "07:40" in starts, starts


def test_the_room_week_holds_what_happens_in_that_room(school):
    ids = school.ids
    w = assert_ok(director(school).get("/api/v1/timetables/active/week",
                                       params={"room_id": ids["lab"]}))
    assert w["view"] == {"kind": "room", "id": ids["lab"], "name": "Laboratorio"}
    assert sorted((x["section"], x["teacher"]) for x in w["lessons"]) == [
        ("1er Año A", "Ana Pérez"), ("2do Año A", "Marta Salas")]


def test_the_day_view_keeps_the_lessons_of_that_weekday(school):
    ids = school.ids
    d = assert_ok(director(school).get("/api/v1/timetables/active/day",
                                       params={"section_id": ids["2A"], "date": MONDAY}))
    assert d["date"] == MONDAY and d["day"] == 1
    assert [(x["subject"], x["starts_at"]) for x in sorted(d["lessons"], key=lambda x: x["starts_at"])] == [
        ("Matemática", "07:00"), ("Castellano", "08:20"), ("Física", "10:00")]
    assert all(x["cover"] is None and x["teacher_absent"] is False for x in d["lessons"])
    sunday = assert_ok(director(school).get("/api/v1/timetables/active/day",
                                            params={"section_id": ids["2A"], "date": "2026-12-13"}))
    assert sunday["lessons"] == [] and sunday["day"] == 7


def test_the_views_refuse_a_missing_or_double_target_and_an_unknown_one(school):
    c = director(school)
    for params in ({}, {"section_id": school.ids["1A"], "room_id": school.ids["lab"]}):
        r = c.get("/api/v1/timetables/active/week", params=params)
        assert_error(r, 422, "invalid", field="section_id")
        assert "una sola" in r.json()["error"]["message"]
    assert_error(c.get("/api/v1/timetables/active/week", params={"staff_id": "abc"}), 422, "invalid",
                 field="staff_id")
    r = c.get("/api/v1/timetables/active/week", params={"section_id": 999999})
    assert_error(r, 404, "not_found")
    assert r.json()["error"]["message"] == "Sección no encontrada."
    assert_error(c.get("/api/v1/timetables/active/day", params={"section_id": school.ids["1A"],
                                                                "date": "2026-02-30"}),
                 422, "invalid", field="date")


def test_a_school_without_an_active_timetable_shows_an_empty_week(school):
    """Nothing published yet is no error: the week has no timetable and no
    lessons (the pages say so in Spanish); a cover cannot be given."""
    c = director(school, "sur")
    assert_ok(c.post("/api/v1/years", json={"name": "2026-2027", "starts_on": "2026-09-14",
                                            "ends_on": "2027-07-16", "is_current": True}), 201)
    g = assert_ok(c.post("/api/v1/grades", json={"level": "primaria", "number": 1}), 201)["id"]
    sec = assert_ok(c.post("/api/v1/sections", json={"grade_id": g, "letter": "A"}), 201)["id"]
    w = assert_ok(c.get("/api/v1/timetables/active/week", params={"section_id": sec}))
    assert w["timetable"] is None and w["lessons"] == [] and w["view"]["name"] == "1er Grado A"
    d = assert_ok(c.get("/api/v1/timetables/active/day", params={"section_id": sec, "date": MONDAY}))
    assert d["timetable"] is None and d["lessons"] == [] and d["day"] == 1
    staff = assert_ok(c.post("/api/v1/staff", json={"cedula": "V9000001", "first_names": "Eva",
                                                    "last_names": "Paz"}), 201)["id"]
    a = assert_ok(c.post("/api/v1/absences", json={"staff_id": staff, "starts_on": MONDAY}), 201)
    cover = assert_ok(c.get(f"/api/v1/absences/{a['id']}/cover"))
    assert cover["timetable"] is None and cover["lessons"] == []
    r = c.request("PUT", "/api/v1/covers", json={"lesson_id": 1, "date": MONDAY, "staff_id": staff})
    assert_error(r, 404, "no_active_timetable")
    assert "horario activo" in r.json()["error"]["message"]


def test_a_teacher_sees_only_their_own_week(school):
    ids = school.ids
    ana = school.login("norte", "profe1@norte.test")
    w = assert_ok(ana.get("/api/v1/me/timetable"))
    assert w["view"] == {"kind": "teacher", "id": ids["ana"], "name": "Ana Pérez"}
    assert {x["teacher"] for x in w["lessons"]} == {"Ana Pérez"}
    assert sorted(x["id"] for x in w["lessons"]) == sorted([ids["L1"], ids["L2"], ids["L9"]])
    # another teacher's week, a section's or a room's: not for a teacher
    for params in ({"staff_id": ids["luis"]}, {"section_id": ids["1A"]}, {"room_id": ids["lab"]}):
        assert_error(ana.get("/api/v1/timetables/active/week", params=params), 403, "forbidden")
    assert_error(ana.get("/api/v1/me/children"), 403, "forbidden")
    # a teacher account with no staff row has nothing of its own (the page says why)
    w = assert_ok(school.login("norte", "profe3@norte.test").get("/api/v1/me/timetable"))
    assert w["view"] is None and w["lessons"] == [] and w["covers"] == []


def test_a_parent_sees_each_of_their_children_and_no_other(school):
    ids = school.ids
    mama = school.login("norte", "mama@norte.test")
    kids = assert_ok(mama.get("/api/v1/me/children"))["items"]
    assert [(k["first_names"], k["section"]) for k in kids] == [("Sofía", "1er Año A"),
                                                               ("Tomás", "6to Grado A")]
    w = assert_ok(mama.get(f"/api/v1/me/children/{ids['sofia']}/timetable"))
    assert w["student"]["first_names"] == "Sofía" and w["view"]["name"] == "1er Año A"
    assert {x["section"] for x in w["lessons"]} == {"1er Año A"} and len(w["lessons"]) == 3
    w = assert_ok(mama.get(f"/api/v1/me/children/{ids['tomas']}/timetable"))
    assert {x["section"] for x in w["lessons"]} == {"6to Grado A"}
    assert [s["ends_at"] for s in w["slots"]][:2] == ["07:45", "08:30"]
    # Valeria is papa's child: to mama she does not exist, like an unknown id
    for sid in (ids["valeria"], 999999):
        r = mama.get(f"/api/v1/me/children/{sid}/timetable")
        assert_error(r, 404, "not_found")
        assert r.json()["error"]["message"] == "Estudiante no encontrado."
    papa = school.login("norte", "papa@norte.test")
    assert [k["first_names"] for k in assert_ok(papa.get("/api/v1/me/children"))["items"]] == ["Valeria"]
    assert_error(papa.get(f"/api/v1/me/children/{ids['sofia']}/timetable"), 404, "not_found")
    # nor the admin's views or a teacher's
    assert_error(papa.get("/api/v1/timetables/active/week", params={"section_id": ids["2A"]}),
                 403, "forbidden")
    assert_error(papa.get("/api/v1/me/timetable"), 403, "forbidden")


def test_the_views_follow_the_timetable_that_is_active(school):
    """Another timetable made active changes what everybody sees at once
    (with SQL here, TEST SUPPORT ONLY: the activate route archives the
    previous one for good, and this module's week must come back after)."""
    ids, store = school.ids, school.school_store("norte")
    c = director(school)
    try:
        store_execute(store, "UPDATE timetables SET status = 'archived' WHERE id = ?", (ids["tt"],))
        store_execute(store, "UPDATE timetables SET status = 'active' WHERE id = ?", (ids["draft"],))
        w = assert_ok(c.get("/api/v1/timetables/active/week", params={"section_id": ids["1A"]}))
        assert cells(w) == [("1er Año A", "Matemática", "Juan Ruiz", 1, "07:00", "08:20")]
        assert assert_ok(school.login("norte", "profe1@norte.test").get("/api/v1/me/timetable"))[
            "lessons"] == []
    finally:
        store_execute(store, "UPDATE timetables SET status = 'draft' WHERE id = ?", (ids["draft"],))
        store_execute(store, "UPDATE timetables SET status = 'active' WHERE id = ?", (ids["tt"],))


# -- the school's own UEIPAB timetable, brought in with the import part's CLI --

UEIPAB = Path(__file__).resolve().parents[2] / "tests" / "data" / "ueipab-2025"
BELLS = [("07:00", "07:40"), ("07:40", "08:20"), ("08:20", "09:00"), ("09:00", "09:40"),
         ("10:00", "10:40"), ("10:40", "11:20"), ("11:20", "12:00"), ("12:00", "12:40"),
         ("13:00", "13:40"), ("13:40", "14:20")]


def test_the_imported_ueipab_week_reads_whole_in_every_view_and_covers_propose_only_free_teachers(school):
    """`bischeduler timetable import` makes the draft, the generate part's
    route activates it. Every lesson shows once in its section's week, once in its
    teacher's, at the times the UEIPAB bells give its periods; no teacher's
    week holds two classes at once; and for an absent teacher's Monday no
    suggestion is a teacher with a class at that time."""
    inst = school
    inst.create_school("horario", "U.E. Horario Importado")
    inst.add_user("horario", "directora@horario.test", "school_admin")
    res = cli("timetable", "import", "--data", inst.data, "--school", "horario", str(UEIPAB), "--json")
    assert res.rc == 0, res
    tid = json.loads(res.out)["timetable"]["id"]
    c = inst.login("horario", "directora@horario.test")
    assert assert_ok(c.post(f"/api/v1/timetables/{tid}/activate"))["status"] == "active"
    want = Counter((x["day"], x["period"], x["length"], x["subject"]) for x in
                   csv.DictReader(open(UEIPAB / "solution.csv", encoding="utf-8")))
    seen, by_teacher = Counter(), {}
    for sec in assert_ok(c.get("/api/v1/sections"))["items"]:
        w = assert_ok(c.get("/api/v1/timetables/active/week", params={"section_id": sec["id"]}))
        assert w["timetable"]["id"] == tid and len(w["slots"]) == 12 and w["days"] == [1, 2, 3, 4, 5]
        for x in w["lessons"]:
            assert x["section_id"] == sec["id"]
            assert (x["starts_at"], x["ends_at"]) == (BELLS[x["period"] - 1][0],
                                                      BELLS[x["period"] + x["length"] - 2][1]), x
            seen[(str(x["day"]), str(x["period"]), str(x["length"]), x["subject_code"])] += 1
            by_teacher.setdefault(x["staff_id"], set()).add(x["id"])
    assert seen == want
    staff = assert_ok(c.get("/api/v1/staff"))["items"]
    assert len(staff) == 16
    weeks = {}
    for t in staff:
        w = assert_ok(c.get("/api/v1/timetables/active/week", params={"staff_id": t["id"]}))
        weeks[t["id"]] = w["lessons"]
        assert {x["id"] for x in w["lessons"]} == by_teacher.get(t["id"], set())
        mine = sorted((x["day"], x["starts_at"], x["ends_at"]) for x in w["lessons"])
        for a, b in zip(mine, mine[1:]):
            assert a[0] != b[0] or a[2] <= b[1], (t["first_names"], a, b)
    # the busiest teacher is away on Monday 2026-12-14
    away = max(weeks, key=lambda k: sum(x["length"] for x in weeks[k] if x["day"] == 1))
    a = assert_ok(c.post("/api/v1/absences", json={"staff_id": away, "starts_on": MONDAY}), 201)
    cover = assert_ok(c.get(f"/api/v1/absences/{a['id']}/cover"))
    assert len(cover["lessons"]) == sum(1 for x in weeks[away] if x["day"] == 1) > 0
    for item in cover["lessons"]:
        l = item["lesson"]
        assert item["suggestions"], l
        for s in item["suggestions"]:
            assert s["staff_id"] != away
            clash = [x for x in weeks[s["staff_id"]] if x["day"] == 1 and
                     x["starts_at"] < l["ends_at"] and l["starts_at"] < x["ends_at"]]
            assert not clash, (s["name"], l, clash)
        qualified = [s["qualified"] for s in item["suggestions"]]
        assert qualified == sorted(qualified, reverse=True)
