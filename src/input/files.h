/* Which files of a directory are manifests to audit. */
#pragma once
#include "util/error.h"

/* The *.yaml, *.yml and *.json files under dir, its subdirectories
 * included (hidden ones skipped), in name order: a NULL-terminated
 * vector, freed with bw_strv_free. */
int bw_input_manifest_files(const char *dir, char ***out, struct bw_error **err);
