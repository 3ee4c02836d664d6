/* config.json -> struct oci_config: reading the file, parsing with jansson,
 * and the top-level sections (root, mounts, hooks, annotations). process and
 * linux have files of their own; cross-field checks live in validate.c. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "oci/load.h"
#include "oci/prescan.h"
#include "oci/reader.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* Far above any real config (Docker's seccomp profile is ~60 KiB), low
 * enough that a wrong file (an image, a log) is refused quickly. */
#define OCI_MAX_CONFIG_SIZE (16u << 20)

/* SemVer with major version 1, the only one there is: "1.2.0", "1.0.2-dev". */
static bool semver_1(const char *s)
{
        if (strncmp(s, "1.", 2) != 0)
                return false;
        s += 2;
        for (int part = 0; part < 2; part++) {
                size_t n = strspn(s, "0123456789");
                if (n == 0)
                        return false;
                s += n;
                if (part == 0 && *s++ != '.')
                        return false;
        }
        return *s == '\0' || *s == '-' || *s == '+';
}

static int load_version(struct oci_reader *r, json_t *top, struct oci_config *c)
{
        int k = rd_require(r, top, "ociVersion", "a version string such as \"1.2.0\"");
        if (k < 0)
                return k;
        json_t *v = rd_enter(r, top, "ociVersion");
        if (!semver_1(json_is_string(v) ? json_string_value(v) : ""))
                k = rd_expected(r, v, "a version 1.MINOR.PATCH such as \"1.2.0\"");
        else
                k = rd_string(r, v, &c->oci_version);
        rd_pop(r);
        return k;
}

static int load_root(struct oci_reader *r, json_t *v, struct oci_config *c)
{
        int k;
        c->has_root = true;
        if ((k = rd_object(r, v)) < 0 ||
            (k = rd_require(r, v, "path", "a string")) < 0 ||
            (k = rd_field_string(r, v, "path", &c->root.path)) < 0 ||
            (k = rd_field_bool(r, v, "readonly", &c->root.readonly)) < 0)
                return k;
        if (!c->root.path[0]) {
                rd_push_key(r, "path");
                k = rd_expected(r, json_object_get(v, "path"), "a non-empty path");
                rd_pop(r);
        }
        return k;
}

static int load_mount(struct oci_reader *r, json_t *v, void *elem)
{
        struct oci_mount *m = elem;
        int k;
        if ((k = rd_require(r, v, "destination", "an absolute path")) < 0 ||
            (k = rd_field_abs_path(r, v, "destination", &m->destination)) < 0 ||
            (k = rd_field_string(r, v, "type", &m->type)) < 0 ||
            (k = rd_field_string(r, v, "source", &m->source)) < 0 ||
            (k = rd_field_strv(r, v, "options", &m->options)) < 0 ||
            (k = rd_field_idmaps(r, v, "uidMappings", &m->uid_mappings)) < 0 ||
            (k = rd_field_idmaps(r, v, "gidMappings", &m->gid_mappings)) < 0)
                return k;
        return 0;
}

static int load_hook(struct oci_reader *r, json_t *v, void *elem)
{
        struct oci_hook *h = elem;
        int k;
        if ((k = rd_require(r, v, "path", "an absolute path")) < 0 ||
            (k = rd_field_abs_path(r, v, "path", &h->path)) < 0 ||
            (k = rd_field_strv(r, v, "args", &h->args)) < 0 ||
            (k = rd_field_strv(r, v, "env", &h->env)) < 0)
                return k;
        json_t *t = rd_enter(r, v, "timeout");
        if (!t)
                return 0;
        h->timeout.set = true;
        k = rd_i32(r, t, &h->timeout.v);
        if (k == 0 && h->timeout.v <= 0)
                k = rd_expected(r, t, "a number of seconds greater than zero");
        rd_pop(r);
        return k;
}

static int load_hooks(struct oci_reader *r, json_t *v, struct oci_hooks *h)
{
        static const struct { const char *key; size_t off; } lists[] = {
                { "prestart", offsetof(struct oci_hooks, prestart) },
                { "createRuntime", offsetof(struct oci_hooks, create_runtime) },
                { "createContainer", offsetof(struct oci_hooks, create_container) },
                { "startContainer", offsetof(struct oci_hooks, start_container) },
                { "poststart", offsetof(struct oci_hooks, poststart) },
                { "poststop", offsetof(struct oci_hooks, poststop) },
        };
        int k = rd_object(r, v);
        for (size_t i = 0; k == 0 && i < ARRAY_SIZE(lists); i++) {
                struct oci_hook_list *l = (struct oci_hook_list *)((char *)h + lists[i].off);
                k = rd_field_struct_array(r, v, lists[i].key, sizeof(*l->v), (void **)&l->v, &l->n, load_hook);
        }
        return k;
}

static int load_config(struct oci_reader *r, json_t *top, struct oci_config *c)
{
        int k;
        if ((k = load_version(r, top, c)) < 0)
                return k;
        json_t *v = rd_enter(r, top, "root");
        if (v) {
                k = load_root(r, v, c);
                rd_pop(r);
                if (k < 0)
                        return k;
        }
        if ((k = rd_field_struct_array(r, top, "mounts", sizeof(*c->mounts), (void **)&c->mounts, &c->n_mounts,
                                       load_mount)) < 0 ||
            (k = RD_ALLOC_WITH(r, top, "process", oci_load_process, c->process)) < 0 ||
            (k = rd_field_string(r, top, "hostname", &c->hostname)) < 0 ||
            (k = rd_field_string(r, top, "domainname", &c->domainname)) < 0 ||
            (k = rd_field_kv(r, top, "annotations", &c->annotations)) < 0 ||
            (k = RD_ALLOC_WITH(r, top, "linux", oci_load_linux, c->linux)) < 0)
                return k;
        v = rd_enter(r, top, "hooks");
        if (v) {
                k = load_hooks(r, v, &c->hooks);
                rd_pop(r);
        }
        return k;
}

static int parse(struct oci_reader *r, json_t **out)
{
        json_error_t jerr;
        size_t flags = JSON_DECODE_ANY | JSON_REJECT_DUPLICATES;
        errno = 0;
        json_t *top = json_loadb(r->data, r->len, flags, &jerr);
        if (!top && json_error_code(&jerr) == json_error_numeric_overflow) {
                /* An integer beyond 64 bits signed, such as RLIM_INFINITY
                 * written as 18446744073709551615: parse numbers as reals and
                 * let the typed readers take the exact value from the text. */
                top = json_loadb(r->data, r->len, flags | JSON_DECODE_INT_AS_REAL, &jerr);
        }
        /* jansson reports a failed allocation as whatever token it was
         * reading; malloc's errno tells. */
        if (!top && errno == ENOMEM)
                return bw_error_set(r->err, -ENOMEM, "reading %s", r->name);
        if (!top)
                return bw_error_msg(r->err, -EINVAL, "%s:%d:%d: invalid JSON: %s", r->name,
                                    jerr.line > 0 ? jerr.line : 1, jerr.column > 0 ? jerr.column : 1, jerr.text);
        if (!json_is_object(top)) {
                int k = rd_expected(r, top, "a JSON object");
                json_decref(top);
                return k;
        }
        *out = top;
        return 0;
}

int oci_config_load_data(const char *data, size_t len, const char *name, struct oci_config **out,
                         struct bw_error **err)
{
        struct oci_reader r = { .data = data, .len = len, .name = name ? name : "config.json", .err = err };
        _cleanup_json_ json_t *top = NULL;
        int k = oci_prescan(&r);
        if (k < 0 || (k = parse(&r, &top)) < 0)
                return k;
        _cleanup_config_ struct oci_config *c = calloc(1, sizeof(*c));
        if (!c)
                return bw_error_set(err, -ENOMEM, "loading %s", r.name);
        if ((k = load_config(&r, top, c)) < 0 || (k = oci_validate(&r, c)) < 0)
                return k;
        *out = take_ptr(c);
        return 0;
}

static int read_limited(int fd, const char *path, char **buf, size_t *len, struct bw_error **err)
{
        int r = bw_read_fd(fd, OCI_MAX_CONFIG_SIZE, buf, len);
        if (r == -EFBIG)
                return bw_error_msg(err, r, "%s: expected a config of at most %u MiB, found a larger file",
                                    path, OCI_MAX_CONFIG_SIZE >> 20);
        if (r < 0)
                return bw_error_set(err, r, "reading %s", path);
        return 0;
}

/* The bytes of a config or process file; directories are refused by name. */
static int read_file(const char *path, const char *what, const char *hint, oci_file_check check, void *ctx,
                     char **buf, size_t *len, struct bw_error **err)
{
        /* O_NONBLOCK: opening a FIFO nobody writes to must not hang. */
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return bw_error_set(err, -errno, "opening %s %s", what, path);
        struct stat st;
        if (fstat(fd, &st) < 0)
                return bw_error_set(err, -errno, "checking %s %s", what, path);
        if (S_ISDIR(st.st_mode))
                return bw_error_msg(err, -EISDIR, "%s: expected a JSON file, found a directory%s", path, hint);
        /* A bundle's config is a file; a process file may come down a
         * pipe the caller made. */
        bool pipe_ok = S_ISFIFO(st.st_mode) && strcmp(what, "config") != 0;
        if (!S_ISREG(st.st_mode) && !pipe_ok)
                return bw_error_msg(err, -EINVAL, "%s: expected a regular JSON file, found a %s; write the %s to a file",
                                    path, S_ISFIFO(st.st_mode) ? "FIFO" : S_ISCHR(st.st_mode) ? "character device"
                                                                      : S_ISBLK(st.st_mode) ? "block device"
                                                                      : S_ISSOCK(st.st_mode) ? "socket" : "special file",
                                    what);
        int k = check ? check(path, fd, &st, ctx, err) : 0;
        if (k < 0)
                return k;
        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
                return bw_error_set(err, -errno, "reading %s %s", what, path);
        return read_limited(fd, path, buf, len, err);
}

int oci_config_load_file_checked(const char *path, oci_file_check check, void *ctx, struct oci_config **out,
                                 struct bw_error **err)
{
        _cleanup_free_ char *buf = NULL;
        _cleanup_free_ char *hint = NULL;
        if (asprintf(&hint, " (for a bundle, pass --bundle %s)", path) < 0)
                hint = NULL;
        size_t len = 0;
        int k = read_file(path, "config", hint ? hint : "", check, ctx, &buf, &len, err);
        if (k < 0)
                return k;
        return oci_config_load_data(buf, len, path, out, err);
}

int oci_config_load_file(const char *path, struct oci_config **out, struct bw_error **err)
{
        return oci_config_load_file_checked(path, NULL, NULL, out, err);
}

int oci_process_load_data(const char *data, size_t len, const char *name, struct oci_process **out,
                          struct bw_error **err)
{
        struct oci_reader r = { .data = data, .len = len, .name = name ? name : "process.json", .err = err };
        _cleanup_json_ json_t *top = NULL;
        int k = oci_prescan(&r);
        if (k < 0 || (k = parse(&r, &top)) < 0)
                return k;
        _cleanup_process_ struct oci_process *p = calloc(1, sizeof(*p));
        if (!p)
                return bw_error_set(err, -ENOMEM, "loading %s", r.name);
        if ((k = oci_load_process(&r, top, p)) < 0 || (k = oci_validate_process(&r, p)) < 0)
                return k;
        *out = take_ptr(p);
        return 0;
}

int oci_process_load_file(const char *path, struct oci_process **out, struct bw_error **err)
{
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        int k = read_file(path, "process file", "", NULL, NULL, &buf, &len, err);
        if (k < 0)
                return k;
        return oci_process_load_data(buf, len, path, out, err);
}

int oci_config_validate(const struct oci_config *c, struct bw_error **err)
{
        struct oci_reader r = { .name = "config", .err = err };
        int k = oci_validate_shape(&r, c);
        return k < 0 ? k : oci_validate(&r, c);
}
