/* A small HTTP/1.1 client for the Docker engine API over its unix socket:
 * GET only, "Connection: close", Content-Length or chunked bodies. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "input/docker.h"
#include "util/cleanup.h"

#define MAX_RESPONSE (256u << 20)
#define TIMEOUT_MS 30000

int bw_docker_socket(const char **path, struct bw_error **err)
{
        const char *h = getenv("DOCKER_HOST");
        if (!h || !h[0]) {
                *path = "/var/run/docker.sock";
                return 0;
        }
        if (strncmp(h, "unix://", 7) != 0)
                return bw_error_usage(err, "DOCKER_HOST=%s: only unix:// sockets are supported; "
                                      "use DOCKER_HOST=unix:///var/run/docker.sock", h);
        *path = h + 7;
        return 0;
}

static int unreachable(struct bw_error **err, int code, const char *sock)
{
        int r = bw_error_set(err, code, "cannot reach the Docker engine at %s (set DOCKER_HOST=unix://PATH "
                             "or start dockerd)", sock);
        if (*err)
                (*err)->status = BW_EXIT_UNREACHABLE;
        return r;
}

static int read_response(int fd, char **out, size_t *len, const char *sock, struct bw_error **err)
{
        _cleanup_free_ char *buf = NULL;
        size_t n = 0, cap = 0;
        for (;;) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                int r = poll(&p, 1, TIMEOUT_MS);
                if (r == 0)
                        return unreachable(err, -ETIMEDOUT, sock);
                if (r < 0 && errno != EINTR)
                        return unreachable(err, -errno, sock);
                if (r < 0)
                        continue;
                if (n + 4096 + 1 > cap) {
                        if (cap > MAX_RESPONSE)
                                return bw_error_msg(err, -EFBIG, "%s: response larger than %u bytes", sock, MAX_RESPONSE);
                        cap = cap ? cap * 2 : 16384;
                        char *nb = realloc(buf, cap);
                        if (!nb)
                                return bw_error_set(err, -ENOMEM, "reading from %s", sock);
                        buf = nb;
                }
                ssize_t k = read(fd, buf + n, cap - n - 1);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return unreachable(err, -errno, sock);
                if (k == 0)
                        break;
                n += (size_t)k;
        }
        if (!buf)
                return unreachable(err, -ECONNRESET, sock);
        buf[n] = 0;
        *out = take_ptr(buf);
        *len = n;
        return 0;
}

/* Decode a chunked body in place; returns its length or -1. */
static ssize_t dechunk(char *body, size_t len)
{
        char *in = body, *out = body, *end = body + len;
        for (;;) {
                char *e;
                unsigned long sz = strtoul(in, &e, 16);
                char *crlf = strstr(in, "\r\n");
                if (e == in || !crlf || crlf >= end)
                        return -1;
                in = crlf + 2;
                if (sz == 0)
                        break;
                if (sz > (size_t)(end - in))
                        return -1;
                memmove(out, in, sz);
                out += sz;
                in += sz;
                if (end - in < 2 || in[0] != '\r' || in[1] != '\n')
                        return -1;
                in += 2;
        }
        *out = 0;
        return out - body;
}

int bw_docker_get(const char *sock, const char *path, char **body, size_t *len, struct bw_error **err)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (strlen(sock) >= sizeof(sa.sun_path))
                return bw_error_usage(err, "Docker socket path %s is too long", sock);
        strcpy(sa.sun_path, sock);
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return bw_error_set(err, -errno, "creating a unix socket");
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
                return unreachable(err, -errno, sock);
        char req[1024];
        int rl = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: docker\r\nUser-Agent: bulwark\r\n"
                          "Accept: application/json\r\nConnection: close\r\n\r\n", path);
        if (rl < 0 || (size_t)rl >= sizeof(req))
                return bw_error_usage(err, "Docker API path too long: %s", path);
        for (int off = 0; off < rl;) {
                ssize_t k = write(fd, req + off, (size_t)(rl - off));
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return unreachable(err, -errno, sock);
                off += (int)k;
        }
        _cleanup_free_ char *resp = NULL;
        size_t n = 0;
        int r = read_response(fd, &resp, &n, sock, err);
        if (r < 0)
                return r;
        int status = 0;
        if (sscanf(resp, "HTTP/1.%*d %d", &status) != 1)
                return unreachable(err, -EPROTO, sock);
        char *hdr_end = strstr(resp, "\r\n\r\n");
        if (!hdr_end)
                return unreachable(err, -EPROTO, sock);
        *hdr_end = 0;
        char *b = hdr_end + 4;
        size_t blen = n - (size_t)(b - resp);
        bool chunked = false;
        for (char *l = strstr(resp, "\r\n"); l; l = strstr(l + 2, "\r\n"))
                if (strncasecmp(l + 2, "Transfer-Encoding:", 18) == 0 && strcasestr(l + 2, "chunked"))
                        chunked = true;
        if (chunked) {
                ssize_t d = dechunk(b, blen);
                if (d < 0)
                        return unreachable(err, -EPROTO, sock);
                blen = (size_t)d;
        }
        if (status != 200) {
                /* The engine explains itself in {"message": "..."}. */
                json_t *j = json_loadb(b, blen, 0, NULL);
                const char *m = json_string_value(json_object_get(j, "message"));
                int ret = bw_error_msg(err, status == 404 ? -ENOENT : -EIO, "Docker engine at %s: GET %s: HTTP %d%s%s",
                                       sock, path, status, m ? ": " : "", m ? m : "");
                json_decref(j);
                /* 404 is the caller's business (a wrong id); anything else
                 * is the engine failing us. */
                if (status != 404 && *err)
                        (*err)->status = BW_EXIT_UNREACHABLE;
                return ret;
        }
        char *copy = malloc(blen + 1);
        if (!copy)
                return bw_error_set(err, -ENOMEM, "reading from %s", sock);
        memcpy(copy, b, blen);
        copy[blen] = 0;
        *body = copy;
        *len = blen;
        return 0;
}
