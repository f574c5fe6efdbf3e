"""Invitations: a platform admin invites a school; its contact accepts once,
with the school's profile and first administrator, and the school exists."""

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
def inv_world(module_instances):
    inst = module_instances("invitations")
    inst.init()
    inst.start()
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
    ("municipality", ""), ("name", ""),
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
                              json={"code": "ocupado", "name": "Ocupado"}), 201)
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
    body = _profile(code="Con Espacio", rif="X-1", phone="12", admin_email="nadie")
    del body["state"]
    err = assert_error(anon.post(f"/api/v1/invitations/{inv['token']}/accept", json=body),
                       422, "invalid", field="code")
    assert [e["field"] for e in err["errors"]] == ["code", "rif", "state", "phone", "admin_email"]
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
    assert_ok(inst_admin.post("/api/v1/platform/tenants", json={"code": "soporte-x", "name": "X"}), 201)
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
