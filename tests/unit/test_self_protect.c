#include <linux/capability.h>
#include <string.h>

#include "runtime/self_protect.h"
#include "tap.h"

static enum bw_selfclone_route scan(const char *text)
{
        return bw_self_protect_prescan(text, strlen(text));
}

int main(void)
{
        /* The cheap look at config text: only a plain, capability-listing
         * config may take the view. */
        tap_is_int(scan("{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_KILL\"]}}}"), BW_SELFCLONE_VIEW,
                   "a config listing harmless capabilities takes the view");
        tap_is_int(scan("{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_SYS_ADMIN\"]}}}"), BW_SELFCLONE_SEALED,
                   "CAP_SYS_ADMIN anywhere: the sealed copy");
        tap_is_int(scan("{\"process\": {\"capabilities\": {\"ambient\": [\"CAP_DAC_READ_SEARCH\"]}}}"), BW_SELFCLONE_SEALED,
                   "CAP_DAC_READ_SEARCH anywhere: the sealed copy");
        tap_is_int(scan("{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_SYS_\\u0041DMIN\"]}}}"), BW_SELFCLONE_SEALED,
                   "a \\u escape could spell one: the sealed copy");
        tap_is_int(scan("{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_SYS\\u005fADMIN\"]}}}"), BW_SELFCLONE_SEALED,
                   "a lower-case hex escape of '_' too");
        tap_is_int(scan("{\"process\": {\"env\": [\"A=\\u003cb\\u003e \\u0026\"], \"capabilities\": {}}}"), BW_SELFCLONE_VIEW,
                   "Go's escapes of <, > and & spell no capability: the view");
        tap_is_int(scan("{\"capabilities\": {}, \"x\": \"\\u00"), BW_SELFCLONE_VIEW,
                   "a truncated escape at the end is read safely");
        tap_is_int(scan("{\"process\": {\"args\": [\"true\"]}}"), BW_SELFCLONE_SEALED,
                   "no capabilities list (all are kept): the sealed copy");

        /* The parsed process decides for good. */
        struct oci_process p = { 0 };
        tap_is_int(bw_self_protect_route(&p), BW_SELFCLONE_SEALED, "no capabilities list: sealed");
        p.capabilities.present = true;
        p.capabilities.bounding.mask = 1ULL << CAP_KILL;
        tap_is_int(bw_self_protect_route(&p), BW_SELFCLONE_VIEW, "harmless capabilities: the view");
        static const int risky[] = { CAP_SYS_ADMIN, CAP_DAC_READ_SEARCH };
        for (size_t i = 0; i < 2; i++) {
                struct oci_capset *sets[] = { &p.capabilities.bounding, &p.capabilities.effective,
                                              &p.capabilities.inheritable, &p.capabilities.permitted,
                                              &p.capabilities.ambient };
                for (size_t s = 0; s < 5; s++) {
                        uint64_t was = sets[s]->mask;
                        sets[s]->mask |= 1ULL << risky[i];
                        tap_ok(bw_self_protect_route(&p) == BW_SELFCLONE_SEALED, "capability %d in set %zu: sealed",
                                   risky[i], s);
                        sets[s]->mask = was;
                }
        }

        return tap_done();
}
