/* Capabilities, no_new_privs and the seccomp mode, as the kernel reports
 * them for this process in /proc/self/status. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "check/probe.h"
#include "policy/checks.h"

static int cap_set(const char *key, uint64_t *v)
{
        char buf[64];
        int r = probe_status_field(key, buf, sizeof(buf));
        if (r < 0)
                return r;
        *v = strtoull(buf, NULL, 16);
        return 0;
}

/* The highest capability this kernel knows. */
static int cap_last(void)
{
        char *s = NULL;
        int last = OCI_CAP_LAST;
        if (probe_read("/proc/sys/kernel/cap_last_cap", &s) == 0)
                last = atoi(s);
        free(s);
        return last;
}

int bw_check_observe_caps(struct bw_findings *out)
{
        uint64_t eff = 0, prm = 0, bnd = 0, amb = 0;
        cap_set("CapEff", &eff);
        cap_set("CapPrm", &prm);
        cap_set("CapBnd", &bnd);
        cap_set("CapAmb", &amb);
        char nnp[16] = "", seccomp[16] = "";
        probe_status_field("NoNewPrivs", nnp, sizeof(nnp));
        probe_status_field("Seccomp", seccomp, sizeof(seccomp));
        int r;

        int last = cap_last();
        uint64_t all = last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
        /* privileged: (nearly) every capability, and no filter */
        int missing = __builtin_popcountll(all) - __builtin_popcountll(bnd & all);
        if (missing <= 2 && strcmp(seccomp, "0") == 0) {
                if ((r = bw_check_add(out, BW_RULE_PRIVILEGED, "%d of %d capabilities in the bounding set (%016" PRIx64
                                      ") and no seccomp filter", __builtin_popcountll(bnd & all),
                                      __builtin_popcountll(all), bnd)) < 0)
                        return r;
        }
        /* Each per-capability rule of the table, with the sets that hold it. */
        for (size_t i = 0; i < bw_n_rules; i++) {
                const struct bw_rule *rule = &bw_rules[i];
                if (rule->check != bw_check_cap || rule->cap < 0) /* cap holds a namespace type elsewhere */
                        continue;
                uint64_t bit = 1ULL << rule->cap;
                if (!((eff | prm | bnd | amb) & bit))
                        continue;
                char sets[64] = "";
                const struct { uint64_t v; const char *n; } s[] = {
                        { eff, "effective" }, { prm, "permitted" }, { bnd, "bounding" }, { amb, "ambient" },
                };
                for (size_t j = 0; j < 4; j++)
                        if (s[j].v & bit)
                                snprintf(sets + strlen(sets), sizeof(sets) - strlen(sets), "%s%s", sets[0] ? ", " : "",
                                         s[j].n);
                if ((r = bw_findings_add(out, rule, NULL, "%s in %s", oci_cap_name(rule->cap), sets)) < 0)
                        return r;
        }
        if (strcmp(nnp, "1") != 0 && (r = bw_check_add(out, BW_RULE_NO_NEW_PRIVILEGES_OFF, "NoNewPrivs: %s in /proc/self/status",
                                                     nnp[0] ? nnp : "unknown")) < 0)
                return r;
        if (strcmp(seccomp, "0") == 0 && (r = bw_check_add(out, BW_RULE_SECCOMP_ABSENT, "Seccomp: 0 in /proc/self/status (no filter)")) < 0)
                return r;
        return 0;
}
