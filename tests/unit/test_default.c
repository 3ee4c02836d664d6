/* The hardened default config: what `bulwark spec` writes must satisfy the
 * restricted profile on its own. */
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include <jansson.h>

#include "oci/default.h"
#include "oci/load.h"
#include "tap.h"
#include "util/cleanup.h"

static bool in_list(const char *const *list, const char *s)
{
        for (; *list; list++)
                if (strcmp(*list, s) == 0)
                        return true;
        return false;
}

static bool array_has(json_t *a, const char *s)
{
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v)
                if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
                        return true;
        return false;
}

/* A JSON string array equals a NULL-terminated list, in order. */
static bool array_is(json_t *a, const char *const *list)
{
        size_t n = 0;
        while (list[n])
                n++;
        if (!json_is_array(a) || json_array_size(a) != n)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!json_is_string(json_array_get(a, i)) ||
                    strcmp(json_string_value(json_array_get(a, i)), list[i]) != 0)
                        return false;
        return true;
}

static json_t *namespace(json_t *config, const char *type)
{
        size_t i;
        json_t *ns;
        json_array_foreach(json_object_get(json_object_get(config, "linux"), "namespaces"), i, ns)
                if (strcmp(json_string_value(json_object_get(ns, "type")), type) == 0)
                        return ns;
        return NULL;
}

static json_t *mount_at(json_t *config, const char *dest)
{
        size_t i;
        json_t *m;
        json_array_foreach(json_object_get(config, "mounts"), i, m)
                if (strcmp(json_string_value(json_object_get(m, "destination")), dest) == 0)
                        return m;
        return NULL;
}

static void check_capabilities(json_t *config)
{
        json_t *caps = json_object_get(json_object_get(config, "process"), "capabilities");
        static const char *const sets[] = { "bounding", "effective", "permitted", "inheritable", "ambient" };
        bool all_allowed = true, all_known = true;
        for (size_t s = 0; s < ARRAY_SIZE(sets); s++) {
                size_t i;
                json_t *v;
                json_t *set = json_object_get(caps, sets[s]);
                tap_ok(json_is_array(set), "capabilities.%s is present", sets[s]);
                json_array_foreach(set, i, v) {
                        const char *name = json_string_value(v);
                        cap_value_t c;
                        if (!name || !in_list(bw_restricted_capabilities, name))
                                all_allowed = false;
                        if (!name || cap_from_name(name, &c) < 0)
                                all_known = false;
                }
        }
        tap_ok(all_allowed, "every capability in every set is one the restricted profile allows");
        tap_ok(all_known, "libcap knows every capability name the config uses");
        static const char *const dangerous[] = {
                "CAP_SYS_ADMIN", "CAP_NET_RAW", "CAP_MKNOD", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
                "CAP_CHOWN", "CAP_FOWNER", "CAP_SYS_PTRACE", "CAP_SYS_MODULE", "CAP_NET_ADMIN", "CAP_BPF",
        };
        bool none = true;
        for (size_t d = 0; d < ARRAY_SIZE(dangerous); d++)
                for (size_t s = 0; s < ARRAY_SIZE(sets); s++)
                        if (array_has(json_object_get(caps, sets[s]), dangerous[d])) {
                                printf("# %s in %s\n", dangerous[d], sets[s]);
                                none = false;
                        }
        tap_ok(none, "no dangerous capability (SYS_ADMIN, NET_RAW, MKNOD, DAC_OVERRIDE, ...) in any set");
        tap_ok(array_is(json_object_get(caps, "bounding"), bw_spec_capabilities) &&
               array_is(json_object_get(caps, "effective"), bw_spec_capabilities) &&
               array_is(json_object_get(caps, "permitted"), bw_spec_capabilities),
               "bounding, effective and permitted are exactly AUDIT_WRITE, KILL, NET_BIND_SERVICE");
        tap_is_int(json_array_size(json_object_get(caps, "inheritable")), 0, "nothing inheritable");
        tap_is_int(json_array_size(json_object_get(caps, "ambient")), 0, "nothing ambient");
}

static void check_common(json_t *c, const char *variant)
{
        printf("# %s\n", variant);
        tap_is_str(json_string_value(json_object_get(c, "ociVersion")), "1.2.0", "ociVersion 1.2.0");
        json_t *root = json_object_get(c, "root");
        tap_is_str(json_string_value(json_object_get(root, "path")), "rootfs", "root.path is rootfs");
        tap_ok(json_is_true(json_object_get(root, "readonly")), "root is read-only");
        json_t *proc = json_object_get(c, "process");
        tap_ok(json_is_true(json_object_get(proc, "noNewPrivileges")), "noNewPrivileges is on");
        tap_ok(json_is_false(json_object_get(proc, "terminal")), "no terminal");
        tap_is_int(json_integer_value(json_object_get(json_object_get(proc, "user"), "uid")), 0, "runs as container root");
        json_t *rl = json_array_get(json_object_get(proc, "rlimits"), 0);
        tap_is_str(json_string_value(json_object_get(rl, "type")), "RLIMIT_NOFILE", "an RLIMIT_NOFILE rlimit");
        tap_is_int(json_integer_value(json_object_get(rl, "hard")), 1024, "RLIMIT_NOFILE hard 1024");
        check_capabilities(c);

        json_t *userns = namespace(c, "user");
        tap_ok(userns != NULL, "a user namespace");
        tap_ok(userns && !json_object_get(userns, "path"), "the user namespace is new (no path)");
        static const char *const types[] = { "pid", "network", "ipc", "uts", "mount", "cgroup" };
        for (size_t i = 0; i < ARRAY_SIZE(types); i++)
                tap_ok(namespace(c, types[i]) != NULL, "a new %s namespace", types[i]);
        tap_is_int(json_array_size(json_object_get(json_object_get(c, "linux"), "namespaces")), 7,
                   "seven namespaces, none twice");

        json_t *lx = json_object_get(c, "linux");
        tap_ok(array_is(json_object_get(lx, "maskedPaths"), bw_default_masked_paths), "maskedPaths is the profile's list");
        static const char *const must_mask[] = { "/proc/kcore", "/proc/keys", "/proc/timer_list",
                                                  "/proc/sched_debug", "/proc/acpi", "/proc/scsi", "/sys/firmware" };
        for (size_t i = 0; i < ARRAY_SIZE(must_mask); i++)
                tap_ok(array_has(json_object_get(lx, "maskedPaths"), must_mask[i]), "%s is masked", must_mask[i]);
        tap_ok(array_is(json_object_get(lx, "readonlyPaths"), bw_default_readonly_paths), "readonlyPaths is the profile's list");
        static const char *const must_ro[] = { "/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs" };
        for (size_t i = 0; i < ARRAY_SIZE(must_ro); i++)
                tap_ok(array_has(json_object_get(lx, "readonlyPaths"), must_ro[i]), "%s is read-only", must_ro[i]);

        json_t *pts = mount_at(c, "/dev/pts");
        bool gid_opt = false;
        size_t i;
        json_t *o;
        json_array_foreach(json_object_get(pts, "options"), i, o)
                if (strncmp(json_string_value(o), "gid=", 4) == 0)
                        gid_opt = true;
        tap_ok(pts && !gid_opt, "devpts has no gid= (the gid may be unmapped in the user namespace)");
        tap_ok(array_has(json_object_get(mount_at(c, "/sys"), "options"), "ro"), "/sys is read-only");
        tap_ok(array_has(json_object_get(mount_at(c, "/sys/fs/cgroup"), "options"), "ro"), "/sys/fs/cgroup is read-only");
        bool no_bind = true;
        json_array_foreach(json_object_get(c, "mounts"), i, o) {
                const char *src = json_string_value(json_object_get(o, "source"));
                if (!src || src[0] == '/')
                        no_bind = false;
        }
        tap_ok(no_bind, "no mount takes a host path as its source");
}

/* The config through the loader: what create will read. */
static struct oci_config *load(json_t *c, const char *what)
{
        _cleanup_free_ char *text = json_dumps(c, JSON_INDENT(2));
        _cleanup_error_ struct bw_error *err = NULL;
        struct oci_config *cfg = NULL;
        int r = text ? oci_config_load_data(text, strlen(text), "config.json", &cfg, &err) : -1;
        tap_ok(r == 0, "the %s config loads and validates%s%s", what, err ? ": " : "", err ? err->msg : "");
        return r == 0 ? cfg : NULL;
}

int main(void)
{
        {
                struct bw_spec_options opt = { .rootless = false, .uid = 1000, .gid = 1000 };
                _cleanup_json_ json_t *c = bw_default_spec(&opt);
                tap_ok(c != NULL, "the default config builds");
                if (!c)
                        return tap_done();
                check_common(c, "default");
                json_t *lx = json_object_get(c, "linux");
                tap_ok(!json_object_get(lx, "uidMappings") && !json_object_get(lx, "gidMappings"),
                       "no uid/gid mappings: bulwark create picks the container's range");
                json_t *dev = json_array_get(json_object_get(json_object_get(lx, "resources"), "devices"), 0);
                tap_ok(dev && json_is_false(json_object_get(dev, "allow")) && !json_object_get(dev, "type") &&
                       !json_object_get(dev, "major") && !json_object_get(dev, "minor"),
                       "the first device rule denies every device");
                tap_is_str(json_string_value(json_object_get(dev, "access")), "rwm", "... for read, write and mknod");
                tap_is_int(json_array_size(json_object_get(json_object_get(lx, "resources"), "devices")), 1,
                           "the config adds no device allows of its own");
                json_t *pids = json_object_get(json_object_get(json_object_get(lx, "resources"), "pids"), "limit");
                tap_ok(json_is_integer(pids) && json_integer_value(pids) > 0, "a pids limit");
                _cleanup_json_ json_t *again = bw_default_spec(&opt);
                tap_ok(json_equal(c, again), "the same options give the same config");
                struct oci_config *cfg = load(c, "default");
                if (cfg) {
                        const struct oci_namespace *u = oci_config_namespace(cfg, OCI_NS_USER);
                        tap_ok(u && !u->path, "loaded: a new user namespace");
                        tap_ok(!cfg->linux->uid_mappings.present && !cfg->linux->gid_mappings.present,
                               "loaded: no mappings");
                        tap_ok(cfg->process->no_new_privileges && cfg->root.readonly,
                               "loaded: noNewPrivileges and a read-only root");
                        tap_ok(cfg->process->capabilities.bounding.mask ==
                                       ((1ULL << CAP_AUDIT_WRITE) | (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE)),
                               "loaded: the bounding set is AUDIT_WRITE, KILL, NET_BIND_SERVICE");
                        tap_ok(cfg->process->capabilities.ambient.present && cfg->process->capabilities.ambient.mask == 0,
                               "loaded: an empty ambient set");
                        oci_config_free(cfg);
                }
        }
        {
                struct bw_spec_options opt = { .rootless = true, .uid = getuid(), .gid = getgid() };
                _cleanup_json_ json_t *c = bw_default_spec(&opt);
                tap_ok(c != NULL, "the rootless config builds");
                if (!c)
                        return tap_done();
                check_common(c, "rootless");
                json_t *lx = json_object_get(c, "linux");
                json_t *um = json_object_get(lx, "uidMappings"), *gm = json_object_get(lx, "gidMappings");
                tap_is_int(json_array_size(um), 1, "one uid mapping");
                tap_is_int(json_integer_value(json_object_get(json_array_get(um, 0), "containerID")), 0, "uid: container root ...");
                tap_is_int(json_integer_value(json_object_get(json_array_get(um, 0), "hostID")), getuid(), "... is getuid()");
                tap_is_int(json_integer_value(json_object_get(json_array_get(um, 0), "size")), 1, "... and only that id");
                tap_is_int(json_array_size(gm), 1, "one gid mapping");
                tap_is_int(json_integer_value(json_object_get(json_array_get(gm, 0), "hostID")), getgid(), "gid: container root is getgid()");
                tap_ok(!json_object_get(lx, "resources"), "no cgroup resources (they need root)");
                struct oci_config *cfg = load(c, "rootless");
                if (cfg) {
                        tap_ok(cfg->linux->uid_mappings.n == 1 && cfg->linux->uid_mappings.v[0].host_id == getuid() &&
                               cfg->linux->uid_mappings.v[0].container_id == 0 && cfg->linux->uid_mappings.v[0].size == 1,
                               "loaded: uid 0 maps to getuid()");
                        tap_ok(cfg->linux->gid_mappings.n == 1 && cfg->linux->gid_mappings.v[0].host_id == getgid(),
                               "loaded: gid 0 maps to getgid()");
                        oci_config_free(cfg);
                }
        }
        {
                struct bw_spec_options opt = { .rootless = true, .uid = 4000000000u, .gid = 12345 };
                _cleanup_json_ json_t *c = bw_default_spec(&opt);
                json_t *um = json_object_get(json_object_get(c, "linux"), "uidMappings");
                tap_is_int(json_integer_value(json_object_get(json_array_get(um, 0), "hostID")), 4000000000LL,
                           "a uid above 2^31 is written as it is");
        }
        {
                bool subset = true;
                for (const char *const *p = bw_spec_capabilities; *p; p++)
                        subset &= in_list(bw_restricted_capabilities, *p);
                tap_ok(subset, "what spec grants is within what the profile allows");
                bool devs = true;
                for (const struct bw_default_device *d = bw_default_devices; d->path; d++) {
                        bool allowed = false;
                        for (const struct bw_device_allow *a = bw_default_device_allows; a->type; a++)
                                allowed |= a->type == d->type && a->major == d->major &&
                                           (a->minor == -1 || a->minor == d->minor);
                        devs &= allowed;
                }
                tap_ok(devs, "every default device has a device-cgroup allow");
        }
        return tap_done();
}
