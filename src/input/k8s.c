/* Kubernetes workloads -> config.json, as the kubelet and containerd's CRI
 * plugin build it (containerd 1.7: pkg/cri's container spec and oci's
 * defaults). What a node does when a field is absent is stated here and
 * in docs/audit.md:
 *   - capabilities: containerd's 14 defaults (CHOWN, DAC_OVERRIDE, FSETID,
 *     FOWNER, MKNOD, NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP,
 *     NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE), then add ALL, drop
 *     ALL, the named adds, the named drops, in that order; privileged: all;
 *   - seccomp: none (Unconfined) unless seccompProfile is RuntimeDefault or
 *     Localhost; privileged containers run without one;
 *   - AppArmor: containerd's default profile when the field is absent;
 *   - no_new_privs only with allowPrivilegeEscalation: false;
 *   - the image's user is not known here: without runAsUser (container or
 *     pod) the process is taken to be root, as most images run;
 *   - a cgroup namespace (cgroup v2 nodes);
 *   - no user namespace unless hostUsers: false; no pids limit (the
 *     kubelet's podPidsLimit defaults to none);
 *   - volumes other than hostPath are the kubelet's own directories under
 *     /var/lib/kubelet/pods/; the engine's /etc/hosts, hostname and
 *     resolv.conf binds are left out. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input/engine_defaults.h"
#include "oci/default.h"
#include "input/k8s.h"
#include "util/cleanup.h"

/* The workload's pod as the kubelet sees it. */
struct pod {
        const char *kind, *ns, *name;
        const struct bw_ynode *meta, *spec, *sc; /* the pod template's metadata, spec, securityContext */
        const struct bw_ynode *at;               /* the object's kind, for messages */
        enum bw_pss pss;
        char pss_why[256];
};

static void loc(struct bw_input_target *t, const char *key, const struct bw_ynode *n)
{
        bw_input_loc(t, key, n);
}

/* A field of securityContext: the container's, else the pod's (the
 * kubelet's rule for the fields both have). */
static const struct bw_ynode *sc_field(const struct pod *p, const struct bw_ynode *csc, const char *key)
{
        const struct bw_ynode *v = bw_ymap_get(csc, key);
        return v ? v : bw_ymap_get(p->sc, key);
}

static const char *bare_cap(const char *s)
{
        return strncasecmp(s, "CAP_", 4) == 0 ? s + 4 : s;
}

static bool seq_has(const struct bw_ynode *seq, const char *cap)
{
        for (size_t i = 0; i < bw_yseq_len(seq); i++) {
                const char *s = bw_ystr(bw_yseq_at(seq, i));
                if (s && strcasecmp(bare_cap(s), cap) == 0)
                        return true;
        }
        return false;
}

static json_t *capabilities(const struct bw_ynode *caps, bool privileged)
{
        const struct bw_ynode *add = bw_ymap_get(caps, "add"), *drop = bw_ymap_get(caps, "drop");
        json_t *out = json_array();
        for (size_t i = 0; bw_engine_all_caps[i]; i++) {
                const char *c = bw_engine_all_caps[i];
                bool on = privileged;
                for (size_t j = 0; !privileged && bw_engine_default_caps[j]; j++)
                        on |= strcmp(bw_engine_default_caps[j], c) == 0;
                if (!privileged) {
                        if (seq_has(add, "ALL"))
                                on = true;
                        if (seq_has(drop, "ALL"))
                                on = false;
                        if (seq_has(add, c))
                                on = true;
                        if (seq_has(drop, c))
                                on = false;
                }
                if (on) {
                        char name[40];
                        snprintf(name, sizeof(name), "CAP_%s", c);
                        json_array_append_new(out, json_string(name));
                }
        }
        return out;
}

static const struct bw_ynode *find_volume(const struct pod *p, const char *name)
{
        const struct bw_ynode *vols = bw_ymap_get(p->spec, "volumes");
        for (size_t i = 0; name && i < bw_yseq_len(vols); i++)
                if (bw_ystr(bw_ymap_get(bw_yseq_at(vols, i), "name")) &&
                    strcmp(bw_ystr(bw_ymap_get(bw_yseq_at(vols, i), "name")), name) == 0)
                        return bw_yseq_at(vols, i);
        return NULL;
}

/* The volume's type: the key that is not its name. */
static const char *volume_type(const struct bw_ynode *vol)
{
        for (size_t i = 0; bw_yis_map(vol) && i < vol->n; i++) {
                const char *k = bw_ystr(vol->pairs[i].key);
                if (k && strcmp(k, "name") != 0)
                        return k;
        }
        return "emptyDir";
}

static void user_mounts(struct bw_input_target *o, const struct pod *p, const struct bw_ynode *ctr, json_t *mounts, bool *shared)
{
        const struct bw_ynode *vms = bw_ymap_get(ctr, "volumeMounts");
        for (size_t i = 0; i < bw_yseq_len(vms); i++) {
                const struct bw_ynode *vm = bw_yseq_at(vms, i);
                const char *name = bw_ystr(bw_ymap_get(vm, "name")), *dst = bw_ystr(bw_ymap_get(vm, "mountPath"));
                const struct bw_ynode *vol = find_volume(p, name);
                if (!dst)
                        continue;
                const char *prop = bw_ystr(bw_ymap_get(vm, "mountPropagation"));
                const char *oprop = "rprivate";
                if (prop && strcmp(prop, "Bidirectional") == 0)
                        oprop = "rshared", *shared = true;
                else if (prop && strcmp(prop, "HostToContainer") == 0)
                        oprop = "rslave";
                bool ro = bw_ytrue(bw_ymap_get(vm, "readOnly"));
                const struct bw_ynode *hp = bw_ymap_get(vol, "hostPath");
                _cleanup_free_ char *src = NULL;
                const char *vt = volume_type(vol);
                const char *sub = bw_ystr(bw_ymap_get(vm, "subPath"));
                const char *hpath = bw_ystr(bw_ymap_get(hp, "path"));
                if (hpath && !sub)
                        src = strdup(hpath);
                else if (hpath && asprintf(&src, "%s/%s", hpath, sub) < 0)
                        src = NULL;
                else if (!hpath && asprintf(&src, "/var/lib/kubelet/pods/POD/volumes/kubernetes.io~%s/%s", vt,
                                            name ? name : "volume") < 0)
                        src = NULL;
                if (!src) {
                        o->oom = true;
                        return;
                }
                char ptr[32];
                snprintf(ptr, sizeof(ptr), "/mounts/%zu", json_array_size(mounts));
                loc(o, ptr, vm);
                if (hp) {
                        char sptr[40];
                        snprintf(sptr, sizeof(sptr), "%s/source", ptr);
                        loc(o, sptr, bw_ymap_get(hp, "path"));
                }
                if (prop) {
                        char pptr[40];
                        snprintf(pptr, sizeof(pptr), "%s/options", ptr);
                        loc(o, pptr, bw_ymap_get(vm, "mountPropagation"));
                        if (*shared && strcmp(oprop, "rshared") == 0)
                                loc(o, "/linux/rootfsPropagation", bw_ymap_get(vm, "mountPropagation"));
                }
                json_array_append_new(mounts, json_pack("{s:s, s:s, s:s, s:[s, s, s]}", "destination", dst, "type",
                                                        "bind", "source", src, "options", "rbind", ro ? "ro" : "rw",
                                                        oprop));
        }
}

static json_t *device_rules(bool privileged)
{
        if (privileged)
                return json_pack("[{s:b, s:s}]", "allow", 1, "access", "rwm");
        json_t *rules = json_pack("[{s:b,s:s}]", "allow", 0, "access", "rwm");
        static const int defaults[][2] = { { 1, 3 }, { 1, 5 }, { 1, 7 }, { 1, 8 }, { 1, 9 }, { 5, 0 }, { 5, 1 }, { 5, 2 } };
        for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
                json_array_append_new(rules, json_pack("{s:b, s:s, s:i, s:i, s:s}", "allow", 1, "type", "c", "major",
                                                       defaults[i][0], "minor", defaults[i][1], "access", "rwm"));
        json_array_append_new(rules, json_pack("{s:b, s:s, s:i, s:s}", "allow", 1, "type", "c", "major", 136,
                                               "access", "rwm"));
        return rules;
}

/* A non-negative number and what follows it in *unit; -1 when none. */
static int number_unit(const char *s, double *v, const char **unit)
{
        if (!s)
                return -1;
        char *end;
        *v = strtod(s, &end);
        if (end == s || *v < 0)
                return -1;
        *unit = end;
        return 0;
}

/* "512Mi", "1G", "1000000": bytes; -1 when unreadable. */
static long long quantity(const char *s)
{
        double v;
        const char *end;
        if (number_unit(s, &v, &end) < 0)
                return -1;
        static const struct { const char *suffix; double mult; } units[] = {
                { "", 1 }, { "k", 1e3 }, { "M", 1e6 }, { "G", 1e9 }, { "T", 1e12 }, { "Ki", 1024.0 },
                { "Mi", 1048576.0 }, { "Gi", 1073741824.0 }, { "Ti", 1099511627776.0 }, { "m", 1e-3 },
        };
        for (size_t i = 0; i < ARRAY_SIZE(units); i++)
                if (strcmp(end, units[i].suffix) == 0)
                        return (long long)(v * units[i].mult);
        return -1;
}

/* "500m", "2": millicores; -1 when unreadable. */
static long long millicores(const char *s)
{
        double v;
        const char *end;
        if (number_unit(s, &v, &end) < 0)
                return -1;
        if (strcmp(end, "m") == 0)
                return (long long)v;
        return *end ? -1 : (long long)(v * 1000);
}

/* The AppArmor profile: the field (container, else pod), else the
 * annotation container.apparmor.security.beta.kubernetes.io/NAME, else
 * containerd's default. NULL: unconfined. */
static const char *apparmor(const struct pod *p, const struct bw_ynode *csc, const char *cname,
                            const struct bw_ynode **at)
{
        const struct bw_ynode *f = sc_field(p, csc, "appArmorProfile");
        if (f) {
                *at = f;
                const char *t = bw_ystr(bw_ymap_get(f, "type"));
                if (t && strcmp(t, "Unconfined") == 0)
                        return NULL;
                if (t && strcmp(t, "Localhost") == 0 && bw_ystr(bw_ymap_get(f, "localhostProfile")))
                        return bw_ystr(bw_ymap_get(f, "localhostProfile"));
                return "cri-containerd.apparmor.d";
        }
        char key[300];
        snprintf(key, sizeof(key), "container.apparmor.security.beta.kubernetes.io/%s", cname ? cname : "");
        const struct bw_ynode *a = bw_ymap_get(bw_ymap_get(p->meta, "annotations"), key);
        const char *v = bw_ystr(a);
        if (v) {
                *at = a;
                if (strcmp(v, "unconfined") == 0)
                        return NULL;
                if (strncmp(v, "localhost/", 10) == 0)
                        return v + 10;
        }
        return "cri-containerd.apparmor.d";
}

static bool is_zero(const struct bw_ynode *n)
{
        int64_t v;
        return bw_yint(n, &v) && v == 0;
}

/* What the pod spec says that config.json cannot (struct oci_pod_facts). */
static void facts(struct bw_input_target *o, const struct pod *p, const struct bw_ynode *ctr, const struct bw_ynode *csc,
                  bool privileged, const struct bw_ynode *apparmor_unconfined)
{
        struct oci_pod_facts *f = &o->facts;
        f->present = true;
        const struct bw_ynode *mounted = bw_ymap_get(ctr, "volumeMounts");
        for (size_t i = 0; i < bw_yseq_len(mounted) && !f->host_path[0]; i++) {
                const struct bw_ynode *vol = find_volume(p, bw_ystr(bw_ymap_get(bw_yseq_at(mounted, i), "name")));
                const struct bw_ynode *hp = bw_ymap_get(vol, "hostPath");
                if (!hp)
                        continue;
                snprintf(f->host_path, sizeof(f->host_path), "%s", bw_ystr(bw_ymap_get(hp, "path")) ?: "(no path)");
                loc(o, "/pod/hostPath", bw_ymap_get(hp, "path") ? bw_ymap_get(hp, "path") : hp);
        }
        const struct bw_ynode *ports = bw_ymap_get(ctr, "ports");
        for (size_t i = 0; i < bw_yseq_len(ports) && f->n_host_ports < ARRAY_SIZE(f->host_ports); i++) {
                const struct bw_ynode *hp = bw_ymap_get(bw_yseq_at(ports, i), "hostPort");
                int64_t v;
                if (!bw_yint(hp, &v) || v <= 0 || v > 65535)
                        continue;
                if (f->n_host_ports == 0)
                        loc(o, "/pod/hostPort", hp);
                f->host_ports[f->n_host_ports++] = (uint32_t)v;
        }
        const struct bw_ynode *pm = bw_ymap_get(csc, "procMount");
        f->proc_unmasked = bw_ystr(pm) && strcmp(bw_ystr(pm), "Unmasked") == 0;
        loc(o, "/pod/procMount", pm);
        const struct bw_ynode *sp = bw_ymap_get(sc_field(p, csc, "seccompProfile"), "type");
        f->seccomp_unconfined = bw_ystr(sp) && strcmp(bw_ystr(sp), "Unconfined") == 0;
        loc(o, "/pod/seccompProfile", sp);
        f->apparmor_unconfined = apparmor_unconfined && !privileged;
        loc(o, "/pod/appArmorProfile", apparmor_unconfined);
        const struct bw_ynode *se = sc_field(p, csc, "seLinuxOptions");
        const char *type = bw_ystr(bw_ymap_get(se, "type"));
        const char *user = bw_ystr(bw_ymap_get(se, "user")), *role = bw_ystr(bw_ymap_get(se, "role"));
        bool ok_type = !type || strcmp(type, "container_t") == 0 || strcmp(type, "container_init_t") == 0 ||
                       strcmp(type, "container_kvm_t") == 0 || strcmp(type, "container_engine_t") == 0;
        if (!ok_type || user || role)
                snprintf(f->selinux, sizeof(f->selinux), "%s%s%s%s%s%s", user ? "user " : "", user ? user : "",
                         role ? (user ? ", role " : "role ") : "", role ? role : "",
                         !ok_type ? (user || role ? ", type " : "type ") : "", !ok_type ? type : "");
        loc(o, "/pod/seLinuxOptions", se);
        const struct bw_ynode *g = sc_field(p, csc, "runAsGroup");
        if (is_zero(g))
                f->root_group = true, loc(o, "/pod/group", g);
        const struct bw_ynode *fsg = bw_ymap_get(p->sc, "fsGroup"), *sup = bw_ymap_get(p->sc, "supplementalGroups");
        if (!f->root_group && is_zero(fsg))
                f->root_group = true, loc(o, "/pod/group", fsg);
        for (size_t i = 0; !f->root_group && i < bw_yseq_len(sup); i++)
                if (is_zero(bw_yseq_at(sup, i)))
                        f->root_group = true, loc(o, "/pod/group", bw_yseq_at(sup, i));
        const struct bw_ynode *nr = sc_field(p, csc, "runAsNonRoot"), *uid = sc_field(p, csc, "runAsUser");
        int64_t u;
        f->run_as_non_root = bw_ytrue(nr) || (bw_yint(uid, &u) && u != 0);
        loc(o, "/pod/runAsNonRoot", nr ? nr : uid);
        const struct bw_ynode *hu = bw_ymap_get(p->spec, "hostUsers");
        f->host_users_false = bw_yfalse(hu);
        const struct bw_ynode *cpu = bw_ymap_get(bw_ymap_get(bw_ymap_get(ctr, "resources"), "limits"), "cpu");
        f->cpu_limit = bw_ystr(cpu) != NULL;
        const struct bw_ynode *vms = bw_ymap_get(ctr, "volumeMounts");
        for (size_t i = 0; i < bw_yseq_len(vms) && !f->bidirectional; i++) {
                const struct bw_ynode *mp = bw_ymap_get(bw_yseq_at(vms, i), "mountPropagation");
                if (bw_ystr(mp) && strcmp(bw_ystr(mp), "Bidirectional") == 0)
                        f->bidirectional = true, loc(o, "/pod/mountPropagation", mp);
        }
        /* the token is mounted unless the pod says false (the service
         * account's own setting is not in the manifest: the pod's wins) */
        const struct bw_ynode *am = bw_ymap_get(p->spec, "automountServiceAccountToken");
        bool v = true;
        f->sa_token = !(bw_ybool(am, &v) && !v);
        loc(o, "/pod/automountServiceAccountToken", am);
}

static int container(const struct pod *p, const struct bw_ynode *ctr, const char *role, bw_input_fn fn, void *ctx,
                     struct bw_error **err)
{
        struct bw_input_target c = { .line = ctr->line, .col = ctr->col, .has_pss = true, .pss = p->pss,
                                     .pss_why = p->pss_why, .defaults = "the node's" };
        struct bw_input_target *o = &c;
        const char *cname = bw_ystr(bw_ymap_get(ctr, "name"));
        const struct bw_ynode *name_node = bw_ymap_get(ctr, "name");
        if (name_node)
                c.line = name_node->line, c.col = name_node->col;
        if (asprintf(&c.name, "%s/%s/%s: %s %s", p->kind, p->ns, p->name, role, cname ? cname : "(unnamed)") < 0)
                c.name = NULL;

        const struct bw_ynode *csc = bw_ymap_get(ctr, "securityContext");
        const struct bw_ynode *priv_n = bw_ymap_get(csc, "privileged");
        bool privileged = bw_ytrue(priv_n);
        const struct bw_ynode *caps_n = bw_ymap_get(csc, "capabilities");
        json_t *caps = capabilities(caps_n, privileged);
        if (privileged) {
                loc(o, "/process/capabilities", priv_n);
                loc(o, "/linux/resources/devices", priv_n);
                loc(o, "/linux/maskedPaths", priv_n);
                loc(o, "/linux/readonlyPaths", priv_n);
                loc(o, "/linux/seccomp", priv_n);
                loc(o, "/mounts", priv_n);
                bw_input_loc_rule(o, BW_RULE_PRIVILEGED, priv_n);
        } else if (caps_n) {
                const struct bw_ynode *add = bw_ymap_get(caps_n, "add");
                loc(o, "/process/capabilities", add ? add : caps_n);
        }

        /* the user: runAsUser, else non-root as runAsNonRoot demands, else
         * the image's, taken as root */
        const struct bw_ynode *uid_n = sc_field(p, csc, "runAsUser"), *gid_n = sc_field(p, csc, "runAsGroup");
        const struct bw_ynode *nonroot_n = sc_field(p, csc, "runAsNonRoot");
        int64_t uid = 0, gid = 0;
        if (!bw_yint(uid_n, &uid))
                uid = bw_ytrue(nonroot_n) ? 65534 : 0;
        if (!bw_yint(gid_n, &gid))
                gid = 0;
        loc(o, "/process/user/uid", uid_n ? uid_n : nonroot_n);
        loc(o, "/process/user/gid", gid_n);
        json_t *groups = json_array();
        const struct bw_ynode *sup = bw_ymap_get(p->sc, "supplementalGroups");
        for (size_t i = 0; i < bw_yseq_len(sup); i++) {
                int64_t g;
                if (bw_yint(bw_yseq_at(sup, i), &g))
                        json_array_append_new(groups, json_integer(g));
        }
        int64_t fsg;
        if (bw_yint(bw_ymap_get(p->sc, "fsGroup"), &fsg))
                json_array_append_new(groups, json_integer(fsg));
        loc(o, "/process/user/additionalGids", sup ? sup : bw_ymap_get(p->sc, "fsGroup"));

        const struct bw_ynode *ape = bw_ymap_get(csc, "allowPrivilegeEscalation");
        bool nnp = !privileged && bw_yfalse(ape);
        loc(o, "/process/noNewPrivileges", ape);

        json_t *args = json_array();
        const struct bw_ynode *cmd = bw_ymap_get(ctr, "command"), *cargs = bw_ymap_get(ctr, "args");
        for (size_t i = 0; i < bw_yseq_len(cmd); i++)
                if (bw_ystr(bw_yseq_at(cmd, i)))
                        json_array_append_new(args, json_string(bw_ystr(bw_yseq_at(cmd, i))));
        for (size_t i = 0; i < bw_yseq_len(cargs); i++)
                if (bw_ystr(bw_yseq_at(cargs, i)))
                        json_array_append_new(args, json_string(bw_ystr(bw_yseq_at(cargs, i))));
        if (json_array_size(args) == 0)
                json_array_append_new(args, json_string("sh"));
        const char *wd = bw_ystr(bw_ymap_get(ctr, "workingDir"));
        json_t *process = json_pack("{s:b, s:{s:I, s:I, s:o}, s:o, s:[s], s:s, s:{s:O, s:O, s:O}, s:b}", "terminal",
                                    bw_ytrue(bw_ymap_get(ctr, "tty")), "user", "uid", (json_int_t)uid, "gid",
                                    (json_int_t)gid, "additionalGids", groups, "args", args, "env",
                                    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "cwd",
                                    wd && wd[0] == '/' ? wd : "/", "capabilities", "bounding", caps, "effective",
                                    caps, "permitted", caps, "noNewPrivileges", nnp);
        const struct bw_ynode *aa_at = NULL;
        const char *aa = privileged ? NULL : apparmor(p, csc, cname, &aa_at);
        if (aa)
                json_object_set_new(process, "apparmorProfile", json_string(aa));
        loc(o, "/process/apparmorProfile", aa_at);
        const struct bw_ynode *se = sc_field(p, csc, "seLinuxOptions");
        if (bw_yis_map(se)) {
                char label[512];
                snprintf(label, sizeof(label), "%s:%s:%s:%s", bw_ystr(bw_ymap_get(se, "user")) ?: "system_u",
                         bw_ystr(bw_ymap_get(se, "role")) ?: "system_r",
                         bw_ystr(bw_ymap_get(se, "type")) ?: "container_t",
                         bw_ystr(bw_ymap_get(se, "level")) ?: "s0");
                json_object_set_new(process, "selinuxLabel", json_string(label));
                loc(o, "/process/selinuxLabel", se);
        }

        json_t *lnx = json_object();
        json_t *resources = json_pack("{s:o}", "devices", device_rules(privileged));
        const struct bw_ynode *limits = bw_ymap_get(bw_ymap_get(ctr, "resources"), "limits");
        long long mem = quantity(bw_ystr(bw_ymap_get(limits, "memory")));
        if (mem > 0) {
                json_object_set_new(resources, "memory", json_pack("{s:I}", "limit", (json_int_t)mem));
                loc(o, "/linux/resources/memory", bw_ymap_get(limits, "memory"));
        }
        long long cpu = millicores(bw_ystr(bw_ymap_get(limits, "cpu")));
        if (cpu > 0) {
                json_object_set_new(resources, "cpu", json_pack("{s:I, s:I}", "quota", (json_int_t)(cpu * 100),
                                                                "period", (json_int_t)100000));
                loc(o, "/linux/resources/cpu", bw_ymap_get(limits, "cpu"));
        }
        json_object_set_new(lnx, "resources", resources);

        /* namespaces: the pod's; hostNetwork brings the host's UTS too */
        const struct bw_ynode *hpid = bw_ymap_get(p->spec, "hostPID"), *hnet = bw_ymap_get(p->spec, "hostNetwork"),
                              *hipc = bw_ymap_get(p->spec, "hostIPC"), *husers = bw_ymap_get(p->spec, "hostUsers");
        json_t *ns = json_pack("[{s:s}]", "type", "mount");
        if (!bw_ytrue(hpid))
                json_array_append_new(ns, json_pack("{s:s}", "type", "pid"));
        if (!bw_ytrue(hnet)) {
                json_array_append_new(ns, json_pack("{s:s}", "type", "network"));
                json_array_append_new(ns, json_pack("{s:s}", "type", "uts"));
        }
        if (!bw_ytrue(hipc))
                json_array_append_new(ns, json_pack("{s:s}", "type", "ipc"));
        /* containerd gives each container its own cgroup namespace on
         * cgroup v2 nodes, the kubelet's default since 1.25 */
        json_array_append_new(ns, json_pack("{s:s}", "type", "cgroup"));
        bw_input_loc_rule(o, BW_RULE_HOST_PID_NAMESPACE, hpid);
        bw_input_loc_rule(o, BW_RULE_PTRACE_HOST_PID, hpid);
        bw_input_loc_rule(o, BW_RULE_HOST_NETWORK_NAMESPACE, hnet);
        bw_input_loc_rule(o, BW_RULE_HOST_IPC_NAMESPACE, hipc);
        bw_input_loc_rule(o, BW_RULE_HOST_UTS_NAMESPACE, hnet);
        bool userns = bw_yfalse(husers);
        if (userns) {
                /* the kubelet gives each pod its own 65,536 ids above the host's */
                json_array_append_new(ns, json_pack("{s:s}", "type", "user"));
                json_object_set_new(lnx, "uidMappings", json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
                                                                  (json_int_t)65536 * 16, "size", 65536));
                json_object_set_new(lnx, "gidMappings", json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
                                                                  (json_int_t)65536 * 16, "size", 65536));
        }
        bw_input_loc_rule(o, BW_RULE_NO_USER_NAMESPACE, husers);
        loc(o, "/linux/uidMappings", husers);
        json_object_set_new(lnx, "namespaces", ns);

        const char *pm = bw_ystr(bw_ymap_get(csc, "procMount"));
        bool unmasked = privileged || (pm && strcmp(pm, "Unmasked") == 0);
        if (!unmasked) {
                json_object_set_new(lnx, "maskedPaths", oci_json_strings(bw_engine_masked_paths));
                json_object_set_new(lnx, "readonlyPaths", oci_json_strings(bw_engine_readonly_paths));
        } else if (!privileged) {
                loc(o, "/linux/maskedPaths", bw_ymap_get(csc, "procMount"));
                loc(o, "/linux/readonlyPaths", bw_ymap_get(csc, "procMount"));
        }
        const struct bw_ynode *sysctls = bw_ymap_get(p->sc, "sysctls");
        if (bw_yseq_len(sysctls)) {
                json_t *sc = json_object();
                for (size_t i = 0; i < bw_yseq_len(sysctls); i++) {
                        const struct bw_ynode *s = bw_yseq_at(sysctls, i);
                        const char *k = bw_ystr(bw_ymap_get(s, "name")), *v = bw_ystr(bw_ymap_get(s, "value"));
                        if (k)
                                json_object_set_new(sc, k, json_string(v ? v : ""));
                }
                json_object_set_new(lnx, "sysctl", sc);
                loc(o, "/linux/sysctl", sysctls);
        }

        const struct bw_ynode *sp = sc_field(p, csc, "seccompProfile");
        const char *sp_type = bw_ystr(bw_ymap_get(sp, "type"));
        if (!privileged && sp_type && (strcmp(sp_type, "RuntimeDefault") == 0 || strcmp(sp_type, "Localhost") == 0))
                json_object_set_new(lnx, "seccomp", bw_engine_default_seccomp(caps, false));
        if (!privileged)
                loc(o, "/linux/seccomp", sp);

        bool shared = false;
        json_t *mounts = bw_engine_default_mounts(BW_ENGINE_CONTAINERD, privileged);
        user_mounts(o, p, ctr, mounts, &shared);
        if (shared)
                json_object_set_new(lnx, "rootfsPropagation", json_string("rshared"));

        facts(o, p, ctr, csc, privileged, aa ? NULL : aa_at);

        const struct bw_ynode *rorf = bw_ymap_get(csc, "readOnlyRootFilesystem");
        loc(o, "/root/readonly", rorf);
        c.oci = json_pack("{s:s, s:{s:s, s:b}, s:o, s:o, s:s, s:o}", "ociVersion", "1.1.0", "root", "path", "rootfs",
                          "readonly", bw_ytrue(rorf), "process", process, "mounts", mounts, "hostname",
                          bw_ytrue(hnet) ? "" : p->name, "linux", lnx);
        json_decref(caps);
        int r = 0;
        if (!c.oci || !c.name || c.oom)
                r = bw_error_set(err, -ENOMEM, "translating %s", c.name ? c.name : "a container");
        else
                r = fn(ctx, &c, err);
        bw_input_target_clear(&c);
        return r;
}

static int pod(const struct pod *p, bw_input_fn fn, void *ctx, struct bw_error **err)
{
        static const struct { const char *key, *role; } lists[] = {
                { "initContainers", "initContainer" },
                { "containers", "container" },
                { "ephemeralContainers", "ephemeralContainer" },
        };
        for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
                const struct bw_ynode *cs = bw_ymap_get(p->spec, lists[l].key);
                for (size_t i = 0; i < bw_yseq_len(cs); i++) {
                        int r = container(p, bw_yseq_at(cs, i), lists[l].role, fn, ctx, err);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

bool bw_k8s_is_object(const struct bw_ynode *doc)
{
        return bw_ystr(bw_ymap_get(doc, "apiVersion")) && bw_ystr(bw_ymap_get(doc, "kind"));
}

/* Where each kind keeps its pod template. */
static const struct bw_ynode *template_of(const struct bw_ynode *obj, const char *kind)
{
        static const char *const with_template[] = { "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                                                     "ReplicationController", "Job", NULL };
        const struct bw_ynode *spec = bw_ymap_get(obj, "spec");
        for (size_t i = 0; with_template[i]; i++)
                if (strcmp(kind, with_template[i]) == 0)
                        return bw_ymap_get(spec, "template");
        if (strcmp(kind, "CronJob") == 0)
                return bw_ymap_get(bw_ymap_get(bw_ymap_get(spec, "jobTemplate"), "spec"), "template");
        if (strcmp(kind, "PodTemplate") == 0)
                return bw_ymap_get(obj, "template");
        return NULL;
}

static int object(const struct bw_ynode *obj, const char *where, int depth, bw_input_fn fn, void *ctx,
                  struct bw_error **err)
{
        const char *kind = bw_ystr(bw_ymap_get(obj, "kind"));
        if (!bw_k8s_is_object(obj))
                return 0;
        if (strcmp(kind, "List") == 0 || (strlen(kind) > 4 && strcmp(kind + strlen(kind) - 4, "List") == 0)) {
                const struct bw_ynode *items = bw_ymap_get(obj, "items");
                for (size_t i = 0; depth < 4 && i < bw_yseq_len(items); i++) {
                        int r = object(bw_yseq_at(items, i), where, depth + 1, fn, ctx, err);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        const struct bw_ynode *meta = bw_ymap_get(obj, "metadata");
        struct pod p = { .kind = kind, .meta = meta, .at = bw_ymap_get(obj, "kind") };
        p.ns = bw_ystr(bw_ymap_get(meta, "namespace")) ?: "default";
        p.name = bw_ystr(bw_ymap_get(meta, "name")) ?: bw_ystr(bw_ymap_get(meta, "generateName")) ?: "(unnamed)";
        if (strcmp(kind, "Pod") == 0) {
                p.spec = bw_ymap_get(obj, "spec");
        } else {
                const struct bw_ynode *t = template_of(obj, kind);
                if (!t)
                        return 0; /* not a workload */
                p.meta = bw_ymap_get(t, "metadata");
                p.spec = bw_ymap_get(t, "spec");
        }
        if (!bw_yis_map(p.spec))
                return bw_error_msg(err, -EINVAL, "%s:%d:%d: %s %s has no pod spec", where, p.at->line, p.at->col, kind,
                                    p.name);
        p.sc = bw_ymap_get(p.spec, "securityContext");
        p.pss = bw_pss_level(p.meta, p.spec, p.pss_why, sizeof(p.pss_why));
        return pod(&p, fn, ctx, err);
}

int bw_k8s_read(const struct bw_yaml *y, const char *where, bw_input_fn fn, void *ctx, struct bw_error **err)
{
        for (size_t i = 0; i < y->n_docs; i++) {
                int r = object(y->docs[i], where, 0, fn, ctx, err);
                if (r < 0)
                        return r;
        }
        return 0;
}
