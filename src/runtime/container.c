#include "runtime/container.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
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
#include "runtime/cgroups.h"
#include "runtime/bind_resolve.h"
#include "runtime/ns_owner.h"
#include "runtime/policy_gate.h"
#include "policy/rules.h"
#include "runtime/seccomp_setup.h"
#include "runtime/self_protect.h"
#include "runtime/hooks.h"
#include "runtime/init.h"
#include "runtime/sync.h"
#include "runtime/userns_auto.h"
#include "util/cleanup.h"
#include "util/log.h"


json_t *bw_annotations_json(const struct oci_kv_list *l)
{
        json_t *o = json_object();
        for (size_t i = 0; o && l && i < l->n; i++)
                json_object_set_new(o, l->v[i].key, json_string(l->v[i].value ? l->v[i].value : ""));
        return o;
}

char *bw_state_json_text(const char *id, const char *bundle, const struct oci_kv_list *annotations,
                         pid_t pid, enum bw_status status)
{
        struct bw_state s = { .id = (char *)id, .bundle = (char *)bundle, .pid = pid,
                              .annotations = bw_annotations_json(annotations) };
        _cleanup_json_ json_t *j = bw_state_oci_json(&s, status);
        if (s.annotations)
                json_decref(s.annotations);
        return j ? json_dumps(j, JSON_COMPACT) : NULL;
}

int bw_bundle_load(const char *bundle, char **abs_bundle, struct oci_config **config, struct bw_error **err)
{
        char buf[PATH_MAX];
        if (!realpath(bundle ? bundle : ".", buf))
                return bw_error_set(err, -errno, "bundle %s", bundle ? bundle : ".");
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/config.json", buf) < 0)
                return bw_error_set(err, -ENOMEM, "bundle %s", buf);
        int r = oci_config_load_file(path, config, err);
        if (r < 0)
                return r;
        *abs_bundle = strdup(buf);
        return *abs_bundle ? 0 : bw_error_set(err, -ENOMEM, "bundle %s", buf);
}

static int load_saved_config(const struct bw_store_entry *e, struct oci_config **c, struct bw_error **err)
{
        _cleanup_free_ char *path = bw_saved_config_path(e->path);
        if (!path)
                return bw_error_set(err, -ENOMEM, "the saved config in %s", e->path);
        int r = oci_config_load_file(path, c, err);
        return r < 0 ? r : bw_hooks_load_trusted(e->path, &(*c)->hooks, err);
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
        if (c->entry.dir_fd >= 0)
                bw_store_remove(&c->entry, NULL);
        bw_store_entry_close(&c->entry);
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
        if (c->hooks.prestart.n || c->hooks.create_runtime.n) {
                if (bw_sync_expect(sync_fd, BW_SYNC_HOOKS, NULL, err) < 0)
                        return bw_error_wrap(err, "creating container %s", o->id);
                _cleanup_free_ char *st = bw_state_json_text(o->id, bundle, &c->annotations, pid, BW_STATUS_CREATING);
                r = bw_hooks_run(&c->hooks.prestart, "prestart", st ? st : "{}", bundle, err);
                if (r >= 0)
                        r = bw_hooks_run(&c->hooks.create_runtime, "createRuntime", st ? st : "{}", bundle, err);
                if (r < 0) {
                        bw_sync_send(sync_fd, BW_SYNC_ERROR, r, "hook failed", NULL);
                        return r;
                }
                if (bw_sync_send(sync_fd, BW_SYNC_HOOKS_DONE, 0, NULL, err) < 0)
                        return bw_error_wrap(err, "creating container %s", o->id);
        }
        if (bw_sync_expect(sync_fd, BW_SYNC_PARKED, NULL, err) < 0)
                return bw_error_wrap(err, "creating container %s", o->id);
        return 0;
}

int bw_container_create(const struct bw_create_opts *o, pid_t *pid_out, struct bw_error **err)
{
        int r = bw_store_validate_id(o->id, err);
        if (r < 0)
                return r;
        _cleanup_free_ char *bundle = NULL;
        _cleanup_config_ struct oci_config *c = NULL;
        r = bw_bundle_load(o->bundle, &bundle, &c, err);
        if (r < 0)
                return r;
        /* Bind sources as this host has them, so the policy and the mounts
         * act on one object; then the policy: it may rewrite what the
         * checks below see. */
        if ((r = bw_bind_resolve(c, bundle, err)) < 0)
                return r;
        /* Whose namespaces it joins: a fact for the policy, and a new user
         * namespace without mappings becomes a join of the owner's when
         * that is one of our containers' (a pod's sandbox). */
        bw_ns_owners_read(c, o->root);
        struct bw_policy_choice pc = { o->policy_file, o->profile, o->policy_mode };
        if ((r = bw_policy_gate(c, &pc, err)) < 0)
                return r;
        if ((r = check_config(c, err)) < 0)
                return r;
        /* Normally a no-op: the caller chose from the config's text. */
        const struct oci_process *procs[] = { c->process };
        if ((r = bw_self_protect(procs, 1, err)) < 0)
                return r;
        if ((r = bw_cgroup_default_devices(c)) < 0)
                return bw_error_set(err, r, "adding the default device rules to linux.resources.devices");
        /* The mounts of the judged bind sources, cloned from their fds. */
        if ((r = bw_bind_clone_sources(c, err)) < 0)
                return r;
        char rootfs[PATH_MAX];
        _cleanup_free_ char *rp = NULL;
        if (c->root.path[0] == '/' ? !(rp = strdup(c->root.path)) : asprintf(&rp, "%s/%s", bundle, c->root.path) < 0)
                return bw_error_set(err, -ENOMEM, "root.path %s", c->root.path);
        if (!realpath(rp, rootfs))
                return bw_error_set(err, -errno, "rootfs %s (root.path in config.json)", rp);
        /* The directory the policy judged, not one swapped in since (the
         * idmapped view is checked again when it is made from an fd). */
        struct stat rst;
        if (c->root.src.resolved &&
            (stat(rootfs, &rst) < 0 || (uint64_t)rst.st_dev != c->root.src.dev || (uint64_t)rst.st_ino != c->root.src.ino))
                return bw_error_msg(err, -EBUSY, "rootfs %s is not the directory the policy judged (%s): it changed in "
                                    "between; refusing", rootfs, c->root.src.path);

        _cleanup_(created_cleanup) struct created cr = { .entry = { .dir_fd = -1 }, .id = o->id };
        r = bw_store_create(o->root, o->id, &cr.entry, err);
        if (r < 0)
                return r;
        /* exec and update are judged by the policy this create was. */
        if ((r = bw_policy_save_choice(&cr.entry, &pc, err)) < 0)
                return r;
        _cleanup_(bw_seccomp_setup_clear) struct bw_seccomp_setup sc = { .agent_fd = -1 };
        if ((r = bw_seccomp_setup_prepare(c, o->root, &sc, err)) < 0)
                return r;
        cr.cgroup_record = true;
        _cleanup_(bw_ctr_cgroup_close) struct bw_ctr_cgroup cg = { 0 };
        if ((r = bw_ctr_cgroup_prepare(&cr.entry, o->id, c, o->systemd_cgroup, &cg, err)) < 0)
                return r;
        /* A user namespace without mappings gets a range of its own (after
         * the state directory exists: it is what marks the range in use). */
        _cleanup_(bw_userns_plan_done) struct bw_userns_plan plan = { 0 };
        if ((r = bw_userns_auto_assign(o->root, o->id, c, bundle, rootfs, &plan, err)) < 0 ||
            (r = bw_userns_joined_plan(o->root, c, &plan, err)) < 0)
                return r;
        if (mkfifoat(cr.entry.dir_fd, BW_EXEC_FIFO, 0600) < 0)
                return bw_error_set(err, -errno, "creating %s/" BW_EXEC_FIFO, cr.entry.path);
        /* Read-write, so opening never blocks and init can wait in read(). */
        _cleanup_close_ int fifo = openat(cr.entry.dir_fd, BW_EXEC_FIFO, O_RDWR | O_CLOEXEC);
        if (fifo < 0)
                return bw_error_set(err, -errno, "opening %s/" BW_EXEC_FIFO, cr.entry.path);
        _cleanup_close_ int console = -1;
        if (o->console_socket && (console = bw_unix_connect(o->console_socket, err)) < 0)
                return console;
        if (!o->console_socket && o->console_fd >= 0 && (console = fcntl(o->console_fd, F_DUPFD_CLOEXEC, 3)) < 0)
                return bw_error_set(err, -errno, "duplicating the console socket");
        int sp[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
                return bw_error_set(err, -errno, "creating the init socket");
        _cleanup_close_ int mine = sp[0], theirs = sp[1];
        /* Ours come back after the clone, or when we fail before it. */
        _cleanup_(own_ns_back) struct bw_ns_for_children own_ns = BW_NS_FOR_CHILDREN_INIT;
        if ((r = join_for_children(c, &own_ns, err)) < 0 || (r = new_time_ns(c, &own_ns, err)) < 0)
                return r;
        const struct oci_namespace *userns = oci_config_namespace(c, OCI_NS_USER);
        /* Joining a user namespace by path: the new namespaces must belong
         * to it, so they are made after joining it (two stages, below). */
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
         * open it only means the move by cgroup.procs below. */
        int cgfd = -1;
        if (cg.cg && !two_stage && !cg.systemd) {
                _cleanup_error_ struct bw_error *ignored = NULL;
                cgfd = bw_cgroup_clone_fd(cg.cg, &ignored);
        }
        bool born_in = false;
        pid_t pid = bw_clone_ns(two_stage ? 0 : clone_flags(c), cgfd, &born_in, err);
        restore_ns(saved_ns, pid == 0);
        bw_ns_for_children_restore(&own_ns, pid == 0);
        if (pid < 0)
                return pid;
        if (pid > 0 && born_in)
                bw_cgroup_born_in(cg.cg, pid);
        if (pid == 0) {
                close(cr.entry.dir_fd); /* the lock stays with the parent */
                close(mine);
                if (two_stage)
                        stage_one(c, user_fd, theirs);
                struct bw_init_ctx ctx = {
                        .config = c, .id = o->id, .bundle = bundle, .rootfs = rootfs,
                        .sync_fd = theirs, .fifo_fd = fifo, .console_fd = console,
                        .new_userns = userns && !userns->path, .user_joined = two_stage,
                        .user_fd = user_fd, .parent_joined = parent_joined,
                        .no_pivot = o->no_pivot,
                        .no_new_keyring = o->no_new_keyring, .preserve_fds = o->preserve_fds,
                        .seccomp = &sc,
                };
                bw_init_run(&ctx);
        }
        cr.pid = pid;
        close(take_fd(theirs));
        if (two_stage) {
                /* Stage one reports init's pid and exits. */
                struct bw_sync_msg m;
                r = bw_sync_expect(mine, BW_SYNC_PID, &m, err);
                _cleanup_close_ int pidfd = r < 0 ? -1 : bw_recv_fd(mine, err);
                while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                        ;
                cr.pid = 0;
                if (r < 0 || pidfd < 0)
                        return bw_error_wrap(err, "creating container %s", o->id);
                pid = pid_of_pidfd(pidfd);
                if (pid <= 0)
                        return bw_error_msg(err, -ESRCH, "creating container %s: its init exited at once", o->id);
                cr.pid = pid;
        }
        if ((r = parent_steps(o, c, bundle, rootfs, &plan, pid, mine, &cg, &cr.entry, err)) < 0)
                return r;

        struct bw_state s = {
                .oci_version = c->oci_version, .id = (char *)o->id, .bundle = bundle, .rootfs = rootfs,
                .pid = pid, .start_time = bw_proc_start_time(pid), .created = now_rfc3339(),
                .annotations = bw_annotations_json(&c->annotations),
                .own_pid_ns = oci_config_namespace(c, OCI_NS_PID) && !oci_config_namespace(c, OCI_NS_PID)->path,
                .hooks = (c->hooks.poststart.n ? BW_HOOKS_POSTSTART : 0) | (c->hooks.poststop.n ? BW_HOOKS_POSTSTOP : 0),
        };
        r = bw_state_write(&cr.entry, &s, err);
        free(s.created);
        json_decref(s.annotations);
        if (r < 0)
                return r;
        if (o->pid_file) {
                char text[32];
                snprintf(text, sizeof(text), "%d", (int)pid);
                if ((r = bw_write_file_atomic(o->pid_file, text, err)) < 0)
                        return r;
        }
        cr.keep = true;
        plan.keep = true;
        *pid_out = pid;
        return 0;
}

int bw_container_start(const char *root, const char *id, struct bw_error **err)
{
        _cleanup_(bw_store_entry_close) struct bw_store_entry e = { .dir_fd = -1 };
        int r = bw_store_open(root, id, &e, err);
        if (r < 0)
                return r;
        _cleanup_(bw_state_clear) struct bw_state s = { 0 };
        if ((r = bw_state_read(&e, &s, err)) < 0)
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
                return bw_error_set(err, -ENOMEM, "listing the processes of container %s", s->id);
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
        int r = bw_store_open(root, id, &e, err);
        if (r < 0)
                return r;
        _cleanup_(bw_state_clear) struct bw_state s = { 0 };
        if ((r = bw_state_read(&e, &s, err)) < 0)
                return r;
        if (bw_state_status(&e, &s) == BW_STATUS_STOPPED)
                return bw_error_msg(err, -ESRCH, "container %s is not running", id);
        if (all && (r = bw_ctr_cgroup_signal(&e, id, sig, err)) != -ENOENT)
                return r < 0 ? r : 0;
        return kill_locked(&s, sig, all, err);
}

/* The state directory goes, and the id range lets go of the container
 * (freed when its rootfs is gone too). */
/* Everything a container owns outside its state dir goes first (its cgroup,
 * its id range), so a failed delete can be retried with the state intact. */
static int remove_container(const char *root, const char *id, struct bw_store_entry *e, struct bw_error **err)
{
        if (bw_ctr_cgroup_remove(e, id, err) < 0)
                return -1;
        _cleanup_error_ struct bw_error *re = NULL;
        if (bw_userns_auto_release(root, id, &re) < 0)
                bw_warn("%s", re->msg);
        return bw_store_remove(e, err);
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
        _cleanup_config_ struct oci_config *c = NULL;
        _cleanup_error_ struct bw_error *cerr = NULL;
        if ((s.hooks & BW_HOOKS_POSTSTOP) && load_saved_config(&e, &c, &cerr) == 0 && c->hooks.poststop.n) {
                _cleanup_free_ char *text = bw_state_json_text(id, s.bundle, &c->annotations, 0, BW_STATUS_STOPPED);
                bw_hooks_run_all(&c->hooks.poststop, "poststop", text ? text : "{}", s.bundle);
        }
        return remove_container(root, id, &e, err);
}
