/* The hardened default config of the restricted profile (docs/security-model.md), built
 * in code so that the lists in default.h are the only copy. */
#include <jansson.h>

#include "oci/default.h"
#include "oci/seccomp_default.h"
#include "oci/load.h"
#include "util/cleanup.h"
#include "util/version.h"

const char *const bw_spec_capabilities[] = {
        "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL,
};

const char *const bw_restricted_capabilities[] = {
        "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
        "CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP", "CAP_SYS_CHROOT",
        "CAP_FSETID", "CAP_SETFCAP", NULL,
};

/* runc's list, plus Docker's later additions: /proc/interrupts (IRQ counters
 * leak host activity) and powercap (energy counters, the PLATYPUS side
 * channel). Docker also masks per-CPU thermal_throttle directories, whose
 * names depend on the host's CPUs; a static config cannot list them. */
const char *const bw_default_masked_paths[] = {
        "/proc/acpi",
        "/proc/asound",
        "/proc/interrupts",
        "/proc/kcore",
        "/proc/keys",
        "/proc/latency_stats",
        "/proc/timer_list",
        "/proc/timer_stats",
        "/proc/sched_debug",
        "/proc/scsi",
        "/sys/firmware",
        "/sys/devices/virtual/powercap",
        NULL,
};

const char *const bw_default_readonly_paths[] = {
        "/proc/bus",
        "/proc/fs",
        "/proc/irq",
        "/proc/sys",
        "/proc/sysrq-trigger",
        NULL,
};

const struct bw_default_device bw_default_devices[] = {
        { "/dev/null", 'c', 1, 3, 0666 },
        { "/dev/zero", 'c', 1, 5, 0666 },
        { "/dev/full", 'c', 1, 7, 0666 },
        { "/dev/random", 'c', 1, 8, 0666 },
        { "/dev/urandom", 'c', 1, 9, 0666 },
        { "/dev/tty", 'c', 5, 0, 0666 },
        { NULL, 0, 0, 0, 0 },
};

const struct bw_device_allow bw_default_device_allows[] = {
        { 'c', 1, 3, "rwm" },   /* null */
        { 'c', 1, 5, "rwm" },   /* zero */
        { 'c', 1, 7, "rwm" },   /* full */
        { 'c', 1, 8, "rwm" },   /* random */
        { 'c', 1, 9, "rwm" },   /* urandom */
        { 'c', 5, 0, "rwm" },   /* tty */
        { 'c', 5, 1, "rwm" },   /* console */
        { 'c', 5, 2, "rwm" },   /* ptmx */
        { 'c', 136, -1, "rwm" }, /* devpts slaves */
        { 0, 0, 0, NULL },
};

json_t *oci_json_strings(const char *const *v)
{
        json_t *a = json_array();
        for (; a && v && *v; v++)
                if (json_array_append_new(a, json_string(*v)) < 0) {
                        json_decref(a);
                        return NULL;
                }
        return a;
}

static json_t *capabilities(void)
{
        /* Nothing inheritable or ambient: an exec'd program gets only what
         * its file capabilities grant, bounded by the three above. */
        return json_pack("{s:o, s:o, s:o, s:[], s:[]}",
                         "bounding", oci_json_strings(bw_spec_capabilities),
                         "effective", oci_json_strings(bw_spec_capabilities),
                         "permitted", oci_json_strings(bw_spec_capabilities),
                         "inheritable", "ambient");
}

static json_t *process(void)
{
        return json_pack("{s:b, s:{s:i, s:i}, s:[s], s:[s, s], s:s, s:o, s:[{s:s, s:I, s:I}], s:b}",
                         "terminal", 0,
                         "user", "uid", 0, "gid", 0,
                         "args", "sh",
                         "env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                "TERM=xterm",
                         "cwd", "/",
                         "capabilities", capabilities(),
                         "rlimits", "type", "RLIMIT_NOFILE",
                                    "hard", (json_int_t)BW_DEFAULT_NOFILE,
                                    "soft", (json_int_t)BW_DEFAULT_NOFILE,
                         "noNewPrivileges", 1);
}

static json_t *mount(const char *dest, const char *type, const char *source, const char *const *options)
{
        return json_pack("{s:s, s:s, s:s, s:o}", "destination", dest, "type", type,
                         "source", source, "options", oci_json_strings(options));
}

static json_t *mounts(void)
{
        /* devpts without runc's gid=5: the container always gets a user
         * namespace, and mounting with a gid its mapping lacks fails with
         * EINVAL (runc spec --rootless drops it for the same reason). New
         * ptys then belong to the opening process's group, mode 0620. */
        static const char *const proc[] = { "nosuid", "noexec", "nodev", NULL };
        static const char *const dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
        static const char *const pts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL };
        static const char *const shm[] = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL };
        static const char *const mqueue[] = { "nosuid", "noexec", "nodev", NULL };
        static const char *const sys[] = { "nosuid", "noexec", "nodev", "ro", NULL };
        static const char *const cgroup[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };
        /* /sys stays a fresh sysfs even with --rootless. runc spec --rootless
         * drops the network namespace and must then bind the host's /sys,
         * because the kernel lets only a holder of CAP_SYS_ADMIN over the
         * current network namespace's owner mount sysfs. bulwark keeps the
         * network namespace (loopback only is the safe default), and it is
         * owned by the container's user namespace, so sysfs can be mounted
         * and shows the container's network devices, not the host's. */
        return json_pack("[o, o, o, o, o, o, o]",
                         mount("/proc", "proc", "proc", proc),
                         mount("/dev", "tmpfs", "tmpfs", dev),
                         mount("/dev/pts", "devpts", "devpts", pts),
                         mount("/dev/shm", "tmpfs", "shm", shm),
                         mount("/dev/mqueue", "mqueue", "mqueue", mqueue),
                         mount("/sys", "sysfs", "sysfs", sys),
                         mount("/sys/fs/cgroup", "cgroup", "cgroup", cgroup));
}

static json_t *namespaces(void)
{
        /* The user namespace has no path and the config no mappings: bulwark
         * create gives the container its own unused id range. */
        return json_pack("[{s:s}, {s:s}, {s:s}, {s:s}, {s:s}, {s:s}, {s:s}]",
                         "type", "pid", "type", "network", "type", "ipc", "type", "uts",
                         "type", "mount", "type", "cgroup", "type", "user");
}

static json_t *resources(void)
{
        /* Deny every device; as with runc, the runtime itself appends the
         * allows for the default devices (bw_default_device_allows), so a
         * config lists only what it adds. */
        return json_pack("{s:[{s:b, s:s}], s:{s:I}}",
                         "devices", "allow", 0, "access", "rwm",
                         "pids", "limit", (json_int_t)BW_DEFAULT_PIDS_LIMIT);
}

/* The built-in seccomp profile, written out so the config says what the
 * container gets (as Docker's configs do) and satisfies restricted as is. */
static json_t *seccomp(void)
{
        uint64_t caps = 0;
        for (const char *const *n = bw_spec_capabilities; *n; n++) {
                int cap = oci_cap_from_name(*n);
                if (cap >= 0)
                        caps |= 1ULL << cap;
        }
        struct oci_linux lin = { .seccomp = oci_seccomp_default(caps) };
        if (!lin.seccomp)
                return NULL;
        struct oci_config cfg = { .linux = &lin };
        _cleanup_json_ json_t *all = oci_config_dump(&cfg);
        oci_seccomp_free(lin.seccomp);
        json_t *s = all ? json_object_get(json_object_get(all, "linux"), "seccomp") : NULL;
        return s ? json_incref(s) : NULL;
}

static json_t *idmaps(const struct oci_idmap_list *l)
{
        json_t *a = json_array();
        for (size_t i = 0; a && i < l->n; i++)
                if (json_array_append_new(a, json_pack("{s:I, s:I, s:I}", "containerID", (json_int_t)l->v[i].container_id,
                                                       "hostID", (json_int_t)l->v[i].host_id, "size",
                                                       (json_int_t)l->v[i].size)) < 0) {
                        json_decref(a);
                        return NULL;
                }
        return a;
}

static json_t *linux_section(const struct bw_spec_options *o)
{
        _cleanup_json_ json_t *l = json_pack("{s:o, s:o, s:o, s:o}",
                                             "namespaces", namespaces(),
                                             "maskedPaths", oci_json_strings(bw_default_masked_paths),
                                             "readonlyPaths", oci_json_strings(bw_default_readonly_paths),
                                             "seccomp", seccomp());
        if (!l)
                return NULL;
        if (o->rootless) {
                /* Container root is the calling user; ids 1.. are its
                 * subordinate ids when it has some (newuidmap writes them),
                 * else only that one id exists inside. No resources: without root (or a delegated
                 * cgroup) the runtime cannot set the device cgroup or a pids
                 * limit, so runc spec --rootless leaves them out too. */
                json_t *uid = o->uids && o->uids->n ? idmaps(o->uids)
                                                     : json_pack("[{s:i, s:I, s:i}]", "containerID", 0,
                                                                 "hostID", (json_int_t)o->uid, "size", 1);
                json_t *gid = o->gids && o->gids->n ? idmaps(o->gids)
                                                     : json_pack("[{s:i, s:I, s:i}]", "containerID", 0,
                                                                 "hostID", (json_int_t)o->gid, "size", 1);
                if (json_object_set_new(l, "uidMappings", uid) < 0 ||
                    json_object_set_new(l, "gidMappings", gid) < 0)
                        return NULL;
        } else if (json_object_set_new(l, "resources", resources()) < 0) {
                return NULL;
        }
        return take_ptr(l);
}

json_t *bw_default_spec(const struct bw_spec_options *o)
{
        return json_pack("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}",
                         "ociVersion", BW_OCI_VERSION,
                         "process", process(),
                         "root", "path", "rootfs", "readonly", 1,
                         "hostname", BW_DEFAULT_HOSTNAME,
                         "mounts", mounts(),
                         "linux", linux_section(o));
}
