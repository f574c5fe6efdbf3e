"""The UEIPAB 2025 instance (tests/data/ueipab-2025) loaded into a school
with `bischeduler timetable import` (the `import` part): grades, sections,
subjects, teachers, the bell schedule and the teaching assignments.

Also an independent checker of a timetable's lessons against the instance:
every block placed once, no teacher, section or room in two places at once,
no block across a break or past the day's end, and each (section, subject,
teacher) taught its periods in its blocks."""

import csv
from collections import Counter, defaultdict
from pathlib import Path

from .client import assert_ok
from .stores import store_rows

DATA = Path(__file__).resolve().parents[2] / "data" / "ueipab-2025"


def read(name):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def periods():
    """[(number or None, start, end)] in the day's order."""
    return [(int(r["period"]) if r["period"] else None, r["start"], r["end"])
            for r in read("periods.csv")]


def load(c, store, run_import):
    """Loads the instance into a school with the `import` part's CLI
    (run_import() runs `bischeduler timetable import --school C FOLDER`),
    then discards the draft the import makes of solution.csv, so the
    school has its set-up and no timetable. c: a school admin's client;
    store: the school's store. Returns {"sections": {code: id},
    "subjects": {code: id}, "staff": {code: id}}."""
    run_import()
    ids = {kind: dict((code, i) for i, code in store_rows(store, f"SELECT id, code FROM {table}"))
           for kind, table in (("sections", "sections"), ("subjects", "subjects"),
                               ("staff", "staff"))}
    for t in assert_ok(c.get("/api/v1/timetables"))["items"]:
        if t["source"] == "imported":
            assert_ok(c.delete(f"/api/v1/timetables/{t['id']}"))
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
