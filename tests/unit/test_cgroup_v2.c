/* cgroup v2: first against a fake tree (a temp dir laid out like cgroup2,
 * checking each file written), then for real on this machine's cgroup2
 * mount: hugetlb limits where the controller is there, the eBPF device
 * program, clone3(CLONE_INTO_CGROUP), cgroup.freeze and cgroup.kill. */
#include <linux/magic.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>

#include "cg_child.h"
#include "linux/cgroup_internal.h"
#include "tap.h"

#define SET(x) { true, (x) }

static char tmp[] = "/tmp/bw-cgv2-XXXXXX";

static void put(const char *rel, const char *text)
{
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", tmp, rel);
        FILE *f = fopen(p, "w");
        if (!f)
                abort();
        fputs(text, f);
        fclose(f);
}

static char *get(const char *dir, const char *file)
{
        char *t = NULL;
        if (cg_read(dir, file, &t) < 0)
                return strdup("(missing)");
        t[strcspn(t, "\n")] = '\0';
        return t;
}

static void is_file(const char *dir, const char *file, const char *want)
{
        char *got = get(dir, file);
        char name[128];
        snprintf(name, sizeof(name), "%s = \"%s\"", file, want);
        tap_is_str(got, want, name);
        free(got);
}

static void fake_tree(void)
{
        static const char *const leaf_files[] = {
                "memory.max", "memory.low", "memory.swap.max", "memory.high", "cpu.weight", "cpu.max.burst",
                "cpu.idle", "cpuset.cpus", "cpuset.mems", "pids.max", "io.weight", "io.max", "hugetlb.2MB.max",
                "cgroup.freeze", "cgroup.subtree_control",
        };
        char p[512];
        snprintf(p, sizeof(p), "%s/bulwark", tmp);
        mkdir(p, 0755);
        snprintf(p, sizeof(p), "%s/bulwark/ctr", tmp);
        mkdir(p, 0755);
        put("cgroup.controllers", "cpuset cpu io memory hugetlb pids\n");
        put("cgroup.subtree_control", "cpu\n");
        put("bulwark/cgroup.controllers", "cpuset cpu io memory hugetlb pids\n");
        put("bulwark/cgroup.subtree_control", "");
        for (size_t i = 0; i < ARRAY_SIZE(leaf_files); i++) {
                snprintf(p, sizeof(p), "bulwark/ctr/%s", leaf_files[i]);
                put(p, "");
        }
        put("bulwark/ctr/cpu.max", "max 100000\n");
        put("bulwark/ctr/cgroup.events", "populated 1\nfrozen 1\n");
        put("bulwark/ctr/memory.current", "1234\n");
        put("bulwark/ctr/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
        put("bulwark/ctr/pids.current", "2\n");
        put("bulwark/ctr/cpu.stat", "usage_usec 5000\nuser_usec 3000\nsystem_usec 2000\n");
        put("bulwark/ctr/cgroup.procs", "10\n20\n");
}

static int set(struct bw_cgroup *cg, const struct oci_resources *res, const char *want_in_msg, const char *name)
{
        struct bw_error *err = NULL;
        int r = bw_cgroup_set(cg, res, &err);
        if (want_in_msg) {
                tap_ok(r < 0 && err && strstr(err->msg, want_in_msg), "%s", name);
                if (err && !strstr(err->msg, want_in_msg))
                        printf("#   %s\n", err->msg);
        } else {
                tap_ok(r == 0, "%s", name);
                if (err)
                        printf("#   %s\n", err->msg);
        }
        bw_error_free(err);
        return r;
}

static void test_fake(void)
{
        fake_tree();
        struct bw_cg_system *s = NULL;
        struct bw_cgroup *cg = NULL;
        struct bw_error *err = NULL;
        if (bw_cg_system_unified_at(tmp, &s, &err) < 0 || bw_cgroup_new(s, "ctr", NULL, false, &cg, &err) < 0) {
                tap_ok(0, "fake tree: %s", err->msg);
                bw_error_free(err);
                bw_cg_system_free(s);
                return;
        }
        tap_is_int(bw_cgroup_create(cg, &err), 0, "create over the fake tree");
        char *d = strdup(bw_cgroup_v2_dir(cg));
        char *top = get(tmp, "cgroup.subtree_control"), *mid = get(cg->dirs[0], "../cgroup.subtree_control");
        /* Each "+name" is its own write; the fake file keeps the last one. */
        tap_is_str(top, "+pids", "create enables controllers in the root (cpu was already on)");
        tap_is_str(mid, "+pids", "create enables controllers in the intermediate dir");
        free(top);
        free(mid);

        struct oci_hugepage_limit huge[] = { { .page_size = "2MB", .limit = 4194304 } };
        struct oci_kv kv[] = { { .key = "memory.high", .value = "50000000" } };
        struct oci_throttle_device rbps[] = { { .major = 8, .minor = 0, .rate = 1048576 } };
        struct oci_resources res = {
                .present = true,
                .memory = { .present = true, .limit = SET(64 << 20), .reservation = SET(32 << 20), .swap = SET(96 << 20) },
                .cpu = { .present = true, .shares = SET(1024), .quota = SET(50000), .period = SET(100000),
                         .burst = SET(1000), .cpus = "0-1", .mems = "0" },
                .pids = { .present = true, .limit = SET(100) },
                .block_io = { .present = true, .weight = SET(500), .throttle_read_bps = { rbps, 1 } },
                .hugepage_limits = huge, .n_hugepage_limits = 1,
                .unified = { kv, 1 },
        };
        set(cg, &res, NULL, "set every v2 resource");
        is_file(d, "memory.max", "67108864");
        is_file(d, "memory.low", "33554432");
        is_file(d, "memory.swap.max", "33554432"); /* OCI swap 96M = 64M memory + 32M swap */
        is_file(d, "cpu.weight", "39");           /* shares 1024 */
        is_file(d, "cpu.max", "50000 100000");
        is_file(d, "cpu.max.burst", "1000");
        is_file(d, "cpuset.cpus", "0-1");
        is_file(d, "cpuset.mems", "0");
        is_file(d, "pids.max", "100");
        is_file(d, "io.weight", "default 4950"); /* blkio 500 on the 1..10000 scale */
        is_file(d, "io.max", "8:0 rbps=1048576");
        is_file(d, "hugetlb.2MB.max", "4194304");
        is_file(d, "memory.high", "50000000");

        tap_is_int(cg_shares_to_weight(2), 1, "shares 2 -> weight 1");
        tap_is_int(cg_shares_to_weight(262144), 10000, "shares 262144 -> weight 10000");
        tap_is_int(cg_blkio_to_io_weight(10), 1, "blkio 10 -> io 1");
        tap_is_int(cg_blkio_to_io_weight(1000), 10000, "blkio 1000 -> io 10000");
        tap_is_int(cg_shares_to_weight(1024), 39, "shares 1024 (the default) -> weight 39, as runc and crun");
        tap_is_int(cg_shares_to_weight(1), 1, "shares below 2 clamp to weight 1");
        tap_is_int(cg_blkio_to_io_weight(500), 4950, "blkio 500 -> io 4950");
        tap_is_int(cg_blkio_to_io_weight(5000), 10000, "blkio above 1000 clamps to io 10000");

        /* An update that names only the quota keeps the period. */
        struct oci_resources upd = { .present = true, .cpu = { .present = true, .quota = SET(-1) },
                                     .pids = { .present = true, .limit = SET(-1) } };
        put("bulwark/ctr/cpu.max", "50000 250000\n");
        set(cg, &upd, NULL, "update quota to unlimited, pids to unlimited");
        is_file(d, "cpu.max", "max 250000");
        is_file(d, "pids.max", "max");

        put("bulwark/ctr/io.bfq.weight", "");
        struct oci_resources bfq = { .present = true, .block_io = { .present = true, .weight = SET(500) } };
        set(cg, &bfq, NULL, "blkio weight with BFQ");
        is_file(d, "io.bfq.weight", "500");

        struct oci_resources bad = { .present = true,
                                     .memory = { .present = true, .limit = SET(64 << 20), .swap = SET(32 << 20) } };
        set(cg, &bad, "below memory.limit", "swap below the limit refused");
        put("bulwark/ctr/memory.max", "max\n");
        struct oci_resources noswap = { .present = true, .memory = { .present = true, .swap = SET(32 << 20) } };
        set(cg, &noswap, "needs a memory.limit", "swap without any memory limit refused");
        struct oci_resources rt = { .present = true, .cpu = { .present = true, .realtime_runtime = SET(1000) } };
        set(cg, &rt, "realtime", "realtime cpu refused on v2");
        struct oci_kv esc[] = { { .key = "../../cgroup.procs", .value = "1" } };
        struct oci_resources u1 = { .present = true, .unified = { esc, 1 } };
        set(cg, &u1, "not a cgroup interface file name", "unified key with a path refused");
        struct oci_kv procs[] = { { .key = "cgroup.procs", .value = "1" } };
        struct oci_resources u2 = { .present = true, .unified = { procs, 1 } };
        set(cg, &u2, "would move processes", "unified cgroup.procs refused");
        struct oci_kv missing[] = { { .key = "nope.max", .value = "1" } };
        struct oci_resources u3 = { .present = true, .unified = { missing, 1 } };
        set(cg, &u3, "nope.max does not exist", "unified key without a file: the message names it");
        struct oci_resources net = { .present = true, .network = { .present = true, .class_id = SET(7) } };
        set(cg, &net, "net_cls controller is not available", "net_cls on v2: refused, not ignored");
        struct oci_hugepage_limit huge1g[] = { { .page_size = "1GB", .limit = 0 } };
        struct oci_resources h1 = { .present = true, .hugepage_limits = huge1g, .n_hugepage_limits = 1 };
        set(cg, &h1, "page size \"1GB\" is not supported", "an unknown page size is named");

        /* Zero means "not set" (runc's reading), not a 0-byte limit. */
        put("bulwark/ctr/memory.max", "777\n");
        put("bulwark/ctr/cpu.weight", "555\n");
        struct oci_resources zero = { .present = true, .memory = { .present = true, .limit = SET(0) },
                                      .cpu = { .present = true, .shares = SET(0) } };
        set(cg, &zero, NULL, "zero memory limit and shares");
        is_file(d, "memory.max", "777");
        is_file(d, "cpu.weight", "555");
        struct oci_resources check = { .present = true,
                                       .memory = { .present = true, .limit = SET(1000), .check_before_update = SET(true) } };
        set(cg, &check, "already uses", "checkBeforeUpdate refuses a limit below the usage (1234)");
        is_file(d, "memory.max", "777");
        check.memory.limit.v = 4096;
        set(cg, &check, NULL, "checkBeforeUpdate allows a limit above the usage");
        is_file(d, "memory.max", "4096");

        tap_is_int(bw_cgroup_freeze(cg, true, &err), 0, "freeze: cgroup.freeze, then cgroup.events says frozen");
        is_file(d, "cgroup.freeze", "1");
        bool frozen = false;
        bw_cgroup_frozen(cg, &frozen, &err);
        tap_ok(frozen, "frozen reads cgroup.freeze");
        put("bulwark/ctr/cgroup.events", "populated 1\nfrozen 0\n");
        tap_is_int(bw_cgroup_freeze(cg, false, &err), 0, "thaw");
        is_file(d, "cgroup.freeze", "0");
        put("bulwark/ctr/cgroup.events", "populated 1\nfrozen 1\n");
        frozen = false;
        bw_cgroup_frozen(cg, &frozen, &err);
        tap_ok(frozen, "frozen by a parent: cgroup.freeze 0 but cgroup.events frozen 1");
        put("bulwark/ctr/cgroup.events", "populated 1\nfrozen 0\n");
        frozen = true;
        bw_cgroup_frozen(cg, &frozen, &err);
        tap_ok(!frozen, "thawed: neither says frozen");

        /* exec --cgroup: an existing sub-cgroup of the container's only */
        char sub[600];
        snprintf(sub, sizeof(sub), "%s/sub", d);
        mkdir(sub, 0755);
        put("bulwark/ctr/sub/cgroup.procs", "");
        tap_is_int(bw_cgroup_add_pid_sub(cg, 42, (char *[]){ "sub", NULL }, &err), 0, "--cgroup sub joins it");
        is_file(sub, "cgroup.procs", "42");
        bw_error_free(err);
        err = NULL;
        tap_ok(bw_cgroup_add_pid_sub(cg, 42, (char *[]){ "pids:sub", NULL }, &err) < 0 && err &&
                       strstr(err->msg, "cgroup v2 has one hierarchy"),
               "--cgroup CTRL:PATH is refused on cgroup v2");
        bw_error_free(err);
        err = NULL;
        tap_ok(bw_cgroup_add_pid_sub(cg, 42, (char *[]){ "sub/../..", NULL }, &err) < 0 && err && err->status == 2,
               "--cgroup with .. is a usage error");
        bw_error_free(err);
        err = NULL;
        tap_is_int(bw_cgroup_add_pid_sub(cg, 42, (char *[]){ "nosuch", NULL }, &err), -ENOENT,
                   "--cgroup of a missing sub-cgroup fails (not created)");
        bw_error_free(err);
        err = NULL;
        tap_ok(bw_cgroup_add_pid_sub(cg, 42, (char *[]){ "a", "b", NULL }, &err) < 0, "two paths for every controller are refused");
        bw_error_free(err);
        err = NULL;
        char subprocs[640];
        snprintf(subprocs, sizeof(subprocs), "%s/cgroup.procs", sub);
        unlink(subprocs);
        rmdir(sub);

        struct bw_cg_stats st;
        bw_cgroup_stats(cg, &st, &err);
        tap_ok(st.memory.present && st.memory.usage == 1234 && st.memory.failcnt == 3 && st.memory.oom_kills == 1,
               "memory stats from memory.current and memory.events");
        tap_ok(st.pids.present && st.pids.current == 2, "pids.current");
        tap_ok(st.cpu.present && st.cpu.usage_ns == 5000000 && st.cpu.user_ns == 3000000, "cpu.stat in ns");

        pid_t *pids = NULL;
        size_t n = 0;
        bw_cgroup_pids(cg, &pids, &n, &err);
        tap_ok(n == 2 && pids[0] == 10 && pids[1] == 20, "pids from cgroup.procs");
        free(pids);
        bw_error_free(err);
        free(d);
        bw_cgroup_free(cg);
        bw_cg_system_free(s);
}

/* ---- real cgroup2 ---- */

static const char *v2_mount(void)
{
        static const char *const cands[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };
        for (size_t i = 0; i < ARRAY_SIZE(cands); i++) {
                struct statfs sf;
                if (statfs(cands[i], &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
                        return cands[i];
        }
        return NULL;
}

static struct bw_cg_system *real_sys;
static struct bw_cgroup *real_cg;
static char real_top[256];

static void real_cleanup(void)
{
        if (real_cg) {
                struct bw_error *err = NULL;
                bw_cgroup_freeze(real_cg, false, &err);
                bw_cgroup_kill(real_cg, SIGKILL, &err);
                while (waitpid(-1, NULL, WNOHANG) > 0)
                        ;
                bw_cgroup_destroy(real_cg, &err);
                bw_error_free(err);
                bw_cgroup_free(real_cg);
                real_cg = NULL;
        }
        if (real_top[0])
                rmdir(real_top);
        bw_cg_system_free(real_sys);
        real_sys = NULL;
}

struct clone_args_v2 {
        uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size,
                cgroup;
};
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

static void test_clone_into(struct bw_cgroup *cg, const char *path)
{
        struct bw_error *err = NULL;
        int fd = bw_cgroup_clone_fd(cg, &err);
        tap_ok(fd >= 0, "a cgroup2 fd for CLONE_INTO_CGROUP in a unified layout");
        if (fd < 0) {
                bw_error_free(err);
                return;
        }
        char want[300];
        snprintf(want, sizeof(want), "0::%s\n", path);
        struct clone_args_v2 a = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)fd };
        fflush(stdout);
        long pid = syscall(__NR_clone3, &a, sizeof(a));
        if (pid == 0) {
                char buf[512] = "";
                int cfd = open("/proc/self/cgroup", O_RDONLY);
                ssize_t k = cfd >= 0 ? read(cfd, buf, sizeof(buf) - 1) : -1;
                buf[k > 0 ? k : 0] = '\0';
                /* The cgroup2 line is the last one. */
                char *line = strstr(buf, "0::");
                _exit(line && strcmp(line, want) == 0 ? 0 : 1);
        }
        int st = -1;
        if (pid > 0)
                waitpid((pid_t)pid, &st, 0);
        tap_ok(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "clone3(CLONE_INTO_CGROUP) starts the child in it");
}

/* More rule shapes through the real eBPF program (cases in cg_child.h). */
static void test_device_cases(struct bw_cgroup *cg)
{
        for (size_t i = 0; i < ARRAY_SIZE(cg_device_cases); i++) {
                const struct cg_device_case *c = &cg_device_cases[i];
                struct oci_resources res = { .present = true, .devices = (struct oci_device_rule *)c->rules,
                                             .n_devices = c->n };
                if (set(cg, &res, NULL, c->name) < 0)
                        continue;
                int st = cg_run_in(cg, cg_try_opens, (void *)c->tries);
                tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: enforced in the cgroup (mismatch mask %d)",
                       c->name, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        }
}

static void test_real(void)
{
        const char *mnt = v2_mount();
        if (!mnt || geteuid() != 0) {
                tap_skip("no cgroup2 mount or not root", "real cgroup2 tests");
                return;
        }
        atexit(real_cleanup);
        struct bw_error *err = NULL;
        char path[128];
        snprintf(path, sizeof(path), "/bulwark-test-v2-%d/ctr", (int)getpid());
        snprintf(real_top, sizeof(real_top), "%s/bulwark-test-v2-%d", mnt, (int)getpid());
        if (bw_cg_system_unified_at(mnt, &real_sys, &err) < 0 ||
            bw_cgroup_new(real_sys, "ctr", path, false, &real_cg, &err) < 0 || bw_cgroup_create(real_cg, &err) < 0) {
                tap_ok(0, "real cgroup2: %s", err->msg);
                bw_error_free(err);
                return;
        }
        const char *d = bw_cgroup_v2_dir(real_cg);
        struct stat sb;
        tap_ok(stat(d, &sb) == 0 && S_ISDIR(sb.st_mode), "created %s", d);

        if (real_sys->where[BW_CGC_HUGETLB] >= 0) {
                struct oci_hugepage_limit huge[] = { { .page_size = "2MB", .limit = 8 << 20 } };
                struct oci_resources res = { .present = true, .hugepage_limits = huge, .n_hugepage_limits = 1 };
                set(real_cg, &res, NULL, "hugetlb limit on the real cgroup2");
                is_file(d, "hugetlb.2MB.max", "8388608");
        } else {
                tap_skip("no hugetlb on cgroup2 here", "hugetlb limit on the real cgroup2");
        }

        /* Devices: deny all but /dev/null, then also allow /dev/zero (the
         * old program must be gone for that to work). */
        struct oci_device_rule rules[] = {
                { .allow = false, .type = 'a', .access = "rwm" },
                { .allow = true, .type = 'c', .major = SET(1), .minor = SET(3), .access = "rwm" },
                { .allow = true, .type = 'c', .major = SET(1), .minor = SET(5), .access = "rwm" },
        };
        struct oci_resources dev = { .present = true, .devices = rules, .n_devices = 2 };
        if (set(real_cg, &dev, NULL, "eBPF device program loads and attaches") == 0) {
                int st = cg_run_in(real_cg, cg_try_devices, NULL);
                tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 3,
                       "in the cgroup: /dev/null opens, /dev/zero is refused with EPERM (status %d)",
                       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
                dev.n_devices = 3;
                set(real_cg, &dev, NULL, "device program replaced");
                st = cg_run_in(real_cg, cg_try_devices, NULL);
                tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 1, "after the update /dev/zero opens too (status %d)",
                       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        }

        test_device_cases(real_cg);
        test_clone_into(real_cg, path);

        /* Freeze a spinning child: its counter stops, then moves again. */
        volatile unsigned long *counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        pid_t pid = cg_spawn_in(real_cg, cg_spin, (void *)counter);
        tap_ok(pid > 0, "spinning child moved in");
        for (int i = 0; i < 200 && *counter == 0; i++)
                cg_sleep_ms(5);
        tap_is_int(bw_cgroup_freeze(real_cg, true, &err), 0, "cgroup.freeze freezes");
        unsigned long c1 = *counter;
        cg_sleep_ms(100);
        tap_ok(*counter == c1, "frozen: the child makes no progress");
        is_file(d, "cgroup.freeze", "1");
        tap_is_int(bw_cgroup_freeze(real_cg, false, &err), 0, "thaw");
        cg_sleep_ms(50);
        tap_ok(*counter != c1, "thawed: the child runs again");

        pid_t *pids = NULL;
        size_t n = 0;
        bw_cgroup_pids(real_cg, &pids, &n, &err);
        tap_ok(n == 1 && pids[0] == pid, "the cgroup lists the child");
        free(pids);
        struct bw_cg_stats st;
        bw_cgroup_stats(real_cg, &st, &err);
        tap_ok(st.cpu.present && st.cpu.usage_ns > 0, "cpu usage from cpu.stat (%llu ns)",
               (unsigned long long)st.cpu.usage_ns);

        tap_is_int(bw_cgroup_kill(real_cg, SIGKILL, &err), 0, "kill every process (cgroup.kill)");
        int status = 0;
        waitpid(pid, &status, 0);
        tap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the child died of SIGKILL");
        munmap((void *)counter, 4096);

        tap_is_int(bw_cgroup_destroy(real_cg, &err), 0, "destroy");
        if (err)
                printf("# %s\n", err->msg);
        tap_ok(stat(d, &sb) < 0 && errno == ENOENT, "the directory is gone");
        tap_is_int(bw_cgroup_destroy(real_cg, &err), 0, "destroying again is fine");
        bw_error_free(err);
}

int main(void)
{
        if (!mkdtemp(tmp))
                return 1;
        test_fake();
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
        if (system(cmd) != 0)
                printf("# could not remove %s\n", tmp);
        test_real();
        return tap_done();
}
