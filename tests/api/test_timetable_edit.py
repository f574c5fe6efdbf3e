"""Editing a timetable by hand (issue #15, the grid: h_timetable_edit.c,
src/school/timetable_edit.c, the check in src/school/tt_check.c), through
the API on the suite's backend.

One school is set up through the API (sections, subjects, rooms, teachers)
and given, by rows written in the test, a bell schedule (the UEIPAB day:
ten 40-minute periods with breaks after the 4th and the 8th) and a draft
timetable:

    lesson  section    subject     teacher     room         slot
    mat1    1er Año A  Matemática  Ana Pérez   Aula 1       lunes 1-2
    bio2    2do Año A  Biología    Luis Rojas  Laboratorio  lunes 1-2
    cas1    1er Año A  Castellano  Luis Rojas  Aula 1       martes 1-2
    mat2    2do Año A  Matemática  Ana Pérez   Laboratorio  martes 3-4
    ing1    1er Año A  Inglés      José Gil    -            miércoles 1
    qui1    1er Año A  Química     Pedro Luna  Laboratorio  jueves 1-2

José has an approved `avoid` on Friday's 3rd period and a pending one on
the 4th (which must not count). Each test starts from that timetable.
"""

from pathlib import Path

import time

import pytest

from conftest import assert_error, assert_ok, cli, store_execute, store_rows

UEIPAB = Path(__file__).resolve().parents[1] / "data" / "ueipab-2025"
DAYS = ["", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]

NOW = "2025-09-01T12:00:00Z"
UEIPAB_DAY = [("class", "07:00", "07:40"), ("class", "07:40", "08:20"),
              ("class", "08:20", "09:00"), ("class", "09:00", "09:40"),
              ("break", "09:40", "10:00"),
              ("class", "10:00", "10:40"), ("class", "10:40", "11:20"),
              ("class", "11:20", "12:00"), ("class", "12:00", "12:40"),
              ("break", "12:40", "13:00"),
              ("class", "13:00", "13:40"), ("class", "13:40", "14:20")]

LESSONS = {  # name: (section, subject, teacher, room, day, period, length)
    "mat1": ("1A", "MAT", "ana", "aula", 1, 1, 2),
    "bio2": ("2A", "BIO", "luis", "lab", 1, 1, 2),
    "cas1": ("1A", "CAS", "luis", "aula", 2, 1, 2),
    "mat2": ("2A", "MAT", "ana", "lab", 2, 3, 2),
    "ing1": ("1A", "ING", "jose", None, 3, 1, 1),
    "qui1": ("1A", "QUI", "pedro", "lab", 4, 1, 2),
}


def last_id(store, table):
    return store_rows(store, f"SELECT MAX(id) FROM {table}")[0][0]


@pytest.fixture(scope="module")
def school(module_instances):
    inst = module_instances("ttedit")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.add_user("norte", "directora@norte.test", "school_admin")
    inst.add_user("norte", "docente@norte.test", "teacher")
    inst.start()
    c = inst.login("norte", "directora@norte.test")
    assert_ok(c.post("/api/v1/years", json={"name": "2025-2026", "starts_on": "2025-09-15",
                                             "ends_on": "2026-07-15"}), 201)
    ids = {}
    for n in (1, 2):
        g = assert_ok(c.post("/api/v1/grades", json={"level": "media_general", "number": n}), 201)
        s = assert_ok(c.post("/api/v1/sections", json={"grade_id": g["id"], "letter": "A"}), 201)
        ids[f"{n}A"] = s["id"]
    for code, name in (("MAT", "Matemática"), ("BIO", "Biología"), ("CAS", "Castellano"),
                       ("ING", "Inglés"), ("QUI", "Química")):
        ids[code] = assert_ok(c.post("/api/v1/subjects", json={
            "name": name, "code": code, "level": "media_general"}), 201)["id"]
    ids["aula"] = assert_ok(c.post("/api/v1/rooms", json={"name": "Aula 1"}), 201)["id"]
    ids["lab"] = assert_ok(c.post("/api/v1/rooms", json={"name": "Laboratorio",
                                                        "kind": "laboratorio"}), 201)["id"]
    for key, ced, first, last in (("ana", "V10000001", "Ana", "Pérez"),
                                  ("luis", "V10000002", "Luis", "Rojas"),
                                  ("jose", "V10000003", "José", "Gil"),
                                  ("pedro", "V10000004", "Pedro", "Luna")):
        ids[key] = assert_ok(c.post("/api/v1/staff", json={
            "cedula": ced, "first_names": first, "last_names": last}), 201)["id"]
    st = inst.school_store("norte")
    store_execute(st, "INSERT INTO bell_schedules (name, days, created_at, updated_at)"
                      " VALUES ('Media General', 31, ?, ?)", (NOW, NOW))
    bell = last_id(st, "bell_schedules")
    for pos, (kind, a, b) in enumerate(UEIPAB_DAY, 1):
        store_execute(st, "INSERT INTO bell_periods (schedule_id, position, kind, starts_at,"
                          " ends_at) VALUES (?, ?, ?, ?, ?)", (bell, pos, kind, a, b))
    store_execute(st, "UPDATE sections SET bell_schedule_id = ?", (bell,))
    for period, status in ((3, "approved"), (4, "pending")):
        store_execute(st, "INSERT INTO teacher_preferences (staff_id, kind, day, period, level,"
                          " status, created_at, updated_at)"
                          " VALUES (?, 'time', 5, ?, 'avoid', ?, ?, ?)",
                      (ids["jose"], period, status, NOW, NOW))
    inst.ids = ids
    inst.store = st
    return inst


@pytest.fixture(scope="module")
def ueipab(school):
    """Another school of the same server with UEIPAB 2025 imported (the
    `import` part's CLI): its set-up and its own timetable as a draft."""
    school.create_school("real", "U.E.I. Paz y Bien")
    school.add_user("real", "directora@real.test", "school_admin")
    res = cli("timetable", "import", "--data", school.data, "--school", "real", UEIPAB)
    assert res.rc == 0, res
    c = school.login("real", "directora@real.test")
    [tt] = store_rows(school.school_store("real"), "SELECT id FROM timetables")
    return c, tt[0]


def director(inst):
    return inst.login("norte", "directora@norte.test")


def make_timetable(inst, status="draft", job_state="none", name="Borrador de prueba"):
    """A timetable with LESSONS; returns (timetable id, {name: lesson id})."""
    st, ids = inst.store, inst.ids
    store_execute(st, "INSERT INTO timetables (name, status, source, job_state, created_at,"
                      " updated_at) VALUES (?, ?, 'manual', ?, ?, ?)",
                  (name, status, job_state, NOW, NOW))
    tt = last_id(st, "timetables")
    lessons = {}
    for key, (sec, subj, tch, room, day, period, length) in LESSONS.items():
        store_execute(st, "INSERT INTO timetable_lessons (timetable_id, section_id, subject_id,"
                          " staff_id, room_id, day, period, length)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      (tt, ids[sec], ids[subj], ids[tch], ids[room] if room else None,
                       day, period, length))
        lessons[key] = last_id(st, "timetable_lessons")
    return tt, lessons


def slots(c, tt):
    g = assert_ok(c.get(f"/api/v1/timetables/{tt}/grid"))
    return {l["id"]: (l["day"], l["period"]) for l in g["lessons"]}


def move(c, tt, lesson, day, period):
    return c.post(f"/api/v1/timetables/{tt}/moves",
                  json={"lesson_id": lesson, "day": day, "period": period})


def test_the_grid_shows_lessons_schedule_and_no_clash(school):
    c = director(school)
    tt, ls = make_timetable(school)
    g = assert_ok(c.get(f"/api/v1/timetables/{tt}/grid"))
    assert g["editable"] is True and g["status"] == "draft"
    assert g["clashes"] == [], g["clashes"]
    assert len(g["lessons"]) == 6
    [sch] = g["schedules"]
    assert sch["days"] == [1, 2, 3, 4, 5] and sch["periods"] == 10
    assert [r["is_break"] for r in sch["rows"]].count(True) == 2
    ing = next(l for l in g["lessons"] if l["id"] == ls["ing1"])
    assert (ing["section"], ing["subject"], ing["teacher"]) == ("1er Año A", "Inglés", "José Gil")


@pytest.mark.parametrize("lesson,day,period,kind,message", [
    ("cas1", 1, 1, "teacher",
     "El prof. Luis Rojas ya tiene 2do Año A (Biología) el lunes, 1.ª hora."),
    ("ing1", 1, 2, "section", "1er Año A ya tiene Matemática el lunes, 2.ª hora."),
    ("qui1", 2, 3, "room",
     "El aula Laboratorio ya está ocupada por 2do Año A (Matemática) el martes, 3.ª hora."),
    ("ing1", 5, 3, "unavailable", "El prof. José Gil no está disponible el viernes, 3.ª hora."),
    ("mat1", 5, 4, "break",
     "Matemática de 1er Año A: el bloque de 2 horas cruzaría el receso del viernes después "
     "de la 4.ª hora (09:40-10:00)."),
    ("mat1", 5, 10, "day_end",
     "Matemática de 1er Año A: el bloque de 2 horas empezando en la 10.ª hora pasaría del "
     "final del día (el viernes tiene 10 horas de clase)."),
    ("ing1", 6, 1, "no_school_day", "El sábado no es día de clases de 1er Año A."),
])
def test_each_clash_is_refused_with_who_clashes_where(school, lesson, day, period, kind,
                                                      message):
    c = director(school)
    tt, ls = make_timetable(school)
    before = slots(c, tt)
    err = assert_error(move(c, tt, ls[lesson], day, period), 409, "timetable_clash")
    assert err["message"] == message, err
    assert err["clash"]["kind"] == kind and err["clash"]["lesson_id"] == ls[lesson], err
    assert (err["clash"]["day"], err["clash"]["period"]) == (day, period) or kind == "unavailable"
    assert slots(c, tt) == before, "a refused move changed the timetable"


def test_a_move_to_a_free_slot_is_saved_and_audited(school):
    c = director(school)
    tt, ls = make_timetable(school)
    # the pending (not approved) avoid on Friday's 4th does not count
    body = assert_ok(move(c, tt, ls["ing1"], 5, 4))
    [moved] = body["lessons"]
    assert (moved["id"], moved["day"], moved["period"]) == (ls["ing1"], 5, 4)
    assert slots(c, tt)[ls["ing1"]] == (5, 4)
    rows = assert_ok(c.get("/api/v1/audit", params={"entity": "timetable_lesson",
                                                    "action": "update"}))["items"]
    row = next(r for r in rows if r["entity_id"] == str(ls["ing1"]))
    assert row["before"] == {"day": 3, "period": 1} and row["after"] == {"day": 5, "period": 4}, row


def test_a_hand_move_reprices_the_draft(school):
    """The list, the report and the comparison read the stored cost: a move
    that leaves 1er Año A idle between two lessons costs more at once, and
    moving back costs what it did."""
    c = director(school)
    tt, ls = make_timetable(school)

    def cost():
        t = assert_ok(c.get(f"/api/v1/timetables/{tt}"))
        return t["cost"], t["report"]

    # the first move prices the draft as it stands (rows written by hand
    # carry no cost); Inglés stays where 1er Año A has nothing else
    assert_ok(move(c, tt, ls["ing1"], 3, 2))
    before, rep = cost()
    assert before["hard"] == 0, before
    assert rep["edited"] is True
    # Química from Thursday 1-2 to Monday 5-6: 1er Año A has Matemática on
    # Monday 1-2, so periods 3-4 are idle
    assert_ok(move(c, tt, ls["qui1"], 1, 5))
    after, rep = cost()
    assert after["hard"] == 0 and after["soft"] > before["soft"], (before, after)
    gaps = [r for r in rep["by_rule"] if r["soft"] > 0]
    assert gaps, rep["by_rule"]
    assert any("1er Año A" in v["text"] for v in rep["violations"]), rep["violations"]
    listed = next(t for t in assert_ok(c.get("/api/v1/timetables"))["items"] if t["id"] == tt)
    assert listed["cost"] == after
    assert_ok(move(c, tt, ls["qui1"], 4, 1))
    assert cost()[0] == before


def test_a_swap_exchanges_two_lessons_checked_as_one_change(school):
    c = director(school)
    tt, ls = make_timetable(school)
    # alone, Inglés onto Monday 1st meets Matemática; swapped, both fit
    assert_error(move(c, tt, ls["ing1"], 1, 1), 409, "timetable_clash")
    body = assert_ok(c.post(f"/api/v1/timetables/{tt}/moves",
                            json={"swap": [ls["ing1"], ls["mat1"]]}))
    assert {l["id"]: (l["day"], l["period"]) for l in body["lessons"]} == {
        ls["ing1"]: (1, 1), ls["mat1"]: (3, 1)}
    # swapping Castellano (Luis) with Inglés, now on Monday 1st, puts Luis on
    # Monday 1st, where he teaches Biología to 2do Año A: refused
    before = slots(c, tt)
    err = assert_error(c.post(f"/api/v1/timetables/{tt}/moves",
                              json={"swap": [ls["cas1"], ls["ing1"]]}), 409, "timetable_clash")
    assert err["message"] == ("El prof. Luis Rojas ya tiene 2do Año A (Biología) el lunes, "
                              "1.ª hora."), err
    assert slots(c, tt) == before
    assert_error(c.post(f"/api/v1/timetables/{tt}/moves", json={"swap": [ls["ing1"]]}),
                 422, "invalid", field="swap")


def test_a_locked_lesson_stays_until_unlocked(school):
    c = director(school)
    tt, ls = make_timetable(school)
    url = f"/api/v1/timetables/{tt}/lessons/{ls['cas1']}"
    assert assert_ok(c.patch(url, json={"locked": True}))["locked"] is True
    err = assert_error(move(c, tt, ls["cas1"], 5, 1), 409, "lesson_locked")
    assert err["message"] == ("Castellano de 1er Año A está fijada en su lugar: "
                              "desbloquéela antes de moverla."), err
    assert_error(c.post(f"/api/v1/timetables/{tt}/moves", json={"swap": [ls["mat1"], ls["cas1"]]}),
                 409, "lesson_locked")
    assert slots(c, tt)[ls["cas1"]] == (2, 1)
    assert assert_ok(c.patch(url, json={"locked": False}))["locked"] is False
    assert_ok(move(c, tt, ls["cas1"], 5, 1))
    rows = assert_ok(c.get("/api/v1/audit", params={"entity": "timetable_lesson"}))["items"]
    locks = [(r["before"], r["after"]) for r in rows if r["entity_id"] == str(ls["cas1"])
             and "locked" in (r["after"] or {})]
    assert ({"locked": False}, {"locked": True}) in locks and \
        ({"locked": True}, {"locked": False}) in locks, rows
    assert_error(c.patch(url, json={"locked": "sí"}), 422, "invalid", field="locked")


def test_free_slots_are_where_the_lesson_could_go(school):
    c = director(school)
    tt, ls = make_timetable(school)
    free = assert_ok(c.get(f"/api/v1/timetables/{tt}/free-slots",
                           params={"lesson_id": ls["ing1"]}))
    got = {(s["day"], s["period"]) for s in free["slots"]}
    assert (1, 1) not in got and (1, 2) not in got      # 1er Año A has Matemática
    assert (2, 1) not in got and (4, 2) not in got      # Castellano, Química
    assert (5, 3) not in got                            # José unavailable
    assert (3, 1) not in got                            # where it is now
    assert (5, 4) in got and (1, 3) in got
    assert len(got) == 50 - 1 - 2 - 2 - 2 - 1, sorted(got)
    # and each of them is accepted
    assert_ok(move(c, tt, ls["ing1"], 1, 3))
    assert_error(c.get(f"/api/v1/timetables/{tt}/free-slots", params={"lesson_id": "x"}),
                 422, "invalid", field="lesson_id")
    assert_error(c.get(f"/api/v1/timetables/{tt}/free-slots", params={"lesson_id": 999999}),
                 404, "not_found")


def test_only_drafts_are_edited_and_an_active_one_is_copied_first(school):
    c = director(school)
    tt, ls = make_timetable(school, status="active", name="Horario vigente")
    err = assert_error(move(c, tt, ls["ing1"], 5, 4), 409, "timetable_not_draft")
    assert "copie" in err["message"].lower()
    assert_error(c.patch(f"/api/v1/timetables/{tt}/lessons/{ls['ing1']}", json={"locked": True}),
                 409, "timetable_not_draft")
    assert assert_ok(c.get(f"/api/v1/timetables/{tt}/grid"))["editable"] is False
    copy = assert_ok(c.post(f"/api/v1/timetables/{tt}/copy"), 201)
    assert (copy["name"], copy["status"], copy["source"]) == \
        ("Copia de Horario vigente", "draft", "copy"), copy
    g = assert_ok(c.get(f"/api/v1/timetables/{copy['id']}/grid"))
    assert g["editable"] is True
    assert sorted((l["subject"], l["day"], l["period"]) for l in g["lessons"]) == \
        sorted((l["subject"], l["day"], l["period"])
               for l in assert_ok(c.get(f"/api/v1/timetables/{tt}/grid"))["lessons"])
    new_ing = next(l["id"] for l in g["lessons"] if l["subject"] == "Inglés")
    assert_ok(move(c, copy["id"], new_ing, 5, 4))
    assert slots(c, tt)[ls["ing1"]] == (3, 1), "editing the copy changed the original"
    rows = assert_ok(c.get("/api/v1/audit", params={"entity": "timetable",
                                                    "action": "create"}))["items"]
    assert any(r["after"].get("copied_from") == tt for r in rows), rows


def test_a_timetable_being_generated_is_not_edited(school):
    c = director(school)
    tt, ls = make_timetable(school, job_state="running")
    assert_error(move(c, tt, ls["ing1"], 5, 4), 409, "timetable_busy")


def test_bad_moves_answer_422_with_every_field_and_404_for_unknown_ones(school):
    c = director(school)
    tt, ls = make_timetable(school)
    err = assert_error(c.post(f"/api/v1/timetables/{tt}/moves",
                              json={"lesson_id": "uno", "day": 9}), 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"lesson_id", "day", "period"}, err
    other, other_ls = make_timetable(school)
    assert_error(move(c, tt, other_ls["ing1"], 5, 4), 422, "invalid", field="lesson_id")
    assert_error(move(c, 999999, ls["ing1"], 5, 4), 404, "not_found")
    assert_error(c.get("/api/v1/timetables/999999/grid"), 404, "not_found")
    assert_error(c.patch(f"/api/v1/timetables/{tt}/lessons/{other_ls['ing1']}",
                         json={"locked": True}), 404, "not_found")


def test_a_teacher_may_not_edit(school):
    tt, ls = make_timetable(school)
    t = school.login("norte", "docente@norte.test")
    assert_error(move(t, tt, ls["ing1"], 5, 4), 403, "forbidden")
    assert_error(t.get(f"/api/v1/timetables/{tt}/grid"), 403, "forbidden")


def test_ueipab_imported_is_clean_and_each_teacher_clash_names_the_other_section(ueipab):
    c, tt = ueipab
    g = assert_ok(c.get(f"/api/v1/timetables/{tt}/grid"))
    assert g["editable"] and g["clashes"] == [], g["clashes"][:3]
    lessons = g["lessons"]
    assert len(lessons) > 100 and all(l["day"] for l in lessons)
    [sch] = g["schedules"]
    assert sch["periods"] == 10 and [r["is_break"] for r in sch["rows"]].count(True) == 2
    # a teacher's lesson onto the start of one of their lessons in another section
    tried = 0
    for l in lessons:
        other = next((m for m in lessons if m["staff_id"] == l["staff_id"] and
                      m["section_id"] != l["section_id"] and m["length"] == l["length"]), None)
        if other is None:
            continue
        err = assert_error(move(c, tt, l["id"], other["day"], other["period"]), 409,
                           "timetable_clash")
        assert err["message"] == (f"El prof. {l['teacher']} ya tiene {other['section']} "
                                  f"({other['subject']}) el {DAYS[other['day']]}, "
                                  f"{other['period']}.ª hora."), err
        tried += 1
        if tried == 5:
            break
    assert tried == 5
    # every free slot of a lesson is accepted (and the lesson put back)
    l = lessons[0]
    free = assert_ok(c.get(f"/api/v1/timetables/{tt}/free-slots",
                           params={"lesson_id": l["id"]}))["slots"]
    assert free, "a lesson of UEIPAB has nowhere to go"
    for s in free[:8]:
        assert_ok(move(c, tt, l["id"], s["day"], s["period"]))
        assert_ok(move(c, tt, l["id"], l["day"], l["period"]))
    assert assert_ok(c.get(f"/api/v1/timetables/{tt}/grid"))["clashes"] == []


def wait_done(c, tt, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        g = assert_ok(c.get(f"/api/v1/timetables/{tt}/grid"))
        if g["job_state"] not in ("queued", "running"):
            return g
        assert time.monotonic() < deadline, g["job_state"]
        time.sleep(0.2)


def test_repair_keeps_locked_lessons_and_removes_clashes(school, ueipab):
    c, imported = ueipab
    copy = assert_ok(c.post(f"/api/v1/timetables/{imported}/copy"), 201)
    tt = copy["id"]
    lessons = assert_ok(c.get(f"/api/v1/timetables/{tt}/grid"))["lessons"]
    # a clash written in place (as a bad import would): a lesson of C1 onto
    # another lesson's slot of the same section
    a, b = [l for l in lessons if l["section_id"] == lessons[0]["section_id"]
            and l["length"] == 2][:2]
    store_execute(school.school_store("real"),
                  "UPDATE timetable_lessons SET day = ?, period = ? WHERE id = ?",
                  (b["day"], b["period"], a["id"]))
    assert assert_ok(c.get(f"/api/v1/timetables/{tt}/grid"))["clashes"], "no clash to repair"
    locked = {l["id"]: (l["day"], l["period"]) for l in lessons[5:40:5] if l["id"] != a["id"]}
    for lid in locked:
        assert_ok(c.patch(f"/api/v1/timetables/{tt}/lessons/{lid}", json={"locked": True}))
    r = c.post(f"/api/v1/timetables/{tt}/repair", json={"time_limit": 5})
    body = assert_ok(r, 202)
    assert r.headers["Location"] == f"/api/v1/timetables/{tt}"
    assert body["job_state"] in ("queued", "running", "done"), body
    # while it runs, the draft is not edited by hand
    g = wait_done(c, tt)
    assert g["job_state"] == "done", g
    after = {l["id"]: (l["day"], l["period"]) for l in g["lessons"]}
    assert {lid: after[lid] for lid in locked} == locked, "repair moved a locked lesson"
    assert all(l["locked"] for l in g["lessons"] if l["id"] in locked)
    assert g["clashes"] == [], g["clashes"][:3]
    assert all(l["day"] for l in g["lessons"]), "repair left a lesson out"
    rows = assert_ok(c.get("/api/v1/audit", params={"entity": "timetable",
                                                    "action": "repair"}))["items"]
    assert rows and rows[0]["after"]["locked"] == len(locked), rows


def test_repair_refuses_what_is_not_an_idle_draft(school):
    tt, ls = make_timetable(school, status="active")
    d = director(school)
    assert_error(d.post("/api/v1/timetables/999999/repair", json={}), 404, "not_found")
    assert_error(d.post(f"/api/v1/timetables/{tt}/repair", json={}), 409, "timetable_not_draft")
    busy, _ = make_timetable(school, job_state="running")
    draft, _ = make_timetable(school)
    assert_error(d.post(f"/api/v1/timetables/{draft}/repair", json={}), 409, "timetable_busy")
    store_execute(school.store, "UPDATE timetables SET job_state = 'failed' WHERE id = ?", (busy,))
    assert_error(d.post(f"/api/v1/timetables/{draft}/repair", json={"time_limit": 0}), 422,
                 "invalid", field="time_limit")
