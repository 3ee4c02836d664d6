/* The rule table and the findings list. Ids are stable: a rule that is
 * retired keeps its id unused, a new rule takes the next free one. */
#include <errno.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/checks.h"
#include "policy/fixes.h"
#include "policy/rules.h"
#include "util/cleanup.h"
#include "util/names.h"

static const char *const severity_names[] = { "info", "low", "medium", "high", "critical" };

const char *bw_severity_name(enum bw_severity s)
{
        return bw_name_of(severity_names, ARRAY_SIZE(severity_names), s);
}

int bw_severity_from_name(const char *name)
{
        return bw_name_index(severity_names, ARRAY_SIZE(severity_names), name);
}

/* Which capabilities count. A process holds its effective set, can raise
 * anything in its permitted set, and a uid-0 execve (or a setuid-root or
 * file-capability binary) refills permitted from the bounding set, so the
 * union of bounding, effective, permitted (and ambient, a subset of
 * permitted) is what the container can use. The inheritable set counts too
 * when no_new_privs is off: a binary with file-inheritable bits gains those
 * capabilities even outside the bounding set (CVE-2022-24769). */
uint64_t bw_config_caps(const struct oci_config *c)
{
        if (!c->process)
                return 0;
        const struct oci_capabilities *k = &c->process->capabilities;
        uint64_t m = k->bounding.mask | k->effective.mask | k->permitted.mask | k->ambient.mask;
        if (!c->process->no_new_privileges)
                m |= k->inheritable.mask;
        return m;
}

/* A capability rule: its key is BW_RULE_CAP_<CAP>, harden drops the
 * capability; what follows REFS are more of the row's fields (.forbid). */
#define CAP_RULE(ID, NAME, CAP, SEV, TITLE, WHY, REFS, ...)                                      \
        [BW_RULE_CAP_##CAP] = { ID, NAME, SEV, TITLE, WHY,                                       \
          "Drop it: docker run --cap-drop " #CAP " (or --cap-drop ALL and add back only what is " \
          "needed); Kubernetes securityContext.capabilities.drop: [\"" #CAP "\"]; config.json: "  \
          "remove CAP_" #CAP " from every process.capabilities set.",                            \
          REFS, bw_check_cap, CAP_##CAP,                                                         \
          "Drop it: securityContext.capabilities.drop: [\"" #CAP "\"] (or drop: [\"ALL\"] and add back only " \
          "what is needed in capabilities.add).",                                                 \
          "Drop it: cap_drop: [" #CAP "] (or cap_drop: [ALL] and cap_add only what is needed).",   \
          .harden = bw_fix_drop_cap, __VA_ARGS__ }

#define CIS "CIS Docker Benchmark v1.6.0 "

const struct bw_rule bw_rules[] = {
        [BW_RULE_PRIVILEGED] = { "BW001", "privileged", BW_SEV_CRITICAL, "Privileged container",
          "The container has at least two of: every capability, no masked /proc and /sys paths, access to "
          "every host device. Root inside is then root on the host, with many one-step escapes (mount a host "
          "disk, load a module).",
          "Do not use docker run --privileged (Kubernetes: securityContext.privileged: false); grant the "
          "single capability or device the workload needs instead.",
          CIS "5.5; Pod Security Standards baseline: Privileged Containers; Trivy KSV017", bw_check_privileged, -1,
          .fix_k8s = "Remove securityContext.privileged: true (or set it to false); add the single capability "
              "(capabilities.add) or device plugin resource the workload needs instead.",
          .fix_compose = "Remove privileged: true; add the single capability (cap_add) or device (devices) the "
              "service needs instead.",
          .refused = "a privileged container cannot be made safe without changing what it is" },

        CAP_RULE("BW010", "cap-sys-admin", SYS_ADMIN, BW_SEV_CRITICAL, "CAP_SYS_ADMIN granted",
                 "SYS_ADMIN allows mount, cgroup v1 release_agent writes and many other administrative "
                 "operations; with it a container can mount host filesystems and run code on the host.",
                 CIS "5.4; Pod Security Standards baseline: Capabilities; CVE-2022-0492; Trivy KSV005, KSV022"),
        CAP_RULE("BW011", "cap-sys-module", SYS_MODULE, BW_SEV_CRITICAL, "CAP_SYS_MODULE granted",
                 "SYS_MODULE loads kernel modules: code that runs in the host kernel, outside every namespace.",
                 CIS "5.4; Pod Security Standards baseline: Capabilities; Trivy KSV120, KSV022"),
        CAP_RULE("BW012", "cap-sys-ptrace", SYS_PTRACE, BW_SEV_HIGH, "CAP_SYS_PTRACE granted",
                 "SYS_PTRACE lets the container read and rewrite the memory of processes it can see, "
                 "including ones that carry host privileges when they enter the container.",
                 CIS "5.4; Pod Security Standards baseline: Capabilities; Trivy KSV022"),
        CAP_RULE("BW013", "cap-sys-rawio", SYS_RAWIO, BW_SEV_CRITICAL, "CAP_SYS_RAWIO granted",
                 "SYS_RAWIO gives raw I/O port and memory access (iopl, /dev/mem): direct access to host hardware and memory.",
                 CIS "5.4; Pod Security Standards baseline: Capabilities; Trivy KSV022"),
        CAP_RULE("BW014", "cap-dac-read-search", DAC_READ_SEARCH, BW_SEV_CRITICAL, "CAP_DAC_READ_SEARCH granted",
                 "DAC_READ_SEARCH allows open_by_handle_at, which opens host files by inode handle outside the "
                 "container's mounts (the 'shocker' escape), and reading any file regardless of permissions.",
                 CIS "5.4; Pod Security Standards baseline: Capabilities; Trivy KSV022"),
        CAP_RULE("BW015", "cap-dac-override", DAC_OVERRIDE, BW_SEV_MEDIUM, "CAP_DAC_OVERRIDE granted",
                 "DAC_OVERRIDE ignores file permissions: root in the container reads and writes other users' "
                 "files in any mounted folder, including chmod 600 ones.",
                 CIS "5.4; Pod Security Standards restricted: Capabilities; Trivy KSV003, KSV106",
                 .forbid = BW_FORBID_RESTRICTED),
        CAP_RULE("BW016", "cap-fowner", FOWNER, BW_SEV_MEDIUM, "CAP_FOWNER granted",
                 "FOWNER bypasses ownership checks: container root can chmod, set ACLs on and otherwise take "
                 "over files it does not own in mounted folders.",
                 CIS "5.4; Pod Security Standards restricted: Capabilities; Trivy KSV003, KSV106",
                 .forbid = BW_FORBID_RESTRICTED),
        CAP_RULE("BW017", "cap-chown", CHOWN, BW_SEV_MEDIUM, "CAP_CHOWN granted",
                 "CHOWN lets container root give itself any file in a mounted folder, then read or change it.",
                 CIS "5.4; Pod Security Standards restricted: Capabilities; Trivy KSV003, KSV106",
                 .forbid = BW_FORBID_RESTRICTED),
        CAP_RULE("BW018", "cap-mknod", MKNOD, BW_SEV_MEDIUM, "CAP_MKNOD granted",
                 "MKNOD creates device nodes; where the device cgroup or a mount lets it open them, the "
                 "container reads host disks directly.",
                 CIS "5.4; Pod Security Standards restricted: Capabilities; Trivy KSV003, KSV106"),
        CAP_RULE("BW019", "cap-net-raw", NET_RAW, BW_SEV_MEDIUM, "CAP_NET_RAW granted",
                 "NET_RAW opens raw and packet sockets: spoofing and sniffing on the container's network, and "
                 "kernel packet-socket bugs reachable from the container.",
                 CIS "5.4; Pod Security Standards baseline: Capabilities; CVE-2020-14386; Trivy KSV119, KSV022"),
        CAP_RULE("BW020", "cap-net-admin", NET_ADMIN, BW_SEV_HIGH, "CAP_NET_ADMIN granted",
                 "NET_ADMIN reconfigures interfaces, routes and firewall rules, and exposes a large kernel "
                 "surface (netfilter, traffic control) that exploits target.",
                 CIS "5.4; Pod Security Standards baseline: Capabilities; Trivy KSV022"),
        CAP_RULE("BW021", "cap-bpf", BPF, BW_SEV_HIGH, "CAP_BPF granted",
                 "BPF loads eBPF programs into the host kernel; verifier bugs turn that into kernel code execution.",
                 CIS "5.4; Pod Security Standards baseline: Capabilities; CVE-2021-3490; Trivy KSV022"),
        CAP_RULE("BW022", "cap-perfmon", PERFMON, BW_SEV_HIGH, "CAP_PERFMON granted",
                 "PERFMON opens perf events system-wide: it observes host processes and the kernel and exposes "
                 "perf's exploitable kernel code.",
                 CIS "5.4; Pod Security Standards baseline: Capabilities; Trivy KSV022"),
        CAP_RULE("BW023", "cap-sys-boot", SYS_BOOT, BW_SEV_HIGH, "CAP_SYS_BOOT granted",
                 "SYS_BOOT reboots the host and loads a new kernel with kexec_load.",
                 CIS "5.4; Pod Security Standards baseline: Capabilities; Trivy KSV022"),
        CAP_RULE("BW024", "cap-sys-time", SYS_TIME, BW_SEV_HIGH, "CAP_SYS_TIME granted",
                 "SYS_TIME sets the host's clock (it is not namespaced), breaking TLS, logs and tokens on the whole host.",
                 CIS "5.4; Pod Security Standards baseline: Capabilities; Trivy KSV022"),
        CAP_RULE("BW025", "cap-syslog", SYSLOG, BW_SEV_MEDIUM, "CAP_SYSLOG granted",
                 "SYSLOG reads and clears the kernel log, which reveals kernel addresses that defeat KASLR for exploits.",
                 CIS "5.4; Pod Security Standards baseline: Capabilities; Trivy KSV022"),
        CAP_RULE("BW026", "cap-mac-admin", MAC_ADMIN, BW_SEV_HIGH, "CAP_MAC_ADMIN granted",
                 "MAC_ADMIN changes the AppArmor/SELinux/Smack policy that confines the container.",
                 CIS "5.4; Pod Security Standards baseline: Capabilities; Trivy KSV022"),
        CAP_RULE("BW027", "cap-mac-override", MAC_OVERRIDE, BW_SEV_HIGH, "CAP_MAC_OVERRIDE granted",
                 "MAC_OVERRIDE bypasses mandatory access control (Smack) that would otherwise confine the container.",
                 CIS "5.4; Pod Security Standards baseline: Capabilities; Trivy KSV022"),
        CAP_RULE("BW028", "cap-setfcap", SETFCAP, BW_SEV_LOW, "CAP_SETFCAP granted",
                 "SETFCAP writes file capabilities; without a user namespace a binary it marks regains "
                 "capabilities on exec, and it lets a nested user namespace map uid 0.",
                 CIS "5.4; Pod Security Standards restricted: Capabilities; Trivy KSV003, KSV106",
                 .forbid = BW_FORBID_NONE),
        [BW_RULE_PTRACE_HOST_PID] =
        { "BW029", "ptrace-host-pid", BW_SEV_CRITICAL, "CAP_SYS_PTRACE with the host's pid namespace",
          "With the host's processes visible and SYS_PTRACE, the container can attach to a host process "
          "and run code as it, outside the container.",
          "Drop one of them: no docker run --pid host (Kubernetes hostPID: false), or --cap-drop SYS_PTRACE; "
          "config.json: add {\"type\": \"pid\"} to linux.namespaces or remove CAP_SYS_PTRACE.",
          CIS "5.16; Pod Security Standards baseline: Host Namespaces; Trivy KSV010", bw_check_ptrace_hostpid, -1,
          .fix_k8s = "Remove hostPID: true, or drop SYS_PTRACE (securityContext.capabilities.drop: [\"SYS_PTRACE\"]).",
          .fix_compose = "Remove pid: host, or drop SYS_PTRACE (cap_drop: [SYS_PTRACE]).",
          .harden = bw_fix_drop_ptrace },
        [BW_RULE_CAP_OTHER] = { "BW030", "cap-other", BW_SEV_LOW, "Capability outside the default set",
          "A capability beyond the small set an ordinary container needs widens what container root can "
          "do to the kernel and host resources.",
          "Drop it: docker run --cap-drop NAME; Kubernetes securityContext.capabilities.drop; config.json: "
          "remove it from every process.capabilities set.",
          CIS "5.4; Pod Security Standards restricted: Capabilities; Trivy KSV022, KSV106", bw_check_other_caps, -1,
          .fix_k8s = "Drop it: securityContext.capabilities.drop: [\"ALL\"] and add back only what is needed "
              "in capabilities.add.",
          .fix_compose = "Drop it: cap_drop: [ALL] and cap_add only what is needed.",
          .harden = bw_fix_drop_named_cap },

        [BW_RULE_NO_USER_NAMESPACE] = { "BW040", "no-user-namespace", BW_SEV_HIGH, "No user namespace",
          "Without a user namespace, root in the container is root on the host: any escape (a kernel bug, "
          "a runtime bug, a bad mount) lands as host root.",
          "config.json: add {\"type\": \"user\"} to linux.namespaces (bulwark then picks an unused id range); "
          "Docker: dockerd --userns-remap=default; Kubernetes: hostUsers: false.",
          CIS "5.31", bw_check_no_userns, -1,
          .fix_k8s = "Give the pod its own user namespace: hostUsers: false (or run the node's pods under "
              "bulwark, which adds one).",
          .fix_compose = "Run the service under bulwark (runtime: bulwark), which adds a user namespace, or "
              "give dockerd --userns-remap=default; do not set userns_mode: host.",
          .harden = bw_fix_user_ns },
        [BW_RULE_HOST_ROOT_MAPPED] =
        { "BW041", "host-root-mapped", BW_SEV_CRITICAL, "Host uid or gid 0 mapped into the container",
          "The user namespace maps a container id to host root, so files and processes of that id are "
          "root's on the host.",
          "config.json: map linux.uidMappings/gidMappings to an unused unprivileged range (or leave them "
          "out and let bulwark allocate one); Docker: dockerd --userns-remap=default.",
          NULL, bw_check_host_root_mapped, -1,
          .refused = "the id mapping was chosen by the engine; changing it would re-own the container's files" },
        [BW_RULE_HOST_ROOT_PROCESS] = { "BW042", "host-root-process", BW_SEV_HIGH, "Process runs as host root",
          "The container's process is uid 0 on the host, so a runtime or kernel escape (e.g. overwriting "
          "the runtime binary) gives full control of the host.",
          "Run as a non-root user: docker run --user 1000:1000 (or USER in the Dockerfile); Kubernetes "
          "securityContext.runAsNonRoot: true, runAsUser; config.json process.user.uid, or add a user namespace.",
          CIS "4.1; Pod Security Standards restricted: Running as Non-root; CVE-2019-5736; Trivy KSV012, KSV105",
          bw_check_host_root_process, -1,
          .fix_k8s = "Set securityContext.runAsNonRoot: true and runAsUser to a non-zero uid, or hostUsers: false.",
          .fix_compose = "Set user: \"1000:1000\" (a non-root uid and gid), or run the service in a user "
              "namespace (runtime: bulwark).",
          .harden = bw_fix_user_ns },

        [BW_RULE_MAPPING_ONTO_HOST_IDS] =
        { "BW043", "mapping-onto-host-ids", BW_SEV_CRITICAL, "Id mapping onto host users or another container",
          "An explicit uidMappings/gidMappings (of the container or of a mount), or the real uid_map/gid_map "
          "of a user namespace joined by path, that lands on host ids below 65536, on a user or group of the "
          "host's /etc/passwd or /etc/group, on a live container's range or bulwark's own subordinate ids, or "
          "(as root) outside the subordinate ranges of /etc/subuid and /etc/subgid given to the users engines "
          "take ranges from (root, dockremap, containers, kubelet, and those the policy file's "
          "mappableSubidUsers names), makes container root own those users' files (/etc/shadow's group, home "
          "directories, an LDAP or NFS user's files, a rootless user's containers' files) or that container's "
          "files and processes.",
          "config.json: remove linux.uidMappings/gidMappings (bulwark then allocates an unused range of its "
          "own) or map onto a range /etc/subuid and /etc/subgid give to root, dockremap (Docker's "
          "userns-remap), containers (Podman's --userns=auto) or kubelet that no host user or live container "
          "has; the same for the uidMappings/gidMappings of mounts; join only a user namespace that maps such a "
          "range (or another container's, a pod sharing it). An operator whose engine takes its ranges from "
          "another user lists that user in mappableSubidUsers of /etc/bulwark/policy.json.",
          NULL, bw_check_mapping_onto_host_ids, -1,
          .refused = "the mapping was chosen by the engine or the user; another one would re-own what the container sees" },
        [BW_RULE_JOINED_USERNS_UNREAD] =
        { "BW044", "joined-userns-unread", BW_SEV_HIGH, "Joined user namespace could not be examined",
          "A user namespace joined by path decides what the container's ids are on the host by its own "
          "uid_map and gid_map, not by the config's mappings. One that cannot be opened and read cannot be "
          "told apart from one that maps host root.",
          "config.json: give linux.namespaces a user namespace path that exists on this host and that the "
          "runtime can enter (/proc/PID/ns/user of a live process, or a bind mount of one), or leave the path "
          "out and let bulwark allocate an unprivileged id range.",
          NULL, bw_check_joined_userns_unread, -1,
          .refused = "the workload asked to join this user namespace" },

        [BW_RULE_SECCOMP_ABSENT] = { "BW050", "seccomp-absent", BW_SEV_HIGH, "No seccomp filter",
          "Without seccomp every system call reaches the kernel, including the mount API, keyctl, bpf and "
          "userfaultfd that container escapes and kernel exploits rely on.",
          "Keep the runtime's default profile: do not use docker run --security-opt seccomp=unconfined; "
          "Kubernetes securityContext.seccompProfile.type: RuntimeDefault; config.json: add linux.seccomp.",
          CIS "5.22; Pod Security Standards restricted: Seccomp; Trivy KSV030", bw_check_seccomp_absent, -1,
          .fix_k8s = "Set securityContext.seccompProfile.type: RuntimeDefault (pod or container).",
          .fix_compose = "Remove security_opt: [seccomp=unconfined] (Docker's default profile then applies).",
          .harden = bw_fix_seccomp },
        [BW_RULE_SECCOMP_UNCONFINED] = { "BW051", "seccomp-unconfined", BW_SEV_HIGH, "Seccomp filter allows everything",
          "The filter's default action allows every system call and no rule blocks any: it is seccomp in name only.",
          "Use the default profile (docker: drop --security-opt seccomp=...; Kubernetes seccompProfile.type: "
          "RuntimeDefault); config.json: linux.seccomp.defaultAction SCMP_ACT_ERRNO with an allow list.",
          CIS "5.22; Pod Security Standards baseline: Seccomp; Trivy KSV104", bw_check_seccomp_unconfined, -1,
          .fix_k8s = "Set securityContext.seccompProfile.type: RuntimeDefault (pod or container).",
          .fix_compose = "Remove security_opt: [seccomp=unconfined] or the custom profile (Docker's default "
              "profile then applies).",
          .harden = bw_fix_seccomp },
        [BW_RULE_SECCOMP_BREAKOUT_SYSCALLS] =
        { "BW052", "seccomp-breakout-syscalls", BW_SEV_HIGH, "Seccomp allows breakout system calls",
          "The filter lets through system calls that escapes and kernel exploits need (mount API, unshare, "
          "setns, open_by_handle_at, module loading, bpf, keyctl, userfaultfd ...).",
          "Use the runtime's default profile, and do not add the capabilities (SYS_ADMIN and friends) that "
          "make Docker's profile allow them; config.json: remove these names from SCMP_ACT_ALLOW rules.",
          CIS "5.22; CVE-2022-0185", bw_check_seccomp_breakout, -1,
          .fix_k8s = "Set securityContext.seccompProfile.type: RuntimeDefault and do not add SYS_ADMIN and "
              "friends in capabilities.add.",
          .fix_compose = "Keep Docker's default seccomp profile (no security_opt seccomp=...) and do not "
              "cap_add SYS_ADMIN and friends.",
          .harden = bw_fix_seccomp },
        [BW_RULE_NO_NEW_PRIVILEGES_OFF] = { "BW053", "no-new-privileges-off", BW_SEV_MEDIUM, "no_new_privs is off",
          "Without no_new_privs, setuid and file-capability binaries in the image raise privileges inside "
          "the container, up to the full capability bounding set.",
          "docker run --security-opt no-new-privileges; Kubernetes securityContext.allowPrivilegeEscalation: "
          "false; config.json process.noNewPrivileges: true.",
          CIS "5.26; Pod Security Standards restricted: Privilege Escalation; Trivy KSV001", bw_check_no_new_privs, -1,
          .fix_k8s = "Set securityContext.allowPrivilegeEscalation: false.",
          .fix_compose = "Add security_opt: [\"no-new-privileges:true\"].",
          .harden = bw_fix_no_new_privs },

        [BW_RULE_HOST_PID_NAMESPACE] = { "BW060", "host-pid-namespace", BW_SEV_HIGH, "Host pid namespace",
          "The container sees and can signal every host process, and reads their /proc entries "
          "(environment, open files) where permissions allow.",
          "Drop docker run --pid host (Kubernetes hostPID: false); config.json: add {\"type\": \"pid\"} to linux.namespaces.",
          CIS "5.16; Pod Security Standards baseline: Host Namespaces; Trivy KSV010", bw_check_host_ns, OCI_NS_PID,
          .fix_k8s = "Remove hostPID: true.",
          .fix_compose = "Remove pid: host.",
          .refused = "the workload asked for the host's pid namespace" },
        [BW_RULE_HOST_NETWORK_NAMESPACE] = { "BW061", "host-network-namespace", BW_SEV_HIGH, "Host network namespace",
          "The container uses the host's network stack: it reaches services bound to localhost, and with "
          "NET_RAW or NET_ADMIN it sniffs or reconfigures the host's network. A namespace path that is the "
          "host's own network namespace (Docker's --network host names a bind of it) is the same.",
          "Drop docker run --network host (Kubernetes hostNetwork: false); config.json: add {\"type\": \"network\"} "
          "to linux.namespaces, without a path to the host's network namespace.",
          CIS "5.10; Pod Security Standards baseline: Host Namespaces; Trivy KSV009", bw_check_host_ns, OCI_NS_NETWORK,
          .fix_k8s = "Remove hostNetwork: true.",
          .fix_compose = "Remove network_mode: host.",
          .refused = "the workload asked for the host's network" },
        [BW_RULE_HOST_IPC_NAMESPACE] = { "BW062", "host-ipc-namespace", BW_SEV_MEDIUM, "Host IPC namespace",
          "The container shares the host's System V IPC and POSIX message queues: it reads and corrupts "
          "host processes' shared memory.",
          "Drop docker run --ipc host (Kubernetes hostIPC: false); config.json: add {\"type\": \"ipc\"} to linux.namespaces.",
          CIS "5.17; Pod Security Standards baseline: Host Namespaces; Trivy KSV008", bw_check_host_ns, OCI_NS_IPC,
          .fix_k8s = "Remove hostIPC: true.",
          .fix_compose = "Remove ipc: host.",
          .refused = "the workload asked for the host's IPC namespace" },
        [BW_RULE_HOST_UTS_NAMESPACE] = { "BW063", "host-uts-namespace", BW_SEV_LOW, "Host UTS namespace",
          "The container shares the host's hostname; with SYS_ADMIN it renames the host.",
          "Drop docker run --uts host; config.json: add {\"type\": \"uts\"} to linux.namespaces.",
          CIS "5.21", bw_check_host_ns, OCI_NS_UTS,
          .fix_k8s = "Remove hostNetwork: true (a host-network pod shares the host's UTS namespace).",
          .fix_compose = "Remove uts: host (and network_mode: host).",
          .forbid = BW_FORBID_RESTRICTED, .harden = bw_fix_uts_ns },
        [BW_RULE_HOST_CGROUP_NAMESPACE] = { "BW064", "host-cgroup-namespace", BW_SEV_LOW, "Host cgroup namespace",
          "The container sees the host's cgroup paths, which tells it where it sits and helps cgroup-based escapes.",
          "docker run --cgroupns private; config.json: add {\"type\": \"cgroup\"} to linux.namespaces.",
          NULL, bw_check_host_ns, OCI_NS_CGROUP,
          .fix_k8s = "Run the node on cgroup v2 (each container then gets a cgroup namespace of its own).",
          .fix_compose = "Set cgroup: private.",
          .forbid = BW_FORBID_RESTRICTED, .harden = bw_fix_cgroup_ns },
        [BW_RULE_HOST_MOUNT_NAMESPACE] = { "BW065", "host-mount-namespace", BW_SEV_CRITICAL, "Host mount namespace",
          "Without its own mount namespace the container's mounts, pivot_root and rootfs happen in the "
          "host's mount table: it is not isolated from the host's filesystem.",
          "config.json: add {\"type\": \"mount\"} to linux.namespaces.",
          NULL, bw_check_host_ns, OCI_NS_MOUNT,
          .refused = "the workload runs in the host's mount namespace" },
        [BW_RULE_MOUNT_NAMESPACE_BY_PATH] =
        { "BW066", "mount-namespace-by-path", BW_SEV_CRITICAL, "Mount namespace joined by path",
          "A mount namespace named by path is not the container's own: its mounts (and the rootfs's idmapped "
          "views) would be made in that namespace, which may be the host's or another container's, over its paths.",
          "config.json: give {\"type\": \"mount\"} in linux.namespaces without a path (a new mount namespace).",
          NULL, bw_check_mount_ns_path, -1,
          .refused = "the workload asked for that mount namespace" },

        [BW_RULE_JOINED_NAMESPACE_NOT_OWNED] =
        { "BW067", "joined-namespace-not-owned", BW_SEV_HIGH, "Joined namespace owned by another user namespace",
          "The container gets a user namespace of its own but joins a pid, IPC, UTS or network namespace that "
          "another user namespace owns (the host's, another runtime's container, or a bulwark container's when "
          "the config gives its own mappings). Its root has no privilege there: the kernel refuses the /proc, "
          "mqueue, hostname or net.* sysctls the config asks for in it, and making it privileged there would "
          "take the owner's ids.",
          "config.json: join the owner's user namespace too ({\"type\": \"user\", \"path\": \"/proc/PID/ns/user\"} "
          "of a process of the container that owns them, judged by BW041-BW044), or leave linux.uidMappings and "
          "gidMappings out (bulwark then joins the user namespace of the bulwark container that owns them), or "
          "give the container its own namespace of that type, or remove what needs it (the proc or mqueue mount, "
          "hostname, net.* sysctls).",
          NULL, bw_check_unowned_join, -1,
          .refused = "the workload asked for these namespaces and for this user namespace" },
        [BW_RULE_JOINS_OTHER_CONTAINER] =
        { "BW068", "joins-other-container", BW_SEV_HIGH, "Joins another container's namespaces",
          "The config joins, by path, a pid, network, IPC, UTS or user namespace of another live bulwark "
          "container. It is then put in that container's user namespace: its root is root among the other "
          "container's processes (it may signal or ptrace them) and, with the pid namespace, reads the other "
          "container's files through /proc/1/root. That is right for the containers of one pod or Docker's "
          "--pid/--ipc container:NAME, and wrong for a config that merely names another container's process. "
          "The restricted profile accepts it only when the config declares the container as its pod's sandbox "
          "with the annotation io.kubernetes.cri.sandbox-id: containerd's CRI plugin writes it, and whoever "
          "writes the bundle directly can write it too, so it is trusted as far as the engine that made the "
          "bundle is.",
          "config.json: give the container namespaces of its own (remove the path), or, for the containers of "
          "one pod, set the annotation io.kubernetes.cri.sandbox-id to the id of the container whose namespaces "
          "it joins (the engine does), or run it under the baseline profile (the default).",
          NULL, bw_check_joins_other_container, -1,
          .forbid = BW_FORBID_RESTRICTED, .refused = "the workload asked to join that container's namespaces" },

        [BW_RULE_ENGINE_SOCKET_MOUNT] =
        { "BW070", "engine-socket-mount", BW_SEV_CRITICAL, "Container engine socket mounted",
          "Whoever can connect to the Docker/containerd/CRI-O/Podman socket can start a privileged container "
          "with the host's / mounted: that is host root. A read-only mount does not stop connect().",
          "Remove the mount (docker run -v /var/run/docker.sock:...; Kubernetes hostPath volume of the "
          "socket); give the workload a narrow API proxy instead.",
          CIS "5.32; Trivy KSV006", bw_check_engine_socket, -1,
          .fix_k8s = "Remove the hostPath volume of the engine socket; give the workload a narrow API proxy instead.",
          .fix_compose = "Remove the volume of the engine socket (/var/run/docker.sock:...); give the service "
              "a narrow API proxy instead.",
          .refused = "removing the mount would break the workload, keeping it gives it the host" },
        [BW_RULE_SENSITIVE_MOUNT_WRITABLE] =
        { "BW071", "sensitive-mount-writable", BW_SEV_CRITICAL, "Sensitive host path mounted writable",
          "A writable bind of a host system directory (/, /etc, /proc, /sys, /dev, /boot, /usr, engine "
          "state ...) lets the container change the host: cron jobs, binaries, kernel knobs, other containers.",
          "Remove the mount, or mount only the narrow subdirectory needed, read-only (docker run -v SRC:DST:ro; "
          "Kubernetes hostPath with readOnly: true; config.json mount option \"ro\").",
          CIS "5.6; Pod Security Standards baseline: HostPath Volumes; Trivy KSV023, KSV121", bw_check_sensitive_rw, -1,
          .fix_k8s = "Remove the hostPath volume, or mount only the narrow subdirectory needed with readOnly: true.",
          .fix_compose = "Remove the bind volume, or bind only the narrow subdirectory needed, read-only "
              "(SRC:DST:ro, or read_only: true in the long syntax).",
          .refused = "removing or re-mounting it would break the workload" },
        [BW_RULE_SENSITIVE_MOUNT_READONLY] =
        { "BW072", "sensitive-mount-readonly", BW_SEV_MEDIUM, "Sensitive host path mounted read-only",
          "Even read-only, host system directories leak secrets (/etc/shadow, keys, tokens in /var/lib/kubelet) "
          "and other containers' data.",
          "Remove the mount or narrow it to the file actually needed (docker run -v; Kubernetes hostPath; "
          "config.json mounts).",
          CIS "5.6; Pod Security Standards baseline: HostPath Volumes; Trivy KSV023, KSV121", bw_check_sensitive_ro, -1,
          .fix_k8s = "Remove the hostPath volume or narrow it to the file actually needed.",
          .fix_compose = "Remove the bind volume or narrow it to the file actually needed.",
          .forbid = BW_FORBID_RESTRICTED, .refused = "removing the mount would break the workload" },
        [BW_RULE_ROOTFS_ON_HOST_TREE] =
        { "BW073", "rootfs-on-host-tree", BW_SEV_CRITICAL, "Rootfs is a host directory outside the bundle",
          "root.path naming a host directory that is neither inside the bundle, nor an engine's rootfs (the root "
          "of an overlay mount, or of a fuse-overlayfs mount the caller made itself, as Podman with `mount_program` and "
          "Docker's fuse-overlayfs driver make them; or a rootfs layout an engine makes in its state, such as Docker's "
          "overlay2/ID/merged, "
          "vfs/dir/ID or containerd's io.containerd.runtime.v2.task/NS/ID/rootfs), makes it the container's /, seen "
          "through the idmapped rootfs view in which host root's files are container root's: with /etc, /root, /srv or "
          "bulwark's own state, read-only or not, their root-only files are readable. audit, which reads a "
          "config without its host, reports the host's system trees (/etc, /usr, / ...) only.",
          "config.json: point root.path at the bundle's own rootfs directory (or let the engine make the "
          "rootfs); bind the host files the container needs, read-only, as mounts.",
          NULL, bw_check_root_host_tree, -1,
          .refused = "the workload's rootfs is that host tree" },
        [BW_RULE_VOLUME_IDENTITY_MAPPED] =
        { "BW074", "volume-identity-mapped", BW_SEV_HIGH, "Bind mount identity-mapped by the policy file",
          "The policy file's identityMappedVolumes keeps this host directory's old identity mapping: container "
          "root acts as host root on its files (it can leave a setuid-root binary or a root-owned file there). "
          "Every other bind mount is seen from bulwark's volume range, where host ids are nobody.",
          "Remove the directory from identityMappedVolumes in /etc/bulwark/policy.json and hand it to containers "
          "with `bulwark share DIR` (its files then belong to the volume range), or bind it read-only.",
          NULL, bw_check_policy_only, -1,
          .forbid = BW_FORBID_NONE },
        [BW_RULE_MOUNT_OWN_IDMAP] = { "BW075", "mount-own-idmap", BW_SEV_CRITICAL, "Mount asks for its own id mapping",
          "A mount's own uidMappings/gidMappings (or the idmap/ridmap option) tell the kernel how the host "
          "folder's owners appear in the container and which host ids its writes land as: mapping the folder's "
          "on-disk ids onto the container's own range makes container root act as host root there (a setuid-root "
          "binary left on the host, /etc/shadow read through a read-only bind).",
          "config.json: remove the mount's uidMappings, gidMappings and idmap/ridmap options; bulwark maps every "
          "bind from its volume range (share a folder with `bulwark share DIR`).",
          NULL, bw_check_mount_idmap, -1,
          .refused = "the workload asked for this mapping of a host folder" },
        [BW_RULE_BIND_SOURCE_UNRESOLVED] =
        { "BW076", "bind-source-unresolved", BW_SEV_INFO, "Bind source judged by its text",
          "audit reads a config without the host it runs on: a bind source spelled relative to the bundle, or "
          "with \".\" and \"..\" components, may name another directory there once symlinks are followed "
          "(a link to /etc, .. through a symlinked directory). At create bulwark resolves every source on the "
          "host and judges what it is.",
          "Write bind sources as plain absolute paths (docker run -v /srv/data:/data; Kubernetes hostPath.path; "
          "config.json mounts[].source), or audit the config on the host that runs it.",
          NULL, bw_check_unresolved_source, -1,
          .fix_k8s = "Write hostPath.path as a plain absolute path, or audit the manifest on the node that runs it.",
          .fix_compose = "Write the bind source as a plain absolute path, or audit the file on the host that "
              "runs it.",
          .forbid = BW_FORBID_NONE },

        [BW_RULE_OVERLAY_MOUNT] = { "BW077", "overlay-mount", BW_SEV_HIGH, "overlay mount in the config",
          "overlayfs takes its layers (lowerdir, upperdir, workdir) as host paths that the kernel looks up as "
          "the container's init sees the host, where directories only host root may enter are opened to it: a "
          "layer there is read or written as host root, and no layer path is judged as a bind source is.",
          "Let the engine make the overlay rootfs (root.path), or bind the folders the container needs "
          "(config.json mounts with type bind).",
          NULL, bw_check_overlay_mount, -1,
          .refused = "the workload asked for this overlay" },
        [BW_RULE_LSM_UNCONFINED] =
        { "BW078", "lsm-unconfined", BW_SEV_HIGH, "AppArmor or SELinux confinement turned off",
          "On a host with AppArmor or SELinux, the profile or label is what keeps a container's root from "
          "mount, ptrace and the /proc and /sys files its rules deny; an unconfined process (or one exec'd "
          "into the container with another label) has none of it.",
          "Drop docker run --security-opt apparmor=unconfined / label=disable (Kubernetes appArmorProfile "
          "and seLinuxOptions: RuntimeDefault); config.json process.apparmorProfile and selinuxLabel: the "
          "engine's default; for exec, leave them out (the container's own apply).",
          CIS "5.1, 5.2; Pod Security Standards baseline: AppArmor, SELinux; Trivy KSV002, KSV025", bw_check_lsm_unconfined, -1,
          .fix_k8s = "Remove the unconfined AppArmor profile and custom seLinuxOptions (appArmorProfile.type: "
              "RuntimeDefault).",
          .fix_compose = "Remove security_opt apparmor=unconfined and label=disable (or label:type:spc_t)." },

        [BW_RULE_HOST_BLOCK_DEVICE] = { "BW080", "host-block-device", BW_SEV_CRITICAL, "Host block device passed in",
          "A host disk in the container can be read and written below the filesystem: every file on it, "
          "including the host's, is exposed.",
          "Remove docker run --device /dev/sdX (Kubernetes: no privileged or device plugin exposing disks); "
          "config.json: remove it from linux.devices.",
          CIS "5.18; Pod Security Standards baseline: Privileged Containers; Trivy KSV017", bw_check_block_devices, -1,
          .fix_k8s = "Remove privileged: true and the device plugin resource that exposes the disk.",
          .fix_compose = "Remove the disk from devices (and privileged: true).",
          .refused = "the workload asked for this device" },
        [BW_RULE_HOST_CHAR_DEVICE] = { "BW081", "host-char-device", BW_SEV_HIGH, "Host character device passed in",
          "A host device beyond null/zero/full/random/urandom/tty/console/ptmx gives direct access to "
          "hardware or kernel interfaces (/dev/mem, /dev/kmsg, GPUs, fuse).",
          "Remove docker run --device ...; config.json: remove it from linux.devices, or accept it with a "
          "policy exception if the workload needs it.",
          CIS "5.18; Pod Security Standards baseline: Privileged Containers; Trivy KSV017", bw_check_char_devices, -1,
          .fix_k8s = "Remove privileged: true, or accept the device with a policy exception if the workload needs it.",
          .fix_compose = "Remove it from devices, or accept it with a policy exception if the service needs it.",
          .refused = "the workload asked for this device" },
        [BW_RULE_DEVICE_CGROUP_ALLOW_ALL] =
        { "BW082", "device-cgroup-allow-all", BW_SEV_CRITICAL, "Device cgroup allows host devices",
          "The device cgroup lets the container open host block or memory devices it creates with mknod "
          "or finds in /dev: the host's disks and memory are one open() away.",
          "Do not use docker run --privileged or --device-cgroup-rule 'a *:* rwm'; config.json: "
          "linux.resources.devices should start with {\"allow\": false, \"access\": \"rwm\"}.",
          CIS "5.18; Pod Security Standards baseline: Privileged Containers; Trivy KSV017", bw_check_device_cgroup, -1,
          .fix_k8s = "Remove securityContext.privileged: true.",
          .fix_compose = "Remove privileged: true and device_cgroup_rules: ['a *:* rwm'].",
          .harden = bw_fix_device_cgroup },

        [BW_RULE_MASKED_PATHS_REMOVED] =
        { "BW090", "masked-paths-removed", BW_SEV_HIGH, "Masked /proc and /sys paths removed",
          "Unmasked /proc/kcore, /proc/keys, /proc/timer_list, /sys/firmware and others leak kernel memory, "
          "keys and addresses that exploits use.",
          "Do not use docker run --privileged or --security-opt systempaths=unconfined (Kubernetes procMount: "
          "Default); config.json: list them in linux.maskedPaths.",
          "Pod Security Standards baseline: /proc Mount Type; Trivy KSV027", bw_check_masked, -1,
          .fix_k8s = "Remove securityContext.privileged: true and procMount: Unmasked.",
          .fix_compose = "Remove privileged: true and security_opt systempaths=unconfined.",
          .harden = bw_fix_masked_paths },
        [BW_RULE_READONLY_PATHS_REMOVED] =
        { "BW091", "readonly-paths-removed", BW_SEV_HIGH, "Read-only /proc paths made writable",
          "/proc/sysrq-trigger, /proc/irq, /proc/bus and /proc/fs are host-wide: writing them reboots, "
          "reconfigures or crashes the host.",
          "Do not use docker run --privileged or --security-opt systempaths=unconfined; config.json: "
          "list them in linux.readonlyPaths.",
          "Pod Security Standards baseline: /proc Mount Type; Trivy KSV027", bw_check_readonly, -1,
          .fix_k8s = "Remove securityContext.privileged: true and procMount: Unmasked.",
          .fix_compose = "Remove privileged: true and security_opt systempaths=unconfined.",
          .harden = bw_fix_readonly_paths },
        [BW_RULE_PROC_SYS_WRITABLE] = { "BW092", "proc-sys-writable", BW_SEV_HIGH, "/proc/sys writable",
          "Most of /proc/sys is host-wide: writing kernel.core_pattern runs a program as host root, and "
          "other knobs weaken the host.",
          "Do not use docker run --privileged or systempaths=unconfined; config.json: keep /proc/sys in "
          "linux.readonlyPaths; set namespaced sysctls through linux.sysctl instead.",
          "Pod Security Standards baseline: /proc Mount Type; Trivy KSV027", bw_check_proc_sys, -1,
          .fix_k8s = "Remove securityContext.privileged: true and procMount: Unmasked; set namespaced sysctls "
              "in securityContext.sysctls.",
          .fix_compose = "Remove privileged: true and security_opt systempaths=unconfined; set namespaced "
              "sysctls with sysctls.",
          .harden = bw_fix_readonly_paths },
        [BW_RULE_SYSFS_WRITABLE] = { "BW093", "sysfs-writable", BW_SEV_HIGH, "sysfs mounted writable",
          "A writable /sys exposes host-wide kernel and device settings (uevent helpers, device power, "
          "module parameters).",
          "Do not use docker run --privileged; config.json: add \"ro\" to the options of the sysfs mount.",
          NULL, bw_check_sysfs_rw, -1,
          .fix_k8s = "Remove securityContext.privileged: true.",
          .fix_compose = "Remove privileged: true.",
          .harden = bw_fix_sysfs_ro },
        [BW_RULE_UNSAFE_SYSCTL] = { "BW094", "unsafe-sysctl", BW_SEV_HIGH, "Sysctl outside the namespaced-safe set",
          "A sysctl that the kernel does not namespace (or whose namespace the container shares with the "
          "host) changes the host kernel for everyone.",
          "Remove it from docker run --sysctl / Kubernetes securityContext.sysctls / config.json linux.sysctl, "
          "or set it on the host.",
          "Pod Security Standards baseline: Sysctls; Trivy KSV026", bw_check_sysctl, -1,
          .fix_k8s = "Remove it from securityContext.sysctls, or set it on the node.",
          .fix_compose = "Remove it from sysctls, or set it on the host.",
          .refused = "the workload asked for this sysctl" },

        [BW_RULE_UNMASKED_PROC_OR_SYS_MOUNT] =
        { "BW095", "unmasked-proc-or-sys-mount", BW_SEV_HIGH, "proc or sysfs mounted outside /proc and /sys",
          "Masked and read-only paths are applied under /proc and /sys only. Another proc or sysfs mount (a "
          "second /proc at /host-proc, one over /proc/sys) is a whole unmasked view: kernel.core_pattern runs "
          "a program as host root, /proc/sysrq-trigger reboots the host, /proc/kcore and /sys/firmware leak "
          "kernel memory.",
          "Remove the extra mount (docker run -v /proc:...; Kubernetes procMount: Unmasked); config.json: "
          "mount proc only at /proc and sysfs only at /sys.",
          "Pod Security Standards baseline: /proc Mount Type; Trivy KSV027", bw_check_unmasked_pseudofs, -1,
          .fix_k8s = "Remove the hostPath volume of /proc or /sys, and procMount: Unmasked.",
          .fix_compose = "Remove the bind volume of /proc or /sys.",
          .refused = "the workload asked for this proc or sysfs mount; it cannot be masked" },

        [BW_RULE_SHARED_PROPAGATION] = { "BW100", "shared-propagation", BW_SEV_MEDIUM, "Shared mount propagation",
          "With shared propagation, mounts made in the container appear on the host (and the reverse): "
          "the container can plant mounts in the host's tree.",
          "Use private or slave propagation: docker run -v SRC:DST:rslave (not :shared/:rshared); Kubernetes "
          "mountPropagation: None or HostToContainer; config.json linux.rootfsPropagation and mount options.",
          CIS "5.20", bw_check_propagation, -1,
          .fix_k8s = "Use mountPropagation: None or HostToContainer.",
          .fix_compose = "Use private or slave propagation (bind.propagation: rslave, not shared or rshared).",
          .refused = "the workload asked for shared propagation" },
        [BW_RULE_ROOTFS_WRITABLE] = { "BW101", "rootfs-writable", BW_SEV_LOW, "Root filesystem writable",
          "A writable root filesystem lets an intruder modify binaries and plant tools that survive in the "
          "container's upper layer.",
          "docker run --read-only (with tmpfs for scratch dirs); Kubernetes securityContext.readOnlyRootFilesystem: "
          "true; config.json root.readonly: true.",
          CIS "5.13; Trivy KSV014", bw_check_rootfs_rw, -1,
          .fix_k8s = "Set securityContext.readOnlyRootFilesystem: true (with emptyDir volumes for scratch "
              "directories).",
          .fix_compose = "Set read_only: true (with tmpfs for scratch directories).",
          .forbid = BW_FORBID_NONE },
        [BW_RULE_NO_PIDS_LIMIT] = { "BW102", "no-pids-limit", BW_SEV_MEDIUM, "No pids limit",
          "Without a pids limit a fork bomb in the container exhausts the host's process table and takes "
          "every other workload down.",
          "docker run --pids-limit 4096; Kubernetes: kubelet podPidsLimit; config.json "
          "linux.resources.pids.limit.",
          CIS "5.29", bw_check_pids_limit, -1,
          .fix_k8s = "Set the kubelet's podPidsLimit (the pod spec has no pids field); bulwark as the runtime "
              "class adds a default.",
          .fix_compose = "Set pids_limit: 4096 (or deploy.resources.limits.pids).",
          .harden = bw_fix_pids_limit },
        [BW_RULE_NO_MEMORY_LIMIT] = { "BW103", "no-memory-limit", BW_SEV_LOW, "No memory limit",
          "Without a memory limit the container can push the host into out-of-memory, where the kernel kills "
          "other workloads.",
          "docker run --memory 512m; Kubernetes resources.limits.memory; config.json "
          "linux.resources.memory.limit.",
          CIS "5.11; Trivy KSV018", bw_check_memory_limit, -1,
          .fix_k8s = "Set resources.limits.memory.",
          .fix_compose = "Set mem_limit: 512m (or deploy.resources.limits.memory).",
          .forbid = BW_FORBID_NONE },

        [BW_RULE_TMPFS_WITHOUT_SIZE] = { "BW104", "tmpfs-without-size", BW_SEV_MEDIUM, "tmpfs mount without a size",
          "A tmpfs without size= may grow to half of the host's memory (the kernel's default); without a "
          "memory limit a container that fills it pushes the host into out-of-memory.",
          "docker run --tmpfs /tmp:size=64m (--shm-size for /dev/shm); Kubernetes emptyDir.sizeLimit with "
          "medium: Memory; config.json: add \"size=64m\" (or another bound) to the mount's options.",
          NULL, bw_check_tmpfs_size, -1,
          .fix_k8s = "Set emptyDir.sizeLimit on memory-backed emptyDir volumes.",
          .fix_compose = "Give each tmpfs a size: tmpfs: [\"/tmp:size=64m\"] (shm_size for /dev/shm).",
          .forbid = BW_FORBID_RESTRICTED, .harden = bw_fix_tmpfs_size },

        [BW_RULE_HOOKS] = { "BW110", "hooks", BW_SEV_MEDIUM, "Hook runs a host binary",
          "OCI hooks run as host root in the host's namespaces: whoever controls the config chooses a host "
          "program to run with full privileges.",
          "config.json: remove hooks you do not recognise; an operator who trusts a hook's program (a GPU "
          "or monitoring hook installed on the host) lists it in trustedHooks of /etc/bulwark/policy.json. "
          "Docker's own libnetwork-setkey hook (dockerd itself) is trusted.",
          NULL, bw_check_hooks, -1,
          .refused = "removing a hook would break what it was set up for; the operator trusts it in the policy file instead" },
        [BW_RULE_BEHAVIOUR_ANNOTATION] =
        { "BW111", "behaviour-annotation", BW_SEV_INFO, "Annotation that changes runtime behaviour",
          "Some annotations change what the runtime does (crun's run.oci.*, systemd unit properties, "
          "bulwark's profile annotation); they should come from the operator, not the image.",
          "Check who sets it (docker run --annotation, Kubernetes pod annotations, config.json annotations) "
          "and that the policy file allows it.",
          NULL, bw_check_annotations, -1,
          .fix_k8s = "Check who sets the pod annotation and that the policy file allows it.",
          .fix_compose = "Check who sets the label or annotation and that the policy file allows it.",
          .forbid = BW_FORBID_NONE },

        /* What a Kubernetes pod spec says beyond config.json (checks_pod.c). */
        [BW_RULE_K8S_HOST_PATH] = { "BW120", "k8s-host-path", BW_SEV_MEDIUM, "hostPath volume",
          "A hostPath volume gives the pod a directory of the node: whatever the path, it ties the pod to the "
          "node and is how most pod breakouts reach host files.",
          "Use a persistentVolumeClaim, configMap, secret or emptyDir volume instead of hostPath; if a node "
          "agent needs it, mount the narrowest path, readOnly: true.",
          "Pod Security Standards restricted: Volume Types; baseline: HostPath Volumes; Trivy KSV023",
          bw_check_pod_host_path, -1,
          .fix_compose = "Use a named volume instead of the bind mount; if the service needs it, bind the "
              "narrowest path, read-only.",
          .forbid = BW_FORBID_RESTRICTED },
        [BW_RULE_K8S_HOST_PORT] = { "BW121", "k8s-host-port", BW_SEV_LOW, "hostPort",
          "A hostPort binds a port on the node's own addresses: the pod bypasses Service and network policy "
          "there, and can only run once per node.",
          "Remove ports[].hostPort and expose the pod through a Service.",
          "Pod Security Standards baseline: Host Ports; Trivy KSV024", bw_check_pod_host_port, -1,
          .fix_compose = "Remove the published port (ports), or bind it to one address (127.0.0.1:8080:80).",
          .forbid = BW_FORBID_RESTRICTED },
        [BW_RULE_K8S_PRIVILEGED_HOST_PORT] =
        { "BW122", "k8s-privileged-host-port", BW_SEV_MEDIUM, "hostPort below 1024",
          "A hostPort below 1024 takes a privileged port of the node (ssh, dns, http), where it can stand in "
          "for a node service.",
          "Remove ports[].hostPort (use a Service), or at least a port of 1024 or above.",
          "Pod Security Standards baseline: Host Ports; Trivy KSV024, KSV117", bw_check_pod_privileged_host_port, -1,
          .fix_compose = "Remove the published port below 1024 (ports), or publish a port of 1024 or above." },
        [BW_RULE_K8S_PROC_MOUNT_UNMASKED] = { "BW123", "k8s-proc-mount-unmasked", BW_SEV_HIGH, "procMount: Unmasked",
          "procMount: Unmasked gives the container /proc without the runtime's masked and read-only paths: "
          "/proc/sys, /proc/sysrq-trigger and /proc/kcore become reachable.",
          "Remove securityContext.procMount (or set it to Default).",
          "Pod Security Standards baseline: /proc Mount Type; Trivy KSV027", bw_check_pod_proc_unmasked, -1,
          .fix_compose = "Remove security_opt systempaths=unconfined." },
        [BW_RULE_K8S_SECCOMP_UNCONFINED] =
        { "BW124", "k8s-seccomp-unconfined", BW_SEV_HIGH, "seccompProfile Unconfined",
          "seccompProfile type Unconfined turns the system-call filter off: every kernel interface the "
          "default profile blocks (keyctl, bpf, unshare, mount) is open.",
          "Set securityContext.seccompProfile.type: RuntimeDefault (pod or container).",
          "Pod Security Standards baseline: Seccomp; restricted: Seccomp; Trivy KSV104",
          bw_check_pod_seccomp_unconfined, -1,
          .fix_compose = "Remove security_opt seccomp=unconfined." },
        [BW_RULE_K8S_APPARMOR_UNCONFINED] = { "BW125", "k8s-apparmor-unconfined", BW_SEV_HIGH, "AppArmor unconfined",
          "An unconfined AppArmor profile drops the runtime's default profile, which denies mounts and writes "
          "to /proc and /sys that the other layers may let through.",
          "Remove the unconfined profile: securityContext.appArmorProfile.type: RuntimeDefault (or the "
          "container.apparmor.security.beta.kubernetes.io annotation runtime/default).",
          "Pod Security Standards baseline: AppArmor; Trivy KSV002", bw_check_pod_apparmor_unconfined, -1,
          .fix_compose = "Remove security_opt apparmor=unconfined." },
        [BW_RULE_K8S_SELINUX_OPTIONS] = { "BW126", "k8s-selinux-options", BW_SEV_MEDIUM, "Custom SELinux options",
          "seLinuxOptions with a user, a role or a type other than the container types choose the process's "
          "SELinux domain: spc_t and other unconfined types escape the container policy.",
          "Remove seLinuxOptions user and role, and use a container type (container_t, container_init_t, "
          "container_kvm_t) or none.",
          "Pod Security Standards baseline: SELinux; Trivy KSV025", bw_check_pod_selinux, -1,
          .fix_compose = "Remove security_opt label:user, label:role and label:type other than the container types." },
        [BW_RULE_K8S_ROOT_GROUP] = { "BW127", "k8s-root-group", BW_SEV_LOW, "Root group",
          "Group 0 as the primary, fs or a supplemental group gives the process every file the root group "
          "can read or write, on volumes and in the image.",
          "Set securityContext.runAsGroup, fsGroup and supplementalGroups to non-zero groups.",
          "Trivy KSV116", bw_check_pod_root_group, -1,
          .fix_compose = "Set user to a non-zero group (user: \"1000:1000\") and no group 0 in group_add.",
          .forbid = BW_FORBID_RESTRICTED },
        [BW_RULE_K8S_RUN_AS_NON_ROOT_ABSENT] =
        { "BW128", "k8s-run-as-non-root-absent", BW_SEV_MEDIUM, "runAsNonRoot absent",
          "Without runAsNonRoot: true (or a non-zero runAsUser) the image's user is used, root in most "
          "images; without hostUsers: false that root is the node's root.",
          "Set securityContext.runAsNonRoot: true and runAsUser to a non-zero uid, or give the pod its own "
          "user namespace with hostUsers: false.",
          "Pod Security Standards restricted: Running as Non-root; Trivy KSV012", bw_check_pod_run_as_non_root, -1,
          .fix_compose = "Set user to a non-zero uid (user: \"1000:1000\").",
          .forbid = BW_FORBID_RESTRICTED },
        [BW_RULE_K8S_NO_CPU_LIMIT] = { "BW129", "k8s-no-cpu-limit", BW_SEV_LOW, "No CPU limit",
          "Without a CPU limit the container can take every core of the node from the pods beside it.",
          "Set resources.limits.cpu.", "Trivy KSV011", bw_check_pod_cpu_limit, -1,
          .fix_compose = "Set cpus (or deploy.resources.limits.cpus).",
          .forbid = BW_FORBID_NONE },
        [BW_RULE_K8S_BIDIRECTIONAL_PROPAGATION] =
        { "BW130", "k8s-bidirectional-propagation", BW_SEV_HIGH, "mountPropagation: Bidirectional",
          "Bidirectional propagation makes the container's mounts appear on the node: with mount privileges "
          "the container can mount over host paths.",
          "Use mountPropagation: HostToContainer (or None).", "CIS Docker Benchmark v1.6.0 5.20", bw_check_pod_bidirectional, -1 },
        [BW_RULE_K8S_SERVICE_ACCOUNT_TOKEN] =
        { "BW131", "k8s-service-account-token", BW_SEV_INFO, "Service account token mounted",
          "The pod's service account token is mounted by default: whoever runs code in the container can "
          "call the API server as that account.",
          "Set automountServiceAccountToken: false on the pod (or its service account) unless the workload "
          "calls the API server.",
          "CIS Kubernetes 5.1.6; Trivy KSV036", bw_check_pod_sa_token, -1,
          .forbid = BW_FORBID_NONE },
};
const size_t bw_n_rules = ARRAY_SIZE(bw_rules);

const char *bw_rule_fix(const struct bw_rule *r, enum bw_input_kind k)
{
        if (k == BW_INPUT_K8S && r->fix_k8s)
                return r->fix_k8s;
        if (k == BW_INPUT_COMPOSE && r->fix_compose)
                return r->fix_compose;
        return r->fix;
}

_Static_assert(ARRAY_SIZE(bw_rules) == BW_RULE_COUNT, "a rule key without its row, or a row without its key");

const struct bw_rule *bw_rule(enum bw_rule_key k)
{
        return &bw_rules[k];
}

const struct bw_rule *bw_rule_find(const char *id)
{
        for (size_t i = 0; i < bw_n_rules; i++)
                if (strcasecmp(bw_rules[i].id, id) == 0)
                        return &bw_rules[i];
        return NULL;
}

int bw_rules_check(const struct oci_config *c, struct bw_findings *out)
{
        for (size_t i = 0; i < bw_n_rules; i++) {
                int r = bw_rules[i].check(&bw_rules[i], c, out);
                if (r < 0)
                        return r;
        }
        return 0;
}

__attribute__((format(printf, 5, 0))) static int vadd(struct bw_findings *out, const struct bw_rule *r,
                                                      const char *pointer, const char *needle, const char *fmt,
                                                      va_list ap)
{
        if (out->n == out->cap) {
                size_t ncap = out->cap ? out->cap * 2 : 16;
                struct bw_finding *v = realloc(out->v, ncap * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                out->v = v;
                out->cap = ncap;
        }
        struct bw_finding f = { .rule = r };
        if (vasprintf(&f.detail, fmt, ap) < 0)
                return -ENOMEM;
        f.needle = needle ? strdup(needle) : NULL;
        f.pointer = pointer ? strdup(pointer) : NULL;
        if ((needle && !f.needle) || (pointer && !f.pointer)) {
                free(f.detail), free(f.needle), free(f.pointer);
                return -ENOMEM;
        }
        out->v[out->n++] = f;
        return 0;
}

int bw_findings_add(struct bw_findings *out, const struct bw_rule *r, const char *needle, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int ret = vadd(out, r, NULL, needle, fmt, ap);
        va_end(ap);
        return ret;
}

int bw_findings_add_at(struct bw_findings *out, const struct bw_rule *r, const char *pointer, const char *needle,
                       const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int ret = vadd(out, r, pointer, needle, fmt, ap);
        va_end(ap);
        return ret;
}

int bw_findings_add_mount(struct bw_findings *out, const struct bw_rule *r, size_t mount, const char *field,
                          const char *needle, const char *fmt, ...)
{
        char ptr[64];
        snprintf(ptr, sizeof(ptr), *field ? "/mounts/%zu/%s" : "/mounts/%zu", mount, field);
        va_list ap;
        va_start(ap, fmt);
        int ret = vadd(out, r, ptr, needle, fmt, ap);
        va_end(ap);
        return ret;
}

void bw_findings_clear(struct bw_findings *f)
{
        for (size_t i = 0; i < f->n; i++) {
                free(f->v[i].detail);
                free(f->v[i].needle);
                free(f->v[i].pointer);
        }
        free(f->v);
        *f = (struct bw_findings){ 0 };
}

static int finding_cmp(const void *a, const void *b)
{
        const struct bw_finding *x = a, *y = b;
        if (x->rule->severity != y->rule->severity)
                return (int)y->rule->severity - (int)x->rule->severity;
        int r = strcmp(x->rule->id, y->rule->id);
        return r ? r : strcmp(x->detail, y->detail);
}

void bw_findings_sort(struct bw_findings *f)
{
        if (f->n)
                qsort(f->v, f->n, sizeof(*f->v), finding_cmp);
}

bool bw_findings_has(const struct bw_findings *f, const char *id)
{
        for (size_t i = 0; i < f->n; i++)
                if (strcmp(f->v[i].rule->id, id) == 0)
                        return true;
        return false;
}
