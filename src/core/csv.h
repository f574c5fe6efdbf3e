/*
 * A strict CSV reader (RFC 4180) for files a school exports from a
 * spreadsheet: the timetable folder (docs/TIMETABLE.md) and the coming
 * Matrícula import share it.
 *
 * What it accepts: a UTF-8 byte order mark; LF, CRLF or CR line ends;
 * fields in double quotes holding separators, doubled quotes and line
 * breaks; comma or semicolon separators (a spreadsheet in a Spanish locale
 * writes ";"), fixed or detected from the header line; UTF-8 text, or
 * Windows-1252 (what Excel on Windows saves as "CSV") converted to UTF-8
 * when the caller allows it. Spaces and tabs around an unquoted field are
 * trimmed; empty lines and rows of empty fields (",,,") are skipped.
 *
 * The first row is the header; every other row must have as many fields.
 * Sizes are bounded (file bytes, rows, columns, field bytes), so a hostile
 * file costs at most its size. Every row keeps its line number, and every
 * error is one Spanish message "name, línea N: what", so a caller's own
 * checks can name the line too (csv_fail_at).
 *
 * Writing: csv_put() appends one field to a buffer, quoted when needed;
 * every CSV the program writes (timetable solutions, the usage and
 * timetable downloads) goes through it.
 *
 * Needs only the C library (library bis_base).
 */
#ifndef BIS_CORE_CSV_H
#define BIS_CORE_CSV_H
#include <stdbool.h>
#include <stddef.h>

enum csv_encoding {
    CSV_UTF8,      /* UTF-8 only: anything else is an error naming the line */
    CSV_AUTO,      /* UTF-8 when the whole file is; otherwise Windows-1252 */
};

struct csv_options {
    const char *name;        /* the file's name in messages */
    char separator;          /* ',' or ';'; 0: the more frequent in the header */
    enum csv_encoding encoding;
    long max_bytes;          /* 0: CSV_MAX_BYTES */
    int max_rows;            /* data rows; 0: CSV_MAX_ROWS */
    int max_cols;            /* 0: CSV_MAX_COLS */
    int max_field;           /* bytes of one field (UTF-8); 0: CSV_MAX_FIELD */
    /* Called with the header once it is read, before any other row: may
       rewrite the names in place (e.g. lowercase them) and refuse the
       header with a message through csv_fail_at (returning -1). */
    int (*check_header)(void *arg, const char *name, char **cols, int ncols, int line,
                        char **error_r);
    void *arg;
    /* When set, nothing is stored: every record, the first one too, goes
       to this callback as it is read (fields[0..n) valid during the call
       only), records may have any number of fields up to max_cols, and
       max_rows is not checked; an all-blank file is no error. Returning
       -1 stops the parse (the callback sets *error_r). For a large file
       read into another structure (the spreadsheet import). */
    int (*each_record)(void *arg, char **fields, int n, int line, char **error_r);
};

#define CSV_MAX_BYTES (4L * 1024 * 1024)
#define CSV_MAX_ROWS 20000
#define CSV_MAX_COLS 64
#define CSV_MAX_FIELD 1000

/* A file read whole: the header and rows x columns of NUL-terminated
   UTF-8 cells. */
struct csv {
    const char *name;        /* borrowed from the options */
    char separator;          /* the one used */
    bool converted;          /* the text was Windows-1252 */
    int ncols;
    char **cols;
    int nrows;
    int *line;               /* the line each row starts on */
    char **cell;             /* nrows x ncols */
    int caprows;
};

/* Parses len bytes. 0, or -1 with a message in *error_r (c is then
   empty). */
int csv_parse(struct csv *c, const char *buf, size_t len, const struct csv_options *o,
              char **error_r);
/* Reads and parses a file. 1 when read, 0 when it does not exist (c
   empty, no message), -1 on any other error. */
int csv_load(struct csv *c, const char *path, const struct csv_options *o, char **error_r);
void csv_free(struct csv *c);

/* The column named name, -1 when absent. */
int csv_col(const struct csv *c, const char *name);
/* The cell of row in column col; "" when col is -1 (an absent column). */
const char *csv_get(const struct csv *c, int row, int col);

/* Writing. csv_put appends `v` to sb, quoted (quotes doubled) when it
   holds a comma, a quote, a line break or leading/trailing blanks, then
   "," or, with CSV_PUT_LAST, the line end ("\n", or "\r\n" with
   CSV_PUT_CRLF). CSV_PUT_TEXT: a value starting with =, +, - or @ gets a
   leading ' so a spreadsheet shows it as text instead of running it as a
   formula (for downloads a person opens). */
struct strbuf;
enum { CSV_PUT_LAST = 1, CSV_PUT_CRLF = 2, CSV_PUT_TEXT = 4 };
void csv_put(struct strbuf *sb, const char *v, unsigned flags);

/* Sets *error_r (when error_r is not NULL) to "name, línea N: message". */
void csv_fail_at(char **error_r, const char *name, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The same without a line: "message" (e.g. "name: what"). */
void csv_fail(char **error_r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
