/* bulwark share DIR: hand a host directory over to containers on purpose.
 * Its owners are shifted into the volume range (host uid/gid k becomes
 * V+k), so that in every container with an automatic range, through its
 * bind mounts, container root owns what host root owned there and
 * container uid k what host uid k owned. Without it, an operator's folder
 * stays the host's: container root sees it as nobody's. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "linux/id_shift.h"
#include "policy/checks.h"
#include "runtime/idrange.h"
#include "util/cleanup.h"

/* Trees a share must not contain: the host's and the engines' own. */
static const char *const keep_out[] = {
        "/etc", "/usr", "/boot", "/root", "/home", "/proc", "/sys", "/dev", "/run",
        "/var/lib/docker", "/var/lib/containerd", "/var/lib/containers", "/var/lib/kubelet", "/var/lib/bulwark",
        NULL,
};

static const char *refused(const char *real)
{
        struct oci_mount m = { .type = (char *)"bind", .source = (char *)real };
        const char *s = bw_sensitive_source(&(struct oci_config){ 0 }, &m);
        if (s)
                return s;
        for (size_t i = 0; keep_out[i]; i++)
                if (bw_path_under(keep_out[i], real))
                        return keep_out[i];
        return NULL;
}

BW_COMMAND(share)
{
        (void)g;
        if (argc != 2 || argv[1][0] == '-')
                return bw_error_usage(err, "share needs exactly one directory; usage: bulwark %s",
                                      bw_command_find("share")->usage);
        if (geteuid() != 0)
                return bw_error_msg(err, -EPERM, "share re-owns the files of %s into bulwark's volume range: run it "
                                    "as root (sudo bulwark share %s)", argv[1], argv[1]);
        /* Opened once, and judged and walked through that fd: a directory
         * on the way that a container can write (inside a folder shared
         * before) cannot be swapped between the check and the walk. */
        _cleanup_close_ int fd = open(argv[1], O_PATH | O_CLOEXEC);
        if (fd < 0)
                return bw_error_set(err, -errno, "share: opening %s", argv[1]);
        char proc[64], real[PATH_MAX];
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        ssize_t len = readlink(proc, real, sizeof(real) - 1);
        if (len <= 0 || real[0] != '/')
                return bw_error_msg(err, -EINVAL, "share: %s has no path on this host", argv[1]);
        real[len] = '\0';
        const char *why = refused(real);
        if (why)
                return bw_error_msg(err, -EPERM,
                                    "share: %s is or holds %s, a tree of the host or of an engine; re-owning it "
                                    "would hand it to containers. Share a directory of its own (e.g. /srv/NAME)",
                                    real, why);
        struct bw_idrange v;
        struct bw_idrange_config cfg = { .root = "/" };
        int r = bw_idrange_volume(&cfg, &v, err);
        if (r < 0)
                return r;
        struct bw_id_shift range = { v.uid, v.gid, v.size };
        struct bw_id_shift_stats st = { 0 };
        r = bw_id_shift_fd(fd, real, &range, &st, err);
        if (r < 0) {
                bw_id_shift_stats_clear(&st);
                return bw_error_wrap(err, "share %s", real);
        }
        printf("shared %s: %llu of %llu entries re-owned into the volume range (uids %u-%u, gids %u-%u): host id k "
               "became %u+k, so container root owns what host root owned there, in every container that binds it\n",
               real, (unsigned long long)st.changed, (unsigned long long)st.entries, v.uid, v.uid + v.size - 1, v.gid,
               v.gid + v.size - 1, v.uid);
        if (st.linked)
                printf("left as they were: %llu hard-linked files (a link may be outside %s), first %s/%s\n",
                       (unsigned long long)st.linked, real, real, st.first_linked ? st.first_linked : "?");
        if (st.other_mount)
                printf("not entered: %llu mounts below %s (share each on its own)\n",
                       (unsigned long long)st.other_mount, real);
        printf("host users no longer own the files they owned there (uid k is now %u+k); setuid and setgid bits were "
               "kept, file capabilities dropped\n", v.uid);
        bw_id_shift_stats_clear(&st);
        return 0;
}
