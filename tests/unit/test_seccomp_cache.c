/* The seccomp BPF cache: hits, the file really used, corrupt, truncated and
 * foreign files, an untrusted or unusable directory. */
#include <dirent.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "linux/seccomp_cache.h"
#include "oci/seccomp_default.h"
#include "util/cleanup.h"

/* ---- The BPF cache ------------------------------------------------------------ */

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
        const unsigned char *p = data;
        for (size_t i = 0; i < len; i++) {
                h ^= p[i];
                h *= 0x100000001b3ULL;
        }
        return h;
}

static char *slurp(const char *path, size_t *len)
{
        _cleanup_fclose_ FILE *fp = fopen(path, "rb");
        if (!fp)
                return NULL;
        char *buf = malloc(1 << 20);
        *len = fread(buf, 1, 1 << 20, fp);
        return buf;
}

static bool spill(const char *path, const void *data, size_t len)
{
        _cleanup_fclose_ FILE *fp = fopen(path, "wb");
        return fp && fwrite(data, 1, len, fp) == len;
}

static bool same_filter(const struct bw_seccomp_filter *a, const struct bw_seccomp_filter *b)
{
        return a->n_insns == b->n_insns && memcmp(a->insns, b->insns, a->n_insns * sizeof(*a->insns)) == 0;
}

static int count_files(const char *dir)
{
        _cleanup_closedir_ DIR *d = opendir(dir);
        int n = 0;
        for (struct dirent *e; d && (e = readdir(d));)
                n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
        return n;
}

static void test_cache(void)
{
        char top[] = "/tmp/bw-seccomp-cache-XXXXXX";
        if (!mkdtemp(top)) {
                tap_ok(false, "mkdtemp");
                return;
        }
        char dir[128];
        snprintf(dir, sizeof(dir), "%s/root/seccomp-cache", top);
        struct oci_seccomp *s = oci_seccomp_default(0);
        _cleanup_free_ char *path = bw_seccomp_cache_path(s, dir);
        _cleanup_error_ struct bw_error *err = NULL;
        struct bw_seccomp_filter plain, first, second, again;

        bool ok = bw_seccomp_compile(s, &plain, &err) == 0 && bw_seccomp_compile_cached(s, dir, &first, &err) == 0;
        tap_ok(ok && !first.from_cache, "first compile through the cache compiles (%s)", err ? err->msg : "ok");
        if (!ok)
                return;
        struct stat st;
        tap_ok(stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0600,
               "it leaves a 0600 cache file named by the profile's hash (%s)", path);
        tap_ok(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "the cache directory is created 0700");
        tap_ok(same_filter(&plain, &first), "the cached compile's BPF equals a plain compile's");

        ok = bw_seccomp_compile_cached(s, dir, &second, &err) == 0;
        tap_ok(ok && second.from_cache && same_filter(&first, &second),
               "second compile of the same profile is served from the cache, with identical bytes");
        if (ok)
                bw_seccomp_filter_clear(&second);

        /* Prove the file is what gets served: forge a valid entry whose
         * program differs (the format is documented in seccomp_cache.c). */
        size_t len = 0;
        _cleanup_free_ char *orig = slurp(path, &len);
        if (!orig || len < 24) {
                tap_ok(false, "reading the cache file %s", path);
                return;
        }
        uint32_t key_len, n_insns;
        memcpy(&key_len, orig + 8, 4);
        memcpy(&n_insns, orig + 12, 4);
        size_t prog_off = 24 + key_len;
        tap_ok(len == prog_off + (size_t)n_insns * 8 && n_insns == first.n_insns, "the cache file holds header, key and program");
        _cleanup_free_ char *forged = malloc(len);
        memcpy(forged, orig, len);
        struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
        memcpy(forged + prog_off, &allow, sizeof(allow));
        uint64_t sum = fnv1a(fnv1a(0xcbf29ce484222325ULL, forged + 24, key_len), forged + prog_off, (size_t)n_insns * 8);
        memcpy(forged + 16, &sum, 8);
        spill(path, forged, len);
        ok = bw_seccomp_compile_cached(s, dir, &second, &err) == 0;
        tap_ok(ok && second.from_cache && second.insns[0].code == (BPF_RET | BPF_K) &&
                       second.insns[0].k == SECCOMP_RET_ALLOW,
               "a well-formed cache file is used as is (the forged first instruction comes back)");
        if (ok)
                bw_seccomp_filter_clear(&second);

        /* Corrupt: one program byte flipped, checksum left alone. */
        memcpy(forged, orig, len);
        forged[prog_off + 3] ^= 0x40;
        spill(path, forged, len);
        ok = bw_seccomp_compile_cached(s, dir, &again, &err) == 0;
        tap_ok(ok && !again.from_cache && same_filter(&again, &first), "a corrupt cache file is ignored and the profile recompiled");
        if (ok)
                bw_seccomp_filter_clear(&again);
        size_t len2 = 0;
        _cleanup_free_ char *rewritten = slurp(path, &len2);
        tap_ok(len2 == len && memcmp(rewritten, orig, len) == 0, "... and the cache file is rewritten whole");

        /* Truncated. */
        spill(path, orig, len / 2);
        ok = bw_seccomp_compile_cached(s, dir, &again, &err) == 0;
        tap_ok(ok && !again.from_cache && same_filter(&again, &first), "a truncated cache file is ignored and rewritten");
        if (ok)
                bw_seccomp_filter_clear(&again);

        /* A file someone else owns is not trusted. */
        if (geteuid() == 0 && chown(path, 65534, 65534) == 0) {
                ok = bw_seccomp_compile_cached(s, dir, &again, &err) == 0;
                tap_ok(ok && !again.from_cache && stat(path, &st) == 0 && st.st_uid == 0,
                       "a cache file owned by another user is not used, and replaced");
                if (ok)
                        bw_seccomp_filter_clear(&again);
        } else {
                tap_skip("needs root to chown", "a cache file owned by another user is not used");
        }

        /* A directory others can write is not used at all. */
        chmod(dir, 0777);
        ok = bw_seccomp_compile_cached(s, dir, &again, &err) == 0;
        tap_ok(ok && !again.from_cache && same_filter(&again, &first),
               "a world-writable cache directory is not trusted; the profile is compiled instead");
        if (ok)
                bw_seccomp_filter_clear(&again);
        chmod(dir, 0700);

        /* A different profile gets its own file; no temporary files remain. */
        struct oci_seccomp *other = oci_seccomp_default(1ULL << CAP_SYS_CHROOT);
        ok = bw_seccomp_compile_cached(other, dir, &again, &err) == 0;
        _cleanup_free_ char *other_path = bw_seccomp_cache_path(other, dir);
        tap_ok(ok && strcmp(other_path, path) != 0 && count_files(dir) == 2 && !same_filter(&again, &first),
               "a different profile gets a different cache file (%d files)", count_files(dir));
        if (ok)
                bw_seccomp_filter_clear(&again);

        /* An unusable directory falls back to compiling. */
        char blocked[160];
        snprintf(blocked, sizeof(blocked), "%s/file", top);
        spill(blocked, "x", 1);
        char under_file[192];
        snprintf(under_file, sizeof(under_file), "%s/cache", blocked);
        ok = bw_seccomp_compile_cached(s, under_file, &again, &err) == 0;
        tap_ok(ok && !again.from_cache && same_filter(&again, &first), "a cache directory that cannot be created falls back to compiling");
        if (ok)
                bw_seccomp_filter_clear(&again);

        bw_seccomp_filter_clear(&plain);
        bw_seccomp_filter_clear(&first);
        oci_seccomp_free(s);
        oci_seccomp_free(other);
        _cleanup_free_ char *cmd = NULL;
        if (asprintf(&cmd, "rm -rf '%s'", top) > 0 && system(cmd) != 0)
                printf("# could not remove %s\n", top);
}

int main(void)
{
        test_cache();
        return tap_done();
}
