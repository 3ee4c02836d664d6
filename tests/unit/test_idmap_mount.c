/* Idmapped bind mounts against a real tmpfs: what container root sees
 * through one, and who owns what it creates. */
#include "tap.h"
#include "mount_scratch.h"

#include <sys/capability.h>

#include "linux/idmap_mount.h"
#include "util/cleanup.h"

#define BASE 100000u
static const char *map = "0 100000 65536\n";

static uid_t owner(const char *path)
{
        struct stat st;
        return lstat(path, &st) == 0 ? st.st_uid : (uid_t)-1;
}

static gid_t group(const char *path)
{
        struct stat st;
        return lstat(path, &st) == 0 ? st.st_gid : (gid_t)-1;
}

/* Inside the user namespace: what the idmapped view shows. */
static int inside_view(void *arg)
{
        (void)arg;
        if (owner(sp("view/rootfile")) != 0 || group(sp("view/rootfile")) != 0)
                return 1;
        if (owner(sp("view/userfile")) != 1000)
                return 2;
        /* the same files without the idmapped mount: host root is unmapped */
        if (owner(sp("src/rootfile")) != 65534)
                return 3;
        return 0;
}

static int inside_create(void *arg)
{
        (void)arg;
        if (put_file(sp("view/made-inside"), "x", 0, 0, 0644) < 0)
                return 1;
        if (mkdir(sp("view/dir-inside"), 0755) < 0)
                return 2;
        return 0;
}

/* chmod 600 file of another host user in a mounted folder: container root
 * without CAP_DAC_OVERRIDE cannot read it, through the idmapped view. */
static int try_read(const char *path)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
                close(fd);
                return 0;
        }
        return -errno;
}

static int inside_read_private(void *arg)
{
        (void)arg;
        /* even with every capability of its namespace, a file whose owner
         * is outside the mapping (the plain path) stays closed */
        if (try_read(sp("src/private")) != -EACCES)
                return 1;
        /* through the view the owner is mapped (1234), so what stops root
         * is the capabilities bulwark drops: DAC_OVERRIDE, DAC_READ_SEARCH */
        cap_t caps = cap_get_proc();
        cap_value_t dac[] = { CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH };
        if (!caps || cap_set_flag(caps, CAP_EFFECTIVE, 2, dac, CAP_CLEAR) < 0 || cap_set_proc(caps) < 0)
                return 2;
        cap_free(caps);
        if (try_read(sp("view/private")) != -EACCES)
                return 3;
        if (try_read(sp("view/rootfile")) != 0)
                return 4;
        return 0;
}

static void test_bind(int userns)
{
        tap_ok(put_dir(sp("src"), 0, 0, 0755) == 0 && put_dir(sp("view"), 0, 0, 0755) == 0, "scratch dirs");
        put_file(sp("src/rootfile"), "root", 0, 0, 0644);
        put_file(sp("src/userfile"), "user", 1000, 1000, 0644);

        _cleanup_error_ struct bw_error *err = NULL;
        _cleanup_close_ int m = bw_idmap_mount_clone(AT_FDCWD, sp("src"), userns, false, &err);
        tap_ok(m >= 0, "idmapped clone of a tmpfs directory%s%s", err ? ": " : "", err ? err->msg : "");
        if (m < 0)
                return;
        tap_ok(move_mount(m, "", AT_FDCWD, sp("view"), MOVE_MOUNT_F_EMPTY_PATH) == 0, "attached with move_mount");

        tap_is_int(owner(sp("view/rootfile")), BASE, "host sees a host-root file as the range's root through the view");
        tap_is_int(owner(sp("view/userfile")), BASE + 1000, "and uid 1000 as base+1000");
        tap_is_int(as_container_root(userns, inside_view, NULL), 0,
                   "container root sees host root's files as uid 0, uid 1000 as 1000, and unmapped outside the view");
        tap_is_int(as_container_root(userns, inside_create, NULL), 0, "container root creates a file and a dir through the view");
        tap_is_int(owner(sp("src/made-inside")), 0, "a file container root made lands as host root on disk");
        tap_is_int(group(sp("src/made-inside")), 0, "with host root's group");
        tap_is_int(owner(sp("src/dir-inside")), 0, "and so does a directory");
}

static void test_private_file(int userns)
{
        /* The article's example: host user 1234's chmod-600 file. */
        put_file(sp("src/private"), "secret", 1234, 1234, 0600);
        tap_is_int(as_container_root(userns, inside_read_private, NULL), 0,
                   "container root cannot read another host user's chmod-600 file in a mounted folder");
}

static void test_refusal(void)
{
        /* An overlay mount itself cannot be idmapped: the error must name
         * the mount and the ways out, and no fd may come back. */
        tap_ok(put_dir(sp("ol1"), 0, 0, 0755) == 0 && put_dir(sp("ol2"), 0, 0, 0755) == 0 &&
               put_dir(sp("o/"), 0, 0, 0755) == 0 && put_dir(sp("o/m"), 0, 0, 0755) == 0, "overlay scratch");
        char data[256];
        snprintf(data, sizeof(data), "lowerdir=%s:%s", sp("ol1"), sp("ol2"));
        tap_ok(mount("overlay", sp("o/m"), "overlay", MS_RDONLY, data) == 0, "a read-only overlay to refuse");
        _cleanup_close_ int userns = bw_userns_fd_new(map, map, NULL);
        _cleanup_error_ struct bw_error *err = NULL;
        int m = bw_idmap_mount_clone(AT_FDCWD, sp("o/m"), userns, false, &err);
        tap_ok(m < 0, "idmapping an overlay mount fails");
        if (m >= 0)
                close(m);
        const char *msg = err ? err->msg : "";
        tap_ok(strstr(msg, sp("o/m")) && strstr(msg, "overlay") && strstr(msg, "policy") && strstr(msg, "chown"),
               "the message names the mount, its filesystem and both choices");
        printf("# %s\n", msg);
        umount2(sp("o/m"), MNT_DETACH);
}

static void test_userns_fd(void)
{
        _cleanup_error_ struct bw_error *err = NULL;
        _cleanup_close_ int fd = bw_userns_fd_new("0 200000 10\n", "0 300000 10\n", &err);
        tap_ok(fd >= 0, "a user namespace fd with given maps%s%s", err ? ": " : "", err ? err->msg : "");
        /* its maps as a process inside it sees them */
        fflush(NULL);
        int p[2];
        if (pipe(p) < 0)
                return;
        pid_t pid = fork();
        if (pid == 0) {
                close(p[0]);
                if (setns(fd, CLONE_NEWUSER) < 0)
                        _exit(1);
                char buf[256] = "";
                int f = open("/proc/self/uid_map", O_RDONLY);
                ssize_t n = read(f, buf, sizeof(buf) - 1);
                f = open("/proc/self/gid_map", O_RDONLY);
                n += read(f, buf + n, sizeof(buf) - 1 - (size_t)n);
                (void)!write(p[1], buf, (size_t)n);
                _exit(0);
        }
        close(p[1]);
        char buf[256] = "";
        ssize_t n = read(p[0], buf, sizeof(buf) - 1);
        close(p[0]);
        waitpid(pid, NULL, 0);
        buf[n > 0 ? n : 0] = '\0';
        tap_ok(strstr(buf, "200000") && strstr(buf, "300000"), "the namespace carries both maps");

        _cleanup_error_ struct bw_error *err2 = NULL;
        int bad = bw_userns_fd_new("0 0 4294967295\n0 1 1\n", NULL, &err2);
        tap_ok(bad < 0 && err2 && strstr(err2->msg, "uid_map"), "overlapping maps are refused, naming uid_map");
        if (bad >= 0)
                close(bad);
}

int main(void)
{
        if (scratch_setup("idmap") < 0) {
                tap_skip("needs root and mount namespaces", "idmapped mounts");
                return tap_done();
        }
        _cleanup_error_ struct bw_error *err = NULL;
        _cleanup_close_ int userns = bw_userns_fd_new(map, map, &err);
        tap_ok(userns >= 0, "user namespace for 0 -> %u (65536)%s%s", BASE, err ? ": " : "", err ? err->msg : "");
        if (userns < 0)
                return tap_done();
        test_userns_fd();
        test_bind(userns);
        test_private_file(userns);
        test_refusal();
        return tap_done();
}
