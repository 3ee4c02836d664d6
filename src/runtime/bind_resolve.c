#include "runtime/bind_resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/mount_options.h"
#include "policy/checks.h"
#include "util/cleanup.h"
#include "util/log.h"

/* The engine sockets that exist on this host at the known paths: their
 * identity (a hard link or a symlink of another name is the same socket)
 * and where they really live (/var/run/docker.sock is /run/docker.sock). */
struct host_socket {
        char *path;
        dev_t dev;
        ino_t ino;
};

static void host_sockets_free(struct host_socket *v)
{
        for (size_t i = 0; v && v[i].path; i++)
                free(v[i].path);
        free(v);
}

static struct host_socket *host_sockets(void)
{
        size_t n = 0, cap = 8;
        struct host_socket *v = calloc(cap + 1, sizeof(*v));
        if (!v)
                return NULL;
        for (size_t i = 0; bw_engine_socket_paths[i]; i++) {
                glob_t g;
                if (glob(bw_engine_socket_paths[i], 0, NULL, &g) != 0)
                        continue;
                for (size_t j = 0; j < g.gl_pathc; j++) {
                        struct stat st;
                        char canon[PATH_MAX];
                        if (stat(g.gl_pathv[j], &st) < 0 || !S_ISSOCK(st.st_mode) || !realpath(g.gl_pathv[j], canon))
                                continue;
                        if (n == cap) {
                                struct host_socket *w = realloc(v, (2 * cap + 1) * sizeof(*v));
                                if (!w)
                                        break;
                                v = w;
                                cap *= 2;
                        }
                        v[n] = (struct host_socket){ strdup(canon), st.st_dev, st.st_ino };
                        if (v[n].path)
                                n++;
                        v[n].path = NULL;
                }
                globfree(&g);
        }
        return v;
}

static int resolve_one(struct oci_mount *m, const char *bundle, const struct host_socket *socks, struct bw_error **err)
{
        _cleanup_free_ char *joined = NULL;
        const char *path = m->source;
        if (path[0] != '/') {
                if (asprintf(&joined, "%s/%s", bundle, m->source) < 0)
                        return -ENOMEM;
                path = joined;
        }
        /* Followed to the end, as mount(2) and open_tree do. */
        _cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
        if (fd < 0)
                return bw_error_set(err, -errno, "bind mount %s: source %s", m->destination ? m->destination : "?", path);
        struct stat st;
        if (fstat(fd, &st) < 0)
                return bw_error_set(err, -errno, "bind mount %s: source %s", m->destination ? m->destination : "?", path);
        char proc[64], canon[PATH_MAX];
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        ssize_t l = readlink(proc, canon, sizeof(canon) - 1);
        if (l <= 0 || canon[0] != '/')
                return bw_error_msg(err, -EINVAL, "bind mount %s: source %s has no path on this host (%s)",
                                    m->destination ? m->destination : "?", path, l > 0 ? "not reachable from /" : "readlink failed");
        canon[l] = 0;
        char *canonical = strdup(canon), *copy = strdup(canon);
        if (!canonical || !copy) {
                free(canonical);
                free(copy);
                return -ENOMEM;
        }
        free(m->src.path);
        free(m->src.written);
        m->src.path = canonical;
        m->src.written = m->source;
        m->source = copy;
        m->src.dev = st.st_dev;
        m->src.ino = st.st_ino;
        m->src.mode = st.st_mode;
        m->src.resolved = true;
        for (size_t i = 0; socks && socks[i].path && !m->src.engine_socket; i++) {
                bool is = S_ISSOCK(st.st_mode) && st.st_dev == socks[i].dev && st.st_ino == socks[i].ino;
                bool holds = S_ISDIR(st.st_mode) && bw_path_under(socks[i].path, canonical);
                if ((is || holds) && !(m->src.engine_socket = strdup(socks[i].path)))
                        return -ENOMEM;
        }
        if (strcmp(m->src.written, canonical) != 0)
                bw_debug("bind source %s is %s on this host", m->src.written, canonical);
        return 0;
}

int bw_bind_resolve(struct oci_config *c, const char *bundle, struct bw_error **err)
{
        struct host_socket *socks = NULL;
        bool looked = false;
        for (size_t i = 0; i < c->n_mounts; i++) {
                struct oci_mount *m = &c->mounts[i];
                if (!m->source || !*m->source || !bw_mount_is_bind(m))
                        continue;
                if (!looked) {
                        socks = host_sockets();
                        looked = true;
                }
                int r = resolve_one(m, bundle, socks, err);
                if (r < 0) {
                        host_sockets_free(socks);
                        return r == -ENOMEM ? bw_error_set(err, r, "resolving bind sources") : r;
                }
        }
        host_sockets_free(socks);
        return 0;
}
