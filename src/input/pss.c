/* Pod Security Standards, the controls of the baseline and restricted
 * levels (Kubernetes 1.30's definitions) over a pod spec. Every container
 * counts: init and ephemeral ones too. The restricted level's relaxation
 * for hostUsers: false sits behind a feature gate that is off by default,
 * so it is not applied. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "input/pss.h"
#include "util/cleanup.h"

const char *bw_pss_name(enum bw_pss l)
{
        static const char *const names[] = { "privileged", "baseline", "restricted" };
        return (unsigned)l < ARRAY_SIZE(names) ? names[l] : "?";
}

int bw_pss_from_name(const char *name)
{
        for (int i = BW_PSS_PRIVILEGED; i <= BW_PSS_RESTRICTED; i++)
                if (name && strcmp(name, bw_pss_name((enum bw_pss)i)) == 0)
                        return i;
        return -1;
}

struct judge {
        const struct bw_ynode *meta, *spec, *psc;
        bool baseline_ok, restricted_ok;
        char *why;
        size_t n;
};

static void fail(struct judge *j, enum bw_pss level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(struct judge *j, enum bw_pss level, const char *fmt, ...)
{
        /* the first failure of the lowest level failed is the reason */
        bool first = level == BW_PSS_BASELINE ? j->baseline_ok : j->baseline_ok && j->restricted_ok;
        if (level == BW_PSS_BASELINE)
                j->baseline_ok = false;
        j->restricted_ok = false;
        if (!first)
                return;
        int off = snprintf(j->why, j->n, "%s: ", bw_pss_name(level));
        va_list ap;
        va_start(ap, fmt);
        if (off >= 0 && (size_t)off < j->n)
                vsnprintf(j->why + off, j->n - (size_t)off, fmt, ap);
        va_end(ap);
}

static bool in(const char *s, const char *const *list)
{
        for (size_t i = 0; s && list[i]; i++)
                if (strcmp(s, list[i]) == 0)
                        return true;
        return false;
}

static const char *const baseline_caps[] = { "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
                                             "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID",
                                             "SYS_CHROOT", NULL };
static const char *const safe_sysctls[] = { "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
                                            "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
                                            "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
                                            "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
                                            "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", NULL };
static const char *const restricted_volumes[] = { "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                                                  "persistentVolumeClaim", "projected", "secret", NULL };
static const char *const selinux_types[] = { "container_t", "container_init_t", "container_kvm_t",
                                             "container_engine_t", NULL };

static void selinux(struct judge *j, const struct bw_ynode *se, const char *where)
{
        const char *t = bw_ystr(bw_ymap_get(se, "type"));
        if (t && !in(t, selinux_types))
                fail(j, BW_PSS_BASELINE, "SELinux: seLinuxOptions.type %s (%s)", t, where);
        if (bw_ystr(bw_ymap_get(se, "user")) || bw_ystr(bw_ymap_get(se, "role")))
                fail(j, BW_PSS_BASELINE, "SELinux: seLinuxOptions user or role set (%s)", where);
}

static const char *seccomp_type(const struct bw_ynode *sc)
{
        return bw_ystr(bw_ymap_get(bw_ymap_get(sc, "seccompProfile"), "type"));
}

static void container(struct judge *j, const struct bw_ynode *c)
{
        const char *name = bw_ystr(bw_ymap_get(c, "name")) ?: "(unnamed)";
        char where[160];
        snprintf(where, sizeof(where), "container %s", name);
        const struct bw_ynode *sc = bw_ymap_get(c, "securityContext");
        if (bw_ytrue(bw_ymap_get(bw_ymap_get(sc, "windowsOptions"), "hostProcess")))
                fail(j, BW_PSS_BASELINE, "HostProcess: windowsOptions.hostProcess (%s)", where);
        if (bw_ytrue(bw_ymap_get(sc, "privileged")))
                fail(j, BW_PSS_BASELINE, "Privileged Containers: privileged: true (%s)", where);
        const struct bw_ynode *caps = bw_ymap_get(sc, "capabilities");
        const struct bw_ynode *add = bw_ymap_get(caps, "add"), *drop = bw_ymap_get(caps, "drop");
        for (size_t i = 0; i < bw_yseq_len(add); i++) {
                const char *cap = bw_ystr(bw_yseq_at(add, i));
                const char *bare = cap && strncasecmp(cap, "CAP_", 4) == 0 ? cap + 4 : cap;
                if (!in(bare, baseline_caps))
                        fail(j, BW_PSS_BASELINE, "Capabilities: adds %s (%s)", cap ? cap : "?", where);
                else if (strcmp(bare, "NET_BIND_SERVICE") != 0)
                        fail(j, BW_PSS_RESTRICTED, "Capabilities: adds %s (%s)", cap, where);
        }
        bool drops_all = false;
        for (size_t i = 0; i < bw_yseq_len(drop); i++)
                drops_all |= bw_ystr(bw_yseq_at(drop, i)) && strcmp(bw_ystr(bw_yseq_at(drop, i)), "ALL") == 0;
        const char *pm = bw_ystr(bw_ymap_get(sc, "procMount"));
        if (pm && strcmp(pm, "Default") != 0)
                fail(j, BW_PSS_BASELINE, "/proc Mount Type: procMount %s (%s)", pm, where);
        const char *st = seccomp_type(sc);
        if (st && strcmp(st, "Unconfined") == 0)
                fail(j, BW_PSS_BASELINE, "Seccomp: seccompProfile Unconfined (%s)", where);
        const char *at = bw_ystr(bw_ymap_get(bw_ymap_get(sc, "appArmorProfile"), "type"));
        if (at && strcmp(at, "Unconfined") == 0)
                fail(j, BW_PSS_BASELINE, "AppArmor: appArmorProfile Unconfined (%s)", where);
        char key[300];
        snprintf(key, sizeof(key), "container.apparmor.security.beta.kubernetes.io/%s", name);
        const char *ann = bw_ystr(bw_ymap_get(bw_ymap_get(j->meta, "annotations"), key));
        if (ann && strcmp(ann, "runtime/default") != 0 && strncmp(ann, "localhost/", 10) != 0)
                fail(j, BW_PSS_BASELINE, "AppArmor: annotation %s (%s)", ann, where);
        selinux(j, bw_ymap_get(sc, "seLinuxOptions"), where);
        const struct bw_ynode *ports = bw_ymap_get(c, "ports");
        for (size_t i = 0; i < bw_yseq_len(ports); i++) {
                int64_t hp;
                if (bw_yint(bw_ymap_get(bw_yseq_at(ports, i), "hostPort"), &hp) && hp != 0)
                        fail(j, BW_PSS_BASELINE, "Host Ports: hostPort %lld (%s)", (long long)hp, where);
        }
        /* restricted */
        if (!bw_yfalse(bw_ymap_get(sc, "allowPrivilegeEscalation")))
                fail(j, BW_PSS_RESTRICTED, "Privilege Escalation: allowPrivilegeEscalation is not false (%s)", where);
        const struct bw_ynode *nr = bw_ymap_get(sc, "runAsNonRoot");
        if (bw_yfalse(nr) || (!nr && !bw_ytrue(bw_ymap_get(j->psc, "runAsNonRoot"))))
                fail(j, BW_PSS_RESTRICTED, "Running as Non-root: runAsNonRoot is not true (%s)", where);
        int64_t uid;
        if (bw_yint(bw_ymap_get(sc, "runAsUser"), &uid) && uid == 0)
                fail(j, BW_PSS_RESTRICTED, "Running as Non-root user: runAsUser 0 (%s)", where);
        if (!st && !seccomp_type(j->psc))
                fail(j, BW_PSS_RESTRICTED, "Seccomp: no seccompProfile RuntimeDefault or Localhost (%s)", where);
        if (!drops_all)
                fail(j, BW_PSS_RESTRICTED, "Capabilities: does not drop ALL (%s)", where);
}

enum bw_pss bw_pss_level(const struct bw_ynode *meta, const struct bw_ynode *spec, char *why, size_t n)
{
        struct judge j = { .meta = meta, .spec = spec, .psc = bw_ymap_get(spec, "securityContext"),
                           .baseline_ok = true, .restricted_ok = true, .why = why, .n = n };
        if (n)
                why[0] = 0;
        static const char *const host_ns[] = { "hostNetwork", "hostPID", "hostIPC", NULL };
        for (size_t i = 0; host_ns[i]; i++)
                if (bw_ytrue(bw_ymap_get(spec, host_ns[i])))
                        fail(&j, BW_PSS_BASELINE, "Host Namespaces: %s: true", host_ns[i]);
        if (bw_ytrue(bw_ymap_get(bw_ymap_get(j.psc, "windowsOptions"), "hostProcess")))
                fail(&j, BW_PSS_BASELINE, "HostProcess: windowsOptions.hostProcess (pod)");
        const struct bw_ynode *vols = bw_ymap_get(spec, "volumes");
        for (size_t i = 0; i < bw_yseq_len(vols); i++) {
                const struct bw_ynode *v = bw_yseq_at(vols, i);
                const char *vname = bw_ystr(bw_ymap_get(v, "name")) ?: "(unnamed)";
                if (bw_ymap_get(v, "hostPath"))
                        fail(&j, BW_PSS_BASELINE, "HostPath Volumes: volume %s", vname);
                for (size_t k = 0; bw_yis_map(v) && k < v->n; k++) {
                        const char *key = bw_ystr(v->pairs[k].key);
                        if (key && strcmp(key, "name") != 0 && !in(key, restricted_volumes))
                                fail(&j, BW_PSS_RESTRICTED, "Volume Types: volume %s is %s", vname, key);
                }
        }
        const struct bw_ynode *sysctls = bw_ymap_get(j.psc, "sysctls");
        for (size_t i = 0; i < bw_yseq_len(sysctls); i++) {
                const char *s = bw_ystr(bw_ymap_get(bw_yseq_at(sysctls, i), "name"));
                if (!in(s, safe_sysctls))
                        fail(&j, BW_PSS_BASELINE, "Sysctls: %s", s ? s : "(unnamed)");
        }
        const char *pst = seccomp_type(j.psc);
        if (pst && strcmp(pst, "Unconfined") == 0)
                fail(&j, BW_PSS_BASELINE, "Seccomp: seccompProfile Unconfined (pod)");
        const char *pat = bw_ystr(bw_ymap_get(bw_ymap_get(j.psc, "appArmorProfile"), "type"));
        if (pat && strcmp(pat, "Unconfined") == 0)
                fail(&j, BW_PSS_BASELINE, "AppArmor: appArmorProfile Unconfined (pod)");
        selinux(&j, bw_ymap_get(j.psc, "seLinuxOptions"), "pod");
        int64_t uid;
        if (bw_yint(bw_ymap_get(j.psc, "runAsUser"), &uid) && uid == 0)
                fail(&j, BW_PSS_RESTRICTED, "Running as Non-root user: runAsUser 0 (pod)");
        static const char *const lists[] = { "initContainers", "containers", "ephemeralContainers", NULL };
        for (size_t l = 0; lists[l]; l++) {
                const struct bw_ynode *cs = bw_ymap_get(spec, lists[l]);
                for (size_t i = 0; i < bw_yseq_len(cs); i++)
                        container(&j, bw_yseq_at(cs, i));
        }
        return !j.baseline_ok ? BW_PSS_PRIVILEGED : !j.restricted_ok ? BW_PSS_BASELINE : BW_PSS_RESTRICTED;
}

static bool opt_is(const char *s, const char *key, const char *value)
{
        size_t kl = strlen(key);
        if (strncmp(s, key, kl) != 0 || (s[kl] != '=' && s[kl] != ':'))
                return false;
        return !value || strcmp(s + kl + 1, value) == 0;
}

enum bw_pss bw_pss_compose(const struct bw_ynode *svc, char *why, size_t n)
{
        struct judge j = { .baseline_ok = true, .restricted_ok = true, .why = why, .n = n };
        if (n)
                why[0] = 0;
        if (bw_ytrue(bw_ymap_get(svc, "privileged")))
                fail(&j, BW_PSS_BASELINE, "Privileged Containers: privileged: true");
        static const char *const host_ns[] = { "network_mode", "pid", "ipc", NULL };
        for (size_t i = 0; host_ns[i]; i++) {
                const char *v = bw_ystr(bw_ymap_get(svc, host_ns[i]));
                if (v && strcmp(v, "host") == 0)
                        fail(&j, BW_PSS_BASELINE, "Host Namespaces: %s: host", host_ns[i]);
        }
        const struct bw_ynode *add = bw_ymap_get(svc, "cap_add"), *drop = bw_ymap_get(svc, "cap_drop");
        for (size_t i = 0; i < bw_yseq_len(add); i++) {
                const char *cap = bw_ystr(bw_yseq_at(add, i));
                const char *bare = cap && strncasecmp(cap, "CAP_", 4) == 0 ? cap + 4 : cap;
                if (!in(bare, baseline_caps))
                        fail(&j, BW_PSS_BASELINE, "Capabilities: cap_add %s", cap ? cap : "?");
                else if (strcmp(bare, "NET_BIND_SERVICE") != 0)
                        fail(&j, BW_PSS_RESTRICTED, "Capabilities: cap_add %s", cap);
        }
        bool drops_all = false;
        for (size_t i = 0; i < bw_yseq_len(drop); i++)
                drops_all |= bw_ystr(bw_yseq_at(drop, i)) && strcasecmp(bw_ystr(bw_yseq_at(drop, i)), "ALL") == 0;
        const struct bw_ynode *vols = bw_ymap_get(svc, "volumes");
        for (size_t i = 0; i < bw_yseq_len(vols); i++) {
                const struct bw_ynode *v = bw_yseq_at(vols, i);
                const char *s = bw_ystr(v), *type = bw_ystr(bw_ymap_get(v, "type"));
                if ((s && strchr(s, ':') && (s[0] == '/' || s[0] == '.' || s[0] == '~')) ||
                    (type && strcmp(type, "bind") == 0))
                        fail(&j, BW_PSS_BASELINE, "HostPath Volumes: a bind mount of %s",
                             s ? s : bw_ystr(bw_ymap_get(v, "source")) ?: "?");
        }
        if (bw_yseq_len(bw_ymap_get(svc, "ports")))
                fail(&j, BW_PSS_BASELINE, "Host Ports: ports published");
        if (bw_yseq_len(bw_ymap_get(svc, "devices")))
                fail(&j, BW_PSS_BASELINE, "Privileged Containers: host devices");
        const struct bw_ynode *sysctls = bw_ymap_get(svc, "sysctls");
        for (size_t i = 0; bw_yis_map(sysctls) && i < sysctls->n; i++)
                if (!in(bw_ystr(sysctls->pairs[i].key), safe_sysctls))
                        fail(&j, BW_PSS_BASELINE, "Sysctls: %s", bw_ystr(sysctls->pairs[i].key) ?: "?");
        for (size_t i = 0; i < bw_yseq_len(sysctls); i++) {
                const char *s = bw_ystr(bw_yseq_at(sysctls, i));
                char key[128];
                snprintf(key, sizeof(key), "%.*s", s && strchr(s, '=') ? (int)(strchr(s, '=') - s) : 127, s ? s : "");
                if (!in(key, safe_sysctls))
                        fail(&j, BW_PSS_BASELINE, "Sysctls: %s", key);
        }
        bool nnp = false;
        const struct bw_ynode *so = bw_ymap_get(svc, "security_opt");
        for (size_t i = 0; i < bw_yseq_len(so); i++) {
                const char *s = bw_ystr(bw_yseq_at(so, i));
                if (!s)
                        continue;
                if (opt_is(s, "seccomp", "unconfined"))
                        fail(&j, BW_PSS_BASELINE, "Seccomp: security_opt %s", s);
                else if (opt_is(s, "apparmor", "unconfined"))
                        fail(&j, BW_PSS_BASELINE, "AppArmor: security_opt %s", s);
                else if (opt_is(s, "label", NULL) && !opt_is(s, "label", "disable") &&
                         !(strstr(s, "type:container_") && !strstr(s, "user:") && !strstr(s, "role:")))
                        fail(&j, BW_PSS_BASELINE, "SELinux: security_opt %s", s);
                else if (opt_is(s, "label", "disable"))
                        fail(&j, BW_PSS_BASELINE, "SELinux: security_opt %s", s);
                else if (opt_is(s, "systempaths", "unconfined"))
                        fail(&j, BW_PSS_BASELINE, "/proc Mount Type: security_opt %s", s);
                nnp |= opt_is(s, "no-new-privileges", "true") || strcmp(s, "no-new-privileges") == 0;
        }
        if (!nnp)
                fail(&j, BW_PSS_RESTRICTED, "Privilege Escalation: no security_opt no-new-privileges:true");
        const char *user = bw_ystr(bw_ymap_get(svc, "user"));
        if (!user || strcmp(user, "root") == 0 || strncmp(user, "root:", 5) == 0 || strcmp(user, "0") == 0 ||
            strncmp(user, "0:", 2) == 0)
                fail(&j, BW_PSS_RESTRICTED, "Running as Non-root: no user, or root");
        if (!drops_all)
                fail(&j, BW_PSS_RESTRICTED, "Capabilities: cap_drop does not hold ALL");
        for (size_t i = 0; i < bw_yseq_len(vols); i++) {
                const char *type = bw_ystr(bw_ymap_get(bw_yseq_at(vols, i), "type"));
                if (type && strcmp(type, "bind") != 0 && strcmp(type, "volume") != 0 && strcmp(type, "tmpfs") != 0)
                        fail(&j, BW_PSS_RESTRICTED, "Volume Types: a %s volume", type);
        }
        return !j.baseline_ok ? BW_PSS_PRIVILEGED : !j.restricted_ok ? BW_PSS_BASELINE : BW_PSS_RESTRICTED;
}
