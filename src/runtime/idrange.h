/* Per-container id ranges: each container gets its own 65,536 host uids
 * and gids, carved from the subordinate ranges of the user `bulwark` in
 * /etc/subuid and /etc/subgid (`bulwark setup` creates both).
 *
 * Allocations live in one store for every state root (/var/lib/bulwark/
 * idranges: Docker, containerd and podman each use a --root of their own,
 * and their containers must not share ranges either), one file per range
 * naming its container by state root and id, written atomically under an
 * flock'ed lock file: concurrent creates
 * never share a range, and a bulwark killed at any point leaves either the
 * old file or the new one (the lock dies with it). An allocation is keyed
 * by the container's rootfs (for an overlay, its upper layer, which holds
 * files owned by the range), so a container restarted on the same rootfs
 * gets the same range back. A range is freed when its container is deleted
 * and its rootfs is gone; allocations whose container no longer exists and
 * whose rootfs is gone are reclaimed whenever a range is allocated. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci/spec.h"
#include "util/error.h"

#define BW_IDRANGE_SIZE 65536u
#define BW_IDRANGE_USER "bulwark"
#define BW_IDRANGE_STORE "/var/lib/bulwark/idranges"
/* Where a writable directory rootfs's writes go: an overlay upper and work
 * directory per rootfs and range (see bw_rootfs_writes_dir). */
#define BW_ROOTFS_WRITES "/var/lib/bulwark/rootfs"

/* One line of /etc/subuid or /etc/subgid. */
struct bw_subid { uint32_t start, count; };
struct bw_subids { struct bw_subid *v; size_t n; };
void bw_subids_free(struct bw_subids *s);

/* The ranges of a user, named in the first field by name or by uid
 * (uid (uid_t)-1: by name only; user NULL and uid -1: every line's). Blank lines and '#' comments are skipped;
 * a malformed line for this user is an error naming what:LINE. */
int bw_subids_parse(const char *text, const char *what, const char *user, uid_t uid, struct bw_subids *out,
                    struct bw_error **err);
/* Same from a file; a missing file has no ranges. */
int bw_subids_read(const char *path, const char *user, uid_t uid, struct bw_subids *out, struct bw_error **err);

/* What makes a rootfs the same one next time: its path and inode. */
struct bw_rootfs_key {
        char *path;     /* the directory that persists: an overlay's upperdir, else the rootfs */
        uint64_t dev, ino, btime;
        bool upper;     /* path is an overlay's upper layer, which only one live container may use */
};
void bw_rootfs_key_clear(struct bw_rootfs_key *k);
/* The key of a rootfs (an overlay's upper layer when it is an overlay). */
int bw_rootfs_key_of(const char *rootfs, struct bw_rootfs_key *out, struct bw_error **err);
/* The key of a directory as it is. */
int bw_rootfs_key_of_dir(const char *dir, struct bw_rootfs_key *out, struct bw_error **err);

struct bw_idrange { uint32_t uid, gid, size; };

/* The directory (under writes, NULL: BW_ROOTFS_WRITES) holding the upper
 * and work directories of a directory rootfs with that key under that
 * range: WRITES/DEV-INO-BTIME-UID (hex). NULL when out of memory. */
char *bw_rootfs_writes_dir(const char *writes, const struct bw_rootfs_key *k, const struct bw_idrange *r);

struct bw_idrange_config {
        const char *root;     /* the caller's state root (--root): owners are <root>/<id> */
        const char *store;    /* NULL: BW_IDRANGE_STORE */
        /* Where directory rootfs writes are kept, removed with their range
         * once the rootfs is gone. NULL: BW_ROOTFS_WRITES when store is
         * NULL too, else none. */
        const char *writes;
        const char *subuid;   /* NULL: /etc/subuid */
        const char *subgid;   /* NULL: /etc/subgid */
        const char *user;     /* NULL: "bulwark" */
        /* Does the container still exist? NULL: <root>/<owner>/ exists
         * (root: the state root the owner was created under). */
        bool (*owner_alive)(const char *root, const char *owner);
};

/* The volume range: the first 65,536-id slot of the user's subordinate
 * uids and of its gids. It is never given to a container: every file a
 * container writes through a bind mount lands there (on-disk V+n is
 * container id n in every container), so no container's own range owns
 * volume files, and no volume file is owned by a host id. */
int bw_idrange_volume(const struct bw_idrange_config *c, struct bw_idrange *out, struct bw_error **err);

/* A range for container `owner` on the rootfs `key`: the one already
 * keyed to that rootfs if no other live container holds it, else a free
 * one. An overlay's upper layer (key->upper) that another live container
 * holds is refused (-EBUSY): its rebuild would re-own files that
 * container is writing. */
int bw_idrange_acquire(const struct bw_idrange_config *c, const char *owner, const struct bw_rootfs_key *key,
                       struct bw_idrange *out, struct bw_error **err);
/* The container is gone: its range stays with its rootfs while that
 * exists (a restart gets it back), and is freed when the rootfs is gone. */
int bw_idrange_release(const struct bw_idrange_config *c, const char *owner, struct bw_error **err);
/* The same for gc, only while the owner is dead (judged under the store's
 * lock, so a container made again under that id keeps its range). */
int bw_idrange_release_dead(const struct bw_idrange_config *c, const char *owner, struct bw_error **err);

/* What the store holds (for tests and diagnostics). */
struct bw_idrange_alloc {
        struct bw_idrange range;
        char *owner;           /* container id; NULL: no container holds it now */
        char *owner_root;      /* its state root */
        struct bw_rootfs_key key;
        int64_t used;          /* when last acquired (seconds since the epoch) */
        uint64_t mntns;        /* the mount namespace (inode) its owner_root was named in; 0: unknown */
        char boot[40];         /* the boot (boot_id) it was acquired in; "": unknown */
        char *file;            /* its file name in the store */
        bool corrupt;          /* unreadable: its range (from the name) stays taken */
};
struct bw_idrange_allocs { struct bw_idrange_alloc *v; size_t n; };
/* A record made in another mount namespace of this boot, whose state root
 * cannot be judged from here, and whose range a process maps (or whose
 * create may be under way): it stays held. */
bool bw_idrange_held_elsewhere(const struct bw_idrange_alloc *a);
void bw_idrange_allocs_free(struct bw_idrange_allocs *a);
int bw_idrange_list(const struct bw_idrange_config *c, struct bw_idrange_allocs *out, struct bw_error **err);

/* Mappings for an unprivileged caller: container 0 is the caller, and
 * 1.. are the caller's own subordinate ids (written with newuidmap and
 * newgidmap) when it has any; else the caller alone. */
int bw_idrange_rootless(const char *subuid, const char *subgid, uid_t uid, gid_t gid, struct oci_idmap_list *uids,
                        struct oci_idmap_list *gids, struct bw_error **err);

/* The mappings of a range: container 0..size-1 to range.uid/gid.. */
int bw_idrange_mappings(const struct bw_idrange *r, struct oci_idmap_list *uids, struct oci_idmap_list *gids);
