#!/usr/bin/env python3
"""Writes a Matrícula of N students with all 130 columns filled, as .xls
(xlwt), .xlsx (openpyxl, write-only) or .csv, for bench/matricula/run.
Deterministic (seed). Families share representatives (a mother for one to
three children). tests/tools/make_matricula.py (fixtures branch) is the
realistic, messy generator; this one only needs to be big and complete.

Usage: gen.py N FORMAT OUT [SEED]"""

import csv
import io
import random
import re
import sys
from pathlib import Path

DEF = Path(__file__).resolve().parents[2] / "src" / "school" / "matricula_columns.def"
BOYS = ["José", "Luis", "Carlos", "Jesús", "Andrés", "Miguel Ángel", "Diego", "Sebastián",
        "Gabriel", "Samuel", "Óscar", "Ramón", "Héctor", "Adrián", "Simón", "Víctor"]
GIRLS = ["María José", "Valentina", "Ana Lucía", "Sofía", "Camila", "Daniela", "Mariana",
         "Gabriela", "Andrea", "Verónica", "Génesis", "Mónica", "Inés", "Rocío", "Ángela"]
SUR = ["González", "Rodríguez", "Pérez", "Hernández", "García", "Martínez", "López", "Díaz",
       "Sánchez", "Ramírez", "Torres", "Rojas", "Gómez", "Fernández", "Suárez", "Álvarez",
       "Núñez", "Briceño", "Contreras", "Mendoza", "Zambrano", "Peña", "Márquez", "Uzcátegui"]
GRADES = ["1er. Grado", "2do. Grado", "3er. Grado", "4to. Grado", "5to. Grado", "6to. Grado",
          "1er. Año", "2do. Año", "3er. Año", "4to. Año", "5to. Año"]


def columns():
    out = []
    for line in DEF.read_text(encoding="utf-8").splitlines():
        m = re.match(r'(STUDENT|REP|AUTH)_COL\((\w+), "([^"]*)"', line)
        if m:
            out.append((m.group(1), m.group(2), m.group(3)))
    st = [c for c in out if c[0] == "STUDENT"]
    rp = [c for c in out if c[0] == "REP"]
    au = [c for c in out if c[0] == "AUTH"]
    return st + rp * 3 + au * 2


def rows(n, seed):
    rnd = random.Random(seed)
    cols = columns()
    yield [c[2] for c in cols]
    i = 0
    fam = 0
    while i < n:
        fam += 1
        mom = {"first_names": rnd.choice(GIRLS), "last_names": f"{rnd.choice(SUR)} {rnd.choice(SUR)}",
               "cedula": f"V-{9000000 + fam * 7 + rnd.randrange(7):,}".replace(",", "."),
               "email": f"madre{fam}@example.com", "relationship": "Madre", "gender": "Femenino"}
        dad = {"first_names": rnd.choice(BOYS), "last_names": f"{rnd.choice(SUR)} {rnd.choice(SUR)}",
               "cedula": f"V{7000000 + fam * 7 + rnd.randrange(7)}",
               "email": f"padre{fam}@example.com", "relationship": "Padre", "gender": "Masculino"}
        for _k in range(1 + (rnd.random() < 0.4) + (rnd.random() < 0.15)):
            if i >= n:
                break
            i += 1
            g = rnd.randrange(len(GRADES))
            girl = rnd.random() < 0.5
            year = 2019 - g
            st = {"grade": GRADES[g], "section": rnd.choice("ABC"),
                  "first_names": rnd.choice(GIRLS if girl else BOYS),
                  "last_names": f"{dad['last_names'].split()[0]} {mom['last_names'].split()[0]}",
                  "cedula": f"V-{30000000 + i * 37 + rnd.randrange(37)}", "cedula_escolar": "No",
                  "birth_date": f"{rnd.randrange(1, 29):02d}/{rnd.randrange(1, 13):02d}/{year}",
                  "gender": "Femenino" if girl else "Masculino", "status": "Activo",
                  "academic_condition": "Regular", "payment_condition": "No becado",
                  "phone": f"0414-{rnd.randrange(10**7):07d}", "email": f"est{i}@example.com",
                  "blood_type": "O+", "nationality": "Venezolana", "country": "Venezuela",
                  "state": "Mérida", "city": "Mérida", "municipality": "Libertador",
                  "parish": "El Llano", "postal_code": "5101", "address": f"Calle {i % 40 + 1}, casa {i % 97}",
                  "birth_city": "Mérida", "birth_state": "Mérida", "birth_municipality": "Libertador",
                  "birth_parish": "Sagrario", "allergies": "Ninguna", "age": str(2025 - year),
                  "family_group": f"Familia {fam}"}
            reps = [mom, dad, {}]
            auths = [{"first_names": "Carmen", "last_names": mom["last_names"],
                      "cedula": f"V-{4000000 + fam}", "phone": "0416-7654321"}, {}]
            line = []
            rep_n = {}
            auth_n = {}
            for kind, field, _h in cols:
                if kind == "STUDENT":
                    line.append(st.get(field, ""))
                elif kind == "REP":
                    k = rep_n[field] = rep_n.get(field, -1) + 1
                    r = reps[k]
                    v = r.get(field, "")
                    if r and not v:
                        v = {"mobile_phone": "0424-1234567", "home_phone": "0274-2445566",
                             "office_phone": "0274-2630000", "birth_date": "15/06/1985",
                             "monthly_income": "1.250,50", "marital_status": "Casado/a",
                             "blood_type": "A+", "nationality": "Venezolana"}.get(field, "Texto " + field)
                    line.append(v)
                else:
                    k = auth_n[field] = auth_n.get(field, -1) + 1
                    line.append(auths[k].get(field, ""))
            yield line


def main():
    n, fmt, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 13
    if fmt == "csv":
        with open(out, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows(n, seed))
    elif fmt == "xlsx":
        import openpyxl
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("Estudiantes")
        ws.append(["U.E. Benchmark"])
        ws.append(["Lista de estudiantes"])
        for line in rows(n, seed):
            ws.append(line)
        wb.save(out)
    elif fmt == "xls":
        import xlwt
        wb = xlwt.Workbook(encoding="utf-8")
        ws = wb.add_sheet("Estudiantes")
        ws.write(0, 0, "U.E. Benchmark")
        for i, line in enumerate(rows(n, seed)):
            for j, v in enumerate(line):
                if v:
                    ws.write(i + 2, j, v)
        wb.save(out)
    else:
        sys.exit(f"unknown format {fmt}")


if __name__ == "__main__":
    main()
