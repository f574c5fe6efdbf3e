"""PostgreSQL for the tests: a throwaway cluster (Debian's postgresql 15:
initdb and pg_ctl run as the `postgres` user in a temporary directory, trust
authentication, 127.0.0.1 on a free port), the databases that stand in for
data directories, and the tests' own sessions through psycopg2
(python3-psycopg2).

Sessions run in autocommit mode, so a script may bring its own BEGIN/COMMIT;
rows() binds `?` placeholders (the tests' SQL is written once for SQLite and
PostgreSQL) and returns native Python values, as sqlite3 does.
"""

import atexit
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

import psycopg2
import psycopg2.extensions

from .config import ON_POSTGRES, free_port

PG_APP = "bischeduler-tests"       # application_name of the tests' own sessions

PgError = psycopg2.Error


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


def _placeholders(sql):
    """`?` placeholders (the tests' SQL, shared with sqlite3) as psycopg2's."""
    return sql.replace("%", "%%").replace("?", "%s")


class PgConn:
    """One session of the tests' own, in autocommit mode."""

    def __init__(self, port, dbname, user="postgres", host="127.0.0.1", timeout=60):
        self.con = psycopg2.connect(host=host, port=port, dbname=dbname, user=user,
                                    application_name=PG_APP, connect_timeout=timeout,
                                    client_encoding="UTF8")
        self.con.autocommit = True

    @property
    def closed(self):
        return bool(self.con.closed)

    def _cleanup(self):
        """After an error: a script's BEGIN may have left a failed transaction open."""
        if self.con.closed:
            return
        status = self.con.info.transaction_status
        if status != psycopg2.extensions.TRANSACTION_STATUS_IDLE:
            try:
                with self.con.cursor() as cur:
                    cur.execute("ROLLBACK")
            except psycopg2.Error:
                pass

    def execute(self, script):
        """Runs a script (one or more statements, no parameters); returns the
        rows of its last statement (empty if it returns none)."""
        try:
            with self.con.cursor() as cur:
                cur.execute(script)
                return [tuple(r) for r in cur.fetchall()] if cur.description else []
        except psycopg2.Error:
            self._cleanup()
            raise

    def query(self, script):
        """Runs a script; returns [rows of its last statement] (see Database.query)."""
        return [self.execute(script)]

    def rows(self, sql, params=(), schema=None):
        """Rows of one statement with `?` placeholders; with schema, run in a
        transaction whose search_path is that schema."""
        try:
            with self.con.cursor() as cur:
                if schema is not None:
                    cur.execute("BEGIN")
                    cur.execute("SELECT set_config('search_path', %s, true)", (schema,))
                cur.execute(_placeholders(sql) if params else sql, tuple(params) or None)
                rows = [tuple(r) for r in cur.fetchall()] if cur.description else []
                if schema is not None:
                    cur.execute("COMMIT")
                return rows
        except psycopg2.Error:
            self._cleanup()
            raise

    def close(self):
        self.con.close()


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
        """A session of the tests' own (autocommit; see PgConn)."""
        return PgConn(self.port, dbname)

    def new_database(self, hint="db"):
        with self._lock:
            self.counter += 1
            name = re.sub(r"[^a-z0-9_]", "_", f"t{self.counter}_{hint.lower()}")[:60]
        con = self.connect()
        try:
            con.execute(f"CREATE DATABASE {sql_ident(name)}")
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

    def _with_session(self, fn):
        """fn(session); reconnects once if the session was lost (a restart)."""
        with self._lock:
            for attempt in (0, 1):
                if self._con is None or self._con.closed:
                    self._con = self.cluster.connect(self.name)
                try:
                    return fn(self._con)
                except (psycopg2.OperationalError, psycopg2.InterfaceError):
                    if attempt == 1:
                        raise
                    try:
                        self._con.close()
                    except psycopg2.Error:
                        pass
                    self._con = None

    def execute(self, script):
        """Runs a script (no parameters); returns the rows of its last statement."""
        return self._with_session(lambda c: c.execute(script))

    def query(self, script):
        """Runs a script; returns [rows of its last statement] (the shape the
        former wire client gave for a one-statement script: query(sql)[-1])."""
        return [self.execute(script)]

    def rows(self, sql, params=(), schema=None):
        """Rows of one statement with `?` placeholders (see PgConn.rows)."""
        return self._with_session(lambda c: c.rows(sql, params, schema))

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
        return self.db.rows(sql, params, schema=self.schema)

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
