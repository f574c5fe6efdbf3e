"""Cover for absent teachers (h_portal.c, src/school/covers.c): absences,
the lessons an absence leaves and who could cover each (qualified first,
then any free teacher, least loaded first, never a busy or absent one), the
cover refused with 409 when the teacher is not free, and the day's view
showing it. The school is support/portal.py's small week; the suggestions
are checked against an independent reading of that week in this file."""

import pytest

from conftest import assert_error, assert_ok
from support.portal import MEDIA, MONDAY, PRIMARIA, TUESDAY, build_school, portal_users


@pytest.fixture(scope="module")
def school(module_instances):
    inst = module_instances("covers")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    portal_users(inst, "norte")
    inst.start()
    inst.ids = build_school(inst, "norte", inst.login("norte", "directora@norte.test"))
    return inst


def director(inst):
    return inst.cached_login("norte", "directora@norte.test")


def absent(c, staff_id, starts_on, ends_on=None, reason="Reposo médico"):
    body = {"staff_id": staff_id, "starts_on": starts_on, "reason": reason}
    if ends_on:
        body["ends_on"] = ends_on
    return assert_ok(c.post("/api/v1/absences", json=body), 201)


def by_lesson(cover, lesson_id, date):
    return next(x for x in cover["lessons"] if x["lesson"]["id"] == lesson_id and x["date"] == date)


# -- an independent reading of who is busy when ------------------------------

def minutes(hhmm):
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def span(lesson, schedules):
    """(start, end) minutes of a lesson from the raw bell rows of support/portal.py."""
    rows = [r for r in schedules[lesson["section"]] if r[0] == "class"]
    first, last = rows[lesson["period"] - 1], rows[lesson["period"] + lesson["length"] - 2]
    return minutes(first[1]), minutes(last[2])


def busy_teachers(c, ids, date, day, lesson, covers, absences):
    """The staff ids that cannot take `lesson` on `date`, read from each
    teacher's week, the covers of that date and the absences."""
    schedules = {"1er Año A": MEDIA, "2do Año A": MEDIA, "6to Grado A": PRIMARIA}
    a, z = span(lesson, schedules)
    busy = set()
    for key in ("ana", "luis", "marta", "rosa", "juan", "pedro"):
        sid = ids[key]
        if any(x["staff_id"] == sid and x["starts_on"] <= date <= x["ends_on"] for x in absences):
            busy.add(sid)
            continue
        week = assert_ok(c.get("/api/v1/timetables/active/week", params={"staff_id": sid}))
        for other in week["lessons"]:
            covered_by_someone_else = any(cv["lesson_id"] == other["id"] and cv["staff_id"] != sid
                                          for cv in covers)
            if other["day"] == day and not covered_by_someone_else:
                b, y = span(other, schedules)
                if b < z and a < y:
                    busy.add(sid)
        for cv in covers:
            if cv["staff_id"] == sid and cv["lesson_id"] != lesson["id"]:
                b, y = cv["span"]
                if b < z and a < y:
                    busy.add(sid)
    return busy


def check_suggestions(c, ids, absence_ids):
    """Every suggestion of every absence's cover list is a free teacher."""
    schedules = {"1er Año A": MEDIA, "2do Año A": MEDIA, "6to Grado A": PRIMARIA}
    absences = assert_ok(c.get("/api/v1/absences"))["items"]
    checked = 0
    for aid in absence_ids:
        cover = assert_ok(c.get(f"/api/v1/absences/{aid}/cover"))
        for item in cover["lessons"]:
            covers = []
            for key in ("1A", "2A", "6A"):
                d = assert_ok(c.get("/api/v1/timetables/active/day",
                                    params={"section_id": ids[key], "date": item["date"]}))
                covers += [{"lesson_id": x["id"], "staff_id": x["cover"]["staff_id"],
                            "span": span(x, schedules)} for x in d["lessons"] if x["cover"]]
            busy = busy_teachers(c, ids, item["date"], item["day"], item["lesson"], covers, absences)
            proposed = {s["staff_id"] for s in item["suggestions"]}
            assert not proposed & busy, (item["lesson"]["subject"], item["date"], proposed & busy)
            checked += len(proposed)
    return checked


# -- the tests -----------------------------------------------------------------

def test_an_absence_lists_the_lessons_and_free_teachers_qualified_first_least_loaded_first(school):
    ids, c = school.ids, director(school)
    pedro = absent(c, ids["pedro"], MONDAY, reason="Diligencia")
    ana = absent(c, ids["ana"], MONDAY, TUESDAY)
    assert ana["teacher"] == "Ana Pérez" and ana["ends_on"] == TUESDAY
    cover = assert_ok(c.get(f"/api/v1/absences/{ana['id']}/cover"))
    assert [(x["date"], x["lesson"]["subject"], x["lesson"]["section"]) for x in cover["lessons"]] == [
        (MONDAY, "Matemática", "1er Año A"), (MONDAY, "Física", "1er Año A"),
        (TUESDAY, "Física", "2do Año A")]
    # lunes 07:00-08:20 Matemática: Luis teaches then, Rosa is in 6to Grado
    # (07:00-07:45 on the Primaria bells), Pedro is absent: Marta (qualified)
    # first, then Juan (free, not qualified)
    mat = by_lesson(cover, ids["L1"], MONDAY)
    assert [(s["name"], s["qualified"], s["load_day"]) for s in mat["suggestions"]] == [
        ("Marta Salas", True, 2), ("Juan Ruiz", False, 0)]
    # lunes 10:00-11:20 Física: Marta teaches then; nobody else is qualified:
    # least loaded that day first
    fis = by_lesson(cover, ids["L2"], MONDAY)
    assert [(s["name"], s["qualified"], s["load_day"]) for s in fis["suggestions"]] == [
        ("Juan Ruiz", False, 0), ("Luis Gómez", False, 2), ("Rosa Díaz", False, 3)]
    assert all(x["cover"] is None for x in cover["lessons"])
    assert check_suggestions(c, ids, [ana["id"], pedro["id"]]) > 0


def test_a_busy_or_absent_teacher_is_refused_with_the_reason_and_a_free_one_covers(school):
    ids, c = school.ids, director(school)
    put = lambda who, lesson=ids["L1"], date=MONDAY: c.request(  # noqa: E731
        "PUT", "/api/v1/covers", json={"lesson_id": lesson, "date": date, "staff_id": ids[who]})
    r = put("luis")
    assert_error(r, 409, "teacher_busy")
    assert r.json()["error"]["message"] == ("Luis Gómez no está libre: tiene 2do Año A "
                                            "(Matemática) el lunes 14/12/2026 de 07:00 a 08:20.")
    r = put("rosa")     # 6to Grado A 07:00-07:45 on the Primaria bells overlaps 07:00-08:20
    assert_error(r, 409, "teacher_busy")
    assert "6to Grado A (Castellano)" in r.json()["error"]["message"]
    r = put("pedro")
    assert_error(r, 409, "teacher_busy")
    assert "ausente" in r.json()["error"]["message"]
    cover = assert_ok(put("marta"))
    assert cover["teacher"] == "Marta Salas" and cover["date"] == MONDAY
    assert cover["section"] == "1er Año A" and cover["subject"] == "Matemática"
    # Juan covers Física at 10:00; then Marta's own Física at 10:00 is
    # beyond him: he already covers a class at that time
    assert_ok(put("juan", ids["L2"]))
    r = put("juan", ids["L6"])
    assert_error(r, 409, "teacher_busy")
    assert "ya cubre 1er Año A (Física)" in r.json()["error"]["message"]
    # the day's view of the section shows who covers, and that Ana is away
    d = assert_ok(c.get("/api/v1/timetables/active/day", params={"section_id": ids["1A"],
                                                                 "date": MONDAY}))
    shown = {x["subject"]: (x["teacher"], x["cover"] and x["cover"]["teacher"], x["teacher_absent"])
             for x in d["lessons"]}
    assert shown == {"Matemática": ("Ana Pérez", "Marta Salas", True),
                     "Física": ("Ana Pérez", "Juan Ruiz", True)}
    # Marta sees the class she covers in her own day
    marta = school.login("norte", "profe2@norte.test")
    mine = assert_ok(marta.get("/api/v1/me/timetable", params={"date": MONDAY}))
    assert sorted((x["section"], x["subject"], x["covering"]) for x in mine["lessons"]) == [
        ("1er Año A", "Matemática", True), ("2do Año A", "Física", False)]
    # a cover is audited
    rows = assert_ok(c.get("/api/v1/audit", params={"entity": "lesson_cover", "action": "create"}))
    assert rows["items"] and rows["items"][0]["after"]["teacher"] == "Juan Ruiz"
    assert rows["items"][0]["label"] == "Creó suplencia"
    assert rows["items"][0]["entity_label"] == "Física, 1er Año A"
    rows = assert_ok(c.get("/api/v1/audit", params={"entity": "teacher_absence", "action": "create"}))
    assert {(x["label"], x["entity_label"]) for x in rows["items"]} >= {
        ("Creó ausencia de docente", "Ana Pérez"), ("Creó ausencia de docente", "Pedro Mora")}


def test_once_a_teacher_covers_a_class_they_are_no_longer_suggested_at_that_time(school):
    ids, c = school.ids, director(school)
    luis = absent(c, ids["luis"], MONDAY)
    cover = assert_ok(c.get(f"/api/v1/absences/{luis['id']}/cover"))
    mat = by_lesson(cover, ids["L3"], MONDAY)
    names = [s["name"] for s in mat["suggestions"]]
    # Marta covers 1er Año A at 07:00 (previous test), Ana and Pedro are absent,
    # Rosa is in 6to Grado: only Juan is free
    assert names == ["Juan Ruiz"], names
    absences = [a["id"] for a in assert_ok(c.get("/api/v1/absences"))["items"]]
    assert check_suggestions(c, ids, absences) > 0


def test_a_cover_must_fit_the_lesson_and_its_teacher(school):
    ids, c = school.ids, director(school)
    r = c.request("PUT", "/api/v1/covers", json={"lesson_id": ids["L1"], "date": TUESDAY,
                                                 "staff_id": ids["juan"]})
    assert_error(r, 422, "invalid", field="date")
    assert r.json()["error"]["message"] == "Esa clase es los lunes: elija un lunes."
    r = c.request("PUT", "/api/v1/covers", json={"lesson_id": ids["L1"], "date": MONDAY,
                                                 "staff_id": ids["ana"]})
    assert_error(r, 422, "invalid", field="staff_id")
    r = c.request("PUT", "/api/v1/covers", json={"lesson_id": ids["D1"], "date": MONDAY,
                                                 "staff_id": ids["juan"]})
    assert_error(r, 422, "invalid", field="lesson_id")   # a draft's lesson
    r = c.request("PUT", "/api/v1/covers", json={"date": "2026-13-01", "staff_id": 0})
    assert_error(r, 422, "invalid")
    assert {e["field"] for e in r.json()["error"]["errors"]} == {"lesson_id", "date", "staff_id"}


def test_absences_are_checked_and_deleting_one_drops_its_covers(school):
    ids, c = school.ids, director(school)
    r = c.post("/api/v1/absences", json={"staff_id": ids["rosa"], "starts_on": "2026-12-10",
                                         "ends_on": "2026-12-09"})
    assert_error(r, 422, "invalid", field="ends_on")
    r = c.post("/api/v1/absences", json={"staff_id": ids["rosa"], "starts_on": "2026-09-01",
                                         "ends_on": "2027-06-30"})
    assert_error(r, 422, "invalid", field="ends_on")
    r = c.post("/api/v1/absences", json={"staff_id": 999999, "starts_on": "2026-12-10"})
    assert_error(r, 422, "invalid", field="staff_id")
    assert_error(c.post("/api/v1/absences", json={}), 422, "invalid")
    rosa = absent(c, ids["rosa"], "2026-12-21", "2026-12-22")
    r = c.post("/api/v1/absences", json={"staff_id": ids["rosa"], "starts_on": "2026-12-22"})
    assert_error(r, 409, "conflict", field="starts_on")
    # lunes 21: Castellano of 2do Año A (08:20-09:40) covered by Juan
    cov = assert_ok(c.request("PUT", "/api/v1/covers", json={"lesson_id": ids["L4"], "date": "2026-12-21",
                                                             "staff_id": ids["juan"]}))
    # shortened to the 22nd only: the 21st's cover goes with it
    assert_ok(c.patch(f"/api/v1/absences/{rosa['id']}", json={"starts_on": "2026-12-22"}))
    d = assert_ok(c.get("/api/v1/timetables/active/day", params={"section_id": ids["2A"],
                                                                 "date": "2026-12-21"}))
    assert all(x["cover"] is None for x in d["lessons"])
    assert_error(c.delete(f"/api/v1/covers/{cov['id']}"), 404, "not_found")
    cov = assert_ok(c.request("PUT", "/api/v1/covers", json={"lesson_id": ids["L7"], "date": "2026-12-22",
                                                             "staff_id": ids["juan"]}))
    assert_ok(c.delete(f"/api/v1/absences/{rosa['id']}"))
    assert_error(c.get(f"/api/v1/absences/{rosa['id']}"), 404, "not_found")
    d = assert_ok(c.get("/api/v1/timetables/active/day", params={"section_id": ids["1A"],
                                                                 "date": "2026-12-22"}))
    assert all(x["cover"] is None for x in d["lessons"])
    labels = {x["label"] for x in assert_ok(c.get("/api/v1/audit", params={"entity": "lesson_cover"}))["items"]}
    assert "Eliminó suplencia" in labels
    # the list filters by teacher and dates
    items = assert_ok(c.get("/api/v1/absences", params={"staff_id": ids["ana"]}))["items"]
    assert [x["teacher"] for x in items] == ["Ana Pérez"]
    assert assert_ok(c.get("/api/v1/absences", params={"from": "2027-01-01"}))["items"] == []
    assert_error(c.get("/api/v1/absences", params={"from": "ayer"}), 422, "invalid", field="from")


def test_covers_and_absences_are_the_school_admins_work(school):
    ids = school.ids
    ana = school.login("norte", "profe1@norte.test")
    assert_error(ana.get("/api/v1/absences"), 403, "forbidden")
    assert_error(ana.request("PUT", "/api/v1/covers", json={"lesson_id": ids["L1"], "date": MONDAY,
                                                            "staff_id": ids["juan"]}), 403, "forbidden")


def test_a_teacher_finds_the_covers_they_give_in_the_coming_weeks_in_their_week(school):
    from datetime import date, timedelta
    ids, c = school.ids, director(school)
    soon = date.today() + timedelta(days=2)
    monday = (soon + timedelta(days=(7 - soon.weekday()) % 7)).isoformat()
    assert_ok(c.request("PUT", "/api/v1/covers", json={"lesson_id": ids["L1"], "date": monday,
                                                       "staff_id": ids["marta"]}))
    marta = school.login("norte", "profe2@norte.test")
    week = assert_ok(marta.get("/api/v1/me/timetable"))
    mine = [(x["date"], x["lesson"]["id"], x["lesson"]["starts_at"]) for x in week["covers"]]
    assert (monday, ids["L1"], "07:00") in mine, mine
    assert all(x["day"] == 1 and x["lesson"]["section"] == "1er Año A" for x in week["covers"])
    # Ana, whose class it is, gives no cover
    assert assert_ok(school.login("norte", "profe1@norte.test").get("/api/v1/me/timetable"))["covers"] == []
