"""Stores and migrations. A store handle is what Instance.school_store()/
master_store return: a Path (SQLite file) or a PgStore (PostgreSQL schema);
every helper takes either."""

import os
import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from .config import BIN, ON_POSTGRES
from .pg import PG_APP, PgStore, shared_cluster, sql_ident, sql_literal


def migration_dir(kind, postgres=False):
    """The migrations as the binary applies them: written once in
    migrations/, rendered per dialect by the build next to the binary."""
    return BIN.parent / "gen" / "migrations" / ("postgres" if postgres else "sqlite") / kind


def migration_files(kind, postgres=False):
    d = migration_dir(kind, postgres)
    files = sorted(d.glob("[0-9][0-9][0-9]_*.sql"))
    assert files, f"no migrations found in {d}"
    return files


def latest_version(kind):
    latest = max(int(p.name[:3]) for p in migration_files(kind))
    if ON_POSTGRES:
        pg = max(int(p.name[:3]) for p in migration_files(kind, postgres=True))
        assert pg == latest, (f"the sqlite {kind} migrations end at {latest} but "
                              f"the postgres ones at {pg}")
    return latest


_scratch = {}


def scratch_store(tmpdir, name):
    """An empty place for a store of the tests' own (e.g. a reference store
    built from the migration files), on the suite's backend."""
    if not ON_POSTGRES:
        return Path(tmpdir) / f"{name}.sqlite"
    if "db" not in _scratch:
        _scratch["db"] = shared_cluster().new_database("scratch")
    return PgStore(_scratch["db"], re.sub(r"[^a-z0-9_]", "_", name.lower()))


def store_exists(store):
    if isinstance(store, PgStore):
        return store.exists()
    return Path(store).exists()


def remove_store(store):
    if isinstance(store, PgStore):
        store.db.execute(f"DROP SCHEMA IF EXISTS {sql_ident(store.schema)} CASCADE")
        return
    path = Path(store)
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(str(path) + suffix)
        if p.exists():
            p.unlink()


def _utc_now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_store(store, kind, upto):
    """A store built by applying migrations 1..upto from the migration files
    (Python's sqlite3, or SQL over the wire in one transaction), the way an
    older binary would have left it."""
    if isinstance(store, PgStore):
        sch = sql_ident(store.schema)
        script = [f"BEGIN; DROP SCHEMA IF EXISTS {sch} CASCADE; CREATE SCHEMA {sch}; "
                  f"SELECT set_config('search_path', {sql_literal(store.schema)}, true); "
                  "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                  "name TEXT NOT NULL, applied_at TEXT NOT NULL);"]
        for f in migration_files(kind, postgres=True):
            v = int(f.name[:3])
            if v <= upto:
                script.append(f.read_text(encoding="utf-8") + "\n;")
                script.append("INSERT INTO schema_migrations (version, name, applied_at) VALUES "
                              f"({v}, {sql_literal(f.name)}, {sql_literal(_utc_now())});")
        script.append("COMMIT;")
        store.db.execute("\n".join(script))
        return
    remove_store(store)
    con = sqlite3.connect(str(store))
    try:
        con.execute("CREATE TABLE IF NOT EXISTS schema_migrations("
                    "version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)")
        for f in migration_files(kind):
            v = int(f.name[:3])
            if v > upto:
                continue
            con.executescript(f.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                        (v, f.stem[4:], _utc_now()))
        con.commit()
    finally:
        con.close()


def corrupt_store(store):
    """A store that `migrate` cannot bring up to date: bytes that are no
    SQLite database; on PostgreSQL a schema with no recorded version whose
    `settings` table has another shape, so migration 001 fails on it."""
    if isinstance(store, PgStore):
        sch = sql_ident(store.schema)
        store.db.execute(f"BEGIN; DROP SCHEMA IF EXISTS {sch} CASCADE; CREATE SCHEMA {sch}; "
                       f"CREATE TABLE {sch}.schema_migrations (version INTEGER PRIMARY KEY, "
                       "name TEXT NOT NULL, applied_at TEXT NOT NULL); "
                       f"CREATE TABLE {sch}.settings (basura BYTEA); COMMIT")
        return
    remove_store(store)
    with open(store, "wb") as f:
        f.write(b"esto no es una base de datos SQLite \x00\xff" * 300)


def store_rows(store, sql, params=()):
    """Rows of one query (`?` placeholders) on a store."""
    if isinstance(store, PgStore):
        return [tuple(r) for r in store.rows(sql, params)]
    con = sqlite3.connect(str(store), timeout=10)
    try:
        return [tuple(r) for r in con.execute(sql, params).fetchall()]
    finally:
        con.close()


def store_execute(store, sql, params=()):
    """Runs one statement on a store and commits."""
    if isinstance(store, PgStore):
        store.rows(sql, params)
        return
    con = sqlite3.connect(str(store), timeout=10)
    try:
        con.execute(sql, params)
        con.commit()
    finally:
        con.close()


def record_version(store, version, name="from_the_future"):
    """Records a migration in schema_migrations without applying anything
    (e.g. a version newer than the binary)."""
    store_execute(store, "INSERT INTO schema_migrations(version, name, applied_at) "
                  "VALUES (?, ?, ?)", (version, name, "2099-01-01T00:00:00Z"))


def store_versions(store):
    return sorted(int(r[0]) for r in store_rows(store, "SELECT version FROM schema_migrations"))


def store_version(store):
    v = store_versions(store)
    return max(v) if v else 0


def _pg_tables(store):
    return [r[0] for r in store.db.rows(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY 1", (store.schema,))]


def store_shape(store):
    """Tables with their columns, and index names: what a migration changes."""
    if isinstance(store, PgStore):
        shape = {}
        for kind, name, column in store.db.rows(
                "SELECT CASE WHEN c.relkind = 'i' THEN 'index' ELSE 'table' END, c.relname, a.attname "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
                "AND NOT a.attisdropped AND c.relkind IN ('r', 'p') "
                "WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'i')", (store.schema,)):
            cols = shape.setdefault(f"{kind}:{name}", [])
            if kind == "table" and column is not None:
                cols.append(column)
        return {k: tuple(sorted(v)) for k, v in shape.items()}
    con = sqlite3.connect(str(store), timeout=10)
    try:
        shape = {}
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                   "AND name NOT LIKE 'sqlite_%'"):
            cols = tuple(sorted(r[1] for r in con.execute(f'PRAGMA table_info("{name}")')))
            shape["table:" + name] = cols
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='index' "
                                   "AND name NOT LIKE 'sqlite_%'"):
            shape["index:" + name] = ()
        return shape
    finally:
        con.close()


def table_counts(store):
    if isinstance(store, PgStore):
        names = _pg_tables(store)
        if not names:
            return {}
        sch = sql_ident(store.schema)
        row = store.db.rows("SELECT " + ", ".join(
            f"(SELECT count(*) FROM {sch}.{sql_ident(n)})" for n in names))[0]
        return dict(zip(names, (int(v) for v in row)))
    con = sqlite3.connect(str(store), timeout=10)
    try:
        names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                           "AND name NOT LIKE 'sqlite_%'")]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def stores_state(stores):
    """Something that changes as soon as a process starts working on these
    stores: the files of their directories (names, times, sizes: a journal
    appears at the first write); on PostgreSQL the sessions connected to
    their database other than the tests' own, and the migrations committed."""
    stores = list(stores)
    if stores and isinstance(stores[0], PgStore):
        db = stores[0].db
        counts = ", ".join(f"(SELECT count(*) FROM {sql_ident(s.schema)}.schema_migrations)"
                           for s in stores)
        return tuple(db.rows(
            "SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            f"AND backend_type = 'client backend' AND application_name <> {sql_literal(PG_APP)}), "
            + counts)[0])
    state = {}
    for d in sorted({Path(s).parent for s in stores}):
        for e in os.scandir(d):
            try:
                st = e.stat()
            except FileNotFoundError:          # a -wal/-journal file that just went away
                state[e.path] = None
                continue
            state[e.path] = (st.st_mtime_ns, st.st_size)
    return state


def backend_sessions(database):
    """Sessions connected to a database other than the tests' own."""
    return int(database.rows(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND backend_type = 'client backend' "
        "AND application_name <> ?", (database.name, PG_APP))[0][0])
