#!/usr/bin/env python3
"""bench/attendance: attendance through the API (see run and
bench/README.md, "Attendance").

Schools are enrolled through POST /api/v1/imports/matricula with a CSV from
bench/matricula/gen.py whose students are put 35 to a section (grades 1er
Grado .. 5to Año, letters A, B, ...). Their enrolments are then moved to the
school year's first day in the store, so every school day of the year so
far has a roster. School days come from the store's calendar (weekdays of
the current year that are not a calendar_days row).

1. Marking: sequential PUT /api/v1/attendance of whole 35-student lists
   (every student's status given: two absent, one late, one justified with
   its reason, the rest present) on school days before the morning's date,
   each (section, day) once: "first"; then the same lists again with other
   statuses: "re-mark".
2. The report: one month of 22 school days (or the most the year has before
   today) of attendance written straight into attendance_sessions /
   attendance_marks (about 94 % present) for a 1,000- and a 10,000-student
   school, then GET /api/v1/reports/attendance-monthly?month= N times.
3. The morning: every section of N schools marked once on the morning's
   date (the last school day up to today), at moments drawn uniformly over
   S seconds, by C client threads at once; latency from the moment each
   request is sent; late starts (a client not free at its moment) counted.

`--smoke`: SQLite only, two small schools, a few requests of each kind;
exits 1 on any error (not on slowness: figures on a busy machine mean
little). Figures are printed, never asserted.
"""

import datetime as dt
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "api"))
sys.path.insert(0, str(ROOT / "bench" / "matricula"))
from support.pg import PgCluster  # noqa: E402
import gen as matricula_gen  # noqa: E402

BIN = Path(os.environ.get("BISCHEDULER_BIN", ROOT / "build" / "bischeduler"))
SMOKE = "--smoke" in sys.argv[1:]
BACKENDS = ["sqlite"] if SMOKE else os.environ.get("BENCH_BACKENDS", "sqlite postgres").split()
MARKS = 12 if SMOKE else int(os.environ.get("BENCH_MARKS", "300"))
REPORTS = 3 if SMOKE else int(os.environ.get("BENCH_REPORTS", "20"))
MORNING_SCHOOLS = 2 if SMOKE else int(os.environ.get("BENCH_MORNING_SCHOOLS", "50"))
MORNING_SECTIONS = 3 if SMOKE else 30
MORNING_SECONDS = 2 if SMOKE else float(os.environ.get("BENCH_MORNING_SECONDS", "60"))
CLIENTS = 4 if SMOKE else int(os.environ.get("BENCH_CLIENTS", "24"))
REPORT_SIZES = [70] if SMOKE else [1000, 10000]
PER_SECTION = 35
PW = "bench-Password-2026"
GRADES = matricula_gen.GRADES
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
REASONS = ["Reposo médico", "Cita médica", "Diligencia familiar"]
ERRORS = []


def fail(msg):
    print(f"ERROR: {msg}", flush=True)
    ERRORS.append(msg)


def sh(*args):
    p = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(len(v) * p / 100.0)) - 1))]


def load():
    return "load average %.1f %.1f %.1f" % os.getloadavg()


def figures(ms):
    return (f"n {len(ms)}, p50 {statistics.median(ms):.1f} ms, p99 {pct(ms, 99):.1f} ms, "
            f"max {max(ms):.1f} ms")


# ---- the schools -----------------------------------------------------------

def matricula_csv(n, path):
    """gen.py's rows with the students put 35 to a section, in order (the
    birth year follows the grade, as gen.py's does)."""
    import csv
    rows = matricula_gen.rows(n, 13)
    head = next(rows)
    col = {c[1]: i for i, c in enumerate(matricula_gen.columns()) if c[0] == "STUDENT"}
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(head)
        for i, line in enumerate(rows):
            s = i // PER_SECTION
            g = s % len(GRADES)
            year = 2019 - g
            line[col["grade"]] = GRADES[g]
            line[col["section"]] = LETTERS[s // len(GRADES)]
            d = line[col["birth_date"]].split("/")
            line[col["birth_date"]] = f"{d[0]}/{d[1]}/{year}"
            line[col["age"]] = str(2025 - year)
            w.writerow(line)


class Store:
    """Direct access to a school's store, for what the bench writes itself."""

    def __init__(self, backend, work, cluster, code):
        self.pg = backend == "postgres"
        if self.pg:
            self.con = cluster.connect("bench").con
            self.con.autocommit = False
            with self.con.cursor() as cur:
                cur.execute("SET search_path TO " + "school_" + code.replace("-", "_"))
            self.con.commit()
        else:
            self.con = sqlite3.connect(str(work / "data" / "schools" / f"{code}.sqlite"), timeout=30)

    def rows(self, sql, params=()):
        cur = self.con.cursor()
        cur.execute(sql.replace("?", "%s") if self.pg else sql, params)
        out = cur.fetchall() if cur.description else []
        cur.close()
        return out

    def many(self, sql, seq):
        cur = self.con.cursor()
        if self.pg:
            from psycopg2.extras import execute_batch
            execute_batch(cur, sql.replace("?", "%s"), seq, page_size=500)
        else:
            cur.executemany(sql, seq)
        cur.close()

    def commit(self):
        self.con.commit()

    def close(self):
        self.con.close()


def school_days(store):
    """The current year's school days (weekdays that are not a
    calendar_days row), as ISO dates, and the year's first day."""
    y = store.rows("SELECT id, starts_on, ends_on FROM school_years WHERE is_current = 1")[0]
    off = {r[0] for r in store.rows("SELECT date FROM calendar_days WHERE year_id = ?", (y[0],))}
    d, end, out = dt.date.fromisoformat(y[1]), dt.date.fromisoformat(y[2]), []
    while d <= end:
        if d.weekday() < 5 and d.isoformat() not in off:
            out.append(d.isoformat())
        d += dt.timedelta(days=1)
    return out, y[1]


def school_today():
    return (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=4)).date().isoformat()


class Server:
    def __init__(self, store_args, work):
        with socket.socket() as so:  # a free port (ctest may run beside others)
            so.bind(("127.0.0.1", 0))
            self.port = so.getsockname()[1]
        threads = os.environ.get("BENCH_THREADS")
        self.proc = subprocess.Popen(
            [str(BIN), "serve", *store_args, "--listen", f"127.0.0.1:{self.port}",
             "--base-domain", "localhost", *(["--threads", threads] if threads else [])],
            stdout=open(work / "server.out", "w"), stderr=open(work / "server.err", "w"))
        self.log = work / "server.err"
        self.phases = []
        for _ in range(150):
            try:
                requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.1)
        sys.exit("the server did not start")

    def expect(self, label, method, path, n, skip=0):
        """The next n requests of method+path (after `skip` more) are the
        phase `label`: their server-side times are printed at the end."""
        self.phases.append((label, method, path, n, skip))

    def server_side(self):
        """The server's own duration_ms (its JSON request log, complete
        once it has stopped) of each phase, in the order they ran."""
        seen = {}
        for line in self.log.read_text("utf-8", "replace").splitlines():
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("msg") == "request":
                seen.setdefault((e.get("method"), e.get("path")), []).append(float(e["duration_ms"]))
        used = {}
        for label, method, path, n, skip in self.phases:
            k = (method, path)
            at = used.get(k, 0) + skip
            ms = seen.get(k, [])[at:at + n]
            used[k] = at + n
            print(f"    server-side, {label}: {figures(ms) if ms else 'none logged'}", flush=True)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(60)


def login(srv, code):
    """Headers that act as the school's director (cookie and CSRF given
    explicitly, so one requests.Session may serve every school)."""
    host = f"bischeduler-{code}.localhost:{srv.port}"
    r = requests.post(srv.url("/api/v1/auth/login"), headers={"Host": host},
                      json={"email": f"director@{code}.test", "password": PW}, timeout=30)
    r.raise_for_status()
    return {"Host": host, "X-CSRF-Token": r.json()["csrf_token"],
            "Cookie": f"bis_session={r.cookies['bis_session']}"}


def enrol(srv, code, csv_bytes):
    h = login(srv, code)
    r = requests.post(srv.url("/api/v1/imports/matricula"), params={"mode": "commit"},
                      data=csv_bytes, headers={**h, "Content-Type": "application/octet-stream"},
                      timeout=600)
    if r.status_code != 200 or not r.json().get("committed"):
        sys.exit(f"import into {code}: {r.status_code} {r.text[:500]}")
    return h


def rosters(store):
    out = {}
    for sid, sec in store.rows("SELECT id, section_id FROM students WHERE section_id IS NOT NULL"
                               " ORDER BY section_id, id"):
        out.setdefault(sec, []).append(sid)
    return out


def from_first_day(store, first):
    store.rows("UPDATE enrolments SET starts_on = ?", (first,))
    store.commit()


def body(section, date, students, rnd):
    odd = rnd.sample(students, 4)
    marks = []
    for s in students:
        m = {"student_id": s, "status": "present"}
        if s == odd[0] or s == odd[1]:
            m["status"] = "absent"
        elif s == odd[2]:
            m["status"] = "late"
        elif s == odd[3]:
            m.update(status="justified", reason=rnd.choice(REASONS))
        marks.append(m)
    return {"section_id": section, "date": date, "marks": marks}


def put(session, srv, h, b):
    t = time.monotonic()
    try:
        r = session.put(srv.url("/api/v1/attendance"), json=b, headers=h, timeout=60)
    except requests.RequestException as e:
        return (time.monotonic() - t) * 1000, f"{type(e).__name__}: {e}"
    ms = (time.monotonic() - t) * 1000
    if r.status_code != 200:
        return ms, f"{r.status_code} {r.text[:300]}"
    return ms, None


# ---- 1. marking --------------------------------------------------------------

def bench_marking(backend, srv, h, store, days, morning):
    rnd = random.Random(7)
    full = [(sec, st) for sec, st in sorted(rosters(store).items()) if len(st) == PER_SECTION]
    past = [d for d in days if d < morning][-20:]
    jobs = [(sec, st, d) for d in reversed(past) for sec, st in full][:MARKS]
    if not jobs:
        fail(f"{backend}: no school day before {morning} to mark")
        return
    s = requests.Session()
    for label in ("first", "re-mark"):
        srv.expect(f"{backend} mark ({label})", "PUT", "/api/v1/attendance", len(jobs))
        ms = []
        for sec, st, d in jobs:
            t, err = put(s, srv, h, body(sec, d, st, rnd))
            if err:
                fail(f"{backend} marking ({label}) section {sec} on {d}: {err}")
                return
            ms.append(t)
        print(f"{backend:8} mark a 35-student section ({label}): {figures(ms)}; {load()}",
              flush=True)
    n = store.rows("SELECT count(*) FROM attendance_sessions")[0][0]
    if n != len(jobs):
        fail(f"{backend}: {n} sessions stored for {len(jobs)} lists marked (twice)")


# ---- 2. the report -------------------------------------------------------------

def report_month(days, today):
    """The month with the most school days among those fully before today's
    month (any month of the year if none is)."""
    by = {}
    for d in days:
        by.setdefault(d[:7], []).append(d)
    past = {m: v for m, v in by.items() if m < today[:7]} or by
    return max(sorted(past), key=lambda m: len(past[m]))


def write_month(store, month_days, seed):
    """Block-0 sessions for every section with students on every school day
    of the month, about 94 % present, straight into the store."""
    rnd = random.Random(seed)
    ro = rosters(store)
    sessions = [(sec, d, f"{d}T11:30:00Z", f"{d}T11:30:00Z") for d in month_days for sec in ro]
    store.many("INSERT INTO attendance_sessions (section_id, date, block, taken_at, updated_at)"
               " VALUES (?, ?, 0, ?, ?)", sessions)
    ids = {(r[1], r[2]): r[0] for r in store.rows(
        "SELECT id, section_id, date FROM attendance_sessions WHERE date >= ? AND date <= ?",
        (month_days[0], month_days[-1]))}
    marks = []
    for (sec, d), sid in ids.items():
        for st in ro[sec]:
            r = rnd.random()
            if r < 0.045:
                marks.append((sid, st, "absent", ""))
            elif r < 0.055:
                marks.append((sid, st, "justified", "Reposo médico"))
            elif r < 0.075:
                marks.append((sid, st, "late", ""))
    store.many("INSERT INTO attendance_marks (session_id, student_id, status, reason)"
               " VALUES (?, ?, ?, ?)", marks)
    store.commit()
    return len(sessions), len(marks)


def bench_report(backend, srv, h, code, month, n_students, n_days):
    s = requests.Session()
    ms = []
    srv.expect(f"{backend} report of {n_students}", "GET", "/api/v1/reports/attendance-monthly",
               REPORTS, skip=1)
    for i in range(REPORTS + 1):
        t = time.monotonic()
        r = s.get(srv.url("/api/v1/reports/attendance-monthly"), params={"month": month},
                  headers=h, timeout=120)
        took = (time.monotonic() - t) * 1000
        if r.status_code != 200:
            fail(f"{backend} report {code} {month}: {r.status_code} {r.text[:300]}")
            return
        if i == 0:
            rep = r.json()
            total = rep.get("totals", {}).get("total")
            if rep.get("school_days") != n_days or (total is not None and total != n_students):
                fail(f"{backend} report {code}: school_days {rep.get('school_days')} (want "
                     f"{n_days}), total {total} (want {n_students})")
            continue  # the first one warms the store's pages and caches
        ms.append(took)
    print(f"{backend:8} monthly report, {n_students} students, {n_days} school days "
          f"({month}): {figures(ms)}; {load()}", flush=True)


# ---- 3. the morning ------------------------------------------------------------

def bench_morning(backend, srv, schools, morning):
    rnd = random.Random(11)
    jobs = []
    for code, h, ro in schools:
        for sec, st in sorted(ro.items())[:MORNING_SECTIONS]:
            jobs.append((rnd.uniform(0, MORNING_SECONDS), h, body(sec, morning, st, rnd)))
    jobs.sort(key=lambda j: j[0])
    lock = threading.Lock()
    state = {"next": 0, "late": 0}
    ms, errs = [], []
    srv.expect(f"{backend} morning", "PUT", "/api/v1/attendance", len(jobs))
    start = time.monotonic() + 0.5

    def worker():
        s = requests.Session()
        while True:
            with lock:
                if state["next"] >= len(jobs):
                    return
                at, h, b = jobs[state["next"]]
                state["next"] += 1
            wait = start + at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            elif wait < -0.05:
                with lock:
                    state["late"] += 1
            t, err = put(s, srv, h, b)
            with lock:
                ms.append(t)
                if err:
                    errs.append(err)

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - start
    print(f"{backend:8} morning: {len(jobs)} sections of {len(schools)} schools in {wall:.1f} s "
          f"({CLIENTS} clients): errors {len(errs)}, late starts {state['late']}, "
          f"{figures(ms)}; {load()}", flush=True)
    for e in errs[:5]:
        fail(f"{backend} morning: {e}")


# ---- one backend -----------------------------------------------------------------

def run_backend(backend, work, files):
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
    morning_codes = [f"m{i:02d}" for i in range(1, MORNING_SCHOOLS + 1)]
    report_codes = [f"r{n}" for n in REPORT_SIZES]
    t0 = time.monotonic()
    for code in report_codes + morning_codes:
        sh(BIN, "tenant", "create", *store_args, "--code", code, "--name", f"Bench {code}")
        sh(BIN, "user", "add", *store_args, "--school", code, "--email", f"director@{code}.test",
           "--role", "school_admin", "--password-file", pwfile)
    srv = Server(store_args, work)
    try:
        heads, stores = {}, {}
        for code in report_codes + morning_codes:
            n = int(code[1:]) if code.startswith("r") else PER_SECTION * MORNING_SECTIONS
            heads[code] = enrol(srv, code, files[n])
            stores[code] = Store(backend, work, cluster, code)
        days, first = school_days(stores[morning_codes[0]])
        for st in stores.values():
            from_first_day(st, first)
        today = school_today()
        before = [d for d in days if d <= today]
        if not before:
            sys.exit(f"no school day of the current year up to {today}: run it in term")
        morning = before[-1]
        print(f"{backend:8} set-up: {len(stores)} schools enrolled in "
              f"{time.monotonic() - t0:.0f} s; the morning's date {morning}", flush=True)
        # 1. marking
        m01 = morning_codes[0]
        bench_marking(backend, srv, heads[m01], stores[m01], days, morning)
        # 2. the report
        month = report_month(days, today)
        month_days = [d for d in days if d.startswith(month)]
        for code in report_codes:
            t = time.monotonic()
            ns, nm = write_month(stores[code], month_days, 5)
            n = int(code[1:])
            print(f"{backend:8} wrote {month} for {n} students: {ns} lists, {nm} marks "
                  f"({time.monotonic() - t:.1f} s)", flush=True)
            bench_report(backend, srv, heads[code], code, month, n, len(month_days))
        # 3. the morning
        schools = [(c, heads[c], rosters(stores[c])) for c in morning_codes]
        bench_morning(backend, srv, schools, morning)
        taken = sum(stores[c].rows("SELECT count(*) FROM attendance_sessions WHERE date = ?",
                                   (morning,))[0][0] for c in morning_codes)
        if taken != MORNING_SCHOOLS * MORNING_SECTIONS:
            fail(f"{backend} morning: {taken} sessions stored for "
                 f"{MORNING_SCHOOLS * MORNING_SECTIONS} sections marked once")
        for st in stores.values():
            st.close()
    finally:
        srv.stop()
        srv.server_side()
        if cluster:
            cluster.destroy()


def main():
    with tempfile.TemporaryDirectory(prefix="bis-bench-attendance-") as tmp:
        work = Path(tmp)
        files = {}
        for n in set(REPORT_SIZES + [PER_SECTION * MORNING_SECTIONS]):
            p = work / f"m{n}.csv"
            matricula_csv(n, p)
            files[n] = p.read_bytes()
        for b in BACKENDS:
            (work / b).mkdir()
            run_backend(b, work / b, files)
    if ERRORS:
        print(f"{len(ERRORS)} error(s)", flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
