"""SIGTERM: requests in flight complete, new connections are refused, exit 0."""

import json
import signal
import socket
import time

from conftest import PASSWORD, sanitizer_findings


def _read_reply(sock, timeout=15):
    sock.settimeout(timeout)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
        head, sep, body = data.partition(b"\r\n\r\n")
        if sep:
            length = [l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
            if length and len(body) >= int(length[0].split(b":")[1]):
                break
    return data


def _new_connection_is_refused(inst):
    """True if a new connection is refused or closed at once without a reply."""
    try:
        probe = socket.create_connection(("127.0.0.1", inst.port), timeout=2)
    except ConnectionRefusedError:
        return True
    try:
        probe.sendall(f"GET /healthz HTTP/1.1\r\nHost: {inst.host()}\r\nConnection: close\r\n\r\n".encode())
        probe.settimeout(3)
        return probe.recv(100) == b""        # closed without serving it
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False                          # accepted and left hanging
    finally:
        probe.close()


def test_sigterm_lets_a_request_in_flight_finish_and_exits_0(instances):
    inst = instances("sigterm")
    inst.init()
    inst.create_school("alpha", "Colegio Alfa")
    inst.add_user("alpha", "docente@alpha.test", "teacher")
    inst.start()

    body = json.dumps({"email": "docente@alpha.test", "password": PASSWORD}).encode()
    half = len(body) // 2
    head = (f"POST /api/v1/auth/login HTTP/1.1\r\n"
            f"Host: {inst.host('alpha')}\r\n"
            f"Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n").encode()
    sock = socket.create_connection(("127.0.0.1", inst.port), timeout=10)
    try:
        sock.sendall(head + body[:half])
        time.sleep(0.3)                       # the server has the headers
        inst.stopped_by_test = True
        inst.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)

        refused = _new_connection_is_refused(inst)
        sock.sendall(body[half:])
        reply = _read_reply(sock)
    finally:
        sock.close()

    status_line = reply.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 200") or status_line.startswith(b"HTTP/1.1 401"), \
        f"request in flight got {reply[:300]!r}"
    assert refused, "a new connection after SIGTERM was not refused (served or left hanging)"
    try:
        rc = inst.proc.wait(timeout=30)
    except Exception:
        inst.proc.kill()
        raise AssertionError("server did not exit within 30 s of SIGTERM")
    stderr = inst.stderr_text()
    assert not sanitizer_findings(stderr), stderr[-6000:]
    assert rc == 0, f"exit status {rc}:\n{stderr[-3000:]}"


def test_sigint_stops_the_server_cleanly(instances):
    inst = instances("sigint")
    inst.init()
    inst.start()
    assert inst.client().get("/healthz").status_code == 200
    inst.stopped_by_test = True
    inst.proc.send_signal(signal.SIGINT)
    rc = inst.proc.wait(timeout=30)
    stderr = inst.stderr_text()
    assert not sanitizer_findings(stderr), stderr[-6000:]
    assert rc == 0, f"exit status {rc}:\n{stderr[-3000:]}"


def test_idle_connections_are_closed_after_the_timeout(instances):
    inst = instances("idle-conn")
    inst.init()
    inst.start("--timeout", "1")
    sock = socket.create_connection(("127.0.0.1", inst.port), timeout=10)
    try:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")   # headers never finished
        started = time.monotonic()
        sock.settimeout(10)
        try:
            data = sock.recv(100)
        except ConnectionResetError:
            data = b""
        waited = time.monotonic() - started
    finally:
        sock.close()
    assert data == b"", f"expected the server to hang up, got {data!r}"
    assert waited < 8, f"the idle connection stayed open {waited:.1f} s with --timeout 1"
