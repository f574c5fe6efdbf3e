"""Black-box API tests: fixtures that run the real `bischeduler` binary.

Every test talks to a real server over HTTP on 127.0.0.1 and picks the
school with the Host header, exactly like a browser on *.localhost would.
Servers run on fresh temporary data directories; their stderr goes to a file
that is checked after every test for sanitizer reports (AddressSanitizer,
UndefinedBehaviorSanitizer, LeakSanitizer), and at shutdown (SIGTERM) for a
clean exit with status 0.

Binary: $BISCHEDULER_BIN, default <repo>/build/bischeduler.
"""

import json as jsonlib
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
MIGRATIONS = REPO / "migrations"


def _binary_path():
    raw = os.environ.get("BISCHEDULER_BIN")
    if not raw:
        return REPO / "build" / "bischeduler"
    p = Path(raw)
    if not p.is_absolute():
        p = Path.cwd() / p
    return p


BIN = _binary_path()
BASE = "localhost"
ADMIN_EMAIL = "admin@ueipab.test"
PASSWORD = "Clave-Segura-2024"      # every test user's password (>= 10 chars)
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
START_TIMEOUT = 30.0                # seconds until /healthz must answer
STOP_TIMEOUT = 30.0                 # seconds until exit after SIGTERM


def pytest_sessionstart(session):
    if not (BIN.is_file() and os.access(BIN, os.X_OK)):
        pytest.exit(f"bischeduler binary not found or not executable: {BIN} "
                    "(build it or set BISCHEDULER_BIN)", returncode=4)


# --------------------------------------------------------------------------
# Command line


def cli_env(**extra):
    env = dict(os.environ)
    env.pop("BISCHEDULER_DATA", None)
    env.pop("BISCHEDULER_DATABASE", None)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def sanitizer_findings(text):
    return [m for m in SANITIZER_MARKERS if m in text]


class CliResult:
    def __init__(self, args, proc):
        self.args = args
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    @property
    def text(self):
        return self.out + "\n" + self.err

    def __repr__(self):
        return (f"$ bischeduler {' '.join(self.args)}\n-> exit {self.rc}\n"
                f"stdout:\n{self.out[-3000:]}\nstderr:\n{self.err[-3000:]}")


def cli(*args, timeout=60, env=None, stdin=None):
    """Runs `bischeduler ARGS`; fails the test on a sanitizer report."""
    args = [str(a) for a in args]
    try:
        proc = subprocess.run([str(BIN), *args], capture_output=True,
                              encoding="utf-8", errors="replace",
                              timeout=timeout, env=env or cli_env(),
                              stdin=subprocess.DEVNULL if stdin is None else stdin)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`bischeduler {' '.join(args)}` did not finish within {timeout} s")
    res = CliResult(args, proc)
    found = sanitizer_findings(res.err)
    if found:
        pytest.fail(f"sanitizer report ({', '.join(found)}) from CLI:\n{res!r}")
    return res


def cli_ok(*args, **kw):
    res = cli(*args, **kw)
    assert res.rc == 0, f"command failed:\n{res!r}"
    return res


# --------------------------------------------------------------------------
# HTTP


NOTSET = object()


def describe(r):
    req = r.request
    return (f"{req.method} {req.url} (Host: {req.headers.get('Host')}) -> "
            f"{r.status_code} [{r.headers.get('Content-Type')}] {r.text[:600]!r}")


def parse_set_cookie(raw):
    parts = [p.strip() for p in raw.split(";")]
    name, _, value = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip()
    return {"name": name.strip(), "value": value.strip(), "attrs": attrs, "raw": raw}


def set_cookies(r):
    """All Set-Cookie headers of a reply, parsed."""
    return [parse_set_cookie(v) for v in r.raw.headers.getlist("Set-Cookie")]


def cookie_is_cleared(c):
    if c["value"] in ("", '""'):
        return True
    ma = c["attrs"].get("max-age")
    if ma is not None and ma.lstrip("-").isdigit() and int(ma) <= 0:
        return True
    exp = c["attrs"].get("expires")
    if exp:
        try:
            from email.utils import parsedate_to_datetime
            return parsedate_to_datetime(exp) < datetime.now(timezone.utc)
        except (TypeError, ValueError):
            return False
    return False


class Client:
    """One user agent for one school host: its own cookies, CSRF token and
    (optionally) bearer token. Connects to 127.0.0.1:PORT and sends
    `Host: <host>`."""

    def __init__(self, port, host):
        self.port = port
        self.host = host
        self.http = requests.Session()
        self.cookies = {}
        self.csrf = None
        self.bearer = None
        self.user = None

    def request(self, method, path, json=NOTSET, data=None, headers=None,
                params=None, csrf=NOTSET, bearer=NOTSET, send_cookies=True,
                content_type=NOTSET, timeout=30):
        method = method.upper()
        h = {"Host": self.host}
        if json is not NOTSET:
            data = jsonlib.dumps(json).encode("utf-8")
            if content_type is NOTSET:
                content_type = "application/json"
        if content_type is not NOTSET and content_type is not None:
            h["Content-Type"] = content_type
        if send_cookies and self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        tok = self.bearer if bearer is NOTSET else bearer
        if tok:
            h["Authorization"] = f"Bearer {tok}"
        if method in WRITE_METHODS:
            c = self.csrf if csrf is NOTSET else csrf
            if c:
                h["X-CSRF-Token"] = c
        if headers:
            h.update(headers)
        r = self.http.request(method, f"http://127.0.0.1:{self.port}{path}",
                              data=data, headers=h, params=params,
                              timeout=timeout, allow_redirects=False)
        self.http.cookies.clear()    # cookies are ours (see self.cookies)
        for c in set_cookies(r):
            if cookie_is_cleared(c):
                self.cookies.pop(c["name"], None)
            else:
                self.cookies[c["name"]] = c["value"]
        return r

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=NOTSET, **kw):
        return self.request("POST", path, json=json, **kw)

    def patch(self, path, json=NOTSET, **kw):
        return self.request("PATCH", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, email, password=PASSWORD):
        r = self.post("/api/v1/auth/login", json={"email": email, "password": password})
        if r.status_code == 200:
            body = r.json()
            self.csrf = body.get("csrf_token")
            self.user = body.get("user")
        return r

    @property
    def session_cookie(self):
        return self.cookies.get("bis_session")

    def close(self):
        self.http.close()


def assert_error(r, status, code=None, field=None):
    """The reply is an error in the contract's shape; returns the error."""
    assert r.status_code == status, describe(r)
    ctype = r.headers.get("Content-Type", "")
    assert ctype.startswith("application/json"), describe(r)
    body = r.json()
    err = body.get("error") if isinstance(body, dict) else None
    assert isinstance(err, dict), describe(r)
    if code is not None:
        assert err.get("code") == code, describe(r)
    msg = err.get("message")
    assert isinstance(msg, str) and msg.strip(), f"error without a message: {describe(r)}"
    assert msg != err.get("code"), f"message is not a human sentence: {describe(r)}"
    if field is not None:
        assert err.get("field") == field, describe(r)
    return err


def assert_ok(r, status=200):
    assert r.status_code == status, describe(r)
    assert r.headers.get("Content-Type", "").startswith("application/json"), describe(r)
    return r.json()


def as_json(v):
    """AUDIT before/after are JSON values; tolerate a JSON-encoded string."""
    if isinstance(v, str):
        try:
            return jsonlib.loads(v)
        except ValueError:
            return v
    return v


def all_pages(client, path, params=None, limit=500, max_pages=200):
    """Follows next_cursor; returns every item."""
    items, cursor = [], None
    for _ in range(max_pages):
        p = dict(params or {})
        p["limit"] = limit
        if cursor:
            p["cursor"] = cursor
        body = assert_ok(client.get(path, params=p))
        items.extend(body["items"])
        cursor = body.get("next_cursor")
        if not cursor:
            return items
    pytest.fail(f"{path}: pagination did not end after {max_pages} pages")


def audit_row(client, request_id, **filters):
    """The audit row written by the request with this X-Request-Id."""
    rows = all_pages(client, "/api/v1/audit", params=filters)
    hits = [row for row in rows if row.get("request_id") == request_id]
    assert len(hits) == 1, (f"expected one audit row with request_id {request_id} "
                            f"(filters {filters}), found {len(hits)}; rows: {rows[:10]}")
    return hits[0]


def wait_until(predicate, timeout=3.0, interval=0.1):
    """Polls predicate() until it returns a truthy value; returns the last value."""
    deadline = time.monotonic() + timeout
    while True:
        v = predicate()
        if v or time.monotonic() >= deadline:
            return v
        time.sleep(interval)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------
# Servers


LIVE = []    # instances whose server is running, watched after every test


class Instance:
    """A data directory and, once started, the server serving it."""

    def __init__(self, root):
        self.root = Path(root)
        self.data = self.root / "data"
        self.pwfile = self.root / "password.txt"
        self.pwfile.write_text(PASSWORD + "\n")
        self.proc = None
        self.port = None
        self.log = None
        self.log_offset = 0
        self.serial = 0
        self.stopped_by_test = False
        self._clients = {}

    # setup through the CLI
    def init(self, *extra, admin_email=ADMIN_EMAIL):
        return cli_ok("init", "--data", self.data, "--base-domain", BASE,
                      "--admin-email", admin_email,
                      "--admin-password-file", self.pwfile, *extra)

    def create_school(self, code, name):
        return cli_ok("tenant", "create", "--data", self.data, "--code", code, "--name", name)

    def add_user(self, school, email, role, name=None):
        return cli_ok("user", "add", "--data", self.data, "--school", school,
                      "--email", email, "--role", role,
                      "--name", name or email.split("@")[0].title(),
                      "--password-file", self.pwfile)

    def school_store(self, code):
        return self.data / "schools" / f"{code}.sqlite"

    @property
    def master_store(self):
        return self.data / "master.sqlite"

    # the server
    def start(self, *extra):
        assert self.proc is None or self.proc.poll() is not None, "already running"
        last_error = None
        for _attempt in range(3):
            self.serial += 1
            self.port = free_port()
            self.log = self.root / f"server-{self.serial}.stderr"
            self.log_offset = 0
            self.stopped_by_test = False
            with open(self.log, "wb") as err, open(self.root / f"server-{self.serial}.stdout", "wb") as out:
                self.proc = subprocess.Popen(
                    [str(BIN), "serve", "--data", str(self.data),
                     "--listen", f"127.0.0.1:{self.port}", "--base-domain", BASE,
                     *[str(a) for a in extra]],
                    stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=cli_env())
            LIVE.append(self)
            last_error = self._wait_ready()
            if last_error is None:
                return self
            self._forget()
            if "in use" not in self.stderr_text().lower():
                break
        pytest.fail(last_error)

    def _wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return (f"server exited with status {self.proc.returncode} before it was ready:\n"
                        f"{self.stderr_text()[-4000:]}")
            try:
                r = requests.get(f"http://127.0.0.1:{self.port}/healthz",
                                 headers={"Host": self.host()}, timeout=2)
                if r.status_code == 200:
                    return None
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.proc.kill()
        self.proc.wait()
        return f"server did not answer /healthz within {START_TIMEOUT} s:\n{self.stderr_text()[-4000:]}"

    def _forget(self):
        if self in LIVE:
            LIVE.remove(self)
        for c in self._clients.values():
            c.close()
        self._clients.clear()

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stderr_text(self):
        if self.log is None or not self.log.exists():
            return ""
        return self.log.read_bytes().decode("utf-8", "replace")

    def new_stderr(self):
        """stderr written since the last call."""
        if self.log is None or not self.log.exists():
            return ""
        with open(self.log, "rb") as f:
            f.seek(self.log_offset)
            data = f.read()
        self.log_offset += len(data)
        return data.decode("utf-8", "replace")

    def terminate(self, timeout=STOP_TIMEOUT):
        """SIGTERM; returns the exit status (None if it had to be killed)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self._forget()
                return None
        self._forget()
        return self.proc.returncode

    def stop(self):
        """Stops the server and returns a list of problems (empty if clean)."""
        if self.proc is None:
            return []
        was_running = self.proc.poll() is None
        rc = self.terminate()
        problems = []
        text = self.stderr_text()
        found = sanitizer_findings(text)
        if found:
            problems.append(f"server on port {self.port} wrote a sanitizer report "
                            f"({', '.join(found)}):\n{text[-6000:]}")
        if not self.stopped_by_test:
            if not was_running:
                problems.append(f"server on port {self.port} had exited by itself "
                                f"(status {rc}):\n{text[-4000:]}")
            elif rc is None:
                problems.append(f"server on port {self.port} did not exit within "
                                f"{STOP_TIMEOUT} s of SIGTERM:\n{text[-3000:]}")
            elif rc != 0:
                problems.append(f"server on port {self.port} exited with status {rc} "
                                f"after SIGTERM:\n{text[-4000:]}")
        self.proc = None
        return problems

    def stop_or_fail(self):
        problems = self.stop()
        if problems:
            pytest.fail("\n\n".join(problems))

    # clients
    def host(self, code=None):
        if code in (None, "ueipab"):
            return f"bischeduler.{BASE}:{self.port}"
        return f"bischeduler-{code}.{BASE}:{self.port}"

    def client(self, code=None, host=None):
        return Client(self.port, host or self.host(code))

    def login(self, code, email, password=PASSWORD):
        """A fresh client signed in as email on school code's host."""
        c = self.client(code)
        r = c.login(email, password)
        assert r.status_code == 200, f"login of {email} on {code}: {describe(r)}"
        assert c.session_cookie, f"login of {email} set no bis_session cookie: {r.headers}"
        return c

    def cached_login(self, code, email):
        """A signed-in client shared between tests (never log it out)."""
        key = (code, email)
        if key not in self._clients:
            self._clients[key] = self.login(code, email)
        return self._clients[key]

    def branding(self, code=None, host=None, **kw):
        return self.client(code, host=host).get("/api/v1/branding", **kw)


class InstanceManager:
    def __init__(self, tmp_path_factory):
        self.tmp = tmp_path_factory
        self.made = []

    def __call__(self, name="inst"):
        inst = Instance(self.tmp.mktemp(name))
        self.made.append(inst)
        return inst

    def finish(self):
        problems = []
        for inst in self.made:
            problems += inst.stop()
        if problems:
            pytest.fail("\n\n".join(problems))


@pytest.fixture
def instances(tmp_path_factory):
    """Factory of fresh data dirs/servers, stopped and checked after the test."""
    m = InstanceManager(tmp_path_factory)
    yield m
    m.finish()


@pytest.fixture(scope="module")
def module_instances(tmp_path_factory):
    m = InstanceManager(tmp_path_factory)
    yield m
    m.finish()


@pytest.fixture(autouse=True)
def _watch_servers():
    """After every test: no sanitizer report, no server that died by itself."""
    for inst in LIVE:
        inst.new_stderr()
    yield
    problems = []
    for inst in list(LIVE):
        text = inst.new_stderr()
        found = sanitizer_findings(text)
        if found:
            problems.append(f"server on port {inst.port} wrote a sanitizer report "
                            f"({', '.join(found)}) during this test:\n{text[-6000:]}")
        if inst.proc is not None and inst.proc.poll() is not None and not inst.stopped_by_test:
            problems.append(f"server on port {inst.port} died during this test "
                            f"(status {inst.proc.returncode}):\n{inst.stderr_text()[-4000:]}")
            inst._forget()
    if problems:
        pytest.fail("\n\n".join(problems))


# --------------------------------------------------------------------------
# The shared world: one server, several schools and users of every role.


SCHOOLS = {
    "alpha": "Colegio Alfa",
    "beta": "Liceo Beta Ñandú",
    "demo": "Unidad Educativa Demo",
    "pausa": "Escuela Pausa",
    "pausa2": "Escuela Pausa Dos",
    "ajustes": "Escuela Ajustes",
    "bitacora": "Escuela Bitácora",
}

USERS = [
    ("alpha", "director@alpha.test", "school_admin"),
    ("alpha", "docente@alpha.test", "teacher"),
    ("alpha", "representante@alpha.test", "parent"),
    ("beta", "director@beta.test", "school_admin"),
    ("ueipab", "director@ueipab.test", "school_admin"),
    ("ueipab", "docente@ueipab.test", "teacher"),
    ("demo", "director@demo.test", "school_admin"),
    ("pausa", "director@pausa.test", "school_admin"),
    ("ajustes", "director@ajustes.test", "school_admin"),
    ("bitacora", "director@bitacora.test", "school_admin"),
    ("bitacora", "docente@bitacora.test", "teacher"),
]


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    """One running server shared by the tests that do not disturb each other."""
    m = InstanceManager(tmp_path_factory)
    inst = m("world")
    inst.init()
    for code, name in SCHOOLS.items():
        inst.create_school(code, name)
    for code, email, role in USERS:
        inst.add_user(code, email, role)
    inst.start()
    yield inst
    m.finish()


@pytest.fixture
def platform_admin(world):
    return world.cached_login("ueipab", ADMIN_EMAIL)


# --------------------------------------------------------------------------
# Stores and migrations


def migration_files(kind):
    files = sorted((MIGRATIONS / kind).glob("[0-9][0-9][0-9]_*.sql"))
    assert files, f"no migrations found in {MIGRATIONS / kind}"
    return files


def latest_version(kind):
    return max(int(p.name[:3]) for p in migration_files(kind))


def remove_store(path):
    path = Path(path)
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(str(path) + suffix)
        if p.exists():
            p.unlink()


def build_store(path, kind, upto):
    """A store built by applying migrations 1..upto with Python's sqlite3, the
    way an older binary would have left it."""
    remove_store(path)
    con = sqlite3.connect(str(path))
    try:
        con.execute("CREATE TABLE IF NOT EXISTS schema_migrations("
                    "version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)")
        for f in migration_files(kind):
            v = int(f.name[:3])
            if v > upto:
                continue
            con.executescript(f.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                        (v, f.stem[4:], datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")))
        con.commit()
    finally:
        con.close()


def store_versions(path):
    con = sqlite3.connect(str(path), timeout=10)
    try:
        return sorted(r[0] for r in con.execute("SELECT version FROM schema_migrations"))
    finally:
        con.close()


def store_version(path):
    v = store_versions(path)
    return max(v) if v else 0


def store_shape(path):
    """Tables with their columns, and index names: what a migration changes."""
    con = sqlite3.connect(str(path), timeout=10)
    try:
        shape = {}
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                   "AND name NOT LIKE 'sqlite_%'"):
            cols = tuple(sorted(r[1] for r in con.execute(f'PRAGMA table_info("{name}")')))
            shape["table:" + name] = cols
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='index' "
                                   "AND name NOT LIKE 'sqlite_%'"):
            shape["index:" + name] = ()
        return shape
    finally:
        con.close()


def table_counts(path):
    con = sqlite3.connect(str(path), timeout=10)
    try:
        names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                           "AND name NOT LIKE 'sqlite_%'")]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


# --------------------------------------------------------------------------
# Prometheus text


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)')


def parse_metrics(text):
    types, samples = {}, []
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            parts = line.split()
            if len(parts) >= 4:
                types[parts[2]] = parts[3]
        elif line and not line.startswith("#"):
            m = _SAMPLE.match(line)
            if m:
                try:
                    samples.append((m.group(1), m.group(2) or "", float(m.group(3))))
                except ValueError:
                    pass
    return types, samples
