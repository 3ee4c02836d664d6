/* config.json -> struct oci_config, with precise errors:
 *   config.json:14:9: process.user.uid: expected a non-negative integer, found "root"
 * Unknown properties are ignored, as the spec requires. */
#pragma once
#include <stddef.h>
#include <jansson.h>

#include "oci/spec.h"
#include "util/error.h"

/* Load and validate a file. name is what messages call it (e.g. the path). */
int oci_config_load_file(const char *path, struct oci_config **out, struct bw_error **err);
struct stat;
/* The same, with check called on the opened file's status before a byte
 * is read: what check judges is what is loaded (a rename in between
 * changes nothing). A negative return from check is returned as is. */
typedef int (*oci_file_check)(const char *path, int fd, const struct stat *st, void *ctx, struct bw_error **err);
int oci_config_load_file_checked(const char *path, oci_file_check check, void *ctx, struct oci_config **out,
                                 struct bw_error **err);
/* Load and validate bytes (the fuzzer's and the tests' entry point). */
int oci_config_load_data(const char *data, size_t len, const char *name,
                         struct oci_config **out, struct bw_error **err);
/* A process on its own (runc's `exec --process process.json`): the same
 * rules and messages as the config's "process" section, with paths relative
 * to the file's top ("user.uid"). */
int oci_process_load_file(const char *path, struct oci_process **out, struct bw_error **err);
int oci_process_load_data(const char *data, size_t len, const char *name,
                          struct oci_process **out, struct bw_error **err);
/* The semantic checks of the loader (absolute paths, duplicate namespaces,
 * overlapping mappings, namespaced sysctls ...) on a config built in memory,
 * e.g. by `spec` or the hardener. Messages name JSON paths without positions. */
int oci_config_validate(const struct oci_config *c, struct bw_error **err);
/* Struct -> JSON: the round trip of the loader, and how a hardened config is
 * written back out. */
json_t *oci_config_dump(const struct oci_config *c);
