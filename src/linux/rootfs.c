#include "linux/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/pseudofs_cover.h"
#include "util/cleanup.h"

int bw_rootfs_prepare(const char *rootfs, unsigned long propagation, struct bw_error **err)
{
        /* Everything below happens in our own mount namespace, but a shared
         * mount would still carry it back to the host: slave first. */
        /* An unbindable root would refuse the bind of the rootfs below (and
         * of the idmapped views attached over it): slave until the end, and
         * the config's unbindable is applied after pivot_root (init.c). */
        unsigned long prop = propagation && !(propagation & MS_UNBINDABLE) ? propagation : (MS_SLAVE | MS_REC);
        if (mount(NULL, "/", NULL, prop | MS_REC, NULL) < 0)
                return bw_error_set(err, -errno, "setting mount propagation of / in the container's mount namespace");
        /* pivot_root refuses a new root whose parent mount is shared. */
        _cleanup_free_ char *parent = strdup(rootfs);
        if (!parent)
                return bw_error_set(err, -ENOMEM, "preparing the rootfs %s", rootfs);
        char *slash = strrchr(parent, '/');
        if (slash && slash != parent)
                *slash = '\0';
        else if (slash)
                parent[1] = '\0';
        while (mount(NULL, parent, NULL, MS_PRIVATE, NULL) < 0) {
                /* Not a mount point: walk up until one is. */
                if (errno != EINVAL)
                        return bw_error_set(err, -errno, "making the rootfs's parent %s private", parent);
                char *s = strrchr(parent, '/');
                if (!s || s == parent) {
                        if (mount(NULL, "/", NULL, MS_PRIVATE, NULL) < 0)
                                return bw_error_set(err, -errno, "making / private");
                        break;
                }
                *s = '\0';
        }
        if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
                return bw_error_set(err, -errno, "bind-mounting the rootfs %s onto itself", rootfs);
        int fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return bw_error_set(err, -errno, "opening the rootfs %s", rootfs);
        return fd;
}

static int do_pivot(const char *rootfs, struct bw_error **err)
{
        _cleanup_close_ int old_root = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (old_root < 0)
                return bw_error_set(err, -errno, "opening the old root");
        _cleanup_close_ int new_root = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (new_root < 0)
                return bw_error_set(err, -errno, "opening the rootfs %s", rootfs);
        if (fchdir(new_root) < 0)
                return bw_error_set(err, -errno, "entering the rootfs %s", rootfs);
        /* pivot_root(".", ".") stacks the old root on top of the new one;
         * no directory for it is needed inside the image. */
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return bw_error_set(err, -errno, "pivot_root into %s (try --no-pivot for a ramfs root)", rootfs);
        if (fchdir(old_root) < 0)
                return bw_error_set(err, -errno, "entering the old root");
        /* The old root must not propagate its unmount to the host. */
        if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return bw_error_set(err, -errno, "making the old root a slave");
        if (umount2(".", MNT_DETACH) < 0)
                return bw_error_set(err, -errno, "detaching the old root");
        if (chdir("/") < 0)
                return bw_error_set(err, -errno, "entering the new root");
        return 0;
}

static int do_chroot(const char *rootfs, struct bw_error **err)
{
        int r = bw_pseudofs_cover_outside(rootfs, err);
        if (r < 0)
                return r;
        if (chdir(rootfs) < 0)
                return bw_error_set(err, -errno, "entering the rootfs %s", rootfs);
        if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
                return bw_error_set(err, -errno, "moving the rootfs %s over /", rootfs);
        if (chroot(".") < 0)
                return bw_error_set(err, -errno, "chroot into %s", rootfs);
        if (chdir("/") < 0)
                return bw_error_set(err, -errno, "entering the new root");
        return 0;
}

int bw_rootfs_enter(const char *rootfs, bool no_pivot, struct bw_error **err)
{
        return no_pivot ? do_chroot(rootfs, err) : do_pivot(rootfs, err);
}

int bw_rootfs_chroot_only(const char *rootfs, struct bw_error **err)
{
        _cleanup_close_ int fd = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return bw_error_set(err, -errno, "opening the rootfs %s", rootfs);
        if (fchdir(fd) < 0)
                return bw_error_set(err, -errno, "entering the rootfs %s", rootfs);
        if (chroot(".") < 0)
                return bw_error_set(err, -errno, "chroot into %s", rootfs);
        if (chdir("/") < 0)
                return bw_error_set(err, -errno, "entering the new root");
        return 0;
}

int bw_rootfs_finish(unsigned long propagation, bool readonly, struct bw_error **err)
{
        if (propagation && mount(NULL, "/", NULL, propagation, NULL) < 0)
                return bw_error_set(err, -errno, "applying rootfsPropagation to /");
        if (readonly) {
                struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
                if (mount_setattr(AT_FDCWD, "/", 0, &attr, sizeof(attr)) < 0)
                        return bw_error_set(err, -errno, "making the root filesystem read-only");
        }
        return 0;
}
