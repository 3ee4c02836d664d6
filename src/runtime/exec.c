#include "runtime/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "linux/lsm.h"
#include "linux/namespaces.h"
#include "linux/proc.h"
#include "linux/process.h"
#include "oci/load.h"
#include "policy/enforce.h"
#include "runtime/cgroups.h"
#include "runtime/policy_gate.h"
#include "runtime/rootless.h"
#include "runtime/seccomp_setup.h"
#include "runtime/self_protect.h"
#include "runtime/process_exec.h"
#include "runtime/sync.h"
#include "runtime/store.h"
#include "util/cleanup.h"
#include "util/json_text.h"
#include "util/strv.h"

static int parse_user(const char *s, struct oci_user *u, struct bw_error **err)
{
        char *end;
        unsigned long uid = strtoul(s, &end, 10);
        if (end == s || (*end && *end != ':'))
                return bw_error_usage(err, "exec --user wants UID[:GID] as numbers, not '%s'", s);
        u->uid = (uint32_t)uid;
        if (*end == ':') {
                const char *g = end + 1;
                unsigned long gid = strtoul(g, &end, 10);
                if (end == g || *end)
                        return bw_error_usage(err, "exec --user wants UID[:GID] as numbers, not '%s'", s);
                u->gid = (uint32_t)gid;
        }
        return 0;
}

/* Apply the command line's overrides to the process taken from the config. */
static int override(struct oci_process *p, const struct bw_exec_opts *o, struct bw_error **err)
{
        if (o->args && o->args[0]) {
                char **a = bw_strv_copy(o->args);
                if (!a)
                        return bw_error_set(err, -ENOMEM, "exec: the process's arguments");
                bw_strv_free(p->args);
                p->args = a;
        }
        for (size_t i = 0; o->env && o->env[i]; i++) {
                if (!strchr(o->env[i], '='))
                        return bw_error_usage(err, "exec --env wants NAME=VALUE, not '%s'", o->env[i]);
                if (bw_strv_push(&p->env, o->env[i]) < 0)
                        return bw_error_set(err, -ENOMEM, "exec --env %s", o->env[i]);
        }
        if (o->cwd) {
                char *c = strdup(o->cwd);
                if (!c)
                        return bw_error_set(err, -ENOMEM, "exec --cwd %s", o->cwd);
                free(p->cwd);
                p->cwd = c;
        }
        if (o->user) {
                free(p->user.additional_gids);
                p->user.additional_gids = NULL;
                p->user.n_additional_gids = 0;
                p->user.gid = 0;
                int r = parse_user(o->user, &p->user, err);
                if (r < 0)
                        return r;
        }
        if (o->n_gids) {
                uint32_t *g = reallocarray(p->user.additional_gids, p->user.n_additional_gids + o->n_gids, sizeof(*g));
                if (!g)
                        return bw_error_set(err, -ENOMEM, "exec --additional-gids");
                memcpy(g + p->user.n_additional_gids, o->gids, o->n_gids * sizeof(*g));
                p->user.additional_gids = g;
                p->user.n_additional_gids += o->n_gids;
        }
        for (size_t i = 0; o->caps && o->caps[i]; i++) {
                int c = oci_cap_from_name(o->caps[i]);
                if (c < 0)
                        return bw_error_usage(err, "exec --cap: unknown capability '%s' (use names like CAP_NET_RAW)", o->caps[i]);
                uint64_t bit = 1ULL << c;
                p->capabilities.present = true;
                p->capabilities.bounding.mask |= bit;
                p->capabilities.effective.mask |= bit;
                p->capabilities.permitted.mask |= bit;
        }
        if (o->no_new_privs)
                p->no_new_privileges = true;
        p->terminal = o->process_file ? (p->terminal || o->tty) : o->tty;
        if (!p->args || !p->args[0])
                return bw_error_usage(err, "exec needs a command: give it after the id or in --process");
        return 0;
}

struct ns_fds {
        int fd[OCI_NS_COUNT];
        int root; /* init's root, for a container without a mount namespace; else -1 */
        /* The pid and time namespaces are joined by the child, after the
         * user namespace that owns them (an unprivileged caller has no
         * capability over them before): it then clones the process with
         * CLONE_PARENT and writes that pid to report_fd. */
        bool late;
        int report_fd;
};

static void ns_fds_close(struct ns_fds *n)
{
        for (int i = 0; i < OCI_NS_COUNT; i++)
                if (n->fd[i] >= 0)
                        close(n->fd[i]);
        if (n->root >= 0)
                close(n->root);
        if (n->report_fd >= 0)
                close(n->report_fd);
}

/* Open init's namespaces that differ from ours, while init is verified to
 * be the container's (pid and start time). */
static int open_namespaces(pid_t pid, uint64_t start, struct ns_fds *n, struct bw_error **err)
{
        n->root = -1;
        for (int i = 0; i < OCI_NS_COUNT; i++)
                n->fd[i] = -1;
        for (int i = 0; i < OCI_NS_COUNT; i++) {
                n->fd[i] = -1;
                int same = bw_ns_same_as_self(pid, (enum oci_ns_type)i);
                if (same != 0)
                        continue; /* shared with us, or not supported by this kernel */
                char path[64];
                snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, bw_ns_proc_name((enum oci_ns_type)i));
                n->fd[i] = open(path, O_RDONLY | O_CLOEXEC);
                if (n->fd[i] < 0)
                        return bw_error_set(err, -errno, "opening %s", path);
        }
        /* A container that shares our mount namespace has only a chroot:
         * the new process gets init's root directory. */
        if (n->fd[OCI_NS_MOUNT] < 0) {
                char path[64];
                snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
                n->root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (n->root < 0)
                        return bw_error_set(err, -errno, "opening %s", path);
        }
        if (!bw_proc_is(pid, start))
                return bw_error_msg(err, -ESRCH, "the container's init exited while exec was joining it");
        return 0;
}

/* Into the container's namespaces: the user namespace first (the others
 * belong to it), mount last. A namespace the container's user namespace
 * does not own (a pod's network namespace that the engine made in the
 * host's) is joined before it, while we still have privileges over its
 * owner. */
static int join_namespaces(const struct ns_fds *ns, struct bw_error **err)
{
        static const enum oci_ns_type order[] = { OCI_NS_USER, OCI_NS_IPC, OCI_NS_UTS, OCI_NS_NETWORK,
                                                  OCI_NS_CGROUP, OCI_NS_MOUNT };
        bool early[OCI_NS_COUNT] = { false };
        for (size_t i = 1; ns->fd[OCI_NS_USER] >= 0 && i < ARRAY_SIZE(order) - 1; i++) {
                int fd = ns->fd[order[i]];
                _cleanup_close_ int owner = fd >= 0 ? bw_ns_owner_fd(fd) : -1;
                if (owner >= 0 && bw_ns_same_fd(owner, ns->fd[OCI_NS_USER]) == 0) {
                        if (bw_ns_join_fd(order[i], fd, "of the container", err) < 0)
                                return bw_error_code(*err, -EPERM);
                        early[order[i]] = true;
                }
        }
        for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
                int fd = ns->fd[order[i]];
                if (fd >= 0 && !early[order[i]] && bw_ns_join_fd(order[i], fd, "of the container", err) < 0)
                        return bw_error_code(*err, -EPERM);
        }
        if (ns->fd[OCI_NS_USER] >= 0 && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
                return bw_error_set(err, -errno, "becoming root of the container's user namespace");
        return 0;
}

/* pid and time namespaces apply to children: join them now that we hold
 * the user namespace's capabilities, and let a child (our parent's,
 * through CLONE_PARENT) go on; this one reports its pid and exits. */
static int join_late(struct ns_fds *ns, struct bw_error **err)
{
        if ((ns->fd[OCI_NS_PID] >= 0 && bw_ns_join_fd(OCI_NS_PID, ns->fd[OCI_NS_PID], "of the container", err) < 0) ||
            (ns->fd[OCI_NS_TIME] >= 0 && bw_ns_join_fd(OCI_NS_TIME, ns->fd[OCI_NS_TIME], "of the container", err) < 0))
                return bw_error_code(*err, -EPERM);
        pid_t g = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
        if (g < 0)
                return bw_error_set(err, -errno, "starting the process in the container's pid namespace");
        if (g > 0) /* the pid as our parent sees it: ours is its namespace */
                _exit(write(ns->report_fd, &g, sizeof(g)) == (ssize_t)sizeof(g) ? 0 : 126);
        close(ns->report_fd);
        return 0;
}

static int enter(const struct bw_exec_opts *o, struct oci_process *p, struct ns_fds *ns, struct bw_error **err)
{
        int r = join_namespaces(ns, err);
        if (r < 0 || (ns->late && (r = join_late(ns, err)) < 0))
                return r;
        if (ns->root >= 0 && (fchdir(ns->root) < 0 || chroot(".") < 0 || chdir("/") < 0))
                return bw_error_set(err, -errno, "entering the container's root directory (it has no mount namespace)");
        if ((r = bw_process_terminal(p, o->console_fd, err)) < 0)
                return r;
        if (p->terminal)
                close(o->console_fd);
        return 0;
}

/* The new process, from fork to execve; every failure goes to the parent
 * as an ERROR message on sync_fd (close-on-exec: EOF means exec'd). */
static _Noreturn void child(const struct bw_exec_opts *o, const struct oci_config *c, struct oci_process *p,
                            struct ns_fds *ns, int sync_fd, struct bw_seccomp_setup *sc)
{
        _cleanup_error_ struct bw_error *err = NULL;
        char who[128];
        snprintf(who, sizeof(who), "exec in container %s", o->id);
        int undumpable = bw_process_undumpable(&err);
        /* Wait until the parent has put us in the container's cgroup. */
        _cleanup_error_ struct bw_error *gerr = NULL;
        if (bw_sync_expect(sync_fd, BW_SYNC_GO, NULL, &gerr) < 0)
                _exit(126);
        if (undumpable < 0)
                bw_process_fail(sync_fd, who, err);
        /* The host's LSMs, before the container's mount namespace hides its /sys. */
        struct bw_lsm_plan lsm;
        if (bw_lsm_plan_for(p, &lsm, &err) < 0 || enter(o, p, ns, &err) < 0)
                bw_process_fail(sync_fd, who, err);
        struct bw_proc_exec x = {
                .p = p, .persona = c->linux ? c->linux->personality : NULL, .preserve_fds = o->preserve_fds,
                .sc = sc, .lsm = &lsm, .proc_fd = -1,
        };
        bw_process_exec(&x, &err);
        bw_process_fail(sync_fd, who, err);
}

/* Wait until the new process has exec'd or failed (ep readable) and never
 * for ever: it joined a cgroup that may be frozen (a pause that raced with
 * us, or --ignore-paused), and a frozen process neither runs nor, on v1,
 * dies. A pause without ignore_paused, or a terminating signal to us while
 * we wait, ends the wait with an error; the process is killed (a v1-frozen
 * one dies when it is thawed). */
static int wait_started(const struct bw_exec_opts *o, struct bw_ctr_cgroup *cg, pid_t pid, int ep,
                        struct bw_error **err)
{
        static const int stop[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT };
        for (;;) {
                struct pollfd pfd = { .fd = ep, .events = POLLIN };
                int n = poll(&pfd, 1, 100);
                if (n > 0)
                        return 0;
                if (n < 0 && errno != EINTR)
                        return bw_error_set(err, -errno, "waiting for the exec process");
                sigset_t pend;
                if (sigpending(&pend) == 0)
                        for (size_t i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
                                if (sigismember(&pend, stop[i]) == 1) {
                                        /* taken: once unblocked it would kill us before we report */
                                        sigset_t one;
                                        sigemptyset(&one);
                                        sigaddset(&one, stop[i]);
                                        sigtimedwait(&one, NULL, &(struct timespec){ 0 });
                                        kill(pid, SIGKILL);
                                        return bw_error_msg(err, -EINTR,
                                                            "exec in container %s: interrupted by signal %d before the process started%s",
                                                            o->id, stop[i], o->ignore_paused ? " (the container is paused)" : "");
                                }
                bool frozen = false;
                _cleanup_error_ struct bw_error *ferr = NULL;
                if (!o->ignore_paused && cg->cg && bw_cgroup_frozen(cg->cg, &frozen, &ferr) == 0 && frozen) {
                        kill(pid, SIGKILL);
                        return bw_error_msg(err, -EBUSY,
                                            "cannot exec in a paused container: %s was paused while exec was joining it "
                                            "(resume it and try again)", o->id);
                }
        }
}

static int start(const struct bw_exec_opts *o, pid_t *pid_out, bool *refused, struct bw_error **err);

static void own_ns_back(struct bw_ns_for_children *s)
{
        bw_ns_for_children_restore(s, false);
}

int bw_exec_start(const struct bw_exec_opts *o, pid_t *pid_out, struct bw_error **err)
{
        bool refused = false;
        int r = start(o, pid_out, &refused, err);
        if (r < 0 && !*err)
                bw_error_set(err, r, "exec in container %s", o->id);
        /* Our own failure, not the process's status: 255 as runc; a policy
         * refusal keeps 1 and a usage error 2. */
        if (r < 0 && !refused && (*err)->status == BW_EXIT_FAILURE)
                (*err)->status = BW_EXIT_RUNTIME;
        return r;
}

/* The container as exec finds it: its state, saved config and policy,
 * and its cgroup. */
struct target {
        struct bw_state s;
        struct oci_config *c;
        struct bw_ctr_cgroup cg;
        struct bw_policy pol;
};

static void target_clear(struct target *t)
{
        bw_state_clear(&t->s);
        oci_config_freep(&t->c);
        bw_ctr_cgroup_close(&t->cg);
        bw_policy_free(&t->pol);
}

/* Hold the lock only to read a consistent state. */
static int load_target(const struct bw_exec_opts *o, struct target *t, struct bw_error **err)
{
        _cleanup_(bw_store_entry_close) struct bw_store_entry e = { .dir_fd = -1 };
        int r = bw_store_open(o->root, o->id, &e, err);
        if (r < 0)
                return r;
        if ((r = bw_state_read(&e, &t->s, err)) < 0)
                return r;
        enum bw_status st = bw_container_status(&e, &t->s);
        if (st == BW_STATUS_PAUSED && !o->ignore_paused)
                return bw_error_msg(err, -EBUSY,
                                    "cannot exec in a paused container: %s is paused (resume it, or give --ignore-paused "
                                    "to start the process frozen until resume)", o->id);
        if (st != BW_STATUS_RUNNING && st != BW_STATUS_CREATED && st != BW_STATUS_PAUSED)
                return bw_error_msg(err, -ESRCH, "container %s is %s; exec needs a running container", o->id, bw_status_name(st));
        _cleanup_free_ char *cfg = bw_saved_config_path(e.path);
        if (!cfg)
                return bw_error_set(err, -ENOMEM, "container %s's saved config", o->id);
        if ((r = oci_config_load_file(cfg, &t->c, err)) < 0)
                return bw_error_wrap(err, "container %s's saved config", o->id);
        if ((r = bw_policy_load_saved(e.path, &t->pol, err)) < 0)
                return r;
        if ((r = bw_ctr_cgroup_open(&e, o->id, &t->cg, err)) < 0 && r != -ENOENT)
                return r;
        return 0;
}

/* The new process: --process, or a copy of the container's (the
 * overrides must not change the container's own process, which the
 * policy compares the new one with), with the command line's overrides. */
static int build_process(const struct bw_exec_opts *o, const struct oci_config *c, struct oci_process **out,
                         struct bw_error **err)
{
        int r;
        if (o->process_file) {
                if ((r = oci_process_load_file(o->process_file, out, err)) < 0)
                        return r;
        } else if (c->process) {
                _cleanup_json_ json_t *j = oci_config_dump(c);
                _cleanup_free_ char *text = j ? bw_json_dumps(json_object_get(j, "process"), 0) : NULL;
                if (!text)
                        return bw_error_set(err, -ENOMEM, "container %s's process", o->id);
                if ((r = oci_process_load_data(text, strlen(text), "the container's process", out, err)) < 0)
                        return r;
        }
        return override(*out ? *out : c->process, o, err);
}

/* pid and time namespaces apply to children: join them here, or, for an
 * unprivileged caller, in the child once it is in the container's user
 * namespace (which owns them); then it reports the process's pid on the
 * pipe whose read end goes to *report_rd. */
static int open_and_join(const struct target *t, struct ns_fds *ns, struct bw_ns_for_children *own, int *report_rd,
                         struct bw_error **err)
{
        int r = open_namespaces(t->s.pid, t->s.start_time, ns, err);
        if (r < 0)
                return r;
        ns->late = ns->fd[OCI_NS_USER] >= 0 && bw_rootless();
        /* Ours are saved first: they come back once the process is forked
         * (or we fail before), so no later child of ours is born inside. */
        static const enum oci_ns_type for_children[] = { OCI_NS_PID, OCI_NS_TIME };
        for (size_t i = 0; !ns->late && i < ARRAY_SIZE(for_children); i++) {
                enum oci_ns_type type = for_children[i];
                if (ns->fd[type] >= 0 && ((r = bw_ns_for_children_save(own, type, err)) < 0 ||
                                          (r = bw_ns_join_fd(type, ns->fd[type], "of the container", err)) < 0))
                        return r;
        }
        if (ns->late) {
                int rp[2];
                if (pipe2(rp, O_CLOEXEC) < 0)
                        return bw_error_set(err, -errno, "creating the exec pid pipe");
                *report_rd = rp[0];
                ns->report_fd = rp[1];
        }
        return 0;
}

/* The new process joins the container's cgroup (as a whole, or the
 * --cgroup sub-cgroup) before it may run the user's code. */
static int join_cgroup(const struct bw_exec_opts *o, struct bw_ctr_cgroup *cg, pid_t pid, struct bw_error **err)
{
        bool sub = o->cgroups && o->cgroups[0];
        if (sub && !cg->cg)
                return bw_error_msg(err, -ENOENT, "--cgroup: container %s has no cgroup recorded", o->id);
        if (!cg->cg)
                return 0;
        return sub ? bw_cgroup_add_pid_sub(cg->cg, pid, o->cgroups, err) : bw_cgroup_add_pid(cg->cg, pid, err);
}

static void reap(pid_t pid)
{
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
}

/* With late namespaces the first child joined the pid namespace and
 * cloned the process (ours through CLONE_PARENT); it exits at once. On an
 * error it wrote no pid, and its error is on the sync socket. */
static pid_t late_pid(int report_rd, pid_t first)
{
        pid_t g = -1;
        ssize_t got;
        while ((got = read(report_rd, &g, sizeof(g))) < 0 && errno == EINTR)
                ;
        reap(first);
        return got == (ssize_t)sizeof(g) && g > 0 ? g : first;
}

/* Fork the child, put it in the cgroup, let it go and wait until it has
 * exec'd (EOF on the sync socket) or failed (an ERROR message). */
static int spawn(const struct bw_exec_opts *o, struct target *t, struct oci_process *p, struct ns_fds *ns,
                 struct bw_ns_for_children *own, int report_rd, struct bw_seccomp_setup *sc, pid_t *pid_out, struct bw_error **err)
{
        int sp[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
                return bw_error_set(err, -errno, "creating the exec socket");
        _cleanup_close_ int mine = sp[0], theirs = sp[1];
        pid_t pid = fork();
        if (pid < 0)
                return bw_error_set(err, -errno, "forking the exec process");
        if (pid == 0) {
                close(mine);
                if (report_rd >= 0)
                        close(report_rd);
                child(o, t->c, p, ns, theirs, sc);
        }
        bw_ns_for_children_restore(own, false);
        close(take_fd(theirs));
        if (ns->report_fd >= 0) {
                close(ns->report_fd);
                ns->report_fd = -1;
        }
        int r = join_cgroup(o, &t->cg, pid, err);
        if (r < 0) {
                kill(pid, SIGKILL);
                reap(pid);
                return bw_error_wrap(err, "exec in container %s", o->id);
        }
        /* A child that died has told why, or not: the answer below. */
        bw_sync_send(mine, BW_SYNC_GO, 0, NULL, NULL);
        if (report_rd >= 0)
                pid = late_pid(report_rd, pid);
        if ((r = wait_started(o, &t->cg, pid, mine, err)) < 0)
                return r;
        if (bw_sync_expect_exec(mine, err) < 0) {
                reap(pid);
                return bw_error_wrap(err, "exec in container %s", o->id);
        }
        *pid_out = pid;
        return 0;
}

static int start(const struct bw_exec_opts *o, pid_t *pid_out, bool *refused, struct bw_error **err)
{
        _cleanup_(target_clear) struct target t = { 0 };
        int r = load_target(o, &t, err);
        if (r < 0)
                return r;
        _cleanup_process_ struct oci_process *pf = NULL;
        if ((r = build_process(o, t.c, &pf, err)) < 0)
                return r;
        struct oci_process *p = pf ? pf : t.c->process;
        /* Every door goes through the policy: before anything is started. */
        if ((r = bw_policy_apply_process(t.c, p, &t.pol, err)) < 0) {
                if (*err)
                        (*err)->status = BW_EXIT_FAILURE;
                *refused = true;
                return bw_error_wrap(err, "exec in container %s", o->id);
        }
        /* The container's processes and the new one may reach us. */
        const struct oci_process *procs[] = { t.c->process, p };
        if ((r = bw_self_protect(procs, 2, err)) < 0)
                return r;
        if (p->terminal && o->console_fd < 0)
                return bw_error_usage(err, "exec --tty needs --console-socket (or run exec in the foreground)");
        _cleanup_(ns_fds_close) struct ns_fds ns = { .report_fd = -1 };
        _cleanup_close_ int report_rd = -1;
        _cleanup_(own_ns_back) struct bw_ns_for_children own = BW_NS_FOR_CHILDREN_INIT;
        if ((r = open_and_join(&t, &ns, &own, &report_rd, err)) < 0)
                return r;
        _cleanup_(bw_seccomp_setup_clear) struct bw_seccomp_setup sc = { .agent_fd = -1 };
        if ((r = bw_seccomp_setup_prepare(t.c, o->root, &sc, err)) < 0 ||
            (r = bw_seccomp_setup_state(&sc, o->id, t.s.bundle, &t.c->annotations, t.s.pid, err)) < 0)
                return r;
        return spawn(o, &t, p, &ns, &own, report_rd, &sc, pid_out, err);
}
