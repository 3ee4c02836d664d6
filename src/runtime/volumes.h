/* Bind sources of a container with an automatic id range: how each is
 * seen, and the once-only re-owning of what an engine made.
 *
 * Every bind is idmapped so that on-disk id V+n (V: the volume range,
 * bw_idrange_volume) is container id n, whatever the container's own
 * range: two containers sharing a volume see the same owners, files they
 * create land as V+n, and files owned by anything else (host root, host
 * users) are seen as the overflow id, so container root only gets the
 * "other" permission bits on them for reading and none of its
 * capabilities apply; the kernel refuses any write to an inode whose
 * owner it cannot map (inode_permission), so such a folder is read-only
 * to containers even when it is 1777.
 *
 * What an engine made for the container (a named volume's _data, the
 * per-container hosts, hostname, resolv.conf) is owned by host ids 0..n
 * as the engine wrote it: it is shifted into V once (id_shift.h) so the
 * container keeps owning it. A folder the operator bound is not touched:
 * `bulwark share DIR` is the explicit way to hand one over. */
#pragma once
#include <stdbool.h>

#include "oci/spec.h"
#include "runtime/idrange.h"
#include "util/error.h"

/* The engine-made root that a canonical bind source is (or lies under),
 * by its layout alone: ".../volumes/NAME/_data" (Docker, Podman), Docker's
 * ".../containers/ID/{hosts,hostname,resolv.conf,mounts/shm}", Podman's
 * ".../overlay-containers/ID/userdata/ENTRY", CRI's
 * ".../sandboxes/ID/{hosts,hostname,resolv.conf,shm}", kubelet's
 * ".../pods/UID/{etc-hosts,volumes/KIND/NAME,containers/NAME/ENTRY}".
 * Returns a malloc'd path, or NULL. bw_volume_prepare shifts it only when
 * every directory above it, reached from the judged source's fd, belongs
 * to host root and no one else may write it (or it is sticky), so a host
 * user cannot lay the pattern out to get files re-owned. */
char *bw_volume_engine_root(const char *real);

/* Before a bind source is idmapped: shift engine-made content into the
 * volume range once, and log (debug) what container root will not be
 * able to do with an operator's folder. Acts only on what the resolver
 * opened and the policy judged (m->src.fd and the canonical path recorded
 * then; bind_resolve.h): the engine root is reached from that fd (".."),
 * never from a path resolved again, and walked from there. A source the
 * resolver did not open is not shifted, nor another container's, pod's or
 * sandbox's per-container path (policy/engine_paths.h). src: the source as
 * configured (absolute), for messages. */
int bw_volume_prepare(const struct oci_config *c, const struct bw_idrange *volume, const struct oci_mount *m,
                      const char *src, struct bw_error **err);

/* The judged bind source is on tmpfs and is (or lies under) an engine-made
 * root that bw_volume_prepare would shift: Docker's mounts/shm, Podman's
 * userdata/shm, CRI's sandbox shm, a kubelet emptyDir of medium Memory.
 * Kernels before 6.3 cannot idmap tmpfs: such a source is then bound
 * without an idmapped view (userns_mounts.c; docs/userns.md). */
bool bw_volume_engine_tmpfs(const struct oci_config *c, const struct oci_mount *m);

/* "V R SIZE\n" maps of the user namespace volumes are idmapped with. */
int bw_volume_userns(const struct bw_idrange *volume, const struct bw_idrange *range, struct bw_error **err);
