/* Compose files (the Compose specification, and `docker compose config`
 * output) as audit input: each service as the `docker run` it amounts to,
 * translated by the docker inspect reader into the config.json dockerd
 * would hand its runtime, with each field's position in the YAML. */
#pragma once
#include "input/target.h"
#include "input/yaml.h"

/* A document with a services mapping and no Kubernetes kind. */
bool bw_compose_is_file(const struct bw_ynode *doc);

/* Call fn for each service of each Compose document of y. dir is the
 * Compose file's directory (relative seccomp profile paths are read from
 * there), where names the input in messages. */
int bw_compose_read(const struct bw_yaml *y, const char *dir, const char *where, bw_input_fn fn, void *ctx,
                    struct bw_error **err);

/* "512m", "1g", "1024": bytes as Docker reads sizes; -1 when unreadable. */
long long bw_compose_bytes(const char *s);
