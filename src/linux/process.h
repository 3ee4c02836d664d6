/* Per-process settings of the container's process: ids, limits, names,
 * sysctls, keyring, fds, cwd and the final execve. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci/spec.h"
#include "util/error.h"

int bw_process_set_rlimits(const struct oci_rlimit *r, size_t n, struct bw_error **err);
/* Write /proc/PID/oom_score_adj (0: ourselves) through a private procfs
 * of the caller's pid namespace (linux/procfs_handle.h). */
int bw_process_set_oom_score_adj(pid_t pid, int v, struct bw_error **err);
/* process.ioPriority: ioprio_set on ourselves. */
int bw_process_set_io_priority(const struct oci_io_priority *io, struct bw_error **err);
/* process.scheduler: sched_setattr on ourselves. */
int bw_process_set_scheduler(const struct oci_scheduler *s, struct bw_error **err);
int bw_process_set_personality(const struct oci_personality *p, struct bw_error **err);
/* setgroups (additional gids), setresgid, setresuid. */
int bw_process_set_user(const struct oci_user *u, struct bw_error **err);
int bw_process_set_names(const char *hostname, const char *domainname, struct bw_error **err);
/* Write one sysctl ("net.ipv4.ip_forward") under sys/ of proc_fd, the
 * private procfs opened in the container's namespaces (never the
 * container's /proc, which its mounts may redirect). */
int bw_process_set_sysctl(int proc_fd, const char *key, const char *value, struct bw_error **err);
/* A fresh anonymous session keyring, so the container sees none of the
 * host's keys. Missing keyring support is not an error. */
int bw_process_new_keyring(const char *name, struct bw_error **err);
/* Mark every fd from first on close-on-exec: the container's process gets
 * stdio and --preserve-fds, nothing of ours. */
int bw_process_cloexec_from(int first, struct bw_error **err);
/* chdir into cwd, relative to the container's root, and check that the
 * result is inside it (a leaked directory fd would show "(unreachable)"). */
int bw_process_chdir(const char *cwd, struct bw_error **err);
/* Find args[0] on PATH from env (no PATH: the usual default). Returns a
 * malloc'd path or NULL with errno set. */
char *bw_process_find_exec(const char *file, char *const *env);
/* Add HOME to env when missing: uid's home in the container's /etc/passwd,
 * else "/" (as runc does). Run after pivot_root. */
int bw_process_default_home(char ***env, uid_t uid);
/* Reset signal dispositions and the mask to defaults, as a fresh process has. */
void bw_process_reset_signals(void);
