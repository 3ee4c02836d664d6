/* The OCI state of a container as JSON text, as hooks and the seccomp
 * agent receive it on stdin. */
#pragma once
#include <jansson.h>
#include <sys/types.h>

#include "oci/spec.h"
#include "runtime/store.h"

/* The config's annotations as a JSON object. */
json_t *bw_annotations_json(const struct oci_kv_list *l);
/* The OCI state JSON text of a container (NULL when out of memory). */
char *bw_state_json_text(const char *id, const char *bundle, const struct oci_kv_list *annotations,
                         pid_t pid, enum bw_status status);
