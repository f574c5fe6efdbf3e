"""HTTP helpers: Client (one user agent for one school host, with its own
cookies, CSRF token and bearer token, connecting to 127.0.0.1 and naming the
school in the Host header), reply checks (assert_ok, assert_error, describe)
and pagination/audit look-ups."""

import json as jsonlib
import time
from datetime import datetime, timezone

import pytest
import requests

from .config import PASSWORD, WRITE_METHODS


NOTSET = object()


def describe(r):
    req = r.request
    return (f"{req.method} {req.url} (Host: {req.headers.get('Host')}) -> "
            f"{r.status_code} [{r.headers.get('Content-Type')}] {r.text[:600]!r}")


def parse_set_cookie(raw):
    parts = [p.strip() for p in raw.split(";")]
    name, _, value = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip()
    return {"name": name.strip(), "value": value.strip(), "attrs": attrs, "raw": raw}


def set_cookies(r):
    """All Set-Cookie headers of a reply, parsed."""
    return [parse_set_cookie(v) for v in r.raw.headers.getlist("Set-Cookie")]


def cookie_is_cleared(c):
    if c["value"] in ("", '""'):
        return True
    ma = c["attrs"].get("max-age")
    if ma is not None and ma.lstrip("-").isdigit() and int(ma) <= 0:
        return True
    exp = c["attrs"].get("expires")
    if exp:
        try:
            from email.utils import parsedate_to_datetime
            return parsedate_to_datetime(exp) < datetime.now(timezone.utc)
        except (TypeError, ValueError):
            return False
    return False


class Client:
    """One user agent for one school host: its own cookies, CSRF token and
    (optionally) bearer token. Connects to 127.0.0.1:PORT and sends
    `Host: <host>`."""

    def __init__(self, port, host):
        self.port = port
        self.host = host
        self.http = requests.Session()
        self.cookies = {}
        self.csrf = None
        self.bearer = None
        self.user = None

    def request(self, method, path, json=NOTSET, data=None, headers=None,
                params=None, csrf=NOTSET, bearer=NOTSET, send_cookies=True,
                content_type=NOTSET, timeout=30):
        method = method.upper()
        h = {"Host": self.host}
        if json is not NOTSET:
            data = jsonlib.dumps(json).encode("utf-8")
            if content_type is NOTSET:
                content_type = "application/json"
        if content_type is not NOTSET and content_type is not None:
            h["Content-Type"] = content_type
        if send_cookies and self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        tok = self.bearer if bearer is NOTSET else bearer
        if tok:
            h["Authorization"] = f"Bearer {tok}"
        if method in WRITE_METHODS:
            c = self.csrf if csrf is NOTSET else csrf
            if c:
                h["X-CSRF-Token"] = c
        if headers:
            h.update(headers)
        # The server closes keep-alive connections idle for 30 s (--timeout);
        # a pooled connection older than that would be reset on reuse, so
        # a client that sat idle starts a fresh one.
        now = time.monotonic()
        if now - getattr(self, "_last_request", now) > 20:
            self.http.close()
        self._last_request = now
        r = self.http.request(method, f"http://127.0.0.1:{self.port}{path}",
                              data=data, headers=h, params=params,
                              timeout=timeout, allow_redirects=False)
        self.http.cookies.clear()    # cookies are ours (see self.cookies)
        for c in set_cookies(r):
            if cookie_is_cleared(c):
                self.cookies.pop(c["name"], None)
            else:
                self.cookies[c["name"]] = c["value"]
        return r

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=NOTSET, **kw):
        return self.request("POST", path, json=json, **kw)

    def patch(self, path, json=NOTSET, **kw):
        return self.request("PATCH", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, email, password=PASSWORD):
        r = self.post("/api/v1/auth/login", json={"email": email, "password": password})
        if r.status_code == 200:
            body = r.json()
            self.csrf = body.get("csrf_token")
            self.user = body.get("user")
        return r

    @property
    def session_cookie(self):
        return self.cookies.get("bis_session")

    def close(self):
        self.http.close()


def assert_error(r, status, code=None, field=None):
    """The reply is an error in the contract's shape; returns the error."""
    assert r.status_code == status, describe(r)
    ctype = r.headers.get("Content-Type", "")
    assert ctype.startswith("application/json"), describe(r)
    body = r.json()
    err = body.get("error") if isinstance(body, dict) else None
    assert isinstance(err, dict), describe(r)
    if code is not None:
        assert err.get("code") == code, describe(r)
    msg = err.get("message")
    assert isinstance(msg, str) and msg.strip(), f"error without a message: {describe(r)}"
    assert msg != err.get("code"), f"message is not a human sentence: {describe(r)}"
    if field is not None:
        assert err.get("field") == field, describe(r)
    return err


def assert_ok(r, status=200):
    assert r.status_code == status, describe(r)
    assert r.headers.get("Content-Type", "").startswith("application/json"), describe(r)
    return r.json()


def as_json(v):
    """AUDIT before/after are JSON values; tolerate a JSON-encoded string."""
    if isinstance(v, str):
        try:
            return jsonlib.loads(v)
        except ValueError:
            return v
    return v


def all_pages(client, path, params=None, limit=500, max_pages=200):
    """Follows next_cursor; returns every item."""
    items, cursor = [], None
    for _ in range(max_pages):
        p = dict(params or {})
        p["limit"] = limit
        if cursor:
            p["cursor"] = cursor
        body = assert_ok(client.get(path, params=p))
        items.extend(body["items"])
        cursor = body.get("next_cursor")
        if not cursor:
            return items
    pytest.fail(f"{path}: pagination did not end after {max_pages} pages")


def audit_row(client, request_id, **filters):
    """The audit row written by the request with this X-Request-Id."""
    rows = all_pages(client, "/api/v1/audit", params=filters)
    hits = [row for row in rows if row.get("request_id") == request_id]
    assert len(hits) == 1, (f"expected one audit row with request_id {request_id} "
                            f"(filters {filters}), found {len(hits)}; rows: {rows[:10]}")
    return hits[0]


def wait_until(predicate, timeout=3.0, interval=0.1):
    """Polls predicate() until it returns a truthy value; returns the last value."""
    deadline = time.monotonic() + timeout
    while True:
        v = predicate()
        if v or time.monotonic() >= deadline:
            return v
        time.sleep(interval)
