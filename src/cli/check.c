/* bulwark check: run inside a container (the same static binary, bound in
 * read-only or copied), report what this container can actually do under
 * the rule ids audit and create use, with the evidence observed; with
 * --attack, attempt each breakout technique harmlessly (src/check/attack.c
 * lists the safeguards). Output and exit codes as audit's: 0 clean, 1
 * violations at or above --fail-on, 2 usage. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check/check.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/report_opts.h"
#include "policy/profile.h"
#include "policy/report.h"
#include "util/cleanup.h"


#define DEFAULT_FIXTURE "/bulwark-fixture"

static int observe(struct bw_findings *f)
{
        int (*const probes[])(struct bw_findings *) = {
                bw_check_observe_caps,   bw_check_observe_syscalls, bw_check_observe_ids,
                bw_check_observe_mounts, bw_check_observe_proc,     bw_check_observe_devices,
                bw_check_observe_limits, bw_check_observe_namespaces,
        };
        for (size_t i = 0; i < ARRAY_SIZE(probes); i++) {
                int r = probes[i](f);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The policy's decision over observed findings: what the profile forbids
 * and no exception of the policy file waives. */
static void judge(struct bw_findings *f, const struct bw_policy *p)
{
        f->profile = bw_profile_name(p->profile);
        f->n_violations = 0;
        for (size_t i = 0; i < f->n; i++) {
                struct bw_finding *x = &f->v[i];
                for (size_t j = 0; j < p->n_exceptions; j++)
                        if (strcasecmp(p->exceptions[j].rule, x->rule->id) == 0 &&
                            (!p->exceptions[j].match || strstr(x->detail, p->exceptions[j].match)))
                                x->excepted = true;
                x->violation = bw_profile_forbids(p->profile, x->rule) && !x->excepted;
                f->n_violations += x->violation;
        }
        bw_findings_sort(f);
}

static json_t *attempts_json(const struct bw_attempt *a, size_t n)
{
        json_t *v = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(v, json_pack("{s:s, s:s, s:s, s:s}", "technique", a[i].technique, "rule",
                                                   bw_rule(a[i].rule)->id, "result", bw_outcome_name(a[i].outcome), "reason",
                                                   a[i].reason));
        return v;
}

static void attempts_text(FILE *out, const struct bw_attempt *a, size_t n)
{
        size_t count[3] = { 0 };
        fprintf(out, "attacks\n");
        for (size_t i = 0; i < n; i++) {
                fprintf(out, "  %-8s %-20s %s  %s\n", bw_outcome_name(a[i].outcome), a[i].technique,
                        bw_rule(a[i].rule)->id, a[i].reason);
                count[a[i].outcome]++;
        }
        fprintf(out, "  %zu blocked, %zu escaped, %zu skipped\n\n", count[BW_OUTCOME_BLOCKED],
                count[BW_OUTCOME_ESCAPED], count[BW_OUTCOME_SKIPPED]);
}

BW_COMMAND(check)
{
        static const struct option opts[] = {
                BW_REPORT_OPTIONS,
                { "attack", no_argument, NULL, 'a' },
                { "fixture", required_argument, NULL, 'x' },
                {},
        };
        struct bw_report_opts ro = { .format = BW_REPORT_TEXT, .profile = g->profile, .fail_on = BW_SEV_HIGH };
        const char *fixture = NULL;
        bool attack = false;
        int c;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                int taken = bw_report_option(c, optarg, "check", &ro, err);
                if (taken < 0)
                        return taken;
                if (taken)
                        continue;
                switch (c) {
                case 'a': attack = true; break;
                case 'x': fixture = optarg; break;
                default: return bw_error_bad_option(err, bw_command_find("check"), argc, argv);
                }
        }
        if (optind < argc)
                return bw_error_usage(err, "check: unexpected argument '%s'; check looks at the container it runs in",
                                      argv[optind]);
        struct stat st;
        if (!fixture && stat(DEFAULT_FIXTURE, &st) == 0 && S_ISDIR(st.st_mode))
                fixture = DEFAULT_FIXTURE;

        struct bw_policy policy = { 0 };
        int r = bw_policy_resolve(g->policy_file, ro.profile, g->policy_mode, &policy, err);
        if (r < 0)
                return r;
        char host[256] = "container";
        gethostname(host, sizeof(host) - 1);
        _cleanup_free_ char *name = NULL, *uri = NULL;
        if (asprintf(&name, "this container (hostname %s)", host) < 0 || asprintf(&uri, "container://%s", host) < 0) {
                bw_policy_free(&policy);
                return bw_error_set(err, -ENOMEM, "check");
        }
        struct bw_report_target t = { .name = name, .uri = uri };
        _cleanup_free_ struct bw_attempt *att = NULL;
        size_t n_att = 0;
        r = observe(&t.findings);
        if (r >= 0 && attack) {
                struct bw_attack_opts ao = { .fixture = fixture };
                r = bw_check_attack(&ao, &att, &n_att);
                /* an escape is evidence too: under its rule, so --fail-on and SARIF see it */
                for (size_t i = 0; r >= 0 && i < n_att; i++)
                        if (att[i].outcome == BW_OUTCOME_ESCAPED)
                                r = bw_check_add(&t.findings, att[i].rule, "attack %s escaped: %s", att[i].technique,
                                                 att[i].reason);
        }
        if (r < 0) {
                bw_findings_clear(&t.findings);
                bw_policy_free(&policy);
                return bw_error_set(err, r, "checking this container");
        }
        judge(&t.findings, &policy);
        bw_policy_free(&policy);

        if (ro.format == BW_REPORT_TEXT) {
                bool color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
                r = bw_report_text(stdout, &t, 1, color);
                if (r >= 0 && attack)
                        attempts_text(stdout, att, n_att);
        } else if (ro.format == BW_REPORT_JUNIT) {
                r = bw_report_junit(stdout, &t, 1) < 0 ? -EIO : 0;
        } else {
                _cleanup_json_ json_t *j = ro.format == BW_REPORT_JSON ? bw_report_json(&t, 1) : bw_report_sarif(&t, 1);
                if (j && attack) {
                        json_t *a = attempts_json(att, n_att);
                        if (ro.format == BW_REPORT_JSON)
                                json_object_set_new(j, "attacks", a);
                        else /* SARIF: the run's properties bag */
                                json_object_set_new(json_array_get(json_object_get(j, "runs"), 0), "properties",
                                                    json_pack("{s:o}", "attacks", a));
                }
                r = j && json_dumpf(j, stdout, JSON_INDENT(2)) == 0 ? 0 : -EIO;
                fputc('\n', stdout);
        }
        fflush(stdout);
        bool fails = bw_report_fails(&t, 1, (enum bw_severity)ro.fail_on);
        bw_findings_clear(&t.findings);
        if (r < 0)
                return bw_error_set(err, -EIO, "writing the report");
        return fails ? 1 : 0;
}
