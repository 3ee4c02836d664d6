/* The breakout rule set: a table of rules, each with a stable id, a severity,
 * words a user understands (why, fix, references) and one check over the
 * typed config. audit reports findings, create enforces or hardens on them,
 * check runs them inside a container: the same ids everywhere. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oci/spec.h"

enum bw_severity { BW_SEV_INFO, BW_SEV_LOW, BW_SEV_MEDIUM, BW_SEV_HIGH, BW_SEV_CRITICAL };

const char *bw_severity_name(enum bw_severity s);       /* "critical", ... */
int bw_severity_from_name(const char *name);            /* -1 when unknown */

struct bw_findings;
struct bw_rule;

/* A check appends one finding per thing it objects to (a mount, a
 * capability); returns 0 or -ENOMEM. */
typedef int (*bw_check_fn)(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out);

struct bw_rule {
        const char *id;          /* "BW010": stable, never reused */
        const char *name;        /* "cap-sys-admin": SARIF's rule name */
        enum bw_severity severity;
        const char *title;       /* one line */
        const char *why;         /* one or two sentences: how it enables breakout */
        const char *fix;         /* in the user's terms: docker flag, k8s field, config.json field */
        const char *refs;        /* "CIS Docker 5.3; PSS baseline: Capabilities; CVE-..." or NULL */
        bw_check_fn check;
        int cap;                 /* the capability for per-capability rules, else -1 */
};

struct bw_finding {
        const struct bw_rule *rule;
        char *detail;            /* what exactly: "CAP_SYS_ADMIN in bounding, permitted" */
        char *pointer;           /* JSON pointer into config.json ("/mounts/3"), or NULL */
        char *needle;            /* text that locates it ("SYS_ADMIN"), searched from the
                                  * pointer's value, or in the whole input; or NULL */
        bool violation;          /* set by the policy: counts against the profile */
        bool excepted;           /* set by the policy: waived by a policy-file exception */
        int line, col;           /* set by an input reader that knows where the field is in its
                                  * source (YAML); 0: found from pointer and needle */
};

struct bw_findings {
        struct bw_finding *v;
        size_t n, cap;
        const char *profile;     /* set by bw_policy_evaluate: the profile applied */
        size_t n_violations;     /* likewise: findings that count against it */
};

/* The table, in id order. */
extern const struct bw_rule bw_rules[];
extern const size_t bw_n_rules;
const struct bw_rule *bw_rule_find(const char *id);

/* Run every rule over c, appending to out. 0 or -ENOMEM. */
int bw_rules_check(const struct oci_config *c, struct bw_findings *out);

/* Append a finding (detail printf-style); 0 or -ENOMEM. */
int bw_findings_add(struct bw_findings *out, const struct bw_rule *r, const char *needle,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Same, with where it is in config.json as a JSON pointer (RFC 6901). */
int bw_findings_add_at(struct bw_findings *out, const struct bw_rule *r, const char *pointer,
                       const char *needle, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void bw_findings_clear(struct bw_findings *f);
/* Stable order for reports: severity (worst first), then id, then detail. */
void bw_findings_sort(struct bw_findings *f);
bool bw_findings_has(const struct bw_findings *f, const char *id);

/* Capabilities by number: "CAP_SYS_ADMIN"; NULL past the last known. */
#define BW_CAP_LAST 40
const char *bw_cap_name(int cap);
/* "SYS_ADMIN", "CAP_SYS_ADMIN", "cap_sys_admin" -> number, or -1. */
int bw_cap_from_name(const char *name);

/* The capabilities a process in this config can hold: the union of the
 * bounding, effective and permitted sets (see rules.c for why). */
uint64_t bw_config_caps(const struct oci_config *c);
