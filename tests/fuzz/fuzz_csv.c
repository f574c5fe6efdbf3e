/*
 * libFuzzer target: the spreadsheet reader on bytes that start out as
 * a CSV (core/csv.c: quotes, separators, UTF-8 or Windows-1252). Seeds in tests/fuzz/corpus/csv/; built and run by tests/fuzz/run.
 */
#include "fuzz_sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_sheet_bytes(data, size);
}
