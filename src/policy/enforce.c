/* Enforcement modes on top of the decision function. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy/enforce.h"
#include "policy/harden.h"
#include "util/cleanup.h"
#include "util/log.h"

/* "refused by bulwark's policy ...: BW001 ... fix: ..." for every violation. */
static int refuse(const struct bw_policy *p, const struct bw_findings *f, struct bw_error **err)
{
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        _cleanup_fclose_ FILE *m = open_memstream(&buf, &size);
        if (!m)
                return bw_error_set(err, -ENOMEM, "refusing the container");
        fprintf(m, "the container is refused by bulwark's policy (profile %s from %s, mode %s): %zu violation%s",
                f->profile, p->source ? p->source : "the default", bw_mode_name(p->mode), f->n_violations,
                f->n_violations == 1 ? "" : "s");
        for (size_t i = 0; i < f->n; i++) {
                const struct bw_finding *v = &f->v[i];
                if (!v->violation)
                        continue;
                fprintf(m, "\n  %s [%s] %s: %s\n    fix: %s", v->rule->id, bw_severity_name(v->rule->severity),
                        v->rule->title, v->detail, v->rule->fix);
        }
        fprintf(m, "\nChange the container's configuration, choose another profile (--profile), or have the "
                   "operator add an exception to " BW_POLICY_FILE " (docs/policy.md)");
        fclose(take_ptr(m));
        return bw_error_msg(err, -EPERM, "%s", buf);
}

static void log_violations(const struct bw_findings *f)
{
        for (size_t i = 0; i < f->n; i++)
                if (f->v[i].violation)
                        bw_warn("policy (profile %s): %s %s: %s; fix: %s", f->profile, f->v[i].rule->id,
                                f->v[i].rule->title, f->v[i].detail, f->v[i].rule->fix);
}

int bw_policy_apply(struct oci_config *c, const struct bw_policy *p, struct bw_error **err)
{
        if (p->mode == BW_MODE_OFF)
                return 0;
        if (p->mode == BW_MODE_HARDEN) {
                struct bw_harden_result res;
                int n = bw_harden(c, p, &res, err);
                if (n < 0)
                        return n;
                /* Debug, not info: a successful create prints nothing (as
                 * runc's), and engines show the runtime's stderr to users.
                 * What was changed stays in ROOT/ID/config.hardened.json. */
                for (size_t i = 0; res.changes && res.changes[i]; i++)
                        bw_debug("policy (profile %s): hardened: %s", res.findings.profile, res.changes[i]);
                int r = n > 0 ? refuse(p, &res.findings, err) : 0;
                bw_harden_result_free(&res);
                return r;
        }
        struct bw_findings f = { 0 };
        int n = bw_policy_evaluate(c, p, &f, err);
        int r = n;
        if (n >= 0 && p->mode == BW_MODE_WARN)
                log_violations(&f), r = 0;
        else if (n > 0)
                r = refuse(p, &f, err);
        bw_findings_clear(&f);
        return r < 0 ? r : 0;
}
