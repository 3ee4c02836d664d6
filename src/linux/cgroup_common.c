/* Limits whose interface files read the same on cgroup v1 and v2 (or differ
 * only in a file name or key): one writer each, called by cgroup_v1.c and
 * cgroup_v2.c with the directory of whichever hierarchy has the controller. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup_internal.h"
#include "util/cleanup.h"

int cg_cpuset(const char *dir, const struct oci_cpu *c, struct bw_error **err)
{
        int r = 0;
        if (c->cpus && (r = cg_write(dir, "cpuset.cpus", c->cpus, err)) < 0)
                return r;
        if (c->mems && (r = cg_write(dir, "cpuset.mems", c->mems, err)) < 0)
                return r;
        return 0;
}

int cg_pids(const char *dir, const struct oci_resources *res, struct bw_error **err)
{
        if (!res->pids.present || !res->pids.limit.set)
                return 0;
        /* OCI's 0 and -1 both mean no limit. */
        if (res->pids.limit.v > 0)
                return cg_writef(dir, "pids.max", err, "%" PRId64, res->pids.limit.v);
        return cg_write(dir, "pids.max", "max", err);
}

int cg_blkio_throttle(const char *dir, const struct oci_blkio *b, const struct cg_throttle_dest dest[CG_THROTTLE_N],
                      struct bw_error **err)
{
        const struct oci_throttle_list *lists[CG_THROTTLE_N] = {
                [CG_THROTTLE_READ_BPS] = &b->throttle_read_bps,
                [CG_THROTTLE_WRITE_BPS] = &b->throttle_write_bps,
                [CG_THROTTLE_READ_IOPS] = &b->throttle_read_iops,
                [CG_THROTTLE_WRITE_IOPS] = &b->throttle_write_iops,
        };
        for (size_t k = 0; k < CG_THROTTLE_N; k++) {
                const char *key = dest[k].key ? dest[k].key : "", *eq = dest[k].key ? "=" : "";
                for (size_t i = 0; i < lists[k]->n; i++) {
                        const struct oci_throttle_device *t = &lists[k]->v[i];
                        int r = cg_writef(dir, dest[k].file, err, "%" PRId64 ":%" PRId64 " %s%s%" PRIu64, t->major,
                                          t->minor, key, eq, t->rate);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* hugetlb.<size>.<suffix>: v1 and v2 differ only in the suffix. */
int cg_hugetlb(const char *dir, const struct oci_resources *res, const char *suffix, struct bw_error **err)
{
        for (size_t i = 0; i < res->n_hugepage_limits; i++) {
                const struct oci_hugepage_limit *h = &res->hugepage_limits[i];
                _cleanup_free_ char *file = NULL;
                if (!h->page_size || strchr(h->page_size, '/') || asprintf(&file, "hugetlb.%s.%s", h->page_size, suffix) < 0)
                        return bw_error_msg(err, -EINVAL, "hugepageLimits[%zu]: bad pageSize", i);
                if (!cg_has(dir, file))
                        return bw_error_msg(err, -EINVAL,
                                            "hugepageLimits[%zu]: page size \"%s\" is not supported here (no %s/%s); "
                                            "use a size from /sys/kernel/mm/hugepages such as 2MB or 1GB",
                                            i, h->page_size, dir, file);
                int r = cg_writef(dir, file, err, "%" PRIu64, h->limit);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* rdma.max has the same format in v1 and v2. */
int cg_rdma(const char *dir, const struct oci_resources *res, struct bw_error **err)
{
        for (size_t i = 0; i < res->n_rdma; i++) {
                const struct oci_rdma_limit *l = &res->rdma[i];
                char handles[32] = "max", objects[32] = "max";
                if (l->hca_handles.set)
                        snprintf(handles, sizeof(handles), "%" PRIu32, l->hca_handles.v);
                if (l->hca_objects.set)
                        snprintf(objects, sizeof(objects), "%" PRIu32, l->hca_objects.v);
                int r = cg_writef(dir, "rdma.max", err, "%s hca_handle=%s hca_object=%s", l->device, handles, objects);
                if (r < 0)
                        return r;
        }
        return 0;
}
