#include "linux/selfclone.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

bool bw_selfclone_is_sealed(void)
{
        _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        int seals = fcntl(fd, F_GET_SEALS);
        return seals >= 0 && (seals & SEALS) == SEALS;
}

int bw_selfclone_reexec(char **argv, struct bw_error **err)
{
        _cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (self < 0)
                return bw_error_set(err, -errno, "opening /proc/self/exe to make a sealed copy");
        struct stat st;
        if (fstat(self, &st) < 0)
                return bw_error_set(err, -errno, "checking /proc/self/exe");
        _cleanup_close_ int mfd = memfd_create("bulwark", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (mfd < 0)
                return bw_error_set(err, -errno, "creating a memfd for the sealed copy of bulwark");
        off_t off = 0;
        while (off < st.st_size) {
                ssize_t n = sendfile(mfd, self, &off, (size_t)(st.st_size - off));
                if (n < 0)
                        return bw_error_set(err, -errno, "copying bulwark into a memfd");
                if (n == 0)
                        break;
        }
        if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0)
                return bw_error_set(err, -errno, "sealing the memfd copy of bulwark");
        fexecve(mfd, argv, environ);
        return bw_error_set(err, -errno, "re-executing bulwark from its sealed copy");
}
