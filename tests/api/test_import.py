"""The Matrícula import (h_imports.c, school/matricula_import.c, cli/import.c):
dry run, commit, re-import, moves, all-or-nothing, refusals, the problems
workbook, the command line."""

import io
import re
import zipfile

import pytest

from conftest import assert_error, assert_ok, cli, link_token, store_execute, store_rows
from support.matricula import (family_school, rep, student, to_csv, to_xls,
                               to_xlsx)

URL = "/api/v1/imports/matricula"
COUNTS = ("rows", "created", "updated", "unchanged", "rejected")


@pytest.fixture(scope="module")
def server(module_instances):
    inst = module_instances("import")
    inst.init()
    inst.start("--max-upload", "65536")
    return inst


_n = [0]


@pytest.fixture
def school(server):
    """A fresh school of the shared server and its director's client."""
    _n[0] += 1
    code = f"imp{_n[0]}"
    server.create_school(code, f"U.E. Importación {_n[0]}")
    server.add_user(code, f"director@{code}.test", "school_admin")
    c = server.login(code, f"director@{code}.test")
    return server, code, c


def upload(c, data, mode="dry_run", **params):
    return c.post(URL, data=data, params={"mode": mode, **params},
                  content_type="application/octet-stream")


def counts(report):
    return {k: report[k] for k in COUNTS}


def count(inst, code, table):
    return store_rows(inst.school_store(code), f"SELECT count(*) FROM {table}")[0][0]


def test_dry_run_writes_nothing_then_commit_creates_and_reimport_changes_nothing(school):
    inst, code, c = school
    data = to_csv(family_school())
    dry = assert_ok(upload(c, data, filename="lista.csv"))
    assert dry["mode"] == "dry_run" and dry["committed"] is False, dry
    assert counts(dry) == {"rows": 5, "created": 5, "updated": 0,
                           "unchanged": 0, "rejected": 0}, dry
    assert sorted(dry["sections_created"]) == ["1er Grado A", "1er Grado B",
                                               "2do Año A", "3er Grado A"], dry
    assert dry["representatives_created"] == 3, dry
    for table in ("students", "representatives", "sections", "grades",
                  "school_years", "enrolments"):
        assert count(inst, code, table) == 0, table

    done = assert_ok(upload(c, data, "commit", filename="lista.csv"))
    assert done["committed"] is True and counts(done) == counts(dry), done
    students = assert_ok(c.get("/api/v1/audit", params={"action": "import"}))["items"]
    assert len(students) == 1, students
    assert students[0]["entity"] == "matricula"
    assert students[0]["after"]["filename"] == "lista.csv"
    assert students[0]["after"]["created"] == 5
    # siblings share one representative: the mother is one person, linked twice
    store = inst.school_store(code)
    assert store_rows(store, "SELECT count(*) FROM representatives WHERE cedula = 'V12345678'") == [(1,)]
    assert store_rows(store, "SELECT count(*) FROM student_representatives sr"
                             " JOIN representatives r ON r.id = sr.representative_id"
                             " WHERE r.cedula = 'V12345678'") == [(2,)]
    assert store_rows(store, "SELECT first_names, position FROM authorized_pickups") == [("Carmen", 1)]
    assert store_rows(store, "SELECT count(*) FROM enrolments WHERE ends_on IS NULL"
                             " AND start_reason = 'ingreso'") == [(5,)]
    # the import writes the students list's search key itself (accents
    # folded), so the list finds them without a fill
    assert store_rows(store, "SELECT count(*) FROM students WHERE search_text = ''") == [(0,)]
    found = assert_ok(c.get("/api/v1/students", params={"q": "perez"}))["items"]
    assert sorted(s["first_names"] for s in found) == ["Ana Lucía", "José Ángel"], found
    # one current year was created with its three lapsos
    assert store_rows(store, "SELECT count(*) FROM school_years WHERE is_current = 1") == [(1,)]
    assert store_rows(store, "SELECT count(*) FROM lapsos") == [(3,)]

    again = assert_ok(upload(c, data, "commit"))
    assert counts(again) == {"rows": 5, "created": 0, "updated": 0,
                             "unchanged": 5, "rejected": 0}, again
    assert again["representatives_created"] == 0 and again["representatives_updated"] == 0
    assert again["sections_created"] == [] and again["grades_created"] == []
    assert count(inst, code, "students") == 5
    assert count(inst, code, "enrolments") == 5


def test_moved_student_is_updated_and_the_move_is_in_the_history(school):
    inst, code, c = school
    rows = family_school()
    assert_ok(upload(c, to_csv(rows), "commit"))
    store = inst.school_store(code)
    # the first import happened at the start of the year
    store_execute(store, "UPDATE enrolments SET starts_on = '2025-09-15'")
    rows[0]["student"]["Sección"] = "B"          # José Ángel moves to 1er Grado B
    rows[3]["student"]["Nombre"] = "Valentina María"  # a correction, no move
    dry = assert_ok(upload(c, to_csv(rows)))
    assert counts(dry) == {"rows": 5, "created": 0, "updated": 2, "unchanged": 3,
                           "rejected": 0}, dry
    assert dry["sections_created"] == [], dry      # 1er Grado B exists
    assert count(inst, code, "enrolments") == 5   # the dry run wrote nothing
    r = assert_ok(upload(c, to_csv(rows), "commit"))
    assert counts(r) == counts(dry), r
    hist = store_rows(store, "SELECT g.name || ' ' || s.letter, e.starts_on, e.ends_on IS NULL,"
                             " e.start_reason, e.end_reason FROM enrolments e"
                             " JOIN sections s ON s.id = e.section_id"
                             " JOIN grades g ON g.id = s.grade_id"
                             " JOIN students st ON st.id = e.student_id"
                             " WHERE st.cedula = 'V30111222' ORDER BY e.id")
    assert [(h[0], h[2], h[3], h[4]) for h in hist] == [
        ("1er Grado A", False, "ingreso", "cambio"),
        ("1er Grado B", True, "cambio", None)], hist
    assert store_rows(store, "SELECT first_names FROM students WHERE cedula = 'V28555666'") == \
        [("Valentina María",)]
    # the students list finds her by her new name (its search key follows)
    found = assert_ok(c.get("/api/v1/students", params={"q": "valentina maria"}))["items"]
    assert [s["cedula"] for s in found] == ["V28555666"], found
    # and importing the same file again changes nothing
    assert counts(assert_ok(upload(c, to_csv(rows), "commit")))["unchanged"] == 5


def test_all_or_nothing_unless_skip_invalid(school):
    inst, code, c = school
    rows = family_school()
    rows.append(student("1er Grado", "A", "Sin", "Género", "V-30.999.000", gender=""))
    rows.append(student("1er Grado", "A", "Otra", "Vez", "V-30.111.222", "Femenino"))
    r = upload(c, to_csv(rows), "commit")
    assert_error(r, 422, "import_rejected")
    rep_ = r.json()["error"]["report"]
    assert rep_["rejected"] == 2 and rep_["created"] == 5 and rep_["committed"] is False, rep_
    dup = [p for p in rep_["problems"] if "ya aparece en la fila" in p["message"]]
    assert dup and dup[0]["row"] == 8 and dup[0]["severity"] == "error", rep_["problems"]
    assert all(p["message"] for p in rep_["problems"])
    assert count(inst, code, "students") == 0
    assert count(inst, code, "sections") == 0

    ok = assert_ok(upload(c, to_csv(rows), "commit", skip_invalid="1"))
    assert ok["committed"] is True and ok["created"] == 5 and ok["rejected"] == 2, ok
    # the first José Ángel stays the one stored
    assert store_rows(inst.school_store(code),
                      "SELECT first_names FROM students WHERE cedula = 'V30111222'") == [("José Ángel",)]


def test_problems_download_as_xlsx(school):
    import openpyxl
    inst, code, c = school
    rows = family_school()
    rows.append(student("1er Grado", "A", "Sin", "Género", "V-30.999.000", gender=""))
    r = c.post(URL, data=to_csv(rows), params={"mode": "dry_run", "report": "xlsx"},
               content_type="text/csv")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment" in r.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[0] == ["Fila", "Columna", "Valor", "Mensaje", "Tipo"], cells
    assert any(row[0] == 7 and row[4] == "Error" and row[3] for row in cells[1:]), cells
    assert count(inst, code, "students") == 0


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_spreadsheet_formats_import(school, kind):
    inst, code, c = school
    data = (to_xlsx if kind == "xlsx" else to_xls)(family_school())
    r = assert_ok(upload(c, data, "commit"))
    assert r["format"] == kind and r["created"] == 5, r
    assert counts(assert_ok(upload(c, data, "commit")))["unchanged"] == 5


def _zip(parts, compression=zipfile.ZIP_DEFLATED):
    f = io.BytesIO()
    with zipfile.ZipFile(f, "w", compression) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return f.getvalue()


def _xml_bomb():
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                     for i in range(1, 10))
           + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
           '</sheetData></worksheet>')
    good = _zip({"x": "y"})  # noqa: F841 (shape only)
    parts = {}
    with zipfile.ZipFile(io.BytesIO(to_xlsx(family_school()))) as z:
        for n in z.namelist():
            parts[n] = z.read(n)
    parts["xl/worksheets/sheet1.xml"] = lol
    return _zip(parts)


def _zip_bomb():
    """A real .xlsx whose worksheet inflates to 20 MiB of blanks between its
    tags: about 20 KiB sent (under this server's 64 KiB --max-upload), a
    compression ratio of about 1,000, far over the reader's limit."""
    parts = {}
    with zipfile.ZipFile(io.BytesIO(to_xlsx(family_school()))) as z:
        for n in z.namelist():
            parts[n] = z.read(n)
    sheet = [n for n in parts if n.startswith("xl/worksheets/sheet")][0]
    f = io.BytesIO()
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
        for n, v in parts.items():
            if n == sheet:
                with z.open(n, "w", force_zip64=True) as w:
                    w.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
                            b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                            b'<sheetData>')
                    chunk = b" " * (1 << 20)
                    for _ in range(20):
                        w.write(chunk)
                    w.write(b"</sheetData></worksheet>")
            else:
                z.writestr(n, v)
    return f.getvalue()


def _encrypted_ooxml():
    """An OLE compound file (the container Office uses for a password-
    protected .xlsx); the reader must refuse it as protected or not a
    spreadsheet, never crash."""
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + bytes.fromhex("3E000300FEFF0900")
    return header + b"\0" * 512 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 1024


REFUSED = {
    "not a spreadsheet": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    "corrupt xlsx": b"PK\x03\x04" + b"\x00garbage" * 50,
    "empty sheet": None,
    "no required columns": "Nombre,Apellido\r\nAna,Pérez\r\n".encode(),
    "zip bomb": "zip",
    "xml bomb": "xml",
    "password-protected": "enc",
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_files_say_why_in_spanish_and_write_nothing(school, case):
    inst, code, c = school
    data = REFUSED[case]
    if case == "empty sheet":
        import openpyxl
        f = io.BytesIO()
        openpyxl.Workbook().save(f)
        data = f.getvalue()
    elif data == "zip":
        data = _zip_bomb()
    elif data == "xml":
        data = _xml_bomb()
    elif data == "enc":
        data = _encrypted_ooxml()
    for mode in ("dry_run", "commit"):
        r = upload(c, data, mode)
        assert_error(r, 422, "invalid_file")
        msg = r.json()["error"]["message"]
        # a reason in Spanish, not the generic default
        assert re.search(r"[áéíóúñ]|\bno\b|\bfalta", msg, re.I), msg
        assert msg != "El archivo no se puede importar.", msg
        if case == "no required columns":
            assert "Grado" in msg, msg
    assert count(inst, code, "students") == 0
    assert count(inst, code, "school_years") == 0


def test_empty_upload_and_bad_parameters(school):
    inst, code, c = school
    assert_error(upload(c, b""), 422, "invalid_file")
    assert_error(upload(c, to_csv(family_school()), "guardar"), 422, "invalid", field="mode")
    assert_error(upload(c, to_csv(family_school()), skip_invalid="quizás"), 422,
                 "invalid", field="skip_invalid")


def test_upload_limit_is_its_own(school):
    """--max-upload (64 KiB here) bounds the file, apart from --max-body
    (1 MiB by default) for the JSON routes."""
    inst, code, c = school
    big = to_csv(family_school() * 1) + b" " * (70 * 1024)
    r = upload(c, big)
    assert_error(r, 413, "body_too_large")
    assert "demasiado grande" in r.json()["error"]["message"]
    # a JSON body over 64 KiB is still accepted by the other routes' limit
    r = c.patch("/api/v1/settings", json={"address": "Av. Bolívar", "x": "y" * (100 * 1024)})
    assert r.status_code != 413, r.text
    assert count(inst, code, "students") == 0


def test_teacher_may_not_import(school):
    inst, code, c = school
    inst.add_user(code, f"docente@{code}.test", "teacher")
    t = inst.login(code, f"docente@{code}.test")
    assert_error(upload(t, to_csv(family_school()), "commit"), 403, "forbidden")
    assert count(inst, code, "students") == 0


def test_cli_import(school, tmp_path):
    inst, code, c = school
    f = tmp_path / "lista_de_estudiantes.csv"
    f.write_bytes(to_csv(family_school()))
    dry = cli("import", "matricula", "--data", inst.data, "--school", code, f, "--dry-run")
    assert dry.rc == 0, dry
    assert "Simulación: no se guardó nada." in dry.out and "Estudiantes nuevos: 5" in dry.out, dry
    assert count(inst, code, "students") == 0
    done = cli("import", "matricula", "--data", inst.data, "--school", code, f)
    assert done.rc == 0 and "Importación guardada." in done.out, done
    assert count(inst, code, "students") == 5
    again = cli("import", "matricula", "--data", inst.data, "--school", code, f)
    assert "Sin cambios: 5" in again.out, again

    rows = family_school() + [student("1er Grado", "A", "Sin", "Género", "V-30.999.000", gender="")]
    bad = tmp_path / "mala.csv"
    bad.write_bytes(to_csv(rows))
    r = cli("import", "matricula", "--data", inst.data, "--school", code, bad)
    assert r.rc == 3 and "Rechazados: 1" in r.out and "Fila 7" in r.out, r
    assert count(inst, code, "students") == 5
    r = cli("import", "matricula", "--data", inst.data, "--school", code, bad, "--skip-invalid")
    assert r.rc == 0 and "Estudiantes nuevos: 0" in r.out, r

    junk = tmp_path / "foto.png"
    junk.write_bytes(REFUSED["not a spreadsheet"])
    r = cli("import", "matricula", "--data", inst.data, "--school", code, junk)
    assert r.rc == 1 and r.err.strip(), r
    r = cli("import", "matricula", "--data", inst.data, "--school", "nadie", f)
    assert r.rc == 1, r
    r = cli("import", "alumnos", "--data", inst.data, "--school", code, f)
    assert r.rc == 2, r
    assert "--skip-invalid" in cli("import", "--help").out


def test_representative_shared_across_files_is_one_person(school):
    inst, code, c = school
    madre = rep("Carla", "Mendoza", "V-15.000.001", "Madre")
    assert_ok(upload(c, to_csv([student("4to Grado", "A", "Pedro", "Mendoza", "V-31.000.001",
                                        reps=[madre])]), "commit"))
    r = assert_ok(upload(c, to_csv([student("5to Grado", "A", "Pablo", "Mendoza", "V-31.000.002",
                                            reps=[madre])]), "commit"))
    assert r["representatives_created"] == 0 and r["created"] == 1, r
    store = inst.school_store(code)
    assert store_rows(store, "SELECT count(*) FROM student_representatives") == [(2,)]
    assert store_rows(store, "SELECT count(*) FROM representatives") == [(1,)]


def test_demo_school_is_enrolled_through_the_import(instances):
    inst = instances("demo")
    out = inst.init("--demo").out
    assert "Demo school enrolled: 300 students" in out, out
    store = inst.school_store("demo")
    # all 300 enrolled; two withdrawn since by the demo's months of
    # attendance (issue #16: the monthly report's egresos)
    assert store_rows(store, "SELECT count(*) FROM students WHERE status = 'activo'"
                             " AND section_id IS NOT NULL") == [(298,)]
    assert store_rows(store, "SELECT count(*) FROM students WHERE status = 'retirado'") == [(2,)]
    # siblings share representatives: some mothers have two or more children
    shared = store_rows(store, "SELECT count(*) FROM (SELECT representative_id FROM"
                               " student_representatives GROUP BY representative_id"
                               " HAVING count(*) > 1) x")[0][0]
    assert shared >= 50, shared
    assert store_rows(store, "SELECT count(*) FROM students WHERE cedula_escolar = 1")[0][0] > 0
    assert store_rows(store, "SELECT count(*) FROM authorized_pickups")[0][0] > 0
    grades = {r[0] for r in store_rows(store, "SELECT name FROM grades")}
    assert {"1er Grado", "6to Grado", "1er Año", "5to Año"} <= grades, grades
    assert store_rows(store, "SELECT count(*) FROM representatives WHERE email <> ''")[0][0] > 100
    assert store_rows(store, "SELECT count(*) FROM rooms")[0][0] >= 4
    assert store_rows(store, "SELECT count(*) FROM subjects")[0][0] >= 10
    # the import left one audit row, not one per student
    assert store_rows(store, "SELECT count(*) FROM audit_log WHERE action = 'import'"
                             " AND entity = 'matricula'") == [(1,)]
    # through the API the director sees the same school: importing the
    # generated file again would change nothing (same seed, same rows)
    pw = [l.split(": ")[1] for l in out.splitlines() if l.startswith("Demo school admin password")][0]
    inst.start()
    c = inst.client("demo")
    assert_ok(c.login("director@demo.localhost", pw))
    # the Personal page has people: the direction and teachers with subjects
    staff = assert_ok(c.get("/api/v1/staff"))["items"]
    cargos = {m["cargo"] for m in staff}
    assert {"Director(a)", "Secretario(a)", "Docente"} <= cargos, cargos
    teachers = [m for m in staff if m["cargo"] == "Docente"]
    assert len(teachers) >= 6 and all(m["subjects"] for m in teachers), teachers
    # the list is the director's first view of the school
    page = assert_ok(c.get("/api/v1/students", params={"limit": 50}))
    assert page["total"] == 300 and len(page["items"]) == 50


def test_invite_representatives_as_parents(school):
    inst, code, c = school
    assert_ok(upload(c, to_csv(family_school()), "commit"))
    store = inst.school_store(code)
    reps = dict(store_rows(store, "SELECT cedula, id FROM representatives"))
    mother, father, grandma = reps["V12345678"], reps["V11222333"], reps["V14000111"]
    r = assert_ok(c.post("/api/v1/representatives/invitations",
                         json={"representative_ids": [mother, grandma, 424242]}))
    assert [i["representative_id"] for i in r["items"]] == [mother], r
    item = r["items"][0]
    assert item["email"] == "maria.perez@correo.test" and item["name"].startswith("María José")
    # no password is made or shown: the mother gets a mail with a link
    assert "password" not in item and "link" not in item, item
    assert item["mail"] and item["mail"]["to"] == "maria.perez@correo.test", item
    why = {s["representative_id"]: s["reason"] for s in r["skipped"]}
    assert "correo" in why[grandma] and "No existe" in why[424242], why
    # the mother opens the mailed link, chooses her password and signs in
    # as a parent, linked to her two children
    token = link_token(store, "maria.perez@correo.test", "account_invitation")
    p = inst.client(code)
    assert assert_ok(p.get(f"/api/v1/auth/links/{token}"))["purpose"] == "invitation"
    assert_ok(p.post(f"/api/v1/auth/links/{token}", json={"password": "Mamá-de-dos-2026"}))
    me = assert_ok(p.login("maria.perez@correo.test", "Mamá-de-dos-2026"))
    assert me["user"]["role"] == "parent", me
    uid = item["user_id"]
    assert store_rows(store, "SELECT count(*) FROM student_representatives sr JOIN"
                             " representatives r ON r.id = sr.representative_id"
                             f" WHERE r.user_id = {int(uid)}") == [(2,)]
    # all: the father next; the mother is not invited twice
    r = assert_ok(c.post("/api/v1/representatives/invitations", json={"all": True}))
    assert [i["representative_id"] for i in r["items"]] == [father], r
    r = assert_ok(c.post("/api/v1/representatives/invitations", json={"all": True}))
    assert r["items"] == [], r
    assert_error(c.post("/api/v1/representatives/invitations", json={}), 422, "invalid",
                 field="representative_ids")
    assert_error(c.post("/api/v1/representatives/invitations",
                        json={"representative_ids": ["uno"]}), 422, "invalid",
                 field="representative_ids")
