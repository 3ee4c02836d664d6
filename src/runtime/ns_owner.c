#include "runtime/ns_owner.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux/namespaces.h"
#include "linux/proc.h"
#include "policy/harden.h"
#include "runtime/store.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"

#include <stdbool.h>

/* The live container under root whose init is in the user namespace
 * owner_fd names: its id (the caller frees) and init's pid, or NULL. A
 * container's init is checked to be the process the state names (pid and
 * start time) before its namespace counts. */
static char *container_of_userns(const char *root, int owner_fd, pid_t *pid)
{
        _cleanup_strv_ char **ids = NULL;
        _cleanup_error_ struct bw_error *err = NULL;
        if (!root || bw_store_list(root, &ids, &err) < 0)
                return NULL;
        for (size_t i = 0; ids[i]; i++) {
                _cleanup_(bw_store_entry_close) struct bw_store_entry e = { .dir_fd = -1 };
                if (bw_store_open(root, ids[i], &e, NULL) < 0)
                        continue;
                _cleanup_(bw_state_clear) struct bw_state s = { 0 };
                if (bw_state_read(&e, &s, NULL) < 0 || s.pid <= 0)
                        continue;
                char path[64];
                snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)s.pid);
                if (bw_ns_fd_is(owner_fd, path) == 1 && bw_proc_is(s.pid, s.start_time)) {
                        *pid = s.pid;
                        return strdup(ids[i]);
                }
        }
        return NULL;
}

/* The owner of one joined namespace. owner_fd gets the owner's fd when it
 * is a container's (for the caller to compare and read). */
static enum oci_ns_owner owner_of(struct oci_namespace *ns, const char *root, int *owner_fd, pid_t *pid)
{
        _cleanup_close_ int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return OCI_NS_OWNER_UNKNOWN;
        _cleanup_close_ int owner = bw_ns_owner_fd(fd);
        if (owner == -EPERM)
                return OCI_NS_OWNER_OTHER; /* above ours: not one of our containers' */
        if (owner < 0)
                return OCI_NS_OWNER_UNKNOWN;
        /* pid 1's, or (where pid 1 is hidden from us) ours when we run as
         * root in it: the host's user namespace. */
        if (bw_ns_fd_is(owner, "/proc/1/ns/user") == 1 || (geteuid() == 0 && bw_ns_fd_is(owner, "/proc/self/ns/user") == 1))
                return OCI_NS_OWNER_HOST;
        char *id = container_of_userns(root, owner, pid);
        if (!id)
                return OCI_NS_OWNER_OTHER;
        ns->owner_container = id;
        *owner_fd = take_fd(owner);
        return OCI_NS_OWNER_CONTAINER;
}

/* A user namespace joined by path that is a live container's own: the
 * policy names that container (BW068). */
static void userns_owner(struct oci_namespace *ns, const char *root)
{
        _cleanup_close_ int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
        pid_t pid = 0;
        char *id = fd >= 0 ? container_of_userns(root, fd, &pid) : NULL;
        if (!id) {
                /* not one of this root's containers, and not the host's:
                 * another root's container, or any process's */
                if (fd >= 0 && bw_ns_fd_is(fd, "/proc/1/ns/user") == 0 &&
                    !(geteuid() == 0 && bw_ns_fd_is(fd, "/proc/self/ns/user") == 1))
                        ns->owner = OCI_NS_OWNER_OTHER;
                return;
        }
        ns->owner = OCI_NS_OWNER_CONTAINER;
        ns->owner_container = id;
        bw_debug("runtime: the user namespace %s is container %s's", ns->path, id);
}

void bw_ns_owners_read(struct oci_config *c, const char *root)
{
        if (!c->linux)
                return;
        _cleanup_close_ int found = -1; /* the one container user namespace, if there is one */
        pid_t found_pid = 0;
        const char *found_id = NULL;
        bool several = false;
        for (size_t i = 0; i < c->linux->n_namespaces; i++) {
                struct oci_namespace *ns = &c->linux->namespaces[i];
                if (ns->path && ns->type == OCI_NS_USER)
                        userns_owner(ns, root);
                if (!ns->path || ns->type == OCI_NS_USER)
                        continue;
                _cleanup_close_ int owner = -1;
                pid_t pid = 0;
                ns->owner = owner_of(ns, root, &owner, &pid);
                bw_debug("runtime: the %s namespace %s belongs to %s%s", oci_ns_type_name(ns->type), ns->path,
                         ns->owner == OCI_NS_OWNER_HOST        ? "the host's user namespace"
                         : ns->owner == OCI_NS_OWNER_CONTAINER ? "the user namespace of container "
                         : ns->owner == OCI_NS_OWNER_OTHER     ? "another user namespace"
                                                               : "an owner that could not be read",
                         ns->owner_container ? ns->owner_container : "");
                if (ns->owner != OCI_NS_OWNER_CONTAINER)
                        continue;
                if (found < 0) {
                        found = take_fd(owner);
                        found_pid = pid;
                        found_id = ns->owner_container;
                } else if (bw_ns_same_fd(found, owner) != 1) {
                        several = true;
                }
        }
        if (found < 0 || several) {
                if (several)
                        bw_debug("runtime: the joined namespaces belong to several containers' user namespaces");
                return;
        }
        /* Its maps, read as the policy reads any joined user namespace's;
         * the path is its init's, checked to be the same namespace again
         * when it is joined (container.c). */
        struct oci_namespace *o = &c->linux->owner_userns;
        _cleanup_error_ struct bw_error *err = NULL;
        if (bw_userns_maps(found, &o->joined_uid, &o->joined_gid, &err) < 0) {
                bw_debug("runtime: the user namespace of container %s: %s", found_id, err->msg);
                return;
        }
        o->type = OCI_NS_USER;
        o->joined_read = true;
        if (asprintf(&o->path, "/proc/%d/ns/user", (int)found_pid) < 0 || !(c->linux->owner_userns_of = strdup(found_id))) {
                free(o->path);
                o->path = NULL;
                return;
        }
        /* A new user namespace without mappings asks bulwark to choose
         * the ids: the owner's are the ones that work. */
        if (bw_harden_join_owner_userns(c, false) > 0)
                bw_debug("runtime: joining the user namespace of container %s (%s)", found_id, o->path);
}
