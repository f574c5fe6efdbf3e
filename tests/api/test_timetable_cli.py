"""`bischeduler timetable`: what a school's IT staff sees when they build,
check and explain a timetable from the command line (docs/TIMETABLE.md)."""

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import cli

REPO = Path(__file__).resolve().parents[2]
UEIPAB = REPO / "tests" / "data" / "ueipab-2025"
FET_EXAMPLES = Path("/usr/share/doc/fet-data/examples/FET-5-official")
SMALL_FET = FET_EXAMPLES / "Denmark" / "small-school.fet"
BRAZIL_FET = FET_EXAMPLES / "Brazil" / "1" / "Brazil.fet"
KALENGA_FET = FET_EXAMPLES / "Namibia" / "by-Bobby" / "set-8-2017" / "KalengaPSY2017T1d.fet"

# The timetable commands use no store: running them once per backend is enough.
pytestmark = pytest.mark.skipif(
    os.environ.get("BISCHEDULER_TEST_BACKEND", "sqlite") != "sqlite",
    reason="the timetable engine does not touch the stores")


def tt(*args, timeout=120):
    return cli("timetable", *[str(a) for a in args], timeout=timeout, raw=True)


@pytest.fixture(scope="module")
def ueipab():
    return UEIPAB


def test_help_names_the_commands_and_options():
    res = tt("--help")
    assert res.rc == 0, res
    for word in ["solve", "check", "info", "--time-limit", "--seed", "--out", "--threads",
                 "--iterations", "--lang", "--method", ".fet", ".json"]:
        assert word in res.out, f"timetable --help does not mention {word}\n{res!r}"


def test_ueipab_is_solved_without_clashes_or_idle_periods(ueipab, tmp_path):
    out_csv, out_json = tmp_path / "horario.csv", tmp_path / "horario.json"
    res = tt("solve", ueipab, "--time-limit", "20", "--seed", "7", "--out", out_csv)
    assert res.rc == 0, res
    assert "Costo: 0 violaciones duras, 0 de costo blando" in res.out, res
    assert "Horas libres entre clases: docentes 0, secciones 0; bloques sin ubicar: 0" in res.out
    assert "mejor:" in res.err, "no progress line on stderr"
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert list(rows[0].keys()) == ["section", "day", "period", "length", "subject", "teacher", "room"]
    assert len(rows) == 137
    assert sum(int(r["length"]) for r in rows) == 268
    # no teacher and no class in two places at once, no block across a break
    seen = set()
    for r in rows:
        day, first, length = int(r["day"]), int(r["period"]), int(r["length"])
        periods = range(first, first + length)
        assert not (4 in periods and 5 in periods) and not (8 in periods and 9 in periods), r
        for p in periods:
            for who in (("T", r["teacher"]), ("C", r["section"])):
                assert (who, day, p) not in seen, f"{who} twice on day {day} period {p}"
                seen.add((who, day, p))
    # the written timetable checks clean with the same evaluator
    res = tt("check", ueipab, "--solution", out_csv)
    assert res.rc == 0, res
    assert "Costo: 0 violaciones duras, 0 de costo blando" in res.out
    res = tt("solve", ueipab, "--time-limit", "20", "--seed", "7", "--quiet", "--out", out_json)
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert len(data["blocks"]) == 137
    assert all(b["day"] in range(1, 6) for b in data["blocks"])


def test_schools_own_timetable_has_54_teacher_idle_periods_explained(ueipab):
    res = tt("check", ueipab, "--solution", ueipab / "solution.csv", "--max-violations", "100")
    assert res.rc == 0, res
    assert "Costo: 0 violaciones duras" in res.out
    assert "Horas libres entre clases: docentes 54, secciones 0" in res.out
    assert "El docente T08 tiene 12 hora(s) libre(s) entre clases en la semana" in res.out
    res = tt("check", ueipab, "--solution", ueipab / "solution.csv", "--lang", "en")
    assert "Idle periods between lessons: teachers 54, classes 0" in res.out
    assert "Teacher T08 has 12 idle period(s) between lessons in the week" in res.out


def test_same_seed_gives_the_same_timetable(ueipab, tmp_path):
    outs = []
    for i in range(2):
        out = tmp_path / f"run{i}.csv"
        res = tt("solve", ueipab, "--seed", "3", "--iterations", "20000", "--quiet", "--out", out)
        assert res.rc == 0, res
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1]


def test_broken_folder_is_refused_with_file_and_line(ueipab, tmp_path):
    folder = tmp_path / "roto"
    shutil.copytree(ueipab, folder)
    lessons = (folder / "lessons.csv").read_text(encoding="utf-8").splitlines()
    lessons[3] = lessons[3].replace("T06", "T99")
    (folder / "lessons.csv").write_text("\n".join(lessons) + "\n", encoding="utf-8")
    res = tt("solve", folder, "--time-limit", "5", "--out", tmp_path / "x.csv")
    assert res.rc == 1, res
    assert "lessons.csv, línea 4" in res.err and "T99" in res.err, res
    assert not (tmp_path / "x.csv").exists()


def test_impossible_school_is_diagnosed_before_searching(ueipab, tmp_path):
    folder = tmp_path / "imposible"
    shutil.copytree(ueipab, folder)
    with (folder / "lessons.csv").open("a", encoding="utf-8") as f:
        # 1er año already has 42 periods; 10 more do not fit in 50
        f.write("C1,S15,T14,10,2+2+2+2+2\n")
    res = tt("solve", folder, "--time-limit", "60")
    assert res.rc == 1, res
    assert "no puede tener solución" in res.err
    assert "La sección «C1» tiene 52 períodos de clase pero solo 50" in res.err, res
    res = tt("info", folder)
    assert res.rc == 1 and "C1" in res.out


def test_missing_file_and_bad_usage(tmp_path):
    res = tt("solve", tmp_path / "no-existe")
    assert res.rc == 1 and "No se encuentra" in res.err, res
    assert tt("solve").rc == 2
    assert tt("solve", tmp_path, "--threads", "3").rc == 2
    assert tt("solve", tmp_path, "--method", "rápido").rc == 2
    assert tt("despeja", tmp_path).rc == 2


@pytest.mark.skipif(not KALENGA_FET.is_file(), reason="fet-data is not installed")
def test_fet_method_places_a_full_namibian_school():
    # every class period taken: FET's method finishes in about 1,200 steps
    res = tt("solve", KALENGA_FET, "--method", "fet", "--iterations", "20000", "--quiet",
             "--stop-at-feasible")
    assert res.rc == 0, res
    assert "Costo: 0 violaciones duras" in res.out, res
    assert "bloques sin ubicar: 0" in res.out, res


@pytest.mark.skipif(not SMALL_FET.is_file(), reason="fet-data is not installed")
def test_fet_file_solved_and_written_back_for_fet(tmp_path):
    res = tt("solve", BRAZIL_FET, "--time-limit", "60", "--quiet", "--stop-at-feasible",
             "--out", tmp_path / "brazil_activities.xml")
    assert res.rc == 0, res
    assert "Costo: 0 violaciones duras" in res.out, res
    xml = (tmp_path / "brazil_activities.xml").read_text(encoding="utf-8")
    assert xml.count("<Activity>") == 400
    # our timetable read back as FET's activities file prices the same
    res = tt("check", BRAZIL_FET, "--solution", tmp_path / "brazil_activities.xml")
    assert res.rc == 0 and "Costo: 0 violaciones duras" in res.out, res
    # and FET itself accepts it, every activity locked where we put it
    if shutil.which("fet-cl"):
        tt("solve", BRAZIL_FET, "--time-limit", "60", "--quiet", "--stop-at-feasible",
           "--seed", "2", "--out", tmp_path / "locked.fet")
        proc = subprocess.run(["timeout", "60", "fet-cl", f"--inputfile={tmp_path / 'locked.fet'}",
                               f"--outputdir={tmp_path / 'fet'}", "--timelimitseconds=30"],
                              capture_output=True, text=True)
        assert "Simulation successful" in proc.stdout + proc.stderr, proc.stdout[-2000:]


@pytest.mark.skipif(not SMALL_FET.is_file(), reason="fet-data is not installed")
def test_fet_constraints_the_engine_does_not_model_are_listed(tmp_path):
    # a mornings-afternoons school: room-change rules we do not model
    morocco = FET_EXAMPLES.parent / "FET-5-mornings-afternoons" / "Morocco" / "1" / \
        "sample-morocco-2019-10-30.fet"
    res = tt("info", morocco)
    assert "Restricciones que el motor no modela" in res.out, res
    lines = [l.strip() for l in res.out.splitlines() if l.startswith("  Constraint")]
    assert "ConstraintTeachersMaxRoomChangesPerDay: 1" in lines, res
    assert all(l.rsplit(": ", 1)[1].isdigit() for l in lines)
    # FET's virtual rooms are modelled since issue #17: nothing left out
    virtual = FET_EXAMPLES / "Germany" / "secondary-school-1" / "test-virtual-rooms-1" / \
        "German-test-virtual-rooms-1.fet"
    res = tt("info", virtual)
    assert res.rc == 0 and "no modela" not in res.out, res
    # the Greek school that once listed interval and continuous hours is
    # fully modelled since issue #17
    greek = tt("info", FET_EXAMPLES / "Greece" / "Vartholomio" / "2008-2009.fet")
    assert "no modela" not in greek.out, greek


@pytest.mark.skipif(not SMALL_FET.is_file(), reason="fet-data is not installed")
def test_report_breaks_the_cost_down_by_rule(tmp_path):
    # issue #17: where a timetable loses, by the rule the cost comes from
    noturno = FET_EXAMPLES / "Brazil" / "2" / "EEBLJ-Noturno.fet"
    sol, rep = tmp_path / "noturno_activities.xml", tmp_path / "check.json"
    res = tt("solve", noturno, "--iterations", "3000", "--seed", "1", "--quiet",
             "--out", sol, "--report", tmp_path / "solve.json")
    assert res.rc == 0, res
    solved = json.loads((tmp_path / "solve.json").read_text(encoding="utf-8"))
    res = tt("check", noturno, "--solution", sol, "--report", rep)
    assert res.rc == 0, res
    checked = json.loads(rep.read_text(encoding="utf-8"))
    # the file's only soft rule is min days (weight 95): every unit costs 95
    assert solved["hard"] == checked["hard"] == 0
    assert checked["soft"] == solved["soft"] > 0
    assert checked["hard_by_rule"] == {}
    assert checked["soft_by_rule"] == {"ConstraintMinDaysBetweenActivities": checked["soft"]}
    assert checked["soft"] % 95 == 0
    assert solved["soft_by_rule"] == checked["soft_by_rule"]
    # an empty timetable (info): every block out, a built-in hard violation
    res = tt("info", noturno, "--report", tmp_path / "info.json")
    info = json.loads((tmp_path / "info.json").read_text(encoding="utf-8"))
    assert info["hard"] > 0 and info["hard_by_rule"] == {"built-in": info["hard"]}


VIRTUAL_FET = REPO / "tests" / "data" / "fet" / "virtual-rooms.fet"


def test_virtual_rooms_solved_written_with_real_rooms_and_checked(tmp_path):
    # a lesson in a virtual room takes one real room of each set: the FET
    # timetable we write names them, and reads back at the same price
    out = tmp_path / "vr_activities.xml"
    res = tt("solve", VIRTUAL_FET, "--iterations", "20000", "--quiet", "--out", out)
    assert res.rc == 0 and "Costo: 0 violaciones duras" in res.out, res
    xml = out.read_text(encoding="utf-8")
    # 4 activities in V1 or V2 (5 when the one that may take V2 or the hall
    # takes V2), 2 sets each
    assert xml.count("<Real_Room>") in (8, 10), xml
    res = tt("check", VIRTUAL_FET, "--solution", out)
    assert res.rc == 0 and "Costo: 0 violaciones duras" in res.out, res
    # the JSON timetable names them too: one per set, all different
    js = tmp_path / "vr.json"
    res = tt("solve", VIRTUAL_FET, "--iterations", "20000", "--quiet", "--out", js)
    assert res.rc == 0, res
    blocks = json.loads(js.read_text(encoding="utf-8"))["blocks"]
    virtual = [b for b in blocks if "real_rooms" in b]
    assert len(virtual) in (4, 5), blocks
    for b in virtual:
        assert b["room"] in ("V1", "V2") and len(b["real_rooms"]) == 2, b
        assert None not in b["real_rooms"] and len(set(b["real_rooms"])) == 2, b
    assert all("real_rooms" not in b for b in blocks if b["room"] not in ("V1", "V2"))
    # one real room taken for both sets: not a room of the second set, and
    # a clash of the lesson with itself
    at = xml.index("<Real_Room>")
    name = xml[at:xml.index("</Real_Room>", at)].removeprefix("<Real_Room>")
    end = xml.index("</Activity>", at)
    bad = xml[:at] + f"<Real_Room>{name}</Real_Room><Real_Room>{name}</Real_Room>" + xml[end:]
    (tmp_path / "bad.xml").write_text(bad, encoding="utf-8")
    res = tt("check", VIRTUAL_FET, "--solution", tmp_path / "bad.xml", "--lang", "en")
    assert res.rc == 0, res
    assert "without a real room from each of its sets" in res.out, res
    assert "0 hard violations" not in res.out, res
