/* The D-Bus wire format (little-endian) and a blocking connection with
 * deadlines. See dbus.h. */
#include "linux/dbus.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/log.h"

/* ---- writing ---- */

void bw_dbus_buf_free(struct bw_dbus_buf *b)
{
        free(b->p);
        *b = (struct bw_dbus_buf){ 0 };
}

static bool reserve(struct bw_dbus_buf *b, size_t n)
{
        if (b->oom)
                return false;
        if (n > BW_DBUS_MAX_MESSAGE || b->len > BW_DBUS_MAX_MESSAGE - n) {
                b->oom = true;
                return false;
        }
        if (b->len + n <= b->cap)
                return true;
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
                cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
                b->oom = true;
                return false;
        }
        b->p = p;
        b->cap = cap;
        return true;
}

static void put(struct bw_dbus_buf *b, const void *v, size_t n)
{
        if (!n || !reserve(b, n))
                return;
        memcpy(b->p + b->len, v, n);
        b->len += n;
}

void bw_dbus_align(struct bw_dbus_buf *b, size_t n)
{
        static const uint8_t zero[8];
        size_t pad = (n - b->len % n) % n;
        put(b, zero, pad);
}

void bw_dbus_put_u8(struct bw_dbus_buf *b, uint8_t v)
{
        put(b, &v, 1);
}

void bw_dbus_put_u32(struct bw_dbus_buf *b, uint32_t v)
{
        uint8_t le[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
        bw_dbus_align(b, 4);
        put(b, le, 4);
}

void bw_dbus_put_i32(struct bw_dbus_buf *b, int32_t v)
{
        bw_dbus_put_u32(b, (uint32_t)v);
}

void bw_dbus_put_bool(struct bw_dbus_buf *b, bool v)
{
        bw_dbus_put_u32(b, v ? 1 : 0);
}

void bw_dbus_put_u64(struct bw_dbus_buf *b, uint64_t v)
{
        uint8_t le[8];
        for (int i = 0; i < 8; i++)
                le[i] = (uint8_t)(v >> (8 * i));
        bw_dbus_align(b, 8);
        put(b, le, 8);
}

void bw_dbus_put_str(struct bw_dbus_buf *b, const char *s)
{
        size_t n = strlen(s);
        if (n > UINT32_MAX) {
                b->oom = true;
                return;
        }
        bw_dbus_put_u32(b, (uint32_t)n);
        put(b, s, n + 1);
}

void bw_dbus_put_sig(struct bw_dbus_buf *b, const char *s)
{
        size_t n = strlen(s);
        if (n > 255) {
                b->oom = true;
                return;
        }
        bw_dbus_put_u8(b, (uint8_t)n);
        put(b, s, n + 1);
}

struct bw_dbus_array bw_dbus_array_begin(struct bw_dbus_buf *b, size_t elem_align)
{
        bw_dbus_put_u32(b, 0);
        struct bw_dbus_array a = { .len_at = b->len - 4 };
        bw_dbus_align(b, elem_align);
        a.start = b->len;
        return a;
}

void bw_dbus_array_end(struct bw_dbus_buf *b, struct bw_dbus_array a)
{
        if (b->oom || b->len < a.start || a.len_at + 4 > b->len)
                return;
        size_t n = b->len - a.start;
        if (n > (64u << 20)) {
                b->oom = true;
                return;
        }
        for (int i = 0; i < 4; i++)
                b->p[a.len_at + (size_t)i] = (uint8_t)(n >> (8 * i));
}

void bw_dbus_prop_begin(struct bw_dbus_buf *b, const char *name, const char *sig)
{
        bw_dbus_align(b, 8);
        bw_dbus_put_str(b, name);
        bw_dbus_put_sig(b, sig);
}

void bw_dbus_prop_str(struct bw_dbus_buf *b, const char *name, const char *v)
{
        bw_dbus_prop_begin(b, name, "s");
        bw_dbus_put_str(b, v);
}

void bw_dbus_prop_bool(struct bw_dbus_buf *b, const char *name, bool v)
{
        bw_dbus_prop_begin(b, name, "b");
        bw_dbus_put_bool(b, v);
}

void bw_dbus_prop_u64(struct bw_dbus_buf *b, const char *name, uint64_t v)
{
        bw_dbus_prop_begin(b, name, "t");
        bw_dbus_put_u64(b, v);
}

void bw_dbus_prop_u32s(struct bw_dbus_buf *b, const char *name, const uint32_t *v, size_t n)
{
        bw_dbus_prop_begin(b, name, "au");
        struct bw_dbus_array a = bw_dbus_array_begin(b, 4);
        for (size_t i = 0; i < n; i++)
                bw_dbus_put_u32(b, v[i]);
        bw_dbus_array_end(b, a);
}

void bw_dbus_prop_bytes(struct bw_dbus_buf *b, const char *name, const uint8_t *v, size_t n)
{
        bw_dbus_prop_begin(b, name, "ay");
        struct bw_dbus_array a = bw_dbus_array_begin(b, 1);
        put(b, v, n);
        bw_dbus_array_end(b, a);
}

/* ---- signatures and paths ---- */

static size_t type_align(char t)
{
        switch (t) {
        case 'n': case 'q':
                return 2;
        case 'b': case 'i': case 'u': case 'h': case 's': case 'o': case 'a':
                return 4;
        case 'x': case 't': case 'd': case '(': case '{':
                return 8;
        default:
                return 1; /* y g v */
        }
}

static bool basic(char t)
{
        return t && strchr("ybnqiuxtdhsog", t);
}

/* The end (index after) of the single complete type at s[i], or 0 when it
 * is not one. Nesting is limited as the protocol says (32 arrays, 32
 * structs). */
static size_t sig_one(const char *s, size_t i, int arrays, int structs)
{
        char t = s[i];
        if (basic(t) || t == 'v')
                return i + 1;
        if (t == 'a') {
                if (arrays >= 32)
                        return 0;
                if (s[i + 1] == '{') {
                        if (structs >= 32 || !basic(s[i + 2]))
                                return 0;
                        size_t e = sig_one(s, i + 3, arrays + 1, structs + 1);
                        return e && s[e] == '}' ? e + 1 : 0;
                }
                return sig_one(s, i + 1, arrays + 1, structs);
        }
        if (t == '(') {
                if (structs >= 32 || s[i + 1] == ')')
                        return 0;
                size_t j = i + 1;
                while (s[j] && s[j] != ')') {
                        j = sig_one(s, j, arrays, structs + 1);
                        if (!j)
                                return 0;
                }
                return s[j] == ')' ? j + 1 : 0;
        }
        return 0;
}

bool bw_dbus_signature_valid(const char *s)
{
        if (strlen(s) > 255)
                return false;
        for (size_t i = 0; s[i];) {
                i = sig_one(s, i, 0, 0);
                if (!i)
                        return false;
        }
        return true;
}

bool bw_dbus_path_valid(const char *s)
{
        if (s[0] != '/')
                return false;
        if (!s[1])
                return true;
        for (size_t i = 1; s[i]; i++) {
                char c = s[i];
                if (c == '/') {
                        if (s[i - 1] == '/' || !s[i + 1])
                                return false;
                } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
                        return false;
                }
        }
        return true;
}

/* ---- the method call ---- */

static void field(struct bw_dbus_buf *b, uint8_t code, const char *sig, const char *v)
{
        bw_dbus_align(b, 8);
        bw_dbus_put_u8(b, code);
        bw_dbus_put_sig(b, sig);
        if (sig[0] == 'g')
                bw_dbus_put_sig(b, v);
        else
                bw_dbus_put_str(b, v);
}

int bw_dbus_method_call(struct bw_dbus_buf *out, uint32_t serial, const char *dest, const char *path,
                        const char *iface, const char *member, const char *sig, const struct bw_dbus_buf *body)
{
        size_t body_len = body ? body->len : 0;
        if ((body && body->oom) || !bw_dbus_path_valid(path) || (sig && !bw_dbus_signature_valid(sig)) ||
            body_len > UINT32_MAX)
                return -EINVAL;
        out->len = 0;
        const uint8_t fixed[4] = { 'l', BW_DBUS_METHOD_CALL, 0, 1 };
        put(out, fixed, 4);
        bw_dbus_put_u32(out, (uint32_t)body_len);
        bw_dbus_put_u32(out, serial);
        struct bw_dbus_array a = bw_dbus_array_begin(out, 8);
        field(out, 1, "o", path);
        if (iface)
                field(out, 2, "s", iface);
        field(out, 3, "s", member);
        if (dest)
                field(out, 6, "s", dest);
        if (sig && *sig)
                field(out, 8, "g", sig);
        bw_dbus_array_end(out, a);
        bw_dbus_align(out, 8);
        if (body_len)
                put(out, body->p, body_len);
        return out->oom ? -ENOMEM : 0;
}

/* ---- reading ---- */

void bw_dbus_rd_init(struct bw_dbus_rd *rd, const uint8_t *p, size_t len)
{
        *rd = (struct bw_dbus_rd){ .p = p, .len = len };
}

static int bad(struct bw_dbus_rd *rd)
{
        rd->bad = true;
        return -EBADMSG;
}

/* Skip padding to n; padding must be zero bytes within the data. */
static int rd_align(struct bw_dbus_rd *rd, size_t n)
{
        if (rd->bad)
                return -EBADMSG;
        size_t pad = (n - rd->pos % n) % n;
        if (pad > rd->len - rd->pos)
                return bad(rd);
        for (size_t i = 0; i < pad; i++)
                if (rd->p[rd->pos + i])
                        return bad(rd);
        rd->pos += pad;
        return 0;
}

static int rd_need(struct bw_dbus_rd *rd, size_t align, size_t n)
{
        if (rd_align(rd, align) < 0)
                return -EBADMSG;
        if (n > rd->len - rd->pos)
                return bad(rd);
        return 0;
}

static uint32_t le32(const uint8_t *p)
{
        return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int bw_dbus_get_u32(struct bw_dbus_rd *rd, uint32_t *v)
{
        if (rd_need(rd, 4, 4) < 0)
                return -EBADMSG;
        *v = le32(rd->p + rd->pos);
        rd->pos += 4;
        return 0;
}

int bw_dbus_get_u64(struct bw_dbus_rd *rd, uint64_t *v)
{
        if (rd_need(rd, 8, 8) < 0)
                return -EBADMSG;
        *v = (uint64_t)le32(rd->p + rd->pos) | (uint64_t)le32(rd->p + rd->pos + 4) << 32;
        rd->pos += 8;
        return 0;
}

int bw_dbus_get_bool(struct bw_dbus_rd *rd, bool *v)
{
        uint32_t u;
        if (bw_dbus_get_u32(rd, &u) < 0)
                return -EBADMSG;
        if (u > 1)
                return bad(rd);
        *v = u;
        return 0;
}

/* len bytes then a NUL, none inside. */
static int rd_text(struct bw_dbus_rd *rd, size_t n, const char **s)
{
        if (n >= rd->len - rd->pos || rd->p[rd->pos + n] != '\0' || memchr(rd->p + rd->pos, '\0', n))
                return bad(rd);
        *s = (const char *)rd->p + rd->pos;
        rd->pos += n + 1;
        return 0;
}

int bw_dbus_get_str(struct bw_dbus_rd *rd, const char **s)
{
        uint32_t n;
        if (bw_dbus_get_u32(rd, &n) < 0)
                return -EBADMSG;
        return rd_text(rd, n, s);
}

int bw_dbus_get_sig(struct bw_dbus_rd *rd, const char **s)
{
        if (rd_need(rd, 1, 1) < 0)
                return -EBADMSG;
        size_t n = rd->p[rd->pos++];
        if (rd_text(rd, n, s) < 0 || !bw_dbus_signature_valid(*s))
                return bad(rd);
        return 0;
}

static int skip_one(struct bw_dbus_rd *rd, const char *sig, size_t *i, int depth)
{
        if (depth > 64)
                return bad(rd);
        char t = sig[*i];
        const char *s;
        uint32_t u;
        switch (t) {
        case 'y':
                if (rd_need(rd, 1, 1) < 0)
                        return -EBADMSG;
                rd->pos++;
                break;
        case 'n': case 'q':
                if (rd_need(rd, 2, 2) < 0)
                        return -EBADMSG;
                rd->pos += 2;
                break;
        case 'b': {
                bool b;
                if (bw_dbus_get_bool(rd, &b) < 0)
                        return -EBADMSG;
                break;
        }
        case 'i': case 'u': case 'h':
                if (bw_dbus_get_u32(rd, &u) < 0)
                        return -EBADMSG;
                break;
        case 'x': case 't': case 'd':
                if (rd_need(rd, 8, 8) < 0)
                        return -EBADMSG;
                rd->pos += 8;
                break;
        case 's':
                if (bw_dbus_get_str(rd, &s) < 0)
                        return -EBADMSG;
                break;
        case 'o':
                if (bw_dbus_get_str(rd, &s) < 0 || !bw_dbus_path_valid(s))
                        return bad(rd);
                break;
        case 'g':
                if (bw_dbus_get_sig(rd, &s) < 0)
                        return -EBADMSG;
                break;
        case 'v': {
                if (bw_dbus_get_sig(rd, &s) < 0)
                        return -EBADMSG;
                size_t j = 0;
                if (!s[0] || sig_one(s, 0, 0, 0) != strlen(s) || skip_one(rd, s, &j, depth + 1) < 0)
                        return bad(rd);
                break;
        }
        case 'a': {
                if (bw_dbus_get_u32(rd, &u) < 0)
                        return -EBADMSG;
                size_t end_sig = sig_one(sig, *i + 1, 0, 0);
                if (!end_sig || u > (64u << 20))
                        return bad(rd);
                if (rd_align(rd, type_align(sig[*i + 1])) < 0 || u > rd->len - rd->pos)
                        return bad(rd);
                size_t end = rd->pos + u;
                while (rd->pos < end) {
                        size_t j = *i + 1;
                        if (skip_one(rd, sig, &j, depth + 1) < 0)
                                return -EBADMSG;
                }
                if (rd->pos != end)
                        return bad(rd);
                *i = end_sig;
                return 0;
        }
        case '(': case '{': {
                char close = t == '(' ? ')' : '}';
                if (rd_align(rd, 8) < 0)
                        return -EBADMSG;
                size_t j = *i + 1;
                while (sig[j] && sig[j] != close)
                        if (skip_one(rd, sig, &j, depth + 1) < 0)
                                return -EBADMSG;
                if (sig[j] != close)
                        return bad(rd);
                *i = j + 1;
                return 0;
        }
        default:
                return bad(rd);
        }
        (*i)++;
        return 0;
}

int bw_dbus_skip(struct bw_dbus_rd *rd, const char **sig)
{
        size_t i = 0;
        if (!**sig || rd->bad)
                return bad(rd);
        int r = skip_one(rd, *sig, &i, 0);
        if (r < 0)
                return r;
        *sig += i;
        return 0;
}

void bw_dbus_msg_free(struct bw_dbus_msg *m)
{
        free(m->buf);
        *m = (struct bw_dbus_msg){ 0 };
}

int bw_dbus_msg_size(const uint8_t hdr[16], size_t max, size_t *total)
{
        if (hdr[0] != 'l' || hdr[1] < BW_DBUS_METHOD_CALL || hdr[1] > BW_DBUS_SIGNAL || hdr[3] != 1)
                return -EBADMSG;
        uint64_t fields = le32(hdr + 12), body = le32(hdr + 4);
        uint64_t n = ((16 + fields + 7) & ~(uint64_t)7) + body;
        if (n > max)
                return -EBADMSG;
        *total = (size_t)n;
        return 0;
}

/* Header field codes and the type each must have. */
static const char *const field_sig[] = { [1] = "o", [2] = "s", [3] = "s", [4] = "s", [5] = "u",
                                         [6] = "s", [7] = "s", [8] = "g", [9] = "u" };

int bw_dbus_msg_parse(const uint8_t *buf, size_t len, struct bw_dbus_msg *m)
{
        *m = (struct bw_dbus_msg){ 0 };
        size_t total;
        if (len < 16 || bw_dbus_msg_size(buf, BW_DBUS_MAX_MESSAGE, &total) < 0 || total != len)
                return -EBADMSG;
        m->type = buf[1];
        m->flags = buf[2];
        m->body_len = le32(buf + 4);
        m->serial = le32(buf + 8);
        if (!m->serial)
                return -EBADMSG;
        struct bw_dbus_rd rd;
        bw_dbus_rd_init(&rd, buf, 16 + (size_t)le32(buf + 12));
        rd.pos = 16;
        while (rd.pos < rd.len) {
                if (rd_need(&rd, 8, 1) < 0)
                        return -EBADMSG;
                uint8_t code = rd.p[rd.pos++];
                const char *sig;
                if (bw_dbus_get_sig(&rd, &sig) < 0)
                        return -EBADMSG;
                if (code == 0 || code >= ARRAY_SIZE(field_sig)) {
                        /* Unknown fields are skipped, as the spec says. */
                        if (!sig[0] || sig_one(sig, 0, 0, 0) != strlen(sig) || bw_dbus_skip(&rd, &sig) < 0)
                                return -EBADMSG;
                        continue;
                }
                if (strcmp(sig, field_sig[code]) != 0)
                        return -EBADMSG;
                const char *s = NULL;
                uint32_t u = 0;
                int r = sig[0] == 'u' ? bw_dbus_get_u32(&rd, &u) : sig[0] == 'g' ? bw_dbus_get_sig(&rd, &s)
                                                                                 : bw_dbus_get_str(&rd, &s);
                if (r < 0 || (code == 1 && !bw_dbus_path_valid(s)))
                        return -EBADMSG;
                switch (code) {
                case 1: m->path = s; break;
                case 2: m->iface = s; break;
                case 3: m->member = s; break;
                case 4: m->error_name = s; break;
                case 5: m->reply_serial = u; break;
                case 6: m->dest = s; break;
                case 7: m->sender = s; break;
                case 8: m->sig = s; break;
                default: break; /* 9: unix fds, never negotiated */
                }
        }
        /* Body: from the next 8-byte boundary; the padding is zero. */
        size_t body_at = (rd.len + 7) & ~(size_t)7;
        for (size_t i = rd.len; i < body_at; i++)
                if (buf[i])
                        return -EBADMSG;
        if (body_at + m->body_len != len)
                return -EBADMSG;
        m->body = buf + body_at;
        if (m->body_len && (!m->sig || !m->sig[0]))
                return -EBADMSG;
        switch (m->type) {
        case BW_DBUS_METHOD_CALL:
                if (!m->path || !m->member)
                        return -EBADMSG;
                break;
        case BW_DBUS_METHOD_RETURN:
                if (!m->reply_serial)
                        return -EBADMSG;
                break;
        case BW_DBUS_ERROR:
                if (!m->reply_serial || !m->error_name)
                        return -EBADMSG;
                break;
        default:
                if (!m->path || !m->iface || !m->member)
                        return -EBADMSG;
                break;
        }
        m->len = len;
        return 0;
}

void bw_dbus_hex_uid(unsigned uid, char *out, size_t len)
{
        char dec[16];
        snprintf(dec, sizeof(dec), "%u", uid);
        size_t o = 0;
        for (size_t i = 0; dec[i] && o + 3 <= len; i++)
                o += (size_t)snprintf(out + o, len - o, "%02x", (unsigned char)dec[i]);
        if (len)
                out[o < len ? o : len - 1] = '\0';
}

/* ---- the connection ---- */

struct bw_dbus {
        int fd;
        bool bus;
        uint32_t serial;
        struct bw_dbus_msg q[BW_DBUS_QUEUE];
        size_t qhead, qn;
};

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for fd to be ready for events before deadline. */
static int wait_fd(int fd, short events, int64_t deadline)
{
        for (;;) {
                int64_t left = deadline - now_ms();
                if (left <= 0)
                        return -ETIMEDOUT;
                struct pollfd p = { .fd = fd, .events = events };
                int n = poll(&p, 1, (int)(left > 60000 ? 60000 : left));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n > 0)
                        return 0;
        }
}

static int send_all(int fd, const void *p, size_t n, int64_t deadline)
{
        const uint8_t *b = p;
        while (n) {
                int r = wait_fd(fd, POLLOUT, deadline);
                if (r < 0)
                        return r;
                ssize_t w = send(fd, b, n, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (w < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (w < 0)
                        return -errno;
                b += w;
                n -= (size_t)w;
        }
        return 0;
}

static int recv_all(int fd, void *p, size_t n, int64_t deadline)
{
        uint8_t *b = p;
        while (n) {
                int r = wait_fd(fd, POLLIN, deadline);
                if (r < 0)
                        return r;
                ssize_t got = recv(fd, b, n, MSG_DONTWAIT);
                if (got < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (got < 0)
                        return -errno;
                if (got == 0)
                        return -ECONNRESET;
                b += got;
                n -= (size_t)got;
        }
        return 0;
}

/* One SASL line ("OK 1234abcd..."), without the CR LF. */
static int sasl_line(int fd, char *line, size_t len, int64_t deadline)
{
        size_t n = 0;
        for (;;) {
                char c;
                int r = recv_all(fd, &c, 1, deadline);
                if (r < 0)
                        return r;
                if (c == '\n' && n > 0 && line[n - 1] == '\r') {
                        line[n - 1] = '\0';
                        return 0;
                }
                if (n + 1 >= len)
                        return -EBADMSG;
                line[n++] = c;
        }
}

static int read_msg(struct bw_dbus *c, int64_t deadline, struct bw_dbus_msg *m)
{
        uint8_t hdr[16];
        int r = recv_all(c->fd, hdr, sizeof(hdr), deadline);
        if (r < 0)
                return r;
        size_t total;
        if (bw_dbus_msg_size(hdr, BW_DBUS_MAX_MESSAGE, &total) < 0 || total < 16)
                return -EBADMSG;
        _cleanup_free_ uint8_t *buf = malloc(total);
        if (!buf)
                return -ENOMEM;
        memcpy(buf, hdr, sizeof(hdr));
        if ((r = recv_all(c->fd, buf + 16, total - 16, deadline)) < 0)
                return r;
        if ((r = bw_dbus_msg_parse(buf, total, m)) < 0)
                return r;
        m->buf = take_ptr(buf);
        return 0;
}

static void queue_push(struct bw_dbus *c, struct bw_dbus_msg *m)
{
        if (c->qn == BW_DBUS_QUEUE) {
                bw_dbus_msg_free(&c->q[c->qhead]);
                c->qhead = (c->qhead + 1) % BW_DBUS_QUEUE;
                c->qn--;
        }
        c->q[(c->qhead + c->qn) % BW_DBUS_QUEUE] = *m;
        c->qn++;
        *m = (struct bw_dbus_msg){ 0 };
}

void bw_dbus_close(struct bw_dbus *c)
{
        if (!c)
                return;
        if (c->fd >= 0)
                close(c->fd);
        for (size_t i = 0; i < c->qn; i++)
                bw_dbus_msg_free(&c->q[(c->qhead + i) % BW_DBUS_QUEUE]);
        free(c);
}

static void closep(struct bw_dbus **c)
{
        bw_dbus_close(*c);
}

bool bw_dbus_is_bus(const struct bw_dbus *c)
{
        return c->bus;
}

static const char *err_text(const struct bw_dbus_msg *m)
{
        if (!m->sig || m->sig[0] != 's')
                return "";
        struct bw_dbus_rd rd;
        bw_dbus_rd_init(&rd, m->body, m->body_len);
        const char *s = "";
        bw_dbus_get_str(&rd, &s);
        return s;
}

int bw_dbus_call(struct bw_dbus *c, const char *dest, const char *path, const char *iface, const char *member,
                 const char *sig, const struct bw_dbus_buf *body, int timeout_ms, struct bw_dbus_msg *reply,
                 struct bw_error **err)
{
        int64_t deadline = now_ms() + timeout_ms;
        _cleanup_(bw_dbus_buf_free) struct bw_dbus_buf msg = { 0 };
        uint32_t serial = ++c->serial;
        if (!serial)
                serial = ++c->serial;
        int r = bw_dbus_method_call(&msg, serial, c->bus ? dest : NULL, path, iface, member, sig, body);
        if (r < 0)
                return bw_error_set(err, r, "D-Bus call %s.%s: building the message", iface, member);
        if ((r = send_all(c->fd, msg.p, msg.len, deadline)) < 0)
                return bw_error_set(err, r, "D-Bus call %s.%s: sending", iface, member);
        for (;;) {
                struct bw_dbus_msg m;
                if ((r = read_msg(c, deadline, &m)) < 0)
                        return bw_error_set(err, r, "D-Bus call %s.%s: waiting for the reply%s", iface, member,
                                            r == -ETIMEDOUT ? " (no answer in time)" : "");
                if (m.type == BW_DBUS_SIGNAL) {
                        queue_push(c, &m);
                        continue;
                }
                if ((m.type != BW_DBUS_METHOD_RETURN && m.type != BW_DBUS_ERROR) || m.reply_serial != serial) {
                        bw_dbus_msg_free(&m);
                        continue;
                }
                if (m.type == BW_DBUS_ERROR) {
                        r = bw_error_msg(err, -EREMOTEIO, "%s.%s: %s (%s)", iface, member, err_text(&m),
                                         m.error_name);
                        if (reply)
                                *reply = m;
                        else
                                bw_dbus_msg_free(&m);
                        return r;
                }
                if (reply)
                        *reply = m;
                else
                        bw_dbus_msg_free(&m);
                return 0;
        }
}

int bw_dbus_next_signal(struct bw_dbus *c, int timeout_ms, struct bw_dbus_msg *sig, struct bw_error **err)
{
        if (c->qn) {
                *sig = c->q[c->qhead];
                c->q[c->qhead] = (struct bw_dbus_msg){ 0 };
                c->qhead = (c->qhead + 1) % BW_DBUS_QUEUE;
                c->qn--;
                return 0;
        }
        int64_t deadline = now_ms() + timeout_ms;
        for (;;) {
                struct bw_dbus_msg m;
                int r = read_msg(c, deadline, &m);
                if (r == -ETIMEDOUT)
                        return r;
                if (r < 0)
                        return bw_error_set(err, r, "reading D-Bus signals");
                if (m.type == BW_DBUS_SIGNAL) {
                        *sig = m;
                        return 0;
                }
                bw_dbus_msg_free(&m);
        }
}

int bw_dbus_open(const char *socket_path, bool bus, int timeout_ms, struct bw_dbus **out, struct bw_error **err)
{
        int64_t deadline = now_ms() + timeout_ms;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (strlen(socket_path) >= sizeof(sa.sun_path))
                return bw_error_msg(err, -ENAMETOOLONG, "D-Bus socket path %s is too long", socket_path);
        strcpy(sa.sun_path, socket_path);
        struct bw_dbus *c = calloc(1, sizeof(*c));
        if (!c)
                return bw_error_set(err, -ENOMEM, "connecting to D-Bus at %s", socket_path);
        _cleanup_(closep) struct bw_dbus *conn = c;
        c->bus = bus;
        c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (c->fd < 0)
                return bw_error_set(err, -errno, "D-Bus socket");
        if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
                return bw_error_set(err, -errno, "connecting to %s", socket_path);
        char uid[32], line[512];
        bw_dbus_hex_uid((unsigned)geteuid(), uid, sizeof(uid));
        int n = snprintf(line, sizeof(line), "%cAUTH EXTERNAL %s\r\n", '\0', uid);
        int r = send_all(c->fd, line, (size_t)n, deadline);
        if (r >= 0)
                r = sasl_line(c->fd, line, sizeof(line), deadline);
        if (r < 0)
                return bw_error_set(err, r, "authenticating to %s", socket_path);
        if (strncmp(line, "OK ", 3) != 0)
                return bw_error_msg(err, -EACCES, "%s refused authentication as uid %u: \"%.100s\"", socket_path,
                                    (unsigned)geteuid(), line);
        if ((r = send_all(c->fd, "BEGIN\r\n", 7, deadline)) < 0)
                return bw_error_set(err, r, "authenticating to %s", socket_path);
        if (bus) {
                int left = (int)(deadline - now_ms());
                r = bw_dbus_call(c, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello",
                                 NULL, NULL, left > 0 ? left : 1, NULL, err);
                if (r < 0)
                        return bw_error_wrap(err, "on %s", socket_path);
        }
        *out = take_ptr(conn);
        return 0;
}
