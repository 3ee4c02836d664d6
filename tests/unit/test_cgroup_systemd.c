/* The systemd driver's pure parts: cgroupsPath to unit and cgroup, slice
 * expansion, cpuset masks, resources and annotations to unit properties
 * (checked by reading the a(sv) back). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup_systemd.h"
#include "tap.h"
#include "util/cleanup.h"

static void unit(const char *path, const char *id, bool user, const char *slice, const char *name, const char *cgroup)
{
        struct bw_sd_unit u;
        struct bw_error *err = NULL;
        int r = bw_sd_unit_parse(path, id, user, &u, &err);
        tap_ok(r == 0 && strcmp(u.slice, slice) == 0 && strcmp(u.name, name) == 0 && strcmp(u.cgroup, cgroup) == 0,
               "\"%s\" -> %s in %s at %s%s%s", path ? path : "(null)", name, slice, cgroup, err ? ": " : "",
               err ? err->msg : "");
        if (r == 0)
                bw_sd_unit_clear(&u);
        bw_error_free(err);
}

static void bad_unit(const char *path, const char *want)
{
        struct bw_sd_unit u;
        struct bw_error *err = NULL;
        int r = bw_sd_unit_parse(path, "ctr", false, &u, &err);
        tap_ok(r < 0 && err && strstr(err->msg, want), "\"%s\" refused: %s", path, err ? err->msg : "no error");
        bw_error_free(err);
}

/* Read an a(sv) body (as b holds it, from offset 0) into "Name=sig:value"
 * lines. */
static char *props_text(const struct bw_dbus_buf *b, size_t n)
{
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        struct bw_dbus_rd rd;
        bw_dbus_rd_init(&rd, b->p, b->len);
        for (size_t i = 0; i < n; i++) {
                const char *name, *sig, *s;
                uint64_t t;
                uint32_t u;
                bool v;
                /* struct alignment */
                rd.pos = (rd.pos + 7) & ~(size_t)7;
                if (bw_dbus_get_str(&rd, &name) < 0 || bw_dbus_get_sig(&rd, &sig) < 0)
                        break;
                fprintf(f, "%s=%s:", name, sig);
                if (strcmp(sig, "t") == 0 && bw_dbus_get_u64(&rd, &t) == 0)
                        fprintf(f, "%llu", (unsigned long long)t);
                else if ((strcmp(sig, "u") == 0 || strcmp(sig, "i") == 0) && bw_dbus_get_u32(&rd, &u) == 0)
                        fprintf(f, "%d", (int)u);
                else if (strcmp(sig, "x") == 0 && bw_dbus_get_u64(&rd, &t) == 0)
                        fprintf(f, "%lld", (long long)t);
                else if (strcmp(sig, "b") == 0 && bw_dbus_get_bool(&rd, &v) == 0)
                        fprintf(f, "%s", v ? "true" : "false");
                else if (strcmp(sig, "s") == 0 && bw_dbus_get_str(&rd, &s) == 0)
                        fprintf(f, "%s", s);
                else if (strcmp(sig, "ay") == 0 && bw_dbus_get_u32(&rd, &u) == 0 && u <= rd.len - rd.pos) {
                        for (uint32_t k = 0; k < u; k++)
                                fprintf(f, "%02x", rd.p[rd.pos + k]);
                        rd.pos += u;
                } else if (strcmp(sig, "a(ss)") == 0 && bw_dbus_get_u32(&rd, &u) == 0) {
                        rd.pos = (rd.pos + 7) & ~(size_t)7;
                        size_t end = rd.pos + u;
                        const char *x, *y;
                        while (rd.pos < end) {
                                rd.pos = (rd.pos + 7) & ~(size_t)7;
                                if (bw_dbus_get_str(&rd, &x) < 0 || bw_dbus_get_str(&rd, &y) < 0)
                                        break;
                                fprintf(f, "[%s %s]", x, y);
                        }
                } else {
                        fprintf(f, "?");
                        break;
                }
                fprintf(f, "\n");
        }
        fprintf(f, "%s", rd.pos == b->len ? "" : "(trailing)\n");
        fclose(f);
        return out;
}

static void resources(void)
{
        struct oci_resources res = { .present = true };
        res.memory.limit = (oci_opt_i64){ true, 1 << 30 };
        res.memory.reservation = (oci_opt_i64){ true, 1 << 20 };
        res.memory.swap = (oci_opt_i64){ true, (1 << 30) + (1 << 29) };
        res.cpu.shares = (oci_opt_u64){ true, 1024 };
        res.cpu.quota = (oci_opt_i64){ true, 50000 };
        res.cpu.period = (oci_opt_u64){ true, 100000 };
        res.cpu.cpus = (char *)"0-3,9";
        res.cpu.mems = (char *)"0";
        res.pids.limit = (oci_opt_i64){ true, 64 };
        res.block_io.weight = (oci_opt_u32){ true, 500 };
        struct bw_dbus_buf b = { 0 };
        size_t n = 0;
        struct bw_error *err = NULL;
        int r = bw_sd_resource_props(&res, &b, &n, &err);
        _cleanup_free_ char *text = props_text(&b, n);
        tap_ok(r == 0, "resources to properties");
        tap_is_str(text,
                   "CPUWeight=t:39\n"
                   "CPUQuotaPerSecUSec=t:500000\n"
                   "CPUQuotaPeriodUSec=t:100000\n"
                   "AllowedCPUs=ay:0f02\n"
                   "AllowedMemoryNodes=ay:01\n"
                   "MemoryMax=t:1073741824\n"
                   "MemoryLow=t:1048576\n"
                   "MemorySwapMax=t:536870912\n"
                   "TasksMax=t:64\n"
                   "IOWeight=t:4950\n",
                   "each property with systemd's type and unit (swap without memory, quota per second)");
        bw_dbus_buf_free(&b);

        struct oci_resources un = { .present = true };
        un.memory.limit = (oci_opt_i64){ true, -1 };
        un.memory.swap = (oci_opt_i64){ true, -1 };
        un.pids.limit = (oci_opt_i64){ true, 0 };
        un.cpu.quota = (oci_opt_i64){ true, 33333 };
        n = 0;
        r = bw_sd_resource_props(&un, &b, &n, &err);
        _cleanup_free_ char *t2 = props_text(&b, n);
        tap_is_str(t2,
                   "CPUQuotaPerSecUSec=t:340000\n"
                   "MemoryMax=t:18446744073709551615\n"
                   "MemorySwapMax=t:18446744073709551615\n"
                   "TasksMax=t:18446744073709551615\n",
                   "-1 and a pids limit of 0 are infinity; a quota rounds up to systemd's 1% steps");
        bw_dbus_buf_free(&b);

        struct oci_resources bad = { .present = true };
        bad.cpu.cpus = (char *)"0-";
        n = 0;
        r = bw_sd_resource_props(&bad, &b, &n, &err);
        tap_ok(r == -EINVAL && err && strstr(err->msg, "cpus") && strstr(err->msg, "\"0-\""),
               "a bad cpuset list: an error naming the field and the value");
        bw_error_free(err);
        err = NULL;
        bw_dbus_buf_free(&b);

        uint8_t *mask = NULL;
        size_t len = 0;
        tap_ok(bw_sd_cpuset_mask("8191", &mask, &len, NULL) == 0 && len == 1024 && mask[1023] == 0x80,
               "CPU 8191: the last bit of byte 1023");
        free(mask);
        tap_ok(bw_sd_cpuset_mask("8192", &mask, &len, NULL) < 0 && bw_sd_cpuset_mask("3-1", &mask, &len, NULL) < 0 &&
                       bw_sd_cpuset_mask("1,", &mask, &len, NULL) < 0 && bw_sd_cpuset_mask("-1", &mask, &len, NULL) < 0,
               "CPU 8192, a reversed range, a trailing comma, a negative number are refused");
}

static void devices(void)
{
        static const char proc_devices[] = "Character devices:\n  1 mem\n  5 /dev/tty\n136 pts\n\n"
                                           "Block devices:\n  8 sd\n";
        struct oci_device_rule rules[] = {
                { .allow = false, .type = 'a' },
                { .allow = true, .type = 'c', .major = { true, 1 }, .minor = { true, 3 }, .access = (char *)"rwm" },
                { .allow = true, .type = 'c', .major = { true, 136 }, .access = (char *)"rw" },
                { .allow = true, .type = 'c', .access = (char *)"m" },
                { .allow = true, .type = 'b', .access = (char *)"m" },
                { .allow = true, .type = 'b', .major = { true, 8 }, .minor = { true, 0 }, .access = (char *)"r" },
        };
        struct bw_dbus_buf b = { 0 };
        size_t n = 0;
        int r = bw_sd_device_props(rules, 6, proc_devices, &b, &n, NULL);
        _cleanup_free_ char *text = props_text(&b, n);
        tap_ok(r == 0 && n == 2, "device rules: two properties");
        tap_is_str(text,
                   "DevicePolicy=s:strict\n"
                   "DeviceAllow=a(ss):[/dev/char/1:3 rwm][char-pts rw][char-* m][block-* m][/dev/block/8:0 r]\n",
                   "deny by default: strict, one entry per device, per major by its name, per type");
        bw_dbus_buf_free(&b);

        rules[2].major.v = 250; /* no name in /proc/devices */
        n = 0;
        r = bw_sd_device_props(rules, 6, proc_devices, &b, &n, NULL);
        _cleanup_free_ char *t2 = props_text(&b, n);
        tap_is_str(t2, "DevicePolicy=s:auto\nDeviceAllow=a(ss):\n",
                   "a major systemd cannot name: auto, no list (bulwark's own program enforces the rules)");
        bw_dbus_buf_free(&b);

        struct oci_device_rule open_rules[] = {
                { .allow = true, .type = 'a' },
                { .allow = false, .type = 'c', .major = { true, 1 }, .minor = { true, 1 }, .access = (char *)"rwm" },
        };
        n = 0;
        r = bw_sd_device_props(open_rules, 2, proc_devices, &b, &n, NULL);
        _cleanup_free_ char *t3 = props_text(&b, n);
        tap_is_str(t3, "DevicePolicy=s:auto\nDeviceAllow=a(ss):\n",
                   "allow by default with a deny: auto (systemd cannot say deny)");
        bw_dbus_buf_free(&b);
}

static void annotations(void)
{
        struct oci_kv kv[] = {
                { (char *)"org.systemd.property.TimeoutStopSec", (char *)"uint64 5" },
                { (char *)"org.systemd.property.CollectMode", (char *)"'inactive-or-failed'" },
                { (char *)"org.systemd.property.SendSIGHUP", (char *)"true" },
                { (char *)"org.systemd.property.Nice", (char *)"-5" },
                { (char *)"org.systemd.property.LimitNOFILE", (char *)"@t 1024" },
                { (char *)"other.key", (char *)"ignored" },
        };
        struct oci_kv_list list = { kv, 6 };
        struct bw_dbus_buf b = { 0 };
        size_t n = 0;
        struct bw_error *err = NULL;
        int r = bw_sd_annotation_props(&list, &b, &n, &err);
        _cleanup_free_ char *text = props_text(&b, n);
        tap_ok(r == 0 && n == 5, "five annotations, one not ours");
        tap_is_str(text,
                   "TimeoutStopUSec=t:5000000\n"
                   "CollectMode=s:inactive-or-failed\n"
                   "SendSIGHUP=b:true\n"
                   "Nice=i:-5\n"
                   "LimitNOFILE=t:1024\n",
                   "seconds to microseconds, strings, booleans, bare int32, typed uint64");
        bw_dbus_buf_free(&b);

        static const char *const refused[][3] = {
                { "org.systemd.property.PIDs", "@u 1", "bulwark sets PIDs itself" },
                { "org.systemd.property.Delegate", "false", "bulwark sets Delegate itself" },
                { "org.systemd.property.MemoryMax", "uint64 1", "bulwark sets MemoryMax" },
                { "org.systemd.property.foo", "true", "not a unit property name" },
                { "org.systemd.property.Description", "'x\\'y'", "bulwark sets Description" },
                { "org.systemd.property.Foo", "'x\\ny'", "not one bulwark understands" },
                { "org.systemd.property.Foo", "uint32 4294967296", "not one bulwark understands" },
                { "org.systemd.property.Foo", "2147483648", "not one bulwark understands" },
                { "org.systemd.property.TimeoutSec", "true", "a time in seconds" },
                { "org.systemd.property.Foo", "", "not one bulwark understands" },
        };
        for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
                struct oci_kv one = { (char *)refused[i][0], (char *)refused[i][1] };
                struct oci_kv_list l = { &one, 1 };
                n = 0;
                r = bw_sd_annotation_props(&l, &b, &n, &err);
                tap_ok(r == -EINVAL && err && strstr(err->msg, refused[i][2]) && strstr(err->msg, refused[i][0]),
                       "%s=%s refused: %s", refused[i][0], refused[i][1], err ? err->msg : "no error");
                bw_error_free(err);
                err = NULL;
                bw_dbus_buf_free(&b);
        }
}

int main(void)
{
        unit(NULL, "abc", false, "system.slice", "bulwark-abc.scope", "/system.slice/bulwark-abc.scope");
        unit("", "abc", true, "user.slice", "bulwark-abc.scope", "/user.slice/bulwark-abc.scope");
        unit("system.slice:docker:0123abcd", "x", false, "system.slice", "docker-0123abcd.scope",
             "/system.slice/docker-0123abcd.scope");
        unit("kubepods-besteffort-pod1a2b.slice:cri-containerd:c1", "x", false, "kubepods-besteffort-pod1a2b.slice",
             "cri-containerd-c1.scope",
             "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1a2b.slice/cri-containerd-c1.scope");
        unit("machine.slice:libpod:f00", "x", false, "machine.slice", "libpod-f00.scope", "/machine.slice/libpod-f00.scope");
        unit("::", "abc", false, "system.slice", "abc.scope", "/system.slice/abc.scope");
        unit(":p:", "abc", false, "system.slice", "p-abc.scope", "/system.slice/p-abc.scope");
        unit("-.slice:p:n", "abc", false, "-.slice", "p-n.scope", "/p-n.scope");
        bad_unit("/sys/fs/cgroup/x", "not slice:prefix:name");
        bad_unit("a:b", "not slice:prefix:name");
        bad_unit("a:b:c:d", "not slice:prefix:name");
        bad_unit("system.slice:p:../../etc", "may hold only");
        bad_unit("system.slice:p/q:n", "may hold only");
        bad_unit("system:p:n", "not a slice unit name");
        bad_unit("a--b.slice:p:n", "each non-empty");
        bad_unit("-a.slice:p:n", "each non-empty");
        bad_unit("a-.slice:p:n", "each non-empty");
        bad_unit("a/b.slice:p:n", "each non-empty");
        bad_unit("system.slice:p:n.slice", "bulwark puts a container in a scope");
        resources();
        devices();
        annotations();
        return tap_done();
}
