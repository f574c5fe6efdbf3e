"""Black-box API tests: the fixtures and pytest hooks. The machinery lives
in the support package (tests/api/support, described in its __init__.py);
its names are re-exported here so tests can `from conftest import ...`.
Tests marked `postgres_only` are about what exists only on PostgreSQL and
are not collected on SQLite.
"""

import os

import pytest

from support import *                                       # noqa: F401,F403
from support.config import BACKEND, BIN, ON_POSTGRES
from support.pg import PgCluster, shared_cluster
from support.server import LIVE, InstanceManager
from support.cli import sanitizer_findings
from support.config import ADMIN_EMAIL
from support.world import make_world


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


def pytest_terminal_summary(terminalreporter):
    """Lines a test recorded with record_property("summary", ...), e.g. the
    isolation matrix's size and violations, shown even when it passed."""
    lines = [v for key in ("passed", "failed") for rep in terminalreporter.stats.get(key, [])
             if rep.when == "call" for k, v in rep.user_properties if k == "summary"]
    if lines:
        terminalreporter.write_sep("-", "summaries")
        for line in lines:
            terminalreporter.write_line(line)


def pytest_collection_modifyitems(config, items):
    if ON_POSTGRES:
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


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


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    """One running server shared by the tests that do not disturb each other
    (schools and users: support/world.py)."""
    inst, m = make_world(tmp_path_factory)
    yield inst
    m.finish()


@pytest.fixture
def platform_admin(world):
    return world.cached_login("ueipab", ADMIN_EMAIL)
