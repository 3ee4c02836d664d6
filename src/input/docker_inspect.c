/* `docker inspect` -> config.json, following what dockerd does when it
 * builds the spec for runc (moby's daemon/oci_linux.go and oci/defaults.go):
 * its default capability list, mounts, masked and read-only paths, device
 * cgroup rules and seccomp, and what --privileged, --cap-add/--cap-drop,
 * -v/--mount, --pid/--network/--ipc/--uts/--userns/--cgroupns host,
 * --security-opt, --device, --read-only, --pids-limit, --memory, --sysctl
 * and --user change. The default seccomp profile is modelled by its
 * capability-gated part (the system calls it opens up when SYS_ADMIN and
 * friends are added), which is what the rules look at; its long allow list
 * of ordinary system calls is not reproduced. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "input/docker.h"
#include "input/engine_defaults.h"
#include "oci/default.h"
#include "util/cleanup.h"

bool bw_docker_is_inspect(json_t *o)
{
        return json_is_object(o) && json_is_object(json_object_get(o, "HostConfig")) &&
               (json_object_get(o, "Id") || json_object_get(o, "Config"));
}

static const char *str(json_t *o, const char *key)
{
        json_t *v = json_object_get(o, key);
        return json_is_string(v) ? json_string_value(v) : "";
}

char *bw_docker_target_name(json_t *inspect)
{
        const char *name = str(inspect, "Name"), *id = str(inspect, "Id");
        if (name[0] == '/')
                name++;
        char *s = NULL;
        if (asprintf(&s, "%s (%.12s)", name[0] ? name : "container", id[0] ? id : "no id") < 0)
                return NULL;
        return s;
}

static const char *bare(const char *cap)
{
        return strncasecmp(cap, "CAP_", 4) == 0 ? cap + 4 : cap;
}

static bool in_list(json_t *arr, const char *cap)
{
        size_t i;
        json_t *v;
        json_array_foreach(arr, i, v)
                if (json_is_string(v) && strcasecmp(bare(json_string_value(v)), cap) == 0)
                        return true;
        return false;
}

/* moby's caps.TweakCapabilities: defaults, minus --cap-drop, plus
 * --cap-add; ALL on either side; --privileged gets everything. */
static json_t *capabilities(json_t *hc, bool privileged)
{
        json_t *add = json_object_get(hc, "CapAdd"), *drop = json_object_get(hc, "CapDrop");
        json_t *caps = json_array();
        bool all = privileged || in_list(add, "ALL");
        bool none = !all && in_list(drop, "ALL");
        for (size_t i = 0; bw_engine_all_caps[i]; i++) {
                const char *c = bw_engine_all_caps[i];
                bool on = false;
                for (size_t j = 0; bw_engine_default_caps[j]; j++)
                        on |= strcmp(bw_engine_default_caps[j], c) == 0;
                if (none || in_list(drop, c))
                        on = false;
                if (all || in_list(add, c))
                        on = true;
                if (on) {
                        char name[40];
                        snprintf(name, sizeof(name), "CAP_%s", c);
                        json_array_append_new(caps, json_string(name));
                }
        }
        return caps;
}

/* moby's default allows io_uring from 20.10 (Debian 12's docker.io) until
 * 25.0; inspect does not say which engine wrote it, so the older, laxer
 * profile is assumed (an audit errs on the side of a finding). */
static json_t *default_seccomp(json_t *caps)
{
        return bw_engine_default_seccomp(caps, true);
}

/* A custom profile passed with --security-opt seccomp=FILE shows in
 * inspect as its JSON text: keep its default action and the rules that
 * apply to this container's capabilities. */
static int custom_seccomp(const char *text, json_t *caps, const char *where, json_t **out, struct bw_error **err)
{
        json_error_t je;
        _cleanup_json_ json_t *p = json_loads(text, 0, &je);
        if (!json_is_object(p))
                return bw_error_msg(err, -EINVAL, "%s: HostConfig.SecurityOpt seccomp=...: not a JSON profile (%d:%d: %s)",
                                    where, je.line, je.column, p ? "expected an object" : je.text);
        json_t *rules = json_array();
        size_t i;
        json_t *s;
        json_array_foreach(json_object_get(p, "syscalls"), i, s) {
                json_t *inc = json_object_get(json_object_get(s, "includes"), "caps");
                json_t *exc = json_object_get(json_object_get(s, "excludes"), "caps");
                bool applies = true;
                size_t k;
                json_t *c;
                json_array_foreach(inc, k, c) applies &= json_is_string(c) && bw_engine_caps_have(caps, bare(json_string_value(c)));
                json_array_foreach(exc, k, c) applies &= !(json_is_string(c) && bw_engine_caps_have(caps, bare(json_string_value(c))));
                json_t *names = json_object_get(s, "names");
                if (!names && json_is_string(json_object_get(s, "name")))
                        names = json_pack("[s]", str(s, "name"));
                else
                        json_incref(names);
                if (!applies || !json_is_array(names)) {
                        json_decref(names);
                        continue;
                }
                json_t *rule = json_pack("{s:o, s:s}", "names", names, "action", str(s, "action"));
                if (json_object_get(s, "args") && !json_is_null(json_object_get(s, "args")))
                        json_object_set(rule, "args", json_object_get(s, "args"));
                json_array_append_new(rules, rule);
        }
        *out = json_pack("{s:s, s:o}", "defaultAction", str(p, "defaultAction"), "syscalls", rules);
        return 0;
}

/* --security-opt values: "key=value", "key:value" (old), or "key". */
static const char *security_opt(json_t *hc, const char *key)
{
        size_t i, kl = strlen(key);
        json_t *v;
        json_array_foreach(json_object_get(hc, "SecurityOpt"), i, v) {
                const char *s = json_is_string(v) ? json_string_value(v) : "";
                if (strncmp(s, key, kl) != 0)
                        continue;
                if (s[kl] == '=' || s[kl] == ':')
                        return s + kl + 1;
                if (s[kl] == 0)
                        return "";
        }
        return NULL;
}

static bool is_shared(const char *p)
{
        return strcmp(p, "shared") == 0 || strcmp(p, "rshared") == 0;
}

static json_t *bind_mount(const char *src, const char *dst, bool ro, const char *propagation)
{
        return json_pack("{s:s, s:s, s:s, s:[s, s, s]}", "destination", dst, "type", "bind", "source", src,
                         "options", "rbind", ro ? "ro" : "rw", propagation[0] ? propagation : "rprivate");
}

/* -v SRC:DST[:OPTS]; a SRC that is not a path names a volume. */
static json_t *parse_bind(const char *spec, const char *root)
{
        _cleanup_free_ char *s = strdup(spec);
        if (!s)
                return NULL;
        char *src = s, *dst = strchr(s, ':');
        if (!dst)
                return NULL; /* anonymous volume: Docker's own storage */
        *dst++ = 0;
        char *opts = strchr(dst, ':');
        if (opts)
                *opts++ = 0;
        static const char *const props[] = { "shared", "rshared", "slave", "rslave", "private", "rprivate", NULL };
        bool ro = false;
        const char *prop = "";
        char *save = NULL;
        for (char *o = opts ? strtok_r(opts, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
                if (strcmp(o, "ro") == 0)
                        ro = true;
                for (size_t i = 0; props[i]; i++)
                        if (strcmp(o, props[i]) == 0)
                                prop = props[i];
        }
        _cleanup_free_ char *vol = NULL;
        if (src[0] != '/' && asprintf(&vol, "%s/volumes/%s/_data", root, src) < 0)
                return NULL;
        return bind_mount(vol ? vol : src, dst, ro, prop);
}

static json_t *user_mounts(json_t *inspect, json_t *hc, bool *shared)
{
        json_t *out = json_array(), *v;
        size_t i;
        json_t *top = json_object_get(inspect, "Mounts");
        if (json_is_array(top)) { /* resolved by dockerd: complete */
                json_array_foreach(top, i, v) {
                        const char *type = str(v, "Type"), *prop = str(v, "Propagation");
                        json_t *rw = json_object_get(v, "RW");
                        bool ro = json_is_boolean(rw) && !json_is_true(rw);
                        *shared |= is_shared(prop);
                        if (strcmp(type, "tmpfs") == 0)
                                json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:[s]}", "destination",
                                                                     str(v, "Destination"), "type", "tmpfs", "source",
                                                                     "tmpfs", "options", ro ? "ro" : "rw"));
                        else if (strcmp(type, "bind") == 0 || strcmp(type, "volume") == 0)
                                json_array_append_new(out, bind_mount(str(v, "Source"), str(v, "Destination"), ro, prop));
                }
                return out;
        }
        json_array_foreach(json_object_get(hc, "Binds"), i, v) {
                json_t *m = json_is_string(v) ? parse_bind(json_string_value(v), "/var/lib/docker") : NULL;
                if (!m)
                        continue;
                json_t *opts = json_object_get(m, "options");
                *shared |= is_shared(json_string_value(json_array_get(opts, 2)));
                json_array_append_new(out, m);
        }
        json_array_foreach(json_object_get(hc, "Mounts"), i, v) {
                const char *type = str(v, "Type");
                const char *prop = str(json_object_get(v, "BindOptions"), "Propagation");
                bool ro = json_is_true(json_object_get(v, "ReadOnly"));
                *shared |= is_shared(prop);
                if (strcmp(type, "bind") == 0)
                        json_array_append_new(out, bind_mount(str(v, "Source"), str(v, "Target"), ro, prop));
                else if (strcmp(type, "volume") == 0 && str(v, "Source")[0]) {
                        _cleanup_free_ char *src = NULL;
                        if (asprintf(&src, "/var/lib/docker/volumes/%s/_data", str(v, "Source")) >= 0)
                                json_array_append_new(out, bind_mount(src, str(v, "Target"), ro, prop));
                }
        }
        return out;
}

static bool looks_like_block(const char *p)
{
        static const char *const pre[] = { "/dev/sd", "/dev/hd", "/dev/vd", "/dev/xvd", "/dev/nvme", "/dev/loop",
                                           "/dev/dm-", "/dev/mmcblk", "/dev/md", "/dev/nbd", "/dev/sr", NULL };
        for (size_t i = 0; pre[i]; i++)
                if (strncmp(p, pre[i], strlen(pre[i])) == 0)
                        return true;
        return false;
}

/* --device HOST[:CONTAINER[:PERMS]]: the node and its cgroup rule. The
 * type and numbers come from the host when the path exists there (as
 * dockerd does), else from the name. */
static void add_device(json_t *devices, json_t *rules, json_t *d)
{
        const char *host = str(d, "PathOnHost"), *ctr = str(d, "PathInContainer"), *perm = str(d, "CgroupPermissions");
        struct stat st;
        char type = looks_like_block(host) ? 'b' : 'c';
        json_int_t major = 0, minor = 0;
        if (stat(host, &st) == 0 && (S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode))) {
                type = S_ISBLK(st.st_mode) ? 'b' : 'c';
                major = major(st.st_rdev);
                minor = minor(st.st_rdev);
        }
        char t[2] = { type, 0 };
        json_array_append_new(devices, json_pack("{s:s, s:s, s:I, s:I, s:i}", "path", ctr[0] ? ctr : host, "type", t,
                                                 "major", major, "minor", minor, "fileMode", 0660));
        json_array_append_new(rules, json_pack("{s:b, s:s, s:I, s:I, s:s}", "allow", 1, "type", t, "major", major,
                                               "minor", minor, "access", perm[0] ? perm : "rwm"));
}

/* --device-cgroup-rule 'c 1:3 rwm' */
static void add_cgroup_rule(json_t *rules, const char *s)
{
        char type[2] = { 0 }, maj[16], min[16], access[8];
        if (sscanf(s, "%1s %15[^:]:%15s %7s", type, maj, min, access) != 4)
                return;
        json_t *r = json_pack("{s:b, s:s, s:s}", "allow", 1, "type", type, "access", access);
        if (strcmp(maj, "*") != 0)
                json_object_set_new(r, "major", json_integer(strtoll(maj, NULL, 10)));
        if (strcmp(min, "*") != 0)
                json_object_set_new(r, "minor", json_integer(strtoll(min, NULL, 10)));
        json_array_append_new(rules, r);
}

static json_t *device_rules(json_t *hc, bool privileged, json_t *devices)
{
        if (privileged)
                return json_pack("[{s:b, s:s}]", "allow", 1, "access", "rwm");
        json_t *rules = json_pack("[{s:b,s:s}, {s:b,s:s,s:s}, {s:b,s:s,s:s}]", "allow", 0, "access", "rwm",
                                  "allow", 1, "type", "c", "access", "m", "allow", 1, "type", "b", "access", "m");
        static const int defaults[][2] = { { 1, 3 }, { 1, 5 }, { 1, 7 }, { 1, 8 }, { 1, 9 }, { 5, 0 }, { 5, 1 }, { 5, 2 } };
        for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
                json_array_append_new(rules, json_pack("{s:b, s:s, s:i, s:i, s:s}", "allow", 1, "type", "c", "major",
                                                       defaults[i][0], "minor", defaults[i][1], "access", "rwm"));
        json_array_append_new(rules, json_pack("{s:b, s:s, s:i, s:s}", "allow", 1, "type", "c", "major", 136,
                                               "access", "rwm"));
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(hc, "Devices"), i, v) add_device(devices, rules, v);
        json_array_foreach(json_object_get(hc, "DeviceCgroupRules"), i, v)
                if (json_is_string(v))
                        add_cgroup_rule(rules, json_string_value(v));
        return rules;
}

/* dockerd --userns-remap keeps its state under DATA-ROOT/UID.GID/: that
 * is how an inspect shows the remapping. */
static bool remapped_ids(json_t *inspect, json_int_t *uid, json_int_t *gid)
{
        const char *paths[] = { str(inspect, "ResolvConfPath"), str(inspect, "HostnamePath"),
                                str(json_object_get(json_object_get(inspect, "GraphDriver"), "Data"), "MergedDir") };
        for (size_t i = 0; i < 3; i++) {
                for (const char *p = strchr(paths[i], '/'); p; p = strchr(p + 1, '/')) {
                        long long u, g;
                        int n = 0;
                        if (sscanf(p, "/%lld.%lld/%n", &u, &g, &n) == 2 && n > 0 && u > 0) {
                                *uid = u;
                                *gid = g;
                                return true;
                        }
                }
        }
        return false;
}

static bool mode_is(json_t *hc, const char *key, const char *want)
{
        return strcmp(str(hc, key), want) == 0;
}

static json_t *namespaces(json_t *inspect, json_t *hc, json_t *lnx)
{
        json_t *ns = json_pack("[{s:s}]", "type", "mount");
        if (!mode_is(hc, "PidMode", "host"))
                json_array_append_new(ns, json_pack("{s:s}", "type", "pid"));
        if (!mode_is(hc, "NetworkMode", "host"))
                json_array_append_new(ns, json_pack("{s:s}", "type", "network"));
        if (!mode_is(hc, "IpcMode", "host"))
                json_array_append_new(ns, json_pack("{s:s}", "type", "ipc"));
        if (!mode_is(hc, "UTSMode", "host"))
                json_array_append_new(ns, json_pack("{s:s}", "type", "uts"));
        if (mode_is(hc, "CgroupnsMode", "private"))
                json_array_append_new(ns, json_pack("{s:s}", "type", "cgroup"));
        json_int_t uid, gid;
        if (!mode_is(hc, "UsernsMode", "host") && remapped_ids(inspect, &uid, &gid)) {
                json_array_append_new(ns, json_pack("{s:s}", "type", "user"));
                json_object_set_new(lnx, "uidMappings", json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID", uid,
                                                                  "size", 65536));
                json_object_set_new(lnx, "gidMappings", json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID", gid,
                                                                  "size", 65536));
        }
        return ns;
}

/* Config.User: "", "root", "0", "1000", "1000:1000", "name[:group]". A
 * name other than root cannot be resolved without the image; it is taken
 * as non-root (65534). */
static void user(const char *u, json_int_t *uid, json_int_t *gid)
{
        *uid = *gid = 0;
        if (!u[0] || strcmp(u, "root") == 0 || strncmp(u, "root:", 5) == 0)
                return;
        char *end;
        long long v = strtoll(u, &end, 10);
        *uid = (end != u && (*end == 0 || *end == ':')) ? v : 65534;
        const char *colon = strchr(u, ':');
        if (colon) {
                v = strtoll(colon + 1, &end, 10);
                *gid = end != colon + 1 && *end == 0 ? v : 65534;
        }
}

static json_t *path_list(json_t *hc, const char *key, const char *const *def, bool unconfined)
{
        if (unconfined)
                return NULL;
        json_t *v = json_object_get(hc, key);
        if (json_is_array(v))
                return json_incref(v);
        return oci_json_strings(def);
}

int bw_docker_to_oci(json_t *inspect, const char *where, json_t **out, struct bw_error **err)
{
        json_t *hc = json_object_get(inspect, "HostConfig"), *cfg = json_object_get(inspect, "Config");
        if (!json_is_object(hc))
                return bw_error_msg(err, -EINVAL, "%s: not docker inspect output: no HostConfig object", where);
        bool privileged = json_is_true(json_object_get(hc, "Privileged"));
        json_t *caps = capabilities(hc, privileged);

        json_int_t uid, gid;
        user(str(cfg, "User"), &uid, &gid);
        const char *nnp = security_opt(hc, "no-new-privileges");
        json_t *args = json_array();
        if (str(inspect, "Path")[0])
                json_array_append_new(args, json_string(str(inspect, "Path")));
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(inspect, "Args"), i, v) json_array_append(args, v);
        if (json_array_size(args) == 0)
                json_array_append_new(args, json_string("sh"));
        json_t *env = json_object_get(cfg, "Env");
        env = json_is_array(env) ? json_incref(env) : json_array();
        json_t *process = json_pack("{s:b, s:{s:I, s:I}, s:o, s:o, s:s, s:{s:O, s:O, s:O}, s:b}", "terminal",
                                    json_is_true(json_object_get(cfg, "Tty")), "user", "uid", uid, "gid", gid,
                                    "args", args, "env", env, "cwd",
                                    str(cfg, "WorkingDir")[0] ? str(cfg, "WorkingDir") : "/", "capabilities",
                                    "bounding", caps, "effective", caps, "permitted", caps, "noNewPrivileges",
                                    nnp && strcmp(nnp, "false") != 0);
        const char *apparmor = str(inspect, "AppArmorProfile");
        const char *aa_opt = security_opt(hc, "apparmor");
        if (aa_opt && strcmp(aa_opt, "unconfined") != 0)
                apparmor = aa_opt;
        if (apparmor[0] && strcmp(apparmor, "unconfined") != 0 && !privileged)
                json_object_set_new(process, "apparmorProfile", json_string(apparmor));

        json_t *lnx = json_object();
        json_t *devices = json_array();
        json_t *resources = json_pack("{s:o}", "devices", device_rules(hc, privileged, devices));
        json_t *pids = json_object_get(hc, "PidsLimit"), *mem = json_object_get(hc, "Memory");
        if (json_is_integer(pids) && json_integer_value(pids) > 0)
                json_object_set_new(resources, "pids", json_pack("{s:I}", "limit", json_integer_value(pids)));
        if (json_is_integer(mem) && json_integer_value(mem) > 0)
                json_object_set_new(resources, "memory", json_pack("{s:I}", "limit", json_integer_value(mem)));
        json_object_set_new(lnx, "resources", resources);
        json_object_set_new(lnx, "namespaces", namespaces(inspect, hc, lnx));
        if (json_array_size(devices))
                json_object_set_new(lnx, "devices", devices);
        else
                json_decref(devices);
        const char *sp = security_opt(hc, "systempaths");
        bool unconfined_paths = privileged || (sp && strcmp(sp, "unconfined") == 0);
        json_t *masked = path_list(hc, "MaskedPaths", bw_engine_masked_paths, unconfined_paths);
        json_t *ro = path_list(hc, "ReadonlyPaths", bw_engine_readonly_paths, unconfined_paths);
        if (masked)
                json_object_set_new(lnx, "maskedPaths", masked);
        if (ro)
                json_object_set_new(lnx, "readonlyPaths", ro);
        json_t *sysctls = json_object_get(hc, "Sysctls");
        if (json_is_object(sysctls))
                json_object_set(lnx, "sysctl", sysctls);

        const char *sec = security_opt(hc, "seccomp");
        if (!privileged && !(sec && strcmp(sec, "unconfined") == 0)) {
                json_t *s = NULL;
                if (sec && sec[0] && strcmp(sec, "builtin") != 0) {
                        int r = custom_seccomp(sec, caps, where, &s, err);
                        if (r < 0) {
                                json_decref(caps);
                                json_decref(process);
                                json_decref(lnx);
                                return r;
                        }
                } else {
                        s = default_seccomp(caps);
                }
                json_object_set_new(lnx, "seccomp", s);
        }

        bool shared = false;
        json_t *mounts = bw_engine_default_mounts(BW_ENGINE_DOCKER, privileged);
        json_t *um = user_mounts(inspect, hc, &shared);
        json_array_extend(mounts, um);
        json_decref(um);
        if (shared)
                json_object_set_new(lnx, "rootfsPropagation", json_string("shared"));

        const char *merged = str(json_object_get(json_object_get(inspect, "GraphDriver"), "Data"), "MergedDir");
        /* moby clears the spec's hostname with --uts host: a hostname
         * without a UTS namespace of its own would set the host's. */
        const char *hostname = mode_is(hc, "UTSMode", "host") ? "" : str(cfg, "Hostname");
        *out = json_pack("{s:s, s:{s:s, s:b}, s:o, s:o, s:s, s:o}", "ociVersion", "1.0.2-dev", "root", "path",
                         merged[0] ? merged : "rootfs", "readonly", json_is_true(json_object_get(hc, "ReadonlyRootfs")),
                         "process", process, "mounts", mounts, "hostname", hostname, "linux", lnx);
        json_decref(caps);
        if (!*out)
                return bw_error_set(err, -ENOMEM, "%s: translating docker inspect output", where);
        return 0;
}
