/* Live engines beyond Docker, as audit sources: where Podman's
 * Docker-compatible API listens, whether an engine runs rootless, and
 * what that means for the configs it hands its runtime. Pure data work:
 * the caller talks to the socket. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"

/* Podman's API socket: arg when given (a path or unix://PATH), else
 * CONTAINER_HOST=unix://PATH (container_host, may be NULL), else
 * /run/podman/podman.sock for root (uid 0) and
 * XDG_RUNTIME_DIR/podman/podman.sock for anyone else. *out is allocated. */
int bw_podman_socket(const char *arg, const char *container_host, uid_t uid, const char *xdg_runtime_dir,
                     char **out, struct bw_error **err);

/* Does an engine's GET /info answer (Docker's, or Podman's compat one,
 * SecurityOptions holding "name=rootless") or Podman's GET /libpod/info
 * answer (host.security.rootless) say it runs rootless? */
bool bw_engine_info_rootless(json_t *info);

/* A rootless engine runs every container inside the user namespace of
 * the user it runs as: put that namespace in the translated config (uid
 * and gid 0 are that user's ids on the host), so the rules judge what the
 * kernel acts on. A config that already has a user namespace is left as
 * it is (its maps are then relative to the engine's, which never holds
 * host root either). */
int bw_engine_rootless_userns(json_t *oci, uid_t uid, gid_t gid);
