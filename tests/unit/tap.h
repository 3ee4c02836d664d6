/* A small TAP producer for the C unit tests: each check is one TAP line, so
 * the runner counts checks, not files. */
#pragma once
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3)))
static inline void tap_ok(int cond, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
        vprintf(fmt, ap);
        printf("\n");
        va_end(ap);
        if (!cond)
                tap_failed++;
        fflush(stdout);
}

__attribute__((format(printf, 2, 3)))
static inline void tap_skip(const char *why, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        printf("ok %d - ", ++tap_n);
        vprintf(fmt, ap);
        printf(" # SKIP %s\n", why);
        va_end(ap);
}

static inline int tap_done(void)
{
        printf("1..%d\n", tap_n);
        return tap_failed ? 1 : 0;
}

#define tap_is_str(got, want, name)                                                      \
        do {                                                                             \
                const char *_g = (got), *_w = (want);                                    \
                int _ok = (_g && _w) ? strcmp(_g, _w) == 0 : _g == _w;                   \
                tap_ok(_ok, "%s", name);                                                 \
                if (!_ok)                                                                \
                        printf("#   got:  %s\n#   want: %s\n", _g ? _g : "(null)", _w ? _w : "(null)"); \
        } while (0)

#define tap_is_int(got, want, name)                                                      \
        do {                                                                             \
                long long _g = (long long)(got), _w = (long long)(want);                 \
                tap_ok(_g == _w, "%s", name);                                            \
                if (_g != _w)                                                            \
                        printf("#   got:  %lld\n#   want: %lld\n", _g, _w);              \
        } while (0)
