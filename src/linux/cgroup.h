/* A container's cgroup: where the hierarchies are (v1, hybrid, unified),
 * one handle per container that creates its directories, moves processes in,
 * sets limits, freezes, reads statistics, kills and removes them.
 *
 * The lifecycle keeps one bw_cg_system (detected once) and makes a handle
 * from the container id and its cgroupsPath. A handle holds only paths, so
 * the same id + cgroupsPath rebuild it after a crash for delete --force.
 * Relative cgroupsPaths resolve against the caller's own cgroups (as runc),
 * so a delete must run from the same cgroup as the create, or the lifecycle
 * should store bw_cgroup_dir() of each hierarchy.
 *
 * The lifecycle's order:
 *   create:  bw_cg_system_detect, bw_cgroup_new, bw_cgroup_create,
 *            bw_cgroup_set(&config->linux->resources), then clone3 into
 *            bw_cgroup_clone_fd() when it is >= 0 (bw_cgroup_born_in when the
 *            kernel did), and bw_cgroup_add_pid(init) in every case.
 *   exec:    bw_cgroup_add_pid(pid) before the process runs user code.
 *   pause/resume: bw_cgroup_freeze(true/false); state: bw_cgroup_frozen.
 *   update:  bw_cgroup_set with the partial resources (only what is set is
 *            written). ps: bw_cgroup_pids. events --stats: bw_cgroup_stats.
 *   kill --all / delete --force: bw_cgroup_kill(SIGKILL), then
 *            bw_cgroup_destroy (also from a handle rebuilt after a crash). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci/spec.h"
#include "util/error.h"

enum bw_cg_layout {
        BW_CG_LEGACY,  /* only v1 hierarchies */
        BW_CG_HYBRID,  /* v1 controllers plus a cgroup2 mount (maybe with a few controllers) */
        BW_CG_UNIFIED, /* only cgroup2 */
};

/* Controllers bulwark knows. v2 calls blkio "io"; cpuacct is part of v2's cpu
 * (cpu.stat); devices and freezer are core v2 features (eBPF, cgroup.freeze). */
enum bw_cg_ctrl {
        BW_CGC_CPU, BW_CGC_CPUACCT, BW_CGC_CPUSET, BW_CGC_MEMORY, BW_CGC_DEVICES,
        BW_CGC_FREEZER, BW_CGC_BLKIO, BW_CGC_PIDS, BW_CGC_HUGETLB, BW_CGC_NET_CLS,
        BW_CGC_NET_PRIO, BW_CGC_RDMA, BW_CGC_MISC, BW_CGC__N
};
const char *bw_cg_ctrl_name(enum bw_cg_ctrl c, bool v2); /* NULL when v2 has no such controller */

struct bw_cg_hierarchy {
        char *mount;      /* mount point, e.g. /sys/fs/cgroup/memory */
        char *mount_root; /* the cgroup shown at the mount point ("/" unless a bind or cgroupns) */
        char *own;        /* the caller's cgroup in this hierarchy (/proc/self/cgroup) */
        bool v2;
        unsigned ctrls;   /* bit (1u << enum bw_cg_ctrl) per controller on it */
};

struct bw_cg_system {
        enum bw_cg_layout layout;
        struct bw_cg_hierarchy *h;
        size_t n;
        int where[BW_CGC__N]; /* index into h of each controller, -1 when absent */
        int v2;               /* index of the cgroup2 hierarchy, -1 when none */
};

/* Detect from /proc/self/mountinfo and /proc/self/cgroup. */
int bw_cg_system_detect(struct bw_cg_system **out, struct bw_error **err);
/* Same, from given files (tests feed fake ones). */
int bw_cg_system_load(const char *mountinfo, const char *proc_cgroup,
                      struct bw_cg_system **out, struct bw_error **err);
/* Same, from their text (name is what messages call the mountinfo). */
int bw_cg_system_parse(const char *mountinfo, const char *proc_cgroup, const char *name,
                       struct bw_cg_system **out, struct bw_error **err);
/* A unified layout rooted at any directory, the caller's cgroup being its
 * root: how tests drive the v2 code against a fake tree. */
int bw_cg_system_unified_at(const char *root, struct bw_cg_system **out, struct bw_error **err);
void bw_cg_system_free(struct bw_cg_system *s);
const char *bw_cg_layout_name(enum bw_cg_layout l);

struct bw_cgroup;

/* A handle for one container's cgroup; creates nothing. cgroups_path:
 * absolute = under each hierarchy's root, relative = under the caller's own
 * cgroup, NULL or "" = /bulwark/<id>. systemd must be false: the systemd
 * driver (cgroup_systemd.h) resolves its unit to a cgroup path first. sys is
 * borrowed and must outlive the handle. */
int bw_cgroup_new(const struct bw_cg_system *sys, const char *id, const char *cgroups_path,
                  bool systemd, struct bw_cgroup **out, struct bw_error **err);
void bw_cgroup_free(struct bw_cgroup *cg);
/* The directory of a controller's hierarchy (NULL when it is not mounted),
 * and of the cgroup2 hierarchy (NULL when there is none). */
const char *bw_cgroup_dir(const struct bw_cgroup *cg, enum bw_cg_ctrl c);
const char *bw_cgroup_v2_dir(const struct bw_cgroup *cg);
/* The cgroup path as resolved (for messages and state). */
const char *bw_cgroup_path(const struct bw_cgroup *cg);

/* Make the directories in every hierarchy (and their parents), copy cpuset
 * values into new cpuset dirs, enable v2 controllers in the parents. */
int bw_cgroup_create(struct bw_cgroup *cg, struct bw_error **err);
/* Move pid into every hierarchy. */
int bw_cgroup_add_pid(struct bw_cgroup *cg, pid_t pid, struct bw_error **err);
/* Move pid into existing sub-cgroups of the container's (exec --cgroup):
 * subs is NULL-terminated, each "PATH" (every hierarchy) or
 * "CTRL[,CTRL]:PATH" (the v1 hierarchies of those controllers). A cgroup2
 * hierarchy takes only the PATH without a controller. PATH is relative to
 * the container's cgroup and must not leave it. Hierarchies no entry names
 * get the container's own cgroup. */
int bw_cgroup_add_pid_sub(struct bw_cgroup *cg, pid_t pid, char *const *subs, struct bw_error **err);
/* An fd of the container's cgroup2 directory for clone3(CLONE_INTO_CGROUP)
 * (unified, or hybrid where the container has one), or -1 when there is
 * none. The handle owns the fd. v1 hierarchies still need
 * bw_cgroup_add_pid. */
int bw_cgroup_clone_fd(struct bw_cgroup *cg, struct bw_error **err);
/* pid was born in the cgroup2 directory: bw_cgroup_add_pid skips it there. */
void bw_cgroup_born_in(struct bw_cgroup *cg, pid_t pid);
/* Apply the limits (create and update alike: writes are ordered so a live
 * container never sees a transient state looser or much stricter). */
int bw_cgroup_set(struct bw_cgroup *cg, const struct oci_resources *res, struct bw_error **err);

/* Freeze (wait until every task is frozen) or thaw. */
int bw_cgroup_freeze(struct bw_cgroup *cg, bool frozen, struct bw_error **err);
int bw_cgroup_frozen(struct bw_cgroup *cg, bool *frozen, struct bw_error **err);

struct bw_cg_stats {
        struct {
                bool present;
                uint64_t usage, max_usage, limit, failcnt, oom_kills;
                uint64_t swap_usage, swap_limit; /* mem+swap in v1 terms; 0 when unknown */
                uint64_t swap_failcnt;           /* times mem+swap (v1) or swap (v2) hit its limit */
                bool under_oom;
        } memory;
        struct { bool present; uint64_t current, limit; /* UINT64_MAX: no limit */ } pids;
        struct {
                bool present;
                uint64_t usage_ns, user_ns, system_ns;
                uint64_t nr_periods, nr_throttled, throttled_ns;
        } cpu;
};
#define BW_CG_UNLIMITED UINT64_MAX
int bw_cgroup_stats(struct bw_cgroup *cg, struct bw_cg_stats *st, struct bw_error **err);

/* The first hierarchy in which this cgroup exists already, as a malloc'd
 * path, or NULL when it exists in none (or memory ran out). */
char *bw_cgroup_first_existing(struct bw_cgroup *cg);

/* Every pid in the cgroup (for ps and kill). *pids is malloc'd. */
int bw_cgroup_pids(struct bw_cgroup *cg, pid_t **pids, size_t *n, struct bw_error **err);
/* Signal every process; SIGKILL uses cgroup.kill where the kernel has it.
 * Other signals freeze the cgroup first (when a freezer exists) so no child
 * forked mid-iteration escapes. */
int bw_cgroup_kill(struct bw_cgroup *cg, int sig, struct bw_error **err);
/* Remove the container's directories (nested ones first) once its
 * processes are gone; retries briefly while the kernel still holds them
 * busy; directories already gone are fine. */
int bw_cgroup_destroy(struct bw_cgroup *cg, struct bw_error **err);
