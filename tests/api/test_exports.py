"""Exports (h_exports.c, matricula_export.c, enrolment_stats.c): the
school's Matrícula as a 130-column .xlsx, and its enrolment per grade and
section (V/H) as .xlsx and PDF. The files are read back independently
(openpyxl, pdftotext)."""

import csv
import datetime as dt
import io
import re
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from conftest import assert_error, assert_ok
from support.cli import cli, cli_ok
from support.records_sql import RecordsSQL

HEADERS = [r["header"] for r in csv.DictReader(
    open(Path(__file__).resolve().parent.parent / "data" / "matricula-columns.csv",
         encoding="utf-8"))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COL = {}  # header -> 0-based columns where it appears, in order
for i, h in enumerate(HEADERS):
    COL.setdefault(h, []).append(i)


def col(header, n=1):
    return COL[header][n - 1]


def today_caracas():
    return dt.datetime.now(ZoneInfo("America/Caracas")).date()


def age_on(birth, day):
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def seed_norte(store):
    """Two years; a current year with sections in Primaria and Media
    General; siblings sharing two representatives; a withdrawn student; a
    student promoted from last year."""
    ids = {}
    with RecordsSQL(store) as db:
        old = db.year("2024-2025", "2024-09-16", "2025-07-31")
        cur = db.year("2025-2026", "2025-09-15", "2026-07-31", current=True)
        ids["old_year"], ids["year"] = old, cur
        g1 = db.grade("media_general", 1, "1er Año")
        g2 = db.grade("media_general", 2, "2do Año")
        p1 = db.grade("primaria", 1, "1er Grado")
        old_1a = db.section(old, g1, "A")
        s1a = db.section(cur, g1, "A")
        s1b = db.section(cur, g1, "B")
        s2a = db.section(cur, g2, "A")
        db.section(cur, p1, "A")

        ana = db.student(s1a, cedula="V12345678", cedula_raw="V-12.345.678", first_names="Ana Sofía",
                         last_names="Pérez Gómez", gender="H", birth_date="2013-03-09",
                         birth_city="Mérida", phone="0414-1234567", email="ana@correo.test",
                         blood_type="O+", allergies="Penicilina", address="Av. Las Américas",
                         academic_condition="repitiente", payment_condition="Beca parcial")
        luis = db.student(s1a, cedula="1131234567", cedula_raw="", cedula_escolar=1,
                          first_names="Luis", last_names="Pérez Gómez", gender="V",
                          birth_date="2013-11-30")
        pedro = db.student(s1b, cedula="V23456789", first_names="Pedro", last_names="Zambrano",
                           gender="V", birth_date="2012-01-15")
        carla = db.student(s2a, cedula="E81234567", cedula_raw="E-81.234.567", first_names="Carla",
                           last_names="Andrade", gender="H", birth_date="2011-06-01")
        marta = db.student(None, cedula="V34567890", first_names="Marta", last_names="Useche",
                           gender="H", birth_date="2011-02-02", status="retirado")
        jorge = db.student(s2a, cedula="V45678901", first_names="Jorge", last_names="Briceño",
                           gender="V", birth_date="2011-08-20")
        for sid, sec in ((ana, s1a), (luis, s1a), (pedro, s1b), (carla, s2a)):
            db.enrolment(sid, sec, "2025-09-15")
        db.enrolment(marta, s2a, "2025-09-15", "2025-11-30", end_reason="retiro")
        db.enrolment(jorge, old_1a, "2024-09-16", "2025-07-31", end_reason="promocion")
        db.enrolment(jorge, s2a, "2025-09-15", start_reason="promocion")

        maria = db.representative(cedula="V10111222", cedula_raw="V-10.111.222",
                                  first_names="María", last_names="Gómez", gender="H",
                                  birth_date="1985-04-12", mobile_phone="0416-5551234",
                                  email="maria@correo.test", monthly_income="1500.50",
                                  marital_status="Casado/a")
        jose = db.representative(cedula="V9876543", first_names="José", last_names="Pérez",
                                 gender="V")
        rosa = db.representative(cedula="V7654321", first_names="Rosa", last_names="Andrade",
                                 gender="H")
        for child in (ana, luis):
            db.link(child, maria, 1, "Madre", 1)
            db.link(child, jose, 2, "Padre")
        db.link(carla, rosa, 3, "Abuela")
        db.authorized(luis, 1, first_names="Carmen", last_names="Ruiz", cedula="V5555555",
                      cedula_raw="5.555.555", phone="0412-0000001")
        db.authorized(luis, 2, first_names="Pablo", last_names="Ruiz", cedula="V6666666",
                      phone="0412-0000002")
    return ids


@pytest.fixture(scope="module")
def school(module_instances):
    inst = module_instances("exports")
    inst.init()
    inst.create_school("norte", "U.E. Colegio del Norte")
    inst.create_school("sur", "Liceo del Sur")
    inst.create_school("vacia", "Escuela Vacía")
    inst.add_user("norte", "directora@norte.test", "school_admin")
    inst.add_user("norte", "docente@norte.test", "teacher")
    inst.add_user("sur", "director@sur.test", "school_admin")
    inst.add_user("vacia", "director@vacia.test", "school_admin")
    ids = seed_norte(inst.school_store("norte"))
    with RecordsSQL(inst.school_store("sur")) as db:
        db.year("2022-2023", "2022-09-15", "2023-07-31")
        db.year("2023-2024", "2023-09-15", "2024-07-31")
        ids["foreign_year"] = y = db.year("2025-2026", "2025-09-15", "2026-07-31", current=True)
        g = db.grade("media_general", 1, "1er Año")
        db.student(db.section(y, g, "A"), cedula="V11111111", first_names="Sureño",
                   last_names="Del Sur", gender="V", birth_date="2012-05-05")
    inst.start()
    director = inst.login("norte", "directora@norte.test")
    return inst, director, ids


def read_xlsx(r):
    assert r.status_code == 200, r.text[:500]
    assert r.headers["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(r.content)).active


def rows_of(ws):
    return [list(row) for row in ws.iter_rows(values_only=True)]


def pdf_text(content):
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content,
                         capture_output=True, check=True)
    return out.stdout.decode("utf-8")


# ---- the Matrícula ----------------------------------------------------------

def test_matricula_has_the_government_layout_and_a_row_per_student(school):
    inst, director, ids = school
    r = director.get("/api/v1/exports/matricula.xlsx")
    cd = r.headers.get("Content-Disposition", "")
    ws = read_xlsx(r)
    assert re.fullmatch(r'attachment; filename="matricula-norte-\d{4}-\d{2}-\d{2}\.xlsx"', cd), cd
    rows = rows_of(ws)
    assert rows[0][0] == "U.E. Colegio del Norte"
    assert rows[1][0] == f"Matrícula 2025-2026 — generada el {today_caracas():%d/%m/%Y}"
    assert rows[2] == HEADERS, "row 3 must hold the 130 headers in order"
    names = [(row[col("Grado")], row[col("Sección")], row[col("Nombre")]) for row in rows[3:]]
    # by grade, section, last names; the withdrawn student stays (Estatus
    # Retirado) in the section she left; the old year's student is not there
    assert names == [("1er Año", "A", "Ana Sofía"), ("1er Año", "A", "Luis"),
                     ("1er Año", "B", "Pedro"), ("2do Año", "A", "Carla"),
                     ("2do Año", "A", "Jorge"), ("2do Año", "A", "Marta")], names


def test_matricula_values_are_written_as_the_import_reads_them(school):
    inst, director, ids = school
    rows = rows_of(read_xlsx(director.get("/api/v1/exports/matricula.xlsx")))
    by_name = {row[col("Nombre")]: row for row in rows[3:]}
    ana, luis, carla, marta = by_name["Ana Sofía"], by_name["Luis"], by_name["Carla"], by_name["Marta"]
    assert ana[col("Apellido")] == "Pérez Gómez"
    assert ana[col("Cédula de identidad")] == "V-12.345.678", "the cédula as the file had it"
    assert ana[col("¿Es cédula escolar?")] == "No"
    assert luis[col("Cédula de identidad")] == "1131234567"
    assert luis[col("¿Es cédula escolar?")] == "Sí"
    assert ana[col("Fecha de nacimiento")] == dt.datetime(2013, 3, 9), "a real date cell"
    assert ana[col("Edad")] == age_on(dt.date(2013, 3, 9), today_caracas())
    assert ana[col("Género")] == "Femenino" and luis[col("Género")] == "Masculino"
    assert ana[col("Estatus")] == "Activo" and marta[col("Estatus")] == "Retirado"
    assert ana[col("Condición")] == "Repitiente" and luis[col("Condición")] == "Regular"
    assert ana[col("Condición de pago")] == "Beca parcial"
    assert ana[col("Teléfono celular")] == "0414-1234567"
    assert ana[col("Correo electrónico")] == "ana@correo.test"
    assert ana[col("Grupo sanguíneo")] == "O+" and ana[col("Alergias")] == "Penicilina"
    assert ana[col("Ciudad de nacimiento")] == "Mérida"
    # representatives by position; siblings show the same two people
    for child in (ana, luis):
        assert child[col("Nombre de Representante", 1)] == "María"
        assert child[col("Cédula de identidad de Representante", 1)] == "V-10.111.222"
        assert child[col("Parentesco de Representante", 1)] == "Madre"
        assert child[col("Ingreso mensual de Representante", 1)] == 1500.5
        assert child[col("Fecha de nacimiento de Representante", 1)] == dt.datetime(1985, 4, 12)
        assert child[col("Género de Representante", 1)] == "Femenino"
        assert child[col("Estado civil de Representante", 1)] == "Casado/a"
        assert child[col("Nombre de Representante", 2)] == "José"
        assert child[col("Cédula de identidad de Representante", 2)] == "V9876543"
        assert child[col("Parentesco de Representante", 2)] == "Padre"
        assert child[col("Nombre de Representante", 3)] is None
    # a representative in position 3 only fills the third block
    assert carla[col("Nombre de Representante", 1)] is None
    assert carla[col("Nombre de Representante", 3)] == "Rosa"
    assert carla[col("Parentesco de Representante", 3)] == "Abuela"
    # authorized persons 1 and 2
    assert luis[col("Nombre (Representante autorizado)", 1)] == "Carmen"
    assert luis[col("Cédula (Representante autorizado)", 1)] == "5.555.555"
    assert luis[col("Teléfono (Representante autorizado)", 1)] == "0412-0000001"
    assert luis[col("Nombre (Representante autorizado)", 2)] == "Pablo"
    assert luis[col("Cédula (Representante autorizado)", 2)] == "V6666666"
    assert ana[col("Nombre (Representante autorizado)", 1)] is None


def test_matricula_of_a_past_year_lists_who_was_enrolled_then(school):
    inst, director, ids = school
    rows = rows_of(read_xlsx(director.get("/api/v1/exports/matricula.xlsx",
                                          params={"year_id": ids["old_year"]})))
    assert rows[1][0].startswith("Matrícula 2024-2025 — generada el ")
    assert [(r[col("Grado")], r[col("Sección")], r[col("Nombre")]) for r in rows[3:]] == \
        [("1er Año", "A", "Jorge")]


# ---- enrolment statistics ---------------------------------------------------

EXPECTED = [  # (Grado, Sección, V, H, Total)
    ("1er Grado", "A", 0, 0, 0),
    ("Total 1er Grado", None, 0, 0, 0),
    ("1er Año", "A", 1, 1, 2),
    ("1er Año", "B", 1, 0, 1),
    ("Total 1er Año", None, 2, 1, 3),
    ("2do Año", "A", 1, 1, 2),   # the withdrawn student does not count
    ("Total 2do Año", None, 1, 1, 2),
    ("Total general", None, 3, 2, 5),
]


def test_enrolment_xlsx_counts_boys_and_girls_per_section(school):
    inst, director, ids = school
    r = director.get("/api/v1/exports/enrolment.xlsx")
    assert re.fullmatch(r'attachment; filename="estadistica-matricula-norte-\d{4}-\d{2}-\d{2}\.xlsx"',
                        r.headers.get("Content-Disposition", ""))
    rows = rows_of(read_xlsx(r))
    assert rows[0][0] == "U.E. Colegio del Norte"
    assert "2025-2026" in rows[1][0]
    assert rows[2] == ["Grado", "Sección", "V", "H", "Total"]
    assert [tuple(x) for x in rows[3:]] == EXPECTED


def test_enrolment_of_a_past_year_counts_who_finished_it(school):
    inst, director, ids = school
    rows = rows_of(read_xlsx(director.get("/api/v1/exports/enrolment.xlsx",
                                          params={"year_id": ids["old_year"]})))
    assert [tuple(x) for x in rows[3:]] == [("1er Año", "A", 1, 0, 1),
                                            ("Total 1er Año", None, 1, 0, 1),
                                            ("Total general", None, 1, 0, 1)]


def test_enrolment_pdf_shows_school_codes_grades_and_totals(school):
    inst, director, ids = school
    settings = assert_ok(director.patch("/api/v1/settings",
                                        json={"rif": "J-00020200-1", "dea_code": "OD00451401"}))
    r = director.get("/api/v1/exports/enrolment.pdf")
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Type"] == "application/pdf"
    assert re.fullmatch(r'attachment; filename="estadistica-matricula-norte-\d{4}-\d{2}-\d{2}\.pdf"',
                        r.headers.get("Content-Disposition", ""))
    assert r.content.startswith(b"%PDF-")
    text = pdf_text(r.content)
    assert "U.E. Colegio del Norte" in text
    assert settings["rif"] in text and settings["dea_code"] in text
    assert "Año escolar 2025-2026" in text
    assert f"{today_caracas():%d/%m/%Y}" in text
    lines = [re.sub(r"\s+", " ", ln).strip() for ln in text.splitlines()]
    assert "Grado Sección V H Total" in lines
    for grade, letter, v, h, t in EXPECTED:
        want = " ".join(str(x) for x in (grade, letter, v, h, t) if x is not None)
        assert want in lines, (want, lines)
    assert "Página 1 de 1" in text


def test_enrolment_pdf_paginates_a_long_table(instances):
    inst = instances("exports-long")
    inst.init()
    inst.create_school("grande", "Escuela Grande")
    inst.add_user("grande", "director@grande.test", "school_admin")
    with RecordsSQL(inst.school_store("grande")) as db:
        year = db.year("2025-2026", "2025-09-15", "2026-07-31", current=True)
        for n in range(1, 7):
            g = db.grade("primaria", n, f"{n}º Grado")
            for letter in "ABCDEFGHIJKL":
                sec = db.section(year, g, letter)
                db.student(sec, cedula=f"V{n}{ord(letter)}000", first_names="Niño",
                           last_names=f"{n}{letter}", gender="V", birth_date="2015-01-01")
    inst.start()
    c = inst.login("grande", "director@grande.test")
    r = c.get("/api/v1/exports/enrolment.pdf")
    assert r.status_code == 200
    text = pdf_text(r.content)
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    # 72 sections + 6 subtotals + the total do not fit on two A4 pages
    assert len(pages) >= 3, len(pages)
    for i, p in enumerate(pages, 1):
        assert f"Página {i} de {len(pages)}" in p
        assert re.search(r"Grado\s+Sección\s+V\s+H\s+Total", p), "the table header repeats"
    lines = [re.sub(r"\s+", " ", ln).strip() for p in pages for ln in p.splitlines()]
    for n in range(1, 7):
        for letter in "ABCDEFGHIJKL":
            assert lines.count(f"{n}º Grado {letter} 1 0 1") == 1, (n, letter)
        assert lines.count(f"Total {n}º Grado 12 0 12") == 1
    assert re.search(r"Total general\s+72\s+0\s+72", pages[-1])


# ---- an empty school, another school's year, bad input, permissions ---------

def test_a_school_without_records_gets_valid_empty_reports(school):
    inst, _, _ = school
    c = inst.login("vacia", "director@vacia.test")
    rows = rows_of(read_xlsx(c.get("/api/v1/exports/matricula.xlsx")))
    assert rows[0][0] == "Escuela Vacía" and rows[2] == HEADERS and len(rows) == 3
    assert rows[1][0] == f"Matrícula — generada el {today_caracas():%d/%m/%Y}"
    rows = rows_of(read_xlsx(c.get("/api/v1/exports/enrolment.xlsx")))
    assert [tuple(x) for x in rows[3:]] == [("Total general", None, 0, 0, 0)]
    r = c.get("/api/v1/exports/enrolment.pdf")
    assert r.status_code == 200
    text = pdf_text(r.content)
    assert "Escuela Vacía" in text and "No hay estudiantes inscritos" in text
    assert re.search(r"Total general\s+0\s+0\s+0", text)


def test_a_year_of_another_school_is_not_found(school):
    inst, director, ids = school
    foreign = ids["foreign_year"]
    assert foreign not in (ids["year"], ids["old_year"])
    for path in ("matricula.xlsx", "enrolment.xlsx", "enrolment.pdf"):
        assert_error(director.get(f"/api/v1/exports/{path}", params={"year_id": foreign}),
                     404, "not_found")
        assert_error(director.get(f"/api/v1/exports/{path}", params={"year_id": "2x"}),
                     422, "invalid", field="year_id")
    # the other school sees its own student in that year
    c = inst.login("sur", "director@sur.test")
    rows = rows_of(read_xlsx(c.get("/api/v1/exports/matricula.xlsx",
                                   params={"year_id": foreign})))
    assert [r[col("Nombre")] for r in rows[3:]] == ["Sureño"]


def test_teachers_cannot_export(school):
    inst, _, _ = school
    teacher = inst.login("norte", "docente@norte.test")
    for path in ("matricula.xlsx", "enrolment.xlsx", "enrolment.pdf"):
        assert_error(teacher.get(f"/api/v1/exports/{path}"), 403, "forbidden")


# ---- the command line -------------------------------------------------------

def test_cli_writes_the_same_files(school, tmp_path):
    inst, director, ids = school
    out = tmp_path / "m.xlsx"
    res = cli_ok("export", "matricula", "--data", inst.data, "--school", "norte",
                 "--output", out)
    assert "Matrícula de norte escrita en" in res.out
    rows = rows_of(openpyxl.load_workbook(out).active)
    assert rows[2] == HEADERS
    assert [r[col("Nombre")] for r in rows[3:]] == \
        ["Ana Sofía", "Luis", "Pedro", "Carla", "Jorge", "Marta"]
    pdf = tmp_path / "e.pdf"
    res = cli_ok("export", "enrolment", "--data", inst.data, "--school", "norte",
                 "--output", pdf, "--format", "pdf", "--year-id", ids["old_year"])
    assert "(1 estudiante)" in res.out
    text = pdf_text(pdf.read_bytes())
    assert "Año escolar 2024-2025" in text and re.search(r"Total general\s+1\s+0\s+1", text)
    res = cli("export", "enrolment", "--data", inst.data, "--school", "norte",
              "--output", tmp_path / "x.xlsx", "--year-id", ids["foreign_year"])
    assert res.rc == 1 and "no tiene el año escolar" in res.err, res
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "x.xlsx.part").exists()
    res = cli("export", "matricula", "--data", inst.data, "--school", "nadie",
              "--output", tmp_path / "y.xlsx")
    assert res.rc == 1 and "no existe la escuela 'nadie'" in res.err, res
    res = cli("export", "matricula", "--data", inst.data, "--school", "norte",
              "--output", tmp_path / "y.xlsx", "--format", "pdf")
    assert res.rc == 2, res
