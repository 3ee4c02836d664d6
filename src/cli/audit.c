/* bulwark audit: run the breakout rules over configurations (OCI
 * config.json files or bundles, `docker inspect` output, live Docker and
 * Podman containers, containerd's running tasks, Kubernetes manifests and
 * Compose files, read by src/input/)
 * and report. Exit: 0 clean, 1 violations at or above
 * --fail-on, 2 bad input or usage, 3 target unreachable. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/report_opts.h"
#include "input/docker.h"
#include "input/compose.h"
#include "input/containerd.h"
#include "input/engine.h"
#include "input/files.h"
#include "input/k8s.h"
#include "input/pss.h"
#include "input/yaml.h"
#include "oci/load.h"
#include "policy/profile.h"
#include "policy/report.h"
#include "runtime/policy_gate.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json_text.h"
#include "util/strv.h"


struct audit {
        struct bw_policy policy;
        struct bw_report_target *t;
        size_t n;
};

static void audit_free(struct audit *a)
{
        for (size_t i = 0; i < a->n; i++) {
                free(a->t[i].name);
                free(a->t[i].uri);
                free(a->t[i].text);
                free(a->t[i].pss_why);
                bw_findings_clear(&a->t[i].findings);
        }
        free(a->t);
        bw_policy_free(&a->policy);
}

static int bad_input(struct bw_error **err, int r)
{
        if (*err)
                (*err)->status = BW_EXIT_USAGE;
        return r;
}

/* Evaluate one loaded config into a new target (takes name, uri, text). */
static int add_target(struct audit *a, const struct oci_config *c, char *name, char *uri, char *text,
                      struct bw_error **err)
{
        struct bw_report_target *nt = realloc(a->t, (a->n + 1) * sizeof(*nt));
        if (!nt) {
                free(name), free(uri), free(text);
                return bw_error_set(err, -ENOMEM, "auditing");
        }
        a->t = nt;
        struct bw_report_target *t = &a->t[a->n++];
        *t = (struct bw_report_target){ .name = name, .uri = uri, .text = text };
        if (!name || !uri)
                return bw_error_set(err, -ENOMEM, "auditing");
        int r = bw_policy_evaluate(c, &a->policy, &t->findings, err);
        if (r < 0) /* e.g. an annotation asking for a profile the policy does not allow */
                return bad_input(err, bw_error_wrap(err, "%s", name));
        return 0;
}

/* A live engine speaking Docker's API: Docker or Podman. */
struct engine {
        const char *name;   /* "Docker", "Podman" */
        const char *scheme; /* target uris: "docker", "podman" */
        const char *sock;
        bool rootless;      /* and then, when the socket's owner is not root: */
        bool confine;
        uid_t uid;          /* the user the engine runs as */
        gid_t gid;
};

/* One docker inspect object: translate, load through the OCI loader like
 * any config.json, evaluate. A rootless engine's containers are judged
 * inside the user namespace the engine runs in. */
static int add_docker(struct audit *a, json_t *inspect, const char *where, const char *uri, const char *text,
                      const struct engine *e, struct bw_error **err)
{
        _cleanup_json_ json_t *oci = NULL;
        int r = bw_docker_to_oci(inspect, where, &oci, err);
        if (r < 0)
                return bad_input(err, r);
        if (e && e->confine && bw_engine_rootless_userns(oci, e->uid, e->gid) < 0)
                return bw_error_set(err, -ENOMEM, "%s", where);
        _cleanup_free_ char *data = bw_json_dumps(oci, JSON_INDENT(2));
        if (!data)
                return bw_error_set(err, -ENOMEM, "%s", where);
        _cleanup_free_ char *name = bw_docker_target_name(inspect);
        struct oci_config *c = NULL;
        r = oci_config_load_data(data, strlen(data), name ? name : where, &c, err);
        if (r < 0)
                return bad_input(err, bw_error_wrap(err, "%s: the config translated from docker inspect output", where));
        r = add_target(a, c, take_ptr(name), strdup(uri), text ? strdup(text) : NULL, err);
        oci_config_free(c);
        return r;
}

static int read_input(const char *path, char **data, size_t *len, struct bw_error **err)
{
        int r = strcmp(path, "-") == 0 ? bw_read_fd(STDIN_FILENO, BW_READ_MAX, data, len)
                                       : bw_read_file(path, BW_READ_MAX, data, len);
        if (r == -ENOMEM)
                return bw_error_set(err, r, "reading %s", path);
        return r < 0 ? bad_input(err, bw_error_set(err, r, "reading %s", path)) : 0;
}

/* One container of a Kubernetes manifest or Compose file: its translated
 * config judged like any other, each finding placed at the YAML field
 * behind it. */
struct manifest { struct audit *a; const char *path, *name; enum bw_input_kind kind; };

static int add_translated(void *ctx, const struct bw_input_target *k, struct bw_error **err)
{
        struct manifest *m = ctx;
        struct oci_config *c = NULL;
        int r = bw_input_load(k, m->name, &c, err);
        if (r < 0)
                return bad_input(err, r);
        r = add_target(m->a, c, strdup(k->name), strdup(m->path), NULL, err);
        oci_config_free(c);
        if (r < 0)
                return r;
        m->a->t[m->a->n - 1].input = m->kind;
        if (k->has_pss)
                m->a->t[m->a->n - 1].pss = bw_pss_name(k->pss);
        if (k->pss_why && k->pss_why[0] && !(m->a->t[m->a->n - 1].pss_why = strdup(k->pss_why)))
                return bw_error_set(err, -ENOMEM, "auditing");
        struct bw_findings *f = &m->a->t[m->a->n - 1].findings;
        for (size_t i = 0; i < f->n; i++) {
                struct bw_finding *x = &f->v[i];
                if (bw_input_locate(k, x->rule->id, x->pointer, &x->line, &x->col) || !k->defaults)
                        continue;
                char *d = NULL;
                if (asprintf(&d, "%s (not set: %s default)", x->detail, k->defaults) < 0)
                        return bw_error_set(err, -ENOMEM, "auditing");
                free(x->detail);
                x->detail = d;
        }
        return 0;
}

/* YAML (or JSON) that is not an OCI config or docker inspect output. */
static int audit_manifest(struct audit *a, const char *name, const char *path, const char *data, size_t len,
                          bool quiet_if_none, struct bw_error **err)
{
        struct bw_yaml y;
        int r = bw_yaml_parse(data, len, name, &y, err);
        if (r < 0)
                return bad_input(err, r);
        struct manifest m = { .a = a, .path = path, .name = name, .kind = BW_INPUT_K8S };
        r = bw_k8s_read(&y, name, add_translated, &m, err);
        _cleanup_free_ char *dir = strdup(path);
        char *slash = dir ? strrchr(dir, '/') : NULL;
        if (slash)
                *slash = 0;
        m.kind = BW_INPUT_COMPOSE;
        if (r >= 0)
                r = bw_compose_read(&y, slash ? dir : ".", name, add_translated, &m, err);
        bool any = false;
        for (size_t i = 0; i < y.n_docs; i++)
                any |= bw_k8s_is_object(y.docs[i]) || bw_compose_is_file(y.docs[i]);
        bw_yaml_free(&y);
        if (r < 0)
                return bad_input(err, r);
        if (!any && !quiet_if_none)
                return bad_input(err, bw_error_msg(err, -EINVAL, "%s: not a Kubernetes manifest (no apiVersion and "
                                                   "kind), a Compose file (no services), an OCI config.json or "
                                                   "docker inspect output", name));
        return 0;
}

static bool looks_like_json(const char *data, size_t len)
{
        size_t i = 0;
        while (i < len && strchr(" \t\r\n", data[i]))
                i++;
        return i < len && (data[i] == '{' || data[i] == '[');
}

static int audit_file(struct audit *a, const char *arg, bool in_dir, struct bw_error **err);

/* A directory that is not a bundle: every manifest under it. */
static int audit_dir(struct audit *a, const char *dir, struct bw_error **err)
{
        _cleanup_strv_ char **files = NULL;
        int r = bw_input_manifest_files(dir, &files, err);
        if (r < 0)
                return bad_input(err, r);
        if (!files[0])
                return bad_input(err, bw_error_msg(err, -ENOENT, "%s: no config.json and no *.yaml, *.yml or *.json "
                                                   "manifests in it", dir));
        for (size_t i = 0; files[i]; i++)
                if ((r = audit_file(a, files[i], true, err)) < 0)
                        return r;
        return 0;
}

static int audit_input(struct audit *a, const char *arg, struct bw_error **err)
{
        struct stat st;
        _cleanup_free_ char *bundle = NULL;
        if (strcmp(arg, "-") != 0 && stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
                if (asprintf(&bundle, "%s/config.json", arg) < 0)
                        return bw_error_set(err, -ENOMEM, "%s", arg);
                if (access(bundle, F_OK) != 0)
                        return audit_dir(a, arg, err);
        }
        return audit_file(a, bundle ? bundle : arg, false, err);
}

static int audit_file(struct audit *a, const char *arg, bool in_dir, struct bw_error **err)
{
        _cleanup_free_ char *path = strdup(arg);
        if (!path)
                return bw_error_set(err, -ENOMEM, "%s", arg);
        const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
        _cleanup_free_ char *data = NULL;
        size_t len = 0;
        int r = read_input(path, &data, &len, err);
        if (r < 0)
                return r;
        json_error_t je;
        _cleanup_json_ json_t *root = json_loadb(data, len, 0, &je);
        if (!root && looks_like_json(data, len))
                return bad_input(err, bw_error_msg(err, -EINVAL, "%s:%d:%d: %s", name, je.line, je.column, je.text));
        if (!root || (json_is_object(root) && json_object_get(root, "apiVersion") && json_object_get(root, "kind")))
                return audit_manifest(a, name, path, data, len, in_dir, err);
        if (bw_docker_is_inspect(root))
                return add_docker(a, root, name, path, data, NULL, err);
        if (in_dir && !json_object_get(root, "ociVersion"))
                return 0; /* some other JSON file beside the manifests */
        if (json_is_array(root)) {
                if (json_array_size(root) == 0)
                        return bad_input(err, bw_error_msg(err, -EINVAL, "%s: an empty list; expected docker inspect "
                                                           "output or an OCI config.json", name));
                size_t i;
                json_t *v;
                json_array_foreach(root, i, v) {
                        char where[512];
                        snprintf(where, sizeof(where), "%s[%zu]", name, i);
                        if (!bw_docker_is_inspect(v))
                                return bad_input(err, bw_error_msg(err, -EINVAL, "%s: expected a docker inspect "
                                                                   "object (with Id and HostConfig)", where));
                        /* Lines are only unambiguous with one container. */
                        r = add_docker(a, v, where, path, json_array_size(root) == 1 ? data : NULL, NULL, err);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        struct oci_config *c = NULL;
        r = oci_config_load_data(data, len, name, &c, err);
        if (r < 0)
                return bad_input(err, r);
        /* a namespace path on this machine may be the host's own */
        bw_policy_mark_host_namespaces(c);
        bool gathered = bw_policy_gather_host_ids(c);
        bw_policy_mark_mappable_subids(c, &a->policy);
        if (!gathered)
                bw_warn("%s: its id mappings were not checked against live containers' ranges (reading them "
                        "needs root)", name);
        r = add_target(a, c, strdup(name), strdup(path), take_ptr(data), err);
        oci_config_free(c);
        return r;
}

static int engine_failed(struct bw_error **err, int r)
{
        if (*err)
                (*err)->status = BW_EXIT_UNREACHABLE;
        return r;
}

static int audit_engine_id(struct audit *a, const struct engine *e, const char *id, struct bw_error **err)
{
        _cleanup_free_ char *api = NULL, *body = NULL, *uri = NULL;
        if (asprintf(&api, "/containers/%s/json", id) < 0 || asprintf(&uri, "%s://%s", e->scheme, id) < 0)
                return bw_error_set(err, -ENOMEM, "%s", id);
        size_t len = 0;
        int r = bw_docker_get(e->sock, api, &body, &len, err);
        if (r < 0)
                return r == -ENOENT ? bad_input(err, r) : r;
        json_error_t je;
        _cleanup_json_ json_t *root = json_loadb(body, len, 0, &je);
        if (!root)
                return engine_failed(err, bw_error_msg(err, -EPROTO, "%s engine at %s: GET %s: %d:%d: %s", e->name,
                                                       e->sock, api, je.line, je.column, je.text));
        return add_docker(a, root, uri, uri, NULL, e, err);
}

static int engine_get_json(const struct engine *e, const char *api, json_t **out, struct bw_error **err)
{
        _cleanup_free_ char *body = NULL;
        size_t len = 0;
        int r = bw_docker_get(e->sock, api, &body, &len, err);
        if (r < 0)
                return r;
        *out = json_loadb(body, len, 0, NULL);
        if (!*out)
                return engine_failed(err, bw_error_msg(err, -EPROTO, "%s engine at %s: GET %s: not JSON", e->name,
                                                       e->sock, api));
        return 0;
}

/* Does the engine run rootless? Docker and Podman say so in /info
 * (SecurityOptions name=rootless); Podman's own /libpod/info says it in
 * host.security.rootless. The socket's owner is the user it runs as. */
static int engine_rootless(struct engine *e, bool podman, struct bw_error **err)
{
        _cleanup_json_ json_t *info = NULL;
        struct bw_error *e404 = NULL;
        int r = engine_get_json(e, "/info", &info, &e404);
        if (r == -ENOENT) { /* an API without /info says nothing of rootless */
                bw_error_free(e404);
                return 0;
        }
        if (r < 0) {
                *err = e404;
                return r;
        }
        e->rootless = bw_engine_info_rootless(info);
        if (!e->rootless && podman) {
                _cleanup_json_ json_t *lp = NULL;
                struct bw_error *ignored = NULL;
                if (engine_get_json(e, "/v4.0.0/libpod/info", &lp, &ignored) == 0)
                        e->rootless = bw_engine_info_rootless(lp);
                bw_error_free(ignored);
        }
        if (!e->rootless)
                return 0;
        struct stat st;
        if (stat(e->sock, &st) == 0 && st.st_uid != 0) {
                e->confine = true;
                e->uid = st.st_uid;
                e->gid = st.st_gid;
                bw_warn("%s engine at %s runs rootless, as uid %u: its containers' root is uid %u on the host, "
                        "never host root, so they are judged inside that user namespace (no BW040, BW042); what "
                        "a container can still reach is what uid %u can", e->name, e->sock, (unsigned)e->uid,
                        (unsigned)e->uid, (unsigned)e->uid);
        } else {
                bw_warn("%s engine at %s says it runs rootless, but its socket is owned by root; its containers "
                        "are judged as a rootful engine's", e->name, e->sock);
        }
        return 0;
}

/* Every running container of a live engine, or the ids given. */
static int audit_engine(struct audit *a, struct engine *e, bool podman, char **ids, int n, struct bw_error **err)
{
        int r = engine_rootless(e, podman, err);
        if (r < 0)
                return podman ? bw_error_wrap(err, "Podman's API (start it: systemctl start podman.socket, or "
                                              "podman system service --time=0)") : r;
        if (n > 0) {
                for (int i = 0; i < n; i++)
                        if ((r = audit_engine_id(a, e, ids[i], err)) < 0)
                                return r;
                return 0;
        }
        _cleanup_json_ json_t *list = NULL;
        if ((r = engine_get_json(e, "/containers/json", &list, err)) < 0)
                return r;
        if (!json_is_array(list))
                return engine_failed(err, bw_error_msg(err, -EPROTO, "%s engine at %s: GET /containers/json: "
                                                       "expected a list", e->name, e->sock));
        size_t i;
        json_t *v;
        json_array_foreach(list, i, v) {
                const char *id = json_string_value(json_object_get(v, "Id"));
                if (id && (r = audit_engine_id(a, e, id, err)) < 0)
                        return r;
        }
        return 0;
}

static int audit_docker(struct audit *a, char **ids, int n, struct bw_error **err)
{
        struct engine e = { .name = "Docker", .scheme = "docker" };
        int r = bw_docker_socket(&e.sock, err);
        if (r < 0)
                return r;
        return audit_engine(a, &e, false, ids, n, err);
}

/* --podman [SOCKET] [ID...]: a first argument that is a path or unix://
 * URL names the socket. */
static int audit_podman(struct audit *a, char **args, int n, struct bw_error **err)
{
        const char *arg = NULL;
        if (n > 0 && (args[0][0] == '/' || strncmp(args[0], "unix://", 7) == 0)) {
                arg = args[0];
                args++, n--;
        }
        _cleanup_free_ char *sock = NULL;
        int r = bw_podman_socket(arg, getenv("CONTAINER_HOST"), geteuid(), getenv("XDG_RUNTIME_DIR"), &sock, err);
        if (r < 0)
                return r;
        struct engine e = { .name = "Podman", .scheme = "podman", .sock = sock };
        return audit_engine(a, &e, true, args, n, err);
}

/* --containerd [NAMESPACE...]: the config.json of every running task's
 * bundle, judged as any config.json on this machine. */
static int audit_containerd(struct audit *a, const char *state, char **nss, int n, struct bw_error **err)
{
        for (int i = 0; i < (n > 0 ? n : 1); i++) {
                struct bw_containerd_tasks ts;
                int r = bw_containerd_tasks(state, n > 0 ? nss[i] : NULL, &ts, err);
                if (r < 0) { /* a bad namespace name is usage; no containerd, unreachable */
                        if (*err && (*err)->status != BW_EXIT_USAGE)
                                (*err)->status = BW_EXIT_UNREACHABLE;
                        return r;
                }
                for (size_t k = 0; r >= 0 && k < ts.n; k++) {
                        struct bw_containerd_task *t = &ts.t[k];
                        struct oci_config *c = NULL;
                        r = oci_config_load_data(t->data, t->len, t->name, &c, err);
                        if (r < 0) {
                                r = bad_input(err, bw_error_wrap(err, "%s", t->path));
                                break;
                        }
                        /* its namespace paths and id maps are live on this machine */
                        bw_policy_mark_host_namespaces(c);
                        bw_policy_gather_host_ids(c);
                        bw_policy_mark_mappable_subids(c, &a->policy);
                        r = add_target(a, c, take_ptr(t->name), take_ptr(t->path), take_ptr(t->data), err);
                        oci_config_free(c);
                }
                bw_containerd_tasks_free(&ts);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int emit(struct audit *a, enum bw_report_format fmt, struct bw_error **err)
{
        if (fmt == BW_REPORT_TEXT) {
                bool color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
                return bw_report_text(stdout, a->t, a->n, color) < 0 ? bw_error_set(err, -EIO, "writing the report") : 0;
        }
        if (fmt == BW_REPORT_JUNIT)
                return bw_report_junit(stdout, a->t, a->n) < 0 ? bw_error_set(err, -EIO, "writing the report") : 0;
        _cleanup_json_ json_t *j = fmt == BW_REPORT_JSON ? bw_report_json(a->t, a->n) : bw_report_sarif(a->t, a->n);
        if (!j || json_dumpf(j, stdout, JSON_INDENT(2)) < 0)
                return bw_error_set(err, -EIO, "writing the report");
        fputc('\n', stdout);
        return 0;
}

/* Pods' containers and Compose services fail on the Pod Security Standards
 * level with --pss;
 * every other target (and every target without --pss) on the profile. */
static bool fails(const struct audit *a, enum bw_severity sev, int pss)
{
        for (size_t i = 0; i < a->n; i++) {
                const struct bw_report_target *t = &a->t[i];
                if (pss >= 0 && t->pss ? bw_pss_from_name(t->pss) < pss : bw_report_fails(t, 1, sev))
                        return true;
        }
        return false;
}

BW_COMMAND(audit)
{
        static const struct option opts[] = {
                BW_REPORT_OPTIONS,
                { "docker", no_argument, NULL, 'd' },
                { "podman", no_argument, NULL, 'P' },
                { "containerd", no_argument, NULL, 'C' },
                { "containerd-state", required_argument, NULL, 's' },
                { "pss", required_argument, NULL, 'S' },
                {},
        };
        struct bw_report_opts ro = { .format = BW_REPORT_TEXT, .profile = g->profile, .fail_on = BW_SEV_HIGH };
        bool docker = false, podman = false, containerd = false;
        const char *state = BW_CONTAINERD_STATE;
        int pss = -1;
        int c;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                int taken = bw_report_option(c, optarg, "audit", &ro, err);
                if (taken < 0)
                        return taken;
                if (taken)
                        continue;
                switch (c) {
                case 'd': docker = true; break;
                case 'P': podman = true; break;
                case 'C': containerd = true; break;
                case 's': state = optarg; containerd = true; break;
                case 'S':
                        if ((pss = bw_pss_from_name(optarg)) < 0)
                                return bw_error_usage(err, "audit --pss: unknown level '%s'; use privileged, baseline "
                                                      "or restricted", optarg);
                        break;
                default: return bw_error_bad_option(err, bw_command_find("audit"), argc, argv);
                }
        }
        if (docker + podman + containerd > 1)
                return bw_error_usage(err, "audit: --docker, --podman and --containerd read one engine each; "
                                      "give one");
        bool live = docker || podman || containerd;
        if (!live && optind >= argc)
                return bw_error_usage(err, "audit: nothing to audit; give config.json files, bundle directories, "
                                      "docker inspect output, Kubernetes manifests, Compose files or directories of "
                                      "them, - for stdin, or --docker, --podman or --containerd");
        struct audit a = { 0 };
        int r = bw_policy_resolve(g->policy_file, ro.profile, g->policy_mode, &a.policy, err);
        if (r < 0)
                return r;
        if (docker)
                r = audit_docker(&a, argv + optind, argc - optind, err);
        else if (podman)
                r = audit_podman(&a, argv + optind, argc - optind, err);
        else if (containerd)
                r = audit_containerd(&a, state, argv + optind, argc - optind, err);
        for (int i = optind; r >= 0 && !live && i < argc; i++)
                r = audit_input(&a, argv[i], err);
        if (r >= 0)
                r = emit(&a, ro.format, err);
        if (r >= 0)
                r = fails(&a, (enum bw_severity)ro.fail_on, pss) ? 1 : 0;
        audit_free(&a);
        return r;
}
