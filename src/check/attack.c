/* bulwark check --attack: each breakout technique really attempted, in a
 * way that cannot change the host. The safeguards, technique by
 * technique:
 *  - every attempt that could be killed by a seccomp filter, stop the
 *    caller, or leave state behind runs in a forked child that exits;
 *  - mknod: the node is made in a fresh private directory, opened
 *    read-only and non-blocking, read for 512 bytes, never written, and
 *    unlinked with its directory;
 *  - mount: a tmpfs on a fresh empty directory, unmounted at once; the
 *    nested-namespace mount happens inside a new mount namespace that dies
 *    with the child;
 *  - raw and packet sockets are opened and closed, nothing is sent;
 *  - the foreign file (the fixture breakout-test provides) is read, and
 *    chowned and chmodded to the owner and mode it already has;
 *  - open_by_handle_at opens a handle of a file we can already name,
 *    read-only;
 *  - keyctl asks for the session keyring's id; bpf creates a one-entry
 *    array map that is closed; io_uring_setup and userfaultfd fds are
 *    closed unused;
 *  - ptrace uses PTRACE_SEIZE from a child that then exits: the tracee is
 *    never stopped, and the kernel detaches on the tracer's exit;
 *  - core_pattern is written only with the exact bytes it holds;
 *  - release_agent: a fresh, named, empty cgroup v1 hierarchy is mounted
 *    in a private mount namespace, its (empty) release_agent is written
 *    empty, and the hierarchy goes away with the mount;
 *  - the engine socket gets one GET /version and nothing more. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <dirent.h>
#include <linux/if_ether.h>
#include <netinet/in.h>

#include "check/check.h"
#include "check/probe.h"
#include "linux/idmap.h"
#include "util/cleanup.h"
#include "util/strv.h"

typedef enum bw_outcome (*technique_fn)(const struct bw_attack_opts *o, char *why, size_t n);

const char *bw_outcome_name(enum bw_outcome o)
{
        static const char *const names[] = { "blocked", "escaped", "skipped" };
        return names[o];
}

#define SAY(...) snprintf(why, n, __VA_ARGS__)
#define ERR(call) SAY("%s: %s", call, probe_errno_name(errno))

/* Run fn in a child; the child writes its reason into a pipe and exits
 * with the outcome. A child killed by a signal (a seccomp KILL action)
 * was blocked. */
static enum bw_outcome in_child(const struct bw_attack_opts *o, technique_fn fn, char *why, size_t n)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0) {
                ERR("pipe2");
                return BW_OUTCOME_SKIPPED;
        }
        pid_t pid = fork();
        if (pid < 0) {
                close(p[0]), close(p[1]);
                ERR("fork");
                return BW_OUTCOME_SKIPPED;
        }
        if (pid == 0) {
                close(p[0]);
                char buf[256] = "";
                enum bw_outcome r = fn(o, buf, sizeof(buf));
                ssize_t w = write(p[1], buf, strlen(buf));
                (void)w;
                _exit((int)r);
        }
        close(p[1]);
        ssize_t got = read(p[0], why, n - 1);
        why[got > 0 ? got : 0] = 0;
        close(p[0]);
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
        if (WIFSIGNALED(st)) {
                SAY("killed by signal %d (a seccomp filter)", WTERMSIG(st));
                return BW_OUTCOME_BLOCKED;
        }
        int code = WEXITSTATUS(st);
        return code <= BW_OUTCOME_SKIPPED ? (enum bw_outcome)code : BW_OUTCOME_SKIPPED;
}

/* A fresh private directory on a writable filesystem, or NULL. */
static char *scratch_dir(void)
{
        static const char *const bases[] = { "/dev", "/tmp", "/dev/shm", "/run", "/var/tmp", "/", NULL };
        for (size_t i = 0; bases[i]; i++) {
                char *p = NULL;
                if (asprintf(&p, "%s/.bulwark-check.XXXXXX", strcmp(bases[i], "/") ? bases[i] : "") < 0)
                        return NULL;
                if (mkdtemp(p))
                        return p;
                free(p);
        }
        return NULL;
}

/* The first disk in /proc/partitions. */
static bool host_disk(unsigned *maj, unsigned *min, char *name, size_t n)
{
        _cleanup_free_ char *s = NULL;
        if (probe_read("/proc/partitions", &s) < 0)
                return false;
        for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
                char nm[64];
                unsigned long long blocks;
                if (sscanf(line, " %u %u %llu %63s", maj, min, &blocks, nm) == 4 && strncmp(nm, "loop", 4) &&
                    strncmp(nm, "ram", 3)) {
                        snprintf(name, n, "%s", nm);
                        return true;
                }
        }
        return false;
}

static enum bw_outcome mknod_block(const struct bw_attack_opts *o, char *why, size_t n)
{
        (void)o;
        unsigned maj, min;
        char disk[64];
        if (!host_disk(&maj, &min, disk, sizeof(disk)))
                return SAY("no disk in /proc/partitions"), BW_OUTCOME_SKIPPED;
        _cleanup_free_ char *dir = scratch_dir();
        if (!dir)
                return SAY("no writable directory to make a node in"), BW_OUTCOME_SKIPPED;
        char node[4200];
        snprintf(node, sizeof(node), "%s/disk", dir);
        enum bw_outcome res;
        if (mknod(node, S_IFBLK | 0600, makedev(maj, min)) < 0) {
                SAY("mknod %s (%u:%u): %s", disk, maj, min, probe_errno_name(errno));
                res = BW_OUTCOME_BLOCKED;
        } else {
                int fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
                if (fd < 0) {
                        SAY("mknod %s (%u:%u) worked; open: %s", disk, maj, min, probe_errno_name(errno));
                        res = BW_OUTCOME_BLOCKED;
                } else {
                        char buf[512];
                        ssize_t r = read(fd, buf, sizeof(buf));
                        SAY("mknod and open of %s (%u:%u) worked; read %zd bytes of the host's disk", disk, maj, min, r);
                        res = r > 0 ? BW_OUTCOME_ESCAPED : BW_OUTCOME_BLOCKED;
                        close(fd);
                }
                unlink(node);
        }
        rmdir(dir);
        return res;
}

static enum bw_outcome mount_tmpfs(const struct bw_attack_opts *o, char *why, size_t n)
{
        (void)o;
        _cleanup_free_ char *dir = scratch_dir();
        if (!dir)
                return SAY("no writable directory to mount on"), BW_OUTCOME_SKIPPED;
        enum bw_outcome res = BW_OUTCOME_BLOCKED;
        if (mount("bulwark-check", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k") < 0) {
                ERR("mount tmpfs");
        } else {
                SAY("mount tmpfs worked (CAP_SYS_ADMIN over this mount namespace)");
                umount2(dir, MNT_DETACH);
                res = BW_OUTCOME_ESCAPED;
        }
        rmdir(dir);
        return res;
}

static enum bw_outcome raw_socket(const struct bw_attack_opts *o, char *why, size_t n)
{
        (void)o;
        int s = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
        if (s < 0)
                return ERR("socket(AF_INET, SOCK_RAW)"), BW_OUTCOME_BLOCKED;
        close(s);
        return SAY("socket(AF_INET, SOCK_RAW) opened: packets can be forged"), BW_OUTCOME_ESCAPED;
}

static enum bw_outcome packet_socket(const struct bw_attack_opts *o, char *why, size_t n)
{
        (void)o;
        int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
        if (s < 0)
                return ERR("socket(AF_PACKET, SOCK_RAW)"), BW_OUTCOME_BLOCKED;
        close(s);
        return SAY("socket(AF_PACKET, SOCK_RAW) opened: the network can be sniffed"), BW_OUTCOME_ESCAPED;
}

/* The fixture's foreign file: the first regular file not owned by us. */
static bool foreign_file(const struct bw_attack_opts *o, char *path, size_t pn, struct stat *st)
{
        if (!o->fixture)
                return false;
        _cleanup_closedir_ DIR *d = opendir(o->fixture);
        for (struct dirent *e; d && (e = readdir(d));) {
                snprintf(path, pn, "%s/%s", o->fixture, e->d_name);
                if (lstat(path, st) == 0 && S_ISREG(st->st_mode) && st->st_uid != geteuid())
                        return true;
        }
        return false;
}

static enum bw_outcome read_foreign(const struct bw_attack_opts *o, char *why, size_t n)
{
        char path[4200];
        struct stat st;
        if (!foreign_file(o, path, sizeof(path), &st))
                return SAY("no fixture folder with a foreign-owned file (--fixture)"), BW_OUTCOME_SKIPPED;
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return SAY("open %s (uid %u, mode %03o): %s", path, st.st_uid, st.st_mode & 0777,
                           probe_errno_name(errno)), BW_OUTCOME_BLOCKED;
        char buf[64];
        ssize_t r = read(fd, buf, sizeof(buf));
        close(fd);
        SAY("read %zd bytes of %s (uid %u, mode %03o)", r, path, st.st_uid, st.st_mode & 0777);
        return r >= 0 ? BW_OUTCOME_ESCAPED : BW_OUTCOME_BLOCKED;
}

static enum bw_outcome chown_foreign(const struct bw_attack_opts *o, char *why, size_t n)
{
        char path[4200];
        struct stat st;
        if (!foreign_file(o, path, sizeof(path), &st))
                return SAY("no fixture folder with a foreign-owned file (--fixture)"), BW_OUTCOME_SKIPPED;
        /* to the owner and mode it has: a success proves the power, changes nothing */
        if (lchown(path, st.st_uid, st.st_gid) < 0)
                return SAY("chown %s to its own owner %u: %s", path, st.st_uid, probe_errno_name(errno)),
                       BW_OUTCOME_BLOCKED;
        if (chmod(path, st.st_mode & 07777) < 0)
                return SAY("chown of %s worked; chmod: %s", path, probe_errno_name(errno)), BW_OUTCOME_ESCAPED;
        return SAY("chown and chmod of %s (uid %u) worked", path, st.st_uid), BW_OUTCOME_ESCAPED;
}

static enum bw_outcome by_handle(const struct bw_attack_opts *o, char *why, size_t n)
{
        char path[4200] = "/";
        struct stat st;
        if (!foreign_file(o, path, sizeof(path), &st))
                snprintf(path, sizeof(path), "/");
        struct {
                struct file_handle h;
                unsigned char buf[MAX_HANDLE_SZ];
        } fh = { .h.handle_bytes = MAX_HANDLE_SZ };
        int mnt;
        if (name_to_handle_at(AT_FDCWD, path, &fh.h, &mnt, 0) < 0)
                return SAY("name_to_handle_at %s: %s", path, probe_errno_name(errno)), BW_OUTCOME_SKIPPED;
        _cleanup_close_ int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int fd = syscall(SYS_open_by_handle_at, root, &fh.h, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return ERR("open_by_handle_at"), BW_OUTCOME_BLOCKED;
        close(fd);
        (void)o;
        return SAY("open_by_handle_at of %s worked: any inode of that filesystem can be opened (shocker)", path),
               BW_OUTCOME_ESCAPED;
}

static int write_file(const char *path, const char *s)
{
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        return write(fd, s, strlen(s)) < 0 ? -errno : 0;
}

static enum bw_outcome nested_userns(const struct bw_attack_opts *o, char *why, size_t n)
{
        (void)o;
        uid_t uid = geteuid();
        gid_t gid = getegid();
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
                return ERR("unshare(CLONE_NEWUSER|CLONE_NEWNS)"), BW_OUTCOME_BLOCKED;
        _cleanup_free_ char *umap = bw_idmap_format_one(0, uid, 1), *gmap = bw_idmap_format_one(0, gid, 1);
        if (!umap || !gmap)
                return SAY("formatting the id maps: out of memory"), BW_OUTCOME_SKIPPED;
        write_file("/proc/self/setgroups", "deny");
        int r = write_file("/proc/self/uid_map", umap);
        if (r == 0)
                r = write_file("/proc/self/gid_map", gmap);
        if (r < 0)
                return SAY("unshare worked; writing the id maps: %s", probe_errno_name(-r)), BW_OUTCOME_BLOCKED;
        /* a private mount namespace of this child only */
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("bulwark-check", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=4k") < 0)
                return SAY("unshare worked; mount tmpfs in it: %s", probe_errno_name(errno)), BW_OUTCOME_BLOCKED;
        return SAY("a nested user namespace mounts tmpfs (the kernel's mount code is reachable: CVE-2022-0185 class)"),
               BW_OUTCOME_ESCAPED;
}

static enum bw_outcome keyring(const struct bw_attack_opts *o, char *why, size_t n)
{
        (void)o;
        long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
        if (id < 0)
                return ERR("keyctl(KEYCTL_GET_KEYRING_ID)"), BW_OUTCOME_BLOCKED;
        return SAY("keyctl works (session keyring %ld): the kernel keyring is not namespaced", id), BW_OUTCOME_ESCAPED;
}

static enum bw_outcome bpf_map(const struct bw_attack_opts *o, char *why, size_t n)
{
        (void)o;
        union bpf_attr a = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 1 };
        long fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
        if (fd < 0)
                return ERR("bpf(BPF_MAP_CREATE)"), BW_OUTCOME_BLOCKED;
        close((int)fd);
        return SAY("bpf(BPF_MAP_CREATE) worked"), BW_OUTCOME_ESCAPED;
}

static enum bw_outcome io_uring(const struct bw_attack_opts *o, char *why, size_t n)
{
        (void)o;
        struct io_uring_params p = { 0 };
        long fd = syscall(SYS_io_uring_setup, 1, &p);
        if (fd < 0)
                return ERR("io_uring_setup"), BW_OUTCOME_BLOCKED;
        close((int)fd);
        return SAY("io_uring_setup worked (a large kernel attack surface)"), BW_OUTCOME_ESCAPED;
}

static enum bw_outcome uffd(const struct bw_attack_opts *o, char *why, size_t n)
{
        (void)o;
        long fd = syscall(SYS_userfaultfd, O_CLOEXEC);
        if (fd < 0)
                return ERR("userfaultfd"), BW_OUTCOME_BLOCKED;
        close((int)fd);
        return SAY("userfaultfd worked (exploit race timing)"), BW_OUTCOME_ESCAPED;
}

/* A visible process in another mount namespace than ours. */
static pid_t outsider(void)
{
        char self[64] = "";
        if (readlink("/proc/self/ns/mnt", self, sizeof(self) - 1) < 0)
                return 0;
        _cleanup_closedir_ DIR *d = opendir("/proc");
        for (struct dirent *e; d && (e = readdir(d));) {
                pid_t pid = atoi(e->d_name);
                if (pid <= 2)
                        continue;
                char p[64], ns[64] = "";
                snprintf(p, sizeof(p), "/proc/%d/ns/mnt", pid);
                if (readlink(p, ns, sizeof(ns) - 1) > 0 && strcmp(ns, self) != 0)
                        return pid;
        }
        return 0;
}

static enum bw_outcome ptrace_outside(const struct bw_attack_opts *o, char *why, size_t n)
{
        (void)o;
        pid_t pid = outsider();
        if (!pid)
                return SAY("no process of another mount namespace is visible"), BW_OUTCOME_SKIPPED;
        if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
                return SAY("PTRACE_SEIZE of pid %d (outside the container): %s", pid, probe_errno_name(errno)),
                       BW_OUTCOME_BLOCKED;
        /* the child exits now: the kernel detaches, the tracee never stopped */
        return SAY("PTRACE_SEIZE of pid %d (outside the container) worked", pid), BW_OUTCOME_ESCAPED;
}

static enum bw_outcome core_pattern(const struct bw_attack_opts *o, char *why, size_t n)
{
        (void)o;
        _cleanup_free_ char *cur = NULL;
        if (probe_read("/proc/sys/kernel/core_pattern", &cur) < 0)
                return ERR("reading /proc/sys/kernel/core_pattern"), BW_OUTCOME_SKIPPED;
        _cleanup_close_ int fd = open("/proc/sys/kernel/core_pattern", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return ERR("open /proc/sys/kernel/core_pattern for writing"), BW_OUTCOME_BLOCKED;
        /* its own current value, byte for byte */
        if (write(fd, cur, strlen(cur)) < 0)
                return ERR("write of core_pattern's own value"), BW_OUTCOME_BLOCKED;
        return SAY("wrote /proc/sys/kernel/core_pattern (with its own value): the host runs its helper as root"),
               BW_OUTCOME_ESCAPED;
}

static enum bw_outcome release_agent(const struct bw_attack_opts *o, char *why, size_t n)
{
        (void)o;
        if (unshare(CLONE_NEWNS) < 0)
                return ERR("unshare(CLONE_NEWNS)"), BW_OUTCOME_BLOCKED;
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return ERR("making / private"), BW_OUTCOME_BLOCKED;
        _cleanup_free_ char *dir = scratch_dir();
        if (!dir)
                return SAY("no writable directory to mount on"), BW_OUTCOME_SKIPPED;
        char opts[64], ra[4200];
        snprintf(opts, sizeof(opts), "none,name=bulwark-check-%d", getpid());
        if (mount("bulwark-check", dir, "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts) < 0) {
                ERR("mount cgroup v1");
                rmdir(dir);
                return BW_OUTCOME_BLOCKED;
        }
        snprintf(ra, sizeof(ra), "%s/release_agent", dir);
        int r = write_file(ra, "\n"); /* a fresh hierarchy's release_agent is empty */
        umount2(dir, MNT_DETACH);
        rmdir(dir);
        if (r < 0)
                return SAY("a fresh cgroup v1 hierarchy mounted; writing its release_agent: %s", probe_errno_name(-r)),
                       BW_OUTCOME_BLOCKED;
        return SAY("release_agent of a fresh cgroup hierarchy is writable: the host runs it as root"),
               BW_OUTCOME_ESCAPED;
}

static enum bw_outcome engine_api(const struct bw_attack_opts *o, char *why, size_t n)
{
        (void)o;
        _cleanup_strv_ char **socks = NULL;
        if (bw_check_engine_sockets(&socks) < 0 || !socks || !socks[0])
                return SAY("no engine socket accepts connect()"), BW_OUTCOME_BLOCKED;
        struct sockaddr_un a = { .sun_family = AF_UNIX };
        snprintf(a.sun_path, sizeof(a.sun_path), "%s", socks[0]);
        _cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct timeval tv = { 2, 0 };
        if (s >= 0) {
                setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
                setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        }
        if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
                return SAY("connect %s: %s", socks[0], probe_errno_name(errno)), BW_OUTCOME_BLOCKED;
        static const char req[] = "GET /version HTTP/1.0\r\nHost: engine\r\n\r\n";
        char buf[64] = "";
        ssize_t r = write(s, req, sizeof(req) - 1) < 0 ? -1 : read(s, buf, sizeof(buf) - 1);
        if (r > 0) {
                buf[r] = 0;
                buf[strcspn(buf, "\r\n")] = 0;
                return SAY("%s answered GET /version: %s", socks[0], buf), BW_OUTCOME_ESCAPED;
        }
        return SAY("%s accepts connect() (no HTTP answer)", socks[0]), BW_OUTCOME_ESCAPED;
}

static const struct {
        const char *name;
        enum bw_rule_key rule;
        technique_fn fn;
} techniques[] = {
        { "mknod-block-device", BW_RULE_CAP_MKNOD, mknod_block },
        { "mount", BW_RULE_CAP_SYS_ADMIN, mount_tmpfs },
        { "raw-socket", BW_RULE_CAP_NET_RAW, raw_socket },
        { "packet-socket", BW_RULE_CAP_NET_RAW, packet_socket },
        { "read-foreign-file", BW_RULE_CAP_DAC_OVERRIDE, read_foreign },
        { "chown-foreign-file", BW_RULE_CAP_CHOWN, chown_foreign },
        { "open-by-handle", BW_RULE_CAP_DAC_READ_SEARCH, by_handle },
        { "nested-userns-mount", BW_RULE_SECCOMP_BREAKOUT_SYSCALLS, nested_userns },
        { "keyctl", BW_RULE_SECCOMP_BREAKOUT_SYSCALLS, keyring },
        { "bpf", BW_RULE_CAP_BPF, bpf_map },
        { "io-uring", BW_RULE_SECCOMP_BREAKOUT_SYSCALLS, io_uring },
        { "userfaultfd", BW_RULE_SECCOMP_BREAKOUT_SYSCALLS, uffd },
        { "ptrace-outside", BW_RULE_PTRACE_HOST_PID, ptrace_outside },
        { "core-pattern", BW_RULE_PROC_SYS_WRITABLE, core_pattern },
        { "release-agent", BW_RULE_SENSITIVE_MOUNT_WRITABLE, release_agent },
        { "engine-socket-api", BW_RULE_ENGINE_SOCKET_MOUNT, engine_api },
};

int bw_check_attack(const struct bw_attack_opts *o, struct bw_attempt **out, size_t *n)
{
        size_t count = sizeof(techniques) / sizeof(techniques[0]);
        struct bw_attempt *v = calloc(count, sizeof(*v));
        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < count; i++) {
                v[i].technique = techniques[i].name;
                v[i].rule = techniques[i].rule;
                v[i].outcome = in_child(o, techniques[i].fn, v[i].reason, sizeof(v[i].reason));
        }
        *out = v;
        *n = count;
        return 0;
}
