#!/usr/bin/env python3
"""bench/matricula: the Matrícula import through the API (see run and
bench/README.md). Prints one line per (backend, format, size): the dry run's
and the commit's round-trip seconds (upload, read, plan or write, reply),
the re-import's (nothing to change), the server's peak RSS during the
commit (VmHWM, reset before it through /proc/PID/clear_refs; a fresh
server per file, after its dry run), and, for the
largest school, the students list's p99 (search, filter, page of 50) when
the server has GET /api/v1/students. BENCH_FILES=DIR keeps the generated
files in DIR and reuses them in later runs."""

import os
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
SIZES = [int(x) for x in os.environ.get("BENCH_SIZES", "1000 10000").split()]
FORMATS = os.environ.get("BENCH_FORMATS", "xls xlsx").split()
BACKENDS = os.environ.get("BENCH_BACKENDS", "sqlite postgres").split()
PW = "bench-Password-2026"


def sh(*args, env=None):
    p = subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def vm(pid, key):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


class Server:
    def __init__(self, store_args, work):
        self.store_args = store_args
        self.port = 18000 + os.getpid() % 2000
        self.proc = subprocess.Popen([str(BIN), "serve", *store_args, "--listen",
                                      f"127.0.0.1:{self.port}", "--base-domain", "localhost",
                                      "--threads", "2"],
                                     stdout=open(work / "server.out", "w"),
                                     stderr=open(work / "server.err", "w"))
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


def session(srv, code):
    s = requests.Session()
    host = {"Host": f"bischeduler-{code}.localhost:{srv.port}"}
    r = s.post(f"http://127.0.0.1:{srv.port}/api/v1/auth/login", headers=host,
               json={"email": f"director@{code}.test", "password": PW})
    r.raise_for_status()
    host["X-CSRF-Token"] = r.json()["csrf_token"]
    return s, host


def timed_post(s, srv, host, data, mode):
    t = time.monotonic()
    r = s.post(f"http://127.0.0.1:{srv.port}/api/v1/imports/matricula",
               params={"mode": mode, "filename": "bench"}, data=data,
               headers={**host, "Content-Type": "application/octet-stream"}, timeout=600)
    dt = time.monotonic() - t
    if r.status_code != 200:
        sys.exit(f"import {mode}: {r.status_code} {r.text[:500]}")
    return dt, r.json()


def list_p99(s, srv, host, n=300):
    base = f"http://127.0.0.1:{srv.port}/api/v1/students"
    r = s.get(base, headers=host, params={"limit": 50})
    if r.status_code == 404:
        return None
    grades = s.get(f"http://127.0.0.1:{srv.port}/api/v1/grades", headers=host)
    gid = grades.json()["items"][0]["id"] if grades.status_code == 200 else None
    queries = [{"q": "pérez"}, {"q": "3000"}, {"limit": 50},
               {"grade_id": gid, "limit": 50} if gid else {"q": "maria"},
               {"q": "gonzalez", "status": "activo"}]
    times = []
    per = {}
    for i in range(n):
        q = queries[i % len(queries)]
        t = time.monotonic()
        r = s.get(base, headers=host, params=q)
        ms = (time.monotonic() - t) * 1000
        times.append(ms)
        per.setdefault(str(q), []).append(ms)
        r.raise_for_status()
    times.sort()
    for q, v in per.items():
        v.sort()
        print(f"    students list {q}: median {statistics.median(v):.1f} ms, "
              f"max {v[-1]:.1f} ms", flush=True)
    return times[int(len(times) * 0.99) - 1], statistics.median(times)


def run_backend(backend, files, work):
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
    sh(BIN, "init", *store_args, "--admin-email", "admin@bench.test",
       "--admin-password-file", pwfile)
    out = []
    srv = None
    try:
        codes = []
        for (fmt, n), path in files.items():
            code = f"b{fmt}{n}"
            codes.append((code, fmt, n, path))
            sh(BIN, "tenant", "create", *store_args, "--code", code, "--name", f"Bench {fmt} {n}")
            sh(BIN, "user", "add", *store_args, "--school", code, "--email",
               f"director@{code}.test", "--role", "school_admin", "--password-file", pwfile)
        for code, fmt, n, path in codes:
            # a fresh server per file: its peak RSS is this import's alone
            if srv:
                srv.stop()
            srv = Server(store_args, work)
            data = Path(path).read_bytes()
            s, host = session(srv, code)
            dry, rep = timed_post(s, srv, host, data, "dry_run")
            assert rep["created"] == n and rep["rejected"] == 0, rep
            Path(f"/proc/{srv.proc.pid}/clear_refs").write_text("5")
            commit, rep = timed_post(s, srv, host, data, "commit")
            hwm = vm(srv.proc.pid, "VmHWM")
            assert rep["created"] == n and rep["committed"], rep
            again, rep = timed_post(s, srv, host, data, "commit")
            assert rep["unchanged"] == n, rep
            p99 = list_p99(s, srv, host) if n == max(SIZES) else None
            out.append((backend, fmt, n, len(data), dry, commit, again, hwm, p99))
            print(f"{backend:8} {fmt:4} {n:6} students {len(data) / 2**20:6.1f} MiB: "
                  f"dry run {dry:6.2f} s, commit {commit:6.2f} s, re-import {again:6.2f} s, "
                  f"peak RSS {hwm:6.1f} MiB"
                  + (f", students list p99 {p99[0]:.1f} ms (median {p99[1]:.1f})" if p99 else ""),
                  flush=True)
    finally:
        if srv:
            srv.stop()
        if cluster:
            cluster.destroy()
    return out


def main():
    with tempfile.TemporaryDirectory(prefix="bis-bench-matricula-") as tmp:
        work = Path(tmp)
        files = {}
        keep = Path(os.environ["BENCH_FILES"]) if os.environ.get("BENCH_FILES") else None
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
        for fmt in FORMATS:
            for n in SIZES:
                p = (keep or work) / f"m{n}.{fmt}"
                if keep and p.exists():  # gen.py is deterministic: the same file
                    files[(fmt, n)] = p
                    continue
                t = time.monotonic()
                sh(sys.executable, HERE / "gen.py", n, fmt, p)
                print(f"generated {p.name} ({p.stat().st_size / 2**20:.1f} MiB) in "
                      f"{time.monotonic() - t:.1f} s", flush=True)
                files[(fmt, n)] = p
        for b in BACKENDS:
            (work / b).mkdir()
            run_backend(b, files, work / b)


if __name__ == "__main__":
    main()
