#!/usr/bin/env python3
"""bench/http/slow_headers.py: the slow-header ("slowloris") load, at scale.

Starts `bischeduler serve` on a throwaway data directory, opens N
connections (default 1,000) that send a request's headers one byte every
--trickle seconds from 127.0.0.1 .. 127.0.0.K (so the per-address limit,
128 by default, is not what stops them), and meanwhile sends plain requests
from 127.0.1.1 on fresh connections. It prints how long the plain requests
took (p50, p99, max, failures) while the slow connections held their slots,
and when the slow ones were closed (the header deadline, --header-timeout).
A figure, not a test: it exits 0 whenever it could measure.

Usage: bench/http/slow_headers.py [--binary build/bischeduler]
       [--connections 1000] [--seconds 15] [--header-timeout 5]
       [--trickle 1.0]
Smoke run (a few seconds): --connections 100 --seconds 4 --header-timeout 2
"""

import argparse
import os
import resource
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def plain_request(port, host):
    start = time.monotonic()
    s = socket.socket()
    s.settimeout(5)
    s.bind(("127.0.1.1", 0))
    s.connect(("127.0.0.1", port))
    s.sendall(f"GET /api/v1/branding HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
              .encode())
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    ok = data.startswith(b"HTTP/1.1 200")
    return ok, time.monotonic() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.environ.get("BISCHEDULER_BIN",
                                                      os.path.join(ROOT, "build", "bischeduler")))
    ap.add_argument("--connections", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--header-timeout", type=int, default=5)
    ap.add_argument("--trickle", type=float, default=1.0)
    args = ap.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, args.connections + 256)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

    tmp = tempfile.mkdtemp(prefix="bench-slow-")
    data = os.path.join(tmp, "data")
    pw = os.path.join(tmp, "pw")
    with open(pw, "w") as f:
        f.write("Clave-Segura-2024\n")
    subprocess.run([args.binary, "init", "--data", data, "--base-domain", "localhost",
                    "--admin-email", "admin@bench.test", "--admin-password-file", pw],
                   check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    host = f"bischeduler.localhost:{port}"
    log = open(os.path.join(tmp, "server.log"), "wb")
    server = subprocess.Popen([args.binary, "serve", "--data", data, "--listen",
                               f"127.0.0.1:{port}", "--quiet",
                               "--header-timeout", str(args.header_timeout)],
                              stderr=log)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        sources = max(1, (args.connections + 99) // 100)   # 100 per address
        slow, opened_at = [], {}
        sel = selectors.DefaultSelector()
        for i in range(args.connections):
            s = socket.socket()
            s.bind((f"127.0.0.{2 + i % sources}", 0))
            s.connect(("127.0.0.1", port))
            s.sendall(f"GET /api/v1/branding HTTP/1.1\r\nHost: {host}\r\nX-Slow: ".encode())
            s.setblocking(False)
            slow.append(s)
            opened_at[s] = time.monotonic()
            sel.register(s, selectors.EVENT_READ)
        print(f"{len(slow)} slow-header connections open from {sources} addresses; "
              f"--header-timeout {args.header_timeout} s, one byte every {args.trickle} s")
        lat, fails, closed_after = [], 0, []
        alive = set(slow)
        start = time.monotonic()
        next_trickle = start
        while time.monotonic() - start < args.seconds:
            now = time.monotonic()
            if now >= next_trickle:
                for s in list(alive):
                    try:
                        s.send(b"a")
                    except OSError:
                        pass
                next_trickle = now + args.trickle
            for key, _ in sel.select(timeout=0):
                s = key.fileobj
                try:
                    gone = s.recv(4096) == b""
                except BlockingIOError:
                    gone = False
                except OSError:
                    gone = True
                if gone and s in alive:
                    alive.discard(s)
                    sel.unregister(s)
                    closed_after.append(time.monotonic() - opened_at[s])
            try:
                ok, t = plain_request(port, host)
                lat.append(t)
                fails += 0 if ok else 1
            except OSError:
                fails += 1
            time.sleep(0.02)
        lat.sort()
        if lat:
            p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
            print(f"plain requests meanwhile: {len(lat)} ok, {fails} failed; "
                  f"p50 {statistics.median(lat) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
                  f"max {lat[-1] * 1000:.1f} ms")
        if closed_after:
            print(f"slow connections closed by the server: {len(closed_after)} of {len(slow)}, "
                  f"after {min(closed_after):.1f}-{max(closed_after):.1f} s")
        else:
            print(f"slow connections closed by the server: 0 of {len(slow)}")
        for s in slow:
            s.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
