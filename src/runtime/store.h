/* The state store: one directory per container under --root, a lock per
 * container (flock on its directory) so that concurrent operations on one
 * id serialize, and state.json. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

#define BW_STATE_FILE "state.json"
/* The most state.json may hold, written or read: a state bulwark could
 * write but not read back would hide a live container from list, state,
 * start and gc. Its annotations take nearly all of it. */
#define BW_STATE_MAX_SIZE (1u << 20)
#define BW_EXEC_FIFO "exec.fifo"

struct bw_state {
        char *oci_version;
        char *id;
        char *bundle;
        char *rootfs;
        pid_t pid;
        uint64_t start_time;  /* of pid, to tell it from a reused pid */
        char *created;        /* RFC 3339 */
        json_t *annotations;  /* object; never NULL once loaded */
        bool own_pid_ns;      /* the container has its own pid namespace */
        /* BW_HOOKS_* bits of the hooks start and delete run, from the
         * config at create: without them, neither parses the saved config.
         * BW_HOOKS_UNKNOWN for a state written before the field existed. */
        int hooks;
};
#define BW_HOOKS_POSTSTART 1
#define BW_HOOKS_POSTSTOP 2
#define BW_HOOKS_UNKNOWN (-1)

/* Ids as runc accepts them: [A-Za-z0-9_.+-], not "." or "..", 1..1024 bytes. */
int bw_store_validate_id(const char *id, struct bw_error **err);

/* A locked container directory. */
struct bw_store_entry {
        int dir_fd;
        char *path;
};
void bw_store_entry_close(struct bw_store_entry *e);

/* Create root (0700) when missing and the container's directory; fails
 * with EEXIST when the id is taken. The entry comes back locked. */
int bw_store_create(const char *root, const char *id, struct bw_store_entry *out, struct bw_error **err);
/* Open and lock an existing container's directory. */
int bw_store_open(const char *root, const char *id, struct bw_store_entry *out, struct bw_error **err);
/* Remove the container's directory and what is in it (entry stays locked
 * until closed). */
int bw_store_remove(const struct bw_store_entry *e, struct bw_error **err);

int bw_state_write(const struct bw_store_entry *e, const struct bw_state *s, struct bw_error **err);
int bw_state_read(const struct bw_store_entry *e, struct bw_state *s, struct bw_error **err);
void bw_state_clear(struct bw_state *s);

enum bw_status { BW_STATUS_CREATING, BW_STATUS_CREATED, BW_STATUS_RUNNING, BW_STATUS_STOPPED, BW_STATUS_PAUSED };
const char *bw_status_name(enum bw_status s);
/* Status from the live system: is init alive, and still parked on the fifo? */
enum bw_status bw_state_status(const struct bw_store_entry *e, const struct bw_state *s);
/* The OCI state JSON (what `state` prints and hooks read on stdin). */
json_t *bw_state_oci_json(const struct bw_state *s, enum bw_status status);

/* Ids of every container under root (sorted). */
int bw_store_list(const char *root, char ***ids, struct bw_error **err);

/* Write text to path atomically (temp file + rename). */
int bw_write_file_atomic(const char *path, const char *text, struct bw_error **err);

/* The effective config, as written to the state directory after the policy
 * (and what exec uses). */
#define BW_EFFECTIVE_CONFIG "config.hardened.json"
/* The saved config a command should read: the effective one when it is
 * there, else the bundle's copy (malloc'd path). */
char *bw_saved_config_path(const char *dir);
