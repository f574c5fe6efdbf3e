"""The shipped nginx configuration (deploy/nginx/bischeduler.conf) in front of
bischeduler, the way a school network deploys it.

Debian's nginx runs from a temporary directory (its own prefix, pid file,
logs and temp paths) with a configuration generated from the shipped file:
only the base domain, the ports, the certificate paths, the log paths and the
upstream port are substituted, so what is tested is what ships. TLS uses a
throwaway CA and a wildcard certificate made with openssl. The system's nginx
configuration and ports 80/443 are never touched.

Base domain: ueipab.localhost stands in for ueipab.edu.ve. (A certificate for
`*.localhost` cannot be used: OpenSSL (curl, Python's ssl) never matches a
wildcard directly under a single-label name such as `localhost`, so it would
not cover bischeduler-alpha.localhost. `*.ueipab.localhost` has the same shape as
`*.ueipab.edu.ve`.)
"""

import grp
import gzip
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import urllib3

from conftest import (ADMIN_EMAIL, PASSWORD, REPO, Client, audit_row, cli_ok,
                      free_port, parse_set_cookie)

CONF = REPO / "deploy" / "nginx" / "bischeduler.conf"
SHIPPED_BASE = "ueipab.edu.ve"
BASE = "ueipab.localhost"
PROXY_CLIENT = "127.0.0.2"      # a client of nginx (127.0.0.0/8 is all local)
STRANGER = "127.0.0.3"          # talks to bischeduler directly, not a proxy
FORGED = "203.0.113.9"
MAX_BODY = 1048576              # bischeduler's --max-body default = nginx 1m


# --------------------------------------------------------------------------
# nginx and openssl


def _nginx_binary():
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if found:
        return found
    if os.geteuid() != 0:
        pytest.fail("nginx is not installed: run `sudo bash scripts/setup` "
                    "(Debian's nginx package)")
    # Installing Debian's nginx also tries to start its own service; in a
    # container policy-rc.d refuses that, which apt reports without failing.
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    proc = subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends",
         "-o", "DPkg::Lock::Timeout=300", "nginx", "openssl"],
        capture_output=True, text=True, env=env, timeout=900)
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(found, os.X_OK):
        pytest.fail(f"could not install nginx (exit {proc.returncode}):\n"
                    f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return found


def _run(args, cwd):
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"$ {' '.join(args)}\n{proc.stdout}\n{proc.stderr}"
    return proc


def make_certificates(d):
    """A throwaway CA and, signed by it, a wildcard certificate for *.BASE."""
    d.mkdir()
    _run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
          "-subj", "/CN=BiScheduler test CA", "-keyout", "ca.key", "-out", "ca.pem",
          "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign"], d)
    _run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes",
          "-subj", f"/CN=*.{BASE}", "-keyout", "wildcard.key", "-out", "wildcard.csr"], d)
    (d / "ext.cnf").write_text(
        f"subjectAltName=DNS:*.{BASE},DNS:{BASE}\n"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n")
    _run(["openssl", "x509", "-req", "-in", "wildcard.csr", "-CA", "ca.pem",
          "-CAkey", "ca.key", "-set_serial", str(int(time.time())), "-days", "2",
          "-extfile", "ext.cnf", "-out", "wildcard.pem"], d)
    return d / "ca.pem", d / "wildcard.pem", d / "wildcard.key"


def _substitute(text, pattern, repl, what):
    new, n = re.subn(pattern, lambda m: repl, text, flags=re.MULTILINE)
    assert n > 0, f"deploy/nginx/bischeduler.conf: found no {what} to substitute ({pattern!r})"
    return new


def generated_config(d, https_port, http_port, app_port, cert, key):
    """deploy/nginx/bischeduler.conf with only the machine-specific parts
    replaced; fails if one of them cannot be found."""
    text = CONF.read_text(encoding="utf-8")
    text = _substitute(text, r"^[ \t]*listen \[::\]:.*\n", "", "IPv6 listen")
    text = _substitute(text, r"\blisten 443 ", f"listen 127.0.0.1:{https_port} ", "listen 443")
    text = _substitute(text, r"\blisten 80;", f"listen 127.0.0.1:{http_port};", "listen 80")
    text = _substitute(text, r"\bssl_certificate\s+/etc/ssl/\S+;",
                       f"ssl_certificate {cert};", "ssl_certificate")
    text = _substitute(text, r"\bssl_certificate_key\s+/etc/ssl/\S+;",
                       f"ssl_certificate_key {key};", "ssl_certificate_key")
    text = _substitute(text, r"\bserver 127\.0\.0\.1:8080;",
                       f"server 127.0.0.1:{app_port};", "upstream 127.0.0.1:8080")
    text = _substitute(text, r"/var/log/nginx/", f"{d}/logs/", "log path")
    # the server_name regular expression, then the plain names
    text = _substitute(text, re.escape(re.escape(SHIPPED_BASE)), re.escape(BASE),
                       "escaped base domain")
    text = _substitute(text, re.escape(SHIPPED_BASE), BASE, "base domain")
    directives = re.sub(r"#.*", "", text)     # the file has no '#' inside strings
    for leftover in ("/etc/", "/var/", "/run/", ":8080", SHIPPED_BASE, "[::]",
                     "listen 80", "listen 443"):
        lines = [ln for ln in directives.splitlines() if leftover in ln]
        assert not lines, f"generated config still uses {leftover!r}: {lines}"
    return text


def _worker_user():
    for name in ("www-data", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            pass
    return None


def _wait_listening(ports, proc, logs, timeout=15.0):
    """None once nginx accepts on every port, else what went wrong."""
    def tail():
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in logs if p.exists())

    deadline = time.monotonic() + timeout
    waiting = list(ports)
    while waiting and time.monotonic() < deadline:
        if proc.poll() is not None:
            return f"nginx exited with status {proc.returncode}:\n{tail()}"
        try:
            with socket.create_connection(("127.0.0.1", waiting[0]), timeout=1):
                waiting.pop(0)
        except OSError:
            time.sleep(0.05)
    if waiting:
        return (f"nginx did not listen on 127.0.0.1:{waiting[0]} within {timeout} s:\n"
                f"{tail()}")
    return None


def _children(pid):
    kids = []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            fields = (p / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(p.name))
    return kids


def _stop_nginx(proc):
    if proc is None:
        return
    workers = _children(proc.pid)
    if proc.poll() is None:
        proc.send_signal(signal.SIGQUIT)       # graceful: finish, then exit
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for pid in workers:                        # only the workers it started
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Edge:
    """nginx (generated from the shipped config) in front of one bischeduler."""

    def __init__(self, inst, d, ca, https_port, http_port):
        self.inst = inst
        self.dir = d
        self.ca = str(ca)
        self.https_port = https_port
        self.http_port = http_port

    def host(self, code=None):
        return f"bischeduler.{BASE}" if code in (None, "ueipab") else f"bischeduler-{code}.{BASE}"

    def https(self, method, host, path, headers=None, body=None, source="127.0.0.1",
              decode=True):
        """One HTTPS request to nginx from `source`, with SNI and certificate
        checks for `host` against the test CA."""
        pool = urllib3.HTTPSConnectionPool(
            "127.0.0.1", self.https_port, server_hostname=host, assert_hostname=host,
            cert_reqs="CERT_REQUIRED", ca_certs=self.ca,
            source_address=(source, 0), timeout=30, retries=False)
        try:
            h = {"Host": f"{host}:{self.https_port}", "Accept-Encoding": "identity"}
            h.update(headers or {})
            return pool.urlopen(method, path, body=body, headers=h, redirect=False,
                                retries=False, assert_same_host=False,
                                decode_content=decode)
        finally:
            pool.close()

    def http(self, method, host, path, headers=None):
        pool = urllib3.HTTPConnectionPool("127.0.0.1", self.http_port, timeout=30, retries=False)
        try:
            h = {"Host": f"{host}:{self.http_port}"}
            h.update(headers or {})
            return pool.urlopen(method, path, headers=h, redirect=False, retries=False)
        finally:
            pool.close()

    def direct(self, method, code, path, headers=None, body=None, source="127.0.0.1"):
        """A request straight to bischeduler (no nginx) from `source`."""
        pool = urllib3.HTTPConnectionPool("127.0.0.1", self.inst.port,
                                          source_address=(source, 0), timeout=30, retries=False)
        try:
            h = {"Host": f"{self.host(code)}:{self.inst.port}"}
            h.update(headers or {})
            return pool.urlopen(method, path, body=body, headers=h, redirect=False, retries=False)
        finally:
            pool.close()

    def admin_client(self):
        """A signed-in school_admin of alpha talking to bischeduler directly."""
        c = Client(self.inst.port, f"{self.host('alpha')}:{self.inst.port}")
        r = c.login("director@alpha.test")
        assert r.status_code == 200, r.text
        return c

    def error_log(self):
        return (self.dir / "logs" / "error.log").read_text(errors="replace")


def _json(r):
    return json.loads(r.data.decode("utf-8"))


def _login_json(email="director@alpha.test"):
    return json.dumps({"email": email, "password": PASSWORD}).encode()


def _cookie(r, name="bis_session"):
    cookies = [parse_set_cookie(v) for v in r.headers.getlist("Set-Cookie")]
    found = [c for c in cookies if c["name"] == name]
    assert found, f"no {name} cookie in {r.status} reply: {dict(r.headers)}"
    return found[0]


@pytest.fixture(scope="module")
def edge(module_instances):
    nginx = _nginx_binary()
    inst = module_instances("nginx")
    cli_ok("init", "--data", inst.data, "--base-domain", BASE,
           "--admin-email", ADMIN_EMAIL, "--admin-password-file", inst.pwfile)
    inst.create_school("alpha", "Colegio Alfa")
    inst.add_user("alpha", "director@alpha.test", "school_admin")
    inst.start("--base-domain", BASE, "--trusted-proxy", "127.0.0.1")

    # Not under pytest's basetemp (mode 0700): nginx's workers, which run as
    # an unprivileged user when the master is root, write request bodies to
    # the temp paths below.
    d = Path(tempfile.mkdtemp(prefix="bischeduler-nginx-"))
    proc = None
    try:
        (d / "logs").mkdir()
        tmp = d / "tmp"
        tmp.mkdir()
        ca, cert, key = make_certificates(d / "tls")
        user_line = ""
        if os.geteuid() == 0:
            user = _worker_user()
            if user is not None:
                os.chmod(d, 0o711)
                os.chown(tmp, user.pw_uid, user.pw_gid)
                user_line = f"user {user.pw_name} {grp.getgrgid(user.pw_gid).gr_name};"
        for _attempt in range(3):
            https_port, http_port = free_port(), free_port()
            while http_port == https_port:
                http_port = free_port()
            (d / "bischeduler.conf").write_text(
                generated_config(d, https_port, http_port, inst.port, cert, key))
            (d / "nginx.conf").write_text(f"""
{user_line}
worker_processes 1;
pid {d}/nginx.pid;
lock_file {d}/nginx.lock;
error_log {d}/logs/error.log notice;
events {{ worker_connections 256; }}
http {{
    default_type application/octet-stream;
    access_log {d}/logs/access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {d}/bischeduler.conf;
}}
""")
            args = [nginx, "-p", f"{d}/", "-c", f"{d}/nginx.conf", "-e", f"{d}/logs/error.log"]
            check = subprocess.run(args + ["-t"], capture_output=True, text=True, timeout=60)
            assert check.returncode == 0, (f"nginx -t rejected the generated configuration:\n"
                                           f"{check.stderr}\n{(d / 'bischeduler.conf').read_text()}")
            log = d / "logs" / "stderr.log"
            with open(log, "wb") as out:
                proc = subprocess.Popen(args + ["-g", "daemon off;"], stdout=out,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True)
            problem = _wait_listening([https_port, http_port], proc,
                                      [log, d / "logs" / "error.log"])
            if problem is None:
                break
            _stop_nginx(proc)
            proc = None
            if "in use" not in problem:    # only a port taken meanwhile is retried
                break
        if proc is None:
            pytest.fail(problem)
        e = Edge(inst, d, ca, https_port, http_port)
        yield e
        problems = [line for line in e.error_log().splitlines()
                    if re.search(r"\[(crit|alert|emerg)\]", line)]
        assert not problems, "nginx logged errors:\n" + "\n".join(problems)
    finally:
        _stop_nginx(proc)
        shutil.rmtree(d, ignore_errors=True)


# --------------------------------------------------------------------------
# Tests


def test_https_reaches_the_school_named_by_the_host(edge):
    r = edge.https("GET", edge.host("alpha"), "/api/v1/branding")
    assert r.status == 200, r.data
    school = _json(r)["school"]
    assert (school["code"], school["name"]) == ("alpha", "Colegio Alfa")
    assert not school["is_master"]
    assert "max-age=" in r.headers.get("Strict-Transport-Security", ""), dict(r.headers)

    for master in (f"bischeduler.{BASE}", f"scheduler.{BASE}"):
        r = edge.https("GET", master, "/api/v1/branding")
        assert r.status == 200, r.data
        school = _json(r)["school"]
        assert school["code"] == "ueipab" and school["is_master"], (master, school)

    # a guest school that does not exist: nginx passes it on, bischeduler says so
    r = edge.https("GET", edge.host("nadie"), "/api/v1/branding")
    assert r.status == 404 and _json(r)["error"]["code"] == "school_not_found"

    # curl (OpenSSL's strict name rules, as browsers) accepts the wildcard too
    host = edge.host("alpha")
    out = subprocess.run(
        ["curl", "-sS", "--fail", "--cacert", edge.ca,
         "--resolve", f"{host}:{edge.https_port}:127.0.0.1",
         f"https://{host}:{edge.https_port}/api/v1/branding"],
        capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["school"]["name"] == "Colegio Alfa"


def test_http_redirects_permanently_to_https(edge):
    for host in (edge.host("alpha"), edge.host()):
        r = edge.http("GET", host, "/auditoria?desde=2026-01-01&hasta=2026-02-01")
        assert r.status == 301, (r.status, r.data[:300])
        assert r.headers["Location"] == f"https://{host}/auditoria?desde=2026-01-01&hasta=2026-02-01"
    r = edge.http("POST", edge.host("alpha"), "/api/v1/auth/login")
    assert r.status == 301 and r.headers["Location"] == f"https://{edge.host('alpha')}/api/v1/auth/login"


def test_session_cookie_is_secure_over_https(edge):
    r = edge.https("POST", edge.host("alpha"), "/api/v1/auth/login", body=_login_json(),
                   headers={"Content-Type": "application/json"})
    assert r.status == 200, r.data
    cookie = _cookie(r)
    assert "secure" in cookie["attrs"], cookie["raw"]
    assert "httponly" in cookie["attrs"], cookie["raw"]
    # and it works on the next request over HTTPS
    me = edge.https("GET", edge.host("alpha"), "/api/v1/auth/me",
                    headers={"Cookie": f"bis_session={cookie['value']}"})
    assert me.status == 200 and _json(me)["user"]["email"] == "director@alpha.test"


def test_audit_records_the_client_address_not_a_forged_one(edge):
    admin = edge.admin_client()
    # through nginx, from 127.0.0.2, claiming to be someone else
    r = edge.https("POST", edge.host("alpha"), "/api/v1/auth/login", body=_login_json(),
                   headers={"Content-Type": "application/json", "X-Forwarded-For": FORGED},
                   source=PROXY_CLIENT)
    assert r.status == 200, r.data
    row = audit_row(admin, r.headers["X-Request-Id"], action="login")
    assert row["ip"] == PROXY_CLIENT, row

    # straight to bischeduler from an address that is not a trusted proxy:
    # both forwarding headers are ignored
    r = edge.direct("POST", "alpha", "/api/v1/auth/login", body=_login_json(),
                    headers={"Content-Type": "application/json", "X-Forwarded-For": FORGED,
                             "X-Forwarded-Proto": "https"},
                    source=STRANGER)
    assert r.status == 200, r.data
    assert "secure" not in _cookie(r)["attrs"], _cookie(r)["raw"]
    row = audit_row(admin, r.headers["X-Request-Id"], action="login")
    assert row["ip"] == STRANGER, row


def test_metrics_are_refused_at_the_edge(edge):
    for path in ("/metrics", "/metrics?format=prometheus", "//metrics"):
        r = edge.https("GET", edge.host(), path)
        assert r.status == 403, (path, r.status, r.data[:300])
        assert b"bischeduler_requests_total" not in r.data
    # from the machine itself, straight to bischeduler, they are there
    r = edge.direct("GET", None, "/metrics")
    assert r.status == 200 and b"bischeduler_requests_total" in r.data


def test_bodies_over_one_mebibyte_are_refused_at_the_edge(edge):
    def post(size):
        pad = size - len(b'{"x":""}')
        body = b'{"x":"' + b"a" * pad + b'"}'
        assert len(body) == size
        return edge.https("POST", edge.host("alpha"), "/api/v1/auth/logout", body=body,
                          headers={"Content-Type": "application/json"})

    r = post(MAX_BODY + 1)
    assert r.status == 413, (r.status, r.data[:300])
    # answered by nginx (bischeduler never saw it), in the API's error shape
    assert "X-Request-Id" not in r.headers, dict(r.headers)
    assert r.headers["Content-Type"].startswith("application/json"), dict(r.headers)
    err = _json(r)["error"]
    assert err["code"] == "body_too_large" and err["message"], err

    # exactly the limit passes nginx and reaches bischeduler (no session: 401)
    r = post(MAX_BODY)
    assert r.status == 401, (r.status, r.data[:300])
    assert r.headers.get("X-Request-Id"), dict(r.headers)


def test_assets_are_compressed_and_revalidated(edge):
    host = edge.host("alpha")
    script = (REPO / "web" / "assets" / "app.js").read_bytes()
    r = edge.https("GET", host, "/assets/app.js", headers={"Accept-Encoding": "gzip"},
                   decode=False)
    assert r.status == 200, r.status
    assert r.headers.get("Content-Encoding") == "gzip", dict(r.headers)
    assert gzip.decompress(r.data) == script
    assert len(r.data) < len(script) // 2, (len(r.data), len(script))
    # revalidation, not a long blind cache: the assets' names carry no hash
    assert r.headers.get("Cache-Control") == "no-cache", dict(r.headers)
    assert "Expires" not in r.headers, dict(r.headers)
    etag = r.headers.get("ETag")
    assert etag, dict(r.headers)
    # the browser sends back the (weak, since gzipped) tag it got: 304, no body
    again = edge.https("GET", host, "/assets/app.js",
                       headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status == 304, (etag, again.status, dict(again.headers))
    assert again.data == b""
    # a client that does not take gzip gets the file as it is
    plain = edge.https("GET", host, "/assets/app.js")
    assert plain.status == 200 and "Content-Encoding" not in plain.headers
    assert plain.data == script
