#include "runtime/userns_auto.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/idmap_mount.h"
#include "linux/overlay_idmap.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"

static const struct oci_namespace *userns_of(const struct oci_config *c)
{
        for (size_t i = 0; c->linux && i < c->linux->n_namespaces; i++)
                if (c->linux->namespaces[i].type == OCI_NS_USER)
                        return &c->linux->namespaces[i];
        return NULL;
}

bool bw_userns_auto_wanted(const struct oci_config *c)
{
        const struct oci_namespace *ns = userns_of(c);
        return ns && !ns->path && c->linux->uid_mappings.n == 0 && c->linux->gid_mappings.n == 0;
}

static void set_lists(struct oci_config *c, struct oci_idmap_list *u, struct oci_idmap_list *g)
{
        free(c->linux->uid_mappings.v);
        free(c->linux->gid_mappings.v);
        c->linux->uid_mappings = *u;
        c->linux->gid_mappings = *g;
}

int bw_userns_auto_assign(const char *root, const char *id, struct oci_config *c, const char *rootfs,
                          struct bw_userns_plan *plan, struct bw_error **err)
{
        *plan = (struct bw_userns_plan){ .root = root, .id = id };
        if (!bw_userns_auto_wanted(c))
                return 0;
        plan->automatic = true;
        struct oci_idmap_list u, g;
        if (geteuid() != 0) {
                int r = bw_idrange_rootless(NULL, NULL, getuid(), getgid(), &u, &g, err);
                if (r < 0)
                        return bw_error_wrap(err, "choosing the container's id mappings");
                set_lists(c, &u, &g);
                return 0;
        }
        char abs_root[PATH_MAX];
        if (!realpath(root, abs_root))
                return bw_error_set(err, -errno, "resolving the state root %s", root);
        struct bw_rootfs_key key;
        int r = bw_rootfs_key_of(rootfs, &key, err);
        if (r < 0)
                return bw_error_wrap(err, "identifying the rootfs for its id range");
        struct bw_idrange_config cfg = { .root = abs_root };
        r = bw_idrange_acquire(&cfg, id, &key, &plan->range, err);
        bw_rootfs_key_clear(&key);
        if (r < 0)
                return bw_error_wrap(err, "allocating an id range for container %s", id);
        plan->acquired = true;
        if (bw_idrange_mappings(&plan->range, &u, &g) < 0)
                return bw_error_set(err, -ENOMEM, "building the id mappings");
        set_lists(c, &u, &g);
        plan->idmap_mounts = true;
        bw_debug("container %s: uids %u-%u, gids %u-%u", id, plan->range.uid, plan->range.uid + plan->range.size - 1,
                 plan->range.gid, plan->range.gid + plan->range.size - 1);
        return 0;
}

void bw_userns_plan_done(struct bw_userns_plan *plan)
{
        if (plan->acquired && !plan->keep) {
                _cleanup_error_ struct bw_error *e = NULL;
                if (bw_userns_auto_release(plan->root, plan->id, &e) < 0)
                        bw_warn("%s", e->msg);
        }
        plan->acquired = false;
}

int bw_userns_auto_release(const char *root, const char *id, struct bw_error **err)
{
        char abs_root[PATH_MAX];
        if (access(BW_IDRANGE_STORE, F_OK) < 0 || !realpath(root, abs_root))
                return 0; /* no range was ever allocated (or no such root) */
        struct bw_idrange_config cfg = { .root = abs_root };
        int r = bw_idrange_release(&cfg, id, err);
        if (r < 0)
                bw_error_wrap(err, "freeing the id range of container %s", id);
        return r;
}

/* ---- the mounts, made by a helper process ---- */

struct view {
        char *path;   /* where it goes (same path in init's mount namespace) */
        int fd;       /* the detached idmapped mount */
};

struct views {
        struct view *v;
        size_t n;
};

static void views_free(struct views *vs)
{
        for (size_t i = 0; i < vs->n; i++) {
                free(vs->v[i].path);
                if (vs->v[i].fd >= 0)
                        close(vs->v[i].fd);
        }
        free(vs->v);
        *vs = (struct views){ 0 };
}

static int views_add(struct views *vs, const char *path, int fd)
{
        struct view *v = realloc(vs->v, (vs->n + 1) * sizeof(*v));
        if (!v) {
                close(fd);
                return -ENOMEM;
        }
        vs->v = v;
        vs->v[vs->n] = (struct view){ strdup(path), fd };
        if (!vs->v[vs->n].path) {
                close(fd);
                return -ENOMEM;
        }
        vs->n++;
        return 0;
}

static bool has_option(const struct oci_mount *m, const char *o)
{
        return bw_strv_contains(m->options, o);
}

static bool is_bind(const struct oci_mount *m)
{
        return (m->type && strcmp(m->type, "bind") == 0) || has_option(m, "bind") || has_option(m, "rbind");
}

static bool unmapped_allowed(const struct oci_config *c, const char *dest)
{
        for (size_t i = 0; i < c->annotations.n; i++) {
                if (strcmp(c->annotations.v[i].key, BW_ANNOTATION_UNMAPPED) != 0 || !c->annotations.v[i].value)
                        continue;
                _cleanup_free_ char *list = strdup(c->annotations.v[i].value);
                char *save = NULL;
                for (char *t = list ? strtok_r(list, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save))
                        if (strcmp(t, "*") == 0 || strcmp(t, dest) == 0)
                                return true;
        }
        return false;
}

static int rootfs_view(const struct bw_userns_plan *p, const char *rootfs, int userns, struct views *vs,
                       struct bw_error **err)
{
        struct bw_overlay_layers l = { 0 };
        int r = bw_overlay_of_path(rootfs, &l, err);
        if (r < 0)
                return r;
        int fd;
        if (r == 1) {
                fd = bw_overlay_idmapped(&l, userns, p->range.uid, p->range.gid, err);
                bw_overlay_layers_free(&l);
        } else {
                fd = bw_idmap_mount_clone(AT_FDCWD, rootfs, userns, true, err);
        }
        if (fd < 0) {
                bw_error_wrap(err, "the rootfs %s", rootfs);
                return fd;
        }
        return views_add(vs, rootfs, fd) < 0 ? bw_error_set(err, -ENOMEM, "idmapping the rootfs") : 0;
}

static int bind_views(const struct oci_config *c, const char *bundle, int userns, struct views *vs,
                      struct bw_error **err)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                if (!is_bind(m) || !m->source || m->uid_mappings.n || m->gid_mappings.n)
                        continue; /* mounts with their own mappings are honoured as given */
                _cleanup_free_ char *src = NULL;
                if (m->source[0] == '/' ? !(src = strdup(m->source)) : asprintf(&src, "%s/%s", bundle, m->source) < 0)
                        return bw_error_set(err, -ENOMEM, "idmapping bind mounts");
                bool dup = false;
                for (size_t k = 0; k < vs->n && !dup; k++)
                        dup = strcmp(vs->v[k].path, src) == 0;
                if (dup)
                        continue;
                _cleanup_error_ struct bw_error *e = NULL;
                int fd = bw_idmap_mount_clone(AT_FDCWD, src, userns, has_option(m, "rbind"), &e);
                if (fd < 0 && unmapped_allowed(c, m->destination ? m->destination : "")) {
                        bw_warn("bind mount %s stays unmapped (annotation " BW_ANNOTATION_UNMAPPED "): %s",
                                m->destination, e->msg);
                        continue;
                }
                if (fd < 0) {
                        bw_error_msg(err, bw_error_code(e, fd), "bind mount %s: %s (or list it in the annotation "
                                     BW_ANNOTATION_UNMAPPED ")", m->destination ? m->destination : "?", e->msg);
                        return fd;
                }
                if (views_add(vs, src, fd) < 0)
                        return bw_error_set(err, -ENOMEM, "idmapping bind mounts");
        }
        return 0;
}

/* In init's mount namespace: nothing may propagate back to the host, so
 * everything becomes a slave first (init does the same, and then applies
 * rootfsPropagation itself). */
static int attach_views(pid_t init, const struct views *vs, struct bw_error **err)
{
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)init);
        _cleanup_close_ int mnt = open(path, O_RDONLY | O_CLOEXEC);
        if (mnt < 0)
                return bw_error_set(err, -errno, "opening %s", path);
        if (setns(mnt, CLONE_NEWNS) < 0)
                return bw_error_set(err, -errno, "entering the container's mount namespace");
        if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return bw_error_set(err, -errno, "making the container's mounts slaves");
        for (size_t i = 0; i < vs->n; i++)
                if (move_mount(vs->v[i].fd, "", AT_FDCWD, vs->v[i].path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                        return bw_error_set(err, -errno, "attaching the idmapped view of %s", vs->v[i].path);
        return 0;
}

static int helper(const struct bw_userns_plan *p, const struct oci_config *c, const char *bundle, const char *rootfs,
                  pid_t init, struct bw_error **err)
{
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)init);
        _cleanup_close_ int userns = open(path, O_RDONLY | O_CLOEXEC);
        if (userns < 0)
                return bw_error_set(err, -errno, "opening %s", path);
        __attribute__((cleanup(views_free))) struct views vs = { 0 };
        int r;
        /* The rootfs goes last: a bind source that contains it (the
         * bundle, say) must not cover its view. */
        if ((r = bind_views(c, bundle, userns, &vs, err)) < 0 || (r = rootfs_view(p, rootfs, userns, &vs, err)) < 0)
                return r;
        return attach_views(init, &vs, err);
}

int bw_userns_auto_mounts(const struct bw_userns_plan *p, const struct oci_config *c, const char *bundle,
                          const char *rootfs, pid_t init, struct bw_error **err)
{
        if (!p->idmap_mounts)
                return 0;
        /* A helper: entering init's mount namespace is for good. */
        int pipefd[2];
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return bw_error_set(err, -errno, "idmapping the container's mounts: pipe");
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
                int r = -errno;
                close(pipefd[0]);
                close(pipefd[1]);
                return bw_error_set(err, r, "idmapping the container's mounts: fork");
        }
        if (pid == 0) {
                close(pipefd[0]);
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                _cleanup_error_ struct bw_error *e = NULL;
                int r = helper(p, c, bundle, rootfs, init, &e);
                if (r < 0) {
                        char buf[4096];
                        int code = bw_error_code(e, r);
                        memcpy(buf, &code, sizeof(code));
                        snprintf(buf + sizeof(code), sizeof(buf) - sizeof(code), "%s", e && e->msg ? e->msg : "failed");
                        (void)!write(pipefd[1], buf, sizeof(code) + strlen(buf + sizeof(code)));
                }
                _exit(r < 0 ? 1 : 0);
        }
        close(pipefd[1]);
        char buf[4096 + 1];
        ssize_t n;
        while ((n = read(pipefd[0], buf, sizeof(buf) - 1)) < 0 && errno == EINTR)
                ;
        close(pipefd[0]);
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (n >= (ssize_t)sizeof(int)) {
                int code;
                memcpy(&code, buf, sizeof(code));
                buf[n] = '\0';
                return bw_error_msg(err, code < 0 ? code : -EIO, "idmapping the container's mounts: %s", buf + sizeof(code));
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return bw_error_msg(err, -EIO, "idmapping the container's mounts: the helper process failed");
        return 0;
}
