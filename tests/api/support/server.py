"""Servers under test: Instance is a data directory (on PostgreSQL, a
database standing in for it) set up through the CLI and, once started, the
real binary serving it on a free port with its stderr kept in a file;
InstanceManager makes them for a test and stops and checks them after.
LIVE lists the running ones, which conftest.py watches after every test."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from .cli import cli_env, cli_ok, sanitizer_findings
from .client import Client, describe
from .config import (ADMIN_EMAIL, BASE, BIN, PASSWORD, START_TIMEOUT, STOP_TIMEOUT,
                     free_port)
from .pg import PgStore, backend_args, backend_env, database_for, pg_schema, pin_data_dir


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
        else:
            # stderr is the server's log: one JSON object a line, nothing else
            for line in text.splitlines():
                try:
                    ok = isinstance(json.loads(line), dict)
                except ValueError:
                    ok = False
                if not ok:
                    problems.append(f"server on port {self.port} wrote a stderr line that is "
                                    f"not a JSON object: {line[:300]!r}")
                    break
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
