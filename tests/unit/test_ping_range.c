#include <stdint.h>

#include "linux/ping_range.h"
#include "tap.h"

int main(void)
{
        uint32_t lo = 1, hi = 0;
        tap_ok(bw_ping_range_from_map("         0     100000      65536\n", &lo, &hi), "one mapping gives a range");
        tap_is_int((int)lo, 0, "from the first mapped gid");
        tap_is_int((int)hi, 65535, "to the last");
        tap_ok(bw_ping_range_from_map("0 0 4294967295\n", &lo, &hi), "the host's namespace");
        tap_is_int((int)(hi == 2147483647u), 1, "clipped to the sysctl's maximum");
        tap_ok(bw_ping_range_from_map("0 1000 1\n1 100000 65536\n", &lo, &hi), "several mappings");
        tap_is_int((int)lo, 1, "the widest one is chosen");
        tap_is_int((int)hi, 65536, "its end");
        tap_ok(!bw_ping_range_from_map("", &lo, &hi), "no mapping: no range");
        tap_ok(!bw_ping_range_from_map("garbage\n", &lo, &hi), "unparsable: no range");
        return tap_done();
}
