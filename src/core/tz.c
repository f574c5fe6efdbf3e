/*
 * tz: IANA time zones read straight from TZif files (see tz.h for the API).
 *
 * A loaded zone is one allocation holding the transition table of the file
 * and its footer rule:
 *
 *   trans[i]          UTC instant of transition i, strictly increasing
 *   trans_type[i]     the time type in effect from trans[i] on
 *   type_utoff[k]     UTC offset of time type k, in seconds
 *   footer            the POSIX TZ rule for instants from the last
 *                     transition on (has_footer false: the last type stays)
 *
 * The offset at an instant t is therefore: type 0 before the first
 * transition, a binary search in the table up to the last transition, the
 * footer rule after it. The footer rule is evaluated arithmetically: a rule
 * names two wall-clock moments per year (DST starts, DST ends); for the year
 * of t and its neighbours we turn them into UTC instants and take the last
 * one not after t. The Gregorian calendar repeats exactly every 400 years
 * (146097 days, a whole number of weeks), so t is first folded into
 * 2000..2399, which keeps the arithmetic small for any int64_t instant.
 *
 * tz_local_midnight() walks the timeline in pieces of constant offset
 * (next_transition() gives where each piece ends) and returns the first
 * instant whose wall clock reads the wanted midnight or later: that is the
 * exact midnight, the first occurrence of a repeated one, or the end of a
 * DST gap that swallowed it.
 *
 * Nothing here is global or mutable after tz_load(), so a struct tz can be
 * read from any number of threads at once.
 */
#define _POSIX_C_SOURCE 200809L

#include "core/tz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TZ_ZONEINFO_DIR "/usr/share/zoneinfo/"
/* Real zone files are under 4 KiB; anything this big is not one. */
#define TZ_FILE_MAX (1024 * 1024)
#define TZ_FOOTER_MAX 255
#define TZ_TYPES_MAX 256
#define TZ_HEADER_SIZE 44
/* RFC 8536 section 3.2: offsets must lie in this range. */
#define TZ_UTOFF_MIN (-89999)
#define TZ_UTOFF_MAX 93599

#define SECS_PER_DAY 86400
#define SECS_PER_HOUR 3600
/* 400 Gregorian years: 146097 days, exactly 20871 weeks. */
#define CYCLE_SECONDS ((int64_t)146097 * SECS_PER_DAY)
/* 2000-01-01T00:00:00Z, where the folded 400-year window starts. */
#define CYCLE_BASE ((int64_t)946684800)

/* Instants kept by the formatting functions: 0001-01-01 .. 9999-12-31. */
#define LOCAL_MIN ((int64_t)-62135596800)
#define LOCAL_MAX ((int64_t)253402300799)

enum tz_rule_kind {
    TZ_RULE_JULIAN1, /* Jn: day 1..365, February 29 never counted */
    TZ_RULE_JULIAN0, /* n: day 0..365, February 29 counted in leap years */
    TZ_RULE_MONTH,   /* Mm.w.d: day d of week w (5 = last) of month m */
};

struct tz_rule_date {
    enum tz_rule_kind kind;
    int day;      /* TZ_RULE_JULIAN1 / TZ_RULE_JULIAN0 */
    int month;    /* TZ_RULE_MONTH: 1..12 */
    int week;     /* TZ_RULE_MONTH: 1..5 */
    int wday;     /* TZ_RULE_MONTH: 0 = Sunday .. 6 */
    int32_t time; /* wall-clock seconds after local midnight, -167h..167h */
};

struct tz_posix {
    bool has_dst;
    int32_t std_utoff; /* seconds east of Greenwich */
    int32_t dst_utoff;
    struct tz_rule_date start; /* in standard time */
    struct tz_rule_date end;   /* in daylight time */
};

struct tz {
    size_t timecnt;
    size_t typecnt;
    const int64_t *trans;
    const uint8_t *trans_type;
    const int32_t *type_utoff;
    bool has_footer;
    struct tz_posix footer;
    /* The arrays follow in the same allocation, 8-byte aligned first. */
};

/* ---- calendar ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    if (r != 0 && ((r < 0) != (b < 0)))
        r += b;
    return r;
}

bool tz_is_leap_year(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int tz_days_in_month(int64_t y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && tz_is_leap_year(y))
        return 29;
    return days[m - 1];
}

/* Howard Hinnant's days_from_civil, on int64_t years. */
static int64_t days_from_civil64(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                               /* 0..399 */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;       /* 0..146096 */
    return era * 146097 + doe - 719468;
}

int64_t tz_days_from_civil(int y, int m, int d)
{
    return days_from_civil64(y, m, d);
}

/* Howard Hinnant's civil_from_days. */
void tz_civil_from_days(int64_t days, int *y_r, int *m_r, int *d_r)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                            /* 0..146096 */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);     /* 0..365 */
    int64_t mp = (5 * doy + 2) / 153;                          /* 0..11 */
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y_r = (int)(yoe + era * 400 + (m <= 2));
    *m_r = m;
    *d_r = d;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

int tz_parse_date(const char *s, int *y_r, int *m_r, int *d_r)
{
    if (s == NULL)
        return -1;
    for (int i = 0; i < 10; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : !is_digit(s[i]))
            return -1; /* also stops at a short string's NUL */
    }
    if (s[10] != '\0')
        return -1;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
            (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 ||
        d > tz_days_in_month(y, m))
        return -1;
    *y_r = y;
    *m_r = m;
    *d_r = d;
    return 0;
}

/* ---- POSIX TZ strings (the TZif footer) ---- */

struct cursor {
    const char *p;
    const char *end;
};

static bool at_end(const struct cursor *c)
{
    return c->p >= c->end;
}

static bool peek_is(const struct cursor *c, char ch)
{
    return !at_end(c) && *c->p == ch;
}

/* A zone abbreviation: "EST", or quoted "<-04>" (letters, digits, + -). */
static bool parse_abbr(struct cursor *c)
{
    size_t len = 0;
    if (peek_is(c, '<')) {
        c->p++;
        while (!at_end(c) && *c->p != '>') {
            char ch = *c->p;
            if (!is_alpha(ch) && !is_digit(ch) && ch != '+' && ch != '-')
                return false;
            c->p++;
            len++;
        }
        if (!peek_is(c, '>'))
            return false;
        c->p++;
    } else {
        while (!at_end(c) && is_alpha(*c->p)) {
            c->p++;
            len++;
        }
    }
    return len >= 3;
}

static bool parse_uint(struct cursor *c, int max, int *v_r)
{
    int v = 0;
    if (at_end(c) || !is_digit(*c->p))
        return false;
    while (!at_end(c) && is_digit(*c->p)) {
        v = v * 10 + (*c->p - '0');
        if (v > max)
            return false;
        c->p++;
    }
    *v_r = v;
    return true;
}

/* [+-]hh[:mm[:ss]] with hh <= max_hours; returns signed seconds. */
static bool parse_hms(struct cursor *c, int max_hours, int32_t *secs_r)
{
    int sign = 1, h, m = 0, s = 0;
    if (peek_is(c, '+') || peek_is(c, '-')) {
        sign = *c->p == '-' ? -1 : 1;
        c->p++;
    }
    if (!parse_uint(c, max_hours, &h))
        return false;
    if (peek_is(c, ':')) {
        c->p++;
        if (!parse_uint(c, 59, &m))
            return false;
        if (peek_is(c, ':')) {
            c->p++;
            if (!parse_uint(c, 59, &s))
                return false;
        }
    }
    *secs_r = sign * (h * SECS_PER_HOUR + m * 60 + s);
    return true;
}

/* A POSIX offset is hours WEST of Greenwich: "5" means UTC-5. */
static bool parse_posix_offset(struct cursor *c, int32_t *utoff_r)
{
    int32_t west;
    if (!parse_hms(c, 24, &west))
        return false;
    *utoff_r = -west;
    return true;
}

static bool parse_rule_date(struct cursor *c, struct tz_rule_date *r)
{
    memset(r, 0, sizeof(*r));
    if (peek_is(c, 'J')) {
        c->p++;
        r->kind = TZ_RULE_JULIAN1;
        if (!parse_uint(c, 365, &r->day) || r->day < 1)
            return false;
    } else if (peek_is(c, 'M')) {
        c->p++;
        r->kind = TZ_RULE_MONTH;
        if (!parse_uint(c, 12, &r->month) || r->month < 1)
            return false;
        if (!peek_is(c, '.'))
            return false;
        c->p++;
        if (!parse_uint(c, 5, &r->week) || r->week < 1)
            return false;
        if (!peek_is(c, '.'))
            return false;
        c->p++;
        if (!parse_uint(c, 6, &r->wday))
            return false;
    } else {
        r->kind = TZ_RULE_JULIAN0;
        if (!parse_uint(c, 365, &r->day))
            return false;
    }
    r->time = 2 * SECS_PER_HOUR;
    if (peek_is(c, '/')) {
        c->p++;
        /* RFC 8536 section 3.3.1 extends POSIX to -167..167 hours. */
        if (!parse_hms(c, 167, &r->time))
            return false;
    }
    return true;
}

static bool parse_posix_tz(const char *s, size_t len, struct tz_posix *p)
{
    struct cursor c = {s, s + len};
    memset(p, 0, sizeof(*p));
    if (!parse_abbr(&c) || !parse_posix_offset(&c, &p->std_utoff))
        return false;
    if (at_end(&c))
        return true;
    p->has_dst = true;
    if (!parse_abbr(&c))
        return false;
    p->dst_utoff = p->std_utoff + SECS_PER_HOUR;
    if (!at_end(&c) && *c.p != ',' &&
        !parse_posix_offset(&c, &p->dst_utoff))
        return false;
    if (at_end(&c)) {
        /* No rule: POSIX leaves it to the implementation; like tzcode,
         * use the US rule. */
        p->start = (struct tz_rule_date){.kind = TZ_RULE_MONTH, .month = 3,
                                         .week = 2, .wday = 0,
                                         .time = 2 * SECS_PER_HOUR};
        p->end = (struct tz_rule_date){.kind = TZ_RULE_MONTH, .month = 11,
                                       .week = 1, .wday = 0,
                                       .time = 2 * SECS_PER_HOUR};
        return true;
    }
    if (!peek_is(&c, ','))
        return false;
    c.p++;
    if (!parse_rule_date(&c, &p->start) || !peek_is(&c, ','))
        return false;
    c.p++;
    if (!parse_rule_date(&c, &p->end))
        return false;
    return at_end(&c);
}

/* The rule's wall-clock moment in year y, as seconds of a UTC-like clock. */
static int64_t rule_wall_seconds(const struct tz_rule_date *r, int64_t y)
{
    int64_t days;
    switch (r->kind) {
    case TZ_RULE_JULIAN1:
        days = days_from_civil64(y, 1, 1) + r->day - 1;
        if (tz_is_leap_year(y) && r->day >= 60)
            days++;
        break;
    case TZ_RULE_JULIAN0:
        days = days_from_civil64(y, 1, 1) + r->day;
        break;
    case TZ_RULE_MONTH:
    default: {
        int64_t first = days_from_civil64(y, r->month, 1);
        int64_t first_wday = floor_mod(first + 4, 7); /* 1970-01-01: Thu */
        int64_t day = floor_mod(r->wday - first_wday, 7) +
                      (int64_t)(r->week - 1) * 7;
        int mdays = tz_days_in_month(y, r->month);
        while (day >= mdays)
            day -= 7; /* week 5 means the last such weekday */
        days = first + day;
        break;
    }
    }
    return days * SECS_PER_DAY + r->time;
}

/* Folds t into [CYCLE_BASE, CYCLE_BASE + CYCLE_SECONDS) without overflow. */
static int64_t fold_to_cycle(int64_t t)
{
    int64_t r = (t % CYCLE_SECONDS - CYCLE_BASE % CYCLE_SECONDS) %
                CYCLE_SECONDS;
    if (r < 0)
        r += CYCLE_SECONDS;
    return CYCLE_BASE + r;
}

struct rule_event {
    int64_t at; /* UTC */
    bool starts_dst;
};

/* The DST start and end instants of years y0 .. y0 + nyears - 1. */
static size_t rule_events(const struct tz_posix *p, int64_t y0, int nyears,
                          struct rule_event *ev)
{
    size_t n = 0;
    for (int64_t y = y0; y < y0 + nyears; y++) {
        ev[n++] = (struct rule_event){
            rule_wall_seconds(&p->start, y) - p->std_utoff, true};
        ev[n++] = (struct rule_event){
            rule_wall_seconds(&p->end, y) - p->dst_utoff, false};
    }
    return n;
}

static int64_t year_of(int64_t t)
{
    int y, m, d;
    tz_civil_from_days(floor_div(t, SECS_PER_DAY), &y, &m, &d);
    return y;
}

static int footer_offset(const struct tz_posix *p, int64_t t)
{
    if (!p->has_dst)
        return p->std_utoff;
    int64_t ft = fold_to_cycle(t);
    struct rule_event ev[6];
    size_t n = rule_events(p, year_of(ft) - 1, 3, ev);
    const struct rule_event *last = NULL;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].at > ft)
            continue;
        /* On a tie a start wins, so "DST all year" rules whose end and
         * next start coincide stay in DST. */
        if (last == NULL || ev[i].at > last->at ||
            (ev[i].at == last->at && ev[i].starts_dst))
            last = &ev[i];
    }
    if (last == NULL || !last->starts_dst)
        return p->std_utoff;
    return p->dst_utoff;
}

/* The first rule event after t, or INT64_MAX. */
static int64_t footer_next(const struct tz_posix *p, int64_t t)
{
    if (!p->has_dst)
        return INT64_MAX;
    int64_t ft = fold_to_cycle(t);
    struct rule_event ev[8];
    size_t n = rule_events(p, year_of(ft) - 1, 4, ev);
    int64_t best = INT64_MAX;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].at > ft && ev[i].at < best)
            best = ev[i].at;
    }
    if (best == INT64_MAX)
        return INT64_MAX;
    int64_t delta = best - ft; /* positive, under two years */
    return t > INT64_MAX - delta ? INT64_MAX : t + delta;
}

/* ---- lookups ---- */

/* Index of the last transition at or before t; t >= trans[0]. */
static size_t transition_at(const struct tz *tz, int64_t t)
{
    size_t lo = 0, hi = tz->timecnt; /* trans[lo] <= t < trans[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

int tz_offset(const struct tz *tz, int64_t unix_seconds)
{
    if (tz == NULL)
        return 0;
    if (tz->timecnt == 0 || unix_seconds < tz->trans[0]) {
        if (tz->timecnt == 0 && tz->has_footer)
            return footer_offset(&tz->footer, unix_seconds);
        return tz->type_utoff[0];
    }
    if (unix_seconds >= tz->trans[tz->timecnt - 1] && tz->has_footer)
        return footer_offset(&tz->footer, unix_seconds);
    return tz->type_utoff[tz->trans_type[transition_at(tz, unix_seconds)]];
}

/* The first instant after t where the offset may change, or INT64_MAX. */
static int64_t next_transition(const struct tz *tz, int64_t t)
{
    if (tz->timecnt > 0 && t < tz->trans[tz->timecnt - 1]) {
        if (t < tz->trans[0])
            return tz->trans[0];
        return tz->trans[transition_at(tz, t) + 1];
    }
    if (tz->has_footer)
        return footer_next(&tz->footer, t);
    return INT64_MAX;
}

/* ---- formatting ---- */

static char *put_digits(char *p, int64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

/* Local wall-clock seconds for t at offset utoff, kept in 0001..9999. */
static int64_t clamped_local(int64_t t, int utoff)
{
    if (t < LOCAL_MIN - 2 * SECS_PER_DAY)
        t = LOCAL_MIN - 2 * SECS_PER_DAY;
    if (t > LOCAL_MAX + 2 * SECS_PER_DAY)
        t = LOCAL_MAX + 2 * SECS_PER_DAY;
    int64_t local = t + utoff;
    if (local < LOCAL_MIN)
        local = LOCAL_MIN;
    if (local > LOCAL_MAX)
        local = LOCAL_MAX;
    return local;
}

static char *put_date(char *p, int64_t local)
{
    int y, m, d;
    tz_civil_from_days(floor_div(local, SECS_PER_DAY), &y, &m, &d);
    p = put_digits(p, y, 4);
    *p++ = '-';
    p = put_digits(p, m, 2);
    *p++ = '-';
    return put_digits(p, d, 2);
}

void tz_format_rfc3339(const struct tz *tz, int64_t unix_seconds,
                       char out[TZ_RFC3339_SIZE])
{
    int utoff_min = tz_offset(tz, unix_seconds) / 60; /* toward zero */
    int64_t local = clamped_local(unix_seconds, utoff_min * 60);
    int64_t secs = floor_mod(local, SECS_PER_DAY);
    char *p = put_date(out, local);
    *p++ = 'T';
    p = put_digits(p, secs / SECS_PER_HOUR, 2);
    *p++ = ':';
    p = put_digits(p, secs / 60 % 60, 2);
    *p++ = ':';
    p = put_digits(p, secs % 60, 2);
    *p++ = utoff_min < 0 ? '-' : '+';
    int abs_min = utoff_min < 0 ? -utoff_min : utoff_min;
    p = put_digits(p, abs_min / 60, 2);
    *p++ = ':';
    p = put_digits(p, abs_min % 60, 2);
    *p = '\0';
}

void tz_local_date(const struct tz *tz, int64_t unix_seconds,
                   char out[TZ_DATE_SIZE])
{
    int64_t local = clamped_local(unix_seconds, tz_offset(tz, unix_seconds));
    *put_date(out, local) = '\0';
}

int tz_local_midnight(const struct tz *tz, const char *yyyy_mm_dd,
                      int64_t *unix_r)
{
    int y, m, d;
    if (tz == NULL || tz_parse_date(yyyy_mm_dd, &y, &m, &d) < 0)
        return -1;
    int64_t wall = tz_days_from_civil(y, m, d) * SECS_PER_DAY;
    /* Offsets stay within +-26 hours, so two days before, the wall clock
     * still reads the day before. Walk forward piece by piece; in a piece
     * with offset o the wall clock reads t + o. */
    int64_t from = wall - 2 * SECS_PER_DAY;
    for (int piece = 0; piece < 64; piece++) {
        int64_t to = next_transition(tz, from);
        int64_t t = wall - tz_offset(tz, from);
        if (t < from)
            t = from; /* the midnight fell in a gap: the piece's start */
        if (t < to) {
            *unix_r = t;
            return 0;
        }
        from = to;
    }
    return -1; /* not reachable with a valid zone */
}

/* ---- loading ---- */

struct tzif_header {
    unsigned char version; /* 0, or '2', '3', '4', ... */
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static int read_header(const unsigned char *p, size_t avail,
                       struct tzif_header *h, const char **error_r)
{
    if (avail < 4 || memcmp(p, "TZif", 4) != 0) {
        *error_r = "not a TZif time zone file";
        return -1;
    }
    if (avail < TZ_HEADER_SIZE) {
        *error_r = "truncated TZif header";
        return -1;
    }
    h->version = p[4];
    if (h->version != 0 && h->version < '2') {
        *error_r = "unsupported TZif version";
        return -1;
    }
    h->isutcnt = be32(p + 20);
    h->isstdcnt = be32(p + 24);
    h->leapcnt = be32(p + 28);
    h->timecnt = be32(p + 32);
    h->typecnt = be32(p + 36);
    h->charcnt = be32(p + 40);
    return 0;
}

/* Size of the data block after a header; time_size is 4 (v1) or 8. */
static uint64_t block_size(const struct tzif_header *h, unsigned time_size)
{
    return (uint64_t)h->timecnt * time_size + h->timecnt +
           (uint64_t)h->typecnt * 6 + h->charcnt +
           (uint64_t)h->leapcnt * (time_size + 4) + h->isstdcnt + h->isutcnt;
}

static int decode_block(const struct tzif_header *h, unsigned time_size,
                        const unsigned char *block, struct tz **tz_r,
                        const char **error_r)
{
    if (h->leapcnt != 0) {
        *error_r = "time zone files with leap seconds are not supported";
        return -1;
    }
    if (h->typecnt == 0 || h->typecnt > TZ_TYPES_MAX) {
        *error_r = "TZif file has a bad number of time types";
        return -1;
    }
    if ((h->isstdcnt != 0 && h->isstdcnt != h->typecnt) ||
        (h->isutcnt != 0 && h->isutcnt != h->typecnt)) {
        *error_r = "TZif file has inconsistent counts";
        return -1;
    }
    size_t timecnt = h->timecnt, typecnt = h->typecnt;
    /* The table was already checked to fit in the input, so these sizes
     * are bounded by it. int64_t first keeps every array aligned. */
    size_t head = (sizeof(struct tz) + 7) / 8 * 8;
    struct tz *tz = malloc(head + timecnt * sizeof(int64_t) +
                           typecnt * sizeof(int32_t) + timecnt);
    if (tz == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    char *mem = (char *)tz + head;
    int64_t *trans = (int64_t *)(void *)mem;
    int32_t *utoff = (int32_t *)(void *)(mem + timecnt * sizeof(int64_t));
    uint8_t *ttype = (uint8_t *)(mem + timecnt * sizeof(int64_t) +
                                 typecnt * sizeof(int32_t));
    *tz = (struct tz){.timecnt = timecnt, .typecnt = typecnt,
                      .trans = trans, .trans_type = ttype,
                      .type_utoff = utoff};

    const unsigned char *p = block;
    for (size_t i = 0; i < timecnt; i++, p += time_size) {
        trans[i] = time_size == 8 ? be64(p) : (int64_t)(int32_t)be32(p);
        if (i > 0 && trans[i] <= trans[i - 1]) {
            *error_r = "TZif transition times are not increasing";
            goto fail;
        }
    }
    for (size_t i = 0; i < timecnt; i++, p++) {
        if (*p >= typecnt) {
            *error_r = "TZif transition has a bad time type";
            goto fail;
        }
        ttype[i] = *p;
    }
    for (size_t i = 0; i < typecnt; i++, p += 6) {
        int32_t off = (int32_t)be32(p);
        if (off < TZ_UTOFF_MIN || off > TZ_UTOFF_MAX || p[4] > 1 ||
            p[5] >= h->charcnt) {
            *error_r = "TZif file has a bad time type";
            goto fail;
        }
        utoff[i] = off;
    }
    *tz_r = tz;
    return 0;
fail:
    free(tz);
    return -1;
}

static int parse_tzif(const unsigned char *data, size_t size,
                      struct tz **tz_r, const char **error_r)
{
    struct tzif_header h;
    if (read_header(data, size, &h, error_r) < 0)
        return -1;
    uint64_t len = block_size(&h, 4);
    if (len > size - TZ_HEADER_SIZE) {
        *error_r = "truncated TZif file";
        return -1;
    }
    if (h.version == 0)
        return decode_block(&h, 4, data + TZ_HEADER_SIZE, tz_r, error_r);

    /* Version 2+: skip the 32-bit data for the second, 64-bit header. */
    size_t off = TZ_HEADER_SIZE + (size_t)len;
    if (read_header(data + off, size - off, &h, error_r) < 0)
        return -1;
    off += TZ_HEADER_SIZE;
    len = block_size(&h, 8);
    if (len > size - off) {
        *error_r = "truncated TZif file";
        return -1;
    }
    const unsigned char *block = data + off;
    off += (size_t)len;

    /* The footer: "\n" POSIX-TZ-string "\n". */
    struct tz_posix footer = {0};
    bool has_footer = false;
    {
        const unsigned char *nl = NULL;
        if (off < size && data[off] == '\n')
            nl = memchr(data + off + 1, '\n', size - off - 1);
        if (nl == NULL) {
            *error_r = "TZif footer is missing or malformed";
            return -1;
        }
        size_t flen = (size_t)(nl - (data + off + 1));
        if (flen > TZ_FOOTER_MAX) {
            *error_r = "TZif footer is too long";
            return -1;
        }
        if (flen > 0) {
            if (!parse_posix_tz((const char *)data + off + 1, flen, &footer)) {
                *error_r = "TZif footer is not a valid POSIX TZ string";
                return -1;
            }
            has_footer = true;
        }
    }
    if (decode_block(&h, 8, block, tz_r, error_r) < 0)
        return -1;
    (*tz_r)->has_footer = has_footer;
    (*tz_r)->footer = footer;
    return 0;
}

int tz_parse_tzif(const void *data, size_t size, struct tz **tz_r,
                  const char **error_r)
{
    const char *unused;
    if (error_r == NULL)
        error_r = &unused;
    *tz_r = NULL;
    if (data == NULL) {
        *error_r = "no TZif data";
        return -1;
    }
    return parse_tzif(data, size, tz_r, error_r);
}

/* NULL if name is acceptable, else why not. */
static const char *name_problem(const char *name)
{
    if (name == NULL || name[0] == '\0')
        return "time zone name is empty";
    if (name[0] == '/')
        return "time zone name must not start with '/'";
    size_t len = 0;
    for (const char *p = name; *p != '\0'; p++, len++) {
        char c = *p;
        if (len >= TZ_NAME_MAX)
            return "time zone name is too long";
        if (!is_alpha(c) && !is_digit(c) && c != '_' && c != '+' &&
            c != '-' && c != '/')
            return "time zone name contains a character that is not allowed";
    }
    /* Unreachable while '.' is refused above; kept as the rule itself. */
    if (strstr(name, "..") != NULL)
        return "time zone name must not contain '..'";
    return NULL;
}

static int read_zone_file(const char *name, unsigned char **data_r,
                          size_t *size_r, const char **error_r)
{
    char path[sizeof(TZ_ZONEINFO_DIR) + TZ_NAME_MAX];
    memcpy(path, TZ_ZONEINFO_DIR, sizeof(TZ_ZONEINFO_DIR) - 1);
    memcpy(path + sizeof(TZ_ZONEINFO_DIR) - 1, name, strlen(name) + 1);

    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *error_r = errno == ENOENT || errno == ENOTDIR
                       ? "unknown time zone"
                       : "cannot open the time zone file";
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        *error_r = "unknown time zone";
        return -1;
    }
    if (st.st_size > TZ_FILE_MAX) {
        close(fd);
        *error_r = "time zone file is too large";
        return -1;
    }
    size_t size = (size_t)st.st_size;
    unsigned char *data = malloc(size > 0 ? size : 1);
    if (data == NULL) {
        close(fd);
        *error_r = "out of memory";
        return -1;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, data + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            free(data);
            close(fd);
            *error_r = "cannot read the time zone file";
            return -1;
        }
        got += (size_t)n;
    }
    close(fd);
    *data_r = data;
    *size_r = size;
    return 0;
}

int tz_load(const char *name, struct tz **tz_r, const char **error_r)
{
    const char *unused;
    if (error_r == NULL)
        error_r = &unused;
    *tz_r = NULL;
    const char *problem = name_problem(name);
    if (problem != NULL) {
        *error_r = problem;
        return -1;
    }
    unsigned char *data;
    size_t size;
    if (read_zone_file(name, &data, &size, error_r) < 0)
        return -1;
    int ret = parse_tzif(data, size, tz_r, error_r);
    free(data);
    return ret;
}

void tz_free(struct tz **tz)
{
    if (tz == NULL)
        return;
    free(*tz);
    *tz = NULL;
}

bool tz_name_valid(const char *name)
{
    struct tz *tz;
    if (tz_load(name, &tz, NULL) < 0)
        return false;
    tz_free(&tz);
    return true;
}
