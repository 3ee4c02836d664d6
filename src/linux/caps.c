#include "linux/caps.h"

#include <errno.h>
#include <stdio.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "util/cleanup.h"
#include "util/fs.h"

static void cap_freep(cap_t *c)
{
        if (*c)
                cap_free(*c);
}

int bw_caps_last(void)
{
        static int last = -1;
        if (last < 0) {
                long long v;
                if (bw_read_value_ll("/proc/sys/kernel/cap_last_cap", &v) == 0 && v >= 0 && v < 64)
                        last = (int)v;
                if (last < 0)
                        last = (int)cap_max_bits() - 1;
        }
        return last;
}

int bw_caps_keep_across_setuid(struct bw_error **err)
{
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                return bw_error_set(err, -errno, "prctl(PR_SET_KEEPCAPS)");
        return 0;
}

int bw_caps_set_bounding(uint64_t keep, struct bw_error **err)
{
        int last = bw_caps_last();
        for (int c = 0; c <= last && c < 64; c++) {
                if (keep & (1ULL << c))
                        continue;
                if (cap_drop_bound((cap_value_t)c) < 0 && errno != EINVAL)
                        return bw_error_set(err, -errno, "dropping capability %d from the bounding set", c);
        }
        return 0;
}

static int fill(cap_t caps, cap_flag_t flag, uint64_t mask, int last)
{
        for (int c = 0; c <= last && c < 64; c++) {
                if (!(mask & (1ULL << c)))
                        continue;
                cap_value_t v = (cap_value_t)c;
                if (cap_set_flag(caps, flag, 1, &v, CAP_SET) < 0)
                        return -errno;
        }
        return 0;
}

int bw_caps_apply(const struct oci_capabilities *c, struct bw_error **err)
{
        int last = bw_caps_last();
        _cleanup_(cap_freep) cap_t caps = cap_init();
        if (!caps)
                return bw_error_set(err, -errno, "allocating capability state");
        if (fill(caps, CAP_EFFECTIVE, c->effective.mask, last) < 0 ||
            fill(caps, CAP_PERMITTED, c->permitted.mask, last) < 0 ||
            fill(caps, CAP_INHERITABLE, c->inheritable.mask, last) < 0)
                return bw_error_set(err, -errno, "building the capability sets");
        if (cap_set_proc(caps) < 0)
                return bw_error_set(err, -errno, "setting the process's capabilities (effective must be within permitted, and permitted within the bounding set)");
        /* One prctl: libcap's cap_reset_ambient probes every capability first. */
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                return bw_error_set(err, -errno, "clearing the ambient capabilities");
        for (int i = 0; i <= last && i < 64; i++) {
                if (!(c->ambient.mask & (1ULL << i)))
                        continue;
                /* The kernel only allows ambient caps that are permitted and
                 * inheritable; like runc, skip the others rather than fail. */
                if (cap_set_ambient((cap_value_t)i, CAP_SET) < 0 && errno != EPERM)
                        return bw_error_set(err, -errno, "raising ambient capability %d", i);
        }
        if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
                return bw_error_set(err, -errno, "prctl(PR_SET_KEEPCAPS, 0)");
        return 0;
}
