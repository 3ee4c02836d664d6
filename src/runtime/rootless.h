/* An unprivileged caller: whether bulwark runs as one, and where such a
 * caller keeps its containers' state. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* True when bulwark is not host root: its effective uid is not 0, or it
 * runs inside a user namespace other than the host's (as under rootless
 * Podman, where it is uid 0 of the user's namespace). */
bool bw_rootless(void);

/* The host uid bulwark's effective uid is (through /proc/self/uid_map). */
uid_t bw_rootless_host_uid(void);

/* True when /proc/self/uid_map is not the host's identity map. */
bool bw_in_user_namespace(void);

/* The state root of an unprivileged caller: $XDG_RUNTIME_DIR/bulwark,
 * checked (set, absolute, a directory owned by euid, writable by no one
 * else). xdg is the variable's value (NULL when unset). Returns 0 with
 * *out allocated, or -errno with a message that names the fix. */
int bw_rootless_state_root(const char *xdg, uid_t euid, char **out, struct bw_error **err);

/* The state root main uses when --root is not given: /run/bulwark for
 * host root, $XDG_RUNTIME_DIR/bulwark for anyone else (as runc). *out is
 * NULL for the root default. */
int bw_default_state_root(char **out, struct bw_error **err);

struct oci_host_ids;
struct oci_own_ids;
/* Fill h->own_uids/own_gids: the ids this unprivileged caller may map. In
 * the host's user namespace, its own uid/gid and its /etc/subuid and
 * /etc/subgid ranges (what newuidmap allows); as uid 0 of another user
 * namespace, every id that namespace maps (its uid_map, with the real host
 * id each lands on). Best effort: what cannot be read is not added. */
void bw_rootless_own_ids(struct oci_host_ids *h);

/* Parse a uid_map/gid_map text into own-id ranges (for the above and its
 * tests). Returns 0 or -EINVAL/-ENOMEM. */
int bw_rootless_parse_map(const char *text, struct oci_own_ids **out, size_t *n);

struct oci_idmap_list;
/* For uid 0 of a user namespace not the host's: mappings that give a
 * container every id of that namespace as it is there (id -> same id, per
 * line of /proc/self/uid_map and gid_map). */
int bw_rootless_namespace_ids(struct oci_idmap_list *uids, struct oci_idmap_list *gids, struct bw_error **err);

struct oci_config;
/* Rootless pods: a container whose new user namespace bulwark was to map
 * but which joins, by path, a namespace owned by another user namespace of
 * the caller (a pod's infra container's) joins that one too, or it could
 * not mount what those namespaces own (mqueue of a joined ipc namespace).
 * Returns 1 with *path ("/proc/PID/ns/user", checked to be the owner), 0
 * when there is no such namespace, or -ENOMEM. */
int bw_rootless_pod_userns(const struct oci_config *c, char **path);
