/* Attacks tried from inside a container by the integration tests, one per
 * argument; each prints "NAME: ok" or "NAME: ERRNO-NAME" and the tests
 * compare. Built static (the busybox rootfs has no libc) by setup_file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

static const char *ename(int e)
{
        switch (e) {
        case EPERM: return "EPERM";
        case EACCES: return "EACCES";
        case ENOSYS: return "ENOSYS";
        case EINVAL: return "EINVAL";
        case ENOENT: return "ENOENT";
        case EFAULT: return "EFAULT";
        case EBADF: return "EBADF";
        case EXDEV: return "EXDEV";
        case EMLINK: return "EMLINK";
        default: return strerror(e);
        }
}

static int report(const char *what, long r)
{
        if (r < 0)
                printf("%s: %s\n", what, ename(errno));
        else
                printf("%s: ok\n", what);
        return 0;
}

/* An ICMP echo to 127.0.0.1 over a datagram socket (what ping does
 * without CAP_NET_RAW, allowed by net.ipv4.ping_group_range). */
static long ping_dgram(void)
{
        int s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
        if (s < 0)
                return -1;
        struct timeval tv = { 2, 0 };
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        struct icmphdr h = { .type = ICMP_ECHO };
        h.un.echo.sequence = htons(1);
        if (sendto(s, &h, sizeof(h), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
                return -1;
        char buf[256];
        ssize_t n = recv(s, buf, sizeof(buf), 0);
        if (n < (ssize_t)sizeof(h))
                return -1;
        struct icmphdr *r = (struct icmphdr *)buf;
        if (r->type != ICMP_ECHOREPLY) {
                errno = EPROTO;
                return -1;
        }
        return 0;
}

int main(int argc, char **argv)
{
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                errno = 0;
                if (!strcmp(a, "unshare-user"))
                        report(a, unshare(CLONE_NEWUSER));
                else if (!strcmp(a, "keyctl")) /* KEYCTL_GET_KEYRING_ID of the session keyring */
                        report(a, syscall(SYS_keyctl, 0, -3, 0));
                else if (!strcmp(a, "add_key"))
                        report(a, syscall(SYS_add_key, "user", "bw", "x", 1, -3));
                else if (!strcmp(a, "bpf")) /* BPF_MAP_CREATE with no attributes */
                        report(a, syscall(SYS_bpf, 0, NULL, 0));
                else if (!strcmp(a, "io_uring_setup")) {
                        char params[120] = { 0 };
                        report(a, syscall(425, 1, params));
                } else if (!strcmp(a, "fsopen"))
                        report(a, syscall(430, "tmpfs", 0));
                else if (!strcmp(a, "mount"))
                        report(a, mount("none", "/tmp", "tmpfs", 0, NULL));
                else if (!strcmp(a, "unknown")) /* a number no kernel has yet */
                        report(a, syscall(1000, 0, 0, 0));
                else if (!strcmp(a, "getpid"))
                        report(a, syscall(SYS_getpid));
                else if (!strcmp(a, "uname")) {
                        char buf[512];
                        report(a, syscall(SYS_uname, buf));
                } else if (!strcmp(a, "ping"))
                        report(a, ping_dgram());
                else if (!strcmp(a, "raw-socket")) /* needs CAP_NET_RAW */
                        report(a, socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
                else if (!strcmp(a, "open-mem")) /* a device node the test made */
                        report(a, open("/dev/bwmem", O_RDONLY));
                else
                        printf("%s: unknown attack\n", a);
                fflush(stdout);
        }
        return 0;
}
