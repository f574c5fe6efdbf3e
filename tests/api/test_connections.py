"""Slow or numerous connections cannot starve the server: a request must send
its headers within --header-timeout (however it trickles them), and one
client address may hold at most --max-connections-per-ip connections
(trusted proxies exempt). bench/http/slow-headers runs the same at ~1,000
connections."""

import socket
import time

import pytest


SLOW = 200          # slow-header connections the first test opens


def _connect(port, source="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s


def _is_closed(s):
    """True if the server closed (or reset) the connection."""
    s.setblocking(False)
    try:
        return s.recv(4096) == b""
    except BlockingIOError:
        return False
    except (ConnectionResetError, BrokenPipeError):
        return True
    finally:
        s.setblocking(True)


def _trickle(s, byte=b"a"):
    try:
        s.send(byte)
        return True
    except (ConnectionResetError, BrokenPipeError, OSError):
        return False


def _get(port, host, source="127.0.0.1", path="/api/v1/branding"):
    """A plain request on a fresh connection: (status, seconds)."""
    start = time.monotonic()
    s = _connect(port, source)
    try:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        return int(data.split(b" ", 2)[1]), time.monotonic() - start
    finally:
        s.close()


@pytest.fixture(scope="module")
def guarded(module_instances):
    inst = module_instances("conn")
    inst.init()
    inst.start("--header-timeout", "2", "--max-connections-per-ip", str(SLOW + 20))
    return inst


def test_slow_headers_are_cut_at_the_deadline_while_others_are_served(guarded):
    port, host = guarded.port, guarded.host()
    slow = []
    for _ in range(SLOW):
        s = _connect(port)
        s.sendall(f"GET /api/v1/branding HTTP/1.1\r\nHost: {host}\r\nX-Slow: ".encode())
        slow.append(s)
    opened = time.monotonic()
    # another client is served at once, while the slow ones hold their slots
    status, took = _get(port, host, source="127.0.0.2")
    assert status == 200 and took < 1.0, (status, took)
    # the slow ones keep sending a byte every 0.3 s: an idle timeout (30 s)
    # would never fire; the header deadline (2 s) must
    while time.monotonic() - opened < 4.5:
        for s in slow:
            _trickle(s)
        time.sleep(0.3)
    closed = sum(1 for s in slow if _is_closed(s) or not _trickle(s))
    for s in slow:
        s.close()
    assert closed == SLOW, f"only {closed} of {SLOW} slow-header connections were cut"
    status, _ = _get(port, host)
    assert status == 200


def test_a_complete_request_is_not_cut_by_the_header_deadline(guarded):
    """Keep-alive: a connection that sent a request in time may sit idle (up
    to --timeout) and send the next one."""
    port, host = guarded.port, guarded.host()
    s = _connect(port)
    try:
        req = f"GET /api/v1/branding HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
        s.sendall(req)
        assert s.recv(65536).startswith(b"HTTP/1.1 200")
        time.sleep(3)                 # past --header-timeout, within --timeout
        s.sendall(req)
        assert s.recv(65536).startswith(b"HTTP/1.1 200")
    finally:
        s.close()


def test_one_address_may_hold_only_so_many_connections(instances):
    inst = instances("perip")
    inst.init()
    inst.start("--max-connections-per-ip", "20")
    port, host = inst.port, inst.host()
    crowd = "127.0.0.3"          # an address nothing else of the suite uses
    conns = [_connect(port, crowd) for _ in range(30)]
    time.sleep(0.5)
    closed = [_is_closed(s) for s in conns]
    assert sum(closed) == 10, f"{sum(closed)} of 30 connections closed; the limit is 20"
    # another address is not affected
    status, took = _get(port, host, source="127.0.0.2")
    assert status == 200 and took < 1.0, (status, took)
    # this address is refused until it lets go of one
    assert _get_or_closed(port, host, crowd) is None
    for s in conns:
        s.close()
    time.sleep(0.3)
    status, _ = _get(port, host, source=crowd)
    assert status == 200


def _get_or_closed(port, host, source):
    try:
        status, _ = _get(port, host, source=source)
        return status
    except (ConnectionResetError, IndexError, ValueError):
        return None


def test_a_trusted_proxy_is_exempt_from_the_per_address_limit(instances):
    inst = instances("perip-proxy")
    inst.init()
    inst.start("--max-connections-per-ip", "5", "--trusted-proxy", "127.0.0.1")
    conns = [_connect(inst.port) for _ in range(10)]
    time.sleep(0.5)
    try:
        assert not any(_is_closed(s) for s in conns)
        status, _ = _get(inst.port, inst.host())
        assert status == 200
    finally:
        for s in conns:
            s.close()
