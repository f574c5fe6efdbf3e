/*
 * Reading a FET activities timetable (<Activities_Timetable>, the
 * *_activities.xml FET writes next to its results) into a solution of an
 * instance read from the same FET file: each activity id names a block, the
 * day and hour names its start, the room name its room. This is how a
 * timetable made by FET is priced and explained by our evaluator.
 */
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util.h"
#include "timetable/match.h"
#include "timetable/timetable.h"

#define MAX_FILE (64L << 20)

struct reader {
    const struct tt_instance *inst;
    struct tt_solution *sol;
    struct strbuf text;
    char id[32], day[256], hour[256], room[256];
    char real[TT_MAX_SETS][256]; /* #17 virtual rooms: <Real_Room> names */
    int nreal;
    int depth;
    bool in_activity;
    char *error;
    XML_Parser parser;
};

static void fail(struct reader *r, const char *fmt, const char *arg)
{
    if (r->error)
        return;
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_addf(&sb, "línea %lu: ", (unsigned long)XML_GetCurrentLineNumber(r->parser));
    strbuf_addf(&sb, fmt, arg);
    r->error = strbuf_steal(&sb);
    XML_StopParser(r->parser, XML_FALSE);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    struct reader *r = ud;
    (void)attrs;
    if (++r->depth > 16) {
        fail(r, "%s", "el XML está anidado demasiado hondo");
        return;
    }
    if (strcmp(name, "Activity") == 0) {
        r->in_activity = true;
        r->id[0] = r->day[0] = r->hour[0] = r->room[0] = '\0';
        r->nreal = 0;
    }
    strbuf_cleanup(&r->text);
    strbuf_init(&r->text);
}

/* --- #17 rooms: FET keeps spaces around names ("5 C " in the India
   example) that this reader trims from the timetable's values; a name
   matches a value when equal without them. */
static bool same_name(const char *name, const char *val)
{
    while (*name == ' ' || *name == '\t' || *name == '\n' || *name == '\r')
        name++;
    size_t n = strlen(name);
    while (n > 0 && strchr(" \t\r\n", name[n - 1]))
        n--;
    return strlen(val) == n && strncmp(name, val, n) == 0;
}

static int find_name(char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (same_name(names[i], s))
            return i;
    return -1;
}

static int find_room(const struct tt_instance *inst, const char *name)
{
    int room = tt_find_resource(inst, TT_ROOM, name);
    for (int i = 0; i < inst->nresources && room < 0; i++)
        if (inst->resources[i].kind == TT_ROOM && same_name(inst->resources[i].name, name))
            room = i;
    return room;
}

/* --- #17 virtual rooms: FET lists the real rooms of an activity in a
   virtual room in no particular order (a locked file may too); each goes
   to a set that holds it, by matching (tt_match: sets on the left, the
   listed rooms on the right). */
static bool in_set(const struct tt_resource *v, int k, int room)
{
    for (int i = 0; i < v->set_len[k]; i++)
        if (v->sets[k][i] == room)
            return true;
    return false;
}

static void place_real(struct reader *r, int b, int room)
{
    const struct tt_instance *inst = r->inst;
    const struct tt_resource *v = &inst->resources[room];
    int given[TT_MAX_SETS], set_of[TT_MAX_SETS];
    for (int j = 0; j < r->nreal; j++) {
        given[j] = find_room(inst, r->real[j]);
        set_of[j] = -1;
        if (given[j] < 0) {
            fail(r, "el aula «%s» no existe en el archivo FET", r->real[j]);
            return;
        }
    }
    int off[TT_MAX_SETS + 1], adj[TT_MAX_SETS * TT_MAX_SETS], na = 0;
    for (int k = 0; k < v->nsets; k++) {
        off[k] = na;
        for (int j = 0; j < r->nreal; j++)
            if (in_set(v, k, given[j]))
                adj[na++] = j;
    }
    off[v->nsets] = na;
    int got[TT_MAX_SETS], scratch[2 * TT_MAX_SETS];
    tt_match(v->nsets, off, adj, r->nreal, NULL, got, scratch);
    for (int k = 0; k < v->nsets; k++)
        if (got[k] >= 0)
            set_of[got[k]] = k;
    int *real = r->sol->real + (size_t)b * r->sol->nreal;
    for (int k = 0; k < v->nsets; k++)
        real[k] = -1;
    for (int j = 0; j < r->nreal; j++)
        if (set_of[j] >= 0)
            real[set_of[j]] = given[j];
    /* rooms that fit no set still show (as a broken rule) in a free set */
    for (int j = 0; j < r->nreal; j++)
        for (int k = 0; set_of[j] < 0 && k < v->nsets; k++)
            if (real[k] < 0) {
                real[k] = given[j];
                set_of[j] = k;
            }
}

static void place(struct reader *r)
{
    const struct tt_instance *inst = r->inst;
    char *end;
    long id = strtol(r->id, &end, 10);
    if (!r->id[0] || *end) {
        fail(r, "una actividad tiene un Id inválido («%s»)", r->id);
        return;
    }
    int b = tt_find_block(inst, id);
    if (b < 0) {
        fail(r, "la actividad %s no existe en el archivo FET (o está inactiva)", r->id);
        return;
    }
    if (!r->day[0] && !r->hour[0])
        return; /* not placed */
    int d = find_name(inst->day_names, inst->ndays, r->day);
    if (d < 0) {
        fail(r, "el día «%s» no existe en el archivo FET", r->day);
        return;
    }
    int p = -1;
    for (int i = 0; i < inst->nperiods; i++)
        if (same_name(inst->periods[i].name, r->hour))
            p = i;
    if (p < 0) {
        fail(r, "la hora «%s» no existe en el archivo FET", r->hour);
        return;
    }
    r->sol->start[b] = d * inst->nperiods + p;
    if (r->room[0]) {
        int room = find_room(inst, r->room);
        if (room < 0) {
            fail(r, "el aula «%s» no existe en el archivo FET", r->room);
            return;
        }
        r->sol->room[b] = room;
        if (inst->resources[room].nsets > 0)
            place_real(r, b, room);
    }
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct reader *r = ud;
    r->depth--;
    const char *t = r->text.data ? r->text.data : "";
    while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
        t++;
    char val[256];
    str_copy(val, sizeof(val), t);
    for (size_t n = strlen(val); n > 0 && strchr(" \t\r\n", val[n - 1]); n--)
        val[n - 1] = '\0';
    if (r->in_activity) {
        if (strcmp(name, "Id") == 0)
            str_copy(r->id, sizeof(r->id), val);
        else if (strcmp(name, "Day") == 0)
            str_copy(r->day, sizeof(r->day), val);
        else if (strcmp(name, "Hour") == 0)
            str_copy(r->hour, sizeof(r->hour), val);
        else if (strcmp(name, "Room") == 0)
            str_copy(r->room, sizeof(r->room), val);
        else if (strcmp(name, "Real_Room") == 0 && r->nreal < TT_MAX_SETS)
            str_copy(r->real[r->nreal++], sizeof(r->real[0]), val);
        else if (strcmp(name, "Activity") == 0) {
            r->in_activity = false;
            place(r);
        }
    }
    strbuf_cleanup(&r->text);
    strbuf_init(&r->text);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    /* FET never writes one; refusing it rules out entity tricks (an entity
     * that expands a billion times, a file read from the disk), as xml.c
     * does for the other XML readers. */
    fail(ud, "%s no lleva declaración DOCTYPE", "un horario de FET");
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct reader *r = ud;
    if (r->text.len + (size_t)len < 4096)
        strbuf_add(&r->text, s, (size_t)len);
}

int tt_fet_read_solution(const struct tt_instance *inst, const char *path,
                         struct tt_solution *sol, char **error_r)
{
    struct stat st;
    FILE *f = fopen(path, "rb");
    if (!f || fstat(fileno(f), &st) != 0 || st.st_size > MAX_FILE) {
        struct strbuf sb;
        strbuf_init(&sb);
        strbuf_addf(&sb, f ? "%s: el archivo es demasiado grande (máximo 64 MiB)."
                           : "%s: no se puede abrir el archivo.",
                    path);
        if (f)
            fclose(f);
        *error_r = strbuf_steal(&sb);
        return -1;
    }
    struct reader r;
    memset(&r, 0, sizeof(r));
    r.inst = inst;
    r.sol = sol;
    strbuf_init(&r.text);
    for (int b = 0; b < sol->nblocks; b++)
        sol->start[b] = sol->room[b] = -1;
    for (size_t i = 0; sol->real && i < (size_t)sol->nblocks * (size_t)sol->nreal; i++)
        sol->real[i] = -1;
    r.parser = XML_ParserCreate("UTF-8");
    XML_SetUserData(r.parser, &r);
    XML_SetElementHandler(r.parser, on_start, on_end);
    XML_SetCharacterDataHandler(r.parser, on_text);
    XML_SetStartDoctypeDeclHandler(r.parser, on_doctype);
    char buf[65536];
    size_t n;
    bool done = false;
    while (!done && !r.error) {
        n = fread(buf, 1, sizeof(buf), f);
        done = n < sizeof(buf);
        if (XML_Parse(r.parser, buf, (int)n, done) == XML_STATUS_ERROR && !r.error) {
            struct strbuf sb;
            strbuf_init(&sb);
            strbuf_addf(&sb, "línea %lu: XML mal formado (%s)",
                        (unsigned long)XML_GetCurrentLineNumber(r.parser),
                        XML_ErrorString(XML_GetErrorCode(r.parser)));
            r.error = strbuf_steal(&sb);
        }
    }
    fclose(f);
    XML_ParserFree(r.parser);
    strbuf_cleanup(&r.text);
    if (r.error) {
        struct strbuf sb;
        strbuf_init(&sb);
        strbuf_addf(&sb, "%s, %s.", str_base_name(path), r.error);
        free(r.error);
        *error_r = strbuf_steal(&sb);
        return -1;
    }
    return 0;
}
