-- The students list (src/school/students.c): a search key and the indexes
-- that keep a page of 50 fast with 10,000 students.
--
-- `search_text` is "last names first names cédula-digits", lowercased with
-- the accents taken off (students_search_key() writes it on every insert
-- and update), so "perez" finds "Pérez" and "12345" finds V12345678 with
-- one LIKE on both backends. Rows whose key is still '' (written by code
-- that does not know the column) get it before the next search
-- (students_search_fill()). The index makes both cheap: the search scans
-- the index, not the table, and the '' rows are one seek away.
ALTER TABLE students ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
CREATE INDEX students_search ON students (search_text);

-- The list's order (last_names, first_names, id), whole and per section.
CREATE INDEX students_order ON students (last_names, first_names, id);
CREATE INDEX students_section_order ON students (section_id, last_names, first_names, id);
CREATE INDEX students_status_order ON students (status, last_names, first_names, id);
-- The open enrolment of a student (ends_on IS NULL).
CREATE INDEX enrolments_student_open ON enrolments (student_id, ends_on);
