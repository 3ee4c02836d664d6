/* Hardening: the fixes that make a config comply without changing what the
 * workload asked for in a way it would notice. What cannot be fixed that
 * way (a privileged container, an engine socket, a host namespace, a host
 * device, a sensitive mount) is refused instead: silently removing it would
 * break the workload, keeping it would break the host. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci/default.h"
#include "oci/device_rules.h"
#include "oci/seccomp_default.h"
#include "policy/checks.h"
#include "policy/harden.h"
#include "util/cleanup.h"
#include "util/strv.h"

void bw_harden_result_free(struct bw_harden_result *res)
{
        bw_strv_free(res->changes);
        bw_strv_free(res->remaining);
        bw_findings_clear(&res->findings);
        *res = (struct bw_harden_result){ 0 };
}

/* Rules whose violation makes harden refuse the whole config, with why. */
static const struct { const char *id; const char *why; } refused[] = {
        { "BW001", "a privileged container cannot be made safe without changing what it is" },
        { "BW041", "the id mapping was chosen by the engine; changing it would re-own the container's files" },
        { "BW044", "the workload asked to join this user namespace" },
        { "BW043", "the mapping was chosen by the engine or the user; another one would re-own what the container sees" },
        { "BW060", "the workload asked for the host's pid namespace" },
        { "BW061", "the workload asked for the host's network" },
        { "BW062", "the workload asked for the host's IPC namespace" },
        { "BW065", "the workload runs in the host's mount namespace" },
        { "BW066", "the workload asked for that mount namespace" },
        { "BW067", "the workload asked for these namespaces and for this user namespace" },
        { "BW068", "the workload asked to join that container's namespaces" },
        { "BW070", "removing the mount would break the workload, keeping it gives it the host" },
        { "BW071", "removing or re-mounting it would break the workload" },
        { "BW072", "removing the mount would break the workload" },
        { "BW073", "the workload's rootfs is that host tree" },
        { "BW075", "the workload asked for this mapping of a host folder" },
        { "BW077", "the workload asked for this overlay" },
        { "BW080", "the workload asked for this device" },
        { "BW081", "the workload asked for this device" },
        { "BW094", "the workload asked for this sysctl" },
        { "BW095", "the workload asked for this proc or sysfs mount; it cannot be masked" },
        { "BW100", "the workload asked for shared propagation" },
        { "BW110", "removing a hook would break what it was set up for; the operator trusts it in the policy file instead" },
};

static const char *refusal(const char *id)
{
        for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
                if (strcmp(refused[i].id, id) == 0)
                        return refused[i].why;
        return NULL;
}

static int note(char ***list, const struct bw_finding *f, const char *prefix, const char *text)
{
        char *s = NULL;
        if (asprintf(&s, "%s %s (%s): %s%s", f->rule->id, f->rule->title, f->detail, prefix, text) < 0)
                return -ENOMEM;
        return bw_strv_consume(list, s);
}

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
 * earlier size=0. */
static int bound_tmpfs(struct oci_config *c)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                struct oci_mount *m = &c->mounts[i];
                if (!m->type || strcmp(m->type, "tmpfs") != 0 || bw_mount_is_bind(m))
                        continue;
                struct bw_findings f = { 0 };
                struct oci_config one = { .mounts = m, .n_mounts = 1 };
                int r = bw_check_tmpfs_size(bw_rule_find("BW104"), &one, &f);
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

/* Apply the fix for one violation. Returns 1 when changed (what in *what),
 * 0 when this rule has no safe fix, negative on allocation failure. */
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

static int fix(struct oci_config *c, const struct bw_finding *f, const char **what)
{
        const struct bw_rule *r = f->rule;
        if (r->check == bw_check_cap) {
                drop_cap(c, r->cap);
                *what = "dropped the capability from every set";
                return 1;
        }
        if (r->check == bw_check_other_caps) {
                drop_cap(c, bw_cap_from_name(f->detail));
                *what = "dropped the capability from every set";
                return 1;
        }
        const char *id = r->id;
        int ret = 0;
        if (strcmp(id, "BW029") == 0) {
                drop_cap(c, bw_cap_from_name("SYS_PTRACE"));
                *what = "dropped CAP_SYS_PTRACE";
                return 1;
        }
        if (strcmp(id, "BW040") == 0 || strcmp(id, "BW042") == 0) {
                if (bw_has_ns(c, OCI_NS_USER))
                        return 0; /* root via a mapping to host 0: BW041's business */
                if ((ret = bw_harden_join_owner_userns(c, true)) > 0) {
                        *what = "joined the user namespace of the container that owns the joined namespaces";
                        return 1;
                }
                ret = ret < 0 ? ret : add_ns(c, OCI_NS_USER);
                *what = "added a user namespace without mappings (bulwark allocates an unprivileged id range)";
        } else if (strcmp(id, "BW063") == 0) {
                ret = add_ns(c, OCI_NS_UTS);
                *what = "added a UTS namespace";
        } else if (strcmp(id, "BW064") == 0) {
                ret = add_ns(c, OCI_NS_CGROUP);
                *what = "added a cgroup namespace";
        } else if (strcmp(id, "BW050") == 0 || strcmp(id, "BW051") == 0 || strcmp(id, "BW052") == 0) {
                ret = install_default_seccomp(c, what);
        } else if (strcmp(id, "BW053") == 0) {
                if (!c->process)
                        return 0;
                c->process->no_new_privileges = true;
                *what = "set process.noNewPrivileges";
        } else if (strcmp(id, "BW082") == 0) {
                ret = deny_all_devices(c);
                *what = "made the device cgroup deny all but the default devices and linux.devices";
        } else if (strcmp(id, "BW090") == 0) {
                ret = ensure_linux(c) ? add_paths(&c->linux->masked_paths, bw_default_masked_paths) : -ENOMEM;
                *what = "restored the default masked paths";
        } else if (strcmp(id, "BW091") == 0 || (strcmp(id, "BW092") == 0 && strstr(f->detail, "readonlyPaths"))) {
                ret = ensure_linux(c) ? add_paths(&c->linux->readonly_paths, bw_default_readonly_paths) : -ENOMEM;
                *what = "restored the default read-only paths";
        } else if (strcmp(id, "BW093") == 0) {
                ret = ro_sysfs(c);
                *what = "mounted sysfs read-only";
        } else if (strcmp(id, "BW102") == 0) {
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
        } else if (strcmp(id, "BW104") == 0) {
                ret = bound_tmpfs(c);
                *what = "bounded the tmpfs: size=64m under /dev, size=1g elsewhere";
        } else {
                return 0;
        }
        return ret < 0 ? ret : 1;
}

static const char *unfixable_why(const struct bw_finding *f)
{
        (void)f;
        return "not changed: no safe automatic fix";
}

int bw_harden(struct oci_config *c, const struct bw_policy *p, struct bw_harden_result *res,
              struct bw_error **err)
{
        *res = (struct bw_harden_result){ 0 };
        struct bw_findings before = { 0 };
        int n = bw_policy_evaluate(c, p, &before, err);
        if (n < 0)
                return n;
        int r = 0;
        /* Anything refused outright: change nothing, say why. */
        for (size_t i = 0; r == 0 && i < before.n; i++) {
                const char *why = before.v[i].violation ? refusal(before.v[i].rule->id) : NULL;
                if (why)
                        r = note(&res->remaining, &before.v[i], "refused: ", why);
        }
        if (r == 0 && res->remaining) {
                for (size_t i = 0; r == 0 && i < before.n; i++)
                        if (before.v[i].violation && !refusal(before.v[i].rule->id))
                                r = note(&res->remaining, &before.v[i], "", "not changed: the config is refused as a whole");
                res->findings = before;
                if (r < 0)
                        return bw_error_set(err, r, "hardening the configuration");
                return n;
        }
        for (size_t i = 0; r >= 0 && i < before.n; i++) {
                const char *what = NULL;
                if (!before.v[i].violation)
                        continue;
                r = fix(c, &before.v[i], &what);
                if (r > 0)
                        r = note(&res->changes, &before.v[i], "", what);
        }
        bw_findings_clear(&before);
        if (r < 0)
                return bw_error_set(err, r, "hardening the configuration");
        n = bw_policy_evaluate(c, p, &res->findings, err);
        if (n < 0)
                return n;
        for (size_t i = 0; i < res->findings.n; i++) {
                const struct bw_finding *f = &res->findings.v[i];
                if (f->violation && (r = note(&res->remaining, f, "", unfixable_why(f))) < 0)
                        return bw_error_set(err, r, "hardening the configuration");
        }
        return n;
}
