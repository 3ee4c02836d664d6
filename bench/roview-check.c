/* Does a read-only open_tree view of the binary stop the CVE-2019-5736
 * write? PROFILE.md proposes executing bulwark from such a view instead of
 * a sealed memfd copy; this checks the idea on the running kernel.
 *   roview-check [rw]
 * Re-executes itself from open_tree(/proc/self/exe, OPEN_TREE_CLONE) made
 * read-only (or, with "rw", left writable: the control), keeps an O_PATH fd
 * of its /proc/self/exe across an exec of /bin/sh, and the shell (no longer
 * running the binary, so no ETXTBSY) tries to open that fd for writing, as
 * the attack does once the runtime has exited.
 * Exit 0 and "refused" when the write is refused; 1 and "WRITABLE" when not. */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
        if (argc > 1 && strcmp(argv[1], "--stage2") == 0) {
                int p = open("/proc/self/exe", O_PATH); /* no O_CLOEXEC: the shell gets it */
                if (p < 0) {
                        perror("roview-check: open /proc/self/exe");
                        return 2;
                }
                char script[256];
                snprintf(script, sizeof(script),
                         "if (exec 3>>/proc/self/fd/%d) 2>/dev/null; then echo WRITABLE; exit 1; "
                         "else echo refused; exit 0; fi", p);
                execl("/bin/sh", "sh", "-c", script, (char *)NULL);
                perror("roview-check: exec /bin/sh");
                return 2;
        }
        bool rw = argc > 1 && strcmp(argv[1], "rw") == 0;
        int t = (int)syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (t < 0) {
                perror("roview-check: open_tree");
                return 2;
        }
        struct mount_attr a = { .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (rw ? 0 : MOUNT_ATTR_RDONLY) };
        if (syscall(SYS_mount_setattr, t, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0) {
                perror("roview-check: mount_setattr");
                return 2;
        }
        char *av[] = { argv[0], "--stage2", NULL };
        syscall(SYS_execveat, t, "", av, environ, AT_EMPTY_PATH);
        perror("roview-check: execveat");
        return 2;
}
