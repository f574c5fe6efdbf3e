/*
 * Bringing an existing timetable into a school: a FET file or a CSV
 * folder read by the engine's readers, then matched against the school's
 * set-up and written in one transaction (what is matched and created, and
 * the placeholder cédula of imported teachers, are described in
 * timetable_import.h).
 *
 * The import runs in three steps. Reading (timetable_source_*) gives the
 * engine's instance, the timetable the file holds and the names the
 * engine does not keep. Planning (no store) reads every class group's
 * name as a grade and a letter and lays out the bell schedule; every
 * problem found there is collected, so one answer lists them all. Writing
 * (under store_begin) matches or creates each object in dependency order
 * (rooms, bell schedule, subjects, teachers, sections, assignments, plan
 * de estudio, the draft) and ends with one audit row holding the report;
 * a dry run rolls the transaction back.
 */
#include "school/timetable_import.h"

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "core/csv.h"
#include "core/util.h"
#include "school/records.h"
#include "school/students.h"

#define BELL_ROWS_MAX 40 /* bell_periods.position */
#define FOLD_MAX 256

/* ===================================================================
 * Reading
 * =================================================================== */

void timetable_source_free(struct timetable_source **srcp)
{
    struct timetable_source *src = *srcp;
    if (src == NULL)
        return;
    if (src->inst) {
        for (int i = 0; src->resource_names && i < src->inst->nresources; i++)
            free(src->resource_names[i]);
        for (int i = 0; src->subject_names && i < src->inst->nsubjects; i++)
            free(src->subject_names[i]);
    }
    for (int i = 0; i < src->nsection_rows; i++) {
        free(src->section_code[i]);
        free(src->section_name[i]);
        free(src->section_room[i]);
    }
    free(src->section_code);
    free(src->section_name);
    free(src->section_room);
    free(src->resource_names);
    free(src->subject_names);
    free(src->pinned);
    free(src->label);
    tt_solution_free(&src->sol);
    tt_instance_free(&src->inst);
    free(src);
    *srcp = NULL;
}

static int lower_header(void *arg, const char *name, char **cols, int ncols,
                        int line, char **error_r)
{
    (void)arg, (void)name, (void)line, (void)error_r;
    for (int i = 0; i < ncols; i++)
        str_lower(cols[i]);
    return 0;
}

/* The `name` column of one of the folder's files (tt_csv_read has already
 * checked it), into the instance's resources or subjects. */
static int read_names(struct timetable_source *src, const char *dir,
                      const char *file, const char *key, enum tt_kind kind,
                      bool subjects, char **message_r)
{
    char *path = str_fmt("%s/%s", dir, file);
    struct csv_options o = {.name = file, .separator = ',',
                            .encoding = CSV_UTF8,
                            .check_header = lower_header};
    struct csv c;
    memset(&c, 0, sizeof c);
    int rc = csv_load(&c, path, &o, message_r);
    free(path);
    if (rc <= 0)
        return rc;
    int ck = csv_col(&c, key), cn = csv_col(&c, "name"),
        cr = csv_col(&c, "room");
    for (int i = 0; i < c.nrows; i++) {
        const char *code = csv_get(&c, i, ck), *name = csv_get(&c, i, cn);
        if (strcmp(key, "section") == 0) {
            int n = src->nsection_rows++;
            src->section_code = xrealloc(src->section_code,
                                         (size_t)(n + 1) * sizeof(char *));
            src->section_name = xrealloc(src->section_name,
                                         (size_t)(n + 1) * sizeof(char *));
            src->section_room = xrealloc(src->section_room,
                                         (size_t)(n + 1) * sizeof(char *));
            src->section_code[n] = xstrdup(code);
            src->section_name[n] = *name ? xstrdup(name) : NULL;
            src->section_room[n] =
                *csv_get(&c, i, cr) ? xstrdup(csv_get(&c, i, cr)) : NULL;
            continue;
        }
        if (*name == '\0')
            continue;
        if (subjects) {
            int k = tt_find_subject(src->inst, code);
            if (k >= 0 && src->subject_names[k] == NULL)
                src->subject_names[k] = xstrdup(name);
        } else {
            int k = tt_find_resource(src->inst, kind, code);
            if (k >= 0 && src->resource_names[k] == NULL)
                src->resource_names[k] = xstrdup(name);
        }
    }
    csv_free(&c);
    return 0;
}

static char *path_label(const char *path)
{
    char *p = xstrdup(path);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
    char *label = xstrdup(str_base_name(p));
    free(p);
    return label;
}

static int source_finish(struct timetable_source *src, char **message_r)
{
    struct tt_instance *inst = src->inst;
    if (tt_instance_validate(inst, message_r) < 0)
        return -1;
    src->pinned = xcalloc((size_t)inst->nblocks + 1, sizeof(bool));
    bool any = false;
    for (int b = 0; b < inst->nblocks; b++) {
        src->pinned[b] =
            inst->blocks[b].pin_day >= 0 && inst->blocks[b].pin_period >= 0;
        any = any || src->pinned[b];
    }
    /* A FET file's timetable is its locked activities (what FET writes in
     * *_data_and_timetable.fet). */
    if (src->fet && any) {
        src->sol = tt_solution_new(inst);
        for (int b = 0; b < inst->nblocks; b++)
            if (src->pinned[b]) {
                src->sol->start[b] = inst->blocks[b].pin_day * inst->nperiods +
                                     inst->blocks[b].pin_period;
                src->sol->room[b] = inst->blocks[b].pin_room;
            }
    }
    return 0;
}

int timetable_source_read_path(const char *path,
                               struct timetable_source **src_r,
                               char **message_r)
{
    *src_r = NULL;
    *message_r = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        *message_r = str_fmt("No se encuentra «%s».", path);
        return -1;
    }
    struct timetable_source *src = xcalloc(1, sizeof *src);
    src->label = path_label(path);
    if (!S_ISDIR(st.st_mode)) {
        src->fet = true;
        src->inst = tt_fet_read(path, message_r);
        if (src->inst == NULL || source_finish(src, message_r) < 0)
            goto fail;
        *src_r = src;
        return 0;
    }
    src->inst = tt_csv_read(path, message_r);
    if (src->inst == NULL)
        goto fail;
    src->resource_names =
        xcalloc((size_t)src->inst->nresources + 1, sizeof(char *));
    src->subject_names =
        xcalloc((size_t)src->inst->nsubjects + 1, sizeof(char *));
    if (read_names(src, path, "sections.csv", "section", TT_CLASS, false,
                   message_r) < 0 ||
        read_names(src, path, "subjects.csv", "subject", TT_CLASS, true,
                   message_r) < 0 ||
        read_names(src, path, "teachers.csv", "teacher", TT_TEACHER, false,
                   message_r) < 0 ||
        read_names(src, path, "rooms.csv", "room", TT_ROOM, false,
                   message_r) < 0)
        goto fail;
    if (source_finish(src, message_r) < 0)
        goto fail;
    char *sol_path = str_fmt("%s/solution.csv", path);
    if (stat(sol_path, &st) == 0) {
        src->sol = tt_solution_new(src->inst);
        if (tt_csv_read_solution(src->inst, sol_path, src->sol, message_r) <
            0) {
            free(sol_path);
            goto fail;
        }
    }
    free(sol_path);
    *src_r = src;
    return 0;
fail:
    if (*message_r == NULL)
        *message_r = xstrdup("No se pudo leer el archivo.");
    timetable_source_free(&src);
    return -1;
}

/* ---- uploads: a FET file, or a .zip of a CSV folder ---------------- */

static const char NOT_A_TIMETABLE[] =
    "El archivo no es un horario: envíe un archivo de FET (.fet) o un .zip "
    "con la carpeta de archivos CSV (periods.csv, sections.csv, "
    "subjects.csv, teachers.csv, lessons.csv y, si lo tiene, solution.csv).";

static char *temp_base(void)
{
    const char *dir = getenv("TMPDIR");
    return xstrdup(dir && *dir ? dir : "/tmp");
}

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* The label of an upload: its file name, without ".zip". */
static char *upload_label(const char *filename, bool zip)
{
    const char *base = filename && *filename ? str_base_name(filename) : "";
    if (*base == '\0')
        return xstrdup(zip ? "horario" : "horario.fet");
    char *l = xstrdup(base);
    if (zip && ends_with_ci(l, ".zip") && strlen(l) > 4)
        l[strlen(l) - 4] = '\0';
    return l;
}

/* Writes len bytes to a new private file in dir; its path, or NULL. */
static char *write_private(const char *dir, const char *name, const void *data,
                           size_t len)
{
    char *path = str_fmt("%s/%s", dir, name);
    FILE *f = fopen(path, "wbx");
    bool ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok) {
        unlink(path);
        free(path);
        return NULL;
    }
    return path;
}

/* Unpacks entry i of za into dir/name, at most limit bytes (as declared
 * and as inflated). 0, or -1 with *message_r. */
static int unzip_entry(zip_t *za, zip_int64_t i, const char *dir,
                       const char *name, long limit, long *total,
                       char **message_r)
{
    zip_stat_t st;
    if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) < 0 ||
        !(st.valid & ZIP_STAT_SIZE)) {
        *message_r = xstrdup("El .zip está dañado y no se puede abrir.");
        return -1;
    }
    if (st.size > (zip_uint64_t)limit ||
        (*total += (long)st.size) > TIMETABLE_IMPORT_MAX_UNPACKED) {
        *message_r = str_fmt("El contenido del .zip es demasiado grande: a "
                             "lo sumo %d archivos de 4 MiB cada uno, o un "
                             "archivo de FET de 8 MiB.",
                             TIMETABLE_IMPORT_MAX_ENTRIES);
        return -1;
    }
    char *buf = xmalloc((size_t)st.size + 1);
    zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
    zip_int64_t got = zf ? zip_fread(zf, buf, st.size + 1) : -1;
    if (zf)
        zip_fclose(zf);
    if (got < 0 || (zip_uint64_t)got != st.size) {
        free(buf);
        *message_r = str_fmt("El archivo «%s» del .zip está dañado.", name);
        return -1;
    }
    char *path = write_private(dir, name, buf, (size_t)got);
    free(buf);
    if (path == NULL) {
        *message_r = str_fmt("El .zip tiene dos veces el archivo «%s».", name);
        return -1;
    }
    free(path);
    return 0;
}

/* The entries of the zip's CSV folder, unpacked into dir: the folder is
 * the one holding lessons.csv; nested folders and other files are
 * ignored. A zip holding no lessons.csv but one FET file gives that file
 * (dir/horario.fet). Sizes are checked as declared and as inflated.
 * 0 a folder, 1 a FET file, -1 refused (*message_r). */
static int unzip_folder(const void *data, size_t len, const char *dir,
                        char **message_r)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *zs = zip_source_buffer_create(data, len, 0, &ze);
    zip_t *za = zs ? zip_open_from_source(zs, ZIP_RDONLY, &ze) : NULL;
    if (za == NULL) {
        if (zs)
            zip_source_free(zs);
        zip_error_fini(&ze);
        *message_r = xstrdup("El .zip está dañado y no se puede abrir.");
        return -1;
    }
    zip_error_fini(&ze);
    int rc = -1;
    zip_int64_t n = zip_get_num_entries(za, 0);
    char prefix[256] = "";
    int found = 0;
    if (n > TIMETABLE_IMPORT_MAX_ENTRIES * 4) {
        *message_r = str_fmt("El .zip tiene demasiados archivos (%lld); la "
                             "carpeta del horario tiene a lo sumo %d.",
                             (long long)n, TIMETABLE_IMPORT_MAX_ENTRIES);
        goto out;
    }
    zip_int64_t fet = -1;
    int fets = 0;
    long total = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        const char *base = name ? strrchr(name, '/') : NULL;
        base = base ? base + 1 : name;
        if (name == NULL || strstr(name, "__MACOSX") || base[0] == '.')
            continue;
        if (strcasecmp(base, "lessons.csv") == 0) {
            found++;
            snprintf(prefix, sizeof prefix, "%.*s", (int)(base - name), name);
        } else if (ends_with_ci(base, ".fet")) {
            fets++;
            fet = i;
        }
    }
    if (found == 0 && fets == 1) {
        rc = unzip_entry(za, fet, dir, "horario.fet",
                         TIMETABLE_IMPORT_MAX_BYTES, &total, message_r) == 0
                 ? 1
                 : -1;
        goto out;
    }
    if (found != 1) {
        *message_r = xstrdup(found
                                 ? "El .zip tiene más de una carpeta con "
                                   "lessons.csv: envíe una sola carpeta."
                                 : "El .zip no tiene lessons.csv: envíe la "
                                   "carpeta del horario (periods.csv, "
                                   "sections.csv, subjects.csv, "
                                   "teachers.csv, lessons.csv).");
        goto out;
    }
    int files = 0;
    size_t plen = strlen(prefix);
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        if (name == NULL || strncmp(name, prefix, plen) != 0)
            continue;
        const char *base = name + plen;
        if (strchr(base, '/') || base[0] == '.' || !ends_with_ci(base, ".csv"))
            continue;
        if (++files > TIMETABLE_IMPORT_MAX_ENTRIES) {
            *message_r = str_fmt("La carpeta del .zip tiene demasiados "
                                 "archivos: a lo sumo %d.",
                                 TIMETABLE_IMPORT_MAX_ENTRIES);
            goto out;
        }
        /* names are lowercased: the reader looks for periods.csv ... */
        char lower[256];
        snprintf(lower, sizeof lower, "%s", base);
        str_lower(lower);
        if (unzip_entry(za, i, dir, lower, CSV_MAX_BYTES, &total,
                        message_r) < 0)
            goto out;
    }
    rc = 0;
out:
    zip_discard(za);
    return rc;
}

/* Removes the files of a temporary folder, then the folder. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *p = str_fmt("%s/%s", dir, e->d_name);
        unlink(p);
        free(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

int timetable_source_read_upload(const void *data, size_t len,
                                 const char *filename,
                                 struct timetable_source **src_r,
                                 char **message_r)
{
    *src_r = NULL;
    *message_r = NULL;
    const unsigned char *b = data;
    size_t i = 0;
    if (len >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf)
        i = 3;
    while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' ||
                       b[i] == '\n'))
        i++;
    bool zip = len >= 4 && memcmp(b, "PK\3\4", 4) == 0;
    bool xml = i < len && b[i] == '<';
    if (len == 0 || (!zip && !xml)) {
        *message_r = xstrdup(NOT_A_TIMETABLE);
        return -1;
    }
    char *base = temp_base();
    char *dir = str_fmt("%s/bischeduler-horario-XXXXXX", base);
    free(base);
    if (mkdtemp(dir) == NULL) {
        free(dir);
        *message_r = xstrdup("No se pudo preparar el archivo para leerlo; "
                             "intente de nuevo.");
        return -1;
    }
    int rc = -1;
    char *path = NULL;
    if (zip) {
        int kind = unzip_folder(data, len, dir, message_r);
        if (kind == 0) {
            rc = timetable_source_read_path(dir, src_r, message_r);
        } else if (kind == 1) {
            path = str_fmt("%s/horario.fet", dir);
            rc = timetable_source_read_path(path, src_r, message_r);
            free(path);
            path = NULL;
        }
    } else {
        path = write_private(dir, "horario.fet", data, len);
        if (path == NULL)
            *message_r = xstrdup("No se pudo preparar el archivo para "
                                 "leerlo; intente de nuevo.");
        else
            rc = timetable_source_read_path(path, src_r, message_r);
        free(path);
    }
    remove_dir(dir);
    free(dir);
    if (rc == 0) {
        free((*src_r)->label);
        (*src_r)->label = upload_label(filename, zip);
    }
    return rc;
}

/* ===================================================================
 * Planning: names of class groups as grades, the bell schedule
 * =================================================================== */

static const struct {
    const char *word;
    int number;
} ordinals[] = {
    {"primer", 1}, {"primero", 1}, {"primera", 1}, {"segundo", 2},
    {"segunda", 2}, {"tercer", 3}, {"tercero", 3}, {"tercera", 3},
    {"cuarto", 4}, {"cuarta", 4},   {"quinto", 5},  {"quinta", 5},
    {"sexto", 6},  {"sexta", 6},
};

/* plain: the level of a name with no word for it ("1º A"); NULL: Media
 * General up to 5, Media Técnica for 6 */
static bool parse_section_name(const char *name, const char *plain,
                               char level[16], int *number_r, char letter[16])
{
    char f[FOLD_MAX];
    records_fold(name, f, sizeof f);
    level[0] = '\0';
    letter[0] = '\0';
    *number_r = 0;
    const char *lv = NULL;
    bool seen_number = false;
    char *save = NULL;
    for (char *w = strtok_r(f, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (strcmp(w, "ano") == 0)
            lv = lv ? lv : "media_general";
        else if (strcmp(w, "anos") == 0) /* "3 años": an age (Inicial) */
            lv = lv == NULL || strcmp(lv, "inicial") == 0 ? "edad" : lv;
        else if (strcmp(w, "grado") == 0 || strcmp(w, "grados") == 0)
            lv = "primaria";
        else if (strcmp(w, "grupo") == 0 || strcmp(w, "sala") == 0)
            lv = lv && strcmp(lv, "edad") == 0 ? lv : "inicial";
        else if (strcmp(w, "tecnica") == 0 || strcmp(w, "tecnico") == 0)
            lv = "media_tecnica";
        else if (strcmp(w, "unica") == 0 || strcmp(w, "unico") == 0) {
            if (seen_number && !letter[0])
                snprintf(letter, 16, "Única");
        } else if (!seen_number && isdigit((unsigned char)w[0])) {
            int n = 0;
            char *p = w;
            while (isdigit((unsigned char)*p) && n < 100)
                n = n * 10 + (*p++ - '0');
            if (isdigit((unsigned char)*p))
                continue;
            *number_r = n;
            seen_number = true;
            /* "5b": the letter joined to the number; "3er", "2do": an
             * ordinal suffix */
            if (p[0] >= 'a' && p[0] <= 'z' && p[1] == '\0')
                snprintf(letter, 16, "%c", p[0] - 'a' + 'A');
        } else if (!seen_number) {
            for (size_t i = 0; i < sizeof ordinals / sizeof ordinals[0]; i++)
                if (strcmp(w, ordinals[i].word) == 0) {
                    *number_r = ordinals[i].number;
                    seen_number = true;
                }
        } else if (!letter[0] && w[0] >= 'a' && w[0] <= 'z' && w[1] == '\0') {
            snprintf(letter, 16, "%c", w[0] - 'a' + 'A');
        }
    }
    if (!seen_number)
        return false;
    if (lv && strcmp(lv, "edad") == 0) {
        /* 3, 4 and 5 years old: 1er, 2do and 3er Grupo */
        lv = "inicial";
        *number_r -= 2;
    }
    if (lv == NULL)
        lv = plain                ? plain
             : *number_r <= 5 ? "media_general"
                              : "media_tecnica";
    if (*number_r < 1 || *number_r > rec_level_max(lv))
        return false;
    snprintf(level, 16, "%s", lv);
    return true;
}

bool timetable_import_section_name(const char *name, char level[16],
                                   int *number_r, char letter[16])
{
    return parse_section_name(name, NULL, level, number_r, letter);
}

/* A section of the school the file's class groups map onto. */
struct isec {
    char *code;       /* as imported */
    char *label;      /* the name it was read from */
    char level[16], letter[16];
    int number;
    int home_room;    /* room resource, -1 */
    int64_t grade_id, id;
    char name[48];    /* "3er Año A" */
};

struct brow {
    bool brk;
    int start, end; /* minutes */
};

struct imp {
    struct store *s;
    const struct actor *actor;
    const struct timetable_source *src;
    const struct tt_instance *inst;
    const struct timetable_import_options *o;
    char now[21];
    int64_t year_id;
    struct strbuf problems;
    int nproblems;
    json_t *report, *warnings;
    struct isec *secs;
    int nsecs;
    int *res_sec;         /* class resource -> secs index, -1 */
    int64_t *res_id;      /* teacher -> staff id, room -> room id */
    int64_t *subject_id;
    const char **subject_level;
    struct brow rows[BELL_ROWS_MAX];
    int nrows;
    int *period_class;    /* engine period -> class period number, 0 break */
    int64_t schedule_id;
    int64_t **assign_id;  /* per lesson, per section of the lesson */
    int **lesson_secs;    /* per lesson: secs indexes, -1 terminated */
};

static void problem(struct imp *u, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void problem(struct imp *u, const char *fmt, ...)
{
    if (u->nproblems++ >= 30)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *m = str_vfmt(fmt, ap);
    va_end(ap);
    if (u->problems.len)
        strbuf_adds(&u->problems, "\n");
    strbuf_adds(&u->problems, m);
    free(m);
}

static void warn(struct imp *u, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void warn(struct imp *u, const char *fmt, ...)
{
    if (json_array_size(u->warnings) >= 100)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *m = str_vfmt(fmt, ap);
    va_end(ap);
    json_array_append_new(u->warnings, json_string(m));
    free(m);
}

static const char *csv_section_name(const struct timetable_source *src,
                                    const char *code)
{
    for (int i = 0; i < src->nsection_rows; i++)
        if (strcmp(src->section_code[i], code) == 0)
            return src->section_name[i];
    return NULL;
}

static const char *csv_section_room(const struct timetable_source *src,
                                    const char *code)
{
    for (int i = 0; i < src->nsection_rows; i++)
        if (strcmp(src->section_code[i], code) == 0)
            return src->section_room[i];
    return NULL;
}

static int sec_add(struct imp *u, const char *code, const char *label,
                   const char *level, int number, const char *letter)
{
    for (int i = 0; i < u->nsecs; i++)
        if (strcmp(u->secs[i].level, level) == 0 &&
            u->secs[i].number == number &&
            strcmp(u->secs[i].letter, letter) == 0)
            return i;
    u->secs = xrealloc(u->secs, (size_t)(u->nsecs + 1) * sizeof *u->secs);
    struct isec *x = &u->secs[u->nsecs];
    memset(x, 0, sizeof *x);
    x->code = xstrdup(code);
    x->label = xstrdup(label);
    snprintf(x->level, sizeof x->level, "%s", level);
    snprintf(x->letter, sizeof x->letter, "%s", letter);
    x->number = number;
    x->home_room = -1;
    char g[32];
    rec_grade_name(level, number, g, sizeof g);
    snprintf(x->name, sizeof x->name, "%s %s", g, letter[0] ? letter : "Única");
    return u->nsecs++;
}

/* Every class group of the file to a section of the school. */
static void plan_sections(struct imp *u)
{
    const struct tt_instance *inst = u->inst;
    const struct timetable_source *src = u->src;
    /* names with no word for their level ("1º A"): Primaria when one of
     * them is a 6th grade, else Media General */
    const char *plain = "media_general";
    for (int r = 0; r < inst->nresources; r++) {
        char l1[16], l2[16], x[16];
        int n1, n2;
        const char *nm = inst->resources[r].name;
        if (!src->fet && inst->resources[r].kind == TT_CLASS) {
            const char *top = inst->resources[r].group ? inst->resources[r].group : nm;
            nm = csv_section_name(src, top) ? csv_section_name(src, top) : top;
        }
        if (inst->resources[r].kind == TT_CLASS &&
            parse_section_name(nm, "primaria", l1, &n1, x) &&
            parse_section_name(nm, "media_general", l2, &n2, x) == false &&
            n1 == 6)
            plain = "primaria";
    }
    u->res_sec = xmalloc(((size_t)inst->nresources + 1) * sizeof(int));
    for (int r = 0; r < inst->nresources; r++) {
        u->res_sec[r] = -1;
        const struct tt_resource *res = &inst->resources[r];
        if (res->kind != TT_CLASS)
            continue;
        char level[16], letter[16];
        int number;
        const char *code, *label;
        bool ok;
        if (!src->fet) {
            /* a subgroup is part of its section (the `parent` column) */
            code = res->group ? res->group : res->name;
            label = csv_section_name(src, code);
            if (label == NULL)
                label = code;
            ok = parse_section_name(label, plain, level, &number, letter);
        } else {
            /* FET: a group or year names its section; a subgroup's own
             * name often does too ("3º A-1"), else its group's */
            code = res->name;
            label = res->name;
            ok = parse_section_name(label, plain, level, &number, letter);
            if (!ok && res->group) {
                code = label = res->group;
                ok = parse_section_name(label, plain, level, &number, letter);
            }
        }
        if (!ok) {
            problem(u,
                    "La sección «%s» no indica su grado: use un nombre como "
                    "«1er año A», «3er grado B» o «2do grupo»%s.",
                    label, src->fet ? "" : " (columna name de sections.csv)");
            continue;
        }
        int k = sec_add(u, code, label, level, number, letter);
        u->res_sec[r] = k;
        if (!src->fet && u->secs[k].home_room < 0) {
            const char *room = csv_section_room(src, code);
            if (room)
                u->secs[k].home_room = tt_find_resource(inst, TT_ROOM, room);
        }
    }
    /* the sections each lesson is for */
    u->lesson_secs = xcalloc((size_t)inst->nlessons + 1, sizeof(int *));
    for (int l = 0; l < inst->nlessons; l++) {
        const struct tt_lesson *les = &inst->lessons[l];
        int *v = xmalloc(((size_t)les->nclasses + 1) * sizeof(int));
        int n = 0;
        for (int c = 0; c < les->nclasses; c++) {
            int k = u->res_sec[les->classes[c]];
            bool dup = k < 0;
            for (int j = 0; j < n && !dup; j++)
                dup = v[j] == k;
            if (!dup)
                v[n++] = k;
        }
        v[n] = -1;
        u->lesson_secs[l] = v;
    }
    /* a section with no home room in the file's list (FET has no such
     * list): the one room most of its own lessons are held to, when it
     * holds at least half of them (FET's home room constraints) */
    int *votes = xcalloc((size_t)inst->nresources + 1, sizeof(int));
    /* the one room each lesson is held to: its own list (CSV) or a room
     * constraint naming one room (FET) */
    int *held = xmalloc(((size_t)inst->nlessons + 1) * sizeof(int));
    for (int l = 0; l < inst->nlessons; l++)
        held[l] = inst->lessons[l].nrooms == 1 ? inst->lessons[l].rooms[0] : -1;
    for (int i = 0; i < inst->nconstraints; i++) {
        const struct tt_constraint *c = &inst->constraints[i];
        if (c->type != TT_BLOCK_ROOMS || c->nrooms != 1)
            continue;
        for (int j = 0; j < c->nitems; j++) {
            int l = inst->blocks[c->items[j]].lesson;
            if (held[l] < 0)
                held[l] = c->rooms[0];
        }
    }
    for (int k = 0; k < u->nsecs; k++) {
        if (u->secs[k].home_room >= 0)
            continue;
        memset(votes, 0, ((size_t)inst->nresources + 1) * sizeof(int));
        int own = 0, best = -1;
        for (int l = 0; l < inst->nlessons; l++) {
            const int *v = u->lesson_secs[l];
            if (v[0] != k || v[1] != -1)
                continue;
            own++;
            if (held[l] >= 0) {
                int room = held[l];
                if (++votes[room] > (best >= 0 ? votes[best] : 0))
                    best = room;
            }
        }
        if (best >= 0 && 2 * votes[best] >= own)
            u->secs[k].home_room = best;
    }
    free(votes);
    free(held);
}

/* "HH:MM" or "H.MM" pairs in a FET hour's name ("1º 07:30-08:10"). */
static int scan_times(const char *s, int out[2])
{
    int n = 0;
    for (const char *p = s; *p && n < 2; p++) {
        if (!isdigit((unsigned char)*p) || (p > s && isdigit((unsigned char)p[-1])))
            continue;
        int h = *p - '0', i = 1;
        if (isdigit((unsigned char)p[1]))
            h = h * 10 + (p[i++] - '0');
        if ((p[i] != ':' && p[i] != '.' && p[i] != 'h') ||
            !isdigit((unsigned char)p[i + 1]) ||
            !isdigit((unsigned char)p[i + 2]) ||
            isdigit((unsigned char)p[i + 3]))
            continue;
        int m = (p[i + 1] - '0') * 10 + (p[i + 2] - '0');
        if (h > 23 || m > 59)
            continue;
        out[n++] = h * 60 + m;
        p += i + 2;
    }
    return n;
}

static void plan_bells(struct imp *u)
{
    const struct tt_instance *inst = u->inst;
    int np = inst->nperiods;
    int *st = xmalloc(((size_t)np + 1) * sizeof(int));
    int *en = xmalloc(((size_t)np + 1) * sizeof(int));
    bool known = true;
    for (int p = 0; p < np; p++) {
        st[p] = inst->periods[p].start;
        en[p] = inst->periods[p].end;
        int t[2];
        if ((st[p] < 0 || en[p] < 0) && inst->periods[p].name &&
            scan_times(inst->periods[p].name, t) == 2) {
            st[p] = t[0];
            en[p] = t[1];
        }
        known = known && st[p] >= 0 && en[p] > st[p] &&
                (p == 0 || st[p] >= en[p - 1]);
    }
    u->nrows = 0;
    if (!known) {
        warn(u, "El archivo no indica la hora de cada período: se usaron "
                "períodos de 45 minutos desde las 07:00 con recesos de 20 "
                "minutos; ajústelos en el horario de timbres.");
        int t = 7 * 60;
        for (int p = 0; p < np; p++) {
            st[p] = t;
            en[p] = t + 45;
            t = en[p];
            if (p + 1 < np && (inst->break_after >> p & 1))
                t += 20;
        }
    }
    /* a period closed on every day (FET's break times: "RECREO") is a
     * break; the class periods are numbered without it */
    u->period_class = xcalloc((size_t)np + 1, sizeof(int));
    int number = 0;
    bool lost_break = false;
    for (int p = 0; p < np; p++) {
        bool closed = inst->ndays > 0;
        for (int d = 0; d < inst->ndays && closed; d++)
            closed = inst->closed[d] >> p & 1;
        u->period_class[p] = closed ? 0 : ++number;
        if (u->nrows < BELL_ROWS_MAX)
            u->rows[u->nrows] = (struct brow){closed, st[p], en[p]};
        u->nrows++;
        if (p + 1 < np && (inst->break_after >> p & 1)) {
            if (st[p + 1] > en[p]) {
                if (u->nrows < BELL_ROWS_MAX)
                    u->rows[u->nrows] = (struct brow){true, en[p], st[p + 1]};
                u->nrows++;
            } else {
                lost_break = true;
            }
        }
    }
    if (number == 0)
        problem(u, "El día del archivo no tiene períodos de clase.");
    if (lost_break)
        warn(u, "Un receso del archivo no tiene duración (el período "
                "siguiente empieza cuando termina el anterior) y no se "
                "registró en el horario de timbres.");
    if (u->nrows > BELL_ROWS_MAX)
        problem(u, "El día del archivo tiene %d períodos y recesos; un "
                   "horario de timbres admite hasta %d.",
                u->nrows, BELL_ROWS_MAX);
    else if (en[np - 1] > 24 * 60 - 1)
        problem(u, "Los %d períodos del archivo no caben en un día.", np);
    if (inst->ndays > 7)
        problem(u, "El archivo tiene %d días a la semana; un horario de "
                   "timbres admite hasta 7 (lunes a domingo).",
                inst->ndays);
    free(st);
    free(en);
}

/* ===================================================================
 * Writing
 * =================================================================== */

static void hhmm(int minutes, char out[6])
{
    unsigned m = (unsigned)minutes % (24 * 60);
    out[0] = (char)('0' + m / 600);
    out[1] = (char)('0' + m / 60 % 10);
    out[2] = ':';
    out[3] = (char)('0' + m % 60 / 10);
    out[4] = (char)('0' + m % 10);
    out[5] = '\0';
}

static json_t *item(int64_t id, const char *code, const char *name)
{
    return json_pack("{s:I,s:s?,s:s}", "id", (json_int_t)id, "code", code,
                     "name", name);
}

static void report_item(struct imp *u, const char *group, bool created,
                        int64_t id, const char *code, const char *name)
{
    json_t *g = json_object_get(u->report, group);
    json_array_append_new(json_object_get(g, created ? "created" : "matched"),
                          item(id, code, name));
}

static bool folded_equal(const char *a, const char *b)
{
    char fa[FOLD_MAX], fb[FOLD_MAX];
    records_fold(a, fa, sizeof fa);
    records_fold(b, fb, sizeof fb);
    return fa[0] && strcmp(fa, fb) == 0;
}

static const char *room_kind(const char *type)
{
    if (type == NULL || *type == '\0')
        return "aula";
    char f[FOLD_MAX];
    records_fold(type, f, sizeof f);
    if (strncmp(f, "lab", 3) == 0)
        return "laboratorio";
    if (strstr(f, "cancha") || strstr(f, "gimnasio") || strstr(f, "deporte"))
        return "cancha";
    if (strstr(f, "comput") || strstr(f, "informatica"))
        return "computacion";
    if (strstr(f, "biblioteca"))
        return "biblioteca";
    if (strcmp(f, "aula") == 0)
        return "aula";
    return NULL;
}

static const char *res_display(const struct imp *u, int r)
{
    const char *n = u->src->resource_names ? u->src->resource_names[r] : NULL;
    return n ? n : u->inst->resources[r].name;
}

/* The label without a ".fet" extension, for the names the import gives. */
static void label_stem(const struct imp *u, char *out, size_t n)
{
    snprintf(out, n, "%.120s", u->src->label ? u->src->label : "horario");
    size_t len = strlen(out);
    if (len > 4 && strcasecmp(out + len - 4, ".fet") == 0)
        out[len - 4] = '\0';
}

static int write_rooms(struct imp *u, const char **error_r)
{
    const struct tt_instance *inst = u->inst;
    for (int r = 0; r < inst->nresources; r++) {
        const struct tt_resource *res = &inst->resources[r];
        if (res->kind != TT_ROOM)
            continue;
        const char *name = res_display(u, r);
        int64_t id = 0;
        if (db_query_int(u->s->conn, error_r, &id,
                         "SELECT id FROM rooms WHERE name = ?", "t",
                         name) < 0)
            return -1;
        if (id == 0) {
            struct db_stmt *st =
                db_query(u->s->conn, error_r, "SELECT id, name FROM rooms", "");
            int rc = st ? 0 : -1;
            while (st && id == 0 && (rc = db_step(st, error_r)) == DB_ROW)
                if (folded_equal(db_text(st, 1), name))
                    id = db_int(st, 0);
            db_finish(&st);
            if (rc < 0)
                return -1;
        }
        bool created = id == 0;
        if (created) {
            const char *kind = room_kind(res->room_type);
            if (kind == NULL) {
                warn(u, "El aula «%s» es de un tipo que el plantel no "
                        "distingue («%s»): se registró como aula.",
                     name, res->room_type);
                kind = "aula";
            }
            if (db_query_int(u->s->conn, error_r, &id,
                             "INSERT INTO rooms (name, capacity, kind,"
                             " created_at, updated_at) VALUES (?, ?, ?, ?, ?)"
                             " RETURNING id",
                             "titt" "t", name,
                             (int64_t)(res->capacity > 0 ? res->capacity : 0),
                             kind, u->now, u->now) < 0 ||
                id == 0)
                return -1;
        }
        u->res_id[r] = id;
        report_item(u, "rooms", created, id, res->name, name);
    }
    return 0;
}

static int write_bells(struct imp *u, const char **error_r)
{
    int days = (1 << u->inst->ndays) - 1;
    /* a schedule of the school with the same days and rows */
    struct db_stmt *st = db_query(u->s->conn, error_r,
                                  "SELECT id FROM bell_schedules"
                                  " WHERE days = ? ORDER BY id",
                                  "i", (int64_t)days);
    int64_t ids[64];
    int nids = 0, rc = st ? 0 : -1;
    while (st && (rc = db_step(st, error_r)) == DB_ROW && nids < 64)
        ids[nids++] = db_int(st, 0);
    db_finish(&st);
    if (rc < 0)
        return -1;
    for (int k = 0; k < nids && u->schedule_id == 0; k++) {
        st = db_query(u->s->conn, error_r,
                      "SELECT kind, starts_at, ends_at FROM bell_periods"
                      " WHERE schedule_id = ? ORDER BY position",
                      "i", ids[k]);
        int n = 0;
        bool same = st != NULL;
        while (st && (rc = db_step(st, error_r)) == DB_ROW) {
            char a[6], b[6];
            if (n < u->nrows) {
                hhmm(u->rows[n].start, a);
                hhmm(u->rows[n].end, b);
            }
            same = same && n < u->nrows &&
                   strcmp(db_text(st, 0), u->rows[n].brk ? "break" : "class") == 0 &&
                   strcmp(db_text(st, 1), a) == 0 && strcmp(db_text(st, 2), b) == 0;
            n++;
        }
        db_finish(&st);
        if (rc < 0)
            return -1;
        if (same && n == u->nrows)
            u->schedule_id = ids[k];
    }
    char name[160], stem[128];
    label_stem(u, stem, sizeof stem);
    bool created = u->schedule_id == 0;
    if (created) {
        for (int i = 1;; i++) {
            if (i == 1)
                snprintf(name, sizeof name, "Horario de %s", stem);
            else
                snprintf(name, sizeof name, "Horario de %s (%d)", stem, i);
            int64_t found = 0;
            if (db_query_int(u->s->conn, error_r, &found,
                             "SELECT id FROM bell_schedules WHERE name = ?",
                             "t", name) < 0)
                return -1;
            if (found == 0)
                break;
        }
        if (db_query_int(u->s->conn, error_r, &u->schedule_id,
                         "INSERT INTO bell_schedules (name, days, created_at,"
                         " updated_at) VALUES (?, ?, ?, ?) RETURNING id",
                         "titt", name, (int64_t)days, u->now, u->now) < 0 ||
            u->schedule_id == 0)
            return -1;
        for (int i = 0; i < u->nrows; i++) {
            char a[6], b[6];
            hhmm(u->rows[i].start, a);
            hhmm(u->rows[i].end, b);
            if (db_run(u->s->conn, error_r,
                       "INSERT INTO bell_periods (schedule_id, position, kind,"
                       " starts_at, ends_at) VALUES (?, ?, ?, ?, ?)",
                       "iitt" "t", u->schedule_id, (int64_t)(i + 1),
                       u->rows[i].brk ? "break" : "class", a, b) < 0)
                return -1;
        }
    } else {
        struct db_stmt *q = db_query(u->s->conn, error_r,
                                     "SELECT name FROM bell_schedules WHERE id = ?",
                                     "i", u->schedule_id);
        snprintf(name, sizeof name, "%s",
                 q && db_step(q, NULL) == DB_ROW ? db_text(q, 0) : "");
        db_finish(&q);
    }
    json_object_set_new(u->report, "bell_schedule",
                        json_pack("{s:I,s:s,s:b}", "id",
                                  (json_int_t)u->schedule_id, "name", name,
                                  "created", created));
    return 0;
}

/* A code for a subject that has only a name (FET): its first letters. */
static int subject_code(struct imp *u, const char *name, char out[16],
                        const char **error_r)
{
    char f[FOLD_MAX], base[9];
    records_fold(name, f, sizeof f);
    size_t n = 0;
    for (const char *p = f; *p && n < 8; p++)
        if (*p != ' ')
            base[n++] = (char)toupper((unsigned char)*p);
    base[n] = '\0';
    if (n == 0)
        snprintf(base, sizeof base, "MAT");
    for (int i = 1; i < 1000; i++) {
        if (i == 1)
            snprintf(out, 16, "%s", base);
        else
            snprintf(out, 16, "%s%d", base, i);
        int64_t found = 0;
        if (db_query_int(u->s->conn, error_r, &found,
                         "SELECT id FROM subjects WHERE code = ?", "t",
                         out) < 0)
            return -1;
        if (found == 0)
            return 0;
    }
    *error_r = "no free subject code";
    return -1;
}

static int write_subjects(struct imp *u, const char **error_r)
{
    const struct tt_instance *inst = u->inst;
    for (int k = 0; k < inst->nsubjects; k++) {
        const char *code = inst->subjects[k];
        const char *name = u->src->subject_names && u->src->subject_names[k]
                               ? u->src->subject_names[k]
                               : code;
        int64_t id = 0;
        if (!u->src->fet &&
            db_query_int(u->s->conn, error_r, &id,
                         "SELECT id FROM subjects WHERE code = ?", "t",
                         code) < 0)
            return -1;
        if (id == 0) {
            /* by name: one of the same level first ("Matemática" of
             * Primaria and of Media General are two subjects) */
            struct db_stmt *st = db_query(u->s->conn, error_r,
                                          "SELECT id, name, level FROM"
                                          " subjects ORDER BY id", "");
            int rc = st ? 0 : -1;
            int64_t other = 0;
            while (st && id == 0 && (rc = db_step(st, error_r)) == DB_ROW)
                if (folded_equal(db_text(st, 1), name)) {
                    if (strcmp(db_text(st, 2), u->subject_level[k]) == 0)
                        id = db_int(st, 0);
                    else if (other == 0)
                        other = db_int(st, 0);
                }
            db_finish(&st);
            if (rc < 0)
                return -1;
            if (id == 0)
                id = other;
        }
        bool created = id == 0;
        char gen[16];
        if (created) {
            if (u->src->fet) {
                if (subject_code(u, name, gen, error_r) < 0)
                    return -1;
                code = gen;
            }
            if (db_query_int(u->s->conn, error_r, &id,
                             "INSERT INTO subjects (name, code, level,"
                             " created_at, updated_at) VALUES (?, ?, ?, ?, ?)"
                             " RETURNING id",
                             "ttttt", name, code, u->subject_level[k], u->now,
                             u->now) < 0 ||
                id == 0)
                return -1;
        }
        u->subject_id[k] = id;
        report_item(u, "subjects", created, id, code, name);
    }
    /* the room type a lesson needs, on its subject when it has none */
    for (int l = 0; l < inst->nlessons; l++) {
        const struct tt_lesson *les = &inst->lessons[l];
        const char *kind = les->room_type ? room_kind(les->room_type) : NULL;
        if (kind == NULL || les->subject < 0 || strcmp(kind, "aula") == 0)
            continue;
        if (db_run(u->s->conn, error_r,
                   "UPDATE subjects SET room_kind = ?, updated_at = ?"
                   " WHERE id = ? AND room_kind IS NULL",
                   "tti", kind, u->now, u->subject_id[les->subject]) < 0)
            return -1;
    }
    return 0;
}

/* "Nombres Apellidos" in two halves by words: "Ana María Pérez Rojas" ->
 * "Ana María" / "Pérez Rojas"; one word is a first name alone. */
static void split_name(const char *name, char *first, size_t nf, char *last,
                       size_t nl)
{
    int words = 0;
    bool in = false;
    for (const char *p = name; *p; p++) {
        if (*p != ' ' && !in)
            words++;
        in = *p != ' ';
    }
    int keep = words <= 1 ? 1 : words / 2, w = 0;
    const char *cut = name + strlen(name);
    in = false;
    for (const char *p = name; *p; p++) {
        if (*p != ' ' && !in && w++ == keep) {
            cut = p;
            break;
        }
        in = *p != ' ';
    }
    size_t n = (size_t)(cut - name);
    while (n > 0 && name[n - 1] == ' ')
        n--;
    snprintf(first, nf, "%.*s", (int)n, name);
    snprintf(last, nl, "%s", cut);
}

static int write_teachers(struct imp *u, const char **error_r)
{
    const struct tt_instance *inst = u->inst;
    for (int r = 0; r < inst->nresources; r++) {
        const struct tt_resource *res = &inst->resources[r];
        if (res->kind != TT_TEACHER)
            continue;
        const char *code = res->name, *name = res_display(u, r);
        int64_t id = 0;
        if (db_query_int(u->s->conn, error_r, &id,
                         "SELECT id FROM staff WHERE code = ?", "t",
                         code) < 0)
            return -1;
        bool by_name = false;
        if (id == 0) {
            struct db_stmt *st = db_query(
                u->s->conn, error_r,
                "SELECT id, first_names, last_names FROM staff"
                " WHERE code IS NULL ORDER BY id", "");
            int rc = st ? 0 : -1;
            while (st && id == 0 && (rc = db_step(st, error_r)) == DB_ROW) {
                char a[512], b[512];
                snprintf(a, sizeof a, "%s %s", db_text(st, 1), db_text(st, 2));
                snprintf(b, sizeof b, "%s %s", db_text(st, 2), db_text(st, 1));
                if (folded_equal(a, name) || folded_equal(b, name))
                    id = db_int(st, 0);
            }
            db_finish(&st);
            if (rc < 0)
                return -1;
            by_name = id != 0;
        }
        if (by_name && db_run(u->s->conn, error_r,
                              "UPDATE staff SET code = ?, updated_at = ?"
                              " WHERE id = ?",
                              "tti", code, u->now, id) < 0)
            return -1;
        bool created = id == 0;
        if (created) {
            char first[101], last[101], cedula[256];
            split_name(name, first, sizeof first, last, sizeof last);
            snprintf(cedula, sizeof cedula, "Sin cédula (%s)", code);
            if (db_query_int(u->s->conn, error_r, &id,
                             "INSERT INTO staff (cedula, first_names,"
                             " last_names, cargo, code, created_at,"
                             " updated_at) VALUES (?, ?, ?, 'Docente', ?, ?,"
                             " ?) RETURNING id",
                             "tttttt", cedula, first, last, code, u->now,
                             u->now) < 0 ||
                id == 0)
                return -1;
        }
        u->res_id[r] = id;
        report_item(u, "teachers", created, id, code, name);
    }
    return 0;
}

static int write_sections(struct imp *u, const char **error_r)
{
    json_t *grades = json_object_get(u->report, "grades_created");
    for (int k = 0; k < u->nsecs; k++) {
        struct isec *x = &u->secs[k];
        bool gcreated = false;
        if (school_grade_ensure(u->s, u->actor, x->level, x->number,
                                &x->grade_id, &gcreated, error_r) < 0)
            return -1;
        if (gcreated) {
            char g[32];
            rec_grade_name(x->level, x->number, g, sizeof g);
            json_array_append_new(grades, json_string(g));
        }
        int64_t id = 0;
        /* by the code it was imported with, then by grade and letter */
        if (db_query_int(u->s->conn, error_r, &id,
                         "SELECT id FROM sections WHERE year_id = ?"
                         " AND grade_id = ? AND code = ?",
                         "iit", u->year_id, x->grade_id, x->code) < 0)
            return -1;
        if (id == 0 && x->letter[0] &&
            db_query_int(u->s->conn, error_r, &id,
                         "SELECT id FROM sections WHERE year_id = ?"
                         " AND grade_id = ? AND letter = ?",
                         "iit", u->year_id, x->grade_id, x->letter) < 0)
            return -1;
        if (id == 0 && !x->letter[0]) {
            /* no letter: "Única", or the grade's only section */
            if (db_query_int(u->s->conn, error_r, &id,
                             "SELECT id FROM sections WHERE year_id = ?"
                             " AND grade_id = ? AND letter = 'Única'",
                             "ii", u->year_id, x->grade_id) < 0)
                return -1;
            int64_t count = 0;
            if (id == 0 &&
                db_query_int(u->s->conn, error_r, &count,
                             "SELECT COUNT(*) FROM sections WHERE year_id = ?"
                             " AND grade_id = ?",
                             "ii", u->year_id, x->grade_id) < 0)
                return -1;
            if (id == 0 && count == 1 &&
                db_query_int(u->s->conn, error_r, &id,
                             "SELECT id FROM sections WHERE year_id = ?"
                             " AND grade_id = ?",
                             "ii", u->year_id, x->grade_id) < 0)
                return -1;
        }
        bool created = false;
        if (id == 0 &&
            school_section_ensure(u->s, u->actor, u->year_id, x->grade_id,
                                  x->letter[0] ? x->letter : "Única", &id,
                                  &created, error_r) < 0)
            return -1;
        x->id = id;
        /* its name as the school writes it */
        struct db_stmt *st = db_query(u->s->conn, error_r,
                                      "SELECT g.name, s.letter FROM sections s"
                                      " JOIN grades g ON g.id = s.grade_id"
                                      " WHERE s.id = ?",
                                      "i", id);
        if (st && db_step(st, NULL) == DB_ROW)
            snprintf(x->name, sizeof x->name, "%s %s", db_text(st, 0),
                     db_text(st, 1));
        db_finish(&st);
        int64_t room = x->home_room >= 0 ? u->res_id[x->home_room] : 0;
        if (db_run(u->s->conn, error_r,
                   "UPDATE sections SET code = ?, bell_schedule_id = ?,"
                   " room_id = COALESCE(NULLIF(?, 0), room_id) WHERE id = ?",
                   "tiii", x->code, u->schedule_id, room, id) < 0)
            return -1;
        report_item(u, "sections", created, id, x->code, x->name);
    }
    return 0;
}

static void blocks_text(const struct tt_instance *inst,
                        const struct tt_lesson *les, char *out, size_t n,
                        int *periods_r)
{
    size_t o = 0;
    int total = 0;
    out[0] = '\0';
    for (int i = 0; i < les->nblocks && o + 4 < n; i++) {
        int len = inst->blocks[les->blocks[i]].length;
        total += len;
        o += (size_t)snprintf(out + o, n - o, "%s%d", i ? "+" : "", len);
    }
    *periods_r = total;
}

static const char *subject_display(const struct imp *u, int k)
{
    if (k < 0)
        return "(sin materia)";
    const char *n = u->src->subject_names ? u->src->subject_names[k] : NULL;
    return n ? n : u->inst->subjects[k];
}

static int write_assignments(struct imp *u, const char **error_r)
{
    const struct tt_instance *inst = u->inst;
    int created = 0, matched = 0, plans = 0;
    int64_t *used = NULL;
    int nused = 0;
    u->assign_id = xcalloc((size_t)inst->nlessons + 1, sizeof(int64_t *));
    for (int l = 0; l < inst->nlessons; l++) {
        const struct tt_lesson *les = &inst->lessons[l];
        const int *secs = u->lesson_secs[l];
        int nsec = 0;
        while (secs[nsec] >= 0)
            nsec++;
        u->assign_id[l] = xcalloc((size_t)nsec + 1, sizeof(int64_t));
        if (les->subject < 0) {
            warn(u, "Una clase del archivo no tiene materia y no se importó.");
            continue;
        }
        const char *subj = subject_display(u, les->subject);
        if (nsec > 1) {
            struct strbuf sb;
            strbuf_init(&sb);
            for (int i = 0; i < nsec; i++)
                strbuf_addf(&sb, "%s%s", i ? ", " : "", u->secs[secs[i]].name);
            warn(u, "La clase de %s se dicta a varias secciones juntas (%s): "
                    "se importó en cada una.", subj, sb.data);
            strbuf_cleanup(&sb);
        }
        if (les->nteachers > 1)
            warn(u, "La clase de %s de %s tiene %d docentes: se asignó "
                    "%s.", subj, nsec ? u->secs[secs[0]].name : "?",
                 les->nteachers, res_display(u, les->teachers[0]));
        else if (les->nteachers == 0)
            warn(u, "La clase de %s de %s no tiene docente: queda para "
                    "cualquier docente calificado.", subj,
                 nsec ? u->secs[secs[0]].name : "?");
        int64_t staff = les->nteachers ? u->res_id[les->teachers[0]] : 0;
        int64_t subject = u->subject_id[les->subject];
        char blocks[128];
        int periods;
        blocks_text(inst, les, blocks, sizeof blocks, &periods);
        for (int i = 0; i < nsec; i++) {
            const struct isec *x = &u->secs[secs[i]];
            int64_t id = 0;
            struct db_stmt *st = db_query(
                u->s->conn, error_r,
                "SELECT id FROM teaching_assignments WHERE section_id = ?"
                " AND subject_id = ? AND COALESCE(staff_id, 0) = ?"
                " ORDER BY id",
                "iii", x->id, subject, staff);
            int rc = st ? 0 : -1;
            while (st && id == 0 && (rc = db_step(st, error_r)) == DB_ROW) {
                int64_t cand = db_int(st, 0);
                bool taken = false;
                for (int j = 0; j < nused && !taken; j++)
                    taken = used[j] == cand;
                if (!taken)
                    id = cand;
            }
            db_finish(&st);
            if (rc < 0)
                goto fail;
            if (id) {
                matched++;
                if (db_run(u->s->conn, error_r,
                           "UPDATE teaching_assignments SET periods_per_week"
                           " = ?, blocks = ?, updated_at = ? WHERE id = ?"
                           " AND (COALESCE(periods_per_week, 0) <> ? OR"
                           " COALESCE(blocks, '') <> ?)",
                           "itti" "it", (int64_t)periods, blocks, u->now, id,
                           (int64_t)periods, blocks) < 0)
                    goto fail;
            } else {
                created++;
                if (db_query_int(u->s->conn, error_r, &id,
                                 "INSERT INTO teaching_assignments"
                                 " (section_id, subject_id, staff_id,"
                                 " periods_per_week, blocks, created_at,"
                                 " updated_at) VALUES (?, ?, NULLIF(?, 0), ?,"
                                 " ?, ?, ?) RETURNING id",
                                 "iiiittt", x->id, subject, staff,
                                 (int64_t)periods, blocks, u->now,
                                 u->now) < 0 ||
                    id == 0)
                    goto fail;
            }
            used = xrealloc(used, (size_t)(nused + 1) * sizeof *used);
            used[nused++] = id;
            u->assign_id[l][i] = id;
            /* the grade's plan de estudio, where it has none for this
             * subject */
            int64_t plan = 0;
            if (db_query_int(u->s->conn, error_r, &plan,
                             "SELECT id FROM study_plan WHERE grade_id = ?"
                             " AND subject_id = ?",
                             "ii", x->grade_id, subject) < 0)
                goto fail;
            if (plan == 0) {
                if (db_run(u->s->conn, error_r,
                           "INSERT INTO study_plan (grade_id, subject_id,"
                           " periods_per_week, blocks, created_at,"
                           " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                           "iiittt", x->grade_id, subject, (int64_t)periods,
                           blocks, u->now, u->now) < 0)
                    goto fail;
                plans++;
            }
        }
        /* the teachers can teach it */
        for (int t = 0; t < les->nteachers; t++)
            if (db_run(u->s->conn, error_r,
                       "INSERT INTO staff_subjects (staff_id, subject_id)"
                       " SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM"
                       " staff_subjects WHERE staff_id = ? AND subject_id = ?)",
                       "iiii", u->res_id[les->teachers[t]], subject,
                       u->res_id[les->teachers[t]], subject) < 0)
                goto fail;
    }
    free(used);
    json_object_set_new(u->report, "assignments",
                        json_pack("{s:i,s:i}", "created", created, "matched",
                                  matched));
    json_object_set_new(u->report, "study_plan",
                        json_pack("{s:i}", "created", plans));
    return 0;
fail:
    free(used);
    return -1;
}

static int write_timetable(struct imp *u, const char **error_r)
{
    const struct tt_instance *inst = u->inst;
    const struct tt_solution *sol = u->src->sol;
    if (sol == NULL) {
        json_object_set_new(u->report, "timetable", json_null());
        return 0;
    }
    struct tt_cost cost = tt_evaluate(inst, sol);
    char name[200], stem[128];
    label_stem(u, stem, sizeof stem);
    if (u->o->name && *u->o->name)
        snprintf(name, sizeof name, "%s", u->o->name);
    else
        snprintf(name, sizeof name, "Importado de %s", stem);
    /* only a timetable without clashes becomes the active one */
    bool activate = u->o->activate && cost.hard == 0;
    if (u->o->activate && !activate)
        warn(u, "El horario del archivo tiene choques: quedó como borrador "
                "y no se activó.");
    const char *status = activate ? "active" : "draft";
    if (activate &&
        db_run(u->s->conn, error_r,
               "UPDATE timetables SET status = 'archived', updated_at = ?"
               " WHERE status = 'active'",
               "t", u->now) < 0)
        return -1;
    int64_t id = 0;
    if (db_query_int(u->s->conn, error_r, &id,
                     "INSERT INTO timetables (name, status, year_id, source,"
                     " job_state, cost_hard, cost_soft, created_by,"
                     " created_at, updated_at, activated_at) VALUES (?, ?, ?,"
                     " 'imported', 'none', ?, ?, NULLIF(?, 0), ?, ?, ?)"
                     " RETURNING id",
                     "ttiiiittt", name, status, u->year_id, (int64_t)cost.hard,
                     (int64_t)cost.soft, u->actor ? u->actor->user_id : 0,
                     u->now, u->now, activate ? u->now : NULL) < 0 ||
        id == 0)
        return -1;
    int lessons = 0, placed = 0, locked = 0;
    for (int l = 0; l < inst->nlessons; l++) {
        const struct tt_lesson *les = &inst->lessons[l];
        if (les->subject < 0)
            continue;
        int64_t staff = les->nteachers ? u->res_id[les->teachers[0]] : 0;
        for (int i = 0; u->lesson_secs[l][i] >= 0; i++) {
            const struct isec *x = &u->secs[u->lesson_secs[l][i]];
            for (int k = 0; k < les->nblocks; k++) {
                int b = les->blocks[k];
                int start = sol->start[b];
                int room = sol->room[b];
                int64_t room_id = room >= 0 ? u->res_id[room] : 0;
                int64_t day = start >= 0 ? start / inst->nperiods + 1 : 0;
                int64_t period =
                    start >= 0 ? u->period_class[start % inst->nperiods] : 0;
                if (period == 0) /* unplaced, or on a break (never valid) */
                    start = -1, day = 0;
                bool lock = start >= 0 && u->src->pinned[b];
                if (db_run(u->s->conn, error_r,
                           "INSERT INTO timetable_lessons (timetable_id,"
                           " section_id, subject_id, staff_id, room_id,"
                           " assignment_id, day, period, length, locked)"
                           " VALUES (?, ?, ?, NULLIF(?, 0), NULLIF(?, 0),"
                           " NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, ?)",
                           "iiiiiiiiii", id, x->id,
                           u->subject_id[les->subject], staff, room_id,
                           u->assign_id[l][i], day, period,
                           (int64_t)inst->blocks[b].length,
                           (int64_t)lock) < 0)
                    return -1;
                lessons++;
                placed += start >= 0;
                locked += lock;
            }
        }
    }
    if (placed < lessons)
        warn(u, "%d de las %d clases del horario del archivo no tienen día "
                "ni hora: quedan sin ubicar en el borrador.",
             lessons - placed, lessons);
    json_object_set_new(
        u->report, "timetable",
        json_pack("{s:I,s:s,s:s,s:i,s:i,s:i,s:I,s:I}", "id", (json_int_t)id,
                  "name", name, "status", status, "lessons", lessons,
                  "placed", placed, "locked", locked, "hard",
                  (json_int_t)cost.hard, "soft", (json_int_t)cost.soft));
    return 0;
}

static void report_init(struct imp *u)
{
    u->report = json_pack(
        "{s:b,s:b,s:s,s:s,s:[],s:{s:[],s:[]},s:{s:[],s:[]},s:{s:[],s:[]},"
        "s:{s:[],s:[]}}",
        "dry_run", u->o->dry_run, "committed", false, "source",
        u->src->fet ? "fet" : "csv", "file", u->src->label ? u->src->label : "",
        "grades_created", "sections", "created", "matched", "subjects",
        "created", "matched", "teachers", "created", "matched", "rooms",
        "created", "matched");
    u->warnings = json_array();
    json_object_set(u->report, "warnings", u->warnings);
}

/* Notes on what of the file the set-up does not keep. */
static void note_constraints(struct imp *u)
{
    const struct tt_instance *inst = u->inst;
    int unavailable = 0, prefs = 0;
    for (int i = 0; i < inst->nconstraints; i++) {
        const struct tt_constraint *c = &inst->constraints[i];
        if (c->type == TT_UNAVAILABLE && c->resource >= 0 &&
            inst->resources[c->resource].kind == TT_TEACHER)
            unavailable++;
        else if (c->type == TT_PREFERENCE)
            prefs++;
    }
    if (unavailable)
        warn(u, "%d indisponibilidades de docentes del archivo no se "
                "importaron: cada docente puede registrarlas en «Mis "
                "preferencias».", unavailable);
    if (prefs)
        warn(u, "%d preferencias de docentes del archivo no se importaron: "
                "cada docente puede registrarlas en «Mis preferencias».",
             prefs);
    if (inst->nunsupported)
        warn(u, "El archivo tiene %d tipos de restricciones que BiScheduler "
                "no maneja; no se tuvieron en cuenta.",
             inst->nunsupported);
}

int timetable_import(struct store *s, const struct actor *actor,
                     const struct timetable_source *src,
                     const struct timetable_import_options *o,
                     json_t **report_r, char **message_r,
                     const char **error_r)
{
    *report_r = NULL;
    *message_r = NULL;
    struct imp u;
    memset(&u, 0, sizeof u);
    u.s = s;
    u.actor = actor;
    u.src = src;
    u.inst = src->inst;
    u.o = o;
    strbuf_init(&u.problems);
    time_format_utc(time_now(), u.now);
    report_init(&u);
    const struct tt_instance *inst = src->inst;
    u.res_id = xcalloc((size_t)inst->nresources + 1, sizeof(int64_t));
    u.subject_id = xcalloc((size_t)inst->nsubjects + 1, sizeof(int64_t));
    u.subject_level = xcalloc((size_t)inst->nsubjects + 1, sizeof(char *));

    plan_sections(&u);
    plan_bells(&u);
    if (inst->nlessons == 0)
        problem(&u, "El archivo no tiene clases que importar.");
    for (int k = 0; k < inst->nsubjects; k++)
        u.subject_level[k] = "media_general";
    for (int l = inst->nlessons - 1; l >= 0; l--) {
        int k = inst->lessons[l].subject, sec = u.lesson_secs[l][0];
        if (k >= 0 && sec >= 0)
            u.subject_level[k] = u.secs[sec].level;
    }
    note_constraints(&u);

    int rc = TIMETABLE_IMPORT_OK;
    if (u.nproblems) {
        if (u.nproblems > 30)
            strbuf_addf(&u.problems, "\n... y %d problemas más.",
                        u.nproblems - 30);
        *message_r = strbuf_steal(&u.problems);
        rc = TIMETABLE_IMPORT_INVALID;
        goto out;
    }
    if (store_begin(s, error_r) < 0) {
        rc = TIMETABLE_IMPORT_ERROR;
        goto out;
    }
    bool ok = school_year_ensure_current(s, actor, o->today, &u.year_id, NULL,
                                         error_r) == 0;
    if (ok) {
        json_t *y = school_year_json(s, u.year_id);
        json_object_set_new(u.report, "year",
                            json_pack("{s:I,s:O?}", "id", (json_int_t)u.year_id,
                                      "name", json_object_get(y, "name")));
        json_decref(y);
    }
    ok = ok && write_rooms(&u, error_r) == 0 && write_bells(&u, error_r) == 0 &&
         write_subjects(&u, error_r) == 0 && write_teachers(&u, error_r) == 0 &&
         write_sections(&u, error_r) == 0 &&
         write_assignments(&u, error_r) == 0 &&
         write_timetable(&u, error_r) == 0;
    if (ok && !o->dry_run) {
        json_t *t = json_object_get(u.report, "timetable");
        char idtext[24];
        snprintf(idtext, sizeof idtext, "%lld",
                 (long long)json_integer_value(json_object_get(t, "id")));
        struct audit_entry e = {"import", "timetable",
                                json_is_object(t) ? idtext : NULL, NULL,
                                u.report};
        ok = audit_write(s, actor, &e, error_r) == 0;
    }
    if (ok && !o->dry_run) {
        ok = store_end(s, true, error_r) == 0;
        json_object_set_new(u.report, "committed", json_boolean(ok));
    } else {
        store_end(s, false, NULL);
    }
    if (!ok) {
        rc = TIMETABLE_IMPORT_ERROR;
        goto out;
    }
    *report_r = json_incref(u.report);
out:
    strbuf_cleanup(&u.problems);
    for (int k = 0; k < u.nsecs; k++) {
        free(u.secs[k].code);
        free(u.secs[k].label);
    }
    free(u.secs);
    free(u.res_sec);
    free(u.period_class);
    free(u.res_id);
    free(u.subject_id);
    free(u.subject_level);
    for (int l = 0; u.lesson_secs && l < inst->nlessons; l++)
        free(u.lesson_secs[l]);
    free(u.lesson_secs);
    for (int l = 0; u.assign_id && l < inst->nlessons; l++)
        free(u.assign_id[l]);
    free(u.assign_id);
    json_decref(u.warnings);
    json_decref(u.report);
    return rc;
}
