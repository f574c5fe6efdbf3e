"""Direct store access for the records tests (school structure, staff).

TEST SUPPORT ONLY: students and enrolments are written here with SQL
because the students API (another part of issue #13) is not there yet
when the structure tests are written; once it is, tests should create
students through it. Works on a Path (SQLite) or a PgStore.
"""

import sqlite3
from datetime import datetime, timezone

from .pg import PgStore


def store_insert(store, sql, params=()):
    """Runs one INSERT ... RETURNING id on a store, commits, returns the id."""
    if isinstance(store, PgStore):
        return store.rows(sql, params)[0][0]
    con = sqlite3.connect(str(store), timeout=10)
    try:
        row = con.execute(sql, params).fetchone()
        con.commit()
        return row[0]
    finally:
        con.close()


def _now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def insert_student(store, cedula, first, last, gender, section_id, status="activo",
                   enrolled_on="2025-09-15", condition="regular"):
    """A student (TEST SUPPORT ONLY, see the module docstring) in a section,
    with an open enrolment from `enrolled_on` when active; returns its id."""
    sid = store_insert(store,
                       "INSERT INTO students (cedula, first_names, last_names, gender,"
                       " birth_date, status, academic_condition, section_id, created_at,"
                       " updated_at) VALUES (?, ?, ?, ?, '2010-01-01', ?, ?, ?, ?, ?)"
                       " RETURNING id",
                       (cedula, first, last, gender, status, condition, section_id,
                        _now(), _now()))
    if section_id is not None:
        store_insert(store,
                     "INSERT INTO enrolments (student_id, section_id, starts_on, ends_on,"
                     " end_reason, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                     (sid, section_id, enrolled_on,
                      None if status == "activo" else "2025-11-30",
                      None if status == "activo" else "retiro", _now()))
    return sid
