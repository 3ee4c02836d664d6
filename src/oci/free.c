/* oci_config_free: every pointer in the config is owned; zeroed parts are
 * fine, so a config the loader abandoned half-way frees cleanly. */
#include <stdlib.h>
#include <unistd.h>

#include "oci/spec.h"
#include "util/strv.h"

static void free_kv(struct oci_kv_list *l)
{
        for (size_t i = 0; i < l->n; i++) {
                free(l->v[i].key);
                free(l->v[i].value);
        }
        free(l->v);
}

void oci_mount_source_close(struct oci_mount_source *s)
{
        if (!s->resolved)
                return;
        if (s->fd >= 0)
                close(s->fd);
        if (s->tree >= 0)
                close(s->tree);
        s->fd = s->tree = -1;
}

static void free_mount(struct oci_mount *m)
{
        free(m->destination);
        free(m->type);
        free(m->source);
        bw_strv_free(m->options);
        free(m->uid_mappings.v);
        free(m->gid_mappings.v);
        free(m->src.path);
        free(m->src.written);
        free(m->src.engine_socket);
        oci_mount_source_close(&m->src);
}

void oci_process_free(struct oci_process *p)
{
        if (!p)
                return;
        free(p->user.additional_gids);
        free(p->user.username);
        bw_strv_free(p->args);
        free(p->command_line);
        bw_strv_free(p->env);
        free(p->cwd);
        for (size_t i = 0; i < p->n_rlimits; i++)
                free(p->rlimits[i].type);
        free(p->rlimits);
        free(p->apparmor_profile);
        free(p->selinux_label);
        free(p->io_priority.klass);
        free(p->scheduler.policy);
        bw_strv_free(p->scheduler.flags);
        free(p);
}

static void free_hooks(struct oci_hook_list *l)
{
        for (size_t i = 0; i < l->n; i++) {
                free(l->v[i].path);
                bw_strv_free(l->v[i].args);
                bw_strv_free(l->v[i].env);
                free(l->v[i].trusted_path);
        }
        free(l->v);
}

static void free_resources(struct oci_resources *r)
{
        for (size_t i = 0; i < r->n_devices; i++)
                free(r->devices[i].access);
        free(r->devices);
        free(r->cpu.cpus);
        free(r->cpu.mems);
        free(r->block_io.weight_device);
        free(r->block_io.throttle_read_bps.v);
        free(r->block_io.throttle_write_bps.v);
        free(r->block_io.throttle_read_iops.v);
        free(r->block_io.throttle_write_iops.v);
        for (size_t i = 0; i < r->n_hugepage_limits; i++)
                free(r->hugepage_limits[i].page_size);
        free(r->hugepage_limits);
        for (size_t i = 0; i < r->network.n_priorities; i++)
                free(r->network.priorities[i].name);
        free(r->network.priorities);
        for (size_t i = 0; i < r->n_rdma; i++)
                free(r->rdma[i].device);
        free(r->rdma);
        free_kv(&r->unified);
}

void oci_seccomp_free(struct oci_seccomp *s)
{
        if (!s)
                return;
        bw_strv_free(s->architectures);
        bw_strv_free(s->flags);
        free(s->listener_path);
        free(s->listener_metadata);
        for (size_t i = 0; i < s->n_syscalls; i++) {
                bw_strv_free(s->syscalls[i].names);
                free(s->syscalls[i].args);
        }
        free(s->syscalls);
        free(s);
}

static void free_linux(struct oci_linux *l)
{
        if (!l)
                return;
        for (size_t i = 0; i < l->n_namespaces; i++) {
                free(l->namespaces[i].path);
                free(l->namespaces[i].joined_uid.v);
                free(l->namespaces[i].joined_gid.v);
                free(l->namespaces[i].owner_container);
        }
        free(l->namespaces);
        free(l->owner_userns.path);
        free(l->owner_userns.joined_uid.v);
        free(l->owner_userns.joined_gid.v);
        free(l->owner_userns_of);
        free(l->uid_mappings.v);
        free(l->gid_mappings.v);
        for (size_t i = 0; i < l->n_devices; i++)
                free(l->devices[i].path);
        free(l->devices);
        free(l->cgroups_path);
        free_resources(&l->resources);
        free_kv(&l->sysctl);
        oci_seccomp_free(l->seccomp);
        oci_seccomp_free(l->seccomp_stacked);
        free(l->rootfs_propagation);
        bw_strv_free(l->masked_paths);
        bw_strv_free(l->readonly_paths);
        free(l->mount_label);
        if (l->personality) {
                free(l->personality->domain);
                bw_strv_free(l->personality->flags);
                free(l->personality);
        }
        if (l->intel_rdt) {
                free(l->intel_rdt->clos_id);
                free(l->intel_rdt->l3_cache_schema);
                free(l->intel_rdt->mem_bw_schema);
                free(l->intel_rdt);
        }
        free(l);
}

void oci_config_free(struct oci_config *c)
{
        if (!c)
                return;
        free(c->oci_version);
        free(c->root.path);
        free(c->root.src.path);
        free(c->root.src.written);
        free(c->root.src.engine_socket);
        oci_mount_source_close(&c->root.src);
        for (size_t i = 0; i < c->n_mounts; i++)
                free_mount(&c->mounts[i]);
        free(c->mounts);
        oci_process_free(c->process);
        free(c->hostname);
        free(c->domainname);
        free_hooks(&c->hooks.prestart);
        free_hooks(&c->hooks.create_runtime);
        free_hooks(&c->hooks.create_container);
        free_hooks(&c->hooks.start_container);
        free_hooks(&c->hooks.poststart);
        free_hooks(&c->hooks.poststop);
        free_kv(&c->annotations);
        free_linux(c->linux);
        free(c->host_ids.uids);
        free(c->host_ids.gids);
        for (size_t i = 0; i < c->host_ids.n_ranges; i++)
                free(c->host_ids.ranges[i].owner);
        free(c->host_ids.ranges);
        free(c->host_ids.own_uids);
        free(c->host_ids.own_gids);
        free(c->host_ids.sub_uids);
        free(c->host_ids.sub_gids);
        free(c);
}

const struct oci_namespace *oci_config_namespace(const struct oci_config *c, enum oci_ns_type t)
{
        if (!c || !c->linux)
                return NULL;
        for (size_t i = 0; i < c->linux->n_namespaces; i++)
                if (c->linux->namespaces[i].type == t)
                        return &c->linux->namespaces[i];
        return NULL;
}
