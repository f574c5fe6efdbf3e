"""What exists only on the PostgreSQL backend: a schema per school, one pool
of connections shared by every school, riding out a restart of PostgreSQL,
and a school moved onto it from an embedded (SQLite) platform.

These run when the suite runs on PostgreSQL (BISCHEDULER_TEST_BACKEND=postgres)
and are not collected on SQLite; everything else in the suite runs on both.
"""

import json
import re
import signal
import subprocess
import threading
import time

import pytest
import requests

from conftest import (ADMIN_EMAIL, BIN, PASSWORD, PgCluster, assert_error, assert_ok,
                      backend_sessions, cli, cli_env, cli_ok, describe, free_port, latest_version,
                      store_exists, store_rows, store_version, wait_until)

pytestmark = pytest.mark.postgres_only

def _schemas(inst):
    return {r[0] for r in inst.database.rows(
        "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
        "AND nspname NOT IN ('information_schema', 'public')")}


def _emails(client):
    return {u["email"] for u in assert_ok(client.get("/api/v1/users", params={"limit": 500}))["items"]}


# --------------------------------------------------------------------------
# Schemas


def test_init_and_school_creation_make_one_schema_per_school(instances):
    inst = instances("schemas")
    inst.init("--demo")
    assert _schemas(inst) == {"platform", "school_ueipab", "school_demo"}

    inst.create_school("mi-escuela", "Mi Escuela")
    inst.add_user("mi-escuela", "director@mi-escuela.test", "school_admin")
    inst.start()
    admin = inst.login("ueipab", ADMIN_EMAIL)
    assert_ok(admin.post("/api/v1/platform/tenants",
                         json={"code": "otra-mas-1", "name": "Otra Escuela Más", "admin_name": "Dir", "admin_email": "dir@nuevo.test"}), 201)
    schemas = _schemas(inst)
    assert schemas == {"platform", "school_ueipab", "school_demo", "school_mi_escuela",
                       "school_otra_mas_1"}, schemas
    assert not [s for s in schemas if "-" in s]
    for code in ("ueipab", "demo", "mi-escuela", "otra-mas-1"):
        assert store_version(inst.school_store(code)) == latest_version("school"), code
    assert store_version(inst.master_store) == latest_version("master")

    # the hyphenated school is served from its underscore schema, and only it
    director = inst.login("mi-escuela", "director@mi-escuela.test")
    assert director.user["school"]["code"] == "mi-escuela", director.user
    assert_ok(director.patch("/api/v1/settings", json={"address": "Calle Guion Bajo"}))
    rows = store_rows(inst.school_store("mi-escuela"), "SELECT value FROM tenant_settings WHERE value = ?",
                      ("Calle Guion Bajo",))
    assert rows, "the setting is not in schema school_mi_escuela"
    users = store_rows(inst.school_store("mi-escuela"), "SELECT email FROM users")
    assert users == [("director@mi-escuela.test",)], users
    for code in ("ueipab", "demo", "otra-mas-1"):
        emails = [r[0] for r in store_rows(inst.school_store(code), "SELECT email FROM users")]
        assert "director@mi-escuela.test" not in emails, (code, emails)
    tenants = [r[0] for r in store_rows(inst.master_store, "SELECT subdomain FROM tenants")]
    assert sorted(tenants) == ["demo", "mi-escuela", "otra-mas-1", "ueipab"], tenants


def test_logs_and_messages_name_the_database_without_its_password(instances):
    inst = instances("secret")
    db = inst.database
    url = db.url.replace("postgresql://postgres@", "postgresql://postgres:Secreto-De-Pg-77@")
    assert url != db.url
    outputs = [cli_ok("init", "--database", url, "--base-domain", "localhost",
                      "--admin-email", ADMIN_EMAIL, "--admin-password-file", inst.pwfile),
               cli_ok("tenant", "create", "--database", url, "--code", "norte", "--name", "Norte"),
               cli_ok("tenant", "list", "--database", url),
               cli("tenant", "suspend", "no-existe", "--database", url),
               cli_ok("migrate", "--database", url)]
    text = "\n".join(o.text for o in outputs)
    port = free_port()
    log = inst.root / "secret-serve.stderr"
    with open(log, "wb") as err:
        proc = subprocess.Popen([str(BIN), "serve", "--database", url, "--listen", f"127.0.0.1:{port}",
                                 "--base-domain", "localhost"], stdout=subprocess.DEVNULL,
                                stderr=err, env=cli_env())
    try:
        assert wait_until(lambda: '"serving ' in log.read_text(errors="replace")
                          or proc.poll() is not None, timeout=30)
        r = requests.get(f"http://127.0.0.1:{port}/api/v1/branding",
                         headers={"Host": f"bischeduler-norte.localhost:{port}"}, timeout=10)
        assert r.status_code == 200, r.text
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    text += "\n" + log.read_text(errors="replace")
    assert "Secreto-De-Pg-77" not in text, f"the database password is shown:\n{text}"
    assert "(null)" not in text, f"a message printed a null string:\n{text}"


def test_school_whose_schema_is_missing_answers_503_and_the_others_work(instances):
    inst = instances("noschema")
    inst.init()
    for code in ("norte", "sur"):
        inst.create_school(code, f"U.E. {code.title()}")
        inst.add_user(code, f"director@{code}.test", "school_admin")
    inst.database.query('DROP SCHEMA "school_sur" CASCADE')
    assert not store_exists(inst.school_store("sur"))
    inst.start()
    assert_error(inst.client("sur").login("director@sur.test"), 503, "store_unavailable")
    assert inst.client("norte").login("director@norte.test").status_code == 200


# --------------------------------------------------------------------------
# One pooled connection, many schools


def test_schools_served_alternately_by_one_connection_never_see_each_others_rows(instances):
    inst = instances("pool1")
    inst.init()
    schools = {"norte": "U.E. Norte", "sur-este": "U.E. Sur Este"}
    for code, name in schools.items():
        inst.create_school(code, name)
        inst.add_user(code, f"director@{code}.test", "school_admin")
        inst.add_user(code, f"docente@{code}.test", "teacher")
    inst.start("--db-pool", "1", "--threads", "4", "--statistics-interval", "1")
    assert backend_sessions(inst.database) <= 1

    admins = {code: inst.login(code, f"director@{code}.test") for code in schools}
    platform = inst.login("ueipab", ADMIN_EMAIL)
    expected = {}
    for n, (code, c) in enumerate(admins.items()):
        for i in range(3):
            assert_ok(c.post("/api/v1/users", json={
                "email": f"persona{i}@{code}.test", "name": f"Persona {i} {code}",
                "role": "parent", "password": PASSWORD}), 201)
        assert_ok(c.patch("/api/v1/settings", json={"address": f"Dirección de {code}",
                                                     "phone": f"0212-555000{n}"}))
        expected[code] = {f"director@{code}.test", f"docente@{code}.test",
                          *(f"persona{i}@{code}.test" for i in range(3))}

    def check(code):
        c = admins[code]
        other = next(o for o in schools if o != code)
        emails = _emails(c)
        assert emails == expected[code], (code, emails)
        settings = assert_ok(c.get("/api/v1/settings"))
        assert settings["address"] == f"Dirección de {code}", (code, settings)
        assert settings["name"] == schools[code], (code, settings)
        audit = assert_ok(c.get("/api/v1/audit", params={"limit": 200}))
        text = json.dumps(audit, ensure_ascii=False)
        assert f"@{code}.test" in text, (code, text[:500])
        assert f"@{other}.test" not in text and f"Dirección de {other}" not in text, \
            f"{code} sees rows of {other}: {text[:1500]}"
        assert assert_ok(inst.branding(code))["school"]["name"] == schools[code]

    # strictly alternating, one request at a time
    for _ in range(15):
        for code in schools:
            check(code)
    assert backend_sessions(inst.database) <= 1

    # and at once from several threads, with the master store in the mix
    errors, sessions = [], []
    stop = threading.Event()

    def worker(order):
        try:
            for _ in range(10):
                for code in order:
                    check(code)
                assert_ok(platform.get("/api/v1/platform/tenants"))
        except BaseException as e:       # noqa: BLE001 - reported below
            errors.append(e)

    def sampler():
        while not stop.is_set():
            sessions.append(backend_sessions(inst.database))
            time.sleep(0.01)

    threads = [threading.Thread(target=worker, args=(order,))
               for order in (["norte", "sur-este"], ["sur-este", "norte"], ["norte", "sur-este"])]
    watch = threading.Thread(target=sampler)
    watch.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    stop.set()
    watch.join()
    assert not any(t.is_alive() for t in threads), "requests hung with one pooled connection"
    if errors:
        raise errors[0]
    # the platform's figures come from the background refresher (every
    # second here), which shares the one pooled connection with the requests
    deadline = time.monotonic() + 20
    while True:
        stats = assert_ok(platform.get("/api/v1/platform/statistics"))
        if stats.get("users", {}).get("parent") == 6 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert stats["users"]["parent"] == 6 and stats["users"]["teacher"] == 2, stats
    assert sessions and max(sessions) == 1, \
        f"--db-pool 1 but PostgreSQL saw {max(sessions)} sessions of the server at once"


def test_every_kind_of_request_completes_with_a_single_pooled_connection(instances):
    """A request that held one connection while waiting for a second would
    hang here forever: with --db-pool 1 there is no second one."""
    inst = instances("pool1-flows")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.add_user("norte", "director@norte.test", "school_admin")
    inst.add_user("ueipab", "director@ueipab.test", "school_admin")
    inst.start("--db-pool", "1", "--threads", "4")
    t = {"timeout": 10}

    admin = inst.client()
    assert admin.login(ADMIN_EMAIL).status_code == 200
    assert_ok(admin.post("/api/v1/platform/tenants", json={"code": "sur", "name": "U.E. Sur", "admin_name": "Dir", "admin_email": "dir@nuevo.test"}, **t), 201)
    assert_ok(admin.get("/api/v1/platform/tenants", **t))
    assert_ok(admin.post("/api/v1/platform/tenants/sur/suspend", **t))
    assert_ok(admin.post("/api/v1/platform/tenants/sur/activate", **t))
    assert_ok(admin.get("/api/v1/platform/statistics", **t))
    assert_ok(admin.get("/api/v1/audit", **t))
    ticket = assert_ok(admin.post("/api/v1/platform/tenants/norte/support-access",
                                  json={"reason": "Revisión con un solo enlace"}, **t), 201)
    support = inst.client("norte")
    assert_ok(support.post("/api/v1/auth/support", json={"token": ticket["token"]}, **t))
    inv = assert_ok(admin.post("/api/v1/platform/invitations", json={
        "school_name": "U.E. Invitada", "contact_email": "rector@invitada.test"}, **t), 201)
    assert_ok(inst.client().post(f"/api/v1/invitations/{inv['token']}/accept", json={
        "code": "invitada", "name": "U.E. Invitada", "rif": "J-31234567-8", "dea_code": "OD12345678",
        "state": "VE-L", "municipality": "Libertador", "address": "Av. Principal",
        "phone": "0274-2445566", "admin_name": "Rectora", "admin_email": "rectora@invitada.test",
        "admin_password": PASSWORD}, **t), 201)
    assert inst.client("invitada").login("rectora@invitada.test").status_code == 200
    # one email, two accounts on the master host: platform and school
    assert inst.client().login("director@ueipab.test").status_code == 200
    assert_error(inst.client().login("director@ueipab.test", "otra-clave-mala"), 401)

    director = inst.login("norte", "director@norte.test")
    assert_ok(director.post("/api/v1/users", json={"email": "docente@norte.test", "name": "Docente",
                                                   "role": "teacher", "password": PASSWORD}, **t), 201)
    assert_ok(director.patch("/api/v1/settings", json={"address": "Calle 1"}, **t))
    token = assert_ok(director.post("/api/v1/auth/tokens", json={"name": "script"}, **t), 201)
    bearer = inst.client("norte")
    bearer.bearer = token["token"]
    assert_ok(bearer.get("/api/v1/users", **t))
    assert_ok(director.delete(f"/api/v1/auth/tokens/{token['id']}", **t))
    assert_ok(director.get("/api/v1/audit", **t))
    assert_ok(director.post("/api/v1/auth/logout", **t))
    inst.add_user("norte", "tarde@norte.test", "parent")         # the CLI, while serving
    assert inst.client("norte").login("tarde@norte.test").status_code == 200
    assert backend_sessions(inst.database) <= 1


def _statement_log(inst, since):
    """The cluster log's lines after offset `since` (statements of the
    database whose log_min_duration_statement is 0: this test's)."""
    return (inst.database.cluster.dir / "postgres.log").read_text(errors="replace")[since:]


def test_prepared_statements_serve_each_school_its_own_rows_and_survive_ddl(instances):
    """The driver prepares a statement once per pooled connection and runs it
    for every school: the search path picks the school's tables at each
    execution. With one pooled connection, two schools alternate on the
    same prepared statements; a change of the tables under the running
    server (as a migration would make) re-prepares them, unseen."""
    inst = instances("stmt-cache")
    inst.init()
    schools = {"norte": "U.E. Norte", "sur": "U.E. Sur"}
    for code, name in schools.items():
        inst.create_school(code, name)
        inst.add_user(code, f"director@{code}.test", "school_admin")
    db = inst.database
    db.execute(f'ALTER DATABASE "{db.name}" SET log_min_duration_statement = 0')
    log_start = len((db.cluster.dir / "postgres.log").read_text(errors="replace"))
    inst.start("--db-pool", "1", "--threads", "2")
    admins = {code: inst.login(code, f"director@{code}.test") for code in schools}
    names = {}
    for code, c in admins.items():
        for i in range(2):
            assert_ok(c.post("/api/v1/users", json={
                "email": f"persona{i}@{code}.test", "name": f"Persona {i} de {code}",
                "role": "parent", "password": PASSWORD}), 201)
        names[code] = {f"persona{i}@{code}.test": f"Persona {i} de {code}" for i in range(2)}

    def check(code):
        items = assert_ok(admins[code].get("/api/v1/users", params={"limit": 500}))["items"]
        got = {u["email"]: u["name"] for u in items if u["role"] == "parent"}
        assert got == names[code], (code, got)
        assert {u["email"] for u in items} == {f"director@{code}.test", *names[code]}, (code, items)
        assert assert_ok(admins[code].get("/api/v1/settings"))["name"] == schools[code]

    for _ in range(6):
        for code in schools:
            check(code)
    assert backend_sessions(db) <= 1

    # one preparation of the list's statement, then executions by name only
    # (the list's statement: its columns, then its page condition)
    users_sql = re.escape("SELECT id, email, name, role, created_at") + \
        r"[^\n]* FROM users WHERE id > \$1 ORDER BY id"
    log = _statement_log(inst, log_start)
    parses = re.findall(r"parse (s\d+): " + users_sql, log)
    runs = re.findall(r"execute (s\d+): " + users_sql, log)
    assert len(runs) >= 12, f"the users list ran {len(runs)} times as a prepared statement"
    assert len(parses) == 1, f"prepared {len(parses)} times for {len(runs)} executions"
    assert set(runs) == set(parses), (parses, set(runs))
    assert not re.search(r"execute <unnamed>: " + users_sql, log)

    # the tables change under the running server: the list's result type
    # changes (text -> varchar), which a stale prepared statement refuses
    for code in schools:
        db.execute(f'ALTER TABLE "school_{code}".users ALTER COLUMN name TYPE varchar(200)')
        names[code][f"nueva@{code}.test"] = f"Nueva de {code}"
        db.execute(f"INSERT INTO \"school_{code}\".users (email, name, role, password_hash,"
                   f" created_at, updated_at) VALUES ('nueva@{code}.test', 'Nueva de {code}',"
                   " 'parent', '', '2026-12-07T00:00:00Z', '2026-12-07T00:00:00Z')")
    for _ in range(3):
        for code in schools:
            check(code)
    log = _statement_log(inst, log_start)
    assert len(re.findall(r"parse s\d+: " + users_sql, log)) == 2, \
        "the list's statement was not prepared again after the change"
    assert backend_sessions(db) <= 1


# --------------------------------------------------------------------------
# PostgreSQL restarts under a running server


@pytest.fixture
def own_cluster():
    """A cluster of this test's own: restarting it disturbs no other server."""
    c = PgCluster()
    try:
        c.start()
        yield c
    finally:
        c.destroy()


def _spanish_unavailable(r):
    err = assert_error(r, 503, "store_unavailable")
    msg = err["message"]
    assert re.search(r"\b(no|de|la|en|intente|disponible)\b", msg, re.I), f"not Spanish: {msg!r}"
    assert not re.search(r"postgres|connect|server|socket|refused|127\.0\.0\.1", msg, re.I), \
        f"the message shows internals to the user: {msg!r}"


def _poll_ok(request, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        r = request()
        if r.status_code == 200 or time.monotonic() >= deadline:
            return r
        time.sleep(0.2)


def test_server_answers_503_while_postgresql_is_down_and_recovers_by_itself(own_cluster, instances):
    inst = instances("restart", cluster=own_cluster)
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.add_user("norte", "director@norte.test", "school_admin")
    inst.start("--db-pool", "3")
    pid = inst.proc.pid
    director = inst.login("norte", "director@norte.test")
    me = lambda: director.get("/api/v1/auth/me", timeout=15)     # noqa: E731
    users = lambda: director.get("/api/v1/users", timeout=15)    # noqa: E731
    for _ in range(6):      # every pooled connection has been used
        assert_ok(users())
        assert_ok(inst.branding("norte"))

    # a quick restart: the pooled connections are dead, requests go on
    own_cluster.restart()
    r = _poll_ok(users)
    assert r.status_code == 200, f"no recovery within 10 s of a restart: {describe(r)}"
    for _ in range(10):
        assert_ok(users())
        assert_ok(inst.branding("norte"))

    # down for a while: every request that needs a store gets a clear 503
    own_cluster.pg_ctl_stop()
    try:
        time.sleep(1.2)     # past the server's one-second cache of validated sessions
        for request in (me, users, lambda: inst.branding("norte", timeout=15),
                        lambda: inst.client("norte").login("director@norte.test"),
                        lambda: inst.client().login(ADMIN_EMAIL)):
            t0 = time.monotonic()
            r = request()
            assert time.monotonic() - t0 < 10, f"a request waited {time.monotonic() - t0:.1f} s"
            _spanish_unavailable(r)
    finally:
        own_cluster.pg_ctl_start()

    r = _poll_ok(users)
    assert r.status_code == 200, f"no recovery within 10 s of PostgreSQL's return: {describe(r)}"
    for _ in range(10):
        assert_ok(users())
        assert_ok(me())
        assert_ok(inst.branding("norte"))
    assert_ok(director.patch("/api/v1/settings", json={"address": "Después del corte"}))
    assert assert_ok(director.get("/api/v1/settings"))["address"] == "Después del corte"
    assert inst.running and inst.proc.pid == pid, "bischeduler was restarted"


# --------------------------------------------------------------------------
# Moving a school from an embedded platform to PostgreSQL


def _all_rows(store, table):
    rows = store_rows(store, f'SELECT * FROM "{table}"')
    return sorted((tuple(None if v is None else str(v) for v in row) for row in rows), key=repr)


def test_school_moves_from_sqlite_to_postgresql_with_every_row(instances, tmp_path):
    src = instances("embedded", backend="sqlite")
    src.init()
    src.create_school("norte", "U.E. Norte")
    src.add_user("norte", "directora@norte.test", "school_admin")
    src.add_user("norte", "docente@norte.test", "teacher")
    src.start()
    d = src.login("norte", "directora@norte.test")
    assert_ok(d.patch("/api/v1/settings", json={"rif": "J-31234567-8", "state": "VE-K",
                                                "address": "Av. Ñemeo, Edif. «Águila»"}))
    assert_ok(d.post("/api/v1/auth/tokens", json={"name": "respaldo"}), 201)
    assert_ok(d.post("/api/v1/users", json={"email": "mama@norte.test", "name": "Mamá Pérez",
                                            "role": "parent", "password": PASSWORD}), 201)
    src.stop_or_fail()
    assert not src.on_postgres

    archive = tmp_path / "norte.json"
    cli_ok("tenant", "export", "--data", src.data, "norte", archive)
    dst = instances("pg")
    assert dst.on_postgres
    dst.init()
    cli_ok("tenant", "import", "--data", dst.data, archive)

    a, b = src.school_store("norte"), dst.school_store("norte")
    tables = set(json.loads(archive.read_text(encoding="utf-8"))["tables"])
    assert {"tenant_settings", "school_branding", "users", "api_tokens", "audit_log"} <= tables, tables
    for table in sorted(tables):
        assert _all_rows(a, table) == _all_rows(b, table), table
    assert len(_all_rows(b, "users")) == 3 and _all_rows(b, "audit_log"), "nothing was compared"

    dst.start()
    d = dst.login("norte", "directora@norte.test")
    settings = assert_ok(d.get("/api/v1/settings"))
    assert settings["address"] == "Av. Ñemeo, Edif. «Águila»", settings
    assert dst.client("norte").login("mama@norte.test").status_code == 200
