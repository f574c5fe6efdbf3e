"""The command line an operator or a school's IT staff types."""

import re
import time

import pytest

from conftest import (ADMIN_EMAIL, PASSWORD, SCHOOLS, assert_ok, cli, cli_env, cli_ok,
                           free_port, store_execute)


HELP = {
    (): ["init", "serve", "migrate", "tenant", "user"],
    ("init",): ["--data", "--database", "--base-domain", "--admin-email", "--admin-password-file",
                "--demo", "--public-url"],
    ("serve",): ["--data", "--database", "--db-pool", "--listen", "--base-domain", "--threads",
                 "--max-body", "--session-idle", "--session-max", "--smtp-url", "--smtp-user",
                 "--smtp-password-file", "--smtp-require-tls", "--smtp-ca-file", "--mail-from",
                 "--outbox"],
    ("migrate",): ["--data", "--database", "--check"],
    ("tenant",): ["list", "create", "suspend", "activate", "deactivate", "--code", "--name",
                  "--data", "--database"],
    ("user",): ["add", "--school", "--email", "--role", "--name", "--password-file",
                "--data", "--database"],
    ("statistics",): ["record", "--data", "--database"],
    ("timetable",): ["solve", "check", "info", "--time-limit", "--seed", "--lang"],
    ("xhstt",): ["info", "check", "solve", "--time-limit", "--checkpoints"],
    ("export",): ["matricula", "enrolment", "--school", "--output", "--format", "--year-id",
                  "--data", "--database"],
}


# Words and letters that only Spanish text has: --help and usage errors are
# English (docs/OPERATIONS.md, "Command output language").
SPANISH = re.compile(r"[áéíóúñ¿¡«»]|\b(el|la|los|las|del|que|una|para|con|por|se|debe)\b", re.I)


def english(text):
    found = SPANISH.search(text)
    return found is None, found and text[max(0, found.start() - 40):found.end() + 40]


@pytest.fixture(scope="module")
def cli_data(module_instances):
    """An initialised data directory (no server) with two schools."""
    inst = module_instances("cli")
    inst.init()
    inst.create_school("alpha", "Colegio Alfa")
    inst.create_school("beta", "Liceo Beta Ñandú")
    return inst


@pytest.mark.parametrize("command", list(HELP), ids=lambda c: " ".join(c) or "top")
def test_help_of_each_command_exits_0_and_names_its_flags(command):
    res = cli(*command, "--help")
    assert res.rc == 0, res
    for word in HELP[command]:
        assert word in res.text, f"`{' '.join(command)} --help` does not mention {word}:\n{res!r}"


@pytest.mark.parametrize("command", list(HELP), ids=lambda c: " ".join(c) or "top")
def test_help_is_english_on_stdout_within_80_columns(command):
    res = cli(*command, "--help", raw=True)
    assert res.rc == 0 and res.err == "", res
    ok, where = english(res.out)
    assert ok, f"Spanish in `{' '.join(command)} --help`: ...{where}..."
    wide = [line for line in res.out.splitlines() if len(line) > 80]
    assert not wide, wide
    # -h is the same text
    assert cli(*command, "-h", raw=True).out == res.out


def test_version_is_printed(cli_data):
    res = cli("--version")
    assert res.rc == 0, res
    assert re.search(r"\d+\.\d+", res.text), res


@pytest.mark.parametrize("args", [
    ["--no-such-flag"],
    ["no-such-command"],
    ["init", "--data", "{data}-new", "--no-such-flag"],
    ["serve", "--data", "{data}", "--no-such-flag"],
    ["migrate", "--data", "{data}", "--no-such-flag"],
    ["tenant", "list", "--data", "{data}", "--no-such-flag"],
    ["tenant", "create", "--data", "{data}", "--code", "gamma", "--name", "G", "--no-such-flag"],
    ["user", "add", "--data", "{data}", "--school", "alpha", "--email", "x@alpha.test",
     "--role", "teacher", "--no-such-flag"],
    ["user", "rename", "--data", "{data}", "--school", "alpha", "--email", "x@alpha.test"],
    ["tenant", "list", "--data", "{data}", "--code"],
    ["timetable", "solve", "{data}", "--no-such-flag"],
    ["timetable", "resolve", "{data}"],
    ["timetable", "solve", "{data}", "--lang", "fr"],
    ["xhstt", "info", "{data}", "--no-such-flag"],
    ["xhstt", "solve", "{data}", "--checkpoints", "1,x"],
], ids=lambda a: " ".join(x for x in a if "{" not in x))
def test_unknown_flag_or_command_exits_2(cli_data, args):
    res = cli(*[a.format(data=cli_data.data) for a in args], timeout=20)
    assert res.rc == 2, res
    assert res.err.strip(), f"no message on stderr:\n{res!r}"
    ok, where = english(res.err)
    assert ok, f"a usage error in Spanish: ...{where}..."
    assert "--help" in res.err, res
    assert "gamma" not in cli_ok("tenant", "list", "--data", cli_data.data).out


@pytest.mark.parametrize("flag, value", [
    ("--threads", "abc"),
    ("--listen", "nonsense"),
    ("--listen", "127.0.0.1:99999"),
    ("--max-body", "mucho"),
    ("--session-idle", "-5"),
    ("--smtp-url", "http://correo.example.net"),
    ("--mail-from", "sin arroba"),
    ("--smtp-ca-file", "/no/existe/ca.pem"),
])
def test_bad_value_for_a_serve_flag_exits_2_with_a_clear_message(cli_data, flag, value):
    res = cli("serve", "--data", cli_data.data, flag, value, timeout=20)
    assert res.rc == 2, res
    assert flag.lstrip("-") in res.err, f"message does not name {flag}:\n{res!r}"


def test_missing_required_flag_exits_2(cli_data):
    res = cli("tenant", "create", "--data", cli_data.data, "--name", "Sin Código")
    assert res.rc == 2, res
    assert "code" in res.err, res


def test_tenant_list_escapes_control_characters_in_stored_names(cli_data):
    """A name that reached the store with terminal escapes (written there
    directly: the API refuses them) must not drive the operator's terminal."""
    cli_ok("tenant", "create", "--data", cli_data.data, "--code", "oscuro", "--name", "Oscuro")
    evil = "U.E. \x1b]0;hacked\x07\x1b[2J\x1b[1A\rFalso\x9b31m\u009b1m\x00fin"
    store_execute(cli_data.master_store, "UPDATE tenants SET name = ? WHERE subdomain = ?",
                  (evil.replace("\x00", ""), "oscuro"))
    res = cli_ok("tenant", "list", "--data", cli_data.data)
    line = next(l for l in res.out.splitlines() if l.startswith("oscuro"))
    assert not [c for c in line if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f], repr(line)
    assert "U.E. \\x1b]0;hacked\\x07\\x1b[2J\\x1b[1A\\x0dFalso" in line, repr(line)
    assert "\\u009b1m" in line, repr(line)
    # the other rows and the header are untouched
    assert res.out.splitlines()[0].split() == ["CODE", "STATUS", "PLAN", "NAME"]
    assert "Liceo Beta Ñandú" in res.out


def test_tenant_list_shows_created_schools(cli_data):
    res = cli_ok("tenant", "list", "--data", cli_data.data)
    for code, name in (("ueipab", None), ("alpha", "Colegio Alfa"), ("beta", "Liceo Beta Ñandú")):
        assert code in res.out, res
        if name:
            assert name in res.out, res


def test_store_location_can_come_from_the_environment(cli_data):
    """BISCHEDULER_DATA (SQLite) or BISCHEDULER_DATABASE (PostgreSQL)."""
    res = cli("tenant", "list", env=cli_env(**cli_data.store_env()))
    assert res.rc == 0, res
    assert "alpha" in res.out, res


def test_data_and_database_together_exit_2(cli_data, tmp_path):
    res = cli("tenant", "list", "--data", tmp_path / "datos",
              "--database", "postgresql://postgres@127.0.0.1:1/ninguna", raw=True)
    assert res.rc == 2, res
    assert "--data" in res.err and "--database" in res.err, res


def test_unreachable_database_exits_1_with_a_message(cli_data):
    port = free_port()          # nothing listens there
    res = cli("tenant", "list", "--database", f"postgresql://postgres@127.0.0.1:{port}/ninguna",
              timeout=30)
    assert res.rc == 1, res
    assert "PostgreSQL" in res.err or "database" in res.err, res


def test_duplicate_school_code_in_cli_exits_1(cli_data):
    res = cli("tenant", "create", "--data", cli_data.data, "--code", "alpha", "--name", "Otra")
    assert res.rc == 1, res
    assert "Colegio Alfa" in cli_ok("tenant", "list", "--data", cli_data.data).out


def test_suspending_an_unknown_school_in_cli_exits_1(cli_data):
    res = cli("tenant", "suspend", "no-existe", "--data", cli_data.data)
    assert res.rc == 1, res
    assert res.err.strip(), res


def test_short_admin_password_file_is_refused(instances, tmp_path):
    pw = tmp_path / "corta.txt"
    pw.write_text("123456789\n")
    inst = instances("shortpw")
    res = cli("init", "--data", inst.data, "--base-domain", "localhost", "--admin-email", ADMIN_EMAIL,
              "--admin-password-file", pw)
    assert res.rc == 1, res


def _password_candidates(text, exclude=()):
    """Passwords an operator would copy from init's output."""
    found = []
    for line in text.splitlines():
        tokens = [t.strip("\"'`.,;:()[]<>") for t in line.split()]
        tokens = [t for t in tokens if len(t) >= 10 and t not in exclude and "/" not in t
                  and "@" not in t]
        if not tokens:
            continue
        if re.search(r"passw|contrase|clave", line, re.I) or len(line.split()) == 1:
            found.append(tokens[-1])
    return list(dict.fromkeys(found))


def _sign_in_with_one_of(inst, code, email, candidates):
    for pw in candidates[:4]:           # fewer than the 5 tries that lock an account
        c = inst.client(code)
        if c.login(email, pw).status_code == 200:
            return pw
    return None


def test_init_without_password_file_prints_a_generated_password_that_works(instances):
    a = instances("genpw-a")
    res_a = cli_ok("init", "--data", a.data, "--base-domain", "localhost", "--admin-email", ADMIN_EMAIL, "--demo")
    b = instances("genpw-b")
    res_b = cli_ok("init", "--data", b.data, "--base-domain", "localhost", "--admin-email", ADMIN_EMAIL)
    cands_a = _password_candidates(res_a.text, exclude=(str(a.data),))
    cands_b = _password_candidates(res_b.text, exclude=(str(b.data),))
    assert cands_a, f"no password printed:\n{res_a!r}"
    assert PASSWORD not in cands_a
    # the outbox where the demo's mail goes (DATA/outbox by default; given
    # here as PostgreSQL has no DATA)
    a.start("--outbox", a.root / "outbox")
    admin_pw = _sign_in_with_one_of(a, "ueipab", ADMIN_EMAIL, cands_a)
    assert admin_pw, f"none of the printed words opens the admin account: {cands_a}\n{res_a!r}"
    director_pw = _sign_in_with_one_of(a, "demo", "director@demo.localhost", cands_a)
    assert director_pw, f"no printed password opens director@demo.localhost: {cands_a}\n{res_a!r}"
    assert admin_pw != director_pw
    demo = assert_ok(a.branding("demo"))
    assert demo["school"]["name"] == "Unidad Educativa Demo"
    # branding: a newcomer sees a demo with a look of its own, not the defaults
    look = demo["branding"]
    assert look["primary_color"] != "#1f4e79" and look["motto"] and look["logo_url"], look
    logo = a.client("demo").get(look["logo_url"])
    assert logo.status_code == 200 and logo.content.startswith(b"\x89PNG\r\n\x1a\n"), logo
    assert assert_ok(a.branding("ueipab"))["branding"]["logo_url"] is None, "only the demo gets it"
    assert admin_pw not in cands_b, "two installations got the same generated password"
    # the demo invited a teacher by mail: the server wrote it to the outbox
    assert "Demo teacher invited by mail: docente@demo.localhost" in res_a.text, res_a
    deadline = time.monotonic() + 10
    while not list((a.root / "outbox").glob("*.eml")) and time.monotonic() < deadline:
        time.sleep(0.1)
    files = list((a.root / "outbox").glob("*.eml"))
    assert len(files) == 1, files
    raw = files[0].read_bytes()
    assert b"To: Docente Invitada de la Demo <docente@demo.localhost>" in raw, raw[:500]
    # its link is on the demo school's host, with serve's default port
    assert b"http://bischeduler-demo.localhost:8080/clave/" in raw, raw


def test_init_twice_does_not_overwrite_the_existing_platform(instances, tmp_path):
    inst = instances("twice")
    inst.init()
    inst.create_school("alpha", "Colegio Alfa")
    other = tmp_path / "otra.txt"
    other.write_text("Otra-Clave-Distinta-99\n")
    res = cli("init", "--data", inst.data, "--base-domain", "localhost", "--admin-email", ADMIN_EMAIL,
              "--admin-password-file", other)
    assert res.rc in (0, 1), res
    assert "alpha" in cli_ok("tenant", "list", "--data", inst.data).out
    inst.start()
    assert inst.client().login(ADMIN_EMAIL).status_code == 200


def test_users_added_with_the_cli_can_sign_in(world):
    for code, email in (("alpha", "docente@alpha.test"), ("ueipab", "director@ueipab.test")):
        assert world.client(code).login(email).status_code == 200
    res = cli_ok("tenant", "list", "--data", world.data)
    for code in SCHOOLS:
        assert code in res.out, res


def test_invalid_school_code_is_refused_by_the_cli(world):
    for code in ("admin", "Mayus", "-x"):
        res = cli("tenant", "create", "--data", world.data, "--code", code, "--name", "Escuela")
        assert res.rc == 1, res
        assert res.err.strip(), res


def test_ueipab_school_user_email_cannot_become_a_platform_user_via_cli(world):
    pw = world.pwfile
    res = cli("user", "add", "--data", world.data, "--school", "ueipab", "--email", "director@ueipab.test",
              "--role", "platform_admin", "--name", "Doble", "--password-file", pw)
    assert res.rc == 1, res
    res = cli("user", "add", "--data", world.data, "--school", "ueipab", "--email", ADMIN_EMAIL,
              "--role", "teacher", "--name", "Doble", "--password-file", pw)
    assert res.rc == 1, res
    body = assert_ok(world.client().login("director@ueipab.test"))
    assert body["user"]["role"] == "school_admin"


def test_platform_admin_role_only_in_the_master_school_via_cli(world):
    res = cli("user", "add", "--data", world.data, "--school", "alpha", "--email", "p@alpha.test",
              "--role", "platform_admin", "--name", "P", "--password-file", world.pwfile)
    assert res.rc == 1, res
