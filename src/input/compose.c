/* Compose services -> docker inspect's shape -> config.json. Going through
 * the docker inspect translation keeps one reading of Docker's semantics
 * (default capabilities, masks, seccomp, --privileged) for both inputs.
 * Compose's fields map onto HostConfig as `docker compose up` maps them:
 *   privileged, cap_add, cap_drop, security_opt, devices, device_cgroup_rules,
 *   network_mode, pid, ipc, uts, userns_mode, cgroup (cgroupns), sysctls,
 *   read_only, user, tmpfs, pids_limit, mem_limit, deploy.resources.limits
 *   (memory, pids), volumes (short and long syntax; named volumes under
 *   /var/lib/docker/volumes), ports. cgroup_parent and runtime do not
 *   change what the rules judge. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "input/docker.h"
#include "input/compose.h"
#include "util/cleanup.h"

bool bw_compose_is_file(const struct bw_ynode *doc)
{
        return bw_yis_map(bw_ymap_get(doc, "services")) && !bw_ymap_get(doc, "kind");
}

long long bw_compose_bytes(const char *s)
{
        if (!s || !*s)
                return -1;
        char *end;
        double v = strtod(s, &end);
        if (end == s || v < 0)
                return -1;
        static const struct { const char *u; double m; } units[] = {
                { "", 1 }, { "b", 1 }, { "k", 1024.0 }, { "kb", 1024.0 }, { "m", 1048576.0 }, { "mb", 1048576.0 },
                { "g", 1073741824.0 }, { "gb", 1073741824.0 }, { "t", 1099511627776.0 }, { "tb", 1099511627776.0 },
        };
        for (size_t i = 0; i < ARRAY_SIZE(units); i++)
                if (strcasecmp(end, units[i].u) == 0)
                        return (long long)(v * units[i].m);
        return -1;
}

/* A scalar, or a sequence of scalars, as a JSON array of strings. */
static json_t *string_list(const struct bw_ynode *n)
{
        json_t *a = json_array();
        if (bw_ystr(n))
                json_array_append_new(a, json_string(bw_ystr(n)));
        for (size_t i = 0; i < bw_yseq_len(n); i++)
                if (bw_ystr(bw_yseq_at(n, i)))
                        json_array_append_new(a, json_string(bw_ystr(bw_yseq_at(n, i))));
        return a;
}

/* A short volume's source is a host path when it starts as a path does. */
static bool is_path(const char *s)
{
        return s[0] == '/' || s[0] == '.' || s[0] == '~';
}

/* "/var/run/docker.sock:/var/run/docker.sock:ro", "data:/data", "/tmp":
 * a Mounts entry of HostConfig, or NULL (an anonymous volume). */
static json_t *short_volume(const char *spec, const char *dir)
{
        _cleanup_free_ char *s = strdup(spec);
        if (!s)
                return NULL;
        char *dst = strchr(s, ':');
        if (!dst)
                return NULL;
        *dst++ = 0;
        char *mode = strchr(dst, ':');
        if (mode)
                *mode++ = 0;
        bool ro = false;
        const char *prop = "";
        for (char *save = NULL, *o = mode ? strtok_r(mode, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
                if (strcmp(o, "ro") == 0)
                        ro = true;
                else if (strstr(o, "shared") || strstr(o, "slave") || strstr(o, "private"))
                        prop = o;
        }
        _cleanup_free_ char *src = NULL;
        if (s[0] == '.' && asprintf(&src, "%s/%s", dir, s) < 0)
                return NULL;
        bool bind = is_path(s);
        return json_pack("{s:s, s:s, s:s, s:b, s:{s:s}}", "Type", bind ? "bind" : "volume", "Source",
                         src ? src : s, "Target", dst, "ReadOnly", ro, "BindOptions", "Propagation", prop);
}

static json_t *long_volume(const struct bw_ynode *v, const char *dir)
{
        const char *type = bw_ystr(bw_ymap_get(v, "type")) ?: "volume";
        const char *src = bw_ystr(bw_ymap_get(v, "source")), *dst = bw_ystr(bw_ymap_get(v, "target"));
        bool ro = false;
        bw_ybool(bw_ymap_get(v, "read_only"), &ro);
        if (!dst || (strcmp(type, "bind") != 0 && strcmp(type, "volume") != 0) || !src)
                return NULL;
        _cleanup_free_ char *abs = NULL;
        if (src[0] == '.' && asprintf(&abs, "%s/%s", dir, src) < 0)
                return NULL;
        const char *prop = bw_ystr(bw_ymap_get(bw_ymap_get(v, "bind"), "propagation")) ?: "";
        return json_pack("{s:s, s:s, s:s, s:b, s:{s:s}}", "Type", type, "Source", abs ? abs : src, "Target", dst,
                         "ReadOnly", ro, "BindOptions", "Propagation", prop);
}

/* "/dev/fuse", "/dev/sda:/dev/xvda:rwm", or {source, target, permissions}. */
static json_t *device(const struct bw_ynode *d)
{
        if (bw_yis_map(d)) {
                const char *src = bw_ystr(bw_ymap_get(d, "source"));
                if (!src)
                        return NULL;
                return json_pack("{s:s, s:s, s:s}", "PathOnHost", src, "PathInContainer",
                                 bw_ystr(bw_ymap_get(d, "target")) ?: src, "CgroupPermissions",
                                 bw_ystr(bw_ymap_get(d, "permissions")) ?: "rwm");
        }
        const char *spec = bw_ystr(d);
        if (!spec)
                return NULL;
        _cleanup_free_ char *s = strdup(spec);
        if (!s)
                return NULL;
        char *ctr = strchr(s, ':'), *perm = NULL;
        if (ctr) {
                *ctr++ = 0;
                if ((perm = strchr(ctr, ':')))
                        *perm++ = 0;
        }
        return json_pack("{s:s, s:s, s:s}", "PathOnHost", s, "PathInContainer", ctr && *ctr ? ctr : s,
                         "CgroupPermissions", perm && *perm ? perm : "rwm");
}

/* sysctls as a mapping or as "key=value" items. */
static json_t *sysctls(const struct bw_ynode *n)
{
        json_t *o = json_object();
        for (size_t i = 0; bw_yis_map(n) && i < n->n; i++)
                if (bw_ystr(n->pairs[i].key))
                        json_object_set_new(o, bw_ystr(n->pairs[i].key),
                                            json_string(bw_ystr(n->pairs[i].value) ?: ""));
        for (size_t i = 0; i < bw_yseq_len(n); i++) {
                const char *s = bw_ystr(bw_yseq_at(n, i));
                const char *eq = s ? strchr(s, '=') : NULL;
                if (eq) {
                        _cleanup_free_ char *k = strndup(s, (size_t)(eq - s));
                        if (k)
                                json_object_set_new(o, k, json_string(eq + 1));
                }
        }
        return o;
}

/* security_opt seccomp=PATH: Docker's client reads the file and sends its
 * text, as docker inspect then shows it. */
static int seccomp_files(json_t *opts, const char *dir, const char *where, struct bw_error **err)
{
        size_t i;
        json_t *v;
        json_array_foreach(opts, i, v) {
                const char *s = json_string_value(v);
                if (strncmp(s, "seccomp", 7) != 0 || (s[7] != '=' && s[7] != ':'))
                        continue;
                const char *path = s + 8;
                if (!*path || strcmp(path, "unconfined") == 0 || strcmp(path, "builtin") == 0 || path[0] == '{')
                        continue;
                _cleanup_free_ char *full = NULL;
                if (asprintf(&full, "%s/%s", path[0] == '/' ? "" : dir, path) < 0)
                        return bw_error_set(err, -ENOMEM, "%s", where);
                _cleanup_fclose_ FILE *f = fopen(full, "re");
                _cleanup_free_ char *text = NULL;
                size_t len = 0;
                if (!f || getdelim(&text, &len, 0, f) < 0)
                        return bw_error_set(err, -errno ? -errno : -EINVAL, "%s: security_opt seccomp=%s: reading %s",
                                            where, path, full);
                _cleanup_free_ char *opt = NULL;
                if (asprintf(&opt, "seccomp=%s", text) < 0)
                        return bw_error_set(err, -ENOMEM, "%s", where);
                json_array_set_new(opts, i, json_string(opt));
        }
        return 0;
}

static const char *mode(const struct bw_ynode *svc, const char *key)
{
        return bw_ystr(bw_ymap_get(svc, key)) ?: "";
}

/* The security_opt item for key ("seccomp=...", "seccomp:..."), or NULL. */
static const struct bw_ynode *security_opt(const struct bw_ynode *so, const char *key)
{
        size_t kl = strlen(key);
        for (size_t i = 0; i < bw_yseq_len(so); i++) {
                const char *s = bw_ystr(bw_yseq_at(so, i));
                if (s && strncmp(s, key, kl) == 0 && (s[kl] == '=' || s[kl] == ':' || s[kl] == 0))
                        return bw_yseq_at(so, i);
        }
        return NULL;
}

/* Locations: the config's fields and the Compose keys behind them. */
static void locations(struct bw_input_target *t, const struct bw_ynode *svc)
{
        const struct bw_ynode *priv = bw_ymap_get(svc, "privileged");
        bool p = false;
        if (bw_ybool(priv, &p) && p) {
                static const char *const keys[] = { "/process/capabilities", "/linux/resources/devices",
                                                    "/linux/maskedPaths", "/linux/readonlyPaths", "/linux/seccomp",
                                                    "/mounts", NULL };
                for (size_t i = 0; keys[i]; i++)
                        bw_input_loc(t, keys[i], priv);
                bw_input_loc_rule(t, BW_RULE_PRIVILEGED, priv);
        } else {
                bw_input_loc(t, "/process/capabilities", bw_ymap_get(svc, "cap_add"));
        }
        const struct bw_ynode *so = bw_ymap_get(svc, "security_opt");
        bw_input_loc(t, "/linux/seccomp", security_opt(so, "seccomp"));
        bw_input_loc(t, "/process/noNewPrivileges", security_opt(so, "no-new-privileges"));
        bw_input_loc(t, "/process/apparmorProfile", security_opt(so, "apparmor"));
        bw_input_loc(t, "/linux/maskedPaths", security_opt(so, "systempaths"));
        bw_input_loc(t, "/linux/readonlyPaths", security_opt(so, "systempaths"));
        bw_input_loc_rule(t, BW_RULE_HOST_PID_NAMESPACE, bw_ymap_get(svc, "pid"));
        bw_input_loc_rule(t, BW_RULE_PTRACE_HOST_PID, bw_ymap_get(svc, "pid"));
        bw_input_loc_rule(t, BW_RULE_HOST_NETWORK_NAMESPACE, bw_ymap_get(svc, "network_mode"));
        bw_input_loc_rule(t, BW_RULE_HOST_IPC_NAMESPACE, bw_ymap_get(svc, "ipc"));
        bw_input_loc_rule(t, BW_RULE_HOST_UTS_NAMESPACE, bw_ymap_get(svc, "uts"));
        bw_input_loc_rule(t, BW_RULE_HOST_CGROUP_NAMESPACE, bw_ymap_get(svc, "cgroup"));
        bw_input_loc_rule(t, BW_RULE_NO_USER_NAMESPACE, bw_ymap_get(svc, "userns_mode"));
        bw_input_loc(t, "/linux/sysctl", bw_ymap_get(svc, "sysctls"));
        bw_input_loc(t, "/root/readonly", bw_ymap_get(svc, "read_only"));
        bw_input_loc(t, "/process/user", bw_ymap_get(svc, "user"));
        bw_input_loc(t, "/linux/devices", bw_ymap_get(svc, "devices"));
        if (!p)
                bw_input_loc(t, "/linux/resources/devices", bw_ymap_get(svc, "devices") ?: bw_ymap_get(svc, "device_cgroup_rules"));
        const struct bw_ynode *limits = bw_ymap_get(bw_ymap_get(bw_ymap_get(svc, "deploy"), "resources"), "limits");
        bw_input_loc(t, "/linux/resources/pids", bw_ymap_get(svc, "pids_limit") ?: bw_ymap_get(limits, "pids"));
        bw_input_loc(t, "/linux/resources/memory", bw_ymap_get(svc, "mem_limit") ?: bw_ymap_get(limits, "memory"));
}

/* The mounts the inspect's volumes became: matched by destination, in order. */
static void mount_locations(struct bw_input_target *t, const struct bw_ynode *vols)
{
        json_t *mounts = json_object_get(t->oci, "mounts");
        for (size_t i = 0; i < bw_yseq_len(vols); i++) {
                const struct bw_ynode *v = bw_yseq_at(vols, i);
                _cleanup_free_ char *dst = NULL;
                if (bw_yis_map(v)) {
                        dst = bw_ystr(bw_ymap_get(v, "target")) ? strdup(bw_ystr(bw_ymap_get(v, "target"))) : NULL;
                } else if (bw_ystr(v) && strchr(bw_ystr(v), ':')) {
                        dst = strdup(strchr(bw_ystr(v), ':') + 1);
                        if (dst && strchr(dst, ':'))
                                *strchr(dst, ':') = 0;
                }
                size_t j;
                json_t *m;
                json_array_foreach(mounts, j, m) {
                        const char *d = json_string_value(json_object_get(m, "destination"));
                        if (dst && d && strcmp(d, dst) == 0 && strcmp(json_string_value(json_object_get(m, "type")) ?: "", "bind") == 0) {
                                char ptr[32], sptr[48];
                                snprintf(ptr, sizeof(ptr), "/mounts/%zu", j);
                                snprintf(sptr, sizeof(sptr), "/mounts/%zu/source", j);
                                bw_input_loc(t, ptr, v);
                                bw_input_loc(t, sptr, bw_yis_map(v) ? bw_ymap_get(v, "source") : v);
                                if (bw_yis_map(v) && bw_ymap_get(bw_ymap_get(v, "bind"), "propagation"))
                                        bw_input_loc(t, "/linux/rootfsPropagation",
                                                     bw_ymap_get(bw_ymap_get(v, "bind"), "propagation"));
                        }
                }
        }
}

static int service(const char *name, const struct bw_ynode *svc, const char *dir, const char *where, bw_input_fn fn,
                   void *ctx, struct bw_error **err)
{
        bool privileged = false;
        bw_ybool(bw_ymap_get(svc, "privileged"), &privileged);
        json_t *hc = json_pack("{s:b, s:o, s:o, s:o, s:o, s:b}", "Privileged", privileged, "CapAdd",
                               string_list(bw_ymap_get(svc, "cap_add")), "CapDrop",
                               string_list(bw_ymap_get(svc, "cap_drop")), "SecurityOpt",
                               string_list(bw_ymap_get(svc, "security_opt")), "DeviceCgroupRules",
                               string_list(bw_ymap_get(svc, "device_cgroup_rules")), "ReadonlyRootfs",
                               ({ bool ro = false; bw_ybool(bw_ymap_get(svc, "read_only"), &ro); ro; }));
        json_object_set_new(hc, "NetworkMode", json_string(mode(svc, "network_mode")));
        json_object_set_new(hc, "PidMode", json_string(mode(svc, "pid")));
        json_object_set_new(hc, "IpcMode", json_string(mode(svc, "ipc")));
        json_object_set_new(hc, "UTSMode", json_string(mode(svc, "uts")));
        json_object_set_new(hc, "UsernsMode", json_string(mode(svc, "userns_mode")));
        json_object_set_new(hc, "CgroupnsMode", json_string(mode(svc, "cgroup")));
        json_object_set_new(hc, "Sysctls", sysctls(bw_ymap_get(svc, "sysctls")));
        const struct bw_ynode *limits = bw_ymap_get(bw_ymap_get(bw_ymap_get(svc, "deploy"), "resources"), "limits");
        int64_t pids;
        if (bw_yint(bw_ymap_get(svc, "pids_limit"), &pids) || bw_yint(bw_ymap_get(limits, "pids"), &pids))
                json_object_set_new(hc, "PidsLimit", json_integer(pids));
        long long mem = bw_compose_bytes(bw_ystr(bw_ymap_get(svc, "mem_limit")));
        if (mem <= 0)
                mem = bw_compose_bytes(bw_ystr(bw_ymap_get(limits, "memory")));
        if (mem > 0)
                json_object_set_new(hc, "Memory", json_integer(mem));
        json_t *devices = json_array();
        const struct bw_ynode *devs = bw_ymap_get(svc, "devices");
        for (size_t i = 0; i < bw_yseq_len(devs); i++) {
                json_t *d = device(bw_yseq_at(devs, i));
                if (d)
                        json_array_append_new(devices, d);
        }
        json_object_set_new(hc, "Devices", devices);
        json_t *mounts = json_array();
        const struct bw_ynode *vols = bw_ymap_get(svc, "volumes");
        for (size_t i = 0; i < bw_yseq_len(vols); i++) {
                const struct bw_ynode *v = bw_yseq_at(vols, i);
                json_t *m = bw_yis_map(v) ? long_volume(v, dir) : bw_ystr(v) ? short_volume(bw_ystr(v), dir) : NULL;
                if (m)
                        json_array_append_new(mounts, m);
        }
        json_object_set_new(hc, "Mounts", mounts);
        json_t *env = json_array();
        json_t *cfg = json_pack("{s:s, s:o, s:s, s:s}", "User", mode(svc, "user"), "Env", env, "WorkingDir",
                                mode(svc, "working_dir"), "Hostname", mode(svc, "hostname"));
        json_t *inspect = json_pack("{s:s, s:s, s:o, s:o}", "Id", "", "Name", name, "HostConfig", hc, "Config", cfg);
        int r = inspect ? seccomp_files(json_object_get(hc, "SecurityOpt"), dir, where, err)
                        : bw_error_set(err, -ENOMEM, "%s", where);
        struct bw_input_target t = { .line = svc->line, .col = svc->col, .has_pss = true, .defaults = "Docker's" };
        char pss_why[256];
        t.pss = bw_pss_compose(svc, pss_why, sizeof(pss_why));
        t.pss_why = pss_why;
        if (r >= 0 && asprintf(&t.name, "service %s", name) < 0)
                r = bw_error_set(err, -ENOMEM, "%s", where);
        if (r >= 0)
                r = bw_docker_to_oci(inspect, t.name, &t.oci, err);
        json_decref(inspect);
        if (r >= 0) {
                /* tmpfs: "/run", "/tmp:size=64m" */
                json_t *tm = string_list(bw_ymap_get(svc, "tmpfs"));
                size_t i;
                json_t *v;
                json_array_foreach(tm, i, v) {
                        _cleanup_free_ char *s = strdup(json_string_value(v));
                        char *opts = s ? strchr(s, ':') : NULL;
                        if (opts)
                                *opts++ = 0;
                        json_t *o = json_pack("[s, s, s]", "nosuid", "nodev", "noexec");
                        for (char *save = NULL, *p = opts ? strtok_r(opts, ",", &save) : NULL; p;
                             p = strtok_r(NULL, ",", &save))
                                json_array_append_new(o, json_string(p));
                        json_array_append_new(json_object_get(t.oci, "mounts"),
                                              json_pack("{s:s, s:s, s:s, s:o}", "destination", s ? s : "/tmp", "type",
                                                        "tmpfs", "source", "tmpfs", "options", o));
                        char ptr[32];
                        snprintf(ptr, sizeof(ptr), "/mounts/%zu", json_array_size(json_object_get(t.oci, "mounts")) - 1);
                        bw_input_loc(&t, ptr, bw_ymap_get(svc, "tmpfs"));
                }
                json_decref(tm);
                locations(&t, svc);
                mount_locations(&t, vols);
                r = t.oom ? bw_error_set(err, -ENOMEM, "%s", where) : fn(ctx, &t, err);
        }
        bw_input_target_clear(&t);
        return r;
}

int bw_compose_read(const struct bw_yaml *y, const char *dir, const char *where, bw_input_fn fn, void *ctx,
                    struct bw_error **err)
{
        for (size_t d = 0; d < y->n_docs; d++) {
                const struct bw_ynode *services = bw_ymap_get(y->docs[d], "services");
                if (!bw_compose_is_file(y->docs[d]))
                        continue;
                for (size_t i = 0; i < services->n; i++) {
                        const char *name = bw_ystr(services->pairs[i].key);
                        const struct bw_ynode *svc = services->pairs[i].value;
                        if (!name || !bw_yis_map(svc))
                                continue;
                        /* the service's own position: its name */
                        const struct bw_ynode *at = services->pairs[i].key;
                        struct bw_ynode pos = *svc;
                        pos.line = at->line, pos.col = at->col;
                        int r = service(name, &pos, dir, where, fn, ctx, err);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}
