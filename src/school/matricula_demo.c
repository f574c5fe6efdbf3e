/*
 * The demo school's records (bischeduler init --demo): a generated but
 * realistic Matrícula of about 300 students, written as a 130-column CSV in
 * memory so that the demo is enrolled through the real import
 * (matricula_import), plus a few classrooms and subjects.
 *
 * How it works: a fixed seed drives a small PRNG (splitmix64), so the same
 * school comes out every time. Families are drawn first: a mother (always,
 * with a V cédula, an email and a mobile), a father in most, one to three
 * children who carry both surnames; each child is placed in a grade that
 * fits their age (1er-6to Grado, 1er-5to Año; sections A and B). Young
 * children without a cédula get a cédula escolar built from their birth
 * order, birth year and the mother's cédula, as the Ministry does. Some
 * students have one or two authorized pick-up persons (a grandmother, an
 * aunt ...).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "school/matricula.h"
#include "school/records.h"
#include "school/school.h"
#include "school/venezuela.h"

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static int rng_int(uint64_t *s, int n)
{
    return (int)(rng_next(s) % (uint64_t)n);
}
#define PICK(s, a) ((a)[rng_int((s), (int)(sizeof(a) / sizeof((a)[0])))])

static const char *const boys[] = {
    "José", "Luis", "Carlos", "Jesús", "Andrés", "Miguel Ángel", "Juan Pablo",
    "Diego", "Sebastián", "Santiago", "Gabriel", "Samuel", "Daniel",
    "Alejandro", "Óscar", "Ramón", "Jhonny", "Héctor", "Adrián", "Matías",
    "Simón", "Joaquín", "Rafael", "Víctor", "Iván", "Tomás", "Ángel David",
    "Moisés", "Elías", "César Augusto"};
static const char *const girls[] = {
    "María José", "Valentina", "Ana Lucía", "Sofía", "Isabella", "Camila",
    "Daniela", "Mariana", "Gabriela", "Victoria", "Andrea", "Luisa Fernanda",
    "Paola", "Verónica", "Yusmary", "Génesis", "Fabiola", "Mónica", "Inés",
    "Rocío", "Beatriz", "Ángela", "Lucía", "Adriana", "Sofía Valentina",
    "Raquel", "Yolimar", "Dayana", "María Fernanda", "Nazareth"};
static const char *const surnames[] = {
    "González", "Rodríguez", "Pérez", "Hernández", "García", "Martínez",
    "López", "Díaz", "Sánchez", "Ramírez", "Torres", "Rojas", "Gómez",
    "Fernández", "Suárez", "Álvarez", "Núñez", "Briceño", "Contreras",
    "Mendoza", "Zambrano", "Peña", "Quintero", "Guzmán", "Márquez", "Villegas",
    "Colmenares", "Chacón", "Parra", "Uzcátegui", "Méndez", "Ríos", "Bolívar",
    "Montilla", "Durán", "Salas", "Acosta", "Rincón", "Ávila", "Castillo"};
static const char *const cities[] = {"Mérida", "Ejido", "Tovar",
                                     "El Vigía", "Lagunillas"};
static const char *const parishes[] = {"El Llano", "Milla", "Sagrario",
                                       "Arias", "Spinetti Dini",
                                       "Mariano Picón Salas"};
static const char *const streets[] = {
    "Av. Los Próceres", "Calle 24 Rangel", "Av. Las Américas",
    "Urb. Santa María Norte", "Sector La Pedregosa", "Av. Tulio Febres "
    "Cordero", "Urb. Belensate", "Calle 17 Sucre"};
static const char *const jobs[] = {"Docente", "Comerciante", "Enfermera",
                                   "Ingeniero", "Abogada", "Contador",
                                   "Chofer", "Médico", "Administradora",
                                   "Técnico electricista"};
static const char *const blood[] = {"O+", "O+", "A+", "B+", "O-", "AB+",
                                    "A-"};
static const char *const mobiles[] = {"0414", "0424", "0416", "0426",
                                      "0412"};

struct demo_person {
    char first[48], last[96], cedula[32];
    char email[96], phone[32];
};

struct demo_child {
    char first[48], last[96], cedula[40], birth[40], grade[24];
    char section[2];
    bool escolar, girl;
    int family;
};

/* a string with no commas, quotes or line breaks: written as is */
static void cell(struct strbuf *sb, const char *v, bool *first)
{
    if (!*first)
        strbuf_add(sb, ",", 1);
    *first = false;
    if (strpbrk(v, ",\"\n")) {
        strbuf_add(sb, "\"", 1);
        for (const char *p = v; *p; p++) {
            if (*p == '"')
                strbuf_add(sb, "\"", 1);
            strbuf_add(sb, p, 1);
        }
        strbuf_add(sb, "\"", 1);
    } else {
        strbuf_adds(sb, v);
    }
}

static const char *const grade_names[] = {
    "1er Grado", "2do Grado", "3er Grado", "4to Grado", "5to Grado",
    "6to Grado", "1er Año", "2do Año", "3er Año", "4to Año", "5to Año"};

/* Grades 0..10: primaria 1-6 (ages 6-11), media general 1-5 (12-16). */
static int family_count(int students)
{
    return students; /* the loop stops at `students` children */
}

int matricula_demo_csv(uint64_t seed, int students, int start_year,
                       char **csv_r, size_t *len_r)
{
    uint64_t s = seed;
    int nfam = family_count(students);
    struct demo_person *mom = xcalloc((size_t)nfam, sizeof *mom);
    struct demo_person *dad = xcalloc((size_t)nfam, sizeof *dad);
    struct demo_person *aux = xcalloc((size_t)nfam, sizeof *aux);
    bool *has_dad = xcalloc((size_t)nfam, sizeof *has_dad);
    bool *has_aux = xcalloc((size_t)nfam, sizeof *has_aux);
    struct demo_child *kids = xcalloc((size_t)students, sizeof *kids);
    char dad_last[32];
    int n = 0;
    for (int f = 0; f < nfam && n < students; f++) {
        const char *mom_last = PICK(&s, surnames);
        do
            str_copy(dad_last, sizeof dad_last, PICK(&s, surnames));
        while (strcmp(dad_last, mom_last) == 0);
        snprintf(mom[f].first, sizeof mom[f].first, "%s", PICK(&s, girls));
        snprintf(mom[f].last, sizeof mom[f].last, "%s %s", mom_last,
                 PICK(&s, surnames));
        int mced = 9000000 + f * 19001 + rng_int(&s, 1000); /* unique */
        snprintf(mom[f].cedula, sizeof mom[f].cedula, "V-%d", mced);
        snprintf(mom[f].email, sizeof mom[f].email, "madre%03d@example.com",
                 f + 1);
        snprintf(mom[f].phone, sizeof mom[f].phone, "%s-%07d",
                 PICK(&s, mobiles), rng_int(&s, 10000000));
        has_dad[f] = rng_int(&s, 10) < 7;
        if (has_dad[f]) {
            snprintf(dad[f].first, sizeof dad[f].first, "%s", PICK(&s, boys));
            snprintf(dad[f].last, sizeof dad[f].last, "%s %s", dad_last,
                     PICK(&s, surnames));
            snprintf(dad[f].cedula, sizeof dad[f].cedula, "V-%d",
                     8000000 + rng_int(&s, 12000000));
            if (rng_int(&s, 2))
                snprintf(dad[f].email, sizeof dad[f].email,
                         "padre%03d@example.com", f + 1);
            snprintf(dad[f].phone, sizeof dad[f].phone, "%s-%07d",
                     PICK(&s, mobiles), rng_int(&s, 10000000));
        }
        has_aux[f] = rng_int(&s, 3) == 0;
        if (has_aux[f]) {
            snprintf(aux[f].first, sizeof aux[f].first, "%s", PICK(&s, girls));
            snprintf(aux[f].last, sizeof aux[f].last, "%s", mom_last);
            snprintf(aux[f].cedula, sizeof aux[f].cedula, "V-%d",
                     3000000 + rng_int(&s, 5000000));
            snprintf(aux[f].phone, sizeof aux[f].phone, "0274-%07d",
                     2000000 + rng_int(&s, 7000000));
        }
        int nk = 1 + (rng_int(&s, 10) < 4) + (rng_int(&s, 10) < 2);
        int grade = rng_int(&s, 11);
        for (int k = 0; k < nk && n < students; k++) {
            struct demo_child *c = &kids[n++];
            c->family = f;
            c->girl = rng_int(&s, 2);
            snprintf(c->first, sizeof c->first, "%s",
                     c->girl ? PICK(&s, girls) : PICK(&s, boys));
            snprintf(c->last, sizeof c->last, "%s %s", dad_last, mom_last);
            int g = (grade + 2 * k) % 11; /* siblings a couple of years apart */
            str_copy(c->grade, sizeof c->grade, grade_names[g]);
            c->section[0] = rng_int(&s, 2) ? 'B' : 'A';
            int age = 6 + g;
            int y = start_year - age, mo = 1 + rng_int(&s, 12),
                d = 1 + rng_int(&s, 28);
            snprintf(c->birth, sizeof c->birth, "%02d/%02d/%04d", d, mo, y);
            c->escolar = g < 3 && rng_int(&s, 2);
            if (c->escolar)
                snprintf(c->cedula, sizeof c->cedula, "%d%02d%d", k + 1,
                         y % 100, mced);
            else
            {
                int ced = 30000000 + (n - 1) * 13337 + rng_int(&s, 1000);
                snprintf(c->cedula, sizeof c->cedula, "V-%d.%03d.%03d",
                         ced / 1000000, ced / 1000 % 1000, ced % 1000);
            }
        }
    }

    struct strbuf sb;
    strbuf_init(&sb);
    bool first = true;
    for (int i = 0; i < MAT_COLUMNS; i++)
        cell(&sb, mat_columns[i].header, &first);
    strbuf_adds(&sb, "\r\n");
    for (int i = 0; i < n; i++) {
        struct demo_child *c = &kids[i];
        int f = c->family;
        const struct demo_person *reps[MAT_REPS] = {
            &mom[f], has_dad[f] ? &dad[f] : NULL, NULL};
        const char *rel[MAT_REPS] = {"Madre", "Padre", ""};
        char addr[96], city[32], parish[48];
        uint64_t fs = seed ^ (uint64_t)(f + 1) * 0x51ed27ULL;
        snprintf(addr, sizeof addr, "%s, casa %d", PICK(&fs, streets),
                 1 + rng_int(&fs, 90));
        str_copy(city, sizeof city, PICK(&fs, cities));
        str_copy(parish, sizeof parish, PICK(&fs, parishes));
        first = true;
        for (int k = 0; k < MAT_COLUMNS; k++) {
            const struct mat_column *mc = &mat_columns[k];
            char v[128] = "";
            if (mc->block == 0) {
                switch (mc->index) {
                case MS_grade: str_copy(v, sizeof v, c->grade); break;
                case MS_section: str_copy(v, sizeof v, c->section); break;
                case MS_first_names: str_copy(v, sizeof v, c->first); break;
                case MS_last_names: str_copy(v, sizeof v, c->last); break;
                case MS_cedula: str_copy(v, sizeof v, c->cedula); break;
                case MS_cedula_escolar:
                    str_copy(v, sizeof v, c->escolar ? "Sí" : "No");
                    break;
                case MS_birth_date: str_copy(v, sizeof v, c->birth); break;
                case MS_gender:
                    str_copy(v, sizeof v, c->girl ? "Femenino" : "Masculino");
                    break;
                case MS_city: case MS_birth_city:
                    str_copy(v, sizeof v, city);
                    break;
                case MS_municipality: case MS_birth_municipality:
                    str_copy(v, sizeof v, "Libertador");
                    break;
                case MS_parish: case MS_birth_parish:
                    str_copy(v, sizeof v, parish);
                    break;
                case MS_state: case MS_birth_state:
                    str_copy(v, sizeof v, "Mérida");
                    break;
                case MS_country: str_copy(v, sizeof v, "Venezuela"); break;
                case MS_nationality:
                    str_copy(v, sizeof v, "Venezolana");
                    break;
                case MS_address: str_copy(v, sizeof v, addr); break;
                case MS_postal_code: str_copy(v, sizeof v, "5101"); break;
                case MS_blood_type:
                    str_copy(v, sizeof v, blood[i % 7]);
                    break;
                case MS_status: str_copy(v, sizeof v, "Activo"); break;
                case MS_academic_condition:
                    str_copy(v, sizeof v, i % 23 == 0 ? "Repitiente"
                                                      : "Regular");
                    break;
                case MS_payment_condition:
                    str_copy(v, sizeof v, i % 9 == 0 ? "Beca parcial"
                                                     : "No becado");
                    break;
                case MS_allergies:
                    str_copy(v, sizeof v, i % 17 == 0 ? "Penicilina" : "");
                    break;
                default: break;
                }
            } else if (mc->block == 1) {
                const struct demo_person *p = reps[mc->person - 1];
                if (p) {
                    switch (mc->index) {
                    case MR_first_names: str_copy(v, sizeof v, p->first); break;
                    case MR_last_names: str_copy(v, sizeof v, p->last); break;
                    case MR_cedula: str_copy(v, sizeof v, p->cedula); break;
                    case MR_email: str_copy(v, sizeof v, p->email); break;
                    case MR_mobile_phone: str_copy(v, sizeof v, p->phone); break;
                    case MR_relationship:
                        str_copy(v, sizeof v, rel[mc->person - 1]);
                        break;
                    case MR_gender:
                        str_copy(v, sizeof v, mc->person == 1 ? "Femenino"
                                                              : "Masculino");
                        break;
                    case MR_address: str_copy(v, sizeof v, addr); break;
                    case MR_city: str_copy(v, sizeof v, city); break;
                    case MR_state: str_copy(v, sizeof v, "Mérida"); break;
                    case MR_country: str_copy(v, sizeof v, "Venezuela"); break;
                    case MR_nationality:
                        str_copy(v, sizeof v, "Venezolana");
                        break;
                    case MR_occupation:
                        str_copy(v, sizeof v,
                                 jobs[(unsigned char)p->cedula[3] % 10]);
                        break;
                    case MR_marital_status:
                        str_copy(v, sizeof v, has_dad[f] ? "Casado/a"
                                                         : "Soltero/a");
                        break;
                    default: break;
                    }
                }
            } else if (mc->person == 1 && has_aux[f]) {
                switch (mc->index) {
                case MA_first_names: str_copy(v, sizeof v, aux[f].first); break;
                case MA_last_names: str_copy(v, sizeof v, aux[f].last); break;
                case MA_cedula: str_copy(v, sizeof v, aux[f].cedula); break;
                case MA_phone: str_copy(v, sizeof v, aux[f].phone); break;
                default: break;
                }
            }
            cell(&sb, v, &first);
        }
        strbuf_adds(&sb, "\r\n");
    }
    free(mom), free(dad), free(aux), free(has_dad), free(has_aux);
    free(kids);
    *len_r = sb.len;
    *csv_r = strbuf_steal(&sb);
    return n;
}

int school_demo_seed_structure(struct store *s, const struct actor *actor,
                               const char **error_r)
{
    static const struct {
        const char *name, *kind;
        int capacity;
    } rooms[] = {
        {"Aula 1", "aula", 35},         {"Aula 2", "aula", 35},
        {"Aula 3", "aula", 35},         {"Aula 4", "aula", 35},
        {"Laboratorio de Ciencias", "laboratorio", 30},
        {"Sala de Computación", "computacion", 25},
        {"Cancha Deportiva", "cancha", 60},
        {"Biblioteca", "biblioteca", 40},
    };
    static const struct {
        const char *name, *code, *level;
    } subjects[] = {
        {"Lengua y Literatura", "LEN-P", "primaria"},
        {"Matemática", "MAT-P", "primaria"},
        {"Ciencias Naturales", "CN-P", "primaria"},
        {"Ciencias Sociales", "CS-P", "primaria"},
        {"Educación Física", "EF-P", "primaria"},
        {"Castellano", "CAS", "media_general"},
        {"Matemática", "MAT", "media_general"},
        {"Inglés", "ING", "media_general"},
        {"Biología", "BIO", "media_general"},
        {"Física", "FIS", "media_general"},
        {"Química", "QUI", "media_general"},
        {"Geografía, Historia y Ciudadanía", "GHC", "media_general"},
        {"Educación Física", "EF", "media_general"},
        {"Orientación y Convivencia", "OC", "media_general"},
    };
    char now[21];
    time_format_utc(time_now(), now);
    if (store_begin(s, error_r) < 0)
        return -1;
    int64_t nr = 0, ns = 0;
    int rc = db_query_int(s->conn, error_r, &nr, "SELECT count(*) FROM rooms",
                          "");
    if (rc == 0)
        rc = db_query_int(s->conn, error_r, &ns,
                          "SELECT count(*) FROM subjects", "");
    json_t *after = json_pack("{s:[],s:[]}", "rooms", "subjects");
    for (size_t i = 0; rc == 0 && nr == 0 && i < sizeof rooms / sizeof *rooms;
         i++) {
        rc = db_run(s->conn, error_r,
                    "INSERT INTO rooms (name, capacity, kind, created_at,"
                    " updated_at) VALUES (?, ?, ?, ?, ?)",
                    "titt" "t", rooms[i].name, (int64_t)rooms[i].capacity,
                    rooms[i].kind, now, now);
        json_array_append_new(json_object_get(after, "rooms"),
                              json_string(rooms[i].name));
    }
    for (size_t i = 0;
         rc == 0 && ns == 0 && i < sizeof subjects / sizeof *subjects; i++) {
        rc = db_run(s->conn, error_r,
                    "INSERT INTO subjects (name, code, level, created_at,"
                    " updated_at) VALUES (?, ?, ?, ?, ?)",
                    "ttttt", subjects[i].name, subjects[i].code,
                    subjects[i].level, now, now);
        json_array_append_new(json_object_get(after, "subjects"),
                              json_string(subjects[i].code));
    }
    if (rc == 0 && (nr == 0 || ns == 0)) {
        struct audit_entry e = {"create", "demo_structure", NULL, NULL,
                                after};
        rc = audit_write(s, actor, &e, error_r);
    }
    json_decref(after);
    if (store_end(s, rc == 0, error_r) < 0 || rc < 0)
        return -1;
    return 0;
}

/* One integer of a query with at most one text parameter (0 when no row),
 * under the store's lock. */
static int demo_query_int(struct store *s, const char **error_r,
                          int64_t *value_r, const char *sql, const char *arg)
{
    store_lock(s);
    *value_r = 0;
    int rc = arg ? db_query_int(s->conn, error_r, value_r, sql, "t", arg)
                 : db_query_int(s->conn, error_r, value_r, sql, "");
    store_unlock(s);
    return rc < 0 ? -1 : 0;
}

/* The demo's staff: the direction, the secretary, a coordinator and a
 * teacher per group of subjects, written through school_staff_write()
 * like the API's, so the Personal page has people on it. */
int school_demo_seed_staff(struct store *s, const struct actor *actor,
                           const char **error_r)
{
    static const struct {
        const char *cedula, *first, *last, *cargo, *subjects;
        int periods;
    } people[] = {
        {"V-9.876.543", "Carmen Elena", "Rodríguez Peña", "Director(a)", "", 0},
        {"V-11.234.567", "José Gregorio", "Márquez Uzcátegui", "Subdirector(a)", "", 0},
        {"V-13.456.789", "Yelitza", "Quintero Dávila", "Secretario(a)", "", 0},
        {"V-12.987.654", "Luis Alberto", "Rangel Paredes", "Coordinador(a)", "OC", 12},
        {"V-14.111.222", "María Fernanda", "Albornoz Rivas", "Docente", "CAS", 30},
        {"V-15.222.333", "Jesús Rafael", "Contreras Molina", "Docente", "MAT FIS", 32},
        {"V-16.333.444", "Ana Karina", "Villasmil Ochoa", "Docente", "BIO QUI", 30},
        {"V-17.444.555", "Pedro José", "Guerrero Salas", "Docente", "GHC", 28},
        {"V-18.555.666", "Daniela", "Moreno Briceño", "Docente", "ING", 24},
        {"V-19.666.777", "Rafael Antonio", "Sánchez Peña", "Docente", "EF EF-P", 36},
        {"V-10.777.888", "Gladys Coromoto", "Torres de Méndez", "Docente", "LEN-P MAT-P CN-P CS-P", 30},
        {"V-20.888.999", "Yusmary", "Araujo Lobo", "Docente", "LEN-P MAT-P CN-P CS-P", 30},
        {"V-8.999.000", "Ramón", "Pérez Uzcátegui", "Obrero", "", 0},
    };
    int64_t n = 0;
    if (demo_query_int(s, error_r, &n, "SELECT count(*) FROM staff", NULL) < 0)
        return -1;
    if (n > 0)
        return 0;
    for (size_t i = 0; i < sizeof people / sizeof *people; i++) {
        struct staff_input in = {0};
        in.has_cedula = in.has_first = in.has_last = in.has_cargo =
            in.has_max = in.has_subjects = in.has_email = in.has_phone = true;
        snprintf(in.cedula_raw, sizeof in.cedula_raw, "%s", people[i].cedula);
        const char *msg =
            ve_cedula_normalize(people[i].cedula, in.cedula, sizeof in.cedula);
        if (msg) {
            *error_r = msg;
            return -1;
        }
        snprintf(in.first_names, sizeof in.first_names, "%s", people[i].first);
        snprintf(in.last_names, sizeof in.last_names, "%s", people[i].last);
        snprintf(in.cargo, sizeof in.cargo, "%s", people[i].cargo);
        snprintf(in.email, sizeof in.email, "personal%zu@demo.localhost", i + 1);
        snprintf(in.phone, sizeof in.phone, "0414-55%05zu", 10 + i * 7);
        in.max_weekly_periods = people[i].periods;
        char codes[64];
        snprintf(codes, sizeof codes, "%s", people[i].subjects);
        char *save = NULL;
        for (char *c = strtok_r(codes, " ", &save);
             c && in.subjects_n < STAFF_SUBJECTS_MAX;
             c = strtok_r(NULL, " ", &save)) {
            int64_t id = 0;
            if (demo_query_int(s, error_r, &id,
                               "SELECT id FROM subjects WHERE code = ?", c) < 0)
                return -1;
            if (id)
                in.subject_ids[in.subjects_n++] = id;
        }
        struct rec_errors errs = {0};
        json_t *out = NULL;
        int rc = school_staff_write(s, actor, 0, &in, &errs, &out, error_r);
        json_decref(out);
        if (rc != REC_OK) {
            if (rc != REC_ERROR)
                *error_r = errs.n ? errs.e[0].message : "staff refused";
            return -1;
        }
    }
    return 0;
}
