#include "linux/lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/procfs_handle.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

struct bw_lsm bw_lsm_parse(const char *list)
{
        struct bw_lsm l = { 0 };
        for (const char *p = list; p && *p;) {
                size_t n = strcspn(p, ",\n");
                if (n == 8 && strncmp(p, "apparmor", n) == 0)
                        l.apparmor = true;
                else if (n == 7 && strncmp(p, "selinux", n) == 0)
                        l.selinux = true;
                p += n;
                p += strspn(p, ",\n");
        }
        return l;
}

static ssize_t read_small(const char *path, char *buf, size_t size)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        ssize_t n = read(fd, buf, size - 1);
        if (n < 0)
                return -errno;
        buf[n] = '\0';
        return n;
}

struct bw_lsm bw_lsm_detect(void)
{
        char buf[512];
        if (read_small("/sys/kernel/security/lsm", buf, sizeof(buf)) >= 0)
                return bw_lsm_parse(buf);
        /* securityfs not mounted: the signs each LSM leaves in sysfs. */
        struct bw_lsm l = { 0 };
        struct stat st;
        l.apparmor = stat("/sys/kernel/security/apparmor", &st) == 0 &&
                     read_small("/sys/module/apparmor/parameters/enabled", buf, sizeof(buf)) > 0 && buf[0] == 'Y';
        l.selinux = stat("/sys/fs/selinux/enforce", &st) == 0;
        return l;
}

int bw_lsm_decide(const struct bw_lsm *host, const char *apparmor_profile, const char *selinux_label,
                  struct bw_lsm_plan *out, struct bw_error **err)
{
        *out = (struct bw_lsm_plan){ 0 };
        if (apparmor_profile && *apparmor_profile) {
                if (host->apparmor)
                        out->apparmor_profile = apparmor_profile;
                else
                        bw_debug("process.apparmorProfile %s not applied: AppArmor is not enabled on this host",
                                 apparmor_profile);
        }
        if (selinux_label && *selinux_label) {
                if (!host->selinux)
                        return bw_error_msg(err, -EINVAL,
                                            "process.selinuxLabel %s is set, but SELinux is not enabled on this host; remove the label from the config",
                                            selinux_label);
                out->selinux_label = selinux_label;
        }
        return 0;
}

static int write_attr(int attr_dir, const char *name, const char *text, struct bw_error **err)
{
        _cleanup_close_ int fd = bw_procfs_openat(attr_dir, name, O_WRONLY);
        if (fd < 0)
                return bw_error_set(err, fd, "opening attr/%s", name);
        char what[64];
        snprintf(what, sizeof(what), "attr/%s", name);
        return bw_write_text(fd, text, what, err);
}

int bw_lsm_apply(int attr_dir, const struct bw_lsm_plan *plan, struct bw_error **err)
{
        if (plan->apparmor_profile) {
                _cleanup_free_ char *text = NULL;
                if (asprintf(&text, "exec %s", plan->apparmor_profile) < 0)
                        return bw_error_set(err, -ENOMEM, "applying AppArmor profile %s", plan->apparmor_profile);
                /* Kernels with LSM stacking keep AppArmor's own attributes
                 * in attr/apparmor/; older ones only have attr/exec. */
                struct stat st;
                bool own_dir = fstatat(attr_dir, "apparmor", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
                if (write_attr(attr_dir, own_dir ? "apparmor/exec" : "exec", text, err) < 0)
                        return bw_error_wrap(err, "applying AppArmor profile %s (is it loaded? see aa-status)",
                                             plan->apparmor_profile);
        }
        if (plan->selinux_label && write_attr(attr_dir, "exec", plan->selinux_label, err) < 0)
                return bw_error_wrap(err, "applying SELinux label %s", plan->selinux_label);
        return 0;
}

int bw_lsm_apply_self(int proc_fd, const struct bw_lsm_plan *plan, struct bw_error **err)
{
        if (!plan->apparmor_profile && !plan->selinux_label)
                return 0;
        /* The kernel lets a task set only its own attributes: this thread's
         * directory, named by number (no /proc/thread-self link). */
        char path[64];
        snprintf(path, sizeof(path), "%d/task/%d/attr", (int)getpid(), (int)syscall(SYS_gettid));
        _cleanup_close_ int dir = bw_procfs_openat(proc_fd, path, O_PATH | O_DIRECTORY);
        if (dir < 0)
                return bw_error_set(err, dir, "opening /proc/%s to set the process's security labels", path);
        return bw_lsm_apply(dir, plan, err);
}

int bw_lsm_mount_data(const struct bw_lsm *host, const char *type, const char *data, const char *mount_label,
                      char **out)
{
        *out = NULL;
        if (!host->selinux || !mount_label || !*mount_label || !type)
                return 0;
        if (strcmp(type, "tmpfs") != 0 && strcmp(type, "mqueue") != 0)
                return 0;
        if (data && (strncmp(data, "context=", 8) == 0 || strstr(data, ",context=")))
                return 0; /* the config chose one */
        int n = data && *data ? asprintf(out, "%s,context=\"%s\"", data, mount_label)
                              : asprintf(out, "context=\"%s\"", mount_label);
        if (n < 0) {
                *out = NULL;
                return -ENOMEM;
        }
        return 0;
}

int bw_lsm_plan_for(const struct oci_process *p, struct bw_lsm_plan *out, struct bw_error **err)
{
        *out = (struct bw_lsm_plan){ 0 };
        if (!p || ((!p->apparmor_profile || !*p->apparmor_profile) && (!p->selinux_label || !*p->selinux_label)))
                return 0;
        struct bw_lsm host = bw_lsm_detect();
        return bw_lsm_decide(&host, p->apparmor_profile, p->selinux_label, out, err);
}
