/* Who can change a bundle's config.json before root runs it. As host root,
 * the config decides what runs as root (hooks, host paths bound in), so a
 * config another user can write is a door to root. */
#pragma once
#include "util/error.h"

/* For the caller running as uid 0 (a no-op for others, whose config can
 * give them nothing they lack): config.json, and the bundle directory
 * holding it, must not be writable by others or by a group other than
 * root's (a sticky directory is fine). Refused with the file and the fix named.
 * A config owned by another user, writable only by that user, is allowed
 * as runc allows it (`sudo runc run` in a user's bundle) with a warning
 * naming the owner. */
int bw_bundle_check_trust(const char *bundle_dir, const char *config_path, struct bw_error **err);
