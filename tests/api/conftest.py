"""Black-box API tests: fixtures that run the real `bischeduler` binary.

Every test talks to a real server over HTTP on 127.0.0.1 and picks the
school with the Host header, exactly like a browser on *.localhost would.
Servers run on fresh temporary data directories; their stderr goes to a file
that is checked after every test for sanitizer reports (AddressSanitizer,
UndefinedBehaviorSanitizer, LeakSanitizer), and at shutdown (SIGTERM) for a
clean exit with status 0.

Binary: $BISCHEDULER_BIN, default <repo>/build/bischeduler.

Backend: $BISCHEDULER_TEST_BACKEND, `sqlite` (default) or `postgres`. On
postgres the session creates a throwaway PostgreSQL cluster (Debian's
postgresql 15: initdb and pg_ctl run as the `postgres` user in a temporary
directory, trust authentication, 127.0.0.1 on a free port) and removes it at
the end; every data directory a test names gets its own fresh database, and
every `--data DIR` (and BISCHEDULER_DATA) given to the binary becomes
`--database URL` of that database. Tests inspect stores through the helpers
below (store_version, store_shape, build_store, ...), which take the handle
returned by Instance.school_store()/master_store: a Path on SQLite, a PgStore
(database + schema) on PostgreSQL. Tests marked `postgres_only` are about
what exists only there and are not collected on SQLite.
"""

import atexit
import json as jsonlib
import os
import pwd
import re
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import tempfile
import threading
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


BACKEND = {"": "sqlite", "sqlite": "sqlite", "postgres": "postgres", "postgresql": "postgres",
           "pg": "postgres"}.get(os.environ.get("BISCHEDULER_TEST_BACKEND", "").strip().lower(), "?")
ON_POSTGRES = BACKEND == "postgres"


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres_only: about the PostgreSQL backend only; "
                            "not collected when the suite runs on SQLite")


def pytest_sessionstart(session):
    if BACKEND == "?":
        pytest.exit("BISCHEDULER_TEST_BACKEND must be sqlite or postgres, not "
                    f"{os.environ.get('BISCHEDULER_TEST_BACKEND')!r}", returncode=4)
    if not (BIN.is_file() and os.access(BIN, os.X_OK)):
        pytest.exit(f"bischeduler binary not found or not executable: {BIN} "
                    "(build it or set BISCHEDULER_BIN)", returncode=4)
    if ON_POSTGRES:
        try:
            shared_cluster()
        except Exception as e:      # noqa: BLE001 - any reason means no test can run
            pytest.exit(f"could not start the test PostgreSQL cluster: {e}", returncode=4)


def pytest_sessionfinish(session):
    PgCluster.destroy_all()


def pytest_report_header(config):
    if ON_POSTGRES and PgCluster.shared is not None:
        c = PgCluster.shared
        return f"backend: postgres (throwaway cluster {c.dir}, 127.0.0.1:{c.port})"
    return f"backend: {BACKEND}"


def pytest_collection_modifyitems(config, items):
    if ON_POSTGRES:
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


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


def cli(*args, timeout=60, env=None, stdin=None, raw=False):
    """Runs `bischeduler ARGS`; fails the test on a sanitizer report. On
    PostgreSQL `--data DIR` and BISCHEDULER_DATA become that directory's
    database (see backend_args) unless raw."""
    args = [str(a) for a in args] if raw else backend_args(args)
    env = env or cli_env()
    try:
        proc = subprocess.run([str(BIN), *args], capture_output=True,
                              encoding="utf-8", errors="replace",
                              timeout=timeout, env=env if raw else backend_env(env),
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
        # The server closes keep-alive connections idle for 30 s (--timeout);
        # a pooled connection older than that would be reset on reuse, so
        # a client that sat idle starts a fresh one.
        now = time.monotonic()
        if now - getattr(self, "_last_request", now) > 20:
            self.http.close()
        self._last_request = now
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
# PostgreSQL: a throwaway cluster and a small client of the wire protocol
#
# python3-psycopg2 is not installed and psql costs a process per query
# (~40 ms): too slow for a test that polls while `migrate` runs. The simple
# query protocol with trust authentication is all these tests need.


PG_APP = "bischeduler-tests"       # application_name of the tests' own sessions


class PgError(Exception):
    def __init__(self, fields):
        self.fields = fields
        self.sqlstate = fields.get("C")
        super().__init__(f"{fields.get('S', 'ERROR')}: {fields.get('M', '?')} "
                         f"(SQLSTATE {self.sqlstate})")


class PgConn:
    """One session; query() runs a script (one or more statements, no
    parameters) and returns the rows of each statement, values as str/None."""

    def __init__(self, port, dbname, user="postgres", host="127.0.0.1", timeout=60):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        params = {"user": user, "database": dbname, "application_name": PG_APP,
                  "client_encoding": "UTF8"}
        body = struct.pack("!i", 196608) + b"".join(
            k.encode() + b"\0" + v.encode() + b"\0" for k, v in params.items()) + b"\0"
        self.sock.sendall(struct.pack("!i", len(body) + 4) + body)
        while True:
            kind, data = self._read()
            if kind == b"R":
                code = struct.unpack("!i", data[:4])[0]
                if code != 0:
                    self.close()
                    raise PgError({"M": f"authentication method {code} requested; "
                                        "the test cluster uses trust"})
            elif kind == b"E":
                self.close()
                raise PgError(self._fields(data))
            elif kind == b"Z":
                return

    def _recv(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("PostgreSQL closed the connection")
            buf += chunk
        return buf

    def _read(self):
        head = self._recv(5)
        length = struct.unpack("!i", head[1:])[0]
        return head[:1], self._recv(length - 4)

    @staticmethod
    def _fields(data):
        fields = {}
        for part in data.split(b"\0"):
            if part:
                fields[part[:1].decode()] = part[1:].decode("utf-8", "replace")
        return fields

    def query(self, sql):
        body = sql.encode("utf-8") + b"\0"
        self.sock.sendall(b"Q" + struct.pack("!i", len(body) + 4) + body)
        results, rows, error = [], None, None
        while True:
            kind, data = self._read()
            if kind == b"T":
                rows = []
            elif kind == b"D":
                n = struct.unpack("!h", data[:2])[0]
                pos, row = 2, []
                for _ in range(n):
                    ln = struct.unpack("!i", data[pos:pos + 4])[0]
                    pos += 4
                    if ln < 0:
                        row.append(None)
                    else:
                        row.append(data[pos:pos + ln].decode("utf-8"))
                        pos += ln
                rows.append(row)
            elif kind in (b"C", b"I"):
                results.append(rows if rows is not None else [])
                rows = None
            elif kind == b"E":
                error = PgError(self._fields(data))
            elif kind == b"Z":
                if error:
                    if data != b"I":        # a script's BEGIN left a failed transaction open
                        self.query("ROLLBACK")
                    raise error
                return results

    def close(self):
        try:
            self.sock.sendall(b"X" + struct.pack("!i", 4))
        except OSError:
            pass
        self.sock.close()


def sql_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def sql_ident(name):
    return '"' + str(name).replace('"', '""') + '"'


def _bind(sql, params):
    """`?` placeholders filled with literals (for the tests' own queries)."""
    parts = sql.split("?")
    assert len(parts) == len(params) + 1, (sql, params)
    out = [parts[0]]
    for v, rest in zip(params, parts[1:]):
        out += [sql_literal(v), rest]
    return "".join(out)


def _pg_bindir():
    for d in sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                    key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
                    reverse=True):
        if (d / "initdb").exists() and (d / "pg_ctl").exists():
            return d
    raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin "
                       "(apt-get install postgresql)")


class PgCluster:
    """A PostgreSQL cluster of its own in a temporary directory, run by the
    postgres user when the tests run as root."""

    shared = None       # the session's cluster (BISCHEDULER_TEST_BACKEND=postgres)
    alive = []

    def __init__(self):
        self.bindir = _pg_bindir()
        self.dir = None
        self.port = None
        self.running = False
        self.counter = 0
        self._lock = threading.Lock()

    def _as_owner(self, argv):
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *argv]
        return argv

    def _run(self, *argv, timeout=60, check=True):
        proc = subprocess.run(self._as_owner([str(a) for a in argv]), capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                              env={**os.environ, "LC_ALL": "C.UTF-8"}, cwd="/")
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, argv))} -> exit {proc.returncode}\n"
                               f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}\n{self.log_tail()}")
        return proc

    def log_tail(self, n=3000):
        try:
            return (Path(self.dir) / "postgres.log").read_text(errors="replace")[-n:]
        except (OSError, TypeError):
            return ""

    def start(self):
        self.dir = Path(tempfile.mkdtemp(prefix="bischeduler-pg-"))
        PgCluster.alive.append(self)
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        os.chmod(self.dir, 0o700)
        self._run(self.bindir / "initdb", "-D", self.dir / "data", "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions")
        for attempt in range(5):
            self.port = free_port()
            try:
                self.pg_ctl_start()
                return self
            except RuntimeError:
                if attempt == 4 or "already in use" not in self.log_tail():
                    raise

    def pg_ctl_start(self):
        opts = " ".join([
            "-c listen_addresses=127.0.0.1", f"-p {self.port}", f"-k {self.dir}",
            "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
            "-c max_connections=300", "-c shared_buffers=32MB"])
        self._run(self.bindir / "pg_ctl", "-D", self.dir / "data", "-l", self.dir / "postgres.log",
                  "-w", "-t", "60", "-o", opts, "start", timeout=90)
        self.running = True

    def pg_ctl_stop(self, mode="fast"):
        self._run(self.bindir / "pg_ctl", "-D", self.dir / "data", "-w", "-t", "60",
                  "-m", mode, "stop", timeout=90)
        self.running = False

    def restart(self, mode="fast"):
        self.pg_ctl_stop(mode)
        self.pg_ctl_start()

    def destroy(self):
        if self.dir is None:
            return
        try:
            if (self.dir / "data" / "postmaster.pid").exists():
                self._run(self.bindir / "pg_ctl", "-D", self.dir / "data", "-w", "-t", "30",
                          "-m", "immediate", "stop", timeout=60, check=False)
        finally:
            self.running = False
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
            if self in PgCluster.alive:
                PgCluster.alive.remove(self)

    @classmethod
    def destroy_all(cls):
        for c in list(cls.alive):
            c.destroy()
        cls.shared = None

    def url(self, dbname):
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname="postgres"):
        return PgConn(self.port, dbname)

    def new_database(self, hint="db"):
        with self._lock:
            self.counter += 1
            name = re.sub(r"[^a-z0-9_]", "_", f"t{self.counter}_{hint.lower()}")[:60]
        con = self.connect()
        try:
            con.query(f"CREATE DATABASE {sql_ident(name)}")
        finally:
            con.close()
        return Database(self, name)


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")     # pytest finishes the session, then cleans up


def shared_cluster():
    if PgCluster.shared is None:
        c = PgCluster()
        PgCluster.shared = c
        atexit.register(PgCluster.destroy_all)
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _on_sigterm)
        c.start()
    return PgCluster.shared


class Database:
    """A database of a cluster, with one cached session of the tests' own."""

    def __init__(self, cluster, name):
        self.cluster = cluster
        self.name = name
        self._con = None
        self._lock = threading.Lock()

    @property
    def url(self):
        return self.cluster.url(self.name)

    def query(self, sql):
        """Runs a script; reconnects once if the session was lost (a restart)."""
        with self._lock:
            return self._query(sql)

    def _query(self, sql):
        for attempt in (0, 1):
            if self._con is None:
                self._con = self.cluster.connect(self.name)
            try:
                return self._con.query(sql)
            except (ConnectionError, OSError, PgError) as e:
                lost = not isinstance(e, PgError) or (e.sqlstate or "").startswith(("57P", "08"))
                if not lost or attempt == 1:
                    raise
                try:
                    self._con.close()
                except OSError:
                    pass
                self._con = None

    def rows(self, sql, params=()):
        return self.query(_bind(sql, params))[-1]

    def close(self):
        if self._con is not None:
            self._con.close()
            self._con = None


_DATABASES = {}   # data directory -> its Database, or None where it stays on SQLite


def database_for(data_dir):
    """The database standing in for a data directory: on PostgreSQL a fresh
    one, created on first use; None on SQLite."""
    key = os.path.abspath(str(data_dir))
    if key in _DATABASES:
        return _DATABASES[key]
    if not ON_POSTGRES:
        return None
    db = shared_cluster().new_database(Path(key).parent.name)
    _DATABASES[key] = db
    return db


def pin_data_dir(data_dir, database):
    """This data directory stands for `database` (None: stays on SQLite)."""
    _DATABASES[os.path.abspath(str(data_dir))] = database


def pg_schema(code):
    """The schema of a store: `platform` (master) or school_<code, - as _>."""
    return "platform" if code == "master" else "school_" + code.replace("-", "_")


class PgStore:
    """A store on PostgreSQL: a schema of a database."""

    def __init__(self, database, schema):
        self.db = database
        self.schema = schema

    def __repr__(self):
        return f"PgStore({self.db.name}.{self.schema})"

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, PgStore) and (self.db.name, self.schema) == (other.db.name, other.schema)

    def __hash__(self):
        return hash((self.db.name, self.schema))

    def rows(self, sql, params=()):
        """Rows of one statement run with the store's schema as search_path."""
        res = self.db.query(f"BEGIN; SELECT set_config('search_path', {sql_literal(self.schema)}, true); "
                            f"{_bind(sql, params)}; COMMIT")
        return res[2]

    def exists(self):
        return bool(self.db.rows("SELECT 1 FROM pg_namespace WHERE nspname = ?", (self.schema,)))


def backend_args(args):
    """A command line with `--data DIR` replaced by `--database URL` of the
    database standing in for DIR (PostgreSQL); unchanged on SQLite."""
    args = [str(a) for a in args]
    out, i = [], 0
    while i < len(args):
        a = args[i]
        if a == "--data" and i + 1 < len(args):
            db = database_for(args[i + 1])
            out += ["--database", db.url] if db else [a, args[i + 1]]
            i += 2
            continue
        if a.startswith("--data="):
            db = database_for(a[len("--data="):])
            a = "--database=" + db.url if db else a
        out.append(a)
        i += 1
    return out


def backend_env(env):
    """BISCHEDULER_DATA=DIR becomes BISCHEDULER_DATABASE=URL where DIR stands
    for a database."""
    db = database_for(env["BISCHEDULER_DATA"]) if env.get("BISCHEDULER_DATA") else None
    if db is not None:
        env = dict(env)
        del env["BISCHEDULER_DATA"]
        env["BISCHEDULER_DATABASE"] = db.url
    return env


# --------------------------------------------------------------------------
# Servers


LIVE = []    # instances whose server is running, watched after every test


class Instance:
    """A data directory and, once started, the server serving it."""

    def __init__(self, root, backend=None, cluster=None):
        """backend: "sqlite" keeps this one on SQLite whatever the suite's
        backend; cluster: a PgCluster of the test's own for its database."""
        self.root = Path(root)
        self.data = self.root / "data"
        if backend == "sqlite":
            pin_data_dir(self.data, None)
        elif cluster is not None:
            pin_data_dir(self.data, cluster.new_database(self.root.name))
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

    @property
    def database(self):
        """The PostgreSQL database of this platform (None on SQLite)."""
        return database_for(self.data)

    @property
    def on_postgres(self):
        return self.database is not None

    def store_args(self):
        """How the binary is told where this platform lives."""
        return backend_args(["--data", self.data])

    def store_env(self):
        """The same, as environment (BISCHEDULER_DATA or BISCHEDULER_DATABASE)."""
        return backend_env({"BISCHEDULER_DATA": str(self.data)})

    def school_store(self, code):
        """A school's store, for the store helpers: a file or a schema."""
        db = self.database
        if db is not None:
            return PgStore(db, pg_schema(code))
        return self.data / "schools" / f"{code}.sqlite"

    @property
    def master_store(self):
        db = self.database
        if db is not None:
            return PgStore(db, pg_schema("master"))
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
                    [str(BIN), "serve", *self.store_args(),
                     "--listen", f"127.0.0.1:{self.port}", "--base-domain", BASE,
                     *self._pool_args(extra), *[str(a) for a in extra]],
                    stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=cli_env())
            LIVE.append(self)
            last_error = self._wait_ready()
            if last_error is None:
                return self
            self._forget()
            if "in use" not in self.stderr_text().lower():
                break
        pytest.fail(last_error)

    def _pool_args(self, extra):
        """$BISCHEDULER_TEST_DB_POOL: every PostgreSQL server gets that many
        connections unless the test says otherwise (1 finds code that holds
        two connections at once: it hangs)."""
        n = os.environ.get("BISCHEDULER_TEST_DB_POOL")
        if n and self.on_postgres and "--db-pool" not in [str(a) for a in extra]:
            return ["--db-pool", n]
        return []

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

    def __call__(self, name="inst", backend=None, cluster=None):
        inst = Instance(self.tmp.mktemp(name), backend=backend, cluster=cluster)
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
#
# A store handle is what Instance.school_store()/master_store return: a Path
# (SQLite file) or a PgStore (PostgreSQL schema). Every helper takes either.


def migration_dir(kind, postgres=False):
    return MIGRATIONS / "postgres" / kind if postgres else MIGRATIONS / kind


def migration_files(kind, postgres=False):
    d = migration_dir(kind, postgres)
    files = sorted(d.glob("[0-9][0-9][0-9]_*.sql"))
    assert files, f"no migrations found in {d}"
    return files


def latest_version(kind):
    latest = max(int(p.name[:3]) for p in migration_files(kind))
    if ON_POSTGRES:
        pg = max(int(p.name[:3]) for p in migration_files(kind, postgres=True))
        assert pg == latest, (f"migrations/{kind} ends at {latest} but "
                              f"migrations/postgres/{kind} at {pg}")
    return latest


_scratch = {}


def scratch_store(tmpdir, name):
    """An empty place for a store of the tests' own (e.g. a reference store
    built from the migration files), on the suite's backend."""
    if not ON_POSTGRES:
        return Path(tmpdir) / f"{name}.sqlite"
    if "db" not in _scratch:
        _scratch["db"] = shared_cluster().new_database("scratch")
    return PgStore(_scratch["db"], re.sub(r"[^a-z0-9_]", "_", name.lower()))


def store_exists(store):
    if isinstance(store, PgStore):
        return store.exists()
    return Path(store).exists()


def remove_store(store):
    if isinstance(store, PgStore):
        store.db.query(f"DROP SCHEMA IF EXISTS {sql_ident(store.schema)} CASCADE")
        return
    path = Path(store)
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(str(path) + suffix)
        if p.exists():
            p.unlink()


def _utc_now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_store(store, kind, upto):
    """A store built by applying migrations 1..upto from the migration files
    (Python's sqlite3, or SQL over the wire in one transaction), the way an
    older binary would have left it."""
    if isinstance(store, PgStore):
        sch = sql_ident(store.schema)
        script = [f"BEGIN; DROP SCHEMA IF EXISTS {sch} CASCADE; CREATE SCHEMA {sch}; "
                  f"SELECT set_config('search_path', {sql_literal(store.schema)}, true); "
                  "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                  "name TEXT NOT NULL, applied_at TEXT NOT NULL);"]
        for f in migration_files(kind, postgres=True):
            v = int(f.name[:3])
            if v <= upto:
                script.append(f.read_text(encoding="utf-8") + "\n;")
                script.append("INSERT INTO schema_migrations (version, name, applied_at) VALUES "
                              f"({v}, {sql_literal(f.name)}, {sql_literal(_utc_now())});")
        script.append("COMMIT;")
        store.db.query("\n".join(script))
        return
    remove_store(store)
    con = sqlite3.connect(str(store))
    try:
        con.execute("CREATE TABLE IF NOT EXISTS schema_migrations("
                    "version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)")
        for f in migration_files(kind):
            v = int(f.name[:3])
            if v > upto:
                continue
            con.executescript(f.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                        (v, f.stem[4:], _utc_now()))
        con.commit()
    finally:
        con.close()


def corrupt_store(store):
    """A store that `migrate` cannot bring up to date: bytes that are no
    SQLite database; on PostgreSQL a schema with no recorded version whose
    `settings` table has another shape, so migration 001 fails on it."""
    if isinstance(store, PgStore):
        sch = sql_ident(store.schema)
        store.db.query(f"BEGIN; DROP SCHEMA IF EXISTS {sch} CASCADE; CREATE SCHEMA {sch}; "
                       f"CREATE TABLE {sch}.schema_migrations (version INTEGER PRIMARY KEY, "
                       "name TEXT NOT NULL, applied_at TEXT NOT NULL); "
                       f"CREATE TABLE {sch}.settings (basura BYTEA); COMMIT")
        return
    remove_store(store)
    with open(store, "wb") as f:
        f.write(b"esto no es una base de datos SQLite \x00\xff" * 300)


def store_rows(store, sql, params=()):
    """Rows of one query (`?` placeholders) on a store."""
    if isinstance(store, PgStore):
        return [tuple(r) for r in store.rows(sql, params)]
    con = sqlite3.connect(str(store), timeout=10)
    try:
        return [tuple(r) for r in con.execute(sql, params).fetchall()]
    finally:
        con.close()


def store_execute(store, sql, params=()):
    """Runs one statement on a store and commits."""
    if isinstance(store, PgStore):
        store.rows(sql, params)
        return
    con = sqlite3.connect(str(store), timeout=10)
    try:
        con.execute(sql, params)
        con.commit()
    finally:
        con.close()


def record_version(store, version, name="from_the_future"):
    """Records a migration in schema_migrations without applying anything
    (e.g. a version newer than the binary)."""
    store_execute(store, "INSERT INTO schema_migrations(version, name, applied_at) "
                  "VALUES (?, ?, ?)", (version, name, "2099-01-01T00:00:00Z"))


def store_versions(store):
    return sorted(int(r[0]) for r in store_rows(store, "SELECT version FROM schema_migrations"))


def store_version(store):
    v = store_versions(store)
    return max(v) if v else 0


def _pg_tables(store):
    return [r[0] for r in store.db.rows(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY 1", (store.schema,))]


def store_shape(store):
    """Tables with their columns, and index names: what a migration changes."""
    if isinstance(store, PgStore):
        shape = {}
        for kind, name, column in store.db.rows(
                "SELECT CASE WHEN c.relkind = 'i' THEN 'index' ELSE 'table' END, c.relname, a.attname "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
                "AND NOT a.attisdropped AND c.relkind IN ('r', 'p') "
                "WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'i')", (store.schema,)):
            cols = shape.setdefault(f"{kind}:{name}", [])
            if kind == "table" and column is not None:
                cols.append(column)
        return {k: tuple(sorted(v)) for k, v in shape.items()}
    con = sqlite3.connect(str(store), timeout=10)
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


def table_counts(store):
    if isinstance(store, PgStore):
        names = _pg_tables(store)
        if not names:
            return {}
        sch = sql_ident(store.schema)
        row = store.db.rows("SELECT " + ", ".join(
            f"(SELECT count(*) FROM {sch}.{sql_ident(n)})" for n in names))[0]
        return dict(zip(names, (int(v) for v in row)))
    con = sqlite3.connect(str(store), timeout=10)
    try:
        names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                           "AND name NOT LIKE 'sqlite_%'")]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def stores_state(stores):
    """Something that changes as soon as a process starts working on these
    stores: the files of their directories (names, times, sizes: a journal
    appears at the first write); on PostgreSQL the sessions connected to
    their database other than the tests' own, and the migrations committed."""
    stores = list(stores)
    if stores and isinstance(stores[0], PgStore):
        db = stores[0].db
        counts = ", ".join(f"(SELECT count(*) FROM {sql_ident(s.schema)}.schema_migrations)"
                           for s in stores)
        return tuple(db.rows(
            "SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            f"AND backend_type = 'client backend' AND application_name <> {sql_literal(PG_APP)}), "
            + counts)[0])
    state = {}
    for d in sorted({Path(s).parent for s in stores}):
        for e in os.scandir(d):
            try:
                st = e.stat()
            except FileNotFoundError:          # a -wal/-journal file that just went away
                state[e.path] = None
                continue
            state[e.path] = (st.st_mtime_ns, st.st_size)
    return state


def backend_sessions(database):
    """Sessions connected to a database other than the tests' own."""
    return int(database.rows(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND backend_type = 'client backend' "
        "AND application_name <> ?", (database.name, PG_APP))[0][0])


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
