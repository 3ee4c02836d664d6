/* The config loader: every field lands in its place, dump(load(x)) is x,
 * and every class of bad input gives its precise message. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "oci/load.h"
#include "tap.h"
#include "util/cleanup.h"
#include "util/strv.h"

#ifndef BW_TEST_DATA
#error "BW_TEST_DATA must name tests/unit/data"
#endif

#define BIT(c) (UINT64_C(1) << (c))

static char *read_file(const char *path, size_t *len)
{
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return NULL;
        char *buf = NULL;
        size_t cap = 0;
        FILE *m = open_memstream(&buf, &cap);
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
                fwrite(chunk, 1, n, m);
        fclose(m);
        *len = cap;
        return buf;
}

static bool strv_is(char **v, const char *const *want)
{
        size_t i = 0;
        for (; want[i]; i++)
                if (!v || !v[i] || strcmp(v[i], want[i]) != 0)
                        return false;
        return v && !v[i];
}
#define STRV(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void check_top(const struct oci_config *c)
{
        tap_is_str(c->oci_version, "1.2.0", "ociVersion");
        tap_ok(c->has_root, "root present");
        tap_is_str(c->root.path, "rootfs", "root.path");
        tap_ok(c->root.readonly, "root.readonly");
        tap_is_int(c->n_mounts, 2, "two mounts");
        tap_is_str(c->mounts[0].destination, "/proc", "mounts[0].destination");
        tap_is_str(c->mounts[0].type, "proc", "mounts[0].type");
        tap_is_str(c->mounts[0].source, "proc", "mounts[0].source");
        tap_ok(strv_is(c->mounts[0].options, STRV("nosuid", "noexec")), "mounts[0].options");
        tap_ok(!c->mounts[0].uid_mappings.present, "mounts[0] has no uidMappings");
        const struct oci_mount *m = &c->mounts[1];
        tap_ok(m->uid_mappings.present && m->uid_mappings.n == 1 && m->uid_mappings.v[0].container_id == 0 &&
               m->uid_mappings.v[0].host_id == 100000 && m->uid_mappings.v[0].size == 65536,
               "mounts[1].uidMappings");
        tap_ok(m->gid_mappings.present && m->gid_mappings.n == 1 && m->gid_mappings.v[0].host_id == 200000 &&
               m->gid_mappings.v[0].size == 1000, "mounts[1].gidMappings");
        tap_is_str(c->hostname, "box", "hostname");
        tap_is_str(c->domainname, "example.org", "domainname");
        tap_is_int(c->annotations.n, 2, "two annotations");
        tap_is_str(c->annotations.v[0].key, "org.example.key", "annotations keep their order and keys");
        tap_is_str(c->annotations.v[0].value, "value", "annotation value");
}

static void check_process(const struct oci_process *p)
{
        tap_ok(p != NULL, "process present");
        if (!p)
                return;
        tap_ok(p->terminal, "process.terminal");
        tap_ok(p->console_size.present && p->console_size.height == 24 && p->console_size.width == 80,
               "process.consoleSize");
        tap_is_int(p->user.uid, 1000, "process.user.uid");
        tap_is_int(p->user.gid, 1001, "process.user.gid");
        tap_ok(p->user.umask.set && p->user.umask.v == 18, "process.user.umask");
        tap_ok(p->user.n_additional_gids == 2 && p->user.additional_gids[0] == 5 && p->user.additional_gids[1] == 6,
               "process.user.additionalGids");
        tap_is_str(p->user.username, "app", "process.user.username");
        tap_ok(strv_is(p->args, STRV("/bin/sh", "-c", "echo hi")), "process.args");
        tap_is_str(p->command_line, "sh -c 'echo hi'", "process.commandLine");
        tap_ok(strv_is(p->env, STRV("PATH=/usr/bin", "TERM=xterm")), "process.env");
        tap_is_str(p->cwd, "/home/app", "process.cwd");
        const struct oci_capabilities *k = &p->capabilities;
        tap_ok(k->present, "capabilities present");
        tap_ok(k->bounding.present && k->bounding.mask == (BIT(CAP_CHOWN) | BIT(CAP_KILL) | BIT(CAP_NET_BIND_SERVICE)),
               "capabilities.bounding as a mask");
        tap_ok(k->effective.mask == BIT(CAP_KILL), "capabilities.effective");
        tap_ok(k->inheritable.present && k->inheritable.mask == 0, "capabilities.inheritable present and empty");
        tap_ok(k->permitted.mask == (BIT(CAP_KILL) | BIT(CAP_NET_BIND_SERVICE)), "capabilities.permitted");
        tap_ok(k->ambient.mask == BIT(CAP_NET_BIND_SERVICE), "capabilities.ambient");
        tap_is_int(p->n_rlimits, 2, "two rlimits");
        tap_ok(p->rlimits[0].resource == RLIMIT_NOFILE && p->rlimits[0].hard == 4096 && p->rlimits[0].soft == 1024,
               "rlimits[0] RLIMIT_NOFILE 1024/4096");
        tap_is_str(p->rlimits[0].type, "RLIMIT_NOFILE", "rlimits[0].type kept");
        tap_ok(p->rlimits[1].resource == RLIMIT_CORE && p->rlimits[1].hard == UINT64_MAX && p->rlimits[1].soft == 0,
               "rlimits[1] hard -1 is RLIM_INFINITY");
        tap_ok(p->no_new_privileges, "process.noNewPrivileges");
        tap_ok(p->oom_score_adj.set && p->oom_score_adj.v == -500, "process.oomScoreAdj");
        tap_is_str(p->apparmor_profile, "bulwark-default", "process.apparmorProfile");
        tap_is_str(p->selinux_label, "system_u:system_r:container_t:s0", "process.selinuxLabel");
        tap_ok(p->io_priority.present && p->io_priority.klass_value == 2 && p->io_priority.priority == 4,
               "process.ioPriority BE/4");
        tap_is_str(p->io_priority.klass, "IOPRIO_CLASS_BE", "ioPriority.class kept");
        const struct oci_scheduler *s = &p->scheduler;
        tap_ok(s->present && s->policy_value == 6 && strcmp(s->policy, "SCHED_DEADLINE") == 0, "scheduler.policy");
        tap_ok(s->nice.set && s->nice.v == -5 && s->priority.set && s->priority.v == 0, "scheduler.nice/priority");
        tap_ok(strv_is(s->flags, STRV("SCHED_FLAG_RESET_ON_FORK")), "scheduler.flags");
        tap_ok(s->runtime.v == 10000000 && s->deadline.v == 20000000 && s->period.v == 30000000 && s->period.set,
               "scheduler runtime/deadline/period");
}

static void check_hooks(const struct oci_hooks *h)
{
        tap_ok(h->prestart.n == 1 && strcmp(h->prestart.v[0].path, "/usr/bin/pre") == 0, "hooks.prestart[0].path");
        tap_ok(strv_is(h->prestart.v[0].args, STRV("pre", "x")), "hooks.prestart[0].args");
        tap_ok(strv_is(h->prestart.v[0].env, STRV("A=1")), "hooks.prestart[0].env");
        tap_ok(h->prestart.v[0].timeout.set && h->prestart.v[0].timeout.v == 5, "hooks.prestart[0].timeout");
        tap_ok(h->create_runtime.n == 1 && strcmp(h->create_runtime.v[0].path, "/usr/bin/cr") == 0, "hooks.createRuntime");
        tap_ok(h->create_container.n == 1 && strcmp(h->create_container.v[0].path, "/usr/bin/cc") == 0,
               "hooks.createContainer");
        tap_ok(h->start_container.n == 1 && strcmp(h->start_container.v[0].path, "/usr/bin/sc") == 0,
               "hooks.startContainer");
        tap_ok(h->poststart.n == 1 && h->poststart.v[0].timeout.v == 1, "hooks.poststart");
        tap_ok(h->poststop.n == 1 && strv_is(h->poststop.v[0].args, STRV("pst")) && !h->poststop.v[0].timeout.set,
               "hooks.poststop");
}

static void check_linux_basics(const struct oci_config *c)
{
        const struct oci_linux *l = c->linux;
        tap_is_int(l->n_namespaces, 8, "eight namespaces");
        tap_ok(l->namespaces[1].type == OCI_NS_NETWORK && strcmp(l->namespaces[1].path, "/var/run/netns/box") == 0,
               "namespaces[1] network with a path");
        tap_ok(l->namespaces[7].type == OCI_NS_TIME && !l->namespaces[7].path, "namespaces[7] time");
        tap_ok(oci_config_namespace(c, OCI_NS_USER) == &l->namespaces[5], "oci_config_namespace finds user");
        tap_ok(l->uid_mappings.n == 2 && l->uid_mappings.v[1].container_id == 1000 && l->uid_mappings.v[1].host_id == 1000 &&
               l->uid_mappings.v[1].size == 1, "linux.uidMappings[1]");
        tap_ok(l->gid_mappings.n == 1 && l->gid_mappings.v[0].size == 65536, "linux.gidMappings");
        tap_is_int(l->n_devices, 3, "three devices");
        const struct oci_device *d = &l->devices[0];
        tap_ok(strcmp(d->path, "/dev/fuse") == 0 && d->type == 'c' && d->major == 10 && d->minor == 229, "devices[0]");
        tap_ok(d->file_mode.set && d->file_mode.v == 438 && d->uid.set && d->gid.set && d->gid.v == 0,
               "devices[0] fileMode/uid/gid");
        tap_ok(l->devices[1].type == 'b' && l->devices[1].major == 7 && !l->devices[1].file_mode.set, "devices[1]");
        tap_ok(l->devices[2].type == 'p', "devices[2] fifo");
        tap_is_str(l->cgroups_path, "/bulwark/box", "linux.cgroupsPath");
        tap_is_int(l->sysctl.n, 4, "four sysctls");
        tap_is_str(l->sysctl.v[0].key, "net.ipv4.ip_forward", "sysctl key");
        tap_is_str(l->sysctl.v[0].value, "1", "sysctl value");
        tap_is_str(l->rootfs_propagation, "rprivate", "linux.rootfsPropagation");
        tap_ok(strv_is(l->masked_paths, STRV("/proc/kcore", "/sys/firmware")), "linux.maskedPaths");
        tap_ok(strv_is(l->readonly_paths, STRV("/proc/sys")), "linux.readonlyPaths");
        tap_is_str(l->mount_label, "system_u:object_r:container_file_t:s0", "linux.mountLabel");
        tap_ok(l->personality && strcmp(l->personality->domain, "LINUX32") == 0 && l->personality->flags &&
               !l->personality->flags[0], "linux.personality with empty flags");
        tap_ok(l->time_monotonic.present && l->time_monotonic.secs == 10 && l->time_monotonic.nanosecs == 5,
               "timeOffsets.monotonic");
        tap_ok(l->time_boottime.present && l->time_boottime.secs == -20, "timeOffsets.boottime");
        const struct oci_intel_rdt *rdt = l->intel_rdt;
        tap_ok(rdt && strcmp(rdt->clos_id, "guaranteed") == 0 && strcmp(rdt->l3_cache_schema, "L3:0=7f0") == 0 &&
               strcmp(rdt->mem_bw_schema, "MB:0=20") == 0 && rdt->enable_cmt && rdt->enable_mbm, "linux.intelRdt");
}

static void check_resources(const struct oci_resources *r)
{
        tap_ok(r->present, "resources present");
        tap_is_int(r->n_devices, 3, "three device rules");
        tap_ok(!r->devices[0].allow && r->devices[0].type == 'a' && !r->devices[0].major.set &&
               strcmp(r->devices[0].access, "rwm") == 0, "device rule 0 denies all");
        tap_ok(r->devices[1].allow && r->devices[1].type == 'c' && r->devices[1].major.v == 10 &&
               r->devices[1].minor.v == 229 && strcmp(r->devices[1].access, "rw") == 0, "device rule 1");
        tap_ok(r->devices[2].major.set && !r->devices[2].minor.set && !r->devices[2].access, "device rule 2: any minor, all access");
        const struct oci_memory *m = &r->memory;
        tap_ok(m->present && m->limit.v == 536870912 && m->reservation.v == 268435456 && m->swap.v == 1073741824,
               "memory limit/reservation/swap");
        tap_ok(m->kernel.set && m->kernel.v == -1 && m->kernel_tcp.set && m->kernel_tcp.v == 0, "memory kernel/kernelTCP");
        tap_ok(m->swappiness.set && m->swappiness.v == 60, "memory.swappiness");
        tap_ok(m->disable_oom_killer.set && !m->disable_oom_killer.v && m->use_hierarchy.v && m->check_before_update.v,
               "memory booleans");
        const struct oci_cpu *c = &r->cpu;
        tap_ok(c->present && c->shares.v == 1024 && c->quota.v == 50000 && c->burst.v == 10000 && c->period.v == 100000,
               "cpu shares/quota/burst/period");
        tap_ok(c->realtime_runtime.v == 950000 && c->realtime_period.v == 1000000 && c->idle.set && c->idle.v == 1,
               "cpu realtime/idle");
        tap_ok(strcmp(c->cpus, "0-1") == 0 && strcmp(c->mems, "0") == 0, "cpu cpus/mems");
        tap_ok(r->pids.present && r->pids.limit.set && r->pids.limit.v == 512, "pids.limit");
        const struct oci_blkio *b = &r->block_io;
        tap_ok(b->present && b->weight.v == 500 && b->leaf_weight.v == 300, "blockIO weight/leafWeight");
        tap_ok(b->n_weight_device == 1 && b->weight_device[0].major == 8 && b->weight_device[0].weight.v == 600 &&
               b->weight_device[0].leaf_weight.v == 200, "blockIO.weightDevice");
        tap_ok(b->throttle_read_bps.n == 1 && b->throttle_read_bps.v[0].rate == 1048576, "throttleReadBpsDevice");
        tap_ok(b->throttle_write_bps.v[0].minor == 16 && b->throttle_write_bps.v[0].rate == 2097152, "throttleWriteBpsDevice");
        tap_ok(b->throttle_read_iops.v[0].minor == 32 && b->throttle_read_iops.v[0].rate == 100, "throttleReadIOPSDevice");
        tap_ok(b->throttle_write_iops.v[0].minor == 48 && b->throttle_write_iops.v[0].rate == 200, "throttleWriteIOPSDevice");
        tap_ok(r->n_hugepage_limits == 1 && strcmp(r->hugepage_limits[0].page_size, "2MB") == 0 &&
               r->hugepage_limits[0].limit == 209715200, "hugepageLimits");
        tap_ok(r->network.present && r->network.class_id.v == 1048577 && r->network.n_priorities == 1 &&
               strcmp(r->network.priorities[0].name, "eth0") == 0 && r->network.priorities[0].priority == 500,
               "network classID/priorities");
        tap_ok(r->n_rdma == 1 && strcmp(r->rdma[0].device, "mlx5_1") == 0 && r->rdma[0].hca_handles.v == 3 &&
               r->rdma[0].hca_objects.v == 10000, "rdma");
        tap_ok(r->unified.n == 2 && strcmp(r->unified.v[0].key, "memory.high") == 0 &&
               strcmp(r->unified.v[0].value, "400M") == 0, "unified");
}

static void check_seccomp(const struct oci_seccomp *s)
{
        tap_ok(s != NULL, "seccomp present");
        if (!s)
                return;
        tap_ok(s->default_action == OCI_SECCOMP_ERRNO && s->default_errno_ret.set && s->default_errno_ret.v == 38,
               "seccomp.defaultAction/defaultErrnoRet");
        tap_ok(strv_is(s->architectures, STRV("SCMP_ARCH_X86_64", "SCMP_ARCH_X86")), "seccomp.architectures");
        tap_ok(strv_is(s->flags, STRV("SECCOMP_FILTER_FLAG_LOG")), "seccomp.flags");
        tap_is_str(s->listener_path, "/run/agent.sock", "seccomp.listenerPath");
        tap_is_str(s->listener_metadata, "meta", "seccomp.listenerMetadata");
        tap_is_int(s->n_syscalls, 4, "four syscall rules");
        tap_ok(strv_is(s->syscalls[0].names, STRV("read", "write")) && s->syscalls[0].action == OCI_SECCOMP_ALLOW,
               "syscalls[0]");
        const struct oci_seccomp_arg *a = &s->syscalls[1].args[0];
        tap_ok(s->syscalls[1].n_args == 1 && a->index == 0 && a->value == 8 && a->value_two == 9 && a->op == OCI_SECCOMP_EQ,
               "syscalls[1].args[0]");
        tap_ok(s->syscalls[2].action == OCI_SECCOMP_ERRNO && s->syscalls[2].errno_ret.v == 1, "syscalls[2].errnoRet");
        a = &s->syscalls[3].args[0];
        tap_ok(s->syscalls[3].action == OCI_SECCOMP_NOTIFY && a->index == 1 && a->value == UINT64_MAX &&
               a->value_two == 21505 && a->op == OCI_SECCOMP_MASKED_EQ, "syscalls[3]: NOTIFY, -1 is all ones");
}

static char *dump_text(const struct oci_config *c)
{
        _cleanup_json_ json_t *j = oci_config_dump(c);
        return j ? json_dumps(j, JSON_SORT_KEYS | JSON_INDENT(2)) : NULL;
}

static void test_full(void)
{
        size_t len = 0;
        _cleanup_free_ char *data = read_file(BW_TEST_DATA "/full.json", &len);
        tap_ok(data != NULL, "read full.json");
        if (!data)
                return;
        _cleanup_error_ struct bw_error *err = NULL;
        _cleanup_config_ struct oci_config *c = NULL;
        int r = oci_config_load_data(data, len, "full.json", &c, &err);
        tap_is_int(r, 0, "full.json loads");
        if (r < 0) {
                printf("# %s\n", err->msg);
                return;
        }
        check_top(c);
        check_process(c->process);
        check_hooks(&c->hooks);
        check_linux_basics(c);
        check_resources(&c->linux->resources);
        check_seccomp(c->linux->seccomp);

        /* The fixture is written the way the dumper writes, so the dump must
         * equal the input: nothing lost, nothing invented. */
        _cleanup_json_ json_t *in = json_loadb(data, len, 0, NULL);
        _cleanup_json_ json_t *out = oci_config_dump(c);
        tap_ok(in && out && json_equal(in, out), "dump(load(full.json)) equals full.json");
        if (!json_equal(in, out)) {
                _cleanup_free_ char *a = json_dumps(out, JSON_SORT_KEYS | JSON_COMPACT);
                printf("# dump: %s\n", a ? a : "(null)");
        }
        /* dump -> load -> dump is stable */
        _cleanup_free_ char *t1 = dump_text(c);
        _cleanup_config_ struct oci_config *c2 = NULL;
        _cleanup_error_ struct bw_error *err2 = NULL;
        r = oci_config_load_data(t1, strlen(t1), "dump.json", &c2, &err2);
        tap_is_int(r, 0, "the dump loads again");
        _cleanup_free_ char *t2 = c2 ? dump_text(c2) : NULL;
        tap_is_str(t2, t1, "dump(load(dump)) == dump");
}

/* Configs as runc, crun, containerd (`ctr oci spec`, plus args) and Docker
 * write them load, and round-trip. */
static void test_engines(void)
{
        static const char *const files[] = { "engine-runc.json", "engine-runc-rootless.json", "engine-crun.json",
                                             "engine-containerd.json", "engine-docker.json" };
        for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
                char path[512];
                snprintf(path, sizeof(path), "%s/%s", BW_TEST_DATA, files[i]);
                _cleanup_error_ struct bw_error *err = NULL;
                _cleanup_config_ struct oci_config *c = NULL;
                int r = oci_config_load_file(path, &c, &err);
                tap_ok(r == 0, "%s loads", files[i]);
                if (r < 0) {
                        printf("# %s\n", err->msg);
                        continue;
                }
                _cleanup_free_ char *t1 = dump_text(c);
                _cleanup_config_ struct oci_config *c2 = NULL;
                _cleanup_error_ struct bw_error *e2 = NULL;
                r = t1 ? oci_config_load_data(t1, strlen(t1), "dump.json", &c2, &e2) : -ENOMEM;
                _cleanup_free_ char *t2 = r == 0 ? dump_text(c2) : NULL;
                tap_is_str(t2, t1, files[i]);
        }
        _cleanup_error_ struct bw_error *err = NULL;
        _cleanup_config_ struct oci_config *d = NULL;
        oci_config_load_file(BW_TEST_DATA "/engine-docker.json", &d, &err);
        tap_ok(d && d->process->rlimits[0].hard == UINT64_MAX && d->process->rlimits[0].soft == UINT64_MAX,
               "docker: unlimited nofile is RLIM_INFINITY");
        tap_ok(d && d->linux->seccomp->syscalls[1].args[0].value == 2114060288 &&
               d->linux->seccomp->syscalls[2].errno_ret.v == 38, "docker: seccomp clone mask and clone3 ENOSYS");
        tap_ok(d && d->process->capabilities.bounding.mask & BIT(CAP_NET_RAW), "docker: NET_RAW in the bounding set");
}

static void test_file(void)
{
        _cleanup_error_ struct bw_error *err = NULL;
        _cleanup_config_ struct oci_config *c = NULL;
        int r = oci_config_load_file(BW_TEST_DATA "/full.json", &c, &err);
        tap_is_int(r, 0, "oci_config_load_file reads a file");

        _cleanup_error_ struct bw_error *e2 = NULL;
        r = oci_config_load_file(BW_TEST_DATA, &c, &e2);
        tap_is_int(r, -EISDIR, "a directory is refused with EISDIR");
        tap_is_str(e2 ? e2->msg : NULL,
                   BW_TEST_DATA ": expected a JSON file, found a directory (for a bundle, pass --bundle " BW_TEST_DATA ")",
                   "a directory: message");
        tap_is_int(e2 ? e2->status : 0, 1, "a directory: exit status 1");

        _cleanup_error_ struct bw_error *e3 = NULL;
        r = oci_config_load_file(BW_TEST_DATA "/missing.json", &c, &e3);
        tap_is_int(r, -ENOENT, "a missing file gives ENOENT");
        tap_is_str(e3 ? e3->msg : NULL, "opening config " BW_TEST_DATA "/missing.json: No such file or directory",
                   "a missing file: message");
}

/* Values beyond 64-bit signed: RLIM_INFINITY as Docker writes it. */
static void test_big_numbers(void)
{
        const char *in = "{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],"
                         "\"user\":{\"uid\":4294967295,\"gid\":0},\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\","
                         "\"hard\":18446744073709551615,\"soft\":9223372036854775808}]}}";
        _cleanup_error_ struct bw_error *err = NULL;
        _cleanup_config_ struct oci_config *c = NULL;
        int r = oci_config_load_data(in, strlen(in), "big.json", &c, &err);
        tap_is_int(r, 0, "integers above INT64_MAX load");
        if (r < 0) {
                printf("# %s\n", err->msg);
                return;
        }
        tap_ok(c->process->rlimits[0].hard == UINT64_MAX, "18446744073709551615 is exact");
        tap_ok(c->process->rlimits[0].soft == UINT64_C(9223372036854775808), "9223372036854775808 is exact");
        tap_ok(c->process->user.uid == UINT32_MAX, "uid 4294967295 is the largest accepted");
        _cleanup_free_ char *t1 = dump_text(c);
        _cleanup_config_ struct oci_config *c2 = NULL;
        _cleanup_error_ struct bw_error *e2 = NULL;
        tap_is_int(oci_config_load_data(t1, strlen(t1), "dump.json", &c2, &e2), 0, "their dump loads");
        tap_ok(c2 && c2->process->rlimits[0].hard == UINT64_MAX && c2->process->rlimits[0].soft == UINT64_C(9223372036854775808),
               "and round-trips exactly");

        /* With one huge number in the file every number is read from the
         * text: fractions and ranges are still caught, and shown as written. */
        static const struct { const char *uid, *msg; } cases[] = {
                { "1.0", "big.json:1:97: process.user.uid: expected a non-negative integer, found 1.0" },
                { "4294967296", "big.json:1:97: process.user.uid: expected an integer from 0 to 4294967295, found 4294967296" },
                { "-7", "big.json:1:97: process.user.uid: expected an integer from 0 to 4294967295, found -7" },
                { "1e3", "big.json:1:97: process.user.uid: expected a non-negative integer, found 1e3" },
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                char buf[512];
                snprintf(buf, sizeof(buf), "{\"ociVersion\":\"1.2.0\",\"x\":18446744073709551616,\"process\":"
                         "{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":%s,\"gid\":0}}}", cases[i].uid);
                _cleanup_error_ struct bw_error *e = NULL;
                struct oci_config *x = NULL;
                tap_ok(oci_config_load_data(buf, strlen(buf), "big.json", &x, &e) == -EINVAL, "big-number mode: uid %s refused",
                       cases[i].uid);
                tap_is_str(e ? e->msg : NULL, cases[i].msg, cases[i].msg);
        }
}

struct bad {
        const char *what;
        const char *json;
        const char *msg;
};

#define PROC "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0}"
#define V "{\"ociVersion\":\"1.2.0\","

static const struct bad bad_inputs[] = {
        /* the example, over several lines */
        { "string uid", "{\n  \"ociVersion\": \"1.2.0\",\n  \"process\": {\n    \"cwd\": \"/\",\n    \"args\": [\"sh\"],\n"
                        "    \"user\": {\"uid\": \"root\", \"gid\": 0}\n  }\n}\n",
          "t.json:6:21: process.user.uid: expected a non-negative integer, found \"root\"" },
        /* JSON itself */
        { "empty file", "", "t.json:1:1: expected a JSON object, found an empty file" },
        { "blank file", " \n\t\n", "t.json:1:1: expected a JSON object, found an empty file" },
        { "not JSON", "hello world", "t.json:1:5: invalid JSON: invalid token near 'hello'" },
        { "truncated", "{\"ociVersion\": \"1.2.0\",\n", "t.json:2:1: invalid JSON: string or '}' expected near end of file" },
        { "an array", "[1, 2]", "t.json:1:1: expected a JSON object, found an array" },
        { "invalid UTF-8", "{\"ociVersion\": \"1.2.0\",\n \"hostname\": \"b\xff\"}", "t.json:2:16: expected UTF-8 text, found the byte 0xff" },
        { "overlong UTF-8", "{\"hostname\": \"\xc0\xaf\"}", "t.json:1:15: expected UTF-8 text, found the byte 0xc0" },
        { "duplicate key", "{\"ociVersion\": \"1.2.0\", \"ociVersion\": \"1.2.0\"}",
          "t.json:1:36: invalid JSON: duplicate object key near '\"ociVersion\"'" },
        /* required fields */
        { "no ociVersion", "{}", "t.json:1:1: ociVersion: expected a version string such as \"1.2.0\", found nothing (this field is required)" },
        { "bad ociVersion", "{\"ociVersion\": \"2.0.0\"}",
          "t.json:1:16: ociVersion: expected a version 1.MINOR.PATCH such as \"1.2.0\", found \"2.0.0\"" },
        { "root without path", V "\"root\": {\"readonly\": true}}",
          "t.json:1:31: root.path: expected a string, found nothing (this field is required)" },
        { "process without cwd", V "\"process\": {\"args\": [\"sh\"], \"user\": {\"uid\": 0, \"gid\": 0}}}",
          "t.json:1:34: process.cwd: expected an absolute path, found nothing (this field is required)" },
        { "process without args", V "\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0}}}",
          "t.json:1:34: process.args: expected an array of strings, found nothing (this field is required)" },
        { "process with empty args", V "\"process\": {\"cwd\": \"/\", \"args\": [], \"user\": {\"uid\": 0, \"gid\": 0}}}",
          "t.json:1:55: process.args: expected at least one argument (the program to run), found an array" },
        { "process without user", V "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"]}}",
          "t.json:1:34: process.user: expected an object with uid and gid, found nothing (this field is required)" },
        { "user without gid", V "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"user\": {\"uid\": 0}}}",
          "t.json:1:71: process.user.gid: expected a non-negative integer, found nothing (this field is required)" },
        { "mount without destination", V "\"mounts\": [{\"type\": \"tmpfs\"}]}",
          "t.json:1:34: mounts[0].destination: expected an absolute path, found nothing (this field is required)" },
        { "null required field", V "\"root\": {\"path\": null}}",
          "t.json:1:40: root.path: expected a string, found null" },
        /* wrong types */
        { "hostname a number", V "\"hostname\": 42}", "t.json:1:35: hostname: expected a string, found 42" },
        { "terminal a string", V PROC ", \"terminal\": \"yes\"}}",
          "t.json:1:96: process.terminal: expected true or false, found \"yes\"" },
        { "mounts an object", V "\"mounts\": {}}", "t.json:1:33: mounts: expected an array, found an object" },
        { "mount entry a string", V "\"mounts\": [\"/proc\"]}", "t.json:1:34: mounts[0]: expected an object, found \"/proc\"" },
        { "env entry a number", V PROC ", \"env\": [\"A=1\", 2]}}", "t.json:1:99: process.env[1]: expected a string, found 2" },
        { "annotation a number", V "\"annotations\": {\"a.b\": 1}}",
          "t.json:1:46: annotations[\"a.b\"]: expected a string, found 1" },
        { "uid 1.5", V "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":1.5,\"gid\":0}}}",
          "t.json:1:72: process.user.uid: expected a non-negative integer, found 1.5" },
        /* out of range */
        { "uid 2^32", V "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":4294967296,\"gid\":0}}}",
          "t.json:1:72: process.user.uid: expected an integer from 0 to 4294967295, found 4294967296" },
        { "negative gid", V "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":-1}}}",
          "t.json:1:80: process.user.gid: expected an integer from 0 to 4294967295, found -1" },
        { "negative shares", V "\"linux\":{\"resources\":{\"cpu\":{\"shares\":-2}}}}",
          "t.json:1:61: linux.resources.cpu.shares: expected an integer from 0 to 9223372036854775807, found -2" },
        { "number beyond 64 bits", V "\"linux\":{\"resources\":{\"memory\":{\"limit\":99999999999999999999}}}}",
          "t.json:1:63: linux.resources.memory.limit: expected an integer from -9223372036854775808 to 9223372036854775807, found 99999999999999999999" },
        { "oomScoreAdj", V PROC ", \"oomScoreAdj\": 1001}}",
          "t.json:1:99: process.oomScoreAdj: expected an integer from -1000 to 1000, found 1001" },
        { "umask", V "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0,\"umask\":512}}}",
          "t.json:1:90: process.user.umask: expected an integer from 0 to 511, found 512" },
        { "hook timeout 0", V "\"hooks\":{\"prestart\":[{\"path\":\"/bin/true\",\"timeout\":0}]}}",
          "t.json:1:74: hooks.prestart[0].timeout: expected a number of seconds greater than zero, found 0" },
        { "seccomp arg index 6", V "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"x\"],"
                                 "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":6,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}}}",
          "t.json:1:146: linux.seccomp.syscalls[0].args[0].index: expected an integer from 0 to 5, found 6" },
        /* unknown names */
        { "namespace type", V "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pids\"}]}}",
          "t.json:1:69: linux.namespaces[1].type: expected a namespace type: pid, network, mount, ipc, uts, user, cgroup or time, found \"pids\"" },
        { "capability", V PROC ", \"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_FLY\"]}}}",
          "t.json:1:123: process.capabilities.bounding[1]: expected a capability name such as \"CAP_CHOWN\", found \"CAP_FLY\"" },
        { "lower-case capability", V PROC ", \"capabilities\":{\"ambient\":[\"cap_kill\"]}}}",
          "t.json:1:111: process.capabilities.ambient[0]: expected a capability name such as \"CAP_CHOWN\", found \"cap_kill\"" },
        { "rlimit", V PROC ", \"rlimits\":[{\"type\":\"RLIMIT_FOO\",\"hard\":1,\"soft\":1}]}}",
          "t.json:1:103: process.rlimits[0].type: expected an RLIMIT_* name such as \"RLIMIT_NOFILE\", found \"RLIMIT_FOO\"" },
        { "seccomp action", V "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_MAYBE\"}}}",
          "t.json:1:59: linux.seccomp.defaultAction: expected a seccomp action such as \"SCMP_ACT_ERRNO\", found \"SCMP_ACT_MAYBE\"" },
        { "seccomp operator", V "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"x\"],"
                              "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_LIKE\"}]}]}}}",
          "t.json:1:163: linux.seccomp.syscalls[0].args[0].op: expected a seccomp operator such as \"SCMP_CMP_EQ\", found \"SCMP_CMP_LIKE\"" },
        { "seccomp architecture", V "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"x86_64\"]}}}",
          "t.json:1:93: linux.seccomp.architectures[0]: expected an architecture such as \"SCMP_ARCH_X86_64\", found \"x86_64\"" },
        { "seccomp flag", V "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_FAST\"]}}}",
          "t.json:1:85: linux.seccomp.flags[0]: expected a flag such as \"SECCOMP_FILTER_FLAG_LOG\", found \"SECCOMP_FILTER_FLAG_FAST\"" },
        { "device type", V "\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"x\",\"major\":1,\"minor\":1}]}}",
          "t.json:1:67: linux.devices[0].type: expected a device type: c, b, u or p, found \"x\"" },
        { "device without major", V "\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\"}]}}",
          "t.json:1:43: linux.devices[0].major: expected an integer, found nothing (this field is required)" },
        { "device access", V "\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]}}}",
          "t.json:1:79: linux.resources.devices[0].access: expected a combination of r, w and m, found \"rwx\"" },
        /* absolute paths */
        { "relative destination", V "\"mounts\": [{\"destination\": \"proc\"}]}",
          "t.json:1:50: mounts[0].destination: expected an absolute path, found \"proc\"" },
        { "relative cwd", V "\"process\":{\"cwd\":\"home\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0}}}",
          "t.json:1:40: process.cwd: expected an absolute path, found \"home\"" },
        { "relative namespace path", V "\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"netns/x\"}]}}",
          "t.json:1:71: linux.namespaces[0].path: expected an absolute path, found \"netns/x\"" },
        { "relative device path", V "\"linux\":{\"devices\":[{\"path\":\"dev/null\",\"type\":\"c\",\"major\":1,\"minor\":3}]}}",
          "t.json:1:51: linux.devices[0].path: expected an absolute path, found \"dev/null\"" },
        { "relative hook path", V "\"hooks\":{\"poststop\":[{\"path\":\"hook.sh\"}]}}",
          "t.json:1:52: hooks.poststop[0].path: expected an absolute path, found \"hook.sh\"" },
        { "relative masked path", V "\"linux\":{\"maskedPaths\":[\"/proc/kcore\",\"proc/keys\"]}}",
          "t.json:1:61: linux.maskedPaths[1]: expected an absolute path, found \"proc/keys\"" },
        /* semantic checks */
        { "duplicate namespace", V "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},\n{\"type\":\"mount\"},{\"type\":\"pid\"}]}}",
          "t.json:2:26: linux.namespaces[2].type: expected each namespace type once, found \"pid\" again (first at linux.namespaces[0])" },
        { "duplicate rlimit", V PROC ", \"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1,\"soft\":1},"
                              "{\"type\":\"RLIMIT_NOFILE\",\"hard\":2,\"soft\":2}]}}",
          "t.json:1:146: process.rlimits[1].type: expected each rlimit type once, found \"RLIMIT_NOFILE\" again (first at process.rlimits[0])" },
        { "mappings without user namespace", V "\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}}",
          "t.json:1:46: linux.uidMappings: expected a user namespace in linux.namespaces for these mappings, found none" },
        { "user namespace path with mappings", V "\"linux\":{\"namespaces\":[{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}],"
                                               "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}}",
          "t.json:1:102: linux.gidMappings: expected no mappings when joining the existing user namespace /proc/1/ns/user, found 1" },
        { "overlapping container ids", V "\"linux\":{\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":["
                                       "{\"containerID\":0,\"hostID\":100000,\"size\":1000},\n{\"containerID\":999,\"hostID\":5000,\"size\":2}]}}",
          "t.json:2:16: linux.uidMappings[1].containerID: expected container ids disjoint from mapping [0] (0-999), found the overlapping range 999-1000" },
        { "overlapping host ids", V "\"linux\":{\"namespaces\":[{\"type\":\"user\"}],\"gidMappings\":["
                                  "{\"containerID\":0,\"hostID\":100000,\"size\":1000},{\"containerID\":1000,\"hostID\":100500,\"size\":10}]}}",
          "t.json:1:153: linux.gidMappings[1].hostID: expected host ids disjoint from mapping [0] (100000-100999), found the overlapping range 100500-100509" },
        { "mapping of size 0", V "\"linux\":{\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":0}]}}",
          "t.json:1:113: linux.uidMappings[0].size: expected a size of at least 1, found 0" },
        { "mapping past 2^32", V "\"linux\":{\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":[{\"containerID\":4294967295,\"hostID\":1,\"size\":2}]}}",
          "t.json:1:122: linux.uidMappings[0].size: expected ids that end below 4294967296, found size 2 from containerID 4294967295 and hostID 1" },
        { "overlapping mount ids", V "\"mounts\":[{\"destination\":\"/a\",\"uidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":10},"
                                   "{\"containerID\":5,\"hostID\":50,\"size\":10}]}]}",
          "t.json:1:122: mounts[0].uidMappings[1].containerID: expected container ids disjoint from mapping [0] (0-9), found the overlapping range 5-14" },
        { "net sysctl without netns", V "\"linux\":{\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}}}",
          "t.json:1:64: linux.sysctl[\"net.ipv4.ip_forward\"]: expected a network namespace for net.* sysctls in linux.namespaces, found none (it would change the host)" },
        { "ipc sysctl without ipc ns", V "\"linux\":{\"namespaces\":[{\"type\":\"network\"}],\"sysctl\":{\"kernel.shmmax\":\"1\"}}}",
          "t.json:1:92: linux.sysctl[\"kernel.shmmax\"]: expected an ipc namespace for IPC sysctls in linux.namespaces, found none (it would change the host)" },
        { "uts sysctl without uts ns", V "\"linux\":{\"sysctl\":{\"kernel.hostname\":\"x\"}}}",
          "t.json:1:60: linux.sysctl[\"kernel.hostname\"]: expected a uts namespace for kernel.hostname and kernel.domainname in linux.namespaces, found none (it would change the host)" },
        { "host-wide sysctl", V "\"linux\":{\"namespaces\":[{\"type\":\"network\"}],\"sysctl\":{\"kernel.core_pattern\":\"|/x\"}}}",
          "t.json:1:98: linux.sysctl[\"kernel.core_pattern\"]: expected a sysctl a namespace isolates (net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, kernel.hostname, kernel.domainname), found one that would change the host" },
        { "hostname without uts ns", V "\"hostname\":\"box\"}", "t.json:1:34: hostname: expected a uts namespace in linux.namespaces to apply this to, found none" },
        { "time offsets without time ns", V "\"linux\":{\"timeOffsets\":{\"monotonic\":{\"secs\":1}}}}",
          "t.json:1:46: linux.timeOffsets: expected a time namespace in linux.namespaces to apply this to, found none" },
        { "notify without listener", V "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"x\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}}}",
          "t.json:1:42: linux.seccomp.listenerPath: expected the path of a seccomp agent's socket, since SCMP_ACT_NOTIFY is used, found nothing" },
        { "errnoRet with allow", V "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"x\"],\"action\":\"SCMP_ACT_KILL\",\"errnoRet\":1}]}}}",
          "t.json:1:139: linux.seccomp.syscalls[0].errnoRet: expected action SCMP_ACT_ERRNO or SCMP_ACT_TRACE with a return value, found SCMP_ACT_KILL" },
        { "unknown clock", V "\"linux\":{\"namespaces\":[{\"type\":\"time\"}],\"timeOffsets\":{\"realtime\":{\"secs\":1}}}}",
          "t.json:1:89: linux.timeOffsets.realtime: expected the clock monotonic or boottime, found \"realtime\"" },
};

/* On a mismatch, show what the reported line:column points at. */
static void show_position(const char *json, const char *msg)
{
        int line, col;
        if (!msg || sscanf(msg, "t.json:%d:%d:", &line, &col) != 2)
                return;
        const char *p = json;
        for (int l = 1; l < line && (p = strchr(p, '\n')); l++)
                p++;
        if (!p)
                return;
        for (int c = 1; c < col && *p && *p != '\n'; c++)
                p++;
        printf("#   at %d:%d: ", line, col);
        for (int i = 0; i < 24 && p[i]; i++)
                printf(p[i] >= 0x20 && p[i] < 0x7f ? "%c" : "\\x%02x", (unsigned char)p[i]);
        printf("\n");
}

static void test_bad_inputs(void)
{
        for (size_t i = 0; i < ARRAY_SIZE(bad_inputs); i++) {
                const struct bad *b = &bad_inputs[i];
                if (!b->msg)
                        continue;
                _cleanup_error_ struct bw_error *err = NULL;
                struct oci_config *c = NULL;
                int r = oci_config_load_data(b->json, strlen(b->json), "t.json", &c, &err);
                tap_ok(r == -EINVAL && !c && err && err->status == BW_EXIT_FAILURE, "%s: refused with EINVAL, exit 1", b->what);
                tap_is_str(err ? err->msg : NULL, b->msg, b->what);
                if (err && strcmp(err->msg, b->msg) != 0)
                        show_position(b->json, err->msg);
                oci_config_free(c);
        }
}

/* Nesting: 64 levels (the limit) parse, 65 are refused where level 65 opens. */
static void test_depth(void)
{
        char buf[512];
        for (int depth = 64; depth <= 65; depth++) {
                size_t n = 0;
                n += (size_t)snprintf(buf + n, sizeof(buf) - n, "{\"ociVersion\":\"1.2.0\",\"x\":");
                for (int i = 1; i < depth; i++)
                        buf[n++] = '[';
                for (int i = 1; i < depth; i++)
                        buf[n++] = ']';
                buf[n++] = '}';
                buf[n] = '\0';
                _cleanup_error_ struct bw_error *err = NULL;
                _cleanup_config_ struct oci_config *c = NULL;
                int r = oci_config_load_data(buf, n, "deep.json", &c, &err);
                if (depth == 64) {
                        tap_is_int(r, 0, "64 levels of nesting (in an unknown field) load");
                } else {
                        tap_is_int(r, -EINVAL, "65 levels are refused");
                        tap_is_str(err ? err->msg : NULL,
                                   "deep.json:1:90: expected JSON nested at most 64 levels deep, found deeper nesting "
                                   "(a config needs fewer than 10)", "deep nesting: message");
                }
        }
        /* jansson's own limit is far deeper; ours must bite first */
        size_t n = 100000;
        _cleanup_free_ char *deep = malloc(n + 1);
        memset(deep, '[', n);
        deep[n] = '\0';
        _cleanup_error_ struct bw_error *err = NULL;
        struct oci_config *c = NULL;
        tap_is_int(oci_config_load_data(deep, n, "deep.json", &c, &err), -EINVAL, "100000 open brackets are refused");
        tap_is_str(err ? err->msg : NULL,
                   "deep.json:1:65: expected JSON nested at most 64 levels deep, found deeper nesting (a config needs fewer than 10)",
                   "100000 open brackets: message");
}

static void test_lenient(void)
{
        /* unknown properties are ignored; null counts as absent; a config
         * with commandLine may omit args */
        const char *in = V "\"future\": {\"x\": [1, 2]}, \"process\":{\"cwd\":\"/\",\"commandLine\":\"cmd /c\","
                           "\"user\":{\"uid\":0,\"gid\":0,\"frobnicate\":true},\"env\":null}, \"mounts\": null}";
        _cleanup_error_ struct bw_error *err = NULL;
        _cleanup_config_ struct oci_config *c = NULL;
        int r = oci_config_load_data(in, strlen(in), "t.json", &c, &err);
        tap_is_int(r, 0, "unknown fields ignored, null as absent, commandLine without args");
        if (r < 0)
                printf("# %s\n", err->msg);
        tap_ok(c && !c->process->args && !c->process->env && !c->mounts, "absent lists stay NULL");

        const char *min = "{\"ociVersion\":\"1.0.2-dev\"}";
        _cleanup_config_ struct oci_config *m = NULL;
        tap_is_int(oci_config_load_data(min, strlen(min), "t.json", &m, &err), 0, "ociVersion alone is a valid config");
        tap_ok(m && !m->process && !m->linux && !m->has_root, "and everything else is absent");
        _cleanup_json_ json_t *d = m ? oci_config_dump(m) : NULL;
        tap_ok(d && json_object_size(d) == 1, "its dump has only ociVersion");
}

static void test_validate_in_memory(void)
{
        struct oci_namespace ns[] = { { .type = OCI_NS_PID }, { .type = OCI_NS_PID } };
        struct oci_linux l = { .namespaces = ns, .n_namespaces = 2 };
        struct oci_config c = { .oci_version = "1.2.0", .linux = &l };
        _cleanup_error_ struct bw_error *err = NULL;
        tap_is_int(oci_config_validate(&c, &err), -EINVAL, "oci_config_validate checks an in-memory config");
        tap_is_str(err ? err->msg : NULL,
                   "config: linux.namespaces[1].type: expected each namespace type once, found \"pid\" again (first at linux.namespaces[0])",
                   "in-memory errors name the path without a position");
}

static void test_validate_shape(void)
{
        char *args[] = { "sh", NULL };
        struct oci_process p = { .cwd = "tmp", .args = args };
        struct oci_config c = { .oci_version = "1.2.0", .process = &p };
        _cleanup_error_ struct bw_error *err = NULL;
        tap_is_int(oci_config_validate(&c, &err), -EINVAL, "in memory: a relative cwd is refused");
        tap_is_str(err ? err->msg : NULL, "config: process.cwd: expected an absolute path, found \"tmp\"",
                   "in memory: relative cwd message");
        p.cwd = "/";
        char *masked[] = { "/proc/kcore", "sys", NULL };
        struct oci_linux l = { .masked_paths = masked };
        c.linux = &l;
        _cleanup_error_ struct bw_error *e2 = NULL;
        tap_is_int(oci_config_validate(&c, &e2), -EINVAL, "in memory: a relative masked path is refused");
        tap_is_str(e2 ? e2->msg : NULL, "config: linux.maskedPaths[1]: expected an absolute path, found \"sys\"",
                   "in memory: relative masked path message");
        masked[1] = NULL;
        _cleanup_error_ struct bw_error *e3 = NULL;
        tap_is_int(oci_config_validate(&c, &e3), 0, "in memory: a sound config passes");
}

static void test_process_file(void)
{
        const char *good = "{\"cwd\":\"/\",\"args\":[\"ls\"],\"user\":{\"uid\":5,\"gid\":6},\"env\":[\"A=b\"]}";
        _cleanup_error_ struct bw_error *err = NULL;
        struct oci_process *p = NULL;
        tap_is_int(oci_process_load_data(good, strlen(good), "process.json", &p, &err), 0, "a process.json loads");
        tap_ok(p && p->user.uid == 5 && p->user.gid == 6 && strcmp(p->args[0], "ls") == 0, "its fields are read");
        oci_process_free(p);
        p = NULL;
        const char *bad = "{\"cwd\":\"/\",\"args\":[\"ls\"],\n \"user\":{\"uid\":-5,\"gid\":6}}";
        _cleanup_error_ struct bw_error *e2 = NULL;
        tap_is_int(oci_process_load_data(bad, strlen(bad), "process.json", &p, &e2), -EINVAL, "a bad process.json is refused");
        tap_is_str(e2 ? e2->msg : NULL, "process.json:2:16: user.uid: expected an integer from 0 to 4294967295, found -5",
                   "its paths start at the file's top");
        const char *dup = "{\"cwd\":\"/\",\"args\":[\"ls\"],\"user\":{\"uid\":0,\"gid\":0},\"rlimits\":["
                          "{\"type\":\"RLIMIT_AS\",\"hard\":1,\"soft\":1},{\"type\":\"RLIMIT_AS\",\"hard\":1,\"soft\":1}]}";
        _cleanup_error_ struct bw_error *e3 = NULL;
        tap_is_int(oci_process_load_data(dup, strlen(dup), "p.json", &p, &e3), -EINVAL, "process.json: duplicate rlimit");
        tap_is_str(e3 ? e3->msg : NULL,
                   "p.json:1:109: rlimits[1].type: expected each rlimit type once, found \"RLIMIT_AS\" again (first at rlimits[0])",
                   "process.json: duplicate rlimit message");
}

/* Keys written with escapes are still found in the source. */
static void test_escaped_keys(void)
{
        const char *in = "{\"ociVersion\":\"1.2.0\",\"linux\":{\"namespaces\":[{\"type\":\"network\"}],"
                         "\"sysctl\":{\"net.ipv4.a\":\"1\",\"k\\u0065rnel.core_pattern\":\"x\"}}}";
        _cleanup_error_ struct bw_error *err = NULL;
        struct oci_config *c = NULL;
        tap_is_int(oci_config_load_data(in, strlen(in), "t.json", &c, &err), -EINVAL, "escaped sysctl key refused");
        tap_is_str(err ? err->msg : NULL,
                   "t.json:1:120: linux.sysctl[\"kernel.core_pattern\"]: expected a sysctl a namespace isolates (net.*, "
                   "kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, kernel.hostname, kernel.domainname), found one "
                   "that would change the host", "an escaped key is located in the source");
}

static void test_names(void)
{
        tap_is_int(oci_cap_from_name("CAP_SYS_ADMIN"), CAP_SYS_ADMIN, "CAP_SYS_ADMIN by name");
        tap_is_int(oci_cap_from_name("21"), -1, "numbers are not capability names");
        tap_is_str(oci_cap_name(CAP_NET_RAW), "CAP_NET_RAW", "capability name from number");
        tap_is_int(oci_cap_from_name("cap_sys_admin"), -1, "the spec's spelling only: CAP_ and upper case");
        tap_ok(oci_cap_name(OCI_CAP_LAST + 1) == NULL && oci_cap_name(-1) == NULL, "no name past the table");
        /* The table agrees with libcap (and so with the kernel headers) on
         * every number it names. */
        bool same = true;
        for (int i = 0; i <= OCI_CAP_LAST; i++) {
                char *l = cap_to_name((cap_value_t)i);
                char up[64] = "";
                for (size_t k = 0; l && l[k] && k < sizeof(up) - 1; k++)
                        up[k] = (char)toupper((unsigned char)l[k]);
                if (!oci_cap_name(i) || strcmp(up, oci_cap_name(i)) != 0 || oci_cap_from_name(up) != i)
                        same = false, printf("# %d: libcap %s, table %s\n", i, up, oci_cap_name(i) ?: "(none)");
                cap_free(l);
        }
        tap_ok(same, "capability names 0..%d are libcap's", OCI_CAP_LAST);
        tap_is_int(oci_rlimit_from_name("RLIMIT_NPROC"), RLIMIT_NPROC, "RLIMIT_NPROC");
        tap_is_str(oci_rlimit_name(RLIMIT_RTTIME), "RLIMIT_RTTIME", "RLIMIT_RTTIME by number");
        tap_is_int(oci_ns_type_from_name("cgroup"), OCI_NS_CGROUP, "namespace by name");
        tap_is_str(oci_ns_type_name(OCI_NS_NETWORK), "network", "namespace name");
        tap_is_int(oci_seccomp_action_from_name("SCMP_ACT_KILL_PROCESS"), OCI_SECCOMP_KILL_PROCESS, "seccomp action");
        tap_is_str(oci_seccomp_op_name(OCI_SECCOMP_MASKED_EQ), "SCMP_CMP_MASKED_EQ", "seccomp operator");
        tap_ok(oci_seccomp_arch_known("SCMP_ARCH_AARCH64") && !oci_seccomp_arch_known("SCMP_ARCH_Z80"), "seccomp archs");
        tap_ok(oci_seccomp_flag_known("SECCOMP_FILTER_FLAG_SPEC_ALLOW"), "seccomp flags");
        tap_is_int(oci_ioprio_class_from_name("IOPRIO_CLASS_IDLE"), 3, "IOPRIO_CLASS_IDLE");
        tap_is_int(oci_sched_policy_from_name("SCHED_BATCH"), SCHED_BATCH, "SCHED_BATCH");
}

int main(void)
{
        test_full();
        test_file();
        test_engines();
        test_big_numbers();
        test_bad_inputs();
        test_depth();
        test_lenient();
        test_validate_in_memory();
        test_validate_shape();
        test_process_file();
        test_escaped_keys();
        test_names();
        return tap_done();
}
