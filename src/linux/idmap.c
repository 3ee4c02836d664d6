#include "linux/idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/procfs_handle.h"
#include "util/cleanup.h"
#include "util/strv.h"

char *bw_idmap_format(const struct oci_idmap_list *l)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return NULL;
        for (size_t i = 0; i < l->n; i++)
                fprintf(f, "%u %u %u\n", l->v[i].container_id, l->v[i].host_id, l->v[i].size);
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

char *bw_idmap_format_one(uint32_t container_id, uint32_t host_id, uint32_t size)
{
        struct oci_idmap m = { container_id, host_id, size };
        return bw_idmap_format(&(struct oci_idmap_list){ &m, 1, true });
}

static int write_proc(int proc_fd, pid_t pid, const char *file, const char *text, struct bw_error **err)
{
        char path[64];
        snprintf(path, sizeof(path), "%d/%s", (int)pid, file);
        return bw_procfs_write(proc_fd, path, text, err);
}

/* newuidmap PID cid hid size ... : the setuid helpers check /etc/subuid for us.
 * Every word is checked: a list that lost one would shift the mapping. */
static int run_helper(const char *helper, pid_t pid, const struct oci_idmap_list *l, struct bw_error **err)
{
        _cleanup_strv_ char **argv = NULL;
        char buf[32];
        snprintf(buf, sizeof(buf), "%d", (int)pid);
        int r = bw_strv_push(&argv, helper) < 0 || bw_strv_push(&argv, buf) < 0 ? -ENOMEM : 0;
        for (size_t i = 0; r == 0 && i < l->n; i++) {
                const unsigned words[] = { l->v[i].container_id, l->v[i].host_id, l->v[i].size };
                for (size_t k = 0; r == 0 && k < ARRAY_SIZE(words); k++) {
                        snprintf(buf, sizeof(buf), "%u", words[k]);
                        r = bw_strv_push(&argv, buf) < 0 ? -ENOMEM : 0;
                }
        }
        if (r < 0)
                return bw_error_set(err, r, "building the arguments of %s", helper);
        pid_t child = fork();
        if (child < 0)
                return bw_error_set(err, -errno, "forking for %s", helper);
        if (child == 0) {
                execvp(helper, argv);
                _exit(127);
        }
        int status;
        while (waitpid(child, &status, 0) < 0)
                if (errno != EINTR)
                        return bw_error_set(err, -errno, "waiting for %s", helper);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return bw_error_msg(err, -EPERM, "%s failed (status %d); check /etc/subuid and /etc/subgid and that the uidmap package is installed",
                                    helper, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        return 0;
}

int bw_idmap_write(pid_t pid, const struct oci_idmap_list *uids, const struct oci_idmap_list *gids,
                   struct bw_error **err)
{
        bool root = geteuid() == 0;
        _cleanup_close_ int proc_fd = -1;
        if (root && ((gids && gids->n) || (uids && uids->n))) {
                proc_fd = bw_procfs_open_host(err);
                if (proc_fd < 0)
                        return bw_error_wrap(err, "writing the container's id mappings");
        }
        if (gids && gids->n) {
                if (root) {
                        _cleanup_free_ char *g = bw_idmap_format(gids);
                        if (!g)
                                return bw_error_set(err, -ENOMEM, "formatting gid_map");
                        if (write_proc(proc_fd, pid, "gid_map", g, err) < 0)
                                return bw_error_wrap(err, "writing the container's gid mappings");
                } else if (run_helper("newgidmap", pid, gids, err) < 0) {
                        return bw_error_wrap(err, "writing the container's gid mappings");
                }
        }
        if (uids && uids->n) {
                if (root) {
                        _cleanup_free_ char *u = bw_idmap_format(uids);
                        if (!u)
                                return bw_error_set(err, -ENOMEM, "formatting uid_map");
                        if (write_proc(proc_fd, pid, "uid_map", u, err) < 0)
                                return bw_error_wrap(err, "writing the container's uid mappings");
                } else if (run_helper("newuidmap", pid, uids, err) < 0) {
                        return bw_error_wrap(err, "writing the container's uid mappings");
                }
        }
        return 0;
}
