/* Checks that span fields: namespaces against what needs them (mappings,
 * sysctls, hostname, time offsets), overlapping id mappings, duplicates,
 * seccomp actions against their companions. They run on the typed config;
 * the path of each offending value is rebuilt from indices so errors still
 * point at a line and column of the source. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "oci/reader.h"
#include "util/cleanup.h"

/* Run a check with the path segments pushed, restoring the depth after. */
static void push_keys(struct oci_reader *r, const char *a, const char *b)
{
        rd_push_key(r, a);
        if (b)
                rd_push_key(r, b);
}

static int check_namespaces(struct oci_reader *r, const struct oci_linux *l)
{
        for (size_t i = 0; i < l->n_namespaces; i++) {
                for (size_t j = 0; j < i; j++) {
                        if (l->namespaces[j].type != l->namespaces[i].type)
                                continue;
                        size_t d = r->depth;
                        push_keys(r, "linux", "namespaces");
                        rd_push_index(r, i);
                        rd_push_key(r, "type");
                        int k = rd_error(r, "expected each namespace type once, found \"%s\" again (first at linux.namespaces[%zu])",
                                         oci_ns_type_name(l->namespaces[i].type), j);
                        r->depth = d;
                        return k;
                }
        }
        return 0;
}

/* Two ranges [a, a+n) and [b, b+m) share an id. */
static bool overlap(uint64_t a, uint64_t n, uint64_t b, uint64_t m)
{
        return a < b + m && b < a + n;
}

/* Each mapping must be non-empty, fit in 32 bits, and share neither
 * container nor host ids with another: the kernel refuses such maps, and
 * refusing them here names the culprit. */
static int check_idmaps(struct oci_reader *r, const struct oci_idmap_list *l)
{
        for (size_t i = 0; i < l->n; i++) {
                const struct oci_idmap *m = &l->v[i];
                rd_push_index(r, i);
                int k = 0;
                if (m->size == 0) {
                        rd_push_key(r, "size");
                        k = rd_error(r, "expected a size of at least 1, found 0");
                        rd_pop(r);
                } else if ((uint64_t)m->container_id + m->size > UINT64_C(1) << 32 ||
                           (uint64_t)m->host_id + m->size > UINT64_C(1) << 32) {
                        rd_push_key(r, "size");
                        k = rd_error(r, "expected ids that end below 4294967296, found size %" PRIu32 " from containerID %" PRIu32
                                     " and hostID %" PRIu32, m->size, m->container_id, m->host_id);
                        rd_pop(r);
                }
                for (size_t j = 0; k == 0 && j < i; j++) {
                        const struct oci_idmap *o = &l->v[j];
                        bool c = overlap(m->container_id, m->size, o->container_id, o->size);
                        if (!c && !overlap(m->host_id, m->size, o->host_id, o->size))
                                continue;
                        uint32_t a = c ? m->container_id : m->host_id, b = c ? o->container_id : o->host_id;
                        rd_push_key(r, c ? "containerID" : "hostID");
                        k = rd_error(r, "expected %s ids disjoint from mapping [%zu] (%" PRIu32 "-%" PRIu64
                                     "), found the overlapping range %" PRIu32 "-%" PRIu64,
                                     c ? "container" : "host", j, b, (uint64_t)b + o->size - 1, a,
                                     (uint64_t)a + m->size - 1);
                        rd_pop(r);
                }
                rd_pop(r);
                if (k < 0)
                        return k;
        }
        return 0;
}

static int check_mappings(struct oci_reader *r, const struct oci_config *c)
{
        const struct oci_linux *l = c->linux;
        const struct oci_namespace *user = oci_config_namespace(c, OCI_NS_USER);
        static const char *const keys[] = { "uidMappings", "gidMappings" };
        const struct oci_idmap_list *lists[] = { &l->uid_mappings, &l->gid_mappings };
        for (size_t i = 0; i < 2; i++) {
                if (!lists[i]->present || lists[i]->n == 0)
                        continue;
                size_t d = r->depth;
                push_keys(r, "linux", keys[i]);
                int k = 0;
                if (!user)
                        k = rd_error(r, "expected a user namespace in linux.namespaces for these mappings, found none");
                else if (user->path)
                        k = rd_error(r, "expected no mappings when joining the existing user namespace %s, found %zu",
                                     user->path, lists[i]->n);
                else
                        k = check_idmaps(r, lists[i]);
                r->depth = d;
                if (k < 0)
                        return k;
        }
        return 0;
}

static int check_mount_mappings(struct oci_reader *r, const struct oci_config *c)
{
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct oci_mount *m = &c->mounts[i];
                size_t d = r->depth;
                rd_push_key(r, "mounts");
                rd_push_index(r, i);
                rd_push_key(r, "uidMappings");
                int k = check_idmaps(r, &m->uid_mappings);
                rd_pop(r);
                rd_push_key(r, "gidMappings");
                if (k == 0)
                        k = check_idmaps(r, &m->gid_mappings);
                r->depth = d;
                if (k < 0)
                        return k;
        }
        return 0;
}

/* Which namespace isolates a sysctl, or -1 when it is host-wide. */
static int sysctl_namespace(const char *name, const char **why)
{
        char buf[256];
        snprintf(buf, sizeof(buf), "%s", name);
        for (char *p = buf; *p; p++)
                if (*p == '/')
                        *p = '.'; /* "net/ipv4/ip_forward" is the same sysctl */
        if (strncmp(buf, "net.", 4) == 0) {
                *why = "a network namespace for net.* sysctls";
                return OCI_NS_NETWORK;
        }
        if (strncmp(buf, "kernel.shm", 10) == 0 || strncmp(buf, "kernel.msg", 10) == 0 ||
            strcmp(buf, "kernel.sem") == 0 || strncmp(buf, "fs.mqueue.", 10) == 0) {
                *why = "an ipc namespace for IPC sysctls";
                return OCI_NS_IPC;
        }
        if (strcmp(buf, "kernel.hostname") == 0 || strcmp(buf, "kernel.domainname") == 0) {
                *why = "a uts namespace for kernel.hostname and kernel.domainname";
                return OCI_NS_UTS;
        }
        return -1;
}

static int check_sysctls(struct oci_reader *r, const struct oci_config *c)
{
        const struct oci_kv_list *s = &c->linux->sysctl;
        for (size_t i = 0; i < s->n; i++) {
                const char *why = NULL;
                int ns = sysctl_namespace(s->v[i].key, &why);
                if (ns >= 0 && oci_config_namespace(c, (enum oci_ns_type)ns))
                        continue;
                size_t d = r->depth;
                push_keys(r, "linux", "sysctl");
                rd_push_key(r, s->v[i].key);
                int k;
                if (ns < 0)
                        k = rd_error(r, "expected a sysctl a namespace isolates (net.*, kernel.shm*, kernel.msg*, "
                                     "kernel.sem, fs.mqueue.*, kernel.hostname, kernel.domainname), found one that "
                                     "would change the host");
                else
                        k = rd_error(r, "expected %s in linux.namespaces, found none (it would change the host)", why);
                r->depth = d;
                return k;
        }
        return 0;
}

static int check_needs_ns(struct oci_reader *r, const struct oci_config *c, bool present, enum oci_ns_type t,
                          const char *key, const char *sub)
{
        if (!present || oci_config_namespace(c, t))
                return 0;
        size_t d = r->depth;
        push_keys(r, key, sub);
        int k = rd_error(r, "expected a %s namespace in linux.namespaces to apply this to, found none",
                         oci_ns_type_name(t));
        r->depth = d;
        return k;
}

/* The process at the reader's current path (the config's "process", or the
 * top of an exec process.json). */
int oci_validate_process(struct oci_reader *r, const struct oci_process *p)
{
        for (size_t i = 0; p && i < p->n_rlimits; i++)
                for (size_t j = 0; j < i; j++) {
                        if (p->rlimits[i].resource != p->rlimits[j].resource)
                                continue;
                        size_t d = r->depth;
                        rd_push_key(r, "rlimits");
                        rd_push_index(r, j);
                        _cleanup_free_ char *first = rd_path(r);
                        rd_pop(r);
                        rd_push_index(r, i);
                        rd_push_key(r, "type");
                        int k = rd_error(r, "expected each rlimit type once, found \"%s\" again (first at %s)",
                                         p->rlimits[i].type ? p->rlimits[i].type : "?", first ? first : "?");
                        r->depth = d;
                        return k;
                }
        return 0;
}

static int check_process(struct oci_reader *r, const struct oci_process *p)
{
        if (!p)
                return 0;
        rd_push_key(r, "process");
        int k = oci_validate_process(r, p);
        rd_pop(r);
        return k;
}

static bool takes_errno(enum oci_seccomp_action a)
{
        return a == OCI_SECCOMP_ERRNO || a == OCI_SECCOMP_TRACE;
}

static int check_seccomp(struct oci_reader *r, const struct oci_seccomp *s)
{
        if (!s)
                return 0;
        size_t d = r->depth;
        push_keys(r, "linux", "seccomp");
        int k = 0;
        if (s->default_errno_ret.set && !takes_errno(s->default_action)) {
                rd_push_key(r, "defaultErrnoRet");
                k = rd_error(r, "expected defaultAction SCMP_ACT_ERRNO or SCMP_ACT_TRACE with a return value, found %s",
                             oci_seccomp_action_name(s->default_action));
        }
        bool notify = s->default_action == OCI_SECCOMP_NOTIFY;
        for (size_t i = 0; k == 0 && i < s->n_syscalls; i++) {
                const struct oci_seccomp_syscall *sc = &s->syscalls[i];
                notify |= sc->action == OCI_SECCOMP_NOTIFY;
                if (!sc->errno_ret.set || takes_errno(sc->action))
                        continue;
                rd_push_key(r, "syscalls");
                rd_push_index(r, i);
                rd_push_key(r, "errnoRet");
                k = rd_error(r, "expected action SCMP_ACT_ERRNO or SCMP_ACT_TRACE with a return value, found %s",
                             oci_seccomp_action_name(sc->action));
        }
        if (k == 0 && notify && !s->listener_path) {
                rd_push_key(r, "listenerPath");
                k = rd_error(r, "expected the path of a seccomp agent's socket, since SCMP_ACT_NOTIFY is used, found nothing");
        }
        r->depth = d;
        return k;
}

int oci_validate(struct oci_reader *r, const struct oci_config *c)
{
        int k;
        if ((k = check_mount_mappings(r, c)) < 0 || (k = check_process(r, c->process)) < 0)
                return k;
        if ((k = check_needs_ns(r, c, c->hostname && *c->hostname, OCI_NS_UTS, "hostname", NULL)) < 0 ||
            (k = check_needs_ns(r, c, c->domainname && *c->domainname, OCI_NS_UTS, "domainname", NULL)) < 0)
                return k;
        if (!c->linux)
                return 0;
        const struct oci_linux *l = c->linux;
        if ((k = check_namespaces(r, l)) < 0 || (k = check_mappings(r, c)) < 0 || (k = check_sysctls(r, c)) < 0 ||
            (k = check_needs_ns(r, c, l->time_monotonic.present || l->time_boottime.present, OCI_NS_TIME, "linux",
                                "timeOffsets")) < 0 ||
            (k = check_seccomp(r, l->seccomp)) < 0)
                return k;
        return 0;
}
