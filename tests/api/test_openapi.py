"""docs/openapi.yaml stays true to the server's code.

Starts no server and uses no fixture: it reads the spec and the C sources.
- The routing table (src/http/routes.c), the fixed paths of router.c
  (/healthz, /metrics, /assets/) and the web pages of static.c are exactly the
  operations the spec documents, no more and no fewer.
- Each operation's `x-permission` is the route's permission in routes.c.
- Each operation documents exactly the statuses and error codes the code can
  produce: the router's steps (school from the Host header, scope, store,
  identity, CSRF, permission, JSON body) plus what its handler, and the
  handler's helpers in src/http/h_*.c, reply.
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
    """Paths served outside routes.c: router.c's exact and prefix paths, static.c's pages."""
    router = (HTTP_SRC / "router.c").read_text()
    static = (HTTP_SRC / "static.c").read_text()
    paths = set(re.findall(r'strcmp\(\s*path\s*,\s*"(/[^"]*)"\s*\)\s*==\s*0', router))
    for prefix in re.findall(r'strncmp\(\s*path\s*,\s*"(/[^"]*/)"\s*,', router):
        paths.add(prefix + "{file}")
    m = re.search(r"pages\[\]\s*=\s*\{([^}]*)\}", static)
    assert m, "no `pages[] = { ... }` list in static.c"
    pages = set(re.findall(r'"(/[^"]*)"', m.group(1)))
    assert "/" in pages, "static.c pages should include /"
    assert {"/healthz", "/metrics", "/assets/{file}"} <= paths, (
        f"router.c fixed paths not recognized: {sorted(paths)}")
    return {("GET", p) for p in paths | pages}


# Handlers and their helpers: which statuses and error codes they reply.

FUNC_DEF = re.compile(
    r"^(?:static\s+)?[A-Za-z_][\w\s\*]*?\b([a-z_]\w*)\s*\(([^;{}]*?)\)\s*\n\{\n(.*?)\n\}$",
    re.S | re.M)
REPLY_ERROR = re.compile(r'\breply_error\(\s*r\s*,\s*(\d{3})\s*,\s*"(\w+)"')
REPLY_JSON = re.compile(
    r'\breply_json\(\s*r\s*,\s*(\d{3})\s*,\s*'
    r'(?:json_pack\(\s*"[^"]*"\s*,\s*"error"\s*,\s*"code"\s*,\s*"(\w+)")?')
REPLY_BUFFER = re.compile(r"\breply_(?:buffer|json_text)\(\s*r\s*,\s*(\d{3})\s*,")
KNOWN_REPLIES = {"reply_error", "reply_json", "reply_invalid", "reply_store_error",
                 "reply_buffer", "reply_json_text"}


def handler_functions():
    funcs = {}
    for f in sorted(HTTP_SRC.glob("h_*.c")):
        for m in FUNC_DEF.finditer(f.read_text()):
            funcs[m.group(1)] = (f.name, m.group(3))
    assert funcs, "no functions parsed from src/http/h_*.c"
    return funcs


def handler_replies(name, funcs, seen=None):
    """{status: {error codes}} a handler can reply, following its helpers."""
    seen = set() if seen is None else seen
    assert name in funcs, f"handler {name} not found in src/http/h_*.c"
    seen.add(name)
    body = funcs[name][1]
    out = defaultdict(set)
    for call in set(re.findall(r"\b(reply_\w+)\s*\(", body)):
        assert call in KNOWN_REPLIES, (
            f"{name} calls {call}, which test_openapi.py does not know: teach it "
            "which status and code that reply gives")
    for status, code in REPLY_ERROR.findall(body):
        out[int(status)].add(code)
    for status, code in REPLY_JSON.findall(body):
        status = int(status)
        if status >= 400:
            assert code, f"{name}: reply_json({status}) without a readable error code"
            out[status].add(code)
        else:
            out[status]
    for status in REPLY_BUFFER.findall(body):
        out[int(status)]
    if re.search(r"\breply_invalid\s*\(", body):
        out[422].add("invalid")
    if re.search(r"\breply_store_error\s*\(", body):
        out[503].add("store_unavailable")
    for callee in set(re.findall(r"\b([a-z_]\w*)\s*\(", body)):
        if callee in funcs and callee not in seen:
            for status, codes in handler_replies(callee, funcs, seen).items():
                out[status] |= codes
    return out


def expected_replies(route, funcs):
    """{status: {codes}} for a routes.c route: the router's steps + its handler."""
    method, _pattern, perms, scope, json_body, handler = route
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
        exp[415].add("unsupported_media_type")
        exp[400].add("bad_json")
        exp[413].add("body_too_large")
    for status, codes in handler_replies(handler, funcs).items():
        exp[status] |= codes
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
def funcs():
    return handler_functions()


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


def test_statuses_and_error_codes_match_router_and_handlers(spec, routes, funcs):
    ops = operations(spec)
    problems = []
    for route in routes:
        method, pattern = route[0], route[1]
        op = ops.get((method, pattern))
        if op is None:
            continue
        exp = expected_replies(route, funcs)
        doc = documented_replies(spec, op)
        for status in sorted(set(exp) | set(doc)):
            if status not in doc:
                problems.append(f"{method} {pattern}: {status} {sorted(exp[status])} "
                                f"(from {route[5]} or the router) is not documented")
            elif status not in exp:
                problems.append(f"{method} {pattern}: documents {status}, which neither the "
                                f"router nor {route[5]} can reply")
            elif status >= 400 and exp[status] != doc[status]:
                problems.append(f"{method} {pattern}: {status} x-error-codes "
                                f"{sorted(doc[status])}, the code gives {sorted(exp[status])}")
    assert not problems, "\n".join(problems)


def test_error_codes_are_the_stable_ones(spec):
    enum = set(spec["components"]["schemas"]["Error"]["properties"]["error"]
               ["properties"]["code"]["enum"])
    table = set()
    for line in API_MD.read_text().splitlines():
        m = re.match(r"\|\s*[45]\d\d\s*\|(.*?)\|", line)
        if m:
            table |= set(re.findall(r"`(\w+)`", m.group(1)))
    assert table, "no error table found in docs/API.md"
    assert enum == table, (f"Error.code enum differs from docs/API.md's error table: "
                           f"only in spec {sorted(enum - table)}, only in API.md {sorted(table - enum)}")
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
