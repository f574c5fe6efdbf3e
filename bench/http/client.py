#!/usr/bin/python3
"""client.py: the HTTP set-up steps of bench/http/run.

Subcommands (all talk to http://127.0.0.1:PORT only; the school is chosen
by the Host header, as the contract in docs/API.md says):

  create-schools   sign in as the platform admin on the master host and
                   create schools PREFIX-01..PREFIX-N with
                   POST /api/v1/platform/tenants, timing each creation
                   (client-side round trip on a kept-alive connection).
                   Writes one duration in milliseconds per line to --times.
  login-schools    sign in as each school's school_admin on its own host,
                   check GET /api/v1/auth/me answers that user, and write
                   "HOST<TAB>bis_session=..." lines for auth-read.lua.

Proxies from the environment are ignored on purpose (trust_env = False):
nothing here may leave the loopback interface.
"""
import argparse
import concurrent.futures
import statistics
import sys
import time
import threading

import requests

LOOPBACK = "127.0.0.1"


def die(message):
    print(f"client.py: {message}", file=sys.stderr)
    sys.exit(1)


def new_session():
    session = requests.Session()
    session.trust_env = False  # no proxies, no .netrc: loopback only
    return session


def school_code(prefix, number, width):
    return f"{prefix}-{number:0{width}d}"


def post_with_retry(session, url, **kwargs):
    """POST, waiting out 429 (sign-in rate limit) and a transient 503
    store_unavailable; anything else is returned as is."""
    for attempt in range(60):
        reply = session.post(url, timeout=60, **kwargs)
        if reply.status_code == 429 or (
            reply.status_code == 503 and "store_unavailable" in reply.text
        ):
            wait = float(reply.headers.get("Retry-After", "1") or 1)
            print(
                f"client.py: {reply.status_code} on {url}, waiting {wait:.0f} s",
                file=sys.stderr,
            )
            time.sleep(min(max(wait, 0.2), 60))
            continue
        return reply
    return reply


def login(session, base, host, email, password):
    reply = post_with_retry(
        session,
        f"{base}/api/v1/auth/login",
        headers={"Host": host, "Accept": "application/json"},
        json={"email": email, "password": password},
    )
    if reply.status_code != 200:
        die(f"sign-in of {email} on {host}: {reply.status_code} {reply.text[:300]}")
    body = reply.json()
    cookie = reply.cookies.get("bis_session")
    if not cookie or "csrf_token" not in body:
        die(f"sign-in of {email} on {host}: no bis_session cookie or csrf_token")
    return cookie, body["csrf_token"]


def create_schools(args, base, password):
    master_host = f"bischeduler.{args.base_domain}:{args.port}"
    width = max(2, len(str(args.count)))
    codes = [school_code(args.prefix, n, width) for n in range(1, args.count + 1)]
    local = threading.local()
    lock = threading.Lock()

    def worker_session():
        if getattr(local, "session", None) is None:
            session = new_session()
            cookie, csrf = login(session, base, master_host, args.email, password)
            local.session = session
            local.headers = {
                "Host": master_host,
                "Accept": "application/json",
                "Cookie": f"bis_session={cookie}",
                "X-CSRF-Token": csrf,
            }
        return local.session, local.headers

    def create(code):
        session, headers = worker_session()
        payload = {"code": code, "name": f"Unidad Educativa Banco {code}"}
        started = time.perf_counter()
        reply = post_with_retry(
            session, f"{base}/api/v1/platform/tenants", headers=headers, json=payload
        )
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        if reply.status_code != 201:
            die(f"creating {code}: {reply.status_code} {reply.text[:300]}")
        tenant = reply.json()
        if tenant.get("code") != code:
            die(f"creating {code}: reply names {tenant.get('code')!r}")
        if args.progress and int(code.rsplit("-", 1)[1]) % args.progress == 0:
            with lock:
                print(f"  {code} created", file=sys.stderr)
        return elapsed_ms

    if args.concurrency <= 1:
        worker_session()  # sign in before the clock starts
        times = [create(code) for code in codes]
    else:
        with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
            times = list(pool.map(create, codes))

    if args.times:
        with open(args.times, "w") as out:
            for ms in times:
                out.write(f"{ms:.3f}\n")
    print(
        f"created {len(times)} schools: mean {statistics.mean(times):.1f} ms, "
        f"p50 {statistics.median(times):.1f} ms, max {max(times):.1f} ms",
        file=sys.stderr,
    )


def login_schools(args, base, password):
    width = max(2, len(str(args.count)))
    lines = []
    session = new_session()
    for n in range(1, args.count + 1):
        code = school_code(args.prefix, n, width)
        host = f"bischeduler-{code}.{args.base_domain}:{args.port}"
        email = f"director@{code}.{args.base_domain}"
        cookie, _ = login(session, base, host, email, password)
        session.cookies.clear()
        # The session must work, for this school and this user, before it
        # is used to measure anything: a benchmark of 401s proves nothing.
        reply = session.get(
            f"{base}/api/v1/auth/me",
            headers={"Host": host, "Accept": "application/json",
                     "Cookie": f"bis_session={cookie}"},
            timeout=30,
        )
        if reply.status_code != 200:
            die(f"GET /api/v1/auth/me on {host}: {reply.status_code} {reply.text[:300]}")
        user = reply.json().get("user", {})
        if user.get("email") != email or user.get("role") != "school_admin" or \
                user.get("school", {}).get("code") != code:
            die(f"GET /api/v1/auth/me on {host} answered another user: {reply.text[:300]}")
        lines.append(f"{host}\tbis_session={cookie}\n")
    with open(args.out, "w") as out:
        out.writelines(lines)
    print(f"signed in to {len(lines)} schools", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["create-schools", "login-schools"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--base-domain", default="localhost")
    parser.add_argument("--prefix", default="bench")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--email", help="platform admin (create-schools)")
    parser.add_argument("--password-file", required=True)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--times", help="create-schools: per-creation ms")
    parser.add_argument("--out", help="login-schools: sessions file")
    parser.add_argument("--progress", type=int, default=0)
    args = parser.parse_args()

    base = f"http://{LOOPBACK}:{args.port}"
    with open(args.password_file) as f:
        password = f.readline().rstrip("\n")
    if args.command == "create-schools":
        if not args.email:
            die("create-schools needs --email")
        create_schools(args, base, password)
    else:
        if not args.out:
            die("login-schools needs --out")
        login_schools(args, base, password)


if __name__ == "__main__":
    main()
