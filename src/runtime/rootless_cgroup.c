/* The cgroup an unprivileged caller may use. Without privilege, the only
 * cgroups it can make are under a directory handed to it: systemd
 * delegates user@UID.service (chowning the directory and its cgroup.procs,
 * cgroup.subtree_control and cgroup.threads) on cgroup v2; v1 controllers
 * are never delegated this way. */
#include "runtime/rootless_cgroup.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/cleanup.h"

static bool owned(const char *mount, const char *rel, uid_t euid)
{
        _cleanup_free_ char *dir = NULL, *procs = NULL;
        if (asprintf(&dir, "%s%s", mount, rel) < 0 || asprintf(&procs, "%s/cgroup.procs", dir) < 0)
                return false;
        struct stat d, p;
        return stat(dir, &d) == 0 && S_ISDIR(d.st_mode) && d.st_uid == euid && stat(procs, &p) == 0 &&
               p.st_uid == euid;
}

static int set(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int set(char **out, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(out, fmt, ap);
        va_end(ap);
        if (r < 0) {
                *out = NULL;
                return -ENOMEM;
        }
        return 0;
}

int bw_rootless_cgroup_delegation(const struct bw_cg_system *sys, uid_t euid, uid_t host_uid, char **parent,
                                  char **why)
{
        *parent = NULL;
        *why = NULL;
        if (sys->layout != BW_CG_UNIFIED || sys->v2 < 0)
                return set(why, "this host's controllers are on cgroup v1 (%s layout), which is never delegated to "
                                "an unprivileged user; cgroup v2 alone (systemd.unified_cgroup_hierarchy=1) with "
                                "systemd's user@%u.service delegates a subtree",
                           bw_cg_layout_name(sys->layout), (unsigned)host_uid);
        const struct bw_cg_hierarchy *h = &sys->h[sys->v2];
        size_t rl = strlen(h->mount_root);
        if (strcmp(h->mount_root, "/") == 0)
                rl = 0;
        if (strncmp(h->own, h->mount_root, rl) != 0 || (h->own[rl] != '/' && h->own[rl] != '\0'))
                return set(why, "your cgroup %s is outside the cgroup2 mount at %s", h->own, h->mount);
        _cleanup_free_ char *rel = strdup(h->own + rl); /* relative to the mount point */
        if (!rel)
                return -ENOMEM;
        if (!owned(h->mount, rel, euid))
                return set(why, "your cgroup %s is not yours (no cgroup is delegated to uid %u); run bulwark in "
                                "a delegated one, e.g. systemd-run --user --scope bulwark ...",
                           h->own, (unsigned)host_uid);
        /* Climb while the parent is still the caller's. */
        size_t top = strlen(rel);
        for (;;) {
                char *slash = top ? memrchr(rel, '/', top) : NULL;
                if (!slash || slash == rel)
                        break;
                size_t up = (size_t)(slash - rel);
                char save = rel[up];
                rel[up] = '\0';
                bool mine = owned(h->mount, rel, euid);
                rel[up] = save;
                if (!mine)
                        break;
                top = up;
        }
        /* cgroup v2 puts no process in a cgroup whose controllers are given
         * to children: the caller must sit below the subtree's top. */
        if (top == strlen(rel))
                return set(why, "your own process is in the delegated cgroup %s itself, which can then give no "
                                "controller to a child; run bulwark from a cgroup below it (systemd-run --user "
                                "--scope)",
                           h->own);
        return set(parent, "%s%.*s", rl ? h->mount_root : "", (int)top, rel);
}
