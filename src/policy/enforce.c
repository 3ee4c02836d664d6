/* Enforcement modes on top of the decision function. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/enforce.h"
#include "policy/harden.h"
#include "util/cleanup.h"
#include "util/log.h"

/* Each violated rule once, with its fix, and at most a few of its
 * findings: a privileged config breaks one rule per host device, and
 * hundreds of lines would fill the pipe an engine reads only at exit. */
enum { DETAILS_PER_RULE = 3 };

static void list_violations(FILE *m, const struct bw_findings *f)
{
        for (size_t i = 0; i < f->n; i++) {
                const struct bw_finding *v = &f->v[i];
                bool first = v->violation;
                for (size_t k = 0; first && k < i; k++)
                        first = !(f->v[k].violation && f->v[k].rule == v->rule);
                if (!first)
                        continue;
                fprintf(m, "\n  %s [%s] %s: %s", v->rule->id, bw_severity_name(v->rule->severity), v->rule->title,
                        v->detail);
                size_t more = 0;
                for (size_t k = i + 1; k < f->n; k++) {
                        if (!f->v[k].violation || f->v[k].rule != v->rule)
                                continue;
                        if (++more < DETAILS_PER_RULE)
                                fprintf(m, "; %s", f->v[k].detail);
                }
                if (more >= DETAILS_PER_RULE)
                        fprintf(m, "; and %zu more", more - (DETAILS_PER_RULE - 1));
                fprintf(m, "\n    fix: %s", v->rule->fix);
        }
}

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
        list_violations(m, f);
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

/* --- exec: a new process in a container created under the policy ------ */

static bool same_finding(const struct bw_finding *a, const struct bw_finding *b)
{
        return a->rule == b->rule && strcmp(a->detail ? a->detail : "", b->detail ? b->detail : "") == 0;
}

/* The violations the process brings: those of the container's config
 * running p that the container's config as created does not have (a
 * container may run with a waived or warned finding; exec does not
 * re-judge it). Marks the others as not violations. Returns how many. */
static int process_violations(struct oci_config *c, struct oci_process *p, const struct bw_policy *pol,
                              struct bw_findings *out, struct bw_error **err)
{
        struct bw_findings base = { 0 };
        int n = bw_policy_evaluate(c, pol, &base, err);
        if (n < 0)
                return n;
        struct oci_process *own = c->process;
        c->process = p;
        n = bw_policy_evaluate(c, pol, out, err);
        c->process = own;
        if (n < 0) {
                bw_findings_clear(&base);
                return n;
        }
        size_t left = 0;
        for (size_t i = 0; i < out->n; i++) {
                struct bw_finding *f = &out->v[i];
                for (size_t k = 0; f->violation && k < base.n; k++)
                        if (base.v[k].violation && same_finding(f, &base.v[k]))
                                f->violation = false;
                left += f->violation;
        }
        out->n_violations = left;
        bw_findings_clear(&base);
        return (int)left;
}

static int refuse_process(const struct bw_policy *p, const struct bw_findings *f, struct bw_error **err)
{
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        _cleanup_fclose_ FILE *m = open_memstream(&buf, &size);
        if (!m)
                return bw_error_set(err, -ENOMEM, "refusing the exec'd process");
        fprintf(m, "the process is refused by bulwark's policy (profile %s from %s, mode %s, as at the container's "
                   "create): %zu violation%s; nothing was started",
                f->profile, p->source ? p->source : "the default", bw_mode_name(p->mode), f->n_violations,
                f->n_violations == 1 ? "" : "s");
        list_violations(m, f);
        fprintf(m, "\nDrop what the process asks for beyond the container's own settings (exec --cap, "
                   "--process capabilities, noNewPrivileges), or create the container under another profile");
        fclose(take_ptr(m));
        return bw_error_msg(err, -EPERM, "%s", buf);
}

static void log_cap_drop(const char *set, uint64_t dropped)
{
        for (unsigned cap = 0; cap < 64; cap++) {
                if (!(dropped & (1ULL << cap)))
                        continue;
                const char *name = oci_cap_name((int)cap);
                bw_debug("policy: exec hardened: dropped %s from the %s set (the container does not have it)",
                         name ? name : "a capability", set);
        }
}

static int copy_label(char **dst, const char *src, const char *what)
{
        if ((!*dst && !src) || (*dst && src && strcmp(*dst, src) == 0))
                return 0;
        char *v = src ? strdup(src) : NULL;
        if (src && !v)
                return -ENOMEM;
        bw_debug("policy: exec hardened: %s %s -> %s (the container's)", what, *dst ? *dst : "(none)",
                 src ? src : "(none)");
        free(*dst);
        *dst = v;
        return 0;
}

/* Harden a process to the container's own settings: no capability its
 * bounding set lacks, no_new_privs when it has it, its LSM labels. */
static int harden_process(const struct oci_config *c, struct oci_process *p)
{
        const struct oci_process *own = c->process;
        uint64_t keep = own ? own->capabilities.bounding.mask : 0;
        struct { const char *name; struct oci_capset *set; } sets[] = {
                { "bounding", &p->capabilities.bounding },   { "effective", &p->capabilities.effective },
                { "permitted", &p->capabilities.permitted }, { "inheritable", &p->capabilities.inheritable },
                { "ambient", &p->capabilities.ambient },
        };
        for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
                uint64_t dropped = sets[i].set->mask & ~keep;
                if (dropped)
                        log_cap_drop(sets[i].name, dropped);
                sets[i].set->mask &= keep;
        }
        if (own && own->no_new_privileges && !p->no_new_privileges) {
                bw_debug("policy: exec hardened: set noNewPrivileges (the container has it)");
                p->no_new_privileges = true;
        }
        int r = copy_label(&p->apparmor_profile, own ? own->apparmor_profile : NULL, "apparmorProfile");
        if (r == 0)
                r = copy_label(&p->selinux_label, own ? own->selinux_label : NULL, "selinuxLabel");
        return r;
}

int bw_policy_apply_process(struct oci_config *c, struct oci_process *p, const struct bw_policy *pol,
                            struct bw_error **err)
{
        if (pol->mode == BW_MODE_OFF)
                return 0;
        if (pol->mode == BW_MODE_HARDEN) {
                int r = harden_process(c, p);
                if (r < 0)
                        return bw_error_set(err, r, "hardening the exec'd process");
        }
        struct bw_findings f = { 0 };
        int n = process_violations(c, p, pol, &f, err);
        int r = n < 0 ? n : 0;
        if (n > 0 && pol->mode == BW_MODE_WARN)
                log_violations(&f);
        else if (n > 0)
                r = refuse_process(pol, &f, err);
        bw_findings_clear(&f);
        return r;
}

/* --- update: new limits for a container created under the policy ------ */

static int refuse_update(const struct bw_policy *p, const struct bw_findings *f, struct bw_error **err)
{
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        _cleanup_fclose_ FILE *m = open_memstream(&buf, &size);
        if (!m)
                return bw_error_set(err, -ENOMEM, "refusing the update");
        fprintf(m, "the update is refused by bulwark's policy (profile %s, mode %s, as at the container's create): "
                   "%zu violation%s; nothing was changed",
                f->profile, bw_mode_name(p->mode), f->n_violations, f->n_violations == 1 ? "" : "s");
        list_violations(m, f);
        if (p->mode == BW_MODE_HARDEN)
                fprintf(m, "\nAn update is not rewritten to comply (the limits asked for would silently not be the "
                           "ones applied): ask for limits the profile allows");
        else
                fprintf(m, "\nAsk for limits the profile allows");
        fclose(take_ptr(m));
        return bw_error_msg(err, -EPERM, "%s", buf);
}

int bw_policy_apply_update(struct oci_config *c, const struct oci_resources *after, const struct bw_policy *pol,
                           struct bw_error **err)
{
        if (pol->mode == BW_MODE_OFF || !c->linux)
                return 0;
        struct bw_findings base = { 0 }, f = { 0 };
        int n = bw_policy_evaluate(c, pol, &base, err);
        if (n < 0)
                return n;
        struct oci_resources own = c->linux->resources;
        c->linux->resources = *after;
        n = bw_policy_evaluate(c, pol, &f, err);
        c->linux->resources = own;
        size_t left = 0;
        for (size_t i = 0; n >= 0 && i < f.n; i++) {
                struct bw_finding *v = &f.v[i];
                for (size_t k = 0; v->violation && k < base.n; k++)
                        if (base.v[k].violation && same_finding(v, &base.v[k]))
                                v->violation = false;
                left += v->violation;
        }
        f.n_violations = left;
        int r = n < 0 ? n : 0;
        if (left && pol->mode == BW_MODE_WARN)
                log_violations(&f);
        else if (left)
                r = refuse_update(pol, &f, err);
        bw_findings_clear(&base);
        bw_findings_clear(&f);
        return r;
}
