/* The systemd cgroup driver (--systemd-cgroup): the container's cgroup is a
 * transient scope unit that systemd makes and owns, delegated to bulwark
 * (Delegate=yes), so that systemd never fights bulwark over it.
 *
 * cgroupsPath is "slice:prefix:name", as runc takes it: the scope is
 * "prefix-name.scope" in slice "slice" (empty parts: system.slice, or
 * user.slice for a user's manager; prefix "bulwark"; name the container
 * id). A slice "a-b.slice" lives in the cgroup /a.slice/a-b.slice.
 *
 * create: bw_sd_connect, bw_sd_start with init's pid: StartTransientUnit
 * with the limits systemd owns as unit properties (bw_sd_resource_props),
 * then waiting for its job. The other limits are written into the
 * delegated cgroup by the cgroup2 code. update: bw_sd_update
 * (SetUnitProperties, runtime). delete: bw_sd_stop (StopUnit, waiting for
 * its job). Every wait is bounded: no command hangs on systemd.
 *
 * Annotations "org.systemd.property.NAME" add unit properties at create,
 * with their values in D-Bus text form; bw_sd_annotation_props says which
 * forms are understood. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "linux/dbus.h"
#include "oci/spec.h"
#include "util/error.h"

#define BW_SD_ANNOTATION "org.systemd.property."

struct bw_sd_unit {
        char *slice;  /* "system.slice" */
        char *name;   /* "docker-ID.scope" */
        char *cgroup; /* "/system.slice/docker-ID.scope": where a system manager puts it */
};
void bw_sd_unit_clear(struct bw_sd_unit *u);

/* cgroupsPath (NULL or "": ":bulwark:ID") to the unit. user: the caller's
 * own manager (default slice user.slice). */
int bw_sd_unit_parse(const char *cgroups_path, const char *id, bool user, struct bw_sd_unit *out,
                     struct bw_error **err);
/* A slice unit name to its cgroup path below its manager's root:
 * "-.slice" -> "/", "a-b.slice" -> "/a.slice/a-b.slice". */
int bw_sd_slice_path(const char *slice, char **out, struct bw_error **err);

/* The properties of res that systemd owns, appended to b as (sv) entries of
 * an a(sv); *n counts them. Only what res sets (update passes a partial
 * res). */
int bw_sd_resource_props(const struct oci_resources *res, struct bw_dbus_buf *b, size_t *n,
                         struct bw_error **err);
/* The device rules as DevicePolicy and DeviceAllow (a(ss)), in the form
 * the kernel evaluates them (the reduced set bulwark's eBPF program is
 * made from). systemd's program runs beside bulwark's and both must allow
 * an access, so systemd's list is never narrower than the rules: a deny by
 * default becomes "strict" with one entry per allowed device
 * ("/dev/char/1:3"), per major ("char-NAME", named as proc_devices, the
 * text of /proc/devices, names it) or per type ("char-*", as runc); what
 * cannot be named that way, and an allow by default, become "auto" with
 * no list: bulwark's own program then enforces the rules alone. */
int bw_sd_device_props(const struct oci_device_rule *rules, size_t n_rules, const char *proc_devices,
                       struct bw_dbus_buf *b, size_t *n, struct bw_error **err);
/* A cpuset list ("0-3,8") as systemd's byte mask (bit i of byte j is
 * CPU/node 8j+i). *mask is malloc'd. */
int bw_sd_cpuset_mask(const char *list, uint8_t **mask, size_t *len, struct bw_error **err);
/* The org.systemd.property.* annotations as (sv) entries. Understood
 * values: true, false; 'text' or "text" (s, no escapes); an integer with
 * a type: "uint64 N" "@t N", "uint32 N" "@u N", "int64 N" "@x N",
 * "int32 N" "@i N" (and a bare N is int32, as GVariant reads it); a name
 * ending in "Sec" (not "USec") takes seconds and is sent as NAMEUSec in
 * microseconds, as runc does. Properties bulwark sets itself (PIDs, Slice,
 * Delegate, and those of the resources) cannot be given this way. */
int bw_sd_annotation_props(const struct oci_kv_list *ann, struct bw_dbus_buf *b, size_t *n,
                           struct bw_error **err);

struct bw_sd;
/* Connect to the system manager (root) or the caller's own (others).
 * Without systemd: an error naming what is missing and the cgroupfs
 * driver as the fix. */
int bw_sd_connect(struct bw_sd **out, struct bw_error **err);
void bw_sd_close(struct bw_sd *sd);
/* Start the scope with pid in it and wait for it; *cgroup (malloc'd) is
 * its ControlGroup as systemd reports it. *started turns true once systemd
 * took the unit (from then on it is the caller's to stop, even when this
 * fails later). */
int bw_sd_start(struct bw_sd *sd, const struct bw_sd_unit *u, const char *id, pid_t pid,
                const struct oci_resources *res, const struct oci_kv_list *annotations, bool *started,
                char **cgroup, struct bw_error **err);
int bw_sd_update(struct bw_sd *sd, const struct bw_sd_unit *u, const struct oci_resources *res,
                 struct bw_error **err);
/* Stop the scope (systemd kills what is left) and wait; a unit already
 * gone is fine. */
int bw_sd_stop(struct bw_sd *sd, const struct bw_sd_unit *u, struct bw_error **err);
