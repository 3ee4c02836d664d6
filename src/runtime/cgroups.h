/* The container's cgroup across its life: made and limited at create (before
 * init runs anything of the container's), read by ps, kill --all, pause,
 * resume, update, events, removed at delete, also after a crash.
 *
 * What delete needs is recorded in the state directory before the cgroup is
 * made (cgroup.json: cgroupsPath and the creator's /proc/self/cgroup, which
 * relative paths resolve against), so a create killed half-way leaves a
 * record that delete --force can follow. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "linux/cgroup.h"
#include "linux/cgroup_systemd.h"
#include "oci/spec.h"
#include "runtime/store.h"
#include "util/error.h"

#define BW_CGROUP_RECORD "cgroup.json"

struct bw_ctr_cgroup {
        struct bw_cg_system *sys;
        struct bw_cgroup *cg;
        /* --systemd-cgroup: the scope, and (once connected) systemd */
        bool systemd;
        bool started; /* the record says this container started the scope */
        struct bw_sd_unit unit;
        struct bw_sd *sd;
};
void bw_ctr_cgroup_close(struct bw_ctr_cgroup *c);

/* When the config restricts devices, allow the default devices (null zero
 * full random urandom tty ptmx pts) and linux.devices after its rules, as
 * runc does: a container always has those. */
int bw_cgroup_default_devices(struct oci_config *c);

/* Record, create and limit the container's cgroup (create). */
int bw_ctr_cgroup_prepare(const struct bw_store_entry *e, const char *id, const struct oci_config *c,
                          bool systemd, struct bw_ctr_cgroup *out, struct bw_error **err);
/* Put init (pid) in its cgroup before it runs anything of the
 * container's: with cgroupfs a move; with systemd the scope is started
 * with pid in it and the limits systemd does not own are written into it. */
int bw_ctr_cgroup_enter(struct bw_ctr_cgroup *cg, const struct bw_store_entry *e, const char *id,
                        const struct oci_config *c, pid_t pid, struct bw_error **err);
/* The cgroup of an existing container; -ENOENT (no *err) when none is
 * recorded, -EBADMSG when its record is corrupt. */
int bw_ctr_cgroup_open(const struct bw_store_entry *e, const char *id, struct bw_ctr_cgroup *out,
                       struct bw_error **err);
/* Kill everything in the recorded cgroup (thawing it) and remove it; no
 * record: nothing to do. */
int bw_ctr_cgroup_remove(const struct bw_store_entry *e, const char *id, struct bw_error **err);
/* Signal every process of the container through its cgroup; -ENOENT (no
 * *err) when none is recorded. */
int bw_ctr_cgroup_signal(const struct bw_store_entry *e, const char *id, int sig, struct bw_error **err);
/* The container's pids from its cgroup; -ENOENT (no *err) when none. */
int bw_ctr_cgroup_pids(const struct bw_store_entry *e, const char *id, pid_t **pids, size_t *n,
                       struct bw_error **err);
/* bw_state_status, with "paused" for a frozen cgroup. */
enum bw_status bw_container_status(const struct bw_store_entry *e, const struct bw_state *s);
/* Join pid to the container's cgroup (exec). */
int bw_ctr_cgroup_join(const struct bw_store_entry *e, const char *id, pid_t pid, struct bw_error **err);

/* pause (frozen true) and resume: a running container's cgroup frozen or
 * thawed. */
int bw_container_freeze(const char *root, const char *id, bool frozen, struct bw_error **err);
/* update: write the resources that res sets into a live container's cgroup. */
int bw_container_update(const char *root, const char *id, const struct oci_resources *res, struct bw_error **err);
/* events: the container's cgroup statistics; *running false once it stopped. */
int bw_container_stats(const char *root, const char *id, struct bw_cg_stats *st, bool *running,
                       struct bw_error **err);
