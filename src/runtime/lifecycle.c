#include "runtime/lifecycle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/proc.h"
#include "oci/load.h"
#include "runtime/cgroups.h"
#include "runtime/hooks.h"
#include "runtime/policy_gate.h"
#include "runtime/state_json.h"
#include "runtime/userns_auto.h"
#include "util/cleanup.h"
#include "util/log.h"


static int load_saved_config(const struct bw_store_entry *e, struct oci_config **c, struct bw_error **err)
{
        _cleanup_free_ char *path = bw_saved_config_path(e->path);
        if (!path)
                return bw_error_set(err, -ENOMEM, "the saved config in %s", e->path);
        int r = oci_config_load_file(path, c, err);
        return r < 0 ? r : bw_hooks_load_trusted(e->path, &(*c)->hooks, err);
}

/* The container's state directory, locked, and its state. */
static int open_state(const char *root, const char *id, struct bw_store_entry *e, struct bw_state *s,
                      struct bw_error **err)
{
        int r = bw_store_open(root, id, e, err);
        return r < 0 ? r : bw_state_read(e, s, err);
}

int bw_container_start(const char *root, const char *id, struct bw_error **err)
{
        _cleanup_(bw_store_entry_close) struct bw_store_entry e = { .dir_fd = -1 };
        _cleanup_(bw_state_clear) struct bw_state s = { 0 };
        int r = open_state(root, id, &e, &s, err);
        if (r < 0)
                return r;
        /* A paused created container's init cannot run: start would wait
         * for ever for it to execute the process. Refuse, as runc. */
        enum bw_status st = bw_container_status(&e, &s);
        if (st != BW_STATUS_CREATED)
                return bw_error_msg(err, -EINVAL, "container %s is %s; only a created container can be started%s", id,
                                    bw_status_name(st), st == BW_STATUS_PAUSED ? " (resume it first)" : "");
        _cleanup_close_ int fifo = openat(e.dir_fd, BW_EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fifo < 0)
                return bw_error_set(err, -errno, "opening %s/" BW_EXEC_FIFO, e.path);
        if (write(fifo, "0", 1) != 1)
                return bw_error_set(err, -errno, "releasing container %s", id);
        unlinkat(e.dir_fd, BW_EXEC_FIFO, 0);
        /* Only for poststart hooks (the state says whether there are any). */
        _cleanup_config_ struct oci_config *c = NULL;
        if ((s.hooks & BW_HOOKS_POSTSTART) && load_saved_config(&e, &c, err) < 0)
                return bw_error_wrap(err, "container %s started, but its saved config", id);
        /* The container is running now: let state, kill and startContainer
         * hooks that ask for its state in while we wait. */
        bw_store_entry_close(&e);
        /* init keeps its (close-on-exec) end open until execve: when the
         * fifo has no reader left, the process has started, or init died.
         * Only then do poststart hooks run. */
        struct pollfd pf = { .fd = fifo, .events = 0 };
        while (poll(&pf, 1, -1) < 0 && errno == EINTR)
                ;
        if (c && c->hooks.poststart.n) {
                _cleanup_free_ char *text = bw_state_json_text(id, s.bundle, &c->annotations, s.pid, BW_STATUS_RUNNING);
                bw_hooks_run_all(&c->hooks.poststart, "poststart", text ? text : "{}", s.bundle);
        }
        return 0;
}

int bw_container_pids(const struct bw_state *s, pid_t **pids, size_t *n, struct bw_error **err)
{
        *pids = NULL;
        *n = 0;
        if (!bw_proc_is(s->pid, s->start_time))
                return 0;
        pid_t *v = malloc(sizeof(pid_t));
        if (!v)
                return bw_error_set(err, -ENOMEM, "the pids of container %s", s->id);
        v[(*n)++] = s->pid;
        if (s->own_pid_ns) {
                /* Every process in init's pid namespace is the container's. */
                char p[64];
                struct stat ns;
                snprintf(p, sizeof(p), "/proc/%d/ns/pid", (int)s->pid);
                if (stat(p, &ns) == 0) {
                        _cleanup_closedir_ DIR *d = opendir("/proc");
                        struct dirent *de;
                        while (d && (de = readdir(d))) {
                                pid_t q = (pid_t)atoi(de->d_name);
                                if (q <= 0 || q == s->pid)
                                        continue;
                                struct stat st;
                                snprintf(p, sizeof(p), "/proc/%d/ns/pid", (int)q);
                                if (stat(p, &st) < 0 || st.st_ino != ns.st_ino || st.st_dev != ns.st_dev)
                                        continue;
                                pid_t *nv = realloc(v, (*n + 1) * sizeof(pid_t));
                                if (!nv) {
                                        free(v);
                                        return bw_error_set(err, -ENOMEM, "listing the container's processes");
                                }
                                v = nv;
                                v[(*n)++] = q;
                        }
                }
        }
        *pids = v;
        return 0;
}

bool bw_wait_gone(pid_t pid, uint64_t start_time, int timeout_ms)
{
        int fd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0)
                return !bw_proc_is(pid, start_time);
        if (!bw_proc_is(pid, start_time)) {
                close(fd);
                return true;
        }
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int n;
        do
                n = poll(&p, 1, timeout_ms);
        while (n < 0 && errno == EINTR);
        close(fd);
        return n > 0;
}

static int signal_pid(pid_t pid, uint64_t start_time, int sig)
{
        /* pidfd: the signal reaches the process we checked, not one that
         * took its pid in between. */
        int fd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0)
                return -errno;
        int r = 0;
        if (!bw_proc_is(pid, start_time))
                r = -ESRCH;
        else if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
                r = -errno;
        close(fd);
        return r;
}

static int kill_locked(const struct bw_state *s, int sig, bool all, struct bw_error **err)
{
        if (all) {
                _cleanup_free_ pid_t *pids = NULL;
                size_t n;
                int r = bw_container_pids(s, &pids, &n, err);
                if (r < 0)
                        return r;
                for (size_t i = n; i-- > 0;) /* children first, init last */
                        kill(pids[i], sig);
                return 0;
        }
        int r = signal_pid(s->pid, s->start_time, sig);
        if (r < 0)
                return bw_error_set(err, r, "sending signal %d to container %s (pid %d)", sig, s->id, (int)s->pid);
        return 0;
}

int bw_container_kill(const char *root, const char *id, int sig, bool all, struct bw_error **err)
{
        _cleanup_(bw_store_entry_close) struct bw_store_entry e = { .dir_fd = -1 };
        _cleanup_(bw_state_clear) struct bw_state s = { 0 };
        int r = open_state(root, id, &e, &s, err);
        if (r < 0)
                return r;
        if (bw_state_status(&e, &s) == BW_STATUS_STOPPED)
                return bw_error_msg(err, -ESRCH, "container %s is not running", id);
        if (all && (r = bw_ctr_cgroup_signal(&e, id, sig, err)) != -ENOENT)
                return r < 0 ? r : 0;
        return kill_locked(&s, sig, all, err);
}

/* Everything a container owns outside its state dir goes first (its cgroup,
 * its id range), so a failed delete can be retried with the state intact. */
static int remove_container(const char *root, const char *id, struct bw_store_entry *e, struct bw_error **err)
{
        _cleanup_error_ struct bw_error *cgerr = NULL;
        int r = bw_ctr_cgroup_remove(e, id, &cgerr);
        if (r == -EBADMSG) /* a corrupt record must not keep the container for ever */
                bw_warn("container %s: its cgroup record is corrupt, so its cgroup (if it has one) is left; "
                        "`bulwark gc` removes empty cgroups under bulwark's parent", id);
        else if (r < 0) {
                if (err && !*err)
                        *err = take_ptr(cgerr);
                return r;
        }
        /* A range not let go of would stay held by a container nobody can
         * name any more: fail, and keep the state for the delete again. */
        if ((r = bw_userns_auto_release(root, id, err)) < 0)
                return bw_error_wrap(err, "deleting %s (its state is kept: delete it again)", id);
        return bw_store_remove(e, err);
}

/* A container whose init is gone, under its lock: its poststop hooks,
 * then its cgroup, range and state. */
static int remove_stopped(const char *root, const char *id, struct bw_store_entry *e, const struct bw_state *s,
                          struct bw_error **err)
{
        _cleanup_config_ struct oci_config *c = NULL;
        _cleanup_error_ struct bw_error *cerr = NULL;
        if ((s->hooks & BW_HOOKS_POSTSTOP) && load_saved_config(e, &c, &cerr) == 0 && c->hooks.poststop.n) {
                _cleanup_free_ char *text = bw_state_json_text(id, s->bundle, &c->annotations, 0, BW_STATUS_STOPPED);
                bw_hooks_run_all(&c->hooks.poststop, "poststop", text ? text : "{}", s->bundle);
        }
        return remove_container(root, id, e, err);
}

int bw_container_delete(const char *root, const char *id, bool force, struct bw_error **err)
{
        _cleanup_(bw_store_entry_close) struct bw_store_entry e = { .dir_fd = -1 };
        int r = bw_store_open(root, id, &e, err);
        if (r < 0)
                return r;
        _cleanup_(bw_state_clear) struct bw_state s = { 0 };
        _cleanup_error_ struct bw_error *read_err = NULL;
        if (bw_state_read(&e, &s, force ? &read_err : err) < 0) {
                /* A create that died half-way: nothing runs that we know of. */
                if (!force)
                        return bw_error_wrap(err, "deleting %s", id);
                return remove_container(root, id, &e, err);
        }
        enum bw_status st = bw_state_status(&e, &s);
        if (st == BW_STATUS_RUNNING && !force)
                return bw_error_msg(err, -EBUSY, "container %s is running; stop it first (bulwark kill) or use delete --force", id);
        if (st != BW_STATUS_STOPPED) {
                /* Through the cgroup first: it also thaws a paused one. */
                bw_ctr_cgroup_signal(&e, id, SIGKILL, NULL);
                kill_locked(&s, SIGKILL, true, NULL);
                if (!bw_wait_gone(s.pid, s.start_time, 10000))
                        return bw_error_msg(err, -EBUSY, "container %s: init %d did not die after SIGKILL", id, (int)s.pid);
        }
        return remove_stopped(root, id, &e, &s, err);
}

int bw_container_delete_dead(const char *root, const char *id, bool dry, const char **why, struct bw_error **err)
{
        *why = NULL;
        _cleanup_(bw_store_entry_close) struct bw_store_entry e = { .dir_fd = -1 };
        _cleanup_error_ struct bw_error *open_err = NULL;
        int r = bw_store_open(root, id, &e, &open_err);
        if (r == -ENOENT)
                return 0; /* deleted meanwhile */
        if (r < 0)
                return bw_error_set(err, r, "opening container %s", id);
        _cleanup_(bw_state_clear) struct bw_state s = { 0 };
        _cleanup_error_ struct bw_error *read_err = NULL;
        r = bw_state_read(&e, &s, &read_err);
        if (r == -ENOENT) {
                /* We hold its lock, so no create is under way: one died. */
                *why = "its create died before writing its state";
                return dry ? 1 : remove_container(root, id, &e, err) < 0 ? -1 : 1;
        }
        if (r < 0) /* unreadable, not missing: its init may live; not ours to judge */
                return bw_error_msg(err, r, "kept container %s: %s; `bulwark delete --force %s` removes it", id,
                                    read_err ? read_err->msg : "its state is unreadable", id);
        if (bw_state_status(&e, &s) != BW_STATUS_STOPPED)
                return 0;
        *why = "its init is gone";
        return dry ? 1 : remove_stopped(root, id, &e, &s, err) < 0 ? -1 : 1;
}
