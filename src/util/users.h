/* Host user lookups (the owner column of list, the ids of the bulwark
 * user and of a rootless caller). A static build cannot load the host's
 * NSS modules (glibc would dlopen ones of its own version): it reads
 * /etc/passwd directly; a dynamic build asks NSS. */
#pragma once
#include <stddef.h>
#include <sys/types.h>

/* The name of uid into name (size bytes). 0, or -ENOENT when unknown. */
int bw_user_name(uid_t uid, char *name, size_t size);
/* The uid of the user called name. 0, or -ENOENT when unknown. */
int bw_user_uid(const char *name, uid_t *uid);
