"""The plan de estudio and the teaching assignments (issue #15, part setup:
h_plan.c, src/school/plan.c), through the API on the suite's backend."""

import pytest

from conftest import assert_error, assert_ok


@pytest.fixture(scope="module")
def school(module_instances):
    inst = module_instances("plan")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.add_user("norte", "directora@norte.test", "school_admin")
    inst.add_user("norte", "docente@norte.test", "teacher")
    inst.start()
    c = inst.login("norte", "directora@norte.test")
    assert_ok(c.post("/api/v1/years", json={"name": "2025-2026", "starts_on": "2025-09-15",
                                             "ends_on": "2026-07-15"}), 201)
    w = {"c": c}
    w["g1"] = assert_ok(c.post("/api/v1/grades", json={"level": "media_general", "number": 1}), 201)
    w["g2"] = assert_ok(c.post("/api/v1/grades", json={"level": "media_general", "number": 2}), 201)
    for code, name in (("MAT", "Matemática"), ("CAS", "Castellano"), ("BIO", "Biología"),
                       ("EF", "Educación Física")):
        w[code] = assert_ok(c.post("/api/v1/subjects", json={"name": name, "code": code,
                                                             "level": "media_general"}), 201)
    w["sec"] = assert_ok(c.post("/api/v1/sections", json={"grade_id": w["g1"]["id"],
                                                         "letter": "A"}), 201)
    w["sec2"] = assert_ok(c.post("/api/v1/sections", json={"grade_id": w["g2"]["id"],
                                                          "letter": "A"}), 201)
    w["prof"] = assert_ok(c.post("/api/v1/staff", json={
        "cedula": "V12345678", "first_names": "Ana", "last_names": "Pérez",
        "subject_ids": [w["MAT"]["id"]]}), 201)
    inst.w = w
    return inst


def audit(c, entity, action):
    return assert_ok(c.get("/api/v1/audit", params={"entity": entity, "action": action}))["items"]


def test_the_plan_splits_each_subject_into_blocks_that_sum_to_its_periods(school):
    w = school.w
    c = w["c"]
    p = assert_ok(c.post("/api/v1/study-plan", json={
        "grade_id": w["g1"]["id"], "subject_id": w["MAT"]["id"], "periods_per_week": 6,
        "blocks": " 2 + 2+2 "}), 201)
    assert (p["grade"], p["subject"], p["periods_per_week"], p["blocks"]) == \
        ("1er Año", "Matemática", 6, "2+2+2"), p
    # no blocks: split in twos
    q = assert_ok(c.post("/api/v1/study-plan", json={
        "grade_id": w["g1"]["id"], "subject_id": w["CAS"]["id"], "periods_per_week": 5}), 201)
    assert q["blocks"] == "2+2+1", q
    # blocks that do not sum, and every other wrong member, at once
    err = assert_error(c.post("/api/v1/study-plan", json={
        "grade_id": w["g1"]["id"], "subject_id": w["BIO"]["id"], "periods_per_week": 4,
        "blocks": "2+1"}), 422, "invalid", field="blocks")
    assert "sumar" in err["message"], err
    err = assert_error(c.post("/api/v1/study-plan", json={
        "grade_id": "uno", "subject_id": w["BIO"]["id"], "periods_per_week": 41,
        "blocks": "2,2"}), 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"grade_id", "periods_per_week", "blocks"}, err
    assert_error(c.post("/api/v1/study-plan", json={
        "grade_id": w["g1"]["id"], "subject_id": w["BIO"]["id"], "periods_per_week": 4,
        "blocks": "13"}), 422, "invalid", field="blocks")
    # one row per grade and subject
    assert_error(c.post("/api/v1/study-plan", json={
        "grade_id": w["g1"]["id"], "subject_id": w["MAT"]["id"], "periods_per_week": 4}),
        409, "conflict", field="subject_id")
    # changing the periods alone re-splits; blocks that no longer sum are refused
    p2 = assert_ok(c.patch(f"/api/v1/study-plan/{p['id']}", json={"periods_per_week": 4}))
    assert p2["blocks"] == "2+2", p2
    assert_error(c.patch(f"/api/v1/study-plan/{p['id']}", json={"blocks": "3+3"}), 422,
                 "invalid", field="blocks")
    p3 = assert_ok(c.patch(f"/api/v1/study-plan/{p['id']}", json={"periods_per_week": 6,
                                                                  "blocks": "3+3"}))
    assert p3["blocks"] == "3+3", p3
    rows = [r for r in audit(c, "study_plan", "update") if r["entity_id"] == str(p["id"])]
    assert rows[0]["before"]["blocks"] == "2+2" and rows[0]["after"]["blocks"] == "3+3", rows
    assert_ok(c.post("/api/v1/study-plan", json={
        "grade_id": w["g2"]["id"], "subject_id": w["MAT"]["id"], "periods_per_week": 5}), 201)
    g1 = assert_ok(c.get("/api/v1/study-plan", params={"grade_id": w["g1"]["id"]}))["items"]
    assert [i["subject"] for i in g1] == ["Castellano", "Matemática"], g1
    every = assert_ok(c.get("/api/v1/study-plan"))["items"]
    assert [i["grade"] for i in every] == ["1er Año", "1er Año", "2do Año"], every
    assert_ok(c.delete(f"/api/v1/study-plan/{q['id']}"))
    assert_error(c.delete(f"/api/v1/study-plan/{q['id']}"), 404, "not_found")
    assert audit(c, "study_plan", "delete")


def test_an_assignment_names_a_teacher_or_any_qualified_one_and_may_override_the_plan(school):
    w = school.w
    c = w["c"]
    a = assert_ok(c.post("/api/v1/assignments", json={
        "section_id": w["sec"]["id"], "subject_id": w["MAT"]["id"],
        "staff_id": w["prof"]["id"]}), 201)
    assert (a["section"], a["subject"], a["teacher"], a["any_teacher"]) == \
        ("1er Año A", "Matemática", "Ana Pérez", False), a
    # no override: the plan's figures are shown next to its own (none)
    assert a["periods_per_week"] is None and a["blocks"] is None, a
    assert (a["plan_periods_per_week"], a["plan_blocks"]) == (6, "3+3"), a
    anyone = assert_ok(c.post("/api/v1/assignments", json={
        "section_id": w["sec"]["id"], "subject_id": w["EF"]["id"], "staff_id": None,
        "blocks": "2+1"}), 201)
    assert anyone["any_teacher"] is True and anyone["teacher"] is None, anyone
    assert (anyone["periods_per_week"], anyone["blocks"]) == (3, "2+1"), anyone
    assert anyone["plan_periods_per_week"] is None, anyone
    # the same subject twice in a section
    assert_error(c.post("/api/v1/assignments", json={
        "section_id": w["sec"]["id"], "subject_id": w["MAT"]["id"]}), 409, "conflict",
        field="subject_id")
    # every wrong member at once; then the store's findings
    err = assert_error(c.post("/api/v1/assignments", json={
        "section_id": 0, "subject_id": "x", "staff_id": "Ana", "periods_per_week": 0}),
        422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"section_id", "subject_id", "staff_id",
                                                   "periods_per_week"}, err
    err = assert_error(c.post("/api/v1/assignments", json={
        "section_id": 999999, "subject_id": 999999, "staff_id": 999999}), 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"section_id", "subject_id", "staff_id"}, err
    assert_error(c.post("/api/v1/assignments", json={
        "section_id": w["sec"]["id"], "subject_id": w["BIO"]["id"], "periods_per_week": 4,
        "blocks": "2+1"}), 422, "invalid", field="blocks")
    # override set, then cleared back to the plan's
    a2 = assert_ok(c.patch(f"/api/v1/assignments/{a['id']}", json={"periods_per_week": 4}))
    assert (a2["periods_per_week"], a2["blocks"], a2["teacher"]) == (4, "2+2", "Ana Pérez"), a2
    a3 = assert_ok(c.patch(f"/api/v1/assignments/{a['id']}", json={"periods_per_week": None,
                                                                    "staff_id": None}))
    assert (a3["periods_per_week"], a3["blocks"], a3["any_teacher"]) == (None, None, True), a3
    rows = [r for r in audit(c, "teaching_assignment", "update") if r["entity_id"] == str(a["id"])]
    assert rows[0]["before"]["teacher"] == "Ana Pérez" and rows[0]["after"]["teacher"] is None
    # lists: by section, by teacher
    assert_ok(c.post("/api/v1/assignments", json={
        "section_id": w["sec2"]["id"], "subject_id": w["MAT"]["id"],
        "staff_id": w["prof"]["id"]}), 201)
    mine = assert_ok(c.get("/api/v1/assignments", params={"staff_id": w["prof"]["id"]}))["items"]
    assert [i["section"] for i in mine] == ["2do Año A"], mine
    sec = assert_ok(c.get("/api/v1/assignments", params={"section_id": w["sec"]["id"]}))["items"]
    assert [i["subject"] for i in sec] == ["Educación Física", "Matemática"], sec
    assert_error(c.get("/api/v1/assignments", params={"section_id": "uno"}), 422, "invalid",
                 field="section_id")
    assert_ok(c.delete(f"/api/v1/assignments/{anyone['id']}"))
    sec = assert_ok(c.get("/api/v1/assignments", params={"section_id": w["sec"]["id"]}))["items"]
    assert [i["subject"] for i in sec] == ["Matemática"], sec


def test_a_teacher_cannot_change_the_plan_or_the_assignments(school):
    t = school.cached_login("norte", "docente@norte.test")
    assert_error(t.get("/api/v1/study-plan"), 403, "forbidden")
    assert_error(t.post("/api/v1/assignments", json={"section_id": 1, "subject_id": 1}), 403,
                 "forbidden")


def test_an_imported_ueipab_week_reads_back_through_the_set_up_api(school):
    """The part `import` writes the same tables: what it brings in is what
    the set-up pages show and edit."""
    from pathlib import Path
    from conftest import cli
    folder = Path(__file__).resolve().parents[2] / "tests" / "data" / "ueipab-2025"
    school.create_school("sur", "U.E. Sur")
    school.add_user("sur", "directora@sur.test", "school_admin")
    res = cli("timetable", "import", "--data", school.data, "--school", "sur", str(folder))
    assert res.rc == 0, res
    c = school.login("sur", "directora@sur.test")
    bells = assert_ok(c.get("/api/v1/bell-schedules"))["items"]
    assert len(bells) == 1 and bells[0]["class_periods"] == 10, bells
    sections = assert_ok(c.get("/api/v1/sections"))["items"]
    assert {s["name"] for s in bells[0]["sections"]} == {s["name"] for s in sections}, bells
    plan = assert_ok(c.get("/api/v1/study-plan"))["items"]
    assignments = assert_ok(c.get("/api/v1/assignments"))["items"]
    assert plan and assignments
    for p in plan:
        assert sum(int(b) for b in p["blocks"].split("+")) == p["periods_per_week"], p
    for a in assignments:
        periods = a["periods_per_week"] or a["plan_periods_per_week"]
        blocks = a["blocks"] or a["plan_blocks"]
        assert periods and sum(int(b) for b in blocks.split("+")) == periods, a
    # every section's week fits its bell schedule
    week = bells[0]["class_periods"] * len(bells[0]["days"])
    load = {}
    for a in assignments:
        load[a["section"]] = load.get(a["section"], 0) + (a["periods_per_week"] or a["plan_periods_per_week"])
    assert load and max(load.values()) <= week, load
    # and an imported assignment can be edited like any other
    a = assignments[0]
    edited = assert_ok(c.patch(f"/api/v1/assignments/{a['id']}", json={"staff_id": None}))
    assert edited["any_teacher"] is True and edited["subject"] == a["subject"], edited
