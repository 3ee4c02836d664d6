/* Shared between cgroup.c, cgroup_v1.c, cgroup_v2.c, cgroup_devices.c and
 * cgroup_bpf.c; not part of the API. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linux/cgroup.h"

struct bw_cgroup {
        const struct bw_cg_system *sys;
        char *path;  /* resolved cgroup path, e.g. "/bulwark/ID" */
        char **dirs; /* per hierarchy of sys (index as sys->h); NULL when unused */
        int clone_fd;
        pid_t born_pid; /* cloned into the cgroup2 directory (CLONE_INTO_CGROUP) */
};

/* Interface files. Writes open without O_CREAT (cgroupfs files exist or the
 * controller is missing) and name the file and value in the error. */
int cg_write(const char *dir, const char *file, const char *val, struct bw_error **err);
int cg_writef(const char *dir, const char *file, struct bw_error **err, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
bool cg_has(const char *dir, const char *file);
/* Whole file, NUL-terminated; returns 0 or -errno. */
int cg_read(const char *dir, const char *file, char **out);
/* One number ("max" reads as BW_CG_UNLIMITED). */
int cg_read_u64(const char *dir, const char *file, uint64_t *v);
/* The value of "key N" in a flat keyed file (memory.stat, cpu.stat, ...). */
int cg_read_keyed(const char *dir, const char *file, const char *key, uint64_t *v);

/* Writers shared by v1 and v2 (cgroup_common.c): the files are the same,
 * or differ only in name. */
/* Hugepage limits, written to hugetlb.<size>.<suffix> ("limit_in_bytes"
 * on v1, "max" on v2). */
int cg_hugetlb(const char *dir, const struct oci_resources *res, const char *suffix, struct bw_error **err);
/* rdma.max has the same format in v1 and v2. */
int cg_rdma(const char *dir, const struct oci_resources *res, struct bw_error **err);
int cg_cpuset(const char *dir, const struct oci_cpu *c, struct bw_error **err);
/* pids.max; nothing when no limit is set, "max" for 0 or -1. */
int cg_pids(const char *dir, const struct oci_resources *res, struct bw_error **err);
/* blockIO's four throttle lists, each line "MAJ:MIN RATE" to its v1 file
 * (key NULL), or "MAJ:MIN key=RATE" to v2's io.max. */
enum { CG_THROTTLE_READ_BPS, CG_THROTTLE_WRITE_BPS, CG_THROTTLE_READ_IOPS, CG_THROTTLE_WRITE_IOPS, CG_THROTTLE_N };
struct cg_throttle_dest {
        const char *file;
        const char *key;
};
int cg_blkio_throttle(const char *dir, const struct oci_blkio *b, const struct cg_throttle_dest dest[CG_THROTTLE_N],
                      struct bw_error **err);

/* Does a path have a "." or ".." component? */
bool cg_has_dot_component(const char *path);

/* Collapse repeated slashes and drop a trailing one, in place. */
void cg_squash_slashes(char *path);

/* A cgroup or cgroup2 mount of mountinfo: its fields point into the line. */
struct cg_mount_line {
        char *root;      /* the mount's root in the hierarchy, unescaped */
        char *point;     /* the mount point: unescaped, absolute, no . or .., single slashes */
        char *superopts; /* v1: the controllers and name=, among flags */
        bool v2;
};
/* Split one mountinfo line in place: true for a cgroup or cgroup2 mount
 * whose mount point is a canonical absolute path (as the kernel prints
 * it), false for any other line. Both the hierarchy survey
 * (cgroup_layout.c) and the container's cgroupfs (cgroup_mount.c) read
 * mountinfo through this. */
bool cg_mount_line(char *line, struct cg_mount_line *out);

/* The caller's cgroup in a hierarchy, from /proc/self/cgroup text: the line
 * whose controller field is key or lists it ("cpu" or "cpu,cpuacct" for
 * "cpu,cpuacct"; NULL for the v2 line "0::"). *out is NULL when no line
 * matches. Returns 0 or -ENOMEM. */
int cg_own_cgroup(const char *proc_cgroup, const char *key, char **out);

/* Polling waits (freezer states, EBUSY on rmdir). */
void cg_nap_ms(long ms);

/* Devices: the rule list reduced to a default plus exceptions, the way the
 * v1 kernel controller keeps it (runc's emulator does the same). */
enum { CG_DEV_M = 1, CG_DEV_R = 2, CG_DEV_W = 4 }; /* = BPF_DEVCG_ACC_* */
struct cg_dev_exc {
        char type;          /* 'a' (both), 'b' or 'c' */
        int64_t major, minor; /* -1 = any */
        unsigned access;    /* CG_DEV_* bits */
};
struct cg_dev_set {
        bool default_allow;
        struct cg_dev_exc *v;
        size_t n;
};
int cg_dev_set_from_rules(const struct oci_device_rule *rules, size_t n, struct cg_dev_set *out,
                          struct bw_error **err);
/* Parse v1 devices.list; *known is false when the list cannot show the
 * exceptions (allow-all mode hides deny exceptions). */
int cg_dev_set_from_list(const char *text, struct cg_dev_set *out, bool *known);
void cg_dev_set_clear(struct cg_dev_set *s);
/* CG_DEV_* bits as "rwm" (the letters present, in that order). */
void cg_dev_access_format(unsigned access, char acc[4]);
/* "c 1:3 rwm" */
void cg_dev_exc_format(const struct cg_dev_exc *e, char *buf, size_t len);

/* The eBPF device program (cgroup_bpf.c). */
struct bpf_insn;
int cg_bpf_devices_program(const struct cg_dev_set *set, struct bpf_insn **insns, size_t *n);
int cg_bpf_devices_attach(const char *dir, const struct cg_dev_set *set, struct bw_error **err);

/* Per-version resources and statistics. */
int cg_v1_set(struct bw_cgroup *cg, const struct oci_resources *res, struct bw_error **err);
int cg_v1_devices(const char *dir, const struct cg_dev_set *set, struct bw_error **err);
int cg_v1_freeze(const char *dir, bool frozen, struct bw_error **err);
int cg_v1_frozen(const char *dir, bool *frozen, struct bw_error **err);
void cg_v1_cpuset_inherit(const char *dir);
int cg_v2_set(struct bw_cgroup *cg, const struct oci_resources *res, struct bw_error **err);
int cg_v2_enable_controllers(const char *dir);
/* Weight conversions (runc's and crun's formulas). */
uint64_t cg_shares_to_weight(uint64_t shares);
uint64_t cg_blkio_to_io_weight(uint64_t weight);
int cg_v2_freeze(const char *dir, bool frozen, struct bw_error **err);
int cg_v2_frozen(const char *dir, bool *frozen, struct bw_error **err);
void cg_v1_stats(struct bw_cgroup *cg, struct bw_cg_stats *st);
void cg_v2_stats(struct bw_cgroup *cg, struct bw_cg_stats *st);

/* The directory of a controller when it lives on a v1 (v2 = false) or on
 * the cgroup2 hierarchy (v2 = true); NULL otherwise. */
const char *cg_dir_for(const struct bw_cgroup *cg, enum bw_cg_ctrl c, bool v2);
