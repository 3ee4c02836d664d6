/* JUnit XML, the test report format CI systems show (GitLab's test
 * reports, Jenkins' junit step): a test suite per target, a test case per
 * finding. A violation is a failure; a finding the profile allows or the
 * policy file waives is a skipped case; a target without findings has one
 * passing case. */
#include <stdio.h>

#include "policy/report.h"

static void xml(FILE *out, const char *s)
{
        for (; s && *s; s++) {
                switch (*s) {
                case '&': fputs("&amp;", out); break;
                case '<': fputs("&lt;", out); break;
                case '>': fputs("&gt;", out); break;
                case '"': fputs("&quot;", out); break;
                case '\'': fputs("&apos;", out); break;
                default:
                        /* control characters other than tab and newline are not XML */
                        if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n')
                                fputc(*s, out);
                }
        }
}

static void testcase(FILE *out, const struct bw_report_target *t, const struct bw_finding *f)
{
        fputs("    <testcase classname=\"", out);
        xml(out, t->name);
        fputs("\" name=\"", out);
        xml(out, f->rule->id);
        fputs(" ", out);
        xml(out, f->rule->title);
        fputs(": ", out);
        xml(out, f->detail);
        fputs("\"", out);
        int line, col;
        bool at = bw_report_locate(t->text, f, &line, &col);
        fputs(" file=\"", out);
        xml(out, t->uri);
        fputs("\"", out);
        if (at)
                fprintf(out, " line=\"%d\"", line);
        if (!f->violation) {
                fputs(">\n      <skipped message=\"", out);
                xml(out, f->excepted ? "waived by the policy file" : "allowed by this profile");
                fputs("\"/>\n    </testcase>\n", out);
                return;
        }
        fputs(">\n      <failure type=\"", out);
        xml(out, bw_severity_name(f->rule->severity));
        fputs("\" message=\"", out);
        xml(out, f->detail);
        fputs("\">", out);
        xml(out, f->rule->id);
        fputs(" ", out);
        xml(out, f->rule->title);
        fputs("\n", out);
        if (at) {
                xml(out, t->uri);
                fprintf(out, ":%d:%d\n", line, col);
        }
        fputs("fix: ", out);
        xml(out, f->rule->fix);
        fputs("</failure>\n    </testcase>\n", out);
}

int bw_report_junit(FILE *out, const struct bw_report_target *t, size_t n)
{
        size_t tests = 0, failures = 0, skipped = 0;
        for (size_t i = 0; i < n; i++) {
                tests += t[i].findings.n ? t[i].findings.n : 1;
                failures += t[i].findings.n_violations;
                for (size_t j = 0; j < t[i].findings.n; j++)
                        skipped += !t[i].findings.v[j].violation;
        }
        fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        fprintf(out, "<testsuites name=\"bulwark audit\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\">\n", tests,
                failures, skipped);
        for (size_t i = 0; i < n; i++) {
                const struct bw_findings *fs = &t[i].findings;
                size_t sk = 0;
                for (size_t j = 0; j < fs->n; j++)
                        sk += !fs->v[j].violation;
                fputs("  <testsuite name=\"", out);
                xml(out, t[i].name);
                fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\">\n", fs->n ? fs->n : 1,
                        fs->n_violations, sk);
                fputs("    <properties>\n      <property name=\"profile\" value=\"", out);
                xml(out, fs->profile ? fs->profile : "");
                fputs("\"/>\n", out);
                if (t[i].pss) {
                        fputs("      <property name=\"pod-security-standard\" value=\"", out);
                        xml(out, t[i].pss);
                        fputs("\"/>\n", out);
                }
                fputs("    </properties>\n", out);
                for (size_t j = 0; j < fs->n; j++)
                        testcase(out, &t[i], &fs->v[j]);
                if (!fs->n) {
                        fputs("    <testcase classname=\"", out);
                        xml(out, t[i].name);
                        fputs("\" name=\"no findings\"/>\n", out);
                }
                fputs("  </testsuite>\n", out);
        }
        fputs("</testsuites>\n", out);
        return ferror(out) ? -1 : 0;
}
