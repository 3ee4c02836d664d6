/* AppArmor/SELinux: parsing the LSM list, the decision, and the writes,
 * against a fake attr directory (this machine runs neither LSM). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/lsm.h"
#include "linux/procfs_handle.h"
#include "tap.h"
#include "util/cleanup.h"

static char dir[] = "/tmp/bw-test-lsm.XXXXXX";

static void put(const char *name, const char *text)
{
        char p[256];
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        FILE *f = fopen(p, "w");
        if (f) {
                fputs(text, f);
                fclose(f);
        }
}

static const char *get(const char *name)
{
        static char buf[256];
        char p[256];
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        buf[0] = '\0';
        FILE *f = fopen(p, "r");
        if (f) {
                size_t n = fread(buf, 1, sizeof(buf) - 1, f);
                buf[n] = '\0';
                fclose(f);
        }
        return buf;
}

static void reset(void)
{
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf %s/* %s/.x 2>/dev/null", dir, dir);
        if (system(cmd) != 0) {
                /* nothing there */
        }
}

static void test_parse(void)
{
        struct bw_lsm l = bw_lsm_parse("lockdown,capability,landlock,yama,apparmor,bpf\n");
        tap_ok(l.apparmor && !l.selinux, "parse: Ubuntu's list has AppArmor, not SELinux");
        l = bw_lsm_parse("capability,selinux\n");
        tap_ok(!l.apparmor && l.selinux, "parse: Fedora's list has SELinux");
        l = bw_lsm_parse("capability,apparmorx,xselinux");
        tap_ok(!l.apparmor && !l.selinux, "parse: names are matched whole");
        l = bw_lsm_parse("");
        tap_ok(!l.apparmor && !l.selinux, "parse: an empty list has neither");
        l = bw_lsm_parse(NULL);
        tap_ok(!l.apparmor && !l.selinux, "parse: no list has neither");
}

static void test_decide(void)
{
        struct bw_lsm none = { 0 }, aa = { .apparmor = true }, se = { .selinux = true };
        struct bw_lsm_plan plan;
        struct bw_error *err = NULL;
        int r = bw_lsm_decide(&none, "docker-default", NULL, &plan, &err);
        tap_ok(r == 0 && !plan.apparmor_profile && !err, "decide: a profile without AppArmor is skipped (as runc)");
        r = bw_lsm_decide(&aa, "docker-default", NULL, &plan, &err);
        tap_ok(r == 0 && plan.apparmor_profile && strcmp(plan.apparmor_profile, "docker-default") == 0,
               "decide: a profile with AppArmor is applied");
        r = bw_lsm_decide(&aa, "", NULL, &plan, &err);
        tap_ok(r == 0 && !plan.apparmor_profile, "decide: an empty profile is none");
        r = bw_lsm_decide(&none, NULL, "system_u:system_r:container_t:s0", &plan, &err);
        tap_ok(r == -EINVAL && err && strstr(err->msg, "SELinux is not enabled on this host"),
               "decide: a label without SELinux is an error (as runc): %s", err ? err->msg : "");
        bw_error_free(err);
        err = NULL;
        r = bw_lsm_decide(&se, NULL, "system_u:system_r:container_t:s0", &plan, &err);
        tap_ok(r == 0 && plan.selinux_label && !plan.apparmor_profile, "decide: a label with SELinux is applied");
}

static void test_apply(void)
{
        _cleanup_close_ int attr = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        struct bw_error *err = NULL;
        struct bw_lsm_plan plan = { .apparmor_profile = "docker-default" };

        reset();
        mkdir(strcat(strcpy((char[256]){ 0 }, dir), "/apparmor"), 0755);
        put("apparmor/exec", "");
        put("exec", "");
        int r = bw_lsm_apply(attr, &plan, &err);
        tap_ok(r == 0 && strcmp(get("apparmor/exec"), "exec docker-default") == 0 && !*get("exec"),
               "apply: AppArmor's own attr/apparmor/exec gets \"exec PROFILE\"");

        reset();
        put("exec", "");
        r = bw_lsm_apply(attr, &plan, &err);
        tap_ok(r == 0 && strcmp(get("exec"), "exec docker-default") == 0,
               "apply: without attr/apparmor, attr/exec gets it (older kernels)");

        reset();
        put("exec", "");
        struct bw_lsm_plan se = { .selinux_label = "system_u:system_r:container_t:s0:c1,c2" };
        r = bw_lsm_apply(attr, &se, &err);
        tap_ok(r == 0 && strcmp(get("exec"), "system_u:system_r:container_t:s0:c1,c2") == 0,
               "apply: the SELinux label goes to attr/exec");

        reset();
        char outside[] = "/tmp/bw-test-lsm-outside.XXXXXX";
        int o = mkstemp(outside);
        if (o >= 0)
                close(o);
        mkdir(strcat(strcpy((char[256]){ 0 }, dir), "/apparmor"), 0755);
        char link[256];
        snprintf(link, sizeof(link), "%s/apparmor/exec", dir);
        tap_ok(symlink(outside, link) == 0, "apply: a fake attr/apparmor/exec that links outside");
        r = bw_lsm_apply(attr, &plan, &err);
        struct stat st;
        tap_ok(r == -ELOOP && err && strstr(err->msg, "attr/apparmor/exec") && stat(outside, &st) == 0 && st.st_size == 0,
               "apply: the link is not followed, the file it names stays empty (%s)", err ? err->msg : "");
        bw_error_free(err);
        err = NULL;
        unlink(outside);

        reset();
        r = bw_lsm_apply(attr, &plan, &err);
        tap_ok(r == -ENOENT && err && strstr(err->msg, "is it loaded?"), "apply: a missing attr file is an error naming the profile");
        bw_error_free(err);
        err = NULL;

        /* The real thing: this thread's attr directory in a private procfs.
         * With no LSM taking the write, the kernel answers EINVAL from the
         * file itself, which shows the open reached it. */
        _cleanup_close_ int proc = bw_procfs_open(&err);
        if (proc < 0) {
                tap_skip(err ? err->msg : "?", "apply_self reaches the thread's own attr/exec");
                bw_error_free(err);
                err = NULL;
        } else {
                struct bw_lsm_plan label = { .selinux_label = "bulwark-test" };
                r = bw_lsm_apply_self(proc, &label, &err);
                tap_ok(r == -EINVAL && err && strstr(err->msg, "writing \"bulwark-test\" to attr/exec"),
                       "apply_self reaches the thread's own attr/exec through the private procfs (%s)", err ? err->msg : "");
                bw_error_free(err);
                err = NULL;
        }

        struct bw_lsm_plan nothing = { 0 };
        tap_ok(bw_lsm_apply_self(-1, &nothing, &err) == 0, "apply_self: an empty plan touches no procfs");
}

static void test_mount_data(void)
{
        struct bw_lsm none = { 0 }, se = { .selinux = true };
        const char *label = "system_u:object_r:container_file_t:s0:c1,c2";
        char *out = NULL;
        tap_ok(bw_lsm_mount_data(&none, "tmpfs", "mode=755", label, &out) == 0 && !out,
               "mount data: without SELinux nothing is added");
        tap_ok(bw_lsm_mount_data(&se, "tmpfs", "mode=755,size=65536k", label, &out) == 0 && out &&
                       strcmp(out, "mode=755,size=65536k,context=\"system_u:object_r:container_file_t:s0:c1,c2\"") == 0,
               "mount data: tmpfs gets context=\"LABEL\"");
        free(out);
        tap_ok(bw_lsm_mount_data(&se, "mqueue", NULL, label, &out) == 0 && out &&
                       strcmp(out, "context=\"system_u:object_r:container_file_t:s0:c1,c2\"") == 0,
               "mount data: mqueue without data gets only the context");
        free(out);
        tap_ok(bw_lsm_mount_data(&se, "tmpfs", "context=\"x\",mode=755", label, &out) == 0 && !out,
               "mount data: a context the config set is kept");
        tap_ok(bw_lsm_mount_data(&se, "proc", NULL, label, &out) == 0 && !out, "mount data: proc is left alone");
        tap_ok(bw_lsm_mount_data(&se, "tmpfs", NULL, "", &out) == 0 && !out, "mount data: no label, nothing added");
}

int main(void)
{
        if (!mkdtemp(dir)) {
                tap_ok(0, "mkdtemp");
                return tap_done();
        }
        test_parse();
        test_decide();
        test_apply();
        test_mount_data();
        reset();
        rmdir(dir);
        return tap_done();
}
