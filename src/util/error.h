/* Errors are values: a negative errno-style code plus a chain of context
 * messages, innermost last. Only main() prints them. */
#pragma once
#include <stdarg.h>

struct bw_error {
        int code;      /* negative errno-style code */
        int status;    /* exit status main() should use: 1 failure, 2 usage */
        char *msg;     /* "outer: middle: inner" */
};

/* Exit statuses shared by every command. */
enum {
        BW_EXIT_FAILURE = 1,
        BW_EXIT_USAGE = 2,
        BW_EXIT_RUNTIME = 255, /* exec: the runtime failed before the process ran (as runc) */
};

/* Fill *err (when err is non-NULL and empty) with a message; the reason for
 * code (strerror) is appended when code is an errno value other than EINVAL.
 * Returns code as a negative number so callers can `return bw_error_set(...)`. */
int bw_error_set(struct bw_error **err, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* Same, but never appends strerror: the message says everything. */
int bw_error_msg(struct bw_error **err, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* A usage error: exit status 2. */
int bw_error_usage(struct bw_error **err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/* Prefix context to an existing error; returns its code. */
int bw_error_wrap(struct bw_error **err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
int bw_error_vwrap(struct bw_error **err, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));
void bw_error_free(struct bw_error *e);
/* The code of an error, or fallback when none was set. */
int bw_error_code(const struct bw_error *e, int fallback);
