#include "linux/devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux/safe_path.h"
#include "util/cleanup.h"

static const struct oci_device default_devices[] = {
        { .path = "/dev/null", .type = 'c', .major = 1, .minor = 3, .file_mode = { true, 0666 } },
        { .path = "/dev/zero", .type = 'c', .major = 1, .minor = 5, .file_mode = { true, 0666 } },
        { .path = "/dev/full", .type = 'c', .major = 1, .minor = 7, .file_mode = { true, 0666 } },
        { .path = "/dev/random", .type = 'c', .major = 1, .minor = 8, .file_mode = { true, 0666 } },
        { .path = "/dev/urandom", .type = 'c', .major = 1, .minor = 9, .file_mode = { true, 0666 } },
        { .path = "/dev/tty", .type = 'c', .major = 5, .minor = 0, .file_mode = { true, 0666 } },
};

static mode_t type_bits(char t)
{
        switch (t) {
        case 'c': case 'u': return S_IFCHR;
        case 'b': return S_IFBLK;
        case 'p': return S_IFIFO;
        default: return 0;
        }
}

/* The directory a device goes in, made if missing, then opened again with
 * no symlink allowed on the way: an image whose /dev (or /dev/x for
 * /dev/x/y) is a link, even one that stays inside the rootfs, gets a clear
 * refusal rather than devices somewhere else. *base is the last component. */
static int open_dev_dir(int root_fd, const char *path, char **base, struct bw_error **err)
{
        const char *name;
        _cleanup_close_ int made = bw_open_parent_in_root(root_fd, path, true, &name);
        if (made < 0)
                return bw_error_set(err, made, "creating the directory of device %s", path);
        size_t dlen = (size_t)(name - path);
        while (dlen > 1 && path[dlen - 1] == '/')
                dlen--;
        _cleanup_free_ char *dir = strndup(path, dlen);
        _cleanup_free_ char *b = strndup(name, strcspn(name, "/"));
        if (!dir || !b)
                return bw_error_set(err, -ENOMEM, "device %s", path);
        int fd = bw_open_in_root(root_fd, dir, O_PATH | O_DIRECTORY, BW_RESOLVE_NO_SYMLINKS);
        if (fd < 0)
                return bw_error_set(err, fd, "creating device %s: %s in the image is not a plain directory (a symlink?); refusing to follow it",
                                    path, dir);
        *base = take_ptr(b);
        return fd;
}

/* Make name in dir an empty regular file of our own, whatever the image
 * had there (a symlink to a host path, a device, a fifo), and return an
 * O_PATH fd of it: the bind lands on that inode and nowhere else. */
static int own_file(int dir, const char *name, const char *path, struct bw_error **err)
{
        struct stat st;
        if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
                if (S_ISDIR(st.st_mode))
                        return bw_error_msg(err, -EISDIR, "creating device %s: the image has a directory there; remove it from the image", path);
                if (unlinkat(dir, name, 0) < 0)
                        return bw_error_set(err, -errno, "removing the image's %s", path);
        }
        int f = openat(dir, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (f < 0)
                return bw_error_set(err, -errno, "creating a file for device %s", path);
        close(f);
        int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return bw_error_set(err, -errno, "opening the file for device %s", path);
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                close(fd);
                return bw_error_msg(err, -EPERM, "creating device %s: what is there is not the file we made", path);
        }
        return fd;
}

static int bind_host_node(int root_fd, const struct oci_device *d, struct bw_error **err)
{
        _cleanup_free_ char *base = NULL;
        _cleanup_close_ int dir = open_dev_dir(root_fd, d->path, &base, err);
        if (dir < 0)
                return dir;
        _cleanup_close_ int target = own_file(dir, base, d->path, err);
        if (target < 0)
                return target;
        _cleanup_close_ int tree = open_tree(AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (tree < 0)
                return bw_error_set(err, -errno, "cloning the host's %s to bind it into the container", d->path);
        if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return bw_error_set(err, -errno, "bind-mounting the host's %s", d->path);
        return 0;
}

static int make_node(int root_fd, const struct oci_device *d, struct bw_error **err)
{
        mode_t type = type_bits(d->type);
        if (!type)
                return bw_error_msg(err, -EINVAL, "device %s: unknown type '%c'; use c, b, u or p", d->path, d->type);
        _cleanup_free_ char *base = NULL;
        _cleanup_close_ int parent = open_dev_dir(root_fd, d->path, &base, err);
        if (parent < 0)
                return parent;
        /* Replace whatever the image has there (a file, a symlink): the
         * unlink removes a link itself, never what it points at. */
        if (unlinkat(parent, base, 0) < 0 && errno != ENOENT && errno != EISDIR)
                return bw_error_set(err, -errno, "removing the image's %s", d->path);
        mode_t mode = d->file_mode.set ? d->file_mode.v & 07777 : 0666;
        dev_t dev = type == S_IFIFO ? 0 : makedev((unsigned)d->major, (unsigned)d->minor);
        if (mknodat(parent, base, mode | type, dev) < 0)
                return bw_error_set(err, -errno, "creating device %s", d->path);
        /* fchmodat follows links; base is the node mknodat just made. */
        if (fchmodat(parent, base, mode, 0) < 0)
                return bw_error_set(err, -errno, "setting the mode of device %s", d->path);
        if ((d->uid.set || d->gid.set) &&
            fchownat(parent, base, d->uid.set ? d->uid.v : (uid_t)-1, d->gid.set ? d->gid.v : (gid_t)-1,
                     AT_SYMLINK_NOFOLLOW) < 0)
                return bw_error_set(err, -errno, "setting the owner of device %s", d->path);
        return 0;
}

static bool listed(const struct oci_device *devs, size_t n, const char *path)
{
        for (size_t i = 0; i < n; i++)
                if (devs[i].path && strcmp(devs[i].path, path) == 0)
                        return true;
        return false;
}

static int create_one(int root_fd, const struct oci_device *d, bool bind_from_host, struct bw_error **err)
{
        if (!d->path || strncmp(d->path, "/dev/", 5) != 0)
                return bw_error_msg(err, -EINVAL, "device path %s must be under /dev/", d->path ? d->path : "(none)");
        /* /dev/ptmx is the link to the container's own devpts
         * (bw_devices_links), as runc makes it: a node, or in a user
         * namespace a bind of the host's, would open ptys on the host's
         * devpts, whose /dev/pts/N the container does not have. */
        if (strcmp(d->path, "/dev/ptmx") == 0)
                return 0;
        return bind_from_host ? bind_host_node(root_fd, d, err) : make_node(root_fd, d, err);
}

int bw_devices_create(int root_fd, const struct oci_device *devs, size_t n, bool bind_from_host,
                      struct bw_error **err)
{
        for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
                if (listed(devs, n, default_devices[i].path))
                        continue;
                int r = create_one(root_fd, &default_devices[i], bind_from_host, err);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < n; i++) {
                int r = create_one(root_fd, &devs[i], bind_from_host, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int replace_link(int dir_fd, const char *name, const char *target, struct bw_error **err)
{
        if (unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT) {
                /* A directory (or a mount) there: leave what the config put. */
                if (errno == EISDIR || errno == EBUSY)
                        return 0;
                return bw_error_set(err, -errno, "removing /dev/%s", name);
        }
        if (symlinkat(target, dir_fd, name) < 0)
                return bw_error_set(err, -errno, "creating /dev/%s -> %s", name, target);
        return 0;
}

int bw_devices_links(int root_fd, struct bw_error **err)
{
        static const char *const links[][2] = {
                { "fd", "/proc/self/fd" },
                { "stdin", "/proc/self/fd/0" },
                { "stdout", "/proc/self/fd/1" },
                { "stderr", "/proc/self/fd/2" },
                { "ptmx", "pts/ptmx" },
        };
        _cleanup_close_ int made = bw_mkpath_in_root(root_fd, "/dev", 0755, false);
        if (made < 0)
                return bw_error_set(err, made, "creating /dev in the rootfs");
        _cleanup_close_ int dev = bw_open_in_root(root_fd, "/dev", O_PATH | O_DIRECTORY, BW_RESOLVE_NO_SYMLINKS);
        if (dev < 0)
                return bw_error_set(err, dev, "opening /dev in the rootfs: the image's /dev is not a plain directory (a symlink?)");
        for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
                int r = replace_link(dev, links[i][0], links[i][1], err);
                if (r < 0)
                        return r;
        }
        return 0;
}
