/* Profiles as sets of rules that must not fire, and the single decision
 * function shared by create, audit and check. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy/checks.h"
#include "policy/profile.h"
#include "util/cleanup.h"
#include "util/names.h"

static const char *const profile_names[] = { "restricted", "baseline", "privileged" };
static const char *const mode_names[] = { "enforce", "harden", "warn", "off" };

const char *bw_profile_name(enum bw_profile p)
{
        return bw_name_of(profile_names, ARRAY_SIZE(profile_names), p);
}

int bw_profile_from_name(const char *name)
{
        return bw_name_index(profile_names, ARRAY_SIZE(profile_names), name);
}

const char *bw_mode_name(enum bw_mode m)
{
        return bw_name_of(mode_names, ARRAY_SIZE(mode_names), m);
}

int bw_mode_from_name(const char *name)
{
        return bw_name_index(mode_names, ARRAY_SIZE(mode_names), name);
}

/* Each rule's row says which profiles forbid it (rules.c, its .forbid). */
bool bw_profile_forbids(enum bw_profile p, const struct bw_rule *r)
{
        switch (p) {
        case BW_PROFILE_RESTRICTED:
                return r->forbid != BW_FORBID_NONE;
        case BW_PROFILE_BASELINE:
                return r->forbid == BW_FORBID_BASELINE;
        default:
                return false;
        }
}

static const char *annotation_value(const struct oci_config *c, const char *key)
{
        for (size_t i = 0; i < c->annotations.n; i++)
                if (strcmp(c->annotations.v[i].key, key) == 0)
                        return c->annotations.v[i].value;
        return NULL;
}

int bw_policy_profile_for(const struct bw_policy *p, const struct oci_config *c, enum bw_profile *out,
                          struct bw_error **err)
{
        *out = p->profile;
        if (!p->annotation)
                return 0; /* the policy lets no annotation choose */
        const char *v = annotation_value(c, p->annotation);
        if (!v)
                return 0;
        int prof = bw_profile_from_name(v);
        if (prof < 0)
                return bw_error_msg(err, -EINVAL,
                                    "annotation %s=%s: unknown profile; use restricted, baseline or privileged",
                                    p->annotation, v);
        if (!(p->annotation_profiles & (1u << prof)))
                return bw_error_msg(err, -EPERM,
                                    "annotation %s=%s: the policy file (%s) does not let annotations choose "
                                    "profile %s; remove the annotation or ask the operator to list it in "
                                    "annotation.profiles",
                                    p->annotation, v, p->source ? p->source : "defaults", v);
        *out = (enum bw_profile)prof;
        return 0;
}

static bool waived(const struct bw_policy *p, const struct bw_finding *f)
{
        for (size_t i = 0; i < p->n_exceptions; i++) {
                const struct bw_exception *e = &p->exceptions[i];
                if (strcasecmp(e->rule, f->rule->id) != 0)
                        continue;
                if (!e->match || strstr(f->detail, e->match))
                        return true;
        }
        return false;
}

bool bw_policy_identity_mapped(const struct bw_policy *p, const char *source)
{
        for (char **d = p->identity_volumes; source && d && *d; d++)
                if (bw_path_under(source, *d))
                        return true;
        return false;
}

/* BW074: its findings come from the policy file, not from the config. A
 * source with .. components is never identity-mapped (the runtime
 * compares resolved paths), so it is not reported either. */
static int identity_findings(const struct oci_config *c, const struct bw_policy *p, struct bw_findings *out)
{
        const struct bw_rule *r = bw_rule(BW_RULE_VOLUME_IDENTITY_MAPPED);
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                if (!bw_mount_is_bind(m) || !m->source || strstr(m->source, "/..") ||
                    !bw_policy_identity_mapped(p, m->source))
                        continue;
                char ptr[64];
                snprintf(ptr, sizeof(ptr), "/mounts/%zu/source", i);
                int ret = bw_findings_add_at(out, r, ptr, m->source,
                                             "%s mounted at %s is identity-mapped (policy file identityMappedVolumes)",
                                             m->source, m->destination ? m->destination : "?");
                if (ret < 0)
                        return ret;
        }
        return 0;
}

int bw_policy_evaluate(const struct oci_config *c, const struct bw_policy *p, struct bw_findings *out,
                       struct bw_error **err)
{
        enum bw_profile prof;
        int r = bw_policy_profile_for(p, c, &prof, err);
        if (r < 0)
                return r;
        size_t first = out->n;
        r = bw_rules_check(c, out);
        if (r >= 0)
                r = identity_findings(c, p, out);
        if (r < 0)
                return bw_error_set(err, r, "checking the configuration");
        size_t n = 0;
        for (size_t i = first; i < out->n; i++) {
                struct bw_finding *f = &out->v[i];
                f->excepted = waived(p, f);
                f->violation = !f->excepted && bw_profile_forbids(prof, f->rule);
                n += f->violation;
        }
        bw_findings_sort(out);
        out->profile = bw_profile_name(prof);
        out->n_violations = n;
        return (int)n;
}
