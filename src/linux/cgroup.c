/* One container's cgroup across every hierarchy: paths, creation, joining,
 * freezing, listing, killing and removal. Limits are in cgroup_v1.c and
 * cgroup_v2.c; where the hierarchies are is in cgroup_layout.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "linux/cgroup_internal.h"
#include "util/cleanup.h"
#include "util/log.h"

void bw_cgroup_free(struct bw_cgroup *cg)
{
        if (!cg)
                return;
        if (cg->dirs)
                for (size_t i = 0; i < cg->sys->n; i++)
                        free(cg->dirs[i]);
        free(cg->dirs);
        free(cg->path);
        if (cg->clone_fd >= 0)
                close(cg->clone_fd);
        free(cg);
}

/* slice:prefix:name, as runc's and crun's systemd drivers take it. */
static bool systemd_form(const char *p)
{
        if (p[0] == '/')
                return false;
        int colons = 0;
        for (const char *c = p; *c; c++)
                colons += *c == ':';
        return colons == 2;
}

static int check_path(const char *id, const char *path, bool systemd, struct bw_error **err)
{
        if (path && systemd_form(path))
                return bw_error_msg(err, -EINVAL,
                                    "cgroupsPath \"%s\" is in the systemd form slice:prefix:name, which only the "
                                    "systemd cgroup driver takes: give --systemd-cgroup, or a path like /bulwark/ID",
                                    path);
        /* The systemd driver resolves its unit to a path first
         * (runtime/cgroups.c): a handle is always a cgroupfs path. */
        if (systemd)
                return bw_error_msg(err, -EINVAL, "--systemd-cgroup: the unit must be resolved to its cgroup first");
        if (path && cg_has_dot_component(path))
                return bw_error_msg(err, -EINVAL,
                                    "cgroupsPath \"%s\" contains a \".\" or \"..\" component; give a path without them",
                                    path);
        if ((!path || !*path) && (!id || !*id || strchr(id, '/') || strcmp(id, "..") == 0 || strcmp(id, ".") == 0))
                return bw_error_msg(err, -EINVAL, "container id \"%s\" cannot name a cgroup", id ? id : "");
        return 0;
}

/* The caller's cgroup as seen below the mount point. */
static const char *below_mount(const struct bw_cg_hierarchy *h)
{
        size_t rl = strlen(h->mount_root);
        if (strcmp(h->mount_root, "/") != 0 && strncmp(h->own, h->mount_root, rl) == 0)
                return h->own + rl;
        return h->own;
}

int bw_cgroup_new(const struct bw_cg_system *sys, const char *id, const char *cgroups_path, bool systemd,
                  struct bw_cgroup **out, struct bw_error **err)
{
        int r = check_path(id, cgroups_path, systemd, err);
        if (r < 0)
                return r;
        struct bw_cgroup *cg = calloc(1, sizeof(*cg));
        if (!cg)
                return bw_error_set(err, -ENOMEM, "cgroup of %s", id);
        cg->sys = sys;
        cg->clone_fd = -1;
        cg->dirs = calloc(sys->n, sizeof(char *));
        bool relative = cgroups_path && *cgroups_path && cgroups_path[0] != '/';
        int n = 0;
        if (!cgroups_path || !*cgroups_path)
                n = asprintf(&cg->path, "/bulwark/%s", id);
        else
                cg->path = strdup(cgroups_path);
        if (!cg->dirs || n < 0 || !cg->path) {
                bw_cgroup_free(cg);
                return bw_error_set(err, -ENOMEM, "cgroup of %s", id);
        }
        for (size_t i = 0; i < sys->n; i++) {
                const struct bw_cg_hierarchy *h = &sys->h[i];
                /* Outside our cgroup namespace /proc/self/cgroup shows
                 * "/../..": there is no directory to put a relative path in. */
                if (relative && cg_has_dot_component(below_mount(h))) {
                        bw_cgroup_free(cg);
                        return bw_error_msg(err, -EINVAL,
                                            "relative cgroupsPath \"%s\": the caller's cgroup %s in %s is outside "
                                            "what is mounted (another cgroup namespace); use an absolute cgroupsPath",
                                            cgroups_path, h->own, h->mount);
                }
                if (relative)
                        n = asprintf(&cg->dirs[i], "%s/%s/%s", h->mount, below_mount(h), cg->path);
                else
                        n = asprintf(&cg->dirs[i], "%s/%s", h->mount, cg->path);
                if (n < 0) {
                        cg->dirs[i] = NULL;
                        bw_cgroup_free(cg);
                        return bw_error_set(err, -ENOMEM, "cgroup of %s", id);
                }
                cg_squash_slashes(cg->dirs[i]);
                if (strcmp(cg->dirs[i], h->mount) == 0) {
                        bw_cgroup_free(cg);
                        return bw_error_msg(err, -EINVAL,
                                            "cgroupsPath \"%s\" names the root cgroup of %s; a container needs "
                                            "its own cgroup below it",
                                            cgroups_path, h->mount);
                }
        }
        *out = cg;
        return 0;
}

const char *bw_cgroup_path(const struct bw_cgroup *cg)
{
        return cg->path;
}

const char *bw_cgroup_dir(const struct bw_cgroup *cg, enum bw_cg_ctrl c)
{
        if ((unsigned)c >= BW_CGC__N || cg->sys->where[c] < 0)
                return NULL;
        return cg->dirs[cg->sys->where[c]];
}

const char *bw_cgroup_v2_dir(const struct bw_cgroup *cg)
{
        return cg->sys->v2 >= 0 ? cg->dirs[cg->sys->v2] : NULL;
}

const char *cg_dir_for(const struct bw_cgroup *cg, enum bw_cg_ctrl c, bool v2)
{
        int i = cg->sys->where[c];
        if (i < 0 || cg->sys->h[i].v2 != v2)
                return NULL;
        return cg->dirs[i];
}

/* mkdir -p below the mount point; new cpuset directories get their parent's
 * cpus and mems (an empty cpuset refuses tasks), v2 parents enable their
 * controllers for the children. */
static int make_dirs(const struct bw_cg_hierarchy *h, const char *dir, struct bw_error **err)
{
        _cleanup_free_ char *p = strdup(dir);
        if (!p)
                return bw_error_set(err, -ENOMEM, "creating %s", dir);
        size_t ml = strlen(h->mount);
        for (char *s = p + ml; s; ) {
                s = strchr(s + 1, '/');
                if (s)
                        *s = '\0';
                if (h->v2) {
                        char *parent = strrchr(p, '/');
                        *parent = '\0';
                        cg_v2_enable_controllers(p);
                        *parent = '/';
                }
                bool made = mkdir(p, 0755) == 0;
                if (!made && errno != EEXIST)
                        return bw_error_set(err, -errno, "creating cgroup %s", p);
                /* An existing parent with an empty cpuset (made by
                 * someone else, never given cpus) would refuse our tasks
                 * with ENOSPC: it gets its parent's, as runc does. Only an
                 * empty cpuset is written, which can hold no task. */
                if (!h->v2 && (h->ctrls & 1u << BW_CGC_CPUSET))
                        cg_v1_cpuset_inherit(p);
                if (s)
                        *s = '/';
        }
        return 0;
}

int bw_cgroup_create(struct bw_cgroup *cg, struct bw_error **err)
{
        for (size_t i = 0; i < cg->sys->n; i++) {
                int r = make_dirs(&cg->sys->h[i], cg->dirs[i], err);
                if (r < 0)
                        return r;
        }
        return 0;
}

char *bw_cgroup_first_existing(struct bw_cgroup *cg)
{
        for (size_t i = 0; i < cg->sys->n; i++) {
                struct stat st;
                if (lstat(cg->dirs[i], &st) == 0)
                        return strdup(cg->dirs[i]);
        }
        return NULL;
}

int bw_cgroup_add_pid(struct bw_cgroup *cg, pid_t pid, struct bw_error **err)
{
        for (size_t i = 0; i < cg->sys->n; i++) {
                /* born there by CLONE_INTO_CGROUP: a write would only pay
                 * the migration lock for nothing */
                if (pid == cg->born_pid && (int)i == cg->sys->v2)
                        continue;
                int r = cg_writef(cg->dirs[i], "cgroup.procs", err, "%d", (int)pid);
                if (r < 0)
                        return bw_error_wrap(err, "moving pid %d into its cgroup", (int)pid);
        }
        return 0;
}

/* The PATH of "CTRL[,CTRL]:PATH" that names controller ctrl (NULL: the
 * entry without a controller). */
static const char *sub_for(char *const *subs, const char *ctrl)
{
        for (size_t i = 0; subs[i]; i++) {
                const char *colon = strchr(subs[i], ':');
                if (!ctrl) {
                        if (!colon)
                                return subs[i];
                        continue;
                }
                if (!colon)
                        continue;
                size_t len = strlen(ctrl);
                for (const char *c = subs[i]; c < colon;) {
                        const char *end = memchr(c, ',', (size_t)(colon - c));
                        if (!end)
                                end = colon;
                        if ((size_t)(end - c) == len && strncmp(c, ctrl, len) == 0)
                                return colon + 1;
                        c = end + 1;
                }
        }
        return NULL;
}

static int check_sub(char *const *subs, struct bw_error **err)
{
        for (size_t i = 0; subs[i]; i++) {
                const char *colon = strchr(subs[i], ':');
                const char *path = colon ? colon + 1 : subs[i];
                if (colon == subs[i])
                        return bw_error_usage(err, "--cgroup %s: empty controller before ':'", subs[i]);
                if (!*path)
                        return bw_error_usage(err, "--cgroup %s: empty sub-cgroup path", subs[i]);
                _cleanup_free_ char *copy = strdup(path);
                if (!copy)
                        return bw_error_set(err, -ENOMEM, "--cgroup %s", subs[i]);
                char *save = NULL;
                for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save))
                        if (strcmp(t, "..") == 0)
                                return bw_error_usage(err, "--cgroup %s: the path must stay under the container's cgroup (no '..')", subs[i]);
                if (colon) {
                        for (const char *c = subs[i]; c < colon;) {
                                const char *end = memchr(c, ',', (size_t)(colon - c));
                                if (!end)
                                        end = colon;
                                bool known = false;
                                for (int k = 0; k < BW_CGC__N; k++) {
                                        const char *n = bw_cg_ctrl_name((enum bw_cg_ctrl)k, false);
                                        known |= n && strlen(n) == (size_t)(end - c) && strncmp(n, c, (size_t)(end - c)) == 0;
                                }
                                if (!known)
                                        return bw_error_usage(err, "--cgroup %s: unknown controller '%.*s'", subs[i],
                                                              (int)(end - c), c);
                                c = end + 1;
                        }
                }
                for (size_t j = 0; j < i; j++)
                        if (!colon && !strchr(subs[j], ':'))
                                return bw_error_usage(err, "--cgroup: two paths for every controller ('%s' and '%s')",
                                                      subs[j], subs[i]);
        }
        return 0;
}

int bw_cgroup_add_pid_sub(struct bw_cgroup *cg, pid_t pid, char *const *subs, struct bw_error **err)
{
        int r = check_sub(subs, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < cg->sys->n; i++) {
                if (!cg->dirs[i])
                        continue;
                const struct bw_cg_hierarchy *h = &cg->sys->h[i];
                const char *sub = NULL;
                if (h->v2) {
                        sub = sub_for(subs, NULL);
                        if (cg->sys->layout == BW_CG_UNIFIED)
                                for (size_t j = 0; subs[j]; j++)
                                        if (strchr(subs[j], ':'))
                                                return bw_error_usage(err,
                                                                      "--cgroup %s: cgroup v2 has one hierarchy; give the sub-cgroup without a controller",
                                                                      subs[j]);
                } else {
                        for (int k = 0; k < BW_CGC__N && !sub; k++)
                                if (h->ctrls & (1u << k))
                                        sub = sub_for(subs, bw_cg_ctrl_name((enum bw_cg_ctrl)k, false));
                        if (!sub)
                                sub = sub_for(subs, NULL);
                }
                _cleanup_free_ char *dir = NULL;
                if (sub) {
                        while (*sub == '/')
                                sub++;
                        if (asprintf(&dir, "%s/%s", cg->dirs[i], sub) < 0)
                                return bw_error_set(err, -ENOMEM, "--cgroup %s: the path under %s", sub, cg->dirs[i]);
                        struct stat st;
                        if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
                                return bw_error_msg(err, -ENOENT,
                                                    "--cgroup: no sub-cgroup %s in the container's cgroup %s (create it first)",
                                                    sub, cg->dirs[i]);
                }
                r = cg_writef(dir ? dir : cg->dirs[i], "cgroup.procs", err, "%d", (int)pid);
                if (r < 0)
                        return bw_error_wrap(err, "moving pid %d into %s", (int)pid, dir ? dir : cg->dirs[i]);
        }
        return 0;
}

void bw_cgroup_born_in(struct bw_cgroup *cg, pid_t pid)
{
        cg->born_pid = pid;
}

int bw_cgroup_clone_fd(struct bw_cgroup *cg, struct bw_error **err)
{
        /* unified, or hybrid with a cgroup2 directory of the container's */
        if (cg->sys->v2 < 0 || !cg->dirs[cg->sys->v2] || cg->sys->layout == BW_CG_LEGACY)
                return -1;
        if (cg->clone_fd < 0) {
                const char *dir = cg->dirs[cg->sys->v2];
                cg->clone_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (cg->clone_fd < 0)
                        return bw_error_set(err, -errno, "opening cgroup %s", dir);
        }
        return cg->clone_fd;
}

static bool wants(const struct oci_resources *r, enum bw_cg_ctrl c)
{
        const struct oci_memory *m = &r->memory;
        const struct oci_cpu *u = &r->cpu;
        const struct oci_blkio *b = &r->block_io;
        switch (c) {
        case BW_CGC_MEMORY:
                return m->present && (m->limit.set || m->reservation.set || m->swap.set || m->swappiness.set ||
                                      m->disable_oom_killer.set);
        case BW_CGC_CPU:
                return u->present && (u->shares.set || u->quota.set || u->period.set || u->realtime_period.set ||
                                      u->realtime_runtime.set || u->burst.set || u->idle.set);
        case BW_CGC_CPUSET: return u->present && (u->cpus || u->mems);
        case BW_CGC_PIDS: return r->pids.present && r->pids.limit.set;
        case BW_CGC_BLKIO:
                return b->present && (b->weight.set || b->leaf_weight.set || b->n_weight_device ||
                                      b->throttle_read_bps.n || b->throttle_write_bps.n ||
                                      b->throttle_read_iops.n || b->throttle_write_iops.n);
        case BW_CGC_HUGETLB: return r->n_hugepage_limits > 0;
        case BW_CGC_NET_CLS: return r->network.class_id.set;
        case BW_CGC_NET_PRIO: return r->network.n_priorities > 0;
        case BW_CGC_RDMA: return r->n_rdma > 0;
        case BW_CGC_DEVICES: return r->n_devices > 0;
        default: return false;
        }
}

static void zero_is_unset_i64(oci_opt_i64 *v)
{
        if (v->set && v->v == 0)
                v->set = false;
}

static void zero_is_unset_u64(oci_opt_u64 *v)
{
        if (v->set && v->v == 0)
                v->set = false;
}

/* runc reads 0 as "not set" for these (Docker and Kubernetes send 0 for
 * "no limit"); writing it would mean cpu.shares 2 or a 0-byte memory
 * limit. */
static struct oci_resources normalized(const struct oci_resources *in)
{
        struct oci_resources r = *in;
        zero_is_unset_i64(&r.memory.limit);
        zero_is_unset_i64(&r.memory.reservation);
        zero_is_unset_i64(&r.memory.swap);
        zero_is_unset_u64(&r.cpu.shares);
        zero_is_unset_i64(&r.cpu.quota);
        zero_is_unset_u64(&r.cpu.period);
        zero_is_unset_i64(&r.cpu.realtime_runtime);
        zero_is_unset_u64(&r.cpu.realtime_period);
        if (r.block_io.weight.set && r.block_io.weight.v == 0)
                r.block_io.weight.set = false;
        if (r.block_io.leaf_weight.set && r.block_io.leaf_weight.v == 0)
                r.block_io.leaf_weight.set = false;
        return r;
}

/* checkBeforeUpdate: refuse a memory limit below what is already used
 * rather than have the kernel reclaim or OOM-kill to get there. */
static int check_memory_update(struct bw_cgroup *cg, const struct oci_memory *m, struct bw_error **err)
{
        if (!m->check_before_update.set || !m->check_before_update.v || !m->limit.set || m->limit.v < 0)
                return 0;
        struct bw_cg_stats st = { 0 };
        bw_cgroup_stats(cg, &st, NULL);
        if (st.memory.present && st.memory.usage > (uint64_t)m->limit.v)
                return bw_error_msg(err, -EBUSY,
                                    "memory.limit %" PRId64 " is below the %" PRIu64 " bytes the container "
                                    "already uses (checkBeforeUpdate is set); free memory first or give a higher limit",
                                    m->limit.v, st.memory.usage);
        return 0;
}

int bw_cgroup_set(struct bw_cgroup *cg, const struct oci_resources *in, struct bw_error **err)
{
        if (!in || !in->present)
                return 0;
        struct oci_resources norm = normalized(in);
        const struct oci_resources *res = &norm;
        /* A limit asked for and not enforced is worse than a refusal. */
        for (int c = 0; c < BW_CGC__N; c++)
                if (wants(res, c) && cg->sys->where[c] < 0)
                        return bw_error_msg(err, -EOPNOTSUPP,
                                            "the config sets %s limits but the %s controller is not available "
                                            "(neither mounted as cgroup v1 nor listed in cgroup2's "
                                            "cgroup.controllers); enable it or remove those limits",
                                            bw_cg_ctrl_name(c, false), bw_cg_ctrl_name(c, false));
        int r = check_memory_update(cg, &res->memory, err);
        if (r >= 0)
                r = cg_v1_set(cg, res, err);
        if (r >= 0)
                r = cg_v2_set(cg, res, err);
        if (r < 0)
                return bw_error_wrap(err, "setting the limits of cgroup %s", cg->path);
        return 0;
}

int bw_cgroup_freeze(struct bw_cgroup *cg, bool frozen, struct bw_error **err)
{
        const char *d1 = cg_dir_for(cg, BW_CGC_FREEZER, false), *d2 = cg_dir_for(cg, BW_CGC_FREEZER, true);
        int r;
        if (d1)
                r = cg_v1_freeze(d1, frozen, err);
        else if (d2)
                r = cg_v2_freeze(d2, frozen, err);
        else
                return bw_error_msg(err, -EOPNOTSUPP,
                                    "cannot %s cgroup %s: no freezer (mount the v1 freezer controller or cgroup2)",
                                    frozen ? "freeze" : "thaw", cg->path);
        if (r < 0)
                return bw_error_wrap(err, "%s cgroup %s", frozen ? "freezing" : "thawing", cg->path);
        return 0;
}

int bw_cgroup_frozen(struct bw_cgroup *cg, bool *frozen, struct bw_error **err)
{
        const char *d1 = cg_dir_for(cg, BW_CGC_FREEZER, false), *d2 = cg_dir_for(cg, BW_CGC_FREEZER, true);
        *frozen = false;
        if (d1)
                return cg_v1_frozen(d1, frozen, err);
        if (d2)
                return cg_v2_frozen(d2, frozen, err);
        return 0;
}

int bw_cgroup_stats(struct bw_cgroup *cg, struct bw_cg_stats *st, struct bw_error **err)
{
        (void)err;
        *st = (struct bw_cg_stats){ 0 };
        cg_v1_stats(cg, st);
        cg_v2_stats(cg, st);
        return 0;
}

/* The hierarchy that lists the container's processes: cgroup2 when there
 * is one (hybrid included: every process joins it), else the freezer's. */
static const char *procs_dir(const struct bw_cgroup *cg)
{
        if (cg->sys->v2 >= 0)
                return cg->dirs[cg->sys->v2];
        int i = cg->sys->where[BW_CGC_FREEZER];
        if (i < 0)
                i = cg->sys->where[BW_CGC_PIDS];
        return cg->dirs[i >= 0 ? i : 0];
}

/* fn on each cgroup nested in dir (one level; fn recurses). A nested
 * cgroup gone meanwhile (-ENOENT from fn) is passed over. Returns 0, fn's
 * first other error, or -errno when dir cannot be read (-ENOENT: gone). */
static int each_nested(const char *dir, int (*fn)(const char *sub, void *arg), void *arg)
{
        _cleanup_closedir_ DIR *d = opendir(dir);
        if (!d)
                return -errno;
        for (struct dirent *e; (e = readdir(d));) {
                if (e->d_type != DT_DIR || e->d_name[0] == '.')
                        continue;
                _cleanup_free_ char *sub = NULL;
                if (asprintf(&sub, "%s/%s", dir, e->d_name) < 0)
                        return -ENOMEM;
                int r = fn(sub, arg);
                if (r < 0 && r != -ENOENT)
                        return r;
        }
        return 0;
}

struct pidv { pid_t *v; size_t n, cap; };

static int collect(const char *dir, void *arg)
{
        struct pidv *pv = arg;
        _cleanup_free_ char *text = NULL;
        int r = cg_read(dir, "cgroup.procs", &text);
        if (r < 0)
                return r;
        for (char *save = NULL, *w = strtok_r(text, "\n", &save); w; w = strtok_r(NULL, "\n", &save)) {
                if (pv->n == pv->cap) {
                        size_t cap = pv->cap ? pv->cap * 2 : 32;
                        pid_t *nv = realloc(pv->v, cap * sizeof(pid_t));
                        if (!nv)
                                return -ENOMEM;
                        pv->v = nv;
                        pv->cap = cap;
                }
                pv->v[pv->n++] = (pid_t)atoi(w);
        }
        /* Nested cgroups the container made for itself. */
        r = each_nested(dir, collect, pv);
        return r == -ENOENT ? 0 : r;
}

int bw_cgroup_pids(struct bw_cgroup *cg, pid_t **pids, size_t *n, struct bw_error **err)
{
        struct pidv pv = { 0 };
        const char *dir = procs_dir(cg);
        int r = collect(dir, &pv);
        if (r < 0) {
                free(pv.v);
                return bw_error_set(err, r, "listing the processes of cgroup %s", dir);
        }
        *pids = pv.v;
        *n = pv.n;
        return 0;
}

static int signal_each(struct bw_cgroup *cg, int sig, size_t *count, struct bw_error **err)
{
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        int r = bw_cgroup_pids(cg, &pids, &n, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (kill(pids[i], sig) < 0 && errno != ESRCH)
                        return bw_error_set(err, -errno, "sending signal %d to pid %d", sig, (int)pids[i]);
        *count = n;
        return 0;
}

int bw_cgroup_kill(struct bw_cgroup *cg, int sig, struct bw_error **err)
{
        bool was_frozen = false, froze = false;
        _cleanup_error_ struct bw_error *ferr = NULL;
        if (bw_cgroup_frozen(cg, &was_frozen, &ferr) < 0)
                was_frozen = false;
        const char *v2 = bw_cgroup_v2_dir(cg);
        int r;
        if (sig == SIGKILL && v2 && cg_has(v2, "cgroup.kill")) {
                r = cg_write(v2, "cgroup.kill", "1", err);
        } else {
                /* Freeze so that no process forks a child we would miss; a
                 * frozen task takes its signal when thawed. */
                if (!was_frozen)
                        froze = bw_cgroup_freeze(cg, true, &ferr) == 0;
                size_t count = 0;
                r = signal_each(cg, sig, &count, err);
        }
        /* Thaw what we froze; and a container being killed must be thawed
         * whatever its freezer says (paused, or left half-frozen by a pause
         * that was itself killed, or a freeze of ours that timed out), or a
         * v1-frozen task never gets to die. Other signals to a paused
         * container wait for resume, as with runc. */
        if (froze || sig == SIGKILL) {
                _cleanup_error_ struct bw_error *terr = NULL;
                if (bw_cgroup_freeze(cg, false, &terr) < 0 && (froze || was_frozen))
                        bw_warn("%s", terr->msg);
        }
        return r < 0 ? r : 0;
}

/* Remove dir and the cgroups nested in it, deepest first. */
static int remove_tree(const char *dir, void *unused)
{
        int r = each_nested(dir, remove_tree, unused);
        if (r < 0)
                return r == -ENOENT ? 0 : r;
        if (rmdir(dir) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

int bw_cgroup_destroy(struct bw_cgroup *cg, struct bw_error **err)
{
        for (size_t i = 0; i < cg->sys->n; i++) {
                int r = 0;
                /* A process just killed stays in its cgroup until its
                 * exit finishes (its memory is torn down first): EBUSY for
                 * a while, seconds on a loaded host. Up to 10 s, as long
                 * as delete waits for init to die. */
                for (int tries = 0; tries < 1000; tries++) {
                        r = remove_tree(cg->dirs[i], NULL);
                        if (r != -EBUSY)
                                break;
                        cg_nap_ms(10);
                }
                if (r < 0)
                        return bw_error_set(err, r, "removing cgroup %s%s", cg->dirs[i],
                                            r == -EBUSY ? " (processes are still in it; kill them first)" : "");
        }
        return 0;
}
