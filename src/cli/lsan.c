/*
 * Leak checking (sanitizer builds only, BIS_SANITIZE): the suppressions
 * LeakSanitizer reads at exit. fontconfig, which pango uses to find the
 * PDF reports' fonts (src/school/enrolment_stats.c), keeps what it parsed
 * of its configuration files for the life of the process and frees part
 * of it only in FcFini(), which must not run while any pango object may
 * still use it: that memory is not a leak of ours.
 */
#if defined(__SANITIZE_ADDRESS__)
#define BIS_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BIS_LSAN 1
#endif
#endif

#ifdef BIS_LSAN
/* Quiet about them: the server's stderr is JSON lines only. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}
#else
/* ISO C wants a translation unit to declare something. */
typedef int bis_lsan_unused;
#endif
