/* Kubernetes manifests as audit input: every container of every workload
 * (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job, CronJob, PodTemplate, and List of them)
 * translated into the config.json a node's containerd (CRI) would hand its
 * runtime, with the pod-level fields applied as the kubelet applies them
 * and containerd's defaults where a field is absent. Each translated
 * config keeps where its fields came from in the YAML, so findings point
 * at a line and column. */
#pragma once
#include <jansson.h>
#include <stdbool.h>

#include "input/pss.h"
#include "input/yaml.h"
#include "oci/spec.h"
#include "util/error.h"

/* A JSON pointer prefix of config.json ("/mounts/3"), or a rule id
 * ("BW060"), and the YAML position of the field that decided it. */
struct bw_k8s_loc { char key[48]; int line, col; };

struct bw_k8s_container {
        char *name;          /* "Deployment/default/web: container nginx" */
        char *pod;           /* "Deployment/default/web" */
        json_t *oci;         /* config.json */
        struct oci_pod_facts facts; /* what config.json cannot say, for the config's pod field */
        struct bw_k8s_loc *locs;
        size_t n_locs;
        int line, col;       /* the container's own entry: where node defaults are reported */
        enum bw_pss pss;     /* the Pod Security Standards level its pod meets */
        const char *pss_why; /* below restricted: the first control that keeps it from the next level */
};

/* A document that is a Kubernetes object (apiVersion and kind). */
bool bw_k8s_is_object(const struct bw_ynode *doc);

/* Call fn for each container of each workload in y's documents, in
 * document order; other kinds (Service, ConfigMap ...) are skipped. where
 * names the input in messages. fn's container is freed when it returns. */
typedef int (*bw_k8s_fn)(void *ctx, const struct bw_k8s_container *c, struct bw_error **err);
int bw_k8s_read(const struct bw_yaml *y, const char *where, bw_k8s_fn fn, void *ctx, struct bw_error **err);

/* Where in the YAML a finding is: its rule id's entry, else the longest
 * recorded prefix of its pointer, else the container's entry. */
void bw_k8s_locate(const struct bw_k8s_container *c, const char *rule_id, const char *pointer, int *line, int *col);
