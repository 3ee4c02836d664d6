/* Layout detection from fake mountinfo + /proc/self/cgroup, and how a
 * cgroupsPath becomes directories. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/cgroup.h"
#include "tap.h"
#include "util/cleanup.h"

static char tmp[] = "/tmp/bw-cglayout-XXXXXX";

static char *write_tmp(const char *name, const char *text)
{
        char *p = NULL;
        if (asprintf(&p, "%s/%s", tmp, name) < 0)
                abort();
        FILE *f = fopen(p, "w");
        fputs(text, f);
        fclose(f);
        return p;
}

static struct bw_cg_system *load(const char *mi, const char *pc)
{
        _cleanup_free_ char *a = write_tmp("mountinfo", mi), *b = write_tmp("cgroup", pc);
        _cleanup_error_ struct bw_error *err = NULL;
        struct bw_cg_system *s = NULL;
        if (bw_cg_system_load(a, b, &s, &err) < 0)
                printf("# %s\n", err->msg);
        return s;
}

static int h_of(const struct bw_cg_system *s, enum bw_cg_ctrl c)
{
        return s->where[c];
}

static void test_hybrid(void)
{
        /* The unified mount point is a real directory with cgroup.controllers,
         * as detection reads it. */
        char *uni = NULL;
        if (asprintf(&uni, "%s/unified", tmp) < 0)
                abort();
        mkdir(uni, 0755);
        free(write_tmp("unified/cgroup.controllers", "hugetlb\n"));
        char *mi = NULL;
        if (asprintf(&mi,
                     "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
                     "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
                     "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
                     "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
                     "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
                     "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime shared:5 - cgroup cgroup rw,freezer\n"
                     "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
                     "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
                     "41 31 0:38 / %s rw,relatime - cgroup2 cgroup2 rw\n",
                     uni) < 0)
                abort();
        struct bw_cg_system *s = load(mi,
                                      "9:name=systemd:/user.slice\n8:pids:/\n6:freezer:/\n5:devices:/\n"
                                      "4:memory:/process_api/abc\n2:cpuacct:/\n1:cpu:/\n0::/init.scope\n");
        free(mi);
        tap_ok(s != NULL, "hybrid: loads");
        if (!s)
                return;
        tap_is_str(bw_cg_layout_name(s->layout), "hybrid", "hybrid: v1 controllers plus cgroup2");
        tap_is_int(s->n, 7, "hybrid: six v1 hierarchies with controllers and cgroup2 (name=systemd skipped)");
        tap_ok(h_of(s, BW_CGC_MEMORY) >= 0 && !s->h[h_of(s, BW_CGC_MEMORY)].v2, "hybrid: memory is on v1");
        tap_is_str(s->h[h_of(s, BW_CGC_MEMORY)].mount, "/sys/fs/cgroup/memory", "hybrid: memory's mount point");
        tap_is_str(s->h[h_of(s, BW_CGC_MEMORY)].own, "/process_api/abc", "hybrid: own memory cgroup");
        tap_ok(h_of(s, BW_CGC_HUGETLB) == s->v2, "hybrid: hugetlb is on cgroup2");
        tap_ok(h_of(s, BW_CGC_FREEZER) >= 0 && !s->h[h_of(s, BW_CGC_FREEZER)].v2,
               "hybrid: the v1 freezer wins over cgroup.freeze");
        tap_ok(h_of(s, BW_CGC_CPUSET) < 0, "hybrid: cpuset is nowhere (neither v1 nor in cgroup.controllers)");
        tap_is_str(s->h[s->v2].own, "/init.scope", "hybrid: own cgroup2 cgroup");

        _cleanup_error_ struct bw_error *err = NULL;
        struct bw_cgroup *cg = NULL;
        tap_is_int(bw_cgroup_new(s, "ctr", "sub/ctr", false, &cg, &err), 0, "relative path accepted");
        if (cg) {
                tap_is_str(bw_cgroup_dir(cg, BW_CGC_MEMORY), "/sys/fs/cgroup/memory/process_api/abc/sub/ctr",
                           "relative: below the caller's own memory cgroup");
                tap_is_str(bw_cgroup_dir(cg, BW_CGC_PIDS), "/sys/fs/cgroup/pids/sub/ctr",
                           "relative: below the caller's own pids cgroup (the root)");
                char *want = NULL;
                if (asprintf(&want, "%s/init.scope/sub/ctr", uni) < 0)
                        abort();
                tap_is_str(bw_cgroup_v2_dir(cg), want, "relative: below the caller's cgroup2 cgroup");
                free(want);
                bw_cgroup_free(cg);
                cg = NULL;
        }
        tap_is_int(bw_cgroup_new(s, "ctr", "/a//b/", false, &cg, &err), 0, "absolute path accepted");
        if (cg) {
                tap_is_str(bw_cgroup_dir(cg, BW_CGC_MEMORY), "/sys/fs/cgroup/memory/a/b",
                           "absolute: below the hierarchy root, slashes squashed");
                bw_cgroup_free(cg);
                cg = NULL;
        }
        tap_is_int(bw_cgroup_new(s, "ctr", NULL, false, &cg, &err), 0, "no path accepted");
        if (cg) {
                tap_is_str(bw_cgroup_path(cg), "/bulwark/ctr", "no path: /bulwark/<id>");
                tap_is_str(bw_cgroup_dir(cg, BW_CGC_DEVICES), "/sys/fs/cgroup/devices/bulwark/ctr",
                           "no path: devices dir");
                tap_ok(bw_cgroup_dir(cg, BW_CGC_CPUSET) == NULL, "no dir for an absent controller");
                bw_cgroup_free(cg);
                cg = NULL;
        }
        bw_cg_system_free(s);
        free(uni);
}

static void test_legacy_and_unified(void)
{
        struct bw_cg_system *s = load("32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
                                      "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
                                      "36 31 0:32 / /mnt/memory\\040again rw - cgroup cgroup rw,memory\n",
                                      "3:cpu,cpuacct:/x\n2:memory:/y\n");
        tap_ok(s != NULL, "legacy: loads");
        if (s) {
                tap_is_str(bw_cg_layout_name(s->layout), "legacy", "legacy: only v1");
                tap_is_int(s->n, 2, "legacy: a hierarchy mounted twice counts once");
                tap_ok(h_of(s, BW_CGC_CPU) == h_of(s, BW_CGC_CPUACCT), "legacy: co-mounted cpu,cpuacct share a hierarchy");
                tap_is_str(s->h[h_of(s, BW_CGC_CPU)].own, "/x", "legacy: own cgroup of a co-mounted hierarchy");
                tap_ok(s->v2 < 0, "legacy: no cgroup2");
                bw_cg_system_free(s);
        }

        char *uni = NULL;
        if (asprintf(&uni, "%s/v2", tmp) < 0)
                abort();
        mkdir(uni, 0755);
        free(write_tmp("v2/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n"));
        char *mi = NULL;
        if (asprintf(&mi, "30 23 0:26 / %s rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n", uni) < 0)
                abort();
        s = load(mi, "0::/user.slice/user-0.slice/session-1.scope\n");
        free(mi);
        tap_ok(s != NULL, "unified: loads");
        if (s) {
                tap_is_str(bw_cg_layout_name(s->layout), "unified", "unified: only cgroup2");
                tap_ok(h_of(s, BW_CGC_MEMORY) == s->v2 && h_of(s, BW_CGC_BLKIO) == s->v2 &&
                               h_of(s, BW_CGC_DEVICES) == s->v2 && h_of(s, BW_CGC_FREEZER) == s->v2,
                       "unified: memory, io, devices (eBPF), freezer on cgroup2");
                tap_ok(h_of(s, BW_CGC_NET_CLS) < 0, "unified: no net_cls");
                bw_cg_system_free(s);
        }
        free(uni);
}

static void test_bad_paths(void)
{
        _cleanup_free_ char *root = NULL;
        if (asprintf(&root, "%s", tmp) < 0)
                abort();
        struct bw_cg_system *s = NULL;
        _cleanup_error_ struct bw_error *e0 = NULL;
        bw_cg_system_unified_at(root, &s, &e0);
        struct bw_cgroup *cg = NULL;
        {
                _cleanup_error_ struct bw_error *err = NULL;
                int r = bw_cgroup_new(s, "ctr", "system.slice:docker:abc", false, &cg, &err);
                tap_is_int(r, -EINVAL, "systemd form refused");
                tap_ok(err && strstr(err->msg, "slice:prefix:name") && strstr(err->msg, "give --systemd-cgroup") &&
                               strstr(err->msg, "/bulwark/ID"),
                       "systemd form: says why and how to fix");
        }
        {
                _cleanup_error_ struct bw_error *err = NULL;
                tap_is_int(bw_cgroup_new(s, "ctr", "/a/b", true, &cg, &err), -EINVAL, "an unresolved systemd unit refused");
        }
        {
                _cleanup_error_ struct bw_error *err = NULL;
                tap_is_int(bw_cgroup_new(s, "ctr", "/a/../../etc", false, &cg, &err), -EINVAL, "\"..\" refused");
        }
        {
                _cleanup_error_ struct bw_error *err = NULL;
                tap_is_int(bw_cgroup_new(s, "ctr", "/", false, &cg, &err), -EINVAL, "the root cgroup refused");
        }
        {
                _cleanup_error_ struct bw_error *err = NULL;
                tap_is_int(bw_cgroup_new(s, "ctr", ".", false, &cg, &err), -EINVAL,
                           "\".\" (the caller's own cgroup) refused");
        }
        {
                _cleanup_error_ struct bw_error *err = NULL;
                tap_is_int(bw_cgroup_new(s, "../x", "", false, &cg, &err), -EINVAL,
                           "an id with a slash cannot make the default path");
        }
        {
                _cleanup_error_ struct bw_error *err = NULL;
                tap_is_int(bw_cgroup_new(s, "ctr", "/a/b..c/.d", false, &cg, &err), 0, "\"b..c\" and \".d\" are plain names");
                bw_cgroup_free(cg);
        }
        bw_cg_system_free(s);
}

static void test_real(void)
{
        _cleanup_error_ struct bw_error *err = NULL;
        struct bw_cg_system *s = NULL;
        int r = bw_cg_system_detect(&s, &err);
        tap_is_int(r, 0, "detects this machine's cgroups");
        if (r < 0) {
                printf("# %s\n", err->msg);
                return;
        }
        struct stat st;
        bool v1_memory = stat("/sys/fs/cgroup/memory/memory.limit_in_bytes", &st) == 0;
        printf("# layout %s, %zu hierarchies\n", bw_cg_layout_name(s->layout), s->n);
        if (v1_memory)
                tap_ok(s->where[BW_CGC_MEMORY] >= 0 && !s->h[s->where[BW_CGC_MEMORY]].v2,
                       "memory found on its v1 mount");
        else
                tap_skip("no v1 memory mount", "memory found on its v1 mount");
        bw_cg_system_free(s);
}

int main(void)
{
        if (!mkdtemp(tmp))
                return 1;
        test_hybrid();
        test_legacy_and_unified();
        test_bad_paths();
        test_real();
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
        if (system(cmd) != 0)
                printf("# could not remove %s\n", tmp);
        return tap_done();
}
