/* linux.resources -> JSON, the inverse of load_resources.c. */
#include <jansson.h>

#include "oci/dump_put.h"
#include "oci/reader.h"

static json_t *dump_device_rule(const struct oci_device_rule *d)
{
        json_t *o = json_object();
        put(o, "allow", json_boolean(d->allow));
        put(o, "type", json_stringn(&d->type, 1));
        PUT_INT(o, "major", d->major);
        PUT_INT(o, "minor", d->minor);
        put_str(o, "access", d->access);
        return o;
}

static json_t *dump_memory(const struct oci_memory *m)
{
        json_t *o = json_object();
        PUT_INT(o, "limit", m->limit);
        PUT_INT(o, "reservation", m->reservation);
        PUT_INT(o, "swap", m->swap);
        PUT_INT(o, "kernel", m->kernel);
        PUT_INT(o, "kernelTCP", m->kernel_tcp);
        PUT_INT(o, "swappiness", m->swappiness);
        PUT_BOOL(o, "disableOOMKiller", m->disable_oom_killer);
        PUT_BOOL(o, "useHierarchy", m->use_hierarchy);
        PUT_BOOL(o, "checkBeforeUpdate", m->check_before_update);
        return o;
}

static json_t *dump_cpu(const struct oci_cpu *c)
{
        json_t *o = json_object();
        PUT_INT(o, "shares", c->shares);
        PUT_INT(o, "quota", c->quota);
        PUT_INT(o, "burst", c->burst);
        PUT_INT(o, "period", c->period);
        PUT_INT(o, "realtimeRuntime", c->realtime_runtime);
        PUT_INT(o, "realtimePeriod", c->realtime_period);
        put_str(o, "cpus", c->cpus);
        put_str(o, "mems", c->mems);
        PUT_INT(o, "idle", c->idle);
        return o;
}

static void put_throttle(json_t *o, const char *key, const struct oci_throttle_list *l)
{
        if (!l->v)
                return;
        json_t *a = json_array();
        for (size_t i = 0; a && i < l->n; i++) {
                json_t *t = json_object();
                put(t, "major", json_integer(l->v[i].major));
                put(t, "minor", json_integer(l->v[i].minor));
                put(t, "rate", json_integer((json_int_t)l->v[i].rate));
                json_array_append_new(a, t);
        }
        put(o, key, a);
}

static json_t *dump_block_io(const struct oci_blkio *b)
{
        json_t *o = json_object();
        PUT_INT(o, "weight", b->weight);
        PUT_INT(o, "leafWeight", b->leaf_weight);
        if (b->weight_device) {
                json_t *a = json_array();
                for (size_t i = 0; a && i < b->n_weight_device; i++) {
                        const struct oci_weight_device *w = &b->weight_device[i];
                        json_t *d = json_object();
                        put(d, "major", json_integer(w->major));
                        put(d, "minor", json_integer(w->minor));
                        PUT_INT(d, "weight", w->weight);
                        PUT_INT(d, "leafWeight", w->leaf_weight);
                        json_array_append_new(a, d);
                }
                put(o, "weightDevice", a);
        }
        put_throttle(o, "throttleReadBpsDevice", &b->throttle_read_bps);
        put_throttle(o, "throttleWriteBpsDevice", &b->throttle_write_bps);
        put_throttle(o, "throttleReadIOPSDevice", &b->throttle_read_iops);
        put_throttle(o, "throttleWriteIOPSDevice", &b->throttle_write_iops);
        return o;
}

static json_t *dump_network(const struct oci_resources *r)
{
        json_t *o = json_object();
        PUT_INT(o, "classID", r->network.class_id);
        if (r->network.priorities) {
                json_t *a = json_array();
                for (size_t i = 0; a && i < r->network.n_priorities; i++) {
                        json_t *p = json_object();
                        put_str(p, "name", r->network.priorities[i].name);
                        put(p, "priority", json_integer(r->network.priorities[i].priority));
                        json_array_append_new(a, p);
                }
                put(o, "priorities", a);
        }
        return o;
}

json_t *oci_dump_resources(const struct oci_resources *r)
{
        json_t *o = json_object();
        if (!o)
                return NULL;
        if (r->devices) {
                json_t *a = json_array();
                for (size_t i = 0; a && i < r->n_devices; i++)
                        json_array_append_new(a, dump_device_rule(&r->devices[i]));
                put(o, "devices", a);
        }
        if (r->memory.present)
                put(o, "memory", dump_memory(&r->memory));
        if (r->cpu.present)
                put(o, "cpu", dump_cpu(&r->cpu));
        if (r->pids.present) {
                json_t *p = json_object();
                PUT_INT(p, "limit", r->pids.limit);
                put(o, "pids", p);
        }
        if (r->block_io.present)
                put(o, "blockIO", dump_block_io(&r->block_io));
        if (r->hugepage_limits) {
                json_t *a = json_array();
                for (size_t i = 0; a && i < r->n_hugepage_limits; i++) {
                        json_t *h = json_object();
                        put_str(h, "pageSize", r->hugepage_limits[i].page_size);
                        put(h, "limit", json_integer((json_int_t)r->hugepage_limits[i].limit));
                        json_array_append_new(a, h);
                }
                put(o, "hugepageLimits", a);
        }
        if (r->network.present)
                put(o, "network", dump_network(r));
        if (r->rdma) {
                json_t *m = json_object();
                for (size_t i = 0; m && i < r->n_rdma; i++) {
                        json_t *d = json_object();
                        PUT_INT(d, "hcaHandles", r->rdma[i].hca_handles);
                        PUT_INT(d, "hcaObjects", r->rdma[i].hca_objects);
                        put(m, r->rdma[i].device, d);
                }
                put(o, "rdma", m);
        }
        if (r->unified.v) {
                json_t *m = json_object();
                for (size_t i = 0; m && i < r->unified.n; i++)
                        put(m, r->unified.v[i].key, json_string(r->unified.v[i].value));
                put(o, "unified", m);
        }
        return o;
}
