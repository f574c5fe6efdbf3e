"""Runs `bischeduler` commands: cli() returns the exit status and output,
fails the test on a sanitizer report, and on PostgreSQL turns `--data DIR`
into `--database URL` of that directory's database (see pg.py)."""

import os
import subprocess

import pytest

from .config import BIN, SANITIZER_MARKERS
from .pg import backend_args, backend_env


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
