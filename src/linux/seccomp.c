/* Compile an OCI seccomp profile with libseccomp, put an ENOSYS prefix in
 * front of it, and load the result with seccomp(2).
 *
 * libseccomp turns rules into BPF; we load the BPF ourselves (rather than
 * seccomp_load) so the program can be cached, the load flags are ours to
 * choose, and the ENOSYS prefix below can be prepended. */
#include "linux/seccomp_filter.h"
#include "linux/seccomp_probe.h"

#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/log.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* x32 syscalls reach the kernel as AUDIT_ARCH_X86_64 with this bit set. */
#define X32_SYSCALL_BIT 0x40000000U
#define SYSCALL_MAX_ARGS 6

static void seccomp_releasep(scmp_filter_ctx *ctx)
{
        if (*ctx)
                seccomp_release(*ctx);
}
#define _cleanup_seccomp_ _cleanup_(seccomp_releasep)

static const char *action_name(enum oci_seccomp_action a)
{
        return oci_seccomp_action_name(a) ?: "(unknown action)";
}

/* The libseccomp action for an OCI action. errnoRet is the errno of ERRNO
 * and the message of TRACE (EPERM when absent); the spec makes it an error
 * on any other action. */
static int scmp_action(enum oci_seccomp_action a, oci_opt_u32 errno_ret, const char *where,
                       uint32_t *out, struct bw_error **err)
{
        if (errno_ret.set && a != OCI_SECCOMP_ERRNO && a != OCI_SECCOMP_TRACE)
                return bw_error_msg(err, -EINVAL,
                                    "%s: an errno is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s; remove it",
                                    where, action_name(a));
        if (errno_ret.set && errno_ret.v > 0xffff)
                return bw_error_msg(err, -EINVAL, "%s: errno %u does not fit in the 16 bits seccomp returns",
                                    where, errno_ret.v);
        uint32_t data = errno_ret.set ? errno_ret.v : EPERM;
        switch (a) {
        case OCI_SECCOMP_KILL:
        case OCI_SECCOMP_KILL_THREAD: *out = SCMP_ACT_KILL_THREAD; return 0;
        case OCI_SECCOMP_KILL_PROCESS: *out = SCMP_ACT_KILL_PROCESS; return 0;
        case OCI_SECCOMP_TRAP: *out = SCMP_ACT_TRAP; return 0;
        case OCI_SECCOMP_ERRNO: *out = SCMP_ACT_ERRNO(data); return 0;
        case OCI_SECCOMP_TRACE: *out = SCMP_ACT_TRACE(data); return 0;
        case OCI_SECCOMP_ALLOW: *out = SCMP_ACT_ALLOW; return 0;
        case OCI_SECCOMP_LOG: *out = SCMP_ACT_LOG; return 0;
        case OCI_SECCOMP_NOTIFY: *out = SCMP_ACT_NOTIFY; return 0;
        }
        return bw_error_msg(err, -EINVAL, "%s: unknown action %d", where, (int)a);
}

static enum scmp_compare scmp_op(enum oci_seccomp_op op)
{
        switch (op) {
        case OCI_SECCOMP_NE: return SCMP_CMP_NE;
        case OCI_SECCOMP_LT: return SCMP_CMP_LT;
        case OCI_SECCOMP_LE: return SCMP_CMP_LE;
        case OCI_SECCOMP_EQ: return SCMP_CMP_EQ;
        case OCI_SECCOMP_GE: return SCMP_CMP_GE;
        case OCI_SECCOMP_GT: return SCMP_CMP_GT;
        case OCI_SECCOMP_MASKED_EQ: return SCMP_CMP_MASKED_EQ;
        }
        return _SCMP_CMP_MIN; /* invalid: libseccomp refuses it */
}

long bw_seccomp_last_syscall(const struct oci_seccomp *s, uint32_t scmp_arch)
{
        long last = -1;
        for (size_t i = 0; i < s->n_syscalls; i++) {
                for (char **name = s->syscalls[i].names; name && *name; name++) {
                        /* Negative numbers are libseccomp's pseudo-syscalls
                         * (multiplexed or absent on this arch). */
                        int nr = seccomp_syscall_resolve_name_arch(scmp_arch, *name);
                        if (nr >= 0 && nr > last)
                                last = nr;
                }
        }
        return last;
}

/* One rule per name. Conditions on distinct arguments are ANDed in one
 * rule; when an argument index repeats, libseccomp cannot AND two tests of
 * one argument, so (like runc and crun) each condition becomes a rule of
 * its own and they are ORed. */
static int add_rules(scmp_filter_ctx ctx, uint32_t act, int nr, const char *name,
                     const struct oci_seccomp_syscall *sc, const char *where, struct bw_error **err)
{
        struct scmp_arg_cmp conds[SYSCALL_MAX_ARGS];
        unsigned int seen = 0;
        bool repeated = false;
        for (size_t i = 0; i < sc->n_args; i++) {
                const struct oci_seccomp_arg *a = &sc->args[i];
                if (a->index >= SYSCALL_MAX_ARGS)
                        return bw_error_msg(err, -EINVAL, "%s: args[%zu]: index %u is out of range (0-5)",
                                            where, i, a->index);
                if (scmp_op(a->op) == _SCMP_CMP_MIN)
                        return bw_error_msg(err, -EINVAL, "%s: args[%zu]: unknown operator %d", where, i, (int)a->op);
                if (seen & (1U << a->index))
                        repeated = true;
                seen |= 1U << a->index;
        }

        int r;
        if (sc->n_args == 0) {
                r = seccomp_rule_add_array(ctx, act, nr, 0, NULL);
        } else if (!repeated) {
                for (size_t i = 0; i < sc->n_args; i++)
                        conds[i] = (struct scmp_arg_cmp){ sc->args[i].index, scmp_op(sc->args[i].op),
                                                          sc->args[i].value, sc->args[i].value_two };
                r = seccomp_rule_add_array(ctx, act, nr, (unsigned int)sc->n_args, conds);
        } else {
                r = 0;
                for (size_t i = 0; i < sc->n_args && r >= 0; i++) {
                        struct scmp_arg_cmp c = { sc->args[i].index, scmp_op(sc->args[i].op),
                                                  sc->args[i].value, sc->args[i].value_two };
                        r = seccomp_rule_add_array(ctx, act, nr, 1, &c);
                }
        }
        if (r < 0)
                return bw_error_set(err, r, "%s: adding the rule for %s", where, name);
        return 0;
}

static int add_syscall(scmp_filter_ctx ctx, uint32_t default_act, size_t idx,
                       const struct oci_seccomp_syscall *sc, struct bw_error **err)
{
        char where[64];
        snprintf(where, sizeof(where), "linux.seccomp.syscalls[%zu]", idx);
        uint32_t act;
        int r = scmp_action(sc->action, sc->errno_ret, where, &act, err);
        if (r < 0)
                return r;
        for (char **name = sc->names; name && *name; name++) {
                /* A rule that repeats the default changes nothing (and
                 * libseccomp refuses it). */
                if (act == default_act)
                        continue;
                int nr = seccomp_syscall_resolve_name(*name);
                if (nr == __NR_SCMP_ERROR) {
                        /* Newer than libseccomp (or misspelt): as runc does,
                         * not an error; the ENOSYS prefix answers it. */
                        bw_debug("seccomp: syscall %s is unknown to libseccomp %u.%u; rule skipped", *name,
                                 seccomp_version()->major, seccomp_version()->minor);
                        continue;
                }
                r = add_rules(ctx, act, nr, *name, sc, where, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int read_memfd(int fd, struct sock_filter **insns, size_t *n, struct bw_error **err)
{
        struct stat st;
        if (fstat(fd, &st) < 0)
                return bw_error_set(err, -errno, "reading the exported seccomp BPF");
        size_t size = (size_t)st.st_size;
        if (size == 0 || size % sizeof(struct sock_filter) != 0 ||
            size / sizeof(struct sock_filter) > BPF_MAXINSNS)
                return bw_error_msg(err, -EINVAL, "libseccomp exported a BPF program of %zu bytes, not a whole number of instructions within the kernel's limit",
                                    size);
        _cleanup_free_ struct sock_filter *buf = malloc(size);
        if (!buf)
                return bw_error_set(err, -ENOMEM, "reading the exported seccomp BPF");
        for (size_t off = 0; off < size;) {
                ssize_t got = pread(fd, (char *)buf + off, size - off, (off_t)off);
                if (got < 0 && errno == EINTR)
                        continue;
                if (got <= 0)
                        return bw_error_set(err, got < 0 ? -errno : -EIO, "reading the exported seccomp BPF");
                off += (size_t)got;
        }
        *n = size / sizeof(struct sock_filter);
        *insns = take_ptr(buf);
        return 0;
}

static int export_bpf(scmp_filter_ctx ctx, struct sock_filter **insns, size_t *n, struct bw_error **err)
{
        _cleanup_close_ int fd = memfd_create("bulwark-seccomp", MFD_CLOEXEC);
        if (fd < 0)
                return bw_error_set(err, -errno, "creating a memfd for the seccomp BPF");
        int r = seccomp_export_bpf(ctx, fd);
        if (r < 0)
                return bw_error_set(err, r, "exporting the seccomp BPF from libseccomp");
        return read_memfd(fd, insns, n, err);
}

/* ---- The ENOSYS prefix ------------------------------------------------
 *
 * A default action of EPERM is wrong for syscalls newer than the profile:
 * glibc and others fall back to an older call on ENOSYS but give up on
 * EPERM (clone3, faccessat2, close_range ...). So, like runc's patchbpf,
 * a short program runs before libseccomp's: per architecture, a syscall
 * number above the highest one the profile names returns ENOSYS; anything
 * else falls through to the real filter. The prefix only compares numbers,
 * so it never allows what the filter would deny.
 *
 *     ld  arch
 *     jeq AUDIT_ARCH_a, sec_a         (one per architecture)
 *     ja  filter
 *   sec_a:
 *     ld  nr
 *     jgt last_a, enosys, filter      (x86_64: split on the x32 bit first)
 *   enosys:
 *     ret ERRNO(ENOSYS)
 *   filter:
 *     ...libseccomp's program...
 */

#define STUB_MAX 256
#define STUB_LABELS 80
#define NO_LABEL (-1)

struct bpf_asm {
        struct sock_filter insn[STUB_MAX];
        int jt[STUB_MAX], jf[STUB_MAX], ja[STUB_MAX]; /* label, or NO_LABEL */
        size_t pos[STUB_LABELS];
        size_t n;
        int labels;
        bool overflow;
};

static int asm_label(struct bpf_asm *a)
{
        if (a->labels >= STUB_LABELS) {
                a->overflow = true;
                return 0;
        }
        return a->labels++;
}

static void asm_place(struct bpf_asm *a, int label)
{
        a->pos[label] = a->n;
}

static void asm_emit(struct bpf_asm *a, uint16_t code, uint32_t k, int jt, int jf, int ja)
{
        if (a->n >= STUB_MAX) {
                a->overflow = true;
                return;
        }
        a->insn[a->n] = (struct sock_filter){ code, 0, 0, k };
        a->jt[a->n] = jt;
        a->jf[a->n] = jf;
        a->ja[a->n] = ja;
        a->n++;
}

/* Turn labels into the forward offsets BPF uses (8 bits for conditional
 * jumps). */
static int asm_resolve(struct bpf_asm *a, struct bw_error **err)
{
        if (a->overflow)
                return bw_error_msg(err, -E2BIG, "the seccomp ENOSYS prefix is too large (too many architectures)");
        for (size_t i = 0; i < a->n; i++) {
                int labels[3] = { a->jt[i], a->jf[i], a->ja[i] };
                size_t off[3] = { 0, 0, 0 };
                for (int j = 0; j < 3; j++) {
                        if (labels[j] == NO_LABEL)
                                continue;
                        off[j] = a->pos[labels[j]] - (i + 1);
                        if (j < 2 && off[j] > 255)
                                return bw_error_msg(err, -E2BIG, "the seccomp ENOSYS prefix needs a jump longer than BPF allows");
                }
                a->insn[i].jt = (uint8_t)off[0];
                a->insn[i].jf = (uint8_t)off[1];
                if (labels[2] != NO_LABEL)
                        a->insn[i].k = (uint32_t)off[2];
        }
        return 0;
}

/* nr > last: ENOSYS; otherwise the real filter. No known syscall: leave
 * everything to the filter. */
static void emit_limit(struct bpf_asm *a, long last, int l_enosys, int l_filter)
{
        if (last < 0)
                asm_emit(a, BPF_JMP | BPF_JA, 0, NO_LABEL, NO_LABEL, l_filter);
        else
                asm_emit(a, BPF_JMP | BPF_JGT | BPF_K, (uint32_t)last, l_enosys, l_filter, NO_LABEL);
}

struct stub_arch {
        uint32_t audit;
        long last;     /* highest native-ABI number, -1 for none */
        long last_x32; /* AUDIT_ARCH_X86_64 only: highest x32 number (with the x32 bit) */
};

static void stub_arch_note(struct stub_arch *arches, size_t *n, uint32_t scmp_arch, const struct oci_seccomp *s)
{
        /* SCMP_ARCH_* equal AUDIT_ARCH_* except x32, which the kernel
         * reports as x86_64 with the x32 bit in the syscall number. */
        uint32_t audit = scmp_arch == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : scmp_arch;
        size_t i;
        for (i = 0; i < *n && arches[i].audit != audit; i++)
                ;
        if (i == *n)
                arches[(*n)++] = (struct stub_arch){ audit, -1, -1 };
        long last = bw_seccomp_last_syscall(s, scmp_arch);
        if (scmp_arch == SCMP_ARCH_X32)
                arches[i].last_x32 = last;
        else
                arches[i].last = last;
}

static bool default_lets_through(const struct oci_seccomp *s)
{
        switch (s->default_action) {
        /* Allowing actions let new syscalls run; a tracer decides for
         * itself (ENOSYS would break emulation). */
        case OCI_SECCOMP_ALLOW:
        case OCI_SECCOMP_LOG:
        case OCI_SECCOMP_TRACE:
                return true;
        case OCI_SECCOMP_ERRNO:
                return s->default_errno_ret.set && s->default_errno_ret.v == ENOSYS;
        default:
                return false;
        }
}

static int build_stub(const struct oci_seccomp *s, struct bpf_asm *a, struct bw_error **err)
{
        a->n = 0;
        if (default_lets_through(s))
                return 0;

        struct stub_arch arches[64];
        size_t n_arches = 0;
        stub_arch_note(arches, &n_arches, seccomp_arch_native(), s);
        for (char **name = s->architectures; name && *name; name++) {
                uint32_t tok = bw_seccomp_arch_token(*name);
                if (tok && n_arches < ARRAY_SIZE(arches))
                        stub_arch_note(arches, &n_arches, tok, s);
        }

        int l_enosys = asm_label(a), l_filter = asm_label(a);
        int l_sec[ARRAY_SIZE(arches)];
        bool any = false;
        asm_emit(a, BPF_LD | BPF_W | BPF_ABS, 4 /* seccomp_data.arch */, NO_LABEL, NO_LABEL, NO_LABEL);
        for (size_t i = 0; i < n_arches; i++) {
                l_sec[i] = NO_LABEL;
                if (arches[i].last < 0 && arches[i].last_x32 < 0)
                        continue;
                l_sec[i] = asm_label(a);
                any = true;
                asm_emit(a, BPF_JMP | BPF_JEQ | BPF_K, arches[i].audit, l_sec[i], NO_LABEL, NO_LABEL);
        }
        if (!any) {
                a->n = 0;
                return 0;
        }
        asm_emit(a, BPF_JMP | BPF_JA, 0, NO_LABEL, NO_LABEL, l_filter);
        for (size_t i = 0; i < n_arches; i++) {
                if (l_sec[i] == NO_LABEL)
                        continue;
                asm_place(a, l_sec[i]);
                asm_emit(a, BPF_LD | BPF_W | BPF_ABS, 0 /* seccomp_data.nr */, NO_LABEL, NO_LABEL, NO_LABEL);
                if (arches[i].audit == AUDIT_ARCH_X86_64) {
                        int l_x32 = asm_label(a);
                        asm_emit(a, BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, l_x32, NO_LABEL, NO_LABEL);
                        emit_limit(a, arches[i].last, l_enosys, l_filter);
                        asm_place(a, l_x32);
                        emit_limit(a, arches[i].last_x32, l_enosys, l_filter);
                } else {
                        emit_limit(a, arches[i].last, l_enosys, l_filter);
                }
        }
        asm_place(a, l_enosys);
        asm_emit(a, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS, NO_LABEL, NO_LABEL, NO_LABEL);
        asm_place(a, l_filter);
        return asm_resolve(a, err);
}

/* ---- Compiling -------------------------------------------------------- */

static size_t count_names(const struct oci_seccomp *s)
{
        size_t n = 0;
        for (size_t i = 0; i < s->n_syscalls; i++)
                for (char **name = s->syscalls[i].names; name && *name; name++)
                        n++;
        return n;
}

static int build_ctx(const struct oci_seccomp *s, scmp_filter_ctx *out, struct bw_error **err)
{
        uint32_t default_act;
        int r = scmp_action(s->default_action, s->default_errno_ret, "linux.seccomp.defaultAction",
                            &default_act, err);
        if (r < 0)
                return r;
        if (s->default_action == OCI_SECCOMP_NOTIFY)
                return bw_error_msg(err, -EINVAL,
                                    "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action (the runtime itself could not finish starting the container); notify on chosen syscalls instead");

        _cleanup_seccomp_ scmp_filter_ctx ctx = seccomp_init(default_act);
        if (!ctx)
                return bw_error_msg(err, -EINVAL, "linux.seccomp.defaultAction: libseccomp refused %s",
                                    action_name(s->default_action));
        /* no_new_privs is the runtime's business, set before loading. */
        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        if (r < 0)
                return bw_error_set(err, r, "configuring libseccomp");
        /* A binary tree beats a linear scan on long profiles (runc uses the
         * same threshold; libseccomp 2.5 misbehaves with it on empty ones). */
        if (count_names(s) > 32 && seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
                bw_debug("seccomp: libseccomp has no binary tree optimization");

        /* Architectures before rules: a rule covers the arches present when
         * it is added. The native one is always there. */
        for (char **name = s->architectures; name && *name; name++) {
                uint32_t tok = bw_seccomp_arch_token(*name);
                if (!tok)
                        return bw_error_msg(err, -EINVAL,
                                            "linux.seccomp.architectures: %s is not an architecture libseccomp %u.%u.%u knows (e.g. SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_AARCH64)",
                                            *name, seccomp_version()->major, seccomp_version()->minor,
                                            seccomp_version()->micro);
                r = seccomp_arch_add(ctx, tok);
                if (r < 0 && r != -EEXIST)
                        return bw_error_set(err, r, "linux.seccomp.architectures: adding %s", *name);
        }

        for (size_t i = 0; i < s->n_syscalls; i++) {
                r = add_syscall(ctx, default_act, i, &s->syscalls[i], err);
                if (r < 0)
                        return r;
        }
        *out = take_ptr(ctx);
        return 0;
}

int bw_seccomp_compile_bpf(const struct oci_seccomp *s, struct sock_filter **insns, size_t *n,
                           struct bw_error **err)
{
        *insns = NULL;
        *n = 0;
        _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
        int r = build_ctx(s, &ctx, err);
        if (r < 0)
                return r;
        _cleanup_free_ struct sock_filter *body = NULL;
        size_t n_body = 0;
        r = export_bpf(ctx, &body, &n_body, err);
        if (r < 0)
                return r;

        struct bpf_asm *stub = calloc(1, sizeof(*stub));
        if (!stub)
                return bw_error_set(err, -ENOMEM, "building the seccomp ENOSYS prefix");
        r = build_stub(s, stub, err);
        size_t n_stub = stub->n;
        if (r < 0 || n_stub + n_body > BPF_MAXINSNS) {
                free(stub);
                if (r < 0)
                        return r;
                return bw_error_msg(err, -E2BIG, "the seccomp filter has %zu instructions, more than the kernel's limit of %d; shorten the profile",
                                    n_stub + n_body, BPF_MAXINSNS);
        }
        struct sock_filter *all = malloc((n_stub + n_body) * sizeof(*all));
        if (!all) {
                free(stub);
                return bw_error_set(err, -ENOMEM, "assembling the seccomp filter");
        }
        memcpy(all, stub->insn, n_stub * sizeof(*all));
        memcpy(all + n_stub, body, n_body * sizeof(*all));
        free(stub);
        *insns = all;
        *n = n_stub + n_body;
        return 0;
}

/* ---- Load flags -------------------------------------------------------- */

static const struct {
        const char *name;
        unsigned int flag;
        const char *since;
} known_flags[] = {
        { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC, "Linux 3.17" },
        { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG, "Linux 4.14" },
        { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW, "Linux 4.17" },
        { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, "Linux 5.19" },
};

/* The syscalls the runtime's init needs after loading the filter to hand
 * the listener over: notifying on them would hang the container's start. */
static const char *const notify_forbidden[] = { "write", "sendmsg" };

static int check_notify_rules(const struct oci_seccomp *s, bool *notify, struct bw_error **err)
{
        *notify = false;
        for (size_t i = 0; i < s->n_syscalls; i++) {
                if (s->syscalls[i].action != OCI_SECCOMP_NOTIFY)
                        continue;
                *notify = true;
                for (char **name = s->syscalls[i].names; name && *name; name++)
                        for (size_t j = 0; j < ARRAY_SIZE(notify_forbidden); j++)
                                if (strcmp(*name, notify_forbidden[j]) == 0)
                                        return bw_error_msg(err, -EINVAL,
                                                            "linux.seccomp.syscalls[%zu]: SCMP_ACT_NOTIFY cannot be used for %s: the runtime needs it to hand the listener to listenerPath",
                                                            i, *name);
        }
        if (*notify && !s->listener_path)
                return bw_error_msg(err, -EINVAL,
                                    "linux.seccomp: SCMP_ACT_NOTIFY is used but listenerPath is not set; set it to the unix socket of the seccomp agent");
        return 0;
}

int bw_seccomp_load_flags(const struct oci_seccomp *s, unsigned int *flags, bool *notify,
                          struct bw_error **err)
{
        *flags = 0;
        int r = check_notify_rules(s, notify, err);
        if (r < 0)
                return r;
        for (char **name = s->flags; name && *name; name++) {
                size_t i;
                for (i = 0; i < ARRAY_SIZE(known_flags) && strcmp(*name, known_flags[i].name) != 0; i++)
                        ;
                if (i == ARRAY_SIZE(known_flags))
                        return bw_error_msg(err, -EINVAL,
                                            "linux.seccomp.flags: unknown flag %s (known: SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW, SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)",
                                            *name);
                unsigned int f = known_flags[i].flag;
                /* Waiting killably for a listener's answer means nothing
                 * without a listener (the kernel refuses it alone). */
                if (f == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV && !*notify) {
                        bw_debug("seccomp: %s ignored: the profile has no SCMP_ACT_NOTIFY rule", *name);
                        continue;
                }
                unsigned int probe = f == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
                                             ? f | SECCOMP_FILTER_FLAG_NEW_LISTENER : f;
                if (!bw_seccomp_kernel_accepts(probe))
                        return bw_error_msg(err, -EOPNOTSUPP,
                                            "linux.seccomp.flags: this kernel does not support %s (it needs %s); remove the flag",
                                            *name, known_flags[i].since);
                *flags |= f;
        }
        if (*notify) {
                if (!bw_seccomp_kernel_accepts(SECCOMP_FILTER_FLAG_NEW_LISTENER))
                        return bw_error_msg(err, -EOPNOTSUPP,
                                            "linux.seccomp: SCMP_ACT_NOTIFY needs a seccomp listener, which this kernel lacks (Linux 5.0 or later)");
                /* TSYNC and a listener share the return value; the kernel
                 * accepts both only with TSYNC_ESRCH. */
                if (*flags & SECCOMP_FILTER_FLAG_TSYNC) {
                        unsigned int both = SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH |
                                            SECCOMP_FILTER_FLAG_NEW_LISTENER;
                        if (!bw_seccomp_kernel_accepts(both))
                                return bw_error_msg(err, -EOPNOTSUPP,
                                                    "linux.seccomp.flags: SECCOMP_FILTER_FLAG_TSYNC with SCMP_ACT_NOTIFY needs Linux 5.7 or later; remove the flag");
                        *flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
                }
        }
        return 0;
}

int bw_seccomp_compile(const struct oci_seccomp *s, struct bw_seccomp_filter *out, struct bw_error **err)
{
        *out = (struct bw_seccomp_filter){ 0 };
        unsigned int flags;
        bool notify;
        int r = bw_seccomp_load_flags(s, &flags, &notify, err);
        if (r < 0)
                return r;
        r = bw_seccomp_compile_bpf(s, &out->insns, &out->n_insns, err);
        if (r < 0)
                return r;
        out->flags = flags;
        out->notify = notify;
        return 0;
}

/* ---- Loading ------------------------------------------------------------ */

int bw_seccomp_load(const struct bw_seccomp_filter *f, int *listener_fd, struct bw_error **err)
{
        if (listener_fd)
                *listener_fd = -1;
        if (!f->insns || f->n_insns == 0 || f->n_insns > BPF_MAXINSNS)
                return bw_error_msg(err, -EINVAL, "loading seccomp: the filter has %zu instructions", f->n_insns);
        if (f->notify && !listener_fd)
                return bw_error_msg(err, -EINVAL, "loading seccomp: the filter notifies but the caller takes no listener");

        struct sock_fprog prog = { .len = (unsigned short)f->n_insns, .filter = f->insns };
        unsigned int flags = f->flags | (f->notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0);
        long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
        if (r < 0 && errno == EACCES)
                return bw_error_set(err, -EACCES,
                                    "loading the seccomp filter (set no_new_privs first, or hold CAP_SYS_ADMIN)");
        if (r < 0 && errno == ESRCH)
                return bw_error_set(err, -ESRCH,
                                    "loading the seccomp filter: another thread could not be synchronized (SECCOMP_FILTER_FLAG_TSYNC)");
        if (r < 0)
                return bw_error_set(err, -errno, "loading the seccomp filter");
        /* Without TSYNC_ESRCH, TSYNC reports a thread it could not sync as
         * a positive tid; then this thread's filter is not installed. */
        if (r > 0 && !f->notify && (flags & SECCOMP_FILTER_FLAG_TSYNC))
                return bw_error_msg(err, -ESRCH,
                                    "loading the seccomp filter: thread %ld could not be synchronized (SECCOMP_FILTER_FLAG_TSYNC)",
                                    r);
        if (f->notify)
                *listener_fd = (int)r;
        return 0;
}

void bw_seccomp_filter_clear(struct bw_seccomp_filter *f)
{
        free(f->insns);
        *f = (struct bw_seccomp_filter){ 0 };
}
