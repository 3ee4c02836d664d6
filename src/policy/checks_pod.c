/* Checks of what a Kubernetes pod spec says beyond config.json (host
 * ports, the service-account token, which security fields were written),
 * the Pod Security Standards' controls that the config alone cannot show.
 * The manifest reader fills c->pod; every other config leaves it empty
 * and these checks silent. Pointers are under "/pod/", which the reader
 * maps to the YAML field. */
#include "policy/checks.h"

BW_CHECK(pod_host_path)
{
        if (!c->pod.present || !c->pod.host_path[0])
                return 0;
        return bw_findings_add_at(out, r, "/pod/hostPath", NULL, "hostPath volume %s", c->pod.host_path);
}

BW_CHECK(pod_host_port)
{
        for (size_t i = 0; c->pod.present && i < c->pod.n_host_ports; i++) {
                if (c->pod.host_ports[i] < 1024)
                        continue;
                int ret = bw_findings_add_at(out, r, "/pod/hostPort", NULL, "hostPort %u", c->pod.host_ports[i]);
                if (ret < 0)
                        return ret;
        }
        return 0;
}

BW_CHECK(pod_privileged_host_port)
{
        for (size_t i = 0; c->pod.present && i < c->pod.n_host_ports; i++) {
                if (c->pod.host_ports[i] >= 1024)
                        continue;
                int ret = bw_findings_add_at(out, r, "/pod/hostPort", NULL, "hostPort %u (below 1024)",
                                             c->pod.host_ports[i]);
                if (ret < 0)
                        return ret;
        }
        return 0;
}

BW_CHECK(pod_proc_unmasked)
{
        if (!c->pod.present || !c->pod.proc_unmasked)
                return 0;
        return bw_findings_add_at(out, r, "/pod/procMount", NULL, "procMount: Unmasked");
}

BW_CHECK(pod_seccomp_unconfined)
{
        if (!c->pod.present || !c->pod.seccomp_unconfined)
                return 0;
        return bw_findings_add_at(out, r, "/pod/seccompProfile", NULL, "seccompProfile type: Unconfined");
}

BW_CHECK(pod_apparmor_unconfined)
{
        if (!c->pod.present || !c->pod.apparmor_unconfined)
                return 0;
        return bw_findings_add_at(out, r, "/pod/appArmorProfile", NULL, "AppArmor profile unconfined");
}

BW_CHECK(pod_selinux)
{
        if (!c->pod.present || !c->pod.selinux[0])
                return 0;
        return bw_findings_add_at(out, r, "/pod/seLinuxOptions", NULL, "seLinuxOptions %s", c->pod.selinux);
}

BW_CHECK(pod_root_group)
{
        if (!c->pod.present || !c->pod.root_group)
                return 0;
        return bw_findings_add_at(out, r, "/pod/group", NULL, "group 0 (root) in runAsGroup, fsGroup or "
                                                             "supplementalGroups");
}

BW_CHECK(pod_run_as_non_root)
{
        if (!c->pod.present || c->pod.run_as_non_root || c->pod.host_users_false)
                return 0;
        return bw_findings_add_at(out, r, "/pod/runAsNonRoot", NULL,
                                  "neither runAsNonRoot: true nor a non-zero runAsUser, and no hostUsers: false");
}

BW_CHECK(pod_cpu_limit)
{
        if (!c->pod.present || c->pod.cpu_limit)
                return 0;
        return bw_findings_add_at(out, r, "/pod/cpu", NULL, "no resources.limits.cpu");
}

BW_CHECK(pod_bidirectional)
{
        if (!c->pod.present || !c->pod.bidirectional)
                return 0;
        return bw_findings_add_at(out, r, "/pod/mountPropagation", NULL, "mountPropagation: Bidirectional");
}

BW_CHECK(pod_sa_token)
{
        if (!c->pod.present || !c->pod.sa_token)
                return 0;
        return bw_findings_add_at(out, r, "/pod/automountServiceAccountToken", NULL,
                                  "the service account token is mounted at /var/run/secrets/kubernetes.io/serviceaccount");
}
