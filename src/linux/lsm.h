/* AppArmor and SELinux: which the kernel runs, and the label a container's
 * process gets at execve (process.apparmorProfile, process.selinuxLabel).
 *
 * The decision follows runc: an AppArmor profile on a host without AppArmor
 * is skipped (a --debug line says so), since engines ask for one
 * (docker-default) wherever they run; an SELinux label on a host without
 * SELinux is an error. The write goes to the process's own attr directory,
 * opened through bulwark's private procfs (procfs_handle.h). */
#pragma once
#include <stdbool.h>

#include "oci/spec.h"
#include "util/error.h"

struct bw_lsm {
        bool apparmor;
        bool selinux;
};

/* From the kernel's list of active LSMs, the text of
 * /sys/kernel/security/lsm ("lockdown,capability,yama,apparmor"). */
struct bw_lsm bw_lsm_parse(const char *list);

/* The host's: securityfs's list when it is mounted; otherwise AppArmor's
 * module parameter (and /sys/kernel/security/apparmor) and a mounted
 * selinuxfs (/sys/fs/selinux/enforce). */
struct bw_lsm bw_lsm_detect(void);

/* What to write before execve: NULL fields are left alone. */
struct bw_lsm_plan {
        const char *apparmor_profile;
        const char *selinux_label;
};

/* Decide for a process's apparmorProfile and selinuxLabel on a host with
 * the LSMs in host. The plan points into the strings given. */
int bw_lsm_decide(const struct bw_lsm *host, const char *apparmor_profile, const char *selinux_label,
                  struct bw_lsm_plan *out, struct bw_error **err);

/* Write the plan into attr_dir, the process's own attr directory
 * (/proc/PID/task/TID/attr): AppArmor's "exec PROFILE" to apparmor/exec,
 * or to exec on kernels without the per-LSM directory; SELinux's label to
 * exec. Nothing outside attr_dir is opened, and no link is followed. */
int bw_lsm_apply(int attr_dir, const struct bw_lsm_plan *plan, struct bw_error **err);

/* Open this thread's attr directory beneath proc_fd (a procfs of our pid
 * namespace) and apply the plan. Nothing to do: no procfs access at all. */
int bw_lsm_apply_self(int proc_fd, const struct bw_lsm_plan *plan, struct bw_error **err);

/* linux.mountLabel for a mount of type: with SELinux, tmpfs and mqueue
 * mounts get context="LABEL" added to their data (unless the data sets a
 * context already), so their files carry the container's label. *out is
 * a new string, or NULL when nothing changes. Returns 0 or -ENOMEM. */
int bw_lsm_mount_data(const struct bw_lsm *host, const char *type, const char *data, const char *mount_label,
                      char **out);

/* For a container's process: detect the host's LSMs and decide. */
int bw_lsm_plan_for(const struct oci_process *p, struct bw_lsm_plan *out, struct bw_error **err);
