#!/usr/bin/env python3
"""bench/timetable_moves: the grid's moves through the API (see run and
bench/README.md). One school per backend with a full, clash-free draft:
10 sections (1er-5to Año A and B) on the UEIPAB day (ten 40-minute
periods, breaks after the 4th and 8th), each with two-period lessons at
periods 1-2, 3-4, 5-6 and 7-8 every day (200 lessons; 9-10 left free), a
teacher per (section, day, block) chosen so no teacher is in two places,
each section in its home room. Moves cycle: a refused one (onto another
lesson of the same section: 409, checked and nothing written), an accepted
one (to periods 9-10 of the same day: checked, written, audited) and the
move back. Prints p50/p99 of the client's round trip and of the server's
own duration (duration_ms in its request log) per kind."""

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "api"))
from support.pg import PgCluster  # noqa: E402

BIN = Path(os.environ.get("BISCHEDULER_BIN", ROOT / "build" / "bischeduler"))
BACKENDS = os.environ.get("BENCH_BACKENDS", "sqlite postgres").split()
MOVES = int(os.environ.get("BENCH_MOVES", "600"))
PW = "bench-Password-2026"
NOW = "2025-09-01T12:00:00Z"
DAY = [("class", "07:00", "07:40"), ("class", "07:40", "08:20"), ("class", "08:20", "09:00"),
       ("class", "09:00", "09:40"), ("break", "09:40", "10:00"), ("class", "10:00", "10:40"),
       ("class", "10:40", "11:20"), ("class", "11:20", "12:00"), ("class", "12:00", "12:40"),
       ("break", "12:40", "13:00"), ("class", "13:00", "13:40"), ("class", "13:40", "14:20")]
NTEACHERS = 20


def sh(*args):
    p = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p.stdout


class Server:
    def __init__(self, store_args, work):
        self.port = 19000 + os.getpid() % 2000
        self.err = work / "server.err"
        self.proc = subprocess.Popen([str(BIN), "serve", *store_args, "--listen",
                                      f"127.0.0.1:{self.port}", "--base-domain", "localhost",
                                      "--threads", "2"],
                                     stdout=open(work / "server.out", "w"), stderr=open(self.err, "w"))
        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.1)
        sys.exit("the server did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)


class School:
    def __init__(self, srv, code):
        self.base = f"http://127.0.0.1:{srv.port}"
        self.s = requests.Session()
        self.h = {"Host": f"bischeduler-{code}.localhost:{srv.port}"}
        r = self.s.post(self.base + "/api/v1/auth/login", headers=self.h,
                        json={"email": f"director@{code}.test", "password": PW})
        r.raise_for_status()
        self.h["X-CSRF-Token"] = r.json()["csrf_token"]

    def req(self, method, path, want=(200, 201), **kw):
        r = self.s.request(method, self.base + path, headers=self.h, **kw)
        if r.status_code not in want:
            sys.exit(f"{method} {path}: {r.status_code} {r.text[:400]}")
        return r


def build(school, execute, query):
    """Set-up through the API; bell schedule, timetable and lessons as rows."""
    school.req("POST", "/api/v1/years", json={"name": "2025-2026", "starts_on": "2025-09-15",
                                               "ends_on": "2026-07-15"})
    sections = []
    for n in range(1, 6):
        g = school.req("POST", "/api/v1/grades", json={"level": "media_general", "number": n}).json()
        for letter in "AB":
            sections.append(school.req("POST", "/api/v1/sections",
                                       json={"grade_id": g["id"], "letter": letter}).json()["id"])
    subjects = [school.req("POST", "/api/v1/subjects", json={
        "name": f"Materia {i}", "code": f"M{i:02}", "level": "media_general"}).json()["id"]
        for i in range(8)]
    teachers = [school.req("POST", "/api/v1/staff", json={
        "cedula": f"V{15000000 + i}", "first_names": "Docente", "last_names": f"Prueba {i}"}).json()["id"]
        for i in range(NTEACHERS)]
    rooms = [school.req("POST", "/api/v1/rooms", json={"name": f"Aula {i}"}).json()["id"]
             for i in range(len(sections))]
    execute("INSERT INTO bell_schedules (name, days, created_at, updated_at)"
            " VALUES ('Media General', 31, ?, ?)", (NOW, NOW))
    bell = query("SELECT MAX(id) FROM bell_schedules")[0][0]
    for pos, (kind, a, b) in enumerate(DAY, 1):
        execute("INSERT INTO bell_periods (schedule_id, position, kind, starts_at, ends_at)"
                " VALUES (?, ?, ?, ?, ?)", (bell, pos, kind, a, b))
    execute("UPDATE sections SET bell_schedule_id = ?", (bell,))
    execute("INSERT INTO timetables (name, status, source, created_at, updated_at)"
            " VALUES ('Bench', 'draft', 'manual', ?, ?)", (NOW, NOW))
    tt = query("SELECT MAX(id) FROM timetables")[0][0]
    for si, sec in enumerate(sections):
        for day in range(1, 6):
            for block in range(4):
                teacher = teachers[(si + 2 * day + 5 * block) % NTEACHERS]
                execute("INSERT INTO timetable_lessons (timetable_id, section_id, subject_id,"
                        " staff_id, room_id, day, period, length) VALUES (?, ?, ?, ?, ?, ?, ?, 2)",
                        (tt, sec, subjects[(day + block) % len(subjects)], teacher, rooms[si], day,
                         1 + 2 * block))
    return tt


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, max(0, int(round(q * len(v))) - 1))]


def run_backend(backend, work):
    cluster = None
    if backend == "postgres":
        cluster = PgCluster().start()
        con = cluster.connect()
        con.execute("CREATE DATABASE bench")
        con.close()
        store_args = ["--database", cluster.url("bench")]
    else:
        store_args = ["--data", work / "data"]
    pwfile = work / "pw"
    pwfile.write_text(PW + "\n")
    sh(BIN, "init", *store_args, "--admin-email", "admin@bench.test", "--admin-password-file", pwfile)
    sh(BIN, "tenant", "create", *store_args, "--code", "grid", "--name", "Bench Grid")
    sh(BIN, "user", "add", *store_args, "--school", "grid", "--email", "director@grid.test",
       "--role", "school_admin", "--password-file", pwfile)
    srv = Server(store_args, work)
    try:
        if cluster:
            pg = cluster.connect("bench")

            def execute(sql, params=()):
                pg.rows(sql, params, schema="school_grid")

            def query(sql, params=()):
                return pg.rows(sql, params, schema="school_grid")
        else:
            import sqlite3
            db = sqlite3.connect(str(work / "data" / "schools" / "grid.sqlite"), timeout=10)

            def execute(sql, params=()):
                db.execute(sql, params)
                db.commit()

            def query(sql, params=()):
                return db.execute(sql, params).fetchall()
        school = School(srv, "grid")
        tt = build(school, execute, query)
        grid = school.req("GET", f"/api/v1/timetables/{tt}/grid").json()
        assert len(grid["lessons"]) == 200 and not grid["clashes"], grid["clashes"][:3]
        lessons = grid["lessons"]
        rnd = random.Random(15)
        times = {"refused": [], "accepted": [], "back": []}
        mark = srv.err.stat().st_size
        for i in range(MOVES // 3):
            l = rnd.choice(lessons)
            busy = next(x for x in lessons if x["section_id"] == l["section_id"]
                        and x["day"] == l["day"] and x["id"] != l["id"])
            url = f"/api/v1/timetables/{tt}/moves"
            for kind, body, want in (
                    ("refused", {"lesson_id": l["id"], "day": l["day"], "period": busy["period"]}, (409,)),
                    ("accepted", {"lesson_id": l["id"], "day": l["day"], "period": 9}, (200,)),
                    ("back", {"lesson_id": l["id"], "day": l["day"], "period": l["period"]}, (200,))):
                t = time.monotonic()
                school.req("POST", url, want=want, json=body)
                times[kind].append((time.monotonic() - t) * 1000)
        server = {"refused": [], "accepted": []}
        with open(srv.err, encoding="utf-8", errors="replace") as f:
            f.seek(mark)
            for line in f:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if rec.get("path", "").endswith("/moves"):
                    server["refused" if rec.get("status") == 409 else "accepted"].append(rec["duration_ms"])
        for kind, v in times.items():
            print(f"{backend:8} {kind:8} round trip: p50 {statistics.median(v):5.2f} ms, "
                  f"p99 {pct(v, 0.99):5.2f} ms ({len(v)} moves)", flush=True)
        for kind, v in server.items():
            if v:
                print(f"{backend:8} {kind:8} in the server: p50 {statistics.median(v):5.2f} ms, "
                      f"p99 {pct(v, 0.99):5.2f} ms, max {max(v):5.2f} ms ({len(v)} requests)",
                      flush=True)
    finally:
        srv.stop()
        if cluster:
            cluster.destroy()


def main():
    with tempfile.TemporaryDirectory(prefix="bis-bench-moves-") as tmp:
        for b in BACKENDS:
            (Path(tmp) / b).mkdir()
            run_backend(b, Path(tmp) / b)


if __name__ == "__main__":
    main()
