#include "runtime/container.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "linux/idmap.h"
#include "linux/namespaces.h"
#include "linux/proc.h"
#include "linux/process.h"
#include "linux/procfs_handle.h"
#include "linux/terminal.h"
#include "oci/load.h"
#include "runtime/bundle_trust.h"
#include "runtime/cgroups.h"
#include "runtime/bind_resolve.h"
#include "runtime/ns_owner.h"
#include "runtime/policy_gate.h"
#include "policy/rules.h"
#include "runtime/seccomp_setup.h"
#include "runtime/self_protect.h"
#include "runtime/hooks.h"
#include "runtime/init.h"
#include "runtime/state_json.h"
#include "runtime/sync.h"
#include "runtime/userns_auto.h"
#include "util/cleanup.h"
#include "util/log.h"




int bw_bundle_load(const char *bundle, char **abs_bundle, struct oci_config **config, struct bw_error **err)
{
        char buf[PATH_MAX];
        if (!realpath(bundle ? bundle : ".", buf))
                return bw_error_set(err, -errno, "bundle %s", bundle ? bundle : ".");
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/config.json", buf) < 0)
                return bw_error_set(err, -ENOMEM, "bundle %s", buf);
        int r = bw_bundle_load_config(buf, path, config, err);
        if (r < 0)
                return r;
        *abs_bundle = strdup(buf);
        return *abs_bundle ? 0 : bw_error_set(err, -ENOMEM, "bundle %s", buf);
}


static char *now_rfc3339(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        char date[32];
        strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
        char *out = NULL;
        if (asprintf(&out, "%s.%09ldZ", date, ts.tv_nsec) < 0)
                return NULL;
        return out;
}

/* Without a mount namespace the container shares ours (the runtime's,
 * normally the host's): anything mounted for it would be mounted on the
 * host and outlive it. Such a container gets no mount at all: init only
 * chroots into the rootfs (init.c). What would need one is refused here,
 * before anything is made. */
static int check_no_mount_ns(const struct oci_config *c, struct bw_error **err)
{
        if (oci_config_namespace(c, OCI_NS_MOUNT))
                return 0;
        const struct oci_linux *l = c->linux;
        const char *what = c->n_mounts                                      ? "mounts"
                           : l && l->masked_paths && l->masked_paths[0]     ? "linux.maskedPaths"
                           : l && l->readonly_paths && l->readonly_paths[0] ? "linux.readonlyPaths"
                           : l && l->n_devices                              ? "linux.devices"
                           : l && l->rootfs_propagation                     ? "linux.rootfsPropagation"
                           : c->root.readonly                               ? "root.readonly"
                           : c->process && c->process->terminal             ? "process.terminal (a /dev/pts of its own)"
                           : bw_userns_auto_wanted(c) ? "a user namespace without mappings (its rootfs is an idmapped mount)"
                                                      : NULL;
        if (!what)
                return 0;
        return bw_error_msg(err, -EINVAL,
                            "config.json: the container has no mount namespace, so it shares the runtime's (the "
                            "host's), and %s needs a mount that would be made there and outlive the container; add {\"type\": "
                            "\"mount\"} to linux.namespaces, or remove %s (without a mount namespace bulwark "
                            "mounts nothing: the process is chrooted into root.path)",
                            what, what);
}

/* Whatever the policy mode: a new user namespace cannot do in a joined
 * namespace what the config asks (BW067), and the kernel's EPERM would
 * not say why. */
static int check_joined_owners(const struct oci_config *c, struct bw_error **err)
{
        const struct bw_rule *rule = bw_rule(BW_RULE_JOINED_NAMESPACE_NOT_OWNED);
        _cleanup_(bw_findings_clear) struct bw_findings f = { 0 };
        if (rule->check(rule, c, &f) < 0 || !f.n)
                return 0;
        return bw_error_msg(err, -EPERM, "config.json: %s (%s %s); fix: %s", f.v[0].detail, rule->id, rule->title,
                            rule->fix);
}

static int check_config(const struct oci_config *c, struct bw_error **err)
{
        if (!c->process || !c->process->args || !c->process->args[0])
                return bw_error_msg(err, -EINVAL, "config.json: process.args is missing or empty; say what the container runs");
        if (!c->has_root || !c->root.path)
                return bw_error_msg(err, -EINVAL, "config.json: root.path is missing; name the bundle's rootfs directory");
        const struct oci_namespace *user = oci_config_namespace(c, OCI_NS_USER);
        if (user && !user->path && (!c->linux->uid_mappings.n || !c->linux->gid_mappings.n) && !bw_userns_auto_wanted(c))
                return bw_error_msg(err, -EINVAL, "config.json: a new user namespace needs linux.uidMappings and linux.gidMappings; add a mapping of container id 0 (e.g. {\"containerID\": 0, \"hostID\": 100000, \"size\": 65536})");
        int r = check_no_mount_ns(c, err);
        return r < 0 ? r : check_joined_owners(c, err);
}

/* Namespaces that act on children (pid, time) are joined by this process
 * before the clone, and ours (saved in *own) are put back after it. */
static int join_for_children(const struct oci_config *c, struct bw_ns_for_children *own, struct bw_error **err)
{
        static const enum oci_ns_type types[] = { OCI_NS_PID, OCI_NS_TIME };
        for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
                const struct oci_namespace *ns = oci_config_namespace(c, types[i]);
                if (!ns || !ns->path)
                        continue;
                int r = bw_ns_for_children_save(own, types[i], err);
                if (r < 0)
                        return r;
                if (bw_ns_join_path(types[i], ns->path, err) < 0)
                        return bw_error_code(*err, -EPERM);
        }
        return 0;
}

/* A process already in a new user namespace can neither join a namespace
 * the host's user namespace owns (setns needs CAP_SYS_ADMIN over its
 * owner) nor reach a path under a directory only host root may enter
 * (Docker's 0700 exec-root holds its netns files). So this process joins
 * those namespaces before the clone, init starts in them, and ours are
 * put back after it (saved[] holds them). With a user namespace joined by
 * path (user_fd), the namespaces it owns are left to init, which joins
 * them from inside it; the others (a pod's network namespace that the
 * engine made in the host's user namespace) are joined here. *mask gets
 * a bit per type joined here, for init to skip. */
static int join_before_userns(const struct oci_config *c, int user_fd, int saved[OCI_NS_COUNT], unsigned *mask,
                              struct bw_error **err)
{
        const struct oci_namespace *user = oci_config_namespace(c, OCI_NS_USER);
        *mask = 0;
        for (int t = 0; t < OCI_NS_COUNT; t++)
                saved[t] = -1;
        for (int t = 0; t < OCI_NS_COUNT; t++) {
                const struct oci_namespace *ns = oci_config_namespace(c, (enum oci_ns_type)t);
                if (!user || !ns || !ns->path || !bw_init_joined_by_parent((enum oci_ns_type)t))
                        continue;
                _cleanup_close_ int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        return bw_error_set(err, -errno, "opening %s namespace %s (check that linux.namespaces[].path names a live namespace)",
                                            bw_ns_proc_name((enum oci_ns_type)t), ns->path);
                if (user_fd >= 0) {
                        _cleanup_close_ int owner = bw_ns_owner_fd(fd);
                        if (owner >= 0 && bw_ns_same_fd(owner, user_fd) == 1)
                                continue;
                }
                char self[64];
                snprintf(self, sizeof(self), "/proc/self/ns/%s", bw_ns_proc_name((enum oci_ns_type)t));
                if ((saved[t] = open(self, O_RDONLY | O_CLOEXEC)) < 0)
                        return bw_error_set(err, -errno, "opening %s", self);
                if (bw_ns_join_fd((enum oci_ns_type)t, fd, ns->path, err) < 0)
                        return bw_error_code(*err, -EPERM);
                *mask |= 1u << t;
        }
        return 0;
}

/* The user namespace joined by path, opened once: stage one (or init)
 * joins this fd. When bulwark chose it (the owner of the joined
 * namespaces, runtime/ns_owner.c), it must still own one of them: the
 * path names a pid's, and a pid can be reused. */
static int open_joined_userns(const struct oci_config *c, struct bw_error **err)
{
        const struct oci_namespace *user = oci_config_namespace(c, OCI_NS_USER);
        if (!user || !user->path)
                return -1;
        _cleanup_close_ int fd = open(user->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return bw_error_set(err, -errno, "opening the user namespace %s (check that linux.namespaces[].path names a live namespace)",
                                    user->path);
        const struct oci_namespace *o = &c->linux->owner_userns;
        if (!o->path || strcmp(o->path, user->path) != 0)
                return take_fd(fd);
        for (size_t i = 0; i < c->linux->n_namespaces; i++) {
                const struct oci_namespace *ns = &c->linux->namespaces[i];
                if (ns->owner != OCI_NS_OWNER_CONTAINER)
                        continue;
                _cleanup_close_ int nfd = open(ns->path, O_RDONLY | O_CLOEXEC);
                _cleanup_close_ int owner = nfd >= 0 ? bw_ns_owner_fd(nfd) : -1;
                if (owner >= 0 && bw_ns_same_fd(owner, fd) == 1)
                        return take_fd(fd);
        }
        return bw_error_msg(err, -ESRCH, "the user namespace of container %s (%s) no longer owns the namespaces the "
                            "config joins: that container stopped while this one was created; create it again",
                            c->linux->owner_userns_of ? c->linux->owner_userns_of : "?", user->path);
}

static void own_ns_back(struct bw_ns_for_children *s)
{
        bw_ns_for_children_restore(s, false);
}

static void restore_ns(int saved[OCI_NS_COUNT], bool in_init)
{
        for (int t = 0; t < OCI_NS_COUNT; t++) {
                if (saved[t] < 0)
                        continue;
                /* init stays where it is and keeps no handle on ours. */
                if (!in_init && setns(saved[t], 0) < 0)
                        bw_warn("returning to our own %s namespace: %s", bw_ns_proc_name((enum oci_ns_type)t), strerror(errno));
                close(saved[t]);
                saved[t] = -1;
        }
}

/* A new time namespace gets its offsets before any process enters it:
 * unshare it for our children, write the offsets, and let the clone put
 * init into it. */
static int new_time_ns(const struct oci_config *c, struct bw_ns_for_children *own, struct bw_error **err)
{
        const struct oci_namespace *ns = oci_config_namespace(c, OCI_NS_TIME);
        if (!ns || ns->path)
                return 0;
        int r = bw_ns_for_children_save(own, OCI_NS_TIME, err);
        if (r < 0)
                return r;
        if (unshare((int)bw_ns_clone_flag(OCI_NS_TIME)) < 0)
                return bw_error_set(err, -errno, "creating a time namespace");
        const struct oci_time_offset *mono = &c->linux->time_monotonic, *boot = &c->linux->time_boottime;
        if (!mono->present && !boot->present)
                return 0;
        char text[128];
        snprintf(text, sizeof(text), "monotonic %lld %u\nboottime %lld %u\n",
                 (long long)(mono->present ? mono->secs : 0), mono->present ? mono->nanosecs : 0,
                 (long long)(boot->present ? boot->secs : 0), boot->present ? boot->nanosecs : 0);
        _cleanup_close_ int proc_fd = bw_procfs_open_host(err);
        char path[32];
        snprintf(path, sizeof(path), "%d/timens_offsets", (int)getpid());
        if (proc_fd < 0 || bw_procfs_write(proc_fd, path, text, err) < 0)
                return bw_error_wrap(err, "writing the time namespace offsets (linux.timeOffsets)");
        return 0;
}

static uint64_t clone_flags(const struct oci_config *c)
{
        uint64_t f = 0;
        for (size_t i = 0; c->linux && i < c->linux->n_namespaces; i++)
                if (!c->linux->namespaces[i].path && c->linux->namespaces[i].type != OCI_NS_TIME &&
                    c->linux->namespaces[i].type != OCI_NS_CGROUP) /* init unshares it once in its cgroup */
                        f |= bw_ns_clone_flag(c->linux->namespaces[i].type);
        return f;
}

/* Two-stage init, child side: join the user namespace, become its root,
 * make the other namespaces (now owned by it), and fork the real init,
 * which is pid 1 when there is a new pid namespace. Returns in that init;
 * this stage reports its pid to the parent and exits. */
static void stage_one(const struct oci_config *c, int user_fd, int sync_fd)
{
        _cleanup_error_ struct bw_error *err = NULL;
        const struct oci_namespace *user = oci_config_namespace(c, OCI_NS_USER);
        if (bw_ns_join_fd(OCI_NS_USER, user_fd, user->path, &err) < 0)
                goto fail;
        if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
                bw_error_set(&err, -errno, "becoming root of the user namespace %s (is container id 0 mapped?)", user->path);
                goto fail;
        }
        if (unshare((int)clone_flags(c)) < 0) {
                bw_error_set(&err, -errno, "creating namespaces inside the user namespace %s", user->path);
                goto fail;
        }
        /* init is born our parent's child (CLONE_PARENT), not ours: we
         * exit at once, and an orphan of a pid namespace we joined would
         * go to that namespace's init, out of reach of run's wait and of
         * the cleanup of a failed create. */
        pid_t init = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
        if (init < 0) {
                bw_error_set(&err, -errno, "forking the container's init");
                goto fail;
        }
        if (init == 0)
                return;
        /* fork() returns init's pid in our pid namespace, which is not the
         * host's when the config joins a pid namespace (the parent joined
         * it for us): a pidfd names init in any namespace, and the parent
         * reads the pid it sees from it. */
        int pidfd = (int)syscall(SYS_pidfd_open, init, 0);
        if (pidfd < 0) {
                bw_error_set(&err, -errno, "opening a pidfd of the container's init");
                goto fail;
        }
        _exit(bw_sync_send(sync_fd, BW_SYNC_PID, (int)init, NULL, NULL) < 0 ||
                              bw_send_fd(sync_fd, pidfd, "init", NULL) < 0
                      ? 1
                      : 0);
fail:
        bw_sync_send(sync_fd, BW_SYNC_ERROR, err ? err->code : -EIO, err ? err->msg : "stage one failed", NULL);
        _exit(1);
}

/* The pid a pidfd names, as our pid namespace sees it (fdinfo's Pid:
 * line), or -1 when it has exited or cannot be read. */
static pid_t pid_of_pidfd(int fd)
{
        char path[64];
        snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char line[128];
        long pid = -1;
        while (f && fgets(line, sizeof(line), f))
                if (sscanf(line, "Pid: %ld", &pid) == 1)
                        break;
        return pid > 0 ? (pid_t)pid : -1;
}

struct created {
        struct bw_store_entry entry;
        pid_t pid;
        bool keep;
        bool cgroup_record;  /* a cgroup may have been made: remove it */
        bool range_held;     /* its id range could not be let go of */
        const char *id;
};

static void created_cleanup(struct created *c)
{
        if (c->keep) {
                bw_store_entry_close(&c->entry);
                return;
        }
        if (c->pid > 0) {
                kill(c->pid, SIGKILL);
                while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
                        ;
        }
        _cleanup_error_ struct bw_error *cerr = NULL;
        if (c->cgroup_record && bw_ctr_cgroup_remove(&c->entry, c->id, &cerr) < 0) {
                /* Without its state dir, nothing would find the cgroup
                 * again: keep it for delete --force (or gc). */
                bw_warn("%s; container %s is kept so that `bulwark delete --force %s` can remove it", cerr->msg,
                        c->id, c->id);
                bw_store_entry_close(&c->entry);
                return;
        }
        if (c->range_held) {
                /* The record names this container: without its state dir,
                 * delete --force could not free the range. */
                bw_warn("container %s is kept so that `bulwark delete --force %s` can free its id range", c->id, c->id);
                bw_store_entry_close(&c->entry);
                return;
        }
        if (c->entry.dir_fd >= 0)
                bw_store_remove(&c->entry, NULL);
        bw_store_entry_close(&c->entry);
}

/* prestart and createRuntime, in the runtime's namespaces, once init
 * has its namespaces and mounts; init waits for HOOKS_DONE. */
static int runtime_hooks(const char *id, const struct oci_config *c, const char *bundle, pid_t pid, int sync_fd,
                         struct bw_error **err)
{
        if (!c->hooks.prestart.n && !c->hooks.create_runtime.n)
                return 0;
        if (bw_sync_expect(sync_fd, BW_SYNC_HOOKS, NULL, err) < 0)
                return bw_error_wrap(err, "creating container %s", id);
        _cleanup_free_ char *st = bw_state_json_text(id, bundle, &c->annotations, pid, BW_STATUS_CREATING);
        int r = bw_hooks_run(&c->hooks.prestart, "prestart", st ? st : "{}", bundle, err);
        if (r >= 0)
                r = bw_hooks_run(&c->hooks.create_runtime, "createRuntime", st ? st : "{}", bundle, err);
        if (r < 0) {
                bw_sync_send(sync_fd, BW_SYNC_ERROR, r, "hook failed", NULL);
                return r;
        }
        return bw_sync_send(sync_fd, BW_SYNC_HOOKS_DONE, 0, NULL, err) < 0 ? -EPIPE : 0;
}

static int parent_steps(const struct bw_create_opts *o, const struct oci_config *c, const char *bundle,
                        const char *rootfs, const struct bw_userns_plan *plan, pid_t pid, int sync_fd,
                        struct bw_ctr_cgroup *cg, const struct bw_store_entry *entry, struct bw_error **err)
{
        if (c->linux && oci_config_namespace(c, OCI_NS_USER) && !oci_config_namespace(c, OCI_NS_USER)->path) {
                int r = bw_idmap_write(pid, &c->linux->uid_mappings, &c->linux->gid_mappings, err);
                if (r < 0)
                        return r;
                /* An automatic range: idmapped rootfs and bind sources,
                 * placed in init's mount namespace before it mounts. */
                if ((r = bw_userns_auto_mounts(plan, c, bundle, rootfs, pid, err)) < 0)
                        return r;
        } else if (plan->idmap_mounts && oci_config_namespace(c, OCI_NS_MOUNT) && !oci_config_namespace(c, OCI_NS_MOUNT)->path) {
                /* The owner's user namespace, joined (bw_userns_joined_plan):
                 * the same views, with its ids. */
                int r = bw_userns_auto_mounts(plan, c, bundle, rootfs, pid, err);
                if (r < 0)
                        return r;
        }
        /* From the host side: lowering it needs a capability the init has
         * not got inside a user namespace. */
        if (c->process && c->process->oom_score_adj.set) {
                int r = bw_process_set_oom_score_adj(pid, c->process->oom_score_adj.v, err);
                if (r < 0)
                        return r;
        }
        /* Before init runs any of the container's code. */
        if (cg->cg) {
                int r = bw_ctr_cgroup_enter(cg, entry, o->id, c, pid, err);
                if (r < 0)
                        return r;
        }
        if (bw_sync_send(sync_fd, BW_SYNC_GO, (int)pid, NULL, err) < 0)
                return bw_error_wrap(err, "creating container %s", o->id);
        /* The config as it was at create (after the policy, with the
         * automatic range): exec reads it, and hooks run from it even when
         * the bundle is gone. Written while init builds its mounts, so the
         * dump costs no wall time on two or more CPUs. */
        int r = bw_policy_save_effective(entry, c, err);
        if (r < 0) {
                bw_sync_send(sync_fd, BW_SYNC_ERROR, r, "saving the config", NULL);
                return r;
        }
        if ((r = runtime_hooks(o->id, c, bundle, pid, sync_fd, err)) < 0)
                return r;
        if (bw_sync_expect(sync_fd, BW_SYNC_PARKED, NULL, err) < 0)
                return bw_error_wrap(err, "creating container %s", o->id);
        return 0;
}

/* A create in progress: what its steps share, and what a failure undoes
 * (creation_clear, in the reverse order of making). */
struct creation {
        const struct bw_create_opts *o;
        char *bundle;
        struct oci_config *c;
        struct bw_policy_choice pc;
        char rootfs[PATH_MAX];
        struct created cr;
        struct bw_seccomp_setup sc;
        struct bw_ctr_cgroup cg;
        struct bw_userns_plan plan;
        int fifo;     /* the exec fifo, read-write */
        int console;  /* the connected console socket, or -1 */
        int sync_fd;  /* our end of the socket to init */
};

static void creation_clear(struct creation *k)
{
        if (k->sync_fd >= 0)
                close(k->sync_fd);
        if (k->console >= 0)
                close(k->console);
        if (k->fifo >= 0)
                close(k->fifo);
        k->cr.range_held = !bw_userns_plan_done(&k->plan);
        bw_ctr_cgroup_close(&k->cg);
        bw_seccomp_setup_clear(&k->sc);
        created_cleanup(&k->cr);
        oci_config_freep(&k->c);
        free(k->bundle);
}

/* The bundle loaded and judged: bind sources as this host has them, so
 * the policy and the mounts act on one object; then the policy, which may
 * rewrite what the checks after it see. */
static int load_and_judge(struct creation *k, struct bw_error **err)
{
        const struct bw_create_opts *o = k->o;
        int r = bw_store_validate_id(o->id, err);
        if (r < 0 || (r = bw_bundle_load(o->bundle, &k->bundle, &k->c, err)) < 0)
                return r;
        struct oci_config *c = k->c;
        if ((r = bw_bind_resolve(c, k->bundle, err)) < 0)
                return r;
        /* Whose namespaces it joins: a fact for the policy, and a new user
         * namespace without mappings becomes a join of the owner's when
         * that is one of our containers' (a pod's sandbox). */
        bw_ns_owners_read(c, o->root);
        c->runtime_id = o->id;
        k->pc = (struct bw_policy_choice){ o->policy_file, o->profile, o->policy_mode };
        if ((r = bw_policy_gate(c, &k->pc, err)) < 0 || (r = check_config(c, err)) < 0)
                return r;
        /* Normally a no-op: the caller chose from the config's text. */
        const struct oci_process *procs[] = { c->process };
        if ((r = bw_self_protect(procs, 1, err)) < 0)
                return r;
        if ((r = bw_cgroup_default_devices(c)) < 0)
                return bw_error_set(err, r, "adding the default device rules to linux.resources.devices");
        /* The mounts of the judged bind sources, cloned from their fds. */
        return bw_bind_clone_sources(c, err);
}

/* root.path made absolute, and still the directory the policy judged, not
 * one swapped in since (the idmapped view is checked again when it is
 * made from an fd). */
static int resolve_rootfs(struct creation *k, struct bw_error **err)
{
        const struct oci_root *root = &k->c->root;
        _cleanup_free_ char *rp = NULL;
        if (root->path[0] == '/' ? !(rp = strdup(root->path)) : asprintf(&rp, "%s/%s", k->bundle, root->path) < 0)
                return bw_error_set(err, -ENOMEM, "root.path %s", root->path);
        if (!realpath(rp, k->rootfs))
                return bw_error_set(err, -errno, "rootfs %s (root.path in config.json)", rp);
        struct stat rst;
        if (root->src.resolved &&
            (stat(k->rootfs, &rst) < 0 || (uint64_t)rst.st_dev != root->src.dev || (uint64_t)rst.st_ino != root->src.ino))
                return bw_error_msg(err, -EBUSY, "rootfs %s is not the directory the policy judged (%s): it changed in "
                                    "between; refusing", k->rootfs, root->src.path);
        return 0;
}

/* What init needs made before it is cloned: the state directory (locked),
 * the policy choice, the seccomp filter, the cgroup, the id range, the
 * exec fifo and the console socket. */
static int prepare(struct creation *k, struct bw_error **err)
{
        const struct bw_create_opts *o = k->o;
        int r = load_and_judge(k, err);
        if (r < 0 || (r = resolve_rootfs(k, err)) < 0)
                return r;
        struct bw_store_entry *e = &k->cr.entry;
        if ((r = bw_store_create(o->root, o->id, e, err)) < 0)
                return r;
        /* exec and update are judged by the policy this create was. */
        if ((r = bw_policy_save_choice(e, &k->pc, err)) < 0 ||
            (r = bw_seccomp_setup_prepare(k->c, o->root, &k->sc, err)) < 0)
                return r;
        k->cr.cgroup_record = true;
        if ((r = bw_ctr_cgroup_prepare(e, o->id, k->c, o->systemd_cgroup, &k->cg, err)) < 0)
                return r;
        /* A user namespace without mappings gets a range of its own (after
         * the state directory exists: it is what marks the range in use). */
        if ((r = bw_userns_auto_assign(o->root, o->id, k->c, k->bundle, k->rootfs, &k->plan, err)) < 0 ||
            (r = bw_userns_joined_plan(o->root, k->c, &k->plan, err)) < 0)
                return r;
        if (mkfifoat(e->dir_fd, BW_EXEC_FIFO, 0600) < 0)
                return bw_error_set(err, -errno, "creating %s/" BW_EXEC_FIFO, e->path);
        /* Read-write, so opening never blocks and init can wait in read(). */
        if ((k->fifo = openat(e->dir_fd, BW_EXEC_FIFO, O_RDWR | O_CLOEXEC)) < 0)
                return bw_error_set(err, -errno, "opening %s/" BW_EXEC_FIFO, e->path);
        if (o->console_socket && (k->console = bw_unix_connect(o->console_socket, err)) < 0)
                return k->console;
        if (!o->console_socket && o->console_fd >= 0 && (k->console = fcntl(o->console_fd, F_DUPFD_CLOEXEC, 3)) < 0)
                return bw_error_set(err, -errno, "duplicating the console socket");
        return 0;
}

/* In the clone: init (after stage one, for a user namespace joined by
 * path). Never returns. */
static _Noreturn void be_init(struct creation *k, bool two_stage, int user_fd, unsigned parent_joined, int theirs)
{
        const struct oci_namespace *userns = oci_config_namespace(k->c, OCI_NS_USER);
        close(k->cr.entry.dir_fd); /* the lock stays with the parent */
        close(k->sync_fd);
        if (two_stage)
                stage_one(k->c, user_fd, theirs);
        struct bw_init_ctx ctx = {
                .config = k->c, .id = k->o->id, .bundle = k->bundle, .rootfs = k->rootfs,
                .sync_fd = theirs, .fifo_fd = k->fifo, .console_fd = k->console,
                .new_userns = userns && !userns->path, .user_joined = two_stage,
                .user_fd = user_fd, .parent_joined = parent_joined,
                .no_pivot = k->o->no_pivot,
                .no_new_keyring = k->o->no_new_keyring, .preserve_fds = k->o->preserve_fds,
                .seccomp = &k->sc,
        };
        bw_init_run(&ctx);
}

/* Stage one reports init's pid (as a pidfd) and exits. */
static int stage_one_pid(struct creation *k, pid_t stage, pid_t *pid, struct bw_error **err)
{
        struct bw_sync_msg m;
        int r = bw_sync_expect(k->sync_fd, BW_SYNC_PID, &m, err);
        _cleanup_close_ int pidfd = r < 0 ? -1 : bw_recv_fd(k->sync_fd, err);
        while (waitpid(stage, NULL, 0) < 0 && errno == EINTR)
                ;
        k->cr.pid = 0;
        if (r < 0 || pidfd < 0)
                return bw_error_wrap(err, "creating container %s", k->o->id);
        *pid = pid_of_pidfd(pidfd);
        if (*pid <= 0)
                return bw_error_msg(err, -ESRCH, "creating container %s: its init exited at once", k->o->id);
        k->cr.pid = *pid;
        return 0;
}

/* Clone init into its namespaces (and cgroup2 directory where it can be
 * born there); returns its pid, with k->sync_fd our end of its socket. */
static int spawn(struct creation *k, pid_t *pid_out, struct bw_error **err)
{
        const struct oci_config *c = k->c;
        int sp[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
                return bw_error_set(err, -errno, "creating the init socket");
        k->sync_fd = sp[0];
        _cleanup_close_ int theirs = sp[1];
        /* Ours come back right after the clone, so no later child of ours
         * (a hook) is born in a joined or new pid or time namespace. */
        _cleanup_(own_ns_back) struct bw_ns_for_children own_ns = BW_NS_FOR_CHILDREN_INIT;
        int r = join_for_children(c, &own_ns, err);
        if (r < 0 || (r = new_time_ns(c, &own_ns, err)) < 0)
                return r;
        const struct oci_namespace *userns = oci_config_namespace(c, OCI_NS_USER);
        /* Joining a user namespace by path: the new namespaces must belong
         * to it, so they are made after joining it (two stages). */
        bool two_stage = userns && userns->path && clone_flags(c);
        _cleanup_close_ int user_fd = open_joined_userns(c, err);
        if (user_fd < -1)
                return user_fd;
        int saved_ns[OCI_NS_COUNT];
        unsigned parent_joined = 0;
        if ((r = join_before_userns(c, user_fd, saved_ns, &parent_joined, err)) < 0) {
                restore_ns(saved_ns, false);
                return r;
        }
        /* Born in its cgroup2 directory where there is one; a failure to
         * open it only means the move by cgroup.procs later. */
        int cgfd = -1;
        if (k->cg.cg && !two_stage && !k->cg.systemd) {
                _cleanup_error_ struct bw_error *ignored = NULL;
                cgfd = bw_cgroup_clone_fd(k->cg.cg, &ignored);
        }
        bool born_in = false;
        pid_t pid = bw_clone_ns(two_stage ? 0 : clone_flags(c), cgfd, &born_in, err);
        restore_ns(saved_ns, pid == 0);
        bw_ns_for_children_restore(&own_ns, pid == 0);
        if (pid < 0)
                return pid;
        if (pid == 0)
                be_init(k, two_stage, user_fd, parent_joined, theirs);
        if (born_in)
                bw_cgroup_born_in(k->cg.cg, pid);
        k->cr.pid = pid;
        close(take_fd(theirs));
        if (two_stage && (r = stage_one_pid(k, pid, &pid, err)) < 0)
                return r;
        *pid_out = pid;
        return 0;
}

/* The state that makes it a container others can find, and --pid-file. */
static int record(struct creation *k, pid_t pid, struct bw_error **err)
{
        const struct oci_config *c = k->c;
        const struct oci_namespace *pidns = oci_config_namespace(c, OCI_NS_PID);
        struct bw_state s = {
                .oci_version = c->oci_version, .id = (char *)k->o->id, .bundle = k->bundle, .rootfs = k->rootfs,
                .pid = pid, .start_time = bw_proc_start_time(pid), .created = now_rfc3339(),
                .annotations = bw_annotations_json(&c->annotations),
                .own_pid_ns = pidns && !pidns->path,
                .hooks = (c->hooks.poststart.n ? BW_HOOKS_POSTSTART : 0) | (c->hooks.poststop.n ? BW_HOOKS_POSTSTOP : 0),
        };
        int r = bw_state_write(&k->cr.entry, &s, err);
        free(s.created);
        json_decref(s.annotations);
        if (r < 0 || !k->o->pid_file)
                return r;
        char text[32];
        snprintf(text, sizeof(text), "%d", (int)pid);
        return bw_write_file_atomic(k->o->pid_file, text, err);
}

int bw_container_create(const struct bw_create_opts *o, pid_t *pid_out, struct bw_error **err)
{
        _cleanup_(creation_clear) struct creation k = {
                .o = o, .cr = { .entry = { .dir_fd = -1 }, .id = o->id }, .sc = { .agent_fd = -1 },
                .fifo = -1, .console = -1, .sync_fd = -1,
        };
        pid_t pid = -1;
        int r = prepare(&k, err);
        if (r < 0 || (r = spawn(&k, &pid, err)) < 0 ||
            (r = parent_steps(o, k.c, k.bundle, k.rootfs, &k.plan, pid, k.sync_fd, &k.cg, &k.cr.entry, err)) < 0 ||
            (r = record(&k, pid, err)) < 0)
                return r;
        k.cr.keep = true;
        k.plan.keep = true;
        *pid_out = pid;
        return 0;
}
