/* Reports of findings: human text, JSON, SARIF 2.1.0. A report covers
 * several targets (containers), each with its findings as evaluated by
 * bw_policy_evaluate. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "policy/rules.h"

struct bw_report_target {
        char *name;      /* "web (3f2a1b0c9d8e)" or the config's path */
        char *uri;       /* the input: a path, "-" for stdin, docker://ID */
        char *text;      /* the input's text, to find lines in; may be NULL */
        struct bw_findings findings;
        const char *pss;     /* a pod's container: the Pod Security Standards level the pod meets, else NULL */
        char *pss_why;       /* below restricted: why not the next level; or NULL */
};

/* Where a finding is in the input text: the value at its JSON pointer
 * (climbing to the nearest parent that exists), then the first of its
 * needle's '|'-separated alternatives from there on; without a pointer
 * match, the first needle anywhere. 1-based line and column; false when
 * nothing matches. */
bool bw_report_locate(const char *text, const struct bw_finding *f, int *line, int *col);

/* The output formats of audit and check, by their --format names. */
enum bw_report_format { BW_REPORT_TEXT, BW_REPORT_JSON, BW_REPORT_SARIF, BW_REPORT_JUNIT };
/* "text", "json", "sarif", "junit" -> the format; -1 when unknown. */
int bw_report_format_from_name(const char *name);

/* Does a target have a violation at or above sev? */
bool bw_report_fails(const struct bw_report_target *t, size_t n, enum bw_severity sev);

int bw_report_text(FILE *out, const struct bw_report_target *t, size_t n, bool color);
json_t *bw_report_json(const struct bw_report_target *t, size_t n);
json_t *bw_report_sarif(const struct bw_report_target *t, size_t n);
/* JUnit XML: a test suite per target, a failing test case per violation. */
int bw_report_junit(FILE *out, const struct bw_report_target *t, size_t n);
