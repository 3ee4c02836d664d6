/* What container engines give a container when its settings leave a field
 * out: Docker's defaults (moby's oci/caps/defaults.go and oci/defaults.go),
 * which containerd's CRI plugin uses too. One table each, read by the
 * docker inspect, Compose and Kubernetes readers. */
#pragma once
#include <stdbool.h>
#include <jansson.h>

/* Capability names without CAP_, NULL-terminated. */
extern const char *const bw_engine_default_caps[];
/* Every capability this build knows (--privileged, add ALL). */
extern const char *const bw_engine_all_caps[];
extern const char *const bw_engine_masked_paths[];
extern const char *const bw_engine_readonly_paths[];

/* The engines whose defaults differ: Docker (moby) and containerd's CRI
 * plugin (what Kubernetes runs). */
enum bw_engine_kind { BW_ENGINE_DOCKER, BW_ENGINE_CONTAINERD };

/* The mounts the engine gives every container, in its order (a finding's
 * mounts[N] must name what the engine would write), with /sys and the
 * cgroupfs read-only unless privileged. */
json_t *bw_engine_default_mounts(enum bw_engine_kind engine, bool privileged);

/* Does caps (a JSON array of "CAP_X" names) hold cap (a name without CAP_)? */
bool bw_engine_caps_have(json_t *caps, const char *cap);

/* The engines' default seccomp profile as the rules see it: errno by
 * default, plus the calls the granted capabilities open up (caps: a JSON
 * array of "CAP_X" names); io_uring: the profile allows io_uring (moby
 * 20.10 to 24). */
json_t *bw_engine_default_seccomp(json_t *caps, bool io_uring);
