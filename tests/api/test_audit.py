"""The audit log: who did what, from where, in which request; filters, pages,
and one school's log never showing in another's."""

import json
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from conftest import (ADMIN_EMAIL, PASSWORD, all_pages, as_json, assert_error, assert_ok,
                      audit_row, describe)

SCHOOL = "bitacora"
ADMIN = "director@bitacora.test"
TEACHER = "docente@bitacora.test"


def _admin(world):
    return world.cached_login(SCHOOL, ADMIN)


def _request_id(r):
    rid = r.headers.get("X-Request-Id")
    assert rid, f"no X-Request-Id: {describe(r)}"
    return rid


def _check_row(row, action, actor, role, rid):
    assert row["action"] == action, row
    assert row["actor"] == actor, row
    assert row["role"] == role, row
    assert row["ip"] == "127.0.0.1", row
    assert row["request_id"] == rid, row
    assert row.get("id") is not None, row
    for key in ("at", "entity", "entity_id", "before", "after"):
        assert key in row, f"audit row lacks {key}: {row}"


def test_sign_in_is_audited_with_actor_role_ip_and_request_id(world):
    c = world.client(SCHOOL)
    r = c.login(TEACHER)
    assert r.status_code == 200, describe(r)
    row = audit_row(_admin(world), _request_id(r), action="login")
    _check_row(row, "login", TEACHER, "teacher", _request_id(r))
    # `at` is RFC 3339 in the school's time zone
    tz = assert_ok(_admin(world).get("/api/v1/settings"))["timezone"]
    at = datetime.fromisoformat(row["at"].replace("Z", "+00:00"))
    assert at.tzinfo is not None, row
    assert at.utcoffset() == ZoneInfo(tz).utcoffset(at.replace(tzinfo=None)), \
        f"`at` {row['at']} is not in the school's time zone {tz}"


def test_failed_sign_in_is_audited(world):
    r = world.client(SCHOOL).login(TEACHER, "no-es-la-clave-123")
    assert_error(r, 401, "invalid_credentials")
    row = audit_row(_admin(world), _request_id(r), action="login_failed")
    assert row["action"] == "login_failed", row
    assert row["actor"] == TEACHER, row
    assert row["ip"] == "127.0.0.1", row
    assert "no-es-la-clave-123" not in json.dumps(row), f"the tried password is in the log: {row}"


def test_sign_out_is_audited(world):
    c = world.login(SCHOOL, TEACHER)
    r = c.post("/api/v1/auth/logout")
    assert r.status_code == 200, describe(r)
    row = audit_row(_admin(world), _request_id(r), action="logout")
    _check_row(row, "logout", TEACHER, "teacher", _request_id(r))


def test_settings_update_is_audited_with_before_and_after(world):
    admin = world.login(SCHOOL, ADMIN)
    old = assert_ok(admin.get("/api/v1/settings"))["name"]
    r = admin.patch("/api/v1/settings", json={"name": "Escuela Bitácora Nueva"})
    assert r.status_code == 200, describe(r)
    try:
        row = audit_row(admin, _request_id(r), action="update")
        _check_row(row, "update", ADMIN, "school_admin", _request_id(r))
        before, after = as_json(row["before"]), as_json(row["after"])
        assert old in json.dumps(before, ensure_ascii=False), row
        assert "Escuela Bitácora Nueva" in json.dumps(after, ensure_ascii=False), row
        assert "Escuela Bitácora Nueva" not in json.dumps(before, ensure_ascii=False), row
    finally:
        assert_ok(admin.patch("/api/v1/settings", json={"name": old}))


def test_user_creation_is_audited_without_the_password(world):
    admin = _admin(world)
    secret = "Secreto-Unico-" + uuid.uuid4().hex[:8]
    r = admin.post("/api/v1/users", json={"email": "nueva@bitacora.test", "name": "Nueva Docente",
                                           "role": "teacher", "password": secret})
    user = assert_ok(r, 201)
    row = audit_row(admin, _request_id(r), action="create")
    _check_row(row, "create", ADMIN, "school_admin", _request_id(r))
    assert str(row["entity_id"]) == str(user["id"]) or "nueva@bitacora.test" in json.dumps(row), row
    assert secret not in json.dumps(row), f"the password is in the audit log: {row}"
    assert "$argon2" not in json.dumps(row), f"a password hash is in the audit log: {row}"


def test_api_token_creation_and_revocation_are_audited_without_the_secret(world):
    admin = _admin(world)
    r1 = admin.post("/api/v1/auth/tokens", json={"name": "auditado"})
    tok = assert_ok(r1, 201)
    r2 = admin.delete(f"/api/v1/auth/tokens/{tok['id']}")
    assert r2.status_code == 200, describe(r2)
    row1 = audit_row(admin, _request_id(r1), action="token_create")
    _check_row(row1, "token_create", ADMIN, "school_admin", _request_id(r1))
    row2 = audit_row(admin, _request_id(r2), action="token_revoke")
    _check_row(row2, "token_revoke", ADMIN, "school_admin", _request_id(r2))
    assert tok["token"] not in json.dumps(row1) + json.dumps(row2), "the token secret is in the audit log"


def test_school_creation_and_suspension_are_audited_in_the_platform_log(world, platform_admin):
    r1 = platform_admin.post("/api/v1/platform/tenants", json={"code": "auditada", "name": "Escuela Auditada", "admin_name": "Dir", "admin_email": "dir@nuevo.test"})
    tenant = assert_ok(r1, 201)
    r2 = platform_admin.post("/api/v1/platform/tenants/auditada/suspend")
    assert r2.status_code == 200, describe(r2)
    for r, action in ((r1, "create"), (r2, "suspend")):
        row = audit_row(platform_admin, _request_id(r), action=action)
        _check_row(row, action, ADMIN_EMAIL, "platform_admin", _request_id(r))
        text = json.dumps(row)
        assert "auditada" in text or str(row["entity_id"]) == str(tenant["id"]), row


def test_platform_sign_ins_go_to_the_platform_log_not_to_ueipab_school_log(world):
    r = world.client().login(ADMIN_EMAIL)
    assert r.status_code == 200
    rid = _request_id(r)
    platform_log = world.cached_login("ueipab", ADMIN_EMAIL)
    _check_row(audit_row(platform_log, rid, action="login"), "login", ADMIN_EMAIL, "platform_admin", rid)
    school_log = all_pages(world.cached_login("ueipab", "director@ueipab.test"), "/api/v1/audit")
    assert rid not in [row["request_id"] for row in school_log]

    r = world.client().login("director@ueipab.test")
    assert r.status_code == 200
    rid = _request_id(r)
    _check_row(audit_row(world.cached_login("ueipab", "director@ueipab.test"), rid, action="login"),
               "login", "director@ueipab.test", "school_admin", rid)
    assert rid not in [row["request_id"] for row in all_pages(platform_log, "/api/v1/audit")]


def test_audit_filters_by_action_and_actor(world):
    admin = _admin(world)
    world.login(SCHOOL, TEACHER)
    rows = all_pages(admin, "/api/v1/audit", params={"action": "login"})
    assert rows, "no login rows"
    assert {row["action"] for row in rows} == {"login"}, rows
    rows = all_pages(admin, "/api/v1/audit", params={"actor": TEACHER})
    assert rows and {row["actor"] for row in rows} == {TEACHER}, rows
    assert "login" in {row["action"] for row in rows}
    rows = all_pages(admin, "/api/v1/audit", params={"actor": "nadie@bitacora.test"})
    assert rows == []
    entity = next(r["entity"] for r in all_pages(admin, "/api/v1/audit") if r["action"] == "login")
    rows = all_pages(admin, "/api/v1/audit", params={"entity": entity})
    assert rows and {r["entity"] for r in rows} == {entity}, rows
    rows = all_pages(admin, "/api/v1/audit", params={"action": "login", "actor": TEACHER})
    assert rows and {(r["action"], r["actor"]) for r in rows} == {("login", TEACHER)}, rows


def test_audit_filters_by_date_range(world):
    admin = _admin(world)
    r = world.client(SCHOOL).login(TEACHER)
    row = audit_row(admin, _request_id(r), action="login")
    day = date.fromisoformat(row["at"][:10])          # school-local date
    ids = lambda rows: {x["id"] for x in rows}
    same_day = all_pages(admin, "/api/v1/audit", params={"from": day.isoformat(), "to": day.isoformat()})
    assert row["id"] in ids(same_day)
    assert all(x["at"][:10] == day.isoformat() for x in same_day), same_day
    before = all_pages(admin, "/api/v1/audit", params={"to": (day - timedelta(days=1)).isoformat()})
    assert row["id"] not in ids(before)
    assert all(x["at"][:10] < day.isoformat() for x in before), before
    after = all_pages(admin, "/api/v1/audit", params={"from": (day + timedelta(days=1)).isoformat()})
    assert after == []
    assert row["id"] in ids(all_pages(admin, "/api/v1/audit", params={"from": day.isoformat()}))


def test_bad_audit_filter_dates_answer_422(world):
    admin = _admin(world)
    assert_error(admin.get("/api/v1/audit", params={"from": "27/11/2025"}), 422, "invalid", field="from")


def test_audit_is_paged_newest_first_with_limit_and_next_cursor(world):
    admin = _admin(world)
    for _ in range(3):
        world.login(SCHOOL, TEACHER)
    full = all_pages(admin, "/api/v1/audit")
    assert len(full) >= 5, full
    first = assert_ok(admin.get("/api/v1/audit", params={"limit": 2}))
    assert len(first["items"]) == 2, first
    assert first["next_cursor"], first
    paged, cursor, pages = list(first["items"]), first["next_cursor"], 1
    while cursor:
        body = assert_ok(admin.get("/api/v1/audit", params={"limit": 2, "cursor": cursor}))
        assert 1 <= len(body["items"]) <= 2, body
        paged.extend(body["items"])
        cursor = body.get("next_cursor")
        pages += 1
        assert pages <= len(full), "pagination does not end"
    assert [x["id"] for x in paged] == [x["id"] for x in full]
    times = [datetime.fromisoformat(x["at"].replace("Z", "+00:00")) for x in full]
    assert times == sorted(times, reverse=True), "not newest first"
    # the newest row of all is the most recent sign-in
    assert full[0]["action"] == "login" and full[0]["actor"] == TEACHER, full[0]


def test_audit_of_one_school_is_never_visible_in_another(world):
    marker = f"marca-{uuid.uuid4().hex[:10]}@alpha.test"
    alpha = world.cached_login("alpha", "director@alpha.test")
    r = alpha.post("/api/v1/users", json={"email": marker, "name": "Marca", "role": "parent",
                                          "password": PASSWORD})
    assert r.status_code == 201, describe(r)
    rid = _request_id(r)
    assert rid in [x["request_id"] for x in all_pages(alpha, "/api/v1/audit")]
    beta = world.cached_login("beta", "director@beta.test")
    rows = all_pages(beta, "/api/v1/audit")
    assert rows, "beta's own log is empty (its admin signed in)"
    assert rid not in [x["request_id"] for x in rows]
    assert marker not in json.dumps(rows)
    assert "director@alpha.test" not in {x["actor"] for x in rows}
    assert all_pages(beta, "/api/v1/audit", params={"actor": "director@alpha.test"}) == []


# ---- the log in words (issue 14): names, before -> after, the filter's kinds

def test_entries_name_the_person_and_the_thing_and_show_each_change_in_words(world):
    admin = _admin(world)
    cedula = f"V{20000000 + uuid.uuid4().int % 9000000}"
    r = admin.post("/api/v1/students", json={
        "cedula": cedula, "first_names": "Rosa Elena", "last_names": "Bitácora Uzcátegui",
        "gender": "H", "birth_date": "2013-02-01", "address": "Calle 1"})
    student = assert_ok(r, 201)
    r = admin.patch(f"/api/v1/students/{student['id']}",
                    json={"address": "Calle 2, casa 5", "birth_date": "2013-02-03", "blood_type": "O+"})
    assert_ok(r)
    row = audit_row(admin, _request_id(r), action="update", entity="student")
    assert row["actor_name"] == "Director", row                 # the user's name, not an email
    assert row["label"] == "Modificó estudiante", row
    assert row["entity_label"] == "Rosa Elena Bitácora Uzcátegui", row
    changes = {c["field"]: c for c in row["changes"]}
    assert set(changes) == {"address", "birth_date", "blood_type"}, row["changes"]
    assert (changes["address"]["label"], changes["address"]["before"], changes["address"]["after"]) == \
        ("Dirección", "Calle 1", "Calle 2, casa 5"), changes
    assert (changes["birth_date"]["label"], changes["birth_date"]["before"], changes["birth_date"]["after"]) == \
        ("Fecha de nacimiento", "01/02/2013", "03/02/2013"), changes
    assert changes["blood_type"]["before"] is None and changes["blood_type"]["after"] == "O+", changes
    # the thing is named as the school knows it today, also in older entries
    assert_ok(admin.patch(f"/api/v1/students/{student['id']}", json={"first_names": "Rosa Emilia"}))
    again = audit_row(admin, _request_id(r), action="update", entity="student")
    assert again["entity_label"] == "Rosa Emilia Bitácora Uzcátegui", again
    created = [x for x in all_pages(admin, "/api/v1/audit", params={"action": "create", "entity": "student"})
               if x["entity_id"] == str(student["id"])]
    assert created and created[0]["label"] == "Creó estudiante" and created[0]["changes"] == [], created


def test_settings_changes_leave_out_what_did_not_change_and_show_the_time_zone_in_words(world):
    admin = world.login(SCHOOL, ADMIN)
    old = assert_ok(admin.get("/api/v1/settings"))
    r = admin.patch("/api/v1/settings", json={"timezone": "America/Bogota"})
    try:
        assert r.status_code == 200, describe(r)
        row = audit_row(admin, _request_id(r), action="update", entity="settings")
        assert row["label"] == "Modificó los datos del plantel", row
        assert [(c["label"], c["before"], c["after"]) for c in row["changes"]] == \
            [("Zona horaria", "Caracas (UTC\u22124)", "Bogotá (UTC\u22125)")], row["changes"]
    finally:
        assert_ok(admin.patch("/api/v1/settings", json={"timezone": old["timezone"]}))


def test_the_filter_offers_only_the_kinds_of_entries_of_this_log(world, platform_admin):
    admin = _admin(world)
    world.login(SCHOOL, TEACHER)
    school_kinds = assert_ok(admin.get("/api/v1/audit/actions"))["items"]
    pairs = {(k["action"], k["entity"]) for k in school_kinds}
    labels = {(k["action"], k["entity"]): k["label"] for k in school_kinds}
    assert ("login", "session") in pairs and labels[("login", "session")] == "Inició sesión", school_kinds
    assert not {p for p in pairs if p[1] == "tenant" and p[0] != "support_access"}, \
        f"platform actions offered in a school's filter: {pairs}"
    assert [k["label"] for k in school_kinds] == sorted(k["label"] for k in school_kinds)
    assert all(k["label"] and "_" not in k["label"] for k in school_kinds), school_kinds
    # each kind offered finds its entries
    for k in school_kinds[:5]:
        rows = assert_ok(admin.get("/api/v1/audit", params={"action": k["action"], "entity": k["entity"], "limit": 5}))
        assert rows["items"], k
    assert_ok(platform_admin.post("/api/v1/platform/tenants", json={"code": "catalogo", "name": "Plantel Catálogo", "admin_name": "Dir", "admin_email": "dir@catalogo.test"}), 201)
    platform_kinds = assert_ok(platform_admin.get("/api/v1/audit/actions"))["items"]
    ppairs = {(k["action"], k["entity"]) for k in platform_kinds}
    assert ("create", "tenant") in ppairs, platform_kinds
    assert not {p for p in ppairs if p[1] in ("student", "settings", "staff", "section")}, ppairs
    row = next(x for x in all_pages(platform_admin, "/api/v1/audit", params={"action": "create", "entity": "tenant"})
               if x["entity_id"] == "catalogo")
    assert row["label"] == "Creó plantel" and row["entity_label"] == "Plantel Catálogo", row
    # a teacher reads neither
    assert_error(world.cached_login(SCHOOL, TEACHER).get("/api/v1/audit/actions"), 403, "forbidden")


def test_an_invitation_by_mail_reads_as_a_sentence_naming_the_person(world):
    admin = _admin(world)
    email = f"invitada-{uuid.uuid4().hex[:8]}@bitacora.test"
    r = admin.post("/api/v1/users", json={"email": email, "name": "Inés Invitada", "role": "teacher"})
    person = assert_ok(r, 201)
    invited = audit_row(admin, _request_id(r), action="invite", entity="user")
    assert (invited["label"], invited["entity_label"]) == ("Invitó a un usuario", "Inés Invitada"), invited
    r = admin.post(f"/api/v1/users/{person['id']}/invitation")
    assert_ok(r, 202)
    rows = [x for x in all_pages(admin, "/api/v1/audit", params={"action": "send_link"})
            if x["request_id"] == _request_id(r)]
    assert len(rows) == 1, rows
    assert rows[0]["label"] == "Envió por correo un enlace para elegir contraseña", rows
    assert rows[0]["entity_label"] == "Inés Invitada", rows
    assert rows[0]["actor_name"] == "Director", rows
    kinds = {(k["action"], k["entity"]): k["label"]
             for k in assert_ok(admin.get("/api/v1/audit/actions"))["items"]}
    assert not [v for v in kinds.values() if v.startswith("Registró un cambio")], \
        f"kinds of entries without their own words: {kinds}"
