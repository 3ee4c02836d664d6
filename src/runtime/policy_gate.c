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

/* A user namespace joined by path is judged by what it is: its real maps,
 * read from the namespace (linux/namespaces.c says how), go through the
 * same rules as uidMappings. The path is opened again to join it; only
 * host root can swap what a path names between the two, and host root
 * needs no runtime to be host root. */
void bw_policy_read_joined_userns(struct oci_config *c)
{
        for (size_t i = 0; c->linux && i < c->linux->n_namespaces; i++) {
                struct oci_namespace *ns = &c->linux->namespaces[i];
                if (ns->type != OCI_NS_USER || !ns->path || ns->joined_read)
                        continue;
                _cleanup_error_ struct bw_error *err = NULL;
                _cleanup_close_ int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
                if (fd < 0) {
                        bw_debug("policy: cannot open the user namespace %s: %m", ns->path);
                        continue;
                }
                if (bw_userns_maps(fd, &ns->joined_uid, &ns->joined_gid, &err) < 0) {
                        bw_debug("policy: the user namespace %s: %s", ns->path, err ? err->msg : "?");
                        continue;
                }
                ns->joined_read = true;
                bw_debug("policy: the user namespace %s has %zu uid and %zu gid map lines", ns->path,
                         ns->joined_uid.n, ns->joined_gid.n);
        }
}

/* The kernel's pid_max: a pids limit at or above it limits nothing. */
void bw_policy_read_limits(struct oci_config *c)
{
        if (!c->linux)
                return;
        _cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/pid_max", "re");
        long long v = 0;
        if (f && fscanf(f, "%lld", &v) == 1 && v > 0)
                c->linux->host_pid_max = v;
}

void bw_policy_mark_host_namespaces(struct oci_config *c)
{
        bw_policy_read_joined_userns(c);
        bw_policy_read_limits(c);
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
