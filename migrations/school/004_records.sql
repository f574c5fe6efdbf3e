-- The school's records: its school years and lapsos, its structure (grades,
-- sections, subjects, classrooms), its students with their enrolment
-- history, their representatives and the people allowed to pick them up,
-- and its staff. Dates are school-local ISO dates (YYYY-MM-DD); times of
-- change are ISO 8601 UTC text like the other tables. Cédulas are stored
-- normalized (V12345678, E81234567, or the digits of a cédula escolar) next
-- to what the source said (`cedula_raw`).

-- A school year (año escolar) such as 2025-2026; at most one is current.
CREATE TABLE school_years (
    id {{id_pk}},
    name {{key_text}} NOT NULL UNIQUE,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    is_current {{int}} NOT NULL DEFAULT 0 CHECK (is_current IN (0, 1)),
    created_at TEXT NOT NULL,
    CHECK (starts_on < ends_on)
);

-- The three lapsos (terms) of a year.
CREATE TABLE lapsos (
    id {{id_pk}},
    year_id {{int}} NOT NULL REFERENCES school_years(id) ON DELETE CASCADE,
    number {{int}} NOT NULL CHECK (number BETWEEN 1 AND 3),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    UNIQUE (year_id, number),
    CHECK (starts_on <= ends_on)
);

-- A grade of a level: Educación Inicial 1er-3er Grupo, Primaria 1er-6to
-- Grado, Media General 1er-5to Año, Media Técnica up to 6to Año. `name` is
-- the canonical Spanish label ("1er Año"); grades sort by (level, number).
CREATE TABLE grades (
    id {{id_pk}},
    level {{key_text}} NOT NULL
        CHECK (level IN ('inicial', 'primaria', 'media_general', 'media_tecnica')),
    number {{int}} NOT NULL CHECK (number BETWEEN 1 AND 6),
    name TEXT NOT NULL,
    UNIQUE (level, number)
);

-- A classroom or other teaching space.
CREATE TABLE rooms (
    id {{id_pk}},
    name {{key_text}} NOT NULL UNIQUE,
    capacity {{int}} NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    kind TEXT NOT NULL DEFAULT 'aula'
        CHECK (kind IN ('aula', 'laboratorio', 'cancha', 'computacion', 'biblioteca')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A section of a grade in a school year: a letter A-Z or "Única".
CREATE TABLE sections (
    id {{id_pk}},
    year_id {{int}} NOT NULL REFERENCES school_years(id) ON DELETE CASCADE,
    grade_id {{int}} NOT NULL REFERENCES grades(id),
    letter {{key_text}} NOT NULL,
    shift TEXT NOT NULL DEFAULT 'manana' CHECK (shift IN ('manana', 'tarde')),
    capacity {{int}} NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    room_id {{int}} REFERENCES rooms(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    UNIQUE (year_id, grade_id, letter)
);

-- A subject (materia, asignatura) with its short code, for one level.
CREATE TABLE subjects (
    id {{id_pk}},
    name TEXT NOT NULL,
    code {{key_text}} NOT NULL UNIQUE,
    level TEXT NOT NULL
        CHECK (level IN ('inicial', 'primaria', 'media_general', 'media_tecnica')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A student. section_id is the section of the current enrolment (NULL when
-- not enrolled now); the history is in enrolments.
CREATE TABLE students (
    id {{id_pk}},
    cedula {{key_text}} NOT NULL UNIQUE,
    cedula_raw TEXT NOT NULL DEFAULT '',
    cedula_escolar {{int}} NOT NULL DEFAULT 0 CHECK (cedula_escolar IN (0, 1)),
    first_names {{key_text}} NOT NULL,
    last_names {{key_text}} NOT NULL,
    gender TEXT NOT NULL CHECK (gender IN ('V', 'H')),
    birth_date TEXT NOT NULL,
    birth_city TEXT NOT NULL DEFAULT '',
    birth_municipality TEXT NOT NULL DEFAULT '',
    birth_parish TEXT NOT NULL DEFAULT '',
    birth_state TEXT NOT NULL DEFAULT '',
    nationality TEXT NOT NULL DEFAULT '',
    blood_type TEXT NOT NULL DEFAULT '',
    allergies TEXT NOT NULL DEFAULT '',
    medical_conditions TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    municipality TEXT NOT NULL DEFAULT '',
    parish TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    family_group TEXT NOT NULL DEFAULT '',
    payment_condition TEXT NOT NULL DEFAULT '',
    status {{key_text}} NOT NULL DEFAULT 'activo'
        CHECK (status IN ('activo', 'retirado', 'graduado', 'no_inscrito')),
    academic_condition TEXT NOT NULL DEFAULT 'regular'
        CHECK (academic_condition IN ('regular', 'repitiente', 'arrastra_materias')),
    section_id {{int}} REFERENCES sections(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX students_section ON students (section_id);
CREATE INDEX students_status ON students (status);
CREATE INDEX students_last_names ON students (last_names);
CREATE INDEX students_first_names ON students (first_names);

-- A period during which a student was enrolled in a section: from
-- starts_on to ends_on inclusive (NULL: still enrolled). A move closes one
-- period the day before the next opens; a withdrawal closes the last.
CREATE TABLE enrolments (
    id {{id_pk}},
    student_id {{int}} NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    section_id {{int}} NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    start_reason TEXT NOT NULL DEFAULT 'ingreso'
        CHECK (start_reason IN ('ingreso', 'cambio', 'promocion', 'reingreso')),
    end_reason TEXT
        CHECK (end_reason IN ('cambio', 'retiro', 'promocion', 'graduacion')),
    created_at TEXT NOT NULL
);
CREATE INDEX enrolments_student ON enrolments (student_id);
CREATE INDEX enrolments_section ON enrolments (section_id);

-- A representative (representante): one person per cédula, linked to all
-- of their children. user_id: their parent account, once invited.
CREATE TABLE representatives (
    id {{id_pk}},
    cedula {{key_text}} NOT NULL UNIQUE,
    cedula_raw TEXT NOT NULL DEFAULT '',
    first_names {{key_text}} NOT NULL,
    last_names {{key_text}} NOT NULL,
    gender TEXT NOT NULL DEFAULT '' CHECK (gender IN ('', 'V', 'H')),
    birth_date TEXT NOT NULL DEFAULT '',
    birth_parish TEXT NOT NULL DEFAULT '',
    birth_state TEXT NOT NULL DEFAULT '',
    nationality TEXT NOT NULL DEFAULT '',
    marital_status TEXT NOT NULL DEFAULT '',
    blood_type TEXT NOT NULL DEFAULT '',
    mobile_phone TEXT NOT NULL DEFAULT '',
    home_phone TEXT NOT NULL DEFAULT '',
    office_phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    profession TEXT NOT NULL DEFAULT '',
    occupation TEXT NOT NULL DEFAULT '',
    company TEXT NOT NULL DEFAULT '',
    monthly_income TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    municipality TEXT NOT NULL DEFAULT '',
    parish TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    office_address TEXT NOT NULL DEFAULT '',
    office_city TEXT NOT NULL DEFAULT '',
    office_state TEXT NOT NULL DEFAULT '',
    office_country TEXT NOT NULL DEFAULT '',
    family_group TEXT NOT NULL DEFAULT '',
    user_id {{int}} REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A student's representatives, 1 to 3 in order; `relationship` is the
-- parentesco as given (Madre, Padre, Abuela, Tutor Legal ...).
CREATE TABLE student_representatives (
    student_id {{int}} NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    representative_id {{int}} NOT NULL REFERENCES representatives(id) ON DELETE CASCADE,
    position {{int}} NOT NULL CHECK (position BETWEEN 1 AND 3),
    relationship TEXT NOT NULL DEFAULT '',
    is_primary {{int}} NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
    may_pick_up {{int}} NOT NULL DEFAULT 1 CHECK (may_pick_up IN (0, 1)),
    PRIMARY KEY (student_id, representative_id),
    UNIQUE (student_id, position)
);
CREATE INDEX student_representatives_rep ON student_representatives (representative_id);

-- People other than the representatives allowed to pick a student up.
CREATE TABLE authorized_pickups (
    id {{id_pk}},
    student_id {{int}} NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    position {{int}} NOT NULL CHECK (position BETWEEN 1 AND 2),
    first_names TEXT NOT NULL,
    last_names TEXT NOT NULL,
    cedula TEXT NOT NULL DEFAULT '',
    cedula_raw TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    UNIQUE (student_id, position)
);

-- Teachers and other staff. `cargo` is their post (Director(a),
-- Secretario(a), Coordinador(a), Docente ...); user_id their account.
CREATE TABLE staff (
    id {{id_pk}},
    cedula {{key_text}} NOT NULL UNIQUE,
    cedula_raw TEXT NOT NULL DEFAULT '',
    first_names {{key_text}} NOT NULL,
    last_names {{key_text}} NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    cargo TEXT NOT NULL DEFAULT 'Docente',
    max_weekly_periods {{int}} NOT NULL DEFAULT 0
        CHECK (max_weekly_periods BETWEEN 0 AND 80),
    active {{int}} NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    user_id {{int}} REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The subjects a teacher can teach.
CREATE TABLE staff_subjects (
    staff_id {{int}} NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    subject_id {{int}} NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
    PRIMARY KEY (staff_id, subject_id)
);
