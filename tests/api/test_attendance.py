"""Taking attendance (h_attendance.c, src/school/attendance.c): a teacher
lists and takes only the sections they teach in the active timetable (or
cover that day), an admin any; present is the default; re-marking updates
and never duplicates; only school days; every change audited; a later edit
from a device wins over an older one sent late; per block of periods the
day's record follows the blocks; a parent sees their own child's month and
no one else's. The school is support/portal.py's small week (Ana = profe1
teaches 1er Año A and 2do Año A, Marta = profe2 2do Año A; 6to Grado A is
neither's), with a few more students written here."""

import pytest

from conftest import assert_error, assert_ok
from support.portal import MONDAY, TUESDAY, build_school, portal_users
from support.records import insert_student
from support.stores import store_rows

WEDNESDAY, THURSDAY, FRIDAY, SATURDAY = "2026-12-16", "2026-12-17", "2026-12-18", "2026-12-19"


@pytest.fixture(scope="module")
def school(module_instances):
    inst = module_instances("attendance")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    portal_users(inst, "norte")
    inst.start()
    ids = build_school(inst, "norte", inst.login("norte", "directora@norte.test"))
    store = inst.school_store("norte")
    # 1er Año A: Sofía (build_school) and four more; Diego joins on Tuesday,
    # Elena left on Monday (her last day)
    for key, ced, first, last, gender in (("andres", "V30000011", "Andrés", "Álvarez", "V"),
                                          ("beatriz", "V30000012", "Beatriz", "Blanco", "H"),
                                          ("carlos", "V30000013", "Carlos", "Castro", "V")):
        ids[key] = insert_student(store, ced, first, last, gender, ids["1A"])
    ids["diego"] = insert_student(store, "V30000014", "Diego", "Duarte", "V", ids["1A"],
                                  enrolled_on=TUESDAY)
    ids["elena"] = insert_student(store, "V30000015", "Elena", "Estrada", "H", ids["1A"])
    from support.stores import store_execute
    store_execute(store, "UPDATE enrolments SET ends_on = ?, end_reason = 'retiro'"
                  " WHERE student_id = ?", (MONDAY, ids["elena"]))
    inst.ids = ids
    return inst


def director(inst):
    return inst.cached_login("norte", "directora@norte.test")


def ana(inst):
    return inst.cached_login("norte", "profe1@norte.test")


def marta(inst):
    return inst.cached_login("norte", "profe2@norte.test")


def put(c, section, date, marks=(), **extra):
    return c.request("PUT", "/api/v1/attendance",
                     json={"section_id": section, "date": date, "marks": list(marks), **extra})


def get(c, section, date, **extra):
    return c.get("/api/v1/attendance", params={"section_id": section, "date": date, **extra})


def statuses(att):
    return {s["first_names"]: s["status"] for s in att["students"]}


def rows(inst, sql, params=()):
    return store_rows(inst.school_store("norte"), sql, params)


def test_a_teacher_lists_only_their_sections_and_an_admin_every_section(school):
    ids = school.ids
    mine = assert_ok(ana(school).get("/api/v1/attendance/sections", params={"date": MONDAY}))
    assert mine["date"] == MONDAY and mine["school_day"] is True and mine["why"] is None
    assert [(x["name"], x["grade"], x["taken"]) for x in mine["items"]] == [
        ("1er Año A", "1er Año", False), ("2do Año A", "2do Año", False)]
    # enrolled that day: Diego only from Tuesday, Elena only until Monday
    first = mine["items"][0]
    assert first["id"] == ids["1A"] and first["students"] == 5
    tue = assert_ok(ana(school).get("/api/v1/attendance/sections", params={"date": TUESDAY}))
    assert tue["items"][0]["students"] == 5
    wed = assert_ok(ana(school).get("/api/v1/attendance/sections", params={"date": WEDNESDAY}))
    assert wed["items"][0]["students"] == 5
    everything = assert_ok(director(school).get("/api/v1/attendance/sections",
                                                params={"date": MONDAY}))
    assert [x["name"] for x in everything["items"]] == ["6to Grado A", "1er Año A", "2do Año A"]
    # a teacher whose account is linked to no staff member takes nothing
    nobody = school.login("norte", "profe3@norte.test")
    assert assert_ok(nobody.get("/api/v1/attendance/sections",
                                params={"date": MONDAY}))["items"] == []
    # a Saturday is listed as no school day, with the reason
    sat = assert_ok(ana(school).get("/api/v1/attendance/sections", params={"date": SATURDAY}))
    assert sat["school_day"] is False and "sábado" in sat["why"]


def test_a_teacher_is_refused_on_a_section_that_is_not_theirs_and_a_parent_everywhere(school):
    ids = school.ids
    r = get(ana(school), ids["6A"], MONDAY)
    assert_error(r, 403, "not_your_section")
    r = put(ana(school), ids["6A"], MONDAY, [{"student_id": ids["tomas"], "status": "absent"}])
    err = assert_error(r, 403, "not_your_section")
    assert "sus secciones" in err["message"]
    assert rows(school, "SELECT COUNT(*) FROM attendance_sessions WHERE section_id = ?",
                (ids["6A"],)) == [(0,)]
    # an unknown section is a 404 for everyone
    assert_error(get(director(school), 999999, MONDAY), 404, "not_found")
    assert_error(put(ana(school), 999999, MONDAY), 404, "not_found")
    # parents take no attendance
    mama = school.cached_login("norte", "mama@norte.test")
    assert_error(put(mama, ids["1A"], MONDAY), 403)
    assert_error(get(mama, ids["1A"], MONDAY), 403)


def test_a_cover_lets_a_teacher_take_that_section_on_that_day_only(school):
    ids, c = school.ids, director(school)
    # Marta covers Ana's Matemática in 1er Año A on Monday
    aid = assert_ok(c.post("/api/v1/absences", json={"staff_id": ids["ana"], "starts_on": MONDAY,
                                                     "reason": "Reposo"}), 201)["id"]
    assert_ok(c.request("PUT", "/api/v1/covers", json={"lesson_id": ids["L1"], "date": MONDAY,
                                                        "staff_id": ids["marta"]}))
    mine = assert_ok(marta(school).get("/api/v1/attendance/sections", params={"date": MONDAY}))
    assert [x["name"] for x in mine["items"]] == ["1er Año A", "2do Año A"]
    assert_ok(get(marta(school), ids["1A"], MONDAY))
    assert_error(get(marta(school), ids["1A"], TUESDAY), 403, "not_your_section")
    assert_ok(c.delete(f"/api/v1/absences/{aid}"))


def test_present_is_the_default_and_re_marking_updates_never_duplicates(school):
    ids = school.ids
    att = assert_ok(get(ana(school), ids["1A"], MONDAY))
    assert att["taken"] is False and att["taken_at"] is None and att["taken_by"] is None
    assert att["section"] == {"id": ids["1A"], "name": "1er Año A", "grade": "1er Año",
                              "grade_id": att["section"]["grade_id"]}
    assert [s["last_names"] for s in att["students"]] == [
        "Álvarez", "Blanco", "Castro", "Estrada", "Rondón"]
    assert set(statuses(att).values()) == {"present"}
    # a full class: one request with no marks
    done = assert_ok(put(ana(school), ids["1A"], MONDAY))
    assert done["applied"] is True and done["taken"] is True and done["taken_by"]
    assert done["counts"] == {"present": 5, "absent": 0, "late": 0, "justified": 0}
    # then two corrections, and the same again
    marks = [{"student_id": ids["andres"], "status": "absent"},
             {"student_id": ids["beatriz"], "status": "late"},
             {"student_id": ids["carlos"], "status": "justified", "reason": "Cita médica"}]
    for _ in range(2):
        done = assert_ok(put(ana(school), ids["1A"], MONDAY, marks))
    assert statuses(done) == {"Andrés": "absent", "Beatriz": "late", "Carlos": "justified",
                              "Elena": "present", "Sofía": "present"}
    assert {s["first_names"]: s["reason"] for s in done["students"]}["Carlos"] == "Cita médica"
    assert done["counts"] == {"present": 2, "absent": 1, "late": 1, "justified": 1}
    # one session, three marks: never duplicated
    assert rows(school, "SELECT COUNT(*) FROM attendance_sessions WHERE section_id = ? AND date = ?",
                (ids["1A"], MONDAY)) == [(1,)]
    assert rows(school, "SELECT COUNT(*) FROM attendance_marks m JOIN attendance_sessions a"
                " ON a.id = m.session_id WHERE a.section_id = ? AND a.date = ?",
                (ids["1A"], MONDAY)) == [(3,)]
    # Andrés came after all: left out means present
    done = assert_ok(put(ana(school), ids["1A"], MONDAY, marks[1:]))
    assert statuses(done)["Andrés"] == "present"
    again = assert_ok(get(director(school), ids["1A"], MONDAY))
    assert statuses(again) == statuses(done) and again["taken"] is True
    # the sections list says it was taken
    mine = assert_ok(ana(school).get("/api/v1/attendance/sections", params={"date": MONDAY}))
    assert [x["taken"] for x in mine["items"]] == [True, False]


def test_every_change_is_audited_with_who_what_and_from_what(school):
    ids = school.ids
    assert_ok(put(ana(school), ids["2A"], TUESDAY))
    assert_ok(put(ana(school), ids["2A"], TUESDAY,
                  [{"student_id": ids["valeria"], "status": "absent"}]))
    items = assert_ok(director(school).get("/api/v1/audit", params={
        "entity": "section", "action": "attendance.mark"}))["items"]
    mine = [x for x in items if x["entity_id"] == str(ids["2A"])]
    assert len(mine) == 2, mine
    last = mine[0]
    assert last["actor"] == "profe1@norte.test"
    assert last["label"] == "Tomó la asistencia de la sección"
    assert last["entity_label"] == "2do Año A"
    assert last["before"]["students"] == [{"student_id": ids["valeria"],
                                           "student": "Rondón, Valeria", "status": "present"}]
    assert last["after"]["students"] == [{"student_id": ids["valeria"],
                                          "student": "Rondón, Valeria", "status": "absent"}]
    assert last["after"]["date"] == TUESDAY and last["after"]["section"] == "2do Año A"
    # the first taking: the section taken, everyone present
    assert mine[1]["before"]["taken"] is False and mine[1]["after"]["taken"] is True
    # the same marks again change nothing and write no row
    assert_ok(put(ana(school), ids["2A"], TUESDAY,
                  [{"student_id": ids["valeria"], "status": "absent"}]))
    items = assert_ok(director(school).get("/api/v1/audit", params={
        "entity": "section", "action": "attendance.mark"}))["items"]
    assert len([x for x in items if x["entity_id"] == str(ids["2A"])]) == 2


def test_only_school_days_are_taken(school):
    ids = school.ids
    r = put(ana(school), ids["1A"], SATURDAY)
    err = assert_error(r, 422, "not_school_day", field="date")
    assert "sábado" in err["message"]
    r = put(ana(school), ids["1A"], "2027-08-02")      # after the year's end
    assert_error(r, 422, "not_school_day")
    att = assert_ok(get(ana(school), ids["1A"], SATURDAY))
    assert att["school_day"] is False and att["taken"] is False and att["why"]
    assert rows(school, "SELECT COUNT(*) FROM attendance_sessions WHERE date IN (?, ?)",
                (SATURDAY, "2027-08-02")) == [(0,)]


def test_bad_marks_are_refused_all_at_once_and_nothing_is_written(school):
    ids = school.ids
    r = put(ana(school), ids["1A"], WEDNESDAY, [
        {"student_id": ids["andres"], "status": "ausente"},
        {"student_id": ids["beatriz"], "status": "justified"},
        {"student_id": ids["carlos"], "status": "late", "reason": "x" * 201},
        {"student_id": 0, "status": "absent"}])
    err = assert_error(r, 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {
        "marks[0].status", "marks[1].reason", "marks[2].reason", "marks[3].student_id"}
    assert "motivo" in next(e["message"] for e in err["errors"] if e["field"] == "marks[1].reason")
    # students who are not in the section that day: Valeria (2do Año A),
    # Elena (left on Monday), Diego twice
    r = put(ana(school), ids["1A"], WEDNESDAY, [
        {"student_id": ids["valeria"], "status": "absent"},
        {"student_id": ids["elena"], "status": "absent"},
        {"student_id": ids["diego"], "status": "late"},
        {"student_id": ids["diego"], "status": "absent"}])
    err = assert_error(r, 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {
        "marks[0].student_id", "marks[1].student_id", "marks[3].student_id"}
    assert "no está inscrito" in err["errors"][0]["message"]
    r = c_put_raw(ana(school), {"date": "2026-02-30", "marks": "todos"})
    err = assert_error(r, 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"section_id", "date", "marks"}
    assert rows(school, "SELECT COUNT(*) FROM attendance_sessions WHERE date = ?",
                (WEDNESDAY,)) == [(0,)]


def c_put_raw(c, body):
    return c.request("PUT", "/api/v1/attendance", json=body)


def test_a_later_edit_wins_over_an_older_one_sent_late(school):
    ids = school.ids
    newer = assert_ok(put(ana(school), ids["1A"], THURSDAY,
                          [{"student_id": ids["andres"], "status": "late"}],
                          client_time="2026-12-17T11:05:00.500Z"))
    assert newer["applied"] is True
    # the phone that was offline sends an edit made earlier: not applied
    older = assert_ok(put(ana(school), ids["1A"], THURSDAY,
                          [{"student_id": ids["andres"], "status": "absent"}],
                          client_time="2026-12-17T11:01:00Z"))
    assert older["applied"] is False and statuses(older)["Andrés"] == "late"
    # the same edit sent twice is applied once, with no duplicate
    again = assert_ok(put(ana(school), ids["1A"], THURSDAY,
                          [{"student_id": ids["andres"], "status": "late"}],
                          client_time="2026-12-17T11:05:00.500Z"))
    assert again["applied"] is True and statuses(again)["Andrés"] == "late"
    assert rows(school, "SELECT COUNT(*) FROM attendance_marks m JOIN attendance_sessions a"
                " ON a.id = m.session_id WHERE a.date = ?", (THURSDAY,)) == [(1,)]
    r = put(ana(school), ids["1A"], THURSDAY, client_time="ayer a las 3")
    assert_error(r, 422, "invalid", field="client_time")


def test_a_parent_sees_their_childs_month_and_no_one_elses(school):
    ids = school.ids
    mama = school.cached_login("norte", "mama@norte.test")
    papa = school.cached_login("norte", "papa@norte.test")
    assert_ok(put(ana(school), ids["1A"], FRIDAY,
                  [{"student_id": ids["sofia"], "status": "justified", "reason": "Fiebre"}]))
    month = assert_ok(mama.get(f"/api/v1/me/children/{ids['sofia']}/attendance",
                               params={"month": "2026-12"}))
    assert month["month"] == "2026-12" and month["student"]["first_names"] == "Sofía"
    assert month["student"]["names"] == "Sofía Rondón"
    assert month["student"]["section"] == "1er Año A"
    days = {d["date"]: d for d in month["days"]}
    assert len(days) == 31
    assert days[MONDAY]["status"] == "present" and days[MONDAY]["school_day"] is True
    assert days[FRIDAY]["status"] == "justified" and days[FRIDAY]["reason"] == "Fiebre"
    # Tuesday was not taken in 1er Año A: not taken, never absent
    assert days[TUESDAY]["status"] is None and days[TUESDAY]["school_day"] is True
    assert days[SATURDAY]["school_day"] is False and days[SATURDAY]["status"] is None
    t = month["totals"]
    assert t["taken"] == 3 and t["present"] == 2 and t["late"] == 0 and t["justified"] == 1
    assert t["absent"] == 0 and t["taken"] == t["present"] + t["absent"] + t["late"] + t["justified"]
    assert t["school_days"] == sum(1 for d in month["days"] if d["school_day"])
    # another parent's child, an unknown id: the same 404
    for who, sid in ((papa, ids["sofia"]), (mama, ids["valeria"]), (mama, 999999)):
        assert_error(who.get(f"/api/v1/me/children/{sid}/attendance",
                             params={"month": "2026-12"}), 404, "not_found")
    assert_error(mama.get(f"/api/v1/me/children/{ids['sofia']}/attendance",
                          params={"month": "2026-13"}), 422, "invalid", field="month")
    assert_error(ana(school).get(f"/api/v1/me/children/{ids['sofia']}/attendance"), 403)


def test_per_block_the_day_record_follows_the_blocks(school):
    ids, c = school.ids, director(school)
    day = "2026-12-22"
    # a school that takes attendance by day refuses a block
    r = put(ana(school), ids["1A"], day, block=1)
    assert_error(r, 422, "invalid", field="block")
    assert_ok(c.patch("/api/v1/settings", json={"attendance_per_block": True}))
    try:
        listed = assert_ok(ana(school).get("/api/v1/attendance/sections", params={"date": day}))
        assert listed["per_block"] is True
        # Media General: class periods 07:00-09:40, 10:00-12:40, 13:00-14:20
        assert [(b["block"], b["label"], b["taken"]) for b in listed["items"][0]["blocks"]] == [
            (1, "Bloque 1 (07:00 a 09:40)", False), (2, "Bloque 2 (10:00 a 12:40)", False),
            (3, "Bloque 3 (13:00 a 14:20)", False)]
        one = assert_ok(put(ana(school), ids["1A"], day, [
            {"student_id": ids["andres"], "status": "absent"},
            {"student_id": ids["beatriz"], "status": "absent"},
            {"student_id": ids["carlos"], "status": "justified", "reason": "Odontólogo"},
            {"student_id": ids["diego"], "status": "late"}], block=1))
        assert one["block"] == 1 and statuses(one)["Beatriz"] == "absent"
        assert_ok(put(ana(school), ids["1A"], day, [
            {"student_id": ids["andres"], "status": "absent"},
            {"student_id": ids["carlos"], "status": "justified", "reason": "Odontólogo"},
            {"student_id": ids["sofia"], "status": "absent"}], block=2))
        # the day: absent in every block taken -> absent (justified if all
        # justified); late in any -> late; absent in one of two -> present
        whole = assert_ok(get(ana(school), ids["1A"], day))
        assert whole["block"] == 0 and whole["taken"] is True
        assert statuses(whole) == {"Andrés": "absent", "Beatriz": "present", "Carlos": "justified",
                                   "Diego": "late", "Sofía": "present"}
        assert {s["first_names"]: s["reason"] for s in whole["students"]}["Carlos"] == "Odontólogo"
        # a third block where Andrés is present: no longer absent for the day
        assert_ok(put(ana(school), ids["1A"], day, [], block=3))
        assert statuses(assert_ok(get(ana(school), ids["1A"], day)))["Andrés"] == "present"
        # each block is kept apart, once
        assert statuses(assert_ok(get(ana(school), ids["1A"], day, block=1)))["Beatriz"] == "absent"
        assert rows(school, "SELECT block FROM attendance_sessions WHERE section_id = ? AND date = ?"
                    " ORDER BY block", (ids["1A"], day)) == [(0,), (1,), (2,), (3,)]
        listed = assert_ok(ana(school).get("/api/v1/attendance/sections", params={"date": day}))
        assert listed["items"][0]["taken"] is True
        assert [b["taken"] for b in listed["items"][0]["blocks"]] == [True, True, True]
        # a block the section's bell schedule does not have
        assert_error(put(ana(school), ids["1A"], day, block=4), 422, "invalid", field="block")
        assert_error(get(ana(school), ids["1A"], day, block=4), 422, "invalid", field="block")
        # the day's record changes are audited too
        items = assert_ok(c.get("/api/v1/audit", params={"entity": "section",
                                                         "action": "attendance.mark"}))["items"]
        blocks = sorted(x["after"]["block"] for x in items if x["after"]["date"] == day)
        assert blocks.count(0) >= 2 and {1, 2, 3} <= set(blocks)
    finally:
        assert_ok(c.patch("/api/v1/settings", json={"attendance_per_block": False}))


def test_platform_support_takes_attendance_as_the_school_admin_would(school):
    from conftest import ADMIN_EMAIL
    ids = school.ids
    admin = school.cached_login("ueipab", ADMIN_EMAIL)
    ticket = assert_ok(admin.post("/api/v1/platform/tenants/norte/support-access",
                                  json={"reason": "Ayuda con la asistencia"}), 201)
    support = school.client("norte")
    support.csrf = assert_ok(support.post("/api/v1/auth/support",
                                          json={"token": ticket["token"]}))["csrf_token"]
    r = put(support, ids["2A"], WEDNESDAY, [{"student_id": ids["valeria"], "status": "late"}])
    done = assert_ok(r)
    assert statuses(done) == {"Valeria": "late"} and done["taken_by"] is None
    flagged = rows(school, "SELECT support, actor FROM audit_log WHERE request_id = ?",
                   (r.headers["X-Request-Id"],))
    assert [(int(f), a) for f, a in flagged] == [(1, ADMIN_EMAIL)]
