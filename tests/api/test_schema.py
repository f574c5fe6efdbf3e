"""One migration source, two backends, one schema: a fresh platform on
SQLite and one on PostgreSQL end with the same tables, columns (name,
nullability, broad type), primary keys, unique constraints, foreign keys,
check constraints and indexes, read back from each database's own catalog.
And a migration naming a substitution the dialect table lacks stops the
build, naming the file and line.

Runs on either suite backend: the PostgreSQL side uses the session's
throwaway cluster (started here if the suite runs on SQLite)."""

import re
import sqlite3
import subprocess
from pathlib import Path

from conftest import BIN, PgStore, pg_schema, shared_cluster

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def postgres_only_indexes():
    """Index names a migration creates for PostgreSQL alone ({{only
    postgres: CREATE INDEX name ...}}: an index type SQLite lacks)."""
    names = set()
    for f in MIGRATIONS.rglob("*.sql"):
        names |= set(re.findall(r"\{\{only postgres:\s*CREATE INDEX (\w+)", f.read_text()))
    return names


def sqlite_only_indexes():
    """Index names a migration drops on PostgreSQL alone ({{only postgres:
    DROP INDEX name}}: indexes PostgreSQL does without, SQLite keeps)."""
    names = set()
    for f in MIGRATIONS.rglob("*.sql"):
        names |= set(re.findall(r"\{\{only postgres:\s*DROP INDEX (\w+)", f.read_text()))
    return names


def _broad(sqltype):
    t = sqltype.lower()
    if "int" in t:
        return "integer"
    if "char" in t or "text" in t:
        return "text"
    return t


def _check(expr):
    """A CHECK as (column, its allowed literals): both catalogs' spellings
    ("status IN ('a', 'b')", "((status = ANY (ARRAY['a'::text, ...])))")
    come down to that."""
    body = re.sub(r"^\s*CHECK\s*", "", expr, flags=re.I)
    column = re.search(r"[a-z_][a-z0-9_]*", body).group(0)
    return (column, tuple(sorted(re.findall(r"'([^']*)'", body))))


def _check_clauses(create_sql):
    """The CHECK (...) clauses of a CREATE TABLE statement (SQLite keeps no
    other record of them)."""
    out = []
    for m in re.finditer(r"\bCHECK\s*\(", create_sql, re.I):
        depth, i = 0, m.end() - 1
        while True:
            depth += {"(": 1, ")": -1}.get(create_sql[i], 0)
            if depth == 0:
                break
            i += 1
        out.append(_check(create_sql[m.start():i + 1]))
    return out


def sqlite_schema(path):
    con = sqlite3.connect(str(path))
    try:
        schema = {}
        tables = [r for r in con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for name, sql in tables:
            info = con.execute(f'PRAGMA table_info("{name}")').fetchall()
            columns = {c[1]: (_broad(c[2]), bool(c[3]) or c[5] > 0) for c in info}
            pk = tuple(c[1] for c in sorted((c for c in info if c[5] > 0), key=lambda c: c[5]))
            uniques, indexes = set(), set()
            for _, iname, unique, origin, partial in con.execute(f'PRAGMA index_list("{name}")'):
                cols = tuple(r[2] for r in con.execute(f'PRAGMA index_info("{iname}")'))
                if origin == "u":
                    uniques.add(cols)
                elif origin == "c" and iname not in SQLITE_ONLY:
                    indexes.add((iname, cols, bool(unique), bool(partial)))
            fks = {}
            for fk in con.execute(f'PRAGMA foreign_key_list("{name}")'):
                cols, ref, rcols, ondelete = fks.get(fk[0], ((), fk[2], (), fk[6]))
                fks[fk[0]] = (cols + (fk[3],), ref, rcols + (fk[4],), ondelete.upper())
            schema[name] = {"columns": columns, "primary_key": pk, "unique": uniques,
                            "foreign_keys": set(fks.values()),
                            "checks": set(_check_clauses(sql)), "indexes": indexes}
        return schema
    finally:
        con.close()


_ON_DELETE = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


def pg_store_schema(store):
    db, sch = store.db, store.schema

    def cols_of(table_oid, attnums):
        names = dict(db.rows("SELECT attnum::text, attname FROM pg_attribute WHERE attrelid = ?",
                             (table_oid,)))
        return tuple(names[str(n)] for n in attnums)

    def int_list(text):            # an int2vector or int2[] as text
        return [int(x) for x in re.findall(r"-?\d+", text or "")]

    schema = {}
    for oid, name in db.rows(
            "SELECT c.oid::text, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = ? AND c.relkind = 'r'", (sch,)):
        columns = {a: (_broad(t), nn == "true") for a, t, nn in db.rows(
            "SELECT attname, format_type(atttypid, atttypmod), attnotnull::text FROM pg_attribute "
            "WHERE attrelid = ? AND attnum > 0 AND NOT attisdropped", (oid,))}
        entry = {"columns": columns, "primary_key": (), "unique": set(), "foreign_keys": set(),
                 "checks": set(), "indexes": set()}
        constraint_indexes = set()
        for ctype, conkey, ftable, fkey, deltype, definition, indexname in db.rows(
                "SELECT contype::text, conkey::text, confrelid::regclass::text, confkey::text, "
                "confdeltype::text, pg_get_constraintdef(oid), conindid::regclass::text "
                "FROM pg_constraint WHERE conrelid = ?", (oid,)):
            cols = cols_of(oid, int_list(conkey))
            if ctype == "p":
                entry["primary_key"] = cols
            elif ctype == "u":
                entry["unique"].add(cols)
            elif ctype == "f":
                ref = ftable.split(".")[-1]
                ref_oid = db.rows("SELECT c.oid::text FROM pg_class c JOIN pg_namespace n "
                                  "ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?",
                                  (sch, ref))[0][0]
                entry["foreign_keys"].add((cols, ref, cols_of(ref_oid, int_list(fkey)),
                                           _ON_DELETE[deltype]))
            elif ctype == "c":
                entry["checks"].add(_check(definition))
            if ctype in ("p", "u") and indexname:
                constraint_indexes.add(indexname.split(".")[-1])
        for iname, indkey, unique, pred in db.rows(
                "SELECT i.relname, x.indkey::text, x.indisunique::text, (x.indpred IS NOT NULL)::text "
                "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = ?", (oid,)):
            if iname not in constraint_indexes and iname not in PG_ONLY:
                entry["indexes"].add((iname, cols_of(oid, int_list(indkey)), unique == "true",
                                      pred == "true"))
        schema[name] = entry
    return schema


PG_ONLY = postgres_only_indexes()
SQLITE_ONLY = sqlite_only_indexes()


def _differences(a, b):
    out = []
    for table in sorted(set(a) | set(b)):
        if table not in a or table not in b:
            out.append(f"{table}: only on {'PostgreSQL' if table in b else 'SQLite'}")
            continue
        for key in a[table]:
            if a[table][key] != b[table][key]:
                out.append(f"{table}.{key}: SQLite {a[table][key]!r} != PostgreSQL {b[table][key]!r}")
    return out


def test_sqlite_and_postgresql_stores_have_the_same_schema(instances):
    lite = instances("schema-sqlite", backend="sqlite")
    pg = instances("schema-postgres", cluster=shared_cluster())
    for inst in (lite, pg):
        inst.init()
        inst.create_school("alfa", "Colegio Alfa")
    assert lite.database is None and pg.database is not None
    pairs = [("master", lite.data / "master.sqlite", PgStore(pg.database, pg_schema("master"))),
             ("school", lite.data / "schools" / "alfa.sqlite", PgStore(pg.database, pg_schema("alfa")))]
    for kind, path, store in pairs:
        a, b = sqlite_schema(path), pg_store_schema(store)
        # the comparison has something to compare: the accounts tables and
        # every kind of constraint are there
        assert {"users", "sessions", "api_tokens", "login_failures", "audit_log",
                "schema_migrations"} <= set(a), (kind, sorted(a))
        for key in ("unique", "foreign_keys", "checks", "indexes"):
            assert any(t[key] for t in a.values()), (kind, key)
        assert a["users"]["checks"], a["users"]
        assert not _differences(a, b), f"{kind} store:\n" + "\n".join(_differences(a, b))
    # the PostgreSQL-only indexes exist there (and were left out above)
    assert PG_ONLY == {"students_search_trgm", "students_search_missing"}, PG_ONLY
    school = PgStore(pg.database, pg_schema("alfa"))
    for name in PG_ONLY:
        assert school.rows("SELECT indexname FROM pg_indexes WHERE indexname = ?"
                           " AND schemaname = current_schema()", (name,)), f"{name} missing"
    # and the ones PostgreSQL drops (the import's fewer indexes) are gone there
    assert "students_search" in SQLITE_ONLY, SQLITE_ONLY
    for name in SQLITE_ONLY:
        assert not school.rows("SELECT indexname FROM pg_indexes WHERE indexname = ?"
                               " AND schemaname = current_schema()", (name,)), name


def test_migration_with_an_unknown_substitution_stops_the_build(tmp_path):
    embed = BIN.parent / "embed"
    src = tmp_path / "migrations"
    (src / "school").mkdir(parents=True)
    (src / "shared").mkdir()
    (src / "shared" / "part.sql").write_text("CREATE TABLE t (\n    id {{id_pk}},\n"
                                             "    n {{integr}} NOT NULL\n);\n")
    good = src / "school" / "001_a.sql"
    good.write_text("CREATE TABLE a (id {{id_pk}}, n {{int}});\n")
    bad = src / "school" / "002_b.sql"
    bad.write_text("-- a typo in a fragment\n{{include shared/part.sql}}\n")
    out = tmp_path / "migrations.c"
    res = subprocess.run([str(embed), "--migrations", str(out), str(tmp_path / "gen"), str(src),
                          str(good), str(bad)], capture_output=True, text=True, timeout=30)
    assert res.returncode != 0, res
    assert "shared/part.sql:3" in res.stderr and "{{integr}}" in res.stderr, res.stderr
    assert not out.exists(), "a failed render left a source file for the build to compile"

    bad.write_text("{{include shared/absent.sql}}\n")
    res = subprocess.run([str(embed), "--migrations", str(out), str(tmp_path / "gen"), str(src),
                          str(good), str(bad)], capture_output=True, text=True, timeout=30)
    assert res.returncode != 0 and "absent.sql" in res.stderr, res

    bad.unlink()
    res = subprocess.run([str(embed), "--migrations", str(out), str(tmp_path / "gen"), str(src),
                          str(good)], capture_output=True, text=True, timeout=30)
    assert res.returncode == 0, res.stderr
    rendered = {d: (tmp_path / "gen" / d / "school" / "001_a.sql").read_text()
                for d in ("sqlite", "postgres", "mariadb")}
    assert rendered["sqlite"] == "CREATE TABLE a (id INTEGER PRIMARY KEY, n INTEGER);\n"
    assert "GENERATED BY DEFAULT AS IDENTITY" in rendered["postgres"]
    assert "AUTO_INCREMENT" in rendered["mariadb"]
