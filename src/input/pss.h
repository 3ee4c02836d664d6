/* The Pod Security Standards (Kubernetes' own three levels) judged on a
 * pod spec, as the PodSecurity admission controller judges it. */
#pragma once
#include <stddef.h>

#include "input/yaml.h"

enum bw_pss { BW_PSS_PRIVILEGED, BW_PSS_BASELINE, BW_PSS_RESTRICTED };

/* "privileged", "baseline", "restricted". */
const char *bw_pss_name(enum bw_pss l);
/* The name -> the level; -1 when unknown. */
int bw_pss_from_name(const char *name);

/* The highest level the pod meets. Below restricted, why says the first
 * control that keeps it from the next level ("baseline: Host Namespaces:
 * hostPID: true"). meta is the pod's (template's) metadata, spec its spec. */
enum bw_pss bw_pss_level(const struct bw_ynode *meta, const struct bw_ynode *spec, char *why, size_t n);

/* The same controls over a Compose service, each mapped onto the option
 * that does what the pod field does (privileged, host namespaces,
 * capabilities, bind mounts for hostPath, published ports for host ports,
 * security_opt for seccomp, AppArmor, SELinux and no-new-privileges, user
 * for non-root). Docker applies its default seccomp profile unless told
 * otherwise, which counts as RuntimeDefault. */
enum bw_pss bw_pss_compose(const struct bw_ynode *svc, char *why, size_t n);
