/* Device nodes under /dev that open (read-only, non-blocking, no
 * controlling terminal): a host block device that opens is the host's
 * disk. Never opened: watchdogs (they arm on open), /dev/snapshot (open
 * prepares hibernation) and TPMs (one opener at a time). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "check/check.h"
#include "check/probe.h"
#include "util/cleanup.h"
#include "util/strv.h"

/* What every container gets. */
static const char *const ordinary[] = { "null", "zero", "full", "random", "urandom", "tty", "ptmx", "console", NULL };

static bool opens(const char *path)
{
        static const char *const never[] = { "/dev/watchdog*", "/dev/snapshot", "/dev/tpm*", NULL };
        for (size_t i = 0; never[i]; i++)
                if (fnmatch(never[i], path, 0) == 0)
                        return false;
        _cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW);
        return fd >= 0;
}

static void append(char *list, size_t n, const char *name, const struct stat *st)
{
        size_t l = strlen(list);
        if (l + 64 < n)
                snprintf(list + l, n - l, "%s/dev/%s (%u:%u)", l ? ", " : "", name, major(st->st_rdev),
                         minor(st->st_rdev));
        else if (l + 5 < n && !strstr(list, "..."))
                strcat(list, ", ...");
}

/* The v1 device cgroup's list, where cgroupfs is visible: "a *:* rwm"
 * lets the container open any device node it can make or find. */
static int device_cgroup(struct bw_findings *out)
{
        _cleanup_free_ char *list = NULL;
        char where[4200];
        if (probe_cgroup_read("devices", "devices.list", &list, where, sizeof(where)) < 0)
                return 0;
        for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n"))
                if (strcmp(line, "a *:* rwm") == 0)
                        return bw_check_add(out, BW_RULE_DEVICE_CGROUP_ALLOW_ALL, "%s is \"a *:* rwm\"", where);
        return 0;
}

int bw_check_observe_devices(struct bw_findings *out)
{
        int r = device_cgroup(out);
        if (r < 0)
                return r;
        _cleanup_closedir_ DIR *d = opendir("/dev");
        if (!d)
                return 0;
        char blk[1024] = "", chr[1024] = "";
        for (struct dirent *e; (e = readdir(d));) {
                struct stat st;
                if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;
                if (!S_ISBLK(st.st_mode) && !S_ISCHR(st.st_mode))
                        continue;
                if (S_ISCHR(st.st_mode) && bw_strv_contains((char **)ordinary, e->d_name))
                        continue;
                char path[300];
                snprintf(path, sizeof(path), "/dev/%s", e->d_name);
                if (!opens(path))
                        continue;
                if (S_ISBLK(st.st_mode))
                        append(blk, sizeof(blk), e->d_name, &st);
                else
                        append(chr, sizeof(chr), e->d_name, &st);
        }
        if (blk[0] && (r = bw_check_add(out, BW_RULE_HOST_BLOCK_DEVICE, "block devices that open: %s", blk)) < 0)
                return r;
        if (chr[0] && (r = bw_check_add(out, BW_RULE_HOST_CHAR_DEVICE, "character devices that open: %s", chr)) < 0)
                return r;
        return 0;
}
