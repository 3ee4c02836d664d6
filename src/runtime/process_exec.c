#include "runtime/process_exec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/caps.h"
#include "linux/process.h"
#include "linux/procfs_handle.h"
#include "linux/terminal.h"
#include "runtime/hooks.h"
#include "runtime/sync.h"
#include "util/cleanup.h"

_Noreturn void bw_process_fail(int sync_fd, const char *who, const struct bw_error *err)
{
        const char *msg = err && err->msg ? err->msg : "unknown error";
        if (sync_fd >= 0)
                bw_sync_send(sync_fd, BW_SYNC_ERROR, err && err->code < 0 ? err->code : -EIO, msg, NULL);
        else
                dprintf(2, "bulwark: %s: %s\n", who, msg);
        _exit(err && err->code == -ENOENT ? 127 : 126);
}

int bw_process_undumpable(struct bw_error **err)
{
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                return bw_error_set(err, -errno, "making the runtime's child undumpable (prctl PR_SET_DUMPABLE)");
        return 0;
}

int bw_process_terminal(const struct oci_process *p, int console_fd, struct bw_error **err)
{
        if (!p || !p->terminal) {
                /* A session of its own, as runc gives every container
                 * process: in the caller's session it would keep the
                 * caller's controlling terminal, and TIOCSTI on it pushes
                 * input into the caller's (host root's) shell. */
                if (setsid() < 0)
                        return bw_error_set(err, -errno, "starting a session of the container process's own (setsid; "
                                            "without one it keeps the caller's terminal)");
                return 0;
        }
        if (console_fd < 0)
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
        return bw_send_fd(console_fd, master, "/dev/ptmx", err);
}

/* Limits and ids while we are still root, capabilities after the uid
 * change (kept across it), our fds last. */
static int final_steps(const struct bw_proc_exec *x, struct bw_error **err)
{
        const struct oci_process *p = x->p;
        int r = bw_process_set_rlimits(p->rlimits, p->n_rlimits, err);
        if (r < 0)
                return r;
        if (x->persona && (r = bw_process_set_personality(x->persona, err)) < 0)
                return r;
        /* While still privileged: a realtime policy or class needs it. */
        if ((r = bw_process_set_scheduler(&p->scheduler, err)) < 0 ||
            (r = bw_process_set_io_priority(&p->io_priority, err)) < 0)
                return r;
        if ((r = bw_process_chdir(p->cwd, err)) < 0)
                return r;
        umask(p->user.umask.set ? p->user.umask.v : 022);
        if (p->capabilities.present) {
                if ((r = bw_caps_set_bounding(p->capabilities.bounding.mask, err)) < 0)
                        return r;
                if ((r = bw_caps_keep_across_setuid(err)) < 0)
                        return r;
        }
        /* Without no_new_privs, loading the filter needs CAP_SYS_ADMIN:
         * load it while we still have it. */
        if ((r = bw_seccomp_setup_install(x->sc, p->no_new_privileges, true, err)) < 0)
                return r;
        if ((r = bw_process_set_user(&p->user, err)) < 0)
                return r;
        if (p->capabilities.present && (r = bw_caps_apply(&p->capabilities, err)) < 0)
                return r;
        if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return bw_error_set(err, -errno, "setting no_new_privs");
        /* CVE-2024-21626: nothing of ours beyond stdio and --preserve-fds
         * survives the execve. */
        return bw_process_cloexec_from(3 + x->preserve_fds, err);
}

static int apply_lsm(const struct bw_proc_exec *x, struct bw_error **err)
{
        if (!x->lsm->apparmor_profile && !x->lsm->selinux_label)
                return 0;
        /* Written through a procfs of our own, not the container's /proc. */
        _cleanup_close_ int own = x->proc_fd < 0 ? bw_procfs_open(err) : -1;
        int fd = x->proc_fd >= 0 ? x->proc_fd : own;
        if (fd < 0)
                return fd;
        return bw_lsm_apply_self(fd, x->lsm, err);
}

int bw_process_exec(const struct bw_proc_exec *x, struct bw_error **err)
{
        struct oci_process *p = x->p;
        if (bw_process_default_home(&p->env, p->user.uid) < 0)
                return bw_error_set(err, -ENOMEM, "setting HOME");
        int r = apply_lsm(x, err);
        if (r < 0 || (r = final_steps(x, err)) < 0)
                return r;
        /* Looked up after chdir and the uid change: relative names resolve
         * from process.cwd, and only what the user may run is found. */
        _cleanup_free_ char *path = bw_process_find_exec(p->args[0], p->env);
        if (!path)
                return bw_error_set(err, -errno, "executable %s not found in the container's PATH", p->args[0]);
        bw_process_reset_signals();
        /* With no_new_privs, last before execve: the filter need not allow
         * anything we did above. */
        if ((r = bw_seccomp_setup_install(x->sc, p->no_new_privileges, false, err)) < 0)
                return r;
        /* startContainer hooks are the image's programs run in the
         * container: as runc, they run last, as the process's user with its
         * capabilities, no_new_privs and seccomp filter, from its cwd. */
        if (x->start_hooks && x->start_hooks->n &&
            (r = bw_hooks_run(x->start_hooks, "startContainer", x->hook_state ? x->hook_state : "{}", NULL, err)) < 0)
                return r;
        char *empty[] = { NULL };
        execve(path, p->args, p->env ? p->env : empty);
        return bw_error_set(err, -errno, "executing %s", path);
}
