/* The OCI features document (runtime-spec features.md) for this build on
 * this host. */
#pragma once
#include <jansson.h>

#include "util/error.h"

/* Build the document. Probes the kernel (idmapped mounts, seccomp flags) and
 * the libraries (capabilities, seccomp architectures). Returns 0 and *out,
 * or a negative code with *err set. */
int bw_features_document(json_t **out, struct bw_error **err);
