/* The machine-readable report: stable keys, one object per target. */
#include "policy/report.h"

static json_t *finding(const struct bw_report_target *t, const struct bw_finding *f)
{
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:s}", "rule", f->rule->id, "severity",
                              bw_severity_name(f->rule->severity), "title", f->rule->title, "detail", f->detail,
                              "violation", f->violation, "excepted", f->excepted, "fix", f->rule->fix);
        int line, col;
        if (o && bw_report_locate(t->text, f, &line, &col)) {
                json_object_set_new(o, "line", json_integer(line));
                json_object_set_new(o, "column", json_integer(col));
        }
        return o;
}

json_t *bw_report_json(const struct bw_report_target *t, size_t n)
{
        json_t *targets = json_array();
        size_t findings = 0, violations = 0;
        for (size_t i = 0; i < n; i++) {
                json_t *fs = json_array();
                for (size_t j = 0; j < t[i].findings.n; j++)
                        json_array_append_new(fs, finding(&t[i], &t[i].findings.v[j]));
                json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:o}", "name", t[i].name, "source", t[i].uri, "profile",
                                      t[i].findings.profile ? t[i].findings.profile : "", "violations",
                                      (json_int_t)t[i].findings.n_violations, "findings", fs);
                if (o && t[i].pss)
                        json_object_set_new(o, "pss", json_pack("{s:s, s:s?}", "level", t[i].pss, "not_next",
                                                                t[i].pss_why && t[i].pss_why[0] ? t[i].pss_why : NULL));
                json_array_append_new(targets, o);
                findings += t[i].findings.n;
                violations += t[i].findings.n_violations;
        }
        return json_pack("{s:o, s:{s:I, s:I, s:I}}", "targets", targets, "summary", "targets", (json_int_t)n,
                         "findings", (json_int_t)findings, "violations", (json_int_t)violations);
}
