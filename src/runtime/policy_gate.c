#include "runtime/policy_gate.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "linux/namespaces.h"
#include "oci/load.h"
#include "policy/checks.h"
#include "policy/enforce.h"
#include "policy/profile.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"

void bw_policy_mark_host_namespaces(struct oci_config *c)
{
        for (size_t i = 0; c->linux && i < c->linux->n_namespaces; i++) {
                struct oci_namespace *ns = &c->linux->namespaces[i];
                ns->host = ns->path && ns->type != OCI_NS_USER && bw_ns_path_is_host(ns->type, ns->path) == 1;
                if (ns->host)
                        bw_debug("policy: the %s namespace %s is the host's", oci_ns_type_name(ns->type), ns->path);
        }
}

/* The policy file's identityMappedVolumes, on resolved paths: a source
 * reaching a listed directory through a symlink or .. is judged where it
 * lands, never by its text. */
static void mark_identity_mapped(struct oci_config *c, const struct bw_policy *p)
{
        if (!p->identity_volumes)
                return;
        struct bw_policy real = { 0 };
        for (char **d = p->identity_volumes; *d; d++) {
                _cleanup_free_ char *rd = realpath(*d, NULL);
                if (rd && bw_strv_push(&real.identity_volumes, rd) < 0)
                        break;
        }
        for (size_t i = 0; i < c->n_mounts; i++) {
                struct oci_mount *m = &c->mounts[i];
                if (!bw_mount_is_bind(m) || !m->source || m->source[0] != '/')
                        continue;
                _cleanup_free_ char *rs = realpath(m->source, NULL);
                m->identity_mapped = rs && bw_policy_identity_mapped(&real, rs);
                if (m->identity_mapped)
                        bw_debug("policy: bind %s (%s) is identity-mapped (identityMappedVolumes, BW074)",
                                 m->destination, rs);
        }
        bw_strv_free(real.identity_volumes);
}

int bw_policy_gate(struct oci_config *c, const struct bw_policy_choice *pc, struct bw_error **err)
{
        bw_policy_mark_host_namespaces(c);
        struct bw_policy p;
        int r = bw_policy_resolve(pc ? pc->file : NULL, pc ? pc->profile : NULL, pc ? pc->mode : NULL, &p, err);
        if (r < 0)
                return r;
        bw_debug("policy: profile %s (%s), mode %s", bw_profile_name(p.profile), p.source ? p.source : "default",
                 bw_mode_name(p.mode));
        r = bw_policy_apply(c, &p, err);
        if (r >= 0)
                mark_identity_mapped(c, &p);
        bw_policy_free(&p);
        if (r < 0 && err && *err)
                (*err)->status = BW_EXIT_FAILURE; /* a refusal is not a usage error */
        return r;
}

int bw_policy_save_effective(const struct bw_store_entry *e, const struct oci_config *c, struct bw_error **err)
{
        _cleanup_json_ json_t *j = oci_config_dump(c);
        _cleanup_free_ char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
        _cleanup_free_ char *path = NULL;
        if (!text || asprintf(&path, "%s/" BW_EFFECTIVE_CONFIG, e->path) < 0)
                return bw_error_set(err, -ENOMEM, "writing the effective config");
        return bw_write_file_atomic(path, text, err);
}

char *bw_saved_config_path(const char *dir)
{
        char *p = NULL;
        if (asprintf(&p, "%s/" BW_EFFECTIVE_CONFIG, dir) < 0)
                return NULL;
        if (access(p, F_OK) == 0)
                return p;
        free(p);
        return asprintf(&p, "%s/config.json", dir) < 0 ? NULL : p;
}
