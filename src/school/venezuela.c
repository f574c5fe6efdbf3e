/*
 * Checks for Venezuelan identifiers. Formats only: a RIF's check digit is
 * not verified, so a real but unusual RIF is never refused.
 */
#include "school/venezuela.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *code, *name;
} states[] = {
    {"VE-A", "Distrito Capital"}, {"VE-B", "Anzoátegui"},
    {"VE-C", "Apure"},            {"VE-D", "Aragua"},
    {"VE-E", "Barinas"},          {"VE-F", "Bolívar"},
    {"VE-G", "Carabobo"},         {"VE-H", "Cojedes"},
    {"VE-I", "Falcón"},           {"VE-J", "Guárico"},
    {"VE-K", "Lara"},             {"VE-L", "Mérida"},
    {"VE-M", "Miranda"},          {"VE-N", "Monagas"},
    {"VE-O", "Nueva Esparta"},    {"VE-P", "Portuguesa"},
    {"VE-R", "Sucre"},            {"VE-S", "Táchira"},
    {"VE-T", "Trujillo"},         {"VE-U", "Yaracuy"},
    {"VE-V", "Zulia"},            {"VE-W", "Dependencias Federales"},
    {"VE-X", "La Guaira"},        {"VE-Y", "Delta Amacuro"},
    {"VE-Z", "Amazonas"},
};

const char *ve_state_check(const char *code, const char **name_r)
{
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        if (strcmp(states[i].code, code) == 0) {
            if (name_r)
                *name_r = states[i].name;
            return NULL;
        }
    }
    return "El estado no es válido (use el código ISO, por ejemplo VE-A "
           "para el Distrito Capital).";
}

/* Copies the digits and letters of `in` (at most `max`), or -1 if more. */
static int alnum_only(const char *in, char *out, size_t max, const char *skip)
{
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (strchr(skip, c))
            continue;
        if (!isalnum(c) || n >= max)
            return -1;
        out[n++] = (char)toupper(c);
    }
    out[n] = '\0';
    return (int)n;
}

const char *ve_rif_normalize(const char *in, char *out, size_t n)
{
    static const char msg[] = "El RIF no es válido (por ejemplo, "
                              "J-12345678-9).";
    char raw[16];
    int len = alnum_only(in, raw, 10, " -.");
    if (len != 10 || strchr("VEJPG", raw[0]) == NULL)
        return msg;
    for (int i = 1; i < 10; i++)
        if (!isdigit((unsigned char)raw[i]))
            return msg;
    snprintf(out, n, "%c-%.8s-%c", raw[0], raw + 1, raw[9]);
    return NULL;
}

const char *ve_phone_normalize(const char *in, char *out, size_t n)
{
    static const char msg[] = "El teléfono no es válido (por ejemplo, "
                              "0212-5551234 o 0414-1234567).";
    char raw[16];
    while (*in == ' ')
        in++;
    /* The international form "+58 414 1234567": the country code stands
     * for the trunk 0. */
    bool intl = *in == '+';
    int len = alnum_only(in + intl, raw + intl, 12, " -.()");
    if (intl) {
        if (len != 12 || raw[1] != '5' || raw[2] != '8')
            return msg;
        memmove(raw + 1, raw + 3, 10);
        raw[0] = '0';
        raw[11] = '\0';
        len = 11;
    }
    if (len != 11 || raw[0] != '0')
        return msg;
    for (int i = 0; i < 11; i++)
        if (!isdigit((unsigned char)raw[i]))
            return msg;
    static const char *const mobile[] = {"0412", "0414", "0416", "0424",
                                         "0426"};
    bool ok = raw[1] == '2';
    for (size_t i = 0; !ok && i < 5; i++)
        ok = strncmp(raw, mobile[i], 4) == 0;
    if (!ok)
        return msg;
    snprintf(out, n, "%.4s-%.7s", raw, raw + 4);
    return NULL;
}

const char *ve_dea_normalize(const char *in, char *out, size_t n)
{
    char raw[24];
    int len = alnum_only(in, raw, 20, " -");
    if (len < 5)
        return "El código DEA del plantel no es válido (letras y dígitos, "
               "de 5 a 20 caracteres).";
    snprintf(out, n, "%s", raw);
    return NULL;
}

/* ---- Cédulas -------------------------------------------------------- */

/* Reads an optional nationality letter (from `letters`) and the digits of
 * a number written with dots, dashes or spaces between them. Returns the
 * digit count (at most `max`, else -1) and the letter (uppercase) in
 * *letter_r, 0 when none. */
static int id_digits(const char *in, const char *letters, char *letter_r,
                     char *digits, size_t max)
{
    while (*in == ' ' || *in == '\t')
        in++;
    size_t len = strlen(in);
    while (len > 0 && (in[len - 1] == ' ' || in[len - 1] == '\t'))
        len--;
    *letter_r = 0;
    size_t i = 0;
    if (len > 0 && isalpha((unsigned char)in[0])) {
        int c = toupper((unsigned char)in[0]);
        if (strchr(letters, c) == NULL)
            return -1;
        *letter_r = (char)c;
        i = 1;
        while (i < len && strchr(" -.:", in[i]))
            i++;
    }
    size_t n = 0;
    for (; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (isdigit(c)) {
            if (n >= max)
                return -1;
            digits[n++] = (char)c;
        } else if (strchr(".- ", c) == NULL || n == 0 || i + 1 == len ||
                   !isdigit((unsigned char)in[i + 1])) {
            /* a separator stands between two digits, alone */
            return -1;
        }
    }
    digits[n] = '\0';
    return (int)n;
}

const char *ve_cedula_normalize(const char *in, char *out, size_t n)
{
    char letter, digits[16];
    int len = id_digits(in, "VE", &letter, digits, 9);
    if (len < 0)
        return "La cédula no es válida: use V o E y de 6 a 9 dígitos (por "
               "ejemplo, V-12345678).";
    if (len < 6 || len > 9)
        return "La cédula debe tener de 6 a 9 dígitos (por ejemplo, "
               "V-12345678).";
    const char *d = digits;
    while (*d == '0')
        d++;
    if (strlen(d) < 6)
        return "La cédula debe tener de 6 a 9 dígitos (por ejemplo, "
               "V-12345678).";
    snprintf(out, n, "%c%s", letter ? letter : 'V', d);
    return NULL;
}

const char *ve_cedula_escolar_normalize(const char *in, char *out, size_t n)
{
    static const char msg[] =
        "La cédula escolar no es válida: 10 u 11 dígitos (orden de "
        "nacimiento, dos dígitos del año de nacimiento y la cédula de la "
        "madre o del representante, por ejemplo 1157424268).";
    char letter, digits[16];
    int len = id_digits(in, "V", &letter, digits, 11);
    if (len < 10 || len > 11 || digits[0] == '0')
        return msg;
    snprintf(out, n, "%s", digits);
    return NULL;
}

const char *ve_cedula_escolar_year_warning(const char *cedula_escolar,
                                           const char *birth_date)
{
    if (cedula_escolar == NULL || birth_date == NULL)
        return NULL;
    size_t len = strlen(cedula_escolar);
    if (len < 10 || len > 11 || strlen(birth_date) < 10)
        return NULL;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)birth_date[i]))
            return NULL;
    if (!isdigit((unsigned char)cedula_escolar[1]) ||
        !isdigit((unsigned char)cedula_escolar[2]))
        return NULL;
    if (cedula_escolar[1] == birth_date[2] &&
        cedula_escolar[2] == birth_date[3])
        return NULL;
    return "El año de nacimiento que indica la cédula escolar (2.º y 3.er "
           "dígitos) no coincide con la fecha de nacimiento.";
}

/* ---- Dates ---------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), and back. */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = (long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static bool date_exists(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return false;
    int max = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        max = 29;
    return d <= max;
}

/* Reads 1 to `max` digits; returns how many were read. */
static int read_num(const char **p, int max, int *v)
{
    int k = 0;
    *v = 0;
    while (k < max && isdigit((unsigned char)**p)) {
        *v = *v * 10 + (**p - '0');
        (*p)++;
        k++;
    }
    return k;
}

static const char date_msg[] = "La fecha no es válida (use dd/mm/aaaa, por "
                               "ejemplo 09/03/2015).";

/* An Excel serial day number of the 1900 date system: 1 is 1900-01-01;
 * Excel (after Lotus 1-2-3) counts a 1900-02-29 that never was, serial
 * 60, so from 61 (1900-03-01) on a serial is one day ahead of the
 * calendar. A fraction is the time of day and is dropped. */
static const char *excel_serial(const char *s, int *y, int *m, int *d)
{
    long v = 0;
    const char *p = s;
    int k = 0;
    while (isdigit((unsigned char)*p)) {
        if (++k > 6)
            return "La fecha no es válida: el número de fecha de Excel está "
                   "fuera de rango.";
        v = v * 10 + (*p++ - '0');
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p != '\0')
        return date_msg;
    if (v == 60)
        return "La fecha no existe: el número de fecha de Excel 60 es el "
               "29/02/1900, un día que no hubo.";
    if (v < 1)
        return "La fecha no es válida: el número de fecha de Excel está "
               "fuera de rango.";
    long base = days_from_civil(1899, 12, v < 60 ? 31 : 30);
    civil_from_days(base + v, y, m, d);
    return NULL;
}

const char *ve_date_normalize(const char *in, char *out, size_t n)
{
    char buf[40];
    while (*in == ' ' || *in == '\t')
        in++;
    size_t len = strlen(in);
    while (len > 0 && (in[len - 1] == ' ' || in[len - 1] == '\t'))
        len--;
    if (len == 0 || len >= sizeof buf)
        return date_msg;
    memcpy(buf, in, len);
    buf[len] = '\0';

    int y = 0, m = 0, d = 0;
    const char *p = buf;
    int a, b, c;
    int ka = read_num(&p, 8, &a);
    if (ka > 0 && (*p == '\0' || (*p == '.' && ka >= 3 &&
                                  strchr(p + 1, '.') == NULL &&
                                  strchr(p + 1, '/') == NULL))) {
        const char *msg = excel_serial(buf, &y, &m, &d);
        if (msg)
            return msg;
    } else if (ka == 4 && (*p == '-' || *p == '/')) {
        /* yyyy-mm-dd, possibly followed by a time of day */
        char sep = *p++;
        if (read_num(&p, 2, &b) == 0 || *p++ != sep ||
            read_num(&p, 2, &c) == 0)
            return date_msg;
        if (*p != '\0' && *p != ' ' && *p != 'T')
            return date_msg;
        y = a, m = b, d = c;
    } else if ((ka == 1 || ka == 2) &&
               (*p == '/' || *p == '-' || *p == '.')) {
        /* dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy */
        char sep = *p++;
        if (read_num(&p, 2, &b) == 0 || *p++ != sep ||
            read_num(&p, 4, &c) != 4 || *p != '\0')
            return date_msg;
        y = c, m = b, d = a;
    } else {
        return date_msg;
    }
    if (!date_exists(y, m, d))
        return "La fecha no existe (revise el día y el mes: dd/mm/aaaa).";
    if (y < 1900 || y > 2100)
        return "La fecha debe estar entre 1900 y 2100.";
    snprintf(out, n, "%04d-%02d-%02d", y, m, d);
    return NULL;
}

/* ---- Emails --------------------------------------------------------- */

const char *ve_email_normalize(const char *in, char *out, size_t n)
{
    static const char msg[] = "El correo electrónico no es válido (por "
                              "ejemplo, nombre@dominio.com).";
    while (*in == ' ' || *in == '\t')
        in++;
    size_t len = strlen(in);
    while (len > 0 && (in[len - 1] == ' ' || in[len - 1] == '\t'))
        len--;
    if (len < 3 || len > 254 || len >= n)
        return len > 254 ? "El correo electrónico es demasiado largo (254 "
                           "caracteres como máximo)."
                         : msg;
    size_t at = len, ats = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c <= ' ' || c == 0x7f || strchr("<>()[]\\,;:\"", c))
            return msg;
        if (c == '@')
            at = i, ats++;
    }
    if (ats != 1 || at == 0 || at > 64 || at + 1 >= len)
        return msg;
    const char *dom = in + at + 1;
    size_t dlen = len - at - 1;
    if (dom[0] == '.' || dom[dlen - 1] == '.' || dom[0] == '-' ||
        memchr(dom, '.', dlen) == NULL || in[0] == '.' || in[at - 1] == '.')
        return msg;
    for (size_t i = 0; i + 1 < len; i++)
        if (in[i] == '.' && in[i + 1] == '.')
            return msg;
    for (size_t i = 0; i < len; i++)
        out[i] = (char)tolower((unsigned char)in[i]);
    out[len] = '\0';
    return NULL;
}
