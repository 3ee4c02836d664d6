#include "runtime/policy_gate.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "linux/namespaces.h"
#include "oci/load.h"
#include "policy/enforce.h"
#include "policy/profile.h"
#include "util/cleanup.h"
#include "util/log.h"

void bw_policy_mark_host_namespaces(struct oci_config *c)
{
        for (size_t i = 0; c->linux && i < c->linux->n_namespaces; i++) {
                struct oci_namespace *ns = &c->linux->namespaces[i];
                ns->host = ns->path && ns->type != OCI_NS_USER && bw_ns_path_is_host(ns->type, ns->path) == 1;
                if (ns->host)
                        bw_debug("policy: the %s namespace %s is the host's", oci_ns_type_name(ns->type), ns->path);
        }
}

int bw_policy_gate(struct oci_config *c, const struct bw_policy_choice *pc, struct bw_error **err)
{
        bw_policy_mark_host_namespaces(c);
        struct bw_policy p;
        int r = bw_policy_resolve(pc ? pc->file : NULL, pc ? pc->profile : NULL, pc ? pc->mode : NULL, &p, err);
        if (r < 0)
                return r;
        bw_debug("policy: profile %s (%s), mode %s", bw_profile_name(p.profile), p.source ? p.source : "default",
                 bw_mode_name(p.mode));
        r = bw_policy_apply(c, &p, err);
        bw_policy_free(&p);
        if (r < 0 && err && *err)
                (*err)->status = BW_EXIT_FAILURE; /* a refusal is not a usage error */
        return r;
}

int bw_policy_save_effective(const struct bw_store_entry *e, const struct oci_config *c, struct bw_error **err)
{
        _cleanup_json_ json_t *j = oci_config_dump(c);
        _cleanup_free_ char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
        _cleanup_free_ char *path = NULL;
        if (!text || asprintf(&path, "%s/" BW_EFFECTIVE_CONFIG, e->path) < 0)
                return bw_error_set(err, -ENOMEM, "writing the effective config");
        return bw_write_file_atomic(path, text, err);
}

char *bw_saved_config_path(const char *dir)
{
        char *p = NULL;
        if (asprintf(&p, "%s/" BW_EFFECTIVE_CONFIG, dir) < 0)
                return NULL;
        if (access(p, F_OK) == 0)
                return p;
        free(p);
        return asprintf(&p, "%s/config.json", dir) < 0 ? NULL : p;
}

int bw_policy_save_choice(const struct bw_store_entry *e, const struct bw_policy_choice *pc, struct bw_error **err)
{
        struct bw_policy p;
        int r = bw_policy_resolve(pc ? pc->file : NULL, pc ? pc->profile : NULL, pc ? pc->mode : NULL, &p, err);
        if (r < 0)
                return r;
        _cleanup_json_ json_t *j = json_pack("{s:s, s:s}", "profile", bw_profile_name(p.profile), "mode",
                                             bw_mode_name(p.mode));
        if (j && pc && pc->file)
                json_object_set_new(j, "policyFile", json_string(pc->file));
        bw_policy_free(&p);
        _cleanup_free_ char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
        _cleanup_free_ char *path = NULL;
        if (!text || asprintf(&path, "%s/" BW_POLICY_SAVED, e->path) < 0)
                return bw_error_set(err, -ENOMEM, "writing the container's policy");
        return bw_write_file_atomic(path, text, err);
}

int bw_policy_load_saved(const char *dir, struct bw_policy *out, struct bw_error **err)
{
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/" BW_POLICY_SAVED, dir) < 0)
                return -ENOMEM;
        json_error_t je;
        _cleanup_json_ json_t *j = json_load_file(path, 0, &je);
        if (!j && access(path, F_OK) == 0)
                return bw_error_msg(err, -EINVAL, "%s: %s (delete the container and create it again)", path, je.text);
        /* None saved (a container from an older bulwark): the defaults. */
        const char *profile = j ? json_string_value(json_object_get(j, "profile")) : NULL;
        const char *mode = j ? json_string_value(json_object_get(j, "mode")) : NULL;
        const char *file = j ? json_string_value(json_object_get(j, "policyFile")) : NULL;
        /* A policy file named at create and gone since: its exceptions are
         * gone too; the profile and mode still hold. */
        if (file && access(file, F_OK) < 0)
                file = NULL;
        int r = bw_policy_resolve(file, profile, mode, out, err);
        if (r < 0)
                return bw_error_wrap(err, "the policy of the container (%s)", path);
        return 0;
}

static void config_freep(struct oci_config **c)
{
        if (*c)
                oci_config_free(*c);
}

/* The highest pid the kernel hands out: a pids limit above it limits
 * nothing. */
static int64_t pid_max(void)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/pid_max", "re");
        long long v = 0;
        if (!f || fscanf(f, "%lld", &v) != 1 || v <= 0)
                return 4194304; /* PID_MAX_LIMIT on 64-bit */
        return v;
}

/* res with the update u on top: only what u sets, as bw_cgroup_set writes
 * only that; a device list replaces the cgroup's (it is computed from the
 * update's rules alone). Devices are borrowed from u. */
static struct oci_resources merged(const struct oci_resources *res, const struct oci_resources *u)
{
        struct oci_resources m = *res;
        m.present = true;
        if (u->n_devices) {
                m.devices = u->devices;
                m.n_devices = u->n_devices;
        }
#define TAKE(field)                       \
        if (u->field.set)                 \
                m.field = u->field
        TAKE(memory.limit);
        TAKE(memory.swap);
        TAKE(memory.reservation);
        TAKE(memory.kernel);
        TAKE(memory.kernel_tcp);
        TAKE(cpu.shares);
        TAKE(cpu.quota);
        TAKE(cpu.period);
        TAKE(cpu.realtime_period);
        TAKE(cpu.realtime_runtime);
#undef TAKE
        m.memory.present |= u->memory.present;
        if (u->pids.present) {
                m.pids = u->pids;
                /* Judge what the kernel will do: above pid_max is no limit. */
                if (m.pids.limit.set && m.pids.limit.v > pid_max())
                        m.pids.limit.v = -1;
        }
        return m;
}

int bw_policy_gate_update(const char *root, const char *id, const struct oci_resources *u, struct bw_error **err)
{
        _cleanup_(config_freep) struct oci_config *c = NULL;
        _cleanup_(bw_policy_free) struct bw_policy pol = { 0 };
        {
                _cleanup_(bw_store_entry_close) struct bw_store_entry e = { .dir_fd = -1 };
                int r = bw_store_open(root, id, &e, err);
                if (r < 0)
                        return r;
                _cleanup_free_ char *cfg = bw_saved_config_path(e.path);
                if (!cfg)
                        return -ENOMEM;
                if ((r = oci_config_load_file(cfg, &c, err)) < 0)
                        return bw_error_wrap(err, "container %s's saved config", id);
                if ((r = bw_policy_load_saved(e.path, &pol, err)) < 0)
                        return r;
        }
        if (!c->linux)
                return 0; /* nothing to compare with: the loader always makes one */
        bw_policy_mark_host_namespaces(c);
        struct oci_resources after = merged(&c->linux->resources, u);
        int r = bw_policy_apply_update(c, &after, &pol, err);
        if (r < 0 && err && *err)
                (*err)->status = BW_EXIT_FAILURE;
        return r < 0 ? bw_error_wrap(err, "updating container %s", id) : 0;
}
