/* Bind sources, resolved on this host once before the policy judges them,
 * so that the policy, the idmapped views and init's mount all act on one
 * object: the source is opened once (m->src.fd), the mount is cloned from
 * that fd (m->src.tree), and init attaches that clone after checking its
 * device and inode again. */
#pragma once
#include "oci/spec.h"
#include "util/error.h"

/* For each bind mount of c: resolve its source (relative ones against
 * bundle) the way the kernel's mount will, following symlinks; record the
 * canonical path, device, inode and file type in m->src, note which known
 * engine socket on this host it is or holds, and replace m->source with the
 * canonical path. A source that cannot be opened refuses the container. */
int bw_bind_resolve(struct oci_config *c, const char *bundle, struct bw_error **err);

/* After the policy, before init is cloned: for each resolved bind source,
 * a detached clone of its mount made from m->src.fd (recursive for rbind),
 * checked to be the judged object, with the attributes its options ask for
 * (ro, nosuid, ... recursively for r* options), kept in m->src.tree. init
 * inherits it and attaches it; the idmapped views idmap it. Not root: the
 * host's mounts cannot be cloned, and init clones in its own namespace. */
int bw_bind_clone_sources(struct oci_config *c, struct bw_error **err);
