#include "cli/protect.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/self_protect.h"
#include "util/cleanup.h"
#include "util/log.h"

static enum bw_selfclone_route route_for(const char *path)
{
        /* O_NONBLOCK: a FIFO must not hang the look; only a regular file
         * is read. */
        _cleanup_close_ int fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) : -1;
        struct stat st;
        /* Unreadable: the load reports it, after a cheap re-exec. */
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > (16 << 20))
                return BW_SELFCLONE_VIEW;
        _cleanup_free_ char *text = malloc((size_t)st.st_size);
        ssize_t n = text ? read(fd, text, (size_t)st.st_size) : -1;
        return n > 0 ? bw_self_protect_prescan(text, (size_t)n) : BW_SELFCLONE_VIEW;
}

int bw_cli_protect_self(const char *config_path, bool force_sealed, struct bw_error **err)
{
        enum bw_selfclone_route want = force_sealed ? BW_SELFCLONE_SEALED : BW_SELFCLONE_VIEW;
        /* Already re-executed: what runs now was decided then. */
        if (bw_selfclone_current() == BW_SELFCLONE_NONE && !force_sealed)
                want = route_for(config_path);
        int r = bw_selfclone_ensure(want, err);
        if (r < 0)
                return r;
        if (bw_selfclone_cost_ns() >= 0)
                bw_debug("running from a %s of bulwark; re-executing took %lld us",
                         bw_selfclone_current() == BW_SELFCLONE_SEALED ? "sealed copy" : "read-only view",
                         bw_selfclone_cost_ns() / 1000);
        return 0;
}
