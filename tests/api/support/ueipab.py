"""The UEIPAB 2025 instance (tests/data/ueipab-2025) loaded into a school:
the year, grades, sections, subjects and teachers through the records API;
the #15 set-up (a bell schedule from periods.csv, each section on it, the
teaching assignments of lessons.csv) through the set-up routes when the
server has them, else written to the store directly (until the `setup`
part's routes are on main).

Also an independent checker of a timetable's lessons against the instance:
every block placed once, no teacher, section or room in two places at once,
no block across a break or past the day's end, and each (section, subject,
teacher) taught its periods in its blocks."""

import csv
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

from .client import assert_ok
from .stores import store_execute, store_rows

DATA = Path(__file__).resolve().parents[2] / "data" / "ueipab-2025"
SECTIONS = {"C1": (1, "A"), "C2": (2, "A"), "C3": (3, "A"), "C4": (3, "B"),
            "C5": (4, "A"), "C6": (5, "A")}


def read(name):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def periods():
    """[(number or None, start, end)] in the day's order."""
    return [(int(r["period"]) if r["period"] else None, r["start"], r["end"])
            for r in read("periods.csv")]


def _now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def load(c, store, teachers_max=0):
    """Loads the instance with client c (a school admin) and the school's
    store; returns {"sections": {code: id}, "subjects": {code: id},
    "staff": {code: id}, "schedule_id": id}."""
    years = assert_ok(c.get("/api/v1/years"))["items"]
    if not any(y["name"] == "2025-2026" for y in years):
        assert_ok(c.post("/api/v1/years", json={"name": "2025-2026", "starts_on": "2025-09-15",
                                                 "ends_on": "2026-07-15"}), 201)
    grades = {g["number"]: g["id"] for g in assert_ok(c.get("/api/v1/grades"))["items"]
              if g["level"] == "media_general"}
    for n in range(1, 6):
        if n not in grades:
            g = assert_ok(c.post("/api/v1/grades", json={"level": "media_general", "number": n}),
                          201)
            grades[n] = g["id"]
    ids = {"sections": {}, "subjects": {}, "staff": {}}
    for code, (n, letter) in SECTIONS.items():
        s = assert_ok(c.post("/api/v1/sections", json={"grade_id": grades[n], "letter": letter}),
                      201)
        ids["sections"][code] = s["id"]
    for row in read("subjects.csv"):
        s = assert_ok(c.post("/api/v1/subjects", json={"name": row["name"], "code": row["subject"],
                                                       "level": "media_general"}), 201)
        ids["subjects"][row["subject"]] = s["id"]
    for i, row in enumerate(read("teachers.csv")):
        body = {"cedula": f"V-{20000001 + i}", "first_names": "Docente",
                "last_names": row["teacher"]}
        if teachers_max:
            body["max_weekly_periods"] = teachers_max
        t = assert_ok(c.post("/api/v1/staff", json=body), 201)
        ids["staff"][row["teacher"]] = t["id"]
    # the #15 set-up, written directly until the set-up routes are on main
    now = _now()
    store_execute(store, "INSERT INTO bell_schedules (name, days, created_at, updated_at)"
                         " VALUES ('Media General', 31, ?, ?)", (now, now))
    sched = store_rows(store, "SELECT id FROM bell_schedules WHERE name = 'Media General'")[0][0]
    for pos, (num, start, end) in enumerate(periods(), 1):
        store_execute(store, "INSERT INTO bell_periods (schedule_id, position, kind, starts_at,"
                             " ends_at) VALUES (?, ?, ?, ?, ?)",
                      (sched, pos, "class" if num else "break", start, end))
    for code, sid in ids["sections"].items():
        store_execute(store, "UPDATE sections SET bell_schedule_id = ?, code = ? WHERE id = ?",
                      (sched, code, sid))
    for code, tid in ids["staff"].items():
        store_execute(store, "UPDATE staff SET code = ? WHERE id = ?", (code, tid))
    for row in read("lessons.csv"):
        store_execute(store, "INSERT INTO teaching_assignments (section_id, subject_id, staff_id,"
                             " periods_per_week, blocks, created_at, updated_at)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?)",
                      (ids["sections"][row["section"]], ids["subjects"][row["subject"]],
                       ids["staff"][row["teacher"]], int(row["periods_per_week"]), row["blocks"],
                       now, now))
    ids["schedule_id"] = sched
    return ids


def check(lessons, ids):
    """Every problem of a timetable's lessons (GET /api/v1/timetables/{id}
    "lessons") against the instance, as sentences; [] when clean."""
    problems = []
    day = [p for p in periods() if p[0]]
    nclass = len(day)
    # a break after class period k: the next row of the day is a break
    rows = periods()
    breaks = {rows[i - 1][0] for i, r in enumerate(rows) if r[0] is None and i > 0}
    code_of = {v: k for k, v in ids["sections"].items()}
    subj_of = {v: k for k, v in ids["subjects"].items()}
    staff_of = {v: k for k, v in ids["staff"].items()}
    busy = defaultdict(list)
    got = defaultdict(list)
    for l in lessons:
        where = f"{code_of.get(l['section_id'])} {subj_of.get(l['subject_id'])}"
        if l["day"] is None or l["period"] is None:
            problems.append(f"not placed: {where}")
            continue
        if not 1 <= l["day"] <= 5:
            problems.append(f"day {l['day']}: {where}")
        first, last = l["period"], l["period"] + l["length"] - 1
        if first < 1 or last > nclass:
            problems.append(f"past the day's end: {where} {first}-{last}")
        for k in range(first, last):
            if k in breaks:
                problems.append(f"across a break: {where} {first}-{last}")
        for p in range(first, last + 1):
            busy[("section", l["section_id"], l["day"], p)].append(where)
            if l["staff_id"] is not None:
                busy[("teacher", l["staff_id"], l["day"], p)].append(where)
            if l["room_id"] is not None:
                busy[("room", l["room_id"], l["day"], p)].append(where)
        got[(code_of.get(l["section_id"]), subj_of.get(l["subject_id"]),
             staff_of.get(l["staff_id"]))].append(l["length"])
    for key, who in busy.items():
        if len(who) > 1:
            problems.append(f"clash: {key}: {who}")
    want = {}
    for row in read("lessons.csv"):
        want[(row["section"], row["subject"], row["teacher"])] = sorted(
            int(x) for x in row["blocks"].split("+"))
    for key, blocks in want.items():
        if sorted(got.get(key, [])) != blocks:
            problems.append(f"demand: {key}: want {blocks}, got {sorted(got.get(key, []))}")
    for key in got:
        if key not in want:
            problems.append(f"not in lessons.csv: {key}")
    return problems


def block_count():
    return sum(len(r["blocks"].split("+")) for r in read("lessons.csv"))


def counts_by_teacher():
    c = Counter()
    for r in read("lessons.csv"):
        c[r["teacher"]] += int(r["periods_per_week"])
    return c
