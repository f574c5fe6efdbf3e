"""A timetable going out (issue #15, part exports: h_tt_exports.c,
h_calendar_feeds.c, h_tt_reports.c; src/school/tt_export*.c,
calendar_feeds.c, tt_reports.c): the PDF (read back with pdftotext), the
HORARIO .xlsx (openpyxl), the CSV, the iCalendar feeds (parsed here), the
carga horaria and teacher satisfaction (recomputed here from the same
data), and the satisfaction figure the platform records.

The school's timetable is written straight into its store with SQL (only
tests may), so these tests do not wait for the set-up, generation or
import parts; one server serves the whole module."""

import csv
import datetime as dt
import io
import re
import subprocess
from urllib.parse import urlparse

import openpyxl
import pytest

from conftest import assert_error, assert_ok
from support.cli import cli_ok
from support.records_sql import NOW, RecordsSQL
from support.stores import store_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The bell schedule: four periods, a break, two periods (40 minutes each).
BELLS = [("class", "07:00", "07:40"), ("class", "07:40", "08:20"),
         ("class", "08:20", "09:00"), ("class", "09:00", "09:40"),
         ("break", "09:40", "10:00"),
         ("class", "10:00", "10:40"), ("class", "10:40", "11:20")]
LAPSOS = [("2025-09-15", "2025-12-12"), ("2026-01-07", "2026-03-27"),
          ("2026-04-06", "2026-07-15")]
# (section, subject, teacher, room, day, period, length); day None: not placed
LESSONS = [("A", "MAT", "ana", "Aula 1", 1, 1, 2),
           ("A", "CAS", "luis", None, 1, 3, 2),
           ("A", "BIO", "ana", "Laboratorio", 2, 5, 2),
           ("A", "MAT", "ana", None, 3, 4, 1),
           ("B", "CAS", "luis", "Aula 1", 1, 1, 2),
           ("B", "MAT", "ana", None, 4, 1, 2),
           ("B", "BIO", "luis", None, None, None, 2)]
# approved preferences: (teacher, kind, day, period, subject, room, level)
PREFS = [("ana", "time", 1, 1, None, None, "avoid"),
         ("ana", "day", 2, None, None, None, "prefer"),
         ("ana", "subject", None, None, "BIO", None, "like"),
         ("ana", "room", None, None, None, "Laboratorio", "dislike"),
         ("ana", "day", 3, None, None, None, "neutral"),
         ("luis", "day", 5, None, None, None, "avoid"),
         ("luis", "time", 1, 2, None, None, "prefer")]
WEIGHTS = {"time": 40, "day": 30, "subject": 20, "room": 10}


def seed(store):
    ids = {}
    with RecordsSQL(store) as db:
        year = db.year("2025-2026", "2025-09-15", "2026-07-15", current=True)
        for n, (a, b) in enumerate(LAPSOS, 1):
            db.insert("lapsos", year_id=year, number=n, starts_on=a, ends_on=b)
        bell = db.insert("bell_schedules", name="Media General", days=31, created_at=NOW,
                         updated_at=NOW)
        for pos, (kind, a, b) in enumerate(BELLS, 1):
            db.insert("bell_periods", schedule_id=bell, position=pos, kind=kind, starts_at=a,
                      ends_at=b)
        g = db.grade("media_general", 1, "1er Año")
        sec = {}
        for letter, code in (("A", "C1"), ("B", None)):
            sec[letter] = db.section(year, g, letter)
            _run(db, "UPDATE sections SET bell_schedule_id = ?, code = ? WHERE id = ?",
                 (bell, code, sec[letter]))
        subj = {}
        for code, name in (("MAT", "Matemática"), ("CAS", "Castellano y Literatura"),
                           ("BIO", "Biología")):
            subj[code] = db.insert("subjects", name=name, code=code, level="media_general",
                                   created_at=NOW, updated_at=NOW)
        rooms = {n: db.insert("rooms", name=n, kind=k, created_at=NOW, updated_at=NOW)
                 for n, k in (("Aula 1", "aula"), ("Laboratorio", "laboratorio"))}
        teacher_user = store_user_id(store, "docente@norte.test")
        staff = {}
        for key, ced, first, last, code, mx, user in (
                ("ana", "V10000001", "Ana", "Pérez", "T01", 4, teacher_user),
                ("luis", "V10000002", "Luis", "Gómez", None, 0, None),
                ("carla", "V10000003", "Carla", "Ruiz", "T03", 20, None)):
            staff[key] = db.insert("staff", cedula=ced, first_names=first, last_names=last,
                                   code=code, max_weekly_periods=mx, user_id=user,
                                   created_at=NOW, updated_at=NOW)
        tt = db.insert("timetables", name="Horario 2025-2026", status="active", year_id=year,
                       source="imported", created_at=NOW, updated_at=NOW, activated_at=NOW)
        draft = db.insert("timetables", name="Borrador", status="draft", year_id=year,
                          created_at=NOW, updated_at=NOW)
        for s, sub, t, room, day, period, length in LESSONS:
            db.insert("timetable_lessons", timetable_id=tt, section_id=sec[s],
                      subject_id=subj[sub], staff_id=staff[t],
                      room_id=rooms[room] if room else None, day=day, period=period,
                      length=length)
        # the draft: one lesson of Carla's, so reports can tell timetables apart
        db.insert("timetable_lessons", timetable_id=draft, section_id=sec["A"],
                  subject_id=subj["MAT"], staff_id=staff["carla"], day=5, period=1, length=2)
        for t, kind, day, period, sub, room, level in PREFS:
            db.insert("teacher_preferences", staff_id=staff[t], kind=kind, day=day,
                      period=period, subject_id=subj[sub] if sub else None,
                      room_id=rooms[room] if room else None, level=level, status="approved",
                      created_at=NOW, updated_at=NOW)
        # neither a pending nor a rejected preference counts
        for status in ("pending", "rejected"):
            db.insert("teacher_preferences", staff_id=staff["ana"], kind="day", day=4,
                      level="avoid", status=status, created_at=NOW, updated_at=NOW)
    ids.update(year=year, tt=tt, draft=draft, sections=sec, staff=staff, subjects=subj,
               rooms=rooms)
    return ids


def _run(db, sql, params):
    if db.con is not None:
        db.con.execute(sql, params)
    else:
        db.store.rows(sql, params)


def store_user_id(store, email):
    return store_rows(store, "SELECT id FROM users WHERE email = ?", (email,))[0][0]


@pytest.fixture(scope="module")
def school(module_instances):
    inst = module_instances("ttexports")
    inst.init()
    inst.create_school("norte", "U.E. Colegio del Norte")
    inst.create_school("sur", "Liceo del Sur")
    inst.add_user("norte", "directora@norte.test", "school_admin")
    inst.add_user("norte", "docente@norte.test", "teacher")
    inst.add_user("norte", "otro@norte.test", "teacher")
    inst.add_user("sur", "director@sur.test", "school_admin")
    ids = seed(inst.school_store("norte"))
    inst.start()
    director = inst.login("norte", "directora@norte.test")
    return inst, director, ids


def pdf_text(content):
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content,
                         capture_output=True, check=True)
    return out.stdout.decode("utf-8")


# ---- files ------------------------------------------------------------------

def test_csv_has_solution_columns_plus_room_named_by_code_or_name(school):
    inst, director, ids = school
    r = director.get(f"/api/v1/timetables/{ids['tt']}/export?format=csv")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv"), r.text
    assert re.search(rf'filename="horario-norte-{ids["tt"]}-\d{{4}}-\d{{2}}-\d{{2}}\.csv"',
                     r.headers["Content-Disposition"])
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8"))))
    assert rows[0] == ["section", "day", "period", "length", "subject", "teacher", "room"]
    # placed lessons only, by section, day, period; a section or teacher
    # without an imported code is named by its name
    assert rows[1:] == [
        ["C1", "1", "1", "2", "MAT", "T01", "Aula 1"],
        ["C1", "1", "3", "2", "CAS", "Luis Gómez", ""],
        ["C1", "2", "5", "2", "BIO", "T01", "Laboratorio"],
        ["C1", "3", "4", "1", "MAT", "T01", ""],
        ["1er Año B", "1", "1", "2", "CAS", "Luis Gómez", "Aula 1"],
        ["1er Año B", "4", "1", "2", "MAT", "T01", ""]], rows


def test_xlsx_is_the_horario_grid_with_receso_rows(school):
    inst, director, ids = school
    r = director.get(f"/api/v1/timetables/{ids['tt']}/export?format=xlsx")
    assert r.status_code == 200 and r.headers["Content-Type"] == XLSX, r.text[:300]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["1er Año A", "1er Año B"]
    ws = wb["1er Año A"]
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "U.E. Colegio del Norte"
    assert rows[1][0] == "HORARIO — 1er Año A"
    assert rows[2][0].startswith("Año escolar 2025-2026 · Horario 2025-2026 · generado el")
    assert rows[4] == ["HORA", "LUNES", "MARTES", "MIÉRCOLES", "JUEVES", "VIERNES"]
    grid = rows[5:12]
    assert [g[0] for g in grid] == ["07:00 - 07:40", "07:40 - 08:20", "08:20 - 09:00",
                                    "09:00 - 09:40", "09:40 - 10:00", "10:00 - 10:40",
                                    "10:40 - 11:20"]
    assert grid[0][1] == "MATEMÁTICA\nAna Pérez\n(Aula 1)"
    assert grid[2][1] == "CASTELLANO Y LITERATURA\nLuis Gómez", "no room: no third line"
    assert grid[5][2] == "BIOLOGÍA\nAna Pérez\n(Laboratorio)"
    assert grid[3][3] == "MATEMÁTICA\nAna Pérez"
    assert grid[4][1] == "RECESO", "the break is a RECESO row"
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert "B6:B7" in merged, "a double period is one cell over its two rows"
    assert "C11:C12" in merged and "B10:F10" in merged, merged
    assert grid[0][2] is None and grid[1][1] is None


def test_xlsx_by_teacher_has_a_sheet_per_teacher_with_their_sections(school):
    inst, director, ids = school
    r = director.get(f"/api/v1/timetables/{ids['tt']}/export?format=xlsx&by=teacher")
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Ana Pérez", "Luis Gómez"]
    rows = [list(row) for row in wb["Ana Pérez"].iter_rows(values_only=True)]
    assert rows[1][0] == "HORARIO — Prof. Ana Pérez"
    assert rows[5][1] == "MATEMÁTICA\n1er Año A\n(Aula 1)"
    assert rows[5][4] == "MATEMÁTICA\n1er Año B"


def test_pdf_has_a_page_per_section_with_the_grid(school):
    inst, director, ids = school
    r = director.get(f"/api/v1/timetables/{ids['tt']}/export?format=pdf")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    pages = pdf_text(r.content).split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) == 2, pages
    a, b = pages
    assert "U.E. Colegio del Norte" in a and "Horario de 1er Año A" in a
    assert "Año escolar 2025-2026" in a and "Página 1 de 2" in a
    for word in ("LUNES", "VIERNES", "RECESO", "MATEMÁTICA", "Ana Pérez", "(Aula 1)",
                 "BIOLOGÍA", "(Laboratorio)", "07:00 - 07:40"):
        assert word in a, (word, a)
    assert "Horario de 1er Año B" in b and "Página 2 de 2" in b
    assert "(Laboratorio)" not in b


def test_pdf_by_teacher_and_the_active_alias(school):
    inst, director, ids = school
    r = director.get("/api/v1/timetables/active/export?format=pdf&by=teacher")
    assert r.status_code == 200, r.text
    pages = [p for p in pdf_text(r.content).split("\f") if p.strip()]
    assert ["Horario de prof. Ana Pérez" in pages[0], "Horario de prof. Luis Gómez" in pages[1]] \
        == [True, True], pages
    assert "1er Año B" in pages[0] and "CASTELLANO Y LITERATURA" in pages[1]


def test_export_refuses_a_bad_format_and_an_unknown_timetable(school):
    inst, director, ids = school
    err = assert_error(director.get(f"/api/v1/timetables/{ids['tt']}/export?format=doc&by=x"),
                       422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"format", "by"}
    assert_error(director.get("/api/v1/timetables/99999/export?format=csv"), 404, "not_found")
    assert_error(director.get("/api/v1/timetables/abc/export?format=csv"), 404, "not_found")
    other = inst.login("sur", "director@sur.test")
    assert_error(other.get(f"/api/v1/timetables/{ids['tt']}/export?format=csv"), 404)
    assert_error(other.get("/api/v1/timetables/active/export"), 404)
    teacher = inst.login("norte", "docente@norte.test")
    assert_error(teacher.get(f"/api/v1/timetables/{ids['tt']}/export"), 403)


# ---- calendar feeds ---------------------------------------------------------

def unfold(text):
    assert "\r\n" in text
    return text.replace("\r\n ", "").split("\r\n")


def parse_ics(text):
    """The VEVENTs as dicts (property name with parameters -> value)."""
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR", lines[-3:]
    events, cur, cal = [], None, {}
    for line in lines:
        if line == "BEGIN:VEVENT":
            cur = {}
        elif line == "END:VEVENT":
            events.append(cur)
            cur = None
        elif ":" in line:
            k, _, v = line.partition(":")
            (cur if cur is not None else cal)[k] = v
    return cal, events


def ics_path(url):
    u = urlparse(url)
    assert re.fullmatch(r"/ical/bis_c_[0-9a-f]{48}\.ics", u.path), url
    assert u.hostname.startswith("bischeduler-norte."), url
    return u.path


def expected_events(teacher):
    """Each placed lesson of `teacher`, once per lapso: its first date, the
    times of its first and last period, and the lapso's last day."""
    starts = [b for b in BELLS if b[0] == "class"]
    out = set()
    for s, sub, t, room, day, period, length in LESSONS:
        if t != teacher or day is None:
            continue
        for a, b in LAPSOS:
            first = dt.date.fromisoformat(a)
            first += dt.timedelta(days=(day - first.isoweekday()) % 7)
            end = dt.date.fromisoformat(b)
            # the end of the last day in Caracas (UTC-4), in UTC
            until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time()) \
                + dt.timedelta(hours=4) - dt.timedelta(seconds=1)
            out.add((f"{first:%Y%m%d}T{starts[period - 1][1].replace(':', '')}00",
                     f"{first:%Y%m%d}T{starts[period + length - 2][2].replace(':', '')}00",
                     f"FREQ=WEEKLY;UNTIL={until:%Y%m%dT%H%M%S}Z", sub, room))
    return out


def test_teacher_feed_is_a_weekly_recurring_calendar_per_lapso(school):
    inst, director, ids = school
    feed = assert_ok(director.post("/api/v1/calendar-feeds",
                                   json={"kind": "teacher", "target_id": ids["staff"]["ana"]}),
                     201)
    assert feed["target"] == "Ana Pérez" and feed["kind"] == "teacher"
    path = ics_path(feed["url"])
    r = inst.client("norte").get(path)          # no session: the URL is the key
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/calendar")
    cal, events = parse_ics(r.text)
    assert cal["X-WR-TIMEZONE"] == "America/Caracas" and cal["TZOFFSETTO"] == "-0400"
    names = {"MAT": "Matemática", "CAS": "Castellano y Literatura", "BIO": "Biología"}
    got = set()
    for e in events:
        subject = e["SUMMARY"].split(" (")[0]
        sub = next(k for k, v in names.items() if v == subject)
        got.add((e["DTSTART;TZID=America/Caracas"], e["DTEND;TZID=America/Caracas"],
                 e["RRULE"], sub, e.get("LOCATION")))
    assert got == expected_events("ana")
    assert len(events) == 4 * 3 and len({e["UID"] for e in events}) == 12
    assert any("Sección: 1er Año A" in e["DESCRIPTION"] for e in events)
    # the list shows the feed, never its token
    listed = assert_ok(director.get("/api/v1/calendar-feeds"))["items"]
    assert any(f["id"] == feed["id"] for f in listed)
    assert "bis_c_" not in director.get("/api/v1/calendar-feeds").text


def test_section_feed_and_revoked_feed_answers_404(school):
    inst, director, ids = school
    feed = assert_ok(director.post("/api/v1/calendar-feeds",
                                   json={"kind": "section",
                                         "target_id": ids["sections"]["B"]}), 201)
    path = ics_path(feed["url"])
    anon = inst.client("norte")
    cal, events = parse_ics(anon.get(path).text)
    assert cal["X-WR-CALNAME"].startswith("Horario de 1er Año B")
    # the unplaced lesson has no event; two placed lessons, three lapsos
    assert sorted({e["SUMMARY"] for e in events}) == [
        "Castellano y Literatura (Luis Gómez)", "Matemática (Ana Pérez)"]
    assert len(events) == 6
    assert_ok(director.delete(f"/api/v1/calendar-feeds/{feed['id']}"))
    assert_error(anon.get(path), 404, "not_found")
    assert_error(director.delete(f"/api/v1/calendar-feeds/{feed['id']}"), 404)
    assert_error(anon.get("/ical/bis_c_" + "0" * 48 + ".ics"), 404)
    assert_error(anon.get(path.replace(".ics", "")), 404)
    audit = assert_ok(director.get("/api/v1/audit?entity=calendar_feed"))["items"]
    assert {a["action"] for a in audit} >= {"create", "revoke"}


def test_a_teacher_subscribes_to_their_own_week_only(school):
    inst, director, ids = school
    teacher = inst.login("norte", "docente@norte.test")
    mine = assert_ok(teacher.post("/api/v1/calendar-feeds", json={"kind": "teacher"}), 201)
    assert mine["target_id"] == ids["staff"]["ana"]
    assert_error(teacher.post("/api/v1/calendar-feeds",
                              json={"kind": "teacher", "target_id": ids["staff"]["luis"]}), 404)
    assert_error(teacher.post("/api/v1/calendar-feeds",
                              json={"kind": "section", "target_id": ids["sections"]["A"]}), 404)
    listed = assert_ok(teacher.get("/api/v1/calendar-feeds"))["items"]
    assert listed and all(f["target_id"] == ids["staff"]["ana"] and f["kind"] == "teacher"
                          for f in listed)
    # a teacher without a staff record has no week to subscribe to
    other = inst.login("norte", "otro@norte.test")
    assert_error(other.post("/api/v1/calendar-feeds", json={"kind": "teacher"}), 404)
    assert assert_ok(other.get("/api/v1/calendar-feeds"))["items"] == []
    assert_error(other.delete(f"/api/v1/calendar-feeds/{mine['id']}"), 404)
    assert_ok(teacher.delete(f"/api/v1/calendar-feeds/{mine['id']}"))
    err = assert_error(director.post("/api/v1/calendar-feeds", json={"kind": "aula"}), 422)
    assert err["field"] == "kind"


# ---- reports ----------------------------------------------------------------

def test_carga_horaria_counts_periods_per_subject_against_the_maximum(school):
    inst, director, ids = school
    rep = assert_ok(director.get("/api/v1/reports/teaching-load"))
    assert rep["timetable"]["id"] == ids["tt"]
    by = {t["teacher"]: t for t in rep["teachers"]}
    assert list(by) == ["Luis Gómez", "Ana Pérez", "Carla Ruiz"], "by last names"
    ana, luis, carla = by["Ana Pérez"], by["Luis Gómez"], by["Carla Ruiz"]
    assert {s["code"]: s["periods"] for s in ana["subjects"]} == {"MAT": 5, "BIO": 2}
    assert ana["total"] == 7 and ana["max_weekly_periods"] == 4 and ana["over"] is True
    assert {s["code"]: s["periods"] for s in luis["subjects"]} == {"CAS": 4, "BIO": 2}
    assert luis["total"] == 6 and luis["unplaced"] == 2 and luis["over"] is False
    assert carla["total"] == 0 and carla["subjects"] == []
    # another timetable by id
    draft = assert_ok(director.get(f"/api/v1/reports/teaching-load?timetable_id={ids['draft']}"))
    assert {t["teacher"]: t["total"] for t in draft["teachers"]}["Carla Ruiz"] == 2
    r = director.get("/api/v1/reports/teaching-load?format=csv")
    assert r.status_code == 200 and "carga-horaria-norte-" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8"))))
    assert {(x["docente"], x["materia"], x["horas"], x["total_docente"], x["maximo"],
             x["excede"]) for x in rows} == {
        ("Luis Gómez", "Castellano y Literatura", "4", "6", "", "no"),
        ("Luis Gómez", "Biología", "2", "6", "", "no"),
        ("Ana Pérez", "Matemática", "5", "7", "4", "sí"),
        ("Ana Pérez", "Biología", "2", "7", "4", "sí"),
        ("Carla Ruiz", "", "0", "0", "20", "no")}
    assert_error(director.get("/api/v1/reports/teaching-load?timetable_id=x"), 422)
    assert_error(director.get("/api/v1/reports/teaching-load?timetable_id=9999"), 404)


def satisfaction_in_test():
    """Each teacher's weighted share of approved, non-neutral preferences
    met, computed here from LESSONS and PREFS."""
    scores = {}
    for teacher in ("ana", "luis"):
        mine = [x for x in LESSONS if x[2] == teacher]
        total = met = 0
        for t, kind, day, period, sub, room, level in PREFS:
            if t != teacher or level == "neutral":
                continue
            if kind == "time":
                hit = any(x[4] == day and x[5] <= period < x[5] + x[6] for x in mine
                          if x[4] is not None)
            elif kind == "day":
                hit = any(x[4] == day for x in mine)
            elif kind == "subject":
                hit = any(x[1] == sub for x in mine)
            else:
                hit = any(x[3] == room for x in mine)
            ok = (not hit) if level in ("avoid", "dislike") else hit
            total += WEIGHTS[kind]
            met += WEIGHTS[kind] if ok else 0
        scores[teacher] = round(100 * met / total, 1)
    return scores


def test_teacher_satisfaction_is_the_weighted_share_of_preferences_met(school):
    inst, director, ids = school
    want = satisfaction_in_test()
    assert want == {"ana": 50.0, "luis": 100.0}   # the data is meant to say this
    rep = assert_ok(director.get("/api/v1/reports/teacher-satisfaction"))
    by = {t["staff_id"]: t for t in rep["teachers"]}
    ana, luis = by[ids["staff"]["ana"]], by[ids["staff"]["luis"]]
    assert ana["score"] == want["ana"] and luis["score"] == want["luis"]
    assert ana["preferences"] == 4 and ana["met"] == 2, "neutral, pending, rejected left out"
    assert rep["average"] == 75.0 and rep["teachers_counted"] == 2
    labels = {d["label"] for d in ana["details"]}
    assert "Evitar el lunes, 1.ª hora: no cumplida" in labels, labels
    assert "Le gusta la materia Biología: cumplida" in labels, labels
    # the draft: Carla's only lesson; Ana and Luis have none there
    draft = assert_ok(director.get(
        f"/api/v1/reports/teacher-satisfaction?timetable_id={ids['draft']}"))
    d = {t["staff_id"]: t["score"] for t in draft["teachers"]}
    assert d[ids["staff"]["ana"]] == round(100 * (40 + 10) / 100, 1)
    teacher = inst.login("norte", "docente@norte.test")
    assert_error(teacher.get("/api/v1/reports/teacher-satisfaction"), 403)


def test_the_platform_records_each_school_average_satisfaction(school):
    inst, director, ids = school
    res = cli_ok("statistics", "record", *inst.store_args())
    day = re.search(r"\d{4}-\d{2}-\d{2}", res.out).group(0)
    rows = store_rows(inst.master_store,
                      "SELECT t.subdomain, a.value FROM tenant_analytics a"
                      " JOIN tenants t ON t.id = a.tenant_id"
                      " WHERE a.day = ? AND a.metric = 'teacher_satisfaction_pct'", (day,))
    # only the school with an active timetable and approved preferences
    assert rows == [("norte", 75)], rows


# ---- the UEIPAB week, imported with the `import` part's CLI -----------------

UEIPAB = __import__("pathlib").Path(__file__).resolve().parent.parent / "data" / "ueipab-2025"


@pytest.fixture(scope="module")
def ueipab(school):
    inst, director, ids = school
    import json
    res = cli_ok("timetable", "import", "--data", inst.data, "--school", "sur", UEIPAB, "--json")
    tt = json.loads(res.out)["timetable"]["id"]
    return inst, inst.login("sur", "director@sur.test"), tt


def test_ueipab_csv_export_is_its_solution_plus_room(ueipab):
    inst, director, tt = ueipab
    r = director.get(f"/api/v1/timetables/{tt}/export?format=csv")
    assert r.status_code == 200, r.text
    got = list(csv.DictReader(io.StringIO(r.content.decode("utf-8"))))
    want = list(csv.DictReader(open(UEIPAB / "solution.csv", encoding="utf-8")))
    assert len(got) == len(want) == 137
    key = ("section", "day", "period", "length", "subject", "teacher")
    assert sorted(tuple(g[k] for k in key) for g in got) == \
        sorted(tuple(w[k] for k in key) for w in want)
    assert {g["room"] for g in got} == {""}, "the UEIPAB folder names no rooms"


def test_ueipab_xlsx_pdf_and_carga_horaria(ueipab):
    inst, director, tt = ueipab
    wb = openpyxl.load_workbook(io.BytesIO(
        director.get(f"/api/v1/timetables/{tt}/export?format=xlsx").content))
    assert len(wb.sheetnames) == 6 and "3er Año A" in wb.sheetnames, wb.sheetnames
    rows = [list(r) for r in wb["3er Año A"].iter_rows(values_only=True)]
    labels = [r[0] for r in rows[5:]]
    assert labels[:4] == ["07:00 - 07:40", "07:40 - 08:20", "08:20 - 09:00", "09:00 - 09:40"]
    assert [r[1] for r in rows[5:] if r[1] == "RECESO"] == ["RECESO", "RECESO"]
    pdf = director.get(f"/api/v1/timetables/{tt}/export?format=pdf&by=teacher")
    pages = [p for p in pdf_text(pdf.content).split("\f") if p.strip()]
    assert len(pages) == 16 and "Horario de prof. T01" in pages[0]
    load = assert_ok(director.get(f"/api/v1/reports/teaching-load?timetable_id={tt}"))
    want = {}
    for row in csv.DictReader(open(UEIPAB / "lessons.csv", encoding="utf-8")):
        want[row["teacher"]] = want.get(row["teacher"], 0) + int(row["periods_per_week"])
    assert {t["code"]: t["total"] for t in load["teachers"] if t["total"]} == want


def test_one_section_or_one_teacher_alone(school):
    inst, director, ids = school
    r = director.get(f"/api/v1/timetables/{ids['tt']}/export?format=pdf"
                     f"&section_id={ids['sections']['B']}")
    pages = [p for p in pdf_text(r.content).split("\f") if p.strip()]
    assert len(pages) == 1 and "Horario de 1er Año B" in pages[0] and "Página 1 de 1" in pages[0]
    r = director.get(f"/api/v1/timetables/{ids['tt']}/export?format=xlsx&by=teacher"
                     f"&staff_id={ids['staff']['luis']}")
    assert openpyxl.load_workbook(io.BytesIO(r.content)).sheetnames == ["Luis Gómez"]
    err = assert_error(director.get(f"/api/v1/timetables/{ids['tt']}/export?section_id=x"), 422)
    assert err["field"] == "section_id"
