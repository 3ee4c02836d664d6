/* A small D-Bus client: what bulwark needs to talk to systemd's manager and
 * nothing more. A connection over a unix socket with SASL EXTERNAL, method
 * calls marshalled little-endian, and the messages that come back
 * (METHOD_RETURN, ERROR, signals) parsed with every length checked against
 * the bytes received: they come from another process.
 *
 * Writing: a body is built in a bw_dbus_buf with the bw_dbus_put_* calls;
 * offsets are relative to the start of the body, which D-Bus places on an
 * 8-byte boundary, so alignment is the same as in the message.
 *
 * Reading: bw_dbus_msg_parse checks a whole message (header fields, their
 * types, the body's length) and points into its bytes; bw_dbus_rd walks a
 * body by the types the caller expects, failing (never reading past the
 * end) on anything else. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Messages bulwark accepts; the protocol allows 128 MiB, systemd's replies
 * to bulwark are small, and a signal too big is refused, not read. */
#define BW_DBUS_MAX_MESSAGE (8u << 20)

enum {
        BW_DBUS_METHOD_CALL = 1,
        BW_DBUS_METHOD_RETURN = 2,
        BW_DBUS_ERROR = 3,
        BW_DBUS_SIGNAL = 4,
};

struct bw_dbus_buf {
        uint8_t *p;
        size_t len, cap;
        bool oom; /* an allocation failed: the content is incomplete */
};
void bw_dbus_buf_free(struct bw_dbus_buf *b);

void bw_dbus_align(struct bw_dbus_buf *b, size_t n);
void bw_dbus_put_u8(struct bw_dbus_buf *b, uint8_t v);
void bw_dbus_put_bool(struct bw_dbus_buf *b, bool v);
void bw_dbus_put_u32(struct bw_dbus_buf *b, uint32_t v);
void bw_dbus_put_i32(struct bw_dbus_buf *b, int32_t v);
void bw_dbus_put_u64(struct bw_dbus_buf *b, uint64_t v);
void bw_dbus_put_str(struct bw_dbus_buf *b, const char *s);  /* s (and o) */
void bw_dbus_put_sig(struct bw_dbus_buf *b, const char *s);  /* g */
/* An array: begin writes the length word and pads to the elements'
 * alignment; end fills the length (bytes of the elements, padding after
 * the length word not counted). */
struct bw_dbus_array { size_t len_at, start; };
struct bw_dbus_array bw_dbus_array_begin(struct bw_dbus_buf *b, size_t elem_align);
void bw_dbus_array_end(struct bw_dbus_buf *b, struct bw_dbus_array a);

/* One (sv) of an a(sv) property list: the struct's alignment, the name and
 * the variant's signature; the caller then writes a value of that type. */
void bw_dbus_prop_begin(struct bw_dbus_buf *b, const char *name, const char *sig);
void bw_dbus_prop_str(struct bw_dbus_buf *b, const char *name, const char *v);
void bw_dbus_prop_bool(struct bw_dbus_buf *b, const char *name, bool v);
void bw_dbus_prop_u64(struct bw_dbus_buf *b, const char *name, uint64_t v);
void bw_dbus_prop_u32s(struct bw_dbus_buf *b, const char *name, const uint32_t *v, size_t n); /* au */
void bw_dbus_prop_bytes(struct bw_dbus_buf *b, const char *name, const uint8_t *v, size_t n); /* ay */

/* Is s a valid signature of complete types (at most 255 bytes, nesting
 * within the protocol's limits)? */
bool bw_dbus_signature_valid(const char *s);
/* Is s a valid object path ("/", or "/a/b_1": no empty element, no trailing
 * slash, [A-Za-z0-9_] only)? */
bool bw_dbus_path_valid(const char *s);

/* A whole method call: header fields (path, interface, member,
 * destination when given, signature when the body has one) then body. */
int bw_dbus_method_call(struct bw_dbus_buf *out, uint32_t serial, const char *dest, const char *path,
                        const char *iface, const char *member, const char *sig, const struct bw_dbus_buf *body);

/* A parsed message. Strings point into buf (NUL-terminated there); absent
 * header fields are NULL (reply_serial 0). body is within buf. */
struct bw_dbus_msg {
        uint8_t type, flags;
        uint32_t serial, reply_serial;
        const char *path, *iface, *member, *error_name, *dest, *sender, *sig;
        const uint8_t *body;
        size_t body_len;
        uint8_t *buf; /* owned when the message came from bw_dbus_read */
        size_t len;
};
void bw_dbus_msg_free(struct bw_dbus_msg *m);

/* From the first 16 bytes: the length of the whole message, or -EBADMSG
 * (not little-endian, bad version or type, longer than max). */
int bw_dbus_msg_size(const uint8_t hdr[16], size_t max, size_t *total);
/* Parse len bytes that hold exactly one message. m points into buf (not
 * owned). Returns 0 or -EBADMSG. */
int bw_dbus_msg_parse(const uint8_t *buf, size_t len, struct bw_dbus_msg *m);

/* Reading a body. Each get fails (-EBADMSG, and every later get too) on a
 * type or length that does not fit. */
struct bw_dbus_rd {
        const uint8_t *p;
        size_t len, pos;
        bool bad;
};
void bw_dbus_rd_init(struct bw_dbus_rd *rd, const uint8_t *p, size_t len);
int bw_dbus_get_u32(struct bw_dbus_rd *rd, uint32_t *v);
int bw_dbus_get_u64(struct bw_dbus_rd *rd, uint64_t *v);
int bw_dbus_get_bool(struct bw_dbus_rd *rd, bool *v);
int bw_dbus_get_str(struct bw_dbus_rd *rd, const char **s);  /* s or o */
int bw_dbus_get_sig(struct bw_dbus_rd *rd, const char **s);  /* g */
/* Skip one value of the single complete type at the start of *sig,
 * advancing *sig past it. */
int bw_dbus_skip(struct bw_dbus_rd *rd, const char **sig);

/* A connection. Signals that arrive while a call waits for its reply are
 * kept (the last BW_DBUS_QUEUE) for bw_dbus_next_signal. */
#define BW_DBUS_QUEUE 64
struct bw_dbus;
/* Connect to a unix socket and authenticate (EXTERNAL, as our euid). bus:
 * the socket is a message bus (Hello is sent and messages need a
 * destination); false for a peer such as systemd's private socket. */
int bw_dbus_open(const char *socket_path, bool bus, int timeout_ms, struct bw_dbus **out, struct bw_error **err);
void bw_dbus_close(struct bw_dbus *c);
bool bw_dbus_is_bus(const struct bw_dbus *c);
/* Call and wait (at most timeout_ms) for the reply. A D-Bus ERROR reply
 * returns -EREMOTEIO with *err naming it ("org.freedesktop.X: text") and
 * *reply set when reply is non-NULL, so the caller can look at
 * error_name. */
int bw_dbus_call(struct bw_dbus *c, const char *dest, const char *path, const char *iface, const char *member,
                 const char *sig, const struct bw_dbus_buf *body, int timeout_ms, struct bw_dbus_msg *reply,
                 struct bw_error **err);
/* The next signal (queued first, then from the socket) within timeout_ms;
 * -ETIMEDOUT when none came. */
int bw_dbus_next_signal(struct bw_dbus *c, int timeout_ms, struct bw_dbus_msg *sig, struct bw_error **err);

/* SASL: the hex of a uid as EXTERNAL sends it ("0" -> "30"). */
void bw_dbus_hex_uid(unsigned uid, char *out, size_t len);
