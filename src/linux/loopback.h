/* The loopback interface of a new network namespace starts down; runc and
 * crun bring it up, and containers (ping 127.0.0.1, local servers) expect
 * that. */
#pragma once
#include "util/error.h"

/* Bring "lo" up in the caller's network namespace (needs CAP_NET_ADMIN
 * there). */
int bw_loopback_up(struct bw_error **err);
