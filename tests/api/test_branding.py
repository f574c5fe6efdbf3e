"""A school's branding (h_branding.c, src/school/branding.c, logo.c) and its
typed settings (h_settings.c): colours, motto and contacts validated all at
once; a logo accepted only as PNG or JPEG by content, stored re-encoded
(its metadata gone), served with caching headers; nothing of one school on
another's host; the logo and colour in the enrolment PDF; typed settings
with their types enforced, public ones readable without signing in, and
the time zone chosen from a list; a school's mail in its colour with its
logo."""

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from conftest import assert_error, assert_ok, store_rows
from support.records_sql import RecordsSQL

DATA = Path(__file__).resolve().parent.parent / "data"


def png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))


def make_png(w, h, text=None, rgb=(31, 78, 121)):
    """An RGB PNG written by hand, with a tEXt chunk when `text` is given."""
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    out = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    if text:
        out += png_chunk(b"tEXt", b"Comment\x00" + text)
    return out + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b"")


def png_size(data):
    assert data.startswith(b"\x89PNG\r\n\x1a\n"), data[:16]
    return struct.unpack(">II", data[16:24])


def png_chunk_kinds(data):
    kinds, pos = [], 8
    while pos < len(data):
        n = struct.unpack(">I", data[pos:pos + 4])[0]
        kinds.append(data[pos + 4:pos + 8].decode("latin-1"))
        pos += 12 + n
    return kinds


@pytest.fixture(scope="module")
def site(module_instances):
    inst = module_instances("branding")
    inst.init()
    inst.create_school("norte", "U.E. Norte")
    inst.create_school("sur", "U.E. Sur")
    inst.add_user("norte", "directora@norte.test", "school_admin")
    inst.add_user("norte", "docente@norte.test", "teacher")
    inst.add_user("sur", "director@sur.test", "school_admin")
    with RecordsSQL(inst.school_store("norte")) as db:
        year = db.year("2025-2026", "2025-09-15", "2026-07-31", current=True)
        g = db.grade("primaria", 1, "1er Grado")
        sec = db.section(year, g, "A")
        db.student(sec, cedula="V30111222", first_names="Ana", last_names="Pérez",
                   gender="H", birth_date="2018-03-01")
    inst.start()
    return inst, inst.login("norte", "directora@norte.test")


def test_patch_sets_colours_motto_and_contacts_and_audits_them(site):
    inst, d = site
    body = assert_ok(d.patch("/api/v1/branding", json={
        "primary_color": "#0A5C36", "secondary_color": "#ffcc00",
        "motto": "Educar para servir", "phone": "0212 555 1234",
        "email": "Secretaria@Norte.edu.ve", "address": "Av. Principal,\nLos Teques"}))
    assert body["primary_color"] == "#0a5c36" and body["secondary_color"] == "#ffcc00", body
    assert body["phone"] == "0212-5551234" and body["email"] == "secretaria@norte.edu.ve", body
    public = assert_ok(inst.branding("norte"))["branding"]
    assert {k: public[k] for k in body if k != "logo_url"} == \
        {k: body[k] for k in body if k != "logo_url"}, public
    audit = assert_ok(d.get("/api/v1/audit", params={"entity": "branding"}))["items"]
    assert audit and audit[0]["after"]["primary_color"] == "#0a5c36", audit
    assert audit[0]["before"]["primary_color"] == "#1f4e79", audit


def test_patch_names_every_invalid_field_and_writes_nothing(site):
    inst, d = site
    before = assert_ok(inst.branding("norte"))["branding"]
    r = d.patch("/api/v1/branding", json={
        "primary_color": "red", "secondary_color": "#12345", "motto": "x" * 201,
        "phone": "12", "email": "no-es-correo", "address": "y" * 401})
    err = assert_error(r, 422, "invalid")
    fields = {e["field"] for e in err["errors"]}
    assert fields == {"primary_color", "secondary_color", "motto", "phone", "email", "address"}, err
    assert all(e["message"] for e in err["errors"])
    assert assert_ok(inst.branding("norte"))["branding"] == before
    # only an admin may change it
    teacher = inst.login("norte", "docente@norte.test")
    assert_error(teacher.patch("/api/v1/branding", json={"motto": "Hola"}), 403, "forbidden")


def test_png_logo_is_reencoded_scaled_and_served_with_cache_headers(site):
    inst, d = site
    assert_error(inst.client("sur").get("/api/v1/branding/logo"), 404, "not_found")
    png = make_png(800, 400, text=b"BISCHEDULER-PNG-SECRET author=someone")
    body = assert_ok(d.request("PUT", "/api/v1/branding/logo", data=png, content_type="image/png"))
    assert body["logo_url"].startswith("/api/v1/branding/logo?v="), body
    etag = body["logo_etag"]
    anon = inst.client("norte")
    r = anon.get("/api/v1/branding/logo")
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/png"
    assert r.headers["ETag"] == f'"{etag}"'
    assert "public" in r.headers["Cache-Control"] and "max-age=" in r.headers["Cache-Control"]
    assert png_size(r.content) == (512, 256), "scaled down to 512 px"
    assert b"BISCHEDULER-PNG-SECRET" not in r.content
    assert "tEXt" not in png_chunk_kinds(r.content), png_chunk_kinds(r.content)
    again = anon.get("/api/v1/branding/logo", headers={"If-None-Match": f'"{etag}"'})
    assert again.status_code == 304 and again.content == b""
    versioned = anon.get(body["logo_url"])
    assert "immutable" in versioned.headers["Cache-Control"]
    assert assert_ok(inst.branding("norte"))["branding"]["logo_url"] == body["logo_url"]
    # another school's host never shows this school's logo
    assert_error(inst.client("sur").get("/api/v1/branding/logo"), 404, "not_found")
    assert assert_ok(inst.branding("sur"))["branding"]["logo_url"] is None


def test_jpeg_logo_loses_its_exif_and_comment(site):
    inst, d = site
    jpeg = (DATA / "logo-exif.jpg").read_bytes()
    assert b"BISCHEDULER-EXIF-SECRET" in jpeg and b"BISCHEDULER-COMMENT-SECRET" in jpeg
    body = assert_ok(d.request("PUT", "/api/v1/branding/logo", data=jpeg, content_type="image/jpeg"))
    r = inst.client("norte").get("/api/v1/branding/logo")
    assert r.headers["ETag"] == f'"{body["logo_etag"]}"'
    assert png_size(r.content) == (96, 64)
    assert b"SECRET" not in r.content and b"Exif" not in r.content


def test_a_png_by_name_but_not_by_content_is_refused_and_nothing_changes(site):
    inst, d = site
    before = assert_ok(inst.branding("norte"))["branding"]
    cases = [
        b"GIF89a\x01\x00\x01\x00" + b"\x00" * 40,            # another format
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",          # not an image we take
        make_png(40, 40)[:60],                                 # a truncated PNG
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,                  # a PNG signature only
        b"\xff\xd8\xff\xe0" + b"\x00" * 100,                   # a JPEG start only
    ]
    for data in cases:
        err = assert_error(d.request("PUT", "/api/v1/branding/logo", data=data,
                                     content_type="image/png"), 422, "invalid", field="logo")
        assert "archivo" in err["message"], err
    assert_error(d.request("PUT", "/api/v1/branding/logo", data=make_png(8, 8),
                           content_type="image/gif"), 415)
    big = make_png(5000, 10)
    assert_error(d.request("PUT", "/api/v1/branding/logo", data=big, content_type="image/png"),
                 422, "invalid", field="logo")
    huge = b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024 + 10)
    assert_error(d.request("PUT", "/api/v1/branding/logo", data=huge, content_type="image/png"), 413)
    assert assert_ok(inst.branding("norte"))["branding"] == before


def test_enrolment_pdf_carries_the_logo(site):
    inst, d = site
    assert_ok(d.request("PUT", "/api/v1/branding/logo", data=make_png(300, 300, rgb=(200, 30, 30)),
                        content_type="image/png"))
    r = d.get("/api/v1/exports/enrolment.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    if shutil.which("pdfimages"):
        listing = subprocess.run(["pdfimages", "-list", "-"], input=r.content,
                                 capture_output=True, check=True).stdout.decode()
        rows = [ln for ln in listing.splitlines()[2:] if ln.strip()]
        assert len(rows) >= 1, listing
    # without a logo, no image
    assert_ok(d.delete("/api/v1/branding/logo"))
    assert_error(inst.client("norte").get("/api/v1/branding/logo"), 404, "not_found")
    assert_error(d.delete("/api/v1/branding/logo"), 404, "not_found")
    r = d.get("/api/v1/exports/enrolment.pdf")
    if shutil.which("pdfimages"):
        listing = subprocess.run(["pdfimages", "-list", "-"], input=r.content,
                                 capture_output=True, check=True).stdout.decode()
        assert not [ln for ln in listing.splitlines()[2:] if ln.strip()], listing


def test_typed_settings_enforce_their_types_and_visibility(site):
    inst, d = site
    s = assert_ok(d.get("/api/v1/settings"))
    assert s["passing_grade"] == 10 and s["show_contacts_on_signin"] is True, s
    assert s["school_days"] == [1, 2, 3, 4, 5], s
    r = d.patch("/api/v1/settings", json={"passing_grade": "10", "show_contacts_on_signin": "sí",
                                          "school_days": [1, 1, 9], "timezone": "America/New_York"})
    err = assert_error(r, 422, "invalid")
    assert {e["field"] for e in err["errors"]} == {"passing_grade", "show_contacts_on_signin",
                                                   "school_days", "timezone"}, err
    assert assert_ok(d.get("/api/v1/settings")) == s
    after = assert_ok(d.patch("/api/v1/settings", json={
        "passing_grade": 12, "show_contacts_on_signin": False, "school_days": [1, 2, 3, 4, 5, 6],
        "timezone": "America/Bogota"}))
    assert after["passing_grade"] == 12 and after["show_contacts_on_signin"] is False
    assert after["timezone_label"] == "Bogotá (UTC−5)", after
    rows = dict(((k, (t, p)) for k, t, p in store_rows(
        inst.school_store("norte"), "SELECT key, type, is_public FROM tenant_settings")))
    assert rows["passing_grade"] == ("integer", 0) and rows["school_days"] == ("json", 0), rows
    assert rows["show_contacts_on_signin"] == ("boolean", 1) and rows["name"][1] == 1, rows
    # public settings without signing in; private ones never
    public = assert_ok(inst.branding("norte"))["settings"]
    assert public["name"] == "U.E. Norte" and public["show_contacts_on_signin"] is False, public
    assert public["timezone"] == "America/Bogota"
    assert "passing_grade" not in public and "school_days" not in public and "rif" not in public
    assert_error(inst.client("norte").get("/api/v1/settings"), 401)
    # the list of zones, with labels a person reads
    choices = assert_ok(d.get("/api/v1/settings"))["timezone_choices"]
    assert {"value": "America/Caracas", "label": "Caracas (UTC−4)"} in choices
    assert all("/" not in c["label"] for c in choices), choices
    assert_ok(d.patch("/api/v1/settings", json={"timezone": "America/Caracas"}))


def test_a_school_mail_wears_its_colour_and_logo(site):
    """The school's invitation mail: its logo, and its colour with text that
    reads on it (dark text on a light yellow, not white)."""
    inst, d = site
    assert_ok(d.patch("/api/v1/branding", json={"primary_color": "#ffcc00"}))
    assert_ok(d.request("PUT", "/api/v1/branding/logo", data=make_png(40, 40),
                        content_type="image/png"))
    r = d.post("/api/v1/users", json={"email": "nueva@norte.test", "name": "Nueva Docente",
                                       "role": "teacher"})
    assert r.status_code == 201, r.text
    rows = store_rows(inst.school_store("norte"),
                      "SELECT body_html FROM mail_queue WHERE to_email = ?", ("nueva@norte.test",))
    assert len(rows) == 1, rows
    html = rows[0][0]
    assert "/api/v1/branding/logo" in html, html
    pairs = re.findall(r"background:(#[0-9a-f]{6});color:(#[0-9a-f]{6})", html)
    assert ("#ffcc00", pairs[0][1]) in pairs, pairs

    def lum(hexc):
        rgb = [int(hexc[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        return sum(w * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
                   for w, c in zip((0.2126, 0.7152, 0.0722), rgb))
    for bg, fg in pairs:
        hi, lo = sorted((lum(bg), lum(fg)), reverse=True)
        assert (hi + 0.05) / (lo + 0.05) >= 4.5, (bg, fg)
