/* The seccomp BPF cache.
 *
 * A file holds one compiled profile:
 *
 *     magic "BWSCBPF\1" | u32 key length | u32 instruction count |
 *     u64 FNV-1a of key and instructions | key | instructions
 *
 * The key is the canonical text of everything the BPF depends on (the
 * profile's actions, architectures and rules, the bulwark and libseccomp
 * versions, the native architecture). The file name is a hash of the key,
 * but a hit needs the whole key to match, so a hash collision is a miss,
 * never a wrong filter. Load flags and the listener are not in the key:
 * they are recomputed (and probed) on every compile.
 *
 * The cache decides which syscalls a container may make, so it is only
 * trusted when the directory and file belong to us and nobody else can
 * write them. Writes go to a temporary file renamed into place, so readers
 * see a whole file or none. */
#include "linux/seccomp_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/version.h"

/* Bump when the BPF this code produces for a given profile changes. */
#define CACHE_FORMAT 1
static const char cache_magic[8] = { 'B', 'W', 'S', 'C', 'B', 'P', 'F', 1 };

struct cache_header {
        char magic[8];
        uint32_t key_len;
        uint32_t n_insns;
        uint64_t checksum;
};

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
        const unsigned char *p = data;
        for (size_t i = 0; i < len; i++) {
                h ^= p[i];
                h *= FNV_PRIME;
        }
        return h;
}

/* Decimal without printf: the key has ~350 names per profile, and
 * fprintf was most of the cost of computing it. */
static void put_u64(FILE *f, unsigned long long v)
{
        char d[24];
        size_t i = sizeof(d);
        do
                d[--i] = (char)('0' + v % 10);
        while ((v /= 10));
        fwrite(d + i, 1, sizeof(d) - i, f);
}

static void put_str(FILE *f, const char *s)
{
        /* Length-prefixed, so no name can forge the text around it. */
        if (s) {
                size_t n = strlen(s);
                fputc(' ', f);
                put_u64(f, n);
                fputc(':', f);
                fwrite(s, 1, n, f);
        } else {
                fputs(" -", f);
        }
}

static void put_opt_u32(FILE *f, oci_opt_u32 v)
{
        if (v.set) {
                fputc(' ', f);
                put_u64(f, v.v);
        } else {
                fputs(" -", f);
        }
}

/* The canonical text of what the BPF of s depends on. */
static char *canonical_key(const struct oci_seccomp *s, size_t *len)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        const struct scmp_version *v = seccomp_version();
        fprintf(f, "bulwark-seccomp-bpf %d\nbulwark %s %s\nlibseccomp %u.%u.%u\nnative %#x\n", CACHE_FORMAT,
                bw_version, bw_commit, v->major, v->minor, v->micro, seccomp_arch_native());
        fprintf(f, "default %d", (int)s->default_action);
        put_opt_u32(f, s->default_errno_ret);
        fputs("\narch", f);
        for (char **a = s->architectures; a && *a; a++)
                put_str(f, *a);
        for (size_t i = 0; i < s->n_syscalls; i++) {
                const struct oci_seccomp_syscall *sc = &s->syscalls[i];
                fputs("\nrule ", f);
                put_u64(f, (unsigned)sc->action);
                put_opt_u32(f, sc->errno_ret);
                fputs(" names", f);
                for (char **n = sc->names; n && *n; n++)
                        put_str(f, *n);
                fputs(" args ", f);
                put_u64(f, sc->n_args);
                for (size_t j = 0; j < sc->n_args; j++)
                        fprintf(f, " %u:%d:%llu:%llu", sc->args[j].index, (int)sc->args[j].op,
                                (unsigned long long)sc->args[j].value, (unsigned long long)sc->args[j].value_two);
        }
        fputc('\n', f);
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        *len = size;
        return buf;
}

static char *file_name_for(const char *key, size_t key_len)
{
        char *name = NULL;
        if (asprintf(&name, "%016llx.bpf", (unsigned long long)fnv1a(FNV_OFFSET, key, key_len)) < 0)
                return NULL;
        return name;
}

char *bw_seccomp_cache_path(const struct oci_seccomp *s, const char *dir)
{
        size_t key_len;
        _cleanup_free_ char *key = canonical_key(s, &key_len);
        if (!key)
                return NULL;
        _cleanup_free_ char *name = file_name_for(key, key_len);
        char *path = NULL;
        if (!name || asprintf(&path, "%s/%s", dir, name) < 0)
                return NULL;
        return path;
}

/* Ours alone: owned by our euid, writable by nobody else. */
static int check_private(int fd, bool want_dir)
{
        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
                return -EBADMSG;
        if (st.st_uid != geteuid() || (st.st_mode & 022))
                return -EPERM;
        return 0;
}

static int open_cache_dir(const char *dir)
{
        int r = bw_mkdir_parents(dir, 0700, 0700);
        if (r < 0)
                return r;
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        r = check_private(fd, true);
        if (r < 0) {
                close(fd);
                return r;
        }
        return fd;
}

static int read_exact(int fd, void *buf, size_t len)
{
        for (size_t off = 0; off < len;) {
                ssize_t n = read(fd, (char *)buf + off, len - off);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -EBADMSG;
                off += (size_t)n;
        }
        return 0;
}

/* 0 and the instructions on a hit; -ENOENT when there is no file; another
 * negative code when the file cannot be trusted or is not ours to use. */
static int cache_read(int dirfd, const char *name, const char *key, size_t key_len, struct sock_filter **insns,
                      size_t *n)
{
        _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0)
                return errno == ELOOP ? -EBADMSG : -errno;
        int r = check_private(fd, false);
        if (r < 0)
                return r;
        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        struct cache_header h;
        size_t size = (size_t)st.st_size;
        if (size < sizeof(h))
                return -EBADMSG;
        r = read_exact(fd, &h, sizeof(h));
        if (r < 0)
                return r;
        if (memcmp(h.magic, cache_magic, sizeof(cache_magic)) != 0 || h.key_len != key_len ||
            h.n_insns == 0 || h.n_insns > BPF_MAXINSNS ||
            size != sizeof(h) + key_len + (size_t)h.n_insns * sizeof(struct sock_filter))
                return -EBADMSG;
        _cleanup_free_ char *stored_key = malloc(key_len);
        _cleanup_free_ struct sock_filter *buf = malloc(h.n_insns * sizeof(*buf));
        if (!stored_key || !buf)
                return -ENOMEM;
        r = read_exact(fd, stored_key, key_len);
        if (r < 0)
                return r;
        r = read_exact(fd, buf, h.n_insns * sizeof(*buf));
        if (r < 0)
                return r;
        if (memcmp(stored_key, key, key_len) != 0)
                return -EBADMSG; /* another profile with the same hash */
        uint64_t sum = fnv1a(fnv1a(FNV_OFFSET, stored_key, key_len), buf, h.n_insns * sizeof(*buf));
        if (sum != h.checksum)
                return -EBADMSG;
        *insns = take_ptr(buf);
        *n = h.n_insns;
        return 0;
}

static int write_all(int fd, const struct iovec *iov, int n_iov)
{
        size_t total = 0;
        for (int i = 0; i < n_iov; i++)
                total += iov[i].iov_len;
        /* Regular files take the whole write unless the disk is full. */
        ssize_t w = writev(fd, iov, n_iov);
        if (w < 0)
                return -errno;
        return (size_t)w == total ? 0 : -ENOSPC;
}

static int cache_write(int dirfd, const char *name, const char *key, size_t key_len,
                       const struct sock_filter *insns, size_t n)
{
        struct cache_header h = { .key_len = (uint32_t)key_len, .n_insns = (uint32_t)n };
        memcpy(h.magic, cache_magic, sizeof(h.magic));
        h.checksum = fnv1a(fnv1a(FNV_OFFSET, key, key_len), insns, n * sizeof(*insns));

        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        char tmp[96];
        _cleanup_close_ int fd = -1;
        for (int attempt = 0; attempt < 8 && fd < 0; attempt++) {
                snprintf(tmp, sizeof(tmp), ".%s.%d.%ld.%d", name, (int)getpid(), ts.tv_nsec, attempt);
                fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
                if (fd < 0 && errno != EEXIST)
                        return -errno;
        }
        if (fd < 0)
                return -EEXIST;
        struct iovec iov[3] = {
                { &h, sizeof(h) },
                { (void *)key, key_len },
                { (void *)insns, n * sizeof(*insns) },
        };
        int r = write_all(fd, iov, 3);
        if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
                r = -errno;
        if (r < 0)
                unlinkat(dirfd, tmp, 0);
        return r;
}

int bw_seccomp_compile_cached(const struct oci_seccomp *s, const char *dir, struct bw_seccomp_filter *out,
                              struct bw_error **err)
{
        if (!dir)
                return bw_seccomp_compile(s, out, err);
        *out = (struct bw_seccomp_filter){ 0 };
        unsigned int flags;
        bool notify;
        int r = bw_seccomp_load_flags(s, &flags, &notify, err);
        if (r < 0)
                return r;

        size_t key_len;
        _cleanup_free_ char *key = canonical_key(s, &key_len);
        _cleanup_free_ char *name = key ? file_name_for(key, key_len) : NULL;
        if (!name)
                return bw_error_set(err, -ENOMEM, "computing the seccomp cache key");

        _cleanup_close_ int dirfd = open_cache_dir(dir);
        if (dirfd < 0)
                bw_debug("seccomp cache %s not used: %s", dir, strerror(-dirfd));

        if (dirfd >= 0) {
                r = cache_read(dirfd, name, key, key_len, &out->insns, &out->n_insns);
                if (r == 0) {
                        out->flags = flags;
                        out->notify = notify;
                        out->from_cache = true;
                        return 0;
                }
                if (r != -ENOENT)
                        bw_debug("seccomp cache file %s/%s ignored (%s); recompiling", dir, name, strerror(-r));
        }

        r = bw_seccomp_compile_bpf(s, &out->insns, &out->n_insns, err);
        if (r < 0)
                return r;
        out->flags = flags;
        out->notify = notify;
        if (dirfd >= 0) {
                r = cache_write(dirfd, name, key, key_len, out->insns, out->n_insns);
                if (r < 0)
                        bw_debug("seccomp cache file %s/%s not written: %s", dir, name, strerror(-r));
        }
        return 0;
}
