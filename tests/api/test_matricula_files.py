"""Matrícula files through the real API (POST /api/v1/imports/matricula),
cross-checked against an independent read of the same file.

The files come from tests/tools/make_matricula.py (seeded, generated once
per session into a temporary directory): .xls, .xlsx, .csv in UTF-8 with
commas and in Windows-1252 with semicolons, the older 122-column layout,
a file with a mangled header and bad rows, and a 1,000-student school.
Each is imported into a school of its own (dry run, then commit) and what
the store holds (GET /api/v1/students, /students/{id},
/representatives, /representatives/{id}) is compared with what THIS file
reads from the spreadsheet with xlrd / openpyxl / csv and normalizes by
its own rules (names trimmed, cédula letter and digits, gender V/H, grade
and section names, dates, phones, incomes); the generator's own truth is
only used to check that reader (test_independent_read_agrees_...) and to
know which rows were spoiled on purpose. The round trip exports a school
(GET /api/v1/exports/matricula.xlsx) and imports it into an empty school:
every student and representative must come back the same.

Endpoints of other parts (import, students, export) that are not merged
yet make these tests FAIL with a message naming the branch: they are meant
to pass once everything is merged, never to be skipped.
"""

import csv
import datetime as dt
import functools
import io
import re
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlrd

from conftest import describe

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools"))
import make_matricula as mm                                  # noqa: E402

COLUMNS_CSV = HERE.parent / "data" / "matricula-columns.csv"

NEEDS = {
    "import": "POST /api/v1/imports/matricula (part 5, branch `import`)",
    "students": "the students and representatives API (part 4, branch `students`)",
    "export": "GET /api/v1/exports/matricula.xlsx (part 6, branch `export`)",
}


# ------------------------------------------------------------ the fixtures
# name -> (students, layout, mess, format, encoding, delimiter, seed)
KINDS = {
    "xls": (120, 130, False, "xls", "utf-8", ",", 11),
    "xlsx": (120, 130, False, "xlsx", "utf-8", ",", 12),
    "csv_utf8_comma": (90, 130, False, "csv", "utf-8", ",", 13),
    # Excel's "CSV UTF-8" starts with a byte order mark
    "csv_utf8_bom": (40, 130, False, "csv", "utf-8-sig", ",", 20),
    "csv_cp1252_semicolon": (90, 130, False, "csv", "cp1252", ";", 14),
    "layout122_xls": (90, 122, False, "xls", "utf-8", ",", 15),
    "layout122_csv": (60, 122, False, "csv", "cp1252", ";", 16),
    "mangled_xlsx": (80, 130, True, "xlsx", "utf-8", ",", 17),
    "mangled_xls": (80, 130, True, "xls", "utf-8", ",", 18),
    # .xls: xlrd reads it back in a second or two, openpyxl would take ~20 s
    "school_1000": (1000, 130, False, "xls", "utf-8", ",", 19),
}
SCHOOLS = {k: "m" + re.sub(r"[^a-z0-9]", "", k) for k in KINDS}
SCHOOLS.update({"rt_source": "rtsource", "rt_target": "rttarget"})


class Fixture:
    def __init__(self, name, path, m):
        self.name, self.path, self.m = name, path, m

    @property
    def bytes(self):
        return self.path.read_bytes()


@pytest.fixture(scope="session")
def matricula_files(tmp_path_factory):
    """The generated files, made on first use and kept for the session."""
    d = tmp_path_factory.mktemp("matricula")
    made = {}

    def get(name):
        if name not in made:
            n, layout, mess, fmt, enc, delim, seed = KINDS[name]
            m = mm.generate(students=n, seed=seed, layout=layout, mess=mess)
            path = d / f"lista_de_estudiantes-{name}.{fmt}"
            m.write(path, fmt, encoding="utf-8" if enc == "utf-8-sig" else enc,
                    delimiter=delim, bom=enc == "utf-8-sig")
            made[name] = Fixture(name, path, m)
        return made[name]
    return get


@pytest.fixture(scope="module")
def server(module_instances):
    """One server; each kind of file is imported into a school of its own."""
    inst = module_instances("matricula")
    inst.init()
    for code in SCHOOLS.values():
        inst.create_school(code, f"U.E. {code.title()}")
        inst.add_user(code, f"director@{code}.test", "school_admin")
    inst.start()
    return inst


def admin(server, key):
    code = SCHOOLS[key]
    return server.cached_login(code, f"director@{code}.test")


# ------------------------------------------------------------ the API calls
def needs(r, part, what):
    """A route that is not there yet answers the router's 404/405: fail
    clearly, naming the branch that brings it."""
    if r.status_code in (404, 405):
        try:
            code = r.json().get("error", {}).get("code")
        except ValueError:
            code = None
        if code in (None, "not_found", "method_not_allowed"):
            pytest.fail(f"{what} answered {r.status_code} ({code}): this test needs "
                        f"{NEEDS[part]} merged into main.\n{describe(r)}", pytrace=False)
    return r


def ok(r, part, what, status=200):
    needs(r, part, what)
    assert r.status_code == status, describe(r)
    assert r.headers.get("Content-Type", "").startswith("application/json"), describe(r)
    return r.json()


def post_import(client, data, filename, mode="commit", skip_invalid=0):
    """The file as the raw request body, as the upload page sends it."""
    r = client.request("POST", "/api/v1/imports/matricula", data=data,
                       content_type="application/octet-stream",
                       params={"mode": mode, "skip_invalid": skip_invalid,
                               "filename": filename}, timeout=120)
    return needs(r, "import", "POST /api/v1/imports/matricula")


def list_students(client):
    """Every student, following next_cursor with pages of 200."""
    items, cursor, total = [], None, None
    for _ in range(1000):
        params = {"limit": 200}
        if cursor:
            params["cursor"] = cursor
        body = ok(client.get("/api/v1/students", params=params), "students",
                  "GET /api/v1/students")
        assert len(body["items"]) <= 200, "a page larger than the limit"
        total = body["total"]
        items.extend(body["items"])
        cursor = body.get("next_cursor")
        if not cursor:
            break
    assert total == len(items), f"total {total} but paging gave {len(items)} students"
    return items


def list_representatives(client):
    items, cursor = [], None
    for _ in range(1000):
        params = {"limit": 200}
        if cursor:
            params["cursor"] = cursor
        body = ok(client.get("/api/v1/representatives", params=params), "students",
                  "GET /api/v1/representatives")
        items.extend(body["items"])
        cursor = body.get("next_cursor")
        if not cursor:
            break
    return items


def get_student(client, sid):
    return ok(client.get(f"/api/v1/students/{sid}"), "students", "GET /api/v1/students/{id}")


def get_representative(client, rid):
    return ok(client.get(f"/api/v1/representatives/{rid}"), "students",
              "GET /api/v1/representatives/{id}")


# ------------------------------------------------------------ the independent read
EPOCH = dt.date(1899, 12, 30)     # day 0 of Excel's 1900 date system


def fold(s):
    s = unicodedata.normalize("NFKD", str(s))
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(s.lower().split())


def read_grid(path):
    """The first sheet as rows of Python values: str, float (a number
    cell), datetime.date (a date cell), "" (empty)."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        book = xlrd.open_workbook(str(path))
        sh = book.sheet_by_index(0)
        grid = []
        for r in range(sh.nrows):
            row = []
            for c in range(sh.ncols):
                t, v = sh.cell_type(r, c), sh.cell_value(r, c)
                if t == xlrd.XL_CELL_DATE:
                    row.append(xlrd.xldate_as_datetime(v, book.datemode).date())
                elif t == xlrd.XL_CELL_NUMBER:
                    row.append(float(v))
                elif t == xlrd.XL_CELL_TEXT:
                    row.append(v)
                else:
                    row.append("")
            grid.append(row)
        return grid
    if suffix == ".xlsx":
        wb = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
        grid = []
        for vals in wb.worksheets[0].iter_rows(values_only=True):
            row = []
            for v in vals:
                if v is None:
                    row.append("")
                elif isinstance(v, dt.datetime):
                    row.append(v.date())
                elif isinstance(v, dt.date):
                    row.append(v)
                elif isinstance(v, (int, float)):
                    row.append(float(v))
                else:
                    row.append(str(v))
            grid.append(row)
        wb.close()
        return grid
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    first = next(line for line in text.splitlines() if fold(line).startswith("grado"))
    delim = ";" if first.count(";") > first.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delim)]


def header_table():
    """folded header -> (block, field) from the committed column list; the
    field names are the generator's (they only name the columns)."""
    names = {**{h: ("student", f) for f, h in mm.STUDENT_COLS},
             **{h: ("rep", f) for f, h in mm.REP_COLS},
             **{h: ("auth", f) for f, h in mm.AUTH_COLS}}
    with open(COLUMNS_CSV, encoding="utf-8") as f:
        return {fold(r["header"]): names[r["header"]] for r in csv.DictReader(f)}


def text(v):
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v).strip()


def norm_name(v):
    return " ".join(text(v).split())


def norm_cedula(v, escolar=False):
    s = re.sub(r"\s+", "", text(v)).upper()
    m = re.fullmatch(r"([VE])?-?([0-9.]+)", s)
    if not m:
        return None
    digits = m.group(2).replace(".", "")
    if not digits.isdigit():
        return None
    if escolar:
        return digits if 10 <= len(digits) <= 11 else None
    if not 6 <= len(digits) <= 9:
        return None
    return (m.group(1) or "V") + digits


def norm_date(v):
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return (EPOCH + dt.timedelta(days=int(v))).isoformat()
    s = text(v)
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", s):
            y, m, d = map(int, s.split("-"))
        elif re.fullmatch(r"\d{1,2}[/-]\d{1,2}[/-]\d{4}", s):
            d, m, y = map(int, re.split(r"[/-]", s))
        elif re.fullmatch(r"\d{4,5}", s):
            return (EPOCH + dt.timedelta(days=int(s))).isoformat()
        else:
            return None
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def norm_gender(v):
    s = fold(text(v))
    return {"masculino": "V", "femenino": "H"}.get(s)


def norm_grade(v):
    s = fold(text(v))
    m = re.fullmatch(r"([1-6])\s*(?:er|do|ro|to)?\.?\s*(grupo|grado|ano)", s)
    if not m:
        return None
    n, word = int(m.group(1)), m.group(2)
    limit = {"grupo": 3, "grado": 6, "ano": 5}[word]
    if n > limit:
        return None
    return f"{mm.ORDINAL[n]} " + {"grupo": "Grupo", "grado": "Grado", "ano": "Año"}[word]


def norm_section(v):
    s = fold(text(v))
    if s in ("unica", "u"):
        return "Única"
    return s.upper() if re.fullmatch(r"[a-z]", s) else None


def norm_email(v):
    s = text(v).lower()
    if s and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", s):
        return None
    return s


def norm_phone(v):
    d = re.sub(r"\D", "", text(v))
    if not d:
        return ""
    if d.startswith("58") and len(d) == 12:
        d = "0" + d[2:]
    elif len(d) == 10 and d[0] in "24":
        d = "0" + d         # a number cell dropped the trunk 0
    return f"{d[:4]}-{d[4:]}" if len(d) == 11 and d.startswith("0") else None


def norm_income(v):
    if isinstance(v, float):
        return Decimal(str(v))
    s = text(v)
    if not s:
        return None
    return Decimal(s.replace(".", "").replace(",", "."))


def norm_status(v):
    return fold(text(v)).replace(" ", "_")


@functools.lru_cache(maxsize=None)
def read_matricula(path):
    """The file read on its own: the header row found (the first of the
    first 10 rows with Grado and Nombre), columns mapped by header text
    (the Nth repeat of a representative header is representative N), and
    every non-blank data row normalized. Returns (header_row, headers,
    rows), rows as dicts with sheet_row, errors (columns this reader
    rejects), student, reps, auths."""
    grid = read_grid(path)
    table = header_table()
    header_i = next(i for i, row in enumerate(grid[:10])
                    if {"grado", "nombre"} <= {fold(text(v)) for v in row})
    headers = [text(v) for v in grid[header_i]]
    cols, seen = {}, {}
    for c, h in enumerate(headers):
        key = table.get(fold(h))
        if key is None:
            continue
        seen[key] = seen.get(key, 0) + 1
        cols[(key[0], seen[key] if key[0] != "student" else 0, key[1])] = c
    out = []
    for i in range(header_i + 1, len(grid)):
        row = grid[i]

        def cell(block, n, field):
            c = cols.get((block, n, field))
            return row[c] if c is not None and c < len(row) else ""
        if all(text(v) == "" for v in row):
            continue
        errors = []
        escolar = fold(text(cell("student", 0, "cedula_escolar"))) in ("si", "s")
        st = {
            "grade": norm_grade(cell("student", 0, "grade")),
            "section": norm_section(cell("student", 0, "section")),
            "first_names": norm_name(cell("student", 0, "first_names")) or None,
            "last_names": norm_name(cell("student", 0, "last_names")) or None,
            "cedula": norm_cedula(cell("student", 0, "cedula"), escolar),
            "cedula_escolar": escolar,
            "gender": norm_gender(cell("student", 0, "gender")),
            "birth_date": norm_date(cell("student", 0, "birth_date")),
            "email": norm_email(cell("student", 0, "email")),
            "phone": norm_phone(cell("student", 0, "phone")),
            "status": norm_status(cell("student", 0, "status")) or "activo",
            "academic_condition": norm_status(cell("student", 0, "academic_condition")) or "regular",
        }
        errors = [f for f, v in st.items() if v is None]
        reps = []
        for n in range(1, mm.REPS + 1):
            get = lambda f: cell("rep", n, f)                   # noqa: E731
            if not (text(get("cedula")) or text(get("first_names"))):
                continue
            reps.append({
                "position": n,
                "cedula": norm_cedula(get("cedula")),
                "first_names": norm_name(get("first_names")),
                "last_names": norm_name(get("last_names")),
                "gender": norm_gender(get("gender")) or "",
                "birth_date": norm_date(get("birth_date")) if text(get("birth_date")) else "",
                "mobile_phone": norm_phone(get("mobile_phone")),
                "home_phone": norm_phone(get("home_phone")),
                "office_phone": norm_phone(get("office_phone")),
                "email": norm_email(get("email")),
                "monthly_income": norm_income(get("monthly_income")),
                "relationship": fold(text(get("relationship"))),
                "profession": text(get("profession")),
                "address": text(get("address")),
            })
        auths = []
        for n in range(1, mm.AUTHS + 1):
            get = lambda f: cell("auth", n, f)                  # noqa: E731
            if not (text(get("cedula")) or text(get("first_names"))):
                continue
            auths.append({
                "position": n,
                "first_names": norm_name(get("first_names")),
                "last_names": norm_name(get("last_names")),
                "cedula": norm_cedula(get("cedula")) if text(get("cedula")) else "",
                "phone": norm_phone(get("phone")),
            })
        out.append({"sheet_row": i + 1, "errors": errors, "student": st,
                    "reps": reps, "auths": auths})
    return header_i + 1, headers, out


def expected_school(rows):
    """The good rows of the independent read as the store should hold them:
    students by cédula, representatives by cédula with their children."""
    students, reps = {}, {}
    for r in rows:
        if r["errors"]:
            continue
        s = r["student"]
        assert s["cedula"] not in students, f"cédula {s['cedula']} twice in the file"
        students[s["cedula"]] = r
        for p in r["reps"]:
            e = reps.setdefault(p["cedula"], {**p, "children": set()})
            e["children"].add(s["cedula"])
            for k in ("first_names", "last_names", "mobile_phone", "email"):
                assert e[k] == p[k], (f"representative {p['cedula']} differs between "
                                      f"siblings' rows ({k}): {e[k]!r} != {p[k]!r}")
    return students, reps


# ------------------------------------------------------------ comparison
def as_bool(v):
    return v in (True, 1, "1", "true")


def check_stored(client, path):
    """What the school holds equals the independent read of `path`."""
    _, _, rows = read_matricula(path)
    students, reps = expected_school(rows)
    items = list_students(client)
    by_cedula = {it["cedula"]: it for it in items}
    assert len(by_cedula) == len(items), "two listed students share a cédula"
    missing = sorted(set(students) - set(by_cedula))
    extra = sorted(set(by_cedula) - set(students))
    assert not missing and not extra, (f"{len(missing)} students of the file not stored "
                                       f"(e.g. {missing[:5]}), {len(extra)} stored not in "
                                       f"the file (e.g. {extra[:5]})")
    mismatches = []
    for ced, r in students.items():
        s, it = r["student"], by_cedula[ced]
        want = {"first_names": s["first_names"], "last_names": s["last_names"],
                "gender": s["gender"], "status": s["status"]}
        got = {k: it.get(k) for k in want}
        if s["status"] == "activo":
            want.update(grade=s["grade"], section=f"{s['grade']} {s['section']}")
            got.update(grade=it.get("grade"), section=it.get("section"))
        if got != want:
            mismatches.append((r["sheet_row"], ced, want, got))
            continue
        d = get_student(client, it["id"])
        want = {"birth_date": s["birth_date"], "cedula_escolar": s["cedula_escolar"],
                "email": s["email"], "phone": s["phone"],
                "academic_condition": s["academic_condition"],
                "representatives": [(p["position"], p["cedula"], p["relationship"])
                                    for p in r["reps"]],
                "authorized": [(a["position"], a["first_names"], a["last_names"],
                                a["cedula"], a["phone"]) for a in r["auths"]]}
        got = {"birth_date": d.get("birth_date"),
               "cedula_escolar": as_bool(d.get("cedula_escolar")),
               "email": d.get("email"), "phone": d.get("phone"),
               "academic_condition": d.get("academic_condition"),
               "representatives": sorted((p["position"], p["cedula"], fold(p["relationship"]))
                                         for p in d.get("representatives", [])),
               "authorized": sorted((a["position"], norm_name(a["first_names"]),
                                     norm_name(a["last_names"]), a.get("cedula") or "",
                                     a.get("phone") or "")
                                    for a in d.get("authorized", []))}
        if got != want:
            mismatches.append((r["sheet_row"], ced, want, got))
    assert not mismatches, (f"{len(mismatches)} stored students differ from the file; "
                            f"first: row {mismatches[0][0]} {mismatches[0][1]}:\n"
                            f"  file  {mismatches[0][2]}\n  store {mismatches[0][3]}")

    listed = list_representatives(client)
    by_rep = {it["cedula"]: it for it in listed}
    assert len(by_rep) == len(listed), "one cédula, two representatives"
    assert set(by_rep) == set(reps), (
        f"representatives: {len(set(reps) - set(by_rep))} of the file missing, "
        f"{len(set(by_rep) - set(reps))} not in the file")
    id_of = {ced: it["id"] for ced, it in by_cedula.items()}
    shared = 0
    for ced, e in reps.items():
        d = get_representative(client, by_rep[ced]["id"])
        want = {k: e[k] for k in ("first_names", "last_names", "gender", "birth_date",
                                  "mobile_phone", "home_phone", "office_phone", "email",
                                  "profession", "address")}
        want["monthly_income"] = e["monthly_income"]
        want["children"] = sorted(id_of[c] for c in e["children"])
        got = {k: d.get(k) for k in want}
        got["first_names"] = norm_name(got["first_names"])
        got["last_names"] = norm_name(got["last_names"])
        inc = d.get("monthly_income")
        got["monthly_income"] = Decimal(inc) if inc not in (None, "") else None
        got["children"] = sorted(c["id"] for c in d.get("children", []))
        assert got == want, f"representative {ced}:\n  file  {want}\n  store {got}"
        shared += len(e["children"]) > 1
    return len(students), len(reps), shared


def report_problems(report):
    return report.get("problems", [])


def problem_matches(p, exp):
    """A reported problem names the expected row, column and value; the
    column as its 1-based number (column_number) or its header (column,
    as the file or the layout spells it)."""
    if p.get("row") != exp["row"]:
        return False
    if exp["what"] == "escolar_year_mismatch":
        return True     # the cédula's or the birth date's column may carry it
    names = {fold(exp["header"]), fold(exp["file_header"])}
    col_ok = (p.get("column_number", p.get("col")) == exp["col"]
              or fold(p.get("column", "")) in names)
    return col_ok and str(p.get("value", "")).strip() == exp["value"].strip()


# ------------------------------------------------------------ tests: the files
def test_generator_writes_the_government_layout():
    with open(COLUMNS_CSV, encoding="utf-8") as f:
        ref = [r["header"] for r in csv.DictReader(f)]
    m = mm.generate(students=5, seed=1)
    assert m.headers == ref
    m122 = mm.generate(students=5, seed=1, layout=122)
    assert len(m122.headers) == 122
    assert sorted(m122.headers[:29]) == sorted(ref[:29]) and m122.headers[:29] != ref[:29], \
        "the 122 layout keeps the student columns in another order"
    assert m122.headers[29:] == ref[29:122]
    # deterministic: the same seed writes the same rows
    assert [[mm.cell_text(c) for c in r] for r in mm.generate(40, seed=3).rows] == \
        [[mm.cell_text(c) for c in r] for r in mm.generate(40, seed=3).rows]


def test_generator_command_writes_every_format(tmp_path):
    """The command the benchmark and people use: each format, the
    problems list of a --mess file, every column filled with --full."""
    import json
    import subprocess
    tool = HERE.parent / "tools" / "make_matricula.py"
    for fmt, extra in (("xls", []), ("xlsx", ["--full"]),
                       ("csv", ["--encoding", "cp1252", "--delimiter", ";", "--layout", "122"]),
                       ("csv", ["--mess", "--problems", str(tmp_path / "p.json")])):
        out = tmp_path / f"m-{len(extra)}.{fmt}"
        subprocess.run([sys.executable, str(tool), "--students", "30", "--format", fmt,
                        "--seed", "5", *extra, str(out)], check=True, capture_output=True)
        header_row, headers, rows = read_matricula(out)
        assert header_row == 3 and len(rows) >= 30, (fmt, extra)
        assert len(headers) == (122 if "122" in extra else 130)
        if "--full" in extra:
            assert all(len(r["reps"]) == 3 and len(r["auths"]) == 2 for r in rows)
    problems = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert {p["what"] for p in problems} >= {"invalid_cedula", "impossible_date",
                                             "unknown_grade", "bad_email"}
    m = mm.generate(students=20, seed=4, full=True)
    assert all(mm.cell_text(c) != "" for r in m.rows for c in r), "--full left a cell empty"


@pytest.mark.parametrize("kind", list(KINDS))
def test_independent_read_agrees_with_the_generator(matricula_files, kind):
    """The reader of this file and the generator agree on every good row
    (so a difference with the store is the import's)."""
    fx = matricula_files(kind)
    header_row, headers, rows = read_matricula(fx.path)
    assert header_row == 3
    bad = {p["row"] for p in fx.m.expected_problems if p["severity"] == "error"}
    assert {r["sheet_row"] for r in rows if r["errors"]} == bad, \
        [(r["sheet_row"], r["errors"]) for r in rows if r["errors"]]
    students, reps = expected_school(rows)
    assert len(students) == len(fx.m.students)
    for t in fx.m.students:
        r = students[t["cedula"]]
        s = r["student"]
        assert r["sheet_row"] == t["row"]
        for k in ("first_names", "last_names", "gender", "birth_date", "grade", "section",
                  "cedula_escolar", "email", "phone", "status", "academic_condition"):
            assert s[k] == t[k], (kind, t["row"], k, s[k], t[k])
        assert [(p["position"], p["cedula"], p["relationship"]) for p in r["reps"]] == \
            [(p["position"], p["cedula"], fold(p["relationship"])) for p in t["representatives"]]
        assert [(a["first_names"], a["cedula"], a["phone"]) for a in r["auths"]] == \
            [(a["first_names"], a["cedula"], a["phone"]) for a in t["authorized"]]
    assert set(reps) == set(fx.m.representatives)
    for ced, e in reps.items():
        t = fx.m.representatives[ced]
        assert sorted(e["children"]) == sorted(t["children"])
        assert e["monthly_income"] == (Decimal(t["monthly_income"]) if t["monthly_income"] else None)
        assert (e["mobile_phone"], e["home_phone"], e["email"], e["birth_date"]) == \
            (t["mobile_phone"], t["home_phone"], t["email"], t["birth_date"])
    # the realistic mess is there
    cells = [c for r in fx.m.rows for c in r]
    if fx.m.layout == 130:
        assert any(len(e["children"]) >= 2 for e in reps.values()), "no siblings"
    assert any(t["cedula_escolar"] for t in fx.m.students), "no cédula escolar"
    if KINDS[kind][3] != "csv":
        assert any(isinstance(c, mm.DateCell) for c in cells)
        assert any(isinstance(c, mm.Number) and c.value > 20000 for c in cells)
    assert any(isinstance(c, str) and re.fullmatch(r"V-\d{1,3}(\.\d{3})+", c) for c in cells)
    assert any(isinstance(c, str) and c != c.strip() for c in cells), "no stray spaces"


# ------------------------------------------------------------ tests: import
def import_and_check(server, matricula_files, kind):
    fx = matricula_files(kind)
    c = admin(server, kind)
    good = len(fx.m.students)
    bad = sum(p["severity"] == "error" for p in fx.m.expected_problems)
    dry = ok(post_import(c, fx.bytes, fx.path.name, mode="dry_run"), "import", "dry run")
    assert dry["format"] == fx.path.suffix[1:] and dry["layout"] == fx.m.layout, dry
    assert dry["committed"] is False and dry["mode"] == "dry_run", dry
    assert (dry["rows"], dry["created"], dry["rejected"]) == (good + bad, good, bad), \
        {k: dry.get(k) for k in ("rows", "created", "updated", "unchanged", "rejected")}
    assert list_students(c) == [], "a dry run wrote students"
    rep = ok(post_import(c, fx.bytes, fx.path.name, skip_invalid=1 if bad else 0),
             "import", "commit")
    assert rep["committed"] is True and rep["created"] == good and rep["rejected"] == bad, \
        {k: rep.get(k) for k in ("committed", "rows", "created", "updated", "unchanged", "rejected")}
    n, n_reps, shared = check_stored(c, fx.path)
    assert n == good
    assert rep.get("representatives_created") == n_reps, rep.get("representatives_created")
    return fx, c, dry, rep, shared


@pytest.mark.parametrize("kind", ["xls", "xlsx", "csv_utf8_comma", "csv_utf8_bom",
                                  "csv_cp1252_semicolon", "layout122_xls", "layout122_csv"])
def test_imported_file_matches_what_the_file_says(server, matricula_files, kind):
    fx, c, dry, rep, shared = import_and_check(server, matricula_files, kind)
    if fx.m.layout == 130:
        assert shared > 0, "no representative shared by siblings: the fixture lost its point"
    # importing the same file again changes nothing
    again = ok(post_import(c, fx.bytes, fx.path.name), "import", "re-import")
    assert (again["created"], again["updated"], again["unchanged"]) == \
        (0, 0, len(fx.m.students)), again
    # siblings' rows write their shared representatives' cédulas and phones
    # differently: that is still no change
    assert (again.get("representatives_created"), again.get("representatives_updated")) == \
        (0, 0), again


@pytest.mark.parametrize("kind", ["mangled_xlsx", "mangled_xls"])
def test_mangled_header_maps_and_bad_rows_are_reported_where_they_are(server, matricula_files,
                                                                      kind):
    fx = matricula_files(kind)
    c = admin(server, kind)
    # all or nothing: the bad rows refuse the commit and nothing is written
    r = post_import(c, fx.bytes, fx.path.name)
    assert r.status_code == 422, describe(r)
    err = r.json()["error"]
    assert err["code"] == "import_rejected", err
    report = err["report"]
    assert report["committed"] is False
    assert list_students(c) == [], "a refused import wrote students"
    problems = report_problems(report)
    for exp in fx.m.expected_problems:
        hits = [p for p in problems if problem_matches(p, exp)]
        assert hits, (f"{exp['what']}: no problem at row {exp['row']}, column "
                      f"{exp['col']} ({exp['header']}), value {exp['value']!r}; "
                      f"row {exp['row']} got {[p for p in problems if p.get('row') == exp['row']]}")
        want = exp["severity"]
        assert any(p.get("severity") == want for p in hits), (exp, hits)
        assert all(re.search(r"[a-záéíóúñ]", p.get("message", "")) for p in hits), hits
    bad_rows = {e["row"] for e in fx.m.expected_problems if e["severity"] == "error"}
    error_rows = {p["row"] for p in problems if p.get("severity") == "error"}
    assert error_rows == bad_rows, f"errors on rows {sorted(error_rows)}, spoiled {sorted(bad_rows)}"
    # skipping the rejected rows imports the rest, as the file says
    rep = ok(post_import(c, fx.bytes, fx.path.name, skip_invalid=1), "import", "commit")
    assert rep["committed"] is True and rep["rejected"] == len(bad_rows)
    assert rep["created"] == len(fx.m.students)
    n, _, _ = check_stored(c, fx.path)
    assert n == len(fx.m.students)


def test_school_of_1000_students_imports_whole(server, matricula_files):
    fx, c, dry, rep, shared = import_and_check(server, matricula_files, "school_1000")
    assert shared >= 50, f"only {shared} representatives shared by siblings"
    assert len(rep.get("sections_created", [])) >= 14, rep.get("sections_created")


# ------------------------------------------------------------ tests: round trip
VOLATILE = re.compile(r"(^id$|_id$|_at$|^cedula_raw$|^user_id$)")


def stable(v):
    """A record without ids, timestamps and raw cédulas, lists sorted."""
    if isinstance(v, dict):
        return {k: stable(x) for k, x in v.items() if not VOLATILE.search(k)}
    if isinstance(v, list):
        return sorted((stable(x) for x in v), key=repr)
    return v


def differences(before, after):
    """{key: (before, after)} of the top-level keys that differ."""
    return {k: (before.get(k), after.get(k)) for k in sorted(set(before) | set(after))
            if before.get(k) != after.get(k)}


def full_school(client):
    students = {s["cedula"]: stable(get_student(client, s["id"])) for s in list_students(client)}
    reps = {p["cedula"]: stable(get_representative(client, p["id"]))
            for p in list_representatives(client)}
    return students, reps


def test_export_imported_into_an_empty_school_reproduces_every_record(server, tmp_path):
    m = mm.generate(students=150, seed=21, layout=130)
    path = tmp_path / "round-trip-source.xlsx"
    m.write(path)
    src = admin(server, "rt_source")
    ok(post_import(src, path.read_bytes(), path.name), "import", "commit")
    r = src.get("/api/v1/exports/matricula.xlsx")
    needs(r, "export", "GET /api/v1/exports/matricula.xlsx")
    assert r.status_code == 200, describe(r)
    assert r.content[:2] == b"PK", "the export is not an .xlsx"
    exported = path.parent / "round-trip-export.xlsx"
    exported.write_bytes(r.content)
    # the export is the government layout: 130 headers on row 3
    wb = openpyxl.load_workbook(str(exported), read_only=True)
    rows = list(wb.worksheets[0].iter_rows(min_row=1, max_row=3, values_only=True))
    wb.close()
    with open(COLUMNS_CSV, encoding="utf-8") as f:
        ref = [row["header"] for row in csv.DictReader(f)]
    assert [str(v).strip() for v in rows[2] if v is not None] == ref
    assert rows[0][0], "no title on row 1"

    dst = admin(server, "rt_target")
    rep = ok(post_import(dst, r.content, "matricula.xlsx"), "import", "commit of the export")
    assert rep["rejected"] == 0 and rep["created"] == len(m.students), rep
    a_students, a_reps = full_school(src)
    b_students, b_reps = full_school(dst)
    assert set(a_students) == set(b_students)
    diffs = {c: differences(a_students[c], b_students[c]) for c in a_students
             if a_students[c] != b_students[c]}
    assert not diffs, (f"{len(diffs)} students differ after the round trip (before, after); "
                       f"e.g. {list(diffs.items())[:3]}")
    assert set(a_reps) == set(b_reps)
    diffs = {c: differences(a_reps[c], b_reps[c]) for c in a_reps if a_reps[c] != b_reps[c]}
    assert not diffs, (f"{len(diffs)} representatives differ after the round trip (before, "
                       f"after); e.g. {list(diffs.items())[:3]}")
