/* The checks behind the rule table: each looks at one aspect of the typed
 * config and appends a finding per offending item. Pure functions of the
 * config: nothing here touches the kernel or the host. */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>

#include "policy/checks.h"
#include "policy/rules.h"
#include "util/cleanup.h"
#include "util/strv.h"

/* --- small predicates over the config ----------------------------------- */

bool bw_has_ns(const struct oci_config *c, enum oci_ns_type t)
{
        if (!c->linux)
                return false;
        for (size_t i = 0; i < c->linux->n_namespaces; i++)
                if (c->linux->namespaces[i].type == t)
                        return true;
        return false;
}

/* A namespace of the container's own: present, and not joined by a path
 * the runtime found to be the host's. */
bool bw_has_own_ns(const struct oci_config *c, enum oci_ns_type t)
{
        const struct oci_namespace *ns = oci_config_namespace(c, t);
        return ns && !ns->host;
}

static bool has_opt(char *const *opts, const char *o)
{
        return opts && bw_strv_contains(opts, o);
}

bool bw_mount_is_bind(const struct oci_mount *m)
{
        return (m->type && strcmp(m->type, "bind") == 0) || has_opt(m->options, "bind") ||
               has_opt(m->options, "rbind");
}

bool bw_mount_is_ro(const struct oci_mount *m)
{
        return has_opt(m->options, "ro");
}

/* Is path equal to or below prefix, comparing whole components? "/" only
 * matches itself: everything is below it. */
bool bw_path_under(const char *path, const char *prefix)
{
        if (!path)
                return false;
        size_t pl = strlen(path), xl = strlen(prefix);
        while (pl > 1 && path[pl - 1] == '/')
                pl--;
        if (strcmp(prefix, "/") == 0)
                return pl == 1 && path[0] == '/';
        if (pl < xl || strncmp(path, prefix, xl) != 0)
                return false;
        return pl == xl || path[xl] == '/';
}

/* The host uid a container uid runs as: the id itself without a user
 * namespace, the mapped id with one, and -1 when the namespace has no
 * mappings (bulwark then allocates an unprivileged range) or the id is not
 * mapped. */
int64_t bw_host_uid(const struct oci_config *c, uint32_t uid)
{
        if (!bw_has_ns(c, OCI_NS_USER))
                return uid;
        const struct oci_idmap_list *l = &c->linux->uid_mappings;
        for (size_t i = 0; i < l->n; i++)
                if (uid >= l->v[i].container_id && uid - l->v[i].container_id < l->v[i].size)
                        return (int64_t)l->v[i].host_id + (uid - l->v[i].container_id);
        return -1;
}

/* --- capabilities ------------------------------------------------------- */

static const char *const set_names[] = { "bounding", "effective", "permitted", "inheritable", "ambient" };

/* The JSON pointer of the first capability set that holds cap. */
static void cap_pointer(const struct oci_config *c, int cap, char *buf, size_t len)
{
        const struct oci_capabilities *k = &c->process->capabilities;
        const struct oci_capset *sets[] = { &k->bounding, &k->effective, &k->permitted, &k->inheritable, &k->ambient };
        snprintf(buf, len, "/process/capabilities");
        for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
                if (sets[i]->mask & (1ULL << cap)) {
                        snprintf(buf, len, "/process/capabilities/%s", set_names[i]);
                        return;
                }
}

/* JSON pointer escaping of a key (RFC 6901): ~ is ~0, / is ~1. */
static void pointer_key(char *buf, size_t len, const char *prefix, const char *key)
{
        size_t n = (size_t)snprintf(buf, len, "%s/", prefix);
        for (const char *k = key; *k && n + 3 < len; k++) {
                if (*k == '~' || *k == '/') {
                        buf[n++] = '~';
                        buf[n++] = *k == '~' ? '0' : '1';
                } else {
                        buf[n++] = *k;
                }
        }
        buf[n < len ? n : len - 1] = 0;
}

int bw_check_cap(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (!(bw_config_caps(c) & (1ULL << r->cap)))
                return 0;
        const struct oci_capabilities *k = &c->process->capabilities;
        const struct { const char *name; const struct oci_capset *s; } sets[] = {
                { "bounding", &k->bounding }, { "effective", &k->effective },
                { "permitted", &k->permitted }, { "inheritable", &k->inheritable },
                { "ambient", &k->ambient },
        };
        char where[128] = "";
        for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
                if (sets[i].s->mask & (1ULL << r->cap)) {
                        if (where[0])
                                strcat(where, ", ");
                        strcat(where, sets[i].name);
                }
        const char *name = bw_cap_name(r->cap);
        char ptr[64];
        cap_pointer(c, r->cap, ptr, sizeof(ptr));
        return bw_findings_add_at(out, r, ptr, name + 4, "%s in %s", name, where);
}

/* Restricted allows only these (DESIGN.md); the others either have their
 * own rule or are reported by BW030. */
static const int restricted_caps[] = {
        CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE, CAP_SETUID, CAP_SETGID,
        CAP_SETPCAP, CAP_SYS_CHROOT, CAP_FSETID, CAP_SETFCAP,
};

int bw_check_other_caps(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        uint64_t caps = bw_config_caps(c);
        for (int cap = 0; cap <= BW_CAP_LAST; cap++) {
                if (!(caps & (1ULL << cap)))
                        continue;
                bool known = false;
                for (size_t i = 0; i < ARRAY_SIZE(restricted_caps); i++)
                        known |= restricted_caps[i] == cap;
                for (size_t i = 0; i < bw_n_rules; i++)
                        known |= bw_rules[i].cap == cap;
                if (known)
                        continue;
                const char *name = bw_cap_name(cap);
                char ptr[64];
                cap_pointer(c, cap, ptr, sizeof(ptr));
                int ret = bw_findings_add_at(out, r, ptr, name + 4, "%s", name);
                if (ret < 0)
                        return ret;
        }
        return 0;
}

int bw_check_ptrace_hostpid(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (!(bw_config_caps(c) & (1ULL << CAP_SYS_PTRACE)) || bw_has_own_ns(c, OCI_NS_PID))
                return 0;
        return bw_findings_add_at(out, r, "/linux/namespaces", "SYS_PTRACE", "CAP_SYS_PTRACE with the host's pid namespace");
}

/* --- privileged --------------------------------------------------------- */

/* Every capability Linux had by 4.x (0..CAP_AUDIT_READ): engines that grant
 * "all" may not know the newest ones, so those are not required. */
static bool has_all_caps(const struct oci_config *c)
{
        uint64_t all = (1ULL << (CAP_AUDIT_READ + 1)) - 1;
        return (bw_config_caps(c) & all) == all;
}

static bool masks_removed(const struct oci_config *c)
{
        return !c->linux || bw_strv_len(c->linux->masked_paths) == 0;
}

/* The device cgroup verdict for access (one of "rwm") to a device: the last
 * matching rule wins; with no rules bulwark denies everything but its
 * default devices. */
static bool device_allowed(const struct oci_config *c, char type, int64_t major, int64_t minor, char access)
{
        if (!c->linux)
                return false;
        const struct oci_resources *res = &c->linux->resources;
        bool allowed = false;
        for (size_t i = 0; i < res->n_devices; i++) {
                const struct oci_device_rule *d = &res->devices[i];
                char t = d->type ? d->type : 'a';
                if (t != 'a' && t != type)
                        continue;
                if (d->major.set && d->major.v != major)
                        continue;
                if (d->minor.set && d->minor.v != minor)
                        continue;
                if (d->access && !strchr(d->access, access))
                        continue;
                allowed = d->allow;
        }
        return allowed;
}

/* Probes: a disk (sda, 8:0) and /dev/mem (1:1). */
static const char *devices_open_to_all(const struct oci_config *c)
{
        if (device_allowed(c, 'b', 8, 0, 'r') || device_allowed(c, 'b', 8, 0, 'w'))
                return "block devices (e.g. /dev/sda, 8:0)";
        if (device_allowed(c, 'c', 1, 1, 'r') || device_allowed(c, 'c', 1, 1, 'w'))
                return "/dev/mem (1:1) and other character devices";
        return NULL;
}

int bw_check_privileged(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        bool caps = has_all_caps(c), masks = masks_removed(c), devs = devices_open_to_all(c) != NULL;
        if (caps + masks + devs < 2)
                return 0;
        const char *parts[3] = { caps ? "every capability" : NULL, masks ? "no masked paths" : NULL,
                                 devs ? "device cgroup open to host devices" : NULL };
        char detail[128] = "";
        for (size_t i = 0; i < 3; i++)
                if (parts[i])
                        snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail), "%s%s",
                                 detail[0] ? "; " : "", parts[i]);
        return bw_findings_add_at(out, r, "/process/capabilities", "Privileged|maskedPaths", "%s", detail);
}

/* --- users and user namespaces ------------------------------------------ */

int bw_check_no_userns(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (bw_has_ns(c, OCI_NS_USER))
                return 0;
        return bw_findings_add_at(out, r, "/linux/namespaces", "UsernsMode", "no user namespace in linux.namespaces");
}

static int host_root_in(const struct bw_rule *r, const struct oci_idmap_list *l, const char *what,
                        struct bw_findings *out)
{
        for (size_t i = 0; i < l->n; i++)
                if (l->v[i].host_id == 0 && l->v[i].size > 0) {
                        char ptr[64];
                        snprintf(ptr, sizeof(ptr), "/linux/%s/%zu", what, i);
                        int ret = bw_findings_add_at(out, r, ptr, NULL, "%s maps container %" PRIu32 " to host 0 (size %" PRIu32 ")",
                                                  what, l->v[i].container_id, l->v[i].size);
                        if (ret < 0)
                                return ret;
                }
        return 0;
}

int bw_check_host_root_mapped(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (!bw_has_ns(c, OCI_NS_USER))
                return 0;
        int ret = host_root_in(r, &c->linux->uid_mappings, "uidMappings", out);
        if (ret < 0)
                return ret;
        return host_root_in(r, &c->linux->gid_mappings, "gidMappings", out);
}

int bw_check_host_root_process(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (!c->process || bw_host_uid(c, c->process->user.uid) != 0)
                return 0;
        return bw_findings_add_at(out, r, "/process/user/uid", "\"User\"", "process.user.uid %" PRIu32 " is uid 0 on the host%s",
                               c->process->user.uid,
                               bw_has_ns(c, OCI_NS_USER) ? " (mapped by uidMappings)" : " (no user namespace)");
}

/* --- seccomp ------------------------------------------------------------ */

int bw_check_seccomp_absent(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (c->linux && c->linux->seccomp)
                return 0;
        return bw_findings_add_at(out, r, "/linux/seccomp", "seccomp", "no linux.seccomp section: every system call is allowed");
}

static bool action_lets_through(enum oci_seccomp_action a)
{
        /* NOTIFY hands the decision to a userspace supervisor, which may
         * well say yes: not a block. */
        return a == OCI_SECCOMP_ALLOW || a == OCI_SECCOMP_LOG || a == OCI_SECCOMP_NOTIFY;
}

static bool seccomp_unconfined(const struct oci_seccomp *s)
{
        if (!action_lets_through(s->default_action))
                return false;
        for (size_t i = 0; i < s->n_syscalls; i++)
                if (!action_lets_through(s->syscalls[i].action))
                        return false;
        return true;
}

int bw_check_seccomp_unconfined(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (!c->linux || !c->linux->seccomp || !seccomp_unconfined(c->linux->seccomp))
                return 0;
        return bw_findings_add_at(out, r, "/linux/seccomp/defaultAction", NULL, "defaultAction %s and no rule blocks anything",
                               oci_seccomp_action_name(c->linux->seccomp->default_action));
}

/* Whether a filter lets a syscall through unconditionally. A rule without
 * argument conditions decides; conditional rules only narrow, so under a
 * blocking default a conditional allow does not count, and under an
 * allowing default a conditional block does not stop it. */
bool bw_seccomp_allows(const struct oci_seccomp *s, const char *name)
{
        bool decided = false, allowed = false;
        for (size_t i = 0; i < s->n_syscalls; i++) {
                const struct oci_seccomp_syscall *sc = &s->syscalls[i];
                if (sc->n_args || !bw_strv_contains(sc->names, name))
                        continue;
                decided = true;
                allowed = action_lets_through(sc->action);
        }
        return decided ? allowed : action_lets_through(s->default_action);
}

/* What container breakouts and kernel exploits reach for: the mount API,
 * namespace creation and entry, kernel modules and kexec, handles that
 * escape bind mounts, eBPF, keyrings, userfaultfd (exploit timing),
 * perf, raw I/O ports, reboot and swap. Docker's default profile blocks
 * all of them unless the matching capability is added. ptrace is left
 * out: Docker allows it on kernels >= 4.8, where it is safe. */
const char *const bw_breakout_syscalls[] = {
        "mount", "umount2", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount",
        "open_tree", "mount_setattr", "pivot_root", "unshare", "setns",
        "open_by_handle_at", "init_module", "finit_module", "delete_module",
        "kexec_load", "kexec_file_load", "bpf", "keyctl", "add_key", "request_key",
        "userfaultfd", "perf_event_open", "iopl", "ioperm", "reboot", "swapon",
        "swapoff", "lookup_dcookie", "quotactl", NULL,
};

static int cmp_name(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The breakout list sorted once, each with its place in the list. */
struct breakout_entry {
        const char *name;
        size_t index;
};
#define N_BREAKOUT (sizeof(bw_breakout_syscalls) / sizeof(bw_breakout_syscalls[0]) - 1)
static struct breakout_entry sorted_breakout[N_BREAKOUT];

static int cmp_entry(const void *a, const void *b)
{
        return cmp_name(&((const struct breakout_entry *)a)->name, &((const struct breakout_entry *)b)->name);
}

static void sort_breakout(void)
{
        if (sorted_breakout[0].name)
                return;
        for (size_t i = 0; i < N_BREAKOUT; i++)
                sorted_breakout[i] = (struct breakout_entry){ bw_breakout_syscalls[i], i };
        qsort(sorted_breakout, N_BREAKOUT, sizeof(sorted_breakout[0]), cmp_entry);
}

int bw_check_seccomp_breakout(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        const struct oci_seccomp *s = c->linux ? c->linux->seccomp : NULL;
        if (!s || seccomp_unconfined(s))
                return 0; /* BW050/BW051 say it already */
        /* One pass over the profile (it names ~350 syscalls), the same
         * decision as bw_seccomp_allows for each listed one: the last
         * argument-free rule naming it wins, else the default action. */
        sort_breakout();
        signed char allowed[N_BREAKOUT];
        memset(allowed, -1, sizeof(allowed));
        for (size_t i = 0; i < s->n_syscalls; i++) {
                const struct oci_seccomp_syscall *sc = &s->syscalls[i];
                if (sc->n_args)
                        continue;
                for (char **n = sc->names; n && *n; n++) {
                        struct breakout_entry key = { *n, 0 };
                        const struct breakout_entry *e =
                                bsearch(&key, sorted_breakout, N_BREAKOUT, sizeof(key), cmp_entry);
                        if (e)
                                allowed[e->index] = action_lets_through(sc->action);
                }
        }
        bool by_default = action_lets_through(s->default_action);
        char list[512] = "";
        const char *first = NULL;
        for (size_t i = 0; i < N_BREAKOUT; i++) {
                if (!(allowed[i] < 0 ? by_default : allowed[i]))
                        continue;
                if (!first)
                        first = bw_breakout_syscalls[i];
                if (list[0])
                        strcat(list, ", ");
                strcat(list, bw_breakout_syscalls[i]);
        }
        if (!first)
                return 0;
        char needle[64];
        snprintf(needle, sizeof(needle), "\"%s\"", first);
        return bw_findings_add_at(out, r, "/linux/seccomp/syscalls", needle, "allows %s", list);
}

int bw_check_no_new_privs(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (!c->process || c->process->no_new_privileges)
                return 0;
        return bw_findings_add_at(out, r, "/process/noNewPrivileges", "no-new-privileges", "process.noNewPrivileges is false");
}

/* --- namespaces --------------------------------------------------------- */

static const struct { int type; const char *needle; } ns_rules[] = {
        [0] = { OCI_NS_PID, "PidMode" }, [1] = { OCI_NS_NETWORK, "NetworkMode" },
        [2] = { OCI_NS_IPC, "IpcMode" }, [3] = { OCI_NS_UTS, "UTSMode" },
        [4] = { OCI_NS_CGROUP, "CgroupnsMode" }, [5] = { OCI_NS_MOUNT, NULL },
};

/* r->cap carries the namespace type for these rules. A namespace joined
 * by a path that is the host's own (Docker's --network host: a bind of
 * the host's netns) is the host's too; the runtime marks it (ns->host). */
int bw_check_host_ns(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        enum oci_ns_type t = (enum oci_ns_type)r->cap;
        if (bw_has_own_ns(c, t))
                return 0;
        const struct oci_namespace *ns = oci_config_namespace(c, t);
        const char *needle = NULL;
        for (size_t i = 0; i < ARRAY_SIZE(ns_rules); i++)
                if (ns_rules[i].type == (int)t)
                        needle = ns_rules[i].needle;
        if (ns) {
                char ptr[64];
                snprintf(ptr, sizeof(ptr), "/linux/namespaces/%zu/path", (size_t)(ns - c->linux->namespaces));
                return bw_findings_add_at(out, r, ptr, ns->path, "the %s namespace %s is the host's own",
                                          oci_ns_type_name(t), ns->path);
        }
        return bw_findings_add_at(out, r, "/linux/namespaces", needle, "no %s namespace: the container shares the host's",
                               oci_ns_type_name(t));
}

/* --- host mounts -------------------------------------------------------- */

static const char *const engine_sockets[] = {
        "docker.sock", "containerd.sock", "crio.sock", "podman.sock", "dockershim.sock",
        "cri-dockerd.sock", "buildkitd.sock", "containerd-shim.sock", NULL,
};

bool bw_is_engine_socket(const char *src)
{
        if (!src)
                return false;
        const char *base = strrchr(src, '/');
        base = base ? base + 1 : src;
        return bw_strv_contains((char **)engine_sockets, base);
}

int bw_check_engine_socket(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                if (!bw_mount_is_bind(m) || !bw_is_engine_socket(m->source))
                        continue;
                char ptr[64];
                snprintf(ptr, sizeof(ptr), "/mounts/%zu/source", i);
                int ret = bw_findings_add_at(out, r, ptr, m->source, "%s mounted at %s%s", m->source,
                                          m->destination ? m->destination : "?",
                                          bw_mount_is_ro(m) ? " (read-only, which does not stop connect())" : "");
                if (ret < 0)
                        return ret;
        }
        return 0;
}

static const char *const sensitive_paths[] = {
        "/", "/proc", "/sys", "/dev", "/etc", "/boot", "/lib/modules", "/usr",
        "/var/lib/docker", "/var/lib/containerd", "/var/lib/kubelet", "/run", "/var/run",
        "/root", NULL,
};

/* Engines bind per-container files from their own state directories:
 * Docker's resolv.conf/hosts/hostname/shm and named volumes, kubelet's pod
 * volumes, CRI's sandbox files, Podman's userdata. Those belong to the
 * container, not to the host. */
static const char *const engine_owned[] = {
        "/var/lib/docker/containers/*/*", "/var/lib/docker/*.*/containers/*/*",
        "/var/lib/docker/volumes/*/_data", "/var/lib/docker/*.*/volumes/*/_data",
        "/var/lib/kubelet/pods/*/*",
        "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/*/*",
        "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/*/*",
        "/var/run/containerd/io.containerd.grpc.v1.cri/sandboxes/*/*",
        "/run/containers/storage/overlay-containers/*/userdata/*",
        NULL,
};

static bool is_engine_owned(const char *src)
{
        if (strstr(src, "/../") || (strlen(src) >= 3 && strcmp(src + strlen(src) - 3, "/..") == 0))
                return false;
        for (size_t i = 0; engine_owned[i]; i++)
                if (fnmatch(engine_owned[i], src, FNM_PATHNAME | FNM_LEADING_DIR) == 0)
                        return true;
        return false;
}

const char *bw_sensitive_source(const struct oci_mount *m)
{
        if (!bw_mount_is_bind(m) || !m->source || bw_is_engine_socket(m->source) || is_engine_owned(m->source))
                return NULL;
        for (size_t i = 0; sensitive_paths[i]; i++)
                if (bw_path_under(m->source, sensitive_paths[i]))
                        return sensitive_paths[i];
        return NULL;
}

static int sensitive_mounts(const struct bw_rule *r, const struct oci_config *c, bool want_ro,
                            struct bw_findings *out)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                if (!bw_sensitive_source(m) || bw_mount_is_ro(m) != want_ro)
                        continue;
                char ptr[64];
                snprintf(ptr, sizeof(ptr), "/mounts/%zu/source", i);
                int ret = bw_findings_add_at(out, r, ptr, m->source, "%s mounted at %s%s", m->source,
                                          m->destination ? m->destination : "?", want_ro ? " read-only" : " writable");
                if (ret < 0)
                        return ret;
        }
        return 0;
}

int bw_check_sensitive_rw(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        return sensitive_mounts(r, c, false, out);
}

int bw_check_sensitive_ro(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        return sensitive_mounts(r, c, true, out);
}

int bw_check_policy_only(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        (void)r, (void)c, (void)out;
        return 0;
}

/* --- devices ------------------------------------------------------------ */

/* What runc and bulwark give every container anyway. */
static const struct { int64_t major, minor; } default_devices[] = {
        { 1, 3 }, { 1, 5 }, { 1, 7 }, { 1, 8 }, { 1, 9 }, { 5, 0 }, { 5, 1 }, { 5, 2 },
};

static bool is_default_device(const struct oci_device *d)
{
        for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++)
                if (d->major == default_devices[i].major && d->minor == default_devices[i].minor)
                        return true;
        return false;
}

static int device_check(const struct bw_rule *r, const struct oci_config *c, bool block, struct bw_findings *out)
{
        if (!c->linux)
                return 0;
        for (size_t i = 0; i < c->linux->n_devices; i++) {
                const struct oci_device *d = &c->linux->devices[i];
                if ((d->type == 'b') != block || d->type == 'p' || (!block && is_default_device(d)))
                        continue;
                char ptr[64];
                snprintf(ptr, sizeof(ptr), "/linux/devices/%zu", i);
                int ret = bw_findings_add_at(out, r, ptr, d->path, "%s (%c %" PRId64 ":%" PRId64 ")",
                                          d->path ? d->path : "?", d->type, d->major, d->minor);
                if (ret < 0)
                        return ret;
        }
        return 0;
}

int bw_check_block_devices(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        return device_check(r, c, true, out);
}

int bw_check_char_devices(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        return device_check(r, c, false, out);
}

int bw_check_device_cgroup(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        const char *what = devices_open_to_all(c);
        if (!what)
                return 0;
        return bw_findings_add_at(out, r, "/linux/resources/devices", "Privileged|DeviceCgroupRules", "linux.resources.devices allows %s", what);
}

/* --- /proc and /sys ----------------------------------------------------- */

const char *const bw_required_masked[] = {
        "/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
        "/proc/acpi", "/proc/scsi", "/sys/firmware", NULL,
};
const char *const bw_required_readonly[] = {
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sysrq-trigger", NULL,
};

static int missing_paths(const struct bw_rule *r, char **have,
                         const char *const *need, const char *field, struct bw_findings *out)
{
        char list[512] = "";
        for (size_t i = 0; need[i]; i++) {
                if (have && bw_strv_contains(have, need[i]))
                        continue;
                if (list[0])
                        strcat(list, ", ");
                strcat(list, need[i]);
        }
        if (!list[0])
                return 0;
        char ptr[64];
        snprintf(ptr, sizeof(ptr), "/linux/%s", field);
        return bw_findings_add_at(out, r, ptr, field[0] == 'm' ? "MaskedPaths" : "ReadonlyPaths", "%s lacks %s", field, list);
}

int bw_check_masked(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        return missing_paths(r, c->linux ? c->linux->masked_paths : NULL, bw_required_masked,
                             "maskedPaths", out);
}

int bw_check_readonly(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        return missing_paths(r, c->linux ? c->linux->readonly_paths : NULL, bw_required_readonly,
                             "readonlyPaths", out);
}

int bw_check_proc_sys(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (!c->linux || !bw_strv_contains(c->linux->readonly_paths, "/proc/sys"))
                return bw_findings_add_at(out, r, "/linux/readonlyPaths", "ReadonlyPaths", "/proc/sys is not in readonlyPaths");
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                if (bw_path_under(m->destination, "/proc/sys") && !bw_mount_is_ro(m)) {
                        char ptr[64];
                        snprintf(ptr, sizeof(ptr), "/mounts/%zu", i);
                        return bw_findings_add_at(out, r, ptr, NULL, "writable mount at %s", m->destination);
                }
        }
        return 0;
}

int bw_check_sysfs_rw(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                if (!m->type || strcmp(m->type, "sysfs") != 0 || bw_mount_is_ro(m))
                        continue;
                char ptr[64];
                snprintf(ptr, sizeof(ptr), "/mounts/%zu", i);
                int ret = bw_findings_add_at(out, r, ptr, NULL, "sysfs at %s without \"ro\"",
                                          m->destination ? m->destination : "?");
                if (ret < 0)
                        return ret;
        }
        return 0;
}

/* Sysctls are safe only where the kernel namespaces them and the container
 * has that namespace of its own. */
bool bw_sysctl_safe(const struct oci_config *c, const char *key)
{
        static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
                                           "kernel.sem", "kernel.shmall", "kernel.shmmax",
                                           "kernel.shmmni", "kernel.shm_rmid_forced", NULL };
        if (bw_strv_contains((char **)ipc, key) || strncmp(key, "fs.mqueue.", 10) == 0)
                return bw_has_own_ns(c, OCI_NS_IPC);
        if (strncmp(key, "net.", 4) == 0)
                return bw_has_own_ns(c, OCI_NS_NETWORK);
        if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
                return bw_has_own_ns(c, OCI_NS_UTS);
        return false;
}

int bw_check_sysctl(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (!c->linux)
                return 0;
        for (size_t i = 0; i < c->linux->sysctl.n; i++) {
                const struct oci_kv *kv = &c->linux->sysctl.v[i];
                if (bw_sysctl_safe(c, kv->key))
                        continue;
                char ptr[256];
                pointer_key(ptr, sizeof(ptr), "/linux/sysctl", kv->key);
                int ret = bw_findings_add_at(out, r, ptr, kv->key, "%s=%s", kv->key, kv->value ? kv->value : "");
                if (ret < 0)
                        return ret;
        }
        return 0;
}

/* --- mounts, rootfs, limits --------------------------------------------- */

static bool is_shared(const char *p)
{
        return p && (strcmp(p, "shared") == 0 || strcmp(p, "rshared") == 0);
}

int bw_check_propagation(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (c->linux && is_shared(c->linux->rootfs_propagation)) {
                int ret = bw_findings_add_at(out, r, "/linux/rootfsPropagation", NULL, "rootfsPropagation %s",
                                          c->linux->rootfs_propagation);
                if (ret < 0)
                        return ret;
        }
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                for (size_t j = 0; m->options && m->options[j]; j++) {
                        if (!is_shared(m->options[j]))
                                continue;
                        char ptr[64];
                        snprintf(ptr, sizeof(ptr), "/mounts/%zu/options/%zu", i, j);
                        int ret = bw_findings_add_at(out, r, ptr, m->options[j], "mount at %s is %s",
                                                  m->destination ? m->destination : "?", m->options[j]);
                        if (ret < 0)
                                return ret;
                }
        }
        return 0;
}

int bw_check_rootfs_rw(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (!c->has_root || c->root.readonly)
                return 0;
        return bw_findings_add_at(out, r, "/root/readonly", "ReadonlyRootfs", "root.readonly is false");
}

int bw_check_pids_limit(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (c->linux && c->linux->resources.pids.limit.set && c->linux->resources.pids.limit.v > 0)
                return 0;
        return bw_findings_add_at(out, r, "/linux/resources/pids/limit", "PidsLimit", "no linux.resources.pids.limit");
}

int bw_check_memory_limit(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (c->linux && c->linux->resources.memory.limit.set && c->linux->resources.memory.limit.v > 0)
                return 0;
        return bw_findings_add_at(out, r, "/linux/resources/memory/limit", "\"Memory\"", "no linux.resources.memory.limit");
}

/* --- hooks and annotations ---------------------------------------------- */

int bw_check_hooks(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        const struct { const char *name; const struct oci_hook_list *l; } lists[] = {
                { "prestart", &c->hooks.prestart }, { "createRuntime", &c->hooks.create_runtime },
                { "createContainer", &c->hooks.create_container }, { "startContainer", &c->hooks.start_container },
                { "poststart", &c->hooks.poststart }, { "poststop", &c->hooks.poststop },
        };
        for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
                for (size_t j = 0; j < lists[i].l->n; j++) {
                        const char *p = lists[i].l->v[j].path;
                        char ptr[64];
                        snprintf(ptr, sizeof(ptr), "/hooks/%s/%zu", lists[i].name, j);
                        int ret = bw_findings_add_at(out, r, ptr, NULL, "%s hook %s", lists[i].name, p ? p : "?");
                        if (ret < 0)
                                return ret;
                }
        return 0;
}

/* Annotation prefixes runtimes act on: crun's run.oci.*, runc's systemd
 * unit properties, CRI-O's, and bulwark's own (the profile annotation). */
static const char *const behaviour_prefixes[] = {
        "run.oci.", "org.systemd.property.", "io.kubernetes.cri-o.", "org.bulwark.", NULL,
};

int bw_check_annotations(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        for (size_t i = 0; i < c->annotations.n; i++) {
                const struct oci_kv *kv = &c->annotations.v[i];
                for (size_t j = 0; behaviour_prefixes[j]; j++) {
                        if (strncmp(kv->key, behaviour_prefixes[j], strlen(behaviour_prefixes[j])) != 0)
                                continue;
                        char ptr[256];
                        pointer_key(ptr, sizeof(ptr), "/annotations", kv->key);
                        int ret = bw_findings_add_at(out, r, ptr, NULL, "%s=%s", kv->key, kv->value ? kv->value : "");
                        if (ret < 0)
                                return ret;
                        break;
                }
        }
        return 0;
}
