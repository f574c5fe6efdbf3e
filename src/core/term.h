/*
 * Text for a terminal: stored names and the content of files (a school's
 * name, a teacher's name in a timetable file) may hold control characters,
 * and an ESC sequence printed raw rewrites the operator's terminal (moves
 * the cursor, retitles the window, hides lines). Everything the command line
 * prints that it did not write itself goes through term_escape first.
 *
 * What is escaped: C0 controls (U+0000-U+001F), DEL and C1 controls
 * (U+0080-U+009F) become \xNN or \u00NN; a byte that is not part of valid
 * UTF-8 becomes \xNN; a backslash becomes \\ so that the escaped text reads
 * back unambiguously. Tab and newline are kept only when the caller asks
 * (TERM_KEEP_TAB, TERM_KEEP_NEWLINE: tables and multi-line reports).
 * Everything else, accented letters included, passes unchanged.
 */
#ifndef BIS_CORE_TERM_H
#define BIS_CORE_TERM_H
#include <stddef.h>

enum term_keep {
    TERM_KEEP_NONE = 0,
    TERM_KEEP_NEWLINE = 1,
    TERM_KEEP_TAB = 2,
};

/*
 * Writes the escaped form of s into out (size n, always NUL-terminated when
 * n > 0, cut short at a whole escape when too small) and returns the length
 * the whole escaped text needs, without the NUL, as snprintf does.
 */
size_t term_escape(char *out, size_t n, const char *s, unsigned keep);

/* The escaped form of s in a new string the caller frees. */
char *term_escape_dup(const char *s, unsigned keep);

#endif
