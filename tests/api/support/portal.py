"""A small school with an ACTIVE timetable, for the views and covers tests
(tests/api/test_timetable_views.py, test_covers.py, the browser test).

The structure, staff, users and bell schedules go through the API (years,
grades, sections, subjects, rooms, staff linked to their accounts, the
set-up's bell schedules). TEST SUPPORT ONLY: the timetable and its lessons,
the students and their representatives are written with SQL: a
hand-made week of known clashes is what these tests need, which neither
the generator nor the import gives (test_timetable_views.py also reads the
imported UEIPAB week); the rows are those the schema
(migrations/school/010) describes, so the views read them exactly as they
read a generated timetable.

The week (lunes 2026-12-14 is a Monday):
  Media General schedule: ten 40-minute periods 07:00-14:20, breaks
  09:40-10:00 and 12:40-13:00. Primaria: five 45-minute periods 07:00-11:05,
  a break 09:15-09:35.
  1er Año A (Media)  Ana   Matemática  lunes 1-2  (07:00-08:20) Aula 1
                     Ana   Física      lunes 5-6  (10:00-11:20) Laboratorio
                     Rosa  Castellano  martes 1-2
  2do Año A (Media)  Luis  Matemática  lunes 1-2  (07:00-08:20) Aula 2
                     Rosa  Castellano  lunes 3-4  (08:20-09:40)
                     Marta Física      lunes 5-6  (10:00-11:20)
                     Ana   Física      martes 1-2
                     Luis  Matemática  martes 3
  6to Grado A (Primaria) Rosa Castellano lunes 1 (07:00-07:45)
                     Luis  Matemática  martes 1 (07:00-07:45)
  Juan teaches nothing (cargo Docente); Pedro can teach Matemática.
  Subjects they can teach: Ana MAT FIS, Luis MAT, Marta MAT FIS, Rosa CAS,
  Pedro MAT. Accounts: Ana is profe1, Marta profe2; profe3 has no staff row.
  A draft timetable puts Juan in 1er Año A on lunes 1: never shown.
"""

from datetime import datetime, timezone

from .client import assert_ok
from .records import insert_student, store_insert
from .stores import store_execute

MEDIA = [("class", "07:00", "07:40"), ("class", "07:40", "08:20"), ("class", "08:20", "09:00"),
         ("class", "09:00", "09:40"), ("break", "09:40", "10:00"), ("class", "10:00", "10:40"),
         ("class", "10:40", "11:20"), ("class", "11:20", "12:00"), ("class", "12:00", "12:40"),
         ("break", "12:40", "13:00"), ("class", "13:00", "13:40"), ("class", "13:40", "14:20")]
PRIMARIA = [("class", "07:00", "07:45"), ("class", "07:45", "08:30"), ("class", "08:30", "09:15"),
            ("break", "09:15", "09:35"), ("class", "09:35", "10:20"), ("class", "10:20", "11:05")]

MONDAY, TUESDAY = "2026-12-14", "2026-12-15"


def now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _schedule(c, name, rows, section_ids):
    """A bell schedule through the set-up API, followed by those sections."""
    sid = assert_ok(c.post("/api/v1/bell-schedules", json={"name": name, "periods": [
        {"kind": k, "starts_at": a, "ends_at": z} for k, a, z in rows]}), 201)["id"]
    assert_ok(c.post(f"/api/v1/bell-schedules/{sid}/sections", json={"section_ids": section_ids}))
    return sid


def _timetable(store, name, status):
    return store_insert(store, "INSERT INTO timetables (name, status, source, created_at,"
                        " updated_at, activated_at) VALUES (?, ?, 'manual', ?, ?, ?) RETURNING id",
                        (name, status, now(), now(), now() if status == "active" else None))


def _lesson(store, tt, section, subject, staff, room, day, period, length):
    return store_insert(store, "INSERT INTO timetable_lessons (timetable_id, section_id, subject_id,"
                        " staff_id, room_id, day, period, length) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                        " RETURNING id", (tt, section, subject, staff, room, day, period, length))


def build_school(inst, code, director):
    """Builds the week above in school `code` (already created, with the
    users profe1/profe2/profe3@CODE.test teachers and mama/papa@CODE.test
    parents); `director` is a signed-in client of its admin. Returns the
    ids by name."""
    c, store = director, inst.school_store(code)
    ids = {}
    assert_ok(c.post("/api/v1/years", json={"name": "2026-2027", "starts_on": "2026-09-14",
                                            "ends_on": "2027-07-16", "is_current": True}), 201)
    g1 = assert_ok(c.post("/api/v1/grades", json={"level": "media_general", "number": 1}), 201)["id"]
    g2 = assert_ok(c.post("/api/v1/grades", json={"level": "media_general", "number": 2}), 201)["id"]
    g6 = assert_ok(c.post("/api/v1/grades", json={"level": "primaria", "number": 6}), 201)["id"]
    for key, g in (("1A", g1), ("2A", g2), ("6A", g6)):
        ids[key] = assert_ok(c.post("/api/v1/sections", json={"grade_id": g, "letter": "A"}), 201)["id"]
    for key, name, level in (("MAT", "Matemática", "media_general"), ("FIS", "Física", "media_general"),
                             ("CAS", "Castellano", "media_general")):
        ids[key] = assert_ok(c.post("/api/v1/subjects", json={"name": name, "code": key,
                                                               "level": level}), 201)["id"]
    for key, name, kind in (("aula1", "Aula 1", "aula"), ("aula2", "Aula 2", "aula"),
                            ("lab", "Laboratorio", "laboratorio")):
        ids[key] = assert_ok(c.post("/api/v1/rooms", json={"name": name, "kind": kind}), 201)["id"]
    users = {u["email"]: u["id"] for u in assert_ok(c.get("/api/v1/users"))["items"]}
    for n, (key, first, last, subjects, user) in enumerate((
            ("ana", "Ana", "Pérez", ["MAT", "FIS"], "profe1"),
            ("luis", "Luis", "Gómez", ["MAT"], None),
            ("marta", "Marta", "Salas", ["MAT", "FIS"], "profe2"),
            ("rosa", "Rosa", "Díaz", ["CAS"], None),
            ("juan", "Juan", "Ruiz", [], None),
            ("pedro", "Pedro", "Mora", ["MAT"], None)), 1):
        body = {"cedula": f"V{10000000 + n}", "first_names": first, "last_names": last,
                "subject_ids": [ids[s] for s in subjects]}
        if user:
            body["user_id"] = users[f"{user}@{code}.test"]
        ids[key] = assert_ok(c.post("/api/v1/staff", json=body), 201)["id"]
    ids["media"] = _schedule(c, "Media General", MEDIA, [ids["1A"], ids["2A"]])
    ids["primaria"] = _schedule(c, "Primaria", PRIMARIA, [ids["6A"]])
    tt = ids["tt"] = _timetable(store, "Horario 2026-2027", "active")
    for key, sec, sub, who, room, day, period, length in (
            ("L1", "1A", "MAT", "ana", "aula1", 1, 1, 2),
            ("L2", "1A", "FIS", "ana", "lab", 1, 5, 2),
            ("L7", "1A", "CAS", "rosa", "aula1", 2, 1, 2),
            ("L3", "2A", "MAT", "luis", "aula2", 1, 1, 2),
            ("L4", "2A", "CAS", "rosa", "aula2", 1, 3, 2),
            ("L6", "2A", "FIS", "marta", "lab", 1, 5, 2),
            ("L9", "2A", "FIS", "ana", "aula2", 2, 1, 2),
            ("L8", "2A", "MAT", "luis", "aula2", 2, 3, 1),
            ("L5", "6A", "CAS", "rosa", None, 1, 1, 1),
            ("L10", "6A", "MAT", "luis", None, 2, 1, 1)):
        ids[key] = _lesson(store, tt, ids[sec], ids[sub], ids[who], ids[room] if room else None,
                           day, period, length)
    draft = ids["draft"] = _timetable(store, "Borrador", "draft")
    ids["D1"] = _lesson(store, draft, ids["1A"], ids["MAT"], ids["juan"], ids["aula1"], 1, 1, 2)
    # students: mama has two children (1er Año A, 6to Grado A), papa one (2do Año A)
    for key, ced, first, sec in (("sofia", "V30000001", "Sofía", "1A"), ("tomas", "V30000002", "Tomás", "6A"),
                                 ("valeria", "V30000003", "Valeria", "2A")):
        ids[key] = insert_student(store, ced, first, "Rondón", "H", ids[sec])
    for key, ced, user, children in (("rep_mama", "V20000001", "mama", ("sofia", "tomas")),
                                     ("rep_papa", "V20000002", "papa", ("valeria",))):
        ids[key] = store_insert(store, "INSERT INTO representatives (cedula, first_names, last_names,"
                                " user_id, created_at, updated_at) VALUES (?, ?, 'Rondón', ?, ?, ?)"
                                " RETURNING id", (ced, user.title(), users[f"{user}@{code}.test"],
                                                  now(), now()))
        for pos, child in enumerate(children, 1):
            store_execute(store, "INSERT INTO student_representatives (student_id,"
                          " representative_id, position) VALUES (?, ?, 1)", (ids[child], ids[key]))
    return ids


def portal_users(inst, code):
    inst.add_user(code, f"directora@{code}.test", "school_admin")
    for n in (1, 2, 3):
        inst.add_user(code, f"profe{n}@{code}.test", "teacher")
    for who in ("mama", "papa"):
        inst.add_user(code, f"{who}@{code}.test", "parent")
