#include "runtime/bundle_trust.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"

static int writable_by_others(const struct stat *st, bool dir)
{
        if (dir && (st->st_mode & S_ISVTX))
                return 0;
        /* group root's members are root already */
        return (st->st_mode & S_IWOTH) || ((st->st_mode & S_IWGRP) && st->st_gid != 0);
}

int bw_bundle_check_trust(const char *bundle_dir, const char *config_path, struct bw_error **err)
{
        if (geteuid() != 0)
                return 0;
        struct stat st;
        /* The loader reports a missing or unreadable config. */
        if (stat(config_path, &st) < 0)
                return 0;
        if (S_ISREG(st.st_mode) && writable_by_others(&st, false))
                return bw_error_msg(err, -EPERM,
                                    "%s is writable by a group other than root's or by others (mode %04o): another user could change what root runs; fix: chmod go-w %s",
                                    config_path, (unsigned)(st.st_mode & 07777), config_path);
        if (st.st_uid != 0)
                bw_warn("%s belongs to uid %u, who can change what root runs in this container; "
                        "run bundles that root owns (chown root %s) unless that user is trusted",
                        config_path, (unsigned)st.st_uid, config_path);
        struct stat dst;
        if (stat(bundle_dir, &dst) == 0 && writable_by_others(&dst, true))
                return bw_error_msg(err, -EPERM,
                                    "bundle %s is writable by a group other than root's or by others (mode %04o): another user could replace its config.json; fix: chmod go-w %s",
                                    bundle_dir, (unsigned)(dst.st_mode & 07777), bundle_dir);
        return 0;
}
