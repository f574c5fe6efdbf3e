/*
 * The web app's files, compiled into the binary (web/ → embedded_web). Pages
 * of the single-page app all answer with index.html; assets carry an ETag
 * (a hash of their bytes, computed at start) and are revalidated by the
 * browser, so a new binary's assets are picked up at once. Nested folders
 * (/assets/core/api.js, /assets/pages/audit.js) are files like any other:
 * the embedded name is the path under web/.
 */
#include <sodium.h>
#include <string.h>

#include "core/embedded.h"
#include "core/util.h"
#include "http/http.h"

/* Files under web/ (about 25 today: index.html and the app's modules). */
#define MAX_FILES 512

static char etags[MAX_FILES][24];

static const char *const pages[] = {"/", "/auditoria", "/soporte",
                                    "/invitacion",
                                    /* school records (issue 13) */
                                    "/estudiantes", "/personal", "/estructura",
                                    "/importar", "/exportar",
                                    /* people (issue 14) */
                                    "/usuarios",
                                    /* network (issue 14) */
                                    "/red",
                                    /* setup (issue #15) */
                                    "/preparacion", "/mis-preferencias",
                                    /* timetables (issue #15), part exports */
                                    "/impresion", "/mi-calendario",
                                    /* timetables (issue #15, part generate) */
                                    "/horarios",
                                    /* portal (issue #15) */
                                    "/mi-horario", "/horario-representado",
                                    "/horario-activo", "/suplencias",
                                    /* timetables (issue #15), part import */
                                    "/horarios/importar",
                                    /* attendance (issue #16), part offline */
                                    "/asistencia",
                                    /* attendance (issue #16), part calendar */
                                    "/calendario",
                                    /* attendance (issue #16, part take) */
                                    "/asistencia-representado",
                                    /* attendance (issue #16, part report) */
                                    "/reportes/asistencia", NULL};

/* Pages with an id or a sub-page after the prefix (/estudiantes/12/editar). */
static const char *const page_prefixes[] = {"/estudiantes/", "/representantes/",
                                            "/clave/", /* people: a mailed link */
                                            "/preparacion/", /* setup (#15) */
                                            /* timetables (#15), grid */
                                            "/editar-horario/",
                                            NULL};

/* Sub-pages a prefixed page may have after its id (/estudiantes/12/editar). */
static const char *const page_subpages[] = {"editar", NULL};

/*
 * The rest of a prefixed page: one segment of letters, digits and '-' (an
 * id or a name such as "nuevo"), optionally followed by "/" and a known
 * sub-page. Anything deeper (/estudiantes/abc/xyz) is an unknown page.
 */
static bool page_tail_ok(const char *tail)
{
    size_t n = strspn(tail, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "0123456789-");
    if (n == 0 || n > 64)
        return false;
    if (tail[n] == '\0')
        return true;
    if (tail[n] != '/')
        return false;
    for (int i = 0; page_subpages[i]; i++)
        if (strcmp(tail + n + 1, page_subpages[i]) == 0)
            return true;
    return false;
}

void static_init(void)
{
    for (int i = 0; embedded_web[i].name && i < MAX_FILES; i++) {
        unsigned char h[8];
        crypto_generichash(h, sizeof h, embedded_web[i].data,
                           embedded_web[i].size, NULL, 0);
        char hex[17];
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        snprintf(etags[i], sizeof etags[i], "\"%s\"", hex);
    }
}

static const char *content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".json", "application/json"},
        {".webmanifest", "application/manifest+json"},
        {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* If-None-Match: a list of tags, weak ones (W/) too, or "*" (RFC 9110). */
static bool etag_matches(const char *header, const char *etag)
{
    size_t n = strlen(etag);
    const char *p = header;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == '*')
            return true;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' ||
                                         p[n] == ' '))
            return true;
        while (*p && *p != ',')
            p++;
    }
    return false;
}

static bool serve_file_status(struct request *r, const char *name,
                              unsigned status)
{
    for (int i = 0; embedded_web[i].name && i < MAX_FILES; i++) {
        if (strcmp(embedded_web[i].name, name) != 0)
            continue;
        const char *inm = request_header(r, "If-None-Match");
        if (status == 200 && inm != NULL && etag_matches(inm, etags[i]))
            reply_buffer(r, 304, content_type(name), "", 0, false);
        else
            reply_buffer(r, status, content_type(name), embedded_web[i].data,
                         embedded_web[i].size, false);
        MHD_add_response_header(r->resp, "ETag", etags[i]);
        MHD_add_response_header(r->resp, "Cache-Control", "no-cache");
        return true;
    }
    return false;
}

static bool serve_file(struct request *r, const char *name)
{
    return serve_file_status(r, name, 200);
}

bool static_serve(struct request *r)
{
    const char *path = r->url;
    /* Offline attendance (issue #16): the service worker must be served
     * from the root to control every page (its scope is its folder), and
     * the web app manifest sits beside it. Both revalidate like assets. */
    if (strcmp(path, "/sw.js") == 0)
        return serve_file(r, "sw.js");
    if (strcmp(path, "/manifest.webmanifest") == 0)
        return serve_file(r, "manifest.webmanifest");
    if (strncmp(path, "/assets/", 8) == 0) {
        const char *name = path + 1; /* "assets/app.js" */
        if (strstr(name, "..") != NULL)
            return false;
        return serve_file(r, name);
    }
    for (int i = 0; pages[i]; i++)
        if (strcmp(path, pages[i]) == 0)
            return serve_file(r, "index.html");
    for (int i = 0; page_prefixes[i]; i++) {
        size_t n = strlen(page_prefixes[i]);
        if (strncmp(path, page_prefixes[i], n) == 0 && page_tail_ok(path + n))
            return serve_file(r, "index.html");
    }
    return false;
}

/*
 * An unknown address asked by a browser (Accept: text/html) outside /api/
 * and /assets/: the web app itself with status 404, whose router shows
 * "Página no encontrada" with a way home. People and crawlers get a page
 * in Spanish and the right status; programs still get the JSON 404.
 */
bool static_serve_not_found(struct request *r)
{
    if (strncmp(r->url, "/api/", 5) == 0 || strcmp(r->url, "/api") == 0 ||
        strncmp(r->url, "/assets/", 8) == 0 || !request_wants_html(r))
        return false;
    return serve_file_status(r, "index.html", 404);
}
