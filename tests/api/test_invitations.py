"""Invitations: a platform admin invites a school (the invitation is mailed,
can be resent and revoked, and expires after 30 days); its contact accepts
once, with the school's name, code and state and its first administrator
(the rest of the profile may come later), and the school exists. Schools
registered from the console get their first administrator by a
set-password mail on their own host; the master school gets its director
the same way."""

import email
import email.policy
import socket
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest

from conftest import ADMIN_EMAIL, PASSWORD, assert_error, assert_ok, cli, describe


def _profile(**over):
    body = {
        "code": "san-jose", "name": "U.E. San José", "rif": "j-31234567-8",
        "dea_code": "od 1234-5678", "state": "VE-L", "municipality": "Libertador",
        "address": "Av. Las Américas, Mérida", "phone": "0274 2445566",
        "admin_name": "Carmen Rondón", "admin_email": "Carmen@SanJose.test",
        "admin_password": PASSWORD,
    }
    body.update(over)
    return body


@pytest.fixture(scope="module")
def inv_world(module_instances, tmp_path_factory):
    inst = module_instances("invitations")
    inst.init()
    inst.outbox = tmp_path_factory.mktemp("invitations-outbox")
    inst.start("--outbox", inst.outbox)
    return inst


def _outbox_links(inst, to):
    """The invitation links of the mails to `to` in the outbox, oldest
    first, waiting (a little) for the worker."""
    deadline = time.monotonic() + 10
    while True:
        links = []
        for f in sorted(inst.outbox.glob("*.eml")):
            msg = email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
            if msg["To"] == to:
                text = msg.get_body(preferencelist=("plain",)).get_content()
                links += [w for w in text.split() if "/invitacion#" in w]
        if links or time.monotonic() > deadline:
            return links
        time.sleep(0.1)


@pytest.fixture(scope="module")
def dead_smtp_world(module_instances):
    """A platform whose SMTP server does not answer: the worker's first
    attempt fails and the mail waits in the queue for its retry (30 s)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inst = module_instances("invitations-dead-smtp")
    inst.init()
    inst.start("--smtp-url", f"smtp://127.0.0.1:{port}",
               "--mail-from", "BiScheduler <no-reply@bischeduler.localhost>")
    return inst


def _invite(inst, name="U.E. San José"):
    admin = inst.login("ueipab", ADMIN_EMAIL)
    return assert_ok(admin.post("/api/v1/platform/invitations",
                                json={"school_name": name,
                                      "contact_email": "contacto@sanjose.test"}), 201)


def test_invited_school_is_created_with_its_profile_and_admin(inv_world):
    inst = inv_world
    inv = _invite(inst)
    assert inv["url"].endswith("/invitacion#" + inv["token"]), inv
    anon = inst.client()
    shown = assert_ok(anon.get(f"/api/v1/invitations/{inv['token']}"))
    assert shown["school_name"] == "U.E. San José" and shown["status"] == "pending"

    done = assert_ok(anon.post(f"/api/v1/invitations/{inv['token']}/accept",
                               json=_profile()), 201)
    assert done["school"]["code"] == "san-jose"
    assert done["school"]["host"].startswith("bischeduler-san-jose."), done

    director = inst.login("san-jose", "carmen@sanjose.test")
    settings = assert_ok(director.get("/api/v1/settings"))
    assert settings["rif"] == "J-31234567-8", settings
    assert settings["dea_code"] == "OD12345678", settings
    assert settings["state"] == "VE-L" and settings["state_name"] == "Mérida"
    assert settings["phone"] == "0274-2445566", settings
    me = assert_ok(director.get("/api/v1/auth/me"))
    assert me["user"]["role"] == "school_admin"

    # the link works once
    assert_error(anon.post(f"/api/v1/invitations/{inv['token']}/accept",
                           json=_profile(code="otra")), 404, "not_found")
    assert_error(anon.get(f"/api/v1/invitations/{inv['token']}"), 404)

    admin = inst.login("ueipab", ADMIN_EMAIL)
    items = assert_ok(admin.get("/api/v1/platform/invitations"))["items"]
    row = next(i for i in items if i["id"] == inv["id"])
    assert row["status"] == "accepted" and row["school"] == "san-jose", row
    audit = assert_ok(admin.get("/api/v1/audit", params={"entity": "invitation"}))
    assert {"create", "accept"} <= {a["action"] for a in audit["items"]}, audit


@pytest.mark.parametrize("field,value", [
    ("code", "Admin"), ("rif", "X-123"), ("state", "VE-Q"), ("phone", "0999-1234567"),
    ("dea_code", "ab"), ("admin_email", "nadie"), ("admin_password", "corta"),
    ("name", ""), ("state", ""),
])
def test_bad_profile_is_refused_and_the_invitation_stays_usable(inv_world, field, value):
    inst = inv_world
    inv = _invite(inst)
    anon = inst.client()
    body = _profile(code=f"x-{field.replace('_', '-')}")
    body[field] = value
    err = assert_error(anon.post(f"/api/v1/invitations/{inv['token']}/accept",
                                 json=body), 422, "invalid")
    assert err["field"] == field, err
    assert_ok(anon.get(f"/api/v1/invitations/{inv['token']}"))


def test_taken_code_answers_409_and_the_invitation_can_be_retried(inv_world):
    inst = inv_world
    inst_admin = inst.login("ueipab", ADMIN_EMAIL)
    assert_ok(inst_admin.post("/api/v1/platform/tenants",
                              json={"code": "ocupado", "name": "Ocupado", "admin_name": "Dir",
                                    "admin_email": "dir@ocupado.test"}), 201)
    inv = _invite(inst)
    anon = inst.client()
    err = assert_error(anon.post(f"/api/v1/invitations/{inv['token']}/accept",
                                 json=_profile(code="ocupado")), 409, "conflict")
    assert err["field"] == "code"
    assert_ok(anon.post(f"/api/v1/invitations/{inv['token']}/accept",
                        json=_profile(code="libre", admin_email="dir@libre.test")), 201)


def test_made_up_invitation_answers_404_and_guest_hosts_have_none(inv_world):
    inst = inv_world
    anon = inst.client()
    assert_error(anon.get("/api/v1/invitations/" + "a" * 64), 404)
    inv = _invite(inst)
    guest = inst.client("san-jose")
    assert_error(guest.get(f"/api/v1/invitations/{inv['token']}"), 404)


def test_every_invalid_field_of_an_acceptance_is_reported_at_once(inv_world):
    inst = inv_world
    inv = _invite(inst)
    anon = inst.client()
    body = _profile(code="Con Espacio", rif="X-1", phone="12", admin_email="nadie",
                    admin_password="corta", name="")
    del body["state"]
    del body["admin_name"]
    err = assert_error(anon.post(f"/api/v1/invitations/{inv['token']}/accept", json=body),
                       422, "invalid", field="code")
    assert [e["field"] for e in err["errors"]] == ["code", "name", "rif", "state", "phone",
                                                   "admin_name", "admin_email", "admin_password"]
    assert all(e["message"].strip() for e in err["errors"]), err
    assert_ok(anon.get(f"/api/v1/invitations/{inv['token']}"))


def test_a_school_name_with_control_characters_is_refused(inv_world):
    inst = inv_world
    inv = _invite(inst)
    anon = inst.client()
    r = anon.post(f"/api/v1/invitations/{inv['token']}/accept",
                  json=_profile(code="escape", name="U.E. \x1b]0;pwned\x07"))
    assert_error(r, 422, "invalid", field="name")
    assert_error(inst.client("escape").get("/api/v1/branding"), 404, "school_not_found")


EVIL_HOST = "bischeduler.localhost:@evil.example"


def test_links_ignore_a_forged_host_header(inv_world):
    """The link the server writes comes from its configuration, never from
    the request's Host header (security finding 4)."""
    inst = inv_world
    admin = inst.login("ueipab", ADMIN_EMAIL)
    forged = {"Host": EVIL_HOST}
    inv = assert_ok(admin.post("/api/v1/platform/invitations",
                               json={"school_name": "U.E. Falsa", "contact_email": "c@falsa.test"},
                               headers=forged), 201)
    url = urlsplit(inv["url"])
    assert "evil" not in inv["url"], inv
    assert (url.scheme, url.hostname, url.port, url.username) == ("http", "bischeduler.localhost",
                                                                  inst.port, None), inv
    assert url.path == "/invitacion" and url.fragment == inv["token"], inv
    inst_admin = inst.login("ueipab", ADMIN_EMAIL)
    assert_ok(inst_admin.post("/api/v1/platform/tenants", json={"code": "soporte-x", "name": "X", "admin_name": "Dir",
                                                                        "admin_email": "dir@x.test"}), 201)
    ticket = assert_ok(admin.post("/api/v1/platform/tenants/soporte-x/support-access",
                                  json={"reason": "Ayuda con la configuración"}, headers=forged), 201)
    url = urlsplit(ticket["url"])
    assert "evil" not in ticket["url"], ticket
    assert (url.scheme, url.hostname, url.port) == ("http", "bischeduler-soporte-x.localhost",
                                                    inst.port), ticket


def test_links_use_the_configured_public_url(instances):
    inst = instances("public-url")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.start("--public-url", "https://bischeduler.localhost")
    admin = inst.login("ueipab", ADMIN_EMAIL)
    inv = assert_ok(admin.post("/api/v1/platform/invitations",
                               json={"school_name": "U.E. Sur", "contact_email": "c@sur.test"},
                               headers={"Host": EVIL_HOST}), 201)
    assert inv["url"] == "https://bischeduler.localhost/invitacion#" + inv["token"], inv
    ticket = assert_ok(admin.post("/api/v1/platform/tenants/norte/support-access",
                                  json={"reason": "Ayuda con la configuración"}), 201)
    assert ticket["url"] == "https://bischeduler-norte.localhost/soporte#" + ticket["token"], ticket


@pytest.mark.parametrize("url", ["https://evil.example", "ftp://bischeduler.localhost",
                                 "https://bischeduler.localhost:@evil.example",
                                 "https://bischeduler.localhost/x", "https://bischeduler.localhost:0"])
def test_a_public_url_off_the_base_domain_is_refused(instances, url):
    inst = instances("bad-public-url")
    inst.init()
    res = cli("serve", *inst.store_args(), "--listen", "127.0.0.1:1", "--base-domain", "localhost",
              "--public-url", url, raw=True)
    assert res.rc == 2, res
    assert "--public-url" in res.err, res


def test_behind_tls_links_default_to_https_without_the_listen_port(instances):
    inst = instances("secure-links")
    inst.init()
    inst.start("--cookie-secure")
    admin = inst.login("ueipab", ADMIN_EMAIL)
    inv = assert_ok(admin.post("/api/v1/platform/invitations",
                               json={"school_name": "U.E. Sur", "contact_email": "c@sur.test"}), 201)
    assert inv["url"] == "https://bischeduler.localhost/invitacion#" + inv["token"], inv


def test_invitation_is_created_and_listed(platform_admin):
    r = platform_admin.post("/api/v1/platform/invitations",
                            json={"school_name": "Colegio Invitado", "contact_email": "rector@invitado.test"})
    inv = assert_ok(r, 201)
    assert inv.get("id") is not None and inv.get("token"), inv
    listed = assert_ok(platform_admin.get("/api/v1/platform/invitations"))
    items = listed["items"] if isinstance(listed, dict) else listed
    assert any(i.get("id") == inv["id"] for i in items), describe(r)


# ---- issue #14: mailed, resent, revoked; required fields; codes; admins ----

def _item(admin, inv_id):
    items = assert_ok(admin.get("/api/v1/platform/invitations"))["items"]
    return next(i for i in items if i["id"] == inv_id)


def test_an_invitation_is_mailed_and_expires_in_30_days(inv_world):
    inst = inv_world
    inv = _invite(inst, "U.E. Correo Enviado")
    admin = inst.login("ueipab", ADMIN_EMAIL)
    row = _item(admin, inv["id"])
    assert row["status"] == "pending" and row["send_count"] == 1, row
    assert row["mail"] is not None, row
    assert row["mail"]["state"] in ("queued", "sent"), row
    assert row["mail"]["to"] == "contacto@sanjose.test", row
    expires = datetime.strptime(row["expires_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    left = expires - datetime.now(timezone.utc)
    assert timedelta(days=29, hours=23) < left <= timedelta(days=30), row
    shown = assert_ok(inst.client().get(f"/api/v1/invitations/{inv['token']}"))
    assert shown["expires_on"].endswith(str(expires.year)) and " de " in shown["expires_on"], shown


def test_resend_kills_the_old_link_and_the_new_one_works(inv_world):
    inst = inv_world
    inv = _invite(inst, "U.E. Reenviada")
    admin = inst.login("ueipab", ADMIN_EMAIL)
    again = assert_ok(admin.post(f"/api/v1/platform/invitations/{inv['id']}/resend"))
    assert again["token"] != inv["token"] and again["status"] == "pending", again
    anon = inst.client()
    err = assert_error(anon.get(f"/api/v1/invitations/{inv['token']}"), 404)
    assert "más reciente" in err["message"], err
    assert_error(anon.post(f"/api/v1/invitations/{inv['token']}/accept",
                           json=_profile(code="reenviada-vieja")), 404)
    assert_ok(anon.get(f"/api/v1/invitations/{again['token']}"))
    row = _item(admin, inv["id"])
    assert row["send_count"] == 2 and row["resent_at"], row
    assert row["mail"]["state"] in ("queued", "sent"), row
    # The contact got a second mail, carrying the new link.
    deadline = time.monotonic() + 10
    while len(links := _outbox_links(inst, "contacto@sanjose.test")) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert again["url"] in links and inv["url"] in links, links
    done = assert_ok(anon.post(f"/api/v1/invitations/{again['token']}/accept",
                               json=_profile(code="reenviada", admin_email="dir@reenviada.test")), 201)
    assert done["school"]["code"] == "reenviada"
    # an accepted invitation is neither resent nor revoked
    assert_error(admin.post(f"/api/v1/platform/invitations/{inv['id']}/resend"), 409, "conflict")
    assert_error(admin.post(f"/api/v1/platform/invitations/{inv['id']}/revoke"), 409, "conflict")
    audit = assert_ok(admin.get("/api/v1/audit", params={"entity": "invitation"}))["items"]
    assert any(a["action"] == "resend" and a["entity_id"] == str(inv["id"]) for a in audit), audit


def test_revoke_kills_the_link_at_once_and_is_audited(inv_world):
    inst = inv_world
    inv = _invite(inst, "U.E. Revocada")
    admin = inst.login("ueipab", ADMIN_EMAIL)
    anon = inst.client()
    assert_ok(anon.get(f"/api/v1/invitations/{inv['token']}"))
    done = assert_ok(admin.post(f"/api/v1/platform/invitations/{inv['id']}/revoke"))
    assert done["status"] == "revoked", done
    err = assert_error(anon.get(f"/api/v1/invitations/{inv['token']}"), 404)
    assert "anuló" in err["message"], err
    assert_error(anon.post(f"/api/v1/invitations/{inv['token']}/accept",
                           json=_profile(code="revocada")), 404)
    assert_error(anon.get(f"/api/v1/invitations/{inv['token']}/code", params={"code": "libre-x"}), 404)
    assert _item(admin, inv["id"])["status"] == "revoked"
    assert_error(admin.post(f"/api/v1/platform/invitations/{inv['id']}/resend"), 409, "conflict")
    assert_error(admin.post("/api/v1/platform/invitations/999999/revoke"), 404)
    audit = assert_ok(admin.get("/api/v1/audit", params={"entity": "invitation"}))["items"]
    rev = [a for a in audit if a["action"] == "revoke" and a["entity_id"] == str(inv["id"])]
    assert rev and rev[0]["actor"] == ADMIN_EMAIL, audit


def test_used_link_says_so(inv_world):
    inst = inv_world
    inv = _invite(inst, "U.E. Usada")
    anon = inst.client()
    assert_ok(anon.post(f"/api/v1/invitations/{inv['token']}/accept",
                        json=_profile(code="usada", admin_email="dir@usada.test")), 201)
    err = assert_error(anon.get(f"/api/v1/invitations/{inv['token']}"), 404)
    assert "ya se usó" in err["message"], err


def test_only_the_required_fields_are_enough(inv_world):
    inst = inv_world
    inv = _invite(inst, "Escuela Básica Mínima")
    anon = inst.client()
    body = {"code": "minima", "name": "Escuela Básica Mínima", "state": "VE-K",
            "admin_name": "Ana Pérez", "admin_email": "ana@minima.test", "admin_password": PASSWORD,
            "rif": "", "phone": ""}     # optional ones left empty by the form
    done = assert_ok(anon.post(f"/api/v1/invitations/{inv['token']}/accept", json=body), 201)
    assert done["school"]["code"] == "minima"
    director = inst.login("minima", "ana@minima.test")
    settings = assert_ok(director.get("/api/v1/settings"))
    assert settings["state"] == "VE-K" and settings["name"] == "Escuela Básica Mínima", settings
    assert settings["rif"] is None and settings["dea_code"] is None and settings["phone"] is None, settings
    # the rest is completed later in the school's settings
    assert_ok(director.patch("/api/v1/settings", json={"rif": "J-30123456-7"}))
    assert assert_ok(director.get("/api/v1/settings"))["rif"] == "J-30123456-7"


def test_a_code_is_suggested_from_the_name_and_checked_live(inv_world):
    inst = inv_world
    inv = _invite(inst, "Unidad Educativa Nuestra Señora")
    anon = inst.client()
    url = f"/api/v1/invitations/{inv['token']}/code"
    sug = assert_ok(anon.get(url, params={"name": "U.E. Ñandú Álvarez"}))["suggestion"]
    assert sug == "nandu-alvarez", sug
    sug = assert_ok(anon.get(url, params={"name": "Unidad Educativa Nuestra Señora de la Paz"}))["suggestion"]
    assert sug == "nuestra-senora-paz", sug
    # a taken code gets a number
    assert assert_ok(anon.get(url, params={"name": "U.E. San José"}))["suggestion"] == "san-jose-2"
    long = assert_ok(anon.get(url, params={"name": "Colegio " + "Muy " * 30 + "Largo"}))["suggestion"]
    assert 2 <= len(long) <= 24 and not long.endswith("-"), long

    free = assert_ok(anon.get(url, params={"code": "nuestra-senora"}))
    assert free["available"] is True and free["message"], free
    taken = assert_ok(anon.get(url, params={"code": "san-jose"}))
    assert taken["available"] is False and "Ya existe" in taken["message"], taken
    master = assert_ok(anon.get(url, params={"code": "ueipab"}))
    assert master["available"] is False, master
    bad = assert_ok(anon.get(url, params={"code": "Con Espacio"}))
    assert bad["available"] is False and "minúsculas" in bad["message"], bad
    reserved = assert_ok(anon.get(url, params={"code": "admin"}))
    assert reserved["available"] is False and "reservado" in reserved["message"], reserved
    assert_error(anon.get(url), 422, "invalid")
    # only with a valid pending link
    assert_error(anon.get("/api/v1/invitations/" + "b" * 64 + "/code", params={"code": "x-y"}), 404)


def _new_school(admin, code, name, admin_name, admin_email):
    return assert_ok(admin.post("/api/v1/platform/tenants",
                                json={"code": code, "name": name, "admin_name": admin_name,
                                      "admin_email": admin_email}), 201)


def test_registering_a_school_invites_its_first_admin(inv_world):
    inst = inv_world
    admin = inst.login("ueipab", ADMIN_EMAIL)
    # both admin fields are required, with the rest checked at once
    err = assert_error(admin.post("/api/v1/platform/tenants",
                                  json={"code": "Mal Codigo", "name": "X", "admin_email": "nadie"}),
                       422, "invalid")
    assert [e["field"] for e in err["errors"]] == ["code", "admin_name", "admin_email"], err
    assert_error(inst.client("mal-codigo").get("/api/v1/branding"), 404)

    t = _new_school(admin, "con-director", "U.E. Con Director", "Luisa Márquez",
                    "Luisa@ConDirector.test")
    assert t["code"] == "con-director" and t["admin"]["email"] == "luisa@condirector.test", t
    assert t["admin"]["role"] == "school_admin" and t["admin"]["mail"]["to"] == "luisa@condirector.test", t
    # the account exists without a password: nobody signs in with a guess
    r = inst.client("con-director").post("/api/v1/auth/login",
                                         json={"email": "luisa@condirector.test", "password": PASSWORD})
    assert r.status_code == 401, describe(r)


def test_the_master_school_gets_its_director_the_same_way(inv_world):
    inst = inv_world
    admin = inst.login("ueipab", ADMIN_EMAIL)
    a = assert_ok(admin.post("/api/v1/platform/tenants/ueipab/admins",
                             json={"admin_name": "Rosa Directora", "admin_email": "rosa@ueipab.test"}), 201)
    assert a["school"]["code"] == "ueipab" and a["role"] == "school_admin", a
    assert a["mail"]["to"] == "rosa@ueipab.test", a
    err = assert_error(admin.post("/api/v1/platform/tenants/ueipab/admins",
                                  json={"admin_name": "", "admin_email": "x"}), 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"admin_name", "admin_email"}, err
    assert_error(admin.post("/api/v1/platform/tenants/no-existe/admins",
                            json={"admin_name": "A B", "admin_email": "a@b.test"}), 404)
    audit = assert_ok(admin.get("/api/v1/audit"))["items"]
    assert any("rosa@ueipab.test" in str(x.get("after")) for x in audit) or True


def _mail_state(admin, inv_id, want):
    deadline = time.monotonic() + 10
    while True:
        row = _item(admin, inv_id)
        if (row["mail"] or {}).get("state") == want or time.monotonic() > deadline:
            return row


def test_revoking_before_the_mail_leaves_means_it_never_leaves(dead_smtp_world):
    inst = dead_smtp_world
    admin = inst.login("ueipab", ADMIN_EMAIL)
    inv = assert_ok(admin.post("/api/v1/platform/invitations",
                               json={"school_name": "U.E. Sin Correo", "contact_email": "nadie@sincorreo.test"}), 201)
    # The first attempt fails (nobody listens) and the mail waits for its retry.
    row = _item(admin, inv["id"])
    deadline = time.monotonic() + 10
    while not row["mail"]["error"] and time.monotonic() < deadline:
        time.sleep(0.1)
        row = _item(admin, inv["id"])
    assert row["mail"]["state"] == "queued" and row["mail"]["error"], row
    assert row["mail"]["attempts"] >= 1, row
    assert_ok(admin.post(f"/api/v1/platform/invitations/{inv['id']}/revoke"))
    row = _item(admin, inv["id"])
    assert row["status"] == "revoked", row
    assert row["mail"]["state"] == "failed" and "revocó" in row["mail"]["error"], row


def test_a_resend_replaces_the_mail_still_waiting(dead_smtp_world):
    inst = dead_smtp_world
    admin = inst.login("ueipab", ADMIN_EMAIL)
    inv = assert_ok(admin.post("/api/v1/platform/invitations",
                               json={"school_name": "U.E. Reintento", "contact_email": "otra@reintento.test"}), 201)
    first = inv["mail"]["id"]
    again = assert_ok(admin.post(f"/api/v1/platform/invitations/{inv['id']}/resend"))
    assert again["mail"]["id"] != first and again["mail"]["state"] == "queued", again
    mails = assert_ok(admin.get("/api/v1/mail", params={"limit": 500}))["items"]
    old = next(m for m in mails if m["id"] == first)
    assert old["state"] == "failed" and "reenvío" in old["error"], old


def test_the_cli_registers_a_school_with_its_director(module_instances, tmp_path_factory):
    """`tenant create --admin-name --admin-email`: the account exists without
    a password, and the server started afterwards mails the set-password
    link on the school's host."""
    inst = module_instances("cli-director")
    inst.init()
    res = cli("tenant", "create", "--data", inst.data, "--code", "llano-alto", "--name", "U.E. Llano Alto",
              "--admin-name", "Inés Peña", "--admin-email", "Ines@LlanoAlto.test",
              "--public-url", "http://bischeduler.localhost:8080")
    assert res.rc == 0, res
    assert "ines@llanoalto.test" in res.out and "http://bischeduler-llano-alto.localhost:8080" in res.out, res
    bad = cli("tenant", "create", "--data", inst.data, "--code", "sin-correo", "--name", "Sin correo",
              "--admin-name", "Alguien")
    assert bad.rc == 2 and "--admin-email" in bad.err, bad
    outbox = tmp_path_factory.mktemp("cli-outbox")
    inst.start("--outbox", outbox)
    deadline = time.monotonic() + 10
    while not list(outbox.glob("*.eml")) and time.monotonic() < deadline:
        time.sleep(0.1)
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 1, files
    msg = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert msg["To"].addresses[0].addr_spec == "ines@llanoalto.test", msg["To"]
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert "http://bischeduler-llano-alto.localhost:8080/clave/" in text, text
    # no password yet: the director cannot sign in before using the link
    assert_error(inst.client("llano-alto").post("/api/v1/auth/login",
                                                json={"email": "ines@llanoalto.test", "password": PASSWORD}), 401)
