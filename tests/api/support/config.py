"""Settings every part of the support package shares: the binary under
test, the backend ($BISCHEDULER_TEST_BACKEND), the platform's base domain
and the password every test user gets, and a free TCP port."""

import os
import socket
from pathlib import Path


REPO = Path(__file__).resolve().parents[3]


def _binary_path():
    raw = os.environ.get("BISCHEDULER_BIN")
    if not raw:
        return REPO / "build" / "bischeduler"
    p = Path(raw)
    if not p.is_absolute():
        p = Path.cwd() / p
    return p


BIN = _binary_path()
BASE = "localhost"
ADMIN_EMAIL = "admin@ueipab.test"
PASSWORD = "Clave-Segura-2024"      # every test user's password (>= 10 chars)
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
START_TIMEOUT = 30.0                # seconds until /healthz must answer
STOP_TIMEOUT = 30.0                 # seconds until exit after SIGTERM


BACKEND = {"": "sqlite", "sqlite": "sqlite", "postgres": "postgres", "postgresql": "postgres",
           "pg": "postgres"}.get(os.environ.get("BISCHEDULER_TEST_BACKEND", "").strip().lower(), "?")
ON_POSTGRES = BACKEND == "postgres"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
