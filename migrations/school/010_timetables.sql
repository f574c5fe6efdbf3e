-- Timetables in the school (issue #15): the week's set-up (bell schedules,
-- the plan de estudio, teaching assignments, teachers' preferences), the
-- timetables themselves (draft, active, archived) with their placed
-- lessons, covers for absent teachers and the secret calendar feeds.
--
-- Days are 1 = lunes .. 7 = domingo. A lesson's `period` is the number of a
-- class period of its section's bell schedule (1-based, breaks not
-- counted), as in the CSV folder format's solution.csv. Times of day are
-- "HH:MM" text.

-- A bell schedule (horario de timbres): the school days it applies to
-- (bit d-1 of `days` for day d; 31 = lunes a viernes) and its periods.
CREATE TABLE bell_schedules (
    id {{id_pk}},
    name {{key_text}} NOT NULL UNIQUE,
    days {{int}} NOT NULL DEFAULT 31 CHECK (days BETWEEN 1 AND 127),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The day of a bell schedule in order: class periods and breaks (receso).
-- Class periods are numbered 1.. in `position` order, breaks are not.
CREATE TABLE bell_periods (
    id {{id_pk}},
    schedule_id {{int}} NOT NULL REFERENCES bell_schedules(id) ON DELETE CASCADE,
    position {{int}} NOT NULL CHECK (position BETWEEN 1 AND 40),
    kind TEXT NOT NULL DEFAULT 'class' CHECK (kind IN ('class', 'break')),
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    UNIQUE (schedule_id, position),
    CHECK (starts_at < ends_at)
);

-- Each section follows one bell schedule (NULL: not set up yet). `code`
-- and staff.code: the code a section or teacher was imported with (C1,
-- T01), NULL when typed in; exports name them by it.
ALTER TABLE sections ADD COLUMN bell_schedule_id {{int}}
    REFERENCES bell_schedules(id) ON DELETE SET NULL;
ALTER TABLE sections ADD COLUMN code TEXT;
ALTER TABLE staff ADD COLUMN code TEXT;
CREATE UNIQUE INDEX staff_code ON staff (code);
-- The room type a subject needs (laboratorio, cancha ...); NULL: any room,
-- which is the section's home room when it has one.
ALTER TABLE subjects ADD COLUMN room_kind TEXT
    CHECK (room_kind IS NULL OR room_kind IN
           ('aula', 'laboratorio', 'cancha', 'computacion', 'biblioteca'));

-- The plan de estudio: periods per week of a subject in a grade and how
-- they split into blocks ("2+2+2", summing to periods_per_week).
CREATE TABLE study_plan (
    id {{id_pk}},
    grade_id {{int}} NOT NULL REFERENCES grades(id) ON DELETE CASCADE,
    subject_id {{int}} NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
    periods_per_week {{int}} NOT NULL CHECK (periods_per_week BETWEEN 1 AND 40),
    blocks TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (grade_id, subject_id)
);

-- Who teaches a subject to a section. staff_id NULL: any qualified teacher
-- (staff_subjects), the solver choosing while balancing loads.
-- periods_per_week and blocks NULL: the grade's plan de estudio.
CREATE TABLE teaching_assignments (
    id {{id_pk}},
    section_id {{int}} NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    subject_id {{int}} NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
    staff_id {{int}} REFERENCES staff(id) ON DELETE SET NULL,
    periods_per_week {{int}} CHECK (periods_per_week BETWEEN 1 AND 40),
    blocks TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX teaching_assignments_section ON teaching_assignments (section_id);
CREATE INDEX teaching_assignments_staff ON teaching_assignments (staff_id);

-- A teacher's availability and preferences, entered by the teacher and
-- approved by a school admin; only approved ones feed the solver. kind
-- time: (day, period); day: (day); subject: subject_id; room: room_id.
-- An approved `avoid` on a time or a day means unavailable (hard); every
-- other level is soft, weighted time 40 %, day 30 %, subject 20 %, room 10 %.
CREATE TABLE teacher_preferences (
    id {{id_pk}},
    staff_id {{int}} NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('time', 'day', 'subject', 'room')),
    day {{int}} CHECK (day BETWEEN 1 AND 7),
    period {{int}} CHECK (period BETWEEN 1 AND 40),
    subject_id {{int}} REFERENCES subjects(id) ON DELETE CASCADE,
    room_id {{int}} REFERENCES rooms(id) ON DELETE CASCADE,
    level TEXT NOT NULL
        CHECK (level IN ('avoid', 'dislike', 'neutral', 'like', 'prefer')),
    status {{key_text}} NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by {{int}} REFERENCES users(id) ON DELETE SET NULL,
    decided_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX teacher_preferences_staff ON teacher_preferences (staff_id);

-- A timetable of the school: draft (being generated or edited), active
-- (the one teachers and parents see; at most one, enforced by
-- src/school/timetables.c) or archived. job_state: its generation run;
-- progress: JSON {elapsed, iterations, hard, soft}; report: JSON cost
-- breakdown by constraint and the Spanish explanations of what is unmet.
CREATE TABLE timetables (
    id {{id_pk}},
    name TEXT NOT NULL,
    status {{key_text}} NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'active', 'archived')),
    year_id {{int}} REFERENCES school_years(id) ON DELETE CASCADE,
    source TEXT NOT NULL DEFAULT 'generated'
        CHECK (source IN ('generated', 'imported', 'copy', 'manual')),
    job_state TEXT NOT NULL DEFAULT 'none'
        CHECK (job_state IN ('none', 'queued', 'running', 'done', 'failed', 'cancelled')),
    time_limit {{int}} NOT NULL DEFAULT 0,
    progress TEXT NOT NULL DEFAULT '{}',
    cost_hard {{int}},
    cost_soft {{int}},
    report TEXT NOT NULL DEFAULT '{}',
    error TEXT NOT NULL DEFAULT '',
    created_by {{int}} REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    activated_at TEXT
);
CREATE INDEX timetables_status ON timetables (status);

-- A block of a timetable: one contiguous run of `length` class periods of
-- a subject for a section, with its teacher and room. day/period NULL: not
-- placed. Locked lessons stay where they are when the solver repairs.
CREATE TABLE timetable_lessons (
    id {{id_pk}},
    timetable_id {{int}} NOT NULL REFERENCES timetables(id) ON DELETE CASCADE,
    section_id {{int}} NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    subject_id {{int}} NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
    staff_id {{int}} REFERENCES staff(id) ON DELETE SET NULL,
    room_id {{int}} REFERENCES rooms(id) ON DELETE SET NULL,
    assignment_id {{int}} REFERENCES teaching_assignments(id) ON DELETE SET NULL,
    day {{int}} CHECK (day BETWEEN 1 AND 7),
    period {{int}} CHECK (period BETWEEN 1 AND 40),
    length {{int}} NOT NULL DEFAULT 1 CHECK (length BETWEEN 1 AND 12),
    locked {{int}} NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    CHECK ((day IS NULL) = (period IS NULL))
);
CREATE INDEX timetable_lessons_timetable ON timetable_lessons (timetable_id);

-- A teacher absent from starts_on to ends_on (inclusive).
CREATE TABLE teacher_absences (
    id {{id_pk}},
    staff_id {{int}} NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_by {{int}} REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    CHECK (starts_on <= ends_on)
);
CREATE INDEX teacher_absences_staff ON teacher_absences (staff_id);

-- Who covers a lesson of the active timetable on a date.
CREATE TABLE lesson_covers (
    id {{id_pk}},
    lesson_id {{int}} NOT NULL REFERENCES timetable_lessons(id) ON DELETE CASCADE,
    date {{key_text}} NOT NULL,
    staff_id {{int}} NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    created_by {{int}} REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    UNIQUE (lesson_id, date)
);
CREATE INDEX lesson_covers_date ON lesson_covers (date);

-- A secret calendar subscription (iCalendar) of a teacher's or a
-- section's week: the URL carries a random token, stored hashed; revoking
-- sets revoked_at.
CREATE TABLE calendar_feeds (
    id {{id_pk}},
    kind TEXT NOT NULL CHECK (kind IN ('teacher', 'section')),
    target_id {{int}} NOT NULL,
    token_hash {{key_text}} NOT NULL UNIQUE,
    created_by {{int}} REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
