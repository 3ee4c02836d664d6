/* cgroup v2 device control: an eBPF program of type CGROUP_DEVICE generated
 * from the reduced rule set (cgroup_devices.c) and attached to the
 * container's cgroup2 directory.
 *
 * The program reads the request (device type, access, major, minor) and
 * tests each exception in turn; the first that matches returns the opposite
 * of the default, and falling off the end returns the default. Exceptions
 * are matched as the v1 kernel matches them: against a deny default an
 * allow exception must cover every requested access bit; against an allow
 * default a deny exception matches if it shares any requested bit. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/cgroup_internal.h"
#include "util/cleanup.h"

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
        return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}
#define LDX_W(dst, src, off) insn(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define MOV32_REG(dst, src) insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV32_IMM(dst, imm) insn(BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define AND32_IMM(dst, imm) insn(BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH32_IMM(dst, imm) insn(BPF_ALU | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm, off) insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define JEQ_IMM(dst, imm, off) insn(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, imm)
#define EXIT() insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Registers: r2 access bits, r3 device type, r4 major, r5 minor, r1 scratch. */
enum { R0, R1, R2, R3, R4, R5 };

/* One exception: jumps marked with off = -1 go to the next block and are
 * patched once the block's length is known. */
static size_t emit_exception(struct bpf_insn *p, const struct cg_dev_exc *e, bool default_allow)
{
        size_t k = 0;
        if (e->type == 'b' || e->type == 'c')
                p[k++] = JNE_IMM(R3, e->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, -1);
        p[k++] = MOV32_REG(R1, R2);
        if (default_allow) {
                p[k++] = AND32_IMM(R1, (int32_t)e->access);
                p[k++] = JEQ_IMM(R1, 0, -1);
        } else {
                p[k++] = AND32_IMM(R1, (int32_t)(~e->access & 0xffff));
                p[k++] = JNE_IMM(R1, 0, -1);
        }
        if (e->major >= 0)
                p[k++] = JNE_IMM(R4, (int32_t)e->major, -1);
        if (e->minor >= 0)
                p[k++] = JNE_IMM(R5, (int32_t)e->minor, -1);
        p[k++] = MOV32_IMM(R0, default_allow ? 0 : 1);
        p[k++] = EXIT();
        for (size_t i = 0; i < k; i++)
                if (BPF_CLASS(p[i].code) == BPF_JMP && BPF_OP(p[i].code) != BPF_EXIT && p[i].off == -1)
                        p[i].off = (int16_t)(k - i - 1);
        return k;
}

int cg_bpf_devices_program(const struct cg_dev_set *set, struct bpf_insn **insns, size_t *n)
{
        /* 6 to unpack the request, at most 8 per exception, 2 at the end. */
        struct bpf_insn *p = calloc(6 + 8 * set->n + 2, sizeof(*p));
        if (!p)
                return -ENOMEM;
        size_t k = 0;
        p[k++] = LDX_W(R2, R1, offsetof(struct bpf_cgroup_dev_ctx, access_type));
        p[k++] = LDX_W(R4, R1, offsetof(struct bpf_cgroup_dev_ctx, major));
        p[k++] = LDX_W(R5, R1, offsetof(struct bpf_cgroup_dev_ctx, minor));
        p[k++] = MOV32_REG(R3, R2);
        p[k++] = AND32_IMM(R3, 0xffff);
        /* access_type is (access << 16) | type */
        p[k] = RSH32_IMM(R2, 16);
        k++;
        for (size_t i = 0; i < set->n; i++)
                k += emit_exception(p + k, &set->v[i], set->default_allow);
        p[k++] = MOV32_IMM(R0, set->default_allow ? 1 : 0);
        p[k++] = EXIT();
        *insns = p;
        *n = k;
        return 0;
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
        long r = syscall(__NR_bpf, cmd, attr, sizeof(*attr));
        return r < 0 ? -errno : (int)r;
}

static int load(const struct bpf_insn *insns, size_t n, char *log, size_t log_len)
{
        union bpf_attr a;
        memset(&a, 0, sizeof(a));
        a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
        a.insns = (uintptr_t)insns;
        a.insn_cnt = (uint32_t)n;
        a.license = (uintptr_t) "Apache-2.0";
        if (log) {
                a.log_buf = (uintptr_t)log;
                a.log_size = (uint32_t)log_len;
                a.log_level = 1;
        }
        return sys_bpf(BPF_PROG_LOAD, &a);
}

/* Programs already attached, so they can be detached once the new one is
 * in place (never a moment without one). */
static int query(int cgfd, uint32_t *ids, uint32_t *count)
{
        union bpf_attr a;
        memset(&a, 0, sizeof(a));
        a.query.target_fd = (uint32_t)cgfd;
        a.query.attach_type = BPF_CGROUP_DEVICE;
        a.query.prog_ids = (uintptr_t)ids;
        a.query.prog_cnt = *count;
        int r = sys_bpf(BPF_PROG_QUERY, &a);
        *count = r < 0 ? 0 : a.query.prog_cnt;
        return r;
}

static int attach(int cgfd, int progfd, uint32_t flags)
{
        union bpf_attr a;
        memset(&a, 0, sizeof(a));
        a.target_fd = (uint32_t)cgfd;
        a.attach_bpf_fd = (uint32_t)progfd;
        a.attach_type = BPF_CGROUP_DEVICE;
        a.attach_flags = flags;
        return sys_bpf(BPF_PROG_ATTACH, &a);
}

static void detach_id(int cgfd, uint32_t id)
{
        union bpf_attr a;
        memset(&a, 0, sizeof(a));
        a.prog_id = id;
        int pfd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
        if (pfd < 0)
                return;
        memset(&a, 0, sizeof(a));
        a.target_fd = (uint32_t)cgfd;
        a.attach_bpf_fd = (uint32_t)pfd;
        a.attach_type = BPF_CGROUP_DEVICE;
        sys_bpf(BPF_PROG_DETACH, &a);
        close(pfd);
}

int cg_bpf_devices_attach(const char *dir, const struct cg_dev_set *set, struct bw_error **err)
{
        _cleanup_free_ struct bpf_insn *insns = NULL;
        size_t n = 0;
        if (cg_bpf_devices_program(set, &insns, &n) < 0)
                return bw_error_set(err, -ENOMEM, "building the device program");
        _cleanup_close_ int progfd = load(insns, n, NULL, 0);
        if (progfd < 0) {
                _cleanup_free_ char *log = calloc(1, 65536);
                int r = progfd;
                int again = log ? load(insns, n, log, 65536) : -1;
                if (again >= 0) {
                        close(again);
                        log[0] = '\0';
                }
                return bw_error_set(err, r, "loading the eBPF device program (%zu instructions)%s%s", n,
                                    log && *log ? ": verifier says: " : "", log ? log : "");
        }
        _cleanup_close_ int cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (cgfd < 0)
                return bw_error_set(err, -errno, "opening cgroup %s", dir);
        uint32_t old[64], count = ARRAY_SIZE(old);
        query(cgfd, old, &count);
        int r = attach(cgfd, progfd, BPF_F_ALLOW_MULTI);
        if (r < 0 && count > 0)
                r = attach(cgfd, progfd, 0); /* a single non-multi program is there: replace it */
        if (r < 0)
                return bw_error_set(err, r, "attaching the eBPF device program to %s", dir);
        for (uint32_t i = 0; i < count; i++)
                detach_id(cgfd, old[i]);
        return 0;
}
