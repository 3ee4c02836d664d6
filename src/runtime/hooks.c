#include "runtime/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "linux/process.h"
#include "runtime/store.h"
#include "util/cleanup.h"
#include "util/json_text.h"
#include "util/log.h"

static long now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int bw_hook_open_program(const char *path, struct stat *st)
{
        struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS };
        _cleanup_close_ int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
        if (fd < 0)
                return -errno;
        struct statfs sf;
        if (fstat(fd, st) < 0 || fstatfs(fd, &sf) < 0)
                return -errno;
        /* Nothing under /proc is a program of the host's: its files stand
         * for other processes' objects. */
        if (!S_ISREG(st->st_mode) || sf.f_type == PROC_SUPER_MAGIC)
                return -EACCES;
        return take_fd(fd);
}

/* A trusted program never searches the bundle (its cwd, the config
 * author's): without a PATH in its env, a shell's built-in one ends in
 * ".", so it gets the system one. It runs from the file the parent
 * checked, not whatever the path names now; a script's interpreter opens
 * it as /dev/fd/N, so that copy stays open across the exec. Returns only
 * on failure. */
static void exec_trusted(const struct oci_hook *h, int prog, char **argv, char **envp)
{
        size_t n = 0;
        bool has_path = false;
        for (; envp[n]; n++)
                has_path |= strncmp(envp[n], "PATH=", 5) == 0;
        char **with_path = has_path ? NULL : calloc(n + 2, sizeof(*envp));
        if (!has_path && !with_path) {
                fprintf(stderr, "cannot give %s its PATH: out of memory\n", h->path);
                _exit(126);
        }
        if (with_path) {
                memcpy(with_path, envp, n * sizeof(*envp));
                with_path[n] = (char *)"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
                with_path[n + 1] = NULL;
                envp = with_path;
        }
        int keep = fcntl(prog, F_DUPFD, 3);
        if (keep >= 0)
                syscall(SYS_execveat, keep, "", argv, envp, AT_EMPTY_PATH);
}

static _Noreturn void exec_hook(const struct oci_hook *h, int prog, const char *dir, int in, int errfd)
{
        bw_process_reset_signals();
        if (dup2(in, 0) < 0 || dup2(errfd, 2) < 0)
                _exit(126);
        /* runc runs host hooks from the bundle, and createContainer hooks
         * from the rootfs: hooks written for it use relative paths. */
        if (dir && chdir(dir) < 0) {
                /* poststop may run after the bundle was removed */
                if (errno != ENOENT || chdir("/") < 0) {
                        fprintf(stderr, "cannot enter %s: %s\n", dir, strerror(errno));
                        _exit(126);
                }
        }
        /* stdout goes where our stderr goes: hooks' chatter must not land
         * in `state` output or a shim's pipe meant for the container. */
        if (dup2(errfd, 1) < 0) {
                fprintf(stderr, "cannot give hook %s its stdout: %s\n", h->path, strerror(errno));
                _exit(126);
        }
        /* No fd of the runtime's (a state dir, a lock, the sync socket)
         * may reach the hook; a sweep that failed would leak them. */
        int r = bw_process_cloexec_from(3, NULL);
        if (r < 0) {
                fprintf(stderr, "cannot close the runtime's files before running hook %s: %s\n", h->path,
                        strerror(-r));
                _exit(126);
        }
        char *def_args[] = { h->path, NULL };
        char *empty_env[] = { NULL };
        char **argv = h->args ? h->args : def_args, **envp = h->env ? h->env : empty_env;
        if (prog >= 0)
                exec_trusted(h, prog, argv, envp);
        else
                execve(h->path, argv, envp);
        fprintf(stderr, "cannot execute %s: %s\n", h->path, strerror(errno));
        _exit(127);
}

/* A trusted hook: the file recorded at create, opened again without magic
 * links; anything else there is refused, not run. */
static int open_trusted(const struct oci_hook *h, const char *phase, size_t idx, struct bw_error **err)
{
        const char *p = h->trusted_path ? h->trusted_path : h->path;
        struct stat st;
        int fd = bw_hook_open_program(p, &st);
        if (fd < 0)
                return bw_error_msg(err, fd == -EACCES ? -EPERM : fd,
                                    "%s hook #%zu (%s) not run: it was trusted at create (trustedHooks) as %s, which "
                                    "cannot be opened as a regular file without /proc magic links now (%s); make %s the "
                                    "trusted program again, or recreate the container",
                                    phase, idx, h->path, p, strerror(-fd), p);
        if ((uint64_t)st.st_dev != h->trusted_dev || (uint64_t)st.st_ino != h->trusted_ino) {
                close(fd);
                return bw_error_msg(err, -EPERM,
                                    "%s hook #%zu (%s) not run: %s was trusted at create (trustedHooks) as the file "
                                    "with device %" PRIu64 " inode %" PRIu64 ", but names device %" PRIu64
                                    " inode %" PRIu64 " now (it was replaced or a link in its path was swapped); put "
                                    "the trusted program back, or recreate the container to judge the new one",
                                    phase, idx, h->path, p, h->trusted_dev, h->trusted_ino, (uint64_t)st.st_dev,
                                    (uint64_t)st.st_ino);
        }
        return fd;
}

/* The hook's stderr, up to its end or the deadline (ms, -1: none), into
 * out (trailing blanks cut). Returns whether the deadline passed. */
static bool collect_stderr(int fd, long deadline, char *out, size_t size)
{
        size_t used = 0;
        bool timed_out = false;
        for (;;) {
                int wait_ms = -1;
                if (deadline >= 0) {
                        wait_ms = (int)(deadline - now_ms());
                        if (wait_ms <= 0) {
                                timed_out = true;
                                break;
                        }
                }
                struct pollfd p = { .fd = fd, .events = POLLIN };
                int n = poll(&p, 1, wait_ms);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n == 0) {
                        timed_out = true;
                        break;
                }
                char buf[1024];
                ssize_t got = read(fd, buf, sizeof(buf));
                if (got <= 0)
                        break;
                size_t take = (size_t)got < size - 1 - used ? (size_t)got : size - 1 - used;
                memcpy(out + used, buf, take);
                used += take;
        }
        out[used] = '\0';
        while (used && (out[used - 1] == '\n' || out[used - 1] == ' '))
                out[--used] = '\0';
        return timed_out;
}

static int run_one(const struct oci_hook *h, const char *phase, size_t idx, const char *state_json,
                   const char *dir, struct bw_error **err)
{
        int in[2], er[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0)
                return bw_error_set(err, -errno, "%s hook %s: creating its stdin", phase, h->path);
        if (pipe2(er, O_CLOEXEC) < 0) {
                int r = -errno;
                close(in[0]);
                close(in[1]);
                return bw_error_set(err, r, "%s hook %s: creating its stderr pipe", phase, h->path);
        }
        _cleanup_close_ int in_w = in[0], in_r = in[1], er_r = er[0], er_w = er[1];
        _cleanup_close_ int prog = -1;
        if (h->trusted && (prog = open_trusted(h, phase, idx, err)) < 0)
                return prog;
        pid_t pid = fork();
        if (pid < 0)
                return bw_error_set(err, -errno, "%s hook %s: fork", phase, h->path);
        if (pid == 0)
                exec_hook(h, prog, dir, in_r, er_w);
        close(take_fd(prog));
        close(take_fd(in_r));
        close(take_fd(er_w));
        /* A hook need not read its stdin: a failed send is not its failure. */
        size_t len = strlen(state_json);
        if (send(in_w, state_json, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) { /* ignored */ }
        close(take_fd(in_w));

        char out[4096];
        long deadline = h->timeout.set && h->timeout.v > 0 ? now_ms() + h->timeout.v * 1000L : -1;
        bool timed_out = collect_stderr(er_r, deadline, out, sizeof(out));
        size_t used = strlen(out);
        if (timed_out)
                kill(pid, SIGKILL);
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return bw_error_set(err, -errno, "%s hook %s: waiting for it", phase, h->path);
        if (timed_out)
                return bw_error_msg(err, -ETIMEDOUT, "%s hook #%zu (%s) timed out after %d s%s%s", phase, idx, h->path,
                                    h->timeout.v, used ? ": " : "", out);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        if (WIFSIGNALED(status))
                return bw_error_msg(err, -ECHILD, "%s hook #%zu (%s) was killed by signal %d%s%s", phase, idx, h->path,
                                    WTERMSIG(status), used ? ": " : "", out);
        return bw_error_msg(err, -ECHILD, "%s hook #%zu (%s) failed with status %d%s%s", phase, idx, h->path,
                            WEXITSTATUS(status), used ? ": " : "", out);
}

int bw_hooks_run(const struct oci_hook_list *l, const char *phase, const char *state_json, const char *dir,
                 struct bw_error **err)
{
        for (size_t i = 0; l && i < l->n; i++) {
                int r = run_one(&l->v[i], phase, i, state_json, dir, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int bw_hooks_run_all(const struct oci_hook_list *l, const char *phase, const char *state_json, const char *dir)
{
        int failed = 0;
        for (size_t i = 0; l && i < l->n; i++) {
                _cleanup_error_ struct bw_error *e = NULL;
                if (run_one(&l->v[i], phase, i, state_json, dir, &e) < 0) {
                        bw_warn("%s", e && e->msg ? e->msg : "a hook failed");
                        failed++;
                }
        }
        return failed;
}

/* The record of trusted hooks, beside the effective config in the
 * container's directory (root's): written at create from what the policy
 * gate judged, read back by start and delete. Never from config.json. */
#define BW_HOOKS_TRUSTED "hooks.trusted.json"

static const char *const list_names[] = { "prestart", "createRuntime", "createContainer",
                                          "startContainer", "poststart", "poststop" };

static struct oci_hook_list *list_at(struct oci_hooks *h, size_t i)
{
        struct oci_hook_list *l[] = { &h->prestart, &h->create_runtime, &h->create_container,
                                      &h->start_container, &h->poststart, &h->poststop };
        return l[i];
}

int bw_hooks_save_trusted(const char *dir, const struct oci_hooks *hooks, struct bw_error **err)
{
        _cleanup_json_ json_t *o = json_object();
        for (size_t i = 0; o && i < ARRAY_SIZE(list_names); i++) {
                const struct oci_hook_list *l = list_at((struct oci_hooks *)hooks, i);
                json_t *a = NULL;
                for (size_t j = 0; j < l->n; j++) {
                        const struct oci_hook *h = &l->v[j];
                        if (!h->trusted)
                                continue;
                        if (!a && (!(a = json_array()) || json_object_set_new(o, list_names[i], a) < 0))
                                return bw_error_set(err, -ENOMEM, "recording the trusted hooks");
                        json_t *e = json_pack("{s:I, s:s, s:I, s:I}", "index", (json_int_t)j, "path",
                                              h->trusted_path ? h->trusted_path : h->path, "dev",
                                              (json_int_t)h->trusted_dev, "ino", (json_int_t)h->trusted_ino);
                        if (!e || json_array_append_new(a, e) < 0)
                                return bw_error_set(err, -ENOMEM, "recording the trusted hooks");
                }
        }
        if (o && json_object_size(o) == 0)
                return 0; /* none trusted: no record, as for an older bulwark's container */
        _cleanup_free_ char *text = o ? bw_json_dumps(o, JSON_INDENT(2)) : NULL;
        _cleanup_free_ char *path = NULL;
        if (!text || asprintf(&path, "%s/" BW_HOOKS_TRUSTED, dir) < 0)
                return bw_error_set(err, -ENOMEM, "recording the trusted hooks");
        return bw_write_file_atomic(path, text, err);
}

int bw_hooks_load_trusted(const char *dir, struct oci_hooks *hooks, struct bw_error **err)
{
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/" BW_HOOKS_TRUSTED, dir) < 0)
                return bw_error_set(err, -ENOMEM, "the trusted hooks of %s", dir);
        json_error_t je;
        _cleanup_json_ json_t *o = json_load_file(path, 0, &je);
        if (!o) {
                if (access(path, F_OK) < 0 && errno == ENOENT)
                        return 0; /* a container from an older bulwark: none recorded */
                return bw_error_msg(err, -EINVAL, "%s: %s (delete the container and create it again)", path, je.text);
        }
        for (size_t i = 0; i < ARRAY_SIZE(list_names); i++) {
                struct oci_hook_list *l = list_at(hooks, i);
                json_t *a = json_object_get(o, list_names[i]), *e;
                size_t k;
                json_array_foreach(a, k, e) {
                        json_int_t idx = -1, dev = -1, ino = -1;
                        const char *p = NULL;
                        if (json_unpack(e, "{s:I, s:s, s:I, s:I}", "index", &idx, "path", &p, "dev", &dev, "ino",
                                        &ino) < 0 ||
                            idx < 0 || (size_t)idx >= l->n)
                                return bw_error_msg(err, -EINVAL,
                                                    "%s: %s[%zu] does not match the saved config (delete the "
                                                    "container and create it again)",
                                                    path, list_names[i], k);
                        struct oci_hook *h = &l->v[idx];
                        free(h->trusted_path);
                        if (!(h->trusted_path = strdup(p)))
                                return bw_error_set(err, -ENOMEM, "%s: %s[%zu]", path, list_names[i], k);
                        h->trusted = true;
                        h->trusted_dev = (uint64_t)dev;
                        h->trusted_ino = (uint64_t)ino;
                }
        }
        return 0;
}
