#include "linux/masks.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux/safe_path.h"
#include "util/cleanup.h"

/* The container's /dev/null, checked to be the real device 1:3: an image
 * (or a config) that put a regular file there must not become the mask. */
static int open_dev_null(struct bw_error **err)
{
        _cleanup_close_ int fd = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return bw_error_set(err, -errno, "opening /dev/null to mask paths with");
        struct stat st;
        if (fstat(fd, &st) < 0)
                return bw_error_set(err, -errno, "checking /dev/null");
        if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
                return bw_error_msg(err, -EPERM, "/dev/null in the container is not the null device (1:3); refusing to mask paths with it");
        return take_fd(fd);
}

static int empty_ro_tmpfs(struct bw_error **err)
{
        _cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
        if (fs < 0)
                return bw_error_set(err, -errno, "creating a tmpfs to mask a directory");
        if (fsconfig(fs, FSCONFIG_SET_STRING, "size", "0", 0) < 0 ||
            fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0555", 0) < 0 ||
            fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return bw_error_set(err, -errno, "configuring the masking tmpfs");
        int m = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
        if (m < 0)
                return bw_error_set(err, -errno, "mounting the masking tmpfs");
        return m;
}

/* The path as the container sees it, resolved inside its root: no magic
 * link (/proc/1/root/...) leads out, and the last component is not
 * followed. */
static int open_target(const char *path)
{
        _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return -errno;
        return bw_open_in_root(root, path, O_PATH | O_NOFOLLOW, 0);
}

int bw_mask_path(const char *path, struct bw_error **err)
{
        _cleanup_close_ int target = open_target(path);
        if (target < 0) {
                if (target == -ENOENT)
                        return 0;
                return bw_error_set(err, target, "opening masked path %s", path);
        }
        struct stat st;
        if (fstat(target, &st) < 0)
                return bw_error_set(err, -errno, "checking masked path %s", path);
        if (S_ISLNK(st.st_mode))
                return 0; /* nothing to hide behind a link; its target is masked on its own */
        _cleanup_close_ int src = -1;
        if (S_ISDIR(st.st_mode)) {
                src = empty_ro_tmpfs(err);
        } else {
                _cleanup_close_ int null = open_dev_null(err);
                if (null < 0)
                        return bw_error_wrap(err, "masking %s", path);
                src = open_tree(null, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
                if (src < 0)
                        return bw_error_set(err, -errno, "masking %s: cloning /dev/null", path);
        }
        if (src < 0)
                return bw_error_wrap(err, "masking %s", path);
        if (move_mount(src, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return bw_error_set(err, -errno, "masking %s", path);
        return 0;
}

int bw_readonly_path(const char *path, struct bw_error **err)
{
        _cleanup_close_ int target = open_target(path);
        if (target < 0) {
                if (target == -ENOENT)
                        return 0;
                return bw_error_set(err, target, "opening read-only path %s", path);
        }
        /* Bind the path onto itself, then set read-only on the whole new
         * tree, so a mount below it (binfmt_misc under /proc/sys) is covered. */
        _cleanup_close_ int tree = open_tree(target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
        if (tree < 0)
                return bw_error_set(err, -errno, "making %s read-only: cloning it", path);
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
        if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
                return bw_error_set(err, -errno, "making %s read-only", path);
        if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return bw_error_set(err, -errno, "making %s read-only: attaching it", path);
        return 0;
}
