/*
 * libFuzzer target: the spreadsheet reader on bytes that start out as
 * an .xls (BIFF8 in an OLE compound file, read by FreeXL through a private temporary file). Seeds in tests/fuzz/corpus/xls/; built and run by tests/fuzz/run.
 */
#include "fuzz_sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_sheet_bytes(data, size);
}
