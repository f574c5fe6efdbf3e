"""Moves tests between tests/api files so that the files mirror the handlers
(test_<resource>.py for src/http/h_<resource>.c, test_router.py,
test_server.py, test_static.py, test_metrics.py for the other src/http
files). A one-off kept for the merge of issue #12: branches that still add
tests to the old files can be merged first and this run after.

  python3 tests/tools/mirror_tests.py [REPO]      # REPO defaults to .

PLAN names, per old file, which tests (by name prefix) go where; "*" is the
rest. Each test moves with the module-level helpers and fixtures it uses
(copied where two destinations need them) and the imports its new file
needs; an old file that keeps nothing is removed. Run it once, on a tree
where the old files still exist, then review `git diff --stat`.
"""
import ast
import sys
from pathlib import Path

API = Path(sys.argv[1] if len(sys.argv) > 1 else ".") / "tests" / "api"

# source file -> {test name or prefix: destination}; "*" = the rest
PLAN = {
    "test_csrf_and_tokens.py": {
        "test_cookie_write_": "test_router.py",
        "*": "test_tokens.py",
    },
    "test_headers_and_metrics.py": {
        "test_every_reply_": "test_server.py",
        "test_metrics_": "test_metrics.py",
        "*": "test_static.py",
    },
    "test_platform.py": {
        "test_invitation_": "test_invitations.py",
        "*": "test_tenants.py",
    },
    "test_school_name.py": {"*": "test_settings.py"},
    "test_token_storage.py": {"*": "test_tokens.py"},
    # what is not named here stays: input rules shared by every resource
    "test_validation.py": {
        "test_body_over_": "test_server.py",
        "test_chunked_body_": "test_server.py",
        "test_headers_over_": "test_server.py",
        "test_invalid_json_": "test_router.py",
        "test_hostile_json_": "test_router.py",
        "test_unknown_api_path_": "test_router.py",
        "test_wrong_method_": "test_router.py",
        "test_invalid_timezone_": "test_settings.py",
        "test_valid_timezone_": "test_settings.py",
        "test_three_invalid_settings_": "test_settings.py",
        "test_invalid_school_code_is_refused_by_the_cli": "test_cli.py",
        "test_ueipab_school_user_email_cannot_become_a_platform_user_via_cli": "test_cli.py",
        "test_platform_admin_role_only_in_the_master_school_via_cli": "test_cli.py",
        "test_invalid_school_code_": "test_tenants.py",
        "test_school_": "test_tenants.py",
        "test_duplicate_school_code_": "test_tenants.py",
        "test_every_invalid_field_of_a_new_school": "test_tenants.py",
        "test_a_multi_line_reason_": "test_tenants.py",
        "test_every_invalid_field_of_a_sign_in": "test_auth.py",
        "test_logout_with_an_api_token_": "test_auth.py",
        "test_invalid_new_user_": "test_users.py",
        "test_duplicate_email_": "test_users.py",
        "test_new_user_": "test_users.py",
        "test_platform_user_email_": "test_users.py",
        "test_same_email_": "test_users.py",
        "test_user_list_": "test_users.py",
        "test_overlong_email_": "test_users.py",
        "test_every_invalid_field_of_a_new_user": "test_users.py",
        "*": "test_validation.py",
    },
}

DOCS = {
    "test_router.py": "The request's way through router.c: CSRF on cookie writes, JSON bodies,\nunknown paths and wrong methods.",
    "test_server.py": "What server.c does for every reply and request: security headers,\nrequest ids, body and header limits.",
    "test_static.py": "The web app's files (static.c): ETags, revalidation, no escape from\nthe assets directory, the pages' Content-Security-Policy.",
    "test_metrics.py": "/metrics (metrics.c): request counts, the latency histogram, open stores.",
    "test_tokens.py": "API tokens (h_tokens.c): made by a session, used without CSRF until\nrevoked, stored only as hashes, valid on their own host only.",
    "test_tenants.py": "Schools on the platform console (h_platform.c): list, create with\nvalidated codes, support access.",
    "test_settings.py": "School settings (h_settings.c): name, time zone and profile.",
    "test_users.py": "School users (h_users.c): creation with validated fields, listing,\nand the e-mail rules between schools and the platform.",
}


def dest_of(name, plan):
    best = None
    for k, d in plan.items():
        if k != "*" and name.startswith(k) and (best is None or len(k) > len(best[0])):
            best = (k, d)
    return best[1] if best else plan["*"]


def segments(path):
    """Top-level statements with their text (decorators and comments just
    above included), names they define and names they use."""
    text = path.read_text()
    lines = text.split("\n")
    tree = ast.parse(text)
    out = []
    body = tree.body
    prev_end = 0
    for i, node in enumerate(body):
        start = node.lineno - 1
        if getattr(node, "decorator_list", None):
            start = min(d.lineno for d in node.decorator_list) - 1
        # comment lines directly above belong to the node
        s = start
        while s - 1 >= prev_end and lines[s - 1].startswith("#"):
            s -= 1
        seg = "\n".join(lines[s:node.end_lineno])
        prev_end = node.end_lineno
        defines = set()
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            defines.add(node.name)
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name):
                        defines.add(n.id)
        uses = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        uses |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
        if isinstance(node, ast.FunctionDef):
            uses |= {a.arg for a in node.args.args}
        kind = ("doc" if i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                else "import" if isinstance(node, (ast.Import, ast.ImportFrom))
                else "test" if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
                else "helper")
        out.append({"kind": kind, "text": seg, "defines": defines, "uses": uses,
                    "name": getattr(node, "name", None), "node": node})
    return out


def import_lines(segs):
    names = {}   # module -> set of names ; plain imports kept as text
    plain = []
    for s in segs:
        n = s["node"]
        if isinstance(n, ast.ImportFrom):
            names.setdefault(n.module, set()).update(a.name for a in n.names)
        elif isinstance(n, ast.Import):
            plain.append(s["text"])
    return names, plain


def render_imports(from_names, plain, body):
    names = {n.id for n in ast.walk(ast.parse(body)) if isinstance(n, ast.Name)}
    used = lambda nm: nm in names   # noqa: E731
    std, third, local = [], [], []
    for p in sorted(set(plain)):
        mod = p.split()[1].split(".")[0]
        if used(p.split()[-1]):
            (third if mod in ("pytest", "requests", "yaml") else std).append(p)
    for mod in sorted(from_names):
        keep = sorted(n for n in from_names[mod] if used(n))
        if not keep:
            continue
        line = f"from {mod} import " + ", ".join(keep)
        if len(line) > 100:
            parts, cur = [], f"from {mod} import ("
            for k in keep:
                if len(cur) + len(k) + 2 > 96:
                    parts.append(cur.rstrip())
                    cur = "                   " + " " * len(mod)
                cur += k + ", "
            parts.append(cur.rstrip(", ") + ")")
            line = "\n".join(parts)
        (local if mod == "conftest" else third if mod.split(".")[0] in ("pytest", "requests", "yaml")
         else std).append(line)
    return "\n\n".join(x for x in ["\n".join(std), "\n".join(third), "\n".join(local)] if x)


def main():
    segments_of = {src: segments(API / src) for src in PLAN if (API / src).exists()}
    moves = {}        # dest -> list of (source segs, test segs)
    for src, plan in PLAN.items():
        p = API / src
        if not p.exists():
            continue
        segs = segments_of[src]
        for s in segs:
            if s["kind"] != "test":
                continue
            d = dest_of(s["name"], plan)
            moves.setdefault(d, []).append((src, segs, s))
    out = {}
    for dest, items in moves.items():
        path = API / dest
        existing = segments(path) if path.exists() and dest not in PLAN else []
        have = set().union(*[s["defines"] for s in existing]) if existing else set()
        new_helpers, new_tests, from_names, plain = [], [], {}, []
        fn, pl = import_lines(existing)
        for k, v in fn.items():
            from_names.setdefault(k, set()).update(v)
        plain += pl
        for src, segs, t in items:
            helpers = [s for s in segs if s["kind"] == "helper"]
            need, frontier = set(), set(t["uses"])
            while frontier:
                nm = frontier.pop()
                for h in helpers:
                    if nm in h["defines"] and id(h) not in need:
                        need.add(id(h))
                        frontier |= h["uses"]
            for h in helpers:
                if id(h) in need and not (h["defines"] & have):
                    new_helpers.append(h["text"])
                    have |= h["defines"]
            new_tests.append(t["text"])
            fn, pl = import_lines(segs)
            for k, v in fn.items():
                from_names.setdefault(k, set()).update(v)
            plain += pl
        if existing:
            doc = next((s["text"] for s in existing if s["kind"] == "doc"), None)
            rest = [s["text"] for s in existing if s["kind"] not in ("doc", "import")]
        elif dest in PLAN:        # a source keeps what stays, under its own docstring
            doc, rest = next(s["text"] for s in segments_of[dest] if s["kind"] == "doc"), []
        else:
            doc, rest = '"""' + DOCS[dest] + '"""', []
        body = "\n\n\n".join(rest + new_helpers + new_tests)
        text = doc + "\n\n" + render_imports(from_names, plain, body) + "\n\n\n" + body + "\n"
        out[dest] = text
    for src in PLAN:
        p = API / src
        if p.exists() and src not in out:
            p.unlink()
    for dest, text in out.items():
        (API / dest).write_text(text)
        print("wrote", dest)


main()
