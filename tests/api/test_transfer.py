"""Moving a school: `tenant export` writes one archive with all its data and
`tenant import` restores it on another platform, rows and sign-ins intact."""

import json
import subprocess

from conftest import ADMIN_EMAIL, BIN, PASSWORD, assert_ok, cli, cli_env, cli_ok, store_execute


def _source(instances):
    src = instances("export-src")
    src.init()
    src.create_school("norte", "U.E. Norte")
    src.add_user("norte", "directora@norte.test", "school_admin")
    src.add_user("norte", "docente@norte.test", "teacher")
    src.start()
    d = src.login("norte", "directora@norte.test")
    assert_ok(d.patch("/api/v1/settings", json={"rif": "J-31234567-8", "state": "VE-K"}))
    assert_ok(d.post("/api/v1/auth/tokens", json={"name": "respaldo"}), 201)
    assert_ok(src.login("ueipab", ADMIN_EMAIL).post(
        "/api/v1/platform/tenants/norte/suspend"))
    src.stop_or_fail()
    return src


def test_exported_school_is_restored_row_for_row_on_another_platform(instances, tmp_path):
    src = _source(instances)
    archive = tmp_path / "norte.json"
    cli_ok("tenant", "export", "--data", src.data, "norte", archive)
    doc = json.loads(archive.read_text(encoding="utf-8"))
    assert doc["tenant"]["code"] == "norte" and doc["tenant"]["status"] == "suspended"
    assert {"tenant_settings", "school_branding", "users", "api_tokens", "audit_log"} <= set(doc["tables"])

    dst = instances("import-dst")
    dst.init()
    out = cli_ok("tenant", "import", "--data", dst.data, archive)
    assert "norte" in out.out
    again = tmp_path / "again.json"
    cli_ok("tenant", "export", "--data", dst.data, "norte", again)
    assert json.loads(again.read_text(encoding="utf-8"))["tables"] == doc["tables"]

    # the moved school keeps its status, its users' passwords and its data
    dst.start()
    admin = dst.login("ueipab", ADMIN_EMAIL)
    assert_ok(admin.post("/api/v1/platform/tenants/norte/activate"))
    d = dst.login("norte", "directora@norte.test")
    settings = assert_ok(d.get("/api/v1/settings"))
    assert settings["rif"] == "J-31234567-8" and settings["state"] == "VE-K", settings
    assert [t["name"] for t in assert_ok(d.get("/api/v1/auth/tokens"))["items"]] == ["respaldo"]
    # new rows continue after the imported ones
    new = assert_ok(d.post("/api/v1/users", json={
        "email": "nueva@norte.test", "name": "Nueva", "role": "parent",
        "password": PASSWORD}), 201)
    ids = [u["id"] for u in assert_ok(d.get("/api/v1/users"))["items"]]
    assert new["id"] == max(ids) and len(set(ids)) == len(ids), ids
    audit = assert_ok(admin.get("/api/v1/audit", params={"action": "import"}))
    assert audit["items"] and audit["items"][0]["entity_id"] == "norte", audit


def test_import_refuses_a_taken_code_and_broken_archives_leaving_nothing(instances, tmp_path):
    src = _source(instances)
    archive = tmp_path / "norte.json"
    cli_ok("tenant", "export", "--data", src.data, "norte", archive)
    # the code is taken on the source itself
    res = cli("tenant", "import", "--data", src.data, archive)
    assert res.rc == 1 and "already exists" in res.err, res

    dst = instances("import-bad")
    dst.init()
    broken = tmp_path / "broken.json"
    broken.write_text("{esto no es json", encoding="utf-8")
    res = cli("tenant", "import", "--data", dst.data, broken)
    assert res.rc == 1 and "not a BiScheduler school archive" in res.err, res

    doc = json.loads(archive.read_text(encoding="utf-8"))
    doc["tables"]["users"]["columns"][1] = "email; DROP TABLE users"
    evil = tmp_path / "evil.json"
    evil.write_text(json.dumps(doc), encoding="utf-8")
    res = cli("tenant", "import", "--data", dst.data, evil)
    assert res.rc == 1, res

    doc = json.loads(archive.read_text(encoding="utf-8"))
    doc["tables"]["users"]["rows"][0][1] = None   # email NOT NULL: fails mid-way
    bad_row = tmp_path / "bad-row.json"
    bad_row.write_text(json.dumps(doc), encoding="utf-8")
    res = cli("tenant", "import", "--data", dst.data, bad_row)
    assert res.rc == 1, res

    listed = cli_ok("tenant", "list", "--data", dst.data).out
    assert "norte" not in listed, listed
    # and the code is still free for a good archive
    cli_ok("tenant", "import", "--data", dst.data, archive)


def test_export_reads_one_snapshot_while_another_connection_writes(instances, tmp_path):
    """The export pauses after its first table (a test hook); meanwhile a
    user, a token of an existing user and an audit row are written through
    another connection. The archive must show the school as it was when the
    export began: none of them, on every table read after the pause."""
    src = instances("export-snapshot")
    src.init()
    src.create_school("sur", "U.E. Sur")
    src.add_user("sur", "directora@sur.test", "school_admin")
    store = src.school_store("sur")
    archive = tmp_path / "sur.json"
    proc = subprocess.Popen([str(BIN), "tenant", "export", *src.store_args(), "sur", str(archive)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=cli_env(BISCHEDULER_EXPORT_PAUSE_AFTER="tenant_settings"), text=True)
    try:
        seen = []
        while True:
            line = proc.stderr.readline()
            seen.append(line)
            if not line or "export paused after tenant_settings" in line:
                break
        assert line, f"the export never paused:\n{''.join(seen)}"
        now = "2026-12-07T01:00:00Z"
        store_execute(store, "INSERT INTO users (email, name, role, password_hash, created_at, "
                      "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                      ("tardio@sur.test", "Tardío", "teacher", "x", now, now))
        store_execute(store, "INSERT INTO api_tokens (user_id, name, token_hash, created_at) "
                      "SELECT id, ?, ?, ? FROM users WHERE email = ?",
                      ("tardio", "f" * 64, now, "directora@sur.test"))
        store_execute(store, "INSERT INTO audit_log (at, actor, role, action, entity, ip, "
                      "request_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      (now, "tardio@sur.test", "teacher", "create", "user", "127.0.0.1", "r-tardio"))
        out, err = proc.communicate("\n", timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, "".join(seen) + err
    tables = json.loads(archive.read_text(encoding="utf-8"))["tables"]
    emails = [r[tables["users"]["columns"].index("email")] for r in tables["users"]["rows"]]
    assert emails == ["directora@sur.test"], emails
    assert tables["api_tokens"]["rows"] == [], tables["api_tokens"]
    request_ids = [r[tables["audit_log"]["columns"].index("request_id")]
                   for r in tables["audit_log"]["rows"]]
    assert "r-tardio" not in request_ids, request_ids

    # the writes did happen: a new export has them all
    again = tmp_path / "again.json"
    cli_ok("tenant", "export", "--data", src.data, "sur", again)
    tables = json.loads(again.read_text(encoding="utf-8"))["tables"]
    assert len(tables["users"]["rows"]) == 2 and len(tables["api_tokens"]["rows"]) == 1, tables
