/* The host probes behind `bulwark features`. */
#include <seccomp.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>

#include "linux/cap_names.h"
#include "linux/idmap_probe.h"
#include "linux/mount_options.h"
#include "linux/seccomp_probe.h"
#include "tap.h"
#include "util/cleanup.h"
#include "util/strv.h"

int main(void)
{
        {
                _cleanup_strv_ char **names = bw_cap_known_names();
                tap_ok(names != NULL, "capability names are listed");
                tap_is_str(names ? names[0] : NULL, "CAP_CHOWN", "capability 0 is CAP_CHOWN");
                tap_ok(bw_strv_contains(names, "CAP_SYS_ADMIN") && bw_strv_contains(names, "CAP_NET_RAW"),
                       "CAP_SYS_ADMIN and CAP_NET_RAW are known");
                tap_ok(bw_strv_len(names) <= (size_t)cap_max_bits(), "no more names than the kernel has capabilities");
                bool upper = true;
                for (size_t i = 0; names && names[i]; i++)
                        upper &= strncmp(names[i], "CAP_", 4) == 0 && strpbrk(names[i], "abcdefghijklmnopqrstuvwxyz") == NULL;
                tap_ok(upper, "every name is CAP_ and upper case, as config.json spells them");
        }
        {
                tap_is_int(bw_seccomp_arch_token("SCMP_ARCH_X86_64"), SCMP_ARCH_X86_64, "SCMP_ARCH_X86_64 resolves");
                tap_is_int(bw_seccomp_arch_token("SCMP_ARCH_AARCH64"), SCMP_ARCH_AARCH64, "SCMP_ARCH_AARCH64 resolves");
                tap_is_int(bw_seccomp_arch_token("SCMP_ARCH_VAX"), 0, "an unknown architecture does not");
                tap_is_int(bw_seccomp_arch_token("x86_64"), 0, "libseccomp's own spelling is not an OCI name");
                tap_is_int(bw_seccomp_arch_token("SCMP_ARCH_"), 0, "an empty name does not resolve");
                tap_ok(!bw_seccomp_flag_supported("SECCOMP_FILTER_FLAG_BOGUS"), "an unknown flag is not supported");
                tap_ok(bw_seccomp_flag_supported("SECCOMP_FILTER_FLAG_TSYNC"), "TSYNC is supported (Linux >= 3.17)");
                /* WAIT_KILLABLE_RECV came with Linux 5.19; libseccomp 2.5 cannot set
                 * it, but bulwark hands the BPF to the kernel itself. */
                tap_ok(bw_seccomp_flag_supported("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"),
                       "WAIT_KILLABLE_RECV is supported on this 6.x kernel whatever libseccomp's API level");
        }
        {
                bool unique = true;
                for (size_t i = 0; i < bw_n_mount_options; i++)
                        for (size_t j = i + 1; j < bw_n_mount_options; j++)
                                unique &= strcmp(bw_mount_options[i].name, bw_mount_options[j].name) != 0;
                tap_ok(unique, "no mount option is listed twice");
                const struct bw_mount_option *ro = bw_mount_option_find("ro");
                tap_ok(ro && ro->kind == BW_MOPT_FLAG && ro->flags == MS_RDONLY && !ro->clear, "ro sets MS_RDONLY");
                const struct bw_mount_option *rw = bw_mount_option_find("rw");
                tap_ok(rw && rw->kind == BW_MOPT_FLAG && rw->flags == MS_RDONLY && rw->clear, "rw clears MS_RDONLY");
                const struct bw_mount_option *rb = bw_mount_option_find("rbind");
                tap_ok(rb && rb->flags == (MS_BIND | MS_REC), "rbind is a recursive bind");
                const struct bw_mount_option *rro = bw_mount_option_find("rro");
                tap_ok(rro && rro->kind == BW_MOPT_RECURSIVE && rro->attr_set == MOUNT_ATTR_RDONLY, "rro sets MOUNT_ATTR_RDONLY recursively");
                const struct bw_mount_option *rna = bw_mount_option_find("rnoatime");
                tap_ok(rna && rna->attr_clr == MOUNT_ATTR__ATIME && rna->attr_set == MOUNT_ATTR_NOATIME,
                       "rnoatime replaces the whole atime field");
                tap_ok(bw_mount_option_find("mode=755") == NULL, "filesystem data is not an option");
        }
        {
                _cleanup_error_ struct bw_error *err = NULL;
                int r = bw_probe_idmapped_mounts(&err);
                tap_ok(r == 0 || r == 1, "the idmap probe answers yes or no (%d%s%s)", r,
                       err ? ": " : "", err ? err->msg : "");
        }
        return tap_done();
}
