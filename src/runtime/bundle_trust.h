/* Who can change a bundle's config.json before root runs it. As host root,
 * the config decides what runs as root (hooks, host paths bound in), so a
 * config another user can write is a door to root. */
#pragma once
#include "util/error.h"

struct oci_config;
/* Load the bundle's config.json. For the caller running as uid 0 (others'
 * configs can give them nothing they lack), first: config.json, and the
 * bundle directory holding it, must not be writable by others or by a
 * group other than root's (a sticky directory is fine), nor carry a POSIX
 * ACL; refused with the file and the fix named. A config or bundle
 * directory owned by another user is allowed as runc allows it (`sudo
 * runc run` in a user's bundle), with a warning naming the owner. The
 * config is judged on the fd it is then read from. */
int bw_bundle_load_config(const char *bundle_dir, const char *config_path, struct oci_config **out,
                          struct bw_error **err);
