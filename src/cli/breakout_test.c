/* bulwark breakout-test: run `check --attack` inside real containers under
 * each runtime, profile and config asked for, and print the matrix
 * (technique x run: blocked / escaped / skipped, a verdict per run:
 * refused / contained / escaped). No image is needed: the rootfs is the
 * bulwark binary alone, plus a fixture folder owned by an unused host uid
 * for the DAC and chown probes. The configs come from one data file
 * (share/breakout-configs.json) that grows with every hole found. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "policy/rules.h"
#include "util/cleanup.h"
#include "util/strv.h"

#ifndef BW_DATADIR
#define BW_DATADIR "/usr/local/share/bulwark"
#endif
#define CONFIGS_NAME "breakout-configs.json"
#define FIXTURE_UID 1999999999u   /* far above subordinate ranges and users */
#define RUN_TIMEOUT 120

struct run {
        char *runtime;     /* path */
        const char *label; /* "bulwark", "runc" */
        const char *profile; /* bulwark only, or NULL */
        json_t *config;    /* the data file's entry (borrowed) */
        char verdict[16];  /* refused, contained, escaped, error */
        char reason[512];
        json_t *attacks;   /* from check's JSON, or NULL */
        json_t *rules;     /* rule ids check found */
        int counts[3];
        bool via_engine;   /* runtime is a name registered in a Docker daemon */
};

/* A run where a refusal may be bulwark's policy (named in the error). */
static bool bulwark_run(const struct run *r)
{
        return r->profile || r->via_engine;
}

struct bt {
        char *dir, *rootfs, *fixture, *engine_dir, *self;
        int engine_fd;
        struct run *runs;
        size_t n;
        const char *policy_mode;
        /* --engine docker: the docker client, and the image made of rootfs */
        char *docker, *image;
};

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *f)
{
        (void)st, (void)flag, (void)f;
        remove(p);
        return 0;
}

static int write_text(const char *path, const char *text, mode_t mode)
{
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        if (fd < 0 || write(fd, text, strlen(text)) < 0)
                return -errno;
        return 0;
}

/* The rootfs: the binary and the folders runtimes mount on; the fixture
 * folder with a chmod-600 file, both owned by an uid nobody uses; a
 * folder holding a listening docker.sock (a fake engine). */
static int prepare(struct bt *b, struct bw_error **err)
{
        char tmpl[] = "/tmp/bulwark-breakout.XXXXXX";
        if (!mkdtemp(tmpl))
                return bw_error_set(err, -errno, "creating a work folder under /tmp");
        chmod(tmpl, 0755); /* the containers' mapped ids must reach the rootfs */
        b->dir = strdup(tmpl);
        if (!b->dir || asprintf(&b->rootfs, "%s/rootfs", b->dir) < 0 || asprintf(&b->fixture, "%s/fixture", b->dir) < 0 ||
            asprintf(&b->engine_dir, "%s/engine", b->dir) < 0)
                return bw_error_set(err, -ENOMEM, "breakout-test");
        static const char *const dirs[] = { "", "/proc", "/sys", "/dev", "/tmp", "/etc" };
        for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
                char p[4096];
                snprintf(p, sizeof(p), "%s%s", b->rootfs, dirs[i]);
                if (mkdir(p, 0755) < 0)
                        return bw_error_set(err, -errno, "creating %s", p);
        }
        char p[4096];
        snprintf(p, sizeof(p), "%s/etc/passwd", b->rootfs);
        write_text(p, "root:x:0:0:root:/:/bulwark\n", 0644);
        /* the binary itself: a copy, so no container reaches the host's */
        snprintf(p, sizeof(p), "%s/bulwark", b->rootfs);
        _cleanup_close_ int in = open(b->self, O_RDONLY | O_CLOEXEC);
        _cleanup_close_ int out = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
        if (in < 0 || out < 0)
                return bw_error_set(err, -errno, "copying %s into %s", b->self, p);
        char buf[65536];
        for (ssize_t r; (r = read(in, buf, sizeof(buf))) != 0;)
                if (r < 0 || write(out, buf, (size_t)r) != r)
                        return bw_error_set(err, -errno, "copying %s into %s", b->self, p);
        if (mkdir(b->fixture, 0755) < 0)
                return bw_error_set(err, -errno, "creating %s", b->fixture);
        snprintf(p, sizeof(p), "%s/secret", b->fixture);
        int r = write_text(p, "a file only its owner may read\n", 0600);
        if (r < 0 || chown(p, FIXTURE_UID, FIXTURE_UID) < 0 || chown(b->fixture, FIXTURE_UID, FIXTURE_UID) < 0)
                return bw_error_set(err, r < 0 ? r : -errno, "preparing the fixture %s (breakout-test runs as root)", p);
        if (mkdir(b->engine_dir, 0755) < 0)
                return bw_error_set(err, -errno, "creating %s", b->engine_dir);
        struct sockaddr_un a = { .sun_family = AF_UNIX };
        snprintf(a.sun_path, sizeof(a.sun_path), "%s/docker.sock", b->engine_dir);
        b->engine_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (b->engine_fd < 0 || bind(b->engine_fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(b->engine_fd, 64) < 0)
                return bw_error_set(err, -errno, "listening on %s", a.sun_path);
        chmod(a.sun_path, 0660); /* as dockerd leaves its socket: root and the docker group */
        /* links for the configs that reach host paths another way: the
         * host's /etc, and the socket under a name no list knows */
        char l[4200];
        snprintf(l, sizeof(l), "%s/etc-link", b->dir);
        if (symlink("/etc", l) < 0)
                return bw_error_set(err, -errno, "creating the link %s", l);
        snprintf(l, sizeof(l), "%s/app.sock", b->dir);
        if (symlink(a.sun_path, l) < 0)
                return bw_error_set(err, -errno, "creating the link %s", l);
        return 0;
}

/* Run argv with stdout and stderr into files; its exit status, or -1 on
 * timeout (then it is killed). */
static int spawn(char *const argv[], const char *cwd, const char *out, const char *errf)
{
        pid_t pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                setpgid(0, 0);
                int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644), e = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0644);
                int nul = open("/dev/null", O_RDONLY);
                if (o < 0 || e < 0 || nul < 0 || (cwd && chdir(cwd) < 0))
                        _exit(127);
                dup2(nul, 0), dup2(o, 1), dup2(e, 2);
                execv(argv[0], argv);
                _exit(127);
        }
        time_t end = time(NULL) + RUN_TIMEOUT;
        int st;
        for (;;) {
                pid_t w = waitpid(pid, &st, WNOHANG);
                if (w == pid)
                        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
                if (w < 0 && errno != EINTR)
                        return -errno;
                if (time(NULL) > end) {
                        kill(-pid, SIGKILL);
                        waitpid(pid, &st, 0);
                        return -ETIMEDOUT;
                }
                nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
        }
}

static json_t *load_file(const char *path)
{
        return json_load_file(path, 0, NULL);
}

/* The base config: the runtime's own `spec`, or runc's/crun's for all. */
static json_t *base_config(const struct bt *b, const char *runtime, const char *base, const char *dir)
{
        const char *tool = runtime;
        static const char *const oci[] = { "/usr/sbin/runc", "/usr/bin/runc", "/usr/bin/crun", "/usr/sbin/crun", NULL };
        if (strcmp(base, "oci") == 0) {
                tool = NULL;
                for (size_t i = 0; oci[i] && !tool; i++)
                        if (access(oci[i], X_OK) == 0)
                                tool = oci[i];
                if (!tool)
                        tool = b->self;
        }
        char cfg[4096], o[4096], e[4096];
        snprintf(cfg, sizeof(cfg), "%s/config.json", dir);
        snprintf(o, sizeof(o), "%s/spec.out", dir);
        snprintf(e, sizeof(e), "%s/spec.err", dir);
        unlink(cfg);
        char *argv[] = { (char *)tool, (char *)"spec", NULL };
        if (spawn(argv, dir, o, e) != 0)
                return NULL;
        json_t *j = load_file(cfg);
        unlink(cfg);
        return j;
}

static void set_caps(json_t *cfg, json_t *caps)
{
        json_t *list = json_array();
        if (json_is_string(caps)) { /* "all": every capability this process holds, so runtimes can grant it */
                uint64_t bnd = 0;
                _cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
                char line[256];
                while (f && fgets(line, sizeof(line), f))
                        if (strncmp(line, "CapBnd:", 7) == 0)
                                bnd = strtoull(line + 7, NULL, 16);
                for (int c = 0; c <= OCI_CAP_LAST; c++)
                        if (oci_cap_name(c) && (bnd & (1ULL << c)))
                                json_array_append_new(list, json_string(oci_cap_name(c)));
        } else {
                size_t i;
                json_t *v;
                json_array_foreach(caps, i, v) {
                        char name[64];
                        snprintf(name, sizeof(name), "CAP_%s", json_string_value(v) ? json_string_value(v) : "");
                        json_array_append_new(list, json_string(name));
                }
        }
        json_t *k = json_object();
        static const char *const sets[] = { "bounding", "effective", "permitted", "inheritable", "ambient" };
        for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
                json_object_set_new(k, sets[i], json_deep_copy(list));
        json_decref(list);
        json_object_set_new(json_object_get(cfg, "process"), "capabilities", k);
}

/* "{fixture}", "{engine_dir}", "{etc_link}" (a symlink to /etc) and
 * "{socket_link}" (a symlink named app.sock to the listening docker.sock)
 * in a mount source. */
static json_t *expand(const struct bt *b, json_t *m)
{
        json_t *c = json_deep_copy(m);
        const char *src = json_string_value(json_object_get(c, "source"));
        char *p = NULL;
        if (!src)
                return c;
        if (strcmp(src, "{fixture}") == 0)
                p = strdup(b->fixture);
        else if (strcmp(src, "{engine_dir}") == 0)
                p = strdup(b->engine_dir);
        else if (strcmp(src, "{etc_link}") == 0 && asprintf(&p, "%s/etc-link", b->dir) < 0)
                p = NULL;
        else if (strcmp(src, "{socket_link}") == 0 && asprintf(&p, "%s/app.sock", b->dir) < 0)
                p = NULL;
        if (p)
                json_object_set_new(c, "source", json_string(p));
        free(p);
        return c;
}

/* The config one run uses: base, the entry's changes, then what the
 * harness needs (the check process, the rootfs, the fixture). */
static json_t *make_config(const struct bt *b, const struct run *r, const char *dir)
{
        const char *base = json_string_value(json_object_get(r->config, "base"));
        json_t *cfg = base_config(b, r->runtime, base ? base : "oci", dir);
        if (!cfg)
                return NULL;
        json_t *patch = json_object_get(r->config, "patch");
        if (json_is_object(patch))
                json_object_update_recursive(cfg, patch);
        json_t *caps = json_object_get(r->config, "capabilities");
        if (caps)
                set_caps(cfg, caps);
        const char *sc = json_string_value(json_object_get(r->config, "seccomp"));
        json_t *linux_ = json_object_get(cfg, "linux");
        if (sc && strcmp(sc, "none") == 0) {
                json_object_del(linux_, "seccomp");
        } else if (sc && strcmp(sc, "bulwark") == 0) {
                _cleanup_json_ json_t *own = base_config(b, b->self, "spec", dir);
                json_t *s = own ? json_object_get(json_object_get(own, "linux"), "seccomp") : NULL;
                if (s)
                        json_object_set(linux_, "seccomp", s);
        }
        json_t *mounts = json_object_get(cfg, "mounts");
        size_t i;
        json_t *m;
        /* rules appended to whatever filter the config has */
        json_t *sys = json_object_get(json_object_get(linux_, "seccomp"), "syscalls");
        json_array_foreach(json_object_get(r->config, "seccomp_add"), i, m)
                if (json_is_array(sys))
                        json_array_append(sys, m);
        /* "{host}" as a namespace path: this process's own (the host's) */
        json_array_foreach(json_object_get(linux_, "namespaces"), i, m) {
                static const char *const kinds[][2] = { { "pid", "pid" }, { "network", "net" }, { "ipc", "ipc" },
                                                        { "uts", "uts" },  { "mount", "mnt" },  { "cgroup", "cgroup" },
                                                        { "user", "user" } };
                const char *type = json_string_value(json_object_get(m, "type")) ?: "";
                if (strcmp(json_string_value(json_object_get(m, "path")) ?: "", "{host}") != 0)
                        continue;
                for (size_t k = 0; k < ARRAY_SIZE(kinds); k++)
                        if (strcmp(kinds[k][0], type) == 0) {
                                char path[64];
                                snprintf(path, sizeof(path), "/proc/%d/ns/%s", getpid(), kinds[k][1]);
                                json_object_set_new(m, "path", json_string(path));
                        }
        }
        if (json_is_true(json_object_get(r->config, "mounts_rw")))
                json_array_foreach(mounts, i, m) {
                        json_t *opts = json_object_get(m, "options");
                        for (size_t k = json_array_size(opts); k-- > 0;)
                                if (strcmp(json_string_value(json_array_get(opts, k)) ?: "", "ro") == 0)
                                        json_array_remove(opts, k);
                }
        json_array_foreach(json_object_get(r->config, "mounts_add"), i, m)
                json_array_append_new(mounts, expand(b, m));
        json_array_append_new(mounts, json_pack("{s:s, s:s, s:s, s:[s, s]}", "destination", "/bulwark-fixture", "type",
                                                "bind", "source", b->fixture, "options", "rbind", "rw"));
        json_t *proc = json_object_get(cfg, "process");
        json_object_set_new(proc, "terminal", json_false());
        json_object_set_new(proc, "args", json_pack("[s, s, s, s, s]", "/bulwark", "check", "--attack", "--format", "json"));
        json_object_set_new(proc, "cwd", json_string("/"));
        json_object_set_new(cfg, "root", json_pack("{s:s, s:b}", "path", "rootfs", "readonly", 1));
        json_object_set_new(cfg, "hostname", json_string("breakout-test"));
        return cfg;
}

static void first_line(const char *path, char *out, size_t n)
{
        out[0] = 0;
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char line[1024];
        /* the last non-empty line: runtimes put the reason last */
        while (f && fgets(line, sizeof(line), f))
                if (line[strspn(line, " \t\n")])
                        snprintf(out, n, "%.*s", (int)strcspn(line, "\n"), line);
}

/* Each run's bundle holds its own rootfs, made of hard links to the one
 * prepared: bulwark refuses a rootfs outside its bundle that no engine made
 * (BW073), as a directory rootfs elsewhere could be any host tree. */
static int rootfs_in(const struct bt *b, const char *dir)
{
        static const char *const dirs[] = { "", "/proc", "/sys", "/dev", "/tmp", "/etc" };
        static const char *const files[] = { "/etc/passwd", "/bulwark" };
        char p[4200], q[4200];
        for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
                snprintf(p, sizeof(p), "%s/rootfs%s", dir, dirs[i]);
                if (mkdir(p, 0755) < 0)
                        return -errno;
        }
        for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
                snprintf(p, sizeof(p), "%s%s", b->rootfs, files[i]);
                snprintf(q, sizeof(q), "%s/rootfs%s", dir, files[i]);
                if (link(p, q) < 0)
                        return -errno;
        }
        return 0;
}

/* What a run's output says: the battery's report, or the runtime's refusal
 * (bulwark's policy names its rule ids), or a failure. st is the exit status
 * of the step that wrote errp. */
static void judge(struct run *r, const char *out, const char *errp, int st)
{
        _cleanup_json_ json_t *j = load_file(out);
        r->attacks = json_incref(json_object_get(j, "attacks"));
        if (!json_is_array(r->attacks)) {
                first_line(errp, r->reason, sizeof(r->reason));
                /* bulwark's policy refusing is the answer; anything else is a runtime that failed */
                bool policy = bulwark_run(r) && strstr(r->reason, "policy");
                _cleanup_free_ char *all = NULL;
                _cleanup_fclose_ FILE *ef = fopen(errp, "re");
                size_t cap = 0;
                if (bulwark_run(r) && ef && getdelim(&all, &cap, 0, ef) > 0 && strstr(all, "refused by bulwark's policy")) {
                        /* the rule ids it names */
                        policy = true;
                        char ids[512] = "refused by the policy:";
                        int shown = 0, more = 0;
                        for (const char *p = all; (p = strstr(p, "BW")); p += 2)
                                if (p[2] >= '0' && p[2] <= '9' && p[3] >= '0' && p[3] <= '9' && p[4] >= '0' &&
                                    p[4] <= '9' && !memmem(ids, strlen(ids), p, 5)) {
                                        if (shown++ < 6)
                                                snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), " %.5s", p);
                                        else
                                                more++;
                                }
                        snprintf(r->reason, sizeof(r->reason), "%s%s", ids, more ? " ..." : "");
                }
                snprintf(r->verdict, sizeof(r->verdict), "%s", policy ? "refused" : "failed");
                if (!r->reason[0])
                        snprintf(r->reason, sizeof(r->reason), "exit status %d, no report", st);
                return;
        }
        r->rules = json_array();
        size_t i;
        json_t *f;
        json_array_foreach(json_object_get(json_array_get(json_object_get(j, "targets"), 0), "findings"), i, f)
                json_array_append(r->rules, json_object_get(f, "rule"));
        json_array_foreach(r->attacks, i, f) {
                const char *res = json_string_value(json_object_get(f, "result")) ?: "";
                r->counts[strcmp(res, "blocked") == 0 ? 0 : strcmp(res, "escaped") == 0 ? 1 : 2]++;
        }
        /* a config-level escape: what the entry names, observed inside */
        char seen[256] = "";
        json_t *want;
        json_array_foreach(json_object_get(r->config, "escape_if"), i, want) {
                size_t k;
                json_t *got;
                json_array_foreach(r->rules, k, got)
                        if (json_equal(got, want) && !strstr(seen, json_string_value(want))) {
                                snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "%s%s", seen[0] ? ", " : "",
                                         json_string_value(want));
                                break;
                        }
        }
        bool escaped = r->counts[1] > 0 || seen[0];
        snprintf(r->verdict, sizeof(r->verdict), "%s", escaped ? "escaped" : "contained");
        if (seen[0])
                snprintf(r->reason, sizeof(r->reason), "observed inside: %s", seen);
}


/* The global options a run passes to its runtime before the command. */
static int runtime_argv(const struct bt *b, const struct run *r, const char *state, char **argv, char *prof, char *mode)
{
        int a = 0;
        argv[a++] = r->runtime;
        argv[a++] = (char *)"--root";
        argv[a++] = (char *)state;
        if (r->profile) {
                snprintf(prof, 64, "--profile=%s", r->profile);
                argv[a++] = prof;
                if (b->policy_mode) {
                        snprintf(mode, 64, "--policy-mode=%s", b->policy_mode);
                        argv[a++] = mode;
                }
        }
        return a;
}

/* A door after create: an exec asking for more than create allowed (the
 * entry's "exec": capabilities and a patch over the config's process), or an
 * update widening the limits (the entry's "update": a resources object)
 * followed by an exec of the battery. Returns the exit status of the last
 * step; out gets the battery's report. */
static int door(const struct bt *b, const struct run *r, const char *dir, const char *state, const char *id,
                json_t *cfg, const char *out, const char *errp)
{
        const char *kind = json_string_value(json_object_get(r->config, "door"));
        char *argv[24], prof[64], mode[64], file[4200], sink[4200];
        snprintf(sink, sizeof(sink), "%s/door.out", dir);
        int a = runtime_argv(b, r, state, argv, prof, mode);
        if (strcmp(kind, "update") == 0) {
                snprintf(file, sizeof(file), "%s/resources.json", dir);
                if (json_dump_file(json_object_get(r->config, "update"), file, 0) < 0)
                        return -EIO;
                int u = a;
                argv[u++] = (char *)"update";
                argv[u++] = (char *)"--resources";
                argv[u++] = file;
                argv[u++] = (char *)id;
                argv[u] = NULL;
                int st = spawn(argv, dir, sink, errp);
                if (st != 0)
                        return st;
        }
        /* the battery as a process of its own */
        _cleanup_json_ json_t *wrap = json_pack("{s:O}", "process", json_object_get(cfg, "process"));
        json_t *ex = json_object_get(r->config, "exec");
        if (strcmp(kind, "exec") == 0 && json_is_object(ex)) {
                json_t *copy = json_deep_copy(json_object_get(wrap, "process"));
                json_object_set_new(wrap, "process", copy);
                json_t *patch = json_object_get(ex, "patch");
                if (json_is_object(patch))
                        json_object_update_recursive(copy, patch);
                if (json_object_get(ex, "capabilities"))
                        set_caps(wrap, json_object_get(ex, "capabilities"));
        }
        snprintf(file, sizeof(file), "%s/process.json", dir);
        if (json_dump_file(json_object_get(wrap, "process"), file, 0) < 0)
                return -EIO;
        argv[a++] = (char *)"exec";
        argv[a++] = (char *)"--process";
        argv[a++] = file;
        argv[a++] = (char *)id;
        argv[a] = NULL;
        return spawn(argv, dir, out, errp);
}

static void do_run(struct bt *b, struct run *r, size_t idx)
{
        char dir[4096], state[4200], cfgp[4200], out[4200], errp[4200], id[64];
        snprintf(dir, sizeof(dir), "%s/run-%zu", b->dir, idx);
        snprintf(state, sizeof(state), "%s/state", dir);
        snprintf(cfgp, sizeof(cfgp), "%s/config.json", dir);
        snprintf(out, sizeof(out), "%s/out.json", dir);
        snprintf(errp, sizeof(errp), "%s/err.txt", dir);
        snprintf(id, sizeof(id), "bw-breakout-%d-%zu", getpid(), idx);
        mkdir(dir, 0755);
        mkdir(state, 0700);
        if (rootfs_in(b, dir) < 0) {
                snprintf(r->verdict, sizeof(r->verdict), "error");
                snprintf(r->reason, sizeof(r->reason), "could not make the run's rootfs in %.300s: %s", dir, strerror(errno));
                return;
        }
        _cleanup_json_ json_t *cfg = make_config(b, r, dir);
        if (!cfg || json_dump_file(cfg, cfgp, JSON_INDENT(2)) < 0) {
                snprintf(r->verdict, sizeof(r->verdict), "error");
                snprintf(r->reason, sizeof(r->reason), "could not make the config (does %s spec work?)", r->runtime);
                return;
        }
        bool has_door = json_string_value(json_object_get(r->config, "door")) != NULL;
        char *argv[16], prof[64], mode[64], cout[4200];
        int a = runtime_argv(b, r, state, argv, prof, mode);
        argv[a++] = (char *)(has_door ? "create" : "run");
        argv[a++] = (char *)"--bundle";
        argv[a++] = dir;
        argv[a++] = id;
        argv[a] = NULL;
        snprintf(cout, sizeof(cout), "%s/create.out", dir);
        int st = spawn(argv, dir, has_door ? cout : out, errp);
        if (has_door && st == 0)
                st = door(b, r, dir, state, id, cfg, out, errp);
        char *del[] = { r->runtime, (char *)"--root", state, (char *)"delete", (char *)"--force", id, NULL };
        char dout[4200], derr[4200];
        snprintf(dout, sizeof(dout), "%s/delete.out", dir);
        snprintf(derr, sizeof(derr), "%s/delete.err", dir);
        spawn(del, dir, dout, derr);
        judge(r, out, errp, st);
}

/* --engine docker: `docker run` of the battery with the entry's
 * docker_args, through the runtime registered in the daemon under that
 * name; the image is the rootfs imported once. */
static void engine_run(struct bt *b, struct run *r, size_t idx)
{
        char dir[4096], out[4200], errp[4200], fix[4200], name[64];
        snprintf(dir, sizeof(dir), "%s/run-%zu", b->dir, idx);
        snprintf(out, sizeof(out), "%s/out.json", dir);
        snprintf(errp, sizeof(errp), "%s/err.txt", dir);
        snprintf(fix, sizeof(fix), "%s:/bulwark-fixture", b->fixture);
        snprintf(name, sizeof(name), "bw-breakout-%d-%zu", getpid(), idx);
        mkdir(dir, 0755);
        _cleanup_strv_ char **argv = NULL;
        int e = 0;
        const char *head[] = { b->docker, "run", "--rm", "--name", name, "--network", "none", "--runtime", r->runtime, NULL };
        for (size_t i = 0; head[i] && e >= 0; i++)
                e = bw_strv_push(&argv, head[i]);
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(r->config, "docker_args"), i, v) {
                const char *s = json_string_value(v) ?: "";
                _cleanup_free_ char *x = NULL;
                const char *at = strstr(s, "{engine_dir}");
                if (at && asprintf(&x, "%.*s%s%s", (int)(at - s), s, b->engine_dir, at + strlen("{engine_dir}")) < 0)
                        e = -ENOMEM;
                if (e >= 0)
                        e = bw_strv_push(&argv, x ? x : s);
        }
        const char *tail[] = { "-v", fix, b->image, "/bulwark", "check", "--attack", "--format", "json", NULL };
        for (size_t k = 0; tail[k] && e >= 0; k++)
                e = bw_strv_push(&argv, tail[k]);
        if (e < 0) {
                snprintf(r->verdict, sizeof(r->verdict), "error");
                snprintf(r->reason, sizeof(r->reason), "out of memory");
                return;
        }
        int st = spawn(argv, dir, out, errp);
        /* a timed-out run may leave its container: remove it by name */
        char *rm[] = { b->docker, (char *)"rm", (char *)"-f", name, NULL };
        char rmo[4200];
        snprintf(rmo, sizeof(rmo), "%s/rm.out", dir);
        spawn(rm, dir, rmo, rmo);
        judge(r, out, errp, st);
}

static const char *cell(const struct run *r, const char *technique)
{
        if (!r->attacks)
                return r->verdict;
        size_t i;
        json_t *a;
        json_array_foreach(r->attacks, i, a)
                if (strcmp(json_string_value(json_object_get(a, "technique")) ?: "", technique) == 0) {
                        const char *res = json_string_value(json_object_get(a, "result")) ?: "?";
                        return strcmp(res, "escaped") == 0 ? "ESCAPED" : res;
                }
        return "-";
}

static const char *config_name(const struct run *r)
{
        return json_string_value(json_object_get(r->config, "name")) ?: "?";
}

/* One table per config: a column per runtime (and bulwark profile), a row
 * per technique, then the escapes and the verdict. */
static void print_table(const struct bt *b, const char *config)
{
        const struct run *cols[64];
        size_t n = 0;
        for (size_t i = 0; i < b->n && n < ARRAY_SIZE(cols); i++)
                if (strcmp(config_name(&b->runs[i]), config) == 0)
                        cols[n++] = &b->runs[i];
        if (n == 0)
                return;
        printf("config %s: %s\n", config, json_string_value(json_object_get(cols[0]->config, "description")) ?: "");
        printf("  %-20s", "");
        for (size_t i = 0; i < n; i++) {
                char head[32];
                snprintf(head, sizeof(head), "%s%s%s", cols[i]->label, cols[i]->profile ? "/" : "",
                         cols[i]->profile ? cols[i]->profile : "");
                printf(" %-19s", head);
        }
        printf("\n");
        const struct run *ref = NULL;
        for (size_t i = 0; i < b->n && !ref; i++)
                if (b->runs[i].attacks)
                        ref = &b->runs[i];
        size_t k;
        json_t *a;
        if (ref)
                json_array_foreach(ref->attacks, k, a) {
                        const char *t = json_string_value(json_object_get(a, "technique"));
                        printf("  %-20s", t);
                        for (size_t i = 0; i < n; i++)
                                printf(" %-19s", cell(cols[i], t));
                        printf("\n");
                }
        printf("  %-20s", "escaped/blocked");
        for (size_t i = 0; i < n; i++) {
                char tot[32] = "-";
                if (cols[i]->attacks)
                        snprintf(tot, sizeof(tot), "%d/%d", cols[i]->counts[1], cols[i]->counts[0]);
                printf(" %-19s", tot);
        }
        printf("\n  %-20s", "verdict");
        for (size_t i = 0; i < n; i++)
                printf(" %-19s", cols[i]->verdict);
        printf("\n");
        for (size_t i = 0; i < n; i++)
                if (cols[i]->reason[0])
                        printf("    %s%s%s: %s\n", cols[i]->label, cols[i]->profile ? "/" : "",
                               cols[i]->profile ? cols[i]->profile : "", cols[i]->reason);
        printf("\n");
}

/* One line per run: its verdict, and which techniques escaped. */
static void print_summary(const struct bt *b)
{
        printf("%-20s %-22s %-10s %s\n", "runtime", "config", "verdict", "escaped / blocked / skipped");
        for (size_t i = 0; i < b->n; i++) {
                const struct run *r = &b->runs[i];
                char who[64], esc[512] = "";
                snprintf(who, sizeof(who), "%s%s%s", r->label, r->profile ? "/" : "", r->profile ? r->profile : "");
                size_t k;
                json_t *a;
                json_array_foreach(r->attacks, k, a)
                        if (strcmp(json_string_value(json_object_get(a, "result")) ?: "", "escaped") == 0)
                                snprintf(esc + strlen(esc), sizeof(esc) - strlen(esc), "%s%s", esc[0] ? ", " : "",
                                         json_string_value(json_object_get(a, "technique")));
                printf("%-20s %-22s %-10s ", who, config_name(r), r->verdict);
                if (r->attacks)
                        printf("%d / %d / %d%s%s%s%s%s\n", r->counts[1], r->counts[0], r->counts[2], esc[0] ? ": " : "",
                               esc, r->reason[0] ? (esc[0] ? "; " : ": ") : "", r->reason, "");
                else
                        printf("%s\n", r->reason);
        }
}

static void print_text(const struct bt *b)
{
        for (size_t i = 0; i < b->n; i++) {
                bool first = true;
                for (size_t j = 0; j < i && first; j++)
                        first = strcmp(config_name(&b->runs[j]), config_name(&b->runs[i])) != 0;
                if (first)
                        print_table(b, config_name(&b->runs[i]));
        }
        printf("verdicts: refused (the runtime would not create it), contained (no escape), escaped; "
               "failed is a runtime error\n");
}

static json_t *report_json(const struct bt *b)
{
        json_t *runs = json_array();
        for (size_t i = 0; i < b->n; i++) {
                const struct run *r = &b->runs[i];
                json_t *o = json_pack("{s:s, s:s, s:s?, s:s, s:s, s:s, s:{s:i, s:i, s:i}, s:O?, s:O?}", "runtime",
                                      r->label, "path", r->runtime, "profile", r->profile, "config",
                                      json_string_value(json_object_get(r->config, "name")), "verdict", r->verdict,
                                      "reason", r->reason, "totals", "blocked", r->counts[0], "escaped", r->counts[1],
                                      "skipped", r->counts[2], "attacks", r->attacks, "findings", r->rules);
                json_array_append_new(runs, o);
        }
        return json_pack("{s:o}", "runs", runs);
}

static int find_config(json_t *configs, const char *name, json_t **out)
{
        size_t i;
        json_t *c;
        json_array_foreach(configs, i, c)
                if (strcmp(json_string_value(json_object_get(c, "name")) ?: "", name) == 0) {
                        *out = c;
                        return 0;
                }
        return -ENOENT;
}

static char *default_configs(const char *self)
{
        char *p = NULL;
        /* next to the source tree (build/bulwark -> share/), then installed */
        char *slash = strrchr(self, '/');
        if (slash && asprintf(&p, "%.*s/../share/%s", (int)(slash - self), self, CONFIGS_NAME) >= 0 && access(p, R_OK) == 0)
                return p;
        free(p);
        if (asprintf(&p, "%s/%s", BW_DATADIR, CONFIGS_NAME) < 0)
                return NULL;
        return p;
}

static const char *label_of(const char *path, const char *self);

static int add_run(struct bt *b, const char *runtime, const char *profile, json_t *config)
{
        struct run *v = realloc(b->runs, (b->n + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        b->runs = v;
        char *copy = strdup(runtime);
        if (!copy)
                return -ENOMEM;
        b->runs[b->n++] = (struct run){ .runtime = copy, .label = label_of(copy, b->self), .profile = profile,
                                        .config = config };
        return 0;
}

static const char *label_of(const char *path, const char *self)
{
        if (strcmp(path, self) == 0)
                return "bulwark";
        const char *base = strrchr(path, '/');
        return base ? base + 1 : path;
}


/* The docker client on PATH. */
static char *find_docker(void)
{
        const char *path = getenv("PATH");
        _cleanup_free_ char *copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
        for (char *save = NULL, *d = copy ? strtok_r(copy, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save)) {
                char *p = NULL;
                if (asprintf(&p, "%s/docker", d) < 0)
                        return NULL;
                if (access(p, X_OK) == 0)
                        return p;
                free(p);
        }
        return NULL;
}

/* The runtimes the daemon knows (docker info), or an error naming why the
 * daemon could not be asked. */
static int engine_runtimes(const struct bt *b, char ***out, struct bw_error **err)
{
        char o[4200], e[4200], line[512] = "";
        snprintf(o, sizeof(o), "%s/info.json", b->dir);
        snprintf(e, sizeof(e), "%s/info.err", b->dir);
        char *argv[] = { b->docker, (char *)"info", (char *)"--format", (char *)"{{json .Runtimes}}", NULL };
        int st = spawn(argv, b->dir, o, e);
        _cleanup_json_ json_t *j = st == 0 ? load_file(o) : NULL;
        if (!json_is_object(j)) {
                first_line(e, line, sizeof(line));
                return bw_error_msg(err, -EIO, "breakout-test --engine docker: cannot ask the Docker daemon for its runtimes "
                                    "(%s); start dockerd, or set DOCKER_HOST to its socket", line[0] ? line : "no answer");
        }
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) {
                int r = bw_strv_push(out, k);
                if (r < 0)
                        return bw_error_set(err, r, "breakout-test");
        }
        return 0;
}

/* The image the engine runs: the prepared rootfs, imported once. */
static int engine_image(struct bt *b, struct bw_error **err)
{
        char o[4200], e[4200], line[512] = "";
        if (asprintf(&b->image, "bulwark-breakout:%d", getpid()) < 0)
                return bw_error_set(err, -ENOMEM, "breakout-test");
        snprintf(o, sizeof(o), "%s/import.out", b->dir);
        snprintf(e, sizeof(e), "%s/import.err", b->dir);
        char *argv[] = { (char *)"/bin/sh", (char *)"-c", (char *)"tar -C \"$1\" -c . | \"$2\" import - \"$3\"",
                         (char *)"sh", b->rootfs, b->docker, b->image, NULL };
        int st = spawn(argv, b->dir, o, e);
        if (st != 0) {
                first_line(e, line, sizeof(line));
                return bw_error_msg(err, -EIO, "breakout-test --engine docker: importing the rootfs as %s failed (%s)",
                                    b->image, line[0] ? line : "no message");
        }
        return 0;
}

static void engine_cleanup(const struct bt *b)
{
        if (!b->image)
                return;
        char o[4200];
        snprintf(o, sizeof(o), "%s/rmi.out", b->dir);
        char *argv[] = { b->docker, (char *)"rmi", (char *)"-f", b->image, NULL };
        spawn(argv, b->dir, o, o);
}

BW_COMMAND(breakout_test)
{
        static const struct option opts[] = {
                { "runtime", required_argument, NULL, 'r' },
                { "profile", required_argument, NULL, 'p' },
                { "config", required_argument, NULL, 'c' },
                { "configs", required_argument, NULL, 'C' },
                { "format", required_argument, NULL, 'f' },
                { "keep", no_argument, NULL, 'k' },
                { "summary", no_argument, NULL, 's' },
                { "engine", required_argument, NULL, 'e' },
                {},
        };
        _cleanup_strv_ char **runtimes = NULL, **profiles = NULL, **names = NULL;
        const char *configs_file = NULL;
        bool json = false, keep = false, summary = false, engine = false;
        int c, r = 0;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (c) {
                case 'r': r = bw_strv_push(&runtimes, optarg); break;
                case 'p': r = bw_strv_push(&profiles, optarg); break;
                case 'c': r = bw_strv_push(&names, optarg); break;
                case 'C': configs_file = optarg; break;
                case 'f':
                        if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
                                return bw_error_usage(err, "breakout-test --format: unknown format '%s'; use text or json", optarg);
                        json = strcmp(optarg, "json") == 0;
                        break;
                case 'k': keep = true; break;
                case 's': summary = true; break;
                case 'e':
                        if (strcmp(optarg, "docker") != 0)
                                return bw_error_usage(err, "breakout-test --engine: unknown engine '%s'; docker is the one "
                                                      "supported (runtimes are then the names registered in the daemon)", optarg);
                        engine = true;
                        break;
                default: return bw_error_bad_option(err, bw_command_find("breakout-test"), argc, argv);
                }
                if (r < 0)
                        return bw_error_set(err, r, "breakout-test");
        }
        if (optind < argc)
                return bw_error_usage(err, "breakout-test: unexpected argument '%s'", argv[optind]);
        if (geteuid() != 0)
                return bw_error_msg(err, -EPERM, "breakout-test runs containers and makes a fixture owned by another "
                                    "uid: run it as root");
        _cleanup_free_ char *self = realpath("/proc/self/exe", NULL);
        if (!self)
                return bw_error_set(err, -errno, "resolving /proc/self/exe");
        _cleanup_free_ char *cf = configs_file ? strdup(configs_file) : default_configs(self);
        json_error_t je;
        _cleanup_json_ json_t *data = cf ? json_load_file(cf, 0, &je) : NULL;
        json_t *configs = json_object_get(data, "configs");
        if (!json_is_array(configs))
                return bw_error_usage(err, "breakout-test: cannot read the configs from %s (%s); give --configs FILE "
                                      "(share/%s in the source tree)", cf ? cf : "?", data ? "no \"configs\" list" : je.text,
                                      CONFIGS_NAME);
        struct bt b = { .self = self, .engine_fd = -1, .policy_mode = g->policy_mode };
        if (engine) {
                if (profiles)
                        return bw_error_usage(err, "breakout-test --engine docker: --profile does not apply (the daemon "
                                              "runs bulwark with its registered runtimeArgs); register one runtime "
                                              "name per profile in daemon.json and give --runtime NAME");
                b.docker = find_docker();
                if (!b.docker)
                        return bw_error_msg(err, -ENOENT, "breakout-test --engine docker: no docker client on PATH; "
                                            "install docker.io (or docker-ce-cli)");
                r = prepare(&b, err);
                if (r >= 0 && !runtimes)
                        r = engine_runtimes(&b, &runtimes, err);
                if (r >= 0)
                        r = engine_image(&b, err);
        } else {
                if (!runtimes) {
                        static const char *const known[] = { "/usr/sbin/runc", "/usr/bin/runc", "/usr/bin/crun",
                                                             "/usr/sbin/crun", "/usr/local/bin/runc", "/usr/local/bin/crun" };
                        r = bw_strv_push(&runtimes, self);
                        bool runc = false, crun = false;
                        for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(known); i++) {
                                bool *seen = strstr(known[i], "runc") ? &runc : &crun;
                                if (!*seen && access(known[i], X_OK) == 0) {
                                        *seen = true;
                                        r = bw_strv_push(&runtimes, known[i]);
                                }
                        }
                }
                if (r >= 0 && !profiles && (r = bw_strv_push(&profiles, "baseline")) >= 0)
                        r = bw_strv_push(&profiles, "restricted");
                if (r < 0)
                        bw_error_set(err, r, "breakout-test");
        }

        /* the runs: every config, under every runtime (bulwark once per
         * profile); through an engine, the configs it can express */
        size_t nconf = names ? bw_strv_len(names) : json_array_size(configs);
        for (size_t i = 0; r >= 0 && i < nconf; i++) {
                json_t *cfg = json_array_get(configs, i);
                if (names && find_config(configs, names[i], &cfg) < 0) {
                        r = bw_error_usage(err, "breakout-test --config: no config named '%s' in %s", names[i], cf);
                        break;
                }
                if (engine) {
                        if (!json_is_array(json_object_get(cfg, "docker_args"))) {
                                if (names)
                                        r = bw_error_usage(err, "breakout-test --engine docker: config '%s' has no "
                                                           "docker_args (no docker run expresses it)", names[i]);
                                continue;
                        }
                        for (size_t k = 0; r >= 0 && runtimes[k]; k++)
                                if ((r = add_run(&b, runtimes[k], NULL, cfg)) < 0)
                                        bw_error_set(err, r, "breakout-test");
                                else
                                        b.runs[b.n - 1].via_engine = true;
                        continue;
                }
                for (size_t k = 0; r >= 0 && runtimes[k]; k++) {
                        _cleanup_free_ char *rt = realpath(runtimes[k], NULL);
                        if (!rt) {
                                r = bw_error_usage(err, "breakout-test --runtime: %s: %s", runtimes[k], strerror(errno));
                                break;
                        }
                        bool is_self = strcmp(rt, self) == 0;
                        for (size_t p = 0; r >= 0 && (is_self ? profiles[p] != NULL : p == 0); p++)
                                if ((r = add_run(&b, rt, is_self ? profiles[p] : NULL, cfg)) < 0)
                                        bw_error_set(err, r, "breakout-test");
                }
        }
        if (r >= 0 && !engine)
                r = prepare(&b, err);
        for (size_t i = 0; r >= 0 && i < b.n; i++) {
                if (!json)
                        fprintf(stderr, "breakout-test: run %zu/%zu: %s%s%s, config %s\n", i + 1, b.n, b.runs[i].label,
                                b.runs[i].profile ? " --profile " : "", b.runs[i].profile ? b.runs[i].profile : "",
                                json_string_value(json_object_get(b.runs[i].config, "name")));
                if (engine)
                        engine_run(&b, &b.runs[i], i + 1);
                else
                        do_run(&b, &b.runs[i], i + 1);
                /* the fake engine answers nothing: empty its backlog between runs */
                for (int fd; (fd = accept4(b.engine_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0;)
                        close(fd);
        }
        if (r >= 0) {
                if (json) {
                        _cleanup_json_ json_t *j = report_json(&b);
                        if (!j || json_dumpf(j, stdout, JSON_INDENT(2)) < 0)
                                r = bw_error_set(err, -EIO, "writing the report");
                        fputc('\n', stdout);
                } else if (summary) {
                        print_summary(&b);
                } else {
                        print_text(&b);
                }
                fflush(stdout);
                if (keep)
                        fprintf(stderr, "breakout-test: the bundles and outputs are in %s\n", b.dir);
        }
        engine_cleanup(&b);
        if (b.engine_fd >= 0)
                close(b.engine_fd);
        if (b.dir && !keep)
                nftw(b.dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        for (size_t i = 0; i < b.n; i++) {
                free(b.runs[i].runtime);
                json_decref(b.runs[i].attacks);
                json_decref(b.runs[i].rules);
        }
        free(b.runs);
        free(b.dir), free(b.rootfs), free(b.fixture), free(b.engine_dir), free(b.docker), free(b.image);
        return r < 0 ? r : 0;
}
