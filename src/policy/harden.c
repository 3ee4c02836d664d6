/* Hardening: apply the fixes (each rule's row names its own, fixes.c)
 * that make a config comply without changing what the workload asked for
 * in a way it would notice. What cannot be fixed that
 * way (a privileged container, an engine socket, a host namespace, a host
 * device, a sensitive mount) is refused instead: silently removing it would
 * break the workload, keeping it would break the host. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/harden.h"
#include "util/strv.h"

void bw_harden_result_free(struct bw_harden_result *res)
{
        bw_strv_free(res->changes);
        bw_strv_free(res->remaining);
        bw_findings_clear(&res->findings);
        *res = (struct bw_harden_result){ 0 };
}

static int note(char ***list, const struct bw_finding *f, const char *prefix, const char *text)
{
        char *s = NULL;
        if (asprintf(&s, "%s %s (%s): %s%s", f->rule->id, f->rule->title, f->detail, prefix, text) < 0)
                return -ENOMEM;
        return bw_strv_consume(list, s);
}

static const char *unfixable_why(const struct bw_finding *f)
{
        (void)f;
        return "not changed: no safe automatic fix";
}

int bw_harden(struct oci_config *c, const struct bw_policy *p, struct bw_harden_result *res,
              struct bw_error **err)
{
        *res = (struct bw_harden_result){ 0 };
        struct bw_findings before = { 0 };
        int n = bw_policy_evaluate(c, p, &before, err);
        if (n < 0)
                return n;
        int r = 0;
        /* Anything refused outright: change nothing, say why. */
        for (size_t i = 0; r == 0 && i < before.n; i++) {
                const char *why = before.v[i].violation ? before.v[i].rule->refused : NULL;
                if (why)
                        r = note(&res->remaining, &before.v[i], "refused: ", why);
        }
        if (r == 0 && res->remaining) {
                for (size_t i = 0; r == 0 && i < before.n; i++)
                        if (before.v[i].violation && !before.v[i].rule->refused)
                                r = note(&res->remaining, &before.v[i], "", "not changed: the config is refused as a whole");
                res->findings = before;
                if (r < 0)
                        return bw_error_set(err, r, "hardening the configuration");
                return n;
        }
        for (size_t i = 0; r >= 0 && i < before.n; i++) {
                const char *what = NULL;
                if (!before.v[i].violation)
                        continue;
                const struct bw_finding *f = &before.v[i];
                r = f->rule->harden ? f->rule->harden(c, f, &what) : 0;
                if (r > 0)
                        r = note(&res->changes, &before.v[i], "", what);
        }
        bw_findings_clear(&before);
        if (r < 0)
                return bw_error_set(err, r, "hardening the configuration");
        n = bw_policy_evaluate(c, p, &res->findings, err);
        if (n < 0)
                return n;
        for (size_t i = 0; i < res->findings.n; i++) {
                const struct bw_finding *f = &res->findings.v[i];
                if (f->violation && (r = note(&res->remaining, f, "", unfixable_why(f))) < 0)
                        return bw_error_set(err, r, "hardening the configuration");
        }
        return n;
}
