-- PostgreSQL: fewer indexes on students and enrolments for the Matrícula
-- import to maintain (issue #13: 1,000 students committed within 0.25 s;
-- every row an import inserts goes into each index of its table, and a
-- text index costs PostgreSQL a collated comparison at every level). The
-- ones that go serve nothing another index does not:
-- - students_last_names, students_section, students_status: prefixes of
--   students_order, students_section_order and students_status_order,
--   which serve the same lookups (the list's section and status pages
--   keep their ordered walks);
-- - students_first_names: no query filters or orders by first_names alone
--   over the whole school;
-- - students_search (the whole search key): PostgreSQL searches on the
--   trigram index (migration 006); the key is looked up by value only to
--   find rows still without one (search_text = ''), which the small
--   partial index below holds (rows with a key never enter it);
-- - enrolments_student: a prefix of enrolments_student_open.
-- SQLite keeps them: its list chooses among these indexes explicitly
-- (src/school/students.c) and its inserts already meet the target.
{{only postgres: DROP INDEX students_last_names;}}
{{only postgres: DROP INDEX students_first_names;}}
{{only postgres: DROP INDEX students_section;}}
{{only postgres: DROP INDEX students_status;}}
{{only postgres: DROP INDEX students_search;}}
{{only postgres: CREATE INDEX students_search_missing ON students (id) WHERE search_text = '';}}
{{only postgres: DROP INDEX enrolments_student;}}
