"""Support package of the black-box API tests (tests/api).

Every test talks to a real server over HTTP on 127.0.0.1 and picks the
school with the Host header, exactly like a browser on *.localhost would.
Servers run on fresh temporary data directories; their stderr goes to a file
that is checked after every test for sanitizer reports (AddressSanitizer,
UndefinedBehaviorSanitizer, LeakSanitizer), and at shutdown (SIGTERM) for a
clean exit with status 0.

Modules:
  config   the binary ($BISCHEDULER_BIN, default <repo>/build/bischeduler),
           the backend ($BISCHEDULER_TEST_BACKEND: sqlite, the default, or
           postgres), shared constants, free_port()
  cli      running `bischeduler` commands (cli, cli_ok)
  client   Client (one user agent on one school host), reply checks
  pg       the throwaway PostgreSQL 15 cluster and the tests' own sessions
           (psycopg2); every data directory a test names gets its own
           database, and `--data DIR` given to the binary becomes
           `--database URL` of that database
  server   Instance (a data directory and the server serving it),
           InstanceManager
  world    the shared world of schools and users
  stores   store and migration helpers (store_rows, store_shape,
           build_store, ...) taking a Path (SQLite) or a PgStore
  metrics  Prometheus text parsing
  routes   the routing table and role permissions, from tests/tools/routes_json
  links    the /clave/ link of the newest mail to an address (mail_queue)

conftest.py declares the fixtures and hooks and re-exports these names, so
tests may keep writing `from conftest import ...`.
"""

from .cli import *          # noqa: F401,F403
from .client import *       # noqa: F401,F403
from .config import *       # noqa: F401,F403
from .metrics import *      # noqa: F401,F403
from .pg import *           # noqa: F401,F403
from .routes import *       # noqa: F401,F403
from .server import *       # noqa: F401,F403
from .stores import *       # noqa: F401,F403
from .links import *         # noqa: F401,F403
from .world import *        # noqa: F401,F403
