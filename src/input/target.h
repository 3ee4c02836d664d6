/* What an input reader hands the audit: one container's config.json, as
 * the engine would build it from what the user wrote, with where in the
 * source each of its fields came from. */
#pragma once
#include <jansson.h>
#include <stdbool.h>

#include "input/pss.h"
#include "input/yaml.h"
#include "oci/spec.h"
#include "policy/rules.h"
#include "util/error.h"

/* A JSON pointer prefix of config.json ("/mounts/3"), or a rule id
 * ("BW060"), and the position of the source field that decided it. */
struct bw_input_loc { char key[48]; int line, col; };

struct bw_input_target {
        char *name;          /* "Deployment/default/web: container nginx", "service web" */
        json_t *oci;         /* config.json */
        struct oci_pod_facts facts; /* what config.json cannot say (pods only), for the config's pod field */
        struct bw_input_loc *locs;
        size_t n_locs;
        bool oom;            /* a location could not be recorded */
        int line, col;       /* the container's own entry: where engine defaults are reported */
        const char *defaults; /* whose defaults decide absent fields: "the node's", "Docker's" */
        bool has_pss;        /* pods: */
        enum bw_pss pss;     /* the Pod Security Standards level its pod meets */
        const char *pss_why; /* below restricted: the first control that keeps it from the next level */
};

/* Called for each target a reader finds; the target is freed when it returns. */
typedef int (*bw_input_fn)(void *ctx, const struct bw_input_target *t, struct bw_error **err);

/* Record that the config's key (pointer prefix or rule id) came from n
 * (nothing when n is NULL). */
void bw_input_loc(struct bw_input_target *t, const char *key, const struct bw_ynode *n);

/* Record that the findings of rule k came from n (nothing when n is NULL). */
void bw_input_loc_rule(struct bw_input_target *t, enum bw_rule_key k, const struct bw_ynode *n);

/* Where a finding is: its rule id's entry, else the longest recorded
 * prefix of its pointer, else the container's entry (false: no field of
 * the source decided it, the engine's default did). */
bool bw_input_locate(const struct bw_input_target *t, const char *rule_id, const char *pointer, int *line, int *col);

/* Load t's config.json through the OCI loader, with t's facts. A config
 * the loader refuses (hostIPC with an IPC sysctl: the kubelet and dockerd
 * refuse it too) is reported at the container's line in where, not at a
 * position of the translation nobody sees. */
int bw_input_load(const struct bw_input_target *t, const char *where, struct oci_config **out, struct bw_error **err);

/* Free what a reader filled (not t itself). */
void bw_input_target_clear(struct bw_input_target *t);
