/* libFuzzer target for the cgroup parsers: the input is mountinfo, a NUL,
 * /proc/self/cgroup, a NUL, a v1 devices.list. Whatever the bytes, parsing
 * gives a layout or an error with a message; a layout never resolves a
 * cgroupsPath outside a mount point; devices.list gives a valid set or
 * -EINVAL, and the eBPF program built from a set only jumps forward inside
 * itself. */
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup_internal.h"
#include "util/cleanup.h"

static void check_dirs(const struct bw_cg_system *s, const char *path)
{
        struct bw_cgroup *cg = NULL;
        struct bw_error *err = NULL;
        if (bw_cgroup_new(s, "ctr", path, false, &cg, &err) < 0) {
                if (!err || !err->msg)
                        abort();
                bw_error_free(err);
                return;
        }
        for (size_t i = 0; i < s->n; i++) {
                const char *d = cg->dirs[i], *m = s->h[i].mount;
                if (strncmp(d, m, strlen(m)) != 0 || strstr(d, "/../") || strcmp(d, m) == 0)
                        abort();
                size_t l = strlen(d);
                if (l >= 3 && strcmp(d + l - 3, "/..") == 0)
                        abort();
        }
        bw_cgroup_free(cg);
}

static void check_devices(const char *list)
{
        struct cg_dev_set set;
        bool known;
        if (cg_dev_set_from_list(list, &set, &known) < 0)
                return;
        for (size_t i = 0; i < set.n; i++)
                if (!set.v[i].access || set.v[i].access > 7 || !strchr("abc", set.v[i].type) || set.v[i].type == 0)
                        abort();
        struct bpf_insn *p = NULL;
        size_t n = 0;
        if (cg_bpf_devices_program(&set, &p, &n) == 0) {
                for (size_t i = 0; i < n; i++)
                        if (BPF_CLASS(p[i].code) == BPF_JMP && BPF_OP(p[i].code) != BPF_EXIT &&
                            (p[i].off < 0 || i + 1 + (size_t)p[i].off >= n))
                                abort();
                free(p);
        }
        cg_dev_set_clear(&set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_free_ char *buf = malloc(size + 3);
        if (!buf)
                return 0;
        memcpy(buf, data, size);
        buf[size] = buf[size + 1] = buf[size + 2] = '\0';
        const char *mi = buf;
        const char *pc = mi + strlen(mi) + 1;
        const char *dev = pc <= buf + size ? pc + strlen(pc) + 1 : buf + size + 2;
        if (pc > buf + size + 1)
                pc = buf + size + 1;
        if (dev > buf + size + 2)
                dev = buf + size + 2;

        struct bw_cg_system *s = NULL;
        struct bw_error *err = NULL;
        if (bw_cg_system_parse(mi, pc, "fuzz", &s, &err) < 0) {
                if (!err || !err->msg)
                        abort();
                bw_error_free(err);
        } else {
                if (s->n == 0)
                        abort();
                for (int c = 0; c < BW_CGC__N; c++)
                        if (s->where[c] >= (int)s->n)
                                abort();
                check_dirs(s, "/bulwark/x");
                check_dirs(s, "rel/x");
                check_dirs(s, NULL);
                bw_cg_system_free(s);
        }
        check_devices(dev);
        return 0;
}
