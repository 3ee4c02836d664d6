#include "input/engine_defaults.h"

#include <stdio.h>
#include <string.h>

#include "util/cleanup.h"

const char *const bw_engine_default_caps[] = {
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
        "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE", NULL,
};

const char *const bw_engine_all_caps[] = {
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
        "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
        "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
        "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
        "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
        "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE", NULL,
};

const char *const bw_engine_masked_paths[] = {
        "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap", NULL,
};

const char *const bw_engine_readonly_paths[] = {
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

/* Where an unprivileged container's "ro" goes in a mount's options: each
 * engine writes it in its own place (moby first for the cgroupfs, last for
 * /sys; containerd last). */
enum ro_place { RO_NEVER, RO_FIRST, RO_LAST };

#define DOCKER (1u << BW_ENGINE_DOCKER)
#define CONTAINERD (1u << BW_ENGINE_CONTAINERD)

/* moby's oci/defaults.go and containerd's pkg/oci/spec.go, in their order:
 * a row per mount and engine where the two differ. */
static const struct engine_mount {
        unsigned engines;
        const char *destination, *type, *source;
        const char *options[7];
        enum ro_place ro;
} engine_mounts[] = {
        { DOCKER | CONTAINERD, "/proc", "proc", "proc", { "nosuid", "noexec", "nodev" }, RO_NEVER },
        { DOCKER | CONTAINERD, "/dev", "tmpfs", "tmpfs", { "nosuid", "strictatime", "mode=755", "size=65536k" }, RO_NEVER },
        { DOCKER | CONTAINERD, "/dev/pts", "devpts", "devpts",
          { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" }, RO_NEVER },
        { CONTAINERD, "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev" }, RO_NEVER },
        { DOCKER | CONTAINERD, "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev" }, RO_LAST },
        { DOCKER, "/sys/fs/cgroup", "cgroup", "cgroup", { "nosuid", "noexec", "nodev" }, RO_FIRST },
        { CONTAINERD, "/sys/fs/cgroup", "cgroup", "cgroup", { "nosuid", "noexec", "nodev", "relatime" }, RO_LAST },
        { DOCKER, "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev" }, RO_NEVER },
        { DOCKER, "/dev/shm", "tmpfs", "shm", { "nosuid", "noexec", "nodev", "mode=1777", "size=67108864" }, RO_NEVER },
        { CONTAINERD, "/dev/shm", "tmpfs", "shm", { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" }, RO_NEVER },
};

json_t *bw_engine_default_mounts(enum bw_engine_kind engine, bool privileged)
{
        json_t *out = json_array();
        for (size_t i = 0; out && i < ARRAY_SIZE(engine_mounts); i++) {
                const struct engine_mount *m = &engine_mounts[i];
                if (!(m->engines & 1u << engine))
                        continue;
                enum ro_place ro = privileged ? RO_NEVER : m->ro;
                json_t *opts = json_array();
                if (ro == RO_FIRST)
                        json_array_append_new(opts, json_string("ro"));
                for (size_t k = 0; k < ARRAY_SIZE(m->options) && m->options[k]; k++)
                        json_array_append_new(opts, json_string(m->options[k]));
                if (ro == RO_LAST)
                        json_array_append_new(opts, json_string("ro"));
                json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:o}", "destination", m->destination, "type",
                                                     m->type, "source", m->source, "options", opts));
        }
        return out;
}

/* The part of the default seccomp profile that capabilities open up. */
static const struct { const char *cap; const char *names[24]; } cap_syscalls[] = {
        { "DAC_READ_SEARCH", { "open_by_handle_at" } },
        { "SYS_ADMIN", { "bpf", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick",
                         "lookup_dcookie", "mount", "mount_setattr", "move_mount", "open_tree",
                         "perf_event_open", "quotactl", "quotactl_fd", "setdomainname", "sethostname",
                         "setns", "syslog", "umount", "umount2", "unshare" } },
        { "SYS_BOOT", { "reboot" } },
        { "SYS_CHROOT", { "chroot" } },
        { "SYS_MODULE", { "delete_module", "init_module", "finit_module" } },
        { "SYS_PACCT", { "acct" } },
        { "SYS_PTRACE", { "kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace" } },
        { "SYS_RAWIO", { "iopl", "ioperm" } },
        { "SYS_TIME", { "settimeofday", "stime", "clock_settime", "clock_settime64" } },
        { "SYS_TTY_CONFIG", { "vhangup" } },
        { "SYS_NICE", { "get_mempolicy", "mbind", "set_mempolicy" } },
        { "SYSLOG", { "syslog" } },
        { "BPF", { "bpf" } },
        { "PERFMON", { "perf_event_open" } },
};

bool bw_engine_caps_have(json_t *caps, const char *cap)
{
        char name[40];
        snprintf(name, sizeof(name), "CAP_%s", cap);
        size_t i;
        json_t *v;
        json_array_foreach(caps, i, v)
                if (json_is_string(v) && strcmp(json_string_value(v), name) == 0)
                        return true;
        return false;
}

json_t *bw_engine_default_seccomp(json_t *caps, bool io_uring)
{
        json_t *rules = io_uring ? json_pack("[{s:[s, s, s], s:s}]", "names", "io_uring_setup", "io_uring_enter",
                                             "io_uring_register", "action", "SCMP_ACT_ALLOW")
                                 : json_array();
        for (size_t i = 0; i < ARRAY_SIZE(cap_syscalls); i++) {
                if (!bw_engine_caps_have(caps, cap_syscalls[i].cap))
                        continue;
                json_t *names = json_array();
                for (size_t j = 0; cap_syscalls[i].names[j]; j++)
                        json_array_append_new(names, json_string(cap_syscalls[i].names[j]));
                json_array_append_new(rules, json_pack("{s:o, s:s}", "names", names, "action", "SCMP_ACT_ALLOW"));
        }
        return json_pack("{s:s, s:i, s:[s, s, s], s:o}", "defaultAction", "SCMP_ACT_ERRNO", "defaultErrnoRet", 1,
                         "architectures", "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "syscalls", rules);
}
