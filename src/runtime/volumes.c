/* Bind sources under the volume range (see volumes.h). */
#include "runtime/volumes.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "linux/id_shift.h"
#include "linux/idmap_mount.h"
#include "linux/mount_options.h"
#include "util/cleanup.h"
#include "util/log.h"

/* Engine-made roots, by the layout of their last components under any
 * data root (FNM_PATHNAME: one * is one component). */
static const char *const engine_roots[] = {
        "/volumes/*/_data",                           /* Docker and Podman named volumes */
        "/containers/*/hosts", "/containers/*/hostname", "/containers/*/resolv.conf", /* Docker */
        "/containers/*/mounts/shm",                   /* Docker's /dev/shm (a tmpfs of its own) */
        "/overlay-containers/*/userdata/*",           /* Podman: hosts, hostname, resolv.conf, shm, run ... */
        "/sandboxes/*/hosts", "/sandboxes/*/hostname", "/sandboxes/*/resolv.conf", "/sandboxes/*/shm", /* CRI */
        "/pods/*/etc-hosts", "/pods/*/volumes/*/*", "/pods/*/containers/*/*", /* kubelet */
        NULL,
};

static bool tail_matches(const char *p)
{
        for (const char *s = strchr(p, '/'); s; s = strchr(s + 1, '/'))
                for (size_t i = 0; engine_roots[i]; i++)
                        if (fnmatch(engine_roots[i], s, FNM_PATHNAME) == 0)
                                return true;
        return false;
}

/* Every directory above path (not path itself) belongs to host root and
 * only host root may add or swap entries in it. */
static bool root_held_above(const char *path)
{
        _cleanup_free_ char *p = strdup(path);
        char *slash = p ? strrchr(p, '/') : NULL;
        if (!slash)
                return false;
        for (;;) {
                *slash = '\0';
                struct stat st;
                if (lstat(p[0] ? p : "/", &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0)
                        return false;
                if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
                        return false;
                if (!p[0])
                        return true;
                slash = strrchr(p, '/');
        }
}

char *bw_volume_engine_root(const char *real)
{
        if (!real || real[0] != '/')
                return NULL;
        /* The longest leading part that matches a root: a source below a
         * volume's _data (a subpath) shifts the whole volume. */
        _cleanup_free_ char *p = strdup(real);
        if (!p)
                return NULL;
        for (char *end = p + strlen(p);;) {
                if (tail_matches(p))
                        return root_held_above(p) ? strdup(p) : NULL;
                end = strrchr(p, '/');
                if (!end || end == p)
                        return NULL;
                *end = '\0';
        }
}

static bool mount_ro(const struct oci_mount *m)
{
        struct bw_mount_opts o;
        bw_mount_options_effect(m->options, &o);
        return bw_mount_opts_readonly(&o);
}

static bool in_range(uint32_t id, uint32_t start, uint32_t size)
{
        return id >= start && (uint64_t)id < (uint64_t)start + size;
}

int bw_volume_prepare(const struct bw_idrange *volume, const struct oci_mount *m, const char *src,
                      struct bw_error **err)
{
        _cleanup_free_ char *real = realpath(src, NULL);
        _cleanup_free_ char *root = bw_volume_engine_root(real);
        if (root) {
                if (bw_id_shift_done(root)) {
                        bw_debug("bind %s: %s was shifted into the volume range before", m->destination, root);
                        return 0;
                }
                struct bw_id_shift range = { volume->uid, volume->gid, volume->size };
                struct bw_id_shift_stats st = { 0 };
                int r = bw_id_shift_tree(root, &range, &st, err);
                if (r < 0) {
                        bw_id_shift_stats_clear(&st);
                        return bw_error_wrap(err, "bind mount %s: shifting what the engine made into the volume range",
                                             m->destination);
                }
                bw_info("bind %s: engine-made %s shifted into the volume range (%llu of %llu entries re-owned%s%s)",
                        m->destination, root, (unsigned long long)st.changed, (unsigned long long)st.entries,
                        st.linked ? "; hard-linked files left as they were, first: " : "",
                        st.linked ? st.first_linked : "");
                bw_id_shift_stats_clear(&st);
                return 0;
        }
        if (!bw_log_debug_enabled() || mount_ro(m))
                return 0;
        struct stat st;
        if (stat(real ? real : src, &st) < 0)
                return 0;
        if (!in_range(st.st_uid, volume->uid, volume->size) && !(st.st_mode & S_IWOTH))
                bw_debug("bind %s: %s belongs to host uid %u, outside bulwark's ranges: container root sees it as "
                         "nobody's and cannot write it; to let containers write it, run `bulwark share %s` (its "
                         "files then belong to the volume range)", m->destination, real ? real : src,
                         (unsigned)st.st_uid, real ? real : src);
        return 0;
}

int bw_volume_userns(const struct bw_idrange *volume, const struct bw_idrange *range, struct bw_error **err)
{
        char u[64], g[64];
        snprintf(u, sizeof(u), "%u %u %u\n", volume->uid, range->uid, range->size);
        snprintf(g, sizeof(g), "%u %u %u\n", volume->gid, range->gid, range->size);
        int fd = bw_userns_fd_new(u, g, err);
        if (fd < 0)
                bw_error_wrap(err, "the user namespace that maps the volume range to the container's");
        return fd;
}
