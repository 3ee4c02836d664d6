/* The systemd cgroup driver: unit names, properties, and the calls to
 * systemd's manager. See cgroup_systemd.h. */
#include "linux/cgroup_systemd.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "linux/cgroup_internal.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
/* Each call, and each job, gets this long: a systemd that does not answer
 * fails the command instead of hanging it. */
#define SD_TIMEOUT_MS 30000
#define SD_INFINITY UINT64_MAX

void bw_sd_unit_clear(struct bw_sd_unit *u)
{
        free(u->slice);
        free(u->name);
        free(u->cgroup);
        *u = (struct bw_sd_unit){ 0 };
}

/* What systemd accepts in a unit name (before the suffix). */
static bool unit_chars(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      strchr(":-_.\\", c)))
                        return false;
        }
        return true;
}

static bool ends_with(const char *s, const char *suffix)
{
        size_t a = strlen(s), b = strlen(suffix);
        return a >= b && strcmp(s + a - b, suffix) == 0;
}

int bw_sd_slice_path(const char *slice, char **out, struct bw_error **err)
{
        static const char fix[] = "give a slice unit name such as system.slice or kubepods-burstable.slice";
        if (strcmp(slice, "-.slice") == 0)
                return (*out = strdup("/")) ? 0 : bw_error_set(err, -ENOMEM, "slice %s", slice);
        if (!ends_with(slice, ".slice") || strlen(slice) > 255)
                return bw_error_msg(err, -EINVAL, "slice \"%s\" is not a slice unit name: %s", slice, fix);
        size_t n = strlen(slice) - strlen(".slice");
        if (n == 0 || !unit_chars(slice, n) || slice[0] == '-' || slice[n - 1] == '-' || memmem(slice, n, "--", 2))
                return bw_error_msg(err, -EINVAL,
                                    "slice \"%s\": a slice name is parts joined by '-', each non-empty, of "
                                    "letters, digits, ':', '_', '.' or '\\'; %s",
                                    slice, fix);
        /* a-b-c.slice is in a-b.slice, in a.slice. */
        _cleanup_free_ char *path = malloc(n * (n + 8) + 2);
        if (!path)
                return bw_error_set(err, -ENOMEM, "slice \"%s\": its cgroup path", slice);
        size_t len = 0;
        for (size_t i = 0; i <= n; i++) {
                if (i < n && slice[i] != '-')
                        continue;
                len += (size_t)sprintf(path + len, "/%.*s.slice", (int)i, slice);
        }
        *out = take_ptr(path);
        return 0;
}

int bw_sd_unit_parse(const char *cgroups_path, const char *id, bool user, struct bw_sd_unit *out,
                     struct bw_error **err)
{
        *out = (struct bw_sd_unit){ 0 };
        const char *p = cgroups_path && *cgroups_path ? cgroups_path : "";
        const char *c1 = strchr(p, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (*p && (!c1 || !c2 || strchr(c2 + 1, ':')))
                return bw_error_msg(err, -EINVAL,
                                    "cgroupsPath \"%s\" is not slice:prefix:name, the form the systemd cgroup "
                                    "driver takes (--systemd-cgroup); give that form, or drop --systemd-cgroup",
                                    p);
        _cleanup_free_ char *slice = c1 ? strndup(p, (size_t)(c1 - p)) : strdup("");
        _cleanup_free_ char *prefix = c1 ? strndup(c1 + 1, (size_t)(c2 - c1 - 1)) : strdup("bulwark");
        const char *name = c2 ? c2 + 1 : id;
        if (!slice || !prefix)
                return bw_error_set(err, -ENOMEM, "cgroupsPath \"%s\"", p);
        if (!*name)
                name = id;
        if (!*slice) {
                free(slice);
                if (!(slice = strdup(user ? "user.slice" : "system.slice")))
                        return bw_error_set(err, -ENOMEM, "cgroupsPath \"%s\": the default slice", p);
        }
        if (!name || !*name || !unit_chars(name, strlen(name)) || !unit_chars(prefix, strlen(prefix)))
                return bw_error_msg(err, -EINVAL,
                                    "cgroupsPath \"%s\": the prefix and name make a unit name, and may hold only "
                                    "letters, digits, ':', '-', '_', '.' and '\\'",
                                    p);
        if (ends_with(name, ".slice"))
                return bw_error_msg(err, -EOPNOTSUPP,
                                    "cgroupsPath \"%s\" names a slice as the container's unit; bulwark puts a "
                                    "container in a scope: give a name without .slice",
                                    p);
        _cleanup_(bw_sd_unit_clear) struct bw_sd_unit u = { 0 };
        int r = *prefix ? asprintf(&u.name, "%s-%s.scope", prefix, name) : asprintf(&u.name, "%s.scope", name);
        if (r < 0) {
                u.name = NULL;
                return bw_error_set(err, -ENOMEM, "cgroupsPath \"%s\": the unit name", p);
        }
        if (strlen(u.name) > 255)
                return bw_error_msg(err, -EINVAL, "unit name %s is longer than systemd's 255 characters", u.name);
        _cleanup_free_ char *dir = NULL;
        if ((r = bw_sd_slice_path(slice, &dir, err)) < 0)
                return bw_error_wrap(err, "cgroupsPath \"%s\"", p);
        if (asprintf(&u.cgroup, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, u.name) < 0) {
                u.cgroup = NULL;
                return bw_error_set(err, -ENOMEM, "cgroupsPath \"%s\": the unit's cgroup", p);
        }
        u.slice = take_ptr(slice);
        *out = u;
        u = (struct bw_sd_unit){ 0 };
        return 0;
}

int bw_sd_cpuset_mask(const char *list, uint8_t **mask, size_t *len, struct bw_error **err)
{
        /* Linux's own limits: 8192 CPUs (NR_CPUS max), 1024 nodes. */
        enum { MAX_BIT = 8192 };
        uint8_t *m = calloc(MAX_BIT / 8, 1);
        if (!m)
                return bw_error_set(err, -ENOMEM, "cpuset \"%s\"", list);
        size_t used = 0;
        const char *s = list;
        while (*s) {
                char *end;
                errno = 0;
                unsigned long a = strtoul(s, &end, 10), b = a;
                if (end == s || *s == '-' || *s == '+' || a >= MAX_BIT)
                        goto bad;
                s = end;
                if (*s == '-') {
                        const char *t = s + 1;
                        b = strtoul(t, &end, 10);
                        if (end == t || *t == '-' || *t == '+' || b >= MAX_BIT || b < a)
                                goto bad;
                        s = end;
                }
                for (unsigned long i = a; i <= b; i++)
                        m[i / 8] |= (uint8_t)(1u << (i % 8));
                if (b / 8 + 1 > used)
                        used = b / 8 + 1;
                if (*s == ',' && s[1])
                        s++;
                else if (*s)
                        goto bad;
        }
        *mask = m;
        *len = used;
        return 0;
bad:
        free(m);
        return bw_error_msg(err, -EINVAL, "cpuset list \"%s\" is not like \"0-3,8\" (numbers below %d)", list,
                            (int)MAX_BIT);
}

int bw_sd_resource_props(const struct oci_resources *res, struct bw_dbus_buf *b, size_t *n, struct bw_error **err)
{
        if (!res || !res->present)
                return 0;
        const struct oci_cpu *c = &res->cpu;
        if (c->shares.set && c->shares.v) {
                bw_dbus_prop_u64(b, "CPUWeight", cg_shares_to_weight(c->shares.v));
                (*n)++;
        }
        if ((c->quota.set && c->quota.v != 0) || (c->period.set && c->period.v)) {
                uint64_t period = c->period.set && c->period.v ? c->period.v : 100000;
                if (c->quota.set && c->quota.v != 0) {
                        uint64_t persec = SD_INFINITY;
                        if (c->quota.v > 0) {
                                /* systemd keeps the quota per second in 1%
                                 * steps: round up so the container gets at
                                 * least what it asked for. */
                                persec = (uint64_t)c->quota.v * 1000000 / period;
                                if (persec % 10000)
                                        persec = (persec / 10000 + 1) * 10000;
                        }
                        bw_dbus_prop_u64(b, "CPUQuotaPerSecUSec", persec);
                        (*n)++;
                }
                if (c->period.set && c->period.v) {
                        bw_dbus_prop_u64(b, "CPUQuotaPeriodUSec", period);
                        (*n)++;
                }
        }
        const char *sets[2][2] = { { c->cpus, "AllowedCPUs" }, { c->mems, "AllowedMemoryNodes" } };
        for (int i = 0; i < 2; i++) {
                if (!sets[i][0] || !*sets[i][0])
                        continue;
                _cleanup_free_ uint8_t *mask = NULL;
                size_t len = 0;
                int r = bw_sd_cpuset_mask(sets[i][0], &mask, &len, err);
                if (r < 0)
                        return bw_error_wrap(err, "linux.resources.cpu.%s", i ? "mems" : "cpus");
                bw_dbus_prop_bytes(b, sets[i][1], mask, len);
                (*n)++;
        }
        const struct oci_memory *m = &res->memory;
        if (m->limit.set) {
                bw_dbus_prop_u64(b, "MemoryMax", m->limit.v < 0 ? SD_INFINITY : (uint64_t)m->limit.v);
                (*n)++;
        }
        if (m->reservation.set) {
                bw_dbus_prop_u64(b, "MemoryLow", m->reservation.v < 0 ? SD_INFINITY : (uint64_t)m->reservation.v);
                (*n)++;
        }
        /* OCI swap is memory plus swap; systemd's is swap alone. A swap
         * without a limit beside it is left to the cgroup2 code, which
         * reads the limit in force (or refuses). */
        if (m->swap.set && (m->swap.v == -1 || (m->limit.set && m->limit.v > 0 && m->swap.v >= m->limit.v))) {
                bw_dbus_prop_u64(b, "MemorySwapMax",
                                 m->swap.v == -1 ? SD_INFINITY : (uint64_t)(m->swap.v - m->limit.v));
                (*n)++;
        }
        if (res->pids.limit.set) {
                bw_dbus_prop_u64(b, "TasksMax", res->pids.limit.v > 0 ? (uint64_t)res->pids.limit.v : SD_INFINITY);
                (*n)++;
        }
        if (res->block_io.weight.set && res->block_io.weight.v) {
                bw_dbus_prop_u64(b, "IOWeight", cg_blkio_to_io_weight(res->block_io.weight.v));
                (*n)++;
        }
        return b->oom ? -ENOMEM : 0;
}

/* "char-NAME" entries for every name /proc/devices gives major in the
 * section of type ('c' or 'b'); false when it names none. */
static bool major_names(const char *proc_devices, char type, int64_t major, char ***names)
{
        const char *want = type == 'c' ? "Character devices:" : "Block devices:";
        bool in = false, found = false;
        _cleanup_free_ char *copy = strdup(proc_devices ? proc_devices : "");
        if (!copy)
                return false;
        for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                if (strchr(line, ':')) {
                        in = strcmp(line, want) == 0;
                        continue;
                }
                long long maj;
                char name[128];
                if (!in || sscanf(line, "%lld %127s", &maj, name) != 2 || maj != major)
                        continue;
                _cleanup_free_ char *entry = NULL;
                if (asprintf(&entry, "%s-%s", type == 'c' ? "char" : "block", name) < 0 || bw_strv_push(names, entry) < 0)
                        return false;
                found = true;
        }
        return found;
}

int bw_sd_device_props(const struct oci_device_rule *rules, size_t n_rules, const char *proc_devices,
                       struct bw_dbus_buf *b, size_t *n, struct bw_error **err)
{
        struct cg_dev_set set = { 0 };
        int r = cg_dev_set_from_rules(rules, n_rules, &set, err);
        if (r < 0)
                return r;
        _cleanup_strv_ char **nodes = NULL, **access = NULL;
        bool exact = !set.default_allow;
        for (size_t i = 0; exact && i < set.n; i++) {
                const struct cg_dev_exc *e = &set.v[i];
                char acc[4];
                cg_dev_access_format(e->access, acc);
                const char types[2] = { 'c', 'b' };
                for (int t = 0; t < 2 && exact; t++) {
                        if (e->type != 'a' && e->type != types[t])
                                continue;
                        const char *word = types[t] == 'c' ? "char" : "block";
                        _cleanup_strv_ char **these = NULL;
                        _cleanup_free_ char *one = NULL;
                        if (e->major < 0) {
                                if (asprintf(&one, "%s-*", word) < 0)
                                        one = NULL;
                        } else if (e->minor < 0) {
                                exact = major_names(proc_devices, types[t], e->major, &these);
                        } else if (asprintf(&one, "/dev/%s/%" PRId64 ":%" PRId64, word, e->major, e->minor) < 0) {
                                one = NULL;
                        }
                        if (one && bw_strv_push(&these, one) < 0)
                                exact = false;
                        if (!exact)
                                break;
                        if (!these) {
                                cg_dev_set_clear(&set);
                                return bw_error_set(err, -ENOMEM, "the device rules for systemd's DeviceAllow");
                        }
                        for (size_t j = 0; these[j]; j++)
                                if (bw_strv_push(&nodes, these[j]) < 0 || bw_strv_push(&access, acc) < 0) {
                                        cg_dev_set_clear(&set);
                                        return bw_error_set(err, -ENOMEM, "the device rules for systemd's DeviceAllow");
                                }
                }
        }
        cg_dev_set_clear(&set);
        bw_dbus_prop_str(b, "DevicePolicy", exact ? "strict" : "auto");
        bw_dbus_prop_begin(b, "DeviceAllow", "a(ss)");
        struct bw_dbus_array a = bw_dbus_array_begin(b, 8);
        for (size_t i = 0; exact && nodes && nodes[i]; i++) {
                bw_dbus_align(b, 8);
                bw_dbus_put_str(b, nodes[i]);
                bw_dbus_put_str(b, access[i]);
        }
        bw_dbus_array_end(b, a);
        *n += 2;
        return b->oom ? -ENOMEM : 0;
}

/* Names bulwark sets itself: an annotation may not give them a second
 * value. */
static const char *const own_props[] = {
        "PIDs", "Slice", "Delegate", "DefaultDependencies", "Description", "CPUWeight", "CPUQuotaPerSecUSec",
        "CPUQuotaPeriodUSec", "AllowedCPUs", "AllowedMemoryNodes", "MemoryMax", "MemoryLow", "MemorySwapMax",
        "TasksMax", "IOWeight", "DevicePolicy", "DeviceAllow", "MemoryAccounting", "CPUAccounting", "IOAccounting", "TasksAccounting", NULL,
};

static bool prop_name_ok(const char *s)
{
        if (!(s[0] >= 'A' && s[0] <= 'Z') || strlen(s) > 128)
                return false;
        for (const char *c = s; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
                        return false;
        return true;
}

/* "uint64 12" / "@t 12" and friends: the number after the type, or NULL. */
static const char *typed(const char *v, const char *word, char code)
{
        size_t n = strlen(word);
        if (strncmp(v, word, n) == 0 && v[n] == ' ')
                return v + n + 1;
        if (v[0] == '@' && v[1] == code && v[2] == ' ')
                return v + 3;
        return NULL;
}

static bool parse_int(const char *s, bool sign, int64_t lo, uint64_t hi, uint64_t *out)
{
        while (*s == ' ')
                s++;
        bool neg = *s == '-';
        if (neg && !sign)
                return false;
        const char *d = s + neg;
        if (*d < '0' || *d > '9')
                return false;
        char *end;
        errno = 0;
        unsigned long long v = strtoull(d, &end, 10);
        if (errno || *end)
                return false;
        if (neg) {
                if (v > (unsigned long long)(-(lo + 1)) + 1)
                        return false;
                *out = (uint64_t)(-(int64_t)(v - 1) - 1);
                return true;
        }
        if (v > hi)
                return false;
        *out = v;
        return true;
}

static int annotation_prop(const char *name, const char *v, struct bw_dbus_buf *b, struct bw_error **err)
{
        static const char forms[] =
                "true, false, 'text', uint64 N, uint32 N, int64 N, int32 N (or @t @u @x @i N), or a bare N";
        /* NameSec in seconds becomes NameUSec in microseconds. */
        size_t nl = strlen(name);
        bool sec = nl > 3 && strcmp(name + nl - 3, "Sec") == 0 && !(nl > 4 && name[nl - 4] == 'U');
        _cleanup_free_ char *usec = NULL;
        if (sec && asprintf(&usec, "%.*sUSec", (int)(nl - 3), name) < 0)
                return bw_error_set(err, -ENOMEM, "unit property %s", name);
        if (usec)
                for (size_t i = 0; own_props[i]; i++)
                        if (strcmp(own_props[i], usec) == 0)
                                return bw_error_msg(err, -EINVAL, "%s is set by bulwark itself", usec);
        uint64_t u;
        const char *num;
        if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0) {
                if (sec)
                        goto bad;
                bw_dbus_prop_bool(b, name, v[0] == 't');
        } else if ((v[0] == '\'' || v[0] == '"') && strlen(v) >= 2 && v[strlen(v) - 1] == v[0]) {
                size_t n = strlen(v) - 2;
                if (sec || memchr(v + 1, '\\', n) || memchr(v + 1, v[0], n))
                        goto bad;
                _cleanup_free_ char *s = strndup(v + 1, n);
                if (!s)
                        return bw_error_set(err, -ENOMEM, "unit property %s", name);
                bw_dbus_prop_str(b, name, s);
        } else if ((num = typed(v, "uint64", 't')) && parse_int(num, false, 0, UINT64_MAX, &u)) {
                if (sec && u > UINT64_MAX / 1000000)
                        goto bad;
                bw_dbus_prop_u64(b, usec ? usec : name, sec ? u * 1000000 : u);
        } else if ((num = typed(v, "uint32", 'u')) && parse_int(num, false, 0, UINT32_MAX, &u)) {
                if (sec) {
                        bw_dbus_prop_u64(b, usec, u * 1000000);
                } else {
                        bw_dbus_prop_begin(b, name, "u");
                        bw_dbus_put_u32(b, (uint32_t)u);
                }
        } else if ((num = typed(v, "int64", 'x')) && parse_int(num, true, INT64_MIN, INT64_MAX, &u)) {
                if (sec)
                        goto bad;
                bw_dbus_prop_begin(b, name, "x");
                bw_dbus_put_u64(b, u);
        } else if (((num = typed(v, "int32", 'i')) || (num = v)) && parse_int(num, true, INT32_MIN, INT32_MAX, &u)) {
                if (sec) {
                        if ((int64_t)u < 0)
                                goto bad;
                        bw_dbus_prop_u64(b, usec, u * 1000000);
                } else {
                        bw_dbus_prop_begin(b, name, "i");
                        bw_dbus_put_i32(b, (int32_t)(int64_t)u);
                }
        } else {
                goto bad;
        }
        return b->oom ? -ENOMEM : 0;
bad:
        return bw_error_msg(err, -EINVAL, "value \"%s\" is not one bulwark understands%s: give %s", v,
                            sec ? " for a time in seconds" : "", sec ? "a whole number of seconds (N, uint64 N)" : forms);
}

int bw_sd_annotation_props(const struct oci_kv_list *ann, struct bw_dbus_buf *b, size_t *n, struct bw_error **err)
{
        size_t pl = strlen(BW_SD_ANNOTATION);
        for (size_t i = 0; ann && i < ann->n; i++) {
                const char *k = ann->v[i].key, *v = ann->v[i].value;
                if (strncmp(k, BW_SD_ANNOTATION, pl) != 0)
                        continue;
                const char *name = k + pl;
                if (!prop_name_ok(name))
                        return bw_error_msg(err, -EINVAL,
                                            "annotation %s: \"%s\" is not a unit property name (letters and digits, "
                                            "starting with a capital)",
                                            k, name);
                for (size_t j = 0; own_props[j]; j++)
                        if (strcmp(own_props[j], name) == 0)
                                return bw_error_msg(err, -EINVAL,
                                                    "annotation %s: bulwark sets %s itself (from the config); remove "
                                                    "the annotation",
                                                    k, name);
                int r = annotation_prop(name, v ? v : "", b, err);
                if (r < 0)
                        return bw_error_wrap(err, "annotation %s", k);
                (*n)++;
        }
        return 0;
}

/* ---- talking to systemd ---- */

struct bw_sd {
        struct bw_dbus *bus;
};

void bw_sd_close(struct bw_sd *sd)
{
        if (!sd)
                return;
        bw_dbus_close(sd->bus);
        free(sd);
}

/* "unix:path=/x,guid=..." -> "/x" (other transports: NULL). */
static char *unix_path(const char *address)
{
        if (!address)
                return NULL;
        const char *p = strstr(address, "unix:path=");
        if (!p)
                return NULL;
        p += strlen("unix:path=");
        return strndup(p, strcspn(p, ",;"));
}

static bool exists(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0;
}

int bw_sd_connect(struct bw_sd **out, struct bw_error **err)
{
        bool root = geteuid() == 0;
        const char *rt = getenv("XDG_RUNTIME_DIR");
        _cleanup_free_ char *priv = NULL, *bus = NULL;
        if (root) {
                priv = strdup("/run/systemd/private");
                bus = unix_path(getenv("DBUS_SYSTEM_BUS_ADDRESS"));
                if (!bus)
                        bus = strdup("/run/dbus/system_bus_socket");
        } else {
                if (rt && asprintf(&priv, "%s/systemd/private", rt) < 0)
                        priv = NULL;
                bus = unix_path(getenv("DBUS_SESSION_BUS_ADDRESS"));
                if (!bus && rt && asprintf(&bus, "%s/bus", rt) < 0)
                        bus = NULL;
        }
        static const char fix[] =
                "use the cgroupfs driver instead (drop --systemd-cgroup and give a cgroupsPath like /bulwark/ID; "
                "Docker: --exec-opt native.cgroupdriver=cgroupfs; containerd: SystemdCgroup = false; "
                "Podman: --cgroup-manager=cgroupfs)";
        if (root && !exists("/run/systemd/system"))
                return bw_error_msg(err, -EOPNOTSUPP,
                                    "--systemd-cgroup: this host does not run systemd (no /run/systemd/system); %s",
                                    fix);
        /* The message bus first, as sd-bus's default: it reads from each
         * peer on its own, and delivers only the signals matched. systemd's
         * private socket (where every signal comes to every client) when
         * there is no bus. */
        _cleanup_error_ struct bw_error *e1 = NULL, *e2 = NULL;
        struct bw_dbus *c = NULL;
        int r = -ENOENT;
        if (bus)
                r = bw_dbus_open(bus, true, SD_TIMEOUT_MS, &c, &e1);
        if (r < 0 && priv)
                r = bw_dbus_open(priv, false, SD_TIMEOUT_MS, &c, &e2);
        if (r < 0)
                return bw_error_msg(err, r,
                                    "--systemd-cgroup: cannot reach %s systemd manager (%s%s%s); is systemd running%s? "
                                    "Or %s",
                                    root ? "the" : "your user's", e1 ? e1->msg : "no bus address",
                                    e2 ? "; " : "", e2 ? e2->msg : "",
                                    root ? "" : " for you (loginctl enable-linger)", fix);
        struct bw_sd *sd = calloc(1, sizeof(*sd));
        if (!sd) {
                bw_dbus_close(c);
                return bw_error_set(err, -ENOMEM, "connecting to systemd");
        }
        sd->bus = c;
        *out = sd;
        return 0;
}

static int call(struct bw_sd *sd, const char *path, const char *iface, const char *member, const char *sig,
                const struct bw_dbus_buf *body, struct bw_dbus_msg *reply, struct bw_error **err)
{
        return bw_dbus_call(sd->bus, SD_DEST, path, iface, member, sig, body, SD_TIMEOUT_MS, reply, err);
}

/* Ask for JobRemoved signals: systemd sends them only to subscribers (and
 * a message bus only to who matches them). */
static int subscribe(struct bw_sd *sd, struct bw_error **err)
{
        if (bw_dbus_is_bus(sd->bus)) {
                _cleanup_(bw_dbus_buf_free) struct bw_dbus_buf b = { 0 };
                bw_dbus_put_str(&b, "type='signal',sender='" SD_DEST "',interface='" SD_MANAGER
                                    "',member='JobRemoved'");
                int r = bw_dbus_call(sd->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                     "AddMatch", "s", &b, SD_TIMEOUT_MS, NULL, err);
                if (r < 0)
                        return r;
        }
        return call(sd, SD_PATH, SD_MANAGER, "Subscribe", NULL, NULL, NULL, err);
}

/* The job path of a reply "(o)". *job is malloc'd. */
static int reply_path(const struct bw_dbus_msg *m, char **job)
{
        struct bw_dbus_rd rd;
        const char *s;
        if (!m->sig || strcmp(m->sig, "o") != 0)
                return -EBADMSG;
        bw_dbus_rd_init(&rd, m->body, m->body_len);
        if (bw_dbus_get_str(&rd, &s) < 0)
                return -EBADMSG;
        return (*job = strdup(s)) ? 0 : -ENOMEM;
}

/* Wait for JobRemoved of job; its result must be "done". */
static int wait_job(struct bw_sd *sd, const char *job, const char *what, struct bw_error **err)
{
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (;;) {
                struct timespec t;
                clock_gettime(CLOCK_MONOTONIC, &t);
                long left = SD_TIMEOUT_MS - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
                if (left <= 0)
                        left = 0;
                _cleanup_(bw_dbus_msg_free) struct bw_dbus_msg m = { 0 };
                int r = left ? bw_dbus_next_signal(sd->bus, (int)left, &m, err) : -ETIMEDOUT;
                if (r == -ETIMEDOUT)
                        return bw_error_msg(err, r, "%s: systemd did not finish job %s within %d s", what, job,
                                            SD_TIMEOUT_MS / 1000);
                if (r < 0)
                        return bw_error_wrap(err, "%s", what);
                if (!m.member || strcmp(m.member, "JobRemoved") != 0 || !m.sig || strcmp(m.sig, "uoss") != 0)
                        continue;
                struct bw_dbus_rd rd;
                bw_dbus_rd_init(&rd, m.body, m.body_len);
                uint32_t id;
                const char *path, *unit, *result;
                if (bw_dbus_get_u32(&rd, &id) < 0 || bw_dbus_get_str(&rd, &path) < 0 ||
                    bw_dbus_get_str(&rd, &unit) < 0 || bw_dbus_get_str(&rd, &result) < 0)
                        continue;
                if (strcmp(path, job) != 0)
                        continue;
                if (strcmp(result, "done") != 0)
                        return bw_error_msg(err, -EIO, "%s: systemd's job for %s ended \"%s\" (journalctl -u %s says why)",
                                            what, unit, result, unit);
                return 0;
        }
}

/* The unit's ControlGroup property, through its object path. */
static int control_group(struct bw_sd *sd, const char *name, char **cgroup, struct bw_error **err)
{
        _cleanup_(bw_dbus_buf_free) struct bw_dbus_buf b = { 0 };
        _cleanup_(bw_dbus_msg_free) struct bw_dbus_msg m = { 0 }, g = { 0 };
        _cleanup_free_ char *path = NULL;
        bw_dbus_put_str(&b, name);
        int r = call(sd, SD_PATH, SD_MANAGER, "GetUnit", "s", &b, &m, err);
        if (r < 0)
                return r;
        if (reply_path(&m, &path) < 0)
                return bw_error_msg(err, -EBADMSG, "GetUnit %s: the reply is not an object path", name);
        b.len = 0;
        bw_dbus_put_str(&b, "org.freedesktop.systemd1.Scope");
        bw_dbus_put_str(&b, "ControlGroup");
        if ((r = call(sd, path, "org.freedesktop.DBus.Properties", "Get", "ss", &b, &g, err)) < 0)
                return r;
        struct bw_dbus_rd rd;
        bw_dbus_rd_init(&rd, g.body, g.body_len);
        const char *sig, *cg;
        if (!g.sig || strcmp(g.sig, "v") != 0 || bw_dbus_get_sig(&rd, &sig) < 0 || strcmp(sig, "s") != 0 ||
            bw_dbus_get_str(&rd, &cg) < 0)
                return bw_error_msg(err, -EBADMSG, "ControlGroup of %s: the reply is not a string", name);
        if (cg[0] != '/')
                return bw_error_msg(err, -ENOENT, "%s has no cgroup (ControlGroup \"%s\")", name, cg);
        return (*cgroup = strdup(cg)) ? 0 : bw_error_set(err, -ENOMEM, "ControlGroup of %s", name);
}

static bool error_is(const struct bw_dbus_msg *m, const char *name)
{
        return m->type == BW_DBUS_ERROR && m->error_name && strcmp(m->error_name, name) == 0;
}

int bw_sd_start(struct bw_sd *sd, const struct bw_sd_unit *u, const char *id, pid_t pid,
                const struct oci_resources *res, const struct oci_kv_list *annotations, bool *started,
                char **cgroup, struct bw_error **err)
{
        int r = subscribe(sd, err);
        if (r < 0)
                return bw_error_wrap(err, "starting %s", u->name);
        _cleanup_(bw_dbus_buf_free) struct bw_dbus_buf b = { 0 };
        _cleanup_free_ char *desc = NULL;
        if (asprintf(&desc, "bulwark container %s", id) < 0)
                return bw_error_set(err, -ENOMEM, "starting %s", u->name);
        bw_dbus_put_str(&b, u->name);
        bw_dbus_put_str(&b, "replace");
        struct bw_dbus_array props = bw_dbus_array_begin(&b, 8);
        size_t n = 0;
        uint32_t p = (uint32_t)pid;
        bw_dbus_prop_str(&b, "Description", desc);
        bw_dbus_prop_str(&b, "Slice", u->slice);
        bw_dbus_prop_bool(&b, "Delegate", true);
        bw_dbus_prop_u32s(&b, "PIDs", &p, 1);
        /* Not ordered against shutdown.target and friends: the engine stops
         * its containers, not systemd's default dependencies. */
        bw_dbus_prop_bool(&b, "DefaultDependencies", false);
        bw_dbus_prop_bool(&b, "MemoryAccounting", true);
        bw_dbus_prop_bool(&b, "CPUAccounting", true);
        bw_dbus_prop_bool(&b, "IOAccounting", true);
        bw_dbus_prop_bool(&b, "TasksAccounting", true);
        _cleanup_free_ char *proc_devices = NULL;
        if (res && res->n_devices) {
                size_t len = 0;
                _cleanup_fclose_ FILE *f = fopen("/proc/devices", "re");
                if (f && getdelim(&proc_devices, &len, '\0', f) < 0) {
                        free(proc_devices);
                        proc_devices = NULL;
                }
        }
        if ((r = bw_sd_resource_props(res, &b, &n, err)) < 0 ||
            (res && res->n_devices && (r = bw_sd_device_props(res->devices, res->n_devices, proc_devices, &b, &n, err)) < 0) ||
            (r = bw_sd_annotation_props(annotations, &b, &n, err)) < 0)
                return bw_error_wrap(err, "unit properties of %s", u->name);
        bw_dbus_array_end(&b, props);
        struct bw_dbus_array aux = bw_dbus_array_begin(&b, 8);
        bw_dbus_array_end(&b, aux);
        _cleanup_(bw_dbus_msg_free) struct bw_dbus_msg m = { 0 };
        r = call(sd, SD_PATH, SD_MANAGER, "StartTransientUnit", "ssa(sv)a(sa(sv))", &b, &m, err);
        if (r < 0 && error_is(&m, "org.freedesktop.systemd1.UnitExists"))
                return bw_error_wrap(err, "unit %s already exists (a container with this name still running, or "
                                          "not yet deleted?); delete it or give another name",
                                     u->name);
        if (r < 0)
                return bw_error_wrap(err, "starting %s", u->name);
        *started = true;
        _cleanup_free_ char *job = NULL;
        if (reply_path(&m, &job) < 0)
                return bw_error_msg(err, -EBADMSG, "StartTransientUnit %s: the reply is not a job path", u->name);
        if ((r = wait_job(sd, job, "starting", err)) < 0)
                return bw_error_wrap(err, "unit %s", u->name);
        if ((r = control_group(sd, u->name, cgroup, err)) < 0)
                return bw_error_wrap(err, "started %s", u->name);
        bw_debug("systemd scope %s started in %s (cgroup %s)", u->name, u->slice, *cgroup);
        return 0;
}

int bw_sd_update(struct bw_sd *sd, const struct bw_sd_unit *u, const struct oci_resources *res,
                 struct bw_error **err)
{
        _cleanup_(bw_dbus_buf_free) struct bw_dbus_buf b = { 0 };
        bw_dbus_put_str(&b, u->name);
        bw_dbus_put_bool(&b, true); /* runtime: gone at reboot, as the scope is */
        struct bw_dbus_array props = bw_dbus_array_begin(&b, 8);
        size_t n = 0;
        int r = bw_sd_resource_props(res, &b, &n, err);
        if (r < 0)
                return bw_error_wrap(err, "unit properties of %s", u->name);
        bw_dbus_array_end(&b, props);
        if (!n)
                return 0;
        if ((r = call(sd, SD_PATH, SD_MANAGER, "SetUnitProperties", "sba(sv)", &b, NULL, err)) < 0)
                return bw_error_wrap(err, "updating %s", u->name);
        return 0;
}

int bw_sd_stop(struct bw_sd *sd, const struct bw_sd_unit *u, struct bw_error **err)
{
        int r = subscribe(sd, err);
        if (r < 0)
                return bw_error_wrap(err, "stopping %s", u->name);
        _cleanup_(bw_dbus_buf_free) struct bw_dbus_buf b = { 0 };
        bw_dbus_put_str(&b, u->name);
        bw_dbus_put_str(&b, "replace");
        _cleanup_(bw_dbus_msg_free) struct bw_dbus_msg m = { 0 };
        _cleanup_error_ struct bw_error *e = NULL;
        r = call(sd, SD_PATH, SD_MANAGER, "StopUnit", "ss", &b, &m, &e);
        if (r < 0 && error_is(&m, "org.freedesktop.systemd1.NoSuchUnit"))
                return 0; /* its processes exited and systemd collected it */
        if (r < 0) {
                if (err && !*err)
                        *err = take_ptr(e);
                return bw_error_wrap(err, "stopping %s", u->name);
        }
        _cleanup_free_ char *job = NULL;
        if (reply_path(&m, &job) < 0)
                return bw_error_msg(err, -EBADMSG, "StopUnit %s: the reply is not a job path", u->name);
        if ((r = wait_job(sd, job, "stopping", err)) < 0)
                return bw_error_wrap(err, "unit %s", u->name);
        return 0;
}
