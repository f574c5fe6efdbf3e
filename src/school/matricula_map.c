/*
 * The Matrícula mapper: from a sheet (a grid of text, src/sheet/) to
 * normalized, checked rows of the school's records. No store here: the
 * import (matricula_import.c) and the export read and write the store.
 *
 * How it works:
 * - mat_columns[] is matricula_columns.def expanded once per person: the
 *   29 student columns, the representative block three times, the
 *   authorized-person block twice (130 columns, the government order).
 * - matricula_map() folds every header (lowercase ASCII, accents dropped,
 *   inner spaces collapsed, a trailing ':' or '.' and the '¿?' dropped),
 *   finds the header row (the first of the first 10 holding "Grado" and
 *   "Nombre") and gives each sheet column to the first column of the
 *   layout with that folded header not yet taken: so the Nth "Nombre de
 *   Representante" goes to representative N, whatever the order of the
 *   student block. Headers it does not know are counted and ignored.
 * - matricula_row() cleans each mapped cell (trimmed, inner runs of spaces
 *   collapsed, control characters refused, lengths bounded), normalizes it
 *   by the column's kind and records a problem (row, column, header, the
 *   value as the file had it, a Spanish message) for every value it cannot
 *   accept. Errors reject the row; warnings (a cédula escolar whose year
 *   does not match the birth date, an unknown marital status ...) do not.
 *   The normalized strings live in one buffer the row owns.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "school/matricula.h"
#include "school/venezuela.h"

/* ---- The layout ----------------------------------------------------- */

const struct mat_column mat_columns[MAT_COLUMNS] = {
#define STUDENT_COL(f, h, k) {h, MK_##k, #f, 0, 0, MS_##f},
#define REP_COL(f, h, k)
#define AUTH_COL(f, h, k)
#include "school/matricula_columns.def"
#undef STUDENT_COL
#undef REP_COL
#undef AUTH_COL
#define STUDENT_COL(f, h, k)
#define AUTH_COL(f, h, k)
#define REP_COL(f, h, k) {h, MK_##k, #f, 1, 1, MR_##f},
#include "school/matricula_columns.def"
#undef REP_COL
#define REP_COL(f, h, k) {h, MK_##k, #f, 1, 2, MR_##f},
#include "school/matricula_columns.def"
#undef REP_COL
#define REP_COL(f, h, k) {h, MK_##k, #f, 1, 3, MR_##f},
#include "school/matricula_columns.def"
#undef REP_COL
#define REP_COL(f, h, k)
#undef AUTH_COL
#define AUTH_COL(f, h, k) {h, MK_##k, #f, 2, 1, MA_##f},
#include "school/matricula_columns.def"
#undef AUTH_COL
#define AUTH_COL(f, h, k) {h, MK_##k, #f, 2, 2, MA_##f},
#include "school/matricula_columns.def"
#undef STUDENT_COL
#undef REP_COL
#undef AUTH_COL
};

/* The student columns a file must have, in the order a message names
 * them. */
static const int required_cols[] = {
    MS_grade, MS_section, MS_first_names, MS_last_names,
    MS_cedula, MS_gender, MS_birth_date,
};
#define N_REQUIRED (sizeof required_cols / sizeof required_cols[0])

/* Other spellings of a few student headers seen in schools' own sheets
 * (folded). */
static const struct {
    const char *folded;
    int index;
} student_aliases[] = {
    {"nombres", MS_first_names},
    {"apellidos", MS_last_names},
    {"cedula", MS_cedula},
    {"sexo", MS_gender},
};

#define MAX_HEADER_ROWS 10
#define NAME_MAX_CHARS 100
#define TEXT_MAX_CHARS 200
/* Enough for TEXT_MAX_CHARS characters of UTF-8 and more. */
#define VALUE_BUF 1024

/* ---- Folding text for comparison ------------------------------------ */

/* Lowercase ASCII letters of the Spanish accented ones (both cases), by
 * the second byte of their two-byte UTF-8 form after 0xC3. */
static char fold_c3(unsigned char b)
{
    switch (b) {
    case 0xA1: case 0x81: case 0xA0: case 0x80: return 'a';
    case 0xA9: case 0x89: case 0xA8: case 0x88: return 'e';
    case 0xAD: case 0x8D: case 0xAC: case 0x8C: return 'i';
    case 0xB3: case 0x93: case 0xB2: case 0x92: return 'o';
    case 0xBA: case 0x9A: case 0xB9: case 0x99:
    case 0xBC: case 0x9C: return 'u';
    case 0xB1: case 0x91: return 'n';
    }
    return 0;
}

/* Writes the comparison form of `in`: lowercase ASCII, accents and ñ
 * folded, '¿' and '?' dropped, '°' 'º' 'ª' as 'o'/'a', any run of
 * whitespace (and no-break spaces) as one space, trimmed, then a trailing
 * ':' or '.' dropped. Longer text is cut at n - 1 bytes. */
static void fold(const char *in, char *out, size_t n)
{
    size_t k = 0;
    bool space = false;
    const unsigned char *p = (const unsigned char *)in;
    while (*p && k + 1 < n) {
        unsigned char c = *p;
        char o = 0;
        size_t adv = 1;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = true;
        } else if (c == 0xC2 && p[1] == 0xA0) {
            space = true, adv = 2;
        } else if (c == 0xC2 && (p[1] == 0xBF)) {
            adv = 2; /* ¿ */
        } else if (c == 0xC2 && (p[1] == 0xB0 || p[1] == 0xBA)) {
            o = 'o', adv = 2;
        } else if (c == 0xC2 && p[1] == 0xAA) {
            o = 'a', adv = 2;
        } else if (c == 0xC3 && p[1] && fold_c3(p[1])) {
            o = fold_c3(p[1]), adv = 2;
        } else if (c == '?') {
            /* dropped */
        } else {
            o = (char)(c < 0x80 ? tolower(c) : c);
        }
        if (o) {
            if (space && k > 0 && k + 2 < n)
                out[k++] = ' ';
            space = false;
            out[k++] = o;
        }
        p += adv;
    }
    out[k] = '\0';
    while (k > 0 && (out[k - 1] == ':' || out[k - 1] == '.' ||
                     out[k - 1] == ' '))
        out[--k] = '\0';
}

/* ---- Mapping -------------------------------------------------------- */

static int find_header_row(const struct sheet *s)
{
    char key[128];
    int rows = s->rows < MAX_HEADER_ROWS ? s->rows : MAX_HEADER_ROWS;
    for (int r = 0; r < rows; r++) {
        bool grado = false, nombre = false;
        for (int c = 0; c < s->cols; c++) {
            fold(sheet_cell(s, r, c), key, sizeof key);
            grado = grado || strcmp(key, "grado") == 0;
            nombre = nombre || strcmp(key, "nombre") == 0 ||
                     strcmp(key, "nombres") == 0;
        }
        if (grado && nombre)
            return r;
    }
    return -1;
}

static void missing_message(const struct mat_mapping *m, char *err,
                            size_t errn)
{
    size_t missing = 0;
    for (size_t i = 0; i < N_REQUIRED; i++)
        missing += m->col[required_cols[i]] < 0;
    size_t k = (size_t)snprintf(err, errn, "%s",
                                missing == 1
                                    ? "Falta la columna obligatoria "
                                    : "Faltan las columnas obligatorias ");
    size_t listed = 0;
    for (size_t i = 0; i < N_REQUIRED && k < errn; i++) {
        if (m->col[required_cols[i]] >= 0)
            continue;
        listed++;
        const char *sep = listed == 1 ? ""
                          : listed == missing ? " y "
                                              : ", ";
        k += (size_t)snprintf(err + k, errn - k, "%s«%s»", sep,
                              mat_columns[required_cols[i]].header);
    }
    if (k < errn)
        snprintf(err + k, errn - k, "%s",
                 ": el archivo no es una Matrícula que se pueda importar.");
}

int matricula_map(const struct sheet *s, struct mat_mapping *m, char *err,
                  size_t errn)
{
    memset(m, 0, sizeof *m);
    m->header_row = -1;
    for (int j = 0; j < MAT_COLUMNS; j++)
        m->col[j] = -1;
    if (errn)
        err[0] = '\0';
    int hr = s ? find_header_row(s) : -1;
    if (hr < 0) {
        snprintf(err, errn,
                 "No se encontró la fila de encabezados: ninguna de las "
                 "primeras %d filas tiene las columnas «Grado» y «Nombre». "
                 "Las columnas obligatorias son Grado, Sección, Nombre, "
                 "Apellido, Cédula de identidad, Género y Fecha de "
                 "nacimiento.",
                 MAX_HEADER_ROWS);
        return -1;
    }
    m->header_row = hr;

    /* folded per call (130 short strings): no shared state between
     * imports running at once */
    char keys[MAT_COLUMNS][64];
    for (int j = 0; j < MAT_COLUMNS; j++)
        fold(mat_columns[j].header, keys[j], sizeof keys[j]);

    char key[128];
    for (int c = 0; c < s->cols; c++) {
        fold(sheet_cell(s, hr, c), key, sizeof key);
        if (key[0] == '\0')
            continue;
        int found = -1;
        for (int j = 0; j < MAT_COLUMNS && found < 0; j++)
            if (m->col[j] < 0 && strcmp(keys[j], key) == 0)
                found = j;
        for (size_t a = 0; found < 0 && a < sizeof student_aliases /
                                                  sizeof student_aliases[0];
             a++)
            if (strcmp(student_aliases[a].folded, key) == 0 &&
                m->col[student_aliases[a].index] < 0)
                found = student_aliases[a].index;
        if (found < 0)
            m->unknown_cols++;
        else
            m->col[found] = c;
    }

    int have[3] = {0, 0, 0};
    for (int j = 0; j < MAT_COLUMNS; j++)
        have[mat_columns[j].block] += m->col[j] >= 0;
    if (have[0] == MS_COUNT && have[1] == MAT_REPS * MR_COUNT)
        m->layout = have[2] == MAT_AUTHS * MA_COUNT ? 130
                    : have[2] == 0                   ? 122
                                                     : 0;

    for (size_t i = 0; i < N_REQUIRED; i++) {
        if (m->col[required_cols[i]] < 0) {
            missing_message(m, err, errn);
            return -1;
        }
    }
    return 0;
}

/* ---- Problems ------------------------------------------------------- */

/* Copies at most n - 1 bytes of `in`, never cutting a UTF-8 sequence. */
static void copy_cut(char *out, size_t n, const char *in)
{
    size_t len = strlen(in);
    if (len >= n) {
        len = n - 1;
        while (len > 0 && ((unsigned char)in[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(out, in, len);
    out[len] = '\0';
}

static int add_problem(struct mat_problems *p, int row, int col,
                       const char *header, const char *value,
                       const char *message, bool warning)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct mat_problem *v = realloc(p->v, cap * sizeof *v);
        if (v == NULL)
            return -1;
        p->v = v;
        p->cap = cap;
    }
    struct mat_problem *x = &p->v[p->n++];
    x->row = row;
    x->col = col;
    x->warning = warning;
    copy_cut(x->column, sizeof x->column, header ? header : "");
    copy_cut(x->value, sizeof x->value, value ? value : "");
    copy_cut(x->message, sizeof x->message, message);
    if (warning)
        p->warnings++;
    else
        p->errors++;
    return 0;
}

void mat_problems_free(struct mat_problems *p)
{
    if (p == NULL)
        return;
    free(p->v);
    memset(p, 0, sizeof *p);
}

/* ---- Cleaning ------------------------------------------------------- */

/* The cell as a value: trimmed, each inner run of whitespace (line
 * breaks and no-break spaces included) one space. NULL, or a message for
 * a control character or a value over max_chars characters. out holds
 * VALUE_BUF bytes. Placeholders for nothing ("-", "N/A") are empty. */
static const char *clean(const char *in, char *out, size_t max_chars)
{
    size_t k = 0, chars = 0;
    bool space = false;
    const unsigned char *p = (const unsigned char *)in;
    for (; *p; p++) {
        unsigned char c = *p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = true;
            continue;
        }
        if (c == 0xC2 && p[1] == 0xA0) {
            space = true;
            p++;
            continue;
        }
        if (c < 0x20 || c == 0x7F || (c == 0xC2 && p[1] >= 0x80 &&
                                      p[1] <= 0x9F))
            return "El valor tiene caracteres de control no permitidos.";
        if (space && k > 0) {
            out[k++] = ' ';
            chars++;
        }
        space = false;
        if ((c & 0xC0) != 0x80)
            chars++;
        if (chars > max_chars || k + 2 >= VALUE_BUF)
            return max_chars == NAME_MAX_CHARS
                       ? "El valor es demasiado largo (100 caracteres como "
                         "máximo)."
                       : "El valor es demasiado largo (200 caracteres como "
                         "máximo).";
        out[k++] = (char)c;
    }
    out[k] = '\0';
    if (strcmp(out, "-") == 0 || strcmp(out, "--") == 0 ||
        strcmp(out, "N/A") == 0 || strcmp(out, "n/a") == 0)
        out[0] = '\0';
    return NULL;
}

/* Whether a cell holds nothing: only whitespace, or a placeholder. */
static bool is_empty(const char *raw)
{
    while (*raw == ' ' || *raw == '\t' || *raw == '\n' || *raw == '\r')
        raw++;
    size_t len = strlen(raw);
    while (len > 0 && (raw[len - 1] == ' ' || raw[len - 1] == '\t' ||
                       raw[len - 1] == '\n' || raw[len - 1] == '\r'))
        len--;
    return len == 0 || (len == 1 && raw[0] == '-') ||
           (len == 2 && strncmp(raw, "--", 2) == 0) ||
           (len == 3 && (strncmp(raw, "N/A", 3) == 0 ||
                         strncmp(raw, "n/a", 3) == 0));
}

/* ---- Values by kind ------------------------------------------------- */

static bool key_in(const char *key, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(key, *list) == 0)
            return true;
    return false;
}

static const char *norm_yesno(const char *v, char *out, size_t n)
{
    static const char *const yes[] = {"si", "s", "1", "x", "true",
                                      "verdadero", "yes", NULL};
    static const char *const no[] = {"no", "n", "0", "false", "falso", NULL};
    char key[32];
    fold(v, key, sizeof key);
    if (key_in(key, yes))
        snprintf(out, n, "1");
    else if (key_in(key, no))
        snprintf(out, n, "0");
    else
        return "Use «Sí» o «No».";
    return NULL;
}

static const char *norm_gender(const char *v, char *out, size_t n)
{
    static const char *const male[] = {"masculino", "m", "v", "varon",
                                       "masc", "hombre", "nino", NULL};
    static const char *const female[] = {"femenino", "f", "h", "hembra",
                                         "fem", "mujer", "nina", NULL};
    char key[32];
    fold(v, key, sizeof key);
    if (key_in(key, male))
        snprintf(out, n, "V");
    else if (key_in(key, female))
        snprintf(out, n, "H");
    else
        return "El género no es válido (Masculino o Femenino).";
    return NULL;
}

static const char *norm_status(const char *v, char *out, size_t n)
{
    static const struct {
        const char *key, *value;
    } t[] = {
        {"activo", "activo"},           {"activa", "activo"},
        {"retirado", "retirado"},       {"retirada", "retirado"},
        {"graduado", "graduado"},       {"graduada", "graduado"},
        {"egresado", "graduado"},       {"egresada", "graduado"},
        {"no inscrito", "no_inscrito"}, {"no inscrita", "no_inscrito"},
        {"no_inscrito", "no_inscrito"}, {"noinscrito", "no_inscrito"},
    };
    char key[32];
    fold(v, key, sizeof key);
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (strcmp(key, t[i].key) == 0) {
            snprintf(out, n, "%s", t[i].value);
            return NULL;
        }
    }
    return "El estatus no es válido (Activo, Retirado, Graduado o No "
           "inscrito).";
}

static const char *norm_condition(const char *v, char *out, size_t n)
{
    static const struct {
        const char *key, *value;
    } t[] = {
        {"regular", "regular"},
        {"repitiente", "repitiente"},
        {"repite", "repitiente"},
        {"arrastra materias", "arrastra_materias"},
        {"arrastra materia", "arrastra_materias"},
        {"arrastra", "arrastra_materias"},
        {"arrastra_materias", "arrastra_materias"},
    };
    char key[32];
    fold(v, key, sizeof key);
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (strcmp(key, t[i].key) == 0) {
            snprintf(out, n, "%s", t[i].value);
            return NULL;
        }
    }
    return "La condición no es válida (Regular, Repitiente o Arrastra "
           "materias).";
}

/* "O+" from "O+", "o +", "O RH+", "0 Rh positivo", "AB negativo". */
static const char *norm_blood(const char *v, char *out, size_t n)
{
    char key[64], g[16];
    fold(v, key, sizeof key);
    size_t k = 0;
    for (const char *p = key; *p && k + 2 < sizeof g; p++) {
        if (*p == ' ' || *p == '(' || *p == ')')
            continue;
        if (strncmp(p, "rh", 2) == 0) {
            p++;
            continue;
        }
        if (strncmp(p, "positivo", 8) == 0) {
            g[k++] = '+';
            p += 7;
        } else if (strncmp(p, "negativo", 8) == 0) {
            g[k++] = '-';
            p += 7;
        } else {
            g[k++] = (char)toupper((unsigned char)*p);
        }
    }
    g[k] = '\0';
    if (g[0] == '0')
        g[0] = 'O';
    static const char *const groups[] = {"O+", "O-", "A+", "A-", "B+",
                                         "B-", "AB+", "AB-", NULL};
    if (!key_in(g, groups))
        return "El grupo sanguíneo no es válido (O+, O-, A+, A-, B+, B-, "
               "AB+ o AB-).";
    snprintf(out, n, "%s", g);
    return NULL;
}

/* The canonical form of a known marital status, else NULL. */
static const char *marital_canonical(const char *v)
{
    static const struct {
        const char *stem, *value;
    } t[] = {
        {"casad", "Casado/a"},       {"solter", "Soltero/a"},
        {"divorciad", "Divorciado/a"}, {"viud", "Viudo/a"},
        {"concubin", "Concubino/a"}, {"separad", "Separado/a"},
    };
    char key[64];
    fold(v, key, sizeof key);
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        size_t sl = strlen(t[i].stem);
        if (strncmp(key, t[i].stem, sl) != 0)
            continue;
        const char *rest = key + sl;
        static const char *const tails[] = {"o", "a", "o/a", "o(a)",
                                            "o (a)", "a/o", "os", NULL};
        if (key_in(rest, tails))
            return t[i].value;
    }
    return NULL;
}

/* The canonical capitalization of a known parentesco, else NULL. */
static const char *relationship_canonical(const char *v)
{
    static const char *const known[] = {
        "Padre", "Madre", "Abuelo", "Abuela", "Tío", "Tía", "Hermano",
        "Hermana", "Tutor Legal", "Tutora Legal", "Tutor", "Tutora",
        "Padrastro", "Madrastra", "Primo", "Prima", "Padrino", "Madrina",
        "Otro", "Otra", NULL,
    };
    char key[64], k2[64];
    fold(v, key, sizeof key);
    for (const char *const *p = known; *p; p++) {
        fold(*p, k2, sizeof k2);
        if (strcmp(key, k2) == 0)
            return *p;
    }
    return NULL;
}

/* "1234.50" from "1.234,50", "1500" from "1500", "1500.5" from a number
 * cell, "2.500" (a dot before three digits groups thousands). */
static const char *norm_income(const char *v, char *out, size_t n)
{
    static const char msg[] = "El ingreso mensual no es válido (un número, "
                              "por ejemplo 1.234,50).";
    char key[64];
    fold(v, key, sizeof key);
    const char *p = key;
    if (strncmp(p, "bs", 2) == 0) { /* "Bs.", "Bs", "Bs.S" */
        p += 2;
        if (*p == '.')
            p++;
        if (*p == 's')
            p++;
        if (*p == '.')
            p++;
        while (*p == ' ')
            p++;
    }
    char digits[64];
    size_t nd = 0;
    int dots = 0, commas = 0;
    const char *last_dot = NULL, *last_comma = NULL;
    for (const char *q = p; *q; q++) {
        if (isdigit((unsigned char)*q)) {
            if (nd + 1 >= sizeof digits)
                return msg;
            digits[nd++] = *q;
        } else if (*q == '.') {
            dots++, last_dot = q;
        } else if (*q == ',') {
            commas++, last_comma = q;
        } else if (*q != ' ') {
            return msg;
        }
    }
    if (nd == 0)
        return msg;
    /* Which separator, if any, is the decimal one. */
    const char *dec = NULL;
    if (dots && commas)
        dec = last_dot > last_comma ? last_dot : last_comma;
    else if (commas == 1)
        dec = last_comma;
    else if (dots == 1 && (strlen(last_dot + 1) != 3 || last_dot - p > 3))
        dec = last_dot; /* "1500.567" is a decimal, "1.500" a thousand */
    else if (commas > 1 && strlen(last_comma + 1) != 3)
        return msg;
    /* Digits after the decimal separator, and the checks on grouping. */
    size_t frac = 0;
    if (dec) {
        for (const char *q = dec + 1; *q; q++) {
            if (*q == '.' || *q == ',')
                return msg;
            frac += isdigit((unsigned char)*q) != 0;
        }
        if (frac == 0 || dec == p)
            return msg;
    }
    size_t whole = nd - frac;
    if (whole > 12)
        return msg;
    if (frac > 2) {
        /* a computed number cell: rounded to cents */
        char num[80];
        snprintf(num, sizeof num, "%.*s.%.*s", (int)whole, digits,
                 (int)frac, digits + whole);
        snprintf(out, n, "%.2f", strtod(num, NULL));
        return NULL;
    }
    const char *w = digits;
    while (whole > 1 && *w == '0')
        w++, whole--;
    /* Always two decimals, as stored ("1234.50"), however the file wrote
     * it: the export writes a number cell, which comes back as "1234.5". */
    snprintf(out, n, "%.*s.%.*s%s", (int)whole, w, (int)frac,
             digits + nd - frac, frac == 0 ? "00" : frac == 1 ? "0" : "");
    return NULL;
}

static const char *norm_phone(const char *v, char *out, size_t n)
{
    /* A number cell drops the trunk 0: 4141234567. */
    size_t len = strlen(v);
    if (len == 10 && (v[0] == '2' || v[0] == '4')) {
        bool digits = true;
        for (size_t i = 0; i < len; i++)
            digits = digits && isdigit((unsigned char)v[i]);
        if (digits) {
            char with0[12];
            snprintf(with0, sizeof with0, "0%s", v);
            return ve_phone_normalize(with0, out, n);
        }
    }
    return ve_phone_normalize(v, out, n);
}

static const char *norm_name(const char *v, char *out, size_t n)
{
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (isalpha(*p) || *p >= 0x80) {
            snprintf(out, n, "%s", v);
            return NULL;
        }
    }
    return "El nombre debe tener letras.";
}

/* ---- Grades and sections -------------------------------------------- */

struct grade {
    const char *level;
    int number;
    char name[32];
};

static const char *const ordinal_abbr[] = {"", "1er", "2do", "3er", "4to",
                                           "5to", "6to"};

/* "1er Año" (media_general 1) from "1er. Año", "1ER. AÑO", "1er año",
 * "Primer Año", "1º año"; "6to Grado"; "2do Grupo". */
static const char *parse_grade(const char *v, struct grade *g)
{
    static const char msg[] = "El grado no es válido (por ejemplo, 1er "
                              "Grupo, 1er Grado o 1er Año).";
    static const struct {
        const char *word;
        int number;
    } ordinals[] = {
        {"primer", 1},  {"primero", 1}, {"segundo", 2}, {"tercer", 3},
        {"tercero", 3}, {"cuarto", 4},  {"quinto", 5},  {"sexto", 6},
    };
    static const char *const suffixes[] = {"", "er", "ero", "ro", "do",
                                           "to", "o", "mo", "vo", "no",
                                           NULL};
    static const char *const fillers[] = {"de", "del", "educacion",
                                          "nivel", "media", "general",
                                          "primaria", "inicial", "tecnica",
                                          NULL};
    char key[96];
    fold(v, key, sizeof key);
    for (char *p = key; *p; p++)
        if (*p == '.' || *p == '-' || *p == '_')
            *p = ' ';
    int number = 0, kind = 0; /* 1 grupo, 2 grado, 3 año */
    bool tecnica = strstr(key, "tecnica") != NULL;
    char *save = NULL;
    for (char *tok = strtok_r(key, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save)) {
        if (isdigit((unsigned char)tok[0])) {
            if (number || (tok[1] && isdigit((unsigned char)tok[1])))
                return msg;
            if (!key_in(tok + 1, suffixes))
                return msg;
            number = tok[0] - '0';
            continue;
        }
        bool ord = false;
        for (size_t i = 0; i < sizeof ordinals / sizeof ordinals[0]; i++)
            if (strcmp(tok, ordinals[i].word) == 0) {
                if (number)
                    return msg;
                number = ordinals[i].number;
                ord = true;
            }
        if (ord)
            continue;
        int k = strcmp(tok, "grupo") == 0 || strcmp(tok, "grupos") == 0 ? 1
                : strcmp(tok, "grado") == 0                              ? 2
                : strcmp(tok, "ano") == 0 || strcmp(tok, "anos") == 0   ? 3
                                                                         : 0;
        if (k) {
            if (kind)
                return msg;
            kind = k;
            continue;
        }
        if (!key_in(tok, fillers))
            return msg;
    }
    if (number == 0 || kind == 0)
        return msg;
    switch (kind) {
    case 1:
        if (number > 3)
            return "El grado no existe: Educación Inicial va del 1er al 3er "
                   "Grupo.";
        g->level = "inicial";
        break;
    case 2:
        if (number > 6)
            return "El grado no existe: Primaria va del 1er al 6to Grado.";
        g->level = "primaria";
        break;
    default:
        if (number > 6)
            return "El grado no existe: Media va del 1er al 5to Año (6to "
                   "Año en Media Técnica).";
        g->level = tecnica || number == 6 ? "media_tecnica" : "media_general";
        break;
    }
    g->number = number;
    snprintf(g->name, sizeof g->name, "%s %s", ordinal_abbr[number],
             kind == 1 ? "Grupo" : kind == 2 ? "Grado" : "Año");
    return NULL;
}

/* "A" from "a", " B ", "Sección C"; "Única" from "Única", "Unica", "U". */
static const char *parse_section(const char *v, char *out, size_t n)
{
    char key[64];
    fold(v, key, sizeof key);
    const char *p = key;
    if (strncmp(p, "seccion ", 8) == 0)
        p += 8;
    if (strcmp(p, "unica") == 0 || strcmp(p, "u") == 0) {
        snprintf(out, n, "Única");
        return NULL;
    }
    if (p[0] >= 'a' && p[0] <= 'z' && p[1] == '\0') {
        snprintf(out, n, "%c", toupper((unsigned char)p[0]));
        return NULL;
    }
    return "La sección no es válida (una letra de la A a la Z, o «Única»).";
}

/* ---- Rows ----------------------------------------------------------- */

/* Today in Caracas (UTC-4, no DST), ISO. */
static void today_iso(char out[32])
{
    time_t t = time(NULL) - 4 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 32, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday);
}

/* Appends a NUL-terminated copy of v to the row's buffer; its offset, or
 * 0 (the empty string) for "" and -1 when memory runs out. */
static long put(struct mat_row *r, const char *v)
{
    size_t len = strlen(v);
    if (len == 0)
        return 0;
    if (r->buf_len + len + 1 > r->buf_cap) {
        size_t cap = r->buf_cap ? r->buf_cap : 1024;
        while (cap < r->buf_len + len + 1)
            cap *= 2;
        char *b = realloc(r->buf, cap);
        if (b == NULL)
            return -1;
        r->buf = b;
        r->buf_cap = cap;
    }
    memcpy(r->buf + r->buf_len, v, len + 1);
    long off = (long)r->buf_len;
    r->buf_len += len + 1;
    return off;
}

/* The work of one row: the offsets of every value in the buffer, then
 * turned into pointers. */
struct row_work {
    const struct sheet *s;
    const struct mat_mapping *m;
    int row;
    struct mat_row *out;
    struct mat_problems *p;
    long off[MAT_COLUMNS];
    long raw_off[MAT_COLUMNS]; /* cédulas: the file's text, cleaned */
    bool failed;               /* out of memory */
};

static void problem(struct row_work *w, int j, const char *value,
                    const char *message, bool warning)
{
    /* the header as the file has it; the layout's when the column is
     * missing (col 0) */
    int c = j >= 0 ? w->m->col[j] : -1;
    const char *header = c >= 0   ? sheet_cell(w->s, w->m->header_row, c)
                         : j >= 0 ? mat_columns[j].header
                                  : "";
    char hclean[VALUE_BUF];
    if (clean(header, hclean, TEXT_MAX_CHARS) != NULL)
        copy_cut(hclean, sizeof hclean, j >= 0 ? mat_columns[j].header : "");
    if (add_problem(w->p, w->out->sheet_row, c + 1, hclean, value, message,
                    warning) < 0)
        w->failed = true;
    if (!warning)
        w->out->rejected = true;
}

static const char *cell(struct row_work *w, int j)
{
    int c = w->m->col[j];
    return c < 0 ? "" : sheet_cell(w->s, w->row, c);
}

static void store(struct row_work *w, int j, const char *v)
{
    long off = put(w->out, v);
    if (off < 0)
        w->failed = true;
    else
        w->off[j] = off;
}

static const char *value(struct row_work *w, int j)
{
    return w->out->buf + w->off[j];
}

/* Index in mat_columns of block/person/field. */
static int col_index(int block, int person, int index)
{
    if (block == 0)
        return index;
    if (block == 1)
        return MS_COUNT + (person - 1) * MR_COUNT + index;
    return MS_COUNT + MAT_REPS * MR_COUNT + (person - 1) * MA_COUNT + index;
}

/* Cleans and normalizes mapped column j by its kind (a student's cédula
 * waits for its flag: only cleaned here). */
static void normalize_column(struct row_work *w, int j, const char *today)
{
    const struct mat_column *mc = &mat_columns[j];
    if (w->m->col[j] < 0 || mc->kind == MK_AGE)
        return;
    const char *raw = cell(w, j);
    char v[VALUE_BUF], out[VALUE_BUF];
    const char *msg = clean(raw, v, mc->kind == MK_NAME ? NAME_MAX_CHARS
                                                        : TEXT_MAX_CHARS);
    if (msg) {
        problem(w, j, raw, msg, false);
        return;
    }
    if (v[0] == '\0')
        return;
    bool warning = false;
    out[0] = '\0';
    switch (mc->kind) {
    case MK_TEXT:
        snprintf(out, sizeof out, "%s", v);
        break;
    case MK_NAME:
        msg = norm_name(v, out, sizeof out);
        break;
    case MK_CEDULA: {
        long off = put(w->out, v);
        if (off < 0)
            w->failed = true;
        else
            w->raw_off[j] = off;
        if (mc->block == 0) {
            snprintf(out, sizeof out, "%s", v);
            break;
        }
        msg = ve_cedula_normalize(v, out, sizeof out);
        break;
    }
    case MK_YESNO:
        msg = norm_yesno(v, out, sizeof out);
        break;
    case MK_DATE:
        msg = ve_date_normalize(v, out, sizeof out);
        if (msg == NULL && strcmp(out, today) > 0)
            msg = "La fecha de nacimiento es posterior a hoy.";
        break;
    case MK_PHONE:
        msg = norm_phone(v, out, sizeof out);
        break;
    case MK_EMAIL:
        msg = ve_email_normalize(v, out, sizeof out);
        break;
    case MK_GENDER:
        msg = norm_gender(v, out, sizeof out);
        break;
    case MK_GRADE: {
        struct grade g;
        msg = parse_grade(v, &g);
        if (msg == NULL) {
            w->out->level = g.level;
            w->out->grade_number = g.number;
            snprintf(w->out->grade_name, sizeof w->out->grade_name, "%s",
                     g.name);
            snprintf(out, sizeof out, "%s", g.name);
        }
        break;
    }
    case MK_SECTION:
        msg = parse_section(v, out, sizeof out);
        if (msg == NULL)
            copy_cut(w->out->section, sizeof w->out->section, out);
        break;
    case MK_STATUS:
        msg = norm_status(v, out, sizeof out);
        break;
    case MK_CONDITION:
        msg = norm_condition(v, out, sizeof out);
        break;
    case MK_INCOME:
        msg = norm_income(v, out, sizeof out);
        break;
    case MK_BLOOD:
        msg = norm_blood(v, out, sizeof out);
        break;
    case MK_MARITAL: {
        const char *canon = marital_canonical(v);
        snprintf(out, sizeof out, "%s", canon ? canon : v);
        if (canon == NULL) {
            msg = "Estado civil no reconocido (Casado/a, Soltero/a, "
                  "Divorciado/a, Viudo/a, Concubino/a o Separado/a): se "
                  "guarda como está escrito.";
            warning = true;
        }
        break;
    }
    case MK_RELATIONSHIP: {
        const char *canon = relationship_canonical(v);
        snprintf(out, sizeof out, "%s", canon ? canon : v);
        break;
    }
    case MK_AGE:
        break;
    }
    if (msg)
        problem(w, j, raw, msg, warning);
    if (msg == NULL || warning)
        store(w, j, out);
}

/* The student's cédula: a cédula escolar when the flag says so, or (no
 * flag) when it has 10 or 11 digits; the flag is set to what was
 * decided. */
static void student_cedula(struct row_work *w)
{
    int j = MS_cedula, jf = MS_cedula_escolar;
    if (w->m->col[j] < 0 || w->raw_off[j] == 0)
        return;
    char v[VALUE_BUF], out[VALUE_BUF];
    snprintf(v, sizeof v, "%s", w->out->buf + w->raw_off[j]);
    w->off[j] = 0;
    const char *flag = value(w, jf);
    bool flag_bad = w->m->col[jf] >= 0 && flag[0] == '\0' &&
                    cell(w, jf)[0] != '\0';
    const char *msg;
    bool escolar;
    if (flag[0] == '1') {
        escolar = true;
        msg = ve_cedula_escolar_normalize(v, out, sizeof out);
    } else {
        char tmp[VALUE_BUF];
        bool looks_escolar = ve_cedula_escolar_normalize(v, tmp,
                                                         sizeof tmp) == NULL;
        if (flag[0] == '0' || flag_bad) {
            escolar = false;
            msg = ve_cedula_normalize(v, out, sizeof out);
            if (msg && looks_escolar && flag[0] == '0')
                msg = "Tiene 10 u 11 dígitos, como una cédula escolar, pero "
                      "«¿Es cédula escolar?» dice No.";
        } else {
            escolar = looks_escolar;
            msg = escolar ? ve_cedula_escolar_normalize(v, out, sizeof out)
                          : ve_cedula_normalize(v, out, sizeof out);
        }
    }
    if (msg) {
        problem(w, j, cell(w, j), msg, false);
        return;
    }
    store(w, j, out);
    if (!flag_bad)
        store(w, jf, escolar ? "1" : "0");
    if (escolar) {
        const char *warn = ve_cedula_escolar_year_warning(
            value(w, j), value(w, MS_birth_date));
        if (warn)
            problem(w, j, cell(w, j), warn, true);
    }
}

static void required_values(struct row_work *w)
{
    static const char *const what[] = {
        [MS_grade] = "el grado",
        [MS_section] = "la sección",
        [MS_first_names] = "el nombre",
        [MS_last_names] = "el apellido",
        [MS_cedula] = "la cédula",
        [MS_gender] = "el género",
        [MS_birth_date] = "la fecha de nacimiento",
    };
    for (size_t i = 0; i < N_REQUIRED; i++) {
        int j = required_cols[i];
        /* empty in the file (a refused value has its own problem) */
        if (is_empty(cell(w, j))) {
            char msg[128];
            snprintf(msg, sizeof msg, "Falta %s del estudiante.", what[j]);
            problem(w, j, "", msg, false);
        }
    }
}

/* Representatives and authorized persons: present with a cédula or
 * names; a representative needs all three, an authorized person the
 * names (a names column the file lacks altogether is not asked for). A block with other data but no cédula nor names is ignored,
 * with a warning. */
static void person_blocks(struct row_work *w)
{
    for (int b = 1; b <= 2; b++) {
        int persons = b == 1 ? MAT_REPS : MAT_AUTHS;
        int fields = b == 1 ? MR_COUNT : MA_COUNT;
        int i_ced = b == 1 ? MR_cedula : MA_cedula;
        int i_first = b == 1 ? MR_first_names : MA_first_names;
        int i_last = b == 1 ? MR_last_names : MA_last_names;
        const char *who = b == 1 ? "del representante" : "de la persona "
                                                         "autorizada";
        for (int n = 1; n <= persons; n++) {
            int jc = col_index(b, n, i_ced), jf = col_index(b, n, i_first),
                jl = col_index(b, n, i_last);
            bool has_c = !is_empty(cell(w, jc));
            bool has_f = !is_empty(cell(w, jf));
            bool has_l = !is_empty(cell(w, jl));
            bool present = has_c || has_f || has_l;
            if (b == 1)
                w->out->rep_present[n - 1] = present;
            else
                w->out->auth_present[n - 1] = present;
            char msg[160];
            if (!present) {
                for (int f = 0; f < fields; f++) {
                    int j = col_index(b, n, f);
                    if (is_empty(cell(w, j)))
                        continue;
                    snprintf(msg, sizeof msg,
                             "Datos %s %d sin cédula ni nombre: no se "
                             "importan.", who, n);
                    problem(w, j, cell(w, j), msg, true);
                    break;
                }
                for (int f = 0; f < fields; f++)
                    w->off[col_index(b, n, f)] = 0;
                continue;
            }
            if (!has_c && b == 1) {
                snprintf(msg, sizeof msg, "Falta la cédula %s %d.", who, n);
                problem(w, jc, "", msg, false);
            }
            /* (a name column the file does not have is not asked for) */
            if (!has_f && w->m->col[jf] >= 0) {
                snprintf(msg, sizeof msg, "Falta el nombre %s %d.", who, n);
                problem(w, jf, "", msg, false);
            }
            if (!has_l && w->m->col[jl] >= 0) {
                snprintf(msg, sizeof msg, "Falta el apellido %s %d.", who, n);
                problem(w, jl, "", msg, false);
            }
        }
    }
    /* One person, one place in the row. */
    for (int a = 1; a <= MAT_REPS; a++) {
        for (int b = a + 1; b <= MAT_REPS; b++) {
            int ja = col_index(1, a, MR_cedula), jb = col_index(1, b,
                                                                MR_cedula);
            if (w->off[ja] && w->off[jb] &&
                strcmp(value(w, ja), value(w, jb)) == 0) {
                char msg[160];
                snprintf(msg, sizeof msg,
                         "El representante %d tiene la misma cédula que el "
                         "representante %d.", b, a);
                problem(w, jb, cell(w, jb), msg, false);
            }
        }
    }
}

static bool row_blank(const struct sheet *s, int row)
{
    for (int c = 0; c < s->cols; c++)
        for (const char *p = sheet_cell(s, row, c); *p; p++)
            if (!isspace((unsigned char)*p))
                return false;
    return true;
}

int matricula_row(const struct sheet *s, const struct mat_mapping *m,
                  int row, struct mat_row *out, struct mat_problems *p)
{
    memset(out, 0, sizeof *out);
    out->sheet_row = row + 1;
    out->level = "";
    struct row_work *w = calloc(1, sizeof *w);
    out->buf = malloc(1024);
    if (w == NULL || out->buf == NULL) {
        free(w);
        mat_row_free(out);
        return -1;
    }
    /* offset 0 is the empty string every absent value points at */
    out->buf[0] = '\0';
    out->buf_len = 1;
    out->buf_cap = 1024;
    w->s = s;
    w->m = m;
    w->row = row;
    w->out = out;
    w->p = p;

    size_t first = p->n;
    if (row_blank(s, row)) {
        out->blank = true;
    } else {
        char today[32];
        today_iso(today);
        for (int j = 0; j < MAT_COLUMNS; j++)
            normalize_column(w, j, today);
        student_cedula(w);
        required_values(w);
        person_blocks(w);
    }
    /* the row's problems in the order of its columns (stable) */
    for (size_t i = first + 1; i < p->n; i++) {
        struct mat_problem x = p->v[i];
        size_t k = i;
        while (k > first && p->v[k - 1].col > x.col) {
            p->v[k] = p->v[k - 1];
            k--;
        }
        p->v[k] = x;
    }

    for (int j = 0; j < MAT_COLUMNS; j++) {
        const struct mat_column *mc = &mat_columns[j];
        const char *v = out->buf + w->off[j];
        if (mc->block == 0)
            out->student[mc->index] = v;
        else if (mc->block == 1)
            out->rep[mc->person - 1][mc->index] = v;
        else
            out->auth[mc->person - 1][mc->index] = v;
    }
    out->cedula_raw = out->buf + w->raw_off[MS_cedula];
    for (int n = 1; n <= MAT_REPS; n++)
        out->rep_cedula_raw[n - 1] =
            out->buf + w->raw_off[col_index(1, n, MR_cedula)];
    for (int n = 1; n <= MAT_AUTHS; n++)
        out->auth_cedula_raw[n - 1] =
            out->buf + w->raw_off[col_index(2, n, MA_cedula)];
    bool failed = w->failed;
    free(w);
    return failed ? -1 : 0;
}

void mat_row_free(struct mat_row *r)
{
    if (r == NULL)
        return;
    free(r->buf);
    memset(r, 0, sizeof *r);
}

/* ---- Labels --------------------------------------------------------- */

static const char *label(const char *v, const char *const *pairs)
{
    if (v == NULL)
        return "";
    for (; *pairs; pairs += 2)
        if (strcmp(v, pairs[0]) == 0)
            return pairs[1];
    return v;
}

const char *mat_gender_label(const char *v)
{
    static const char *const t[] = {"V", "Masculino", "H", "Femenino", NULL};
    return label(v, t);
}

const char *mat_status_label(const char *v)
{
    static const char *const t[] = {
        "activo", "Activo", "retirado", "Retirado", "graduado", "Graduado",
        "no_inscrito", "No inscrito", NULL,
    };
    return label(v, t);
}

const char *mat_condition_label(const char *v)
{
    static const char *const t[] = {
        "regular", "Regular", "repitiente", "Repitiente",
        "arrastra_materias", "Arrastra materias", NULL,
    };
    return label(v, t);
}

const char *mat_level_label(const char *level)
{
    static const char *const t[] = {
        "inicial", "Educación Inicial", "primaria", "Primaria",
        "media_general", "Media General", "media_tecnica", "Media Técnica",
        NULL,
    };
    return label(level, t);
}

const char *mat_yesno_label(const char *v)
{
    static const char *const t[] = {"1", "Sí", "0", "No", NULL};
    return label(v, t);
}
