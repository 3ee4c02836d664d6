/* The automatic user namespace: choosing the mappings and the range, and
 * letting it go. The idmapped mounts are in userns_mounts.c. */
#include "runtime/userns_auto.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux/mount_options.h"
#include "runtime/rootless.h"
#include "util/cleanup.h"
#include "util/log.h"

static const struct oci_namespace *userns_of(const struct oci_config *c)
{
        for (size_t i = 0; c->linux && i < c->linux->n_namespaces; i++)
                if (c->linux->namespaces[i].type == OCI_NS_USER)
                        return &c->linux->namespaces[i];
        return NULL;
}

bool bw_userns_mount_wants_idmap(const struct oci_mount *m)
{
        struct bw_mount_opts o;
        bw_mount_options_effect(m->options, &o);
        return m->uid_mappings.n || m->gid_mappings.n || o.idmap || o.ridmap;
}

bool bw_userns_auto_wanted(const struct oci_config *c)
{
        const struct oci_namespace *ns = userns_of(c);
        return ns && !ns->path && c->linux->uid_mappings.n == 0 && c->linux->gid_mappings.n == 0;
}

static void set_lists(struct oci_config *c, struct oci_idmap_list *u, struct oci_idmap_list *g)
{
        free(c->linux->uid_mappings.v);
        free(c->linux->gid_mappings.v);
        c->linux->uid_mappings = *u;
        c->linux->gid_mappings = *g;
}

static bool same_maps(const struct oci_idmap_list *a, const struct oci_idmap_list *b)
{
        return a->n == b->n && (a->n == 0 || memcmp(a->v, b->v, a->n * sizeof(*a->v)) == 0);
}

/* How a bind's source is seen: -1 unmapped, 0 through the container's
 * mappings, i + 1 through mount i's own. */
static int bind_class(const struct oci_config *c, size_t i, bool automatic)
{
        const struct oci_mount *m = &c->mounts[i];
        if (m->uid_mappings.n || m->gid_mappings.n) {
                for (size_t k = 0; k < i; k++)
                        if (same_maps(&c->mounts[k].uid_mappings, &m->uid_mappings) &&
                            same_maps(&c->mounts[k].gid_mappings, &m->gid_mappings))
                                return (int)k + 1;
                return (int)i + 1;
        }
        return bw_userns_mount_wants_idmap(m) || automatic ? 0 : -1;
}

static char *bind_source(const char *bundle, const char *source)
{
        char *joined = NULL;
        if (source[0] == '/' ? !(joined = strdup(source)) : asprintf(&joined, "%s/%s", bundle, source) < 0)
                return NULL;
        char *real = realpath(joined, NULL);
        if (!real)
                return joined;
        free(joined);
        return real;
}

static bool nested(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
        if (strncmp(a, b, n) != 0)
                return false;
        const char *longer = la < lb ? b : a;
        return la == lb || longer[n] == '/' || n == 1;
}

/* A source is idmapped by covering it, inside the container's mount
 * namespace, with its idmapped view: so one source (or a source inside
 * another) cannot be seen through two different mappings in one container. */
static int check_bind_classes(const struct oci_config *c, const char *bundle, bool automatic, struct bw_error **err)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                if (!bw_mount_is_bind(&c->mounts[i]) || !c->mounts[i].source)
                        continue;
                _cleanup_free_ char *a = bind_source(bundle, c->mounts[i].source);
                for (size_t k = i + 1; a && k < c->n_mounts; k++) {
                        if (!bw_mount_is_bind(&c->mounts[k]) || !c->mounts[k].source)
                                continue;
                        int ca = bind_class(c, i, automatic), cb = bind_class(c, k, automatic);
                        if (ca == cb)
                                continue;
                        _cleanup_free_ char *b = bind_source(bundle, c->mounts[k].source);
                        if (b && nested(a, b))
                                return bw_error_msg(err, -EINVAL,
                                                    "bind mounts %s and %s share source %s but ask for different id "
                                                    "mappings (idmap, ridmap or uidMappings); bulwark gives one source "
                                                    "one view per container: use the same mappings for both",
                                                    c->mounts[i].destination, c->mounts[k].destination,
                                                    strlen(a) < strlen(b) ? a : b);
                }
        }
        return 0;
}

static bool any_idmap(const struct oci_config *c)
{
        for (size_t i = 0; i < c->n_mounts; i++)
                if (bw_userns_mount_wants_idmap(&c->mounts[i]))
                        return true;
        return false;
}

/* Rootless: a pod's user namespace joined, or the ids of the namespace
 * we are root of, or the caller's and its subordinate ids. */
static int assign_rootless(const char *id, struct oci_config *c, struct bw_userns_plan *plan, struct bw_error **err)
{
        struct oci_idmap_list u, g;
        int r;
        _cleanup_free_ char *owner = NULL;
        if ((r = bw_rootless_pod_userns(c, &owner)) < 0)
                return bw_error_set(err, r, "finding the user namespace of the joined namespaces");
        if (r > 0) {
                /* A rootless pod: share the infra's user namespace. */
                for (size_t i = 0; i < c->linux->n_namespaces; i++)
                        if (c->linux->namespaces[i].type == OCI_NS_USER)
                                c->linux->namespaces[i].path = take_ptr(owner);
                plan->automatic = false;
                bw_debug("container %s: joins the user namespace that owns its joined namespaces", id);
                return 0;
        }
        /* uid 0 of a user namespace not the host's (rootless
         * Podman's): the container gets every id of that namespace,
         * as they are there; else the caller and its subordinate ids. */
        r = geteuid() == 0 ? bw_rootless_namespace_ids(&u, &g, err)
                           : bw_idrange_rootless(NULL, NULL, getuid(), getgid(), &u, &g, err);
        if (r < 0)
                return bw_error_wrap(err, "choosing the container's id mappings");
        set_lists(c, &u, &g);
        return 0;
}

/* As root: a range of its own from the id-range store, for the rootfs,
 * and the volume range for bind mounts. */
static int assign_range(const char *root, const char *id, struct oci_config *c, const char *rootfs,
                        struct bw_userns_plan *plan, struct bw_error **err)
{
        struct oci_idmap_list u, g;
        int r;
        char abs_root[PATH_MAX];
        if (!realpath(root, abs_root))
                return bw_error_set(err, -errno, "resolving the state root %s", root);
        struct bw_rootfs_key key;
        r = bw_rootfs_key_of(rootfs, &key, err);
        if (r < 0)
                return bw_error_wrap(err, "identifying the rootfs for its id range");
        struct bw_idrange_config cfg = { .root = abs_root };
        r = bw_idrange_acquire(&cfg, id, &key, &plan->range, err);
        bw_rootfs_key_clear(&key);
        if (r < 0)
                return bw_error_wrap(err, "allocating an id range for container %s", id);
        plan->acquired = true;
        if ((r = bw_idrange_volume(&cfg, &plan->volume, err)) < 0)
                return bw_error_wrap(err, "reading the volume range");
        if (bw_idrange_mappings(&plan->range, &u, &g) < 0)
                return bw_error_set(err, -ENOMEM, "building the id mappings");
        set_lists(c, &u, &g);
        plan->idmap_mounts = true;
        bw_debug("container %s: uids %u-%u, gids %u-%u; bind mounts from the volume range %u.., %u..", id,
                 plan->range.uid, plan->range.uid + plan->range.size - 1, plan->range.gid,
                 plan->range.gid + plan->range.size - 1, plan->volume.uid, plan->volume.gid);
        return 0;
}

int bw_userns_auto_assign(const char *root, const char *id, struct oci_config *c, const char *bundle,
                          const char *rootfs, struct bw_userns_plan *plan, struct bw_error **err)
{
        *plan = (struct bw_userns_plan){ .root = root, .id = id };
        const struct oci_namespace *ns = userns_of(c);
        for (size_t i = 0; (!ns || ns->path) && i < c->n_mounts; i++)
                if (bw_userns_mount_wants_idmap(&c->mounts[i]))
                        return bw_error_msg(err, -EINVAL,
                                            "mount %s asks to be idmapped (idmap, ridmap or its own uidMappings) but the "
                                            "container has no user namespace of its own; add {\"type\": \"user\"} to "
                                            "linux.namespaces", c->mounts[i].destination ? c->mounts[i].destination : "?");
        /* The idmapped views are attached in init's mount namespace: one
         * joined by path is not the container's own (it may be the host's),
         * and views attached there would stay over its paths. */
        const struct oci_namespace *mnt = oci_config_namespace(c, OCI_NS_MOUNT);
        bool rootless = bw_rootless();
        bool views = ns && !ns->path && ((bw_userns_auto_wanted(c) && !rootless) || any_idmap(c));
        if (views && mnt && mnt->path)
                return bw_error_msg(err, -EINVAL,
                                    "the mount namespace is joined by path %s, but the container's idmapped rootfs "
                                    "and volumes are made in its mount namespace, which would then be that one; give "
                                    "{\"type\": \"mount\"} without a path (a mount namespace of its own)", mnt->path);
        if (!bw_userns_auto_wanted(c))
                return ns && !ns->path ? check_bind_classes(c, bundle, false, err) : 0;
        plan->automatic = true;
        int r = check_bind_classes(c, bundle, !rootless, err);
        if (r < 0)
                return r;
        return rootless ? assign_rootless(id, c, plan, err) : assign_range(root, id, c, rootfs, plan, err);
}

static const struct oci_idmap *root_line(const struct oci_idmap_list *l)
{
        for (size_t i = 0; i < l->n; i++)
                if (l->v[i].container_id == 0 && l->v[i].size > 0)
                        return &l->v[i];
        return NULL;
}

int bw_userns_joined_plan(const char *root, const struct oci_config *c, struct bw_userns_plan *plan,
                          struct bw_error **err)
{
        const struct oci_namespace *user = userns_of(c), *o = c->linux ? &c->linux->owner_userns : NULL;
        /* an unprivileged runtime (rootless Podman's euid 0 included)
         * cannot idmap host filesystems: its containers see its own ids */
        if (geteuid() != 0 || bw_rootless() || !user || !user->path || !o || !o->path || strcmp(o->path, user->path) != 0)
                return 0;
        const struct oci_idmap *u = root_line(&o->joined_uid), *g = root_line(&o->joined_gid);
        if (!u || !g)
                return 0; /* no container root: nothing to view the rootfs as */
        char abs_root[PATH_MAX];
        if (!realpath(root, abs_root))
                return bw_error_set(err, -errno, "resolving the state root %s", root);
        plan->range = (struct bw_idrange){ u->host_id, g->host_id, u->size < g->size ? u->size : g->size };
        struct bw_idrange_config cfg = { .root = abs_root };
        int r = bw_idrange_volume(&cfg, &plan->volume, err);
        if (r < 0)
                return bw_error_wrap(err, "reading the volume range");
        plan->idmap_mounts = true;
        bw_debug("joined user namespace %s: the rootfs and volumes are idmapped to uids %u.., gids %u..", o->path,
                 plan->range.uid, plan->range.gid);
        return 0;
}

bool bw_userns_plan_done(struct bw_userns_plan *plan)
{
        bool ok = true;
        if (plan->acquired && !plan->keep) {
                _cleanup_error_ struct bw_error *e = NULL;
                if (bw_userns_auto_release(plan->root, plan->id, &e) < 0) {
                        bw_warn("%s", e->msg);
                        ok = false;
                }
        }
        plan->acquired = false;
        return ok;
}

int bw_userns_auto_release(const char *root, const char *id, struct bw_error **err)
{
        char abs_root[PATH_MAX];
        /* Only host root allocates from the store (not uid 0 of a user's
         * namespace, which may see it but not open it). */
        if (bw_rootless() || access(BW_IDRANGE_STORE, F_OK) < 0)
                return 0;
        if (!realpath(root, abs_root))
                return bw_error_set(err, -errno, "freeing the id range of container %s: resolving the state root %s",
                                    id, root);
        struct bw_idrange_config cfg = { .root = abs_root };
        int r = bw_idrange_release(&cfg, id, err);
        if (r < 0)
                bw_error_wrap(err, "freeing the id range of container %s", id);
        return r;
}
