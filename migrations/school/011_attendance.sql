-- Issue #16: the school year's calendar, daily attendance and what the
-- monthly report and the absence alerts need. Dates are school-local ISO
-- dates (YYYY-MM-DD); times of change ISO 8601 UTC text.

-- A day of a school year on which there is no school: a national holiday
-- (prefilled, editable), a break (vacaciones: one row per day of it), a
-- closure (elections, repairs) or another reason. Every other weekday
-- (Monday to Friday) from the year's starts_on to its ends_on is a school
-- day (día hábil); src/school/calendar.c is the only reader of this rule.
CREATE TABLE calendar_days (
    id {{id_pk}},
    year_id {{int}} NOT NULL REFERENCES school_years(id) ON DELETE CASCADE,
    date {{key_text}} NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('feriado', 'vacaciones', 'cierre', 'otro')),
    name TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (year_id, date)
);

-- One taking of attendance: a section on a school day. block 0 is the
-- day's record (the one the Ministry's report counts); 1..n are blocks of
-- periods for a school that takes attendance per block (setting
-- attendance_per_block = 1), from which the day's record is derived.
-- client_time: when the device made the latest edit applied (the later
-- edit wins when an offline device sends an older one afterwards).
CREATE TABLE attendance_sessions (
    id {{id_pk}},
    section_id {{int}} NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    date {{key_text}} NOT NULL,
    block {{int}} NOT NULL DEFAULT 0 CHECK (block BETWEEN 0 AND 12),
    taken_by {{int}} REFERENCES users(id) ON DELETE SET NULL,
    taken_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    client_time TEXT NOT NULL DEFAULT '',
    UNIQUE (section_id, date, block)
);
CREATE INDEX attendance_sessions_date ON attendance_sessions (date);

-- The marks of a session that are not "present": a student enrolled in the
-- section that day without a row here was present. late counts as present
-- in the report; justified carries its reason.
CREATE TABLE attendance_marks (
    session_id {{int}} NOT NULL REFERENCES attendance_sessions(id) ON DELETE CASCADE,
    student_id {{int}} NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('absent', 'late', 'justified')),
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, student_id)
);
CREATE INDEX attendance_marks_student ON attendance_marks (student_id);

-- A run of consecutive unjustified absences the representatives were told
-- about by mail (one mail per run: the run is named by its first day).
CREATE TABLE attendance_alerts (
    id {{id_pk}},
    student_id {{int}} NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    run_starts_on TEXT NOT NULL,
    days {{int}} NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (student_id, run_starts_on)
);
