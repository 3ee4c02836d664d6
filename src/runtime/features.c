/* The OCI features document: what this build implements, and where the
 * answer depends on the host (capabilities, seccomp architectures and flags,
 * idmapped mounts), what the host answers when asked. */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>

#include <jansson.h>

#include "linux/cap_names.h"
#include "linux/idmap_probe.h"
#include "linux/lsm.h"
#include "linux/mount_options.h"
#include "linux/seccomp_probe.h"
#include "oci/default.h"
#include "runtime/features.h"
#include "oci/spec.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/version.h"

#define BW_OCI_VERSION_MIN "1.0.0"

static const char *const hooks[] = {
        "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL,
};

/* A JSON array of the names name(0), name(1), ... until name() has none. */
static json_t *enum_names(const char *(*name)(int))
{
        json_t *a = json_array();
        for (int i = 0; a && name(i); i++)
                if (json_array_append_new(a, json_string(name(i))) < 0) {
                        json_decref(a);
                        return NULL;
                }
        return a;
}

/* The loader's name tables are the list of what a config may say, so
 * features reports exactly what validate accepts. */
static const char *ns_name(int i) { return oci_ns_type_name((enum oci_ns_type)i); }
static const char *action_name(int i) { return oci_seccomp_action_name((enum oci_seccomp_action)i); }
static const char *op_name(int i) { return oci_seccomp_op_name((enum oci_seccomp_op)i); }

static json_t *mount_options(void)
{
        json_t *a = json_array();
        for (size_t i = 0; a && i < bw_n_mount_options; i++)
                if (!bw_mount_options[i].unadvertised && json_array_append_new(a, json_string(bw_mount_options[i].name)) < 0) {
                        json_decref(a);
                        return NULL;
                }
        return a;
}

static json_t *capabilities(void)
{
        _cleanup_strv_ char **names = bw_cap_known_names();
        json_t *a = names ? json_array() : NULL;
        for (size_t i = 0; a && names[i]; i++)
                if (oci_cap_from_name(names[i]) >= 0 && json_array_append_new(a, json_string(names[i])) < 0) {
                        json_decref(a);
                        return NULL;
                }
        return a;
}

static json_t *seccomp_known_flags(void)
{
        json_t *a = json_array();
        for (const char *const *n = bw_seccomp_flag_names; a && *n; n++)
                if (oci_seccomp_flag_known(*n) && json_array_append_new(a, json_string(*n)) < 0) {
                        json_decref(a);
                        return NULL;
                }
        return a;
}

static json_t *seccomp_archs(void)
{
        json_t *a = json_array();
        for (const char *const *n = bw_seccomp_arch_names; a && *n; n++)
                if (oci_seccomp_arch_known(*n) && bw_seccomp_arch_token(*n) != 0 &&
                    json_array_append_new(a, json_string(*n)) < 0) {
                        json_decref(a);
                        return NULL;
                }
        return a;
}

static json_t *seccomp_supported_flags(void)
{
        json_t *a = json_array();
        for (const char *const *n = bw_seccomp_flag_names; a && *n; n++)
                if (oci_seccomp_flag_known(*n) && bw_seccomp_flag_supported(*n) &&
                    json_array_append_new(a, json_string(*n)) < 0) {
                        json_decref(a);
                        return NULL;
                }
        return a;
}

static json_t *seccomp(void)
{
        return json_pack("{s:b, s:o, s:o, s:o, s:o, s:o}",
                         "enabled", 1,
                         "actions", enum_names(action_name),
                         "operators", enum_names(op_name),
                         "archs", seccomp_archs(),
                         "knownFlags", seccomp_known_flags(),
                         "supportedFlags", seccomp_supported_flags());
}

static json_t *linux_section(bool idmap)
{
        /* cgroup: both versions through cgroupfs, and the systemd driver
         * (system manager; a user's manager is not claimed); no rdma
         * controller. AppArmor and SELinux are applied where the host
         * runs them (linux/lsm.c), so they are reported as the host has
         * them. No Intel RDT support is built in, so none is claimed. */
        struct bw_lsm lsm = bw_lsm_detect();
        return json_pack("{s:o, s:o, s:{s:b, s:b, s:b, s:b, s:b}, s:o, s:{s:b}, s:{s:b}, s:{s:b},"
                         " s:{s:{s:b}}}",
                         "namespaces", enum_names(ns_name),
                         "capabilities", capabilities(),
                         "cgroup", "v1", 1, "v2", 1, "systemd", 1, "systemdUser", 0, "rdma", 0,
                         "seccomp", seccomp(),
                         "apparmor", "enabled", lsm.apparmor,
                         "selinux", "enabled", lsm.selinux,
                         "intelRdt", "enabled", 0,
                         "mountExtensions", "idmap", "enabled", idmap);
}

static json_t *annotations(void)
{
        const struct scmp_version *sv = seccomp_version();
        char libseccomp[48];
        snprintf(libseccomp, sizeof(libseccomp), "%u.%u.%u",
                 sv ? sv->major : 0, sv ? sv->minor : 0, sv ? sv->micro : 0);
        /* Rootless: what an unprivileged caller gets (docs/rootless.md). */
        return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                         "io.bulwark.version", bw_version,
                         "io.bulwark.commit", bw_commit,
                         "io.bulwark.libseccomp.version", libseccomp,
                         "io.bulwark.rootless.enabled", "true",
                         "io.bulwark.rootless.idmap", "newuidmap+newgidmap",
                         "io.bulwark.rootless.cgroup", "v2-delegation",
                         "io.bulwark.rootless.selfclone", "memfd-sealed");
}

int bw_features_document(json_t **out, struct bw_error **err)
{
        /* The spec reads idmap.enabled as "the runtime uses mount idmaps";
         * containerd reads it as "user namespaces can be offered", which
         * also needs the kernel's support. Report true only when both
         * hold, so nobody is offered a feature that then fails at create. */
        int idmap = bw_probe_idmapped_mounts(err);
        if (idmap < 0)
                return bw_error_wrap(err, "building the features document");

        json_t *doc = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:[]}",
                                "ociVersionMin", BW_OCI_VERSION_MIN,
                                "ociVersionMax", BW_OCI_VERSION,
                                "hooks", oci_json_strings(hooks),
                                "mountOptions", mount_options(),
                                "linux", linux_section(idmap == 1),
                                "annotations", annotations(),
                                "potentiallyUnsafeConfigAnnotations");
        if (!doc)
                return bw_error_set(err, -ENOMEM, "building the features document");
        *out = doc;
        return 0;
}
