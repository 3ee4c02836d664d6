#include "runtime/policy_gate.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/namespaces.h"
#include "runtime/hooks.h"
#include "runtime/idrange.h"
#include "runtime/rootless.h"
#include "oci/load.h"
#include "policy/checks.h"
#include "policy/enforce.h"
#include "policy/profile.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json_text.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/users.h"

/* A user namespace joined by path is judged by what it is: its real maps,
 * read from the namespace (linux/namespaces.c says how), go through the
 * same rules as uidMappings. The path is opened again to join it; only
 * host root can swap what a path names between the two, and host root
 * needs no runtime to be host root. */
void bw_policy_read_joined_userns(struct oci_config *c)
{
        for (size_t i = 0; c->linux && i < c->linux->n_namespaces; i++) {
                struct oci_namespace *ns = &c->linux->namespaces[i];
                if (ns->type != OCI_NS_USER || !ns->path || ns->joined_read)
                        continue;
                _cleanup_error_ struct bw_error *err = NULL;
                _cleanup_close_ int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
                if (fd < 0) {
                        bw_debug("policy: cannot open the user namespace %s: %m", ns->path);
                        continue;
                }
                if (bw_userns_maps(fd, &ns->joined_uid, &ns->joined_gid, &err) < 0) {
                        bw_debug("policy: the user namespace %s: %s", ns->path, err ? err->msg : "?");
                        continue;
                }
                ns->joined_read = true;
                bw_debug("policy: the user namespace %s has %zu uid and %zu gid map lines", ns->path,
                         ns->joined_uid.n, ns->joined_gid.n);
        }
}

/* The kernel's pid_max: a pids limit at or above it limits nothing. */
void bw_policy_read_limits(struct oci_config *c)
{
        if (!c->linux)
                return;
        long long v = 0;
        if (bw_read_value_ll("/proc/sys/kernel/pid_max", &v) == 0 && v > 0)
                c->linux->host_pid_max = v;
}

void bw_policy_mark_host_namespaces(struct oci_config *c)
{
        bw_policy_read_joined_userns(c);
        bw_policy_read_limits(c);
        for (size_t i = 0; c->linux && i < c->linux->n_namespaces; i++) {
                struct oci_namespace *ns = &c->linux->namespaces[i];
                ns->host = ns->path && ns->type != OCI_NS_USER && bw_ns_path_is_host(ns->type, ns->path) == 1;
                if (ns->host)
                        bw_debug("policy: the %s namespace %s is the host's", oci_ns_type_name(ns->type), ns->path);
        }
}

/* The policy file's identityMappedVolumes, on resolved paths: a source
 * reaching a listed directory through a symlink or .. is judged where it
 * lands, never by its text. */
static void mark_identity_mapped(struct oci_config *c, const struct bw_policy *p)
{
        if (!p->identity_volumes)
                return;
        struct bw_policy real = { 0 };
        for (char **d = p->identity_volumes; *d; d++) {
                _cleanup_free_ char *rd = realpath(*d, NULL);
                if (rd && bw_strv_push(&real.identity_volumes, rd) < 0)
                        break;
        }
        for (size_t i = 0; i < c->n_mounts; i++) {
                struct oci_mount *m = &c->mounts[i];
                if (!bw_mount_is_bind(m) || !m->source || m->source[0] != '/')
                        continue;
                _cleanup_free_ char *rs = realpath(m->source, NULL);
                m->identity_mapped = rs && bw_policy_identity_mapped(&real, rs);
                if (m->identity_mapped)
                        bw_debug("policy: bind %s (%s) is identity-mapped (identityMappedVolumes, BW074)",
                                 m->destination, rs);
        }
        bw_strv_free(real.identity_volumes);
}

/* Docker's own hook: dockerd re-executed through /proc/PID/exe with argv[0]
 * `libnetwork-setkey`, which only hands the container's id and network
 * key to the running daemon. */
static const char *const dockerd_paths[] = { "/usr/bin/dockerd", "/usr/sbin/dockerd", "/usr/local/bin/dockerd",
                                             "/bin/dockerd", NULL };

/* Docker's hook path /proc/PID/exe: trusted only when PID runs dockerd
 * from one of the fixed paths and sees our mount namespace (so that path
 * names here what it names there), and the file at that path is the one
 * it runs. Returns that path; the hook then runs that file. */
static const char *docker_exe_path(const char *path)
{
        int pid = 0, end = 0;
        if (sscanf(path, "/proc/%d/exe%n", &pid, &end) != 1 || pid <= 0 || path[end])
                return NULL;
        char proc[64], exe[PATH_MAX];
        struct stat mine, theirs, running, fixed;
        snprintf(proc, sizeof(proc), "/proc/%d/ns/mnt", pid);
        if (stat("/proc/self/ns/mnt", &mine) < 0 || stat(proc, &theirs) < 0 || mine.st_dev != theirs.st_dev ||
            mine.st_ino != theirs.st_ino)
                return NULL;
        snprintf(proc, sizeof(proc), "/proc/%d/exe", pid);
        ssize_t n = readlink(proc, exe, sizeof(exe) - 1);
        if (n <= 0 || stat(proc, &running) < 0)
                return NULL;
        exe[n] = '\0';
        for (size_t k = 0; dockerd_paths[k]; k++) {
                if (strcmp(exe, dockerd_paths[k]) != 0)
                        continue;
                _cleanup_close_ int fd = bw_hook_open_program(dockerd_paths[k], &fixed);
                return fd >= 0 && fixed.st_dev == running.st_dev && fixed.st_ino == running.st_ino ? dockerd_paths[k]
                                                                                                   : NULL;
        }
        return NULL;
}

static bool same_file(const struct stat *a, const char *path)
{
        struct stat b;
        _cleanup_close_ int fd = bw_hook_open_program(path, &b);
        return fd >= 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

/* Which hooks run an executable the operator trusts: the file the hook's
 * path names on the host, opened without /proc magic links, is one of the
 * policy file's trustedHooks (opened the same way), or dockerd for its
 * libnetwork-setkey hook. Its identity is recorded: the hook runner
 * executes that file or nothing (runtime/hooks.c). BW110 judges the rest. */
static void mark_trusted_hooks(struct oci_config *c, const struct bw_policy *p)
{
        struct oci_hook_list *lists[] = { &c->hooks.prestart, &c->hooks.create_runtime, &c->hooks.create_container,
                                          &c->hooks.start_container, &c->hooks.poststart, &c->hooks.poststop };
        for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
                for (size_t j = 0; j < lists[i]->n; j++) {
                        struct oci_hook *h = &lists[i]->v[j];
                        h->trusted = false;
                        free(h->trusted_path);
                        h->trusted_path = NULL;
                        if (!h->path || h->path[0] != '/')
                                continue;
                        /* dockerd's re-exec dispatches on argv[0] */
                        bool setkey = h->args && h->args[0] && strcmp(h->args[0], "libnetwork-setkey") == 0;
                        const char *prog = setkey && strncmp(h->path, "/proc/", 6) == 0 ? docker_exe_path(h->path)
                                                                                          : h->path;
                        struct stat st;
                        _cleanup_close_ int fd = prog ? bw_hook_open_program(prog, &st) : -ENOENT;
                        if (fd < 0)
                                continue; /* /proc, magic links, not a regular file: never trusted */
                        bool trusted = false;
                        for (size_t k = 0; setkey && dockerd_paths[k] && !trusted; k++)
                                trusted = same_file(&st, dockerd_paths[k]);
                        for (char **t = p->trusted_hooks; t && *t && !trusted; t++)
                                trusted = same_file(&st, *t);
                        if (!trusted || !(h->trusted_path = strdup(prog)))
                                continue;
                        h->trusted = true;
                        h->trusted_dev = (uint64_t)st.st_dev;
                        h->trusted_ino = (uint64_t)st.st_ino;
                        bw_debug("policy: hook %s (%s, device %ju inode %ju) is trusted", h->path, prog,
                                 (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
                }
}

/* Mappings BW043 judges: explicit ones, and the real maps of a user
 * namespace joined by path. */
static bool has_mappings_to_judge(const struct oci_config *c)
{
        if (c->linux && (c->linux->uid_mappings.n || c->linux->gid_mappings.n))
                return true;
        const struct oci_namespace *ns = oci_config_namespace(c, OCI_NS_USER);
        if (ns && ns->path)
                return true;
        for (size_t i = 0; i < c->n_mounts; i++)
                if (c->mounts[i].uid_mappings.n || c->mounts[i].gid_mappings.n)
                        return true;
        return false;
}

/* The third field of each line of /etc/passwd or /etc/group. */
static void read_ids(const char *path, uint32_t **ids, size_t *n)
{
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char *line = NULL;
        size_t cap = 0;
        while (f && getline(&line, &cap, f) > 0) {
                char *save = NULL, *name = strtok_r(line, ":", &save), *pw = name ? strtok_r(NULL, ":", &save) : NULL;
                char *id = pw ? strtok_r(NULL, ":", &save) : NULL, *end = NULL;
                if (!id || name[0] == '#')
                        continue;
                unsigned long v = strtoul(id, &end, 10);
                if (end == id || *end || v > UINT32_MAX)
                        continue;
                uint32_t *nv = realloc(*ids, (*n + 1) * sizeof(**ids));
                if (!nv)
                        break;
                *ids = nv;
                (*ids)[(*n)++] = (uint32_t)v;
        }
        free(line);
}

static bool owner_alive(const struct bw_idrange_alloc *a)
{
        _cleanup_free_ char *p = NULL;
        struct stat st;
        return a->owner && a->owner_root && asprintf(&p, "%s/%s", a->owner_root, a->owner) >= 0 && stat(p, &st) == 0 &&
               S_ISDIR(st.st_mode);
}

/* Live containers' ranges: root only (the store is root's), and only when
 * it exists (nothing is created for a look). */
static void read_live_ranges(struct oci_host_ids *h)
{
        if (bw_rootless())
                return; /* host root's store (uid 0 of a user's namespace may see it, not open it) */
        if (access(BW_IDRANGE_STORE, F_OK) < 0) {
                h->ranges_read = true; /* no store: no range is held */
                return;
        }
        struct bw_idrange_config cfg = { .root = "/" };
        struct bw_idrange_allocs all = { 0 };
        _cleanup_error_ struct bw_error *e = NULL;
        if (bw_idrange_list(&cfg, &all, &e) < 0) {
                bw_warn("policy: the id ranges of live containers were not checked: %s", e->msg);
                return;
        }
        h->ranges_read = true;
        for (size_t i = 0; i < all.n; i++) {
                if (all.v[i].corrupt || !owner_alive(&all.v[i]))
                        continue;
                struct oci_host_range *nv = realloc(h->ranges, (h->n_ranges + 1) * sizeof(*nv));
                if (!nv)
                        break;
                h->ranges = nv;
                h->ranges[h->n_ranges++] = (struct oci_host_range){ all.v[i].range.uid, all.v[i].range.gid,
                                                                    all.v[i].range.size, strdup(all.v[i].owner) };
        }
        bw_idrange_allocs_free(&all);
}

/* Explicit mappings never land in bulwark's own subordinate ids: its
 * allocator would give the same ids to the next container, and the volume
 * range's files are every container's. */
static void read_bulwark_ids(struct oci_host_ids *h)
{
        struct bw_subids u = { 0 }, g = { 0 };
        _cleanup_error_ struct bw_error *e = NULL;
        if (bw_subids_read("/etc/subuid", BW_IDRANGE_USER, (uid_t)-1, &u, &e) == 0 &&
            bw_subids_read("/etc/subgid", BW_IDRANGE_USER, (uid_t)-1, &g, &e) == 0) {
                for (size_t i = 0; i < u.n && i < g.n; i++) {
                        struct oci_host_range *nv = realloc(h->ranges, (h->n_ranges + 1) * sizeof(*nv));
                        if (!nv)
                                break;
                        h->ranges = nv;
                        h->ranges[h->n_ranges++] = (struct oci_host_range){
                                u.v[i].start, g.v[i].start, u.v[i].count < g.v[i].count ? u.v[i].count : g.v[i].count,
                                NULL, true };
                }
        }
        bw_subids_free(&u);
        bw_subids_free(&g);
}

/* The owner (first field) of each span, in file order: the parser keeps
 * every well-formed line whose count is not zero, so the k-th such line
 * is the k-th span. */
static void name_spans(const char *path, struct oci_subid_span *v, size_t n)
{
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char *line = NULL;
        size_t cap = 0, k = 0;
        while (f && k < n && getline(&line, &cap, f) > 0) {
                char *l = line + strspn(line, " \t");
                char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                if (!*l || *l == '#' || !c2 || strtoul(c2 + 1, NULL, 10) == 0)
                        continue;
                *c1 = '\0';
                snprintf(v[k].owner, sizeof(v[k].owner), "%s", l);
                k++;
        }
        free(line);
}

static int subids_to_spans(const char *path, struct oci_subid_span **v, size_t *n)
{
        struct bw_subids s = { 0 };
        _cleanup_error_ struct bw_error *e = NULL;
        if (bw_subids_read(path, NULL, (uid_t)-1, &s, &e) < 0) {
                bw_warn("policy: %s could not be read, so no explicit mapping lies in a subordinate range: %s", path,
                        e->msg);
                return -EINVAL;
        }
        int r = 0;
        if (s.n && !(*v = calloc(s.n, sizeof(**v))))
                r = -ENOMEM;
        for (size_t i = 0; r == 0 && i < s.n; i++)
                (*v)[i] = (struct oci_subid_span){ s.v[i].start, s.v[i].count };
        if (r == 0)
                *n = s.n;
        bw_subids_free(&s);
        if (r == 0)
                name_spans(path, *v, *n);
        return r;
}

/* Every user's subordinate ranges: the ids the host's administrator set
 * aside for user namespaces. Ids outside them may be anyone's: an LDAP or
 * NFS user's, another runtime's containers'. */
static void read_all_subids(struct oci_host_ids *h)
{
        h->subids_read = subids_to_spans("/etc/subuid", &h->sub_uids, &h->n_sub_uids) == 0 &&
                         subids_to_spans("/etc/subgid", &h->sub_gids, &h->n_sub_gids) == 0;
}

/* The users whose subordinate ranges engines take for the containers they
 * create as root: root, Docker's userns-remap (dockremap), Podman's
 * --userns=auto (containers) and Kubernetes user namespaces (kubelet). Any
 * other user's range is given to that user (a rootless engine's
 * containers' files), not to root's containers. */
static const char *const engine_subid_users[] = { "root", "dockremap", "containers", "kubelet", NULL };

/* Mark the spans of /etc/sub{uid,gid} lines naming user (by name, or by
 * its uid) as mappable. */
static void mark_user_spans(const char *path, const char *user, struct oci_subid_span *v, size_t n)
{
        uid_t uid = (uid_t)-1;
        if (bw_user_uid(user, &uid) < 0)
                uid = (uid_t)-1;
        struct bw_subids s = { 0 };
        _cleanup_error_ struct bw_error *e = NULL;
        if (bw_subids_read(path, user, uid, &s, &e) < 0)
                return;
        for (size_t i = 0; i < s.n; i++)
                for (size_t k = 0; k < n; k++)
                        if (v[k].start == s.v[i].start && v[k].count == s.v[i].count && !v[k].mappable) {
                                v[k].mappable = true;
                                break;
                        }
        bw_subids_free(&s);
}

static void mark_users_spans(struct oci_host_ids *h, const char *const *users)
{
        for (size_t i = 0; users && users[i]; i++) {
                mark_user_spans("/etc/subuid", users[i], h->sub_uids, h->n_sub_uids);
                mark_user_spans("/etc/subgid", users[i], h->sub_gids, h->n_sub_gids);
        }
}

void bw_policy_mark_mappable_subids(struct oci_config *c, const struct bw_policy *p)
{
        if (c->host_ids.subids_read && p)
                mark_users_spans(&c->host_ids, (const char *const *)p->mappable_subid_users);
}

bool bw_policy_gather_host_ids(struct oci_config *c)
{
        struct oci_host_ids *h = &c->host_ids;
        if (h->gathered || !has_mappings_to_judge(c))
                return true;
        h->gathered = true;
        h->rootless = bw_rootless();
        h->self_uid = getuid();
        h->self_gid = getgid();
        read_ids("/etc/passwd", &h->uids, &h->n_uids);
        read_ids("/etc/group", &h->gids, &h->n_gids);
        read_live_ranges(h);
        read_bulwark_ids(h);
        read_all_subids(h);
        if (h->subids_read)
                mark_users_spans(h, engine_subid_users);
        return h->ranges_read;
}

int bw_policy_gate(struct oci_config *c, const struct bw_policy_choice *pc, struct bw_error **err)
{
        bw_policy_mark_host_namespaces(c);
        bw_policy_gather_host_ids(c);
        /* The ids this caller may map, for a container it runs itself (not
         * for audit, which judges configs meant for any runtime). */
        /* (also when nothing was gathered: harden may join a pod's user
         * namespace later, whose maps are then judged against them) */
        if (bw_rootless()) {
                c->host_ids.rootless = true;
                if (!c->host_ids.n_own_uids)
                        bw_rootless_own_ids(&c->host_ids);
        }
        struct bw_policy p;
        int r = bw_policy_resolve(pc ? pc->file : NULL, pc ? pc->profile : NULL, pc ? pc->mode : NULL, &p, err);
        if (r < 0)
                return r;
        bw_debug("policy: profile %s (%s), mode %s", bw_profile_name(p.profile), p.source ? p.source : "default",
                 bw_mode_name(p.mode));
        /* Hooks of an unprivileged runtime run as the caller, with
         * nothing the caller does not already hold (BW110 judges hooks
         * that would run as host root). */
        c->hooks_unprivileged = bw_rootless() && bw_rootless_host_uid() != 0;
        mark_trusted_hooks(c, &p);
        bw_policy_mark_mappable_subids(c, &p);
        r = bw_policy_apply(c, &p, err);
        if (r >= 0)
                mark_identity_mapped(c, &p);
        /* restricted, when it is enforced or hardened, promises the limits:
         * a run where no cgroup can hold them is refused, not warned about. */
        enum bw_profile prof;
        if (r >= 0 && bw_policy_profile_for(&p, c, &prof, NULL) == 0)
                c->limits_required = prof == BW_PROFILE_RESTRICTED && (p.mode == BW_MODE_ENFORCE || p.mode == BW_MODE_HARDEN);
        bw_policy_free(&p);
        if (r < 0 && err && *err)
                (*err)->status = BW_EXIT_FAILURE; /* a refusal is not a usage error */
        return r;
}

int bw_policy_save_effective(const struct bw_store_entry *e, const struct oci_config *c, struct bw_error **err)
{
        _cleanup_json_ json_t *j = oci_config_dump(c);
        _cleanup_free_ char *text = j ? bw_json_dumps(j, JSON_INDENT(2)) : NULL;
        _cleanup_free_ char *path = NULL;
        if (!text || asprintf(&path, "%s/" BW_EFFECTIVE_CONFIG, e->path) < 0)
                return bw_error_set(err, -ENOMEM, "writing the effective config");
        int r = bw_write_file_atomic(path, text, err);
        return r < 0 ? r : bw_hooks_save_trusted(e->path, &c->hooks, err);
}

int bw_policy_save_choice(const struct bw_store_entry *e, const struct bw_policy_choice *pc, struct bw_error **err)
{
        struct bw_policy p;
        int r = bw_policy_resolve(pc ? pc->file : NULL, pc ? pc->profile : NULL, pc ? pc->mode : NULL, &p, err);
        if (r < 0)
                return r;
        _cleanup_json_ json_t *j = json_pack("{s:s, s:s}", "profile", bw_profile_name(p.profile), "mode",
                                             bw_mode_name(p.mode));
        if (j && pc && pc->file)
                json_object_set_new(j, "policyFile", json_string(pc->file));
        bw_policy_free(&p);
        _cleanup_free_ char *text = j ? bw_json_dumps(j, JSON_INDENT(2)) : NULL;
        _cleanup_free_ char *path = NULL;
        if (!text || asprintf(&path, "%s/" BW_POLICY_SAVED, e->path) < 0)
                return bw_error_set(err, -ENOMEM, "writing the container's policy");
        return bw_write_file_atomic(path, text, err);
}

int bw_policy_load_saved(const char *dir, struct bw_policy *out, struct bw_error **err)
{
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/" BW_POLICY_SAVED, dir) < 0)
                return bw_error_set(err, -ENOMEM, "the saved policy of %s", dir);
        json_error_t je;
        _cleanup_json_ json_t *j = json_load_file(path, 0, &je);
        if (!j && access(path, F_OK) == 0)
                return bw_error_msg(err, -EINVAL, "%s: %s (delete the container and create it again)", path, je.text);
        /* None saved (a container from an older bulwark): the defaults. */
        const char *profile = j ? json_string_value(json_object_get(j, "profile")) : NULL;
        const char *mode = j ? json_string_value(json_object_get(j, "mode")) : NULL;
        const char *file = j ? json_string_value(json_object_get(j, "policyFile")) : NULL;
        /* A policy file named at create and gone since: its exceptions are
         * gone too; the profile and mode still hold. */
        if (file && access(file, F_OK) < 0)
                file = NULL;
        int r = bw_policy_resolve(file, profile, mode, out, err);
        if (r < 0)
                return bw_error_wrap(err, "the policy of the container (%s)", path);
        return 0;
}

/* The highest pid the kernel hands out: a pids limit above it limits
 * nothing. */
static int64_t pid_max(void)
{
        long long v = 0;
        if (bw_read_value_ll("/proc/sys/kernel/pid_max", &v) < 0 || v <= 0)
                return 4194304; /* PID_MAX_LIMIT on 64-bit */
        return v;
}

/* res with the update u on top: only what u sets, as bw_cgroup_set writes
 * only that; a device list replaces the cgroup's (it is computed from the
 * update's rules alone). Devices are borrowed from u. */
/* The resources after an update, to judge: the update's fields over the
 * container's. unified_buf (freed by the caller; it borrows the strings)
 * holds the container's unified keys then the update's, as the runtime
 * writes them: the last value of a key is what the kernel ends up with. */
static struct oci_resources merged(const struct oci_resources *res, const struct oci_resources *u,
                                   struct oci_kv **unified_buf)
{
        struct oci_resources m = *res;
        *unified_buf = NULL;
        if (u->unified.n) {
                struct oci_kv *all = calloc(res->unified.n + u->unified.n, sizeof(*all));
                if (all) {
                        if (res->unified.n) /* no keys yet: v may be NULL */
                                memcpy(all, res->unified.v, res->unified.n * sizeof(*all));
                        memcpy(all + res->unified.n, u->unified.v, u->unified.n * sizeof(*all));
                        m.unified = (struct oci_kv_list){ all, res->unified.n + u->unified.n };
                } else {
                        m.unified = u->unified; /* judged alone, never skipped */
                }
                *unified_buf = all;
        }
        m.present = true;
        if (u->n_devices) {
                m.devices = u->devices;
                m.n_devices = u->n_devices;
        }
#define TAKE(field)                       \
        if (u->field.set)                 \
                m.field = u->field
        TAKE(memory.limit);
        TAKE(memory.swap);
        TAKE(memory.reservation);
        TAKE(memory.kernel);
        TAKE(memory.kernel_tcp);
        TAKE(cpu.shares);
        TAKE(cpu.quota);
        TAKE(cpu.period);
        TAKE(cpu.realtime_period);
        TAKE(cpu.realtime_runtime);
#undef TAKE
        m.memory.present |= u->memory.present;
        if (u->pids.present) {
                m.pids = u->pids;
                /* Judge what the kernel will do: above pid_max is no limit. */
                if (m.pids.limit.set && m.pids.limit.v > pid_max())
                        m.pids.limit.v = -1;
        }
        return m;
}

int bw_policy_gate_update(const char *root, const char *id, const struct oci_resources *u, struct bw_error **err)
{
        _cleanup_config_ struct oci_config *c = NULL;
        _cleanup_(bw_policy_free) struct bw_policy pol = { 0 };
        {
                _cleanup_(bw_store_entry_close) struct bw_store_entry e = { .dir_fd = -1 };
                int r = bw_store_open(root, id, &e, err);
                if (r < 0)
                        return r;
                _cleanup_free_ char *cfg = bw_saved_config_path(e.path);
                if (!cfg)
                        return bw_error_set(err, -ENOMEM, "container %s's saved config", id);
                if ((r = oci_config_load_file(cfg, &c, err)) < 0)
                        return bw_error_wrap(err, "container %s's saved config", id);
                if ((r = bw_policy_load_saved(e.path, &pol, err)) < 0)
                        return r;
        }
        if (!c->linux)
                return 0; /* nothing to compare with: the loader always makes one */
        bw_policy_mark_host_namespaces(c);
        _cleanup_free_ struct oci_kv *unified = NULL;
        struct oci_resources after = merged(&c->linux->resources, u, &unified);
        int r = bw_policy_apply_update(c, &after, &pol, err);
        if (r < 0 && err && *err)
                (*err)->status = BW_EXIT_FAILURE;
        return r < 0 ? bw_error_wrap(err, "updating container %s", id) : 0;
}
