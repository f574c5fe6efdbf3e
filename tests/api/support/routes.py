"""The server's routing table and the roles' permissions, as the binary
itself has them: printed by tests/tools/routes_json (built next to the
server by CMake, linking the same library). Its path is
$BISCHEDULER_ROUTES_JSON, by default `routes_json` beside $BISCHEDULER_BIN."""

import json
import os
import subprocess
from pathlib import Path

from .config import BIN


def _tool_path():
    raw = os.environ.get("BISCHEDULER_ROUTES_JSON")
    if raw:
        p = Path(raw)
        return p if p.is_absolute() else Path.cwd() / p
    return BIN.parent / "routes_json"


ROUTES_JSON = _tool_path()


def routes_table():
    """{"routes": [{method, pattern, perm, scope, json_body}...],
    "roles": {role: perm bits}, "route_public": bits, "route_session": bits}"""
    if not (ROUTES_JSON.is_file() and os.access(ROUTES_JSON, os.X_OK)):
        raise FileNotFoundError(f"routes_json not found or not executable: {ROUTES_JSON} "
                                "(build it, or set BISCHEDULER_ROUTES_JSON)")
    out = subprocess.run([str(ROUTES_JSON)], capture_output=True, text=True, timeout=30,
                         check=True).stdout
    return json.loads(out)
