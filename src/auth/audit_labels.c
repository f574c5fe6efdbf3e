/*
 * The audit log in words (see audit_labels.h). Three small tables carry
 * the Spanish: the verb of each action, the noun of each kind of thing,
 * and the label of each field a row's before/after may hold. The name of
 * a thing is read from its table when the log is read (so a student
 * appears under the name the school knows today); a thing since deleted
 * is named from the row's before/after. Unknown actions, things or fields
 * (a later feature's) still read as Spanish: a generic verb, no noun, the
 * field's key in words.
 */
#include "auth/audit_labels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"
#include "core/tzcache.h"
#include "core/util.h"

static const struct {
    const char *action, *verb;
} verbs[] = {
    {"create", "Creó"},
    {"update", "Modificó"},
    {"delete", "Eliminó"},
    {"withdraw", "Retiró"},
    {"promote", "Promovió"},
    {"import", "Importó"},
    {"export", "Exportó"},
    {"suspend", "Suspendió"},
    {"activate", "Reactivó"},
    {"reactivate", "Reactivó"},
    {"deactivate", "Desactivó"},
    {"disable", "Desactivó"},
    {"enable", "Reactivó"},
    {"accept", "Aceptó"},
    {"invite", "Invitó a un"},
    {"resend", "Reenvió"},
    {"revoke", "Anuló"},
    {"token_create", "Creó"},
    {"token_revoke", "Anuló"},
    {"password_reset", "Envió un enlace para cambiar la contraseña de"},
    {"reset", "Envió un enlace para cambiar la contraseña de"},
    {"password_set", "Cambió la contraseña de"},
    /* setup (issue #15): a teacher's preference decided */
    {"approve", "Aprobó"},
    {"reject", "Rechazó"},
    /* attendance (issue #16, part take) */
    {"attendance.mark", "Tomó la asistencia de la"},
    {"attendance.alert", "Avisó a los representantes las faltas seguidas de"},
};

/* Actions that are a whole sentence by themselves. */
static const struct {
    const char *action, *label;
} sentences[] = {
    {"login", "Inició sesión"},
    {"login_failed", "Intento fallido de inicio de sesión"},
    {"logout", "Cerró sesión"},
    {"support_access", "Entró como soporte de la plataforma"},
    {"support_access_failed", "Intento fallido de entrar como soporte"},
    {"password_reset_request", "Pidió cambiar su contraseña"},
    /* account links (people, issue 14) */
    {"send_link", "Envió por correo un enlace para elegir contraseña"},
    {"link_used", "Eligió su contraseña con el enlace recibido por correo"},
    {"password_reset_refused", "Pedido de cambio de contraseña no atendido"},
};

static const struct {
    const char *entity, *noun;
} nouns[] = {
    {"student", "estudiante"},
    {"representative", "representante"},
    {"staff", "personal"},
    {"user", "usuario"},
    {"users", "usuario"},
    {"user_password", "la contraseña de un usuario"},
    {"settings", "los datos del plantel"},
    {"branding", "la imagen del plantel"},
    {"school_branding", "la imagen del plantel"},
    {"logo", "el logo del plantel"},
    {"api_token", "clave de acceso para programas"},
    {"token", "clave de acceso para programas"},
    {"tenant", "plantel"},
    {"invitation", "invitación de plantel"},
    {"tenant_invitation", "invitación de plantel"},
    {"school_year", "año escolar"},
    {"grade", "grado"},
    {"section", "sección"},
    {"subject", "materia"},
    {"room", "aula"},
    {"lapso", "lapso"},
    {"matricula", "la Matrícula"},
    {"demo_structure", "la estructura de demostración"},
    {"mail", "correo"},
    /* setup (issue #15) */
    {"bell_schedule", "horario de timbres"},
    {"study_plan", "materia del plan de estudio"},
    {"teaching_assignment", "asignación docente"},
    {"teacher_preference", "preferencia docente"},
    {"teacher_preferences", "las preferencias de un docente"},
    /* portal (issue #15) */
    {"teacher_absence", "ausencia de docente"},
    {"lesson_cover", "suplencia"},
};

const char *audit_action_label(const char *action, const char *entity,
                               char *buf, size_t n)
{
    for (size_t i = 0; i < sizeof sentences / sizeof sentences[0]; i++)
        if (strcmp(action, sentences[i].action) == 0) {
            str_copy(buf, n, sentences[i].label);
            return buf;
        }
    const char *verb = "Registró un cambio en";
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (strcmp(action, verbs[i].action) == 0)
            verb = verbs[i].verb;
    const char *noun = NULL;
    for (size_t i = 0; i < sizeof nouns / sizeof nouns[0]; i++)
        if (strcmp(entity, nouns[i].entity) == 0)
            noun = nouns[i].noun;
    if (noun == NULL)
        noun = "un registro";
    /* "Creó estudiante"; "Invitó a un" + "usuario" */
    snprintf(buf, n, "%s %s", verb, noun);
    return buf;
}

/* ---- field labels ------------------------------------------------------ */

static const struct {
    const char *key, *label;
} fields[] = {
    {"name", "Nombre"},
    {"first_names", "Nombres"},
    {"last_names", "Apellidos"},
    {"cedula", "Cédula"},
    {"cedula_raw", "Cédula"},
    {"cedula_escolar", "Cédula escolar"},
    {"gender", "Sexo"},
    {"birth_date", "Fecha de nacimiento"},
    {"birth_city", "Ciudad de nacimiento"},
    {"birth_municipality", "Municipio de nacimiento"},
    {"birth_parish", "Parroquia de nacimiento"},
    {"birth_state", "Estado de nacimiento"},
    {"nationality", "Nacionalidad"},
    {"blood_type", "Tipo de sangre"},
    {"allergies", "Alergias"},
    {"medical_conditions", "Condiciones médicas"},
    {"address", "Dirección"},
    {"city", "Ciudad"},
    {"municipality", "Municipio"},
    {"parish", "Parroquia"},
    {"state", "Estado"},
    {"state_name", "Estado"},
    {"postal_code", "Código postal"},
    {"country", "País"},
    {"phone", "Teléfono"},
    {"email", "Correo electrónico"},
    {"family_group", "Grupo familiar"},
    {"payment_condition", "Condición de pago"},
    {"status", "Estatus"},
    {"academic_condition", "Condición"},
    {"section_id", "Sección"},
    {"section", "Sección"},
    {"grade_id", "Grado"},
    {"grade", "Grado"},
    {"room_id", "Aula"},
    {"room", "Aula"},
    {"year_id", "Año escolar"},
    {"marital_status", "Estado civil"},
    {"mobile_phone", "Teléfono celular"},
    {"home_phone", "Teléfono de habitación"},
    {"office_phone", "Teléfono de oficina"},
    {"profession", "Profesión"},
    {"occupation", "Ocupación"},
    {"company", "Empresa"},
    {"monthly_income", "Ingreso mensual"},
    {"office_address", "Dirección de oficina"},
    {"office_city", "Ciudad de la oficina"},
    {"office_state", "Estado de la oficina"},
    {"office_country", "País de la oficina"},
    {"relationship", "Parentesco"},
    {"is_primary", "Contacto principal"},
    {"may_pick_up", "Puede retirar al estudiante"},
    {"cargo", "Cargo"},
    {"max_weekly_periods", "Horas semanales máximas"},
    {"active", "Activo"},
    {"subjects", "Materias"},
    {"role", "Rol"},
    {"disabled", "Desactivado"},
    {"timezone", "Zona horaria"},
    {"timezone_label", "Zona horaria"},
    {"rif", "RIF"},
    {"dea_code", "Código DEA"},
    {"letter", "Letra"},
    {"shift", "Turno"},
    {"capacity", "Capacidad"},
    {"kind", "Tipo"},
    {"level", "Nivel"},
    {"number", "Número"},
    {"start_date", "Fecha de inicio"},
    {"end_date", "Fecha de cierre"},
    {"starts_on", "Fecha de inicio"},
    {"ends_on", "Fecha de cierre"},
    {"is_current", "Año en curso"},
    {"current", "Año en curso"},
    {"code", "Código"},
    {"school_name", "Nombre del plantel"},
    {"contact_email", "Correo de contacto"},
    {"contact_phone", "Teléfono de contacto"},
    {"primary_color", "Color principal"},
    {"secondary_color", "Color secundario"},
    {"motto", "Lema"},
    {"logo", "Logo"},
    {"expires_at", "Vence"},
    {"withdrawal_date", "Fecha de retiro"},
    {"withdrawal_reason", "Motivo del retiro"},
    {"reason", "Motivo"},
    /* portal (issue #15); "teacher" is the set-up's below */
    {"date", "Fecha"},
    {"enrolled_on", "Fecha de inscripción"},
    {"filename", "Archivo"},
    /* setup (issue #15) */
    {"bell_schedule", "Horario de timbres"},
    {"bell_schedule_id", "Horario de timbres"},
    {"days", "Días de clase"},
    {"periods", "Horas del día"},
    {"class_periods", "Horas de clase"},
    {"periods_per_week", "Horas semanales"},
    {"blocks", "Bloques"},
    {"teacher", "Docente"},
    {"subject", "Materia"},
    {"room_kind", "Tipo de aula"},
    {"preferences", "Preferencias"},
    {"description", "Preferencia"},
    {"level_label", "Nivel"},
    /* attendance (issue #16, part take) */
    {"block", "Bloque"},
    {"taken", "Asistencia tomada"},
    {"students", "Estudiantes"},
    {"run_starts_on", "Desde"},
    {"consecutive_days", "Días seguidos"},
    {"dates", "Días"},
    {"mailed_to", "Avisados por correo"},
};

/* Keys never shown: internal numbers, bookkeeping, secrets. */
static bool hidden_key(const char *k)
{
    static const char *const keys[] = {
        "id", "created_at", "updated_at", "password", "password_hash",
        "token", "token_hash", "csrf_token", "subject_ids", "user_id",
        "tenant_id", "invited_by", "master_tenant_id", "plan_type",
        "settings", NULL};
    for (int i = 0; keys[i]; i++)
        if (strcmp(k, keys[i]) == 0)
            return true;
    return false;
}

static const char *field_label(const char *key, char *buf, size_t n)
{
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(key, fields[i].key) == 0)
            return fields[i].label;
    /* a later feature's field: its key in words, first letter capital */
    str_copy(buf, n, key);
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = ' ';
    if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
    return buf;
}

/* ---- values ------------------------------------------------------------ */

static const struct {
    const char *key, *value, *words;
} value_words[] = {
    {"gender", "V", "Varón"},
    {"gender", "H", "Hembra"},
    {"shift", "manana", "Mañana"},
    {"shift", "tarde", "Tarde"},
    {"role", "platform_admin", "Administrador de plataforma"},
    {"role", "school_admin", "Director(a)/Administrador(a) del plantel"},
    {"role", "teacher", "Docente"},
    {"role", "parent", "Representante"},
    {"status", "activo", "Activo"},
    {"status", "retirado", "Retirado"},
    {"status", "graduado", "Graduado"},
    {"status", "no_inscrito", "No inscrito"},
    {"status", "active", "Activo"},
    {"status", "suspended", "Suspendido"},
    {"status", "inactive", "Inactivo"},
    {"status", "pending", "Pendiente"},
    {"status", "accepted", "Aceptada"},
    {"status", "revoked", "Anulada"},
    {"status", "expired", "Vencida"},
    {"academic_condition", "regular", "Regular"},
    {"academic_condition", "repitiente", "Repitiente"},
    {"academic_condition", "arrastra_materias", "Arrastra materias"},
    {"level", "inicial", "Educación Inicial"},
    {"level", "primaria", "Primaria"},
    {"level", "media_general", "Media General"},
    {"level", "media_tecnica", "Media Técnica"},
};

/* Lookups of a row's name by id in the school store, for *_id values. */
static json_t *name_by_id(struct store *s, const char *sql, int64_t id)
{
    json_t *out = NULL;
    struct db_stmt *st = db_query(s->conn, NULL, sql, "i", id);
    if (st && db_step(st, NULL) == DB_ROW && !db_null(st, 0))
        out = json_string(db_text(st, 0));
    db_finish(&st);
    return out;
}

static const char sql_section[] =
    "SELECT g.name || ' ' || s.letter FROM sections s"
    " JOIN grades g ON g.id = s.grade_id WHERE s.id = ?";
static const char sql_grade[] = "SELECT name FROM grades WHERE id = ?";
static const char sql_room[] = "SELECT name FROM rooms WHERE id = ?";
static const char sql_year[] = "SELECT name FROM school_years WHERE id = ?";

/* "Caracas (UTC−4)" for "America/Caracas". */
static json_t *timezone_words(const char *name)
{
    const char *city = strrchr(name, '/');
    city = city ? city + 1 : name;
    char c[64];
    str_copy(c, sizeof c, city);
    for (char *p = c; *p; p++)
        if (*p == '_')
            *p = ' ';
    const struct tz *tz = tz_cached(name);
    if (tz == NULL)
        return json_string(c);
    int off = tz_offset(tz, time_now());
    int h = abs(off) / 3600, m = abs(off) % 3600 / 60;
    char out[128];
    if (off == 0)
        snprintf(out, sizeof out, "%s (UTC)", c);
    else if (m)
        snprintf(out, sizeof out, "%s (UTC%s%d:%02d)", c,
                 off < 0 ? "\xe2\x88\x92" : "+", h, m);
    else
        snprintf(out, sizeof out, "%s (UTC%s%d)", c,
                 off < 0 ? "\xe2\x88\x92" : "+", h);
    return json_string(out);
}

/* A person's or a thing's name inside a JSON object, or NULL. */
static json_t *name_in(json_t *o)
{
    if (!json_is_object(o))
        return NULL;
    const char *fn = json_string_value(json_object_get(o, "first_names"));
    const char *ln = json_string_value(json_object_get(o, "last_names"));
    if (fn || ln) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s%s%s", fn ? fn : "", fn && ln ? " " : "",
                 ln ? ln : "");
        return json_string(buf);
    }
    static const char *const keys[] = {"name", "school_name", "email",
                                       "filename", NULL};
    for (int i = 0; keys[i]; i++) {
        const char *v = json_string_value(json_object_get(o, keys[i]));
        if (v && *v)
            return json_string(v);
    }
    return NULL;
}

/* A value as a person reads it; NULL for "nothing" (null, "", []). */
static json_t *value_words_of(struct store *s, bool platform, const char *key,
                              json_t *v)
{
    if (v == NULL || json_is_null(v))
        return NULL;
    if (json_is_boolean(v))
        return json_string(json_is_true(v) ? "Sí" : "No");
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (!platform) {
            const char *sql = strcmp(key, "section_id") == 0 ? sql_section
                              : strcmp(key, "grade_id") == 0 ? sql_grade
                              : strcmp(key, "room_id") == 0  ? sql_room
                              : strcmp(key, "year_id") == 0  ? sql_year
                                                             : NULL;
            if (sql) {
                json_t *n = name_by_id(s, sql, (int64_t)i);
                if (n)
                    return n;
            }
        }
        if ((strcmp(key, "cedula_escolar") == 0 ||
             strcmp(key, "disabled") == 0 || strcmp(key, "active") == 0) &&
            (i == 0 || i == 1))
            return json_string(i ? "Sí" : "No");
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", (long long)i);
        return json_string(buf);
    }
    if (json_is_real(v)) {
        char buf[64];
        snprintf(buf, sizeof buf, "%g", json_real_value(v));
        return json_string(buf);
    }
    if (json_is_string(v)) {
        const char *t = json_string_value(v);
        if (*t == '\0')
            return NULL;
        for (size_t i = 0; i < sizeof value_words / sizeof value_words[0]; i++)
            if (strcmp(key, value_words[i].key) == 0 &&
                strcmp(t, value_words[i].value) == 0)
                return json_string(value_words[i].words);
        if (strcmp(key, "timezone") == 0)
            return timezone_words(t);
        int y, m, d;
        if (strlen(t) == 10 && tz_parse_date(t, &y, &m, &d) == 0) {
            char buf[16];
            snprintf(buf, sizeof buf, "%02d/%02d/%04d", d, m, y);
            return json_string(buf);
        }
        return json_incref(v);
    }
    if (json_is_array(v)) {
        struct strbuf sb;
        strbuf_init(&sb);
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            json_t *w = json_is_object(e) ? name_in(e)
                                          : value_words_of(s, platform, key, e);
            if (w && json_is_string(w)) {
                if (sb.len)
                    strbuf_adds(&sb, ", ");
                strbuf_adds(&sb, json_string_value(w));
            }
            json_decref(w);
        }
        json_t *out = sb.len ? json_string(sb.data) : NULL;
        strbuf_cleanup(&sb);
        return out;
    }
    if (json_is_object(v))
        return name_in(v);
    return NULL;
}

/* ---- the thing's name ---------------------------------------------------- */

static const struct {
    const char *entity;
    bool platform; /* the store the thing lives in */
    bool by_code;  /* entity_id is a text key, not a number */
    const char *sql;
} things[] = {
    {"student", false, false,
     "SELECT first_names || ' ' || last_names FROM students WHERE id = ?"},
    {"representative", false, false,
     "SELECT first_names || ' ' || last_names FROM representatives"
     " WHERE id = ?"},
    {"staff", false, false,
     "SELECT first_names || ' ' || last_names FROM staff WHERE id = ?"},
    {"grade", false, false, sql_grade},
    {"section", false, false, sql_section},
    {"room", false, false, sql_room},
    {"school_year", false, false, sql_year},
    {"subject", false, false, "SELECT name FROM subjects WHERE id = ?"},
    /* portal (issue #15): an absence by its teacher, a cover by its class */
    {"teacher_absence", false, false,
     "SELECT st.first_names || ' ' || st.last_names FROM teacher_absences a"
     " JOIN staff st ON st.id = a.staff_id WHERE a.id = ?"},
    {"lesson_cover", false, false,
     "SELECT sb.name || ', ' || g.name || ' ' || sc.letter"
     " FROM lesson_covers c JOIN timetable_lessons l ON l.id = c.lesson_id"
     " JOIN sections sc ON sc.id = l.section_id"
     " JOIN grades g ON g.id = sc.grade_id"
     " JOIN subjects sb ON sb.id = l.subject_id WHERE c.id = ?"},
    {"tenant", true, true, "SELECT name FROM tenants WHERE subdomain = ?"},
    {"invitation", true, false,
     "SELECT school_name FROM tenant_invitations WHERE id = ?"},
};

/* Things of both stores (their tables are in every store). */
static const struct {
    const char *entity, *sql;
} account_things[] = {
    {"user", "SELECT name FROM users WHERE id = ?"},
    {"user_password", "SELECT name FROM users WHERE id = ?"},
    {"api_token", "SELECT name FROM api_tokens WHERE id = ?"},
};

static bool parse_id(const char *s, int64_t *id_r)
{
    if (s == NULL || *s == '\0')
        return false;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (*end != '\0' || v <= 0)
        return false;
    *id_r = v;
    return true;
}

static json_t *entity_label(struct store *s, bool platform, const char *entity,
                            const char *entity_id, json_t *before,
                            json_t *after)
{
    if (strcmp(entity, "settings") == 0 || strcmp(entity, "session") == 0)
        return NULL;
    const char *sql = NULL;
    bool by_code = false;
    for (size_t i = 0; i < sizeof things / sizeof things[0]; i++)
        if (things[i].platform == platform &&
            strcmp(entity, things[i].entity) == 0) {
            sql = things[i].sql;
            by_code = things[i].by_code;
        }
    for (size_t i = 0; i < sizeof account_things / sizeof account_things[0];
         i++)
        if (strcmp(entity, account_things[i].entity) == 0)
            sql = account_things[i].sql;
    json_t *out = NULL;
    int64_t id;
    if (sql && by_code && entity_id && *entity_id) {
        struct db_stmt *st = db_query(s->conn, NULL, sql, "t", entity_id);
        if (st && db_step(st, NULL) == DB_ROW && !db_null(st, 0))
            out = json_string(db_text(st, 0));
        db_finish(&st);
    } else if (sql && !by_code && parse_id(entity_id, &id)) {
        out = name_by_id(s, sql, id);
    }
    if (out == NULL)
        out = name_in(after);
    if (out == NULL)
        out = name_in(before);
    return out;
}

/* ---- what changed -------------------------------------------------------- */

static json_t *changes_of(struct store *s, bool platform, const char *entity,
                          json_t *before, json_t *after)
{
    json_t *list = json_array();
    if (!json_is_object(before) || !json_is_object(after))
        return list;
    /* the keys of after, then those only in before, each once */
    json_t *keys = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(after, k, v) {
        json_array_append_new(keys, json_string(k));
    }
    json_object_foreach(before, k, v) {
        if (!json_object_get(after, k))
            json_array_append_new(keys, json_string(k));
    }
    bool has_state_name = json_object_get(after, "state_name") != NULL;
    bool has_tz_label = json_object_get(after, "timezone_label") != NULL;
    bool has_subjects = json_object_get(after, "subjects") != NULL;
    size_t i;
    json_t *kv;
    json_array_foreach(keys, i, kv) {
        const char *key = json_string_value(kv);
        if (hidden_key(key))
            continue;
        /* settings carry the state's code and its name: show the name */
        if (strcmp(key, "state") == 0 && has_state_name &&
            strcmp(entity, "settings") == 0)
            continue;
        /* ... and the time zone with its label from the list: show the label */
        if (strcmp(key, "timezone") == 0 && has_tz_label &&
            strcmp(entity, "settings") == 0)
            continue;
        if (strcmp(key, "subject_ids") == 0 && has_subjects)
            continue;
        /* portal (issue #15): absences and covers name their teacher */
        if ((strcmp(entity, "teacher_absence") == 0 ||
             strcmp(entity, "lesson_cover") == 0) &&
            (strcmp(key, "staff_id") == 0 || strcmp(key, "lesson_id") == 0))
            continue;
        json_t *b = json_object_get(before, key);
        json_t *a = json_object_get(after, key);
        if (b && a && json_equal(b, a))
            continue;
        /* "" and null are the same nothing */
        json_t *bw = value_words_of(s, platform, key, b);
        json_t *aw = value_words_of(s, platform, key, a);
        if ((bw == NULL && aw == NULL) || (bw && aw && json_equal(bw, aw))) {
            json_decref(bw);
            json_decref(aw);
            continue;
        }
        char buf[96];
        json_array_append_new(
            list, json_pack("{s:s,s:s,s:o,s:o}", "field", key, "label",
                            field_label(key, buf, sizeof buf), "before",
                            bw ? bw : json_null(), "after",
                            aw ? aw : json_null()));
    }
    json_decref(keys);
    return list;
}

void audit_describe(struct store *s, bool platform, json_t *item)
{
    const char *action = json_string_value(json_object_get(item, "action"));
    const char *entity = json_string_value(json_object_get(item, "entity"));
    const char *entity_id =
        json_string_value(json_object_get(item, "entity_id"));
    json_t *before = json_object_get(item, "before");
    json_t *after = json_object_get(item, "after");
    char label[160];
    audit_action_label(action ? action : "", entity ? entity : "", label,
                       sizeof label);
    json_object_set_new(item, "label", json_string(label));
    json_t *name = entity_label(s, platform, entity ? entity : "", entity_id,
                                before, after);
    json_object_set_new(item, "entity_label", name ? name : json_null());
    json_object_set_new(item, "changes",
                        changes_of(s, platform, entity ? entity : "", before,
                                   after));
}
