/* Freeing a lone seccomp profile (one in a config is freed with the config). */
#pragma once
#include "oci/spec.h"

void oci_seccomp_free(struct oci_seccomp *s);
