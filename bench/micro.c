/* Micro-measurements behind bench/PROFILE.md: what single steps of a
 * container start cost on this machine, each the median of N tries.
 *   micro BINARY STATE_FILE [N]
 * - the self-protection as done now: memfd_create + copy of BINARY + seals
 * - the cheaper view: open_tree(BINARY, OPEN_TREE_CLONE) made read-only
 *   with mount_setattr, then an O_PATH open of it (what execveat would use)
 * - reading STATE_FILE one byte per read(2) (jansson's json_loadfd) against
 *   one read(2) of the whole file
 * - fork + exec of `BINARY --version` and wait: from its path, from a fresh
 *   sealed memfd copy, from a fresh read-only open_tree view (what a
 *   re-exec costs each way, the copy or view included) */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y);
}

static double median(double *v, int n)
{
        qsort(v, (size_t)n, sizeof(*v), cmp);
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int memfd_copy(const char *bin)
{
        int self = open(bin, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (self < 0 || fstat(self, &st) < 0)
                return -1;
        int m = memfd_create("bulwark", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        off_t off = 0;
        while (m >= 0 && off < st.st_size)
                if (sendfile(m, self, &off, (size_t)(st.st_size - off)) <= 0)
                        break;
        if (m >= 0)
                fcntl(m, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
        close(self);
        return m;
}

static int ro_view(const char *bin)
{
        int t = (int)syscall(SYS_open_tree, AT_FDCWD, bin, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (t < 0)
                return -1;
        struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
        if (syscall(SYS_mount_setattr, t, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0) {
                close(t);
                return -1;
        }
        return t; /* an O_PATH fd of the file on a read-only detached mount */
}

enum how { BY_PATH, BY_MEMFD, BY_VIEW };

/* fork, exec BINARY --version (stdout to /dev/null), wait; -1 on failure */
static double exec_once(const char *bin, enum how how)
{
        double a = now_us();
        int fd = -1;
        if (how == BY_MEMFD)
                fd = memfd_copy(bin);
        else if (how == BY_VIEW)
                fd = ro_view(bin);
        if (how != BY_PATH && fd < 0)
                return -1;
        pid_t pid = fork();
        if (pid == 0) {
                int null = open("/dev/null", O_WRONLY);
                dup2(null, 1);
                char *argv[] = { (char *)bin, "--version", NULL };
                extern char **environ;
                if (how == BY_PATH)
                        execve(bin, argv, environ);
                else
                        syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
                _exit(127);
        }
        int st = 0;
        waitpid(pid, &st, 0);
        if (fd >= 0)
                close(fd);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
                return -1;
        return now_us() - a;
}

int main(int argc, char **argv)
{
        if (argc < 3) {
                fprintf(stderr, "usage: micro BINARY STATE_FILE [N]\n");
                return 2;
        }
        int n = argc > 3 ? atoi(argv[3]) : 50;
        if (n < 1 || n > 100000)
                n = 50;
        double *t = calloc((size_t)n, sizeof(double));
        struct stat st;
        stat(argv[1], &st);

        for (int i = 0; i < n; i++) {
                double a = now_us();
                int fd = memfd_copy(argv[1]);
                t[i] = now_us() - a;
                if (fd < 0)
                        return 1;
                close(fd);
        }
        printf("memfd copy of the binary (%lld bytes)     %7.1f us\n", (long long)st.st_size, median(t, n));

        for (int i = 0; i < n; i++) {
                double a = now_us();
                int fd = ro_view(argv[1]);
                t[i] = now_us() - a;
                if (fd < 0) {
                        printf("read-only open_tree view: failed (%s)\n", strerror(errno));
                        break;
                }
                close(fd);
                if (i == n - 1)
                        printf("read-only open_tree view of the binary   %7.1f us\n", median(t, n));
        }

        char buf[65536];
        stat(argv[2], &st);
        for (int i = 0; i < n; i++) {
                int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
                double a = now_us();
                char c;
                while (read(fd, &c, 1) == 1)
                        ;
                t[i] = now_us() - a;
                close(fd);
        }
        printf("state file, 1 byte per read (%lld reads)   %7.1f us\n", (long long)st.st_size + 1, median(t, n));
        for (int i = 0; i < n; i++) {
                int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
                double a = now_us();
                while (read(fd, buf, sizeof(buf)) > 0)
                        ;
                t[i] = now_us() - a;
                close(fd);
        }
        printf("state file, whole-file reads             %7.1f us\n", median(t, n));

        /* The three ways take turns, so a change in the machine's load
         * mid-way falls on all of them. */
        static const char *const hows[] = { "its path", "a fresh sealed memfd copy", "a fresh read-only open_tree view" };
        double *tt[3];
        int k[3] = { 0, 0, 0 };
        for (int h = 0; h < 3; h++)
                tt[h] = calloc((size_t)n, sizeof(double));
        for (int i = 0; i < n; i++)
                for (int h = BY_PATH; h <= BY_VIEW; h++) {
                        double d = exec_once(argv[1], (enum how)h);
                        if (d >= 0)
                                tt[h][k[h]++] = d;
                }
        for (int h = BY_PATH; h <= BY_VIEW; h++) {
                if (k[h])
                        printf("fork + exec --version + wait, from %-33s %7.1f us\n", hows[h], median(tt[h], k[h]));
                else
                        printf("fork + exec from %s: failed\n", hows[h]);
                free(tt[h]);
        }
        free(t);
        return 0;
}
