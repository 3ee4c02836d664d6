#include "runtime/init.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/caps.h"
#include "linux/devices.h"
#include "linux/lsm.h"
#include "linux/masks.h"
#include "linux/mounts.h"
#include "linux/namespaces.h"
#include "linux/ping_range.h"
#include "linux/process.h"
#include "linux/procfs_handle.h"
#include "linux/rootfs.h"
#include "linux/terminal.h"
#include "runtime/container.h"
#include "runtime/hooks.h"
#include "runtime/sync.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"

extern char **environ;

/* Before parking, errors go to the parent, which reports them and cleans
 * up. After, nobody waits on the socket: they go to the container's stderr. */
static _Noreturn void fail(const struct bw_init_ctx *ctx, struct bw_error *err, bool parked)
{
        const char *msg = err && err->msg ? err->msg : "unknown error";
        if (parked)
                dprintf(2, "bulwark: container %s: %s\n", ctx->id, msg);
        else
                bw_sync_send(ctx->sync_fd, BW_SYNC_ERROR, err ? err->code : -EIO, msg, NULL);
        _exit(err && err->code == -ENOENT ? 127 : 126);
}

static bool has_new_ns(const struct oci_config *c, enum oci_ns_type t)
{
        const struct oci_namespace *ns = oci_config_namespace(c, t);
        return ns && !ns->path;
}

static int join_namespaces(const struct bw_init_ctx *ctx, struct bw_error **err)
{
        const struct oci_config *c = ctx->config;
        /* The user namespace first: the others may belong to it. The pid and
         * time namespaces were joined by the parent (they apply to children),
         * and so were those in ctx->parent_joined. */
        const struct oci_namespace *user = oci_config_namespace(c, OCI_NS_USER);
        if (user && user->path && !ctx->user_joined) {
                if (bw_ns_join_fd(OCI_NS_USER, ctx->user_fd, user->path, err) < 0)
                        return bw_error_code(*err, -EPERM);
                /* Our host ids mean nothing in there: become its root. */
                if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
                        return bw_error_set(err, -errno, "becoming root of the user namespace %s (is container id 0 mapped?)", user->path);
        }
        if (ctx->user_fd >= 0)
                close(ctx->user_fd);
        for (size_t i = 0; c->linux && i < c->linux->n_namespaces; i++) {
                const struct oci_namespace *ns = &c->linux->namespaces[i];
                if (!ns->path || ns->type == OCI_NS_USER || ns->type == OCI_NS_PID || ns->type == OCI_NS_TIME)
                        continue;
                if (ctx->parent_joined & (1u << ns->type))
                        continue;
                int r = bw_ns_join_path(ns->type, ns->path, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* linux.mountLabel: under SELinux, tmpfs and mqueue mounts get
 * context="LABEL" (unless the config gave one), as runc does. This is
 * init's own copy of the config. */
static int label_mounts(struct oci_config *c, struct bw_error **err)
{
        const char *label = c->linux ? c->linux->mount_label : NULL;
        if (!label || !*label)
                return 0;
        struct bw_lsm host = bw_lsm_detect();
        if (!host.selinux) {
                bw_debug("linux.mountLabel is not applied: this kernel has no SELinux");
                return 0;
        }
        for (size_t i = 0; i < c->n_mounts; i++) {
                struct oci_mount *m = &c->mounts[i];
                bool has = false;
                for (char **o = m->options; o && *o && !has; o++)
                        has = strncmp(*o, "context=", 8) == 0;
                _cleanup_free_ char *extra = NULL;
                if (has || bw_lsm_mount_data(&host, m->type, NULL, label, &extra) < 0)
                        continue;
                if (extra && bw_strv_push(&m->options, extra) < 0)
                        return bw_error_set(err, -ENOMEM, "labelling mount %s", m->destination);
        }
        return 0;
}

static int setup_rootfs(const struct bw_init_ctx *ctx, int *root_fd, struct bw_error **err)
{
        const struct oci_config *c = ctx->config;
        const char *prop_name = c->linux ? c->linux->rootfs_propagation : NULL;
        long prop = bw_mount_propagation(prop_name);
        if (prop < 0)
                return bw_error_msg(err, -EINVAL, "linux.rootfsPropagation %s is not a propagation mode; use one of private, rprivate, slave, rslave, shared, rshared, unbindable, runbindable",
                                    prop_name);
        int fd = bw_rootfs_prepare(ctx->rootfs, (unsigned long)prop, err);
        if (fd < 0)
                return fd;
        *root_fd = fd;
        /* init's own copy of the config (a clone of the parent's memory) */
        if (label_mounts((struct oci_config *)c, err) < 0)
                return bw_error_code(*err, -ENOMEM);
        for (size_t i = 0; i < c->n_mounts; i++) {
                int r = bw_mount_one(fd, ctx->bundle, &c->mounts[i], err);
                if (r < 0)
                        return r;
                /* The host-side source fds end here (none may reach the
                 * process, --preserve-fds included). */
                oci_mount_source_close(&((struct oci_config *)c)->mounts[i].src);
        }
        oci_mount_source_close(&((struct oci_config *)c)->root.src);
        /* Devices are created as root of the namespace: mode bits exactly
         * as configured, not reduced by our umask. */
        mode_t old = umask(0);
        int r = bw_devices_create(fd, c->linux ? c->linux->devices : NULL, c->linux ? c->linux->n_devices : 0,
                                  ctx->new_userns || oci_config_namespace(c, OCI_NS_USER), err);
        umask(old);
        if (r < 0 || (r = bw_devices_links(fd, err)) < 0)
                return r;
        /* Read-only /dev and tmpfs mounts, now that what goes in them is there. */
        for (size_t i = 0; i < c->n_mounts; i++)
                if ((r = bw_mount_finish_readonly(fd, &c->mounts[i], err)) < 0)
                        return r;
        return 0;
}

static int inside_settings(const struct bw_init_ctx *ctx, int proc_fd, struct bw_error **err)
{
        const struct oci_config *c = ctx->config;
        const struct oci_linux *l = c->linux;
        int r;
        if (has_new_ns(c, OCI_NS_UTS) || oci_config_namespace(c, OCI_NS_UTS)) {
                r = bw_process_set_names(c->hostname, c->domainname, err);
                if (r < 0)
                        return r;
        } else if (c->hostname && *c->hostname) {
                return bw_error_msg(err, -EINVAL, "hostname is set but the config has no uts namespace; add {\"type\": \"uts\"} to linux.namespaces");
        }
        /* sysctls before readonlyPaths, which makes /proc/sys read-only. */
        for (size_t i = 0; l && i < l->sysctl.n; i++) {
                r = bw_process_set_sysctl(proc_fd, l->sysctl.v[i].key, l->sysctl.v[i].value, err);
                if (r < 0)
                        return r;
        }
        if ((r = bw_ping_range_setup(proc_fd, c, err)) < 0)
                return r;
        for (size_t i = 0; l && l->masked_paths && l->masked_paths[i]; i++) {
                r = bw_mask_path(l->masked_paths[i], err);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; l && l->readonly_paths && l->readonly_paths[i]; i++) {
                r = bw_readonly_path(l->readonly_paths[i], err);
                if (r < 0)
                        return r;
        }
        if (!oci_config_namespace(c, OCI_NS_MOUNT))
                return 0; /* nothing to make read-only or to propagate: see check_no_mount_ns */
        r = bw_rootfs_finish(0, c->root.readonly, err);
        if (r < 0)
                return r;
        if (l && l->rootfs_propagation) {
                long prop = bw_mount_propagation(l->rootfs_propagation);
                if (prop > 0) {
                        r = bw_rootfs_finish((unsigned long)prop, false, err);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static int setup_terminal(const struct bw_init_ctx *ctx, struct bw_error **err)
{
        const struct oci_process *p = ctx->config->process;
        if (!p || !p->terminal)
                return 0;
        if (ctx->console_fd < 0)
                return bw_error_msg(err, -EINVAL, "process.terminal is true but no --console-socket was given");
        int slave = -1;
        _cleanup_close_ int master = bw_pty_open(&slave, err);
        if (master < 0)
                return master;
        _cleanup_close_ int s = slave;
        /* The process's own terminal, as under runc: owned by its user
         * (the group stays devpts' tty group). */
        if (fchown(s, p->user.uid, (gid_t)-1) < 0)
                return bw_error_set(err, -errno, "giving the terminal to uid %u (is it mapped in the user namespace?)",
                                    p->user.uid);
        int r = bw_pty_become_stdio(s, p->console_size.present ? p->console_size.height : 0,
                                    p->console_size.present ? p->console_size.width : 0, err);
        if (r < 0)
                return r;
        return bw_send_fd(ctx->console_fd, master, "/dev/ptmx", err);
}

/* Before parking, as container root from /: an absolute or PATH name
 * that names no executable file in the rootfs fails create. A relative
 * name with a slash is left for after chdir to process.cwd. */
static int check_exec(const struct oci_process *p, struct bw_error **err)
{
        const char *file = p->args[0];
        if (strchr(file, '/') && file[0] != '/')
                return 0;
        _cleanup_free_ char *path = bw_process_find_exec(file, p->env);
        if (!path)
                return bw_error_set(err, -errno, "executable %s not found in the container%s", file,
                                    strchr(file, '/') ? "" : "'s PATH");
        if (file[0] == '/') {
                struct stat st;
                if (stat(path, &st) < 0)
                        return bw_error_set(err, -errno, "executable %s", file);
                if (!S_ISREG(st.st_mode))
                        return bw_error_msg(err, -EACCES, "executable %s is not a regular file", file);
        }
        return 0;
}

static char *hook_state(const struct bw_init_ctx *ctx, pid_t pid, enum bw_status st)
{
        return bw_state_json_text(ctx->id, ctx->bundle, &ctx->config->annotations, pid, st);
}

/* Everything between start and execve, in the order that keeps each step
 * possible: limits and ids while we are still root, capabilities after the
 * uid change, fds and signals last. */
int bw_process_final_steps(const struct oci_process *p, const struct oci_personality *persona,
                           int preserve_fds, struct bw_seccomp_setup *sc, struct bw_error **err)
{
        int r = bw_process_set_rlimits(p->rlimits, p->n_rlimits, err);
        if (r < 0)
                return r;
        if (persona && (r = bw_process_set_personality(persona, err)) < 0)
                return r;
        /* While still privileged: a realtime policy or class needs it. */
        if ((r = bw_process_set_scheduler(&p->scheduler, err)) < 0 ||
            (r = bw_process_set_io_priority(&p->io_priority, err)) < 0)
                return r;
        r = bw_process_chdir(p->cwd, err);
        if (r < 0)
                return r;
        if (p->user.umask.set)
                umask(p->user.umask.v);
        else
                umask(022);
        if (p->capabilities.present) {
                if ((r = bw_caps_set_bounding(p->capabilities.bounding.mask, err)) < 0)
                        return r;
                if ((r = bw_caps_keep_across_setuid(err)) < 0)
                        return r;
        }
        /* Without no_new_privs, loading the filter needs CAP_SYS_ADMIN:
         * load it while we still have it. */
        if ((r = bw_seccomp_setup_install(sc, p->no_new_privileges, true, err)) < 0)
                return r;
        if ((r = bw_process_set_user(&p->user, err)) < 0)
                return r;
        if (p->capabilities.present && (r = bw_caps_apply(&p->capabilities, err)) < 0)
                return r;
        if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return bw_error_set(err, -errno, "setting no_new_privs");
        /* CVE-2024-21626: nothing of ours beyond stdio and --preserve-fds
         * survives the execve. */
        if ((r = bw_process_cloexec_from(3 + preserve_fds, err)) < 0)
                return r;
        /* With no_new_privs the caller loads seccomp, last before execve. */
        return 0;
}

_Noreturn void bw_init_run(const struct bw_init_ctx *ctx)
{
        _cleanup_error_ struct bw_error *err = NULL;
        const struct oci_config *c = ctx->config;
        /* Nothing in the container may ptrace or read /proc/1/mem of the
         * runtime before it becomes the user's process. */
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        struct bw_sync_msg go;
        if (bw_sync_expect(ctx->sync_fd, BW_SYNC_GO, &go, &err) < 0)
                _exit(1);
        pid_t host_pid = go.value;
        if (ctx->new_userns) {
                /* Until now we held host root's ids; the maps are written. */
                if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
                        bw_error_set(&err, -errno, "becoming root of the user namespace (map container id 0 in uidMappings/gidMappings)");
                        fail(ctx, err, false);
                }
                if (setgroups(0, NULL) < 0 && errno != EPERM) {
                        bw_error_set(&err, -errno, "clearing groups in the user namespace");
                        fail(ctx, err, false);
                }
        }
        if (join_namespaces(ctx, &err) < 0)
                fail(ctx, err, false);
        /* Only now, inside the container's cgroup (the parent put us there
         * before GO): a new cgroup namespace is rooted where it is made. */
        if (has_new_ns(c, OCI_NS_CGROUP) && unshare(CLONE_NEWCGROUP) < 0) {
                bw_error_set(&err, -errno, "creating the cgroup namespace");
                fail(ctx, err, false);
        }
        /* Without a mount namespace the container shares the runtime's:
         * nothing is mounted (check_config refused what would need it),
         * init only chroots into the rootfs. */
        bool own_mounts = oci_config_namespace(c, OCI_NS_MOUNT) != NULL;
        /* Which LSMs the host runs, read while its /sys is still ours to see. */
        struct bw_lsm_plan lsm;
        if (bw_lsm_plan_for(c->process, &lsm, &err) < 0)
                fail(ctx, err, false);
        int root_fd = -1;
        if (own_mounts && setup_rootfs(ctx, &root_fd, &err) < 0) {
                bw_error_wrap(&err, "preparing the rootfs %s", ctx->rootfs);
                fail(ctx, err, false);
        }
        close(root_fd);
        bool hooks = c->hooks.prestart.n || c->hooks.create_runtime.n;
        if (hooks) {
                if (bw_sync_send(ctx->sync_fd, BW_SYNC_HOOKS, 0, NULL, &err) < 0 ||
                    bw_sync_expect(ctx->sync_fd, BW_SYNC_HOOKS_DONE, NULL, &err) < 0)
                        _exit(1);
        }
        if (c->hooks.create_container.n) {
                _cleanup_free_ char *st = hook_state(ctx, host_pid, BW_STATUS_CREATING);
                if (bw_hooks_run(&c->hooks.create_container, "createContainer", st ? st : "{}", ctx->rootfs, &err) < 0)
                        fail(ctx, err, false);
        }
        if ((own_mounts ? bw_rootfs_enter(ctx->rootfs, ctx->no_pivot, &err) : bw_rootfs_chroot_only(ctx->rootfs, &err)) < 0)
                fail(ctx, err, false);
        /* Our own procfs, mounted in the container's namespaces before the
         * masks cover /proc (the kernel refuses a new one after): every
         * write to /proc from here on goes through it. */
        bool need_proc = (c->linux && c->linux->sysctl.n) || has_new_ns(c, OCI_NS_NETWORK) || lsm.apparmor_profile ||
                         lsm.selinux_label;
        _cleanup_close_ int proc_fd = need_proc ? bw_procfs_open(&err) : -1;
        if ((need_proc && proc_fd < 0) || inside_settings(ctx, proc_fd, &err) < 0)
                fail(ctx, err, false);
        if (!ctx->no_new_keyring) {
                char name[64];
                snprintf(name, sizeof(name), "_ses.%.50s", ctx->id);
                if (bw_process_new_keyring(name, &err) < 0)
                        fail(ctx, err, false);
        }
        if (setup_terminal(ctx, &err) < 0)
                fail(ctx, err, false);
        /* A process that cannot be found must fail create, not a start
         * that the caller is told succeeded (runc looks it up here too).
         * Looked up again after start, as the process's user and cwd. */
        if (check_exec(c->process, &err) < 0) {
                if (err->code != -ENOENT)
                        fail(ctx, err, false);
                bw_sync_send(ctx->sync_fd, BW_SYNC_NOT_FOUND, err->code, err->msg, NULL);
                _exit(127);
        }
        if (ctx->console_fd >= 0)
                close(ctx->console_fd);
        if (bw_sync_send(ctx->sync_fd, BW_SYNC_PARKED, 0, NULL, &err) < 0)
                _exit(1);
        close(ctx->sync_fd);

        /* Parked: start writes one byte into the fifo. */
        char b;
        ssize_t n;
        do
                n = read(ctx->fifo_fd, &b, 1);
        while (n < 0 && errno == EINTR);
        if (n != 1)
                _exit(1);
        /* The fifo stays open (close-on-exec): start watches it to know
         * when the process has been executed. */

        struct oci_process *p = c->process;
        if (bw_process_default_home(&p->env, p->user.uid) < 0) {
                bw_error_set(&err, -ENOMEM, "setting HOME");
                fail(ctx, err, true);
        }
        if (bw_seccomp_setup_state(ctx->seccomp, ctx->id, ctx->bundle, &c->annotations, host_pid, &err) < 0 ||
            bw_lsm_apply_self(proc_fd, &lsm, &err) < 0 ||
            bw_process_final_steps(p, c->linux ? c->linux->personality : NULL, ctx->preserve_fds, ctx->seccomp,
                                   &err) < 0)
                fail(ctx, err, true);
        /* Looked up after chdir and the uid change: relative names resolve
         * from process.cwd, and only what the user may run is found. */
        _cleanup_free_ char *path = bw_process_find_exec(p->args[0], p->env);
        if (!path) {
                bw_error_set(&err, -errno, "executable %s not found in the container's PATH", p->args[0]);
                fail(ctx, err, true);
        }
        bw_process_reset_signals();
        /* The filter need not allow anything we did above. */
        if (bw_seccomp_setup_install(ctx->seccomp, p->no_new_privileges, false, &err) < 0)
                fail(ctx, err, true);
        /* startContainer hooks are the image's programs run in the
         * container: as runc, they run last, as the process's user with its
         * capabilities, no_new_privs and seccomp filter, from its cwd. */
        if (c->hooks.start_container.n) {
                _cleanup_free_ char *st = hook_state(ctx, host_pid, BW_STATUS_CREATED);
                if (bw_hooks_run(&c->hooks.start_container, "startContainer", st ? st : "{}", NULL, &err) < 0)
                        fail(ctx, err, true);
        }
        char *empty[] = { NULL };
        execve(path, p->args, p->env ? p->env : empty);
        bw_error_set(&err, -errno, "executing %s", path);
        fail(ctx, err, true);
}
