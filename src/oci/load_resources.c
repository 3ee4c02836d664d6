/* "linux.resources": the cgroup limits. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oci/reader.h"
#include "util/cleanup.h"

static int load_device_rule(struct oci_reader *r, json_t *v, void *elem)
{
        struct oci_device_rule *d = elem;
        int k;
        if ((k = rd_require(r, v, "allow", "true or false")) < 0 ||
            (k = rd_field_bool(r, v, "allow", &d->allow)) < 0 ||
            (k = rd_field_opt_i64(r, v, "major", &d->major)) < 0 ||
            (k = rd_field_opt_i64(r, v, "minor", &d->minor)) < 0)
                return k;
        d->type = 'a';
        json_t *t = rd_enter(r, v, "type");
        if (t) {
                const char *s = json_is_string(t) ? json_string_value(t) : "";
                k = strlen(s) == 1 && strchr("acb", s[0]) ? 0 : rd_expected(r, t, "a device type: a, c or b");
                d->type = s[0];
                rd_pop(r);
                if (k < 0)
                        return k;
        }
        json_t *a = rd_enter(r, v, "access");
        if (a) {
                const char *s = json_is_string(a) ? json_string_value(a) : "";
                /* r, w and m, each at most once */
                bool ok = *s && strlen(s) <= 3 && strspn(s, "rwm") == strlen(s) &&
                          !(strchr(s, 'r') != strrchr(s, 'r') || strchr(s, 'w') != strrchr(s, 'w') ||
                            strchr(s, 'm') != strrchr(s, 'm'));
                k = ok ? rd_string(r, a, &d->access) : rd_expected(r, a, "a combination of r, w and m");
                rd_pop(r);
        }
        return k;
}

static int load_memory(struct oci_reader *r, json_t *v, struct oci_memory *m)
{
        int k;
        m->present = true;
        if ((k = rd_object(r, v)) < 0 ||
            (k = rd_field_opt_i64(r, v, "limit", &m->limit)) < 0 ||
            (k = rd_field_opt_i64(r, v, "reservation", &m->reservation)) < 0 ||
            (k = rd_field_opt_i64(r, v, "swap", &m->swap)) < 0 ||
            (k = rd_field_opt_i64(r, v, "kernel", &m->kernel)) < 0 ||
            (k = rd_field_opt_i64(r, v, "kernelTCP", &m->kernel_tcp)) < 0 ||
            (k = rd_field_opt_bool(r, v, "disableOOMKiller", &m->disable_oom_killer)) < 0 ||
            (k = rd_field_opt_bool(r, v, "useHierarchy", &m->use_hierarchy)) < 0 ||
            (k = rd_field_opt_bool(r, v, "checkBeforeUpdate", &m->check_before_update)) < 0)
                return k;
        json_t *s = rd_enter(r, v, "swappiness");
        if (s) {
                m->swappiness.set = true;
                k = rd_uint_max(r, s, 100, &m->swappiness.v); /* the kernel's range */
                rd_pop(r);
        }
        return k;
}

static int load_cpu(struct oci_reader *r, json_t *v, struct oci_cpu *c)
{
        int k;
        c->present = true;
        if ((k = rd_object(r, v)) < 0 ||
            (k = rd_field_opt_u64(r, v, "shares", &c->shares)) < 0 ||
            (k = rd_field_opt_i64(r, v, "quota", &c->quota)) < 0 ||
            (k = rd_field_opt_u64(r, v, "burst", &c->burst)) < 0 ||
            (k = rd_field_opt_u64(r, v, "period", &c->period)) < 0 ||
            (k = rd_field_opt_i64(r, v, "realtimeRuntime", &c->realtime_runtime)) < 0 ||
            (k = rd_field_opt_u64(r, v, "realtimePeriod", &c->realtime_period)) < 0 ||
            (k = rd_field_string(r, v, "cpus", &c->cpus)) < 0 ||
            (k = rd_field_string(r, v, "mems", &c->mems)) < 0 ||
            (k = rd_field_opt_i64(r, v, "idle", &c->idle)) < 0)
                return k;
        return 0;
}

static int load_pids(struct oci_reader *r, json_t *v, struct oci_resources *res)
{
        res->pids.present = true;
        int k = rd_object(r, v);
        return k < 0 ? k : rd_field_opt_i64(r, v, "limit", &res->pids.limit);
}

static int load_weight_device(struct oci_reader *r, json_t *v, void *elem)
{
        struct oci_weight_device *w = elem;
        oci_opt_i64 major = {}, minor = {};
        int k;
        if ((k = rd_require(r, v, "major", "an integer")) < 0 ||
            (k = rd_require(r, v, "minor", "an integer")) < 0 ||
            (k = rd_field_opt_i64(r, v, "major", &major)) < 0 ||
            (k = rd_field_opt_i64(r, v, "minor", &minor)) < 0 ||
            (k = rd_field_opt_u16(r, v, "weight", &w->weight)) < 0 ||
            (k = rd_field_opt_u16(r, v, "leafWeight", &w->leaf_weight)) < 0)
                return k;
        w->major = major.v;
        w->minor = minor.v;
        return 0;
}

static int load_throttle(struct oci_reader *r, json_t *v, void *elem)
{
        struct oci_throttle_device *t = elem;
        oci_opt_i64 major = {}, minor = {};
        oci_opt_u64 rate = {};
        int k;
        if ((k = rd_require(r, v, "major", "an integer")) < 0 ||
            (k = rd_require(r, v, "minor", "an integer")) < 0 ||
            (k = rd_require(r, v, "rate", "a non-negative integer")) < 0 ||
            (k = rd_field_opt_i64(r, v, "major", &major)) < 0 ||
            (k = rd_field_opt_i64(r, v, "minor", &minor)) < 0 ||
            (k = rd_field_opt_u64(r, v, "rate", &rate)) < 0)
                return k;
        t->major = major.v;
        t->minor = minor.v;
        t->rate = rate.v;
        return 0;
}

static int load_throttle_list(struct oci_reader *r, json_t *v, const char *key, struct oci_throttle_list *l)
{
        return rd_field_struct_array(r, v, key, sizeof(*l->v), (void **)&l->v, &l->n, load_throttle);
}

static int load_block_io(struct oci_reader *r, json_t *v, struct oci_blkio *b)
{
        int k;
        b->present = true;
        if ((k = rd_object(r, v)) < 0 ||
            (k = rd_field_opt_u16(r, v, "weight", &b->weight)) < 0 ||
            (k = rd_field_opt_u16(r, v, "leafWeight", &b->leaf_weight)) < 0 ||
            (k = rd_field_struct_array(r, v, "weightDevice", sizeof(*b->weight_device), (void **)&b->weight_device,
                                       &b->n_weight_device, load_weight_device)) < 0 ||
            (k = load_throttle_list(r, v, "throttleReadBpsDevice", &b->throttle_read_bps)) < 0 ||
            (k = load_throttle_list(r, v, "throttleWriteBpsDevice", &b->throttle_write_bps)) < 0 ||
            (k = load_throttle_list(r, v, "throttleReadIOPSDevice", &b->throttle_read_iops)) < 0 ||
            (k = load_throttle_list(r, v, "throttleWriteIOPSDevice", &b->throttle_write_iops)) < 0)
                return k;
        return 0;
}

static int load_hugepage(struct oci_reader *r, json_t *v, void *elem)
{
        struct oci_hugepage_limit *h = elem;
        oci_opt_u64 limit = {};
        int k;
        if ((k = rd_require(r, v, "pageSize", "a page size such as \"2MB\"")) < 0 ||
            (k = rd_require(r, v, "limit", "a non-negative integer")) < 0 ||
            (k = rd_field_string(r, v, "pageSize", &h->page_size)) < 0 ||
            (k = rd_field_opt_u64(r, v, "limit", &limit)) < 0)
                return k;
        h->limit = limit.v;
        return 0;
}

static int load_net_priority(struct oci_reader *r, json_t *v, void *elem)
{
        struct oci_net_priority *p = elem;
        int k;
        if ((k = rd_require(r, v, "name", "an interface name")) < 0 ||
            (k = rd_require(r, v, "priority", "a non-negative integer")) < 0 ||
            (k = rd_field_string(r, v, "name", &p->name)) < 0 ||
            (k = rd_field_u32(r, v, "priority", &p->priority)) < 0)
                return k;
        return 0;
}

static int load_network(struct oci_reader *r, json_t *v, struct oci_resources *res)
{
        int k;
        res->network.present = true;
        if ((k = rd_object(r, v)) < 0 ||
            (k = rd_field_opt_u32(r, v, "classID", &res->network.class_id)) < 0 ||
            (k = rd_field_struct_array(r, v, "priorities", sizeof(*res->network.priorities),
                                       (void **)&res->network.priorities, &res->network.n_priorities,
                                       load_net_priority)) < 0)
                return k;
        return 0;
}

/* rdma is an object keyed by device name. */
static int load_rdma(struct oci_reader *r, json_t *v, struct oci_resources *res)
{
        int k = rd_object(r, v);
        if (k < 0)
                return k;
        size_t n = json_object_size(v);
        res->rdma = calloc(n ? n : 1, sizeof(*res->rdma));
        if (!res->rdma)
                return bw_error_set(r->err, -ENOMEM, "loading %s", r->name);
        const char *key;
        json_t *val;
        json_object_foreach(v, key, val) {
                struct oci_rdma_limit *l = &res->rdma[res->n_rdma++];
                l->device = strdup(key);
                if (!l->device)
                        return bw_error_set(r->err, -ENOMEM, "loading %s", r->name);
                rd_push_key(r, key);
                if ((k = rd_object(r, val)) == 0 &&
                    (k = rd_field_opt_u32(r, val, "hcaHandles", &l->hca_handles)) == 0)
                        k = rd_field_opt_u32(r, val, "hcaObjects", &l->hca_objects);
                rd_pop(r);
                if (k < 0)
                        return k;
        }
        return 0;
}

int oci_load_resources(struct oci_reader *r, json_t *v, struct oci_resources *res)
{
        int k;
        if ((k = rd_field_struct_array(r, v, "devices", sizeof(*res->devices), (void **)&res->devices,
                                       &res->n_devices, load_device_rule)) < 0 ||
            (k = RD_WITH(r, v, "memory", load_memory, &res->memory)) < 0 ||
            (k = RD_WITH(r, v, "cpu", load_cpu, &res->cpu)) < 0 ||
            (k = RD_WITH(r, v, "pids", load_pids, res)) < 0 ||
            (k = RD_WITH(r, v, "blockIO", load_block_io, &res->block_io)) < 0 ||
            (k = rd_field_struct_array(r, v, "hugepageLimits", sizeof(*res->hugepage_limits),
                                       (void **)&res->hugepage_limits, &res->n_hugepage_limits, load_hugepage)) < 0 ||
            (k = RD_WITH(r, v, "network", load_network, res)) < 0 ||
            (k = RD_WITH(r, v, "rdma", load_rdma, res)) < 0 ||
            (k = rd_field_kv(r, v, "unified", &res->unified)) < 0)
                return k;
        return 0;
}
