"""`bischeduler xhstt`: reading, pricing and solving the international
timetabling benchmark from the command line (docs/XHSTT.md)."""

import json
import os
from pathlib import Path

import pytest

from conftest import cli

REPO = Path(__file__).resolve().parents[2]
# Two archive instances kept in the repository (tests/data/README.md).
ARCHIVE = REPO / "tests" / "data" / "xhstt"
ALL_TYPES = ARCHIVE / "all-types.xml"

pytestmark = pytest.mark.skipif(
    os.environ.get("BISCHEDULER_TEST_BACKEND", "sqlite") != "sqlite",
    reason="the XHSTT commands do not touch the stores")


def xh(*args, timeout=120):
    return cli("xhstt", *[str(a) for a in args], timeout=timeout, raw=True)


def test_help_names_the_commands_and_options():
    res = xh("--help")
    assert res.rc == 0, res
    for word in ["info", "check", "solve", "--time-limit", "--threads", "--out",
                 "--checkpoints", "--report", "--verbose", "--require-feasible"]:
        assert word in res.out, f"xhstt --help does not mention {word}\n{res!r}"


def test_check_prices_every_stored_solution():
    res = xh("check", ARCHIVE / "BR-SA-00.xml")
    assert res.rc == 0, res
    lines = res.out.strip().splitlines()
    assert lines[0].split("\t") == ["solución", "infactibilidad", "objetivo"]
    rows = {l.split("\t")[0]: l.split("\t")[1:] for l in lines[1:]}
    assert rows == {"Haroldo_Dec_2011": ["0", "38"], "Lectio": ["0", "5"]}


def test_check_verbose_names_each_constraint_cost():
    res = xh("check", ALL_TYPES, "--verbose")
    assert res.rc == 0, res
    assert "Hand\t17\t62" in res.out
    assert "[obligatoria] AvoidUnavailableTimesConstraint «Ana no puede el lunes 3»: 10" in res.out
    assert "[preferida]  LimitBusyTimesConstraint «Días libres»: 9" in res.out


def test_info_lists_sizes_and_types():
    res = xh("info", ARCHIVE / "FI-WP-06.xml")
    assert res.rc == 0, res
    assert "FI-WP-06" in res.out and "35 horas" in res.out and "172 eventos" in res.out
    assert "LimitBusyTimesConstraint: 23" in res.out


def test_solve_writes_an_archive_that_checks_at_the_same_cost(tmp_path):
    out, report = tmp_path / "resuelto.xml", tmp_path / "r.json"
    # a step budget, not a time limit: the same search on any machine, and
    # seconds instead of the 30 s it took (feasible after ~1M steps a thread)
    res = xh("solve", ARCHIVE / "BR-SA-00.xml", "--iterations", "2000000", "--threads", "2",
             "--out", out, "--report", report, "--require-feasible", "--quiet")
    assert res.rc == 0, res
    r = json.loads(report.read_text())
    assert r["instance"] == "BR-SA-00" and r["infeasibility"] == 0
    assert r["events"] == 63 and r["times"] == 25
    back = xh("check", out)
    assert back.rc == 0, back
    assert back.out.strip().splitlines()[1] == "BiScheduler\t0\t%d" % r["objective"]


def test_broken_input_is_refused_in_spanish(tmp_path):
    missing = xh("check", tmp_path / "nada.xml")
    assert missing.rc == 1 and "No se pudo abrir" in missing.err
    bad = tmp_path / "roto.xml"
    bad.write_text("<HighSchoolTimetableArchive><Instances>")
    res = xh("solve", bad)
    assert res.rc == 1 and "XML mal formado" in res.err, res
    usage = xh("solve", ARCHIVE / "BR-SA-00.xml", "--threads", "3")
    assert usage.rc == 2, usage
    nosol = xh("check", ARCHIVE / "BR-SA-00.xml", "--solution", bad)
    assert nosol.rc == 1, nosol
