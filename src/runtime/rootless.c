/* An unprivileged caller's state root and the test of being one. */
#include "runtime/rootless.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/spec.h"
#include "runtime/idrange.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/users.h"

bool bw_in_user_namespace(void)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/uid_map", "re");
        if (!f)
                return false; /* no /proc: nothing says otherwise */
        unsigned long inside, outside, count;
        if (fscanf(f, "%lu %lu %lu", &inside, &outside, &count) != 3)
                return true; /* an empty map: a user namespace not yet mapped */
        return !(inside == 0 && outside == 0 && count == 4294967295UL);
}

/* Whether a map file (uid_map or gid_map) gives any id of ours the
 * parent's id 0. */
static bool map_reaches_zero(const char *path)
{
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        unsigned long inside, outside, count;
        while (f && fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3)
                if (outside == 0 && count > 0)
                        return true;
        return false;
}

/* Whether host root's uid or gid is mapped into our user namespace. The
 * maps name ids of the parent namespace only; the kernel's own files tell
 * for the whole chain: /proc/sys entries that are not per network
 * namespace belong to host root, and show as the overflow id where host
 * root is not mapped. Either sign counts. */
static bool host_root_mapped(void)
{
        if (map_reaches_zero("/proc/self/uid_map") || map_reaches_zero("/proc/self/gid_map"))
                return true;
        struct stat st;
        if (stat("/proc/sys/kernel/osrelease", &st) < 0)
                return true; /* cannot tell: the privileged answer */
        long long ou = 65534, og = 65534;
        if (bw_read_value_ll("/proc/sys/kernel/overflowuid", &ou) < 0)
                ou = 65534;
        if (bw_read_value_ll("/proc/sys/kernel/overflowgid", &og) < 0)
                og = 65534;
        return (long long)st.st_uid != ou || (long long)st.st_gid != og;
}

/* Unprivileged means no id of ours can reach host root: not host uid 0
 * ourselves, and, as uid 0 of a user namespace (which may setuid and
 * setgid to any id it maps), host root's uid and gid mapped nowhere in it.
 * Asked afresh each time (a child that joined another namespace gets its
 * own answer); host root outside any user namespace answers at once. */
bool bw_rootless(void)
{
        if (geteuid() != 0 && bw_rootless_host_uid() != 0)
                return true; /* cannot setuid: no map of ours matters */
        if (geteuid() != 0)
                return false; /* our own uid is host root's */
        return bw_in_user_namespace() && !host_root_mapped();
}

int bw_rootless_state_root(const char *xdg, uid_t euid, char **out, struct bw_error **err)
{
        *out = NULL;
        static const char fix[] = "log in through a session that sets it (systemd-logind makes /run/user/UID, "
                                  "mode 0700, owned by you), or give --root DIR, a directory you own";
        if (!xdg || !*xdg)
                return bw_error_msg(err, -ENOENT,
                                    "XDG_RUNTIME_DIR is not set: as an unprivileged user (uid %u) bulwark keeps its "
                                    "containers' state in $XDG_RUNTIME_DIR/bulwark, since /run/bulwark is root's; %s",
                                    (unsigned)euid, fix);
        if (xdg[0] != '/')
                return bw_error_msg(err, -EINVAL, "XDG_RUNTIME_DIR=%s is not an absolute path; %s", xdg, fix);
        /* Only a look: the store opens and locks what it uses under it. */
        struct stat st;
        if (stat(xdg, &st) < 0)
                return bw_error_set(err, -errno, "XDG_RUNTIME_DIR=%s cannot be used (%s)", xdg, fix);
        if (!S_ISDIR(st.st_mode))
                return bw_error_msg(err, -ENOTDIR, "XDG_RUNTIME_DIR=%s is not a directory; %s", xdg, fix);
        if (st.st_uid != euid)
                return bw_error_msg(err, -EPERM,
                                    "XDG_RUNTIME_DIR=%s is owned by uid %u, not by you (uid %u): another user could "
                                    "read or replace the containers' state there; %s",
                                    xdg, (unsigned)st.st_uid, (unsigned)euid, fix);
        if (st.st_mode & 022)
                return bw_error_msg(err, -EPERM,
                                    "XDG_RUNTIME_DIR=%s is writable by other users (mode %04o): they could replace "
                                    "the containers' state there; chmod 0700 it, or %s",
                                    xdg, (unsigned)(st.st_mode & 07777), fix);
        size_t n = strlen(xdg);
        while (n > 1 && xdg[n - 1] == '/')
                n--;
        if (asprintf(out, "%.*s/bulwark", (int)n, xdg) < 0) {
                *out = NULL;
                return bw_error_set(err, -ENOMEM, "naming the state root");
        }
        return 0;
}

int bw_default_state_root(char **out, struct bw_error **err)
{
        *out = NULL;
        const char *xdg = getenv("XDG_RUNTIME_DIR");
        if (geteuid() != 0)
                return bw_rootless_state_root(xdg, geteuid(), out, err);
        /* uid 0 of a user namespace that is not the host's (rootless Podman
         * runs its runtime so) is still an ordinary user on the host: with
         * XDG_RUNTIME_DIR set for a user other than root, use it, as runc. */
        const char *user = getenv("USER");
        if (xdg && *xdg && (!user || strcmp(user, "root") != 0) && bw_in_user_namespace())
                return bw_rootless_state_root(xdg, 0, out, err);
        return 0;
}

static int own_push(struct oci_own_ids **v, size_t *n, uint32_t id, uint32_t host, uint32_t count)
{
        struct oci_own_ids *nv = realloc(*v, (*n + 1) * sizeof(*nv));
        if (!nv)
                return -ENOMEM;
        *v = nv;
        nv[(*n)++] = (struct oci_own_ids){ id, host, count };
        return 0;
}

int bw_rootless_parse_map(const char *text, struct oci_own_ids **out, size_t *n)
{
        *out = NULL;
        *n = 0;
        for (const char *p = text; p && *p;) {
                unsigned long inside, outside, count;
                int used = 0;
                if (sscanf(p, " %lu %lu %lu%n", &inside, &outside, &count, &used) != 3 || inside > UINT32_MAX ||
                    outside > UINT32_MAX || count > UINT32_MAX) {
                        free(*out);
                        *out = NULL;
                        *n = 0;
                        return -EINVAL;
                }
                if (count && own_push(out, n, (uint32_t)inside, (uint32_t)outside, (uint32_t)count) < 0)
                        return -ENOMEM;
                p += used;
                while (*p == ' ' || *p == '\n' || *p == '\t')
                        p++;
        }
        return 0;
}

static void own_from_map(const char *path, struct oci_own_ids **v, size_t *n)
{
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char text[4096];
        size_t len = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
        text[len] = '\0';
        if (len)
                bw_rootless_parse_map(text, v, n);
}

/* /etc/subgid lines name the user (or its uid) too, as newgidmap reads them. */
static void own_from_subids(const char *path, const char *user, uid_t uid, uint32_t self, struct oci_own_ids **v,
                            size_t *n)
{
        if (own_push(v, n, self, self, 1) < 0)
                return;
        struct bw_subids s = { 0 };
        _cleanup_error_ struct bw_error *e = NULL;
        if (bw_subids_read(path, user, uid, &s, &e) == 0)
                for (size_t i = 0; i < s.n; i++)
                        own_push(v, n, s.v[i].start, s.v[i].start, s.v[i].count);
        bw_subids_free(&s);
}

void bw_rootless_own_ids(struct oci_host_ids *h)
{
        if (geteuid() == 0 && bw_in_user_namespace()) {
                own_from_map("/proc/self/uid_map", &h->own_uids, &h->n_own_uids);
                own_from_map("/proc/self/gid_map", &h->own_gids, &h->n_own_gids);
                return;
        }
        char name[256];
        const char *user = bw_user_name(getuid(), name, sizeof(name)) == 0 ? name : NULL;
        own_from_subids("/etc/subuid", user, getuid(), getuid(), &h->own_uids, &h->n_own_uids);
        own_from_subids("/etc/subgid", user, getuid(), getgid(), &h->own_gids, &h->n_own_gids);
}

static int same_ids(const char *path, struct oci_idmap_list *l, struct bw_error **err)
{
        *l = (struct oci_idmap_list){ 0 };
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return bw_error_set(err, -errno, "opening %s", path);
        char text[4096];
        size_t len = fread(text, 1, sizeof(text) - 1, f);
        text[len] = '\0';
        _cleanup_free_ struct oci_own_ids *v = NULL;
        size_t n = 0;
        if (bw_rootless_parse_map(text, &v, &n) < 0 || n == 0)
                return bw_error_msg(err, -EINVAL, "%s is empty or malformed", path);
        l->v = calloc(n, sizeof(*l->v));
        if (!l->v)
                return bw_error_set(err, -ENOMEM, "reading %s", path);
        for (size_t i = 0; i < n; i++)
                l->v[i] = (struct oci_idmap){ v[i].id, v[i].id, v[i].count };
        l->n = n;
        l->present = true;
        return 0;
}

int bw_rootless_namespace_ids(struct oci_idmap_list *uids, struct oci_idmap_list *gids, struct bw_error **err)
{
        int r = same_ids("/proc/self/uid_map", uids, err);
        if (r < 0)
                return r;
        if ((r = same_ids("/proc/self/gid_map", gids, err)) < 0) {
                free(uids->v);
                *uids = (struct oci_idmap_list){ 0 };
        }
        return r;
}

uid_t bw_rootless_host_uid(void)
{
        uid_t self = geteuid();
        _cleanup_fclose_ FILE *f = fopen("/proc/self/uid_map", "re");
        unsigned long in, out, count;
        while (f && fscanf(f, "%lu %lu %lu", &in, &out, &count) == 3)
                if (self >= in && self - in < count)
                        return (uid_t)(out + (self - in));
        return self;
}

/* The owner of a namespace joined as /proc/PID/ns/TYPE is PID's user
 * namespace when that is what the kernel says owns it. */
static int owner_path(const char *ns_path, const struct stat *self, char **out)
{
        int pid;
        char type[16];
        if (sscanf(ns_path, "/proc/%d/ns/%15[a-z_]", &pid, type) != 2 || pid <= 0)
                return 0;
        _cleanup_close_ int fd = open(ns_path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return 0;
        _cleanup_close_ int owner = ioctl(fd, NS_GET_USERNS);
        struct stat o, cand;
        if (owner < 0 || fstat(owner, &o) < 0 || (o.st_dev == self->st_dev && o.st_ino == self->st_ino))
                return 0; /* ours (or unknown): joining it needs nothing more */
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
        if (stat(path, &cand) < 0 || cand.st_dev != o.st_dev || cand.st_ino != o.st_ino)
                return 0;
        return (*out = strdup(path)) ? 1 : -ENOMEM;
}

int bw_rootless_pod_userns(const struct oci_config *c, char **path)
{
        *path = NULL;
        struct stat self;
        if (!c->linux || stat("/proc/self/ns/user", &self) < 0)
                return 0;
        for (size_t i = 0; i < c->linux->n_namespaces; i++) {
                const struct oci_namespace *ns = &c->linux->namespaces[i];
                if (ns->type == OCI_NS_USER || !ns->path)
                        continue;
                int r = owner_path(ns->path, &self, path);
                if (r != 0)
                        return r;
        }
        return 0;
}
