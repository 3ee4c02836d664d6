/* Docker as an audit source: `docker inspect` output translated into the
 * OCI config Docker would hand its runtime, and the engine's API socket. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* audit's exit status when the engine cannot be reached or fails. */
#define BW_EXIT_UNREACHABLE 3

/* An object that looks like `docker inspect` output (Id plus HostConfig). */
bool bw_docker_is_inspect(json_t *o);

/* Translate one inspect object into config.json as Docker would build it
 * (docs/policy.md lists what is modelled). where names it in messages. */
int bw_docker_to_oci(json_t *inspect, const char *where, json_t **out, struct bw_error **err);

/* "web (3f2a1b0c9d8e)": the container's name and short id. */
char *bw_docker_target_name(json_t *inspect);

/* The engine's socket: DOCKER_HOST=unix://PATH, else /var/run/docker.sock.
 * Other DOCKER_HOST schemes are a usage error. */
int bw_docker_socket(const char **path, struct bw_error **err);

/* GET path over HTTP/1.1 on the unix socket; the body of a 200 response in
 * *body. A socket that cannot be reached fails with -EHOSTUNREACH-style
 * codes and err->status 3; an HTTP error names the status and message. */
int bw_docker_get(const char *sock, const char *path, char **body, size_t *len, struct bw_error **err);
