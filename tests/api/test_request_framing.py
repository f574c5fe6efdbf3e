"""Requests whose framing is ambiguous are refused with 400 in our JSON
shape, over raw sockets (a proxy and this server must never disagree on
where a request ends or which school it names); and what the log prints of
a request is escaped, one JSON object per line."""

import json
import socket

import pytest

from conftest import wait_until


def _raw(port, data, timeout=5):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


def _status_and_body(reply):
    head, _, body = reply.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), head.decode("latin-1"), body


def _request(host, *lines, body=b""):
    head = [b"POST /api/v1/auth/login HTTP/1.1", b"Host: " + host.encode(),
            b"Content-Type: application/json", *lines, b"Connection: close"]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


LOGIN = json.dumps({"email": "nadie@ueipab.test", "password": "x" * 12}).encode()


@pytest.mark.parametrize("name,extra,body", [
    ("two Host headers", [b"Host: bischeduler-alpha.localhost"], LOGIN),
    ("two Content-Length headers",
     [b"Content-Length: %d" % len(LOGIN), b"Content-Length: %d" % len(LOGIN)], LOGIN),
    ("Content-Length and Transfer-Encoding",
     [b"Content-Length: %d" % len(LOGIN), b"Transfer-Encoding: chunked"],
     b"%x\r\n" % len(LOGIN) + LOGIN + b"\r\n0\r\n\r\n"),
])
def test_ambiguous_framing_answers_400_in_our_shape(world, name, extra, body):
    reply = _raw(world.port, _request(world.host(), *extra, body=body))
    status, head, payload = _status_and_body(reply)
    assert status == 400, f"{name}: {head}"
    err = json.loads(payload)["error"]
    assert err["code"] == "bad_request" and "solicitud" in err["message"], err
    assert "X-Request-Id" in head and "Content-Security-Policy" in head, head
    assert "connection: close" in head.lower(), head


@pytest.mark.parametrize("target", ["/api/v1/branding%00.png", "/api/v1/branding?x=%00"])
def test_a_nul_in_the_target_answers_400(world, target):
    req = f"GET {target} HTTP/1.1\r\nHost: {world.host()}\r\nConnection: close\r\n\r\n"
    status, head, payload = _status_and_body(_raw(world.port, req.encode()))
    assert status == 400, head
    assert json.loads(payload)["error"]["code"] == "bad_request"


@pytest.mark.parametrize("name,req", [
    ("raw NUL in the path", b"GET /api/v1/branding\x00/x HTTP/1.1\r\nHost: {host}\r\n"
                            b"Connection: close\r\n\r\n"),
    ("raw NUL in the query", b"GET /api/v1/branding?a=\x00b HTTP/1.1\r\nHost: {host}\r\n"
                             b"Connection: close\r\n\r\n"),
    ("raw NUL in Host", b"GET /api/v1/branding HTTP/1.1\r\nHost: {host}\x00.evil.example\r\n"
                        b"Connection: close\r\n\r\n"),
    ("raw NUL in the last header, Host", b"GET /api/v1/branding HTTP/1.1\r\nConnection: close\r\n"
                                         b"Host: {host}\x00.evil.example\r\n\r\n"),
])
def test_a_raw_nul_byte_in_the_target_or_host_answers_400(world, name, req):
    # libmicrohttpd would cut the value at the NUL and serve what precedes it
    reply = _raw(world.port, req.replace(b"{host}", world.host().encode()))
    status, head, payload = _status_and_body(reply)
    assert status == 400, f"{name}: {head}"
    assert json.loads(payload)["error"]["code"] == "bad_request"


@pytest.mark.parametrize("name,req", [
    ("query string", b"GET /api/v1/branding?x=1&y=%41 HTTP/1.1\r\nHost: {host}\r\n"
                     b"Connection: close\r\n\r\n"),
    ("bare LF line ends", b"GET /api/v1/branding HTTP/1.1\nHost: {host}\nConnection: close\n\n"),
    ("Host as the last header", b"GET /api/v1/branding HTTP/1.1\r\nConnection: close\r\n"
                                b"Host: {host}\r\n\r\n"),
    ("HTTP/1.0", b"GET /api/v1/branding HTTP/1.0\r\nHost: {host}\r\n\r\n"),
])
def test_requests_without_a_nul_are_served_however_their_lines_end(world, name, req):
    status, head, _ = _status_and_body(_raw(world.port, req.replace(b"{host}", world.host().encode())))
    assert status == 200, f"{name}: {head}"


def test_a_single_host_and_length_still_work(world):
    reply = _raw(world.port, _request(world.host(), b"Content-Length: %d" % len(LOGIN),
                                      body=LOGIN))
    status, head, _ = _status_and_body(reply)
    assert status == 401, head       # a normal (failed) sign-in, not a 400


def test_the_access_log_escapes_control_characters(world):
    evil = "/%1b[2J%1b]0;owned%07%0d%0a{\"fake\":1}%ff"
    req = (f"GET {evil} HTTP/1.1\r\nHost: {world.host()}\r\n"
           f"Connection: close\r\n\r\n").encode()
    reply = _raw(world.port, req)
    status, head, _ = _status_and_body(reply)
    rid = [l.split(":", 1)[1].strip() for l in head.split("\r\n")
           if l.lower().startswith("x-request-id:")][0]

    def line():
        for l in world.stderr_text().splitlines():
            if rid in l:
                return l
        return None
    found = wait_until(line, timeout=3)
    assert found, "no access log line for the request"
    assert not any(ord(c) < 0x20 for c in found), repr(found)
    entry = json.loads(found)          # one object, whole: the CR LF did not split it
    assert entry["request_id"] == rid and "fake" not in entry, entry
    assert entry["path"].startswith("/\x1b[2J"), entry


def test_libmicrohttpd_messages_are_json_log_lines(world):
    # a header beyond libmicrohttpd's memory limit: it answers by itself
    req = (f"GET /api/v1/branding HTTP/1.1\r\nHost: {world.host()}\r\n"
           f"X-Big: {'a' * 70000}\r\n\r\n").encode()
    try:
        _raw(world.port, req)
    except (ConnectionResetError, BrokenPipeError):
        pass

    def mhd_lines():
        return [l for l in world.stderr_text().splitlines() if "libmicrohttpd" in l]
    lines = wait_until(mhd_lines, timeout=3)
    assert lines, "libmicrohttpd wrote nothing about the oversized header"
    for l in lines:
        entry = json.loads(l)
        assert entry["level"] == "warn" and entry["msg"].startswith("libmicrohttpd: "), entry
