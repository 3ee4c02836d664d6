/* Before --no-pivot's MS_MOVE and chroot: hide the proc and sysfs mounts
 * the container's mount namespace still holds outside its rootfs.
 *
 * The kernel lets a user namespace mount a fresh procfs or sysfs only if
 * the mount namespace already holds a "fully visible" one: the whole
 * filesystem mounted, with no locked mount covering anything but an empty
 * directory (mount_too_revealing). bulwark's masks over /proc/kcore,
 * /proc/sys ... make the container's own /proc and /sys fail that test.
 * pivot_root then detaches the host's mounts; chroot does not: the host's
 * /proc and /sys stay in the namespace below the new root, fully visible,
 * and a nested user namespace inside the container may mount a new,
 * unmasked /proc (and write kernel.core_pattern through it). So each of
 * them is detached, or, where the kernel refuses (a mount locked by the
 * container's user namespace), covered with an empty read-only tmpfs,
 * which locked in turn makes the mount below it no longer fully visible. */
#include "linux/pseudofs_cover.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "linux/mountinfo.h"
#include "util/cleanup.h"
#include "util/strv.h"

/* path is rootfs or below it, whole components compared. */
static bool inside(const char *path, const char *rootfs)
{
        size_t n = strlen(rootfs);
        while (n > 1 && rootfs[n - 1] == '/')
                n--;
        return strncmp(path, rootfs, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static int hide(const char *path, struct bw_error **err)
{
        /* Our namespace is already a slave of the host's (bw_rootfs_prepare):
         * the detach does not travel back. */
        if (umount2(path, MNT_DETACH) == 0)
                return 0;
        if (errno == ENOENT)
                return 0; /* below something hidden already */
        if (errno != EINVAL && errno != EPERM)
                return bw_error_set(err, -errno, "detaching %s before chroot", path);
        if (mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=000") < 0 &&
            errno != ENOENT)
                return bw_error_set(err, -errno,
                                    "covering %s before chroot (a procfs or sysfs left visible would let the "
                                    "container mount an unmasked one; use pivot_root, i.e. drop --no-pivot)",
                                    path);
        return 0;
}

int bw_pseudofs_cover_outside(const char *rootfs, struct bw_error **err)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return bw_error_set(err, -errno, "reading /proc/self/mountinfo");
        _cleanup_strv_ char **todo = NULL;
        _cleanup_free_ char *line = NULL;
        size_t cap = 0;
        while (getline(&line, &cap, f) > 0) {
                struct bw_mountinfo m = { 0 };
                if (bw_mountinfo_parse_line(line, &m) < 0)
                        continue;
                bool full = m.root && strcmp(m.root, "/") == 0 && m.fstype &&
                            (strcmp(m.fstype, "proc") == 0 || strcmp(m.fstype, "sysfs") == 0);
                int r = full && m.mountpoint && !inside(m.mountpoint, rootfs) ? bw_strv_push(&todo, m.mountpoint) : 0;
                bw_mountinfo_clear(&m);
                if (r < 0)
                        return bw_error_set(err, r, "listing proc and sysfs mounts");
        }
        for (char **p = todo; p && *p; p++) {
                int r = hide(*p, err);
                if (r < 0)
                        return r;
        }
        return 0;
}
