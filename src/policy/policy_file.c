/* The policy file (/etc/bulwark/policy.json, docs/policy.md) and how it
 * combines with the global flags. Unknown keys are errors here, unlike in
 * config.json: a typo in a security policy must not pass silently. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/locate.h"
#include "policy/profile.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"

void bw_policy_free(struct bw_policy *p)
{
        for (size_t i = 0; i < p->n_exceptions; i++) {
                free(p->exceptions[i].rule);
                free(p->exceptions[i].match);
                free(p->exceptions[i].reason);
        }
        free(p->exceptions);
        free(p->annotation);
        free(p->source);
        bw_strv_free(p->identity_volumes);
        bw_strv_free(p->trusted_hooks);
        bw_strv_free(p->mappable_subid_users);
        *p = (struct bw_policy){ 0 };
}

/* What an error needs to say where it is: "policy.json:4:17: ". */
struct pf {
        const char *name, *data;
        size_t len;
        struct bw_error **err;
};

__attribute__((format(printf, 3, 4)))
static int perr(const struct pf *f, const char *pointer, const char *fmt, ...)
{
        char pos[32] = "";
        long off = bw_locate_pointer(f->data, f->len, pointer);
        if (off >= 0) {
                int line, col;
                bw_locate_position(f->data, f->len, (size_t)off, &line, &col);
                snprintf(pos, sizeof(pos), ":%d:%d", line, col);
        }
        va_list ap;
        va_start(ap, fmt);
        _cleanup_free_ char *msg = NULL;
        int n = vasprintf(&msg, fmt, ap);
        va_end(ap);
        return bw_error_msg(f->err, -EINVAL, "%s%s: %s", f->name, pos, n < 0 ? "invalid policy file" : msg);
}

/* where: "exceptions[0]" for messages; ptr: "/exceptions/0" for positions. */
static int only_keys(const struct pf *f, json_t *o, const char *const *keys, const char *where, const char *ptr)
{
        const char *k;
        json_t *v;
        json_object_foreach(o, k, v) {
                bool ok = false;
                for (size_t i = 0; keys[i]; i++)
                        ok |= strcmp(k, keys[i]) == 0;
                if (!ok) {
                        char p[256];
                        snprintf(p, sizeof(p), "%s/%s", ptr, k);
                        return perr(f, p, "%s%s\"%s\": unknown key", where, where[0] ? "." : "", k);
                }
        }
        return 0;
}

static int get_string(const struct pf *f, json_t *o, const char *key, const char *where, const char *ptr,
                      const char **out)
{
        json_t *v = json_object_get(o, key);
        *out = NULL;
        if (!v)
                return 0;
        if (!json_is_string(v)) {
                char p[256];
                snprintf(p, sizeof(p), "%s/%s", ptr, key);
                return perr(f, p, "%s%s%s: expected a string", where, where[0] ? "." : "", key);
        }
        *out = json_string_value(v);
        return 0;
}

static int parse_exception(const struct pf *f, json_t *e, size_t i, struct bw_exception *out)
{
        char where[64], ptr[64], rptr[80];
        snprintf(where, sizeof(where), "exceptions[%zu]", i);
        snprintf(ptr, sizeof(ptr), "/exceptions/%zu", i);
        snprintf(rptr, sizeof(rptr), "%s/rule", ptr);
        if (!json_is_object(e))
                return perr(f, ptr, "%s: expected an object like {\"rule\": \"BW019\", \"reason\": \"...\"}", where);
        static const char *const keys[] = { "rule", "match", "reason", NULL };
        const char *rule, *match, *reason;
        int r;
        if ((r = only_keys(f, e, keys, where, ptr)) < 0 || (r = get_string(f, e, "rule", where, ptr, &rule)) < 0 ||
            (r = get_string(f, e, "match", where, ptr, &match)) < 0 ||
            (r = get_string(f, e, "reason", where, ptr, &reason)) < 0)
                return r;
        if (!rule)
                return perr(f, ptr, "%s: \"rule\" is required (a rule id such as BW019)", where);
        if (!bw_rule_find(rule))
                return perr(f, rptr, "%s.rule: unknown rule '%s'; see docs/policy.md for the ids", where, rule);
        out->rule = strdup(rule);
        out->match = match ? strdup(match) : NULL;
        out->reason = reason ? strdup(reason) : NULL;
        if (!out->rule || (match && !out->match) || (reason && !out->reason))
                return bw_error_set(f->err, -ENOMEM, "%s", f->name);
        return 0;
}

static int parse_annotation(const struct pf *f, json_t *a, struct bw_policy *p)
{
        if (!json_is_object(a))
                return perr(f, "/annotation", "annotation: expected an object like "
                            "{\"key\": \"" BW_DEFAULT_ANNOTATION "\", \"profiles\": [\"restricted\"]}");
        static const char *const keys[] = { "key", "profiles", NULL };
        const char *key;
        int r;
        if ((r = only_keys(f, a, keys, "annotation", "/annotation")) < 0 ||
            (r = get_string(f, a, "key", "annotation", "/annotation", &key)) < 0)
                return r;
        json_t *profiles = json_object_get(a, "profiles");
        if (!json_is_array(profiles) || json_array_size(profiles) == 0)
                return perr(f, profiles ? "/annotation/profiles" : "/annotation",
                            "annotation.profiles: expected a non-empty list of the profiles the annotation may choose");
        size_t i;
        json_t *v;
        json_array_foreach(profiles, i, v) {
                int prof = json_is_string(v) ? bw_profile_from_name(json_string_value(v)) : -1;
                if (prof < 0) {
                        char ptr[64];
                        snprintf(ptr, sizeof(ptr), "/annotation/profiles/%zu", i);
                        return perr(f, ptr, "annotation.profiles[%zu]: expected restricted, baseline or privileged", i);
                }
                p->annotation_profiles |= 1u << prof;
        }
        p->annotation = strdup(key ? key : BW_DEFAULT_ANNOTATION);
        return p->annotation ? 0 : bw_error_set(f->err, -ENOMEM, "%s", f->name);
}

/* "identityMappedVolumes": ["/srv/trusted", ...]: absolute directories,
 * no "." or ".." components (they are compared to resolved sources). */
static int parse_identity_volumes(const struct pf *f, json_t *a, struct bw_policy *p)
{
        if (!json_is_array(a))
                return perr(f, "/identityMappedVolumes",
                            "identityMappedVolumes: expected a list of absolute host directories");
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v) {
                const char *s = json_string_value(v);
                char ptr[64];
                snprintf(ptr, sizeof(ptr), "/identityMappedVolumes/%zu", i);
                if (!s || s[0] != '/' || strstr(s, "/./") || strstr(s, "/../") || strcmp(s, "/") == 0 ||
                    (strlen(s) >= 2 && strcmp(s + strlen(s) - 2, "/.") == 0) ||
                    (strlen(s) >= 3 && strcmp(s + strlen(s) - 3, "/..") == 0))
                        return perr(f, ptr, "identityMappedVolumes[%zu]: expected an absolute host directory other "
                                    "than / with no . or .. components", i);
                if (bw_strv_push(&p->identity_volumes, s) < 0)
                        return bw_error_set(f->err, -ENOMEM, "%s", f->name);
        }
        return 0;
}

/* "trustedHooks": ["/usr/bin/nvidia-container-runtime-hook", ...]: the
 * host executables a config's hooks may run, absolute paths. */
static int parse_trusted_hooks(const struct pf *f, json_t *a, struct bw_policy *p)
{
        if (!json_is_array(a))
                return perr(f, "/trustedHooks", "trustedHooks: expected a list of absolute paths of host executables");
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v) {
                const char *s = json_string_value(v);
                char ptr[64];
                snprintf(ptr, sizeof(ptr), "/trustedHooks/%zu", i);
                if (!s || s[0] != '/' || s[strlen(s) - 1] == '/')
                        return perr(f, ptr, "trustedHooks[%zu]: expected the absolute path of a host executable", i);
                if (bw_strv_push(&p->trusted_hooks, s) < 0)
                        return bw_error_set(f->err, -ENOMEM, "%s", f->name);
        }
        return 0;
}

/* "mappableSubidUsers": ["podman-svc", ...]: user names as the first
 * field of /etc/subuid and /etc/subgid lines (what useradd accepts). */
static int parse_mappable_users(const struct pf *f, json_t *a, struct bw_policy *p)
{
        if (!json_is_array(a))
                return perr(f, "/mappableSubidUsers", "mappableSubidUsers: expected a list of user names");
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v) {
                const char *s = json_string_value(v);
                char ptr[64];
                snprintf(ptr, sizeof(ptr), "/mappableSubidUsers/%zu", i);
                bool ok = s && s[0] && strlen(s) <= 32 && s[0] != '-';
                for (const char *q = s; ok && *q; q++)
                        ok = (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
                             *q == '_' || *q == '-' || *q == '.' || (*q == '$' && !q[1]);
                if (!ok)
                        return perr(f, ptr, "mappableSubidUsers[%zu]: expected a user name (letters, digits, _ - ., "
                                    "at most 32 characters)", i);
                if (bw_strv_push(&p->mappable_subid_users, s) < 0)
                        return bw_error_set(f->err, -ENOMEM, "%s", f->name);
        }
        return 0;
}

int bw_policy_parse(const char *data, size_t len, const char *name, struct bw_policy *p, struct bw_error **err)
{
        json_error_t je;
        _cleanup_json_ json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
        if (!root)
                return bw_error_msg(err, -EINVAL, "%s:%d:%d: %s", name, je.line, je.column, je.text);
        const struct pf f = { name, data, len, err };
        if (!json_is_object(root))
                return perr(&f, "", "expected a JSON object");
        static const char *const keys[] = { "profile", "mode", "exceptions", "annotation", "identityMappedVolumes",
                                            "trustedHooks", "mappableSubidUsers", "$comment", NULL };
        const char *profile, *mode;
        int r;
        if ((r = only_keys(&f, root, keys, "", "")) < 0 || (r = get_string(&f, root, "profile", "", "", &profile)) < 0 ||
            (r = get_string(&f, root, "mode", "", "", &mode)) < 0)
                return r;
        if (profile) {
                int v = bw_profile_from_name(profile);
                if (v < 0)
                        return perr(&f, "/profile", "profile: unknown profile '%s'; use restricted, baseline or privileged",
                                    profile);
                p->profile = (enum bw_profile)v;
                free(p->source);
                if (asprintf(&p->source, "policy file %s", name) < 0)
                        p->source = NULL;
        }
        if (mode) {
                int v = bw_mode_from_name(mode);
                if (v < 0)
                        return perr(&f, "/mode", "mode: unknown mode '%s'; use enforce, harden, warn or off", mode);
                p->mode = (enum bw_mode)v;
        }
        json_t *ex = json_object_get(root, "exceptions");
        if (ex) {
                if (!json_is_array(ex))
                        return perr(&f, "/exceptions", "exceptions: expected a list");
                p->exceptions = calloc(json_array_size(ex) ? json_array_size(ex) : 1, sizeof(*p->exceptions));
                if (!p->exceptions)
                        return bw_error_set(err, -ENOMEM, "%s", name);
                size_t i;
                json_t *e;
                json_array_foreach(ex, i, e) {
                        r = parse_exception(&f, e, i, &p->exceptions[i]);
                        p->n_exceptions = i + 1; /* so bw_policy_free frees what was filled */
                        if (r < 0)
                                return r;
                }
        }
        json_t *iv = json_object_get(root, "identityMappedVolumes");
        if (iv && (r = parse_identity_volumes(&f, iv, p)) < 0)
                return r;
        json_t *th = json_object_get(root, "trustedHooks");
        if (th && (r = parse_trusted_hooks(&f, th, p)) < 0)
                return r;
        json_t *mu = json_object_get(root, "mappableSubidUsers");
        if (mu && (r = parse_mappable_users(&f, mu, p)) < 0)
                return r;
        json_t *an = json_object_get(root, "annotation");
        if (an && (r = parse_annotation(&f, an, p)) < 0)
                return r;
        return 0;
}

int bw_policy_resolve(const char *file, const char *profile, const char *mode, struct bw_policy *out,
                      struct bw_error **err)
{
        *out = (struct bw_policy){ .profile = BW_DEFAULT_PROFILE, .mode = BW_DEFAULT_MODE };
        out->source = strdup("the default");
        const char *path = file ? file : BW_POLICY_FILE;
        _cleanup_free_ char *data = NULL;
        size_t len = 0;
        int r = bw_read_file(path, BW_READ_MAX, &data, &len);
        if (r == -ENOENT && !file) {
                r = 0; /* no policy file: defaults */
        } else if (r < 0) {
                bw_policy_free(out);
                return bw_error_set(err, r, "reading policy file %s (--policy)", path);
        } else if ((r = bw_policy_parse(data, len, path, out, err)) < 0) {
                bw_policy_free(out);
                return r;
        }
        if (profile) {
                int v = bw_profile_from_name(profile);
                if (v < 0) {
                        bw_policy_free(out);
                        return bw_error_usage(err, "--profile: unknown profile '%s'; use restricted, baseline or privileged",
                                              profile);
                }
                out->profile = (enum bw_profile)v;
                free(out->source);
                out->source = strdup("--profile");
        }
        if (mode) {
                int v = bw_mode_from_name(mode);
                if (v < 0) {
                        bw_policy_free(out);
                        return bw_error_usage(err, "--policy-mode: unknown mode '%s'; use enforce, harden, warn or off", mode);
                }
                out->mode = (enum bw_mode)v;
        }
        return 0;
}
