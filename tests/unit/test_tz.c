/*
 * Unit tests for src/core/tz: what a school sees as its local dates and
 * times. Every expected value below was cross-checked against GNU date and
 * zdump on tzdata 2025b (for example `TZ=America/New_York date -d
 * @1772953200 +%FT%T%:z`); the values are hard-coded so the tests do not
 * depend on the C library's time zone code.
 *
 * Zones come from /usr/share/zoneinfo. Debian ships "fat" zone files whose
 * tables run to 2037, so the POSIX footer rules are exercised both through
 * real zones after 2037 and through small TZif images built here in memory
 * (a "slim" New York whose 2026 changes come from the footer alone, a
 * version 1 file, and the footer forms Jn, n, Mm.w.d with odd hours).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/tz.h"

/* ---- helpers ---- */

static struct tz *load(const char *name)
{
    struct tz *tz = NULL;
    const char *error = NULL;
    if (tz_load(name, &tz, &error) < 0)
        fail_msg("tz_load(%s) failed: %s", name, error ? error : "?");
    assert_non_null(tz);
    return tz;
}

static void assert_rfc3339(const struct tz *tz, int64_t t, const char *want)
{
    char out[TZ_RFC3339_SIZE];
    memset(out, 'x', sizeof(out));
    tz_format_rfc3339(tz, t, out);
    assert_string_equal(out, want);
}

static void assert_local_date(const struct tz *tz, int64_t t,
                              const char *want)
{
    char out[TZ_DATE_SIZE];
    memset(out, 'x', sizeof(out));
    tz_local_date(tz, t, out);
    assert_string_equal(out, want);
}

static int64_t midnight(const struct tz *tz, const char *date)
{
    int64_t t = -1;
    assert_int_equal(tz_local_midnight(tz, date, &t), 0);
    return t;
}

/* A TZif image built in memory: one data block per version (32-bit, and
 * for version 2+ a 64-bit one) and, for version 2+, the footer. */
struct tzif_spec {
    char version; /* 0 for version 1, else '2', '3' */
    size_t timecnt;
    const int64_t *times;
    const uint8_t *types;
    size_t typecnt;
    const int32_t *utoff;
    const char *footer; /* version 2+ only */
    uint32_t leapcnt;
    uint8_t isdst; /* written for every type; only 0 and 1 are valid */
};

static unsigned char *put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
    return p + 4;
}

static unsigned char *put_block(unsigned char *p, const struct tzif_spec *s,
                                int time_size)
{
    memcpy(p, "TZif", 4);
    p[4] = (unsigned char)s->version;
    memset(p + 5, 0, 15);
    p += 20;
    p = put_be32(p, 0);                     /* isutcnt */
    p = put_be32(p, 0);                     /* isstdcnt */
    p = put_be32(p, s->leapcnt);            /* leapcnt */
    p = put_be32(p, (uint32_t)s->timecnt);  /* timecnt */
    p = put_be32(p, (uint32_t)s->typecnt);  /* typecnt */
    p = put_be32(p, 4);                     /* charcnt: "ABC\0" */
    for (size_t i = 0; i < s->timecnt; i++) {
        uint64_t t = (uint64_t)s->times[i];
        if (time_size == 8)
            p = put_be32(p, (uint32_t)(t >> 32));
        p = put_be32(p, (uint32_t)t);
    }
    for (size_t i = 0; i < s->timecnt; i++)
        *p++ = s->types[i];
    for (size_t i = 0; i < s->typecnt; i++) {
        p = put_be32(p, (uint32_t)s->utoff[i]);
        *p++ = s->isdst;
        *p++ = 0; /* designation index */
    }
    memcpy(p, "ABC", 4);
    p += 4;
    size_t leap_size = (size_t)s->leapcnt * (size_t)(time_size + 4);
    memset(p, 0, leap_size);
    return p + leap_size;
}

static size_t build_tzif(const struct tzif_spec *s, unsigned char *buf,
                         size_t cap)
{
    unsigned char *p = put_block(buf, s, 4);
    if (s->version != 0) {
        p = put_block(p, s, 8);
        size_t flen = strlen(s->footer);
        *p++ = '\n';
        memcpy(p, s->footer, flen);
        p += flen;
        *p++ = '\n';
    }
    size_t size = (size_t)(p - buf);
    assert_true(size <= cap);
    return size;
}

/* Loads a zone with no transitions, described by its footer alone. */
static struct tz *load_footer_only(const char *footer, int32_t type0)
{
    const struct tzif_spec spec = {
        .version = '3', .typecnt = 1, .utoff = &type0, .footer = footer};
    unsigned char buf[512];
    size_t size = build_tzif(&spec, buf, sizeof(buf));
    struct tz *tz = NULL;
    const char *error = NULL;
    if (tz_parse_tzif(buf, size, &tz, &error) < 0)
        fail_msg("footer \"%s\" refused: %s", footer, error);
    return tz;
}

/* ---- Caracas, the default zone ---- */

static void test_caracas_today_is_four_hours_behind_utc(void **state)
{
    (void)state;
    struct tz *tz = load(TZ_DEFAULT_NAME);
    assert_int_equal(tz_offset(tz, 1773000000), -4 * 3600);
    assert_rfc3339(tz, 1795769280, "2026-11-27T04:48:00-04:00");
    assert_rfc3339(tz, 1767240000, "2026-01-01T00:00:00-04:00");
    tz_free(&tz);
    assert_null(tz);
}

static void test_caracas_2010_is_four_and_a_half_hours_behind(void **state)
{
    (void)state;
    struct tz *tz = load("America/Caracas");
    assert_int_equal(tz_offset(tz, 1276603200), -(4 * 3600 + 1800));
    assert_rfc3339(tz, 1276603200, "2010-06-15T07:30:00-04:30");
    tz_free(&tz);
}

static void test_caracas_switched_to_4_30_on_2007_12_09(void **state)
{
    (void)state;
    struct tz *tz = load("America/Caracas");
    /* 03:00 -04:00 became 02:30 -04:30. */
    assert_rfc3339(tz, 1197183599, "2007-12-09T02:59:59-04:00");
    assert_rfc3339(tz, 1197183600, "2007-12-09T02:30:00-04:30");
    tz_free(&tz);
}

static void test_caracas_switched_back_to_4_on_2016_05_01(void **state)
{
    (void)state;
    struct tz *tz = load("America/Caracas");
    /* 02:30 -04:30 became 03:00 -04:00. */
    assert_int_equal(tz_offset(tz, 1462085999), -16200);
    assert_int_equal(tz_offset(tz, 1462086000), -14400);
    assert_rfc3339(tz, 1462085999, "2016-05-01T02:29:59-04:30");
    assert_rfc3339(tz, 1462086000, "2016-05-01T03:00:00-04:00");
    tz_free(&tz);
}

static void test_caracas_far_future_follows_the_footer(void **state)
{
    (void)state;
    struct tz *tz = load("America/Caracas");
    /* Past the table's last entry (2038-01-19) only the footer "<-04>4"
     * speaks. */
    assert_rfc3339(tz, 4102444800, "2099-12-31T20:00:00-04:00");
    tz_free(&tz);
}

static void test_local_mean_time_offset_is_cut_to_minutes(void **state)
{
    (void)state;
    struct tz *tz = load("America/Caracas");
    /* 1900-01-01T00:00:00Z; Caracas then kept local mean time -4:27:40.
     * RFC 3339 has no offset seconds: -04:27 and a wall clock that still
     * names the same instant. */
    assert_int_equal(tz_offset(tz, -2208988800), -(4 * 3600 + 27 * 60 + 40));
    assert_rfc3339(tz, -2208988800, "1899-12-31T19:33:00-04:27");
    tz_free(&tz);
}

/* ---- zones with daylight saving time ---- */

static void test_new_york_2026_dst_starts_and_ends(void **state)
{
    (void)state;
    struct tz *tz = load("America/New_York");
    assert_rfc3339(tz, 1772953199, "2026-03-08T01:59:59-05:00");
    assert_rfc3339(tz, 1772953200, "2026-03-08T03:00:00-04:00");
    assert_int_equal(tz_offset(tz, 1773000000), -4 * 3600);
    assert_rfc3339(tz, 1793512799, "2026-11-01T01:59:59-04:00");
    assert_rfc3339(tz, 1793512800, "2026-11-01T01:00:00-05:00");
    tz_free(&tz);
}

static void test_new_york_after_2037_comes_from_the_footer(void **state)
{
    (void)state;
    struct tz *tz = load("America/New_York");
    assert_rfc3339(tz, 2215061999, "2040-03-11T01:59:59-05:00");
    assert_rfc3339(tz, 2215062000, "2040-03-11T03:00:00-04:00");
    assert_rfc3339(tz, 2235621599, "2040-11-04T01:59:59-04:00");
    assert_rfc3339(tz, 2235621600, "2040-11-04T01:00:00-05:00");
    /* 2100 is not a leap year. */
    assert_rfc3339(tz, 4108690799, "2100-03-14T01:59:59-05:00");
    assert_rfc3339(tz, 4108690800, "2100-03-14T03:00:00-04:00");
    assert_rfc3339(tz, 4129250399, "2100-11-07T01:59:59-04:00");
    assert_rfc3339(tz, 4129250400, "2100-11-07T01:00:00-05:00");
    /* Beyond the 400-year window the rule is evaluated in. */
    assert_rfc3339(tz, 13544175599, "2399-03-14T01:59:59-05:00");
    assert_rfc3339(tz, 13544175600, "2399-03-14T03:00:00-04:00");
    tz_free(&tz);
}

static void test_slim_new_york_2026_from_footer_alone(void **state)
{
    (void)state;
    /* A zone file with no transitions at all: both 2026 changes come from
     * "EST5EDT,M3.2.0,M11.1.0". */
    struct tz *tz = load_footer_only("EST5EDT,M3.2.0,M11.1.0", -18000);
    assert_rfc3339(tz, 1772953199, "2026-03-08T01:59:59-05:00");
    assert_rfc3339(tz, 1772953200, "2026-03-08T03:00:00-04:00");
    assert_rfc3339(tz, 1793512799, "2026-11-01T01:59:59-04:00");
    assert_rfc3339(tz, 1793512800, "2026-11-01T01:00:00-05:00");
    assert_int_equal(midnight(tz, "2026-03-08"), 1772946000);
    assert_int_equal(midnight(tz, "2026-11-01"), 1793505600);
    tz_free(&tz);
}

static void test_madrid_summer_and_winter(void **state)
{
    (void)state;
    struct tz *tz = load("Europe/Madrid");
    assert_rfc3339(tz, 1768478400, "2026-01-15T13:00:00+01:00");
    assert_rfc3339(tz, 1782907200, "2026-07-01T14:00:00+02:00");
    assert_rfc3339(tz, 1774745999, "2026-03-29T01:59:59+01:00");
    assert_rfc3339(tz, 1774746000, "2026-03-29T03:00:00+02:00");
    assert_rfc3339(tz, 1792889999, "2026-10-25T02:59:59+02:00");
    assert_rfc3339(tz, 1792890000, "2026-10-25T02:00:00+01:00");
    assert_rfc3339(tz, 4109878799, "2100-03-28T01:59:59+01:00");
    assert_rfc3339(tz, 4109878800, "2100-03-28T03:00:00+02:00");
    assert_rfc3339(tz, 4128627599, "2100-10-31T02:59:59+02:00");
    assert_rfc3339(tz, 4128627600, "2100-10-31T02:00:00+01:00");
    tz_free(&tz);
}

static void test_santiago_southern_hemisphere_rule(void **state)
{
    (void)state;
    struct tz *tz = load("America/Santiago");
    /* DST starts at 24:00 on a Saturday and ends the same way. */
    assert_rfc3339(tz, 1788667199, "2026-09-05T23:59:59-04:00");
    assert_rfc3339(tz, 1788667200, "2026-09-06T01:00:00-03:00");
    assert_rfc3339(tz, 1775357999, "2026-04-04T23:59:59-03:00");
    assert_rfc3339(tz, 1775358000, "2026-04-04T23:00:00-04:00");
    tz_free(&tz);
}

static void test_utc_and_fractional_hour_zones(void **state)
{
    (void)state;
    struct tz *utc = load("UTC");
    struct tz *kolkata = load("Asia/Kolkata");
    struct tz *kathmandu = load("Asia/Kathmandu");
    assert_int_equal(tz_offset(utc, 1782907200), 0);
    assert_rfc3339(utc, 1782907200, "2026-07-01T12:00:00+00:00");
    assert_rfc3339(utc, 0, "1970-01-01T00:00:00+00:00");
    assert_rfc3339(kolkata, 1782907200, "2026-07-01T17:30:00+05:30");
    assert_rfc3339(kathmandu, 1782907200, "2026-07-01T17:45:00+05:45");
    tz_free(&utc);
    tz_free(&kolkata);
    tz_free(&kathmandu);
}

/* ---- POSIX footer rules ---- */

static void test_footer_julian_day_without_leap_day(void **state)
{
    (void)state;
    /* Jn never counts February 29: J60 is March 1 every year. */
    struct tz *tz = load_footer_only("<-03>3<-02>,J60,J300", -10800);
    assert_rfc3339(tz, 1709269199, "2024-03-01T01:59:59-03:00");
    assert_rfc3339(tz, 1709269200, "2024-03-01T03:00:00-02:00");
    assert_rfc3339(tz, 1740805199, "2025-03-01T01:59:59-03:00");
    assert_rfc3339(tz, 1740805200, "2025-03-01T03:00:00-02:00");
    assert_rfc3339(tz, 1730001599, "2024-10-27T01:59:59-02:00");
    assert_rfc3339(tz, 1730001600, "2024-10-27T01:00:00-03:00");
    tz_free(&tz);
}

static void test_footer_zero_based_day_counts_leap_day(void **state)
{
    (void)state;
    /* n counts February 29: day 59 is Feb 29 in 2024, March 1 in 2025. */
    struct tz *tz = load_footer_only("<-03>3<-02>,59,299", -10800);
    assert_rfc3339(tz, 1709182799, "2024-02-29T01:59:59-03:00");
    assert_rfc3339(tz, 1709182800, "2024-02-29T03:00:00-02:00");
    assert_rfc3339(tz, 1740805199, "2025-03-01T01:59:59-03:00");
    assert_rfc3339(tz, 1740805200, "2025-03-01T03:00:00-02:00");
    assert_rfc3339(tz, 1729915199, "2024-10-26T01:59:59-02:00");
    assert_rfc3339(tz, 1729915200, "2024-10-26T01:00:00-03:00");
    tz_free(&tz);
}

static void test_footer_negative_transition_hours(void **state)
{
    (void)state;
    /* Nuuk's rule: changes at -1:00 and 0:00 local (RFC 8536 extension). */
    struct tz *tz =
        load_footer_only("<-02>2<-01>,M3.5.0/-1,M10.5.0/0", -7200);
    assert_rfc3339(tz, 1774745999, "2026-03-28T22:59:59-02:00");
    assert_rfc3339(tz, 1774746000, "2026-03-29T00:00:00-01:00");
    assert_rfc3339(tz, 1792889999, "2026-10-24T23:59:59-01:00");
    assert_rfc3339(tz, 1792890000, "2026-10-24T23:00:00-02:00");
    tz_free(&tz);
}

static void test_footer_dst_all_year(void **state)
{
    (void)state;
    /* RFC 8536 3.3.1: "EST5EDT,0/0,J365/25" is daylight time all year,
     * including across New Year. */
    struct tz *tz = load_footer_only("EST5EDT,0/0,J365/25", -18000);
    assert_int_equal(tz_offset(tz, 1767225600), -14400); /* 2026-01-01Z */
    assert_int_equal(tz_offset(tz, 1767243600), -14400); /* +5 h */
    assert_int_equal(tz_offset(tz, 1782907200), -14400);
    assert_int_equal(tz_offset(tz, 1798761599), -14400);
    tz_free(&tz);
}

static void test_footer_negative_dst_like_dublin(void **state)
{
    (void)state;
    /* Ireland's "standard" time is summer time; winter is the DST. */
    struct tz *tz = load_footer_only("IST-1GMT0,M10.5.0,M3.5.0/1", 3600);
    assert_rfc3339(tz, 1774745999, "2026-03-29T00:59:59+00:00");
    assert_rfc3339(tz, 1774746000, "2026-03-29T02:00:00+01:00");
    assert_rfc3339(tz, 1792889999, "2026-10-25T01:59:59+01:00");
    assert_rfc3339(tz, 1792890000, "2026-10-25T01:00:00+00:00");
    tz_free(&tz);
}

/* ---- TZif files ---- */

static void test_version_1_file_uses_its_32_bit_table(void **state)
{
    (void)state;
    const int64_t times[] = {1197183600, 1462086000};
    const uint8_t types[] = {1, 0};
    const int32_t utoff[] = {-14400, -16200};
    const struct tzif_spec spec = {.version = 0, .timecnt = 2,
                                   .times = times, .types = types,
                                   .typecnt = 2, .utoff = utoff};
    unsigned char buf[256];
    size_t size = build_tzif(&spec, buf, sizeof(buf));
    struct tz *tz = NULL;
    assert_int_equal(tz_parse_tzif(buf, size, &tz, NULL), 0);
    assert_int_equal(tz_offset(tz, 1000000000), -14400); /* before: type 0 */
    assert_int_equal(tz_offset(tz, 1276603200), -16200);
    assert_int_equal(tz_offset(tz, 1773000000), -14400); /* last type */
    tz_free(&tz);
}

static void test_corrupt_zone_data_is_refused(void **state)
{
    (void)state;
    const int64_t times[] = {1000, 2000};
    const uint8_t types[] = {0, 1};
    const uint8_t bad_types[] = {0, 2};
    const int64_t bad_times[] = {2000, 1000};
    const int32_t utoff[] = {0, 3600};
    const int32_t bad_utoff[] = {0, 200000};
    const struct tzif_spec good = {.version = '2', .timecnt = 2,
                                   .times = times, .types = types,
                                   .typecnt = 2, .utoff = utoff,
                                   .footer = "<+01>-1"};
    struct {
        const char *what;
        struct tzif_spec spec;
    } cases[] = {
        {"type index", good},
        {"order", good},
        {"offset", good},
        {"leap seconds", good},
        {"no types", good},
        {"footer", good},
        {"DST flag", good},
    };
    cases[0].spec.types = bad_types;
    cases[1].spec.times = bad_times;
    cases[2].spec.utoff = bad_utoff;
    cases[3].spec.leapcnt = 1;
    cases[4].spec.typecnt = 0;
    cases[4].spec.timecnt = 0;
    cases[5].spec.footer = "EST5EDT,M3.2.0";
    cases[6].spec.isdst = 2;

    unsigned char buf[512];
    struct tz *tz = NULL;
    const char *error = NULL;
    size_t size = build_tzif(&good, buf, sizeof(buf));
    assert_int_equal(tz_parse_tzif(buf, size, &tz, &error), 0);
    assert_int_equal(tz_offset(tz, 1500), 0);
    assert_int_equal(tz_offset(tz, 2500), 3600);
    tz_free(&tz);

    /* Every cut of a good file is refused, not read past its end. */
    for (size_t cut = 0; cut < size; cut++) {
        error = NULL;
        assert_int_equal(tz_parse_tzif(buf, cut, &tz, &error), -1);
        assert_null(tz);
        assert_non_null(error);
    }
    buf[0] = 'X';
    assert_int_equal(tz_parse_tzif(buf, size, &tz, &error), -1);
    assert_string_equal(error, "not a TZif time zone file");

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size = build_tzif(&cases[i].spec, buf, sizeof(buf));
        error = NULL;
        tz = (struct tz *)buf; /* must be reset to NULL */
        if (tz_parse_tzif(buf, size, &tz, &error) != -1)
            fail_msg("corrupt %s accepted", cases[i].what);
        assert_null(tz);
        assert_non_null(error);
    }
}

/* ---- local dates ---- */

static void test_local_date_changes_at_local_midnight(void **state)
{
    (void)state;
    struct tz *caracas = load("America/Caracas");
    struct tz *madrid = load("Europe/Madrid");
    struct tz *utc = load("UTC");
    /* 2026-01-01T04:00:00Z is midnight in Caracas. */
    assert_local_date(caracas, 1767239999, "2025-12-31");
    assert_local_date(caracas, 1767240000, "2026-01-01");
    assert_local_date(utc, 1767239999, "2026-01-01");
    /* At 2026-06-30T22:00:00Z Madrid (+02:00) is already in July. */
    assert_local_date(madrid, 1782856799, "2026-06-30");
    assert_local_date(madrid, 1782856800, "2026-07-01");
    assert_local_date(utc, 1782856800, "2026-06-30");
    /* In 2010 Caracas' day started at 04:30Z. */
    assert_local_date(caracas, 1276576199, "2010-06-14");
    assert_local_date(caracas, 1276576200, "2010-06-15");
    tz_free(&caracas);
    tz_free(&madrid);
    tz_free(&utc);
}

static void test_local_midnight_in_caracas(void **state)
{
    (void)state;
    struct tz *tz = load("America/Caracas");
    assert_int_equal(midnight(tz, "2026-03-15"), 1773547200);
    assert_int_equal(midnight(tz, "2026-01-01"), 1767240000);
    assert_int_equal(midnight(tz, "2010-06-15"), 1276576200);
    tz_free(&tz);
}

static void test_local_midnight_on_new_york_dst_days(void **state)
{
    (void)state;
    struct tz *tz = load("America/New_York");
    /* The changes happen at 02:00, so midnight keeps the old offset. */
    assert_int_equal(midnight(tz, "2026-03-08"), 1772946000); /* 05:00Z */
    assert_int_equal(midnight(tz, "2026-03-09"), 1773028800); /* 04:00Z */
    assert_int_equal(midnight(tz, "2026-11-01"), 1793505600); /* 04:00Z */
    assert_int_equal(midnight(tz, "2026-11-02"), 1793595600); /* 05:00Z */
    tz_free(&tz);
}

static void test_local_midnight_in_a_dst_gap_is_the_first_valid_instant(
    void **state)
{
    (void)state;
    struct tz *havana = load("America/Havana");
    struct tz *santiago = load("America/Santiago");
    /* Havana jumps from 00:00 to 01:00: the day starts at 01:00 CDT. */
    assert_int_equal(midnight(havana, "2026-03-08"), 1772946000);
    assert_rfc3339(havana, 1772946000, "2026-03-08T01:00:00-04:00");
    assert_int_equal(midnight(havana, "2050-03-13"), 2530760400);
    /* Santiago jumps from 24:00 Saturday to 01:00 Sunday. */
    assert_int_equal(midnight(santiago, "2026-09-06"), 1788667200);
    assert_rfc3339(santiago, 1788667200, "2026-09-06T01:00:00-03:00");
    /* When Santiago falls back at 24:00, the 23:00 hour repeats and the
     * new day starts once, at 04:00Z. */
    assert_int_equal(midnight(santiago, "2026-04-05"), 1775361600);
    tz_free(&havana);
    tz_free(&santiago);
}

static void test_repeated_midnight_starts_the_day_at_the_first(void **state)
{
    (void)state;
    struct tz *tz = load("America/Havana");
    /* Havana falls back from 01:00 CDT to 00:00 CST: midnight happens at
     * 04:00Z and again at 05:00Z. */
    assert_rfc3339(tz, 1793505600, "2026-11-01T00:00:00-04:00");
    assert_rfc3339(tz, 1793509200, "2026-11-01T00:00:00-05:00");
    assert_int_equal(midnight(tz, "2026-11-01"), 1793505600);
    tz_free(&tz);
}

static void test_local_midnight_refuses_bad_dates(void **state)
{
    (void)state;
    struct tz *tz = load("America/Caracas");
    const char *bad[] = {"2026-02-29", "2024-02-30", "2026-13-01",
                         "26-1-1",     "2026-01-01x", "2026-00-10",
                         "2026-01-00", "1899-12-31", "3000-01-01",
                         "",           "2026/01/01",  "2026-1-01",
                         " 2026-01-01"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t t = 42;
        if (tz_local_midnight(tz, bad[i], &t) != -1)
            fail_msg("\"%s\" accepted", bad[i]);
        assert_int_equal(t, 42);
    }
    int64_t t = 42;
    assert_int_equal(tz_local_midnight(tz, NULL, &t), -1);
    assert_int_equal(midnight(tz, "1900-01-01"), -2208972740);
    assert_int_equal(midnight(tz, "2999-12-31"), 32503608000);
    tz_free(&tz);
}

/* ---- names ---- */

static void test_bad_zone_names_are_refused(void **state)
{
    (void)state;
    const char *bad[] = {
        "../etc/passwd", "", "Nowhere/City", "/etc/passwd",
        "America/../../etc/passwd", "America/Caracas ", "America/Caracas\n",
        "America", "America/Caracas/", "zone.tab", "America/Caracas;rm",
        "A123456789B123456789C123456789D123456789E123456789F123456789G1234",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct tz *tz = (struct tz *)bad; /* must be reset to NULL */
        const char *error = NULL;
        if (tz_load(bad[i], &tz, &error) != -1)
            fail_msg("\"%s\" loaded", bad[i]);
        assert_null(tz);
        assert_non_null(error);
        assert_false(tz_name_valid(bad[i]));
    }
    assert_false(tz_name_valid(NULL));
    const char *error = NULL;
    struct tz *tz = NULL;
    assert_int_equal(tz_load("Nowhere/City", &tz, &error), -1);
    assert_string_equal(error, "unknown time zone");
    assert_int_equal(tz_load("../etc/passwd", &tz, &error), -1);
    assert_string_equal(error,
                        "time zone name contains a character that is not "
                        "allowed");
    assert_int_equal(tz_load(NULL, &tz, NULL), -1);
}

static void test_real_zone_names_are_accepted(void **state)
{
    (void)state;
    const char *good[] = {"America/Caracas", "UTC", "Etc/GMT+4",
                          "America/Argentina/Buenos_Aires",
                          "America/Port-au-Prince", "Europe/Madrid"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (!tz_name_valid(good[i]))
            fail_msg("\"%s\" refused", good[i]);
    }
    /* POSIX sign convention: Etc/GMT+4 is four hours BEHIND UTC. */
    struct tz *tz = load("Etc/GMT+4");
    assert_int_equal(tz_offset(tz, 1773000000), -14400);
    tz_free(&tz);
}

/* ---- calendar helpers ---- */

static void test_parse_date_is_strict(void **state)
{
    (void)state;
    int y = 0, m = 0, d = 0;
    assert_int_equal(tz_parse_date("2026-03-15", &y, &m, &d), 0);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 3);
    assert_int_equal(d, 15);
    const char *bad[] = {"2026-02-29", "2024-02-30", "2026-13-01",
                         "26-1-1",     "2026-01-01x", "2026-04-31",
                         "20260101",   "2026-01-1",   "+026-01-01",
                         "2026-0a-01"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        y = m = d = -7;
        if (tz_parse_date(bad[i], &y, &m, &d) != -1)
            fail_msg("\"%s\" accepted", bad[i]);
        assert_int_equal(y, -7);
        assert_int_equal(m, -7);
        assert_int_equal(d, -7);
    }
    assert_int_equal(tz_parse_date(NULL, &y, &m, &d), -1);
}

static void test_leap_years(void **state)
{
    (void)state;
    int y, m, d;
    assert_int_equal(tz_parse_date("2024-02-29", &y, &m, &d), 0);
    assert_int_equal(tz_parse_date("2000-02-29", &y, &m, &d), 0);
    assert_int_equal(tz_parse_date("1900-02-29", &y, &m, &d), -1);
    assert_int_equal(tz_parse_date("2100-02-29", &y, &m, &d), -1);
    assert_int_equal(tz_parse_date("2026-02-28", &y, &m, &d), 0);
    assert_true(tz_is_leap_year(2024));
    assert_true(tz_is_leap_year(2000));
    assert_false(tz_is_leap_year(1900));
    assert_false(tz_is_leap_year(2026));
    assert_int_equal(tz_days_in_month(2024, 2), 29);
    assert_int_equal(tz_days_in_month(2026, 2), 28);
    assert_int_equal(tz_days_in_month(2026, 4), 30);
    assert_int_equal(tz_days_in_month(2026, 13), 0);
}

static void test_days_from_civil_and_back(void **state)
{
    (void)state;
    assert_int_equal(tz_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(tz_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(tz_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(tz_days_from_civil(1900, 1, 1), -25567);
    assert_int_equal(tz_days_from_civil(2026, 11, 27), 20784);
    assert_int_equal(tz_days_from_civil(1, 1, 1), -719162);
    /* Every day from 1600 to 3000 maps back to itself, one after the
     * other. */
    int64_t first = tz_days_from_civil(1600, 1, 1);
    int64_t last = tz_days_from_civil(3000, 12, 31);
    int py = 1599, pm = 12, pd = 31;
    for (int64_t day = first; day <= last; day++) {
        int y, m, d;
        tz_civil_from_days(day, &y, &m, &d);
        assert_int_equal(tz_days_from_civil(y, m, d), day);
        bool next_day = y == py && m == pm && d == pd + 1;
        bool next_month = y == py && m == pm + 1 && d == 1 &&
                          pd == tz_days_in_month(py, pm);
        bool next_year = y == py + 1 && m == 1 && d == 1 && pm == 12 &&
                         pd == 31;
        assert_true(next_day || next_month || next_year);
        py = y;
        pm = m;
        pd = d;
    }
}

/* ---- robustness ---- */

static void test_extreme_instants_are_clamped_not_broken(void **state)
{
    (void)state;
    struct tz *ny = load("America/New_York");
    struct tz *utc = load("UTC");
    (void)tz_offset(ny, INT64_MAX);
    (void)tz_offset(ny, INT64_MIN);
    assert_int_equal(tz_offset(utc, INT64_MIN), 0);
    assert_rfc3339(utc, INT64_MAX, "9999-12-31T23:59:59+00:00");
    assert_rfc3339(utc, INT64_MIN, "0001-01-01T00:00:00+00:00");
    assert_local_date(ny, INT64_MAX, "9999-12-31");
    assert_local_date(ny, INT64_MIN, "0001-01-01");
    tz_free(&ny);
    tz_free(&utc);
    tz_free(&utc); /* already NULL: harmless */
    tz_free(NULL);
}

struct thread_job {
    const struct tz *tz;
    int failures;
};

static void *format_many(void *arg)
{
    struct thread_job *job = arg;
    for (int i = 0; i < 2000; i++) {
        char out[TZ_RFC3339_SIZE];
        tz_format_rfc3339(job->tz, 1772953199, out);
        if (strcmp(out, "2026-03-08T01:59:59-05:00") != 0)
            job->failures++;
        tz_format_rfc3339(job->tz, 2235621600, out);
        if (strcmp(out, "2040-11-04T01:00:00-05:00") != 0)
            job->failures++;
        int64_t t;
        if (tz_local_midnight(job->tz, "2026-11-01", &t) != 0 ||
            t != 1793505600)
            job->failures++;
    }
    return NULL;
}

static void test_one_zone_serves_many_threads(void **state)
{
    (void)state;
    struct tz *tz = load("America/New_York");
    pthread_t threads[4];
    struct thread_job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (struct thread_job){.tz = tz};
        assert_int_equal(
            pthread_create(&threads[i], NULL, format_many, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
        assert_int_equal(jobs[i].failures, 0);
    }
    tz_free(&tz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_caracas_today_is_four_hours_behind_utc),
        cmocka_unit_test(test_caracas_2010_is_four_and_a_half_hours_behind),
        cmocka_unit_test(test_caracas_switched_to_4_30_on_2007_12_09),
        cmocka_unit_test(test_caracas_switched_back_to_4_on_2016_05_01),
        cmocka_unit_test(test_caracas_far_future_follows_the_footer),
        cmocka_unit_test(test_local_mean_time_offset_is_cut_to_minutes),
        cmocka_unit_test(test_new_york_2026_dst_starts_and_ends),
        cmocka_unit_test(test_new_york_after_2037_comes_from_the_footer),
        cmocka_unit_test(test_slim_new_york_2026_from_footer_alone),
        cmocka_unit_test(test_madrid_summer_and_winter),
        cmocka_unit_test(test_santiago_southern_hemisphere_rule),
        cmocka_unit_test(test_utc_and_fractional_hour_zones),
        cmocka_unit_test(test_footer_julian_day_without_leap_day),
        cmocka_unit_test(test_footer_zero_based_day_counts_leap_day),
        cmocka_unit_test(test_footer_negative_transition_hours),
        cmocka_unit_test(test_footer_dst_all_year),
        cmocka_unit_test(test_footer_negative_dst_like_dublin),
        cmocka_unit_test(test_version_1_file_uses_its_32_bit_table),
        cmocka_unit_test(test_corrupt_zone_data_is_refused),
        cmocka_unit_test(test_local_date_changes_at_local_midnight),
        cmocka_unit_test(test_local_midnight_in_caracas),
        cmocka_unit_test(test_local_midnight_on_new_york_dst_days),
        cmocka_unit_test(
            test_local_midnight_in_a_dst_gap_is_the_first_valid_instant),
        cmocka_unit_test(test_repeated_midnight_starts_the_day_at_the_first),
        cmocka_unit_test(test_local_midnight_refuses_bad_dates),
        cmocka_unit_test(test_bad_zone_names_are_refused),
        cmocka_unit_test(test_real_zone_names_are_accepted),
        cmocka_unit_test(test_parse_date_is_strict),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_days_from_civil_and_back),
        cmocka_unit_test(test_extreme_instants_are_clamped_not_broken),
        cmocka_unit_test(test_one_zone_serves_many_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
