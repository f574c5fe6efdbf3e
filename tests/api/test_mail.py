"""Mail: what an action queues is sent by the server's background worker
through a real SMTP server (aiosmtpd, started here) or written to the
outbox; its state (queued, sent, failed with the server's reply) is what
GET /api/v1/mail (and the lists, next to the person) show the admin; an
SMTP server that is down never undoes the action, and its mail leaves once
the server is back (also after a restart of bischeduler). Links come from
--public-url, never from the request; a school's mail carries its name,
colour and logo; STARTTLS can be required. The worker's retries and sweep
are shortened by its hidden test settings (BISCHEDULER_MAIL_RETRY,
BISCHEDULER_MAIL_SWEEP)."""

import email
import email.policy
import os
import ssl
import subprocess
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from conftest import ADMIN_EMAIL, assert_error, assert_ok
from support.config import BASE, free_port
from support.stores import store_execute

SMTP_USER, SMTP_PASSWORD = "bischeduler", "clave-del-correo"
# retries every second, 4 tries in all (the worker's hidden test setting)
RETRY = "1,1,4"
# the master host as users reach it (behind a proxy): every link in a mail
# starts here, whatever host and port the request came through
PUBLIC = f"https://bischeduler.{BASE}:8443"


class Handler:
    """Keeps what it receives; replies 451/550 to some recipients."""

    def __init__(self):
        self.messages = []
        self.logins = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("lleno@"):
            return "451 4.2.2 Buzon lleno, intente luego"
        if address.startswith("nadie@"):
            return "550 5.1.1 Usuario desconocido"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        msg.tls = session.ssl is not None
        with self.lock:
            self.messages.append((envelope.rcpt_tos[:], msg))
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == SMTP_USER.encode() and auth_data.password == SMTP_PASSWORD.encode()
        with self.lock:
            self.logins.append((auth_data.login, ok))
        return AuthResult(success=ok)

    def for_address(self, addr):
        with self.lock:
            return [m for rcpt, m in self.messages if addr in rcpt]


class Smtp:
    def __init__(self, port=None, handler=None):
        self.port = port or free_port()
        self.handler = handler or Handler()
        self.controller = None

    def start(self, tls_context=None):
        """Without tls_context: no STARTTLS, login in the clear. With it:
        STARTTLS offered and required before MAIL and AUTH."""
        tls = {"tls_context": tls_context, "require_starttls": True,
               "auth_require_tls": True} if tls_context else {"auth_require_tls": False}
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port,
            authenticator=self.handler.authenticate, auth_required=True, **tls)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


def wait_until(what, timeout=10.0, step=0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = what()
        if value:
            return value
        if time.monotonic() > deadline:
            return value
        time.sleep(step)


@pytest.fixture(scope="module")
def smtp():
    s = Smtp()
    s.start()
    yield s
    s.stop()


def start_with(inst, args, **env):
    """Starts the server with the worker's hidden test settings (fast
    retries; every store swept each second) and any other environment."""
    env = {"BISCHEDULER_MAIL_RETRY": RETRY, "BISCHEDULER_MAIL_SWEEP": "1", **env}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        inst.start(*args)
    finally:
        for k, v in saved.items():
            if v is None:
                del os.environ[k]
            else:
                os.environ[k] = v


@pytest.fixture(scope="module")
def mail_world(module_instances, smtp, tmp_path_factory):
    inst = module_instances("mail")
    inst.init()
    pwfile = tmp_path_factory.mktemp("smtp") / "password"
    pwfile.write_text(SMTP_PASSWORD + "\n")
    inst.smtp_args = ["--smtp-url", f"smtp://127.0.0.1:{smtp.port}", "--smtp-user", SMTP_USER,
                      "--smtp-password-file", pwfile, "--public-url", PUBLIC,
                      "--mail-from", "Plataforma BiScheduler <no-reply@bischeduler.test>"]
    start_with(inst, inst.smtp_args)
    return inst


def invite(inst, contact, school="U.E. Los Próceres"):
    admin = inst.cached_login("ueipab", ADMIN_EMAIL)
    return assert_ok(admin.post("/api/v1/platform/invitations",
                                json={"school_name": school, "contact_email": contact}), 201)


def mail_of(inst, to):
    """The master store's newest mail to `to`, as GET /api/v1/mail shows it."""
    admin = inst.cached_login("ueipab", ADMIN_EMAIL)
    items = assert_ok(admin.get("/api/v1/mail", params={"limit": 500}))["items"]
    return next((m for m in items if m["to"] == to), None)


def parts(msg):
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_invitation_mail_arrives_with_text_html_and_link(mail_world, smtp):
    inv = invite(mail_world, "directora@proceres.test")
    got = wait_until(lambda: smtp.handler.for_address("directora@proceres.test"))
    assert got, f"no mail received: {mail_world.stderr_text()[-2000:]}"
    msg = got[0]
    assert msg["To"] == "directora@proceres.test"
    assert msg["Subject"] == "Invitación para registrar U.E. Los Próceres en UEIPAB"
    assert "Plataforma BiScheduler" in msg["From"] and msg["Date"] and msg["Message-ID"]
    assert msg.get_content_type() == "multipart/alternative"
    text, html = parts(msg)
    # the link is the invitation's, built from the configured URL, not
    # from the host and port the request came through
    assert inv["url"].startswith(f"{PUBLIC}/invitacion#"), inv
    assert inv["url"] in text and inv["url"] in html, (inv["url"], text)
    assert f":{mail_world.port}" not in text + html
    assert "U.E. Los Próceres" in text and "U.E. Los Próceres" in html
    assert "vence el" in text and "UEIPAB" in html
    # authenticated with the configured user and password
    assert (SMTP_USER.encode(), True) in smtp.handler.logins
    m = wait_until(lambda: (x := mail_of(mail_world, "directora@proceres.test"))
                   and x["state"] == "sent" and x)
    assert m["state"] == "sent" and m["attempts"] == 1 and m["error"] is None, m
    assert m["entity"] == "tenant_invitation" and m["entity_id"] == str(inv["id"])
    assert m["template"] == "school_invitation" and m["sent_at"]


def test_refused_recipient_fails_with_the_servers_reply(mail_world, smtp):
    invite(mail_world, "nadie@proceres.test")
    m = wait_until(lambda: (x := mail_of(mail_world, "nadie@proceres.test"))
                   and x["state"] == "failed" and x)
    assert m and m["state"] == "failed", m
    assert "550 5.1.1 Usuario desconocido" in m["error"], m
    assert m["attempts"] == 1  # a permanent refusal is not retried


def test_temporary_refusal_is_retried_then_failed_after_max_attempts(mail_world, smtp):
    inv = invite(mail_world, "lleno@proceres.test")
    m = wait_until(lambda: (x := mail_of(mail_world, "lleno@proceres.test"))
                   and x["attempts"] >= 1 and x)
    assert m["state"] == "queued" and "451" in m["error"] and m["next_attempt_at"], m
    m = wait_until(lambda: (x := mail_of(mail_world, "lleno@proceres.test"))
                   and x["state"] == "failed" and x, timeout=15)
    assert m["state"] == "failed" and m["attempts"] == 4, m
    assert "451 4.2.2 Buzon lleno, intente luego" in m["error"], m
    # the invitation itself is intact
    admin = mail_world.cached_login("ueipab", ADMIN_EMAIL)
    listed = assert_ok(admin.get("/api/v1/platform/invitations"))["items"]
    assert any(i["id"] == inv["id"] and i["status"] == "pending" for i in listed)


def test_smtp_down_then_up_sends_the_queued_mail(mail_world, smtp):
    smtp.stop()
    try:
        inv = invite(mail_world, "caida@proceres.test")  # the action succeeds
        m = wait_until(lambda: (x := mail_of(mail_world, "caida@proceres.test"))
                       and x["attempts"] >= 1 and x)
        assert m["state"] == "queued" and m["error"], m
    finally:
        smtp.start()
    got = wait_until(lambda: smtp.handler.for_address("caida@proceres.test"))
    assert got, mail_of(mail_world, "caida@proceres.test")
    assert inv["url"] in parts(got[0])[0]
    m = wait_until(lambda: (x := mail_of(mail_world, "caida@proceres.test"))
                   and x["state"] == "sent" and x)
    assert m["state"] == "sent" and m["attempts"] >= 2 and m["error"] is None, m
    # the invitation was never undone: its link opens it
    token = inv["url"].split("#", 1)[1]
    opened = assert_ok(mail_world.client().get(f"/api/v1/invitations/{token}"))
    assert opened["school_name"] == "U.E. Los Próceres" and opened["status"] == "pending", opened


def test_mail_queued_before_a_restart_is_sent_after_it(mail_world, smtp):
    smtp.stop()
    try:
        invite(mail_world, "reinicio@proceres.test")
        m = wait_until(lambda: (x := mail_of(mail_world, "reinicio@proceres.test"))
                       and x["attempts"] >= 1 and x)
        assert m["state"] == "queued", m
        mail_world.stopped_by_test = True
        problems = mail_world.stop()
        assert not problems, problems
    finally:
        smtp.start()
    start_with(mail_world, mail_world.smtp_args)
    mail_world._clients.clear()
    got = wait_until(lambda: smtp.handler.for_address("reinicio@proceres.test"))
    assert got, mail_of(mail_world, "reinicio@proceres.test")


def test_school_admin_sees_the_schools_mail_not_the_platforms(mail_world):
    mail_world.create_school("colegio", "Colegio Uno")
    mail_world.add_user("colegio", "dir@colegio.test", "school_admin")
    mail_world.add_user("colegio", "prof@colegio.test", "teacher")
    director = mail_world.login("colegio", "dir@colegio.test")
    page = assert_ok(director.get("/api/v1/mail"))
    assert page["items"] == [] and page["next_cursor"] is None, page
    teacher = mail_world.login("colegio", "prof@colegio.test")
    assert_error(teacher.get("/api/v1/mail"), 403, "forbidden")
    assert_error(director.get("/api/v1/mail", params={"state": "perdido"}), 422,
                 "invalid", field="state")


def test_school_mail_is_spanish_with_the_schools_name_colour_logo_and_links(mail_world, smtp):
    # the school's colour and logo, as its settings page leaves them
    # (written straight into its store: this file needs no PNG decoder)
    store_execute(mail_world.school_store("colegio"),
                  "INSERT INTO school_branding (id, primary_color, logo_png, logo_etag, updated_at)"
                  " VALUES (1, ?, ?, ?, ?)",
                  ("#7a1f3d", "iVBORw0KGgo=", "e7a9c0", "2026-12-07T00:00:00Z"))
    school_url = f"https://bischeduler-colegio.{BASE}:8443"
    director = mail_world.login("colegio", "dir@colegio.test")
    assert_ok(director.post("/api/v1/users", json={
        "email": "nueva@colegio.test", "name": "Ana Pérez", "role": "teacher"}), 201)
    got = wait_until(lambda: smtp.handler.for_address("nueva@colegio.test"))
    assert got, mail_world.stderr_text()[-2000:]
    msg = got[0]
    assert msg["Subject"] == "Colegio Uno: le damos la bienvenida"
    assert msg["To"].addresses[0].display_name == "Ana Pérez"
    text, html = parts(msg)
    for part in (text, html):
        assert "Hola, Ana Pérez" in part and "Colegio Uno" in part, part
        assert "vence en 7 días" in part, part
        # the set-password link on the school's own host, from --public-url
        assert f"{school_url}/clave/" in part, part
        assert "teacher" not in part and f":{mail_world.port}" not in part, part
    assert "background:#7a1f3d" in html
    assert f'<img src="{school_url}/api/v1/branding/logo?v=e7a9c0"' in html, html
    # the director who invited her sees it sent: in the mail list and next
    # to the person in the users list
    m = wait_until(lambda: next((x for x in assert_ok(director.get("/api/v1/mail"))["items"]
                                 if x["to"] == "nueva@colegio.test" and x["state"] == "sent"), None))
    assert m and m["template"] == "account_invitation" and m["entity"] == "user", m
    users = assert_ok(director.get("/api/v1/users"))["items"]
    listed = next(u for u in users if u["email"] == "nueva@colegio.test")
    assert listed["mail"]["state"] == "sent", listed

    # a forgotten password: the reset mail, the same look
    anon = mail_world.client("colegio")
    assert_ok(anon.post("/api/v1/auth/password-reset", json={"email": "prof@colegio.test"}), 202)
    got = wait_until(lambda: smtp.handler.for_address("prof@colegio.test"))
    assert got, mail_world.stderr_text()[-2000:]
    msg = got[0]
    assert msg["Subject"] == "Colegio Uno: cambio de contraseña"
    text, html = parts(msg)
    for part in (text, html):
        assert f"{school_url}/clave/" in part and "vence en 1 hora" in part, part
    assert "background:#7a1f3d" in html and "branding/logo?v=e7a9c0" in html


def test_mail_queued_by_another_process_is_sent_by_the_running_server(mail_world, smtp):
    # what `bischeduler tenant create --admin-email` does while serve runs:
    # a row in a school's store that no mail_notify() announces
    store_execute(mail_world.school_store("colegio"),
                  "INSERT INTO mail_queue (to_email, to_name, subject, body_text, body_html,"
                  " template, entity, entity_id, state, attempts, next_attempt_at, last_error,"
                  " created_at) VALUES (?, '', 'Prueba', 'Hola', '<p>Hola</p>', 'account_invitation',"
                  " '', '', 'queued', 0, 0, '', '2026-12-07T00:00:00Z')",
                  ("otro-proceso@colegio.test",))
    got = wait_until(lambda: smtp.handler.for_address("otro-proceso@colegio.test"))
    assert got, mail_world.stderr_text()[-2000:]


def test_mail_list_is_paged_newest_first(mail_world):
    admin = mail_world.cached_login("ueipab", ADMIN_EMAIL)
    first = assert_ok(admin.get("/api/v1/mail", params={"limit": 2}))
    assert len(first["items"]) == 2 and first["next_cursor"], first
    ids = [m["id"] for m in first["items"]]
    assert ids == sorted(ids, reverse=True)
    rest = assert_ok(admin.get("/api/v1/mail", params={"cursor": first["next_cursor"]}))
    assert rest["items"] and all(m["id"] < ids[-1] for m in rest["items"])
    failed = assert_ok(admin.get("/api/v1/mail", params={"state": "failed"}))["items"]
    assert failed and all(m["state"] == "failed" for m in failed)


def test_outbox_mode_writes_a_readable_eml(module_instances, tmp_path_factory):
    inst = module_instances("outbox")
    inst.init()
    if inst.on_postgres:
        outbox = tmp_path_factory.mktemp("outbox")
        inst.start("--outbox", outbox)
    else:
        outbox = inst.data / "outbox"  # the default: DATA/outbox
        inst.start()
    inv = invite(inst, "contacto@nuevo.test", school="Colegio Nuevo")
    files = wait_until(lambda: sorted(outbox.glob("*.eml")) if outbox.exists() else [])
    assert len(files) == 1, files
    raw = files[0].read_bytes()
    assert b"\r\n" in raw and not list(outbox.glob(".*.tmp"))
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["To"] == "contacto@nuevo.test"
    assert "Colegio Nuevo" in msg["Subject"]
    text, html = parts(msg)
    assert inv["url"] in text and inv["url"] in html
    # the plain part is UTF-8 as it is: a person reading the file in a
    # text editor sees the whole link
    assert b"Para completar el registro, abra este enlace:\r\n" + inv["url"].encode() + b"\r\n" in raw
    m = wait_until(lambda: (x := mail_of(inst, "contacto@nuevo.test")) and x["state"] == "sent" and x)
    assert m["state"] == "sent", m


def test_starttls_required_waits_for_a_server_that_offers_it(module_instances, tmp_path_factory):
    """--smtp-require-tls: a server without STARTTLS gets neither the
    password nor the mail (it stays queued, with the reason); once the
    server offers STARTTLS with a certificate from --smtp-ca-file, the mail
    leaves encrypted. The password comes from the environment."""
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    server = Smtp()
    server.start()  # no STARTTLS
    try:
        inst = module_instances("tls")
        inst.init()
        start_with(inst, ["--smtp-url", f"smtp://127.0.0.1:{server.port}",
                          "--smtp-user", SMTP_USER, "--smtp-require-tls",
                          "--smtp-ca-file", cert],
                   BISCHEDULER_SMTP_PASSWORD=SMTP_PASSWORD,
                   BISCHEDULER_MAIL_RETRY="1,1,30")
        invite(inst, "segura@proceres.test")
        m = wait_until(lambda: (x := mail_of(inst, "segura@proceres.test")) and x["attempts"] >= 1 and x)
        assert m["state"] == "queued" and m["error"], m
        assert server.handler.logins == [] and server.handler.messages == []
        server.stop()
        server.start(tls_context=ctx)
        got = wait_until(lambda: server.handler.for_address("segura@proceres.test"))
        assert got and got[0].tls, (got, mail_of(inst, "segura@proceres.test"))
        assert server.handler.logins == [(SMTP_USER.encode(), True)]
        m = wait_until(lambda: (x := mail_of(inst, "segura@proceres.test")) and x["state"] == "sent" and x)
        assert m["state"] == "sent", m
    finally:
        server.stop()
