/*
 * A timetable as a CSV and as an .xlsx HORARIO (tt_export.h), and what the
 * PDF shares with the .xlsx: the pages (one per section or teacher), their
 * rows (the bell schedule's periods and breaks) and the text of a cell.
 *
 * tt_export_load() reads the timetable, the school's name and codes, its
 * year and its branding on one snapshot, so a file never mixes two moments
 * of the store. The writers need no store.
 */
#include "school/tt_export.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xlsxwriter.h>

#include "core/csv.h"
#include "core/util.h"
#include "school/branding.h"

int tt_export_load(struct store *s, const char *default_name, int64_t id,
                   struct tt_export *x_r, const char **error_r)
{
    memset(x_r, 0, sizeof *x_r);
    if (store_begin_snapshot(s, error_r) < 0)
        return EXPORT_STORE_ERROR;
    int rc = EXPORT_OK;
    if (id == 0) {
        int found = school_timetable_active(s, &id, error_r);
        rc = found < 0 ? EXPORT_STORE_ERROR
             : found == 0 ? EXPORT_NOT_FOUND
                          : EXPORT_OK;
    }
    if (rc == EXPORT_OK) {
        int found = school_timetable_load(s, id, &x_r->tt, error_r);
        rc = found < 0 ? EXPORT_STORE_ERROR
             : found == 0 ? EXPORT_NOT_FOUND
                          : EXPORT_OK;
    }
    if (rc == EXPORT_OK) {
        /* the timetable's year; a year removed since: the current one */
        rc = export_context_load(s, default_name, x_r->tt->year_id, &x_r->ctx,
                                 error_r);
        if (rc == EXPORT_NOT_FOUND)
            rc = export_context_load(s, default_name, 0, &x_r->ctx, error_r);
    }
    struct branding b;
    char etag[33];
    if (rc == EXPORT_OK &&
        (branding_get(s, &b, error_r) < 0 ||
         branding_logo(s, &x_r->logo, &x_r->logo_len, etag, error_r) < 0))
        rc = EXPORT_STORE_ERROR;
    if (rc == EXPORT_OK)
        str_copy(x_r->primary, sizeof x_r->primary, b.primary);
    const char *end_err = NULL;
    store_end(s, true, &end_err); /* a read: nothing to commit */
    if (rc != EXPORT_OK)
        tt_export_free(x_r);
    return rc;
}

void tt_export_free(struct tt_export *x)
{
    school_timetable_free(&x->tt);
    free(x->logo);
    x->logo = NULL;
    x->logo_len = 0;
}

void tt_export_subtitle(const struct tt_export *x, char *out, size_t n)
{
    char date[11];
    export_date_display(x->ctx.today, date);
    if (x->ctx.year_name[0])
        snprintf(out, n, "Año escolar %s · %s · generado el %s",
                 x->ctx.year_name, x->tt->name, date);
    else
        snprintf(out, n, "%s · generado el %s", x->tt->name, date);
}

/* ---- pages, rows and cells ------------------------------------------- */

const char *tt_day_name_upper(int day)
{
    static const char *const names[] = {"LUNES",   "MARTES", "MIÉRCOLES",
                                        "JUEVES",  "VIERNES", "SÁBADO",
                                        "DOMINGO"};
    return day >= 1 && day <= 7 ? names[day - 1] : "";
}

static int by_title(const void *a, const void *b)
{
    const struct tt_page *x = a, *y = b;
    int c = g_utf8_collate(x->title, y->title);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* The id a lesson belongs to on pages of kind `by` (0: on none). */
static int64_t page_key(const struct school_lesson *l, enum tt_export_by by)
{
    return by == TT_EXPORT_BY_SECTION ? l->section_id : l->staff_id;
}

static void page_finish(const struct school_timetable *tt, struct tt_page *p,
                        enum tt_export_by by)
{
    /* its lessons, and the schedule most of them follow */
    int cap = 0;
    int64_t sched[TIMETABLE_MAX_PERIODS];
    int votes[TIMETABLE_MAX_PERIODS], nsched = 0;
    bool day_on[8] = {false};
    for (int i = 0; i < tt->nlessons; i++) {
        const struct school_lesson *l = &tt->lessons[i];
        if (page_key(l, by) != p->id)
            continue;
        int k = 0;
        while (k < nsched && sched[k] != l->schedule_id)
            k++;
        if (k == nsched && nsched < TIMETABLE_MAX_PERIODS) {
            sched[nsched] = l->schedule_id;
            votes[nsched++] = 0;
        }
        if (k < nsched)
            votes[k]++;
        if (l->day < 1 || l->day > 7 || l->period < 1)
            continue;
        if (p->nlessons == cap) {
            cap = cap ? cap * 2 : 16;
            p->lessons = xrealloc(p->lessons, (size_t)cap * sizeof *p->lessons);
        }
        p->lessons[p->nlessons++] = l;
        day_on[l->day] = true;
        int last = l->period + (l->length > 0 ? l->length : 1) - 1;
        if (last > p->nperiods)
            p->nperiods = last;
    }
    int best = -1;
    for (int k = 0; k < nsched; k++)
        if (sched[k] && (best < 0 || votes[k] > votes[best]))
            best = k;
    p->schedule = best >= 0 ? school_timetable_schedule(tt, sched[best]) : NULL;
    int days = p->schedule ? p->schedule->days : 31;
    for (int d = 1; d <= 7; d++)
        if ((days & (1 << (d - 1))) || day_on[d])
            p->days[p->ndays++] = d;
}

struct tt_page *tt_pages(const struct school_timetable *tt,
                         enum tt_export_by by, int64_t only, int *n_r)
{
    struct tt_page *pages = NULL;
    int n = 0, cap = 0;
    for (int i = 0; i < tt->nlessons; i++) {
        const struct school_lesson *l = &tt->lessons[i];
        int64_t key = page_key(l, by);
        if (key == 0 || (only && key != only))
            continue;
        bool seen = false;
        for (int k = 0; k < n && !seen; k++)
            seen = pages[k].id == key;
        if (seen)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            pages = xrealloc(pages, (size_t)cap * sizeof *pages);
        }
        struct tt_page *p = &pages[n++];
        memset(p, 0, sizeof *p);
        p->id = key;
        str_copy(p->title, sizeof p->title,
                 by == TT_EXPORT_BY_SECTION ? l->section_name
                 : l->teacher_name          ? l->teacher_name
                                            : "");
        g_strstrip(p->title);
    }
    if (by == TT_EXPORT_BY_TEACHER && n > 1)
        qsort(pages, (size_t)n, sizeof *pages, by_title);
    for (int k = 0; k < n; k++)
        page_finish(tt, &pages[k], by);
    *n_r = n;
    return pages;
}

void tt_pages_free(struct tt_page *pages, int n)
{
    for (int k = 0; k < n; k++)
        free(pages[k].lessons);
    free(pages);
}

int tt_page_rows(const struct tt_page *p, struct tt_row *rows)
{
    int n = 0, nclass = 0;
    if (p->schedule) {
        for (int i = 0; i < p->schedule->nrows && n < TIMETABLE_MAX_PERIODS;
             i++) {
            const struct bell_period *b = &p->schedule->rows[i];
            struct tt_row *r = &rows[n++];
            r->is_break = b->is_break;
            r->period = b->number;
            snprintf(r->label, sizeof r->label, "%s - %s", b->starts_at,
                     b->ends_at);
            if (!b->is_break)
                nclass = b->number;
        }
    }
    /* periods beyond the schedule's (or without one): bare rows */
    for (int k = nclass + 1; k <= p->nperiods && n < TIMETABLE_MAX_PERIODS;
         k++) {
        struct tt_row *r = &rows[n++];
        r->is_break = false;
        r->period = k;
        snprintf(r->label, sizeof r->label, "%d.ª hora", k);
    }
    return n;
}

const struct school_lesson *tt_page_at(const struct tt_page *p, int day,
                                       int period, bool *starts_r)
{
    const struct school_lesson *covering = NULL;
    for (int i = 0; i < p->nlessons; i++) {
        const struct school_lesson *l = p->lessons[i];
        if (l->day != day)
            continue;
        if (l->period == period) {
            *starts_r = true;
            return l;
        }
        if (covering == NULL && l->period < period &&
            period < l->period + l->length)
            covering = l;
    }
    *starts_r = false;
    return covering;
}

int tt_rows_span(const struct tt_row *rows, int nrows, int from, int length)
{
    int to = from;
    for (int k = 1; k < length; k++) {
        if (to + 1 >= nrows || rows[to + 1].is_break ||
            rows[to + 1].period != rows[to].period + 1)
            return -1;
        to++;
    }
    return to;
}

void tt_cell_text(const struct school_lesson *l, enum tt_export_by by,
                  char *out, size_t n)
{
    char *subject = g_utf8_strup(l->subject_name, -1);
    char *who = g_strdup(by == TT_EXPORT_BY_SECTION ? l->teacher_name
                                                    : l->section_name);
    if (who)
        g_strstrip(who); /* an imported teacher may have no last names */
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_adds(&sb, subject);
    if (who && *who)
        strbuf_addf(&sb, "\n%s", who);
    g_free(who);
    if (l->room_name && *l->room_name)
        strbuf_addf(&sb, "\n(%s)", l->room_name);
    str_copy(out, n, sb.data ? sb.data : "");
    strbuf_cleanup(&sb);
    g_free(subject);
}

/* ---- CSV ---------------------------------------------------------------- */

static const char *code_or_name(const char *code, const char *name)
{
    return code && *code ? code : name ? name : "";
}

int tt_export_csv(const struct tt_export *x, struct export_file *out_r,
                  const char **error_r)
{
    (void)error_r;
    memset(out_r, 0, sizeof *out_r);
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_adds(&sb, "section,day,period,length,subject,teacher,room\n");
    for (int i = 0; i < x->tt->nlessons; i++) {
        const struct school_lesson *l = &x->tt->lessons[i];
        if (l->day == 0)
            continue;
        char num[16];
        csv_put(&sb, code_or_name(l->section_code, l->section_name),
                CSV_PUT_TEXT);
        snprintf(num, sizeof num, "%d", l->day);
        csv_put(&sb, num, 0);
        snprintf(num, sizeof num, "%d", l->period);
        csv_put(&sb, num, 0);
        snprintf(num, sizeof num, "%d", l->length);
        csv_put(&sb, num, 0);
        csv_put(&sb, code_or_name(l->subject_code, l->subject_name),
                CSV_PUT_TEXT);
        csv_put(&sb, code_or_name(l->teacher_code, l->teacher_name),
                CSV_PUT_TEXT);
        csv_put(&sb, l->room_name ? l->room_name : "",
                CSV_PUT_TEXT | CSV_PUT_LAST);
    }
    out_r->len = sb.len;
    out_r->data = (unsigned char *)strbuf_steal(&sb);
    str_copy(out_r->today, sizeof out_r->today, x->ctx.today);
    return EXPORT_OK;
}

/* ---- .xlsx: the HORARIO grid -------------------------------------------- */

/* A worksheet name Excel accepts: at most 31 characters (UTF-8 kept
 * whole), none of []:*?/\, unique in the workbook (" (2)" ...). */
static void sheet_name(const char *title, char used[][96], int nused,
                       char *out, size_t n)
{
    char base[96] = "";
    size_t len = 0;
    int chars = 0;
    for (const char *c = title; *c && chars < 26; chars++) {
        const char *next = g_utf8_next_char(c);
        size_t k = (size_t)(next - c);
        if (len + k + 1 >= sizeof base)
            break;
        if (k == 1 && strchr("[]:*?/\\'", *c))
            base[len++] = '-';
        else {
            memcpy(base + len, c, k);
            len += k;
        }
        base[len] = '\0';
        c = next;
    }
    if (len == 0)
        str_copy(base, sizeof base, "Horario");
    str_copy(out, n, base);
    for (int k = 2;; k++) {
        bool taken = false;
        for (int i = 0; i < nused && !taken; i++)
            taken = g_utf8_collate(used[i], out) == 0 ||
                    strcasecmp(used[i], out) == 0;
        if (!taken)
            return;
        snprintf(out, n, "%s (%d)", base, k);
    }
}

int tt_export_xlsx(const struct tt_export *x, enum tt_export_by by,
                   struct export_file *out_r, const char **error_r)
{
    memset(out_r, 0, sizeof *out_r);
    struct export_xlsx xf;
    int rc = export_xlsx_open(&xf, 0, error_r);
    if (rc < 0)
        return rc;
    lxw_workbook *wb = xf.wb;
    lxw_format *title = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 14);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_align(head, LXW_ALIGN_CENTER);
    format_set_align(head, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(head, LXW_BORDER_THIN);
    format_set_bg_color(head, 0xD9E1F2);
    lxw_format *hour = workbook_add_format(wb);
    format_set_bold(hour);
    format_set_align(hour, LXW_ALIGN_CENTER);
    format_set_align(hour, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(hour, LXW_BORDER_THIN);
    lxw_format *cell = workbook_add_format(wb);
    format_set_text_wrap(cell);
    format_set_align(cell, LXW_ALIGN_CENTER);
    format_set_align(cell, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(cell, LXW_BORDER_THIN);
    format_set_font_size(cell, 9);
    lxw_format *recess = workbook_add_format(wb);
    format_set_bold(recess);
    format_set_align(recess, LXW_ALIGN_CENTER);
    format_set_align(recess, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(recess, LXW_BORDER_THIN);
    format_set_bg_color(recess, 0xEDEDED);

    int npages;
    struct tt_page *pages = tt_pages(x->tt, by, x->only, &npages);
    char (*used)[96] = xcalloc(npages > 0 ? (size_t)npages : 1, sizeof *used);
    char sub[512];
    tt_export_subtitle(x, sub, sizeof sub);
    if (npages == 0) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, "Horario");
        worksheet_write_string(ws, 0, 0, x->ctx.school_name, title);
        worksheet_write_string(ws, 1, 0, "HORARIO", bold);
        worksheet_write_string(ws, 2, 0, sub, NULL);
        worksheet_write_string(ws, 4, 0, "Este horario no tiene clases.",
                               NULL);
    }
    for (int pi = 0; pi < npages; pi++) {
        const struct tt_page *p = &pages[pi];
        sheet_name(p->title, used, pi, used[pi], sizeof used[pi]);
        lxw_worksheet *ws = workbook_add_worksheet(wb, used[pi]);
        if (ws == NULL)
            continue;
        worksheet_set_landscape(ws);
        worksheet_set_paper(ws, 9); /* A4 */
        worksheet_fit_to_pages(ws, 1, 1);
        worksheet_set_column(ws, 0, 0, 14, NULL);
        worksheet_set_column(ws, 1, (lxw_col_t)p->ndays, 24, NULL);
        char t[320];
        worksheet_write_string(ws, 0, 0, x->ctx.school_name, title);
        snprintf(t, sizeof t, "HORARIO — %s%s",
                 by == TT_EXPORT_BY_TEACHER ? "Prof. " : "", p->title);
        worksheet_write_string(ws, 1, 0, t, bold);
        worksheet_write_string(ws, 2, 0, sub, NULL);
        const lxw_row_t top = 4;
        worksheet_write_string(ws, top, 0, "HORA", head);
        for (int d = 0; d < p->ndays; d++)
            worksheet_write_string(ws, top, (lxw_col_t)(d + 1),
                                   tt_day_name_upper(p->days[d]), head);
        struct tt_row rows[TIMETABLE_MAX_PERIODS];
        int nrows = tt_page_rows(p, rows);
        for (int ri = 0; ri < nrows; ri++) {
            lxw_row_t row = (lxw_row_t)(top + 1 + ri);
            const struct tt_row *rw = &rows[ri];
            worksheet_write_string(ws, row, 0, rw->label, hour);
            if (rw->is_break) {
                worksheet_set_row(ws, row, 16, NULL);
                if (p->ndays > 1)
                    worksheet_merge_range(ws, row, 1, row,
                                          (lxw_col_t)p->ndays, "RECESO",
                                          recess);
                else
                    worksheet_write_string(ws, row, 1, "RECESO", recess);
                continue;
            }
            worksheet_set_row(ws, row, 48, NULL);
            for (int d = 0; d < p->ndays; d++) {
                lxw_col_t col = (lxw_col_t)(d + 1);
                bool starts;
                const struct school_lesson *l =
                    tt_page_at(p, p->days[d], rw->period, &starts);
                char text[768] = "";
                if (l)
                    tt_cell_text(l, by, text, sizeof text);
                if (l && !starts) {
                    /* inside a merged block: already written, unless the
                     * block could not be merged (across a break) */
                    int from = ri - (rw->period - l->period);
                    if (from >= 0 &&
                        tt_rows_span(rows, nrows, from, l->length) >= ri)
                        continue;
                }
                int to = l && starts ? tt_rows_span(rows, nrows, ri, l->length)
                                     : -1;
                if (to > ri)
                    worksheet_merge_range(ws, row, col,
                                          (lxw_row_t)(top + 1 + to), col,
                                          text, cell);
                else
                    worksheet_write_string(ws, row, col, text, cell);
            }
        }
    }
    free(used);
    tt_pages_free(pages, npages);
    rc = export_xlsx_close(&xf, out_r, error_r);
    str_copy(out_r->today, sizeof out_r->today, x->ctx.today);
    return rc;
}
