/* The fixes harden applies, each named by its rule's row: what makes a
 * config comply without changing what the workload asked for in a way it
 * would notice. */
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>

#include "oci/default.h"
#include "oci/device_rules.h"
#include "oci/seccomp_default.h"
#include "policy/checks.h"
#include "policy/fixes.h"
#include "policy/harden.h"
#include "util/strv.h"

static struct oci_linux *ensure_linux(struct oci_config *c)
{
        if (!c->linux)
                c->linux = calloc(1, sizeof(*c->linux));
        return c->linux;
}

static void drop_cap(struct oci_config *c, int cap)
{
        if (!c->process)
                return;
        struct oci_capabilities *k = &c->process->capabilities;
        uint64_t m = ~(1ULL << cap);
        k->bounding.mask &= m;
        k->effective.mask &= m;
        k->permitted.mask &= m;
        k->inheritable.mask &= m;
        k->ambient.mask &= m;
}

static int add_ns(struct oci_config *c, enum oci_ns_type t)
{
        struct oci_linux *l = ensure_linux(c);
        if (!l)
                return -ENOMEM;
        if (bw_has_ns(c, t))
                return 0;
        struct oci_namespace *v = realloc(l->namespaces, (l->n_namespaces + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        l->namespaces = v;
        v[l->n_namespaces++] = (struct oci_namespace){ .type = t };
        return 0;
}

static int copy_map(struct oci_idmap_list *to, const struct oci_idmap_list *from)
{
        *to = (struct oci_idmap_list){ .present = true };
        if (!from->n)
                return 0;
        to->v = malloc(from->n * sizeof(*to->v));
        if (!to->v)
                return -ENOMEM;
        memcpy(to->v, from->v, from->n * sizeof(*to->v));
        to->n = from->n;
        return 0;
}

int bw_harden_join_owner_userns(struct oci_config *c, bool add)
{
        const struct oci_namespace *o = c->linux ? &c->linux->owner_userns : NULL;
        if (!o || !o->path || !o->joined_read)
                return 0;
        struct oci_namespace *user = (struct oci_namespace *)oci_config_namespace(c, OCI_NS_USER);
        if (user && (user->path || c->linux->uid_mappings.n || c->linux->gid_mappings.n))
                return 0; /* the config chose its user namespace */
        if (!user && !add)
                return 0;
        if (!user) {
                int r = add_ns(c, OCI_NS_USER);
                if (r < 0)
                        return r;
                user = &c->linux->namespaces[c->linux->n_namespaces - 1];
        }
        struct oci_namespace n = { .type = OCI_NS_USER, .joined_read = true };
        if (!(n.path = strdup(o->path)) || copy_map(&n.joined_uid, &o->joined_uid) < 0 ||
            copy_map(&n.joined_gid, &o->joined_gid) < 0) {
                free(n.path), free(n.joined_uid.v), free(n.joined_gid.v);
                return -ENOMEM;
        }
        *user = n;
        return 1;
}

static int add_paths(char ***list, const char *const *need)
{
        if (!*list) {
                *list = calloc(1, sizeof(char *));
                if (!*list)
                        return -ENOMEM;
        }
        for (size_t i = 0; need[i]; i++)
                if (!bw_strv_contains(*list, need[i])) {
                        int r = bw_strv_push(list, need[i]);
                        if (r < 0)
                                return r;
                }
        return 0;
}

/* Deny everything, then allow what `bulwark spec` allows every container
 * (oci/default.h) and the devices the config itself lists (the last
 * matching rule wins). */
static int deny_all_devices(struct oci_config *c)
{
        struct oci_linux *l = ensure_linux(c);
        if (!l)
                return -ENOMEM;
        l->resources.present = true;
        int r = oci_device_rule_push(&l->resources, false, 'a', -1, -1, "rwm");
        if (r < 0)
                return r;
        return bw_device_allows_append(l, "rwm");
}

static int ro_sysfs(struct oci_config *c)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                struct oci_mount *m = &c->mounts[i];
                if (m->type && strcmp(m->type, "sysfs") == 0 && !bw_mount_is_ro(m)) {
                        if (!m->options && !(m->options = calloc(1, sizeof(char *))))
                                return -ENOMEM;
                        /* "ro" after any "rw" wins, as with mount(8). */
                        int r = bw_strv_push(&m->options, "ro");
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* A tmpfs without a bound gets one: 64m under /dev (what engines give
 * /dev and /dev/shm), 1g elsewhere (room for a scratch /tmp, far below
 * the kernel's half of the host's memory). Appended, so it wins over an
 * earlier size=0. Which tmpfs lacks a bound is the rule's check to say. */
static int bound_tmpfs(struct oci_config *c, const struct bw_rule *rule)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                struct oci_mount *m = &c->mounts[i];
                if (!m->type || strcmp(m->type, "tmpfs") != 0 || bw_mount_is_bind(m))
                        continue;
                struct bw_findings f = { 0 };
                struct oci_config one = { .mounts = m, .n_mounts = 1 };
                int r = rule->check(rule, &one, &f);
                bool unbounded = f.n > 0;
                bw_findings_clear(&f);
                if (r < 0)
                        return r;
                if (!unbounded)
                        continue;
                if (!m->options && !(m->options = calloc(1, sizeof(char *))))
                        return -ENOMEM;
                if ((r = bw_strv_push(&m->options, bw_path_under(m->destination, "/dev") ? "size=64m" : "size=1g")) < 0)
                        return r;
        }
        return 0;
}

/* Whether a config's own filter says something bulwark's default would
 * lose: a denial (its default action or a rule that blocks) or a notify
 * listener, whose agent must still be there for the container to start. */
static bool seccomp_worth_keeping(const struct oci_seccomp *s)
{
        if (!s)
                return false;
        if (s->listener_path || s->default_action != OCI_SECCOMP_ALLOW)
                return true;
        for (size_t i = 0; i < s->n_syscalls; i++)
                if (s->syscalls[i].action != OCI_SECCOMP_ALLOW)
                        return true;
        return false;
}

/* No filter, an unconfined one, or one that lets breakout syscalls through:
 * all get the built-in profile, Docker's allowlist made stricter. Only the
 * capabilities the container keeps unlock the few syscalls gated on them.
 * A filter with denials or a listener of its own stays, and the built-in
 * profile is stacked on it: the kernel runs both and applies the most
 * restrictive answer, so the config's errno and its agent still decide
 * what the default allows. *what says which was done. */
static int install_default_seccomp(struct oci_config *c, const char **what)
{
        struct oci_linux *l = ensure_linux(c);
        if (!l)
                return -ENOMEM;
        bool stack = seccomp_worth_keeping(l->seccomp);
        *what = stack ? "stacked bulwark's default seccomp profile on the config's own filter, which stays "
                        "(its denials and listener kept; docs/seccomp.md)"
                      : "installed bulwark's default seccomp profile (docs/seccomp.md)";
        if (stack && l->seccomp_stacked)
                return 0; /* BW051 and BW052 both ask: once is enough */
        uint64_t caps = c->process ? c->process->capabilities.bounding.mask : 0;
        struct oci_seccomp *s = oci_seccomp_default(caps);
        if (!s)
                return -ENOMEM;
        if (stack) {
                l->seccomp_stacked = s;
        } else {
                oci_seccomp_free(l->seccomp);
                l->seccomp = s;
        }
        return 0;
}

/* Remove a key from linux.resources.unified (every occurrence). */
static void drop_unified(struct oci_kv_list *u, const char *key)
{
        size_t k = 0;
        for (size_t i = 0; i < u->n; i++) {
                if (strcmp(u->v[i].key, key) == 0) {
                        free(u->v[i].key);
                        free(u->v[i].value);
                        continue;
                }
                u->v[k++] = u->v[i];
        }
        u->n = k;
}

BW_FIX(drop_cap)
{
        drop_cap(c, f->rule->cap);
        *what = "dropped the capability from every set";
        return 1;
}

/* BW030: one finding per capability, its detail the capability's name. */
BW_FIX(drop_named_cap)
{
        int cap = oci_cap_from_name(f->detail);
        if (cap < 0)
                return 0;
        drop_cap(c, cap);
        *what = "dropped the capability from every set";
        return 1;
}

BW_FIX(drop_ptrace)
{
        (void)f;
        drop_cap(c, CAP_SYS_PTRACE);
        *what = "dropped CAP_SYS_PTRACE";
        return 1;
}

static int done(int ret)
{
        return ret < 0 ? ret : 1;
}

BW_FIX(user_ns)
{
        (void)f;
        if (bw_has_ns(c, OCI_NS_USER))
                return 0; /* root via a mapping to host 0: BW041's business */
        int ret = bw_harden_join_owner_userns(c, true);
        if (ret > 0) {
                *what = "joined the user namespace of the container that owns the joined namespaces";
                return 1;
        }
        *what = "added a user namespace without mappings (bulwark allocates an unprivileged id range)";
        return done(ret < 0 ? ret : add_ns(c, OCI_NS_USER));
}

BW_FIX(uts_ns)
{
        (void)f;
        *what = "added a UTS namespace";
        return done(add_ns(c, OCI_NS_UTS));
}

BW_FIX(cgroup_ns)
{
        (void)f;
        *what = "added a cgroup namespace";
        return done(add_ns(c, OCI_NS_CGROUP));
}

BW_FIX(seccomp)
{
        (void)f;
        return done(install_default_seccomp(c, what));
}

BW_FIX(no_new_privs)
{
        (void)f;
        if (!c->process)
                return 0;
        c->process->no_new_privileges = true;
        *what = "set process.noNewPrivileges";
        return 1;
}

BW_FIX(device_cgroup)
{
        (void)f;
        *what = "made the device cgroup deny all but the default devices and linux.devices";
        return done(deny_all_devices(c));
}

BW_FIX(masked_paths)
{
        (void)f;
        *what = "restored the default masked paths";
        return done(ensure_linux(c) ? add_paths(&c->linux->masked_paths, bw_default_masked_paths) : -ENOMEM);
}

/* BW091, and BW092 where /proc/sys is missing from readonlyPaths (not
 * where a writable mount covers it: that has no safe fix). */
BW_FIX(readonly_paths)
{
        if (f->kind != BW_FINDING_READONLY_PATHS)
                return 0;
        *what = "restored the default read-only paths";
        return done(ensure_linux(c) ? add_paths(&c->linux->readonly_paths, bw_default_readonly_paths) : -ENOMEM);
}

BW_FIX(sysfs_ro)
{
        (void)f;
        *what = "mounted sysfs read-only";
        return done(ro_sysfs(c));
}

BW_FIX(pids_limit)
{
        (void)f;
        struct oci_linux *l = ensure_linux(c);
        if (!l)
                return -ENOMEM;
        l->resources.present = true;
        l->resources.pids.present = true;
        drop_unified(&l->resources.unified, "pids.max");
        oci_opt_i64 *lim = &l->resources.pids.limit;
        if (lim->set && lim->v > 0 && lim->v <= BW_HARDEN_PIDS_LIMIT) {
                *what = "removed pids.max from linux.resources.unified (the pids limit stands)";
        } else {
                *lim = (oci_opt_i64){ true, BW_HARDEN_PIDS_LIMIT };
                *what = "set linux.resources.pids.limit to 4096";
        }
        return 1;
}

BW_FIX(tmpfs_size)
{
        *what = "bounded the tmpfs: size=64m under /dev, size=1g elsewhere";
        return done(bound_tmpfs(c, f->rule));
}
