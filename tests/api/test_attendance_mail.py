"""The mail after three consecutive absences (src/school/attendance_alerts.c),
received by a real SMTP server (aiosmtpd, test_mail.py's): a student absent
(not justified) on 3 consecutive school days gets one mail to each
representative with an email (or their parent account's), in Spanish, with
the dates; weekends and holidays do not break the run, a day not taken or a
justified absence does; re-marking or a fourth day mails no one again. The
school is support/portal.py's small week (lunes 2026-12-14)."""

import pytest

from conftest import assert_ok
from support.portal import build_school, now, portal_users
from support.records import insert_student, store_insert
from support.stores import store_execute, store_rows
from test_mail import PUBLIC, SMTP_PASSWORD, SMTP_USER, Smtp, parts, start_with, wait_until

MON, TUE, WED, THU, FRI = "2026-12-14", "2026-12-15", "2026-12-16", "2026-12-17", "2026-12-18"
NEXT_MON, NEXT_TUE = "2026-12-21", "2026-12-22"


@pytest.fixture(scope="module")
def smtp():
    s = Smtp()
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def school(module_instances, smtp, tmp_path_factory):
    inst = module_instances("attendance-mail")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    portal_users(inst, "norte")
    pwfile = tmp_path_factory.mktemp("smtp") / "password"
    pwfile.write_text(SMTP_PASSWORD + "\n")
    start_with(inst, ["--smtp-url", f"smtp://127.0.0.1:{smtp.port}", "--smtp-user", SMTP_USER,
                      "--smtp-password-file", pwfile, "--public-url", PUBLIC,
                      "--mail-from", "U.E. Norte <no-reply@norte.test>"])
    ids = build_school(inst, "norte", inst.login("norte", "directora@norte.test"))
    store = inst.school_store("norte")
    # Sofía's mother has her own address on the record; a second
    # representative has none and no account: no mail to them
    store_execute(store, "UPDATE representatives SET email = 'madre.rondon@correo.test'"
                  " WHERE id = ?", (ids["rep_mama"],))
    other = store_insert(store, "INSERT INTO representatives (cedula, first_names, last_names,"
                         " created_at, updated_at) VALUES ('V20000009', 'Abuela', 'Rondón', ?, ?)"
                         " RETURNING id", (now(), now()))
    store_execute(store, "INSERT INTO student_representatives (student_id, representative_id,"
                  " position) VALUES (?, ?, 2)", (ids["sofia"], other))
    # Gabriel (6to Grado A) and his father, with an address
    ids["gabriel"] = insert_student(store, "V30000021", "Gabriel", "Gil", "V", ids["6A"])
    rep = store_insert(store, "INSERT INTO representatives (cedula, first_names, last_names, email,"
                       " created_at, updated_at) VALUES ('V20000021', 'Gustavo', 'Gil',"
                       " 'gustavo.gil@correo.test', ?, ?) RETURNING id", (now(), now()))
    store_execute(store, "INSERT INTO student_representatives (student_id, representative_id,"
                  " position) VALUES (?, ?, 1)", (ids["gabriel"], rep))
    # Monday 21 is a holiday in this school's calendar
    year = store_rows(store, "SELECT id FROM school_years WHERE is_current = 1")[0][0]
    store_execute(store, "INSERT INTO calendar_days (year_id, date, kind, name, created_at,"
                  " updated_at) VALUES (?, ?, 'feriado', 'Feriado del plantel', ?, ?)"
                  " ON CONFLICT (year_id, date) DO NOTHING", (year, NEXT_MON, now(), now()))
    inst.ids = ids
    return inst


def take(inst, section, date, absent=(), justified=()):
    c = inst.cached_login("norte", "directora@norte.test")
    marks = [{"student_id": s, "status": "absent"} for s in absent]
    marks += [{"student_id": s, "status": "justified", "reason": "Reposo médico"} for s in justified]
    return assert_ok(c.request("PUT", "/api/v1/attendance",
                               json={"section_id": section, "date": date, "marks": marks}))


def alerts(inst, student):
    return store_rows(inst.school_store("norte"), "SELECT run_starts_on, days FROM attendance_alerts"
                      " WHERE student_id = ? ORDER BY run_starts_on", (student,))


def test_three_school_days_absent_send_one_mail_to_each_representative(school, smtp):
    ids = school.ids
    take(school, ids["1A"], MON, absent=[ids["sofia"]])
    take(school, ids["1A"], TUE, absent=[ids["sofia"]])
    assert alerts(school, ids["sofia"]) == []
    take(school, ids["1A"], WED, absent=[ids["sofia"]])
    got = wait_until(lambda: smtp.handler.for_address("madre.rondon@correo.test"))
    assert got, f"no mail received: {school.stderr_text()[-2000:]}"
    msg = got[0]
    assert msg["Subject"] == "U.E. Norte: Sofía Rondón faltó 3 días seguidos"
    text, html = parts(msg)
    assert "Hola, Mama Rondón:" in text
    assert "Sofía Rondón (1er Año A) no asistió a clases 3 días hábiles seguidos" in text
    assert "lunes 14/12/2026, martes 15/12/2026 y miércoles 16/12/2026" in text
    assert f"{PUBLIC.replace('bischeduler.', 'bischeduler-norte.')}/asistencia-representado" in text
    assert "Sofía Rondón" in html and "16/12/2026" in html
    assert alerts(school, ids["sofia"]) == [(MON, 3)]
    # audited with the write that caused it: the run and who was told
    c = school.cached_login("norte", "directora@norte.test")
    rows = assert_ok(c.get("/api/v1/audit", params={"action": "attendance.alert"}))["items"]
    assert len(rows) == 1 and rows[0]["entity"] == "student"
    assert rows[0]["entity_id"] == str(ids["sofia"]) and rows[0]["actor"] == "directora@norte.test"
    assert rows[0]["after"]["mailed_to"] == ["madre.rondon@correo.test"]
    assert rows[0]["after"]["run_starts_on"] == MON and rows[0]["after"]["consecutive_days"] == 3
    assert rows[0]["label"] == "Avisó a los representantes las faltas seguidas de estudiante"
    # a fourth day, and the same days marked again: no new mail
    take(school, ids["1A"], THU, absent=[ids["sofia"]])
    take(school, ids["1A"], WED, absent=[ids["sofia"]])
    assert alerts(school, ids["sofia"]) == [(MON, 4)]
    # the grandmother has no address and no account: never mailed; the
    # mother got exactly one
    wait_until(lambda: False, timeout=1.5)
    assert len(smtp.handler.for_address("madre.rondon@correo.test")) == 1
    assert store_rows(school.school_store("norte"), "SELECT COUNT(*) FROM student_representatives"
                      " WHERE student_id = ?", (ids["sofia"],)) == [(2,)]
    assert [m["To"] for _, m in smtp.handler.messages] == ["Mama Rondón <madre.rondon@correo.test>"]


def test_a_day_not_taken_or_justified_breaks_the_run(school, smtp):
    ids = school.ids
    # Valeria (2do Año A): absent Monday, Tuesday not taken, absent Wednesday
    # and Thursday: two in a row only
    take(school, ids["2A"], MON, absent=[ids["valeria"]])
    take(school, ids["2A"], WED, absent=[ids["valeria"]])
    take(school, ids["2A"], THU, absent=[ids["valeria"]])
    assert alerts(school, ids["valeria"]) == []
    # Friday too: Wednesday to Friday is a run of three. Her father has no
    # address on the record: his parent account's gets it
    take(school, ids["2A"], FRI, absent=[ids["valeria"]])
    got = wait_until(lambda: smtp.handler.for_address("papa@norte.test"))
    assert got, f"no mail received: {school.stderr_text()[-2000:]}"
    text, _ = parts(got[0])
    assert "miércoles 16/12/2026, jueves 17/12/2026 y viernes 18/12/2026" in text
    assert alerts(school, ids["valeria"]) == [(WED, 3)]
    # Gabriel: absent Monday and Wednesday, justified Tuesday: no run
    take(school, ids["6A"], MON, absent=[ids["gabriel"]])
    take(school, ids["6A"], TUE, justified=[ids["gabriel"]])
    take(school, ids["6A"], WED, absent=[ids["gabriel"]])
    assert alerts(school, ids["gabriel"]) == []


def test_weekends_and_holidays_do_not_break_the_run(school, smtp):
    ids = school.ids
    c = school.cached_login("norte", "directora@norte.test")
    holiday = assert_ok(c.get("/api/v1/attendance/sections", params={"date": NEXT_MON}))
    assert holiday["school_day"] is False, holiday
    # Gabriel: Wednesday justified after all; then absent Thursday, Friday,
    # (the weekend, Monday's holiday), Tuesday
    take(school, ids["6A"], WED, justified=[ids["gabriel"]])
    take(school, ids["6A"], THU, absent=[ids["gabriel"]])
    take(school, ids["6A"], FRI, absent=[ids["gabriel"]])
    assert alerts(school, ids["gabriel"]) == []
    take(school, ids["6A"], NEXT_TUE, absent=[ids["gabriel"]])
    got = wait_until(lambda: smtp.handler.for_address("gustavo.gil@correo.test"))
    assert got, f"no mail received: {school.stderr_text()[-2000:]}"
    text, _ = parts(got[0])
    assert "Gabriel Gil (6to Grado A)" in text
    assert "jueves 17/12/2026, viernes 18/12/2026 y martes 22/12/2026" in text
    assert alerts(school, ids["gabriel"]) == [(THU, 3)]
    assert len(got) == 1
