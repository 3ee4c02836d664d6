/* Seccomp capability probes: architectures through libseccomp's own name
 * table, filter flags through the kernel and libseccomp's API level. */
#include <ctype.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/seccomp_probe.h"

const char *const bw_seccomp_arch_names[] = {
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
        "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
        "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
        "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
        "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
        "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE",
        "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
        "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
        "SCMP_ARCH_RISCV64", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
        NULL,
};

uint32_t bw_seccomp_arch_token(const char *oci_name)
{
        static const char prefix[] = "SCMP_ARCH_";
        if (strncmp(oci_name, prefix, sizeof(prefix) - 1) != 0)
                return 0;
        /* libseccomp names its architectures in lower case ("x86_64"). */
        char lower[32];
        const char *s = oci_name + sizeof(prefix) - 1;
        size_t n = strlen(s);
        if (n == 0 || n >= sizeof(lower))
                return 0;
        for (size_t i = 0; i <= n; i++)
                lower[i] = (char)tolower((unsigned char)s[i]);
        return seccomp_arch_resolve_name(lower);
}

struct flag {
        const char *name;
        unsigned long bits;      /* what to hand the kernel to ask about it */
};

/* WAIT_KILLABLE_RECV only means something with NEW_LISTENER, and the kernel
 * rejects it alone, so it is asked about together with that flag. */
static const struct flag flags[] = {
        { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
        { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
        { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
        { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
          SECCOMP_FILTER_FLAG_NEW_LISTENER | (1UL << 5) /* WAIT_KILLABLE_RECV */ },
};

const char *const bw_seccomp_flag_names[] = {
        "SECCOMP_FILTER_FLAG_TSYNC",
        "SECCOMP_FILTER_FLAG_LOG",
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
        NULL,
};

/* bulwark loads the BPF itself (seccomp(2)), so only the kernel decides
 * which flags work, not libseccomp's API level.
 * The kernel checks the flags before it reads the filter, so a NULL filter
 * fails with EFAULT for flags it knows and EINVAL for flags it does not.
 * Nothing is installed either way. */
bool bw_seccomp_kernel_accepts(unsigned long bits)
{
        long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, bits, NULL);
        return r < 0 && errno == EFAULT;
}

bool bw_seccomp_flag_supported(const char *name)
{
        for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
                if (strcmp(flags[i].name, name) == 0)
                        return bw_seccomp_kernel_accepts(flags[i].bits);
        return false;
}
