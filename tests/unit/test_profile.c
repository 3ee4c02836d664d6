/* Profiles, the policy file, the decision function and hardening. */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "oci/default.h"
#include "policy/enforce.h"
#include "policy/harden.h"
#include "policy/profile.h"
#include "rules_fixture.h"
#include "tap.h"
#include "util/strv.h"

/* What `docker run busybox` hands its runtime, in the parts the rules see. */
#define DOCKER_CAPS "[\"CAP_CHOWN\", \"CAP_DAC_OVERRIDE\", \"CAP_FSETID\", \"CAP_FOWNER\", \"CAP_MKNOD\", \"CAP_NET_RAW\"," \
        " \"CAP_SETGID\", \"CAP_SETUID\", \"CAP_SETFCAP\", \"CAP_SETPCAP\", \"CAP_NET_BIND_SERVICE\", \"CAP_SYS_CHROOT\"," \
        " \"CAP_KILL\", \"CAP_AUDIT_WRITE\"]"
static const char docker_default[] =
        "{\"root\": {\"readonly\": false},"
        " \"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, \"noNewPrivileges\": false,"
        "   \"capabilities\": {\"bounding\": " DOCKER_CAPS ", \"effective\": " DOCKER_CAPS ", \"permitted\": " DOCKER_CAPS "}},"
        " \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}],"
        "   \"resources\": {\"pids\": null, \"memory\": null}}}";

static struct bw_policy policy(enum bw_profile p)
{
        return (struct bw_policy){ .profile = p, .mode = BW_MODE_HARDEN };
}

/* The ids of the violations, space-separated, in report order. */
static char *violations(const struct oci_config *c, const struct bw_policy *p, int *n)
{
        struct bw_findings f = { 0 };
        _cleanup_error_ struct bw_error *err = NULL;
        *n = bw_policy_evaluate(c, p, &f, &err);
        char *s = strdup("");
        for (size_t i = 0; i < f.n; i++) {
                if (!f.v[i].violation)
                        continue;
                char *t = NULL;
                if (asprintf(&t, "%s%s%s", s, s[0] ? " " : "", f.v[i].rule->id) < 0)
                        break;
                free(s);
                s = t;
        }
        bw_findings_clear(&f);
        return s;
}

static void profiles(void)
{
        struct oci_config *c = config_with(docker_default);
        if (!c) {
                tap_ok(0, "docker default config loads");
                return;
        }
        int n;
        struct bw_policy p = policy(BW_PROFILE_BASELINE);
        _cleanup_free_ char *base = violations(c, &p, &n);
        tap_is_str(base, "BW040 BW042 BW018 BW019 BW053 BW102",
                   "baseline: a Docker default container violates userns, host root, MKNOD, NET_RAW, nnp, pids");
        tap_is_int(n, 6, "baseline: the count is returned");
        p = policy(BW_PROFILE_RESTRICTED);
        _cleanup_free_ char *restr = violations(c, &p, &n);
        tap_is_str(restr, "BW040 BW042 BW015 BW016 BW017 BW018 BW019 BW053 BW102 BW064",
                   "restricted adds CHOWN, DAC_OVERRIDE, FOWNER and the host cgroup namespace");
        p = policy(BW_PROFILE_PRIVILEGED);
        _cleanup_free_ char *priv = violations(c, &p, &n);
        tap_ok(n == 0 && priv[0] == 0, "privileged enforces nothing");
        oci_config_free(c);

        c = config_with(NULL);
        p = policy(BW_PROFILE_RESTRICTED);
        _cleanup_free_ char *clean = violations(c, &p, &n);
        tap_ok(c && n == 0, "the clean config satisfies restricted%s%s", n ? ": " : "", n && clean ? clean : "");
        oci_config_free(c);
}

static void exceptions_and_annotations(void)
{
        struct oci_config *c = config_with(docker_default);
        struct bw_exception ex[] = { { "BW019", "NET_RAW", "ping" }, { "BW018", "nothing-like-this", NULL } };
        struct bw_policy p = policy(BW_PROFILE_BASELINE);
        p.exceptions = ex;
        p.n_exceptions = 2;
        struct bw_findings f = { 0 };
        _cleanup_error_ struct bw_error *err = NULL;
        int n = bw_policy_evaluate(c, &p, &f, &err);
        bool netraw_waived = false, mknod_counts = false;
        for (size_t i = 0; i < f.n; i++) {
                if (strcmp(f.v[i].rule->id, "BW019") == 0)
                        netraw_waived = f.v[i].excepted && !f.v[i].violation;
                if (strcmp(f.v[i].rule->id, "BW018") == 0)
                        mknod_counts = f.v[i].violation;
        }
        tap_ok(netraw_waived && n == 5, "an exception whose match is in the detail waives the finding");
        tap_ok(mknod_counts, "an exception whose match is not in the detail waives nothing");
        bw_findings_clear(&f);
        oci_config_free(c);

        c = config_with("{\"annotations\": {\"org.bulwark.profile\": \"privileged\"}, \"process\": {\"noNewPrivileges\": false}}");
        p = policy(BW_PROFILE_BASELINE);
        _cleanup_free_ char *ignored = violations(c, &p, &n);
        tap_is_str(ignored, "BW053", "without an annotation entry in the policy, the annotation cannot lower the profile");
        p.annotation = (char *)"org.bulwark.profile";
        p.annotation_profiles = 1u << BW_PROFILE_RESTRICTED;
        enum bw_profile got;
        bw_error_free(err);
        err = NULL;
        int r = bw_policy_profile_for(&p, c, &got, &err);
        tap_ok(r == -EPERM && err && strstr(err->msg, "does not let annotations choose profile privileged"),
               "an annotation naming a profile the policy does not list is refused: %s", err ? err->msg : "");
        p.annotation_profiles |= 1u << BW_PROFILE_PRIVILEGED;
        _cleanup_free_ char *chosen = violations(c, &p, &n);
        tap_ok(n == 0, "an allowed annotation chooses the profile%s%s", n ? ": " : "", n && chosen ? chosen : "");
        oci_config_free(c);
}

static int parse(const char *text, struct bw_policy *p, char **msg)
{
        _cleanup_error_ struct bw_error *err = NULL;
        *p = policy(BW_PROFILE_BASELINE);
        int r = bw_policy_parse(text, strlen(text), "policy.json", p, &err);
        *msg = err ? strdup(err->msg) : NULL;
        return r;
}

static void policy_file(void)
{
        struct bw_policy p;
        char *msg;
        int r = parse("{\"profile\": \"restricted\", \"mode\": \"enforce\","
                      " \"exceptions\": [{\"rule\": \"BW081\", \"match\": \"/dev/fuse\", \"reason\": \"fuse-overlayfs\"}],"
                      " \"annotation\": {\"key\": \"example.com/profile\", \"profiles\": [\"restricted\", \"baseline\"]}}", &p, &msg);
        tap_ok(r == 0 && p.profile == BW_PROFILE_RESTRICTED && p.mode == BW_MODE_ENFORCE && p.n_exceptions == 1 &&
               strcmp(p.exceptions[0].match, "/dev/fuse") == 0 && strcmp(p.annotation, "example.com/profile") == 0 &&
               p.annotation_profiles == ((1u << BW_PROFILE_RESTRICTED) | (1u << BW_PROFILE_BASELINE)),
               "a full policy file parses");
        bw_policy_free(&p);
        free(msg);

        static const struct { const char *text, *want; } bad[] = {
                { "{\"profile\": \"baseline\",\n  \"mode\": }", "policy.json:2:11: " },
                { "{\"profle\": \"baseline\"}", "policy.json:1:12: \"profle\": unknown key" },
                { "{\"profile\": \"strict\"}", "policy.json:1:13: profile: unknown profile 'strict'" },
                { "{\"mode\": 1}", "policy.json:1:10: mode: expected a string" },
                { "{\"mode\": \"audit\"}", "policy.json:1:10: mode: unknown mode 'audit'" },
                { "{\"exceptions\": [{\"rule\": \"BW999\"}]}", "policy.json:1:26: exceptions[0].rule: unknown rule 'BW999'" },
                { "{\"exceptions\": [{\"rule\": \"BW019\", \"why\": \"x\"}]}", "policy.json:1:42: exceptions[0].\"why\": unknown key" },
                { "{\"exceptions\": [{\"reason\": \"x\"}]}", "policy.json:1:17: exceptions[0]: \"rule\" is required" },
                { "{\"exceptions\": {}}", "policy.json:1:16: exceptions: expected a list" },
                { "{\"annotation\": {\"profiles\": []}}", "policy.json:1:29: annotation.profiles: expected a non-empty list" },
                { "{\"annotation\": {\"profiles\": [\"root\"]}}", "policy.json:1:30: annotation.profiles[0]: expected restricted" },
                { "[]", "policy.json:1:1: expected a JSON object" },
                { "{\n  \"profile\": \"baseline\",\n  \"exceptions\": [\n    {\"rule\": \"BW019\"},\n    {\"rule\": \"BW1\"}\n  ]\n}",
                  "policy.json:5:14: exceptions[1].rule: unknown rule 'BW1'" },
        };
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                r = parse(bad[i].text, &p, &msg);
                tap_ok(r < 0 && msg && strncmp(msg, bad[i].want, strlen(bad[i].want)) == 0, "policy error: %s", bad[i].want);
                if (msg && strncmp(msg, bad[i].want, strlen(bad[i].want)) != 0)
                        printf("#   got: %s\n", msg);
                bw_policy_free(&p);
                free(msg);
        }

        char path[] = "/tmp/bw-policy-XXXXXX";
        int fd = mkstemp(path);
        const char body[] = "{\"profile\": \"restricted\", \"mode\": \"warn\"}";
        tap_ok(fd >= 0 && write(fd, body, sizeof(body) - 1) == (ssize_t)sizeof(body) - 1, "wrote a policy file");
        close(fd);
        _cleanup_error_ struct bw_error *err = NULL;
        r = bw_policy_resolve(path, NULL, NULL, &p, &err);
        tap_ok(r == 0 && p.profile == BW_PROFILE_RESTRICTED && p.mode == BW_MODE_WARN, "the file sets profile and mode");
        bw_policy_free(&p);
        r = bw_policy_resolve(path, "privileged", "enforce", &p, &err);
        tap_ok(r == 0 && p.profile == BW_PROFILE_PRIVILEGED && p.mode == BW_MODE_ENFORCE, "flags override the file");
        bw_policy_free(&p);
        r = bw_policy_resolve(path, NULL, "loud", &p, &err);
        tap_ok(r < 0 && err && err->status == BW_EXIT_USAGE && strstr(err->msg, "--policy-mode: unknown mode 'loud'"),
               "a bad --policy-mode is a usage error");
        bw_error_free(err);
        err = NULL;
        unlink(path);
        r = bw_policy_resolve(path, NULL, NULL, &p, &err);
        tap_ok(r == -ENOENT && err && strstr(err->msg, path) && strstr(err->msg, "No such file"),
               "a policy file named explicitly must exist: %s", err ? err->msg : "");
}

static bool has_cap(const struct oci_config *c, int cap)
{
        const struct oci_capabilities *k = &c->process->capabilities;
        uint64_t b = 1ULL << cap;
        return (k->bounding.mask | k->effective.mask | k->permitted.mask | k->inheritable.mask | k->ambient.mask) & b;
}

static bool listed(char **v, const char *prefix)
{
        for (size_t i = 0; v && v[i]; i++)
                if (strncmp(v[i], prefix, strlen(prefix)) == 0)
                        return true;
        return false;
}

static void harden(void)
{
        struct oci_config *c = config_with(docker_default);
        struct bw_policy p = policy(BW_PROFILE_BASELINE);
        struct bw_harden_result res;
        _cleanup_error_ struct bw_error *err = NULL;
        int n = bw_harden(c, &p, &res, &err);
        tap_is_int(n, 0, "baseline: a Docker default config is hardened to compliance");
        tap_ok(!has_cap(c, CAP_MKNOD) && !has_cap(c, CAP_NET_RAW), "MKNOD and NET_RAW are dropped from every set");
        tap_ok(has_cap(c, CAP_CHOWN) && has_cap(c, CAP_DAC_OVERRIDE) && has_cap(c, CAP_FOWNER),
               "baseline keeps CHOWN, DAC_OVERRIDE, FOWNER");
        const struct oci_namespace *u = oci_config_namespace(c, OCI_NS_USER);
        tap_ok(u && !u->path && c->linux->uid_mappings.n == 0, "a user namespace without mappings is added");
        tap_ok(c->process->no_new_privileges, "noNewPrivileges is set");
        tap_ok(c->linux->resources.pids.limit.set && c->linux->resources.pids.limit.v == BW_HARDEN_PIDS_LIMIT,
               "a pids limit is set");
        tap_ok(listed(res.changes, "BW018 ") && listed(res.changes, "BW040 ") && listed(res.changes, "BW053 ") &&
               listed(res.changes, "BW102 ") && !res.remaining, "each change is recorded, nothing remains");
        for (size_t i = 0; res.changes && res.changes[i]; i++)
                printf("#   %s\n", res.changes[i]);
        /* The hardened config is a valid config: dump, reload. */
        _cleanup_json_ json_t *j = oci_config_dump(c);
        _cleanup_free_ char *s = j ? json_dumps(j, 0) : NULL;
        struct oci_config *back = NULL;
        int r = s ? oci_config_load_data(s, strlen(s), "hardened.json", &back, &err) : -1;
        tap_ok(r == 0, "the hardened config dumps and loads again%s%s", err ? ": " : "", err ? err->msg : "");
        int left = 0;
        _cleanup_free_ char *v = back ? violations(back, &p, &left) : NULL;
        tap_ok(back && left == 0, "and, reloaded, satisfies baseline%s%s", left ? ": " : "", left && v ? v : "");
        oci_config_free(back);
        bw_harden_result_free(&res);
        oci_config_free(c);

        c = config_with(docker_default);
        p = policy(BW_PROFILE_RESTRICTED);
        n = bw_harden(c, &p, &res, &err);
        tap_ok(n == 0 && !has_cap(c, CAP_CHOWN) && oci_config_namespace(c, OCI_NS_CGROUP),
               "restricted: CHOWN dropped and a cgroup namespace added");
        bw_harden_result_free(&res);
        oci_config_free(c);

        c = config_with("{\"linux\": {\"maskedPaths\": null, \"readonlyPaths\": []},"
                        " \"mounts\": [{\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\"}]}");
        p = policy(BW_PROFILE_BASELINE);
        n = bw_harden(c, &p, &res, &err);
        tap_ok(n == 0 && bw_strv_contains(c->linux->masked_paths, "/proc/kcore") &&
               bw_strv_contains(c->linux->readonly_paths, "/proc/sys") && bw_strv_contains(c->mounts[0].options, "ro"),
               "masks, read-only paths and a read-only sysfs are restored");
        bw_harden_result_free(&res);
        oci_config_free(c);

        /* BW092 has two cases: /proc/sys missing from readonlyPaths is
         * fixed, a writable mount over it is not (the finding's kind, not
         * its words, tells them apart). */
        c = config_with("{\"mounts\": [{\"destination\": \"/proc/sys/fs/binfmt_misc\", \"type\": \"tmpfs\","
                        " \"source\": \"tmpfs\", \"options\": [\"size=1m\"]}]}");
        n = bw_harden(c, &p, &res, &err);
        tap_ok(n == 1 && listed(res.remaining, "BW092 ") && !listed(res.changes, "BW092 "),
               "a writable mount under /proc/sys is left, and said");
        bw_harden_result_free(&res);
        oci_config_free(c);
        c = config_with("{\"linux\": {\"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\","
                        " \"/proc/sysrq-trigger\"]}}");
        n = bw_harden(c, &p, &res, &err);
        tap_ok(n == 0 && listed(res.changes, "BW092 ") && bw_strv_contains(c->linux->readonly_paths, "/proc/sys"),
               "/proc/sys missing from readonlyPaths alone is restored");
        bw_harden_result_free(&res);
        oci_config_free(c);

        c = config_with("{\"linux\": {\"devices\": [{\"path\": \"/dev/null\", \"type\": \"c\", \"major\": 1, \"minor\": 3}],"
                        " \"resources\": {\"devices\": [{\"allow\": true, \"access\": \"rwm\"}]}}}");
        n = bw_harden(c, &p, &res, &err);
        struct bw_findings after = { 0 };
        tap_ok(n == 0 && listed(res.changes, "BW082 ") && bw_rules_check(c, &after) == 0 && !bw_findings_has(&after, "BW082"),
               "an open device cgroup is closed");
        bw_findings_clear(&after);
        bw_harden_result_free(&res);
        oci_config_free(c);

        c = config_with("{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_SYS_ADMIN\", \"CAP_SYS_MODULE\"]}},"
                        " \"linux\": {\"maskedPaths\": [], \"resources\": {\"devices\": [{\"allow\": true, \"access\": \"rwm\"}]}}}");
        n = bw_harden(c, &p, &res, &err);
        tap_ok(n > 0 && listed(res.remaining, "BW001 ") && !res.changes && has_cap(c, CAP_SYS_ADMIN),
               "a privileged config is refused and left unchanged");
        bw_harden_result_free(&res);
        oci_config_free(c);

        c = config_with("{\"mounts\": [{\"destination\": \"/var/run/docker.sock\", \"type\": \"bind\","
                        " \"source\": \"/run/docker.sock\", \"options\": [\"rbind\", \"ro\"]}]}");
        n = bw_harden(c, &p, &res, &err);
        tap_ok(n == 1 && listed(res.remaining, "BW070 ") && strstr(res.remaining[0], "refused"),
               "an engine socket is refused even read-only");
        bw_harden_result_free(&res);
        oci_config_free(c);

        c = config_with("{\"linux\": {\"seccomp\": null}}");
        n = bw_harden(c, &p, &res, &err);
        tap_ok(n == 0 && listed(res.changes, "BW050 ") && c->linux->seccomp &&
               c->linux->seccomp->default_action != OCI_SECCOMP_ALLOW,
               "a missing seccomp filter is replaced by the built-in default profile");
        bw_harden_result_free(&res);
        oci_config_free(c);
}

/* The rules and oci/default.h (what `bulwark spec` writes) agree. */
static void defaults_agree(void)
{
        struct bw_policy p = policy(BW_PROFILE_RESTRICTED);
        for (int cap = 0; cap <= OCI_CAP_LAST; cap++) {
                char patch[256];
                snprintf(patch, sizeof(patch), "{\"process\": {\"capabilities\": {\"bounding\": [\"%s\"]}}}", oci_cap_name(cap));
                struct oci_config *c = config_with(patch);
                int n = -1;
                _cleanup_free_ char *v = c ? violations(c, &p, &n) : NULL;
                bool allowed = bw_strv_contains((char **)bw_restricted_capabilities, oci_cap_name(cap));
                tap_ok(c && (n == 0) == allowed, "restricted %s %s (default.h agrees)%s%s",
                       allowed ? "allows" : "forbids", oci_cap_name(cap), v && v[0] ? ": " : "", v ? v : "");
                oci_config_free(c);
        }
        /* spec's lists satisfy the path and device rules */
        _cleanup_json_ json_t *patch = json_pack("{s:{s:o, s:o, s:[]}}", "linux", "maskedPaths",
                                                 json_array(), "readonlyPaths", json_array(), "devices");
        json_t *l = json_object_get(patch, "linux");
        for (size_t i = 0; bw_default_masked_paths[i]; i++)
                json_array_append_new(json_object_get(l, "maskedPaths"), json_string(bw_default_masked_paths[i]));
        for (size_t i = 0; bw_default_readonly_paths[i]; i++)
                json_array_append_new(json_object_get(l, "readonlyPaths"), json_string(bw_default_readonly_paths[i]));
        for (const struct bw_default_device *d = bw_default_devices; d->path; d++)
                json_array_append_new(json_object_get(l, "devices"),
                                      json_pack("{s:s, s:s#, s:I, s:I}", "path", d->path, "type", &d->type, 1,
                                                "major", (json_int_t)d->major, "minor", (json_int_t)d->minor));
        _cleanup_free_ char *ps = json_dumps(patch, 0);
        struct oci_config *c = config_with(ps);
        struct bw_findings f = { 0 };
        tap_ok(c && bw_rules_check(c, &f) == 0 && f.n == 0,
               "spec's masked paths, read-only paths and devices fire no rule");
        for (size_t i = 0; i < f.n; i++)
                printf("#   %s %s\n", f.v[i].rule->id, f.v[i].detail);
        bw_findings_clear(&f);
        oci_config_free(c);

        /* The config `bulwark spec` writes satisfies restricted as it is. */
        struct bw_spec_options o = { 0 };
        _cleanup_json_ json_t *spec = bw_default_spec(&o);
        _cleanup_free_ char *text = spec ? json_dumps(spec, 0) : NULL;
        _cleanup_error_ struct bw_error *err = NULL;
        c = NULL;
        int r = text ? oci_config_load_data(text, strlen(text), "spec", &c, &err) : -1;
        int n = -1;
        _cleanup_free_ char *v = r == 0 ? violations(c, &p, &n) : NULL;
        tap_is_str(v, "", "bulwark spec's config violates no restricted rule");
        oci_config_free(c);
}

/* The modes, as create will apply them. */
static void modes(void)
{
        struct oci_config *c = config_with(docker_default);
        struct bw_policy p = policy(BW_PROFILE_BASELINE);
        p.mode = BW_MODE_ENFORCE;
        _cleanup_error_ struct bw_error *err = NULL;
        int r = bw_policy_apply(c, &p, &err);
        tap_ok(r == -EPERM && err && err->status == BW_EXIT_FAILURE && strstr(err->msg, "profile baseline from the default, mode enforce") &&
               strstr(err->msg, "6 violations") && strstr(err->msg, "BW018 [medium] CAP_MKNOD granted: CAP_MKNOD in bounding") &&
               strstr(err->msg, "fix: Drop it: docker run --cap-drop MKNOD"),
               "enforce refuses, listing every violation with its fix");
        tap_ok(has_cap(c, CAP_MKNOD), "enforce changes nothing");
        bw_error_free(err);
        err = NULL;

        p.mode = BW_MODE_WARN;
        tap_ok(bw_policy_apply(c, &p, &err) == 0 && has_cap(c, CAP_MKNOD), "warn allows and changes nothing");
        p.mode = BW_MODE_OFF;
        tap_ok(bw_policy_apply(c, &p, &err) == 0, "off allows");
        p.mode = BW_MODE_HARDEN;
        tap_ok(bw_policy_apply(c, &p, &err) == 0 && !has_cap(c, CAP_MKNOD) && c->process->no_new_privileges,
               "harden rewrites and allows");
        oci_config_free(c);

        c = config_with("{\"mounts\": [{\"destination\": \"/var/run/docker.sock\", \"type\": \"bind\","
                        " \"source\": \"/var/run/docker.sock\", \"options\": [\"rbind\", \"rw\"]}]}");
        r = bw_policy_apply(c, &p, &err);
        tap_ok(r == -EPERM && err && strstr(err->msg, "BW070 [critical] Container engine socket mounted") &&
               strstr(err->msg, "/var/run/docker.sock mounted at /var/run/docker.sock"),
               "harden refuses a writable docker.sock with a message the docker user sees");
        oci_config_free(c);
}

/* BW074: identity mapping comes from the policy file only, and is reported. */
static void identity_volumes(void)
{
        struct bw_policy p;
        char *msg;
        int r = parse("{\"identityMappedVolumes\": [\"/srv/trusted\"]}", &p, &msg);
        tap_ok(r == 0 && p.identity_volumes && bw_strv_len(p.identity_volumes) == 1, "identityMappedVolumes parses%s%s",
               msg ? ": " : "", msg ? msg : "");
        free(msg);
        tap_ok(bw_policy_identity_mapped(&p, "/srv/trusted") && bw_policy_identity_mapped(&p, "/srv/trusted/a") &&
               !bw_policy_identity_mapped(&p, "/srv/trustedx") && !bw_policy_identity_mapped(&p, "/srv"),
               "a listed directory and what is below it, by whole components");
        struct oci_config *c = config_with(
                "{\"mounts\": [{\"destination\": \"/t\", \"type\": \"bind\", \"source\": \"/srv/trusted/x\", \"options\": [\"rbind\"]},"
                " {\"destination\": \"/o\", \"type\": \"bind\", \"source\": \"/srv/other\", \"options\": [\"rbind\"]},"
                " {\"destination\": \"/d\", \"type\": \"bind\", \"source\": \"/srv/trusted/../../etc\", \"options\": [\"rbind\"]}]}");
        p.profile = BW_PROFILE_RESTRICTED;
        struct bw_findings f = { 0 };
        _cleanup_error_ struct bw_error *err = NULL;
        bw_policy_evaluate(c, &p, &f, &err);
        int n074 = 0;
        bool counted = false, right = false;
        for (size_t i = 0; i < f.n; i++)
                if (strcmp(f.v[i].rule->id, "BW074") == 0) {
                        n074++;
                        counted |= f.v[i].violation;
                        right = strstr(f.v[i].detail, "/srv/trusted/x mounted at /t") != NULL;
                }
        tap_is_int(n074, 1, "BW074 reports the identity-mapped bind, not the other, not a .. escape");
        tap_ok(right, "naming source and destination");
        tap_ok(!counted, "it is reported, not refused (the operator asked for it)");
        bw_findings_clear(&f);
        struct bw_policy none = policy(BW_PROFILE_RESTRICTED);
        bw_policy_evaluate(c, &none, &f, &err);
        tap_ok(!bw_findings_has(&f, "BW074"), "without the policy file's list, nothing fires: a config cannot ask for it");
        bw_findings_clear(&f);
        oci_config_free(c);
        bw_policy_free(&p);
        tap_ok(parse("{\"identityMappedVolumes\": [\"srv\"]}", &p, &msg) == -EINVAL && msg &&
                       strstr(msg, "identityMappedVolumes[0]"), "a relative directory is refused: %s", msg ? msg : "");
        free(msg);
        bw_policy_free(&p);
        tap_ok(parse("{\"identityMappedVolumes\": [\"/srv/../etc\"]}", &p, &msg) == -EINVAL, "so is one with ..");
        free(msg);
        bw_policy_free(&p);
}

/* mappableSubidUsers: user names, as the first field of /etc/subuid lines. */
static void mappable_users(void)
{
        struct bw_policy p;
        char *msg;
        int r = parse("{\"mappableSubidUsers\": [\"podman-svc\", \"remap_2\"]}", &p, &msg);
        tap_ok(r == 0 && bw_strv_len(p.mappable_subid_users) == 2 && strcmp(p.mappable_subid_users[0], "podman-svc") == 0,
               "mappableSubidUsers parses%s%s", msg ? ": " : "", msg ? msg : "");
        free(msg);
        bw_policy_free(&p);
        r = parse("{\"mappableSubidUsers\": [\"a:b\"]}", &p, &msg);
        tap_ok(r == -EINVAL && msg && strstr(msg, "mappableSubidUsers[0]: expected a user name"),
               "a name with a colon is refused: %s", msg ? msg : "");
        free(msg);
        bw_policy_free(&p);
        r = parse("{\"mappableSubidUsers\": \"containers\"}", &p, &msg);
        tap_ok(r == -EINVAL && msg && strstr(msg, "mappableSubidUsers: expected a list of user names"),
               "a string instead of a list is refused: %s", msg ? msg : "");
        free(msg);
        bw_policy_free(&p);
        tap_ok(parse("{\"mappableSubidUsers\": [\"\"]}", &p, &msg) == -EINVAL, "so is an empty name");
        free(msg);
        bw_policy_free(&p);
}

int main(void)
{
        mappable_users();
        identity_volumes();
        modes();
        defaults_agree();
        profiles();
        exceptions_and_annotations();
        policy_file();
        harden();
        return tap_done();
}
