/* Appending device-cgroup rules to a typed config: pure, on the structs of
 * spec.h. Harden (deny all, then allow) and create (a config that already
 * restricts devices) both end a rule list with the same allows. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "oci/spec.h"

/* Append one rule to linux.resources.devices; major or minor -1 means any.
 * 0 or -ENOMEM. */
int oci_device_rule_push(struct oci_resources *res, bool allow, char type, int64_t major, int64_t minor,
                         const char *access);

/* Append allows for the default devices (bw_default_device_allows), then
 * one for each device in linux.devices (block devices as 'b', others 'c';
 * fifos need none) with listed_access. Placed after the config's own rules
 * they win, the last match deciding. create passes "m": a linux.devices
 * entry lets the runtime make the node, and only linux.resources.devices
 * decides whether it opens (as with runc; Docker writes the allow into
 * resources.devices itself). Harden passes "rwm": its deny-all replaces
 * the config's own rules, so it writes the allows for the devices the
 * config asked for, visibly, in the hardened config. 0 or -ENOMEM. */
int bw_device_allows_append(struct oci_linux *l, const char *listed_access);
