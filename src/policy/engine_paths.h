/* Whose an engine's per-container path is. Engines bind files they made
 * for one container (Docker's hosts and shm, Podman's userdata, CRI's
 * sandbox files, kubelet's pod volumes): such a path belongs to the
 * container, pod or sandbox its id names, and to no other container. */
#pragma once
#include <stdbool.h>

#include "oci/spec.h"

/* True when path, a per-container engine path, names this container: its
 * runtime id, a container whose namespaces it joins (Docker's
 * --ipc/--network container:X, a Podman pod's infra), or its pod or
 * sandbox as the CRI annotations name them. Also true for a path that
 * names no container (a named volume) and for a config with no runtime id
 * (audit: a config meant for any runtime). */
bool bw_engine_path_is_mine(const struct oci_config *c, const char *path);
