/* The writers cgroup v1 and v2 share (cgroup_common.c), against a fake
 * directory: each file written is read back. io.max is a FIFO there, so
 * every line written to it is seen, not only the last. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/cgroup_internal.h"
#include "tap.h"

#define SET(x) { true, (x) }

static char dir[] = "/tmp/bw-cgcommon-XXXXXX";

static void put(const char *file, const char *text)
{
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", dir, file);
        FILE *f = fopen(p, "w");
        if (!f)
                abort();
        fputs(text, f);
        fclose(f);
}

static void is_file(const char *file, const char *want, const char *name)
{
        char *got = NULL;
        if (cg_read(dir, file, &got) < 0)
                got = strdup("(missing)");
        tap_is_str(got, want, name);
        free(got);
}

static int run(int r, struct bw_error *err, const char *name)
{
        tap_ok(r == 0, "%s", name);
        if (err)
                printf("#   %s\n", err->msg);
        bw_error_free(err);
        return r;
}

static struct oci_throttle_device rbps[] = { { 8, 0, 1048576 }, { 8, 16, 2097152 } };
static struct oci_throttle_device wbps[] = { { 8, 0, 524288 } };
static struct oci_throttle_device riops[] = { { 253, 1, 100 } };
static struct oci_throttle_device wiops[] = { { 253, 1, 50 } };

static struct oci_blkio throttled(void)
{
        return (struct oci_blkio){ .present = true,
                                   .throttle_read_bps = { rbps, 2 }, .throttle_write_bps = { wbps, 1 },
                                   .throttle_read_iops = { riops, 1 }, .throttle_write_iops = { wiops, 1 } };
}

static void test_throttle_v1(void)
{
        static const struct cg_throttle_dest v1[CG_THROTTLE_N] = {
                { "blkio.throttle.read_bps_device", NULL }, { "blkio.throttle.write_bps_device", NULL },
                { "blkio.throttle.read_iops_device", NULL }, { "blkio.throttle.write_iops_device", NULL },
        };
        for (size_t i = 0; i < CG_THROTTLE_N; i++)
                put(v1[i].file, "");
        struct oci_blkio b = throttled();
        struct bw_error *err = NULL;
        run(cg_blkio_throttle(dir, &b, v1, &err), err, "v1: throttles written");
        /* A regular file keeps the last write; the kernel keeps one per device. */
        is_file("blkio.throttle.read_bps_device", "8:16 2097152", "v1: read bps goes to its own file, MAJ:MIN RATE");
        is_file("blkio.throttle.write_bps_device", "8:0 524288", "v1: write bps");
        is_file("blkio.throttle.read_iops_device", "253:1 100", "v1: read iops");
        is_file("blkio.throttle.write_iops_device", "253:1 50", "v1: write iops");
}

static void test_throttle_v2(void)
{
        static const struct cg_throttle_dest v2[CG_THROTTLE_N] = {
                { "io.max", "rbps" }, { "io.max", "wbps" }, { "io.max", "riops" }, { "io.max", "wiops" },
        };
        char p[512];
        snprintf(p, sizeof(p), "%s/io.max", dir);
        if (mkfifo(p, 0600) < 0) {
                tap_ok(0, "mkfifo %s", p);
                return;
        }
        /* A reader that is open first lets each writer's open go through. */
        int fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        struct oci_blkio b = throttled();
        struct bw_error *err = NULL;
        run(cg_blkio_throttle(dir, &b, v2, &err), err, "v2: throttles written");
        char buf[512] = "";
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
        buf[n > 0 ? n : 0] = '\0';
        tap_is_str(buf, "8:0 rbps=1048576" "8:16 rbps=2097152" "8:0 wbps=524288" "253:1 riops=100" "253:1 wiops=50",
                   "v2: every throttle, in order, one write each to io.max as MAJ:MIN key=RATE");
        if (fd >= 0)
                close(fd);
        unlink(p);

        struct oci_blkio none = { .present = true };
        run(cg_blkio_throttle(dir, &none, v2, &err), err, "no throttles: nothing written (io.max is gone now)");
        b = throttled();
        tap_ok(cg_blkio_throttle(dir, &b, v2, &err) < 0 && err && strstr(err->msg, "io.max"),
               "a missing io.max is an error that names it");
        bw_error_free(err);
}

static void test_pids(void)
{
        struct bw_error *err = NULL;
        put("pids.max", "untouched");
        struct oci_resources res = { .present = true };
        run(cg_pids(dir, &res, &err), err, "pids: no pids section");
        is_file("pids.max", "untouched", "pids: nothing written without a limit");
        res.pids.present = true;
        res.pids.limit = (oci_opt_i64)SET(42);
        run(cg_pids(dir, &res, &err), err, "pids: limit 42");
        is_file("pids.max", "42", "pids.max = 42");
        res.pids.limit = (oci_opt_i64)SET(0);
        run(cg_pids(dir, &res, &err), err, "pids: limit 0");
        is_file("pids.max", "max", "pids: 0 means no limit (max)");
        res.pids.limit = (oci_opt_i64)SET(-1);
        put("pids.max", "7");
        run(cg_pids(dir, &res, &err), err, "pids: limit -1");
        is_file("pids.max", "max", "pids: -1 means no limit (max)");
}

static void test_cpuset(void)
{
        struct bw_error *err = NULL;
        put("cpuset.cpus", "");
        put("cpuset.mems", "keep");
        struct oci_cpu c = { .present = true, .cpus = "0-1" };
        run(cg_cpuset(dir, &c, &err), err, "cpuset: cpus only");
        is_file("cpuset.cpus", "0-1", "cpuset.cpus written");
        is_file("cpuset.mems", "keep", "cpuset.mems left alone when not asked for");
        c.mems = "0";
        run(cg_cpuset(dir, &c, &err), err, "cpuset: cpus and mems");
        is_file("cpuset.mems", "0", "cpuset.mems written");
}

int main(void)
{
        if (!mkdtemp(dir)) {
                tap_ok(0, "mkdtemp");
                return tap_done();
        }
        test_throttle_v1();
        test_throttle_v2();
        test_pids();
        test_cpuset();
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0)
                printf("# could not remove %s\n", dir);
        return tap_done();
}
