/* The automatic user namespace of `create`: a config whose new user
 * namespace has no mappings (what `bulwark spec` writes, and what policy's
 * harden step adds) gets a range of its own, and its rootfs and bind
 * mounts are idmapped so that image files and volumes keep their owners
 * as seen from inside. Explicit mappings are honoured as given and then
 * nothing here happens. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "oci/spec.h"
#include "runtime/idrange.h"
#include "util/error.h"

/* Destinations (comma-separated, or "*") whose bind mounts may stay
 * unmapped when their filesystem cannot be idmapped. */
#define BW_ANNOTATION_UNMAPPED "org.bulwark.unmapped-mounts"

struct bw_userns_plan {
        const char *root, *id;  /* borrowed from the caller */
        bool automatic;         /* mappings were ours to choose */
        bool idmap_mounts;      /* ... and the mounts are to be idmapped (as root) */
        bool acquired;          /* a range is recorded for id */
        bool keep;              /* create succeeded: the range stays with the container */
        struct bw_idrange range;
        struct bw_idrange volume; /* what bind mounts are idmapped from (idmap_mounts) */
};

/* Shared by the assignment and the mounts: a mount asks for an idmap
 * (idmap or ridmap, or mappings of its own). A bind is bw_mount_is_bind. */
bool bw_userns_mount_wants_idmap(const struct oci_mount *m);

/* A new user namespace with no uidMappings and no gidMappings. */
bool bw_userns_auto_wanted(const struct oci_config *c);

/* Fill c's mappings when wanted: as root a range of the bulwark user's ids
 * keyed by the rootfs (the container's state directory must exist, so the
 * range's owner is alive); otherwise the caller's own subordinate ids.
 * Also refuses what idmapped bind sources cannot give: one source seen
 * through two different mappings. */
int bw_userns_auto_assign(const char *root, const char *id, struct oci_config *c, const char *bundle,
                          const char *rootfs, struct bw_userns_plan *plan, struct bw_error **err);

/* A user namespace bulwark chose to join for the container (the owner of
 * the namespaces it joins: a pod's sandbox, Docker's --pid container:X;
 * linux.owner_userns): the same idmapped rootfs and volume views as an
 * automatic range, made with that namespace's ids (its container 0 and
 * size), so the container's rootfs reads as it would under a range of its
 * own. Nothing is acquired: the ids are the owner's. As root only. */
int bw_userns_joined_plan(const char *root, const struct oci_config *c, struct bw_userns_plan *plan,
                          struct bw_error **err);

/* Cleanup for a plan: a create that failed lets its range go. false when
 * a range it took could not be let go of (said as a warning): the state
 * directory that names its owner must then stay, for delete --force. */
bool bw_userns_plan_done(struct bw_userns_plan *plan);

/* Once init's maps are written and before init touches its mounts: make
 * the idmapped rootfs (an idmapped bind, or an overlay rebuilt over
 * idmapped layers) and idmapped views of the bind sources, and attach them
 * over those paths inside init's mount namespace, where init's own
 * mounting then finds them. Nothing is mounted on the host. */
int bw_userns_auto_mounts(const struct bw_userns_plan *plan, const struct oci_config *c, const char *bundle,
                          const char *rootfs, pid_t init, struct bw_error **err);

/* delete: the container's range stays with its rootfs while that exists,
 * and is freed once it is gone. */
int bw_userns_auto_release(const char *root, const char *id, struct bw_error **err);
