"""Teachers' availability and preferences (issue #15, part setup:
h_preferences.c, src/school/preferences.c): a teacher enters their own,
a school admin approves or rejects each, through the API on the suite's
backend."""

import pytest

from conftest import assert_error, assert_ok


@pytest.fixture(scope="module")
def school(module_instances):
    inst = module_instances("preferences")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.add_user("norte", "directora@norte.test", "school_admin")
    inst.add_user("norte", "docente@norte.test", "teacher", name="Luis Mora")
    inst.add_user("norte", "otra@norte.test", "teacher", name="Rosa Gil")
    inst.add_user("norte", "suelto@norte.test", "teacher")
    inst.start()
    c = inst.login("norte", "directora@norte.test")
    users = {u["email"]: u["id"] for u in assert_ok(c.get("/api/v1/users"))["items"]}
    w = {"c": c}
    w["MAT"] = assert_ok(c.post("/api/v1/subjects", json={"name": "Matemática", "code": "MAT",
                                                          "level": "media_general"}), 201)
    w["FIS"] = assert_ok(c.post("/api/v1/subjects", json={"name": "Física", "code": "FIS",
                                                          "level": "media_general"}), 201)
    w["lab"] = assert_ok(c.post("/api/v1/rooms", json={"name": "Laboratorio 1",
                                                       "kind": "laboratorio"}), 201)
    w["luis"] = assert_ok(c.post("/api/v1/staff", json={
        "cedula": "V10000001", "first_names": "Luis", "last_names": "Mora",
        "user_id": users["docente@norte.test"], "subject_ids": [w["MAT"]["id"]]}), 201)
    w["rosa"] = assert_ok(c.post("/api/v1/staff", json={
        "cedula": "V10000002", "first_names": "Rosa", "last_names": "Gil",
        "user_id": users["otra@norte.test"]}), 201)
    assert_ok(c.post("/api/v1/bell-schedules", json={"template": "ueipab"}), 201)
    inst.w = w
    return inst


def teacher(inst, email="docente@norte.test"):
    return inst.cached_login("norte", email)


def put(c, prefs):
    return c.request("PUT", "/api/v1/me/preferences", json={"preferences": prefs})


def test_a_teacher_sees_the_week_subjects_and_rooms_to_choose_from(school):
    me = assert_ok(teacher(school).get("/api/v1/me/preferences"))
    assert me["staff"]["name"] == "Luis Mora", me
    assert [d["name"] for d in me["grid"]["days"]] == ["lunes", "martes", "miércoles",
                                                       "jueves", "viernes"], me
    periods = me["grid"]["periods"]
    assert len(periods) == 10 and periods[0] == {"period": 1, "starts_at": "07:00",
                                                 "ends_at": "07:40"}, periods
    assert periods[4]["starts_at"] == "10:00", periods        # after the break
    subjects = {s["name"]: s["qualified"] for s in me["subjects"]}
    assert subjects == {"Física": False, "Matemática": True}, me
    assert [r["name"] for r in me["rooms"]] == ["Laboratorio 1"], me
    assert me["items"] == [], me


def test_a_user_who_is_not_a_teacher_of_the_school_is_told_why(school):
    lost = teacher(school, "suelto@norte.test")
    me = assert_ok(lost.get("/api/v1/me/preferences"))
    assert me["staff"] is None and me["items"] == [] and "Personal" in me["message"], me
    assert_error(put(lost, []), 404, "not_found")
    # a school admin has no preferences of their own to enter
    assert_error(school.w["c"].get("/api/v1/me/preferences"), 403, "forbidden")


def test_every_wrong_preference_is_named_and_nothing_is_kept(school):
    t = teacher(school, "otra@norte.test")
    err = assert_error(put(t, [
        {"kind": "time", "day": 8, "period": 3, "level": "avoid"},
        {"kind": "time", "day": 1, "level": "prefer"},
        {"kind": "subject", "subject_id": 999999, "level": "like"},
        {"kind": "weather", "level": "hate"},
        {"kind": "day", "day": 2, "level": "dislike"},
        {"kind": "day", "day": 2, "level": "like"},
    ]), 422, "invalid")
    fields = {e["field"] for e in err["errors"]}
    assert fields == {"preferences[0].day", "preferences[1].period",
                      "preferences[2].subject_id", "preferences[3].kind",
                      "preferences[3].level", "preferences[5]"}, err
    assert_error(t.request("PUT", "/api/v1/me/preferences", json={"preferences": "todas"}),
                 422, "invalid", field="preferences")
    assert assert_ok(t.get("/api/v1/me/preferences"))["items"] == []


def test_the_admin_approves_or_rejects_and_an_unchanged_preference_keeps_its_status(school):
    w = school.w
    c, t = w["c"], teacher(school)
    me = assert_ok(put(t, [
        {"kind": "time", "day": 1, "period": 1, "level": "avoid"},
        {"kind": "day", "day": 5, "level": "dislike"},
        {"kind": "subject", "subject_id": w["MAT"]["id"], "level": "prefer"},
        {"kind": "room", "room_id": w["lab"]["id"], "level": "like"},
        {"kind": "time", "day": 2, "period": 2, "level": "neutral"},
    ]))
    items = me["items"]
    assert [(i["description"], i["level_label"], i["status"]) for i in items] == [
        ("Todo el viernes", "Preferiblemente no", "pending"),
        ("El lunes, 1.ª hora", "Evitar", "pending"),
        ("Dictar Matemática", "Prefiero", "pending"),
        ("El aula Laboratorio 1", "Me agrada", "pending")], items   # neutral is not kept
    pending = assert_ok(c.get("/api/v1/preferences", params={"status": "pending"}))["items"]
    assert {p["teacher"] for p in pending} == {"Luis Mora"} and len(pending) == 4, pending
    by = {p["kind"]: p for p in pending}
    ok = assert_ok(c.post(f"/api/v1/preferences/{by['time']['id']}/approve"))
    assert ok["status"] == "approved" and ok["decided_at"], ok
    no = assert_ok(c.post(f"/api/v1/preferences/{by['room']['id']}/reject"))
    assert no["status"] == "rejected", no
    assert_ok(c.post(f"/api/v1/preferences/{by['subject']['id']}/approve"))
    audit = assert_ok(c.get("/api/v1/audit", params={"entity": "teacher_preference",
                                                     "action": "approve"}))["items"]
    assert audit and audit[0]["after"]["status"] == "approved", audit
    # the teacher sends the set again with one level changed: the unchanged
    # approved one stays approved, the changed one waits again
    me = assert_ok(put(t, [
        {"kind": "time", "day": 1, "period": 1, "level": "avoid"},
        {"kind": "subject", "subject_id": w["MAT"]["id"], "level": "like"},
    ]))
    status = {i["kind"]: i["status"] for i in me["items"]}
    assert status == {"time": "approved", "subject": "pending"}, me
    assert_ok(c.get("/api/v1/preferences", params={"status": "approved"}))["items"]
    approved = assert_ok(c.get("/api/v1/preferences", params={"status": "approved",
                                                              "staff_id": w["luis"]["id"]}))
    assert [i["description"] for i in approved["items"]] == ["El lunes, 1.ª hora"], approved
    assert_error(c.get("/api/v1/preferences", params={"status": "todas"}), 422, "invalid",
                 field="status")
    rows = assert_ok(c.get("/api/v1/audit", params={"entity": "teacher_preferences"}))["items"]
    assert rows, "the teacher's changes are audited"


def test_a_teacher_neither_decides_nor_sees_other_teachers_preferences(school):
    w = school.w
    rosa = teacher(school, "otra@norte.test")
    assert_ok(put(rosa, [{"kind": "day", "day": 3, "level": "prefer"}]))
    luis = teacher(school)
    mine = assert_ok(luis.get("/api/v1/me/preferences"))
    assert all(i["staff_id"] == w["luis"]["id"] for i in mine["items"]), mine
    assert_error(luis.get("/api/v1/preferences"), 403, "forbidden")
    rid = assert_ok(w["c"].get("/api/v1/preferences",
                               params={"staff_id": w["rosa"]["id"]}))["items"][0]["id"]
    assert_error(luis.post(f"/api/v1/preferences/{rid}/approve"), 403, "forbidden")
    assert_ok(w["c"].delete(f"/api/v1/preferences/{rid}"))
    assert_error(w["c"].post(f"/api/v1/preferences/{rid}/approve"), 404, "not_found")
    assert assert_ok(rosa.get("/api/v1/me/preferences"))["items"] == []
