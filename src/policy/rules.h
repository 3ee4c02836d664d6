/* The breakout rule set: a table of rules, each with a stable id, a severity,
 * words a user understands (why, fix, references) and one check over the
 * typed config. audit reports findings, create enforces or hardens on them,
 * check runs them inside a container: the same ids everywhere. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oci/spec.h"

enum bw_severity { BW_SEV_INFO, BW_SEV_LOW, BW_SEV_MEDIUM, BW_SEV_HIGH, BW_SEV_CRITICAL };

const char *bw_severity_name(enum bw_severity s);       /* "critical", ... */
int bw_severity_from_name(const char *name);            /* -1 when unknown */

struct bw_finding;
struct bw_findings;
struct bw_rule;

/* Each rule's key in the table, in id order: code names a rule by its
 * key, never by its id string, which only its row holds. */
enum bw_rule_key {
        BW_RULE_PRIVILEGED, /* BW001 */
        BW_RULE_CAP_SYS_ADMIN, /* BW010 */
        BW_RULE_CAP_SYS_MODULE, /* BW011 */
        BW_RULE_CAP_SYS_PTRACE, /* BW012 */
        BW_RULE_CAP_SYS_RAWIO, /* BW013 */
        BW_RULE_CAP_DAC_READ_SEARCH, /* BW014 */
        BW_RULE_CAP_DAC_OVERRIDE, /* BW015 */
        BW_RULE_CAP_FOWNER, /* BW016 */
        BW_RULE_CAP_CHOWN, /* BW017 */
        BW_RULE_CAP_MKNOD, /* BW018 */
        BW_RULE_CAP_NET_RAW, /* BW019 */
        BW_RULE_CAP_NET_ADMIN, /* BW020 */
        BW_RULE_CAP_BPF, /* BW021 */
        BW_RULE_CAP_PERFMON, /* BW022 */
        BW_RULE_CAP_SYS_BOOT, /* BW023 */
        BW_RULE_CAP_SYS_TIME, /* BW024 */
        BW_RULE_CAP_SYSLOG, /* BW025 */
        BW_RULE_CAP_MAC_ADMIN, /* BW026 */
        BW_RULE_CAP_MAC_OVERRIDE, /* BW027 */
        BW_RULE_CAP_SETFCAP, /* BW028 */
        BW_RULE_PTRACE_HOST_PID, /* BW029 */
        BW_RULE_CAP_OTHER, /* BW030 */
        BW_RULE_NO_USER_NAMESPACE, /* BW040 */
        BW_RULE_HOST_ROOT_MAPPED, /* BW041 */
        BW_RULE_HOST_ROOT_PROCESS, /* BW042 */
        BW_RULE_MAPPING_ONTO_HOST_IDS, /* BW043 */
        BW_RULE_JOINED_USERNS_UNREAD, /* BW044 */
        BW_RULE_SECCOMP_ABSENT, /* BW050 */
        BW_RULE_SECCOMP_UNCONFINED, /* BW051 */
        BW_RULE_SECCOMP_BREAKOUT_SYSCALLS, /* BW052 */
        BW_RULE_NO_NEW_PRIVILEGES_OFF, /* BW053 */
        BW_RULE_HOST_PID_NAMESPACE, /* BW060 */
        BW_RULE_HOST_NETWORK_NAMESPACE, /* BW061 */
        BW_RULE_HOST_IPC_NAMESPACE, /* BW062 */
        BW_RULE_HOST_UTS_NAMESPACE, /* BW063 */
        BW_RULE_HOST_CGROUP_NAMESPACE, /* BW064 */
        BW_RULE_HOST_MOUNT_NAMESPACE, /* BW065 */
        BW_RULE_MOUNT_NAMESPACE_BY_PATH, /* BW066 */
        BW_RULE_JOINED_NAMESPACE_NOT_OWNED, /* BW067 */
        BW_RULE_JOINS_OTHER_CONTAINER, /* BW068 */
        BW_RULE_ENGINE_SOCKET_MOUNT, /* BW070 */
        BW_RULE_SENSITIVE_MOUNT_WRITABLE, /* BW071 */
        BW_RULE_SENSITIVE_MOUNT_READONLY, /* BW072 */
        BW_RULE_ROOTFS_ON_HOST_TREE, /* BW073 */
        BW_RULE_VOLUME_IDENTITY_MAPPED, /* BW074 */
        BW_RULE_MOUNT_OWN_IDMAP, /* BW075 */
        BW_RULE_BIND_SOURCE_UNRESOLVED, /* BW076 */
        BW_RULE_OVERLAY_MOUNT, /* BW077 */
        BW_RULE_LSM_UNCONFINED, /* BW078 */
        BW_RULE_HOST_BLOCK_DEVICE, /* BW080 */
        BW_RULE_HOST_CHAR_DEVICE, /* BW081 */
        BW_RULE_DEVICE_CGROUP_ALLOW_ALL, /* BW082 */
        BW_RULE_MASKED_PATHS_REMOVED, /* BW090 */
        BW_RULE_READONLY_PATHS_REMOVED, /* BW091 */
        BW_RULE_PROC_SYS_WRITABLE, /* BW092 */
        BW_RULE_SYSFS_WRITABLE, /* BW093 */
        BW_RULE_UNSAFE_SYSCTL, /* BW094 */
        BW_RULE_UNMASKED_PROC_OR_SYS_MOUNT, /* BW095 */
        BW_RULE_SHARED_PROPAGATION, /* BW100 */
        BW_RULE_ROOTFS_WRITABLE, /* BW101 */
        BW_RULE_NO_PIDS_LIMIT, /* BW102 */
        BW_RULE_NO_MEMORY_LIMIT, /* BW103 */
        BW_RULE_TMPFS_WITHOUT_SIZE, /* BW104 */
        BW_RULE_HOOKS, /* BW110 */
        BW_RULE_BEHAVIOUR_ANNOTATION, /* BW111 */
        BW_RULE_K8S_HOST_PATH, /* BW120 */
        BW_RULE_K8S_HOST_PORT, /* BW121 */
        BW_RULE_K8S_PRIVILEGED_HOST_PORT, /* BW122 */
        BW_RULE_K8S_PROC_MOUNT_UNMASKED, /* BW123 */
        BW_RULE_K8S_SECCOMP_UNCONFINED, /* BW124 */
        BW_RULE_K8S_APPARMOR_UNCONFINED, /* BW125 */
        BW_RULE_K8S_SELINUX_OPTIONS, /* BW126 */
        BW_RULE_K8S_ROOT_GROUP, /* BW127 */
        BW_RULE_K8S_RUN_AS_NON_ROOT_ABSENT, /* BW128 */
        BW_RULE_K8S_NO_CPU_LIMIT, /* BW129 */
        BW_RULE_K8S_BIDIRECTIONAL_PROPAGATION, /* BW130 */
        BW_RULE_K8S_SERVICE_ACCOUNT_TOKEN, /* BW131 */
        BW_RULE_COUNT
};

/* Which profiles forbid a rule firing (privileged forbids none).
 * Reported only: an identity-mapped volume (only the operator's policy
 * file can ask for one), SETFCAP (harmless inside a user namespace), a
 * writable rootfs, no memory limit, hooks and annotations, a pod's missing
 * CPU limit and mounted service-account token. Baseline allows besides the
 * file capabilities ordinary images' entrypoints use (postgres and redis
 * chown their data dirs; the user namespace confines them to the
 * container's own ids), read-only sensitive mounts, the host's UTS and
 * cgroup namespaces, another container's namespaces joined by path (a
 * pod's, Docker's --pid/--ipc container:NAME), tmpfs mounts without a size
 * (engines write them; restricted bounds them), a pod's hostPath volumes
 * (the mount rules judge which path), host ports from 1024 up, a root
 * group, and runAsNonRoot left out (the user namespace confines root). */
enum bw_forbid {
        BW_FORBID_BASELINE,   /* restricted and baseline (the default) */
        BW_FORBID_RESTRICTED, /* restricted only */
        BW_FORBID_NONE,       /* reported by audit, enforced by no profile */
};

/* What a finding is, where its rule has more than one case a fix must
 * tell apart; BW_FINDING_PLAIN otherwise. */
enum bw_finding_kind {
        BW_FINDING_PLAIN,
        BW_FINDING_READONLY_PATHS, /* an entry linux.readonlyPaths lacks */
};

struct oci_config;

/* A check appends one finding per thing it objects to (a mount, a
 * capability); returns 0 or -ENOMEM. */
typedef int (*bw_check_fn)(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out);
/* harden's fix for one finding of the rule: 1 when it changed c (what
 * it did in *what), 0 when this finding has no safe fix, or -ENOMEM. */
typedef int (*bw_fix_fn)(struct oci_config *c, const struct bw_finding *f, const char **what);

struct bw_rule {
        const char *id;          /* "BW010": stable, never reused */
        const char *name;        /* "cap-sys-admin": SARIF's rule name */
        enum bw_severity severity;
        const char *title;       /* one line */
        const char *why;         /* one or two sentences: how it enables breakout */
        const char *fix;         /* in the user's terms: docker flag, k8s field, config.json field */
        const char *refs;        /* "CIS Docker 5.3; PSS baseline: Capabilities; CVE-..." or NULL */
        bw_check_fn check;
        int cap;                 /* the capability for per-capability rules, else -1 */
        /* The fix in a manifest's own terms, where fix's general words
         * would send its reader elsewhere; NULL: fix says it. */
        const char *fix_k8s;     /* Kubernetes: pod and container fields */
        const char *fix_compose; /* Compose: service options */
        enum bw_forbid forbid;   /* the profiles that forbid it */
        bw_fix_fn harden;        /* harden's fix, or NULL */
        const char *refused;     /* why harden refuses a config it fires on, or NULL */
};

/* What a target was read from, for the fix shown with its findings. */
enum bw_input_kind { BW_INPUT_CONFIG, BW_INPUT_K8S, BW_INPUT_COMPOSE };

/* The rule's fix for an input of that kind. */
const char *bw_rule_fix(const struct bw_rule *r, enum bw_input_kind k);

struct bw_finding {
        const struct bw_rule *rule;
        char *detail;            /* what exactly: "CAP_SYS_ADMIN in bounding, permitted" */
        char *pointer;           /* JSON pointer into config.json ("/mounts/3"), or NULL */
        char *needle;            /* text that locates it ("SYS_ADMIN"), searched from the
                                  * pointer's value, or in the whole input; or NULL */
        bool violation;          /* set by the policy: counts against the profile */
        bool excepted;           /* set by the policy: waived by a policy-file exception */
        int line, col;           /* set by an input reader that knows where the field is in its
                                  * source (YAML); 0: found from pointer and needle */
        enum bw_finding_kind kind;
};

struct bw_findings {
        struct bw_finding *v;
        size_t n, cap;
        const char *profile;     /* set by bw_policy_evaluate: the profile applied */
        size_t n_violations;     /* likewise: findings that count against it */
};

/* The table, in id order. */
extern const struct bw_rule bw_rules[];
extern const size_t bw_n_rules;
/* The rule of a key. */
const struct bw_rule *bw_rule(enum bw_rule_key k);
/* The rule of an id a user wrote ("BW010", any case), or NULL. */
const struct bw_rule *bw_rule_find(const char *id);

/* Run every rule over c, appending to out. 0 or -ENOMEM. */
int bw_rules_check(const struct oci_config *c, struct bw_findings *out);

/* Append a finding (detail printf-style); 0 or -ENOMEM. */
int bw_findings_add(struct bw_findings *out, const struct bw_rule *r, const char *needle,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Same, with where it is in config.json as a JSON pointer (RFC 6901). */
int bw_findings_add_at(struct bw_findings *out, const struct bw_rule *r, const char *pointer,
                       const char *needle, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Same, at /mounts/MOUNT/FIELD ("" for the mount itself). */
int bw_findings_add_mount(struct bw_findings *out, const struct bw_rule *r, size_t mount, const char *field,
                          const char *needle, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void bw_findings_clear(struct bw_findings *f);
/* Stable order for reports: severity (worst first), then id, then detail. */
void bw_findings_sort(struct bw_findings *f);
bool bw_findings_has(const struct bw_findings *f, const char *id);

/* The capabilities a process in this config can hold: the union of the
 * bounding, effective and permitted sets (see rules.c for why). */
uint64_t bw_config_caps(const struct oci_config *c);
