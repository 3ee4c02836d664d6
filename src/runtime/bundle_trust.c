#include "runtime/bundle_trust.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "oci/load.h"
#include "util/cleanup.h"
#include "util/log.h"

static bool writable_by_others(const struct stat *st, bool dir)
{
        if (dir && (st->st_mode & S_ISVTX))
                return false;
        /* group root's members are root already */
        return (st->st_mode & S_IWOTH) || ((st->st_mode & S_IWGRP) && st->st_gid != 0);
}

/* An access ACL names users and groups the mode does not show (the group
 * bits are then the ACL's mask): who may write cannot be read off the mode. */
static bool has_acl(int fd)
{
        return fgetxattr(fd, "system.posix_acl_access", NULL, 0) > 0;
}

/* The bundle directory, through one fd: others must not be able to write
 * it (they could put another config.json in place), and an owner other
 * than root can. */
static int judge_dir(const char *bundle_dir, struct bw_error **err)
{
        _cleanup_close_ int fd = open(bundle_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0)
                return 0; /* the loader reports what cannot be opened */
        if (writable_by_others(&st, true))
                return bw_error_msg(err, -EPERM,
                                    "bundle %s is writable by a group other than root's or by others (mode %04o): another "
                                    "user could replace its config.json; fix: chmod go-w %s",
                                    bundle_dir, (unsigned)(st.st_mode & 07777), bundle_dir);
        if (has_acl(fd))
                return bw_error_msg(err, -EPERM,
                                    "bundle %s has a POSIX ACL, which may let other users replace its config.json; "
                                    "fix: setfacl -b %s", bundle_dir, bundle_dir);
        if (st.st_uid != 0)
                bw_warn("bundle %s belongs to uid %u, who can replace its config.json and so change what root runs "
                        "in this container; run bundles that root owns (chown root %s) unless that user is trusted",
                        bundle_dir, (unsigned)st.st_uid, bundle_dir);
        return 0;
}

/* config.json as opened for loading: the file judged is the file read. */
static int judge_config(const char *path, int fd, const struct stat *st, void *ctx, struct bw_error **err)
{
        (void)ctx;
        if (!S_ISREG(st->st_mode))
                return 0; /* the loader refuses it */
        if (writable_by_others(st, false))
                return bw_error_msg(err, -EPERM,
                                    "%s is writable by a group other than root's or by others (mode %04o): another user "
                                    "could change what root runs; fix: chmod go-w %s",
                                    path, (unsigned)(st->st_mode & 07777), path);
        if (has_acl(fd))
                return bw_error_msg(err, -EPERM,
                                    "%s has a POSIX ACL, which may let other users change what root runs; fix: setfacl -b %s",
                                    path, path);
        if (st->st_uid != 0)
                bw_warn("%s belongs to uid %u, who can change what root runs in this container; "
                        "run bundles that root owns (chown root %s) unless that user is trusted",
                        path, (unsigned)st->st_uid, path);
        return 0;
}

int bw_bundle_load_config(const char *bundle_dir, const char *config_path, struct oci_config **out,
                          struct bw_error **err)
{
        if (geteuid() != 0)
                return oci_config_load_file(config_path, out, err);
        int r = judge_dir(bundle_dir, err);
        if (r < 0)
                return r;
        return oci_config_load_file_checked(config_path, judge_config, NULL, out, err);
}
