/* /proc and /sys files that engines mask (kcore, keys, sched_debug ...):
 * a masked one reads empty (/dev/null bound over it) or is an empty
 * directory (a read-only tmpfs); anything else is the host's. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "check/check.h"
#include "policy/checks.h"
#include "util/cleanup.h"

static bool exposed(const char *path)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
        if (fd < 0)
                return false;
        struct stat st;
        if (fstat(fd, &st) < 0)
                return false;
        if (S_ISDIR(st.st_mode)) {
                _cleanup_closedir_ DIR *d = fdopendir(fd);
                if (!d)
                        return false;
                fd = -1; /* the DIR owns it now */
                for (struct dirent *e; (e = readdir(d));)
                        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                                return true;
                return false;
        }
        char buf[64];
        /* /proc/kcore is huge and sparse: a read of its first bytes is harmless */
        return read(fd, buf, sizeof(buf)) > 0;
}

int bw_check_observe_proc(struct bw_findings *out)
{
        char list[1024] = "";
        for (size_t i = 0; bw_required_masked[i]; i++)
                if (exposed(bw_required_masked[i]))
                        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", list[0] ? ", " : "",
                                 bw_required_masked[i]);
        int r;
        if (list[0] && (r = bw_check_add(out, BW_RULE_MASKED_PATHS_REMOVED, "readable and not masked: %s", list)) < 0)
                return r;
        /* the read-only paths: on a mount that is not read-only */
        char rw[1024] = "";
        for (size_t i = 0; bw_required_readonly[i]; i++) {
                struct statvfs sv;
                if (statvfs(bw_required_readonly[i], &sv) == 0 && !(sv.f_flag & ST_RDONLY))
                        snprintf(rw + strlen(rw), sizeof(rw) - strlen(rw), "%s%s", rw[0] ? ", " : "",
                                 bw_required_readonly[i]);
        }
        if (rw[0] && (r = bw_check_add(out, BW_RULE_READONLY_PATHS_REMOVED, "on a writable mount: %s", rw)) < 0)
                return r;
        return 0;
}
