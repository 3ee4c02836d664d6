/* Resolving bind sources on the host: relative to the bundle, through
 * symlinks and "..", recorded by identity; a missing source refuses. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/load.h"
#include "runtime/bind_resolve.h"
#include "tap.h"
#include "util/cleanup.h"

static struct oci_config *with_source(const char *src, const char *type)
{
        char json[1024];
        snprintf(json, sizeof(json),
                 "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, \"mounts\": [{\"destination\": \"/mnt\", "
                 "\"type\": \"%s\", \"source\": \"%s\", \"options\": [\"rbind\"]}]}",
                 type, src);
        struct oci_config *c = NULL;
        struct bw_error *err = NULL;
        if (oci_config_load_data(json, strlen(json), "t", &c, &err) < 0)
                bw_error_free(err);
        return c;
}

static void resolves_to(const char *bundle, const char *src, const char *want)
{
        struct oci_config *c = with_source(src, "bind");
        struct bw_error *err = NULL;
        int r = c ? bw_bind_resolve(c, bundle, &err) : -ENOMEM;
        struct stat st;
        stat(want, &st);
        const struct oci_mount *m = c ? &c->mounts[0] : NULL;
        tap_ok(r == 0 && m->src.resolved && strcmp(m->source, want) == 0 && strcmp(m->src.path, want) == 0 &&
                       strcmp(m->src.written, src) == 0 && m->src.dev == (uint64_t)st.st_dev &&
                       m->src.ino == (uint64_t)st.st_ino && (m->src.mode & S_IFMT) == (st.st_mode & S_IFMT),
               "%s resolves to %s (got %s)", src, want, m ? m->source : "?");
        bw_error_free(err);
        oci_config_free(c);
}

int main(void)
{
        char dir[] = "/tmp/bw-resolve-XXXXXX";
        if (!mkdtemp(dir)) {
                tap_ok(0, "mkdtemp");
                return tap_done();
        }
        char link[256], sub[256], rel[256];
        snprintf(link, sizeof(link), "%s/link", dir);
        snprintf(sub, sizeof(sub), "%s/ssl", dir);
        int ok = symlink("/etc", link) == 0 && symlink("/etc/ssl", sub) == 0;
        tap_ok(ok, "symlinks made");
        resolves_to(dir, "/./etc", "/etc");
        resolves_to(dir, "//etc/", "/etc");
        snprintf(rel, sizeof(rel), "%s/link/", dir);
        resolves_to(dir, rel, "/etc");
        snprintf(rel, sizeof(rel), "%s/link/.", dir);
        resolves_to(dir, rel, "/etc");
        snprintf(rel, sizeof(rel), "%s/ssl/..", dir);
        resolves_to(dir, rel, "/etc"); /* ".." after a symlink: the kernel's reading, not the text's */
        resolves_to(dir, "link", "/etc");  /* relative to the bundle */
        resolves_to(dir, "/tmp/../etc/hostname", "/etc/hostname");
        {
                struct oci_config *c = with_source("/nonexistent-bulwark-source", "bind");
                struct bw_error *err = NULL;
                int r = bw_bind_resolve(c, dir, &err);
                tap_ok(r == -ENOENT && err && strstr(err->msg, "bind mount /mnt") && strstr(err->msg, "/nonexistent-bulwark-source"),
                       "a missing source refuses the container, naming it: %s", err ? err->msg : "");
                bw_error_free(err);
                oci_config_free(c);
        }
        {
                struct oci_config *c = with_source("tmpfs", "tmpfs");
                if (c) {
                        free(c->mounts[0].options[0]);
                        c->mounts[0].options[0] = strdup("nosuid");
                }
                struct bw_error *err = NULL;
                int r = c ? bw_bind_resolve(c, dir, &err) : -ENOMEM;
                tap_ok(r == 0 && !c->mounts[0].src.resolved && strcmp(c->mounts[0].source, "tmpfs") == 0,
                       "a non-bind mount is left alone");
                bw_error_free(err);
                oci_config_free(c);
        }
        unlink(link);
        unlink(sub);
        rmdir(dir);
        return tap_done();
}
