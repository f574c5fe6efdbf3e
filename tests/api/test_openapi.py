"""docs/openapi.yaml stays true to the server's code.

Starts no server and uses no fixture: it reads the spec, the routing table
and the registry of error codes (src/http/errors.def).
- The routing table (src/http/routes.c), the fixed paths of router.c
  (/healthz, /metrics, /assets/) and the web pages of static.c are exactly the
  operations the spec documents, no more and no fewer.
- Each operation's `x-permission` is the route's permission in routes.c.
- Each operation documents the statuses and error codes the router can
  produce on its route (school from the Host header, scope, store, identity,
  CSRF, permission, JSON body, and 500 for a defect), and every code it
  documents is in the registry under the registry's status.
- The Error schema's code enum and docs/API.md's error table are exactly the
  registry.
- Security requirements match the route (public: none; cookie writes: CSRF).
- Every `$ref` resolves.

The spec is machine-readable documentation for school IT staff who script
against the API: a route missing from it, or a wrong permission or status, is
a bug a user of the spec would hit.
"""

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO / "docs" / "openapi.yaml"
API_MD = REPO / "docs" / "API.md"
HTTP_SRC = REPO / "src" / "http"
AUTH_H = REPO / "src" / "auth" / "auth.h"

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
READ_METHODS = {"GET", "HEAD"}


# --------------------------------------------------------------------------
# Reading the sources


def load_spec(path=SPEC_PATH):
    with open(path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    assert isinstance(spec, dict), f"{path} is not a YAML mapping"
    return spec


ROUTE_LINE = re.compile(
    r'\{\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*,\s*([^,]+?)\s*,\s*(SCOPE_[A-Z]+)\s*,'
    r'\s*(true|false)\s*,\s*(\w+)\s*\}')


def permission_names():
    """The permission names of enum permission (auth.h), lowercase."""
    names = {m.lower() for m in re.findall(r"\bPERM_([A-Z_]+)\s*=", AUTH_H.read_text())}
    assert names, "no PERM_ names found in src/auth/auth.h"
    return names


def parse_permission(expr):
    expr = expr.strip()
    if expr == "ROUTE_PUBLIC":
        return frozenset({"public"})
    if expr == "ROUTE_SESSION":
        return frozenset({"session"})
    names = re.findall(r"\bP\(\s*([A-Z_]+)\s*\)|\bPERM_([A-Z_]+)", expr)
    perms = frozenset((a or b).lower() for a, b in names)
    leftover = re.sub(r"\bP\(\s*[A-Z_]+\s*\)|\bPERM_[A-Z_]+|\|", "", expr).strip()
    assert perms and not leftover, f"cannot read the permission expression {expr!r} in routes.c"
    return perms


def routes_table(path=HTTP_SRC / "routes.c"):
    """[(method, pattern, perms, scope, json_body, handler)] from routes.c."""
    text = path.read_text()
    m = re.search(r"routes\[\]\s*=\s*\{(.*?)\n\};", text, re.S)
    assert m, f"no `routes[] = {{ ... }};` table in {path}"
    body = m.group(1)
    entries = [ln for ln in body.splitlines() if re.match(r'\s*\{\s*"', ln)]
    routes = []
    for mm in ROUTE_LINE.finditer(body):
        method, pattern, perm, scope, json_body, handler = mm.groups()
        routes.append((method, pattern, parse_permission(perm), scope,
                       json_body == "true", handler))
    assert routes, "no routes parsed from routes.c"
    assert len(routes) == len(entries), (
        f"routes.c has {len(entries)} route lines but only {len(routes)} could be "
        "parsed: teach test_openapi.py the new line format")
    return routes


def fixed_paths():
    """Paths served outside routes.c: router.c's exact and prefix paths, static.c's pages
    (pages[] and page_prefixes[])."""
    router = (HTTP_SRC / "router.c").read_text()
    static = (HTTP_SRC / "static.c").read_text()
    paths = set(re.findall(r'strcmp\(\s*path\s*,\s*"(/[^"]*)"\s*\)\s*==\s*0', router))
    # static.c's own files at the root (/sw.js, /manifest.webmanifest: issue #16, offline)
    paths |= set(re.findall(r'strcmp\(\s*path\s*,\s*"(/[^"]*)"\s*\)\s*==\s*0', static))
    for prefix in re.findall(r'strncmp\(\s*path\s*,\s*"(/[^"]*/)"\s*,', router):
        paths.add(prefix + "{file}")
    m = re.search(r"pages\[\]\s*=\s*\{([^}]*)\}", static)
    assert m, "no `pages[] = { ... }` list in static.c"
    pages = set(re.findall(r'"(/[^"]*)"', m.group(1)))
    assert "/" in pages, "static.c pages should include /"
    m = re.search(r"page_prefixes\[\]\s*=\s*\{([^}]*)\}", static)
    if m:  # pages under a prefix (/estudiantes/12): documented as /estudiantes/{page}
        pages |= {p + "{page}" for p in re.findall(r'"(/[^"]*/)"', m.group(1))}
    assert {"/healthz", "/metrics", "/assets/{file}"} <= paths, (
        f"router.c fixed paths not recognized: {sorted(paths)}")
    return {("GET", p) for p in paths | pages}


# The registry of error codes: src/http/errors.def, one line per code,
#   ERR(NAME, code, status, "Spanish message")
# read here as data (the server compiles the same lines into its table).

ERRORS_DEF = HTTP_SRC / "errors.def"
ERR_LINE = re.compile(r'^ERR\(\s*([A-Z_]+)\s*,\s*([a-z_]+)\s*,\s*(\d{3})\s*,\s*"(.+)"\s*\)\s*$')


def error_registry(path=ERRORS_DEF):
    """{code: (status, message)} from errors.def."""
    out = {}
    for ln in path.read_text(encoding="utf-8").splitlines():
        if not ln.startswith("ERR("):
            continue
        m = ERR_LINE.match(ln)
        assert m, f"errors.def: cannot read {ln!r} (one ERR(NAME, code, status, \"message\") per line)"
        name, code, status, message = m.groups()
        assert name.lower() == code, f"errors.def: {name} should be the code {code} in capitals"
        assert code not in out, f"errors.def: {code} twice"
        out[code] = (int(status), message)
    assert out, "no ERR(...) lines in src/http/errors.def"
    return out


def expected_replies(route):
    """{status: {codes}} every routes.c route can reply: the router's steps
    and, for any handler, a defect of ours (500)."""
    method, _pattern, perms, scope, json_body, _handler = route
    exp = defaultdict(set)
    exp[404].add("school_not_found")                              # Host names no school
    exp[503] |= {"school_unavailable", "store_unavailable"}       # suspended; store
    if scope == "SCOPE_MASTER":
        exp[404].add("not_found")                                 # platform route, guest host
    if perms != {"public"}:
        exp[401].add("unauthenticated")
        if method not in READ_METHODS:
            exp[403].add("csrf_missing")
        if perms != {"session"}:
            exp[403].add("forbidden")
    if json_body:
        exp[422].add("invalid")                                   # the field reader
        exp[415].add("unsupported_media_type")
        exp[400].add("bad_json")
        exp[413].add("body_too_large")
    exp[500].add("internal")
    return {s: frozenset(c) for s, c in exp.items()}


# Reading the spec


class UnresolvedRef(LookupError):
    pass


def resolve(spec, ref):
    if not (isinstance(ref, str) and ref.startswith("#/")):
        raise UnresolvedRef(f"$ref {ref!r} is not a local reference")
    node = spec
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not (isinstance(node, dict) and part in node):
            raise UnresolvedRef(f"$ref {ref!r} does not resolve (no {part!r})")
        node = node[part]
    return node


def deref(spec, node):
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        node = resolve(spec, node["$ref"])
        seen += 1
        assert seen < 20, "a $ref cycle"
    return node


def operations(spec):
    """{(METHOD, path): operation}."""
    ops = {}
    for path, item in (spec.get("paths") or {}).items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                ops[(method.upper(), path)] = op
    return ops


def documented_replies(spec, op):
    """{status: {codes}} from an operation's responses (codes from x-error-codes)."""
    out = {}
    for status, resp in (op.get("responses") or {}).items():
        status = int(status)
        resp = deref(spec, resp)
        out[status] = frozenset(resp.get("x-error-codes") or ())
    return out


def x_permission(op):
    value = op.get("x-permission")
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return frozenset(value)
    return None


# --------------------------------------------------------------------------
# Fixtures local to this module (nothing from conftest)


@pytest.fixture(scope="module")
def spec():
    return load_spec()


@pytest.fixture(scope="module")
def routes():
    return routes_table()


@pytest.fixture(scope="module")
def registry():
    return error_registry()


# --------------------------------------------------------------------------
# Tests


def test_spec_is_openapi_3_0_3_with_both_hosts(spec):
    assert spec.get("openapi") == "3.0.3"
    desc = spec["info"]["description"]
    assert "Host" in desc and "header" in desc, "info.description must say the school comes from the Host header"
    urls = {s["url"] for s in spec.get("servers", [])}
    assert "http://bischeduler.localhost:8080" in urls
    guest = "http://bischeduler-{code}.localhost:8080"
    assert guest in urls
    server = next(s for s in spec["servers"] if s["url"] == guest)
    assert "code" in server.get("variables", {}), "the guest server needs a `code` variable"


def test_documented_operations_are_exactly_the_served_routes(spec, routes):
    served = {(m, p) for m, p, *_ in routes} | fixed_paths()
    assert len(served) == len(routes) + len(fixed_paths()), "duplicate route in routes.c"
    documented = set(operations(spec))
    missing = sorted(served - documented)
    extra = sorted(documented - served)
    assert not (missing or extra), (
        f"routes served but not in docs/openapi.yaml: {missing}\n"
        f"operations in docs/openapi.yaml that the server does not serve: {extra}")


def test_x_permission_matches_routes_c(spec, routes):
    ops = operations(spec)
    valid = permission_names() | {"public", "session"}
    wrong = []
    for method, pattern, perms, *_ in routes:
        op = ops.get((method, pattern))
        if op is None:
            continue  # reported by the test above
        got = x_permission(op)
        if got != perms:
            wrong.append(f"{method} {pattern}: x-permission {op.get('x-permission')!r}, "
                         f"routes.c says {sorted(perms)}")
    for key in fixed_paths():
        if key in ops and x_permission(ops[key]) != {"public"}:
            wrong.append(f"{key[0]} {key[1]}: served without a session, x-permission must be public")
    for key, op in ops.items():
        got = x_permission(op) or frozenset({"<missing>"})
        if not got <= valid:
            wrong.append(f"{key[0]} {key[1]}: unknown permission {sorted(got - valid)}")
    assert not wrong, "\n".join(wrong)


def test_every_operation_has_summary_success_and_auth_failures(spec, routes):
    ops = operations(spec)
    perms = {(m, p): (pm, m) for m, p, pm, *_ in routes}
    problems = []
    for key, op in ops.items():
        name = f"{key[0]} {key[1]}"
        if not str(op.get("summary", "")).strip():
            problems.append(f"{name}: no summary")
        statuses = {int(s) for s in op.get("responses", {})}
        if not any(200 <= s < 300 for s in statuses):
            problems.append(f"{name}: no 2xx response")
        if key in perms and perms[key][0] != {"public"}:
            if 401 not in statuses:
                problems.append(f"{name}: a non-public route must document 401")
            # The router can only answer 403 on a write (csrf_missing) or on
            # a permission check (forbidden): a signed-in GET of a `session`
            # route never gets 403, so documenting one there would be false.
            can_403 = key[0] not in READ_METHODS or perms[key][0] != {"session"}
            if can_403 and 403 not in statuses:
                problems.append(f"{name}: must document 403")
            if not can_403 and 403 in statuses:
                problems.append(f"{name}: documents a 403 the router cannot give")
    assert not problems, "\n".join(problems)


def test_statuses_and_error_codes_match_router_and_registry(spec, routes, registry):
    """Each operation documents what the router can reply on its route, and
    every code it documents is in the registry, under the registry's status."""
    ops = operations(spec)
    problems = []
    for route in routes:
        method, pattern = route[0], route[1]
        op = ops.get((method, pattern))
        if op is None:
            continue
        exp = expected_replies(route)
        doc = documented_replies(spec, op)
        for status in sorted(exp):
            if status not in doc:
                problems.append(f"{method} {pattern}: {status} {sorted(exp[status])} "
                                "(from the router) is not documented")
            elif not exp[status] <= doc[status]:
                problems.append(f"{method} {pattern}: {status} x-error-codes "
                                f"{sorted(doc[status])} lack {sorted(exp[status] - doc[status])}")
    for (method, pattern), op in ops.items():
        for status, codes in documented_replies(spec, op).items():
            for code in codes:
                if code not in registry:
                    problems.append(f"{method} {pattern}: {status} documents {code}, "
                                    "which src/http/errors.def does not have")
                elif registry[code][0] != status:
                    problems.append(f"{method} {pattern}: documents {code} as {status}, "
                                    f"errors.def says {registry[code][0]}")
    assert not problems, "\n".join(problems)


def test_invalid_replies_list_every_field(spec):
    """A 422 `invalid` carries error.errors, every invalid field at once."""
    err = spec["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
    assert err.get("errors", {}).get("type") == "array", "Error.error.errors must be documented"
    item = deref(spec, err["errors"]["items"])
    assert set(item.get("required", [])) == {"field", "message"}


def test_error_codes_are_the_registry(spec, registry):
    """openapi.yaml's Error.code enum and docs/API.md's table are exactly the
    codes of src/http/errors.def, with its statuses."""
    enum = set(spec["components"]["schemas"]["Error"]["properties"]["error"]
               ["properties"]["code"]["enum"])
    assert enum == set(registry), (
        f"Error.code enum differs from src/http/errors.def: only in the spec "
        f"{sorted(enum - set(registry))}, only in errors.def {sorted(set(registry) - enum)}")
    table = {}
    for line in API_MD.read_text().splitlines():
        m = re.match(r"\|\s*([45]\d\d)\s*\|(.*?)\|", line)
        if m:
            for code in re.findall(r"`(\w+)`", m.group(2)):
                table[code] = int(m.group(1))
    assert table, "no error table found in docs/API.md"
    want = {code: status for code, (status, _msg) in registry.items()}
    assert table == want, (f"docs/API.md's error table differs from src/http/errors.def: "
                           f"API.md {sorted(set(table.items()) - set(want.items()))}, "
                           f"errors.def {sorted(set(want.items()) - set(table.items()))}")
    problems = []
    for key, op in operations(spec).items():
        for status, resp in (op.get("responses") or {}).items():
            resp = deref(spec, resp)
            codes = resp.get("x-error-codes")
            if int(status) >= 400:
                if not codes:
                    problems.append(f"{key[0]} {key[1]} {status}: no x-error-codes")
                elif not set(codes) <= enum:
                    problems.append(f"{key[0]} {key[1]} {status}: unknown codes {sorted(set(codes) - enum)}")
                if "application/json" in (resp.get("content") or {}):
                    schema = resp["content"]["application/json"].get("schema", {})
                    if schema.get("$ref") != "#/components/schemas/Error":
                        problems.append(f"{key[0]} {key[1]} {status}: JSON error body is not Error")
    assert not problems, "\n".join(problems)


def test_security_matches_the_route(spec, routes):
    ops = operations(spec)
    schemes = spec["components"]["securitySchemes"]
    cookie = [n for n, s in schemes.items() if s.get("in") == "cookie" and s.get("name") == "bis_session"]
    csrf = [n for n, s in schemes.items() if s.get("in") == "header" and s.get("name") == "X-CSRF-Token"]
    bearer = [n for n, s in schemes.items() if s.get("type") == "http" and s.get("scheme") == "bearer"]
    assert cookie and csrf and bearer, "securitySchemes must define bis_session, X-CSRF-Token and bearer"
    cookie, csrf, bearer = cookie[0], csrf[0], bearer[0]
    assert not spec.get("security"), "no global security: each operation says its own"
    problems = []
    route_perms = {(m, p): pm for m, p, pm, *_ in routes}
    for key, op in ops.items():
        name = f"{key[0]} {key[1]}"
        sec = op.get("security")
        public = route_perms.get(key, frozenset({"public"})) == {"public"}
        if public:
            if sec != []:
                problems.append(f"{name}: public, must have `security: []`")
            continue
        if not sec:
            problems.append(f"{name}: needs a session cookie or a bearer token")
            continue
        alts = [set(a) for a in sec]
        if {bearer} not in alts:
            problems.append(f"{name}: bearer token alone must be an alternative")
        cookie_alts = [a for a in alts if cookie in a]
        if not cookie_alts:
            problems.append(f"{name}: the session cookie must be an alternative")
        for a in cookie_alts:
            want = {cookie, csrf} if key[0] not in READ_METHODS else {cookie}
            if a != want:
                problems.append(f"{name}: cookie alternative {sorted(a)}, expected {sorted(want)}")
    assert not problems, "\n".join(problems)


def test_request_bodies_match_json_routes(spec, routes):
    ops = operations(spec)
    problems = []
    for method, pattern, _perms, _scope, json_body, _h in routes:
        op = ops.get((method, pattern))
        if op is None:
            continue
        body = deref(spec, op.get("requestBody") or {})
        has = "application/json" in (body.get("content") or {})
        if json_body and not (has and body.get("required") is True):
            problems.append(f"{method} {pattern}: takes a JSON object, needs a required application/json requestBody")
        if has:
            schema = deref(spec, body["content"]["application/json"].get("schema") or {})
            if schema.get("type") != "object":
                problems.append(f"{method} {pattern}: request schema must be an object")
        if not json_body and has:
            problems.append(f"{method} {pattern}: documents a JSON body the route does not read")
    assert not problems, "\n".join(problems)


def test_path_parameters_are_declared(spec):
    problems = []
    for path, item in spec["paths"].items():
        names = set(re.findall(r"\{(\w+)\}", path))
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            params = [deref(spec, p) for p in (item.get("parameters") or []) + (op.get("parameters") or [])]
            declared = {p["name"] for p in params if p.get("in") == "path"}
            if declared != names:
                problems.append(f"{method.upper()} {path}: path parameters {sorted(declared)}, path has {sorted(names)}")
            for p in params:
                if p.get("in") == "path" and p.get("required") is not True:
                    problems.append(f"{method.upper()} {path}: path parameter {p['name']} must be required")
    assert not problems, "\n".join(problems)


def test_every_ref_resolves(spec):
    refs = []

    def walk(node, where):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "$ref":
                    refs.append((v, where))
                else:
                    walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}/{i}")

    walk(spec, "#")
    assert refs, "the spec has no $ref at all"
    broken = []
    for ref, where in refs:
        try:
            resolve(spec, ref)
        except UnresolvedRef as e:
            broken.append(f"{where}: {e}")
    assert not broken, "\n".join(broken)
