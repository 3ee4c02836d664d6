/* The OCI runtime-spec 1.2 config (Linux), as typed structs.
 *
 * Conventions: strings are owned char * (NULL when absent); string lists are
 * NULL-terminated char ** (NULL when absent, an empty vector when present but
 * empty, because "maskedPaths": [] differs from no maskedPaths); optional
 * numbers and booleans use the oci_opt_* wrappers; lists of structs are a
 * pointer plus a count. Every struct is freed by oci_config_free(). */
#pragma once
/* GNU C predefines `linux` as 1, which would turn the member c->linux into
 * c->1: drop that legacy macro (use __linux__ to test for Linux). */
#undef linux
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct { bool set; int64_t v; } oci_opt_i64;
typedef struct { bool set; uint64_t v; } oci_opt_u64;
typedef struct { bool set; uint32_t v; } oci_opt_u32;
typedef struct { bool set; int32_t v; } oci_opt_i32;
typedef struct { bool set; bool v; } oci_opt_bool;

struct oci_kv { char *key; char *value; };
struct oci_kv_list { struct oci_kv *v; size_t n; };

struct oci_idmap { uint32_t container_id; uint32_t host_id; uint32_t size; };
struct oci_idmap_list { struct oci_idmap *v; size_t n; bool present; };



/* What a bind mount's source is on this host, found by the runtime before
 * the policy runs (runtime/bind_resolve.c): never read from JSON, never
 * dumped. `audit` of a config from elsewhere leaves it unresolved and the
 * policy judges the source's text, normalised. */
struct oci_mount_source {
        bool resolved;
        char *path;          /* canonical: readlink of the opened source */
        char *written;       /* the source as config.json spelled it */
        uint64_t dev, ino;   /* identity of the opened source */
        uint32_t mode;       /* its st_mode (file type) */
        char *engine_socket; /* a known engine socket on this host that the source is, or holds */
        /* Valid only when resolved (-1 when closed): the source as opened
         * once by the runtime (O_PATH, close-on-exec), and the detached
         * clone of its mount made from that fd (bind_resolve.h), which init
         * attaches. Never reopened by path. */
        int fd;
        int tree;
};

/* src: what root.path is on this host, found as a bind source's is (never
 * read from JSON, never dumped). */
struct oci_root {
        char *path;
        bool readonly;
        struct oci_mount_source src;
        /* Also found by the runtime: the resolved rootfs is where a rootfs
         * belongs (inside the bundle, the root of an overlay mount, under an
         * engine's state directory), or the caller is not root. */
        bool placed;
};

struct oci_mount {
        char *destination;
        char *type;
        char *source;
        char **options;
        struct oci_idmap_list uid_mappings;
        struct oci_idmap_list gid_mappings;
        struct oci_mount_source src;
        /* Never read from config.json: set by the policy gate when the
         * policy file opts this bind source into identity mapping (BW074). */
        bool identity_mapped;
};

/* Capability sets as bit masks (bit n = capability n, as in linux/capability.h).
 * present distinguishes a missing set from an empty one. */
struct oci_capset { bool present; uint64_t mask; };
struct oci_capabilities {
        bool present;
        struct oci_capset bounding, effective, inheritable, permitted, ambient;
};

struct oci_rlimit { char *type; int resource; /* RLIMIT_* */ uint64_t hard, soft; };

struct oci_user {
        uint32_t uid, gid;
        oci_opt_u32 umask;
        uint32_t *additional_gids;
        size_t n_additional_gids;
        char *username;
};

struct oci_io_priority { bool present; char *klass; int klass_value; /* IOPRIO_CLASS_* */ int32_t priority; };

struct oci_scheduler {
        bool present;
        char *policy;
        int policy_value; /* SCHED_* */
        oci_opt_i32 nice, priority;
        char **flags;
        oci_opt_u64 runtime, deadline, period;
};

struct oci_process {
        bool terminal;
        struct { bool present; uint32_t height, width; } console_size;
        struct oci_user user;
        char **args;
        char *command_line;
        char **env;
        char *cwd;
        struct oci_capabilities capabilities;
        struct oci_rlimit *rlimits;
        size_t n_rlimits;
        bool no_new_privileges;
        oci_opt_i32 oom_score_adj;
        char *apparmor_profile;
        char *selinux_label;
        struct oci_io_priority io_priority;
        struct oci_scheduler scheduler;
};

/* trusted: never read from JSON; set by the runtime's policy gate when the
 * hook's executable, opened on the host, is one the operator trusts (the
 * policy file's trustedHooks) or Docker's own libnetwork-setkey hook.
 * trusted_path, trusted_dev, trusted_ino: never read from JSON either; for
 * a trusted hook, the file judged at create (opened without magic links)
 * and its identity. The hook runner opens trusted_path again, checks the
 * identity and executes that fd; the record is kept in the container's
 * state directory for start and delete (runtime/hooks.c). */
struct oci_hook { char *path; char **args; char **env; oci_opt_i32 timeout; bool trusted;
                  char *trusted_path; uint64_t trusted_dev, trusted_ino; };
struct oci_hook_list { struct oci_hook *v; size_t n; };
struct oci_hooks {
        struct oci_hook_list prestart, create_runtime, create_container,
                start_container, poststart, poststop;
};

enum oci_ns_type {
        OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_MOUNT, OCI_NS_IPC, OCI_NS_UTS,
        OCI_NS_USER, OCI_NS_CGROUP, OCI_NS_TIME, OCI_NS_COUNT
};
struct oci_namespace {
        enum oci_ns_type type;
        char *path;
        /* path is the host's own namespace (Docker's --network host passes
         * a bind of the host's netns): a fact about this machine the
         * runtime finds before the policy runs; never read from JSON. */
        bool host;
        /* A user namespace joined by path: its real uid and gid maps, in
         * host ids, read from the namespace itself by the runtime before
         * the policy runs (joined_read false: they could not be read).
         * Never read from JSON; the policy judges these, not uidMappings. */
        bool joined_read;
        struct oci_idmap_list joined_uid, joined_gid;
        /* A namespace other than user joined by path: which user namespace
         * owns it, as the runtime found by asking the kernel (ioctl
         * NS_GET_USERNS on it) before the policy runs. Never read from JSON. */
        enum oci_ns_owner {
                OCI_NS_OWNER_UNKNOWN,   /* not looked at, or could not be opened */
                OCI_NS_OWNER_HOST,      /* the host's (initial) user namespace */
                OCI_NS_OWNER_CONTAINER, /* the user namespace of a live bulwark container (linux.owner_userns);
                                           for a user namespace joined by path: it is that container's */
                OCI_NS_OWNER_OTHER,     /* another user namespace */
        } owner;
        char *owner_container;  /* OCI_NS_OWNER_CONTAINER: that container's id */
};

struct oci_device {
        char *path;
        char type; /* 'c', 'b', 'u' or 'p' */
        int64_t major, minor;
        oci_opt_u32 file_mode, uid, gid;
};

struct oci_device_rule {
        bool allow;
        char type;       /* 'a', 'c' or 'b'; 'a' when absent */
        oci_opt_i64 major, minor; /* absent means any (*) */
        char *access;    /* subset of "rwm"; NULL means all */
};

struct oci_memory {
        bool present;
        oci_opt_i64 limit, reservation, swap, kernel, kernel_tcp;
        oci_opt_u64 swappiness;
        oci_opt_bool disable_oom_killer, use_hierarchy, check_before_update;
};

struct oci_cpu {
        bool present;
        oci_opt_u64 shares, period, realtime_period, burst;
        oci_opt_i64 quota, realtime_runtime, idle;
        char *cpus, *mems;
};

struct oci_weight_device { int64_t major, minor; oci_opt_u32 weight, leaf_weight; };
struct oci_throttle_device { int64_t major, minor; uint64_t rate; };
struct oci_throttle_list { struct oci_throttle_device *v; size_t n; };

struct oci_blkio {
        bool present;
        oci_opt_u32 weight, leaf_weight;
        struct oci_weight_device *weight_device;
        size_t n_weight_device;
        struct oci_throttle_list throttle_read_bps, throttle_write_bps,
                throttle_read_iops, throttle_write_iops;
};

struct oci_hugepage_limit { char *page_size; uint64_t limit; };
struct oci_net_priority { char *name; uint32_t priority; };
struct oci_rdma_limit { char *device; oci_opt_u32 hca_handles, hca_objects; };

struct oci_resources {
        bool present;
        struct oci_device_rule *devices;
        size_t n_devices;
        struct oci_memory memory;
        struct oci_cpu cpu;
        struct { bool present; oci_opt_i64 limit; } pids;
        struct oci_blkio block_io;
        struct oci_hugepage_limit *hugepage_limits;
        size_t n_hugepage_limits;
        struct { bool present; oci_opt_u32 class_id; struct oci_net_priority *priorities; size_t n_priorities; } network;
        struct oci_rdma_limit *rdma;
        size_t n_rdma;
        struct oci_kv_list unified;
};

enum oci_seccomp_action {
        OCI_SECCOMP_KILL, OCI_SECCOMP_KILL_PROCESS, OCI_SECCOMP_KILL_THREAD,
        OCI_SECCOMP_TRAP, OCI_SECCOMP_ERRNO, OCI_SECCOMP_TRACE,
        OCI_SECCOMP_ALLOW, OCI_SECCOMP_LOG, OCI_SECCOMP_NOTIFY,
};
enum oci_seccomp_op {
        OCI_SECCOMP_NE, OCI_SECCOMP_LT, OCI_SECCOMP_LE, OCI_SECCOMP_EQ,
        OCI_SECCOMP_GE, OCI_SECCOMP_GT, OCI_SECCOMP_MASKED_EQ,
};
struct oci_seccomp_arg { uint32_t index; uint64_t value, value_two; enum oci_seccomp_op op; };
struct oci_seccomp_syscall {
        char **names;
        enum oci_seccomp_action action;
        oci_opt_u32 errno_ret;
        struct oci_seccomp_arg *args;
        size_t n_args;
};
struct oci_seccomp {
        enum oci_seccomp_action default_action;
        oci_opt_u32 default_errno_ret;
        char **architectures; /* "SCMP_ARCH_X86_64", ... */
        char **flags;         /* "SECCOMP_FILTER_FLAG_LOG", ... */
        char *listener_path;
        char *listener_metadata;
        struct oci_seccomp_syscall *syscalls;
        size_t n_syscalls;
};

struct oci_personality { char *domain; char **flags; };
struct oci_time_offset { bool present; int64_t secs; uint32_t nanosecs; };
struct oci_intel_rdt {
        char *clos_id, *l3_cache_schema, *mem_bw_schema;
        bool enable_cmt, enable_mbm;
};

struct oci_linux {
        struct oci_namespace *namespaces;
        size_t n_namespaces;
        struct oci_idmap_list uid_mappings, gid_mappings;
        struct oci_device *devices;
        size_t n_devices;
        char *cgroups_path;
        struct oci_resources resources;
        struct oci_kv_list sysctl;
        struct oci_seccomp *seccomp;          /* NULL: no seccomp section */
        /* bulwark's extension ("seccompStacked" in the saved config): a
         * second filter the kernel applies on top of seccomp (the most
         * restrictive action of the two wins). Harden puts the built-in
         * profile here when the config's own filter has denials or a
         * listener to keep. NULL: none. */
        struct oci_seccomp *seccomp_stacked;
        char *rootfs_propagation;
        char **masked_paths;                  /* NULL: absent */
        char **readonly_paths;                /* NULL: absent */
        char *mount_label;
        struct oci_personality *personality;  /* NULL: absent */
        struct oci_time_offset time_monotonic, time_boottime;
        struct oci_intel_rdt *intel_rdt;      /* NULL: absent */
        /* /proc/sys/kernel/pid_max of this host, 0 when unknown: a fact the
         * runtime reads before the policy runs; never read from JSON. */
        int64_t host_pid_max;
        /* The user namespace of the bulwark container (a pod's sandbox, the
         * container named by --pid/--ipc container:X) that owns the
         * namespaces the config joins by path: type user, path
         * /proc/PID/ns/user of its init, with its real maps read
         * (joined_read). A fact the runtime finds before the policy runs
         * (path NULL: none); never read from JSON. */
        struct oci_namespace owner_userns;
        char *owner_userns_of;                /* that container's id */
};

/* Facts about the host's ids that the runtime gathers for the policy
 * before the rules run (never read from config.json): who the host's
 * users and groups are, and which ranges live containers hold. */
/* owner NULL with bulwark set: the subordinate ids of the user bulwark
 * (the volume range and every slot its allocator hands out). */
struct oci_host_range { uint32_t uid, gid, size; char *owner; bool bulwark; };
/* An id range an unprivileged caller may map: ids id.. as the config names
 * them (in the caller's user namespace), landing on real host ids host.. */
struct oci_own_ids { uint32_t id, host, count; };
/* One line of /etc/subuid or /etc/subgid: host ids start.. given to the
 * user owner (the line's first field). mappable: owner is a user engines
 * take ranges from (root, dockremap, containers, kubelet) or one the policy
 * file's mappableSubidUsers names; explicit maps may land only there. */
struct oci_subid_span { uint32_t start, count; bool mappable; char owner[33]; };
struct oci_host_ids {
        bool gathered;                        /* users and groups were read */
        bool ranges_read;                     /* the id-range store was read (root only) */
        bool rootless;                        /* the caller is not root: its own ids are its to map */
        uint32_t self_uid, self_gid;
        uint32_t *uids, *gids;                /* /etc/passwd, /etc/group */
        size_t n_uids, n_gids;
        struct oci_host_range *ranges;        /* live containers' ranges */
        size_t n_ranges;
        struct oci_own_ids *own_uids, *own_gids; /* rootless: the caller's own id, its subordinate
                                                    ranges, or every id of the namespace it runs in */
        size_t n_own_uids, n_own_gids;
        bool subids_read;                     /* /etc/subuid and /etc/subgid were read (root) */
        struct oci_subid_span *sub_uids, *sub_gids; /* every user's subordinate ranges */
        size_t n_sub_uids, n_sub_gids;
};

/* What a Kubernetes pod spec says that config.json cannot: filled by the
 * manifest reader (src/input/k8s.c) once the translated config is loaded;
 * never read from JSON, never dumped. present is false for every other
 * config, and the rules that judge these facts are then silent. */
struct oci_pod_facts {
        bool present;
        char host_path[256];          /* the first hostPath volume the container mounts ("" none) */
        uint32_t host_ports[16];      /* the container's hostPort values */
        size_t n_host_ports;
        bool proc_unmasked;           /* procMount: Unmasked */
        bool seccomp_unconfined;      /* seccompProfile type Unconfined, written */
        bool apparmor_unconfined;     /* AppArmor unconfined, written */
        char selinux[128];            /* seLinuxOptions beyond a container type and level ("" none) */
        bool root_group;              /* runAsGroup, fsGroup or a supplemental group is 0 */
        bool run_as_non_root;         /* runAsNonRoot: true, or runAsUser non-zero */
        bool host_users_false;        /* hostUsers: false (a user namespace per pod) */
        bool cpu_limit;               /* resources.limits.cpu */
        bool bidirectional;           /* a volumeMount with mountPropagation: Bidirectional */
        bool sa_token;                /* the service account token is mounted (the default) */
};

struct oci_config {
        char *oci_version;
        struct oci_root root;
        bool has_root;
        struct oci_mount *mounts;
        size_t n_mounts;
        struct oci_process *process;          /* NULL: absent (allowed by the spec) */
        char *hostname;
        char *domainname;
        struct oci_hooks hooks;
        struct oci_kv_list annotations;
        struct oci_linux *linux;              /* NULL: absent */
        struct oci_host_ids host_ids;         /* gathered by the runtime, see above */
        struct oci_pod_facts pod;             /* set by the manifest reader, see above */
        const char *runtime_id;               /* set by the runtime before its policy gate: the container's
                                                 id (not owned; NULL for audit) */
        bool hooks_unprivileged;              /* set by the runtime's policy gate: hooks run as a host uid
                                                 other than 0 (an unprivileged runtime), never host root */
        bool limits_required;                 /* set by the runtime's policy gate: the profile applied
                                                 needs linux.resources enforced (no cgroup: refuse) */
};

/* Names, for messages and for the dumper. */
const char *oci_ns_type_name(enum oci_ns_type t);     /* "pid", "network", ... */
int oci_ns_type_from_name(const char *name);          /* -1 when unknown */
const char *oci_seccomp_action_name(enum oci_seccomp_action a); /* "SCMP_ACT_ALLOW" */
int oci_seccomp_action_from_name(const char *name);
const char *oci_seccomp_op_name(enum oci_seccomp_op o);         /* "SCMP_CMP_EQ" */
int oci_seccomp_op_from_name(const char *name);

/* Capabilities by name ("CAP_CHOWN", as the spec spells them) and by
 * number: the one table of their names. */
#define OCI_CAP_LAST 40                               /* CAP_CHECKPOINT_RESTORE */
int oci_cap_from_name(const char *name);              /* -1 when unknown */
const char *oci_cap_name(int cap);                    /* "CAP_CHOWN", NULL past the last known */
/* "RLIMIT_NOFILE" <-> RLIMIT_NOFILE. */
int oci_rlimit_from_name(const char *name);           /* -1 when unknown */
const char *oci_rlimit_name(int resource);            /* NULL when unknown */
/* "SCMP_ARCH_X86_64" ..., "SECCOMP_FILTER_FLAG_LOG" ..., the spec's lists. */
bool oci_seccomp_arch_known(const char *name);
bool oci_seccomp_flag_known(const char *name);
/* "IOPRIO_CLASS_RT" -> IOPRIO_CLASS_RT (1), -1 when unknown. */
int oci_ioprio_class_from_name(const char *name);
/* "SCHED_FIFO" -> SCHED_FIFO (1), -1 when unknown; flags "SCHED_FLAG_*". */
int oci_sched_policy_from_name(const char *name);
bool oci_sched_flag_known(const char *name);

/* The namespace of a type in the config, or NULL. */
const struct oci_namespace *oci_config_namespace(const struct oci_config *c, enum oci_ns_type t);

void oci_config_free(struct oci_config *c);
/* Close a resolved source's fds (nothing for an unresolved one). */
void oci_mount_source_close(struct oci_mount_source *s);
/* A lone seccomp profile (one inside a config goes with oci_config_free). */
void oci_seccomp_free(struct oci_seccomp *s);
void oci_process_free(struct oci_process *p);
/* Scope-bound frees: `_cleanup_config_ struct oci_config *c = NULL;`. */
static inline void oci_config_freep(struct oci_config **c) { oci_config_free(*c); }
static inline void oci_process_freep(struct oci_process **p) { oci_process_free(*p); }
#define _cleanup_config_ __attribute__((cleanup(oci_config_freep)))
#define _cleanup_process_ __attribute__((cleanup(oci_process_freep)))
