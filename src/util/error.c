#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int neg(int code)
{
        if (code == 0)
                return -EINVAL;
        return code < 0 ? code : -code;
}

__attribute__((format(printf, 5, 0)))
static int vset(struct bw_error **err, int code, int status, int with_reason,
                const char *fmt, va_list ap)
{
        code = neg(code);
        if (!err || *err)
                return code;
        char *text = NULL;
        if (vasprintf(&text, fmt, ap) < 0)
                text = NULL;
        struct bw_error *e = calloc(1, sizeof(*e));
        if (!e) {
                free(text);
                return code;
        }
        e->code = code;
        e->status = status;
        if (text && with_reason && code != -EINVAL) {
                char *full = NULL;
                if (asprintf(&full, "%s: %s", text, strerror(-code)) >= 0) {
                        free(text);
                        text = full;
                }
        }
        e->msg = text ? text : strdup("out of memory");
        *err = e;
        return code;
}

int bw_error_set(struct bw_error **err, int code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int r = vset(err, code, BW_EXIT_FAILURE, 1, fmt, ap);
        va_end(ap);
        return r;
}

int bw_error_msg(struct bw_error **err, int code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int r = vset(err, code, BW_EXIT_FAILURE, 0, fmt, ap);
        va_end(ap);
        return r;
}

int bw_error_usage(struct bw_error **err, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int r = vset(err, -EINVAL, BW_EXIT_USAGE, 0, fmt, ap);
        va_end(ap);
        return r;
}

int bw_error_vwrap(struct bw_error **err, const char *fmt, va_list ap)
{
        if (!err)
                return -EINVAL;
        if (!*err)
                return vset(err, -EINVAL, BW_EXIT_FAILURE, 0, fmt, ap);
        char *ctx = NULL, *full = NULL;
        if (vasprintf(&ctx, fmt, ap) < 0)
                return (*err)->code;
        if (asprintf(&full, "%s: %s", ctx, (*err)->msg) >= 0) {
                free((*err)->msg);
                (*err)->msg = full;
        }
        free(ctx);
        return (*err)->code;
}

int bw_error_wrap(struct bw_error **err, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int r = bw_error_vwrap(err, fmt, ap);
        va_end(ap);
        return r;
}

void bw_error_free(struct bw_error *e)
{
        if (!e)
                return;
        free(e->msg);
        free(e);
}

int bw_error_code(const struct bw_error *e, int fallback)
{
        return e ? e->code : fallback;
}
