/* Capability names this host knows. */
#pragma once

/* "CAP_CHOWN", ... for every capability the table of names (oci/spec.h)
 * knows and the running kernel has (cap_max_bits), in number order. NULL when out of memory;
 * free with bw_strv_free. */
char **bw_cap_known_names(void);
