#include "runtime/store.h"

#include "runtime/rootless.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/proc.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json_text.h"
#include "util/strv.h"

int bw_store_validate_id(const char *id, struct bw_error **err)
{
        size_t len = id ? strlen(id) : 0;
        if (len == 0)
                return bw_error_usage(err, "container id is empty; give an id of letters, digits, '_', '.', '+' or '-'");
        if (len > 1024)
                return bw_error_usage(err, "container id is %zu bytes long; the limit is 1024", len);
        if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
                return bw_error_usage(err, "container id '%s' is not allowed", id);
        for (const char *c = id; *c; c++) {
                bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                          *c == '_' || *c == '.' || *c == '+' || *c == '-';
                if (!ok)
                        return bw_error_usage(err, "container id '%s' contains '%c'; use only letters, digits, '_', '.', '+' and '-'",
                                              id, *c);
        }
        return 0;
}

void bw_store_entry_close(struct bw_store_entry *e)
{
        if (e->dir_fd >= 0)
                close(e->dir_fd); /* releases the flock */
        e->dir_fd = -1;
        free(e->path);
        e->path = NULL;
}

static int lock_dir(const char *path, const char *id, struct bw_store_entry *out, struct bw_error **err)
{
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
                if (errno == ENOENT)
                        return bw_error_msg(err, -ENOENT, "container %s does not exist (see bulwark list)", id);
                return bw_error_set(err, -errno, "opening the state directory %s", path);
        }
        while (flock(fd, LOCK_EX) < 0) {
                if (errno != EINTR) {
                        int r = -errno;
                        close(fd);
                        return bw_error_set(err, r, "locking container %s", id);
                }
        }
        /* Deleted while we waited for the lock? */
        struct stat st;
        if (fstat(fd, &st) < 0 || st.st_nlink == 0) {
                close(fd);
                return bw_error_msg(err, -ENOENT, "container %s does not exist (it was just deleted)", id);
        }
        out->path = strdup(path);
        if (!out->path) {
                close(fd);
                return bw_error_set(err, -ENOMEM, "opening the state directory %s", path);
        }
        out->dir_fd = fd;
        return 0;
}

/* As root, the state root and every directory above it must be root's
 * and closed to others (a sticky directory such as /tmp aside): anyone
 * who may rename an entry there could put another container's state (its
 * config, its trusted hooks) in place between two commands. */
static int root_is_private(const char *root, struct bw_error **err)
{
        if (geteuid() != 0 || (bw_rootless() && bw_rootless_host_uid() != 0))
                return 0; /* an unprivileged caller's root (rootless Podman's user namespace
                           * included) is checked where it is chosen */
        _cleanup_free_ char *real = realpath(root, NULL);
        if (!real && errno == ENOENT)
                return 0; /* nothing there: no container to find (create makes it first) */
        if (!real)
                return bw_error_set(err, -errno, "resolving the state root %s", root);
        for (;;) {
                struct stat st;
                if (lstat(real, &st) < 0)
                        return bw_error_set(err, -errno, "checking the state root %s", real);
                bool sticky = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX);
                if (st.st_uid != 0 || ((st.st_mode & 022) && !sticky))
                        return bw_error_msg(err, -EPERM,
                                            "the state root %s is not private to root: %s is owned by uid %u with mode "
                                            "%04o, so another user could swap a container's state between two "
                                            "commands; give --root a directory that root owns and only root may "
                                            "write, all the way up (chown root, chmod go-w)",
                                            root, real, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
                char *slash = strrchr(real, '/');
                if (!slash || slash == real)
                        break;
                *slash = 0;
        }
        return 0;
}

int bw_store_create(const char *root, const char *id, struct bw_store_entry *out, struct bw_error **err)
{
        out->dir_fd = -1;
        out->path = NULL;
        int r = bw_store_validate_id(id, err);
        if (r < 0)
                return r;
        r = bw_mkdir_parents(root, 0755, 0700);
        if (r < 0)
                return bw_error_set(err, r, "creating the state root %s", root);
        if ((r = root_is_private(root, err)) < 0)
                return r;
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/%s", root, id) < 0)
                return bw_error_set(err, -ENOMEM, "the state directory of %s", id);
        /* mkdir is the atomic claim on the id: of two creates, one wins. */
        if (mkdir(path, 0700) < 0) {
                if (errno == EEXIST)
                        return bw_error_msg(err, -EEXIST, "container %s already exists; delete it first or pick another id", id);
                return bw_error_set(err, -errno, "creating the state directory %s", path);
        }
        if ((r = lock_dir(path, id, out, err)) < 0)
                rmdir(path); /* ours: made empty just now */
        return r;
}

int bw_store_open(const char *root, const char *id, struct bw_store_entry *out, struct bw_error **err)
{
        out->dir_fd = -1;
        out->path = NULL;
        int r = bw_store_validate_id(id, err);
        if (r < 0)
                return r;
        if ((r = root_is_private(root, err)) < 0)
                return r;
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/%s", root, id) < 0)
                return bw_error_set(err, -ENOMEM, "the state directory of %s", id);
        return lock_dir(path, id, out, err);
}

int bw_store_remove(const struct bw_store_entry *e, struct bw_error **err)
{
        _cleanup_closedir_ DIR *d = fdopendir(dup(e->dir_fd));
        if (!d)
                return bw_error_set(err, -errno, "listing %s", e->path);
        struct dirent *de;
        while ((de = readdir(d))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (unlinkat(e->dir_fd, de->d_name, 0) < 0 && errno != ENOENT)
                        return bw_error_set(err, -errno, "removing %s/%s", e->path, de->d_name);
        }
        if (rmdir(e->path) < 0 && errno != ENOENT)
                return bw_error_set(err, -errno, "removing %s", e->path);
        return 0;
}

int bw_write_file_atomic(const char *path, const char *text, struct bw_error **err)
{
        _cleanup_free_ char *tmp = NULL;
        if (asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0)
                return bw_error_set(err, -ENOMEM, "writing %s", path);
        _cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return bw_error_set(err, -errno, "creating %s", tmp);
        size_t len = strlen(text);
        if (write(fd, text, len) != (ssize_t)len) {
                int r = -errno;
                unlink(tmp);
                return bw_error_set(err, r ? r : -EIO, "writing %s", tmp);
        }
        if (rename(tmp, path) < 0) {
                int r = -errno;
                unlink(tmp);
                return bw_error_set(err, r, "renaming %s to %s", tmp, path);
        }
        return 0;
}

int bw_state_write(const struct bw_store_entry *e, const struct bw_state *s, struct bw_error **err)
{
        json_t *ann = s->annotations ? json_incref(s->annotations) : json_object();
        json_t *hooks = json_array();
        if (hooks && (s->hooks & BW_HOOKS_POSTSTART))
                json_array_append_new(hooks, json_string("poststart"));
        if (hooks && (s->hooks & BW_HOOKS_POSTSTOP))
                json_array_append_new(hooks, json_string("poststop"));
        _cleanup_json_ json_t *j = json_pack("{s:s, s:s, s:s, s:s?, s:i, s:I, s:s?, s:o, s:b, s:o*}",
                                             "ociVersion", s->oci_version ? s->oci_version : "1.2.0",
                                             "id", s->id, "bundle", s->bundle, "rootfs", s->rootfs,
                                             "pid", (int)s->pid, "startTime", (json_int_t)s->start_time,
                                             "created", s->created,
                                             "annotations", ann,
                                             "ownPidNamespace", s->own_pid_ns,
                                             "hooks", hooks);
        if (!j)
                return bw_error_msg(err, -ENOMEM, "building state.json for %s", s->id);
        _cleanup_free_ char *text = bw_json_dumps(j, JSON_COMPACT);
        _cleanup_free_ char *path = NULL;
        if (!text || asprintf(&path, "%s/" BW_STATE_FILE, e->path) < 0)
                return bw_error_set(err, -ENOMEM, "writing state.json for %s", s->id);
        if (strlen(text) > BW_STATE_MAX_SIZE)
                return bw_error_msg(err, -EFBIG,
                                    "the state of container %s would take %zu bytes, over the %u bulwark reads back; "
                                    "its annotations are too large: shorten them (Kubernetes allows 256 KiB)",
                                    s->id, strlen(text), BW_STATE_MAX_SIZE);
        return bw_write_file_atomic(path, text, err);
}

void bw_state_clear(struct bw_state *s)
{
        free(s->oci_version);
        free(s->id);
        free(s->bundle);
        free(s->rootfs);
        free(s->created);
        if (s->annotations)
                json_decref(s->annotations);
        *s = (struct bw_state){ 0 };
}

static char *get_str(json_t *j, const char *key)
{
        const char *v = json_string_value(json_object_get(j, key));
        return v ? strdup(v) : NULL;
}

int bw_state_read(const struct bw_store_entry *e, struct bw_state *s, struct bw_error **err)
{
        *s = (struct bw_state){ 0 };
        _cleanup_close_ int fd = openat(e->dir_fd, BW_STATE_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
                if (errno == ENOENT)
                        return bw_error_msg(err, -ENOENT, "container state %s/" BW_STATE_FILE " is missing: its create did not finish; bulwark delete --force removes it",
                                            e->path);
                return bw_error_set(err, -errno, "opening %s/" BW_STATE_FILE, e->path);
        }
        json_error_t je = { 0 };
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        int r = bw_read_fd(fd, BW_STATE_MAX_SIZE, &text, &len);
        if (r < 0)
                return bw_error_set(err, r, "reading %s/" BW_STATE_FILE, e->path);
        errno = 0;
        _cleanup_json_ json_t *j = json_loadb(text, len, 0, &je);
        if (!j && errno == ENOMEM)
                return bw_error_set(err, -ENOMEM, "reading %s/" BW_STATE_FILE, e->path);
        if (!j || !json_is_object(j))
                return bw_error_msg(err, -EINVAL,
                                    "reading %s/" BW_STATE_FILE ": %s (the state is corrupt: `bulwark delete --force` removes the container, `bulwark gc` every dead one)",
                                    e->path, j ? "not an object" : je.text);
        s->oci_version = get_str(j, "ociVersion");
        s->id = get_str(j, "id");
        s->bundle = get_str(j, "bundle");
        s->rootfs = get_str(j, "rootfs");
        s->created = get_str(j, "created");
        s->pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
        s->start_time = (uint64_t)json_integer_value(json_object_get(j, "startTime"));
        s->own_pid_ns = json_is_true(json_object_get(j, "ownPidNamespace"));
        json_t *a = json_object_get(j, "annotations");
        s->annotations = json_is_object(a) ? json_incref(a) : json_object();
        json_t *h = json_object_get(j, "hooks"), *v;
        size_t i;
        s->hooks = json_is_array(h) ? 0 : BW_HOOKS_UNKNOWN;
        json_array_foreach(h, i, v) {
                const char *name = json_string_value(v);
                if (name && !strcmp(name, "poststart"))
                        s->hooks |= BW_HOOKS_POSTSTART;
                else if (name && !strcmp(name, "poststop"))
                        s->hooks |= BW_HOOKS_POSTSTOP;
        }
        if (!s->id || !s->bundle) {
                bw_state_clear(s); /* a failed read holds nothing */
                return bw_error_msg(err, -EINVAL,
                                    "%s/" BW_STATE_FILE " lacks id or bundle (the state is corrupt: `bulwark delete --force` removes the container)",
                                    e->path);
        }
        return 0;
}

const char *bw_status_name(enum bw_status s)
{
        switch (s) {
        case BW_STATUS_CREATING: return "creating";
        case BW_STATUS_CREATED: return "created";
        case BW_STATUS_RUNNING: return "running";
        case BW_STATUS_PAUSED: return "paused";
        default: return "stopped";
        }
}

enum bw_status bw_state_status(const struct bw_store_entry *e, const struct bw_state *s)
{
        if (!bw_proc_is(s->pid, s->start_time))
                return BW_STATUS_STOPPED;
        /* init parks on the fifo until start; start removes it. */
        if (faccessat(e->dir_fd, BW_EXEC_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                return BW_STATUS_CREATED;
        return BW_STATUS_RUNNING;
}

json_t *bw_state_oci_json(const struct bw_state *s, enum bw_status status)
{
        json_t *ann = s->annotations ? json_incref(s->annotations) : json_object();
        return json_pack("{s:s, s:s, s:s, s:i, s:s, s:o}",
                         "ociVersion", s->oci_version ? s->oci_version : "1.2.0",
                         "id", s->id, "status", bw_status_name(status),
                         "pid", status == BW_STATUS_STOPPED ? 0 : (int)s->pid,
                         "bundle", s->bundle,
                         "annotations", ann);
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

int bw_store_list(const char *root, char ***ids, struct bw_error **err)
{
        *ids = NULL;
        _cleanup_closedir_ DIR *d = opendir(root);
        if (!d) {
                if (errno == ENOENT) {
                        *ids = calloc(1, sizeof(char *));
                        return *ids ? 0 : bw_error_set(err, -ENOMEM, "listing %s", root);
                }
                return bw_error_set(err, -errno, "listing %s", root);
        }
        _cleanup_strv_ char **v = calloc(1, sizeof(char *));
        if (!v)
                return bw_error_set(err, -ENOMEM, "listing %s", root);
        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.' || bw_store_validate_id(de->d_name, NULL) < 0)
                        continue;
                if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
                        continue;
                if (bw_strv_push(&v, de->d_name) < 0)
                        return bw_error_set(err, -ENOMEM, "listing %s", root);
        }
        qsort(v, bw_strv_len(v), sizeof(char *), cmp_str);
        *ids = take_ptr(v);
        return 0;
}

char *bw_saved_config_path(const char *dir)
{
        char *p = NULL;
        if (asprintf(&p, "%s/" BW_EFFECTIVE_CONFIG, dir) < 0)
                return NULL;
        if (access(p, F_OK) == 0)
                return p;
        free(p);
        return asprintf(&p, "%s/config.json", dir) < 0 ? NULL : p;
}
