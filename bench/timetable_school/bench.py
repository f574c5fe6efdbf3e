#!/usr/bin/env python3
"""bench/timetable_school: a school's timetable generated through the API
(see run and bench/README.md). The UEIPAB 2025 instance is loaded into each
school with tests/api/support/ueipab.py (`bischeduler timetable import`, the
import part's CLI)."""

import os
import re
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
from support import ueipab  # noqa: E402
from support.pg import PgCluster, PgStore  # noqa: E402
from support.stores import store_execute  # noqa: E402

BIN = Path(os.environ.get("BISCHEDULER_BIN", ROOT / "build" / "bischeduler"))
BACKENDS = os.environ.get("BENCH_BACKENDS", "sqlite postgres").split()
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
LOAD = int(os.environ.get("BENCH_LOAD_SECONDS", "8"))
PW = "bench-Password-2026"
GEN = [f"g{i:02d}" for i in range(1, 11)]
READ = ["r1", "r2"]
THREADS = os.environ.get("BISCHEDULER_TT_THREADS", f"{max(1, min(4, (os.cpu_count() or 2) // 2))}")


def sh(*args):
    p = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p.stdout


class Client:
    """requests with a school's Host header and session, shaped like the
    tests' client (get/post/delete returning responses)."""

    def __init__(self, port, code):
        self.base = f"http://127.0.0.1:{port}"
        self.s = requests.Session()
        self.h = {"Host": f"bischeduler-{code}.localhost:{port}"}
        r = self.s.post(self.base + "/api/v1/auth/login", headers=self.h,
                        json={"email": f"director@{code}.test", "password": PW})
        r.raise_for_status()
        self.h["X-CSRF-Token"] = r.json()["csrf_token"]

    def get(self, path, **kw):
        return self.s.get(self.base + path, headers=self.h, **kw)

    def post(self, path, **kw):
        return self.s.post(self.base + path, headers=self.h, **kw)

    def delete(self, path, **kw):
        return self.s.delete(self.base + path, headers=self.h, **kw)

    def cookie(self):
        return "; ".join(f"{k}={v}" for k, v in self.s.cookies.items())


def generate_once(c, time_limit=10):
    t0 = time.perf_counter()
    r = c.post("/api/v1/timetables", json={"generate": True, "time_limit": time_limit})
    assert r.status_code == 202, r.text
    tid = r.json()["id"]
    while True:
        t = c.get(f"/api/v1/timetables/{tid}").json()
        if t["job_state"] not in ("queued", "running"):
            break
        time.sleep(0.005)
    dt = time.perf_counter() - t0
    assert t["job_state"] == "done" and t["cost"]["hard"] == 0, t["cost"]
    assert all(l["day"] for l in t["lessons"]) and len(t["lessons"]) == 137
    return dt, t


def wrk(port, c, seconds):
    """GET /api/v1/timetables of c's school with wrk: (p50, p99, req/s)."""
    out = subprocess.run(["wrk", "-t1", "-c4", f"-d{seconds}s", "--latency",
                          "-H", f"Host: {c.h['Host']}", "-H", f"Cookie: {c.cookie()}",
                          f"http://127.0.0.1:{port}/api/v1/timetables"],
                         capture_output=True, text=True).stdout
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    reqs = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)
    return p50, p99, reqs


def run_backend(backend, work):
    cluster = None
    if backend == "postgres":
        cluster = PgCluster().start()
        db = cluster.new_database("bench")
        store_args = ["--database", db.url]
        store_of = lambda code: PgStore(db, "school_" + code)  # noqa: E731
    else:
        store_args = ["--data", work / "data"]
        store_of = lambda code: work / "data" / "schools" / f"{code}.sqlite"  # noqa: E731
    pwfile = work / "pw"
    pwfile.write_text(PW + "\n")
    sh(BIN, "init", *store_args, "--admin-email", "admin@bench.test", "--admin-password-file", pwfile)
    for code in GEN + READ:
        sh(BIN, "tenant", "create", *store_args, "--code", code, "--name", f"Bench {code}")
        sh(BIN, "user", "add", *store_args, "--school", code, "--email", f"director@{code}.test",
           "--role", "school_admin", "--password-file", pwfile)
    port = 18000 + os.getpid() % 2000
    log = open(work / f"server-{backend}.err", "w")
    srv = subprocess.Popen([str(BIN), "serve", *store_args, "--listen", f"127.0.0.1:{port}",
                            "--base-domain", "localhost"],
                           stdout=subprocess.DEVNULL, stderr=log)
    try:
        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        clients = {code: Client(port, code) for code in GEN + READ}
        for code in GEN + READ:
            ueipab.load(clients[code], store_of(code), lambda: sh(
                BIN, "timetable", "import", *store_args, "--school", code, ueipab.DATA))
        # (1) one school: request -> draft ready to activate
        c = clients[GEN[0]]
        times = []
        for _ in range(RUNS):
            dt, t = generate_once(c)
            times.append(dt)
            rep = t["report"]
        a0 = time.perf_counter()
        assert c.post(f"/api/v1/timetables/{t['id']}/activate").status_code == 200
        act = time.perf_counter() - a0
        times.sort()
        print(f"{backend:8} generation through the API: median {statistics.median(times) * 1000:.0f} ms,"
              f" max {max(times) * 1000:.0f} ms over {RUNS} runs ({', '.join(f'{x * 1000:.0f}' for x in times)}) (engine {rep['seconds'] * 1000:.0f} ms,"
              f" {rep['iterations']} steps, cost {t['cost']}); activate {act * 1000:.0f} ms", flush=True)
        # (2) ten schools generating for their whole time limit (T01 dislikes
        # every day: the soft cost never reaches 0), reads of two others
        now = "2026-01-01T00:00:00Z"
        for code in GEN:
            for d in range(1, 6):
                store_execute(store_of(code),
                              "INSERT INTO teacher_preferences (staff_id, kind, day, level, status,"
                              " created_at, updated_at) SELECT id, 'day', ?, 'dislike', 'approved', ?, ?"
                              " FROM staff WHERE code = 'T01'", (d, now, now))
        rd = clients[READ[0]]
        base = wrk(port, rd, LOAD)
        print(f"{backend:8} reads of another school, nothing generating ({LOAD} s): p50 {base[0]},"
              f" p99 {base[1]}, {base[2]} req/s", flush=True)
        for code in GEN:
            r = clients[code].post("/api/v1/timetables", json={"generate": True,
                                                                "time_limit": max(1, LOAD // 5)})
            assert r.status_code == 202, r.text
        p50, p99, reqs = wrk(port, rd, LOAD)
        states = [clients[code].get("/api/v1/timetables").json()["items"][0]["job_state"]
                  for code in GEN]
        print(f"{backend:8} reads of another school while 10 schools generate ({LOAD} s, runner "
              f"threads {THREADS} at nice 10): p50 {p50}, p99 {p99},"
              f" {reqs} req/s; generations at the end: "
              f"{states.count('done')} done, {len(states) - states.count('done')} still queued/running",
              flush=True)
    finally:
        srv.terminate()
        srv.wait(30)
        if cluster:
            cluster.destroy()


def main():
    print(f"bischeduler {BIN}; {os.cpu_count()} CPUs; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    with tempfile.TemporaryDirectory(prefix="bis-bench-tt-") as tmp:
        for backend in BACKENDS:
            work = Path(tmp) / backend
            work.mkdir()
            run_backend(backend, work)


if __name__ == "__main__":
    main()
