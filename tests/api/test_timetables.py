"""Generating timetables (h_timetables.c, src/school/tt_build.c,
timetables_store.c, tt_runner.c): the UEIPAB 2025 instance loaded into a
school and generated in the background with no clash and every lesson
placed (checked by support/ueipab.check, not by the engine), the set-up
refused in Spanish before any search, activate/discard/compare, cancel."""

import time

import pytest

from conftest import assert_error, assert_ok, store_execute, store_rows
from support import ueipab
from support.cli import cli, cli_ok


@pytest.fixture(scope="module")
def school(module_instances):
    inst = module_instances("timetables")
    inst.init()
    for code in ("liceo", "malo", "lento", "consola"):
        inst.create_school(code, f"U.E. {code.title()}")
        inst.add_user(code, f"directora@{code}.test", "school_admin")
    inst.add_user("liceo", "docente@liceo.test", "teacher")
    inst.start()
    ids = {}
    for code in ("liceo", "lento", "consola"):
        ids[code] = load(inst, code)
    inst.ids = ids
    return inst


def load(inst, code):
    """UEIPAB 2025 into school `code`: its set-up, no timetable."""
    c = inst.login(code, f"directora@{code}.test")
    return ueipab.load(c, inst.school_store(code), lambda: cli_ok(
        "timetable", "import", "--data", inst.data, "--school", code, str(ueipab.DATA)))


def director(inst, code="liceo"):
    return inst.login(code, f"directora@{code}.test")


def wait_done(c, tid, timeout=20):
    end = time.monotonic() + timeout
    while True:
        t = assert_ok(c.get(f"/api/v1/timetables/{tid}"))
        if t["job_state"] not in ("queued", "running"):
            return t
        assert time.monotonic() < end, f"still {t['job_state']}: {t['progress']}"
        time.sleep(0.05)


def generate(c, **body):
    r = c.post("/api/v1/timetables", json={"generate": True, "time_limit": 10, **body})
    t = assert_ok(r, 202)
    assert r.headers["Location"] == f"/api/v1/timetables/{t['id']}", r.headers
    assert t["status"] == "draft" and t["job_state"] in ("queued", "running", "done"), t
    return t


def test_ueipab_is_generated_with_no_clash_and_every_lesson_placed(school):
    c = director(school)
    t = wait_done(c, generate(c, name="Propuesta A")["id"])
    assert t["job_state"] == "done", t
    assert t["name"] == "Propuesta A" and t["source"] == "generated", t
    assert len(t["lessons"]) == ueipab.block_count() == 137
    problems = ueipab.check(t["lessons"], school.ids["liceo"])
    assert problems == [], problems
    assert t["cost"]["hard"] == 0, t["cost"]
    assert t["progress"]["percent"] == 100 and t["progress"]["hard"] == 0, t["progress"]
    # the report: the cost by rule adds up to the cost, every violation in words
    rep = t["report"]
    assert sum(r["soft"] for r in rep["by_rule"]) == t["cost"]["soft"], rep["by_rule"]
    assert rep["violation_count"] == len(rep["violations"])
    assert all(v["text"] for v in rep["violations"])
    assert rep["stats"]["unplaced"] == 0
    # names as the pages show them
    l0 = t["lessons"][0]
    assert l0["section"].startswith("1er") and l0["teacher"].startswith("T"), l0
    # the generation is audited
    rows = assert_ok(c.get("/api/v1/audit", params={"entity": "timetable",
                                                    "action": "generate"}))["items"]
    assert rows and rows[0]["entity_id"] == str(t["id"]), rows


def test_activate_archives_the_previous_one_and_drafts_compare_and_discard(school):
    c = director(school)
    a = wait_done(c, generate(c, name="Primero")["id"])
    b = wait_done(c, generate(c, name="Segundo", time_limit=1)["id"])
    assert_error(c.get(f"/api/v1/timetables/{a['id']}/compare"), 409, "timetable_no_active")
    act = assert_ok(c.post(f"/api/v1/timetables/{a['id']}/activate"))
    assert act["status"] == "active" and act["activated_at"], act
    cmp = assert_ok(c.get(f"/api/v1/timetables/{b['id']}/compare"))
    assert cmp["active"]["id"] == a["id"] and cmp["timetable"]["id"] == b["id"]
    assert cmp["timetable"]["cost"] == b["cost"] and cmp["active"]["cost"] == a["cost"]
    assert cmp["lessons_moved"] == len(cmp["only_in_timetable"]) == len(cmp["only_in_active"])
    assert isinstance(cmp["active"]["by_rule"], list)
    # the newer one replaces it: the first is archived, only one active
    assert_ok(c.post(f"/api/v1/timetables/{b['id']}/activate"))
    items = assert_ok(c.get("/api/v1/timetables"))["items"]
    status = {x["id"]: x["status"] for x in items}
    assert status[a["id"]] == "archived" and status[b["id"]] == "active", status
    assert list(status.values()).count("active") == 1
    assert items[0]["id"] == b["id"], "the active one is listed first"
    # only drafts are activated or discarded
    assert_error(c.post(f"/api/v1/timetables/{a['id']}/activate"), 409, "timetable_not_draft")
    assert_error(c.delete(f"/api/v1/timetables/{b['id']}"), 409, "timetable_not_draft")
    # an empty draft can not be activated; a draft is discarded with its lessons
    e = assert_ok(c.post("/api/v1/timetables", json={"generate": False}), 201)
    assert e["source"] == "manual" and e["lessons"] == [], e
    assert_error(c.post(f"/api/v1/timetables/{e['id']}/activate"), 409, "timetable_not_ready")
    d = wait_done(c, generate(c, name="Descartable")["id"])
    assert_ok(c.delete(f"/api/v1/timetables/{d['id']}"))
    assert_error(c.get(f"/api/v1/timetables/{d['id']}"), 404, "not_found")
    assert store_rows(school.school_store("liceo"),
                      "SELECT COUNT(*) FROM timetable_lessons WHERE timetable_id = ?",
                      (d["id"],)) == [(0,)]
    rows = assert_ok(c.get("/api/v1/audit", params={"entity": "timetable",
                                                    "action": "delete"}))["items"]
    assert rows[0]["before"]["name"] == "Descartable" and rows[0]["before"]["lessons"] == 137
    assert_error(c.get("/api/v1/timetables/999999"), 404, "not_found")


def test_a_set_up_that_cannot_work_is_explained_in_spanish_before_any_search(school):
    c = director(school, "malo")
    store = school.school_store("malo")
    # nothing set up yet
    err = assert_error(c.post("/api/v1/timetables", json={"generate": True}), 422,
                       "timetable_setup")
    assert any("asignaciones docentes" in p for p in err["problems"]), err
    ids = load(school, "malo")
    store_execute(store, "UPDATE staff SET max_weekly_periods = 20")
    now = "2026-01-01T00:00:00Z"
    # a lab subject and no laboratory; one section off its bell schedule;
    # T05 with more periods than the week has
    store_execute(store, "UPDATE subjects SET room_kind = 'laboratorio' WHERE code = 'S06'")
    for sec in ("C1", "C2", "C3"):
        store_execute(store, "INSERT INTO teaching_assignments (section_id, subject_id, staff_id,"
                             " periods_per_week, blocks, created_at, updated_at)"
                             " VALUES (?, ?, ?, 20, '2+2+2+2+2+2+2+2+2+2', ?, ?)",
                      (ids["sections"][sec], ids["subjects"]["S15"], ids["staff"]["T05"], now, now))
    err = assert_error(c.post("/api/v1/timetables", json={"generate": True}), 422,
                       "timetable_setup")
    text = "\n".join(err["problems"])
    assert "FÍSICA necesita un laboratorio y el plantel no tiene ninguno" in text, text
    assert "T05 tiene" in text and "máximo es 20" in text, text
    assert "períodos disponibles" in text, text       # the engine's diagnosis, in Spanish
    store_execute(store, "UPDATE sections SET bell_schedule_id = NULL WHERE code = 'C6'")
    err = assert_error(c.post("/api/v1/timetables", json={"generate": True}), 422,
                       "timetable_setup")
    assert any("5to Año Única no tiene horario de timbre" in p for p in err["problems"]), err
    # nothing was written
    assert assert_ok(c.get("/api/v1/timetables"))["items"] == []
    # every invalid member at once
    err = assert_error(c.post("/api/v1/timetables", json={"generate": "sí", "time_limit": 601,
                                                          "name": ""}), 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"generate", "time_limit", "name"}, err


def test_a_generation_is_cancelled_and_keeps_the_best_timetable_found(school):
    c = director(school, "lento")
    store = school.school_store("lento")
    ids = school.ids["lento"]
    # T01 dislikes every day: the soft cost never reaches 0, so the search
    # runs until its time limit unless cancelled
    now = "2026-01-01T00:00:00Z"
    for d in range(1, 6):
        store_execute(store, "INSERT INTO teacher_preferences (staff_id, kind, day, level, status,"
                             " created_at, updated_at) VALUES (?, 'day', ?, 'dislike', 'approved',"
                             " ?, ?)", (ids["staff"]["T01"], d, now, now))
    t = generate(c, time_limit=60)
    # one generation at a time per school
    assert_error(c.post("/api/v1/timetables", json={"generate": True}), 409, "timetable_busy")
    assert_error(c.post(f"/api/v1/timetables/{t['id']}/activate"), 409, "timetable_busy")
    assert_error(c.delete(f"/api/v1/timetables/{t['id']}"), 409, "timetable_busy")
    # progress is written while it searches
    end = time.monotonic() + 10
    while True:
        cur = assert_ok(c.get(f"/api/v1/timetables/{t['id']}"))
        if cur["job_state"] == "running" and cur["progress"].get("iterations", 0) > 0:
            break
        assert time.monotonic() < end, cur
        time.sleep(0.05)
    assert 0 <= cur["progress"]["percent"] < 100
    started = time.monotonic()
    assert_ok(c.post(f"/api/v1/timetables/{t['id']}/cancel"), 202)
    done = wait_done(c, t["id"], timeout=10)
    assert time.monotonic() - started < 5
    assert done["job_state"] == "cancelled" and done["report"]["cancelled"] is True, done
    assert ueipab.check(done["lessons"], ids) == []
    # the unmet preference is explained by name
    prefs = [v for v in done["report"]["violations"] if v["rule"] == "teacher_preferences"]
    assert prefs and "T01" in prefs[0]["text"], done["report"]["violations"][:3]
    # in words for a person: no rule keys or weights
    assert all("[" not in v["text"] and "peso" not in v["text"]
               for v in done["report"]["violations"]), done["report"]["violations"][:3]
    assert_error(c.post(f"/api/v1/timetables/{t['id']}/cancel"), 409, "timetable_not_running")


def test_a_teacher_cannot_see_or_generate_timetables(school):
    t = school.login("liceo", "docente@liceo.test")
    assert_error(t.get("/api/v1/timetables"), 403, "forbidden")
    assert_error(t.post("/api/v1/timetables", json={"generate": True}), 403, "forbidden")


def test_the_cli_generates_and_activates_a_timetable(school):
    r = cli("timetable", "generate", "--data", school.data, "--school", "consola",
            "--time-limit", "10", "--activate", "--name", "Desde la consola")
    assert r.rc == 0, r.err
    assert "137 de 137 clases colocadas, choques 0" in r.out, r.out
    assert "es el horario activo" in r.out, r.out
    c = director(school, "consola")
    items = assert_ok(c.get("/api/v1/timetables"))["items"]
    assert [(x["name"], x["status"]) for x in items] == [("Desde la consola", "active")], items
    t = assert_ok(c.get(f"/api/v1/timetables/{items[0]['id']}"))
    assert ueipab.check(t["lessons"], school.ids["consola"]) == []
    # a school whose set-up cannot work: the problems in Spanish, nothing written
    r = cli("timetable", "generate", "--data", school.data, "--school", "malo")
    assert r.rc == 1 and "no tiene horario de timbre: asígnele uno" in r.text, r
    assert assert_ok(director(school, "malo").get("/api/v1/timetables"))["items"] == []
