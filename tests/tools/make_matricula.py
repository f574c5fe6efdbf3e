#!/usr/bin/python3
"""Generates Matrícula files (the government's lista de estudiantes, see
docs/MATRICULA.md of the project docs) for the tests, the benchmark and
the demo: realistic, deterministic (seeded) and as messy as real ones.

How it works: generate() builds a school of families (1-3 children each,
siblings sharing their mother, father or grandmother as representatives),
gives every child a grade by age, a section and a cédula (or a cédula
escolar made from the mother's), and lays each child out as one row of
cells in the 130- or 122-column layout. The cells keep their kind (text,
a date cell, an Excel serial number in a number cell, a plain number) and
the writers turn them into .xls (xlwt; at most 256 columns and 65,536
rows), .xlsx (openpyxl in write-only mode, fast enough for 10,000 rows)
or .csv (UTF-8 or Windows-1252, comma or semicolon; a date cell becomes
dd/mm/yyyy text). Formatting choices (how a cédula, phone, grade or date
is written, stray spaces) are drawn per cell, so siblings' shared
representatives appear written in different ways.

With mess=True the header is mangled (case, double spaces, missing
accents) and a handful of deliberately bad rows are slipped in; the
Matricula object lists the problems an import must report for them
(`expected_problems`: sheet row, column, header, value, severity) and the
truth of every good row (`students`, `representatives`).

As a library (tests add tests/tools to sys.path):
    from make_matricula import generate
    m = generate(students=200, seed=7, layout=130, mess=True)
    m.write("out.xlsx")                       # format from the suffix
    m.write("out.csv", encoding="cp1252", delimiter=";")
As a command:
    make_matricula.py --students N --format xls|xlsx|csv
        [--encoding utf-8|cp1252] [--delimiter , | ;] [--layout 130|122]
        [--mess] [--full] [--seed S] [--problems FILE.json] [--bom] [--ragged] OUT
"""

import argparse
import csv
import datetime as dt
import json
import random
import sys
import unicodedata

# ---------------------------------------------------------------- layout
# The 130 headers of the government download (matricula-columns.csv of the
# project docs), as (field, header): field is the store column of
# src/school/matricula_columns.def.
STUDENT_COLS = [
    ("grade", "Grado"), ("section", "Sección"), ("first_names", "Nombre"),
    ("phone", "Teléfono celular"), ("last_names", "Apellido"),
    ("postal_code", "Código postal"), ("cedula", "Cédula de identidad"),
    ("city", "Ciudad"), ("cedula_escolar", "¿Es cédula escolar?"),
    ("birth_date", "Fecha de nacimiento"), ("municipality", "Municipio"),
    ("birth_state", "Estado de nacimiento"), ("state", "Estado"),
    ("birth_municipality", "Municipio de nacimiento"), ("parish", "Parroquia"),
    ("birth_parish", "Parroquia de nacimiento"), ("country", "País"),
    ("nationality", "Nacionalidad"), ("email", "Correo electrónico"),
    ("gender", "Género"), ("address", "Dirección"),
    ("blood_type", "Grupo sanguíneo"), ("allergies", "Alergias"),
    ("birth_city", "Ciudad de nacimiento"), ("age", "Edad"),
    ("family_group", "Grupo Familiar"), ("status", "Estatus"),
    ("academic_condition", "Condición"),
    ("payment_condition", "Condición de pago"),
]
REP_COLS = [
    ("first_names", "Nombre de Representante"),
    ("mobile_phone", "Teléfono celular de Representante"),
    ("profession", "Profesión de Representante"),
    ("last_names", "Apellido de Representante"),
    ("postal_code", "Código postal de Representante"),
    ("occupation", "Ocupación de Representante"),
    ("cedula", "Cédula de identidad de Representante"),
    ("city", "Ciudad de Representante"),
    ("company", "Nombre de la compañía donde trabaja de Representante"),
    ("birth_date", "Fecha de nacimiento de Representante"),
    ("municipality", "Municipio de Representante"),
    ("office_address", "Dirección de oficina de Representante"),
    ("parish", "Parroquia de Representante"),
    ("birth_parish", "Parroquia de nacimiento de Representante"),
    ("birth_state", "Estado de nacimiento de Representante"),
    ("state", "Estado de Representante"),
    ("office_phone", "Teléfono de oficina de Representante"),
    ("nationality", "Nacionalidad de Representante"),
    ("country", "País de Representante"),
    ("office_country", "País de oficina de Representante"),
    ("gender", "Género de Representante"),
    ("email", "Correo electrónico de Representante"),
    ("office_state", "Estado de oficina de Representante"),
    ("blood_type", "Grupo sanguíneo de Representante"),
    ("office_city", "Ciudad de oficina de Representante"),
    ("marital_status", "Estado civil de Representante"),
    ("monthly_income", "Ingreso mensual de Representante"),
    ("address", "Dirección de Representante"),
    ("home_phone", "Teléfono de domicilio de Representante"),
    ("family_group", "Grupo Familiar de Representante"),
    ("relationship", "Parentesco de Representante"),
]
AUTH_COLS = [
    ("first_names", "Nombre (Representante autorizado)"),
    ("last_names", "Apellido (Representante autorizado)"),
    ("cedula", "Cédula (Representante autorizado)"),
    ("phone", "Teléfono (Representante autorizado)"),
]
REPS, AUTHS = 3, 2

# The older 122-column download: no authorized-person blocks and the
# student block in another order (the mapper goes by header text).
ORDER_122 = [
    "grade", "section", "cedula", "cedula_escolar", "last_names",
    "first_names", "gender", "birth_date", "age", "nationality",
    "birth_state", "birth_municipality",
    "birth_parish", "birth_city", "address", "state", "municipality",
    "parish", "city", "postal_code", "country", "phone", "email",
    "blood_type", "allergies", "family_group", "status",
    "academic_condition", "payment_condition",
]

# The mangled header of a --mess file: what people do to spreadsheets.
MANGLED = {
    "Grado": "GRADO",
    "Sección": "Seccion",
    "Nombre": " nombre ",
    "Apellido": "APELLIDO ",
    "Cédula de identidad": "Cedula de identidad",
    "¿Es cédula escolar?": "¿es cedula escolar?",
    "Fecha de nacimiento": "Fecha  de  Nacimiento",
    "Género": "genero",
    "Correo electrónico": "Correo Electronico",
    "Cédula de identidad de Representante": "Cedula de Identidad de Representante",
    "Parentesco de Representante": "parentesco  de representante",
    "Nombre de Representante": "NOMBRE DE REPRESENTANTE",
}

TODAY = dt.date(2025, 9, 26)          # the download's date; ages are taken on it
YEAR_START = dt.date(2025, 9, 30)     # grade cut-off (age on this day)
EXCEL_EPOCH = dt.date(1899, 12, 30)   # 1900 date system as Excel counts it


class DateCell:
    """A real Excel date cell (a number with a date format)."""
    __slots__ = ("date",)

    def __init__(self, d):
        self.date = d


class Number:
    """A number cell (an Excel serial date, an age, a postal code)."""
    __slots__ = ("value",)

    def __init__(self, v):
        self.value = v


def excel_serial(d):
    return (d - EXCEL_EPOCH).days


def cell_text(v):
    """What a .csv (or a reader that wants text) holds for a cell."""
    if isinstance(v, DateCell):
        return v.date.strftime("%d/%m/%Y")
    if isinstance(v, Number):
        x = v.value
        return str(int(x)) if float(x).is_integer() else str(x)
    return v


def fold(s):
    """Case-, accent- and space-insensitive form of a header or label."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(s.lower().split())


# ---------------------------------------------------------------- the data
MALE = ["José", "Luis", "Carlos", "Jesús", "Juan", "Miguel", "Ángel", "Andrés",
        "Gabriel", "Daniel", "David", "Alejandro", "Diego", "Sebastián", "Samuel",
        "Santiago", "Mateo", "Víctor", "Ramón", "Rafael", "Gregorio", "Manuel",
        "Eduardo", "Óscar", "Héctor", "Julián", "Adrián", "Moisés", "Joaquín",
        "Simón", "Martín", "Germán", "Iván", "Rubén", "Nicolás", "Tomás", "Elías",
        "Wilmer", "Darwin", "Franklin", "Yorman", "Jhonny", "Leonardo", "Ricardo"]
FEMALE = ["María", "Ana", "Carmen", "Rosa", "Luisa", "Isabel", "Valentina",
          "Camila", "Sofía", "Daniela", "Gabriela", "Andreína", "Fabiola",
          "Mariángel", "Yelitza", "Yusmary", "Milagros", "Beatriz", "Mónica",
          "Verónica", "Inés", "Lucía", "Raquel", "Victoria", "Elena", "Paola",
          "Génesis", "Yulimar", "Dayana", "Oriana", "Nazareth", "Mariana",
          "Josefina", "Belén", "Noemí", "Zuleima", "Fernanda", "Alejandra"]
SURNAMES = ["Peña", "Núñez", "Rodríguez", "González", "Hernández", "Pérez",
            "Martínez", "García", "López", "Díaz", "Sánchez", "Ramírez", "Torres",
            "Rojas", "Suárez", "Gómez", "Jiménez", "Márquez", "Medina", "Castillo",
            "Mendoza", "Briceño", "Guzmán", "Chacón", "Contreras", "Colmenares",
            "Quintero", "Montilla", "Zambrano", "Álvarez", "Gutiérrez", "Fernández",
            "Acosta", "Blanco", "Bolívar", "Salazar", "Rondón", "Ibáñez", "Muñoz",
            "Ordóñez", "Carreño", "Belandria", "Villegas", "Fariñas", "Uzcátegui",
            "Paredes", "Escalona", "Graterol", "Mejías", "Arráiz"]
# (state, city, municipality, [parishes], postal code, phone area code)
PLACES = [
    ("Distrito Capital", "Caracas", "Libertador", ["Catedral", "San Juan", "El Recreo", "Sucre", "La Candelaria"], "1010", "0212"),
    ("Miranda", "Petare", "Sucre", ["Petare", "Leoncio Martínez", "Caucagüita"], "1073", "0212"),
    ("Miranda", "Los Teques", "Guaicaipuro", ["Los Teques", "San Pedro"], "1201", "0212"),
    ("Carabobo", "Valencia", "Valencia", ["San José", "Catedral", "Miguel Peña"], "2001", "0241"),
    ("Zulia", "Maracaibo", "Maracaibo", ["Chiquinquirá", "Olegario Villalobos", "Bolívar"], "4001", "0261"),
    ("Lara", "Barquisimeto", "Iribarren", ["Catedral", "Concepción", "Santa Rosa"], "3001", "0251"),
    ("Mérida", "Mérida", "Libertador", ["El Llano", "Milla", "Arias"], "5101", "0274"),
    ("Anzoátegui", "Barcelona", "Simón Bolívar", ["El Carmen", "San Cristóbal"], "6001", "0281"),
    ("Táchira", "San Cristóbal", "San Cristóbal", ["La Concordia", "Pedro María Morantes"], "5001", "0276"),
    ("Aragua", "Maracay", "Girardot", ["Las Delicias", "Madre María de San José"], "2101", "0243"),
    ("Bolívar", "Ciudad Bolívar", "Angostura del Orinoco", ["Catedral", "Vista Hermosa"], "8001", "0285"),
    ("Nueva Esparta", "Porlamar", "Mariño", ["Porlamar"], "6301", "0295"),
]
STREETS = ["Av. Bolívar, Edif. Los Pinos, piso 3, apto 3-B",
           "Calle 5 con carrera 8, casa N° 12", "Urb. La Trinidad, calle Los Mangos, qta. María",
           "Sector El Carmen, vereda 4, casa 17", "Av. Universidad, Res. El Ávila, apto 7-C",
           "Barrio Unión, calle principal, casa s/n", "Urb. Los Próceres, calle 2, N° 45",
           "Av. Las Américas, C.C. Alameda, local 3", "Calle Páez, casa N° 8-31",
           "Conj. Res. Araguaney, torre B, piso 9"]
PROFESSIONS = ["Docente", "Ingeniero civil", "Médico", "Enfermera", "Abogada",
               "Contador público", "Comerciante", "Administradora",
               "Técnico en informática", "Chofer", "Odontóloga", "Obrero",
               "Policía", "Bachiller", "Secretaria", "Economista"]
OCCUPATIONS = ["Empleado público", "Trabajador independiente", "Empleado privado",
               "Hogar", "Jubilado", "Desempleado", "Emprendedor"]
COMPANIES = ["Ministerio del Poder Popular para la Educación", "CANTV", "Corpoelec",
             "Farmatodo", "Banco de Venezuela", "Empresas Polar", "PDVSA",
             "Hospital Universitario", "Alcaldía del Municipio", "Panadería La Española"]
MARITAL = ["Casado/a", "Soltero/a", "Divorciado/a", "Viudo/a"]
BLOOD = ["O+", "O+", "O+", "A+", "A+", "B+", "O-", "A-", "AB+", "B-"]
ALLERGIES = ["Ninguna"] * 6 + ["", "", "Penicilina", "Polvo y ácaros", "Maní", "Mariscos",
                                "Asma leve", "Lactosa"]
PAYMENT = ["No becado", "No becado", "No becado", "Beca parcial", "Beca completa"]
MOBILE = ["0412", "0414", "0416", "0424", "0426"]
DOMAINS = ["gmail.com", "gmail.com", "hotmail.com", "yahoo.com", "outlook.com", "cantv.net"]

# Grades: (level, number, word, age on YEAR_START)
GRADES = ([("inicial", n, "Grupo", 2 + n) for n in (1, 2, 3)]
          + [("primaria", n, "Grado", 5 + n) for n in range(1, 7)]
          + [("media_general", n, "Año", 11 + n) for n in range(1, 6)])
ORDINAL = {1: "1er", 2: "2do", 3: "3er", 4: "4to", 5: "5to", 6: "6to"}


def canonical_grade(level, number):
    word = {"inicial": "Grupo", "primaria": "Grado"}.get(level, "Año")
    return f"{ORDINAL[number]} {word}"


def ascii_fold(s):
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


class Person:
    """A representative or an authorized person, as the truth."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


class Student:
    def __init__(self, **kw):
        self.__dict__.update(kw)


class Matricula:
    """A generated file's content: headers, rows of cells and the truth."""

    def __init__(self, layout, title, headers, fields, rows, students,
                 representatives, expected_problems, blank_rows):
        self.layout = layout
        self.title = title                # rows 1-2
        self.headers = headers            # row 3, as written
        self.fields = fields              # per column: (block, person, field)
        self.rows = rows                  # data rows (lists of cells), from row 4
        self.students = students          # good rows' truth (dicts), by sheet order
        self.representatives = representatives  # cédula -> truth dict
        self.expected_problems = expected_problems
        self.blank_rows = blank_rows      # trailing rows with nothing in them

    HEADER_ROW = 3                        # 1-based sheet row of the header

    def column_of(self, block, person, field):
        """1-based column of a field in this layout (None when absent)."""
        try:
            return self.fields.index((block, person, field)) + 1
        except ValueError:
            return None

    def write(self, path, fmt=None, encoding="utf-8", delimiter=",", bom=False,
              ragged=False):
        path = str(path)
        fmt = fmt or path.rsplit(".", 1)[-1].lower()
        if fmt == "xls":
            write_xls(self, path)
        elif fmt == "xlsx":
            write_xlsx(self, path)
        elif fmt == "csv":
            write_csv(self, path, encoding, delimiter, bom, ragged)
        else:
            raise ValueError(f"unknown format {fmt!r}")
        return path


# ---------------------------------------------------------------- generation
class _Gen:
    def __init__(self, seed, students, layout, mess, full=False):
        self.r = random.Random(seed)
        self.full = full              # every optional value and person present
        self.n = students
        self.layout = layout
        self.mess = mess
        self.used_cedulas = set()
        self.used_emails = set()
        self.home = self.r.choice(PLACES)   # most families live where the school is

    # -- identity numbers
    def cedula_number(self, lo, hi):
        while True:
            n = self.r.randint(lo, hi)
            if n not in self.used_cedulas:
                self.used_cedulas.add(n)
                return n

    def write_cedula(self, letter, n):
        """One of the ways the file writes a cédula."""
        r = self.r.random()
        dotted = f"{n:,}".replace(",", ".")
        if r < 0.30:
            return f"{letter}-{dotted}"
        if r < 0.55:
            return f"{letter}{n}"
        if r < 0.70:
            return f"{letter}-{n}"
        if r < 0.85 and letter == "V":
            return dotted
        if letter == "V" and r < 0.95:
            return Number(n)           # a bare number cell
        return f"{letter.lower()} {n}" if r < 0.97 else f"{letter}-{n}"

    def phone(self, area=None):
        p = area or self.r.choice(MOBILE)
        a, b = self.r.randint(200, 999), self.r.randint(0, 9999)
        norm = f"{p}-{a}{b:04d}"
        r = self.r.random()
        if r < 0.3:
            raw = f"({p}) {a}-{b:04d}"
        elif r < 0.55:
            raw = norm
        elif r < 0.8:
            raw = f"{p}{a}{b:04d}"
        elif r < 0.95:
            raw = f"+58 {p[1:]} {a}{b:04d}"
        else:
            raw = Number(int(f"{p}{a}{b:04d}"))    # a number cell: the trunk 0 is lost
        return raw, norm

    def rewrite_phone(self, norm):
        p, rest = norm.split("-")
        a, b = rest[:3], rest[3:]
        forms = [f"({p}) {a}-{b}", norm, f"{p}{rest}", f"+58 {p[1:]} {rest}"]
        if self.r.random() < 0.05:
            return Number(int(f"{p}{rest}"))         # a number cell: the trunk 0 is lost
        return self.r.choice(forms)

    def email(self, first, last, year):
        base = ascii_fold(first.split()[0] + "." + last.split()[0]).lower()
        e = f"{base}{year % 100:02d}@{self.r.choice(DOMAINS)}"
        i = 1
        while e in self.used_emails:
            i += 1
            e = f"{base}{year % 100:02d}{i}@{e.split('@')[1]}"
        self.used_emails.add(e)
        return e

    def spaces(self, s, p=0.05):
        """Stray spaces around a value, now and then."""
        r = self.r.random()
        if r < p / 2:
            return " " + s
        if r < p:
            return s + "  "
        return s

    def write_date(self, d, allow_cells=True):
        r = self.r.random()
        if allow_cells and r < 0.40:
            return DateCell(d)
        if allow_cells and r < 0.60:
            return Number(excel_serial(d))
        r = self.r.random()
        if r < 0.55:
            return d.strftime("%d/%m/%Y")
        if r < 0.70:
            return f"{d.day}/{d.month}/{d.year}"
        if r < 0.85:
            return d.isoformat()
        return d.strftime("%d-%m-%Y")

    def write_income(self, v):
        whole, cents = divmod(round(v * 100), 100)
        dotted = f"{whole:,}".replace(",", ".")
        r = self.r.random()
        if r < 0.6:
            return f"{dotted},{cents:02d}"
        if r < 0.8 and cents == 0:
            return dotted
        if r < 0.9 and cents == 0:
            return Number(whole)
        return f"{dotted},{cents:02d}"

    def write_grade(self, level, number):
        word = {"inicial": "Grupo", "primaria": "Grado"}.get(level, "Año")
        o = ORDINAL[number]
        r = self.r.random()
        if level == "inicial":
            forms = [f"{o} Grupo", f"{o} Grupo", f"{o}. Grupo", f"{o.upper()} GRUPO", f"{o} grupo"]
        else:
            forms = [f"{o}. {word}"] * 4 + [f"{o} {word}", f"{o}. {word.lower()}",
                                            f"{o.upper()}. {word.upper()}", f"{o} {word.lower()}"]
        s = forms[int(r * len(forms))]
        return self.spaces(s, 0.04)

    def write_section(self, letter):
        if letter == "Única":
            return self.r.choice(["Única", "Única", "ÚNICA", "U"])
        return self.spaces(letter, 0.06)

    def write_gender(self, g):
        word = "Masculino" if g == "V" else "Femenino"
        r = self.r.random()
        if r < 0.08:
            word = word.upper()
        elif r < 0.12:
            word = word.lower()
        return self.spaces(word, 0.04)

    def write_yesno(self, yes):
        if yes:
            return self.r.choice(["Sí", "Sí", "Sí", "Si", "SÍ"])
        return self.r.choice(["No", "No", "No", "NO"])

    def names(self, gender, n_first=None):
        pool = MALE if gender == "V" else FEMALE
        k = n_first or (2 if self.r.random() < 0.75 else 1)
        first = " ".join(self.r.sample(pool, k))
        return first

    # -- people
    def adult(self, gender, born_lo, born_hi, last_names, place, foreign=False):
        first = self.names(gender)
        born = dt.date(self.r.randint(born_lo, born_hi), self.r.randint(1, 12), self.r.randint(1, 28))
        if foreign:
            letter, num = "E", self.cedula_number(80_000_000, 84_999_999)
        elif born.year < 1962:
            letter, num = "V", self.cedula_number(2_500_000, 7_999_999)
        else:
            letter = "V"
            span = (born.year - 1962) * 600_000
            num = self.cedula_number(6_000_000 + span, 6_500_000 + span + 400_000)
        mobile_raw, mobile = self.phone()
        home_raw, home = self.phone(place[5]) if self.full or self.r.random() < 0.5 else ("", "")
        works = self.full or self.r.random() < 0.75
        office_raw, office = self.phone(place[5]) if works and (self.full or self.r.random() < 0.4) \
            else ("", "")
        income = 0.0
        if works:
            income = self.r.choice([float(self.r.randint(3, 60) * 50),
                                    self.r.randint(30000, 2500000) / 100])
        parish = self.r.choice(place[3])
        birth_place = self.r.choice(PLACES) if self.r.random() < 0.4 else place
        p = Person(
            first_names=first, last_names=last_names, gender=gender, birth_date=born,
            letter=letter, number=num, cedula=f"{letter}{num}",
            mobile_phone=mobile, home_phone=home, office_phone=office,
            email=self.email(first, last_names, born.year) if self.full or self.r.random() < 0.7 else "",
            profession=self.r.choice(PROFESSIONS) if works else "",
            occupation=self.r.choice(OCCUPATIONS),
            company=self.r.choice(COMPANIES) if works else "",
            monthly_income=income,
            address=self.r.choice(STREETS), city=place[1], municipality=place[2],
            parish=parish, state=place[0], postal_code=place[4],
            country="Venezuela" if not foreign else self.r.choice(["Venezuela", "Colombia"]),
            nationality="Venezolana" if not foreign else "Extranjera",
            birth_parish=self.r.choice(birth_place[3]), birth_state=birth_place[0],
            marital_status=self.r.choice(MARITAL),
            blood_type=self.r.choice(BLOOD) if self.full or self.r.random() < 0.7 else "",
            office_address=self.r.choice(STREETS) if works else "",
            office_city=place[1] if works else "", office_state=place[0] if works else "",
            office_country="Venezuela" if works else "",
            family_group=str(self.r.randint(3, 7)),
            raw={"mobile": mobile_raw, "home": home_raw, "office": office_raw},
        )
        return p

    def family(self, n_children):
        place = self.home if self.r.random() < 0.85 else self.r.choice(PLACES)
        father_last = self.r.choice(SURNAMES)
        mother_last = self.r.choice(SURNAMES)
        mother_second = self.r.choice(SURNAMES)
        father_second = self.r.choice(SURNAMES)
        foreign = self.r.random() < 0.05
        mother = self.adult("H", 1975, 1998, f"{mother_last} {mother_second}", place, foreign)
        father = None
        if self.full or self.r.random() < 0.7:
            father = self.adult("V", 1970, 1996, f"{father_last} {father_second}", place,
                                foreign and self.r.random() < 0.7)
        grandma = None
        if self.full or self.r.random() < 0.2:
            grandma = self.adult("H", 1948, 1968, f"{mother_second} {self.r.choice(SURNAMES)}", place)
        # who is representative 1 (primary), 2 and 3, with the parentesco
        reps = [(mother, "Madre"), (father, "Padre"), (grandma, "Abuela")]
        reps = [(p, rel) for p, rel in reps if p is not None]
        if grandma is not None and self.r.random() < 0.3:
            reps = [reps[-1]] + reps[:-1]    # the grandmother raises them
        elif father is not None and self.r.random() < 0.25:
            reps[0], reps[1] = reps[1], reps[0]
        children_last = f"{father_last} {mother_last}"
        grades = sorted(self.r.sample(range(len(GRADES)), n_children),
                        key=lambda g: -GRADES[g][3])
        kids = []
        for order, g in enumerate(grades, start=1):
            kids.append(self.child(g, order, children_last, mother, place, reps))
        return kids

    def child(self, g, order, last_names, mother, place, reps):
        level, number, word, age = GRADES[g]
        hi = YEAR_START.replace(year=YEAR_START.year - age)
        born = hi - dt.timedelta(days=self.r.randint(0, 364))
        gender = self.r.choice("VH")
        escolar_p = {"inicial": 1.0, "primaria": 0.8 if number <= 3 else 0.45}.get(level, 0.04)
        escolar = self.r.random() < escolar_p
        foreign = not escolar and self.r.random() < 0.03
        if escolar:
            digits = f"{order}{born.year % 100:02d}{mother.number}"
            cedula, letter, num = digits, None, None
        elif foreign:
            letter, num = "E", self.cedula_number(84_000_000, 84_999_999)
            cedula = f"E{num}"
        else:
            letter = "V"
            num = self.cedula_number(29_000_000 + (born.year - 2005) * 700_000,
                                     29_600_000 + (born.year - 2005) * 700_000)
            cedula = f"V{num}"
        first = self.names(gender)
        media = level == "media_general"
        phone_raw, phone = self.phone() if self.full or (media and self.r.random() < 0.4) else ("", "")
        status = "activo"
        if self.r.random() < 0.02:
            status = self.r.choice(["retirado", "no_inscrito"])
        cond = "regular"
        if media and self.r.random() < 0.08:
            cond = self.r.choice(["repitiente", "arrastra_materias"])
        elif self.r.random() < 0.02:
            cond = "repitiente"
        auths = []
        if self.layout == 130:
            for _ in range(2 if self.full else self.r.choice([0, 0, 1, 1, 2])):
                ag = self.r.choice("VH")
                a_first = self.names(ag, 1)
                a_last = self.r.choice(SURNAMES) + " " + self.r.choice(SURNAMES)
                has_ced = self.full or self.r.random() < 0.8
                a_num = self.cedula_number(8_000_000, 26_000_000) if has_ced else None
                a_phone_raw, a_phone = self.phone()
                auths.append(Person(first_names=a_first, last_names=a_last,
                                    cedula=f"V{a_num}" if has_ced else "", number=a_num,
                                    phone=a_phone, raw_phone=a_phone_raw))
        birth_place = place if self.r.random() < 0.8 else self.r.choice(PLACES)
        return Student(
            level=level, grade_number=number, grade=canonical_grade(level, number),
            grade_index=g, section=None, first_names=first, last_names=last_names,
            gender=gender, birth_date=born, cedula=cedula, cedula_escolar=escolar,
            letter=letter, number=num, phone=phone, raw_phone=phone_raw,
            email=self.email(first, last_names, born.year)
            if self.full or (media and self.r.random() < 0.5) else "",
            address=reps[0][0].address, city=place[1], municipality=place[2],
            parish=reps[0][0].parish, state=place[0], postal_code=place[4], country="Venezuela",
            nationality="Extranjera" if foreign else "Venezolana",
            birth_city=birth_place[1], birth_municipality=birth_place[2],
            birth_parish=self.r.choice(birth_place[3]), birth_state=birth_place[0],
            blood_type=self.r.choice(BLOOD) if self.full or self.r.random() < 0.6 else "",
            allergies=self.r.choice(ALLERGIES) or ("Ninguna" if self.full else ""), family_group=reps[0][0].family_group,
            status=status, academic_condition=cond,
            payment_condition=self.r.choice(PAYMENT), reps=reps, auths=auths,
        )

    # -- rows
    def student_cells(self, s):
        age = TODAY.year - s.birth_date.year - ((TODAY.month, TODAY.day) < (s.birth_date.month, s.birth_date.day))
        if s.cedula_escolar:
            ced = s.cedula if self.r.random() < 0.85 else "V-" + s.cedula
            if self.r.random() < 0.1:
                ced = Number(int(s.cedula))
        else:
            ced = self.write_cedula(s.letter, s.number)
        if isinstance(ced, str):
            ced = self.spaces(ced, 0.05)
        return {
            "grade": self.write_grade(s.level, s.grade_number),
            "section": self.write_section(s.section),
            "first_names": self.spaces(s.first_names, 0.06),
            "phone": s.raw_phone,
            "last_names": self.spaces(s.last_names, 0.06),
            "postal_code": s.postal_code if self.r.random() < 0.8 else Number(int(s.postal_code)),
            "cedula": ced,
            "city": s.city,
            "cedula_escolar": self.write_yesno(s.cedula_escolar),
            "birth_date": self.write_date(s.birth_date),
            "municipality": s.municipality, "birth_state": s.birth_state, "state": s.state,
            "birth_municipality": s.birth_municipality, "parish": s.parish,
            "birth_parish": s.birth_parish, "country": s.country,
            "nationality": s.nationality,
            "email": s.email if self.r.random() < 0.8 else s.email.capitalize(),
            "gender": self.write_gender(s.gender),
            "address": self.spaces(s.address, 0.03),
            "blood_type": s.blood_type, "allergies": s.allergies,
            "birth_city": s.birth_city,
            "age": Number(age) if self.r.random() < 0.7 else str(age),
            "family_group": s.family_group,
            "status": {"activo": "Activo", "retirado": "Retirado", "graduado": "Graduado",
                       "no_inscrito": "No inscrito"}[s.status],
            "academic_condition": {"regular": "Regular", "repitiente": "Repitiente",
                                   "arrastra_materias": "Arrastra materias"}[s.academic_condition],
            "payment_condition": s.payment_condition,
        }

    def rep_cells(self, p, rel):
        gender = "Masculino" if p.gender == "V" else "Femenino"
        rel_w = rel if self.r.random() < 0.85 else self.r.choice([rel.upper(), rel.lower(), rel + " "])
        return {
            "first_names": self.spaces(p.first_names, 0.05),
            "mobile_phone": self.rewrite_phone(p.mobile_phone),
            "profession": p.profession, "last_names": self.spaces(p.last_names, 0.05),
            "postal_code": p.postal_code,
            "occupation": p.occupation,
            "cedula": self.write_cedula(p.letter, p.number),
            "city": p.city, "company": p.company,
            "birth_date": self.write_date(p.birth_date),
            "municipality": p.municipality, "office_address": p.office_address,
            "parish": p.parish, "birth_parish": p.birth_parish, "birth_state": p.birth_state,
            "state": p.state,
            "office_phone": self.rewrite_phone(p.office_phone) if p.office_phone else "",
            "nationality": p.nationality, "country": p.country,
            "office_country": p.office_country, "gender": gender,
            "email": p.email if self.r.random() < 0.85 else p.email.title(),
            "office_state": p.office_state, "blood_type": p.blood_type,
            "office_city": p.office_city, "marital_status": p.marital_status,
            "monthly_income": self.write_income(p.monthly_income) if p.monthly_income else "",
            "address": p.address,
            "home_phone": self.rewrite_phone(p.home_phone) if p.home_phone else "",
            "family_group": p.family_group, "relationship": rel_w,
        }

    def auth_cells(self, a):
        return {
            "first_names": self.spaces(a.first_names, 0.05),
            "last_names": a.last_names,
            "cedula": self.write_cedula("V", a.number) if a.number else "",
            "phone": a.raw_phone,
        }


def _fields(layout):
    if layout == 122:
        by = dict(STUDENT_COLS)
        student = [(f, by[f]) for f in ORDER_122]
        assert sorted(student) == sorted(STUDENT_COLS)
    else:
        student = STUDENT_COLS
    fields = [("student", 0, f) for f, _ in student]
    headers = [h for _, h in student]
    for n in range(1, REPS + 1):
        fields += [("rep", n, f) for f, _ in REP_COLS]
        headers += [h for _, h in REP_COLS]
    if layout == 130:
        for n in range(1, AUTHS + 1):
            fields += [("auth", n, f) for f, _ in AUTH_COLS]
            headers += [h for _, h in AUTH_COLS]
    return fields, headers


def _truth(s):
    """A good row's student, as the store should hold it (dict)."""
    return {
        "cedula": s.cedula, "cedula_escolar": s.cedula_escolar,
        "first_names": s.first_names, "last_names": s.last_names, "gender": s.gender,
        "birth_date": s.birth_date.isoformat(), "grade": s.grade, "level": s.level,
        "section": s.section, "status": s.status,
        "academic_condition": s.academic_condition, "phone": s.phone, "email": s.email,
        "representatives": [{"position": i + 1, "cedula": p.cedula, "relationship": rel}
                            for i, (p, rel) in enumerate(s.reps)],
        "authorized": [{"position": i + 1, "first_names": a.first_names,
                        "last_names": a.last_names, "cedula": a.cedula, "phone": a.phone}
                       for i, a in enumerate(s.auths)],
    }


def _rep_truth(p):
    d = {k: getattr(p, k) for k in (
        "first_names", "last_names", "gender", "cedula", "mobile_phone", "home_phone",
        "office_phone", "email", "profession", "occupation", "company", "address", "city",
        "municipality", "parish", "state", "postal_code", "country", "nationality",
        "marital_status", "blood_type", "birth_state", "birth_parish", "office_address",
        "office_city", "office_state", "office_country", "family_group")}
    d["birth_date"] = p.birth_date.isoformat()
    d["monthly_income"] = f"{p.monthly_income:.2f}" if p.monthly_income else ""
    return d


# The deliberately bad rows of a --mess file: (what, field, bad value or
# None, severity). Each spoils one cell of an otherwise good row.
BAD_ROWS = [
    ("invalid_cedula", "cedula", "V-12AB5678", "error"),
    ("impossible_date", "birth_date", "31/02/2015", "error"),
    ("unknown_grade", "grade", "7mo. Grado", "error"),
    ("bad_email", "email", "jose.perez@@gmail", "error"),
    ("bad_gender", "gender", "Otro", "error"),
    ("missing_last_name", "last_names", "", "error"),
    ("escolar_year_mismatch", "cedula", None, "warning"),
]


def generate(students=100, seed=1, layout=130, mess=False, blank_rows=3,
             school="U.E. Colegio San José de Calasanz", full=False):
    """Builds a Matrícula of `students` good rows (plus, with mess, the
    bad rows of BAD_ROWS; the warning row is a good row). full: every
    student has three representatives and two authorized persons and every
    optional value (phones, emails, incomes...) is filled, the worst case
    for the benchmark."""
    if layout not in (130, 122):
        raise ValueError("layout must be 130 or 122")
    g = _Gen(seed, students, layout, mess, full)
    kids = []
    while len(kids) < students:
        want = g.r.choices([1, 2, 3], weights=[65, 25, 10])[0]
        want = min(want, students - len(kids))
        kids += g.family(want)
    # sections: about 32 students a section; Educación Inicial's groups
    # of up to 80 children are one section, "Única"
    per_grade = {}
    for k in kids:
        per_grade.setdefault(k.grade_index, []).append(k)
    for gi, ks in per_grade.items():
        n = max(1, min(26, round(len(ks) / 32)))
        if GRADES[gi][0] == "inicial" and len(ks) <= 80:
            n = 1
        letters = ["Única"] if n == 1 and GRADES[gi][0] == "inicial" else \
            [chr(ord("A") + i) for i in range(n)]
        for i, k in enumerate(sorted(ks, key=lambda k: (k.last_names, k.first_names))):
            k.section = letters[i * len(letters) // len(ks)]
    # the file's order: grade, section, names
    kids.sort(key=lambda k: (k.grade_index, k.section, fold(k.last_names), fold(k.first_names)))

    bad = []
    if mess:
        for what, field, value, severity in BAD_ROWS:
            if severity == "warning":
                continue
            fam = g.family(1)[0]
            fam.section = per_grade.get(fam.grade_index, [fam])[0].section or "A"
            bad.append((what, field, value, severity, fam))
        # the warning: a cédula escolar whose year is not the birth year
        esc = [k for k in kids if k.cedula_escolar]
        if esc:
            k = esc[len(esc) // 2]
            yy = (k.birth_date.year + 3) % 100
            k.cedula = f"{k.cedula[0]}{yy:02d}{k.cedula[3:]}"
            k.warning = ("escolar_year_mismatch", "cedula", k.cedula, "warning")

    fields, headers = _fields(layout)
    if mess:
        headers = [MANGLED.get(h, h) for h in headers]

    rows, truth, problems = [], [], []
    # bad rows go at fixed places among the good ones
    slots = {}
    for i, b in enumerate(bad):
        slots.setdefault(((i + 1) * len(kids)) // (len(bad) + 1), []).append(b)

    def emit(s, spoil=None):
        cells_s = g.student_cells(s)
        reps = [g.rep_cells(p, rel) for p, rel in s.reps]
        auths = [g.auth_cells(a) for a in s.auths]
        sheet_row = Matricula.HEADER_ROW + len(rows) + 1
        if spoil is not None:
            what, field, value, severity = spoil
            if field == "email" and value is not None:
                cells_s["email"] = value
            elif value is not None:
                cells_s[field] = value
            else:
                value = s.cedula
                cells_s[field] = value
            col = fields.index(("student", 0, field)) + 1
            problems.append({"row": sheet_row, "col": col, "header": dict(STUDENT_COLS)[field],
                             "file_header": headers[col - 1], "value": cell_text(cells_s[field]),
                             "severity": severity, "what": what})
        row = []
        for block, n, f in fields:
            if block == "student":
                v = cells_s[f]
            elif block == "rep":
                v = reps[n - 1][f] if n <= len(reps) else ""
            else:
                v = auths[n - 1][f] if n <= len(auths) else ""
            row.append(v)
        rows.append(row)
        return sheet_row

    for i, k in enumerate(kids):
        for b in slots.get(i, []):
            emit(b[4], b[:4])
        w = getattr(k, "warning", None)
        sheet_row = emit(k, w)
        t = _truth(k)
        t["row"] = sheet_row
        truth.append(t)

    representatives = {}
    for k in kids:
        for p, rel in k.reps:
            representatives.setdefault(p.cedula, _rep_truth(p))
            representatives[p.cedula].setdefault("children", []).append(k.cedula)

    title = [f"Lista de estudiantes - {school}",
             f"Fecha de descarga: {TODAY.strftime('%d/%m/%Y')}"]
    return Matricula(layout, title, headers, fields, rows, truth, representatives,
                     problems, blank_rows)


# ---------------------------------------------------------------- writers
def _blank_tail(m):
    """Trailing rows that look empty: nothing, empty strings, spaces."""
    width = len(m.headers)
    tail = []
    for i in range(m.blank_rows):
        row = [""] * width
        if i == 1:
            row[0] = " "
            row[4] = "  "
        tail.append(row)
    return tail


def write_xls(m, path):
    import xlwt
    if len(m.headers) > 256:
        raise ValueError(".xls holds at most 256 columns")
    if Matricula.HEADER_ROW + len(m.rows) + m.blank_rows > 65536:
        raise ValueError(".xls holds at most 65,536 rows")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Hoja1")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    bold = xlwt.easyxf("font: bold on")
    ws.write(0, 0, m.title[0], bold)
    ws.write(1, 0, m.title[1])
    for c, h in enumerate(m.headers):
        ws.write(2, c, h, bold)
    r = Matricula.HEADER_ROW
    for row in m.rows + _blank_tail(m):
        wr = ws.row(r)
        for c, v in enumerate(row):
            if v == "":
                continue
            if isinstance(v, DateCell):
                wr.set_cell_number(c, float((v.date - EXCEL_EPOCH).days), date_style)
            elif isinstance(v, Number):
                wr.set_cell_number(c, float(v.value))
            else:
                wr.write(c, v)
        r += 1
        if r % 2000 == 0:
            ws.flush_row_data()
    wb.save(path)


def write_xlsx(m, path):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Hoja1")
    ws.append([m.title[0]])
    ws.append([m.title[1]])
    ws.append(list(m.headers))
    for row in m.rows + _blank_tail(m):
        out = []
        for v in row:
            if v == "":
                out.append(None)
            elif isinstance(v, DateCell):
                c = WriteOnlyCell(ws, value=v.date)
                c.number_format = "dd/mm/yyyy"
                out.append(c)
            elif isinstance(v, Number):
                out.append(v.value)
            else:
                out.append(v)
        ws.append(out)
    wb.save(path)


def write_csv(m, path, encoding="utf-8", delimiter=",", bom=False, ragged=False):
    """ragged: the title lines as one field each, as a script would write
    them (Excel and LibreOffice pad every line to the used range)."""
    enc = "utf-8-sig" if (bom and encoding == "utf-8") else encoding
    with open(path, "w", encoding=enc, newline="") as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator="\r\n")
        # as Excel and LibreOffice save a sheet: every line as wide as the
        # used range, the title lines padded with empty fields
        pad = [] if ragged else [""] * (len(m.headers) - 1)
        w.writerow([m.title[0]] + pad)
        w.writerow([m.title[1]] + pad)
        w.writerow(m.headers)
        for row in m.rows + _blank_tail(m):
            w.writerow([cell_text(v) for v in row])


# ---------------------------------------------------------------- command
def main(argv=None):
    ap = argparse.ArgumentParser(description="Writes a generated Matrícula file.")
    ap.add_argument("--students", type=int, default=100)
    ap.add_argument("--format", choices=["xls", "xlsx", "csv"])
    ap.add_argument("--encoding", choices=["utf-8", "cp1252"], default="utf-8")
    ap.add_argument("--delimiter", choices=[",", ";"], default=",")
    ap.add_argument("--layout", type=int, choices=[130, 122], default=130)
    ap.add_argument("--mess", action="store_true",
                    help="mangled header and a handful of bad rows")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--full", action="store_true",
                    help="every student with 3 representatives, 2 authorized persons "
                         "and every optional value filled (the benchmark's files)")
    ap.add_argument("--blank-rows", type=int, default=3)
    ap.add_argument("--bom", action="store_true", help="CSV: a UTF-8 byte order mark")
    ap.add_argument("--ragged", action="store_true",
                    help="CSV: title lines of one field (not padded to the header's width)")
    ap.add_argument("--problems", metavar="FILE.json",
                    help="also write the problems an import must report")
    ap.add_argument("out")
    a = ap.parse_args(argv)
    if a.students < 1:
        ap.error("--students must be at least 1")
    m = generate(students=a.students, seed=a.seed, layout=a.layout, mess=a.mess,
                 blank_rows=a.blank_rows, full=a.full)
    m.write(a.out, a.format, a.encoding, a.delimiter, a.bom, a.ragged)
    if a.problems:
        with open(a.problems, "w", encoding="utf-8") as f:
            json.dump(m.expected_problems, f, ensure_ascii=False, indent=1)
    print(f"{a.out}: {len(m.rows)} rows ({len(m.students)} good, "
          f"{sum(p['severity'] == 'error' for p in m.expected_problems)} bad), "
          f"{len(m.representatives)} representatives, layout {a.layout}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
