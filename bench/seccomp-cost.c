/* What a seccomp profile costs bulwark, apart from the rest of a container
 * start: compiling it with libseccomp, reading its BPF back from the cache,
 * and loading it into a process. Used by bench/profile.sh, so the seccomp
 * rows can be predicted before the lifecycle loads filters.
 *   seccomp-cost CONFIG.JSON CACHE_DIR [N]
 * Prints medians in microseconds. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "linux/seccomp_cache.h"
#include "oci/load.h"
#include "util/cleanup.h"

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

int main(int argc, char **argv)
{
        if (argc < 3) {
                fprintf(stderr, "usage: seccomp-cost CONFIG.JSON CACHE_DIR [N]\n");
                return 2;
        }
        int n = argc > 3 ? atoi(argv[3]) : 20;
        if (n < 1 || n > 10000)
                n = 20;
        struct oci_config *c = NULL;
        _cleanup_error_ struct bw_error *err = NULL;
        if (oci_config_load_file(argv[1], &c, &err) < 0 || !c->linux || !c->linux->seccomp) {
                fprintf(stderr, "seccomp-cost: %s\n", err ? err->msg : "no linux.seccomp in the config");
                return 1;
        }
        const struct oci_seccomp *s = c->linux->seccomp;
        double *t = calloc((size_t)n, sizeof(double));
        struct bw_seccomp_filter f = { 0 };
        size_t insns = 0;

        for (int i = 0; i < n; i++) {
                double t0 = now_us();
                if (bw_seccomp_compile(s, &f, &err) < 0) {
                        fprintf(stderr, "seccomp-cost: %s\n", err->msg);
                        return 1;
                }
                t[i] = now_us() - t0;
                insns = f.n_insns;
                bw_seccomp_filter_clear(&f);
        }
        printf("compile (libseccomp, every time)  %8.0f us  (%zu BPF instructions)\n", median(t, n), insns);

        double t0 = now_us();
        if (bw_seccomp_compile_cached(s, argv[2], &f, &err) < 0) {
                fprintf(stderr, "seccomp-cost: %s\n", err->msg);
                return 1;
        }
        printf("first compile through the cache     %8.0f us  (from cache: %s)\n", now_us() - t0,
               f.from_cache ? "yes, it was warm" : "no, stored");
        bw_seccomp_filter_clear(&f);
        bool hit = true;
        for (int i = 0; i < n; i++) {
                t0 = now_us();
                if (bw_seccomp_compile_cached(s, argv[2], &f, &err) < 0) {
                        fprintf(stderr, "seccomp-cost: %s\n", err->msg);
                        return 1;
                }
                t[i] = now_us() - t0;
                hit = hit && f.from_cache;
                if (i < n - 1)
                        bw_seccomp_filter_clear(&f);
        }
        printf("cache hit                           %8.0f us  (all hits: %s)\n", median(t, n), hit ? "yes" : "no");

        /* Loading: in a child each time (a filter cannot be taken off). */
        int pipefd[2];
        for (int i = 0; i < n; i++) {
                if (pipe(pipefd) < 0)
                        return 1;
                pid_t pid = fork();
                if (pid == 0) {
                        close(pipefd[0]);
                        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
                        double a = now_us();
                        int r = bw_seccomp_load(&f, NULL, NULL);
                        double d = now_us() - a;
                        if (r < 0)
                                d = -1;
                        (void)!write(pipefd[1], &d, sizeof(d));
                        _exit(0);
                }
                close(pipefd[1]);
                double d = -1;
                (void)!read(pipefd[0], &d, sizeof(d));
                close(pipefd[0]);
                waitpid(pid, NULL, 0);
                t[i] = d;
        }
        printf("load into a process                 %8.0f us\n", median(t, n));
        bw_seccomp_filter_clear(&f);
        free(t);
        oci_config_free(c);
        return 0;
}
