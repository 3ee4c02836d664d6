/* The container's own cgroupfs: which hierarchies are mounted afresh (in
 * the container's cgroup namespace) and which are bound from the
 * container's directory, from fake mountinfo and /proc/self/cgroup. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "linux/cgroup_mount.h"
#include "tap.h"
#include "util/cleanup.h"

#define MI_V2(root) "30 25 0:26 " root " /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"
#define MI_V1(id, root, name, opts) \
        id " 31 0:" id " " root " /sys/fs/cgroup/" name " rw,nosuid - cgroup cgroup rw," opts "\n"
#define MI_TMPFS "31 25 0:25 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755\n"

static const struct bw_cgmount_entry *find(const struct bw_cgmount_plan *p, const char *name)
{
        for (size_t i = 0; i < p->n; i++)
                if (strcmp(p->e[i].name, name) == 0)
                        return &p->e[i];
        return NULL;
}

static bool str_is(const char *a, const char *b)
{
        return a && b ? strcmp(a, b) == 0 : a == b;
}

int main(void)
{
        struct bw_cgmount_plan p;
        _cleanup_error_ struct bw_error *err = NULL;

        /* unified, in the container's cgroup namespace: the host's mount
         * shows a root above the namespace's, init is at its root */
        int r = bw_cgmount_plan("22 1 8:1 / / rw - ext4 /dev/vda rw\n" MI_V2("/../..") , "0::/\n", &p, &err);
        tap_ok(r == 0 && p.unified && p.n == 1 && p.e[0].fresh && p.e[0].v2 && !p.e[0].bind && !p.e[0].data,
               "unified in a cgroup namespace: one fresh cgroup2, nothing of the host's to fall back on");
        bw_cgmount_plan_clear(&p);

        /* unified without a cgroup namespace: the container's directory */
        r = bw_cgmount_plan(MI_V2("/"), "0::/bulwark/c1\n", &p, &err);
        tap_ok(r == 0 && p.unified && p.n == 1 && !p.e[0].fresh && str_is(p.e[0].bind, "/sys/fs/cgroup/bulwark/c1"),
               "unified without a cgroup namespace: bind /sys/fs/cgroup/bulwark/c1 (got %s)", p.n ? p.e[0].bind : "-");
        bw_cgmount_plan_clear(&p);

        /* bulwark itself in a container whose cgroup2 mount shows /docker/x */
        r = bw_cgmount_plan(MI_V2("/docker/x"), "0::/docker/x/bulwark/c1\n", &p, &err);
        tap_ok(r == 0 && p.n == 1 && str_is(p.e[0].bind, "/sys/fs/cgroup/bulwark/c1"),
               "a host mount rooted at /docker/x: the path under it (got %s)", p.n ? p.e[0].bind : "-");
        bw_cgmount_plan_clear(&p);

        r = bw_cgmount_plan(MI_V2("/docker/x"), "0::/other/c1\n", &p, &err);
        tap_ok(r == -EXDEV && strstr(err->msg, "outside what /sys/fs/cgroup shows"),
               "a cgroup outside what the host's mount shows is refused: %s", err ? err->msg : "");
        bw_error_free(take_ptr(err));

        /* hybrid, as this project's CI host: v1 controllers, co-mounted
         * cpu,cpuacct, name=systemd and cgroup2 at unified */
        const char *hybrid = MI_TMPFS MI_V1("40", "/", "cpu,cpuacct", "cpu,cpuacct") MI_V1("41", "/", "memory", "memory")
                MI_V1("42", "/", "systemd", "xattr,name=systemd") MI_V1("43", "/", "pids", "pids")
                "44 31 0:44 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"
                "45 22 0:45 / /mnt/elsewhere rw - cgroup cgroup rw,memory\n";
        r = bw_cgmount_plan(hybrid, "5:name=systemd:/\n4:pids:/bulwark/c1\n3:memory:/bulwark/c1\n2:cpu,cpuacct:/bulwark/c1\n0::/bulwark/c1\n",
                            &p, &err);
        const struct bw_cgmount_entry *cpu = find(&p, "cpu,cpuacct"), *mem = find(&p, "memory"), *u = find(&p, "unified");
        tap_ok(r == 0 && !p.unified && p.n == 4, "hybrid without a cgroup namespace: 4 hierarchies (got %zu)", p.n);
        tap_ok(cpu && !cpu->fresh && str_is(cpu->bind, "/sys/fs/cgroup/cpu,cpuacct/bulwark/c1") && str_is(cpu->data, "cpu,cpuacct"),
               "co-mounted cpu,cpuacct: the container's directory in it");
        tap_ok(mem && str_is(mem->bind, "/sys/fs/cgroup/memory/bulwark/c1") && u && u->v2 &&
               str_is(u->bind, "/sys/fs/cgroup/unified/bulwark/c1"), "memory and unified: the container's directories");
        tap_ok(!find(&p, "systemd"), "name=systemd, where the container is at the root (the host's tree), is left out");
        bw_cgmount_plan_clear(&p);

        /* the same from inside the container's cgroup namespace */
        const char *hybrid_ns = MI_TMPFS MI_V1("40", "/../..", "cpu,cpuacct", "cpu,cpuacct")
                MI_V1("42", "/", "systemd", "xattr,name=systemd") MI_V1("46", "/../..", "misc", "misc")
                "44 31 0:44 /../.. /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
        r = bw_cgmount_plan(hybrid_ns, "6:misc:/\n5:name=systemd:/\n2:cpu,cpuacct:/\n0::/\n", &p, &err);
        cpu = find(&p, "cpu,cpuacct");
        u = find(&p, "unified");
        tap_ok(r == 0 && p.n == 3 && cpu && cpu->fresh && !cpu->bind && str_is(cpu->data, "cpu,cpuacct") && u && u->fresh &&
               !u->data && find(&p, "misc") && !find(&p, "systemd"),
               "hybrid in a cgroup namespace: fresh mounts of each hierarchy, name=systemd left out");
        bw_cgmount_plan_clear(&p);

        /* a named hierarchy the container was put in */
        r = bw_cgmount_plan(MI_TMPFS MI_V1("42", "/", "systemd", "xattr,name=systemd"), "1:name=systemd:/bulwark/c1\n", &p,
                            &err);
        tap_ok(r == 0 && p.n == 1 && str_is(p.e[0].data, "none,name=systemd") &&
               str_is(p.e[0].bind, "/sys/fs/cgroup/systemd/bulwark/c1"),
               "name=systemd with the container in it: selected by none,name=systemd, or bound");
        bw_cgmount_plan_clear(&p);

        r = bw_cgmount_plan("22 1 8:1 / / rw - ext4 /dev/vda rw\n", "0::/\n", &p, &err);
        tap_ok(r == -ENOENT && strstr(err->msg, "no cgroup hierarchy is mounted at /sys/fs/cgroup"),
               "no hierarchy at /sys/fs/cgroup: refused with the reason: %s", err ? err->msg : "");
        bw_error_free(take_ptr(err));

        r = bw_cgmount_plan(MI_V2("/"), "1:memory:/x\n", &p, &err);
        tap_ok(r == -ENOENT && strstr(err->msg, "no line for it"), "init in no cgroup of the hierarchy: refused");
        bw_error_free(take_ptr(err));
        return tap_done();
}
