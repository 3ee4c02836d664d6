/* cgroup v1: limits, devices, freezer and statistics for every controller
 * that sits on a v1 hierarchy (in a hybrid layout, the ones v2 does not
 * have). A controller on cgroup2 is left to cgroup_v2.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux/cgroup_internal.h"
#include "util/cleanup.h"
#include "util/log.h"

#define V1(c) cg_dir_for(cg, (c), false)

static int write_i64(const char *dir, const char *file, oci_opt_i64 v, struct bw_error **err)
{
        return v.set ? cg_writef(dir, file, err, "%" PRId64, v.v) : 0;
}

static int write_u64(const char *dir, const char *file, oci_opt_u64 v, struct bw_error **err)
{
        return v.set ? cg_writef(dir, file, err, "%" PRIu64, v.v) : 0;
}

/* memory.memsw.limit_in_bytes (memory + swap) must never be below
 * memory.limit_in_bytes: raise memsw before the limit, lower it after. */
static int memory_limits(const char *dir, const struct oci_memory *want, struct bw_error **err)
{
        bool memsw = cg_has(dir, "memory.memsw.limit_in_bytes");
        struct oci_memory copy = *want;
        const struct oci_memory *m = &copy;
        /* An unlimited memory limit cannot sit under a finite memsw one:
         * lift both, as runc does. */
        if (copy.limit.set && copy.limit.v == -1 && !copy.swap.set && memsw)
                copy.swap = (oci_opt_i64){ true, -1 };
        /* Without swap accounting the memory limit still holds; only swap
         * use cannot be capped (runc and Docker go on the same way). */
        if (m->swap.set && !memsw && m->swap.v != -1)
                bw_warn("memory.swap is ignored: this kernel has no swap accounting "
                        "(memory.memsw.limit_in_bytes is missing; boot with swapaccount=1 to enable it)");
        if (!m->swap.set || !memsw)
                return write_i64(dir, "memory.limit_in_bytes", m->limit, err);
        uint64_t cur = 0;
        int r = cg_read_u64(dir, "memory.memsw.limit_in_bytes", &cur);
        if (r < 0)
                return bw_error_set(err, r, "reading %s/memory.memsw.limit_in_bytes", dir);
        bool raising = m->swap.v == -1 || (uint64_t)m->swap.v > cur;
        if (raising && (r = write_i64(dir, "memory.memsw.limit_in_bytes", m->swap, err)) < 0)
                return r;
        if ((r = write_i64(dir, "memory.limit_in_bytes", m->limit, err)) < 0)
                return r;
        if (!raising)
                return write_i64(dir, "memory.memsw.limit_in_bytes", m->swap, err);
        return 0;
}

static int memory(const char *dir, const struct oci_memory *m, struct bw_error **err)
{
        if (m->limit.set && m->swap.set && m->limit.v >= 0 && m->swap.v >= 0 && m->swap.v < m->limit.v)
                return bw_error_msg(err, -EINVAL,
                                    "memory.swap (%" PRId64 ") is below memory.limit (%" PRId64 "); "
                                    "in OCI, swap is memory plus swap, so it must be at least the limit",
                                    m->swap.v, m->limit.v);
        int r = memory_limits(dir, m, err);
        if (r < 0)
                return r;
        if ((r = write_i64(dir, "memory.soft_limit_in_bytes", m->reservation, err)) < 0)
                return r;
        if (m->swappiness.set) {
                if (m->swappiness.v > 100)
                        return bw_error_msg(err, -EINVAL, "memory.swappiness %" PRIu64 " is above 100",
                                            m->swappiness.v);
                if ((r = write_u64(dir, "memory.swappiness", m->swappiness, err)) < 0)
                        return r;
        }
        if (m->disable_oom_killer.set &&
            (r = cg_write(dir, "memory.oom_control", m->disable_oom_killer.v ? "1" : "0", err)) < 0)
                return r;
        if (m->kernel.set)
                bw_warn("memory.kernel is ignored: Linux no longer supports a separate kernel memory limit");
        /* The TCP buffer limit outlived it on v1 (crun applies it too). */
        if (m->kernel_tcp.set) {
                if (!cg_has(dir, "memory.kmem.tcp.limit_in_bytes"))
                        bw_warn("memory.kernelTCP is ignored: this kernel has no memory.kmem.tcp.limit_in_bytes");
                else if ((r = write_i64(dir, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp, err)) < 0)
                        return r;
        }
        return 0;
}

static int cpu(const char *dir, const struct oci_cpu *c, struct bw_error **err)
{
        int r;
        if ((r = write_u64(dir, "cpu.shares", c->shares, err)) < 0)
                return r;
        /* Period first: a quota is meaningful against the new period. */
        if ((r = write_u64(dir, "cpu.cfs_period_us", c->period, err)) < 0)
                return r;
        if ((r = write_i64(dir, "cpu.cfs_quota_us", c->quota, err)) < 0)
                return r;
        if ((r = write_u64(dir, "cpu.cfs_burst_us", c->burst, err)) < 0)
                return r;
        if ((r = write_u64(dir, "cpu.rt_period_us", c->realtime_period, err)) < 0)
                return r;
        if ((r = write_i64(dir, "cpu.rt_runtime_us", c->realtime_runtime, err)) < 0)
                return r;
        return write_i64(dir, "cpu.idle", c->idle, err);
}

void cg_v1_cpuset_inherit(const char *dir)
{
        _cleanup_free_ char *parent = strdup(dir);
        char *slash = parent ? strrchr(parent, '/') : NULL;
        if (!slash)
                return;
        *slash = '\0';
        static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
        for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
                _cleanup_free_ char *mine = NULL, *theirs = NULL;
                if (cg_read(dir, files[i], &mine) < 0 || strspn(mine, " \n") != strlen(mine))
                        continue;
                if (cg_read(parent, files[i], &theirs) == 0 && strspn(theirs, " \n") != strlen(theirs))
                        cg_write(dir, files[i], theirs, NULL);
        }
}

static const char *first_of(const char *dir, const char *a, const char *b)
{
        return cg_has(dir, a) ? a : cg_has(dir, b) ? b : NULL;
}

static int blkio(const char *dir, const struct oci_blkio *b, struct bw_error **err)
{
        int r;
        /* CFQ's blkio.weight is gone from current kernels; BFQ offers
         * blkio.bfq.weight on the same 1..1000 scale. */
        const char *wfile = first_of(dir, "blkio.weight", "blkio.bfq.weight");
        const char *wdev = first_of(dir, "blkio.weight_device", "blkio.bfq.weight_device");
        bool want_w = b->weight.set, want_wd = false, want_leaf = b->leaf_weight.set;
        for (size_t i = 0; i < b->n_weight_device; i++) {
                want_wd |= b->weight_device[i].weight.set;
                want_leaf |= b->weight_device[i].leaf_weight.set;
        }
        if ((want_w && !wfile) || (want_wd && !wdev))
                return bw_error_msg(err, -EOPNOTSUPP,
                                    "blockIO weights need the BFQ I/O scheduler (no blkio.weight or "
                                    "blkio.bfq.weight in %s); select bfq for the disks or drop the weights",
                                    dir);
        if (want_w && (r = cg_writef(dir, wfile, err, "%" PRIu32, b->weight.v)) < 0)
                return r;
        if (want_leaf && !cg_has(dir, "blkio.leaf_weight"))
                return bw_error_msg(err, -EOPNOTSUPP,
                                    "blockIO leafWeight is not supported by this kernel (no blkio.leaf_weight); "
                                    "remove it");
        if (b->leaf_weight.set && (r = cg_writef(dir, "blkio.leaf_weight", err, "%" PRIu32, b->leaf_weight.v)) < 0)
                return r;
        for (size_t i = 0; i < b->n_weight_device; i++) {
                const struct oci_weight_device *d = &b->weight_device[i];
                if (d->weight.set && (r = cg_writef(dir, wdev, err, "%" PRId64 ":%" PRId64 " %" PRIu32, d->major,
                                                    d->minor, d->weight.v)) < 0)
                        return r;
                if (d->leaf_weight.set &&
                    (r = cg_writef(dir, "blkio.leaf_weight_device", err, "%" PRId64 ":%" PRId64 " %" PRIu32,
                                   d->major, d->minor, d->leaf_weight.v)) < 0)
                        return r;
        }
        static const struct cg_throttle_dest dest[CG_THROTTLE_N] = {
                { "blkio.throttle.read_bps_device", NULL }, { "blkio.throttle.write_bps_device", NULL },
                { "blkio.throttle.read_iops_device", NULL }, { "blkio.throttle.write_iops_device", NULL },
        };
        return cg_blkio_throttle(dir, b, dest, err);
}

/* Move from the current device state to the wanted one. Deny-default to
 * deny-default (the usual case, and every update) adds the new exceptions
 * first and only then takes away stale ones, so the container never loses a
 * device it keeps; any other change resets with "a" first. */
int cg_v1_devices(const char *dir, const struct cg_dev_set *want, struct bw_error **err)
{
        _cleanup_free_ char *list = NULL;
        struct cg_dev_set cur = { 0 };
        bool known = false;
        if (cg_read(dir, "devices.list", &list) == 0 && cg_dev_set_from_list(list, &cur, &known) < 0)
                known = false;
        const char *add = want->default_allow ? "devices.deny" : "devices.allow";
        const char *del = want->default_allow ? "devices.allow" : "devices.deny";
        char line[96];
        int r = 0;
        if (!known || cur.default_allow || want->default_allow) {
                r = cg_write(dir, want->default_allow ? "devices.allow" : "devices.deny", "a", err);
                for (size_t i = 0; r >= 0 && i < want->n; i++) {
                        cg_dev_exc_format(&want->v[i], line, sizeof(line));
                        r = cg_write(dir, add, line, err);
                }
                cg_dev_set_clear(&cur);
                return r;
        }
        for (size_t i = 0; r >= 0 && i < want->n; i++) {
                cg_dev_exc_format(&want->v[i], line, sizeof(line));
                r = cg_write(dir, add, line, err);
        }
        for (size_t i = 0; r >= 0 && i < cur.n; i++) {
                struct cg_dev_exc stale = cur.v[i];
                for (size_t j = 0; j < want->n; j++)
                        if (want->v[j].type == stale.type && want->v[j].major == stale.major &&
                            want->v[j].minor == stale.minor)
                                stale.access &= ~want->v[j].access;
                if (!stale.access)
                        continue;
                cg_dev_exc_format(&stale, line, sizeof(line));
                r = cg_write(dir, del, line, err);
        }
        cg_dev_set_clear(&cur);
        return r;
}

int cg_v1_set(struct bw_cgroup *cg, const struct oci_resources *res, struct bw_error **err)
{
        const char *d;
        int r = 0;
        if ((d = V1(BW_CGC_MEMORY)) && res->memory.present && (r = memory(d, &res->memory, err)) < 0)
                return r;
        if ((d = V1(BW_CGC_CPU)) && res->cpu.present && (r = cpu(d, &res->cpu, err)) < 0)
                return r;
        if ((d = V1(BW_CGC_CPUSET)) && res->cpu.present && (r = cg_cpuset(d, &res->cpu, err)) < 0)
                return r;
        if ((d = V1(BW_CGC_PIDS)) && (r = cg_pids(d, res, err)) < 0)
                return r;
        if ((d = V1(BW_CGC_BLKIO)) && res->block_io.present && (r = blkio(d, &res->block_io, err)) < 0)
                return r;
        if ((d = V1(BW_CGC_HUGETLB)) && (r = cg_hugetlb(d, res, "limit_in_bytes", err)) < 0)
                return r;
        if ((d = V1(BW_CGC_NET_CLS)) && res->network.class_id.set &&
            (r = cg_writef(d, "net_cls.classid", err, "%" PRIu32, res->network.class_id.v)) < 0)
                return r;
        for (size_t i = 0; (d = V1(BW_CGC_NET_PRIO)) && i < res->network.n_priorities; i++) {
                const struct oci_net_priority *p = &res->network.priorities[i];
                if ((r = cg_writef(d, "net_prio.ifpriomap", err, "%s %" PRIu32, p->name, p->priority)) < 0)
                        return r;
        }
        if ((d = V1(BW_CGC_RDMA)) && (r = cg_rdma(d, res, err)) < 0)
                return r;
        if ((d = V1(BW_CGC_DEVICES)) && res->n_devices) {
                struct cg_dev_set set;
                if ((r = cg_dev_set_from_rules(res->devices, res->n_devices, &set, err)) < 0)
                        return r;
                r = cg_v1_devices(d, &set, err);
                cg_dev_set_clear(&set);
        }
        return r;
}

static bool state_is(const char *dir, const char *want)
{
        _cleanup_free_ char *s = NULL;
        return cg_read(dir, "freezer.state", &s) == 0 && strncmp(s, want, strlen(want)) == 0 &&
               (s[strlen(want)] == '\n' || s[strlen(want)] == '\0');
}

/* FREEZING lasts while some task has not reached the refrigerator yet;
 * writing FROZEN again nudges the ones that were forking. */
int cg_v1_freeze(const char *dir, bool frozen, struct bw_error **err)
{
        const char *want = frozen ? "FROZEN" : "THAWED";
        for (int i = 0; i < 500; i++) {
                int r = cg_write(dir, "freezer.state", want, err);
                if (r < 0)
                        return r;
                if (state_is(dir, want))
                        return 0;
                cg_nap_ms(i < 10 ? 1 : 10);
        }
        if (frozen)
                cg_write(dir, "freezer.state", "THAWED", NULL);
        return bw_error_msg(err, -ETIMEDOUT,
                            "%s/freezer.state did not become %s within 5 seconds (a task may be stuck in "
                            "uninterruptible sleep, e.g. on a hung NFS mount); it was thawed again",
                            dir, want);
}

int cg_v1_frozen(const char *dir, bool *frozen, struct bw_error **err)
{
        _cleanup_free_ char *s = NULL;
        int r = cg_read(dir, "freezer.state", &s);
        if (r < 0)
                return bw_error_set(err, r, "reading %s/freezer.state", dir);
        /* FREEZING counts as frozen: a pause is in progress or stuck. */
        *frozen = strncmp(s, "THAWED", 6) != 0;
        return 0;
}

void cg_v1_stats(struct bw_cgroup *cg, struct bw_cg_stats *st)
{
        const char *d;
        if ((d = V1(BW_CGC_MEMORY))) {
                st->memory.present = cg_read_u64(d, "memory.usage_in_bytes", &st->memory.usage) == 0;
                cg_read_u64(d, "memory.max_usage_in_bytes", &st->memory.max_usage);
                cg_read_u64(d, "memory.limit_in_bytes", &st->memory.limit);
                cg_read_u64(d, "memory.failcnt", &st->memory.failcnt);
                cg_read_keyed(d, "memory.oom_control", "oom_kill", &st->memory.oom_kills);
                uint64_t under = 0;
                cg_read_keyed(d, "memory.oom_control", "under_oom", &under);
                st->memory.under_oom = under != 0;
                cg_read_u64(d, "memory.memsw.usage_in_bytes", &st->memory.swap_usage);
                cg_read_u64(d, "memory.memsw.limit_in_bytes", &st->memory.swap_limit);
                cg_read_u64(d, "memory.memsw.failcnt", &st->memory.swap_failcnt);
        }
        if ((d = V1(BW_CGC_PIDS))) {
                st->pids.present = cg_read_u64(d, "pids.current", &st->pids.current) == 0;
                cg_read_u64(d, "pids.max", &st->pids.limit);
        }
        if ((d = V1(BW_CGC_CPUACCT))) {
                st->cpu.present = cg_read_u64(d, "cpuacct.usage", &st->cpu.usage_ns) == 0;
                /* cpuacct.stat counts clock ticks. */
                uint64_t user = 0, sys = 0, ns_per_tick = 1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK);
                if (cg_read_keyed(d, "cpuacct.stat", "user", &user) == 0)
                        st->cpu.user_ns = user * ns_per_tick;
                if (cg_read_keyed(d, "cpuacct.stat", "system", &sys) == 0)
                        st->cpu.system_ns = sys * ns_per_tick;
        }
        if ((d = V1(BW_CGC_CPU))) {
                cg_read_keyed(d, "cpu.stat", "nr_periods", &st->cpu.nr_periods);
                cg_read_keyed(d, "cpu.stat", "nr_throttled", &st->cpu.nr_throttled);
                cg_read_keyed(d, "cpu.stat", "throttled_time", &st->cpu.throttled_ns);
        }
}
