/* Device rules: the reduction to default + exceptions, v1 devices.list
 * parsing, and the shape of the eBPF program. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "linux/cgroup_internal.h"
#include "tap.h"

#define ANY { false, 0 }
#define N(x) { true, (x) }

static const char *show(const struct cg_dev_set *s, char *buf, size_t len)
{
        size_t k = (size_t)snprintf(buf, len, "%s", s->default_allow ? "allow" : "deny");
        for (size_t i = 0; i < s->n && k < len; i++) {
                char e[64];
                cg_dev_exc_format(&s->v[i], e, sizeof(e));
                k += (size_t)snprintf(buf + k, len - k, "; %s", e);
        }
        return buf;
}

static void check(const struct oci_device_rule *rules, size_t n, const char *want, const char *name)
{
        struct cg_dev_set s;
        struct bw_error *err = NULL;
        char buf[512];
        if (cg_dev_set_from_rules(rules, n, &s, &err) < 0) {
                tap_ok(0, "%s: %s", name, err->msg);
                bw_error_free(err);
                return;
        }
        tap_is_str(show(&s, buf, sizeof(buf)), want, name);
        cg_dev_set_clear(&s);
}

int main(void)
{
        {
                struct oci_device_rule r[] = {
                        { .allow = false, .type = 'a', .access = "rwm" },
                        { .allow = true, .type = 'c', .major = N(1), .minor = N(3), .access = "rwm" },
                        { .allow = true, .type = 'c', .major = N(136), .minor = ANY, .access = "rw" },
                        { .allow = true, .type = 'b', .major = ANY, .minor = ANY, .access = "m" },
                };
                check(r, 4, "deny; c 1:3 rwm; c 136:* rw; b *:* m", "deny-all then allows: a deny default with exceptions");
        }
        {
                struct oci_device_rule r[] = {
                        { .allow = true, .type = 'c', .major = N(1), .minor = N(5), .access = "rwm" },
                        { .allow = false, .type = 'a', .access = "rwm" },
                        { .allow = true, .type = 'c', .major = N(1), .minor = N(3), .access = "rw" },
                };
                check(r, 3, "deny; c 1:3 rw", "a later deny-all forgets earlier allows");
        }
        {
                struct oci_device_rule r[] = {
                        { .allow = false, .type = 'a', .access = "rwm" },
                        { .allow = true, .type = 'c', .major = N(1), .minor = N(3), .access = "rwm" },
                        { .allow = true, .type = 'c', .major = N(1), .minor = N(5), .access = "rwm" },
                        { .allow = false, .type = 'c', .major = N(1), .minor = N(3), .access = "w" },
                        { .allow = false, .type = 'c', .major = N(1), .minor = N(5), .access = NULL },
                };
                check(r, 5, "deny; c 1:3 rm", "a deny after allows takes bits away and drops emptied exceptions");
        }
        {
                struct oci_device_rule r[] = {
                        { .allow = false, .type = 'a', .access = "rwm" },
                        { .allow = true, .type = 'c', .major = ANY, .minor = ANY, .access = "rwm" },
                        { .allow = false, .type = 'c', .major = N(1), .minor = N(3), .access = "rwm" },
                };
                check(r, 3, "deny; c *:* rwm", "a narrower deny leaves a wildcard allow alone (as the v1 kernel)");
        }
        {
                struct oci_device_rule r[] = {
                        { .allow = false, .type = 'c', .major = N(10), .minor = N(200), .access = "rwm" },
                        { .allow = false, .type = 'a', .major = N(8), .minor = ANY, .access = "r" },
                };
                check(r, 2, "allow; c 10:200 rwm; b 8:* r; c 8:* r", "no reset: allow default with deny exceptions; partial a splits");
        }
        {
                struct oci_device_rule r[] = { { .allow = true, .type = 'c', .access = "rx" } };
                struct cg_dev_set s;
                struct bw_error *err = NULL;
                tap_is_int(cg_dev_set_from_rules(r, 1, &s, &err), -EINVAL, "bad access letter refused");
                tap_ok(err && strstr(err->msg, "devices[0].access"), "the message names the rule");
                bw_error_free(err);
        }
        {
                struct cg_dev_set s;
                bool known;
                tap_is_int(cg_dev_set_from_list("c 1:3 rwm\nc 136:* rw\nb *:* m\n", &s, &known), 0, "devices.list parses");
                char buf[256];
                tap_ok(known, "a deny-mode list shows every exception");
                tap_is_str(show(&s, buf, sizeof(buf)), "deny; c 1:3 rwm; c 136:* rw; b *:* m", "devices.list exceptions");
                cg_dev_set_clear(&s);
                tap_is_int(cg_dev_set_from_list("a *:* rwm\n", &s, &known), 0, "allow-all list parses");
                tap_ok(!known && s.default_allow, "allow-all hides its deny exceptions");
                cg_dev_set_clear(&s);
        }
        {
                struct cg_dev_exc e[] = {
                        { .type = 'c', .major = 1, .minor = 3, .access = CG_DEV_R | CG_DEV_W | CG_DEV_M },
                        { .type = 'c', .major = 136, .minor = -1, .access = CG_DEV_R | CG_DEV_W },
                };
                struct cg_dev_set s = { .default_allow = false, .v = e, .n = 2 };
                struct bpf_insn *p = NULL;
                size_t n = 0;
                tap_is_int(cg_bpf_devices_program(&s, &p, &n), 0, "program builds");
                /* 6 to unpack, 7 for c 1:3 (type, mov, and, jne, major, minor,
                 * mov r0 + exit = 8), 7 for c 136:*, 2 at the end. */
                tap_is_int(n, 6 + 8 + 7 + 2, "instruction count");
                tap_ok(p[n - 1].code == (BPF_JMP | BPF_EXIT) && p[n - 2].imm == 0, "falls through to deny");
                /* Every jump lands inside the program, on the next block. */
                int bad = 0;
                for (size_t i = 0; i < n; i++)
                        if (BPF_CLASS(p[i].code) == BPF_JMP && BPF_OP(p[i].code) != BPF_EXIT &&
                            (p[i].off < 0 || i + 1 + (size_t)p[i].off >= n))
                                bad++;
                tap_is_int(bad, 0, "jumps stay inside the program");
                tap_ok(p[6].code == (BPF_JMP | BPF_JNE | BPF_K) && p[6].imm == BPF_DEVCG_DEV_CHAR && p[6].off == 7,
                       "first exception: type test skips its 7 remaining instructions");
                tap_ok(p[12].code == (BPF_ALU | BPF_MOV | BPF_K) && p[12].imm == 1, "a match on a deny default allows");
                free(p);
        }
        {
                /* Deny everything: no exceptions, just the unpacking and the
                 * default (the fuzzer found the buffer one short here). */
                struct cg_dev_set s = { .default_allow = false };
                struct bpf_insn *p = NULL;
                size_t n = 0;
                tap_is_int(cg_bpf_devices_program(&s, &p, &n), 0, "an empty set builds");
                tap_ok(n == 8 && p[6].imm == 0 && p[7].code == (BPF_JMP | BPF_EXIT), "deny-all program: unpack, r0 = 0, exit");
                free(p);
        }
        {
                struct cg_dev_set s;
                bool known;
                tap_is_int(cg_dev_set_from_list("c", &s, &known), -EINVAL, "a truncated devices.list line is refused");
                tap_is_int(cg_dev_set_from_list("x 1:3 rwm\n", &s, &known), -EINVAL, "an unknown type is refused");
                tap_is_int(cg_dev_set_from_list("c -5:3 rwm\n", &s, &known), -EINVAL, "a negative number is refused");
        }
        return tap_done();
}
