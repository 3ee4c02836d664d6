/* The human report: one block per container, worst findings first, the
 * fix under each; colour only when writing to a terminal. */
#include <string.h>
#include <strings.h>

#include "policy/report.h"

static const char *sev_colour(enum bw_severity s)
{
        switch (s) {
        case BW_SEV_CRITICAL: return "\033[1;31m";
        case BW_SEV_HIGH: return "\033[31m";
        case BW_SEV_MEDIUM: return "\033[33m";
        case BW_SEV_LOW: return "\033[36m";
        default: return "\033[2m";
        }
}

static void upper(char *dst, const char *src, size_t n)
{
        size_t i = 0;
        for (; src[i] && i + 1 < n; i++)
                dst[i] = (char)(src[i] >= 'a' && src[i] <= 'z' ? src[i] - 32 : src[i]);
        dst[i] = 0;
}

static void target(FILE *out, const struct bw_report_target *t, bool color)
{
        const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
        fprintf(out, "%s%s%s\n", bold, t->name, reset);
        fprintf(out, "  profile %s: %zu violation%s, %zu finding%s\n", t->findings.profile ? t->findings.profile : "?",
                t->findings.n_violations, t->findings.n_violations == 1 ? "" : "s", t->findings.n,
                t->findings.n == 1 ? "" : "s");
        if (t->pss)
                fprintf(out, "  Pod Security Standards: %s%s%s%s\n", t->pss, t->pss_why && t->pss_why[0] ? " (not " : "",
                        t->pss_why && t->pss_why[0] ? t->pss_why : "", t->pss_why && t->pss_why[0] ? ")" : "");
        for (size_t i = 0; i < t->findings.n; i++) {
                const struct bw_finding *f = &t->findings.v[i];
                char sev[16];
                upper(sev, bw_severity_name(f->rule->severity), sizeof(sev));
                const char *tag = f->violation ? "" : f->excepted ? " [waived by the policy file]"
                                                                    : " [allowed by this profile]";
                fprintf(out, "\n  %s%-8s%s %s  %s%s\n", color ? sev_colour(f->rule->severity) : "", sev, reset,
                        f->rule->id, f->rule->title, tag);
                fprintf(out, "           %s\n", f->detail);
                if (f->line > 0)
                        fprintf(out, "           at %s:%d:%d\n", t->uri, f->line, f->col);
                fprintf(out, "           fix: %s\n", f->rule->fix);
        }
        fprintf(out, "\n");
}

int bw_report_text(FILE *out, const struct bw_report_target *t, size_t n, bool color)
{
        size_t findings = 0, violations = 0;
        for (size_t i = 0; i < n; i++) {
                target(out, &t[i], color);
                findings += t[i].findings.n;
                violations += t[i].findings.n_violations;
        }
        fprintf(out, "%zu target%s, %zu finding%s, %zu violation%s\n", n, n == 1 ? "" : "s", findings,
                findings == 1 ? "" : "s", violations, violations == 1 ? "" : "s");
        return ferror(out) ? -1 : 0;
}
