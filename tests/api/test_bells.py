"""Bell schedules (issue #15, part setup: h_bells.c, src/school/bells.c):
the school's days of class periods and breaks, the UEIPAB template, the
bell schedule a section follows (one by one or many at once) and the room
kind a subject needs, through the API on the suite's backend."""

import pytest

from conftest import assert_error, assert_ok


@pytest.fixture(scope="module")
def school(module_instances):
    inst = module_instances("bells")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.add_user("norte", "directora@norte.test", "school_admin")
    inst.add_user("norte", "docente@norte.test", "teacher")
    inst.start()
    c = inst.login("norte", "directora@norte.test")
    assert_ok(c.post("/api/v1/years", json={"name": "2025-2026", "starts_on": "2025-09-15",
                                             "ends_on": "2026-07-15"}), 201)
    return inst


def director(inst):
    return inst.cached_login("norte", "directora@norte.test")


def audit(c, entity, action):
    return assert_ok(c.get("/api/v1/audit", params={"entity": entity, "action": action}))["items"]


def day(*rows):
    """periods from ("c"|"b", "07:00", "07:40") tuples."""
    return [{"kind": {"b": "break", "c": "class"}.get(k, k), "starts_at": a, "ends_at": b}
            for k, a, b in rows]


def test_ueipab_template_gives_ten_forty_minute_periods_with_two_breaks(school):
    c = director(school)
    s = assert_ok(c.post("/api/v1/bell-schedules", json={"template": "ueipab"}), 201)
    assert s["name"] == "Horario UEIPAB" and s["days"] == [1, 2, 3, 4, 5], s
    assert s["class_periods"] == 10, s
    rows = s["periods"]
    assert rows[0]["starts_at"] == "07:00" and rows[-1]["ends_at"] == "14:20", rows
    breaks = [(p["starts_at"], p["ends_at"]) for p in rows if p["kind"] == "break"]
    assert breaks == [("09:40", "10:00"), ("12:40", "13:00")], rows
    classes = [p for p in rows if p["kind"] == "class"]
    assert [p["number"] for p in classes] == list(range(1, 11)), rows
    for p in classes:
        h1, m1 = map(int, p["starts_at"].split(":"))
        h2, m2 = map(int, p["ends_at"].split(":"))
        assert (h2 * 60 + m2) - (h1 * 60 + m1) == 40, p
    assert [p["number"] for p in rows if p["kind"] == "break"] == [None, None]
    # the same template twice under the same name is a conflict
    assert_error(c.post("/api/v1/bell-schedules", json={"template": "ueipab"}), 409, "conflict",
                 field="name")
    created = audit(c, "bell_schedule", "create")
    assert created and created[0]["after"]["class_periods"] == 10, created


def test_a_day_with_bad_times_names_every_wrong_row_and_writes_nothing(school):
    c = director(school)
    before = assert_ok(c.get("/api/v1/bell-schedules"))["items"]
    err = assert_error(c.post("/api/v1/bell-schedules", json={
        "name": "Tarde", "days": [1, 8],
        "periods": day(("c", "13:00", "13:45"), ("c", "14:00", "13:50"), ("c", "7:5", "15:00"),
                       ("x", "15:00", "15:40"))}), 422, "invalid")
    fields = {e["field"] for e in err["errors"]}
    assert fields == {"days", "periods[1].ends_at", "periods[2].starts_at",
                      "periods[3].kind"}, err
    # overlapping rows and a day that starts with a break
    err = assert_error(c.post("/api/v1/bell-schedules", json={
        "name": "Tarde", "periods": day(("b", "12:30", "13:00"), ("c", "13:00", "13:40"),
                                        ("c", "13:30", "14:10"))}), 422, "invalid")
    fields = {e["field"]: e["message"] for e in err["errors"]}
    assert set(fields) == {"periods[0].kind", "periods[2].starts_at"}, err
    assert "solapan" in fields["periods[2].starts_at"], err
    # only breaks: no class period
    assert_error(c.post("/api/v1/bell-schedules", json={
        "name": "Tarde", "periods": day(("b", "12:30", "13:00"))}), 422, "invalid")
    assert_error(c.post("/api/v1/bell-schedules", json={"name": "Sin horas"}), 422, "invalid",
                 field="periods")
    assert assert_ok(c.get("/api/v1/bell-schedules"))["items"] == before


def test_a_schedule_is_changed_by_replacing_its_day_and_audited(school):
    c = director(school)
    s = assert_ok(c.post("/api/v1/bell-schedules", json={
        "name": "Primaria", "days": [1, 2, 3, 4, 5],
        "periods": day(("c", "07:00", "07:45"), ("c", "07:45", "08:30"))}), 201)
    assert s["class_periods"] == 2 and s["sections"] == [], s
    s2 = assert_ok(c.patch(f"/api/v1/bell-schedules/{s['id']}", json={
        "days": [1, 2, 3, 4, 5, 6],
        "periods": day(("c", "07:00", "07:45"), ("b", "07:45", "08:00"),
                       ("c", "08:00", "08:45"), ("c", "08:45", "09:30"))}))
    assert s2["days"] == [1, 2, 3, 4, 5, 6] and s2["class_periods"] == 3, s2
    assert s2["name"] == "Primaria"
    assert assert_ok(c.get(f"/api/v1/bell-schedules/{s['id']}")) == s2
    rows = [r for r in audit(c, "bell_schedule", "update") if r["entity_id"] == str(s["id"])]
    assert rows and rows[0]["after"]["days"] == [1, 2, 3, 4, 5, 6], rows
    assert rows[0]["before"]["days"] == [1, 2, 3, 4, 5], rows
    assert_error(c.get("/api/v1/bell-schedules/999999"), 404, "not_found")
    assert_error(c.patch("/api/v1/bell-schedules/999999", json={"name": "X"}), 404, "not_found")


def test_sections_follow_a_schedule_one_by_one_or_many_at_once(school):
    c = director(school)
    g = assert_ok(c.post("/api/v1/grades", json={"level": "media_general", "number": 1}), 201)
    secs = [assert_ok(c.post("/api/v1/sections", json={"grade_id": g["id"], "letter": l}), 201)
            for l in "ABC"]
    assert all(s["bell_schedule_id"] is None for s in secs), secs
    media = assert_ok(c.post("/api/v1/bell-schedules", json={"template": "ueipab",
                                                            "name": "Media General"}), 201)
    one = assert_ok(c.patch(f"/api/v1/sections/{secs[0]['id']}",
                            json={"bell_schedule_id": media["id"]}))
    assert one["bell_schedule_id"] == media["id"] and one["bell_schedule"] == "Media General"
    assert_error(c.patch(f"/api/v1/sections/{secs[0]['id']}",
                         json={"bell_schedule_id": 999999}), 422, "invalid",
                 field="bell_schedule_id")
    applied = assert_ok(c.post(f"/api/v1/bell-schedules/{media['id']}/sections",
                               json={"section_ids": [secs[1]["id"], secs[2]["id"]]}))
    assert [s["name"] for s in applied["sections"]] == ["1er Año A", "1er Año B", "1er Año C"]
    listed = {s["id"]: s["bell_schedule"] for s in
              assert_ok(c.get("/api/v1/sections"))["items"]}
    assert all(listed[s["id"]] == "Media General" for s in secs), listed
    rows = audit(c, "section", "update")
    assert any(r["after"].get("bell_schedule") == "Media General" for r in rows), rows
    # an unknown section: nothing is applied
    other = assert_ok(c.post("/api/v1/bell-schedules", json={
        "name": "Otro", "periods": day(("c", "07:00", "07:45"))}), 201)
    assert_error(c.post(f"/api/v1/bell-schedules/{other['id']}/sections",
                        json={"section_ids": [secs[0]["id"], 999999]}), 422, "invalid",
                 field="section_ids")
    assert assert_ok(c.get(f"/api/v1/bell-schedules/{other['id']}"))["sections"] == []
    # a new section may be put on it when created
    d = assert_ok(c.post("/api/v1/sections", json={"grade_id": g["id"], "letter": "D",
                                                  "bell_schedule_id": media["id"]}), 201)
    assert d["bell_schedule"] == "Media General", d
    secs.append(d)
    # removing the schedule leaves its sections without one
    assert_ok(c.delete(f"/api/v1/bell-schedules/{media['id']}"))
    listed = {s["id"]: s["bell_schedule_id"] for s in
              assert_ok(c.get("/api/v1/sections"))["items"]}
    assert all(listed[s["id"]] is None for s in secs), listed
    assert audit(c, "bell_schedule", "delete")


def test_subjects_say_which_room_kind_they_need(school):
    c = director(school)
    s = assert_ok(c.post("/api/v1/subjects", json={"name": "Química", "code": "QUI",
                                                   "level": "media_general",
                                                   "room_kind": "laboratorio"}), 201)
    assert s["room_kind"] == "laboratorio", s
    plain = assert_ok(c.post("/api/v1/subjects", json={"name": "Castellano", "code": "CAS",
                                                       "level": "media_general"}), 201)
    assert plain["room_kind"] is None, plain
    assert_error(c.patch(f"/api/v1/subjects/{s['id']}", json={"room_kind": "piscina"}), 422,
                 "invalid", field="room_kind")
    s = assert_ok(c.patch(f"/api/v1/subjects/{s['id']}", json={"name": "Química I"}))
    assert s["room_kind"] == "laboratorio", s
    s = assert_ok(c.patch(f"/api/v1/subjects/{s['id']}", json={"room_kind": None}))
    assert s["room_kind"] is None, s


def test_a_teacher_cannot_touch_bell_schedules(school):
    t = school.cached_login("norte", "docente@norte.test")
    assert_error(t.get("/api/v1/bell-schedules"), 403, "forbidden")
    assert_error(t.post("/api/v1/bell-schedules", json={"template": "ueipab", "name": "T"}),
                 403, "forbidden")
