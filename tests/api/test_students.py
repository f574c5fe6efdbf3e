"""Students (h_students.c, src/school/students.c): create with every error at
once, the enrolment history of a move and a withdrawal, search without
accents and by cédula digits, filters, pagination, isolation between
schools, and audit rows naming what changed."""

import pytest

from conftest import assert_error, assert_ok, store_execute, store_rows
from support.students_setup import make_structure


@pytest.fixture(scope="module")
def school(module_instances):
    inst = module_instances("students")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.create_school("sur", "U.E. Sur")
    inst.add_user("norte", "directora@norte.test", "school_admin")
    inst.add_user("norte", "docente@norte.test", "teacher")
    inst.add_user("sur", "director@sur.test", "school_admin")
    inst.start()
    inst.admin = inst.login("norte", "directora@norte.test")
    inst.ids = make_structure(inst.admin)
    inst.sur_ids = make_structure(inst.login("sur", "director@sur.test"))
    return inst


_seq = iter(range(10_000_000, 99_999_999, 7919))


def new_cedula():
    return str(next(_seq))


def student(school, section="1A", **kw):
    body = {"cedula": new_cedula(), "first_names": "Ana", "last_names": "Pérez",
            "gender": "H", "birth_date": "2012-05-04", "section_id": school.ids[section]}
    body.update(kw)
    return assert_ok(school.admin.post("/api/v1/students", json=body), 201)


def test_create_stores_every_field_and_enrols_in_the_section(school):
    s = student(school, cedula="V-12.345.001", first_names="José Luis",
                last_names="Rondón Díaz", gender="V", birth_date="04/05/2012",
                phone="0414 123 4567", email="Jose@Example.COM", blood_type="O+",
                allergies="Penicilina\nManí", enrolled_on="2025-09-15",
                representatives=[{"cedula": "V-9.876.001", "first_names": "Carmen",
                                  "last_names": "Díaz", "relationship": "Madre",
                                  "mobile_phone": "04241234567", "email": "carmen@x.test"}],
                authorized=[{"first_names": "Pedro", "last_names": "Díaz",
                             "cedula": "v 11222333", "phone": "0416-7654321"}])
    assert s["cedula"] == "V12345001" and s["cedula_raw"] == "V-12.345.001", s
    assert s["birth_date"] == "2012-05-04" and s["phone"] == "0414-1234567", s
    assert s["email"] == "jose@example.com" and s["status"] == "activo", s
    assert s["academic_condition"] == "regular" and s["allergies"] == "Penicilina\nManí", s
    assert s["section"]["name"] == "1er Año A" and s["section"]["year"] == "2025-2026", s
    assert s["warnings"] == [], s
    [rep] = s["representatives"]
    assert rep["cedula"] == "V9876001" and rep["relationship"] == "Madre", rep
    assert rep["is_primary"] is True and rep["may_pick_up"] is True, rep
    assert s["authorized"] == [{"position": 1, "first_names": "Pedro", "last_names": "Díaz",
                                "cedula": "V11222333", "phone": "0416-7654321"}], s
    assert s["history"] == [{"section_id": school.ids["1A"], "section": "1er Año A",
                             "year": "2025-2026", "starts_on": "2025-09-15", "ends_on": None,
                             "start_reason": "ingreso", "end_reason": None}], s
    again = assert_ok(school.admin.get(f"/api/v1/students/{s['id']}"))
    assert {k: v for k, v in s.items() if k != "warnings"} == again


def test_create_with_several_errors_reports_them_all_and_writes_nothing(school):
    before = assert_ok(school.admin.get("/api/v1/students"))["total"]
    r = school.admin.post("/api/v1/students", json={
        "cedula": "abc", "first_names": "", "gender": "X", "birth_date": "2031-01-01",
        "email": "no-es-correo", "phone": "12", "status": "expulsado",
        "section_id": school.ids["1A"],
        "representatives": [{"first_names": "Sin Cédula"},
                            {"cedula": "V-1", "email": "mal@", "first_names": "A",
                             "last_names": "B"}],
        "authorized": [{"first_names": "Solo"}, {}, {}]})
    err = assert_error(r, 422, "invalid")
    fields = {e["field"]: e["message"] for e in err["errors"]}
    for f in ("cedula", "first_names", "last_names", "gender", "birth_date", "email",
              "phone", "status", "representatives[0].cedula", "representatives[1].cedula",
              "representatives[1].email", "authorized"):
        assert f in fields, (f, fields)
    assert "posterior" in fields["birth_date"], fields
    assert all(m and m[0].isupper() for m in fields.values()), fields
    assert assert_ok(school.admin.get("/api/v1/students"))["total"] == before


def test_birth_date_before_1990_and_section_of_another_year_are_refused(school):
    r = school.admin.post("/api/v1/students", json={
        "cedula": new_cedula(), "first_names": "A", "last_names": "B", "gender": "V",
        "birth_date": "1989-12-31", "section_id": school.ids["1A"]})
    assert "1990" in assert_error(r, 422, "invalid", field="birth_date")["message"]
    r = school.admin.post("/api/v1/students", json={
        "cedula": new_cedula(), "first_names": "A", "last_names": "B", "gender": "V",
        "birth_date": "2012-01-01", "section_id": school.ids["old_1A"]})
    assert_error(r, 422, "invalid", field="section_id")


def test_duplicate_cedula_is_refused_on_the_field(school):
    s = student(school)
    r = school.admin.post("/api/v1/students", json={
        "cedula": "V-" + s["cedula"][1:], "first_names": "Otro", "last_names": "Niño",
        "gender": "V", "birth_date": "2012-01-01", "section_id": school.ids["1A"]})
    err = assert_error(r, 422, "invalid", field="cedula")
    assert "Ya existe" in err["message"], err
    other = student(school)
    assert_error(school.admin.patch(f"/api/v1/students/{other['id']}",
                                    json={"cedula": s["cedula"]}), 422, "invalid", field="cedula")


def test_cedula_escolar_year_mismatch_is_a_warning_not_a_refusal(school):
    ok = student(school, cedula="1-12-9876543", cedula_escolar=True, birth_date="2012-03-01")
    assert ok["cedula"] == "1129876543" and ok["cedula_escolar"] is True, ok
    assert ok["warnings"] == [], ok
    warned = student(school, cedula="2-10-9876543", cedula_escolar=True, birth_date="2012-03-01")
    assert warned["cedula"] == "2109876543", warned
    [w] = warned["warnings"]
    assert w["field"] == "cedula" and w["message"], warned


def test_siblings_share_one_representative(school):
    mother = {"cedula": "V-15.555.777", "first_names": "María", "last_names": "Gómez",
              "relationship": "Madre", "mobile_phone": "0412-5550000"}
    a = student(school, first_names="Luis", last_names="Gómez", representatives=[mother])
    b = student(school, section="2A", first_names="Lucía", last_names="Gómez",
                representatives=[{**mother, "email": "maria@gomez.test",
                                  "may_pick_up": False},
                                 {"cedula": "V-15.555.778", "first_names": "Juan",
                                  "last_names": "Gómez", "relationship": "Padre",
                                  "is_primary": True}])
    assert a["representatives"][0]["id"] == b["representatives"][0]["id"]
    assert [r["is_primary"] for r in b["representatives"]] == [False, True], b
    assert b["representatives"][0]["may_pick_up"] is False, b
    rows = store_rows(school.school_store("norte"),
                      "SELECT COUNT(*) FROM representatives WHERE cedula = 'V15555777'")
    assert rows == [(1,)]
    rep = assert_ok(school.admin.get(f"/api/v1/representatives/{a['representatives'][0]['id']}"))
    assert rep["email"] == "maria@gomez.test", rep        # the second child's form updated it
    kids = {c["id"]: c for c in rep["children"]}
    assert set(kids) == {a["id"], b["id"]}, rep
    assert kids[b["id"]]["section"] == "2do Año A" and kids[a["id"]]["relationship"] == "Madre"


def test_two_primary_representatives_are_refused(school):
    r = school.admin.post("/api/v1/students", json={
        "cedula": new_cedula(), "first_names": "A", "last_names": "B", "gender": "V",
        "birth_date": "2012-01-01", "section_id": school.ids["1A"],
        "representatives": [{"cedula": new_cedula(), "first_names": "P", "last_names": "Q",
                             "is_primary": True},
                            {"cedula": new_cedula(), "first_names": "R", "last_names": "S",
                             "is_primary": True}]})
    assert_error(r, 422, "invalid", field="representatives[1].is_primary")


def test_move_closes_the_enrolment_the_day_before_and_is_in_the_history(school):
    s = student(school, enrolled_on="2025-09-15")
    moved = assert_ok(school.admin.patch(f"/api/v1/students/{s['id']}", json={
        "section_id": school.ids["1B"], "moved_on": "2026-01-12"}))
    assert moved["section_id"] == school.ids["1B"] and moved["section"]["name"] == "1er Año B"
    assert [(h["section"], h["starts_on"], h["ends_on"], h["start_reason"], h["end_reason"])
            for h in moved["history"]] == [
        ("1er Año A", "2025-09-15", "2026-01-11", "ingreso", "cambio"),
        ("1er Año B", "2026-01-12", None, "cambio", None)], moved["history"]
    listed = assert_ok(school.admin.get("/api/v1/students",
                                        params={"section_id": school.ids["1B"]}))["items"]
    assert s["id"] in [i["id"] for i in listed]
    r = school.admin.patch(f"/api/v1/students/{s['id']}", json={
        "section_id": school.ids["1A"], "moved_on": "2026-01-01"})
    assert_error(r, 422, "invalid", field="moved_on")


def test_withdraw_closes_the_enrolment_with_the_date(school):
    s = student(school, enrolled_on="2025-09-15")
    w = assert_ok(school.admin.post(f"/api/v1/students/{s['id']}/withdraw",
                                    json={"date": "20/02/2026", "reason": "Mudanza"}))
    assert w["status"] == "retirado" and w["section_id"] is None and w["section"] is None, w
    assert w["history"][-1]["ends_on"] == "2026-02-20", w
    assert w["history"][-1]["end_reason"] == "retiro", w
    assert_error(school.admin.post(f"/api/v1/students/{s['id']}/withdraw", json={}),
                 409, "conflict")
    active = assert_ok(school.admin.get("/api/v1/students", params={"status": "activo",
                                                                    "limit": 200}))
    assert s["id"] not in [i["id"] for i in active["items"]]
    retired = assert_ok(school.admin.get("/api/v1/students", params={"status": "retirado"}))
    assert s["id"] in [i["id"] for i in retired["items"]]
    # re-enrolling a withdrawn student opens a new period
    back = assert_ok(school.admin.patch(f"/api/v1/students/{s['id']}", json={
        "section_id": school.ids["1A"], "moved_on": "2026-03-02"}))
    assert back["status"] == "activo" and back["history"][-1]["start_reason"] == "reingreso"


def test_patch_changes_only_what_is_given_and_audits_what_changed(school):
    s = student(school, first_names="Carla", phone="0414-1112233")
    p = assert_ok(school.admin.patch(f"/api/v1/students/{s['id']}", json={
        "first_names": "Carla Andrea", "phone": "0414-1112233", "allergies": ""}))
    assert p["first_names"] == "Carla Andrea" and p["last_names"] == s["last_names"], p
    audit = assert_ok(school.admin.get("/api/v1/audit", params={"entity": "student",
                                                                "action": "update"}))
    row = next(i for i in audit["items"] if i["entity_id"] == str(s["id"]))
    assert row["before"] == {"first_names": "Carla"}, row
    assert row["after"] == {"first_names": "Carla Andrea"}, row
    created = assert_ok(school.admin.get("/api/v1/audit", params={"entity": "student",
                                                                  "action": "create"}))
    assert any(i["entity_id"] == str(s["id"]) and i["after"]["first_names"] == "Carla"
               for i in created["items"]), created


def test_status_retirado_only_through_withdraw(school):
    s = student(school)
    assert_error(school.admin.patch(f"/api/v1/students/{s['id']}",
                                    json={"status": "retirado"}), 422, "invalid", field="status")


def test_search_without_accents_and_by_cedula_digits(school):
    s = student(school, first_names="Ñandú Álvaro", last_names="Muñoz Peña",
                cedula="V-27.123.456")
    for q in ("munoz", "MUÑOZ PENA", "alvaro nandu", "27123456", "V-27.123", "123456"):
        items = assert_ok(school.admin.get("/api/v1/students", params={"q": q}))["items"]
        assert s["id"] in [i["id"] for i in items], (q, items)
    none = assert_ok(school.admin.get("/api/v1/students", params={"q": "munozz"}))
    assert none["items"] == [] and none["total"] == 0


def test_filters_by_grade_section_and_status(school):
    a = student(school, section="2A", last_names="Zamora")
    listed = assert_ok(school.admin.get("/api/v1/students",
                                        params={"grade_id": school.ids["g2"], "limit": 200}))
    assert a["id"] in [i["id"] for i in listed["items"]]
    assert all(i["grade"] == "2do Año" and i["grade_id"] == school.ids["g2"]
               for i in listed["items"]), listed
    item = next(i for i in listed["items"] if i["id"] == a["id"])
    assert item == {"id": a["id"], "cedula": a["cedula"], "first_names": "Ana",
                    "last_names": "Zamora", "gender": "H", "section_id": school.ids["2A"],
                    "section": "2do Año A", "grade_id": school.ids["g2"], "grade": "2do Año",
                    "status": "activo"}, item
    by_section = assert_ok(school.admin.get("/api/v1/students",
                                            params={"section_id": school.ids["1A"],
                                                    "limit": 200}))
    assert a["id"] not in [i["id"] for i in by_section["items"]]
    for bad in ({"status": "expulsado"}, {"limit": "0"}, {"limit": "201"},
                {"cursor": "-1"}, {"grade_id": "x"}):
        assert_error(school.admin.get("/api/v1/students", params=bad), 422, "invalid")


def test_pages_cover_every_student_once_in_order(school):
    for i in range(23):
        student(school, section="2A", last_names=f"Paginado {i % 5}", first_names=f"N{i:02d}")
    seen, cursor, pages = [], None, 0
    while True:
        params = {"q": "paginado", "limit": 5, **({"cursor": cursor} if cursor else {})}
        page = assert_ok(school.admin.get("/api/v1/students", params=params))
        assert page["total"] == 23
        seen += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 5 and len(seen) == 23 and len({i["id"] for i in seen}) == 23
    keys = [(i["last_names"], i["first_names"], i["id"]) for i in seen]
    assert keys == sorted(keys)
    # a page past the end of a search still says how many there are
    past = assert_ok(school.admin.get("/api/v1/students",
                                      params={"q": "paginado", "limit": 5, "cursor": 40}))
    assert past["items"] == [] and past["total"] == 23 and past["next_cursor"] is None


def test_another_schools_student_is_not_found(school):
    sur = school.login("sur", "director@sur.test")
    theirs = assert_ok(sur.post("/api/v1/students", json={
        "cedula": new_cedula(), "first_names": "Foráneo", "last_names": "Sur", "gender": "V",
        "birth_date": "2011-01-01"}), 201)
    # ids repeat between stores: give sur's student one norte does not have
    foreign = 5_000_000
    store_execute(school.school_store("sur"), "UPDATE students SET id = ? WHERE id = ?",
                  (foreign, theirs["id"]))
    assert assert_ok(sur.get(f"/api/v1/students/{foreign}"))["first_names"] == "Foráneo"
    for path in (f"/api/v1/students/{foreign}", "/api/v1/students/abc"):
        assert_error(school.admin.get(path), 404, "not_found")
        assert_error(school.admin.patch(path, json={"first_names": "X"}), 404, "not_found")
        assert_error(school.admin.post(path + "/withdraw", json={}), 404, "not_found")
    names = [i["first_names"] for i in
             assert_ok(school.admin.get("/api/v1/students", params={"q": "foraneo"}))["items"]]
    assert names == []
    after = assert_ok(sur.get(f"/api/v1/students/{foreign}"))
    assert after["first_names"] == "Foráneo" and after["status"] == "activo", after


def test_a_teacher_may_not_see_students(school):
    t = school.login("norte", "docente@norte.test")
    assert_error(t.get("/api/v1/students"), 403, "forbidden")


def test_students_written_without_a_search_key_are_found(school):
    """A row written by code that does not fill students.search_text (a bulk
    import, say) gets its key before the next search."""
    from support.students_setup import now_utc as _NOW
    store_execute(school.school_store("norte"),
                  "INSERT INTO students (cedula, first_names, last_names, gender, birth_date,"
                  " section_id, created_at, updated_at) VALUES ('V33444555', 'Íngrid',"
                  " 'Çelik Ávila', 'H', '2012-02-02', ?, ?, ?)",
                  (school.ids["1A"], _NOW(), _NOW()))
    for q in ("ingrid avila", "celik", "33444"):
        items = assert_ok(school.admin.get("/api/v1/students", params={"q": q}))["items"]
        assert [i["cedula"] for i in items] == ["V33444555"], (q, items)


def test_leaving_the_section_is_a_withdrawal_not_a_patch(school):
    s = student(school)
    err = assert_error(school.admin.patch(f"/api/v1/students/{s['id']}",
                                          json={"section_id": None}), 422, "invalid",
                       field="section_id")
    assert "Retirar" in err["message"], err
    assert assert_ok(school.admin.get(f"/api/v1/students/{s['id']}"))["section_id"] == \
        school.ids["1A"]
