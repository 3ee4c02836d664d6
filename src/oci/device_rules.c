/* Device-cgroup rules appended to a typed config (device_rules.h). */
#include "oci/device_rules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oci/default.h"

int oci_device_rule_push(struct oci_resources *res, bool allow, char type, int64_t major, int64_t minor,
                         const char *access)
{
        struct oci_device_rule *v = realloc(res->devices, (res->n_devices + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        res->devices = v;
        struct oci_device_rule d = { .allow = allow, .type = type, .access = strdup(access) };
        if (!d.access)
                return -ENOMEM;
        if (major >= 0)
                d.major = (oci_opt_i64){ true, major };
        if (minor >= 0)
                d.minor = (oci_opt_i64){ true, minor };
        v[res->n_devices++] = d;
        return 0;
}

int bw_device_allows_append(struct oci_linux *l, const char *listed_access)
{
        int r = 0;
        for (const struct bw_device_allow *d = bw_default_device_allows; r == 0 && d->type; d++)
                r = oci_device_rule_push(&l->resources, true, d->type, d->major, d->minor, d->access);
        for (size_t i = 0; r == 0 && i < l->n_devices; i++)
                if (l->devices[i].type != 'p')
                        r = oci_device_rule_push(&l->resources, true, l->devices[i].type == 'b' ? 'b' : 'c',
                                                 l->devices[i].major, l->devices[i].minor, listed_access);
        return r;
}
