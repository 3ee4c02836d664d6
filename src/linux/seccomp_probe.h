/* What seccomp names libseccomp and the kernel understand, by asking them. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* Every OCI architecture name ("SCMP_ARCH_X86_64") in the runtime-spec and
 * libseccomp, NULL-terminated; whether this libseccomp knows one is
 * bw_seccomp_arch_token()'s answer. */
extern const char *const bw_seccomp_arch_names[];
/* The libseccomp token for an OCI architecture name, or 0 when this
 * libseccomp does not know it. */
uint32_t bw_seccomp_arch_token(const char *oci_name);

/* The OCI seccomp flag names (linux.seccomp.flags), NULL-terminated. */
extern const char *const bw_seccomp_flag_names[];
/* Whether a flag can be used here: the running kernel accepts it when a
 * filter loads it (bulwark loads BPF itself, so libseccomp has no say).
 * false for unknown names. */
bool bw_seccomp_flag_supported(const char *name);
/* Whether the running kernel accepts this combination of filter flags
 * (nothing is installed by asking). */
bool bw_seccomp_kernel_accepts(unsigned long flags);
