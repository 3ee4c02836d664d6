/* The manifest readers: Kubernetes fields applied as the kubelet and
 * containerd apply them, Compose options as docker run's, positions, and
 * the Pod Security Standards levels. */
#include <string.h>

#include "input/compose.h"
#include "input/k8s.h"
#include "input/pss.h"
#include "tap.h"

struct got { json_t *oci[8]; char *name[8]; struct oci_pod_facts facts[8]; int n; enum bw_pss pss[8]; };

static int keep(void *ctx, const struct bw_input_target *t, struct bw_error **err)
{
        (void)err;
        struct got *g = ctx;
        if (g->n == 8)
                return 0;
        g->oci[g->n] = json_deep_copy(t->oci);
        g->name[g->n] = strdup(t->name);
        g->facts[g->n] = t->facts;
        g->pss[g->n] = t->pss;
        g->n++;
        return 0;
}

static void got_free(struct got *g)
{
        for (int i = 0; i < g->n; i++) {
                json_decref(g->oci[i]);
                free(g->name[i]);
        }
        *g = (struct got){ 0 };
}

static int read_k8s(const char *text, struct got *g)
{
        struct bw_yaml y;
        struct bw_error *err = NULL;
        *g = (struct got){ 0 };
        int r = bw_yaml_parse(text, strlen(text), "t.yaml", &y, &err);
        if (r == 0)
                r = bw_k8s_read(&y, "t.yaml", keep, g, &err);
        if (r == 0)
                r = bw_compose_read(&y, ".", "t.yaml", keep, g, &err);
        if (err)
                printf("# %s\n", err->msg);
        bw_error_free(err);
        bw_yaml_free(&y);
        return r;
}

static bool has_cap(json_t *oci, const char *cap)
{
        json_t *b = json_object_get(json_object_get(json_object_get(oci, "process"), "capabilities"), "bounding");
        size_t i;
        json_t *v;
        json_array_foreach(b, i, v)
                if (strcmp(json_string_value(v), cap) == 0)
                        return true;
        return false;
}

static bool has_ns(json_t *oci, const char *type)
{
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(json_object_get(oci, "linux"), "namespaces"), i, v)
                if (strcmp(json_string_value(json_object_get(v, "type")), type) == 0)
                        return true;
        return false;
}

static long long uid(json_t *oci)
{
        return json_integer_value(json_object_get(json_object_get(json_object_get(oci, "process"), "user"), "uid"));
}

static void capabilities(void)
{
        struct got g;
        /* containerd: defaults, add ALL, drop ALL, the adds, the drops */
        tap_is_int(read_k8s("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                            "  - name: a\n    securityContext: {capabilities: {drop: [ALL], add: [NET_ADMIN]}}\n"
                            "  - name: b\n    securityContext: {capabilities: {add: [ALL], drop: [SYS_ADMIN]}}\n"
                            "  - name: c\n    securityContext: {capabilities: {add: [CAP_BPF], drop: [bpf, NET_RAW]}}\n"
                            "  - name: d\n",
                            &g),
                   0, "a pod with four containers reads");
        tap_is_int(g.n, 4, "four targets");
        tap_ok(has_cap(g.oci[0], "CAP_NET_ADMIN") && !has_cap(g.oci[0], "CAP_CHOWN"), "drop ALL, then the adds");
        tap_ok(has_cap(g.oci[1], "CAP_SYS_MODULE") && !has_cap(g.oci[1], "CAP_SYS_ADMIN"), "add ALL, then the drops");
        tap_ok(!has_cap(g.oci[2], "CAP_BPF") && !has_cap(g.oci[2], "CAP_NET_RAW") && has_cap(g.oci[2], "CAP_CHOWN"),
               "a named drop wins over a named add, in any case and prefix");
        tap_ok(has_cap(g.oci[3], "CAP_MKNOD") && has_cap(g.oci[3], "CAP_NET_RAW") && !has_cap(g.oci[3], "CAP_SYS_ADMIN"),
               "no field: containerd's defaults");
        tap_is_str(g.name[3], "Pod/default/p: container d", "the target's name");
        got_free(&g);
}

static void pod_fields(void)
{
        struct got g;
        tap_is_int(read_k8s("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: j, namespace: n}\nspec:\n"
                            "  jobTemplate:\n    spec:\n      template:\n        spec:\n"
                            "          hostNetwork: true\n          securityContext: {runAsUser: 1000, runAsNonRoot: true}\n"
                            "          initContainers:\n          - name: i\n            securityContext: {runAsUser: 0}\n"
                            "          containers:\n          - name: c\n",
                            &g),
                   0, "a CronJob reads");
        tap_is_int(g.n, 2, "its init container and container");
        tap_is_str(g.name[0], "CronJob/n/j: initContainer i", "init containers first");
        tap_is_int(uid(g.oci[0]), 0, "the container's runAsUser wins over the pod's");
        tap_is_int(uid(g.oci[1]), 1000, "the pod's runAsUser applies");
        tap_ok(!has_ns(g.oci[1], "network") && !has_ns(g.oci[1], "uts") && has_ns(g.oci[1], "pid"),
               "hostNetwork: the host's network and UTS namespaces");
        tap_ok(!has_ns(g.oci[1], "user"), "no user namespace without hostUsers: false");
        tap_ok(g.facts[1].run_as_non_root && g.facts[1].sa_token, "facts: non-root, token mounted");
        tap_is_int(g.pss[1], BW_PSS_PRIVILEGED, "hostNetwork: privileged level");
        got_free(&g);

        tap_is_int(read_k8s("apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n"
                            "  metadata: {name: d}\n  spec:\n    template:\n      spec:\n        hostUsers: false\n"
                            "        automountServiceAccountToken: false\n        containers:\n        - name: c\n"
                            "          volumeMounts: [{name: h, mountPath: /h, subPath: sub, readOnly: true}]\n"
                            "        volumes: [{name: h, hostPath: {path: /srv}}]\n"
                            "- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n",
                            &g),
                   0, "a List reads");
        tap_is_int(g.n, 1, "the Service is skipped");
        tap_ok(has_ns(g.oci[0], "user"), "hostUsers: false: a user namespace");
        json_t *mounts = json_object_get(g.oci[0], "mounts");
        json_t *last = json_array_get(mounts, json_array_size(mounts) - 1);
        tap_is_str(json_string_value(json_object_get(last, "source")), "/srv/sub", "hostPath plus subPath");
        tap_is_str(json_string_value(json_array_get(json_object_get(last, "options"), 1)), "ro", "readOnly");
        tap_is_str(g.facts[0].host_path, "/srv", "the hostPath fact");
        tap_ok(!g.facts[0].sa_token && g.facts[0].host_users_false, "facts: no token, hostUsers false");
        got_free(&g);
}

static enum bw_pss level(const char *spec, char *why, size_t n)
{
        struct bw_yaml y;
        struct bw_error *err = NULL;
        if (bw_yaml_parse(spec, strlen(spec), "t.yaml", &y, &err) < 0) {
                bw_error_free(err);
                return (enum bw_pss)-1;
        }
        enum bw_pss l = bw_pss_level(NULL, y.docs[0], why, n);
        bw_yaml_free(&y);
        return l;
}

static void pss(void)
{
        char why[256];
        const char *restricted = "securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n"
                                 "containers:\n- name: c\n  securityContext: {allowPrivilegeEscalation: false, "
                                 "capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}\n";
        tap_is_int(level(restricted, why, sizeof(why)), BW_PSS_RESTRICTED, "restricted");
        char buf[1024];
        snprintf(buf, sizeof(buf), "%s- name: d\n  securityContext: {runAsNonRoot: false, allowPrivilegeEscalation: "
                 "false, capabilities: {drop: [ALL]}}\n", restricted);
        tap_is_int(level(buf, why, sizeof(why)), BW_PSS_BASELINE, "a container's runAsNonRoot: false beats the pod's");
        tap_is_str(why, "restricted: Running as Non-root: runAsNonRoot is not true (container d)", "and says so");
        snprintf(buf, sizeof(buf), "%svolumes: [{name: v, hostPath: {path: /tmp}}]\n", restricted);
        tap_is_int(level(buf, why, sizeof(why)), BW_PSS_PRIVILEGED, "a hostPath volume: privileged");
        tap_is_str(why, "baseline: HostPath Volumes: volume v", "the baseline control is named");
        snprintf(buf, sizeof(buf), "%ssecurityContext: {sysctls: [{name: net.ipv4.ping_group_range, value: '0 1'}]}\n",
                 "containers: [{name: c}]\n");
        tap_is_int(level(buf, why, sizeof(why)), BW_PSS_BASELINE, "a safe sysctl keeps baseline");
        tap_is_int(level("containers: [{name: c, securityContext: {seLinuxOptions: {type: spc_t}}}]\n", why, sizeof(why)),
                   BW_PSS_PRIVILEGED, "SELinux type spc_t: privileged");
        tap_is_int(level("containers: [{name: c, ports: [{containerPort: 80, hostPort: 0}]}]\n", why, sizeof(why)),
                   BW_PSS_BASELINE, "hostPort 0 is no host port");
        tap_is_int(level("ephemeralContainers: [{name: e, securityContext: {capabilities: {add: [SYS_PTRACE]}}}]\n"
                         "containers: [{name: c}]\n", why, sizeof(why)),
                   BW_PSS_PRIVILEGED, "ephemeral containers count");
}

static void compose(void)
{
        tap_is_int(bw_compose_bytes("512m"), 512LL << 20, "512m");
        tap_is_int(bw_compose_bytes("1GB"), 1LL << 30, "1GB");
        tap_is_int(bw_compose_bytes("2147483648"), 2147483648LL, "bytes");
        tap_is_int(bw_compose_bytes("lots"), -1, "not a size");
        struct got g;
        tap_is_int(read_k8s("services:\n  a:\n    image: x\n    cap_drop: [ALL]\n    cap_add: [NET_BIND_SERVICE]\n"
                            "    pid: host\n    user: '1000:1000'\n    read_only: true\n"
                            "    volumes: ['/var/run/docker.sock:/s:ro', 'named:/n', '/anon']\n"
                            "    tmpfs: ['/tmp:size=1m']\n",
                            &g),
                   0, "a Compose file reads");
        tap_is_int(g.n, 1, "one service");
        tap_is_str(g.name[0], "service a", "its name");
        tap_ok(has_cap(g.oci[0], "CAP_NET_BIND_SERVICE") && !has_cap(g.oci[0], "CAP_CHOWN"), "cap_drop ALL, cap_add");
        tap_ok(!has_ns(g.oci[0], "pid") && has_ns(g.oci[0], "network"), "pid: host");
        tap_is_int(uid(g.oci[0]), 1000, "user");
        tap_ok(json_is_true(json_object_get(json_object_get(g.oci[0], "root"), "readonly")), "read_only");
        json_t *mounts = json_object_get(g.oci[0], "mounts");
        bool sock = false, named = false, tmp = false, anon = false;
        size_t i;
        json_t *m;
        json_array_foreach(mounts, i, m) {
                const char *src = json_string_value(json_object_get(m, "source"));
                const char *dst = json_string_value(json_object_get(m, "destination"));
                sock |= strcmp(src, "/var/run/docker.sock") == 0 && strcmp(dst, "/s") == 0;
                named |= strcmp(src, "/var/lib/docker/volumes/named/_data") == 0;
                tmp |= strcmp(dst, "/tmp") == 0 && strcmp(json_string_value(json_object_get(m, "type")), "tmpfs") == 0;
                anon |= strcmp(dst, "/anon") == 0;
        }
        tap_ok(sock && named && tmp && !anon, "a bind, a named volume, a tmpfs; an anonymous volume is Docker's own");
        got_free(&g);
}

int main(void)
{
        capabilities();
        pod_fields();
        pss();
        compose();
        return tap_done();
}
