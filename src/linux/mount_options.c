/* The mount option table (see mount_options.h). */
#include <string.h>
#include <sys/mount.h>

#include "linux/mount_options.h"
#include "util/cleanup.h"

#define SET(n, f) { n, BW_MOPT_FLAG, f, 0, 0, 0, 0 }
#define CLR(n, f) { n, BW_MOPT_FLAG, f, 1, 0, 0, 0 }
#define PROP(n, f) { n, BW_MOPT_PROPAGATION, f, 0, 0, 0, 0 }
#define RSET(n, a, c) { n, BW_MOPT_RECURSIVE, 0, 0, a, c, 0 }

/* Recursive atime options replace the whole atime field, so they clear
 * MOUNT_ATTR__ATIME first (the kernel requires exactly that). The negations
 * mean what mount(8) says: ratime and rnostrictatime return to the default
 * (relatime); rnorelatime updates access times always (strictatime). */
const struct bw_mount_option bw_mount_options[] = {
        { "defaults", BW_MOPT_NOOP, 0, 0, 0, 0, 0 },
        SET("ro", MS_RDONLY), CLR("rw", MS_RDONLY),
        SET("nosuid", MS_NOSUID), CLR("suid", MS_NOSUID),
        SET("nodev", MS_NODEV), CLR("dev", MS_NODEV),
        SET("noexec", MS_NOEXEC), CLR("exec", MS_NOEXEC),
        SET("sync", MS_SYNCHRONOUS), CLR("async", MS_SYNCHRONOUS),
        SET("dirsync", MS_DIRSYNC),
        SET("mand", MS_MANDLOCK), CLR("nomand", MS_MANDLOCK),
        SET("noatime", MS_NOATIME), CLR("atime", MS_NOATIME),
        SET("nodiratime", MS_NODIRATIME), CLR("diratime", MS_NODIRATIME),
        SET("relatime", MS_RELATIME), CLR("norelatime", MS_RELATIME),
        SET("strictatime", MS_STRICTATIME), CLR("nostrictatime", MS_STRICTATIME),
        SET("lazytime", MS_LAZYTIME), CLR("nolazytime", MS_LAZYTIME),
        SET("iversion", MS_I_VERSION), CLR("noiversion", MS_I_VERSION),
        SET("nosymfollow", MS_NOSYMFOLLOW), CLR("symfollow", MS_NOSYMFOLLOW),
        SET("silent", MS_SILENT), CLR("loud", MS_SILENT),
        SET("remount", MS_REMOUNT),
        { "bind", BW_MOPT_BIND, MS_BIND, 0, 0, 0, 0 },
        { "rbind", BW_MOPT_BIND, MS_BIND | MS_REC, 0, 0, 0, 0 },
        PROP("private", MS_PRIVATE), PROP("rprivate", MS_PRIVATE | MS_REC),
        PROP("shared", MS_SHARED), PROP("rshared", MS_SHARED | MS_REC),
        PROP("slave", MS_SLAVE), PROP("rslave", MS_SLAVE | MS_REC),
        PROP("unbindable", MS_UNBINDABLE), PROP("runbindable", MS_UNBINDABLE | MS_REC),
        RSET("rro", MOUNT_ATTR_RDONLY, 0), RSET("rrw", 0, MOUNT_ATTR_RDONLY),
        RSET("rnosuid", MOUNT_ATTR_NOSUID, 0), RSET("rsuid", 0, MOUNT_ATTR_NOSUID),
        RSET("rnodev", MOUNT_ATTR_NODEV, 0), RSET("rdev", 0, MOUNT_ATTR_NODEV),
        RSET("rnoexec", MOUNT_ATTR_NOEXEC, 0), RSET("rexec", 0, MOUNT_ATTR_NOEXEC),
        RSET("rnodiratime", MOUNT_ATTR_NODIRATIME, 0), RSET("rdiratime", 0, MOUNT_ATTR_NODIRATIME),
        RSET("rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0), RSET("rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW),
        RSET("rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME),
        RSET("rnorelatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME),
        RSET("rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME),
        RSET("ratime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME),
        RSET("rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME),
        RSET("rnostrictatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME),
        { "idmap", BW_MOPT_IDMAP, 0, 0, 0, 0, 0 },
        { "ridmap", BW_MOPT_IDMAP, 0, 0, 0, 0, 1 },
        { "tmpcopyup", BW_MOPT_TMPCOPYUP, 0, 0, 0, 0, 0 },
};

const size_t bw_n_mount_options = ARRAY_SIZE(bw_mount_options);

const struct bw_mount_option *bw_mount_option_find(const char *name)
{
        for (size_t i = 0; i < bw_n_mount_options; i++)
                if (strcmp(bw_mount_options[i].name, name) == 0)
                        return &bw_mount_options[i];
        return NULL;
}
