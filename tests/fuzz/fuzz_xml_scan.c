/*
 * libFuzzer target, differential: src/sheet/xml_scan (the .xlsx
 * worksheet reader) against expat on the same bytes. Whatever expat reads
 * as well-formed, xml_scan must read too, with the same elements,
 * attributes and text, whether the bytes come in one chunk or in chunks of
 * 1-16 bytes (the first byte picks the size). xml_scan may refuse more
 * (it is stricter about nothing a spreadsheet writer produces, and that
 * is checked only one way). Seeds in tests/fuzz/corpus/xml_scan/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/xml_events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 1 << 16)
        return 0;
    size_t chunk = 1 + data[0] % 16;
    const char *doc = (const char *)data + 1;
    size_t n = size - 1;
    if (!xml_scan_plain(doc, n))
        return 0;
    struct xml_events ref, whole, cut;
    bool ok = xev_expat(doc, n, &ref);
    bool ok_whole = xev_scan(doc, n, 0, &whole, NULL);
    bool ok_cut = xev_scan(doc, n, chunk, &cut, NULL);
    if (ok_whole != ok_cut)
        abort(); /* the chunking changed the verdict */
    if (ok && (!ok_whole || strcmp(ref.log, whole.log) != 0 || strcmp(ref.log, cut.log) != 0))
        abort(); /* expat reads it, xml_scan does not or reads it otherwise */
    if (ok_whole && strcmp(whole.log, cut.log) != 0)
        abort();
    xev_free(&ref);
    xev_free(&whole);
    xev_free(&cut);
    return 0;
}
