"""TEMPORARY STAND-IN (issue 13): school records written straight into a
school's store with SQL, for the export tests, until the students API
(branch `students`) and the Matrícula import (branch `import`) are merged.
Replace its uses with those APIs then; nothing else should grow on it.

Works on both backends: a SQLite file (autocommit connection) or a
PostgreSQL schema (PgStore, autocommit session)."""

import sqlite3

from .pg import PgStore

NOW = "2026-01-01T00:00:00Z"


class RecordsSQL:
    def __init__(self, store):
        self.store = store
        self.con = None
        if not isinstance(store, PgStore):
            self.con = sqlite3.connect(str(store), timeout=10, isolation_level=None)

    def close(self):
        if self.con is not None:
            self.con.close()
            self.con = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def insert(self, table, **cols):
        """Inserts a row; returns its id (None for tables without one)."""
        names = ", ".join(cols)
        marks = ", ".join("?" for _ in cols)
        has_id = table not in ("student_representatives",)
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})" + (" RETURNING id" if has_id else "")
        params = tuple(cols.values())
        if self.con is not None:
            rows = self.con.execute(sql, params).fetchall()
        else:
            rows = self.store.rows(sql, params)
        return rows[0][0] if has_id else None

    # ---- the records, with the defaults the schema needs ----

    def year(self, name, starts_on, ends_on, current=False):
        return self.insert("school_years", name=name, starts_on=starts_on, ends_on=ends_on,
                           is_current=1 if current else 0, created_at=NOW)

    def grade(self, level, number, name):
        return self.insert("grades", level=level, number=number, name=name)

    def section(self, year_id, grade_id, letter):
        return self.insert("sections", year_id=year_id, grade_id=grade_id, letter=letter,
                           created_at=NOW)

    def student(self, section_id=None, **cols):
        row = {"status": "activo", "created_at": NOW, "updated_at": NOW, **cols}
        row["section_id"] = section_id
        return self.insert("students", **row)

    def enrolment(self, student_id, section_id, starts_on, ends_on=None, start_reason="ingreso",
                  end_reason=None):
        return self.insert("enrolments", student_id=student_id, section_id=section_id,
                           starts_on=starts_on, ends_on=ends_on, start_reason=start_reason,
                           end_reason=end_reason, created_at=NOW)

    def representative(self, **cols):
        return self.insert("representatives", **{"created_at": NOW, "updated_at": NOW, **cols})

    def link(self, student_id, representative_id, position, relationship="", is_primary=0):
        self.insert("student_representatives", student_id=student_id,
                    representative_id=representative_id, position=position,
                    relationship=relationship, is_primary=is_primary)

    def authorized(self, student_id, position, **cols):
        return self.insert("authorized_pickups", student_id=student_id, position=position, **cols)
