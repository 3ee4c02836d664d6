/* Namespaces: clone flags per type, joining one by path, and cloning a
 * child straight into new ones (clone3, fork semantics). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci/spec.h"
#include "util/error.h"

/* CLONE_NEW* for a namespace type. */
unsigned long bw_ns_clone_flag(enum oci_ns_type t);
/* The name under /proc/PID/ns/ ("mnt", "net", ...). */
const char *bw_ns_proc_name(enum oci_ns_type t);
/* setns() into the namespace at path, checking it is of type t. */
int bw_ns_join_path(enum oci_ns_type t, const char *path, struct bw_error **err);
/* Same with an open namespace fd. */
int bw_ns_join_fd(enum oci_ns_type t, int fd, const char *what, struct bw_error **err);
/* pid and time namespaces act on the children a process makes, not on
 * itself. A runtime process that joins a container's to clone into it
 * goes back to its own afterwards, so that nothing it starts later lands
 * in the container: a hook, or LeakSanitizer's tracer at exit (which,
 * born inside, cannot see its parent, and the parent spins for ever). */
struct bw_ns_for_children {
        int fd[2]; /* our own pid and time namespaces while joined, or -1 */
};
#define BW_NS_FOR_CHILDREN_INIT { { -1, -1 } }
/* Remember our own namespace of type t (OCI_NS_PID or OCI_NS_TIME), before
 * joining or unsharing one for our children. */
int bw_ns_for_children_save(struct bw_ns_for_children *s, enum oci_ns_type t, struct bw_error **err);
/* Go back to what was saved and forget it (in_child: only forget it, for
 * the child that was meant to be there); warns when the kernel refuses. */
void bw_ns_for_children_restore(struct bw_ns_for_children *s, bool in_child);
/* True when /proc/PID/ns/NAME is the same namespace as ours. */
int bw_ns_same_as_self(pid_t pid, enum oci_ns_type t);
/* Is the namespace at path the host's: the one of pid 1 or our own?
 * 1 or 0; 0 too when it cannot be told (a path that does not exist). */
int bw_ns_path_is_host(enum oci_ns_type t, const char *path);
/* The user namespace that owns the namespace ns_fd names (ioctl
 * NS_GET_USERNS): an fd, or a negative errno (-EPERM: its owner is above
 * ours, which we may not see). */
int bw_ns_owner_fd(int ns_fd);
/* Are two namespace fds (or a namespace fd and /proc/PATH/ns/NAME) the same
 * namespace: 1, 0, or a negative errno. */
int bw_ns_same_fd(int a, int b);
int bw_ns_fd_is(int fd, const char *proc_ns_path);
/* The real uid and gid maps of the user namespace ns_fd names, outside ids
 * as host ids (as our user namespace sees them). 0, or a negative errno
 * with err set (not a user namespace, cannot enter it). */
int bw_userns_maps(int ns_fd, struct oci_idmap_list *uid, struct oci_idmap_list *gid, struct bw_error **err);
/* Fork-like clone into new namespaces (flags: CLONE_NEW*). Returns 0 in the
 * child, the child's pid in the parent, or a negative errno. The child gets
 * SIGCHLD as its exit signal. With cgroup_fd >= 0 (a cgroup2 directory) the
 * child is born in that cgroup (CLONE_INTO_CGROUP) when the kernel can, and
 * *into says whether it was; otherwise it is born where the caller is. */
pid_t bw_clone_ns(uint64_t flags, int cgroup_fd, bool *into, struct bw_error **err);
