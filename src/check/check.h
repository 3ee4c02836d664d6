/* bulwark check: what the container this process runs in can actually do,
 * observed from inside (findings under the rule table's ids) and, when
 * asked, attacked harmlessly (one attempt per breakout technique). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "policy/rules.h"

/* Observation probes: each appends findings (rule from the table, detail
 * with the evidence). 0 or -ENOMEM. */
int bw_check_observe_caps(struct bw_findings *out);      /* caps, no_new_privs, seccomp mode */
int bw_check_observe_syscalls(struct bw_findings *out);  /* breakout system calls the filter lets through */
int bw_check_observe_ids(struct bw_findings *out);       /* uid/gid maps */
int bw_check_observe_mounts(struct bw_findings *out);    /* engine sockets, host paths, /proc/sys, /sys, cgroupfs */
int bw_check_observe_proc(struct bw_findings *out);      /* unmasked /proc and /sys files */
int bw_check_observe_devices(struct bw_findings *out);   /* device nodes that open */
int bw_check_observe_limits(struct bw_findings *out);    /* pids and memory limits */
int bw_check_observe_namespaces(struct bw_findings *out);/* namespaces shared with the host */

/* A finding of the rule k of the table. 0 or -ENOMEM. */
int bw_check_add(struct bw_findings *out, enum bw_rule_key k, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* --attack: one harmless attempt per technique. */
enum bw_outcome { BW_OUTCOME_BLOCKED, BW_OUTCOME_ESCAPED, BW_OUTCOME_SKIPPED };
const char *bw_outcome_name(enum bw_outcome o);   /* "blocked", "escaped", "skipped" */

struct bw_attempt {
        const char *technique;   /* "mknod-block-device" */
        enum bw_rule_key rule;   /* the rule an escape falls under */
        enum bw_outcome outcome;
        char reason[256];        /* the evidence: the call and its result */
};

struct bw_attack_opts {
        const char *fixture;     /* a folder owned by a foreign uid, or NULL */
};

/* Attempt every technique; *out is malloc'd (free it), *n its length.
 * 0 or -ENOMEM. */
int bw_check_attack(const struct bw_attack_opts *o, struct bw_attempt **out, size_t *n);

/* Engine sockets found in the container's mounts (or at the usual
 * paths) that accept connect(); a NULL-terminated list to free with
 * bw_strv_free. */
int bw_check_engine_sockets(char ***out);
