/* bulwark's built-in seccomp profile: Docker's default allowlist made
 * stricter where container breakouts came from. docs/seccomp.md lists it
 * and every difference from Docker's. */
#pragma once
#include <stdint.h>

#include "oci/spec.h"

/* A newly allocated profile (free it with oci_seccomp_free, or with the
 * config it is put into), or NULL on ENOMEM. caps is the container's
 * bounding capability set (bit n = capability n): as in Docker, a few
 * syscalls are allowed only with the capability that makes them useful
 * (chroot with CAP_SYS_CHROOT). Capabilities the restricted and baseline
 * profiles never grant unlock nothing here. */
struct oci_seccomp *oci_seccomp_default(uint64_t caps);
