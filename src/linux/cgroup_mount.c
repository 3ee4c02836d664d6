/* The container's own cgroupfs: what to mount (planned from mountinfo and
 * /proc/self/cgroup as init sees them) and mounting it. */
#include "linux/cgroup_mount.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/cgroup_internal.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define CG_ROOT "/sys/fs/cgroup"

/* v1 controllers as mountinfo and /proc/self/cgroup name them; every
 * other word of a v1 mount's options is a flag (xattr, noprefix ...). */
static const char *const v1_controllers[] = {
        "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids",
        "hugetlb", "net_cls", "net_prio", "perf_event", "rdma", "misc", "debug",
};

static bool is_v1_controller(const char *w, size_t len)
{
        for (size_t i = 0; i < sizeof(v1_controllers) / sizeof(*v1_controllers); i++)
                if (strlen(v1_controllers[i]) == len && strncmp(v1_controllers[i], w, len) == 0)
                        return true;
        return false;
}

/* The hierarchy's key as /proc/self/cgroup writes it ("cpu,cpuacct",
 * "name=systemd", "memory,name=x"): the controllers and the name, in the
 * kernel's order (the same in both files). NULL when there is neither. */
static char *v1_key(const char *superopts)
{
        char *key = NULL;
        size_t len = 0;
        _cleanup_fclose_ FILE *m = open_memstream(&key, &len);
        if (!m)
                return NULL;
        bool any = false;
        for (const char *p = superopts; p && *p;) {
                const char *end = strchr(p, ',');
                size_t l = end ? (size_t)(end - p) : strlen(p);
                if (is_v1_controller(p, l) || (l > 5 && strncmp(p, "name=", 5) == 0)) {
                        fprintf(m, "%s%.*s", any ? "," : "", (int)l, p);
                        any = true;
                }
                p = end ? end + 1 : NULL;
        }
        fclose(take_ptr(m));
        if (!any) {
                free(key);
                return NULL;
        }
        return key;
}

/* What selects an existing v1 hierarchy in mount(2)'s data: its key, with
 * "none" before a name alone (no controllers). */
static char *v1_data(const char *key)
{
        char *d = NULL;
        if (asprintf(&d, "%s%s", strncmp(key, "name=", 5) == 0 ? "none," : "", key) < 0)
                return NULL;
        return d;
}

/* A mount shows a root above the caller's cgroup namespace ("/.." ...):
 * the caller is in a cgroup namespace and sees the mount from outside. */
static bool root_outside_ns(const char *root)
{
        return strncmp(root, "/..", 3) == 0 && (root[3] == '\0' || root[3] == '/');
}

void bw_cgmount_plan_clear(struct bw_cgmount_plan *p)
{
        for (size_t i = 0; i < p->n; i++) {
                free(p->e[i].name);
                free(p->e[i].data);
                free(p->e[i].bind);
        }
        free(p->e);
        *p = (struct bw_cgmount_plan){ 0 };
}

/* One hierarchy: a fresh mount when the kernel would show exactly the
 * caller's cgroup (it is the root of what the caller sees, which is so in
 * the container's cgroup namespace), else a bind of the caller's directory
 * in the host's mount of it. */
static int plan_one(struct bw_cgmount_plan *p, const struct cg_mount_line *mt, const char *name, const char *proc_cgroup,
                    struct bw_error **err)
{
        _cleanup_free_ char *key = mt->v2 ? NULL : v1_key(mt->superopts);
        if (!mt->v2 && !key)
                return 0; /* no controller and no name: nothing a mount could select */
        _cleanup_free_ char *own = NULL;
        if (cg_own_cgroup(proc_cgroup, key, &own) < 0)
                return bw_error_set(err, -ENOMEM, "planning the cgroup mounts");
        if (!own)
                return bw_error_msg(err, -ENOENT, "the container's init is in no cgroup of the %s hierarchy at %s "
                                    "(/proc/self/cgroup has no line for it)", mt->v2 ? "cgroup2" : key, mt->point);
        /* The container at the root of a v1 hierarchy (a named one it was
         * not put in, as name=systemd) would see the host's whole tree there:
         * that hierarchy is left out. */
        if (!mt->v2 && strcmp(own, "/") == 0 && strcmp(mt->root, "/") == 0)
                return 0;
        struct bw_cgmount_entry e = { .v2 = mt->v2 };
        e.fresh = root_outside_ns(mt->root) || strcmp(own, "/") == 0;
        if (!root_outside_ns(mt->root)) {
                /* own is under the mount's root: the rest names it under the mount point */
                size_t rl = strcmp(mt->root, "/") == 0 ? 0 : strlen(mt->root);
                if (strncmp(own, mt->root, rl) != 0 || (own[rl] != '/' && own[rl] != '\0'))
                        return bw_error_msg(err, -EXDEV, "the container's cgroup %s is outside what %s shows (%s); "
                                            "run bulwark where that mount shows the container's cgroup", own, mt->point, mt->root);
                if (cg_has_dot_component(own))
                        return bw_error_msg(err, -EINVAL, "the container's cgroup %s has a . or .. component", own);
                if (asprintf(&e.bind, "%s%s", mt->point, own[rl] ? own + rl : "") < 0)
                        return bw_error_set(err, -ENOMEM, "planning the cgroup mounts");
        }
        e.name = strdup(name);
        e.data = key ? v1_data(key) : NULL;
        struct bw_cgmount_entry *ne = realloc(p->e, (p->n + 1) * sizeof(*ne));
        if (!e.name || (key && !e.data) || !ne) {
                free(e.name);
                free(e.data);
                free(e.bind);
                if (ne)
                        p->e = ne;
                return bw_error_set(err, -ENOMEM, "planning the cgroup mounts");
        }
        p->e = ne;
        p->e[p->n++] = e;
        return 0;
}

int bw_cgmount_plan(const char *mountinfo, const char *proc_cgroup, struct bw_cgmount_plan *out,
                    struct bw_error **err)
{
        *out = (struct bw_cgmount_plan){ 0 };
        _cleanup_free_ char *mi = strdup(mountinfo);
        if (!mi)
                return bw_error_set(err, -ENOMEM, "planning the cgroup mounts");
        struct cg_mount_line all[64];
        size_t n = 0;
        bool v1 = false, v2_at_root = false;
        for (char *save = NULL, *line = strtok_r(mi, "\n", &save); line && n < 64;
             line = strtok_r(NULL, "\n", &save)) {
                struct cg_mount_line m;
                if (!cg_mount_line(line, &m))
                        continue;
                /* Only the hierarchies at /sys/fs/cgroup (unified) or one
                 * level below it (v1, hybrid): what a container expects. */
                const char *slash = strrchr(m.point, '/');
                bool at_root = strcmp(m.point, CG_ROOT) == 0;
                bool below = (size_t)(slash - m.point) == strlen(CG_ROOT) &&
                             strncmp(m.point, CG_ROOT, strlen(CG_ROOT)) == 0 && slash[1];
                if (!at_root && !below)
                        continue;
                /* a later mount on the same point hides the earlier one */
                size_t k = 0;
                while (k < n && strcmp(all[k].point, m.point) != 0)
                        k++;
                all[k] = m;
                if (k == n)
                        n++;
        }
        for (size_t i = 0; i < n; i++) {
                if (strcmp(all[i].point, CG_ROOT) == 0)
                        v2_at_root = all[i].v2;
                else if (!all[i].v2)
                        v1 = true;
        }
        int r = 0;
        if (v2_at_root && !v1) {
                out->unified = true;
                for (size_t i = 0; i < n && r == 0; i++)
                        if (strcmp(all[i].point, CG_ROOT) == 0)
                                r = plan_one(out, &all[i], "", proc_cgroup, err);
        } else {
                for (size_t i = 0; i < n && r == 0; i++)
                        if (strcmp(all[i].point, CG_ROOT) != 0)
                                r = plan_one(out, &all[i], strrchr(all[i].point, '/') + 1, proc_cgroup, err);
        }
        if (r == 0 && out->n == 0)
                r = bw_error_msg(err, -ENOENT, "no cgroup hierarchy is mounted at " CG_ROOT " on the host "
                                 "(mountinfo lists neither cgroup2 there nor cgroup below it); mount cgroup2 on "
                                 CG_ROOT ", or leave the cgroup mount out of the config");
        if (r < 0)
                bw_cgmount_plan_clear(out);
        return r;
}

static uint64_t attrs_of(unsigned long flags)
{
        uint64_t a = 0;
        if (flags & MS_RDONLY)
                a |= MOUNT_ATTR_RDONLY;
        if (flags & MS_NOSUID)
                a |= MOUNT_ATTR_NOSUID;
        if (flags & MS_NODEV)
                a |= MOUNT_ATTR_NODEV;
        if (flags & MS_NOEXEC)
                a |= MOUNT_ATTR_NOEXEC;
        return a;
}

/* The container's directory of the host's hierarchy, on dir_fd. */
static int bind_dir(int dir_fd, const char *src, unsigned long flags, struct bw_error **err)
{
        _cleanup_close_ int tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (tree < 0)
                return bw_error_set(err, -errno, "cloning the container's cgroup %s", src);
        struct mount_attr attr = { .attr_set = attrs_of(flags) };
        if (attr.attr_set && mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
                return bw_error_set(err, -errno, "setting the options of the container's cgroup %s", src);
        if (move_mount(tree, "", dir_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return bw_error_set(err, -errno, "attaching the container's cgroup %s", src);
        return 0;
}

static int mount_entry(int dir_fd, const struct bw_cgmount_entry *e, unsigned long flags, struct bw_error **err)
{
        if (e->fresh) {
                char p[64];
                snprintf(p, sizeof(p), "/proc/self/fd/%d", dir_fd);
                const char *type = e->v2 ? "cgroup2" : "cgroup";
                if (mount(type, p, type, flags, e->data) == 0)
                        return 0;
                /* refused (a user namespace that does not own the cgroup
                 * namespace): the host's directory shows the same, if known */
                if ((errno != EPERM && errno != EBUSY) || !e->bind)
                        return bw_error_set(err, -errno, "mounting %s%s%s on " CG_ROOT "/%s", type,
                                            e->data ? " " : "", e->data ? e->data : "", e->name);
        }
        return bind_dir(dir_fd, e->bind, flags, err);
}

int bw_cgmount_own(int target_fd, unsigned long flags, struct bw_error **err)
{
        _cleanup_free_ char *mi = NULL, *pc = NULL;
        int r = bw_read_file("/proc/self/mountinfo", BW_READ_MAX, &mi, NULL);
        if (r < 0)
                return bw_error_set(err, r, "reading /proc/self/mountinfo to mount the container's cgroupfs");
        if ((r = bw_read_file("/proc/self/cgroup", BW_READ_MAX, &pc, NULL)) < 0)
                return bw_error_set(err, r, "reading /proc/self/cgroup to mount the container's cgroupfs");
        _cleanup_(bw_cgmount_plan_clear) struct bw_cgmount_plan plan = { 0 };
        if ((r = bw_cgmount_plan(mi, pc, &plan, err)) < 0)
                return r;
        flags &= MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME | MS_NOATIME | MS_STRICTATIME;
        if (plan.unified)
                return mount_entry(target_fd, &plan.e[0], flags, err);

        /* v1 or hybrid: a tmpfs holding one directory per hierarchy, made
         * read-only (when asked) once they are mounted. */
        _cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
        if (fs < 0)
                return bw_error_set(err, -errno, "creating the tmpfs for " CG_ROOT);
        if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", "755", 0) < 0 ||
            fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return bw_error_set(err, -errno, "creating the tmpfs for " CG_ROOT);
        _cleanup_close_ int tmp = fsmount(fs, FSMOUNT_CLOEXEC,
                                          MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
        if (tmp < 0)
                return bw_error_set(err, -errno, "creating the tmpfs for " CG_ROOT);
        if (move_mount(tmp, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return bw_error_set(err, -errno, "attaching the tmpfs on " CG_ROOT);
        for (size_t i = 0; i < plan.n; i++) {
                const struct bw_cgmount_entry *e = &plan.e[i];
                if (mkdirat(tmp, e->name, 0755) < 0 && errno != EEXIST)
                        return bw_error_set(err, -errno, "creating " CG_ROOT "/%s", e->name);
                _cleanup_close_ int d = openat(tmp, e->name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (d < 0)
                        return bw_error_set(err, -errno, "opening " CG_ROOT "/%s", e->name);
                if ((r = mount_entry(d, e, flags, err)) < 0)
                        return r;
                /* co-mounted controllers: cpu -> cpu,cpuacct, as the host has them */
                if (!strchr(e->name, ','))
                        continue;
                _cleanup_free_ char *names = strdup(e->name);
                if (!names)
                        return bw_error_set(err, -ENOMEM, "linking " CG_ROOT "/%s", e->name);
                for (char *save = NULL, *w = strtok_r(names, ",", &save); w; w = strtok_r(NULL, ",", &save))
                        if (symlinkat(e->name, tmp, w) < 0 && errno != EEXIST)
                                return bw_error_set(err, -errno, "linking " CG_ROOT "/%s to %s", w, e->name);
        }
        struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
        if ((flags & MS_RDONLY) && mount_setattr(tmp, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
                return bw_error_set(err, -errno, "making the tmpfs on " CG_ROOT " read-only");
        return 0;
}
