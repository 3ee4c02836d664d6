/* cgroup v2: limits, devices (eBPF), freezing and statistics for the
 * controllers on the cgroup2 hierarchy; in a hybrid layout only the ones
 * v1 left to it (here: hugetlb), plus the core files every cgroup2
 * directory has (cgroup.freeze, cgroup.kill, cpu.stat). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup_internal.h"
#include "util/cleanup.h"
#include "util/log.h"

#define V2(c) cg_dir_for(cg, (c), true)

/* OCI's -1 (and, for limits, nothing) is v2's "max". */
static void fmt_limit(char *buf, size_t len, int64_t v)
{
        if (v < 0)
                snprintf(buf, len, "max");
        else
                snprintf(buf, len, "%" PRId64, v);
}

static int write_limit(const char *dir, const char *file, oci_opt_i64 v, struct bw_error **err)
{
        char buf[32];
        if (!v.set)
                return 0;
        fmt_limit(buf, sizeof(buf), v.v);
        return cg_write(dir, file, buf, err);
}

/* OCI swap is memory + swap; memory.swap.max is swap alone. */
static int swap_max(const char *dir, const struct oci_memory *m, struct bw_error **err)
{
        if (!m->swap.set)
                return 0;
        if (m->swap.v == -1)
                return cg_has(dir, "memory.swap.max") ? cg_write(dir, "memory.swap.max", "max", err) : 0;
        int64_t limit = -1;
        if (m->limit.set) {
                limit = m->limit.v;
        } else {
                uint64_t cur = 0;
                if (cg_read_u64(dir, "memory.max", &cur) == 0 && cur != BW_CG_UNLIMITED)
                        limit = (int64_t)cur;
        }
        if (limit < 0)
                return bw_error_msg(err, -EINVAL,
                                    "memory.swap (%" PRId64 ") needs a memory.limit: in OCI swap counts memory "
                                    "plus swap, and cgroup v2 limits swap alone",
                                    m->swap.v);
        if (m->swap.v < limit)
                return bw_error_msg(err, -EINVAL,
                                    "memory.swap (%" PRId64 ") is below memory.limit (%" PRId64 "); in OCI, swap "
                                    "is memory plus swap, so it must be at least the limit",
                                    m->swap.v, limit);
        if (!cg_has(dir, "memory.swap.max")) {
                /* The memory limit still holds; only swap use cannot be capped. */
                bw_warn("memory.swap is ignored: this kernel has no swap accounting (%s/memory.swap.max is missing)",
                        dir);
                return 0;
        }
        return cg_writef(dir, "memory.swap.max", err, "%" PRId64, m->swap.v - limit);
}

static int memory(const char *dir, const struct oci_memory *m, struct bw_error **err)
{
        int r;
        if ((r = write_limit(dir, "memory.max", m->limit, err)) < 0)
                return r;
        if ((r = write_limit(dir, "memory.low", m->reservation, err)) < 0)
                return r;
        if ((r = swap_max(dir, m, err)) < 0)
                return r;
        if (m->swappiness.set)
                bw_warn("memory.swappiness is ignored: cgroup v2 has no per-cgroup swappiness");
        if (m->disable_oom_killer.set && m->disable_oom_killer.v)
                bw_warn("memory.disableOOMKiller is ignored: cgroup v2 cannot disable the OOM killer");
        if (m->kernel.set || m->kernel_tcp.set)
                bw_warn("memory.kernel and memory.kernelTCP are ignored: Linux no longer supports "
                        "separate kernel memory limits");
        return 0;
}

/* v clamped to lo..hi, mapped linearly onto a v2 weight (1..10000). */
static uint64_t to_v2_weight(uint64_t v, uint64_t lo, uint64_t hi)
{
        if (v < lo)
                v = lo;
        if (v > hi)
                v = hi;
        return 1 + ((v - lo) * 9999) / (hi - lo);
}

/* cpu.shares (2..262144, default 1024) to cpu.weight (1..10000, default
 * 100), the mapping runc and crun share. */
uint64_t cg_shares_to_weight(uint64_t shares)
{
        return to_v2_weight(shares, 2, 262144);
}

static int cpu_max(const char *dir, const struct oci_cpu *c, struct bw_error **err)
{
        if (!c->quota.set && !c->period.set)
                return 0;
        char quota[32] = "max";
        uint64_t period = 100000;
        _cleanup_free_ char *cur = NULL;
        if (cg_read(dir, "cpu.max", &cur) == 0) {
                /* Keep what the update does not name. */
                char q[32];
                unsigned long long p;
                if (sscanf(cur, "%31s %llu", q, &p) == 2) {
                        snprintf(quota, sizeof(quota), "%s", q);
                        period = p;
                }
        }
        if (c->quota.set)
                fmt_limit(quota, sizeof(quota), c->quota.v > 0 ? c->quota.v : -1);
        if (c->period.set)
                period = c->period.v;
        return cg_writef(dir, "cpu.max", err, "%s %" PRIu64, quota, period);
}

static int cpu(const char *dir, const struct oci_cpu *c, struct bw_error **err)
{
        int r;
        if (c->realtime_period.set || c->realtime_runtime.set)
                return bw_error_msg(err, -EOPNOTSUPP,
                                    "cpu.realtimeRuntime/realtimePeriod need cgroup v1: cgroup v2 has no "
                                    "realtime bandwidth; remove them");
        if (c->shares.set && c->shares.v != 0 &&
            (r = cg_writef(dir, "cpu.weight", err, "%" PRIu64, cg_shares_to_weight(c->shares.v))) < 0)
                return r;
        if ((r = cpu_max(dir, c, err)) < 0)
                return r;
        if (c->burst.set && (r = cg_writef(dir, "cpu.max.burst", err, "%" PRIu64, c->burst.v)) < 0)
                return r;
        if (c->idle.set && (r = cg_writef(dir, "cpu.idle", err, "%" PRId64, c->idle.v)) < 0)
                return r;
        return 0;
}

/* blkio weight (10..1000) to io.weight (1..10000); io.bfq.weight keeps
 * the blkio scale. */
uint64_t cg_blkio_to_io_weight(uint64_t w)
{
        return to_v2_weight(w, 10, 1000);
}

static int io(const char *dir, const struct oci_blkio *b, struct bw_error **err)
{
        int r;
        bool bfq = cg_has(dir, "io.bfq.weight");
        if (b->leaf_weight.set)
                return bw_error_msg(err, -EOPNOTSUPP, "blockIO.leafWeight has no cgroup v2 equivalent; remove it");
        if (b->weight.set) {
                r = bfq ? cg_writef(dir, "io.bfq.weight", err, "%" PRIu32, b->weight.v)
                        : cg_writef(dir, "io.weight", err, "default %" PRIu64, cg_blkio_to_io_weight(b->weight.v));
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < b->n_weight_device; i++) {
                const struct oci_weight_device *d = &b->weight_device[i];
                if (d->leaf_weight.set)
                        return bw_error_msg(err, -EOPNOTSUPP,
                                            "blockIO.weightDevice[%zu].leafWeight has no cgroup v2 equivalent; remove it", i);
                if (!d->weight.set)
                        continue;
                r = bfq ? cg_writef(dir, "io.bfq.weight", err, "%" PRId64 ":%" PRId64 " %" PRIu32, d->major, d->minor,
                                    d->weight.v)
                        : cg_writef(dir, "io.weight", err, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
                                    cg_blkio_to_io_weight(d->weight.v));
                if (r < 0)
                        return r;
        }
        static const struct cg_throttle_dest dest[CG_THROTTLE_N] = {
                { "io.max", "rbps" }, { "io.max", "wbps" }, { "io.max", "riops" }, { "io.max", "wiops" },
        };
        return cg_blkio_throttle(dir, b, dest, err);
}

/* Unified keys are interface file names, written verbatim. A key is one
 * file in the container's own directory, never a path out of it. */
static int unified(const char *dir, const struct oci_kv_list *kv, struct bw_error **err)
{
        for (size_t i = 0; i < kv->n; i++) {
                const char *k = kv->v[i].key, *v = kv->v[i].value ? kv->v[i].value : "";
                if (!k || !*k || strchr(k, '/') || strstr(k, "..") || k[0] == '.')
                        return bw_error_msg(err, -EINVAL,
                                            "linux.resources.unified key \"%s\" is not a cgroup interface file name",
                                            k ? k : "");
                if (strcmp(k, "cgroup.procs") == 0 || strcmp(k, "cgroup.threads") == 0)
                        return bw_error_msg(err, -EINVAL,
                                            "linux.resources.unified key \"%s\" would move processes; remove it", k);
                int r = cg_write(dir, k, v, err);
                if (r < 0)
                        return bw_error_wrap(err, "linux.resources.unified[\"%s\"]", k);
        }
        return 0;
}

int cg_v2_set(struct bw_cgroup *cg, const struct oci_resources *res, struct bw_error **err)
{
        const char *d;
        int r = 0;
        if ((d = V2(BW_CGC_MEMORY)) && res->memory.present && (r = memory(d, &res->memory, err)) < 0)
                return r;
        if ((d = V2(BW_CGC_CPU)) && res->cpu.present && (r = cpu(d, &res->cpu, err)) < 0)
                return r;
        if ((d = V2(BW_CGC_CPUSET)) && res->cpu.present && (r = cg_cpuset(d, &res->cpu, err)) < 0)
                return r;
        if ((d = V2(BW_CGC_PIDS)) && (r = cg_pids(d, res, err)) < 0)
                return r;
        if ((d = V2(BW_CGC_BLKIO)) && res->block_io.present && (r = io(d, &res->block_io, err)) < 0)
                return r;
        if ((d = V2(BW_CGC_HUGETLB)) && (r = cg_hugetlb(d, res, "max", err)) < 0)
                return r;
        if ((d = V2(BW_CGC_RDMA)) && (r = cg_rdma(d, res, err)) < 0)
                return r;
        if ((d = V2(BW_CGC_DEVICES)) && res->n_devices) {
                struct cg_dev_set set;
                if ((r = cg_dev_set_from_rules(res->devices, res->n_devices, &set, err)) < 0)
                        return r;
                r = cg_bpf_devices_attach(d, &set, err);
                cg_dev_set_clear(&set);
                if (r < 0)
                        return r;
        }
        if (res->unified.n) {
                if (cg->sys->v2 < 0)
                        return bw_error_msg(err, -EOPNOTSUPP,
                                            "linux.resources.unified needs cgroup v2, and no cgroup2 is mounted; "
                                            "remove it or boot with cgroup2");
                if ((r = unified(cg->dirs[cg->sys->v2], &res->unified, err)) < 0)
                        return r;
        }
        return 0;
}

/* Enable in dir every controller it has for its children. A cgroup with
 * processes of its own refuses (no internal processes): the limit write
 * that needs the controller then says which file is missing. */
int cg_v2_enable_controllers(const char *dir)
{
        _cleanup_free_ char *avail = NULL, *on = NULL;
        if (cg_read(dir, "cgroup.controllers", &avail) < 0 || cg_read(dir, "cgroup.subtree_control", &on) < 0)
                return 0;
        int n = 0;
        for (char *save = NULL, *w = strtok_r(avail, " \n", &save); w; w = strtok_r(NULL, " \n", &save)) {
                bool enabled = false;
                size_t l = strlen(w);
                for (const char *p = on; (p = strstr(p, w)); p += l)
                        if ((p == on || p[-1] == ' ') && (p[l] == ' ' || p[l] == '\n' || p[l] == '\0'))
                                enabled = true;
                if (enabled)
                        continue;
                char plus[64];
                snprintf(plus, sizeof(plus), "+%s", w);
                if (cg_write(dir, "cgroup.subtree_control", plus, NULL) == 0)
                        n++;
        }
        return n;
}

int cg_v2_freeze(const char *dir, bool frozen, struct bw_error **err)
{
        int r = cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", err);
        if (r < 0)
                return r;
        /* cgroup.freeze is the request; cgroup.events says when every task
         * has actually stopped. */
        for (int i = 0; i < 500; i++) {
                uint64_t v = 2;
                if (cg_read_keyed(dir, "cgroup.events", "frozen", &v) == 0 && v == (frozen ? 1 : 0))
                        return 0;
                cg_nap_ms(i < 10 ? 1 : 10);
        }
        if (frozen)
                cg_write(dir, "cgroup.freeze", "0", NULL);
        return bw_error_msg(err, -ETIMEDOUT,
                            "%s/cgroup.events did not report frozen %d within 5 seconds%s", dir, frozen ? 1 : 0,
                            frozen ? "; it was thawed again" : "");
}

int cg_v2_frozen(const char *dir, bool *frozen, struct bw_error **err)
{
        uint64_t v = 0;
        int r = cg_read_u64(dir, "cgroup.freeze", &v);
        if (r < 0)
                return bw_error_set(err, r, "reading %s/cgroup.freeze", dir);
        /* cgroup.freeze is this cgroup's own request; cgroup.events says
         * whether it is frozen, a frozen parent's doing included. */
        uint64_t ev = 0;
        *frozen = v != 0 || (cg_read_keyed(dir, "cgroup.events", "frozen", &ev) == 0 && ev != 0);
        return 0;
}

static uint64_t sum_limit(uint64_t a, uint64_t b)
{
        return a == BW_CG_UNLIMITED || b == BW_CG_UNLIMITED ? BW_CG_UNLIMITED : a + b;
}

void cg_v2_stats(struct bw_cgroup *cg, struct bw_cg_stats *st)
{
        const char *d;
        if ((d = V2(BW_CGC_MEMORY))) {
                st->memory.present = cg_read_u64(d, "memory.current", &st->memory.usage) == 0;
                cg_read_u64(d, "memory.peak", &st->memory.max_usage);
                cg_read_u64(d, "memory.max", &st->memory.limit);
                cg_read_keyed(d, "memory.events", "max", &st->memory.failcnt);
                cg_read_keyed(d, "memory.events", "oom_kill", &st->memory.oom_kills);
                uint64_t swap = 0, swap_max = 0;
                if (cg_read_u64(d, "memory.swap.current", &swap) == 0 &&
                    cg_read_u64(d, "memory.swap.max", &swap_max) == 0) {
                        st->memory.swap_usage = st->memory.usage + swap;
                        st->memory.swap_limit = sum_limit(st->memory.limit, swap_max);
                }
                cg_read_keyed(d, "memory.swap.events", "max", &st->memory.swap_failcnt);
        }
        if ((d = V2(BW_CGC_PIDS))) {
                st->pids.present = cg_read_u64(d, "pids.current", &st->pids.current) == 0;
                cg_read_u64(d, "pids.max", &st->pids.limit);
        }
        if ((d = V2(BW_CGC_CPUACCT))) {
                uint64_t v = 0;
                st->cpu.present = cg_read_keyed(d, "cpu.stat", "usage_usec", &v) == 0;
                st->cpu.usage_ns = v * 1000;
                if (cg_read_keyed(d, "cpu.stat", "user_usec", &v) == 0)
                        st->cpu.user_ns = v * 1000;
                if (cg_read_keyed(d, "cpu.stat", "system_usec", &v) == 0)
                        st->cpu.system_ns = v * 1000;
                cg_read_keyed(d, "cpu.stat", "nr_periods", &st->cpu.nr_periods);
                cg_read_keyed(d, "cpu.stat", "nr_throttled", &st->cpu.nr_throttled);
                if (cg_read_keyed(d, "cpu.stat", "throttled_usec", &v) == 0)
                        st->cpu.throttled_ns = v * 1000;
        }
}
