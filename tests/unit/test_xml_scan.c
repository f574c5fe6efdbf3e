/*
 * src/sheet/xml_scan, the reader of .xlsx worksheets, against expat as
 * the reference: every well-formed document gives the same elements,
 * attributes and text (line ends normalized, references decoded) however
 * the bytes are cut into chunks; every broken one is refused by both, a
 * DOCTYPE before anything expands; documents in another encoding are left
 * to expat.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "xml_events.h"

static const size_t chunks[] = {0, 1, 2, 3, 5, 7, 64};

/* Both read doc the same way, in every chunking; returns expat's log. */
static void same(const char *doc, const char *expected)
{
    size_t n = strlen(doc);
    struct xml_events ref, got;
    assert_true(xev_expat(doc, n, &ref));
    if (expected != NULL)
        assert_string_equal(ref.log, expected);
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        if (!xev_scan(doc, n, chunks[i], &got, NULL))
            fail_msg("xml_scan refused (chunk %zu) a document expat reads:\n%s", chunks[i], doc);
        if (strcmp(got.log, ref.log) != 0)
            fail_msg("chunk %zu: expat\n%s\nxml_scan\n%s", chunks[i], ref.log, got.log);
        xev_free(&got);
    }
    xev_free(&ref);
}

static void refused(const char *doc, size_t n)
{
    struct xml_events e;
    if (xev_expat(doc, n, &e))
        fail_msg("expat reads it: not a refusal case: %s", doc);
    xev_free(&e);
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        if (xev_scan(doc, n, chunks[i], &e, NULL))
            fail_msg("xml_scan (chunk %zu) accepts what expat refuses: %s", chunks[i], doc);
        xev_free(&e);
    }
}

#define REFUSED(lit) refused(lit, sizeof(lit) - 1)

static void worksheet_cells(void **state)
{
    (void)state;
    same("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
         "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
         "<sheetData><row r=\"3\" spans=\"1:2\"><c r=\"A3\" t=\"inlineStr\"><is><t>Secci&#243;n"
         " &amp; grado &lt;1&gt;</t></is></c><c r=\"B3\" s=\"2\"><v>12345678</v></c></row>"
         "</sheetData></worksheet>",
         "S worksheet xmlns=http://schemas.openxmlformats.org/spreadsheetml/2006/main\n"
         "S sheetData\nS row r=3 spans=1:2\nS c r=A3 t=inlineStr\nS is\nS t\n"
         "T Sección & grado <1>\nE t\nE is\nE c\nS c r=B3 s=2\nS v\nT 12345678\nE v\nE c\n"
         "E row\nE sheetData\nE worksheet\n");
}

static void prolog_comments_and_instructions(void **state)
{
    (void)state;
    same("\xEF\xBB\xBF<?xml version='1.0'?><!-- made by hand --><?app data?>\n"
         "<a><!-- inside --><?pi x?>x<b/>y</a>\n<!-- after -->\n",
         "S a\nT x\nS b\nE b\nT y\nE a\n");
}

static void attributes(void **state)
{
    (void)state;
    /* quotes of both kinds, '>' and the other quote inside, references,
       literal white space and line ends as spaces, &#10; kept */
    same("<a one='x>\"y' two=\"a&apos;b &#65;&#x42;\" three=\"l1\r\nl2\tt\" four=\"&#10;\" "
         "\n five = \"5\"  ><b/></a>",
         "S a one=x>\"y two=a'b AB three=l1 l2 t four=\n five=5\nS b\nE b\nE a\n");
}

static void text_line_ends_cdata_and_utf8(void **state)
{
    (void)state;
    same("<a>one\r\ntwo\rthree\n<![CDATA[<not a tag> & ]] \r\n]]>ñ € \xF0\x9F\x98\x80 "
         "&#x1F600;&#13;&#000000000000000065;&#x0000000000042;</a>",
         "S a\nT one\ntwo\nthree\n<not a tag> & ]] \n"
         "ñ € \xF0\x9F\x98\x80 \xF0\x9F\x98\x80\rAB\nE a\n");
}

static void namespaces_and_nesting(void **state)
{
    (void)state;
    same("<x:worksheet xmlns:x=\"urn:x\" xmlns:r=\"urn:r\"><x:sheetData><x:row><x:c r:id=\"1\">"
         "<x:is><x:r><x:t xml:space=\"preserve\"> a </x:t></x:r><x:rPh><x:t>b</x:t></x:rPh>"
         "</x:is></x:c></x:row></x:sheetData></x:worksheet>",
         NULL);
}

static void broken_documents(void **state)
{
    (void)state;
    REFUSED("");
    REFUSED("   ");
    REFUSED("<a>");
    REFUSED("<a></b>");
    REFUSED("<a><b></a></b>");
    REFUSED("<a/><b/>");
    REFUSED("text<a/>");
    REFUSED("<a/>text");
    REFUSED("<a>&nbsp;</a>");
    REFUSED("<a>fish & chips</a>");
    REFUSED("<a>&#0;</a>");
    REFUSED("<a>&#xD800;</a>");
    REFUSED("<a>&#x110000;</a>");
    REFUSED("<a b=\"<\"/>");
    REFUSED("<a b=c/>");
    REFUSED("<a b=\"1\"c=\"2\"/>");
    REFUSED("<a b=\"1\" b=\"2\"/>");
    REFUSED("<a>]]></a>");
    REFUSED("<a>\x01</a>");
    REFUSED("<a>\xC3\x28</a>");
    REFUSED("<a>\xC0\xAF</a>");
    REFUSED("<a>\xED\xA0\x80</a>");
    REFUSED("<a>\xF4\x90\x80\x80</a>");
    REFUSED("<a>\xC3</a>");
    REFUSED("<a><!-- a -- b --></a>");
    REFUSED("<a><![CDATA[x</a>");
    REFUSED("<1a/>");
    REFUSED(" <?xml version=\"1.0\"?><a/>");
    REFUSED("<a/><?xml version=\"1.0\"?>");
    REFUSED("<a>\0</a>");
}

static void doctype_is_refused_before_anything_expands(void **state)
{
    (void)state;
    const char *bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                       "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><lolz>&lol2;</lolz>";
    struct xml_events e;
    assert_false(xev_scan(bomb, strlen(bomb), 0, &e, NULL));
    assert_true(e.doctype);
    assert_string_equal(e.log ? e.log : "", "");
    xev_free(&e);
}

static void error_line(void **state)
{
    (void)state;
    const char *doc = "<a>\n<b>\n</c>\n</a>";
    struct xml_events e;
    unsigned long line = 0;
    assert_false(xev_scan(doc, strlen(doc), 0, &e, &line));
    assert_int_equal(line, 3);
    xev_free(&e);
}

static void plain_or_for_expat(void **state)
{
    (void)state;
    assert_true(xml_scan_plain("<a/>", 4));
    assert_true(xml_scan_plain("<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>", 42));
    assert_true(xml_scan_plain("<?xml version='1.0' encoding='utf8'?>", 37));
    assert_true(xml_scan_plain("\xEF\xBB\xBF<?xml version=\"1.0\"?><a/>", 28));
    assert_false(xml_scan_plain("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>", 47));
    assert_false(xml_scan_plain("<?xml version=\"1.0\" encoding=\"windows-1252\"?>", 45));
    assert_false(xml_scan_plain("\xFF\xFE<\0a\0/\0>\0", 10));
    assert_false(xml_scan_plain("<\0?\0x\0m\0l\0", 10));
}

/* A token longer than the limit is refused instead of growing without
   bound. */
static void endless_token(void **state)
{
    (void)state;
    static const struct xml_scan_handlers h = {
        .start = xev_start, .end = xev_end, .text = xev_text, .doctype = xev_doctype};
    struct xml_events e;
    memset(&e, 0, sizeof e);
    struct xml_scan *s = xml_scan_new(&h, &e);
    assert_int_equal(xml_scan_feed(s, "<a><b c=\"", 9, false), 0);
    char junk[4096];
    memset(junk, 'x', sizeof junk);
    int rc = 0;
    size_t fed = 0;
    while (rc == 0 && fed <= XML_SCAN_MAX_TOKEN + sizeof junk) {
        rc = xml_scan_feed(s, junk, sizeof junk, false);
        fed += sizeof junk;
    }
    assert_int_equal(rc, -1);
    assert_true(fed >= XML_SCAN_MAX_TOKEN - 16 && fed <= XML_SCAN_MAX_TOKEN + sizeof junk);
    xml_scan_free(s);
    xev_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(worksheet_cells),
        cmocka_unit_test(prolog_comments_and_instructions),
        cmocka_unit_test(attributes),
        cmocka_unit_test(text_line_ends_cdata_and_utf8),
        cmocka_unit_test(namespaces_and_nesting),
        cmocka_unit_test(broken_documents),
        cmocka_unit_test(doctype_is_refused_before_anything_expands),
        cmocka_unit_test(error_line),
        cmocka_unit_test(plain_or_for_expat),
        cmocka_unit_test(endless_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
