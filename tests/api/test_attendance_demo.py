"""The demo school's attendance (issue #16, part demo).

`init --demo`, with the demo's today pinned to a Monday
(BISCHEDULER_DEMO_TODAY, a hidden option for tests), must leave the demo
school about two months of attendance that looks real: every school day
from 1 October to the Friday before taken (today left for the person trying
the demo), about 95 % present each month, some late and justified marks, a
few chronic absentees for the school admin's list, two students with three
absences in a row (already told, so no mail goes out about the past), and a
little enrolment movement for the month's report.

Every figure is recomputed here from the rows (calendar_days, enrolments,
attendance_sessions, attendance_marks), independently of the C code that
wrote them: school days are weekdays of the year that are not a
calendar_days row; a student is enrolled in a section on a date by the
enrolments row covering it; no mark is present.
"""

import datetime as dt
from collections import defaultdict

import pytest

from conftest import ADMIN_EMAIL, BASE, assert_ok, cli_env, cli_ok, store_rows

TODAY = dt.date(2026, 12, 7)     # a Monday
FIRST = dt.date(2026, 10, 1)     # the first day of the month two months before
LAST = dt.date(2026, 12, 4)      # the Friday before today


@pytest.fixture(scope="module")
def demo(module_instances):
    inst = module_instances("attdemo")
    res = cli_ok("init", "--data", inst.data, "--base-domain", BASE,
                 "--admin-email", ADMIN_EMAIL, "--admin-password-file", inst.pwfile,
                 "--demo", env=cli_env(BISCHEDULER_DEMO_TODAY=TODAY.isoformat()),
                 timeout=120)
    store = inst.school_store("demo")
    q = lambda sql, p=(): store_rows(store, sql, p)  # noqa: E731
    w = {"out": res.out, "q": q, "inst": inst}
    year = q("SELECT id, starts_on, ends_on FROM school_years WHERE is_current = 1")
    assert len(year) == 1, year
    w["year"] = year[0]
    w["off"] = {r[0] for r in q("SELECT date FROM calendar_days WHERE year_id = ?", (year[0][0],))}
    w["enrol"] = q("SELECT e.id, e.student_id, e.section_id, e.starts_on, e.ends_on,"
                   " e.start_reason, e.end_reason FROM enrolments e")
    w["sessions"] = {(r[1], r[2]): r[0] for r in q(
        "SELECT id, section_id, date, block FROM attendance_sessions")}
    assert {r[0] for r in q("SELECT DISTINCT block FROM attendance_sessions")} == {0}
    w["marks"] = {(r[0], r[1]): (r[2], r[3]) for r in q(
        "SELECT session_id, student_id, status, reason FROM attendance_marks")}
    # every school day of the dates, by the rule of the calendar
    days, d = [], dt.date.fromisoformat(year[0][1])
    while d <= dt.date.fromisoformat(year[0][2]):
        if d.weekday() < 5 and d.isoformat() not in w["off"]:
            days.append(d.isoformat())
        d += dt.timedelta(days=1)
    w["school_days"] = days
    w["window"] = [x for x in days if FIRST.isoformat() <= x <= LAST.isoformat()]
    # who was in which section on each of those days
    w["roster"] = {day: defaultdict(set) for day in w["window"]}
    for _, student, section, a, b, *_ in w["enrol"]:
        for day in w["window"]:
            if a <= day and (b is None or b >= day):
                w["roster"][day][section].add(student)
    # each student's record: [(date, status)] over the days their section took
    rec = defaultdict(list)
    for day in w["window"]:
        for section, students in w["roster"][day].items():
            sid = w["sessions"].get((section, day))
            for s in students:
                rec[s].append((day, None if sid is None else
                               w["marks"].get((sid, s), ("present", ""))[0]))
    w["record"] = rec
    return w


def present(status):
    return status in ("present", "late")


def test_every_school_day_of_two_months_before_today_is_taken_and_today_is_not(demo):
    dates = sorted({d for (_, d) in demo["sessions"]})
    window = demo["window"]
    assert len(window) >= 40, window
    # nothing on a weekend, a holiday or break, today or later, or before the dates
    assert set(dates) <= set(window), sorted(set(dates) - set(window))
    assert dates[0] == window[0] and dates[-1] == window[-1] == LAST.isoformat(), dates
    # a session only where the section had students that day
    for (section, day) in demo["sessions"]:
        assert demo["roster"][day].get(section), (section, day)
    # a section forgot a day now and then (reported as not taken), never yesterday
    expected = [(s, d) for d in window for s, st in demo["roster"][d].items() if st]
    missing = [p for p in expected if p not in demo["sessions"]]
    assert 0 < len(missing) <= 0.03 * len(expected), (len(missing), len(expected))
    assert not [p for p in missing if p[1] == LAST.isoformat()], missing
    assert f"Demo school attendance: {len(window)} school days from {window[0]} to {window[-1]}, " \
           f"{len(demo['sessions'])} lists taken ({len(missing)} not taken)" in demo["out"], demo["out"]


def test_marks_are_only_for_students_enrolled_in_that_section_that_day(demo):
    by_id = {sid: key for key, sid in demo["sessions"].items()}
    for (sid, student), (status, reason) in demo["marks"].items():
        section, day = by_id[sid]
        assert student in demo["roster"][day][section], (student, section, day)
        # a justified absence carries its reason, the others none
        assert bool(reason) == (status == "justified"), (status, reason)


def test_about_95_percent_present_each_month_with_late_and_justified_marks(demo):
    months = defaultdict(lambda: [0, 0])
    for recs in demo["record"].values():
        for day, status in recs:
            if status is not None:
                months[day[:7]][0] += 1
                months[day[:7]][1] += present(status)
    assert sorted(months) == ["2026-10", "2026-11", "2026-12"], dict(months)
    for month, (recorded, pres) in months.items():
        assert 0.92 <= pres / recorded <= 0.965, (month, pres / recorded)
    statuses = defaultdict(int)
    for status, _ in demo["marks"].values():
        statuses[status] += 1
    total = sum(m[0] for m in months.values())
    assert 0.005 * total < statuses["late"] < 0.04 * total, statuses
    assert 0.002 * total < statuses["justified"] < 0.02 * total, statuses
    reasons = {r for s, r in demo["marks"].values() if s == "justified"}
    assert len(reasons) >= 3, reasons


def test_a_few_students_are_chronic_absentees(demo):
    """Below 80 % over the last 30 days with at least 10 recorded days."""
    since = (TODAY - dt.timedelta(days=30)).isoformat()
    pct = {}
    for student, recs in demo["record"].items():
        taken = [s for d, s in recs if s is not None and since <= d]
        if len(taken) >= 10:
            pct[student] = 100 * sum(map(present, taken)) / len(taken)
    alto = [s for s, p in pct.items() if p < 80]
    critico = [s for s, p in pct.items() if p < 70]
    assert 3 <= len(alto) <= 15, sorted(pct.values())[:20]
    assert critico, sorted(pct.values())[:10]


def test_runs_of_three_absences_each_have_their_alert_and_no_mail_goes_out(demo):
    runs = set()
    for student, recs in demo["record"].items():
        recs = dict(recs)
        start, n = None, 0
        for day in demo["window"] + [None]:
            if day is not None and recs.get(day) == "absent":
                start, n = (day if n == 0 else start), n + 1
                continue
            if n >= 3:          # a day not taken, or not enrolled, ends a run too
                runs.add((student, start, n))
            n = 0
    alerts = set(demo["q"]("SELECT student_id, run_starts_on, days FROM attendance_alerts"))
    assert alerts == runs
    assert len({r[0] for r in runs}) >= 2, runs
    assert demo["q"]("SELECT count(*) FROM mail_queue WHERE to_email IN"
                     " (SELECT email FROM representatives WHERE email <> '')") == [(0,)]


def test_the_month_has_ingresos_egresos_and_a_change_of_section(demo):
    first, last = FIRST.isoformat(), LAST.isoformat()
    inside = lambda d: d is not None and first <= d <= last  # noqa: E731
    enrol = demo["enrol"]
    egresos = [e for e in enrol if e[6] == "retiro" and inside(e[4])]
    ingresos = [e for e in enrol if e[5] == "ingreso" and inside(e[3])]
    cambios = [e for e in enrol if e[5] == "cambio" and inside(e[3])]
    assert len(egresos) == 2 and len(cambios) == 1 and len(ingresos) >= 2, (egresos, ingresos, cambios)
    withdrawn = {e[1] for e in egresos}
    assert {r[0] for r in demo["q"]("SELECT id FROM students WHERE status = 'retirado'")} == withdrawn
    # a withdrawn student is on no list after the day they left
    for e in egresos:
        assert all(d <= e[4] for d, _ in demo["record"][e[1]]), e
    # the movement, the generation: each audited
    assert demo["q"]("SELECT count(*) FROM audit_log WHERE action = 'demo'"
                     " AND entity = 'attendance'") == [(1,)]


@pytest.fixture(scope="module")
def director(demo):
    """The demo's director, signed in with the password init printed."""
    inst = demo["inst"]
    pw = [line.split(": ")[1] for line in demo["out"].splitlines()
          if line.startswith("Demo school admin password")][0]
    inst.start()
    c = inst.client("demo")
    assert_ok(c.login(f"director@demo.{BASE}", pw))
    return c


def test_the_director_sees_the_generated_days_through_the_api(demo, director):
    """GET /api/v1/attendance (part take) shows a generated day as taken,
    with the statuses computed here; today is left for the demo's user."""
    c = director
    by_id = {sid: key for key, sid in demo["sessions"].items()}
    # the list with the most kinds of marks, then the most marks
    kinds = defaultdict(set)
    for (sid, _), (status, _) in demo["marks"].items():
        kinds[sid].add(status)
    sid = max(kinds, key=lambda k: (len(kinds[k]), sum(1 for m in demo["marks"] if m[0] == k)))
    section, day = by_id[sid]
    want = {s: demo["marks"].get((sid, s), ("present", ""))[0]
            for s in demo["roster"][day][section]}
    r = assert_ok(c.get("/api/v1/attendance", params={"section_id": section, "date": day}))
    assert r["taken"] is True and r["school_day"] is True, r
    assert {s["id"]: s["status"] for s in r["students"]} == want
    counts = defaultdict(int)
    for status in want.values():
        counts[status] += 1
    assert r["counts"] == {k: counts[k] for k in ("present", "absent", "late", "justified")}
    justified = [s for s in r["students"] if s["status"] == "justified"]
    assert all(s["reason"] for s in justified), justified
    # a day a section forgot shows as not taken, every student present
    forgot = [(sec, d) for d in demo["window"] for sec, st in demo["roster"][d].items()
              if st and (sec, d) not in demo["sessions"]][0]
    r = assert_ok(c.get("/api/v1/attendance", params={"section_id": forgot[0], "date": forgot[1]}))
    assert r["taken"] is False and {s["status"] for s in r["students"]} == {"present"}, r
    # the Friday before: every section with students taken; today: none yet
    items = assert_ok(c.get("/api/v1/attendance/sections",
                            params={"date": LAST.isoformat()}))["items"]
    assert items and all(i["taken"] for i in items if i["students"]), items
    items = assert_ok(c.get("/api/v1/attendance/sections",
                            params={"date": TODAY.isoformat()}))["items"]
    assert items and not [i for i in items if i["taken"]], items


def test_the_monthly_report_shows_real_looking_figures(demo, director):
    """GET /api/v1/reports/attendance-monthly (part report) of the
    generated months: about 95 %, the school days of the calendar, a few
    days not taken, the two withdrawals and the late ingresos."""
    c = director
    egresos = ingresos = not_taken = 0
    for month in ("2026-10", "2026-11"):
        r = assert_ok(c.get("/api/v1/reports/attendance-monthly", params={"month": month}))
        assert r["school_days"] == len([d for d in demo["school_days"] if d.startswith(month)]), r
        assert 92 <= r["totals"]["percent"] <= 96.5, r["totals"]
        assert len(r["grades"]) == 11 and all(85 <= g["percent"] <= 99 for g in r["grades"]), r
        egresos += r["movement"]["egresos"]["total"]
        ingresos += r["movement"]["ingresos"]["total"]
        not_taken += sum(g["days_not_taken"] for g in r["grades"])
    assert egresos == 2 and ingresos >= 2 and not_taken > 0, (egresos, ingresos, not_taken)
