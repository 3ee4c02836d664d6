/* The checks behind the rule table: each looks at one aspect of the typed
 * config and appends a finding per offending item. Pure functions of the
 * config: nothing here touches the kernel or the host. */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "linux/cgroup_internal.h"
#include "linux/mount_options.h"
#include "oci/default.h"
#include "policy/checks.h"
#include "policy/engine_paths.h"
#include "policy/rules.h"
#include "util/cleanup.h"
#include "util/lexpath.h"
#include "util/strv.h"

/* --- small predicates over the config ----------------------------------- */

bool bw_has_ns(const struct oci_config *c, enum oci_ns_type t)
{
        if (!c->linux)
                return false;
        for (size_t i = 0; i < c->linux->n_namespaces; i++)
                if (c->linux->namespaces[i].type == t)
                        return true;
        return false;
}

/* A namespace of the container's own: present, and not joined by a path
 * the runtime found to be the host's. */
bool bw_has_own_ns(const struct oci_config *c, enum oci_ns_type t)
{
        const struct oci_namespace *ns = oci_config_namespace(c, t);
        return ns && !ns->host;
}

/* Is path equal to or below prefix, comparing whole components? "/" only
 * matches itself: everything is below it. */
bool bw_path_under(const char *path, const char *prefix)
{
        if (!path)
                return false;
        size_t pl = strlen(path), xl = strlen(prefix);
        while (pl > 1 && path[pl - 1] == '/')
                pl--;
        if (strcmp(prefix, "/") == 0)
                return pl == 1 && path[0] == '/';
        if (pl < xl || strncmp(path, prefix, xl) != 0)
                return false;
        return pl == xl || path[xl] == '/';
}

/* The host uid a container uid runs as: the id itself without a user
 * namespace, the mapped id with one, and -1 when the namespace has no
 * mappings (bulwark then allocates an unprivileged range) or the id is not
 * mapped. */
const struct oci_idmap_list *bw_user_map(const struct oci_config *c, bool gid)
{
        const struct oci_namespace *ns = oci_config_namespace(c, OCI_NS_USER);
        if (!ns)
                return NULL;
        if (ns->path)
                return gid ? &ns->joined_gid : &ns->joined_uid;
        return gid ? &c->linux->gid_mappings : &c->linux->uid_mappings;
}

int64_t bw_host_uid(const struct oci_config *c, uint32_t uid)
{
        if (!bw_has_ns(c, OCI_NS_USER))
                return uid;
        const struct oci_idmap_list *l = bw_user_map(c, false);
        for (size_t i = 0; i < l->n; i++)
                if (uid >= l->v[i].container_id && uid - l->v[i].container_id < l->v[i].size)
                        return (int64_t)l->v[i].host_id + (uid - l->v[i].container_id);
        return -1;
}

/* --- capabilities ------------------------------------------------------- */

static const char *const set_names[] = { "bounding", "effective", "permitted", "inheritable", "ambient" };

/* The JSON pointer of the first capability set that holds cap. */
static void cap_pointer(const struct oci_config *c, int cap, char *buf, size_t len)
{
        const struct oci_capabilities *k = &c->process->capabilities;
        const struct oci_capset *sets[] = { &k->bounding, &k->effective, &k->permitted, &k->inheritable, &k->ambient };
        snprintf(buf, len, "/process/capabilities");
        for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
                if (sets[i]->mask & (1ULL << cap)) {
                        snprintf(buf, len, "/process/capabilities/%s", set_names[i]);
                        return;
                }
}

/* JSON pointer escaping of a key (RFC 6901): ~ is ~0, / is ~1. */
static void pointer_key(char *buf, size_t len, const char *prefix, const char *key)
{
        size_t n = (size_t)snprintf(buf, len, "%s/", prefix);
        for (const char *k = key; *k && n + 3 < len; k++) {
                if (*k == '~' || *k == '/') {
                        buf[n++] = '~';
                        buf[n++] = *k == '~' ? '0' : '1';
                } else {
                        buf[n++] = *k;
                }
        }
        buf[n < len ? n : len - 1] = 0;
}

int bw_check_cap(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (!(bw_config_caps(c) & (1ULL << r->cap)))
                return 0;
        const struct oci_capabilities *k = &c->process->capabilities;
        const struct { const char *name; const struct oci_capset *s; } sets[] = {
                { "bounding", &k->bounding }, { "effective", &k->effective },
                { "permitted", &k->permitted }, { "inheritable", &k->inheritable },
                { "ambient", &k->ambient },
        };
        char where[128] = "";
        for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
                if (sets[i].s->mask & (1ULL << r->cap)) {
                        if (where[0])
                                strcat(where, ", ");
                        strcat(where, sets[i].name);
                }
        const char *name = oci_cap_name(r->cap);
        char ptr[64];
        cap_pointer(c, r->cap, ptr, sizeof(ptr));
        return bw_findings_add_at(out, r, ptr, name + 4, "%s in %s", name, where);
}

/* Restricted allows only these (docs/security-model.md); the others either have their
 * own rule or are reported by BW030. */
static const int restricted_caps[] = {
        CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE, CAP_SETUID, CAP_SETGID,
        CAP_SETPCAP, CAP_SYS_CHROOT, CAP_FSETID, CAP_SETFCAP,
};

int bw_check_other_caps(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        uint64_t caps = bw_config_caps(c);
        for (int cap = 0; cap <= OCI_CAP_LAST; cap++) {
                if (!(caps & (1ULL << cap)))
                        continue;
                bool known = false;
                for (size_t i = 0; i < ARRAY_SIZE(restricted_caps); i++)
                        known |= restricted_caps[i] == cap;
                for (size_t i = 0; i < bw_n_rules; i++)
                        known |= bw_rules[i].cap == cap;
                if (known)
                        continue;
                const char *name = oci_cap_name(cap);
                char ptr[64];
                cap_pointer(c, cap, ptr, sizeof(ptr));
                int ret = bw_findings_add_at(out, r, ptr, name + 4, "%s", name);
                if (ret < 0)
                        return ret;
        }
        return 0;
}

int bw_check_ptrace_hostpid(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (!(bw_config_caps(c) & (1ULL << CAP_SYS_PTRACE)) || bw_has_own_ns(c, OCI_NS_PID))
                return 0;
        return bw_findings_add_at(out, r, "/linux/namespaces", "SYS_PTRACE", "CAP_SYS_PTRACE with the host's pid namespace");
}

/* --- privileged --------------------------------------------------------- */

/* Every capability Linux had by 4.x (0..CAP_AUDIT_READ): engines that grant
 * "all" may not know the newest ones, so those are not required. */
static bool has_all_caps(const struct oci_config *c)
{
        uint64_t all = (1ULL << (CAP_AUDIT_READ + 1)) - 1;
        return (bw_config_caps(c) & all) == all;
}

static bool masks_removed(const struct oci_config *c)
{
        return !c->linux || bw_strv_len(c->linux->masked_paths) == 0;
}

/* What the device cgroup will hold: the rule list reduced the way the v1
 * controller (and bulwark's v2 program, built from the same reduction)
 * keeps it. No rules at all leave the cgroup as it was made: the kernel
 * lets every device through. Rules that do not parse (create refuses
 * them later) are judged as the worst case. -ENOMEM when memory ran out:
 * an allocation failure is an error, never a finding. */
static int device_set(const struct oci_config *c, struct cg_dev_set *s)
{
        const struct oci_resources *res = c->linux ? &c->linux->resources : NULL;
        int r = res && res->n_devices ? cg_dev_set_from_rules(res->devices, res->n_devices, s, NULL) : -EINVAL;
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                *s = (struct cg_dev_set){ .default_allow = true };
        return 0;
}

/* Whether a deny-all set lets one device be read or written: some
 * exception has its type (or 'a') and each number the device's or any. */
static bool set_allows_rw(const struct cg_dev_set *s, char type, int64_t major, int64_t minor)
{
        bool matched = false;
        for (size_t i = 0; i < s->n && !matched; i++) {
                const struct cg_dev_exc *e = &s->v[i];
                matched = (e->type == 'a' || e->type == type) && (e->major < 0 || e->major == major) &&
                          (e->minor < 0 || e->minor == minor) && (e->access & (CG_DEV_R | CG_DEV_W));
        }
        return matched;
}

/* BW001's "open to host devices": rules that open them on purpose (allow
 * all, a disk such as sda 8:0, /dev/mem 1:1). A config with no rules at
 * all is BW082's alone: harden can close that without refusing. */
static int devices_open_to_all(const struct oci_config *c, bool *open)
{
        *open = false;
        if (!c->linux || !c->linux->resources.n_devices)
                return 0;
        _cleanup_(cg_dev_set_clear) struct cg_dev_set s = { 0 };
        int r = device_set(c, &s);
        if (r < 0)
                return r;
        /* every device, a disk such as sda 8:0, or /dev/mem 1:1 */
        *open = s.default_allow || set_allows_rw(&s, 'b', 8, 0) || set_allows_rw(&s, 'c', 1, 1);
        return 0;
}

int bw_check_privileged(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        bool caps = has_all_caps(c), masks = masks_removed(c), devs;
        int q = devices_open_to_all(c, &devs);
        if (q < 0)
                return q;
        if (caps + masks + devs < 2)
                return 0;
        const char *parts[3] = { caps ? "every capability" : NULL, masks ? "no masked paths" : NULL,
                                 devs ? "device cgroup open to host devices" : NULL };
        char detail[128] = "";
        for (size_t i = 0; i < 3; i++)
                if (parts[i])
                        snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail), "%s%s",
                                 detail[0] ? "; " : "", parts[i]);
        return bw_findings_add_at(out, r, "/process/capabilities", "Privileged|maskedPaths", "%s", detail);
}

/* --- users and user namespaces ------------------------------------------ */

int bw_check_no_userns(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (bw_has_ns(c, OCI_NS_USER))
                return 0;
        return bw_findings_add_at(out, r, "/linux/namespaces", "UsernsMode", "no user namespace in linux.namespaces");
}

/* An unprivileged caller's own ids: [id, id + size) lies in one range it
 * may map (its own id, its subordinate ranges, the ids of the user
 * namespace it runs in) and lands on no real host root. The kernel (and
 * newuidmap) refuse it anything else. */
static bool own_ids(const struct oci_host_ids *h, bool gid, uint32_t id, uint32_t size)
{
        const struct oci_own_ids *v = gid ? h->own_gids : h->own_uids;
        size_t n = gid ? h->n_own_gids : h->n_own_uids;
        if (!h->rootless || size == 0)
                return false;
        for (size_t i = 0; i < n; i++) {
                uint64_t s = v[i].id, e = s + v[i].count;
                if (id < s || (uint64_t)id + size > e)
                        continue;
                return (uint64_t)v[i].host + (id - s) != 0; /* the real ids start above 0 */
        }
        return false;
}

/* joined: the path of a joined user namespace, whose maps these are;
 * the finding then points at that path (the config has no such mapping). */
static int host_root_in(const struct bw_rule *r, const struct oci_config *c, const struct oci_idmap_list *l,
                        const char *what, const struct oci_namespace *joined, struct bw_findings *out)
{
        for (size_t i = 0; i < l->n; i++) {
                if (l->v[i].host_id != 0 || l->v[i].size == 0)
                        continue;
                /* Rootless Podman's namespace: its id 0 is the user, not host root. */
                if (own_ids(&c->host_ids, what[0] == 'g', 0, l->v[i].size))
                        continue;
                char ptr[64];
                int ret;
                if (joined) {
                        snprintf(ptr, sizeof(ptr), "/linux/namespaces/%zu/path", (size_t)(joined - c->linux->namespaces));
                        ret = bw_findings_add_at(out, r, ptr, joined->path,
                                                 "the joined user namespace %s maps container %" PRIu32
                                                 " to host 0 in its %s (size %" PRIu32 ")",
                                                 joined->path, l->v[i].container_id,
                                                 what[0] == 'u' ? "uid_map" : "gid_map", l->v[i].size);
                } else {
                        snprintf(ptr, sizeof(ptr), "/linux/%s/%zu", what, i);
                        ret = bw_findings_add_at(out, r, ptr, NULL, "%s maps container %" PRIu32 " to host 0 (size %" PRIu32 ")",
                                                 what, l->v[i].container_id, l->v[i].size);
                }
                if (ret < 0)
                        return ret;
        }
        return 0;
}

/* A user namespace joined by path is judged by its real maps (ns->joined_*,
 * read by the runtime); the config's uidMappings do not apply to it. */
int bw_check_host_root_mapped(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        const struct oci_namespace *ns = oci_config_namespace(c, OCI_NS_USER);
        if (!ns)
                return 0;
        const struct oci_namespace *joined = ns->path ? ns : NULL;
        int ret = host_root_in(r, c, bw_user_map(c, false), "uidMappings", joined, out);
        if (ret < 0)
                return ret;
        return host_root_in(r, c, bw_user_map(c, true), "gidMappings", joined, out);
}

int bw_check_joined_userns_unread(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        const struct oci_namespace *ns = oci_config_namespace(c, OCI_NS_USER);
        if (!ns || !ns->path || ns->joined_read)
                return 0;
        char ptr[64];
        snprintf(ptr, sizeof(ptr), "/linux/namespaces/%zu/path", (size_t)(ns - c->linux->namespaces));
        return bw_findings_add_at(out, r, ptr, ns->path,
                                  "the user namespace %s could not be opened and read (its uid_map and gid_map "
                                  "decide what the container's ids are on the host)",
                                  ns->path);
}

/* [lo, hi) lies inside the union of the subordinate ranges (mappable
 * only: those of the users engines take ranges from, or that the policy
 * file names; all: every user's). */
static bool in_subids(const struct oci_host_ids *h, bool gid, uint64_t lo, uint64_t hi, bool mappable)
{
        const struct oci_subid_span *v = gid ? h->sub_gids : h->sub_uids;
        size_t n = gid ? h->n_sub_gids : h->n_sub_uids;
        for (bool grew = true; lo < hi && grew;) {
                grew = false;
                for (size_t i = 0; i < n; i++) {
                        uint64_t s = v[i].start, e = s + v[i].count;
                        if ((v[i].mappable || !mappable) && s <= lo && lo < e) {
                                lo = e;
                                grew = true;
                        }
                }
        }
        return lo >= hi;
}

/* The first user not mappable whose range [lo, hi) overlaps, for the message. */
static const char *other_owner(const struct oci_host_ids *h, bool gid, uint64_t lo, uint64_t hi)
{
        const struct oci_subid_span *v = gid ? h->sub_gids : h->sub_uids;
        size_t n = gid ? h->n_sub_gids : h->n_sub_uids;
        for (size_t i = 0; i < n; i++) {
                uint64_t s = v[i].start, e = s + v[i].count;
                if (!v[i].mappable && lo < e && s < hi)
                        return v[i].owner[0] ? v[i].owner : "?";
        }
        return "?";
}

/* [lo, hi) lies inside the range of one live container. */
static bool in_live_range(const struct oci_host_ids *h, bool gid, uint64_t lo, uint64_t hi)
{
        for (size_t k = 0; k < h->n_ranges; k++) {
                const struct oci_host_range *hr = &h->ranges[k];
                uint64_t s = gid ? hr->gid : hr->uid, e = s + hr->size;
                if (!hr->bulwark && s <= lo && hi <= e)
                        return true;
        }
        return false;
}

/* What a mapping lands on. Host id 0 alone is BW041's. Ids below 65,536
 * are the host's system and ordinary users (and their files: /etc/shadow's
 * group, home directories); ids of /etc/passwd or /etc/group users
 * anywhere; a live container's range is that container's files and
 * processes; bulwark's own subordinate ids are the ranges it hands out.
 * As root, every other id must also lie in a subordinate range of
 * /etc/subuid or /etc/subgid: ids no user was given may be anyone's (an
 * LDAP or NFS user's, files of another runtime's containers), and nothing
 * on this host says they are free. A rootless caller's own id and its
 * subordinate ranges are its own: the rest is for bulwark as root.
 * joined: the user namespace joined by path whose real maps these are;
 * a namespace whose map lies in a live container's range is that
 * container's (a pod sharing it), not a mapping onto it. */
static int onto_host_ids(const struct bw_rule *r, const struct oci_config *c, const struct oci_idmap_list *l,
                         bool gid, const char *base, const struct oci_namespace *joined, struct bw_findings *out)
{
        const struct oci_host_ids *h = &c->host_ids;
        const char *what = gid ? "gid" : "uid";
        for (size_t i = 0; i < l->n; i++) {
                uint64_t lo = l->v[i].host_id, hi = lo + l->v[i].size; /* [lo, hi) */
                if (lo == 0)
                        lo = 1;
                if (lo >= hi)
                        continue;
                uint32_t self = gid ? h->self_gid : h->self_uid;
                if (h->rootless && l->v[i].host_id == self && l->v[i].size == 1)
                        continue;
                if (own_ids(h, gid, l->v[i].host_id, l->v[i].size))
                        continue;
                if (joined && in_live_range(h, gid, lo, hi))
                        continue;
                char ptr[96], detail[320] = "";
                if (lo < BW_HOST_IDS_RESERVED) {
                        snprintf(detail, sizeof(detail), "host %ss %" PRIu64 "-%" PRIu64 ", below %u (the host's system "
                                 "and ordinary users)", what, lo, (hi < BW_HOST_IDS_RESERVED ? hi : BW_HOST_IDS_RESERVED) - 1,
                                 BW_HOST_IDS_RESERVED);
                }
                const uint32_t *ids = gid ? h->gids : h->uids;
                size_t n = gid ? h->n_gids : h->n_uids;
                for (size_t k = 0; !detail[0] && k < n; k++)
                        if (ids[k] >= lo && ids[k] < hi && !(h->rootless && ids[k] == self))
                                snprintf(detail, sizeof(detail), "host %s %" PRIu32 ", a %s of the host's /etc/%s", what,
                                         ids[k], gid ? "group" : "user", gid ? "group" : "passwd");
                for (size_t k = 0; !detail[0] && k < h->n_ranges; k++) {
                        const struct oci_host_range *hr = &h->ranges[k];
                        uint64_t s = gid ? hr->gid : hr->uid, e = s + hr->size;
                        if (lo < e && s < hi && hr->bulwark)
                                snprintf(detail, sizeof(detail), "host %ss %" PRIu64 "-%" PRIu64 ", bulwark's subordinate "
                                         "ids (its volume range and the ranges it gives containers)", what, s, e - 1);
                        else if (lo < e && s < hi)
                                snprintf(detail, sizeof(detail), "host %ss %" PRIu64 "-%" PRIu64 ", the id range of live "
                                         "container %s", what, s, e - 1, hr->owner ? hr->owner : "?");
                }
                if (!detail[0] && h->rootless && (gid ? h->n_own_gids : h->n_own_uids))
                        snprintf(detail, sizeof(detail), "host %ss %" PRIu64 "-%" PRIu64 ", not the caller's: an "
                                 "unprivileged runtime may map only its own %s and its own subordinate ranges (another "
                                 "user's ranges hold that user's containers' files)", what, lo, hi - 1, what);
                if (!detail[0] && h->gathered && !h->rootless && !h->subids_read)
                        snprintf(detail, sizeof(detail), "host %ss %" PRIu64 "-%" PRIu64 ", which cannot be told to lie in "
                                 "a subordinate range: /etc/sub%s could not be read", what, lo, hi - 1, what);
                else if (!detail[0] && h->gathered && !h->rootless && !in_subids(h, gid, lo, hi, false))
                        snprintf(detail, sizeof(detail), "host %ss %" PRIu64 "-%" PRIu64 ", outside every subordinate "
                                 "range of /etc/sub%s (ids given to no user may be anyone's: an LDAP or NFS user's, "
                                 "another runtime's files)", what, lo, hi - 1, what);
                else if (!detail[0] && h->gathered && !h->rootless && !in_subids(h, gid, lo, hi, true))
                        snprintf(detail, sizeof(detail), "host %ss %" PRIu64 "-%" PRIu64 ", user %s's subordinate ids "
                                 "in /etc/sub%s (its own containers' files and processes; only the ranges of root, "
                                 "dockremap, containers, kubelet and the policy file's mappableSubidUsers may be mapped)",
                                 what, lo, hi - 1, other_owner(h, gid, lo, hi), what);
                if (!detail[0])
                        continue;
                int ret;
                if (joined) {
                        snprintf(ptr, sizeof(ptr), "/linux/namespaces/%zu/path", (size_t)(joined - c->linux->namespaces));
                        ret = bw_findings_add_at(out, r, ptr, joined->path,
                                                 "the joined user namespace %s, in its %s_map, maps container %" PRIu32
                                                 "-%" PRIu64 " onto %s", joined->path, what, l->v[i].container_id,
                                                 (uint64_t)l->v[i].container_id + l->v[i].size - 1, detail);
                } else {
                        snprintf(ptr, sizeof(ptr), "%s/%zu", base, i);
                        ret = bw_findings_add_at(out, r, ptr, NULL, "%s[%zu] maps container %" PRIu32 "-%" PRIu64 " onto %s",
                                                 base + 1, i, l->v[i].container_id,
                                                 (uint64_t)l->v[i].container_id + l->v[i].size - 1, detail);
                }
                if (ret < 0)
                        return ret;
        }
        return 0;
}

/* A user namespace joined by path is judged by its real maps (read by the
 * runtime); the config's uidMappings are then not written. */
int bw_check_mapping_onto_host_ids(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        const struct oci_namespace *ns = oci_config_namespace(c, OCI_NS_USER);
        int ret = 0;
        if (ns && ns->path && ns->joined_read &&
            ((ret = onto_host_ids(r, c, &ns->joined_uid, false, NULL, ns, out)) < 0 ||
             (ret = onto_host_ids(r, c, &ns->joined_gid, true, NULL, ns, out)) < 0))
                return ret;
        if (ns && !ns->path &&
            ((ret = onto_host_ids(r, c, &c->linux->uid_mappings, false, "/linux/uidMappings", NULL, out)) < 0 ||
             (ret = onto_host_ids(r, c, &c->linux->gid_mappings, true, "/linux/gidMappings", NULL, out)) < 0))
                return ret;
        for (size_t m = 0; m < c->n_mounts; m++) {
                char u[64], g[64];
                snprintf(u, sizeof(u), "/mounts/%zu/uidMappings", m);
                snprintf(g, sizeof(g), "/mounts/%zu/gidMappings", m);
                if ((ret = onto_host_ids(r, c, &c->mounts[m].uid_mappings, false, u, NULL, out)) < 0 ||
                    (ret = onto_host_ids(r, c, &c->mounts[m].gid_mappings, true, g, NULL, out)) < 0)
                        return ret;
        }
        return 0;
}

int bw_check_host_root_process(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (!c->process || bw_host_uid(c, c->process->user.uid) != 0)
                return 0;
        /* Rootless: id 0 of the namespace bulwark runs in is its user. */
        if (own_ids(&c->host_ids, false, 0, 1))
                return 0;
        return bw_findings_add_at(out, r, "/process/user/uid", "\"User\"", "process.user.uid %" PRIu32 " is uid 0 on the host%s",
                               c->process->user.uid,
                               !bw_has_ns(c, OCI_NS_USER)                       ? " (no user namespace)"
                               : oci_config_namespace(c, OCI_NS_USER)->path ? " (mapped by the joined user namespace's uid_map)"
                                                                              : " (mapped by uidMappings)");
}

/* --- seccomp ------------------------------------------------------------ */

int bw_check_seccomp_absent(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (c->linux && c->linux->seccomp)
                return 0;
        return bw_findings_add_at(out, r, "/linux/seccomp", "seccomp", "no linux.seccomp section: every system call is allowed");
}

static bool action_lets_through(enum oci_seccomp_action a)
{
        /* NOTIFY hands the decision to a userspace supervisor, which may
         * well say yes: not a block. */
        return a == OCI_SECCOMP_ALLOW || a == OCI_SECCOMP_LOG || a == OCI_SECCOMP_NOTIFY;
}

static bool seccomp_unconfined(const struct oci_seccomp *s)
{
        if (!action_lets_through(s->default_action))
                return false;
        for (size_t i = 0; i < s->n_syscalls; i++)
                if (!action_lets_through(s->syscalls[i].action))
                        return false;
        return true;
}

int bw_check_seccomp_unconfined(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (!c->linux || !c->linux->seccomp || !seccomp_unconfined(c->linux->seccomp))
                return 0;
        /* A filter stacked on it confines what this one lets through. */
        if (c->linux->seccomp_stacked && !seccomp_unconfined(c->linux->seccomp_stacked))
                return 0;
        return bw_findings_add_at(out, r, "/linux/seccomp/defaultAction", NULL, "defaultAction %s and no rule blocks anything",
                               oci_seccomp_action_name(c->linux->seccomp->default_action));
}

/* What container breakouts and kernel exploits reach for: the mount API,
 * namespace creation and entry, kernel modules and kexec, handles that
 * escape bind mounts, eBPF, keyrings, userfaultfd (exploit timing),
 * io_uring (a long record of kernel exploits; Docker's profile dropped it),
 * perf, raw I/O ports, reboot and swap. clone and clone3 create
 * namespaces as unshare does. Docker's default profile blocks all of them
 * unless the matching capability is added. ptrace is left out: Docker
 * allows it on kernels >= 4.8, where it is safe. */
const char *const bw_breakout_syscalls[] = {
        "mount", "umount2", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount",
        "open_tree", "mount_setattr", "pivot_root", "unshare", "setns", "clone", "clone3",
        "open_by_handle_at", "init_module", "finit_module", "delete_module",
        "kexec_load", "kexec_file_load", "bpf", "keyctl", "add_key", "request_key",
        "userfaultfd", "perf_event_open", "iopl", "ioperm", "reboot", "swapon",
        "swapoff", "lookup_dcookie", "quotactl", "io_uring_setup", "io_uring_enter",
        "io_uring_register", NULL,
};

/* The namespace flags of clone() and unshare() (CLONE_NEWNS, NEWCGROUP,
 * NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET: 0x7E020000, Docker's mask). */
#define BW_CLONE_NS_FLAGS 0x7E020000ULL

/* Where the flags are: unshare(flags), clone(flags, ...) except on s390,
 * which passes the stack first. clone3 keeps them in memory, out of the
 * filter's reach: no condition on it proves anything. */
static int ns_flags_arg(const char *name)
{
        if (strcmp(name, "unshare") == 0)
                return 0;
        if (strcmp(name, "clone") == 0) {
#if defined(__s390x__) || defined(__s390__)
                return 1;
#else
                return 0;
#endif
        }
        return -1;
}

/* Whether a conditional rule provably lets the syscall through only
 * without namespace flags. Conditions are ANDed, so one condition
 * `flags & mask == value` with every namespace bit in mask and none in
 * value is proof (Docker's clone rule). Anything else is not. */
static bool conditional_allow_is_safe(const struct oci_seccomp_syscall *sc, const char *name)
{
        int idx = ns_flags_arg(name);
        if (idx < 0)
                return false;
        for (size_t i = 0; i < sc->n_args; i++) {
                const struct oci_seccomp_arg *a = &sc->args[i];
                if (a->op == OCI_SECCOMP_MASKED_EQ && a->index == (uint32_t)idx &&
                    (a->value & BW_CLONE_NS_FLAGS) == BW_CLONE_NS_FLAGS && (a->value_two & BW_CLONE_NS_FLAGS) == 0)
                        return true;
        }
        return false;
}

/* Whether a filter can let a syscall through. The last argument-free rule
 * naming it decides, else the default action; a conditional rule that
 * lets it through counts as letting it through (some arguments pass)
 * unless its conditions provably exclude the dangerous use (see
 * conditional_allow_is_safe); a conditional block under an allowing
 * decision stops only some calls, so it does not count. */
bool bw_seccomp_allows(const struct oci_seccomp *s, const char *name)
{
        bool decided = false, allowed = false, conditional = false;
        for (size_t i = 0; i < s->n_syscalls; i++) {
                const struct oci_seccomp_syscall *sc = &s->syscalls[i];
                if (!bw_strv_contains(sc->names, name))
                        continue;
                if (sc->n_args) {
                        conditional |= action_lets_through(sc->action) && !conditional_allow_is_safe(sc, name);
                        continue;
                }
                decided = true;
                allowed = action_lets_through(sc->action);
        }
        return conditional || (decided ? allowed : action_lets_through(s->default_action));
}

static int cmp_name(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The breakout list sorted once, each with its place in the list. */
struct breakout_entry {
        const char *name;
        size_t index;
};
#define N_BREAKOUT (sizeof(bw_breakout_syscalls) / sizeof(bw_breakout_syscalls[0]) - 1)
static struct breakout_entry sorted_breakout[N_BREAKOUT];

static int cmp_entry(const void *a, const void *b)
{
        return cmp_name(&((const struct breakout_entry *)a)->name, &((const struct breakout_entry *)b)->name);
}

static void sort_breakout(void)
{
        if (sorted_breakout[0].name)
                return;
        for (size_t i = 0; i < N_BREAKOUT; i++)
                sorted_breakout[i] = (struct breakout_entry){ bw_breakout_syscalls[i], i };
        qsort(sorted_breakout, N_BREAKOUT, sizeof(sorted_breakout[0]), cmp_entry);
}

int bw_check_seccomp_breakout(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        const struct oci_seccomp *s = c->linux ? c->linux->seccomp : NULL;
        const struct oci_seccomp *stacked = c->linux ? c->linux->seccomp_stacked : NULL;
        if (!s || (seccomp_unconfined(s) && (!stacked || seccomp_unconfined(stacked))))
                return 0; /* BW050/BW051 say it already */
        /* One pass over the profile (it names ~350 syscalls), the same
         * decision as bw_seccomp_allows for each listed one: the last
         * argument-free rule naming it wins, else the default action, and
         * a conditional allow not proven safe lets it through. */
        sort_breakout();
        signed char allowed[N_BREAKOUT];
        bool conditional[N_BREAKOUT];
        memset(allowed, -1, sizeof(allowed));
        memset(conditional, 0, sizeof(conditional));
        for (size_t i = 0; i < s->n_syscalls; i++) {
                const struct oci_seccomp_syscall *sc = &s->syscalls[i];
                bool through = action_lets_through(sc->action);
                if (sc->n_args && !through)
                        continue;
                for (char **n = sc->names; n && *n; n++) {
                        struct breakout_entry key = { *n, 0 };
                        const struct breakout_entry *e =
                                bsearch(&key, sorted_breakout, N_BREAKOUT, sizeof(key), cmp_entry);
                        if (!e)
                                continue;
                        if (!sc->n_args)
                                allowed[e->index] = through;
                        else if (!conditional_allow_is_safe(sc, e->name))
                                conditional[e->index] = true;
                }
        }
        bool by_default = action_lets_through(s->default_action);
        char list[1024] = "";
        const char *first = NULL;
        for (size_t i = 0; i < N_BREAKOUT; i++) {
                if (!conditional[i] && !(allowed[i] < 0 ? by_default : allowed[i]))
                        continue;
                /* Stacked filters: the kernel lets a call through only
                 * when both do. */
                if (stacked && !bw_seccomp_allows(stacked, bw_breakout_syscalls[i]))
                        continue;
                if (!first)
                        first = bw_breakout_syscalls[i];
                if (list[0])
                        strcat(list, ", ");
                strcat(list, bw_breakout_syscalls[i]);
        }
        if (!first)
                return 0;
        char needle[64];
        snprintf(needle, sizeof(needle), "\"%s\"", first);
        return bw_findings_add_at(out, r, "/linux/seccomp/syscalls", needle, "allows %s", list);
}

int bw_check_no_new_privs(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (!c->process || c->process->no_new_privileges)
                return 0;
        return bw_findings_add_at(out, r, "/process/noNewPrivileges", "no-new-privileges", "process.noNewPrivileges is false");
}

/* BW078: a process that asks its LSM to leave it unconfined. The type of
 * an SELinux context is its third field (user:role:type:level). */
static bool selinux_unconfined(const char *label)
{
        const char *t = label ? strchr(label, ':') : NULL;
        t = t ? strchr(t + 1, ':') : NULL;
        if (!t)
                return false;
        t++;
        size_t n = strcspn(t, ":");
        return (n == 12 && strncmp(t, "unconfined_t", n) == 0) || (n == 5 && strncmp(t, "spc_t", n) == 0);
}

int bw_check_lsm_unconfined(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        const struct oci_process *p = c->process;
        if (!p)
                return 0;
        if (p->apparmor_profile && strcmp(p->apparmor_profile, "unconfined") == 0) {
                int ret = bw_findings_add_at(out, r, "/process/apparmorProfile", "unconfined",
                                             "process.apparmorProfile is unconfined");
                if (ret < 0)
                        return ret;
        }
        if (selinux_unconfined(p->selinux_label))
                return bw_findings_add_at(out, r, "/process/selinuxLabel", p->selinux_label,
                                          "process.selinuxLabel %s is an unconfined type", p->selinux_label);
        return 0;
}

/* --- namespaces --------------------------------------------------------- */

static const struct { int type; const char *needle; } ns_rules[] = {
        [0] = { OCI_NS_PID, "PidMode" }, [1] = { OCI_NS_NETWORK, "NetworkMode" },
        [2] = { OCI_NS_IPC, "IpcMode" }, [3] = { OCI_NS_UTS, "UTSMode" },
        [4] = { OCI_NS_CGROUP, "CgroupnsMode" }, [5] = { OCI_NS_MOUNT, NULL },
};

/* r->cap carries the namespace type for these rules. A namespace joined
 * by a path that is the host's own (Docker's --network host: a bind of
 * the host's netns) is the host's too; the runtime marks it (ns->host). */
int bw_check_host_ns(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        enum oci_ns_type t = (enum oci_ns_type)r->cap;
        if (bw_has_own_ns(c, t))
                return 0;
        const struct oci_namespace *ns = oci_config_namespace(c, t);
        const char *needle = NULL;
        for (size_t i = 0; i < ARRAY_SIZE(ns_rules); i++)
                if (ns_rules[i].type == (int)t)
                        needle = ns_rules[i].needle;
        if (ns) {
                char ptr[64];
                snprintf(ptr, sizeof(ptr), "/linux/namespaces/%zu/path", (size_t)(ns - c->linux->namespaces));
                return bw_findings_add_at(out, r, ptr, ns->path, "the %s namespace %s is the host's own",
                                          oci_ns_type_name(t), ns->path);
        }
        return bw_findings_add_at(out, r, "/linux/namespaces", needle, "no %s namespace: the container shares the host's",
                               oci_ns_type_name(t));
}

/* The mount namespace named by path: whatever it is (the host's, another
 * container's, a file that is not one), the container's mounts and
 * bulwark's idmapped views would be made in it, outside the container. */
int bw_check_mount_ns_path(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        const struct oci_namespace *ns = oci_config_namespace(c, OCI_NS_MOUNT);
        if (!ns || !ns->path)
                return 0;
        char ptr[64];
        snprintf(ptr, sizeof(ptr), "/linux/namespaces/%zu/path", (size_t)(ns - c->linux->namespaces));
        return bw_findings_add_at(out, r, ptr, ns->path, "the mount namespace is joined by path %s", ns->path);
}

static bool has_mount_type(const struct oci_config *c, const char *type)
{
        for (size_t i = 0; i < c->n_mounts; i++)
                if (c->mounts[i].type && strcmp(c->mounts[i].type, type) == 0)
                        return true;
        return false;
}

const char *bw_join_needs_owner(const struct oci_config *c, const struct oci_namespace *ns)
{
        switch (ns->type) {
        case OCI_NS_PID:
                return has_mount_type(c, "proc") ? "mounting a new /proc for it" : NULL;
        case OCI_NS_IPC:
                return has_mount_type(c, "mqueue") ? "mounting an mqueue filesystem for it" : NULL;
        case OCI_NS_UTS:
                return (c->hostname && *c->hostname) || (c->domainname && *c->domainname) ? "setting the hostname in it" : NULL;
        case OCI_NS_NETWORK:
                for (size_t i = 0; c->linux && i < c->linux->sysctl.n; i++)
                        if (strncmp(c->linux->sysctl.v[i].key, "net.", 4) == 0)
                                return "writing its net.* sysctls";
                return NULL;
        default:
                return NULL;
        }
}

/* A new user namespace has no privilege over a namespace that another
 * user namespace owns: the kernel refuses what the config then asks of
 * it. Judged on the owner the runtime found (ns->owner); an owner not
 * looked at (audit) is not judged. */
int bw_check_unowned_join(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        const struct oci_namespace *user = oci_config_namespace(c, OCI_NS_USER);
        if (!user || user->path)
                return 0;
        for (size_t i = 0; c->linux && i < c->linux->n_namespaces; i++) {
                const struct oci_namespace *ns = &c->linux->namespaces[i];
                const char *need = ns->path ? bw_join_needs_owner(c, ns) : NULL;
                if (!need || ns->owner == OCI_NS_OWNER_UNKNOWN)
                        continue;
                char ptr[64], owner[160];
                snprintf(ptr, sizeof(ptr), "/linux/namespaces/%zu/path", i);
                if (ns->owner == OCI_NS_OWNER_HOST)
                        snprintf(owner, sizeof(owner), "the host's user namespace");
                else if (ns->owner == OCI_NS_OWNER_CONTAINER)
                        snprintf(owner, sizeof(owner), "the user namespace of container %s",
                                 ns->owner_container ? ns->owner_container : "?");
                else
                        snprintf(owner, sizeof(owner), "a user namespace that is neither the host's nor a bulwark container's");
                int ret = bw_findings_add_at(out, r, ptr, ns->path,
                                             "the %s namespace %s belongs to %s; the container's new user namespace "
                                             "has no privilege over it, so %s would fail",
                                             oci_ns_type_name(ns->type), ns->path, owner, need);
                if (ret < 0)
                        return ret;
        }
        return 0;
}

/* The pod sandbox the engine says this container belongs to: containerd's
 * CRI plugin writes the sandbox's container id here. A bundle's author can
 * write it too: it is believed as far as the engine that wrote the bundle is. */
#define BW_CRI_SANDBOX_ID "io.kubernetes.cri.sandbox-id"

static const char *annotation(const struct oci_config *c, const char *key)
{
        for (size_t i = 0; i < c->annotations.n; i++)
                if (strcmp(c->annotations.v[i].key, key) == 0)
                        return c->annotations.v[i].value;
        return NULL;
}

/* A namespace joined by path that belongs to another live bulwark
 * container (its user namespace owns it, or it is that user namespace):
 * the container is put among that container's processes and ids. Judged
 * on the owner the runtime found (ns->owner); audit does not look. Not
 * when the config declares that container as its pod's sandbox. */
int bw_check_joins_other_container(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        const char *sandbox = annotation(c, BW_CRI_SANDBOX_ID);
        for (size_t i = 0; c->linux && i < c->linux->n_namespaces; i++) {
                const struct oci_namespace *ns = &c->linux->namespaces[i];
                if (!ns->path)
                        continue;
                char ptr[64];
                snprintf(ptr, sizeof(ptr), "/linux/namespaces/%zu/path", i);
                if (ns->owner == OCI_NS_OWNER_OTHER) {
                        /* neither the host's nor one of this state root's
                         * containers: another root's container, another
                         * runtime's, or any process's */
                        int ret = bw_findings_add_at(out, r, ptr, ns->path,
                                                     "the %s namespace %s belongs to a user namespace that is neither "
                                                     "the host's nor one of this state root's containers' (a container "
                                                     "of another --root or another runtime, or another process's)",
                                                     oci_ns_type_name(ns->type), ns->path);
                        if (ret < 0)
                                return ret;
                        continue;
                }
                if (ns->owner != OCI_NS_OWNER_CONTAINER || !ns->owner_container)
                        continue;
                if (sandbox && strcmp(sandbox, ns->owner_container) == 0)
                        continue;
                int ret = bw_findings_add_at(out, r, ptr, ns->path,
                                             "the %s namespace %s belongs to container %s, and the config does not "
                                             "declare that container as its pod's sandbox (annotation %s)",
                                             oci_ns_type_name(ns->type), ns->path, ns->owner_container,
                                             BW_CRI_SANDBOX_ID);
                if (ret < 0)
                        return ret;
        }
        return 0;
}

/* --- host mounts -------------------------------------------------------- */

/* Where engines listen (rootful and rootless). A bind of one of these, or
 * of a directory at or above one (/run, /var/run, /run/docker), hands the
 * container the engine: connect() needs no write permission on the mount. */
const char *const bw_engine_socket_paths[] = {
        "/run/docker.sock", "/var/run/docker.sock",
        "/run/docker/containerd/containerd.sock", "/var/run/docker/containerd/containerd.sock",
        "/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock",
        "/run/crio/crio.sock", "/var/run/crio/crio.sock",
        "/run/podman/podman.sock", "/var/run/podman/podman.sock",
        "/run/buildkit/buildkitd.sock", "/var/run/buildkit/buildkitd.sock",
        "/run/cri-dockerd.sock", "/var/run/cri-dockerd.sock",
        "/run/dockershim.sock", "/var/run/dockershim.sock",
        "/run/user/*/docker.sock", "/run/user/*/podman/podman.sock",
        NULL,
};

static const char *const engine_sockets[] = {
        "docker.sock", "containerd.sock", "crio.sock", "podman.sock", "dockershim.sock",
        "cri-dockerd.sock", "buildkitd.sock", "containerd-shim.sock", NULL,
};

bool bw_is_engine_socket(const char *src)
{
        if (!src)
                return false;
        const char *base = strrchr(src, '/');
        base = base ? base + 1 : src;
        return bw_strv_contains((char **)engine_sockets, base);
}

/* The path the policy judges: the canonical path the runtime found on
 * this host, else (audit of a config from elsewhere) the text normalised
 * lexically. malloc'd. */
static char *judged_source(const struct oci_mount *m)
{
        return m->src.resolved && m->src.path ? strdup(m->src.path) : bw_path_lexical(m->source);
}

/* The known engine socket path at or under p, if any. */
static const char *holds_known_socket(const char *p)
{
        if (!p || p[0] != '/')
                return NULL;
        for (size_t i = 0; bw_engine_socket_paths[i]; i++) {
                const char *q = bw_engine_socket_paths[i];
                if (strcmp(p, "/") == 0)
                        return q;
                /* p is at or above q when a leading part of q matches p. */
                char prefix[PATH_MAX];
                for (size_t k = 1; q[k - 1]; k++) {
                        if (q[k] != '/' && q[k] != 0)
                                continue;
                        if (k >= sizeof(prefix))
                                break;
                        memcpy(prefix, q, k);
                        prefix[k] = 0;
                        if (fnmatch(prefix, p, FNM_PATHNAME) == 0)
                                return q;
                }
        }
        return NULL;
}

/* What the runtime found does not rule it out (audit: nothing found). */
static bool may_be_socket(const struct oci_mount *m)
{
        return !m->src.resolved || S_ISSOCK(m->src.mode);
}

static bool may_hold(const struct oci_mount *m)
{
        return !m->src.resolved || S_ISDIR(m->src.mode);
}

/* Is the source itself an engine socket (by identity on this host, or by
 * name)? Returns the socket's path, or NULL. */
static const char *source_is_engine_socket(const struct oci_mount *m, const char *judged)
{
        if (m->src.engine_socket && S_ISSOCK(m->src.mode))
                return m->src.engine_socket;
        if (!may_be_socket(m))
                return NULL;
        if (bw_is_engine_socket(judged))
                return judged;
        if (m->src.written && bw_is_engine_socket(m->src.written))
                return m->src.written;
        const char *q = holds_known_socket(judged);
        return q && bw_is_engine_socket(judged) ? q : NULL;
}

/* The engine socket the bind gives the container: the source itself, or
 * a socket at or under the directory it binds. */
static const char *engine_socket_of(const struct oci_mount *m, const char *judged)
{
        const char *s = source_is_engine_socket(m, judged);
        if (s)
                return s;
        if (m->src.engine_socket)
                return m->src.engine_socket;
        return may_hold(m) ? holds_known_socket(judged) : NULL;
}

/* How a finding names the source: as written, what it is when that
 * differs, and whether it was resolved on this host. */
static void describe_source(const struct oci_mount *m, const char *judged, char *buf, size_t len)
{
        const char *written = m->src.written ? m->src.written : m->source;
        if (strcmp(written, judged) != 0)
                snprintf(buf, len, "%s (%s %s)", written, m->src.resolved ? "on this host" : "read as", judged);
        else
                snprintf(buf, len, "%s", written);
}

/* audit of a config from elsewhere: when the text is not a plain absolute
 * path, the finding says that it was read, not resolved. */
static const char *unresolved_note(const struct oci_mount *m, const char *judged)
{
        if (m->src.resolved || strcmp(judged, m->source) == 0)
                return "";
        return "; not resolved on this host: judged by its text";
}

/* The rootfs as the kernel will see it: a bind of root.path at /, read-only
 * or not, with what the runtime found on this host (c->root.src). Borrows
 * from c. */
static bool root_as_mount(const struct oci_config *c, struct oci_mount *m)
{
        static char *const ro[] = { "rbind", "ro", NULL }, *const rw[] = { "rbind", "rw", NULL };
        if (!c->has_root || !c->root.path || !*c->root.path)
                return false;
        *m = (struct oci_mount){ .destination = (char *)"/", .type = (char *)"bind", .source = c->root.path,
                                 .options = (char **)(c->root.readonly ? ro : rw), .src = c->root.src };
        return true;
}

static int root_engine_socket(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        struct oci_mount m;
        if (!root_as_mount(c, &m))
                return 0;
        _cleanup_free_ char *judged = judged_source(&m);
        if (!judged)
                return -ENOMEM;
        const char *sock = m.src.engine_socket ? m.src.engine_socket : holds_known_socket(judged);
        if (!sock || judged[0] != '/')
                return 0;
        char what[2 * PATH_MAX + 32];
        describe_source(&m, judged, what, sizeof(what));
        return bw_findings_add_at(out, r, "/root/path", m.src.written ? m.src.written : m.source,
                                  "root.path %s holds %s: the container's / reaches it%s", what, sock,
                                  unresolved_note(&m, judged));
}

int bw_check_engine_socket(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                if (!bw_mount_is_bind(m) || !m->source)
                        continue;
                _cleanup_free_ char *judged = judged_source(m);
                if (!judged)
                        return -ENOMEM;
                const char *sock = engine_socket_of(m, judged);
                if (!sock)
                        continue;
                char ptr[64], what[2 * PATH_MAX + 32], holds[PATH_MAX + 32] = "";
                snprintf(ptr, sizeof(ptr), "/mounts/%zu/source", i);
                describe_source(m, judged, what, sizeof(what));
                if (strcmp(sock, judged) != 0 && (!m->src.written || strcmp(sock, m->src.written) != 0))
                        snprintf(holds, sizeof(holds), S_ISSOCK(m->src.mode) ? " (the engine socket %s)" : " (holds %s)", sock);
                int ret = bw_findings_add_at(out, r, ptr, m->src.written ? m->src.written : m->source,
                                             "%s%s mounted at %s%s%s", what, holds,
                                             m->destination ? m->destination : "?",
                                             bw_mount_is_ro(m) ? " (read-only, which does not stop connect())" : "",
                                             unresolved_note(m, judged));
                if (ret < 0)
                        return ret;
        }
        return root_engine_socket(r, c, out);
}

/* Host trees a container must not get: a bind at, inside or above one
 * (binding / or /var exposes /etc or /var/lib/docker) is sensitive. */
static const char *const sensitive_trees[] = {
        "/proc", "/sys", "/dev", "/etc", "/boot", "/root", "/usr", "/bin", "/sbin",
        "/lib", "/lib32", "/lib64", "/libx32", "/run", "/var/run", "/var/log", "/var/spool/cron",
        "/var/lib/docker", "/var/lib/containerd", "/var/lib/containers", "/var/lib/kubelet",
        NULL,
};
/* Trees sensitive only whole: /home holds every user's home, but one
 * user's project directory inside it is an ordinary volume. */
static const char *const sensitive_whole[] = { "/home", NULL };

/* Engines bind per-container files from their own state directories:
 * Docker's resolv.conf/hosts/hostname/shm and named volumes, Podman's,
 * kubelet's pod volumes, CRI's sandbox files, Podman's userdata (rootful
 * and rootless, in the user's runtime directory). Those
 * belong to the container, not to the host. */
static const char *const engine_owned[] = {
        "/var/lib/docker/containers/*/*", "/var/lib/docker/*.*/containers/*/*",
        "/var/lib/docker/volumes/*/_data", "/var/lib/docker/*.*/volumes/*/_data",
        "/var/lib/containers/storage/volumes/*/_data",
        "/var/lib/containers/storage/overlay-containers/*/userdata/*",
        "/var/lib/kubelet/pods/*/*",
        "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/*/*",
        "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/*/*",
        "/var/run/containerd/io.containerd.grpc.v1.cri/sandboxes/*/*",
        "/run/containers/storage/overlay-containers/*/userdata/*",
        "/run/user/*/containers/*-containers/*/userdata/*", /* rootless Podman's */
        NULL,
};

static bool is_engine_owned(const char *src)
{
        if (strstr(src, "/../") || (strlen(src) >= 3 && strcmp(src + strlen(src) - 3, "/..") == 0))
                return false;
        for (size_t i = 0; engine_owned[i]; i++)
                if (fnmatch(engine_owned[i], src, FNM_PATHNAME | FNM_LEADING_DIR) == 0)
                        return true;
        return false;
}

/* The sensitive tree a judged source path is at, inside or above; NULL.
 * An engine's per-container path is exempt only for the container it was
 * made for (another container's, another pod's secrets, is host content
 * to this one). */
static const char *sensitive_path(const struct oci_config *c, const char *p)
{
        if (!p || p[0] != '/' || (is_engine_owned(p) && bw_engine_path_is_mine(c, p)))
                return NULL;
        for (size_t i = 0; sensitive_trees[i]; i++)
                if (bw_path_under(p, sensitive_trees[i]) || bw_path_under(sensitive_trees[i], p) ||
                    strcmp(p, "/") == 0)
                        return sensitive_trees[i];
        for (size_t i = 0; sensitive_whole[i]; i++)
                if (bw_path_under(sensitive_whole[i], p))
                        return sensitive_whole[i];
        return NULL;
}

const char *bw_sensitive_source(const struct oci_config *c, const struct oci_mount *m)
{
        if (!bw_mount_is_bind(m) || !m->source)
                return NULL;
        _cleanup_free_ char *judged = judged_source(m);
        /* A socket is BW070's: reported once, as what it is. */
        if (!judged || source_is_engine_socket(m, judged))
                return NULL;
        return sensitive_path(c, judged);
}

static int sensitive_mounts(const struct bw_rule *r, const struct oci_config *c, bool want_ro,
                            struct bw_findings *out)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                const char *tree = bw_sensitive_source(c, m);
                if (!tree || bw_mount_is_ro(m) != want_ro)
                        continue;
                _cleanup_free_ char *judged = judged_source(m);
                if (!judged)
                        return -ENOMEM;
                char ptr[64], what[2 * PATH_MAX + 32], above[PATH_MAX + 32] = "";
                snprintf(ptr, sizeof(ptr), "/mounts/%zu/source", i);
                describe_source(m, judged, what, sizeof(what));
                if (!bw_path_under(judged, tree))
                        snprintf(above, sizeof(above), " (exposes %s)", tree);
                int ret = bw_findings_add_at(out, r, ptr, m->src.written ? m->src.written : m->source,
                                             "%s%s mounted at %s%s%s", what, above,
                                             m->destination ? m->destination : "?",
                                             want_ro ? " read-only" : " writable", unresolved_note(m, judged));
                if (ret < 0)
                        return ret;
        }
        return 0;
}

/* A rootfs is expected inside the engines' state (/var/lib/docker/overlay2/
 * ID/merged, /run/containerd/.../rootfs), so only these trees count when
 * root.path is inside them; at or above any sensitive tree always counts. */
static const char *const system_trees[] = {
        "/proc", "/sys", "/dev", "/etc", "/boot", "/root", "/usr", "/bin", "/sbin",
        "/lib", "/lib32", "/lib64", "/libx32", "/var/log", "/var/spool/cron", NULL,
};

static const char *sensitive_root(const char *p)
{
        if (!p || p[0] != '/')
                return NULL;
        if (strcmp(p, "/") == 0)
                return "/";
        for (size_t i = 0; sensitive_trees[i]; i++)
                if (bw_path_under(sensitive_trees[i], p))
                        return sensitive_trees[i];
        for (size_t i = 0; system_trees[i]; i++)
                if (bw_path_under(p, system_trees[i]))
                        return system_trees[i];
        for (size_t i = 0; sensitive_whole[i]; i++)
                if (bw_path_under(sensitive_whole[i], p))
                        return sensitive_whole[i];
        return NULL;
}

/* BW073: root.path naming a host tree gives the container that tree as its
 * /, seen through the idmapped rootfs view in which host root's files are
 * container root's: read-only or not, /etc/shadow is then readable. */
int bw_check_root_host_tree(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        struct oci_mount m;
        if (!root_as_mount(c, &m))
                return 0;
        _cleanup_free_ char *judged = judged_source(&m);
        if (!judged)
                return -ENOMEM;
        char what[2 * PATH_MAX + 32];
        describe_source(&m, judged, what, sizeof(what));
        const char *tree = sensitive_root(judged);
        /* Resolved on this host: judged by where it is, not by a list of
         * trees (a list always misses one: /srv, /opt, bulwark's state). */
        if (m.src.resolved && !c->root.placed)
                return bw_findings_add_at(out, r, "/root/path", m.src.written ? m.src.written : m.source,
                                          "root.path %s is %s%s outside the bundle and not an engine's rootfs, as the "
                                          "container's %s /", what, tree ? "the host's " : "a host directory",
                                          tree ? tree : "", c->root.readonly ? "read-only" : "writable");
        if (m.src.resolved || !tree)
                return 0;
        return bw_findings_add_at(out, r, "/root/path", m.src.written ? m.src.written : m.source,
                                  "root.path %s is the host's %s%s, as the container's %s /%s", what,
                                  bw_path_under(judged, tree) ? "" : "tree above ", tree,
                                  c->root.readonly ? "read-only" : "writable", unresolved_note(&m, judged));
}

int bw_check_sensitive_rw(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        return sensitive_mounts(r, c, false, out);
}

int bw_check_sensitive_ro(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        return sensitive_mounts(r, c, true, out);
}

/* BW075: the kernel maps the mount's files through the mount's own
 * mappings (or, with idmap/ridmap and none of its own, the container's):
 * host root's files become container root's and what it writes lands as
 * the ids those mappings name, not in bulwark's volume range. */
int bw_check_mount_idmap(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                bool own = m->uid_mappings.n || m->gid_mappings.n;
                struct bw_mount_opts o;
                bw_mount_options_effect(m->options, &o);
                const char *opt = o.ridmap ? "ridmap" : o.idmap ? "idmap" : NULL;
                if (!own && !opt)
                        continue;
                int ret = bw_findings_add_mount(out, r, i, own ? "uidMappings" : "options", own ? "uidMappings" : opt,
                                                "mount at %s asks for %s%s%s", m->destination ? m->destination : "?",
                                                own ? "its own uidMappings/gidMappings" : "", own && opt ? " and " : "",
                                                opt ? opt : "");
                if (ret < 0)
                        return ret;
        }
        return 0;
}

/* BW077: overlayfs takes its layers as host paths, which the kernel looks
 * up in init's mount namespace: none of them is judged as a bind source
 * is. Engines hand over a rootfs already made, never an overlay mount. */
int bw_check_overlay_mount(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                if (!m->type || strcmp(m->type, "overlay") != 0)
                        continue;
                int ret = bw_findings_add_mount(out, r, i, "type", "overlay",
                                                "overlay mount at %s (its lowerdir, upperdir and workdir "
                                                "are host paths)",
                                                m->destination ? m->destination : "?");
                if (ret < 0)
                        return ret;
        }
        return 0;
}

/* Only audit leaves sources unresolved; it notes those whose reading
 * depends on the filesystem it does not have. */
int bw_check_unresolved_source(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                if (!bw_mount_is_bind(m) || !m->source || m->src.resolved)
                        continue;
                _cleanup_free_ char *judged = judged_source(m);
                if (!judged)
                        return -ENOMEM;
                if (judged[0] == '/' && strcmp(judged, m->source) == 0)
                        continue;
                bool abs = judged[0] == '/';
                int ret = bw_findings_add_mount(out, r, i, "source", m->source,
                                                "%s mounted at %s: not resolved on this host; %s%s", m->source,
                                                m->destination ? m->destination : "?",
                                                abs ? "judged as " : "relative to the bundle", abs ? judged : "");
                if (ret < 0)
                        return ret;
        }
        return 0;
}

int bw_check_policy_only(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        (void)r, (void)c, (void)out;
        return 0;
}

/* --- devices ------------------------------------------------------------ */

/* What runc and bulwark give every container anyway. */
static const struct { int64_t major, minor; } default_devices[] = {
        { 1, 3 }, { 1, 5 }, { 1, 7 }, { 1, 8 }, { 1, 9 }, { 5, 0 }, { 5, 1 }, { 5, 2 },
};

static bool is_default_device(const struct oci_device *d)
{
        for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++)
                if (d->major == default_devices[i].major && d->minor == default_devices[i].minor)
                        return true;
        return false;
}

static int device_check(const struct bw_rule *r, const struct oci_config *c, bool block, struct bw_findings *out)
{
        if (!c->linux)
                return 0;
        for (size_t i = 0; i < c->linux->n_devices; i++) {
                const struct oci_device *d = &c->linux->devices[i];
                if ((d->type == 'b') != block || d->type == 'p' || (!block && is_default_device(d)))
                        continue;
                char ptr[64];
                snprintf(ptr, sizeof(ptr), "/linux/devices/%zu", i);
                int ret = bw_findings_add_at(out, r, ptr, d->path, "%s (%c %" PRId64 ":%" PRId64 ")",
                                          d->path ? d->path : "?", d->type, d->major, d->minor);
                if (ret < 0)
                        return ret;
        }
        return 0;
}

int bw_check_block_devices(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        return device_check(r, c, true, out);
}

int bw_check_char_devices(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        return device_check(r, c, false, out);
}

/* An exception that grants nothing beyond the default devices (the same
 * list create allows: oci/default.c) and the nodes the config itself
 * creates in linux.devices (those are BW080/BW081's to judge). A wildcard
 * is a subset only where the default list has the same wildcard (the
 * devpts slaves, c 136:*). */
static bool exception_is_expected(const struct oci_config *c, const struct cg_dev_exc *e)
{
        if (e->type == 'a')
                return false;
        for (const struct bw_device_allow *d = bw_default_device_allows; d->type; d++)
                if (d->type == e->type && d->major == e->major && (d->minor < 0 || d->minor == e->minor))
                        return true;
        for (size_t i = 0; c->linux && i < c->linux->n_devices; i++) {
                const struct oci_device *d = &c->linux->devices[i];
                char t = d->type == 'b' ? 'b' : 'c';
                if (d->type != 'p' && t == e->type && d->major == e->major && d->minor == e->minor)
                        return true;
        }
        return false;
}

int bw_check_device_cgroup(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        _cleanup_(cg_dev_set_clear) struct cg_dev_set s = { 0 };
        int q = device_set(c, &s);
        if (q < 0)
                return q;
        const char *ptr = "/linux/resources/devices";
        if (s.default_allow)
                return bw_findings_add_at(out, r, ptr, "Privileged|DeviceCgroupRules",
                                          "linux.resources.devices %s: every host device a node in the image or a "
                                          "mknod names can be opened",
                                          c->linux && c->linux->resources.n_devices ? "ends in allow-all mode"
                                                                                    : "is empty");
        for (size_t i = 0; i < s.n; i++) {
                const struct cg_dev_exc *e = &s.v[i];
                if (!(e->access & (CG_DEV_R | CG_DEV_W)) || exception_is_expected(c, e))
                        continue;
                char rule[64];
                cg_dev_exc_format(e, rule, sizeof(rule));
                int ret = bw_findings_add_at(out, r, ptr, "DeviceCgroupRules",
                                             "linux.resources.devices allows %s, beyond the default devices and "
                                             "linux.devices",
                                             rule);
                if (ret < 0)
                        return ret;
        }
        return 0;
}

/* --- /proc and /sys ----------------------------------------------------- */

const char *const bw_required_masked[] = {
        "/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
        "/proc/acpi", "/proc/scsi", "/sys/firmware", NULL,
};
const char *const bw_required_readonly[] = {
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sysrq-trigger", NULL,
};

/* The finding just added (ret 0) is of kind k. */
static int of_kind(struct bw_findings *out, int ret, enum bw_finding_kind k)
{
        if (ret == 0)
                out->v[out->n - 1].kind = k;
        return ret;
}

static int missing_paths(const struct bw_rule *r, char **have,
                         const char *const *need, const char *field, struct bw_findings *out)
{
        char list[512] = "";
        for (size_t i = 0; need[i]; i++) {
                if (have && bw_strv_contains(have, need[i]))
                        continue;
                if (list[0])
                        strcat(list, ", ");
                strcat(list, need[i]);
        }
        if (!list[0])
                return 0;
        char ptr[64];
        snprintf(ptr, sizeof(ptr), "/linux/%s", field);
        int ret = bw_findings_add_at(out, r, ptr, field[0] == 'm' ? "MaskedPaths" : "ReadonlyPaths", "%s lacks %s",
                                     field, list);
        return field[0] == 'm' ? ret : of_kind(out, ret, BW_FINDING_READONLY_PATHS);
}

int bw_check_masked(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        return missing_paths(r, c->linux ? c->linux->masked_paths : NULL, bw_required_masked,
                             "maskedPaths", out);
}

int bw_check_readonly(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        return missing_paths(r, c->linux ? c->linux->readonly_paths : NULL, bw_required_readonly,
                             "readonlyPaths", out);
}

int bw_check_proc_sys(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (!c->linux || !bw_strv_contains(c->linux->readonly_paths, "/proc/sys"))
                return of_kind(out,
                               bw_findings_add_at(out, r, "/linux/readonlyPaths", "ReadonlyPaths",
                                                  "/proc/sys is not in readonlyPaths"),
                               BW_FINDING_READONLY_PATHS);
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                if (bw_path_under(m->destination, "/proc/sys") && !bw_mount_is_ro(m)) {
                        return bw_findings_add_mount(out, r, i, "", NULL, "writable mount at %s", m->destination);
                }
        }
        return 0;
}

int bw_check_sysfs_rw(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                if (!m->type || strcmp(m->type, "sysfs") != 0 || bw_mount_is_ro(m))
                        continue;
                int ret = bw_findings_add_mount(out, r, i, "", NULL, "sysfs at %s without \"ro\"",
                                                m->destination ? m->destination : "?");
                if (ret < 0)
                        return ret;
        }
        return 0;
}

/* A mount destination as the kernel will walk it inside the rootfs,
 * reduced lexically: "//proc/./" and "/x/../proc" are /proc. ".." at the
 * root stays at the root (RESOLVE_IN_ROOT does the same). */
static void normalize_dest(const char *in, char *out, size_t len)
{
        size_t n = 0;
        out[0] = '\0';
        for (const char *p = in; p && *p;) {
                while (*p == '/')
                        p++;
                const char *e = p;
                while (*e && *e != '/')
                        e++;
                size_t cl = (size_t)(e - p);
                if (cl == 0 || (cl == 1 && p[0] == '.')) {
                        /* nothing */
                } else if (cl == 2 && p[0] == '.' && p[1] == '.') {
                        while (n > 0 && out[n - 1] != '/')
                                n--;
                        if (n > 0)
                                n--;
                } else if (n + cl + 2 < len) {
                        out[n++] = '/';
                        memcpy(out + n, p, cl);
                        n += cl;
                }
                out[n] = '\0';
                p = e;
        }
        if (n == 0)
                snprintf(out, len, "/");
}

/* maskedPaths and readonlyPaths name paths under /proc and /sys: only a
 * proc mount at /proc and a sysfs at /sys get them. Any other proc or
 * sysfs mount (a second one at /host-proc, one over /proc/sys) is a whole
 * unmasked view: /proc/sys/kernel/core_pattern, sysrq-trigger, kcore. */
int bw_check_unmasked_pseudofs(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                if (!m->type || bw_mount_is_bind(m))
                        continue;
                const char *home = strcmp(m->type, "proc") == 0 ? "/proc" : strcmp(m->type, "sysfs") == 0 ? "/sys" : NULL;
                if (!home)
                        continue;
                char dest[4096];
                normalize_dest(m->destination, dest, sizeof(dest));
                if (strcmp(dest, home) == 0)
                        continue;
                int ret = bw_findings_add_mount(out, r, i, "destination", m->destination,
                                                "%s mounted at %s: maskedPaths and readonlyPaths apply under %s only",
                                                m->type, m->destination ? m->destination : "?", home);
                if (ret < 0)
                        return ret;
        }
        return 0;
}

/* Sysctls are safe only where the kernel namespaces them and the container
 * has that namespace of its own. */
bool bw_sysctl_safe(const struct oci_config *c, const char *key)
{
        static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
                                           "kernel.sem", "kernel.shmall", "kernel.shmmax",
                                           "kernel.shmmni", "kernel.shm_rmid_forced", NULL };
        if (bw_strv_contains((char **)ipc, key) || strncmp(key, "fs.mqueue.", 10) == 0)
                return bw_has_own_ns(c, OCI_NS_IPC);
        if (strncmp(key, "net.", 4) == 0)
                return bw_has_own_ns(c, OCI_NS_NETWORK);
        if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
                return bw_has_own_ns(c, OCI_NS_UTS);
        return false;
}

int bw_check_sysctl(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (!c->linux)
                return 0;
        for (size_t i = 0; i < c->linux->sysctl.n; i++) {
                const struct oci_kv *kv = &c->linux->sysctl.v[i];
                if (bw_sysctl_safe(c, kv->key))
                        continue;
                char ptr[256];
                pointer_key(ptr, sizeof(ptr), "/linux/sysctl", kv->key);
                int ret = bw_findings_add_at(out, r, ptr, kv->key, "%s=%s", kv->key, kv->value ? kv->value : "");
                if (ret < 0)
                        return ret;
        }
        return 0;
}

/* --- mounts, rootfs, limits --------------------------------------------- */

/* Does this propagation name make a mount shared, as the mount code reads
 * it (one table, rshared and shared alike)? */
static bool is_shared(const char *p)
{
        long f = bw_mount_propagation(p);
        return f > 0 && (f & MS_SHARED);
}

/* BW100 judges the propagation the kernel ends with: of a mount's
 * propagation options the last one wins (["rshared","private"] is private,
 * ["private","rshared"] is shared), as the mounter applies them. */
int bw_check_propagation(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (c->linux && is_shared(c->linux->rootfs_propagation)) {
                int ret = bw_findings_add_at(out, r, "/linux/rootfsPropagation", NULL, "rootfsPropagation %s",
                                          c->linux->rootfs_propagation);
                if (ret < 0)
                        return ret;
        }
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                size_t last = SIZE_MAX;
                for (size_t j = 0; m->options && m->options[j]; j++) {
                        const struct bw_mount_option *e = bw_mount_option_find(m->options[j]);
                        if (e && e->kind == BW_MOPT_PROPAGATION)
                                last = j;
                }
                if (last == SIZE_MAX || !is_shared(m->options[last]))
                        continue;
                char ptr[64];
                snprintf(ptr, sizeof(ptr), "/mounts/%zu/options/%zu", i, last);
                int ret = bw_findings_add_at(out, r, ptr, m->options[last], "mount at %s is %s",
                                          m->destination ? m->destination : "?", m->options[last]);
                if (ret < 0)
                        return ret;
        }
        return 0;
}

int bw_check_rootfs_rw(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (!c->has_root || c->root.readonly)
                return 0;
        return bw_findings_add_at(out, r, "/root/readonly", "ReadonlyRootfs", "root.readonly is false");
}

/* The kernel never hands out more than pid_max pids (PID_MAX_LIMIT, 2^22,
 * on any host when this one's is unknown): a limit at or above it is no
 * limit. */
#define BW_PID_MAX_LIMIT 4194304

/* A linux.resources.unified key's value: the runtime writes the unified
 * map after the typed limits, so it is what the kernel ends up with. */
const char *bw_unified_value(const struct oci_config *c, const char *key)
{
        const char *v = NULL;
        for (size_t i = 0; c->linux && i < c->linux->resources.unified.n; i++)
                if (strcmp(c->linux->resources.unified.v[i].key, key) == 0)
                        v = c->linux->resources.unified.v[i].value;
        return v;
}

/* A unified value as a bound: false for "max", empty, 0 or not a number. */
static bool unified_bound(const char *v, int64_t *out)
{
        char *end = NULL;
        errno = 0;
        long long n = strtoll(v, &end, 10);
        while (end && (*end == ' ' || *end == '\n'))
                end++;
        if (errno || end == v || !end || *end || n <= 0)
                return false;
        *out = n;
        return true;
}

int bw_check_pids_limit(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        const char *ptr = "/linux/resources/pids/limit";
        int64_t max = c->linux && c->linux->host_pid_max > 0 ? c->linux->host_pid_max : BW_PID_MAX_LIMIT;
        const char *u = bw_unified_value(c, "pids.max");
        if (u) {
                int64_t n;
                if (!unified_bound(u, &n) || n >= max)
                        return bw_findings_add_at(out, r, "/linux/resources/unified", "pids.max",
                                                  "linux.resources.unified sets pids.max to \"%s\", written after "
                                                  "linux.resources.pids: it limits nothing", u);
                return 0;
        }
        if (!c->linux || !c->linux->resources.pids.limit.set || c->linux->resources.pids.limit.v <= 0)
                return bw_findings_add_at(out, r, ptr, "PidsLimit", "no linux.resources.pids.limit");
        int64_t limit = c->linux->resources.pids.limit.v;
        if (limit < max)
                return 0;
        return bw_findings_add_at(out, r, ptr, "PidsLimit",
                                  "linux.resources.pids.limit %" PRId64 " is not below the kernel's pid_max %" PRId64
                                  "%s: it limits nothing",
                                  limit, max, c->linux->host_pid_max > 0 ? "" : " (the largest any kernel allows)");
}

/* The bound a tmpfs's size=/nr_blocks= sets: the last one given wins, as
 * the kernel parses them in order; 0 and a percentage of the host's memory
 * (the kernel's own default is 50%) are no bound for a container. */
static bool tmpfs_bounded(const struct oci_mount *m)
{
        bool bounded = false;
        for (size_t i = 0; m->options && m->options[i]; i++) {
                _cleanup_free_ char *copy = strdup(m->options[i]);
                if (!copy)
                        return false;
                for (char *save = NULL, *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                        const char *v = strncmp(o, "size=", 5) == 0 ? o + 5 : strncmp(o, "nr_blocks=", 10) == 0 ? o + 10 : NULL;
                        if (!v)
                                continue;
                        char *end = NULL;
                        unsigned long long n = strtoull(v, &end, 0);
                        bounded = end != v && n > 0 && !strchr(v, '%');
                }
        }
        return bounded;
}

int bw_check_tmpfs_size(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                if (!m->type || strcmp(m->type, "tmpfs") != 0 || bw_mount_is_bind(m) || tmpfs_bounded(m))
                        continue;
                int ret = bw_findings_add_mount(out, r, i, "options", NULL,
                                                "tmpfs at %s has no size= bound: it can fill half the host's memory",
                                                m->destination ? m->destination : "?");
                if (ret < 0)
                        return ret;
        }
        return 0;
}

int bw_check_memory_limit(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        const char *u = bw_unified_value(c, "memory.max");
        int64_t n;
        if (u && !unified_bound(u, &n))
                return bw_findings_add_at(out, r, "/linux/resources/unified", "memory.max",
                                          "linux.resources.unified sets memory.max to \"%s\", written after "
                                          "linux.resources.memory: no limit", u);
        if (u || (c->linux && c->linux->resources.memory.limit.set && c->linux->resources.memory.limit.v > 0))
                return 0;
        return bw_findings_add_at(out, r, "/linux/resources/memory/limit", "\"Memory\"", "no linux.resources.memory.limit");
}

/* --- hooks and annotations ---------------------------------------------- */

/* Variables that make a program load or run other code than its own: the
 * dynamic loader's and glibc's (those it drops for setuid programs), and
 * the interpreters' a trusted script or its children may start. */
static const char *const hook_code_prefixes[] = { "LD_", "BASH_FUNC_", "PYTHON", "PERL", "RUBY", "NODE_", NULL };
static const char *const hook_code_vars[] = {
        "GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES", "LOCALDOMAIN", "LOCPATH", "MALLOC_TRACE",
        "NIS_PATH", "NLSPATH", "RESOLV_HOST_CONF", "RES_OPTIONS", "TMPDIR", "TZDIR", "BASH_ENV", "ENV",
        "SHELLOPTS", "BASHOPTS", "PS4", "IFS", "CDPATH", "GLOBIGNORE", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS",
        "JDK_JAVA_OPTIONS", "CLASSPATH", "LUA_PATH", "LUA_CPATH", "TCLLIBPATH", "GEM_PATH", "GEM_HOME",
        NULL,
};
/* The directories a PATH of a trusted hook may list: the host's own. */
static const char *const hook_path_dirs[] = { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
                                              "/sbin", "/bin", NULL };

static bool hook_path_ok(const char *value)
{
        _cleanup_free_ char *copy = strdup(value);
        if (!copy)
                return false;
        char *save = NULL;
        for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
                bool known = false;
                for (size_t i = 0; hook_path_dirs[i] && !known; i++)
                        known = strcmp(d, hook_path_dirs[i]) == 0;
                if (!known)
                        return false;
        }
        /* an empty entry means the working directory */
        return value[0] && value[0] != ':' && value[strlen(value) - 1] != ':' && !strstr(value, "::");
}

/* Whether an env entry (NAME=value) of a trusted hook would make it run
 * code the config chooses. */
static bool hook_env_runs_code(const char *kv)
{
        size_t len = strcspn(kv, "=");
        for (size_t i = 0; hook_code_prefixes[i]; i++)
                if (strncmp(kv, hook_code_prefixes[i], strlen(hook_code_prefixes[i])) == 0)
                        return true;
        for (size_t i = 0; hook_code_vars[i]; i++)
                if (strlen(hook_code_vars[i]) == len && strncmp(kv, hook_code_vars[i], len) == 0)
                        return true;
        if (len == 4 && strncmp(kv, "PATH", 4) == 0)
                return !kv[len] || !hook_path_ok(kv + len + 1);
        return false;
}

int bw_check_hooks(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        if (c->hooks_unprivileged)
                return 0; /* an unprivileged runtime's hooks run as its caller, never as host root */
        const struct { const char *name; const struct oci_hook_list *l; } lists[] = {
                { "prestart", &c->hooks.prestart }, { "createRuntime", &c->hooks.create_runtime },
                { "createContainer", &c->hooks.create_container }, { "startContainer", &c->hooks.start_container },
                { "poststart", &c->hooks.poststart }, { "poststop", &c->hooks.poststop },
        };
        for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
                for (size_t j = 0; j < lists[i].l->n; j++) {
                        const struct oci_hook *h = &lists[i].l->v[j];
                        const char *p = h->path;
                        char ptr[96];
                        int ret = 0;
                        if (!h->trusted) {
                                snprintf(ptr, sizeof(ptr), "/hooks/%s/%zu", lists[i].name, j);
                                ret = bw_findings_add_at(out, r, ptr, NULL, "%s hook %s", lists[i].name, p ? p : "?");
                        }
                        /* A trusted program is trusted to run as itself: not
                         * with the config's loader or interpreter settings. */
                        for (size_t k = 0; ret >= 0 && h->trusted && h->env && h->env[k]; k++) {
                                if (!hook_env_runs_code(h->env[k]))
                                        continue;
                                snprintf(ptr, sizeof(ptr), "/hooks/%s/%zu/env/%zu", lists[i].name, j, k);
                                ret = bw_findings_add_at(out, r, ptr, NULL,
                                                         "%s hook %s (trusted) with env %.*s, which makes it run "
                                                         "other code (remove it from the hook's env)",
                                                         lists[i].name, p ? p : "?", (int)strcspn(h->env[k], "="),
                                                         h->env[k]);
                        }
                        if (ret < 0)
                                return ret;
                }
        return 0;
}

/* Annotation prefixes runtimes act on: crun's run.oci.*, runc's systemd
 * unit properties, CRI-O's, and bulwark's own (the profile annotation). */
static const char *const behaviour_prefixes[] = {
        "run.oci.", "org.systemd.property.", "io.kubernetes.cri-o.", "org.bulwark.", NULL,
};

int bw_check_annotations(const struct bw_rule *r, const struct oci_config *c, struct bw_findings *out)
{
        for (size_t i = 0; i < c->annotations.n; i++) {
                const struct oci_kv *kv = &c->annotations.v[i];
                for (size_t j = 0; behaviour_prefixes[j]; j++) {
                        if (strncmp(kv->key, behaviour_prefixes[j], strlen(behaviour_prefixes[j])) != 0)
                                continue;
                        char ptr[256];
                        pointer_key(ptr, sizeof(ptr), "/annotations", kv->key);
                        int ret = bw_findings_add_at(out, r, ptr, NULL, "%s=%s", kv->key, kv->value ? kv->value : "");
                        if (ret < 0)
                                return ret;
                        break;
                }
        }
        return 0;
}
