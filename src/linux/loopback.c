#include "linux/loopback.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/cleanup.h"

int bw_loopback_up(struct bw_error **err)
{
        _cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (s < 0)
                return bw_error_set(err, -errno, "opening a socket to bring up lo");
        struct ifreq ifr = { 0 };
        strncpy(ifr.ifr_name, "lo", sizeof(ifr.ifr_name) - 1);
        if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
                return bw_error_set(err, -errno, "reading the flags of lo");
        if (ifr.ifr_flags & IFF_UP)
                return 0;
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
                return bw_error_set(err, -errno, "bringing up lo in the container's network namespace");
        return 0;
}
