/*
 * libFuzzer target: the spreadsheet reader on bytes that start out as
 * an .xlsx (a zip read by libzip, its XML parts by xml_scan: bombs, broken references, odd cell types). Seeds in tests/fuzz/corpus/xlsx/; built and run by tests/fuzz/run.
 */
#include "fuzz_sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_sheet_bytes(data, size);
}
