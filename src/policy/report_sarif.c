/* SARIF 2.1.0, as GitHub code scanning accepts it: every rule's metadata in
 * tool.driver.rules (help text and markdown, security-severity, tags), and
 * one result per finding with a location in the input file and a
 * fingerprint that stays put when unrelated lines move. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "policy/profile.h"
#include "policy/report.h"
#include "util/version.h"

/* GitHub maps security-severity to its levels: >= 9.0 critical, 7.0-8.9
 * high, 4.0-6.9 medium, 0.1-3.9 low. */
static const char *security_severity(enum bw_severity s)
{
        static const char *const v[] = { "0.0", "3.0", "5.5", "8.0", "9.5" };
        return v[s];
}

static const char *level(enum bw_severity s)
{
        return s >= BW_SEV_HIGH ? "error" : s == BW_SEV_MEDIUM ? "warning" : "note";
}

static json_t *rule(const struct bw_rule *r)
{
        char *text = NULL, *md = NULL;
        if (asprintf(&text, "%s\n\nFix: %s%s%s", r->why, r->fix, r->refs ? "\n\nReferences: " : "",
                     r->refs ? r->refs : "") < 0)
                return NULL;
        if (asprintf(&md, "**Why it matters.** %s\n\n**Fix.** %s%s%s", r->why, r->fix,
                     r->refs ? "\n\n**References.** " : "", r->refs ? r->refs : "") < 0) {
                free(text);
                return NULL;
        }
        json_t *o = json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s, s:s}, s:{s:s},"
                              " s:{s:s, s:s, s:[s, s, s]}}",
                              "id", r->id, "name", r->name, "shortDescription", "text", r->title,
                              "fullDescription", "text", r->why, "help", "text", text, "markdown", md,
                              "defaultConfiguration", "level", level(r->severity), "properties",
                              "security-severity", security_severity(r->severity), "precision", "high",
                              "tags", "security", "container-breakout", bw_severity_name(r->severity));
        free(text);
        free(md);
        /* Which profiles forbid it: what create refuses or hardens. */
        json_t *profiles = json_array();
        for (int p = 0; p < BW_PROFILE_COUNT; p++)
                if (bw_profile_forbids((enum bw_profile)p, r))
                        json_array_append_new(profiles, json_string(bw_profile_name((enum bw_profile)p)));
        json_object_set_new(json_object_get(o, "properties"), "profiles", profiles);
        return o;
}

/* FNV-1a, 64 bits: stable across runs and machines. */
static uint64_t fnv(uint64_t h, const char *s)
{
        for (; *s; s++)
                h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
        return (h ^ 0xff) * 0x100000001b3ULL; /* field separator */
}

static json_t *result(const struct bw_report_target *t, const struct bw_finding *f)
{
        char *msg = NULL, fp[32];
        if (asprintf(&msg, "%s: %s (%s)%s", f->rule->title, f->detail, t->name,
                     f->violation ? "" : f->excepted ? " [waived by the policy file]" : " [allowed by the profile]") < 0)
                return NULL;
        snprintf(fp, sizeof(fp), "%016" PRIx64,
                 fnv(fnv(fnv(0xcbf29ce484222325ULL, f->rule->id), t->name), f->detail));
        json_t *phys = json_pack("{s:{s:s}}", "artifactLocation", "uri", t->uri);
        int line, col;
        if (phys && bw_report_locate(t->text, f, &line, &col))
                json_object_set_new(phys, "region", json_pack("{s:i, s:i}", "startLine", line, "startColumn", col));
        json_t *o = json_pack("{s:s, s:I, s:s, s:{s:s}, s:[{s:o}], s:{s:s}, s:{s:s, s:b}}", "ruleId", f->rule->id,
                              "ruleIndex", (json_int_t)(f->rule - bw_rules), "level", level(f->rule->severity),
                              "message", "text", msg, "locations", "physicalLocation", phys,
                              "partialFingerprints", "bulwarkFinding/v1", fp, "properties", "target", t->name,
                              "violatesProfile", f->violation);
        if (o && t->pss)
                json_object_set_new(json_object_get(o, "properties"), "podSecurityStandard", json_string(t->pss));
        free(msg);
        return o;
}

json_t *bw_report_sarif(const struct bw_report_target *t, size_t n)
{
        json_t *rules = json_array(), *results = json_array();
        for (size_t i = 0; i < bw_n_rules; i++)
                json_array_append_new(rules, rule(&bw_rules[i]));
        for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < t[i].findings.n; j++)
                        json_array_append_new(results, result(&t[i], &t[i].findings.v[j]));
        return json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:o}]}",
                         "$schema", "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0",
                         "runs", "tool", "driver", "name", "bulwark", "version", bw_version, "rules", rules,
                         "results", results);
}
