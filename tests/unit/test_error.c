#include <errno.h>

#include "tap.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/strv.h"

static int inner(struct bw_error **err)
{
        return bw_error_set(err, -ENOENT, "openat2 %s", "/run/x/rootfs/proc");
}

static int outer(struct bw_error **err)
{
        int r = inner(err);
        if (r < 0)
                return bw_error_wrap(err, "creating mount %s", "/proc");
        return 0;
}

int main(void)
{
        {
                _cleanup_error_ struct bw_error *err = NULL;
                int r = outer(&err);
                tap_is_int(r, -ENOENT, "wrap keeps the code");
                tap_is_str(err->msg, "creating mount /proc: openat2 /run/x/rootfs/proc: No such file or directory",
                           "message chain reads outer to inner with the reason last");
                tap_is_int(err->status, BW_EXIT_FAILURE, "plain errors exit 1");
        }
        {
                _cleanup_error_ struct bw_error *err = NULL;
                int r = bw_error_set(&err, EINVAL, "bad %d", 3);
                tap_is_int(r, -EINVAL, "positive codes are returned negative");
                tap_is_str(err->msg, "bad 3", "EINVAL adds no strerror noise");
        }
        {
                _cleanup_error_ struct bw_error *err = NULL;
                bw_error_usage(&err, "unknown flag");
                tap_is_int(err->status, BW_EXIT_USAGE, "usage errors exit 2");
                bw_error_set(&err, -EPERM, "second");
                tap_is_str(err->msg, "unknown flag", "the first error wins; a later set does not overwrite");
        }
        {
                tap_is_int(bw_error_set(NULL, -EIO, "x"), -EIO, "a NULL error pointer is allowed");
        }
        {
                _cleanup_strv_ char **v = NULL;
                bw_strv_push(&v, "a");
                bw_strv_push(&v, "b");
                tap_is_int(bw_strv_len(v), 2, "strv push");
                tap_ok(bw_strv_contains(v, "b") && !bw_strv_contains(v, "c"), "strv contains");
                _cleanup_strv_ char **c = bw_strv_copy(v);
                tap_is_str(c[1], "b", "strv copy");
        }
        {
                _cleanup_close_ int fd = 7000;
                int fd2 = -1;
                int taken = take_fd(fd2);
                tap_is_int(taken, -1, "take_fd hands over the value");
                fd = -1;
        }
        return tap_done();
}
