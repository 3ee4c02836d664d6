#include "runtime/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "linux/process.h"
#include "util/cleanup.h"
#include "util/log.h"

static long now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static _Noreturn void exec_hook(const struct oci_hook *h, const char *dir, int in, int errfd)
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
        dup2(errfd, 1);
        bw_process_cloexec_from(3, NULL);
        char *def_args[] = { h->path, NULL };
        char *empty_env[] = { NULL };
        execve(h->path, h->args ? h->args : def_args, h->env ? h->env : empty_env);
        fprintf(stderr, "cannot execute %s: %s\n", h->path, strerror(errno));
        _exit(127);
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
        pid_t pid = fork();
        if (pid < 0)
                return bw_error_set(err, -errno, "%s hook %s: fork", phase, h->path);
        if (pid == 0)
                exec_hook(h, dir, in_r, er_w);
        close(take_fd(in_r));
        close(take_fd(er_w));
        /* A hook need not read its stdin: a failed send is not its failure. */
        size_t len = strlen(state_json);
        if (send(in_w, state_json, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) { /* ignored */ }
        close(take_fd(in_w));

        char out[4096];
        size_t used = 0;
        long deadline = h->timeout.set && h->timeout.v > 0 ? now_ms() + h->timeout.v * 1000L : -1;
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
                struct pollfd p = { .fd = er_r, .events = POLLIN };
                int n = poll(&p, 1, wait_ms);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n == 0) {
                        timed_out = true;
                        break;
                }
                char buf[1024];
                ssize_t got = read(er_r, buf, sizeof(buf));
                if (got <= 0)
                        break;
                size_t take = (size_t)got < sizeof(out) - 1 - used ? (size_t)got : sizeof(out) - 1 - used;
                memcpy(out + used, buf, take);
                used += take;
        }
        out[used] = '\0';
        while (used && (out[used - 1] == '\n' || out[used - 1] == ' '))
                out[--used] = '\0';
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
