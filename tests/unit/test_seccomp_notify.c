/* SCMP_ACT_NOTIFY end to end: a child loads a notifying filter and hands
 * the listener to an agent at listenerPath as the runtime-spec says; the
 * agent (this process) answers the notified call. */
#include "seccomp_child.h"

/* ---- Notify ------------------------------------------------------------------ */

struct notify_ctx {
        const char *path;
};

static void notify_child(void *arg, int lfd)
{
        const struct notify_ctx *c = arg;
        _cleanup_free_ char *state = bw_seccomp_process_state(getpid(), "agent-metadata", NULL);
        struct bw_error *err = NULL;
        if (!state || bw_seccomp_notify_send(lfd, c->path, state, &err) < 0) {
                fprintf(stderr, "# notify send: %s\n", err ? err->msg : "no state");
                child_exit(3);
        }
        close(lfd);
        rec(0, syscall(SYS_getppid));
}

/* Read the agent's message: the JSON and the descriptor riding on it. */
static int agent_receive(int conn, char *buf, size_t size)
{
        int fd = -1;
        size_t got = 0;
        for (;;) {
                struct pollfd p = { conn, POLLIN, 0 };
                if (poll(&p, 1, 5000) <= 0)
                        break;
                union {
                        char b[CMSG_SPACE(sizeof(int))];
                        struct cmsghdr align;
                } control;
                struct iovec iov = { buf + got, size - 1 - got };
                struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.b,
                                      .msg_controllen = sizeof(control.b) };
                ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
                if (n <= 0)
                        break;
                struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
                if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                        memcpy(&fd, CMSG_DATA(c), sizeof(int));
                got += (size_t)n;
                if (got >= size - 1)
                        break;
        }
        buf[got] = '\0';
        return fd;
}

/* A listenerPath longer than sun_path is reached through its directory. */
static void test_notify_long_path(void)
{
        char top[] = "/tmp/bw-seccomp-long-XXXXXX";
        if (!mkdtemp(top)) {
                tap_ok(false, "mkdtemp");
                return;
        }
        char dir[256], path[300];
        snprintf(dir, sizeof(dir), "%s/%s", top,
                 "a-directory-name-long-enough-that-the-socket-path-does-not-fit-in-sun_path-which-holds-108-bytes");
        snprintf(path, sizeof(path), "%s/agent.sock", dir);
        mkdir(dir, 0700);
        /* bind through the directory fd as well: the path itself is too long */
        _cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        _cleanup_close_ int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/agent.sock", dfd);
        if (strlen(path) < sizeof(sa.sun_path) || bind(srv, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(srv, 1) < 0) {
                tap_ok(false, "long-path agent socket (%zu bytes): %s", strlen(path), strerror(errno));
                return;
        }
        int pipefd[2];
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return;
        _cleanup_error_ struct bw_error *err = NULL;
        _cleanup_free_ char *state = bw_seccomp_process_state(1, NULL, NULL);
        int r = bw_seccomp_notify_send(pipefd[0], path, state, &err);
        char buf[1024] = "";
        struct pollfd p = { srv, POLLIN, 0 };
        _cleanup_close_ int conn = r == 0 && poll(&p, 1, 5000) == 1 ? accept4(srv, NULL, NULL, SOCK_CLOEXEC) : -1;
        int fd = conn >= 0 ? agent_receive(conn, buf, sizeof(buf)) : -1;
        struct stat a, b;
        tap_ok(r == 0 && fd >= 0 && fstat(fd, &a) == 0 && fstat(pipefd[0], &b) == 0 && a.st_ino == b.st_ino &&
                       strstr(buf, "\"seccompFd\""),
               "a %zu-byte listenerPath (longer than sun_path) is reached, and the very fd arrives (%s)", strlen(path),
               err ? err->msg : "ok");
        if (fd >= 0)
                close(fd);
        close(pipefd[0]);
        close(pipefd[1]);
        unlink(path);
        rmdir(dir);
        rmdir(top);
}

static void test_notify(void)
{
        char dir[] = "/tmp/bw-seccomp-notify-XXXXXX";
        if (!mkdtemp(dir)) {
                tap_ok(false, "mkdtemp");
                return;
        }
        char path[128];
        snprintf(path, sizeof(path), "%s/agent.sock", dir);
        _cleanup_close_ int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        strcpy(sa.sun_path, path);
        if (bind(srv, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(srv, 1) < 0) {
                tap_ok(false, "agent socket: %s", strerror(errno));
                return;
        }

        struct oci_seccomp *s = profile(OCI_SECCOMP_ALLOW, -1);
        s->listener_path = strdup(path);
        rule(s, "getppid", OCI_SECCOMP_NOTIFY, -1);
        bw_strv_push(&s->flags, "SECCOMP_FILTER_FLAG_TSYNC");
        bw_strv_push(&s->flags, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
        struct bw_seccomp_filter f;
        if (!compile(s, &f, "notify profile")) {
                tap_ok(false, "notify profile compiles");
                oci_seccomp_free(s);
                return;
        }
        tap_ok(f.notify && (f.flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH) &&
                       (f.flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV),
               "a notify profile loads with a listener; TSYNC brings TSYNC_ESRCH; WAIT_KILLABLE_RECV kept (flags %#x)",
               f.flags);

        struct notify_ctx c = { path };
        memset(shm, 0, sizeof(*shm));
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                        _exit(100);
                int lfd = -1;
                struct bw_error *err = NULL;
                if (bw_seccomp_load(&f, &lfd, &err) < 0 || lfd < 0)
                        _exit(101);
                notify_child(&c, lfd);
                child_exit(0);
        }

        bool answered = false;
        char buf[4096] = "";
        int lfd = -1;
        struct pollfd p = { srv, POLLIN, 0 };
        _cleanup_close_ int conn = poll(&p, 1, 5000) == 1 ? accept4(srv, NULL, NULL, SOCK_CLOEXEC) : -1;
        if (conn >= 0)
                lfd = agent_receive(conn, buf, sizeof(buf));
        tap_ok(lfd >= 0, "the agent at listenerPath receives a descriptor");
        json_error_t jerr;
        _cleanup_json_ json_t *state = json_loads(buf, 0, &jerr);
        json_t *fds = json_object_get(state, "fds");
        tap_ok(json_is_array(fds) && json_array_size(fds) == 1 &&
                       strcmp(json_string_value(json_array_get(fds, 0)) ?: "", "seccompFd") == 0 &&
                       json_integer_value(json_object_get(state, "pid")) == pid &&
                       strcmp(json_string_value(json_object_get(state, "metadata")) ?: "", "agent-metadata") == 0 &&
                       json_is_string(json_object_get(state, "ociVersion")) &&
                       json_is_object(json_object_get(state, "state")),
               "the agent receives the container process state: fds [\"seccompFd\"], pid, metadata (%s)", buf);
        if (lfd >= 0) {
                struct pollfd lp = { lfd, POLLIN, 0 };
                struct seccomp_notif req;
                memset(&req, 0, sizeof(req));
                if (poll(&lp, 1, 5000) == 1 && ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req) == 0) {
                        tap_ok(req.data.nr == SYS_getppid && (pid_t)req.pid == pid,
                               "the listener reports the child's getppid (nr %d, pid %u)", req.data.nr, req.pid);
                        struct seccomp_notif_resp resp = { .id = req.id, .val = 4242, .error = 0, .flags = 0 };
                        answered = ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0;
                } else {
                        tap_ok(false, "the listener reports the child's getppid (%s)", strerror(errno));
                }
                close(lfd);
        }
        if (!answered)
                kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        tap_ok(answered && exited(status, 0) && shm->ret[0] == 4242,
               "the notified getppid returns the agent's answer 4242 (got %ld, status %#x)", shm->ret[0], status);
        bw_seccomp_filter_clear(&f);
        oci_seccomp_free(s);
        unlink(path);
        rmdir(dir);

        test_notify_long_path();

        _cleanup_error_ struct bw_error *err = NULL;
        int r = bw_seccomp_notify_send(0, "/nonexistent-bulwark/agent.sock", "{\"fds\":[]}", &err);
        tap_ok(r < 0 && err && strstr(err->msg, "[\"seccompFd\"]"), "a state whose fds is not [\"seccompFd\"] is refused");
}

int main(void)
{
        if (seccomp_child_init() < 0)
                return 1;
        test_notify();
        return tap_done();
}
