/* Every rule: a config that fires it and a near miss that does not. */
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/checks.h"
#include "policy/rules.h"
#include "rules_fixture.h"
#include "tap.h"
#include "util/strv.h"

struct rule_case {
        const char *id;
        const char *fire;    /* merge patch that makes the rule fire */
        const char *nofire;  /* a near miss (NULL: the clean config) */
};

#define NS_WITHOUT(t) "{\"linux\": {\"namespaces\": [" t "]}}"
#define NS_ALL_BUT_PID "{\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}, {\"type\": \"user\"}"

static const struct rule_case cases[] = {
        { "BW029", "{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_SYS_PTRACE\"]}}, \"linux\": {\"namespaces\": [" NS_ALL_BUT_PID "]}}",
          "{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_SYS_PTRACE\"]}}}" },
        { "BW030", "{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_SYS_NICE\"]}}}",
          "{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_SETUID\", \"CAP_AUDIT_WRITE\", \"CAP_SYS_CHROOT\"]}}}" },
        { "BW040", NS_WITHOUT("{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}"),
          NULL },
        { "BW041", "{\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": 0, \"size\": 65536}],"
                   " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]}}",
          "{\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],"
          " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]}}" },
        { "BW043", "{\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1, \"size\": 65536}],"
                   " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]}}",
          "{\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],"
          " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]}}" },
        { "BW042", "{\"process\": {\"user\": {\"uid\": 0, \"gid\": 0}}, \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"mount\"}]}}",
          "{\"process\": {\"user\": {\"uid\": 0, \"gid\": 0}}}" },
        { "BW044", NS_WITHOUT("{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"},"
                              " {\"type\": \"cgroup\"}, {\"type\": \"user\", \"path\": \"/proc/4242/ns/user\"}"), NULL },
        { "BW050", "{\"linux\": {\"seccomp\": null}}", NULL },
        { "BW051", "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": null, \"syscalls\": null}}}",
          "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": null, \"syscalls\": "
          "[{\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}]}}}" },
        { "BW052", "{\"linux\": {\"seccomp\": {\"syscalls\": [{\"names\": [\"read\", \"mount\", \"unshare\"], \"action\": \"SCMP_ACT_ALLOW\"}]}}}",
          "{\"linux\": {\"seccomp\": {\"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"},"
          " {\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 2114060288, \"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}}}" },
        { "BW053", "{\"process\": {\"noNewPrivileges\": false}}", NULL },
        { "BW060", NS_WITHOUT(NS_ALL_BUT_PID), NULL },
        { "BW061", "{\"linux\": {\"sysctl\": null, \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}, {\"type\": \"user\"}]}}",
          NULL },
        { "BW062", NS_WITHOUT("{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}, {\"type\": \"user\"}"), NULL },
        { "BW063", NS_WITHOUT("{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}, {\"type\": \"user\"}"), NULL },
        { "BW064", NS_WITHOUT("{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"user\"}"), NULL },
        { "BW065", NS_WITHOUT("{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"cgroup\"}, {\"type\": \"user\"}"), NULL },
        { "BW066", "{\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"},"
                   " {\"type\": \"mount\", \"path\": \"/run/netns/nothing\"}, {\"type\": \"cgroup\"}, {\"type\": \"user\"}]}}", NULL },
        { "BW070", "{\"mounts\": [{\"destination\": \"/var/run/docker.sock\", \"type\": \"bind\", \"source\": \"/var/run/docker.sock\", \"options\": [\"rbind\", \"ro\"]}]}",
          "{\"mounts\": [{\"destination\": \"/var/run/docker.sock\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]}" },
        { "BW071", "{\"mounts\": [{\"destination\": \"/host\", \"type\": \"bind\", \"source\": \"/etc\", \"options\": [\"rbind\", \"rw\"]}]}",
          "{\"mounts\": [{\"destination\": \"/host\", \"type\": \"bind\", \"source\": \"/etc\", \"options\": [\"rbind\", \"ro\"]}]}" },
        { "BW072", "{\"mounts\": [{\"destination\": \"/host\", \"options\": [\"rbind\", \"ro\"], \"source\": \"/lib/modules/6.1.0\"}]}",
          "{\"mounts\": [{\"destination\": \"/etc/hosts\", \"type\": \"bind\", \"source\": \"/var/lib/docker/containers/abc/hosts\", \"options\": [\"rbind\", \"ro\"]},"
          " {\"destination\": \"/x\", \"type\": \"bind\", \"source\": \"/etcetera\", \"options\": [\"rbind\", \"ro\"]}]}" },
        { "BW073", "{\"root\": {\"path\": \"/./etc\", \"readonly\": true}}",
          "{\"root\": {\"path\": \"/var/lib/docker/overlay2/0123/merged\", \"readonly\": false}}" },
        { "BW075", "{\"mounts\": [{\"destination\": \"/v\", \"type\": \"bind\", \"source\": \"/srv/v\", \"options\": [\"rbind\", \"idmap\"]}]}",
          "{\"mounts\": [{\"destination\": \"/v\", \"type\": \"bind\", \"source\": \"/srv/v\", \"options\": [\"rbind\"]}]}" },
        { "BW077", "{\"mounts\": [{\"destination\": \"/v\", \"type\": \"overlay\", \"source\": \"overlay\", \"options\": [\"lowerdir=/srv/a\"]}]}",
          "{\"mounts\": [{\"destination\": \"/v\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"size=1m\"]}]}" },
        { "BW076", "{\"mounts\": [{\"destination\": \"/x\", \"type\": \"bind\", \"source\": \"/srv/link/.\", \"options\": [\"rbind\", \"ro\"]}]}",
          "{\"mounts\": [{\"destination\": \"/x\", \"type\": \"bind\", \"source\": \"/srv/data\", \"options\": [\"rbind\", \"ro\"]}]}" },
        { "BW078", "{\"process\": {\"apparmorProfile\": \"unconfined\", \"selinuxLabel\": \"system_u:system_r:spc_t:s0\"}}",
          "{\"process\": {\"apparmorProfile\": \"docker-default\", \"selinuxLabel\": \"system_u:system_r:container_t:s0:c1,c2\"}}" },
        { "BW080", "{\"linux\": {\"devices\": [{\"path\": \"/dev/sda\", \"type\": \"b\", \"major\": 8, \"minor\": 0}]}}",
          "{\"linux\": {\"devices\": [{\"path\": \"/dev/null\", \"type\": \"c\", \"major\": 1, \"minor\": 3}]}}" },
        { "BW081", "{\"linux\": {\"devices\": [{\"path\": \"/dev/null\", \"type\": \"c\", \"major\": 1, \"minor\": 1}]}}",
          "{\"linux\": {\"devices\": [{\"path\": \"/dev/urandom\", \"type\": \"c\", \"major\": 1, \"minor\": 9}]}}" },
        { "BW082", "{\"linux\": {\"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}, {\"allow\": true, \"type\": \"b\", \"access\": \"rw\"}]}}}",
          "{\"linux\": {\"resources\": {\"devices\": [{\"allow\": true, \"access\": \"rwm\"}, {\"allow\": false, \"access\": \"rwm\"},"
          " {\"allow\": true, \"type\": \"b\", \"access\": \"m\"}]}}}" },
        { "BW090", "{\"linux\": {\"maskedPaths\": [\"/proc/kcore\"]}}", NULL },
        { "BW091", "{\"linux\": {\"readonlyPaths\": [\"/proc/sys\"]}}", NULL },
        { "BW092", "{\"linux\": {\"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sysrq-trigger\"]}}",
          "{\"mounts\": [{\"destination\": \"/proc/sys/net\", \"type\": \"proc\", \"source\": \"proc\", \"options\": [\"ro\"]}]}" },
        { "BW093", "{\"mounts\": [{\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\", \"options\": [\"nosuid\"]}]}", NULL },
        { "BW095", "{\"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
          " {\"destination\": \"/host-proc\", \"type\": \"proc\", \"source\": \"proc\"}]}",
          "{\"mounts\": [{\"destination\": \"//proc/./\", \"type\": \"proc\", \"source\": \"proc\"},"
          " {\"destination\": \"/x/../sys\", \"type\": \"sysfs\", \"source\": \"sysfs\", \"options\": [\"ro\"]}]}" },
        { "BW100", "{\"linux\": {\"rootfsPropagation\": \"rshared\"}}", "{\"linux\": {\"rootfsPropagation\": \"rslave\"}}" },
        { "BW101", "{\"root\": {\"readonly\": false}}", NULL },
        { "BW102", "{\"linux\": {\"resources\": {\"pids\": null}}}", NULL },
        { "BW103", "{\"linux\": {\"resources\": {\"memory\": null}}}", NULL },
        { "BW104", "{\"mounts\": [{\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"size=1m\", \"mode=1777,size=0\"]}]}",
          "{\"mounts\": [{\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"size=0\", \"nosuid\", \"size=64m\"]}]}" },
        { "BW110", "{\"hooks\": {\"prestart\": [{\"path\": \"/usr/local/bin/net-setup\"}]}}", NULL },
        { "BW111", "{\"annotations\": {\"run.oci.keep_original_groups\": \"1\"}}",
          "{\"annotations\": {\"org.opencontainers.image.title\": \"x\"}}" },
};

static bool fires(const struct oci_config *c, const char *id)
{
        struct bw_findings f = { 0 };
        int r = bw_rules_check(c, &f);
        bool has = r == 0 && bw_findings_has(&f, id);
        for (size_t i = 0; has && i < f.n; i++)
                if (strcmp(f.v[i].rule->id, id) == 0)
                        printf("#   %s: %s\n", id, f.v[i].detail);
        bw_findings_clear(&f);
        return has;
}

static void check_case(const char *id, const char *fire, const char *nofire)
{
        struct oci_config *c = config_with(fire);
        tap_ok(c && fires(c, id), "%s fires on %s", id, fire);
        oci_config_free(c);
        c = config_with(nofire);
        tap_ok(c && !fires(c, id), "%s does not fire on %s", id, nofire ? nofire : "the clean config");
        oci_config_free(c);
}

static const struct rule_case *find_case(const char *id)
{
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
                if (strcmp(cases[i].id, id) == 0)
                        return &cases[i];
        return NULL;
}

/* The per-capability rules: fired by the capability in the bounding set,
 * not by it in the inheritable set alone while no_new_privs is on. */
static void capability_rules(void)
{
        for (size_t i = 0; i < bw_n_rules; i++) {
                const struct bw_rule *r = &bw_rules[i];
                if (r->check != bw_check_cap)
                        continue;
                char fire[256], nofire[256];
                snprintf(fire, sizeof(fire), "{\"process\": {\"capabilities\": {\"bounding\": [\"%s\"]}}}", oci_cap_name(r->cap));
                snprintf(nofire, sizeof(nofire), "{\"process\": {\"capabilities\": {\"inheritable\": [\"%s\"]}}}", oci_cap_name(r->cap));
                check_case(r->id, fire, nofire);
        }
        /* With no_new_privs off a file-inheritable binary gains it. */
        struct oci_config *c = config_with("{\"process\": {\"noNewPrivileges\": false, \"capabilities\": {\"inheritable\": [\"CAP_SYS_ADMIN\"]}}}");
        tap_ok(c && fires(c, "BW010"), "an inheritable capability counts when no_new_privs is off");
        oci_config_free(c);
        c = config_with("{\"process\": {\"capabilities\": {\"effective\": [\"CAP_NET_RAW\"], \"bounding\": []}}}");
        tap_ok(c && fires(c, "BW019"), "the effective set counts even with an empty bounding set");
        oci_config_free(c);
}

static void privileged(void)
{
        char caps[2048] = "";
        for (int i = 0; i <= OCI_CAP_LAST; i++)
                snprintf(caps + strlen(caps), sizeof(caps) - strlen(caps), "%s\"%s\"", i ? ", " : "", oci_cap_name(i));
        char fire[4096], nofire[4096];
        snprintf(fire, sizeof(fire), "{\"process\": {\"capabilities\": {\"bounding\": [%s]}}, \"linux\": {\"maskedPaths\": []}}", caps);
        snprintf(nofire, sizeof(nofire), "{\"process\": {\"capabilities\": {\"bounding\": [%s]}}}", caps);
        check_case("BW001", fire, nofire);
        struct oci_config *c = config_with("{\"linux\": {\"maskedPaths\": [], \"resources\": {\"devices\": [{\"allow\": true, \"access\": \"rwm\"}]}}}");
        tap_ok(c && fires(c, "BW001"), "BW001 fires on no masks plus an open device cgroup, without capabilities");
        oci_config_free(c);
}

/* The loader refuses host-wide sysctls, as runc does; the rule guards
 * configs built in memory, so it is tested on one. */
static void sysctl_rule(void)
{
        struct oci_config *c = config_with(NULL);
        tap_ok(c && !fires(c, "BW094"), "BW094 does not fire on net.ipv4.ping_group_range with a network namespace");
        if (!c)
                return;
        struct oci_kv_list *s = &c->linux->sysctl;
        struct oci_kv *v = realloc(s->v, (s->n + 1) * sizeof(*v));
        if (v) {
                s->v = v;
                v[s->n++] = (struct oci_kv){ strdup("kernel.core_pattern"), strdup("|/tmp/x") };
        }
        tap_ok(fires(c, "BW094"), "BW094 fires on kernel.core_pattern");
        oci_config_free(c);
}

/* A namespace joined by a path is the container's own unless the runtime
 * found the path to be the host's (Docker's --network host): the host
 * namespace rules fire on that fact, for each type they cover. */
static void host_ns_by_path(void)
{
        static const struct { const char *id, *type; } v[] = {
                { "BW060", "pid" }, { "BW061", "network" }, { "BW062", "ipc" }, { "BW063", "uts" },
        };
        for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
                static const char *const all[] = { "pid", "network", "ipc", "uts", "mount", "cgroup", "user" };
                char patch[1024];
                int n = snprintf(patch, sizeof(patch), "{\"linux\": {\"namespaces\": [{\"type\": \"%s\", \"path\": "
                                 "\"/proc/1/ns/x\"}", v[i].type);
                for (size_t k = 0; k < ARRAY_SIZE(all); k++)
                        if (strcmp(all[k], v[i].type) != 0)
                                n += snprintf(patch + n, sizeof(patch) - (size_t)n, ", {\"type\": \"%s\"}", all[k]);
                snprintf(patch + n, sizeof(patch) - (size_t)n, "]}}");
                struct oci_config *c = config_with(patch);
                tap_ok(c && !fires(c, v[i].id), "%s does not fire on a %s namespace path not known to be the host's",
                       v[i].id, v[i].type);
                if (c)
                        c->linux->namespaces[0].host = true;
                tap_ok(c && fires(c, v[i].id), "%s fires on a %s namespace path marked as the host's", v[i].id, v[i].type);
                struct bw_findings f = { 0 };
                if (c && bw_rules_check(c, &f) == 0)
                        for (size_t k = 0; k < f.n; k++)
                                if (strcmp(f.v[k].rule->id, v[i].id) == 0)
                                        tap_ok(f.v[k].pointer && strcmp(f.v[k].pointer, "/linux/namespaces/0/path") == 0, "%s points at the path", v[i].id);
                bw_findings_clear(&f);
                oci_config_free(c);
        }
}

/* BW067 judges the owner the runtime found for a joined namespace
 * (ns->owner): an unread owner is not judged; an IPC namespace another
 * user namespace owns fires only with a new user namespace of the
 * container's and an mqueue mount to make in it. */
static void unowned_join(void)
{
        static const char *const patch =
                "{\"mounts\": [{\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\"}],"
                " \"linux\": {\"namespaces\": [{\"type\": \"ipc\", \"path\": \"/proc/4242/ns/ipc\"}, {\"type\": \"pid\"},"
                " {\"type\": \"network\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}, {\"type\": \"user\"}]}}";
        struct oci_config *c = config_with(patch);
        tap_ok(c && !fires(c, "BW067"), "BW067 does not fire when the joined namespace's owner was not read");
        if (!c)
                return;
        c->linux->namespaces[0].owner = OCI_NS_OWNER_OTHER;
        tap_ok(fires(c, "BW067"), "BW067 fires on a joined IPC namespace of another user namespace with an mqueue mount");
        c->linux->namespaces[0].owner = OCI_NS_OWNER_HOST;
        tap_ok(fires(c, "BW067"), "BW067 fires on a joined IPC namespace of the host's user namespace with an mqueue mount");
        struct oci_namespace *user = &c->linux->namespaces[6];
        user->path = strdup("/proc/4242/ns/user");
        tap_ok(!fires(c, "BW067"), "BW067 does not fire when the user namespace is joined too");
        free(user->path);
        user->path = NULL;
        c->n_mounts = 0; /* the mount is still freed: n_mounts only bounds the loop */
        tap_ok(!fires(c, "BW067"), "BW067 does not fire without an mqueue mount to make");
        c->n_mounts = 1;
        oci_config_free(c);
}

/* BW068 judges the owner the runtime found too: a namespace joined by
 * path that a live bulwark container owns fires, naming it, unless the
 * CRI sandbox annotation names that very container. */
static void joins_other_container(void)
{
        static const char *const patch =
                "{\"linux\": {\"namespaces\": [{\"type\": \"pid\", \"path\": \"/proc/4242/ns/pid\"}, {\"type\": \"ipc\"},"
                " {\"type\": \"network\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}, {\"type\": \"user\"}]}}";
        struct oci_config *c = config_with(patch);
        tap_ok(c && !fires(c, "BW068"), "BW068 does not fire when the joined namespace's owner was not read");
        if (!c)
                return;
        struct oci_namespace *pid = &c->linux->namespaces[0];
        pid->owner = OCI_NS_OWNER_OTHER;
        tap_ok(fires(c, "BW068"), "BW068 fires on a namespace of another user namespace (another root's container, "
                                  "another runtime's, a process's)");
        pid->owner = OCI_NS_OWNER_HOST;
        tap_ok(!fires(c, "BW068"), "BW068 does not fire on a namespace the host's user namespace owns");
        pid->owner = OCI_NS_OWNER_CONTAINER;
        pid->owner_container = strdup("victim");
        struct bw_findings f = { 0 };
        bool named = false;
        if (bw_rules_check(c, &f) == 0)
                for (size_t i = 0; i < f.n; i++)
                        named = named || (strcmp(f.v[i].rule->id, "BW068") == 0 && f.v[i].detail &&
                                          strstr(f.v[i].detail, "the pid namespace /proc/4242/ns/pid belongs to "
                                                                "container victim"));
        bw_findings_clear(&f);
        tap_ok(named, "BW068 fires on a pid namespace of container victim, naming it");
        /* the engine's sandbox annotation names another container: still fires */
        c->annotations.v = c->annotations.n ? c->annotations.v : calloc(1, sizeof(*c->annotations.v));
        if (c->annotations.v && !c->annotations.n) {
                c->annotations.n = 1;
                c->annotations.v[0].key = strdup("io.kubernetes.cri.sandbox-id");
                c->annotations.v[0].value = strdup("other");
        }
        tap_ok(fires(c, "BW068"), "BW068 fires when io.kubernetes.cri.sandbox-id names another container");
        if (c->annotations.n) {
                free(c->annotations.v[0].value);
                c->annotations.v[0].value = strdup("victim");
        }
        tap_ok(!fires(c, "BW068"), "BW068 does not fire when io.kubernetes.cri.sandbox-id names that container");
        oci_config_free(c);
}

/* BW052's one-pass check says exactly what bw_seccomp_allows says, name
 * by name: later rules win, rules with arguments do not decide, and the
 * default action decides the rest. */
static void breakout_matches_allows(void)
{
        static const char *const profiles[] = {
                ("{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                "{\"names\": [\"mount\", \"bpf\", \"read\"], \"action\": \"SCMP_ACT_ALLOW\"},"
                "{\"names\": [\"bpf\"], \"action\": \"SCMP_ACT_ERRNO\"},"
                "{\"names\": [\"keyctl\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}}}"),
                ("{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                "{\"names\": [\"unshare\", \"setns\", \"quotactl\"], \"action\": \"SCMP_ACT_KILL\"},"
                "{\"names\": [\"setns\"], \"action\": \"SCMP_ACT_ALLOW\"},"
                "{\"names\": [\"quotactl\"], \"action\": \"SCMP_ACT_LOG\"}]}}}"),
                ("{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"defaultErrnoRet\": null, \"syscalls\": ["
                "{\"names\": [\"reboot\", \"swapoff\", \"lookup_dcookie\", \"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}}}"),
        };
        for (size_t p = 0; p < ARRAY_SIZE(profiles); p++) {
                struct oci_config *c = config_with(profiles[p]);
                tap_ok(c != NULL, "profile %zu loads", p);
                char want[512] = "";
                for (size_t i = 0; c && bw_breakout_syscalls[i]; i++) {
                        if (!bw_seccomp_allows(c->linux->seccomp, bw_breakout_syscalls[i]))
                                continue;
                        if (want[0])
                                strcat(want, ", ");
                        strcat(want, bw_breakout_syscalls[i]);
                }
                struct bw_findings f = { 0 };
                const char *got = NULL;
                if (c && bw_rules_check(c, &f) == 0)
                        for (size_t i = 0; i < f.n; i++)
                                if (strcmp(f.v[i].rule->id, "BW052") == 0)
                                        got = f.v[i].detail;
                bool same = want[0] ? got && strncmp(got, "allows ", 7) == 0 && strcmp(got + 7, want) == 0 : !got;
                tap_ok(same, "BW052 on profile %zu names what bw_seccomp_allows allows (%s / %s)", p,
                       want[0] ? want : "nothing", got ? got : "no finding");
                bw_findings_clear(&f);
                oci_config_free(c);
        }
}

/* BW095: every spelling of a proc or sysfs mount the masks do not reach. */
static void pseudofs_mounts(void)
{
        static const struct { const char *type, *dest; bool fires; } pcases[] = {
                { "proc", "/proc/sys", true },      { "proc", "/proc/../host", true }, { "proc", "/hostproc/", true },
                { "proc", "/../proc", false },      { "proc", "/proc//", false },      { "sysfs", "/sys/kernel", true },
                { "sysfs", "/./sys", false },       { "sysfs", "/proc", true },        { "proc", "/sys", true },
        };
        for (size_t i = 0; i < ARRAY_SIZE(pcases); i++) {
                char patch[512];
                snprintf(patch, sizeof(patch),
                         "{\"mounts\": [{\"destination\": \"%s\", \"type\": \"%s\", \"source\": \"x\", \"options\": [\"ro\"]}]}",
                         pcases[i].dest, pcases[i].type);
                struct oci_config *c = config_with(patch);
                tap_ok(c && fires(c, "BW095") == pcases[i].fires, "BW095 %s for %s at %s",
                       pcases[i].fires ? "fires" : "does not fire", pcases[i].type, pcases[i].dest);
                oci_config_free(c);
        }
}

/* A user namespace joined by path: its real maps (filled in by the runtime
 * before the policy runs) are judged, the config's mappings are not. */
static void joined_userns(void)
{
        struct oci_config *c = config_with(
                "{\"process\": {\"user\": {\"uid\": 0, \"gid\": 0}}, \"linux\": {"
                " \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"},"
                " {\"type\": \"mount\"}, {\"type\": \"cgroup\"}, {\"type\": \"user\", \"path\": \"/proc/4242/ns/user\"}]}}");
        if (!c) {
                tap_ok(0, "joined user namespace config loads");
                return;
        }
        struct oci_namespace *ns = &c->linux->namespaces[6];
        tap_ok(fires(c, "BW044") && !fires(c, "BW041") && !fires(c, "BW042"),
               "unread: BW044 (and nothing known about its maps)");
        static struct oci_idmap root = { 0, 0, 1 }, range = { 0, 200000, 65536 };
        ns->joined_read = true;
        ns->joined_uid = (struct oci_idmap_list){ &root, 1, true };
        ns->joined_gid = (struct oci_idmap_list){ &range, 1, true };
        tap_ok(!fires(c, "BW044") && fires(c, "BW041") && fires(c, "BW042"),
               "a joined namespace mapping host root: BW041 and BW042 (process uid 0 is host 0)");
        ns->joined_uid = (struct oci_idmap_list){ &range, 1, true };
        ns->joined_gid = (struct oci_idmap_list){ &root, 1, true };
        tap_ok(fires(c, "BW041") && !fires(c, "BW042"), "host gid 0 in the joined gid_map: BW041");
        ns->joined_gid = (struct oci_idmap_list){ &range, 1, true };
        tap_ok(!fires(c, "BW041") && !fires(c, "BW042") && !fires(c, "BW044"),
               "a joined namespace with an unprivileged range passes");
        ns->joined_uid = ns->joined_gid = (struct oci_idmap_list){ 0 };
        oci_config_free(c);
}

/* BW102 against the host's pid_max (a fact the runtime fills in). */
static void pids_above_pid_max(void)
{
        struct oci_config *c = config_with("{\"linux\": {\"resources\": {\"pids\": {\"limit\": 100000}}}}");
        if (!c) {
                tap_ok(0, "pids config loads");
                return;
        }
        tap_ok(!fires(c, "BW102"), "pid_max unknown: 100000 is below any kernel's limit");
        c->linux->host_pid_max = 32768;
        tap_ok(fires(c, "BW102"), "a limit above this host's pid_max 32768 is none");
        c->linux->host_pid_max = 100000;
        tap_ok(fires(c, "BW102"), "a limit equal to pid_max is none");
        c->linux->host_pid_max = 4194304;
        tap_ok(!fires(c, "BW102"), "a limit below pid_max counts");
        c->linux->host_pid_max = 0;
        c->linux->resources.pids.limit.v = 4194304;
        tap_ok(fires(c, "BW102"), "pid_max unknown: 2^22 is none on any kernel");
        oci_config_free(c);
}

/* BW043 on the facts the runtime gathers: a host user's uid, a live
 * container's range, a mount's own mappings, a rootless caller's own id. */
static size_t bw043_count(struct oci_config *c, char *detail, size_t size)
{
        struct bw_findings f = { 0 };
        size_t n = 0;
        detail[0] = '\0';
        if (c && bw_rules_check(c, &f) == 0)
                for (size_t i = 0; i < f.n; i++)
                        if (strcmp(f.v[i].rule->id, "BW043") == 0 && n++ == 0)
                                snprintf(detail, size, "%s", f.v[i].detail);
        bw_findings_clear(&f);
        return n;
}

static size_t rule_count(struct oci_config *c, const char *id)
{
        struct bw_findings f = { 0 };
        size_t n = 0;
        if (c && bw_rules_check(c, &f) == 0)
                for (size_t i = 0; i < f.n; i++)
                        n += strcmp(f.v[i].rule->id, id) == 0;
        bw_findings_clear(&f);
        return n;
}
#define bw041_count(c) rule_count(c, "BW041")

/* BW110 on a hook the policy gate marked trusted: silent, unless its env
 * makes the trusted program run other code. */
static void trusted_hook_env(void)
{
        static const struct { const char *env; bool fires; } v[] = {
                { "HOME=/", false },
                { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", false },
                { "PYTHONUNBUFFERED_NOT=1", true }, /* the PYTHON* family as a whole */
                { "LD_PRELOAD=/tmp/x.so", true }, { "LD_AUDIT=/tmp/x.so", true }, { "GCONV_PATH=/tmp", true },
                { "GLIBC_TUNABLES=x", true }, { "BASH_ENV=/tmp/x", true }, { "ENV=/tmp/x", true },
                { "BASH_FUNC_id%%=() { :; }", true }, { "PERL5OPT=-d", true }, { "NODE_OPTIONS=-r x", true },
                { "JAVA_TOOL_OPTIONS=-javaagent:x", true }, { "PATH=/tmp:/usr/bin", true }, { "PATH=/usr/bin:", true },
                { "PATH=", true }, { "PATH", true }, { "ENVIRONMENT=x", false }, { "IFSX=1", false },
        };
        for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
                struct oci_config *c = config_with("{\"hooks\": {\"poststop\": [{\"path\": \"/usr/local/bin/gpu-hook\"}]}}");
                if (!c || c->hooks.poststop.n != 1) {
                        tap_ok(0, "hook config loads");
                        oci_config_free(c);
                        return;
                }
                struct oci_hook *h = &c->hooks.poststop.v[0];
                tap_ok(rule_count(c, "BW110") == 1, "an untrusted hook is BW110");
                h->trusted = true;
                tap_ok(rule_count(c, "BW110") == 0, "a trusted hook without env is not");
                char *env[] = { (char *)v[i].env, NULL };
                h->env = env;
                tap_ok((rule_count(c, "BW110") == 1) == v[i].fires, "a trusted hook with env %s %s", v[i].env,
                       v[i].fires ? "is BW110" : "is not BW110");
                h->env = NULL;
                oci_config_free(c);
        }
}

/* As root, explicit mappings must lie in some user's subordinate range:
 * ids nobody was given may be an LDAP or NFS user's. */
static void subid_facts(void)
{
        char d[320];
        struct oci_config *c = config_with("{\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1999999999, \"size\": 65536}],"
                                           " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1999999999, \"size\": 65536}]}}");
        static uint32_t uids[] = { 0, 1000 }, gids[] = { 0, 100 };
        static struct oci_subid_span sub[] = { { 100000, 65536, true, "root" } };
        c->host_ids = (struct oci_host_ids){ .gathered = true, .uids = uids, .n_uids = 2, .gids = gids, .n_gids = 2,
                                             .subids_read = true, .sub_uids = sub, .n_sub_uids = 1,
                                             .sub_gids = sub, .n_sub_gids = 1 };
        tap_ok(bw043_count(c, d, sizeof(d)) == 2 &&
                       strstr(d, "onto host uids 1999999999-2000065534, outside every subordinate range of /etc/subuid"),
               "BW043: root mapping onto ids in no subordinate range fires for uid and gid (%s)", d);
        /* the same ids given to a user engines take ranges from in
         * /etc/subuid and /etc/subgid */
        static struct oci_subid_span given[] = { { 100000, 65536, true, "root" }, { 1999999999, 65536, true, "dockremap" } };
        c->host_ids.sub_uids = c->host_ids.sub_gids = given;
        c->host_ids.n_sub_uids = c->host_ids.n_sub_gids = 2;
        tap_is_int(bw043_count(c, d, sizeof(d)), 0, "BW043: a mapping inside an engine user's subordinate range passes");
        /* the same ids given to another user (a rootless engine's) */
        static struct oci_subid_span others[] = { { 100000, 65536, true, "root" }, { 1999999999, 65536, false, "alice" } };
        c->host_ids.sub_uids = c->host_ids.sub_gids = others;
        tap_ok(bw043_count(c, d, sizeof(d)) == 2 &&
                       strstr(d, "onto host uids 1999999999-2000065534, user alice's subordinate ids in /etc/subuid"),
               "BW043: a mapping inside another user's subordinate range fires for uid and gid (%s)", d);
        /* covered partly by an engine user's range and partly by alice's */
        static struct oci_subid_span half[] = { { 1999999999, 100, true, "containers" },
                                                { 2000000099, 65436, false, "alice" } };
        c->host_ids.sub_uids = c->host_ids.sub_gids = half;
        tap_ok(bw043_count(c, d, sizeof(d)) == 2 && strstr(d, "user alice's subordinate ids"),
               "BW043: a mapping reaching from an engine user's range into another user's fires (%s)", d);
        c->host_ids.sub_uids = c->host_ids.sub_gids = given;
        tap_is_int(bw043_count(c, d, sizeof(d)), 0, "BW043: a mapping inside a subordinate range passes");
        /* one id past the range */
        c->linux->gid_mappings.v[0].size = 65537;
        tap_ok(bw043_count(c, d, sizeof(d)) == 1 && strstr(d, "gidMappings[0]") &&
                       strstr(d, "host gids 1999999999-2000065535, outside every subordinate range of /etc/subgid"),
               "BW043: one gid past the subordinate range fires (%s)", d);
        /* two adjacent ranges (two users' lines) cover it */
        static struct oci_subid_span adjacent[] = { { 2000065535, 10, true, "kubelet" },
                                                    { 1999999999, 65536, true, "containers" } };
        c->host_ids.sub_gids = adjacent;
        tap_is_int(bw043_count(c, d, sizeof(d)), 0, "BW043: a mapping across two adjacent subordinate ranges passes");
        /* the files could not be read: nothing is known to be set aside */
        c->host_ids.subids_read = false;
        tap_ok(bw043_count(c, d, sizeof(d)) == 2 && strstr(d, "/etc/subuid could not be read"),
               "BW043: unreadable /etc/subuid fires (%s)", d);
        /* a rootless caller: the kernel and newuidmap decide what is its own */
        c->host_ids = (struct oci_host_ids){ .gathered = true, .rootless = true, .self_uid = 1000, .self_gid = 1000,
                                             .uids = uids, .n_uids = 2, .gids = gids, .n_gids = 2 };
        tap_is_int(bw043_count(c, d, sizeof(d)), 0, "BW043: the subordinate-range requirement is root's");
        c->host_ids = (struct oci_host_ids){ 0 };
        oci_config_free(c);

        /* a user namespace joined by path: its real maps are judged too */
        c = config_with("{\"linux\": {\"uidMappings\": null, \"gidMappings\": null, \"namespaces\": [{\"type\": \"pid\"},"
                        " {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"},"
                        " {\"type\": \"cgroup\"}, {\"type\": \"user\", \"path\": \"/proc/4242/ns/user\"}]}}");
        if (!c || c->linux->n_namespaces != 7) {
                tap_ok(0, "joined user namespace config loads");
                oci_config_free(c);
                return;
        }
        struct oci_namespace *ns = &c->linux->namespaces[6];
        static struct oci_idmap user = { 0, 1001, 1 }, far = { 0, 1999999999, 65536 }, inlive = { 0, 2000000, 65536 };
        ns->joined_read = true;
        ns->joined_uid = (struct oci_idmap_list){ &user, 1, true };
        ns->joined_gid = (struct oci_idmap_list){ &user, 1, true };
        tap_ok(bw043_count(c, d, sizeof(d)) == 2 &&
                       strstr(d, "the joined user namespace /proc/4242/ns/user, in its uid_map, maps container 0-0 "
                                 "onto host uids 1001-1001, below 65536"),
               "BW043: a joined namespace mapping onto host user 1001 fires (%s)", d);
        struct bw_findings f = { 0 };
        bool ptr_ok = bw_rules_check(c, &f) == 0;
        for (size_t i = 0; i < f.n; i++)
                if (strcmp(f.v[i].rule->id, "BW043") == 0)
                        ptr_ok = ptr_ok && f.v[i].pointer && strcmp(f.v[i].pointer, "/linux/namespaces/6/path") == 0;
        bw_findings_clear(&f);
        tap_ok(ptr_ok, "BW043: a joined namespace's finding points at its path, not at uidMappings");
        static uint32_t passwd[] = { 0, 1999999999 + 5 };
        c->host_ids = (struct oci_host_ids){ .gathered = true, .uids = passwd, .n_uids = 2, .subids_read = true,
                                             .sub_uids = given, .n_sub_uids = 2, .sub_gids = given, .n_sub_gids = 2 };
        ns->joined_uid = (struct oci_idmap_list){ &far, 1, true };
        ns->joined_gid = (struct oci_idmap_list){ &far, 1, true };
        tap_ok(bw043_count(c, d, sizeof(d)) == 1 && strstr(d, "host uid 2000000004, a user of the host's /etc/passwd"),
               "BW043: a joined namespace onto a /etc/passwd user fires (%s)", d);
        c->host_ids.n_uids = 1;
        tap_is_int(bw043_count(c, d, sizeof(d)), 0, "BW043: a joined namespace inside a subordinate range passes");
        c->host_ids.n_sub_uids = 1;
        tap_ok(bw043_count(c, d, sizeof(d)) == 1 && strstr(d, "outside every subordinate range of /etc/subuid"),
               "BW043: a joined namespace outside every subordinate range fires (%s)", d);
        /* a live container's own namespace (a pod sharing it) is that
         * container's, not a mapping onto it; a new one onto it is not */
        struct oci_host_range live[] = { { 2000000, 2000000, 65536, (char *)"pause", false },
                                         { 1000000, 1000000, 16777216, NULL, true } };
        c->host_ids = (struct oci_host_ids){ .gathered = true, .subids_read = true, .ranges = live, .n_ranges = 2,
                                             .sub_uids = sub, .n_sub_uids = 1, .sub_gids = sub, .n_sub_gids = 1 };
        ns->joined_uid = (struct oci_idmap_list){ &inlive, 1, true };
        ns->joined_gid = (struct oci_idmap_list){ &inlive, 1, true };
        tap_is_int(bw043_count(c, d, sizeof(d)), 0, "BW043: joining a live container's user namespace passes");
        inlive.size = 65537;
        tap_ok(bw043_count(c, d, sizeof(d)) == 2 && strstr(d, "the id range of live container pause"),
               "BW043: a joined namespace reaching past a live container's range fires (%s)", d);
        ns->joined_uid = ns->joined_gid = (struct oci_idmap_list){ 0 };
        struct oci_host_ids facts = c->host_ids;
        c->host_ids = (struct oci_host_ids){ 0 };
        oci_config_free(c);
        c = config_with("{\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": 2000000, \"size\": 65536}],"
                        " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 2000000, \"size\": 65536}]}}");
        if (c)
                c->host_ids = facts;
        tap_ok(c && bw043_count(c, d, sizeof(d)) == 2 && strstr(d, "the id range of live container pause"),
               "BW043: explicit mappings onto a live container's range still fire (%s)", d);
        if (c)
                c->host_ids = (struct oci_host_ids){ 0 };
        oci_config_free(c);
}

static void mapping_facts(void)
{
        const char *maps = "{\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": 2000000, \"size\": 65536}],"
                           " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 2000000, \"size\": 65536}]}}";
        char d[256];
        struct oci_config *c = config_with(maps);
        tap_ok(c && bw043_count(c, d, sizeof(d)) == 0, "BW043: a range no user or container has passes");
        static uint32_t uids[] = { 0, 1000, 2000123 }, gids[] = { 0, 100 };
        /* a subordinate range of /etc/subuid and /etc/subgid holds the ids */
        static struct oci_subid_span sub[] = { { 1000000, 4000000, true, "containers" } };
        c->host_ids = (struct oci_host_ids){ .gathered = true, .uids = uids, .n_uids = 3, .gids = gids, .n_gids = 2,
                                             .subids_read = true, .sub_uids = sub, .n_sub_uids = 1,
                                             .sub_gids = sub, .n_sub_gids = 1 };
        tap_ok(bw043_count(c, d, sizeof(d)) == 1 && strstr(d, "host uid 2000123, a user of the host's /etc/passwd"),
               "BW043: a mapping onto a /etc/passwd user's uid fires (%s)", d);
        uids[2] = 1;
        struct oci_host_range live = { 2000000 + 65536 - 10, 3000000, 65536, (char *)"other" };
        c->host_ids.ranges = &live;
        c->host_ids.n_ranges = 1;
        tap_ok(bw043_count(c, d, sizeof(d)) == 1 && strstr(d, "the id range of live container other"),
               "BW043: a mapping overlapping a live container's range fires (%s)", d);
        c->host_ids = (struct oci_host_ids){ 0 };
        oci_config_free(c);

        subid_facts();

        c = config_with("{\"mounts\": [{\"destination\": \"/m\", \"type\": \"bind\", \"source\": \"/srv/m\","
                        " \"options\": [\"rbind\", \"idmap\"],"
                        " \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}],"
                        " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 5000000, \"size\": 1}]}]}");
        tap_ok(c && bw043_count(c, d, sizeof(d)) == 1 && strstr(d, "mounts/0/uidMappings[0]") &&
               strstr(d, "host uids 1000-1000, below 65536"), "BW043: a mount's own mapping onto uid 1000 fires (%s)", d);
        oci_config_free(c);

        c = config_with("{\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}],"
                        " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}}");
        tap_ok(c && bw043_count(c, d, sizeof(d)) == 2, "BW043: uid and gid 1000 mapped by root fire twice");
        c->host_ids = (struct oci_host_ids){ .gathered = true, .rootless = true, .self_uid = 1000, .self_gid = 1000 };
        tap_ok(bw043_count(c, d, sizeof(d)) == 0, "BW043: a rootless caller mapping its own uid and gid passes");
        oci_config_free(c);

        c = config_with("{\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": 0, \"size\": 1}],"
                        " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]}}");
        tap_ok(c && bw043_count(c, d, sizeof(d)) == 0, "BW043: host 0 alone is left to BW041");
        oci_config_free(c);

        /* A rootless caller's subordinate range below 65,536 is its own to
         * map; one id past it is not. */
        c = config_with("{\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1},"
                        " {\"containerID\": 1, \"hostID\": 10000, \"size\": 5000}],"
                        " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1},"
                        " {\"containerID\": 1, \"hostID\": 10000, \"size\": 5001}]}}");
        static struct oci_own_ids own[] = { { 1000, 1000, 1 }, { 10000, 10000, 5000 } };
        tap_ok(c && bw043_count(c, d, sizeof(d)) == 4, "BW043: ids below 65536 mapped by root fire");
        c->host_ids = (struct oci_host_ids){ .gathered = true, .rootless = true, .self_uid = 1000, .self_gid = 1000,
                                             .own_uids = own, .n_own_uids = 2, .own_gids = own, .n_own_gids = 2 };
        tap_ok(bw043_count(c, d, sizeof(d)) == 1 && strstr(d, "gidMappings[1]"),
               "BW043: rootless, its own id and subordinate range pass, one gid past the range fires (%s)", d);
        c->host_ids = (struct oci_host_ids){ 0 };
        oci_config_free(c);

        /* Under rootless Podman: bulwark is uid 0 of the user's namespace,
         * whose id 0 is the user (1000) and 1..65536 its subordinate ids. */
        c = config_with("{\"process\": {\"user\": {\"uid\": 0, \"gid\": 0}}, \"linux\": {"
                        " \"uidMappings\": [{\"containerID\": 0, \"hostID\": 0, \"size\": 65537}],"
                        " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 0, \"size\": 65537}]}}");
        static struct oci_own_ids ns[] = { { 0, 1000, 1 }, { 1, 100000, 65536 } };
        tap_ok(c && bw041_count(c) == 2, "BW041: host 0 mapped by root fires for uid and gid");
        tap_is_int(rule_count(c, "BW042"), 1, "BW042: its process, uid 0, is host 0 when root maps it");
        c->host_ids = (struct oci_host_ids){ .gathered = true, .rootless = true,
                                             .own_uids = ns, .n_own_uids = 2, .own_gids = ns, .n_own_gids = 2 };
        tap_ok(bw041_count(c) == 2, "BW041: rootless, a mapping spanning two of the namespace's ranges is not judged its own");
        c->linux->uid_mappings.v[0].size = 1;
        c->linux->gid_mappings.v[0].size = 1;
        tap_ok(bw041_count(c) == 0, "BW041: rootless Podman's id 0 (the user, host 1000) is not host root");
        tap_ok(rule_count(c, "BW042") == 0, "BW042: rootless Podman's id 0 running the process is not host root");
        static struct oci_own_ids hostroot[] = { { 0, 0, 1 } };
        c->host_ids.own_uids = hostroot;
        tap_ok(bw041_count(c) == 1, "BW041: a namespace whose id 0 is host 0 is host root still");
        tap_is_int(rule_count(c, "BW042"), 1, "BW042: a process that is host 0 through that namespace fires");
        c->host_ids = (struct oci_host_ids){ 0 };
        oci_config_free(c);
}

/* Conditional allows of breakout syscalls: only the namespace-flags mask
 * on clone and unshare proves the dangerous use excluded. */
#define SC(rules) "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [" rules "]}}}"
#define DOCKER_NS_MASK "{\"index\": 0, \"value\": 2114060288, \"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}"
static const struct { const char *profile; const char *detail; } conditional_cases[] = {
        /* always true: flags >= 0 */
        { SC("{\"names\": [\"unshare\", \"add_key\", \"fsopen\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
             "[{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_GE\"}]}"),
          "allows fsopen, unshare, add_key" },
        { SC("{\"names\": [\"io_uring_setup\", \"io_uring_enter\", \"io_uring_register\"], \"action\": \"SCMP_ACT_ALLOW\"}"),
          "allows io_uring_setup, io_uring_enter, io_uring_register" },
        { SC("{\"names\": [\"io_uring_setup\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_LE\"}]}"),
          "allows io_uring_setup" },
        /* Docker's clone rule, and the same mask on unshare */
        { SC("{\"names\": [\"clone\", \"unshare\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [" DOCKER_NS_MASK "]},"
             "{\"names\": [\"clone3\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}"),
          NULL },
        /* the mask without CLONE_NEWUSER proves nothing */
        { SC("{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 1847721984, "
             "\"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}"),
          "allows clone" },
        /* the mask, but asking for a namespace bit to be set */
        { SC("{\"names\": [\"unshare\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 2114060288, "
             "\"valueTwo\": 268435456, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}"),
          "allows unshare" },
        /* the mask on the wrong argument */
        { SC("{\"names\": [\"unshare\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 1, \"value\": 2114060288, "
             "\"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}"),
          "allows unshare" },
        /* clone3's flags are in memory: the mask on its argument 0 is a pointer test */
        { SC("{\"names\": [\"clone3\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [" DOCKER_NS_MASK "]}"),
          "allows clone3" },
        /* a conditional block under a blocking default blocks */
        { SC("{\"names\": [\"mount\"], \"action\": \"SCMP_ACT_KILL\", \"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}"),
          NULL },
        /* a notify rule with a condition lets through what the agent allows */
        { "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"listenerPath\": \"/run/agent.sock\", \"syscalls\": ["
          "{\"names\": [\"keyctl\"], \"action\": \"SCMP_ACT_NOTIFY\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}}}",
          "allows keyctl" },
};

static void breakout_conditions(void)
{
        for (size_t i = 0; i < ARRAY_SIZE(conditional_cases); i++) {
                struct oci_config *c = config_with(conditional_cases[i].profile);
                struct bw_findings f = { 0 };
                const char *got = NULL;
                if (c && bw_rules_check(c, &f) == 0)
                        for (size_t k = 0; k < f.n; k++)
                                if (strcmp(f.v[k].rule->id, "BW052") == 0)
                                        got = f.v[k].detail;
                const char *want = conditional_cases[i].detail;
                tap_ok(c && (want ? got && strcmp(got, want) == 0 : !got), "BW052 on conditional case %zu: %s (got %s)", i,
                       want ? want : "no finding", got ? got : "no finding");
                /* and bw_seccomp_allows agrees, name by name */
                bool agree = c != NULL;
                for (size_t k = 0; c && bw_breakout_syscalls[k]; k++) {
                        bool named = got && strstr(got, bw_breakout_syscalls[k]);
                        /* "clone" is a prefix of "clone3": match whole words */
                        if (named) {
                                const char *at = got + 7;
                                named = false;
                                while (at && *at) {
                                        size_t len = strcspn(at, ",");
                                        if (len == strlen(bw_breakout_syscalls[k]) && strncmp(at, bw_breakout_syscalls[k], len) == 0)
                                                named = true;
                                        at += len;
                                        at += strspn(at, ", ");
                                }
                        }
                        agree &= named == bw_seccomp_allows(c->linux->seccomp, bw_breakout_syscalls[k]);
                }
                tap_ok(agree, "bw_seccomp_allows agrees with BW052 on conditional case %zu", i);
                bw_findings_clear(&f);
                oci_config_free(c);
        }
}

/* The pod-spec rules: facts the manifest reader fills, on the clean
 * config. A clean pod runs as non-root with a CPU limit and no token. */
static const struct oci_pod_facts clean_pod = { .present = true, .run_as_non_root = true, .cpu_limit = true };

static struct oci_pod_facts pod_with(void (*edit)(struct oci_pod_facts *))
{
        struct oci_pod_facts f = clean_pod;
        edit(&f);
        return f;
}

static void f_host_path(struct oci_pod_facts *f) { strcpy(f->host_path, "/var/log"); }
static void f_no_host_path(struct oci_pod_facts *f) { f->host_path[0] = 0; }
static void f_port_8080(struct oci_pod_facts *f) { f->host_ports[0] = 8080, f->n_host_ports = 1; }
static void f_port_80(struct oci_pod_facts *f) { f->host_ports[0] = 80, f->n_host_ports = 1; }
static void f_proc(struct oci_pod_facts *f) { f->proc_unmasked = true; }
static void f_seccomp(struct oci_pod_facts *f) { f->seccomp_unconfined = true; }
static void f_apparmor(struct oci_pod_facts *f) { f->apparmor_unconfined = true; }
static void f_selinux(struct oci_pod_facts *f) { strcpy(f->selinux, "type spc_t"); }
static void f_root_group(struct oci_pod_facts *f) { f->root_group = true; }
static void f_root_user(struct oci_pod_facts *f) { f->run_as_non_root = false; }
static void f_root_user_userns(struct oci_pod_facts *f) { f->run_as_non_root = false, f->host_users_false = true; }
static void f_no_cpu(struct oci_pod_facts *f) { f->cpu_limit = false; }
static void f_bidi(struct oci_pod_facts *f) { f->bidirectional = true; }
static void f_token(struct oci_pod_facts *f) { f->sa_token = true; }
static void f_same(struct oci_pod_facts *f) { (void)f; }

static const struct {
        const char *id;
        void (*fire)(struct oci_pod_facts *), (*nofire)(struct oci_pod_facts *);
} pod_cases[] = {
        { "BW120", f_host_path, f_no_host_path },
        { "BW121", f_port_8080, f_port_80 },
        { "BW122", f_port_80, f_port_8080 },
        { "BW123", f_proc, f_same },
        { "BW124", f_seccomp, f_same },
        { "BW125", f_apparmor, f_same },
        { "BW126", f_selinux, f_same },
        { "BW127", f_root_group, f_same },
        { "BW128", f_root_user, f_root_user_userns },
        { "BW129", f_no_cpu, f_same },
        { "BW130", f_bidi, f_same },
        { "BW131", f_token, f_same },
};

static bool pod_case(const char *id)
{
        for (size_t i = 0; i < ARRAY_SIZE(pod_cases); i++)
                if (strcmp(pod_cases[i].id, id) == 0)
                        return true;
        return false;
}

static void pod_rules(void)
{
        for (size_t i = 0; i < ARRAY_SIZE(pod_cases); i++) {
                struct oci_config *c = config_with(NULL);
                if (c)
                        c->pod = pod_with(pod_cases[i].fire);
                tap_ok(c && fires(c, pod_cases[i].id), "%s fires on its pod fact", pod_cases[i].id);
                if (c)
                        c->pod = pod_with(pod_cases[i].nofire);
                tap_ok(c && !fires(c, pod_cases[i].id), "%s does not fire on the near miss", pod_cases[i].id);
                /* the same facts in a config that did not come from a pod: silent */
                if (c) {
                        c->pod = pod_with(pod_cases[i].fire);
                        c->pod.present = false;
                }
                tap_ok(c && !fires(c, pod_cases[i].id), "%s is silent without a pod", pod_cases[i].id);
                oci_config_free(c);
        }
}

int main(void)
{
        struct oci_config *c = config_with(NULL);
        struct bw_findings f = { 0 };
        tap_ok(c && bw_rules_check(c, &f) == 0 && f.n == 0, "the clean config fires no rule");
        for (size_t i = 0; i < f.n; i++)
                printf("#   fired: %s %s\n", f.v[i].rule->id, f.v[i].detail);
        bw_findings_clear(&f);
        oci_config_free(c);

        capability_rules();
        pseudofs_mounts();
        joined_userns();
        pids_above_pid_max();
        trusted_hook_env();
        privileged();
        sysctl_rule();
        host_ns_by_path();
        unowned_join();
        joins_other_container();
        breakout_matches_allows();
        breakout_conditions();
        mapping_facts();
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
                check_case(cases[i].id, cases[i].fire, cases[i].nofire);
        pod_rules();

        /* The table has a row for every key, in id order, with no gap. */
        bool ordered = true;
        for (size_t i = 0; i < bw_n_rules; i++)
                if (!bw_rules[i].id || (i && strcmp(bw_rules[i - 1].id, bw_rules[i].id) >= 0))
                        ordered = false, printf("# row %zu: %s\n", i, bw_rules[i].id ? bw_rules[i].id : "(none)");
        tap_ok(ordered && bw_n_rules == BW_RULE_COUNT, "every key has its row, ids ascending");
        tap_ok(strcmp(bw_rule(BW_RULE_PRIVILEGED)->id, "BW001") == 0 &&
                       strcmp(bw_rule(BW_RULE_CAP_SETFCAP)->id, "BW028") == 0 &&
                       strcmp(bw_rule(BW_RULE_K8S_SERVICE_ACCOUNT_TOKEN)->id, "BW131") == 0,
               "a key names its rule");
        /* A rule harden refuses has no fix to apply, and the reverse. */
        for (size_t i = 0; i < bw_n_rules; i++)
                if (bw_rules[i].refused && bw_rules[i].harden)
                        tap_ok(false, "%s is both refused and fixed", bw_rules[i].id);

        /* Every rule has a test. */
        for (size_t i = 0; i < bw_n_rules; i++) {
                const struct bw_rule *r = &bw_rules[i];
                bool tested = r->check == bw_check_cap || find_case(r->id) || pod_case(r->id) || strcmp(r->id, "BW001") == 0 ||
                              strcmp(r->id, "BW094") == 0 || strcmp(r->id, "BW067") == 0 /* unowned_join */ ||
                              strcmp(r->id, "BW068") == 0 /* joins_other_container */ ||
                              strcmp(r->id, "BW074") == 0 /* test_profile */;
                tap_ok(tested, "%s has a fire and a no-fire test", r->id);
                tap_ok(r->why && r->fix && r->title && strlen(r->why) > 20 && strlen(r->fix) > 20,
                       "%s has a title, why and fix", r->id);
        }
        return tap_done();
}
