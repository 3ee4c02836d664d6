/* A directory of manifests (a chart's rendered output, a kustomize base,
 * a repository's deploy/): walked without following symbolic links, so a
 * link cannot lead the audit out of the tree it was given. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "input/files.h"
#include "util/cleanup.h"
#include "util/strv.h"

static bool manifest_name(const char *n)
{
        static const char *const ext[] = { ".yaml", ".yml", ".json" };
        size_t len = strlen(n);
        for (size_t i = 0; i < ARRAY_SIZE(ext); i++) {
                size_t el = strlen(ext[i]);
                if (len > el && strcmp(n + len - el, ext[i]) == 0)
                        return true;
        }
        return false;
}

static int walk(const char *dir, int depth, char ***out, size_t *n, struct bw_error **err);

static int entry(const char *dir, const char *name, int depth, char ***out, size_t *n, struct bw_error **err)
{
        _cleanup_free_ char *path = NULL;
        struct stat st;
        if (name[0] == '.')
                return 0;
        if (asprintf(&path, "%s/%s", dir, name) < 0)
                return bw_error_set(err, -ENOMEM, "listing %s", dir);
        if (lstat(path, &st) < 0)
                return 0;
        if (S_ISDIR(st.st_mode))
                return walk(path, depth + 1, out, n, err);
        if (!S_ISREG(st.st_mode) || !manifest_name(name))
                return 0;
        char **nv = realloc(*out, (*n + 2) * sizeof(*nv));
        if (!nv)
                return bw_error_set(err, -ENOMEM, "listing %s", dir);
        *out = nv;
        nv[(*n)++] = take_ptr(path);
        nv[*n] = NULL;
        return 0;
}

static int walk(const char *dir, int depth, char ***out, size_t *n, struct bw_error **err)
{
        if (depth > 16)
                return 0;
        struct dirent **ents = NULL;
        int count = scandir(dir, &ents, NULL, alphasort);
        if (count < 0)
                return bw_error_set(err, -errno, "listing %s", dir);
        int r = 0;
        for (int i = 0; i < count; i++) {
                if (r >= 0)
                        r = entry(dir, ents[i]->d_name, depth, out, n, err);
                free(ents[i]);
        }
        free(ents);
        return r;
}

int bw_input_manifest_files(const char *dir, char ***out, struct bw_error **err)
{
        size_t n = 0;
        *out = calloc(1, sizeof(char *));
        if (!*out)
                return bw_error_set(err, -ENOMEM, "listing %s", dir);
        int r = walk(dir, 0, out, &n, err);
        if (r < 0) {
                bw_strv_free(*out);
                *out = NULL;
        }
        return r;
}
