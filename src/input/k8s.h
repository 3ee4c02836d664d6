/* Kubernetes manifests as audit input: every container of every workload
 * (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job, CronJob, PodTemplate, and List of them)
 * translated into the config.json a node's containerd (CRI) would hand its
 * runtime, with the pod-level fields applied as the kubelet applies them
 * and containerd's defaults where a field is absent. Each translated
 * config keeps where its fields came from in the YAML, so findings point
 * at a line and column. */
#pragma once
#include <stdbool.h>

#include "input/target.h"
#include "input/yaml.h"
#include "util/error.h"

/* A document that is a Kubernetes object (apiVersion and kind). */
bool bw_k8s_is_object(const struct bw_ynode *doc);

/* Call fn for each container of each workload in y's documents, in
 * document order; other kinds (Service, ConfigMap ...) are skipped. where
 * names the input in messages. */
int bw_k8s_read(const struct bw_yaml *y, const char *where, bw_input_fn fn, void *ctx, struct bw_error **err);
