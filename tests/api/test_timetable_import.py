"""Bringing an existing timetable in (issue #15, part import;
school/timetable_import.c, cli/timetable_import.c): the UEIPAB folder
becomes a school's set-up and its own timetable a draft that an independent
clash check in this file finds clean; a re-import matches everything; a
dry run and a refused file write nothing; teachers already on the staff are
matched by name."""

import csv
import io
import json
import zipfile
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import assert_error, assert_ok, cli, store_rows

REPO = Path(__file__).resolve().parents[2]
UEIPAB = REPO / "tests" / "data" / "ueipab-2025"

# what the import writes, counted to prove a refusal or a dry run wrote nothing
TABLES = ("sections", "subjects", "staff", "rooms", "bell_schedules", "bell_periods",
          "teaching_assignments", "study_plan", "timetables", "timetable_lessons")


@pytest.fixture(scope="module")
def server(module_instances):
    inst = module_instances("ttimport")
    inst.init()
    inst.start()
    return inst


_n = [0]


@pytest.fixture
def school(server):
    """A fresh school of the shared server and its director's client."""
    _n[0] += 1
    code = f"tti{_n[0]}"
    server.create_school(code, f"U.E. Horarios {_n[0]}")
    server.add_user(code, f"director@{code}.test", "school_admin")
    c = server.login(code, f"director@{code}.test")
    return server, code, c


@pytest.fixture(scope="module")
def quiet_school(server):
    """One school for the tests where nothing may be written (refusals)."""
    code = "ttiquiet"
    server.create_school(code, "U.E. Sin Cambios")
    server.add_user(code, f"director@{code}.test", "school_admin")
    return server, code, server.login(code, f"director@{code}.test")


def rows(inst, code, sql, params=()):
    return store_rows(inst.school_store(code), sql, params)


def counts(inst, code):
    return {t: rows(inst, code, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


def tt_import(inst, code, path, *extra):
    return cli("timetable", "import", "--data", inst.data, "--school", code, path, *extra)


def import_json(inst, code, path, *extra):
    res = tt_import(inst, code, path, "--json", *extra)
    assert res.rc == 0, res
    return json.loads(res.out)


def read_csv(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def check_no_clash(lessons, bells):
    """An independent check of a school's timetable: every lesson placed
    inside its day, no teacher and no section in two places at once, no
    block across a break. lessons: (section_id, staff_id, day, period,
    length); bells: the bell schedule's rows in order ('class'|'break')."""
    nclass = bells.count("class")
    # class period number -> whether a break follows it
    breaks_after, n = set(), 0
    for kind in bells:
        if kind == "class":
            n += 1
        elif n:
            breaks_after.add(n)
    busy = Counter()
    for section, staff, day, period, length in lessons:
        assert day is not None and period is not None, "unplaced lesson"
        assert 1 <= day <= 5 and 1 <= period and period + length - 1 <= nclass
        for p in range(period, period + length - 1):
            assert p not in breaks_after, f"block across a break: day {day} period {p}"
        for p in range(period, period + length):
            busy[("section", section, day, p)] += 1
            if staff is not None:
                busy[("teacher", staff, day, p)] += 1
    clashes = [k for k, v in busy.items() if v > 1]
    assert not clashes, f"clashes: {clashes[:5]}"


def test_ueipab_becomes_the_set_up_and_its_own_timetable_a_clean_draft(school):
    inst, code, c = school
    before = counts(inst, code)
    dry = import_json(inst, code, UEIPAB, "--dry-run")
    assert dry["dry_run"] is True and dry["committed"] is False
    assert counts(inst, code) == before, "a dry run wrote something"

    r = import_json(inst, code, UEIPAB)
    assert r["committed"] is True
    # the dry run said exactly what the commit did
    for k in ("sections", "subjects", "teachers", "assignments", "study_plan"):
        strip = (lambda g: {kk: [i["name"] for i in v] for kk, v in g.items()}
                 if isinstance(g.get("created"), list) else g)
        assert strip(dry[k]) == strip(r[k]), k
    names = sorted(s["name"] for s in r["sections"]["created"])
    assert names == ["1er Año Única", "2do Año Única", "3er Año A", "3er Año B",
                     "4to Año Única", "5to Año Única"], names
    assert len(r["subjects"]["created"]) == 15 and len(r["teachers"]["created"]) == 16
    assert r["assignments"] == {"created": 71, "matched": 0}
    assert r["bell_schedule"]["created"] is True
    t = r["timetable"]
    assert t["status"] == "draft" and t["lessons"] == 137 and t["placed"] == 137
    assert t["hard"] == 0

    # the bell schedule is the UEIPAB day: ten periods, breaks after 4 and 8
    bells = rows(inst, code, "SELECT kind, starts_at, ends_at FROM bell_periods"
                 " WHERE schedule_id = ? ORDER BY position", (r["bell_schedule"]["id"],))
    assert bells[0] == ("class", "07:00", "07:40") and bells[-1] == ("class", "13:40", "14:20")
    assert [b for b in bells if b[0] == "break"] == [("break", "09:40", "10:00"),
                                                     ("break", "12:40", "13:00")]
    # every section follows it and carries its code
    secs = rows(inst, code, "SELECT code, bell_schedule_id FROM sections ORDER BY code")
    assert secs == [(f"C{i}", r["bell_schedule"]["id"]) for i in range(1, 7)]

    # the draft is the school's own timetable, row for row
    lessons = rows(inst, code, """
        SELECT s.code, l.day, l.period, l.length, su.code, st.code, l.section_id, l.staff_id
        FROM timetable_lessons l JOIN sections s ON s.id = l.section_id
        JOIN subjects su ON su.id = l.subject_id LEFT JOIN staff st ON st.id = l.staff_id
        WHERE l.timetable_id = ?""", (t["id"],))
    want = Counter((x["section"], int(x["day"]), int(x["period"]), int(x["length"]),
                    x["subject"], x["teacher"]) for x in read_csv(UEIPAB / "solution.csv"))
    assert Counter(tuple(l[:6]) for l in lessons) == want
    check_no_clash([(l[6], l[7], l[1], l[2], l[3]) for l in lessons],
                   [b[0] for b in bells])
    tt = rows(inst, code, "SELECT status, source, cost_hard FROM timetables WHERE id = ?",
              (t["id"],))
    assert tt == [("draft", "imported", 0)]

    # teachers have no cédula in the file: a placeholder that says so
    staff = rows(inst, code, "SELECT code, cedula, cargo, id FROM staff WHERE code = 'T01'")
    assert [s[:3] for s in staff] == [("T01", "Sin cédula (T01)", "Docente")]
    # saving the record asks for a real one, then takes it
    sid = staff[0][3]
    assert_error(c.patch(f"/api/v1/staff/{sid}", json={"cedula": "Sin cédula (T01)"}),
                 422, "invalid", field="cedula")
    assert assert_ok(c.patch(f"/api/v1/staff/{sid}", json={
        "cedula": "V-20.111.222", "first_names": "Ana", "last_names": "Rojas"}))["cedula"] == "V20111222"
    # each teacher can teach what they teach
    assert rows(inst, code, "SELECT count(*) FROM staff_subjects")[0][0] >= 16

    # one audit row for the whole import, with its report
    audit = rows(inst, code, "SELECT action, entity, entity_id FROM audit_log"
                 " WHERE entity = 'timetable' AND action = 'import'")
    assert audit == [("import", "timetable", str(t["id"]))]


def test_reimport_matches_everything_and_adds_only_a_new_draft(school):
    inst, code, c = school
    import_json(inst, code, UEIPAB)
    first = counts(inst, code)
    again = import_json(inst, code, UEIPAB)
    assert not again["sections"]["created"] and len(again["sections"]["matched"]) == 6
    assert not again["teachers"]["created"] and not again["subjects"]["created"]
    assert again["assignments"] == {"created": 0, "matched": 71}
    assert again["bell_schedule"]["created"] is False
    after = counts(inst, code)
    assert after["timetables"] == first["timetables"] + 1
    assert after["timetable_lessons"] == first["timetable_lessons"] + 137
    for t in TABLES[:-2]:
        assert after[t] == first[t], t


def test_report_in_spanish_on_the_command_line(school):
    inst, code, c = school
    res = tt_import(inst, code, UEIPAB, "--dry-run")
    assert res.rc == 0, res
    for words in ["Simulación: no se guardó nada.", "Secciones: 6 nuevas",
                  "Docentes: 16 nuevos", "Horario de timbres:",
                  "Borrador «Importado de ueipab-2025»: 137 clases, 137 ubicadas"]:
        assert words in res.out, res
    res = tt_import(inst, code, UEIPAB, "--name", "Horario 2025-2026")
    assert res.rc == 0 and "Importación guardada." in res.out, res
    assert rows(inst, code, "SELECT name FROM timetables") == [("Horario 2025-2026",)]
    help_ = cli("timetable", "import", "--help")
    assert help_.rc == 0 and "--dry-run" in help_.out and "--school" in help_.out
    assert cli("timetable", "import", "--data", inst.data, UEIPAB).rc == 2
    res = tt_import(inst, "nadie", UEIPAB)
    assert res.rc == 1, res


def test_existing_teacher_is_matched_by_name_and_keeps_their_cedula(school, tmp_path):
    inst, code, c = school
    ana = assert_ok(c.post("/api/v1/staff", json={
        "cedula": "V-12345678", "first_names": "Ana María", "last_names": "Pérez Rojas",
        "cargo": "Docente"}), 201)
    folder = tmp_path / "ueipab"
    shutil.copytree(UEIPAB, folder)
    teachers = read_csv(folder / "teachers.csv")
    with open(folder / "teachers.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["teacher", "name"])
        for t in teachers:
            w.writerow([t["teacher"], "ana maria perez rojas" if t["teacher"] == "T01" else ""])
    r = import_json(inst, code, folder)
    matched = r["teachers"]["matched"]
    assert [(m["id"], m["code"]) for m in matched] == [(ana["id"], "T01")]
    assert len(r["teachers"]["created"]) == 15
    staff = assert_ok(c.get(f"/api/v1/staff/{ana['id']}"))
    assert staff["cedula"] == "V12345678" and staff["first_names"] == "Ana María"
    assert rows(inst, code, "SELECT code FROM staff WHERE id = ?", (ana["id"],)) == [("T01",)]
    # her lessons are hers
    n = rows(inst, code, "SELECT count(*) FROM timetable_lessons WHERE staff_id = ?",
             (ana["id"],))[0][0]
    want = sum(1 for x in read_csv(UEIPAB / "solution.csv") if x["teacher"] == "T01")
    assert n == want > 0


@pytest.mark.parametrize("case", ["unknown teacher", "section without a grade", "not a timetable"])
def test_broken_folders_are_refused_in_spanish_and_write_nothing(quiet_school, tmp_path, case):
    inst, code, c = quiet_school
    folder = tmp_path / "roto"
    shutil.copytree(UEIPAB, folder)
    if case == "unknown teacher":
        with open(folder / "lessons.csv", "a", encoding="utf-8") as f:
            f.write("C1,S01,T99,2,2\n")
        expect = "T99"
    elif case == "section without a grade":
        text = (folder / "sections.csv").read_text(encoding="utf-8")
        (folder / "sections.csv").write_text(text.replace("C6,5to año", "C6,Bachillerato"),
                                             encoding="utf-8")
        expect = "La sección «Bachillerato» no indica su grado"
    else:
        (folder / "lessons.csv").unlink()
        expect = "lessons.csv"
    before = counts(inst, code)
    res = tt_import(inst, code, folder)
    assert res.rc == 1, res
    assert expect in res.err, res
    assert counts(inst, code) == before


# ---- the page's upload: POST /api/v1/imports/timetable ----------------------

URL = "/api/v1/imports/timetable"
ISJ = REPO / "tests" / "data" / "fet" / "Horario_ISJ.fet"


def upload(c, data, mode="dry_run", **params):
    return c.post(URL, data=data, params={"mode": mode, **params},
                  content_type="application/octet-stream")


def zip_folder(folder, prefix="ueipab-2025/", skip=()):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(Path(folder).iterdir()):
            if f.name not in skip:
                z.write(f, prefix + f.name)
    return buf.getvalue()


def test_zip_of_the_csv_folder_uploads_like_the_command_line(school):
    inst, code, c = school
    data = zip_folder(UEIPAB)
    before = counts(inst, code)
    dry = assert_ok(upload(c, data, filename="ueipab-2025.zip"))
    assert dry["dry_run"] is True and dry["committed"] is False
    assert dry["timetable"]["lessons"] == 137 and dry["file"] == "ueipab-2025"
    assert counts(inst, code) == before
    r = assert_ok(upload(c, data, "commit", filename="ueipab-2025.zip"))
    assert r["committed"] is True and r["timetable"]["placed"] == 137
    assert r["timetable"]["name"] == "Importado de ueipab-2025"
    assert len(r["sections"]["created"]) == 6
    tid = r["timetable"]["id"]
    assert rows(inst, code, "SELECT status, source FROM timetables WHERE id = ?",
                (tid,)) == [("draft", "imported")]
    # the audit log names the director and the import
    audit = rows(inst, code, "SELECT actor, action FROM audit_log WHERE entity = 'timetable'")
    assert audit == [(f"director@{code}.test", "import")]


def test_fet_example_becomes_a_school_set_up(school):
    inst, code, c = school
    r = assert_ok(upload(c, ISJ.read_bytes(), "commit", filename="Horario_ISJ.fet"))
    assert r["source"] == "fet" and r["timetable"] is None
    names = [s["name"] for s in r["sections"]["created"]]
    assert names == ["1er Año A", "1er Año B", "2do Año A", "2do Año B", "3er Año A", "3er Año B"]
    assert len(r["teachers"]["created"]) == 17 and len(r["subjects"]["created"]) == 15
    assert len(r["rooms"]["created"]) == 6
    # a teacher's name in two halves, with the placeholder cédula
    staff = rows(inst, code, "SELECT first_names, last_names, cedula FROM staff"
                 " WHERE code = 'Ana María Lezcano'")
    assert staff == [("Ana", "María Lezcano", "Sin cédula (Ana María Lezcano)")] or \
        staff == [("Ana María", "Lezcano", "Sin cédula (Ana María Lezcano)")]
    # the hours' names carry the times: 1º 07:30-08:10 ... 7º 11:55-12:35
    bells = rows(inst, code, "SELECT kind, starts_at, ends_at FROM bell_periods"
                 " WHERE schedule_id = ? ORDER BY position", (r["bell_schedule"]["id"],))
    assert bells[0] == ("class", "07:30", "08:10") and bells[-1] == ("class", "11:55", "12:35")
    assert len(bells) == 7
    # the subjects got codes from their names; every lesson is an assignment
    assert rows(inst, code, "SELECT code FROM subjects WHERE name = 'Matemática'") == [("MATEMATI",)]
    total = rows(inst, code, "SELECT sum(periods_per_week) FROM teaching_assignments")[0][0]
    assert total == 204
    # the home rooms of the sections
    assert rows(inst, code, "SELECT count(*) FROM sections WHERE room_id IS NOT NULL")[0][0] == 6


def test_fet_file_with_locked_activities_becomes_a_clean_draft(school, tmp_path):
    inst, code, c = school
    locked = tmp_path / "isj_horario.fet"
    res = cli("timetable", "solve", ISJ, "--seed", "3", "--stop-at-feasible",
              "--time-limit", "20", "--quiet", "--out", locked, raw=True)
    assert res.rc == 0 and "Costo: 0 violaciones duras" in res.out, res
    r = assert_ok(upload(c, locked.read_bytes(), "commit", filename=locked.name))
    t = r["timetable"]
    assert t["lessons"] == 116 and t["placed"] == 116 and t["locked"] == 116
    assert t["hard"] == 0 and t["name"] == "Importado de isj_horario"
    lessons = rows(inst, code, "SELECT section_id, staff_id, day, period, length"
                   " FROM timetable_lessons WHERE timetable_id = ?", (t["id"],))
    bells = rows(inst, code, "SELECT kind FROM bell_periods WHERE schedule_id = ?"
                 " ORDER BY position", (r["bell_schedule"]["id"],))
    check_no_clash(lessons, [b[0] for b in bells])
    assert sum(l[4] for l in lessons) == 204


def _refused(case, tmp_path):
    if case == "not a timetable":
        return b"\x89PNG\r\n\x1a\n" + bytes(200), "no es un horario"
    if case == "zip without lessons.csv":
        return zip_folder(UEIPAB, skip=("lessons.csv",)), "no tiene lessons.csv"
    if case == "broken csv in the zip":
        folder = tmp_path / "roto"
        shutil.copytree(UEIPAB, folder)
        text = (folder / "solution.csv").read_text(encoding="utf-8")
        (folder / "solution.csv").write_text(text + "C1,9,1,2,S12,T01\n", encoding="utf-8")
        return zip_folder(folder), "solution.csv"
    if case == "broken fet":
        return ISJ.read_bytes()[:5000], "FET"
    if case == "damaged zip":
        return zip_folder(UEIPAB)[:300], ".zip"
    raise AssertionError(case)


@pytest.mark.parametrize("case", ["not a timetable", "zip without lessons.csv",
                                  "broken csv in the zip", "broken fet", "damaged zip"])
def test_refused_uploads_say_why_in_spanish_and_write_nothing(quiet_school, tmp_path, case):
    inst, code, c = quiet_school
    data, words = _refused(case, tmp_path)
    before = counts(inst, code)
    err = assert_error(upload(c, data, "commit"), 422, "invalid_file")
    assert words.lower() in err["message"].lower(), err
    assert err["problems"], err
    assert counts(inst, code) == before


def test_upload_parameters_and_permissions(quiet_school):
    inst, code, c = quiet_school
    assert_error(upload(c, b""), 422, "invalid_file")
    assert_error(upload(c, zip_folder(UEIPAB), "guardar"), 422, "invalid", field="mode")
    inst.add_user(code, f"docente@{code}.test", "teacher")
    t = inst.login(code, f"docente@{code}.test")
    before = counts(inst, code)
    assert_error(upload(t, zip_folder(UEIPAB), "commit"), 403, "forbidden")
    assert counts(inst, code) == before


# ---- the demo: init --demo --------------------------------------------------

def test_demo_school_has_the_ueipab_week_as_its_active_timetable(instances):
    inst = instances("ttdemo")
    out = inst.init("--demo").out
    assert "Demo school timetable: 137 lessons in 6 sections" in out, out
    code = "demo"
    # the school's own week imported as a draft, and an active timetable
    # generated from that set-up (part generate; the imported one is
    # activated instead only if the engine found none without clashes)
    tts = rows(inst, code, "SELECT id, status, source, cost_hard FROM timetables ORDER BY id")
    assert ("imported", 0) in [t[2:] for t in tts], tts
    tt = [t for t in tts if t[1] == "active"]
    assert len(tt) == 1 and tt[0][2] in ("generated", "imported") and tt[0][3] == 0, tts
    assert len(tts) == 2 or tt[0][2] == "imported", tts
    # the six groups are the demo's Media General sections, with students in them
    secs = rows(inst, code, """
        SELECT s.code, g.name, s.letter, (SELECT count(*) FROM students st WHERE st.section_id = s.id)
        FROM sections s JOIN grades g ON g.id = s.grade_id WHERE s.code IS NOT NULL ORDER BY s.code""")
    assert [r[:3] for r in secs] == [
        ("C1", "1er Año", "A"), ("C2", "2do Año", "A"), ("C3", "3er Año", "A"),
        ("C4", "3er Año", "B"), ("C5", "4to Año", "A"), ("C6", "5to Año", "A")], secs
    assert all(r[3] > 0 for r in secs), secs
    # every teacher of the week is a person with a real-looking cédula
    staff = rows(inst, code, "SELECT cedula, first_names FROM staff WHERE code IS NOT NULL")
    assert len(staff) == 16 and not [s for s in staff if s[0].startswith("Sin")], staff
    assert ("V15222333", "Jesús Rafael") in staff     # the demo's own math teacher
    lessons = rows(inst, code, "SELECT section_id, staff_id, day, period, length"
                   " FROM timetable_lessons WHERE timetable_id = ?", (tt[0][0],))
    assert len(lessons) == 137 and sum(l[4] for l in lessons) == 268
    bells = rows(inst, code, "SELECT kind FROM bell_periods ORDER BY position")
    check_no_clash(lessons, [b[0] for b in bells])


def test_a_fet_file_in_a_zip_is_read_as_fet(quiet_school):
    inst, code, c = quiet_school
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("LEEME.txt", "horario del colegio")
        z.write(ISJ, "horarios/Horario_ISJ.fet")
    before = counts(inst, code)
    r = assert_ok(upload(c, buf.getvalue(), filename="isj.zip"))
    assert r["source"] == "fet" and r["file"] == "isj" and len(r["teachers"]["created"]) == 17
    assert counts(inst, code) == before


def _hand_fet():
    """A small FET file: two days of four hours, the third a break
    (RECREO) every day; two sections of 1er año; two activities locked in
    place, one left free."""
    def act(i, teacher, subject, students, duration):
        return (f"<Activity><Teacher>{teacher}</Teacher><Subject>{subject}</Subject>"
                f"<Students>{students}</Students><Duration>{duration}</Duration>"
                f"<Total_Duration>{duration}</Total_Duration><Id>{i}</Id>"
                f"<Activity_Group_Id>0</Activity_Group_Id><Active>true</Active></Activity>")

    def lock(i, day, hour):
        return ("<ConstraintActivityPreferredStartingTime><Weight_Percentage>100</Weight_Percentage>"
                f"<Activity_Id>{i}</Activity_Id><Preferred_Day>{day}</Preferred_Day>"
                f"<Preferred_Hour>{hour}</Preferred_Hour><Permanently_Locked>true</Permanently_Locked>"
                "<Active>true</Active></ConstraintActivityPreferredStartingTime>")
    hours = ["1ª 07:00-07:45", "2ª 07:45-08:30", "RECREO 08:30-09:00", "3ª 09:00-09:45"]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<fet version="5.41.0">\n'
            "<Days_List><Number_of_Days>2</Number_of_Days><Day><Name>Lunes</Name></Day>"
            "<Day><Name>Martes</Name></Day></Days_List>\n"
            "<Hours_List><Number_of_Hours>4</Number_of_Hours>"
            + "".join(f"<Hour><Name>{h}</Name></Hour>" for h in hours) + "</Hours_List>\n"
            "<Subjects_List><Subject><Name>Matemática</Name></Subject>"
            "<Subject><Name>Historia</Name></Subject></Subjects_List>\n"
            "<Teachers_List><Teacher><Name>Ana Pérez</Name></Teacher>"
            "<Teacher><Name>Luis Rojas</Name></Teacher></Teachers_List>\n"
            "<Students_List><Year><Name>1er año</Name>"
            "<Group><Name>1er año A</Name></Group><Group><Name>1er año B</Name></Group>"
            "</Year></Students_List>\n"
            "<Activities_List>"
            + act(1, "Ana Pérez", "Matemática", "1er año A", 2)
            + act(2, "Luis Rojas", "Historia", "1er año B", 1)
            + act(3, "Ana Pérez", "Matemática", "1er año B", 1)
            + "</Activities_List>\n<Rooms_List></Rooms_List>\n<Time_Constraints_List>"
            "<ConstraintBasicCompulsoryTime><Weight_Percentage>100</Weight_Percentage>"
            "<Active>true</Active></ConstraintBasicCompulsoryTime>"
            "<ConstraintBreakTimes><Weight_Percentage>100</Weight_Percentage>"
            "<Break_Time><Day>Lunes</Day><Hour>RECREO 08:30-09:00</Hour></Break_Time>"
            "<Break_Time><Day>Martes</Day><Hour>RECREO 08:30-09:00</Hour></Break_Time>"
            "<Active>true</Active></ConstraintBreakTimes>"
            + lock(1, "Lunes", "1ª 07:00-07:45") + lock(2, "Martes", "3ª 09:00-09:45")
            + "</Time_Constraints_List>\n<Space_Constraints_List>"
            "<ConstraintBasicCompulsorySpace><Weight_Percentage>100</Weight_Percentage>"
            "</ConstraintBasicCompulsorySpace></Space_Constraints_List>\n</fet>\n").encode()


def test_fet_break_times_and_locked_activities(school):
    inst, code, c = school
    r = assert_ok(upload(c, _hand_fet(), "commit", filename="pequeño.fet"))
    assert [s["name"] for s in r["sections"]["created"]] == ["1er Año A", "1er Año B"]
    t = r["timetable"]
    assert t["lessons"] == 3 and t["placed"] == 2 and t["locked"] == 2, t
    assert any("sin ubicar" in w for w in r["warnings"]), r["warnings"]
    bells = rows(inst, code, "SELECT kind, starts_at, ends_at FROM bell_periods"
                 " WHERE schedule_id = ? ORDER BY position", (r["bell_schedule"]["id"],))
    assert bells == [("class", "07:00", "07:45"), ("class", "07:45", "08:30"),
                     ("break", "08:30", "09:00"), ("class", "09:00", "09:45")]
    placed = rows(inst, code, """
        SELECT su.name, g.name || ' ' || s.letter, l.day, l.period, l.length, l.locked
        FROM timetable_lessons l JOIN subjects su ON su.id = l.subject_id
        JOIN sections s ON s.id = l.section_id JOIN grades g ON g.id = s.grade_id
        WHERE l.timetable_id = ? ORDER BY su.name, s.letter""", (t["id"],))
    # the 4th hour after the break is class period 3
    assert placed == [("Historia", "1er Año B", 2, 3, 1, 1),
                      ("Matemática", "1er Año A", 1, 1, 2, 1),
                      ("Matemática", "1er Año B", None, None, 1, 0)], placed


def test_activate_makes_it_the_active_one_and_archives_the_last(school, tmp_path):
    inst, code, c = school
    first = import_json(inst, code, UEIPAB, "--activate")["timetable"]
    assert first["status"] == "active"
    second = import_json(inst, code, UEIPAB, "--activate")["timetable"]
    assert rows(inst, code, "SELECT id, status FROM timetables ORDER BY id") == [
        (first["id"], "archived"), (second["id"], "active")]
    # a timetable with a clash is not activated
    folder = tmp_path / "choque"
    shutil.copytree(UEIPAB, folder)
    sol = read_csv(folder / "solution.csv")
    a = next(x for x in sol if x["section"] == "C1" and x["day"] == "1" and x["period"] == "1")
    b = next(x for x in sol if x["section"] == "C1" and x["day"] == "1" and x["period"] == "3")
    b["period"] = "1"                      # two lessons of 1er año at once
    with open(folder / "solution.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(sol[0].keys()))
        w.writeheader()
        w.writerows(sol)
    assert a is not b
    third = import_json(inst, code, folder, "--activate")
    assert third["timetable"]["status"] == "draft" and third["timetable"]["hard"] > 0
    assert any("choques" in w for w in third["warnings"])
    assert rows(inst, code, "SELECT id FROM timetables WHERE status = 'active'") == [(second["id"],)]


def test_the_ueipab_template_of_the_set_up_is_reused(school):
    inst, code, c = school
    bell = assert_ok(c.post("/api/v1/bell-schedules", json={"template": "ueipab"}), 201)
    r = import_json(inst, code, UEIPAB)
    assert r["bell_schedule"] == {"id": bell["id"], "name": bell["name"], "created": False}
    assert rows(inst, code, "SELECT count(*) FROM bell_schedules")[0][0] == 1
    # and the set-up API sees every section on it
    sections = assert_ok(c.get("/api/v1/sections"))["items"]
    assert {s.get("bell_schedule_id") for s in sections} == {bell["id"]}, sections
