"""Bringing an existing timetable in (issue #15, part import;
school/timetable_import.c, cli/timetable_import.c): the UEIPAB folder
becomes a school's set-up and its own timetable a draft that an independent
clash check in this file finds clean; a re-import matches everything; a
dry run and a refused file write nothing; teachers already on the staff are
matched by name."""

import csv
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import assert_ok, cli, store_rows

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
    staff = rows(inst, code, "SELECT code, cedula, cargo FROM staff WHERE code = 'T01'")
    assert staff == [("T01", "Sin cédula (T01)", "Docente")]
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
def test_broken_folders_are_refused_in_spanish_and_write_nothing(school, tmp_path, case):
    inst, code, c = school
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
