/* The state root of an unprivileged caller: $XDG_RUNTIME_DIR/bulwark, and
 * the refusals when that directory is missing or not the caller's. */
#include "tap.h"

#include <sys/stat.h>
#include <unistd.h>

#include "oci/spec.h"
#include "runtime/rootless.h"
#include "runtime/rootless_cgroup.h"
#include "util/cleanup.h"

static void mkcg(const char *dir, uid_t owner)
{
        char f[1100];
        mkdir(dir, 0755);
        snprintf(f, sizeof(f), "%s/cgroup.procs", dir);
        FILE *fp = fopen(f, "w");
        if (fp)
                fclose(fp);
        if (chown(dir, owner, owner) < 0 || chown(f, owner, owner) < 0)
                return;
}

static struct bw_cg_system *fake_system(const char *mount, const char *own)
{
        char mi[600], pc[300];
        snprintf(mi, sizeof(mi), "30 23 0:26 / %s rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n", mount);
        snprintf(pc, sizeof(pc), "0::%s\n", own);
        struct bw_cg_system *s = NULL;
        _cleanup_error_ struct bw_error *e = NULL;
        bw_cg_system_parse(mi, pc, "mountinfo", &s, &e);
        return s;
}

/* A fake cgroup2 tree as systemd lays it out: user@4242.service and what
 * is below it belong to uid 4242; the slices above are root's. */
static void delegation(void)
{
        if (geteuid() != 0) {
                tap_skip("not root", "delegation: a fake systemd tree needs chown");
                return;
        }
        char top[] = "/tmp/bw-test-cg.XXXXXX";
        if (!mkdtemp(top))
                return;
        static const char *const rel[5] = { "/user.slice", "/user.slice/user-4242.slice",
                                            "/user.slice/user-4242.slice/user@4242.service",
                                            "/user.slice/user-4242.slice/user@4242.service/app.slice",
                                            "/user.slice/user-4242.slice/user@4242.service/app.slice/run-1.scope" };
        char d[5][128];
        for (int i = 0; i < 5; i++)
                snprintf(d[i], sizeof(d[i]), "%s%s", top, rel[i]);
        for (int i = 0; i < 5; i++)
                mkcg(d[i], i < 2 ? 0 : 4242);
        char *parent = NULL, *why = NULL;
        int r;

        struct bw_cg_system *s = fake_system(top, "/user.slice/user-4242.slice/user@4242.service/app.slice/run-1.scope");
        tap_ok(s && bw_rootless_cgroup_delegation(s, 4242, 4242, &parent, &why) == 0, "delegation: looked up");
        tap_is_str(parent, "/user.slice/user-4242.slice/user@4242.service", "delegation: the top of the user's subtree");
        free(parent), free(why);

        r = bw_rootless_cgroup_delegation(s, 4343, 4343, &parent, &why);
        tap_ok(r == 0 && !parent && why &&
                       strstr(why, "is not yours (no cgroup is delegated to uid 4343)"),
               "delegation: another uid has none (%s)", why ? why : "");
        free(parent), free(why);
        bw_cg_system_free(s);

        s = fake_system(top, "/user.slice/user-4242.slice/user@4242.service");
        r = s ? bw_rootless_cgroup_delegation(s, 4242, 4242, &parent, &why) : -1;
        tap_ok(r == 0 && !parent && why &&
                       strstr(why, "in the delegated cgroup /user.slice/user-4242.slice/user@4242.service itself"),
               "delegation: a caller in the subtree's top cannot hand controllers down (%s)", why ? why : "");
        free(parent), free(why);
        bw_cg_system_free(s);

        s = fake_system(top, "/user.slice/user-4242.slice");
        r = s ? bw_rootless_cgroup_delegation(s, 4242, 4242, &parent, &why) : -1;
        tap_ok(r == 0 && !parent && why &&
                       strstr(why, "is not yours"), "delegation: a session's root-owned cgroup is none");
        free(parent), free(why);
        bw_cg_system_free(s);

        const char *hybrid = "29 23 0:25 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
                             "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
        _cleanup_error_ struct bw_error *e = NULL;
        s = NULL;
        bw_cg_system_parse(hybrid, "1:pids:/\n0::/\n", "mountinfo", &s, &e);
        r = s ? bw_rootless_cgroup_delegation(s, 4242, 4242, &parent, &why) : -1;
        tap_ok(r == 0 && !parent && why &&
                       strstr(why, "cgroup v1 (hybrid layout)"),
               "delegation: none on a hybrid host, which says so (%s)", why ? why : "");
        free(parent), free(why);
        bw_cg_system_free(s);

        for (int i = 4; i >= 0; i--) {
                char f[1100];
                snprintf(f, sizeof(f), "%s/cgroup.procs", d[i]);
                unlink(f);
                rmdir(d[i]);
        }
        rmdir(top);
}

int main(void)
{
        delegation();
        char dir[] = "/tmp/bw-test-rootless.XXXXXX";
        if (!mkdtemp(dir))
                return 1;
        chmod(dir, 0700);
        uid_t me = geteuid();
        char *out = NULL;
        struct bw_error *err = NULL;

        tap_is_int(bw_rootless_state_root(dir, me, &out, &err), 0, "a 0700 directory of the caller is used");
        char want[64];
        snprintf(want, sizeof(want), "%s/bulwark", dir);
        tap_is_str(out, want, "the state root is $XDG_RUNTIME_DIR/bulwark");
        free(out);

        char slash[64];
        snprintf(slash, sizeof(slash), "%s//", dir);
        tap_is_int(bw_rootless_state_root(slash, me, &out, &err), 0, "trailing slashes are accepted");
        tap_is_str(out, want, "trailing slashes are not doubled");
        free(out);

        tap_is_int(bw_rootless_state_root(NULL, 1000, &out, &err), -ENOENT, "unset: refused");
        tap_ok(err && strstr(err->msg, "XDG_RUNTIME_DIR is not set") && strstr(err->msg, "--root DIR"),
               "unset: the message names the variable and the fix");
        tap_ok(out == NULL, "unset: no root");
        bw_error_free(err), err = NULL;

        tap_is_int(bw_rootless_state_root("", 1000, &out, &err), -ENOENT, "empty: refused as unset");
        bw_error_free(err), err = NULL;

        tap_is_int(bw_rootless_state_root("run/user/1000", 1000, &out, &err), -EINVAL, "relative: refused");
        bw_error_free(err), err = NULL;

        tap_is_int(bw_rootless_state_root(dir, me + 1, &out, &err), -EPERM, "another user's directory: refused");
        tap_ok(err && strstr(err->msg, "not by you"), "another user's: the message says whose it is");
        bw_error_free(err), err = NULL;

        chmod(dir, 0777);
        tap_is_int(bw_rootless_state_root(dir, me, &out, &err), -EPERM, "a directory others may write: refused");
        tap_ok(err && strstr(err->msg, "mode 0777"), "others may write: the message gives the mode");
        bw_error_free(err), err = NULL;
        rmdir(dir);

        tap_is_int(bw_rootless_state_root(dir, me, &out, &err), -ENOENT, "a missing directory: refused");
        bw_error_free(err), err = NULL;

        struct oci_own_ids *v = NULL;
        size_t n = 0;
        tap_is_int(bw_rootless_parse_map("         0       1000          1\n         1     100000      65536\n", &v, &n), 0,
                   "uid_map: parsed");
        tap_ok(n == 2 && v[0].id == 0 && v[0].host == 1000 && v[0].count == 1 && v[1].id == 1 &&
               v[1].host == 100000 && v[1].count == 65536, "uid_map: ids, host ids and counts in order");
        free(v);
        tap_is_int(bw_rootless_parse_map("0 1000\n", &v, &n), -EINVAL, "uid_map: a short line is refused");
        tap_ok(v == NULL && n == 0, "uid_map: nothing kept from a bad map");
        return tap_done();
}
