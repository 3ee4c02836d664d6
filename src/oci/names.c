/* The names the OCI config uses for kernel constants, and back. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "oci/spec.h"
#include "util/cleanup.h"

static const char *const ns_names[OCI_NS_COUNT] = {
        [OCI_NS_PID] = "pid",       [OCI_NS_NETWORK] = "network", [OCI_NS_MOUNT] = "mount",
        [OCI_NS_IPC] = "ipc",       [OCI_NS_UTS] = "uts",         [OCI_NS_USER] = "user",
        [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

static const char *const action_names[] = {
        [OCI_SECCOMP_KILL] = "SCMP_ACT_KILL",
        [OCI_SECCOMP_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
        [OCI_SECCOMP_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
        [OCI_SECCOMP_TRAP] = "SCMP_ACT_TRAP",
        [OCI_SECCOMP_ERRNO] = "SCMP_ACT_ERRNO",
        [OCI_SECCOMP_TRACE] = "SCMP_ACT_TRACE",
        [OCI_SECCOMP_ALLOW] = "SCMP_ACT_ALLOW",
        [OCI_SECCOMP_LOG] = "SCMP_ACT_LOG",
        [OCI_SECCOMP_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const char *const op_names[] = {
        [OCI_SECCOMP_NE] = "SCMP_CMP_NE",
        [OCI_SECCOMP_LT] = "SCMP_CMP_LT",
        [OCI_SECCOMP_LE] = "SCMP_CMP_LE",
        [OCI_SECCOMP_EQ] = "SCMP_CMP_EQ",
        [OCI_SECCOMP_GE] = "SCMP_CMP_GE",
        [OCI_SECCOMP_GT] = "SCMP_CMP_GT",
        [OCI_SECCOMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static int index_of(const char *const *table, size_t n, const char *name)
{
        if (!name)
                return -1;
        for (size_t i = 0; i < n; i++)
                if (table[i] && strcmp(table[i], name) == 0)
                        return (int)i;
        return -1;
}

const char *oci_ns_type_name(enum oci_ns_type t)
{
        return (unsigned)t < OCI_NS_COUNT ? ns_names[t] : NULL;
}

int oci_ns_type_from_name(const char *name)
{
        return index_of(ns_names, ARRAY_SIZE(ns_names), name);
}

const char *oci_seccomp_action_name(enum oci_seccomp_action a)
{
        return (unsigned)a < ARRAY_SIZE(action_names) ? action_names[a] : NULL;
}

int oci_seccomp_action_from_name(const char *name)
{
        return index_of(action_names, ARRAY_SIZE(action_names), name);
}

const char *oci_seccomp_op_name(enum oci_seccomp_op o)
{
        return (unsigned)o < ARRAY_SIZE(op_names) ? op_names[o] : NULL;
}

int oci_seccomp_op_from_name(const char *name)
{
        return index_of(op_names, ARRAY_SIZE(op_names), name);
}

/* The one table of capability names, by number (linux/capability.h).
 * The static binary's libcap knows no more than this either; a capability
 * a newer kernel adds is added here. */
static const char *const cap_names[OCI_CAP_LAST + 1] = {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
        "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
        "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
        "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

int oci_cap_from_name(const char *name)
{
        /* The spec spells capabilities "CAP_CHOWN", exactly. */
        return index_of(cap_names, ARRAY_SIZE(cap_names), name);
}

const char *oci_cap_name(int cap)
{
        return cap >= 0 && cap <= OCI_CAP_LAST ? cap_names[cap] : NULL;
}

static const struct { const char *name; int value; } rlimits[] = {
        { "RLIMIT_CPU", RLIMIT_CPU },           { "RLIMIT_FSIZE", RLIMIT_FSIZE },
        { "RLIMIT_DATA", RLIMIT_DATA },         { "RLIMIT_STACK", RLIMIT_STACK },
        { "RLIMIT_CORE", RLIMIT_CORE },         { "RLIMIT_RSS", RLIMIT_RSS },
        { "RLIMIT_NPROC", RLIMIT_NPROC },       { "RLIMIT_NOFILE", RLIMIT_NOFILE },
        { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },   { "RLIMIT_AS", RLIMIT_AS },
        { "RLIMIT_LOCKS", RLIMIT_LOCKS },       { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
        { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
        { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },     { "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

int oci_rlimit_from_name(const char *name)
{
        for (size_t i = 0; name && i < ARRAY_SIZE(rlimits); i++)
                if (strcmp(rlimits[i].name, name) == 0)
                        return rlimits[i].value;
        return -1;
}

const char *oci_rlimit_name(int resource)
{
        for (size_t i = 0; i < ARRAY_SIZE(rlimits); i++)
                if (rlimits[i].value == resource)
                        return rlimits[i].name;
        return NULL;
}

/* The architectures and flags runtime-spec 1.2 lists. */
static const char *const seccomp_archs[] = {
        "SCMP_ARCH_X86",       "SCMP_ARCH_X86_64",      "SCMP_ARCH_X32",        "SCMP_ARCH_ARM",
        "SCMP_ARCH_AARCH64",   "SCMP_ARCH_MIPS",        "SCMP_ARCH_MIPS64",     "SCMP_ARCH_MIPS64N32",
        "SCMP_ARCH_MIPSEL",    "SCMP_ARCH_MIPSEL64",    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
        "SCMP_ARCH_PPC64",     "SCMP_ARCH_PPC64LE",     "SCMP_ARCH_S390",       "SCMP_ARCH_S390X",
        "SCMP_ARCH_PARISC",    "SCMP_ARCH_PARISC64",    "SCMP_ARCH_RISCV64",    "SCMP_ARCH_LOONGARCH64",
        "SCMP_ARCH_M68K",      "SCMP_ARCH_SH",          "SCMP_ARCH_SHEB",
};

static const char *const seccomp_flags[] = {
        "SECCOMP_FILTER_FLAG_TSYNC",
        "SECCOMP_FILTER_FLAG_LOG",
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

bool oci_seccomp_arch_known(const char *name)
{
        return index_of(seccomp_archs, ARRAY_SIZE(seccomp_archs), name) >= 0;
}

bool oci_seccomp_flag_known(const char *name)
{
        return index_of(seccomp_flags, ARRAY_SIZE(seccomp_flags), name) >= 0;
}

/* IOPRIO_CLASS_* values from linux/ioprio.h: NONE is 0, so index = value. */
static const char *const ioprio_classes[] = { NULL, "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE" };

int oci_ioprio_class_from_name(const char *name)
{
        return index_of(ioprio_classes, ARRAY_SIZE(ioprio_classes), name);
}

/* SCHED_* values from linux/sched.h (SCHED_ISO is reserved by the kernel but
 * named by the spec). */
static const char *const sched_policies[] = {
        "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE",
};

static const char *const sched_flags[] = {
        "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",         "SCHED_FLAG_DL_OVERRUN",
        "SCHED_FLAG_KEEP_POLICY",   "SCHED_FLAG_KEEP_PARAMS",     "SCHED_FLAG_UTIL_CLAMP_MIN",
        "SCHED_FLAG_UTIL_CLAMP_MAX",
};

int oci_sched_policy_from_name(const char *name)
{
        return index_of(sched_policies, ARRAY_SIZE(sched_policies), name);
}

bool oci_sched_flag_known(const char *name)
{
        return index_of(sched_flags, ARRAY_SIZE(sched_flags), name) >= 0;
}
