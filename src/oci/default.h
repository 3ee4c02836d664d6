/* The restricted profile's defaults: the lists the policy code enforces and
 * the config `bulwark spec` writes. Kept in one place so that what `spec`
 * writes and what `--profile restricted` demands cannot drift apart. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

/* Capabilities `bulwark spec` grants (bounding, effective, permitted). */
extern const char *const bw_spec_capabilities[];            /* NULL-terminated */
/* The most the restricted profile allows a config to keep (docs/security-model.md). */
extern const char *const bw_restricted_capabilities[];      /* NULL-terminated */
/* Paths hidden from the container: /dev/null over a file, an empty
 * read-only tmpfs over a directory. The union of runc's and Docker's lists. */
extern const char *const bw_default_masked_paths[];         /* NULL-terminated */
/* Paths remounted read-only inside the container. */
extern const char *const bw_default_readonly_paths[];       /* NULL-terminated */

/* The device nodes every container's /dev holds (runtime-spec "default
 * devices"; /dev/console and /dev/ptmx are set up with the terminal and
 * devpts, so they are not here). */
struct bw_default_device {
        const char *path;
        char type;       /* 'c' */
        int64_t major, minor;
        uint32_t mode;   /* file mode bits, 0666 */
};
extern const struct bw_default_device bw_default_devices[]; /* ends with path NULL */

/* The device-cgroup rules that follow the config's deny-all: the default
 * devices, /dev/console, /dev/ptmx and the devpts slaves. major or minor -1
 * means any. */
struct bw_device_allow {
        char type;
        int64_t major, minor;
        const char *access;
};
extern const struct bw_device_allow bw_default_device_allows[]; /* ends with type 0 */

#define BW_DEFAULT_PIDS_LIMIT 1024
#define BW_DEFAULT_NOFILE 1024
#define BW_DEFAULT_HOSTNAME "bulwark"

struct bw_spec_options {
        /* Map container root to uid/gid (size 1) instead of leaving the
         * mappings to bulwark create, and leave out what needs host root. */
        bool rootless;
        uid_t uid;
        gid_t gid;
        /* With rootless: the mappings to write instead of uid/gid alone
         * (the caller's own id, then its subordinate ranges), or NULL. */
        const struct oci_idmap_list *uids, *gids;
};

/* The hardened default config.json as a JSON object, or NULL when out of
 * memory. Pure: reads no global state; the caller supplies the ids. */
json_t *bw_default_spec(const struct bw_spec_options *o);

/* A NULL-terminated list of strings (NULL: none) as a JSON array, or NULL
 * when out of memory. */
json_t *oci_json_strings(const char *const *v);
