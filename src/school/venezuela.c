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
    int len = alnum_only(in, raw, 11, " -.()");
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
