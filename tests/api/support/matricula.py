"""Small Matrícula files for the import tests, written here in the test
(the layout's headers come from src/school/matricula_columns.def, the
repository's own table): rows as dicts of header -> value for the student
and lists of dicts for the representatives and authorized persons, then
CSV, .xlsx (openpyxl) or .xls (xlwt) bytes. tests/tools/make_matricula.py
(the fixtures branch) makes the realistic, messy files."""

import csv
import io
import re
from pathlib import Path

DEF = Path(__file__).resolve().parents[3] / "src" / "school" / "matricula_columns.def"


def _headers():
    st, rp, au = [], [], []
    for line in DEF.read_text(encoding="utf-8").splitlines():
        m = re.match(r'(STUDENT|REP|AUTH)_COL\(\w+, "([^"]*)"', line)
        if m:
            {"STUDENT": st, "REP": rp, "AUTH": au}[m.group(1)].append(m.group(2))
    return st, rp, au


STUDENT_HEADERS, REP_HEADERS, AUTH_HEADERS = _headers()
HEADERS = STUDENT_HEADERS + REP_HEADERS * 3 + AUTH_HEADERS * 2


def student(grade, section, first, last, cedula, gender="Masculino",
            birth="09/03/2015", reps=(), auths=(), **more):
    """One row: reps are dicts with keys nombre, apellido, cedula,
    parentesco, email, telefono; auths nombre, apellido, cedula, telefono."""
    s = {"Grado": grade, "Sección": section, "Nombre": first, "Apellido": last,
         "Cédula de identidad": cedula, "Género": gender,
         "Fecha de nacimiento": birth, "Estatus": "Activo", "Condición": "Regular"}
    s.update(more)
    return {"student": s, "reps": list(reps), "auths": list(auths)}


def rep(nombre, apellido, cedula, parentesco="Madre", email="", telefono=""):
    return {"Nombre de Representante": nombre, "Apellido de Representante": apellido,
            "Cédula de identidad de Representante": cedula,
            "Parentesco de Representante": parentesco,
            "Correo electrónico de Representante": email,
            "Teléfono celular de Representante": telefono}


def auth(nombre, apellido, cedula, telefono=""):
    return {"Nombre (Representante autorizado)": nombre,
            "Apellido (Representante autorizado)": apellido,
            "Cédula (Representante autorizado)": cedula,
            "Teléfono (Representante autorizado)": telefono}


def grid(rows):
    out = [list(HEADERS)]
    for r in rows:
        line = [r["student"].get(h, "") for h in STUDENT_HEADERS]
        for i in range(3):
            d = r["reps"][i] if i < len(r["reps"]) else {}
            line += [d.get(h, "") for h in REP_HEADERS]
        for i in range(2):
            d = r["auths"][i] if i < len(r["auths"]) else {}
            line += [d.get(h, "") for h in AUTH_HEADERS]
        out.append(line)
    return out


def to_csv(rows, sep=","):
    f = io.StringIO()
    csv.writer(f, delimiter=sep, lineterminator="\r\n").writerows(grid(rows))
    return f.getvalue().encode("utf-8")


def to_xlsx(rows, title=True):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append(["U.E. Prueba"])
        ws.append(["Lista de estudiantes"])
    for line in grid(rows):
        ws.append(line)
    f = io.BytesIO()
    wb.save(f)
    return f.getvalue()


def to_xls(rows):
    import xlwt
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Estudiantes")
    ws.write(0, 0, "U.E. Prueba")
    for i, line in enumerate(grid(rows)):
        for j, v in enumerate(line):
            ws.write(i + 2, j, v)
    f = io.BytesIO()
    wb.save(f)
    return f.getvalue()


def family_school():
    """Five students: two siblings sharing their mother (and the second
    also their father), one with authorized pick-ups, one in bachillerato."""
    madre = rep("María José", "Pérez Núñez", "V-12.345.678", "Madre",
                "maria.perez@correo.test", "0414-1234567")
    padre = rep("Luis", "Pérez", "V11222333", "Padre", "luis.perez@correo.test")
    return [
        student("1er Grado", "A", "José Ángel", "Pérez", "V-30.111.222", reps=[madre]),
        student("3er Grado", "A", "Ana Lucía", "Pérez", "30111223", "Femenino",
                "10/03/2013", reps=[madre, padre],
                auths=[auth("Carmen", "Ruiz", "V-9.876.543", "0416-7654321")]),
        student("1er Grado", "B", "Andrés", "Gómez", "V30111224", reps=[
            rep("Rosa", "Gómez", "V-14.000.111", "Abuela")]),
        student("2do Año", "A", "Valentina", "Rodríguez", "V-28.555.666",
                "Femenino", "2010-05-20"),
        student("2do Año", "A", "Miguel", "Díaz", "V-28.555.667",
                birth="2010-07-01"),
    ]
