#include "runtime/cgroups.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oci/device_rules.h"
#include "runtime/rootless.h"
#include "runtime/rootless_cgroup.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json_text.h"
#include "util/log.h"

void bw_ctr_cgroup_close(struct bw_ctr_cgroup *c)
{
        bw_cgroup_free(c->cg);
        bw_cg_system_free(c->sys);
        bw_sd_close(c->sd);
        bw_sd_unit_clear(&c->unit);
        c->cg = NULL;
        c->sys = NULL;
        c->sd = NULL;
}

int bw_cgroup_default_devices(struct oci_config *c)
{
        if (!c->linux)
                return 0;
        struct oci_resources *res = &c->linux->resources;
        bool restricts = false;
        for (size_t i = 0; i < res->n_devices; i++)
                restricts |= !res->devices[i].allow;
        if (!restricts)
                return 0;
        return bw_device_allows_append(c->linux, "m");
}

/* systemd: the scope's name and, once it started, its cgroup as systemd
 * reported it. */
static int write_record(const struct bw_store_entry *e, const char *path, bool systemd, const char *caller,
                        const struct bw_sd_unit *unit, struct bw_error **err)
{
        _cleanup_json_ json_t *j = json_pack("{s:s?, s:b, s:s, s:s?, s:s?}", "cgroupsPath", path, "systemd", systemd,
                                             "caller", caller, "unit", unit ? unit->name : NULL,
                                             "systemdCgroup", unit ? unit->cgroup : NULL);
        _cleanup_free_ char *text = j ? bw_json_dumps(j, JSON_INDENT(2)) : NULL;
        _cleanup_free_ char *file = NULL;
        if (!text || asprintf(&file, "%s/" BW_CGROUP_RECORD, e->path) < 0)
                return bw_error_set(err, -ENOMEM, "recording the cgroups of %s", e->path);
        return bw_write_file_atomic(file, text, err);
}

/* The handle from the record: the caller's cgroups as they were at create. */
/* With systemd, the unit from cgroupsPath and its cgroup: the one recorded
 * once the scope started (sd_cgroup), else where a system manager puts it. */
static int handle_from(const char *id, const char *cgroups_path, bool systemd, const char *caller,
                       const char *sd_cgroup, struct bw_ctr_cgroup *out, struct bw_error **err)
{
        _cleanup_free_ char *mountinfo = NULL;
        int r = bw_read_file("/proc/self/mountinfo", BW_READ_MAX, &mountinfo, NULL);
        if (r < 0)
                return bw_error_set(err, r, "reading /proc/self/mountinfo");
        r = bw_cg_system_parse(mountinfo, caller, "/proc/self/mountinfo", &out->sys, err);
        if (r < 0)
                return r;
        out->systemd = systemd;
        if (systemd) {
                if ((r = bw_sd_unit_parse(cgroups_path, id, geteuid() != 0, &out->unit, err)) < 0) {
                        bw_ctr_cgroup_close(out);
                        return r;
                }
                if (sd_cgroup) {
                        char *dup = strdup(sd_cgroup);
                        if (!dup) {
                                bw_ctr_cgroup_close(out);
                                return bw_error_set(err, -ENOMEM, "the systemd cgroup %s", sd_cgroup);
                        }
                        free(out->unit.cgroup);
                        out->unit.cgroup = dup;
                }
                /* systemd's scope is one cgroup2 directory; v1 hierarchies
                 * would each need their own, which bulwark does not make. */
                if (out->sys->layout != BW_CG_UNIFIED) {
                        r = bw_error_msg(err, -EOPNOTSUPP,
                                         "--systemd-cgroup needs a host with cgroup v2 only (this one is %s); "
                                         "use the cgroupfs driver here (drop --systemd-cgroup; Docker: "
                                         "--exec-opt native.cgroupdriver=cgroupfs; containerd: SystemdCgroup = false)",
                                         bw_cg_layout_name(out->sys->layout));
                        bw_ctr_cgroup_close(out);
                        return r;
                }
                cgroups_path = out->unit.cgroup;
        }
        r = bw_cgroup_new(out->sys, id, cgroups_path, false, &out->cg, err);
        if (r < 0) {
                bw_ctr_cgroup_close(out);
                return r;
        }
        return 0;
}

/* An unprivileged caller's cgroup when the config names none: under the
 * cgroup v2 subtree delegated to it, DELEGATED/bulwark/ID; NULL (and why)
 * when there is none, and the usual /bulwark/ID is then tried. */
static int rootless_path(const char *caller, const char *id, char **path, char **why, struct bw_error **err)
{
        _cleanup_free_ char *mountinfo = NULL, *parent = NULL;
        int r = bw_read_file("/proc/self/mountinfo", BW_READ_MAX, &mountinfo, NULL);
        if (r < 0)
                return bw_error_set(err, r, "reading /proc/self/mountinfo");
        struct bw_cg_system *sys = NULL;
        if ((r = bw_cg_system_parse(mountinfo, caller, "/proc/self/mountinfo", &sys, err)) < 0)
                return r;
        r = bw_rootless_cgroup_delegation(sys, geteuid(), bw_rootless_host_uid(), &parent, why);
        bw_cg_system_free(sys);
        if (r < 0)
                return bw_error_set(err, r, "looking for a delegated cgroup");
        if (parent && asprintf(path, "%s/bulwark/%s", strcmp(parent, "/") == 0 ? "" : parent, id) < 0) {
                *path = NULL;
                return bw_error_set(err, -ENOMEM, "naming the container's cgroup");
        }
        if (parent)
                bw_debug("cgroup: the delegated subtree %s holds the container's cgroup", parent);
        return 0;
}

/* No cgroup for an unprivileged caller: one warning when the config has
 * limits, or a refusal when the profile promised them. */
static int rootless_without_cgroup(const struct oci_config *c, const char *why, const char *detail,
                                   struct bw_error **err)
{
        if (!c->linux || !c->linux->resources.present)
                return 0;
        if (!why)
                why = "no cgroup is delegated to you";
        if (c->limits_required)
                return bw_error_msg(err, -EPERM,
                                    "the restricted profile requires linux.resources to be enforced, and no cgroup "
                                    "can hold them: %s%s%s%s; run bulwark in a delegated cgroup v2 subtree, or choose "
                                    "--profile baseline, which runs without them and warns",
                                    why, detail ? " (" : "", detail ? detail : "", detail ? ")" : "");
        bw_warn("linux.resources ignored (no pids, memory or cpu limit applies): %s%s%s%s", why, detail ? " (" : "",
                detail ? detail : "", detail ? ")" : "");
        return 0;
}

static void bw_sd_closep(struct bw_sd **sd)
{
        bw_sd_close(*sd);
}

/* The recorded cgroupfs cgroup made, checked not frozen and limited. An
 * unprivileged caller without a delegated cgroup runs the container in
 * its own (out closed, the record removed) when the profile allows. */
static int make_cgroup(const struct bw_store_entry *e, const struct oci_config *c, bool rootless, const char *why,
                       struct bw_ctr_cgroup *out, struct bw_error **err)
{
        int r;
        _cleanup_error_ struct bw_error *cerr = NULL;
        if ((r = bw_cgroup_create(out->cg, &cerr)) < 0) {
                /* As crun rootless: an unprivileged caller without a
                 * delegated cgroup runs the container in its own, with one
                 * warning, unless the profile promised the limits. */
                if (rootless && (r == -EACCES || r == -EPERM || r == -EROFS)) {
                        if ((r = rootless_without_cgroup(c, why, cerr->msg, err)) < 0) {
                                bw_ctr_cgroup_close(out);
                                unlinkat(e->dir_fd, BW_CGROUP_RECORD, 0);
                                return r;
                        }
                        bw_ctr_cgroup_close(out);
                        unlinkat(e->dir_fd, BW_CGROUP_RECORD, 0);
                        return 0;
                }
                *err = take_ptr(cerr);
                return r;
        }
        /* A process put in a frozen cgroup never runs: create would wait
         * for an init that cannot start. Refuse, as runc. */
        bool frozen = false;
        if (bw_cgroup_frozen(out->cg, &frozen, &cerr) == 0 && frozen)
                return bw_error_msg(err, -EBUSY,
                                    "cgroup %s is frozen (it or a parent cgroup is paused); thaw it or give the container another linux.cgroupsPath",
                                    bw_cgroup_path(out->cg));
        if (c->linux) {
                /* An unprivileged caller cannot load the cgroup v2 device
                 * program (BPF_PROG_TYPE_CGROUP_DEVICE needs CAP_SYS_ADMIN
                 * on the host), as runc and crun find rootless: its
                 * container's device access is the caller's own (no
                 * mknod of a device in a user namespace, nodev on what
                 * that namespace mounts, host nodes by their modes). */
                struct oci_resources res = c->linux->resources;
                if (rootless && res.n_devices) {
                        bw_debug("cgroup %s: linux.resources.devices not applied (rootless: no device program "
                                 "without privilege)", bw_cgroup_path(out->cg));
                        res.devices = NULL;
                        res.n_devices = 0;
                }
                if ((r = bw_cgroup_set(out->cg, &res, err)) < 0)
                        return bw_error_wrap(err, "applying linux.resources to cgroup %s", bw_cgroup_path(out->cg));
        }
        bw_debug("cgroup %s made and limited", bw_cgroup_path(out->cg));
        return 0;
}

int bw_ctr_cgroup_prepare(const struct bw_store_entry *e, const char *id, const struct oci_config *c,
                          bool systemd, struct bw_ctr_cgroup *out, struct bw_error **err)
{
        *out = (struct bw_ctr_cgroup){ 0 };
        _cleanup_free_ char *caller = NULL;
        int r = bw_read_file("/proc/self/cgroup", BW_READ_MAX, &caller, NULL);
        if (r < 0)
                return bw_error_set(err, r, "reading /proc/self/cgroup");
        const char *path = c->linux ? c->linux->cgroups_path : NULL;
        bool rootless = bw_rootless();
        _cleanup_free_ char *own_path = NULL, *why = NULL;
        if (rootless && (!path || !*path) && (r = rootless_path(caller, id, &own_path, &why, err)) < 0)
                return r;
        if (own_path)
                path = own_path;
        else if (rootless && (!path || !*path))
                return rootless_without_cgroup(c, why, NULL, err); /* root's /bulwark/ID is not the caller's */
        /* Check the path before recording it: a bad one fails create with
         * nothing made. */
        /* systemd makes the scope once init exists (bw_ctr_cgroup_enter);
         * reach it first, so that a host without it fails create early and
         * says so. The connection is not kept: init, cloned next, would
         * inherit it (a root connection to systemd, and one that nobody
         * reads while systemd sends it every signal). */
        if (systemd) {
                _cleanup_(bw_sd_closep) struct bw_sd *sd = NULL;
                if ((r = bw_sd_connect(&sd, err)) < 0)
                        return r;
        }
        if ((r = handle_from(id, path, systemd, caller, NULL, out, err)) < 0)
                return r;
        /* Two containers in one cgroup would share limits, and deleting one
         * would kill the other. */
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        _cleanup_error_ struct bw_error *perr = NULL;
        if (bw_cgroup_pids(out->cg, &pids, &n, &perr) == 0 && n > 0) {
                r = bw_error_msg(err, -EBUSY, "cgroup %s already has processes (another container's?); give this one its own linux.cgroupsPath or id",
                                 bw_cgroup_path(out->cg));
                bw_ctr_cgroup_close(out);
                return r;
        }
        /* Nor may it exist already in any hierarchy: delete kills every
         * process in the container's cgroup and below and removes it all,
         * so it must be one that create made (an empty cgroup left by a
         * service, a v1 cgroup holding host processes, another manager's
         * tree). */
        _cleanup_free_ char *existing = systemd ? NULL : bw_cgroup_first_existing(out->cg);
        if (existing) {
                r = bw_error_msg(err, -EEXIST, "cgroup %s exists already (%s), and bulwark did not make it: delete would kill what is in it and remove it; give this container its own linux.cgroupsPath, or remove the cgroup if it is a leftover (rmdir)",
                                 bw_cgroup_path(out->cg), existing);
                bw_ctr_cgroup_close(out);
                return r;
        }
        if (systemd) {
                if ((r = write_record(e, path, true, caller, &out->unit, err)) < 0) {
                        bw_ctr_cgroup_close(out);
                        return r;
                }
                bw_debug("cgroup of %s: systemd scope %s in %s", id, out->unit.name, out->unit.slice);
                return 0;
        }
        if ((r = write_record(e, path, systemd, caller, NULL, err)) < 0)
                return r;
        return make_cgroup(e, c, rootless, why, out, err);
}

int bw_ctr_cgroup_open(const struct bw_store_entry *e, const char *id, struct bw_ctr_cgroup *out,
                       struct bw_error **err)
{
        *out = (struct bw_ctr_cgroup){ 0 };
        _cleanup_free_ char *file = NULL, *text = NULL;
        if (asprintf(&file, "%s/" BW_CGROUP_RECORD, e->path) < 0)
                return bw_error_set(err, -ENOMEM, "the cgroup record of %s", e->path);
        int r = bw_read_file(file, BW_READ_MAX, &text, NULL);
        if (r == -ENOENT)
                return r;
        if (r < 0)
                return bw_error_set(err, r, "reading %s", file);
        _cleanup_json_ json_t *j = json_loads(text, 0, NULL);
        const char *path = j ? json_string_value(json_object_get(j, "cgroupsPath")) : NULL;
        const char *caller = j ? json_string_value(json_object_get(j, "caller")) : NULL;
        if (!caller) /* -EBADMSG: delete goes on without it, and says so */
                return bw_error_msg(err, -EBADMSG, "%s is corrupt; delete --force removes the container", file);
        r = handle_from(id, path, json_is_true(json_object_get(j, "systemd")), caller,
                        json_string_value(json_object_get(j, "systemdCgroup")), out, err);
        if (r >= 0)
                out->started = json_is_true(json_object_get(j, "systemdStarted"));
        return r;
}

/* The record says the scope is this container's (and where it is). r is
 * the start's result: an error is kept, the record still written. */
static int mark_started(const struct bw_store_entry *e, const char *cgroup, int r, struct bw_error **err)
{
        _cleanup_json_ json_t *j = NULL;
        _cleanup_free_ char *file = NULL, *text = NULL;
        if (asprintf(&file, "%s/" BW_CGROUP_RECORD, e->path) < 0)
                return bw_error_set(err, -ENOMEM, "the cgroup record of %s", e->path);
        int q = bw_read_file(file, BW_READ_MAX, &text, NULL);
        if (q < 0)
                return r < 0 ? r : bw_error_set(err, q, "reading %s", file);
        if (!(j = json_loads(text, 0, NULL)) || json_object_set_new(j, "systemdCgroup", json_string(cgroup)) < 0 ||
            json_object_set_new(j, "systemdStarted", json_true()) < 0)
                return r < 0 ? r : bw_error_msg(err, -EINVAL, "%s is corrupt", file);
        _cleanup_free_ char *out = bw_json_dumps(j, JSON_INDENT(2));
        if (!out)
                return r < 0 ? r : bw_error_set(err, -ENOMEM, "updating %s", file);
        if (r < 0) {
                bw_write_file_atomic(file, out, NULL);
                return r;
        }
        return bw_write_file_atomic(file, out, err);
}

int bw_ctr_cgroup_enter(struct bw_ctr_cgroup *cg, const struct bw_store_entry *e, const char *id,
                        const struct oci_config *c, pid_t pid, struct bw_error **err)
{
        if (!cg->cg)
                return 0;
        if (!cg->systemd)
                return bw_cgroup_add_pid(cg->cg, pid, err);
        _cleanup_free_ char *cgroup = NULL;
        const struct oci_resources *res = c->linux ? &c->linux->resources : NULL;
        bool started = false;
        int r = bw_sd_connect(&cg->sd, err);
        if (r < 0)
                return r;
        r = bw_sd_start(cg->sd, &cg->unit, id, pid, res, &c->annotations, &started, &cgroup, err);
        /* Done with systemd: a connection left open would queue its
         * signals for a reader that is not there. */
        bw_sd_close(take_ptr(cg->sd));
        /* Only a unit this create started is stopped when the create fails:
         * a unit of the same name may be another container's. */
        if (started && (r = mark_started(e, cgroup ? cgroup : cg->unit.cgroup, r, err)) < 0)
                return r;
        if (r < 0 || !cgroup)
                return r < 0 ? r : -EIO;
        /* Where systemd put it (a user's manager, or systemd in a cgroup
         * namespace, has its own root): the handle and record follow. */
        if (strcmp(cgroup, cg->unit.cgroup) != 0) {
                bw_cgroup_free(take_ptr(cg->cg));
                free(cg->unit.cgroup);
                cg->unit.cgroup = take_ptr(cgroup);
                if ((r = bw_cgroup_new(cg->sys, id, cg->unit.cgroup, false, &cg->cg, err)) < 0)
                        return r;
        }
        /* systemd enables in the slices only the controllers it knows;
         * hugetlb, rdma and misc are enabled along the path as for any
         * cgroup bulwark makes (the directories exist: nothing is made). */
        if ((r = bw_cgroup_create(cg->cg, err)) < 0)
                return r;
        /* What systemd does not own (cpu.max's exact quota, io.max, hugetlb,
         * devices' eBPF program, unified ...) is written into the delegated
         * cgroup; what it owns is written too, with the values it was given. */
        if (res && (r = bw_cgroup_set(cg->cg, res, err)) < 0)
                return bw_error_wrap(err, "applying linux.resources to cgroup %s", bw_cgroup_path(cg->cg));
        return 0;
}

/* systemd first (it kills what is left in the scope and removes it); then
 * the cgroupfs way for whatever systemd could not be asked to do. */
static void systemd_stop(struct bw_ctr_cgroup *c)
{
        _cleanup_error_ struct bw_error *serr = NULL;
        if ((!c->sd && bw_sd_connect(&c->sd, &serr) < 0) || bw_sd_stop(c->sd, &c->unit, &serr) < 0)
                bw_warn("%s; removing its cgroup directly", serr ? serr->msg : "stopping the scope");
}

/* Open the container's recorded cgroup: 1, or 0 when it has none. */
static int open_recorded(const struct bw_store_entry *e, const char *id, struct bw_ctr_cgroup *c,
                         struct bw_error **err)
{
        int r = bw_ctr_cgroup_open(e, id, c, err);
        if (r == -ENOENT)
                return 0;
        return r < 0 ? r : 1;
}

int bw_ctr_cgroup_remove(const struct bw_store_entry *e, const char *id, struct bw_error **err)
{
        _cleanup_(bw_ctr_cgroup_close) struct bw_ctr_cgroup c = { 0 };
        int r = open_recorded(e, id, &c, err);
        if (r <= 0)
                return r;
        /* A scope this container never started is not its own: nothing of
         * it to stop, kill or remove. */
        if (c.systemd && !c.started) {
                unlinkat(e->dir_fd, BW_CGROUP_RECORD, 0);
                return 0;
        }
        if (c.systemd)
                systemd_stop(&c);
        _cleanup_error_ struct bw_error *kerr = NULL;
        if (bw_cgroup_kill(c.cg, SIGKILL, &kerr) < 0)
                bw_debug("killing what is left in cgroup %s: %s", bw_cgroup_path(c.cg), kerr->msg);
        if ((r = bw_cgroup_destroy(c.cg, err)) < 0)
                return r;
        unlinkat(e->dir_fd, BW_CGROUP_RECORD, 0);
        return 0;
}

int bw_ctr_cgroup_signal(const struct bw_store_entry *e, const char *id, int sig, struct bw_error **err)
{
        _cleanup_(bw_ctr_cgroup_close) struct bw_ctr_cgroup c = { 0 };
        int r = bw_ctr_cgroup_open(e, id, &c, err);
        if (r < 0)
                return r;
        return bw_cgroup_kill(c.cg, sig, err);
}

int bw_ctr_cgroup_pids(const struct bw_store_entry *e, const char *id, pid_t **pids, size_t *n,
                       struct bw_error **err)
{
        _cleanup_(bw_ctr_cgroup_close) struct bw_ctr_cgroup c = { 0 };
        int r = bw_ctr_cgroup_open(e, id, &c, err);
        if (r < 0)
                return r;
        return bw_cgroup_pids(c.cg, pids, n, err);
}

int bw_ctr_cgroup_join(const struct bw_store_entry *e, const char *id, pid_t pid, struct bw_error **err)
{
        _cleanup_(bw_ctr_cgroup_close) struct bw_ctr_cgroup c = { 0 };
        int r = open_recorded(e, id, &c, err);
        if (r <= 0)
                return r;
        return bw_cgroup_add_pid(c.cg, pid, err);
}

enum bw_status bw_container_status(const struct bw_store_entry *e, const struct bw_state *s)
{
        enum bw_status st = bw_state_status(e, s);
        if (st != BW_STATUS_RUNNING && st != BW_STATUS_CREATED)
                return st;
        _cleanup_(bw_ctr_cgroup_close) struct bw_ctr_cgroup c = { 0 };
        _cleanup_error_ struct bw_error *err = NULL;
        bool frozen = false;
        if (bw_ctr_cgroup_open(e, s->id, &c, &err) == 0 && bw_cgroup_frozen(c.cg, &frozen, &err) == 0 && frozen)
                return BW_STATUS_PAUSED;
        return st;
}

/* A locked container with its cgroup, for pause, resume, update and events. */
struct live {
        struct bw_store_entry e;
        struct bw_state s;
        struct bw_ctr_cgroup cg;
        enum bw_status status;
};

static void live_close(struct live *l)
{
        bw_ctr_cgroup_close(&l->cg);
        bw_state_clear(&l->s);
        bw_store_entry_close(&l->e);
}

static int live_open(const char *root, const char *id, struct live *l, struct bw_error **err)
{
        int r = bw_store_open(root, id, &l->e, err);
        if (r < 0)
                return r;
        if ((r = bw_state_read(&l->e, &l->s, err)) < 0)
                return r;
        l->status = bw_container_status(&l->e, &l->s);
        r = bw_ctr_cgroup_open(&l->e, id, &l->cg, err);
        if (r == -ENOENT && bw_rootless())
                return bw_error_msg(err, -ENOENT,
                                    "container %s has no cgroup: it was made without one, as no cgroup is delegated "
                                    "to you (pause, resume, update and events need one; see docs/rootless.md)", id);
        if (r == -ENOENT)
                return bw_error_msg(err, -ENOENT, "container %s has no cgroup recorded (made by an older bulwark?)", id);
        return r;
}

int bw_container_freeze(const char *root, const char *id, bool frozen, struct bw_error **err)
{
        _cleanup_(live_close) struct live l = { .e = { .dir_fd = -1 } };
        int r = live_open(root, id, &l, err);
        if (r < 0)
                return r;
        if (frozen && l.status != BW_STATUS_RUNNING && l.status != BW_STATUS_CREATED)
                return bw_error_msg(err, -EINVAL, "container %s is %s; only a running container can be paused", id,
                                    bw_status_name(l.status));
        if (!frozen && l.status != BW_STATUS_PAUSED)
                return bw_error_msg(err, -EINVAL, "container %s is %s, not paused; nothing to resume", id,
                                    bw_status_name(l.status));
        r = bw_cgroup_freeze(l.cg.cg, frozen, err);
        return r < 0 ? bw_error_wrap(err, "%s container %s", frozen ? "pausing" : "resuming", id) : 0;
}

int bw_container_update(const char *root, const char *id, const struct oci_resources *res, struct bw_error **err)
{
        _cleanup_(live_close) struct live l = { .e = { .dir_fd = -1 } };
        int r = live_open(root, id, &l, err);
        if (r < 0)
                return r;
        if (l.status == BW_STATUS_STOPPED)
                return bw_error_msg(err, -EINVAL, "container %s is stopped; there is nothing to update", id);
        /* systemd first: it would otherwise put its own values back. */
        if (l.cg.systemd && ((r = bw_sd_connect(&l.cg.sd, err)) < 0 || (r = bw_sd_update(l.cg.sd, &l.cg.unit, res, err)) < 0))
                return bw_error_wrap(err, "updating container %s", id);
        r = bw_cgroup_set(l.cg.cg, res, err);
        return r < 0 ? bw_error_wrap(err, "updating container %s", id) : 0;
}

int bw_container_stats(const char *root, const char *id, struct bw_cg_stats *st, bool *running,
                       struct bw_error **err)
{
        _cleanup_(live_close) struct live l = { .e = { .dir_fd = -1 } };
        int r = live_open(root, id, &l, err);
        if (r < 0)
                return r;
        *running = l.status != BW_STATUS_STOPPED;
        if (!*running)
                return 0;
        return bw_cgroup_stats(l.cg.cg, st, err);
}
