/* The policy's other doors and the stacked seccomp filter, as pure logic:
 * harden keeping a config's filter and stacking the built-in one on it,
 * the saved config round trip, and exec's process and update's resources
 * judged by the container's policy. */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>

#include "oci/load.h"
#include "policy/checks.h"
#include "policy/enforce.h"
#include "policy/harden.h"
#include "policy/profile.h"
#include "rules_fixture.h"
#include "tap.h"

/* A seccomp agent's profile: allow all but mkdir (errno 18), uname to the agent. */
#define AGENT_PROFILE                                                                                            \
        "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": null,"          \
        " \"listenerPath\": \"/run/agent.sock\", \"syscalls\": ["                                               \
        "{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 18},"                          \
        "{\"names\": [\"uname\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}}}"

static bool has_change(char **changes, const char *id, const char *text)
{
        for (size_t i = 0; changes && changes[i]; i++)
                if (strncmp(changes[i], id, strlen(id)) == 0 && strstr(changes[i], text))
                        return true;
        return false;
}

static void stacking(void)
{
        struct bw_policy p = { .profile = BW_PROFILE_BASELINE, .mode = BW_MODE_HARDEN };
        struct oci_config *c = config_with(AGENT_PROFILE);
        struct bw_harden_result res;
        _cleanup_error_ struct bw_error *err = NULL;
        int n = c ? bw_harden(c, &p, &res, &err) : -1;
        tap_ok(n == 0 && !res.remaining, "harden makes the agent's profile comply (%d)", n);
        const struct oci_seccomp *s = c ? c->linux->seccomp : NULL;
        tap_ok(s && s->default_action == OCI_SECCOMP_ALLOW && s->listener_path &&
                       strcmp(s->listener_path, "/run/agent.sock") == 0 && s->n_syscalls == 2,
               "the config's own filter stays, listener included");
        const struct oci_seccomp *st = c ? c->linux->seccomp_stacked : NULL;
        tap_ok(st && st->default_action == OCI_SECCOMP_ERRNO && !bw_seccomp_allows(st, "unshare") &&
                       !bw_seccomp_allows(st, "io_uring_setup") && bw_seccomp_allows(st, "mkdir"),
               "the built-in profile is stacked on it");
        tap_ok(n == 0 && has_change(res.changes, "BW05", "stacked bulwark's default seccomp profile"),
               "harden says it stacked");
        if (n == 0)
                bw_harden_result_free(&res);

        /* The saved config carries both, and reads back the same. */
        _cleanup_json_ json_t *j = c ? oci_config_dump(c) : NULL;
        _cleanup_free_ char *text = j ? json_dumps(j, 0) : NULL;
        struct oci_config *back = NULL;
        _cleanup_error_ struct bw_error *err2 = NULL;
        int r = text ? oci_config_load_data(text, strlen(text), "saved", &back, &err2) : -1;
        tap_ok(r == 0 && back->linux->seccomp_stacked && st &&
                       back->linux->seccomp_stacked->n_syscalls == st->n_syscalls &&
                       back->linux->seccomp->listener_path,
               "linux.seccompStacked survives the saved config");
        /* and the policy judges the pair as the kernel does: nothing left */
        struct bw_findings f = { 0 };
        tap_ok(back && bw_rules_check(back, &f) == 0 && !bw_findings_has(&f, "BW051") && !bw_findings_has(&f, "BW052"),
               "BW051 and BW052 do not fire on the stacked pair");
        bw_findings_clear(&f);
        oci_config_free(back);
        oci_config_free(c);

        /* Nothing to keep: replaced, as before. */
        c = config_with("{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": null, \"syscalls\": null}}}");
        _cleanup_error_ struct bw_error *err3 = NULL;
        n = c ? bw_harden(c, &p, &res, &err3) : -1;
        tap_ok(n == 0 && c->linux->seccomp->default_action == OCI_SECCOMP_ERRNO && !c->linux->seccomp_stacked,
               "an allow-all filter with nothing to keep is replaced");
        if (n == 0)
                bw_harden_result_free(&res);
        oci_config_free(c);
}

static struct oci_process *process(const char *json)
{
        struct oci_process *p = NULL;
        _cleanup_error_ struct bw_error *err = NULL;
        if (oci_process_load_data(json, strlen(json), "process.json", &p, &err) < 0)
                printf("# %s\n", err && err->msg ? err->msg : "?");
        return p;
}

#define EXTRA_CAPS                                                                                        \
        "{\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0}, \"noNewPrivileges\": false," \
        " \"apparmorProfile\": \"unconfined\","                                                                \
        " \"capabilities\": {\"bounding\": [\"CAP_KILL\", \"CAP_SYS_ADMIN\", \"CAP_NET_RAW\"],"                \
        "  \"effective\": [\"CAP_KILL\", \"CAP_SYS_ADMIN\"], \"permitted\": [\"CAP_KILL\", \"CAP_SYS_ADMIN\"],"  \
        "  \"ambient\": [\"CAP_NET_RAW\"]}}"

static void exec_process(void)
{
        struct oci_config *c = config_with(NULL);
        struct oci_process *p = process(EXTRA_CAPS);
        struct bw_policy pol = { .profile = BW_PROFILE_RESTRICTED, .mode = BW_MODE_ENFORCE };
        _cleanup_error_ struct bw_error *err = NULL;
        int r = c && p ? bw_policy_apply_process(c, p, &pol, &err) : 0;
        tap_ok(r == -EPERM && err && strstr(err->msg, "BW010") && strstr(err->msg, "BW019") &&
                       strstr(err->msg, "BW053") && strstr(err->msg, "BW078") && strstr(err->msg, "nothing was started"),
               "enforce refuses extra capabilities, noNewPrivileges false and apparmorProfile unconfined, naming the rules");
        tap_ok(p && (p->capabilities.bounding.mask & (1ULL << CAP_SYS_ADMIN)), "enforce changes nothing");

        pol.mode = BW_MODE_HARDEN;
        _cleanup_error_ struct bw_error *err2 = NULL;
        r = c && p ? bw_policy_apply_process(c, p, &pol, &err2) : -1;
        uint64_t keep = c ? c->process->capabilities.bounding.mask : 0;
        tap_ok(r == 0, "harden makes the process comply (%s)", err2 && err2->msg ? err2->msg : "ok");
        tap_ok(p && !(p->capabilities.bounding.mask & ~keep) && !(p->capabilities.effective.mask & ~keep) &&
                       !(p->capabilities.ambient.mask & ~keep) && (p->capabilities.bounding.mask & (1ULL << CAP_KILL)),
               "harden keeps only the container's capabilities, in every set");
        tap_ok(p && p->no_new_privileges && !p->apparmor_profile, "harden sets no_new_privs and the container's AppArmor profile");
        tap_ok(c && !(c->process->capabilities.bounding.mask & (1ULL << CAP_SYS_ADMIN)) && c->process->no_new_privileges,
               "the container's own process is untouched");
        oci_process_free(p);

        /* A finding the container already has is not the process's. */
        oci_config_free(c);
        c = config_with("{\"process\": {\"noNewPrivileges\": false}}");
        p = process("{\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 1000, \"gid\": 1000}, \"noNewPrivileges\": false}");
        pol.mode = BW_MODE_ENFORCE;
        _cleanup_error_ struct bw_error *err3 = NULL;
        r = c && p ? bw_policy_apply_process(c, p, &pol, &err3) : -1;
        tap_ok(r == 0, "only what the process brings counts (%s)", err3 && err3->msg ? err3->msg : "ok");
        oci_process_free(p);
        oci_config_free(c);
}

static void update(void)
{
        struct oci_config *c = config_with(NULL);
        static const enum bw_mode modes[] = { BW_MODE_ENFORCE, BW_MODE_HARDEN };
        for (size_t i = 0; c && i < ARRAY_SIZE(modes); i++) {
                struct bw_policy pol = { .profile = BW_PROFILE_BASELINE, .mode = modes[i] };
                struct oci_resources after = c->linux->resources;
                after.pids.limit = (oci_opt_i64){ true, -1 };
                _cleanup_error_ struct bw_error *err = NULL;
                int r = bw_policy_apply_update(c, &after, &pol, &err);
                tap_ok(r == -EPERM && strstr(err->msg, "BW102") && strstr(err->msg, "nothing was changed"),
                       "%s refuses pids -1", bw_mode_name(modes[i]));
                tap_ok(c->linux->resources.pids.limit.v == 100, "the config is unchanged");

                struct oci_device_rule all = { .allow = true, .type = 'a', .access = (char *)"rwm" };
                after = c->linux->resources;
                after.devices = &all;
                after.n_devices = 1;
                _cleanup_error_ struct bw_error *err2 = NULL;
                r = bw_policy_apply_update(c, &after, &pol, &err2);
                tap_ok(r == -EPERM && strstr(err2->msg, "BW082"), "%s refuses an allow-all device list", bw_mode_name(modes[i]));

                after = c->linux->resources;
                after.pids.limit = (oci_opt_i64){ true, 50 };
                _cleanup_error_ struct bw_error *err3 = NULL;
                tap_ok(bw_policy_apply_update(c, &after, &pol, &err3) == 0, "%s lets a lower pids limit through",
                       bw_mode_name(modes[i]));
        }
        oci_config_free(c);
}

int main(void)
{
        stacking();
        exec_process();
        update();
        return tap_done();
}
