"""Isolation, tested from the routing table itself.

The routes and the roles' permissions come from the binary's own code
(tests/tools/routes_json prints routes[] and role_permissions()), so a route
added tomorrow is in this matrix the day it is added. For every route, every
actor and every host (its own school `alfa`, another school `beta`, and the
master host, which is also the school UEIPAB, with an admin of its own) one request is sent, with a valid CSRF token on cookie writes,
a minimal valid body where the route takes one, and ids of real objects for
its {params}; the status must be the expected one:

  1. scope master on a school host                    -> 404 not_found
  2. ROUTE_PUBLIC                                     -> the handler's answer
  3. no credentials, or credentials of another host   -> 401 unauthenticated
     (a school's sessions and tokens live in its own store; platform ones
     are valid only on the master host)
  4. permission bits of the route not held by the role -> 403 forbidden
     (ROUTE_SESSION needs none)
  5. otherwise                                         -> the handler's answer

"The handler's answer" is what the route's recipe below says a user gets for
that minimal valid request: its 2xx, or the 4xx the handler gives for this
actor or host (a support session may not create API tokens: 403; a login
with another school's user: 401). Routes with an object id also run with the
id of an object of another school (and of another user of the same school):
never found, 404, and the object is untouched. A route without a recipe is a
violation in every cell that reaches its handler: add one next to the route.

Routes that change state get their own objects (a fresh session to log out,
a fresh token to revoke, a school of their own to suspend, which is
reactivated after each request), so the matrix does not depend on order.
"""

import itertools
from dataclasses import dataclass, field

import pytest

from conftest import ADMIN_EMAIL, PASSWORD, assert_ok, describe, routes_table, store_execute, store_rows

SCHOOL_HOSTS = {"alfa": "Colegio Alfa", "beta": "Liceo Beta", "blanco": "Escuela Blanco"}
HOSTS = ("alfa", "beta", "master")     # own school, another school, the master host
USERS = [("ueipab", "director@ueipab.test", "school_admin"),   # the master host is a school too
         ("alfa", "director@alfa.test", "school_admin"),
         ("alfa", "docente@alfa.test", "teacher"),
         ("alfa", "representante@alfa.test", "parent"),
         ("alfa", "otro@alfa.test", "teacher"),         # owns objects no actor owns
         ("beta", "director@beta.test", "school_admin")]


@dataclass(frozen=True)
class Actor:
    name: str
    role: str = None        # whose permissions apply (None: anonymous)
    email: str = None
    home: str = None        # "master" or "alfa"
    via: str = None         # "cookie" or "token"
    support: bool = False

    @property
    def platform(self):
        return self.role == "platform_admin"


ACTORS = [Actor("anonymous")]
for _role, _email, _home in [("platform_admin", ADMIN_EMAIL, "master"),
                             ("school_admin", "director@alfa.test", "alfa"),
                             ("teacher", "docente@alfa.test", "alfa"),
                             ("parent", "representante@alfa.test", "alfa"),
                             ("school_admin", "director@ueipab.test", "master")]:
    for _via in ("cookie", "token"):
        ACTORS.append(Actor(f"{_role}{'@ueipab' if _home == 'master' and _role != 'platform_admin' else ''}"
                            f"/{_via}", _role, _email, _home, _via))
# A support session is a school_admin session of the platform admin; it may
# not create API tokens, so it has no token form.
ACTORS.append(Actor("support/cookie", "school_admin", None, "alfa", "cookie", support=True))


@dataclass
class Cred:
    cookies: dict = field(default_factory=dict)
    csrf: str = None
    bearer: str = None
    token_id: int = None


class World:
    """The matrix's own platform: schools alfa, beta, blanco (the one that
    gets suspended) and the users above."""

    def __init__(self, inst):
        self.inst = inst
        self.counter = itertools.count(1)
        self.pa = inst.login("ueipab", ADMIN_EMAIL)
        self.creds = {}
        self.invitation = None

    def uniq(self, prefix):
        return f"{prefix}{next(self.counter)}"

    def client(self, host, cred=None):
        c = self.inst.client(None if host == "master" else host)
        if cred is not None:
            c.cookies, c.csrf, c.bearer = dict(cred.cookies), cred.csrf, cred.bearer
        return c

    def _session(self, actor):
        if actor.support:
            ticket = assert_ok(self.pa.post("/api/v1/platform/tenants/alfa/support-access",
                                            json={"reason": "Matriz de aislamiento"}), 201)
            c = self.client("alfa")
            body = assert_ok(c.post("/api/v1/auth/support", json={"token": ticket["token"]}))
            return Cred(dict(c.cookies), body["csrf_token"])
        c = self.inst.login("ueipab" if actor.home == "master" else actor.home, actor.email)
        return Cred(dict(c.cookies), c.csrf)

    def new_token(self, actor_or_email, home="alfa"):
        """A fresh API token of a user: (secret, id)."""
        if isinstance(actor_or_email, Actor):
            s = self._session(Actor("x", actor_or_email.role, actor_or_email.email,
                                    actor_or_email.home, "cookie"))
            home = actor_or_email.home
        else:
            s = self._session(Actor("x", "?", actor_or_email, home, "cookie"))
        t = assert_ok(self.client(home, s).post("/api/v1/auth/tokens",
                                                json={"name": self.uniq("matriz-")}), 201)
        return t["token"], t["id"]

    def fresh(self, actor):
        if actor.role is None:
            return Cred()
        if actor.via == "token":
            secret, tid = self.new_token(actor)
            return Cred(bearer=secret, token_id=tid)
        return self._session(actor)

    def cred(self, actor):
        """The actor's credentials, shared by the cells that do not use them up."""
        if actor not in self.creds:
            self.creds[actor] = self.fresh(actor)
        return self.creds[actor]

    def new_invitation(self):
        return assert_ok(self.pa.post("/api/v1/platform/invitations",
                                      json={"school_name": "Escuela Invitada",
                                            "contact_email": self.uniq("contacto") + "@inv.test"}), 201)

    def activate(self, code):
        assert_ok(self.pa.post(f"/api/v1/platform/tenants/{code}/activate"))


# --------------------------------------------------------------------------
# Recipes: how to send each route with real objects and a minimal valid
# body, and what its handler answers once the request got through routing.
# prepare(w, actor, host) -> (params, body, after) ; ok(actor, host, variant) -> status


def _fixed(status):
    return lambda a, h, v: status


def _none(w, a, h):
    return [], None, None


def _body(fn):
    return lambda w, a, h: ([], fn(w), None)


def _login(w, a, h):
    """A user of alfa signs in: each actor's cell its own user, so that the
    refusals on the other hosts stay under the per-account lock."""
    return [], {"email": w.login_email[a], "password": PASSWORD}, None


def _support_body(w, a, h):
    ticket = assert_ok(w.pa.post("/api/v1/platform/tenants/alfa/support-access",
                                 json={"reason": "Matriz de aislamiento"}), 201)
    return [], {"token": ticket["token"]}, None


def _token_own(w, a, h):
    """A fresh token of the actor's own user (the support session has none:
    a token of another user of its school)."""
    if a.role is None or a.support:
        return [str(w.other_token_id)], None, None
    return [str(w.new_token(a)[1])], None, None


def _token_same_school(w, a, h):
    return [str(w.other_token_id)], None, None


def _token_foreign(w, a, h):
    def after():
        # beta's token is untouched
        assert_ok(w.client("beta", Cred(bearer=w.beta_token)).get("/api/v1/auth/me"))
    return [str(w.beta_token_id)], None, after


def _blanco(w, a, h):
    return ["blanco"], None, lambda: w.activate("blanco")


def _deletable(w, a, h):
    """network: a school of its own, exported, for the platform admin on the
    master host (the only one the route reaches); "blanco" otherwise."""
    if not (a.role == "platform_admin" and a.home == "master" and h == "master"):
        return ["blanco"], {"confirm": "blanco"}, None
    code = w.uniq("borrar-")
    assert_ok(w.pa.post("/api/v1/platform/tenants", json={"code": code, "name": "Por borrar", "admin_name": "Dir", "admin_email": f"dir@{code}.test"}), 201)
    assert w.pa.get(f"/api/v1/platform/tenants/{code}/export").status_code == 200
    return [code], {"confirm": code}, None


def _accept_body(w, a, h):
    inv = w.new_invitation()
    code = w.uniq("inv-")
    return [inv["token"]], {
        "code": code, "name": "U.E. Invitada", "rif": "j-31234567-8",
        "dea_code": "od 1234-5678", "state": "VE-L", "municipality": "Libertador",
        "address": "Av. Las Américas, Mérida", "phone": "0274 2445566",
        "admin_name": "Carmen Rondón", "admin_email": f"carmen@{code}.test",
        "admin_password": PASSWORD}, None


# records: structure. Objects are made by the host school's director
# (alfa, or the master school UEIPAB) only for the cells whose request
# reaches the handler (a school_admin at home); the other cells get "1".
# Objects of another school live in beta with ids no other store has.

_REC_ADMIN = {"alfa": ("alfa", "director@alfa.test"), "master": ("ueipab", "director@ueipab.test")}
_REC_GRADES = [("inicial", 1), ("inicial", 2), ("inicial", 3), ("primaria", 1), ("primaria", 2),
               ("primaria", 3), ("primaria", 4), ("primaria", 5), ("media_general", 2),
               ("media_general", 3), ("media_general", 4), ("media_general", 5),
               ("media_tecnica", 1), ("media_tecnica", 2), ("media_tecnica", 3)]


def _rec_reaches(a, h):
    return a.role == "school_admin" and a.home == h and h in _REC_ADMIN


def _rec_admin(w, h):
    return w.inst.cached_login(*_REC_ADMIN[h])


def _rec_next(w, key):
    n = getattr(w, "_rec_counters", None)
    if n is None:
        n = w._rec_counters = {}
    n[key] = n.get(key, 0) + 1
    return n[key]


def _rec_year_body(w):
    y = 2200 + 2 * _rec_next(w, "year")
    return {"name": f"{y}-{y + 1}", "starts_on": f"{y}-09-01", "ends_on": f"{y + 1}-07-31"}


def _rec_grade_id(w, h):
    """One of three grades kept for sections (media_general 1, primaria 6, media_tecnica 6)."""
    cache = w.__dict__.setdefault("_rec_grades", {})
    if h not in cache:
        c = _rec_admin(w, h)
        cache[h] = [assert_ok(c.post("/api/v1/grades", json={"level": lv, "number": n}), 201)["id"]
                    for lv, n in (("media_general", 1), ("primaria", 6), ("media_tecnica", 6))]
    i = _rec_next(w, "section-" + h)
    return cache[h][i % 3], "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(i // 3) % 26]


def _rec_section_body(w, h):
    g, letter = _rec_grade_id(w, h)
    return {"grade_id": g, "letter": letter}


def _rec_body(kind, w, h):
    n = _rec_next(w, kind)
    if kind == "year":
        return _rec_year_body(w)
    if kind == "grade":
        lv, num = _REC_GRADES[_rec_next(w, "grade-" + h) - 1]
        return {"level": lv, "number": num}
    if kind == "section":
        return _rec_section_body(w, h)
    if kind == "subject":
        return {"name": f"Materia {n}", "code": f"M{n}", "level": "primaria"}
    if kind == "room":
        return {"name": f"Aula {n}", "capacity": 30}
    return {"cedula": f"V{20000000 + n}", "first_names": "Ana", "last_names": f"Prueba {n}"}


_REC_PATH = {"year": "/api/v1/years", "section": "/api/v1/sections", "subject": "/api/v1/subjects",
             "room": "/api/v1/rooms", "staff": "/api/v1/staff"}
_REC_TABLE = {"year": "school_years", "section": "sections", "subject": "subjects", "room": "rooms",
              "staff": "staff"}
_REC_PATCH = {"year": {}, "section": {"capacity": 20}, "subject": {"name": "Materia cambiada"},
              "room": {"capacity": 12}, "staff": {"cargo": "Otro"}}


def _rec_create(kind):
    def prepare(w, a, h):
        if not _rec_reaches(a, h):
            return [], {}, None
        return [], _rec_body(kind, w, h), None
    return prepare


def _rec_own(kind, body=None):
    """A fresh object of the host school; body: the request's (default the
    kind's patch body; False: none)."""
    def prepare(w, a, h):
        oid = "1"
        if _rec_reaches(a, h):       # the object first: a promotion's new year follows it
            oid = str(assert_ok(_rec_admin(w, h).post(_REC_PATH[kind], json=_rec_body(kind, w, h)),
                                201)["id"])
        b = _REC_PATCH[kind] if body is None else (body(w) if callable(body) else body)
        return [oid], None if b is False else b, None
    return prepare


def _rec_beta_ids(w):
    """Objects of beta, renumbered beyond any id of alfa or the master school."""
    if getattr(w, "_stu_beta", None) is None:
        store = w.inst.school_store("beta")
        store_execute(store, "INSERT INTO school_years (id, name, starts_on, ends_on, is_current,"
                      " created_at) VALUES (900001, '2190-2191', '2190-09-01', '2191-07-31', 0,"
                      " '2026-01-01T00:00:00Z')")
        ids = {"year": 900001}
        c = w.inst.cached_login("beta", "director@beta.test")
        g = assert_ok(c.post("/api/v1/grades", json={"level": "primaria", "number": 1}), 201)["id"]
        for kind, body in (("section", {"grade_id": g, "letter": "A"}),
                           ("subject", {"name": "Inglés", "code": "ING", "level": "primaria"}),
                           ("room", {"name": "Cancha"}),
                           ("staff", {"cedula": "V7777777", "first_names": "Beta", "last_names": "Beta"})):
            oid = assert_ok(c.post(_REC_PATH[kind], json=body), 201)["id"]
            store_execute(store, f"UPDATE {_REC_TABLE[kind]} SET id = ? WHERE id = ?", (900000 + oid, oid))
            ids[kind] = 900000 + oid
        w._stu_beta = ids
    return w._stu_beta


def _rec_foreign(kind, body=None):
    def prepare(w, a, h):
        b = _REC_PATCH[kind] if body is None else (body(w) if callable(body) else body)
        b = None if b is False else b
        oid = _rec_beta_ids(w)[kind]
        store = w.inst.school_store("beta")
        sql = f"SELECT * FROM {_REC_TABLE[kind]} WHERE id = ?"
        before = store_rows(store, sql, (oid,))

        def after():
            assert store_rows(store, sql, (oid,)) == before, f"beta's {kind} {oid} changed"
        return [str(oid)], b, after
    return prepare


def _rec_recipe(kind, status, body=None):
    return Recipe(_rec_own(kind, body), _fixed(status),
                  variants={"object of another school": (_rec_foreign(kind, body), _fixed(404))})


@dataclass
class Recipe:
    prepare: object
    ok: object
    variants: dict = field(default_factory=dict)     # name -> (prepare, ok)
    fresh_credentials: bool = False                  # the request uses them up


RECIPES = {
    ("GET", "/api/v1/branding"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/auth/login"): Recipe(
        _login, lambda a, h, v: 200 if h == "alfa" else 401),
    ("POST", "/api/v1/auth/support"): Recipe(
        _support_body, lambda a, h, v: 200 if h == "alfa" else 401),
    ("GET", "/api/v1/auth/me"): Recipe(_none, _fixed(200)),
    # signing out ends a cookie session; an API token it cannot end: 409
    ("POST", "/api/v1/auth/logout"): Recipe(
        _none, lambda a, h, v: 409 if a.via == "token" else 200, fresh_credentials=True),
    ("GET", "/api/v1/auth/tokens"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/auth/tokens"): Recipe(
        lambda w, a, h: ([], {"name": w.uniq("matriz-")}, None),
        lambda a, h, v: 403 if a.support else 201),
    ("DELETE", "/api/v1/auth/tokens/{id}"): Recipe(
        _token_own, lambda a, h, v: 404 if a.support else 200,
        variants={"same-school object of another user": (_token_same_school, _fixed(404)),
                  "object of another school": (_token_foreign, _fixed(404))}),
    ("GET", "/api/v1/settings"): Recipe(_none, _fixed(200)),
    ("PATCH", "/api/v1/settings"): Recipe(
        _body(lambda w: {"address": "Av. Principal, Mérida"}), _fixed(200)),
    ("GET", "/api/v1/users"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/users"): Recipe(
        _body(lambda w: {"email": w.uniq("nuevo") + "@alfa.test", "name": "Nuevo Docente",
                         "role": "teacher", "password": PASSWORD}), _fixed(201)),
    ("GET", "/api/v1/audit"): Recipe(_none, _fixed(200)),
    ("GET", "/api/v1/audit/actions"): Recipe(_none, _fixed(200)),  # webui (issue 14)
    ("GET", "/api/v1/platform/tenants"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/platform/tenants"): Recipe(
        _body(lambda w: {"code": w.uniq("nueva-"), "name": "Escuela Nueva", "admin_name": "Directora Nueva",
                         "admin_email": w.uniq("dir") + "@nueva.test"}), _fixed(201)),
    ("POST", "/api/v1/platform/tenants/{code}/suspend"): Recipe(_blanco, _fixed(200)),
    ("POST", "/api/v1/platform/tenants/{code}/activate"): Recipe(_blanco, _fixed(200)),
    ("POST", "/api/v1/platform/tenants/{code}/deactivate"): Recipe(_blanco, _fixed(200)),
    ("POST", "/api/v1/platform/tenants/{code}/support-access"): Recipe(
        lambda w, a, h: (["alfa"], {"reason": "Matriz de aislamiento"}, None), _fixed(201)),
    ("GET", "/api/v1/platform/statistics"): Recipe(_none, _fixed(200)),
    ("GET", "/api/v1/platform/invitations"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/platform/invitations"): Recipe(
        _body(lambda w: {"school_name": "Escuela Invitada",
                         "contact_email": w.uniq("contacto") + "@inv.test"}), _fixed(201)),
    ("GET", "/api/v1/invitations/{token}"): Recipe(
        lambda w, a, h: ([w.invitation["token"]], None, None), _fixed(200)),
    ("POST", "/api/v1/invitations/{token}/accept"): Recipe(_accept_body, _fixed(201)),
    # schools (issue #14): resend, revoke, the acceptance's code, a school's admins
    ("POST", "/api/v1/platform/invitations/{id}/resend"): Recipe(
        lambda w, a, h: ([str(w.new_invitation()["id"])], None, None), _fixed(200)),
    ("POST", "/api/v1/platform/invitations/{id}/revoke"): Recipe(
        lambda w, a, h: ([str(w.new_invitation()["id"])], None, None), _fixed(200)),
    # without ?name= or ?code= the handler answers 422 (past routing and the link's check)
    ("GET", "/api/v1/invitations/{token}/code"): Recipe(
        lambda w, a, h: ([w.invitation["token"]], None, None), _fixed(422)),
    ("POST", "/api/v1/platform/tenants/{code}/admins"): Recipe(
        lambda w, a, h: (["alfa"], {"admin_name": "Directora Matriz",
                                    "admin_email": w.uniq("dir") + "@alfa.test"}, None), _fixed(201)),
    # records: structure
    ("GET", "/api/v1/years"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/years"): Recipe(_rec_create("year"), _fixed(201)),
    ("PATCH", "/api/v1/years/{id}"): _rec_recipe("year", 200),
    ("POST", "/api/v1/years/{id}/promote"): _rec_recipe("year", 201, body=_rec_year_body),
    ("GET", "/api/v1/grades"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/grades"): Recipe(_rec_create("grade"), _fixed(201)),
    ("GET", "/api/v1/sections"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/sections"): Recipe(_rec_create("section"), _fixed(201)),
    ("PATCH", "/api/v1/sections/{id}"): _rec_recipe("section", 200),
    ("DELETE", "/api/v1/sections/{id}"): _rec_recipe("section", 200, body=False),
    ("GET", "/api/v1/subjects"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/subjects"): Recipe(_rec_create("subject"), _fixed(201)),
    ("PATCH", "/api/v1/subjects/{id}"): _rec_recipe("subject", 200),
    ("DELETE", "/api/v1/subjects/{id}"): _rec_recipe("subject", 200, body=False),
    ("GET", "/api/v1/rooms"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/rooms"): Recipe(_rec_create("room"), _fixed(201)),
    ("PATCH", "/api/v1/rooms/{id}"): _rec_recipe("room", 200),
    ("DELETE", "/api/v1/rooms/{id}"): _rec_recipe("room", 200, body=False),
    ("GET", "/api/v1/staff"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/staff"): Recipe(_rec_create("staff"), _fixed(201)),
    ("GET", "/api/v1/staff/{id}"): _rec_recipe("staff", 200, body=False),
    ("PATCH", "/api/v1/staff/{id}"): _rec_recipe("staff", 200),
    # records: export (issue 13, part 6)
    ("GET", "/api/v1/exports/matricula.xlsx"): Recipe(_none, _fixed(200)),
    ("GET", "/api/v1/exports/enrolment.xlsx"): Recipe(_none, _fixed(200)),
    ("GET", "/api/v1/exports/enrolment.pdf"): Recipe(_none, _fixed(200)),
    # records: import (an empty upload reaches the handler: 422 invalid_file)
    ("POST", "/api/v1/imports/matricula"): Recipe(_none, _fixed(422)),
    # timetables (issue #15), part import: the same for a timetable's file
    ("POST", "/api/v1/imports/timetable"): Recipe(_none, _fixed(422)),
    ("POST", "/api/v1/representatives/invitations"): Recipe(
        _body(lambda w: {"representative_ids": [999999]}), _fixed(200)),
    # branding: no school of the matrix has a logo (404); the upload takes an
    # image, so the matrix's JSON body is refused by type (415)
    ("PATCH", "/api/v1/branding"): Recipe(_body(lambda w: {"motto": "Lema de la matriz"}), _fixed(200)),
    ("GET", "/api/v1/branding/logo"): Recipe(_none, _fixed(404)),
    ("PUT", "/api/v1/branding/logo"): Recipe(_body(lambda w: {}), _fixed(415)),
    ("DELETE", "/api/v1/branding/logo"): Recipe(_none, _fixed(404)),
}


# records: students. The first student and representative of alfa get ids
# no other store has (700001; later rows follow it), beta's 900001, so an id
# of alfa is unknown on the master host and beta's never found from alfa.


def _stu_student(w, code="alfa", sid=None):
    """A student written with SQL: with id `sid`, or the next id."""
    from support.records import store_insert
    from support.students_setup import now_utc as _NOW
    cols = "cedula, first_names, last_names, gender, birth_date, created_at, updated_at"
    if sid is None:
        return store_insert(w.inst.school_store(code),
                            f"INSERT INTO students ({cols}) VALUES (?, 'Matriz', 'Aislamiento',"
                            " 'V', '2012-01-01', ?, ?) RETURNING id",
                            (f"V{next(_STU_CEDULAS)}", _NOW(), _NOW()))
    store_execute(w.inst.school_store(code),
                  f"INSERT INTO students (id, {cols}) VALUES (?, ?, 'Matriz', 'Aislamiento',"
                  " 'V', '2012-01-01', ?, ?)", (sid, f"V{next(_STU_CEDULAS)}", _NOW(), _NOW()))
    return sid


_STU_CEDULAS = iter(range(17000001, 17999999))


def _stu_setup(w):
    if not hasattr(w, "stu"):
        from support.students_setup import now_utc as _NOW
        w.stu = {"student": _stu_student(w, "alfa", 700001),
                 "beta_student": _stu_student(w, "beta", 900001)}
        for code, rid in (("alfa", 700001), ("beta", 900001)):
            store_execute(w.inst.school_store(code),
                          "INSERT INTO representatives (id, cedula, first_names, last_names,"
                          " created_at, updated_at) VALUES (?, ?, 'Rep', 'Matriz', ?, ?)",
                          (rid, f"V{rid + 20000000}", _NOW(), _NOW()))
        w.stu["rep"], w.stu["beta_rep"] = 700001, 900001
    return w.stu


def _stu_obj(kind, body=None):
    return lambda w, a, h: ([str(_stu_setup(w)[kind])], body, None)


def _stu_beta(kind, body=None):
    def prepare(w, a, h):
        rec = _stu_setup(w)
        table = "students" if kind == "student" else "representatives"

        def after():
            from conftest import store_rows
            rows = store_rows(w.inst.school_store("beta"),
                              f"SELECT first_names FROM {table} WHERE id = ?",
                              (rec["beta_" + kind],))
            assert rows and rows[0][0] in ("Matriz", "Rep"), rows
        return [str(rec["beta_" + kind])], body, after
    return prepare


def _stu_alfa_only(a, h, v):
    return 200 if h == "alfa" else 404


def _stu_new_student(w, a, h):
    _stu_setup(w)
    return [str(_stu_student(w))], {"date": "2026-01-15", "reason": "Matriz"}, None


RECIPES.update({
    ("GET", "/api/v1/students"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/students"): Recipe(
        _body(lambda w: {"cedula": str(30000000 + next(w.counter)), "first_names": "Nuevo",
                         "last_names": "Estudiante", "gender": "H",
                         "birth_date": "2013-04-05"}), _fixed(201)),
    ("GET", "/api/v1/students/{id}"): Recipe(
        _stu_obj("student"), _stu_alfa_only,
        variants={"object of another school": (_stu_beta("student"), _fixed(404))}),
    ("PATCH", "/api/v1/students/{id}"): Recipe(
        _stu_obj("student", {"address": "Calle 1, Mérida"}), _stu_alfa_only,
        variants={"object of another school": (
            _stu_beta("student", {"first_names": "Cambiado"}), _fixed(404))}),
    ("POST", "/api/v1/students/{id}/withdraw"): Recipe(
        _stu_new_student, _stu_alfa_only,
        variants={"object of another school": (_stu_beta("student", {}), _fixed(404))}),
    ("GET", "/api/v1/representatives"): Recipe(_none, _fixed(200)),
    ("GET", "/api/v1/representatives/{id}"): Recipe(
        _stu_obj("rep"), _stu_alfa_only,
        variants={"object of another school": (_stu_beta("rep"), _fixed(404))}),
    ("PATCH", "/api/v1/representatives/{id}"): Recipe(
        _stu_obj("rep", {"profession": "Docente"}), _stu_alfa_only,
        variants={"object of another school": (
            _stu_beta("rep", {"first_names": "Cambiado"}), _fixed(404))}),
})

# mail (issue #14): a store's own mail, on its own host
RECIPES.update({
    ("GET", "/api/v1/mail"): Recipe(_none, _fixed(200)),
})

# people (users, platform admins, forgotten password, mailed links). A user
# is made for each cell whose request reaches the handler (a school admin
# at home; a platform admin on the master host); beta's user has an id no
# other store has. Links are read from the mail queued for the person.

_PPL_ADMIN = {"alfa": ("alfa", "director@alfa.test"), "master": ("ueipab", "director@ueipab.test")}


def _ppl_new_user(w, c, path, role, password):
    body = {"email": w.uniq("gente") + "@personas.test", "name": "Persona Matriz", "role": role}
    if password:
        body["password"] = PASSWORD
    return str(assert_ok(c.post(path, json=body), 201)["id"])


def _ppl_own(body, password=False):
    def prepare(w, a, h):
        uid = "1"
        if a.role == "school_admin" and a.home == h and h in _PPL_ADMIN:
            uid = _ppl_new_user(w, w.inst.cached_login(*_PPL_ADMIN[h]), "/api/v1/users",
                                "teacher", password)
        return [uid], body, None
    return prepare


def _ppl_platform(body, password=False):
    def prepare(w, a, h):
        uid = "1"
        if a.platform and h == "master":
            uid = _ppl_new_user(w, w.pa, "/api/v1/platform/users", "platform_admin", password)
        return [uid], body, None
    return prepare


def _ppl_beta_user(w):
    if getattr(w, "_ppl_beta", None) is None:
        store = w.inst.school_store("beta")
        c = w.inst.cached_login("beta", "director@beta.test")
        uid = int(_ppl_new_user(w, c, "/api/v1/users", "teacher", True))
        store_execute(store, "UPDATE users SET id = ? WHERE id = ?", (900000 + uid, uid))
        w._ppl_beta = 900000 + uid
    return w._ppl_beta


def _ppl_foreign(body):
    def prepare(w, a, h):
        uid = _ppl_beta_user(w)
        store = w.inst.school_store("beta")
        sql = "SELECT name, role, cargo, disabled, password_hash FROM users WHERE id = ?"
        before = store_rows(store, sql, (uid,))

        def after():
            assert store_rows(store, sql, (uid,)) == before, f"beta's user {uid} changed"
        return [str(uid)], body, after
    return prepare


def _ppl_link(fresh):
    """A link of alfa: one for every reading cell, a new one for each use."""
    def prepare(w, a, h):
        from conftest import link_token
        if fresh or getattr(w, "_ppl_token", None) is None:
            c = w.inst.cached_login("alfa", "director@alfa.test")
            email = w.uniq("enlace") + "@alfa.test"
            assert_ok(c.post("/api/v1/users", json={"email": email, "name": "Enlace",
                                                    "role": "parent"}), 201)
            w._ppl_token = link_token(w.inst.school_store("alfa"), email, "account_invitation")
        return [w._ppl_token], {"password": PASSWORD} if fresh else None, None
    return prepare


def _ppl_alfa_link(a, h, v):
    return 200 if h == "alfa" else 409


RECIPES.update({
    ("PATCH", "/api/v1/users/{id}"): Recipe(
        _ppl_own({"cargo": "Docente"}), _fixed(200),
        variants={"object of another school": (_ppl_foreign({"disabled": True}), _fixed(404))}),
    ("POST", "/api/v1/users/{id}/invitation"): Recipe(
        _ppl_own(None), _fixed(202),
        variants={"object of another school": (_ppl_foreign(None), _fixed(404))}),
    ("POST", "/api/v1/users/{id}/password-reset"): Recipe(
        _ppl_own(None, password=True), _fixed(202),
        variants={"object of another school": (_ppl_foreign(None), _fixed(404))}),
    ("GET", "/api/v1/platform/users"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/platform/users"): Recipe(
        _body(lambda w: {"email": w.uniq("admin") + "@plataforma.test", "name": "Admin Nuevo",
                         "role": "platform_admin"}), _fixed(201)),
    ("PATCH", "/api/v1/platform/users/{id}"): Recipe(
        _ppl_platform({"name": "Admin Cambiado"}), _fixed(200)),
    ("POST", "/api/v1/platform/users/{id}/invitation"): Recipe(_ppl_platform(None), _fixed(202)),
    ("POST", "/api/v1/platform/users/{id}/password-reset"): Recipe(
        _ppl_platform(None, password=True), _fixed(202)),
    ("POST", "/api/v1/auth/password-reset"): Recipe(
        _body(lambda w: {"email": w.uniq("olvido") + "@alfa.test"}), _fixed(202)),
    ("GET", "/api/v1/auth/links/{token}"): Recipe(_ppl_link(False), _ppl_alfa_link),
    ("POST", "/api/v1/auth/links/{token}"): Recipe(_ppl_link(True), _ppl_alfa_link),
})


def _generic(route):
    """A route without a recipe: real-looking params and an empty object."""
    n = route["pattern"].count("{")
    return Recipe(lambda w, a, h: (["1"] * n, {} if route["json_body"] else None, None), None)


def _fill(pattern, params):
    out, rest = "", pattern
    for p in params:
        i, j = rest.index("{"), rest.index("}")
        out, rest = out + rest[:i] + p, rest[j + 1:]
    return out + rest


def expected(table, route, actor, host):
    """(status, error code or None, reaches the handler) from the routing
    rules in the module docstring."""
    if route["scope"] == "master" and host != "master":
        return 404, "not_found", False
    if route["perm"] == table["route_public"]:
        return None, None, True
    if actor.role is None or actor.home != host:
        return 401, "unauthenticated", False
    if route["perm"] != table["route_session"] and not (table["roles"][actor.role] & route["perm"]):
        return 403, "forbidden", False
    return None, None, True


@pytest.fixture(scope="module")
def iso(module_instances):
    inst = module_instances("isolation")
    inst.init()
    for code, name in SCHOOL_HOSTS.items():
        inst.create_school(code, name)
    for code, email, role in USERS:
        inst.add_user(code, email, role)
    inst.start()
    w = World(inst)
    # Stores are per school, so ids repeat between schools: the objects the
    # matrix addresses from elsewhere get ids no other store has.
    tid = w.new_token("otro@alfa.test")[1]
    w.other_token_id = 800000 + tid
    store_execute(inst.school_store("alfa"), "UPDATE api_tokens SET id = ? WHERE id = ?",
                  (w.other_token_id, tid))
    w.beta_token, tid = w.new_token("director@beta.test", home="beta")
    w.beta_token_id = 900000 + tid
    store_execute(inst.school_store("beta"), "UPDATE api_tokens SET id = ? WHERE id = ?",
                  (w.beta_token_id, tid))
    director = inst.login("alfa", "director@alfa.test")
    w.login_email = {}
    for i, actor in enumerate(ACTORS):
        w.login_email[actor] = f"entrada{i}@alfa.test"
        assert_ok(director.post("/api/v1/users", json={
            "email": w.login_email[actor], "name": f"Entrada {i}", "role": "teacher",
            "password": PASSWORD}), 201)
    w.invitation = w.new_invitation()
    return w


def test_every_route_for_every_actor_on_every_host_answers_as_its_permission_says(iso, record_property):
    table = routes_table()
    assert table["routes"], "routes_json printed no routes"
    assert set(table["roles"]) >= {"platform_admin", "school_admin", "teacher", "parent"}, table["roles"]
    w = iso
    cells, violations = 0, []
    for route in table["routes"]:
        key = (route["method"], route["pattern"])
        recipe = RECIPES.get(key) or _generic(route)
        variants = {"own object": (recipe.prepare, recipe.ok), **recipe.variants}
        for actor, host, (vname, (prepare, ok)) in itertools.product(ACTORS, HOSTS, variants.items()):
            cells += 1
            status, code, reaches = expected(table, route, actor, host)
            if reaches:
                if ok is None:
                    violations.append(f"{route['method']} {route['pattern']}: no recipe in "
                                      "test_isolation.py (add one to RECIPES)")
                    continue
                status, code = ok(actor, host, vname), None
            cred = w.fresh(actor) if recipe.fresh_credentials else w.cred(actor)
            params, body, after = prepare(w, actor, host)
            path = _fill(route["pattern"], params)
            c = w.client(host, cred)
            kw = {"json": body} if body is not None else {}
            r = c.request(route["method"], path, **kw)
            got_code = None
            if code is not None and r.headers.get("Content-Type", "").startswith("application/json"):
                err = r.json().get("error") if isinstance(r.json(), dict) else None
                got_code = err.get("code") if isinstance(err, dict) else None
            if r.status_code != status or got_code != code:
                violations.append(f"{actor.name} on {host} ({vname}): expected {status}"
                                  f"{' ' + code if code else ''}, got {describe(r)}")
            if after is not None:
                after()
    # Every refused request left the objects as they were: the shared
    # credentials still work.
    for actor in ACTORS[1:]:
        r = w.client(actor.home, w.cred(actor)).get("/api/v1/auth/me")
        if r.status_code != 200:
            violations.append(f"{actor.name}: its credentials stopped working: {describe(r)}")
    summary = (f"isolation matrix: {len(table['routes'])} routes x {len(ACTORS)} actors x "
               f"{len(HOSTS)} hosts (+ object variants) = {cells} requests, "
               f"{len(violations)} violations")
    print("\n" + summary)
    record_property("summary", summary)       # printed at the end of the run (conftest.py)
    assert not violations, f"{len(violations)} of {cells} requests broke isolation:\n" + \
        "\n".join(violations[:60])

# network: console figures, export, delete, usage, dashboard plots
RECIPES.update({
    ("GET", "/api/v1/platform/tenants/{code}/export"): Recipe(
        lambda w, a, h: (["blanco"], None, None), _fixed(200)),
    ("DELETE", "/api/v1/platform/tenants/{code}"): Recipe(_deletable, _fixed(200)),
    ("GET", "/api/v1/platform/usage"): Recipe(_none, _fixed(200)),
    ("GET", "/api/v1/platform/usage.csv"): Recipe(_none, _fixed(200)),
    ("GET", "/api/v1/platform/statistics/charts/{name}"): Recipe(
        lambda w, a, h: (["schools.svg"], None, None), _fixed(200)),
})

# setup (issue #15): bell schedules, plan de estudio, assignments, teachers'
# preferences. Objects of the host school are made by its director for the
# cells that reach the handler; beta's have ids no other store has. The
# teacher docente@alfa.test is linked to a staff row for /me/preferences.

_SETUP_NOW = "2026-01-01T00:00:00Z"


def _setup_day(w):
    n = _rec_next(w, "setup-bell")
    return {"name": f"Horario {n}", "periods": [
        {"kind": "class", "starts_at": "07:00", "ends_at": "07:40"}]}


def _setup_subject(w, h):
    n = _rec_next(w, "setup-subject")
    return assert_ok(_rec_admin(w, h).post("/api/v1/subjects", json={
        "name": f"Set-up {n}", "code": f"SU{n}", "level": "media_general"}), 201)["id"]


def _setup_make(kind, w, h):
    """A fresh object of the host school (h in alfa, master); its id."""
    c = _rec_admin(w, h)
    if kind == "bell":
        return assert_ok(c.post("/api/v1/bell-schedules", json=_setup_day(w)), 201)["id"]
    if kind == "plan":
        g, _letter = _rec_grade_id(w, h)
        return assert_ok(c.post("/api/v1/study-plan", json={
            "grade_id": g, "subject_id": _setup_subject(w, h), "periods_per_week": 2}), 201)["id"]
    if kind == "assignment":
        sec = assert_ok(c.post("/api/v1/sections", json=_rec_section_body(w, h)), 201)["id"]
        return assert_ok(c.post("/api/v1/assignments", json={
            "section_id": sec, "subject_id": _setup_subject(w, h)}), 201)["id"]
    # a preference: a staff row of its own, then the row
    n = _rec_next(w, "setup-pref")
    staff = assert_ok(c.post("/api/v1/staff", json={
        "cedula": f"V{21000000 + n}", "first_names": "Pref", "last_names": f"Docente {n}"}),
        201)["id"]
    store = w.inst.school_store("alfa" if h == "alfa" else "ueipab")
    store_execute(store, "INSERT INTO teacher_preferences (staff_id, kind, day, level, status,"
                  " created_at, updated_at) VALUES (?, 'day', 1, 'like', 'pending', ?, ?)",
                  (staff, _SETUP_NOW, _SETUP_NOW))
    return store_rows(store, "SELECT MAX(id) FROM teacher_preferences")[0][0]


_SETUP_TABLE = {"bell": "bell_schedules", "plan": "study_plan",
                "assignment": "teaching_assignments", "pref": "teacher_preferences"}


def _setup_beta(w):
    """beta's objects with ids 9002xx."""
    if getattr(w, "_setup_beta_ids", None) is None:
        ids = _rec_beta_ids(w)
        store = w.inst.school_store("beta")
        grade = store_rows(store, "SELECT grade_id FROM sections WHERE id = ?",
                           (ids["section"],))[0][0]
        for sql, params in (
            ("INSERT INTO bell_schedules (id, name, days, created_at, updated_at)"
             " VALUES (900201, 'Beta', 31, ?, ?)", (_SETUP_NOW, _SETUP_NOW)),
            ("INSERT INTO bell_periods (schedule_id, position, kind, starts_at, ends_at)"
             " VALUES (900201, 1, 'class', '07:00', '07:40')", ()),
            ("INSERT INTO study_plan (id, grade_id, subject_id, periods_per_week, blocks,"
             " created_at, updated_at) VALUES (900202, ?, ?, 2, '2', ?, ?)",
             (grade, ids["subject"], _SETUP_NOW, _SETUP_NOW)),
            ("INSERT INTO teaching_assignments (id, section_id, subject_id, created_at,"
             " updated_at) VALUES (900203, ?, ?, ?, ?)",
             (ids["section"], ids["subject"], _SETUP_NOW, _SETUP_NOW)),
            ("INSERT INTO teacher_preferences (id, staff_id, kind, day, level, status,"
             " created_at, updated_at) VALUES (900204, ?, 'day', 1, 'like', 'pending', ?, ?)",
             (ids["staff"], _SETUP_NOW, _SETUP_NOW))):
            store_execute(store, sql, params)
        w._setup_beta_ids = {"bell": 900201, "plan": 900202, "assignment": 900203,
                             "pref": 900204}
    return w._setup_beta_ids


def _setup_own(kind, body=None):
    def prepare(w, a, h):
        oid = str(_setup_make(kind, w, h)) if _rec_reaches(a, h) else "1"
        return [oid], body, None
    return prepare


def _setup_foreign(kind, body=None):
    def prepare(w, a, h):
        oid = _setup_beta(w)[kind]
        store = w.inst.school_store("beta")
        sql = f"SELECT * FROM {_SETUP_TABLE[kind]} WHERE id = ?"
        before = store_rows(store, sql, (oid,))

        def after():
            assert store_rows(store, sql, (oid,)) == before, f"beta's {kind} {oid} changed"
        return [str(oid)], body, after
    return prepare


def _setup_recipe(kind, status, body=None):
    return Recipe(_setup_own(kind, body), _fixed(status),
                  variants={"object of another school": (_setup_foreign(kind, body),
                                                         _fixed(404))})


def _setup_create(make_body):
    def prepare(w, a, h):
        return [], make_body(w, h) if _rec_reaches(a, h) else {}, None
    return prepare


def _setup_plan_body(w, h):
    g, _letter = _rec_grade_id(w, h)
    return {"grade_id": g, "subject_id": _setup_subject(w, h), "periods_per_week": 3}


def _setup_assignment_body(w, h):
    sec = assert_ok(_rec_admin(w, h).post("/api/v1/sections", json=_rec_section_body(w, h)),
                    201)["id"]
    return {"section_id": sec, "subject_id": _setup_subject(w, h), "staff_id": None}


def _setup_teacher(w, a, h):
    """docente@alfa.test as a staff member of alfa (once)."""
    if a.role == "teacher" and h == "alfa" and a.home == "alfa" and \
            not getattr(w, "_setup_teacher_linked", False):
        c = _rec_admin(w, "alfa")
        users = {u["email"]: u["id"] for u in assert_ok(c.get("/api/v1/users"))["items"]}
        assert_ok(c.post("/api/v1/staff", json={
            "cedula": "V23456789", "first_names": "Docente", "last_names": "Alfa",
            "user_id": users["docente@alfa.test"]}), 201)
        w._setup_teacher_linked = True
    return [], None, None


RECIPES.update({
    ("GET", "/api/v1/bell-schedules"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/bell-schedules"): Recipe(
        _setup_create(lambda w, h: _setup_day(w)), _fixed(201)),
    ("GET", "/api/v1/bell-schedules/{id}"): _setup_recipe("bell", 200),
    ("PATCH", "/api/v1/bell-schedules/{id}"): _setup_recipe("bell", 200, {"days": [1, 2, 3]}),
    ("DELETE", "/api/v1/bell-schedules/{id}"): _setup_recipe("bell", 200),
    ("POST", "/api/v1/bell-schedules/{id}/sections"): _setup_recipe(
        "bell", 200, {"section_ids": []}),
    ("GET", "/api/v1/study-plan"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/study-plan"): Recipe(_setup_create(_setup_plan_body), _fixed(201)),
    ("PATCH", "/api/v1/study-plan/{id}"): _setup_recipe("plan", 200, {"periods_per_week": 4}),
    ("DELETE", "/api/v1/study-plan/{id}"): _setup_recipe("plan", 200),
    ("GET", "/api/v1/assignments"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/assignments"): Recipe(_setup_create(_setup_assignment_body), _fixed(201)),
    ("PATCH", "/api/v1/assignments/{id}"): _setup_recipe("assignment", 200,
                                                          {"periods_per_week": 2}),
    ("DELETE", "/api/v1/assignments/{id}"): _setup_recipe("assignment", 200),
    ("GET", "/api/v1/preferences"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/preferences/{id}/approve"): _setup_recipe("pref", 200),
    ("POST", "/api/v1/preferences/{id}/reject"): _setup_recipe("pref", 200),
    ("DELETE", "/api/v1/preferences/{id}"): _setup_recipe("pref", 200),
    ("GET", "/api/v1/me/preferences"): Recipe(_setup_teacher, _fixed(200)),
    ("PUT", "/api/v1/me/preferences"): Recipe(
        lambda w, a, h: (_setup_teacher(w, a, h)[0], {"preferences": []}, None), _fixed(200)),
})


# portal (issue #15): views of the active timetable, absences and covers.
# No school of the matrix has an active timetable: the views answer an
# empty week (422 for a view asked without its target), a teacher of the
# matrix has no staff row (an empty week), a parent no child (404 for any
# student), a cover of another school's lesson 422. Absences are made by the
# host school's director; beta's absence, timetable, lesson and cover get
# ids no other store has (9003xx).


def _prt_absence_body(w, a, h):
    if not _rec_reaches(a, h):
        return [], {}, None
    staff = assert_ok(_rec_admin(w, h).post("/api/v1/staff", json=_rec_body("staff", w, h)), 201)["id"]
    return [], {"staff_id": staff, "starts_on": "2026-12-14", "reason": "Matriz"}, None


def _prt_absence(body=None):
    def prepare(w, a, h):
        oid = "1"
        if _rec_reaches(a, h):
            _, b, _ = _prt_absence_body(w, a, h)
            oid = str(assert_ok(_rec_admin(w, h).post("/api/v1/absences", json=b), 201)["id"])
        return [oid], body, None
    return prepare


def _prt_beta(w):
    if getattr(w, "_prt_beta", None) is None:
        from support.portal import now
        beta, store = _rec_beta_ids(w), w.inst.school_store("beta")
        store_execute(store, "INSERT INTO teacher_absences (id, staff_id, starts_on, ends_on, reason,"
                      " created_at) VALUES (900301, ?, '2026-12-14', '2026-12-15', 'Beta', ?)",
                      (beta["staff"], now()))
        store_execute(store, "INSERT INTO timetables (id, name, status, created_at, updated_at)"
                      " VALUES (900301, 'Beta', 'active', ?, ?)", (now(), now()))
        store_execute(store, "INSERT INTO timetable_lessons (id, timetable_id, section_id, subject_id,"
                      " staff_id, day, period, length) VALUES (900301, 900301, ?, ?, ?, 1, 1, 1)",
                      (beta["section"], beta["subject"], beta["staff"]))
        store_execute(store, "INSERT INTO lesson_covers (id, lesson_id, date, staff_id, created_at)"
                      " VALUES (900301, 900301, '2026-12-14', ?, ?)", (beta["staff"], now()))
        w._prt_beta = {"absence": 900301, "cover": 900301}
    return w._prt_beta


def _prt_foreign(kind, table, body=None):
    def prepare(w, a, h):
        oid = _prt_beta(w)[kind]
        store = w.inst.school_store("beta")
        sql = f"SELECT * FROM {table} WHERE id = ?"
        before = store_rows(store, sql, (oid,))

        def after():
            assert store_rows(store, sql, (oid,)) == before, f"beta's {kind} {oid} changed"
        return [str(oid)], body, after
    return prepare


def _prt_cover_body(w, a, h):
    """A cover of beta's lesson, asked of a school with an active timetable
    (the generate part's recipes may have activated one; else one is made):
    not a lesson of this school's active timetable, 422."""
    if _rec_reaches(a, h):
        from support.portal import now
        store = w.inst.school_store("ueipab" if h == "master" else h)
        if not store_rows(store, "SELECT id FROM timetables WHERE status = 'active'"):
            store_execute(store, "INSERT INTO timetables (name, status, created_at, updated_at)"
                          " VALUES ('Matriz', 'active', ?, ?)", (now(), now()))
    return [], {"lesson_id": _prt_beta(w)["cover"], "date": "2026-12-14", "staff_id": 1}, None


RECIPES.update({
    ("GET", "/api/v1/timetables/active/week"): Recipe(_none, _fixed(422)),
    ("GET", "/api/v1/timetables/active/day"): Recipe(_none, _fixed(422)),
    ("GET", "/api/v1/me/timetable"): Recipe(_none, _fixed(200)),
    ("GET", "/api/v1/me/children"): Recipe(_none, _fixed(200)),
    ("GET", "/api/v1/me/children/{id}/timetable"): Recipe(
        _stu_obj("student"), _fixed(404),
        variants={"object of another school": (_stu_beta("student"), _fixed(404))}),
    ("GET", "/api/v1/absences"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/absences"): Recipe(_prt_absence_body, _fixed(201)),
    ("GET", "/api/v1/absences/{id}"): Recipe(
        _prt_absence(), _fixed(200),
        variants={"object of another school": (_prt_foreign("absence", "teacher_absences"), _fixed(404))}),
    ("PATCH", "/api/v1/absences/{id}"): Recipe(
        _prt_absence({"reason": "Cambiado"}), _fixed(200),
        variants={"object of another school": (
            _prt_foreign("absence", "teacher_absences", {"reason": "Cambiado"}), _fixed(404))}),
    ("DELETE", "/api/v1/absences/{id}"): Recipe(
        _prt_absence(), _fixed(200),
        variants={"object of another school": (_prt_foreign("absence", "teacher_absences"), _fixed(404))}),
    ("GET", "/api/v1/absences/{id}/cover"): Recipe(
        _prt_absence(), _fixed(200),
        variants={"object of another school": (_prt_foreign("absence", "teacher_absences"), _fixed(404))}),
    ("PUT", "/api/v1/covers"): Recipe(_prt_cover_body, _fixed(422)),
    ("DELETE", "/api/v1/covers/{id}"): Recipe(
        lambda w, a, h: (["1"], None, None), _fixed(404),
        variants={"object of another school": (_prt_foreign("cover", "lesson_covers"), _fixed(404))}),
})

# timetables (issue #15, part generate): an empty draft of the host school
# (no set-up needed); beta's renumbered beyond any id of alfa.


def _tt_own(w, a, h):
    oid = "1"
    if _rec_reaches(a, h):
        oid = str(assert_ok(_rec_admin(w, h).post("/api/v1/timetables",
                                                  json={"generate": False}), 201)["id"])
    return [oid], None, None


def _tt_foreign(w, a, h):
    if getattr(w, "_tt_beta", None) is None:
        c = w.inst.cached_login("beta", "director@beta.test")
        oid = assert_ok(c.post("/api/v1/timetables", json={"generate": False}), 201)["id"]
        store_execute(w.inst.school_store("beta"), "UPDATE timetables SET id = ? WHERE id = ?",
                      (900000 + oid, oid))
        w._tt_beta = 900000 + oid
    store = w.inst.school_store("beta")
    sql = "SELECT * FROM timetables WHERE id = ?"
    before = store_rows(store, sql, (w._tt_beta,))

    def after():
        assert store_rows(store, sql, (w._tt_beta,)) == before, "beta's timetable changed"
    return [str(w._tt_beta)], None, after


def _tt_recipe(status):
    return Recipe(_tt_own, _fixed(status),
                  variants={"object of another school": (_tt_foreign, _fixed(404))})


RECIPES.update({
    ("GET", "/api/v1/timetables"): Recipe(_none, _fixed(200)),
    ("POST", "/api/v1/timetables"): Recipe(_body(lambda w: {"generate": False}), _fixed(201)),
    ("GET", "/api/v1/timetables/{id}"): _tt_recipe(200),
    ("DELETE", "/api/v1/timetables/{id}"): _tt_recipe(200),
    ("POST", "/api/v1/timetables/{id}/activate"): _tt_recipe(409),
    ("POST", "/api/v1/timetables/{id}/cancel"): _tt_recipe(409),
    ("GET", "/api/v1/timetables/{id}/compare"): _tt_recipe(409),
})


# timetables: exports, calendar feeds, reports (issue #15, part exports). The
# matrix's schools have no timetable (404) and no staff to subscribe to.
RECIPES.update({
    ("GET", "/api/v1/timetables/{id}/export"): Recipe(
        lambda w, a, h: (["1"], None, None), _fixed(404)),
    ("GET", "/api/v1/calendar-feeds"): Recipe(_none, _fixed(200)),
    # a teacher linked to a staff row (the set-up recipes link alfa's)
    # subscribes to their own week; nobody else names a target here
    ("POST", "/api/v1/calendar-feeds"): Recipe(
        lambda w, a, h: (_setup_teacher(w, a, h)[0], {"kind": "teacher"}, None),
        lambda a, h, v: 201 if a.role == "teacher" and h == "alfa" and a.home == "alfa"
        else 404),
    ("DELETE", "/api/v1/calendar-feeds/{id}"): Recipe(
        lambda w, a, h: (["999999"], None, None), _fixed(404)),
    ("GET", "/ical/{file}"): Recipe(
        lambda w, a, h: (["bis_c_" + "0" * 48 + ".ics"], None, None), _fixed(404)),
    ("GET", "/api/v1/reports/teaching-load"): Recipe(_none, _fixed(404)),
    ("GET", "/api/v1/reports/teacher-satisfaction"): Recipe(_none, _fixed(404)),
})


# attendance (issue #16, part report): the monthly report (the current
# month; an empty report when no year covers it) and the chronic list read
# only the school's own store
RECIPES.update({
    ("GET", "/api/v1/reports/attendance-monthly"): Recipe(_none, _fixed(200)),
    ("GET", "/api/v1/reports/chronic-absence"): Recipe(_none, _fixed(200)),
})


# timetables (issue #15), part grid: editing by hand. A school admin at
# home edits a fresh draft of its own school with one lesson (no bell
# schedule: any slot of lunes..domingo is free); beta's draft has an id no
# other store has and is never found from elsewhere.
_GRID_NOW = "2025-09-01T12:00:00Z"


def _grid_draft(w, h):
    """(timetable id, lesson id) of a fresh draft of host h's school."""
    c = _rec_admin(w, h)
    section = assert_ok(c.post("/api/v1/sections", json=_rec_section_body(w, h)), 201)["id"]
    subject = assert_ok(c.post("/api/v1/subjects", json=_rec_body("subject", w, h)), 201)["id"]
    store = w.inst.school_store(_REC_ADMIN[h][0])
    store_execute(store, "INSERT INTO timetables (name, status, source, created_at, updated_at)"
                         " VALUES ('Matriz', 'draft', 'manual', ?, ?)", (_GRID_NOW, _GRID_NOW))
    tt = store_rows(store, "SELECT MAX(id) FROM timetables")[0][0]
    store_execute(store, "INSERT INTO timetable_lessons (timetable_id, section_id, subject_id,"
                         " day, period, length) VALUES (?, ?, ?, 1, 1, 1)", (tt, section, subject))
    return tt, store_rows(store, "SELECT MAX(id) FROM timetable_lessons")[0][0]


def _grid_own(body, lesson_param=False):
    def prepare(w, a, h):
        if not _rec_reaches(a, h):
            return (["1", "1"] if lesson_param else ["1"]), body(1) if callable(body) else body, None
        tt, lesson = _grid_draft(w, h)
        b = body(lesson) if callable(body) else body
        return [str(tt), str(lesson)] if lesson_param else [str(tt)], b, None
    return prepare


def _grid_foreign(body, lesson_param=False):
    def prepare(w, a, h):
        store = w.inst.school_store("beta")
        if getattr(w, "_grid_beta", None) is None:
            store_execute(store, "INSERT INTO timetables (id, name, status, source, created_at,"
                                 " updated_at) VALUES (900151, 'Beta', 'draft', 'manual', ?, ?)",
                          (_GRID_NOW, _GRID_NOW))
            w._grid_beta = 900151
        sql = "SELECT COUNT(*), MAX(updated_at) FROM timetables"
        before = store_rows(store, sql)

        def after():
            assert store_rows(store, sql) == before, "beta's timetables changed"
        b = body(1) if callable(body) else body
        return ([str(w._grid_beta), "1"] if lesson_param else [str(w._grid_beta)]), b, after
    return prepare


def _grid_recipe(status, body=None, lesson_param=False):
    return Recipe(_grid_own(body, lesson_param), _fixed(status),
                  variants={"object of another school": (_grid_foreign(body, lesson_param),
                                                         _fixed(404))})


RECIPES.update({
    ("GET", "/api/v1/timetables/{id}/grid"): _grid_recipe(200),
    ("POST", "/api/v1/timetables/{id}/moves"): _grid_recipe(
        200, lambda lesson: {"lesson_id": lesson, "day": 2, "period": 1}),
    # without ?lesson_id= (the matrix fills paths only) the handler answers 422
    ("GET", "/api/v1/timetables/{id}/free-slots"): Recipe(_grid_own(None), _fixed(422)),
    ("PATCH", "/api/v1/timetables/{id}/lessons/{lesson_id}"): _grid_recipe(
        200, {"locked": True}, lesson_param=True),
    ("POST", "/api/v1/timetables/{id}/copy"): _grid_recipe(201),
    # a draft of a school with no bell schedule: the set-up cannot give a
    # timetable (422 timetable_setup, past routing and the draft's checks)
    ("POST", "/api/v1/timetables/{id}/repair"): _grid_recipe(422, {}),
})


# attendance (issue #16, part take): GET without ?section_id= answers 422;
# a PUT naming beta's section is an unknown section (404) wherever it is
# sent, and beta's attendance stays untouched; a parent of the matrix has
# no child (404 for any student).


def _att_put_beta(w, a, h):
    store = w.inst.school_store("beta")
    section = _rec_beta_ids(w)["section"]
    sql = "SELECT COUNT(*) FROM attendance_sessions"
    before = store_rows(store, sql)

    def after():
        assert store_rows(store, sql) == before, "beta's attendance changed"
    return [], {"section_id": section, "date": "2026-12-14", "marks": []}, after


RECIPES.update({
    ("GET", "/api/v1/attendance/sections"): Recipe(_none, _fixed(200)),
    ("GET", "/api/v1/attendance"): Recipe(_none, _fixed(422)),
    ("PUT", "/api/v1/attendance"): Recipe(_att_put_beta, _fixed(404)),
    ("GET", "/api/v1/me/children/{id}/attendance"): Recipe(
        _stu_obj("student"), _fixed(404),
        variants={"object of another school": (_stu_beta("student"), _fixed(404))}),
})


# attendance (issue #16), part calendar: the school year's calendar. The
# host school's current year is made by its director when it has none (the
# calendar of a school without a year is 404); a day to delete is added
# first, on the year's first weekday that is not a holiday; beta's day has
# an id no other store has.
def _cal_year(w, h):
    """(id, first weekday of the year) of host h's current year, made when missing."""
    from datetime import date, timedelta
    store = w.inst.school_store(_REC_ADMIN[h][0])
    rows = store_rows(store, "SELECT id, starts_on FROM school_years WHERE is_current = 1")
    if not rows:
        assert_ok(_rec_admin(w, h).post("/api/v1/years", json=_rec_year_body(w)), 201)
        rows = store_rows(store, "SELECT id, starts_on FROM school_years WHERE is_current = 1")
    d = date.fromisoformat(rows[0][1]) + timedelta(days=1)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return rows[0][0], d.isoformat()


def _cal_get(w, a, h):
    if h in _REC_ADMIN:
        _cal_year(w, h)
    return [], None, None


def _cal_day_body(w, a, h):
    if not _rec_reaches(a, h):
        return [], {}, None
    year, day = _cal_year(w, h)
    return [], {"year_id": year, "from": day, "kind": "otro", "name": "Matriz"}, None


def _cal_day_own(w, a, h):
    if not _rec_reaches(a, h):
        return ["1"], None, None
    _, body, _ = _cal_day_body(w, a, h)
    cal = assert_ok(_rec_admin(w, h).post("/api/v1/calendar/days", json=body), 201)["calendar"]
    return [str(next(d["id"] for d in cal["days"] if d["date"] == body["from"]))], None, None


def _cal_day_foreign(w, a, h):
    store = w.inst.school_store("beta")
    if getattr(w, "_cal_beta", None) is None:
        year = _rec_beta_ids(w)["year"]
        store_execute(store, "INSERT INTO calendar_days (id, year_id, date, kind, name, created_at,"
                      " updated_at) VALUES (900401, ?, '2190-10-13', 'otro', 'Beta',"
                      " '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')", (year,))
        w._cal_beta = 900401
    sql = "SELECT * FROM calendar_days WHERE id = ?"
    before = store_rows(store, sql, (w._cal_beta,))

    def after():
        assert store_rows(store, sql, (w._cal_beta,)) == before, "beta's calendar day changed"
    return [str(w._cal_beta)], None, after


def _cal_holidays(w, a, h):
    if _rec_reaches(a, h):
        _cal_year(w, h)
    return [], {}, None


RECIPES.update({
    ("GET", "/api/v1/calendar"): Recipe(_cal_get, _fixed(200)),
    ("POST", "/api/v1/calendar/days"): Recipe(_cal_day_body, _fixed(201)),
    ("DELETE", "/api/v1/calendar/days/{id}"): Recipe(
        _cal_day_own, _fixed(200),
        variants={"object of another school": (_cal_day_foreign, _fixed(404))}),
    ("POST", "/api/v1/calendar/holidays"): Recipe(_cal_holidays, _fixed(200)),
})
