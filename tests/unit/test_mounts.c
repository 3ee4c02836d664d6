/* Mount option parsing: flags, clears, propagation, bind, data. */
#include <sys/mount.h>

#include "linux/mounts.h"
#include "tap.h"
#include "util/cleanup.h"

static void parse(char **opts, struct bw_mount_opts *o, int *r)
{
        struct bw_error *err = NULL;
        *r = bw_mount_parse_options(opts, o, &err);
        bw_error_free(err);
}

int main(void)
{
        struct bw_mount_opts o;
        int r;

        parse((char *[]){ "nosuid", "noexec", "nodev", "ro", NULL }, &o, &r);
        tap_is_int(r, 0, "flags parse");
        tap_is_int(o.flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY, "nosuid,noexec,nodev,ro set their MS_ flags");
        tap_ok(o.data == NULL, "no data for pure flags");
        tap_ok(!o.bind, "not a bind");
        bw_mount_opts_free(&o);

        parse((char *[]){ "ro", "rw", NULL }, &o, &r);
        tap_is_int(o.flags & MS_RDONLY, 0, "a later rw undoes ro");
        tap_is_int(o.clear & MS_RDONLY, MS_RDONLY, "rw is remembered as a clear");
        bw_mount_opts_free(&o);

        parse((char *[]){ "rbind", "rprivate", NULL }, &o, &r);
        tap_ok(o.bind && o.recursive, "rbind is a recursive bind");
        tap_is_int(o.propagation, MS_PRIVATE | MS_REC, "rprivate is recursive private propagation");
        bw_mount_opts_free(&o);

        parse((char *[]){ "bind", "slave", NULL }, &o, &r);
        tap_ok(o.bind && !o.recursive, "bind is not recursive");
        tap_is_int(o.propagation, MS_SLAVE, "slave");
        bw_mount_opts_free(&o);

        parse((char *[]){ "nosuid", "size=65536k", "mode=755", "strictatime", NULL }, &o, &r);
        tap_is_str(o.data, "size=65536k,mode=755", "unknown options become data, in order");
        tap_is_int(o.flags, MS_NOSUID | MS_STRICTATIME, "strictatime");
        bw_mount_opts_free(&o);

        parse((char *[]){ "relatime", "noatime", "nodiratime", "lazytime", NULL }, &o, &r);
        tap_is_int(o.flags, MS_RELATIME | MS_NOATIME | MS_NODIRATIME | MS_LAZYTIME, "atime family");
        bw_mount_opts_free(&o);

        parse((char *[]){ "idmap", "ridmap", NULL }, &o, &r);
        tap_ok(r == 0 && o.flags == 0 && !o.data, "idmap and ridmap are the parent's business: no flags, no fs data");
        bw_mount_opts_free(&o);

        parse(NULL, &o, &r);
        tap_ok(r == 0 && o.flags == 0 && !o.data, "no options");
        bw_mount_opts_free(&o);

        tap_is_int(bw_mount_propagation("rslave"), MS_SLAVE | MS_REC, "rslave");
        tap_is_int(bw_mount_propagation("shared"), MS_SHARED, "shared");
        tap_is_int(bw_mount_propagation("runbindable"), MS_UNBINDABLE | MS_REC, "runbindable");
        tap_is_int(bw_mount_propagation(NULL), 0, "none");
        tap_ok(bw_mount_propagation("ro") < 0, "a flag is not a propagation");
        tap_ok(bw_mount_propagation("bogus") < 0, "unknown propagation");
        return tap_done();
}
